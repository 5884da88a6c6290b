//! The project summary: signing rate by households and area (whole project, per group,
//! per day), days left, stages, compensation totals, obstacles by unit, overdue follow-ups.

use crate::error::Result;
use crate::project::{self, Project};
use crate::units::hundredths_to_f64;
use crate::vocab::Stage;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Summary {
    pub project_code: String,
    pub project_name: String,
    pub as_of: NaiveDate,
    pub window_opens_on: NaiveDate,
    pub window_closes_on: NaiveDate,
    /// Negative once the deadline has passed.
    pub days_left: i64,
    pub households_total: i64,
    pub households_signed: i64,
    /// Signed households / all households, 0..=1.
    pub signing_rate: f64,
    /// Sum of the agreements' signed areas, m².
    pub signed_area_m2: f64,
    /// Sum of all households' floor areas, m².
    pub total_area_m2: f64,
    /// Floor area of signed households / all floor area, 0..=1.
    pub area_signing_rate: f64,
    pub signed_area_centi: i64,
    pub total_area_centi: i64,
    pub stages: Vec<StageCount>,
    pub groups: Vec<GroupRow>,
    pub daily: Vec<DayRow>,
    pub compensation: CompensationTotals,
    pub obstacles_by_unit: Vec<UnitObstacles>,
    pub overdue_follow_ups: Vec<OverdueFollowUp>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageCount {
    pub stage: Stage,
    pub name: &'static str,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GroupRow {
    pub group: String,
    pub leader: Option<String>,
    pub households_total: i64,
    pub households_signed: i64,
    pub signing_rate: f64,
    pub signed_area_m2: f64,
    pub demolished: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DayRow {
    pub date: NaiveDate,
    pub signed: i64,
    pub cumulative_signed: i64,
    pub cumulative_rate: f64,
    pub cumulative_area_m2: f64,
}

#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CompensationTotals {
    /// All items still being estimated, fen.
    pub estimated_fen: i64,
    /// Confirmed (including paid) items, fen.
    pub confirmed_fen: i64,
    pub paid_fen: i64,
    /// Confirmed but not yet paid, fen.
    pub unpaid_confirmed_fen: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnitObstacles {
    pub responsible_unit: String,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OverdueFollowUp {
    pub household_no: String,
    pub head_name: String,
    pub follow_up_on: NaiveDate,
    pub days_overdue: i64,
    pub next_step: String,
}

/// The signed stages as an SQL list: `'signed','vacated','demolished'`.
fn signed_stage_list() -> String {
    Stage::ALL.iter().filter(|s| s.is_signed()).map(|s| format!("'{}'", s.id())).collect::<Vec<_>>().join(",")
}

fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

pub fn summary(conn: &Connection, p: &Project, as_of: Option<NaiveDate>) -> Result<Summary> {
    let as_of = project::asked_as_of(p, as_of)?;
    let pid = p.id.to_string();
    let signed_stages = signed_stage_list();

    let (total, signed, total_area, signed_floor, signed_area): (i64, i64, i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(stage IN ({signed_stages})), 0), coalesce(sum(floor_area), 0),
                    coalesce(sum(CASE WHEN stage IN ({signed_stages}) THEN floor_area END), 0),
                    coalesce(sum(CASE WHEN stage IN ({signed_stages}) THEN signed_area END), 0)
             FROM households WHERE project_id = ?1"
        ),
        [&pid],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )?;

    let mut by_stage: BTreeMap<String, i64> = BTreeMap::new();
    {
        let mut stmt = conn.prepare("SELECT stage, count(*) FROM households WHERE project_id = ?1 GROUP BY stage")?;
        for row in stmt.query_map([&pid], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
            let (s, n) = row?;
            by_stage.insert(s, n);
        }
    }
    let stages = Stage::ALL
        .iter()
        .map(|s| StageCount { stage: *s, name: s.zh(), households: by_stage.get(s.id()).copied().unwrap_or(0) })
        .collect();

    let mut groups: Vec<GroupRow> = {
        let mut stmt = conn.prepare(&format!(
            "SELECT g.name, s.name, count(h.id), coalesce(sum(h.stage IN ({signed_stages})), 0),
                    coalesce(sum(CASE WHEN h.stage IN ({signed_stages}) THEN h.signed_area END), 0),
                    coalesce(sum(h.stage = 'demolished'), 0)
             FROM work_groups g LEFT JOIN staff s ON s.id = g.leader_id
             LEFT JOIN households h ON h.group_id = g.id
             WHERE g.project_id = ?1 GROUP BY g.id ORDER BY g.name"
        ))?;
        let rows = stmt.query_map([&pid], |r| {
            let total: i64 = r.get(2)?;
            let signed: i64 = r.get(3)?;
            Ok(GroupRow {
                group: r.get(0)?,
                leader: r.get(1)?,
                households_total: total,
                households_signed: signed,
                signing_rate: rate(signed, total),
                signed_area_m2: hundredths_to_f64(r.get(4)?),
                demolished: r.get(5)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Ranked by signing rate, as the team compares groups; ties in the groups' fixed order
    // (第二组 before 第三组, which text order would swap).
    groups.sort_by(|a, b| {
        b.signing_rate
            .total_cmp(&a.signing_rate)
            .then_with(|| crate::project::group_order(&a.group).cmp(&crate::project::group_order(&b.group)))
    });

    let daily = daily_curve(conn, p, as_of, total)?;

    let compensation = conn.query_row(
        "SELECT coalesce(sum(CASE WHEN c.status = 'estimated' THEN c.amount END), 0),
                coalesce(sum(CASE WHEN c.status IN ('confirmed', 'paid') THEN c.amount END), 0),
                coalesce(sum(CASE WHEN c.status = 'paid' THEN c.amount END), 0),
                coalesce(sum(CASE WHEN c.status = 'confirmed' THEN c.amount END), 0)
         FROM compensation_items c JOIN households h ON h.id = c.household_id WHERE h.project_id = ?1",
        [&pid],
        |r| {
            Ok(CompensationTotals {
                estimated_fen: r.get(0)?,
                confirmed_fen: r.get(1)?,
                paid_fen: r.get(2)?,
                unpaid_confirmed_fen: r.get(3)?,
            })
        },
    )?;

    let mut units: BTreeMap<String, UnitObstacles> = BTreeMap::new();
    for o in crate::obstacle::list(conn, p.id, true)? {
        let unit =
            if o.responsible_unit.is_empty() { "（未指定）".to_string() } else { o.responsible_unit.clone() };
        let e = units.entry(unit.clone()).or_insert(UnitObstacles { responsible_unit: unit, open: 0, overdue: 0 });
        e.open += 1;
        e.overdue += o.is_overdue(as_of) as i64;
    }
    let mut obstacles_by_unit: Vec<UnitObstacles> = units.into_values().collect();
    obstacles_by_unit.sort_by(|a, b| {
        b.overdue.cmp(&a.overdue).then(b.open.cmp(&a.open)).then(a.responsible_unit.cmp(&b.responsible_unit))
    });

    Ok(Summary {
        project_code: p.code.clone(),
        project_name: p.name.clone(),
        as_of,
        window_opens_on: p.window_opens_on,
        window_closes_on: p.window_closes_on,
        days_left: (p.window_closes_on - as_of).num_days(),
        households_total: total,
        households_signed: signed,
        signing_rate: rate(signed, total),
        signed_area_m2: hundredths_to_f64(signed_area),
        total_area_m2: hundredths_to_f64(total_area),
        area_signing_rate: rate(signed_floor, total_area),
        signed_area_centi: signed_area,
        total_area_centi: total_area,
        stages,
        groups,
        daily,
        compensation,
        obstacles_by_unit,
        overdue_follow_ups: overdue_follow_ups(conn, p, as_of)?,
    })
}

/// One row per day from the window's opening to the later of its deadline and the last
/// signing (but not past `as_of`), counting agreements by their signing date.
fn daily_curve(conn: &Connection, p: &Project, as_of: NaiveDate, total: i64) -> Result<Vec<DayRow>> {
    let signed_stages = signed_stage_list();
    let mut per_day: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
    let mut stmt = conn.prepare(&format!(
        "SELECT agreement_date, count(*), coalesce(sum(signed_area), 0) FROM households
         WHERE project_id = ?1 AND stage IN ({signed_stages}) AND agreement_date IS NOT NULL GROUP BY agreement_date"
    ))?;
    for row in stmt.query_map([p.id.to_string()], |r| Ok((r.get::<_, NaiveDate>(0)?, r.get(1)?, r.get(2)?)))? {
        let (d, n, a) = row?;
        per_day.insert(d, (n, a));
    }
    let last_signing = per_day.keys().next_back().copied().unwrap_or(p.window_opens_on);
    let end = p.window_closes_on.max(last_signing).min(as_of);
    // Signings dated before the window opened count on its first day.
    let (mut cum_n, mut cum_a) =
        per_day.range(..p.window_opens_on).fold((0, 0), |(n, a), (_, (dn, da))| (n + dn, a + da));
    let mut out = Vec::new();
    let mut day = p.window_opens_on;
    while day <= end {
        let (n, a) = per_day.get(&day).copied().unwrap_or((0, 0));
        cum_n += n;
        cum_a += a;
        out.push(DayRow {
            date: day,
            signed: n,
            cumulative_signed: cum_n,
            cumulative_rate: rate(cum_n, total),
            cumulative_area_m2: hundredths_to_f64(cum_a),
        });
        day = day.succ_opt().expect("dates within range");
    }
    Ok(out)
}

/// Households whose latest visit (as corrected) promised a follow-up before `as_of`.
pub fn overdue_follow_ups(conn: &Connection, p: &Project, as_of: NaiveDate) -> Result<Vec<OverdueFollowUp>> {
    let mut stmt = conn.prepare(
        // Per household, its visits newest first through `visits_household`, skipping those
        // corrected (`visits_corrects`): a walk of a few index entries per household instead
        // of ranking every visit of the plot.
        "SELECT h.number, h.head_name, l.follow_up_on, l.next_step FROM households h
         JOIN visits l ON l.id = (
             SELECT v.id FROM visits v WHERE v.household_id = h.id
                AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.corrects = v.id)
             ORDER BY v.visited_at DESC, v.id DESC LIMIT 1)
         WHERE h.project_id = ?1 AND l.follow_up_on IS NOT NULL AND l.follow_up_on < ?2
         ORDER BY l.follow_up_on, length(h.number), h.number",
    )?;
    let rows = stmt.query_map(rusqlite::params![p.id.to_string(), as_of.to_string()], |r| {
        let due: NaiveDate = r.get(2)?;
        Ok(OverdueFollowUp {
            household_no: r.get(0)?,
            head_name: r.get(1)?,
            follow_up_on: due,
            days_overdue: (as_of - due).num_days(),
            next_step: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
