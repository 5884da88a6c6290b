//! The 备份与恢复 page and the check at start. Each command is one call into the core's
//! `jingdi::desk` backup calls. All run on the writer: `VACUUM INTO` and `ATTACH` cannot run
//! inside the read transaction a reader holds, a backup records its operations as leaving
//! (the installation is the writer's), and a restore reopens the writer.

use crate::{Store, Wire};
use jingdi::backup::restore::{RestorePlan, RestoreReport};
use jingdi::backup::BackupFile;
use jingdi::desk::{self, BackupsView, Health};
use tauri::State;

#[tauri::command]
pub async fn backups(s: State<'_, Store>) -> Wire<BackupsView> {
    s.read(desk::backups).await
}

#[tauri::command]
pub async fn backup_now(s: State<'_, Store>) -> Wire<BackupFile> {
    s.write(|db| desk::backup_now(db)).await
}

#[tauri::command]
pub async fn restore_plan(s: State<'_, Store>, file: String) -> Wire<RestorePlan> {
    s.write(move |db| desk::restore_plan(db, file)).await
}

#[tauri::command]
pub async fn restore_backup(s: State<'_, Store>, file: String) -> Wire<RestoreReport> {
    s.write(move |db| desk::restore(db, file)).await
}

/// Run by the UI in the background once it has loaded: the quick check and the daily backup.
#[tauri::command]
pub async fn startup_check(s: State<'_, Store>) -> Wire<Health> {
    s.write(|db| desk::startup(db)).await
}
