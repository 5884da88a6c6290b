//! Compensation items per household, entered directly: 测算 → 已确认 → 已支付.

use crate::error::{Error, Result};
use crate::household;
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use crate::vocab::{CompensationKind, PaymentStatus};
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: Uuid,
    pub household_id: Uuid,
    pub kind: CompensationKind,
    pub label: String,
    /// fen
    pub amount: i64,
    pub status: PaymentStatus,
    pub confirmed_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub voucher_no: Option<String>,
    pub note: String,
}

pub fn add(tx: &mut Tx, household: Uuid, kind: CompensationKind, label: &str, amount_fen: i64, note: &str) -> Result<Uuid> {
    let h = household::get(tx.conn(), household)?;
    if amount_fen < 0 {
        return Err(Error::invalid("amount", "补偿金额不能为负数"));
    }
    let id = tx.new_id();
    let label = if label.trim().is_empty() { kind.zh() } else { label.trim() };
    let fields = Fields::new()
        .set("household_id", household.to_string())
        .set("kind", kind.id())
        .set("label", label)
        .set("amount", amount_fen)
        .set("status", PaymentStatus::Estimated.id())
        .set("note", note.trim());
    tx.create(Entity::CompensationItem, id, Some(h.project_id), fields)?;
    Ok(id)
}

/// Changes the amount of an item still being estimated; confirmed and paid amounts are locked.
pub fn set_amount(tx: &mut Tx, item: Uuid, amount_fen: i64) -> Result<()> {
    let it = get(tx.conn(), item)?;
    if amount_fen < 0 {
        return Err(Error::invalid("amount", "补偿金额不能为负数"));
    }
    if it.status != PaymentStatus::Estimated {
        return Err(Error::rule(
            "compensation.amount_locked",
            format!("补偿项「{}」已{},金额已锁定", it.label, it.status.zh()),
        ));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    tx.update(Entity::CompensationItem, item, Some(project), Fields::new().set("amount", amount_fen))
}

pub fn confirm(tx: &mut Tx, item: Uuid, on: NaiveDate) -> Result<()> {
    let it = get(tx.conn(), item)?;
    if it.status != PaymentStatus::Estimated {
        return Err(Error::rule("compensation.confirm_once", format!("补偿项「{}」已{},不能再次确认", it.label, it.status.zh())));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    let f = Fields::new().set("status", PaymentStatus::Confirmed.id()).set("confirmed_on", on.to_string());
    tx.update(Entity::CompensationItem, item, Some(project), f)
}

/// Records payment of a confirmed item; a paid item is locked from then on.
pub fn pay(tx: &mut Tx, item: Uuid, on: NaiveDate, voucher_no: &str) -> Result<()> {
    let it = get(tx.conn(), item)?;
    match it.status {
        PaymentStatus::Paid => {
            return Err(Error::rule("compensation.paid_locked", format!("补偿项「{}」已于 {} 支付,不能重复支付", it.label, it.paid_on.map(|d| d.to_string()).unwrap_or_default())))
        }
        PaymentStatus::Estimated => {
            return Err(Error::rule("compensation.pay_needs_confirmation", format!("补偿项「{}」尚未确认,不能支付", it.label)))
        }
        PaymentStatus::Confirmed => {}
    }
    if it.confirmed_on.is_some_and(|c| on < c) {
        return Err(Error::invalid("paid_on", format!("支付日期 {on} 早于确认日期 {}", it.confirmed_on.expect("checked"))));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    let f = Fields::new()
        .set("status", PaymentStatus::Paid.id())
        .set("paid_on", on.to_string())
        .set("voucher_no", Some(voucher_no.trim()).filter(|v| !v.is_empty()));
    tx.update(Entity::CompensationItem, item, Some(project), f)
}

fn project_of(conn: &Connection, household: Uuid) -> Result<Uuid> {
    Ok(household::get(conn, household)?.project_id)
}

const COLS: &str = "id, household_id, kind, label, amount, status, confirmed_on, paid_on, voucher_no, note";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Item> {
    Ok(Item {
        id: read::uuid(r, 0)?,
        household_id: read::uuid(r, 1)?,
        kind: read::vocab(r, 2, CompensationKind::parse)?,
        label: r.get(3)?,
        amount: r.get(4)?,
        status: read::vocab(r, 5, PaymentStatus::parse)?,
        confirmed_on: r.get(6)?,
        paid_on: r.get(7)?,
        voucher_no: r.get(8)?,
        note: r.get(9)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Item> {
    conn.query_row(&format!("SELECT {COLS} FROM compensation_items WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("补偿项", id.to_string()))
}

pub fn for_household(conn: &Connection, household: Uuid) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLS} FROM compensation_items WHERE household_id = ?1 ORDER BY kind, label, id"
    ))?;
    let rows = stmt.query_map([household.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Finds an item of a household by kind (and label, where a household has several of a kind).
pub fn find(conn: &Connection, household: Uuid, kind: CompensationKind, label: Option<&str>) -> Result<Item> {
    let items: Vec<Item> = for_household(conn, household)?
        .into_iter()
        .filter(|i| i.kind == kind && label.is_none_or(|l| i.label == l.trim()))
        .collect();
    match items.len() {
        1 => Ok(items.into_iter().next().expect("one item")),
        0 => Err(Error::not_found("补偿项", format!("{}{}", kind.zh(), label.map(|l| format!("「{l}」")).unwrap_or_default()))),
        _ => Err(Error::rule(
            "compensation.ambiguous",
            format!(
                "该户有多项「{}」,请用 --label 指定: {}",
                kind.zh(),
                items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>().join("、")
            ),
        )),
    }
}
