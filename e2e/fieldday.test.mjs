// A team leader's field day in the real app (issue 18): a demolition day, a new pole, a
// checklist tick, a phone and an ID typed in full-width digits, a backdated visit with
// co-visitors, 新增问题 with its responsible unit, the top-bar search opening a same-name
// household by address, errors at their field, the history without ids, the working date,
// and the main screens at 1024×700 and 1366×768 (screenshots in e2e/screenshots/fieldday-*).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { Keys, Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const SHOTS = path.join(here, 'screenshots')
const DB = process.env.JINGDI_DB
const jingdi = (args, opts) => cli(DB, args, opts)
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
let s
const seen = {}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
async function shot(name) {
  await sleep(700)
  await s.screenshot(path.join(SHOTS, `fieldday-${name}.png`))
}
async function go(screen, ready) {
  await s.clickCss(`[data-testid="nav-${screen}"]`)
  return s.waitFor(ready)
}
const textOf = (css) => s.exec(`return document.querySelector(arguments[0])?.textContent ?? ''`, [css])
const waitForText = (css, text) => until(() => textOf(css), (t) => t.includes(text), `${text} in ${css}`)
const overlaysGone = () =>
  until(() => s.exec(`return [...document.querySelectorAll('.el-overlay')].some((o) => getComputedStyle(o).display !== 'none')`), (open) => !open, 'the overlays to close')
/** Replaces what a field holds (WebDriver's clear does not reach Vue's v-model). */
async function typeIn(css, text) {
  const el = await s.waitFor(css)
  const old = await s.exec(`return document.querySelector(arguments[0])?.value ?? ''`, [css])
  await s.click(el)
  await s.type(el, Keys.END + Keys.BACKSPACE.repeat(old.length) + text)
  return el
}
/** Clicks the visible option with this text in an open Element Plus select. */
async function chooseOption(selectCss, label) {
  await s.clickCss(`${selectCss} .el-select__wrapper`)
  await sleep(300)
  const ok = await s.exec(
    `const items = [...document.querySelectorAll('.el-select-dropdown__item')]
       .filter((li) => li.offsetParent !== null && li.textContent.trim() === arguments[0]);
     if (items.length) { items[0].click(); return true } return false`,
    [label],
  )
  assert.ok(ok, `option ${label} not found`)
}
/** The error an el-form-item shows under the field holding `inputCss`. */
const fieldError = (inputCss) =>
  s.exec(`return document.querySelector(arguments[0])?.closest('.el-form-item')?.querySelector('.el-form-item__error')?.textContent?.trim() ?? ''`, [inputCss])
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

before(async () => {
  assert.ok(DB, 'JINGDI_DB names the app database (scripts/e2e.sh sets it)')
  await mkdir(SHOTS, { recursive: true })
  jingdi(['demo'], { ok: false })
  if (!jingdi(['operator'], { json: true }).operator) jingdi(['operator', '陈组长'])
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 90000 })
  await resize(1366, 768)
})
after(async () => {
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

  test('a pole is added at 已申请 with its status date', async () => {
    await s.clickCss('[data-testid="pole-add"]')
    await typeIn('input[data-testid="pole-label"]', 'Ｐ-E2E')
    await typeIn('input[data-testid="pole-owner"]', '国网泉州供电公司')
    await chooseOption('[data-testid="pole-status"]', '已申请')
    await s.clickCss('[data-testid="pole-save"]')
    await overlaysGone()
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
    await until(() => s.exec(`return document.querySelector('[data-testid="check-${cat}"]')?.dataset.done`), (d) => d === 'true', 'the item ticked')
    await shot('05-checklist-ticked')
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
  })

  test('a phone and an ID number typed in full-width digits are saved as digits; a wrong phone is refused at its field', async () => {
    await s.clickCss('[data-testid="hh-edit-facts"]')
    await typeIn('input[data-testid="facts-phone"]', fullWidth('123'))
    await s.clickCss('[data-testid="facts-save"]')
    const err = await until(() => fieldError('input[data-testid="facts-phone"]'), (t) => t.length > 0, 'the error under the phone field')
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

})
