//! Faults in the middle of a transfer: the hub killed during a pull, PostgreSQL restarted while
//! laptops push and pull, a laptop's connection cut part-way each way. After reconnecting,
//! every laptop converges (`jingdi dump` identical) and no operation is stored twice.

use super::{connect, count, rt, token, Hub, Laptop};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Operations in a laptop's database as another process sees them (0 while it has none yet).
fn local_ops(l: &Laptop) -> i64 {
    let path = l.dir.path().join("jingdi.db");
    let read = || -> rusqlite::Result<i64> {
        let c = rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        c.busy_timeout(Duration::from_secs(5))?;
        c.query_row("SELECT count(*) FROM oplog", [], |r| r.get(0))
    };
    read().unwrap_or(0)
}

/// Waits (at most 30 s) until `ready` holds; whether it did.
fn wait_for(mut ready: impl FnMut() -> bool) -> bool {
    for _ in 0..6000 {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

fn no_duplicates(db: &str) {
    let total = count(db, "SELECT count(*) FROM ops");
    assert_eq!(count(db, "SELECT count(DISTINCT (device_id, seq))::int8 FROM ops"), total);
    assert_eq!(count(db, "SELECT count(DISTINCT op_id)::int8 FROM ops"), total);
}

#[test]
fn kill_9_of_the_hub_mid_pull_then_resume_converges() {
    let db = super::fresh_db("killpull");
    let mut hub = Hub::start(&db, "127.0.0.1:0");
    let code = "DX4";
    let (ta, tb) = (token(&db, code, "甲"), token(&db, code, "乙"));
    let (a, b) = (Laptop::new(), Laptop::new());
    a.ok(&["demo"]);
    a.ok(&["sync", "hub", &hub.url, "--token", &ta]);
    let total = count(&db, "SELECT count(*) FROM ops");
    assert!(total > 2 * jingdi::sync::hub::PULL_OPS as i64, "a pull of several pages ({total} operations)");

    let pull = b
        .cmd(&["sync", "hub", &hub.url, "--token", &tb])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the hub once the laptop has merged its first page.
    assert!(wait_for(|| local_ops(&b) > 0), "the pull never started");
    hub.kill_and_restart();
    let o = pull.wait_with_output().unwrap();
    let at_kill = local_ops(&b);
    assert!(at_kill < total, "the pull was over before the kill ({at_kill} of {total})");
    assert!(!o.status.success(), "a pull cut short says so");
    // What the laptop merged stays whole, and the next pull continues from there.
    b.ok(&["check"]);
    let report = b.sync();
    assert_eq!(report[0]["pulled"].as_i64(), Some(total - at_kill), "{report}");
    assert_eq!(a.dump(), b.dump());
    no_duplicates(&db);
}

/// A PostgreSQL cluster of the test's own, so that restarting it does not take down the
/// other tests' (scripts/test.sh says where Debian's binaries are; as root, PostgreSQL runs as
/// `postgres`, like scripts/pg.sh).
struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    root: bool,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = PathBuf::from(std::env::var("JINGDI_HUB_TEST_PG_BIN").expect(
            "JINGDI_HUB_TEST_PG_BIN is not set: run the hub tests through scripts/test.sh (Debian's PostgreSQL binaries)",
        ));
        let id = |args: &[&str]| -> String {
            String::from_utf8(Command::new("id").args(args).output().unwrap().stdout).unwrap().trim().to_string()
        };
        let root = id(&["-u"]) == "0";
        let dir = tempfile::tempdir().unwrap();
        if root {
            let uid = id(&["-u", "postgres"]).parse().unwrap();
            let gid = id(&["-g", "postgres"]).parse().unwrap();
            std::os::unix::fs::chown(dir.path(), Some(uid), Some(gid)).unwrap();
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let c = Cluster { dir, bin, port, root };
        c.pg_ctl_ok(&["initdb", "-D", &c.data(), "-s", "-o", "-U postgres -A trust -E UTF8 --locale=C.UTF-8"]);
        c.pg_ctl_ok(&["start", "-D", &c.data(), "-l", &c.log(), "-w", "-s", "-o", &c.options()]);
        c
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn log(&self) -> String {
        self.dir.path().join("server.log").display().to_string()
    }

    fn options(&self) -> String {
        format!("-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off", self.port, self.data())
    }

    fn pg_ctl_ok(&self, args: &[&str]) {
        let pg_ctl = self.bin.join("pg_ctl");
        let mut c = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        // The server it starts inherits pg_ctl's output: a pipe would never reach its end.
        let status = c.args(args).current_dir(self.dir.path()).stdout(Stdio::null()).stderr(Stdio::null()).status();
        let log = std::fs::read_to_string(self.log()).unwrap_or_default();
        assert!(status.unwrap().success(), "pg_ctl {args:?} failed:\n{log}");
    }

    /// A fresh database in this cluster; its URL.
    fn database(&self, name: &str) -> String {
        let base = format!("postgresql://postgres@127.0.0.1:{}/postgres", self.port);
        rt().block_on(async { connect(&base).await.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap() });
        format!("postgresql://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// `pg_ctl restart -m fast`: every connection is cut, the server comes back on the same port.
    fn restart(&self) {
        self.pg_ctl_ok(&["restart", "-D", &self.data(), "-m", "fast", "-w", "-s", "-o", &self.options()]);
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ =
            std::panic::catch_unwind(|| self.pg_ctl_ok(&["stop", "-D", &self.data(), "-m", "immediate", "-w", "-s"]));
    }
}

#[test]
fn a_postgresql_restart_under_load_loses_nothing_and_everyone_converges() {
    let pg = Cluster::start();
    let db = pg.database("hub");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let code = "DX4";
    let (ta, tb, tc) = (token(&db, code, "甲"), token(&db, code, "乙"), token(&db, code, "丙"));
    let (a, b, c) = (Laptop::new(), Laptop::new(), Laptop::new());
    // The first part of the demo is on the hub; then a pushes the rest while b pulls.
    b.ok(&["demo"]);
    b.ok(&["sync", "hub", &hub.url, "--token", &tb]);
    a.ok(&["sync", "hub", &hub.url, "--token", &ta]);
    a.ok(&["visit", "add", "--project", code, "--household", "DX4-001", "--outcome", "重启前的走访"]);
    b.ok(&["visit", "add", "--project", code, "--household", "DX4-002", "--outcome", "乙的走访"]);
    let c_pull = c
        .cmd(&["sync", "hub", &hub.url, "--token", &tc])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let a_push = a.cmd(&["sync", "hub"]).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    assert!(wait_for(|| local_ops(&c) > 0), "the pull never started");
    pg.restart();
    let (c_first, a_first) = (c_pull.wait_with_output().unwrap(), a_push.wait_with_output().unwrap());
    // Whatever the restart cut, the hub serves again without being restarted itself.
    for l in [&a, &b, &c, &a] {
        l.sync();
    }
    assert_eq!(a.dump(), b.dump());
    assert_eq!(a.dump(), c.dump());
    assert!(a.dump().contains("重启前的走访") && a.dump().contains("乙的走访"));
    no_duplicates(&db);
    for (name, o) in [("pull", c_first), ("push", a_first)] {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success() || err.contains("hub."), "{name} cut by the restart says why in words: {err}");
    }
}

/// A TCP relay between a laptop and the hub that passes `budget` bytes in one direction (in
/// total over its connections), then cuts every connection: a network lost mid-transfer.
struct Cutter {
    url: String,
    cut: Arc<AtomicBool>,
    /// Bytes passed from the hub to the laptop.
    down: Arc<AtomicUsize>,
}

impl Cutter {
    fn start(hub: &Hub, upload_budget: usize, download_budget: usize) -> Cutter {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let target = hub.addr();
        let cut = Arc::new(AtomicBool::new(false));
        let (up, down) = (Arc::new(AtomicUsize::new(upload_budget)), Arc::new(AtomicUsize::new(download_budget)));
        let flag = cut.clone();
        let passed = Arc::new(AtomicUsize::new(0));
        let (passed_down, passed_up) = (passed.clone(), Arc::new(AtomicUsize::new(0)));
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { return };
                let Ok(server) = TcpStream::connect(&target) else { return };
                if flag.load(Ordering::SeqCst) {
                    continue; // the network stays down: the connection is dropped at once
                }
                for (from, to, budget, passed) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap(), up.clone(), passed_up.clone()),
                    (server.try_clone().unwrap(), client.try_clone().unwrap(), down.clone(), passed_down.clone()),
                ] {
                    let flag = flag.clone();
                    std::thread::spawn(move || relay(from, to, &budget, &passed, &flag));
                }
            }
        });
        Cutter { url, cut, down: passed }
    }
}

fn relay(mut from: TcpStream, mut to: TcpStream, budget: &AtomicUsize, passed: &AtomicUsize, cut: &AtomicBool) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let left = budget.fetch_sub(n.min(budget.load(Ordering::SeqCst)), Ordering::SeqCst);
        if cut.load(Ordering::SeqCst) || left < n {
            let _ = to.write_all(&buf[..left.min(n)]);
            cut.store(true, Ordering::SeqCst);
            break;
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
        passed.fetch_add(n, Ordering::SeqCst);
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

#[test]
fn a_laptop_cut_off_mid_transfer_converges_after_reconnecting() {
    let db = super::fresh_db("cut");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let code = "DX4";
    let (ta, tb, tc) = (token(&db, code, "甲"), token(&db, code, "乙"), token(&db, code, "丙"));
    let (a, b, c) = (Laptop::new(), Laptop::new(), Laptop::new());
    a.ok(&["demo"]);
    let demo = local_ops(&a);

    // Upload: the network goes after 450 kB, in the second of the push's chunks (~350 kB each).
    let up = Cutter::start(&hub, 450_000, usize::MAX);
    let o = a.run(&["sync", "hub", &up.url, "--token", &ta]);
    assert!(up.cut.load(Ordering::SeqCst), "the network was cut");
    assert!(!o.status.success(), "a push cut short says so");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("hub."), "said in words: {err}");
    let stored = count(&db, "SELECT count(*) FROM ops");
    assert!(0 < stored && stored < demo, "cut between chunks' worth: {stored} of {demo} stored");
    // Back online (the hub's own address): the push continues where the hub's marks end.
    let report = a.ok(&["sync", "hub", &hub.url, "--token", &ta, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report[0]["pushed"].as_i64(), Some(demo - stored), "{report}");
    no_duplicates(&db);

    // Download: how many bytes a whole pull takes, then the network goes at 60 % of that
    // (within the second of its three pages).
    let whole = Cutter::start(&hub, usize::MAX, usize::MAX);
    c.ok(&["sync", "hub", &whole.url, "--token", &tc]);
    let bytes = whole.down.load(Ordering::SeqCst);
    let down = Cutter::start(&hub, usize::MAX, bytes * 6 / 10);
    let o = b.run(&["sync", "hub", &down.url, "--token", &tb]);
    assert!(down.cut.load(Ordering::SeqCst), "the network was cut");
    assert!(!o.status.success(), "a pull cut short says so");
    let merged = local_ops(&b);
    assert!(0 < merged && merged < demo, "cut between pages' worth: {merged} of {demo} merged");
    b.ok(&["check"]);
    let report = b.ok(&["sync", "hub", &hub.url, "--token", &tb, "--json"]);
    let report: serde_json::Value = serde_json::from_str(&report).unwrap();
    assert_eq!(report[0]["pulled"].as_i64(), Some(demo - merged), "{report}");
    assert_eq!(a.dump(), b.dump());
    assert_eq!(a.dump(), c.dump());
    no_duplicates(&db);
}
