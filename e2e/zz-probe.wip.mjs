import { test } from 'node:test'
import { Session, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers, sleep } from './ui.mjs'
let s
const { go } = pageHelpers(() => s)
test('probe', async () => {
  await demoWithOperator()
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 60000 })
  await go('board', '[data-testid^="tile-"]')
  await s.clickCss(`[data-testid="tile-DX4-008"]`)
  await s.waitFor('[data-testid="hh-number"]')
  const visit = cli(DB, ['visit', 'list', '--household', 'DX4-008'], { json: true })[0]
  const css = `[data-testid="visit-attach-${visit.id}"]`
  await s.exec(`document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })`, [css])
  await sleep(500)
  console.log(await s.exec(`const el = document.querySelector(arguments[0]); const r = el.getBoundingClientRect(); const t = document.elementFromPoint(r.left + r.width/2, r.top + r.height/2);
    let c = el, out = []; while (c) { const cs = getComputedStyle(c); out.push(c.tagName + '.' + c.className + ' ov=' + cs.overflow + ' disp=' + cs.display + ' ' + JSON.stringify(c.getBoundingClientRect())); c = c.parentElement }
    return JSON.stringify(r) + ' top=' + t?.tagName + '.' + t?.className + ' || ' + out.join(' || ')`, [css]))
  const el = (await s.findAll(css))[0]
  console.log('displayed', await s.cmd('GET', `/element/${el}/displayed`))
  await s.screenshot('/tmp/probe/visit.png')
  await s.delete()
})
