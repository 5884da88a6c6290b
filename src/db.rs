//! Opening the database: pragmas, migrations, the schema-version guard, and this
//! installation's device identity. [`Db::write`] is the single door for changes.

use crate::error::{Error, Result};
use crate::oplog::clock::{Source, SystemSource};
use crate::oplog::Tx;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The schema, one migration per file in `migrations/`, applied in order on open.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_ledger.sql"),
    include_str!("../migrations/0002_meetings.sql"),
    include_str!("../migrations/0003_sync.sql"),
    include_str!("../migrations/0004_compensation.sql"),
    include_str!("../migrations/0011_map.sql"),
];

/// The schema version this binary writes; a database above it is refused.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Db {
    conn: Connection,
    path: PathBuf,
    device_id: Uuid,
    /// A WAL checkpoint running on its own connection (see [`Db::checkpoint_in_background`]).
    checkpoint: Option<std::thread::JoinHandle<()>>,
}

/// Where the database lives unless `--db` (or `JINGDI_DB`) says otherwise.
pub fn default_path() -> PathBuf {
    if let Some(p) = std::env::var_os("JINGDI_DB") {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "jingdi")
        .map(|d| d.data_dir().join("jingdi.db"))
        .unwrap_or_else(|| PathBuf::from("jingdi.db"))
}

/// The page size of a new database file. Twice SQLite's default: a big merge appends
/// rows to the log and its indexes in the tens of megabytes, and with larger pages it
/// splits and rebalances half as many; it measured about a tenth faster (BENCHMARKS.md).
const PAGE_SIZE: i64 = 8192;

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        let path = path.as_ref().to_path_buf();
        let shown = path.display().to_string();
        let open_err = |e: &dyn std::fmt::Display| Error::Open { path: shown.clone(), message: e.to_string() };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        }
        let mut conn = Connection::open(&path).map_err(|e| open_err(&e))?;
        // The first real read is where SQLite notices a file that is not a database.
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| open_err(&e))?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { path: shown, found, supported: SCHEMA_VERSION });
        }
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(128);
        // Only a new, empty file takes it; an existing database keeps the size it has.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| open_err(&e))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
        migrations.to_latest(&mut conn)?;
        let device_id = ensure_device(&conn)?;
        Ok(Db { conn, path, device_id, checkpoint: None })
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This installation's device id: generated once, never synced, never reused.
    pub fn device_id(&self) -> Uuid {
        self.device_id
    }

    /// Copies the write-ahead log into the database file on a second connection, so a big
    /// commit (a sync merge) returns without waiting for it. The commit itself is as durable
    /// as any other under `synchronous = NORMAL`; a PASSIVE checkpoint blocks no reader or
    /// writer. Dropping the `Db` waits for it, so a process never exits mid-checkpoint.
    pub fn checkpoint_in_background(&mut self) {
        self.wait_for_checkpoint();
        let path = self.path.clone();
        self.checkpoint = Some(std::thread::spawn(move || {
            // Best effort: if it cannot run now, SQLite checkpoints at a later commit or at close.
            if let Ok(c) = Connection::open(&path) {
                let _ = c.busy_timeout(std::time::Duration::from_secs(5));
                let _ = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
            }
        }));
    }

    /// Waits for a background checkpoint, if one is running.
    pub fn wait_for_checkpoint(&mut self) {
        if let Some(h) = self.checkpoint.take() {
            let _ = h.join();
        }
    }

    /// A local setting (operator name, device name, ...).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM local_settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO local_settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The single door for changes: `f` validates against the current state and records
    /// operations; they and the domain rows are committed together, or not at all.
    pub fn write<T>(&mut self, author: &str, f: impl FnOnce(&mut Tx) -> Result<T>) -> Result<T> {
        let device = self.device_id;
        self.write_with(&mut SystemSource, device, author, false, f)
    }

    /// As [`Db::write`], with another time source and device (the deterministic demo).
    pub fn write_with<T>(
        &mut self,
        source: &mut dyn Source,
        device: Uuid,
        author: &str,
        own_clock: bool,
        f: impl FnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        if author.trim().is_empty() {
            return Err(Error::invalid("author", "每次修改都必须记录操作人,操作人不能为空"));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = {
            let mut w = Tx::begin(&tx, source, device, author.trim(), own_clock)?;
            let out = f(&mut w)?;
            w.finish()?;
            out
        };
        tx.commit()?;
        Ok(out)
    }
}

impl Db {
    /// A transaction for the merge of already-recorded operations (sync): it appends
    /// operations other devices wrote and replays them, so it records none of its own.
    pub(crate) fn write_raw<T>(&mut self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

fn ensure_device(conn: &Connection) -> Result<Uuid> {
    let existing: Option<String> =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'device_id'", [], |r| r.get(0)).optional()?;
    if let Some(s) = existing {
        return Uuid::parse_str(&s).map_err(|_| Error::Corrupt(format!("本机设备号「{s}」不是 UUID")));
    }
    let id = SystemSource.uuid_v7();
    conn.execute("INSERT INTO local_settings (key, value) VALUES ('device_id', ?1)", [id.to_string()])?;
    Ok(id)
}

impl Drop for Db {
    fn drop(&mut self) {
        self.wait_for_checkpoint();
    }
}
