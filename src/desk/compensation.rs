//! The app's compensation calls: the standards page (versions, publishing, recalculation),
//! the household page's compensation section (sheet, adjustments, inventory, agreement
//! amount, appraisal, confirmation and payment) and the dashboard's fairness list.
//!
//! Amounts and quantities arrive as the user typed them ("1,200.50", "-2000") and are parsed
//! here with [`crate::units`], so the UI does no arithmetic on money.

use super::{date_or_as_of, household, operator, opt_date, HouseholdView};
use crate::compensation::fairness::{self, FairnessReport};
use crate::compensation::inventory::{self, NewInventoryItem};
use crate::compensation::standards::{self, CatalogueItem, Rules, Standard, StandardInput, StructurePrice, Usage};
use crate::compensation::{self as comp, calc, Payment};
use crate::error::Result;
use crate::{project, units, Db};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

// ------------------------------------------------------------------ standards page

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StandardVersion {
    pub standard: Standard,
    pub usage: Usage,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StandardsView {
    pub project_id: Uuid,
    pub as_of: NaiveDate,
    /// Oldest first.
    pub versions: Vec<StandardVersion>,
    /// The version in force on the as-of date.
    pub in_force_version: Option<i64>,
    /// Where the next version starts from: the latest version's rules, or (none published
    /// yet) the usual structures and catalogue with prices still to fill in.
    pub draft: Rules,
    /// The earliest effective date the next version may have.
    pub earliest_effective_on: Option<NaiveDate>,
}

/// The usual structure types and 地上附着物及青苗 of a plot, prices left at zero: publishing
/// refuses zero prices, so nothing is assumed on the team's behalf.
fn blank_rules() -> Rules {
    let structure = |s: &str| StructurePrice { structure: s.into(), price_fen: 0 };
    let item = |code: &str, name: &str, unit: &str| CatalogueItem {
        code: code.into(),
        name: name.into(),
        unit: unit.into(),
        price_fen: 0,
    };
    Rules {
        house_prices: vec![structure("砖混"), structure("砖木"), structure("钢混")],
        temp_months_monetary: 6,
        temp_months_swap: 12,
        catalogue: vec![
            item("vegetables", "蔬菜", "m²"),
            item("fruit_tree", "果树", "棵"),
            item("well", "水井", "口"),
            item("wall", "围墙", "m"),
            item("shed", "简易棚", "m²"),
        ],
        ..Rules::default()
    }
}

pub fn standards(db: &Db, project: Uuid) -> Result<StandardsView> {
    let conn = db.conn();
    let p = project::get(conn, project)?;
    let as_of = project::as_of(&p, None);
    let list = standards::list(conn, project)?;
    let in_force_version = list.iter().rfind(|s| s.effective_on <= as_of).map(|s| s.version);
    let draft = list.last().map_or_else(blank_rules, |s| s.rules.clone());
    let earliest_effective_on = list.last().map(|s| s.effective_on);
    let versions = list
        .into_iter()
        .map(|s| Ok(StandardVersion { usage: standards::usage(conn, s.id)?, standard: s }))
        .collect::<Result<_>>()?;
    Ok(StandardsView { project_id: project, as_of, versions, in_force_version, draft, earliest_effective_on })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StandardDraft {
    pub project_id: Uuid,
    pub effective_on: String,
    pub note: String,
    pub rules: Rules,
}

/// Publishes a new version; the items are not recalculated until asked
/// ([`recalc_compensation`]), so the team sees the sheets' pending changes first.
pub fn publish_standard(db: &mut Db, d: StandardDraft) -> Result<StandardsView> {
    let input = StandardInput {
        effective_on: units::parse_date("effective_on", &d.effective_on)?,
        note: d.note,
        rules: d.rules,
    };
    let who = operator(db)?;
    db.write(&who, |tx| standards::publish(tx, d.project_id, &input))?;
    standards(db, d.project_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RecalcInput {
    pub project_id: Uuid,
    /// One household, or every household of the project.
    pub household_id: Option<Uuid>,
}

pub fn recalc_compensation(db: &mut Db, r: RecalcInput) -> Result<calc::RecalcReport> {
    let who = operator(db)?;
    db.write(&who, |tx| calc::recalc(tx, r.project_id, r.household_id))
}

// ------------------------------------------------------------------ dashboard

/// The fairness list (阳光征迁复核清单); `threshold_percent` as typed ("5", "2.5"), 5% when empty.
pub fn fairness(db: &Db, project: Uuid, threshold_percent: Option<String>) -> Result<FairnessReport> {
    let p = project::get(db.conn(), project)?;
    let bp = match threshold_percent.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        // A percentage with two decimals is a count of basis points.
        Some(t) => units::parse_hundredths("threshold", t)?,
        None => fairness::DEFAULT_THRESHOLD_BP,
    };
    fairness::fairness(db.conn(), &p, bp, None)
}

// ------------------------------------------------------------------ household page

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AdjustInput {
    pub item_id: Uuid,
    /// Signed 元 as typed: "+2,000", "-500.5"; "0" removes the adjustment.
    pub adjustment: String,
    pub reason: String,
}

pub fn adjust_item(db: &mut Db, a: AdjustInput) -> Result<HouseholdView> {
    let by = units::parse_signed_hundredths("adjustment", &a.adjustment)?;
    let who = operator(db)?;
    let it = comp::get(db.conn(), a.item_id)?;
    db.write(&who, |tx| comp::adjust(tx, a.item_id, by, &a.reason))?;
    household(db, it.household_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConfirmAllInput {
    pub household_id: Uuid,
    /// The project's as-of date when empty.
    pub on: Option<String>,
}

/// Confirms every estimated item of a household at once (what the team does when the
/// household signs the settlement sheet).
pub fn confirm_household_items(db: &mut Db, c: ConfirmAllInput) -> Result<HouseholdView> {
    let on = date_or_as_of(db, c.household_id, "confirmed_on", &c.on)?;
    let who = operator(db)?;
    db.write(&who, |tx| comp::confirm_household(tx, c.household_id, on))?;
    household(db, c.household_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnconfirmInput {
    pub item_id: Uuid,
    pub reason: String,
}

/// Takes back a confirmation before payment, with a reason.
pub fn unconfirm_item(db: &mut Db, u: UnconfirmInput) -> Result<HouseholdView> {
    let hh = comp::get(db.conn(), u.item_id)?.household_id;
    let who = operator(db)?;
    db.write(&who, |tx| comp::unconfirm(tx, u.item_id, &u.reason))?;
    household(db, hh)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PayInput {
    pub item_id: Uuid,
    /// The project's as-of date when empty.
    pub on: Option<String>,
    pub voucher_no: String,
    /// The item's payee (an attachment's owner) or the household head when empty.
    pub payee: Option<String>,
    /// 元 as typed; when given it must equal the confirmed amount.
    pub amount: Option<String>,
}

pub fn pay(db: &mut Db, p: PayInput) -> Result<HouseholdView> {
    let it = comp::get(db.conn(), p.item_id)?;
    let amount_fen = p
        .amount
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(|a| units::parse_hundredths("amount", a))
        .transpose()?;
    let payment = Payment {
        paid_on: date_or_as_of(db, it.household_id, "paid_on", &p.on)?,
        voucher_no: p.voucher_no,
        payee: p.payee,
        amount_fen,
    };
    let who = operator(db)?;
    db.write(&who, |tx| comp::pay_with(tx, p.item_id, &payment))?;
    household(db, it.household_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InventoryInput {
    pub household_id: Uuid,
    /// Catalogue code or name.
    pub code: String,
    /// In the catalogue's unit, as typed ("86.5").
    pub quantity: String,
    pub owner: Option<String>,
    pub surveyed_on: Option<String>,
    /// The operator when empty.
    pub surveyor: String,
    pub note: String,
}

/// Records a surveyed crop or attachment; the household is recalculated.
pub fn add_inventory(db: &mut Db, i: InventoryInput) -> Result<HouseholdView> {
    let who = operator(db)?;
    let new = NewInventoryItem {
        code: i.code,
        quantity: units::parse_hundredths("quantity", &i.quantity)?,
        owner: i.owner.map(|o| o.trim().to_string()).filter(|o| !o.is_empty()),
        surveyed_on: opt_date("surveyed_on", &i.surveyed_on)?,
        surveyor: if i.surveyor.trim().is_empty() { who.clone() } else { i.surveyor },
        note: i.note,
    };
    db.write(&who, |tx| inventory::add(tx, i.household_id, &new))?;
    household(db, i.household_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InventoryCorrection {
    pub id: Uuid,
    /// The corrected quantity; empty withdraws the line (entered by mistake).
    pub quantity: Option<String>,
    pub reason: String,
}

/// Corrects a surveyed quantity or withdraws the line, with a reason; recalculates.
pub fn correct_inventory(db: &mut Db, c: InventoryCorrection) -> Result<HouseholdView> {
    let it = inventory::get(db.conn(), c.id)?;
    let quantity = c
        .quantity
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .map(|q| units::parse_hundredths("quantity", q))
        .transpose()?;
    let who = operator(db)?;
    db.write(&who, |tx| match quantity {
        Some(q) => inventory::set_quantity(tx, c.id, q, &c.reason),
        None => inventory::withdraw(tx, c.id, &c.reason),
    })?;
    household(db, it.household_id)
}

/// Which household figure an [`AmountInput`] sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum HouseholdAmount {
    /// The total written in the agreement (协议金额).
    Agreement,
    /// An appraised house value (评估价值) replacing area × price.
    Appraisal,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AmountInput {
    pub household_id: Uuid,
    pub what: HouseholdAmount,
    /// 元 as typed; empty clears it.
    pub amount: String,
    pub reason: String,
}

pub fn set_household_amount(db: &mut Db, a: AmountInput) -> Result<HouseholdView> {
    let field = match a.what {
        HouseholdAmount::Agreement => "agreement_amount",
        HouseholdAmount::Appraisal => "appraised_value",
    };
    let amount =
        Some(a.amount.trim()).filter(|t| !t.is_empty()).map(|t| units::parse_hundredths(field, t)).transpose()?;
    let who = operator(db)?;
    db.write(&who, |tx| match a.what {
        HouseholdAmount::Agreement => comp::set_agreement_amount(tx, a.household_id, amount, Some(&a.reason)),
        HouseholdAmount::Appraisal => comp::set_appraisal(tx, a.household_id, amount, &a.reason),
    })?;
    household(db, a.household_id)
}

/// The catalogue a household's inventory is priced from (the latest version's, as
/// [`inventory::add`] uses), for the page's choice of kinds.
pub(super) fn catalogue(db: &Db, project: Uuid) -> Result<Vec<CatalogueItem>> {
    Ok(standards::list(db.conn(), project)?.pop().map(|s| s.rules.catalogue).unwrap_or_default())
}
