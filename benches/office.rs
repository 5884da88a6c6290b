//! Benchmark: importing a 10,000-row roster (.xlsx) and exporting the ledger of a
//! 20,000-household project (.xlsx and CSV). Run with `cargo bench --bench office`;
//! figures go to BENCHMARKS.md.

use jingdi::household::NewHousehold;
use jingdi::office::roster::{self, ImportOptions};
use jingdi::office::{self, ExportKind, ExportOptions, Format};
use jingdi::project::NewProject;
use jingdi::vocab::ProjectStatus;
use jingdi::Db;
use std::time::Instant;

const ROSTER_ROWS: usize = 10_000;
const LEDGER_HOUSEHOLDS: usize = 20_000;
const RUNS: usize = 3;

fn id_number(seq: usize) -> String {
    let first17 = format!("350503196503{:02}{:03}", 1 + seq % 28, seq % 1000);
    format!("{first17}{}", jingdi::idcard::check_char(&first17).unwrap())
}

fn project(db: &mut Db, code: &str, households: usize) -> jingdi::project::Project {
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    db.write("bench", |tx| {
        let p = jingdi::project::create(
            tx,
            &NewProject {
                code: code.into(),
                name: "基准测试地块".into(),
                city: "泉州市".into(),
                district: "丰泽区".into(),
                street: "城东街道".into(),
                community: "东星社区".into(),
                window_opens_on: d("2024-01-01"),
                window_closes_on: d("2024-03-31"),
                clearance_target: None,
                status: ProjectStatus::Signing,
                as_of: Some(d("2024-03-31")),
            },
        )?;
        for g in ["第一组", "第二组", "第三组", "第四组"] {
            jingdi::project::add_group(tx, p, g, None, &[])?;
        }
        for i in 0..households {
            jingdi::household::register(
                tx,
                p,
                &NewHousehold {
                    number: format!("L{:05}", i + 1),
                    head_name: "户主".into(),
                    id_number: Some(id_number(i)),
                    phone: "13905951234".into(),
                    address: format!("东星村{}号", i + 1),
                    members_count: 3,
                    floor_area: 12_000 + (i as i64 % 500) * 10,
                    land_area: 8_000,
                    structure: "砖混".into(),
                    group: ["第一组", "第二组", "第三组", "第四组"][i % 4].into(),
                    ..Default::default()
                },
            )?;
        }
        Ok(())
    })
    .unwrap();
    jingdi::project::find_by_code(db.conn(), code).unwrap().unwrap()
}

fn roster_file(path: &std::path::Path) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let headers = [
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
    ];
    ws.write_string(0, 0, "基准测试地块被征收户花名册").unwrap();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for i in 0..ROSTER_ROWS {
        let r = i as u32 + 2;
        ws.write_string(r, 0, format!("R{:05}", i + 1)).unwrap();
        ws.write_string(r, 1, "户主").unwrap();
        ws.write_string(r, 2, id_number(i)).unwrap();
        ws.write_string(r, 3, "13905951234").unwrap();
        ws.write_string(r, 4, format!("东星村{}号", i + 1)).unwrap();
        ws.write_number(r, 5, 4.0).unwrap();
        ws.write_number(r, 6, 125.4).unwrap();
        ws.write_number(r, 7, 80.5).unwrap();
        ws.write_string(r, 8, "砖混").unwrap();
        ws.write_string(r, 9, ["第一组", "第二组", "第三组", "第四组"][i % 4]).unwrap();
    }
    wb.save(path).unwrap();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.xlsx");
    roster_file(&roster);
    println!("roster file: {} rows, {:.1} KiB", ROSTER_ROWS, std::fs::metadata(&roster).unwrap().len() as f64 / 1024.0);

    let (mut previews, mut imports) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let mut db = Db::open(dir.path().join(format!("import{run}.db"))).unwrap();
        let p = project(&mut db, "B1", 0);
        let t = Instant::now();
        let pv = roster::preview(db.conn(), &p, &roster, &ImportOptions::default()).unwrap();
        previews.push(t.elapsed().as_secs_f64());
        assert!(pv.ok);
        let t = Instant::now();
        let r = roster::import_previewed(&mut db, "bench", &pv, |_, _| std::ops::ControlFlow::Continue(())).unwrap();
        imports.push(t.elapsed().as_secs_f64());
        assert_eq!(r.created, ROSTER_ROWS);
    }
    println!(
        "import {ROSTER_ROWS} rows: read + check (preview) {:.2} s, write through the log {:.2} s, total {:.2} s (median of {RUNS})",
        median(previews.clone()),
        median(imports.clone()),
        median(previews.iter().zip(&imports).map(|(a, b)| a + b).collect())
    );

    let mut db = Db::open(dir.path().join("ledger.db")).unwrap();
    let t = Instant::now();
    let p = project(&mut db, "B2", LEDGER_HOUSEHOLDS);
    println!("(setup: {LEDGER_HOUSEHOLDS} households registered in {:.1} s)", t.elapsed().as_secs_f64());
    for (format, name) in [(Format::Xlsx, "ledger.xlsx"), (Format::Csv, "ledger.csv")] {
        let out = dir.path().join(name);
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let t = Instant::now();
            let r = office::export(db.conn(), &p, ExportKind::Ledger, Some(format), &out, &ExportOptions::default())
                .unwrap();
            times.push(t.elapsed().as_secs_f64());
            assert_eq!(r.rows, LEDGER_HOUSEHOLDS);
        }
        println!(
            "ledger export, {LEDGER_HOUSEHOLDS} households, {}: {:.2} s (median of {RUNS}), {:.1} MiB",
            format.id(),
            median(times),
            std::fs::metadata(&out).unwrap().len() as f64 / 1024.0 / 1024.0
        );
    }
    for kind in [ExportKind::SigningSummary, ExportKind::Disclosure] {
        let out = dir.path().join(format!("{}.xlsx", kind.id()));
        let t = Instant::now();
        office::export(db.conn(), &p, kind, Some(Format::Xlsx), &out, &ExportOptions::default()).unwrap();
        println!("{} export, {LEDGER_HOUSEHOLDS} households, xlsx: {:.2} s", kind.id(), t.elapsed().as_secs_f64());
    }
}
