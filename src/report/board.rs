//! 挂图作战: every household as a tile with what the wall chart shows (stage, open
//! obstacles, unpaid items, an overdue follow-up), and finding a household as you type
//! its number or the head of family's name.

use crate::error::Result;
use crate::project::Project;
use crate::vocab::{Difficulty, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tile {
    pub id: Uuid,
    pub number: String,
    pub head_name: String,
    pub group_name: String,
    pub stage: Stage,
    pub difficulty: Option<Difficulty>,
    pub concerns: Vec<String>,
    pub open_obstacles: i64,
    /// Compensation items not yet paid (estimated or confirmed).
    pub unpaid_items: i64,
    /// The latest visit promised a follow-up before the as-of date.
    pub overdue_follow_up: bool,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Board {
    pub as_of: NaiveDate,
    /// Ordered by household number.
    pub tiles: Vec<Tile>,
    pub groups: Vec<String>,
    /// Every concern tag in use, sorted.
    pub concern_tags: Vec<String>,
}

pub fn board(conn: &Connection, p: &Project, as_of: Option<NaiveDate>) -> Result<Board> {
    let as_of = crate::project::asked_as_of(p, as_of)?;
    let count_by = |sql: &str| -> Result<HashMap<String, i64>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([p.id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let obstacles = count_by(
        "SELECT household_id, count(*) FROM obstacles WHERE project_id = ?1 AND household_id IS NOT NULL
           AND status != 'resolved' GROUP BY household_id",
    )?;
    let unpaid = count_by(
        "SELECT c.household_id, count(*) FROM compensation_items c JOIN households h ON h.id = c.household_id
         WHERE h.project_id = ?1 AND c.status != 'paid' GROUP BY c.household_id",
    )?;
    let overdue: HashSet<String> =
        crate::report::summary::overdue_follow_ups(conn, p, as_of)?.into_iter().map(|o| o.household_no).collect();
    let mut groups = BTreeSet::new();
    let mut tags = BTreeSet::new();
    let tiles: Vec<Tile> = crate::household::list(conn, p.id)?
        .into_iter()
        .map(|h| {
            let id = h.id.to_string();
            groups.insert(h.group_name.clone());
            tags.extend(h.concerns.iter().cloned());
            Tile {
                open_obstacles: obstacles.get(&id).copied().unwrap_or(0),
                unpaid_items: unpaid.get(&id).copied().unwrap_or(0),
                overdue_follow_up: overdue.contains(&h.number),
                id: h.id,
                number: h.number,
                head_name: h.head_name,
                group_name: h.group_name,
                stage: h.stage,
                difficulty: h.difficulty,
                concerns: h.concerns,
            }
        })
        .collect();
    let mut groups: Vec<String> = groups.into_iter().collect();
    groups.sort_by_cached_key(|g| crate::project::group_order(g));
    Ok(Board { as_of, tiles, groups, concern_tags: tags.into_iter().collect() })
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdHit {
    pub id: Uuid,
    pub number: String,
    pub head_name: String,
    pub group_name: String,
    pub stage: Stage,
    pub address: String,
}

/// Households whose number or head-of-family name contains `query` (case-insensitive):
/// an exact number first, then numbers starting with it, then the rest; at most `limit`.
/// Filtered, ranked and cut in SQL: a district plot has thousands of households and this
/// runs at every keystroke.
pub fn find_households(conn: &Connection, project: Uuid, query: &str, limit: usize) -> Result<Vec<HouseholdHit>> {
    let q = query.trim().to_lowercase();
    let like = format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let prefix = like[1..].to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.number, h.head_name, g.name, h.stage, h.address,
                CASE WHEN ?2 = '' OR lower(h.number) = ?2 THEN 0
                     WHEN lower(h.number) LIKE ?4 ESCAPE '\\' THEN 1 ELSE 2 END AS rank
         FROM households h JOIN work_groups g ON g.id = h.group_id
         WHERE h.project_id = ?1
           AND (?2 = '' OR lower(h.number) LIKE ?3 ESCAPE '\\' OR lower(h.head_name) LIKE ?3 ESCAPE '\\')
         ORDER BY rank, length(h.number), h.number LIMIT ?5",
    )?;
    let rows = stmt.query_map(rusqlite::params![project.to_string(), q, like, prefix, limit as i64], |r| {
        Ok(HouseholdHit {
            id: crate::read::uuid(r, 0)?,
            number: r.get(1)?,
            head_name: r.get(2)?,
            group_name: r.get(3)?,
            stage: crate::read::vocab(r, 4, Stage::parse)?,
            address: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
