// A team leader's field day in the real app (issue 18): a demolition day, a new pole, a
// checklist tick, a phone and an ID typed in full-width digits, a backdated visit with
// co-visitors, 新增问题 with its responsible unit, the top-bar search opening a same-name
// household by address, errors at their field, the working date (the history without ids:
// e2e/history.test.mjs),
// and the main screens at 1024×700 and 1366×768 (screenshots in e2e/screenshots/fieldday-*).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Keys, Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers, sleep } from './ui.mjs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

const jingdi = (args, opts) => cli(DB, args, opts)
let work
const workDir = async () => (work ??= await mkdtemp(path.join(tmpdir(), 'jingdi-fieldday-')))
/** Clicks an export button with the save dialog answered; checks the file's first bytes;
 *  returns the rows the core says it wrote. */
async function exportTo(testid, file, magic) {
  const target = path.join(await workDir(), file)
  await s.exec(`(window.__jingdiDialogAnswers ??= []).push(arguments[0])`, [target])
  await s.clickCss(`[data-testid="${testid}"]`)
  const done = await s.waitFor(`[data-testid="${testid}-done"]`, { timeout: 30000 })
  assert.equal(await s.attr(done, 'data-path'), target)
  assert.equal((await readFile(target)).subarray(0, magic.length).toString('latin1'), magic, `${file} is what it says`)
  return Number(await s.attr(done, 'data-rows'))
}
let s
const seen = {}
const { shot, go, textOf, waitForText, shownAt, overlaysGone, typeIn, chooseOption, errorAtField } = pageHelpers(() => s, { prefix: 'fieldday-' })
const fullWidth = (t) => t.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)))
function idNumber(first17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((a, c, i) => a + Number(c) * w[i], 0)
  return first17 + '10X98765432'[sum % 11]
}
async function resize(width, height) {
  await s.cmd('POST', '/window/rect', { width, height })
  await sleep(600)
}
/** Nothing sticks out of the page sideways (cut-off content). */
const overflowsX = () => s.exec(`return document.querySelector('.content')?.scrollWidth > document.querySelector('.content')?.clientWidth + 2`)
const sidebarFolded = () => s.exec(`return document.querySelector('[data-testid="sidebar"]').classList.contains('folded')`)
/** Folds or unfolds the sidebar with its button (a known state: the web view remembers it). */
async function setSidebar(folded) {
  if ((await sidebarFolded()) !== folded) await s.clickCss('[data-testid="sidebar-toggle"]')
  await until(sidebarFolded, (f) => f === folded, `the sidebar ${folded ? 'folded' : 'unfolded'}`)
}
/** Tables whose columns do not fit their card: the last ones hide behind the table's own
 * horizontal scrollbar (at the bottom of a long table, out of sight). */
const cutTables = () =>
  s.exec(`return [...document.querySelectorAll('.el-table')].filter((t) => {
    const w = t.querySelector('.el-table__body-wrapper .el-scrollbar__wrap') ?? t.querySelector('.el-table__body-wrapper');
    return w && w.scrollWidth > w.clientWidth + 2
  }).map((t) => t.dataset.testid ?? t.querySelector('th')?.textContent.trim() ?? t.className)`)
/** Whether a toast (已保存 …) lies over the top bar's search box. */
const toastOverSearch = () =>
  s.exec(`const a = document.querySelector('.el-message')?.getBoundingClientRect(), b = document.querySelector('[data-testid="top-search"]')?.getBoundingClientRect();
    return !!a && !!b && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom`)

before(async () => {
  await demoWithOperator()
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 90000 })
  await resize(1366, 768)
})
after(async () => {
  // The sidebar choice is kept by the web view across runs: leave the default behind.
  await s?.exec(`localStorage.removeItem('jingdi.sidebar')`).catch(() => {})
  await s?.delete()
})

describe('a team leader’s field day', () => {
  test('the top bar shows the one working date: the demo’s as-of date', async () => {
    const d = await s.attr(await s.waitFor('[data-testid="work-date"]'), 'data-value')
    const [p] = jingdi(['projects'], { json: true })
    assert.ok(p.as_of, 'the demo is a historical project')
    assert.equal(d, p.as_of, 'the working date is its as-of date')
    seen.workDate = d
    await shot('01-dashboard-1366')
  })

  test('a demolition day is logged with a count typed in full-width digits', async () => {
    await go('plot', '[data-testid="day-add"]')
    await s.clickCss('[data-testid="day-add"]')
    await s.waitFor('input[data-testid="day-machines"]')
    await typeIn('input[data-testid="day-machines"]', fullWidth('3'))
    await typeIn('input[data-testid="day-workers"]', '12')
    await shot('02-demolition-day-form')
    await s.clickCss('[data-testid="day-save"]')
    await overlaysGone()
    // The newest day (the working date) now reads 3 machines and 12 workers.
    const row = await until(
      () => s.exec(`return document.querySelector('[data-testid="days"] .el-table__body tr')?.textContent ?? ''`),
      (t) => t.includes('3') && t.includes('12'),
      'the logged day in the demolition log',
    )
    assert.ok(row.includes(seen.workDate.slice(0, 4)), row)
    await shot('03-demolition-day-logged')
  })

  test('a date already logged opens with that day’s figures and saving says it updates them', async () => {
    const before = jingdi(['demolition', 'list'], { json: true })
    const earlier = before.find((d) => d.log_date < seen.workDate && d.demolished.length > 0)
    assert.ok(earlier, 'the demo has an earlier day with demolished households')
    const DATE = 'input[data-testid="day-date"], [data-testid="day-date"] input'
    const valueOf = (css) => s.exec(`return document.querySelector(arguments[0])?.value ?? ''`, [css])
    /** Types a date and Enter; waits for the calendar to fade out (it lies over the count fields). */
    const pickDate = async (d) => {
      await typeIn(DATE, d + Keys.ENTER)
      await until(() => s.exec(`return [...document.querySelectorAll('.el-picker__popper')].some((p) => getComputedStyle(p).display !== 'none')`), (open) => !open, 'the calendar to close')
    }
    await s.clickCss('[data-testid="day-add"]')
    // Opens on the working date, logged in the step before: its figures, not blanks.
    await waitForText('[data-testid="day-existing"]', '更新')
    assert.equal(await valueOf('input[data-testid="day-machines"]'), '3')
    assert.equal(await valueOf('input[data-testid="day-workers"]'), '12')
    // An earlier logged date: that day's own figures, households and notes.
    await pickDate(earlier.log_date)
    await until(() => valueOf('input[data-testid="day-workers"]'), (v) => v === String(earlier.workers), `the workers of ${earlier.log_date}`)
    assert.equal(await valueOf('input[data-testid="day-machines"]'), String(earlier.machines))
    assert.equal(await valueOf('input[data-testid="day-demolished"]'), earlier.demolished.join('、'))
    await waitForText('[data-testid="day-existing"]', `拆除 ${earlier.demolished.length} 户`)
    assert.equal((await textOf('[data-testid="day-save"]')).trim(), '更新这一天')
    await shot('03b-demolition-day-existing')
    // A date not logged yet: blanks again, a plain save.
    const free = '2022-06-01'
    assert.ok(!before.some((d) => d.log_date === free))
    await pickDate(free)
    await until(() => valueOf('input[data-testid="day-workers"]'), (v) => v === '', 'the form emptied for a new date')
    assert.equal((await s.findAll('[data-testid="day-existing"]')).length, 0)
    // Back to the earlier day, one figure corrected: the rest of that day is kept.
    await pickDate(earlier.log_date)
    await until(() => valueOf('input[data-testid="day-workers"]'), (v) => v === String(earlier.workers), 'the earlier day again')
    await typeIn('input[data-testid="day-workers"]', String(earlier.workers - 2))
    await s.clickCss('[data-testid="day-save"]')
    await overlaysGone()
    const after = jingdi(['demolition', 'list'], { json: true })
    assert.equal(after.length, before.length, 'no day added')
    const day = after.find((d) => d.log_date === earlier.log_date)
    assert.deepEqual(day, { ...earlier, workers: earlier.workers - 2 })
  })

  test('a pole is added at 已申请 with its status date', async () => {
    await s.clickCss('[data-testid="pole-add"]')
    await typeIn('input[data-testid="pole-label"]', 'Ｐ-E2E')
    await typeIn('input[data-testid="pole-owner"]', '国网泉州供电公司')
    await chooseOption('[data-testid="pole-status"]', '已申请')
    await s.clickCss('[data-testid="pole-save"]')
    await overlaysGone()
    await s.waitFor('.el-message')
    // Where it rests once its slide-in is over (it stays 3 s).
    await until(() => s.exec(`return document.querySelector('.el-message')?.getAnimations().length ?? -1`), (n) => n === 0, 'the toast to settle')
    assert.equal(await toastOverSearch(), false, 'the 已保存 toast leaves the top-bar search free')
    const [y, m, d] = seen.workDate.split('-').map(Number)
    await waitForText('[data-testid="poles"]', 'P-E2E')
    const row = await s.exec(
      `return [...document.querySelectorAll('[data-testid="poles"] .el-table__body tr')].map((r) => r.textContent).find((t) => t.includes('P-E2E')) ?? ''`,
    )
    assert.ok(row.includes(`${y}年${m}月${d}日`), `status date in the row: ${row}`)
    await shot('04-pole-added')
  })

  test('a 净地 checklist item is ticked', async () => {
    const open = await s.exec(`return [...document.querySelectorAll('[data-testid^="check-"][data-done="false"]')].map((e) => e.dataset.testid)`)
    assert.ok(open.length > 0, 'the demo has an open checklist item')
    const cat = open[0].slice('check-'.length)
    await s.clickCss(`[data-testid="check-toggle-${cat}"]`)
    await s.clickCss('[data-testid="tick-save"]')
    await overlaysGone()
    const done = () => s.exec(`return document.querySelector('[data-testid="check-${cat}"]')?.dataset.done`)
    await until(done, (d) => d === 'true', 'the item ticked')
    await shot('05-checklist-ticked')
    // 已保存 offers 撤销: the tick is taken back as one more operation, then ticked again.
    await s.clickCss('[data-testid="saved-undo"] [data-testid="undo"]')
    await until(done, (d) => d === 'false', 'the tick taken back')
    const [op] = jingdi(['log', '--limit', '1'], { json: true })
    assert.deepEqual([op.entity, op.reason, op.fields.done], ['checklist_item', '撤销刚才的修改', 0])
    await shot('05b-checklist-undone')
    await s.clickCss(`[data-testid="check-toggle-${cat}"]`)
    await s.clickCss('[data-testid="tick-save"]')
    await overlaysGone()
    await until(done, (d) => d === 'true', 'the item ticked again')
  })

  test('the top-bar search finds a same-name household by its address and opens its page', async () => {
    const all = jingdi(['household', 'list'], { json: true })
    const rows = Array.isArray(all) ? all : all.households
    const byName = new Map()
    for (const h of rows) byName.set(h.head_name, [...(byName.get(h.head_name) ?? []), h])
    const twins = [...byName.values()].find((l) => l.length >= 2) ?? rows.slice(0, 1)
    const target = twins[twins.length - 1]
    seen.household = target
    await typeIn('input[data-testid="top-search"]', target.head_name)
    await s.waitFor(`[data-testid="top-hit-${target.number}"]`)
    const hits = await s.exec(`return [...document.querySelectorAll('[data-testid^="top-hit-"]')].map((li) => li.textContent)`)
    assert.ok(hits.length >= twins.length, `every ${target.head_name} is listed`)
    const line = hits.find((t) => t.includes(target.number))
    if (target.address) assert.ok(line.includes(target.address), `the hit shows the address: ${line}`)
    await shot('06-top-search')
    await s.clickCss(`[data-testid="top-hit-${target.number}"]`)
    await s.waitFor('[data-testid="hh-number"]', { text: target.number })
    // The page opens with the household at a glance: the settlement's total, open issues, next visit.
    const total = await s.text(await s.waitFor('[data-testid="glance-total"]'))
    assert.equal(total, await s.text(await s.waitFor('[data-testid="comp-total"]')), 'the strip shows the settlement total')
    const shown = jingdi(['household', 'show', '--household', target.number], { json: true })
    const open = (shown.obstacles ?? []).filter((o) => o.status !== 'resolved').length
    assert.equal(await s.text(await s.waitFor('[data-testid="glance-obstacles"]')), String(open))
    await shot('06b-household-glance')
  })

  test('a phone and an ID number typed in full-width digits are saved as digits; a wrong phone is refused at its field', async () => {
    await s.clickCss('[data-testid="hh-edit-facts"]')
    await typeIn('input[data-testid="facts-phone"]', fullWidth('123'))
    await s.clickCss('[data-testid="facts-save"]')
    const err = await errorAtField('input[data-testid="facts-phone"]', 'the error under the phone field')
    assert.match(err, /联系电话/)
    assert.doesNotMatch(err, /invalid_field|字段 phone/)
    await shot('07-error-at-field')
    const id = idNumber('35050319800202' + '123')
    await typeIn('input[data-testid="facts-phone"]', fullWidth('139-5000-1234'))
    await typeIn('input[data-testid="facts-id"]', fullWidth(id))
    await s.type(await s.waitFor('input[data-testid="facts-id"]'), Keys.CONTROL + Keys.ENTER + Keys.NULL)
    await overlaysGone()
    await s.waitFor('[data-testid="hh-phone"]', { text: '139-5000-1234' })
    const h = jingdi(['household', 'show', '--household', seen.household.number], { json: true })
    const hh = h.household ?? h
    assert.equal(hh.phone, '139-5000-1234')
    assert.equal(hh.id_number, id)
    await shot('08-household-facts-saved')
  })

  test('a visit written up later is backdated, with co-visitors, saved with Ctrl+Enter from the date field', async () => {
    await s.clickCss('[data-testid="hh-log-visit"]')
    await s.waitFor('[data-testid="visit-picked"]', { text: seen.household.number })
    const [y, m, d] = seen.workDate.split('-').map(Number)
    const day = new Date(Date.UTC(y, m - 1, d - 2)).toISOString().slice(0, 10)
    await s.type(await s.waitFor('textarea[data-testid="visit-outcome"]'), '户主在家，谈了安置房源，补记')
    const visitors = await s.waitFor('[data-testid="visit-visitors"] input')
    await s.type(visitors, '王社工' + Keys.ENTER)
    await s.type(visitors, '张律师' + Keys.ENTER)
    const at = await s.waitFor('[data-testid="visit-at"] input, input[data-testid="visit-at"]')
    await s.click(at)
    await s.type(at, `${day} 15:30`)
    await shot('09-visit-backdated-form')
    await s.type(at, Keys.CONTROL + Keys.ENTER + Keys.NULL)
    await s.waitFor('[data-testid="visit-saved"]', { text: seen.household.number })
    const h = jingdi(['household', 'show', '--household', seen.household.number], { json: true })
    const v = (h.visits ?? []).find((x) => (x.outcome ?? '').includes('补记'))
    assert.ok(v, 'the visit is in the database')
    const local = new Date(v.visited_at)
    const ymd = `${local.getFullYear()}-${String(local.getMonth() + 1).padStart(2, '0')}-${String(local.getDate()).padStart(2, '0')}`
    assert.equal(ymd, day)
    assert.ok(v.visitors.includes('王社工') && v.visitors.includes('张律师'), v.visitors.join(','))
    await shot('10-visit-saved')
  })

  test('leaving a half-filled visit form asks first', async () => {
    await s.type(await s.waitFor('textarea[data-testid="visit-outcome"]'), '写了一半')
    await s.clickCss('[data-testid="nav-board"]')
    await s.waitFor('.el-message-box')
    await shot('11-leave-asks')
    const stay = await s.waitFor('.el-message-box__btns .el-button:not(.el-button--primary)')
    await s.click(stay)
    await overlaysGone()
    assert.ok((await s.findAll('[data-testid="visit-log"]')).length > 0, 'still on the visit page')
    const text = await s.exec(`return document.querySelector('textarea[data-testid="visit-outcome"]').value`)
    assert.equal(text, '写了一半')
    // Emptied again, as a person does: the form then leaves without asking (next step).
    await typeIn('textarea[data-testid="visit-outcome"]', '')
  })

  test('新增问题 needs a responsible unit: refused at the field, then saved', async () => {
    await go('obstacles', '[data-testid="obstacle-add"]')
    assert.equal((await s.findAll('.el-message-box')).length, 0, 'an emptied visit form leaves without asking')
    const before = Number(await s.attr(await s.waitFor('[data-testid="obstacles-count"]'), 'data-open'))
    await s.clickCss('[data-testid="obstacle-add"]')
    await typeIn('input[data-testid="obstacle-add-title"]', '东侧围挡缺口')
    await s.clickCss('[data-testid="obstacle-add-save"]')
    const err = await errorAtField('input[data-testid="obstacle-add-unit"]', 'the error under 责任单位')
    assert.match(err, /责任单位/)
    await shot('12-obstacle-unit-required')
    await typeIn('input[data-testid="obstacle-add-unit"]', '拆除施工单位')
    await s.clickCss('[data-testid="obstacle-add-save"]')
    await overlaysGone()
    await until(async () => Number(await s.attr(await s.waitFor('[data-testid="obstacles-count"]'), 'data-open')), (n) => n === before + 1, 'one more open obstacle')
  })

  test('the 问题清单 filtered to the overdue and the board filtered to a group export to Excel what they show', async () => {
    // 问题清单, only the overdue ones: the file has the rows on screen.
    await s.clickCss('[data-testid="obstacles-only-overdue"]')
    const overdue = await until(async () => (await s.findAll('[data-testid="obstacle-item"]')).length, (n) => n > 0, 'overdue obstacles listed')
    const all = jingdi(['obstacle', 'list'], { json: true })
    assert.ok(overdue < all.length, `${overdue} overdue of ${all.length}: the filter leaves some out`)
    assert.equal(await exportTo('obstacles-export', '问题清单.xlsx', 'PK'), overdue)
    await shot('12b-obstacles-exported')
    await s.clickCss('[data-testid="obstacles-only-open"]')

    // 挂图作战 filtered to a group: that group's households, recorded in the log (names).
    await go('board', '[data-testid="board-shown"]')
    const group = jingdi(['household', 'list'], { json: true })[0].group_name
    await chooseOption('[data-testid="board-filter-group"]', group)
    const counts = async () => (await textOf('[data-testid="board-shown"]')).match(/\d+/g).map(Number)
    const [shown, total] = await until(counts, ([n, all]) => n > 0 && n < all, 'the board filtered to a group')
    assert.equal(shown, jingdi(['household', 'list'], { json: true }).filter((h) => h.group_name === group).length)
    assert.equal(await exportTo('board-export', '征收户清单.xlsx', 'PK'), shown)
    const [op] = jingdi(['log', '--limit', '1'], { json: true })
    assert.equal(op.entity, 'data_export')
    assert.equal(op.fields.kind, 'board')
    assert.equal(op.fields.rows, shown)
    await shot('12c-board-exported')
    await s.clickCss('[data-testid="board-clear"]')
    await until(counts, ([n, all]) => n === all && all === total, 'the board unfiltered again')
  })

  test('the dashboard exports as a one-page picture for the work group', async () => {
    await go('dashboard', '[data-testid="kpi-households-total"]')
    const png = await exportTo('dashboard-png', '进度简报图.png', '\x89PNG')
    assert.equal(png, jingdi(['summary'], { json: true }).groups.length, 'one row per group')
    const bytes = await readFile(path.join(await workDir(), '进度简报图.png'))
    const [width, height] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
    assert.ok(width > 1500 && Math.abs(height / width - 297 / 210) < 0.01, `${width}×${height}: A4 portrait`)
    await exportTo('dashboard-pdf', '进度简报图.pdf', '%PDF')
    await shot('12d-dashboard-picture')
  })

  test('会商: tomorrow’s meeting recorded ahead keeps today’s preparation; attendees are typed in; the 纪要 shows in 历次会商', async () => {
    await go('meeting', '[data-testid="meeting-demolished"]')
    const figures = () =>
      s.exec(`return [...document.querySelectorAll('[data-testid^="meeting-"][data-value]')].map((e) => e.dataset.testid + '=' + e.dataset.value).join(',')`)
    const before = await figures()
    const last = await textOf('[data-testid="meeting-last"]')
    const [y, m, d] = seen.workDate.split('-').map(Number)
    const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
    await typeIn('input[data-testid="meeting-held-on"], [data-testid="meeting-held-on"] input', tomorrow + Keys.ENTER)
    await until(() => s.exec(`return [...document.querySelectorAll('.el-picker__popper')].some((p) => getComputedStyle(p).display !== 'none')`), (open) => !open, 'the calendar to close')
    // Clicked where a person clicks (the box, its placeholder over the input), then typed.
    await s.clickCss('[data-testid="meeting-attendees"] .el-select__wrapper')
    const attendees = await s.waitFor('[data-testid="meeting-attendees"] input')
    assert.ok(await s.exec(`return document.activeElement === document.querySelector('[data-testid="meeting-attendees"] input')`), 'the click puts the cursor in the box')
    await s.type(attendees, '王建国' + Keys.ENTER)
    await s.type(attendees, '供电公司' + Keys.ENTER)
    await s.type(await s.waitFor('textarea[data-testid="meeting-notes-input"]'), '明日会商提前登记：杆线迁移')
    // A decision with an owner and a deadline, ticked to be chased in 问题清单.
    const due = new Date(Date.UTC(y, m - 1, d + 4)).toISOString().slice(0, 10)
    await s.clickCss('[data-testid="meeting-add-decision"]')
    await typeIn('input[data-testid="decision-text-0"]', '东侧围挡三日内补齐')
    await typeIn('input[data-testid="decision-owner-0"]', '拆除施工单位')
    await typeIn('[data-testid="decision-due-0"] input', due + Keys.ENTER)
    await until(() => s.exec(`return [...document.querySelectorAll('.el-picker__popper')].some((p) => getComputedStyle(p).display !== 'none')`), (open) => !open, 'the calendar to close')
    await s.clickCss('[data-testid="decision-track-0"]')
    await shot('13b-meeting-form')
    await s.clickCss('[data-testid="meeting-save"]')
    await waitForText('[data-testid="meeting-notes"]', '杆线迁移')
    assert.equal(await figures(), before, 'today’s figures unchanged')
    assert.equal(await textOf('[data-testid="meeting-last"]'), last, 'still counted from the last meeting held')
    const [op] = jingdi(['log', '--limit', '1'], { json: true })
    assert.equal(op.entity, 'meeting')
    assert.equal(op.fields.held_on, tomorrow, 'recorded for tomorrow')
    assert.deepEqual(op.fields.attendees, ['王建国', '供电公司'])
    const tracked = jingdi(['obstacle', 'list'], { json: true }).find((o) => o.title === '东侧围挡三日内补齐')
    assert.ok(tracked, 'the ticked decision is in 问题清单')
    assert.deepEqual([tracked.responsible_unit, tracked.due_on, tracked.raised_on], ['拆除施工单位', due, tomorrow])
    assert.equal(op.fields.decisions[0].obstacle_id, tracked.id, 'the decision points at its obstacle')
    await s.waitFor('[data-testid="decision-obstacle"]')
    await shot('13c-meeting-after-tomorrows')
  })

  test('at 1024×700 the dashboard, household page and 地块工作 reflow with nothing cut off sideways', async () => {
    await resize(1024, 700)
    await setSidebar(false) // the narrowest case: the sidebar open
    for (const [screen, ready] of [['dashboard', '[data-testid="kpi-households-total"]'], ['plot', '[data-testid="poles"]']]) {
      await go(screen, ready)
      await sleep(500)
      await shot(`14-${screen}-1024`)
      assert.equal(await overflowsX(), false, `${screen} fits 1024 px`)
      assert.deepEqual(await cutTables(), [], `${screen}: every table's columns fit at 1024 px`)
    }
    await typeIn('input[data-testid="top-search"]', seen.household.number)
    await s.clickCss(`[data-testid="top-hit-${seen.household.number}"]`)
    await waitForText('[data-testid="hh-number"]', seen.household.number)
    await shot('15-household-1024')
    await shownAt('[data-testid="hh-number"]', seen.household.number)
    assert.equal(await overflowsX(), false, 'household page fits 1024 px')
    assert.deepEqual(await cutTables(), [], "the household page's tables fit at 1024 px")
    await setSidebar(true)
    assert.equal(await s.exec(`return localStorage.getItem('jingdi.sidebar')`), 'folded', 'the choice is remembered')
    await shot('16-household-1024-sidebar-folded')
  })

  test('at 1366×768 the same screens', async () => {
    await resize(1366, 768)
    await setSidebar(false)
    await shot('17-household-1366')
    for (const [screen, ready] of [['dashboard', '[data-testid="kpi-households-total"]'], ['plot', '[data-testid="poles"]']]) {
      await go(screen, ready)
      await sleep(500)
      await shot(`18-${screen}-1366`)
      assert.equal(await overflowsX(), false, `${screen} fits 1366 px`)
      assert.deepEqual(await cutTables(), [], `${screen}: every table's columns fit at 1366 px`)
    }
  })

  test('the window survives being resized several times (software rendering)', async () => {
    for (const [w, h] of [[1024, 700], [1366, 768], [800, 600], [1280, 800], [1024, 700]]) await resize(w, h)
    await go('dashboard', '[data-testid="kpi-households-total"]')
    assert.equal(await s.text(await s.waitFor('[data-testid="kpi-households-total"]')), '120')
  })
})
