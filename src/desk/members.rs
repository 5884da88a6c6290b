//! The app's 成员与设备 calls: this laptop's join request, the project's admitted laptops,
//! admitting and revoking (on the 指挥部 laptop). They run on the writer connection: the
//! installation (the device key, the project keys) is the writer's.

use super::operator;
use crate::admission::{self, Admit, JoinRequest, Member, MembersView};
use crate::error::{Error, Result};
use crate::{project, Db};
use serde::Deserialize;
use uuid::Uuid;

pub fn members(db: &Db, project: Uuid) -> Result<MembersView> {
    admission::view(db, &project::get(db.conn(), project)?)
}

/// This laptop's join request (the code to send to the 指挥部), named after the device.
pub fn join_request(db: &Db) -> Result<JoinRequest> {
    let key = db
        .installation()
        .map(|i| crate::oplog::signing::public_hex(i.signing_key()))
        .ok_or_else(|| Error::invalid("db", "内存中的数据库不能申请入组"))?;
    let name = db.setting(super::DEVICE_NAME)?.unwrap_or_default();
    Ok(JoinRequest::new(db.device_id(), key, name.trim().to_string()))
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AdmitInput {
    /// The join request's code (or its file's text), as pasted.
    pub request: String,
    /// A role id or name.
    pub role: String,
    pub name: Option<String>,
    /// `YYYY-MM-DD`; empty: no end.
    pub until: Option<String>,
}

pub fn admit_member(db: &mut Db, project: Uuid, input: AdmitInput) -> Result<Member> {
    let request = JoinRequest::parse(&input.request)?;
    let role = admission::parse_role(&input.role)?;
    let until = crate::units::parse_opt_date("until", input.until.as_deref())?;
    let who = operator(db)?;
    db.write(&who, |tx| {
        admission::admit(
            tx,
            project,
            &Admit { request: &request, role, name: input.name.as_deref(), valid_until: until },
        )
    })
}

pub fn revoke_member(db: &mut Db, project: Uuid, device: Uuid, reason: String) -> Result<Member> {
    let who = operator(db)?;
    db.write(&who, |tx| admission::revoke(tx, project, device, &reason))
}

/// What this laptop may do in the project (the screens hide or disable the rest).
pub fn capabilities(db: &Db, project: Uuid) -> Result<admission::Capabilities> {
    let conn = db.conn();
    let p = project::get(conn, project)?;
    // Validity dates are the office's dates (China Standard Time), as `judge` reads them.
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    admission::capabilities(conn, db.installation(), p.id, db.device_id(), today)
}
