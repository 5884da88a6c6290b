//! What a photo says about itself (EXIF: when it was taken, where) and the renditions the
//! app shows (a thumbnail, a screen-sized copy). Decoding a photo in full is also the check
//! that it is not broken; the decoder's limits refuse an image too large to decode safely.

use super::sniff::FileFormat;
use crate::error::{Error, Result};
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::Serialize;
use std::io::Cursor;

/// Long side of a thumbnail and of the viewer's copy, in pixels.
pub const THUMB_PX: u32 = 320;
pub const VIEW_PX: u32 = 1600;

/// What EXIF tells: the moment the photo was taken (as the camera's clock said it, with its
/// offset where recorded) and the GPS position in 1e-7 degrees (integers, like every
/// stored quantity).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PhotoFacts {
    /// `YYYY-MM-DDTHH:MM:SS`, with `+08:00` appended when the camera recorded its offset.
    pub taken_at: Option<String>,
    pub latitude_e7: Option<i64>,
    pub longitude_e7: Option<i64>,
}

/// Reads EXIF from a JPEG, PNG or HEIC; a photo without (or with damaged) EXIF has no facts.
pub fn photo_facts(bytes: &[u8]) -> PhotoFacts {
    let Ok(exif) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return PhotoFacts::default();
    };
    let field = |t| exif.get_field(t, exif::In::PRIMARY);
    let ascii = |t| match field(t).map(|f| &f.value) {
        Some(exif::Value::Ascii(v)) => v.first().cloned(),
        _ => None,
    };
    let taken_at = ascii(exif::Tag::DateTimeOriginal).or_else(|| ascii(exif::Tag::DateTime)).and_then(|raw| {
        let mut dt = exif::DateTime::from_ascii(&raw).ok()?;
        if let Some(off) = ascii(exif::Tag::OffsetTimeOriginal) {
            let _ = dt.parse_offset(&off);
        }
        chrono::NaiveDate::from_ymd_opt(dt.year as i32, dt.month as u32, dt.day as u32)?;
        if dt.hour > 23 || dt.minute > 59 || dt.second > 60 {
            return None;
        }
        let mut s = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            dt.year,
            dt.month,
            dt.day,
            dt.hour,
            dt.minute,
            dt.second.min(59)
        );
        if let Some(off) = dt.offset {
            let sign = if off < 0 { '-' } else { '+' };
            s.push_str(&format!("{sign}{:02}:{:02}", off.unsigned_abs() / 60, off.unsigned_abs() % 60));
        }
        Some(s)
    });
    let coord = |value: exif::Tag, reference: exif::Tag, negative: u8, max: f64| -> Option<i64> {
        let exif::Value::Rational(parts) = &field(value)?.value else { return None };
        if parts.len() < 3 || parts.iter().any(|r| r.denom == 0) {
            return None;
        }
        let deg = parts[0].to_f64() + parts[1].to_f64() / 60.0 + parts[2].to_f64() / 3600.0;
        let sign = match ascii(reference) {
            Some(r) if r.first() == Some(&negative) => -1.0,
            _ => 1.0,
        };
        (deg.is_finite() && deg <= max).then(|| (sign * deg * 1e7).round() as i64)
    };
    let latitude_e7 = coord(exif::Tag::GPSLatitude, exif::Tag::GPSLatitudeRef, b'S', 90.0);
    let longitude_e7 = coord(exif::Tag::GPSLongitude, exif::Tag::GPSLongitudeRef, b'W', 180.0);
    // A position is both coordinates or none.
    let (latitude_e7, longitude_e7) = match (latitude_e7, longitude_e7) {
        (Some(a), Some(b)) => (Some(a), Some(b)),
        _ => (None, None),
    };
    PhotoFacts { taken_at, latitude_e7, longitude_e7 }
}

/// A decoded photo's renditions, JPEG-encoded, and its size (after EXIF rotation).
pub struct Renditions {
    pub thumb: Vec<u8>,
    pub view: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Whether this machine may be able to decode a format into renditions: JPEG and PNG
/// always, HEIC where libheif is installed ([`super::heif`]).
pub fn can_render(f: FileFormat) -> bool {
    match f {
        FileFormat::Jpeg | FileFormat::Png => true,
        FileFormat::Heic => super::heif::available(),
        _ => false,
    }
}

/// Decodes a photo in full and makes its renditions; a photo that does not decode is
/// refused with a message naming the file. `None`: a file with no picture on this machine
/// (not a photo, or a HEIC that this machine has no decoder for; it is stored as it is).
pub fn render(f: FileFormat, name: &str, bytes: &[u8]) -> Result<Option<Renditions>> {
    let broken = |what: String| Error::invalid("file", format!("「{name}」不是完好的图片，无法打开（{what}）"));
    let format = match f {
        FileFormat::Jpeg => {
            if !jpeg_complete(bytes) {
                return Err(broken("JPEG 数据不完整，文件可能被截断".into()));
            }
            ImageFormat::Jpeg
        }
        FileFormat::Png => ImageFormat::Png,
        FileFormat::Heic => {
            return match super::heif::decode(bytes) {
                Ok((w, h, rgb)) => {
                    let img = image::RgbImage::from_raw(w, h, rgb)
                        .ok_or_else(|| Error::Corrupt("HEIC 解码结果与尺寸不符".into()))?;
                    renditions(DynamicImage::ImageRgb8(img)).map(Some)
                }
                Err(super::heif::Failure::Broken(why)) => Err(broken(why)),
                Err(super::heif::Failure::CannotDecode(_)) => Ok(None),
            };
        }
        _ => return Ok(None),
    };
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| broken(e.to_string()))?;
    let orientation = decoder.orientation().map_err(|e| broken(e.to_string()))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| broken(e.to_string()))?;
    img.apply_orientation(orientation);
    renditions(img).map(Some)
}

/// The thumbnail and the viewer's copy of a decoded photo, both JPEG.
fn renditions(img: DynamicImage) -> Result<Renditions> {
    let (width, height) = (img.width(), img.height());
    let jpeg = |img: &DynamicImage| -> Result<Vec<u8>> {
        let mut out = Cursor::new(Vec::new());
        let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
        DynamicImage::ImageRgb8(img.to_rgb8())
            .write_with_encoder(enc)
            .map_err(|e| Error::Corrupt(format!("生成缩略图失败：{e}")))?;
        Ok(out.into_inner())
    };
    let view = if width.max(height) > VIEW_PX { img.thumbnail(VIEW_PX, VIEW_PX) } else { img.clone() };
    Ok(Renditions { thumb: jpeg(&img.thumbnail(THUMB_PX, THUMB_PX))?, view: jpeg(&view)?, width, height })
}

/// A JPEG ends its last scan with the end-of-image marker. Inside compressed data a 0xFF
/// byte is always followed by 0x00 or a restart marker, so `FF D9` after the last
/// start-of-scan (`FF DA`) means the image data is complete; a file cut short has none.
fn jpeg_complete(b: &[u8]) -> bool {
    let Some(sos) = b.windows(2).rposition(|w| w == [0xFF, 0xDA]) else { return false };
    b[sos..].windows(2).any(|w| w == [0xFF, 0xD9])
}
