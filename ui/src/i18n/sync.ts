// The words of the 同步 (sync) screen, under `sync.` in the app's messages.
export const zh = {
  title: '同步', hint: '各台电脑离线工作，通过数据包文件或共享文件夹(U 盘、网络共享）合并；任何修改都不会被悄悄覆盖。',
  me: '本机', folder: '同步文件夹', noFolder: '尚未选择', chooseFolder: '选择文件夹…', syncNow: '立即同步',
  bundle: '数据包', exportUnseen: '导出数据包…', exportFull: '导出完整数据包…', importBundle: '导入数据包…',
  fullHint: '新电脑加入项目时，请导入完整数据包',
  peers: '其他电脑', lastSeen: '最近一次', neverSeen: '还没有收到其他电脑的数据',
  cameIn: '收到的数据', from: '来自', newOps: '新操作 {n} 条：走访 {v} 次，其他修改 {c} 项', known: '已有 {n} 条', conflictsNew: '新冲突 {n} 个', joined: '本机已加入该项目',
  refused: '未导入', heldBack: '{n} 条操作未合并', exported: '已写出 {n} 条操作到 {p}',
  conflicts: '待处理的冲突', noConflicts: '没有待处理的冲突', field: '字段', showing: '当前显示', keepA: '保留 A', keepB: '保留 B', newValue: '填写新值', save: '保存',
  sideA: 'A', sideB: 'B', device: '设备',
  rule: '违反规则', violationsNew: '违反规则 {n} 处', ruleSideA: '规则据以约束的一方', ruleSideB: '按规则本会被拒绝的一方',
  fields: { number: '户号', phone: '联系电话', head_name: '户主', address: '地址', strategy: '研判策略', difficulty: '难度', stage: '阶段', concerns: '关注事项', status: '状态', amount: '金额' },
}
export const en: typeof zh = {
  title: 'Sync', hint: 'Each laptop works offline; merge through bundle files or a shared folder (USB stick, network share). Nothing is overwritten silently.',
  me: 'This laptop', folder: 'Sync folder', noFolder: 'not chosen yet', chooseFolder: 'Choose folder…', syncNow: 'Sync now',
  bundle: 'Bundle', exportUnseen: 'Export bundle…', exportFull: 'Export full bundle…', importBundle: 'Import bundle…',
  fullHint: 'A new laptop joins the project by importing a full bundle',
  peers: 'Other laptops', lastSeen: 'last seen', neverSeen: 'Nothing received from other laptops yet',
  cameIn: 'What came in', from: 'from', newOps: '{n} new operations: {v} visits, {c} other changes', known: '{n} already here', conflictsNew: '{n} new conflicts', joined: 'this laptop joined the project',
  refused: 'Refused', heldBack: '{n} operations not merged', exported: 'Wrote {n} operations to {p}',
  conflicts: 'Conflicts to review', noConflicts: 'No conflicts to review', field: 'Field', showing: 'showing', keepA: 'Keep A', keepB: 'Keep B', newValue: 'New value', save: 'Save',
  sideA: 'A', sideB: 'B', device: 'device',
  rule: 'Rule broken', violationsNew: '{n} rules broken', ruleSideA: 'the change the rule holds against', ruleSideB: 'the change the rule would have refused',
  fields: { number: 'Number', phone: 'Phone', head_name: 'Head', address: 'Address', strategy: 'Strategy', difficulty: 'Difficulty', stage: 'Stage', concerns: 'Concerns', status: 'Status', amount: 'Amount' },
}
