// 成员与设备 (src-tauri/src/members.rs → jingdi::admission): this laptop's join request, the
// project's admitted laptops and their roles, admitting and revoking (the 指挥部 laptop).
import { call } from './call'
import type * as T from './bindings'

export const members = {
  list: (project: string) => call<T.MembersView>('members', { project }),
  joinRequest: () => call<T.JoinRequest>('join_request', {}),
  admit: (project: string, input: T.AdmitInput) => call<T.Member>('admit_member', { project, input }),
  revoke: (project: string, device: string, reason: string) => call<T.Member>('revoke_member', { project, device, reason }),
  /** What this laptop may do in the project (the core derives it from its roles table). */
  capabilities: (project: string) => call<T.Capabilities>('capabilities', { project }),
}
