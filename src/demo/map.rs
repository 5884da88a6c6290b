//! The demo plot's geometry: 120 parcels in four blocks (one per work group) along lanes,
//! a main road crossing the plot, 15 utility poles and the red line, near 城东街道 in
//! Quanzhou. Generated from its own seed, so the rest of the demo's history — ids included —
//! stays what it was; each parcel's area is the household's recorded land area (占地面积).

use crate::error::Result;
use crate::map::geometry::{coord, Geometry};
use crate::map::tmerc::TransverseMercator;
use crate::map::Layer;
use crate::oplog::Tx;
use crate::vocab::PoleKind;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

const SEED: u64 = 0x00d5_4a9e_2022_0815;
/// The plot's centre (CGCS2000).
const CENTRE: (f64, f64) = (118.6512, 24.9386);
/// The plot's grid is turned this far from north (degrees), as the old village's lanes run.
const TURN: f64 = 12.0;
const CELL_W: f64 = 17.0;
const CELL_H: f64 = 20.0;
const COLS: usize = 6;
const ROWS: usize = 5;
const ROAD: f64 = 14.0;
pub const SOURCE: &str = "东星4号地块宗地图（演示数据，CGCS2000）";

/// Poles the survey found beside the six already recorded: (label, kind, owner, location).
pub const SURVEYED_POLES: [(&str, PoleKind, &str, &str); 9] = [
    ("DL-05", PoleKind::Power, "国网泉州供电公司", "主路东段北侧"),
    ("DL-06", PoleKind::Power, "国网泉州供电公司", "主路东段南侧"),
    ("DL-07", PoleKind::Power, "国网泉州供电公司", "主路西段北侧"),
    ("DL-08", PoleKind::Power, "国网泉州供电公司", "南北主路北段"),
    ("DL-09", PoleKind::Power, "国网泉州供电公司", "南北主路南段"),
    ("DL-10", PoleKind::Power, "国网泉州供电公司", "地块南侧围墙边"),
    ("TX-03", PoleKind::Telecom, "中国电信泉州分公司", "地块东侧巷口"),
    ("TX-04", PoleKind::Telecom, "中国联通泉州分公司", "地块西侧巷口"),
    ("TX-05", PoleKind::Telecom, "中国移动泉州分公司", "主路交叉口"),
];

/// Local metres (east, north from the plot's centre, before turning) to a stored coordinate.
fn to_coord(x: f64, y: f64) -> [i64; 2] {
    let (s, c) = TURN.to_radians().sin_cos();
    let (e, n) = (x * c - y * s, x * s + y * c);
    let mut tm = TransverseMercator::gauss_kruger(CENTRE.0, 0.0);
    tm.lat0 = CENTRE.1;
    let (lon, lat) = tm.inverse(e, n);
    coord(lon, lat)
}

fn polygon(corners: &[(f64, f64)]) -> Geometry {
    let mut ring: Vec<[i64; 2]> = corners.iter().map(|(x, y)| to_coord(*x, *y)).collect();
    ring.push(ring[0]);
    Geometry::MultiPolygon(vec![vec![ring]])
}

/// The top-left corner of group `g`'s block (0 north-west, 1 north-east, 2 south-west,
/// 3 south-east), local metres.
fn block_origin(g: usize) -> (f64, f64) {
    let (bw, bh) = (COLS as f64 * CELL_W, ROWS as f64 * CELL_H);
    let x = if g % 2 == 0 { -ROAD / 2.0 - bw } else { ROAD / 2.0 };
    let y = if g < 2 { ROAD / 2.0 + bh } else { -ROAD / 2.0 };
    (x, y)
}

/// The centre of household `i`'s cell (0-based, 30 per group), local metres.
fn cell_centre(i: usize) -> (f64, f64) {
    let (g, k) = (i / 30, i % 30);
    let (ox, oy) = block_origin(g);
    (ox + (k % COLS) as f64 * CELL_W + CELL_W / 2.0, oy - (k / COLS) as f64 * CELL_H - CELL_H / 2.0)
}

/// Writes the geometry: the red line, a parcel for each household (`households`: id and land
/// area in 0.01 m², in household order) and a point for each pole (`poles`: id, label).
pub fn write(tx: &mut Tx, project: Uuid, households: &[(Uuid, String, i64)], poles: &[(Uuid, String)]) -> Result<()> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(SEED);
    let (bw, bh) = (COLS as f64 * CELL_W, ROWS as f64 * CELL_H);
    let (hw, hh) = (ROAD / 2.0 + bw + 8.0, ROAD / 2.0 + bh + 8.0);
    // The red line: the blocks and a margin, a corner cut off where a school's wall runs.
    let red = polygon(&[
        (-hw, -hh),
        (hw - 30.0, -hh),
        (hw, -hh + 26.0),
        (hw + 3.0, 0.0),
        (hw, hh),
        (-hw + 10.0, hh + 2.0),
        (-hw, hh - 12.0),
        (-hw - 2.0, 0.0),
    ]);
    let area = |g: &Geometry| -> i64 {
        let Geometry::MultiPolygon(ps) = g else { return 0 };
        let b = g.bounds().expect("polygon has points");
        let plane = crate::map::geometry::Plane::around((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0);
        let a: f64 = ps.iter().map(|p| crate::map::geometry::polygon_area(&plane.rings(p))).sum();
        (a * 100.0).round() as i64
    };
    crate::map::put(tx, project, Layer::Boundary, project, "东星4号地块征收范围", &red, area(&red), SOURCE)?;
    for (i, (id, number, land)) in households.iter().enumerate() {
        let (cx, cy) = cell_centre(i);
        // A footprint of the household's land area, its proportions varied, inside its cell.
        let target = (*land as f64 / 100.0).clamp(90.0, (CELL_W - 2.0) * (CELL_H - 2.5));
        let aspect: f64 = rng.random_range(0.8..1.25);
        let w = (target * aspect).sqrt().min(CELL_W - 2.0);
        let h = (target / w).min(CELL_H - 2.5);
        let (jx, jy) = ((CELL_W - 2.0 - w) / 2.0, (CELL_H - 2.5 - h) / 2.0);
        let (ox, oy) = (cx + rng.random_range(-jx..=jx), cy + rng.random_range(-jy..=jy));
        let mut wob = || rng.random_range(-0.6..0.6);
        let mut corners = [
            (ox - w / 2.0 + wob(), oy - h / 2.0 + wob()),
            (ox + w / 2.0 + wob(), oy - h / 2.0 + wob()),
            (ox + w / 2.0 + wob(), oy + h / 2.0 + wob()),
            (ox - w / 2.0 + wob(), oy + h / 2.0 + wob()),
        ];
        // Scaled about its centre so the irregular corners keep the recorded area.
        let shoelace: f64 = (0..4)
            .map(|k| corners[k].0 * corners[(k + 1) % 4].1 - corners[(k + 1) % 4].0 * corners[k].1)
            .sum::<f64>()
            .abs()
            / 2.0;
        let f = (w * h / shoelace).sqrt();
        for c in corners.iter_mut() {
            *c = (ox + (c.0 - ox) * f, oy + (c.1 - oy) * f);
        }
        let g = polygon(&corners);
        crate::map::put(tx, project, Layer::Parcels, *id, number, &g, area(&g), SOURCE)?;
    }
    for (id, label) in poles {
        let (x, y) = pole_place(label, &mut rng);
        crate::map::put(tx, project, Layer::Poles, *id, label, &Geometry::Point(to_coord(x, y)), 0, SOURCE)?;
    }
    Ok(())
}

/// Where each pole stands, local metres: beside the houses its location names, along the
/// main roads, or at the plot's edges.
fn pole_place(label: &str, rng: &mut rand_chacha::ChaCha8Rng) -> (f64, f64) {
    let (bw, bh) = (COLS as f64 * CELL_W, ROWS as f64 * CELL_H);
    let beside = |i: usize, dx: f64, dy: f64| {
        let (x, y) = cell_centre(i);
        (x + dx, y + dy)
    };
    let jitter: f64 = rng.random_range(-3.0..3.0);
    match label {
        "DL-01" => beside(0, CELL_W / 2.0, 4.0),
        "DL-02" => beside(27, 0.0, -CELL_H / 2.0 + 0.6),
        "DL-03" => (ROAD / 2.0 - 2.0, -ROAD / 2.0 + 2.0 - 30.0),
        "DL-04" => beside(75, 0.0, CELL_H / 2.0 - 0.6),
        "TX-01" => (jitter - 20.0, bh + ROAD / 2.0 + 4.0),
        "TX-02" => beside(104, CELL_W / 2.0, 0.0),
        "DL-05" => (bw * 0.6 + jitter, ROAD / 2.0 - 2.0),
        "DL-06" => (bw * 0.25 + jitter, -ROAD / 2.0 + 2.0),
        "DL-07" => (-bw * 0.5 + jitter, ROAD / 2.0 - 2.0),
        "DL-08" => (-ROAD / 2.0 + 2.0, bh * 0.55 + jitter),
        "DL-09" => (ROAD / 2.0 - 2.0, -bh * 0.7 + jitter),
        "DL-10" => (bw * 0.3 + jitter, -bh - ROAD / 2.0 - 4.0),
        "TX-03" => (bw + ROAD / 2.0 + 4.0, -bh * 0.3 + jitter),
        "TX-04" => (-bw - ROAD / 2.0 - 4.0, bh * 0.35 + jitter),
        _ => (1.5, 1.5),
    }
}
