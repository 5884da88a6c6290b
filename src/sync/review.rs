//! Rules two laptops break together. Each laptop's change was checked where it was written,
//! but two changes neither laptop knew of can meet in a state no local write could make: one
//! laptop pays an item while another takes its confirmation back or changes its amount; one
//! moves a household to a stage while another opens an obstacle that blocks it. Such a pair is
//! a review item, listed with the conflicts (`sync_conflicts`, its `field` holding the rule's
//! code, `rule.…`): both operations, who wrote them on which laptop, and the rule.
//!
//! A pair is found from the operations alone — whether the step of one would have been
//! refused by the rule in the state the other's laptop left — never from the state a merge
//! happens to pass through, so every laptop finds the same pairs whatever order the bundles
//! come in. The rules are asked where they live: [`compensation::concurrent_steps`] (on
//! [`compensation::refused`]) and [`stage::blocks`]. Like a conflict, an item is settled by a
//! later operation on its records that has seen both sides (resolving the obstacle, moving
//! the household back, or the decision written by [`resolve`]); nothing is dropped.

use super::conflicts::{concurrent, Side};
use crate::compensation;
use crate::error::{Error, Result};
use crate::oplog::apply::{op_from_row, OP_COLUMNS};
use crate::oplog::{Action, Entity, Fields, Op, Tx};
use crate::stage;
use crate::vocab::{ObstacleStatus, Stage};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use uuid::Uuid;

/// What the `field` column of `sync_conflicts` starts with for a review item of a rule: the
/// rule's error code, which no field name starts with.
pub const RULE_PREFIX: &str = "rule.";

const BLOCKED: &str = "stage.blocked_by_obstacle";

/// Stores one item: `lock` is the side whose state the other's step breaks the rule in.
#[allow(clippy::too_many_arguments)]
fn record(
    conn: &Connection,
    project: Uuid,
    lock: &Op,
    other: &Op,
    rule: &str,
    entity: Entity,
    entity_id: Uuid,
    now: &str,
) -> Result<usize> {
    super::conflicts::store(conn, project, lock, other, &format!("{RULE_PREFIX}{rule}"), entity, entity_id, now)
}

/// The items one compensation item's operations (in replay order) make, among pairs with an
/// operation new in this import. Returns how many were new.
pub(crate) fn items(conn: &Connection, project: Uuid, ops: &[&Op], new: &HashSet<Uuid>, now: &str) -> Result<usize> {
    let mut found = 0;
    for (i, a) in ops.iter().enumerate() {
        for b in &ops[i + 1..] {
            if a.action != Action::Update || b.action != Action::Update {
                continue;
            }
            if !(new.contains(&a.id) || new.contains(&b.id)) || !concurrent(a, b) {
                continue;
            }
            if let Some((first_locks, rule)) = compensation::concurrent_steps(&a.fields, &b.fields) {
                let (lock, other) = if first_locks { (a, b) } else { (b, a) };
                found += record(conn, project, lock, other, rule, Entity::CompensationItem, a.entity_id, now)?;
            }
        }
    }
    Ok(found)
}

/// An obstacle as far as [`stage::blocks`] asks.
#[derive(Debug, Clone, Copy)]
struct Blocking {
    status: ObstacleStatus,
    concerns: Option<Uuid>,
    blocks_stage: Option<Stage>,
}

impl Blocking {
    fn blocks(&self, household: Uuid, to: Stage) -> bool {
        stage::blocks(self.status, self.concerns, self.blocks_stage, household, to)
    }
}

/// Folds an obstacle's operations into what [`stage::blocks`] reads; None before it exists.
fn fold<'a>(ops: impl Iterator<Item = &'a Op>) -> Option<Blocking> {
    let mut f: BTreeMap<&str, &Value> = BTreeMap::new();
    for op in ops {
        for (k, v) in &op.fields.0 {
            f.insert(k.as_str(), v);
        }
    }
    let text = |k: &str| f.get(k).and_then(|v| v.as_str());
    Some(Blocking {
        status: ObstacleStatus::parse(text("status")?).ok()?,
        concerns: text("household_id").and_then(|s| Uuid::parse_str(s).ok()),
        blocks_stage: text("blocks_stage").and_then(|s| Stage::parse(s).ok()),
    })
}

/// A forward stage move recorded by a stage event: (household, from, to).
fn forward_move(op: &Op) -> Option<(Uuid, Stage, Stage)> {
    let text = |k: &str| op.fields.0.get(k).and_then(|v| v.as_str());
    let h = Uuid::parse_str(text("household_id")?).ok()?;
    let (from, to) = (Stage::parse(text("from_stage")?).ok()?, Stage::parse(text("to_stage")?).ok()?);
    (to.rank() > from.rank()).then_some((h, from, to))
}

/// The operations of the stage events reaching `to` in the project, in one read.
fn events_to(conn: &Connection, project: Uuid, to: Stage) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE entity_id IN (
             SELECT e.id FROM stage_events e JOIN households h ON h.id = e.household_id
             WHERE h.project_id = ?1 AND e.to_stage = ?2)"
    ))?;
    let mut rows = stmt.query(params![project.to_string(), to.id()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(op_from_row(r)?);
    }
    Ok(out)
}

/// The items of `stage.blocked_by_obstacle`: an obstacle operation that made the obstacle
/// block a stage, and a stage event moving a household it concerns to that stage, written
/// without knowing each other. Looks at pairs with an operation new in this import.
pub(crate) fn blocked(
    conn: &Connection,
    project: Uuid,
    new_ops: &[Op],
    new: &HashSet<Uuid>,
    now: &str,
) -> Result<usize> {
    let new_events: Vec<&Op> =
        new_ops.iter().filter(|o| o.entity == Entity::StageEvent && forward_move(o).is_some()).collect();
    let mut obstacles: BTreeSet<Uuid> =
        new_ops.iter().filter(|o| o.entity == Entity::Obstacle).map(|o| o.entity_id).collect();
    if new_events.is_empty() && obstacles.is_empty() {
        return Ok(0);
    }
    if !new_events.is_empty() {
        // A plot has tens of obstacles: every one may block a new move.
        let mut stmt = conn.prepare_cached("SELECT id FROM obstacles WHERE project_id = ?1")?;
        for id in stmt.query_map([project.to_string()], |r| r.get::<_, String>(0))? {
            obstacles.insert(Uuid::parse_str(&id?).map_err(|e| Error::Corrupt(e.to_string()))?);
        }
    }
    // Each obstacle operation that left the obstacle blocking a stage, with the obstacle as
    // its laptop saw it before and after.
    let mut openers: Vec<(Op, Option<Blocking>, Blocking)> = Vec::new();
    for id in obstacles {
        let ops = super::merge::ops_of(conn, id)?;
        for a in &ops {
            let seen = || ops.iter().filter(|o| o.id != a.id && a.has_seen(o));
            let Some(after) = fold(seen().chain(std::iter::once(a))) else { continue };
            if after.status != ObstacleStatus::Resolved && after.blocks_stage.is_some() {
                openers.push((a.clone(), fold(seen()), after));
            }
        }
    }
    let mut events: BTreeMap<Uuid, Op> = new_events.into_iter().map(|o| (o.id, o.clone())).collect();
    let stages: BTreeSet<&str> = openers
        .iter()
        .filter(|(a, ..)| new.contains(&a.id))
        .filter_map(|(_, _, s)| s.blocks_stage.map(|s| s.id()))
        .collect();
    for s in stages {
        let s = Stage::parse(s)?;
        events.extend(events_to(conn, project, s)?.into_iter().map(|o| (o.id, o)));
    }
    let mut found = 0;
    for (a, before, after) in &openers {
        for b in events.values() {
            if !(new.contains(&a.id) || new.contains(&b.id)) || !concurrent(a, b) {
                continue;
            }
            let Some((h, _, to)) = forward_move(b) else { continue };
            if after.blocks(h, to) && !before.is_some_and(|s| s.blocks(h, to)) {
                found += record(conn, project, a, b, BLOCKED, Entity::Household, h, now)?;
            }
        }
    }
    Ok(found)
}

/// The records whose later operations settle an item: the item's record, and for a stage
/// move the household it moved.
fn records(a: &Op, b: &Op) -> Vec<Uuid> {
    let mut out = vec![a.entity_id, b.entity_id];
    if let Some(h) = b.fields.0.get("household_id").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok()) {
        out.push(h);
    }
    out.sort();
    out.dedup();
    out
}

/// Whether an operation on the item's records has seen both sides.
pub(crate) fn settled(conn: &Connection, a: &Op, b: &Op) -> Result<bool> {
    for id in records(a, b) {
        if super::merge::ops_of(conn, id)?.iter().any(|o| o.has_seen(a) && o.has_seen(b)) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// A laptop as the review names it: its name where this laptop knows it.
fn laptop(names: &BTreeMap<Uuid, String>, device: Uuid) -> String {
    // The last characters: a UUIDv7 begins with its time, alike for laptops set up together.
    let id = device.to_string();
    let short = &id[id.len() - 8..];
    match names.get(&device).filter(|n| !n.is_empty()) {
        Some(n) => format!("电脑「{n}」（{short}）"),
        None => format!("设备 {short}"),
    }
}

fn text<'a>(f: &'a Fields, k: &str) -> &'a str {
    f.0.get(k).and_then(|v| v.as_str()).unwrap_or_default()
}

/// The review item's words: the record, what each laptop did, and the rule.
pub(crate) fn message(
    conn: &Connection,
    project: Uuid,
    rule: &str,
    a: &Op,
    b: &Op,
    household_no: Option<&str>,
) -> Result<String> {
    let mut names: BTreeMap<Uuid, String> =
        super::folder::peers(conn, project)?.into_iter().map(|p| (p.device_id, p.name)).collect();
    // This laptop's own device ids (the current one under its name as set now).
    let mut stmt = conn.prepare_cached(
        "SELECT device_id, CASE WHEN ended_at IS NULL
             THEN coalesce((SELECT value FROM local_settings WHERE key = 'device_name'), name) ELSE name END
         FROM device_identities",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (id, name) = row?;
        if let Ok(id) = Uuid::parse_str(&id) {
            names.insert(id, name);
        }
    }
    let who = |o: &Op| {
        format!("{} 于 {} 在{}", o.author, &o.recorded_at[..o.recorded_at.len().min(10)], laptop(&names, o.device_id))
    };
    let hh = household_no.map(|n| format!("户 {n}")).unwrap_or_else(|| "该户".into());
    let code = format!("{RULE_PREFIX}{rule}");
    if a.entity == Entity::CompensationItem {
        let label: Option<String> = conn
            .query_row("SELECT label FROM compensation_items WHERE id = ?1", [a.entity_id.to_string()], |r| r.get(0))
            .optional()?;
        return Ok(format!(
            "{hh}的补偿项「{}」：A 为 {} {}，B 为 {} {}，两台电脑互不知情。若 B 当时已收到 A，这一操作会被规则 {code} 拒绝。\
             请核实实际情况后保留一方（保留后该补偿项恢复为那台电脑上的样子）。",
            label.unwrap_or_default(),
            who(a),
            compensation::describe_step(&a.fields),
            who(b),
            compensation::describe_step(&b.fields),
        ));
    }
    let title: Option<String> = conn
        .query_row("SELECT title FROM obstacles WHERE id = ?1", [a.entity_id.to_string()], |r| r.get(0))
        .optional()?;
    let did = match (a.action, text(&a.fields, "status")) {
        (Action::Create, _) => "登记了问题",
        (_, "open") => "重新打开了问题",
        _ => "修改了问题",
    };
    let (from, to) = forward_move(b).map(|(_, f, t)| (f.zh(), t.zh())).unwrap_or_default();
    Ok(format!(
        "{hh}:A 为 {} {did}「{}」（阻止进入「{to}」），B 为 {} 将该户推进到「{to}」（{}），两台电脑互不知情。\
         若 B 当时已收到 A，这一推进会被规则 {code} 拒绝。请核实：保留 A 则该户退回「{from}」，保留 B 则该问题记为已解决。",
        who(a),
        title.unwrap_or_default(),
        who(b),
        text(&b.fields, "reached_on"),
    ))
}

/// The item's sides: each operation with the fields it set.
pub(crate) fn side(o: &Op) -> Side {
    Side {
        operation: o.id,
        value: serde_json::to_value(&o.fields).unwrap_or(Value::Null),
        author: o.author.clone(),
        recorded_at: o.recorded_at.clone(),
        device_id: o.device_id,
    }
}

/// Settles an item by keeping one side, with a new operation that has seen both (written by
/// the domain's own functions where there is one, so their rules apply).
pub(crate) fn resolve(tx: &mut Tx, project: Uuid, key: &str, rule: &str, keep_a: bool, a: &Op, b: &Op) -> Result<()> {
    let reason = format!("处理同步审核 {key}");
    if rule == BLOCKED {
        let (h, from, to) =
            forward_move(b).ok_or_else(|| Error::Corrupt(format!("审核项 {key} 的阶段记录无法读取")))?;
        let today = tx.today();
        if keep_a {
            return stage::set(tx, h, from, today, Some(&reason));
        }
        let resolution = format!("{reason}：保留该户进入「{}」", to.zh());
        return crate::obstacle::resolve(tx, a.entity_id, &resolution, today);
    }
    // A compensation item goes back to what the kept side's laptop left: every field that
    // differs from it now, and every field either side set, as that laptop had it.
    let kept = if keep_a { a } else { b };
    let ops = super::merge::ops_of(tx.conn(), a.entity_id)?;
    let fold = |keep: &dyn Fn(&Op) -> bool| {
        let mut state: BTreeMap<&str, &Value> = BTreeMap::new();
        for o in ops.iter().filter(|o| keep(o)) {
            state.extend(o.fields.0.iter().map(|(k, v)| (k.as_str(), v)));
        }
        state
    };
    let there = fold(&|o| o.id == kept.id || kept.has_seen(o));
    let now = fold(&|_| true);
    let value = |k: &str| there.get(k).map(|v| (*v).clone()).unwrap_or(Value::Null);
    let mut fields = Fields::new();
    for k in now.keys().filter(|k| there.get(*k) != now.get(*k)) {
        fields.put(k, value(k));
    }
    for k in a.fields.0.keys().chain(b.fields.0.keys()) {
        fields.put(k, value(k));
    }
    tx.with_reason(Some(&reason));
    tx.update(a.entity, a.entity_id, Some(project), fields)?;
    tx.with_reason(None);
    Ok(())
}
