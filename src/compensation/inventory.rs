//! The crops-and-attachments inventory (地上附着物及青苗清点) of a household: what the survey
//! found around the house — vegetables in m², fruit trees by the tree, wells, walls, sheds —
//! each priced from the standards' catalogue. The fix for the vegetables that were never
//! compensated: what is surveyed here becomes an item of the household's sheet.

use super::standards;
use crate::error::{Error, Result};
use crate::household;
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InventoryItem {
    pub id: Uuid,
    pub household_id: Uuid,
    /// Catalogue code, e.g. `vegetables`.
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Hundredths of the unit (8600 = 86.00 m², 300 = 3 棵).
    pub quantity: i64,
    /// Who is paid for it, when not the household (a tenant, a neighbour).
    pub owner: Option<String>,
    pub surveyed_on: Option<NaiveDate>,
    pub surveyor: String,
    pub note: String,
    pub withdrawn: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewInventoryItem {
    /// Catalogue code or name.
    pub code: String,
    /// Hundredths of the unit.
    pub quantity: i64,
    pub owner: Option<String>,
    pub surveyed_on: Option<NaiveDate>,
    pub surveyor: String,
    pub note: String,
}

fn check_quantity(q: i64) -> Result<i64> {
    if q < 0 {
        return Err(Error::invalid("quantity", format!("数量不能为负数（{}）", super::format_quantity(q, ""))));
    }
    if q == 0 {
        return Err(Error::invalid("quantity", "数量必须大于零"));
    }
    Ok(q)
}

/// Records a surveyed item and recalculates the household. The code must be in the
/// catalogue of the project's standards (`compensation.unknown_attachment`).
pub fn add(tx: &mut Tx, household: Uuid, item: &NewInventoryItem) -> Result<Uuid> {
    let h = household::get(tx.conn(), household)?;
    let quantity = check_quantity(item.quantity)?;
    let latest = standards::list(tx.conn(), h.project_id)?.into_iter().next_back().ok_or_else(|| {
        Error::rule("compensation.no_standard", "本项目尚未发布补偿标准，无法清点附着物：请先发布标准")
    })?;
    let cat = latest.rules.catalogue_item(&item.code).cloned().ok_or_else(|| {
        let known: Vec<String> = latest.rules.catalogue.iter().map(|c| format!("{}({})", c.code, c.name)).collect();
        Error::rule(
            "compensation.unknown_attachment",
            format!(
                "附着物「{}」不在第 {} 版标准的目录中，可选：{}",
                item.code.trim(),
                latest.version,
                known.join("、")
            ),
        )
    })?;
    if let Some(on) = item.surveyed_on {
        if on > tx.today() {
            return Err(Error::invalid("surveyed_on", format!("清点日期 {on} 晚于今天")));
        }
    }
    let id = tx.new_id();
    let f = Fields::new()
        .set("household_id", household.to_string())
        .set("code", cat.code.as_str())
        .set("name", cat.name.as_str())
        .set("unit", cat.unit.as_str())
        .set("quantity", quantity)
        .set("owner", item.owner.as_deref().map(str::trim).filter(|o| !o.is_empty()))
        .set("surveyed_on", item.surveyed_on.map(|d| d.to_string()))
        .set("surveyor", item.surveyor.trim())
        .set("note", item.note.trim())
        .set("withdrawn", 0);
    tx.create(Entity::InventoryItem, id, Some(h.project_id), f)?;
    super::calc::recalc_household(tx, household)?;
    Ok(id)
}

/// Refuses a change to an inventory line whose item is already confirmed or paid.
fn check_unlocked(conn: &Connection, it: &InventoryItem) -> Result<()> {
    if let Some(item) = super::by_calc_key(conn, it.household_id, &super::calc::inventory_key(it.id))? {
        // A surveyed quantity moves the item's amount: locked when the amount is.
        if super::refused(item.status, super::Step::Amount).is_some() {
            return Err(Error::rule(
                "compensation.inventory_locked",
                format!("「{}」的补偿状态为「{}」，清点数量已锁定", it.name, item.status.zh()),
            ));
        }
    }
    Ok(())
}

/// Corrects a surveyed quantity (a reason is kept in the log), then recalculates.
pub fn set_quantity(tx: &mut Tx, id: Uuid, quantity: i64, reason: &str) -> Result<()> {
    let it = get(tx.conn(), id)?;
    let quantity = check_quantity(quantity)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule("compensation.correction_needs_reason", "更正清点数量需要注明原因"));
    }
    check_unlocked(tx.conn(), &it)?;
    let project = household::get(tx.conn(), it.household_id)?.project_id;
    tx.with_reason(Some(reason));
    tx.update(Entity::InventoryItem, id, Some(project), Fields::new().set("quantity", quantity))?;
    tx.with_reason(None);
    super::calc::recalc_household(tx, it.household_id)
}

/// Withdraws a line entered by mistake (it stays in the record, marked), then recalculates.
pub fn withdraw(tx: &mut Tx, id: Uuid, reason: &str) -> Result<()> {
    let it = get(tx.conn(), id)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule("compensation.correction_needs_reason", "撤销清点记录需要注明原因"));
    }
    if it.withdrawn {
        return Err(Error::rule("compensation.already_withdrawn", format!("「{}」已撤销", it.name)));
    }
    check_unlocked(tx.conn(), &it)?;
    let project = household::get(tx.conn(), it.household_id)?.project_id;
    tx.with_reason(Some(reason));
    tx.update(Entity::InventoryItem, id, Some(project), Fields::new().set("withdrawn", 1))?;
    tx.with_reason(None);
    super::calc::recalc_household(tx, it.household_id)
}

const COLS: &str = "id, household_id, code, name, unit, quantity, owner, surveyed_on, surveyor, note, withdrawn";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<InventoryItem> {
    Ok(InventoryItem {
        id: read::uuid(r, 0)?,
        household_id: read::uuid(r, 1)?,
        code: r.get(2)?,
        name: r.get(3)?,
        unit: r.get(4)?,
        quantity: r.get(5)?,
        owner: r.get(6)?,
        surveyed_on: r.get(7)?,
        surveyor: r.get(8)?,
        note: r.get(9)?,
        withdrawn: r.get::<_, i64>(10)? != 0,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<InventoryItem> {
    conn.query_row(&format!("SELECT {COLS} FROM inventory_items WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("附着物清点记录", id.to_string()))
}

/// A household's inventory in the order surveyed (withdrawn lines included, marked).
pub fn for_household(conn: &Connection, household: Uuid) -> Result<Vec<InventoryItem>> {
    let mut stmt = conn
        .prepare(&format!("SELECT {COLS} FROM inventory_items WHERE household_id = ?1 ORDER BY surveyed_on, rowid"))?;
    let rows = stmt.query_map([household.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
