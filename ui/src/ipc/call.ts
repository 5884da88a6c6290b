// The one way the UI calls the Tauri shell. Each command is one call into the core
// (jingdi::desk); a refusal arrives as the core's {code, message}, and any other failure
// (IPC plumbing errors arrive as plain strings) is turned into the same shape, so every
// screen shows errors one way. The typed call lists (api.ts, compensation.ts, office.ts,
// sync.ts, ...) are built on `call` alone.
import { invoke } from '@tauri-apps/api/core'
import type { WireError } from './bindings'

export function isWireError(e: unknown): e is WireError {
  return typeof e === 'object' && e !== null && 'code' in e && 'message' in e
}

/** Any failure as a WireError. */
export function toWireError(e: unknown): WireError {
  if (isWireError(e)) return e
  return { code: 'ipc', message: String(e) }
}

/** Calls shell command `cmd`; rejects with a WireError. */
export async function call<R>(cmd: string, args?: Record<string, unknown>): Promise<R> {
  try {
    return await invoke<R>(cmd, args)
  } catch (e) {
    throw toWireError(e)
  }
}
