//! 全区总览: every plot in this database side by side — signing rate, 净地 progress, money
//! confirmed and paid, open obstacles by responsible unit, and the pace against each
//! deadline. A 督导 / 指挥部 laptop subscribed to the district's projects (through the hub)
//! holds them all. Every figure is a plot's own [`summary`] and [`pace`], taken as they are:
//! no rule is computed a second time here, only added up.

use super::pace::{pace, PaceCurve, PaceStatus};
use super::summary::{summary, UnitObstacles};
use crate::error::Result;
use crate::vocab::{ProjectStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A deadline and how the plot stands against it, from `report::pace`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeadlinePace {
    pub deadline: Option<NaiveDate>,
    pub status: PaceStatus,
    /// The day 100% was reached, or would be at the last 7 days' pace.
    pub reaches_on: Option<NaiveDate>,
    pub on_time: Option<bool>,
    /// Deadline minus `reaches_on`: positive early, negative late.
    pub days_margin: Option<i64>,
    /// Households per day over the last 7 days.
    pub per_day: f64,
    /// The pace's own sentence (`PaceCurve::sentence`).
    pub sentence: String,
}

impl From<&PaceCurve> for DeadlinePace {
    fn from(c: &PaceCurve) -> Self {
        DeadlinePace {
            deadline: c.deadline,
            status: c.status,
            reaches_on: c.reaches_on,
            on_time: c.on_time,
            days_margin: c.days_margin,
            per_day: c.per_day,
            sentence: c.sentence(),
        }
    }
}

/// One plot's line of the overview.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlotRow {
    pub project_id: Uuid,
    pub code: String,
    pub name: String,
    pub community: String,
    pub status: ProjectStatus,
    /// The date the plot's figures stand at (its own as-of date, else today).
    pub as_of: NaiveDate,
    pub households_total: i64,
    pub households_signed: i64,
    pub signing_rate: f64,
    /// 净地 progress: households demolished, and their share of all.
    pub demolished: i64,
    pub demolished_rate: f64,
    pub confirmed_fen: i64,
    pub paid_fen: i64,
    /// Open obstacles, and those past their due date.
    pub obstacles_open: i64,
    pub obstacles_overdue: i64,
    /// Open obstacles by the unit that must act (the summary's own list).
    pub obstacles_by_unit: Vec<UnitObstacles>,
    /// Signing against the signing deadline.
    pub signing: DeadlinePace,
    /// Demolition against the 净地 target.
    pub clearance: DeadlinePace,
}

/// The district's sums over its plots.
#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DistrictTotals {
    pub plots: i64,
    pub households_total: i64,
    pub households_signed: i64,
    pub signing_rate: f64,
    pub demolished: i64,
    pub demolished_rate: f64,
    pub confirmed_fen: i64,
    pub paid_fen: i64,
    pub obstacles_open: i64,
    pub obstacles_overdue: i64,
    /// Plots whose signing or 净地 would miss its deadline at the present pace.
    pub plots_behind: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DistrictOverview {
    pub plots: Vec<PlotRow>,
    pub totals: DistrictTotals,
    /// Open obstacles by responsible unit over the whole district, most overdue first.
    pub obstacles_by_unit: Vec<UnitObstacles>,
}

fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

impl PlotRow {
    /// Signing or 净地 would miss its deadline at the present pace.
    pub fn behind(&self) -> bool {
        self.signing.on_time == Some(false) || self.clearance.on_time == Some(false)
    }
}

/// Every project in the database, by code, each at its own as-of date.
pub fn overview(conn: &Connection) -> Result<DistrictOverview> {
    let mut plots = Vec::new();
    let mut units: BTreeMap<String, UnitObstacles> = BTreeMap::new();
    let mut t = DistrictTotals::default();
    for p in crate::project::list(conn)? {
        let s = summary(conn, &p, None)?;
        let pc = pace(conn, &p)?;
        let demolished =
            s.stages.iter().find(|c| c.stage == Stage::Demolished).map(|c| c.households).unwrap_or_default();
        let row = PlotRow {
            project_id: p.id,
            code: p.code.clone(),
            name: p.name.clone(),
            community: p.community.clone(),
            status: p.status,
            as_of: s.as_of,
            households_total: s.households_total,
            households_signed: s.households_signed,
            signing_rate: s.signing_rate,
            demolished,
            demolished_rate: rate(demolished, s.households_total),
            confirmed_fen: s.compensation.confirmed_fen,
            paid_fen: s.compensation.paid_fen,
            obstacles_open: s.obstacles_by_unit.iter().map(|u| u.open).sum(),
            obstacles_overdue: s.obstacles_by_unit.iter().map(|u| u.overdue).sum(),
            obstacles_by_unit: s.obstacles_by_unit.clone(),
            signing: (&pc.signing).into(),
            clearance: (&pc.demolition).into(),
        };
        for u in &s.obstacles_by_unit {
            let e = units.entry(u.responsible_unit.clone()).or_insert(UnitObstacles {
                responsible_unit: u.responsible_unit.clone(),
                open: 0,
                overdue: 0,
            });
            e.open += u.open;
            e.overdue += u.overdue;
        }
        t.plots += 1;
        t.households_total += row.households_total;
        t.households_signed += row.households_signed;
        t.demolished += row.demolished;
        t.confirmed_fen += row.confirmed_fen;
        t.paid_fen += row.paid_fen;
        t.obstacles_open += row.obstacles_open;
        t.obstacles_overdue += row.obstacles_overdue;
        t.plots_behind += row.behind() as i64;
        plots.push(row);
    }
    t.signing_rate = rate(t.households_signed, t.households_total);
    t.demolished_rate = rate(t.demolished, t.households_total);
    let mut obstacles_by_unit: Vec<UnitObstacles> = units.into_values().collect();
    // The summary's order: most overdue, then most open, then by name.
    obstacles_by_unit.sort_by(|a, b| {
        b.overdue.cmp(&a.overdue).then(b.open.cmp(&a.open)).then(a.responsible_unit.cmp(&b.responsible_unit))
    });
    Ok(DistrictOverview { plots, totals: t, obstacles_by_unit })
}
