//! What a file really is, from its bytes: the formats an attachment may have, each with the
//! extensions that name it. A file whose bytes are not what its name says, a truncated
//! PDF or office file, or one over the size limit is refused before anything is stored.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// The largest file accepted: a phone photo is 2–12 MB, a scanned agreement a few tens.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    Jpeg,
    Png,
    Heic,
    Pdf,
    /// Word, Excel, PowerPoint (Office Open XML).
    Docx,
    Xlsx,
    Pptx,
    /// The older binary Office and WPS files (one container format for all of them).
    LegacyOffice,
    /// OFD, the Chinese fixed-layout format of e-invoices and official documents.
    Ofd,
}

impl FileFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "image/jpeg",
            FileFormat::Png => "image/png",
            FileFormat::Heic => "image/heic",
            FileFormat::Pdf => "application/pdf",
            FileFormat::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileFormat::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            FileFormat::LegacyOffice => "application/x-ole-storage",
            FileFormat::Ofd => "application/ofd",
        }
    }

    pub fn from_media_type(s: &str) -> Option<FileFormat> {
        ALL.iter().copied().find(|f| f.media_type() == s)
    }

    /// The extensions a file of this format may carry.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileFormat::Jpeg => &["jpg", "jpeg", "jpe"],
            FileFormat::Png => &["png"],
            FileFormat::Heic => &["heic", "heif", "hif"],
            FileFormat::Pdf => &["pdf"],
            FileFormat::Docx => &["docx", "docm"],
            FileFormat::Xlsx => &["xlsx", "xlsm"],
            FileFormat::Pptx => &["pptx"],
            FileFormat::LegacyOffice => &["doc", "xls", "ppt", "wps", "et", "dps"],
            FileFormat::Ofd => &["ofd"],
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            FileFormat::Jpeg => "JPEG 图片",
            FileFormat::Png => "PNG 图片",
            FileFormat::Heic => "HEIC 照片",
            FileFormat::Pdf => "PDF 文件",
            FileFormat::Docx => "Word 文档",
            FileFormat::Xlsx => "Excel 表格",
            FileFormat::Pptx => "PowerPoint 演示文稿",
            FileFormat::LegacyOffice => "Office/WPS 文件（旧格式）",
            FileFormat::Ofd => "OFD 文件",
        }
    }

    pub fn is_photo(self) -> bool {
        matches!(self, FileFormat::Jpeg | FileFormat::Png | FileFormat::Heic)
    }
}

/// The media types an attachment record may name (the schema's vocabulary for them).
pub const MEDIA_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/heic",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/x-ole-storage",
    "application/ofd",
];

const ALL: &[FileFormat] = &[
    FileFormat::Jpeg,
    FileFormat::Png,
    FileFormat::Heic,
    FileFormat::Pdf,
    FileFormat::Docx,
    FileFormat::Xlsx,
    FileFormat::Pptx,
    FileFormat::LegacyOffice,
    FileFormat::Ofd,
];

fn refuse(message: String) -> Error {
    Error::invalid("file", message)
}

/// The format named by a file's extension, refusing names with none we accept.
pub fn format_of_name(name: &str) -> Result<FileFormat> {
    let ext = std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    ALL.iter().copied().find(|f| f.extensions().contains(&ext.as_str())).ok_or_else(|| {
        let known: Vec<&str> = ALL.iter().flat_map(|f| f.extensions().iter().copied()).collect();
        refuse(format!("「{name}」的类型不能作为附件，可以附加：{}", known.join("、")))
    })
}

/// Checks that `bytes` are a whole file of the format its name says and within the limit;
/// returns that format.
pub fn check(name: &str, bytes: &[u8]) -> Result<FileFormat> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(refuse(format!(
            "「{name}」有 {:.1} MB，超过了附件的上限 {} MB",
            bytes.len() as f64 / 1048576.0,
            MAX_FILE_BYTES / 1048576
        )));
    }
    if bytes.is_empty() {
        return Err(refuse(format!("「{name}」是空文件")));
    }
    let named = format_of_name(name)?;
    let actual = sniff(bytes);
    match actual {
        Some(f) if f == named => {}
        Some(f) => {
            return Err(refuse(format!(
                "「{name}」的扩展名是{}，但文件内容是{}：请检查是否选错了文件",
                named.zh(),
                f.zh()
            )))
        }
        None => {
            return Err(refuse(format!("「{name}」的扩展名是{}，但文件内容不是（文件可能已损坏或被改名）", named.zh())))
        }
    }
    whole(named, name, bytes)?;
    Ok(named)
}

/// The format the bytes are, from their signature (and, for zip containers, their parts).
pub fn sniff(b: &[u8]) -> Option<FileFormat> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(FileFormat::Jpeg);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileFormat::Png);
    }
    if b.len() >= 12 && &b[4..8] == b"ftyp" && HEIF_BRANDS.contains(&&b[8..12]) {
        return Some(FileFormat::Heic);
    }
    if b[..b.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Some(FileFormat::Pdf);
    }
    if b.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(FileFormat::LegacyOffice);
    }
    if b.starts_with(b"PK\x03\x04") {
        // Only the central directory is read, nothing is decompressed.
        let zip = zip::ZipArchive::new(Cursor::new(b)).ok()?;
        let has = |n: &str| zip.index_for_name(n).is_some();
        return if has("word/document.xml") {
            Some(FileFormat::Docx)
        } else if has("xl/workbook.xml") {
            Some(FileFormat::Xlsx)
        } else if has("ppt/presentation.xml") {
            Some(FileFormat::Pptx)
        } else if has("OFD.xml") {
            Some(FileFormat::Ofd)
        } else {
            None
        };
    }
    None
}

/// The major brands of HEIF files phones write (HEVC-coded images and sequences).
const HEIF_BRANDS: &[&[u8]] = &[b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"];

/// Structural checks that catch a truncated or damaged file of a format whose content is
/// not decoded here (photos are decoded in full when their thumbnail is made).
fn whole(f: FileFormat, name: &str, b: &[u8]) -> Result<()> {
    let broken = |what: &str| refuse(format!("「{name}」已损坏或不完整（{what}）"));
    match f {
        FileFormat::Pdf => {
            let tail = &b[b.len().saturating_sub(2048)..];
            if !tail.windows(5).any(|w| w == b"%%EOF") {
                return Err(broken("PDF 文件没有结尾标记"));
            }
        }
        FileFormat::Heic => heif_boxes(b).map_err(|e| broken(&e))?,
        // A zip whose central directory was read is whole at its end; a legacy Office file
        // is a container of 512-byte sectors.
        FileFormat::LegacyOffice if b.len() < 512 || b.len() % 512 != 0 => {
            return Err(broken("文件长度不是完整的扇区"));
        }
        _ => {}
    }
    Ok(())
}

/// Walks a HEIF file's top-level boxes: they must tile the file exactly, and the image
/// description (`meta`) and data (`mdat`) must both be there.
fn heif_boxes(b: &[u8]) -> std::result::Result<(), String> {
    let (mut at, mut meta, mut mdat) = (0usize, false, false);
    while at < b.len() {
        if b.len() - at < 8 {
            return Err("文件末尾不完整".into());
        }
        let size32 = u32::from_be_bytes(b[at..at + 4].try_into().expect("4 bytes")) as u64;
        let kind = &b[at + 4..at + 8];
        let size = match size32 {
            0 => (b.len() - at) as u64,
            1 if b.len() - at >= 16 => u64::from_be_bytes(b[at + 8..at + 16].try_into().expect("8 bytes")),
            1 => return Err("文件末尾不完整".into()),
            s => s,
        };
        if size < 8 || size > (b.len() - at) as u64 {
            return Err("图像数据被截断".into());
        }
        meta |= kind == b"meta";
        mdat |= kind == b"mdat";
        at += size as usize;
    }
    if !(meta && mdat) {
        return Err("缺少图像说明或图像数据".into());
    }
    Ok(())
}
