//! Visits (走访): append-only. A correction is a new visit that names the one it corrects;
//! views show the correction in its place.

use crate::error::{Error, Result};
use crate::household::{self, split_tags};
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use crate::vocab::VisitKind;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct NewVisit {
    /// When the visit happened; `None` means now.
    pub visited_at: Option<DateTime<Utc>>,
    pub visitors: Vec<String>,
    pub kind: Option<VisitKind>,
    pub outcome: String,
    pub concerns: Vec<String>,
    pub promises: String,
    pub next_step: String,
    pub follow_up_on: Option<NaiveDate>,
    /// The visit this entry corrects, if it is a correction.
    pub corrects: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Visit {
    pub id: Uuid,
    pub household_id: Uuid,
    pub visited_at: DateTime<Utc>,
    pub visitors: Vec<String>,
    pub kind: VisitKind,
    pub outcome: String,
    pub concerns: Vec<String>,
    pub promises: String,
    pub next_step: String,
    pub follow_up_on: Option<NaiveDate>,
    pub corrects: Option<Uuid>,
    pub recorded_by: String,
}

pub fn add(tx: &mut Tx, household: Uuid, v: &NewVisit) -> Result<Uuid> {
    let h = household::get(tx.conn(), household)?;
    let visited_at = match v.visited_at {
        Some(t) => t,
        None => tx.now(),
    };
    if visited_at > tx.now() + chrono::Duration::minutes(5) {
        return Err(Error::invalid("visited_at", "走访时间不能晚于现在"));
    }
    if let Some(f) = v.follow_up_on {
        if f < visited_at.date_naive() {
            return Err(Error::invalid("follow_up_on", format!("回访日期 {f} 早于走访日期")));
        }
    }
    if v.outcome.trim().is_empty() && v.next_step.trim().is_empty() && v.promises.trim().is_empty() {
        return Err(Error::invalid("outcome", "走访记录至少要写明情况、承诺或下一步之一"));
    }
    if let Some(c) = v.corrects {
        let target: Option<String> = {
            use rusqlite::OptionalExtension;
            tx.conn()
                .query_row("SELECT household_id FROM visits WHERE id = ?1", [c.to_string()], |r| r.get(0))
                .optional()?
        };
        match target {
            None => return Err(Error::invalid("corrects", format!("要更正的走访记录 {c} 不存在"))),
            Some(t) if t != household.to_string() => return Err(Error::invalid("corrects", "更正记录必须属于同一户")),
            Some(_) => {}
        }
    }
    let visitors = split_tags(&v.visitors.join(","));
    let visitors = if visitors.is_empty() { vec![tx.author().to_string()] } else { visitors };
    let id = tx.new_id();
    let author = tx.author().to_string();
    let fields = Fields::new()
        .set("household_id", household.to_string())
        .set("visited_at", visited_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .set("visitors", visitors)
        .set("kind", v.kind.unwrap_or(VisitKind::Door).id())
        .set("outcome", v.outcome.trim())
        .set("concerns", split_tags(&v.concerns.join(",")))
        .set("promises", v.promises.trim())
        .set("next_step", v.next_step.trim())
        .set("follow_up_on", v.follow_up_on.map(|d| d.to_string()))
        .set("corrects", v.corrects.map(|c| c.to_string()))
        .set("recorded_by", author);
    tx.append(Entity::Visit, id, Some(h.project_id), fields)?;
    Ok(id)
}

const COLS: &str = "id, household_id, visited_at, visitors, kind, outcome, concerns, promises, next_step,
    follow_up_on, corrects, recorded_by";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Visit> {
    let at: String = r.get(2)?;
    Ok(Visit {
        id: read::uuid(r, 0)?,
        household_id: read::uuid(r, 1)?,
        visited_at: DateTime::parse_from_rfc3339(&at)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?,
        visitors: read::json_list(r, 3)?,
        kind: read::vocab(r, 4, VisitKind::parse)?,
        outcome: r.get(5)?,
        concerns: read::json_list(r, 6)?,
        promises: r.get(7)?,
        next_step: r.get(8)?,
        follow_up_on: r.get(9)?,
        corrects: read::opt_uuid(r, 10)?,
        recorded_by: r.get(11)?,
    })
}

/// The visits of a household as they stand (corrected entries replaced), newest first.
pub fn for_household(conn: &Connection, household: Uuid) -> Result<Vec<Visit>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLS} FROM visits v WHERE household_id = ?1
           AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.corrects = v.id)
         ORDER BY visited_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([household.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
