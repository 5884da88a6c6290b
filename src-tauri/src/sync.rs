//! The 同步 page: bundles through the save/open dialogs, the sync folder, and the conflict
//! review. Each command is one call into `jingdi::desk`.

use crate::{Store, Wire};
use jingdi::desk;
use jingdi::sync::{folder::FolderReport, merge::ImportReport, ExportSummary, SyncStatus};
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn sync_status(s: State<'_, Store>, project: Uuid) -> Wire<SyncStatus> {
    s.read(move |db| desk::sync_status(db, project)).await
}

#[tauri::command]
pub async fn sync_export(s: State<'_, Store>, project: Uuid, path: String, full: bool) -> Wire<ExportSummary> {
    s.write(move |db| desk::sync_export(db, project, &path, full)).await
}

#[tauri::command]
pub async fn sync_import(s: State<'_, Store>, path: String) -> Wire<ImportReport> {
    s.write(move |db| desk::sync_import(db, &path)).await
}

/// Syncs through `folder` (remembered for next time) or the folder chosen before.
#[tauri::command]
pub async fn sync_folder(s: State<'_, Store>, project: Uuid, folder: Option<String>) -> Wire<FolderReport> {
    s.write(move |db| desk::sync_folder(db, project, folder)).await
}

/// Keeps side "a" or "b", or (household fields) sets a new value.
#[tauri::command]
pub async fn resolve_conflict(
    s: State<'_, Store>,
    project: Uuid,
    key: String,
    keep: Option<String>,
    value: Option<String>,
) -> Wire<SyncStatus> {
    s.write(move |db| desk::resolve_conflict(db, project, &key, keep.as_deref(), value.as_deref())).await
}
