// 备份与恢复 (views/Backup.vue) and the damage notice at start (App.vue): the `backup.` namespace.

export const zh = {
    title: '备份与恢复', hint: '备份是数据库在某一时刻的完整副本，应用运行时也可随时备份；恢复会把数据库变回备份时的样子。',
    settings: '设置', folder: '备份文件夹', auto: '自动备份', autoOn: '开启：每天首次使用时、升级数据库结构前、大批量导入或同步合并前', autoOff: '已关闭（jingdi backup auto on 可重新开启）', retention: '保留规则',
    now: '立即备份', other: '从其他文件恢复…', made: '已备份：{name}({size})', list: '备份列表', none: '还没有备份',
    when: '备份时间', kind: '类型', size: '大小', file: '文件名', restore: '恢复',
    kinds: { manual: '手动备份', daily: '每日自动备份', before_migration: '升级前自动备份', before_import: '导入前自动备份', before_merge: '同步合并前自动备份', before_restore: '恢复前保留的原文件' },
    confirmTitle: '确认从备份恢复', from: '备份', current: '当前数据', unreadable: '当前文件无法读取（已损坏），恢复后以备份为准',
    snapshot: '操作日志 {ops} 条，最后修改于 {at}', households: '{code} {name}:{n} 户',
    changes: '恢复后的变化', nothingChanges: '当前数据与备份相同，恢复不会改变任何记录',
    removed: '本机将不再有备份之后的 {n} 条修改（其中本机录入 {own} 条）；其他笔记本已有的，下次同步会合并回来',
    unshared: '其中 {n} 条本机录入的修改还没有其他笔记本确认收到，同步无法找回',
    added: '备份中有 {n} 条当前文件没有的修改，恢复后重新可见', upgrade: '备份的数据库结构较旧，恢复后会自动升级',
    keptAside: '恢复前，当前文件会先完整保存到备份文件夹（“恢复前保留的原文件”），需要时可以再恢复回来。恢复后本机使用新的设备号。',
    understood: '我已了解上述变化', confirm: '确认恢复', done: '已恢复。恢复前的文件保存在 {path}',
    damagedTitle: '数据库文件已损坏', damagedText: '启动检查发现数据库文件有损坏：{verdict}', offer: '最新的完好备份：{when}({size})', offerRestore: '从该备份恢复', noGood: '没有找到完好的备份；请联系技术支持，不要删除数据库文件。',
    dailyFailed: '今天的自动备份未能完成：{message}',
}

export const en: typeof zh = {
    title: 'Backup and restore', hint: 'A backup is a whole copy of the database at one moment, taken even while the app runs; a restore takes the database back to that moment.',
    settings: 'Settings', folder: 'Backup folder', auto: 'Automatic backups', autoOn: 'On: at the first use of a day, before a schema upgrade, before big imports and merges', autoOff: 'Off (jingdi backup auto on turns them on)', retention: 'Kept',
    now: 'Back up now', other: 'Restore from another file…', made: 'Backed up: {name} ({size})', list: 'Backups', none: 'No backups yet',
    when: 'Taken', kind: 'Kind', size: 'Size', file: 'File', restore: 'Restore',
    kinds: { manual: 'Manual', daily: 'Daily', before_migration: 'Before upgrade', before_import: 'Before import', before_merge: 'Before merge', before_restore: 'Kept before a restore' },
    confirmTitle: 'Restore from a backup?', from: 'Backup', current: 'Current data', unreadable: 'The current file cannot be read (damaged); the backup will replace it',
    snapshot: '{ops} operations, last change {at}', households: '{code} {name}: {n} households',
    changes: 'What changes', nothingChanges: 'The current data equals the backup; nothing changes',
    removed: '{n} changes made after the backup leave this laptop ({own} entered here); those other laptops hold come back at the next sync',
    unshared: '{n} of the changes entered here have not been confirmed by any other laptop: a sync cannot bring them back',
    added: '{n} changes in the backup that the current file lacks become visible again', upgrade: 'The backup has an older schema; it is upgraded after restoring',
    keptAside: 'Before restoring, the current file is saved whole into the backup folder ("kept before a restore"); it can be restored in turn. This laptop then writes under a new device id.',
    understood: 'I understand these changes', confirm: 'Restore', done: 'Restored. The file as it was is kept at {path}',
    damagedTitle: 'The database file is damaged', damagedText: 'The check at start found damage: {verdict}', offer: 'Newest good backup: {when} ({size})', offerRestore: 'Restore from it', noGood: 'No good backup was found; contact support and do not delete the database file.',
    dailyFailed: "Today's automatic backup failed: {message}",
}
