// Backups and restore (src-tauri/src/backup.rs → jingdi::desk backup calls), and the check
// the app runs in the background at start.
import { open } from './dialog'
import { call } from './call'
import type * as T from './bindings'

export const backup = {
  list: () => call<T.BackupsView>('backups'),
  now: () => call<T.BackupFile>('backup_now'),
  plan: (file: string) => call<T.RestorePlan>('restore_plan', { file }),
  restore: (file: string) => call<T.RestoreReport>('restore_backup', { file }),
  startup: () => call<T.Health>('startup_check'),
  /** A backup elsewhere (a USB stick): any Jingdi backup or database copy. */
  chooseFile: async (): Promise<string | null> => {
    const r = await open({ multiple: false, directory: false, filters: [{ name: '净地备份', extensions: ['jdbak', 'db'] }] })
    return typeof r === 'string' ? r : null
  },
}
