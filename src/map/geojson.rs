//! GeoJSON (RFC 7946, and the 2008 draft's `crs` member that Chinese GIS tools still write
//! for projected coordinates). UTF-8, or GBK when a tool wrote it so.

use super::crs::Crs;
use super::source::{file_err, read_limited, RawFeature, Shape, SourceData, MAX_FEATURES, MAX_FILE_BYTES};
use crate::error::Result;
use serde_json::Value;
use std::path::Path;

pub fn read(path: &Path) -> Result<SourceData> {
    let bytes = read_limited(path, MAX_FILE_BYTES)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => {
            let (t, _, bad) = encoding_rs::GBK.decode(bytes);
            if bad {
                return Err(file_err(path, "不是 UTF-8 或 GBK 编码的文本，不是 GeoJSON 文件"));
            }
            t
        }
    };
    let root: Value = serde_json::from_str(&text)
        .map_err(|e| file_err(path, format!("不是有效的 JSON（第 {} 行第 {} 列：{e}）", e.line(), e.column())))?;
    let kind = root.get("type").and_then(Value::as_str).unwrap_or("");
    let features: Vec<&Value> = match kind {
        "FeatureCollection" => match root.get("features").and_then(Value::as_array) {
            Some(fs) => fs.iter().collect(),
            None => return Err(file_err(path, "FeatureCollection 缺少 features 数组")),
        },
        "Feature" => vec![&root],
        "" => return Err(file_err(path, "不是 GeoJSON:缺少 \"type\"")),
        _ => return Err(file_err(path, format!("GeoJSON 类型为 {kind}：应为 FeatureCollection 或 Feature"))),
    };
    if features.len() > MAX_FEATURES {
        return Err(file_err(path, format!("要素过多（{} 个），上限 {MAX_FEATURES} 个", features.len())));
    }
    let (crs, crs_source) = match root.get("crs") {
        None | Some(Value::Null) => (Crs::WGS84, "GeoJSON 未声明，按 RFC 7946 为 WGS84 经纬度".to_string()),
        Some(c) => {
            let name = c
                .pointer("/properties/name")
                .or_else(|| c.pointer("/properties/code"))
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or_default();
            (Crs::parse(&name)?, format!("GeoJSON 的 crs 成员「{name}」"))
        }
    };

    // Fields in order of first appearance.
    let mut fields: Vec<String> = Vec::new();
    for f in &features {
        if let Some(props) = f.get("properties").and_then(Value::as_object) {
            for k in props.keys() {
                if !fields.contains(k) {
                    fields.push(k.clone());
                    if fields.len() > super::source::MAX_FIELDS {
                        return Err(file_err(path, "属性字段过多"));
                    }
                }
            }
        }
    }
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties").and_then(Value::as_object);
        let values = fields
            .iter()
            .map(|k| match props.and_then(|p| p.get(k)) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => v.to_string(),
            })
            .collect();
        let (shape, problem) = match f.get("geometry") {
            None | Some(Value::Null) => (Shape::Empty, None),
            Some(g) => match shape(g) {
                Ok(s) => (s, None),
                Err(e) => (Shape::Empty, Some(e)),
            },
        };
        out.push(RawFeature { index: i + 1, values, shape, problem });
    }
    Ok(SourceData { format: "GeoJSON", crs: Some(crs), crs_source, encoding: None, fields, features: out })
}

fn position(v: &Value) -> std::result::Result<(f64, f64), String> {
    let a = v.as_array().ok_or("坐标应为 [x, y] 数组")?;
    match (a.first().and_then(Value::as_f64), a.get(1).and_then(Value::as_f64)) {
        (Some(x), Some(y)) if x.is_finite() && y.is_finite() => Ok((x, y)),
        _ => Err(format!("坐标 {v} 不是两个数值")),
    }
}

fn line(v: &Value) -> std::result::Result<Vec<(f64, f64)>, String> {
    v.as_array().ok_or("线或环应为坐标数组")?.iter().map(position).collect()
}

fn polygon(v: &Value) -> std::result::Result<Vec<Vec<(f64, f64)>>, String> {
    v.as_array().ok_or("多边形应为环的数组")?.iter().map(line).collect()
}

fn shape(g: &Value) -> std::result::Result<Shape, String> {
    let kind = g.get("type").and_then(Value::as_str).unwrap_or("");
    let c = g.get("coordinates").unwrap_or(&Value::Null);
    let empty = |v: &Value| v.as_array().is_some_and(|a| a.is_empty());
    if kind != "GeometryCollection" && (c.is_null() || empty(c)) {
        return Ok(Shape::Empty);
    }
    Ok(match kind {
        "Point" => {
            let (x, y) = position(c)?;
            Shape::Point(x, y)
        }
        "MultiPoint" => Shape::Points(line(c)?),
        "LineString" => Shape::Lines(vec![line(c)?]),
        "MultiLineString" => {
            Shape::Lines(c.as_array().ok_or("应为线的数组")?.iter().map(line).collect::<Result<_, _>>()?)
        }
        "Polygon" => Shape::Polygons(vec![polygon(c)?]),
        "MultiPolygon" => {
            Shape::Polygons(c.as_array().ok_or("应为多边形的数组")?.iter().map(polygon).collect::<Result<_, _>>()?)
        }
        "GeometryCollection" => return Err("不支持 GeometryCollection:请拆分为单独的要素".into()),
        other => return Err(format!("未知的几何类型「{other}」")),
    })
}
