//! The map page's commands, each one call into the core's `jingdi::desk` map calls
//! through the [`Store`]. File paths come from the dialog plugin's open/save dialogs.

use crate::{Store, Wire};
use jingdi::desk::{self, MapQuery};
use jingdi::map::export::MapExport;
use jingdi::map::import::{ImportOptions, ImportReport, Preview};
use jingdi::map::view::MapView;
use jingdi::report::pace::Pace;
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn map_view(s: State<'_, Store>, input: MapQuery) -> Wire<MapView> {
    s.read(move |db| desk::map_view(db, input)).await
}

#[tauri::command]
pub async fn pace(s: State<'_, Store>, project: Uuid) -> Wire<Pace> {
    s.read(move |db| desk::pace(db, project)).await
}

/// Reads and checks a geometry file; changes nothing.
#[tauri::command]
pub async fn map_preview(s: State<'_, Store>, project: Uuid, path: String, options: ImportOptions) -> Wire<Preview> {
    s.read(move |db| desk::map_preview(db, project, path, options)).await
}

/// Imports a geometry file: every matched record or nothing.
#[tauri::command]
pub async fn map_import(
    s: State<'_, Store>,
    project: Uuid,
    path: String,
    options: ImportOptions,
) -> Wire<ImportReport> {
    s.write(move |db| desk::map_import(db, project, path, options)).await
}

/// Prints the map as shown to the path chosen in the save dialog.
#[tauri::command]
pub async fn map_export(s: State<'_, Store>, input: MapQuery, path: String) -> Wire<MapExport> {
    s.read(move |db| desk::map_export(db, input, path)).await
}
