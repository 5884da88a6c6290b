// End-to-end: the 备份与恢复 page of the real app. The app starts on the database the main
// suite left (its start made the day's backup in the background); here a person backs up
// now, the command line records a visit afterwards (another window, or a colleague's
// script), and the person restores the backup from the app: the summary says one change
// will leave this laptop and that no other laptop has it, the confirmation is required,
// and afterwards the `jingdi` command on the same file finds the visit gone, the file sound,
// a new device id and the previous content kept aside. The database ends as it was at the
// start of this file, so the suites after it see what they expect.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { Session, waitForDriver } from './webdriver.mjs'
import { APP, jingdi } from './cli.mjs'
import { DB, DRIVER, SHOTS, demoWithOperator, sleep } from './ui.mjs'

let s

before(async () => {
  // Run on its own (KEEP_DB or a fresh database): the demo and an operator first.
  await demoWithOperator()
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

test('back up now, then restore from the app with a summary and a confirmation', async () => {
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 })
  await s.clickCss('[data-testid="nav-backup"]')
  await s.waitFor('[data-testid="backup"]')
  // Settings: the folder beside the database and the retention rule.
  await s.waitFor('[data-testid="backup-folder"]', { text: path.join(path.dirname(DB), 'backups') })
  await s.waitFor('[data-testid="backup-retention"]', { text: '7 天' })
  // The background start check made the day's backup.
  await s.waitFor('[data-testid="backup-row"]', { timeout: 20000 })
  const daily = jingdi(DB, ['backup', 'list'], { json: true })
  assert.ok(daily.some((b) => b.kind === 'daily'), 'the app made the daily backup at start')

  await s.clickCss('[data-testid="backup-now"]')
  const note = await s.waitFor('[data-testid="backup-note"]', { text: '已备份', timeout: 30000 })
  const made = jingdi(DB, ['backup', 'list'], { json: true }).find((b) => b.kind === 'manual')
  assert.ok(made, 'the manual backup is listed by the command line too')
  assert.match(await s.text(note), new RegExp(made.name.replace(/[.+]/g, '\\$&')))
  await s.waitFor(`[data-testid="backup-row"][data-name="${made.name}"]`)
  await sleep(1500) // tags zoom in
  await s.screenshot(path.join(SHOTS, '15-backup.png'))

  // Work after the backup, from the command line while the app is open.
  const deviceBefore = jingdi(DB, ['operator'], { json: true }).device_id
  jingdi(DB, ['--author', '林晓燕', 'visit', 'add', '--household', 'DX4-001', '--kind', '上门', '--outcome', '备份之后的走访'])
  const visits = () => jingdi(DB, ['household', 'show', '--household', 'DX4-001'], { json: true }).visits.map((v) => v.outcome)
  assert.ok(visits().includes('备份之后的走访'))

  // 恢复: the summary, and nothing happens before the confirmation.
  await s.clickCss(`[data-testid="restore-${made.name}"]`)
  await s.waitFor('[data-testid="restore-dialog"] [data-testid="restore-backup"]')
  await s.waitFor('[data-testid="restore-removed"]', { text: '1 条' })
  await s.waitFor('[data-testid="restore-unshared"]', { text: '1 条' })
  const confirm = await s.waitFor('[data-testid="restore-confirm"]')
  assert.equal(await s.attr(confirm, 'disabled'), 'true', 'the restore waits for the confirmation')
  await sleep(400)
  await s.screenshot(path.join(SHOTS, '16-restore-confirm.png'))
  assert.ok(visits().includes('备份之后的走访'), 'the summary changed nothing')
  await s.clickCss('[data-testid="restore-understood"]')
  await s.clickCss('[data-testid="restore-confirm"]')
  await s.waitFor('[data-testid="backup-note"]', { text: '已恢复', timeout: 30000 })
  await s.waitFor('[data-testid="backup-row"][data-name$="_before-restore.jdbak"]')
  // The dialog has closed.
  for (let i = 0; i < 50; i++) {
    const open = await s.exec(`const d = document.querySelector('[data-testid="restore-dialog"]'); return !!d && d.offsetParent !== null`)
    if (!open) break
    await sleep(200)
  }
  await sleep(1000)
  await s.screenshot(path.join(SHOTS, '17-restored.png'))

  // The core agrees: the visit is gone, the file is sound, a new device writes from now on,
  // and the content before the restore is kept.
  assert.ok(!visits().includes('备份之后的走访'))
  assert.match(jingdi(DB, ['check']), /完好/)
  assert.notEqual(jingdi(DB, ['operator'], { json: true }).device_id, deviceBefore)
  const kept = jingdi(DB, ['backup', 'list'], { json: true }).find((b) => b.kind === 'before_restore')
  assert.ok(kept, 'the file as it was is kept aside')
  const plan = jingdi(DB, ['restore', kept.path, '--dry-run'], { json: true })
  assert.equal(plan.added_operations, 1, 'the kept copy still holds the visit')

  // The app goes on working on the restored file.
  await s.clickCss('[data-testid="nav-dashboard"]')
  await s.waitFor('[data-testid="kpi-households-total"]')
})
