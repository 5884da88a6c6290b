//! Projects (plots), their teams (staff and work groups), and finding them.

use crate::error::{Error, Result};
use crate::oplog::{Entity, Fields, Tx};
use crate::vocab::ProjectStatus;
use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Project {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub community: String,
    pub window_opens_on: NaiveDate,
    pub window_closes_on: NaiveDate,
    pub clearance_target: Option<NaiveDate>,
    pub status: ProjectStatus,
    /// A historical project (the demo) is shown as of this date unless another is chosen.
    pub as_of: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct NewProject {
    pub code: String,
    pub name: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub community: String,
    pub window_opens_on: NaiveDate,
    pub window_closes_on: NaiveDate,
    pub clearance_target: Option<NaiveDate>,
    pub status: ProjectStatus,
    pub as_of: Option<NaiveDate>,
}

pub fn create(tx: &mut Tx, p: &NewProject) -> Result<Uuid> {
    let code = p.code.trim();
    if code.is_empty() {
        return Err(Error::invalid("code", "项目编号不能为空"));
    }
    if p.name.trim().is_empty() {
        return Err(Error::invalid("name", "项目名称不能为空"));
    }
    if p.window_closes_on < p.window_opens_on {
        return Err(Error::invalid("window_closes_on", "签约截止日期不能早于签约开始日期"));
    }
    if find_by_code(tx.conn(), code)?.is_some() {
        return Err(Error::AlreadyExists { what: "项目", key: code.to_string() });
    }
    let id = tx.new_id();
    let fields = Fields::new()
        .set("code", code)
        .set("name", p.name.trim())
        .set("city", p.city.trim())
        .set("district", p.district.trim())
        .set("street", p.street.trim())
        .set("community", p.community.trim())
        .set("window_opens_on", p.window_opens_on.to_string())
        .set("window_closes_on", p.window_closes_on.to_string())
        .set("clearance_target", p.clearance_target.map(|d| d.to_string()))
        .set("status", p.status.id())
        .set("as_of", p.as_of.map(|d| d.to_string()));
    tx.create(Entity::Project, id, Some(id), fields)?;
    Ok(id)
}

const PROJECT_COLS: &str = "id, code, name, city, district, street, community, window_opens_on,
    window_closes_on, clearance_target, status, as_of";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Project> {
    let status: String = r.get(10)?;
    Ok(Project {
        id: crate::read::uuid(r, 0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        city: r.get(3)?,
        district: r.get(4)?,
        street: r.get(5)?,
        community: r.get(6)?,
        window_opens_on: r.get(7)?,
        window_closes_on: r.get(8)?,
        clearance_target: r.get(9)?,
        status: ProjectStatus::parse(&status).unwrap_or(ProjectStatus::Preparing),
        as_of: r.get(11)?,
    })
}

pub fn find_by_code(conn: &Connection, code: &str) -> Result<Option<Project>> {
    Ok(conn.query_row(&format!("SELECT {PROJECT_COLS} FROM projects WHERE code = ?1"), [code], from_row).optional()?)
}

pub fn get(conn: &Connection, id: Uuid) -> Result<Project> {
    conn.query_row(&format!("SELECT {PROJECT_COLS} FROM projects WHERE id = ?1"), [id.to_string()], from_row)
        .optional()?
        .ok_or_else(|| Error::not_found("项目", id.to_string()))
}

pub fn list(conn: &Connection) -> Result<Vec<Project>> {
    let mut stmt = conn.prepare(&format!("SELECT {PROJECT_COLS} FROM projects ORDER BY code"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The project a command works on: the one named by code, or the only one there is.
pub fn resolve(conn: &Connection, code: Option<&str>) -> Result<Project> {
    if let Some(code) = code {
        return find_by_code(conn, code)?.ok_or_else(|| Error::not_found("项目编号", code));
    }
    let all = list(conn)?;
    match all.len() {
        0 => Err(Error::rule("project.none", "数据库中还没有项目；可先运行 `jingdi demo` 创建演示地块")),
        1 => Ok(all.into_iter().next().expect("one project")),
        _ => Err(Error::rule(
            "project.ambiguous",
            format!(
                "数据库中有多个项目，请用 --project 指定其一：{}",
                all.iter().map(|p| p.code.as_str()).collect::<Vec<_>>().join("、")
            ),
        )),
    }
}

/// The date figures are computed for: the one asked for, else the project's own
/// (historical projects), else today.
pub fn as_of(project: &Project, asked: Option<NaiveDate>) -> NaiveDate {
    asked.or(project.as_of).unwrap_or_else(|| chrono::Local::now().date_naive())
}

/// The date a report is asked for (its 截至), refused when it lies after today: figures "as of"
/// a day that has not come would present today's state under tomorrow's date.
pub fn asked_as_of(project: &Project, asked: Option<NaiveDate>) -> Result<NaiveDate> {
    let today = chrono::Local::now().date_naive();
    match asked {
        Some(d) if d > today => {
            Err(Error::invalid("as_of", format!("截至日期 {d} 晚于今天（{today}）：报表只能截至今天或之前的日期")))
        }
        _ => Ok(as_of(project, asked)),
    }
}

// ------------------------------------------------------------------ team

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Staff {
    pub id: Uuid,
    pub name: String,
    pub role: String,
    pub phone: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkGroup {
    pub id: Uuid,
    pub name: String,
    pub leader_id: Option<Uuid>,
    pub leader: Option<String>,
    pub members: Vec<Uuid>,
}

pub fn add_staff(tx: &mut Tx, project: Uuid, name: &str, role: &str, phone: &str) -> Result<Uuid> {
    if name.trim().is_empty() {
        return Err(Error::invalid("name", "人员姓名不能为空"));
    }
    let id = tx.new_id();
    let fields = Fields::new()
        .set("project_id", project.to_string())
        .set("name", name.trim())
        .set("role", role.trim())
        .set("phone", phone.trim());
    tx.create(Entity::Staff, id, Some(project), fields)?;
    Ok(id)
}

pub fn add_group(tx: &mut Tx, project: Uuid, name: &str, leader: Option<Uuid>, members: &[Uuid]) -> Result<Uuid> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "动迁组名称不能为空"));
    }
    if find_group(tx.conn(), project, name)?.is_some() {
        return Err(Error::AlreadyExists { what: "动迁组", key: name.to_string() });
    }
    for s in leader.iter().chain(members) {
        let known: bool = tx.conn().query_row(
            "SELECT count(*) > 0 FROM staff WHERE id = ?1 AND project_id = ?2",
            [s.to_string(), project.to_string()],
            |r| r.get(0),
        )?;
        if !known {
            return Err(Error::invalid("members", format!("人员 {s} 不属于本项目")));
        }
    }
    let id = tx.new_id();
    let members: Vec<String> = members.iter().map(Uuid::to_string).collect();
    let fields = Fields::new()
        .set("project_id", project.to_string())
        .set("name", name)
        .set("leader_id", leader.map(|l| l.to_string()))
        .set("members", members);
    tx.create(Entity::WorkGroup, id, Some(project), fields)?;
    Ok(id)
}

/// Corrects a work group's name (one two laptops both gave out offline, which the merge
/// refuses until one of them is corrected): needs a reason, and the new name must be free.
/// Households keep their group: they name it by id.
pub fn rename_group(tx: &mut Tx, project: Uuid, name: &str, to: &str, reason: Option<&str>) -> Result<()> {
    let id = find_group(tx.conn(), project, name)?.ok_or_else(|| Error::not_found("动迁组", name.trim()))?;
    let to = to.trim();
    if to.is_empty() {
        return Err(Error::invalid("name", "动迁组名称不能为空"));
    }
    if to == name.trim() {
        return Err(Error::rule("group.unchanged", format!("动迁组名称已是 {to}")));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_none() {
        return Err(Error::rule("group.rename_needs_reason", format!("更改动迁组名称 {} 必须注明原因", name.trim())));
    }
    if find_group(tx.conn(), project, to)?.is_some() {
        return Err(Error::AlreadyExists { what: "动迁组", key: to.to_string() });
    }
    tx.with_reason(reason);
    tx.update(Entity::WorkGroup, id, Some(project), Fields::new().set("name", to))?;
    tx.with_reason(None);
    Ok(())
}

pub fn find_group(conn: &Connection, project: Uuid, name: &str) -> Result<Option<Uuid>> {
    conn.query_row(
        "SELECT id FROM work_groups WHERE project_id = ?1 AND name = ?2",
        [project.to_string(), name.trim().to_string()],
        |r| crate::read::uuid(r, 0),
    )
    .optional()
    .map_err(Into::into)
}

/// The fixed order of work groups (第一组, 第二组, ..., 第十组; 1组, 2组): by the number in the
/// name (Chinese numerals or digits), then by name. Text order would put 第三组 before 第二组.
pub fn group_order(name: &str) -> (u32, String) {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|d| d as u32).or(c.to_digit(10));
    let mut number: Option<u32> = None;
    let mut current = 0u32;
    let mut seen = false;
    for c in crate::normal::typed(name).chars() {
        if let Some(d) = digit(c) {
            current = if c.is_ascii_digit() { current * 10 + d } else { d + current / 10 * 10 };
            seen = true;
        } else if c == '十' {
            current = if seen { current * 10 } else { 10 };
            seen = true;
        } else if seen {
            number = Some(current);
            break;
        }
    }
    if number.is_none() && seen {
        number = Some(current);
    }
    (number.unwrap_or(u32::MAX), name.to_string())
}

pub fn groups(conn: &Connection, project: Uuid) -> Result<Vec<WorkGroup>> {
    let mut stmt = conn.prepare(
        "SELECT g.id, g.name, g.leader_id, s.name, g.members FROM work_groups g
         LEFT JOIN staff s ON s.id = g.leader_id WHERE g.project_id = ?1 ORDER BY g.name",
    )?;
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok(WorkGroup {
            id: crate::read::uuid(r, 0)?,
            name: r.get(1)?,
            leader_id: crate::read::opt_uuid(r, 2)?,
            leader: r.get(3)?,
            members: crate::read::json_list::<Uuid>(r, 4)?,
        })
    })?;
    let mut groups: Vec<WorkGroup> = rows.collect::<rusqlite::Result<_>>()?;
    groups.sort_by_cached_key(|g| group_order(&g.name));
    Ok(groups)
}

pub fn staff(conn: &Connection, project: Uuid) -> Result<Vec<Staff>> {
    let mut stmt = conn.prepare("SELECT id, name, role, phone FROM staff WHERE project_id = ?1 ORDER BY name")?;
    let rows = stmt.query_map([project.to_string()], |r| {
        Ok(Staff { id: crate::read::uuid(r, 0)?, name: r.get(1)?, role: r.get(2)?, phone: r.get(3)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
