// What this laptop may do, as the core says (`admission::capabilities`, loaded once per
// project into the store): the screens hide or disable the rest and name the role needed.
// No rule lives here: which role may do what comes from the core's roles table.
import type { Capabilities, Grant, Role } from '../ipc/bindings'

/** An action a screen asks about: writing a kind of record, or a step with a grant of its own. */
export type Ask = Capabilities['entities'][number]['entity'] | 'confirm' | 'pay' | 'admit'

export function grantOf(c: Capabilities | null, ask: Ask): Grant | null {
  if (!c) return null
  if (ask === 'confirm' || ask === 'pay' || ask === 'admit') return c[ask]
  return c.entities.find((g) => g.entity === ask) ?? null
}

/** The roles to name: those besides 指挥部 (which may do everything), else 指挥部. */
export function neededRoles(g: Grant): Role[] {
  const others = g.roles.filter((r) => r !== 'command')
  return others.length ? others : ['command']
}

type T = (key: string, values?: Record<string, unknown>) => string

/** Why this laptop may not do `ask`, in words; null when it may (or while not known: the
 *  core judges every write anyway). */
export function whyNot(c: Capabilities | null, ask: Ask, t: T): string | null {
  const g = grantOf(c, ask)
  if (!c || !g || g.may) return null
  if (c.standing === 'not_admitted') return t('members.deniedNotAdmitted')
  if (c.standing === 'revoked') return t('members.deniedRevoked')
  if (ask === 'admit' && c.role === 'command') return t('members.deniedKey')
  const roles = neededRoles(g).map((r) => t(`members.roles.${r}`))
  return t('members.needs', { roles: roles.join(t('members.or')) })
}
