//! The compensation commands: the standards page, the household page's compensation
//! section and the dashboard's fairness list. Each is one call into `jingdi::desk`.

use crate::{Store, Wire};
use jingdi::compensation::{calc::RecalcReport, fairness::FairnessReport};
use jingdi::desk::{self, *};
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub fn standards(s: State<Store>, project: Uuid) -> Wire<StandardsView> {
    s.run(|db| desk::standards(db, project))
}
#[tauri::command]
pub fn publish_standard(s: State<Store>, input: StandardDraft) -> Wire<StandardsView> {
    s.run(|db| desk::publish_standard(db, input))
}
#[tauri::command]
pub fn recalc_compensation(s: State<Store>, input: RecalcInput) -> Wire<RecalcReport> {
    s.run(|db| desk::recalc_compensation(db, input))
}
#[tauri::command]
pub fn fairness(s: State<Store>, project: Uuid, threshold: Option<String>) -> Wire<FairnessReport> {
    s.run(|db| desk::fairness(db, project, threshold))
}
#[tauri::command]
pub fn adjust_item(s: State<Store>, input: AdjustInput) -> Wire<HouseholdView> {
    s.run(|db| desk::adjust_item(db, input))
}
#[tauri::command]
pub fn confirm_household_items(s: State<Store>, input: ConfirmAllInput) -> Wire<HouseholdView> {
    s.run(|db| desk::confirm_household_items(db, input))
}
#[tauri::command]
pub fn unconfirm_item(s: State<Store>, input: UnconfirmInput) -> Wire<HouseholdView> {
    s.run(|db| desk::unconfirm_item(db, input))
}
#[tauri::command]
pub fn pay(s: State<Store>, input: PayInput) -> Wire<HouseholdView> {
    s.run(|db| desk::pay(db, input))
}
#[tauri::command]
pub fn add_inventory(s: State<Store>, input: InventoryInput) -> Wire<HouseholdView> {
    s.run(|db| desk::add_inventory(db, input))
}
#[tauri::command]
pub fn correct_inventory(s: State<Store>, input: InventoryCorrection) -> Wire<HouseholdView> {
    s.run(|db| desk::correct_inventory(db, input))
}
#[tauri::command]
pub fn set_household_amount(s: State<Store>, input: AmountInput) -> Wire<HouseholdView> {
    s.run(|db| desk::set_household_amount(db, input))
}
