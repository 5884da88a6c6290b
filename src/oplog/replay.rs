//! Rebuilding state from the log, and a canonical dump to compare states with.

use super::apply::{apply, op_from_row, OP_COLUMNS};
use super::{Op, ENTITIES};
use crate::error::Result;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

/// The order in which operations are replayed: hybrid logical clock, then device, then id.
/// Every device computes the same order for the same set of operations.
pub const REPLAY_ORDER: &str = "ORDER BY hlc, device_id, id";
/// [`REPLAY_ORDER`] the other way: the operation whose values stand comes first.
pub const NEWEST_FIRST: &str = "ORDER BY hlc DESC, device_id DESC, id DESC";

pub fn all_ops(conn: &Connection) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare(&format!("SELECT {OP_COLUMNS} FROM oplog {REPLAY_ORDER}"))?;
    let mut rows = stmt.query([])?;
    let mut ops = Vec::new();
    while let Some(row) = rows.next()? {
        ops.push(op_from_row(row)?);
    }
    Ok(ops)
}

/// Replays every operation of `source` into the empty, migrated database `target`.
pub fn replay_all(source: &Connection, target: &Connection) -> Result<usize> {
    let ops = all_ops(source)?;
    for op in &ops {
        apply(target, op)?;
    }
    Ok(ops.len())
}

/// A canonical text of every domain table, rows sorted by id, columns by name:
/// two databases hold the same state exactly when their dumps are equal.
pub fn dump(conn: &Connection) -> Result<String> {
    let mut out = String::new();
    for spec in ENTITIES {
        let mut cols: Vec<&str> = spec.columns().collect();
        cols.sort_unstable();
        cols.insert(0, "id");
        let sql = format!("SELECT {} FROM {} ORDER BY id", cols.join(", "), spec.table);
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        out.push_str(&format!("# {}\n", spec.table));
        while let Some(row) = rows.next()? {
            let mut obj = serde_json::Map::new();
            for (i, c) in cols.iter().enumerate() {
                let v = match row.get_ref(i)? {
                    ValueRef::Null => serde_json::Value::Null,
                    ValueRef::Integer(n) => n.into(),
                    ValueRef::Real(f) => f.into(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
                    ValueRef::Blob(b) => format!("<{} bytes>", b.len()).into(),
                };
                obj.insert((*c).to_string(), v);
            }
            out.push_str(&serde_json::Value::Object(obj).to_string());
            out.push('\n');
        }
    }
    Ok(out)
}

/// The dump of the state rebuilt from `source`'s log alone, in a fresh in-memory database.
pub fn rebuilt_dump(source: &Connection) -> Result<String> {
    let fresh = crate::db::Db::open(":memory:")?;
    replay_all(source, fresh.conn())?;
    dump(fresh.conn())
}
