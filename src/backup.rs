//! Backups of the database file: consistent copies taken while the app may be writing,
//! automatic ones kept on a rotation, and restore into the live file ([`restore`]).
//!
//! A backup is `VACUUM INTO` a hidden file in the backup folder, synced to disk and only
//! then renamed to its backup name: SQLite copies one read snapshot (in WAL mode readers
//! and writers do not block each other), the copy is a self-contained database (rollback
//! journal, no `-wal` beside it), and a copy cut short by a crash or a full disk never
//! carries a backup's name. Being an SQLite-level copy, it stays encrypted when the
//! database is (SQLCipher writes `VACUUM INTO` with the database's key).
//!
//! Names: `<project codes>_<YYYY-MM-DD>_<HHMMSS>_<kind>.jdbak`, local time, in
//! `<folder of the database>/backups/` unless another folder is given.

pub mod restore;

use crate::error::{Error, Result};
use chrono::{Datelike, Local, NaiveDate, NaiveDateTime, Timelike};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub const EXTENSION: &str = "jdbak";
/// The default backup folder, beside the database file.
pub const FOLDER: &str = "backups";
/// Automatic backups kept: the newest few whatever their age, then the newest of each of
/// the last days and of the last weeks that have one (a laptop left unused for a month
/// keeps what it had).
pub const KEEP_LATEST: usize = 3;
pub const KEEP_DAILY: usize = 7;
pub const KEEP_WEEKLY: usize = 4;
/// An import or merge that writes at least this many records or operations is preceded
/// by an automatic backup.
pub const BIG_CHANGE: usize = 100;
/// Local setting: "off" stops the automatic backups of this installation (benchmarks, or a
/// machine whose disk is backed up otherwise). Manual backups always work.
pub const AUTO_SETTING: &str = "auto_backup";
/// A hidden partial copy older than this was left by a process that died mid-backup.
const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "BackupKind"))]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `jingdi backup`, the app's 立即备份.
    Manual,
    /// The first start of the app on a day.
    Daily,
    BeforeMigration,
    BeforeImport,
    BeforeMerge,
    /// The file as it was before a restore replaced its content.
    BeforeRestore,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Manual, Kind::Daily, Kind::BeforeMigration, Kind::BeforeImport, Kind::BeforeMerge, Kind::BeforeRestore];

    /// As written in file names.
    pub fn id(self) -> &'static str {
        match self {
            Kind::Manual => "manual",
            Kind::Daily => "daily",
            Kind::BeforeMigration => "before-migration",
            Kind::BeforeImport => "before-import",
            Kind::BeforeMerge => "before-merge",
            Kind::BeforeRestore => "before-restore",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Kind::Manual => "手动备份",
            Kind::Daily => "每日自动备份",
            Kind::BeforeMigration => "升级前自动备份",
            Kind::BeforeImport => "导入前自动备份",
            Kind::BeforeMerge => "同步合并前自动备份",
            Kind::BeforeRestore => "恢复前保留的原文件",
        }
    }

    /// Automatic backups are rotated; manual ones and the file a restore kept aside are
    /// removed only by the user.
    pub fn rotated(self) -> bool {
        matches!(self, Kind::Daily | Kind::BeforeMigration | Kind::BeforeImport | Kind::BeforeMerge)
    }

    fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == s)
    }
}

/// One backup file, as listed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BackupFile {
    pub path: String,
    pub name: String,
    pub kind: Kind,
    /// Local time the copy was taken, from its name.
    pub created_at: NaiveDateTime,
    pub bytes: u64,
    /// The project codes of the database at the time, as in the name.
    pub projects: String,
}

/// The backup folder of a database: `backups/` beside it.
pub fn folder(db_path: &Path) -> PathBuf {
    match db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(d) => d.join(FOLDER),
        None => PathBuf::from(FOLDER),
    }
}

/// The retention rule as users read it (README, the app's settings).
pub fn retention_rule() -> String {
    format!(
        "自动备份保留最近 {KEEP_LATEST} 份，另按天保留最近 {KEEP_DAILY} 天（每天最新一份）、按周保留最近 {KEEP_WEEKLY} 周（每周最新一份）；手动备份和恢复前保留的原文件不会自动删除"
    )
}

/// Opens a database file that must exist, without creating, migrating or changing it:
/// `check` and `restore` work on exactly the file as it is (and on a damaged one).
pub fn connect(path: &Path, read_only: bool) -> Result<Connection> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(Error::not_found("数据库文件", shown));
    }
    crate::db::connect(path, read_only).map_err(|e| Error::Open { path: shown, message: e.to_string() })
}

/// Whether this installation makes automatic backups (on unless set "off").
pub fn auto_enabled(conn: &Connection) -> bool {
    let v: rusqlite::Result<String> =
        conn.query_row("SELECT value FROM local_settings WHERE key = ?1", [AUTO_SETTING], |r| r.get(0));
    !matches!(v.as_deref(), Ok("off"))
}

/// Backs up an open database: its operations are about to exist outside the file, which the
/// installation records first (see [`crate::identity`]), then [`create`].
pub fn create_for(db: &crate::Db, to: Option<&Path>, kind: Kind) -> Result<BackupFile> {
    db.ops_leaving()?;
    create(db.conn(), db.path(), to, kind)
}

/// Copies the database `conn` has open (at `db_path`) into `to`, or its backup folder.
/// `conn` must not be inside a transaction.
pub fn create(conn: &Connection, db_path: &Path, to: Option<&Path>, kind: Kind) -> Result<BackupFile> {
    let dir = to.map(Path::to_path_buf).unwrap_or_else(|| folder(db_path));
    std::fs::create_dir_all(&dir).map_err(|e| {
        let e = Error::from(e);
        match e {
            Error::DiskFull(_) => e,
            other => failed(&dir, format!("无法创建备份文件夹：{other}")),
        }
    })?;
    sweep_partials(&dir);
    let now = Local::now().naive_local();
    let stem = format!("{}_{}", label(conn), now.format("%Y-%m-%d_%H%M%S"));
    // A later copy of the same second gets a higher "-N" than every copy of that second still
    // there (rotation may have removed the first ones), so the order of names is the order taken.
    let second = now.with_nanosecond(0).unwrap_or(now);
    let taken = list(&dir)?.iter().filter(|b| b.created_at == second).map(|b| same_second_seq(&b.name)).max();
    let mut n = taken.map_or(2, |m| m + 1);
    let mut name = match taken {
        None => format!("{stem}_{}.{EXTENSION}", kind.id()),
        Some(_) => format!("{stem}-{n}_{}.{EXTENSION}", kind.id()),
    };
    while dir.join(&name).exists() {
        name = format!("{stem}-{n}_{}.{EXTENSION}", kind.id());
        n += 1;
    }
    let target = dir.join(&name);
    let partial = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let _ = std::fs::remove_file(&partial);
    let written = (|| -> Result<()> {
        let text = partial.to_str().ok_or_else(|| failed(&dir, "备份文件夹的路径含有无法识别的字符".into()))?;
        conn.execute("VACUUM INTO ?1", [text])?;
        // SQLite does not sync what VACUUM INTO wrote; the copy must be on disk before it
        // gets a backup's name.
        std::fs::File::open(&partial)?.sync_all()?;
        std::fs::rename(&partial, &target)?;
        sync_dir(&dir);
        Ok(())
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    if kind.rotated() {
        // The copy is made; a copy that cannot be removed now is removed at the next rotation.
        // The one just made is kept whatever the order of others taken in the same second.
        let _ = rotate_keeping(&dir, Some(&name));
    }
    describe(&target)?.ok_or_else(|| failed(&target, "备份文件名无法识别".into()))
}

/// Every backup in `dir`, newest first. Partial copies and other files are not listed.
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let mut out = Vec::new();
    for e in entries {
        if let Some(b) = describe(&e?.path())? {
            out.push(b);
        }
    }
    // Within one second, a later copy carries a higher "-N" (`create`): "-10" after "-9".
    out.sort_by(|a, b| {
        (b.created_at, same_second_seq(&b.name))
            .cmp(&(a.created_at, same_second_seq(&a.name)))
            .then_with(|| b.name.cmp(&a.name))
    });
    Ok(out)
}

/// The N of a name `create` gave a "-N" because a copy of that second already existed; 1 for
/// the first copy of a second.
fn same_second_seq(name: &str) -> u32 {
    let mut parts = name.rsplitn(3, '_');
    let (_, Some(time)) = (parts.next(), parts.next()) else { return 1 };
    time.split_once('-').and_then(|(_, n)| n.parse().ok()).unwrap_or(1)
}

/// Applies the retention rule to the automatic backups in `dir`; returns what it removed.
pub fn rotate(dir: &Path) -> Result<Vec<String>> {
    rotate_keeping(dir, None)
}

fn rotate_keeping(dir: &Path, also_keep: Option<&str>) -> Result<Vec<String>> {
    let auto: Vec<BackupFile> = list(dir)?.into_iter().filter(|b| b.kind.rotated()).collect();
    let mut keep = kept(&auto);
    keep.extend(also_keep.map(str::to_string));
    let mut removed = Vec::new();
    for b in auto.iter().filter(|b| !keep.contains(&b.name)) {
        std::fs::remove_file(&b.path)?;
        removed.push(b.name.clone());
    }
    Ok(removed)
}

/// The names the rule keeps among `auto` (newest first).
fn kept(auto: &[BackupFile]) -> HashSet<String> {
    let mut keep: HashSet<String> = auto.iter().take(KEEP_LATEST).map(|b| b.name.clone()).collect();
    let mut days: Vec<NaiveDate> = Vec::new();
    let mut weeks: Vec<(i32, u32)> = Vec::new();
    for b in auto {
        let day = b.created_at.date();
        if days.len() < KEEP_DAILY && !days.contains(&day) {
            days.push(day);
            keep.insert(b.name.clone());
        }
        let week = (day.iso_week().year(), day.iso_week().week());
        if weeks.len() < KEEP_WEEKLY && !weeks.contains(&week) {
            weeks.push(week);
            keep.insert(b.name.clone());
        }
    }
    keep
}

/// The daily backup, on the first use of a day (the app's start): made when the backup
/// folder holds no backup taken today.
pub fn daily_if_due(db: &crate::Db) -> Result<Option<BackupFile>> {
    if !auto_applies(db.conn(), db.path()) {
        return Ok(None);
    }
    let today = Local::now().date_naive();
    if list(&folder(db.path()))?.iter().any(|b| b.created_at.date() == today) {
        return Ok(None);
    }
    create_for(db, None, Kind::Daily).map(Some)
}

/// Before an import or merge of `count` records or operations: a backup when it is big.
/// If the backup cannot be made, the change is refused rather than made without one.
pub fn before_big_change(db: &crate::Db, kind: Kind, count: usize) -> Result<Option<BackupFile>> {
    if count < BIG_CHANGE || !auto_applies(db.conn(), db.path()) {
        return Ok(None);
    }
    let what = if kind == Kind::BeforeImport { "导入" } else { "同步合并" };
    create_for(db, None, kind).map(Some).map_err(|e| {
        failed(&folder(db.path()), format!("{what}前的自动备份未能完成，为安全起见{what}没有进行，数据库未改动：{e}"))
    })
}

/// Before the schema of an existing database is upgraded (called by `Db::open`, before the
/// installation is consulted: a copy restored from it starts a fresh device identity).
pub fn before_migration(conn: &Connection, db_path: &Path, from: i64, to: i64) -> Result<()> {
    if !auto_applies(conn, db_path) {
        return Ok(());
    }
    create(conn, db_path, None, Kind::BeforeMigration).map(|_| ()).map_err(|e| {
        failed(
            &folder(db_path),
            format!("升级数据库结构（版本 {from} → {to}）前的自动备份未能完成，数据库未升级、未改动：{e}"),
        )
    })
}

/// Automatic backups need a file (not an in-memory database) and the setting not "off".
fn auto_applies(conn: &Connection, db_path: &Path) -> bool {
    let s = db_path.as_os_str();
    !s.is_empty() && s != ":memory:" && auto_enabled(conn)
}

fn failed(path: &Path, message: String) -> Error {
    Error::Backup { problem: "failed", path: path.display().to_string(), message }
}

/// The project codes, as a file-name part ("DX4", "DX4+XC2"; "jingdi" when there is none).
fn label(conn: &Connection) -> String {
    let codes: Vec<String> = conn
        .prepare("SELECT code FROM projects ORDER BY code")
        .and_then(|mut s| s.query_map([], |r| r.get::<_, String>(0))?.collect())
        .unwrap_or_default();
    let joined: String = codes
        .join("+")
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '+' { c } else { '-' })
        .take(60)
        .collect();
    if joined.is_empty() {
        "jingdi".into()
    } else {
        joined
    }
}

/// A backup file's listing, from its name and size; `None` for anything else.
fn describe(path: &Path) -> Result<Option<BackupFile>> {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return Ok(None) };
    let Some(stem) = name.strip_suffix(&format!(".{EXTENSION}")) else { return Ok(None) };
    if name.starts_with('.') {
        return Ok(None);
    }
    let mut parts = stem.rsplitn(4, '_');
    let (Some(kind), Some(time), Some(date), Some(projects)) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(None);
    };
    let Some(kind) = Kind::parse(kind) else { return Ok(None) };
    let Some(time) = time.get(..6) else { return Ok(None) };
    let Ok(created_at) = NaiveDateTime::parse_from_str(&format!("{date} {time}"), "%Y-%m-%d %H%M%S") else {
        return Ok(None);
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m,
        _ => return Ok(None),
    };
    Ok(Some(BackupFile {
        path: path.display().to_string(),
        name: name.to_string(),
        kind,
        created_at,
        bytes: meta.len(),
        projects: projects.to_string(),
    }))
}

/// Removes partial copies left by a backup that died (killed, power cut) long enough ago
/// that no running backup can own them.
fn sweep_partials(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(".partial")) {
            continue;
        }
        let old = e.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
        if old.is_some_and(|age| age > STALE_PARTIAL) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Makes a rename durable (the directory entry); best effort where directories cannot be
/// opened as files.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, n: usize) -> BackupFile {
        let created_at = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
        BackupFile {
            path: String::new(),
            name: format!("{s}#{n}"),
            kind: Kind::Daily,
            created_at,
            bytes: 0,
            projects: "T".into(),
        }
    }

    #[test]
    fn retention_keeps_latest_then_one_per_day_and_week() {
        // Newest first: five backups today, one a day for the 20 days before.
        let mut all: Vec<BackupFile> = (0..5).map(|i| at(&format!("2025-03-31 1{}:00", 5 - i), i)).collect();
        for d in 1..=20 {
            let day = NaiveDate::from_ymd_opt(2025, 3, 31).unwrap() - chrono::Days::new(d);
            all.push(at(&format!("{day} 09:00"), 100 + d as usize));
        }
        let keep = kept(&all);
        // 3 latest (today) + newest of 7 days (today counts) + newest of 4 weeks.
        for b in &all[..3] {
            assert!(keep.contains(&b.name));
        }
        assert!(!keep.contains(&all[3].name) && !keep.contains(&all[4].name), "older copies of today go");
        for d in 1..=6 {
            assert!(keep.contains(&format!(
                "{} 09:00#{}",
                NaiveDate::from_ymd_opt(2025, 3, 31).unwrap() - chrono::Days::new(d),
                100 + d
            )));
        }
        // 2025-03-31 is a Monday: weeks kept are 03-31, the Sunday 03-30, 03-23 and 03-16.
        for day in ["2025-03-23", "2025-03-16"] {
            assert!(keep.iter().any(|n| n.starts_with(day)), "{day} week kept: {keep:?}");
        }
        assert_eq!(keep.len(), 3 + 6 + 2, "{keep:?}");
    }
}
