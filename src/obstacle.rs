//! Obstacles (问题 / 瓶颈): what stands in the way, who owns it, until it is resolved.

use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use crate::vocab::{ObstacleCategory, ObstacleStatus, Stage};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct NewObstacle {
    pub title: String,
    pub category: ObstacleCategory,
    /// `None`: the obstacle concerns the whole plot.
    pub household: Option<Uuid>,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub raised_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub blocks_stage: Option<Stage>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Obstacle {
    pub id: Uuid,
    pub project_id: Uuid,
    pub household_id: Option<Uuid>,
    pub household_no: Option<String>,
    pub title: String,
    pub category: ObstacleCategory,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub raised_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: ObstacleStatus,
    pub resolution: String,
    pub resolved_on: Option<NaiveDate>,
    pub blocks_stage: Option<Stage>,
}

impl Obstacle {
    pub fn is_overdue(&self, as_of: NaiveDate) -> bool {
        self.status != ObstacleStatus::Resolved && self.due_on.is_some_and(|d| d < as_of)
    }
}

pub fn add(tx: &mut Tx, project: Uuid, o: &NewObstacle) -> Result<Uuid> {
    if o.title.trim().is_empty() {
        return Err(Error::invalid("title", "问题标题不能为空"));
    }
    if let Some(due) = o.due_on {
        if due < o.raised_on {
            return Err(Error::invalid("due_on", format!("办结期限 {due} 早于提出日期 {}", o.raised_on)));
        }
    }
    // An obstacle nobody owns is chased by nobody: the 会商 lists them by responsible unit.
    if o.responsible_unit.trim().is_empty() {
        return Err(Error::invalid("responsible_unit", "请填写责任单位：问题须有负责解决的单位"));
    }
    if let Some(h) = o.household {
        let hh = crate::household::get(tx.conn(), h)?;
        if hh.project_id != project {
            return Err(Error::invalid("household", "该户不属于本项目"));
        }
    }
    let id = tx.new_id();
    let fields = Fields::new()
        .set("project_id", project.to_string())
        .set("household_id", o.household.map(|h| h.to_string()))
        .set("title", o.title.trim())
        .set("category", o.category.id())
        .set("responsible_unit", o.responsible_unit.trim())
        .set("responsible_person", o.responsible_person.trim())
        .set("raised_on", o.raised_on.to_string())
        .set("due_on", o.due_on.map(|d| d.to_string()))
        .set("status", ObstacleStatus::Open.id())
        .set("resolution", "")
        .set("blocks_stage", o.blocks_stage.map(|s| s.id()));
    tx.create(Entity::Obstacle, id, Some(project), fields)?;
    Ok(id)
}

/// Marks an obstacle as being worked on.
pub fn start(tx: &mut Tx, obstacle: Uuid) -> Result<()> {
    let o = get(tx.conn(), obstacle)?;
    if o.status != ObstacleStatus::Open {
        return Err(Error::rule(
            "obstacle.status",
            format!("问题「{}」当前为「{}」，不能改为处理中", o.title, o.status.zh()),
        ));
    }
    tx.update(
        Entity::Obstacle,
        obstacle,
        Some(o.project_id),
        Fields::new().set("status", ObstacleStatus::InProgress.id()),
    )
}

pub fn resolve(tx: &mut Tx, obstacle: Uuid, resolution: &str, on: NaiveDate) -> Result<()> {
    let o = get(tx.conn(), obstacle)?;
    if o.status == ObstacleStatus::Resolved {
        return Err(Error::rule(
            "obstacle.already_resolved",
            format!("问题「{}」已于 {} 解决", o.title, o.resolved_on.map(|d| d.to_string()).unwrap_or_default()),
        ));
    }
    if resolution.trim().is_empty() {
        return Err(Error::invalid("resolution", "解决问题需要写明处理结果"));
    }
    if on < o.raised_on {
        return Err(Error::invalid("resolved_on", format!("解决日期 {on} 早于提出日期 {}", o.raised_on)));
    }
    let f = Fields::new()
        .set("status", ObstacleStatus::Resolved.id())
        .set("resolution", resolution.trim())
        .set("resolved_on", on.to_string());
    tx.update(Entity::Obstacle, obstacle, Some(o.project_id), f)
}

/// Reopens a resolved obstacle; the reason is kept in the log.
pub fn reopen(tx: &mut Tx, obstacle: Uuid, reason: &str) -> Result<()> {
    let o = get(tx.conn(), obstacle)?;
    if o.status != ObstacleStatus::Resolved {
        return Err(Error::rule("obstacle.status", format!("问题「{}」尚未解决，无需重新打开", o.title)));
    }
    if reason.trim().is_empty() {
        return Err(Error::rule("obstacle.reopen_needs_reason", "重新打开问题需要注明原因"));
    }
    tx.with_reason(Some(reason));
    let f = Fields::new().set("status", ObstacleStatus::Open.id()).set("resolved_on", serde_json::Value::Null);
    tx.update(Entity::Obstacle, obstacle, Some(o.project_id), f)?;
    tx.with_reason(None);
    Ok(())
}

const COLS: &str = "o.id, o.project_id, o.household_id, h.number, o.title, o.category, o.responsible_unit,
    o.responsible_person, o.raised_on, o.due_on, o.status, o.resolution, o.resolved_on, o.blocks_stage";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Obstacle> {
    Ok(Obstacle {
        id: read::uuid(r, 0)?,
        project_id: read::uuid(r, 1)?,
        household_id: read::opt_uuid(r, 2)?,
        household_no: r.get(3)?,
        title: r.get(4)?,
        category: read::vocab(r, 5, ObstacleCategory::parse)?,
        responsible_unit: r.get(6)?,
        responsible_person: r.get(7)?,
        raised_on: r.get(8)?,
        due_on: r.get(9)?,
        status: read::vocab(r, 10, ObstacleStatus::parse)?,
        resolution: r.get(11)?,
        resolved_on: r.get(12)?,
        blocks_stage: read::opt_vocab(r, 13, Stage::parse)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Obstacle> {
    conn.query_row(
        &format!("SELECT {COLS} FROM obstacles o LEFT JOIN households h ON h.id = o.household_id WHERE o.id = ?1"),
        [id.to_string()],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("问题", id.to_string()))
}

/// All obstacles of a project, oldest first; `open_only` leaves out resolved ones.
pub fn list(conn: &Connection, project: Uuid, open_only: bool) -> Result<Vec<Obstacle>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLS} FROM obstacles o LEFT JOIN households h ON h.id = o.household_id
         WHERE o.project_id = ?1 AND (?2 = 0 OR o.status != 'resolved') ORDER BY o.raised_on, o.id"
    ))?;
    let rows = stmt.query_map(rusqlite::params![project.to_string(), open_only as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An obstacle as 问题清单 lists it: with whether it is overdue at the list's date.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObstacleRow {
    pub obstacle: Obstacle,
    pub overdue: bool,
}

/// 问题清单 as of a date: open ones first (overdue first, then by due date), then resolved.
/// The screen and its export both read it.
pub fn rows(conn: &Connection, project: Uuid, as_of: NaiveDate) -> Result<Vec<ObstacleRow>> {
    let mut rows: Vec<ObstacleRow> = list(conn, project, false)?
        .into_iter()
        .map(|o| ObstacleRow { overdue: o.is_overdue(as_of), obstacle: o })
        .collect();
    rows.sort_by_key(|r| {
        (r.obstacle.status == ObstacleStatus::Resolved, !r.overdue, r.obstacle.due_on, r.obstacle.raised_on)
    });
    Ok(rows)
}

/// Finds an obstacle by id or by a unique part of its title (for the CLI).
pub fn find(conn: &Connection, project: Uuid, key: &str) -> Result<Obstacle> {
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        return get(conn, id);
    }
    let hits: Vec<Obstacle> =
        list(conn, project, false)?.into_iter().filter(|o| o.title.contains(key.trim())).collect();
    match hits.len() {
        1 => Ok(hits.into_iter().next().expect("one hit")),
        0 => Err(Error::not_found("问题", key)),
        _ => Err(Error::rule(
            "obstacle.ambiguous",
            format!(
                "有 {} 个问题的标题含「{key}」，请写得更具体或使用 id: {}",
                hits.len(),
                hits.iter().map(|o| format!("{}({})", o.title, o.id)).collect::<Vec<_>>().join("、")
            ),
        )),
    }
}
