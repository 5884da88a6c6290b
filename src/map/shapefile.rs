//! ESRI Shapefile: the geometry (.shp), its attribute table (.dbf, GBK as Chinese offices
//! write it, or what the .cpg or the table's language byte declares) and its coordinate
//! system (.prj). Every count and length in the files is checked against the bytes that are
//! there before anything is allocated from it.

use super::crs::Crs;
use super::source::{file_err, read_limited, sibling, RawFeature, Shape, SourceData, MAX_FIELDS, MAX_FILE_BYTES};
use crate::error::Result;
use std::path::Path;

pub fn read(shp_path: &Path) -> Result<SourceData> {
    let shp = read_limited(shp_path, MAX_FILE_BYTES)?;
    let shapes = read_shp(&shp).map_err(|m| file_err(shp_path, m))?;
    let dbf_path = sibling(shp_path, "dbf").ok_or_else(|| {
        file_err(shp_path, "缺少同名的 .dbf 属性表文件（Shapefile 由 .shp、.dbf、.prj 等文件一起组成）")
    })?;
    let dbf = read_limited(&dbf_path, MAX_FILE_BYTES)?;
    let cpg = match sibling(shp_path, "cpg") {
        Some(p) => Some(String::from_utf8_lossy(&read_limited(&p, 1024)?).trim().to_string()),
        None => None,
    };
    let table = read_dbf(&dbf, cpg.as_deref()).map_err(|m| file_err(&dbf_path, m))?;
    if table.records.len() != shapes.len() {
        return Err(file_err(
            &dbf_path,
            format!("属性表有 {} 条记录，而 .shp 有 {} 个图形：两个文件不配套", table.records.len(), shapes.len()),
        ));
    }
    let (crs, crs_source) = match sibling(shp_path, "prj") {
        Some(p) => {
            let bytes = read_limited(&p, 64 * 1024)?;
            let text = String::from_utf8_lossy(&bytes);
            (Some(Crs::from_wkt(&text)?), ".prj 文件".to_string())
        }
        None => (None, "缺少 .prj 文件".to_string()),
    };
    let features = shapes
        .into_iter()
        .zip(table.records)
        .enumerate()
        .map(|(i, (shape, rec))| RawFeature {
            index: i + 1,
            problem: rec.deleted.then(|| "属性表中该记录已标记删除".to_string()),
            values: rec.values,
            shape,
        })
        .collect();
    Ok(SourceData {
        format: "ESRI Shapefile",
        crs,
        crs_source,
        encoding: Some(table.encoding),
        fields: table.fields,
        features,
    })
}

fn be_i32(b: &[u8], at: usize) -> i32 {
    i32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
fn le_i32(b: &[u8], at: usize) -> i32 {
    i32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes"))
}
fn le_f64(b: &[u8], at: usize) -> f64 {
    f64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

fn read_shp(b: &[u8]) -> std::result::Result<Vec<Shape>, String> {
    if b.len() < 100 || be_i32(b, 0) != 9994 {
        return Err("不是 Shapefile 的 .shp 文件（文件头不对）".into());
    }
    if le_i32(b, 28) != 1000 {
        return Err("不支持的 .shp 版本".into());
    }
    let declared = be_i32(b, 24) as i64 * 2;
    if declared != b.len() as i64 {
        return Err(format!(
            "文件长度与文件头不符（文件头 {declared} 字节，实际 {} 字节）：文件不完整或已损坏",
            b.len()
        ));
    }
    let mut shapes = Vec::new();
    let mut at = 100;
    while at < b.len() {
        if at + 8 > b.len() {
            return Err(format!("第 {} 条记录的记录头不完整", shapes.len() + 1));
        }
        let n = shapes.len() + 1;
        let len = be_i32(b, at + 4) as i64 * 2;
        if len < 4 || at as i64 + 8 + len > b.len() as i64 {
            return Err(format!("第 {n} 条记录的长度 {len} 超出文件范围：文件已损坏"));
        }
        let rec = &b[at + 8..at + 8 + len as usize];
        shapes.push(read_record(rec).map_err(|m| format!("第 {n} 条记录：{m}"))?);
        if shapes.len() > super::source::MAX_FEATURES {
            return Err(format!("图形过多，上限 {} 个", super::source::MAX_FEATURES));
        }
        at += 8 + len as usize;
    }
    Ok(shapes)
}

fn read_record(r: &[u8]) -> std::result::Result<Shape, String> {
    let kind = le_i32(r, 0);
    let need = |n: usize| if r.len() < n { Err("记录内容不完整".to_string()) } else { Ok(()) };
    match kind {
        0 => Ok(Shape::Empty),
        1 | 11 | 21 => {
            need(20)?;
            Ok(Shape::Point(le_f64(r, 4), le_f64(r, 12)))
        }
        8 | 18 | 28 => {
            need(40)?;
            let n = le_i32(r, 36);
            if n < 0 || 40 + n as usize * 16 > r.len() {
                return Err(format!("点数 {n} 与记录长度不符"));
            }
            Ok(Shape::Points((0..n as usize).map(|i| (le_f64(r, 40 + i * 16), le_f64(r, 48 + i * 16))).collect()))
        }
        3 | 13 | 23 | 5 | 15 | 25 => {
            need(44)?;
            let (parts, points) = (le_i32(r, 36), le_i32(r, 40));
            if parts < 0 || points < 0 || 44 + parts as usize * 4 + points as usize * 16 > r.len() {
                return Err(format!("部分数 {parts}、点数 {points} 与记录长度不符"));
            }
            let (parts, points) = (parts as usize, points as usize);
            let base = 44 + parts * 4;
            let mut starts: Vec<usize> = Vec::with_capacity(parts);
            for i in 0..parts {
                let s = le_i32(r, 44 + i * 4);
                if s < 0 || s as usize > points || starts.last().is_some_and(|l| *l > s as usize) {
                    return Err(format!("第 {} 部分的起点 {s} 不正确", i + 1));
                }
                starts.push(s as usize);
            }
            let rings: Vec<Vec<(f64, f64)>> = (0..parts)
                .map(|i| {
                    let end = starts.get(i + 1).copied().unwrap_or(points);
                    (starts[i]..end).map(|k| (le_f64(r, base + k * 16), le_f64(r, base + k * 16 + 8))).collect()
                })
                .collect();
            if kind % 10 == 3 {
                return Ok(Shape::Lines(rings));
            }
            Ok(Shape::Polygons(group_rings(rings)))
        }
        31 => Err("不支持多面体（MultiPatch）图形".into()),
        other => Err(format!("未知的图形类型 {other}")),
    }
}

/// A Shapefile polygon lists rings only: outer rings run clockwise, holes counter-clockwise.
/// Each hole goes with the outer ring that contains its first point.
fn group_rings(rings: Vec<Vec<(f64, f64)>>) -> Vec<Vec<Vec<(f64, f64)>>> {
    let area2 = |r: &[(f64, f64)]| -> f64 { r.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum() };
    let mut polys: Vec<Vec<Vec<(f64, f64)>>> = Vec::new();
    let mut holes = Vec::new();
    for r in rings {
        if area2(&r) <= 0.0 {
            polys.push(vec![r]);
        } else {
            holes.push(r);
        }
    }
    for h in holes {
        let p = h[0];
        let inside = |outer: &[(f64, f64)]| {
            let mut c = false;
            for w in outer.windows(2) {
                let ((x1, y1), (x2, y2)) = (w[0], w[1]);
                if (y1 > p.1) != (y2 > p.1) && p.0 < (x2 - x1) * (p.1 - y1) / (y2 - y1) + x1 {
                    c = !c;
                }
            }
            c
        };
        match polys.iter_mut().find(|poly| inside(&poly[0])) {
            Some(poly) => poly.push(h),
            // A counter-clockwise ring with no outer ring: written the other way round.
            None => polys.push(vec![h]),
        }
    }
    polys
}

struct Table {
    fields: Vec<String>,
    records: Vec<Record>,
    encoding: String,
}

struct Record {
    deleted: bool,
    values: Vec<String>,
}

fn read_dbf(b: &[u8], cpg: Option<&str>) -> std::result::Result<Table, String> {
    if b.len() < 33 || !matches!(b[0] & 0x07, 0x03..=0x05) && b[0] != 0x30 && b[0] != 0x31 {
        return Err("不是 dBASE 属性表（.dbf）文件".into());
    }
    let count = u32::from_le_bytes(b[4..8].try_into().expect("4 bytes")) as usize;
    let header_len = u16::from_le_bytes([b[8], b[9]]) as usize;
    let record_len = u16::from_le_bytes([b[10], b[11]]) as usize;
    if header_len < 33 || header_len > b.len() || record_len == 0 {
        return Err("属性表文件头已损坏".into());
    }
    if header_len as u64 + count as u64 * record_len as u64 > b.len() as u64 {
        return Err(format!("属性表声明 {count} 条记录，但文件不完整"));
    }
    // Field descriptors: 32 bytes each, ended by 0x0D.
    let mut specs: Vec<(Vec<u8>, u8, usize)> = Vec::new();
    let mut at = 32;
    while at + 32 <= header_len && b[at] != 0x0D {
        let name: Vec<u8> = b[at..at + 11].iter().take_while(|c| **c != 0).copied().collect();
        specs.push((name, b[at + 11], b[at + 16] as usize));
        if specs.len() > MAX_FIELDS {
            return Err("属性字段过多".into());
        }
        at += 32;
    }
    if 1 + specs.iter().map(|s| s.2).sum::<usize>() > record_len {
        return Err("字段宽度之和超过记录长度：属性表已损坏".into());
    }
    let encoding = pick_encoding(b, cpg, &specs, header_len, count, record_len)?;
    let decode = |bytes: &[u8]| -> String {
        let (t, _, _) = encoding.decode(bytes);
        t.trim_matches(|c: char| c == ' ' || c == '\0').to_string()
    };
    let fields: Vec<String> = specs.iter().map(|(n, _, _)| decode(n)).collect();
    let mut records = Vec::with_capacity(count);
    for i in 0..count {
        let r = &b[header_len + i * record_len..header_len + (i + 1) * record_len];
        let mut off = 1;
        let values = specs
            .iter()
            .map(|(_, kind, len)| {
                let raw = &r[off..off + len];
                off += len;
                let v = decode(raw);
                match kind {
                    b'D' if v.len() == 8 => format!("{}-{}-{}", &v[..4], &v[4..6], &v[6..]),
                    _ => v,
                }
            })
            .collect();
        records.push(Record { deleted: r[0] == b'*', values });
    }
    let name = if encoding == encoding_rs::GB18030 { "GBK" } else { encoding.name() };
    Ok(Table { fields, records, encoding: name.to_string() })
}

/// The .cpg if there is one, else the language byte (0x4D, 0x7A: code page 936), else UTF-8
/// when every text byte of the table is valid UTF-8, else GBK.
fn pick_encoding(
    b: &[u8],
    cpg: Option<&str>,
    specs: &[(Vec<u8>, u8, usize)],
    header_len: usize,
    count: usize,
    record_len: usize,
) -> std::result::Result<&'static encoding_rs::Encoding, String> {
    if let Some(c) = cpg.filter(|c| !c.is_empty()) {
        let norm = c.to_ascii_lowercase().replace(['-', '_', ' '], "");
        return match norm.as_str() {
            "utf8" | "65001" => Ok(encoding_rs::UTF_8),
            "gbk" | "936" | "cp936" | "gb2312" | "gb18030" | "ansi936" | "windows936" => Ok(encoding_rs::GB18030),
            _ => encoding_rs::Encoding::for_label(c.as_bytes())
                .ok_or_else(|| format!("同名 .cpg 文件声明的编码「{c}」无法识别")),
        };
    }
    if matches!(b[29], 0x4D | 0x7A) {
        return Ok(encoding_rs::GB18030);
    }
    let names_utf8 = specs.iter().all(|(n, _, _)| std::str::from_utf8(n).is_ok());
    let body = &b[header_len..header_len + count * record_len];
    if names_utf8 && std::str::from_utf8(body).is_ok() {
        Ok(encoding_rs::UTF_8)
    } else {
        Ok(encoding_rs::GB18030)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_headers_are_refused_without_panic() {
        assert!(read_shp(b"").is_err());
        let mut h = vec![0u8; 100];
        h[0..4].copy_from_slice(&9994i32.to_be_bytes());
        h[24..28].copy_from_slice(&50i32.to_be_bytes());
        h[28..32].copy_from_slice(&1000i32.to_le_bytes());
        assert_eq!(read_shp(&h).unwrap(), vec![]);
        // A record claiming far more points than it holds.
        let mut rec = vec![0u8; 44];
        rec[0..4].copy_from_slice(&5i32.to_le_bytes());
        rec[36..40].copy_from_slice(&1i32.to_le_bytes());
        rec[40..44].copy_from_slice(&i32::MAX.to_le_bytes());
        assert!(read_record(&rec).unwrap_err().contains("点数"));
        assert!(read_dbf(&[0u8; 10], None).is_err());
    }
}
