// Roles in the real app (issue 13): 成员与设备 on the demo, which is closed with its public key
// so this laptop is its 指挥部 (the members table, this laptop's role in the top bar and on
// the page); then this laptop admitted as 组长 by the `jingdi` command (as another 指挥部
// laptop's admission would arrive), and the household page disables confirming and paying,
// naming the role they need, while field work stays open. The laptop is made 指挥部 again at
// the end, for the files that run after this one. Screenshots: e2e/screenshots/members-*.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers } from './ui.mjs'

const HH = 'DX4-024' // handed over: items confirmed but unpaid, and items being calculated
const jingdi = (args, opts) => cli(DB, args, opts)
let s
let code = ''
const { shot, go, textOf, waitForText, shownAt } = pageHelpers(() => s, { prefix: 'members-' })

/** Starts the app (again) and waits for the dashboard. */
async function start() {
  s = await Session.create(DRIVER, APP)
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 90000 })
  await s.cmd('POST', '/window/rect', { width: 1366, height: 768 })
}
const topRole = async () => s.attr(await s.waitFor('[data-testid="my-role"]'), 'data-value')
/** For every element matching `css`: whether it is disabled, and why (the gate's words). */
const gates = (css) =>
  s.exec(
    `return [...document.querySelectorAll(arguments[0])].map((b) => ({ disabled: b.disabled, why: b.closest('[data-testid="role-denied"]')?.dataset.why ?? null }))`,
    [css],
  )

before(async () => {
  await demoWithOperator()
  code = jingdi(['project', 'join-request'], { json: true }).code
  await waitForDriver(DRIVER)
  await start()
})
after(async () => {
  await s?.delete()
  // Leave this laptop the demo's 指挥部 again for the files that run after this one.
  if (code) jingdi(['project', 'admit', code, '--role', '指挥部'], { ok: false })
})

describe('roles: the app shows what this laptop may do', () => {
  test('成员与设备 on the demo: the members table and this laptop’s role, 指挥部', async () => {
    assert.equal(await topRole(), 'command')
    assert.match(await textOf('[data-testid="my-role"]'), /指挥部/)
    await go('members', '[data-testid="members"]')
    await waitForText('[data-testid="members-state"]', '已启用设备准入')
    await waitForText('[data-testid="members-my-role"]', '指挥部')
    const cli = jingdi(['project', 'members'], { json: true })
    const names = await s.exec(`return [...document.querySelectorAll('[data-testid="member-row"]')].map((e) => e.textContent.trim())`)
    assert.ok(names.length >= 1, 'the members table lists the demo’s admitted laptops')
    assert.deepEqual(names.sort(), (cli.members ?? cli).map((m) => m.name).sort())
    await shownAt('[data-testid="member-row"]', names[0])
    // The 指挥部 admits: the form is there and enabled; nothing on the page is gated.
    assert.deepEqual(await gates('[data-testid="admit"]'), [{ disabled: false, why: null }])
    assert.equal(await s.exec(`return document.querySelectorAll('[data-testid="role-denied"]').length`), 0)
    await shot('01-command', '[data-testid="members"]')
  })

  test('as 组长: confirming and paying are disabled, naming 财务; field work stays open', async () => {
    await s.delete()
    jingdi(['project', 'admit', code, '--role', '组长', '--name', '本机（组长）'])
    await start()
    assert.equal(await until(topRole, (r) => r === 'field', 'the top bar to say 组长'), 'field')
    await go('board', '[data-testid^="tile-"]')
    await s.clickCss(`[data-testid="tile-${HH}"]`)
    await s.waitFor('[data-testid="comp-section"]')
    const pay = await until(() => gates('[data-testid^="comp-pay-"]:not([data-testid="comp-pay-save"])'), (g) => g.length > 0, 'pay buttons')
    for (const g of pay) assert.deepEqual(g, { disabled: true, why: '需要财务角色' })
    // Taking a confirmation back is 财务's too (and confirming, where an item awaits it).
    const confirm = await gates('[data-testid^="comp-unconfirm-"], [data-testid^="comp-confirm-"]')
    assert.ok(confirm.length > 0, 'confirmed items')
    for (const g of confirm) assert.deepEqual(g, { disabled: true, why: '需要财务角色' })
    // 组长 work: logging a visit, changing facts, attaching files, calculating.
    for (const css of ['[data-testid="hh-log-visit"]', '[data-testid="hh-edit-facts"]']) {
      assert.deepEqual(await gates(css), [{ disabled: false, why: null }], css)
    }
    // The tooltip says it when the pointer is over a disabled button.
    await s.exec(`document.querySelector('[data-testid^="comp-pay-"]').scrollIntoView({ block: 'center' })`)
    // The pointer itself over the gate (WebDriver actions), as a person would hover.
    const gate = await s.waitFor('[data-testid="role-denied"][data-ask="pay"]')
    const origin = { 'element-6066-11e4-a52e-4f735466cecf': gate }
    await s.cmd('POST', '/actions', { actions: [{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions: [{ type: 'pointerMove', duration: 0, origin, x: 0, y: 0 }] }] })
    await until(
      () => s.exec(`return [...document.querySelectorAll('.el-popper')].some((p) => getComputedStyle(p).opacity === '1' && p.textContent.includes('需要财务角色'))`),
      (v) => v === true,
      'the tooltip naming 财务',
    )
    await shot('02-field-pay-disabled')
    // Publishing standards is the 指挥部's.
    await go('standards', '[data-testid="standards"]')
    const standards = await until(() => gates('[data-testid="standards-new"]'), (g) => g.length > 0, 'the standards page')
    assert.deepEqual(standards, [{ disabled: true, why: '需要指挥部角色' }])
    // And the members page says so.
    await go('members', '[data-testid="members"]')
    await waitForText('[data-testid="members-my-role"]', '组长')
    await shot('03-field-members', '[data-testid="members"]')
  })
})
