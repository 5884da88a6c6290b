//! Households (户 / 宗): registration, their facts, case assessment and agreement.

use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use crate::vocab::{CompensationMode, Difficulty, Stage};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Household {
    pub id: Uuid,
    pub project_id: Uuid,
    pub number: String,
    pub head_name: String,
    pub id_number: Option<String>,
    pub phone: String,
    pub address: String,
    pub members_count: i64,
    pub special_circumstances: Vec<String>,
    /// 0.01 m²
    pub floor_area: i64,
    /// 0.01 m²
    pub land_area: i64,
    pub structure: String,
    pub group_id: Uuid,
    pub group_name: String,
    pub concerns: Vec<String>,
    pub difficulty: Option<Difficulty>,
    pub strategy: String,
    pub stage: Stage,
    pub agreement_no: Option<String>,
    pub agreement_date: Option<NaiveDate>,
    pub compensation_mode: Option<CompensationMode>,
    /// 0.01 m²
    pub signed_area: Option<i64>,
}

/// What registering a household takes. Areas in 0.01 m².
#[derive(Debug, Clone, Default)]
pub struct NewHousehold {
    pub number: String,
    pub head_name: String,
    pub id_number: Option<String>,
    pub phone: String,
    pub address: String,
    pub members_count: i64,
    pub special_circumstances: Vec<String>,
    pub floor_area: i64,
    pub land_area: i64,
    pub structure: String,
    pub group: String,
    pub concerns: Vec<String>,
}

/// The agreement fields: once a household has signed they are locked, and changing one
/// needs a reason, which the operation log keeps.
pub const AGREEMENT_FIELDS: &[&str] = &["agreement_no", "agreement_date", "compensation_mode", "signed_area"];

/// Fields `set` accepts, with their Chinese names (both spellings work on the CLI).
pub const SETTABLE: &[(&str, &str)] = &[
    ("number", "户号"),
    ("head_name", "户主"),
    ("id_number", "身份证号"),
    ("phone", "联系电话"),
    ("address", "地址"),
    ("members_count", "家庭人口"),
    ("special_circumstances", "特殊情况"),
    ("floor_area", "房屋面积"),
    ("land_area", "占地面积"),
    ("structure", "结构"),
    ("group", "动迁组"),
    ("concerns", "关注事项"),
    ("difficulty", "难度"),
    ("strategy", "研判策略"),
    ("agreement_no", "协议编号"),
    ("agreement_date", "签约日期"),
    ("compensation_mode", "补偿方式"),
    ("signed_area", "签约面积"),
];

fn validate_phone(phone: &str) -> Result<String> {
    let p = crate::normal::typed(phone);
    let p = p.as_str();
    if !p.is_empty() {
        crate::schema::check_phone_typed(p).map_err(|m| Error::invalid("phone", m))?;
    }
    Ok(p.to_string())
}

fn validate_members(n: i64) -> Result<i64> {
    if !(1..=99).contains(&n) {
        return Err(Error::invalid("members_count", format!("家庭人口应在 1 至 99 之间，而不是 {n}")));
    }
    Ok(n)
}

fn validate_area(field: &'static str, v: i64) -> Result<i64> {
    if v < 0 {
        return Err(Error::invalid(field, "面积不能为负数"));
    }
    Ok(v)
}

/// Splits "低保, 高龄" / "低保、高龄" into tags; empty parts are dropped, order kept, no repeats.
pub fn split_tags(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in text.split([',', '\u{ff0c}', '、', ';', '\u{ff1b}']).map(str::trim).filter(|t| !t.is_empty()) {
        if !out.iter().any(|o| o == t) {
            out.push(t.to_string());
        }
    }
    out
}

fn clean_tags(tags: &[String]) -> Vec<String> {
    split_tags(&tags.join(","))
}

pub fn register(tx: &mut Tx, project: Uuid, h: &NewHousehold) -> Result<Uuid> {
    let number = crate::normal::typed(&h.number);
    let number = number.as_str();
    if number.is_empty() {
        return Err(Error::invalid("number", "户号不能为空"));
    }
    if h.head_name.trim().is_empty() {
        return Err(Error::invalid("head_name", "户主姓名不能为空"));
    }
    if find_id(tx.conn(), project, number)?.is_some() {
        return Err(Error::AlreadyExists { what: "户号", key: number.to_string() });
    }
    let id_number = h.id_number.as_deref().filter(|s| !s.trim().is_empty()).map(crate::idcard::validate).transpose()?;
    let group = crate::project::find_group(tx.conn(), project, &h.group)?
        .ok_or_else(|| Error::invalid("group", format!("动迁组「{}」不存在", h.group)))?;
    let id = tx.new_id();
    let fields = Fields::new()
        .set("project_id", project.to_string())
        .set("number", number)
        .set("head_name", h.head_name.trim())
        .set("id_number", id_number)
        .set("phone", validate_phone(&h.phone)?)
        .set("address", h.address.trim())
        .set("members_count", validate_members(h.members_count)?)
        .set("special_circumstances", clean_tags(&h.special_circumstances))
        .set("floor_area", validate_area("floor_area", h.floor_area)?)
        .set("land_area", validate_area("land_area", h.land_area)?)
        .set("structure", h.structure.trim())
        .set("group_id", group.to_string())
        .set("concerns", clean_tags(&h.concerns))
        .set("strategy", "")
        .set("stage", Stage::Registered.id());
    tx.create(Entity::Household, id, Some(project), fields)?;
    Ok(id)
}

/// Sets one field from text, as typed by a person or a script. Agreement fields of a
/// signed household need `reason` (the unlock is then kept in the log with it).
pub fn set(tx: &mut Tx, household: Uuid, field: &str, value: &str, reason: Option<&str>) -> Result<()> {
    let h = get(tx.conn(), household)?;
    let field =
        SETTABLE.iter().find(|(id, zh)| field.eq_ignore_ascii_case(id) || field == *zh).map(|(id, _)| *id).ok_or_else(
            || {
                let names: Vec<String> = SETTABLE.iter().map(|(id, zh)| format!("{id}({zh})")).collect();
                Error::invalid("field", format!("不能修改字段「{field}」，可修改：{}", names.join("、")))
            },
        )?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if AGREEMENT_FIELDS.contains(&field) && h.stage.is_signed() && reason.is_none() {
        return Err(Error::rule(
            "agreement.locked",
            format!("户 {} 已签约，协议字段 {field} 已锁定；如确需修改，请注明解锁原因（--reason）", h.number),
        ));
    }
    // Values of a fixed form as the schema reads them (full-width digits as ordinary ones);
    // free text keeps what was typed, trimmed.
    let typed = match crate::schema::field(Entity::Household, field).map(|f| f.kind) {
        Some(crate::schema::Kind::Text { .. } | crate::schema::Kind::TextList) => value.trim().to_string(),
        _ => crate::normal::typed(value),
    };
    let v = typed.as_str();
    // Quantities are read as the schema declares them (NFKC, as above).
    let parsed = |name: &str| -> Result<serde_json::Value> {
        let spec = crate::schema::field(Entity::Household, name).expect("a declared household field");
        spec.parse(value)
    };
    let mut f = Fields::new();
    match field {
        // Renumbering is a correction (a number entered wrong, or one two laptops both gave
        // out offline): it needs a reason, and the new number must be free.
        "number" if v.is_empty() => return Err(Error::invalid("number", "户号不能为空")),
        "number" if reason.is_none() => {
            return Err(Error::rule("household.renumber_needs_reason", format!("更改户号 {} 必须注明原因", h.number)))
        }
        "number" if find_id(tx.conn(), h.project_id, v)?.is_some_and(|other| other != household) => {
            return Err(Error::AlreadyExists { what: "户号", key: v.to_string() })
        }
        "number" => f.put(field, v),
        "head_name" if v.is_empty() => return Err(Error::invalid("head_name", "户主姓名不能为空")),
        "head_name" | "address" | "structure" | "strategy" => f.put(field, v),
        "id_number" if v.is_empty() => f.put(field, serde_json::Value::Null),
        "id_number" => f.put(field, crate::idcard::validate(v)?),
        "phone" => f.put(field, validate_phone(v)?),
        "members_count" => {
            let n: i64 = v
                .trim_end_matches('人')
                .trim()
                .parse()
                .map_err(|_| Error::invalid("members_count", format!("「{v}」不是整数")))?;
            f.put(field, validate_members(n)?)
        }
        "special_circumstances" | "concerns" => f.put(field, split_tags(v)),
        "floor_area" | "land_area" => f.put(field, parsed(field)?),
        "group" => {
            let g = crate::project::find_group(tx.conn(), h.project_id, v)?
                .ok_or_else(|| Error::invalid("group", format!("动迁组「{v}」不存在")))?;
            f.put("group_id", g.to_string())
        }
        "difficulty" if v.is_empty() => f.put(field, serde_json::Value::Null),
        "difficulty" => f.put(field, Difficulty::parse(v)?.id()),
        "agreement_no" => f.put(field, Some(v).filter(|v| !v.is_empty())),
        "agreement_date" if v.is_empty() => f.put(field, serde_json::Value::Null),
        "agreement_date" => f.put(field, parsed(field)?),
        "compensation_mode" if v.is_empty() => f.put(field, serde_json::Value::Null),
        "compensation_mode" => f.put(field, CompensationMode::parse(v)?.id()),
        "signed_area" if v.is_empty() => f.put(field, serde_json::Value::Null),
        "signed_area" => f.put(field, parsed(field)?),
        _ => unreachable!("every settable field is handled"),
    }
    if h.stage.is_signed() && AGREEMENT_FIELDS.contains(&field) {
        check_agreement_complete(&h.number, &merged_agreement(&h, &f))?;
    }
    tx.with_reason(reason);
    tx.update(Entity::Household, household, Some(h.project_id), f)?;
    tx.with_reason(None);
    Ok(())
}

/// Records the signed agreement in one step (what a team leader does at signing).
pub struct Agreement {
    pub agreement_no: String,
    pub agreement_date: NaiveDate,
    pub compensation_mode: CompensationMode,
    /// 0.01 m²
    pub signed_area: i64,
}

pub fn record_agreement(tx: &mut Tx, household: Uuid, a: &Agreement, reason: Option<&str>) -> Result<()> {
    let h = get(tx.conn(), household)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if h.stage.is_signed() && reason.is_none() {
        return Err(Error::rule(
            "agreement.locked",
            format!("户 {} 已签约，协议已锁定；如确需修改，请注明解锁原因", h.number),
        ));
    }
    let f = Fields::new()
        .set("agreement_no", a.agreement_no.trim())
        .set("agreement_date", a.agreement_date.to_string())
        .set("compensation_mode", a.compensation_mode.id())
        .set("signed_area", a.signed_area);
    check_agreement_complete(&h.number, &merged_agreement(&h, &f))?;
    tx.with_reason(reason);
    tx.update(Entity::Household, household, Some(h.project_id), f)?;
    tx.with_reason(None);
    Ok(())
}

pub fn assess(tx: &mut Tx, household: Uuid, difficulty: Difficulty, strategy: &str) -> Result<()> {
    let h = get(tx.conn(), household)?;
    let f = Fields::new().set("difficulty", difficulty.id()).set("strategy", strategy.trim());
    tx.update(Entity::Household, household, Some(h.project_id), f)
}

/// The agreement as it would be after applying `f`.
fn merged_agreement(h: &Household, f: &Fields) -> [(&'static str, bool); 4] {
    let present = |k: &str, current: bool| match f.0.get(k) {
        Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::String(s)) => !s.is_empty(),
        Some(serde_json::Value::Number(n)) => n.as_i64().unwrap_or(0) > 0,
        Some(_) => true,
        None => current,
    };
    [
        ("agreement_no（协议编号）", present("agreement_no", h.agreement_no.as_deref().is_some_and(|s| !s.is_empty()))),
        ("agreement_date（签约日期）", present("agreement_date", h.agreement_date.is_some())),
        ("compensation_mode（补偿方式）", present("compensation_mode", h.compensation_mode.is_some())),
        ("signed_area（签约面积）", present("signed_area", h.signed_area.is_some_and(|a| a > 0))),
    ]
}

fn check_agreement_complete(number: &str, parts: &[(&'static str, bool); 4]) -> Result<()> {
    let missing: Vec<&str> = parts.iter().filter(|(_, ok)| !ok).map(|(n, _)| *n).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::rule(
            "stage.signing_needs_agreement",
            format!("户 {number} 签约需要完整的协议，缺少：{}", missing.join("、")),
        ))
    }
}

/// Used by the stage rules: signing needs a complete agreement.
pub(crate) fn require_agreement(h: &Household) -> Result<()> {
    check_agreement_complete(&h.number, &merged_agreement(h, &Fields::new()))
}

const COLS: &str = "h.id, h.project_id, h.number, h.head_name, h.id_number, h.phone, h.address,
    h.members_count, h.special_circumstances, h.floor_area, h.land_area, h.structure, h.group_id,
    g.name, h.concerns, h.difficulty, h.strategy, h.stage, h.agreement_no, h.agreement_date,
    h.compensation_mode, h.signed_area";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Household> {
    Ok(Household {
        id: read::uuid(r, 0)?,
        project_id: read::uuid(r, 1)?,
        number: r.get(2)?,
        head_name: r.get(3)?,
        id_number: r.get(4)?,
        phone: r.get(5)?,
        address: r.get(6)?,
        members_count: r.get(7)?,
        special_circumstances: read::json_list(r, 8)?,
        floor_area: r.get(9)?,
        land_area: r.get(10)?,
        structure: r.get(11)?,
        group_id: read::uuid(r, 12)?,
        group_name: r.get(13)?,
        concerns: read::json_list(r, 14)?,
        difficulty: read::opt_vocab(r, 15, Difficulty::parse)?,
        strategy: r.get(16)?,
        stage: read::vocab(r, 17, Stage::parse)?,
        agreement_no: r.get(18)?,
        agreement_date: r.get(19)?,
        compensation_mode: read::opt_vocab(r, 20, CompensationMode::parse)?,
        signed_area: r.get(21)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Household> {
    conn.query_row(
        &format!("SELECT {COLS} FROM households h JOIN work_groups g ON g.id = h.group_id WHERE h.id = ?1"),
        [id.to_string()],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::not_found("户", id.to_string()))
}

pub fn find_id(conn: &Connection, project: Uuid, number: &str) -> Result<Option<Uuid>> {
    Ok(conn
        .query_row(
            "SELECT id FROM households WHERE project_id = ?1 AND number = ?2",
            [project.to_string(), crate::normal::typed(number)],
            |r| read::uuid(r, 0),
        )
        .optional()?)
}

/// The household with this number in the project, or an error naming the number.
pub fn by_number(conn: &Connection, project: Uuid, number: &str) -> Result<Household> {
    let id = find_id(conn, project, number)?.ok_or_else(|| Error::not_found("户号", number.trim()))?;
    get(conn, id)
}

/// All households of a project, ordered by number (numerically where numbers allow).
pub fn list(conn: &Connection, project: Uuid) -> Result<Vec<Household>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLS} FROM households h JOIN work_groups g ON g.id = h.group_id
         WHERE h.project_id = ?1 ORDER BY length(h.number), h.number"
    ))?;
    let rows = stmt.query_map([project.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
