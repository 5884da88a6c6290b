// The readable history (issue 18) with attachments: an attached file's entry in 操作日志 reads the
// file's name, the household number and Chinese kinds, not "所属记录: <UUID>" or raw 0.1 µ°
// coordinates. The state (a pole, a phone, a scan attached) is made with the `jingdi` command.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers } from './ui.mjs'

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
const jingdi = (args, opts) => cli(DB, args, opts)
let s
const { go, renderedText, shot } = pageHelpers(() => s, { prefix: 'history-' })

before(async () => {
  await demoWithOperator()
  const dir = await mkdtemp(path.join(tmpdir(), 'jingdi-history-'))
  const scan = path.join(dir, '补偿协议扫描件.pdf')
  await writeFile(scan, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
  jingdi(['pole', 'add', '--label', 'P-WIP', '--kind', 'power'])
  jingdi(['household', 'set', '--household', 'DX4-001', 'phone', '13900000009'])
  jingdi(['attachment', 'add', '--kind', 'agreement_scan', '--household', 'DX4-001', scan])
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
  await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 90000 })
})
after(async () => {
  await s?.delete()
})

test('the history reads without ids: Chinese field names, household numbers, pole labels, attachments', async () => {
  await go('history', '[data-testid="history-count"]')
  const text = await until(
    () => renderedText('[data-testid="history"]'),
    (t) => t.includes('P-WIP') && t.includes('联系电话') && t.includes('补偿协议扫描件.pdf'),
    'the pole by its label, field names in Chinese and the attached file in the history',
  )
  await shot('01-history')
  assert.doesNotMatch(text, UUID)
})
