//! Office files: roster import (every rejection reason, all or nothing, re-import as
//! update) and the exports read back (calamine for .xlsx, the XML inside .docx, CSV bytes).

use crate::{d, id_number, TestDb, AUTHOR};
use calamine::{Data, Reader};
use jingdi::office::headers::Field;
use jingdi::office::roster::{self, Action, ColumnChoice, ImportOptions, Reason};
use jingdi::office::{self, ExportKind, ExportOptions, Format};
use jingdi::report::summary::summary;
use rust_xlsxwriter::{Format as XFormat, Workbook};
use std::io::Read;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

// ------------------------------------------------------------------ fixtures

/// A cell of a fixture row: text, or a number as Excel stores it.
#[derive(Clone)]
enum C {
    T(&'static str),
    S(String),
    N(f64),
    E,
}

fn roster_xlsx(
    path: &Path,
    title: Option<&str>,
    headers: &[&str],
    rows: &[Vec<C>],
    merge: Option<(u32, u16, u32, u16)>,
) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let mut r = 0;
    if let Some(t) = title {
        ws.merge_range(0, 0, 0, headers.len() as u16 - 1, t, &XFormat::new()).unwrap();
        r = 1;
    }
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(r, c as u16, *h).unwrap();
    }
    for row in rows {
        r += 1;
        for (c, v) in row.iter().enumerate() {
            match v {
                C::T(s) => ws.write_string(r, c as u16, *s).map(|_| ()).unwrap(),
                C::S(s) => ws.write_string(r, c as u16, s).map(|_| ()).unwrap(),
                C::N(n) => ws.write_number(r, c as u16, *n).map(|_| ()).unwrap(),
                C::E => {}
            }
        }
    }
    if let Some((r0, c0, r1, c1)) = merge {
        ws.merge_range(r0, c0, r1, c1, "合并", &XFormat::new()).unwrap();
    }
    wb.save(path).unwrap();
}

const HEADERS: &[&str] = &[
    "宗地号",
    "被征收人",
    "身份证号码",
    "联系电话",
    "房屋坐落",
    "家庭人口",
    "建筑面积（m²）",
    "占地面积",
    "结构",
    "责任组",
    "备注",
];

/// A good roster row: number, name, valid ID (from seq), phone, area.
fn good(number: &str, name: &str, seq: u32) -> Vec<C> {
    vec![
        C::S(number.into()),
        C::S(name.into()),
        C::S(id_number("19650302", seq)),
        C::T("13905951234"),
        C::S(format!("东星村{seq}号")),
        C::N(4.0),
        C::N(125.4),
        C::T("80.5"),
        C::T("砖混"),
        C::T("一组"),
        C::T("低保户"),
    ]
}

fn opts() -> ImportOptions {
    ImportOptions::default()
}

fn path_in(t: &TestDb, name: &str) -> PathBuf {
    t.dir.path().join(name)
}

// ------------------------------------------------------------------ import: good rosters

#[test]
fn a_roster_with_office_headers_imports_through_the_log() {
    let mut t = TestDb::with_households(0);
    let f = path_in(&t, "花名册.xlsx");
    roster_xlsx(
        &f,
        Some("东星4号地块被征收户花名册"),
        HEADERS,
        &[good("A1", "张三", 1), good("A2", "李四", 2), good("A3", "王五", 3)],
        None,
    );
    let p = t.project();
    let pv = roster::preview(t.db.conn(), &p, &f, &opts()).unwrap();
    assert!(pv.ok, "{:?}", pv.problems);
    assert_eq!(pv.header_row, 2, "the title row above the header is passed over");
    let col_of = |f: Field| pv.mapping.iter().find(|m| m.field == f).unwrap().letter.clone();
    assert_eq!(col_of(Field::Number).as_deref(), Some("A"));
    assert_eq!(col_of(Field::HeadName).as_deref(), Some("B"));
    assert_eq!(col_of(Field::FloorArea).as_deref(), Some("G"));
    assert_eq!(col_of(Field::Group).as_deref(), Some("J"));
    assert_eq!(col_of(Field::SpecialCircumstances), None, "备注 is not a field");
    assert_eq!(pv.counts.create, 3);

    let ops_before = t.snapshot().1;
    let r = roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
    assert_eq!((r.created, r.updated), (3, 0));
    assert_eq!(t.snapshot().1, ops_before + 3, "one logged operation per household");
    let h = t.household("A2");
    assert_eq!(h.head_name, "李四");
    assert_eq!(h.floor_area, 125_40);
    assert_eq!(h.land_area, 80_50);
    assert_eq!(h.members_count, 4);
    assert_eq!(h.phone, "13905951234");
    assert_eq!(h.group_name, "一组");
    assert_eq!(h.id_number.as_deref(), Some(id_number("19650302", 2).as_str()));
}

#[test]
fn reimporting_an_updated_roster_updates_by_number_through_the_log() {
    let mut t = TestDb::with_households(0);
    let f = path_in(&t, "v1.xlsx");
    roster_xlsx(&f, None, HEADERS, &[good("A1", "张三", 1), good("A2", "李四", 2)], None);
    let p = t.project();
    roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).unwrap();
    let ops = t.snapshot().1;

    let mut a2 = good("A2", "李四", 2);
    a2[3] = C::T("13800000001");
    a2[6] = C::N(130.0);
    let f2 = path_in(&t, "v2.xlsx");
    roster_xlsx(&f2, None, HEADERS, &[good("A1", "张三", 1), a2, good("A3", "王五", 3)], None);
    let pv = roster::preview(t.db.conn(), &p, &f2, &opts()).unwrap();
    let actions: Vec<Action> = pv.rows.iter().map(|r| r.action).collect();
    assert_eq!(actions, vec![Action::Unchanged, Action::Update, Action::Create]);
    assert_eq!(pv.rows[1].changes.len(), 2, "{:?}", pv.rows[1].changes);
    let r = roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
    assert_eq!((r.created, r.updated, r.unchanged, r.fields_changed), (1, 1, 1, 2));
    assert_eq!(t.snapshot().1, ops + 3, "two field updates and one registration");
    assert_eq!(jingdi::household::list(t.db.conn(), t.project).unwrap().len(), 3, "never duplicated");
    let h = t.household("A2");
    assert_eq!((h.phone.as_str(), h.floor_area), ("13800000001", 130_00));
    let log = jingdi::report::history::history(
        t.db.conn(),
        &jingdi::report::history::HistoryFilter { entity: Some(h.id), ..Default::default() },
    )
    .unwrap();
    assert_eq!(log.len(), 3, "registration and the two updates are in the household's history");
}

#[test]
fn csv_in_gbk_and_utf8_with_bom_import() {
    let mut t = TestDb::with_households(0);
    let p = t.project();
    let text = format!(
        "户号,户主姓名,身份证号,电话,地址,人口,房屋面积,组别\nB1,陈六,{},0595-22881234,东星村1号,3,99.5,一组\n",
        id_number("19800101", 7)
    );
    let gbk = path_in(&t, "gbk.csv");
    let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(&gbk, &bytes).unwrap();
    let pv = roster::preview(t.db.conn(), &p, &gbk, &opts()).unwrap();
    assert_eq!(pv.format, jingdi::office::source::SourceFormat::CsvGbk);
    assert!(pv.ok, "{:?}", pv.problems);
    roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
    assert_eq!(t.household("B1").head_name, "陈六");

    let utf8 = path_in(&t, "utf8.csv");
    let mut b = vec![0xEF, 0xBB, 0xBF];
    b.extend(
        text.replace("B1,陈六", "B2,陈七").replace(&id_number("19800101", 7), &id_number("19800101", 8)).as_bytes(),
    );
    std::fs::write(&utf8, b).unwrap();
    let pv = roster::preview(t.db.conn(), &p, &utf8, &opts()).unwrap();
    assert_eq!(pv.format, jingdi::office::source::SourceFormat::CsvUtf8);
    assert!(pv.ok, "{:?}", pv.problems);
    roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
    assert_eq!(t.household("B2").head_name, "陈七");
    assert_eq!(t.household("B2").phone, "0595-22881234");
}

// ------------------------------------------------------------------ import: every rejection

/// Previews `rows` (header HEADERS) against a project holding H1 (户主1) and group 一组;
/// asserts exactly one problem of `reason` at `row`/`col`, then that importing changes nothing.
fn rejects(rows: Vec<Vec<C>>, merge: Option<(u32, u16, u32, u16)>, reason: Reason, row: usize, col: Option<&str>) {
    let mut t = TestDb::with_households(1);
    let f = path_in(&t, "bad.xlsx");
    roster_xlsx(&f, None, HEADERS, &rows, merge);
    let p = t.project();
    let before = t.snapshot();
    let pv = roster::preview(t.db.conn(), &p, &f, &opts()).unwrap();
    assert!(!pv.ok);
    let hits: Vec<_> = pv.problems.iter().filter(|p| p.reason == reason).collect();
    assert!(!hits.is_empty(), "expected {reason:?}, got {:?}", pv.problems);
    assert_eq!(hits[0].row, Some(row), "{:?}", hits[0]);
    if let Some(c) = col {
        assert!(hits[0].column.as_deref().unwrap_or("").starts_with(c), "{:?}", hits[0]);
    }
    assert!(!hits[0].message.is_empty());
    let err = roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap_err();
    assert_eq!(err.code(), "rule.import.has_problems");
    assert!(roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).is_err());
    assert_eq!(t.snapshot(), before, "a refused import leaves the database as it was");
    // Skipping the offending row lets the rest in.
    if reason != Reason::MergedCells {
        let skip =
            ImportOptions { skip_rows: pv.problems.iter().filter_map(|p| p.row).collect(), ..Default::default() };
        let pv = roster::preview(t.db.conn(), &p, &f, &skip).unwrap();
        assert!(pv.ok, "{:?}", pv.problems);
        roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
        assert!(t.db.conn().query_row("SELECT count(*) FROM households", [], |r| r.get::<_, i64>(0)).unwrap() >= 2);
    }
}

#[test]
fn bad_id_checksum_is_refused_by_row_and_column() {
    let mut bad = good("A2", "李四", 2);
    let mut id = id_number("19650302", 2);
    let last = id.pop().unwrap();
    id.push(if last == '1' { '2' } else { '1' });
    bad[2] = C::S(id);
    rejects(vec![good("A1", "张三", 1), bad], None, Reason::BadIdNumber, 3, Some("C"));
}

#[test]
fn an_id_number_stored_as_a_number_is_explained() {
    let mut bad = good("A1", "张三", 1);
    bad[2] = C::N(350503196503020000.0);
    let mut t = TestDb::with_households(0);
    let f = path_in(&t, "n.xlsx");
    roster_xlsx(&f, None, HEADERS, &[bad], None);
    let pv = roster::preview(t.db.conn(), &t.project(), &f, &opts()).unwrap();
    assert!(!pv.problems.is_empty(), "{:?}", pv.rows);
    assert_eq!(pv.problems[0].reason, Reason::BadIdNumber);
    assert!(pv.problems[0].message.contains("文本"), "{}", pv.problems[0].message);
    let _ = &mut t;
}

#[test]
fn duplicate_number_in_the_file_is_refused() {
    rejects(
        vec![good("A1", "张三", 1), good("A2", "李四", 2), good("A1", "王五", 3)],
        None,
        Reason::DuplicateInFile,
        4,
        Some("A"),
    );
}

#[test]
fn a_number_already_used_by_another_household_is_refused() {
    // TestDb::with_households(1) holds H1 of 户主1 with another ID number.
    rejects(vec![good("A1", "张三", 1), good("H1", "李四", 2)], None, Reason::NumberTaken, 3, Some("A"));
}

#[test]
fn negative_area_is_refused() {
    let mut bad = good("A2", "李四", 2);
    bad[6] = C::N(-12.5);
    rejects(vec![good("A1", "张三", 1), bad], None, Reason::BadArea, 3, Some("G"));
}

#[test]
fn non_numeric_area_is_refused() {
    let mut bad = good("A2", "李四", 2);
    bad[7] = C::T("约八十");
    rejects(vec![bad, good("A1", "张三", 1)], None, Reason::BadArea, 2, Some("H"));
}

#[test]
fn unknown_group_is_refused() {
    let mut bad = good("A2", "李四", 2);
    bad[9] = C::T("九组");
    rejects(vec![good("A1", "张三", 1), bad], None, Reason::UnknownGroup, 3, Some("J"));
}

#[test]
fn empty_required_field_is_refused() {
    let mut bad = good("A2", "李四", 2);
    bad[1] = C::E;
    rejects(vec![good("A1", "张三", 1), bad], None, Reason::EmptyRequired, 3, Some("B"));
}

#[test]
fn bad_phone_is_refused() {
    let mut bad = good("A2", "李四", 2);
    bad[3] = C::T("13905951234/13805951234");
    rejects(vec![good("A1", "张三", 1), bad], None, Reason::BadPhone, 3, Some("D"));
}

/// A number starting with 1 is a mobile number: 11 digits, in a roster cell and on the form;
/// landlines with or without their area code stay accepted.
#[test]
fn a_mobile_number_short_of_a_digit_is_refused_and_a_landline_is_not() {
    let mut bad = good("A2", "李四", 2);
    bad[3] = C::T("1390595123");
    rejects(vec![good("A1", "张三", 1), bad], None, Reason::BadPhone, 3, Some("D"));
    let mut t = TestDb::with_households(1);
    let h = t.household("H1").id;
    let before = t.snapshot();
    let e = t.write(|tx| jingdi::household::set(tx, h, "phone", "1390595123", None)).unwrap_err();
    assert!(e.to_string().contains("10 位") && e.to_string().contains("11 位"), "{e}");
    assert_eq!(t.snapshot(), before);
    for ok in ["0595-22123456", "010-1234567", "13905951234", "2812345"] {
        t.write(|tx| jingdi::household::set(tx, h, "phone", ok, None)).unwrap();
    }
}

#[test]
fn the_same_id_number_on_two_rows_is_refused_naming_the_first() {
    let mut second = good("A2", "李四", 2);
    second[2] = C::S(id_number("19650302", 1));
    rejects(vec![good("A1", "张三", 1), second], None, Reason::DuplicateId, 3, Some("C"));
}

#[test]
fn merged_cells_are_refused() {
    let mut second = good("A2", "李四", 2);
    second[9] = C::E;
    // J2:J3 merged (the group written once for two households).
    rejects(vec![good("A1", "张三", 1), second], Some((1, 9, 2, 9)), Reason::MergedCells, 2, Some("J"));
}

#[test]
fn a_stray_total_row_is_refused() {
    let total = vec![C::T("合计"), C::E, C::E, C::E, C::E, C::N(8.0), C::N(250.8)];
    rejects(vec![good("A1", "张三", 1), good("A2", "李四", 2), total], None, Reason::TotalRow, 4, Some("A"));
}

#[test]
fn a_missing_required_column_is_reported_and_can_be_mapped() {
    let mut t = TestDb::with_households(0);
    let f = path_in(&t, "m.xlsx");
    let headers = ["序号", "姓名", "门牌", "家庭人口"];
    roster_xlsx(&f, None, &headers, &[vec![C::T("1"), C::T("张三"), C::T("东星1号"), C::N(2.0)]], None);
    let p = t.project();
    let pv = roster::preview(t.db.conn(), &p, &f, &opts()).unwrap();
    assert!(
        pv.problems.iter().any(|p| p.reason == Reason::MissingColumn && p.field == Some(Field::Number)),
        "{:?}",
        pv.problems
    );
    let before = t.snapshot();
    assert!(roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).is_err());
    assert_eq!(t.snapshot(), before);
    // The user maps 户号 to column A (序号) and 地址 to C: now it goes in.
    let o = ImportOptions {
        mapping: vec![
            ColumnChoice { field: Field::Number, column: Some(0) },
            ColumnChoice { field: Field::Address, column: Some(2) },
        ],
        ..Default::default()
    };
    let pv = roster::preview(t.db.conn(), &p, &f, &o).unwrap();
    assert!(pv.ok, "{:?}", pv.problems);
    roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
    assert_eq!(t.household("1").address, "东星1号");
}

// ------------------------------------------------------------------ import: wrong files

fn refused_file(name: &str, bytes: &[u8], code: &str) {
    let mut t = TestDb::with_households(1);
    let f = path_in(&t, name);
    std::fs::write(&f, bytes).unwrap();
    let p = t.project();
    let before = t.snapshot();
    let e = roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).unwrap_err();
    assert_eq!(e.code(), code, "{e}");
    assert!(e.to_string().contains(name), "the message names the file: {e}");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn wrong_files_get_a_clear_message_and_change_nothing() {
    refused_file("空.xlsx", b"", "rule.import.empty");
    refused_file("照片.xlsx", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "rule.import.not_spreadsheet");
    refused_file("程序.csv", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0", "rule.import.not_spreadsheet");
    refused_file("坏的.xlsx", b"PK\x03\x04 not really a zip", "rule.import.not_spreadsheet");

    // Password-protected: Excel stores an encrypted workbook as a compound file holding
    // EncryptionInfo and EncryptedPackage streams.
    let mut t = TestDb::with_households(0);
    let p = t.project();
    let f = path_in(&t, "加密.xlsx");
    {
        let mut c = cfb::create(&f).unwrap();
        use std::io::Write;
        c.create_stream("EncryptionInfo").unwrap().write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).unwrap();
        c.create_stream("EncryptedPackage").unwrap().write_all(&[0u8; 4096]).unwrap();
        c.flush().unwrap();
    }
    let e = roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).unwrap_err();
    assert_eq!(e.code(), "rule.import.encrypted", "{e}");
    assert!(e.to_string().contains("密码"));

    // 50 MB of junk is refused before it is read.
    let f = path_in(&t, "junk.xlsx");
    let file = std::fs::File::create(&f).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();
    let e = roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).unwrap_err();
    assert_eq!(e.code(), "rule.import.too_large", "{e}");

    // Text without any header the office would use.
    let f = path_in(&t, "note.csv");
    std::fs::write(&f, "今天开会\n明天走访\n").unwrap();
    let e = roster::import(&mut t.db, AUTHOR, &p, &f, &opts()).unwrap_err();
    assert_eq!(e.code(), "rule.import.no_header", "{e}");
}

// ------------------------------------------------------------------ import: size

#[test]
fn a_roster_import_stopped_halfway_writes_nothing() {
    let mut t = TestDb::with_households(0);
    let f = path_in(&t, "big.xlsx");
    let rows: Vec<Vec<C>> = (0..3_000u32).map(|i| good(&format!("D{:05}", i + 1), "户主", i)).collect();
    roster_xlsx(&f, None, HEADERS, &rows, None);
    let p = t.project();
    let pv = roster::preview(t.db.conn(), &p, &f, &opts()).unwrap();
    assert!(pv.ok);
    let before = t.snapshot();
    // Cancel pressed once 1,500 rows are written (the app's 取消 sets what this reads).
    let e = roster::import_previewed(&mut t.db, AUTHOR, &pv, |done, _| {
        if done > 1_500 {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .unwrap_err();
    assert_eq!(e.code(), "rule.import.cancelled");
    assert!(e.to_string().contains("未导入任何数据"), "{e}");
    assert_eq!(t.snapshot(), before, "nothing written, not even the first 1,500 rows");
    // The same preview imports whole afterwards.
    let r = roster::import_previewed(&mut t.db, AUTHOR, &pv, |_, _| ControlFlow::Continue(())).unwrap();
    assert_eq!(r.created, 3_000);
}

#[test]
fn a_10000_row_roster_imports_correctly() {
    let mut t = TestDb::with_households(0);
    let f = path_in(&t, "big.xlsx");
    let rows: Vec<Vec<C>> = (0..10_000u32).map(|i| good(&format!("D{:05}", i + 1), "户主", i)).collect();
    roster_xlsx(&f, Some("大花名册"), HEADERS, &rows, None);
    let p = t.project();
    let ops = t.snapshot().1;
    let mut calls = 0;
    let pv = roster::preview(t.db.conn(), &p, &f, &opts()).unwrap();
    assert!(pv.ok, "{:?}", &pv.problems[..pv.problems.len().min(3)]);
    let r = roster::import_previewed(&mut t.db, AUTHOR, &pv, |done, total| {
        calls += 1;
        assert!(done <= total && total == 10_000);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(calls >= 20, "progress is reported as rows are written");
    assert_eq!(r.created, 10_000);
    let all = jingdi::household::list(t.db.conn(), t.project).unwrap();
    assert_eq!(all.len(), 10_000);
    assert_eq!(t.snapshot().1, ops + 10_000);
    let h = t.household("D09999");
    assert_eq!((h.floor_area, h.members_count), (125_40, 4));
    let s = summary(t.db.conn(), &p, None).unwrap();
    assert_eq!(s.total_area_centi, 10_000 * 125_40);
}

// ------------------------------------------------------------------ exports

fn read_sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(path).unwrap();
    let r = wb.worksheet_range(name).unwrap();
    r.rows().map(|r| r.to_vec()).collect()
}

fn txt(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn n(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

fn export(t: &TestDb, kind: ExportKind, format: Option<Format>, file: &str, opts: &ExportOptions) -> PathBuf {
    let out = path_in(t, file);
    office::export(t.db.conn(), &t.project(), kind, format, &out, opts).unwrap();
    out
}

#[test]
fn signing_summary_round_trips_to_the_core_summary() {
    let t = TestDb::demo();
    let p = t.project();
    let s = summary(t.db.conn(), &p, None).unwrap();
    let f = export(&t, ExportKind::SigningSummary, None, "签约率汇总表.xlsx", &ExportOptions::default());
    let rows = read_sheet(&f, "分组签约率");
    assert!(txt(&rows[0][0]).contains(&p.name));
    assert!(txt(&rows[1][0]).contains(&format!("截至 {}", s.as_of.format("%Y年%m月%d日"))));
    assert_eq!(txt(&rows[2][1]), "责任组");
    // A summary, not a ranking: the groups in their fixed order (第一组, 第二组, ...), whatever
    // their rates (the bulletin's ranking sheet is the ranked one).
    let mut in_order: Vec<_> = s.groups.iter().collect();
    in_order.sort_by_cached_key(|g| jingdi::project::group_order(&g.group));
    for (g, row) in in_order.into_iter().zip(&rows[3..]) {
        assert_eq!(txt(&row[1]), g.group);
        assert_eq!(n(&row[3]) as i64, g.households_total);
        assert_eq!(n(&row[4]) as i64, g.households_signed);
        assert!((n(&row[5]) - g.signing_rate).abs() < 1e-12);
        assert!((n(&row[9]) - g.signed_area_m2).abs() < 0.005);
        assert_eq!(n(&row[10]) as i64, g.demolished);
    }
    let total = &rows[3 + s.groups.len()];
    assert_eq!(txt(&total[1]), "合计");
    assert_eq!(n(&total[3]) as i64, s.households_total);
    assert_eq!(n(&total[4]) as i64, s.households_signed);
    assert!((n(&total[6]) - s.total_area_m2).abs() < 0.005);
    assert!((n(&total[8]) - s.area_signing_rate).abs() < 1e-12);
    assert!((n(&total[9]) - s.signed_area_m2).abs() < 0.005);
    // The office files it signed: 填报人 / 审核人 / 日期 under the notes, on that sheet only.
    let last = rows.iter().rev().find(|r| r.iter().any(|c| !txt(c).is_empty())).unwrap();
    let sign = txt(&last[0]);
    assert!(sign.contains("填报人") && sign.contains("审核人") && sign.contains("日期"), "{sign}");

    let daily = read_sheet(&f, "每日签约进度");
    assert!(!daily.iter().flatten().any(|c| txt(c).contains("填报人")));
    let data: Vec<_> = daily[3..].iter().filter(|r| !r.is_empty() && !txt(&r[0]).is_empty()).collect();
    assert_eq!(data.len(), s.daily.len());
    let last = s.daily.last().unwrap();
    assert_eq!(txt(&data.last().unwrap()[0]), last.date.to_string());
    assert_eq!(n(&data.last().unwrap()[2]) as i64, last.cumulative_signed);
}

#[test]
fn ledger_has_one_row_per_household_and_the_core_totals() {
    let t = TestDb::demo();
    let p = t.project();
    let s = summary(t.db.conn(), &p, None).unwrap();
    let f = export(&t, ExportKind::Ledger, None, "被征收户台账.xlsx", &ExportOptions::default());
    let rows = read_sheet(&f, "被征收户台账");
    let hs = jingdi::household::list(t.db.conn(), p.id).unwrap();
    for (h, row) in hs.iter().zip(&rows[3..]) {
        assert_eq!(txt(&row[1]), h.number);
        assert_eq!(txt(&row[11]), h.stage.zh());
    }
    let total = &rows[3 + hs.len()];
    assert_eq!(txt(&total[1]), "合计");
    assert!((n(&total[7]) - s.total_area_m2).abs() < 0.005);
    assert!((n(&total[17]) * 100.0).round() as i64 == s.compensation.confirmed_fen);
    assert!((n(&total[18]) * 100.0).round() as i64 == s.compensation.paid_fen);
}

#[test]
fn disclosure_has_no_full_id_number_or_phone_and_nothing_internal() {
    let t = TestDb::demo();
    let p = t.project();
    let hs = jingdi::household::list(t.db.conn(), p.id).unwrap();
    let o = ExportOptions { mask_names: true, ..Default::default() };
    let x = export(&t, ExportKind::Disclosure, None, "公示表.xlsx", &o);
    let c = export(&t, ExportKind::Disclosure, Some(Format::Csv), "公示表.csv", &o);
    let rows = read_sheet(&x, "公示表");
    let all_text: String = rows.iter().flatten().map(txt).collect::<Vec<_>>().join("|");
    let csv = String::from_utf8(std::fs::read(&c).unwrap()).unwrap();
    // The raw XML too, in case something hides outside the cells.
    let mut raw = String::new();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&x).unwrap()).unwrap();
    for i in 0..z.len() {
        z.by_index(i).unwrap().read_to_string(&mut raw).ok();
    }
    for h in &hs {
        for hay in [&all_text, &csv, &raw] {
            if let Some(id) = &h.id_number {
                assert!(!hay.contains(id.as_str()), "full ID number of {}", h.number);
                assert!(hay.contains(&jingdi::idcard::mask(id)));
            }
            if h.phone.len() >= 7 {
                assert!(!hay.contains(&h.phone), "phone of {}", h.number);
            }
            assert!(!hay.contains(&h.head_name) || h.head_name.chars().count() < 2, "name of {} is masked", h.number);
            if !h.strategy.is_empty() {
                assert!(!hay.contains(&h.strategy));
            }
            for c in &h.concerns {
                assert!(!hay.contains(&format!("关注：{c}")));
            }
        }
    }
    for o in jingdi::obstacle::list(t.db.conn(), p.id, false).unwrap() {
        assert!(!all_text.contains(&o.title), "obstacles stay internal");
    }
    assert!(!all_text.contains("联系电话") && !all_text.contains("研判") && !all_text.contains("走访"));
    assert_eq!(jingdi::office::exports::mask_name("张小三"), "张*三");
    assert_eq!(jingdi::office::exports::mask_name("张三"), "张*");
    // Totals: the confirmed compensation of the project.
    let s = summary(t.db.conn(), &p, None).unwrap();
    let total = &rows[3 + hs.len()];
    let last = total.iter().rev().find(|d| matches!(d, Data::Float(_) | Data::Int(_))).unwrap();
    assert_eq!((n(last) * 100.0).round() as i64, s.compensation.confirmed_fen);
}

fn docx_text(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    // The text runs, joined.
    let mut out = String::new();
    for part in xml.split("<w:t").skip(1) {
        let body = &part[part.find('>').unwrap() + 1..];
        out.push_str(&body[..body.find("</w:t>").unwrap_or(0)]);
        out.push('|');
    }
    out
}

#[test]
fn meeting_brief_docx_carries_the_summary_figures() {
    let t = TestDb::demo();
    let p = t.project();
    let s = summary(t.db.conn(), &p, None).unwrap();
    let f = export(&t, ExportKind::MeetingBrief, None, "会商材料.docx", &ExportOptions::default());
    let text = docx_text(&f);
    assert!(text.contains(&format!("{}征迁工作会商材料", p.name)));
    assert!(text.contains(&format!("截至 {}", s.as_of.format("%Y年%m月%d日"))));
    assert!(text.contains(&format!("项目共 {} 户，已签约 {} 户", s.households_total, s.households_signed)));
    assert!(text.contains(&format!("{:.1}%", s.signing_rate * 100.0)));
    for u in &s.obstacles_by_unit {
        assert!(text.contains(&format!("{}:", u.responsible_unit)), "unit {}", u.responsible_unit);
        assert!(text.contains(&format!("{} 项未解决，其中逾期 {} 项", u.open, u.overdue)));
    }
    for f in &s.overdue_follow_ups {
        assert!(text.contains(&f.household_no));
    }
    assert!(text.contains(&jingdi::units::format_hundredths(s.compensation.unpaid_confirmed_fen)));
    assert!(text.contains("需会商决定的事项"));
    // A4 portrait with Chinese fonts.
    let mut z = zip::ZipArchive::new(std::fs::File::open(&f).unwrap()).unwrap();
    let mut xml = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    assert!(xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""), "A4");
    assert!(xml.contains("黑体"));
}

#[test]
fn the_meeting_brief_covers_what_changed_since_the_last_meeting() {
    let mut t = TestDb::demo();
    let week =
        |t: &TestDb| docx_text(&export(t, ExportKind::MeetingBrief, None, "会商材料.docx", &ExportOptions::default()));
    // No meeting recorded: a week before the as-of date, and the brief says there was none.
    let first = week(&t);
    assert!(first.contains("二、2022-08-08 以来的变化") && first.contains("此前无会商记录"), "{first}");
    assert!(!first.contains("上次会商"), "{first}");
    let p = t.project;
    let meet = |t: &mut TestDb, on: &str| {
        let on = d(on);
        t.write(|tx| {
            jingdi::meeting::record(
                tx,
                p,
                &jingdi::meeting::NewMeeting {
                    held_on: on,
                    title: "征迁工作会商".into(),
                    attendees: vec!["王建国".into()],
                    decisions: vec![],
                    notes: String::new(),
                },
            )
        })
        .unwrap();
    };
    meet(&mut t, "2022-08-11");
    assert!(week(&t).contains("上次会商（2022-08-11）以来的变化"));
    // Tomorrow's meeting recorded ahead (the demo stands on 2022-08-15): today's brief is unchanged.
    meet(&mut t, "2022-08-16");
    assert!(week(&t).contains("上次会商（2022-08-11）以来的变化"));
    let asked = ExportOptions { since: Some(d("2022-08-01")), ..ExportOptions::default() };
    let text = docx_text(&export(&t, ExportKind::MeetingBrief, None, "b.docx", &asked));
    assert!(text.contains("二、2022-08-01 以来的变化") && text.contains("上次会商 2022年08月11日"), "{text}");
}

#[test]
fn bulletin_ranks_groups_as_the_core_does_in_docx_and_xlsx() {
    let t = TestDb::demo();
    let p = t.project();
    let s = summary(t.db.conn(), &p, None).unwrap();
    let x = export(&t, ExportKind::Bulletin, Some(Format::Xlsx), "督导通报.xlsx", &ExportOptions::default());
    let rows = read_sheet(&x, "签约排名");
    // A summary, not a ranking: the groups in their fixed order (第一组, 第二组, ...), whatever
    // their rates (the bulletin's ranking sheet is the ranked one).
    let mut in_order: Vec<_> = s.groups.iter().collect();
    in_order.sort_by_cached_key(|g| jingdi::project::group_order(&g.group));
    for (g, row) in in_order.into_iter().zip(&rows[3..]) {
        assert_eq!(txt(&row[1]), g.group);
        assert_eq!(n(&row[4]) as i64, g.households_signed);
    }
    let demo_rows = read_sheet(&x, "拆除排名");
    let total_demolished: i64 = demo_rows[3..3 + s.groups.len()].iter().map(|r| n(&r[4]) as i64).sum();
    assert_eq!(
        total_demolished,
        s.stages.iter().find(|c| c.stage == jingdi::vocab::Stage::Demolished).unwrap().households
    );
    let rates: Vec<f64> = demo_rows[3..3 + s.groups.len()].iter().map(|r| n(&r[5])).collect();
    assert!(rates.windows(2).all(|w| w[0] >= w[1]), "ranked by demolition rate");

    let d = export(&t, ExportKind::Bulletin, None, "督导通报.docx", &ExportOptions::default());
    let text = docx_text(&d);
    assert!(text.contains(&format!("{}征迁工作督导通报", p.name)));
    let pos: Vec<usize> = s.groups.iter().map(|g| text.find(&format!("|{}|", g.group)).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "the docx lists groups in the core's ranking order");
}

#[test]
fn every_table_exports_as_csv_with_bom() {
    let t = TestDb::demo();
    // Every table; the per-household paper comes as Word only (tests/it/paper.rs).
    for k in ExportKind::ALL.iter().filter(|k| k.formats().contains(&Format::Csv)) {
        let f = export(&t, *k, Some(Format::Csv), &format!("{}.csv", k.id()), &ExportOptions::default());
        let b = std::fs::read(&f).unwrap();
        assert!(b.starts_with(&[0xEF, 0xBB, 0xBF]), "{} has a BOM", k.id());
        let text = String::from_utf8(b[3..].to_vec()).unwrap();
        assert!(text.contains(&t.project().name), "{}", k.id());
    }
    // A format the kind does not come in is refused.
    let e = office::export(
        t.db.conn(),
        &t.project(),
        ExportKind::Ledger,
        Some(Format::Docx),
        &path_in(&t, "x.docx"),
        &ExportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_field.format");
}

#[test]
fn the_cli_imports_and_exports() {
    let t = TestDb::with_households(0);
    let f = path_in(&t, "r.xlsx");
    roster_xlsx(&f, None, HEADERS, &[good("A1", "张三", 1)], None);
    let db = t.path();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_jingdi"))
            .arg("--db")
            .arg(&db)
            .args(["--author", AUTHOR])
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&["import", "roster", f.to_str().unwrap(), "--dry-run"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("新登记 1 户"));
    let o = run(&["import", "roster", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = path_in(&t, "汇总.xlsx");
    let o = run(&["export", "signing-summary", "--out", out.to_str().unwrap(), "--project", "T1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.exists());
    let o = run(&["export", "nonsense", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
}

// ------------------------------------------------------------------ the lists on screen

/// The data rows of a list export: those under the header (row 3) whose 序号 is a number.
fn list_rows(path: &Path, sheet: &str) -> Vec<Vec<Data>> {
    read_sheet(path, sheet)
        .into_iter()
        .skip(3)
        .filter(|r| matches!(r.first(), Some(Data::Float(_) | Data::Int(_))))
        .collect()
}

#[test]
fn the_lists_on_screen_export_as_the_screens_read_them() {
    let mut t = TestDb::demo();
    let p = t.project();
    let as_of = jingdi::project::as_of(&p, None);

    // 问题清单, whole: the page's rows in the page's order, overdue marked as the core says.
    let obstacles = jingdi::obstacle::rows(t.db.conn(), p.id, as_of).unwrap();
    assert!(obstacles.len() >= 3 && obstacles.iter().any(|r| r.overdue), "the demo has overdue obstacles");
    let f = export(&t, ExportKind::Obstacles, None, "问题清单.xlsx", &ExportOptions::default());
    let rows = list_rows(&f, "问题清单");
    assert_eq!(rows.len(), obstacles.len());
    for (r, row) in obstacles.iter().zip(&rows) {
        assert_eq!(txt(&row[1]), r.obstacle.title);
        assert_eq!(txt(&row[3]), r.obstacle.responsible_unit);
        assert_eq!(txt(&row[9]), if r.overdue { "是" } else { "" });
    }

    // The rows a filtered page shows, in its order: exactly those.
    let picked = vec![obstacles[2].obstacle.id, obstacles[0].obstacle.id, obstacles[2].obstacle.id];
    let o = ExportOptions { only: Some(picked), ..Default::default() };
    let rows = list_rows(&export(&t, ExportKind::Obstacles, None, "问题清单-筛选.xlsx", &o), "问题清单");
    let titles: Vec<String> = rows.iter().map(|r| txt(&r[1])).collect();
    assert_eq!(titles, vec![obstacles[2].obstacle.title.clone(), obstacles[0].obstacle.title.clone()]);

    // 逾期回访: the dashboard's list.
    let due = jingdi::report::summary::overdue_follow_ups(t.db.conn(), &p, as_of).unwrap();
    assert!(!due.is_empty(), "the demo has overdue follow-ups");
    let rows =
        list_rows(&export(&t, ExportKind::FollowUps, None, "逾期回访.xlsx", &ExportOptions::default()), "逾期回访");
    let got: Vec<(String, i64)> = rows.iter().map(|r| (txt(&r[1]), n(&r[4]) as i64)).collect();
    let want: Vec<(String, i64)> = due.iter().map(|f| (f.household_no.clone(), f.days_overdue)).collect();
    assert_eq!(got, want);

    // The board filtered to a group, from the app (its tiles) and from the CLI (--group): the same.
    let board = jingdi::report::board::board(t.db.conn(), &p, None).unwrap();
    let group = board.groups[1].clone();
    let tiles: Vec<_> = board.tiles.iter().filter(|x| x.group_name == group).collect();
    let o = ExportOptions { only: Some(tiles.iter().map(|x| x.id).collect()), ..Default::default() };
    let by_app = list_rows(&export(&t, ExportKind::Board, None, "看板-app.xlsx", &o), "征收户清单");
    let o = ExportOptions { group: Some(group.clone()), ..Default::default() };
    let by_cli = list_rows(&export(&t, ExportKind::Board, None, "看板-cli.xlsx", &o), "征收户清单");
    assert_eq!(by_app, by_cli);
    assert_eq!(by_app.len(), tiles.len());
    for (x, row) in tiles.iter().zip(&by_app) {
        assert_eq!(
            (txt(&row[1]), txt(&row[3]), txt(&row[4])),
            (x.number.clone(), group.clone(), x.stage.zh().to_string())
        );
        assert_eq!(n(&row[7]) as i64, x.open_obstacles);
    }

    // Refused, nothing written and nothing recorded: a row no longer there, a group that is not.
    let ops = |t: &TestDb| -> i64 { t.db.conn().query_row("SELECT count(*) FROM oplog", [], |r| r.get(0)).unwrap() };
    let before = ops(&t);
    let stale = path_in(&t, "过期.xlsx");
    let o = ExportOptions { only: Some(vec![tiles[0].id, uuid::Uuid::from_u128(7)]), ..Default::default() };
    let e = office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Board, None, &stale, &o).unwrap_err();
    assert_eq!(e.code(), "invalid_field.only");
    assert!(e.to_string().contains("1 条已不在"), "{e}");
    let o = ExportOptions { group: Some("第九十九组".into()), ..Default::default() };
    let e = office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Board, None, &stale, &o).unwrap_err();
    assert_eq!(e.code(), "invalid_field.group");
    assert!(!stale.exists());
    assert_eq!(ops(&t), before);

    // Households by name are personal data: recorded. Obstacles by 户号 are not.
    let f = path_in(&t, "征收户清单.csv");
    office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Board, None, &f, &ExportOptions::default()).unwrap();
    let q = path_in(&t, "问题清单-记录.xlsx");
    office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Obstacles, None, &q, &ExportOptions::default()).unwrap();
    assert_eq!(ops(&t), before + 1);
    assert_eq!(exports_recorded(&t).last().unwrap().0, "board");
}

#[test]
fn the_dashboard_on_one_page_carries_the_summary_as_png_and_pdf_and_names_no_household() {
    let mut t = TestDb::demo();
    let p = t.project();
    let s = summary(t.db.conn(), &p, None).unwrap();
    let clearance = jingdi::report::clearance::clearance(t.db.conn(), &p, None).unwrap();
    let days = jingdi::plot_work::demolition_days(t.db.conn(), p.id).unwrap();
    let svg = office::onepage::svg(&p, &office::onepage::Figures { summary: &s, clearance: &clearance, days: &days });
    let unpaid =
        clearance.iter().filter(|c| c.kind == jingdi::report::clearance::ClearanceKind::UnpaidCompensation).count();
    assert!(unpaid > 0 && svg.contains(&format!("{unpaid} 项，")), "the 净地 list's unpaid items counted");
    let last = days.last().unwrap();
    assert!(svg.contains(&last.log_date.format("%m-%d").to_string()), "the last demolition day drawn");
    for figure in [
        format!("{} / {} 户", s.households_signed, s.households_total),
        format!("逾期回访 {} 户", s.overdue_follow_ups.len()),
        format!("数据截至 {}", s.as_of.format("%Y年%m月%d日")),
    ] {
        assert!(svg.contains(&figure), "{figure}");
    }
    for g in &s.groups {
        assert!(svg.contains(&g.group), "{}", g.group);
    }
    for h in jingdi::household::list(t.db.conn(), p.id).unwrap() {
        assert!(!svg.contains(&h.head_name) && !svg.contains(&h.phone), "{} is not on the picture", h.number);
    }

    // PNG for the work group: A4 at twice 96 dpi, the header band drawn; PDF to print.
    let ops = |t: &TestDb| -> usize { t.snapshot().1 };
    let before = ops(&t);
    let png = path_in(&t, "简报.png");
    let r =
        office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Dashboard, None, &png, &ExportOptions::default())
            .unwrap();
    assert_eq!((r.format, r.as_of), (Format::Png, s.as_of));
    let img = image::load_from_memory(&std::fs::read(&png).unwrap()).unwrap().to_rgb8();
    assert!(img.width() > 1500 && (img.height() as f64 / img.width() as f64 - 297.0 / 210.0).abs() < 0.01);
    assert_eq!(img.get_pixel(8, 8).0, [0x0f, 0x3d, 0x3e], "the header band");
    assert!(img.pixels().filter(|px| px.0 == [0x3b, 0x82, 0xf6]).count() > 1000, "the groups' rate bars");
    let pdf = export(&t, ExportKind::Dashboard, Some(Format::Pdf), "简报.pdf", &ExportOptions::default());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    assert_eq!(ops(&t), before, "groups and units only: nothing personal to record");
    // Neither a table format nor a day to come.
    let e = office::export(
        t.db.conn(),
        &p,
        ExportKind::Dashboard,
        Some(Format::Xlsx),
        &path_in(&t, "x.xlsx"),
        &ExportOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_field.format");
}

// ------------------------------------------------------------------ exports of personal data

fn exports_recorded(t: &TestDb) -> Vec<(String, String, String, String, i64, String)> {
    let mut st = t
        .db
        .conn()
        .prepare(
            "SELECT kind, format, file_name, scope, rows, exported_by FROM data_exports ORDER BY exported_at, rowid",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

#[test]
fn an_export_of_personal_data_is_recorded_in_the_log() {
    let mut t = TestDb::demo();
    let p = t.project();
    let none = ExportOptions::default();
    let ops = |t: &TestDb| -> i64 { t.db.conn().query_row("SELECT count(*) FROM oplog", [], |r| r.get(0)).unwrap() };
    let before = ops(&t);

    // A summary counts groups, not people: nothing to record.
    let summary = path_in(&t, "签约率.xlsx");
    office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::SigningSummary, None, &summary, &none).unwrap();
    assert!(summary.exists());
    assert_eq!(ops(&t), before);

    // The ledger carries ID numbers and phones: who, when, which file, recorded as an operation.
    let ledger = path_in(&t, "被征收户台账.csv");
    let r = office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Ledger, None, &ledger, &none).unwrap();
    assert_eq!(ops(&t), before + 1);
    assert_eq!(
        exports_recorded(&t),
        vec![("ledger".into(), "csv".into(), "被征收户台账.csv".into(), String::new(), r.rows as i64, AUTHOR.into())]
    );
    let (entity, author): (String, String) = t
        .db
        .conn()
        .query_row("SELECT entity, author FROM oplog ORDER BY rowid DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((entity.as_str(), author.as_str()), ("data_export", AUTHOR));

    // A refused export writes neither a file nor a record.
    let nothing = path_in(&t, "无此户.docx");
    let opts = ExportOptions { household: Some("DX4-999".into()), ..Default::default() };
    office::export_recorded(&mut t.db, AUTHOR, &p, ExportKind::Settlement, None, &nothing, &opts).unwrap_err();
    assert!(!nothing.exists());
    assert_eq!(ops(&t), before + 1);
}

#[test]
fn the_cli_records_who_exported_a_households_paper_and_the_log_shows_it() {
    let c = crate::cli::Cli::new();
    c.ok(&["demo"]);
    let out = c.dir.path().join("结算单.docx");
    c.ok(&["--author", "财务王五", "export", "settlement", "--household", "DX4-024", "--out", out.to_str().unwrap()]);
    let log = c.json(&["log", "--limit", "1"]);
    let entry = &log.as_array().unwrap()[0];
    assert_eq!(entry["entity"], "data_export", "{entry}");
    assert_eq!(entry["author"], "财务王五");
    let text = c.ok(&["log", "--limit", "1"]);
    assert!(text.contains("结算单.docx") && text.contains("DX4-024"), "{text}");
    // The record travels like every operation: a second laptop that merges sees who exported.
    let bundle = c.dir.path().join("all.jdb");
    c.ok(&["sync", "export", "--full", "--out", bundle.to_str().unwrap()]);
    let other = crate::cli::Cli::new();
    other.ok(&["sync", "import", bundle.to_str().unwrap()]);
    assert_eq!(other.dump(), c.dump());
}

/// A 截至 date after today is refused for every export and report, naming the date; today
/// is accepted. Nothing is written: no file, no record.
#[test]
fn a_report_as_of_a_day_that_has_not_come_is_refused() {
    let mut t = TestDb::demo();
    let p = t.project();
    let today = chrono::Local::now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let before = t.snapshot();
    for kind in [ExportKind::SigningSummary, ExportKind::MeetingBrief, ExportKind::Bulletin, ExportKind::Ledger] {
        let out = path_in(&t, "明天.xlsx");
        let opts = ExportOptions { as_of: Some(tomorrow), ..Default::default() };
        let e = office::export_recorded(&mut t.db, AUTHOR, &p, kind, None, &out, &opts).unwrap_err();
        assert_eq!(e.code(), "invalid_field.as_of", "{kind:?}: {e}");
        assert!(e.to_string().contains(&tomorrow.to_string()) && e.to_string().contains("晚于今天"), "{e}");
        assert!(!out.exists(), "{kind:?}");
    }
    assert_eq!(t.snapshot(), before);
    let e = summary(t.db.conn(), &p, Some(tomorrow)).unwrap_err();
    assert_eq!(e.code(), "invalid_field.as_of");
    assert_eq!(summary(t.db.conn(), &p, Some(today)).unwrap().as_of, today);
    export(
        &t,
        ExportKind::SigningSummary,
        None,
        "今天.xlsx",
        &ExportOptions { as_of: Some(today), ..Default::default() },
    );
    // Through the CLI, as a user types it.
    let c = crate::cli::Cli::new();
    c.ok(&["demo"]);
    let out = c.dir.path().join("汇总.xlsx");
    let (code, err) =
        c.refused(&["export", "signing-summary", "--as-of", &tomorrow.to_string(), "--out", out.to_str().unwrap()]);
    assert!(code != 0 && err.contains("晚于今天"), "{code}: {err}");
    let (code, err) = c.refused(&["summary", "--as-of", &tomorrow.to_string()]);
    assert!(code != 0 && err.contains("晚于今天"), "{code}: {err}");
    assert!(!out.exists());
}
