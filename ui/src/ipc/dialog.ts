// The operating system's open/save dialogs, the only place the UI asks for them.
// End-to-end tests cannot drive a native GTK dialog, so a test may queue its answers in
// `window.__jingdiDialogAnswers` (each answer: a path, a list of paths, or null for "cancelled");
// everything after the answer (IPC, core, files) is the real thing. No user can set it.
import { open as nativeOpen, save as nativeSave } from '@tauri-apps/plugin-dialog'
import type { OpenDialogOptions, SaveDialogOptions } from '@tauri-apps/plugin-dialog'

type Answer = string | string[] | null
declare global {
  interface Window {
    __jingdiDialogAnswers?: Answer[]
  }
}

function queued(): { answer: Answer } | undefined {
  const q = window.__jingdiDialogAnswers
  return q && q.length ? { answer: q.shift() ?? null } : undefined
}

export async function open(options: OpenDialogOptions): Promise<string | string[] | null> {
  const q = queued()
  if (q) return options.multiple && typeof q.answer === 'string' ? [q.answer] : q.answer
  return await nativeOpen(options)
}

export async function save(options: SaveDialogOptions): Promise<string | null> {
  const q = queued()
  if (q) return Array.isArray(q.answer) ? (q.answer[0] ?? null) : q.answer
  return await nativeSave(options)
}
