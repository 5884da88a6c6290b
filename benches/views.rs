//! Benchmark: the screens a team leader opens fifty times a day, on the district demo
//! (`jingdi demo --district`: 20,000 households, ~500,000 visits, ~1,000,000 operations),
//! each next to its floor — the shortest hand-written SQL that returns the same answer, run
//! in the same process on the same file. Then the whole-process CLI (`jingdi summary --json`)
//! next to the `sqlite3` shell running the summary's floor.
//!
//! `cargo bench -p jingdi --bench views` (harness = false). The district is generated once
//! into `$JINGDI_DISTRICT_DB` (default `/var/tmp/jingdi-district.db`) and reused by later
//! runs. Views run on the biggest plot (QZ01) through a read-only connection inside one read
//! transaction, as the app's screens do (`Db::open_reader` + `Db::snapshot`). Median of
//! `RUNS` after one warm-up; figures go to BENCHMARKS.md.

use jingdi::desk::{self, HistoryQuery};
use jingdi::{project, Db};
use rusqlite::Connection;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 15;

fn median_ms(mut f: impl FnMut() -> usize) -> (f64, usize) {
    let mut rows = f();
    let mut t: Vec<f64> = (0..RUNS)
        .map(|_| {
            let s = Instant::now();
            rows = f();
            s.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[RUNS / 2], rows)
}

/// Runs every statement of a floor and reads every column of every row; the row count.
fn floor(conn: &Connection, sqls: &[&str], args: &[&str]) -> usize {
    let mut n = 0;
    for sql in sqls {
        let mut stmt = conn.prepare_cached(sql).unwrap();
        let cols = stmt.column_count();
        let wanted = stmt.parameter_count();
        let mut rows = stmt.query(rusqlite::params_from_iter(&args[..wanted])).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for c in 0..cols {
                let _: rusqlite::types::Value = r.get(c).unwrap();
            }
            n += 1;
        }
    }
    n
}

fn main() {
    let path = std::env::var_os("JINGDI_DISTRICT_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/jingdi-district.db"));
    let home = tempfile::tempdir().unwrap();
    let cli = env!("CARGO_BIN_EXE_jingdi");
    if !path.exists() {
        let t = Instant::now();
        let status = Command::new(cli)
            .args(["--db", path.to_str().unwrap(), "demo", "--district", "--json"])
            .env("JINGDI_HOME", home.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        let ops: i64 =
            Connection::open(&path).unwrap().query_row("SELECT count(*) FROM oplog", [], |r| r.get(0)).unwrap();
        println!("district written in {:.1} s: {ops} operations", t.elapsed().as_secs_f64());
    }
    let writer = Db::open_in(&path, home.path()).unwrap();
    let db = writer.open_reader().unwrap();
    let floor_conn = jingdi::db::connect(&path, true).unwrap();
    let p = project::find_by_code(db.conn(), "QZ01").unwrap().expect("the district's first plot");
    let pid = p.id.to_string();
    let as_of = project::as_of(&p, None);
    let since = (as_of - chrono::Duration::days(7)).to_string();
    let count = |sql: &str| -> i64 { db.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
    println!(
        "district: {} households, {} visits, {} operations; plot QZ01: {} households",
        count("SELECT count(*) FROM households"),
        count("SELECT count(*) FROM visits"),
        count("SELECT count(*) FROM oplog"),
        count(&format!("SELECT count(*) FROM households WHERE project_id = '{pid}'")),
    );
    // The household page of the plot's most visited household.
    let hid: String = db
        .conn()
        .query_row(
            "SELECT v.household_id FROM visits v JOIN households h ON h.id = v.household_id WHERE h.project_id = ?1
             GROUP BY v.household_id ORDER BY count(*) DESC, v.household_id LIMIT 1",
            [&pid],
            |r| r.get(0),
        )
        .unwrap();
    let hid_uuid: uuid::Uuid = hid.parse().unwrap();
    let signed = "'signed','vacated','demolished'";
    let args = [pid.as_str(), as_of.to_string().leak(), hid.as_str()];

    struct Row {
        view: &'static str,
        core: (f64, usize),
        floor: (f64, usize),
    }
    let mut table: Vec<Row> = Vec::new();
    let mut bench = |view: &'static str, core: &mut dyn FnMut() -> usize, sqls: &[&str], args: &[&str]| {
        let core = median_ms(|| db.snapshot(|_| Ok(core())).unwrap());
        let floor = median_ms(|| floor(&floor_conn, sqls, args));
        println!("{view:<34} core {:>8.2} ms ({} rows)   floor {:>8.2} ms ({} rows)", core.0, core.1, floor.0, floor.1);
        table.push(Row { view, core, floor });
    };

    let summary_floor: Vec<String> = vec![
        format!(
            "SELECT stage, count(*), sum(floor_area), sum(signed_area) FROM households WHERE project_id = ?1 GROUP BY stage"
        ),
        format!(
            "SELECT g.name, s.name, count(h.id), sum(h.stage IN ({signed})), sum(h.stage = 'demolished')
             FROM work_groups g LEFT JOIN staff s ON s.id = g.leader_id LEFT JOIN households h ON h.group_id = g.id
             WHERE g.project_id = ?1 GROUP BY g.id"
        ),
        format!(
            "SELECT agreement_date, count(*), sum(signed_area) FROM households
             WHERE project_id = ?1 AND stage IN ({signed}) GROUP BY agreement_date"
        ),
        "SELECT c.status, sum(c.amount) FROM compensation_items c JOIN households h ON h.id = c.household_id
         WHERE h.project_id = ?1 GROUP BY c.status"
            .into(),
        "SELECT responsible_unit, due_on FROM obstacles WHERE project_id = ?1 AND status != 'resolved'".into(),
        OVERDUE_FLOOR.into(),
    ];
    let summary_floor: Vec<&str> = summary_floor.iter().map(String::as_str).collect();
    bench(
        "summary (dashboard)",
        &mut || {
            let s = desk::summary(&db, p.id).unwrap();
            s.stages.len() + s.groups.len() + s.daily.len() + s.overdue_follow_ups.len()
        },
        &summary_floor,
        &args,
    );
    bench(
        "board (挂图作战, whole plot)",
        &mut || desk::board(&db, p.id).unwrap().tiles.len(),
        &[
            "SELECT h.id, h.number, h.head_name, g.name, h.stage, h.difficulty, h.concerns,
                    (SELECT count(*) FROM obstacles o WHERE o.household_id = h.id AND o.status != 'resolved'),
                    (SELECT count(*) FROM compensation_items c WHERE c.household_id = h.id AND c.status != 'paid')
             FROM households h JOIN work_groups g ON g.id = h.group_id WHERE h.project_id = ?1",
            OVERDUE_FLOOR,
        ],
        &args,
    );
    bench(
        "household page (most visits)",
        &mut || {
            let v = desk::household(&db, hid_uuid).unwrap();
            v.visits.len() + v.items.len() + v.timeline.len()
        },
        &[
            "SELECT h.*, g.name FROM households h JOIN work_groups g ON g.id = h.group_id WHERE h.id = ?3",
            "SELECT * FROM stage_events WHERE household_id = ?3 ORDER BY reached_on",
            "SELECT * FROM compensation_items WHERE household_id = ?3",
            "SELECT * FROM inventory_items WHERE household_id = ?3",
            "SELECT * FROM visits WHERE household_id = ?3 ORDER BY visited_at DESC",
            "SELECT * FROM obstacles WHERE household_id = ?3",
            "SELECT rules FROM compensation_standards WHERE project_id = ?1 ORDER BY version DESC LIMIT 1",
        ],
        &args,
    );
    let since_hlc = jingdi::report::history::hlc_at_start_of(as_of - chrono::Duration::days(7)).to_string();
    let prep_args = [pid.as_str(), since_hlc.as_str()];
    bench(
        "meeting prep (changes in 7 days)",
        &mut || {
            let m = desk::meeting_prep(&db, p.id, Some(since.clone())).unwrap();
            m.changes.visits as usize + m.needing_decision.len()
        },
        &[
            "SELECT o.entity, o.action, o.fields, o.author, h.number FROM oplog o
             LEFT JOIN households h ON h.id = coalesce(json_extract(o.fields, '$.household_id'), o.entity_id)
             WHERE o.project_id = ?1 AND o.hlc >= ?2",
            "SELECT * FROM obstacles WHERE project_id = ?1 AND status != 'resolved'",
            "SELECT * FROM meetings WHERE project_id = ?1",
        ],
        &prep_args,
    );
    bench(
        "clearance list (净地)",
        &mut || desk::clearance(&db, p.id).unwrap().len(),
        &[
            "SELECT h.id, h.number, h.head_name, h.stage, g.name FROM households h JOIN work_groups g ON g.id = h.group_id
             WHERE h.project_id = ?1 AND h.stage != 'demolished'",
            "SELECT h.id, h.number FROM households h WHERE h.project_id = ?1 AND h.stage = 'demolished'
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.household_id = h.id AND a.kind = 'house_photo')",
            "SELECT c.id, h.number, h.head_name, c.kind, c.label, c.amount, c.status, g.name
             FROM compensation_items c JOIN households h ON h.id = c.household_id JOIN work_groups g ON g.id = h.group_id
             WHERE h.project_id = ?1 AND c.status != 'paid' AND c.amount > 0",
            "SELECT * FROM poles WHERE project_id = ?1 AND status != 'relocated'",
            "SELECT * FROM obstacles WHERE project_id = ?1 AND status != 'resolved'",
            "SELECT * FROM checklist_items WHERE project_id = ?1 AND done = 0",
        ],
        &args,
    );
    bench(
        "history, first page (200)",
        &mut || {
            let q = HistoryQuery { project_id: p.id, limit: Some(200), ..Default::default() };
            desk::history(&db, q).unwrap().len()
        },
        &["SELECT o.*, h.number FROM oplog o
             LEFT JOIN households h ON h.id = coalesce(json_extract(o.fields, '$.household_id'), o.entity_id)
             WHERE o.project_id = ?1 ORDER BY o.hlc DESC LIMIT 200"],
        &args,
    );
    bench(
        "household search (plot, name)",
        &mut || desk::find_households(&db, p.id, "陈秀".into()).unwrap().len(),
        &["SELECT h.id, h.number, h.head_name, g.name, h.stage, h.address FROM households h
             JOIN work_groups g ON g.id = h.group_id
             WHERE h.project_id = ?1 AND (h.number LIKE '%陈秀%' OR h.head_name LIKE '%陈秀%') LIMIT 20"],
        &args,
    );
    bench(
        "search box (all plots, name)",
        &mut || jingdi::search::search(db.conn(), "陈秀", 20).unwrap().len(),
        &["SELECT id, number, head_name, project_id FROM households WHERE head_name LIKE '%陈秀%' LIMIT 20"],
        &args,
    );
    bench(
        "ledger export (户籍台账 table)",
        &mut || jingdi::office::exports::ledger(db.conn(), &p, as_of).unwrap()[0].rows.len(),
        &[
            "SELECT h.*, g.name,
                    (SELECT max(reached_on) FROM stage_events e WHERE e.household_id = h.id),
                    (SELECT sum(amount) FROM compensation_items c WHERE c.household_id = h.id AND c.status != 'estimated'),
                    (SELECT sum(amount) FROM compensation_items c WHERE c.household_id = h.id AND c.status = 'paid')
             FROM households h JOIN work_groups g ON g.id = h.group_id WHERE h.project_id = ?1",
        ],
        &args,
    );

    // The overdue follow-ups as the summary and the board asked for them before (ranking every
    // visit of the plot with a window function), on the same file, for the record.
    let before = median_ms(|| floor(&floor_conn, &[OVERDUE_BEFORE], &args));
    let now = median_ms(|| jingdi::report::summary::overdue_follow_ups(db.conn(), &p, as_of).unwrap().len());
    println!("overdue follow-ups: before {:.2} ms ({} rows), now {:.2} ms ({} rows)", before.0, before.1, now.0, now.1);

    println!();
    println!("| view (plot QZ01) | core (median of {RUNS}) | floor SQL | ratio |");
    println!("| --- | --- | --- | --- |");
    for r in &table {
        println!("| {} | {:.1} ms | {:.1} ms | {:.1}× |", r.view, r.core.0, r.floor.0, r.core.0 / r.floor.0.max(0.01));
    }

    // Whole processes: the CLI as a user runs it, next to the sqlite3 shell on the summary's floor.
    let run = |cmd: &mut Command| {
        let mut t: Vec<f64> = (0..RUNS)
            .map(|_| {
                let s = Instant::now();
                let out = cmd.output().unwrap();
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                s.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        t.sort_by(f64::total_cmp);
        t[RUNS / 2]
    };
    let mut jd = Command::new(cli);
    jd.args(["--db", path.to_str().unwrap(), "--json", "summary", "--project", "QZ01"]).env("JINGDI_HOME", home.path());
    let cli_ms = run(&mut jd);
    let script: String = summary_floor
        .iter()
        .map(|s| format!("{};\n", s.replace("?1", &format!("'{pid}'")).replace("?2", &format!("'{as_of}'"))))
        .collect();
    let mut sq = Command::new("sqlite3");
    sq.args(["-readonly", path.to_str().unwrap()]).arg(&script);
    let sqlite_ms = run(&mut sq);
    println!();
    println!(
        "whole process: jingdi summary --json --project QZ01 {cli_ms:.1} ms; sqlite3 on its floor {sqlite_ms:.1} ms"
    );
    drop(writer);
}

/// Households whose latest visit asked for a follow-up before the as-of date.
const OVERDUE_FLOOR: &str = "SELECT h.number, h.head_name, v.follow_up_on, v.next_step FROM households h
     JOIN visits v ON v.id = (SELECT id FROM visits WHERE household_id = h.id ORDER BY visited_at DESC, id DESC LIMIT 1)
     WHERE h.project_id = ?1 AND v.follow_up_on < ?2";

/// The overdue follow-ups query before this version (src/report/summary.rs).
const OVERDUE_BEFORE: &str = "WITH effective AS (
         SELECT v.* FROM visits v JOIN households h ON h.id = v.household_id
         WHERE h.project_id = ?1 AND NOT EXISTS (SELECT 1 FROM visits c WHERE c.corrects = v.id)
     ), latest AS (
         SELECT household_id, follow_up_on, next_step,
                row_number() OVER (PARTITION BY household_id ORDER BY visited_at DESC, id DESC) AS rn
         FROM effective
     )
     SELECT h.number, h.head_name, l.follow_up_on, l.next_step FROM latest l
     JOIN households h ON h.id = l.household_id
     WHERE l.rn = 1 AND l.follow_up_on IS NOT NULL AND l.follow_up_on < ?2
     ORDER BY l.follow_up_on, length(h.number), h.number";
