//! 净地 readiness: everything still standing between now and cleared land — the answer to
//! "签约都完成了,目前主要存在哪些问题需要协调解决?".

use crate::error::Result;
use crate::project::Project;
use crate::vocab::{CompensationKind, ObstacleStatus, PaymentStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClearanceKind {
    HouseholdNotDemolished,
    /// Demolished without a 房屋照片 taken (or attached) on or before the demolition day.
    HousePhotoMissing,
    UnpaidCompensation,
    PoleNotRelocated,
    OpenObstacle,
    ChecklistOpen,
}

impl ClearanceKind {
    pub fn zh(self) -> &'static str {
        match self {
            ClearanceKind::HouseholdNotDemolished => "未拆除",
            ClearanceKind::HousePhotoMissing => "缺拆除前房屋照片",
            ClearanceKind::UnpaidCompensation => "补偿未支付",
            ClearanceKind::PoleNotRelocated => "杆线未迁移",
            ClearanceKind::OpenObstacle => "问题未解决",
            ClearanceKind::ChecklistOpen => "净地清单未完成",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClearanceItem {
    pub kind: ClearanceKind,
    /// The record this item is about (household, compensation item, pole, obstacle, checklist item).
    pub id: Uuid,
    pub household_no: Option<String>,
    pub title: String,
    pub detail: String,
    /// Who must act, where known (e.g. 供电公司).
    pub responsible: Option<String>,
    pub amount_fen: Option<i64>,
    pub overdue: bool,
}

/// Households first (by number), then unpaid compensation (crops and attachments first),
/// poles, open obstacles (overdue first), and the unfinished checklist.
pub fn clearance(conn: &Connection, p: &Project, as_of: Option<NaiveDate>) -> Result<Vec<ClearanceItem>> {
    let as_of = crate::project::asked_as_of(p, as_of)?;
    let mut out = Vec::new();

    // Only the columns the list shows, of the households still standing (a whole record per
    // household of the plot cost more than the rest of the list together at 4,000 households).
    {
        let mut stmt = conn.prepare(
            "SELECT h.id, h.number, h.head_name, h.stage, g.name
             FROM households h JOIN work_groups g ON g.id = h.group_id
             WHERE h.project_id = ?1 AND h.stage != 'demolished'
             ORDER BY length(h.number), h.number",
        )?;
        let rows = stmt.query_map([p.id.to_string()], |r| {
            Ok((
                crate::read::uuid(r, 0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                crate::read::vocab(r, 3, Stage::parse)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, number, head, stage, group) = row?;
            out.push(ClearanceItem {
                kind: ClearanceKind::HouseholdNotDemolished,
                id,
                household_no: Some(number.clone()),
                title: format!("{number} 户 {head}"),
                detail: format!("当前阶段「{}」", stage.zh()),
                responsible: Some(group),
                amount_fen: None,
                overdue: false,
            });
        }
    }

    // Evidence: the house as it stood, photographed before it came down. A photo's own time
    // (EXIF) counts; without one, when it was attached.
    {
        let mut stmt = conn.prepare(
            // The demolition date per household of this plot, through the stage events'
            // household index (grouping every plot's events cost a scan of the whole file).
            "SELECT h.id, h.number, h.head_name, g.name, e.reached_on
             FROM households h JOIN work_groups g ON g.id = h.group_id
             JOIN stage_events e ON e.id = (SELECT e2.id FROM stage_events e2
                   WHERE e2.household_id = h.id AND e2.to_stage = 'demolished'
                   ORDER BY e2.reached_on DESC LIMIT 1)
             WHERE h.project_id = ?1 AND h.stage = 'demolished'
               AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.household_id = h.id AND a.kind = 'house_photo'
                   AND a.withdrawn = 0 AND substr(coalesce(a.taken_at, a.attached_at), 1, 10) <= e.reached_on)
             ORDER BY length(h.number), h.number",
        )?;
        let rows = stmt.query_map([p.id.to_string()], |r| {
            Ok((
                crate::read::uuid(r, 0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, number, head, group, on) = row?;
            out.push(ClearanceItem {
                kind: ClearanceKind::HousePhotoMissing,
                id,
                household_no: Some(number.clone()),
                title: format!("{number} 户 {head}"),
                detail: format!("{on} 已拆除，没有拆除前的房屋照片"),
                responsible: Some(group),
                amount_fen: None,
                overdue: false,
            });
        }
    }

    let mut unpaid = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT c.id, h.number, h.head_name, c.kind, c.label, c.amount, c.status, g.name
             FROM compensation_items c JOIN households h ON h.id = c.household_id
             JOIN work_groups g ON g.id = h.group_id
             WHERE h.project_id = ?1 AND c.status != 'paid' AND c.amount > 0",
        )?;
        let rows = stmt.query_map([p.id.to_string()], |r| {
            Ok((
                crate::read::uuid(r, 0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                crate::read::vocab(r, 3, CompensationKind::parse)?,
                r.get::<_, String>(4)?,
                r.get::<_, i64>(5)?,
                crate::read::vocab(r, 6, PaymentStatus::parse)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        for row in rows {
            unpaid.push(row?);
        }
    }
    unpaid.sort_by_key(|(_, number, _, kind, label, ..)| {
        (*kind != CompensationKind::Crops, number.len(), number.clone(), label.clone())
    });
    for (id, number, head, kind, label, amount, status, group) in unpaid {
        out.push(ClearanceItem {
            kind: ClearanceKind::UnpaidCompensation,
            id,
            household_no: Some(number.clone()),
            title: format!("{number} 户 {head}：{label}"),
            detail: format!("{}, {}, {}", kind.zh(), status.zh(), crate::units::format_yuan(amount)),
            responsible: Some(group),
            amount_fen: Some(amount),
            overdue: false,
        });
    }

    for pole in crate::plot_work::poles(conn, p.id)? {
        if pole.status != crate::vocab::PoleStatus::Relocated {
            out.push(ClearanceItem {
                kind: ClearanceKind::PoleNotRelocated,
                id: pole.id,
                household_no: None,
                title: format!("{} {}", pole.kind.zh(), pole.label),
                detail: format!("{}; {}", pole.status.zh(), pole.location),
                responsible: Some(pole.owner_unit.clone()).filter(|u| !u.is_empty()),
                amount_fen: None,
                overdue: false,
            });
        }
    }

    let mut obstacles = crate::obstacle::list(conn, p.id, true)?;
    obstacles.sort_by_key(|o| (!o.is_overdue(as_of), o.due_on, o.raised_on));
    for o in obstacles {
        debug_assert!(o.status != ObstacleStatus::Resolved);
        let overdue = o.is_overdue(as_of);
        out.push(ClearanceItem {
            kind: ClearanceKind::OpenObstacle,
            id: o.id,
            household_no: o.household_no.clone(),
            title: o.title.clone(),
            detail: format!(
                "{}, {}{}",
                o.category.zh(),
                o.status.zh(),
                o.due_on.map(|d| format!("，期限 {d}{}", if overdue { "（已逾期）" } else { "" })).unwrap_or_default()
            ),
            responsible: Some(format!("{} {}", o.responsible_unit, o.responsible_person).trim().to_string())
                .filter(|s| !s.is_empty()),
            amount_fen: None,
            overdue,
        });
    }

    for c in crate::plot_work::checklist(conn, p.id)? {
        if !c.done {
            out.push(ClearanceItem {
                kind: ClearanceKind::ChecklistOpen,
                id: c.id,
                household_no: None,
                title: c.title.clone(),
                detail: c.category.zh().to_string(),
                responsible: None,
                amount_fen: None,
                overdue: false,
            });
        }
    }
    Ok(out)
}
