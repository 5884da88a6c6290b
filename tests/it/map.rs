//! The plot's map (issue 17): importing GeoJSON and Shapefiles in CGCS2000 and its
//! Gauss-Krüger zones, bad input in the preview, the map at a past date against the stages
//! `jingdi` reports, the pace, printing, the demo's geometry, and sync.

use crate::cli::Cli;
use crate::{d, TestDb, AUTHOR};
use jingdi::map::crs::Crs;
use jingdi::map::geometry::{lonlat, Geometry};
use jingdi::map::import::{self, FeatureStatus, ImportOptions};
use jingdi::map::view::{self, MapFilter, ObstacleFilter};
use jingdi::map::{features, Layer};
use jingdi::vocab::Stage;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Squares of `side` metres in a row, in projected coordinates, from (`e0`, `n0`).
fn squares(e0: f64, n0: f64, side: f64, n: usize) -> Vec<Vec<(f64, f64)>> {
    (0..n)
        .map(|i| {
            let x = e0 + i as f64 * (side + 2.0) + 0.123;
            vec![(x, n0), (x, n0 + side), (x + side, n0 + side), (x + side, n0), (x, n0)]
        })
        .collect()
}

fn geojson(dir: &Path, name: &str, crs: Option<&str>, features: Vec<serde_json::Value>) -> PathBuf {
    let mut root = json!({ "type": "FeatureCollection", "features": features });
    if let Some(c) = crs {
        root["crs"] = json!({ "type": "name", "properties": { "name": c } });
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string(&root).unwrap()).unwrap();
    path
}

fn polygon_feature(key: &str, ring: &[(f64, f64)]) -> serde_json::Value {
    let coords: Vec<[f64; 2]> = ring.iter().map(|(x, y)| [*x, *y]).collect();
    json!({ "type": "Feature", "properties": { "宗地号": key, "权利人": "测试" },
            "geometry": { "type": "Polygon", "coordinates": [coords] } })
}

/// Largest distance, in the source's metres, between a stored parcel and the source ring.
fn worst_error(crs: &Crs, g: &Geometry, ring: &[(f64, f64)]) -> f64 {
    let Geometry::MultiPolygon(ps) = g else { panic!("a polygon") };
    assert_eq!(ps[0][0].len(), ring.len());
    ps[0][0]
        .iter()
        .zip(ring)
        .map(|(c, (x, y))| {
            let (lon, lat) = lonlat(*c);
            let (px, py) = crs.from_lonlat(lon, lat);
            ((px - x).powi(2) + (py - y).powi(2)).sqrt()
        })
        .fold(0.0, f64::max)
}

fn opts(layer: Layer, key: Option<&str>) -> ImportOptions {
    ImportOptions { layer, key: key.map(str::to_string), crs: None, skip: vec![] }
}

#[test]
fn a_geojson_in_a_gauss_kruger_zone_is_matched_and_read_back_within_a_tenth_of_a_metre() {
    let mut t = TestDb::with_households(4);
    let p = t.project();
    // EPSG:4528: CGCS2000 3° zone 40 (CM 120°E), easting with the zone number in front.
    let rings = squares(40_361_611.5614, 2_758_997.5834, 12.0, 5);
    let mut fs: Vec<_> =
        ["H1", "H2", "Ｈ３", "H4", "H99"].iter().zip(&rings).map(|(k, r)| polygon_feature(k, r)).collect();
    fs.push(polygon_feature("H4", &squares(40_361_611.5614, 2_759_030.0, 6.0, 1)[0]));
    let file = geojson(t.dir.path(), "宗地.geojson", Some("urn:ogc:def:crs:EPSG::4528"), fs);

    let before = t.snapshot();
    let pv = import::preview(t.db.conn(), &p, &file, &opts(Layer::Parcels, None)).unwrap();
    assert_eq!(t.snapshot(), before, "a preview changes nothing");
    assert_eq!(pv.key.as_deref(), Some("宗地号"), "the field with the most matches is suggested");
    assert!(pv.key_suggested);
    assert!(pv.crs.contains("EPSG:4528"), "{}", pv.crs);
    // H1, H2, the full-width Ｈ３ typed with a Chinese IME, and H4's two parts.
    assert_eq!((pv.counts.matched, pv.counts.unmatched, pv.counts.duplicated), (5, 1, 2));
    assert_eq!(pv.counts.create, 4);
    let unmatched = pv.features.iter().find(|f| f.status == FeatureStatus::Unmatched).unwrap();
    assert_eq!(unmatched.key, "H99");
    assert!(unmatched.problems[0].contains("不匹配"), "{:?}", unmatched.problems);
    // Areas are on the ground: 138 km from the central meridian the grid's scale is 1.00023,
    // so a 12 m grid square is 143.93 m².
    assert!(
        (pv.features[0].area_m2.unwrap() - 144.0 / 1.00023f64.powi(2)).abs() < 0.01,
        "{:?}",
        pv.features[0].area_m2
    );
    assert!(pv.can_import);

    let r = import::import(&mut t.db, AUTHOR, &p, &file, &opts(Layer::Parcels, Some("宗地号"))).unwrap();
    assert_eq!((r.created, r.updated, r.not_stored), (4, 0, 1));
    let crs = Crs::from_epsg(4528).unwrap();
    let stored = features(t.db.conn(), p.id).unwrap();
    assert_eq!(stored.len(), 4);
    for (i, number) in ["H1", "H2", "H3"].iter().enumerate() {
        let h = t.household(number);
        let f = stored.iter().find(|f| f.household_id == Some(h.id)).unwrap();
        let err = worst_error(&crs, &f.geometry, &rings[i]);
        assert!(err < 0.1, "{number}: {err} m");
        assert!(err < 0.001, "in fact within a millimetre: {err} m");
    }
    let h4 = stored.iter().find(|f| f.household_id == Some(t.household("H4").id)).unwrap();
    assert!(matches!(&h4.geometry, Geometry::MultiPolygon(ps) if ps.len() == 2), "two parts joined");
    // Importing the same file again writes nothing.
    let again = t.snapshot();
    let r = import::import(&mut t.db, AUTHOR, &p, &file, &opts(Layer::Parcels, Some("宗地号"))).unwrap();
    assert_eq!((r.created, r.updated, r.unchanged), (0, 0, 4));
    assert_eq!(t.snapshot(), again);
    // The log holds each record: a replay rebuilds them.
    let live = jingdi::oplog::replay::dump(t.db.conn()).unwrap();
    assert_eq!(jingdi::oplog::replay::rebuilt_dump(t.db.conn()).unwrap(), live);
    assert!(live.contains("map_features"));
}

// ------------------------------------------------------------------ a Shapefile writer

fn shp_header(buf: &mut Vec<u8>, kind: i32, total_len: usize, bbox: [f64; 4]) {
    buf.extend(9994i32.to_be_bytes());
    buf.extend([0u8; 20]);
    buf.extend(((total_len / 2) as i32).to_be_bytes());
    buf.extend(1000i32.to_le_bytes());
    buf.extend(kind.to_le_bytes());
    for v in bbox {
        buf.extend(v.to_le_bytes());
    }
    buf.extend([0u8; 32]);
}

/// Writes NAME.shp/.shx/.dbf (GBK, the language byte of code page 936) and NAME.prj.
/// A record: its attribute values and its rings.
type Row = (Vec<String>, Vec<Vec<(f64, f64)>>);

fn write_shapefile(dir: &Path, name: &str, prj: &str, fields: &[&str], rows: &[Row]) {
    let mut records = Vec::new();
    let mut index = Vec::new();
    let mut offset = 100;
    let mut bbox = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for (i, (_, rings)) in rows.iter().enumerate() {
        let pts: Vec<&(f64, f64)> = rings.iter().flatten().collect();
        let rb = pts.iter().fold([f64::MAX, f64::MAX, f64::MIN, f64::MIN], |b, p| {
            [b[0].min(p.0), b[1].min(p.1), b[2].max(p.0), b[3].max(p.1)]
        });
        bbox = [bbox[0].min(rb[0]), bbox[1].min(rb[1]), bbox[2].max(rb[2]), bbox[3].max(rb[3])];
        let mut c = Vec::new();
        c.extend(5i32.to_le_bytes());
        for v in rb {
            c.extend(v.to_le_bytes());
        }
        c.extend((rings.len() as i32).to_le_bytes());
        c.extend((pts.len() as i32).to_le_bytes());
        let mut start = 0;
        for r in rings {
            c.extend((start as i32).to_le_bytes());
            start += r.len();
        }
        for p in &pts {
            c.extend(p.0.to_le_bytes());
            c.extend(p.1.to_le_bytes());
        }
        records.extend(((i + 1) as i32).to_be_bytes());
        records.extend(((c.len() / 2) as i32).to_be_bytes());
        index.push((offset, c.len()));
        offset += 8 + c.len();
        records.extend(c);
    }
    let mut shp = Vec::new();
    shp_header(&mut shp, 5, 100 + records.len(), bbox);
    shp.extend(records);
    std::fs::write(dir.join(format!("{name}.shp")), shp).unwrap();
    let mut shx = Vec::new();
    shp_header(&mut shx, 5, 100 + 8 * index.len(), bbox);
    for (o, l) in index {
        shx.extend(((o / 2) as i32).to_be_bytes());
        shx.extend(((l / 2) as i32).to_be_bytes());
    }
    std::fs::write(dir.join(format!("{name}.shx")), shx).unwrap();

    let gbk = |s: &str| encoding_gbk(s);
    let width = 40usize;
    let mut dbf = vec![0x03u8, 122, 1, 1];
    dbf.extend((rows.len() as u32).to_le_bytes());
    dbf.extend(((32 + 32 * fields.len() + 1) as u16).to_le_bytes());
    dbf.extend(((1 + width * fields.len()) as u16).to_le_bytes());
    dbf.extend([0u8; 17]);
    dbf.push(0x4D); // language driver: code page 936 (GBK)
    dbf.extend([0u8; 2]);
    for f in fields {
        let mut name = gbk(f);
        name.resize(11, 0);
        dbf.extend(name);
        dbf.push(b'C');
        dbf.extend([0u8; 4]);
        dbf.push(width as u8);
        dbf.extend([0u8; 15]);
    }
    dbf.push(0x0D);
    for (values, _) in rows {
        dbf.push(b' ');
        for v in values {
            let mut b = gbk(v);
            b.resize(width, b' ');
            dbf.extend(b);
        }
    }
    dbf.push(0x1A);
    std::fs::write(dir.join(format!("{name}.dbf")), dbf).unwrap();
    std::fs::write(dir.join(format!("{name}.prj")), prj).unwrap();
}

/// GBK bytes of a text (the test's own table of the few characters it uses, so the test
/// does not decode with the code it checks).
fn encoding_gbk(s: &str) -> Vec<u8> {
    let table: &[(char, [u8; 2])] = &[
        ('宗', [0xD7, 0xDA]),
        ('地', [0xB5, 0xD8]),
        ('号', [0xBA, 0xC5]),
        ('权', [0xC8, 0xA8]),
        ('利', [0xC0, 0xFB]),
        ('人', [0xC8, 0xCB]),
        ('林', [0xC1, 0xD6]),
        ('陈', [0xB3, 0xC2]),
    ];
    let mut out = Vec::new();
    for c in s.chars() {
        if c.is_ascii() {
            out.push(c as u8);
        } else {
            out.extend(table.iter().find(|(k, _)| *k == c).expect("a character in the table").1);
        }
    }
    out
}

const CM_120: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_120E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

#[test]
fn a_shapefile_with_a_gbk_table_and_a_gauss_kruger_prj_is_imported_within_a_tenth_of_a_metre() {
    let mut t = TestDb::with_households(3);
    let p = t.project();
    let rings = squares(361_611.5614, 2_758_997.5834, 15.0, 3);
    let rows: Vec<Row> = ["H1", "H2", "H3"]
        .iter()
        .zip(["林", "陈", "林"])
        .zip(&rings)
        // Shapefile outer rings run clockwise.
        .map(|((k, who), r)| (vec![k.to_string(), who.to_string()], vec![r.iter().rev().copied().collect()]))
        .collect();
    write_shapefile(t.dir.path(), "宗地图", CM_120, &["宗地号", "权利人"], &rows);
    let file = t.dir.path().join("宗地图.shp");
    let pv = import::preview(t.db.conn(), &p, &file, &opts(Layer::Parcels, Some("宗地号"))).unwrap();
    assert_eq!(pv.encoding.as_deref(), Some("GBK"));
    assert_eq!(pv.fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(), ["宗地号", "权利人"]);
    assert!(pv.crs.contains("EPSG:4549") && pv.crs_source.contains(".prj"), "{} {}", pv.crs, pv.crs_source);
    assert_eq!(pv.counts.matched, 3);
    import::import(&mut t.db, AUTHOR, &p, &file, &opts(Layer::Parcels, Some("宗地号"))).unwrap();
    let crs = Crs::from_epsg(4549).unwrap();
    for (i, number) in ["H1", "H2", "H3"].iter().enumerate() {
        let h = t.household(number).id;
        let f = features(t.db.conn(), p.id).unwrap().into_iter().find(|f| f.household_id == Some(h)).unwrap();
        let source: Vec<(f64, f64)> = rows[i].1[0].clone();
        let err = worst_error(&crs, &f.geometry, &source);
        assert!(err < 0.1, "{number}: {err} m");
        assert!((f.area - (225_00.0 / 1.00023f64.powi(2)) as i64).abs() <= 1, "15 m × 15 m of grid: {}", f.area);
    }
    // The same file named by its .dbf, and upper-case extensions, are found too.
    assert!(import::preview(t.db.conn(), &p, &t.dir.path().join("宗地图.dbf"), &opts(Layer::Parcels, None)).is_ok());
}

#[test]
fn bad_files_and_bad_parcels_are_named_in_the_preview_and_nothing_is_stored() {
    let mut t = TestDb::with_households(6);
    let p = t.project();
    let dir = t.dir.path().to_path_buf();
    let before = t.snapshot();
    let o = opts(Layer::Parcels, Some("宗地号"));
    let base = squares(40_361_611.0, 2_758_997.0, 12.0, 4);
    let bowtie = vec![
        (40_361_700.0, 2_758_997.0),
        (40_361_712.0, 2_759_009.0),
        (40_361_712.0, 2_758_997.0),
        (40_361_700.0, 2_759_009.0),
        (40_361_700.0, 2_758_997.0),
    ];
    let flat = vec![
        (40_361_800.0, 2_758_997.0),
        (40_361_810.0, 2_758_997.0),
        (40_361_820.0, 2_758_997.0),
        (40_361_800.0, 2_758_997.0),
    ];
    // H2's parcel shifted by a third onto H1's.
    let shifted: Vec<(f64, f64)> = base[0].iter().map(|(x, y)| (x + 4.0, *y)).collect();
    let file = geojson(
        &dir,
        "bad.geojson",
        Some("EPSG:4528"),
        vec![
            polygon_feature("H1", &base[0]),
            polygon_feature("H2", &shifted),
            polygon_feature("H3", &bowtie),
            polygon_feature("H4", &flat),
            json!({ "type": "Feature", "properties": { "宗地号": "H5" }, "geometry": null }),
            json!({ "type": "Feature", "properties": { "宗地号": "H6" }, "geometry": { "type": "Point", "coordinates": [40_361_611.0, 2_758_997.0] } }),
        ],
    );
    let pv = import::preview(t.db.conn(), &p, &file, &o).unwrap();
    let problems = |i: usize| pv.features[i].problems.join(";");
    assert_eq!(pv.features[2].status, FeatureStatus::Invalid);
    assert!(problems(2).contains("自相交"), "{}", problems(2));
    assert!(problems(3).contains("空多边形") || problems(3).contains("面积为零"), "{}", problems(3));
    assert!(problems(4).contains("空几何"), "{}", problems(4));
    assert!(problems(5).contains("是点"), "{}", problems(5));
    assert_eq!(pv.overlaps.len(), 1);
    assert!((pv.overlaps[0].share - 0.67).abs() < 0.08, "{:?}", pv.overlaps);
    assert!(problems(0).contains("重叠"), "{}", problems(0));
    assert_eq!(pv.counts.invalid, 4);
    assert!(!pv.can_import);
    let e = import::import(&mut t.db, AUTHOR, &p, &file, &o).unwrap_err();
    assert_eq!(e.code(), "rule.map.import_has_errors");
    assert!(e.to_string().contains("第 3 个要素「H3」"), "{e}");
    assert_eq!(t.snapshot(), before);
    // Skipping the bad ones, the two overlapping parcels go in (the overlap is a warning).
    let skip = ImportOptions { skip: vec![3, 4, 5, 6], ..o.clone() };
    let r = import::import(&mut t.db, AUTHOR, &p, &file, &skip).unwrap();
    assert_eq!(r.created, 2);
    let after = t.snapshot();

    // Wrong files and coordinate systems: refused with the reason, nothing written.
    let refused = |t: &mut TestDb, path: &Path, o: &ImportOptions| {
        let e = import::import(&mut t.db, AUTHOR, &p, path, o).unwrap_err();
        assert_eq!(t.snapshot(), after, "{e}");
        e
    };
    let xian =
        CM_120.replace("China_Geodetic_Coordinate_System_2000", "Xian_1980").replace("D_China_2000", "D_Xian_1980");
    write_shapefile(&dir, "xian", &xian, &["宗地号"], &[(vec!["H1".into()], vec![base[0].clone()])]);
    let e = refused(&mut t, &dir.join("xian.shp"), &o);
    assert_eq!(e.code(), "rule.map.unsupported_crs");
    assert!(e.to_string().contains("西安80"), "{e}");
    write_shapefile(&dir, "noprj", CM_120, &["宗地号"], &[(vec!["H1".into()], vec![base[0].clone()])]);
    std::fs::remove_file(dir.join("noprj.prj")).unwrap();
    assert_eq!(refused(&mut t, &dir.join("noprj.shp"), &o).code(), "rule.map.crs_unknown");
    // ... which --crs fixes.
    let zone_40 = ImportOptions { crs: Some("EPSG:4528".into()), ..o.clone() };
    assert!(import::preview(t.db.conn(), &p, &dir.join("noprj.shp"), &zone_40).unwrap().can_import);
    let with_crs = ImportOptions { crs: Some("EPSG:4549".into()), ..o.clone() };
    // Zone-prefixed eastings under a CRS without the prefix.
    let e = import::preview(t.db.conn(), &p, &file, &with_crs).unwrap();
    assert!(e.features[0].problems.join("").contains("带有带号 40"), "{:?}", e.features[0].problems);
    // No crs member: RFC 7946 WGS84 degrees, and these are metres.
    let nocrs = geojson(&dir, "nocrs.geojson", None, vec![polygon_feature("H1", &base[0])]);
    assert!(!import::preview(t.db.conn(), &p, &nocrs, &o).unwrap().can_import);
    // A key that matches nothing.
    let other = geojson(&dir, "other.geojson", Some("EPSG:4528"), vec![polygon_feature("X1", &base[0])]);
    assert_eq!(refused(&mut t, &other, &o).code(), "rule.map.nothing_matched");
    let missing_key = ImportOptions { key: Some("户号".into()), ..o.clone() };
    assert_eq!(refused(&mut t, &other, &missing_key).code(), "invalid_field.key");
    // Not a geometry file, a truncated .shp, a zip, a huge file.
    std::fs::write(dir.join("x.json"), "{not json").unwrap();
    assert_eq!(refused(&mut t, &dir.join("x.json"), &o).code(), "invalid_field.file");
    let shp = std::fs::read(dir.join("xian.shp")).unwrap();
    std::fs::write(dir.join("xian.shp"), &shp[..shp.len() - 7]).unwrap();
    assert!(refused(&mut t, &dir.join("xian.shp"), &o).to_string().contains("不完整"));
    std::fs::write(dir.join("a.zip"), b"PK").unwrap();
    assert!(refused(&mut t, &dir.join("a.zip"), &o).to_string().contains("解压"));
    let big = std::fs::File::create(dir.join("big.geojson")).unwrap();
    big.set_len(jingdi::map::source::MAX_FILE_BYTES + 1).unwrap();
    assert!(refused(&mut t, &dir.join("big.geojson"), &o).to_string().contains("过大"));
}

#[test]
fn poles_and_the_boundary_are_layers_of_their_own() {
    let mut t = TestDb::with_households(1);
    let p = t.project();
    let pole = t
        .write(|tx| jingdi::plot_work::add_pole(tx, p.id, "DL-01", jingdi::vocab::PoleKind::Power, "供电", ""))
        .unwrap();
    let pts = geojson(
        t.dir.path(),
        "poles.geojson",
        Some("EPSG:4490"),
        vec![
            json!({ "type": "Feature", "properties": { "编号": "DL-01" }, "geometry": { "type": "Point", "coordinates": [118.6512, 24.9386] } }),
            json!({ "type": "Feature", "properties": { "编号": "DL-99" }, "geometry": { "type": "Point", "coordinates": [118.6513, 24.9386] } }),
        ],
    );
    let r = import::import(&mut t.db, AUTHOR, &p, &pts, &opts(Layer::Poles, Some("编号"))).unwrap();
    assert_eq!((r.created, r.not_stored), (1, 1));
    // Swapped latitude and longitude is named.
    let swapped = geojson(
        t.dir.path(),
        "swapped.geojson",
        Some("EPSG:4490"),
        vec![
            json!({ "type": "Feature", "properties": { "编号": "DL-01" }, "geometry": { "type": "Point", "coordinates": [24.9386, 118.6512] } }),
        ],
    );
    let pv = import::preview(t.db.conn(), &p, &swapped, &opts(Layer::Poles, Some("编号"))).unwrap();
    assert!(pv.features[0].problems.join("").contains("顺序颠倒"), "{:?}", pv.features[0].problems);
    let red = geojson(
        t.dir.path(),
        "red.geojson",
        Some("EPSG:4490"),
        vec![
            json!({ "type": "Feature", "properties": {}, "geometry": { "type": "LineString", "coordinates": [[118.650, 24.937], [118.653, 24.937], [118.653, 24.940], [118.650, 24.940], [118.650, 24.937]] } }),
        ],
    );
    let r = import::import(&mut t.db, AUTHOR, &p, &red, &opts(Layer::Boundary, None)).unwrap();
    assert_eq!(r.created, 1);
    let fs = features(t.db.conn(), p.id).unwrap();
    let b = fs.iter().find(|f| f.layer == Layer::Boundary).unwrap();
    assert!(b.area > 90_000_00 && b.area < 110_000_00, "about 300 m × 330 m: {}", b.area);
    assert!(fs.iter().any(|f| f.layer == Layer::Poles && f.pole_id == Some(pole)));
}

#[test]
fn the_demo_has_a_map_of_120_parcels_15_poles_and_its_red_line() {
    let t = TestDb::demo();
    let p = t.project();
    let fs = features(t.db.conn(), p.id).unwrap();
    assert_eq!(fs.iter().filter(|f| f.layer == Layer::Parcels).count(), 120);
    assert_eq!(fs.iter().filter(|f| f.layer == Layer::Poles).count(), 15);
    assert_eq!(fs.iter().filter(|f| f.layer == Layer::Boundary).count(), 1);
    // Each parcel's area is close to the household's recorded land area.
    for f in fs.iter().filter(|f| f.layer == Layer::Parcels) {
        let h = jingdi::household::get(t.db.conn(), f.household_id.unwrap()).unwrap();
        assert!(
            f.area > 80_00 && (f.area - h.land_area.clamp(90_00, 262_50)).abs() < 15_00,
            "{} {} {}",
            h.number,
            f.area,
            h.land_area
        );
    }
    let m = view::map(t.db.conn(), &p, &MapFilter::default()).unwrap();
    assert_eq!((m.parcels.len(), m.poles.len(), m.with_parcel), (120, 15, 120));
    assert!(m.boundary.is_some());
    // Every parcel and pole inside the drawing, which is a few hundred metres across.
    assert!(m.width > 200.0 && m.width < 600.0 && m.height > 200.0 && m.height < 600.0, "{} × {}", m.width, m.height);
    for pl in &m.poles {
        assert!(pl.x > 0.0 && pl.x < m.width && pl.y > 0.0 && pl.y < m.height);
    }
}

/// The stages the map shows on `date` equal those `jingdi stage list --on DATE` prints.
#[test]
fn the_map_at_a_past_date_shows_the_stages_jingdi_reports_for_that_date() {
    let cli = Cli::new();
    cli.ok(&["demo"]);
    let db = jingdi::Db::open(&cli.db).unwrap();
    let p = jingdi::project::find_by_code(db.conn(), "DX4").unwrap().unwrap();
    for date in ["2022-06-19", "2022-06-25", "2022-07-01", "2022-07-15", "2022-07-30", "2022-08-05", "2022-08-15"] {
        let reported = cli.json(&["stage", "list", "--on", date]);
        let m = view::map(db.conn(), &p, &MapFilter { on: Some(d(date)), ..Default::default() }).unwrap();
        assert_eq!(m.on, d(date));
        let listed = reported["households"].as_array().unwrap();
        assert_eq!(listed.len(), m.parcels.len());
        for parcel in &m.parcels {
            let row = listed.iter().find(|h| h["number"] == parcel.number.as_str()).unwrap();
            assert_eq!(row["stage"].as_str(), parcel.stage.map(|s| s.id()), "{date} {}", parcel.number);
            assert_eq!(parcel.colour, parcel.stage.map_or(view::NOT_REGISTERED_COLOUR, view::stage_colour));
        }
        // The legend counts what the map shows.
        for l in &m.legend {
            let n = m.parcels.iter().filter(|pc| pc.stage.map_or("not_registered", |s| s.id()) == l.id).count();
            assert_eq!(l.count, n as i64, "{date} {}", l.id);
        }
    }
    // Before registration nothing is registered; on 7-30 all have signed; today as the board.
    let early = cli.json(&["stage", "list", "--on", "2022-06-19"]);
    assert_eq!(early["not_registered"], 120);
    let signed_by_deadline =
        view::map(db.conn(), &p, &MapFilter { on: Some(d("2022-07-30")), ..Default::default() }).unwrap();
    assert!(signed_by_deadline.parcels.iter().all(|pc| pc.stage.is_some_and(|s| s.is_signed())));
    let today = view::map(db.conn(), &p, &MapFilter::default()).unwrap();
    for pc in &today.parcels {
        assert_eq!(pc.stage, Some(jingdi::household::get(db.conn(), pc.household_id).unwrap().stage));
    }
    // The slider's first day is the first registration.
    assert_eq!(today.first_day, d("2022-06-20"));
}

#[test]
fn filters_fade_what_does_not_match_and_the_legend_counts_what_does() {
    let t = TestDb::demo();
    let p = t.project();
    let f = MapFilter::parse(Some("2022-08-10"), Some("第二组"), None, Some("any")).unwrap();
    let m = view::map(t.db.conn(), &p, &f).unwrap();
    let shown: Vec<_> = m.parcels.iter().filter(|pc| pc.matches).collect();
    assert!(shown.iter().all(|pc| pc.group_name == "第二组" && !pc.open_obstacles.is_empty()));
    assert_eq!(m.legend.iter().map(|l| l.count).sum::<i64>(), shown.len() as i64);
    assert_eq!(m.households_shown, shown.len() as i64);
    let by_stage =
        view::map(t.db.conn(), &p, &MapFilter { stage: Some(Stage::Demolished), ..Default::default() }).unwrap();
    assert!(by_stage.parcels.iter().filter(|pc| pc.matches).all(|pc| pc.stage == Some(Stage::Demolished)));
    assert!(matches!(ObstacleFilter::parse("附着物青苗").unwrap(), ObstacleFilter::Category(_)));
    assert_eq!(MapFilter::parse(Some("2022-13-01"), None, None, None).unwrap_err().code(), "invalid_field.on");
}

#[test]
fn the_pace_extends_the_last_seven_days_to_the_deadlines() {
    let t = TestDb::demo();
    let p = t.project();
    let pace = jingdi::report::pace::pace(t.db.conn(), &p).unwrap();
    use jingdi::report::pace::PaceStatus;
    // All 120 signed inside the window: done, on time.
    assert_eq!(pace.signing.status, PaceStatus::Done);
    assert!(pace.signing.reaches_on.unwrap() <= d("2022-07-30"));
    assert_eq!(pace.signing.on_time, Some(true));
    // Demolition: the pace is the count of the last 7 days over 7, from the stage events.
    let st = |date: &str| jingdi::report::as_of::stages_on(t.db.conn(), &p, Some(d(date))).unwrap();
    let demolished =
        |date: &str| st(date).households.iter().filter(|h| h.stage == Some(Stage::Demolished)).count() as f64;
    let per_day = (demolished("2022-08-15") - demolished("2022-08-08")) / 7.0;
    assert!((pace.demolition.per_day - per_day).abs() < 0.01, "{} vs {per_day}", pace.demolition.per_day);
    assert_eq!(pace.demolition.done as f64, demolished("2022-08-15"));
    let remaining = 120.0 - demolished("2022-08-15");
    let expected = d("2022-08-15") + chrono::Duration::days((remaining / per_day).ceil() as i64);
    assert_eq!(pace.demolition.status, PaceStatus::Projected);
    assert_eq!(pace.demolition.reaches_on, Some(expected));
    assert_eq!(pace.demolition.on_time, Some(expected <= d("2022-08-31")));
    assert_eq!(pace.demolition.projection.last().unwrap().households, 120.0);
    assert!(pace.demolition.sentence().contains("净地目标"), "{}", pace.demolition.sentence());
    // A plot where nothing moved for a week is stalled and will miss its deadline.
    let t = TestDb::with_households(2);
    let stalled = jingdi::report::pace::pace(t.db.conn(), &t.project()).unwrap();
    assert_eq!(stalled.signing.status, PaceStatus::Stalled);
}

#[test]
fn the_map_prints_as_png_pdf_and_an_a3_docx() {
    let t = TestDb::demo();
    let p = t.project();
    let dir = t.dir.path();
    let f = MapFilter { on: Some(d("2022-08-01")), ..Default::default() };
    let svg = jingdi::map::export::export(t.db.conn(), &p, &f, &dir.join("map.svg")).unwrap();
    let text = std::fs::read_to_string(&svg.path).unwrap();
    assert!(text.contains("东星4号地块 挂图作战图") && text.contains("2022-08-01"));
    let png = jingdi::map::export::export(t.db.conn(), &p, &f, &dir.join("挂图.png")).unwrap();
    let bytes = std::fs::read(&png.path).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let (w, h) =
        (u32::from_be_bytes(bytes[16..20].try_into().unwrap()), u32::from_be_bytes(bytes[20..24].try_into().unwrap()));
    assert!(w > 3000 && (w as f64 / h as f64 - 2f64.sqrt()).abs() < 0.01, "A3 proportions: {w}×{h}");
    let pdf =
        std::fs::read(jingdi::map::export::export(t.db.conn(), &p, &f, &dir.join("挂图.pdf")).unwrap().path).unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let pdf_text = String::from_utf8_lossy(&pdf);
    assert_eq!(
        pdf_text.matches("/Type /Page\n").count()
            + pdf_text.matches("/Type /Page ").count()
            + pdf_text.matches("/Type /Page>").count(),
        1,
        "one page"
    );
    assert!(pdf_text.contains("/FontFile"), "the CJK font is embedded");
    let docx = jingdi::map::export::export(t.db.conn(), &p, &f, &dir.join("挂图.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&docx.path).unwrap()).unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut document).unwrap();
    assert!(document.contains("东星4号地块 挂图作战图"));
    assert!(document.contains(r#"w:w="23811""#) && document.contains(r#"w:h="16838""#), "A3 landscape");
    assert!((0..zip.len()).any(|i| zip.by_index(i).unwrap().name().starts_with("word/media/")));
    // A bad extension is refused before anything is written.
    let e = jingdi::map::export::export(t.db.conn(), &p, &f, &dir.join("map.jpg")).unwrap_err();
    assert_eq!(e.code(), "invalid_field.out");
    assert!(!dir.join("map.jpg").exists());
}

#[test]
fn the_map_travels_with_sync_like_any_other_record() {
    let mut a = TestDb::with_households(2);
    let b_dir = tempfile::tempdir().unwrap();
    let mut b = jingdi::Db::open(b_dir.path().join("b.db")).unwrap();
    let p = a.project();
    let file = geojson(
        a.dir.path(),
        "z.geojson",
        Some("EPSG:4528"),
        vec![polygon_feature("H1", &squares(40_361_611.0, 2_758_997.0, 10.0, 1)[0])],
    );
    import::import(&mut a.db, AUTHOR, &p, &file, &opts(Layer::Parcels, Some("宗地号"))).unwrap();
    let bundle = a.dir.path().join("full.jdb");
    jingdi::sync::export(&a.db, &p, &bundle, jingdi::sync::Scope::Full).unwrap();
    jingdi::sync::merge::import(&mut b, &bundle).unwrap();
    assert_eq!(features(b.conn(), p.id).unwrap(), features(a.db.conn(), p.id).unwrap());
    assert_eq!(jingdi::oplog::replay::dump(b.conn()).unwrap(), a.snapshot().0);
}

/// The printed map and the board use the same colours: the core's palette equals the UI's.
#[test]
fn the_printed_colours_are_the_boards() {
    let ts = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/src/lib/stages.ts")).unwrap();
    for s in Stage::ALL {
        assert!(ts.contains(&format!("{}: '{}'", s.id(), view::stage_colour(*s))), "{}", s.id());
    }
}

mod fuzz {
    //! Geometry files with random edits (the .shp, its .dbf, its .prj, a GeoJSON): the
    //! preview answers or refuses, never a panic, and a refused import changes nothing.
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn mutated_geometry_files_never_panic(
            which in 0usize..4,
            edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8),
        ) {
            thread_local!(static T: std::cell::RefCell<Option<TestDb>> = const { std::cell::RefCell::new(None) });
            T.with(|t| {
                let mut t = t.borrow_mut();
                let t = t.get_or_insert_with(|| TestDb::with_households(2));
                let dir = t.dir.path().join("fuzz");
                std::fs::create_dir_all(&dir).unwrap();
                let rings = squares(361_611.5614, 2_758_997.5834, 15.0, 2);
                let rows: Vec<Row> = ["H1", "H2"]
                    .iter()
                    .zip(&rings)
                    .map(|(k, r)| (vec![k.to_string(), "林".into()], vec![r.iter().rev().copied().collect()]))
                    .collect();
                write_shapefile(&dir, "宗地", CM_120, &["宗地号", "权利人"], &rows);
                let gj = geojson(&dir, "宗地.geojson", Some("EPSG:4528"), vec![polygon_feature("H1", &rings[0])]);
                let target = match which {
                    0 => dir.join("宗地.shp"),
                    1 => dir.join("宗地.dbf"),
                    2 => dir.join("宗地.prj"),
                    _ => gj.clone(),
                };
                let mut bytes = std::fs::read(&target).unwrap();
                crate::input::mutate(&mut bytes, &edits);
                std::fs::write(&target, &bytes).unwrap();
                let file = if which == 3 { gj } else { dir.join("宗地.shp") };
                let p = t.project();
                let before = t.snapshot();
                let o = opts(Layer::Parcels, Some("宗地号"));
                if import::import(&mut t.db, AUTHOR, &p, &file, &o).is_err() {
                    assert_eq!(t.snapshot(), before);
                }
            });
        }
    }
}
