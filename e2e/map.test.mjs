// End-to-end: the plot map (挂图作战 on the real map) on the demo plot. The whole plot is
// drawn coloured by stage exactly as `jingdi stage list` reports; a group filter fades the
// rest and the legend counts what is shown; the hover card names the household and its open
// obstacles and a click opens it; the date slider's past date shows the stages `jingdi`
// reports for that date; a survey file goes through the preview (matched, unmatched, an
// invalid parcel skipped) into the log. Screenshots of each step land in e2e/screenshots/.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Keys, Session, until, waitForDriver } from './webdriver.mjs'
import { APP, jingdi as cli } from './cli.mjs'
import { DB, DRIVER, demoWithOperator, pageHelpers } from './ui.mjs'

let s
const { shot, go, chooseOption } = pageHelpers(() => s)

const jingdi = (args, opts) => cli(DB, args, opts)
/** Every parcel as drawn: number → {stage, fill, matches, group}. */
async function parcels() {
  const rows = await s.exec(
    `return [...document.querySelectorAll('path[data-testid^="parcel-"]')].map((p) =>
       [p.dataset.number, p.dataset.stage, p.getAttribute('fill'), p.dataset.matches === 'true', p.dataset.group])`,
  )
  return new Map(rows.map(([n, stage, fill, matches, group]) => [n, { stage, fill, matches, group }]))
}
async function legend() {
  return s.exec(`return Object.fromEntries([...document.querySelectorAll('[data-testid^="legend-"]')].map((l) => [l.dataset.testid.slice(7), Number(l.dataset.count)]))`)
}
/** The map's stages equal `jingdi stage list --on DATE`, household by household. */
async function assertStagesAsReported(date) {
  const reported = jingdi(['stage', 'list', ...(date ? ['--on', date] : [])], { json: true })
  const drawn = await parcels()
  assert.equal(drawn.size, reported.households.length)
  for (const h of reported.households) {
    assert.equal(drawn.get(h.number)?.stage, h.stage ?? 'not_registered', `${date ?? 'today'} ${h.number}`)
  }
  // One colour per stage, and the legend counts the households drawn in it.
  const fills = new Map()
  for (const p of drawn.values()) {
    if (fills.has(p.stage)) assert.equal(fills.get(p.stage), p.fill, p.stage)
    fills.set(p.stage, p.fill)
  }
  const counts = await legend()
  for (const st of reported.stages) assert.equal(counts[st.stage], st.households, `${date} legend ${st.stage}`)
  return reported
}

before(async () => {
  await demoWithOperator()
  await waitForDriver(DRIVER)
  s = await Session.create(DRIVER, APP)
})
after(async () => {
  await s?.delete()
})

describe('the plot map', () => {
  test('the whole plot is drawn coloured by stage as jingdi reports it, with poles and the pace', async () => {
    await s.waitFor('[data-testid="kpi-households-total"]', { timeout: 30000 })
    // The dashboard's pace card is the core's.
    const pace = jingdi(['pace'], { json: true })
    const dash = await s.waitFor('[data-testid="pace-demolition"]')
    assert.equal(await s.attr(dash, 'data-reaches'), pace.demolition.reaches_on)
    await go('map', 'path[data-testid="parcel-DX4-001"]')
    await assertStagesAsReported(null)
    assert.equal((await s.findAll('circle[data-testid^="pole-"]')).length, 15)
    const poles = jingdi(['map', 'show'], { json: true }).pole_legend
    for (const l of poles) assert.equal(await s.attr(await s.waitFor(`[data-testid="pole-legend-${l.id}"]`), 'data-count'), String(l.count))
    const side = await s.waitFor('[data-testid="pace-signing"]')
    assert.equal(await s.attr(side, 'data-status'), 'done')
    assert.equal(await s.attr(side, 'data-on-time'), 'true')
    await shot('40-map-whole-plot')
  })

  test('a group filter fades the other groups and the legend counts the group', async () => {
    await chooseOption('[data-testid="map-filter-group"]', '第二组')
    await until(async () => Object.values(await legend()).reduce((a, b) => a + b, 0), (n) => n === 30, 'the legend to count 30 households')
    const drawn = await parcels()
    const shown = [...drawn.values()].filter((p) => p.matches)
    assert.equal(shown.length, 30)
    assert.ok(shown.every((p) => p.group === '第二组'))
    const reported = jingdi(['stage', 'list'], { json: true }).households.filter((h) => h.group_name === '第二组')
    const counts = await legend()
    for (const st of ['vacated', 'demolished']) assert.equal(counts[st], reported.filter((h) => h.stage === st).length, st)
    await shot('41-map-filter-group')
    await s.exec(`[...document.querySelectorAll('button')].find((b) => b.textContent.trim() === '清除筛选')?.click()`)
    await until(async () => (await parcels()).get('DX4-001').matches, (m) => m === true, 'the filter to clear')
  })

  test('hovering a parcel shows its household, stage and open obstacles; a click opens it', async () => {
    const hh = jingdi(['household', 'show', '--household', 'DX4-024'], { json: true })
    await s.exec(
      `const el = document.querySelector('path[data-testid="parcel-DX4-024"]'); const r = el.getBoundingClientRect();
       el.dispatchEvent(new MouseEvent('mouseenter', { clientX: r.x + r.width / 2, clientY: r.y + r.height / 2 }))`,
    )
    const card = await s.waitFor('[data-testid="hover-card"]')
    const text = await s.text(card)
    const head = hh.household?.head_name ?? hh.head_name
    assert.ok(text.includes('DX4-024') && text.includes(head), text)
    assert.ok(text.includes('青苗'), `the open crops obstacle is named: ${text}`)
    await shot('42-map-hover-card')
    await s.exec(`document.querySelector('path[data-testid="parcel-DX4-024"]').dispatchEvent(new MouseEvent('click', { bubbles: true }))`)
    await s.waitFor('[data-testid="hh-number"]', { text: 'DX4-024' })
  })

  test('a past date shows the stages jingdi reports for that date', async () => {
    await go('map', 'path[data-testid="parcel-DX4-001"]')
    const input = await s.waitFor('[data-testid="map-date-input"] input')
    await s.click(input)
    await s.type(input, '2022-07-10' + Keys.ENTER)
    await until(() => s.exec(`return document.querySelector('[data-testid="map-date"]').dataset.value`), (v) => v === '2022-07-10', 'the map to show 2022-07-10')
    await s.exec(`document.activeElement?.blur(); document.body.click()`)
    const reported = await assertStagesAsReported('2022-07-10')
    assert.ok(reported.stages.find((x) => x.stage === 'negotiating').households > 0, 'on 7-10 some were still negotiating')
    await shot('43-map-past-date')
  })

  test('a survey file is previewed (matched, unmatched, an invalid parcel) and imported into the log', async () => {
    // Three parcels re-surveyed where the demo has them, one number the plot does not have,
    // and one drawn as a bow-tie.
    const [lon0, lat0, turn] = [118.6512, 24.9386, (12 * Math.PI) / 180]
    const at = (x, y) => {
      const e = x * Math.cos(turn) - y * Math.sin(turn)
      const n = x * Math.sin(turn) + y * Math.cos(turn)
      return [lon0 + e / (111320 * Math.cos((lat0 * Math.PI) / 180)), lat0 + n / 110574]
    }
    const square = (cx, cy) => [[at(cx - 6, cy - 6.5), at(cx + 6, cy - 6.5), at(cx + 6, cy + 6.5), at(cx - 6, cy + 6.5), at(cx - 6, cy - 6.5)]]
    const feature = (no, rings) => ({ type: 'Feature', properties: { 宗地号: no, 权利人: '测试' }, geometry: { type: 'Polygon', coordinates: rings } })
    const file = path.join(os.tmpdir(), `jingdi-e2e-survey-${process.pid}.geojson`)
    await writeFile(
      file,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'EPSG:4490' } },
        features: [
          feature('DX4-001', square(-100.5, 97)),
          feature('DX4-002', square(-83.5, 97)),
          feature('DX4-003', square(-66.5, 97)),
          feature('DX4-999', square(-49.5, 97)),
          feature('DX4-004', [[at(-56, 90), at(-44, 104), at(-44, 90), at(-56, 104), at(-56, 90)]]),
        ],
      }),
    )
    await s.clickCss('[data-testid="map-import"]')
    const input = await s.waitFor('input[data-testid="map-import-path"], [data-testid="map-import-path"] input')
    await s.click(input)
    await s.type(input, file + Keys.ENTER)
    const counts = await s.waitFor('[data-testid="map-preview-counts"]')
    await until(() => s.text(counts), (t) => t.includes('匹配 3') && t.includes('未匹配 1') && t.includes('有错误 1'), 'the preview counts')
    const problems = await s.exec(`return document.querySelector('[data-testid="map-preview-problems"]').textContent`)
    assert.ok(problems.includes('自相交') && problems.includes('DX4-999'), problems)
    assert.equal(await s.exec(`return document.querySelector('[data-testid="map-do-import"]').disabled`), true, 'nothing is imported while an error is left')
    await shot('44-map-import-preview')
    await s.exec(`document.querySelector('input[data-testid="map-skip-5"], [data-testid="map-skip-5"] input').click()`)
    await until(() => s.exec(`return document.querySelector('[data-testid="map-do-import"]').disabled`), (d) => d === false, 'the import to be allowed')
    await s.clickCss('[data-testid="map-do-import"]')
    await s.waitFor('[data-testid="map-imported"]', { text: '更新 3 条' })
    // The core holds the re-surveyed parcels, recorded in the log, and replays to them.
    const dump = jingdi(['dump'])
    assert.equal(dump.split('\n').filter((l) => l.includes(path.basename(file))).length, 3)
    assert.match(jingdi(['verify']), /^一致/)
  })
})
