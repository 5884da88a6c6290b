//! Per project and device, the highest sequence number this database holds. A device's
//! operations on a project arrive as a prefix, so the mark says exactly what is here.

use crate::error::Result;
use rusqlite::{params, Connection};
use std::collections::BTreeMap;
use uuid::Uuid;

/// All marks of a project.
pub fn of_project(conn: &Connection, project: Uuid) -> Result<BTreeMap<Uuid, i64>> {
    let mut stmt = conn.prepare_cached("SELECT device_id, seq FROM watermarks WHERE project_id = ?1")?;
    let rows = stmt.query_map([project.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (d, s) = row?;
        if let Ok(d) = Uuid::parse_str(&d) {
            out.insert(d, s);
        }
    }
    Ok(out)
}

/// The marks of every device but `me`: the causal context of a write by `me`.
pub fn others(conn: &Connection, project: Uuid, me: Uuid) -> Result<BTreeMap<Uuid, i64>> {
    let mut all = of_project(conn, project)?;
    all.remove(&me);
    Ok(all)
}

pub fn raise(conn: &Connection, project: Uuid, device: Uuid, seq: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO watermarks (project_id, device_id, seq) VALUES (?1, ?2, ?3)
         ON CONFLICT (project_id, device_id) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?
    .execute(params![project.to_string(), device.to_string(), seq])?;
    Ok(())
}
