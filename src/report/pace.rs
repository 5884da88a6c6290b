//! Will we make it? The signing and demolition curves day by day (replayed from the stage
//! events, as the map's date slider does), extended at the pace of the last 7 days, with the
//! day each would reach 100% and whether that is before the signing deadline and the 净地
//! target. The core computes all of it; the dashboard and the map only show it.

use super::as_of::{tracks, Track};
use crate::error::Result;
use crate::project::{self, Project};
use crate::vocab::Stage;
use chrono::{Duration, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

/// The window the pace is measured over, days.
pub const PACE_DAYS: i64 = 7;
/// The longest history and projection drawn, days.
const MAX_DAYS: i64 = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PaceStatus {
    /// Every household is there.
    Done,
    /// At the last 7 days' pace it gets there on `reaches_on`.
    Projected,
    /// Nothing moved in the last 7 days: at this pace it never gets there.
    Stalled,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PacePoint {
    pub date: NaiveDate,
    pub households: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaceCurve {
    /// "签约" or "拆除".
    pub name: &'static str,
    pub total: i64,
    pub done: i64,
    /// done / total, 0..=1.
    pub rate: f64,
    /// Households per day over the last 7 days.
    pub per_day: f64,
    /// The signing deadline, or the 净地 target.
    pub deadline: Option<NaiveDate>,
    pub deadline_name: &'static str,
    pub status: PaceStatus,
    /// The day 100% was reached (done), or would be at this pace (projected).
    pub reaches_on: Option<NaiveDate>,
    /// Whether that is on or before the deadline (None without a deadline).
    pub on_time: Option<bool>,
    /// Deadline minus the day 100% is reached: positive is early, negative late.
    pub days_margin: Option<i64>,
    /// Households there, day by day up to the as-of date.
    pub history: Vec<PacePoint>,
    /// From the as-of date to `reaches_on` at this pace.
    pub projection: Vec<PacePoint>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Pace {
    pub as_of: NaiveDate,
    pub pace_days: i64,
    pub signing: PaceCurve,
    pub demolition: PaceCurve,
}

pub fn pace(conn: &Connection, p: &Project) -> Result<Pace> {
    let as_of = project::as_of(p, None);
    let tracks = tracks(conn, p.id)?;
    let first_event = tracks.iter().filter_map(|t| t.events.first().map(|e| e.0)).min();
    let start =
        first_event.map_or(p.window_opens_on, |f| f.min(p.window_opens_on)).max(as_of - Duration::days(MAX_DAYS));
    let signing = curve(&tracks, "签约", Stage::Signed, start, as_of, Some(p.window_closes_on), "签约期限");
    let demolition = curve(&tracks, "拆除", Stage::Demolished, start, as_of, p.clearance_target, "净地目标");
    Ok(Pace { as_of, pace_days: PACE_DAYS, signing, demolition })
}

fn curve(
    tracks: &[Track],
    name: &'static str,
    stage: Stage,
    start: NaiveDate,
    as_of: NaiveDate,
    deadline: Option<NaiveDate>,
    deadline_name: &'static str,
) -> PaceCurve {
    let there = |d: NaiveDate| -> i64 {
        tracks.iter().filter(|t| t.stage_on(d, as_of).is_some_and(|s| s.rank() >= stage.rank())).count() as i64
    };
    let total = tracks.len() as i64;
    let mut history = Vec::new();
    let mut d = start.min(as_of);
    let mut first_full = None;
    while d <= as_of {
        let n = there(d);
        if n == total && total > 0 && first_full.is_none() {
            first_full = Some(d);
        } else if n < total {
            first_full = None;
        }
        history.push(PacePoint { date: d, households: n as f64 });
        d += Duration::days(1);
    }
    let done = there(as_of);
    let before = there(as_of - Duration::days(PACE_DAYS));
    let per_day = ((done - before).max(0)) as f64 / PACE_DAYS as f64;
    let remaining = total - done;
    let (status, reaches_on) = if remaining <= 0 {
        (PaceStatus::Done, first_full.or(Some(as_of)).filter(|_| total > 0))
    } else if per_day <= 0.0 {
        (PaceStatus::Stalled, None)
    } else {
        let days = (remaining as f64 / per_day).ceil() as i64;
        (PaceStatus::Projected, Some(as_of + Duration::days(days)))
    };
    let mut projection = Vec::new();
    if let (PaceStatus::Projected, Some(end)) = (status, reaches_on) {
        let mut d = as_of;
        while d <= end && (d - as_of).num_days() <= MAX_DAYS {
            let n = (done as f64 + per_day * (d - as_of).num_days() as f64).min(total as f64);
            projection.push(PacePoint { date: d, households: (n * 10.0).round() / 10.0 });
            d += Duration::days(1);
        }
    }
    let on_time = match (status, deadline, reaches_on) {
        (_, None, _) => None,
        (PaceStatus::Stalled, Some(_), _) => Some(false),
        (_, Some(dl), Some(r)) => Some(r <= dl),
        _ => None,
    };
    PaceCurve {
        name,
        total,
        done,
        rate: if total == 0 { 0.0 } else { done as f64 / total as f64 },
        per_day: (per_day * 100.0).round() / 100.0,
        deadline,
        deadline_name,
        status,
        reaches_on,
        on_time,
        days_margin: deadline.zip(reaches_on).map(|(dl, r)| (dl - r).num_days()),
        history,
        projection,
    }
}

impl PaceCurve {
    /// One line for the CLI, the dashboard's tooltip and the printed map.
    pub fn sentence(&self) -> String {
        let pct = self.rate * 100.0;
        let head = format!("{}:{}/{} 户（{pct:.1}%）", self.name, self.done, self.total);
        let deadline = self.deadline.map(|d| format!("{} {d} ", self.deadline_name)).unwrap_or_default();
        match self.status {
            PaceStatus::Done => {
                let when = self.reaches_on.map(|d| format!(",{d} 达到 100%")).unwrap_or_default();
                let verdict = match (self.on_time, self.days_margin) {
                    (Some(true), _) => format!("，在{deadline}前完成"),
                    (Some(false), Some(m)) => format!("，比{deadline}晚 {} 天", -m),
                    _ => String::new(),
                };
                format!("{head}已全部完成{when}{verdict}")
            }
            PaceStatus::Projected => {
                let r = self.reaches_on.expect("projected has a date");
                let verdict = match (self.on_time, self.days_margin) {
                    (Some(true), Some(m)) => format!("，比{deadline}早 {m} 天"),
                    (Some(false), Some(m)) => format!("，比{deadline}晚 {} 天", -m),
                    _ => String::new(),
                };
                format!("{head}；近 {PACE_DAYS} 天每天 {:.1} 户，按此进度 {r} 达到 100%{verdict}", self.per_day)
            }
            PaceStatus::Stalled => {
                let verdict =
                    if deadline.is_empty() { String::new() } else { format!("，赶不上{}", deadline.trim_end()) };
                format!("{head}；近 {PACE_DAYS} 天没有进展，按此进度无法完成{verdict}")
            }
        }
    }
}
