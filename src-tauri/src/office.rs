//! Office files in the desktop app: the roster preview (with the mapping the user may
//! change), the import (with progress events), and the exports. Each command is one call
//! into `jingdi::desk`; the file paths come from the dialog plugin's open/save dialogs.

use crate::{Store, Wire};
use jingdi::desk;
use jingdi::office::roster::{ImportOptions, ImportReport, Preview};
use jingdi::office::{ExportKind, ExportOptions, ExportReport, Format};
use std::ops::ControlFlow;
use tauri::{AppHandle, Emitter, State};
use uuid::Uuid;

/// The event the import sends as rows are written: `{done, total}`.
pub const IMPORT_PROGRESS: &str = "office-import-progress";

#[derive(Clone, serde::Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

/// Reads and checks a roster; changes nothing.
#[tauri::command]
pub async fn office_preview(s: State<'_, Store>, project: Uuid, path: String, options: ImportOptions) -> Wire<Preview> {
    s.read(move |db| desk::office_preview(db, project, &path, &options)).await
}

/// Imports a roster, all rows or none, reporting progress as `office-import-progress`; stops,
/// writing nothing, once `office_import_cancel` is called.
#[tauri::command]
pub async fn office_import(
    app: AppHandle,
    s: State<'_, Store>,
    project: Uuid,
    path: String,
    options: ImportOptions,
) -> Wire<ImportReport> {
    s.write_cancellable(move |db, cancelled| {
        desk::office_import(db, project, &path, &options, |done, total| {
            let _ = app.emit(IMPORT_PROGRESS, Progress { done, total });
            if cancelled() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
    })
    .await
}

/// Asks a running import to stop (it writes nothing: `rule.import.cancelled`).
#[tauri::command]
pub async fn office_import_cancel(s: State<'_, Store>) -> Wire<()> {
    s.cancel().await
}

/// Writes one export to the path chosen in the save dialog.
#[tauri::command]
pub async fn office_export(
    s: State<'_, Store>,
    project: Uuid,
    kind: ExportKind,
    format: Option<Format>,
    path: String,
    options: ExportOptions,
) -> Wire<ExportReport> {
    s.write(move |db| desk::office_export(db, project, kind, format, &path, &options)).await
}

/// The dated file name the save dialog offers for an export.
#[tauri::command]
pub async fn office_file_name(
    s: State<'_, Store>,
    project: Uuid,
    kind: ExportKind,
    format: Format,
    as_of: Option<String>,
    group: Option<String>,
) -> Wire<String> {
    s.read(move |db| desk::office_file_name(db, project, kind, format, as_of, group)).await
}

/// Opens an exported file, or its folder, with the system's program.
#[tauri::command]
pub async fn open_path(s: State<'_, Store>, path: String, folder: bool) -> Wire<()> {
    s.read(move |_db| desk::open_path(&path, folder)).await
}

/// 全区总览: every project in this database side by side.
#[tauri::command]
pub async fn district_overview(s: State<'_, Store>) -> Wire<jingdi::report::district::DistrictOverview> {
    s.read(desk::district_overview).await
}

/// Writes the 全区总览 to the file chosen in the save dialog.
#[tauri::command]
pub async fn district_export(s: State<'_, Store>, path: String) -> Wire<jingdi::office::DistrictExport> {
    s.read(move |db| desk::district_export(db, &path)).await
}
