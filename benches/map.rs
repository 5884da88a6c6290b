//! Benchmark: a 10,000-parcel survey (GeoJSON in a Gauss-Krüger zone) previewed and imported
//! into a 10,000-household project, then the map at a date, the stages on a date, the pace,
//! and the printed map (PNG, PDF). Run with `cargo bench --bench map`; figures go to
//! BENCHMARKS.md.

use jingdi::household::NewHousehold;
use jingdi::map::import::{self, ImportOptions};
use jingdi::map::view::{self, MapFilter};
use jingdi::map::Layer;
use jingdi::project::NewProject;
use jingdi::vocab::ProjectStatus;
use jingdi::Db;
use std::time::Instant;

const PARCELS: usize = 10_000;
const RUNS: usize = 3;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed().as_secs_f64())
}

fn project(db: &mut Db) -> jingdi::project::Project {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let id = db
        .write("bench", |tx| {
            let p = jingdi::project::create(
                tx,
                &NewProject {
                    code: "MAP".into(),
                    name: "基准测试地块".into(),
                    city: "泉州市".into(),
                    district: "丰泽区".into(),
                    street: "城东街道".into(),
                    community: "东星社区".into(),
                    window_opens_on: d("2024-01-01"),
                    window_closes_on: d("2024-03-31"),
                    clearance_target: Some(d("2024-06-30")),
                    status: ProjectStatus::Signing,
                    as_of: Some(d("2024-03-31")),
                },
            )?;
            jingdi::project::add_group(tx, p, "一组", None, &[])?;
            for i in 0..PARCELS {
                jingdi::household::register(
                    tx,
                    p,
                    &NewHousehold {
                        number: format!("M{:05}", i + 1),
                        head_name: "户主".into(),
                        members_count: 3,
                        group: "一组".into(),
                        ..Default::default()
                    },
                )?;
            }
            Ok(p)
        })
        .unwrap();
    jingdi::project::get(db.conn(), id).unwrap()
}

/// A grid of 100 × 100 parcels of 12 m × 14 m with 8-corner outlines, CGCS2000 zone 40.
fn survey(path: &std::path::Path) {
    let mut features = Vec::with_capacity(PARCELS);
    for i in 0..PARCELS {
        let (x0, y0) = (40_361_000.0 + (i % 100) as f64 * 15.0, 2_758_000.0 + (i / 100) as f64 * 17.0);
        let ring: Vec<[f64; 2]> = [
            (0.0, 0.0),
            (6.0, -0.3),
            (12.0, 0.0),
            (12.2, 7.0),
            (12.0, 14.0),
            (6.0, 14.3),
            (0.0, 14.0),
            (-0.2, 7.0),
            (0.0, 0.0),
        ]
        .iter()
        .map(|(dx, dy)| [x0 + dx, y0 + dy])
        .collect();
        features.push(serde_json::json!({
            "type": "Feature",
            "properties": { "宗地号": format!("M{:05}", i + 1) },
            "geometry": { "type": "Polygon", "coordinates": [ring] }
        }));
    }
    let root = serde_json::json!({ "type": "FeatureCollection", "crs": { "type": "name", "properties": { "name": "EPSG:4528" } }, "features": features });
    std::fs::write(path, serde_json::to_vec(&root).unwrap()).unwrap();
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("survey.geojson");
    survey(&file);
    let size = std::fs::metadata(&file).unwrap().len();
    let opts = ImportOptions { layer: Layer::Parcels, key: Some("宗地号".into()), crs: None, skip: vec![] };
    let (mut previews, mut imports, mut views, mut stages, mut paces, mut pngs, mut pdfs) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for run in 0..RUNS {
        let mut db = Db::open(dir.path().join(format!("map-{run}.db"))).unwrap();
        let p = project(&mut db);
        let (pv, t) = timed(|| import::preview(db.conn(), &p, &file, &opts).unwrap());
        assert_eq!(pv.counts.matched, PARCELS);
        previews.push(t);
        let (_, t) = timed(|| import::import_previewed(&mut db, "bench", &p, &pv).unwrap());
        imports.push(t);
        let f = MapFilter { on: Some(chrono::NaiveDate::from_ymd_opt(2024, 2, 1).unwrap()), ..Default::default() };
        let (m, t) = timed(|| view::map(db.conn(), &p, &f).unwrap());
        assert_eq!(m.parcels.len(), PARCELS);
        views.push(t);
        let (_, t) = timed(|| jingdi::report::as_of::stages_on(db.conn(), &p, f.on).unwrap());
        stages.push(t);
        let (_, t) = timed(|| jingdi::report::pace::pace(db.conn(), &p).unwrap());
        paces.push(t);
        let (_, t) = timed(|| jingdi::map::export::export(db.conn(), &p, &f, &dir.path().join("m.png")).unwrap());
        pngs.push(t);
        let (_, t) = timed(|| jingdi::map::export::export(db.conn(), &p, &f, &dir.path().join("m.pdf")).unwrap());
        pdfs.push(t);
    }
    println!("survey: {PARCELS} parcels, {:.1} MiB GeoJSON", size as f64 / 1048576.0);
    for (what, v) in [
        ("preview (read, convert, check, match, overlaps)", previews),
        ("import (one Db::write)", imports),
        ("map view at a past date", views),
        ("stages on a date", stages),
        ("pace", paces),
        ("export PNG (A3, 190 dpi)", pngs),
        ("export PDF (A3, vector)", pdfs),
    ] {
        println!(
            "{what}: median {:.2} s of {:?}",
            median(v.clone()),
            v.iter().map(|x| format!("{x:.2}")).collect::<Vec<_>>()
        );
    }
}
