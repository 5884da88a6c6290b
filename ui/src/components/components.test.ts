import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '../i18n'
import ActionError from './ActionError.vue'
import StageTag from './StageTag.vue'
import ReasonForm from './ReasonForm.vue'
import type { Board, Stage, Tile } from '../ipc/bindings'

const plugins = [ElementPlus, i18n]

describe('ActionError', () => {
  it('shows the core message and keeps the code', () => {
    const w = mount(ActionError, {
      props: { error: { code: 'rule.stage.one_step', message: '户 DX4-001 当前「已签约」，下一阶段应为「已腾空交房」' }, testid: 'stage-error' },
      global: { plugins },
    })
    const el = w.get('[data-testid="stage-error"]')
    expect(el.text()).toContain('下一阶段应为「已腾空交房」')
    expect(el.attributes('data-code')).toBe('rule.stage.one_step')
  })
  it('renders nothing without an error', () => {
    const w = mount(ActionError, { props: { error: null }, global: { plugins } })
    expect(w.find('.el-alert').exists()).toBe(false)
  })
})

describe('ReasonForm', () => {
  const base = { title: '调整「水井」', testid: 'f', reasonPlaceholder: '原因', saveLabel: '保存', busy: false }
  it('sends the value and the reason as typed, starting from the given ones', async () => {
    const w = mount(ReasonForm, { props: { ...base, valuePlaceholder: '调整额', initialValue: '-200.00', initialReason: '核减' }, global: { plugins } })
    expect((w.get('input[data-testid="f-value"]').element as HTMLInputElement).value).toBe('-200.00')
    await w.get('input[data-testid="f-value"]').setValue('-300')
    await w.get('input[data-testid="f-reason"]').setValue('井已填埋')
    await w.get('[data-testid="f-save"]').trigger('click')
    expect(w.emitted('save')).toEqual([['-300', '井已填埋']])
  })
  it('asks only for a reason when there is no value to type', async () => {
    const w = mount(ReasonForm, { props: base, global: { plugins } })
    expect(w.find('input[data-testid="f-value"]').exists()).toBe(false)
    await w.get('[data-testid="f-save"]').trigger('click')
    expect(w.emitted('save')).toEqual([['', '']])
  })
})

describe('StageTag', () => {
  it('names the stage in Chinese by default', () => {
    const w = mount(StageTag, { props: { stage: 'vacated' }, global: { plugins } })
    expect(w.text()).toBe('已腾空交房')
    expect(w.attributes('data-stage')).toBe('vacated')
  })
})

const stages: Stage[] = ['signed', 'vacated', 'demolished']
const tiles: Tile[] = Array.from({ length: 120 }, (_, i) => ({
  id: `id-${i}`,
  number: `DX4-${String(i + 1).padStart(3, '0')}`,
  head_name: `户主${i}`,
  group_name: i < 60 ? '一组' : '二组',
  stage: stages[i % 3],
  difficulty: null,
  concerns: i % 10 === 0 ? ['安置房源'] : [],
  open_obstacles: i === 5 ? 2 : 0,
  unpaid_items: i % 7 === 0 ? 1 : 0,
  overdue_follow_up: false,
}))
const board: Board = { as_of: '2022-08-15', tiles, groups: ['一组', '二组'], concern_tags: ['安置房源'] }

vi.mock('../ipc/api', () => ({
  api: { board: vi.fn(async () => board) },
  toWireError: (e: unknown) => e,
}))
vi.mock('../store', () => ({ store: { changes: 0 }, projectId: () => 'p1' }))
vi.mock('vue-router', () => ({ useRouter: () => ({ push: vi.fn() }) }))

/** The wall's size as a browser would lay it out (jsdom has no layout: every size is 0). */
function wallSize(width: number, height: number) {
  vi.spyOn(HTMLElement.prototype, 'clientWidth', 'get').mockReturnValue(width)
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(height)
}

describe('Board', () => {
  afterEach(() => vi.restoreAllMocks())

  it('shows every household as a tile with a legend of counts, and filters by stage', async () => {
    wallSize(1200, 800)
    const Board = (await import('../views/Board.vue')).default
    const w = mount(Board, { global: { plugins } })
    await flushPromises()
    expect(w.findAll('[data-testid^="tile-"]')).toHaveLength(120)
    expect(w.get('[data-testid="legend-vacated"]').attributes('data-value')).toBe('40')
    expect(w.get('[data-testid="tile-DX4-006"] .b-obs').text()).toBe('2')
    await w.get('[data-testid="legend-vacated"]').trigger('click')
    expect(w.findAll('[data-testid^="tile-"]')).toHaveLength(40)
    expect(w.get('[data-testid="board-shown"]').text()).toContain('40')
  })

  it('draws only the rows in view (and a few around them)', async () => {
    wallSize(1200, 40)
    const Board = (await import('../views/Board.vue')).default
    const w = mount(Board, { global: { plugins } })
    await flushPromises()
    const drawn = w.findAll('[data-testid^="tile-"]').length
    expect(drawn).toBeGreaterThan(0)
    expect(drawn).toBeLessThan(120)
    expect(w.get('[data-testid="board-shown"]').text()).toContain('120')
  })
})
