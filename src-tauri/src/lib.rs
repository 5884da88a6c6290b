//! The Tauri shell: opens the database and exposes the core's desktop calls
//! ([`jingdi::desk`]) as commands. No domain logic lives here: every command is one call
//! into the core through the [`Store`] (off the main thread; queries on read-only
//! connections), and a refusal crosses IPC as the core's `{code, message}`.

mod backup;
mod compensation;
mod evidence;
mod map;
mod members;
mod office;
mod store;
mod sync;

use jingdi::desk::{self, *};
use jingdi::Db;
pub use store::{Store, Wire};
use tauri::State;
use uuid::Uuid;

#[tauri::command]
async fn app_state(s: State<'_, Store>) -> Wire<AppState> {
    s.read(desk::app_state).await
}
#[tauri::command]
async fn set_identity(s: State<'_, Store>, input: Identity) -> Wire<AppState> {
    s.write(move |db| desk::set_identity(db, input)).await
}
#[tauri::command]
async fn open_demo(s: State<'_, Store>) -> Wire<jingdi::project::Project> {
    s.write(desk::open_demo).await
}
#[tauri::command]
async fn create_project(s: State<'_, Store>, input: ProjectInput) -> Wire<jingdi::project::Project> {
    s.write(move |db| desk::create_project(db, input)).await
}
#[tauri::command]
async fn summary(s: State<'_, Store>, project: Uuid) -> Wire<jingdi::report::summary::Summary> {
    s.read(move |db| desk::summary(db, project)).await
}
#[tauri::command]
async fn board(s: State<'_, Store>, project: Uuid) -> Wire<jingdi::report::board::Board> {
    s.read(move |db| desk::board(db, project)).await
}
#[tauri::command]
async fn find_households(
    s: State<'_, Store>,
    project: Uuid,
    query: String,
) -> Wire<Vec<jingdi::report::board::HouseholdHit>> {
    s.read(move |db| desk::find_households(db, project, query)).await
}
#[tauri::command]
async fn clearance(s: State<'_, Store>, project: Uuid) -> Wire<Vec<jingdi::report::clearance::ClearanceItem>> {
    s.read(move |db| desk::clearance(db, project)).await
}
#[tauri::command]
async fn history(s: State<'_, Store>, input: HistoryQuery) -> Wire<Vec<jingdi::report::history::HistoryEntry>> {
    s.read(move |db| desk::history(db, input)).await
}
#[tauri::command]
async fn household(s: State<'_, Store>, id: Uuid) -> Wire<HouseholdView> {
    s.read(move |db| desk::household(db, id)).await
}
#[tauri::command]
async fn log_visit(s: State<'_, Store>, input: VisitInput) -> Wire<jingdi::visit::Visit> {
    s.write(move |db| desk::log_visit(db, input)).await
}
#[tauri::command]
async fn set_stage(s: State<'_, Store>, input: StageInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::set_stage(db, input)).await
}
#[tauri::command]
async fn assess(s: State<'_, Store>, input: AssessInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::assess(db, input)).await
}
#[tauri::command]
async fn confirm_item(s: State<'_, Store>, input: PaymentInput) -> Wire<jingdi::compensation::Item> {
    s.write(move |db| desk::confirm_item(db, input)).await
}
#[tauri::command]
async fn obstacles(s: State<'_, Store>, project: Uuid) -> Wire<ObstacleList> {
    s.read(move |db| desk::obstacles(db, project)).await
}
#[tauri::command]
async fn add_obstacle(s: State<'_, Store>, input: ObstacleInput) -> Wire<jingdi::obstacle::Obstacle> {
    s.write(move |db| desk::add_obstacle(db, input)).await
}
#[tauri::command]
async fn resolve_obstacle(s: State<'_, Store>, input: ResolveInput) -> Wire<jingdi::obstacle::Obstacle> {
    s.write(move |db| desk::resolve_obstacle(db, input)).await
}
#[tauri::command]
async fn meeting_prep(s: State<'_, Store>, project: Uuid, since: Option<String>) -> Wire<MeetingPrep> {
    s.read(move |db| desk::meeting_prep(db, project, since)).await
}
#[tauri::command]
async fn record_meeting(s: State<'_, Store>, input: MeetingInput) -> Wire<jingdi::meeting::Meeting> {
    s.write(move |db| desk::record_meeting(db, input)).await
}
#[tauri::command]
async fn plot_work(s: State<'_, Store>, project: Uuid) -> Wire<PlotWork> {
    s.read(move |db| desk::plot_work(db, project)).await
}
#[tauri::command]
async fn set_pole_status(s: State<'_, Store>, input: PoleStatusInput) -> Wire<Vec<jingdi::plot_work::Pole>> {
    s.write(move |db| desk::set_pole_status(db, input)).await
}
#[tauri::command]
async fn log_demolition_day(s: State<'_, Store>, input: DemolitionInput) -> Wire<PlotWork> {
    s.write(move |db| desk::log_demolition_day(db, input)).await
}
#[tauri::command]
async fn add_pole(s: State<'_, Store>, input: PoleInput) -> Wire<PlotWork> {
    s.write(move |db| desk::add_pole(db, input)).await
}
#[tauri::command]
async fn set_checklist_done(s: State<'_, Store>, input: ChecklistInput) -> Wire<PlotWork> {
    s.write(move |db| desk::set_checklist_done(db, input)).await
}
#[tauri::command]
async fn undo_last(s: State<'_, Store>, record: Uuid) -> Wire<()> {
    s.write(move |db| desk::undo_last(db, record)).await
}
#[tauri::command]
async fn set_household_field(s: State<'_, Store>, input: HouseholdFieldInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::set_household_field(db, input)).await
}
#[tauri::command]
async fn work_day(s: State<'_, Store>, project: Uuid) -> Wire<WorkDay> {
    s.read(move |db| desk::work_day(db, project)).await
}

/// Opens the default database (or `$JINGDI_DB`) and runs the app.
pub fn run() {
    // Before GTK and WebKit start (and before any thread): software rendering on machines
    // without a GPU render node, as decided by the core (jingdi::desk::rendering).
    for (k, v) in desk::rendering::startup_rendering_switches() {
        std::env::set_var(k, v);
    }
    let path = jingdi::db::default_path();
    let store = match Db::open(&path).and_then(Store::new) {
        Ok(store) => store,
        Err(e) => {
            eprintln!("净地：{e}");
            std::process::exit(1);
        }
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(store)
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
            log_demolition_day,
            add_pole,
            set_checklist_done,
            undo_last,
            set_household_field,
            work_day,
            office::office_preview,
            office::office_import,
            office::office_import_cancel,
            office::office_export,
            office::office_file_name,
            office::open_path,
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
            sync::sync_cancel,
            sync::resolve_conflict,
            members::members,
            members::join_request,
            members::admit_member,
            members::revoke_member,
            members::capabilities,
            sync::hub_status,
            sync::hub_configure,
            sync::hub_sync,
            sync::hub_tick,
            office::district_overview,
            office::district_export,
            backup::backups,
            backup::backup_now,
            backup::restore_plan,
            backup::restore_backup,
            backup::startup_check,
            evidence::household_evidence,
            evidence::record_evidence,
            evidence::attach_files,
            evidence::open_attachment,
            evidence::withdraw_attachment,
            evidence::save_attachment_copy,
            evidence::search,
            map::map_view,
            map::pace,
            map::map_preview,
            map::map_import,
            map::map_export
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Jingdi app");
}
