// Office files: roster preview/import and exports (src-tauri/src/office.rs → jingdi::office).
// Paths come from the dialog plugin's native open/save dialogs.
import { listen, type UnlistenFn } from '@tauri-apps/api/event'
import { open, save } from './dialog'
import { call } from './call'
import type * as T from './bindings'

const NO_OPTIONS: T.ExportOptions = { as_of: null, since: null, mask_names: false, household: null, group: null, only: null }

export const office = {
  preview: (project: string, path: string, options: T.RosterImportOptions) =>
    call<T.RosterPreview>('office_preview', { project, path, options }),
  import: (project: string, path: string, options: T.RosterImportOptions) =>
    call<T.RosterImportReport>('office_import', { project, path, options }),
  /** Stops the import under way; it writes nothing (rule.import.cancelled). */
  cancelImport: () => call<null>('office_import_cancel', {}),
  /** Options left out take the core's defaults (the figures as of the project's date, no
   *  household or group, the whole list). */
  export: (project: string, kind: T.ExportKind, format: T.ExportFormat | null, path: string, options: Partial<T.ExportOptions> = {}) =>
    call<T.ExportReport>('office_export', { project, kind, format, path, options: { ...NO_OPTIONS, ...options } }),
  /** The dated name the save dialog offers (the core builds it). */
  fileName: (project: string, kind: T.ExportKind, format: T.ExportFormat, asOf: string | null, group: string | null) =>
    call<string>('office_file_name', { project, kind, format, asOf, group }),
  /** Opens an exported file (or its folder) with the system's program, through the core. */
  openPath: (path: string, folder: boolean) => call<null>('open_path', { path, folder }),
  /** `{done, total}` while an import writes its rows. */
  onImportProgress: (f: (p: { done: number; total: number }) => void): Promise<UnlistenFn> =>
    listen<{ done: number; total: number }>('office-import-progress', (e) => f(e.payload)),
  chooseRoster: async (): Promise<string | null> => {
    const r = await open({ multiple: false, directory: false, filters: [{ name: '花名册 (Excel / CSV)', extensions: ['xlsx', 'xls', 'csv'] }] })
    return typeof r === 'string' ? r : null
  },
  chooseTarget: async (defaultPath: string, format: T.ExportFormat): Promise<string | null> => {
    const names: Record<T.ExportFormat, string> = { xlsx: 'Excel 工作簿', docx: 'Word 文档', csv: 'CSV (UTF-8)', png: 'PNG 图片', pdf: 'PDF 文档' }
    return await save({ defaultPath, filters: [{ name: names[format], extensions: [format] }] })
  },
}

/** The formats each export comes in; the first is the usual one (as in the core). */
export const EXPORT_FORMATS: Record<T.ExportKind, T.ExportFormat[]> = {
  'signing-summary': ['xlsx', 'csv'],
  ledger: ['xlsx', 'csv'],
  disclosure: ['xlsx', 'csv'],
  'meeting-brief': ['docx', 'csv'],
  bulletin: ['docx', 'xlsx', 'csv'],
  settlement: ['docx'],
  notice: ['docx'],
  'visit-record': ['docx'],
  obstacles: ['xlsx', 'csv'],
  'follow-ups': ['xlsx', 'csv'],
  board: ['xlsx', 'csv'],
  dashboard: ['png', 'pdf'],
}
