import type { PoleStatus } from '../ipc/bindings'

/** Pole marker colours per status: red while it stands in the way, green once moved. The
 *  printed map uses the same (src/map/view.rs `pole_colour`; a core test keeps them equal). */
export const POLE_COLORS: Record<PoleStatus, string> = {
  not_applied: '#dc2626',
  applied: '#f97316',
  scheduled: '#eab308',
  relocated: '#16a34a',
}
