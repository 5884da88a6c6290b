//! The 备份与恢复 page and the check at start. Each command is one call into the core's
//! `jingdi::desk` backup calls.

use crate::{Store, Wire};
use jingdi::backup::restore::{RestorePlan, RestoreReport};
use jingdi::backup::BackupFile;
use jingdi::desk::{self, BackupsView, Health};
use tauri::State;

#[tauri::command]
pub async fn backups(s: State<'_, Store>) -> Wire<BackupsView> {
    s.run(|db| desk::backups(db))
}

#[tauri::command]
pub async fn backup_now(s: State<'_, Store>) -> Wire<BackupFile> {
    s.run(|db| desk::backup_now(db))
}

#[tauri::command]
pub async fn restore_plan(s: State<'_, Store>, file: String) -> Wire<RestorePlan> {
    s.run(|db| desk::restore_plan(db, file))
}

#[tauri::command]
pub async fn restore_backup(s: State<'_, Store>, file: String) -> Wire<RestoreReport> {
    s.run(|db| desk::restore(db, file))
}

/// Run by the UI in the background once it has loaded: the quick check and the daily backup.
#[tauri::command]
pub async fn startup_check(s: State<'_, Store>) -> Wire<Health> {
    s.run(|db| desk::startup(db))
}
