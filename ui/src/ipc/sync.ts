// Sync between laptops (src-tauri/src/sync.rs → jingdi::sync): bundles through the native
// save/open dialogs, the sync folder, the conflict review, and the district hub.
import { open, save } from './dialog'
import { call } from './call'
import type * as T from './bindings'

const BUNDLE = [{ name: '净地同步数据包', extensions: ['jdb'] }]

export const sync = {
  status: (project: string) => call<T.SyncStatus>('sync_status', { project }),
  export: (project: string, path: string, full: boolean) => call<T.ExportSummary>('sync_export', { project, path, full }),
  import: (path: string) => call<T.SyncImportReport>('sync_import', { path }),
  folder: (project: string, folder: string | null) => call<T.FolderReport>('sync_folder', { project, folder }),
  /** Stops the folder sync or 立即同步 under way at its next bundle or page (each merged whole). */
  cancel: () => call<null>('sync_cancel', {}),
  resolve: (project: string, key: string, keep: 'a' | 'b' | null, value: string | null) =>
    call<T.SyncStatus>('resolve_conflict', { project, key, keep, value }),
  /** The hub as the page shows it; `probe` asks the hub whether it answers. */
  hubStatus: (probe: boolean) => call<T.HubStatus>('hub_status', { probe }),
  hubConfigure: (url: string, token: string) => call<T.HubStatus>('hub_configure', { url, token }),
  hubSync: () => call<T.HubRound>('hub_sync', {}),
  /** The background step: a round when the core says one is due (interval, backoff), else null. */
  hubTick: () => call<T.HubRound | null>('hub_tick', {}),
  chooseTarget: (defaultPath: string) => save({ defaultPath, filters: BUNDLE }),
  chooseBundle: async (): Promise<string | null> => {
    const r = await open({ multiple: false, directory: false, filters: BUNDLE })
    return typeof r === 'string' ? r : null
  },
  chooseFolder: async (): Promise<string | null> => {
    const r = await open({ multiple: false, directory: true })
    return typeof r === 'string' ? r : null
  },
}
