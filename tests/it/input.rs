//! Input as people type it and files as they come (issue 12): full-width digits accepted in
//! their normal form, values no rule allows refused by name with nothing written, exports
//! that cannot carry formulas, and readers whose limits refuse a file before it can exhaust
//! memory. The same examples are run through the `jingdi` command.

use crate::cli::Cli;
use crate::{TestDb, AUTHOR};
use jingdi::office::{self, roster, source, ExportKind, ExportOptions, Format};
use jingdi::sync::bundle;
use std::io::Write;
use std::path::{Path, PathBuf};

fn code_of(stderr: &str) -> &str {
    stderr.split('[').nth(1).and_then(|s| s.split(']').next()).unwrap_or("")
}

/// The issue's examples, typed at the command line on the demo plot: nothing panics (exit
/// 101), a refusal exits 1 with its code and changes nothing, full-width input is stored in
/// its normal form.
#[test]
fn the_issues_examples_through_the_command() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let before = c.dump();
    // A full-width 2 in an ID whose check digit is then wrong: refused, not a panic.
    let (code, err) = c.refused(&["household", "set", "--household", "DX4-050", "id_number", "350503199001011２34"]);
    assert_eq!((code, code_of(&err)), (1, "invalid_field.id_number"), "{err}");
    assert!(err.contains("校验位"), "{err}");
    // A Chinese character in the 17th place (cutting it by bytes used to panic).
    let (code, err) = c.refused(&["household", "set", "--household", "DX4-050", "id_number", "3505031990010112一6"]);
    assert_eq!((code, code_of(&err)), (1, "invalid_field.id_number"), "{err}");
    // An amount the parser cannot read exactly is refused with how to write it.
    let (code, err) =
        c.refused(&["compensation", "add", "--household", "DX4-050", "--kind", "crops", "--amount", "二百万"]);
    assert_eq!((code, code_of(&err)), (1, "invalid_field.amount"), "{err}");
    assert!(err.contains("209万"), "{err}");
    assert_eq!(c.dump(), before, "refusals change nothing");

    // Full-width as an IME types it, the household addressed in full width too.
    c.ok(&["household", "set", "--household", "ＤＸ４－０５０", "id_number", "35050319900101１２３６"]);
    c.ok(&["household", "set", "--household", "DX4-050", "phone", "１３９－００００－１１１１"]);
    c.ok(&["household", "set", "--household", "DX4-050", "members_count", "５人"]);
    c.ok(&["household", "set", "--household", "DX4-050", "floor_area", "３４２．５０平方米"]);
    let h = &c.json(&["household", "show", "--household", "DX4-050"])["household"];
    assert_eq!(h["id_number"], "350503199001011236");
    assert_eq!(h["phone"], "139-0000-1111");
    assert_eq!(h["members_count"], 5);
    assert_eq!(h["floor_area"], 34250);
    // 209万 is 2,090,000.00 元.
    let out = c.ok(&[
        "compensation",
        "add",
        "--household",
        "DX4-050",
        "--kind",
        "crops",
        "--label",
        "苗木",
        "--amount",
        "209万",
    ]);
    assert!(out.contains("2,090,000.00"), "{out}");

    // A roster cell typed in full width: converted, not a crash.
    let roster = c.dir.path().join("花名册.csv");
    std::fs::write(
        &roster,
        "户号,户主,身份证号,联系电话,家庭人口,房屋面积,动迁组\nＤＸ４－２０１,张全角,35050319900101１２４４,１３９００００１２３４,３人,１２０．５０,第一组\n",
    )
    .unwrap();
    c.ok(&["import", "roster", roster.to_str().unwrap()]);
    let h = &c.json(&["household", "show", "--household", "DX4-201"])["household"];
    assert_eq!(
        (h["id_number"].as_str(), h["phone"].as_str(), h["members_count"].as_i64(), h["floor_area"].as_i64()),
        (Some("350503199001011244"), Some("13900001234"), Some(3), Some(12050))
    );
}

/// The issue's bundle through the command: a second laptop joins, then a bundle whose
/// values no rule allows is refused as a whole by `jingdi sync import`, naming operation,
/// field and value; the laptop is as before.
#[test]
fn a_bundle_with_bad_values_is_refused_by_the_command() {
    let a = Cli::new();
    a.ok(&["demo"]);
    let full = a.dir.path().join("full.jdb");
    a.ok(&["sync", "export", "--full", "--out", full.to_str().unwrap()]);
    a.ok(&["household", "set", "--household", "DX4-050", "phone", "13900000050"]);
    a.ok(&["household", "set", "--household", "DX4-051", "phone", "13900000051"]);
    let week = a.dir.path().join("week.jdb");
    a.ok(&["sync", "export", "--out", week.to_str().unwrap()]);
    let b = Cli::new();
    b.ok(&["sync", "import", full.to_str().unwrap()]);
    let before = b.dump();
    for (field, value, shown) in [
        ("stage", serde_json::json!("archived"), "\"archived\""),
        ("agreement_amount", serde_json::json!("一百万"), "\"一百万\""),
        ("members_count", serde_json::json!(-5), "-5"),
    ] {
        let mut bu = bundle::read(&week).unwrap();
        let last = bu.ops.len() - 1;
        let op = &mut bu.ops[last];
        op.fields = jingdi::oplog::Fields::new().set(field, value);
        let id = op.id;
        let bad = a.dir.path().join(format!("bad-{field}.jdb"));
        bundle::write(&bad, bu.header, &bu.ops).unwrap();
        let (code, err) = b.refused(&["sync", "import", bad.to_str().unwrap()]);
        assert_eq!((code, code_of(&err)), (1, "bundle.invalid_value"), "{err}");
        for part in [id.to_string(), format!("字段 {field}"), shown.to_string(), "整个数据包未导入".into()] {
            assert!(err.contains(&part), "{field}: names {part}: {err}");
        }
        assert_eq!(b.dump(), before, "{field}: nothing written, the good operation beside it included");
    }
    b.ok(&["sync", "import", week.to_str().unwrap()]);
    assert_ne!(b.dump(), before);
}

#[test]
fn amounts_areas_and_dates_as_typed() {
    use jingdi::units::{parse_date, parse_hundredths, parse_signed_hundredths};
    let cases: &[(&str, Option<i64>)] = &[
        ("209万", Some(209_000_000)),
        ("209万元", Some(209_000_000)),
        ("２０９万", Some(209_000_000)),
        ("1.2345万", Some(1_234_500)),
        ("0.000001万", Some(1)),
        ("0.0000001万", None),
        ("1,078,440.50元", Some(107_844_050)),
        ("１，０７８，４４０．５０", Some(107_844_050)),
        ("125.40㎡", Some(12_540)),
        ("125.40 平方米", Some(12_540)),
        ("万", None),
        ("二百万", None),
        ("9999999999999999万", None),
    ];
    for (text, want) in cases {
        assert_eq!(parse_hundredths("amount", text).ok(), *want, "{text}");
    }
    assert_eq!(parse_signed_hundredths("adjustment", "－５００").unwrap(), -50_000);
    assert_eq!(parse_date("d", "２０２２－０８－１５").unwrap(), crate::d("2022-08-15"));
    assert!(parse_date("d", "2022-02-30").is_err());
}

// ---------------------------------------------------------------------------------------
// Exports that cannot carry formulas.

const NASTY: &[&str] = &["=HYPERLINK(\"http://evil\",\"点我\")", "@SUM(1+1)", "+86 139", "-2+3", "\tcmd", "\r=1+1"];

/// A table whose names and addresses are formulas, exported to CSV (ledger, disclosure) and
/// read back: every such cell starts with an apostrophe, numbers are still plain figures.
#[test]
fn csv_exports_neutralise_formulas_and_keep_numbers() {
    let mut t = TestDb::with_households(NASTY.len());
    for (i, s) in NASTY.iter().enumerate() {
        let h = t.household(&format!("H{}", i + 1)).id;
        t.write(|tx| jingdi::household::set(tx, h, "head_name", &format!("{s}x"), None)).unwrap();
        t.write(|tx| jingdi::household::set(tx, h, "address", s, None)).unwrap();
    }
    let p = t.project();
    for kind in [ExportKind::Ledger, ExportKind::Disclosure] {
        let path = t.dir.path().join(format!("{}.csv", kind.id()));
        office::export(t.db.conn(), &p, kind, Some(Format::Csv), &path, &ExportOptions::default()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
        let mut rd = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        let cells: Vec<String> =
            rd.records().flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>()).collect();
        for c in &cells {
            let risky = c.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(!risky || c.parse::<f64>().is_ok(), "{kind:?}: a cell a spreadsheet would run: {c:?}");
        }
        if kind == ExportKind::Ledger {
            // Text is stored trimmed (a leading tab or CR goes on entry); what remains is kept.
            for n in NASTY.iter().map(|n| n.trim()).filter(|n| !n.starts_with(char::is_alphanumeric)) {
                assert!(cells.iter().any(|c| *c == format!("'{n}")), "{kind:?}: {n:?} kept, behind an apostrophe");
            }
            // The areas are numbers, written as plain figures.
            assert!(cells.iter().any(|c| c == "100.00"), "{cells:?}");
        }
    }
    // A negative figure stays a number; text that only looks like one does not slip through.
    use jingdi::office::table::csv_safe;
    assert_eq!(csv_safe("-1500.00"), "-1500.00");
    assert_eq!(csv_safe("+3"), "+3");
    assert_eq!(csv_safe("-1+2"), "'-1+2");
    assert_eq!(csv_safe("-"), "'-");
    assert_eq!(csv_safe("=1"), "'=1");
    assert_eq!(csv_safe("张三"), "张三");
}

/// In .xlsx the same text is a string cell, never a formula.
#[test]
fn xlsx_exports_write_text_as_text() {
    use calamine::{Data, Reader};
    let mut t = TestDb::with_households(1);
    let h = t.household("H1").id;
    t.write(|tx| jingdi::household::set(tx, h, "address", NASTY[0], None)).unwrap();
    let path = t.dir.path().join("台账.xlsx");
    office::export(t.db.conn(), &t.project(), ExportKind::Ledger, None, &path, &ExportOptions::default()).unwrap();
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).unwrap();
    assert!(range.used_cells().any(|(_, _, d)| *d == Data::String(NASTY[0].into())), "the address as a string");
    let formulas = wb.worksheet_formula(&sheet).unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula in the sheet");
}

/// An export that cannot be written says why (not "数据错误") and leaves no file, half or
/// temporary, under any name; the file it would replace is untouched.
#[test]
fn a_failed_export_leaves_nothing_and_says_why() {
    let t = TestDb::with_households(2);
    let p = t.project();
    let dir = t.dir.path().join("out");
    std::fs::create_dir_all(dir.join("台账.csv")).unwrap();
    let e = office::export(
        t.db.conn(),
        &p,
        ExportKind::Ledger,
        Some(Format::Csv),
        &dir.join("台账.csv"),
        &ExportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "cannot_write", "{e}");
    assert!(e.to_string().contains("文件夹"), "{e}");
    let blocker = dir.join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    let e = office::export(
        t.db.conn(),
        &p,
        ExportKind::Ledger,
        None,
        &blocker.join("台账.xlsx"),
        &ExportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "cannot_write", "{e}");
    let names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into()).collect();
    assert_eq!(names.len(), 2, "no partial file left: {names:?}");
    // A good export replaces the old file whole.
    let good = dir.join("公示.csv");
    std::fs::write(&good, b"old").unwrap();
    office::export(t.db.conn(), &p, ExportKind::Disclosure, None, &good, &ExportOptions::default()).unwrap();
    assert!(std::fs::read(&good).unwrap().starts_with(b"\xEF\xBB\xBF"));
}

// ---------------------------------------------------------------------------------------
// Readers with limits.

fn gz_bundle(path: &Path, header: &[u8], body: impl FnOnce(&mut dyn Write)) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(bundle::MAGIC).unwrap();
    let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
    gz.write_all(header).unwrap();
    body(&mut gz);
    gz.finish().unwrap();
}

fn header_line(t: &TestDb, op_count: usize) -> Vec<u8> {
    let good = t.dir.path().join("h.jdb");
    jingdi::sync::export(&t.db, &t.project(), &good, jingdi::sync::Scope::Full).unwrap();
    let mut h = bundle::read(&good).unwrap().header;
    h.op_count = op_count;
    let mut line = serde_json::to_vec(&h).unwrap();
    line.push(b'\n');
    line
}

/// Bundles built to hurt: each is refused by name with nothing written, within its limit.
#[test]
fn bundle_reader_limits() {
    let a = TestDb::with_households(1);
    let mut b = crate::sync::join(&a);
    let before = b.snapshot();
    let dir = a.dir.path();
    let refused = |b: &mut TestDb, p: &PathBuf, code: &str, says: &str| {
        let e = jingdi::sync::merge::import(&mut b.db, p).unwrap_err();
        assert_eq!(e.code(), code, "{}: {e}", p.display());
        assert!(e.to_string().contains(says), "{e}");
    };
    // A header that never ends.
    let p = dir.join("header.jdb");
    gz_bundle(&p, b"{", |w| w.write_all(&vec![b' '; bundle::MAX_HEADER + 10]).unwrap());
    refused(&mut b, &p, "bundle.too_large", "数据包头");
    // A declared operation count past the limit.
    let p = dir.join("count.jdb");
    gz_bundle(&p, &header_line(&a, bundle::MAX_OPS + 1), |_| {});
    refused(&mut b, &p, "bundle.too_large", "上限");
    // One line longer than any operation.
    let p = dir.join("line.jdb");
    gz_bundle(&p, &header_line(&a, 1), |w| {
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..(bundle::MAX_LINE >> 20) + 2 {
            w.write_all(&chunk).unwrap();
        }
    });
    refused(&mut b, &p, "bundle.too_large", "一行");
    // A gzip bomb: a few MB that unzip past the limit, refused while unzipping.
    let p = dir.join("bomb.jdb");
    gz_bundle(&p, &header_line(&a, 1), |w| {
        let chunk = vec![b'\n'; 1 << 20];
        for _ in 0..(bundle::MAX_UNZIPPED >> 20) + 1 {
            w.write_all(&chunk).unwrap();
        }
    });
    assert!(std::fs::metadata(&p).unwrap().len() < bundle::MAX_UNZIPPED / 64, "a small file");
    refused(&mut b, &p, "bundle.too_large", "解压后");
    // Truncated, not UTF-8, numbers and nesting no operation has.
    let good = dir.join("good.jdb");
    jingdi::sync::export(&a.db, &a.project(), &good, jingdi::sync::Scope::Full).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let p = dir.join("cut.jdb");
    std::fs::write(&p, &bytes[..bytes.len() * 2 / 3]).unwrap();
    refused(&mut b, &p, "bundle.damaged", "损坏");
    for (name, line) in [
        ("latin1", b"{\"id\":\"\xff\xfe\"}\n".to_vec()),
        ("number", b"{\"seq\":1e999999}\n".to_vec()),
        ("nested", [vec![b'['; 100_000], vec![b']'; 100_000], vec![b'\n']].concat()),
    ] {
        let p = dir.join(format!("{name}.jdb"));
        let mut h: bundle::Header = serde_json::from_slice(&header_line(&a, 1)).unwrap();
        h.ops_sha256 = sha256_hex(&line);
        let mut head = serde_json::to_vec(&h).unwrap();
        head.push(b'\n');
        gz_bundle(&p, &head, |w| w.write_all(&line).unwrap());
        refused(&mut b, &p, "bundle.damaged", "无法解析");
    }
    assert_eq!(b.snapshot(), before);
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

fn preview_of(t: &TestDb, path: &Path) -> jingdi::Result<roster::Preview> {
    roster::preview(t.db.conn(), &t.project(), path, &roster::ImportOptions::default())
}

/// A sheet with a cell at XFD1048576 is refused by its size, without allocating the grid.
#[test]
fn spreadsheet_dimensions_are_checked_before_a_grid_is_made() {
    let t = TestDb::with_households(0);
    let before = t.snapshot();
    let p = t.dir.path().join("远.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "户号").unwrap();
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    wb.save(&p).unwrap();
    let e = preview_of(&t, &p).unwrap_err();
    assert_eq!(e.code(), "rule.import.too_large", "{e}");
    assert!(e.to_string().contains("1048576"), "{e}");

    // .xls: a DIMENSIONS record claiming four billion rows, and two cells far apart.
    for (name, records) in [
        (
            "声明.xls",
            vec![biff(0x0809, &[0; 16]), biff(0x0200, &[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1, 0, 0])],
        ),
        (
            "两格.xls",
            vec![
                biff(0x0809, &[0; 16]),
                biff(0x0203, &[0; 14]),
                biff(0x0203, &[0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            ],
        ),
    ] {
        let p = t.dir.path().join(name);
        {
            let mut c = cfb::create(&p).unwrap();
            c.create_stream("Workbook").unwrap().write_all(&[records.concat(), biff(0x000A, &[])].concat()).unwrap();
            c.flush().unwrap();
        }
        let e = preview_of(&t, &p).unwrap_err();
        assert_eq!(e.code(), "rule.import.too_large", "{name}: {e}");
    }

    // CSV: too many columns, too many rows.
    let p = t.dir.path().join("宽.csv");
    std::fs::write(&p, format!("户号{}\n", ",x".repeat(source::MAX_COLS + 1))).unwrap();
    assert_eq!(preview_of(&t, &p).unwrap_err().code(), "rule.import.too_large");
    let p = t.dir.path().join("长.csv");
    std::fs::write(&p, "户号,户主\n".to_string() + &"1,a\n".repeat(source::MAX_ROWS + 1)).unwrap();
    assert_eq!(preview_of(&t, &p).unwrap_err().code(), "rule.import.too_large");
    assert_eq!(t.snapshot(), before);
}

fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    [typ.to_le_bytes().to_vec(), (data.len() as u16).to_le_bytes().to_vec(), data.to_vec()].concat()
}

/// An .xlsx whose parts unzip past the limit is refused while unzipping.
#[test]
fn an_xlsx_zip_bomb_is_refused() {
    let t = TestDb::with_households(0);
    let p = t.dir.path().join("炸弹.xlsx");
    {
        let mut z = zip::ZipWriter::new(std::fs::File::create(&p).unwrap());
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(true);
        z.start_file("xl/sharedStrings.xml", o).unwrap();
        let chunk = vec![b' '; 1 << 20];
        for _ in 0..(source::MAX_UNZIPPED >> 20) + 1 {
            z.write_all(&chunk).unwrap();
        }
        z.finish().unwrap();
    }
    let e = preview_of(&t, &p).unwrap_err();
    assert_eq!(e.code(), "rule.import.too_large", "{e}");
}

// ---------------------------------------------------------------------------------------
// Fuzzing on stable Rust: random and mutated inputs never panic, and a refusal leaves the
// database as it was. Case counts are fixed (proptest's seeded runner); a crash found here
// becomes a case in the tests above.

use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

proptest! {
    #![proptest_config(config(2_000))]

    /// ID numbers, money, areas, dates, phones, counts: every field of every entity reads
    /// any text without panicking, and what it accepts passes the field's own check.
    #[test]
    fn typed_values_never_panic(s in "\\PC{0,24}", digits in "[0-9０-９一Xx万元.,，－-]{0,20}") {
        for t in [s.as_str(), digits.as_str()] {
            let _ = jingdi::idcard::validate(t);
            let _ = jingdi::units::parse_hundredths("amount", t);
            let _ = jingdi::units::parse_signed_hundredths("amount", t);
            let _ = jingdi::units::parse_date("d", t);
            let _ = jingdi::schema::check_phone(t);
            for spec in jingdi::schema::ENTITIES {
                for f in spec.fields {
                    if let Ok(v) = f.parse(t) {
                        prop_assert!(f.check(&v).is_ok(), "{}.{} accepted {t:?} as {v}", spec.id, f.name);
                    }
                }
            }
        }
    }

    /// ID numbers of 18 characters in any mix of half- and full-width digits.
    #[test]
    fn full_width_id_numbers_read_as_half_width(seq in 0u32..1000, mask in any::<u32>()) {
        let id = crate::id_number("19800229", seq);
        let typed: String = id.chars().enumerate().map(|(i, c)| {
            if mask >> (i % 32) & 1 == 1 && c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap() } else { c }
        }).collect();
        prop_assert_eq!(jingdi::idcard::validate(&typed).unwrap(), id);
    }
}

/// Byte edits a fuzz case describes: overwrite, flip a bit, truncate or insert at a position.
pub(crate) fn mutate(bytes: &mut Vec<u8>, edits: &[(usize, u8, u8)]) {
    for (at, kind, b) in edits {
        if bytes.is_empty() {
            bytes.push(*b);
            continue;
        }
        let i = at % bytes.len();
        match kind % 4 {
            0 => bytes[i] = *b,
            1 => bytes[i] ^= 1 << (b % 8),
            2 => bytes.truncate(i),
            _ => bytes.insert(i, *b),
        }
    }
}

fn roster_xlsx() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["户号", "户主", "身份证号", "联系电话", "家庭人口", "房屋面积", "动迁组"].iter().enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..6u32 {
        ws.write_string(r, 0, format!("N{r}")).unwrap();
        ws.write_string(r, 1, "张三").unwrap();
        ws.write_string(r, 2, crate::id_number("19700101", r)).unwrap();
        ws.write_number(r, 3, 13800000000.0).unwrap();
        ws.write_number(r, 4, 3.0).unwrap();
        ws.write_number(r, 5, 88.5).unwrap();
        ws.write_string(r, 6, "一组").unwrap();
    }
    ws.merge_range(7, 0, 7, 2, "合计", &rust_xlsxwriter::Format::new()).unwrap();
    wb.save_to_buffer().unwrap()
}

proptest! {
    #![proptest_config(config(200))]

    /// Roster files (.xlsx, CSV in UTF-8 and GBK) with random edits: the preview answers or
    /// refuses, and an import that is refused changes nothing.
    #[test]
    fn mutated_rosters_never_panic(which in 0usize..3, edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..8)) {
        thread_local!(static DB: std::cell::RefCell<Option<TestDb>> = const { std::cell::RefCell::new(None) });
        let csv = "户号,户主,身份证号,联系电话,家庭人口,房屋面积,动迁组\nN1,张三,11010519491231002X,13800000000,3,88.50,一组\n";
        let mut bytes = match which {
            0 => roster_xlsx(),
            1 => csv.as_bytes().to_vec(),
            _ => encoding_rs::GBK.encode(csv).0.into_owned(),
        };
        mutate(&mut bytes, &edits);
        DB.with(|db| {
            let mut db = db.borrow_mut();
            let t = db.get_or_insert_with(|| TestDb::with_households(1));
            let p = t.dir.path().join(if which == 0 { "r.xlsx" } else { "r.csv" });
            std::fs::write(&p, &bytes).unwrap();
            let _ = source::read(&p);
            let before = t.snapshot();
            let project = t.project();
            if roster::import(&mut t.db, AUTHOR, &project, &p, &roster::ImportOptions::default()).is_err() {
                assert_eq!(t.snapshot(), before);
            }
        });
    }

    /// Bundles with random edits, before the gzip (the checksum then recomputed so the
    /// edit reaches the parser and the merge's checks) or after it: each is merged or
    /// refused whole, never a panic, and a refused one leaves the laptop as it was.
    #[test]
    fn mutated_bundles_never_panic(inner in any::<bool>(), edits in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 1..6)) {
        thread_local!(static PAIR: std::cell::RefCell<Option<(TestDb, TestDb, Vec<u8>)>> = const { std::cell::RefCell::new(None) });
        PAIR.with(|pair| {
            let mut pair = pair.borrow_mut();
            let (a, b, good) = pair.get_or_insert_with(|| {
                let mut a = TestDb::with_households(2);
                let b = crate::sync::join(&a);
                crate::sync::set_phone(&mut a, "H1", "13900000001");
                crate::sync::visit(&mut a, "H2", "上门");
                let p = a.dir.path().join("good.jdb");
                jingdi::sync::export(&a.db, &a.project(), &p, jingdi::sync::Scope::Unseen).unwrap();
                let bytes = std::fs::read(&p).unwrap();
                (a, b, bytes)
            });
            let p = a.dir.path().join("fuzz.jdb");
            if inner {
                let bu = bundle::read(&a.dir.path().join("good.jdb")).unwrap();
                let mut payload: Vec<u8> = bu.ops.iter().flat_map(|o| {
                    let mut l = serde_json::to_vec(o).unwrap();
                    l.push(b'\n');
                    l
                }).collect();
                mutate(&mut payload, &edits);
                let mut h = bu.header.clone();
                h.ops_sha256 = sha256_hex(&payload);
                let mut head = serde_json::to_vec(&h).unwrap();
                head.push(b'\n');
                gz_bundle(&p, &head, |w| w.write_all(&payload).unwrap());
            } else {
                let mut bytes = good.clone();
                mutate(&mut bytes, &edits);
                std::fs::write(&p, &bytes).unwrap();
            }
            let before = b.snapshot();
            if jingdi::sync::merge::import(&mut b.db, &p).is_err() {
                assert_eq!(b.snapshot(), before);
            }
        });
    }
}

/// The clock rule: an operation stamped more than a day ahead of the receiver's clock is
/// refused (it would drag every laptop's clock forward for good); within a day it merges.
#[test]
fn an_operation_from_the_far_future_is_refused() {
    let mut a = TestDb::with_households(1);
    let mut b = crate::sync::join(&a);
    crate::sync::set_phone(&mut a, "H1", "13900000001");
    let good = a.dir.path().join("good.jdb");
    jingdi::sync::export(&a.db, &a.project(), &good, jingdi::sync::Scope::Unseen).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    // Re-signed as a laptop with that clock would have: the clock rule, not the signature, refuses.
    let key = crate::sync::test_key(&a);
    let stamped = |name: &str, ms: i64| {
        crate::sync::rewrite(&good, name, |bu| {
            let last = bu.ops.len() - 1;
            bu.ops[last].hlc = ms << 16;
            crate::sync::resign(bu, &key);
        })
    };
    let before = b.snapshot();
    let far = stamped("far", now + 3 * jingdi::sync::check::MAX_CLOCK_AHEAD_MS);
    let e = jingdi::sync::merge::import(&mut b.db, &far).unwrap_err();
    assert_eq!(e.code(), "bundle.clock_ahead", "{e}");
    assert!(e.to_string().contains("本次导入未写入任何内容"), "{e}");
    assert_eq!(b.snapshot(), before);
    let near = stamped("near", now + jingdi::sync::check::MAX_CLOCK_AHEAD_MS / 2);
    assert_eq!(jingdi::sync::merge::import(&mut b.db, &near).unwrap().new_operations, 1);
}

proptest! {
    #![proptest_config(config(200))]

    /// .xls files of random BIFF records (cells anywhere, DIMENSIONS of any size, sheets,
    /// strings, garbage) in a real compound file: refused or read, never a panic or an abort.
    #[test]
    fn random_xls_never_panic(records in prop::collection::vec((prop::sample::select(vec![
        0x0809u16, 0x0085, 0x0200, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00BD, 0x00BE, 0x00FC, 0x0006, 0x00E5, 0x0042, 0x000A, 0x0013,
    ]), prop::collection::vec(any::<u8>(), 0..24)), 1..24)) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.xls");
        {
            let mut c = cfb::create(&p).unwrap();
            let stream: Vec<u8> = records.iter().flat_map(|(t, d)| biff(*t, d)).collect();
            c.create_stream("Workbook").unwrap().write_all(&stream).unwrap();
            c.flush().unwrap();
        }
        let _ = source::read(&p);
    }
}
