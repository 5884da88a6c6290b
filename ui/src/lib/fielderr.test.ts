import { describe, expect, it } from 'vitest'
import { errorAt, isSaveKey, readable, unplaced } from './fielderr'

const phone = { code: 'invalid_field.phone', message: '字段 phone：联系电话「123」应为 7 至 12 位数字' }
const rule = { code: 'rule.checklist.undo_needs_reason', message: '规则 checklist.undo_needs_reason: 将「断电」改回未完成需要注明原因' }

describe('errors at their field', () => {
  it('shows a field refusal under that field, in words, without the code', () => {
    expect(errorAt(phone, 'phone')).toBe('联系电话「123」应为 7 至 12 位数字')
    expect(errorAt(phone, 'id_number')).toBe('')
    expect(errorAt(null, 'phone')).toBe('')
    expect(readable(rule)).not.toMatch(/checklist|rule|规则/)
  })
  it('leaves under the button only what no field shows', () => {
    expect(unplaced(phone, ['phone', 'address'])).toBeNull()
    expect(unplaced(phone, ['address'])).toBe(phone)
    expect(unplaced(rule, ['phone'])).toBe(rule)
  })
  it('Ctrl+Enter (or ⌘+Enter) saves, Enter alone does not', () => {
    expect(isSaveKey(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true }))).toBe(true)
    expect(isSaveKey(new KeyboardEvent('keydown', { key: 'Enter', metaKey: true }))).toBe(true)
    expect(isSaveKey(new KeyboardEvent('keydown', { key: 'Enter' }))).toBe(false)
  })
})
