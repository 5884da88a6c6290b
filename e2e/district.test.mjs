// End-to-end: the 全区总览 page on a database holding the demo plot and a small district
// (`jingdi demo --district --plots 6`): every plot's row with the figures `jingdi district
// overview` reports, and the .xlsx export written where the save dialog said. Then the 同步
// page's hub card offline: a careless address and an unreachable hub are refused under the
// address field in words, nothing is remembered, and the folder sync stays as it was.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { Keys, Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const DB = process.env.JINGDI_DB
const SHOTS = path.join(here, 'screenshots')
let s, work

const jingdi = (args, opts) => cli(DB, args, opts)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

before(async () => {
  assert.ok(DB, 'JINGDI_DB names the app database (scripts/e2e.sh sets it)')
  await mkdir(SHOTS, { recursive: true })
  work = await mkdtemp(path.join(tmpdir(), 'jingdi-district-'))
  // The demo plot (already there when the other suites ran first) and six district plots.
  jingdi(['demo'], { ok: false })
  jingdi(['demo', '--district', '--plots', '6', '--households', '240'], { ok: false })
  if (!jingdi(['operator'], { json: true }).operator) jingdi(['operator', '陈组长'])
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

test('the district overview shows every plot as the core computes it and exports it', async () => {
  const o = jingdi(['district', 'overview'], { json: true })
  assert.ok(o.plots.length >= 7, 'the demo plot and six district plots')
  await s.waitFor('[data-testid="nav-district"]', { timeout: 30000 })
  await s.clickCss('[data-testid="nav-district"]')
  await s.waitFor('[data-testid="district-table"]')
  await s.waitFor('[data-testid="district-plot-count"]', { text: String(o.plots.length) })
  const paid = await s.waitFor('[data-testid="district-paid"]')
  assert.equal(Number(await s.attr(paid, 'data-fen')), o.totals.paid_fen)
  for (const p of o.plots) {
    const bar = await s.waitFor(`[data-testid="district-rate-${p.code}"]`)
    assert.equal(Number(await s.attr(bar, 'data-rate')), p.signing_rate, p.code)
  }
  const table = await s.text(await s.waitFor('[data-testid="district-table"]'))
  for (const p of o.plots) assert.match(table, new RegExp(p.name), p.code)
  // Open obstacles by responsible unit, over the district.
  const units = await s.text(await s.waitFor('[data-testid="district-units"]'))
  for (const u of o.obstacles_by_unit) assert.match(units, new RegExp(u.responsible_unit))
  await sleep(700)
  await s.screenshot(path.join(SHOTS, '30-district.png'))

  // The export: the save dialog's answer, then the real file.
  const target = path.join(work, '全区总览.xlsx')
  await s.exec(`(window.__jingdiDialogAnswers ??= []).push(arguments[0])`, [target])
  await s.clickCss('[data-testid="district-export"]')
  await s.waitFor('[data-testid="district-exported"]', { text: target, timeout: 30000 })
  const bytes = await readFile(target)
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'an .xlsx (zip) file')
  await sleep(1500)
  await s.screenshot(path.join(SHOTS, '31-district-exported.png'))
})

test('offline, the sync page refuses a hub it cannot reach under the address and keeps the folder sync', async () => {
  await s.clickCss('[data-testid="nav-sync"]')
  await s.waitFor('[data-testid="hub"]')
  const url = await s.waitFor('input[data-testid="hub-url"]')
  const token = await s.waitFor('input[data-testid="hub-token"]')
  // A careless address: no scheme.
  await s.type(url, 'zhongxin.example.cn')
  await s.type(token, 'jdh_0123')
  await s.clickCss('[data-testid="hub-save"]')
  const err = await s.waitFor('[data-testid="hub"] .el-form-item__error', { text: 'http://' })
  assert.doesNotMatch(await s.text(err), /invalid_field|hub\.[a-z_]+/, 'no internal code on screen')
  // A hub that does not answer (nothing listens on port 9): refused in words, nothing kept.
  await s.type(url, Keys.END + Keys.BACKSPACE.repeat('zhongxin.example.cn'.length) + 'http://127.0.0.1:9')
  await s.clickCss('[data-testid="hub-save"]')
  await s.waitFor('[data-testid="hub"] .el-form-item__error', { text: '无法连接同步中心' })
  await sleep(500)
  await s.screenshot(path.join(SHOTS, '32-sync-hub-offline.png'))
  const status = jingdi(['sync', 'hub'], { ok: false })
  assert.equal(status, null, 'no hub remembered: `jingdi sync hub` still says none is set')
  // The folder sync and bundles are there as before.
  await s.waitFor('[data-testid="sync-now"]')
  await s.waitFor('[data-testid="sync-export"]')
})

// The window during a long merge: another laptop registered a 100,000-household roster in a
// new plot and sent its full bundle (100,000 operations: about 10 s of merging for the debug
// build). While the app merges it, the dashboard and the board are clicked and read — from the
// last committed state, since queries never wait for the merge (src-tauri/src/store.rs) — and
// the top bar says a sync is under way; then the page shows what came in.
test('the dashboard answers while a 100,000-operation merge runs, then the merge is there', { timeout: 600000 }, async () => {
  const other = path.join(work, 'np1.db')
  cli(other, ['operator', '林组长'])
  cli(other, ['project-add', '--code', 'NP1', '--name', '南片安置地块', '--city', '泉州市', '--district', '丰泽区', '--street', '城东街道', '--opens', '2026-11-01', '--deadline', '2026-12-31'])
  for (const g of ['第一组', '第二组']) cli(other, ['group', 'add', '--project', 'NP1', '--name', g, '--leader', `林${g}`])
  // Two rosters (one holds at most 100,000 rows with its header).
  const row = (i) => `NP1-${String(i + 1).padStart(6, '0')},安置户${i + 1},3,${i % 2 ? '第二组' : '第一组'}`
  for (const [part, from, to] of [['甲', 0, 60000], ['乙', 60000, 100000]]) {
    const csv = path.join(work, `南片花名册${part}.csv`)
    await writeFile(csv, ['户号,户主,家庭人口,责任组', ...Array.from({ length: to - from }, (_, k) => row(from + k))].join('\n') + '\n')
    cli(other, ['import', 'roster', csv, '--project', 'NP1'])
  }
  const bundle = path.join(work, 'NP1-完整.jdb')
  const sent = cli(other, ['sync', 'export', '--project', 'NP1', '--full', '--out', bundle], { json: true })
  assert.ok(sent.operations >= 100000, `${sent.operations} operations in the bundle`)
  const codes = () => jingdi(['projects'], { json: true }).map((p) => p.code)
  assert.ok(!codes().includes('NP1'))

  // The dashboard as it stands before the merge.
  await s.clickCss('[data-testid="nav-dashboard"]')
  const before = await s.text(await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 }))

  await s.clickCss('[data-testid="nav-sync"]')
  await s.exec(`(window.__jingdiDialogAnswers ??= []).push(arguments[0])`, [bundle])
  await s.clickCss('[data-testid="sync-import"]')
  await s.waitFor('[data-testid="sync-busy"]', { timeout: 30000 })
  // While it merges: the dashboard is clicked and read, then the board.
  await s.clickCss('[data-testid="nav-dashboard"]')
  const during = await s.text(await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 }))
  assert.equal(during, before, 'the dashboard shows its figures during the merge')
  await s.clickCss('[data-testid="nav-board"]')
  await s.waitFor('[data-testid="board-shown"]', { text: ' / ', timeout: 30000 })
  await s.clickCss('[data-testid="nav-dashboard"]')
  await s.waitFor('[data-testid="kpi-households-total"]', { text: before, timeout: 30000 })
  await s.screenshot(path.join(SHOTS, '35-merge-dashboard.png'))
  // All of that happened before the merge committed: the plot is not in the database yet
  // and the top bar still says a sync is under way.
  assert.ok(!codes().includes('NP1'), 'the merge had not committed while the window answered')
  await s.waitFor('[data-testid="sync-busy"]')

  // Then the merge ends: the top bar's note goes, the 同步 page tells what came in.
  await until(() => s.exec(`return !!document.querySelector('[data-testid="sync-busy"]')`), (b) => !b, 'the merge to end', 300000)
  assert.ok(codes().includes('NP1'), 'the merged plot')
  assert.equal(jingdi(['summary', '--project', 'NP1'], { json: true }).households_total, 100000)
  // The new plot is in the project switcher at once.
  await until(() => s.exec(`return document.querySelector('[data-testid="project-select"]')?.dataset.codes ?? ''`), (c) => c.split(' ').includes('NP1'), 'NP1 in the project switcher')
  await s.clickCss('[data-testid="nav-sync"]')
  const item = await s.waitFor('[data-testid="sync-report-item"]', { timeout: 30000 })
  assert.equal(Number(await s.attr(item, 'data-changes')), sent.operations, 'every operation reported as come in')
  await sleep(500)
  await s.screenshot(path.join(SHOTS, '36-merge-done.png'))
})

// A real hub, when PostgreSQL is at hand: scripts/test.sh starts one for the hub's tests and
// exports its address (JINGDI_HUB_TEST_DATABASE_URL) before the app's end-to-end run.
const PG = process.env.JINGDI_HUB_TEST_DATABASE_URL
const HUB_BIN = path.join(path.dirname(APP), 'jingdi-hub')

test('through a real hub the sync page shows it reachable, syncs now and says what came in', { skip: !PG && 'JINGDI_HUB_TEST_DATABASE_URL not set (scripts/test.sh sets it)' }, async (t) => {
  const { execFileSync, spawn } = await import('node:child_process')
  const name = `e2e_app_${process.pid}`
  execFileSync('psql', [PG, '-q', '-c', `DROP DATABASE IF EXISTS ${name}`, '-c', `CREATE DATABASE ${name}`], {
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  })
  const db = PG.replace(/\/[^/]*$/, `/${name}`)
  const hubCmd = (args) => execFileSync(HUB_BIN, ['--database-url', db, ...args], { encoding: 'utf8' }).trim()
  hubCmd(['migrate'])
  const hub = spawn(HUB_BIN, ['--database-url', db, 'serve', '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => hub.kill())
  const url = await new Promise((resolve, reject) => {
    hub.stdout.once('data', (b) => resolve(String(b).trim().replace('jingdi-hub listening on ', '')))
    hub.once('exit', () => reject(new Error('the hub stopped')))
  })
  const appToken = hubCmd(['issue-token', '--project', 'DX4', '--name', '指挥部'])
  const otherToken = hubCmd(['issue-token', '--project', 'DX4', '--name', '二组笔记本'])

  const input = await s.waitFor('input[data-testid="hub-url"]')
  await s.type(input, Keys.END + Keys.BACKSPACE.repeat(40) + url)
  const token = await s.waitFor('input[data-testid="hub-token"]')
  await s.type(token, Keys.END + Keys.BACKSPACE.repeat(40) + appToken)
  await s.clickCss('[data-testid="hub-save"]')
  await s.waitFor('[data-testid="hub-url-shown"]', { text: url })
  await s.waitFor('[data-testid="hub-reach"][data-state="reachable"]', { timeout: 20000 })
  // 立即同步 (or the background step, due at once after the hub was set): DX4 goes up.
  await s.clickCss('[data-testid="hub-sync-now"]')
  await s.waitFor('[data-testid="hub-project"][data-code="DX4"]', { text: '发出', timeout: 60000 })
  // The demo's photos went up after its operations.
  await s.waitFor('[data-testid="hub-files"]', { text: '照片和文件：发出' })

  // Another laptop joins DX4 from the hub (operations, then every photo), logs a visit and
  // syncs; the app syncs again.
  const other = path.join(work, 'other.db')
  cli(other, ['sync', 'hub', url, '--token', otherToken])
  assert.deepEqual(cli(other, ['attachment', 'missing', '--project', 'DX4'], { json: true }), [], 'every file arrived')
  cli(other, ['sync', 'name', '二组笔记本'])
  cli(other, ['--author', '林晓燕', 'visit', 'add', '--household', 'DX4-031', '--outcome', '经同步中心送来的走访'])
  cli(other, ['sync', 'hub'])
  await s.clickCss('[data-testid="hub-sync-now"]')
  // The round of this click: something came in (the first round brought nothing).
  const round = await s.waitFor('[data-testid="hub-round"]:not([data-pulled="0"])', { timeout: 60000 })
  assert.ok(Number(await s.attr(round, 'data-pulled')) >= 1, 'the visit came in')
  assert.equal(await s.attr(round, 'data-failures'), '0')
  await s.waitFor('[data-testid="hub-project"][data-code="DX4"]', { text: '收到' })
  await sleep(700)
  await s.screenshot(path.join(SHOTS, '33-sync-hub.png'))
  // The other laptop's visit is in the app's database.
  assert.match(jingdi(['visit', 'list', '--project', 'DX4', '--household', 'DX4-031']), /经同步中心送来的走访/)
})

// Long work: a 20,000-row roster imported through the app shows its progress, and 取消 stops
// it with nothing written (the rows are one transaction).
test('a 20,000-row roster import shows its progress and 取消 stops it with nothing written', async () => {
  const groups = ['第一组', '第二组', '第三组', '第四组']
  const rows = Array.from({ length: 20000 }, (_, i) => `DX4-C${String(i + 1).padStart(5, '0')},取消户${i + 1},2,${groups[i % 4]}`)
  const csv = path.join(work, '两万户花名册.csv')
  await writeFile(csv, ['户号,户主,家庭人口,责任组', ...rows].join('\n') + '\n')
  const households = () => jingdi(['household', 'list', '--project', 'DX4'], { json: true }).length
  const before = households()
  const ops = jingdi(['log', '--limit', '1'], { json: true })[0].id
  await s.clickCss('[data-testid="nav-office"]')
  await s.exec(`(window.__jingdiDialogAnswers ??= []).push(arguments[0])`, [csv])
  await s.clickCss('[data-testid="office-choose"]')
  await s.waitFor('[data-testid="office-counts"]', { text: '20000', timeout: 60000 })
  await s.clickCss('[data-testid="office-import"]')
  await s.waitFor('[data-testid="office-progress"]')
  await s.screenshot(path.join(SHOTS, '34-import-progress.png'))
  await s.clickCss('[data-testid="office-import-cancel"]')
  const err = await s.waitFor('[data-testid="office-import-error"]', { text: '已取消导入', timeout: 60000 })
  assert.equal(await s.attr(err, 'data-code'), 'rule.import.cancelled')
  assert.equal(households(), before, 'no household added')
  assert.equal(jingdi(['log', '--limit', '1'], { json: true })[0].id, ops, 'no operation written')
})

// The board at size: 3,000 more households in the demo plot (a roster, through the CLI).
test('the board at 3,120 households draws the rows in view, follows a filter, and is walked with the keyboard', async () => {
  const groups = ['第一组', '第二组', '第三组', '第四组']
  const rows = Array.from({ length: 3000 }, (_, i) => `DX4-B${String(i + 1).padStart(4, '0')},新户${i + 1},3,${groups[i % 4]}`)
  const csv = path.join(work, '大花名册.csv')
  await writeFile(csv, ['户号,户主,家庭人口,责任组', ...rows].join('\n') + '\n')
  jingdi(['import', 'roster', csv, '--project', 'DX4'])
  await s.clickCss('[data-testid="nav-board"]')
  await s.waitFor('[data-testid="board-shown"]', { text: '3120 / 3120', timeout: 30000 })
  const drawn = () => s.exec(`return document.querySelectorAll('[data-testid^="tile-"]').length`)
  const first = await drawn()
  assert.ok(first > 60 && first < 1000, `${first} of 3120 tiles drawn`)
  await s.screenshot(path.join(SHOTS, '33-board-3120.png'))
  // Scrolled to the end: the last group's last household is drawn, still a window's worth.
  await s.exec(`const w = document.querySelector('[data-testid="board-wall"]'); w.scrollTop = w.scrollHeight`)
  const last = await s.waitFor('[data-testid="tile-DX4-B3000"]')
  assert.ok((await drawn()) < 1000)
  // The keyboard: Home to the first tile (back at the top), End to the last, ← one back,
  // ↑ one row up in the same column, Enter opens that household.
  const focused = () => s.exec(`return document.activeElement?.dataset.testid ?? ''`)
  await s.type(last, Keys.HOME)
  await until(focused, (f) => f === 'tile-DX4-001', 'Home: the first tile')
  const top = await s.exec(`return document.querySelector('[data-testid="board-wall"]').scrollTop`)
  assert.equal(top, 0, 'scrolled back to the top')
  const active = () => s.active()
  await s.type(await active(), Keys.END)
  await until(focused, (f) => f === 'tile-DX4-B3000', 'End: the last tile')
  await s.type(await active(), Keys.LEFT)
  await until(focused, (f) => f === 'tile-DX4-B2996', '←: the one before (第四组 holds every fourth)')
  const column = () => s.exec(`const r = document.activeElement.getBoundingClientRect(); return [Math.round(r.left), Math.round(r.top)]`)
  const [x0, y0] = await column()
  await s.type(await active(), Keys.UP)
  await until(column, ([x, y]) => x === x0 && y < y0, '↑: one row up, same column')
  const up = (await focused()).slice(5)
  await s.type(await active(), Keys.ENTER)
  await s.waitFor('[data-testid="hh-number"]', { text: up })
  // A filter redraws at once: the 3,000 new households are all 已登记.
  await s.clickCss('[data-testid="nav-board"]')
  await s.clickCss('[data-testid="legend-registered"]')
  await s.waitFor('[data-testid="board-shown"]', { text: '3000 / 3120' })
  assert.ok((await drawn()) < 1000)
})
