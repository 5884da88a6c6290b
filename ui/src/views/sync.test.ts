import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../i18n'
import type { Conflict, FolderReport, SyncImportReport, SyncStatus } from '../ipc/bindings'
import { sync } from '../ipc/sync'
import { refreshProjects, syncWork } from '../store'

const { status, resolve } = vi.hoisted(() => {
  const side = (operation: string, device_id: string, value: unknown) => ({
    operation, device_id, value, author: '林晓燕', recorded_at: '2022-08-15T02:59:00Z',
  })
  const field: Conflict = {
    key: 'o1:o2:phone', entity: 'household', entity_id: 'h1', field: 'phone', household_no: 'DX4-044',
    a: side('o1', 'd-office', '13900000001'), b: side('o2', 'd-leader', '13900000002'),
    showing: 'b', resolved: false, rule: null, message: null,
  } as Conflict
  const rule: Conflict = {
    key: 'o3:o4:rule.compensation.paid_locked', entity: 'compensation_item', entity_id: 'i1',
    field: 'rule.compensation.paid_locked', household_no: 'DX4-024',
    a: side('o3', 'd-office', { status: 'paid' }), b: side('o4', 'd-leader', { status: 'estimated' }),
    showing: '', resolved: false, rule: 'rule.compensation.paid_locked',
    message: '户 DX4-024的补偿项「果树」：A 为 … 登记支付，B 为 … 撤销确认，两台电脑互不知情。',
  } as Conflict
  const status: SyncStatus = {
    device_id: 'd-office', device_name: '街道办公室', folder: null,
    peers: [{ device_id: 'd-leader', name: '二组组长笔记本' } as SyncStatus['peers'][number]],
    conflicts: [field, rule],
  }
  const resolve = vi.fn(async () => status)
  return { status, resolve }
})
vi.mock('../ipc/sync', () => ({
  sync: { status: async () => status, resolve, export: vi.fn(), import: vi.fn(), folder: vi.fn(), cancel: vi.fn(async () => null), chooseTarget: vi.fn(), chooseBundle: vi.fn(), chooseFolder: vi.fn() },
}))
vi.mock('../store', async (importOriginal) => ({
  // The real syncWork: the page's folder and bundle work lives there, beyond the page.
  ...(await importOriginal<typeof import('../store')>()),
  store: { changes: 0, project: null },
  changed: vi.fn(),
  refreshProjects: vi.fn(async () => {}),
  projectId: () => 'p1',
}))

import Sync from './Sync.vue'

describe('同步', () => {
  it('lists a rule two laptops broke together beside the conflicts, in the core words, decided by keeping a side', async () => {
    const w = mount(Sync, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    const items = w.findAll('[data-testid="sync-conflict"]')
    expect(items).toHaveLength(2)
    expect(items[0].attributes('data-rule')).toBe('')
    expect(items[0].text()).toContain('联系电话')
    const rule = items[1]
    expect(rule.attributes('data-rule')).toBe('rule.compensation.paid_locked')
    expect(rule.get('[data-testid="sync-rule-message"]').text()).toContain('户 DX4-024的补偿项「果树」')
    expect(rule.text()).toContain('规则据以约束的一方')
    expect(rule.text()).toContain('二组组长笔记本')
    // A rule is decided by keeping a side, never by typing a value.
    expect(rule.find('input').exists()).toBe(false)
    await rule.get('[data-testid="sync-keep-a"]').trigger('click')
    await flushPromises()
    expect(resolve).toHaveBeenCalledWith('p1', 'o3:o4:rule.compensation.paid_locked', 'a', null)
  })

  it('keeps a merge under way, and what it brought, when the page is left and opened again', async () => {
    let finish: (r: SyncImportReport) => void = () => {}
    vi.mocked(sync.chooseBundle).mockResolvedValue('/u盘/NP1-完整.jdb')
    vi.mocked(sync.import).mockReturnValue(new Promise((r) => (finish = r)))
    const first = mount(Sync, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    await first.get('[data-testid="sync-import"]').trigger('click')
    await flushPromises()
    expect(syncWork.busy).toBe(true)
    first.unmount()
    // Back on the page while the merge still runs: its buttons say so.
    const again = mount(Sync, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(again.get('[data-testid="sync-import"]').classes()).toContain('is-loading')
    finish({
      file: '/u盘/NP1-完整.jdb', project_code: 'NP1', sender_device: 'd-np1', sender_name: '南片笔记本', joined: true,
      new_operations: 100005, known_operations: 0, visits: 0, changes: 100005, conflicts: 0, violations: 0,
      from_devices: { 'd-np1': 100005 }, held_back: [],
    } as unknown as SyncImportReport)
    await flushPromises()
    expect(syncWork.busy).toBe(false)
    expect(again.get('[data-testid="sync-report-item"]').attributes('data-changes')).toBe('100005')
    // The bundle brought a plot this laptop did not hold: the project switcher is refreshed.
    expect(refreshProjects).toHaveBeenCalledTimes(1)
    expect(syncWork.error).toBeNull()
  })

  it('offers 取消 while a folder sync runs and says what was merged when it stopped', async () => {
    let finish: (r: FolderReport) => void = () => {}
    vi.mocked(sync.folder).mockReturnValue(new Promise((r) => (finish = r)))
    const w = mount(Sync, { global: { plugins: [ElementPlus, i18n] } })
    await flushPromises()
    expect(w.find('[data-testid="sync-cancel"]').exists()).toBe(false)
    await w.get('input[data-testid="sync-folder"]').setValue('/media/usb/jingdi')
    await w.get('[data-testid="sync-now"]').trigger('click')
    await flushPromises()
    await w.get('[data-testid="sync-cancel"]').trigger('click')
    expect(sync.cancel).toHaveBeenCalled()
    finish({ folder: '/media/usb/jingdi/DX4', imported: [], refused: [], exported: { operations: 3, path: 'x' }, peers: [], files: null, stopped: true } as unknown as FolderReport)
    await flushPromises()
    expect(w.find('[data-testid="sync-cancel"]').exists()).toBe(false)
    expect(w.get('[data-testid="sync-note"]').text()).toContain('已取消')
  })
})
