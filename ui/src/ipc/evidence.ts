// Evidence (photos and scans on records) and the one search box: src-tauri/src/evidence.rs →
// jingdi::desk. Files come from the dialog plugin's open dialog or a drop on the window.
import { open, save } from './dialog'
import { call } from './call'
import type * as T from './bindings'

export const evidence = {
  household: (household: string) => call<T.HouseholdEvidence>('household_evidence', { household }),
  record: (targetId: string) => call<T.AttachmentTile[]>('record_evidence', { targetId }),
  attach: (input: T.AttachInput) => call<T.Attachment[]>('attach_files', { input }),
  open: (id: string) => call<T.OpenedAttachment>('open_attachment', { id }),
  withdraw: (input: T.WithdrawAttachmentInput) => call<T.Attachment>('withdraw_attachment', { input }),
  saveCopy: (id: string, path: string) => call<number>('save_attachment_copy', { id, path }),
  /** Files to attach, from the native open dialog (several at once). */
  choose: async (): Promise<string[]> => {
    const r = await open({
      multiple: true,
      directory: false,
      filters: [{ name: '照片与文件', extensions: ['jpg', 'jpeg', 'png', 'heic', 'heif', 'pdf', 'docx', 'xlsx', 'doc', 'xls', 'wps', 'ofd'] }],
    })
    if (r === null) return []
    return Array.isArray(r) ? r : [r]
  },
  chooseCopyTarget: async (fileName: string): Promise<string | null> => await save({ defaultPath: fileName }),
}

/** Households of every project by number, name, 拼音首字母, ID (whole or last 4–6), phone
 * (whole or last 4), address fragment or agreement number. */
export const search = (query: string) => call<T.SearchHit[]>('search', { query })

export const ATTACHMENT_KINDS: T.AttachmentKind[] = ['house_photo', 'crops_photo', 'agreement_scan', 'appraisal_report', 'payment_voucher', 'other']
