//! The app's 同步 calls: bundles through the save/open dialogs, the sync folder (remembered
//! once chosen), the district hub (status, 立即同步, the background sync's step), and the
//! conflict review.

use super::operator;
use crate::error::{Error, Result};
use crate::sync::{
    self, conflicts, folder::FolderReport, hub_status, merge::ImportReport, ExportSummary, Scope, SyncStatus,
};
use crate::{project, Db};
use std::path::Path;
use uuid::Uuid;

pub fn sync_status(db: &Db, project: Uuid) -> Result<SyncStatus> {
    sync::status(db, project)
}

/// Writes what the known peers have not seen (`full`: everything) to `path`.
pub fn sync_export(db: &Db, project: Uuid, path: &str, full: bool) -> Result<ExportSummary> {
    let p = project::get(db.conn(), project)?;
    sync::export(db, &p, Path::new(path), if full { Scope::Full } else { Scope::Unseen })
}

pub fn sync_import(db: &mut Db, path: &str) -> Result<ImportReport> {
    sync::merge::import(db, Path::new(path))
}

/// Syncs through `folder` (remembered for next time) or the folder chosen before.
pub fn sync_folder(
    db: &mut Db,
    project: Uuid,
    folder: Option<String>,
    stop: &dyn Fn() -> bool,
) -> Result<FolderReport> {
    let folder = match folder.filter(|f| !f.trim().is_empty()) {
        Some(f) => {
            db.set_setting(sync::FOLDER_SETTING, &f)?;
            f
        }
        None => db.setting(sync::FOLDER_SETTING)?.ok_or_else(|| Error::invalid("folder", "尚未选择同步文件夹"))?,
    };
    let p = project::get(db.conn(), project)?;
    sync::folder::sync_folder_until(db, &p, Path::new(&folder), true, stop)
}

/// Keeps side "a" or "b" of a conflict, or (household fields) sets a new value.
pub fn resolve_conflict(
    db: &mut Db,
    project: Uuid,
    key: &str,
    keep: Option<&str>,
    value: Option<&str>,
) -> Result<SyncStatus> {
    let decision = conflicts::Decision::parse(keep, value)?;
    let who = operator(db)?;
    db.write(&who, |tx| conflicts::resolve(tx, project, key, &decision))?;
    sync::status(db, project)
}

/// The hub as the 同步 page shows it; `probe` asks the hub whether it answers (seconds at most).
pub fn hub_status(db: &Db, probe: bool) -> Result<hub_status::HubStatus> {
    hub_status::status(db, probe)
}

/// Sets the hub's address and this laptop's token (checked with the hub first).
pub fn hub_configure(db: &Db, url: &str, token: &str) -> Result<hub_status::HubStatus> {
    hub_status::configure(db, url, token)
}

/// 立即同步 through the hub: every project with a token, push then pull.
pub fn hub_sync(db: &mut Db, stop: &dyn Fn() -> bool) -> Result<hub_status::HubRound> {
    hub_status::sync_all_until(db, chrono::Utc::now(), stop)
}

/// The background sync's step, asked for by the app now and then: a round when one is due.
pub fn hub_tick(db: &mut Db) -> Result<Option<hub_status::HubRound>> {
    hub_status::tick(db, chrono::Utc::now())
}
