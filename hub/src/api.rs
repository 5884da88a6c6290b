//! HTTP + JSON under /v1. The wire types are the core's (`jingdi::sync::hub`), so the hub and
//! the laptops cannot disagree on them.

use crate::store::{self, DbError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, JsonRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use jingdi::admission::{Admissions, Refusal};
use jingdi::evidence::ContentHash;
use jingdi::oplog::{signing, Entity, Op};
use jingdi::sync::bundle;
use jingdi::sync::hub::{
    ErrorReply, FilesHeld, HubDevice, HubProject, PullReply, PullRequest, PushReply, WhoAmI, MAX_FILES_ASKED,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

pub struct App {
    pub pool: Pool,
    pub max_body: usize,
}

/// The largest attachment file, the laptops' own limit.
const MAX_FILE_BYTES: u64 = jingdi::evidence::sniff::MAX_FILE_BYTES;

/// Largest pull page, whatever a laptop asks for.
pub const MAX_PAGE: usize = 5000;

pub fn router(app: Arc<App>) -> Router {
    let limit = app.max_body;
    Router::new()
        .route("/v1/health", get(|| async { "ok" }))
        .route("/v1/whoami", get(whoami))
        .route("/v1/admin/tokens", post(issue))
        .route("/v1/admin/projects/{code}/tokens/{name}", delete(revoke))
        .route("/v1/projects/{code}/marks", get(marks))
        .route("/v1/projects/{code}/push", post(push))
        .route("/v1/projects/{code}/pull", post(pull))
        .route("/v1/projects/{code}/devices", get(devices))
        .route("/v1/projects/{code}/files/held", post(files_held))
        // A photo may be larger than a push: the attachment limit, on this route only.
        .route(
            "/v1/projects/{code}/files/{sha256}",
            get(file_get).put(file_put).layer(DefaultBodyLimit::max(MAX_FILE_BYTES as usize)),
        )
        .layer(DefaultBodyLimit::max(limit))
        .with_state(app)
}

// ---- errors: a status, a stable code, a message in Chinese

pub struct ApiError {
    status: StatusCode,
    code: String,
    message: String,
}

fn refuse(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
    ApiError { status, code: code.into(), message: message.into() }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorReply { code: self.code, message: self.message })).into_response()
    }
}

impl<E: Into<DbError>> From<E> for ApiError {
    fn from(e: E) -> ApiError {
        let e: DbError = e.into();
        eprintln!("jingdi-hub: database: {e}");
        refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "hub.database",
            "同步中心的数据库暂时不可用，请稍后再同步；本次未保存任何内容",
        )
    }
}

type Answer<T> = Result<Json<T>, ApiError>;

// ---- tokens

struct Token {
    id: i64,
    kind: String,
    project_code: Option<String>,
    name: String,
}

impl Token {
    fn admin(&self) -> Result<(), ApiError> {
        if self.kind == "admin" {
            Ok(())
        } else {
            Err(refuse(StatusCode::FORBIDDEN, "hub.not_admin", "需要管理员令牌"))
        }
    }

    /// A device token of this project, or (reading only) an admin token.
    fn may(&self, code: &str, write: bool) -> Result<(), ApiError> {
        if self.kind == "admin" && !write {
            return Ok(());
        }
        match &self.project_code {
            Some(c) if c == code && self.kind == "device" => Ok(()),
            Some(c) => Err(refuse(
                StatusCode::FORBIDDEN,
                "hub.other_project_token",
                format!("该令牌属于项目 {c}，不能用于项目 {code}"),
            )),
            None => Err(refuse(StatusCode::FORBIDDEN, "hub.not_a_device_token", "上传需要设备令牌，不能用管理员令牌")),
        }
    }
}

async fn auth(app: &App, headers: &HeaderMap) -> Result<Token, ApiError> {
    let given = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "hub.no_token", "缺少令牌（Authorization: Bearer …）"))?;
    let row = app
        .pool
        .get()
        .await?
        .query_opt(
            "SELECT token_id, kind, project_code, name FROM tokens WHERE sha256 = $1 AND revoked_at IS NULL",
            &[&store::hash(given)],
        )
        .await?
        .ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "hub.bad_token", "令牌无效或已被吊销；请向区征收办重新申请"))?;
    Ok(Token { id: row.get(0), kind: row.get(1), project_code: row.get(2), name: row.get(3) })
}

async fn whoami(State(app): State<Arc<App>>, headers: HeaderMap) -> Answer<WhoAmI> {
    let t = auth(&app, &headers).await?;
    Ok(Json(WhoAmI { kind: t.kind, project_code: t.project_code, name: t.name }))
}

#[derive(Deserialize)]
struct IssueRequest {
    project_code: String,
    name: String,
}

async fn issue(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Result<Json<IssueRequest>, JsonRejection>,
) -> Answer<serde_json::Value> {
    auth(&app, &headers).await?.admin()?;
    let Json(req) =
        body.map_err(|e| refuse(StatusCode::BAD_REQUEST, "hub.bad_request", format!("请求无法读取：{e}")))?;
    let code = req.project_code.trim();
    if code.is_empty() || req.name.trim().is_empty() {
        return Err(refuse(StatusCode::BAD_REQUEST, "hub.bad_request", "需要项目编号和设备名称"));
    }
    let token = store::issue_device(&app.pool, code, req.name.trim()).await?;
    Ok(Json(serde_json::json!({ "project_code": code, "name": req.name.trim(), "token": token })))
}

/// `DELETE /v1/admin/projects/{code}/tokens/{name}` (admin): revokes that laptop's tokens.
async fn revoke(
    State(app): State<Arc<App>>,
    Path((code, name)): Path<(String, String)>,
    headers: HeaderMap,
) -> Answer<serde_json::Value> {
    auth(&app, &headers).await?.admin()?;
    let n = store::revoke_device(&app.pool, code.trim(), name.trim()).await?;
    if n == 0 {
        return Err(refuse(
            StatusCode::NOT_FOUND,
            "hub.no_such_token",
            format!("项目 {code} 没有名为「{name}」的有效设备令牌（名称不对，或已被吊销）"),
        ));
    }
    Ok(Json(serde_json::json!({ "project_code": code.trim(), "name": name.trim(), "revoked": n })))
}

// ---- projects and marks

async fn project(c: &deadpool_postgres::Object, code: &str) -> Result<HubProject, ApiError> {
    let row = c
        .query_opt("SELECT project_id, name, hub_device FROM projects WHERE code = $1", &[&code])
        .await?
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "hub.no_project", format!("同步中心没有项目 {code}")))?;
    let project_id: Option<Uuid> = row.get(0);
    let mut marks = BTreeMap::new();
    if let Some(id) = project_id {
        for r in c.query("SELECT device_id, seq FROM marks WHERE project_id = $1", &[&id]).await? {
            marks.insert(r.get::<_, Uuid>(0), r.get::<_, i64>(1));
        }
    }
    Ok(HubProject {
        project_code: code.to_string(),
        project_id,
        project_name: row.get(1),
        hub_device: row.get(2),
        marks,
    })
}

async fn touch(c: &deadpool_postgres::Object, token: &Token, device: Option<Uuid>) -> Result<(), ApiError> {
    c.execute(
        "UPDATE tokens SET last_seen_at = now(), device_id = coalesce($2, device_id) WHERE token_id = $1",
        &[&token.id, &device],
    )
    .await?;
    Ok(())
}

async fn marks(State(app): State<Arc<App>>, Path(code): Path<String>, headers: HeaderMap) -> Answer<HubProject> {
    let t = auth(&app, &headers).await?;
    t.may(&code, false)?;
    let c = app.pool.get().await?;
    let p = project(&c, &code).await?;
    if t.kind == "device" {
        touch(&c, &t, None).await?;
    }
    Ok(Json(p))
}

async fn devices(State(app): State<Arc<App>>, Path(code): Path<String>, headers: HeaderMap) -> Answer<Vec<HubDevice>> {
    let t = auth(&app, &headers).await?;
    t.may(&code, false)?;
    let c = app.pool.get().await?;
    let rows = c
        .query(
            "SELECT t.name, t.device_id, coalesce(m.seq, 0), t.last_seen_at FROM tokens t
             JOIN projects p ON p.code = t.project_code
             LEFT JOIN marks m ON m.project_id = p.project_id AND m.device_id = t.device_id
             WHERE t.project_code = $1 AND t.kind = 'device' AND t.revoked_at IS NULL ORDER BY t.token_id",
            &[&code],
        )
        .await?;
    Ok(Json(
        rows.iter()
            .map(|r| HubDevice {
                name: r.get(0),
                device_id: r.get(1),
                seq: r.get(2),
                last_seen_at: r
                    .get::<_, Option<chrono::DateTime<chrono::Utc>>>(3)
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            })
            .collect(),
    ))
}

// ---- push

/// A checked bundle, each operation with its stored text and that text's SHA-256.
struct Checked {
    header: bundle::Header,
    ops: Vec<(Op, String, Vec<u8>)>,
}

fn bad_bundle(e: jingdi::Error) -> ApiError {
    refuse(StatusCode::BAD_REQUEST, &e.code(), format!("{e}；同步中心未保存任何内容"))
}

/// Everything that needs no database: the bundle's framing and checksum, then the checks a
/// laptop's merge runs on each operation (the core's, so there is one place per rule).
fn check(body: &[u8], code: &str) -> Result<Checked, ApiError> {
    let label = std::path::Path::new("上传的数据包");
    let b = bundle::read_from(body, label).map_err(bad_bundle)?;
    if b.header.schema_version > jingdi::db::SCHEMA_VERSION {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "bundle.schema_too_new",
            format!("数据包来自更新版本的 Jingdi（结构版本 {}），请先升级同步中心", b.header.schema_version),
        ));
    }
    if b.header.project_code != code {
        return Err(refuse(
            StatusCode::CONFLICT,
            "hub.other_project",
            format!("数据包属于项目 {}，而上传地址是项目 {code}；未保存任何内容", b.header.project_code),
        ));
    }
    let now = chrono::Utc::now().timestamp_millis();
    jingdi::sync::check::for_relay(b.header.project_id, &b.ops, now, &b.header.sender_name, label)
        .map_err(bad_bundle)?;
    verify_signatures(&b.header, &b.ops)?;
    let ops = b
        .ops
        .into_iter()
        .map(|op| {
            let text = serde_json::to_string(&op).expect("operations serialise");
            let sha = Sha256::digest(text.as_bytes()).to_vec();
            (op, text, sha)
        })
        .collect();
    Ok(Checked { header: b.header, ops })
}

/// Every signed operation verifies under the key the bundle gives for its device (whether
/// that key is the one the hub bound for the device is checked in the push's transaction).
/// Unsigned operations are a laptop's history from before signing; each laptop's merge
/// accepts them only below that device's first signed one.
fn verify_signatures(header: &bundle::Header, ops: &[Op]) -> Result<(), ApiError> {
    let mut keys = BTreeMap::new();
    for op in ops.iter().filter(|op| op.sig.is_some()) {
        let key = match keys.get(&op.device_id) {
            Some(k) => k,
            None => {
                let k = header.keys.get(&op.device_id).and_then(|k| signing::public_from_hex(k)).ok_or_else(|| {
                    refuse(
                        StatusCode::BAD_REQUEST,
                        "bundle.unknown_key",
                        format!("设备 {} 的签名操作没有随包附上公钥；未保存任何内容", op.device_id),
                    )
                })?;
                keys.entry(op.device_id).or_insert(k)
            }
        };
        if !signing::verifies(key, op) {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                "bundle.bad_signature",
                format!("设备 {} 第 {} 号操作的签名不符（内容被改动或伪造）；未保存任何内容", op.device_id, op.seq),
            ));
        }
    }
    Ok(())
}

fn upload_refused(e: BytesRejection) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "hub.too_large",
            "上传内容超过同步中心的大小上限；Jingdi 会分批上传，请升级本机后再同步；未保存任何内容",
        )
    } else {
        refuse(StatusCode::BAD_REQUEST, "hub.truncated", format!("上传中断或不完整（{e}）；未保存任何内容，请重新同步"))
    }
}

async fn push(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<PushReply> {
    let t = auth(&app, &headers).await?;
    t.may(&code, true)?;
    let body = body.map_err(upload_refused)?;
    let code2 = code.clone();
    let Checked { header, ops } = tokio::task::spawn_blocking(move || check(&body, &code2))
        .await
        .map_err(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR, "hub.internal", "检查数据包时出错"))??;
    let project_id = header.project_id;

    let mut c = app.pool.get().await?;
    let tx = c.transaction().await?;
    // One push of a project at a time: each device's operations then stay a prefix at every
    // commit, which is what lets a pull trust the marks (no late row below a mark).
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&code]).await?;
    let row = tx
        .query_opt("SELECT project_id FROM projects WHERE code = $1", &[&code])
        .await?
        .ok_or_else(|| refuse(StatusCode::NOT_FOUND, "hub.no_project", format!("同步中心没有项目 {code}")))?;
    match row.get::<_, Option<Uuid>>(0) {
        Some(id) if id != project_id => {
            return Err(refuse(
                StatusCode::CONFLICT,
                "hub.other_project",
                format!(
                    "数据包的项目「{}」与同步中心的同编号项目 {code} 不是同一个项目；未保存任何内容",
                    header.project_name
                ),
            ))
        }
        Some(_) => {}
        None => {
            let taken = tx.query_opt("SELECT code FROM projects WHERE project_id = $1", &[&project_id]).await?;
            if let Some(other) = taken {
                let other: String = other.get(0);
                return Err(refuse(
                    StatusCode::CONFLICT,
                    "hub.other_project",
                    format!("该项目已以编号 {other} 登记在同步中心；未保存任何内容"),
                ));
            }
            tx.execute(
                "UPDATE projects SET project_id = $2, name = $3 WHERE code = $1",
                &[&code, &project_id, &header.project_name],
            )
            .await?;
        }
    }
    // A device keeps the key it was first pushed with: another key for it is a forgery.
    let offered: BTreeMap<Uuid, &String> = header
        .keys
        .iter()
        .filter(|(d, _)| ops.iter().any(|(op, _, _)| op.device_id == **d && op.sig.is_some()))
        .map(|(d, k)| (*d, k))
        .collect();
    for (device, key) in &offered {
        tx.execute(
            "INSERT INTO device_keys (project_id, device_id, public_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&project_id, device, key],
        )
        .await?;
        let bound: String = tx
            .query_one(
                "SELECT public_key FROM device_keys WHERE project_id = $1 AND device_id = $2",
                &[&project_id, device],
            )
            .await?
            .get(0);
        if &bound != *key {
            return Err(refuse(
                StatusCode::CONFLICT,
                "bundle.key_mismatch",
                format!("设备 {device} 的公钥与同步中心登记的不同（可能被冒用）；未保存任何内容"),
            ));
        }
    }
    let mut marks: BTreeMap<Uuid, i64> = BTreeMap::new();
    for r in tx.query("SELECT device_id, seq FROM marks WHERE project_id = $1", &[&project_id]).await? {
        marks.insert(r.get(0), r.get(1));
    }

    // Per device: what the hub holds must be this very operation; what is new must continue
    // the device's operations without a gap.
    let mut by_device: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (i, (op, _, _)) in ops.iter().enumerate() {
        by_device.entry(op.device_id).or_default().push(i);
    }
    let (mut known_dev, mut known_seq, mut fresh) = (Vec::new(), Vec::new(), Vec::new());
    for (device, idx) in by_device.iter_mut() {
        idx.sort_by_key(|&i| ops[i].0.seq);
        let mark = marks.get(device).copied().unwrap_or(0);
        let mut next = mark + 1;
        for &i in idx.iter() {
            let seq = ops[i].0.seq;
            if seq <= mark {
                known_dev.push(*device);
                known_seq.push(seq);
            } else if seq == next {
                fresh.push(i);
                next += 1;
            } else {
                return Err(refuse(
                    StatusCode::CONFLICT,
                    "hub.gap",
                    format!("设备 {device} 的操作从第 {seq} 号开始，同步中心只有到第 {} 号；请重新同步（先取同步中心的进度）；未保存任何内容", next - 1),
                ));
            }
        }
    }
    let mut clash: Option<(usize, Option<Vec<u8>>)> = None;
    if !known_dev.is_empty() {
        let rows = tx
            .query(
                "SELECT o.device_id, o.seq, o.sha256 FROM ops o
                 JOIN unnest($2::uuid[], $3::int8[]) AS k(d, s) ON o.device_id = k.d AND o.seq = k.s
                 WHERE o.project_id = $1",
                &[&project_id, &known_dev, &known_seq],
            )
            .await?;
        let stored: BTreeMap<(Uuid, i64), Vec<u8>> =
            rows.iter().map(|r| ((r.get(0), r.get(1)), r.get::<_, Vec<u8>>(2))).collect();
        clash = ops
            .iter()
            .enumerate()
            .find(|(_, (op, _, sha))| stored.get(&(op.device_id, op.seq)).is_some_and(|s| s != sha))
            .map(|(i, (op, _, _))| (i, stored.get(&(op.device_id, op.seq)).cloned()));
    }
    if clash.is_none() && !fresh.is_empty() {
        let ids: Vec<Uuid> = fresh.iter().map(|&i| ops[i].0.id).collect();
        let taken =
            tx.query("SELECT op_id FROM ops WHERE project_id = $1 AND op_id = ANY($2)", &[&project_id, &ids]).await?;
        if let Some(r) = taken.first() {
            let id: Uuid = r.get(0);
            clash = fresh.iter().find(|&&i| ops[i].0.id == id).map(|&i| (i, None));
        }
    }
    if let Some((i, stored_sha)) = clash {
        drop(tx);
        let (op, text, _) = &ops[i];
        c.execute(
            "INSERT INTO clashes (project_id, device_id, seq, stored_sha, offered, token_id) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&project_id, &op.device_id, &op.seq, &stored_sha, text, &t.id],
        )
        .await?;
        eprintln!("jingdi-hub: clash in {code}: device {} seq {} (token {})", op.device_id, op.seq, t.name);
        return Err(refuse(
            StatusCode::CONFLICT,
            "hub.clash",
            format!(
                "设备 {} 第 {} 号操作与同步中心已保存的不同（同一编号两份内容：设备故障或被篡改）；整包未保存，已记录待区征收办核查",
                op.device_id, op.seq
            ),
        ));
    }

    // Who wrote them: the laptops' own check, so the hub stores nothing a laptop would refuse
    // at import (admissions in this push count, as in a laptop's merge).
    if let Some(r) = admission_refusal(&tx, project_id, &ops, &fresh).await? {
        let e = jingdi::Error::rule(r.rule(), r.message.clone());
        eprintln!("jingdi-hub: refused in {code}: {} (token {})", e.code(), t.name);
        return Err(refuse(StatusCode::FORBIDDEN, &e.code(), format!("{}；同步中心未保存任何内容", r.message)));
    }

    let n = fresh.len();
    if n > 0 {
        let mut cols = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
        let mut entities = Vec::with_capacity(n);
        let (mut shas, mut bodies) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for &i in &fresh {
            let (op, text, sha) = &ops[i];
            cols.0.push(op.device_id);
            cols.1.push(op.seq);
            cols.2.push(op.id);
            cols.3.push(op.hlc);
            entities.push(op.entity.id());
            shas.push(sha.as_slice());
            bodies.push(text.as_str());
        }
        tx.execute(
            "INSERT INTO ops (project_id, device_id, seq, op_id, hlc, sha256, body, token_id, entity)
             SELECT $1, d, s, i, h, x, b, $8, e
             FROM unnest($2::uuid[], $3::int8[], $4::uuid[], $5::int8[], $6::bytea[], $7::text[], $9::text[])
                 AS t(d, s, i, h, x, b, e)
             ON CONFLICT DO NOTHING",
            &[&project_id, &cols.0, &cols.1, &cols.2, &cols.3, &shas, &bodies, &t.id, &entities],
        )
        .await?;
        let mut top: BTreeMap<Uuid, i64> = BTreeMap::new();
        for &i in &fresh {
            let e = top.entry(ops[i].0.device_id).or_default();
            *e = (*e).max(ops[i].0.seq);
        }
        let (d, s): (Vec<Uuid>, Vec<i64>) = top.iter().map(|(d, s)| (*d, *s)).unzip();
        tx.execute(
            "INSERT INTO marks (project_id, device_id, seq) SELECT $1, d, s FROM unnest($2::uuid[], $3::int8[]) AS t(d, s)
             ON CONFLICT (project_id, device_id) DO UPDATE SET seq = greatest(marks.seq, excluded.seq)",
            &[&project_id, &d, &s],
        )
        .await?;
        for (d, s) in top {
            marks.insert(d, s);
        }
    }
    tx.execute(
        "UPDATE tokens SET last_seen_at = now(), device_id = $2 WHERE token_id = $1",
        &[&t.id, &header.sender_device],
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PushReply { stored: n, known: ops.len() - n, marks }))
}

/// The project's stored `project` and `member` operations: what its admissions are folded from.
async fn admission_ops(c: &impl tokio_postgres::GenericClient, project_id: Uuid) -> Result<Vec<Op>, ApiError> {
    c.query("SELECT body FROM ops WHERE project_id = $1 AND entity IN ('project', 'member')", &[&project_id])
        .await?
        .iter()
        .map(|r| serde_json::from_str(r.get::<_, &str>(0)))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            eprintln!("jingdi-hub: a stored operation does not read: {e}");
            refuse(StatusCode::INTERNAL_SERVER_ERROR, "hub.internal", "同步中心保存的操作无法读取；未保存任何内容")
        })
}

/// The keys the hub bound for these devices of the project (on their first push).
async fn bound_keys(
    c: &impl tokio_postgres::GenericClient,
    project_id: Uuid,
    devices: &[Uuid],
) -> Result<BTreeMap<Uuid, String>, ApiError> {
    Ok(c.query(
        "SELECT device_id, public_key FROM device_keys WHERE project_id = $1 AND device_id = ANY($2)",
        &[&project_id, &devices],
    )
    .await?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect())
}

/// The core's check of who may write the push's new operations ([`Admissions::judge_new`],
/// the one a laptop's merge runs), over the project's admissions as the hub holds them plus
/// those in this push, and the keys bound for the devices (bound above, in this transaction).
/// Operations already held are not judged again: a laptop that holds them does not either.
async fn admission_refusal(
    tx: &deadpool_postgres::Transaction<'_>,
    project_id: Uuid,
    ops: &[(Op, String, Vec<u8>)],
    fresh: &[usize],
) -> Result<Option<Refusal>, ApiError> {
    if fresh.is_empty() {
        return Ok(None);
    }
    let stored = admission_ops(&**tx, project_id).await?;
    let new_ops = || fresh.iter().map(|&i| &ops[i].0);
    let admitting = |op: &&Op| op.entity == Entity::Project || op.entity == Entity::Member;
    let admissions = Admissions::fold(project_id, stored.iter().chain(new_ops().filter(admitting)));
    if admissions.owner_key().is_none() {
        return Ok(None);
    }
    let devices: Vec<Uuid> =
        new_ops().map(|op| op.device_id).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    let bound = bound_keys(&**tx, project_id, &devices).await?;
    Ok(admissions.judge_new(new_ops(), &bound))
}

// ---- pull

/// Where a pull page must end so that the laptop's merge accepts it: not before the admission
/// of a device whose operations in the page need one (the project closed by what the laptop
/// holds plus the page, the operations beyond the device's legacy mark, no admission of it
/// there) while the hub holds one further on. A page is a prefix in replay order, and such an
/// operation was written before its admission (by a laptop that took the project while it
/// was open): the hub accepted it once the admission was there, as a laptop's merge does, so
/// the admission goes in the same page. The core's fold decides (`Admissions`); `None`: the
/// page stays as it is.
async fn admission_end(
    c: &deadpool_postgres::Object,
    project_id: Uuid,
    have: &BTreeMap<Uuid, i64>,
    page: &[(Uuid, i64)],
    mut end: (i64, Uuid, Uuid),
) -> Result<Option<(i64, Uuid, Uuid)>, ApiError> {
    let stored = admission_ops(&***c, project_id).await?;
    if stored.is_empty() {
        return Ok(None);
    }
    let mut top: BTreeMap<Uuid, i64> = BTreeMap::new();
    for (d, s) in page {
        let t = top.entry(*d).or_default();
        *t = (*t).max(*s);
    }
    let devices: Vec<Uuid> = top.keys().copied().collect();
    let bound = bound_keys(&***c, project_id, &devices).await?;
    let key = |o: &Op| (o.hlc, o.device_id, o.id);
    let mut extended = None;
    loop {
        let held = |o: &&Op| o.seq <= have.get(&o.device_id).copied().unwrap_or(0) || key(o) <= end;
        let there = Admissions::fold(project_id, stored.iter().filter(held));
        let mut next: Option<(i64, Uuid, Uuid)> = None;
        for (d, s) in &top {
            let needs = match there.standing(*d, bound.get(d).map(String::as_str)) {
                jingdi::admission::Standing::Closed { legacy, member: None, .. } => legacy.is_none_or(|l| *s > l),
                _ => false,
            };
            let admission = stored
                .iter()
                .filter(|o| o.entity == Entity::Member && key(o) > end)
                .filter(|o| o.fields.0.get("device_id").and_then(|v| v.as_str()) == Some(d.to_string().as_str()))
                .map(key)
                .min();
            if let (true, Some(k)) = (needs, admission) {
                next = next.max(Some(k));
            }
        }
        match next {
            Some(k) => {
                end = k;
                extended = Some(k);
            }
            None => return Ok(extended),
        }
    }
}

/// The page starts at the first missing operation in replay order: among the devices the
/// laptop lacks operations of, the earliest of each one's next operation (primary-key
/// look-ups). From there the scan runs on the replay index, skipping what the laptop holds.
async fn pull(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Json<PullRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let t = auth(&app, &headers).await?;
    t.may(&code, false)?;
    let Json(req) =
        body.map_err(|e| refuse(StatusCode::BAD_REQUEST, "hub.bad_request", format!("请求无法读取：{e}")))?;
    let c = app.pool.get().await?;
    let p = project(&c, &code).await?;
    if t.kind == "device" {
        touch(&c, &t, None).await?;
    }
    let Some(project_id) = p.project_id else {
        return Ok(Json(PullReply { project: p, ops: Vec::new(), keys: BTreeMap::new(), more: false }).into_response());
    };
    let limit = req.limit.clamp(1, MAX_PAGE) as i64;
    let (hd, hs): (Vec<Uuid>, Vec<i64>) = req.have.iter().map(|(d, s)| (*d, *s)).unzip();
    let start = c
        .query_opt(
            "SELECT o.hlc, o.device_id, o.op_id FROM marks m
             LEFT JOIN unnest($2::uuid[], $3::int8[]) AS h(d, s) ON h.d = m.device_id
             JOIN ops o ON o.project_id = m.project_id AND o.device_id = m.device_id AND o.seq = coalesce(h.s, 0) + 1
             WHERE m.project_id = $1 AND m.seq > coalesce(h.s, 0)
             ORDER BY 1, 2, 3 LIMIT 1",
            &[&project_id, &hd, &hs],
        )
        .await?;
    let Some(start) = start else {
        return Ok(Json(PullReply { project: p, ops: Vec::new(), keys: BTreeMap::new(), more: false }).into_response());
    };
    let (h, d, i): (i64, Uuid, Uuid) = (start.get(0), start.get(1), start.get(2));
    const PAGE: &str = "SELECT o.body, o.device_id, o.seq, o.hlc, o.op_id FROM ops o
             LEFT JOIN unnest($2::uuid[], $3::int8[]) AS h(d, s) ON h.d = o.device_id
             WHERE o.project_id = $1 AND (o.hlc, o.device_id, o.op_id) >= ($4, $5, $6) AND o.seq > coalesce(h.s, 0)";
    let mut rows = c
        .query(
            &format!("{PAGE} ORDER BY o.hlc, o.device_id, o.op_id LIMIT $7"),
            &[&project_id, &hd, &hs, &h, &d, &i, &(limit + 1)],
        )
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    if more {
        let last = &rows[rows.len() - 1];
        let end = (last.get::<_, i64>(3), last.get::<_, Uuid>(1), last.get::<_, Uuid>(4));
        let page: Vec<(Uuid, i64)> = rows.iter().map(|r| (r.get(1), r.get(2))).collect();
        if let Some((eh, ed, ei)) = admission_end(&c, project_id, &req.have, &page, end).await? {
            // The laptop asks again after this page (`more` stays true); an empty page ends it.
            rows = c
                .query(
                    &format!(
                        "{PAGE} AND (o.hlc, o.device_id, o.op_id) <= ($7, $8, $9) ORDER BY o.hlc, o.device_id, o.op_id"
                    ),
                    &[&project_id, &hd, &hs, &h, &d, &i, &eh, &ed, &ei],
                )
                .await?;
        }
    }
    // The stored text goes out as it is: no parse and serialise per operation.
    let mut out = String::with_capacity(rows.len() * 512 + 512);
    out.push_str("{\"project\":");
    out.push_str(&serde_json::to_string(&p).expect("project serialises"));
    let devices: Vec<Uuid> = {
        let set: std::collections::BTreeSet<Uuid> = rows.iter().map(|r| r.get::<_, Uuid>(1)).collect();
        set.into_iter().collect()
    };
    let keys: BTreeMap<Uuid, String> = c
        .query(
            "SELECT device_id, public_key FROM device_keys WHERE project_id = $1 AND device_id = ANY($2)",
            &[&project_id, &devices],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    out.push_str(",\"keys\":");
    out.push_str(&serde_json::to_string(&keys).expect("keys serialise"));
    out.push_str(&format!(",\"more\":{more},\"ops\":["));
    for (k, r) in rows.iter().enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push_str(r.get::<_, &str>(0));
    }
    out.push_str("]}");
    Ok(([("content-type", "application/json")], out).into_response())
}

// ---- attachment files: by SHA-256, verified on arrival, apart from the operations

/// The project's id on the hub: files belong to a project whose operations arrived first.
async fn project_id(c: &deadpool_postgres::Object, code: &str) -> Result<Uuid, ApiError> {
    project(c, code).await?.project_id.ok_or_else(|| {
        refuse(
            StatusCode::NOT_FOUND,
            "hub.no_project",
            format!("同步中心还没有项目 {code} 的操作；先同步操作，再同步文件"),
        )
    })
}

fn hash_of(given: &str) -> Result<ContentHash, ApiError> {
    ContentHash::parse(given).map_err(|e| refuse(StatusCode::BAD_REQUEST, "hub.bad_request", e.to_string()))
}

/// `POST /v1/projects/{code}/files/held`: which of these files the hub holds.
async fn files_held(
    State(app): State<Arc<App>>,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Json<FilesHeld>, JsonRejection>,
) -> Answer<FilesHeld> {
    let t = auth(&app, &headers).await?;
    t.may(&code, false)?;
    let Json(req) =
        body.map_err(|e| refuse(StatusCode::BAD_REQUEST, "hub.bad_request", format!("请求无法读取：{e}")))?;
    if req.sha256.len() > MAX_FILES_ASKED {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "hub.bad_request",
            format!("一次最多询问 {MAX_FILES_ASKED} 个文件"),
        ));
    }
    let asked: Vec<String> =
        req.sha256.iter().map(|h| hash_of(h.as_str()).map(|h| h.to_string())).collect::<Result<_, _>>()?;
    let c = app.pool.get().await?;
    let id = project_id(&c, &code).await?;
    let rows = c.query("SELECT sha256 FROM files WHERE project_id = $1 AND sha256 = ANY($2)", &[&id, &asked]).await?;
    let sha256 = rows.iter().map(|r| hash_of(r.get::<_, &str>(0))).collect::<Result<_, _>>()?;
    Ok(Json(FilesHeld { sha256 }))
}

/// `PUT /v1/projects/{code}/files/{sha256}`: stored once, only if the bytes hash to the name.
async fn file_put(
    State(app): State<Arc<App>>,
    Path((code, sha256)): Path<(String, String)>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Answer<serde_json::Value> {
    let t = auth(&app, &headers).await?;
    t.may(&code, true)?;
    let name = hash_of(&sha256)?;
    let bytes = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "hub.too_large",
            format!("文件超过附件上限 {} MB；同步中心未保存", MAX_FILE_BYTES >> 20),
        ),
        _ => upload_refused(e),
    })?;
    let got = ContentHash::of(&bytes);
    if got != name {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "hub.hash_mismatch",
            format!("文件内容与其名称 {} 不符（传输中损坏？）；同步中心未保存", name.short()),
        ));
    }
    let c = app.pool.get().await?;
    let id = project_id(&c, &code).await?;
    let stored = c
        .execute(
            "INSERT INTO files (project_id, sha256, bytes, size, token_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT DO NOTHING",
            &[&id, &name.as_str(), &bytes.as_ref(), &(bytes.len() as i64), &t.id],
        )
        .await?;
    touch(&c, &t, None).await?;
    Ok(Json(serde_json::json!({ "sha256": name, "stored": stored == 1 })))
}

/// `GET /v1/projects/{code}/files/{sha256}`: the bytes, as stored.
async fn file_get(
    State(app): State<Arc<App>>,
    Path((code, sha256)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let t = auth(&app, &headers).await?;
    t.may(&code, false)?;
    let name = hash_of(&sha256)?;
    let c = app.pool.get().await?;
    let id = project_id(&c, &code).await?;
    let row = c
        .query_opt("SELECT bytes FROM files WHERE project_id = $1 AND sha256 = $2", &[&id, &name.as_str()])
        .await?
        .ok_or_else(|| {
            refuse(StatusCode::NOT_FOUND, "hub.no_such_file", format!("同步中心没有文件 {}", name.short()))
        })?;
    let bytes: Vec<u8> = row.get(0);
    Ok(([("content-type", "application/octet-stream")], bytes).into_response())
}
