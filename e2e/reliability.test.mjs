// End-to-end: the app's saves survive what else runs (issue 11's third situation). The real
// app has the database open; something in its own process opens and closes the database file
// outside SQLite (as a GTK file dialog sniffing file types does: here the sync import is handed
// the database itself, which reads its first bytes and refuses it); then the `jingdi` command
// writes, and a foreign SQLite client (Python's sqlite3, as the sqlite3 shell would) writes and
// closes. The app saves more, is killed, and every save is in the file.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { Keys, Session, waitForDriver } from './webdriver.mjs'
import { APP, jingdi } from './cli.mjs'
import { DB, DRIVER, SHOTS, demoWithOperator } from './ui.mjs'

let s

before(async () => {
  await demoWithOperator()
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

/** Logs a visit on the quick visit page, as a team leader does from the keyboard. */
async function logVisit(number, outcome) {
  await s.clickCss('[data-testid="nav-visit"]')
  const search = await s.waitFor('[data-testid="visit-search"]')
  await s.clear(search)
  await s.type(search, number)
  await s.waitFor(`[data-testid="visit-hit-${number}"]`)
  await s.type(search, Keys.ENTER)
  await s.waitFor('[data-testid="visit-picked"]', { text: number })
  const text = await s.waitFor('textarea[data-testid="visit-outcome"]')
  await s.type(text, outcome)
  await s.type(text, Keys.CONTROL + Keys.ENTER + Keys.NULL)
  await s.waitFor('[data-testid="visit-saved"]', { text: number })
}

/** The app's process id (the one tauri-driver started on this database). */
function appPid() {
  const out = execFileSync('pgrep', ['-n', '-f', path.basename(APP)], { encoding: 'utf8' }).trim()
  return Number(out.split('\n').pop())
}

function deletedFiles(pid) {
  const out = []
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      if (target.includes(path.basename(DB)) && target.endsWith('(deleted)')) out.push(target)
    } catch {}
  }
  return out
}

const SAVES = [
  ['DX4-061', '对话框之前的走访'],
  ['DX4-062', '命令行的走访'],
  ['DX4-063', '对话框之后的走访'],
]

/** Whether the CLI, another process, finds this visit of the household. */
function hasVisit(number, outcome) {
  return jingdi(DB, ['visit', 'list', '--household', number], { json: true }).some((v) => v.outcome === outcome)
}

test('saves survive a file dialog in the app, the CLI and a foreign SQLite client, and a kill', async () => {
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 60000 })
  await logVisit('DX4-061', '对话框之前的走访')
  const pid = appPid()
  // The app's own process opens and closes the database file outside SQLite.
  const refused = await s.exec(
    `return window.__TAURI_INTERNALS__.invoke('sync_import', { path: arguments[0] })
       .then(() => 'imported', (e) => e.code)`,
    [DB],
  )
  assert.equal(refused, 'bundle.not_a_bundle', 'the database is not a bundle: read and refused')
  // Another process writes through the CLI ...
  jingdi(DB, ['--author', '办公室', 'visit', 'add', '--household', 'DX4-062', '--outcome', '命令行的走访'])
  // ... and a foreign SQLite client writes and closes, believing itself alone.
  execFileSync('python3', [
    '-c',
    `import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("INSERT INTO local_settings (key, value) VALUES ('foreign', 'sqlite3') ON CONFLICT (key) DO UPDATE SET value = excluded.value")
c.close()`,
    DB,
  ])
  assert.ok(existsSync(`${DB}-wal`), 'the write-ahead log of the open database is still there')
  await logVisit('DX4-063', '对话框之后的走访')
  assert.deepEqual(deletedFiles(pid), [], 'the app writes into no deleted file')
  // Every other reader sees every save while the app is open ...
  for (const [n, v] of SAVES) assert.ok(hasVisit(n, v), `${v} visible to the CLI while the app is open`)
  await new Promise((r) => setTimeout(r, 700))
  await s.screenshot(path.join(SHOTS, '30-reliability-after-saves.png'))
  // ... and after the app is killed.
  await s.delete()
  s = null
  try {
    process.kill(pid, 'SIGKILL')
  } catch {} // already gone with its session
  await new Promise((r) => setTimeout(r, 500))
  for (const [n, v] of SAVES) assert.ok(hasVisit(n, v), `${v} survived the kill`)
  assert.match(jingdi(DB, ['verify']), /^一致/, 'the log replays to exactly the tables')
})
