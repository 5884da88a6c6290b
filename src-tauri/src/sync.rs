//! The 同步 page: bundles through the save/open dialogs, the sync folder, and the conflict
//! review. Each command is one call into the core's `jingdi::sync`.

use crate::{Store, Wire};
use jingdi::error::Error;
use jingdi::sync::{self, conflicts, folder::FolderReport, merge::ImportReport, ExportSummary, Scope, SyncStatus};
use std::path::Path;
use tauri::State;
use uuid::Uuid;

fn operator(db: &jingdi::Db) -> jingdi::Result<String> {
    db.setting(jingdi::desk::OPERATOR)?
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| Error::invalid("operator", "尚未设置操作人:请先在「设置」中填写您的姓名"))
}

#[tauri::command]
pub async fn sync_status(s: State<'_, Store>, project: Uuid) -> Wire<SyncStatus> {
    s.run(|db| sync::status(db, project))
}

#[tauri::command]
pub async fn sync_export(s: State<'_, Store>, project: Uuid, path: String, full: bool) -> Wire<ExportSummary> {
    s.run(|db| {
        let p = jingdi::project::get(db.conn(), project)?;
        sync::export(db, &p, Path::new(&path), if full { Scope::Full } else { Scope::Unseen })
    })
}

#[tauri::command]
pub async fn sync_import(s: State<'_, Store>, path: String) -> Wire<ImportReport> {
    s.run(|db| sync::merge::import(db, Path::new(&path)))
}

/// Syncs through `folder` (remembered for next time) or the folder chosen before.
#[tauri::command]
pub async fn sync_folder(s: State<'_, Store>, project: Uuid, folder: Option<String>) -> Wire<FolderReport> {
    s.run(|db| {
        let folder = match folder.filter(|f| !f.trim().is_empty()) {
            Some(f) => {
                db.set_setting(sync::FOLDER_SETTING, &f)?;
                f
            }
            None => db.setting(sync::FOLDER_SETTING)?.ok_or_else(|| Error::invalid("folder", "尚未选择同步文件夹"))?,
        };
        let p = jingdi::project::get(db.conn(), project)?;
        sync::folder::sync_folder(db, &p, Path::new(&folder))
    })
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
    s.run(|db| {
        let decision = conflicts::Decision::parse(keep.as_deref(), value.as_deref())?;
        let who = operator(db)?;
        db.write(&who, |tx| conflicts::resolve(tx, project, &key, &decision))?;
        sync::status(db, project)
    })
}
