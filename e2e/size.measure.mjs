// Measurement, not part of the suite: the app at district size (issue 15). Starts the app
// STARTS times (default 5) on the database JINGDI_DB holds (the district: KEEP_DB), and for each
// start reports
//   - start to figures: from the jingdi-app process's start (/proc/<pid>/stat) to the frame
//     after the dashboard painted its first figures (the page's `jingdi:first-figures` mark);
//   - memory with the board open: the app's and its WebKit processes' resident set (RSS, and
//     PSS, which counts shared libraries once), after opening 挂图作战 of the plot shown.
// Figures in BENCHMARKS.md. Run with the release build:
//   KEEP_DB=/var/tmp/jingdi-district.db JINGDI_APP=$CARGO_TARGET_DIR/release/jingdi-app \
//     ./scripts/e2e.sh e2e/size.measure.mjs
import { test } from 'node:test'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi } from './cli.mjs'

const DRIVER = process.env.WEBDRIVER_URL ?? 'http://127.0.0.1:4444'
const STARTS = Number(process.env.STARTS ?? 5)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

// Clock ticks since boot → milliseconds since the epoch.
const HZ = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))
const BOOT = Number(/btime (\d+)/.exec(readFileSync('/proc/stat', 'utf8'))[1]) * 1000
function startedAt(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return BOOT + (Number(fields[19]) * 1000) / HZ
}
function appPid() {
  const pids = execFileSync('pgrep', ['-f', '-n', APP], { encoding: 'utf8' }).trim().split('\n')
  return Number(pids[pids.length - 1])
}
// The app and every process under it (WebKit's web and network processes).
function tree(pid) {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim()
      if (kids) out.push(...kids.split(' ').map(Number))
    } catch {}
  }
  return out
}
function kib(pid, file, key) {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))
  return m ? Number(m[1]) : 0
}

test(`${STARTS} starts on ${process.env.JINGDI_DB}: start to figures, memory with the board open`, { timeout: 3600000 }, async () => {
  const db = process.env.JINGDI_DB
  if (!jingdi(db, ['operator'], { json: true }).operator) jingdi(db, ['operator', '陈组长'])
  await waitForDriver(DRIVER)
  const starts = []
  const rss = []
  const pss = []
  for (let i = 1; i <= STARTS; i++) {
    const s = await Session.create(DRIVER, APP)
    try {
      const pid = appPid()
      const t0 = startedAt(pid)
      const total = await s.text(await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 120000 }))
      const painted = await until(
        () => s.exec(`const m = performance.getEntriesByName('jingdi:first-figures')[0]; return m ? performance.timeOrigin + m.startTime : null`),
        (t) => t !== null,
        'the first-figures mark',
      )
      starts.push(painted - t0)
      if (process.env.IPC_TIMES) {
        const calls = await s.exec(`return [...performance.getEntriesByType('measure'), ...performance.getEntriesByType('mark')].map((e) => [e.name, Math.round(e.startTime), Math.round(e.duration)])`)
        console.log(calls.map((c) => c.join(' ')).join('\n'))
      }
      // Where the time went: the web page's start, its script loaded, the figures' mark.
      const [origin, loaded] = await s.exec(
        `const n = performance.getEntriesByType('navigation')[0]; return [performance.timeOrigin, n ? n.domContentLoadedEventEnd : null]`,
      )
      await s.clickCss('[data-testid="nav-board"]')
      const shown = await until(
        async () => s.text(await s.waitFor('[data-testid="board-shown"]', { timeout: 120000 })),
        (t) => !/^\D*0 \/ 0/.test(t),
        'the board loaded',
        120000,
      )
      await sleep(3000)
      const procs = tree(pid)
      rss.push(procs.reduce((a, p) => a + kib(p, 'status', 'VmRSS'), 0) / 1024)
      pss.push(procs.reduce((a, p) => a + kib(p, 'smaps_rollup', 'Pss'), 0) / 1024)
      const each = procs.map((p) => `${readFileSync(`/proc/${p}/comm`, 'utf8').trim()} ${(kib(p, 'status', 'VmRSS') / 1024).toFixed(0)}/${(kib(p, 'smaps_rollup', 'Pss') / 1024).toFixed(0)}`)
      console.log(
        `start ${i}: figures ${Math.round(painted - t0)} ms after the process started (page started at ${Math.round(origin - t0)} ms, ` +
          `its script ran by ${Math.round(origin - t0 + loaded)} ms; dashboard: ${total} households); ` +
          `board ${shown}; RSS ${rss.at(-1).toFixed(0)} MiB, PSS ${pss.at(-1).toFixed(0)} MiB (RSS/PSS: ${each.join(', ')})`,
      )
    } finally {
      await s.delete()
      await sleep(1000)
    }
  }
  console.log(
    `RESULT starts=${STARTS} figures_ms_median=${Math.round(median(starts))} (${starts.map(Math.round).join(', ')}) ` +
      `rss_mib_median=${median(rss).toFixed(0)} pss_mib_median=${median(pss).toFixed(0)}`,
  )
})
