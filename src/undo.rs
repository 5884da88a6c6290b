//! 撤销: taking back an edit this laptop just made. The undoing is a change like any other —
//! the fields the edit set, back to what they held before it, appended to the log with the
//! reason 撤销 — so the log keeps both the edit and its undoing, and a merge carries it.
//!
//! It is offered only where that is safe: an edit (not a creation) of a household's facts, a
//! 净地 checklist item or a pole, made on this laptop, with nothing written about that record
//! since (by anyone: an edit merged in from another laptop, a later stage move of the household,
//! a later edit here). The record then goes back to exactly the state it had before the edit,
//! a state every rule had already let stand.

use crate::error::{Error, Result};
use crate::oplog::apply::{op_from_row, OP_COLUMNS};
use crate::oplog::replay::NEWEST_FIRST;
use crate::oplog::{Action, Entity, Fields, Op, Tx};
use rusqlite::{Connection, OptionalExtension};
use uuid::Uuid;

/// The records whose edits can be taken back: plain facts, no money and no stage.
pub const UNDOABLE: &[Entity] = &[Entity::Household, Entity::ChecklistItem, Entity::Pole];

/// The reason an undoing carries in the log.
pub const REASON: &str = "撤销刚才的修改";

/// The latest operation on `record` — on it, or (for a household) on its stage events, which
/// move its stage — in replay order (`NEWEST_FIRST`: whose values stand) or in the order this
/// laptop received them (`rowid`: an older edit merged in today is news here too).
fn latest_about(conn: &Connection, record: Uuid, order: &str) -> Result<Option<Op>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {OP_COLUMNS} FROM oplog
         WHERE entity_id = ?1 OR entity_id IN (SELECT id FROM stage_events WHERE household_id = ?1)
         {order} LIMIT 1"
    ))?;
    let row = stmt.query_row([record.to_string()], |r| Ok(op_from_row(r))).optional()?;
    row.transpose()
}

/// What each field of `edit` held before it: from the operation before it in replay order
/// that last set the field (its creation included).
fn before(conn: &Connection, edit: &Op) -> Result<Option<Fields>> {
    let ops = crate::sync::merge::ops_of(conn, edit.entity_id)?;
    let at = ops.iter().position(|o| o.id == edit.id).unwrap_or(ops.len());
    let mut missing: Vec<&String> = edit.fields.0.keys().collect();
    let mut out = Fields::new();
    for op in ops[..at].iter().rev().filter(|o| o.action != Action::Append) {
        missing.retain(|k| match op.fields.0.get(*k) {
            Some(v) => {
                out.put(k, v.clone());
                false
            }
            None => true,
        });
        if missing.is_empty() {
            return Ok(Some(out));
        }
    }
    // Never set before: an optional field held nothing; any other held a table default this
    // does not know, and the edit is not taken back.
    for k in missing {
        match crate::schema::field(edit.entity, k) {
            Some(f) if f.presence == crate::schema::Presence::Optional => out.put(k, serde_json::Value::Null),
            _ => return Ok(None),
        }
    }
    Ok(Some(out))
}

/// Takes back this laptop's latest edit of `record` (see the module's text for when).
pub fn undo_last(tx: &mut Tx, record: Uuid) -> Result<()> {
    let latest =
        latest_about(tx.conn(), record, NEWEST_FIRST)?.ok_or_else(|| Error::not_found("记录", record.to_string()))?;
    let received = latest_about(tx.conn(), record, "ORDER BY rowid DESC")?.map(|op| op.id);
    if latest.device_id != tx.device() || latest.entity_id != record || received != Some(latest.id) {
        return Err(Error::rule(
            "undo.changed_since",
            "这条记录此后又有变动（另一项修改、阶段变化或同步来的修改），不能撤销；请直接修改",
        ));
    }
    if latest.action != Action::Update || !UNDOABLE.contains(&latest.entity) {
        return Err(Error::rule(
            "undo.not_an_edit",
            "最近一次操作不是对户信息、净地清单或杆线的修改，不能撤销；请直接修改或更正",
        ));
    }
    let Some(fields) = before(tx.conn(), &latest)? else {
        return Err(Error::rule("undo.not_an_edit", "找不到修改前的内容，不能撤销；请直接修改"));
    };
    tx.with_reason(Some(REASON));
    let done = tx.update(latest.entity, record, latest.project_id, fields);
    tx.with_reason(None);
    done
}
