//! Benchmark: merging a bundle of 100,000 operations into a database of 20,000 households.
//! Run with `cargo bench --bench sync_merge`; figures go to BENCHMARKS.md.

use jingdi::household::NewHousehold;
use jingdi::project::NewProject;
use jingdi::sync::{export, merge::import, Scope};
use jingdi::visit::NewVisit;
use jingdi::vocab::ProjectStatus;
use jingdi::Db;
use std::time::Instant;

const HOUSEHOLDS: usize = 20_000;
const OPERATIONS: usize = 100_000;
/// How many times the merge is timed, each on a fresh copy of the receiving laptop.
const MERGES: usize = 5;

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Db::open(dir.path().join("a.db")).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let t = Instant::now();
    let project = a
        .write("bench", |tx| {
            let p = jingdi::project::create(
                tx,
                &NewProject {
                    code: "B1".into(),
                    name: "基准地块".into(),
                    city: String::new(),
                    district: String::new(),
                    street: String::new(),
                    community: String::new(),
                    window_opens_on: d("2024-01-01"),
                    window_closes_on: d("2024-01-31"),
                    clearance_target: None,
                    status: ProjectStatus::Signing,
                    as_of: None,
                },
            )?;
            for g in 0..20 {
                jingdi::project::add_group(tx, p, &format!("{g}组"), None, &[])?;
            }
            Ok(p)
        })
        .unwrap();
    for chunk in 0..HOUSEHOLDS / 1000 {
        a.write("bench", |tx| {
            for i in chunk * 1000..(chunk + 1) * 1000 {
                jingdi::household::register(
                    tx,
                    project,
                    &NewHousehold {
                        number: format!("B{i:05}"),
                        head_name: format!("户主{i}"),
                        members_count: 3,
                        floor_area: 120_00,
                        group: format!("{}组", i % 20),
                        ..Default::default()
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    }
    println!("setup: {} households in {:.1} s", HOUSEHOLDS, t.elapsed().as_secs_f64());
    let p = jingdi::project::get(a.conn(), project).unwrap();

    // The second laptop joins with a full bundle.
    let mut b = Db::open(dir.path().join("b.db")).unwrap();
    let join = dir.path().join("join.jdb");
    let s = export(&a, &p, &join, Scope::Full).unwrap();
    let t = Instant::now();
    import(&mut b, &join).unwrap();
    println!("join: {} operations, {} bytes, imported in {:.2} s", s.operations, s.bytes, t.elapsed().as_secs_f64());
    // b tells a what it holds, so a's next bundle carries only what is new.
    let back = dir.path().join("back.jdb");
    export(&b, &p, &back, Scope::Unseen).unwrap();
    import(&mut a, &back).unwrap();

    // A busy week on the first laptop: 100,000 operations (half edits, half visits).
    let ids: Vec<uuid::Uuid> = jingdi::household::list(a.conn(), project).unwrap().iter().map(|h| h.id).collect();
    let t = Instant::now();
    let mut n = 0;
    while n < OPERATIONS {
        a.write("bench", |tx| {
            for k in 0..1000 {
                let h = ids[(n + k) % ids.len()];
                if k % 2 == 0 {
                    jingdi::household::set(tx, h, "phone", &format!("139{:08}", n + k), None)?;
                } else {
                    jingdi::visit::add(
                        tx,
                        h,
                        &NewVisit {
                            outcome: "入户沟通补偿方案".into(),
                            next_step: "下周回访".into(),
                            ..Default::default()
                        },
                    )?;
                }
            }
            Ok(())
        })
        .unwrap();
        n += 1000;
    }
    println!("writing {OPERATIONS} operations locally: {:.1} s", t.elapsed().as_secs_f64());

    let week = dir.path().join("week.jdb");
    let t = Instant::now();
    let s = export(&a, &p, &week, Scope::Unseen).unwrap();
    println!(
        "export: {} operations, {} bytes ({:.1} bytes/operation) in {:.2} s",
        s.operations,
        s.bytes,
        s.bytes as f64 / s.operations as f64,
        t.elapsed().as_secs_f64()
    );
    assert_eq!(s.operations, OPERATIONS);
    // The merge, timed on several copies of the second laptop as it was before it: one
    // merge's time varies by a fifth or more from run to run on this machine, so the
    // figure is the median.
    let before = dir.path().join("b-before.db");
    drop(b); // closing the last connection copies the WAL into the file
    std::fs::copy(dir.path().join("b.db"), &before).unwrap();
    let mut times = Vec::new();
    let mut b = None;
    for k in 0..MERGES {
        let copy = dir.path().join(format!("b{k}.db"));
        std::fs::copy(&before, &copy).unwrap();
        let mut db = Db::open(&copy).unwrap();
        // Let the disk finish writing what the previous merge left (the copy, its WAL), so
        // that its write-back does not run during this one. Best effort: where there is no
        // `sync` command the merge is timed as it comes.
        let _ = std::process::Command::new("sync").status();
        let t = Instant::now();
        let r = import(&mut db, &week).unwrap();
        let merge = t.elapsed().as_secs_f64();
        assert_eq!(r.new_operations, OPERATIONS);
        // The WAL checkpoint runs on its own connection after the merge returns; its time
        // is reported, not hidden.
        let t = Instant::now();
        db.wait_for_checkpoint();
        println!(
            "merge {}: {} operations into {} households in {merge:.2} s; background checkpoint finished {:.2} s later",
            k + 1,
            r.new_operations,
            HOUSEHOLDS,
            t.elapsed().as_secs_f64()
        );
        times.push(merge);
        b = Some(db);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "merge: median {:.2} s (fastest {:.2} s, slowest {:.2} s, {MERGES} merges)",
        times[MERGES / 2],
        times[0],
        times[MERGES - 1]
    );
    let mut b = b.unwrap();
    let t = Instant::now();
    let again = import(&mut b, &week).unwrap();
    assert_eq!(again.new_operations, 0);
    println!("re-import of the same bundle (nothing new): {:.2} s", t.elapsed().as_secs_f64());
    assert_eq!(jingdi::oplog::replay::dump(a.conn()).unwrap(), jingdi::oplog::replay::dump(b.conn()).unwrap());
    println!("states identical after merge");
}
