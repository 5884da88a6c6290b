//! Reading a geometry file into features with their attributes, in the file's own
//! coordinates: GeoJSON (`geojson.rs`) or an ESRI Shapefile (`shapefile.rs`). Every reader
//! has limits and refuses a wrong file with a message naming the file and the problem.

use super::crs::Crs;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Limits every reader enforces. A plot has hundreds to a few thousand parcels; a district
/// office's largest delivery stays well inside these.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
pub const MAX_FEATURES: usize = 20_000;
pub const MAX_VERTICES_PER_FEATURE: usize = 20_000;
pub const MAX_VERTICES: usize = 2_000_000;
pub const MAX_FIELDS: usize = 255;

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// No geometry (a Null shape, `"geometry": null`).
    Empty,
    Point(f64, f64),
    /// Several points (a MultiPoint): a pole layer wants exactly one.
    Points(Vec<(f64, f64)>),
    /// Lines (a PolyLine / LineString): a closed one may stand for a boundary.
    Lines(Vec<Vec<(f64, f64)>>),
    /// Polygons, each its rings with the outer first.
    Polygons(Vec<Vec<Vec<(f64, f64)>>>),
}

impl Shape {
    pub fn vertices(&self) -> usize {
        match self {
            Shape::Empty => 0,
            Shape::Point(..) => 1,
            Shape::Points(p) => p.len(),
            Shape::Lines(l) => l.iter().map(Vec::len).sum(),
            Shape::Polygons(p) => p.iter().flatten().map(Vec::len).sum(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct RawFeature {
    /// 1-based position in the file (the record number of a Shapefile).
    pub index: usize,
    /// Values by field, in the order of [`SourceData::fields`]; numbers as written.
    pub values: Vec<String>,
    pub shape: Shape,
    /// A problem reading this one record (deleted in the .dbf, ...): reported, not imported.
    pub problem: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SourceData {
    pub format: &'static str,
    pub crs: Option<Crs>,
    /// Where the CRS came from: ".prj 文件", "GeoJSON 的 crs 成员", "GeoJSON 默认 (RFC 7946)".
    pub crs_source: String,
    /// The attribute table's encoding, when the format has a choice (Shapefile .dbf).
    pub encoding: Option<String>,
    pub fields: Vec<String>,
    pub features: Vec<RawFeature>,
}

pub(crate) fn file_err(path: &Path, message: impl std::fmt::Display) -> Error {
    Error::invalid("file", format!("{}: {message}", path.display()))
}

pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path).map_err(|e| file_err(path, format!("无法读取（{e}）")))?;
    if !meta.is_file() {
        return Err(file_err(path, "不是文件"));
    }
    if meta.len() > limit {
        return Err(file_err(path, format!("文件过大（{} MB），上限 {} MB", meta.len() >> 20, limit >> 20)));
    }
    std::fs::read(path).map_err(|e| file_err(path, format!("无法读取（{e}）")))
}

/// A sibling of `path` with another extension, matched regardless of case (.DBF, .Prj).
pub(crate) fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    let stem = path.file_stem()?.to_string_lossy().to_string();
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let exact = dir.join(format!("{stem}.{ext}"));
    if exact.is_file() {
        return Some(exact);
    }
    std::fs::read_dir(dir).ok()?.flatten().map(|e| e.path()).find(|p| {
        p.file_stem().map(|s| s.to_string_lossy() == stem).unwrap_or(false)
            && p.extension().is_some_and(|e| e.to_string_lossy().eq_ignore_ascii_case(ext))
    })
}

/// Reads a geometry file by its extension: .geojson/.json, or .shp (with its .dbf, .prj).
pub fn read(path: &Path) -> Result<SourceData> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let data = match ext.as_str() {
        "geojson" | "json" => super::geojson::read(path)?,
        "shp" => super::shapefile::read(path)?,
        "dbf" | "prj" | "shx" | "cpg" => match sibling(path, "shp") {
            Some(shp) => super::shapefile::read(&shp)?,
            None => return Err(file_err(path, "找不到同名的 .shp 文件；请选择 .shp 文件")),
        },
        "zip" | "rar" | "7z" => return Err(file_err(path, "是压缩包：请先解压，再选择其中的 .shp 或 .geojson 文件")),
        "dwg" | "dxf" | "mdb" | "gdb" | "kml" | "kmz" => {
            return Err(file_err(
                path,
                format!("是 .{ext} 格式，不能直接导入：请由测绘单位导出为 Shapefile（.shp/.dbf/.prj）或 GeoJSON"),
            ))
        }
        _ => return Err(file_err(path, "不是可导入的格式：应为 GeoJSON（.geojson/.json）或 Shapefile(.shp)")),
    };
    check_limits(path, &data)?;
    Ok(data)
}

fn check_limits(path: &Path, data: &SourceData) -> Result<()> {
    if data.features.len() > MAX_FEATURES {
        return Err(file_err(path, format!("要素过多（{} 个），上限 {MAX_FEATURES} 个", data.features.len())));
    }
    let mut total = 0usize;
    for f in &data.features {
        let n = f.shape.vertices();
        if n > MAX_VERTICES_PER_FEATURE {
            return Err(file_err(path, format!("第 {} 个要素有 {n} 个顶点，上限 {MAX_VERTICES_PER_FEATURE}", f.index)));
        }
        total += n;
    }
    if total > MAX_VERTICES {
        return Err(file_err(path, format!("顶点总数 {total} 超过上限 {MAX_VERTICES}")));
    }
    Ok(())
}
