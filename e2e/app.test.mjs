// End-to-end tests of the real built app (no mocked core): tauri-driver starts the debug
// binary on a fresh database ($JINGDI_DB, set by scripts/e2e.sh) under Xvfb, and these
// steps drive it like a person would. A screenshot of every main screen is saved into
// e2e/screenshots/.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { Keys, Session, until, waitForDriver } from './webdriver.mjs'
import { APP } from './cli.mjs'
import { DRIVER, SHOTS, forgetWebviewState, pageHelpers } from './ui.mjs'
let s
const seen = {}

const { shot, go, chooseOption, renderedText } = pageHelpers(() => s)
async function openHousehold(number) {
  await go('board', '[data-testid^="tile-"]')
  await s.clickCss(`[data-testid="tile-${number}"]`)
  await s.waitFor('[data-testid="hh-number"]', { text: number })
}

before(async () => {
  await mkdir(SHOTS, { recursive: true })
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
  await forgetWebviewState(s) // a first start: nothing remembered from an earlier run
})
after(async () => {
  await s?.delete()
})

describe('first start, daily work, restart', () => {
  test('an empty database opens the welcome screen, asks who works here once, opens the demo', async () => {
    await s.waitFor('[data-testid="welcome"]', { timeout: 30000 })
    await shot('01-welcome-identity')
    await s.type(await s.waitFor('input[data-testid="identity-operator"]'), '陈组长')
    await s.type(await s.waitFor('input[data-testid="identity-device"]'), '征迁办笔记本')
    await s.clickCss('[data-testid="identity-save"]')
    await s.waitFor('[data-testid="open-demo"]')
    await shot('02-welcome-choose')
    await s.clickCss('[data-testid="open-demo"]')
    await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 90000 })
    const op = await s.text(await s.waitFor('[data-testid="operator-name"]'))
    assert.equal(op, '陈组长')
  })

  test('the dashboard shows the demo plot: 120 households, 100% signed', async () => {
    assert.equal(await s.text(await s.waitFor('[data-testid="kpi-households-total"]')), '120')
    assert.equal(await s.text(await s.waitFor('[data-testid="kpi-households-signed"]')), '120')
    assert.equal(await s.text(await s.waitFor('[data-testid="kpi-signing-rate"]')), '100%')
    seen.vacated = await s.value('[data-testid="stage-count-vacated"]')
    seen.demolished = await s.value('[data-testid="stage-count-demolished"]')
    seen.openObstacles = await s.value('[data-testid="obstacles-open-total"]')
    assert.ok(seen.vacated >= 2, 'the demo has handed-over households still to demolish')
    assert.ok(seen.openObstacles >= 1, 'the demo has open obstacles')
    await shot('03-dashboard')
  })

  test('the board shows all 120 households as tiles', async () => {
    await go('board', '[data-testid^="tile-"]')
    const tiles = await s.findAll('[data-testid^="tile-"]')
    assert.equal(tiles.length, 120)
    const vacated = await s.findAll('[data-testid^="tile-"][data-stage="vacated"]')
    seen.a = (await s.attr(vacated[0], 'data-testid')).slice(5)
    seen.b = (await s.attr(vacated[1], 'data-testid')).slice(5)
    seen.legendDemolished = await s.value('[data-testid="legend-demolished"]')
    // 120 tiles fit one 1280×800 screen: the last tile's bottom is inside the window.
    const fits = await s.exec(`const t = [...document.querySelectorAll('[data-testid^="tile-"]')];
      return t.every((el) => el.getBoundingClientRect().bottom <= window.innerHeight)`)
    assert.ok(fits, 'every tile is visible without scrolling')
    await shot('04-board')
  })

  test('a visit is logged from the keyboard: type the number, Enter, write, Ctrl+Enter', async () => {
    await go('visit', '[data-testid="visit-search"]')
    const search = await s.waitFor('[data-testid="visit-search"]')
    await s.type(search, seen.a)
    await s.waitFor(`[data-testid="visit-hit-${seen.a}"]`)
    await s.type(search, Keys.ENTER)
    await s.waitFor('[data-testid="visit-picked"]', { text: seen.a })
    await s.type(await s.waitFor('textarea[data-testid="visit-outcome"]'), '房屋已腾空，同意本周安排拆除')
    await s.type(await s.waitFor('input[data-testid="visit-next-step"]'), '周五上午机械进场拆除')
    await s.type(await s.waitFor('textarea[data-testid="visit-outcome"]'), Keys.CONTROL + Keys.ENTER + Keys.NULL)
    await s.waitFor('[data-testid="visit-saved"]', { text: seen.a })
    await shot('05-visit-log')
  })

  test('a household is advanced to 已拆除, and its visit shows newest first', async () => {
    await openHousehold(seen.a)
    const first = await s.waitFor('[data-testid="hh-visit"]')
    assert.match(await s.text(first), /房屋已腾空，同意本周安排拆除/)
    await chooseOption('[data-testid="stage-to"]', '已拆除')
    await s.clickCss('[data-testid="stage-apply"]')
    await s.waitFor('[data-testid="hh-stage"][data-stage="demolished"]')
    await shot('06-household')
  })

  test('an illegal stage change is refused with the core’s Chinese message next to the action', async () => {
    await openHousehold(seen.b)
    // Going back to 已登记 without the reason the core asks for.
    await chooseOption('[data-testid="stage-to"]', '已登记')
    await s.clickCss('[data-testid="stage-apply"]')
    const err = await s.waitFor('[data-testid="stage-error"]')
    assert.match(await s.text(err), /退回「已登记」需要注明原因/)
    assert.equal(await s.attr(err, 'data-code'), 'rule.stage.revert_needs_reason')
    await s.waitFor('[data-testid="hh-stage"][data-stage="vacated"]')
    await shot('07-household-refused')
  })

  test('an obstacle is resolved with a resolution text', async () => {
    await go('obstacles', '[data-testid="obstacle-item"]')
    const before = Number(await s.attr(await s.waitFor('[data-testid="obstacles-count"]'), 'data-open'))
    await shot('08-obstacles')
    await s.clickCss('[data-testid="obstacle-resolve"]')
    await s.type(await s.waitFor('textarea[data-testid="obstacle-resolution"]'), '会商后已协调解决')
    await s.clickCss('[data-testid="obstacle-resolve-confirm"]')
    await s.waitFor('[data-testid="obstacles-count"]', { text: () => true })
    const end = Date.now() + 10000
    let now = before
    while (now !== before - 1 && Date.now() < end) {
      now = Number(await s.attr(await s.waitFor('[data-testid="obstacles-count"]'), 'data-open'))
    }
    assert.equal(now, before - 1)
  })

  test('the dashboard and the board show the changes', async () => {
    await go('dashboard', '[data-testid="kpi-households-total"]')
    assert.equal(await s.value('[data-testid="stage-count-vacated"]'), seen.vacated - 1)
    assert.equal(await s.value('[data-testid="stage-count-demolished"]'), seen.demolished + 1)
    assert.equal(await s.value('[data-testid="obstacles-open-total"]'), seen.openObstacles - 1)
    assert.equal(await s.text(await s.waitFor('[data-testid="kpi-signing-rate"]')), '100%')
    await go('board', '[data-testid^="tile-"]')
    assert.equal(await s.value('[data-testid="legend-demolished"]'), seen.legendDemolished + 1)
    assert.equal(await s.attr(await s.waitFor(`[data-testid="tile-${seen.a}"]`), 'data-stage'), 'demolished')
  })

  test('meeting prep, plot work and history screens show the demo', async () => {
    await go('meeting', '[data-testid="meeting-demolished"]')
    await shot('09-meeting')
    await go('plot', '[data-testid="poles"]')
    await shot('10-plot-work')
    await go('history', '[data-testid="history-count"]')
    await s.waitFor('.el-table-v2__row')
    assert.ok((await s.value('[data-testid="history-count"]')) > 100)
    await shot('11-history')
  })

  test('the UI switches to English and back', async () => {
    await s.clickCss('[data-testid="toggle-locale"]')
    await s.waitFor('[data-testid="nav-dashboard"]', { text: 'Dashboard' })
    try {
      await go('dashboard', '[data-testid="kpi-households-total"]')
      await shot('12-dashboard-english')
      // Money in English units too, not 万元 / 元 beside English labels; the fairness list's
      // details worded in English from the core's facts (item names stay as recorded).
      const kpi = await until(() => renderedText('[data-testid="kpi-confirmed"]'), (t) => t.length > 0, 'the compensation figure')
      assert.match(kpi, /^[\d,.]+\s?M yuan$/)
      const text = await renderedText('.content')
      assert.match(text, /\d yuan/, 'money in yuan')
      assert.doesNotMatch(text, /万元/, 'no 万元 in English mode')
      const details = await s.exec(`return [...document.querySelectorAll('[data-testid="fairness-detail"]')].map((e) => e.textContent)`)
      assert.ok(details.length > 0, 'the demo has fairness flags')
      for (const d of details) assert.match(d, /^(“|[A-Z][a-z-]+ )/, `an English sentence: ${d}`)
    } finally {
      // Back to Chinese whatever happened: the steps after this one read Chinese.
      await s.clickCss('[data-testid="toggle-locale"]')
      await s.waitFor('[data-testid="nav-dashboard"]', { text: '总览' })
    }
  })

  test('after a restart everything is still there', async () => {
    await s.delete()
    s = await Session.create(DRIVER, APP)
    await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 })
    assert.equal(await s.text(await s.waitFor('[data-testid="operator-name"]')), '陈组长')
    assert.equal(await s.value('[data-testid="stage-count-demolished"]'), seen.demolished + 1)
    assert.equal(await s.value('[data-testid="obstacles-open-total"]'), seen.openObstacles - 1)
    await openHousehold(seen.a)
    await s.waitFor('[data-testid="hh-stage"][data-stage="demolished"]')
    assert.match(await s.text(await s.waitFor('[data-testid="hh-visit"]')), /房屋已腾空，同意本周安排拆除/)
  })
})
