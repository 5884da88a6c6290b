//! The hub against a real PostgreSQL (started by scripts/test.sh, which sets
//! JINGDI_HUB_TEST_DATABASE_URL to its maintenance database) and real laptops: the `jingdi`
//! binary with separate databases and home folders. Each test gets a database of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

#[path = "hub/faults.rs"]
mod faults;
#[path = "hub/files.rs"]
mod files;

fn base_url() -> String {
    std::env::var("JINGDI_HUB_TEST_DATABASE_URL").expect(
        "JINGDI_HUB_TEST_DATABASE_URL is not set: run the hub tests through scripts/test.sh (it starts a throwaway PostgreSQL)",
    )
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

async fn connect(url: &str) -> tokio_postgres::Client {
    let (c, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(conn);
    c
}

/// A fresh database for one test; its URL.
fn fresh_db(name: &str) -> String {
    let base = base_url();
    let db = format!("hubtest_{name}_{}", std::process::id());
    rt().block_on(async {
        let c = connect(&base).await;
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}")).await.unwrap();
        c.batch_execute(&format!("CREATE DATABASE {db}")).await.unwrap();
    });
    let (head, _) = base.rsplit_once('/').unwrap();
    format!("{head}/{db}")
}

fn count(url: &str, sql: &str) -> i64 {
    rt().block_on(async { connect(url).await.query_one(sql, &[]).await.unwrap().get::<_, i64>(0) })
}

/// The `jingdi` binary beside this test's target folder (scripts/test.sh builds it).
fn jingdi_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("jingdi");
    assert!(bin.exists(), "{} not built: cargo build -p jingdi --bin jingdi", bin.display());
    bin
}

fn hub_cmd(db: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jingdi-hub"));
    c.env("JINGDI_HUB_DATABASE_URL", db);
    c
}

fn token(db: &str, project: &str, name: &str) -> String {
    let o = hub_cmd(db).args(["issue-token", "--project", project, "--name", name]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

struct Hub {
    child: Child,
    url: String,
    db: String,
}

impl Hub {
    fn start(db: &str, listen: &str) -> Hub {
        let mut child = hub_cmd(db)
            .args(["serve", "--listen", listen, "--max-body", "1000000"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url =
            line.trim().strip_prefix("jingdi-hub listening on ").expect("the hub says where it listens").to_string();
        Hub { child, url, db: db.to_string() }
    }

    fn addr(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// kill -9, then the same hub again on the same address.
    fn kill_and_restart(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        *self = Hub::start(&self.db.clone(), &self.addr());
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Laptop {
    dir: tempfile::TempDir,
}

impl Laptop {
    fn new() -> Laptop {
        Laptop { dir: tempfile::tempdir().unwrap() }
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(jingdi_bin());
        c.arg("--db")
            .arg(self.dir.path().join("jingdi.db"))
            .args(args)
            .env("JINGDI_AUTHOR", "测试")
            .env("JINGDI_HOME", self.dir.path().join("home"))
            .env_remove("JINGDI_DB");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }

    fn sync(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["sync", "hub", "--json"])).unwrap()
    }

    fn dump(&self) -> String {
        self.ok(&["dump"])
    }
}

fn new_project(l: &Laptop, code: &str) {
    l.ok(&[
        "project-add",
        "--code",
        code,
        "--name",
        "东星测试地块",
        "--opens",
        "2026-01-01",
        "--deadline",
        "2026-12-31",
    ]);
    l.ok(&["group", "add", "--project", code, "--name", "一组"]);
}

fn households(l: &Laptop, code: &str, prefix: &str, n: usize) {
    for i in 0..n {
        let no = format!("{prefix}-{i:03}");
        l.ok(&["household", "add", "--project", code, "--number", &no, "--head", "王某", "--group", "一组"]);
    }
}

fn post(url: &str, token: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent
        .post(url)
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/octet-stream")
        .send(body)
        .unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

#[test]
fn three_laptops_converge_through_the_hub() {
    let db = fresh_db("three");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (ta, tb, tc) = (token(&db, "P1", "甲"), token(&db, "P1", "乙"), token(&db, "P1", "丙"));
    let (a, b, c) = (Laptop::new(), Laptop::new(), Laptop::new());
    new_project(&a, "P1");
    households(&a, "P1", "A", 5);
    let r: serde_json::Value =
        serde_json::from_str(&a.ok(&["sync", "hub", &hub.url, "--token", &ta, "--json"])).unwrap();
    assert_eq!(r[0]["pushed"].as_u64().unwrap() as i64, count(&db, "SELECT count(*) FROM ops"));
    // Two laptops join from the hub.
    for (l, t) in [(&b, &tb), (&c, &tc)] {
        let r: serde_json::Value =
            serde_json::from_str(&l.ok(&["sync", "hub", &hub.url, "--token", t, "--json"])).unwrap();
        assert!(r[0]["joined"].as_bool().unwrap());
    }
    assert_eq!(a.dump(), b.dump());
    // Each works offline, then they sync in turn.
    households(&b, "P1", "B", 3);
    households(&c, "P1", "C", 3);
    a.ok(&["household", "set", "--project", "P1", "--household", "A-000", "phone", "13800000000"]);
    for l in [&a, &b, &c, &a, &b] {
        l.sync();
    }
    let d = a.dump();
    assert_eq!(d, b.dump());
    assert_eq!(d, c.dump());
    assert!(d.contains("C-002") && d.contains("B-002"));
    // Nothing more to move, and every operation stored once.
    let again = c.sync();
    assert_eq!((again[0]["pushed"].as_u64(), again[0]["pulled"].as_u64()), (Some(0), Some(0)));
    assert_eq!(count(&db, "SELECT count(*) FROM ops"), count(&db, "SELECT count(DISTINCT op_id) FROM ops"));
    // The hub lists the three laptops with when each was last seen.
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    let devices: Vec<jingdi::sync::hub::HubDevice> = serde_json::from_str(
        &agent
            .get(format!("{}/v1/projects/P1/devices", hub.url))
            .header("Authorization", format!("Bearer {ta}"))
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(devices.len(), 3);
    assert!(devices.iter().all(|d| d.last_seen_at.is_some() && d.device_id.is_some()));
}

#[test]
fn refused_uploads_store_nothing() {
    let db = fresh_db("refuse");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (ta, tother) = (token(&db, "P1", "甲"), token(&db, "P2", "别的项目"));
    let a = Laptop::new();
    new_project(&a, "P1");
    households(&a, "P1", "A", 3);
    let file = a.dir.path().join("all.jdb");
    a.ok(&["sync", "export", "--project", "P1", "--out", file.to_str().unwrap(), "--full"]);
    let good = std::fs::read(&file).unwrap();
    let push = format!("{}/v1/projects/P1/push", hub.url);
    let ops = |db: &str| count(db, "SELECT count(*) FROM ops");

    let (s, e) = post(&push, "jdh_not_a_token", &good);
    assert_eq!((s, e["code"].as_str()), (401, Some("hub.bad_token")));
    let (s, e) = post(&push, &tother, &good);
    assert_eq!((s, e["code"].as_str()), (403, Some("hub.other_project_token")));
    assert!(e["message"].as_str().unwrap().contains("P2"));
    let (s, e) = post(&push, &ta, &vec![b'x'; 1_200_000]);
    assert_eq!((s, e["code"].as_str()), (413, Some("hub.too_large")));
    // Half the bundle, sent as if it were all of it.
    let (s, e) = post(&push, &ta, &good[..good.len() / 2]);
    assert_eq!((s, e["code"].as_str()), (400, Some("bundle.damaged")), "{e}");
    // A connection that closes before the announced length arrived.
    let mut tcp = std::net::TcpStream::connect(hub.addr()).unwrap();
    write!(
        tcp,
        "POST /v1/projects/P1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {ta}\r\nContent-Length: {}\r\n\r\n",
        good.len()
    )
    .unwrap();
    tcp.write_all(&good[..good.len() / 2]).unwrap();
    tcp.shutdown(std::net::Shutdown::Write).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut answer = String::new();
    let _ = tcp.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 400") && answer.contains("hub.truncated"), "{answer}");
    // A bundle of another project (P2's address, P2's token).
    let (s, e) = post(&format!("{}/v1/projects/P2/push", hub.url), &tother, &good);
    assert_eq!((s, e["code"].as_str()), (409, Some("hub.other_project")));
    assert_eq!(ops(&db), 0);

    // The good one is stored; again, nothing new.
    let (s, r) = post(&push, &ta, &good);
    assert_eq!(s, 200, "{r}");
    let stored = r["stored"].as_i64().unwrap();
    assert!(stored > 0);
    let (_, r) = post(&push, &ta, &good);
    assert_eq!((r["stored"].as_i64(), r["known"].as_i64()), (Some(0), Some(stored)));
    // An operation edited after signing: its signature no longer verifies.
    let mut bundle = jingdi::sync::bundle::read(&file).unwrap();
    let last = bundle.ops.len() - 1;
    bundle.ops[last].reason = Some("改过".into());
    let edited = jingdi::sync::bundle::encode(bundle.header.clone(), &bundle.ops);
    let (s, e) = post(&push, &ta, &edited);
    assert_eq!((s, e["code"].as_str()), (400, Some("bundle.bad_signature")), "{e}");
    assert_eq!(ops(&db), stored);
    // The same (device, seq) with other content, signed by the device itself (a fault, or a
    // stolen key): refused whole, flagged.
    let key = jingdi::identity::Installation::open(&a.dir.path().join("home")).unwrap().signing_key().clone();
    jingdi::oplog::signing::sign(&key, &mut bundle.ops[last]);
    let forged = jingdi::sync::bundle::encode(bundle.header.clone(), &bundle.ops);
    let (s, e) = post(&push, &ta, &forged);
    assert_eq!((s, e["code"].as_str()), (409, Some("hub.clash")), "{e}");
    assert_eq!(count(&db, "SELECT count(*) FROM clashes"), 1);
    assert_eq!(ops(&db), stored);
    // An operation from 2031 (the core's clock check).
    let mut b2 = jingdi::sync::bundle::read(&file).unwrap();
    b2.ops[last].hlc += (5 * 365 * 86_400_000) << 16;
    let (s, e) = post(&push, &ta, &jingdi::sync::bundle::encode(b2.header.clone(), &b2.ops));
    assert_eq!(s, 400, "{e}");
    assert_eq!(ops(&db), stored);
}

#[test]
fn kill_9_of_the_hub_mid_push_then_resume_converges() {
    let db = fresh_db("kill");
    let mut hub = Hub::start(&db, "127.0.0.1:0");
    let (ta, tb) = (token(&db, "P1", "甲"), token(&db, "P1", "乙"));
    let (a, b) = (Laptop::new(), Laptop::new());
    a.ok(&["demo"]);
    let code = "DX4";
    // A token of another project does not reach the demo's.
    let o = a.run(&["sync", "hub", &hub.url, "--token", &ta, "--project", code]);
    assert!(!o.status.success());
    let tdemo = token(&db, code, "甲");
    let push = a
        .cmd(&["sync", "hub", &hub.url, "--token", &tdemo])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Kill the hub once the first part of the push is stored.
    let mut at_kill = 0;
    for _ in 0..6000 {
        at_kill = count(&db, "SELECT count(*) FROM ops");
        if at_kill > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    hub.kill_and_restart();
    let o = push.wait_with_output().unwrap();
    assert!(at_kill > 0);
    let report = a.sync();
    let total = count(&db, "SELECT count(*) FROM ops");
    assert!(at_kill < total, "the push was over before the kill ({at_kill} of {total})");
    assert!(!o.status.success() || report[0]["pushed"].as_i64() == Some(0));
    assert_eq!(count(&db, "SELECT count(DISTINCT (device_id, seq))::int8 FROM ops"), total);
    b.ok(&["sync", "hub", &hub.url, "--token", &tb]);
    b.ok(&["sync", "hub", &hub.url, "--token", &tdemo]);
    assert_eq!(a.dump(), b.dump());
}

/// The desktop app's side (the 同步 page and its background step, `jingdi::desk` and
/// `sync::hub_status`) against the real hub: a wrong token is refused under the token field,
/// the right one sets the hub, the background joins the project, both laptops converge,
/// and with the hub gone the step fails fast and backs off while the laptop keeps working.
#[test]
fn the_apps_hub_status_and_background_sync_through_a_real_hub() {
    use jingdi::desk;
    use jingdi::sync::hub_status::{self, INTERVAL, RETRY_FIRST};
    let db = fresh_db("app");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (ta, tapp) = (token(&db, "P1", "甲"), token(&db, "P1", "指挥部"));
    let a = Laptop::new();
    new_project(&a, "P1");
    households(&a, "P1", "A", 4);
    a.ok(&["sync", "hub", &hub.url, "--token", &ta]);

    let dir = tempfile::tempdir().unwrap();
    let mut app = jingdi::Db::open(dir.path().join("jingdi.db")).unwrap();
    assert_eq!(desk::hub_status(&app, true).unwrap().url, None);
    let e = desk::hub_configure(&app, &hub.url, "jdh_00").unwrap_err();
    assert_eq!(e.code(), "invalid_field.token", "{e}");
    assert_eq!(desk::hub_status(&app, false).unwrap().url, None, "nothing kept");

    let s = desk::hub_configure(&app, &hub.url, &format!("  {tapp} ")).unwrap();
    assert_eq!(s.url.as_deref(), Some(hub.url.as_str()));
    assert_eq!((s.projects.len(), s.projects[0].code.as_str()), (1, "P1"));
    assert_eq!(s.projects[0].name, None, "not joined yet");
    let s = desk::hub_status(&app, true).unwrap();
    assert_eq!((s.reachable, s.problem), (Some(true), None));

    // The background step: due at once after the hub was set; the laptop joins the project.
    let now = chrono::Utc::now();
    let round = hub_status::tick(&mut app, now).unwrap().expect("due once the hub is set");
    assert!(round.failures.is_empty(), "{:?}", round.failures);
    assert!(round.reports[0].joined);
    assert_eq!(round.pulled as i64, count(&db, "SELECT count(*) FROM ops"));
    assert_eq!(round.status.projects[0].name.as_deref(), Some("东星测试地块"));
    assert_eq!(round.status.projects[0].last.as_ref().unwrap().pulled, round.pulled);
    assert_eq!(round.status.schedule.next_try, Some(now + INTERVAL));
    assert_eq!(jingdi::oplog::replay::dump(app.conn()).unwrap(), a.dump());
    assert!(hub_status::tick(&mut app, now + chrono::Duration::minutes(1)).unwrap().is_none(), "not due yet");

    // Work on both sides; 立即同步 on the app, then the other laptop: they converge.
    households(&a, "P1", "B", 2);
    let h: String = app.conn().query_row("SELECT id FROM households WHERE number = 'A-000'", [], |r| r.get(0)).unwrap();
    app.write("指挥部", |tx| jingdi::household::set(tx, h.parse().unwrap(), "phone", "13800000000", None)).unwrap();
    let round = desk::hub_sync(&mut app, &|| false).unwrap();
    assert_eq!((round.reports[0].pushed, round.failures.len()), (1, 0));
    a.sync();
    let round = desk::hub_sync(&mut app, &|| false).unwrap();
    assert_eq!((round.reports[0].pushed, round.pulled), (0, 2), "the other laptop's two households");
    assert_eq!(jingdi::oplog::replay::dump(app.conn()).unwrap(), a.dump());

    // The hub goes away: the step fails fast, says why in words, and waits longer.
    drop(hub);
    let later = now + chrono::Duration::minutes(10);
    let round = hub_status::tick(&mut app, later).unwrap().expect("due again");
    assert_eq!(round.failures[0].code, "hub.unreachable");
    assert!(round.failures[0].message.starts_with("无法连接同步中心"), "{}", round.failures[0].message);
    assert_eq!(round.status.schedule.next_try, Some(later + RETRY_FIRST));
    let s = desk::hub_status(&app, true).unwrap();
    assert_eq!(s.reachable, Some(false));
    assert!(s.projects[0].last.is_some(), "the last good sync is still shown");
    app.write("指挥部", |tx| jingdi::household::set(tx, h.parse().unwrap(), "phone", "13800000001", None)).unwrap();
}

fn delete(url: &str, token: &str) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut r = agent.delete(url).header("Authorization", format!("Bearer {token}")).call().unwrap();
    let status = r.status().as_u16();
    let text = r.body_mut().read_to_string().unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}

/// A lost laptop's token is revoked (by the admin API or the hub's command): it is refused from
/// then on, nothing more of it is stored, what it pushed before stays, and the others go on.
#[test]
fn a_revoked_token_is_refused_and_stores_nothing() {
    let db = fresh_db("revoke");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let admin = {
        let o = hub_cmd(&db).args(["admin-token"]).output().unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_string()
    };
    let (ta, tlost, tgone) = (token(&db, "P1", "a"), token(&db, "P1", "lost"), token(&db, "P1", "二组旧电脑"));
    let (a, lost, gone) = (Laptop::new(), Laptop::new(), Laptop::new());
    new_project(&a, "P1");
    households(&a, "P1", "A", 2);
    a.ok(&["sync", "hub", &hub.url, "--token", &ta]);
    lost.ok(&["sync", "hub", &hub.url, "--token", &tlost]);
    gone.ok(&["sync", "hub", &hub.url, "--token", &tgone]);
    households(&lost, "P1", "L", 1);
    lost.sync();
    let stored = count(&db, "SELECT count(*) FROM ops");

    // Only an admin may revoke; an unknown name is a clear 404.
    let url = format!("{}/v1/admin/projects/P1/tokens/lost", hub.url);
    let (status, body) = delete(&url, &ta);
    assert_eq!((status, body["code"].as_str()), (403, Some("hub.not_admin")));
    let (status, body) = delete(&format!("{}/v1/admin/projects/P1/tokens/nobody", hub.url), &admin);
    assert_eq!((status, body["code"].as_str()), (404, Some("hub.no_such_token")));
    let (status, body) = delete(&url, &admin);
    assert_eq!((status, body["revoked"].as_u64()), (200, Some(1)), "{body}");
    let (status, _) = delete(&url, &admin);
    assert_eq!(status, 404, "already revoked");
    // The hub's own command, by a Chinese name.
    let o = hub_cmd(&db).args(["revoke-token", "--project", "P1", "--name", "二组旧电脑"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = hub_cmd(&db).args(["revoke-token", "--project", "P1", "--name", "二组旧电脑"]).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("没有名为「二组旧电脑」的有效设备令牌"));

    // The app of a revoked laptop: the hub answers but refuses, in words, on the 同步 page.
    let dir = tempfile::tempdir().unwrap();
    let mut app = jingdi::Db::open(dir.path().join("jingdi.db")).unwrap();
    jingdi::desk::hub_configure(&app, &hub.url, &token(&db, "P1", "app")).unwrap();
    let o = hub_cmd(&db).args(["revoke-token", "--project", "P1", "--name", "app"]).output().unwrap();
    assert!(o.status.success());
    let s = jingdi::desk::hub_status(&app, true).unwrap();
    assert_eq!(s.reachable, Some(true), "the hub answered");
    assert!(s.problem.as_deref().unwrap().contains("已被吊销"), "{s:?}");
    let round = jingdi::desk::hub_sync(&mut app, &|| false).unwrap();
    assert_eq!(round.failures[0].code, "hub.bad_token");
    assert_eq!(round.status.schedule.failures, 1);

    // The revoked laptops are refused in words; nothing of theirs is stored any more.
    households(&lost, "P1", "L2", 1);
    for l in [&lost, &gone] {
        let o = l.run(&["sync", "hub", "--json"]);
        assert!(!o.status.success());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("hub.bad_token") && err.contains("已被吊销"), "{err}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM ops"), stored);
    assert_eq!(count(&db, "SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL"), 3);
    // What the lost laptop pushed before stays; the others sync on.
    a.sync();
    assert!(a.dump().contains("L-000"));
    assert!(!a.dump().contains("L2-000"));
}

/// A laptop's join request code and device id (`jingdi project join-request`).
fn join_request(l: &Laptop, name: &str) -> (String, uuid::Uuid) {
    let r: serde_json::Value =
        serde_json::from_str(&l.ok(&["project", "join-request", "--name", name, "--json"])).unwrap();
    (r["code"].as_str().unwrap().to_string(), r["device_id"].as_str().unwrap().parse().unwrap())
}

/// A full bundle of everything the laptop holds of the project.
fn full_bundle(l: &Laptop, code: &str) -> jingdi::sync::bundle::Bundle {
    let file = l.dir.path().join("full.jdb");
    l.ok(&["sync", "export", "--project", code, "--out", file.to_str().unwrap(), "--full"]);
    jingdi::sync::bundle::read(&file).unwrap()
}

/// A sync the hub refuses: the laptop's error output.
fn sync_refused(l: &Laptop) -> String {
    let o = l.run(&["sync", "hub", "--json"]);
    assert!(!o.status.success(), "the sync should have been refused");
    String::from_utf8(o.stderr).unwrap()
}

/// A closed project (one with a project key, after the 指挥部 admitted a laptop): the hub
/// refuses at push, with the laptops' codes and naming the device, whatever a laptop would
/// refuse at import (never admitted, revoked, beyond its role), storing nothing of it; what it
/// stores, a laptop pulls and imports cleanly.
#[test]
fn a_closed_project_on_the_hub_refuses_what_its_laptops_would_refuse() {
    let db = fresh_db("admit");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (toffice, tleader, tstranger, tnew) =
        (token(&db, "P1", "指挥部"), token(&db, "P1", "二组"), token(&db, "P1", "陌生"), token(&db, "P1", "新电脑"));
    let (office, leader, stranger) = (Laptop::new(), Laptop::new(), Laptop::new());
    new_project(&office, "P1");
    households(&office, "P1", "A", 2);
    office.ok(&["compensation", "add", "--household", "A-000", "--kind", "relocation", "--amount", "1000.00"]);
    office.ok(&["sync", "hub", &hub.url, "--token", &toffice]);
    // Two laptops take the project from the hub while it is still open.
    leader.ok(&["sync", "hub", &hub.url, "--token", &tleader]);
    stranger.ok(&["sync", "hub", &hub.url, "--token", &tstranger]);
    let ops = || count(&db, "SELECT count(*) FROM ops");

    // The office admits the 组长 laptop: that closes the project (its key, the office's own
    // admission and the 组长's travel in one push, the admissions before what they admit).
    let (code, leader_dev) = join_request(&leader, "二组笔记本");
    office.ok(&["project", "admit", "--project", "P1", &code, "--role", "组长", "--name", "二组笔记本"]);
    let r = office.sync();
    assert!(r[0]["pushed"].as_u64().unwrap() >= 3, "{r}");
    assert_eq!(count(&db, "SELECT count(*) FROM ops WHERE entity = 'member'"), 2);
    // The admitted 组长 laptop learns of it and pushes its field work.
    leader.sync();
    households(&leader, "P1", "L", 1);
    assert_eq!(leader.sync()[0]["pushed"].as_u64(), Some(1));

    // The laptop never admitted still believes the project open and writes: refused by name,
    // nothing of it stored (the CLI's sync, then the same bundle as a raw push).
    households(&stranger, "P1", "S", 1);
    let (_, stranger_dev) = join_request(&stranger, "陌生电脑");
    let before = ops();
    let err = sync_refused(&stranger);
    assert!(err.contains("rule.role.not_admitted") && err.contains(&admission_short(stranger_dev)), "{err}");
    let push = format!("{}/v1/projects/P1/push", hub.url);
    let b = full_bundle(&stranger, "P1");
    let (s, e) = post(&push, &tstranger, &jingdi::sync::bundle::encode(b.header.clone(), &b.ops));
    assert_eq!((s, e["code"].as_str()), (403, Some("rule.role.not_admitted")), "{e}");
    assert!(e["message"].as_str().unwrap().contains(&admission_short(stranger_dev)), "{e}");
    assert_eq!(ops(), before);
    assert_eq!(count(&db, "SELECT count(*) FROM ops WHERE body LIKE '%S-000%'"), 0);

    // A payment forged by the 组长 laptop (a modified program: signed with its own key and
    // chained after its last operation): beyond its role, refused by name.
    let mut b = full_bundle(&leader, "P1");
    let item = b.ops.iter().find(|o| o.entity == jingdi::oplog::Entity::CompensationItem).unwrap().entity_id;
    let last = b.ops.iter().filter(|o| o.device_id == leader_dev).max_by_key(|o| o.seq).unwrap().clone();
    let mut pay = last.clone();
    pay.id = uuid::Uuid::now_v7();
    pay.seq = last.seq + 1;
    pay.hlc = last.hlc + 1;
    pay.entity = jingdi::oplog::Entity::CompensationItem;
    pay.entity_id = item;
    pay.action = jingdi::oplog::Action::Update;
    pay.fields =
        jingdi::oplog::Fields::new().set("status", "paid").set("paid_on", "2026-03-08").set("voucher_no", "PZ-9");
    pay.prev = Some(jingdi::oplog::signing::hash(&last));
    let key = jingdi::identity::Installation::open(&leader.dir.path().join("home")).unwrap().signing_key().clone();
    jingdi::oplog::signing::sign(&key, &mut pay);
    b.ops.push(pay);
    let (s, e) = post(&push, &tleader, &jingdi::sync::bundle::encode(b.header.clone(), &b.ops));
    assert_eq!((s, e["code"].as_str()), (403, Some("rule.role.forbidden")), "{e}");
    let m = e["message"].as_str().unwrap();
    assert!(m.contains("二组笔记本") && m.contains("compensation_item") && m.contains("未保存"), "{m}");
    assert_eq!(ops(), before);

    // Revoked: the office takes the 组长's work, then revokes it; what the 组长 writes after
    // (not knowing yet) is refused by name, with the reason.
    office.sync();
    office.ok(&["project", "revoke", "--project", "P1", "二组笔记本", "--reason", "电脑遗失"]);
    office.sync();
    let before = ops();
    households(&leader, "P1", "R", 1);
    let err = sync_refused(&leader);
    assert!(err.contains("rule.role.revoked") && err.contains("二组笔记本") && err.contains("电脑遗失"), "{err}");
    assert_eq!(ops(), before);
    assert_eq!(count(&db, "SELECT count(*) FROM ops WHERE body LIKE '%R-000%'"), 0);

    // What the hub holds is what every laptop accepts: the office pulls and imports cleanly,
    // and a new laptop takes the whole project from the hub and holds what the office does.
    let r = office.sync();
    assert_eq!(r[0]["pushed"].as_u64(), Some(0), "{r}");
    let fresh = Laptop::new();
    let r: serde_json::Value =
        serde_json::from_str(&fresh.ok(&["sync", "hub", &hub.url, "--token", &tnew, "--json"])).unwrap();
    assert!(r[0]["joined"].as_bool().unwrap());
    assert_eq!(r[0]["pulled"].as_i64(), Some(ops()));
    let d = office.dump();
    assert_eq!(fresh.dump(), d);
    assert!(d.contains("L-000") && !d.contains("S-000") && !d.contains("R-000") && !d.contains("PZ-9"));
}

fn admission_short(device: uuid::Uuid) -> String {
    jingdi::admission::short(device)
}

/// Pulls the project from the hub in pages of `limit` operations and merges each page as a
/// laptop's pull does (`sync::hub`: the page as a bundle from the hub); the number of pages.
fn pull_in_pages(hub: &Hub, token: &str, code: &str, db: &mut jingdi::Db, limit: usize) -> usize {
    use jingdi::sync::hub::{PullReply, PullRequest};
    let agent: ureq::Agent = ureq::Agent::config_builder().build().into();
    for pages in 0.. {
        let local = jingdi::project::list(db.conn()).unwrap().into_iter().find(|p| p.code == code);
        let have = match &local {
            Some(p) => jingdi::oplog::watermarks::of_project(db.conn(), p.id).unwrap(),
            None => Default::default(),
        };
        let page: PullReply = serde_json::from_str(
            &agent
                .post(format!("{}/v1/projects/{code}/pull", hub.url))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/json")
                .send(&serde_json::to_vec(&PullRequest { have, limit }).unwrap()[..])
                .unwrap()
                .body_mut()
                .read_to_string()
                .unwrap(),
        )
        .unwrap();
        if page.ops.is_empty() {
            return pages;
        }
        let header = jingdi::sync::bundle::Header {
            format: 1,
            schema_version: jingdi::db::SCHEMA_VERSION,
            project_id: page.project.project_id.unwrap(),
            project_code: code.into(),
            project_name: page.project.project_name.clone(),
            sender_device: page.project.hub_device,
            sender_name: "同步中心".into(),
            created_at: chrono::Utc::now().to_rfc3339(),
            full: local.is_none(),
            seen: page.project.marks.clone(),
            since: Default::default(),
            op_count: page.ops.len(),
            ops_sha256: String::new(),
            keys: page.keys.clone(),
        };
        let label = format!("page {pages}");
        let bundle = jingdi::sync::bundle::Bundle { header, ops: page.ops };
        if let Err(e) = jingdi::sync::merge::import_bundle(db, bundle, std::path::Path::new(&label)) {
            panic!("{label} of the hub's pull is refused: {} {e}", e.code());
        }
        if !page.more {
            return pages + 1;
        }
    }
    unreachable!()
}

/// A laptop that took the project while it was open writes after the project was closed and
/// before its own admission; admitted, its work is accepted by the hub (as by a laptop's
/// merge). In replay order that work lies between the closing and the admission: a pull page
/// never ends between them, so a laptop pulling in small pages merges every page.
#[test]
fn a_pull_page_does_not_end_between_work_and_its_later_admission() {
    let db = fresh_db("pages");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (toffice, tleader, tlate, tnew) =
        (token(&db, "P1", "指挥部"), token(&db, "P1", "二组"), token(&db, "P1", "三组"), token(&db, "P1", "新电脑"));
    let (office, leader, late) = (Laptop::new(), Laptop::new(), Laptop::new());
    new_project(&office, "P1");
    households(&office, "P1", "A", 1);
    office.ok(&["sync", "hub", &hub.url, "--token", &toffice]);
    leader.ok(&["sync", "hub", &hub.url, "--token", &tleader]);
    late.ok(&["sync", "hub", &hub.url, "--token", &tlate]);
    // The office closes the project by admitting the 二组 laptop ...
    let (code, _) = join_request(&leader, "二组笔记本");
    office.ok(&["project", "admit", "--project", "P1", &code, "--role", "组长", "--name", "二组笔记本"]);
    office.sync();
    // ... the 三组 laptop, not knowing, works; then it is admitted too, and syncs.
    households(&late, "P1", "T", 2);
    let (code, _) = join_request(&late, "三组笔记本");
    office.ok(&["project", "admit", "--project", "P1", &code, "--role", "组长", "--name", "三组笔记本"]);
    households(&office, "P1", "B", 1);
    office.sync();
    assert_eq!(late.sync()[0]["pushed"].as_u64(), Some(2));
    office.sync();

    // A new laptop pulls one operation per page (but where a page would end inside the span).
    let dir = tempfile::tempdir().unwrap();
    let mut fresh = jingdi::Db::open(dir.path().join("jingdi.db")).unwrap();
    let pages = pull_in_pages(&hub, &tnew, "P1", &mut fresh, 1);
    let total = count(&db, "SELECT count(*) FROM ops");
    assert!(pages > 3 && (pages as i64) < total, "{pages} pages for {total} operations");
    let d = jingdi::oplog::replay::dump(fresh.conn()).unwrap();
    assert_eq!(d, office.dump());
    assert!(d.contains("T-001") && d.contains("B-000"));
}

/// 立即同步's 取消 stops a join between pages: each page merged is whole, the next sync
/// carries on from there, and the laptop ends with the whole project.
#[test]
fn a_hub_sync_stopped_between_pages_keeps_whole_pages_and_carries_on() {
    let db = fresh_db("stopped");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (ta, tapp) = (token(&db, "DX4", "甲"), token(&db, "DX4", "指挥部"));
    let a = Laptop::new();
    a.ok(&["demo"]);
    a.ok(&["sync", "hub", &hub.url, "--token", &ta]);
    let total = count(&db, "SELECT count(*) FROM ops");
    assert!(total > 2 * jingdi::sync::hub::PULL_OPS as i64, "several pages ({total} operations)");

    let dir = tempfile::tempdir().unwrap();
    let mut app = jingdi::Db::open(dir.path().join("jingdi.db")).unwrap();
    jingdi::desk::hub_configure(&app, &hub.url, &tapp).unwrap();
    // 取消 pressed while the first page merges: asked before the second page, it says stop.
    let asked = std::cell::Cell::new(0);
    let stop = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let round = jingdi::desk::hub_sync(&mut app, &stop).unwrap();
    assert!(round.stopped && round.reports[0].stopped, "{round:?}");
    assert_eq!((round.reports[0].pages, round.pulled), (1, jingdi::sync::hub::PULL_OPS));
    assert!(round.reports[0].files.is_none(), "files wait for the next sync");
    let here: i64 = app.conn().query_row("SELECT count(*) FROM oplog", [], |r| r.get(0)).unwrap();
    assert_eq!(here, jingdi::sync::hub::PULL_OPS as i64, "one whole page, nothing of the next");
    // The next 立即同步 carries on from there.
    let round = jingdi::desk::hub_sync(&mut app, &|| false).unwrap();
    assert!(!round.stopped);
    assert_eq!(round.pulled as i64, total - jingdi::sync::hub::PULL_OPS as i64);
    assert_eq!(jingdi::oplog::replay::dump(app.conn()).unwrap(), a.dump());
}

/// A laptop joining a project of several pages keeps one automatic backup of its file as it
/// was before the pull, not a whole-file copy per page (a page's backup once rotated itself
/// away and stopped the join with `backup.failed`).
#[test]
fn a_join_of_several_pages_makes_one_backup() {
    let db = fresh_db("joinbackup");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let (ta, tb) = (token(&db, "DX4", "甲"), token(&db, "DX4", "乙"));
    let (a, b) = (Laptop::new(), Laptop::new());
    a.ok(&["demo"]);
    a.ok(&["sync", "hub", &hub.url, "--token", &ta]);
    let total = count(&db, "SELECT count(*) FROM ops");
    assert!(total > 2 * jingdi::sync::hub::PULL_OPS as i64, "several pages ({total} operations)");
    let r: serde_json::Value =
        serde_json::from_str(&b.ok(&["sync", "hub", &hub.url, "--token", &tb, "--json"])).unwrap();
    assert!(r[0]["pages"].as_i64().unwrap() >= 3, "{r}");
    let backups: Vec<String> = std::fs::read_dir(b.dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert!(backups[0].contains("before-merge"), "{backups:?}");
    assert_eq!(a.dump(), b.dump());
}
