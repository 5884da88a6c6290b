// Measurement, not part of the suite: starts the app STARTS times (default 20) through
// tauri-driver, waits for the dashboard, resizes the window four times and checks the page
// still answers; prints how many starts failed. By default WebKitGTK renders as it chooses (what
// the app does unless told); `JINGDI_RENDERING=cpu` sets the software-rendering switches
// (src/desk/rendering.rs). Figures in BENCHMARKS.md.
//   ./scripts/e2e.sh e2e/starts.measure.mjs                       # WebKit's own choice
//   JINGDI_RENDERING=cpu ./scripts/e2e.sh e2e/starts.measure.mjs  # the switches
import { test } from 'node:test'
import { Session, waitForDriver } from './webdriver.mjs'
import { APP, jingdi } from './cli.mjs'

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const STARTS = Number(process.env.STARTS ?? 20)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

test(`${STARTS} starts with resizes (JINGDI_RENDERING=${process.env.JINGDI_RENDERING ?? 'default'})`, async () => {
  jingdi(process.env.JINGDI_DB, ['demo'], { ok: false })
  if (!jingdi(process.env.JINGDI_DB, ['operator'], { json: true }).operator) jingdi(process.env.JINGDI_DB, ['operator', '陈组长'])
  await waitForDriver(DRIVER)
  const failures = []
  for (let i = 1; i <= STARTS; i++) {
    let s
    try {
      s = await Session.create(DRIVER, APP)
      await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 60000 })
      for (const [width, height] of [[1024, 700], [1366, 768], [800, 600], [1280, 800]]) {
        await s.cmd('POST', '/window/rect', { width, height })
        await sleep(300)
      }
      const n = await s.text(await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 10000 }))
      if (n !== '120') throw new Error(`dashboard shows ${n}`)
    } catch (e) {
      failures.push(`start ${i}: ${String(e.message ?? e).slice(0, 160)}`)
    } finally {
      await s?.delete()
      await sleep(500)
    }
  }
  console.log(`RESULT rendering=${process.env.JINGDI_RENDERING ?? 'default'} starts=${STARTS} failed=${failures.length}`)
  for (const f of failures) console.log(`  ${f}`)
})
