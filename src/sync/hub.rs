//! Syncing through a district hub (`jingdi-hub`, the `hub/` crate): push what the hub lacks,
//! then pull what this laptop lacks. The hub only stores and relays operations; what comes
//! back is merged by [`super::merge::import_bundle`], the one merge there is.
//!
//! Both directions work by per-device marks (device → highest sequence number held), never
//! by one global cursor: each push is a bundle of whole per-device continuations in replay
//! order, each pull page a causally closed prefix (replay order) of what is missing. An
//! interrupted sync continues from the marks on both sides; the hub stores each operation
//! once (`ON CONFLICT DO NOTHING`), the merge skips what is here. The wire types below are
//! the hub's too.

use super::bundle::{self, Bundle, Header};
use crate::db::{Db, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::evidence::transport::{ContentTransport, FileSyncReport};
use crate::evidence::ContentHash;
use crate::oplog::apply::{op_from_row, OP_COLUMNS};
use crate::oplog::{watermarks, Op};
use crate::project::Project;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use uuid::Uuid;

// ---- the wire: JSON under /v1 (a push body is a bundle, `bundle::encode`)

/// `GET /v1/whoami`: what a token is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhoAmI {
    /// "device" or "admin".
    pub kind: String,
    pub project_code: Option<String>,
    pub name: String,
}

/// `GET /v1/projects/{code}/marks`: the hub's marks of a project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HubProject {
    pub project_code: String,
    /// Bound by the first push; `None` while nothing was pushed.
    pub project_id: Option<Uuid>,
    pub project_name: String,
    /// The hub's own id as the sender of the pages it serves.
    pub hub_device: Uuid,
    pub marks: BTreeMap<Uuid, i64>,
}

/// `POST /v1/projects/{code}/push` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushReply {
    pub stored: usize,
    pub known: usize,
    pub marks: BTreeMap<Uuid, i64>,
}

/// `POST /v1/projects/{code}/pull` body: what the laptop holds (its marks). The page is the
/// next operations beyond those marks in replay order, so each page is a prefix of what is
/// missing closed under "had seen" (a writer's clock is past everything it had seen).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullRequest {
    pub have: BTreeMap<Uuid, i64>,
    pub limit: usize,
}

/// `POST /v1/projects/{code}/pull` answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PullReply {
    pub project: HubProject,
    pub ops: Vec<Op>,
    /// The public keys of the page's devices, as the hub bound them on their first push.
    #[serde(default)]
    pub keys: BTreeMap<Uuid, String>,
    /// More operations are missing beyond this page.
    pub more: bool,
}

/// `POST /v1/projects/{code}/files/held` body: attachment files a laptop asks about (the
/// project's records name them by SHA-256); the answer lists those the hub holds. The files
/// themselves go by `PUT` / `GET /v1/projects/{code}/files/{sha256}` (raw bytes).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FilesHeld {
    pub sha256: Vec<ContentHash>,
}

/// The most hashes one `files/held` request may ask about.
pub const MAX_FILES_ASKED: usize = 100_000;

/// `GET /v1/projects/{code}/devices`: the laptops of a project.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HubDevice {
    pub name: String,
    pub device_id: Option<Uuid>,
    /// Highest sequence number of this device the hub holds.
    pub seq: i64,
    pub last_seen_at: Option<String>,
}

/// Every refusal: a stable code (`hub.bad_token`, `bundle.checksum`, ...) and a message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorReply {
    pub code: String,
    pub message: String,
}

/// How many operations one push carries (well under the hub's body limit) and one pull page.
pub const PUSH_OPS: usize = 2000;
pub const PULL_OPS: usize = 2000;

// ---- this laptop's settings

pub const URL_SETTING: &str = "hub_url";

fn token_setting(code: &str) -> String {
    format!("hub_token:{code}")
}

fn last_setting(code: &str) -> String {
    format!("hub_last:{code}")
}

/// What one sync did, kept as the project's last sync for the 同步 page.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubReport {
    pub url: String,
    pub project_code: String,
    pub at: String,
    /// Operations the hub stored from this laptop, and the pushes they took.
    pub pushed: usize,
    pub pushes: usize,
    /// Operations new to this laptop, by device, and the pages they took.
    pub pulled: usize,
    pub pages: usize,
    pub from_devices: BTreeMap<Uuid, usize>,
    pub conflicts: usize,
    /// Rules broken by two laptops' changes together (see `ImportReport.violations`).
    #[serde(default)]
    pub violations: usize,
    /// The project was new here: this laptop joined it from the hub.
    pub joined: bool,
    /// Devices whose operations the merge held back (see `ImportReport.held_back`).
    pub held_back: Vec<String>,
    /// The project's attachment files sent to and fetched from the hub, after the operations.
    #[serde(default)]
    pub files: Option<FileSyncReport>,
    /// 取消 stopped this sync between two pages: what is counted above is in (each page
    /// whole), the rest and the files come with the next sync, which carries on from there.
    #[serde(default)]
    pub stopped: bool,
}

/// The hub this laptop syncs through and the projects it holds a token for.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct HubSettings {
    pub url: Option<String>,
    pub projects: Vec<String>,
    /// The last sync of each project, by code.
    pub last: BTreeMap<String, HubReport>,
}

pub fn settings(db: &Db) -> Result<HubSettings> {
    let mut out = HubSettings { url: db.setting(URL_SETTING)?, ..Default::default() };
    let mut stmt = db.conn().prepare("SELECT key FROM local_settings WHERE key LIKE 'hub_token:%' ORDER BY key")?;
    let keys = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    for k in keys {
        let code = k.trim_start_matches("hub_token:").to_string();
        if let Some(last) = db.setting(&last_setting(&code))?.and_then(|j| serde_json::from_str(&j).ok()) {
            out.last.insert(code.clone(), last);
        }
        out.projects.push(code);
    }
    Ok(out)
}

fn hub_err(problem: &str, message: impl Into<String>) -> Error {
    Error::Hub { problem: problem.into(), message: message.into() }
}

// ---- the HTTP client

struct Client {
    agent: ureq::Agent,
    url: String,
    token: String,
}

impl Client {
    fn new(url: &str, token: &str) -> Client {
        Client::with_timeouts(url, token, Duration::from_secs(10), Duration::from_secs(300))
    }

    fn with_timeouts(url: &str, token: &str, connect: Duration, global: Duration) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(connect))
            .timeout_global(Some(global))
            .build()
            .into();
        Client { agent, url: url.trim_end_matches('/').to_string(), token: token.to_string() }
    }

    fn answer<T: serde::de::DeserializeOwned>(
        &self,
        r: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<T> {
        let body = self.bytes(r, 256 << 20)?;
        serde_json::from_slice(&body)
            .map_err(|e| hub_err("bad_reply", format!("{} 的回答无法读取（是 Jingdi 同步中心吗？）：{e}", self.url)))
    }

    /// The body of a successful answer (at most `limit` bytes); a refusal as its error.
    fn bytes(
        &self,
        r: std::result::Result<ureq::http::Response<ureq::Body>, ureq::Error>,
        limit: u64,
    ) -> Result<Vec<u8>> {
        let mut r = r.map_err(|e| hub_err("unreachable", format!("无法连接同步中心 {}：{}", self.url, why(&e))))?;
        let status = r.status();
        let body = r
            .body_mut()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(|e| hub_err("unreachable", format!("与同步中心 {} 的连接中断：{}", self.url, why(&e))))?;
        if status.is_success() {
            return Ok(body);
        }
        match serde_json::from_slice::<ErrorReply>(&body) {
            Ok(e) => {
                let problem = e.code.strip_prefix("hub.").unwrap_or(&e.code).to_string();
                Err(Error::Hub { problem, message: format!("{}(HTTP {})", e.message, status.as_u16()) })
            }
            Err(_) => Err(hub_err(
                "refused",
                format!(
                    "{} 拒绝了请求（HTTP {}）：{}",
                    self.url,
                    status.as_u16(),
                    String::from_utf8_lossy(&body).chars().take(200).collect::<String>()
                ),
            )),
        }
    }

    fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let r = self
            .agent
            .get(format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {}", self.token))
            .call();
        self.answer(r)
    }

    fn get_bytes(&self, path: &str, limit: u64) -> Result<Vec<u8>> {
        let r = self
            .agent
            .get(format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {}", self.token))
            .call();
        self.bytes(r, limit)
    }

    fn put<T: serde::de::DeserializeOwned>(&self, path: &str, body: &[u8]) -> Result<T> {
        let r = self
            .agent
            .put(format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", "application/octet-stream")
            .send(body);
        self.answer(r)
    }

    fn post<T: serde::de::DeserializeOwned>(&self, path: &str, content_type: &str, body: &[u8]) -> Result<T> {
        let r = self
            .agent
            .post(format!("{}{path}", self.url))
            .header("Authorization", format!("Bearer {}", self.token))
            .header("Content-Type", content_type)
            .send(body);
        self.answer(r)
    }
}

/// The hub as a carrier of attachment files ([`crate::evidence::transport::sync_files`]
/// verifies what it fetches; the hub verified what it stored).
struct HubFiles<'a> {
    client: &'a Client,
    code: &'a str,
}

impl ContentTransport for HubFiles<'_> {
    fn describe(&self) -> String {
        format!("{}（项目 {}）", self.client.url, self.code)
    }

    fn holds(&self, wanted: &[ContentHash]) -> Result<std::collections::BTreeSet<ContentHash>> {
        let mut held = std::collections::BTreeSet::new();
        for part in wanted.chunks(MAX_FILES_ASKED) {
            let body = serde_json::to_vec(&FilesHeld { sha256: part.to_vec() }).expect("hashes serialise");
            let r: FilesHeld = self.client.post(&project_path(self.code, "files/held"), "application/json", &body)?;
            held.extend(r.sha256);
        }
        Ok(held)
    }

    fn fetch(&self, hash: &ContentHash) -> Result<Vec<u8>> {
        let limit = crate::evidence::sniff::MAX_FILE_BYTES + 1;
        self.client.get_bytes(&project_path(self.code, &format!("files/{hash}")), limit)
    }

    fn send(&self, hash: &ContentHash, bytes: &[u8]) -> Result<()> {
        let _: serde_json::Value = self.client.put(&project_path(self.code, &format!("files/{hash}")), bytes)?;
        Ok(())
    }

    /// Nothing to drop: the hub keeps only files that hashed to their name on arrival, so a
    /// copy that arrived damaged was damaged on the way and the next sync fetches it again.
    fn discard(&self, _hash: &ContentHash) -> Result<()> {
        Ok(())
    }
}

/// Why a connection failed, in words a person reads (no system error numbers).
fn why(e: &ureq::Error) -> String {
    use std::io::ErrorKind as K;
    match e {
        ureq::Error::Io(io) if io.kind() == K::ConnectionRefused => "对方拒绝连接，同步中心可能未运行".into(),
        ureq::Error::Io(io) if matches!(io.kind(), K::TimedOut | K::WouldBlock) => "连接超时，网络可能不通".into(),
        ureq::Error::Io(io) if io.kind() == K::ConnectionReset => "连接被中断".into(),
        ureq::Error::Timeout(_) => "连接超时，网络可能不通".into(),
        ureq::Error::HostNotFound => "找不到该地址（请检查地址拼写和网络）".into(),
        ureq::Error::ConnectionFailed => "连接失败，网络可能不通".into(),
        ureq::Error::BadUri(_) => "地址格式不对".into(),
        _ => "网络不通或同步中心未运行".into(),
    }
}

fn project_path(code: &str, what: &str) -> String {
    let code: String = code
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/v1/projects/{code}/{what}")
}

/// `jingdi sync hub URL --token T`: asks the hub what the token is for, then remembers the
/// hub and the token (one per project). Returns the project's code.
pub fn configure(db: &Db, url: &str, token: &str) -> Result<String> {
    let url = url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::invalid("url", format!("同步中心地址应以 http:// 或 https:// 开头：{url}")));
    }
    let who: WhoAmI = Client::new(url, token.trim()).get("/v1/whoami")?;
    let Some(code) = who.project_code.filter(|_| who.kind == "device") else {
        return Err(hub_err("not_a_device_token", "这是管理员令牌；请用为本机签发的设备令牌"));
    };
    db.set_setting(URL_SETTING, url.trim_end_matches('/'))?;
    db.set_setting(&token_setting(&code), token.trim())?;
    Ok(code)
}

/// Asks the hub what `token` is, waiting at most a few seconds (the 同步 page's "reachable").
pub fn probe(url: &str, token: &str) -> Result<WhoAmI> {
    Client::with_timeouts(url, token, Duration::from_secs(3), Duration::from_secs(5)).get("/v1/whoami")
}

/// The codes of the projects this laptop syncs through the hub.
pub fn configured_projects(db: &Db) -> Result<Vec<String>> {
    Ok(settings(db)?.projects)
}

/// This laptop's operations of a project beyond the hub's marks, in replay order.
fn ops_beyond(db: &Db, project: Uuid, hub: &BTreeMap<Uuid, i64>) -> Result<Vec<Op>> {
    let conn = db.conn();
    let mine = watermarks::of_project(conn, project)?;
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE project_id = ?1 AND device_id = ?2 AND seq > ?3 ORDER BY seq"
    ))?;
    let mut out = Vec::new();
    for (device, seq) in mine {
        let from = hub.get(&device).copied().unwrap_or(0);
        if seq <= from {
            continue;
        }
        let mut rows = stmt.query(rusqlite::params![project.to_string(), device.to_string(), from])?;
        while let Some(r) = rows.next()? {
            out.push(op_from_row(r)?);
        }
    }
    out.sort_by_key(|o| (o.hlc, o.device_id, o.id));
    Ok(out)
}

/// Push then pull one project (by code). Resumable: run again after any interruption.
pub fn sync(db: &mut Db, code: &str) -> Result<HubReport> {
    sync_until(db, code, &|| false)
}

/// As [`sync`], asking `stop` before each push and each pulled page: once it answers true the
/// sync ends there (`stopped`), every page sent or merged before whole, nothing half-done.
pub fn sync_until(db: &mut Db, code: &str, stop: &dyn Fn() -> bool) -> Result<HubReport> {
    let url = db
        .setting(URL_SETTING)?
        .ok_or_else(|| hub_err("not_configured", "尚未设置同步中心；先运行 jingdi sync hub 地址 --token 令牌"))?;
    let token = db
        .setting(&token_setting(code))?
        .ok_or_else(|| hub_err("not_configured", format!("本机没有项目 {code} 的同步中心令牌")))?;
    let client = Client::new(&url, &token);
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let mut report = HubReport { url: url.clone(), project_code: code.to_string(), at, ..Default::default() };
    let hub: HubProject = client.get(&project_path(code, "marks"))?;
    let local = crate::project::list(db.conn())?.into_iter().find(|p| p.code == code);
    if let (Some(p), Some(id)) = (&local, hub.project_id) {
        if p.id != id {
            return Err(hub_err(
                "other_project",
                format!("同步中心的项目 {code} 与本机的同编号项目「{}」不是同一个项目", p.name),
            ));
        }
    }
    if let Some(p) = &local {
        push(db, &client, p, &hub, &mut report, stop)?;
    }
    if !report.stopped {
        pull(db, &client, code, &mut report, stop)?;
    }
    // Files after operations: the records that name them are here now.
    let project = crate::project::list(db.conn())?.into_iter().find(|p| p.code == code);
    if let Some(p) = project.filter(|_| !report.stopped) {
        let hub = HubFiles { client: &client, code };
        report.files = Some(crate::evidence::transport::sync_files(db, p.id, &hub)?);
    }
    db.set_setting(&last_setting(code), &serde_json::to_string(&report).expect("report serialises"))?;
    Ok(report)
}

fn push(
    db: &Db,
    client: &Client,
    p: &Project,
    hub: &HubProject,
    report: &mut HubReport,
    stop: &dyn Fn() -> bool,
) -> Result<()> {
    let ops = ops_beyond(db, p.id, &hub.marks)?;
    if ops.is_empty() {
        return Ok(());
    }
    // The operations are about to be held elsewhere (see `Db::ops_leaving`).
    db.ops_leaving()?;
    let seen = watermarks::of_project(db.conn(), p.id)?;
    for chunk in ops.chunks(PUSH_OPS) {
        if stop() {
            report.stopped = true;
            return Ok(());
        }
        let header = Header {
            format: 1,
            schema_version: SCHEMA_VERSION,
            project_id: p.id,
            project_code: p.code.clone(),
            project_name: p.name.clone(),
            sender_device: db.device_id(),
            sender_name: super::device_name(db)?,
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            full: false,
            seen: seen.clone(),
            since: hub.marks.clone(),
            op_count: 0,
            ops_sha256: String::new(),
            keys: {
                let devices: std::collections::BTreeSet<Uuid> = chunk.iter().map(|o| o.device_id).collect();
                crate::oplog::signing::device_keys(db.conn())?
                    .into_iter()
                    .filter(|(d, _)| devices.contains(d))
                    .collect()
            },
        };
        let body = bundle::encode(header, chunk);
        let r: PushReply = client.post(&project_path(&p.code, "push"), "application/octet-stream", &body)?;
        report.pushed += r.stored;
        report.pushes += 1;
    }
    Ok(())
}

/// Each device's operations in the page continue exactly where this laptop's end.
fn continuous(have: &BTreeMap<Uuid, i64>, ops: &[Op]) -> Result<()> {
    let mut next: BTreeMap<Uuid, i64> = BTreeMap::new();
    for op in ops {
        let n = next.entry(op.device_id).or_insert_with(|| have.get(&op.device_id).copied().unwrap_or(0) + 1);
        if op.seq != *n {
            return Err(hub_err(
                "gap",
                format!("同步中心发来的设备 {} 的操作从第 {} 号开始，本机需要第 {n} 号；未导入", op.device_id, op.seq),
            ));
        }
        *n += 1;
    }
    Ok(())
}

fn pull(db: &mut Db, client: &Client, code: &str, report: &mut HubReport, stop: &dyn Fn() -> bool) -> Result<()> {
    let mut backup = super::merge::Backup::IfBig;
    loop {
        if stop() {
            report.stopped = true;
            return Ok(());
        }
        let local = crate::project::list(db.conn())?.into_iter().find(|p| p.code == code);
        let have = match &local {
            Some(p) => watermarks::of_project(db.conn(), p.id)?,
            None => BTreeMap::new(),
        };
        let req = PullRequest { have: have.clone(), limit: PULL_OPS };
        let page: PullReply = client.post(
            &project_path(code, "pull"),
            "application/json",
            &serde_json::to_vec(&req).expect("request serialises"),
        )?;
        if page.ops.is_empty() {
            return Ok(());
        }
        continuous(&have, &page.ops)?;
        let Some(project_id) = page.project.project_id else { return Ok(()) };
        let header = Header {
            format: 1,
            schema_version: SCHEMA_VERSION,
            project_id,
            project_code: page.project.project_code.clone(),
            project_name: page.project.project_name.clone(),
            sender_device: page.project.hub_device,
            sender_name: "同步中心".into(),
            created_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            // A first page is a prefix closed under "had seen": a laptop joins with it.
            full: local.is_none(),
            seen: page.project.marks.clone(),
            since: BTreeMap::new(),
            op_count: page.ops.len(),
            ops_sha256: String::new(),
            keys: page.keys.clone(),
        };
        let n = page.ops.len();
        let label = format!("{}/{}", client.url, project_path(code, "pull").trim_start_matches('/'));
        let r = super::merge::import_bundle_with(db, Bundle { header, ops: page.ops }, Path::new(&label), backup)?;
        // One automatic backup per pull, before its first big page: the file as it was.
        if r.backed_up {
            backup = super::merge::Backup::Taken;
        }
        report.joined |= r.joined;
        report.pulled += r.new_operations;
        report.pages += 1;
        report.conflicts += r.conflicts;
        report.violations += r.violations;
        for (d, c) in &r.from_devices {
            *report.from_devices.entry(*d).or_default() += c;
        }
        let stuck = !r.held_back.is_empty();
        report.held_back.extend(r.held_back.into_iter().map(|h| h.message));
        // Held-back operations do not raise the marks: asking again would loop.
        if !page.more || stuck || n == 0 {
            return Ok(());
        }
    }
}
