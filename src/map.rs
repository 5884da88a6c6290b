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
pub mod export;
pub mod geojson;
pub mod geometry;
pub mod import;
pub mod shapefile;
pub mod source;
pub mod tmerc;
pub mod view;

use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use geometry::Geometry;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The layers of the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MapLayer"))]
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

/// The layers' ids, as the schema declares the `layer` field.
pub const LAYER_IDS: &[&str] = &["parcels", "poles", "boundary"];

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
                    format!("未知图层「{t}」：应为 parcels（宗地图斑）、poles（杆线）或 boundary（地块红线）"),
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
    query(conn, "project_id = ?1 ORDER BY layer, key_value, id", &project.to_string())
}

/// One stored map record.
pub fn feature(conn: &Connection, id: Uuid) -> Result<Option<Feature>> {
    Ok(query(conn, "id = ?1", &id.to_string())?.pop())
}

fn query(conn: &Connection, filter: &str, arg: &str) -> Result<Vec<Feature>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, layer, household_id, pole_id, key_value, geometry, area, source, imported_on
         FROM map_features WHERE {filter}"
    ))?;
    let rows = stmt.query_map([arg], |r| {
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

/// What [`put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Created,
    Updated,
    Unchanged,
}

/// Stores the geometry of `owner` (a household for parcels, a pole for poles, the project for
/// the boundary) on `layer`: creates its record, updates what differs, or writes nothing.
#[allow(clippy::too_many_arguments)]
pub fn put(
    tx: &mut Tx,
    project: Uuid,
    layer: Layer,
    owner: Uuid,
    key: &str,
    geometry: &Geometry,
    area: i64,
    source: &str,
) -> Result<Put> {
    let id = feature_id(project, layer, owner);
    let old = feature(tx.conn(), id)?;
    let today = tx.today().to_string();
    let mut f = Fields::new();
    match &old {
        Some(o) if o.geometry == *geometry && o.key_value == key && o.area == area => Ok(Put::Unchanged),
        Some(o) => {
            if o.key_value != key {
                f.put("key_value", key);
            }
            if o.geometry != *geometry {
                f.put("geometry", geometry.to_value());
            }
            if o.area != area {
                f.put("area", area);
            }
            f.put("source", source);
            f.put("imported_on", today);
            tx.update(Entity::MapFeature, id, Some(project), f)?;
            Ok(Put::Updated)
        }
        None => {
            let f = f
                .set("project_id", project.to_string())
                .set("layer", layer.id())
                .set("household_id", (layer == Layer::Parcels).then(|| owner.to_string()))
                .set("pole_id", (layer == Layer::Poles).then(|| owner.to_string()))
                .set("key_value", key)
                .set("geometry", geometry.to_value())
                .set("area", area)
                .set("source", source)
                .set("imported_on", today);
            tx.create(Entity::MapFeature, id, Some(project), f)?;
            Ok(Put::Created)
        }
    }
}
