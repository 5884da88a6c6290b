//! 挂图作战 on the real map: the plot's geometry (parcels of households, utility poles, the
//! boundary), imported from what a land or survey office delivers and kept as records of the
//! operation log, drawn coloured by stage at any date.
//!
//! - [`source::read`] reads GeoJSON or an ESRI Shapefile (with its GBK .dbf and .prj);
//!   [`crs`] knows CGCS2000, its Gauss-Krüger zones and WGS84 ([`tmerc`] projects).
//! - [`import::preview`] converts, checks and matches a file to households or poles and
//!   changes nothing; [`import::import`] writes it in one [`crate::Db::write`].
//! - [`view::map`] is the map as it stood on a date; [`export`] prints it (PNG, PDF, DOCX).

pub mod crs;
pub mod geojson;
pub mod geometry;
pub mod import;
pub mod shapefile;
pub mod source;
pub mod tmerc;

use crate::error::{Error, Result};
use crate::read;
use geometry::Geometry;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The layers of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// One (multi-part) parcel per household.
    #[default]
    Parcels,
    /// One point per utility pole.
    Poles,
    /// The plot's red line (征收范围).
    Boundary,
}

impl Layer {
    pub const ALL: [Layer; 3] = [Layer::Parcels, Layer::Poles, Layer::Boundary];

    pub fn id(self) -> &'static str {
        match self {
            Layer::Parcels => "parcels",
            Layer::Poles => "poles",
            Layer::Boundary => "boundary",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Layer::Parcels => "宗地图斑",
            Layer::Poles => "杆线",
            Layer::Boundary => "地块红线",
        }
    }

    pub fn parse(s: &str) -> Result<Layer> {
        let t = s.trim();
        Layer::ALL.into_iter().find(|l| l.id() == t || l.zh() == t || (t == "宗地" && *l == Layer::Parcels)).ok_or_else(
            || {
                Error::invalid(
                    "layer",
                    format!("未知图层「{t}」:应为 parcels(宗地图斑)、poles(杆线)或 boundary(地块红线)"),
                )
            },
        )
    }
}

/// A stored map record.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: Uuid,
    pub layer: Layer,
    pub household_id: Option<Uuid>,
    pub pole_id: Option<Uuid>,
    pub key_value: String,
    pub geometry: Geometry,
    /// 0.01 m²
    pub area: i64,
    pub source: String,
    pub imported_on: Option<chrono::NaiveDate>,
}

/// The id of the record of `layer` that belongs to `owner` (a household, a pole, or the
/// project itself for the boundary): the same on every laptop, so two laptops importing the
/// same survey edit one record instead of creating two.
pub fn feature_id(project: Uuid, layer: Layer, owner: Uuid) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("jingdi map feature {project} {} {owner}", layer.id()).as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// Every stored map record of a project.
pub fn features(conn: &Connection, project: Uuid) -> Result<Vec<Feature>> {
    let mut stmt = conn.prepare(
        "SELECT id, layer, household_id, pole_id, key_value, geometry, area, source, imported_on
         FROM map_features WHERE project_id = ?1 ORDER BY layer, key_value, id",
    )?;
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok((
            read::uuid(r, 0)?,
            r.get::<_, String>(1)?,
            read::opt_uuid(r, 2)?,
            read::opt_uuid(r, 3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<chrono::NaiveDate>>(8)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, layer, household_id, pole_id, key_value, geometry, area, source, imported_on) = row?;
        let layer = Layer::parse(&layer).map_err(|_| Error::Corrupt(format!("地图记录 {id} 的图层「{layer}」未知")))?;
        let geometry = Geometry::from_json(&geometry)
            .ok_or_else(|| Error::Corrupt(format!("地图记录 {id} 的几何数据无法读取")))?;
        out.push(Feature { id, layer, household_id, pole_id, key_value, geometry, area, source, imported_on });
    }
    Ok(out)
}
