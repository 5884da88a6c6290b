//! Crash tests: the `jingdi` command killed with SIGKILL at random points of visit writes, a
//! 10,000-row roster import, a 100,000-operation merge and a backup. After every kill the
//! file must pass `jingdi check` (structure, foreign keys, this device's sequence, the log
//! replayed against the tables), every write the command acknowledged (exit 0) must be
//! there, and an import or merge must be there whole or not at all.
//!
//! Sized for CI (a few minutes in all). More rounds by hand, with a fixed seed to replay a
//! run: `JINGDI_CRASH_ROUNDS=10 JINGDI_CRASH_SEED=42 cargo test -p jingdi --release --test it
//! crash -- --nocapture --test-threads 1` (figures in RELIABILITY.md).

use crate::{id_number, TestDb};
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How many times the CI-sized rounds are run (`JINGDI_CRASH_ROUNDS`, default 1).
fn rounds(ci: usize) -> usize {
    let k: usize = std::env::var("JINGDI_CRASH_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    ci * k.max(1)
}

fn rng(scenario: &str) -> rand::rngs::StdRng {
    let seed: u64 = std::env::var("JINGDI_CRASH_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    eprintln!("crash {scenario}: seed {seed} (JINGDI_CRASH_SEED={seed} replays the same kill points)");
    rand::rngs::StdRng::seed_from_u64(seed)
}

#[derive(Default, Debug)]
struct Figures {
    /// The command left alone, for scale.
    typical: Duration,
    runs: usize,
    kills: usize,
    /// Killed after the change was committed, before the command said so.
    committed_then_killed: usize,
    acknowledged: usize,
    found: usize,
    damaged: usize,
}

impl Figures {
    fn report(&self, scenario: &str, unit: &str) {
        // One line per scenario, copied into RELIABILITY.md.
        eprintln!(
            "crash {scenario}: {} runs ({:.2} s each when left alone), {} killed ({} of them after their commit), {unit} acknowledged {}, found {}, files damaged {}",
            self.runs,
            self.typical.as_secs_f64(),
            self.kills,
            self.committed_then_killed,
            self.acknowledged,
            self.found,
            self.damaged
        );
    }
}

fn jingdi(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jingdi"));
    c.arg("--db").arg(db).args(args).env("JINGDI_AUTHOR", "崩溃测试").env_remove("JINGDI_DB");
    // Each database's own installation, beside it.
    c.env("JINGDI_HOME", db.parent().unwrap().join("home"));
    c.stdout(Stdio::null()).stderr(Stdio::piped());
    c
}

/// Runs the command, killing it with SIGKILL once `delay` has passed. `true` when it
/// finished by itself and succeeded (an acknowledged write), `false` when it was killed.
fn run_or_kill(mut cmd: Command, delay: Duration) -> bool {
    let mut child: Child = cmd.spawn().unwrap();
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            assert!(status.success(), "the command failed by itself: {}", String::from_utf8_lossy(&out.stderr));
            return true;
        }
        if start.elapsed() >= delay {
            child.kill().unwrap(); // SIGKILL
            let status = child.wait().unwrap();
            // It may have finished between the last look and the kill.
            return status.success();
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// A kill point: half spread over the whole run, half over its last part, where an import
/// or a merge writes, commits and checkpoints.
fn kill_point(rng: &mut rand::rngs::StdRng, typical: Duration) -> Duration {
    if rng.random_bool(0.5) {
        typical.mul_f64(rng.random_range(0.0..0.95))
    } else {
        typical.mul_f64(rng.random_range(0.6..0.98))
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// How long the command takes when left alone (the kill points are spread over it).
fn timed(cmd: Command) -> Duration {
    let t = Instant::now();
    assert!(run_or_kill(cmd, Duration::from_secs(600)));
    t.elapsed()
}

/// `jingdi check` on the file: the verdict the harness counts.
fn passes_check(db: &Path) -> bool {
    let t = Instant::now();
    let out = jingdi(db, &["check"]).stdout(Stdio::piped()).output().unwrap();
    if std::env::var_os("JINGDI_CRASH_VERBOSE").is_some() {
        eprintln!("check of {} took {:.2} s", db.display(), t.elapsed().as_secs_f64());
    }
    if !out.status.success() {
        eprintln!(
            "check failed on {}: {}{}",
            db.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    out.status.success()
}

fn count(db: &Path, sql: &str) -> i64 {
    let c = Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    c.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Every backup listed beside the database is whole (a killed backup leaves none listed).
fn listed_backups_whole(db: &Path) -> bool {
    jingdi::backup::list(&jingdi::backup::folder(db)).unwrap().iter().all(|b| {
        let c = Connection::open_with_flags(&b.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let r: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0)).unwrap_or_default();
        r == "ok"
    })
}

/// A fresh copy of a closed database file (no -wal beside it) at `to`.
fn fresh_copy(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    let _ = std::fs::remove_dir_all(jingdi::backup::folder(to));
    std::fs::copy(from, to).unwrap();
}

/// A database with project T1 ("一组") and `n` households, closed.
pub(crate) fn base(dir: &Path, name: &str, n: usize) -> PathBuf {
    let t = TestDb::with_households(n);
    let path = dir.join(name);
    // Through the backup API rather than a byte copy: the source is open.
    t.db.conn().execute("VACUUM INTO ?1", [path.to_str().unwrap()]).unwrap();
    path
}

#[test]
fn crash_during_visit_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = base(dir.path(), "visits.db", 30);
    let mut rng = rng("visits");
    let visit = |k: usize| {
        let household = format!("H{}", k % 30 + 1);
        let outcome = format!("崩溃测试走访 #{k}");
        jingdi(&db, &["visit", "add", "--household", &household, "--kind", "上门", "--outcome", &outcome])
    };
    let typical = median((0..3).map(|k| timed(visit(100_000 + k))).collect());
    let mut f = Figures { typical, ..Default::default() };
    let mut acknowledged = Vec::new();
    for k in 0..rounds(200) {
        let delay = typical.mul_f64(rng.random_range(0.0..1.0));
        f.runs += 1;
        if run_or_kill(visit(k), delay) {
            acknowledged.push(k);
            continue;
        }
        f.kills += 1;
        if !passes_check(&db) {
            f.damaged += 1;
        }
    }
    let outcomes: std::collections::HashSet<String> = {
        let c = Connection::open(&db).unwrap();
        let mut s = c.prepare("SELECT outcome FROM visits").unwrap();
        s.query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    f.acknowledged = acknowledged.len();
    f.found = acknowledged.iter().filter(|k| outcomes.contains(&format!("崩溃测试走访 #{k}"))).count();
    f.committed_then_killed =
        (0..f.runs).filter(|k| !acknowledged.contains(k) && outcomes.contains(&format!("崩溃测试走访 #{k}"))).count();
    f.report("visits", "visits");
    assert!(f.kills > 0 && f.acknowledged > 0, "both outcomes happen: {f:?}");
    assert_eq!(f.damaged, 0);
    assert_eq!(f.found, f.acknowledged, "every acknowledged visit is in the file");
    assert!(passes_check(&db));
}

/// A roster of `rows` households for project T1, as an office would type it.
pub(crate) fn roster_csv(path: &Path, rows: usize) {
    let mut s = String::from("户号,户主,身份证号,联系电话,地址,人口,房屋面积,占地面积,结构,组别\n");
    for i in 0..rows {
        let birth = format!("19{:02}0{}1{}", 40 + i % 50, 1 + i % 9, i % 10);
        s.push_str(&format!(
            "R{i:05},户主{i},{},139{:08},东星村{i}号,3,120.50,80,砖混,一组\n",
            id_number(&birth, i as u32),
            i
        ));
    }
    std::fs::write(path, s).unwrap();
}

#[test]
fn crash_during_roster_import() {
    const ROWS: i64 = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let pristine = base(dir.path(), "pristine.db", 0);
    let roster = dir.path().join("花名册.csv");
    roster_csv(&roster, ROWS as usize);
    let db = dir.path().join("import.db");
    let import = || jingdi(&db, &["import", "roster", roster.to_str().unwrap()]);
    fresh_copy(&pristine, &db);
    let typical = timed(import());
    assert_eq!(count(&db, "SELECT count(*) FROM households"), ROWS);
    let ops_before = count(&pristine, "SELECT count(*) FROM oplog");
    let ops_after = count(&db, "SELECT count(*) FROM oplog");
    let mut rng = rng("import");
    let mut f = Figures { typical, ..Default::default() };
    let mut typical = typical;
    for _ in 0..rounds(10) {
        fresh_copy(&pristine, &db);
        f.runs += 1;
        let t = Instant::now();
        let acknowledged = run_or_kill(import(), kill_point(&mut rng, typical));
        if acknowledged {
            // The machine's load varies: aim at the fastest run seen.
            typical = typical.min(t.elapsed());
        }
        let households = count(&db, "SELECT count(*) FROM households");
        let ops = count(&db, "SELECT count(*) FROM oplog");
        // Whole or nothing: households and log agree with one of the two states.
        assert!(
            (households == 0 && ops == ops_before) || (households == ROWS && ops == ops_after),
            "half an import: {households} households, {ops} operations"
        );
        if acknowledged {
            f.acknowledged += 1;
            f.found += usize::from(households == ROWS);
        } else {
            f.kills += 1;
            f.committed_then_killed += usize::from(households == ROWS);
        }
        if !passes_check(&db) || !listed_backups_whole(&db) {
            f.damaged += 1;
        }
    }
    f.report("roster import (10,000 rows)", "imports");
    assert_eq!(f.damaged, 0);
    assert_eq!(f.found, f.acknowledged);
    assert!(f.kills > 0, "{f:?}");
}

/// Two laptops: the receiver holds the project's start; the sender then wrote `ops`
/// operations (phone edits and visits). Returns (receiver file, bundle of everything).
fn two_laptops(dir: &Path, ops: usize) -> (PathBuf, PathBuf) {
    let mut sender = TestDb::with_households(1000);
    let p = sender.project();
    let start = dir.join("start.jdb");
    jingdi::sync::export(&sender.db, &p, &start, jingdi::sync::Scope::Full).unwrap();
    let receiver = dir.join("receiver.db");
    {
        let mut r = jingdi::Db::open(&receiver).unwrap();
        jingdi::sync::merge::import(&mut r, &start).unwrap();
        // Checkpointed and closed: the file alone is the laptop.
    }
    let ids: Vec<uuid::Uuid> = jingdi::household::list(sender.db.conn(), p.id).unwrap().iter().map(|h| h.id).collect();
    let mut n = 0;
    while n < ops {
        let batch = (ops - n).min(5000);
        sender
            .write(|tx| {
                for k in n..n + batch {
                    let h = ids[k % ids.len()];
                    if k % 2 == 0 {
                        jingdi::household::set(tx, h, "phone", &format!("139{k:08}"), None)?;
                    } else {
                        jingdi::visit::add(
                            tx,
                            h,
                            &jingdi::visit::NewVisit {
                                outcome: format!("合并测试走访 {k}"), ..Default::default()
                            },
                        )?;
                    }
                }
                Ok(())
            })
            .unwrap();
        n += batch;
    }
    let all = dir.join("all.jdb");
    jingdi::sync::export(&sender.db, &p, &all, jingdi::sync::Scope::Full).unwrap();
    (receiver, all)
}

fn crash_merge_ops() -> usize {
    std::env::var("JINGDI_CRASH_MERGE_OPS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

#[test]
fn crash_during_merge() {
    let ops = crash_merge_ops();
    let dir = tempfile::tempdir().unwrap();
    let t = Instant::now();
    let (pristine, bundle) = two_laptops(dir.path(), ops);
    eprintln!("crash merge: two laptops and a bundle of {ops} operations made in {:.1} s", t.elapsed().as_secs_f64());
    let db = dir.path().join("merge.db");
    let merge = || jingdi(&db, &["sync", "import", bundle.to_str().unwrap()]);
    let before = count(&pristine, "SELECT count(*) FROM oplog");
    fresh_copy(&pristine, &db);
    let typical = timed(merge());
    let after = count(&db, "SELECT count(*) FROM oplog");
    assert_eq!(after, before + ops as i64);
    let mut rng = rng("merge");
    let mut f = Figures { typical, ..Default::default() };
    let mut typical = typical;
    for _ in 0..rounds(4) {
        fresh_copy(&pristine, &db);
        f.runs += 1;
        let t = Instant::now();
        let acknowledged = run_or_kill(merge(), kill_point(&mut rng, typical));
        if acknowledged {
            typical = typical.min(t.elapsed());
        }
        let held = count(&db, "SELECT count(*) FROM oplog");
        assert!(held == before || held == after, "half a merge: {held} operations of {before} or {after}");
        if acknowledged {
            f.acknowledged += 1;
            f.found += usize::from(held == after);
        } else {
            f.kills += 1;
            f.committed_then_killed += usize::from(held == after);
        }
        if !passes_check(&db) || !listed_backups_whole(&db) {
            f.damaged += 1;
        }
    }
    f.report(&format!("merge ({ops} operations)"), "merges");
    assert_eq!(f.damaged, 0);
    assert_eq!(f.found, f.acknowledged);
}

#[test]
fn crash_during_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = base(dir.path(), "backup.db", 3000);
    let backup = || jingdi(&db, &["backup"]);
    let typical = median((0..3).map(|_| timed(backup())).collect());
    let dump = |db: &Path| jingdi::oplog::replay::dump(&jingdi::backup::connect(db, true).unwrap()).unwrap();
    let state = dump(&db);
    let mut rng = rng("backup");
    let mut f = Figures { typical, ..Default::default() };
    let mut acknowledged = 3;
    for _ in 0..rounds(30) {
        f.runs += 1;
        if run_or_kill(backup(), kill_point(&mut rng, typical)) {
            acknowledged += 1;
        } else {
            f.kills += 1;
        }
        // The database is untouched, and only whole copies carry a backup's name.
        if dump(&db) != state || !listed_backups_whole(&db) {
            f.damaged += 1;
        }
    }
    if !passes_check(&db) {
        f.damaged += 1;
    }
    let listed = jingdi::backup::list(&jingdi::backup::folder(&db)).unwrap();
    f.acknowledged = acknowledged;
    f.found = listed.len();
    f.report("backup", "backups");
    assert_eq!(f.damaged, 0);
    // A backup killed after its rename but before it said so is listed too.
    assert!(f.found >= f.acknowledged && f.found <= f.runs + 3, "every acknowledged backup is listed: {f:?}");
    for b in &listed {
        assert_eq!(dump(Path::new(&b.path)), state);
    }
}
