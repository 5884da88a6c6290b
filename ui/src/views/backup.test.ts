import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../i18n'
import type { BackupsView, RestorePlan } from '../ipc/bindings'

const { view, plan, restore } = vi.hoisted(() => {
  const view: BackupsView = {
    folder: '/home/u/.local/share/jingdi/backups',
    retention: '自动备份保留最近 3 份',
    auto: true,
    files: [
      { path: '/b/DX4_2025-03-31_093012_manual.jdbak', name: 'DX4_2025-03-31_093012_manual.jdbak', kind: 'manual', created_at: '2025-03-31T09:30:12', bytes: 4_200_000, projects: 'DX4' },
      { path: '/b/DX4_2025-03-31_080000_daily.jdbak', name: 'DX4_2025-03-31_080000_daily.jdbak', kind: 'daily', created_at: '2025-03-31T08:00:00', bytes: 4_100_000, projects: 'DX4' },
    ],
  }
  const snapshot = { schema_version: 5, operations: 4812, last_change_at: '2022-08-15T02:59:00Z', projects: [{ code: 'DX4', name: '东星4号地块', households: 120 }] }
  const plan: RestorePlan = {
    file: view.files[0].path, bytes: 4_200_000, backup: snapshot, current: { ...snapshot, operations: 4815 },
    removed_operations: 3, removed_own: 3, removed_unshared: 2, added_operations: 0, upgrade: false,
  }
  const restore = vi.fn(async () => ({ plan, kept_aside: '/b/DX4_2025-03-31_100000_before-restore.jdbak' }))
  return { view, plan, restore }
})
vi.mock('../ipc/backup', () => ({
  backup: { list: async () => view, now: vi.fn(), plan: async () => plan, restore, startup: vi.fn(), chooseFile: vi.fn() },
}))
vi.mock('../store', () => ({ store: { changes: 0, health: null }, changed: vi.fn(), loadApp: vi.fn(async () => {}) }))
vi.mock('vue-router', () => ({ useRoute: () => ({ query: {} }) }))

import Backup from './Backup.vue'

describe('备份与恢复', () => {
  it('lists the backups with their kinds and sizes, and restores only after the confirmation', async () => {
    const w = mount(Backup, { global: { plugins: [ElementPlus, i18n] }, attachTo: document.body })
    await flushPromises()
    expect(w.get('[data-testid="backup-folder"]').text()).toBe(view.folder)
    const text = w.text()
    expect(text).toContain('手动备份')
    expect(text).toContain('每日自动备份')
    expect(text).toContain('4.2 MB')
    await w.get(`[data-testid="restore-${view.files[0].name}"]`).trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-testid="restore-dialog"]')!
    expect(dialog.querySelector('[data-testid="restore-removed"]')!.textContent).toContain('3 条')
    expect(dialog.querySelector('[data-testid="restore-unshared"]')!.textContent).toContain('2 条')
    const confirm = dialog.querySelector('[data-testid="restore-confirm"]') as HTMLButtonElement
    expect(confirm.disabled).toBe(true)
    confirm.click()
    expect(restore).not.toHaveBeenCalled()
    ;(dialog.querySelector('[data-testid="restore-understood"] input') as HTMLInputElement).click()
    await flushPromises()
    ;(dialog.querySelector('[data-testid="restore-confirm"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(restore).toHaveBeenCalledWith(view.files[0].path)
    expect(w.get('[data-testid="backup-note"]').text()).toContain('before-restore')
    w.unmount()
  }, 30000)
})
