// End-to-end: evidence and paper in the real app, on the demo plot. A team leader opens a
// demolished household the 净地 list flags for having no house photo, attaches photos and a
// scanned agreement on its 资料 tab (the native open dialog answered with real files), sees
// the thumbnails, opens the viewer and zooms, withdraws a wrong file with a reason (refused
// without one), attaches a photo to a visit, and opens the settlement sheet's print preview.
// Every figure is checked against the `jingdi` command on the same database file. The only
// stand-in is the operating system's file dialog: its answer is given to the page's dialog
// call, everything after it (IPC, core, store) is the real thing.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers, sleep } from './ui.mjs'

const HH = 'DX4-008' // demolished; its house was not photographed at the survey
let s
let files

const jingdi = (args, opts) => cli(DB, args, opts)
const { shot, go, renderedText, waitForText, shownAt, count, overlaysGone } = pageHelpers(() => s)

/** The next native open dialog answers with these paths (the OS dialog cannot be driven;
 * ui/src/ipc/dialog.ts takes queued answers before asking the OS). */
async function dialogAnswers(paths) {
  await s.exec(`(window.__jingdiDialogAnswers ??= []).push(arguments[0])`, [paths])
}

/** A JPEG with an EXIF block (DateTimeOriginal, GPS 24°54'36"N 118°36'0"E) put after SOI. */
function withExif(jpeg, taken) {
  const t = Buffer.alloc(178)
  t.write('II*\0', 0, 'latin1')
  t.writeUInt32LE(8, 4)
  const entry = (at, tag, type, n, v) => { t.writeUInt16LE(tag, at); t.writeUInt16LE(type, at + 2); t.writeUInt32LE(n, at + 4); t.writeUInt32LE(v, at + 8) }
  t.writeUInt16LE(2, 8); entry(10, 0x8769, 4, 1, 38); entry(22, 0x8825, 4, 1, 76)
  t.writeUInt16LE(1, 38); entry(40, 0x9003, 2, 20, 56)
  t.write(taken, 56, 'latin1')
  t.writeUInt16LE(4, 76)
  entry(78, 1, 2, 2, Buffer.from('N\0\0\0', 'latin1').readUInt32LE(0)); entry(90, 2, 5, 3, 130)
  entry(102, 3, 2, 2, Buffer.from('E\0\0\0', 'latin1').readUInt32LE(0)); entry(114, 4, 5, 3, 154)
  ;[24, 54, 36, 118, 36, 0].forEach((v, i) => { t.writeUInt32LE(v, 130 + i * 8); t.writeUInt32LE(1, 134 + i * 8) })
  const head = Buffer.from([0xff, 0xe1, 0, 0])
  head.writeUInt16BE(2 + 6 + t.length, 2)
  return Buffer.concat([jpeg.subarray(0, 2), head, Buffer.from('Exif\0\0', 'latin1'), t, jpeg.subarray(2)])
}
before(async () => {
  await demoWithOperator()
  // Real files as a phone and a scanner give them: a house photo of the demo's store
  // (taken before demolition, by its EXIF), a HEIC photo, a scanned PDF, and a "PDF" that is a photo.
  const dir = await mkdtemp(path.join(tmpdir(), 'jingdi-evidence-'))
  const objects = path.join(`${DB}.files`, 'objects')
  const fan = (await readdir(objects))[0]
  const demoPhoto = await readFile(path.join(objects, fan, (await readdir(path.join(objects, fan)))[0]))
  files = {
    photo: path.join(dir, 'IMG_20220520_门前.jpg'),
    heic: path.join(dir, 'IMG_0815.HEIC'),
    scan: path.join(dir, '补偿协议扫描件.pdf'),
    fake: path.join(dir, '假扫描件.pdf'),
    visit: path.join(dir, '走访现场.jpg'),
  }
  await writeFile(files.photo, withExif(demoPhoto, '2022:05:20 09:30:00'))
  // A real HEIC (96 × 64, red and blue halves; tests/it/evidence.rs says how it was made).
  await writeFile(files.heic, await readFile(new URL('../tests/fixtures/two-colours.heic', import.meta.url)))
  await writeFile(files.scan, '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
  await writeFile(files.fake, demoPhoto)
  await writeFile(files.visit, withExif(demoPhoto, '2022:06:21 15:10:00'))
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

describe('evidence on the household page, the viewer and the print preview', () => {
  test('the 净地 list flags demolished households without a house photo', async () => {
    await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 })
    const flagged = jingdi(['clearance'], { json: true }).filter((i) => i.kind === 'house_photo_missing')
    assert.ok(flagged.some((i) => i.household_no === HH), `${HH} is flagged`)
    assert.equal(String(await s.value('[data-testid="readiness-house_photo_missing"]')), String(flagged.length))
    await s.clickCss('[data-testid="readiness-house_photo_missing"]')
    // Every flagged household is a row of the drawer, on screen (read from the DOM: see ui.mjs).
    for (const i of flagged) await shownAt('.el-drawer .el-table__row', i.household_no)
    assert.equal(await count('.el-drawer .el-table__row'), flagged.length)
    assert.match(await renderedText('.el-drawer'), new RegExp(`${HH}[\\s\\S]*已拆除`))
    await shot('30-clearance-house-photo-missing')
    await s.exec(`document.querySelector('.el-drawer__close-btn')?.click()`)
    await overlaysGone()
  })

  test('photos and a scan are attached on the 资料 tab; a file that is not what it says is refused', async () => {
    await go('board', '[data-testid^="tile-"]')
    await s.clickCss(`[data-testid="tile-${HH}"]`)
    await shownAt('[data-testid="hh-number"]', HH)
    await s.clickCss('[data-testid="hh-tab-evidence"]')
    await s.waitFor('[data-testid="evidence-drop"]')
    // A "PDF" that is a photo: refused, nothing attached.
    await dialogAnswers([files.fake])
    await s.clickCss('[data-testid="evidence-add"]')
    await s.clickCss('[data-testid="attach-choose"]')
    await shownAt('[data-testid="attach-file"]', '假扫描件.pdf')
    await s.clickCss('[data-testid="attach-save"]')
    assert.equal(await s.attr(await s.waitFor('[data-testid="attach-error"]'), 'data-code'), 'invalid_field.file')
    assert.match(await renderedText('[data-testid="attach-error"]'), /假扫描件\.pdf.*JPEG/)
    assert.equal(jingdi(['attachment', 'list', '--household', HH], { json: true }).length, 0)
    await s.exec(`document.querySelector('[data-testid="attach-dialog"]').closest('.el-overlay-dialog')?.querySelector('.el-dialog__headerbtn')?.click()`)
    await overlaysGone()
    // Two photos as 房屋照片, then the scan as 协议扫描件.
    await dialogAnswers([files.photo, files.heic])
    await s.clickCss('[data-testid="evidence-add"]')
    await s.clickCss('[data-testid="attach-choose"]')
    await until(() => count('[data-testid="attach-file"]'), (n) => n === 2, 'two files listed')
    await s.clickCss('[data-testid="attach-save"]')
    await overlaysGone()
    await s.waitFor('[data-testid="evidence-kind-house_photo"] [data-testid="evidence-thumb"]')
    await dialogAnswers([files.scan])
    await s.clickCss('[data-testid="evidence-add"]')
    await s.clickCss('[data-testid="attach-choose"]')
    await shownAt('[data-testid="attach-file"]', '补偿协议扫描件.pdf')
    await s.exec(`document.querySelector('[data-testid="attach-kind"]').click()`)
    await sleep(300)
    await s.exec(`[...document.querySelectorAll('.el-select-dropdown__item')].find((o) => o.textContent.trim() === '协议扫描件' && o.offsetParent)?.click()`)
    await s.clickCss('[data-testid="attach-save"]')
    await overlaysGone()
    await s.waitFor('[data-testid="evidence-kind-agreement_scan"] [data-testid="evidence-tile"]')
    const listed = jingdi(['attachment', 'list', '--household', HH], { json: true })
    assert.deepEqual(listed.map((a) => [a.file_name, a.kind]).sort(), [
      ['IMG_0815.HEIC', 'house_photo'], ['IMG_20220520_门前.jpg', 'house_photo'], ['补偿协议扫描件.pdf', 'agreement_scan'],
    ])
    const photo = listed.find((a) => a.file_name.endsWith('.jpg'))
    assert.equal(photo.taken_at, '2022-05-20T09:30:00')
    assert.deepEqual([photo.latitude_e7, photo.longitude_e7], [249100000, 1186000000])
    // The HEIC is decoded (libheif) into a thumbnail like the JPEG: two pictures, no placeholder.
    await until(() => count('[data-testid="evidence-kind-house_photo"] [data-preview="image"]'), (n) => n === 2, 'both photos as pictures')
    assert.equal(await count('[data-preview="heic"]'), 0)
    assert.equal(await count('[data-testid="evidence-tile"]'), 3)
    await shot('31-household-evidence-tab', '[data-testid="hh-tabs"]')
    // The photo was taken before the demolition: the household leaves the 净地 list.
    assert.ok(!jingdi(['clearance'], { json: true }).some((i) => i.kind === 'house_photo_missing' && i.household_no === HH))
  })

  test('the viewer shows the photo with its time and place, zooms, and withdraws only with a reason', async () => {
    // The JPEG by its name: it and the HEIC were attached in one write, which orders them by id
    // (random within the same millisecond), so "the first picture" was the HEIC in some runs.
    await s.clickCss('[data-testid="evidence-kind-house_photo"] [data-preview="image"]:has([title="IMG_20220520_门前.jpg"])')
    await s.waitFor('[data-testid="viewer-image"]')
    await shownAt('[data-testid="viewer"]', '拍摄于 2022-05-20 09:30:00')
    await shownAt('[data-testid="viewer"]', '24.910000, 118.600000')
    await s.clickCss('[data-testid="viewer-zoom-in"]')
    await shownAt('[data-testid="viewer-zoom"]', '125%')
    await shot('32-attachment-viewer')
    await s.clickCss('[data-testid="viewer-withdraw"]')
    await s.clickCss('[data-testid="withdraw-save"]')
    assert.equal(await s.attr(await s.waitFor('[data-testid="viewer-error"]'), 'data-code'), 'rule.attachment.withdraw_needs_reason')
    await s.type(await s.waitFor('input[data-testid="withdraw-reason"]'), '照片拍的是隔壁房屋')
    await s.clickCss('[data-testid="withdraw-save"]')
    await shownAt('[data-testid="viewer"]', '照片拍的是隔壁房屋')
    const w = jingdi(['attachment', 'list', '--household', HH, '--all'], { json: true }).find((a) => a.withdrawn)
    assert.equal(w.withdrawn_reason, '照片拍的是隔壁房屋')
    assert.equal(w.file_name, 'IMG_20220520_门前.jpg')
    await s.exec(`document.querySelector('[data-testid="viewer"]').closest('.el-overlay-dialog')?.querySelector('.el-dialog__headerbtn')?.click()`)
    await overlaysGone()
    // Withdrawn: back on the 净地 list (the HEIC has no time of its own and was attached after).
    assert.ok(jingdi(['clearance'], { json: true }).some((i) => i.kind === 'house_photo_missing' && i.household_no === HH))
  })

  test('a photo attached to a visit shows as a thumbnail on that visit', async () => {
    const visit = jingdi(['visit', 'list', '--household', HH], { json: true })[0]
    await dialogAnswers([files.visit])
    await s.exec(`document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })`, [`[data-testid="visit-attach-${visit.id}"]`])
    await shownAt(`[data-testid="visit-attach-${visit.id}"]`, '')
    await s.clickCss(`[data-testid="visit-attach-${visit.id}"]`)
    await s.clickCss('[data-testid="attach-choose"]')
    await shownAt('[data-testid="attach-file"]', '走访现场.jpg')
    await s.clickCss('[data-testid="attach-save"]')
    await overlaysGone()
    await s.waitFor('[data-testid="visit-thumb"] img')
    const onVisit = jingdi(['attachment', 'list', '--household', HH], { json: true }).filter((a) => a.target === 'visit')
    assert.deepEqual(onVisit.map((a) => [a.target_id, a.file_name]), [[visit.id, '走访现场.jpg']])
    await shot('33-visit-thumbnail', '[data-testid="visit-thumb"]')
  })

  test('the settlement sheet prints with the figures and 大写 of the core', async () => {
    await s.exec(`window.scrollTo(0, 0)`)
    await s.clickCss('[data-testid="hh-print"]')
    await s.waitFor('[data-testid="print-sheet"]')
    const sheet = jingdi(['compensation', 'show', HH], { json: true })
    assert.equal(await count('[data-testid="print-row"]'), sheet.items.length)
    const total = (sheet.totals.total_fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    await s.waitFor('[data-testid="print-total"]')
    assert.equal((await renderedText('[data-testid="print-total"]')).trim(), total)
    await waitForText('[data-testid="print-capitals"]', sheet.totals.total_capitals) // lower on the sheet: may be below the fold
    await shot('34-settlement-print-preview')
  })
})
