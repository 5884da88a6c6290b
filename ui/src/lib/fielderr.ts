// Where a refusal is shown: the core names the field it refuses in its code
// (`invalid_field.<field>`), so a form shows the message under that field and the rest
// under the form's button. Display only: the message is the core's own.
import type { WireError } from '../ipc/bindings'

/** The sentence a person reads: the core's message without its code prefix. */
export function readable(e: WireError): string {
  return e.message.replace(/^(规则|字段) [\w.]+[:：] ?/, '')
}

/** The message for `field` when the refusal is about it ('' otherwise: el-form-item :error). */
export function errorAt(e: WireError | null, ...fields: string[]): string {
  if (!e) return ''
  return fields.some((f) => e.code === `invalid_field.${f}`) ? readable(e) : ''
}

/** The refusal when no field of the form shows it (for the ActionError under the button). */
export function unplaced(e: WireError | null, fields: string[]): WireError | null {
  if (!e) return null
  return fields.some((f) => e.code === `invalid_field.${f}`) ? null : e
}

/** Ctrl+Enter (or ⌘+Enter) from any field of a form. */
export function isSaveKey(e: KeyboardEvent): boolean {
  return e.key === 'Enter' && (e.ctrlKey || e.metaKey)
}
