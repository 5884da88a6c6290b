//! The sync folder: a folder the user chooses (USB stick, network share, Syncthing) where
//! each laptop keeps its bundle of the project, `<code>/<device id>.jdb`, and reads the
//! others'. No server; the bundles say who was last seen when.

use super::bundle::Header;
use super::merge::ImportReport;
use crate::db::Db;
use crate::error::Result;
use crate::project::Project;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SyncPeer"))]
pub struct Peer {
    pub device_id: Uuid,
    pub name: String,
    /// When the peer wrote the latest bundle we imported.
    pub last_seen_at: String,
    pub imported_at: String,
    pub seen: BTreeMap<Uuid, i64>,
}

pub(crate) fn record_peer(conn: &Connection, project: Uuid, h: &Header, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_peers (project_id, peer_device, peer_name, last_seen_at, imported_at, seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (project_id, peer_device) DO UPDATE SET peer_name = excluded.peer_name,
             last_seen_at = max(last_seen_at, excluded.last_seen_at), imported_at = excluded.imported_at,
             seen = CASE WHEN excluded.last_seen_at >= last_seen_at THEN excluded.seen ELSE seen END",
        params![
            project.to_string(),
            h.sender_device.to_string(),
            h.sender_name,
            h.created_at,
            now,
            serde_json::to_string(&h.seen).expect("marks serialise")
        ],
    )?;
    Ok(())
}

pub fn peers(conn: &Connection, project: Uuid) -> Result<Vec<Peer>> {
    let mut stmt = conn.prepare(
        "SELECT peer_device, peer_name, last_seen_at, imported_at, seen FROM sync_peers WHERE project_id = ?1 ORDER BY last_seen_at DESC",
    )?;
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok(Peer {
            device_id: crate::read::uuid(r, 0)?,
            name: r.get(1)?,
            last_seen_at: r.get(2)?,
            imported_at: r.get(3)?,
            seen: serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FolderReport {
    pub folder: String,
    pub imported: Vec<ImportReport>,
    /// Files that were refused, with the reason; the rest of the folder still synced.
    pub refused: Vec<Refused>,
    pub exported: super::ExportSummary,
    pub peers: Vec<Peer>,
    /// Attachment files moved through the folder (`None`: operations only this time).
    pub files: Option<crate::evidence::transport::FileSyncReport>,
    /// 取消 stopped the reading of bundles: those in `imported` are merged, the others
    /// (and the files) wait for the next sync.
    pub stopped: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RefusedBundle"))]
pub struct Refused {
    pub file: String,
    pub code: String,
    pub message: String,
}

/// Reads every other laptop's bundle of the project in `folder`, then writes this one's,
/// then moves attachment files both ways.
pub fn sync_folder(db: &mut Db, project: &Project, folder: &Path) -> Result<FolderReport> {
    sync_folder_with(db, project, folder, true)
}

/// As [`sync_folder`]; `files: false` syncs the operations only (files can follow later,
/// [`crate::evidence::transport::sync_files`]).
pub fn sync_folder_with(db: &mut Db, project: &Project, folder: &Path, with_files: bool) -> Result<FolderReport> {
    sync_folder_until(db, project, folder, with_files, &|| false)
}

/// As [`sync_folder_with`], asking `stop` before each bundle: once it answers true no more
/// bundles are read (those merged stay, each whole) and no files move; this laptop's own
/// bundle is still written, so the others see what it has.
pub fn sync_folder_until(
    db: &mut Db,
    project: &Project,
    folder: &Path,
    with_files: bool,
    stop: &dyn Fn() -> bool,
) -> Result<FolderReport> {
    let dir = folder.join(&project.code);
    std::fs::create_dir_all(&dir)?;
    let mine = dir.join(format!("{}.{}", db.device_id(), super::bundle::EXTENSION));
    let mut files: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == super::bundle::EXTENSION) && *p != mine)
        .collect();
    files.sort();
    let mut imported = Vec::new();
    let mut refused = Vec::new();
    let mut stopped = false;
    for f in files {
        if stop() {
            stopped = true;
            break;
        }
        match super::merge::import(db, &f) {
            Ok(r) => imported.push(r),
            Err(e) => refused.push(Refused { file: f.display().to_string(), code: e.code(), message: e.to_string() }),
        }
    }
    // Full, so that a laptop that joins through the folder finds everything.
    let exported = super::export(db, project, &mine, super::Scope::Full)?;
    let files = if with_files && !stopped {
        let carrier = crate::evidence::transport::Folder::new(folder, &project.code);
        Some(crate::evidence::transport::sync_files(db, project.id, &carrier)?)
    } else {
        None
    };
    Ok(FolderReport {
        files,
        folder: dir.display().to_string(),
        imported,
        refused,
        exported,
        peers: peers(db.conn(), project.id)?,
        stopped,
    })
}
