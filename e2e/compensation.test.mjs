// End-to-end: compensation in the real app, as the street's team works it on the demo plot.
// The supervisor reads the fairness list on the dashboard; the office publishes a new
// version of the standards (after a zero price is refused); a team leader surveys a well
// at a household whose vegetables were never paid, adjusts it with a reason, confirms and
// pays it to its owner and pays the vegetables; the dashboard's paid total, the 净地 list
// and the fairness list follow. Every figure is checked against the `jingdi` command on
// the same database file.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Keys, Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers, sleep } from './ui.mjs'

const HH = 'DX4-024' // handed over, vegetables and fruit trees confirmed but unpaid
let s
const seen = {}
const { shot, go, typeIn, waitForText, overlaysGone } = pageHelpers(() => s)

const jingdi = (args, opts) => cli(DB, args, opts)
/** "1,234.56 元" → 123456 fen. */
const fen = (text) => Math.round(Number(text.replace(/[^\d.-]/g, '')) * 100)

/** Clicks the button with this text in the table row whose text includes `rowText`. */
async function clickInRow(tableCss, rowText, button) {
  const ok = await s.exec(
    `const row = [...document.querySelectorAll(arguments[0] + ' .el-table__row')].find((r) => r.textContent.includes(arguments[1]));
     const b = row && [...row.querySelectorAll('button')].find((x) => x.textContent.trim() === arguments[2]);
     if (b) { b.click(); return true } return false`,
    [tableCss, rowText, button],
  )
  assert.ok(ok, `no ${button} button in the row with ${rowText}`)
}
/** The text of the table row that includes `rowText`. */
async function rowText(tableCss, text) {
  return s.exec(
    `return [...document.querySelectorAll(arguments[0] + ' .el-table__row')].find((r) => r.textContent.includes(arguments[1]))?.textContent ?? ''`,
    [tableCss, text],
  )
}
/** Waits until the table row that includes `key` also includes `text`. */
const waitForRow = (tableCss, key, text) => until(() => rowText(tableCss, key), (t) => t.includes(text), `${text} in the row with ${key}`)
async function errorCode(css) {
  return s.attr(await s.waitFor(css), 'data-code')
}

before(async () => {
  await demoWithOperator()
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

describe('compensation from the standards to the payment', () => {
  test('the dashboard lists the seeded deviations for review before publication', async () => {
    await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 })
    const count = await s.waitFor('[data-testid="fairness-count"]')
    const cli = jingdi(['compensation', 'fairness'], { json: true })
    assert.equal(await s.attr(count, 'data-value'), String(cli.households_flagged))
    for (const [no, kind] of [['DX4-001', 'incentive_outside_tier'], ['DX4-002', 'agreement_mismatch'], ['DX4-003', 'per_m2_deviation'], ['DX4-016', 'manual_adjustment']]) {
      await s.waitFor(`[data-testid="fairness-${no}-${kind}"]`)
    }
    seen.paid = fen(await s.text(await s.waitFor('[data-testid="kpi-paid"]')))
    seen.unpaid = await s.value('[data-testid="readiness-unpaid_compensation"]')
    await shot('15-dashboard-fairness', '[data-testid="fairness"]')
    // A wider threshold leaves out the 38.68% per-m² deviation.
    await typeIn('input[data-testid="fairness-threshold"]', '50')
    await s.type(await s.waitFor('input[data-testid="fairness-threshold"]'), Keys.ENTER)
    await s.waitFor('[data-testid="fairness-count"]', { text: '需复核 3 户' })
    await typeIn('input[data-testid="fairness-threshold"]', '5')
    await s.type(await s.waitFor('input[data-testid="fairness-threshold"]'), Keys.ENTER)
    await s.waitFor('[data-testid="fairness-count"]', { text: '需复核 4 户' })
  })

  test('the standards page shows the versions; a zero price is refused, a new version is published', async () => {
    await go('standards', '[data-testid="standards-shown"]')
    await s.waitFor('[data-testid="standards-version-2"]', { text: '现行' })
    assert.equal(await s.text(await s.waitFor('[data-testid="catalogue-price-vegetables"]')), '15.00')
    await shot('16-standards')
    await s.clickCss('[data-testid="standards-new"]')
    await s.waitFor('[data-testid="draft-price-vegetables"] input')
    await sleep(600) // the drawer slides in
    await typeIn('[data-testid="draft-price-vegetables"] input', '0')
    await s.type(await s.waitFor('[data-testid="draft-price-vegetables"] input'), Keys.TAB)
    await s.clickCss('[data-testid="standards-publish"]')
    assert.equal(await errorCode('[data-testid="standards-publish-error"]'), 'rule.standards.price_required')
    assert.match(await s.text(await s.waitFor('[data-testid="standards-publish-error"]')), /蔬菜.*单价不能为零/)
    await shot('17-standards-refused')
    assert.equal(jingdi(['compensation', 'standards', 'list'], { json: true }).length, 2, 'nothing was published')
    await typeIn('[data-testid="draft-price-vegetables"] input', '18')
    await s.type(await s.waitFor('[data-testid="draft-price-vegetables"] input'), Keys.TAB)
    await typeIn('input[data-testid="draft-note"]', '复核：蔬菜青苗单价调整为 18 元/m²')
    await s.clickCss('[data-testid="standards-publish"]')
    await s.waitFor('[data-testid="standards-version-3"]')
    assert.equal(await s.text(await s.waitFor('[data-testid="catalogue-price-vegetables"]')), '18.00')
    const v3 = jingdi(['compensation', 'standards', 'show'], { json: true })
    assert.equal(v3.version, 3)
    assert.equal(v3.rules.catalogue.find((c) => c.code === 'vegetables').price_fen, 1800)
    // Every household has confirmed items: they keep their version, nothing is voided.
    await overlaysGone()
    await s.clickCss('[data-testid="standards-recalc"]')
    const report = await s.waitFor('[data-testid="standards-recalc-report"]', { timeout: 60000 })
    assert.match(await s.text(report), /已计算 120 户/)
    assert.match(await s.text(report), /不再适用置零 0 项/)
  })

  test('a well is surveyed, adjusted with a reason, confirmed and paid to its owner', async () => {
    await go('board', '[data-testid^="tile-"]')
    await s.clickCss(`[data-testid="tile-${HH}"]`)
    await s.waitFor('[data-testid="comp-section"]')
    const house = await rowText('[data-testid="comp-items"]', '房屋价值补偿')
    assert.match(house, /516\.25 m² × 3,900 元\/m²\(砖木\) = 2,013,375\.00 元/)
    assert.match(house, /第 1 版/)
    // A negative quantity is refused by name and nothing is added.
    const rows = async () => (await s.findAll('[data-testid="comp-items"] .el-table__body .el-table__row')).length
    const before = await rows()
    await s.clickCss('[data-testid="inv-code"] .el-select__wrapper')
    await sleep(300)
    assert.ok(await s.exec(
      `const li = [...document.querySelectorAll('.el-select-dropdown__item')].find((x) => x.offsetParent !== null && x.textContent.startsWith('水井'));
       if (li) { li.click(); return true } return false`,
    ))
    await typeIn('input[data-testid="inv-quantity"]', '-1')
    await s.clickCss('[data-testid="inv-add"]')
    assert.equal(await errorCode('[data-testid="comp-error"]'), 'invalid_field.quantity')
    assert.equal(await rows(), before)
    await typeIn('input[data-testid="inv-quantity"]', '1')
    await typeIn('input[data-testid="inv-owner"]', '邻居 王五')
    await s.clickCss('[data-testid="inv-add"]')
    await waitForText('[data-testid="comp-inventory"]', '邻居 王五')
    const well = await rowText('[data-testid="comp-items"]', '水井 1 口')
    assert.match(well, /水井 1 口 × 1,500 元\/口 = 1,500\.00 元/, 'priced from the household’s own version')

    // An adjustment without a reason is refused; with one it is kept and flagged.
    await clickInRow('[data-testid="comp-items"]', '水井 1 口', '调整')
    await typeIn('input[data-testid="comp-adjust-value"]', '-200')
    await s.clickCss('[data-testid="comp-adjust-save"]')
    assert.equal(await errorCode('[data-testid="comp-error"]'), 'rule.compensation.adjustment_needs_reason')
    await typeIn('input[data-testid="comp-adjust-reason"]', '井已部分填埋，经评估小组核减')
    await s.clickCss('[data-testid="comp-adjust-save"]')
    await waitForText('[data-testid="comp-items"]', '井已部分填埋')
    assert.match(await rowText('[data-testid="comp-items"]', '水井 1 口'), /1,300\.00 元/)

    // Confirm all, then pay the well to its owner with a voucher.
    await s.clickCss('[data-testid="comp-confirm-all"]')
    await waitForText('[data-testid="comp-items"]', '确认于')
    // Other items were confirmed before: wait for the well's own row to show its confirmation.
    await until(() => rowText('[data-testid="comp-items"]', '水井 1 口'), (t) => t.includes('确认于'), 'the well to be confirmed')
    await clickInRow('[data-testid="comp-items"]', '水井 1 口', '支付')
    await typeIn('input[data-testid="comp-pay-voucher"]', 'QM-2022-024-W')
    await typeIn('input[data-testid="comp-pay-amount"]', '9999')
    await s.clickCss('[data-testid="comp-pay-save"]')
    assert.equal(await errorCode('[data-testid="comp-error"]'), 'rule.compensation.payment_exceeds_confirmed')
    await typeIn('input[data-testid="comp-pay-amount"]', '')
    await s.clickCss('[data-testid="comp-pay-save"]')
    await waitForText('[data-testid="comp-items"]', 'QM-2022-024-W')
    assert.match(await rowText('[data-testid="comp-items"]', '水井 1 口'), /邻居 王五/)

    // The household's unpaid vegetables are paid too.
    await clickInRow('[data-testid="comp-items"]', '蔬菜 104.00 m²', '支付')
    await typeIn('input[data-testid="comp-pay-voucher"]', 'QM-2022-024-V')
    await s.clickCss('[data-testid="comp-pay-save"]')
    await waitForText('[data-testid="comp-items"]', 'QM-2022-024-V')
    // The fruit trees were confirmed before the owner had checked the count: the confirmation
    // is taken back (a reason is required).
    await clickInRow('[data-testid="comp-items"]', '果树 2 棵', '撤销确认')
    await s.clickCss('[data-testid="comp-unconfirm-save"]')
    assert.equal(await errorCode('[data-testid="comp-error"]'), 'rule.compensation.unconfirm_needs_reason')
    await typeIn('input[data-testid="comp-unconfirm-reason"]', '户主要求复核棵数')
    await s.clickCss('[data-testid="comp-unconfirm-save"]')
    await waitForRow('[data-testid="comp-items"]', '果树 2 棵', '测算')
    // The recount finds three trees: the surveyed line is corrected with a reason and the
    // item follows; then it is confirmed again.
    await clickInRow('[data-testid="comp-inventory"]', '果树', '更正')
    await typeIn('input[data-testid="inv-correct-value"]', '3')
    await typeIn('input[data-testid="inv-correct-reason"]', '复核为 3 棵')
    await s.clickCss('[data-testid="inv-correct-save"]')
    await waitForRow('[data-testid="comp-items"]', '果树 3 棵', '900.00 元')
    await clickInRow('[data-testid="comp-items"]', '果树 3 棵', '确认')
    await waitForRow('[data-testid="comp-items"]', '果树 3 棵', '已确认')
    // The well changed the settlement: the signed agreement no longer agrees until its amount
    // is corrected, which a signed household allows only with a reason.
    assert.equal(await s.attr(await s.waitFor('[data-testid="comp-agreement"]'), 'data-agrees'), 'false')
    const sheet = jingdi(['compensation', 'show', HH], { json: true })
    await s.clickCss('[data-testid="comp-set-agreement"]')
    await typeIn('input[data-testid="comp-amount-value"]', sheet.totals.total_figures.replace(/[^\d.]/g, ''))
    await s.clickCss('[data-testid="comp-amount-save"]')
    assert.equal(await errorCode('[data-testid="comp-error"]'), 'rule.agreement.locked')
    await typeIn('input[data-testid="comp-amount-reason"]', '补充协议：增列水井补偿')
    await s.clickCss('[data-testid="comp-amount-save"]')
    await s.waitFor('[data-testid="comp-agreement"][data-agrees="true"]')
    const capitals = await s.text(await s.waitFor('[data-testid="comp-capitals"]'))
    assert.equal(capitals, sheet.totals.total_capitals)
    assert.equal(fen(await s.text(await s.waitFor('[data-testid="comp-paid"]'))), sheet.totals.paid_fen)
    await shot('18-household-compensation', '[data-testid="comp-section"]')
    // The same section in English.
    await s.clickCss('[data-testid="toggle-locale"]')
    await s.waitFor('[data-testid="comp-section"] h3', { text: 'Compensation' })
    await shot('18b-household-compensation-english', '[data-testid="comp-section"]')
    await s.clickCss('[data-testid="toggle-locale"]')
    await s.waitFor('[data-testid="comp-section"] h3', { text: '补偿结算' })
  })

  test('the dashboard follows: paid total, the 净地 list and the fairness list', async () => {
    await go('dashboard', '[data-testid="kpi-paid"]')
    const paid = fen(await s.text(await s.waitFor('[data-testid="kpi-paid"]')))
    assert.equal(paid - seen.paid, 1_300_00 + 1_248_00)
    assert.equal(await s.value('[data-testid="readiness-unpaid_compensation"]'), seen.unpaid - 1)
    await s.waitFor(`[data-testid="fairness-${HH}-manual_adjustment"]`)
    assert.equal((await s.findAll(`[data-testid="fairness-${HH}-agreement_mismatch"]`)).length, 0, 'the corrected agreement agrees')
    await s.waitFor('[data-testid="fairness-count"]', { text: '需复核 5 户' })
    await shot('19-dashboard-after-payment', '[data-testid="fairness"]')
  })
})
