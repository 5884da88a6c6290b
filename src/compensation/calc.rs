//! Calculating a household's items from the plot's standards, and writing them (recalc).
//!
//! Rounding: every amount is integer fen. An item's amount is computed exactly from its
//! integers (areas and quantities in hundredths, prices in fen) and rounded half up to the
//! fen once, at the end of that item's formula; totals are sums of the rounded items.
//!
//! Version rule: a household whose calculated items include a confirmed or paid one keeps
//! the version those were calculated under; otherwise the newest version in force on its
//! agreement date (before signing: on the day of the calculation) applies.

use super::standards::{self, Standard};
use super::{format_price, format_quantity, inventory, Item};
use crate::error::{Error, Result};
use crate::household::{self, Household};
use crate::oplog::{Entity, Fields, Tx};
use crate::units::{format_hundredths, format_m2};
use crate::vocab::{CompensationKind, CompensationMode, PaymentStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeMap;
use uuid::Uuid;

pub const KEY_HOUSE: &str = "house_value";
pub const KEY_RELOCATION: &str = "relocation";
pub const KEY_TEMP: &str = "temporary_resettlement";
pub const KEY_SIGNING: &str = "incentive.signing";
pub const KEY_HANDOVER: &str = "incentive.handover";
pub const KEY_SUBSIDY: &str = "subsidy.";
pub const KEY_INVENTORY: &str = "inventory.";
pub const KEY_MINIMUM: &str = "minimum_payout";

pub fn inventory_key(id: Uuid) -> String {
    format!("{KEY_INVENTORY}{id}")
}

/// `a × b × c / 100`, rounded half up to an integer (all factors non-negative).
pub fn mul_round(a: i64, b: i64, c: i64) -> i64 {
    let p = a as i128 * b as i128 * c as i128;
    let sign = if p < 0 { -1 } else { 1 };
    let q = (p.abs() + 50) / 100;
    (sign * q) as i64
}

/// One calculated item, before it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Line {
    pub key: String,
    pub kind: CompensationKind,
    pub label: String,
    pub formula: String,
    /// fen, as calculated (before any manual adjustment)
    pub amount: i64,
    /// Who is paid, when not the household head (an attachment's owner).
    pub payee: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Calculation {
    pub standard: Option<Standard>,
    pub lines: Vec<Line>,
    /// What could not be calculated, in words (no standard in force, no price for a structure, ...).
    pub problems: Vec<String>,
}

fn yuan(fen: i64) -> String {
    format!("{} 元", format_hundredths(fen))
}

/// The date a household's 腾空交房 was recorded, if it was.
pub fn vacated_on(conn: &Connection, household: Uuid) -> Result<Option<NaiveDate>> {
    Ok(crate::stage::timeline(conn, household)?
        .into_iter()
        .filter(|e| e.to_stage == Stage::Vacated)
        .map(|e| e.reached_on)
        .next_back())
}

/// The version a household's items use (see the module's version rule), or why there is none.
pub fn version_for(
    conn: &Connection,
    h: &Household,
    today: NaiveDate,
) -> Result<std::result::Result<Standard, String>> {
    let pinned: Option<i64> = conn.query_row(
        "SELECT max(s.version) FROM compensation_items c JOIN compensation_standards s ON s.id = c.standard_id
         WHERE c.household_id = ?1 AND c.calc_key IS NOT NULL AND c.status != 'estimated'",
        [h.id.to_string()],
        |r| r.get(0),
    )?;
    if let Some(v) = pinned {
        return Ok(Ok(standards::by_version(conn, h.project_id, v)?));
    }
    let on = h.agreement_date.unwrap_or(today);
    match standards::in_force(conn, h.project_id, on)? {
        Some(s) => Ok(Ok(s)),
        None => {
            let all = standards::list(conn, h.project_id)?;
            Ok(Err(match all.first() {
                None => "本项目尚未发布补偿标准".to_string(),
                Some(first) => format!("{on} 时尚无生效的补偿标准(第 1 版自 {} 起施行)", first.effective_on),
            }))
        }
    }
}

/// Calculates a household's items from its standard version, its facts and its inventory.
/// `adjustments` (by key) are the manual adjustments already made, which the payout floor
/// takes into account; `today` dates the calculation of a household not yet signed.
pub fn calculate(conn: &Connection, h: &Household, today: NaiveDate) -> Result<Calculation> {
    let std = match version_for(conn, h, today)? {
        Ok(s) => s,
        Err(problem) => return Ok(Calculation { standard: None, lines: vec![], problems: vec![problem] }),
    };
    let facts = super::facts(conn, h.id)?;
    let existing: BTreeMap<String, Item> =
        super::for_household(conn, h.id)?.into_iter().filter_map(|i| i.calc_key.clone().map(|k| (k, i))).collect();
    let r = &std.rules;
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    let area = h.floor_area;
    let area_text = format_m2(area);
    let mode = h.compensation_mode.unwrap_or(CompensationMode::Monetary);

    // House value: the appraised value where one is entered, else area × price of the structure.
    if let Some(v) = facts.appraised_value {
        lines.push(Line {
            key: KEY_HOUSE.into(),
            kind: CompensationKind::HouseValue,
            label: "房屋价值补偿".into(),
            formula: format!("评估价值 {}(按评估报告,不按结构单价)", yuan(v)),
            amount: v,
            payee: None,
        });
    } else if area > 0 {
        match r.house_price(&h.structure) {
            Some(price) => {
                let amount = mul_round(area, price, 1);
                lines.push(Line {
                    key: KEY_HOUSE.into(),
                    kind: CompensationKind::HouseValue,
                    label: "房屋价值补偿".into(),
                    formula: format!("{area_text} × {} 元/m²({}) = {}", format_price(price), h.structure, yuan(amount)),
                    amount,
                    payee: None,
                });
            }
            None => problems.push(format!(
                "结构「{}」在第 {} 版标准中没有单价,也未录入评估价值:房屋价值补偿无法计算",
                h.structure, std.version
            )),
        }
    }
    if area > 0 {
        let moves = if mode == CompensationMode::PropertySwap { 2 } else { 1 };
        let amount = mul_round(area, r.relocation_fen, moves);
        let why = if moves == 2 { "次(产权调换:搬出、搬入各一次)" } else { "次(货币补偿)" };
        lines.push(Line {
            key: KEY_RELOCATION.into(),
            kind: CompensationKind::Relocation,
            label: "搬迁费".into(),
            formula: format!(
                "{area_text} × {} 元/m² × {moves} {why} = {}",
                format_price(r.relocation_fen),
                yuan(amount)
            ),
            amount,
            payee: None,
        });
        let months = if mode == CompensationMode::PropertySwap { r.temp_months_swap } else { r.temp_months_monetary };
        if months > 0 {
            let amount = mul_round(area, r.temp_resettlement_fen, months);
            lines.push(Line {
                key: KEY_TEMP.into(),
                kind: CompensationKind::TemporaryResettlement,
                label: format!("临时安置费({months}个月)"),
                formula: format!(
                    "{area_text} × {} 元/m²/月 × {months} 个月({}) = {}",
                    format_price(r.temp_resettlement_fen),
                    mode.zh(),
                    yuan(amount)
                ),
                amount,
                payee: None,
            });
        }
    }
    if let Some(signed) = h.agreement_date {
        if let Some(t) = r.tier_for(signed) {
            lines.push(Line {
                key: KEY_SIGNING.into(),
                kind: CompensationKind::Incentive,
                label: format!("签约奖励({})", t.label),
                formula: format!("签约日期 {signed} 不晚于 {}(「{}」档)= {}", t.until, t.label, yuan(t.amount_fen)),
                amount: t.amount_fen,
                payee: None,
            });
        }
        if let (Some(by), true) = (r.handover_by, r.handover_incentive_fen > 0) {
            let vacated = vacated_on(conn, h.id)?;
            // Granted when handed over by the deadline; provisionally while the deadline has not passed.
            if vacated.map_or(today <= by, |v| v <= by) {
                let when = match vacated {
                    Some(v) => format!("{v} 腾空交房,不晚于 {by}"),
                    None => format!("须于 {by} 前腾空交房"),
                };
                lines.push(Line {
                    key: KEY_HANDOVER.into(),
                    kind: CompensationKind::Incentive,
                    label: "按期交房奖励".into(),
                    formula: format!("{when} = {}", yuan(r.handover_incentive_fen)),
                    amount: r.handover_incentive_fen,
                    payee: None,
                });
            }
        }
    }
    for s in &r.subsidies {
        if h.special_circumstances.iter().any(|c| c.trim() == s.circumstance) {
            lines.push(Line {
                key: format!("{KEY_SUBSIDY}{}", s.circumstance),
                kind: CompensationKind::Other,
                label: format!("特殊困难补助({})", s.circumstance),
                formula: format!("特殊情况「{}」补助 = {}", s.circumstance, yuan(s.amount_fen)),
                amount: s.amount_fen,
                payee: None,
            });
        }
    }
    for inv in inventory::for_household(conn, h.id)?.into_iter().filter(|i| !i.withdrawn) {
        match r.catalogue_item(&inv.code) {
            Some(c) => {
                let amount = mul_round(inv.quantity, c.price_fen, 1);
                let owner = inv.owner.clone();
                lines.push(Line {
                    key: inventory_key(inv.id),
                    kind: CompensationKind::Crops,
                    label: format!(
                        "{}{}",
                        inv.name,
                        owner.as_ref().map(|o| format!("(权属人 {o})")).unwrap_or_default()
                    ),
                    formula: format!(
                        "{} {} × {} 元/{} = {}",
                        inv.name,
                        format_quantity(inv.quantity, &inv.unit),
                        format_price(c.price_fen),
                        c.unit,
                        yuan(amount)
                    ),
                    amount,
                    payee: owner,
                });
            }
            None => problems.push(format!("附着物「{}」在第 {} 版标准的目录中没有单价", inv.name, std.version)),
        }
    }
    if r.minimum_payout_fen > 0 && !lines.is_empty() {
        let so_far: i64 =
            lines.iter().map(|l| (l.amount + existing.get(&l.key).map_or(0, |i| i.adjustment)).max(0)).sum();
        if so_far < r.minimum_payout_fen {
            let amount = r.minimum_payout_fen - so_far;
            lines.push(Line {
                key: KEY_MINIMUM.into(),
                kind: CompensationKind::Other,
                label: "保底补差".into(),
                formula: format!("保底 {} − 已计 {} = {}", yuan(r.minimum_payout_fen), yuan(so_far), yuan(amount)),
                amount,
                payee: None,
            });
        }
    }
    Ok(Calculation { standard: Some(std), lines, problems })
}

/// What a recalculation did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecalcReport {
    pub households: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Items left as they are because they are confirmed or paid.
    pub locked: usize,
    /// Items no longer produced by the standard, set to zero.
    pub voided: usize,
    /// Households that could not be (fully) calculated, with the reason.
    pub problems: Vec<HouseholdProblem>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdProblem {
    pub household_no: String,
    pub problem: String,
}

/// The changes a fresh calculation would make to a household's stored items.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Change {
    Create(Line),
    Update(Uuid, Fields),
    Void(Uuid, Fields),
    Locked,
    Same,
}

const VOID_FORMULA: &str = "按现行标准不再适用,金额为零";
const DUPLICATE_FORMULA: &str = "与同一计算项重复(多台电脑分别计算),金额为零";

pub(crate) fn plan(conn: &Connection, h: &Household, today: NaiveDate) -> Result<(Calculation, Vec<Change>)> {
    let calc = calculate(conn, h, today)?;
    let Some(std) = &calc.standard else { return Ok((calc, vec![])) };
    let mut existing: Vec<Item> =
        super::for_household(conn, h.id)?.into_iter().filter(|i| i.calc_key.is_some()).collect();
    // Two laptops recalculating before they sync can each create the item of a rule: the one
    // kept is a confirmed or paid one if any, else the smallest id; the others are duplicates.
    existing.sort_by_key(|i| (i.calc_key.clone(), i.status == PaymentStatus::Estimated, i.id));
    let canonical = |i: &Item| existing.iter().find(|e| e.calc_key == i.calc_key).is_some_and(|e| e.id == i.id);
    let mut changes = Vec::new();
    for line in &calc.lines {
        match existing.iter().find(|i| i.calc_key.as_deref() == Some(line.key.as_str())) {
            None => changes.push(Change::Create(line.clone())),
            Some(i) if super::refused(i.status, super::Step::Amount).is_some() => changes.push(Change::Locked),
            Some(i) => {
                let amount = (line.amount + i.adjustment).max(0);
                let mut f = Fields::new();
                if i.calculated_amount != Some(line.amount) {
                    f.put("calculated_amount", line.amount);
                }
                if i.amount != amount {
                    f.put("amount", amount);
                }
                if i.formula != line.formula {
                    f.put("formula", line.formula.as_str());
                }
                if i.label != line.label {
                    f.put("label", line.label.as_str());
                }
                if i.standard_id != Some(std.id) {
                    f.put("standard_id", std.id.to_string());
                }
                if i.payee != line.payee {
                    f.put("payee", line.payee.clone());
                }
                changes.push(if f.is_empty() { Change::Same } else { Change::Update(i.id, f) });
            }
        }
    }
    for i in &existing {
        let produced = calc.lines.iter().any(|l| Some(l.key.as_str()) == i.calc_key.as_deref());
        if produced && canonical(i) {
            continue;
        }
        let formula = if produced { DUPLICATE_FORMULA } else { VOID_FORMULA };
        if super::refused(i.status, super::Step::Amount).is_some() {
            changes.push(Change::Locked);
        } else if i.amount != 0 || i.calculated_amount != Some(0) || i.adjustment != 0 || i.formula != formula {
            let f =
                Fields::new().set("amount", 0).set("calculated_amount", 0).set("adjustment", 0).set("formula", formula);
            changes.push(Change::Void(i.id, f));
        } else {
            changes.push(Change::Same);
        }
    }
    Ok((calc, changes))
}

fn apply_plan(
    tx: &mut Tx,
    h: &Household,
    calc: &Calculation,
    changes: Vec<Change>,
    report: &mut RecalcReport,
) -> Result<()> {
    for p in &calc.problems {
        report.problems.push(HouseholdProblem { household_no: h.number.clone(), problem: p.clone() });
    }
    let Some(std) = &calc.standard else { return Ok(()) };
    report.households += 1;
    let reason = format!("按补偿标准第 {} 版计算", std.version);
    tx.with_reason(Some(&reason));
    for c in changes {
        match c {
            Change::Create(line) => {
                let id = tx.new_id();
                let f = Fields::new()
                    .set("household_id", h.id.to_string())
                    .set("kind", line.kind.id())
                    .set("label", line.label.as_str())
                    .set("amount", line.amount)
                    .set("status", PaymentStatus::Estimated.id())
                    .set("note", "")
                    .set("calc_key", line.key.as_str())
                    .set("formula", line.formula.as_str())
                    .set("standard_id", std.id.to_string())
                    .set("calculated_amount", line.amount)
                    .set("adjustment", 0)
                    .set("payee", line.payee.clone());
                tx.create(Entity::CompensationItem, id, Some(h.project_id), f)?;
                report.created += 1;
            }
            Change::Update(id, f) => {
                tx.update(Entity::CompensationItem, id, Some(h.project_id), f)?;
                report.updated += 1;
            }
            Change::Void(id, f) => {
                tx.update(Entity::CompensationItem, id, Some(h.project_id), f)?;
                report.voided += 1;
            }
            Change::Locked => report.locked += 1,
            Change::Same => report.unchanged += 1,
        }
    }
    tx.with_reason(None);
    Ok(())
}

/// The date a write calculates for: today, or a historical project's as-of date if earlier
/// (the demo plot, shown as of 2022-08-15, is not recalculated as of the real today).
pub fn calc_date(tx: &mut Tx, project: Uuid) -> Result<NaiveDate> {
    let today = tx.today();
    let p = crate::project::get(tx.conn(), project)?;
    Ok(p.as_of.map_or(today, |a| a.min(today)))
}

/// Whether a recalculation would change this calculated item (its figures are out of date).
pub fn is_stale(conn: &Connection, item: &Item, today: NaiveDate) -> Result<bool> {
    if item.is_manual() || item.status != PaymentStatus::Estimated {
        return Ok(false);
    }
    let h = household::get(conn, item.household_id)?;
    let (_, changes) = plan(conn, &h, today)?;
    Ok(changes.iter().any(|c| matches!(c, Change::Update(id, _) | Change::Void(id, _) if *id == item.id)))
}

/// Recalculates one household (after its inventory or appraisal changed).
pub fn recalc_household(tx: &mut Tx, household: Uuid) -> Result<()> {
    let mut report = RecalcReport::default();
    recalc_one(tx, household, &mut report)
}

fn recalc_one(tx: &mut Tx, household: Uuid, report: &mut RecalcReport) -> Result<()> {
    let h = household::get(tx.conn(), household)?;
    let today = calc_date(tx, h.project_id)?;
    let (calc, changes) = plan(tx.conn(), &h, today)?;
    apply_plan(tx, &h, &calc, changes, report)
}

/// Recalculates every household of a project (or one): creates missing items, updates
/// estimated ones (keeping their manual adjustments), leaves confirmed and paid ones as they
/// are, and sets to zero estimated items the standard no longer produces. Writes nothing
/// for a household whose items are already up to date.
pub fn recalc(tx: &mut Tx, project: Uuid, household: Option<Uuid>) -> Result<RecalcReport> {
    let mut report = RecalcReport::default();
    if standards::list(tx.conn(), project)?.is_empty() {
        return Err(Error::rule("compensation.no_standard", "本项目尚未发布补偿标准:请先发布标准再计算"));
    }
    let ids: Vec<Uuid> = match household {
        Some(h) => vec![h],
        None => household::list(tx.conn(), project)?.into_iter().map(|h| h.id).collect(),
    };
    for id in ids {
        recalc_one(tx, id, &mut report)?;
    }
    Ok(report)
}
