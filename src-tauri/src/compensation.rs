//! The compensation commands: the standards page, the household page's compensation
//! section and the dashboard's fairness list. Each is one call into `jingdi::desk`.

use crate::{Store, Wire};
use jingdi::compensation::{calc::RecalcReport, fairness::FairnessReport};
use jingdi::desk::{self, *};
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn standards(s: State<'_, Store>, project: Uuid) -> Wire<StandardsView> {
    s.read(move |db| desk::standards(db, project)).await
}
#[tauri::command]
pub async fn publish_standard(s: State<'_, Store>, input: StandardDraft) -> Wire<StandardsView> {
    s.write(move |db| desk::publish_standard(db, input)).await
}
#[tauri::command]
pub async fn recalc_compensation(s: State<'_, Store>, input: RecalcInput) -> Wire<RecalcReport> {
    s.write(move |db| desk::recalc_compensation(db, input)).await
}
#[tauri::command]
pub async fn fairness(s: State<'_, Store>, project: Uuid, threshold: Option<String>) -> Wire<FairnessReport> {
    s.read(move |db| desk::fairness(db, project, threshold)).await
}
#[tauri::command]
pub async fn adjust_item(s: State<'_, Store>, input: AdjustInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::adjust_item(db, input)).await
}
#[tauri::command]
pub async fn confirm_household_items(s: State<'_, Store>, input: ConfirmAllInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::confirm_household_items(db, input)).await
}
#[tauri::command]
pub async fn unconfirm_item(s: State<'_, Store>, input: UnconfirmInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::unconfirm_item(db, input)).await
}
#[tauri::command]
pub async fn pay(s: State<'_, Store>, input: PayInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::pay(db, input)).await
}
#[tauri::command]
pub async fn add_inventory(s: State<'_, Store>, input: InventoryInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::add_inventory(db, input)).await
}
#[tauri::command]
pub async fn correct_inventory(s: State<'_, Store>, input: InventoryCorrection) -> Wire<HouseholdView> {
    s.write(move |db| desk::correct_inventory(db, input)).await
}
#[tauri::command]
pub async fn set_household_amount(s: State<'_, Store>, input: AmountInput) -> Wire<HouseholdView> {
    s.write(move |db| desk::set_household_amount(db, input)).await
}
