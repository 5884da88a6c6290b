// Typed calls into the Tauri shell. Each maps to one command, which is one call into the
// core (jingdi::desk). A refusal arrives as the core's {code, message}.
import { invoke } from '@tauri-apps/api/core'
import type * as T from './bindings'

export type { T }

export function isWireError(e: unknown): e is T.WireError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e
}

/** Any failure as a WireError (IPC plumbing errors arrive as plain strings). */
export function toWireError(e: unknown): T.WireError {
  if (isWireError(e)) return e
  return { code: 'ipc', message: String(e) }
}

export async function call<R>(cmd: string, args?: Record<string, unknown>): Promise<R> {
  try {
    return await invoke<R>(cmd, args)
  } catch (e) {
    throw toWireError(e)
  }
}

export const api = {
  appState: () => call<T.AppState>('app_state'),
  setIdentity: (input: T.Identity) => call<T.AppState>('set_identity', { input }),
  openDemo: () => call<T.Project>('open_demo'),
  createProject: (input: T.ProjectInput) => call<T.Project>('create_project', { input }),
  summary: (project: string) => call<T.Summary>('summary', { project }),
  board: (project: string) => call<T.Board>('board', { project }),
  findHouseholds: (project: string, query: string) => call<T.HouseholdHit[]>('find_households', { project, query }),
  clearance: (project: string) => call<T.ClearanceItem[]>('clearance', { project }),
  history: (input: T.HistoryQuery) => call<T.HistoryEntry[]>('history', { input }),
  household: (id: string) => call<T.HouseholdView>('household', { id }),
  logVisit: (input: T.VisitInput) => call<T.Visit>('log_visit', { input }),
  setStage: (input: T.StageInput) => call<T.HouseholdView>('set_stage', { input }),
  assess: (input: T.AssessInput) => call<T.HouseholdView>('assess', { input }),
  confirmItem: (input: T.PaymentInput) => call<T.Item>('confirm_item', { input }),
  obstacles: (project: string) => call<T.ObstacleList>('obstacles', { project }),
  addObstacle: (input: T.ObstacleInput) => call<T.Obstacle>('add_obstacle', { input }),
  resolveObstacle: (input: T.ResolveInput) => call<T.Obstacle>('resolve_obstacle', { input }),
  meetingPrep: (project: string, since: string | null) => call<T.MeetingPrep>('meeting_prep', { project, since }),
  recordMeeting: (input: T.MeetingInput) => call<T.Meeting>('record_meeting', { input }),
  plotWork: (project: string) => call<T.PlotWork>('plot_work', { project }),
  setPoleStatus: (input: T.PoleStatusInput) => call<T.Pole[]>('set_pole_status', { input }),
}
