//! The 同步 page: bundles through the save/open dialogs, the sync folder, the conflict
//! review, and the district hub (status, 立即同步, the background step). Each command is one
//! call into `jingdi::desk`.

use crate::{Store, Wire};
use jingdi::desk;
use jingdi::sync::hub_status::{HubRound, HubStatus};
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

/// Syncs through `folder` (remembered for next time) or the folder chosen before; stops
/// between two bundles once `sync_cancel` is called.
#[tauri::command]
pub async fn sync_folder(s: State<'_, Store>, project: Uuid, folder: Option<String>) -> Wire<FolderReport> {
    s.write_cancellable(move |db, stop| desk::sync_folder(db, project, folder, stop)).await
}

/// Asks the folder sync or 立即同步 under way to stop at its next bundle or page.
#[tauri::command]
pub async fn sync_cancel(s: State<'_, Store>) -> Wire<()> {
    s.cancel().await
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

/// The district hub as the 同步 page shows it; `probe` asks the hub whether it answers.
#[tauri::command]
pub async fn hub_status(s: State<'_, Store>, probe: bool) -> Wire<HubStatus> {
    s.read(move |db| desk::hub_status(db, probe)).await
}

/// Sets the hub's address and this laptop's device token (checked with the hub first).
#[tauri::command]
pub async fn hub_configure(s: State<'_, Store>, url: String, token: String) -> Wire<HubStatus> {
    s.write(move |db| desk::hub_configure(db, &url, &token)).await
}

/// 立即同步 through the hub: every project with a token, push then pull; stops between two
/// pages once `sync_cancel` is called.
#[tauri::command]
pub async fn hub_sync(s: State<'_, Store>) -> Wire<HubRound> {
    s.write_cancellable(desk::hub_sync).await
}

/// The background sync's step (the app asks now and then; the core decides if one is due).
#[tauri::command]
pub async fn hub_tick(s: State<'_, Store>) -> Wire<Option<HubRound>> {
    s.write(desk::hub_tick).await
}
