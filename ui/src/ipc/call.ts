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

// Calls in the first seconds leave a performance measure each; later ones do not, so that a
// day's use does not fill the page's performance timeline.
const MEASURED_MS = 10_000

/** Calls shell command `cmd`; rejects with a WireError. A call in the app's first seconds
 *  leaves a performance measure `ipc <cmd>` (when it started, how long it took), which the
 *  start-up measurement reads (e2e/size.measure.mjs, `IPC_TIMES=1`). */
export async function call<R>(cmd: string, args?: Record<string, unknown>): Promise<R> {
  const start = performance.now()
  try {
    return await invoke<R>(cmd, args)
  } catch (e) {
    throw toWireError(e)
  } finally {
    if (start < MEASURED_MS) performance.measure?.(`ipc ${cmd}`, { start })
  }
}
