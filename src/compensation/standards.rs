//! The plot's compensation standards: a versioned table of unit prices per project.
//!
//! A version is published once and never changed (append-only); a change is a new version
//! with its own effective date. Which version a household's items use is decided in
//! [`super::calc::version_for`]: the version its confirmed items were calculated under,
//! else the newest version in force on its agreement date (or today, before signing).

use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// House value per m² for one structure type (砖混, 砖木, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StructurePrice {
    pub structure: String,
    /// fen per m²
    pub price_fen: i64,
}

/// A signing-incentive tier: agreements signed on or before `until` get `amount_fen`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct IncentiveTier {
    pub until: NaiveDate,
    pub amount_fen: i64,
    /// e.g. 前10天签约
    pub label: String,
}

/// A fixed subsidy for a special circumstance (低保, 残疾, 大病, 高龄, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Subsidy {
    pub circumstance: String,
    pub amount_fen: i64,
}

/// One entry of the 地上附着物及青苗 catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CatalogueItem {
    /// Stable across versions, e.g. `vegetables`, `fruit_tree`, `well`.
    pub code: String,
    /// e.g. 蔬菜
    pub name: String,
    /// e.g. m², 棵, 口, m
    pub unit: String,
    /// fen per unit
    pub price_fen: i64,
}

/// The unit prices of one version. Every amount is fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Rules {
    /// House value per m² by structure type (unless an appraised value is entered per household).
    pub house_prices: Vec<StructurePrice>,
    /// Relocation fee per m² per move; 产权调换 counts two moves (out and back in).
    pub relocation_fen: i64,
    /// Temporary resettlement per m² per month.
    pub temp_resettlement_fen: i64,
    /// Months of temporary resettlement for 货币补偿 and for 产权调换.
    pub temp_months_monetary: i64,
    pub temp_months_swap: i64,
    /// Signing incentives by date tier, earliest first.
    pub signing_tiers: Vec<IncentiveTier>,
    /// On-time handover incentive, for households that hand over by `handover_by`.
    pub handover_by: Option<NaiveDate>,
    pub handover_incentive_fen: i64,
    pub subsidies: Vec<Subsidy>,
    /// A household's calculated total is topped up to at least this (0: no floor).
    pub minimum_payout_fen: i64,
    pub catalogue: Vec<CatalogueItem>,
}

/// What publishing a version takes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StandardInput {
    pub effective_on: NaiveDate,
    #[serde(default)]
    pub note: String,
    pub rules: Rules,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Standard {
    pub id: Uuid,
    pub project_id: Uuid,
    pub version: i64,
    pub effective_on: NaiveDate,
    pub rules: Rules,
    pub note: String,
    pub published_by: String,
}

impl Rules {
    pub fn house_price(&self, structure: &str) -> Option<i64> {
        self.house_prices.iter().find(|p| p.structure == structure.trim()).map(|p| p.price_fen)
    }

    pub fn catalogue_item(&self, code: &str) -> Option<&CatalogueItem> {
        let code = code.trim();
        self.catalogue.iter().find(|c| c.code == code || c.name == code)
    }

    /// The tier an agreement signed on `on` falls in.
    pub fn tier_for(&self, on: NaiveDate) -> Option<&IncentiveTier> {
        self.signing_tiers.iter().find(|t| on <= t.until)
    }

    /// Checks every price and tier; each refusal names its rule.
    pub fn validate(&self) -> Result<()> {
        let price = |what: &str, v: i64| -> Result<()> {
            if v < 0 {
                return Err(Error::invalid("price", format!("{what}的单价不能为负数")));
            }
            if v == 0 {
                return Err(Error::rule(
                    "standards.price_required",
                    format!("{what}的单价不能为零：本标准要求填写单价"),
                ));
            }
            Ok(())
        };
        if self.house_prices.is_empty() {
            return Err(Error::rule("standards.price_required", "至少需要一种结构类型的房屋单价（元/m²）"));
        }
        for (i, p) in self.house_prices.iter().enumerate() {
            if p.structure.trim().is_empty() {
                return Err(Error::invalid("structure", "房屋单价的结构类型不能为空"));
            }
            if self.house_prices[..i].iter().any(|q| q.structure.trim() == p.structure.trim()) {
                return Err(Error::rule("standards.duplicate", format!("结构类型「{}」重复", p.structure)));
            }
            price(&format!("房屋价值（{}）", p.structure.trim()), p.price_fen)?;
        }
        price("搬迁费", self.relocation_fen)?;
        price("临时安置费", self.temp_resettlement_fen)?;
        for (what, m) in [("货币补偿", self.temp_months_monetary), ("产权调换", self.temp_months_swap)] {
            if !(0..=120).contains(&m) {
                return Err(Error::invalid(
                    "temp_months",
                    format!("{what}的临时安置月数应在 0 至 120 之间，而不是 {m}"),
                ));
            }
        }
        for (i, t) in self.signing_tiers.iter().enumerate() {
            price(&format!("签约奖励「{}」", t.label), t.amount_fen)?;
            if i > 0 && t.until <= self.signing_tiers[i - 1].until {
                return Err(Error::rule("standards.tier_order", "签约奖励档次应按截止日期从早到晚排列，且日期不重复"));
            }
        }
        if self.handover_incentive_fen < 0 {
            return Err(Error::invalid("handover_incentive", "按期交房奖励不能为负数"));
        }
        if self.handover_incentive_fen > 0 && self.handover_by.is_none() {
            return Err(Error::rule("standards.handover_needs_date", "设置了按期交房奖励，但没有交房截止日期"));
        }
        for (i, s) in self.subsidies.iter().enumerate() {
            if s.circumstance.trim().is_empty() {
                return Err(Error::invalid("circumstance", "补助的特殊情况名称不能为空"));
            }
            if self.subsidies[..i].iter().any(|o| o.circumstance.trim() == s.circumstance.trim()) {
                return Err(Error::rule("standards.duplicate", format!("特殊情况「{}」重复", s.circumstance)));
            }
            price(&format!("特殊情况补助（{}）", s.circumstance.trim()), s.amount_fen)?;
        }
        if self.minimum_payout_fen < 0 {
            return Err(Error::invalid("minimum_payout", "保底金额不能为负数"));
        }
        for (i, c) in self.catalogue.iter().enumerate() {
            if c.code.trim().is_empty() || c.name.trim().is_empty() || c.unit.trim().is_empty() {
                return Err(Error::invalid("catalogue", "附着物目录的每一项都需要代码、名称和单位"));
            }
            if self.catalogue[..i].iter().any(|o| o.code.trim() == c.code.trim() || o.name.trim() == c.name.trim()) {
                return Err(Error::rule("standards.duplicate", format!("附着物「{}」重复", c.name)));
            }
            price(&format!("附着物「{}」", c.name.trim()), c.price_fen)?;
        }
        Ok(())
    }

    fn trimmed(&self) -> Rules {
        let mut r = self.clone();
        for p in &mut r.house_prices {
            p.structure = p.structure.trim().to_string();
        }
        for t in &mut r.signing_tiers {
            t.label = t.label.trim().to_string();
        }
        for s in &mut r.subsidies {
            s.circumstance = s.circumstance.trim().to_string();
        }
        for c in &mut r.catalogue {
            c.code = c.code.trim().to_string();
            c.name = c.name.trim().to_string();
            c.unit = c.unit.trim().to_string();
        }
        r
    }
}

/// Publishes a new version (the previous ones stay as they were). Refused: a zero or
/// negative price (`standards.price_required`), tiers out of order, duplicates, and an
/// effective date before the latest version's (`standards.effective_order`).
pub fn publish(tx: &mut Tx, project: Uuid, input: &StandardInput) -> Result<Standard> {
    crate::project::get(tx.conn(), project)?;
    input.rules.validate()?;
    let existing = list(tx.conn(), project)?;
    if let Some(last) = existing.last() {
        if input.effective_on < last.effective_on {
            return Err(Error::rule(
                "standards.effective_order",
                format!(
                    "新版本的施行日期 {} 早于第 {} 版的施行日期 {}",
                    input.effective_on, last.version, last.effective_on
                ),
            ));
        }
    }
    let version = existing.last().map_or(1, |s| s.version + 1);
    let id = tx.new_id();
    let rules = serde_json::to_value(input.rules.trimmed()).expect("rules serialise");
    let author = tx.author().to_string();
    let f = Fields::new()
        .set("project_id", project.to_string())
        .set("version", version)
        .set("effective_on", input.effective_on.to_string())
        .set("rules", rules)
        .set("note", input.note.trim())
        .set("published_by", author);
    tx.append(Entity::CompensationStandard, id, Some(project), f)?;
    get(tx.conn(), id)
}

const COLS: &str = "id, project_id, version, effective_on, rules, note, published_by";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Standard> {
    let rules: String = r.get(4)?;
    Ok(Standard {
        id: read::uuid(r, 0)?,
        project_id: read::uuid(r, 1)?,
        version: r.get(2)?,
        effective_on: r.get(3)?,
        rules: serde_json::from_str(&rules)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e)))?,
        note: r.get(5)?,
        published_by: r.get(6)?,
    })
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Standard> {
    conn.query_row(&format!("SELECT {COLS} FROM compensation_standards WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("补偿标准", id.to_string()))
}

/// Every version of a project's standards, oldest first.
pub fn list(conn: &Connection, project: Uuid) -> Result<Vec<Standard>> {
    let mut stmt =
        conn.prepare(&format!("SELECT {COLS} FROM compensation_standards WHERE project_id = ?1 ORDER BY version, id"))?;
    let rows = stmt.query_map([project.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The newest version in force on `on` (effective on or before it).
pub fn in_force(conn: &Connection, project: Uuid, on: NaiveDate) -> Result<Option<Standard>> {
    Ok(list(conn, project)?.into_iter().rfind(|s| s.effective_on <= on))
}

/// A version by its number.
pub fn by_version(conn: &Connection, project: Uuid, version: i64) -> Result<Standard> {
    list(conn, project)?
        .into_iter()
        .find(|s| s.version == version)
        .ok_or_else(|| Error::not_found("补偿标准版本", version.to_string()))
}

/// How many households a version is used by, and how many of them have items confirmed or
/// paid under it (those keep the version whatever is published later).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Usage {
    pub households: i64,
    pub locked_households: i64,
}

pub fn usage(conn: &Connection, standard: Uuid) -> Result<Usage> {
    Ok(conn.query_row(
        "SELECT COUNT(DISTINCT household_id),
                COUNT(DISTINCT CASE WHEN status <> 'estimated' THEN household_id END)
           FROM compensation_items WHERE standard_id = ?1",
        [standard.to_string()],
        |r| Ok(Usage { households: r.get(0)?, locked_households: r.get(1)? }),
    )?)
}
