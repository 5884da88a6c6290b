//! The map page's commands: each one call into the core's `jingdi::desk` map calls. File
//! paths come from the dialog plugin's open/save dialogs in the UI.

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
    s.run(|db| desk::map_view(db, input))
}

#[tauri::command]
pub async fn pace(s: State<'_, Store>, project: Uuid) -> Wire<Pace> {
    s.run(|db| desk::pace(db, project))
}

#[tauri::command]
pub async fn map_preview(s: State<'_, Store>, project: Uuid, path: String, options: ImportOptions) -> Wire<Preview> {
    s.run(|db| desk::map_preview(db, project, path, options))
}

#[tauri::command]
pub async fn map_import(
    s: State<'_, Store>,
    project: Uuid,
    path: String,
    options: ImportOptions,
) -> Wire<ImportReport> {
    s.run(|db| desk::map_import(db, project, path, options))
}

#[tauri::command]
pub async fn map_export(s: State<'_, Store>, input: MapQuery, path: String) -> Wire<MapExport> {
    s.run(|db| desk::map_export(db, input, path))
}
