//! Laptops admitted to a project, and what each role may write.
//!
//! A project is *open* until its 指挥部 laptop admits the first laptop: that write closes it.
//! Closing generates the project key (Ed25519; the secret half stays in this installation's
//! registry, [`crate::identity::Installation::project_key`]), records its public half and the
//! operations held so far (`legacy_marks`, the history from before admissions, accepted from
//! whoever wrote it) on the project, and admits the closing laptop as 指挥部. From then on
//! every operation of the project must come from an admitted device: a `member` record
//! signed by the project key, naming the device, its public key (the one its operations are
//! signed with, `oplog::signing`), a name, a role, valid from/until, and, once revoked, the
//! last operation of the device accepted. [`judge`] is the one check, run by `Tx::record` on
//! every local write and by the merge on every new operation of a bundle (after applying
//! them, so admissions travelling in the same bundle count; a refusal rolls everything back).
//!
//! The demo's project key is public (derived from a constant, as the demo's device keys
//! are): the demos are identical on every laptop and the demo's scripted devices are
//! admitted out of the box. As anyone can sign with it, an admission under it proves
//! nothing: every device without one is the demo's 指挥部 (one admitted explicitly, e.g. as
//! 财务 to try the roles out, has that role). A laptop holding a real project's key admits
//! its own new device ids as 指挥部 on their first write (a file restored or copied on the
//! 指挥部 laptop writes as a new device).
//!
//! Projects from before this version, and projects nobody has admitted a laptop to, stay
//! open: every device writes with every role, as before.

use crate::error::{Error, Result};
use crate::oplog::{signing, Action, Entity, Fields, Op, Tx};
use crate::vocab::Role;
use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Who may write what, in one place: `(entity, field, roles)`. `field` is `*` (the whole
/// record), a field name, or `field=value` (a field set to that value). For each field an
/// operation sets, the most specific row decides; an entity without a row, and every row,
/// allows 指挥部 too. A field left empty when a record is created is not a write of it.
/// Admissions (`member`) are allowed by the project key's signature, not by a role.
pub const GRANTS: &[(&str, &str, &[Role])] = &[
    ("household", "*", &[Role::Field]),
    ("stage_event", "*", &[Role::Field]),
    ("visit", "*", &[Role::Field]),
    ("obstacle", "*", &[Role::Field]),
    ("pole", "*", &[Role::Field]),
    ("demolition_log", "*", &[Role::Field]),
    ("checklist_item", "*", &[Role::Field]),
    ("inventory_item", "*", &[Role::Field]),
    ("attachment", "*", &[Role::Field, Role::Finance]),
    // Field teams calculate (测算); confirming and paying is 财务's.
    ("compensation_item", "*", &[Role::Field, Role::Finance]),
    ("compensation_item", "status=confirmed", &[Role::Finance]),
    ("compensation_item", "status=paid", &[Role::Finance]),
    ("compensation_item", "confirmed_on", &[Role::Finance]),
    ("compensation_item", "paid_on", &[Role::Finance]),
    ("compensation_item", "voucher_no", &[Role::Finance]),
    ("meeting", "*", &[Role::Supervisor]),
    // Whoever may read may write a file of it; the record of that export is not a privilege.
    ("data_export", "*", &[Role::Field, Role::Finance, Role::Supervisor]),
    // project, staff, work_group, compensation_standard, map_feature: 指挥部 only.
];

/// The roles (besides 指挥部) of `entity`'s row `key` in [`GRANTS`], if it has one.
fn grant(entity: &str, key: &str) -> Option<&'static [Role]> {
    GRANTS.iter().find(|(e, f, _)| *e == entity && *f == key).map(|g| g.2)
}

/// Whether `role` may write `op`; else the field (or `*`) that it may not.
pub fn allows(role: Role, op: &Op) -> std::result::Result<(), String> {
    if role == Role::Command {
        return Ok(());
    }
    let entity = op.entity.id();
    let grant = |key: &str| grant(entity, key);
    let whole = grant("*");
    for (field, value) in &op.fields.0 {
        if op.action != Action::Update && value.is_null() {
            continue;
        }
        let exact = value.as_str().and_then(|v| grant(&format!("{field}={v}")));
        let roles = exact.or_else(|| grant(field)).or(whole).unwrap_or(&[]);
        if !roles.contains(&role) {
            return Err(match value.as_str() {
                Some(v) if exact.is_some() => format!("{field}={v}"),
                _ => field.clone(),
            });
        }
    }
    if op.fields.0.is_empty() && !whole.unwrap_or(&[]).contains(&role) {
        return Err("*".into());
    }
    Ok(())
}

/// The prefix of a signed admission: a signature made for anything else never verifies.
const DOMAIN: &[u8] = b"JINGDI-ADMIT 1\n";

/// The fields an admission's signature covers, in this order; every operation on a
/// `member` record carries all of them and `signature`.
pub const SIGNED: [&str; 9] = [
    "project_id",
    "device_id",
    "public_key",
    "name",
    "role",
    "valid_from",
    "valid_until",
    "revoked_after_seq",
    "revoke_reason",
];

fn canonical(fields: &Fields) -> Vec<u8> {
    let values: Vec<&Value> = SIGNED.iter().map(|f| fields.0.get(*f).unwrap_or(&Value::Null)).collect();
    let mut out = DOMAIN.to_vec();
    serde_json::to_writer(&mut out, &values).expect("values serialise");
    out
}

/// Whether a `member` operation carries a whole admission signed by `owner_key`.
fn signed_by(owner_key: &str, op: &Op) -> bool {
    SIGNED.iter().all(|f| op.fields.0.contains_key(*f))
        && op.fields.0.get("project_id").and_then(Value::as_str) == op.project_id.map(|p| p.to_string()).as_deref()
        && op
            .fields
            .0
            .get("signature")
            .and_then(Value::as_str)
            .is_some_and(|sig| signing::verifies_bytes(owner_key, &canonical(&op.fields), sig))
}

/// The demo's project key: public by construction, like the demo's device keys.
pub fn demo_key() -> SigningKey {
    SigningKey::from_bytes(&sha2::Sha256::digest(b"jingdi demo project key").into())
}

/// A laptop admitted to a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Member {
    pub id: Uuid,
    pub device_id: Uuid,
    pub public_key: String,
    pub name: String,
    pub role: Role,
    pub role_zh: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    /// Revoked: operations of the device after this number are refused.
    pub revoked_after_seq: Option<i64>,
    pub revoke_reason: Option<String>,
}

const MEMBER_COLS: &str =
    "id, device_id, public_key, name, role, valid_from, valid_until, revoked_after_seq, revoke_reason";

fn member_from_row(r: &rusqlite::Row) -> rusqlite::Result<Member> {
    let role: String = r.get(4)?;
    let role = Role::parse(&role).unwrap_or(Role::Supervisor);
    Ok(Member {
        id: crate::read::uuid(r, 0)?,
        device_id: crate::read::uuid(r, 1)?,
        public_key: r.get(2)?,
        name: r.get(3)?,
        role,
        role_zh: role.zh().to_string(),
        valid_from: r.get(5)?,
        valid_until: r.get(6)?,
        revoked_after_seq: r.get(7)?,
        revoke_reason: r.get(8)?,
    })
}

/// The project's admitted laptops, by name.
pub fn members(conn: &Connection, project: Uuid) -> Result<Vec<Member>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {MEMBER_COLS} FROM members WHERE project_id = ?1 ORDER BY name, device_id"))?;
    let rows = stmt.query_map([project.to_string()], member_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn member(conn: &Connection, project: Uuid, device: Uuid) -> Result<Option<Member>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {MEMBER_COLS} FROM members WHERE project_id = ?1 AND device_id = ?2"))?
        .query_row(params![project.to_string(), device.to_string()], member_from_row)
        .optional()?)
}

/// The project key's public half, if the project is closed.
pub fn owner_key(conn: &Connection, project: Uuid) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT owner_key FROM projects WHERE id = ?1")?
        .query_row([project.to_string()], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// What a project says about one device.
#[derive(Debug, Clone, PartialEq)]
pub enum Standing {
    /// No admissions (yet, or from before this version): everything is allowed.
    Open,
    Closed {
        owner_key: String,
        /// The device's operations up to this number are the project's history from
        /// before it was closed.
        legacy: Option<i64>,
        /// Its admission, if it has one for the key it signs with.
        member: Option<Member>,
    },
}

pub fn standing(conn: &Connection, project: Uuid, device: Uuid) -> Result<Standing> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT owner_key, legacy_marks FROM projects WHERE id = ?1")?
        .query_row([project.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((Some(owner_key), marks)) = row else { return Ok(Standing::Open) };
    let legacy =
        marks.and_then(|m| serde_json::from_str::<BTreeMap<Uuid, i64>>(&m).ok()).and_then(|m| m.get(&device).copied());
    let bound = signing::device_key(conn, device)?;
    Ok(closed_standing(owner_key, legacy, device, member(conn, project, device)?, bound))
}

/// The standing of `device` in a closed project, from its admission (if any) and the key
/// bound for the device where it is judged: one rule for the laptops' tables and the hub's
/// [`Admissions`].
fn closed_standing(
    owner_key: String,
    legacy: Option<i64>,
    device: Uuid,
    member: Option<Member>,
    bound: Option<String>,
) -> Standing {
    let mut member = member.filter(|m| bound.as_deref() == Some(m.public_key.as_str()));
    // Under the demo's public key an admission proves nothing (anyone can sign one): every
    // device without one is its 指挥部, and the demo's log stays as it was.
    if member.is_none() && owner_key == signing::public_hex(&demo_key()) {
        member = Some(Member {
            id: Uuid::nil(),
            device_id: device,
            public_key: bound.unwrap_or_default(),
            name: "演示项目的任一设备".into(),
            role: Role::Command,
            role_zh: Role::Command.zh().into(),
            valid_from: NaiveDate::MIN,
            valid_until: None,
            revoked_after_seq: None,
            revoke_reason: None,
        });
    }
    Standing::Closed { owner_key, legacy, member }
}

/// Why [`judge`] refuses an operation: `not_admitted`, `revoked`, `forbidden`,
/// `bad_admission`, `project_key`, and the message naming the device.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub problem: &'static str,
    pub message: String,
}

impl Refusal {
    /// The rule refused, as `Error::rule` takes it (`role.not_admitted`, ...): the code a
    /// local write and the hub's push refuse with.
    pub fn rule(&self) -> &'static str {
        match self.problem {
            "not_admitted" => "role.not_admitted",
            "revoked" => "role.revoked",
            "bad_admission" => "role.bad_admission",
            "project_key" => "role.project_key",
            _ => "role.forbidden",
        }
    }
}

/// A device id as shown: its last 8 characters (ids made the same day share their start).
pub fn short(device: Uuid) -> String {
    let s = device.simple().to_string();
    s[s.len() - 8..].to_string()
}

/// A role as typed: its id, its name, or 组长 / 工作人员 alone.
pub fn parse_role(s: &str) -> Result<Role> {
    match crate::normal::typed(s).as_str() {
        "组长" | "工作人员" => Ok(Role::Field),
        _ => Role::parse(s),
    }
}

/// The one check of who may write an operation of a project, given the device's standing
/// (which carries the project key, if the project is closed). Pure: the laptops judge with
/// their tables' standing, the hub with its [`Admissions`].
pub fn judge(op: &Op, standing: &Standing) -> Option<Refusal> {
    op.project_id?;
    let refuse = |problem, message: String| Some(Refusal { problem, message });
    let owner_key = match standing {
        Standing::Closed { owner_key, .. } => Some(owner_key.as_str()),
        Standing::Open => None,
    };
    let who = |m: Option<&Member>| match m {
        Some(m) if !m.name.is_empty() => format!("设备「{}」（{}）", m.name, short(op.device_id)),
        _ => format!("设备 {}", short(op.device_id)),
    };
    if op.entity == Entity::Member {
        return match owner_key {
            Some(k) if signed_by(k, op) => None,
            Some(_) => refuse(
                "bad_admission",
                format!("{} 写入的准入记录没有有效的项目密钥签名：只有指挥部电脑能准入或撤销设备", who(None)),
            ),
            None => refuse("bad_admission", format!("{} 写入了准入记录，而该项目尚未启用设备准入", who(None))),
        };
    }
    if op.entity == Entity::Project
        && (op.fields.0.contains_key("owner_key") || op.fields.0.contains_key("legacy_marks"))
    {
        let both = op.fields.0.get("owner_key").is_some_and(Value::is_string)
            && op.fields.0.get("legacy_marks").is_some_and(Value::is_object);
        if !both || (op.action == Action::Update && owner_key.is_some()) {
            return refuse(
                "project_key",
                format!("{} 试图更改项目密钥：项目密钥只在启用设备准入时设定一次", who(None)),
            );
        }
    }
    let (legacy, member) = match standing {
        Standing::Open => return None,
        Standing::Closed { legacy, member, .. } => (legacy, member),
    };
    if legacy.is_some_and(|s| op.seq <= s) {
        return None;
    }
    let Some(m) = member else {
        return refuse(
            "not_admitted",
            format!(
                "{} 未被准入该项目：请在该电脑上运行 jingdi project join-request，由指挥部电脑准入后再写入",
                who(None)
            ),
        );
    };
    if let Some(n) = m.revoked_after_seq.filter(|n| op.seq > *n) {
        return refuse(
            "revoked",
            format!(
                "{} 已被撤销准入（原因：{}），其第 {n} 号之后的操作一律不再接受",
                who(Some(m)),
                m.revoke_reason.as_deref().unwrap_or("")
            ),
        );
    }
    let on = op_date(op);
    if on.is_some_and(|d| d < m.valid_from || m.valid_until.is_some_and(|u| d > u)) {
        let until = m.valid_until.map_or("长期".to_string(), |u| u.to_string());
        return refuse(
            "not_admitted",
            format!("{} 的准入有效期为 {} 至 {until}，该操作不在有效期内", who(Some(m)), m.valid_from),
        );
    }
    if let Err(field) = allows(m.role, op) {
        return refuse(
            "forbidden",
            format!(
                "{} 的角色是{}，不能写入{}（{}.{field}）：这属于{}的职责",
                who(Some(m)),
                m.role.zh(),
                op.entity.spec().zh,
                op.entity.id(),
                allowed_roles(op.entity.id(), &field)
            ),
        );
    }
    None
}

/// Who may write it, by the row that decides (as in [`allows`]: the field's own row, else `*`).
fn allowed_roles(entity: &str, field: &str) -> String {
    let mut roles = vec![Role::Command.zh()];
    roles.extend(grant(entity, field).or_else(|| grant(entity, "*")).unwrap_or(&[]).iter().map(|r| r.zh()));
    roles.sort();
    roles.dedup();
    roles.join("、")
}

/// The operation's date in China Standard Time (validity dates are the office's dates).
fn op_date(op: &Op) -> Option<NaiveDate> {
    let t = chrono::DateTime::parse_from_rfc3339(&op.recorded_at).ok()?;
    Some((t.with_timezone(&chrono::Utc) + chrono::Duration::hours(8)).date_naive())
}

/// The local check (`Tx::record`), as a rule refusal.
pub(crate) fn check_local(conn: &Connection, op: &Op) -> Result<()> {
    let Some(project) = op.project_id else { return Ok(()) };
    let standing = standing(conn, project, op.device_id)?;
    match judge(op, &standing) {
        None => Ok(()),
        Some(r) => Err(Error::rule(r.rule(), r.message)),
    }
}

/// The check of a bundle's new operations, once they are applied (so admissions and keys
/// travelling with them count): the project key set at most once (`owner_keys`, the distinct
/// keys its operations set), then [`judge`] on every new operation of a closed project.
/// `standing_of(device)` is the device's standing after applying. The laptops' merge
/// ([`check_merged`]) and the hub's push ([`Admissions::judge_new`]) both run this.
pub fn judge_new<'a, E>(
    new_ops: impl IntoIterator<Item = &'a Op>,
    owner_keys: usize,
    mut standing_of: impl FnMut(Uuid) -> std::result::Result<Standing, E>,
) -> std::result::Result<Option<Refusal>, E> {
    if owner_keys > 1 {
        return Ok(Some(Refusal {
            problem: "project_key",
            message: "两台电脑分别为该项目设定了项目密钥：项目密钥只能设定一次".into(),
        }));
    }
    if owner_keys == 0 {
        return Ok(None);
    }
    let mut standings: BTreeMap<Uuid, Standing> = BTreeMap::new();
    for op in new_ops {
        let s = match standings.get(&op.device_id) {
            Some(s) => s,
            None => {
                let s = standing_of(op.device_id)?;
                standings.entry(op.device_id).or_insert(s)
            }
        };
        let op_checked = if op.entity == Entity::Project { strip_key(op) } else { None };
        if let Some(r) = judge(op_checked.as_ref().unwrap_or(op), s) {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// The merge's check, after the bundle's operations were applied in its transaction (so
/// admissions in the bundle count): [`judge_new`] over this laptop's tables. The error rolls
/// the merge back.
pub(crate) fn check_merged(conn: &Connection, project: Uuid, new_ops: &[Op], path: &std::path::Path) -> Result<()> {
    let keys: i64 = conn.query_row(
        "SELECT count(DISTINCT json_extract(fields, '$.owner_key')) FROM oplog
         WHERE entity_id = ?1 AND entity = 'project' AND json_extract(fields, '$.owner_key') IS NOT NULL",
        [project.to_string()],
        |r| r.get(0),
    )?;
    let refusal = judge_new(new_ops, keys as usize, |device| standing(conn, project, device))?;
    let Some(Refusal { problem, message }) = refusal else { return Ok(()) };
    Err(match problem {
        "forbidden" => Error::rule("role.forbidden", format!("数据包 {}：{message}", path.display())),
        "project_key" => Error::rule("role.project_key", format!("数据包 {}：{message}", path.display())),
        _ => Error::Bundle { problem, path: path.display().to_string(), message },
    })
}

/// The merge has checked the key is set once; the rest of the operation is judged.
fn strip_key(op: &Op) -> Option<Op> {
    if !op.fields.0.contains_key("owner_key") && !op.fields.0.contains_key("legacy_marks") {
        return None;
    }
    let mut o = op.clone();
    o.fields.0.remove("owner_key");
    o.fields.0.remove("legacy_marks");
    Some(o)
}

/// A project's admissions as its operations state them, without a database: the project key
/// (every distinct one set, more than one being refused), the history from before closing,
/// and the admissions signed by the key, the last of each device's in replay order. It is
/// what a laptop's `projects` and `members` tables hold after applying the same operations
/// (a laptop never applies an admission the key did not sign: its merge refuses it). The
/// hub keeps no tables of a project, only its operations: it folds these, then judges a
/// push with the same [`judge_new`] as a laptop's merge.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Admissions {
    owner_keys: Vec<String>,
    owner_key: Option<String>,
    legacy: BTreeMap<Uuid, i64>,
    members: BTreeMap<Uuid, Member>,
}

impl Admissions {
    /// Folds the operations of `project` (any order, others ignored; only `project` and
    /// `member` operations matter).
    pub fn fold<'a>(project: Uuid, ops: impl IntoIterator<Item = &'a Op>) -> Admissions {
        let mut ops: Vec<&Op> = ops
            .into_iter()
            .filter(|o| {
                o.project_id == Some(project)
                    && (o.entity == Entity::Member || (o.entity == Entity::Project && o.entity_id == project))
            })
            .collect();
        ops.sort_by_key(|o| (o.hlc, o.device_id, o.id));
        let mut a = Admissions::default();
        for op in ops.iter().filter(|o| o.entity == Entity::Project) {
            if let Some(k) = op.fields.0.get("owner_key").and_then(Value::as_str) {
                if !a.owner_keys.iter().any(|x| x == k) {
                    a.owner_keys.push(k.to_string());
                }
                a.owner_key = Some(k.to_string());
            }
            if let Some(m) = op.fields.0.get("legacy_marks") {
                a.legacy = serde_json::from_value(m.clone()).unwrap_or_default();
            }
        }
        let Some(key) = a.owner_key.clone() else { return a };
        for op in ops.iter().filter(|o| o.entity == Entity::Member && signed_by(&key, o)) {
            if let Some(m) = member_from_fields(op.entity_id, &op.fields) {
                a.members.insert(m.device_id, m);
            }
        }
        a
    }

    /// The project key, if the project is closed.
    pub fn owner_key(&self) -> Option<&str> {
        self.owner_key.as_deref()
    }

    /// What the project says about `device`, whose operations are judged under `bound` (the
    /// public key bound for it where it is judged).
    pub fn standing(&self, device: Uuid, bound: Option<&str>) -> Standing {
        let Some(owner_key) = self.owner_key.clone() else { return Standing::Open };
        let member = self.members.get(&device).cloned();
        closed_standing(owner_key, self.legacy.get(&device).copied(), device, member, bound.map(str::to_string))
    }

    /// [`judge_new`] with these admissions (folded with the new operations) and the keys
    /// bound for the devices.
    pub fn judge_new<'a>(
        &self,
        new_ops: impl IntoIterator<Item = &'a Op>,
        bound: &BTreeMap<Uuid, String>,
    ) -> Option<Refusal> {
        let standing = |d: Uuid| Ok::<_, std::convert::Infallible>(self.standing(d, bound.get(&d).map(String::as_str)));
        match judge_new(new_ops, self.owner_keys.len(), standing) {
            Ok(r) => r,
            Err(never) => match never {},
        }
    }
}

/// An admission as its (signed) operation carries it; `None` if a field does not read.
fn member_from_fields(id: Uuid, f: &Fields) -> Option<Member> {
    let text = |k: &str| f.0.get(k).and_then(Value::as_str);
    let date = |k: &str| text(k).and_then(|d| d.parse::<NaiveDate>().ok());
    let role = Role::parse(text("role")?).unwrap_or(Role::Supervisor);
    Some(Member {
        id,
        device_id: text("device_id")?.parse().ok()?,
        public_key: text("public_key")?.to_string(),
        name: text("name")?.to_string(),
        role,
        role_zh: role.zh().to_string(),
        valid_from: date("valid_from")?,
        valid_until: date("valid_until"),
        revoked_after_seq: f.0.get("revoked_after_seq").and_then(Value::as_i64),
        revoke_reason: text("revoke_reason").map(str::to_string),
    })
}

/// A laptop asking to be admitted: what `jingdi project join-request` writes or prints.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JoinRequest {
    pub device_id: Uuid,
    pub public_key: String,
    pub name: String,
    /// The same as a code to type: `JD1-<device>-<public key>-<check>`.
    pub code: String,
}

fn check_digits(device: Uuid, key: &str) -> String {
    signing::hex(&sha2::Sha256::digest(format!("{}{key}", device.simple()))[..2])
}

impl JoinRequest {
    pub fn new(device_id: Uuid, public_key: String, name: String) -> JoinRequest {
        let code = format!("JD1-{}-{public_key}-{}", device_id.simple(), check_digits(device_id, &public_key));
        JoinRequest { device_id, public_key, name, code }
    }

    /// Reads a request: its file's JSON, or the code as typed (spaces and case ignored).
    pub fn parse(text: &str) -> Result<JoinRequest> {
        let bad = |m: &str| Error::invalid("request", format!("不是有效的入组申请：{m}"));
        let text = text.trim();
        if text.starts_with('{') {
            let r: JoinRequest = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
            let again = JoinRequest::parse(&r.code)?;
            if again.device_id != r.device_id || again.public_key != r.public_key {
                return Err(bad("文件中的设备号或公钥与申请码不一致"));
            }
            return Ok(JoinRequest { name: r.name.trim().to_string(), ..again });
        }
        let code: String = crate::normal::typed(text).chars().filter(|c| !c.is_whitespace()).collect();
        let code = code.to_ascii_lowercase();
        let parts: Vec<&str> = code.split('-').collect();
        let [tag, device, key, check] = parts[..] else {
            return Err(bad("申请码应为 JD1-设备号-公钥-校验码"));
        };
        if tag != "jd1" {
            return Err(bad("申请码应以 JD1- 开头"));
        }
        let device = Uuid::try_parse(device).map_err(|_| bad("设备号有误"))?;
        if signing::public_from_hex(key).is_none() {
            return Err(bad("公钥有误"));
        }
        if check != check_digits(device, key) {
            return Err(bad("校验码不符，申请码可能抄错了"));
        }
        Ok(JoinRequest::new(device, key.to_string(), String::new()))
    }
}

/// What the admitting laptop says about an admission.
pub struct Admit<'a> {
    pub request: &'a JoinRequest,
    pub role: Role,
    /// The name shown for the laptop; the request's, else its short device id.
    pub name: Option<&'a str>,
    pub valid_until: Option<NaiveDate>,
}

/// The project key this write may sign admissions with, closing the project first if it is
/// open (generating the key, kept by this installation, and admitting this laptop as 指挥部).
fn owner_secret(tx: &mut Tx, project: Uuid) -> Result<SigningKey> {
    match owner_key(tx.conn(), project)? {
        Some(k) => tx.project_secret(&k)?.ok_or_else(|| {
            Error::rule(
                "role.not_owner",
                "本机不持有该项目的项目密钥：只有指挥部电脑（启用设备准入的那台）能准入或撤销设备",
            )
        }),
        None => {
            let key = signing::generate();
            tx.keep_project_key(&key)?;
            close(tx, project, &key, "指挥部")?;
            Ok(key)
        }
    }
}

/// Closes an open project with `key`: records its public half and the history held so far,
/// and admits the writing device as 指挥部 (the demo, with its public key; the first admit).
pub fn close(tx: &mut Tx, project: Uuid, key: &SigningKey, name: &str) -> Result<()> {
    if owner_key(tx.conn(), project)?.is_some() {
        return Err(Error::rule("role.project_key", "该项目已启用设备准入，项目密钥只设定一次"));
    }
    let mut marks = crate::oplog::watermarks::of_project(tx.conn(), project)?;
    let (me, mine) = (tx.device(), tx.last_seq());
    marks.insert(me, mine);
    tx.update(
        Entity::Project,
        project,
        Some(project),
        Fields::new()
            .set("owner_key", signing::public_hex(key))
            .set("legacy_marks", serde_json::to_value(&marks).expect("marks serialise")),
    )?;
    let request = JoinRequest::new(me, tx.device_public_key(), name.to_string());
    let today = tx.today();
    write_member(tx, project, key, &request, Role::Command, name, today, None, None)
}

#[allow(clippy::too_many_arguments)]
fn write_member(
    tx: &mut Tx,
    project: Uuid,
    key: &SigningKey,
    request: &JoinRequest,
    role: Role,
    name: &str,
    valid_from: NaiveDate,
    valid_until: Option<NaiveDate>,
    revoked: Option<(i64, &str)>,
) -> Result<()> {
    if name.chars().count() > crate::schema::LINE_MAX || name.trim().is_empty() {
        return Err(Error::invalid("name", "设备名称不能为空，且不超过 200 字"));
    }
    let fields = Fields::new()
        .set("project_id", project.to_string())
        .set("device_id", request.device_id.to_string())
        .set("public_key", request.public_key.clone())
        .set("name", name.trim())
        .set("role", role.id())
        .set("valid_from", valid_from.to_string())
        .set("valid_until", valid_until.map(|d| d.to_string()))
        .set("revoked_after_seq", revoked.map(|r| r.0))
        .set("revoke_reason", revoked.map(|r| r.1.trim().to_string()));
    let signature = signing::sign_bytes(key, &canonical(&fields));
    let fields = fields.set("signature", signature);
    match member(tx.conn(), project, request.device_id)? {
        Some(m) => tx.update(Entity::Member, m.id, Some(project), fields),
        None => {
            let id = tx.new_id();
            tx.create(Entity::Member, id, Some(project), fields)
        }
    }
}

/// `jingdi project admit`: admits (or admits again, with another role or validity) the
/// requesting laptop, signed with the project key this laptop holds.
pub fn admit(tx: &mut Tx, project: Uuid, a: &Admit) -> Result<Member> {
    let today = tx.today();
    if a.valid_until.is_some_and(|u| u < today) {
        return Err(Error::invalid("until", "有效期不能早于今天"));
    }
    if let Some(m) = member(tx.conn(), project, a.request.device_id)? {
        if m.public_key != a.request.public_key {
            return Err(Error::rule(
                "role.key_changed",
                format!("设备 {} 已以另一个公钥准入；同一设备号只能有一个公钥", short(a.request.device_id)),
            ));
        }
    }
    let key = owner_secret(tx, project)?;
    let fallback = format!("设备 {}", short(a.request.device_id));
    let name = a.name.filter(|n| !n.trim().is_empty()).unwrap_or(if a.request.name.trim().is_empty() {
        &fallback
    } else {
        &a.request.name
    });
    write_member(tx, project, &key, a.request, a.role, name, today, a.valid_until, None)?;
    member(tx.conn(), project, a.request.device_id)?.ok_or_else(|| Error::Corrupt("准入记录未写入".into()))
}

/// `jingdi project revoke`: from now on, operations of `device` after the last one this
/// laptop holds are refused everywhere the revocation arrives.
pub fn revoke(tx: &mut Tx, project: Uuid, device: Uuid, reason: &str) -> Result<Member> {
    if reason.trim().is_empty() {
        return Err(Error::rule("role.revoke_needs_reason", "撤销设备准入必须说明原因"));
    }
    let m = member(tx.conn(), project, device)?.ok_or_else(|| Error::not_found("准入设备", device.to_string()))?;
    if m.revoked_after_seq.is_some() {
        return Err(Error::rule("role.already_revoked", format!("设备「{}」已被撤销准入", m.name)));
    }
    let key = owner_secret(tx, project)?;
    let held: i64 = tx.conn().query_row(
        "SELECT coalesce(max(seq), 0) FROM oplog WHERE device_id = ?1",
        [device.to_string()],
        |r| r.get(0),
    )?;
    let request = JoinRequest::new(device, m.public_key.clone(), m.name.clone());
    write_member(tx, project, &key, &request, m.role, &m.name, m.valid_from, m.valid_until, Some((held, reason)))?;
    member(tx.conn(), project, device)?.ok_or_else(|| Error::Corrupt("准入记录未写入".into()))
}

/// Finds an admitted device by its id or the start of it (8 characters are enough).
pub fn find_member(conn: &Connection, project: Uuid, device: &str) -> Result<Member> {
    let d = device.trim().to_ascii_lowercase();
    let found: Vec<Member> = members(conn, project)?
        .into_iter()
        .filter(|m| {
            let (full, simple) = (m.device_id.to_string(), m.device_id.simple().to_string());
            d.len() >= 4
                && (full.starts_with(&d) || full.ends_with(&d) || simple.ends_with(&d) || simple.starts_with(&d))
                || m.name == device.trim()
        })
        .collect();
    match found.len() {
        1 => Ok(found.into_iter().next().expect("one")),
        0 => Err(Error::not_found("准入设备", device.to_string())),
        _ => Err(Error::invalid("device", format!("「{device}」对应多台设备，请写出完整的设备号"))),
    }
}

/// The members page: the project's state and its laptops.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MembersView {
    pub project_code: String,
    /// Admissions are in effect (the project has a project key).
    pub closed: bool,
    /// This laptop holds the project key (it may admit and revoke).
    pub owner_here: bool,
    pub this_device: Uuid,
    /// This device's role; none while the project is open or the device not admitted.
    pub my_role: Option<Role>,
    pub members: Vec<Member>,
}

pub fn view(db: &crate::Db, project: &crate::project::Project) -> Result<MembersView> {
    let conn = db.conn();
    let key = owner_key(conn, project.id)?;
    let me = db.device_id();
    let owner_here = match &key {
        Some(k) => project_secret(db.installation(), k)?.is_some(),
        None => false,
    };
    let my_role = match standing(conn, project.id, me)? {
        Standing::Closed { member: Some(m), .. } if m.revoked_after_seq.is_none() => Some(m.role),
        _ => None,
    };
    Ok(MembersView {
        project_code: project.code.clone(),
        closed: key.is_some(),
        owner_here,
        this_device: me,
        my_role,
        members: members(conn, project.id)?,
    })
}

/// This laptop's standing in a project, as [`capabilities`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Admitted {
    /// No admissions: every laptop writes everything.
    Open,
    /// Admitted with a role, within its validity.
    Admitted,
    /// Closed, and this laptop has no admission (or is outside its validity).
    NotAdmitted,
    Revoked,
}

/// Whether this laptop may do one thing, and which roles may (指挥部 always among them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Grant {
    pub may: bool,
    pub roles: Vec<Role>,
}

/// Whether this laptop may write records of one entity at all (a plain field of it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EntityGrant {
    pub entity: Entity,
    pub may: bool,
    pub roles: Vec<Role>,
}

/// What this laptop may do in a project, so that the app hides or disables the rest. Derived
/// from [`GRANTS`] and the device's [`standing`]: the screens hold no copy of the table, and
/// the core still judges every write ([`judge`]).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Capabilities {
    pub project_id: Uuid,
    pub standing: Admitted,
    /// The role it writes with; none while the project is open or the laptop not admitted.
    pub role: Option<Role>,
    /// Every entity a write may touch (admissions aside), in the schema's order.
    pub entities: Vec<EntityGrant>,
    /// Confirming a compensation item (and taking a confirmation back).
    pub confirm: Grant,
    /// Paying a compensation item.
    pub pay: Grant,
    /// Admitting and revoking laptops: the laptop holding the project key, or any laptop
    /// while the project is open (its first admission closes the project).
    pub admit: Grant,
}

impl Capabilities {
    pub fn entity(&self, entity: Entity) -> Option<&EntityGrant> {
        self.entities.iter().find(|g| g.entity == entity)
    }
}

/// The roles `GRANTS` gives `entity`'s `key` (`*`, a field or `field=value`), 指挥部 first.
fn granted(entity: &str, key: &str) -> Vec<Role> {
    let mut roles = vec![Role::Command];
    if let Some((_, _, rs)) = GRANTS.iter().find(|(e, f, _)| *e == entity && *f == key) {
        roles.extend(rs.iter().copied().filter(|r| *r != Role::Command));
    }
    roles
}

/// What `device` may do in `project` on `today` (the office's date), see [`Capabilities`].
pub fn capabilities(
    conn: &Connection,
    installation: Option<&crate::identity::Installation>,
    project: Uuid,
    device: Uuid,
    today: NaiveDate,
) -> Result<Capabilities> {
    let holds_key = match owner_key(conn, project)? {
        None => true,
        Some(k) => project_secret(installation, &k)?.is_some(),
    };
    let (standing, role) = match standing(conn, project, device)? {
        Standing::Open => (Admitted::Open, None),
        // The key's holder admits itself as 指挥部 on its first write (`Tx`).
        Standing::Closed { member: None, .. } if holds_key => (Admitted::Admitted, Some(Role::Command)),
        Standing::Closed { member: None, .. } => (Admitted::NotAdmitted, None),
        Standing::Closed { member: Some(m), .. } if m.revoked_after_seq.is_some() => (Admitted::Revoked, None),
        Standing::Closed { member: Some(m), .. }
            if today < m.valid_from || m.valid_until.is_some_and(|u| today > u) =>
        {
            (Admitted::NotAdmitted, None)
        }
        Standing::Closed { member: Some(m), .. } => (Admitted::Admitted, Some(m.role)),
    };
    let may = |roles: &[Role]| match standing {
        Admitted::Open => true,
        Admitted::Admitted => role.is_some_and(|r| roles.contains(&r)),
        Admitted::NotAdmitted | Admitted::Revoked => false,
    };
    let grant = |roles: Vec<Role>| Grant { may: may(&roles), roles };
    let entities = crate::schema::ENTITIES
        .iter()
        .filter(|s| s.entity != Entity::Member)
        .map(|s| {
            let roles = granted(s.id, "*");
            EntityGrant { entity: s.entity, may: may(&roles), roles }
        })
        .collect();
    Ok(Capabilities {
        project_id: project,
        standing,
        role,
        entities,
        confirm: grant(granted("compensation_item", "status=confirmed")),
        pay: grant(granted("compensation_item", "status=paid")),
        admit: Grant {
            may: holds_key && matches!(standing, Admitted::Open | Admitted::Admitted),
            roles: vec![Role::Command],
        },
    })
}

/// The secret half of a project key, if this installation holds it (the demo's, anyone).
pub fn project_secret(
    installation: Option<&crate::identity::Installation>,
    public: &str,
) -> Result<Option<SigningKey>> {
    let demo = demo_key();
    if signing::public_hex(&demo) == public {
        return Ok(Some(demo));
    }
    match installation {
        Some(i) => i.project_key(public),
        None => Ok(None),
    }
}

/// Admits the writing device as 指挥部 with the project key it holds (see `Tx`).
pub(crate) fn admit_self(tx: &mut Tx, project: Uuid, key: &SigningKey) -> Result<()> {
    let name = "指挥部".to_string();
    let request = JoinRequest::new(tx.device(), tx.device_public_key(), name.clone());
    let today = tx.today();
    write_member(tx, project, key, &request, Role::Command, &name, today, None, None)
}
