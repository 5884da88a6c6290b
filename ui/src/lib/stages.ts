import type { ObstacleCategory, Stage } from '../ipc/bindings'

/** The lifecycle in order, for legends and pickers (display only; the core owns the rules). */
export const STAGES: Stage[] = ['registered', 'assessed', 'negotiating', 'signed', 'vacated', 'demolished']

/** Tile and chart colours per stage: cold (not yet signed) to green (demolished). */
export const STAGE_COLORS: Record<Stage, string> = {
  registered: '#94a3b8',
  assessed: '#a78bfa',
  negotiating: '#f59e0b',
  signed: '#3b82f6',
  vacated: '#14b8a6',
  demolished: '#16a34a',
}

/** Concern tags offered as suggestions in the visit log; anything else may be typed. */
export const CONCERN_SUGGESTIONS = ['补偿标准', '安置房源', '老人照料', '子女上学', '经营损失', '家庭矛盾', '产权争议']

/** Obstacle categories in the order pickers offer them. */
export const OBSTACLE_CATEGORIES: ObstacleCategory[] = ['compensation', 'crops', 'poles', 'demolition', 'resettlement', 'ownership', 'other']
