//! The settlement sheet of one household (补偿结算单): every item with its formula, status
//! and payment, the inventory, totals in figures and in capitals, and the check of the
//! agreement's amount against the settlement's sum. What `jingdi compensation show` prints
//! and the desktop app's household compensation section shows.

use super::calc::{self, Change};
use super::inventory::{self, InventoryItem};
use super::{capitals, Item};
use crate::error::Result;
use crate::household;
use crate::units::format_yuan;
use crate::vocab::{CompensationKind, CompensationMode, PaymentStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Sheet {
    pub household_id: Uuid,
    pub household_no: String,
    pub head_name: String,
    pub stage: Stage,
    pub structure: String,
    /// 0.01 m²
    pub floor_area: i64,
    pub compensation_mode: Option<CompensationMode>,
    pub agreement_no: Option<String>,
    pub agreement_date: Option<NaiveDate>,
    /// The standard version the household's items use now (None: none in force).
    pub standard_version: Option<i64>,
    pub standard_effective_on: Option<NaiveDate>,
    /// In sheet order: house value, relocation, resettlement, incentives, crops, other.
    pub items: Vec<Item>,
    pub inventory: Vec<InventoryItem>,
    pub totals: Totals,
    pub agreement: AgreementCheck,
    /// Estimated items a recalculation would create, change or void (facts or standards
    /// changed since the last one): 0 means the sheet is up to date.
    pub pending_changes: usize,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Totals {
    /// Sum of all items, fen.
    pub total_fen: i64,
    /// e.g. 1,078,440.00 元
    pub total_figures: String,
    /// e.g. 壹佰零柒万捌仟肆佰肆拾元整
    pub total_capitals: String,
    pub estimated_fen: i64,
    /// Confirmed, paid included.
    pub confirmed_fen: i64,
    pub paid_fen: i64,
    pub unpaid_confirmed_fen: i64,
    pub adjusted_items: usize,
    pub manual_items: usize,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgreementCheck {
    /// As written in the agreement, fen.
    pub agreement_amount_fen: Option<i64>,
    /// Sum of the sheet's items, fen.
    pub settlement_fen: i64,
    /// agreement − settlement, when the agreement has an amount.
    pub difference_fen: Option<i64>,
    /// None: no amount recorded in the agreement yet; Some(false): the household is flagged.
    pub agrees: Option<bool>,
}

fn key_rank(key: Option<&str>) -> usize {
    match key {
        Some(calc::KEY_HOUSE) => 0,
        Some(calc::KEY_RELOCATION) => 1,
        Some(calc::KEY_TEMP) => 2,
        Some(calc::KEY_SIGNING) => 3,
        Some(calc::KEY_HANDOVER) => 4,
        Some(k) if k.starts_with(calc::KEY_SUBSIDY) => 5,
        Some(k) if k.starts_with(calc::KEY_INVENTORY) => 6,
        Some(calc::KEY_MINIMUM) => 8,
        Some(_) => 7,
        None => 9,
    }
}

/// Sheet order: by kind as the vocabulary lists them, calculated before manual, then label.
pub fn sort_items(items: &mut [Item], inventory: &[InventoryItem]) {
    let inv_rank = |i: &Item| {
        i.calc_key
            .as_deref()
            .and_then(|k| k.strip_prefix(calc::KEY_INVENTORY))
            .and_then(|id| inventory.iter().position(|v| v.id.to_string() == id))
            .unwrap_or(0)
    };
    items.sort_by_key(|i| {
        let kind = CompensationKind::ALL.iter().position(|k| *k == i.kind).unwrap_or(usize::MAX);
        (kind, key_rank(i.calc_key.as_deref()), inv_rank(i), i.label.clone(), i.id)
    });
}

pub fn totals(items: &[Item]) -> Totals {
    let sum = |f: &dyn Fn(&Item) -> bool| items.iter().filter(|i| f(i)).map(|i| i.amount).sum::<i64>();
    let total = sum(&|_| true);
    Totals {
        total_fen: total,
        total_figures: format_yuan(total),
        total_capitals: capitals::capitals(total),
        estimated_fen: sum(&|i| i.status == PaymentStatus::Estimated),
        confirmed_fen: sum(&|i| i.status != PaymentStatus::Estimated),
        paid_fen: sum(&|i| i.status == PaymentStatus::Paid),
        unpaid_confirmed_fen: sum(&|i| i.status == PaymentStatus::Confirmed),
        adjusted_items: items.iter().filter(|i| i.adjustment != 0).count(),
        manual_items: items.iter().filter(|i| i.is_manual()).count(),
    }
}

pub fn agreement_check(agreement_amount: Option<i64>, settlement: i64) -> AgreementCheck {
    AgreementCheck {
        agreement_amount_fen: agreement_amount,
        settlement_fen: settlement,
        difference_fen: agreement_amount.map(|a| a - settlement),
        agrees: agreement_amount.map(|a| a == settlement),
    }
}

/// The sheet of one household; an unsigned household's standard is the one in force on
/// the project's as-of date (today for a live project).
pub fn sheet(conn: &Connection, household: Uuid) -> Result<Sheet> {
    let h = household::get(conn, household)?;
    let p = crate::project::get(conn, h.project_id)?;
    let today = crate::project::as_of(&p, None);
    let (calc, changes) = calc::plan(conn, &h, today)?;
    let inventory = inventory::for_household(conn, household)?;
    let mut items = super::for_household(conn, household)?;
    sort_items(&mut items, &inventory);
    let totals = totals(&items);
    let facts = super::facts(conn, household)?;
    let pending_changes = changes.iter().filter(|c| !matches!(c, Change::Same | Change::Locked)).count();
    Ok(Sheet {
        household_id: h.id,
        household_no: h.number.clone(),
        head_name: h.head_name.clone(),
        stage: h.stage,
        structure: h.structure.clone(),
        floor_area: h.floor_area,
        compensation_mode: h.compensation_mode,
        agreement_no: h.agreement_no.clone(),
        agreement_date: h.agreement_date,
        standard_version: calc.standard.as_ref().map(|s| s.version),
        standard_effective_on: calc.standard.as_ref().map(|s| s.effective_on),
        agreement: agreement_check(facts.agreement_amount, totals.total_fen),
        items,
        inventory,
        totals,
        pending_changes,
        problems: calc.problems,
    })
}
