//! The app's map calls: the map page at a date with its filters, the pace card, the import
//! preview and import of a geometry file (path from the open dialog), and printing the map
//! (path from the save dialog). Dates and filters arrive as the form holds them (text).

use super::operator;
use crate::error::Result;
use crate::map::export::{self, MapExport};
use crate::map::import::{self, ImportOptions, ImportReport, Preview};
use crate::map::view::{self, MapFilter, MapView};
use crate::report::pace::{self, Pace};
use crate::{project, Db};
use serde::Deserialize;
use std::path::Path;
use uuid::Uuid;

/// The map page's controls: the date of the slider and the filters, as text ("" = none).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MapQuery {
    pub project: Uuid,
    #[serde(default)]
    pub on: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    /// A stage id.
    #[serde(default)]
    pub stage: Option<String>,
    /// "any" or an obstacle category id.
    #[serde(default)]
    pub obstacle: Option<String>,
}

impl MapQuery {
    fn filter(&self) -> Result<MapFilter> {
        MapFilter::parse(self.on.as_deref(), self.group.as_deref(), self.stage.as_deref(), self.obstacle.as_deref())
    }
}

pub fn map_view(db: &Db, q: MapQuery) -> Result<MapView> {
    view::map(db.conn(), &project::get(db.conn(), q.project)?, &q.filter()?)
}

pub fn pace(db: &Db, project: Uuid) -> Result<Pace> {
    pace::pace(db.conn(), &project::get(db.conn(), project)?)
}

/// Reads and checks a geometry file; changes nothing.
pub fn map_preview(db: &Db, project: Uuid, path: String, options: ImportOptions) -> Result<Preview> {
    import::preview(db.conn(), &project::get(db.conn(), project)?, Path::new(&path), &options)
}

/// Imports a geometry file: every matched record or nothing.
pub fn map_import(db: &mut Db, project: Uuid, path: String, options: ImportOptions) -> Result<ImportReport> {
    let who = operator(db)?;
    let p = project::get(db.conn(), project)?;
    import::import(db, &who, &p, Path::new(&path), &options)
}

/// Prints the map as it is shown (date and filters) to .png, .pdf, .docx or .svg.
pub fn map_export(db: &Db, q: MapQuery, path: String) -> Result<MapExport> {
    export::export(db.conn(), &project::get(db.conn(), q.project)?, &q.filter()?, Path::new(&path))
}
