//! Evidence: photos and scanned documents attached to the records of a project.
//!
//! - [`store`] keeps each file once, named by its SHA-256, beside the database; the log
//!   holds only the attachment's metadata (an [`Entity::Attachment`] record), so a bundle of
//!   operations does not grow by the size of a photo.
//! - [`sniff`] checks a file is what its name says, whole and within the size limit;
//!   [`media`] decodes photos (the check that they are not broken), reads EXIF time and GPS
//!   and makes the thumbnail and viewer copies, kept in the store.
//! - [`transport`] moves files between laptops by hash (the sync folder implements it).
//!
//! An attachment is never edited; it is withdrawn with a reason, and its file stays.

pub mod heif;
pub mod media;
pub mod sniff;
pub mod store;
pub mod transport;

use crate::db::Db;
use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::vocab::{AttachTarget, AttachmentKind};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use sniff::FileFormat;
use std::path::Path;
pub use store::{ContentHash, Rendition, Store};
use uuid::Uuid;

/// The store of this database's files.
pub fn store_of(db: &Db) -> Store {
    Store::beside(db.path())
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Attachment {
    pub id: Uuid,
    pub project_id: Uuid,
    /// The household the record belongs to (a visit's, an item's), if any.
    pub household_id: Option<Uuid>,
    pub target: AttachTarget,
    pub target_id: Uuid,
    pub kind: AttachmentKind,
    pub sha256: ContentHash,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub size: i64,
    pub format: FileFormat,
    pub media_type: String,
    pub file_name: String,
    /// When the photo was taken, from its EXIF (`YYYY-MM-DDTHH:MM:SS`, offset if recorded).
    pub taken_at: Option<String>,
    /// GPS position from EXIF, in 1e-7 degrees.
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub latitude_e7: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub longitude_e7: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub width: Option<i64>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub height: Option<i64>,
    pub note: String,
    pub attached_by: String,
    /// The instant it was attached (RFC 3339, UTC).
    pub attached_at: String,
    pub withdrawn: bool,
    pub withdrawn_reason: Option<String>,
    pub withdrawn_by: Option<String>,
    pub withdrawn_on: Option<String>,
}

/// Files to attach to one record, with their kind.
pub struct NewAttachments<'a> {
    pub target: AttachTarget,
    pub target_id: Uuid,
    pub kind: AttachmentKind,
    pub note: &'a str,
    /// (file name, bytes), as read from disk or dropped on the app.
    pub files: &'a [(String, Vec<u8>)],
}

/// The project and household a target record belongs to; refuses a record that is not there.
pub fn resolve_target(conn: &Connection, target: AttachTarget, id: Uuid) -> Result<(Uuid, Option<Uuid>)> {
    let sql = match target {
        AttachTarget::Household => "SELECT project_id, id FROM households WHERE id = ?1",
        AttachTarget::Visit => {
            "SELECT h.project_id, h.id FROM visits v JOIN households h ON h.id = v.household_id WHERE v.id = ?1"
        }
        AttachTarget::InventoryItem => {
            "SELECT h.project_id, h.id FROM inventory_items i JOIN households h ON h.id = i.household_id WHERE i.id = ?1"
        }
        AttachTarget::CompensationItem => {
            "SELECT h.project_id, h.id FROM compensation_items c JOIN households h ON h.id = c.household_id
             WHERE c.id = ?1"
        }
        AttachTarget::Pole => "SELECT project_id, NULL FROM poles WHERE id = ?1",
        AttachTarget::Obstacle => "SELECT project_id, household_id FROM obstacles WHERE id = ?1",
        AttachTarget::DemolitionLog => "SELECT project_id, NULL FROM demolition_logs WHERE id = ?1",
    };
    conn.query_row(sql, [id.to_string()], |r| Ok((crate::read::uuid(r, 0)?, crate::read::opt_uuid(r, 1)?)))
        .optional()?
        .ok_or_else(|| Error::not_found(target.zh(), id.to_string()))
}

/// A file checked and decoded, ready to be stored and recorded.
pub struct Checked {
    pub format: FileFormat,
    pub hash: ContentHash,
    pub facts: media::PhotoFacts,
    pub renditions: Option<media::Renditions>,
}

/// Everything that can refuse a file, before anything is stored: size, format against the
/// name, a photo that does not decode.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<Checked> {
    let format = sniff::check(name, bytes)?;
    let renditions = media::render(format, name, bytes)?;
    let facts = if format.is_photo() { media::photo_facts(bytes) } else { media::PhotoFacts::default() };
    Ok(Checked { format, hash: ContentHash::of(bytes), facts, renditions })
}

/// Stores a checked file and its renditions. Files go in before the record is written:
/// a refused write leaves at most an object no record names, never a record without its file.
pub fn store_file(store: &Store, c: &Checked, bytes: &[u8]) -> Result<()> {
    store.put(bytes)?;
    if let Some(r) = &c.renditions {
        store.put_rendition(&c.hash, Rendition::Thumb, &r.thumb)?;
        store.put_rendition(&c.hash, Rendition::View, &r.view)?;
    }
    Ok(())
}

/// Records the attachment of one checked, stored file.
pub fn record(tx: &mut Tx, a: &NewAttachments, name: &str, size: usize, c: &Checked) -> Result<Uuid> {
    let (project, household) = resolve_target(tx.conn(), a.target, a.target_id)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("file_name", "文件名不能为空"));
    }
    let same: Option<String> = tx
        .conn()
        .query_row(
            "SELECT file_name FROM attachments WHERE target_id = ?1 AND sha256 = ?2 AND withdrawn = 0",
            [a.target_id.to_string(), c.hash.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(existing) = same {
        return Err(Error::rule(
            "attachment.duplicate",
            format!("同一文件已附加在这条{}上（「{existing}」），不必重复附加", a.target.zh()),
        ));
    }
    let id = tx.new_id();
    let now = tx.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (w, h) = match &c.renditions {
        Some(r) => (Some(r.width as i64), Some(r.height as i64)),
        None => (None, None),
    };
    let f = Fields::new()
        .set("project_id", project.to_string())
        .set("household_id", household.map(|h| h.to_string()))
        .set("target", a.target.id())
        .set("target_id", a.target_id.to_string())
        .set("kind", a.kind.id())
        .set("sha256", c.hash.to_string())
        .set("size", size as i64)
        .set("media_type", c.format.media_type())
        .set("file_name", name)
        .set("taken_at", c.facts.taken_at.clone())
        .set("latitude_e7", c.facts.latitude_e7)
        .set("longitude_e7", c.facts.longitude_e7)
        .set("width", w)
        .set("height", h)
        .set("note", a.note.trim())
        .set("attached_by", tx.author().to_string())
        .set("attached_at", now);
    tx.create(Entity::Attachment, id, Some(project), f)?;
    Ok(id)
}

/// Checks, stores and records files in one go (the CLI and the app): all of them or none.
/// Every file is checked, and the target, before anything is stored.
pub fn attach(db: &mut Db, author: &str, a: &NewAttachments) -> Result<Vec<Attachment>> {
    if a.files.is_empty() {
        return Err(Error::invalid("file", "没有选择要附加的文件"));
    }
    let checked: Vec<Checked> = a.files.iter().map(|(name, bytes)| check_file(name, bytes)).collect::<Result<_>>()?;
    for (i, c) in checked.iter().enumerate() {
        if let Some(j) = checked[..i].iter().position(|o| o.hash == c.hash) {
            return Err(Error::rule(
                "attachment.duplicate",
                format!("「{}」与「{}」是同一个文件，不必重复附加", a.files[i].0, a.files[j].0),
            ));
        }
    }
    resolve_target(db.conn(), a.target, a.target_id)?;
    let store = store_of(db);
    for (c, (_, bytes)) in checked.iter().zip(a.files) {
        store_file(&store, c, bytes)?;
    }
    let ids = db.write(author, |tx| {
        checked
            .iter()
            .zip(a.files)
            .map(|(c, (name, bytes))| record(tx, a, name, bytes.len(), c))
            .collect::<Result<Vec<_>>>()
    })?;
    ids.into_iter().map(|id| get(db.conn(), id)).collect()
}

/// Reads a file from disk for attaching, refusing one over the limit before reading it.
pub fn read_source(path: &Path) -> Result<(String, Vec<u8>)> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let meta =
        std::fs::metadata(path).map_err(|e| Error::invalid("file", format!("无法读取「{}」：{e}", path.display())))?;
    if !meta.is_file() {
        return Err(Error::invalid("file", format!("「{}」不是文件", path.display())));
    }
    if meta.len() > sniff::MAX_FILE_BYTES {
        return Err(Error::invalid(
            "file",
            format!(
                "「{name}」有 {:.1} MB，超过了附件的上限 {} MB",
                meta.len() as f64 / 1048576.0,
                sniff::MAX_FILE_BYTES / 1048576
            ),
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| Error::invalid("file", format!("无法读取「{}」：{e}", path.display())))?;
    Ok((name, bytes))
}

/// Withdraws an attachment (attached to the wrong record, the wrong file): the record stays,
/// marked, with who, when and why; the file stays in the store.
pub fn withdraw(tx: &mut Tx, id: Uuid, reason: &str, on: chrono::NaiveDate) -> Result<()> {
    let a = get(tx.conn(), id)?;
    if a.withdrawn {
        return Err(Error::rule("attachment.already_withdrawn", format!("附件「{}」已经撤回", a.file_name)));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule("attachment.withdraw_needs_reason", "撤回附件必须写明原因（文件仍保留备查）"));
    }
    tx.with_reason(Some(reason));
    let author = tx.author().to_string();
    tx.update(
        Entity::Attachment,
        id,
        Some(a.project_id),
        Fields::new()
            .set("withdrawn", 1)
            .set("withdrawn_reason", reason)
            .set("withdrawn_by", author)
            .set("withdrawn_on", on.to_string()),
    )?;
    tx.with_reason(None);
    Ok(())
}

const COLUMNS: &str = "id, project_id, household_id, target, target_id, kind, sha256, size, media_type, file_name,
    taken_at, latitude_e7, longitude_e7, width, height, note, attached_by, attached_at, withdrawn,
    withdrawn_reason, withdrawn_by, withdrawn_on";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Attachment> {
    let media_type: String = r.get(8)?;
    let bad = || rusqlite::Error::FromSqlConversionFailure(8, rusqlite::types::Type::Text, "unknown media type".into());
    let hash: String = r.get(6)?;
    Ok(Attachment {
        id: crate::read::uuid(r, 0)?,
        project_id: crate::read::uuid(r, 1)?,
        household_id: crate::read::opt_uuid(r, 2)?,
        target: crate::read::vocab(r, 3, AttachTarget::parse)?,
        target_id: crate::read::uuid(r, 4)?,
        kind: crate::read::vocab(r, 5, AttachmentKind::parse)?,
        sha256: ContentHash::parse(&hash).map_err(|_| bad())?,
        size: r.get(7)?,
        format: FileFormat::from_media_type(&media_type).ok_or_else(bad)?,
        media_type,
        file_name: r.get(9)?,
        taken_at: r.get(10)?,
        latitude_e7: r.get(11)?,
        longitude_e7: r.get(12)?,
        width: r.get(13)?,
        height: r.get(14)?,
        note: r.get(15)?,
        attached_by: r.get(16)?,
        attached_at: r.get(17)?,
        withdrawn: r.get(18)?,
        withdrawn_reason: r.get(19)?,
        withdrawn_by: r.get(20)?,
        withdrawn_on: r.get(21)?,
    })
}

fn query(conn: &Connection, filter: &str, key: &str) -> Result<Vec<Attachment>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM attachments WHERE {filter} ORDER BY attached_at, id"))?;
    let rows = stmt.query_map([key], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Attachment> {
    query(conn, "id = ?1", &id.to_string())?.pop().ok_or_else(|| Error::not_found("附件", id.to_string()))
}

/// Everything attached to a household and to its visits, items and obstacles.
pub fn for_household(conn: &Connection, household: Uuid) -> Result<Vec<Attachment>> {
    query(conn, "household_id = ?1", &household.to_string())
}

/// What is attached to one record.
pub fn for_target(conn: &Connection, target_id: Uuid) -> Result<Vec<Attachment>> {
    query(conn, "target_id = ?1", &target_id.to_string())
}

pub fn for_project(conn: &Connection, project: Uuid) -> Result<Vec<Attachment>> {
    query(conn, "project_id = ?1", &project.to_string())
}

/// The files a project's attachments name (withdrawn ones too: their files are kept).
pub fn referenced(conn: &Connection, project: Uuid) -> Result<Vec<ContentHash>> {
    let mut stmt = conn.prepare("SELECT DISTINCT sha256 FROM attachments WHERE project_id = ?1 ORDER BY sha256")?;
    let rows = stmt.query_map([project.to_string()], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for h in rows {
        out.push(ContentHash::parse(&h?)?);
    }
    Ok(out)
}

/// Files named by the project's attachments that this laptop does not hold yet (synced
/// operations arrive before their files).
pub fn missing(conn: &Connection, store: &Store, project: Uuid) -> Result<Vec<ContentHash>> {
    Ok(referenced(conn, project)?.into_iter().filter(|h| !store.has(h)).collect())
}

/// The thumbnail or viewer copy of a photo, made (and kept) if this laptop has none yet;
/// `None` for a file that has no picture here (a PDF; a HEIC photo where libheif is missing).
pub fn rendition(store: &Store, a: &Attachment, r: Rendition) -> Result<Option<Vec<u8>>> {
    if !media::can_render(a.format) {
        return Ok(None);
    }
    if let Some(b) = store.read_rendition(&a.sha256, r)? {
        return Ok(Some(b));
    }
    let bytes = store.read(&a.sha256)?;
    let Some(made) = media::render(a.format, &a.file_name, &bytes)? else { return Ok(None) };
    store.put_rendition(&a.sha256, Rendition::Thumb, &made.thumb)?;
    store.put_rendition(&a.sha256, Rendition::View, &made.view)?;
    Ok(Some(match r {
        Rendition::Thumb => made.thumb,
        Rendition::View => made.view,
    }))
}

/// Copies an attachment's original file out of the store (checked against its hash).
pub fn save_copy(store: &Store, a: &Attachment, to: &Path) -> Result<u64> {
    let bytes = store.read(&a.sha256)?;
    // Whole or not at all, like every export.
    crate::office::save(to, &bytes)?;
    Ok(bytes.len() as u64)
}
