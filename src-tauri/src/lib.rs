//! The Tauri shell: opens the database and exposes the core's desktop calls
//! ([`jingdi::desk`]) as commands. No domain logic lives here: every command is one call
//! into the core, and a refusal crosses IPC as the core's `{code, message}`.

mod compensation;
mod map;
mod office;
mod sync;

use jingdi::desk::{self, *};
use jingdi::error::WireError;
use jingdi::Db;
use std::sync::Mutex;
use tauri::State;
use uuid::Uuid;

/// The open database; one connection, one writer at a time.
pub struct Store(Mutex<Db>);

type Wire<T> = Result<T, WireError>;

impl Store {
    fn run<T>(&self, f: impl FnOnce(&mut Db) -> jingdi::Result<T>) -> Wire<T> {
        let mut db = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut db).map_err(|e| e.to_wire())
    }
}

#[tauri::command]
fn app_state(s: State<Store>) -> Wire<AppState> {
    s.run(|db| desk::app_state(db))
}
#[tauri::command]
fn set_identity(s: State<Store>, input: Identity) -> Wire<AppState> {
    s.run(|db| desk::set_identity(db, input))
}
#[tauri::command]
fn open_demo(s: State<Store>) -> Wire<jingdi::project::Project> {
    s.run(desk::open_demo)
}
#[tauri::command]
fn create_project(s: State<Store>, input: ProjectInput) -> Wire<jingdi::project::Project> {
    s.run(|db| desk::create_project(db, input))
}
#[tauri::command]
fn summary(s: State<Store>, project: Uuid) -> Wire<jingdi::report::summary::Summary> {
    s.run(|db| desk::summary(db, project))
}
#[tauri::command]
fn board(s: State<Store>, project: Uuid) -> Wire<jingdi::report::board::Board> {
    s.run(|db| desk::board(db, project))
}
#[tauri::command]
fn find_households(s: State<Store>, project: Uuid, query: String) -> Wire<Vec<jingdi::report::board::HouseholdHit>> {
    s.run(|db| desk::find_households(db, project, query))
}
#[tauri::command]
fn clearance(s: State<Store>, project: Uuid) -> Wire<Vec<jingdi::report::clearance::ClearanceItem>> {
    s.run(|db| desk::clearance(db, project))
}
#[tauri::command]
fn history(s: State<Store>, input: HistoryQuery) -> Wire<Vec<jingdi::report::history::HistoryEntry>> {
    s.run(|db| desk::history(db, input))
}
#[tauri::command]
fn household(s: State<Store>, id: Uuid) -> Wire<HouseholdView> {
    s.run(|db| desk::household(db, id))
}
#[tauri::command]
fn log_visit(s: State<Store>, input: VisitInput) -> Wire<jingdi::visit::Visit> {
    s.run(|db| desk::log_visit(db, input))
}
#[tauri::command]
fn set_stage(s: State<Store>, input: StageInput) -> Wire<HouseholdView> {
    s.run(|db| desk::set_stage(db, input))
}
#[tauri::command]
fn assess(s: State<Store>, input: AssessInput) -> Wire<HouseholdView> {
    s.run(|db| desk::assess(db, input))
}
#[tauri::command]
fn confirm_item(s: State<Store>, input: PaymentInput) -> Wire<jingdi::compensation::Item> {
    s.run(|db| desk::confirm_item(db, input))
}
#[tauri::command]
fn obstacles(s: State<Store>, project: Uuid) -> Wire<ObstacleList> {
    s.run(|db| desk::obstacles(db, project))
}
#[tauri::command]
fn add_obstacle(s: State<Store>, input: ObstacleInput) -> Wire<jingdi::obstacle::Obstacle> {
    s.run(|db| desk::add_obstacle(db, input))
}
#[tauri::command]
fn resolve_obstacle(s: State<Store>, input: ResolveInput) -> Wire<jingdi::obstacle::Obstacle> {
    s.run(|db| desk::resolve_obstacle(db, input))
}
#[tauri::command]
fn meeting_prep(s: State<Store>, project: Uuid, since: Option<String>) -> Wire<MeetingPrep> {
    s.run(|db| desk::meeting_prep(db, project, since))
}
#[tauri::command]
fn record_meeting(s: State<Store>, input: MeetingInput) -> Wire<jingdi::meeting::Meeting> {
    s.run(|db| desk::record_meeting(db, input))
}
#[tauri::command]
fn plot_work(s: State<Store>, project: Uuid) -> Wire<PlotWork> {
    s.run(|db| desk::plot_work(db, project))
}
#[tauri::command]
fn set_pole_status(s: State<Store>, input: PoleStatusInput) -> Wire<Vec<jingdi::plot_work::Pole>> {
    s.run(|db| desk::set_pole_status(db, input))
}

/// Opens the default database (or `$JINGDI_DB`) and runs the app.
pub fn run() {
    let path = jingdi::db::default_path();
    let db = match Db::open(&path) {
        Ok(db) => db,
        Err(e) => {
            eprintln!("净地: {e}");
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(Store(Mutex::new(db)))
        .invoke_handler(tauri::generate_handler![
            app_state,
            set_identity,
            open_demo,
            create_project,
            summary,
            board,
            find_households,
            clearance,
            history,
            household,
            log_visit,
            set_stage,
            assess,
            confirm_item,
            obstacles,
            add_obstacle,
            resolve_obstacle,
            meeting_prep,
            record_meeting,
            plot_work,
            set_pole_status,
            office::office_preview,
            office::office_import,
            office::office_export,
            compensation::standards,
            compensation::publish_standard,
            compensation::recalc_compensation,
            compensation::fairness,
            compensation::adjust_item,
            compensation::confirm_household_items,
            compensation::unconfirm_item,
            compensation::pay,
            compensation::add_inventory,
            compensation::correct_inventory,
            compensation::set_household_amount,
            sync::sync_status,
            sync::sync_export,
            sync::sync_import,
            sync::sync_folder,
            sync::resolve_conflict,
            map::map_view,
            map::pace,
            map::map_preview,
            map::map_import,
            map::map_export
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Jingdi app");
}
