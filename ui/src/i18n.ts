import { createI18n } from 'vue-i18n'

const zh = {
  app: { name: '净地', tagline: '房屋征收项目台账', asOf: '数据截至', operator: '操作人', device: '设备', lang: 'EN', loading: '正在加载…' },
  nav: { dashboard: '总览', board: '挂图作战', visit: '走访登记', obstacles: '问题清单', meeting: '会商', plot: '地块工作', standards: '补偿标准', history: '操作日志', office: '报表与导入', sync: '同步' },
  common: { save: '保存', cancel: '取消', confirm: '确认', search: '搜索', all: '全部', none: '无', today: '今天', reason: '原因', date: '日期', household: '户', households: '户', items: '项', open: '打开', refresh: '刷新', actions: '操作', status: '状态', note: '备注', unit: '责任单位', person: '责任人', due: '期限', overdue: '已逾期', days: '天', back: '返回', edit: '编辑', add: '新增', empty: '暂无数据' },
  welcome: {
    title: '欢迎使用净地',
    lead: '面向街道征迁工作组的房屋征收项目台账:从入户登记到净地交付,每一步都有记录、可追溯。',
    identity: '首先,请告诉我们您是谁',
    identityHint: '操作人将作为每一次修改的记录人;只需填写一次,保存在本机。',
    operator: '操作人姓名', operatorPh: '例如:张组长',
    device: '设备名称', devicePh: '例如:征迁办笔记本-1',
    saveIdentity: '保存并继续',
    choose: '选择开始方式',
    demoTitle: '打开演示地块', demoText: '东星4号地块(泉州市丰泽区城东街道):120 户,签约已全部完成,拆除施工进行中。适合熟悉各项功能。', demoBtn: '打开演示地块',
    newTitle: '新建项目', newText: '登记一个新的征收地块,随后录入工作组与被征收户。', newBtn: '新建项目',
    code: '项目编号', name: '项目名称', city: '市', district: '区', street: '街道', community: '社区', opens: '签约开始', closes: '签约截止', target: '净地目标日期', create: '创建项目',
  },
  dash: {
    signedHouseholds: '已签约户数', signingRate: '户数签约率', areaRate: '面积签约率', deadline: '签约期限', daysLeft: '剩余 {n} 天', daysPast: '已截止 {n} 天', closesOn: '截止于 {d}',
    compensation: '补偿款', confirmed: '已确认', paid: '已支付', unpaidConfirmed: '确认未付', estimated: '测算中',
    curve: '累计签约曲线', stages: '各阶段户数', groups: '动迁组排名', group: '动迁组', leader: '组长', total: '总户数', signed: '已签约', rate: '签约率', demolished: '已拆除', signedArea: '签约面积',
    obstaclesByUnit: '问题按责任单位', openCount: '未解决', overdueCount: '已逾期', followUps: '逾期回访', readiness: '净地条件', readinessHint: '距离净地还差的事项,点击查看明细', noObstacles: '没有未解决的问题',
    cumulative: '累计签约', daily: '当日签约', deadlineLine: '签约截止',
  },
  board: { groupBy: '排列', byGroup: '按动迁组', byNumber: '按户号', group: '动迁组', stage: '阶段', concern: '关注事项', difficulty: '难度', legend: '图例', badgeObstacle: '未解决问题', badgeUnpaid: '未支付补偿', badgeFollowUp: '回访逾期', shown: '显示 {n} / {total} 户', clear: '清除筛选' },
  hh: {
    facts: '基本情况', head: '户主', phone: '联系电话', address: '地址', members: '家庭人口', special: '特殊情况', floorArea: '房屋面积', landArea: '占地面积', structure: '结构', group: '动迁组', concerns: '关注事项',
    assessment: '研判', difficulty: '难度', strategy: '策略', saveAssessment: '保存研判',
    timeline: '阶段进程', changeStage: '变更阶段', to: '变更为', on: '日期', reasonPh: '退回或解锁时必须填写原因', apply: '确认变更',
    agreement: '签约协议', agreementNo: '协议编号', agreementDate: '签约日期', mode: '补偿方式', signedArea: '签约面积',
    amount: '金额',
    visits: '走访记录', logVisit: '记一次走访', obstacles: '问题', addObstacle: '新增问题', resolve: '解决', by: '记录人', noVisits: '还没有走访记录',
  },
  visit: {
    title: '走访登记', find: '户号或户主姓名', findPh: '输入户号或姓名,回车选中第一项', kind: '方式', outcome: '走访情况', outcomePh: '家庭态度、谈了什么', concerns: '关注事项', concernsPh: '选择或输入后回车', promises: '承诺事项', nextStep: '下一步', followUp: '回访日期', save: '保存走访(Ctrl+Enter)', saved: '已保存 {n} 户的走访记录', recent: '本次登记', when: '时间', visitors: '走访人', pick: '请先选择一户', keyboard: '全程可用键盘:Tab 切换,回车选择,Ctrl+Enter 保存',
  },
  obs: { title: '问题清单', filterStatus: '状态', onlyOpen: '未解决', onlyOverdue: '已逾期', all: '全部', category: '类别', resolveTitle: '解决问题', resolution: '处理结果', resolutionPh: '写明如何解决的', raised: '提出日期', blocks: '阻止进入', add: '新增问题', titleField: '问题', household: '涉及户号', resolvedOn: '解决于', count: '{open} 项未解决,其中 {overdue} 项逾期' },
  meet: { title: '会商准备', since: '自', sinceHint: '默认从上次会商日期起', newlySigned: '新签约', vacated: '腾空交房', demolished: '拆除', advanced: '其他推进', reverted: '退回', opened: '新增问题', resolved: '已解决问题', visits: '走访', payments: '支付', overdueByOwner: '逾期事项(按责任单位)', needDecision: '需要会商决定的事项', record: '记录本次会商', heldOn: '会商日期', attendees: '参会人员', attendeesPh: '输入姓名后回车', decisions: '会商决定', decisionText: '决定内容', linkObstacle: '关联问题', owner: '落实单位', addDecision: '添加决定', notes: '纪要', save: '保存会商记录', history: '历次会商', ops: '操作人统计', nothing: '无' },
  plot: { title: '地块工作', poles: '杆线迁移', label: '编号', kind: '类型', owner: '产权单位', location: '位置', statusOn: '状态日期', days: '拆除日志', machines: '机械(台)', workers: '人员(人)', demolished: '拆除户数', progress: '每日拆除进度', cumulative: '累计拆除', checklist: '净地清单', done: '完成', setStatus: '改为' },
  hist: { title: '操作日志', author: '操作人', household: '户号', since: '起始日期', when: '时间', what: '修改内容', entity: '对象', action: '动作', reason: '原因', count: '共 {n} 条' },
  action: { create: '新建', update: '修改', append: '追加' },
  entity: { project: '项目', staff: '人员', work_group: '动迁组', household: '被征收户', stage_event: '阶段变更', compensation_item: '补偿项', visit: '走访', obstacle: '问题', pole: '杆线', demolition_log: '拆除日志', checklist_item: '净地清单', meeting: '会商' },
  stage: { registered: '已登记', assessed: '已评估', negotiating: '协商中', signed: '已签约', vacated: '已腾空交房', demolished: '已拆除' },
  difficulty: { easy: '易', medium: '中', hard: '难' },
  mode: { monetary: '货币补偿', property_swap: '产权调换' },
  visitKind: { door: '上门', phone: '电话', interview: '约谈' },
  category: { compensation: '补偿', crops: '附着物青苗', poles: '杆线迁移', demolition: '拆除施工', resettlement: '安置', ownership: '产权', other: '其他' },
  obstacleStatus: { open: '待处理', in_progress: '处理中', resolved: '已解决' },
  compKind: { house_value: '房屋价值补偿', relocation: '搬迁费', temporary_resettlement: '临时安置费', incentive: '奖励', crops: '地上附着物及青苗', other: '其他' },
  payStatus: { estimated: '测算', confirmed: '已确认', paid: '已支付' },
  poleKind: { power: '电力杆', telecom: '通信杆' },
  poleStatus: { not_applied: '待申请', applied: '已申请', scheduled: '已排期', relocated: '已迁移' },
  checklist: { debris: '建筑垃圾清运', dust_net: '防尘网覆盖', water_cut_off: '断水', power_cut_off: '断电', other: '其他' },
  clearance: { household_not_demolished: '未拆除', house_photo_missing: '缺拆除前房屋照片', unpaid_compensation: '补偿未支付', pole_not_relocated: '杆线未迁移', open_obstacle: '问题未解决', checklist_open: '净地清单未完成' },
  projectStatus: { preparing: '前期准备', signing: '签约中', demolishing: '拆除中', cleared: '已净地' },
}

type Messages = typeof zh

const en: Messages = {
  app: { name: 'Jingdi', tagline: 'Housing expropriation ledger', asOf: 'As of', operator: 'Operator', device: 'Device', lang: '中文', loading: 'Loading…' },
  nav: { dashboard: 'Dashboard', board: 'Board', visit: 'Visit log', obstacles: 'Obstacles', meeting: 'Meeting', plot: 'Plot work', standards: 'Standards', history: 'History', office: 'Office files', sync: 'Sync' },
  common: { save: 'Save', cancel: 'Cancel', confirm: 'Confirm', search: 'Search', all: 'All', none: 'None', today: 'Today', reason: 'Reason', date: 'Date', household: 'household', households: 'households', items: 'items', open: 'Open', refresh: 'Refresh', actions: 'Actions', status: 'Status', note: 'Note', unit: 'Responsible unit', person: 'Person', due: 'Due', overdue: 'Overdue', days: 'days', back: 'Back', edit: 'Edit', add: 'Add', empty: 'Nothing here' },
  welcome: {
    title: 'Welcome to Jingdi',
    lead: 'The case ledger of a housing-expropriation project, from registration to cleared land, every step recorded.',
    identity: 'First, who are you?', identityHint: 'The operator is recorded as author of every change; asked once and kept on this computer.',
    operator: 'Operator name', operatorPh: 'e.g. Team leader Zhang', device: 'Device name', devicePh: 'e.g. Office laptop 1', saveIdentity: 'Save and continue',
    choose: 'How would you like to start?',
    demoTitle: 'Open the demo plot', demoText: 'Dongxing plot 4 (Quanzhou): 120 households, all signed, demolition under way. A good way to explore.', demoBtn: 'Open the demo',
    newTitle: 'New project', newText: 'Register a new plot, then its work groups and households.', newBtn: 'New project',
    code: 'Code', name: 'Name', city: 'City', district: 'District', street: 'Street', community: 'Community', opens: 'Signing opens', closes: 'Signing deadline', target: 'Cleared-land target', create: 'Create project',
  },
  dash: {
    signedHouseholds: 'Households signed', signingRate: 'Signing rate', areaRate: 'Area signed', deadline: 'Deadline', daysLeft: '{n} days left', daysPast: 'closed {n} days ago', closesOn: 'closes {d}',
    compensation: 'Compensation', confirmed: 'Confirmed', paid: 'Paid', unpaidConfirmed: 'Confirmed, unpaid', estimated: 'Estimated',
    curve: 'Cumulative signing', stages: 'Households per stage', groups: 'Work groups ranked', group: 'Group', leader: 'Leader', total: 'Total', signed: 'Signed', rate: 'Rate', demolished: 'Demolished', signedArea: 'Signed area',
    obstaclesByUnit: 'Obstacles by unit', openCount: 'Open', overdueCount: 'Overdue', followUps: 'Overdue follow-ups', readiness: 'Cleared-land readiness', readinessHint: 'What still stands between now and cleared land; click for details', noObstacles: 'No open obstacles',
    cumulative: 'Cumulative', daily: 'Signed that day', deadlineLine: 'Deadline',
  },
  board: { groupBy: 'Layout', byGroup: 'By group', byNumber: 'By number', group: 'Group', stage: 'Stage', concern: 'Concern', difficulty: 'Difficulty', legend: 'Legend', badgeObstacle: 'Open obstacles', badgeUnpaid: 'Unpaid items', badgeFollowUp: 'Overdue follow-up', shown: '{n} of {total} shown', clear: 'Clear filters' },
  hh: {
    facts: 'Facts', head: 'Head', phone: 'Phone', address: 'Address', members: 'Members', special: 'Special', floorArea: 'Floor area', landArea: 'Land area', structure: 'Structure', group: 'Group', concerns: 'Concerns',
    assessment: 'Assessment', difficulty: 'Difficulty', strategy: 'Strategy', saveAssessment: 'Save assessment',
    timeline: 'Stages', changeStage: 'Change stage', to: 'To', on: 'On', reasonPh: 'Required for reverting or unlocking', apply: 'Apply',
    agreement: 'Agreement', agreementNo: 'Number', agreementDate: 'Signed on', mode: 'Mode', signedArea: 'Signed area',
    amount: 'Amount',
    visits: 'Visits', logVisit: 'Log a visit', obstacles: 'Obstacles', addObstacle: 'Add obstacle', resolve: 'Resolve', by: 'By', noVisits: 'No visits yet',
  },
  visit: {
    title: 'Quick visit log', find: 'Number or name', findPh: 'Type a number or name, Enter picks the first', kind: 'Kind', outcome: 'Outcome', outcomePh: 'Attitude, what was discussed', concerns: 'Concerns', concernsPh: 'Pick or type and press Enter', promises: 'Promises', nextStep: 'Next step', followUp: 'Follow up on', save: 'Save visit (Ctrl+Enter)', saved: 'Visit to {n} saved', recent: 'Logged now', when: 'When', visitors: 'Visitors', pick: 'Pick a household first', keyboard: 'Keyboard only: Tab moves, Enter picks, Ctrl+Enter saves',
  },
  obs: { title: 'Obstacles', filterStatus: 'Status', onlyOpen: 'Open', onlyOverdue: 'Overdue', all: 'All', category: 'Category', resolveTitle: 'Resolve obstacle', resolution: 'Resolution', resolutionPh: 'How it was resolved', raised: 'Raised', blocks: 'Blocks', add: 'Add obstacle', titleField: 'Obstacle', household: 'Household', resolvedOn: 'Resolved', count: '{open} open, {overdue} overdue' },
  meet: { title: 'Meeting prep', since: 'Since', sinceHint: 'Defaults to the last meeting', newlySigned: 'Newly signed', vacated: 'Handed over', demolished: 'Demolished', advanced: 'Other moves', reverted: 'Reverted', opened: 'Obstacles opened', resolved: 'Obstacles resolved', visits: 'Visits', payments: 'Payments', overdueByOwner: 'Overdue by owner', needDecision: 'Needing a decision', record: 'Record this meeting', heldOn: 'Held on', attendees: 'Attendees', attendeesPh: 'Type a name, Enter', decisions: 'Decisions', decisionText: 'Decision', linkObstacle: 'Obstacle', owner: 'Owner', addDecision: 'Add decision', notes: 'Notes', save: 'Save meeting', history: 'Past meetings', ops: 'Changes by author', nothing: 'None' },
  plot: { title: 'Plot work', poles: 'Utility poles', label: 'Label', kind: 'Kind', owner: 'Owner unit', location: 'Location', statusOn: 'Since', days: 'Demolition log', machines: 'Machines', workers: 'Workers', demolished: 'Demolished', progress: 'Daily demolition', cumulative: 'Cumulative', checklist: 'Cleared-land checklist', done: 'Done', setStatus: 'Set to' },
  hist: { title: 'History', author: 'Author', household: 'Household', since: 'Since', when: 'When', what: 'Change', entity: 'Record', action: 'Action', reason: 'Reason', count: '{n} entries' },
  action: { create: 'created', update: 'changed', append: 'added' },
  entity: { project: 'Project', staff: 'Staff', work_group: 'Work group', household: 'Household', stage_event: 'Stage change', compensation_item: 'Compensation', visit: 'Visit', obstacle: 'Obstacle', pole: 'Pole', demolition_log: 'Demolition log', checklist_item: 'Checklist', meeting: 'Meeting' },
  stage: { registered: 'Registered', assessed: 'Assessed', negotiating: 'Negotiating', signed: 'Signed', vacated: 'Handed over', demolished: 'Demolished' },
  difficulty: { easy: 'Easy', medium: 'Medium', hard: 'Hard' },
  mode: { monetary: 'Monetary', property_swap: 'Property swap' },
  visitKind: { door: 'Door', phone: 'Phone', interview: 'Interview' },
  category: { compensation: 'Compensation', crops: 'Crops', poles: 'Poles', demolition: 'Demolition', resettlement: 'Resettlement', ownership: 'Ownership', other: 'Other' },
  obstacleStatus: { open: 'Open', in_progress: 'In progress', resolved: 'Resolved' },
  compKind: { house_value: 'House value', relocation: 'Relocation', temporary_resettlement: 'Temporary housing', incentive: 'Incentive', crops: 'Crops & attachments', other: 'Other' },
  payStatus: { estimated: 'Estimated', confirmed: 'Confirmed', paid: 'Paid' },
  poleKind: { power: 'Power', telecom: 'Telecom' },
  poleStatus: { not_applied: 'Not applied', applied: 'Applied', scheduled: 'Scheduled', relocated: 'Relocated' },
  checklist: { debris: 'Debris removal', dust_net: 'Dust nets', water_cut_off: 'Water cut off', power_cut_off: 'Power cut off', other: 'Other' },
  clearance: { household_not_demolished: 'Not demolished', house_photo_missing: 'No house photo before demolition', unpaid_compensation: 'Unpaid compensation', pole_not_relocated: 'Poles not moved', open_obstacle: 'Open obstacles', checklist_open: 'Checklist open' },
  projectStatus: { preparing: 'Preparing', signing: 'Signing', demolishing: 'Demolishing', cleared: 'Cleared' },
}

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('jingdi.locale') : null

export const i18n = createI18n({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
})

export function setLocale(l: 'zh-CN' | 'en') {
  i18n.global.locale.value = l
  localStorage.setItem('jingdi.locale', l)
  document.documentElement.lang = l
}

export { zh, en }
