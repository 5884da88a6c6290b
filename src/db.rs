//! Opening the database: pragmas, migrations, the schema-version guard, and this
//! installation's device identity. [`Db::write`] is the single door for changes.

use crate::error::{Error, Result};
use crate::identity::{self, FileKey, Installation};
use crate::oplog::clock::{Source, SystemSource};
use crate::oplog::{signing, Tx};
use ed25519_dalek::SigningKey;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// The schema, one migration per file in `migrations/`, applied in order on open.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_ledger.sql"),
    include_str!("../migrations/0002_meetings.sql"),
    include_str!("../migrations/0003_sync.sql"),
    include_str!("../migrations/0004_compensation.sql"),
    include_str!("../migrations/0005_identity.sql"),
    include_str!("../migrations/0010_attachments.sql"),
    include_str!("../migrations/0011_map.sql"),
    include_str!("../migrations/0013_signing.sql"),
    include_str!("../migrations/0016_view_indexes.sql"),
    include_str!("../migrations/0017_admissions.sql"),
    include_str!("../migrations/0020_data_exports.sql"),
];

/// The schema version this binary writes; a database above it is refused.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub struct Db {
    conn: Connection,
    path: PathBuf,
    /// This installation (absent for an in-memory database, which never syncs).
    installation: Option<Installation>,
    file: Option<FileKey>,
    /// The device id found at the last open or write; see [`Db::device_id`].
    device_id: Uuid,
    /// Holds SQLite's shared lock on the file for as long as the `Db` lives (see [`guard`]).
    guard: Option<std::fs::File>,
    /// A WAL checkpoint running on its own connection (see [`Db::checkpoint_in_background`]).
    checkpoint: Option<std::thread::JoinHandle<()>>,
    /// The key this file's device signs its operations with: the installation's, or for a
    /// database in memory one of its own.
    signer: SigningKey,
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

/// How far the write-ahead log may stay grown after a checkpoint (a big merge grows it to
/// about 100 MB; SQLite would keep that file size for good).
const WAL_KEEP_BYTES: i64 = 64 << 20;

/// Brings the schema of the database `conn` has open up to [`SCHEMA_VERSION`] (also used
/// on a restored backup of an older version).
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let migrations = Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect());
    migrations.to_latest(conn)?;
    Ok(())
}

/// Opens another connection to a database file (a reader beside the main one, a
/// checkpoint), with the settings every connection of Jingdi has.
pub fn connect(path: &Path, read_only: bool) -> rusqlite::Result<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::default()
    };
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date,
    /// as this installation (`$JINGDI_HOME` or the OS data folder).
    pub fn open(path: impl AsRef<Path>) -> Result<Db> {
        Db::open_in(path, &identity::default_home())
    }

    /// As [`Db::open`], as the installation kept in `home` (each laptop of a test has its own).
    pub fn open_in(path: impl AsRef<Path>, home: &Path) -> Result<Db> {
        let path = path.as_ref().to_path_buf();
        let shown = path.display().to_string();
        let open_err = |e: &dyn std::fmt::Display| Error::Open { path: shown.clone(), message: e.to_string() };
        let in_memory = shown.is_empty() || shown == ":memory:";
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(&e))?;
        }
        let mut conn = connect(&path, false).map_err(|e| open_err(&e))?;
        // The first real read is where SQLite notices a file that is not a database.
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| open_err(&e))?;
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { path: shown, found, supported: SCHEMA_VERSION });
        }
        conn.set_prepared_statement_cache_capacity(128);
        // Only a new, empty file takes it; an existing database keeps the size it has.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(|e| open_err(&e))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Every commit reaches the disk before it is acknowledged (see ARCHITECTURE.md,
        // "Durability"): a save the user saw, or an operation a bundle carried away, is
        // never lost to a power cut.
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "journal_size_limit", WAL_KEEP_BYTES)?;
        let guard = if in_memory { None } else { guard(&path) };
        if found > 0 && found < SCHEMA_VERSION {
            crate::backup::before_migration(&conn, &path, found, SCHEMA_VERSION)?;
        }
        migrate(&mut conn)?;
        let (installation, file, device_id) = if in_memory {
            let device = SystemSource.uuid_v7();
            conn.execute(
                "INSERT INTO local_settings (key, value) VALUES ('device_id', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [device.to_string()],
            )?;
            (None, None, device)
        } else {
            let installation = Installation::open(home)?;
            let file = FileKey::of(&path).map_err(|e| open_err(&e))?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let device = identity::establish(&tx, &installation, &file)?;
            tx.commit()?;
            (Some(installation), Some(file), device)
        };
        let signer = match &installation {
            Some(i) => i.signing_key().clone(),
            None => {
                let key = signing::generate();
                signing::bind(&conn, device_id, &signing::public_hex(&key))?;
                key
            }
        };
        Ok(Db { conn, path, installation, file, device_id, guard, checkpoint: None, signer })
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// For SQLite's backup API, which needs the connection to itself (restore).
    pub(crate) fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// Opens the file again (after a restore replaced its content): upgrades an older
    /// schema and takes up the device identity the file now has.
    pub fn reopen(&mut self) -> Result<()> {
        let home = self.installation.as_ref().map_or_else(identity::default_home, |i| i.home().to_path_buf());
        let fresh = Db::open_in(&self.path, &home)?;
        *self = fresh;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The device id this file writes under (see [`identity`]). Read from the file, so a
    /// restore made by another process since this one opened it is followed.
    pub fn device_id(&self) -> Uuid {
        identity::current(&self.conn).ok().flatten().unwrap_or(self.device_id)
    }

    /// This installation, unless the database is in memory.
    pub fn installation(&self) -> Option<&Installation> {
        self.installation.as_ref()
    }

    /// Called before operations leave this file (a bundle, the sync folder, the hub, a
    /// backup): records with the installation that this device's operations up to the
    /// newest are now held elsewhere, so that no copy of the file holding fewer may go on
    /// writing under its id. Commits are already on disk (`synchronous = FULL`).
    pub fn ops_leaving(&self) -> Result<()> {
        if let (Some(installation), Some(file)) = (&self.installation, &self.file) {
            let device = self.device_id();
            let seq: i64 = self.conn.query_row(
                "SELECT coalesce(max(seq), 0) FROM oplog WHERE device_id = ?1",
                [device.to_string()],
                |r| r.get(0),
            )?;
            installation.record_handed_out(device, file, seq)?;
        }
        Ok(())
    }

    /// Runs `f` with commits that reach the disk only at the end: for generating data that
    /// can be generated again (the demos), where waiting for the disk at each of thousands
    /// of small commits would take many seconds. A crash in the middle loses some of it,
    /// never half a commit; when `f` returns, everything is made durable.
    pub fn in_bulk<T>(&mut self, f: impl FnOnce(&mut Db) -> Result<T>) -> Result<T> {
        self.conn.pragma_update(None, "synchronous", "NORMAL")?;
        let out = f(self);
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        // Syncs the write-ahead log, then copies it into the file and syncs that.
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        out
    }

    /// Copies the write-ahead log into the database file on a second connection, so a big
    /// commit (a sync merge) returns without waiting for it; the checkpoint first syncs the
    /// log, which makes a merge committed without waiting for the disk durable (see
    /// `sync::merge`). A PASSIVE checkpoint blocks no reader or writer. Dropping the `Db`
    /// waits for it, so a process never exits mid-checkpoint.
    pub fn checkpoint_in_background(&mut self) {
        self.wait_for_checkpoint();
        let path = self.path.clone();
        self.checkpoint = Some(std::thread::spawn(move || {
            // Best effort: if it cannot run now, SQLite checkpoints at a later commit or at close.
            if let Ok(c) = connect(&path, false) {
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
        self.write_as(&mut SystemSource, None, author, false, f)
    }

    /// As [`Db::write`], with another time source and device, signing with that device's
    /// key (the deterministic demo).
    pub fn write_with<T>(
        &mut self,
        source: &mut dyn Source,
        device: (Uuid, &SigningKey),
        author: &str,
        own_clock: bool,
        f: impl FnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        self.write_as(source, Some(device), author, own_clock, f)
    }

    /// `device`: `None` writes as this file's own device, read inside the transaction so
    /// that a restore by another process is never written over under the old id.
    fn write_as<T>(
        &mut self,
        source: &mut dyn Source,
        device: Option<(Uuid, &SigningKey)>,
        author: &str,
        own_clock: bool,
        f: impl FnOnce(&mut Tx) -> Result<T>,
    ) -> Result<T> {
        if author.trim().is_empty() {
            return Err(Error::invalid("author", "每次修改都必须记录操作人，操作人不能为空"));
        }
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (device, key) = match device {
            Some(d) => d,
            None => {
                let d = identity::current(&tx)?.ok_or_else(|| Error::Corrupt("数据库没有本机设备号".into()))?;
                self.device_id = d;
                (d, &self.signer)
            }
        };
        // Operations signed with a key the device is not bound to would be refused by every
        // peer: refuse them here first.
        if !signing::bind(&tx, device, &signing::public_hex(key))? {
            return Err(Error::Corrupt(format!("设备 {device} 的签名密钥与记录的公钥不符，无法写入")));
        }
        let out = {
            let mut w = Tx::begin(&tx, source, device, key, self.installation.as_ref(), author.trim(), own_clock)?;
            let out = f(&mut w)?;
            w.finish()?;
            out
        };
        tx.commit()?;
        Ok(out)
    }
}

// Readers for the desktop app (see `src-tauri/src/store.rs`).
impl Db {
    /// Another connection to this database that can only read. In WAL mode it sees the
    /// last committed state without waiting for a writer, so the app's screens keep
    /// answering while this `Db` holds a long merge or import; any attempt to write
    /// through it fails (`SQLITE_READONLY`). The schema is this `Db`'s, already migrated.
    pub fn open_reader(&self) -> Result<Db> {
        let shown = self.path.display().to_string();
        let conn = connect(&self.path, true).map_err(|e| Error::Open { path: shown, message: e.to_string() })?;
        conn.set_prepared_statement_cache_capacity(128);
        // A reader writes nothing and sends nothing away: no installation, no guard (the
        // writer's guard covers the process).
        Ok(Db {
            conn,
            path: self.path.clone(),
            installation: None,
            file: None,
            device_id: self.device_id,
            guard: None,
            checkpoint: None,
            signer: self.signer.clone(),
        })
    }

    /// Runs `f` in one read transaction, so every query it makes sees the same committed
    /// state even when another connection commits meanwhile (a screen's figures agree).
    pub fn snapshot<T>(&self, f: impl FnOnce(&Db) -> Result<T>) -> Result<T> {
        let tx = self.conn.unchecked_transaction()?;
        let out = f(self)?;
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

impl Drop for Db {
    fn drop(&mut self) {
        self.wait_for_checkpoint();
        // The guard goes first: then SQLite, closing the connection, can tell whether it is
        // the database's last user, and if so checkpoints and deletes the log as usual (a
        // stale log left beside the file would be replayed onto any copy put in its place).
        self.guard = None;
    }
}

/// Keeps the write-ahead log of an open database from being deleted by another process.
///
/// SQLite's locks are POSIX record locks, which a process loses on *all* its descriptors of
/// a file as soon as it closes *any* descriptor of that file — a GTK file dialog sniffing the
/// database's type is enough (sqlite.org/howtocorrupt.html §2.2). The next process to close
/// the database then believes itself its last user, checkpoints and deletes the WAL, and
/// this process goes on writing into the deleted file: its saves are invisible to everyone
/// and gone when it exits.
///
/// So for as long as a `Db` lives it holds, on a descriptor of its own, an *open file
/// description* lock (Linux `F_OFD_SETLK`) on the bytes of SQLite's shared lock. Such a lock
/// belongs to that descriptor, not to the process: no close elsewhere in the process drops
/// it, and it conflicts with the exclusive lock every other process (a plain `sqlite3` shell
/// included) must take before it checkpoints and deletes the WAL at close. In WAL mode
/// nothing else needs that exclusive lock: readers and writers meet in the `-shm` file.
///
/// Other systems: Windows locks are per handle and never had the problem; elsewhere none.
#[cfg(target_os = "linux")]
fn guard(path: &Path) -> Option<std::fs::File> {
    use std::os::fd::AsRawFd;
    // os_unix.c: PENDING_BYTE 0x40000000, then RESERVED_BYTE, then the shared range.
    const SHARED_FIRST: i64 = 0x4000_0000 + 2;
    const SHARED_SIZE: i64 = 510;
    let file = std::fs::OpenOptions::new().read(true).write(true).open(path).ok()?;
    let lock = libc::flock {
        l_type: libc::F_RDLCK as libc::c_short,
        l_whence: libc::SEEK_SET as libc::c_short,
        l_start: SHARED_FIRST,
        l_len: SHARED_SIZE,
        l_pid: 0,
    };
    // A process holding the exclusive lock is finishing a checkpoint at close; wait a little.
    for _ in 0..100 {
        // SAFETY: a valid descriptor and a fully initialised `flock`.
        if unsafe { libc::fcntl(file.as_raw_fd(), libc::F_OFD_SETLK, &lock) } == 0 {
            return Some(file);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    None
}

#[cfg(not(target_os = "linux"))]
fn guard(_path: &Path) -> Option<std::fs::File> {
    None
}
