//! Geometry as stored and checked: CGCS2000 longitude/latitude in integer nanodegrees
//! (1e-9°, about 0.1 mm), so a record's text is exact and a replay byte-equal; checks and
//! areas work on a local plane in metres (a transverse Mercator through the plot's centre).

use super::tmerc::TransverseMercator;
use serde::{Deserialize, Serialize};

/// Nanodegrees per degree.
pub const NANO: f64 = 1e9;

/// (longitude, latitude) in nanodegrees.
pub type Coord = [i64; 2];
/// Rings of one polygon, the outer first; each ring closed (first = last).
pub type Polygon = Vec<Vec<Coord>>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", content = "coordinates")]
pub enum Geometry {
    Point(Coord),
    MultiPolygon(Vec<Polygon>),
}

pub fn coord(lon: f64, lat: f64) -> Coord {
    [(lon * NANO).round() as i64, (lat * NANO).round() as i64]
}

pub fn lonlat(c: Coord) -> (f64, f64) {
    (c[0] as f64 / NANO, c[1] as f64 / NANO)
}

impl Geometry {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("geometry serialises")
    }

    /// As an operation carries it (stored as JSON text).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("geometry serialises")
    }

    pub fn from_json(text: &str) -> Option<Geometry> {
        serde_json::from_str(text).ok()
    }

    pub fn coords(&self) -> Box<dyn Iterator<Item = Coord> + '_> {
        match self {
            Geometry::Point(c) => Box::new(std::iter::once(*c)),
            Geometry::MultiPolygon(ps) => Box::new(ps.iter().flatten().flatten().copied()),
        }
    }

    /// (min lon, min lat, max lon, max lat) in degrees.
    pub fn bounds(&self) -> Option<[f64; 4]> {
        let mut b: Option<[f64; 4]> = None;
        for c in self.coords() {
            let (x, y) = lonlat(c);
            b = Some(match b {
                None => [x, y, x, y],
                Some([a, b_, c_, d]) => [a.min(x), b_.min(y), c_.max(x), d.max(y)],
            });
        }
        b
    }
}

/// The most corners one stored geometry holds, and parts of one multi-part parcel.
pub const MAX_STORED_VERTICES: usize = 100_000;
pub const MAX_STORED_PARTS: usize = 10_000;

/// The schema's check of a stored geometry (every path: local writes, bundles, a hub):
/// a point, or polygons of closed rings of at least four corners, in range, within limits.
pub fn check(v: &serde_json::Value) -> std::result::Result<(), String> {
    let g: Geometry = serde_json::from_value(v.clone()).map_err(|e| format!("不是几何图形：{e}"))?;
    let in_range = |c: &Coord| {
        (-180 * 1_000_000_000..=180 * 1_000_000_000).contains(&c[0])
            && (-90 * 1_000_000_000..=90 * 1_000_000_000).contains(&c[1])
    };
    match &g {
        Geometry::Point(c) => {
            if !in_range(c) {
                return Err("坐标超出经纬度范围".into());
            }
        }
        Geometry::MultiPolygon(ps) => {
            if ps.is_empty() || ps.len() > MAX_STORED_PARTS {
                return Err(format!("多边形个数应为 1 至 {MAX_STORED_PARTS}"));
            }
            let mut n = 0;
            for ring in ps.iter().flatten() {
                if ring.len() < 4 || ring.first() != ring.last() {
                    return Err("多边形的环应闭合且至少有 4 个点".into());
                }
                if !ring.iter().all(in_range) {
                    return Err("坐标超出经纬度范围".into());
                }
                n += ring.len();
            }
            if ps.iter().any(|p| p.is_empty()) {
                return Err("多边形没有环".into());
            }
            if n > MAX_STORED_VERTICES {
                return Err(format!("顶点 {n} 个，超过上限 {MAX_STORED_VERTICES}"));
            }
        }
    }
    Ok(())
}

/// A local plane in metres around a centre (east, north), for areas, checks and drawing.
#[derive(Debug, Clone, Copy)]
pub struct Plane {
    tm: TransverseMercator,
}

pub type Xy = (f64, f64);

impl Plane {
    pub fn around(lon: f64, lat: f64) -> Plane {
        let mut tm = TransverseMercator::gauss_kruger(lon, 0.0);
        tm.lat0 = lat;
        Plane { tm }
    }

    pub fn xy(&self, c: Coord) -> Xy {
        let (lon, lat) = lonlat(c);
        self.tm.forward(lon, lat)
    }

    pub fn rings(&self, p: &Polygon) -> Vec<Vec<Xy>> {
        p.iter().map(|r| r.iter().map(|c| self.xy(*c)).collect()).collect()
    }
}

/// Twice the signed area of a closed ring (positive counter-clockwise).
fn ring_area2(r: &[Xy]) -> f64 {
    r.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
}

pub fn ring_area(r: &[Xy]) -> f64 {
    ring_area2(r) / 2.0
}

/// Area of a polygon given as rings in the plane (outer minus holes), m².
pub fn polygon_area(rings: &[Vec<Xy>]) -> f64 {
    let mut rs = rings.iter();
    let outer = rs.next().map(|r| ring_area(r).abs()).unwrap_or(0.0);
    outer - rs.map(|r| ring_area(r).abs()).sum::<f64>()
}

pub fn contains(rings: &[Vec<Xy>], p: Xy) -> bool {
    let mut inside = false;
    for r in rings {
        for w in r.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            if (y1 > p.1) != (y2 > p.1) && p.0 < (x2 - x1) * (p.1 - y1) / (y2 - y1) + x1 {
                inside = !inside;
            }
        }
    }
    inside
}

fn orient(a: Xy, b: Xy, c: Xy) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Whether segments ab and cd cross at a point inside both, or overlap along a stretch.
fn segments_cross(a: Xy, b: Xy, c: Xy, d: Xy) -> bool {
    let scale = [a, b, c, d].iter().map(|p| p.0.abs().max(p.1.abs())).fold(1.0, f64::max);
    let eps = 1e-9 * scale * scale;
    let (d1, d2, d3, d4) = (orient(c, d, a), orient(c, d, b), orient(a, b, c), orient(a, b, d));
    if ((d1 > eps && d2 < -eps) || (d1 < -eps && d2 > eps)) && ((d3 > eps && d4 < -eps) || (d3 < -eps && d4 > eps)) {
        return true;
    }
    // Collinear and overlapping along more than a point.
    if d1.abs() <= eps && d2.abs() <= eps {
        let horizontal = (b.0 - a.0).abs() >= (b.1 - a.1).abs();
        let key = |p: Xy| if horizontal { p.0 } else { p.1 };
        let (lo1, hi1) = (key(a).min(key(b)), key(a).max(key(b)));
        let (lo2, hi2) = (key(c).min(key(d)), key(c).max(key(d)));
        let tol = 1e-9 * scale;
        return hi1.min(hi2) - lo1.max(lo2) > tol;
    }
    false
}

/// The first place where a polygon's rings cross themselves or each other, if any. The
/// segments are swept in order of their left end, so only those overlapping in x meet.
pub fn self_intersection(rings: &[Vec<Xy>]) -> Option<Xy> {
    struct Seg {
        ring: usize,
        i: usize,
        len: usize,
        a: Xy,
        b: Xy,
    }
    let mut segs: Vec<Seg> = Vec::new();
    for (ri, r) in rings.iter().enumerate() {
        let len = r.len().saturating_sub(1);
        for i in 0..len {
            segs.push(Seg { ring: ri, i, len, a: r[i], b: r[i + 1] });
        }
    }
    segs.sort_by(|s, t| s.a.0.min(s.b.0).total_cmp(&t.a.0.min(t.b.0)));
    for (k, s) in segs.iter().enumerate() {
        let right = s.a.0.max(s.b.0);
        for t in &segs[k + 1..] {
            if t.a.0.min(t.b.0) > right {
                break;
            }
            if s.ring == t.ring {
                let adjacent = s.i.abs_diff(t.i) == 1 || s.i.abs_diff(t.i) == s.len - 1;
                if adjacent {
                    continue;
                }
            }
            if segments_cross(s.a, s.b, t.a, t.b) {
                return Some(s.a);
            }
        }
    }
    None
}

/// An estimate of the area two polygons share, m²: points of a 24×24 grid over the
/// intersection of their bounding boxes that fall in both. Good to a few per cent of that box,
/// which is what telling a heavy overlap from a sliver along a shared edge needs.
pub fn overlap_area(a: &[Vec<Xy>], b: &[Vec<Xy>]) -> f64 {
    let (Some(ba), Some(bb)) = (ring_bounds(a), ring_bounds(b)) else { return 0.0 };
    let (x0, y0, x1, y1) = (ba[0].max(bb[0]), ba[1].max(bb[1]), ba[2].min(bb[2]), ba[3].min(bb[3]));
    if x1 <= x0 || y1 <= y0 {
        return 0.0;
    }
    const N: usize = 24;
    let (dx, dy) = ((x1 - x0) / N as f64, (y1 - y0) / N as f64);
    let mut hits = 0;
    for i in 0..N {
        for j in 0..N {
            let p = (x0 + (i as f64 + 0.5) * dx, y0 + (j as f64 + 0.5) * dy);
            if contains(a, p) && contains(b, p) {
                hits += 1;
            }
        }
    }
    hits as f64 * dx * dy
}

pub fn ring_bounds(rings: &[Vec<Xy>]) -> Option<[f64; 4]> {
    let mut it = rings.iter().flatten();
    let first = it.next()?;
    Some(it.fold([first.0, first.1, first.0, first.1], |b, p| {
        [b[0].min(p.0), b[1].min(p.1), b[2].max(p.0), b[3].max(p.1)]
    }))
}

/// Closes a ring and drops repeated consecutive points; None if fewer than three distinct
/// corners remain.
pub fn clean_ring(r: &[Coord]) -> Option<Vec<Coord>> {
    let mut out: Vec<Coord> = Vec::with_capacity(r.len() + 1);
    for c in r {
        if out.last() != Some(c) {
            out.push(*c);
        }
    }
    if out.len() > 1 && out.first() == out.last() {
        out.pop();
    }
    if out.len() < 3 {
        return None;
    }
    out.push(out[0]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sq(x0: f64, y0: f64, s: f64) -> Vec<Xy> {
        vec![(x0, y0), (x0 + s, y0), (x0 + s, y0 + s), (x0, y0 + s), (x0, y0)]
    }

    #[test]
    fn areas_crossings_and_overlaps() {
        assert_eq!(polygon_area(&[sq(0.0, 0.0, 10.0), sq(2.0, 2.0, 2.0)]), 96.0);
        assert!(self_intersection(&[sq(0.0, 0.0, 10.0)]).is_none());
        let bowtie = vec![(0.0, 0.0), (10.0, 10.0), (10.0, 0.0), (0.0, 10.0), (0.0, 0.0)];
        assert!(self_intersection(&[bowtie]).is_some());
        // A hole poking out of its outer ring.
        assert!(self_intersection(&[sq(0.0, 0.0, 10.0), sq(8.0, 8.0, 4.0)]).is_some());
        // Neighbours sharing an edge overlap by nothing; a shifted copy by about half.
        assert!(overlap_area(&[sq(0.0, 0.0, 10.0)], &[sq(10.0, 0.0, 10.0)]) < 1e-9);
        let half = overlap_area(&[sq(0.0, 0.0, 10.0)], &[sq(5.0, 0.0, 10.0)]);
        assert!((half - 50.0).abs() < 5.0, "{half}");
    }

    #[test]
    fn rings_are_closed_and_degenerate_ones_dropped() {
        assert_eq!(clean_ring(&[[0, 0], [1, 0], [1, 1]]).unwrap().len(), 4);
        assert_eq!(clean_ring(&[[0, 0], [1, 0], [1, 0], [1, 1], [0, 0]]).unwrap().len(), 4);
        assert!(clean_ring(&[[0, 0], [1, 0], [0, 0]]).is_none());
        assert!(clean_ring(&[]).is_none());
    }

    #[test]
    fn stored_text_is_exact() {
        let g = Geometry::MultiPolygon(vec![vec![vec![
            [118_630_000_001, 24_930_000_000],
            [1, 2],
            [3, 4],
            [118_630_000_001, 24_930_000_000],
        ]]]);
        assert_eq!(Geometry::from_json(&g.to_json()), Some(g.clone()));
        assert!(g.to_json().starts_with(r#"{"type":"MultiPolygon","coordinates":[[[[118630000001,"#));
    }
}
