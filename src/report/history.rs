//! The operation log read as a history: who changed what, when, on which device.

use crate::error::Result;
use crate::oplog::apply::{op_from_row, OP_COLUMNS};
use crate::oplog::{Action, Entity, Fields};
use chrono::{NaiveDate, TimeZone};
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct HistoryFilter {
    pub project: Option<Uuid>,
    /// Operations recorded on or after this local date.
    pub since: Option<NaiveDate>,
    /// One record; for a household, also its visits, stage events and compensation items.
    pub entity: Option<Uuid>,
    pub author: Option<String>,
    /// Newest entries only, at most this many (the list stays in time order).
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    pub id: Uuid,
    pub recorded_at: String,
    pub hlc: i64,
    pub device_id: Uuid,
    pub seq: i64,
    pub author: String,
    pub entity: Entity,
    pub entity_id: Uuid,
    pub action: Action,
    pub fields: Fields,
    pub reason: Option<String>,
    /// The household the change concerns, where there is one.
    pub household_no: Option<String>,
}

/// The smallest hybrid-clock value of operations recorded on or after a local date.
pub fn hlc_at_start_of(date: NaiveDate) -> i64 {
    let start = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    let ms = chrono::Local
        .from_local_datetime(&start)
        .earliest()
        .map(|t| t.timestamp_millis())
        .unwrap_or_else(|| start.and_utc().timestamp_millis());
    ms << 16
}

pub fn history(conn: &Connection, f: &HistoryFilter) -> Result<Vec<HistoryEntry>> {
    let mut sql = format!(
        "SELECT {OP_COLUMNS}, (SELECT number FROM households h WHERE h.id = coalesce(json_extract(o.fields, '$.household_id'), CASE WHEN o.entity = 'household' THEN o.entity_id END)) FROM oplog o WHERE 1 = 1"
    );
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(p) = f.project {
        sql.push_str(" AND o.project_id = ?");
        args.push(p.to_string().into());
    }
    if let Some(d) = f.since {
        sql.push_str(" AND o.hlc >= ?");
        args.push(hlc_at_start_of(d).into());
    }
    if let Some(e) = f.entity {
        sql.push_str(" AND (o.entity_id = ? OR json_extract(o.fields, '$.household_id') = ?)");
        args.push(e.to_string().into());
        args.push(e.to_string().into());
    }
    if let Some(a) = &f.author {
        sql.push_str(" AND o.author = ?");
        args.push(a.clone().into());
    }
    sql.push_str(" ORDER BY o.hlc DESC, o.device_id DESC, o.id DESC");
    if let Some(n) = f.limit {
        sql.push_str(&format!(" LIMIT {n}"));
    }
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let op = op_from_row(row)?;
        out.push(HistoryEntry {
            id: op.id,
            recorded_at: op.recorded_at,
            hlc: op.hlc,
            device_id: op.device_id,
            seq: op.seq,
            author: op.author,
            entity: op.entity,
            entity_id: op.entity_id,
            action: op.action,
            fields: op.fields,
            reason: op.reason,
            household_no: row.get(crate::oplog::apply::OP_COLUMN_COUNT)?,
        });
    }
    out.reverse();
    Ok(out)
}
