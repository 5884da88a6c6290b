//! The lists the app shows, as tables: 问题清单, 逾期回访 and the households of 挂图作战. The
//! rows come from the functions the screens read (`obstacle::rows`, `overdue_follow_ups`,
//! `report::board`); a screen that filters passes the rows it shows, in its order
//! ([`super::ExportOptions::only`]), so the file holds what the person saw, no filter is
//! written twice, and every value is the core's.

use super::exports::subtitle;
use super::table::{col, Align, Cell, Sheet};
use crate::error::{Error, Result};
use crate::project::Project;
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// The rows a screen shows: all of `rows` when it passes none, else those it names in its
/// order (a row named twice once). A row that is no longer there (removed by a merge since
/// the screen loaded) refuses the export rather than leaving it out unsaid.
fn shown<T>(rows: Vec<T>, id: impl Fn(&T) -> Uuid, only: Option<&[Uuid]>) -> Result<Vec<T>> {
    let Some(only) = only else { return Ok(rows) };
    let mut by_id: HashMap<Uuid, T> = rows.into_iter().map(|r| (id(&r), r)).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(only.len().min(by_id.len()));
    let mut missing = 0usize;
    for key in only {
        if !seen.insert(*key) {
            continue;
        }
        match by_id.remove(key) {
            Some(r) => out.push(r),
            None => missing += 1,
        }
    }
    if missing > 0 {
        return Err(Error::invalid(
            "only",
            format!("要导出的清单中有 {missing} 条已不在（可能刚同步或修改过），请刷新页面后再导出"),
        ));
    }
    Ok(out)
}

/// 问题清单: one row per obstacle, as the page lists them.
pub fn obstacles(conn: &Connection, p: &Project, as_of: NaiveDate, only: Option<&[Uuid]>) -> Result<Vec<Sheet>> {
    let rows = shown(crate::obstacle::rows(conn, p.id, as_of)?, |r| r.obstacle.id, only)?;
    let mut s = Sheet::new(
        "问题清单",
        format!("{} 问题清单", p.name),
        subtitle(p, as_of),
        vec![
            col("序号", 6.0, Align::Center),
            col("问题", 30.0, Align::Left),
            col("类别", 10.0, Align::Center),
            col("责任单位", 18.0, Align::Left),
            col("责任人", 10.0, Align::Center),
            col("涉及户号", 10.0, Align::Center),
            col("登记日期", 11.0, Align::Center),
            col("限期", 11.0, Align::Center),
            col("状态", 8.0, Align::Center),
            col("逾期", 6.0, Align::Center),
            col("处理结果", 24.0, Align::Left),
        ],
    );
    let overdue = rows.iter().filter(|r| r.overdue).count();
    for (i, r) in rows.into_iter().enumerate() {
        let o = r.obstacle;
        s.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(o.title),
            Cell::text(o.category.zh()),
            Cell::Text(o.responsible_unit),
            Cell::Text(o.responsible_person),
            Cell::Text(o.household_no.unwrap_or_default()),
            Cell::Date(o.raised_on),
            Cell::opt_date(o.due_on),
            Cell::text(o.status.zh()),
            Cell::text(if r.overdue { "是" } else { "" }),
            Cell::Text(o.resolution),
        ]);
    }
    s.notes = vec![format!("共 {} 项，其中逾期 {overdue} 项。", s.rows.len())];
    Ok(vec![s])
}

/// 逾期回访清单: households whose latest visit promised a follow-up before the date.
pub fn follow_ups(conn: &Connection, p: &Project, as_of: NaiveDate) -> Result<Vec<Sheet>> {
    let mut s = Sheet::new(
        "逾期回访",
        format!("{} 逾期回访清单", p.name),
        subtitle(p, as_of),
        vec![
            col("序号", 6.0, Align::Center),
            col("户号", 10.0, Align::Center),
            col("户主", 10.0, Align::Center),
            col("约定回访日期", 13.0, Align::Center),
            col("逾期天数", 9.0, Align::Right),
            col("下一步", 36.0, Align::Left),
        ],
    );
    for (i, f) in crate::report::summary::overdue_follow_ups(conn, p, as_of)?.into_iter().enumerate() {
        s.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(f.household_no),
            Cell::Text(f.head_name),
            Cell::Date(f.follow_up_on),
            Cell::Int(f.days_overdue),
            Cell::Text(f.next_step),
        ]);
    }
    Ok(vec![s])
}

/// 挂图作战 as a list: one row per household the board shows, or those of one work group.
pub fn board(
    conn: &Connection,
    p: &Project,
    as_of: NaiveDate,
    group: Option<&str>,
    only: Option<&[Uuid]>,
) -> Result<Vec<Sheet>> {
    let board = crate::report::board::board(conn, p, Some(as_of))?;
    let mut tiles = board.tiles;
    if let Some(g) = group.map(str::trim).filter(|g| !g.is_empty()) {
        if !board.groups.iter().any(|known| known == g) {
            return Err(Error::invalid("group", format!("没有动迁组「{g}」，可选：{}", board.groups.join("、"))));
        }
        tiles.retain(|t| t.group_name == g);
    }
    let tiles = shown(tiles, |t| t.id, only)?;
    let mut s = Sheet::new(
        "征收户清单",
        format!("{} 征收户清单", p.name),
        subtitle(p, as_of),
        vec![
            col("序号", 6.0, Align::Center),
            col("户号", 10.0, Align::Center),
            col("户主", 10.0, Align::Center),
            col("动迁组", 10.0, Align::Center),
            col("当前阶段", 11.0, Align::Center),
            col("难度", 8.0, Align::Center),
            col("关注事项", 24.0, Align::Left),
            col("未解决问题", 10.0, Align::Right),
            col("未支付补偿项", 12.0, Align::Right),
            col("回访逾期", 9.0, Align::Center),
        ],
    );
    for (i, t) in tiles.into_iter().enumerate() {
        s.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(t.number),
            Cell::Text(t.head_name),
            Cell::Text(t.group_name),
            Cell::text(t.stage.zh()),
            Cell::text(t.difficulty.map(|d| d.zh()).unwrap_or("")),
            Cell::Text(t.concerns.join("、")),
            Cell::Int(t.open_obstacles),
            Cell::Int(t.unpaid_items),
            Cell::text(if t.overdue_follow_up { "是" } else { "" }),
        ]);
    }
    Ok(vec![s])
}
