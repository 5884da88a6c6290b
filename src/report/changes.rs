//! What changed since a date, read from the operation log: the core of a meeting (会商)
//! brief. Times are when changes were recorded; the business dates travel with them.

use super::history::{history, HistoryFilter};
use crate::error::Result;
use crate::oplog::{Action, Entity};
use crate::project::Project;
use crate::vocab::{ObstacleStatus, PaymentStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Changes {
    pub since: Option<NaiveDate>,
    pub newly_signed: Vec<StageChange>,
    pub vacated: Vec<StageChange>,
    pub demolished: Vec<StageChange>,
    /// Other forward moves (assessed, negotiating).
    pub advanced: Vec<StageChange>,
    pub reverted: Vec<StageChange>,
    pub obstacles_opened: Vec<String>,
    pub obstacles_resolved: Vec<String>,
    pub visits: i64,
    pub payments: i64,
    pub paid_fen: i64,
    /// Operations per author, for "who did what".
    pub operations_by_author: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageChange {
    pub household_no: String,
    pub from: Stage,
    pub to: Stage,
    pub on: String,
    pub by: String,
    pub reason: Option<String>,
}

/// What was recorded since `since`, counting only what happened by `until` (the brief's 截至
/// date) by its own business date: a visit typed today into a historical plot whose figures
/// stand at 2022-08-15 belongs to 2026, not to that brief.
pub fn changes_since(
    conn: &Connection,
    p: &Project,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<Changes> {
    let entries = history(conn, &HistoryFilter { project: Some(p.id), since, ..Default::default() })?;
    let mut c = Changes { since, ..Default::default() };
    for e in entries {
        if let (Some(until), Some(on)) = (until, business_date(&e)) {
            if on > until {
                continue;
            }
        }
        *c.operations_by_author.entry(e.author.clone()).or_default() += 1;
        let text = |k: &str| e.fields.0.get(k).and_then(|v| v.as_str()).map(str::to_string);
        match (e.entity, e.action) {
            (Entity::StageEvent, Action::Append) => {
                let (Some(from), Some(to)) = (text("from_stage"), text("to_stage")) else { continue };
                let (Ok(from), Ok(to)) = (Stage::parse(&from), Stage::parse(&to)) else { continue };
                let change = StageChange {
                    household_no: e.household_no.clone().unwrap_or_default(),
                    from,
                    to,
                    on: text("reached_on").unwrap_or_default(),
                    by: e.author.clone(),
                    reason: e.reason.clone(),
                };
                let list = if to.rank() < from.rank() {
                    &mut c.reverted
                } else {
                    match to {
                        Stage::Signed => &mut c.newly_signed,
                        Stage::Vacated => &mut c.vacated,
                        Stage::Demolished => &mut c.demolished,
                        _ => &mut c.advanced,
                    }
                };
                list.push(change);
            }
            (Entity::Obstacle, Action::Create) => c.obstacles_opened.push(text("title").unwrap_or_default()),
            (Entity::Obstacle, Action::Update) if text("status").as_deref() == Some(ObstacleStatus::Resolved.id()) => {
                let title = crate::obstacle::get(conn, e.entity_id).map(|o| o.title).unwrap_or_default();
                c.obstacles_resolved.push(title);
            }
            (Entity::Visit, Action::Append) => c.visits += 1,
            (Entity::CompensationItem, Action::Update)
                if text("status").as_deref() == Some(PaymentStatus::Paid.id()) =>
            {
                c.payments += 1;
                c.paid_fen += crate::compensation::get(conn, e.entity_id).map(|i| i.amount).unwrap_or(0);
            }
            _ => {}
        }
    }
    Ok(c)
}

/// The date an operation's event happened on, where it carries one.
fn business_date(e: &super::history::HistoryEntry) -> Option<NaiveDate> {
    let text = |k: &str| e.fields.0.get(k).and_then(|v| v.as_str());
    let key = match e.entity {
        Entity::StageEvent => "reached_on",
        Entity::Visit => "visited_at",
        Entity::Obstacle if e.action == Action::Create => "raised_on",
        Entity::Obstacle => "resolved_on",
        Entity::CompensationItem => "paid_on",
        _ => return None,
    };
    let t = text(key)?;
    t.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}
