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
    /// What the record is to a person, where it is not a household: a pole's label, an
    /// obstacle's or checklist item's title, a group's name, a day's date, an attachment's
    /// kind, file name and what it is attached to.
    pub subject: Option<String>,
    /// The fields set, readable: the schema's Chinese names, references as household
    /// numbers, pole labels and names, money in 元 and areas in m² (ids of the record's
    /// own project and household left out: they are the entry's context).
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldChange {
    pub field: String,
    /// The field's Chinese name from `src/schema.rs`.
    pub name: String,
    pub value: String,
    /// The value is a vocabulary id (the screen shows it in its language).
    pub vocab: bool,
}

/// A reference as a person knows it.
fn label_of(conn: &Connection, entity: Entity, id: &str) -> Option<String> {
    use rusqlite::OptionalExtension;
    let sql = match entity {
        Entity::Household => "SELECT number FROM households WHERE id = ?1",
        Entity::Pole => "SELECT label FROM poles WHERE id = ?1",
        Entity::WorkGroup => "SELECT name FROM work_groups WHERE id = ?1",
        Entity::Staff => "SELECT name FROM staff WHERE id = ?1",
        Entity::Obstacle => "SELECT title FROM obstacles WHERE id = ?1",
        Entity::ChecklistItem => "SELECT title FROM checklist_items WHERE id = ?1",
        Entity::DemolitionLog => "SELECT log_date FROM demolition_logs WHERE id = ?1",
        Entity::Project => "SELECT code FROM projects WHERE id = ?1",
        _ => return None,
    };
    conn.query_row(sql, [id], |r| r.get::<_, String>(0)).optional().ok().flatten()
}

/// What an attachment is attached to: the kind of record and which one ("住户「H1」",
/// "走访记录「H1 2024-01-05」", "杆线「P-3」").
fn target_label(conn: &Connection, target: &str, id: &str) -> String {
    use crate::vocab::AttachTarget as T;
    use rusqlite::OptionalExtension;
    let Ok(t) = T::parse(target) else { return "（未知记录）".into() };
    let sql = match t {
        T::Household => "SELECT number FROM households WHERE id = ?1",
        T::Visit => {
            "SELECT h.number || ' ' || substr(v.visited_at, 1, 10) FROM visits v
             JOIN households h ON h.id = v.household_id WHERE v.id = ?1"
        }
        T::InventoryItem => {
            "SELECT h.number || ' ' || i.name FROM inventory_items i
             JOIN households h ON h.id = i.household_id WHERE i.id = ?1"
        }
        T::CompensationItem => {
            "SELECT h.number || ' ' || c.label FROM compensation_items c
             JOIN households h ON h.id = c.household_id WHERE c.id = ?1"
        }
        T::Pole => "SELECT label FROM poles WHERE id = ?1",
        T::Obstacle => "SELECT title FROM obstacles WHERE id = ?1",
        T::DemolitionLog => "SELECT log_date FROM demolition_logs WHERE id = ?1",
    };
    let label = conn.query_row(sql, [id], |r| r.get::<_, String>(0)).optional().ok().flatten();
    format!("{}「{}」", t.zh(), label.as_deref().unwrap_or("（已删除）"))
}

/// An attachment as a person knows it: the kind of file, its name, what it is attached to.
fn attachment_label(conn: &Connection, id: &str) -> Option<String> {
    use rusqlite::OptionalExtension;
    let (kind, file, target, target_id): (String, String, String, String) = conn
        .query_row("SELECT kind, file_name, target, target_id FROM attachments WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()
        .ok()
        .flatten()?;
    let kind = crate::vocab::AttachmentKind::parse(&kind).map(|k| k.zh()).unwrap_or("附件");
    Some(format!("{kind}「{file}」→ {}", target_label(conn, &target, &target_id)))
}

/// A file's size as people read it (1 KB = 1,024 bytes).
fn file_size(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} 字节"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn readable(conn: &Connection, entity: Entity, fields: &Fields) -> Vec<FieldChange> {
    use crate::schema::Kind;
    let mut out = Vec::new();
    for (k, v) in fields.0.iter() {
        if k == "project_id" || k == "household_id" {
            continue;
        }
        // An attachment's target kind is said with the target itself (`target_id`).
        if entity == Entity::Attachment && k == "target" {
            continue;
        }
        let Some(spec) = crate::schema::field(entity, k) else { continue };
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => "—".to_string(),
            other => other.to_string(),
        };
        let value = match (spec.kind, v) {
            (_, serde_json::Value::Null) => "—".to_string(),
            (Kind::Ref(e), serde_json::Value::String(id)) => {
                label_of(conn, e, id).unwrap_or_else(|| "（已删除）".into())
            }
            (Kind::RefList(e), serde_json::Value::Array(ids)) => ids
                .iter()
                .map(|id| id.as_str().and_then(|id| label_of(conn, e, id)).unwrap_or_else(|| "（已删除）".into()))
                .collect::<Vec<_>>()
                .join("、"),
            (Kind::TextList, serde_json::Value::Array(xs)) => xs.iter().map(text).collect::<Vec<_>>().join("、"),
            (Kind::Fen { .. }, serde_json::Value::Number(n)) => crate::units::format_yuan(n.as_i64().unwrap_or(0)),
            (Kind::Area, serde_json::Value::Number(n)) => crate::units::format_m2(n.as_i64().unwrap_or(0)),
            (Kind::Flag, serde_json::Value::Number(n)) => (if n.as_i64() == Some(1) { "是" } else { "否" }).into(),
            (Kind::Json { .. }, _) => "（已更新）".into(),
            (Kind::IdNumber, serde_json::Value::String(s)) => crate::idcard::mask(s),
            (Kind::Target, serde_json::Value::String(id)) => {
                target_label(conn, fields.0.get("target").and_then(|t| t.as_str()).unwrap_or(""), id)
            }
            (Kind::Sha256, serde_json::Value::String(h)) => format!("{}…", h.chars().take(12).collect::<String>()),
            (_, serde_json::Value::Number(n)) if entity == Entity::Attachment && k == "size" => {
                file_size(n.as_i64().unwrap_or(0))
            }
            (_, serde_json::Value::Number(n)) if k.ends_with("_e7") => {
                let e7 = n.as_i64().unwrap_or(0);
                format!(
                    "{}{}.{:07}",
                    if e7 < 0 { "-" } else { "" },
                    e7.unsigned_abs() / 10_000_000,
                    e7.unsigned_abs() % 10_000_000
                )
            }
            _ => text(v),
        };
        let value = if value.chars().count() > 60 { value.chars().take(60).collect::<String>() + "…" } else { value };
        out.push(FieldChange {
            field: k.clone(),
            name: spec.zh.to_string(),
            value,
            vocab: matches!(spec.kind, Kind::Vocab(_)),
        });
    }
    out
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
            subject: match op.entity {
                Entity::Household => None,
                Entity::Attachment => attachment_label(conn, &op.entity_id.to_string()),
                e => label_of(conn, e, &op.entity_id.to_string()),
            },
            changes: readable(conn, op.entity, &op.fields),
            fields: op.fields,
            reason: op.reason,
            household_no: row.get(crate::oplog::apply::OP_COLUMN_COUNT)?,
        });
    }
    out.reverse();
    Ok(out)
}
