//! The household lifecycle 已登记 → 已评估 → 协商中 → 已签约 → 已腾空交房 → 已拆除 and its rules.

use crate::error::{Error, Result};
use crate::household;
use crate::oplog::{Entity, Fields, Tx};
use crate::read;
use crate::vocab::{ObstacleStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageEvent {
    pub id: Uuid,
    pub from_stage: Stage,
    pub to_stage: Stage,
    pub reached_on: NaiveDate,
    pub recorded_by: String,
    pub reason: Option<String>,
}

/// Moves a household to `to`, reached on `on`. The rules, each with its own error code:
/// - `stage.unchanged`: the household is already there;
/// - `stage.demolition_needs_handover`: demolition only after 已腾空交房;
/// - `stage.one_step`: forward moves go one stage at a time, so every stage has its date;
/// - `stage.signing_needs_agreement`: signing needs number, date, mode and signed area;
/// - `stage.blocked_by_obstacle`: an open obstacle that blocks the target stage;
/// - `stage.revert_needs_reason`: going back needs a reason;
/// - `stage.date_order`: a stage is not reached before the previous one, nor in the future.
pub fn set(tx: &mut Tx, household: Uuid, to: Stage, on: NaiveDate, reason: Option<&str>) -> Result<()> {
    let h = household::get(tx.conn(), household)?;
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let from = h.stage;
    if to == from {
        return Err(Error::rule("stage.unchanged", format!("户 {} 已处于「{}」", h.number, to.zh())));
    }
    let forward = to.rank() > from.rank();
    if forward {
        if to == Stage::Demolished && from != Stage::Vacated {
            return Err(Error::rule(
                "stage.demolition_needs_handover",
                format!("户 {} 尚未腾空交房（当前「{}」），不能登记拆除", h.number, from.zh()),
            ));
        }
        if from.next() != Some(to) {
            let next = from.next().expect("forward implies a next stage");
            return Err(Error::rule(
                "stage.one_step",
                format!(
                    "户 {} 当前「{}」，下一阶段应为「{}」，不能直接跳到「{}」",
                    h.number,
                    from.zh(),
                    next.zh(),
                    to.zh()
                ),
            ));
        }
        if to == Stage::Signed {
            household::require_agreement(&h)?;
        }
        if let Some(title) = blocking_obstacle(tx.conn(), &h, to)? {
            return Err(Error::rule(
                "stage.blocked_by_obstacle",
                format!("户 {} 有未解决的问题「{title}」阻止进入「{}」，请先解决该问题", h.number, to.zh()),
            ));
        }
    } else if reason.is_none() {
        return Err(Error::rule(
            "stage.revert_needs_reason",
            format!("户 {} 从「{}」退回「{}」需要注明原因", h.number, from.zh(), to.zh()),
        ));
    }
    let today = tx.today();
    if on > today {
        return Err(Error::rule("stage.date_order", format!("阶段日期 {on} 晚于今天 {today}")));
    }
    if let Some(last) = timeline(tx.conn(), household)?.last() {
        if on < last.reached_on {
            return Err(Error::rule(
                "stage.date_order",
                format!("阶段日期 {on} 早于上一阶段「{}」的日期 {}", last.to_stage.zh(), last.reached_on),
            ));
        }
    }
    tx.with_reason(reason);
    tx.update(Entity::Household, household, Some(h.project_id), Fields::new().set("stage", to.id()))?;
    let event = tx.new_id();
    let author = tx.author().to_string();
    let fields = Fields::new()
        .set("household_id", household.to_string())
        .set("from_stage", from.id())
        .set("to_stage", to.id())
        .set("reached_on", on.to_string())
        .set("recorded_by", author)
        .set("reason", reason);
    tx.append(Entity::StageEvent, event, Some(h.project_id), fields)?;
    tx.with_reason(None);
    Ok(())
}

/// Whether an obstacle keeps `household` from reaching `to`: it is not resolved, it blocks
/// that stage, and it concerns that household or the whole plot (`concerns` None). The rule
/// `stage.blocked_by_obstacle`, asked by [`set`] and by the merge's review of two laptops'
/// concurrent changes (`sync::review`).
pub(crate) fn blocks(
    status: ObstacleStatus,
    concerns: Option<Uuid>,
    blocks_stage: Option<Stage>,
    household: Uuid,
    to: Stage,
) -> bool {
    status != ObstacleStatus::Resolved && blocks_stage == Some(to) && concerns.is_none_or(|h| h == household)
}

fn blocking_obstacle(conn: &Connection, h: &household::Household, to: Stage) -> Result<Option<String>> {
    // A plot has tens of obstacles that block a stage; [`blocks`] decides among them.
    let mut stmt = conn.prepare_cached(
        "SELECT title, status, household_id, blocks_stage FROM obstacles
         WHERE project_id = ?1 AND blocks_stage IS NOT NULL ORDER BY raised_on",
    )?;
    let mut rows = stmt.query([h.project_id.to_string()])?;
    while let Some(r) = rows.next()? {
        let status = read::vocab(r, 1, ObstacleStatus::parse)?;
        if blocks(status, read::opt_uuid(r, 2)?, read::opt_vocab(r, 3, Stage::parse)?, h.id, to) {
            return Ok(Some(r.get(0)?));
        }
    }
    Ok(None)
}

/// Every stage change of a household, oldest first.
pub fn timeline(conn: &Connection, household: Uuid) -> Result<Vec<StageEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, from_stage, to_stage, reached_on, recorded_by, reason FROM stage_events
         WHERE household_id = ?1 ORDER BY reached_on, rowid",
    )?;
    let rows = stmt.query_map([household.to_string()], |r| {
        Ok(StageEvent {
            id: read::uuid(r, 0)?,
            from_stage: read::vocab(r, 1, Stage::parse)?,
            to_stage: read::vocab(r, 2, Stage::parse)?,
            reached_on: r.get(3)?,
            recorded_by: r.get(4)?,
            reason: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
