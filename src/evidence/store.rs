//! The content-addressed file store beside the database: `<db dir>/<db name>.files/`.
//!
//! - `objects/ab/abcd…` — each file once, named by the SHA-256 of its bytes; never edited or
//!   removed (an attachment is withdrawn in the log, its file stays for the audit trail).
//! - `derived/ab/abcd….thumb.jpg`, `….view.jpg` — renditions made from an object (a thumbnail
//!   and a screen-sized copy), local to this laptop and made again when missing.
//!
//! Every read and write of a file's bytes goes through [`read_bytes`] and [`write_bytes`] in
//! this module, so encryption at rest slots in here. A write goes to a temporary file that
//! is synced and renamed into place: a reader never sees half a file, and a process killed
//! mid-write leaves at most a stray `.partial` file, never a damaged object.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A file's SHA-256, as 64 lowercase hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> ContentHash {
        let d = Sha256::digest(bytes);
        ContentHash(d.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Parses a hash as written in a record or a file name; anything else is refused, so a
    /// name from elsewhere can never point outside the store.
    pub fn parse(s: &str) -> Result<ContentHash> {
        let s = s.trim();
        if s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            Ok(ContentHash(s.to_string()))
        } else {
            Err(Error::invalid("sha256", format!("「{s}」不是 SHA-256 值（64 位小写十六进制）")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 12 digits, enough to tell files apart in a message.
    pub fn short(&self) -> &str {
        &self.0[..12]
    }

    /// `ab/abcd…`: two-digit fan-out folders keep each folder small.
    pub fn rel_path(&self) -> PathBuf {
        Path::new(&self.0[..2]).join(&self.0)
    }
}

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rendition made from an image object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendition {
    /// About 320 px on the long side, for lists.
    Thumb,
    /// About 1600 px on the long side, for the viewer.
    View,
}

impl Rendition {
    fn suffix(self) -> &'static str {
        match self {
            Rendition::Thumb => "thumb.jpg",
            Rendition::View => "view.jpg",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// The store of the database at `db_path`: a folder beside it, named after it, so two
    /// databases in one folder never share (and a copied database finds its files if the
    /// folder is copied along).
    pub fn beside(db_path: &Path) -> Store {
        let name = db_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "jingdi.db".into());
        let dir = db_path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        Store { root: dir.join(format!("{name}.files")) }
    }

    pub fn at(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn object_path(&self, h: &ContentHash) -> PathBuf {
        self.root.join("objects").join(h.rel_path())
    }

    fn derived_path(&self, h: &ContentHash, r: Rendition) -> PathBuf {
        let rel = h.rel_path();
        self.root.join("derived").join(format!("{}.{}", rel.display(), r.suffix()))
    }

    pub fn has(&self, h: &ContentHash) -> bool {
        self.object_path(h).is_file()
    }

    /// Stores `bytes` under their hash; storing the same bytes again changes nothing.
    pub fn put(&self, bytes: &[u8]) -> Result<ContentHash> {
        let h = ContentHash::of(bytes);
        if !self.has(&h) {
            write_bytes(&self.object_path(&h), bytes)?;
        }
        Ok(h)
    }

    /// Stores bytes that arrived from elsewhere under the hash they were sent as: refused,
    /// and nothing stored, unless they hash to it.
    pub fn put_expected(&self, expected: &ContentHash, bytes: &[u8]) -> Result<()> {
        let got = ContentHash::of(bytes);
        if &got != expected {
            return Err(Error::rule(
                "attachment.hash_mismatch",
                format!(
                    "文件 {} 传输中已损坏：内容的 SHA-256 为 {}，与应有的不符，未保存",
                    expected.short(),
                    got.short()
                ),
            ));
        }
        self.put(bytes).map(|_| ())
    }

    /// The bytes of an object, checked against its name: a file damaged on this disk is
    /// reported, never served.
    pub fn read(&self, h: &ContentHash) -> Result<Vec<u8>> {
        let path = self.object_path(h);
        let bytes = read_bytes(&path).map_err(|e| match e {
            Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => Error::rule(
                "attachment.file_missing",
                format!("本机还没有文件 {}（可能尚未从其他电脑同步过来）：请先同步文件", h.short()),
            ),
            other => other,
        })?;
        if &ContentHash::of(&bytes) != h {
            return Err(Error::rule(
                "attachment.file_damaged",
                format!("本机保存的文件 {} 已损坏（内容与 SHA-256 不符）：请从其他电脑重新同步", h.short()),
            ));
        }
        Ok(bytes)
    }

    pub fn read_rendition(&self, h: &ContentHash, r: Rendition) -> Result<Option<Vec<u8>>> {
        let p = self.derived_path(h, r);
        if !p.is_file() {
            return Ok(None);
        }
        read_bytes(&p).map(Some)
    }

    pub fn put_rendition(&self, h: &ContentHash, r: Rendition, bytes: &[u8]) -> Result<()> {
        write_bytes(&self.derived_path(h, r), bytes)
    }

    /// Every object held, by name (files that are not named like an object are ignored).
    pub fn list(&self) -> Result<Vec<ContentHash>> {
        let mut out = Vec::new();
        let objects = self.root.join("objects");
        if !objects.is_dir() {
            return Ok(out);
        }
        for fan in std::fs::read_dir(objects)? {
            let fan = fan?.path();
            if !fan.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(fan)? {
                if let Some(h) = f?.file_name().to_str().and_then(|n| ContentHash::parse(n).ok()) {
                    out.push(h);
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Reads a stored file. The one place bytes come off the disk (encryption at rest: here).
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    Ok(std::fs::read(path)?)
}

/// Writes a stored file atomically: a synced temporary file renamed into place. The one
/// place bytes go to the disk (encryption at rest: here).
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().expect("stored files live in a folder");
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension(format!("{}.partial", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::Io(e));
    }
    Ok(())
}
