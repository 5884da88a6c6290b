// 成员与设备 (views/Members.vue): the `members.` namespace.

export const zh = {
  title: '成员与设备',
  open: '本项目尚未启用设备准入：所有笔记本都可以写入全部内容。指挥部电脑准入第一台笔记本时启用。',
  closed: '本项目已启用设备准入：只有准入的笔记本可以写入，且只能写入其角色允许的内容。',
  ownerHere: '本机是指挥部电脑(持有项目密钥)，可以准入和撤销笔记本。',
  myRole: '本机角色：{role}',
  notAdmitted: '本机尚未被准入本项目：请把下方的申请码发给指挥部。',
  request: '本机的入组申请码', requestHint: '发给指挥部，由其在本页(或 jingdi project admit)准入', device: '设备号',
  list: '准入的笔记本', none: '还没有准入的笔记本',
  name: '名称', role: '角色', valid: '有效期', state: '状态', forever: '长期', active: '有效', thisOne: '本机',
  revoked: '已撤销(第 {n} 号操作之后)：{reason}',
  admitTitle: '准入笔记本', code: '申请码', codeHint: 'JD1-…，粘贴对方的申请码', until: '有效期至', untilHint: '留空为长期',
  admit: '准入', admitted: '已准入「{name}」，角色：{role}',
  revoke: '撤销', revokeTitle: '撤销「{name}」的准入', reason: '原因', reasonHint: '如：电脑遗失、人员调离',
  revokeNote: '撤销后，该笔记本在本机已收到的操作之后写入的一切都不再被接受。',
  revokedDone: '已撤销「{name}」的准入',
  roles: { command: '指挥部', field: '组长/工作人员', finance: '财务', supervisor: '督导' },
}

export const en: typeof zh = {
  title: 'Members and devices',
  open: 'Admissions are not in effect for this project: every laptop may write everything. They start when the command laptop admits the first laptop.',
  closed: 'Admissions are in effect: only admitted laptops write, and only what their role allows.',
  ownerHere: 'This is the command laptop (it holds the project key): it admits and revokes laptops.',
  myRole: 'This laptop\'s role: {role}',
  notAdmitted: 'This laptop is not admitted to the project: send the code below to the command laptop.',
  request: 'This laptop\'s join request', requestHint: 'Send it to the command laptop, which admits it here (or with jingdi project admit)', device: 'Device',
  list: 'Admitted laptops', none: 'No laptop admitted yet',
  name: 'Name', role: 'Role', valid: 'Valid', state: 'State', forever: 'no end', active: 'Active', thisOne: 'this laptop',
  revoked: 'Revoked (after operation {n}): {reason}',
  admitTitle: 'Admit a laptop', code: 'Request code', codeHint: 'JD1-…, paste the laptop\'s code', until: 'Valid until', untilHint: 'Empty: no end',
  admit: 'Admit', admitted: 'Admitted "{name}" as {role}',
  revoke: 'Revoke', revokeTitle: 'Revoke "{name}"', reason: 'Reason', reasonHint: 'e.g. laptop lost, moved to another post',
  revokeNote: 'After the revocation, nothing this laptop writes after what this laptop already holds of it is accepted.',
  revokedDone: 'Revoked "{name}"',
  roles: { command: 'Command', field: 'Group leader / staff', finance: 'Finance', supervisor: 'Supervisor' },
}
