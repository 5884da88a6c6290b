//! Importing a layer: read the file, convert it to CGCS2000, check every feature, match
//! parcels to households and poles to pole labels by the attribute the user picks, and show
//! all of it before anything is stored ([`preview`]). [`import`] then writes the matched
//! records in one [`Db::write`], or refuses as a whole while any feature has an error that
//! the user has not chosen to skip.

use super::crs::{Crs, Datum};
use super::geometry::{self, clean_ring, coord, Coord, Geometry, Plane, Xy};
use super::source::{self, RawFeature, Shape, SourceData};
use super::{feature_id, Feature, Layer};
use crate::error::{Error, Result};
use crate::project::Project;
use crate::Db;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use uuid::Uuid;

/// A parcel sharing at least this part of the smaller one's area with another is reported.
pub const HEAVY_OVERLAP: f64 = 0.10;

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MapImportOptions"))]
pub struct ImportOptions {
    pub layer: Layer,
    /// The attribute matched to household numbers (parcels) or pole labels (poles). Left
    /// out: the field with the most matches.
    #[serde(default)]
    pub key: Option<String>,
    /// The coordinate system, when the file does not say or says it wrongly ("EPSG:4528").
    #[serde(default)]
    pub crs: Option<String>,
    /// Features (1-based, as in the preview) to leave out.
    #[serde(default)]
    pub skip: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FeatureStatus {
    /// Matched to a household or pole (or part of the boundary): will be stored.
    Matched,
    /// Its key matches no household or pole: not stored.
    Unmatched,
    /// An error (empty or self-intersecting polygon, wrong kind of geometry, no key...):
    /// the import is refused until it is fixed or skipped.
    Invalid,
    /// Left out by the user.
    Skipped,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FeatureRow {
    /// 1-based position in the file.
    pub index: usize,
    pub key: String,
    pub status: FeatureStatus,
    /// The household ("DX4-001 陈秀英") or pole ("DL-01") it matched.
    pub target: Option<String>,
    /// m² (parcels and boundary).
    pub area_m2: Option<f64>,
    /// Another feature of the file has the same key: the parts are joined into one parcel.
    pub duplicate: bool,
    /// Errors (Invalid) or warnings, in Chinese.
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Overlap {
    pub a: usize,
    pub b: usize,
    pub a_key: String,
    pub b_key: String,
    /// The shared area as a part of the smaller parcel's, 0..=1 (an estimate).
    pub share: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MapCounts"))]
pub struct Counts {
    pub total: usize,
    pub matched: usize,
    pub unmatched: usize,
    pub duplicated: usize,
    pub invalid: usize,
    pub skipped: usize,
    pub overlapping: usize,
    /// Records to create, update, or already stored as they are.
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyChoice {
    pub field: String,
    /// How many features' values of this field match a household number / pole label.
    pub matches: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MapPreview"))]
pub struct Preview {
    pub file: String,
    pub format: String,
    pub layer: Layer,
    /// How the coordinate system is named, and where it came from.
    pub crs: String,
    pub crs_source: String,
    pub encoding: Option<String>,
    pub fields: Vec<KeyChoice>,
    pub key: Option<String>,
    /// The key was not given: this is the field with the most matches.
    pub key_suggested: bool,
    pub features: Vec<FeatureRow>,
    pub overlaps: Vec<Overlap>,
    pub counts: Counts,
    /// Households (or poles) of the project that will still have no geometry.
    pub without_geometry: Vec<String>,
    pub notes: Vec<String>,
    /// Nothing blocks the import (no unskipped error, something to store).
    pub can_import: bool,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    planned: Vec<Planned>,
}

#[derive(Debug, Clone)]
struct Planned {
    owner: Uuid,
    key: String,
    geometry: Geometry,
    area: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MapImportReport"))]
pub struct ImportReport {
    pub layer: Layer,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub not_stored: usize,
}

/// Full-width letters and digits from a Chinese IME as plain ones, trimmed, upper case.
pub fn normalise_key(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_uppercase()
}

/// What a key may match in the project: normalised key → (record id, how it is shown).
fn targets(conn: &rusqlite::Connection, p: &Project, layer: Layer) -> Result<BTreeMap<String, (Uuid, String)>> {
    Ok(match layer {
        Layer::Parcels => crate::household::list(conn, p.id)?
            .into_iter()
            .map(|h| (normalise_key(&h.number), (h.id, format!("{} {}", h.number, h.head_name))))
            .collect(),
        Layer::Poles => crate::plot_work::poles(conn, p.id)?
            .into_iter()
            .map(|pl| (normalise_key(&pl.label), (pl.id, pl.label)))
            .collect(),
        Layer::Boundary => BTreeMap::new(),
    })
}

/// China and its seas, generously: a point outside is a wrong coordinate system.
fn in_china(lon: f64, lat: f64) -> bool {
    (70.0..=140.0).contains(&lon) && (0.0..=56.0).contains(&lat)
}

struct Converted {
    /// Polygons (parcels, boundary) or one point (poles), in nanodegrees.
    geometry: Option<Geometry>,
    problems: Vec<String>,
}

fn convert_point(crs: &Crs, (x, y): (f64, f64)) -> std::result::Result<Coord, String> {
    if crs.is_geographic() && !in_china(x, y) && in_china(y, x) {
        return Err(format!("坐标（{x}，{y}） 的经纬度顺序颠倒：应为 [经度，纬度]"));
    }
    let (lon, lat) = crs.to_lonlat(x, y)?;
    if !in_china(lon, lat) {
        return Err(format!("坐标（{x}，{y}） 换算后为 {lon:.5}°E {lat:.5}°N，不在中国境内：坐标系可能不对"));
    }
    Ok(coord(lon, lat))
}

fn convert(crs: &Crs, layer: Layer, shape: &Shape) -> Converted {
    let mut problems = Vec::new();
    let polygons: Vec<Vec<Vec<(f64, f64)>>> = match (layer, shape) {
        (_, Shape::Empty) => {
            return Converted { geometry: None, problems: vec!["空几何：没有图形".into()] };
        }
        (Layer::Poles, Shape::Point(x, y)) => {
            return match convert_point(crs, (*x, *y)) {
                Ok(c) => Converted { geometry: Some(Geometry::Point(c)), problems },
                Err(e) => Converted { geometry: None, problems: vec![e] },
            };
        }
        (Layer::Poles, Shape::Points(ps)) if ps.len() == 1 => {
            return convert(crs, layer, &Shape::Point(ps[0].0, ps[0].1))
        }
        (Layer::Poles, _) => {
            return Converted {
                geometry: None, problems: vec!["杆线应为一个点，而这是线、面或多个点".into()]
            };
        }
        (_, Shape::Polygons(ps)) => ps.clone(),
        (Layer::Boundary, Shape::Lines(ls)) => {
            let closed = ls.iter().all(|l| l.len() >= 4 && l.first() == l.last());
            if !closed {
                return Converted {
                    geometry: None, problems: vec!["红线是不闭合的线：应为面，或首尾相接的线".into()]
                };
            }
            ls.iter().map(|l| vec![l.clone()]).collect()
        }
        (_, Shape::Lines(_)) => {
            return Converted {
                geometry: None, problems: vec!["是线，不是面：宗地图斑应为面（多边形）".into()]
            };
        }
        (_, Shape::Point(..) | Shape::Points(_)) => {
            return Converted {
                geometry: None, problems: vec!["是点，不是面：宗地图斑应为面（多边形）".into()]
            };
        }
    };
    let mut out: Vec<geometry::Polygon> = Vec::new();
    for (pi, poly) in polygons.iter().enumerate() {
        let mut rings = Vec::new();
        for (ri, ring) in poly.iter().enumerate() {
            let mut coords = Vec::with_capacity(ring.len());
            for pt in ring {
                match convert_point(crs, *pt) {
                    Ok(c) => coords.push(c),
                    Err(e) => return Converted { geometry: None, problems: vec![e] },
                }
            }
            match clean_ring(&coords) {
                Some(r) => rings.push(r),
                None if ri == 0 => {
                    problems.push(format!("第 {} 个多边形的外环少于 3 个不同的点（空多边形）", pi + 1));
                    break;
                }
                None => problems.push(format!("第 {} 个多边形有一个少于 3 个点的内环，已忽略", pi + 1)),
            }
        }
        if !rings.is_empty() && problems.iter().all(|p| !p.contains("空多边形")) {
            out.push(rings);
        }
    }
    if out.is_empty() {
        if problems.is_empty() {
            problems.push("空多边形：没有任何环".into());
        }
        return Converted { geometry: None, problems };
    }
    Converted { geometry: Some(Geometry::MultiPolygon(out)), problems }
}

struct Checked {
    raw: RawFeature,
    key: String,
    geometry: Option<Geometry>,
    rings: Vec<Vec<Vec<Xy>>>,
    area: f64,
    errors: Vec<String>,
    warnings: Vec<String>,
}

fn lonlat_text(plane_back: &(Plane, Coord)) -> String {
    let (lon, lat) = geometry::lonlat(plane_back.1);
    format!("{lon:.6}°E {lat:.6}°N")
}

/// Reads, converts, checks and matches `path` as `options.layer`; changes nothing.
pub fn preview(conn: &rusqlite::Connection, p: &Project, path: &Path, options: &ImportOptions) -> Result<Preview> {
    let data = source::read(path)?;
    preview_data(conn, p, path, data, options)
}

fn preview_data(
    conn: &rusqlite::Connection,
    p: &Project,
    path: &Path,
    data: SourceData,
    options: &ImportOptions,
) -> Result<Preview> {
    let layer = options.layer;
    let crs = match options.crs.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Crs::parse(c)?,
        None => data.crs.clone().ok_or_else(|| {
            Error::rule(
                "map.crs_unknown",
                format!(
                    "{}:{}，无法确定坐标系；请把同名 .prj 文件放在一起，或指明坐标系（如 EPSG:4528）",
                    path.display(),
                    data.crs_source
                ),
            )
        })?,
    };
    let crs_source = if options.crs.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        "用户指定".to_string()
    } else {
        data.crs_source.clone()
    };
    if data.features.is_empty() {
        return Err(Error::rule("map.empty_file", format!("{}：文件中没有任何要素", path.display())));
    }
    let targets = targets(conn, p, layer)?;

    // The key: as given (by name, any case), else the field with the most matches.
    let key_index = |name: &str| data.fields.iter().position(|f| normalise_key(f) == normalise_key(name));
    let fields: Vec<KeyChoice> = data
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| KeyChoice {
            field: f.clone(),
            matches: data
                .features
                .iter()
                .filter(|r| r.values.get(i).is_some_and(|v| targets.contains_key(&normalise_key(v))))
                .count(),
        })
        .collect();
    let (key_col, key_suggested) = match options.key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => match key_index(k) {
            Some(i) => (Some(i), false),
            None => {
                return Err(Error::invalid(
                    "key",
                    format!("文件中没有字段「{k}」；可选字段：{}", data.fields.join("、")),
                ))
            }
        },
        None if layer == Layer::Boundary => (None, false),
        None => {
            let best = fields.iter().enumerate().max_by_key(|(i, f)| (f.matches, std::cmp::Reverse(*i)));
            match best {
                Some((i, f)) if f.matches > 0 => (Some(i), true),
                _ if data.fields.is_empty() => {
                    return Err(Error::rule(
                        "map.no_key",
                        format!("{}：文件没有属性字段，无法与户号匹配", path.display()),
                    ))
                }
                _ => (Some(0), true),
            }
        }
    };

    let mut checked: Vec<Checked> = data
        .features
        .into_iter()
        .map(|raw| {
            let key = key_col.and_then(|i| raw.values.get(i)).map(|v| v.trim().to_string()).unwrap_or_default();
            let mut errors = Vec::new();
            let mut geometry = None;
            let mut warnings = Vec::new();
            if let Some(problem) = &raw.problem {
                errors.push(problem.clone());
            } else {
                let c = convert(&crs, layer, &raw.shape);
                if c.geometry.is_none() {
                    errors.extend(c.problems);
                } else {
                    warnings.extend(c.problems);
                }
                geometry = c.geometry;
            }
            if key_col.is_some() && key.is_empty() {
                errors.push("匹配字段为空".into());
            }
            Checked { raw, key, geometry, rings: Vec::new(), area: 0.0, errors, warnings }
        })
        .collect();

    // A plane around the plot for areas and checks.
    let centre = {
        let mut b: Option<[f64; 4]> = None;
        for c in &checked {
            if let Some(gb) = c.geometry.as_ref().and_then(Geometry::bounds) {
                b = Some(b.map_or(gb, |x| [x[0].min(gb[0]), x[1].min(gb[1]), x[2].max(gb[2]), x[3].max(gb[3])]));
            }
        }
        b.map(|b| ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)).unwrap_or((0.0, 0.0))
    };
    let plane = Plane::around(centre.0, centre.1);
    for c in checked.iter_mut() {
        let Some(Geometry::MultiPolygon(ps)) = &c.geometry else { continue };
        c.rings = ps.iter().map(|poly| plane.rings(poly)).collect();
        c.area = c.rings.iter().map(|r| geometry::polygon_area(r)).sum();
        for (i, (rings, poly)) in c.rings.iter().zip(ps).enumerate() {
            if geometry::self_intersection(rings).is_some() {
                let at = poly[0][0];
                c.errors.push(format!("多边形自相交（边线交叉），位于 {} 附近", lonlat_text(&(plane, at))));
            } else if geometry::polygon_area(rings) < 0.01 {
                c.errors.push(format!("第 {} 个多边形面积为零（空多边形）", i + 1));
            }
        }
    }

    // Matching and duplicates.
    let skip: std::collections::HashSet<usize> = options.skip.iter().copied().collect();
    let mut by_target: HashMap<Uuid, Vec<usize>> = HashMap::new();
    let mut rows: Vec<FeatureRow> = Vec::with_capacity(checked.len());
    for (i, c) in checked.iter().enumerate() {
        let mut row = FeatureRow {
            index: c.raw.index,
            key: c.key.clone(),
            status: FeatureStatus::Matched,
            target: None,
            area_m2: (c.area > 0.0).then(|| (c.area * 100.0).round() / 100.0),
            duplicate: false,
            problems: Vec::new(),
        };
        if skip.contains(&c.raw.index) {
            row.status = FeatureStatus::Skipped;
        } else if !c.errors.is_empty() {
            row.status = FeatureStatus::Invalid;
            row.problems.extend(c.errors.iter().cloned());
        } else if layer != Layer::Boundary {
            match targets.get(&normalise_key(&c.key)) {
                Some((id, shown)) => {
                    row.target = Some(shown.clone());
                    by_target.entry(*id).or_default().push(i);
                }
                None => {
                    row.status = FeatureStatus::Unmatched;
                    let what = if layer == Layer::Parcels { "户号" } else { "杆线编号" };
                    row.problems.push(format!("「{}」与项目中的任何{what}都不匹配，不会导入", c.key));
                }
            }
        }
        row.problems.extend(c.warnings.iter().cloned());
        rows.push(row);
    }
    for idxs in by_target.values().filter(|v| v.len() > 1) {
        for &i in idxs {
            rows[i].duplicate = true;
            let key = rows[i].key.clone();
            if layer == Layer::Poles {
                rows[i].status = FeatureStatus::Invalid;
                rows[i].problems.push(format!("「{}」出现 {} 次：一根杆线只能有一个位置", key, idxs.len()));
            } else {
                rows[i].problems.push(format!("「{}」有 {} 个图斑，将合并为一宗多部分地块", key, idxs.len()));
            }
        }
    }

    // Heavy overlaps between parcels (swept by the left edge of their bounds).
    let mut overlaps = Vec::new();
    if layer == Layer::Parcels {
        let mut boxes: Vec<(usize, [f64; 4])> = checked
            .iter()
            .enumerate()
            .filter(|(i, c)| rows[*i].status != FeatureStatus::Skipped && c.area > 0.0)
            .filter_map(|(i, c)| geometry::ring_bounds(&c.rings.concat()).map(|b| (i, b)))
            .collect();
        boxes.sort_by(|a, b| a.1[0].total_cmp(&b.1[0]));
        for (k, (i, bi)) in boxes.iter().enumerate() {
            for (j, bj) in &boxes[k + 1..] {
                if bj[0] >= bi[2] {
                    break;
                }
                if bj[1] >= bi[3] || bi[1] >= bj[3] {
                    continue;
                }
                let (a, b) = (&checked[*i], &checked[*j]);
                let shared: f64 =
                    a.rings.iter().flat_map(|ra| b.rings.iter().map(move |rb| geometry::overlap_area(ra, rb))).sum();
                let share = shared / a.area.min(b.area);
                if share >= HEAVY_OVERLAP {
                    let (x, y) = (*i.min(j), *i.max(j));
                    overlaps.push(Overlap {
                        a: checked[x].raw.index,
                        b: checked[y].raw.index,
                        a_key: checked[x].key.clone(),
                        b_key: checked[y].key.clone(),
                        share: (share.min(1.0) * 100.0).round() / 100.0,
                    });
                    for idx in [x, y] {
                        let other = if idx == x { &checked[y] } else { &checked[x] };
                        rows[idx].problems.push(format!(
                            "与第 {} 个图斑（「{}」）重叠约 {:.0}%",
                            other.raw.index,
                            other.key,
                            share.min(1.0) * 100.0
                        ));
                    }
                }
            }
        }
        overlaps.sort_by_key(|o| (o.a, o.b));
    }

    // What would be written.
    let stored: HashMap<Uuid, Feature> =
        super::features(conn, p.id)?.into_iter().filter(|f| f.layer == layer).map(|f| (f.id, f)).collect();
    let mut planned = Vec::new();
    let mut counts = Counts { total: rows.len(), ..Default::default() };
    let mut plan = |owner: Uuid, key: String, g: Geometry, area: f64| {
        let id = feature_id(p.id, layer, owner);
        let area = (area * 100.0).round() as i64;
        match stored.get(&id) {
            Some(o) if o.geometry == g && o.key_value == key && o.area == area => counts.unchanged += 1,
            Some(_) => counts.update += 1,
            None => counts.create += 1,
        }
        planned.push(Planned { owner, key, geometry: g, area });
    };
    match layer {
        Layer::Boundary => {
            let idxs: Vec<usize> = (0..rows.len()).filter(|i| rows[*i].status == FeatureStatus::Matched).collect();
            if !idxs.is_empty() {
                let mut parts = Vec::new();
                for &i in &idxs {
                    if let Some(Geometry::MultiPolygon(ps)) = &checked[i].geometry {
                        parts.extend(ps.iter().cloned());
                    }
                }
                let area = idxs.iter().map(|i| checked[*i].area).sum();
                let key = idxs.iter().map(|i| checked[*i].key.clone()).filter(|k| !k.is_empty()).collect::<Vec<_>>();
                plan(p.id, key.join(","), Geometry::MultiPolygon(parts), area);
            }
        }
        _ => {
            let mut owners: Vec<(&Uuid, &Vec<usize>)> = by_target.iter().collect();
            owners.sort_by_key(|(_, v)| v[0]);
            for (owner, idxs) in owners {
                if idxs.iter().any(|i| rows[*i].status != FeatureStatus::Matched) {
                    continue;
                }
                let key = checked[idxs[0]].key.clone();
                let area = idxs.iter().map(|i| checked[*i].area).sum();
                let g = match layer {
                    Layer::Poles => checked[idxs[0]].geometry.clone().expect("matched features have geometry"),
                    _ => Geometry::MultiPolygon(
                        idxs.iter()
                            .filter_map(|i| match &checked[*i].geometry {
                                Some(Geometry::MultiPolygon(ps)) => Some(ps.clone()),
                                _ => None,
                            })
                            .flatten()
                            .collect(),
                    ),
                };
                plan(*owner, key, g, area);
            }
        }
    }

    for r in &rows {
        match r.status {
            FeatureStatus::Matched => counts.matched += 1,
            FeatureStatus::Unmatched => counts.unmatched += 1,
            FeatureStatus::Invalid => counts.invalid += 1,
            FeatureStatus::Skipped => counts.skipped += 1,
        }
        counts.duplicated += r.duplicate as usize;
    }
    counts.overlapping = {
        let mut s: Vec<usize> = overlaps.iter().flat_map(|o| [o.a, o.b]).collect();
        s.sort();
        s.dedup();
        s.len()
    };

    let mut notes = Vec::new();
    if matches!(crs, Crs::Geographic { datum: Datum::Wgs84 } | Crs::Projected { datum: Datum::Wgs84, .. }) {
        notes.push("WGS84 坐标按 CGCS2000 保存：两者相差仅厘米级，不做转换".to_string());
    }
    let matched_owners: std::collections::HashSet<Uuid> = by_target.keys().copied().collect();
    let mut without_geometry = Vec::new();
    if layer != Layer::Boundary {
        let kept = stored.values().filter_map(|f| f.household_id.or(f.pole_id)).filter(|o| !matched_owners.contains(o));
        let kept: std::collections::HashSet<Uuid> = kept.collect();
        if !kept.is_empty() {
            notes.push(format!("已保存的 {} 条{}不在本文件中，保持不变", kept.len(), layer.zh()));
        }
        for (id, shown) in targets.values() {
            if !matched_owners.contains(id) && !kept.contains(id) {
                without_geometry.push(shown.clone());
            }
        }
    } else if stored.values().next().is_some() && !planned.is_empty() {
        notes.push("将替换已保存的地块红线".to_string());
    }
    let can_import = counts.invalid == 0 && (counts.matched > 0);
    Ok(Preview {
        file: path.display().to_string(),
        format: data.format.to_string(),
        layer,
        crs: crs.label(),
        crs_source,
        encoding: data.encoding,
        fields,
        key: key_col.map(|i| data.fields[i].clone()),
        key_suggested,
        features: rows,
        overlaps,
        counts,
        without_geometry,
        notes,
        can_import,
        planned,
    })
}

/// Reads, checks and writes `path` in one [`Db::write`]: all matched records or nothing.
pub fn import(db: &mut Db, author: &str, p: &Project, path: &Path, options: &ImportOptions) -> Result<ImportReport> {
    let pv = preview(db.conn(), p, path, options)?;
    import_previewed(db, author, p, &pv)
}

/// Writes what a preview planned; refuses a preview with errors.
pub fn import_previewed(db: &mut Db, author: &str, p: &Project, pv: &Preview) -> Result<ImportReport> {
    check(pv)?;
    let source =
        format!("{}({})", Path::new(&pv.file).file_name().map(|n| n.to_string_lossy()).unwrap_or_default(), pv.crs);
    db.write(author, |tx| {
        for w in &pv.planned {
            super::put(tx, p.id, pv.layer, w.owner, &w.key, &w.geometry, w.area, &source)?;
        }
        Ok(())
    })?;
    Ok(ImportReport {
        layer: pv.layer,
        created: pv.counts.create,
        updated: pv.counts.update,
        unchanged: pv.counts.unchanged,
        not_stored: pv.counts.unmatched + pv.counts.skipped,
    })
}

/// Why a preview cannot be imported: features with errors, or nothing that matched.
pub fn check(pv: &Preview) -> Result<()> {
    if pv.counts.invalid > 0 {
        let first: Vec<String> = pv
            .features
            .iter()
            .filter(|f| f.status == FeatureStatus::Invalid)
            .take(5)
            .map(|f| format!("第 {} 个要素「{}」：{}", f.index, f.key, f.problems.join(";")))
            .collect();
        return Err(Error::rule(
            "map.import_has_errors",
            format!(
                "{} 个要素有错误，未导入任何内容（修正文件，或跳过这些要素）：{}",
                pv.counts.invalid,
                first.join(";")
            ),
        ));
    }
    if pv.counts.matched == 0 {
        return Err(Error::rule(
            "map.nothing_matched",
            format!(
                "没有任何要素与项目中的{}匹配（匹配字段「{}」），未导入任何内容",
                match pv.layer {
                    Layer::Poles => "杆线编号",
                    _ => "户号",
                },
                pv.key.clone().unwrap_or_default()
            ),
        ));
    }
    Ok(())
}
