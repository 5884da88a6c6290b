//! Field work in the app: a day's demolition crew, a new pole, ticking a 净地 checklist item,
//! editing a household's facts. Typed text is read as the schema declares each field
//! (`FieldSpec::parse`: full-width digits accepted), dates left empty are the project's
//! working date ([`work_date`]).

use super::{household, operator, HouseholdView, PlotWork};
use crate::error::{Error, Result};
use crate::oplog::Entity;
use crate::plot_work;
use crate::project;
use crate::vocab::{PoleKind, PoleStatus};
use crate::Db;
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

/// The one "today" of a project: its as-of date for a historical project (the demo stands
/// at 2022-08-15), the calendar day for a live one. Every date a form leaves empty is this.
pub fn work_date(db: &Db, project: Uuid) -> Result<NaiveDate> {
    Ok(project::as_of(&project::get(db.conn(), project)?, None))
}

fn date_or(db: &Db, project: Uuid, field: &'static str, s: &Option<String>) -> Result<NaiveDate> {
    let typed = s.as_deref().map(crate::normal::typed).filter(|t| !t.is_empty());
    match typed {
        Some(t) => crate::units::parse_date(field, &t),
        None => work_date(db, project),
    }
}

/// A count as typed ("３", "4台"), read by the schema's declaration of the field.
fn count(entity: Entity, field: &str, typed: &str) -> Result<i64> {
    let spec = crate::schema::field(entity, field).expect("a declared field");
    let v = spec.parse(typed)?;
    v.as_i64().ok_or_else(|| Error::invalid(spec.name, format!("{}应为整数", spec.zh)))
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DemolitionInput {
    pub project_id: Uuid,
    /// The project's working date when empty.
    pub log_date: Option<String>,
    /// As typed: "3", "３", "3台".
    pub machines: String,
    pub workers: String,
    /// Household numbers demolished that day, separated by 、 , or spaces.
    pub demolished: String,
    pub notes: String,
}

/// Logs a day's demolition crew (the same date again replaces that day's figures).
pub fn log_demolition_day(db: &mut Db, d: DemolitionInput) -> Result<PlotWork> {
    let on = date_or(db, d.project_id, "log_date", &d.log_date)?;
    let machines = count(Entity::DemolitionLog, "machines", &d.machines)?;
    let workers = count(Entity::DemolitionLog, "workers", &d.workers)?;
    let numbers: Vec<String> = crate::household::split_tags(&crate::normal::typed(&d.demolished).replace(' ', ","));
    let who = operator(db)?;
    db.write(&who, |tx| plot_work::log_demolition_day(tx, d.project_id, on, machines, workers, &numbers, &d.notes))?;
    super::plot_work(db, d.project_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PoleInput {
    pub project_id: Uuid,
    pub label: String,
    pub kind: PoleKind,
    pub owner_unit: String,
    pub location: String,
    /// 待申请 when empty.
    pub status: Option<PoleStatus>,
    /// The date of that status; the project's working date when empty.
    pub status_on: Option<String>,
}

/// Adds a pole, at the status it is found in (one write: the pole and its status).
pub fn add_pole(db: &mut Db, p: PoleInput) -> Result<PlotWork> {
    let on = date_or(db, p.project_id, "status_on", &p.status_on)?;
    let label = crate::normal::typed(&p.label);
    let who = operator(db)?;
    db.write(&who, |tx| {
        let id = plot_work::add_pole(tx, p.project_id, &label, p.kind, &p.owner_unit, &p.location)?;
        match p.status {
            Some(s) if s != PoleStatus::NotApplied => plot_work::set_pole_status(tx, id, s, on, None),
            _ => Ok(()),
        }
    })?;
    super::plot_work(db, p.project_id)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChecklistInput {
    pub item_id: Uuid,
    pub done: bool,
    /// The project's working date when empty.
    pub on: Option<String>,
    /// Needed to untick.
    pub note: String,
}

/// Ticks (or, with a note, unticks) a 净地 checklist item.
pub fn set_checklist_done(db: &mut Db, c: ChecklistInput) -> Result<PlotWork> {
    let project: String = db
        .conn()
        .query_row("SELECT project_id FROM checklist_items WHERE id = ?1", [c.item_id.to_string()], |r| r.get(0))
        .map_err(|_| Error::not_found("净地清单项", c.item_id.to_string()))?;
    let project = Uuid::parse_str(&project).map_err(|e| Error::Corrupt(e.to_string()))?;
    let on = date_or(db, project, "done_on", &c.on)?;
    let who = operator(db)?;
    db.write(&who, |tx| plot_work::set_checklist_done(tx, c.item_id, c.done, on, &c.note))?;
    super::plot_work(db, project)
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HouseholdFieldInput {
    pub household_id: Uuid,
    /// A field `household set` accepts (`phone`, `id_number`, `address`, ...).
    pub field: String,
    /// As typed; full-width digits are read as digits.
    pub value: String,
    /// Needed for agreement fields of a signed household and for a new household number.
    pub reason: Option<String>,
}

/// Changes one fact of a household (phone, ID number, address, members, areas, ...).
pub fn set_household_field(db: &mut Db, i: HouseholdFieldInput) -> Result<HouseholdView> {
    let who = operator(db)?;
    db.write(&who, |tx| crate::household::set(tx, i.household_id, &i.field, &i.value, i.reason.as_deref()))?;
    household(db, i.household_id)
}

#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WorkDay {
    /// The project's "today": the date every form's empty date means.
    pub date: NaiveDate,
    /// A historical project shown as of a past date (not the calendar day).
    pub historical: bool,
}

/// The working date shown in the top bar ([`work_date`]).
pub fn work_day(db: &Db, project: Uuid) -> Result<WorkDay> {
    let p = project::get(db.conn(), project)?;
    Ok(WorkDay { date: project::as_of(&p, None), historical: p.as_of.is_some() })
}

/// 撤销: takes back this laptop's latest edit of a household's facts, a checklist item or a
/// pole, when nothing has been written about it since (`undo::undo_last`).
pub fn undo_last(db: &mut Db, record: Uuid) -> Result<()> {
    let who = operator(db)?;
    db.write(&who, |tx| crate::undo::undo_last(tx, record))
}
