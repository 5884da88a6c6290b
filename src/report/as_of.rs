//! The plot as it stood on a past date, replayed from the log: each household's stage on
//! that date (the date slider of the map, `jingdi stage list --on DATE`, the pace curves).
//!
//! A stage counts from the date it was reached (the stage event's business date, which may
//! be earlier than when it was recorded); events of one day apply in the order they were
//! recorded, so a stage set back the same day is seen as set back. A household counts from
//! the day its registration was recorded. On and after the project's as-of date the stage is
//! the household's current one, so "today" is exactly what the board shows.

use crate::error::Result;
use crate::project::{self, Project};
use crate::read;
use crate::vocab::Stage;
use chrono::{NaiveDate, TimeZone};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// A household's way through the stages.
#[derive(Debug, Clone)]
pub struct Track {
    pub id: Uuid,
    pub number: String,
    pub head_name: String,
    pub group_name: String,
    /// The local day its registration was recorded.
    pub registered_on: NaiveDate,
    /// (reached on, stage), in the order they apply.
    pub events: Vec<(NaiveDate, Stage)>,
    pub current: Stage,
}

impl Track {
    /// The stage on `date`; None before the household was registered. `as_of` is the
    /// project's as-of date, from which on the current stage holds.
    pub fn stage_on(&self, date: NaiveDate, as_of: NaiveDate) -> Option<Stage> {
        if date >= as_of {
            return Some(self.current);
        }
        if date < self.registered_on {
            return None;
        }
        Some(self.events.iter().take_while(|(on, _)| *on <= date).last().map(|(_, s)| *s).unwrap_or(Stage::Registered))
    }
}

fn local_day_of_hlc(hlc: i64) -> NaiveDate {
    let ms = hlc >> 16;
    chrono::Local
        .timestamp_millis_opt(ms)
        .single()
        .map(|t| t.date_naive())
        .unwrap_or_else(|| chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default().date_naive())
}

/// Every household of the project with its stage events, ordered by household number.
pub fn tracks(conn: &Connection, project: Uuid) -> Result<Vec<Track>> {
    let pid = project.to_string();
    let mut registered: HashMap<String, i64> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT entity_id, min(hlc) FROM oplog WHERE project_id = ?1 AND entity = 'household' AND action = 'create'
             GROUP BY entity_id",
        )?;
        for row in stmt.query_map([&pid], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (id, hlc) = row?;
            registered.insert(id, hlc);
        }
    }
    let mut events: HashMap<String, Vec<(NaiveDate, Stage)>> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT s.household_id, s.reached_on, s.to_stage FROM stage_events s
             JOIN households h ON h.id = s.household_id
             JOIN oplog o ON o.entity_id = s.id
             WHERE h.project_id = ?1
             ORDER BY s.reached_on, o.hlc, o.device_id, o.id",
        )?;
        for row in stmt.query_map([&pid], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, NaiveDate>(1)?, read::vocab(r, 2, Stage::parse)?))
        })? {
            let (h, on, s) = row?;
            events.entry(h).or_default().push((on, s));
        }
    }
    let mut out: Vec<Track> = crate::household::list(conn, project)?
        .into_iter()
        .map(|h| {
            let key = h.id.to_string();
            let evs = events.remove(&key).unwrap_or_default();
            let registered_on = registered
                .get(&key)
                .map(|hlc| local_day_of_hlc(*hlc))
                .unwrap_or_else(|| evs.first().map(|e| e.0).unwrap_or(NaiveDate::MIN));
            Track {
                id: h.id,
                number: h.number,
                head_name: h.head_name,
                group_name: h.group_name,
                // A stage dated before the registration was recorded (a backfilled history)
                // counts the household from that date.
                registered_on: evs.first().map_or(registered_on, |e| e.0.min(registered_on)),
                events: evs,
                current: h.stage,
            }
        })
        .collect();
    out.sort_by(|a, b| (a.number.len(), &a.number).cmp(&(b.number.len(), &b.number)));
    Ok(out)
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdOn {
    pub id: Uuid,
    pub number: String,
    pub head_name: String,
    pub group_name: String,
    /// None: not yet registered on that date.
    pub stage: Option<Stage>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageTally {
    pub stage: Stage,
    pub name: &'static str,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StagesOn {
    pub date: NaiveDate,
    pub households: Vec<HouseholdOn>,
    pub stages: Vec<StageTally>,
    pub not_registered: i64,
}

pub fn tally<'a>(stages: impl Iterator<Item = Option<Stage>> + 'a) -> (Vec<StageTally>, i64) {
    let mut counts = vec![0i64; Stage::ALL.len()];
    let mut none = 0;
    for s in stages {
        match s {
            Some(s) => counts[s.rank()] += 1,
            None => none += 1,
        }
    }
    let list =
        Stage::ALL.iter().map(|s| StageTally { stage: *s, name: s.zh(), households: counts[s.rank()] }).collect();
    (list, none)
}

/// Each household's stage on `date` (default: the project's as-of date).
pub fn stages_on(conn: &Connection, p: &Project, date: Option<NaiveDate>) -> Result<StagesOn> {
    let as_of = project::as_of(p, None);
    let date = date.unwrap_or(as_of);
    let households: Vec<HouseholdOn> = tracks(conn, p.id)?
        .into_iter()
        .map(|t| HouseholdOn {
            stage: t.stage_on(date, as_of),
            id: t.id,
            number: t.number,
            head_name: t.head_name,
            group_name: t.group_name,
        })
        .collect();
    let (stages, not_registered) = tally(households.iter().map(|h| h.stage));
    Ok(StagesOn { date, households, stages, not_registered })
}
