//! Coordinate reference systems a land or survey office delivers: CGCS2000 geographic
//! (EPSG:4490), its Gauss-Krüger zones (3° and 6°, with or without the zone number in front
//! of the easting), WGS84 (EPSG:4326) and its UTM zones. Anything else — Xian 1980,
//! Beijing 1954, a city's own grid, a Lambert or Albers projection — is refused by name.
//!
//! Stored coordinates are CGCS2000 longitude/latitude. WGS84 coordinates are taken as
//! CGCS2000 without a datum shift: both are realisations of the ITRS and differ by a few
//! centimetres (well inside what a parcel survey resolves), and no published transformation
//! between them is more precise than that difference.

use super::tmerc::{TransverseMercator, CGCS2000, WGS84};
use crate::error::{Error, Result};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Datum {
    Cgcs2000,
    Wgs84,
}

impl Datum {
    fn zh(self) -> &'static str {
        match self {
            Datum::Cgcs2000 => "CGCS2000",
            Datum::Wgs84 => "WGS84",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Crs {
    /// Longitude and latitude in degrees.
    Geographic { datum: Datum },
    /// A transverse Mercator grid in metres (Gauss-Krüger, UTM).
    Projected { datum: Datum, tm: TransverseMercator },
}

impl Crs {
    pub const CGCS2000: Crs = Crs::Geographic { datum: Datum::Cgcs2000 };
    pub const WGS84: Crs = Crs::Geographic { datum: Datum::Wgs84 };

    pub fn gauss_kruger(lon0: f64, false_easting: f64) -> Crs {
        Crs::Projected { datum: Datum::Cgcs2000, tm: TransverseMercator::gauss_kruger(lon0, false_easting) }
    }

    /// The CRS an EPSG code names, or a refusal naming the code.
    pub fn from_epsg(code: u32) -> Result<Crs> {
        let gk = |lon0: u32, fe: f64| Ok(Crs::gauss_kruger(lon0 as f64, fe));
        match code {
            4490 => Ok(Crs::CGCS2000),
            4326 => Ok(Crs::WGS84),
            // CGCS2000 / Gauss-Kruger zone 13..23 (6°, zone number in the easting).
            4491..=4501 => {
                let zone = code - 4491 + 13;
                gk(zone * 6 - 3, zone as f64 * 1e6 + 500_000.0)
            }
            // CGCS2000 / Gauss-Kruger CM 75E..135E (6°).
            4502..=4512 => gk(75 + (code - 4502) * 6, 500_000.0),
            // CGCS2000 / 3-degree Gauss-Kruger zone 25..45 (zone number in the easting).
            4513..=4533 => {
                let zone = code - 4513 + 25;
                gk(zone * 3, zone as f64 * 1e6 + 500_000.0)
            }
            // CGCS2000 / 3-degree Gauss-Kruger CM 75E..135E.
            4534..=4554 => gk(75 + (code - 4534) * 3, 500_000.0),
            // WGS 84 / UTM zone 1N..60N.
            32601..=32660 => Ok(Crs::Projected {
                datum: Datum::Wgs84,
                tm: TransverseMercator {
                    ellipsoid: WGS84,
                    lon0: (code - 32600) as f64 * 6.0 - 183.0,
                    lat0: 0.0,
                    k0: 0.9996,
                    false_easting: 500_000.0,
                    false_northing: 0.0,
                },
            }),
            _ => Err(unsupported(&format!("EPSG:{code}{}", known_name(code)))),
        }
    }

    /// Parses "EPSG:4528", "epsg 4528", "4528", "urn:ogc:def:crs:EPSG::4528", "CRS84".
    pub fn parse(text: &str) -> Result<Crs> {
        let t = text.trim();
        let upper = t.to_ascii_uppercase();
        if upper.ends_with("CRS84") {
            return Ok(Crs::WGS84);
        }
        let digits: String = upper.rsplit(|c: char| !c.is_ascii_digit()).next().unwrap_or("").to_string();
        if (upper.contains("EPSG") || upper.chars().all(|c| c.is_ascii_digit())) && !digits.is_empty() {
            if let Ok(code) = digits.parse::<u32>() {
                return Crs::from_epsg(code);
            }
        }
        Err(Error::invalid("crs", format!("无法识别的坐标系「{t}」：应写成 EPSG 代码，如 EPSG:4490、EPSG:4528")))
    }

    /// The CRS an ESRI/OGC WKT1 `.prj` describes.
    pub fn from_wkt(text: &str) -> Result<Crs> {
        let root = wkt::parse(text)?;
        match root.name.as_str() {
            "GEOGCS" => Ok(Crs::Geographic { datum: geogcs_datum(&root)? }),
            "PROJCS" => {
                let geog = root.child("GEOGCS").ok_or_else(|| prj_err("PROJCS 中缺少 GEOGCS"))?;
                let datum = geogcs_datum(geog)?;
                let projection = root.child("PROJECTION").and_then(|p| p.text(0)).unwrap_or_default();
                let norm = projection.to_ascii_lowercase().replace(['-', ' '], "_");
                if !matches!(norm.as_str(), "gauss_kruger" | "transverse_mercator" | "gauss_krueger") {
                    return Err(unsupported(&format!("{}（投影方式 {projection}）", root.text(0).unwrap_or_default())));
                }
                if let Some(unit) = root.child("UNIT") {
                    if (unit.number(1).unwrap_or(1.0) - 1.0).abs() > 1e-12 {
                        return Err(unsupported(&format!(
                            "长度单位为 {} 的投影坐标",
                            unit.text(0).unwrap_or_default()
                        )));
                    }
                }
                let param = |names: &[&str], default: f64| -> f64 {
                    root.children
                        .iter()
                        .filter(|c| c.name == "PARAMETER")
                        .find(|c| c.text(0).is_some_and(|n| names.iter().any(|x| n.eq_ignore_ascii_case(x))))
                        .and_then(|c| c.number(1))
                        .unwrap_or(default)
                };
                let tm = TransverseMercator {
                    ellipsoid: if datum == Datum::Wgs84 { WGS84 } else { CGCS2000 },
                    lon0: param(&["Central_Meridian", "Longitude_Of_Origin"], f64::NAN),
                    lat0: param(&["Latitude_Of_Origin"], 0.0),
                    k0: param(&["Scale_Factor"], 1.0),
                    false_easting: param(&["False_Easting"], 0.0),
                    false_northing: param(&["False_Northing"], 0.0),
                };
                if !tm.lon0.is_finite() {
                    return Err(prj_err("投影参数中缺少中央经线 Central_Meridian"));
                }
                Ok(Crs::Projected { datum, tm })
            }
            other => Err(prj_err(&format!("不是 WKT 坐标系定义（以 {other} 开头）"))),
        }
    }

    /// This CRS's EPSG code, when it is one of those [`Crs::from_epsg`] knows.
    pub fn epsg(&self) -> Option<u32> {
        match self {
            Crs::Geographic { datum: Datum::Cgcs2000 } => Some(4490),
            Crs::Geographic { datum: Datum::Wgs84 } => Some(4326),
            Crs::Projected { datum, tm } => {
                let (lon0, fe) = (tm.lon0, tm.false_easting);
                if tm.lat0 != 0.0 || tm.false_northing != 0.0 {
                    return None;
                }
                let whole = |x: f64| (x.fract() == 0.0 && x > 0.0).then_some(x as u32);
                let lon0 = whole(lon0)?;
                match datum {
                    Datum::Wgs84 => (tm.k0 == 0.9996 && fe == 500_000.0 && (lon0 + 183) % 6 == 0)
                        .then(|| 32600 + (lon0 + 183) / 6)
                        .filter(|c| (32601..=32660).contains(c)),
                    Datum::Cgcs2000 if tm.k0 == 1.0 && (75..=135).contains(&lon0) => {
                        if lon0 % 3 != 0 {
                            return None;
                        }
                        let six = (lon0 - 75) % 6 == 0;
                        if fe == 500_000.0 {
                            // A CM that is on both grids is the 3° one unless the zone says 6°.
                            Some(4534 + (lon0 - 75) / 3)
                        } else if six && fe == ((lon0 + 3) / 6) as f64 * 1e6 + 500_000.0 {
                            Some(4491 + (lon0 + 3) / 6 - 13)
                        } else if fe == (lon0 / 3) as f64 * 1e6 + 500_000.0 {
                            Some(4513 + lon0 / 3 - 25)
                        } else {
                            None
                        }
                    }
                    Datum::Cgcs2000 => None,
                }
            }
        }
    }

    /// How the preview names it, e.g. "CGCS2000 高斯-克吕格 中央经线 120°E(东坐标带带号 40)".
    pub fn label(&self) -> String {
        let code = self.epsg().map(|c| format!("(EPSG:{c})")).unwrap_or_default();
        match self {
            Crs::Geographic { datum } => format!("{} 经纬度{code}", datum.zh()),
            Crs::Projected { datum, tm } => {
                let prefix = if tm.false_easting >= 1e6 {
                    format!("，东坐标带带号 {}", (tm.false_easting / 1e6).floor())
                } else {
                    String::new()
                };
                let kind = if *datum == Datum::Wgs84 { "横轴墨卡托（UTM）" } else { "高斯-克吕格" };
                format!("{} {kind} 中央经线 {}°E{prefix}{code}", datum.zh(), tm.lon0)
            }
        }
    }

    pub fn is_geographic(&self) -> bool {
        matches!(self, Crs::Geographic { .. })
    }

    /// A source coordinate to CGCS2000 (longitude, latitude) in degrees. WGS84 is taken as
    /// CGCS2000 (see the module's note). Refuses coordinates this CRS cannot hold, with a
    /// hint when they carry a zone number the CRS does not declare (or lack one it does).
    pub fn to_lonlat(&self, x: f64, y: f64) -> std::result::Result<(f64, f64), String> {
        if !x.is_finite() || !y.is_finite() {
            return Err("坐标不是有限数值".into());
        }
        match self {
            Crs::Geographic { .. } => {
                if !(-180.0..=180.0).contains(&x) || !(-90.0..=90.0).contains(&y) {
                    return Err(format!(
                        "坐标（{x}，{y}） 不是经纬度（看起来是以米为单位的投影坐标）；请提供 .prj 或指明坐标系"
                    ));
                }
                Ok((x, y))
            }
            Crs::Projected { tm, .. } => {
                let (lon, lat) = tm.inverse(x, y);
                let off = (lon - tm.lon0).abs();
                if off > 6.0 || !lat.is_finite() || lat.abs() > 84.0 {
                    let has_prefix = tm.false_easting >= 1e6;
                    let looks_prefixed = x >= 1e7;
                    let hint = if looks_prefixed && !has_prefix {
                        format!(
                            ":东坐标 {x:.2} 带有带号 {}，而坐标系声明的是不带带号的中央经线 {}°E",
                            (x / 1e6).floor(),
                            tm.lon0
                        )
                    } else if has_prefix && x < 1e7 {
                        format!(":坐标系要求东坐标带带号 {}，而坐标 {x:.2} 没有带号", (tm.false_easting / 1e6).floor())
                    } else {
                        String::new()
                    };
                    return Err(format!("坐标（{x:.2}，{y:.2}） 不在该坐标系的投影带内{hint}"));
                }
                Ok((lon, lat))
            }
        }
    }

    /// CGCS2000 (longitude, latitude) to this CRS's coordinates.
    pub fn from_lonlat(&self, lon: f64, lat: f64) -> (f64, f64) {
        match self {
            Crs::Geographic { .. } => (lon, lat),
            Crs::Projected { tm, .. } => tm.forward(lon, lat),
        }
    }
}

fn unsupported(what: &str) -> Error {
    Error::rule(
        "map.unsupported_crs",
        format!(
            "不支持的坐标系 {what}：请由测绘单位转换为 CGCS2000（经纬度 EPSG:4490 或其高斯-克吕格投影带）或 WGS84 后再导入"
        ),
    )
}

fn prj_err(message: &str) -> Error {
    Error::invalid("prj", format!("坐标系文件（.prj）无法识别：{message}"))
}

fn known_name(code: u32) -> &'static str {
    match code {
        4214 | 2401..=2442 | 21413..=21423 | 21453..=21463 | 21473..=21483 => "（北京54坐标系）",
        4610 | 2327..=2400 => "（西安80坐标系）",
        3857 | 900913 => "（Web 墨卡托，网络地图用）",
        _ => "",
    }
}

fn geogcs_datum(g: &wkt::Node) -> Result<Datum> {
    let datum = g.child("DATUM").ok_or_else(|| prj_err("缺少 DATUM"))?;
    let name = datum.text(0).unwrap_or_default();
    let norm = name.to_ascii_lowercase().replace([' ', '-', '_'], "");
    let found = if norm.contains("china2000")
        || norm.contains("cgcs2000")
        || norm.contains("chinageodeticcoordinatesystem2000")
    {
        Datum::Cgcs2000
    } else if norm.contains("wgs1984") || norm.contains("wgs84") || norm == "dwgs1984" {
        Datum::Wgs84
    } else {
        let what = if norm.contains("beijing") {
            format!("{name}（北京54坐标系）")
        } else if norm.contains("xian") {
            format!("{name}（西安80坐标系）")
        } else {
            format!("基准面 {name}")
        };
        return Err(unsupported(&what));
    };
    if let Some(sph) = datum.child("SPHEROID") {
        let (a, invf) = (sph.number(1).unwrap_or(0.0), sph.number(2).unwrap_or(0.0));
        if (a - 6_378_137.0).abs() > 0.5 || (invf - 298.2572).abs() > 0.001 {
            return Err(unsupported(&format!("{name}（椭球 a={a}, 1/f={invf}）")));
        }
    }
    if let Some(pm) = g.child("PRIMEM") {
        if pm.number(1).unwrap_or(0.0) != 0.0 {
            return Err(unsupported(&format!("{name}（本初子午线不是格林尼治）")));
        }
    }
    Ok(found)
}

/// A small parser for WKT1: `NAME["text", 1.0, CHILD[...]]`, with `[]` or `()`.
mod wkt {
    use super::prj_err;
    use crate::error::Result;

    #[derive(Debug)]
    pub struct Node {
        pub name: String,
        pub values: Vec<Value>,
        pub children: Vec<Node>,
    }

    #[derive(Debug)]
    pub enum Value {
        Text(String),
        Number(f64),
        Word,
    }

    impl Node {
        pub fn child(&self, name: &str) -> Option<&Node> {
            self.children.iter().find(|c| c.name.eq_ignore_ascii_case(name))
        }
        /// The i-th plain value (texts and numbers, children not counted).
        pub fn text(&self, i: usize) -> Option<String> {
            match self.values.get(i) {
                Some(Value::Text(s)) => Some(s.clone()),
                _ => None,
            }
        }
        pub fn number(&self, i: usize) -> Option<f64> {
            match self.values.get(i) {
                Some(Value::Number(n)) => Some(*n),
                _ => None,
            }
        }
    }

    const MAX_LEN: usize = 64 * 1024;
    const MAX_DEPTH: usize = 16;

    pub fn parse(text: &str) -> Result<Node> {
        if text.len() > MAX_LEN {
            return Err(prj_err("文件过大"));
        }
        let t = text.trim_start_matches('\u{feff}').trim();
        let mut p = Parser { s: t.as_bytes(), i: 0 };
        let node = p.node(0)?;
        p.ws();
        if p.i != p.s.len() {
            return Err(prj_err("定义后有多余内容"));
        }
        Ok(node)
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
    }

    impl Parser<'_> {
        fn ws(&mut self) {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }
        fn word(&mut self) -> String {
            let start = self.i;
            while self.i < self.s.len() && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_') {
                self.i += 1;
            }
            String::from_utf8_lossy(&self.s[start..self.i]).into_owned()
        }
        fn node(&mut self, depth: usize) -> Result<Node> {
            if depth > MAX_DEPTH {
                return Err(prj_err("嵌套过深"));
            }
            self.ws();
            let name = self.word().to_ascii_uppercase();
            if name.is_empty() {
                return Err(prj_err("应以关键字开头，如 PROJCS[ 或 GEOGCS["));
            }
            self.ws();
            let close = match self.s.get(self.i) {
                Some(b'[') => b']',
                Some(b'(') => b')',
                _ => return Err(prj_err(&format!("{name} 后缺少 [")))?,
            };
            self.i += 1;
            let mut node = Node { name, values: Vec::new(), children: Vec::new() };
            loop {
                self.ws();
                match self.s.get(self.i) {
                    None => return Err(prj_err("括号不完整")),
                    Some(c) if *c == close => {
                        self.i += 1;
                        return Ok(node);
                    }
                    Some(b',') => self.i += 1,
                    Some(b'"') => {
                        self.i += 1;
                        let start = self.i;
                        while self.i < self.s.len() && self.s[self.i] != b'"' {
                            self.i += 1;
                        }
                        if self.i >= self.s.len() {
                            return Err(prj_err("引号不完整"));
                        }
                        node.values.push(Value::Text(String::from_utf8_lossy(&self.s[start..self.i]).into_owned()));
                        self.i += 1;
                    }
                    Some(c) if c.is_ascii_digit() || *c == b'-' || *c == b'+' || *c == b'.' => {
                        let start = self.i;
                        while self.i < self.s.len()
                            && (self.s[self.i].is_ascii_digit() || b"+-.eE".contains(&self.s[self.i]))
                        {
                            self.i += 1;
                        }
                        let t = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
                        let n = t.parse::<f64>().map_err(|_| prj_err(&format!("数值「{t}」无法识别")))?;
                        node.values.push(Value::Number(n));
                    }
                    Some(c) if c.is_ascii_alphabetic() => {
                        let save = self.i;
                        let w = self.word();
                        self.ws();
                        if matches!(self.s.get(self.i), Some(b'[') | Some(b'(')) {
                            self.i = save;
                            node.children.push(self.node(depth + 1)?);
                        } else {
                            let _ = w; // a bare word such as an axis direction (NORTH)
                            node.values.push(Value::Word);
                        }
                    }
                    Some(_) => return Err(prj_err("含有无法识别的字符")),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZONE_40: &str = r#"PROJCS["CGCS2000_3_Degree_GK_Zone_40",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",40500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",120.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    #[test]
    fn prj_of_a_zone_with_prefix() {
        let crs = Crs::from_wkt(ZONE_40).unwrap();
        assert_eq!(crs, Crs::from_epsg(4528).unwrap());
        assert_eq!(crs.epsg(), Some(4528));
        let (lon, lat) = crs.to_lonlat(40_361_611.5614, 2_758_997.5834).unwrap();
        assert!((lon - 118.63).abs() < 1e-9 && (lat - 24.93).abs() < 1e-9);
        // The same easting without its zone number is outside the zone, and said so.
        let e = crs.to_lonlat(361_611.5614, 2_758_997.5834).unwrap_err();
        assert!(e.contains("没有带号"), "{e}");
    }

    #[test]
    fn epsg_codes_round_trip() {
        for code in (4490..=4490).chain(4491..=4554).chain([4326, 32650]) {
            // A 6° zone without prefix is the same grid as the 3° zone of that meridian.
            let crs = Crs::from_epsg(code).unwrap();
            assert_eq!(Crs::from_epsg(crs.epsg().unwrap()).unwrap(), crs, "{code}: {}", crs.label());
        }
        assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::4549").unwrap().epsg(), Some(4549));
        assert_eq!(Crs::parse("urn:ogc:def:crs:OGC:1.3:CRS84").unwrap(), Crs::WGS84);
        let e = Crs::parse("EPSG:2383").unwrap_err();
        assert_eq!(e.code(), "rule.map.unsupported_crs");
        assert!(e.to_string().contains("西安80"), "{e}");
    }

    #[test]
    fn prefixed_coordinates_under_a_crs_without_prefix_are_named() {
        let crs = Crs::from_epsg(4549).unwrap();
        let e = crs.to_lonlat(40_361_611.5614, 2_758_997.5834).unwrap_err();
        assert!(e.contains("带有带号 40"), "{e}");
    }

    #[test]
    fn other_datums_and_projections_are_refused_by_name() {
        let xian = r#"PROJCS["Xian_1980_3_Degree_GK_CM_117E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["Central_Meridian",117.0],UNIT["Meter",1.0]]"#;
        let e = Crs::from_wkt(xian).unwrap_err();
        assert!(e.to_string().contains("西安80"), "{e}");
        let lcc = ZONE_40.replace("Gauss_Kruger", "Lambert_Conformal_Conic");
        let e = Crs::from_wkt(&lcc).unwrap_err();
        assert!(e.to_string().contains("Lambert_Conformal_Conic"), "{e}");
        for bad in ["", "PROJCS[", "hello", "GEOGCS[\"x\",DATUM[\"D_Mars\",SPHEROID[\"m\",3396190,169.8]]]"] {
            assert!(Crs::from_wkt(bad).is_err(), "{bad}");
        }
        assert!(Crs::from_wkt(&"A[".repeat(40)).is_err());
    }

    #[test]
    fn geographic_refuses_metres() {
        let e = Crs::CGCS2000.to_lonlat(361_611.0, 2_758_997.0).unwrap_err();
        assert!(e.contains("投影坐标"), "{e}");
    }
}
