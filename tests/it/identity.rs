//! Device identities that cannot be cloned, and saves that survive what other processes do
//! with the file: a database copied to another laptop or on the same one, yesterday's copy
//! restored, another process closing the database while this one has it open.

use jingdi::identity;
use jingdi::oplog::replay::{all_ops, dump};
use jingdi::sync::{export, merge::import, Scope};
use jingdi::visit::NewVisit;
use jingdi::Db;
use std::path::{Path, PathBuf};
use std::process::Command;
use uuid::Uuid;

/// A laptop: an installation home and a database file of its own.
struct Laptop {
    dir: tempfile::TempDir,
    db: Option<Db>,
}

impl Laptop {
    fn new() -> Laptop {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Laptop { dir, db: None };
        l.open();
        l
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("jingdi.db")
    }

    fn open(&mut self) {
        self.db = None;
        self.db = Some(Db::open_in(self.path(), &self.home()).unwrap());
    }

    fn close(&mut self) {
        self.db = None;
    }

    fn db(&mut self) -> &mut Db {
        self.db.as_mut().expect("open")
    }

    fn device(&mut self) -> Uuid {
        self.db().device_id()
    }

    fn project(&mut self) -> jingdi::project::Project {
        jingdi::project::find_by_code(self.db().conn(), jingdi::demo::CODE).unwrap().unwrap()
    }

    fn visit(&mut self, number: &str, text: &str) {
        let p = self.project().id;
        let h = jingdi::household::by_number(self.db().conn(), p, number).unwrap().id;
        self.db()
            .write("组长", |tx| jingdi::visit::add(tx, h, &NewVisit { outcome: text.into(), ..Default::default() }))
            .unwrap();
    }

    fn visits(&mut self) -> Vec<String> {
        let mut out: Vec<String> = self
            .db()
            .conn()
            .prepare("SELECT outcome FROM visits")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.sort();
        out
    }

    fn dump(&mut self) -> String {
        dump(self.db().conn()).unwrap()
    }

    /// Exports everything to a bundle file in this laptop's folder.
    fn bundle(&mut self, name: &str) -> PathBuf {
        let file = self.dir.path().join(format!("{name}.jdb"));
        let p = self.project();
        export(self.db(), &p, &file, Scope::Full).unwrap();
        file
    }

    /// Sends everything this laptop holds to `to`; the import must merge all of it.
    fn send(&mut self, to: &mut Laptop) -> jingdi::sync::merge::ImportReport {
        let file = self.bundle("out");
        let r = import(to.db(), &file).unwrap();
        assert!(r.held_back.is_empty(), "nothing may be held back: {:?}", r.held_back);
        r
    }
}

/// Every device id appears with one sequence of distinct operations: no (device, seq) is
/// used twice in the log.
fn no_device_seq_reused(db: &Db) {
    let n: i64 = db
        .conn()
        .query_row(
            "SELECT count(*) FROM (SELECT device_id, seq FROM oplog GROUP BY 1, 2 HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 0);
}

fn copy_file(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
    std::fs::copy(from, to).unwrap();
}

#[test]
fn a_new_database_writes_as_a_device_of_its_installation_and_keeps_it() {
    let mut a = Laptop::new();
    let device = a.device();
    let history = identity::history(a.db().conn()).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!((history[0].device_id, history[0].reason.as_str()), (device, "new"));
    let installation = a.db().installation().unwrap().id();
    assert_eq!(history[0].installation_id, Some(installation));
    a.close();
    a.open();
    assert_eq!(a.device(), device, "reopened by its installation, the file keeps its device id");
    // A second connection of the same process, as the app's readers open one.
    let again = Db::open_in(a.path(), &a.home()).unwrap();
    assert_eq!(again.device_id(), device);
}

#[test]
fn a_moved_file_keeps_its_device() {
    let mut a = Laptop::new();
    let device = a.device();
    a.close();
    let moved = a.dir.path().join("elsewhere/jingdi.db");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(a.path(), &moved).unwrap();
    let db = Db::open_in(&moved, &a.home()).unwrap();
    assert_eq!(db.device_id(), device, "a move is not a copy");
}

#[test]
fn a_copy_opened_on_another_laptop_writes_as_a_new_device_named_after_the_old() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    a.db().set_setting("device_name", "二组笔记本").unwrap();
    a.visit("DX4-001", "复制前的走访");
    let old = a.device();
    a.close();
    let mut b = Laptop { dir: tempfile::tempdir().unwrap(), db: None };
    copy_file(&a.path(), &b.path());
    b.open();
    assert_ne!(b.device(), old, "the copy must not write as the original's device");
    assert_eq!(jingdi::sync::device_name(b.db()).unwrap(), "二组笔记本 (2)");
    let history = identity::history(b.db().conn()).unwrap();
    assert_eq!(history.iter().map(|h| h.reason.as_str()).collect::<Vec<_>>(), ["new", "copied"]);
    assert_eq!(history[0].device_id, old);
    // The original, on its own laptop, is still itself.
    a.open();
    assert_eq!(a.device(), old);
    // Copied again from the copy: a third name.
    b.close();
    let mut c = Laptop { dir: tempfile::tempdir().unwrap(), db: None };
    copy_file(&b.path(), &c.path());
    c.open();
    assert_eq!(jingdi::sync::device_name(c.db()).unwrap(), "二组笔记本 (3)");
}

#[test]
fn a_copy_on_the_same_laptop_writes_as_a_new_device() {
    let mut a = Laptop::new();
    let old = a.device();
    a.close();
    let copy = a.dir.path().join("copy/jingdi.db");
    copy_file(&a.path(), &copy);
    let db = Db::open_in(&copy, &a.home()).unwrap();
    assert_ne!(db.device_id(), old);
    drop(db);
    a.open();
    assert_eq!(a.device(), old, "the original keeps its id");
}

/// Scenario 1 of the issue: a team leader copies the database to a colleague's laptop; both
/// go on working; every later exchange merges and both end with the same state.
#[test]
fn a_copied_database_syncs_cleanly_with_its_original() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    a.visit("DX4-001", "复制前");
    a.close();
    let mut b = Laptop { dir: tempfile::tempdir().unwrap(), db: None };
    copy_file(&a.path(), &b.path());
    b.open();
    a.open();
    for round in 0..3 {
        a.visit("DX4-002", &format!("甲 第{round}轮"));
        b.visit("DX4-003", &format!("乙 第{round}轮"));
        a.send(&mut b);
        b.send(&mut a);
        assert_eq!(a.dump(), b.dump(), "round {round}");
    }
    let visits = a.visits();
    for round in 0..3 {
        assert!(visits.contains(&format!("甲 第{round}轮")) && visits.contains(&format!("乙 第{round}轮")));
    }
    no_device_seq_reused(a.db());
    no_device_seq_reused(b.db());
}

/// Scenario 2: a laptop exports, then yesterday's copy of its file is restored over it. It
/// writes as a new device, nothing it writes clashes with what the peers hold, and what it
/// lost comes back from a peer.
#[test]
fn a_restored_older_copy_syncs_cleanly_and_gets_back_what_it_lost() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    let mut b = Laptop::new();
    a.send(&mut b);
    a.visit("DX4-010", "昨天的走访");
    a.close();
    let yesterday = a.dir.path().join("yesterday.db");
    std::fs::copy(a.path(), &yesterday).unwrap();
    a.open();
    let old = a.device();
    a.visit("DX4-011", "今天上午一");
    a.visit("DX4-012", "今天上午二");
    a.send(&mut b);
    // Yesterday's copy goes back over the file (same path, same inode).
    a.close();
    std::fs::copy(&yesterday, a.path()).unwrap();
    a.open();
    assert_ne!(a.device(), old, "a file behind what its device handed out writes as a new device");
    let last = identity::history(a.db().conn()).unwrap().pop().unwrap();
    assert_eq!(last.reason, "behind");
    assert!(!a.visits().contains(&"今天上午一".to_string()), "the restored copy lacks the morning");
    a.visit("DX4-013", "恢复后");
    b.visit("DX4-014", "乙");
    a.send(&mut b);
    b.send(&mut a);
    assert_eq!(a.dump(), b.dump());
    for v in ["昨天的走访", "今天上午一", "今天上午二", "恢复后", "乙"] {
        assert!(a.visits().contains(&v.to_string()), "{v} is on the restored laptop again");
    }
    no_device_seq_reused(a.db());
}

/// An older copy restored over the file when nothing had left it since: no operation of the
/// device exists anywhere else, so it goes on writing as itself.
#[test]
fn an_older_copy_of_a_file_that_handed_out_nothing_more_keeps_its_device() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    let device = a.device();
    a.bundle("sent");
    a.close();
    let older = a.dir.path().join("older.db");
    std::fs::copy(a.path(), &older).unwrap();
    a.open();
    a.visit("DX4-010", "没有发出去的走访");
    a.close();
    std::fs::copy(&older, a.path()).unwrap();
    a.open();
    assert_eq!(a.device(), device);
}

/// `Db::write` reads the device id inside its transaction: a restore made by another
/// process while this one has the database open is never written over under the old id.
#[test]
fn a_write_follows_an_identity_changed_by_another_connection() {
    let mut a = Laptop::new();
    let old = a.device();
    let other = Db::open_in(a.path(), &a.home()).unwrap();
    let fresh = identity::start_fresh(
        other.conn(),
        other.installation().unwrap(),
        &identity::FileKey::of(&a.path()).unwrap(),
        identity::Renewal::Restored,
    )
    .unwrap();
    assert_ne!(fresh, old);
    let p = a
        .db()
        .write("组长", |tx| {
            let p = jingdi::project::create(
                tx,
                &jingdi::project::NewProject {
                    code: "T1".into(),
                    name: "测试地块".into(),
                    city: String::new(),
                    district: String::new(),
                    street: String::new(),
                    community: String::new(),
                    window_opens_on: crate::d("2024-01-01"),
                    window_closes_on: crate::d("2024-01-31"),
                    clearance_target: None,
                    status: jingdi::vocab::ProjectStatus::Signing,
                    as_of: None,
                },
            )?;
            Ok(p)
        })
        .unwrap();
    let ops = all_ops(a.db().conn()).unwrap();
    assert!(ops.iter().all(|o| o.device_id == fresh), "written as the new identity");
    assert_eq!(a.device(), fresh);
    assert!(!p.is_nil());
}

#[test]
fn next_name_counts_up() {
    assert_eq!(identity::next_name("二组笔记本"), "二组笔记本 (2)");
    assert_eq!(identity::next_name("二组笔记本 (2)"), "二组笔记本 (3)");
    assert_eq!(identity::next_name("笔记本 (旧)"), "笔记本 (旧) (2)");
}

/// Two different operations under one device and number can now only be a fault or a
/// forgery: the receiving laptop says so, names the device, holds back that device's
/// operations from there (and those that build on them) and merges everything else.
#[test]
fn two_operations_under_one_device_number_hold_back_that_device_only() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    a.db().set_setting("device_name", "一组笔记本").unwrap();
    let mut b = Laptop::new();
    let mut c = Laptop::new();
    a.send(&mut b);
    a.send(&mut c);
    // b and c work; a learns of c's work, then writes on top of it.
    b.visit("DX4-020", "乙的走访");
    c.visit("DX4-021", "丙的走访");
    c.send(&mut a);
    a.visit("DX4-022", "甲看过丙之后的走访");
    a.send(&mut b);
    // A forged bundle: c's first visit rewritten under the same device and number, plus
    // a new visit of c on top of it, and a's later work, which builds on c's.
    let file = a.bundle("forged");
    let mut bundle = jingdi::sync::bundle::read(&file).unwrap();
    let c_device = c.device();
    let first = bundle.ops.iter().position(|o| o.device_id == c_device).unwrap();
    bundle.ops[first].fields.put("outcome", "伪造的内容");
    // Signed with c's own key: a real fault of c's laptop (an unsigned edit is refused
    // outright, tests/it/signing.rs).
    let c_key = c.db().installation().unwrap().signing_key().clone();
    jingdi::oplog::signing::sign(&c_key, &mut bundle.ops[first]);
    let forged = a.dir.path().join("forged2.jdb");
    jingdi::sync::bundle::write(&forged, bundle.header.clone(), &bundle.ops).unwrap();
    // c's laptop holds the real visit: the forged one clashes with it.
    c.visit("DX4-023", "丙的第二次走访");
    let b_bundle = b.bundle("b");
    let before = c.visits();
    let r = import(c.db(), &forged).unwrap();
    assert_eq!(r.held_back.len(), 2, "{:?}", r.held_back);
    let clash = &r.held_back[0];
    assert!(clash.clashed);
    assert_eq!(clash.device_id, c_device);
    assert!(clash.message.contains("故障或伪造"), "{}", clash.message);
    assert!(!clash.message.contains("篡改"), "no accusation of tampering: {}", clash.message);
    let dependent = &r.held_back[1];
    assert_eq!(dependent.device_id, a.device());
    assert!(!dependent.clashed);
    assert_eq!(c.visits(), before, "nothing of the clashing device or what builds on it was merged");
    // b's bundle carries b's own work and a's work without the forgery: it all merges.
    let r = import(c.db(), &b_bundle).unwrap();
    assert!(r.held_back.is_empty());
    assert!(c.visits().contains(&"乙的走访".to_string()));
    assert!(c.visits().contains(&"甲看过丙之后的走访".to_string()));
    no_device_seq_reused(c.db());
}

/// The CLI names the clash and exits with 1 after merging what it could.
#[test]
fn the_cli_reports_a_held_back_device_and_exits_with_1() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    let mut b = Laptop::new();
    a.send(&mut b);
    a.visit("DX4-030", "真的");
    let file = a.bundle("real");
    let mut bundle = jingdi::sync::bundle::read(&file).unwrap();
    let last = bundle.ops.len() - 1;
    bundle.ops[last].fields.put("outcome", "假的");
    let a_key = a.db().installation().unwrap().signing_key().clone();
    jingdi::oplog::signing::sign(&a_key, &mut bundle.ops[last]);
    let forged = a.dir.path().join("forged.jdb");
    jingdi::sync::bundle::write(&forged, bundle.header.clone(), &bundle.ops).unwrap();
    import(b.db(), &file).unwrap();
    b.close();
    let o = Command::new(env!("CARGO_BIN_EXE_jingdi"))
        .args(["--db", b.path().to_str().unwrap(), "sync", "import", forged.to_str().unwrap()])
        .env("JINGDI_HOME", b.home())
        .env("JINGDI_AUTHOR", "测试")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("bundle.device_conflict") && err.contains("故障或伪造"), "{err}");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("未合并"), "{out}");
}

// ------------------------------------------------------------------ saves and other processes

/// Every file this process has open that was deleted under it.
fn deleted_open_files() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .map(|p| p.display().to_string())
                .filter(|p| p.ends_with("(deleted)") && p.contains("jingdi.db"))
                .collect()
        })
        .unwrap_or_default()
}

/// Another process writes to the database and closes it, the way SQLite's own shell (or
/// any program using SQLite) does: it checkpoints and deletes the write-ahead log at close
/// if it believes itself the last user.
fn foreign_write(path: &Path, value: &str) {
    let script = "import sqlite3, sys\n\
                  c = sqlite3.connect(sys.argv[1], isolation_level=None)\n\
                  c.execute(\"INSERT INTO local_settings (key, value) VALUES ('foreign', ?) \
                  ON CONFLICT (key) DO UPDATE SET value = excluded.value\", (sys.argv[2],))\n\
                  c.close()\n";
    let o = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap(), value])
        .output()
        .expect("python3 is needed for this test (scripts/test.sh installs it)");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Issue 11's third situation, in one process: the app has the database open; something
/// in its process opens and closes the file outside SQLite (a file dialog sniffing it),
/// which drops every POSIX lock the process held on it; another process writes and
/// closes. No save of the app is lost or hidden.
#[test]
fn saves_survive_another_process_closing_the_database_after_ours_lost_its_locks() {
    let mut a = Laptop::new();
    jingdi::demo::create(a.db()).unwrap();
    a.visit("DX4-040", "对话框之前");
    // A file dialog in the app's process reads the file's first bytes.
    {
        use std::io::Read;
        let mut f = std::fs::File::open(a.path()).unwrap();
        let mut magic = [0u8; 16];
        f.read_exact(&mut magic).unwrap();
    }
    foreign_write(&a.path(), "sqlite3");
    let wal = PathBuf::from(format!("{}-wal", a.path().display()));
    assert!(wal.exists(), "the other process must not delete the write-ahead log of an open database");
    // The CLI, as in the report: one command-line write on the same database.
    let o = Command::new(env!("CARGO_BIN_EXE_jingdi"))
        .args(["--db", a.path().to_str().unwrap(), "visit", "add", "--household", "DX4-041", "--outcome", "命令行"])
        .env("JINGDI_HOME", a.home())
        .env("JINGDI_AUTHOR", "测试")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(wal.exists());
    a.visit("DX4-042", "对话框之后");
    assert_eq!(deleted_open_files(), Vec::<String>::new(), "no write went into a deleted file");
    // Another reader sees every save while the app is still open ...
    let reader = Db::open_in(a.path(), &a.home()).unwrap();
    let seen: i64 = reader
        .conn()
        .query_row(
            "SELECT count(*) FROM visits WHERE outcome IN ('对话框之前', '命令行', '对话框之后')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seen, 3);
    drop(reader);
    // ... and after it closes.
    a.close();
    a.open();
    for v in ["对话框之前", "命令行", "对话框之后"] {
        assert!(a.visits().contains(&v.to_string()), "{v}");
    }
    assert_eq!(a.db().setting("foreign").unwrap().as_deref(), Some("sqlite3"));
}

/// The connection settings the guarantees rest on, and a clean close.
#[test]
fn the_app_and_the_cli_commit_durably_and_a_clean_close_leaves_the_file_whole() {
    let mut a = Laptop::new();
    let c = a.db().conn();
    let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "synchronous = FULL: a commit is on disk when it is acknowledged");
    jingdi::demo::create(a.db()).unwrap();
    let sync: i64 = a.db().conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!(sync, 2, "back to FULL after the demo's bulk writes");
    let before = a.dump();
    a.close();
    let wal = PathBuf::from(format!("{}-wal", a.path().display()));
    assert!(!wal.exists(), "the last user to close checkpoints and removes the log, as SQLite does");
    let alone = a.dir.path().join("alone/jingdi.db");
    copy_file(&a.path(), &alone);
    let c = rusqlite::Connection::open(&alone).unwrap();
    assert_eq!(dump(&c).unwrap(), before);
}

// ------------------------------------------------------------------ through the CLI

/// A laptop as a user has it: the `jingdi` command, a home of its own (its installation)
/// and a database file.
struct CliLaptop {
    dir: tempfile::TempDir,
}

impl CliLaptop {
    fn new() -> CliLaptop {
        CliLaptop { dir: tempfile::tempdir().unwrap() }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("data/jingdi.db")
    }

    fn run(&self, args: &[&str]) -> String {
        let o = Command::new(env!("CARGO_BIN_EXE_jingdi"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("HOME", self.dir.path())
            .env_remove("JINGDI_HOME")
            .env_remove("JINGDI_DB")
            .env("JINGDI_AUTHOR", "组长")
            .output()
            .unwrap();
        assert!(o.status.success(), "{args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }

    fn device(&self) -> String {
        let v: serde_json::Value = serde_json::from_str(&self.run(&["sync", "name", "--json"])).unwrap();
        v["device_id"].as_str().unwrap().to_string()
    }

    /// Exports a full bundle and imports it on `to`.
    fn send(&self, to: &CliLaptop) {
        let file = self.dir.path().join("out.jdb");
        self.run(&["sync", "export", "--full", "--out", file.to_str().unwrap()]);
        to.run(&["sync", "import", file.to_str().unwrap()]);
    }

    fn visits(&self, number: &str) -> Vec<String> {
        let v: serde_json::Value =
            serde_json::from_str(&self.run(&["visit", "list", "--household", number, "--json"])).unwrap();
        v.as_array().unwrap().iter().map(|v| v["outcome"].as_str().unwrap().to_string()).collect()
    }
}

/// The copy scenario as users meet it: `cp jingdi.db` to a colleague, both work, both sync
/// through bundles; every `jingdi dump` agrees and nothing is lost. Each laptop has its own
/// home directory (its installation lives in `~/.local/share/jingdi`).
#[test]
fn cli_a_copied_database_and_its_original_converge() {
    let a = CliLaptop::new();
    a.run(&["demo"]);
    a.run(&["sync", "name", "二组笔记本"]);
    a.run(&["visit", "add", "--household", "DX4-050", "--outcome", "复制前"]);
    let b = CliLaptop::new();
    copy_file(&a.db(), &b.db());
    assert_ne!(b.device(), a.device());
    let name: serde_json::Value = serde_json::from_str(&b.run(&["sync", "name", "--json"])).unwrap();
    assert_eq!(name["device_name"], "二组笔记本 (2)");
    a.run(&["visit", "add", "--household", "DX4-051", "--outcome", "甲"]);
    b.run(&["visit", "add", "--household", "DX4-051", "--outcome", "乙"]);
    b.run(&["household", "set", "--household", "DX4-052", "phone", "13911112222"]);
    a.send(&b);
    b.send(&a);
    assert_eq!(a.run(&["dump"]), b.run(&["dump"]));
    let visits = a.visits("DX4-051");
    assert!(visits.contains(&"甲".to_string()) && visits.contains(&"乙".to_string()), "{visits:?}");
    assert!(a.run(&["verify"]).starts_with("一致"));
}

/// The restore scenario: a laptop exports, then yesterday's copy goes back over its file;
/// the next exchanges are clean, and what it lost comes back from the peer.
#[test]
fn cli_a_restored_older_copy_converges_and_recovers_what_it_lost() {
    let a = CliLaptop::new();
    a.run(&["demo"]);
    let b = CliLaptop::new();
    a.send(&b);
    a.run(&["visit", "add", "--household", "DX4-070", "--outcome", "昨天"]);
    let yesterday = a.dir.path().join("yesterday.db");
    std::fs::copy(a.db(), &yesterday).unwrap();
    let before = a.device();
    a.run(&["visit", "add", "--household", "DX4-071", "--outcome", "今天"]);
    a.send(&b);
    std::fs::copy(&yesterday, a.db()).unwrap();
    assert_ne!(a.device(), before, "the restored file writes as a new device");
    assert!(!a.visits("DX4-071").contains(&"今天".to_string()));
    a.run(&["visit", "add", "--household", "DX4-072", "--outcome", "恢复后"]);
    a.send(&b);
    b.send(&a);
    assert_eq!(a.run(&["dump"]), b.run(&["dump"]));
    assert!(a.visits("DX4-071").contains(&"今天".to_string()), "lost on the laptop, back from its peer");
}
