// The words of the compensation screens (standards page, household section, fairness list),
// Chinese and English in one place; `fmt` fills {placeholders}.
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'

const ZH = {
  nav: '补偿标准',
  // standards page
  title: '补偿标准', lead: '本地块的补偿单价表。修改标准即发布新版本;已确认补偿的户保留确认时所用的版本。',
  version: '第 {v} 版', effective: '自 {d} 起施行', inForce: '现行', publishedBy: '发布人', usage: '{n} 户在用,其中 {m} 户已确认锁定',
  none: '本项目尚未发布补偿标准。请填写单价并发布第 1 版,然后重新计算各户补偿。',
  newVersion: '发布新版本', firstVersion: '制定补偿标准', recalcAll: '按标准重新计算全部户',
  recalcDone: '已计算 {h} 户:新增 {c} 项,更新 {u} 项,未变 {s} 项,已确认/已支付保持不变 {l} 项,不再适用置零 {v} 项',
  housePrices: '房屋价值(元/m²,按结构)', structure: '结构类型', pricePerM2: '元/m²',
  relocation: '搬迁费(元/m²/次)', relocationHint: '产权调换计两次(搬出、回迁)',
  tempFee: '临时安置费(元/m²/月)', monthsMonetary: '货币补偿(月)', monthsSwap: '产权调换(月)',
  tiers: '签约奖励(按签约日期分档)', tierLabel: '档次', until: '签约不晚于', amount: '金额(元)',
  handover: '按期交房奖励', handoverBy: '交房不晚于', subsidies: '特殊困难补助', circumstance: '情形',
  minimum: '保底补偿(元)', catalogue: '地上附着物及青苗目录', code: '代码', name: '名称', unit: '单位', unitPrice: '单价(元)',
  addRow: '添加一行', remove: '删除', effectiveOn: '施行日期', note: '说明(如调整依据)', publish: '发布', editorTitle: '发布补偿标准第 {v} 版',
  editorHint: '从上一版复制而来,改好后发布;发布后不可修改,只能再发布新版本。单价为零将被拒绝。',
  editorHintFirst: '列出了常见的结构类型和附着物,请逐项填写单价(不适用的行可删除);发布后不可修改,只能再发布新版本。',
  // household section
  section: '补偿结算', usingVersion: '按补偿标准第 {v} 版(自 {d} 起施行)', noStandard: '尚无适用的补偿标准',
  pending: '户情况或标准已变化,有 {n} 项测算金额待更新', recalc: '重新计算', confirmAll: '全部确认',
  item: '补偿项目', formula: '计算式', manual: '手工录入', adjusted: '调整', adjustedBy: '调整人', status: '状态',
  adjust: '调整', confirm: '确认', pay: '支付', locked: '已锁定',
  unconfirm: '撤销确认', unconfirmTitle: '撤销「{l}」的确认', unconfirmReason: '撤销原因(必填,如协议重新谈判)',
  adjustTitle: '调整「{l}」', adjustBy: '调整额(元,可为负,0 取消调整)', adjustReason: '调整原因(必填)',
  payTitle: '登记支付「{l}」', paidOn: '支付日期', voucher: '凭证号', payee: '收款人', payAmount: '支付金额(元,可不填)',
  confirmedOn: '确认于 {d}', paidOnShort: '支付于 {d}',
  total: '合计(小写)', capitals: '合计(大写)', estimated: '测算', confirmedSum: '已确认', paidSum: '已支付', unpaidSum: '确认未付',
  agreementAmount: '协议金额', agrees: '与结算合计一致', differs: '与结算合计不符,相差 {d}', noAgreementAmount: '协议金额尚未录入',
  setAgreement: '录入协议金额', appraisal: '评估价值', appraisalHint: '录入后房屋价值按评估价值计算;清空则按结构单价', setAppraisal: '录入评估价值',
  amountPh: '金额(元)', reasonPh: '原因或依据', save: '保存',
  inventory: '地上附着物及青苗清点', kind: '种类', quantity: '数量', owner: '权属人', surveyedOn: '清点日期', surveyor: '清点人',
  noInventory: '尚未清点', addInventory: '登记清点', ownerPh: '非本户所有时填写', quantityPh: '数量',
  correct: '更正', withdraw: '撤销', withdrawn: '已撤销', correctTitle: '更正「{n}」', newQuantity: '新数量(留空则撤销此条)',
  needStandard: '发布补偿标准后才能清点附着物',
  // fairness list
  fairness: '阳光征迁复核清单', fairnessLead: '公示前逐户复核:单价偏离标准、手工调整与录入、奖励不符档次、协议金额与结算不符。',
  threshold: '偏离阈值', checked: '核查 {n} 户,需复核 {m} 户', household: '户号', head: '户主', issue: '类别', detail: '说明', deviation: '金额',
  allClear: '没有需要复核的户',
}

const EN: typeof ZH = {
  nav: 'Standards',
  title: 'Compensation standards', lead: 'The unit prices of this plot. Changing them publishes a new version; households already confirmed keep the version they were confirmed under.',
  version: 'Version {v}', effective: 'effective {d}', inForce: 'In force', publishedBy: 'Published by', usage: 'used by {n} households, {m} of them confirmed',
  none: 'No standards published yet. Fill in the prices, publish version 1, then recalculate the households.',
  newVersion: 'Publish a new version', firstVersion: 'Set the standards', recalcAll: 'Recalculate every household',
  recalcDone: '{h} households: {c} items created, {u} updated, {s} unchanged, {l} confirmed or paid kept, {v} voided',
  housePrices: 'House value (元/m², by structure)', structure: 'Structure', pricePerM2: '元/m²',
  relocation: 'Relocation fee (元/m² per move)', relocationHint: 'Property swap counts two moves',
  tempFee: 'Temporary resettlement (元/m² per month)', monthsMonetary: 'Monetary (months)', monthsSwap: 'Property swap (months)',
  tiers: 'Signing incentives (by date)', tierLabel: 'Tier', until: 'Signed by', amount: 'Amount (元)',
  handover: 'On-time handover incentive', handoverBy: 'Handed over by', subsidies: 'Special-circumstance subsidies', circumstance: 'Circumstance',
  minimum: 'Minimum payout (元)', catalogue: 'Crops and attachments catalogue', code: 'Code', name: 'Name', unit: 'Unit', unitPrice: 'Price (元)',
  addRow: 'Add a row', remove: 'Remove', effectiveOn: 'Effective on', note: 'Note (basis of the change)', publish: 'Publish', editorTitle: 'Publish version {v}',
  editorHint: 'Copied from the previous version. Once published a version cannot change; publish another. Zero prices are refused.',
  editorHintFirst: 'The usual structures and attachments are listed: fill in every price (remove the rows that do not apply). Once published a version cannot change; publish another.',
  section: 'Compensation', usingVersion: 'Standards version {v} (effective {d})', noStandard: 'No standards apply yet',
  pending: 'Facts or standards changed: {n} estimated items to update', recalc: 'Recalculate', confirmAll: 'Confirm all',
  item: 'Item', formula: 'Formula', manual: 'Entered by hand', adjusted: 'Adjusted', adjustedBy: 'by', status: 'Status',
  adjust: 'Adjust', confirm: 'Confirm', pay: 'Pay', locked: 'Locked',
  unconfirm: 'Unconfirm', unconfirmTitle: 'Take back the confirmation of “{l}”', unconfirmReason: 'Reason (required, e.g. renegotiated)',
  adjustTitle: 'Adjust “{l}”', adjustBy: 'Adjustment (元, may be negative, 0 removes)', adjustReason: 'Reason (required)',
  payTitle: 'Record payment of “{l}”', paidOn: 'Paid on', voucher: 'Voucher', payee: 'Payee', payAmount: 'Amount (元, optional)',
  confirmedOn: 'confirmed {d}', paidOnShort: 'paid {d}',
  total: 'Total', capitals: 'Total in words', estimated: 'Estimated', confirmedSum: 'Confirmed', paidSum: 'Paid', unpaidSum: 'Confirmed, unpaid',
  agreementAmount: 'Agreement amount', agrees: 'agrees with the settlement', differs: 'differs from the settlement by {d}', noAgreementAmount: 'No agreement amount yet',
  setAgreement: 'Set agreement amount', appraisal: 'Appraised value', appraisalHint: 'Replaces area × structure price; clear it to go back', setAppraisal: 'Set appraised value',
  amountPh: 'Amount (元)', reasonPh: 'Reason or basis', save: 'Save',
  inventory: 'Crops and attachments', kind: 'Kind', quantity: 'Quantity', owner: 'Owner', surveyedOn: 'Surveyed', surveyor: 'Surveyor',
  noInventory: 'Nothing surveyed yet', addInventory: 'Record', ownerPh: 'If not the household’s', quantityPh: 'Quantity',
  correct: 'Correct', withdraw: 'Withdraw', withdrawn: 'Withdrawn', correctTitle: 'Correct “{n}”', newQuantity: 'New quantity (empty withdraws the line)',
  needStandard: 'Publish standards before surveying attachments',
  fairness: 'Fairness review (阳光征迁)', fairnessLead: 'Reviewed before publication: per-m² deviations, manual adjustments and items, incentives outside their tier, agreement mismatches.',
  threshold: 'Threshold', checked: '{n} households checked, {m} to review', household: 'No.', head: 'Head', issue: 'Issue', detail: 'Detail', deviation: 'Amount',
  allClear: 'Nothing to review',
}

export function fmt(s: string, v: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (_, k) => String(v[k] ?? ''))
}

/** The compensation words in the current UI language. */
export function useCompText() {
  const { locale } = useI18n()
  return computed(() => (locale.value === 'en' ? EN : ZH))
}

export { ZH as COMP_ZH, EN as COMP_EN }
