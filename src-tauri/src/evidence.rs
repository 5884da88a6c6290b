//! Evidence and search in the app: the 资料 tab, attaching files chosen in the open dialog
//! or dropped on the window, the viewer, and the one search box. Each command is one call
//! into `jingdi::desk`: queries on a reader, changes on the writer (src-tauri/src/store.rs).

use crate::{Store, Wire};
use jingdi::desk::{self, AttachInput, AttachmentTile, HouseholdEvidence, OpenedAttachment, WithdrawAttachmentInput};
use jingdi::evidence::Attachment;
use jingdi::search::SearchHit;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn household_evidence(s: State<'_, Store>, household: Uuid) -> Wire<HouseholdEvidence> {
    s.read(move |db| desk::household_evidence(db, household)).await
}

#[tauri::command]
pub async fn record_evidence(s: State<'_, Store>, target_id: Uuid) -> Wire<Vec<AttachmentTile>> {
    s.read(move |db| desk::record_evidence(db, target_id)).await
}

#[tauri::command]
pub async fn attach_files(s: State<'_, Store>, input: AttachInput) -> Wire<Vec<Attachment>> {
    s.write(move |db| desk::attach_files(db, input)).await
}

#[tauri::command]
pub async fn open_attachment(s: State<'_, Store>, id: Uuid) -> Wire<OpenedAttachment> {
    s.read(move |db| desk::open_attachment(db, id)).await
}

#[tauri::command]
pub async fn withdraw_attachment(s: State<'_, Store>, input: WithdrawAttachmentInput) -> Wire<Attachment> {
    s.write(move |db| desk::withdraw_attachment(db, input)).await
}

#[tauri::command]
pub async fn save_attachment_copy(s: State<'_, Store>, id: Uuid, path: String) -> Wire<u64> {
    s.read(move |db| desk::save_attachment_copy(db, id, path)).await
}

#[tauri::command]
pub async fn search(s: State<'_, Store>, query: String) -> Wire<Vec<SearchHit>> {
    s.read(move |db| desk::search(db, query)).await
}
