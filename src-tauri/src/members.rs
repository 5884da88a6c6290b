//! The 成员与设备 page. Each command is one call into `jingdi::desk`; all run on the writer,
//! whose installation holds the device key and the project keys.

use crate::{Store, Wire};
use jingdi::admission::{Capabilities, JoinRequest, Member, MembersView};
use jingdi::desk::{self, AdmitInput};
use tauri::State;
use uuid::Uuid;

#[tauri::command]
pub async fn members(s: State<'_, Store>, project: Uuid) -> Wire<MembersView> {
    s.write(move |db| desk::members(db, project)).await
}

#[tauri::command]
pub async fn join_request(s: State<'_, Store>) -> Wire<JoinRequest> {
    s.write(|db| desk::join_request(db)).await
}

#[tauri::command]
pub async fn admit_member(s: State<'_, Store>, project: Uuid, input: AdmitInput) -> Wire<Member> {
    s.write(move |db| desk::admit_member(db, project, input)).await
}

#[tauri::command]
pub async fn revoke_member(s: State<'_, Store>, project: Uuid, device: Uuid, reason: String) -> Wire<Member> {
    s.write(move |db| desk::revoke_member(db, project, device, reason)).await
}

/// On the writer: whether the laptop may admit depends on the project key its installation holds.
#[tauri::command]
pub async fn capabilities(s: State<'_, Store>, project: Uuid) -> Wire<Capabilities> {
    s.write(move |db| desk::capabilities(db, project)).await
}
