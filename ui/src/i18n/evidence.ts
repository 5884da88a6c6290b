// The words of the evidence screens (a household's 资料 tab, the attach dialog, the viewer, the
// settlement print preview), under `evidence.` in the app's messages.
export const zh = {
  tab: '资料', compTab: '补偿结算',
  kinds: { house_photo: '房屋照片', crops_photo: '青苗/附着物照片', agreement_scan: '协议扫描件', appraisal_report: '评估报告', payment_voucher: '付款凭证', other: '其他' },
  add: '添加资料…', drop: '把照片或文件拖到这里，或点击「添加资料…」', dropHere: '松开鼠标，附加到「{t}」',
  attachTitle: '添加资料', files: '文件', chooseFiles: '选择文件…', noFiles: '还没有选择文件', target: '附于', kind: '类别', note: '说明（可不填）', attach: '附加',
  attached: '已附加 {n} 个文件', empty: '还没有资料', count: '{n} 个文件',
  taken: '拍摄于 {t}', attachedBy: '{who} 于 {t} 附加', noExif: '照片没有拍摄时间', gps: '位置 {lat}, {lon}',
  heic: 'HEIC 照片', heicHint: '本机没有 HEIC 解码库（libheif1），无法生成预览：可「另存为」后用其他程序查看，安装后即可预览', document: '文件', missing: '文件尚未同步到本机', missingHint: '记录已同步，文件还没到：请在「同步」页再同步一次', damaged: '本机文件已损坏，请重新同步',
  withdrawn: '已撤回', withdrawnBy: '{who} 于 {d} 撤回：{r}', withdraw: '撤回', withdrawTitle: '撤回「{f}」', withdrawReason: '撤回原因（必填，文件仍保留备查）',
  saveCopy: '另存为…', saved: '已另存到 {p}', zoomIn: '放大', zoomOut: '缩小', fit: '适合窗口', close: '关闭', sha: 'SHA-256',
  onVisit: '附照片',
  print: '打印结算单', printTitle: '房屋征收补偿结算单', doPrint: '打印', exportWord: '导出 Word', exportSettlement: '补偿结算单', exportNotice: '征收补偿告知书', exportVisits: '入户走访记录表', exported: '已导出到 {p}',
  sign: { household: '被征收人（签字）', team: '征收工作组经办人（签字）', finance: '财务审核人（签字）', date: '日期' },
  col: { no: '序号', item: '补偿项目', formula: '计算方式', amount: '金额（元）', status: '状态' },
  totalFigures: '合计金额（小写）', totalCapitals: '合计金额（大写）', standard: '补偿标准第 {v} 版（自 {d} 起执行）', noStandard: '尚无补偿标准', pendingWarn: '注意：尚有 {n} 项待重新计算，本单数字不是最终数字',
}

export const en: typeof zh = {
  tab: 'Files', compTab: 'Compensation',
  kinds: { house_photo: 'House photos', crops_photo: 'Crops / attachments', agreement_scan: 'Agreement scans', appraisal_report: 'Appraisal reports', payment_voucher: 'Payment vouchers', other: 'Other' },
  add: 'Add files…', drop: 'Drop photos or files here, or click “Add files…”', dropHere: 'Release to attach to “{t}”',
  attachTitle: 'Add files', files: 'Files', chooseFiles: 'Choose files…', noFiles: 'No files chosen yet', target: 'Attach to', kind: 'Kind', note: 'Note (optional)', attach: 'Attach',
  attached: '{n} files attached', empty: 'No files yet', count: '{n} files',
  taken: 'taken {t}', attachedBy: 'attached by {who} on {t}', noExif: 'no time in the photo', gps: 'at {lat}, {lon}',
  heic: 'HEIC photo', heicHint: 'No HEIC decoder (libheif1) on this computer: “Save a copy” to view it elsewhere, or install it to see a preview', document: 'File', missing: 'File not synced yet', missingHint: 'The record arrived, the file not yet: sync again on the Sync page', damaged: 'The file on this computer is damaged: sync again',
  withdrawn: 'Withdrawn', withdrawnBy: 'withdrawn by {who} on {d}: {r}', withdraw: 'Withdraw', withdrawTitle: 'Withdraw “{f}”', withdrawReason: 'Reason (required; the file is kept)',
  saveCopy: 'Save a copy…', saved: 'Saved to {p}', zoomIn: 'Zoom in', zoomOut: 'Zoom out', fit: 'Fit', close: 'Close', sha: 'SHA-256',
  onVisit: 'Add photo',
  print: 'Print settlement', printTitle: 'Compensation settlement sheet', doPrint: 'Print', exportWord: 'Export Word', exportSettlement: 'Settlement sheet', exportNotice: 'Notice of compensation', exportVisits: 'Visit record', exported: 'Saved to {p}',
  sign: { household: 'Household (signature)', team: 'Team officer (signature)', finance: 'Finance (signature)', date: 'Date' },
  col: { no: 'No.', item: 'Item', formula: 'Formula', amount: 'Amount (yuan)', status: 'Status' },
  totalFigures: 'Total (figures)', totalCapitals: 'Total (in words)', standard: 'Standards version {v} (effective {d})', noStandard: 'No standards', pendingWarn: 'Note: {n} items await recalculation; these figures are not final',
}
