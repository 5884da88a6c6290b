//! Office files in the desktop app: the roster preview (with the mapping the user may
//! change), the import (with progress events), and the exports. Each command is one call
//! into the core's `jingdi::office`; the file paths come from the dialog plugin's
//! open/save dialogs in the UI.

use crate::{Store, Wire};
use jingdi::error::Error;
use jingdi::office::roster::{self, ImportOptions, ImportReport, Preview};
use jingdi::office::{self, ExportKind, ExportOptions, ExportReport, Format};
use std::path::Path;
use tauri::{AppHandle, Emitter, State};
use uuid::Uuid;

/// The event the import sends as rows are written: `{done, total}`.
pub const IMPORT_PROGRESS: &str = "office-import-progress";

#[derive(Clone, serde::Serialize)]
struct Progress {
    done: usize,
    total: usize,
}

fn operator(db: &jingdi::Db) -> jingdi::Result<String> {
    db.setting(jingdi::desk::OPERATOR)?
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| Error::invalid("operator", "尚未设置操作人:请先在「设置」中填写您的姓名"))
}

/// Reads and checks a roster; changes nothing.
#[tauri::command]
pub async fn office_preview(s: State<'_, Store>, project: Uuid, path: String, options: ImportOptions) -> Wire<Preview> {
    s.run(|db| {
        let p = jingdi::project::get(db.conn(), project)?;
        roster::preview(db.conn(), &p, Path::new(&path), &options)
    })
}

/// Imports a roster, all rows or none, reporting progress as `office-import-progress`.
#[tauri::command]
pub async fn office_import(
    app: AppHandle,
    s: State<'_, Store>,
    project: Uuid,
    path: String,
    options: ImportOptions,
) -> Wire<ImportReport> {
    s.run(|db| {
        let who = operator(db)?;
        let p = jingdi::project::get(db.conn(), project)?;
        let pv = roster::preview(db.conn(), &p, Path::new(&path), &options)?;
        roster::import_previewed(db, &who, &pv, |done, total| {
            let _ = app.emit(IMPORT_PROGRESS, Progress { done, total });
        })
    })
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
    s.run(|db| {
        let p = jingdi::project::get(db.conn(), project)?;
        office::export(db.conn(), &p, kind, format, Path::new(&path), &options)
    })
}
