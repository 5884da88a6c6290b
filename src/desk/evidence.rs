//! The app's calls for evidence (a household's 资料 tab, attaching on any record, the
//! viewer) and for the one search box. Pictures cross IPC as data URLs of the store's
//! renditions (a thumbnail of a few kilobytes; the viewer's copy at most 1600 px), so the
//! page needs no file access and the content-security policy stays as it is.

use super::{operator, Db};
use crate::error::{Error, Result};
use crate::evidence::sniff::FileFormat;
use crate::evidence::{self, Attachment, NewAttachments, Rendition};
use crate::search::{self, SearchHit};
use crate::vocab::{AttachTarget, AttachmentKind};
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::path::Path;
use uuid::Uuid;

/// What the app can show of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Preview {
    /// A JPEG, PNG or HEIC photo: `thumb` is set.
    Image,
    /// A HEIC photo on a machine without libheif: stored and its EXIF read, a placeholder.
    Heic,
    /// A PDF or office file: an icon; "save a copy" opens it elsewhere.
    Document,
    /// The record arrived by sync, its file not yet: sync files.
    Missing,
    /// The file on this laptop does not match its SHA-256: sync again.
    Damaged,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachmentTile {
    pub attachment: Attachment,
    pub preview: Preview,
    /// `data:image/jpeg;base64,…` when `preview` is `image`.
    pub thumb: Option<String>,
    /// The record it is attached to, as the household page names it ("走访 2022-06-21").
    pub target_label: String,
}

/// A record of the household a file can be attached to (the add dialog's choices).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TargetOption {
    pub target: AttachTarget,
    pub id: Uuid,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdEvidence {
    /// Withdrawn ones included (shown struck through), in the order attached.
    pub tiles: Vec<AttachmentTile>,
    pub targets: Vec<TargetOption>,
}

fn data_url(bytes: &[u8]) -> String {
    format!("data:image/jpeg;base64,{}", base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn tile(store: &evidence::Store, a: Attachment, labels: &[TargetOption]) -> AttachmentTile {
    let (preview, thumb) = if !store.has(&a.sha256) {
        (Preview::Missing, None)
    } else {
        match evidence::rendition(store, &a, Rendition::Thumb) {
            Ok(Some(b)) => (Preview::Image, Some(data_url(&b))),
            // A HEIC on a machine without libheif: stored, but no picture here.
            Ok(None) if a.format == FileFormat::Heic => (Preview::Heic, None),
            Ok(None) => (Preview::Document, None),
            Err(_) => (Preview::Damaged, None),
        }
    };
    let target_label = labels
        .iter()
        .find(|t| t.id == a.target_id)
        .map(|t| t.label.clone())
        .unwrap_or_else(|| a.target.zh().to_string());
    AttachmentTile { attachment: a, preview, thumb, target_label }
}

/// The household and its records that take files, labelled for the add dialog.
fn household_targets(db: &Db, household: Uuid) -> Result<Vec<TargetOption>> {
    let conn = db.conn();
    let h = crate::household::get(conn, household)?;
    let mut out =
        vec![TargetOption { target: AttachTarget::Household, id: h.id, label: format!("住户 {}", h.number) }];
    for v in crate::visit::for_household(conn, household)? {
        out.push(TargetOption {
            target: AttachTarget::Visit,
            id: v.id,
            label: format!("走访 {} {}", v.visited_at.format("%Y-%m-%d"), v.kind.zh()),
        });
    }
    for i in crate::compensation::for_household(conn, household)? {
        let label = if i.label.is_empty() { i.kind.zh().to_string() } else { format!("{} {}", i.kind.zh(), i.label) };
        out.push(TargetOption { target: AttachTarget::CompensationItem, id: i.id, label: format!("补偿 {label}") });
    }
    for i in crate::compensation::inventory::for_household(conn, household)? {
        out.push(TargetOption {
            target: AttachTarget::InventoryItem,
            id: i.id,
            label: format!("清点 {} {} {}", i.name, crate::units::format_hundredths(i.quantity), i.unit),
        });
    }
    for o in crate::obstacle::list(conn, h.project_id, false)?.into_iter().filter(|o| o.household_id == Some(household))
    {
        out.push(TargetOption { target: AttachTarget::Obstacle, id: o.id, label: format!("问题 {}", o.title) });
    }
    Ok(out)
}

/// The 资料 tab: every file of the household and its records, and where new ones can go.
pub fn household_evidence(db: &Db, household: Uuid) -> Result<HouseholdEvidence> {
    let store = evidence::store_of(db);
    let targets = household_targets(db, household)?;
    let tiles = evidence::for_household(db.conn(), household)?.into_iter().map(|a| tile(&store, a, &targets)).collect();
    Ok(HouseholdEvidence { tiles, targets })
}

/// The files on one record (a pole, a day of the demolition log).
pub fn record_evidence(db: &Db, target_id: Uuid) -> Result<Vec<AttachmentTile>> {
    let store = evidence::store_of(db);
    Ok(evidence::for_target(db.conn(), target_id)?.into_iter().map(|a| tile(&store, a, &[])).collect())
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AttachInput {
    pub target: AttachTarget,
    pub target_id: Uuid,
    pub kind: AttachmentKind,
    pub note: String,
    /// Files chosen in the open dialog or dropped on the window.
    pub paths: Vec<String>,
}

/// Attaches the files at `paths` (all of them or none).
pub fn attach_files(db: &mut Db, input: AttachInput) -> Result<Vec<Attachment>> {
    let who = operator(db)?;
    let files: Vec<(String, Vec<u8>)> =
        input.paths.iter().map(|p| evidence::read_source(Path::new(p))).collect::<Result<_>>()?;
    evidence::attach(
        db,
        &who,
        &NewAttachments {
            target: input.target,
            target_id: input.target_id,
            kind: input.kind,
            note: &input.note,
            files: &files,
        },
    )
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OpenedAttachment {
    pub tile: AttachmentTile,
    /// The viewer's copy (`data:image/jpeg;base64,…`), for photos this laptop can show.
    pub image: Option<String>,
}

/// One attachment for the viewer.
pub fn open_attachment(db: &Db, id: Uuid) -> Result<OpenedAttachment> {
    let store = evidence::store_of(db);
    let a = evidence::get(db.conn(), id)?;
    let labels = match a.household_id {
        Some(h) => household_targets(db, h)?,
        None => Vec::new(),
    };
    let t = tile(&store, a, &labels);
    let image = if t.preview == Preview::Image {
        evidence::rendition(&store, &t.attachment, Rendition::View)?.map(|b| data_url(&b))
    } else {
        None
    };
    Ok(OpenedAttachment { tile: t, image })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WithdrawAttachmentInput {
    pub id: Uuid,
    pub reason: String,
}

pub fn withdraw_attachment(db: &mut Db, input: WithdrawAttachmentInput) -> Result<Attachment> {
    let who = operator(db)?;
    let a = evidence::get(db.conn(), input.id)?;
    let on = crate::project::as_of(&crate::project::get(db.conn(), a.project_id)?, None);
    db.write(&who, |tx| evidence::withdraw(tx, input.id, &input.reason, on))?;
    evidence::get(db.conn(), input.id)
}

/// Saves a copy of the original file where the save dialog said.
pub fn save_attachment_copy(db: &Db, id: Uuid, path: String) -> Result<u64> {
    if path.trim().is_empty() {
        return Err(Error::invalid("path", "没有选择保存位置"));
    }
    let a = evidence::get(db.conn(), id)?;
    evidence::save_copy(&evidence::store_of(db), &a, Path::new(&path))
}

/// The one search box: every project's households by number, name, 拼音首字母, ID
/// (whole or last 4–6), phone (whole or last 4), address fragment, agreement number.
pub fn search(db: &Db, query: String) -> Result<Vec<SearchHit>> {
    search::search(db.conn(), &query, search::DEFAULT_LIMIT)
}
