//! Who writes: this installation, and the device identity a database file writes under.
//!
//! A device id and its sequence numbers must never name two different operations, whatever
//! happens to the file. The file alone cannot promise that: it is copied to a colleague's
//! laptop, or yesterday's copy is restored over it, and both copies would go on writing
//! under one id. So the identity belongs to the installation as well as to the file:
//!
//! - the installation keeps a small registry outside any database file
//!   (`<home>/installation.db`; home is `$JINGDI_HOME` or the OS data folder): its own id, and
//!   for every device id it gave out, the file that writes under it and the highest sequence
//!   number of that device that has left the file (in a bundle, the sync folder, the hub, a
//!   backup) — [`Installation::handed_out`];
//! - the file records which installation its current device id belongs to.
//!
//! When a database is opened ([`establish`]), its device id is kept only if this
//! installation gave it out, for this very file (same inode or same path), and the file's
//! log still holds everything of it that has left. Otherwise the file starts a fresh device
//! id for its new writes ([`start_fresh`]); the old id stays in its log as history, and the
//! laptop shows up to its peers as a new one, named after the old (e.g. "二组笔记本 (2)").

use crate::error::{Error, Result};
use crate::oplog::clock::{Source, SystemSource};
use crate::oplog::signing;
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// Where this installation keeps its registry unless told otherwise.
pub fn default_home() -> PathBuf {
    if let Some(p) = std::env::var_os("JINGDI_HOME").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    directories::ProjectDirs::from("", "", "jingdi")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".jingdi"))
}

/// This installation of Jingdi: an id created once, and the registry of the device ids it
/// gave out. One per user account and machine (or per `$JINGDI_HOME`).
pub struct Installation {
    id: Uuid,
    registry: Connection,
    home: PathBuf,
    /// The key every device id of this installation signs its operations with
    /// (`oplog::signing`). Created with the installation; never leaves it.
    key: SigningKey,
}

/// How a database file is recognised as the same file from one opening to the next: its
/// inode (a copy has another, a move keeps it) or its path (a file on a stick whose inode
/// changes from mount to mount keeps it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKey {
    pub path: String,
    pub inode: String,
}

impl FileKey {
    pub fn of(path: &Path) -> Result<FileKey> {
        let canonical = std::fs::canonicalize(path)?;
        let meta = std::fs::metadata(&canonical)?;
        Ok(FileKey { path: canonical.display().to_string(), inode: inode(&meta) })
    }

    fn same_file(&self, other: &FileKey) -> bool {
        self.path == other.path || (!self.inode.is_empty() && self.inode == other.inode)
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    format!("{}:{}", meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> String {
    String::new()
}

const REGISTRY_SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS installation (
    id         TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
    device_id  TEXT PRIMARY KEY,
    db_path    TEXT NOT NULL,                -- the database file that writes under it
    db_inode   TEXT NOT NULL DEFAULT '',
    handed_out INTEGER NOT NULL DEFAULT 0,   -- highest seq of it that has left that file
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS signing_key (
    secret     TEXT NOT NULL,               -- Ed25519 secret key, hex
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS project_keys (
    public_key TEXT PRIMARY KEY,            -- a project key this installation holds (src/admission.rs)
    secret     TEXT NOT NULL,
    created_at TEXT NOT NULL
);";

impl Installation {
    /// Opens (creating on first use) the installation kept in `home`.
    pub fn open(home: &Path) -> Result<Installation> {
        let failed = |e: &dyn std::fmt::Display| Error::Open {
            path: home.join("installation.db").display().to_string(),
            message: format!("无法打开本机安装信息: {e}"),
        };
        std::fs::create_dir_all(home).map_err(|e| failed(&e))?;
        let registry = Connection::open(home.join("installation.db")).map_err(|e| failed(&e))?;
        registry.busy_timeout(std::time::Duration::from_secs(10))?;
        // Every change here must survive a power cut: it is what keeps a device id unique.
        registry.pragma_update(None, "synchronous", "FULL")?;
        registry.execute_batch(REGISTRY_SCHEMA).map_err(|e| failed(&e))?;
        let found: Option<String> =
            registry.query_row("SELECT id FROM installation LIMIT 1", [], |r| r.get(0)).optional()?;
        let id = match found {
            Some(s) => Uuid::parse_str(&s).map_err(|_| failed(&format!("安装编号「{s}」不是 UUID")))?,
            None => {
                let id = SystemSource.uuid_v7();
                registry.execute(
                    "INSERT INTO installation (id, created_at) SELECT ?1, ?2
                     WHERE NOT EXISTS (SELECT 1 FROM installation)",
                    params![id.to_string(), now()],
                )?;
                // Another process may have created it first; its id is the one.
                let s: String = registry.query_row("SELECT id FROM installation LIMIT 1", [], |r| r.get(0))?;
                Uuid::parse_str(&s).map_err(|_| failed(&format!("安装编号「{s}」不是 UUID")))?
            }
        };
        let key = signing_key(&registry).map_err(|e| failed(&e))?;
        // The registry holds the secret key: readable by this user only.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(home.join("installation.db"), std::fs::Permissions::from_mode(0o600));
        }
        Ok(Installation { id, registry, home: home.to_path_buf(), key })
    }

    /// The key this installation's devices sign with.
    pub fn signing_key(&self) -> &SigningKey {
        &self.key
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Keeps the secret half of a project key (this laptop is the project's 指挥部 laptop).
    pub fn keep_project_key(&self, key: &SigningKey) -> Result<()> {
        self.registry.execute(
            "INSERT OR IGNORE INTO project_keys (public_key, secret, created_at) VALUES (?1, ?2, ?3)",
            params![signing::public_hex(key), signing::hex(key.as_bytes()), now()],
        )?;
        Ok(())
    }

    /// The project key whose public half is `public`, if this installation holds it.
    pub fn project_key(&self, public: &str) -> Result<Option<SigningKey>> {
        let secret: Option<String> = self
            .registry
            .query_row("SELECT secret FROM project_keys WHERE public_key = ?1", [public], |r| r.get(0))
            .optional()?;
        Ok(secret.and_then(|s| signing::key_from_hex(&s)))
    }

    /// The file a device id of this installation writes under, and how much of it has left.
    fn device(&self, device: Uuid) -> Result<Option<(FileKey, i64)>> {
        Ok(self
            .registry
            .query_row(
                "SELECT db_path, db_inode, handed_out FROM devices WHERE device_id = ?1",
                [device.to_string()],
                |r| Ok((FileKey { path: r.get(0)?, inode: r.get(1)? }, r.get(2)?)),
            )
            .optional()?)
    }

    fn bind(&self, device: Uuid, file: &FileKey) -> Result<()> {
        self.registry.execute(
            "INSERT INTO devices (device_id, db_path, db_inode, started_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (device_id) DO UPDATE SET db_path = excluded.db_path, db_inode = excluded.db_inode",
            params![device.to_string(), file.path, file.inode, now()],
        )?;
        Ok(())
    }

    /// The highest sequence number of `device` that has left its file.
    pub fn handed_out(&self, device: Uuid) -> Result<i64> {
        Ok(self.device(device)?.map_or(0, |(_, seq)| seq))
    }

    /// Records, before they leave the file, that `device`'s operations up to `seq` are
    /// about to exist elsewhere. A copy of the file that holds less can no longer write
    /// under this id.
    pub fn record_handed_out(&self, device: Uuid, file: &FileKey, seq: i64) -> Result<()> {
        self.registry.execute(
            "INSERT INTO devices (device_id, db_path, db_inode, handed_out, started_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (device_id) DO UPDATE SET handed_out = max(handed_out, excluded.handed_out)",
            params![device.to_string(), file.path, file.inode, seq, now()],
        )?;
        Ok(())
    }
}

/// Reads the installation's signing key, creating it on first use (another process may
/// create it at the same moment: the first stored is the one).
fn signing_key(registry: &Connection) -> Result<SigningKey> {
    let read = |registry: &Connection| -> Result<Option<String>> {
        Ok(registry.query_row("SELECT secret FROM signing_key LIMIT 1", [], |r| r.get(0)).optional()?)
    };
    let secret = match read(registry)? {
        Some(s) => s,
        None => {
            let fresh = signing::generate();
            registry.execute(
                "INSERT INTO signing_key (secret, created_at) SELECT ?1, ?2
                 WHERE NOT EXISTS (SELECT 1 FROM signing_key)",
                params![signing::hex(fresh.as_bytes()), now()],
            )?;
            read(registry)?.unwrap_or_default()
        }
    };
    signing::key_from_hex(&secret).ok_or_else(|| Error::Corrupt("本机安装信息中的签名密钥已损坏".into()))
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Why a file writes under a new device id from now on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Renewal {
    /// A new database: its first identity.
    New,
    /// The file was written by another installation (copied from another laptop), or by
    /// this one under another file (a copy on the same laptop).
    Copied,
    /// The file's log lacks operations of its device that had already left it: an older
    /// copy was restored over it, or its last commits were lost.
    Behind,
    /// `jingdi restore` put a backup in place.
    Restored,
}

impl Renewal {
    pub fn id(self) -> &'static str {
        match self {
            Renewal::New => "new",
            Renewal::Copied => "copied",
            Renewal::Behind => "behind",
            Renewal::Restored => "restored",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Renewal::New => "新建数据库",
            Renewal::Copied => "数据库文件是从别处复制来的",
            Renewal::Behind => "数据库文件比本机已发出的记录旧(恢复了旧副本,或最后的写入丢失)",
            Renewal::Restored => "从备份恢复",
        }
    }
}

/// One device id this file has written under, newest last.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceIdentity {
    pub device_id: Uuid,
    pub installation_id: Option<Uuid>,
    pub started_at: String,
    pub reason: String,
    pub name: String,
}

/// The current device id of the file, if it has one.
pub fn current(conn: &Connection) -> Result<Option<Uuid>> {
    let s: Option<String> =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'device_id'", [], |r| r.get(0)).optional()?;
    s.map(|s| Uuid::parse_str(&s).map_err(|_| Error::Corrupt(format!("本机设备号「{s}」不是 UUID")))).transpose()
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM local_settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO local_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// The highest sequence number of `device`'s operations in this file's log.
fn logged_up_to(conn: &Connection, device: Uuid) -> Result<i64> {
    Ok(conn.query_row("SELECT coalesce(max(seq), 0) FROM oplog WHERE device_id = ?1", [device.to_string()], |r| {
        r.get(0)
    })?)
}

/// Decides the device id the file at `file` writes under when `installation` opens it, and
/// records the decision. Runs inside the caller's write transaction.
pub fn establish(conn: &Connection, installation: &Installation, file: &FileKey) -> Result<Uuid> {
    let Some(device) = current(conn)? else {
        return start_fresh(conn, installation, file, Renewal::New);
    };
    let owner = setting(conn, "installation_id")?;
    let registered = installation.device(device)?;
    let renewal = match (&owner, &registered) {
        (Some(o), _) if *o != installation.id.to_string() => Some(Renewal::Copied),
        (_, Some((bound, _))) if !bound.same_file(file) => Some(Renewal::Copied),
        (_, Some((_, handed_out))) if logged_up_to(conn, device)? < *handed_out => Some(Renewal::Behind),
        _ => None,
    };
    // A device signs with one key for good: an id bound to another key (its installation's
    // registry was lost and made anew) cannot go on writing.
    // Read first: a file already bound (every file opened since version 0013) is not
    // written to at all when it is opened.
    let ours = signing::public_hex(installation.signing_key());
    let renewal = match renewal {
        None => match signing::device_key(conn, device)? {
            Some(k) if k == ours => None,
            Some(_) => Some(Renewal::Copied),
            None if !signing::bind(conn, device, &ours)? => Some(Renewal::Copied),
            None => None,
        },
        r => r,
    };
    if let Some(renewal) = renewal {
        return start_fresh(conn, installation, file, renewal);
    }
    // Ours: a file from before installations were recorded is adopted; a moved file (or one
    // whose inode changed) is recognised by the other half of its key.
    if owner.is_none() {
        put_setting(conn, "installation_id", &installation.id.to_string())?;
        conn.execute(
            "UPDATE device_identities SET installation_id = ?2 WHERE device_id = ?1",
            params![device.to_string(), installation.id.to_string()],
        )?;
    }
    if registered.as_ref().is_none_or(|(bound, _)| bound != file) {
        installation.bind(device, file)?;
    }
    Ok(device)
}

/// Gives the file a new device id of this installation for its writes from now on; the
/// old one stays in the log as history. Also used by `restore` on the copy it puts in place
/// (`file` is then the live database's key).
pub fn start_fresh(conn: &Connection, installation: &Installation, file: &FileKey, why: Renewal) -> Result<Uuid> {
    let device = SystemSource.uuid_v7();
    let previous = current(conn)?;
    let at = now();
    if let Some(old) = previous {
        conn.execute(
            "UPDATE device_identities SET ended_at = ?2 WHERE device_id = ?1 AND ended_at IS NULL",
            params![old.to_string(), at],
        )?;
        // Peers see a new laptop, named after the old one.
        if let Some(name) = setting(conn, "device_name")?.filter(|n| !n.trim().is_empty()) {
            put_setting(conn, "device_name", &next_name(&name))?;
        }
    }
    let name = setting(conn, "device_name")?.unwrap_or_default();
    put_setting(conn, "device_id", &device.to_string())?;
    put_setting(conn, "installation_id", &installation.id.to_string())?;
    conn.execute(
        "INSERT INTO device_identities (device_id, installation_id, started_at, reason, name) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device.to_string(), installation.id.to_string(), at, why.id(), name],
    )?;
    installation.bind(device, file)?;
    signing::bind(conn, device, &signing::public_hex(installation.signing_key()))?;
    Ok(device)
}

/// "二组笔记本" → "二组笔记本 (2)", "二组笔记本 (2)" → "二组笔记本 (3)".
pub fn next_name(name: &str) -> String {
    let name = name.trim();
    if let Some(open) = name.rfind(" (") {
        if let Some(n) = name[open + 2..].strip_suffix(')').and_then(|n| n.parse::<u32>().ok()) {
            return format!("{} ({})", &name[..open], n + 1);
        }
    }
    format!("{name} (2)")
}

/// Every device id this file has written under, oldest first.
pub fn history(conn: &Connection) -> Result<Vec<DeviceIdentity>> {
    let mut stmt = conn.prepare(
        "SELECT device_id, installation_id, started_at, reason, name FROM device_identities ORDER BY started_at, rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(DeviceIdentity {
            device_id: crate::read::uuid(r, 0)?,
            installation_id: r.get::<_, Option<String>>(1)?.and_then(|s| Uuid::parse_str(&s).ok()),
            started_at: r.get(2)?,
            reason: r.get(3)?,
            name: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
