//! Moving attachment files between laptops, apart from the bundles of operations: the
//! operations name each file by its SHA-256, and a laptop fetches the files it lacks by
//! hash, whenever it likes (operations first, files after, on a slow link).
//!
//! [`ContentTransport`] is the whole interface a carrier implements: which of these files
//! do you hold, send one, fetch one, drop a damaged copy. [`sync_files`] does the rest and
//! verifies every file on arrival: a file whose bytes do not hash to its name is refused,
//! nothing of it is stored, the carrier's copy is dropped so that a laptop holding the
//! original sends it again, and the next sync fetches it. [`Folder`] is the sync folder.

use super::sniff::MAX_FILE_BYTES;
use super::store::{ContentHash, Store};
use crate::db::Db;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use uuid::Uuid;

pub trait ContentTransport {
    /// Where the files go, for messages.
    fn describe(&self) -> String;
    /// Which of `wanted` the carrier holds.
    fn holds(&self, wanted: &[ContentHash]) -> Result<BTreeSet<ContentHash>>;
    /// The bytes the carrier holds under `hash` (unverified: [`sync_files`] checks them).
    fn fetch(&self, hash: &ContentHash) -> Result<Vec<u8>>;
    fn send(&self, hash: &ContentHash, bytes: &[u8]) -> Result<()>;
    /// Drops the carrier's copy of `hash` (it arrived damaged), so it is sent again.
    fn discard(&self, hash: &ContentHash) -> Result<()>;
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefusedFile {
    pub sha256: ContentHash,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileSyncReport {
    pub carrier: String,
    /// Files this laptop sent to the carrier.
    pub sent: usize,
    /// Files fetched, verified and stored here.
    pub received: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub bytes_received: u64,
    /// Files refused on arrival (damaged in transit) or that could not be sent.
    pub refused: Vec<RefusedFile>,
    /// Files the records name that neither this laptop nor the carrier holds yet.
    pub still_missing: Vec<ContentHash>,
}

/// Sends the project's files the carrier lacks, then fetches and verifies the ones this
/// laptop lacks. A damaged file is reported and the rest still move.
pub fn sync_files(db: &Db, project: Uuid, t: &dyn ContentTransport) -> Result<FileSyncReport> {
    let store = super::store_of(db);
    let referenced = super::referenced(db.conn(), project)?;
    let held_there = t.holds(&referenced)?;
    let mut report = FileSyncReport { carrier: t.describe(), ..Default::default() };
    let refuse = |h: &ContentHash, e: &Error| RefusedFile { sha256: h.clone(), code: e.code(), message: e.to_string() };
    for h in &referenced {
        let here = store.has(h);
        let there = held_there.contains(h);
        if here && !there {
            // Read through the store: a copy damaged on this disk is never sent on.
            match store.read(h).and_then(|b| t.send(h, &b)) {
                Ok(()) => report.sent += 1,
                Err(e) => report.refused.push(refuse(h, &e)),
            }
        } else if !here && there {
            match t.fetch(h).and_then(|b| store.put_expected(h, &b).map(|()| b.len() as u64)) {
                Ok(n) => {
                    report.received += 1;
                    report.bytes_received += n;
                }
                Err(e) => {
                    if e.code() == "rule.attachment.hash_mismatch" {
                        t.discard(h)?;
                    }
                    report.refused.push(refuse(h, &e));
                }
            }
        } else if !here {
            report.still_missing.push(h.clone());
        }
    }
    make_renditions(db, &store, project)?;
    Ok(report)
}

/// Thumbnails for photos that arrived: made once, on the laptop that shows them.
fn make_renditions(db: &Db, store: &Store, project: Uuid) -> Result<()> {
    for a in super::for_project(db.conn(), project)? {
        if store.has(&a.sha256) && super::media::can_render(a.format) {
            // A photo that does not decode here was refused where it was attached; if one
            // does, the app shows it as a file without a picture.
            let _ = super::rendition(store, &a, super::Rendition::Thumb);
        }
    }
    Ok(())
}

/// The sync folder as a carrier: `<folder>/<project code>/files/ab/<sha256>`, beside the
/// laptops' bundles.
pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    pub fn new(folder: &Path, project_code: &str) -> Folder {
        Folder { dir: folder.join(project_code).join("files") }
    }

    fn path(&self, h: &ContentHash) -> PathBuf {
        self.dir.join(h.rel_path())
    }
}

impl ContentTransport for Folder {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn holds(&self, wanted: &[ContentHash]) -> Result<BTreeSet<ContentHash>> {
        Ok(wanted.iter().filter(|h| self.path(h).is_file()).cloned().collect())
    }

    fn fetch(&self, h: &ContentHash) -> Result<Vec<u8>> {
        let p = self.path(h);
        let len = std::fs::metadata(&p)?.len();
        if len > MAX_FILE_BYTES {
            return Err(Error::rule(
                "attachment.hash_mismatch",
                format!("同步文件夹中的文件 {} 有 {len} 字节，超过附件上限，不是应有的文件", h.short()),
            ));
        }
        Ok(std::fs::read(p)?)
    }

    fn send(&self, h: &ContentHash, bytes: &[u8]) -> Result<()> {
        // A synced temporary file renamed into place: a reader never sees half a file. Not
        // the store's writer: what lies in the folder is for every laptop of the project.
        let path = self.path(h);
        std::fs::create_dir_all(path.parent().expect("in a fan-out folder"))?;
        let tmp = path.with_extension(format!("{}.partial", std::process::id()));
        let written = (|| -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut f, bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        Ok(written?)
    }

    fn discard(&self, h: &ContentHash) -> Result<()> {
        match std::fs::remove_file(self.path(h)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
