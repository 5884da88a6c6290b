//! The fairness list (阳光征迁): what a supervisor reviews before the figures are published.
//!
//! - `per_m2_deviation`: the household's area-based compensation (house value, relocation,
//!   temporary resettlement, as recorded) per m² of floor area differs from what its
//!   standard version gives for its structure and mode by more than the threshold. The
//!   comparison is exact: |actual − standard| × 10000 > threshold_bp × standard.
//! - `manual_adjustment`: a calculated item was adjusted by hand (with its reason and author).
//! - `manual_item`: an item entered directly rather than calculated from the standards.
//! - `incentive_outside_tier`: the signing incentives recorded differ from the tier of the
//!   agreement date, or an on-time handover incentive is recorded although the handover
//!   came (or, as of the date, is still not done) after the deadline.
//! - `agreement_mismatch`: the agreement's amount and the settlement's sum differ.

use super::calc::{self, mul_round};
use super::{standards::Rules, Item};
use crate::error::Result;
use crate::household::{self, Household};
use crate::project::Project;
use crate::units::{format_hundredths, format_yuan};
use crate::vocab::{CompensationKind, CompensationMode};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

/// 5%: the default threshold, in basis points.
pub const DEFAULT_THRESHOLD_BP: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FairnessKind {
    PerM2Deviation,
    ManualAdjustment,
    ManualItem,
    IncentiveOutsideTier,
    AgreementMismatch,
}

impl FairnessKind {
    pub fn zh(self) -> &'static str {
        match self {
            FairnessKind::PerM2Deviation => "单价偏离标准",
            FairnessKind::ManualAdjustment => "手工调整",
            FairnessKind::ManualItem => "手工录入项",
            FairnessKind::IncentiveOutsideTier => "奖励不符档次",
            FairnessKind::AgreementMismatch => "协议金额与结算不符",
        }
    }
}

/// What a flag found, as values: the app words it in the reader's language; `zh` is the
/// sentence the CLI and the exports print (`FairnessEntry::detail`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FairnessFacts {
    /// Area-based compensation per m² against the standard's (fen per m²).
    PerM2 { actual_fen_per_m2: i64, standard_fen_per_m2: i64, version: i64, floor_area_centi: i64, deviation_bp: i64 },
    /// A calculated item adjusted by hand.
    Adjusted {
        label: String,
        adjustment_fen: i64,
        calculated_fen: i64,
        amount_fen: i64,
        reason: Option<String>,
        by: Option<String>,
    },
    /// An item entered directly.
    Manual { label: String, kind: CompensationKind, amount_fen: i64, note: String },
    /// Signing incentives recorded against the tier of the agreement date (none when not signed).
    Incentive { signing_fen: i64, agreement_date: Option<NaiveDate>, tier: Option<String>, tier_fen: Option<i64> },
    /// An on-time handover incentive although the handover came (or is still not done) late.
    HandoverLate { amount_fen: i64, vacated_on: Option<NaiveDate>, due: NaiveDate, as_of: NaiveDate },
    /// The agreement's amount against the settlement's sum.
    Agreement { agreement_fen: i64, settlement_fen: i64 },
}

impl FairnessFacts {
    /// The sentence in Chinese.
    pub fn zh(&self) -> String {
        match self {
            FairnessFacts::PerM2 {
                actual_fen_per_m2,
                standard_fen_per_m2,
                version,
                floor_area_centi,
                deviation_bp,
            } => {
                let bp = *deviation_bp;
                format!(
                    "按面积补偿 {} 元/m²，按第 {version} 版标准应为 {} 元/m²({}{}.{:02}%,{} m²)",
                    format_hundredths(*actual_fen_per_m2),
                    format_hundredths(*standard_fen_per_m2),
                    if bp >= 0 { "+" } else { "-" },
                    bp.abs() / 100,
                    bp.abs() % 100,
                    format_hundredths(*floor_area_centi)
                )
            }
            FairnessFacts::Adjusted { label, adjustment_fen, calculated_fen, amount_fen, reason, by } => format!(
                "「{label}」调整 {}{}（计算 {}，现 {}）；原因：{}；调整人 {}",
                if *adjustment_fen > 0 { "+" } else { "-" },
                format_yuan(adjustment_fen.abs()),
                format_yuan(*calculated_fen),
                format_yuan(*amount_fen),
                reason.as_deref().unwrap_or("—"),
                by.as_deref().unwrap_or("—")
            ),
            FairnessFacts::Manual { label, kind, amount_fen, note } => format!(
                "「{label}」（{}）{} 为直接录入，未按补偿标准计算{}",
                kind.zh(),
                format_yuan(*amount_fen),
                if note.is_empty() { String::new() } else { format!("；备注：{note}") }
            ),
            FairnessFacts::Incentive { signing_fen, agreement_date, tier, tier_fen } => {
                let tier_text = match (agreement_date, tier) {
                    (None, _) => "尚未签约，不应有签约奖励".to_string(),
                    (Some(d), None) => format!("签约日期 {d} 不在任何奖励档次内"),
                    (Some(d), Some(t)) => {
                        format!("签约日期 {d} 属「{t}」档，应为 {}", format_yuan(tier_fen.unwrap_or(0)))
                    }
                };
                format!("签约奖励共 {}；{tier_text}", format_yuan(*signing_fen))
            }
            FairnessFacts::HandoverLate { amount_fen, vacated_on, due, as_of } => format!(
                "已记按期交房奖励 {}，但{}（期限 {due}）",
                format_yuan(*amount_fen),
                vacated_on.map_or(format!("截至 {as_of} 尚未交房"), |v| format!("{v} 才交房"))
            ),
            FairnessFacts::Agreement { agreement_fen, settlement_fen } => format!(
                "协议金额 {}，结算合计 {}，相差 {}",
                format_yuan(*agreement_fen),
                format_yuan(*settlement_fen),
                format_yuan(agreement_fen - settlement_fen)
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FairnessEntry {
    pub household_id: Uuid,
    pub household_no: String,
    pub head_name: String,
    pub kind: FairnessKind,
    pub kind_zh: String,
    /// `facts` in Chinese.
    pub detail: String,
    pub facts: FairnessFacts,
    /// The item concerned, where one is.
    pub item_id: Option<Uuid>,
    /// The deviation in fen (actual − standard, the adjustment, the item's amount, or
    /// agreement − settlement).
    pub amount_fen: Option<i64>,
    /// For `per_m2_deviation`: (actual − standard) / standard in basis points, rounded toward zero.
    pub deviation_bp: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FairnessReport {
    pub project_code: String,
    pub as_of: NaiveDate,
    pub threshold_bp: i64,
    pub households_checked: usize,
    pub households_flagged: usize,
    /// By household number, then kind.
    pub entries: Vec<FairnessEntry>,
}

/// What the standard gives for area: house value by structure, relocation, resettlement.
/// None when the structure has no price.
pub fn area_standard(r: &Rules, h: &Household) -> Option<i64> {
    let price = r.house_price(&h.structure)?;
    let swap = h.compensation_mode == Some(CompensationMode::PropertySwap);
    let months = if swap { r.temp_months_swap } else { r.temp_months_monetary };
    Some(
        mul_round(h.floor_area, price, 1)
            + mul_round(h.floor_area, r.relocation_fen, if swap { 2 } else { 1 })
            + mul_round(h.floor_area, r.temp_resettlement_fen, months),
    )
}

/// fen per m² (fen × 100 / area in 0.01 m²), rounded half up; for display only.
fn per_m2(fen: i64, centi_m2: i64) -> i64 {
    let area = centi_m2.max(1) as i128;
    ((fen as i128 * 100 * 2 + area) / (area * 2)) as i64
}

pub fn fairness(conn: &Connection, p: &Project, threshold_bp: i64, as_of: Option<NaiveDate>) -> Result<FairnessReport> {
    let as_of = crate::project::asked_as_of(p, as_of)?;
    let mut entries = Vec::new();
    let mut checked = 0;
    for h in household::list(conn, p.id)? {
        let items = super::for_household(conn, h.id)?;
        let std = calc::version_for(conn, &h, as_of)?.ok();
        if items.is_empty() {
            continue;
        }
        checked += 1;
        let mut push =
            |kind: FairnessKind, facts: FairnessFacts, item: Option<&Item>, amount: Option<i64>, bp: Option<i64>| {
                entries.push(FairnessEntry {
                    household_id: h.id,
                    household_no: h.number.clone(),
                    head_name: h.head_name.clone(),
                    kind,
                    kind_zh: kind.zh().to_string(),
                    detail: facts.zh(),
                    facts,
                    item_id: item.map(|i| i.id),
                    amount_fen: amount,
                    deviation_bp: bp,
                })
            };

        if let (Some(std), true) = (&std, h.floor_area > 0) {
            let actual: i64 = items
                .iter()
                .filter(|i| {
                    matches!(
                        i.kind,
                        CompensationKind::HouseValue
                            | CompensationKind::Relocation
                            | CompensationKind::TemporaryResettlement
                    )
                })
                .map(|i| i.amount)
                .sum();
            if let Some(standard) = area_standard(&std.rules, &h).filter(|s| *s > 0 && actual > 0) {
                let diff = actual - standard;
                if diff.unsigned_abs() as i128 * 10_000 > threshold_bp as i128 * standard as i128 {
                    let bp = (diff as i128 * 10_000 / standard as i128) as i64;
                    push(
                        FairnessKind::PerM2Deviation,
                        FairnessFacts::PerM2 {
                            actual_fen_per_m2: per_m2(actual, h.floor_area),
                            standard_fen_per_m2: per_m2(standard, h.floor_area),
                            version: std.version,
                            floor_area_centi: h.floor_area,
                            deviation_bp: bp,
                        },
                        None,
                        Some(diff),
                        Some(bp),
                    );
                }
            }
        }

        for i in items.iter().filter(|i| i.adjustment != 0) {
            push(
                FairnessKind::ManualAdjustment,
                FairnessFacts::Adjusted {
                    label: i.label.clone(),
                    adjustment_fen: i.adjustment,
                    calculated_fen: i.calculated_amount.unwrap_or(0),
                    amount_fen: i.amount,
                    reason: i.adjustment_reason.clone(),
                    by: i.adjusted_by.clone(),
                },
                Some(i),
                Some(i.adjustment),
                None,
            );
        }
        for i in items.iter().filter(|i| i.is_manual() && i.amount != 0) {
            push(
                FairnessKind::ManualItem,
                FairnessFacts::Manual {
                    label: i.label.clone(),
                    kind: i.kind,
                    amount_fen: i.amount,
                    note: i.note.clone(),
                },
                Some(i),
                Some(i.amount),
                None,
            );
        }

        if let Some(std) = &std {
            let r = &std.rules;
            let signing: i64 = items
                .iter()
                .filter(|i| i.kind == CompensationKind::Incentive && i.calc_key.as_deref() != Some(calc::KEY_HANDOVER))
                .map(|i| i.amount)
                .sum();
            let tier = h.agreement_date.and_then(|d| r.tier_for(d));
            let expected = tier.map_or(0, |t| t.amount_fen);
            if signing != expected {
                push(
                    FairnessKind::IncentiveOutsideTier,
                    FairnessFacts::Incentive {
                        signing_fen: signing,
                        agreement_date: h.agreement_date,
                        tier: tier.map(|t| t.label.clone()),
                        tier_fen: tier.map(|t| t.amount_fen),
                    },
                    None,
                    Some(signing - expected),
                    None,
                );
            }
            if let Some(by) = r.handover_by {
                let vacated = calc::vacated_on(conn, h.id)?;
                let late = match vacated {
                    Some(v) => v > by,
                    None => as_of > by,
                };
                for i in items.iter().filter(|i| i.calc_key.as_deref() == Some(calc::KEY_HANDOVER) && i.amount > 0) {
                    if late {
                        push(
                            FairnessKind::IncentiveOutsideTier,
                            FairnessFacts::HandoverLate { amount_fen: i.amount, vacated_on: vacated, due: by, as_of },
                            Some(i),
                            Some(i.amount),
                            None,
                        );
                    }
                }
            }
        }

        let facts = super::facts(conn, h.id)?;
        let total: i64 = items.iter().map(|i| i.amount).sum();
        if let Some(a) = facts.agreement_amount.filter(|a| *a != total) {
            push(
                FairnessKind::AgreementMismatch,
                FairnessFacts::Agreement { agreement_fen: a, settlement_fen: total },
                None,
                Some(a - total),
                None,
            );
        }
    }
    let mut flagged: Vec<&str> = entries.iter().map(|e| e.household_no.as_str()).collect();
    flagged.dedup();
    let households_flagged = flagged.len();
    Ok(FairnessReport {
        project_code: p.code.clone(),
        as_of,
        threshold_bp,
        households_checked: checked,
        households_flagged,
        entries,
    })
}
