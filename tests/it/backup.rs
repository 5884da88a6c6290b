//! Backups, restore and check, on real files: copies taken while another connection writes,
//! restores into a database another connection keeps open, refused copies that change
//! nothing, rotation, the automatic backups, damage found by `check`.

use crate::cli::Cli;
use crate::{TestDb, AUTHOR};
use jingdi::backup::{self, restore, Kind};
use jingdi::check::{self, Depth};
use jingdi::visit::NewVisit;
use jingdi::Db;
use std::path::{Path, PathBuf};

fn visit(t: &mut TestDb, number: &str, outcome: &str) {
    let h = t.household(number).id;
    t.write(|tx| jingdi::visit::add(tx, h, &NewVisit { outcome: outcome.into(), ..Default::default() })).unwrap();
}

fn dump_of(path: &Path) -> String {
    let c = backup::connect(path, true).unwrap();
    jingdi::oplog::replay::dump(&c).unwrap()
}

/// Overwrites the middle of every other page in the file's second half with noise (closed
/// files only): the schema and the small tables written first stay readable, as after a
/// torn write that hit the data.
fn damage(path: &Path) {
    // The households' leaf pages, every other one: found by name (dbstat), not by position, so
    // a migration that moves pages around does not move the damage onto what opening a file
    // reads (its device's key binding and last operations), which would make the open fail.
    let (page, leaves) = {
        let c = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let page: usize = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
        let mut q = c
            .prepare("SELECT pageno FROM dbstat WHERE name = 'households' AND pagetype = 'leaf' ORDER BY pageno")
            .unwrap();
        let leaves: Vec<usize> = q.query_map([], |r| r.get(0)).unwrap().map(|p| p.unwrap()).collect();
        (page, leaves)
    };
    assert!(!leaves.is_empty(), "a file with pages to damage");
    let mut bytes = std::fs::read(path).unwrap();
    for p in leaves.iter().step_by(2) {
        let at = (p - 1) * page;
        for b in &mut bytes[at + 100..at + 900] {
            *b = b.wrapping_mul(31).wrapping_add(7);
        }
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn backup_restore_round_trip_keeps_the_current_file_aside_and_starts_a_new_device() {
    let mut t = TestDb::with_households(5);
    visit(&mut t, "H1", "第一次走访");
    let at_backup = t.snapshot();
    let b = backup::create(t.db.conn(), &t.path(), None, Kind::Manual).unwrap();
    assert!(b.name.starts_with("T1_") && b.name.ends_with("_manual.jdbak"), "{}", b.name);
    assert_eq!(Path::new(&b.path).parent().unwrap(), t.dir.path().join("backups"));
    assert_eq!(dump_of(Path::new(&b.path)), at_backup.0, "the copy holds the state at the time");
    visit(&mut t, "H2", "备份之后的走访");
    let before_restore = t.snapshot();
    let device = t.db.device_id();

    let plan = restore::plan(t.db.conn(), Path::new(&b.path)).unwrap();
    assert_eq!(plan.removed_operations, 1);
    assert_eq!(plan.removed_own, 1);
    assert_eq!(plan.removed_unshared, 1, "no other laptop has seen it");
    assert_eq!(plan.added_operations, 0);
    assert_eq!(plan.backup.operations as usize, at_backup.1);
    assert_eq!(plan.current.as_ref().unwrap().operations as usize, before_restore.1);
    assert_eq!(plan.backup.projects[0].households, 5);

    let path = t.path();
    let report = jingdi::desk::restore(&mut t.db, b.path.clone()).unwrap();
    assert_eq!(t.snapshot(), at_backup, "the live file holds the backup's state");
    assert_ne!(t.db.device_id(), device, "a restored file writes under a new device id");
    // The content before the restore was kept, whole.
    assert!(report.kept_aside.ends_with("_before-restore.jdbak"), "{}", report.kept_aside);
    assert_eq!(dump_of(Path::new(&report.kept_aside)), before_restore.0);
    // The file is sound and writable; new writes start at seq 1 of the new device.
    let r = check::check(t.db.conn(), &path.display().to_string(), Depth::Full);
    assert!(r.ok, "{r:?}");
    visit(&mut t, "H3", "恢复之后的走访");
    let seq: i64 =
        t.db.conn()
            .query_row("SELECT max(seq) FROM oplog WHERE device_id = ?1", [t.db.device_id().to_string()], |r| r.get(0))
            .unwrap();
    assert_eq!(seq, 1);
    let listed: Vec<Kind> = backup::list(&backup::folder(&path)).unwrap().iter().map(|b| b.kind).collect();
    assert!(listed.contains(&Kind::Manual) && listed.contains(&Kind::BeforeRestore), "{listed:?}");
}

#[test]
fn a_restore_leaves_other_open_connections_valid() {
    // The app keeps its connection open; the command line restores the same file.
    let mut app = TestDb::with_households(3);
    let b = backup::create(app.db.conn(), &app.path(), None, Kind::Manual).unwrap();
    let at_backup = app.snapshot();
    visit(&mut app, "H1", "应用里记录的走访");
    let device = app.db.device_id();
    let mut cli = backup::connect(&app.path(), false).unwrap();
    let installation = jingdi::identity::Installation::open(&jingdi::identity::default_home()).unwrap();
    restore::restore(&mut cli, &app.path(), Path::new(&b.path), &installation).unwrap();
    drop(cli);
    // The app's connection reads the restored content at once and the file stays sound.
    assert_eq!(app.snapshot(), at_backup);
    // Its next save goes under the file's new device id, from sequence number 1: nothing
    // it writes can reuse a number the old id already gave out.
    visit(&mut app, "H2", "恢复之后应用里的走访");
    assert_ne!(app.db.device_id(), device);
    let (device_of_last, seq): (String, i64) = app
        .db
        .conn()
        .query_row("SELECT device_id, seq FROM oplog ORDER BY hlc DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((device_of_last, seq), (app.db.device_id().to_string(), 1));
    let r = check::check(app.db.conn(), "", Depth::Full);
    assert!(r.ok, "{r:?}");
    // Still a WAL database, never replaced behind the app's back.
    let mode: String = app.db.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_backup_taken_while_another_connection_writes_is_a_consistent_snapshot() {
    let mut t = TestDb::with_households(20);
    let path = t.path();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let path = path.clone();
        std::thread::spawn(move || {
            let mut db = Db::open(&path).unwrap();
            let p = jingdi::project::find_by_code(db.conn(), "T1").unwrap().unwrap();
            let hs = jingdi::household::list(db.conn(), p.id).unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let h = hs[n % hs.len()].id;
                db.write(AUTHOR, |tx| {
                    jingdi::visit::add(tx, h, &NewVisit { outcome: format!("并发走访 {n}"), ..Default::default() })
                })
                .unwrap();
                n += 1;
            }
            n
        })
    };
    let mut copies = Vec::new();
    for _ in 0..5 {
        copies.push(backup::create(t.db.conn(), &path, None, Kind::Manual).unwrap());
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let written = writer.join().unwrap();
    assert!(written > 0);
    for c in &copies {
        let conn = backup::connect(Path::new(&c.path), true).unwrap();
        let r = check::check(&conn, &c.path, Depth::Full);
        assert!(r.ok, "{} {r:?}", c.name);
    }
    visit(&mut t, "H1", "写入仍然正常");
}

#[test]
fn refused_copies_change_nothing() {
    let mut t = TestDb::with_households(40);
    visit(&mut t, "H1", "走访");
    let good = backup::create(t.db.conn(), &t.path(), None, Kind::Manual).unwrap();
    let before = t.snapshot();
    let listed = backup::list(&backup::folder(&t.path())).unwrap();
    let dir = tempfile::tempdir().unwrap();

    // A damaged copy.
    let damaged = dir.path().join("damaged.jdbak");
    std::fs::copy(&good.path, &damaged).unwrap();
    damage(&damaged);
    // Not a database at all.
    let junk = dir.path().join("junk.jdbak");
    std::fs::write(&junk, vec![0x5a; 64 * 1024]).unwrap();
    // An SQLite file that is not Jingdi's.
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").unwrap();
    // A copy from a newer Jingdi.
    let newer = dir.path().join("newer.jdbak");
    std::fs::copy(&good.path, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", jingdi::db::SCHEMA_VERSION + 1)
        .unwrap();

    for (file, code) in [
        (&damaged, "backup.damaged"),
        (&junk, "backup.not_jingdi"),
        (&other, "backup.not_jingdi"),
        (&newer, "backup.schema_too_new"),
        (&dir.path().join("missing.jdbak"), "backup.not_found"),
        (&t.path(), "backup.same_file"),
    ] {
        let e = jingdi::desk::restore(&mut t.db, file.display().to_string()).unwrap_err();
        assert_eq!(e.code(), code, "{}: {e}", file.display());
        assert!(e.to_string().contains(&file.display().to_string()), "the message names the file: {e}");
        assert_eq!(t.snapshot(), before, "{code}: nothing changed");
        assert_eq!(backup::list(&backup::folder(&t.path())).unwrap(), listed, "{code}: nothing kept aside");
    }
}

#[test]
fn a_backup_with_another_page_size_restores_into_the_live_file() {
    let mut t = TestDb::with_households(4);
    let dir = tempfile::tempdir().unwrap();
    // A file made by an older Jingdi, with SQLite's default 4 KiB pages.
    let old = dir.path().join("old.jdbak");
    t.db.conn().pragma_update(None, "page_size", 4096).unwrap();
    t.db.conn().execute("VACUUM INTO ?1", [old.to_str().unwrap()]).unwrap();
    let page: i64 = rusqlite::Connection::open(&old).unwrap().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 4096);
    let at_copy = t.snapshot();
    visit(&mut t, "H1", "之后的走访");
    jingdi::desk::restore(&mut t.db, old.display().to_string()).unwrap();
    assert_eq!(t.snapshot(), at_copy);
    let page: i64 = t.db.conn().query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    assert_eq!(page, 8192, "the live file keeps its page size");
}

#[test]
fn restoring_a_copy_of_an_older_schema_upgrades_it_after() {
    let t = TestDb::with_households(1);
    let dir = tempfile::tempdir().unwrap();
    let old = older_schema_db(dir.path());
    let path = t.path();
    let mut db = t.db;
    let plan = jingdi::desk::restore_plan(&db, old.display().to_string()).unwrap();
    assert!(plan.upgrade);
    assert_eq!(plan.backup.schema_version, 3);
    let device = db.device_id();
    jingdi::desk::restore(&mut db, old.display().to_string()).unwrap();
    let v: i64 = db.conn().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, jingdi::db::SCHEMA_VERSION);
    assert_ne!(db.device_id(), device);
    assert!(check::check(db.conn(), "", Depth::Full).ok);
    // The backup itself is the copy from before the upgrade: it is left as it was.
    let c = backup::connect(&old, true).unwrap();
    assert_eq!(c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), 3);
    let kinds: Vec<Kind> = backup::list(&backup::folder(&path)).unwrap().iter().map(|b| b.kind).collect();
    assert_eq!(kinds, [Kind::BeforeRestore]);
}

/// A database at schema version 3 (before compensation standards), with one project.
fn older_schema_db(dir: &Path) -> PathBuf {
    let path = dir.join("v3.db");
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA journal_mode = WAL").unwrap();
    for sql in [
        include_str!("../../migrations/0001_ledger.sql"),
        include_str!("../../migrations/0002_meetings.sql"),
        include_str!("../../migrations/0003_sync.sql"),
    ] {
        c.execute_batch(sql).unwrap();
    }
    c.pragma_update(None, "user_version", 3).unwrap();
    drop(c);
    path
}

#[test]
fn opening_an_older_schema_backs_it_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = older_schema_db(dir.path());
    let before = std::fs::read(&path).unwrap();
    let db = Db::open(&path).unwrap();
    let list = backup::list(&backup::folder(&path)).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].kind, Kind::BeforeMigration);
    let c = backup::connect(Path::new(&list[0].path), true).unwrap();
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, 3, "the copy is the file before the upgrade");
    drop(db);
    assert_ne!(std::fs::read(&path).unwrap(), before);
    // Opening again (already current) makes no further copy.
    drop(Db::open(&path).unwrap());
    assert_eq!(backup::list(&backup::folder(&path)).unwrap().len(), 1);
}

#[test]
fn rotation_keeps_the_rule_and_never_touches_manual_backups() {
    let dir = tempfile::tempdir().unwrap();
    let mk = |name: &str| std::fs::write(dir.path().join(name), b"x").unwrap();
    // 30 days of dailies, two merges on the last day, three manual copies long ago.
    for d in 1..=30 {
        mk(&format!("T1_2025-03-{d:02}_090000_daily.jdbak"));
    }
    mk("T1_2025-03-30_120000_before-merge.jdbak");
    mk("T1_2025-03-30_130000_before-import.jdbak");
    for d in 1..=3 {
        mk(&format!("T1_2024-01-{d:02}_090000_manual.jdbak"));
    }
    mk("T1_2024-01-04_090000_before-restore.jdbak");
    mk(".T1_2025-03-30_140000_daily.jdbak.1.partial");
    let removed = backup::rotate(dir.path()).unwrap();
    let left: Vec<String> = backup::list(dir.path()).unwrap().into_iter().map(|b| b.name).collect();
    // 3 latest: 03-30 13:00, 03-30 12:00, 03-30 09:00; days 03-30..03-24; weeks of 03-24
    // (Mon) .. 03-30, 03-17..23, 03-10..16, 03-03..09.
    for kept in [
        "T1_2025-03-30_130000_before-import.jdbak",
        "T1_2025-03-30_120000_before-merge.jdbak",
        "T1_2025-03-30_090000_daily.jdbak",
        "T1_2025-03-24_090000_daily.jdbak",
        "T1_2025-03-23_090000_daily.jdbak",
        "T1_2025-03-16_090000_daily.jdbak",
        "T1_2025-03-09_090000_daily.jdbak",
        "T1_2024-01-01_090000_manual.jdbak",
        "T1_2024-01-04_090000_before-restore.jdbak",
    ] {
        assert!(left.iter().any(|n| n == kept), "{kept} kept: {left:?}");
    }
    assert!(!left.iter().any(|n| n == "T1_2025-03-22_090000_daily.jdbak"));
    assert_eq!(left.len(), 3 + 6 + 3 + 4, "{left:?}");
    assert_eq!(removed.len(), 32 - 12);
    assert!(dir.path().join(".T1_2025-03-30_140000_daily.jdbak.1.partial").exists(), "a fresh partial is not swept");
}

/// Copies taken within one second are ordered by their "-N" ("-10" after "-9", the first
/// copy of the second before "-2"), not by name; and a backup just made is never the one
/// its own rotation removes (a hub join once failed so, `backup.failed`, on its third page).
#[test]
fn copies_of_one_second_rotate_newest_first_and_a_new_copy_survives_its_rotation() {
    let dir = tempfile::tempdir().unwrap();
    let mk = |name: &str| std::fs::write(dir.path().join(name), b"x").unwrap();
    mk("jingdi_2025-03-30_120000_before-merge.jdbak");
    mk("T1_2025-03-30_120000_before-merge.jdbak");
    for n in 2..=10 {
        mk(&format!("T1_2025-03-30_120000-{n}_before-merge.jdbak"));
    }
    let names: Vec<String> = backup::list(dir.path()).unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(
        names[..3],
        [
            "T1_2025-03-30_120000-10_before-merge.jdbak",
            "T1_2025-03-30_120000-9_before-merge.jdbak",
            "T1_2025-03-30_120000-8_before-merge.jdbak"
        ]
    );
    backup::rotate(dir.path()).unwrap();
    let left: Vec<String> = backup::list(dir.path()).unwrap().into_iter().map(|b| b.name).collect();
    assert_eq!(left[0], "T1_2025-03-30_120000-10_before-merge.jdbak", "{left:?}");

    // Real copies, back to back into one folder: each one made is there afterwards.
    let t = TestDb::with_households(2);
    let to = tempfile::tempdir().unwrap();
    for _ in 0..6 {
        let b = backup::create(t.db.conn(), &t.path(), Some(to.path()), Kind::BeforeMerge).unwrap();
        assert!(std::path::Path::new(&b.path).exists(), "{} kept", b.name);
        assert_eq!(backup::list(to.path()).unwrap()[0].name, b.name, "the newest is listed first");
    }
}

#[test]
fn big_imports_and_merges_are_preceded_by_a_backup_unless_turned_off() {
    // Merge: a laptop joining with a full bundle of the demo (thousands of operations).
    let office = TestDb::demo();
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("full.jdb");
    jingdi::sync::export(&office.db, &office.project(), &bundle, jingdi::sync::Scope::Full).unwrap();
    let mut laptop = TestDb::empty();
    jingdi::sync::merge::import(&mut laptop.db, &bundle).unwrap();
    let kinds = |t: &TestDb| -> Vec<Kind> {
        backup::list(&backup::folder(&t.path())).unwrap().iter().map(|b| b.kind).collect()
    };
    assert_eq!(kinds(&laptop), [Kind::BeforeMerge]);
    // Importing it again brings nothing new: no backup.
    jingdi::sync::merge::import(&mut laptop.db, &bundle).unwrap();
    assert_eq!(kinds(&laptop).len(), 1);
    // Turned off: none.
    let mut quiet = TestDb::empty();
    quiet.db.set_setting(backup::AUTO_SETTING, "off").unwrap();
    jingdi::sync::merge::import(&mut quiet.db, &bundle).unwrap();
    assert!(kinds(&quiet).is_empty());
}

#[test]
fn the_daily_backup_is_made_once_a_day() {
    let t = TestDb::with_households(2);
    let first = jingdi::desk::startup(&t.db).unwrap();
    assert!(first.check.ok, "{:?}", first.check);
    assert_eq!(first.daily_backup.as_ref().map(|b| b.kind), Some(Kind::Daily));
    let second = jingdi::desk::startup(&t.db).unwrap();
    assert!(second.daily_backup.is_none(), "one a day");
    let view = jingdi::desk::backups(&t.db).unwrap();
    assert_eq!(view.files.len(), 1);
    assert!(view.auto);
    assert!(view.retention.contains("7 天"), "{}", view.retention);
}

#[test]
fn check_finds_damage_and_the_app_offers_the_newest_good_backup() {
    let t = TestDb::with_households(200);
    let path = t.path();
    let good = backup::create(t.db.conn(), &path, None, Kind::Manual).unwrap();
    // A later backup that is itself damaged is not offered.
    let bad = backup::create(t.db.conn(), &path, None, Kind::Daily).unwrap();
    let newest = backup::folder(&path).join("T1_2099-01-01_090000_daily.jdbak");
    std::fs::rename(&bad.path, &newest).unwrap();
    damage(&newest);
    drop(t.db);
    damage(&path);
    let c = Cli { dir: tempfile::tempdir().unwrap(), db: path.clone() };
    let (code, err) = c.refused(&["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("已损坏"), "{err}");
    let r: serde_json::Value = serde_json::from_slice(&c.run(&["check", "--json"]).stdout).unwrap();
    assert_eq!(r["ok"], false);
    assert!(!r["structure_problems"].as_array().unwrap().is_empty());
    // The app opens it (a damaged file still opens), says so and offers the good copy.
    let db = Db::open(&path).unwrap();
    let h = jingdi::desk::startup(&db).unwrap();
    assert!(!h.check.ok);
    assert!(h.daily_backup.is_none(), "a damaged file is not copied over good backups");
    assert_eq!(h.newest_good_backup.map(|b| b.name), Some(good.name.clone()));
    // Restoring it repairs the file.
    let mut db = db;
    jingdi::desk::restore(&mut db, good.path.clone()).unwrap();
    drop(db);
    c.ok(&["check"]);
}

#[test]
fn check_finds_tables_that_disagree_with_the_log() {
    let t = TestDb::with_households(3);
    let c = Cli { dir: tempfile::tempdir().unwrap(), db: t.path() };
    let out = c.ok(&["check"]);
    assert!(out.contains("完好") && out.contains("一致"), "{out}");
    // A change written around the log (a hand edit with an SQLite tool).
    t.db.conn().execute("UPDATE households SET phone = '13999999999' WHERE number = 'H1'", []).unwrap();
    let (code, err) = c.refused(&["check"]);
    assert_eq!(code, 1);
    assert!(err.contains("不一致"), "{err}");
    let r: serde_json::Value = serde_json::from_slice(&c.run(&["check", "--json"]).stdout).unwrap();
    assert_eq!(r["log_consistent"], false);
    assert!(r["structure_problems"].as_array().unwrap().is_empty());
}

#[test]
fn cli_backup_list_restore_dry_run_and_restore() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let to = c.dir.path().join("U盘");
    let b = c.json(&["backup", "--to", to.to_str().unwrap()]);
    assert!(b["name"].as_str().unwrap().starts_with("DX4_"), "{b}");
    assert_eq!(b["kind"], "manual");
    let here = c.json(&["backup"]);
    let list = c.json(&["backup", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 1, "the default folder holds one");
    assert_eq!(list[0]["path"], here["path"]);
    let there = c.json(&["backup", "list", "--dir", to.to_str().unwrap()]);
    assert_eq!(there[0]["path"], b["path"]);
    let text = c.ok(&["backup", "list"]);
    assert!(text.contains("手动备份"), "{text}");

    c.ok(&["visit", "add", "--household", "DX4-001", "--kind", "上门", "--outcome", "备份后走访"]);
    let before = c.dump();
    let file = here["path"].as_str().unwrap();
    let plan = c.json(&["restore", file, "--dry-run"]);
    assert_eq!(plan["removed_operations"], 1);
    assert_eq!(c.dump(), before, "a dry run changes nothing");
    let device = c.json(&["operator"])["device_id"].clone();
    let out = c.ok(&["restore", file]);
    assert!(out.contains("已恢复") && out.contains("1 条"), "{out}");
    assert_ne!(c.dump(), before);
    assert_ne!(c.json(&["operator"])["device_id"], device);
    c.ok(&["check"]);
    // Automatic backups can be turned off and on.
    assert_eq!(c.json(&["backup", "auto", "off"])["auto_backup"], false);
    assert_eq!(c.json(&["backup", "auto"])["auto_backup"], false);
    assert_eq!(c.json(&["backup", "auto", "on"])["auto_backup"], true);
    // A missing database is not created by check or backup.
    let gone = Cli::new();
    assert_eq!(gone.refused(&["check"]).0, 1);
    assert_eq!(gone.refused(&["backup"]).0, 1);
    assert!(!gone.db.exists());
}
