//! Several laptops, offline: bundles of operations, merged by set union and deterministic
//! replay, with concurrent edits of the same field listed as conflicts. Nothing is dropped:
//! every operation stays in the log, the losing value of a conflict included.
//!
//! - [`export`] writes the operations a peer has not seen (or all of them) to a bundle file.
//! - [`merge::import`] checks a bundle completely, then in one transaction appends its new
//!   operations, replays the records they touch and records conflicts.
//! - [`folder::sync_folder`] does both through a shared folder (USB stick, network share).
//! - [`conflicts`] lists and resolves conflicts.

pub mod bundle;
pub mod check;
pub mod conflicts;
pub mod folder;
pub mod hub;
pub mod hub_status;
pub mod merge;
pub mod review;

use crate::db::{Db, SCHEMA_VERSION};
use crate::error::Result;
use crate::oplog::apply::{op_from_row, OP_COLUMNS};
use crate::oplog::replay::REPLAY_ORDER;
use crate::oplog::{watermarks, Op};
use crate::project::Project;
use bundle::Header;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use uuid::Uuid;

/// The name this laptop shows to others (asked once by the app; `sync` CLI uses it too).
pub fn device_name(db: &Db) -> Result<String> {
    Ok(db.setting("device_name")?.unwrap_or_default())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every operation of the project: what a new laptop joins with.
    Full,
    /// What the known peers of the project have not all seen; everything if there is none.
    Unseen,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportSummary {
    pub path: String,
    pub operations: usize,
    pub full: bool,
    pub bytes: u64,
}

/// Operations of a project, in replay order.
pub fn project_ops(conn: &Connection, project: Uuid) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare(&format!("SELECT {OP_COLUMNS} FROM oplog WHERE project_id = ?1 {REPLAY_ORDER}"))?;
    let mut rows = stmt.query([project.to_string()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(op_from_row(row)?);
    }
    Ok(out)
}

/// For each device, the lowest mark among the known peers: what all of them hold.
fn held_by_all_peers(conn: &Connection, project: Uuid) -> Result<Option<BTreeMap<Uuid, i64>>> {
    let peers = folder::peers(conn, project)?;
    if peers.is_empty() {
        return Ok(None);
    }
    let mut devices: Vec<Uuid> = peers.iter().flat_map(|p| p.seen.keys().copied()).collect();
    devices.sort();
    devices.dedup();
    let mut floor = BTreeMap::new();
    for d in devices {
        floor.insert(d, peers.iter().map(|p| p.seen.get(&d).copied().unwrap_or(0)).min().unwrap_or(0));
    }
    Ok(Some(floor))
}

pub fn export(db: &Db, project: &Project, path: &Path, scope: Scope) -> Result<ExportSummary> {
    let conn = db.conn();
    let floor = match scope {
        Scope::Full => None,
        Scope::Unseen => held_by_all_peers(conn, project.id)?,
    };
    let mut ops = project_ops(conn, project.id)?;
    if let Some(floor) = &floor {
        ops.retain(|o| o.seq > floor.get(&o.device_id).copied().unwrap_or(0));
    }
    let header = Header {
        format: 1,
        schema_version: SCHEMA_VERSION,
        project_id: project.id,
        project_code: project.code.clone(),
        project_name: project.name.clone(),
        sender_device: db.device_id(),
        sender_name: device_name(db)?,
        created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        full: floor.is_none(),
        seen: watermarks::of_project(conn, project.id)?,
        since: floor.clone().unwrap_or_default(),
        op_count: 0,
        ops_sha256: String::new(),
        keys: {
            let devices: std::collections::BTreeSet<Uuid> = ops.iter().map(|o| o.device_id).collect();
            crate::oplog::signing::device_keys(conn)?.into_iter().filter(|(d, _)| devices.contains(d)).collect()
        },
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    // The operations are about to exist outside this file: no copy of it holding fewer may
    // write under this device id again.
    db.ops_leaving()?;
    let bytes = bundle::write(path, header, &ops)?;
    Ok(ExportSummary { path: path.display().to_string(), operations: ops.len(), full: floor.is_none(), bytes })
}

/// What the 同步 page shows: this laptop, the chosen folder, the other laptops and when
/// each was last seen, and the conflicts waiting for a decision.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SyncStatus {
    pub device_id: Uuid,
    pub device_name: String,
    pub folder: Option<String>,
    pub peers: Vec<folder::Peer>,
    pub conflicts: Vec<conflicts::Conflict>,
}

/// The local setting that remembers the sync folder the user chose.
pub const FOLDER_SETTING: &str = "sync_folder";

pub fn status(db: &Db, project: Uuid) -> Result<SyncStatus> {
    Ok(SyncStatus {
        device_id: db.device_id(),
        device_name: device_name(db)?,
        folder: db.setting(FOLDER_SETTING)?,
        peers: folder::peers(db.conn(), project)?,
        conflicts: conflicts::list(db.conn(), project, false)?,
    })
}
