//! The desktop app's calls. Each takes the database and plain inputs as the UI sends them
//! (ids, vocabulary ids, dates as 'YYYY-MM-DD' text), calls the domain modules, and returns
//! a serialisable view. The Tauri shell maps each command to one function here, so the
//! app holds no rule of its own: everything is validated by the core, and errors cross IPC
//! as `{code, message}` ([`crate::error::WireError`]).
//!
//! The author of every change is the operator saved on this installation.

use crate::compensation::sheet::{self, Sheet};
use crate::compensation::standards::CatalogueItem;
use crate::compensation::Item;
use crate::error::{Error, Result};
use crate::meeting::{self, DecisionInput, Meeting, NewMeeting};
use crate::obstacle::{self, NewObstacle, Obstacle};
use crate::plot_work::{self, ChecklistItem, DemolitionDay, Pole};
use crate::project::{self, NewProject, Project};
use crate::report::board::{self, Board, HouseholdHit};
use crate::report::changes::{self, Changes};
use crate::report::clearance::{self, ClearanceItem};
use crate::report::history::{self, HistoryEntry, HistoryFilter};
use crate::report::summary::{self, Summary};
use crate::stage::{self, StageEvent};
use crate::visit::{self, NewVisit, Visit};
use crate::vocab::*;
use crate::{demo, household, Db};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod compensation;
mod office;
mod sync;
pub use self::compensation::*;
pub use self::office::*;
pub use self::sync::*;
mod backup;
pub use self::backup::*;
mod evidence;
pub use self::evidence::*;
mod map;
pub use self::map::*;
mod field;
pub use self::field::*;
mod members;
pub use self::members::*;
pub mod rendering;

pub const OPERATOR: &str = "operator";
pub const DEVICE_NAME: &str = "device_name";

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn date(field: &'static str, s: &str) -> Result<NaiveDate> {
    crate::units::parse_date(field, s)
}

/// An optional date: empty text means none.
fn opt_date(field: &'static str, s: &Option<String>) -> Result<Option<NaiveDate>> {
    crate::units::parse_opt_date(field, s.as_deref())
}

/// A date defaulting to the project's as-of date: today for a live project, the date a
/// historical one (the demo) is shown as of, so the demo's records stay in its own time.
fn date_or_project_as_of(db: &Db, project: Uuid, field: &'static str, s: &Option<String>) -> Result<NaiveDate> {
    match opt_date(field, s)? {
        Some(d) => Ok(d),
        None => Ok(project::as_of(&project::get(db.conn(), project)?, None)),
    }
}

/// As [`date_or_project_as_of`], for the project of a household.
fn date_or_as_of(db: &Db, household: Uuid, field: &'static str, s: &Option<String>) -> Result<NaiveDate> {
    let project = household::get(db.conn(), household)?.project_id;
    date_or_project_as_of(db, project, field, s)
}

fn operator(db: &Db) -> Result<String> {
    db.setting(OPERATOR)?
        .filter(|o| !o.trim().is_empty())
        .ok_or_else(|| Error::invalid("operator", "尚未设置操作人：请先在「设置」中填写您的姓名"))
}

// ------------------------------------------------------------------ start

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppState {
    pub operator: Option<String>,
    pub device_name: Option<String>,
    pub device_id: Uuid,
    pub db_path: String,
    pub projects: Vec<Project>,
    pub today: NaiveDate,
}

pub fn app_state(db: &Db) -> Result<AppState> {
    Ok(AppState {
        operator: db.setting(OPERATOR)?,
        device_name: db.setting(DEVICE_NAME)?,
        device_id: db.device_id(),
        db_path: db.path().display().to_string(),
        projects: project::list(db.conn())?,
        today: today(),
    })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identity {
    pub operator: String,
    pub device_name: String,
}

/// Saves who works on this installation: the operator (author of every change) and a
/// name for the device.
pub fn set_identity(db: &mut Db, i: Identity) -> Result<AppState> {
    if i.operator.trim().is_empty() {
        return Err(Error::invalid("operator", "操作人姓名不能为空"));
    }
    if i.device_name.trim().is_empty() {
        return Err(Error::invalid("device_name", "设备名称不能为空"));
    }
    db.set_setting(OPERATOR, i.operator.trim())?;
    db.set_setting(DEVICE_NAME, i.device_name.trim())?;
    app_state(db)
}

/// Opens the demo plot, creating it on first use.
pub fn open_demo(db: &mut Db) -> Result<Project> {
    if let Some(p) = project::find_by_code(db.conn(), demo::CODE)? {
        return Ok(p);
    }
    let id = demo::create(db)?;
    project::get(db.conn(), id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectInput {
    pub code: String,
    pub name: String,
    pub city: String,
    pub district: String,
    pub street: String,
    pub community: String,
    pub window_opens_on: String,
    pub window_closes_on: String,
    pub clearance_target: Option<String>,
}

impl ProjectInput {
    /// The project as typed (dates as text), checked into what `project::create` takes.
    pub fn parse(self) -> Result<NewProject> {
        Ok(NewProject {
            code: self.code,
            name: self.name,
            city: self.city,
            district: self.district,
            street: self.street,
            community: self.community,
            window_opens_on: date("window_opens_on", &self.window_opens_on)?,
            window_closes_on: date("window_closes_on", &self.window_closes_on)?,
            clearance_target: opt_date("clearance_target", &self.clearance_target)?,
            status: ProjectStatus::Preparing,
            as_of: None,
        })
    }
}

pub fn create_project(db: &mut Db, p: ProjectInput) -> Result<Project> {
    let np = p.parse()?;
    let who = operator(db)?;
    let id = db.write(&who, |tx| project::create(tx, &np))?;
    project::get(db.conn(), id)
}

// ------------------------------------------------------------------ reports

pub fn summary(db: &Db, project: Uuid) -> Result<Summary> {
    summary::summary(db.conn(), &project::get(db.conn(), project)?, None)
}

pub fn board(db: &Db, project: Uuid) -> Result<Board> {
    board::board(db.conn(), &project::get(db.conn(), project)?, None)
}

pub fn find_households(db: &Db, project: Uuid, query: String) -> Result<Vec<HouseholdHit>> {
    board::find_households(db.conn(), project, &query, 20)
}

pub fn clearance(db: &Db, project: Uuid) -> Result<Vec<ClearanceItem>> {
    clearance::clearance(db.conn(), &project::get(db.conn(), project)?, None)
}

#[derive(Debug, Clone, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryQuery {
    pub project_id: Uuid,
    pub household_id: Option<Uuid>,
    pub author: Option<String>,
    /// Recorded on or after this date.
    pub since: Option<String>,
    pub limit: Option<u32>,
}

/// The operation log, newest first.
pub fn history(db: &Db, q: HistoryQuery) -> Result<Vec<HistoryEntry>> {
    let f = HistoryFilter {
        project: Some(q.project_id),
        since: opt_date("since", &q.since)?,
        entity: q.household_id,
        author: q.author.filter(|a| !a.trim().is_empty()),
        limit: q.limit.map(|l| l as usize),
    };
    let mut entries = history::history(db.conn(), &f)?;
    entries.reverse();
    Ok(entries)
}

// ------------------------------------------------------------------ household

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdView {
    pub household: household::Household,
    pub timeline: Vec<StageEvent>,
    pub items: Vec<Item>,
    /// Newest first.
    pub visits: Vec<Visit>,
    pub obstacles: Vec<Obstacle>,
    pub as_of: NaiveDate,
    /// The settlement sheet: items with formulas, inventory, totals, agreement check.
    pub compensation: Sheet,
    /// What the inventory can record (the latest standard's catalogue; empty: none published).
    pub catalogue: Vec<CatalogueItem>,
    /// The household at a glance, for the top of its page.
    pub glance: Glance,
}

/// What a team leader looks for first on a household's page: the money (from the settlement
/// sheet's totals), the open issues and when the next visit is due.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Glance {
    pub open_obstacles: usize,
    /// The follow-up date of the latest visit (corrections aside): the one 逾期回访 reads.
    pub follow_up_on: Option<NaiveDate>,
    pub next_step: String,
    /// The follow-up date has passed (before the as-of date).
    pub follow_up_overdue: bool,
}

pub fn household(db: &Db, id: Uuid) -> Result<HouseholdView> {
    let conn = db.conn();
    let h = household::get(conn, id)?;
    let p = project::get(conn, h.project_id)?;
    let obstacles: Vec<Obstacle> =
        obstacle::list(conn, h.project_id, false)?.into_iter().filter(|o| o.household_id == Some(id)).collect();
    let visits = visit::for_household(conn, id)?;
    let as_of = project::as_of(&p, None);
    // Newest first, corrected visits left out (`visit::for_household`), as 逾期回访 reads them.
    let latest = visits.first();
    let follow_up_on = latest.and_then(|v| v.follow_up_on);
    let glance = Glance {
        open_obstacles: obstacles.iter().filter(|o| o.status != ObstacleStatus::Resolved).count(),
        follow_up_on,
        next_step: latest.map(|v| v.next_step.clone()).unwrap_or_default(),
        follow_up_overdue: follow_up_on.is_some_and(|d| d < as_of),
    };
    Ok(HouseholdView {
        timeline: stage::timeline(conn, id)?,
        items: crate::compensation::for_household(conn, id)?,
        compensation: sheet::sheet(conn, id)?,
        catalogue: compensation::catalogue(db, h.project_id)?,
        visits,
        obstacles,
        as_of,
        glance,
        household: h,
    })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VisitInput {
    pub household_id: Uuid,
    pub kind: Option<VisitKind>,
    pub visitors: Vec<String>,
    pub outcome: String,
    pub concerns: Vec<String>,
    pub promises: String,
    pub next_step: String,
    pub follow_up_on: Option<String>,
    /// When the visit happened, for one written up later: 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM'
    /// (local time; noon when only the date is given). Empty: now, or for a historical
    /// project its working date ([`work_date`]).
    pub visited_at: Option<String>,
}

/// The time a visit happened, from the form: see [`VisitInput::visited_at`].
fn visit_time(db: &Db, household: Uuid, typed: &Option<String>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    use chrono::TimeZone;
    let typed = typed.as_deref().map(crate::normal::typed).unwrap_or_default();
    let local = |d: NaiveDate, t: chrono::NaiveTime| {
        chrono::Local
            .from_local_datetime(&d.and_time(t))
            .earliest()
            .map(|x| x.with_timezone(&chrono::Utc))
            .ok_or_else(|| Error::invalid("visited_at", format!("走访时间「{typed}」在本地时间中不存在")))
    };
    if typed.is_empty() {
        let project = household::get(db.conn(), household)?.project_id;
        let day = work_date(db, project)?;
        if day >= today() {
            return Ok(None);
        }
        return local(day, chrono::Local::now().time()).map(Some);
    }
    let (d, t) = match typed.split_once([' ', 'T']) {
        Some((d, t)) => {
            let t = chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| Error::invalid("visited_at", format!("走访时间「{typed}」应写作 2024-05-01 14:30")))?;
            (date("visited_at", d)?, t)
        }
        None => (date("visited_at", &typed)?, chrono::NaiveTime::from_hms_opt(12, 0, 0).expect("noon")),
    };
    if d == today() && typed.len() <= 10 {
        return Ok(None);
    }
    local(d, t).map(Some)
}

/// Records a visit by the operator: now, or when it happened.
pub fn log_visit(db: &mut Db, v: VisitInput) -> Result<Visit> {
    let nv = NewVisit {
        visited_at: visit_time(db, v.household_id, &v.visited_at)?,
        visitors: v.visitors,
        kind: v.kind,
        outcome: v.outcome,
        concerns: v.concerns,
        promises: v.promises,
        next_step: v.next_step,
        follow_up_on: opt_date("follow_up_on", &v.follow_up_on)?,
        corrects: None,
    };
    let who = operator(db)?;
    let id = db.write(&who, |tx| visit::add(tx, v.household_id, &nv))?;
    visit::for_household(db.conn(), v.household_id)?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| Error::not_found("走访记录", id.to_string()))
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StageInput {
    pub household_id: Uuid,
    pub to: Stage,
    /// The date the stage was reached; the project's as-of date when empty.
    pub on: Option<String>,
    pub reason: Option<String>,
}

pub fn set_stage(db: &mut Db, s: StageInput) -> Result<HouseholdView> {
    let on = date_or_as_of(db, s.household_id, "on", &s.on)?;
    let who = operator(db)?;
    db.write(&who, |tx| stage::set(tx, s.household_id, s.to, on, s.reason.as_deref()))?;
    household(db, s.household_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssessInput {
    pub household_id: Uuid,
    pub difficulty: Difficulty,
    pub strategy: String,
}

pub fn assess(db: &mut Db, a: AssessInput) -> Result<HouseholdView> {
    let who = operator(db)?;
    db.write(&who, |tx| household::assess(tx, a.household_id, a.difficulty, &a.strategy))?;
    household(db, a.household_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PaymentInput {
    pub item_id: Uuid,
    /// The project's as-of date when empty (today for a live project).
    pub on: Option<String>,
    pub voucher_no: String,
}

/// Confirms an estimated item.
pub fn confirm_item(db: &mut Db, p: PaymentInput) -> Result<Item> {
    let household = crate::compensation::get(db.conn(), p.item_id)?.household_id;
    let on = date_or_as_of(db, household, "confirmed_on", &p.on)?;
    let who = operator(db)?;
    db.write(&who, |tx| crate::compensation::confirm(tx, p.item_id, on))?;
    crate::compensation::get(db.conn(), p.item_id)
}

// ------------------------------------------------------------------ obstacles

pub use crate::obstacle::ObstacleRow;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObstacleList {
    pub as_of: NaiveDate,
    /// All obstacles, open ones first (overdue first), then resolved.
    pub rows: Vec<ObstacleRow>,
}

pub fn obstacles(db: &Db, project: Uuid) -> Result<ObstacleList> {
    let p = project::get(db.conn(), project)?;
    let as_of = project::as_of(&p, None);
    Ok(ObstacleList { as_of, rows: obstacle::rows(db.conn(), project, as_of)? })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ObstacleInput {
    pub project_id: Uuid,
    pub household_id: Option<Uuid>,
    pub title: String,
    pub category: ObstacleCategory,
    pub responsible_unit: String,
    pub responsible_person: String,
    pub due_on: Option<String>,
    pub blocks_stage: Option<Stage>,
}

/// Raises an obstacle on the project's working date.
pub fn add_obstacle(db: &mut Db, o: ObstacleInput) -> Result<Obstacle> {
    let raised_on = work_date(db, o.project_id)?;
    let no = NewObstacle {
        title: o.title,
        category: o.category,
        household: o.household_id,
        responsible_unit: o.responsible_unit,
        responsible_person: o.responsible_person,
        raised_on,
        due_on: opt_date("due_on", &o.due_on)?,
        blocks_stage: o.blocks_stage,
    };
    let who = operator(db)?;
    let id = db.write(&who, |tx| obstacle::add(tx, o.project_id, &no))?;
    obstacle::get(db.conn(), id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResolveInput {
    pub obstacle_id: Uuid,
    pub resolution: String,
    /// The project's as-of date when empty (today for a live project).
    pub on: Option<String>,
}

pub fn resolve_obstacle(db: &mut Db, r: ResolveInput) -> Result<Obstacle> {
    let project = obstacle::get(db.conn(), r.obstacle_id)?.project_id;
    let on = date_or_project_as_of(db, project, "resolved_on", &r.on)?;
    let who = operator(db)?;
    db.write(&who, |tx| obstacle::resolve(tx, r.obstacle_id, &r.resolution, on))?;
    obstacle::get(db.conn(), r.obstacle_id)
}

// ------------------------------------------------------------------ meetings

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OwnerOverdue {
    pub responsible_unit: String,
    pub obstacles: Vec<Obstacle>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeetingPrep {
    /// The start of the brief: the date asked for, else the last meeting's, else a week
    /// before the as-of date.
    pub since: NaiveDate,
    pub as_of: NaiveDate,
    /// The last meeting held on or before the as-of date; None: there has been none.
    pub last_meeting: Option<NaiveDate>,
    pub changes: Changes,
    pub overdue_by_owner: Vec<OwnerOverdue>,
    /// Open obstacles that are overdue or block a stage and that no meeting has decided on.
    pub needing_decision: Vec<Obstacle>,
    /// Newest first.
    pub meetings: Vec<Meeting>,
}

pub fn meeting_prep(db: &Db, project: Uuid, since: Option<String>) -> Result<MeetingPrep> {
    let conn = db.conn();
    let p = project::get(conn, project)?;
    let as_of = project::as_of(&p, None);
    let meetings = meeting::list(conn, project)?;
    let last_meeting = meeting::last_held(conn, project, as_of)?;
    let since = meeting::brief_since(opt_date("since", &since)?, last_meeting, as_of);
    let decided: std::collections::HashSet<Uuid> =
        meetings.iter().flat_map(|m| m.decisions.iter().filter_map(|d| d.obstacle_id)).collect();
    let open = obstacle::list(conn, project, true)?;
    let mut by_owner: std::collections::BTreeMap<String, Vec<Obstacle>> = Default::default();
    for o in open.iter().filter(|o| o.is_overdue(as_of)) {
        let unit =
            if o.responsible_unit.is_empty() { "（未指定）".to_string() } else { o.responsible_unit.clone() };
        by_owner.entry(unit).or_default().push(o.clone());
    }
    let needing_decision = open
        .into_iter()
        .filter(|o| (o.is_overdue(as_of) || o.blocks_stage.is_some()) && !decided.contains(&o.id))
        .collect();
    Ok(MeetingPrep {
        since,
        as_of,
        last_meeting,
        changes: changes::changes_since(conn, &p, Some(since), Some(as_of))?,
        overdue_by_owner: by_owner
            .into_iter()
            .map(|(responsible_unit, obstacles)| OwnerOverdue { responsible_unit, obstacles })
            .collect(),
        needing_decision,
        meetings,
    })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MeetingInput {
    pub project_id: Uuid,
    /// The project's as-of date when empty (today for a live project).
    pub held_on: Option<String>,
    pub title: String,
    pub attendees: Vec<String>,
    pub decisions: Vec<DecisionInput>,
    pub notes: String,
}

pub fn record_meeting(db: &mut Db, m: MeetingInput) -> Result<Meeting> {
    let nm = NewMeeting {
        held_on: date_or_project_as_of(db, m.project_id, "held_on", &m.held_on)?,
        title: m.title,
        attendees: m.attendees,
        decisions: m.decisions,
        notes: m.notes,
    };
    let who = operator(db)?;
    let id = db.write(&who, |tx| meeting::record(tx, m.project_id, &nm))?;
    meeting::list(db.conn(), m.project_id)?
        .into_iter()
        .find(|x| x.id == id)
        .ok_or_else(|| Error::not_found("会商记录", id.to_string()))
}

// ------------------------------------------------------------------ plot work

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlotWork {
    /// The project's working date: what the forms' empty dates mean.
    pub work_date: NaiveDate,
    pub poles: Vec<Pole>,
    /// Oldest first.
    pub days: Vec<DemolitionDay>,
    pub checklist: Vec<ChecklistItem>,
}

pub fn plot_work(db: &Db, project: Uuid) -> Result<PlotWork> {
    let conn = db.conn();
    Ok(PlotWork {
        work_date: work_date(db, project)?,
        poles: plot_work::poles(conn, project)?,
        days: plot_work::demolition_days(conn, project)?,
        checklist: plot_work::checklist(conn, project)?,
    })
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PoleStatusInput {
    pub pole_id: Uuid,
    pub status: PoleStatus,
    /// The project's as-of date when empty (today for a live project).
    pub on: Option<String>,
    pub reason: Option<String>,
}

pub fn set_pole_status(db: &mut Db, p: PoleStatusInput) -> Result<Vec<Pole>> {
    let who = operator(db)?;
    let project: String = db
        .conn()
        .query_row("SELECT project_id FROM poles WHERE id = ?1", [p.pole_id.to_string()], |r| r.get(0))
        .map_err(|_| Error::not_found("杆线", p.pole_id.to_string()))?;
    let project = Uuid::parse_str(&project).map_err(|e| Error::Corrupt(e.to_string()))?;
    let on = date_or_project_as_of(db, project, "status_on", &p.on)?;
    db.write(&who, |tx| plot_work::set_pole_status(tx, p.pole_id, p.status, on, p.reason.as_deref()))?;
    plot_work::poles(db.conn(), project)
}
