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
    progress: impl FnMut(usize, usize),
) -> Result<ImportReport> {
    let who = operator(db)?;
    let p = project::get(db.conn(), project)?;
    let pv = roster::preview(db.conn(), &p, Path::new(path), options)?;
    roster::import_previewed(db, &who, &pv, progress)
}

/// Writes one export to `path`.
pub fn office_export(
    db: &Db,
    project: Uuid,
    kind: ExportKind,
    format: Option<Format>,
    path: &str,
    options: &ExportOptions,
) -> Result<ExportReport> {
    let p = project::get(db.conn(), project)?;
    office::export(db.conn(), &p, kind, format, Path::new(path), options)
}
