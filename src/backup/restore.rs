//! Restoring a backup into the live database.
//!
//! The copy is checked first (structure, schema version, a Jingdi file), the current content
//! is kept aside as a backup, and the backup's pages are then written into the live file
//! through SQLite's backup API as one transaction of the live database: other connections
//! (the desktop app, a second window) stay valid and see the restored content at their next
//! read, and a crash mid-restore leaves the file as it was. The file is never replaced
//! behind SQLite's back.

use super::{connect, create, Kind};
use crate::db::SCHEMA_VERSION;
use crate::error::{Error, Result};
use crate::identity::{self, FileKey, Installation, Renewal};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::Connection;
use serde::Serialize;
use std::path::Path;

/// What a database holds, as the restore summary shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Snapshot {
    pub schema_version: i64,
    pub operations: i64,
    /// The newest change in the log (its writer's clock, RFC 3339).
    pub last_change_at: Option<String>,
    pub projects: Vec<ProjectCount>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectCount {
    pub code: String,
    pub name: String,
    pub households: i64,
}

/// What a restore would change, shown before it is confirmed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestorePlan {
    pub file: String,
    pub bytes: u64,
    pub backup: Snapshot,
    /// `None` when the current file cannot be read (damaged): nothing to compare with.
    pub current: Option<Snapshot>,
    /// Operations in the current file that the backup does not hold: they leave this laptop.
    pub removed_operations: i64,
    /// Of those, written on this laptop (under any device id this installation gave the file).
    pub removed_own: i64,
    /// Of those, not yet confirmed received by any other laptop (its last bundle to us did
    /// not hold them): a sync cannot bring these back; the file kept aside still has them.
    pub removed_unshared: i64,
    /// Operations the backup holds that the current file does not (a damaged or older file).
    pub added_operations: i64,
    /// The backup has an older schema; its copy is upgraded before it goes in (the backup file stays as it was).
    pub upgrade: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RestoreReport {
    pub plan: RestorePlan,
    /// Where the file's content before the restore was kept.
    pub kept_aside: String,
}

fn refused(problem: &'static str, file: &Path, message: impl Into<String>) -> Error {
    Error::Backup { problem, path: file.display().to_string(), message: message.into() }
}

/// Checks a backup file as a restore would use it: readable, structurally intact, a Jingdi
/// database of a schema this binary can open. Returns an open read-only connection to it.
pub fn check_copy(file: &Path) -> Result<Connection> {
    let c = connect(file, true).map_err(|e| match e {
        Error::NotFound { .. } => refused("not_found", file, "文件不存在"),
        other => refused("unreadable", file, format!("无法打开：{other}")),
    })?;
    let problems: Vec<String> = match c.prepare("PRAGMA integrity_check(20)") {
        Ok(mut s) => s
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect())
            .unwrap_or_else(|e| vec![e.to_string()]),
        Err(e) => vec![e.to_string()],
    };
    if problems != ["ok"] {
        if problems.iter().any(|p| p.contains("not a database")) {
            return Err(refused("not_jingdi", file, "不是 Jingdi 数据库或备份文件"));
        }
        return Err(refused("damaged", file, format!("备份文件已损坏，不能用于恢复：{}", problems.join(";"))));
    }
    let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let tables: i64 = c.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('oplog', 'local_settings', 'projects')",
        [],
        |r| r.get(0),
    )?;
    if version < 1 || tables != 3 {
        return Err(refused("not_jingdi", file, "不是 Jingdi 数据库或备份文件"));
    }
    if version > SCHEMA_VERSION {
        return Err(refused(
            "schema_too_new",
            file,
            format!(
                "备份来自更新版本的 Jingdi（结构版本 {version}，本程序只支持到 {SCHEMA_VERSION}），请先升级 Jingdi"
            ),
        ));
    }
    Ok(c)
}

fn snapshot(c: &Connection, schema: &str) -> rusqlite::Result<Snapshot> {
    let schema_version: i64 = c.query_row(&format!("PRAGMA {schema}.user_version"), [], |r| r.get(0))?;
    let (operations, last_change_at) =
        c.query_row(&format!("SELECT count(*), max(recorded_at) FROM {schema}.oplog"), [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mut stmt = c.prepare(&format!(
        "SELECT p.code, p.name, (SELECT count(*) FROM {schema}.households h WHERE h.project_id = p.id)
         FROM {schema}.projects p ORDER BY p.code"
    ))?;
    let projects = stmt
        .query_map([], |r| Ok(ProjectCount { code: r.get(0)?, name: r.get(1)?, households: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Snapshot { schema_version, operations, last_change_at, projects })
}

/// The restore summary: `live` is the connection to the current database (it may be
/// damaged; then only the backup is described).
pub fn plan(live: &Connection, file: &Path) -> Result<RestorePlan> {
    let copy = check_copy(file)?;
    let backup = snapshot(&copy, "main")?;
    drop(copy);
    let bytes = std::fs::metadata(file)?.len();
    let mut plan = RestorePlan {
        file: file.display().to_string(),
        bytes,
        upgrade: backup.schema_version < SCHEMA_VERSION,
        backup,
        current: None,
        removed_operations: 0,
        removed_own: 0,
        removed_unshared: 0,
        added_operations: 0,
    };
    let Ok(current) = snapshot(live, "main") else { return Ok(plan) };
    plan.current = Some(current);
    // The differences in operations, by id, with the backup attached (only read).
    let Some(text) = file.to_str() else { return Ok(plan) };
    live.execute("ATTACH DATABASE ?1 AS restore_copy", [text])?;
    let diff = differences(live);
    live.execute("DETACH DATABASE restore_copy", [])?;
    if let Ok((removed, own, unshared, added)) = diff {
        plan.removed_operations = removed;
        plan.removed_own = own;
        plan.removed_unshared = unshared;
        plan.added_operations = added;
    }
    Ok(plan)
}

/// Removed, removed of this laptop's own, of those unconfirmed by any peer, and added
/// operations between `main` and the attached `restore_copy`.
fn differences(live: &Connection) -> rusqlite::Result<(i64, i64, i64, i64)> {
    // This laptop's device ids for the file: those its installation gave out (the identity
    // history), else the current one.
    let own = "SELECT value FROM main.local_settings WHERE key = 'device_id'
               UNION SELECT device_id FROM main.device_identities
               WHERE installation_id = (SELECT value FROM main.local_settings WHERE key = 'installation_id')";
    let has_history: bool =
        live.query_row("SELECT count(*) FROM main.sqlite_schema WHERE name = 'device_identities'", [], |r| {
            r.get::<_, i64>(0).map(|n| n > 0)
        })?;
    let own = if has_history { own } else { "SELECT value FROM main.local_settings WHERE key = 'device_id'" };
    let removed: i64 = live.query_row(
        "SELECT count(*) FROM main.oplog WHERE id NOT IN (SELECT id FROM restore_copy.oplog)",
        [],
        |r| r.get(0),
    )?;
    let added: i64 = live.query_row(
        "SELECT count(*) FROM restore_copy.oplog WHERE id NOT IN (SELECT id FROM main.oplog)",
        [],
        |r| r.get(0),
    )?;
    // Unconfirmed: above what every other laptop held of that device when it last sent us a
    // bundle.
    let (own_removed, unshared): (i64, i64) = live.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(o.seq > coalesce((SELECT max(json_extract(p.seen, '$.\"' || o.device_id || '\"'))
                                                           FROM main.sync_peers p), 0)), 0)
             FROM main.oplog o
             WHERE o.device_id IN ({own}) AND o.id NOT IN (SELECT id FROM restore_copy.oplog)"
        ),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((removed, own_removed, unshared, added))
}

/// Restores `file` into the database `live` has open at `db_path`: checked, the current
/// content kept aside, copied in, upgraded if older, and given a fresh device identity of
/// `installation`. A `Db` of the file is best reopened after (`Db::reopen`).
pub fn restore(
    live: &mut Connection,
    db_path: &Path,
    file: &Path,
    installation: &Installation,
) -> Result<RestoreReport> {
    if same_file(db_path, file) {
        return Err(refused("same_file", file, "这就是当前正在使用的数据库文件，不能用它自己恢复"));
    }
    let plan = plan(live, file)?;
    let kept_aside = keep_aside(live, db_path)?;
    // The backup's pages must have the live file's page size (a WAL database cannot change
    // it): a fresh copy of the backup is made with it, beside the database.
    let page_size: i64 = live.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    let dir = super::folder(db_path);
    std::fs::create_dir_all(&dir)?;
    let staged = dir.join(format!(".restore-{}.partial", std::process::id()));
    let _ = std::fs::remove_file(&staged);
    let result = (|| -> Result<()> {
        let copy = check_copy(file)?;
        copy.pragma_update(None, "page_size", page_size)?;
        let text = staged.to_str().ok_or_else(|| refused("unreadable", file, "路径含有无法识别的字符"))?;
        copy.execute("VACUUM INTO ?1", [text])?;
        drop(copy);
        // The copy is upgraded and given this file's fresh device identity before it goes
        // in: the restored content and its new device id arrive in one transaction of the
        // live file, so no write of another connection (the app) can slip in between under
        // the backup's old id, whose numbers the peers may already hold.
        let mut source = connect(&staged, false)?;
        crate::db::migrate(&mut source)?;
        let tx = source.transaction()?;
        identity::start_fresh(&tx, installation, &FileKey::of(db_path)?, Renewal::Restored)?;
        tx.commit()?;
        copy_into(&source, live)?;
        Ok(())
    })();
    let _ = std::fs::remove_file(&staged);
    result?;
    let problems: String = live.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if problems != "ok" {
        return Err(Error::Corrupt(format!("恢复后的数据库未通过检查：{problems}；恢复前的文件保留在 {kept_aside}")));
    }
    Ok(RestoreReport { plan, kept_aside })
}

/// One backup-API pass: every page of `source` into `live`'s main database, committed as
/// one transaction of `live` (retried while another connection is writing).
fn copy_into(source: &Connection, live: &mut Connection) -> Result<()> {
    let backup = Backup::new(source, live)?;
    let started = std::time::Instant::now();
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => continue,
            StepResult::Busy | StepResult::Locked if started.elapsed() < std::time::Duration::from_secs(30) => {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            _ => {
                return Err(Error::Backup {
                    problem: "busy",
                    path: String::new(),
                    message: "数据库一直被其他程序写入，未能恢复；请关闭其他正在写入的程序后重试".into(),
                })
            }
        }
    }
}

/// The current content, as a `before-restore` backup; a file too damaged for SQLite to copy
/// is kept aside byte for byte (with its WAL).
fn keep_aside(live: &Connection, db_path: &Path) -> Result<String> {
    match create(live, db_path, None, Kind::BeforeRestore) {
        Ok(b) => Ok(b.path),
        Err(Error::DiskFull(m)) => Err(Error::DiskFull(m)),
        Err(_) => {
            let dir = super::folder(db_path);
            let stamp = chrono::Local::now().format("%Y-%m-%d_%H%M%S");
            let target = dir.join(format!("damaged_{stamp}_before-restore.raw"));
            std::fs::copy(db_path, &target)?;
            let wal = wal_path(db_path);
            if wal.exists() {
                std::fs::copy(&wal, wal_path(&target))?;
            }
            std::fs::File::open(&target)?.sync_all()?;
            Ok(target.display().to_string())
        }
    }
}

fn wal_path(p: &Path) -> std::path::PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push("-wal");
    s.into()
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
