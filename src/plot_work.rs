//! Plot-level work on the way to 净地: utility poles to move, the demolition daily log,
//! and the cleared-land checklist.

use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use crate::vocab::{ChecklistCategory, PoleKind, PoleStatus};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

// ------------------------------------------------------------------ poles

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Pole {
    pub id: Uuid,
    pub label: String,
    pub kind: PoleKind,
    pub owner_unit: String,
    pub location: String,
    pub status: PoleStatus,
    pub status_on: Option<NaiveDate>,
}

pub fn add_pole(
    tx: &mut Tx,
    project: Uuid,
    label: &str,
    kind: PoleKind,
    owner_unit: &str,
    location: &str,
) -> Result<Uuid> {
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid("label", "杆线编号不能为空"));
    }
    if find_pole(tx.conn(), project, label).is_ok() {
        return Err(Error::AlreadyExists { what: "杆线编号", key: label.to_string() });
    }
    let id = tx.new_id();
    let f = Fields::new()
        .set("project_id", project.to_string())
        .set("label", label)
        .set("kind", kind.id())
        .set("owner_unit", owner_unit.trim())
        .set("location", location.trim())
        .set("status", PoleStatus::NotApplied.id());
    tx.create(Entity::Pole, id, Some(project), f)?;
    Ok(id)
}

/// Moves a pole's relocation status forward (待申请 → 已申请 → 已排期 → 已迁移); going
/// back needs a reason, kept in the log.
pub fn set_pole_status(tx: &mut Tx, pole: Uuid, status: PoleStatus, on: NaiveDate, reason: Option<&str>) -> Result<()> {
    let (project, p) = get_pole(tx.conn(), pole)?;
    if p.status == status {
        return Err(Error::rule("pole.unchanged", format!("杆线 {} 已是「{}」", p.label, status.zh())));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let back = PoleStatus::ALL.iter().position(|s| *s == status) < PoleStatus::ALL.iter().position(|s| *s == p.status);
    if back && reason.is_none() {
        return Err(Error::rule(
            "pole.revert_needs_reason",
            format!("杆线 {} 从「{}」退回「{}」需要注明原因", p.label, p.status.zh(), status.zh()),
        ));
    }
    tx.with_reason(reason);
    tx.update(
        Entity::Pole,
        pole,
        Some(project),
        Fields::new().set("status", status.id()).set("status_on", on.to_string()),
    )?;
    tx.with_reason(None);
    Ok(())
}

/// Corrects a pole's label (one entered wrong, or one two laptops both gave out offline,
/// which the merge refuses until one of them is corrected): needs a reason, and the new label
/// must be free.
pub fn relabel_pole(tx: &mut Tx, pole: Uuid, label: &str, reason: Option<&str>) -> Result<()> {
    let (project, p) = get_pole(tx.conn(), pole)?;
    let label = label.trim();
    if label.is_empty() {
        return Err(Error::invalid("label", "杆线编号不能为空"));
    }
    if label == p.label {
        return Err(Error::rule("pole.unchanged", format!("杆线编号已是 {label}")));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_none() {
        return Err(Error::rule("pole.relabel_needs_reason", format!("更改杆线编号 {} 必须注明原因", p.label)));
    }
    if find_pole(tx.conn(), project, label).is_ok() {
        return Err(Error::AlreadyExists { what: "杆线编号", key: label.to_string() });
    }
    tx.with_reason(reason);
    tx.update(Entity::Pole, pole, Some(project), Fields::new().set("label", label))?;
    tx.with_reason(None);
    Ok(())
}

const POLE_COLS: &str = "id, label, kind, owner_unit, location, status, status_on, project_id";

fn pole_from_row(r: &rusqlite::Row) -> rusqlite::Result<Pole> {
    Ok(Pole {
        id: read::uuid(r, 0)?,
        label: r.get(1)?,
        kind: read::vocab(r, 2, PoleKind::parse)?,
        owner_unit: r.get(3)?,
        location: r.get(4)?,
        status: read::vocab(r, 5, PoleStatus::parse)?,
        status_on: r.get(6)?,
    })
}

fn get_pole(conn: &Connection, id: Uuid) -> Result<(Uuid, Pole)> {
    conn.query_row(&format!("SELECT {POLE_COLS} FROM poles WHERE id = ?1"), [id.to_string()], |r| {
        Ok((read::uuid(r, 7)?, pole_from_row(r)?))
    })
    .optional()?
    .ok_or_else(|| Error::not_found("杆线", id.to_string()))
}

pub fn find_pole(conn: &Connection, project: Uuid, label: &str) -> Result<Pole> {
    conn.query_row(
        &format!("SELECT {POLE_COLS} FROM poles WHERE project_id = ?1 AND label = ?2"),
        [project.to_string(), label.trim().to_string()],
        pole_from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("杆线编号", label.trim()))
}

pub fn poles(conn: &Connection, project: Uuid) -> Result<Vec<Pole>> {
    let mut stmt = conn.prepare(&format!("SELECT {POLE_COLS} FROM poles WHERE project_id = ?1 ORDER BY label"))?;
    let rows = stmt.query_map([project.to_string()], pole_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

// ------------------------------------------------------------------ demolition log

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DemolitionDay {
    pub id: Uuid,
    pub log_date: NaiveDate,
    pub machines: i64,
    pub workers: i64,
    /// Household numbers demolished that day.
    pub demolished: Vec<String>,
    pub notes: String,
}

/// Records the day's site log; recording the same date again replaces that day's figures.
pub fn log_demolition_day(
    tx: &mut Tx,
    project: Uuid,
    date: NaiveDate,
    machines: i64,
    workers: i64,
    demolished_numbers: &[String],
    notes: &str,
) -> Result<Uuid> {
    if machines < 0 {
        return Err(Error::invalid("machines", "机械台数不能为负数"));
    }
    if workers < 0 {
        return Err(Error::invalid("workers", "人员数不能为负数"));
    }
    let mut ids = Vec::new();
    for n in demolished_numbers {
        let h = crate::household::find_id(tx.conn(), project, n)?
            .ok_or_else(|| Error::invalid("demolished", format!("户号「{n}」不存在")))?;
        ids.push(h.to_string());
    }
    let f = Fields::new()
        .set("machines", machines)
        .set("workers", workers)
        .set("demolished", ids)
        .set("notes", notes.trim());
    let existing: Option<String> = tx
        .conn()
        .query_row(
            "SELECT id FROM demolition_logs WHERE project_id = ?1 AND log_date = ?2",
            [project.to_string(), date.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            let id = Uuid::parse_str(&id).map_err(|e| Error::Corrupt(e.to_string()))?;
            tx.update(Entity::DemolitionLog, id, Some(project), f)?;
            Ok(id)
        }
        None => {
            let id = demolition_log_id(project, date);
            let f = f.set("project_id", project.to_string()).set("log_date", date.to_string());
            tx.create(Entity::DemolitionLog, id, Some(project), f)?;
            Ok(id)
        }
    }
}

/// One day's site log has one id on every laptop, derived from the project and the date: two
/// laptops that log the same day offline are then editing one record, which merges field by
/// field (a differing count is listed as a conflict) instead of clashing on the date.
pub fn demolition_log_id(project: Uuid, date: NaiveDate) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("jingdi demolition log {project} {date}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

pub fn demolition_days(conn: &Connection, project: Uuid) -> Result<Vec<DemolitionDay>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.log_date, d.machines, d.workers, d.demolished, d.notes FROM demolition_logs d
         WHERE d.project_id = ?1 ORDER BY d.log_date",
    )?;
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok((
            read::uuid(r, 0)?,
            r.get::<_, NaiveDate>(1)?,
            r.get(2)?,
            r.get(3)?,
            read::json_list::<Uuid>(r, 4)?,
            r.get(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, log_date, machines, workers, hh, notes) = row?;
        let mut demolished = Vec::with_capacity(hh.len());
        for h in hh {
            demolished.push(crate::household::get(conn, h)?.number);
        }
        out.push(DemolitionDay { id, log_date, machines, workers, demolished, notes });
    }
    Ok(out)
}

// ------------------------------------------------------------------ checklist

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChecklistItem {
    pub id: Uuid,
    pub title: String,
    pub category: ChecklistCategory,
    pub done: bool,
    pub done_on: Option<NaiveDate>,
    pub note: String,
}

pub fn add_checklist_item(tx: &mut Tx, project: Uuid, title: &str, category: ChecklistCategory) -> Result<Uuid> {
    let title = if title.trim().is_empty() { category.zh() } else { title.trim() };
    let id = tx.new_id();
    let f = Fields::new()
        .set("project_id", project.to_string())
        .set("title", title)
        .set("category", category.id())
        .set("done", 0)
        .set("note", "");
    tx.create(Entity::ChecklistItem, id, Some(project), f)?;
    Ok(id)
}

/// Ticks (or, with a reason, unticks) a checklist item.
pub fn set_checklist_done(tx: &mut Tx, item: Uuid, done: bool, on: NaiveDate, note: &str) -> Result<()> {
    let (project, it) = tx
        .conn()
        .query_row("SELECT project_id, title, done FROM checklist_items WHERE id = ?1", [item.to_string()], |r| {
            Ok((read::uuid(r, 0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?))
        })
        .optional()?
        .ok_or_else(|| Error::not_found("净地清单项", item.to_string()))
        .map(|(p, title, d)| (p, (title, d)))?;
    if it.1 == done {
        return Err(Error::rule(
            "checklist.unchanged",
            format!("「{}」已是{}", it.0, if done { "完成" } else { "未完成" }),
        ));
    }
    if !done && note.trim().is_empty() {
        return Err(Error::rule("checklist.undo_needs_reason", format!("将「{}」改回未完成需要注明原因", it.0)));
    }
    let f = Fields::new()
        .set("done", done as i64)
        .set("done_on", if done { Some(on.to_string()) } else { None })
        .set("note", note.trim());
    tx.update(Entity::ChecklistItem, item, Some(project), f)
}

pub fn checklist(conn: &Connection, project: Uuid) -> Result<Vec<ChecklistItem>> {
    let mut stmt = conn.prepare(
        "SELECT id, title, category, done, done_on, note FROM checklist_items WHERE project_id = ?1 ORDER BY category, title",
    )?;
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok(ChecklistItem {
            id: read::uuid(r, 0)?,
            title: r.get(1)?,
            category: read::vocab(r, 2, ChecklistCategory::parse)?,
            done: r.get(3)?,
            done_on: r.get(4)?,
            note: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds a checklist item by id or a unique part of its title.
pub fn find_checklist_item(conn: &Connection, project: Uuid, key: &str) -> Result<ChecklistItem> {
    let all = checklist(conn, project)?;
    let hits: Vec<ChecklistItem> = all
        .into_iter()
        .filter(|c| c.id.to_string() == key.trim() || c.title.contains(key.trim()) || c.category.id() == key.trim())
        .collect();
    match hits.len() {
        1 => Ok(hits.into_iter().next().expect("one hit")),
        0 => Err(Error::not_found("净地清单项", key)),
        _ => Err(Error::rule("checklist.ambiguous", format!("有 {} 项匹配「{key}」，请写得更具体", hits.len()))),
    }
}
