//! Evidence: attaching photos and documents, refusing bad files, the store, files between
//! laptops through the sync folder, and search.

use crate::{id_number, TestDb, AUTHOR};
use jingdi::evidence::sniff::{FileFormat, MAX_FILE_BYTES};
use jingdi::evidence::transport::{self, Folder};
use jingdi::evidence::{self, ContentHash, NewAttachments, Rendition};
use jingdi::vocab::{AttachTarget, AttachmentKind};
use std::io::Write;
use uuid::Uuid;

// ------------------------------------------------------------------ fixtures

/// A little-endian TIFF block holding DateTimeOriginal and, if given, a GPS position
/// (degrees, minutes, seconds as whole numbers), as a phone writes into APP1.
pub fn exif_block(taken: &str, gps: Option<([u32; 3], [u32; 3])>) -> Vec<u8> {
    let mut t: Vec<u8> = b"II*\0".to_vec();
    t.extend(8u32.to_le_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: u32| {
        t.extend(tag.to_le_bytes());
        t.extend(typ.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value.to_le_bytes());
    };
    // IFD0 at 8: the Exif IFD at 38, and the GPS IFD at 76 when there is a position.
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x8769, 4, 1, 38);
    match gps {
        Some(_) => entry(&mut t, 0x8825, 4, 1, 76),
        // No GPS: Orientation 1 (upright) keeps the layout.
        None => entry(&mut t, 0x0112, 3, 1, 1),
    }
    t.extend(0u32.to_le_bytes());
    // Exif IFD at 38: DateTimeOriginal, 20 bytes at 56.
    t.extend(1u16.to_le_bytes());
    entry(&mut t, 0x9003, 2, 20, 56);
    t.extend(0u32.to_le_bytes());
    assert_eq!(t.len(), 56);
    let mut dt = taken.as_bytes().to_vec();
    dt.resize(20, 0);
    t.extend(dt);
    if let Some((lat, lon)) = gps {
        // GPS IFD at 76: refs inline, rationals at 130 and 154.
        t.extend(4u16.to_le_bytes());
        entry(&mut t, 1, 2, 2, u32::from_le_bytes(*b"N\0\0\0"));
        entry(&mut t, 2, 5, 3, 130);
        entry(&mut t, 3, 2, 2, u32::from_le_bytes(*b"E\0\0\0"));
        entry(&mut t, 4, 5, 3, 154);
        t.extend(0u32.to_le_bytes());
        for v in lat.iter().chain(lon.iter()) {
            t.extend(v.to_le_bytes());
            t.extend(1u32.to_le_bytes());
        }
    }
    t
}

/// A JPEG of `w`×`h` pixels of noise seeded by `seed` (so two photos differ), with EXIF.
pub fn photo(w: u32, h: u32, seed: u8, exif: Option<Vec<u8>>) -> Vec<u8> {
    let mut x = (seed as u32).wrapping_mul(2654435761) | 1;
    let img = image::RgbImage::from_fn(w, h, |i, j| {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        image::Rgb([(i * 255 / w) as u8, (j * 255 / h) as u8, (x & 0xff) as u8])
    });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
    match exif {
        None => jpeg,
        Some(tiff) => {
            let mut out = jpeg[..2].to_vec();
            out.extend([0xFF, 0xE1]);
            out.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
            out.extend(b"Exif\0\0");
            out.extend(tiff);
            out.extend(&jpeg[2..]);
            out
        }
    }
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |i, _| image::Rgba([i as u8, 90, 200, 255]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn docx() -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", o).unwrap();
    z.write_all(b"<Types/>").unwrap();
    z.start_file("word/document.xml", o).unwrap();
    z.write_all(b"<w:document/>").unwrap();
    z.finish().unwrap().into_inner()
}

/// A HEIF file as phones write it, in outline: `ftyp heic`, `meta`, `mdat`.
fn heic() -> Vec<u8> {
    let mut b = Vec::new();
    let boxed = |b: &mut Vec<u8>, kind: &[u8], body: &[u8]| {
        b.extend(((8 + body.len()) as u32).to_be_bytes());
        b.extend(kind);
        b.extend(body);
    };
    boxed(&mut b, b"ftyp", b"heic\0\0\0\0mif1heic");
    boxed(&mut b, b"meta", &[0u8; 40]);
    boxed(&mut b, b"mdat", &[7u8; 300]);
    b
}

/// A real HEIC, 96 × 64, its left half red and its right half blue: made once with libheif's
/// `heif-enc -q 60` (x265) from a YUV 4:2:0 frame (`.y4m`), 490 bytes.
const TWO_COLOURS_HEIC: &[u8] = include_bytes!("../fixtures/two-colours.heic");

/// The colour at (x, y) of a JPEG rendition.
fn pixel(jpeg: &[u8], x: u32, y: u32) -> [u8; 3] {
    image::load_from_memory(jpeg).unwrap().to_rgb8().get_pixel(x, y).0
}

fn file(name: &str, bytes: Vec<u8>) -> (String, Vec<u8>) {
    (name.to_string(), bytes)
}

fn attach(
    t: &mut TestDb,
    target: AttachTarget,
    id: Uuid,
    kind: AttachmentKind,
    files: &[(String, Vec<u8>)],
) -> jingdi::Result<Vec<evidence::Attachment>> {
    evidence::attach(&mut t.db, AUTHOR, &NewAttachments { target, target_id: id, kind, note: "", files })
}

fn objects(t: &TestDb) -> Vec<ContentHash> {
    evidence::store_of(&t.db).list().unwrap()
}

// ------------------------------------------------------------------ attach, list, withdraw

#[test]
fn a_photo_is_stored_once_with_its_time_and_place_and_withdrawn_only_with_a_reason() {
    let mut t = TestDb::with_households(2);
    let (h1, h2) = (t.household("H1").id, t.household("H2").id);
    let jpg = photo(800, 600, 1, Some(exif_block("2022:06:20 10:15:30", Some(([24, 54, 36], [118, 36, 0])))));
    let a =
        attach(&mut t, AttachTarget::Household, h1, AttachmentKind::HousePhoto, &[file("IMG_0001.JPG", jpg.clone())])
            .unwrap()
            .remove(0);
    assert_eq!(a.sha256, ContentHash::of(&jpg));
    assert_eq!((a.format, a.size), (FileFormat::Jpeg, jpg.len() as i64));
    assert_eq!(a.taken_at.as_deref(), Some("2022-06-20T10:15:30"));
    assert_eq!((a.latitude_e7, a.longitude_e7), (Some(24_9100000), Some(118_6000000)));
    assert_eq!((a.width, a.height), (Some(800), Some(600)));
    assert_eq!((a.household_id, a.attached_by.as_str(), a.withdrawn), (Some(h1), AUTHOR, false));
    let store = evidence::store_of(&t.db);
    assert_eq!(store.read(&a.sha256).unwrap(), jpg);
    let thumb = store.read_rendition(&a.sha256, Rendition::Thumb).unwrap().expect("thumbnail made at attach time");
    let th = image::load_from_memory(&thumb).unwrap();
    assert_eq!((th.width(), th.height()), (320, 240));

    // The same file on another household: a second record, one stored file.
    attach(&mut t, AttachTarget::Household, h2, AttachmentKind::HousePhoto, &[file("copy.jpg", jpg.clone())]).unwrap();
    assert_eq!(objects(&t), vec![a.sha256.clone()]);
    // Twice on the same record: refused, nothing changed.
    let before = t.snapshot();
    let e = attach(&mut t, AttachTarget::Household, h1, AttachmentKind::Other, &[file("again.jpg", jpg.clone())])
        .unwrap_err();
    assert_eq!(e.code(), "rule.attachment.duplicate");
    assert_eq!(t.snapshot(), before);

    // Withdrawn: needs a reason; the record and the file stay.
    let e = t.write(|tx| evidence::withdraw(tx, a.id, "  ", crate::d("2024-01-10"))).unwrap_err();
    assert_eq!(e.code(), "rule.attachment.withdraw_needs_reason");
    assert_eq!(t.snapshot(), before);
    t.write(|tx| evidence::withdraw(tx, a.id, "附错了户", crate::d("2024-01-10"))).unwrap();
    let w = evidence::get(t.db.conn(), a.id).unwrap();
    assert_eq!(
        (w.withdrawn, w.withdrawn_reason.as_deref(), w.withdrawn_by.as_deref(), w.withdrawn_on.as_deref()),
        (true, Some("附错了户"), Some(AUTHOR), Some("2024-01-10"))
    );
    assert!(store.has(&a.sha256));
    let e = t.write(|tx| evidence::withdraw(tx, a.id, "再撤一次", crate::d("2024-01-11"))).unwrap_err();
    assert_eq!(e.code(), "rule.attachment.already_withdrawn");
    // The log holds the reason; a replay of the log rebuilds the records exactly.
    let ops = jingdi::oplog::replay::all_ops(t.db.conn()).unwrap();
    assert_eq!(ops.last().unwrap().reason.as_deref(), Some("附错了户"));
    assert_eq!(
        jingdi::oplog::replay::dump(t.db.conn()).unwrap(),
        jingdi::oplog::replay::rebuilt_dump(t.db.conn()).unwrap()
    );
    // Once withdrawn it may be attached again (the right file after all).
    attach(&mut t, AttachTarget::Household, h1, AttachmentKind::HousePhoto, &[file("again.jpg", jpg)]).unwrap();
    assert_eq!(evidence::for_household(t.db.conn(), h1).unwrap().len(), 2);
}

#[test]
fn the_history_says_what_kind_of_file_was_attached_to_what() {
    use jingdi::oplog::Entity;
    use jingdi::report::history::{history, HistoryFilter};
    let mut t = TestDb::with_households(1);
    let h1 = t.household("H1").id;
    let jpg = photo(800, 600, 1, Some(exif_block("2022:06:20 10:15:30", Some(([24, 54, 36], [118, 36, 0])))));
    let a = attach(&mut t, AttachTarget::Household, h1, AttachmentKind::HousePhoto, &[file("门头.jpg", jpg.clone())])
        .unwrap()
        .remove(0);
    let visit = t
        .write(|tx| {
            jingdi::visit::add(tx, h1, &jingdi::visit::NewVisit { outcome: "上门".into(), ..Default::default() })
        })
        .unwrap();
    attach(&mut t, AttachTarget::Visit, visit, AttachmentKind::Other, &[file("visit.png", png(40, 30))]).unwrap();
    t.write(|tx| evidence::withdraw(tx, a.id, "附错了户", crate::d("2024-01-10"))).unwrap();

    let all = history(t.db.conn(), &HistoryFilter { project: Some(t.project), ..Default::default() }).unwrap();
    let entries: Vec<_> = all.iter().filter(|e| e.entity == Entity::Attachment).collect();
    assert_eq!(entries.len(), 3);
    let (photo_e, visit_e, withdrawn) = (entries[0], entries[1], entries[2]);
    assert_eq!(photo_e.subject.as_deref(), Some("房屋照片「门头.jpg」→ 住户「H1」"));
    assert_eq!(withdrawn.subject, photo_e.subject, "a withdrawal names the file it withdraws");
    let visited_on: String =
        t.db.conn()
            .query_row("SELECT substr(visited_at, 1, 10) FROM visits WHERE id = ?1", [visit.to_string()], |r| r.get(0))
            .unwrap();
    assert_eq!(visit_e.subject.as_deref(), Some(format!("其他「visit.png」→ 走访记录「H1 {visited_on}」").as_str()));
    let value = |e: &jingdi::report::history::HistoryEntry, f: &str| {
        e.changes.iter().find(|c| c.field == f).map(|c| c.value.clone())
    };
    assert_eq!(value(photo_e, "target_id").as_deref(), Some("住户「H1」"));
    assert_eq!(value(photo_e, "target"), None, "said with the target");
    assert_eq!(value(photo_e, "size"), Some(format!("{:.1} KB", jpg.len() as f64 / 1024.0)));
    assert_eq!(value(photo_e, "latitude_e7").as_deref(), Some("24.9100000"));
    assert_eq!(value(photo_e, "sha256").map(|s| s.chars().count()), Some(13));
    assert_eq!(value(withdrawn, "withdrawn_reason").as_deref(), Some("附错了户"));
    // No raw id or hash anywhere in what the screen shows.
    for e in &entries {
        for c in &e.changes {
            assert!(Uuid::parse_str(&c.value).is_err() && c.value.len() < 64, "{}: {}", c.field, c.value);
        }
    }
}

#[test]
fn every_kind_of_record_takes_files_and_a_household_lists_its_records_files() {
    let mut t = TestDb::demo();
    let one = |t: &TestDb, sql: &str| -> Uuid {
        let s: String = t.db.conn().query_row(sql, [], |r| r.get(0)).unwrap();
        Uuid::parse_str(&s).unwrap()
    };
    let h = t.household("DX4-024").id;
    let hid = h.to_string();
    let q = |table: &str| format!("SELECT id FROM {table} WHERE household_id = '{hid}' LIMIT 1");
    let targets = [
        (AttachTarget::Household, h, AttachmentKind::HousePhoto),
        (AttachTarget::Visit, one(&t, &q("visits")), AttachmentKind::Other),
        (AttachTarget::InventoryItem, one(&t, &q("inventory_items")), AttachmentKind::CropsPhoto),
        (AttachTarget::CompensationItem, one(&t, &q("compensation_items")), AttachmentKind::PaymentVoucher),
        (AttachTarget::Pole, one(&t, "SELECT id FROM poles LIMIT 1"), AttachmentKind::Other),
        (AttachTarget::Obstacle, one(&t, "SELECT id FROM obstacles LIMIT 1"), AttachmentKind::Other),
        (AttachTarget::DemolitionLog, one(&t, "SELECT id FROM demolition_logs LIMIT 1"), AttachmentKind::Other),
    ];
    let files = [
        file("house.jpg", photo(64, 48, 1, None)),
        file("visit.png", png(40, 30)),
        file("crops.heic", TWO_COLOURS_HEIC.to_vec()),
        file("voucher.pdf", pdf()),
        file("pole.docx", docx()),
        file("obstacle.jpeg", photo(64, 48, 2, None)),
        file("day.jpg", photo(64, 48, 3, None)),
    ];
    for ((target, id, kind), f) in targets.iter().zip(files) {
        let a = attach(&mut t, *target, *id, *kind, &[f]).unwrap().remove(0);
        assert_eq!((a.target, a.target_id, a.kind), (*target, *id, *kind));
    }
    // The demo photographed the house at the survey; those are the demo's, not ours.
    let mine: Vec<_> =
        evidence::for_household(t.db.conn(), h).unwrap().into_iter().filter(|a| a.attached_by == AUTHOR).collect();
    assert_eq!(
        mine.iter().map(|a| a.target).collect::<Vec<_>>(),
        vec![AttachTarget::Household, AttachTarget::Visit, AttachTarget::InventoryItem, AttachTarget::CompensationItem]
    );
    // HEIC is stored as it is and decoded through libheif for its thumbnail: the picture,
    // not a placeholder (red on the left, blue on the right).
    let heic_a = &mine[2];
    assert_eq!((heic_a.format, heic_a.media_type.as_str()), (FileFormat::Heic, "image/heic"));
    let thumb = evidence::rendition(&evidence::store_of(&t.db), heic_a, Rendition::Thumb).unwrap().unwrap();
    let size = image::load_from_memory(&thumb).unwrap();
    assert!((size.width() * 2).abs_diff(size.height() * 3) <= 3, "3:2 kept: {}×{}", size.width(), size.height());
    let [r, _, b] = pixel(&thumb, size.width() / 8, size.height() / 2);
    assert!(r > 150 && b < 100, "left is red: {r} {b}");
    let [r, _, b] = pixel(&thumb, size.width() * 7 / 8, size.height() / 2);
    assert!(b > 150 && r < 100, "right is blue: {r} {b}");
    assert_eq!((heic_a.width, heic_a.height), (Some(96), Some(64)));
    // A record that is not there: refused before anything is stored.
    let stored = objects(&t);
    let e =
        attach(&mut t, AttachTarget::Visit, Uuid::nil(), AttachmentKind::Other, &[file("x.jpg", photo(8, 8, 9, None))])
            .unwrap_err();
    assert_eq!(e.code(), "not_found");
    assert_eq!(objects(&t), stored);
}

#[test]
fn bad_files_are_refused_with_a_message_and_nothing_is_stored() {
    let mut t = TestDb::with_households(1);
    let h = t.household("H1").id;
    let jpg = photo(200, 150, 4, None);
    let mut bomb_header = photo(16, 16, 5, None);
    // A JPEG claiming 60000 × 60000 pixels: the decoder's limits refuse it unread.
    let sof = bomb_header.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    bomb_header[sof + 5..sof + 9].copy_from_slice(&[0xEA, 0x60, 0xEA, 0x60]);
    let mut bad_png = png(50, 50);
    let n = bad_png.len();
    bad_png[n / 2..n / 2 + 8].copy_from_slice(b"garbage!");
    // A HEIC claiming 60000 × 60000 pixels (its `ispe` box): libheif's limits refuse it unread.
    let mut heic_bomb = TWO_COLOURS_HEIC.to_vec();
    let ispe = heic_bomb.windows(4).position(|w| w == b"ispe").unwrap();
    heic_bomb[ispe + 8..ispe + 16].copy_from_slice(&[0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60]);
    let cases: Vec<((String, Vec<u8>), &str)> = vec![
        (file("big.jpg", vec![0xFF; MAX_FILE_BYTES as usize + 1]), "超过了附件的上限"),
        (file("empty.pdf", Vec::new()), "空文件"),
        (file("photo.png", jpg.clone()), "文件内容是JPEG 图片"),
        (file("scan.pdf", jpg.clone()), "文件内容是JPEG 图片"),
        (file("notes.docx", b"just some text".to_vec()), "文件内容不是"),
        (file("virus.exe", jpg.clone()), "类型不能作为附件"),
        (file("cut.jpg", jpg[..jpg.len() / 2].to_vec()), "不是完好的图片"),
        (file("bad.png", bad_png), "不是完好的图片"),
        (file("huge.jpg", bomb_header), "不是完好的图片"),
        (file("cut.pdf", pdf()[..30].to_vec()), "已损坏或不完整"),
        (file("cut.heic", heic()[..200].to_vec()), "已损坏或不完整"),
        // Boxes in order but no picture in them: libheif finds nothing to decode.
        (file("outline.heic", heic()), "不是完好的图片"),
        (file("huge.heic", heic_bomb), "不是完好的图片"),
        (file("cut-real.heic", TWO_COLOURS_HEIC[..TWO_COLOURS_HEIC.len() - 40].to_vec()), "已损坏或不完整"),
    ];
    let before = t.snapshot();
    for ((name, bytes), message) in cases {
        let e =
            attach(&mut t, AttachTarget::Household, h, AttachmentKind::Other, &[(name.clone(), bytes)]).unwrap_err();
        assert_eq!(e.code(), "invalid_field.file", "{name}: {e}");
        assert!(e.to_string().contains(message) && e.to_string().contains(&name), "{name}: {e}");
    }
    // One bad file among good ones: none of them is attached.
    let e = attach(
        &mut t,
        AttachTarget::Household,
        h,
        AttachmentKind::Other,
        &[file("good.jpg", jpg.clone()), file("bad.pdf", jpg.clone())],
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_field.file");
    assert_eq!(t.snapshot(), before);
    assert!(objects(&t).is_empty(), "nothing half-stored");
}

#[test]
fn the_store_refuses_bytes_that_do_not_match_their_name_and_reports_a_damaged_file() {
    let t = TestDb::empty();
    let store = evidence::store_of(&t.db);
    assert!(store.root().starts_with(t.dir.path()), "beside the database");
    let jpg = photo(30, 30, 6, None);
    let h = ContentHash::of(&jpg);
    let e = store.put_expected(&h, &jpg[1..]).unwrap_err();
    assert_eq!(e.code(), "rule.attachment.hash_mismatch");
    assert!(!store.has(&h));
    store.put_expected(&h, &jpg).unwrap();
    assert_eq!(store.put(&jpg).unwrap(), h, "idempotent");
    // Damage it on disk: reading names the file instead of serving the wrong bytes.
    let path = store.root().join("objects").join(h.rel_path());
    let mut b = std::fs::read(&path).unwrap();
    b[100] ^= 0xFF;
    std::fs::write(&path, b).unwrap();
    assert_eq!(store.read(&h).unwrap_err().code(), "rule.attachment.file_damaged");
    for bad in ["../../etc/passwd", "ABCDEF", &"g".repeat(64)] {
        assert!(ContentHash::parse(bad).is_err(), "{bad}");
    }
}

// ------------------------------------------------------------------ two laptops

fn join(base: &TestDb) -> TestDb {
    let mut t = TestDb::empty();
    let f = base.dir.path().join(format!("join-{}.jdb", t.db.device_id()));
    jingdi::sync::export(&base.db, &base.project(), &f, jingdi::sync::Scope::Full).unwrap();
    jingdi::sync::merge::import(&mut t.db, &f).unwrap();
    t.project = base.project;
    t
}

fn sync(t: &mut TestDb, folder: &std::path::Path) -> jingdi::sync::folder::FolderReport {
    let p = t.project();
    let r = jingdi::sync::folder::sync_folder(&mut t.db, &p, folder).unwrap();
    assert!(r.refused.is_empty(), "{:?}", r.refused);
    r
}

#[test]
fn two_laptops_exchange_photos_through_the_sync_folder_verified_and_refetched_when_damaged() {
    let mut a = TestDb::with_households(2);
    let mut b = join(&a);
    let share = tempfile::tempdir().unwrap();
    let (h1, h2) = (a.household("H1").id, a.household("H2").id);
    let pa = photo(1200, 900, 10, Some(exif_block("2024:01:03 09:00:00", None)));
    let pb = photo(1000, 800, 11, None);
    attach(&mut a, AttachTarget::Household, h1, AttachmentKind::HousePhoto, &[file("a.jpg", pa.clone())]).unwrap();
    attach(&mut b, AttachTarget::Household, h2, AttachmentKind::HousePhoto, &[file("b.jpg", pb.clone())]).unwrap();

    let ra = sync(&mut a, share.path());
    assert_eq!(ra.files.as_ref().unwrap().sent, 1);
    let on_a = evidence::for_household(a.db.conn(), h1).unwrap();
    assert_eq!((on_a[0].taken_at.as_deref(), on_a[0].latitude_e7), (Some("2024-01-03T09:00:00"), None));
    // The bundle carries the metadata only, not the photo.
    assert!(
        ra.exported.bytes < pa.len() as u64 / 4,
        "bundle {} bytes for a {} byte photo",
        ra.exported.bytes,
        pa.len()
    );
    let rb = sync(&mut b, share.path());
    let fb = rb.files.unwrap();
    assert_eq!((fb.sent, fb.received, fb.bytes_received), (1, 1, pa.len() as u64));
    let ra = sync(&mut a, share.path());
    assert_eq!(ra.files.unwrap().received, 1);
    assert_eq!(a.snapshot().0, b.snapshot().0, "same records");
    for t in [&a, &b] {
        let store = evidence::store_of(&t.db);
        assert_eq!(objects(t), {
            let mut v = vec![ContentHash::of(&pa), ContentHash::of(&pb)];
            v.sort();
            v
        });
        for h in objects(t) {
            store.read(&h).unwrap();
            assert!(store.read_rendition(&h, Rendition::Thumb).unwrap().is_some(), "thumbnail made on arrival");
        }
    }

    // A third photo is damaged in the folder on its way: refused, dropped, sent again, fetched.
    let pc = photo(900, 700, 12, None);
    let hc = ContentHash::of(&pc);
    attach(&mut a, AttachTarget::Household, h2, AttachmentKind::CropsPhoto, &[file("c.jpg", pc.clone())]).unwrap();
    sync(&mut a, share.path());
    let in_folder = share.path().join("T1").join("files").join(hc.rel_path());
    let mut bytes = std::fs::read(&in_folder).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&in_folder, bytes).unwrap();
    let fb = sync(&mut b, share.path()).files.unwrap();
    assert_eq!(fb.received, 0);
    assert_eq!(fb.refused.len(), 1);
    assert_eq!(
        (fb.refused[0].sha256.clone(), fb.refused[0].code.as_str()),
        (hc.clone(), "rule.attachment.hash_mismatch")
    );
    assert!(!evidence::store_of(&b.db).has(&hc), "nothing of a damaged file is kept");
    assert_eq!(evidence::missing(b.db.conn(), &evidence::store_of(&b.db), b.project).unwrap(), vec![hc.clone()]);
    assert!(!in_folder.exists(), "the damaged copy is dropped from the folder");
    assert_eq!(sync(&mut a, share.path()).files.unwrap().sent, 1, "sent again");
    let fb = sync(&mut b, share.path()).files.unwrap();
    assert_eq!((fb.received, fb.refused.len()), (1, 0));
    assert_eq!(evidence::store_of(&b.db).read(&hc).unwrap(), pc);
}

#[test]
fn operations_first_files_after() {
    let mut a = TestDb::with_households(1);
    let mut b = join(&a);
    let share = tempfile::tempdir().unwrap();
    let p = photo(300, 200, 20, None);
    let h1 = a.household("H1").id;
    attach(&mut a, AttachTarget::Household, h1, AttachmentKind::HousePhoto, &[file("p.jpg", p.clone())]).unwrap();
    sync(&mut a, share.path());
    let bp = b.project();
    let r = jingdi::sync::folder::sync_folder_with(&mut b.db, &bp, share.path(), false).unwrap();
    assert!(r.files.is_none());
    let listed = evidence::for_household(b.db.conn(), b.household("H1").id).unwrap();
    assert_eq!(listed.len(), 1, "the record arrived");
    let store = evidence::store_of(&b.db);
    assert_eq!(evidence::missing(b.db.conn(), &store, b.project).unwrap(), vec![ContentHash::of(&p)]);
    assert_eq!(store.read(&listed[0].sha256).unwrap_err().code(), "rule.attachment.file_missing");
    let f = transport::sync_files(&b.db, b.project, &Folder::new(share.path(), "T1")).unwrap();
    assert_eq!(f.received, 1);
    assert!(evidence::missing(b.db.conn(), &store, b.project).unwrap().is_empty());
}

// ------------------------------------------------------------------ the command line

#[test]
fn cli_attach_list_save_withdraw() {
    let c = crate::cli::Cli::new();
    c.ok(&["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("门前.jpg");
    let jpg = photo(640, 480, 30, Some(exif_block("2022:05:30 08:30:00", Some(([24, 54, 36], [118, 36, 0])))));
    std::fs::write(&p, &jpg).unwrap();
    let added = c.json(&["attachment", "add", p.to_str().unwrap(), "--household", "DX4-008", "--kind", "房屋照片"]);
    let id = added[0]["id"].as_str().unwrap().to_string();
    assert_eq!(added[0]["taken_at"], "2022-05-30T08:30:00");
    assert_eq!(added[0]["kind"], "house_photo");
    let text = c.ok(&["attachment", "list", "--household", "DX4-008"]);
    assert!(
        text.contains("门前.jpg") && text.contains("房屋照片") && text.contains("拍摄于 2022-05-30T08:30:00"),
        "{text}"
    );
    let out = dir.path().join("copy.jpg");
    c.ok(&["attachment", "save", &id, "--out", out.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out).unwrap(), jpg);
    let before = c.dump();
    let (code, err) = c.refused(&["attachment", "withdraw", &id]);
    assert_eq!(code, 1);
    assert!(err.contains("rule.attachment.withdraw_needs_reason"), "{err}");
    let bad = dir.path().join("合同.pdf");
    std::fs::write(&bad, &jpg).unwrap();
    let (_, err) =
        c.refused(&["attachment", "add", bad.to_str().unwrap(), "--household", "DX4-008", "--kind", "协议扫描件"]);
    assert!(err.contains("invalid_field.file") && err.contains("合同.pdf"), "{err}");
    assert_eq!(c.dump(), before);
    c.ok(&["attachment", "withdraw", &id, "--reason", "拍错了房子"]);
    assert_eq!(c.json(&["attachment", "list", "--household", "DX4-008"]).as_array().unwrap().len(), 0);
    let all = c.json(&["attachment", "list", "--household", "DX4-008", "--all"]);
    assert_eq!(all[0]["withdrawn_reason"], "拍错了房子");
    // A pole and a demolition day by their natural keys.
    c.ok(&["attachment", "add", p.to_str().unwrap(), "--pole", "DL-01", "--kind", "其他"]);
    c.ok(&["attachment", "add", p.to_str().unwrap(), "--demolition-day", "2022-08-12", "--kind", "其他"]);
    assert!(c.json(&["attachment", "missing"]).as_array().unwrap().is_empty());
}

#[test]
fn without_libheif_a_heic_is_stored_and_gets_its_thumbnail_where_libheif_is() {
    let c = crate::cli::Cli::new();
    c.ok(&["demo"]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("青苗.HEIC");
    std::fs::write(&p, TWO_COLOURS_HEIC).unwrap();
    // A laptop without libheif: the photo is taken as it is, with no picture made.
    let no_libheif = [("JINGDI_LIBHEIF", "/nonexistent/libheif.so.1")];
    let args = ["attachment", "add", p.to_str().unwrap(), "--household", "DX4-008", "--kind", "其他", "--json"];
    let o = c.run_with(&no_libheif, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let added: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((&added[0]["format"], &added[0]["width"]), (&serde_json::json!("heic"), &serde_json::Value::Null));
    let db = jingdi::db::Db::open(&c.db).unwrap();
    let id = Uuid::parse_str(added[0]["id"].as_str().unwrap()).unwrap();
    let a = evidence::get(db.conn(), id).unwrap();
    let store = evidence::store_of(&db);
    assert!(store.has(&a.sha256));
    assert_eq!(store.read_rendition(&a.sha256, Rendition::Thumb).unwrap(), None);
    // This process has libheif: the thumbnail is made when first asked for, and kept.
    let thumb = evidence::rendition(&store, &a, Rendition::Thumb).unwrap().expect("decoded here");
    assert_eq!(store.read_rendition(&a.sha256, Rendition::Thumb).unwrap(), Some(thumb));
}

// ------------------------------------------------------------------ search

/// The demo plot, and a second project holding 柯添丁 and a few namesakes.
fn two_projects() -> TestDb {
    let mut t = TestDb::demo();
    t.write(|tx| {
        let p = jingdi::project::create(
            tx,
            &jingdi::project::NewProject {
                code: "QZ7".into(),
                name: "清源7号地块".into(),
                city: "泉州市".into(),
                district: "丰泽区".into(),
                street: "清源街道".into(),
                community: "".into(),
                window_opens_on: crate::d("2024-01-01"),
                window_closes_on: crate::d("2024-03-31"),
                clearance_target: None,
                status: jingdi::vocab::ProjectStatus::Signing,
                as_of: None,
            },
        )?;
        jingdi::project::add_group(tx, p, "一组", None, &[])?;
        for (no, name, phone, address, seq) in [
            ("QZ7-001", "柯添丁", "13905951234", "清源山路18号", 1),
            ("QZ7-002", "单丽华", "13805950000", "北门街2号", 2),
            ("QZ7-003", "曾国强", "0595-22881234", "东街55号之一", 3),
            ("QZ7-004", "柯天", "13600000001", "清源山路20号", 4),
        ] {
            let h = jingdi::household::register(
                tx,
                p,
                &jingdi::household::NewHousehold {
                    number: no.into(),
                    head_name: name.into(),
                    id_number: Some(id_number("19650304", seq)),
                    phone: phone.into(),
                    address: address.into(),
                    members_count: 2,
                    floor_area: 80_00,
                    structure: "砖木".into(),
                    group: "一组".into(),
                    ..Default::default()
                },
            )?;
            if no == "QZ7-001" {
                jingdi::household::record_agreement(
                    tx,
                    h,
                    &jingdi::household::Agreement {
                        agreement_no: "QY征补〔2024〕第017号".into(),
                        agreement_date: crate::d("2024-01-20"),
                        compensation_mode: jingdi::vocab::CompensationMode::Monetary,
                        signed_area: 80_00,
                    },
                    None,
                )?;
            }
        }
        Ok(())
    })
    .unwrap();
    t
}

fn numbers(t: &TestDb, q: &str) -> Vec<String> {
    jingdi::search::search(t.db.conn(), q, 50).unwrap().into_iter().map(|h| h.number).collect()
}

#[test]
fn search_finds_anyone_by_every_key_across_projects() {
    let t = two_projects();
    let first = |q: &str| numbers(&t, q).first().cloned().unwrap_or_default();
    // 拼音首字母: the whole name first, then names it starts.
    let spells = |name: &str, q: &str| {
        let ini = jingdi::search::initials(name);
        ini.len() == q.len() && q.chars().zip(&ini).all(|(c, o)| o.contains(&c))
    };
    let ktd = jingdi::search::search(t.db.conn(), "KTD", 50).unwrap();
    assert!(ktd.iter().any(|h| h.number == "QZ7-001"));
    assert!(ktd.iter().all(|h| spells(&h.head_name, "ktd")), "only names spelling ktd (the demo has namesakes)");
    let kt = numbers(&t, "kt");
    assert_eq!(kt[0], "QZ7-004", "柯天 spells kt exactly: first");
    assert!(kt.contains(&"QZ7-001".to_string()), "柯添丁 starts with kt");
    // Polyphonic surnames: 单 read shan, 曾 read zeng.
    assert!(numbers(&t, "slh").contains(&"QZ7-002".to_string()));
    assert!(numbers(&t, "zgq").contains(&"QZ7-003".to_string()));
    // Name, whole or part.
    let named = jingdi::search::search(t.db.conn(), "柯添丁", 50).unwrap();
    assert!(named.iter().any(|h| h.number == "QZ7-001" && h.project_code == "QZ7"));
    assert!(named.iter().all(|h| h.head_name == "柯添丁"), "the demo has two more 柯添丁");
    assert!(numbers(&t, "添丁").contains(&"QZ7-001".to_string()));
    // Household number, also as a Chinese IME types it (full-width).
    assert_eq!(first("QZ7-003"), "QZ7-003");
    assert_eq!(first("ｑｚ７－００３"), "QZ7-003");
    // ID number: whole, last 6, last 4 (and full-width digits).
    let id = id_number("19650304", 1);
    assert_eq!(numbers(&t, &id), vec!["QZ7-001"]);
    assert!(numbers(&t, &id[12..]).contains(&"QZ7-001".to_string()));
    assert!(numbers(&t, &id[14..]).contains(&"QZ7-001".to_string()));
    let wide: String = id[12..].chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect();
    assert!(numbers(&t, &wide).contains(&"QZ7-001".to_string()));
    // Phone: whole, with a space typed in, last 4.
    assert_eq!(first("13905951234"), "QZ7-001");
    assert_eq!(first("139 0595 1234"), "QZ7-001");
    let tail = numbers(&t, "1234");
    assert!(tail.contains(&"QZ7-001".to_string()) && tail.contains(&"QZ7-003".to_string()), "{tail:?}");
    // Address fragment and agreement number.
    assert_eq!(numbers(&t, "清源山路"), vec!["QZ7-001", "QZ7-004"]);
    assert_eq!(first("第017号"), "QZ7-001");
    // Across projects: the demo's households are found by the same box.
    let demo = jingdi::household::by_number(t.db.conn(), t.project, "DX4-024").unwrap();
    let hits = jingdi::search::search(t.db.conn(), &demo.head_name, 50).unwrap();
    assert_eq!((hits[0].number.as_str(), hits[0].project_code.as_str()), ("DX4-024", "DX4"));
    assert_eq!(first("dx4-024"), "DX4-024");
    // Nothing, and LIKE's wildcards are plain characters.
    assert!(numbers(&t, "   ").is_empty());
    assert!(numbers(&t, "%").is_empty());
    assert!(numbers(&t, "zzzzzz").is_empty());
}

#[test]
fn cli_search() {
    let c = crate::cli::Cli::new();
    c.ok(&["demo"]);
    let name = c.json(&["household", "show", "--household", "DX4-024"])["household"]["head_name"]
        .as_str()
        .unwrap()
        .to_string();
    let initials: String = jingdi::search::initials(&name).iter().map(|c| c[0]).collect();
    let hits = c.json(&["search", &initials]);
    assert!(hits.as_array().unwrap().iter().any(|h| h["number"] == "DX4-024"), "{initials}: {hits}");
    let h = &c.json(&["search", "DX4-024"])[0];
    for key in [
        "household_id",
        "number",
        "head_name",
        "address",
        "project_id",
        "project_code",
        "project_name",
        "stage",
        "matched_by",
    ] {
        assert!(h.get(key).is_some(), "{key}");
    }
    assert!(c.ok(&["search", "DX4-024"]).contains(&name));
}
