// Typed calls into the Tauri shell (the household, board, visit, obstacle, meeting and plot
// screens). Each maps to one command, which is one call into the core (jingdi::desk); all go
// through `call` (call.ts).
import { call } from './call'
import type * as T from './bindings'

export type { T }
export { isWireError, toWireError } from './call'

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
  logDemolitionDay: (input: T.DemolitionInput) => call<T.PlotWork>('log_demolition_day', { input }),
  addPole: (input: T.PoleInput) => call<T.PlotWork>('add_pole', { input }),
  setChecklistDone: (input: T.ChecklistInput) => call<T.PlotWork>('set_checklist_done', { input }),
  /** 撤销: takes back this laptop's latest edit of the record, if nothing was written about it since. */
  undoLast: (record: string) => call<null>('undo_last', { record }),
  setHouseholdField: (input: T.HouseholdFieldInput) => call<T.HouseholdView>('set_household_field', { input }),
  workDay: (project: string) => call<T.WorkDay>('work_day', { project }),
}
