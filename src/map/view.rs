//! The map as it stood on a date: parcels filled by each household's stage on that day
//! (replayed from the log, [`crate::report::as_of`]), poles by their status then, the
//! boundary, a legend with counts, and the filters (group, stage, open obstacles). Drawn in
//! metres on a plane around the plot, y downwards as SVG has it, so the app and the printed
//! map draw the same paths.

use super::geometry::{self, Geometry, Plane, Xy};
use super::{features, Layer};
use crate::error::Result;
use crate::project::{self, Project};
use crate::report::as_of::{tally, tracks};
use crate::report::pace::{pace, Pace};
use crate::vocab::{ObstacleCategory, PoleKind, PoleStatus, Stage};
use chrono::{NaiveDate, TimeZone};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Fill colour per stage: the board's (ui/src/lib/stages.ts `STAGE_COLORS`; a test keeps
/// the two equal).
pub fn stage_colour(s: Stage) -> &'static str {
    match s {
        Stage::Registered => "#94a3b8",
        Stage::Assessed => "#a78bfa",
        Stage::Negotiating => "#f59e0b",
        Stage::Signed => "#3b82f6",
        Stage::Vacated => "#14b8a6",
        Stage::Demolished => "#16a34a",
    }
}

/// Not yet registered on the date shown: an outline only.
pub const NOT_REGISTERED_COLOUR: &str = "#ffffff";

/// Pole marker colour per status (the map page and the printed map alike): red while it
/// still stands in the way, green once moved.
pub fn pole_colour(s: PoleStatus) -> &'static str {
    match s {
        PoleStatus::NotApplied => "#dc2626",
        PoleStatus::Applied => "#f97316",
        PoleStatus::Scheduled => "#eab308",
        PoleStatus::Relocated => "#16a34a",
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MapFilter {
    /// The date shown; default the project's as-of date.
    #[serde(default)]
    pub on: Option<NaiveDate>,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub stage: Option<Stage>,
    /// Households with an open obstacle: any, or of this category.
    #[serde(default)]
    pub obstacle: Option<ObstacleFilter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ObstacleFilter {
    Any,
    Category(ObstacleCategory),
}

impl ObstacleFilter {
    /// "any" (任意), or an obstacle category by id or Chinese name.
    pub fn parse(s: &str) -> Result<ObstacleFilter> {
        match s.trim() {
            "any" | "任意" | "全部" => Ok(ObstacleFilter::Any),
            t => ObstacleCategory::parse(t).map(ObstacleFilter::Category),
        }
    }
}

impl MapFilter {
    /// From the text a command line or a form gives; empty values are no filter.
    pub fn parse(on: Option<&str>, group: Option<&str>, stage: Option<&str>, obstacle: Option<&str>) -> Result<Self> {
        fn some(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        Ok(MapFilter {
            on: crate::units::parse_opt_date("on", some(on))?,
            group: some(group).map(str::to_string),
            stage: some(stage).map(Stage::parse).transpose()?,
            obstacle: some(obstacle).map(ObstacleFilter::parse).transpose()?,
        })
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ParcelView {
    pub household_id: Uuid,
    pub number: String,
    pub head_name: String,
    pub group_name: String,
    /// None: not yet registered on that date.
    pub stage: Option<Stage>,
    pub stage_name: String,
    pub colour: String,
    /// SVG path data in the map's metres (y down), rings closed, holes by even-odd.
    pub path: String,
    pub label_x: f64,
    pub label_y: f64,
    pub area_m2: f64,
    /// Titles of the household's obstacles open on that date.
    pub open_obstacles: Vec<String>,
    /// Matches the filters; the others are drawn faded.
    pub matches: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PoleView {
    pub id: Uuid,
    pub label: String,
    pub kind: PoleKind,
    pub owner_unit: String,
    /// None: not yet recorded on that date.
    pub status: Option<PoleStatus>,
    pub status_name: String,
    pub colour: String,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LegendEntry {
    /// A stage or pole-status id; "not_registered" for households not yet registered.
    pub id: String,
    pub name: String,
    pub colour: String,
    /// Households (matching the filters) or poles in this state on the date.
    pub count: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MapView {
    pub project_code: String,
    pub project_name: String,
    pub on: NaiveDate,
    pub as_of: NaiveDate,
    /// The earliest date the slider offers: the first registration.
    pub first_day: NaiveDate,
    /// The drawing's size in metres; everything lies in 0..width × 0..height.
    pub width: f64,
    pub height: f64,
    /// A round length for the scale bar, metres.
    pub scale_bar_m: f64,
    pub parcels: Vec<ParcelView>,
    pub poles: Vec<PoleView>,
    pub boundary: Option<String>,
    pub legend: Vec<LegendEntry>,
    pub pole_legend: Vec<LegendEntry>,
    /// Households matching the filters, and how many of them have a parcel on the map.
    pub households_shown: i64,
    pub households_total: i64,
    pub with_parcel: i64,
    /// Matching households without a parcel (their number and head).
    pub without_parcel: Vec<String>,
    pub groups: Vec<String>,
    pub has_geometry: bool,
    pub pace: Pace,
}

fn local_day_of_hlc(hlc: i64) -> NaiveDate {
    chrono::Local.timestamp_millis_opt(hlc >> 16).single().map(|t| t.date_naive()).unwrap_or(NaiveDate::MIN)
}

/// Each pole's status on `date`, replayed from its operations (status and the date it took
/// effect); on and after `as_of`, its current status.
pub fn pole_statuses_on(
    conn: &Connection,
    project: Uuid,
    date: NaiveDate,
    as_of: NaiveDate,
) -> Result<HashMap<Uuid, Option<PoleStatus>>> {
    let mut out = HashMap::new();
    let current = crate::plot_work::poles(conn, project)?;
    if date >= as_of {
        return Ok(current.into_iter().map(|p| (p.id, Some(p.status))).collect());
    }
    let mut stmt = conn.prepare(
        "SELECT entity_id, action, hlc, json_extract(fields, '$.status'), json_extract(fields, '$.status_on')
         FROM oplog WHERE project_id = ?1 AND entity = 'pole' ORDER BY hlc, device_id, id",
    )?;
    // Per pole: the day it was recorded, and its status changes (effective date, clock, status).
    type Changes = (NaiveDate, Vec<(NaiveDate, i64, PoleStatus)>);
    let mut history: HashMap<Uuid, Changes> = HashMap::new();
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok((
            crate::read::uuid(r, 0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
        ))
    })?;
    for row in rows {
        let (id, action, hlc, status, status_on) = row?;
        let day = local_day_of_hlc(hlc);
        let e = history.entry(id).or_insert((day, Vec::new()));
        if action == "create" {
            e.0 = e.0.min(day);
        }
        if let Some(s) = status.and_then(|s| PoleStatus::parse(&s).ok()) {
            let on = status_on.and_then(|d| d.parse().ok()).unwrap_or(day);
            e.1.push((on, hlc, s));
        }
    }
    for p in current {
        let status = history.get_mut(&p.id).and_then(|(created, changes)| {
            if date < *created {
                return None;
            }
            changes.sort_by_key(|(on, hlc, _)| (*on, *hlc));
            Some(changes.iter().take_while(|(on, _, _)| *on <= date).last().map_or(PoleStatus::NotApplied, |c| c.2))
        });
        out.insert(p.id, status);
    }
    Ok(out)
}

/// Titles of each household's obstacles open on `date`.
fn open_obstacles_on(
    conn: &Connection,
    project: Uuid,
    date: NaiveDate,
    as_of: NaiveDate,
) -> Result<HashMap<Uuid, Vec<(String, ObstacleCategory)>>> {
    let mut out: HashMap<Uuid, Vec<(String, ObstacleCategory)>> = HashMap::new();
    for o in crate::obstacle::list(conn, project, false)? {
        let Some(h) = o.household_id else { continue };
        let open = if date >= as_of {
            o.status != crate::vocab::ObstacleStatus::Resolved
        } else {
            o.raised_on <= date && o.resolved_on.is_none_or(|r| r > date)
        };
        if open {
            out.entry(h).or_default().push((o.title, o.category));
        }
    }
    Ok(out)
}

fn path_of(polys: &[Vec<Vec<Xy>>], origin: (f64, f64)) -> String {
    use std::fmt::Write;
    let mut d = String::new();
    for rings in polys {
        for r in rings {
            for (i, (x, y)) in r.iter().enumerate().take(r.len().saturating_sub(1)) {
                let _ = write!(d, "{}{:.2} {:.2}", if i == 0 { "M" } else { "L" }, x - origin.0, origin.1 - y);
            }
            d.push('Z');
        }
    }
    d
}

/// Area-weighted centre of the largest polygon's outer ring.
fn label_point(polys: &[Vec<Vec<Xy>>]) -> Xy {
    let Some(big) = polys.iter().max_by(|a, b| geometry::polygon_area(a).total_cmp(&geometry::polygon_area(b))) else {
        return (0.0, 0.0);
    };
    let r = &big[0];
    let a = geometry::ring_area(r);
    if a.abs() < 1e-9 {
        return r[0];
    }
    let (mut cx, mut cy) = (0.0, 0.0);
    for w in r.windows(2) {
        let c = w[0].0 * w[1].1 - w[1].0 * w[0].1;
        cx += (w[0].0 + w[1].0) * c;
        cy += (w[0].1 + w[1].1) * c;
    }
    (cx / (6.0 * a), cy / (6.0 * a))
}

fn round_scale(width: f64) -> f64 {
    let target = width / 5.0;
    let mag = 10f64.powf(target.log10().floor());
    [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).rfind(|v| *v <= target).unwrap_or(mag)
}

pub fn map(conn: &Connection, p: &Project, filter: &MapFilter) -> Result<MapView> {
    let as_of = project::as_of(p, None);
    let on = filter.on.unwrap_or(as_of).min(as_of);
    let tracks = tracks(conn, p.id)?;
    let first_day = tracks.iter().map(|t| t.registered_on).min().unwrap_or(p.window_opens_on).min(p.window_opens_on);
    let obstacles = open_obstacles_on(conn, p.id, on, as_of)?;
    let feats = features(conn, p.id)?;

    let all: Vec<&Geometry> = feats.iter().map(|f| &f.geometry).collect();
    let bounds = all
        .iter()
        .filter_map(|g| g.bounds())
        .reduce(|a, b| [a[0].min(b[0]), a[1].min(b[1]), a[2].max(b[2]), a[3].max(b[3])]);
    let plane = bounds.map(|b| Plane::around((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0));
    let project_polys = |g: &Geometry| -> Vec<Vec<Vec<Xy>>> {
        match (g, plane) {
            (Geometry::MultiPolygon(ps), Some(pl)) => ps.iter().map(|poly| pl.rings(poly)).collect(),
            _ => Vec::new(),
        }
    };
    // Extent in the plane, with a margin of 4% around.
    let mut ext: Option<[f64; 4]> = None;
    for f in &feats {
        let pts: Vec<Xy> = match (&f.geometry, plane) {
            (Geometry::Point(c), Some(pl)) => vec![pl.xy(*c)],
            (g, _) => project_polys(g).into_iter().flatten().flatten().collect(),
        };
        for (x, y) in pts {
            ext = Some(ext.map_or([x, y, x, y], |e| [e[0].min(x), e[1].min(y), e[2].max(x), e[3].max(y)]));
        }
    }
    let ext = ext.unwrap_or([0.0, 0.0, 100.0, 100.0]);
    let margin = ((ext[2] - ext[0]).max(ext[3] - ext[1]) * 0.04).max(5.0);
    let (minx, maxy) = (ext[0] - margin, ext[3] + margin);
    let width = ((ext[2] - ext[0]) + 2.0 * margin).max(1.0);
    let height = ((ext[3] - ext[1]) + 2.0 * margin).max(1.0);
    let origin = (minx, maxy);
    let round2 = |v: f64| (v * 100.0).round() / 100.0;

    let parcel_of: HashMap<Uuid, &super::Feature> =
        feats.iter().filter(|f| f.layer == Layer::Parcels).filter_map(|f| f.household_id.map(|h| (h, f))).collect();
    let matches_filter = |t: &crate::report::as_of::Track, stage: Option<Stage>| -> bool {
        filter.group.as_ref().is_none_or(|g| g.is_empty() || *g == t.group_name)
            && filter.stage.is_none_or(|s| stage == Some(s))
            && filter.obstacle.is_none_or(|o| {
                obstacles.get(&t.id).is_some_and(|list| match o {
                    ObstacleFilter::Any => !list.is_empty(),
                    ObstacleFilter::Category(c) => list.iter().any(|(_, cat)| *cat == c),
                })
            })
    };
    let mut parcels = Vec::new();
    let mut shown_stages = Vec::new();
    let mut without_parcel = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    let mut with_parcel = 0;
    for t in &tracks {
        if !groups.contains(&t.group_name) {
            groups.push(t.group_name.clone());
        }
        let stage = t.stage_on(on, as_of);
        let matches = matches_filter(t, stage);
        if matches {
            shown_stages.push(stage);
        }
        let Some(f) = parcel_of.get(&t.id) else {
            if matches {
                without_parcel.push(format!("{} {}", t.number, t.head_name));
            }
            continue;
        };
        with_parcel += matches as i64;
        let polys = project_polys(&f.geometry);
        let (lx, ly) = label_point(&polys);
        parcels.push(ParcelView {
            household_id: t.id,
            number: t.number.clone(),
            head_name: t.head_name.clone(),
            group_name: t.group_name.clone(),
            stage,
            stage_name: stage.map_or("未登记", |s| s.zh()).to_string(),
            colour: stage.map_or(NOT_REGISTERED_COLOUR, stage_colour).to_string(),
            path: path_of(&polys, origin),
            label_x: round2(lx - origin.0),
            label_y: round2(origin.1 - ly),
            area_m2: f.area as f64 / 100.0,
            open_obstacles: obstacles
                .get(&t.id)
                .map(|l| l.iter().map(|(t, _)| t.clone()).collect())
                .unwrap_or_default(),
            matches,
        });
    }
    groups.sort();
    let (tallies, not_registered) = tally(shown_stages.iter().copied());
    let mut legend: Vec<LegendEntry> = tallies
        .into_iter()
        .map(|t| LegendEntry {
            id: t.stage.id().into(),
            name: t.name.into(),
            colour: stage_colour(t.stage).into(),
            count: t.households,
        })
        .collect();
    if not_registered > 0 {
        legend.push(LegendEntry {
            id: "not_registered".into(),
            name: "未登记".into(),
            colour: NOT_REGISTERED_COLOUR.into(),
            count: not_registered,
        });
    }

    let statuses = pole_statuses_on(conn, p.id, on, as_of)?;
    let pole_feature: HashMap<Uuid, &super::Feature> =
        feats.iter().filter(|f| f.layer == Layer::Poles).filter_map(|f| f.pole_id.map(|id| (id, f))).collect();
    let mut poles = Vec::new();
    let mut pole_counts: HashMap<PoleStatus, i64> = HashMap::new();
    for pole in crate::plot_work::poles(conn, p.id)? {
        let status = statuses.get(&pole.id).copied().flatten();
        if let Some(s) = status {
            *pole_counts.entry(s).or_default() += 1;
        }
        let (Some(f), Some(pl)) = (pole_feature.get(&pole.id), plane) else { continue };
        let Geometry::Point(c) = f.geometry else { continue };
        let (x, y) = pl.xy(c);
        poles.push(PoleView {
            id: pole.id,
            label: pole.label,
            kind: pole.kind,
            owner_unit: pole.owner_unit,
            status,
            status_name: status.map_or("未登记", |s| s.zh()).to_string(),
            colour: status.map_or("#9ca3af", pole_colour).to_string(),
            x: round2(x - origin.0),
            y: round2(origin.1 - y),
        });
    }
    let pole_legend = PoleStatus::ALL
        .iter()
        .map(|s| LegendEntry {
            id: s.id().into(),
            name: s.zh().into(),
            colour: pole_colour(*s).into(),
            count: pole_counts.get(s).copied().unwrap_or(0),
        })
        .collect();
    let boundary =
        feats.iter().find(|f| f.layer == Layer::Boundary).map(|f| path_of(&project_polys(&f.geometry), origin));

    Ok(MapView {
        project_code: p.code.clone(),
        project_name: p.name.clone(),
        on,
        as_of,
        first_day,
        width: round2(width),
        height: round2(height),
        scale_bar_m: round_scale(width),
        households_shown: shown_stages.len() as i64,
        households_total: tracks.len() as i64,
        with_parcel,
        without_parcel,
        parcels,
        poles,
        boundary,
        legend,
        pole_legend,
        groups,
        has_geometry: !feats.is_empty(),
        pace: pace(conn, p)?,
    })
}
