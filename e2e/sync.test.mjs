// End-to-end: the 同步 page of the real app merges another laptop's work through a sync
// folder. The other laptop is the `jingdi` command on its own database file: it starts
// from the same demo, changes a phone the app's laptop also changed, logs a visit, and
// writes its bundle to the folder. The app then syncs, shows what came in and the one
// conflict, and a click settles it.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Session, waitForDriver } from './webdriver.mjs'
import { APP, jingdi } from './cli.mjs'
import { DB, DRIVER, SHOTS, demoWithOperator } from './ui.mjs'

let s, work

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'jingdi-sync-'))
  // The app's laptop: the demo (already there when the main suite ran first) and a change
  // made while the other laptop was away.
  await demoWithOperator()
  jingdi(DB, ['sync', 'name', '街道办公室'])
  jingdi(DB, ['--author', '办公室', 'household', 'set', '--household', 'DX4-044', 'phone', '13900000001'])
  // The other laptop, a week on its own.
  const other = path.join(work, 'leader.db')
  jingdi(other, ['demo'])
  jingdi(other, ['sync', 'name', '二组组长笔记本'])
  jingdi(other, ['--author', '林晓燕', 'household', 'set', '--household', 'DX4-044', 'phone', '13900000002'])
  jingdi(other, ['--author', '林晓燕', 'visit', 'add', '--household', 'DX4-031', '--outcome', '上门核对青苗面积', '--concerns', '补偿标准'])
  jingdi(other, ['sync', 'folder', path.join(work, 'share')])
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

test('the sync page merges a folder, shows what came in and settles the conflict', async () => {
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 })
  await s.clickCss('[data-testid="nav-sync"]')
  await s.waitFor('[data-testid="sync"]')
  await s.waitFor('[data-testid="sync-me"]', { text: '街道办公室' })
  const folder = await s.waitFor('input[data-testid="sync-folder"]')
  await s.type(folder, path.join(work, 'share'))
  await s.clickCss('[data-testid="sync-now"]')
  const item = await s.waitFor('[data-testid="sync-report-item"]', { timeout: 30000 })
  assert.equal(await s.attr(item, 'data-visits'), '1')
  assert.equal(await s.attr(item, 'data-changes'), '1')
  assert.equal(await s.attr(item, 'data-conflicts'), '1')
  assert.match(await s.text(item), /二组组长笔记本/)
  await s.waitFor('[data-testid="sync-conflict-count"]', { text: '1' })
  const conflict = await s.waitFor('[data-testid="sync-conflict"]')
  const text = await s.text(conflict)
  assert.match(text, /DX4-044/)
  assert.match(text, /13900000001/)
  assert.match(text, /13900000002/)
  await s.waitFor('[data-testid="sync-peer"]', { text: '二组组长笔记本' })
  await new Promise((r) => setTimeout(r, 500))
  await s.screenshot(path.join(SHOTS, '13-sync.png'))
  // Keep the office's number: the conflict is settled and the list empties.
  const keep = await s.exec(
    `const b = [...document.querySelectorAll('[data-testid="sync-conflict"] .side')]
       .find((el) => el.textContent.includes('13900000001'))?.querySelector('button');
     if (b) { b.click(); return true } return false`,
  )
  assert.ok(keep)
  await s.waitFor('[data-testid="sync-conflict-count"]', { text: '0' })
  await s.screenshot(path.join(SHOTS, '14-sync-settled.png'))
  // The office's choice is a new operation; the core agrees.
  assert.equal(jingdi(DB, ['conflicts'], { json: true }).length, 0)
  const h = jingdi(DB, ['household', 'show', '--household', 'DX4-044'], { json: true })
  assert.equal(h.household.phone, '13900000001')
})
