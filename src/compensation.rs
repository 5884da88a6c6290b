//! Compensation per household: items calculated from the plot's published standards
//! ([`standards`], [`calc`]) or entered directly, the crops-and-attachments inventory
//! ([`inventory`]), manual adjustments with a reason, 测算 → 已确认 → 已支付 with locks, the
//! settlement sheet with totals in figures and capitals ([`sheet`], [`capitals`]), and the
//! fairness list a supervisor reviews before publication ([`fairness`]).
//!
//! Money is integer fen throughout; each calculated item is rounded half up to the fen once
//! (see [`calc`]).

pub mod calc;
pub mod capitals;
pub mod fairness;
pub mod inventory;
pub mod sheet;
pub mod standards;

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
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// The rule of the standards that produced this item (None: entered directly).
    pub calc_key: Option<String>,
    /// The calculation with its numbers filled in, e.g. 125.40 m² × 8,600 元/m²(砖混) = 1,078,440.00 元.
    pub formula: String,
    pub standard_id: Option<Uuid>,
    pub standard_version: Option<i64>,
    /// fen, as calculated, before the manual adjustment.
    pub calculated_amount: Option<i64>,
    /// fen, signed; `amount` = `calculated_amount` + `adjustment`.
    pub adjustment: i64,
    pub adjustment_reason: Option<String>,
    pub adjusted_by: Option<String>,
    /// Who is (to be) paid; by default the household head.
    pub payee: Option<String>,
}

impl Item {
    /// Entered by hand rather than calculated from the standards.
    pub fn is_manual(&self) -> bool {
        self.calc_key.is_none()
    }
}

/// A step taken on an item. Which steps each status allows is stated once, in [`refused`]:
/// every write of this module asks it, and so does the merge's review of two laptops'
/// concurrent steps ([`concurrent_steps`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A new amount (typed, adjusted, recalculated or voided).
    Amount,
    Confirm,
    Unconfirm,
    Pay,
}

impl Step {
    /// The step an operation on an item took, read from the fields it set.
    fn of(fields: &Fields) -> Option<Step> {
        match fields.0.get("status").and_then(|v| v.as_str()).and_then(|s| PaymentStatus::parse(s).ok()) {
            Some(PaymentStatus::Estimated) => Some(Step::Unconfirm),
            Some(PaymentStatus::Confirmed) => Some(Step::Confirm),
            Some(PaymentStatus::Paid) => Some(Step::Pay),
            None if fields.0.contains_key("amount") => Some(Step::Amount),
            None => None,
        }
    }

    /// The status the step leaves the item in (an amount leaves it as it was).
    fn leaves(self) -> Option<PaymentStatus> {
        match self {
            Step::Amount => None,
            Step::Confirm => Some(PaymentStatus::Confirmed),
            Step::Unconfirm => Some(PaymentStatus::Estimated),
            Step::Pay => Some(PaymentStatus::Paid),
        }
    }
}

/// The rule that refuses `step` on an item in `status`, if one does: amounts change only while
/// 测算, confirming and paying happen once, only a confirmed item is paid, a paid item is locked.
pub(crate) fn refused(status: PaymentStatus, step: Step) -> Option<&'static str> {
    use PaymentStatus::{Confirmed, Estimated, Paid};
    match (status, step) {
        (Estimated, Step::Amount | Step::Confirm) | (Confirmed, Step::Unconfirm | Step::Pay) => None,
        (Estimated, Step::Unconfirm) => Some("compensation.not_confirmed"),
        (Estimated, Step::Pay) => Some("compensation.pay_needs_confirmation"),
        (Confirmed | Paid, Step::Amount) => Some("compensation.amount_locked"),
        (Confirmed | Paid, Step::Confirm) => Some("compensation.confirm_once"),
        (Paid, Step::Unconfirm | Step::Pay) => Some("compensation.paid_locked"),
    }
}

/// Two updates of one item written on two laptops, neither knowing the other (`first` before
/// `second` in replay order). Each was allowed where it was written; together they break a
/// rule when the step of one would have been refused in the status the other left: then
/// returns whether `first` is the side that locks (the one that took the item further:
/// 已支付 over 已确认 over 测算; between two payments, the first) and the rule. The same
/// confirmation or un-confirmation on both laptops breaks nothing (different dates are a
/// conflict of the field); two payments are a double payment unless they are the same record.
pub(crate) fn concurrent_steps(first: &Fields, second: &Fields) -> Option<(bool, &'static str)> {
    let (a, b) = (Step::of(first)?, Step::of(second)?);
    if (a == b && a != Step::Pay) || first == second {
        return None;
    }
    let rank = |s: Step| match s.leaves() {
        None => 0,
        Some(PaymentStatus::Estimated) => 1,
        Some(PaymentStatus::Confirmed) => 2,
        Some(PaymentStatus::Paid) => 3,
    };
    let first_locks = rank(a) >= rank(b);
    let (lock, other) = if first_locks { (a, b) } else { (b, a) };
    refused(lock.leaves()?, other).map(|rule| (first_locks, rule))
}

/// What one side of [`concurrent_steps`] did, in words for the review.
pub(crate) fn describe_step(fields: &Fields) -> String {
    let text = |k: &str| fields.0.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let amount = fields.0.get("amount").and_then(|v| v.as_i64());
    match Step::of(fields) {
        Some(Step::Pay) => {
            let voucher = text("voucher_no");
            format!(
                "登记支付（支付日期 {}{}）",
                text("paid_on"),
                if voucher.is_empty() { String::new() } else { format!("，凭证 {voucher}") }
            )
        }
        Some(Step::Confirm) => format!("确认金额（确认日期 {}）", text("confirmed_on")),
        Some(Step::Unconfirm) => "撤销确认".to_string(),
        Some(Step::Amount) => match amount {
            Some(a) => format!("将金额改为 {}", crate::units::format_yuan(a)),
            None => "修改金额".to_string(),
        },
        None => "修改".to_string(),
    }
}

pub fn add(
    tx: &mut Tx,
    household: Uuid,
    kind: CompensationKind,
    label: &str,
    amount_fen: i64,
    note: &str,
) -> Result<Uuid> {
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
    if let Some(rule) = refused(it.status, Step::Amount) {
        return Err(Error::rule(rule, format!("补偿项「{}」状态为「{}」，金额已锁定", it.label, it.status.zh())));
    }
    if !it.is_manual() {
        return Err(Error::rule(
            "compensation.calculated_amount",
            format!("补偿项「{}」按补偿标准计算，不能直接改金额；如确需调整，请用手工调整并注明原因", it.label),
        ));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    tx.update(Entity::CompensationItem, item, Some(project), Fields::new().set("amount", amount_fen))
}

/// A manual adjustment of a calculated item still being estimated: `amount` becomes the
/// calculated amount plus `adjustment_fen` (0 removes it). Needs a reason; the author and
/// the reason are kept on the item and in the log, and the item is flagged in the fairness list.
pub fn adjust(tx: &mut Tx, item: Uuid, adjustment_fen: i64, reason: &str) -> Result<()> {
    let it = get(tx.conn(), item)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule(
            "compensation.adjustment_needs_reason",
            format!("调整补偿项「{}」必须注明原因", it.label),
        ));
    }
    if let Some(rule) = refused(it.status, Step::Amount) {
        return Err(Error::rule(rule, format!("补偿项「{}」状态为「{}」，金额已锁定", it.label, it.status.zh())));
    }
    let Some(calculated) = it.calculated_amount else {
        return Err(Error::rule(
            "compensation.adjust_calculated_only",
            format!("补偿项「{}」是直接录入的，请直接修改金额", it.label),
        ));
    };
    let amount = calculated.checked_add(adjustment_fen).ok_or_else(|| Error::invalid("adjustment", "调整金额过大"))?;
    if amount < 0 {
        return Err(Error::invalid(
            "adjustment",
            format!("调整后金额为 {}，补偿金额不能为负数", crate::units::format_yuan(amount)),
        ));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    let author = tx.author().to_string();
    let f = Fields::new()
        .set("adjustment", adjustment_fen)
        .set("amount", amount)
        .set("adjustment_reason", Some(reason).filter(|_| adjustment_fen != 0))
        .set("adjusted_by", Some(author).filter(|_| adjustment_fen != 0));
    tx.with_reason(Some(reason));
    tx.update(Entity::CompensationItem, item, Some(project), f)?;
    tx.with_reason(None);
    Ok(())
}

pub fn confirm(tx: &mut Tx, item: Uuid, on: NaiveDate) -> Result<()> {
    let it = get(tx.conn(), item)?;
    if let Some(rule) = refused(it.status, Step::Confirm) {
        return Err(Error::rule(rule, format!("补偿项「{}」状态为「{}」，不能再次确认", it.label, it.status.zh())));
    }
    let h = household::get(tx.conn(), it.household_id)?;
    let today = calc::calc_date(tx, h.project_id)?;
    if calc::is_stale(tx.conn(), &it, today)? {
        return Err(Error::rule(
            "compensation.recalc_first",
            format!(
                "补偿项「{}」的金额与现行标准或户情况不符，请先重新计算（jingdi compensation recalc）再确认",
                it.label
            ),
        ));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    let f = Fields::new().set("status", PaymentStatus::Confirmed.id()).set("confirmed_on", on.to_string());
    tx.update(Entity::CompensationItem, item, Some(project), f)
}

/// Takes back a confirmation made in error or overtaken by a renegotiation (已确认 → 测算), so
/// the item can be recalculated or adjusted again. Only before payment
/// (`compensation.paid_locked`), and with a reason kept in the log
/// (`compensation.unconfirm_needs_reason`).
pub fn unconfirm(tx: &mut Tx, item: Uuid, reason: &str) -> Result<()> {
    let it = get(tx.conn(), item)?;
    let reason = reason.trim();
    if let Some(rule) = refused(it.status, Step::Unconfirm) {
        let message = match it.status {
            PaymentStatus::Paid => format!(
                "补偿项「{}」已于 {} 支付，不能撤销确认",
                it.label,
                it.paid_on.map(|d| d.to_string()).unwrap_or_default()
            ),
            _ => format!("补偿项「{}」尚未确认，无需撤销", it.label),
        };
        return Err(Error::rule(rule, message));
    }
    if reason.is_empty() {
        return Err(Error::rule(
            "compensation.unconfirm_needs_reason",
            format!("撤销补偿项「{}」的确认必须注明原因", it.label),
        ));
    }
    let project = project_of(tx.conn(), it.household_id)?;
    let f = Fields::new().set("status", PaymentStatus::Estimated.id()).set("confirmed_on", None::<String>);
    tx.with_reason(Some(reason));
    tx.update(Entity::CompensationItem, item, Some(project), f)?;
    tx.with_reason(None);
    Ok(())
}

/// Confirms every item of a household still being estimated (zero amounts left out);
/// returns how many were confirmed.
pub fn confirm_household(tx: &mut Tx, household: Uuid, on: NaiveDate) -> Result<usize> {
    let items: Vec<Item> = for_household(tx.conn(), household)?
        .into_iter()
        .filter(|i| i.status == PaymentStatus::Estimated && i.amount > 0)
        .collect();
    for i in &items {
        confirm(tx, i.id, on)?;
    }
    Ok(items.len())
}

/// Records payment of a confirmed item; a paid item is locked from then on.
/// The payee is the item's own (an attachment's owner) or else the household head.
pub fn pay(tx: &mut Tx, item: Uuid, on: NaiveDate, voucher_no: &str) -> Result<()> {
    pay_with(tx, item, &Payment { paid_on: on, voucher_no: voucher_no.to_string(), payee: None, amount_fen: None })
}

/// A payment as the finance office records it.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Payment {
    pub paid_on: NaiveDate,
    pub voucher_no: String,
    /// Default: the item's payee, else the household head.
    pub payee: Option<String>,
    /// fen; when given it must equal the confirmed amount (items are paid whole).
    pub amount_fen: Option<i64>,
}

/// Records a payment: only of a confirmed item (`compensation.pay_needs_confirmation`), once
/// (`compensation.paid_locked`), never more than confirmed (`compensation.payment_exceeds_confirmed`)
/// nor less (`compensation.partial_payment`: items are paid whole).
pub fn pay_with(tx: &mut Tx, item: Uuid, p: &Payment) -> Result<()> {
    let on = p.paid_on;
    let voucher_no = p.voucher_no.as_str();
    let it = get(tx.conn(), item)?;
    if let Some(rule) = refused(it.status, Step::Pay) {
        let message = match it.status {
            PaymentStatus::Paid => format!(
                "补偿项「{}」已于 {} 支付，不能重复支付",
                it.label,
                it.paid_on.map(|d| d.to_string()).unwrap_or_default()
            ),
            _ => format!("补偿项「{}」尚未确认，不能支付", it.label),
        };
        return Err(Error::rule(rule, message));
    }
    if let Some(a) = p.amount_fen {
        if a < 0 {
            return Err(Error::invalid("amount", "支付金额不能为负数"));
        }
        if a > it.amount {
            return Err(Error::rule(
                "compensation.payment_exceeds_confirmed",
                format!(
                    "支付金额 {} 大于补偿项「{}」的确认金额 {}",
                    crate::units::format_yuan(a),
                    it.label,
                    crate::units::format_yuan(it.amount)
                ),
            ));
        }
        if a < it.amount {
            return Err(Error::rule(
                "compensation.partial_payment",
                format!(
                    "支付金额 {} 小于确认金额 {}：补偿项按确认金额整笔支付",
                    crate::units::format_yuan(a),
                    crate::units::format_yuan(it.amount)
                ),
            ));
        }
    }
    if it.confirmed_on.is_some_and(|c| on < c) {
        return Err(Error::invalid(
            "paid_on",
            format!("支付日期 {on} 早于确认日期 {}", it.confirmed_on.expect("checked")),
        ));
    }
    let h = household::get(tx.conn(), it.household_id)?;
    let project = h.project_id;
    let payee = p
        .payee
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or(it.payee.clone())
        .unwrap_or(h.head_name);
    let f = Fields::new()
        .set("payee", payee)
        .set("status", PaymentStatus::Paid.id())
        .set("paid_on", on.to_string())
        .set("voucher_no", Some(voucher_no.trim()).filter(|v| !v.is_empty()));
    tx.update(Entity::CompensationItem, item, Some(project), f)
}

fn project_of(conn: &Connection, household: Uuid) -> Result<Uuid> {
    Ok(household::get(conn, household)?.project_id)
}

const COLS: &str = "c.id, c.household_id, c.kind, c.label, c.amount, c.status, c.confirmed_on, c.paid_on,
    c.voucher_no, c.note, c.calc_key, c.formula, c.standard_id, s.version, c.calculated_amount, c.adjustment,
    c.adjustment_reason, c.adjusted_by, c.payee";
const FROM: &str = "compensation_items c LEFT JOIN compensation_standards s ON s.id = c.standard_id";

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
        calc_key: r.get(10)?,
        formula: r.get(11)?,
        standard_id: read::opt_uuid(r, 12)?,
        standard_version: r.get(13)?,
        calculated_amount: r.get(14)?,
        adjustment: r.get(15)?,
        adjustment_reason: r.get(16)?,
        adjusted_by: r.get(17)?,
        payee: r.get(18)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Item> {
    conn.query_row(&format!("SELECT {COLS} FROM {FROM} WHERE c.id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("补偿项", id.to_string()))
}

pub fn for_household(conn: &Connection, household: Uuid) -> Result<Vec<Item>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLS} FROM {FROM} WHERE c.household_id = ?1 ORDER BY c.kind, c.label, c.id"))?;
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
        0 => Err(Error::not_found(
            "补偿项",
            format!("{}{}", kind.zh(), label.map(|l| format!("「{l}」")).unwrap_or_default()),
        )),
        _ => Err(Error::rule(
            "compensation.ambiguous",
            format!(
                "该户有多项「{}」，请用 --label 指定：{}",
                kind.zh(),
                items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>().join("、")
            ),
        )),
    }
}

/// The calculated item of a household produced by the rule `key`, if there is one.
pub fn by_calc_key(conn: &Connection, household: Uuid, key: &str) -> Result<Option<Item>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLS} FROM {FROM} WHERE c.household_id = ?1 AND c.calc_key = ?2"),
            [household.to_string(), key.to_string()],
            from_row,
        )
        .optional()?)
}

/// Household facts that only compensation uses: the amount written in the agreement and
/// an appraised house value (both fen).
#[derive(Debug, Clone, Copy, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Facts {
    pub agreement_amount: Option<i64>,
    pub appraised_value: Option<i64>,
}

pub fn facts(conn: &Connection, household: Uuid) -> Result<Facts> {
    conn.query_row(
        "SELECT agreement_amount, appraised_value FROM households WHERE id = ?1",
        [household.to_string()],
        |r| Ok(Facts { agreement_amount: r.get(0)?, appraised_value: r.get(1)? }),
    )
    .optional()?
    .ok_or_else(|| Error::not_found("户", household.to_string()))
}

/// The total written in the agreement (None clears it). Once the household has signed it is
/// locked like the other agreement fields: changing it needs a reason (`agreement.locked`).
pub fn set_agreement_amount(tx: &mut Tx, household: Uuid, amount_fen: Option<i64>, reason: Option<&str>) -> Result<()> {
    let h = household::get(tx.conn(), household)?;
    if amount_fen.is_some_and(|a| a < 0) {
        return Err(Error::invalid("agreement_amount", "协议金额不能为负数"));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if h.stage.is_signed() && reason.is_none() {
        return Err(Error::rule(
            "agreement.locked",
            format!("户 {} 已签约，协议金额已锁定；如确需修改，请注明解锁原因", h.number),
        ));
    }
    tx.with_reason(reason);
    tx.update(Entity::Household, household, Some(h.project_id), Fields::new().set("agreement_amount", amount_fen))?;
    tx.with_reason(None);
    Ok(())
}

/// An appraised house value (评估价值) that replaces area × structure price for this
/// household (None: back to the standard price); the household is then recalculated.
pub fn set_appraisal(tx: &mut Tx, household: Uuid, value_fen: Option<i64>, reason: &str) -> Result<()> {
    let h = household::get(tx.conn(), household)?;
    if let Some(v) = value_fen {
        if v <= 0 {
            return Err(Error::invalid("appraised_value", "评估价值必须大于零"));
        }
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::rule("compensation.appraisal_needs_reason", "录入评估价值需要注明依据（如评估报告编号）"));
    }
    tx.with_reason(Some(reason));
    tx.update(Entity::Household, household, Some(h.project_id), Fields::new().set("appraised_value", value_fen))?;
    tx.with_reason(None);
    calc::recalc_household(tx, household)
}

/// A unit price for formulas: whole 元 without decimals (8,600), else two (12.50).
pub fn format_price(fen: i64) -> String {
    let s = crate::units::format_hundredths(fen);
    if fen % 100 == 0 {
        s.trim_end_matches(".00").to_string()
    } else {
        s
    }
}

/// A quantity in hundredths of `unit`: lengths and areas with two decimals (86.00 m²),
/// counts without when whole (3 棵).
pub fn format_quantity(q: i64, unit: &str) -> String {
    let measured = unit.starts_with('m') || unit.contains('米');
    let n = if measured || q % 100 != 0 { crate::units::format_hundredths(q) } else { format_price(q) };
    if unit.is_empty() {
        n
    } else {
        format!("{n} {unit}")
    }
}
