//! The app's 备份与恢复 calls: the backup list and folder, 立即备份, the restore summary and
//! the restore itself, and the check the app runs in the background when it starts (with
//! the daily backup).

use crate::backup::restore::{self, RestorePlan, RestoreReport};
use crate::backup::{self, BackupFile};
use crate::check::{self, CheckReport, Depth};
use crate::error::Result;
use crate::Db;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupsView {
    /// Where the backups go (beside the database file).
    pub folder: String,
    pub retention: String,
    /// Automatic backups on (daily, before upgrades, big imports and merges).
    pub auto: bool,
    pub files: Vec<BackupFile>,
}

pub fn backups(db: &Db) -> Result<BackupsView> {
    let folder = backup::folder(db.path());
    Ok(BackupsView {
        files: backup::list(&folder)?,
        folder: folder.display().to_string(),
        retention: backup::retention_rule(),
        auto: backup::auto_enabled(db.conn()),
    })
}

/// 立即备份.
pub fn backup_now(db: &Db) -> Result<BackupFile> {
    backup::create_for(db, None, backup::Kind::Manual)
}

/// What restoring `file` would change; checks the file first.
pub fn restore_plan(db: &Db, file: String) -> Result<RestorePlan> {
    restore::plan(db.conn(), Path::new(&file))
}

/// Restores `file` into the open database, then reopens it (schema upgrade, the fresh
/// device identity).
pub fn restore(db: &mut Db, file: String) -> Result<RestoreReport> {
    let path = db.path().to_path_buf();
    let home = db.installation().map_or_else(crate::identity::default_home, |i| i.home().to_path_buf());
    let installation = crate::identity::Installation::open(&home)?;
    let report = restore::restore(db.conn_mut(), &path, Path::new(&file), &installation)?;
    drop(installation);
    db.reopen()?;
    Ok(report)
}

/// What the app learns at start, in the background: the quick check's verdict, the daily
/// backup if one was due, and on damage the newest backup that passes its own check.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Health {
    pub check: CheckReport,
    pub daily_backup: Option<BackupFile>,
    /// Why the daily backup could not be made (the app keeps working).
    pub daily_backup_error: Option<String>,
    pub newest_good_backup: Option<BackupFile>,
}

pub fn startup(db: &Db) -> Result<Health> {
    let check = check::check(db.conn(), &db.path().display().to_string(), Depth::Quick);
    let mut h = Health { daily_backup: None, daily_backup_error: None, newest_good_backup: None, check };
    if h.check.ok {
        match backup::daily_if_due(db) {
            Ok(b) => h.daily_backup = b,
            Err(e) => h.daily_backup_error = Some(e.to_string()),
        }
    } else {
        // A damaged file is not copied over the rotation's good backups; the newest of
        // those is offered instead.
        h.newest_good_backup = backup::list(&backup::folder(db.path()))?
            .into_iter()
            .find(|b| restore::check_copy(Path::new(&b.path)).is_ok());
    }
    Ok(h)
}
