// The words of the 全区总览 (district overview) screen, under `district.` in the app's messages.
export const zh = {
  title: '全区总览',
  hint: '本机数据库中的每个地块（通过同步中心订阅的项目也在其中）：签约率、净地进度、补偿确认与支付、未解决问题、对照各项期限的进度。',
  export: '导出 Excel…', exported: '已导出 {n} 个地块到 {p}', open: '打开文件', empty: '本机还没有地块',
  plots: '地块', households: '户数', signed: '已签约', signingRate: '签约率', demolished: '已拆除', clearanceRate: '净地进度',
  confirmed: '已确认补偿', paid: '已支付', obstacles: '未解决问题', overdue: '逾期', asOf: '截至',
  signingPace: '签约进度', clearancePace: '净地进度预计', deadline: '期限', noDeadline: '未定',
  total: '合计', behind: '进度落后的地块', units: '未解决问题（按责任单位）', unit: '责任单位', openCount: '未解决',
  pace: { done: '已完成', stalled: '近 7 天无进展', early: '预计提前 {n} 天', late: '预计延误 {n} 天', on: '预计 {d} 完成' },
}
export const en: typeof zh = {
  title: 'District overview',
  hint: 'Every plot in this database (including projects subscribed through the hub): signing, clearance, compensation confirmed and paid, open obstacles, pace against each deadline.',
  export: 'Export Excel…', exported: 'Exported {n} plots to {p}', open: 'Open file', empty: 'No plots on this laptop yet',
  plots: 'Plots', households: 'Households', signed: 'Signed', signingRate: 'Signing rate', demolished: 'Demolished', clearanceRate: 'Clearance',
  confirmed: 'Confirmed', paid: 'Paid', obstacles: 'Open obstacles', overdue: 'overdue', asOf: 'As of',
  signingPace: 'Signing pace', clearancePace: 'Clearance pace', deadline: 'Deadline', noDeadline: 'not set',
  total: 'Total', behind: 'Plots behind schedule', units: 'Open obstacles by responsible unit', unit: 'Responsible unit', openCount: 'Open',
  pace: { done: 'done', stalled: 'no progress in 7 days', early: '{n} days early', late: '{n} days late', on: 'expected {d}' },
}
