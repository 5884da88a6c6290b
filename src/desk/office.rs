//! The app's office-file calls (报表与导入): the roster preview, the import with its
//! progress, and the exports. Paths are the ones the user chose in the open/save dialogs.

use super::operator;
use crate::error::Result;
use crate::office::roster::{self, ImportOptions, ImportReport, Preview};
use crate::office::{self, ExportKind, ExportOptions, ExportReport, Format};
use crate::{project, Db};
use std::path::Path;
use uuid::Uuid;

/// Reads and checks a roster against the project; changes nothing.
pub fn office_preview(db: &Db, project: Uuid, path: &str, options: &ImportOptions) -> Result<Preview> {
    let p = project::get(db.conn(), project)?;
    roster::preview(db.conn(), &p, Path::new(path), options)
}

/// Imports a roster, all rows or none, by the operator; `progress(done, total)` follows
/// the rows as they are written.
pub fn office_import(
    db: &mut Db,
    project: Uuid,
    path: &str,
    options: &ImportOptions,
    progress: impl FnMut(usize, usize) -> std::ops::ControlFlow<()>,
) -> Result<ImportReport> {
    let who = operator(db)?;
    let p = project::get(db.conn(), project)?;
    let pv = roster::preview(db.conn(), &p, Path::new(path), options)?;
    roster::import_previewed(db, &who, &pv, progress)
}

/// Writes one export to `path`; an export of personal data is recorded under the operator.
pub fn office_export(
    db: &mut Db,
    project: Uuid,
    kind: ExportKind,
    format: Option<Format>,
    path: &str,
    options: &ExportOptions,
) -> Result<ExportReport> {
    let who = if kind.personal() { operator(db)? } else { String::new() };
    let p = project::get(db.conn(), project)?;
    office::export_recorded(db, &who, &p, kind, format, Path::new(path), options)
}

/// The name the save dialog offers for an export (see [`office::file_name`]): dated with the
/// as-of date asked for, else the project's.
pub fn office_file_name(
    db: &Db,
    project: Uuid,
    kind: ExportKind,
    format: Format,
    as_of: Option<String>,
    group: Option<String>,
) -> Result<String> {
    let p = project::get(db.conn(), project)?;
    let asked = crate::units::parse_opt_date("as_of", as_of.as_deref())?;
    Ok(office::file_name(&p, kind, format, project::asked_as_of(&p, asked)?, group.as_deref()))
}

/// Opens a file the app wrote (an export) with the system's program for it, or the folder
/// it is in (`folder`). `$JINGDI_OPENER` names another program to use (tests record the call).
pub fn open_path(path: &str, folder: bool) -> Result<()> {
    let opener = std::env::var("JINGDI_OPENER").ok().filter(|o| !o.trim().is_empty()).unwrap_or_else(|| {
        if cfg!(target_os = "windows") {
            "explorer".into()
        } else if cfg!(target_os = "macos") {
            "open".into()
        } else {
            "xdg-open".into()
        }
    });
    open_path_with(&opener, path, folder)
}

/// [`open_path`] with the opening program named.
pub fn open_path_with(opener: &str, path: &str, folder: bool) -> Result<()> {
    let file = Path::new(path);
    if !file.exists() {
        return Err(crate::error::Error::invalid("path", format!("文件「{path}」不存在，可能已被移动或删除")));
    }
    let target = if folder { file.parent().unwrap_or(file) } else { file };
    let child = std::process::Command::new(opener)
        .arg(target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| {
            crate::error::Error::invalid("path", format!("无法用「{opener}」打开「{}」：{e}", target.display()))
        })?;
    // Reaped in the background: the opener may outlive the call (a file manager).
    let mut child = child;
    std::thread::spawn(move || child.wait());
    Ok(())
}

/// 全区总览: every project in this database side by side.
pub fn district_overview(db: &Db) -> Result<crate::report::district::DistrictOverview> {
    crate::report::district::overview(db.conn())
}

/// Writes the 全区总览 to `path` (.xlsx; .csv by the file name).
pub fn district_export(db: &Db, path: &str) -> Result<office::DistrictExport> {
    office::export_district(db.conn(), None, Path::new(path))
}
