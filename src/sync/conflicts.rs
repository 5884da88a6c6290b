//! Conflicts: two devices set the same field of the same record without either having seen
//! the other's change. Both operations stay in the log; the replay order decides which
//! value shows; the pair is listed until someone decides, which writes a new operation that
//! has seen both and so settles the conflict on every laptop it reaches.

use super::review;
use crate::error::{Error, Result};
use crate::oplog::apply::{op_from_row, OP_COLUMNS};
use crate::oplog::{Entity, Fields, Op, Tx};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::HashSet;
use uuid::Uuid;

/// Written on two laptops, neither of which had seen the other.
pub(crate) fn concurrent(a: &Op, b: &Op) -> bool {
    a.device_id != b.device_id && !a.has_seen(b) && !b.has_seen(a)
}

/// Stores one item to review — a field two laptops set (`field`), or a rule they broke
/// together (`rule.…`, [`review`]) — unless it is listed already; 1 if it is new.
#[allow(clippy::too_many_arguments)]
pub(crate) fn store(
    conn: &Connection,
    project: Uuid,
    a: &Op,
    b: &Op,
    field: &str,
    entity: Entity,
    entity_id: Uuid,
    now: &str,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "INSERT OR IGNORE INTO sync_conflicts (op_a, op_b, field, entity, entity_id, project_id, detected_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            a.id.to_string(),
            b.id.to_string(),
            field,
            entity.id(),
            entity_id.to_string(),
            project.to_string(),
            now
        ])?)
}

/// Records every concurrent same-field pair with different values among `ops` (one record's
/// operations) that involves an operation new in this import. Returns how many pairs were new.
pub(crate) fn detect(conn: &Connection, project: Uuid, ops: &[&Op], new: &HashSet<Uuid>, now: &str) -> Result<usize> {
    let mut found = 0;
    for (i, a) in ops.iter().enumerate() {
        for b in &ops[i + 1..] {
            if !(new.contains(&a.id) || new.contains(&b.id)) || !concurrent(a, b) {
                continue;
            }
            // Two laptops that wrote the same value leave nothing to review.
            for field in a.fields.0.keys().filter(|k| b.fields.0.get(*k).is_some_and(|v| *v != a.fields.0[*k])) {
                let (x, y) = if a.id < b.id { (a, b) } else { (b, a) };
                found += store(conn, project, x, y, field, a.entity, a.entity_id, now)?;
            }
        }
    }
    Ok(found)
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ConflictSide"))]
pub struct Side {
    pub operation: Uuid,
    pub value: serde_json::Value,
    pub author: String,
    pub recorded_at: String,
    pub device_id: Uuid,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Conflict {
    /// `op_a:op_b:field`, stable on every laptop.
    pub key: String,
    pub entity: Entity,
    pub entity_id: Uuid,
    pub field: String,
    pub household_no: Option<String>,
    pub a: Side,
    pub b: Side,
    /// "a" or "b": the value the replay order shows now (empty for a rule item).
    pub showing: String,
    /// A later operation on the field has seen both sides.
    pub resolved: bool,
    /// For a rule two laptops broke together (see [`super::review`]): the rule's code, also
    /// in `field`. Side "a" is the change the rule holds against, "b" the change it would
    /// have refused; each side's `value` is the fields its operation set. None for a field.
    pub rule: Option<String>,
    /// What happened, in words (rule items; None for a field).
    pub message: Option<String>,
}

fn op(conn: &Connection, id: &str) -> Result<Op> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {OP_COLUMNS} FROM oplog WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(r) => op_from_row(r),
        None => Err(Error::Corrupt(format!("冲突引用的操作 {id} 不在操作日志中"))),
    }
}

fn side(o: &Op, field: &str) -> Side {
    Side {
        operation: o.id,
        value: o.fields.0.get(field).cloned().unwrap_or(serde_json::Value::Null),
        author: o.author.clone(),
        recorded_at: o.recorded_at.clone(),
        device_id: o.device_id,
    }
}

/// The conflicts of a project, open ones only unless `include_resolved`.
pub fn list(conn: &Connection, project: Uuid, include_resolved: bool) -> Result<Vec<Conflict>> {
    let mut stmt = conn.prepare(
        "SELECT op_a, op_b, field, entity_id, entity FROM sync_conflicts WHERE project_id = ?1
         ORDER BY detected_at, op_a, op_b, field",
    )?;
    let rows: Vec<(String, String, String, String, String)> = stmt
        .query_map([project.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (a_id, b_id, field, entity_id, entity) in rows {
        let (a, b) = (op(conn, &a_id)?, op(conn, &b_id)?);
        let entity_id = Uuid::parse_str(&entity_id).map_err(|e| Error::Corrupt(e.to_string()))?;
        if let Some(rule) = field.strip_prefix(review::RULE_PREFIX) {
            let resolved = review::settled(conn, &a, &b)?;
            if resolved && !include_resolved {
                continue;
            }
            let entity =
                Entity::parse(&entity).ok_or_else(|| Error::Corrupt(format!("审核项的实体类型「{entity}」未知")))?;
            let household_no = household_of(conn, entity, entity_id, &a)?;
            out.push(Conflict {
                key: format!("{a_id}:{b_id}:{field}"),
                entity,
                entity_id,
                field: field.clone(),
                message: Some(review::message(conn, project, rule, &a, &b, household_no.as_deref())?),
                household_no,
                a: review::side(&a),
                b: review::side(&b),
                showing: String::new(),
                resolved,
                rule: Some(field.clone()),
            });
            continue;
        }
        let later = super::merge::ops_of(conn, entity_id)?;
        let resolved = later.iter().any(|r| r.fields.0.contains_key(&field) && r.has_seen(&a) && r.has_seen(&b));
        if resolved && !include_resolved {
            continue;
        }
        let b_wins = (b.hlc, b.device_id, b.id) > (a.hlc, a.device_id, a.id);
        let household_no = household_of(conn, a.entity, entity_id, &a)?;
        out.push(Conflict {
            key: format!("{a_id}:{b_id}:{field}"),
            entity: a.entity,
            entity_id,
            field: field.clone(),
            household_no,
            a: side(&a, &field),
            b: side(&b, &field),
            showing: if b_wins { "b" } else { "a" }.into(),
            resolved,
            rule: None,
            message: None,
        });
    }
    Ok(out)
}

fn household_of(conn: &Connection, entity: Entity, id: Uuid, op: &Op) -> Result<Option<String>> {
    use rusqlite::OptionalExtension;
    let hh = if entity == Entity::Household {
        Some(id.to_string())
    } else if let Some(h) = op.fields.0.get("household_id").and_then(|v| v.as_str()) {
        Some(h.to_string())
    } else if entity == Entity::CompensationItem {
        // An update of an item (a payment, a confirmation) does not repeat its household.
        conn.query_row("SELECT household_id FROM compensation_items WHERE id = ?1", [id.to_string()], |r| r.get(0))
            .optional()?
    } else {
        None
    };
    match hh {
        None => Ok(None),
        Some(h) => Ok(conn.query_row("SELECT number FROM households WHERE id = ?1", [h], |r| r.get(0)).optional()?),
    }
}

#[derive(Debug, Clone)]
pub enum Decision {
    /// Keep side "a" or "b".
    Keep(char),
    /// A new value, typed as for `household set` (household fields only).
    Value(String),
}

impl Decision {
    /// From the two ways a person answers: `keep` = "a" | "b", or a new `value`.
    pub fn parse(keep: Option<&str>, value: Option<&str>) -> Result<Decision> {
        match (keep.map(str::trim), value) {
            (Some("a"), None) => Ok(Decision::Keep('a')),
            (Some("b"), None) => Ok(Decision::Keep('b')),
            (None, Some(v)) => Ok(Decision::Value(v.to_string())),
            _ => Err(Error::invalid("decision", "请选择保留 a 或 b，或填写一个新值（二者选一）")),
        }
    }
}

/// Settles a conflict with a new operation that has seen both sides.
pub fn resolve(tx: &mut Tx, project: Uuid, key: &str, decision: &Decision) -> Result<()> {
    let c = list(tx.conn(), project, true)?
        .into_iter()
        .find(|c| c.key == key.trim())
        .ok_or_else(|| Error::not_found("冲突", key))?;
    if c.resolved {
        return Err(Error::rule("sync.conflict_resolved", format!("冲突 {key} 已经处理过")));
    }
    if let Some(rule) = c.rule.as_deref().and_then(|r| r.strip_prefix(review::RULE_PREFIX)) {
        let keep_a = match decision {
            Decision::Keep('a') => true,
            Decision::Keep('b') => false,
            Decision::Keep(_) => return Err(Error::invalid("keep", "只能保留 a 或 b")),
            Decision::Value(_) => {
                return Err(Error::rule("sync.conflict_value", "违反规则的审核项请保留其中一方，不能填写新值"))
            }
        };
        let (a, b) = (op(tx.conn(), &c.a.operation.to_string())?, op(tx.conn(), &c.b.operation.to_string())?);
        return review::resolve(tx, project, &c.key, rule, keep_a, &a, &b);
    }
    let reason = format!("处理同步冲突 {}", c.key);
    match decision {
        Decision::Keep(which) => {
            let value = match which {
                'a' => c.a.value.clone(),
                'b' => c.b.value.clone(),
                _ => return Err(Error::invalid("keep", "只能保留 a 或 b")),
            };
            tx.with_reason(Some(&reason));
            tx.update(c.entity, c.entity_id, Some(project), Fields::new().set(&c.field, value))?;
            tx.with_reason(None);
            Ok(())
        }
        Decision::Value(text) => {
            if c.entity != Entity::Household {
                return Err(Error::rule("sync.conflict_value", "只有户信息的冲突可以填写新值，其他冲突请保留其中一方"));
            }
            let field = if c.field == "group_id" { "group" } else { c.field.as_str() };
            crate::household::set(tx, c.entity_id, field, text, Some(&reason))
        }
    }
}
