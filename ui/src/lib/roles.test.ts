import { describe, expect, it } from 'vitest'
import type { Capabilities, EntityGrant } from '../ipc/bindings'
import { i18n } from '../i18n'
import { grantOf, neededRoles, whyNot } from './roles'

const t = (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {}, { locale: 'zh-CN' })
const en = (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {}, { locale: 'en' })

// What the core answers for a 组长 laptop (as `admission::capabilities` builds it).
const entity = (e: EntityGrant['entity'], may: boolean, roles: EntityGrant['roles']): EntityGrant => ({ entity: e, may, roles })
const leader: Capabilities = {
  project_id: 'p',
  standing: 'admitted',
  role: 'field',
  entities: [entity('visit', true, ['command', 'field']), entity('meeting', false, ['command', 'supervisor']), entity('compensation_standard', false, ['command'])],
  confirm: { may: false, roles: ['command', 'finance'] },
  pay: { may: false, roles: ['command', 'finance'] },
  admit: { may: false, roles: ['command'] },
}

describe('what this laptop may do, in words', () => {
  it('says nothing where the laptop may, or while the core has not answered', () => {
    expect(whyNot(leader, 'visit', t)).toBeNull()
    expect(whyNot(null, 'pay', t)).toBeNull()
    // an entity the answer does not list is left to the core's judgement
    expect(whyNot(leader, 'pole', t)).toBeNull()
  })

  it('names the role needed, from the grant the core sent', () => {
    expect(whyNot(leader, 'pay', t)).toBe('需要财务角色')
    expect(whyNot(leader, 'confirm', en)).toBe('Needs the Finance role')
    expect(whyNot(leader, 'meeting', t)).toBe('需要督导角色')
    expect(whyNot(leader, 'compensation_standard', t)).toBe('需要指挥部角色')
    expect(neededRoles({ may: false, roles: ['command', 'field', 'finance'] })).toEqual(['field', 'finance'])
    expect(whyNot({ ...leader, confirm: { may: false, roles: ['command', 'field', 'finance'] } }, 'confirm', t)).toBe('需要组长/工作人员或财务角色')
  })

  it('says why a laptop not admitted, revoked, or without the key may not', () => {
    expect(whyNot({ ...leader, standing: 'not_admitted', role: null }, 'pay', t)).toBe(t('members.deniedNotAdmitted'))
    expect(whyNot({ ...leader, standing: 'revoked', role: null }, 'meeting', t)).toBe(t('members.deniedRevoked'))
    expect(whyNot({ ...leader, role: 'command' }, 'admit', t)).toBe(t('members.deniedKey'))
    expect(grantOf(leader, 'admit')).toEqual({ may: false, roles: ['command'] })
  })
})
