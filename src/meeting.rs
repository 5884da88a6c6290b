//! Coordination meetings (会商): when, who attended, and the decisions taken, each
//! optionally linked to the obstacle it settles. Append-only; the last meeting's date is
//! where the next meeting's brief starts ("what changed since").

use crate::error::{Error, Result};
use crate::household::split_tags;
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Decision {
    pub text: String,
    /// The obstacle this decision is about, if any.
    pub obstacle_id: Option<Uuid>,
    /// Who carries it out (unit or person).
    pub owner: String,
    pub due_on: Option<NaiveDate>,
}

/// A decision as a meeting takes it. `track` (列入问题清单) also opens it as an obstacle — the
/// decision's owner its responsible unit, its deadline the due date, raised on the meeting's
/// day — and links the decision to it, so 问题清单 and the next 会商 chase it like any other.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecisionInput {
    #[serde(flatten)]
    pub decision: Decision,
    #[serde(default)]
    pub track: bool,
}

impl From<Decision> for DecisionInput {
    fn from(decision: Decision) -> Self {
        DecisionInput { decision, track: false }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NewMeeting {
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<String>,
    pub decisions: Vec<DecisionInput>,
    pub notes: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Meeting {
    pub id: Uuid,
    pub project_id: Uuid,
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<String>,
    pub decisions: Vec<Decision>,
    pub notes: String,
    pub recorded_by: String,
}

pub fn record(tx: &mut Tx, project: Uuid, m: &NewMeeting) -> Result<Uuid> {
    crate::project::get(tx.conn(), project)?;
    let today = tx.today();
    if m.held_on > today {
        return Err(Error::invalid("held_on", format!("会商日期 {} 晚于今天 {today}", m.held_on)));
    }
    let attendees = split_tags(&m.attendees.join(","));
    if attendees.is_empty() {
        return Err(Error::invalid("attendees", "请填写参会人员"));
    }
    let mut decisions = Vec::with_capacity(m.decisions.len());
    for DecisionInput { decision: d, track } in &m.decisions {
        let text = d.text.trim();
        if text.is_empty() {
            return Err(Error::invalid("decisions", "会商决定的内容不能为空"));
        }
        if let Some(o) = d.obstacle_id {
            let ob = crate::obstacle::get(tx.conn(), o)?;
            if ob.project_id != project {
                return Err(Error::invalid("decisions", format!("问题「{}」不属于本项目", ob.title)));
            }
        }
        if let Some(due) = d.due_on {
            if due < m.held_on {
                return Err(Error::invalid("decisions", format!("决定「{text}」的期限 {due} 早于会商日期")));
            }
        }
        let mut obstacle_id = d.obstacle_id;
        if *track {
            obstacle_id = Some(track_as_obstacle(tx, project, m.held_on, d)?);
        }
        decisions.push(Decision {
            text: text.to_string(),
            owner: d.owner.trim().to_string(),
            obstacle_id,
            ..d.clone()
        });
    }
    let id = tx.new_id();
    let author = tx.author().to_string();
    let title = if m.title.trim().is_empty() { format!("{} 会商", m.held_on) } else { m.title.trim().to_string() };
    let fields = Fields::new()
        .set("project_id", project.to_string())
        .set("held_on", m.held_on.to_string())
        .set("title", title)
        .set("attendees", attendees)
        .set("decisions", serde_json::to_value(&decisions).map_err(|e| Error::Corrupt(e.to_string()))?)
        .set("notes", m.notes.trim())
        .set("recorded_by", author);
    tx.append(Entity::Meeting, id, Some(project), fields)?;
    Ok(id)
}

/// Opens a decision as an obstacle (see [`DecisionInput::track`]); it needs what an obstacle
/// is chased by: a unit and a deadline.
fn track_as_obstacle(tx: &mut Tx, project: Uuid, held_on: NaiveDate, d: &Decision) -> Result<Uuid> {
    let text = d.text.trim();
    if d.obstacle_id.is_some() {
        return Err(Error::invalid("decisions", format!("决定「{text}」已关联问题，不必再列入问题清单")));
    }
    if d.owner.trim().is_empty() {
        return Err(Error::invalid("decisions", format!("决定「{text}」列入问题清单须写明负责单位")));
    }
    if d.due_on.is_none() {
        return Err(Error::invalid("decisions", format!("决定「{text}」列入问题清单须写明期限")));
    }
    crate::obstacle::add(
        tx,
        project,
        &crate::obstacle::NewObstacle {
            title: text.to_string(),
            category: crate::vocab::ObstacleCategory::Other,
            household: None,
            responsible_unit: d.owner.trim().to_string(),
            responsible_person: String::new(),
            raised_on: held_on,
            due_on: d.due_on,
            blocks_stage: None,
        },
    )
}

const COLS: &str = "id, project_id, held_on, title, attendees, decisions, notes, recorded_by";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Meeting> {
    Ok(Meeting {
        id: read::uuid(r, 0)?,
        project_id: read::uuid(r, 1)?,
        held_on: r.get(2)?,
        title: r.get(3)?,
        attendees: read::json_list(r, 4)?,
        decisions: read::json_list(r, 5)?,
        notes: r.get(6)?,
        recorded_by: r.get(7)?,
    })
}

/// The meetings of a project, newest first.
pub fn list(conn: &Connection, project: Uuid) -> Result<Vec<Meeting>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLS} FROM meetings WHERE project_id = ?1 ORDER BY held_on DESC, id DESC"))?;
    let rows = stmt.query_map([project.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The date of the last meeting held on or before `as_of`: where the next meeting's brief
/// starts by default. A meeting recorded ahead (tomorrow's) does not count before its day, so
/// recording it does not empty today's preparation.
pub fn last_held(conn: &Connection, project: Uuid, as_of: NaiveDate) -> Result<Option<NaiveDate>> {
    Ok(conn
        .query_row(
            "SELECT max(held_on) FROM meetings WHERE project_id = ?1 AND held_on <= ?2",
            rusqlite::params![project.to_string(), as_of.to_string()],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// Where a brief starts: the date asked for, else the last meeting held (`last_held`), else a
/// week before `as_of` when there has been none.
pub fn brief_since(asked: Option<NaiveDate>, last_held: Option<NaiveDate>, as_of: NaiveDate) -> NaiveDate {
    asked.or(last_held).unwrap_or(as_of - chrono::Duration::days(7))
}

pub fn last(conn: &Connection, project: Uuid) -> Result<Option<Meeting>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLS} FROM meetings WHERE project_id = ?1 ORDER BY held_on DESC, id DESC LIMIT 1"),
            [project.to_string()],
            from_row,
        )
        .optional()?)
}
