//! The app's side of the district hub: what the 同步 page shows (the hub, whether it
//! answers, each project's last sync) and when the background sync tries next.
//!
//! The app has no timer logic of its own: it asks [`tick`] now and then, and the rule here
//! decides whether a sync is due — every [`INTERVAL`] after a success, and after failures
//! at a growing distance ([`delay_after`]: 1, 2, 4 … minutes, at most [`RETRY_MAX`]), so an
//! offline laptop does not keep knocking. The schedule is a local setting of this file, like
//! the hub's address and tokens; nothing here is an operation.

use super::hub::{self, HubReport};
use crate::db::Db;
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Between two background syncs that succeeded.
pub const INTERVAL: Duration = Duration::minutes(5);
/// The wait after the first failure; it doubles with each further failure ...
pub const RETRY_FIRST: Duration = Duration::minutes(1);
/// ... up to this.
pub const RETRY_MAX: Duration = Duration::minutes(30);

const SCHEDULE_SETTING: &str = "hub_schedule";

/// When the background sync last tried, how it went, and when it tries next.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Schedule {
    /// Failed tries in a row (0 after a success).
    pub failures: u32,
    pub last_try: Option<DateTime<Utc>>,
    pub last_ok: Option<DateTime<Utc>>,
    /// None: due now.
    pub next_try: Option<DateTime<Utc>>,
    /// Why the last try failed, in words for the page.
    pub last_error: Option<String>,
}

/// The wait before the next try after `failures` failures in a row (0: the normal interval).
pub fn delay_after(failures: u32) -> Duration {
    if failures == 0 {
        return INTERVAL;
    }
    // 2^(n-1) minutes, capped; the shift is bounded so it cannot overflow.
    let doubled = RETRY_FIRST * (1i32 << (failures - 1).min(10));
    doubled.min(RETRY_MAX)
}

impl Schedule {
    pub fn due(&self, now: DateTime<Utc>) -> bool {
        self.next_try.is_none_or(|t| now >= t)
    }

    /// Records a try at `now`: `error` is None when it succeeded.
    pub fn record(&mut self, now: DateTime<Utc>, error: Option<String>) {
        self.last_try = Some(now);
        match error {
            None => {
                self.failures = 0;
                self.last_ok = Some(now);
                self.last_error = None;
            }
            Some(e) => {
                self.failures = self.failures.saturating_add(1);
                self.last_error = Some(e);
            }
        }
        self.next_try = Some(now + delay_after(self.failures));
    }
}

pub fn schedule(db: &Db) -> Result<Schedule> {
    Ok(db.setting(SCHEDULE_SETTING)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default())
}

fn save_schedule(db: &Db, s: &Schedule) -> Result<()> {
    db.set_setting(SCHEDULE_SETTING, &serde_json::to_string(s).expect("schedule serialises"))
}

/// One project this laptop holds a hub token for.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubProjectStatus {
    pub code: String,
    /// The project's name here; None while this laptop has not joined it yet.
    pub name: Option<String>,
    pub last: Option<HubReport>,
}

/// What the 同步 page shows about the hub.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubStatus {
    /// None: no hub set on this laptop (it syncs by folder and bundles only).
    pub url: Option<String>,
    pub projects: Vec<HubProjectStatus>,
    /// Whether the hub answered just now; None when it was not asked.
    pub reachable: Option<bool>,
    /// Why it did not answer, or what it refused, in words.
    pub problem: Option<String>,
    pub schedule: Schedule,
}

/// A failed project in a sync round.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubFailure {
    pub project_code: String,
    pub code: String,
    pub message: String,
}

/// One round: every project with a token synced (push then pull), in turn.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HubRound {
    pub reports: Vec<HubReport>,
    pub failures: Vec<HubFailure>,
    /// Operations new to this laptop over all projects (the screens reload when > 0).
    pub pulled: usize,
    pub status: HubStatus,
    /// 取消 ended the round early (see `HubReport.stopped`); projects after it were not synced.
    pub stopped: bool,
}

/// The words a person reads for a refusal: a hub problem without the "同步中心:" prefix.
pub fn words(e: &Error) -> String {
    match e {
        Error::Hub { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// The hub status; with `probe`, the hub is asked (a few seconds at most) whether it answers.
pub fn status(db: &Db, probe: bool) -> Result<HubStatus> {
    let settings = hub::settings(db)?;
    let local = crate::project::list(db.conn())?;
    let projects = settings
        .projects
        .iter()
        .map(|code| HubProjectStatus {
            code: code.clone(),
            name: local.iter().find(|p| &p.code == code).map(|p| p.name.clone()),
            last: settings.last.get(code).cloned(),
        })
        .collect::<Vec<_>>();
    let mut out =
        HubStatus { url: settings.url.clone(), projects, reachable: None, problem: None, schedule: schedule(db)? };
    if let (true, Some(url), Some(code)) = (probe, &settings.url, settings.projects.first()) {
        let token = db.setting(&format!("hub_token:{code}"))?.unwrap_or_default();
        match hub::probe(url, &token) {
            Ok(_) => out.reachable = Some(true),
            Err(e) => {
                // A hub that answers but refuses (a revoked token, say) is reachable.
                out.reachable = Some(e.code() != "hub.unreachable");
                out.problem = Some(words(&e));
            }
        }
    }
    Ok(out)
}

/// Syncs every project with a hub token now (立即同步, and the background when due) and
/// records the try in the schedule. A failing project does not stop the others.
pub fn sync_all(db: &mut Db, now: DateTime<Utc>) -> Result<HubRound> {
    sync_all_until(db, now, &|| false)
}

/// As [`sync_all`]; `stop` is asked between pages (see [`hub::sync_until`]).
pub fn sync_all_until(db: &mut Db, now: DateTime<Utc>, stop: &dyn Fn() -> bool) -> Result<HubRound> {
    let codes = hub::configured_projects(db)?;
    if db.setting(hub::URL_SETTING)?.is_none() || codes.is_empty() {
        return Err(Error::Hub {
            problem: "not_configured".into(),
            message: "尚未设置同步中心：请先填写同步中心地址和本机的令牌".into(),
        });
    }
    let (mut reports, mut failures) = (Vec::new(), Vec::new());
    let mut stopped = false;
    for code in codes {
        if stopped {
            break;
        }
        match hub::sync_until(db, &code, stop) {
            Ok(r) => {
                stopped = r.stopped;
                reports.push(r)
            }
            Err(e) => failures.push(HubFailure { project_code: code, code: e.code(), message: words(&e) }),
        }
    }
    let mut sched = schedule(db)?;
    let error = (!failures.is_empty())
        .then(|| failures.iter().map(|f| format!("{}: {}", f.project_code, f.message)).collect::<Vec<_>>().join(";"));
    sched.record(now, error);
    save_schedule(db, &sched)?;
    let unreachable = failures.iter().any(|f| f.code == "hub.unreachable");
    let mut status = status(db, false)?;
    status.reachable = Some(!unreachable);
    status.problem = failures.first().map(|f| f.message.clone());
    let pulled = reports.iter().map(|r| r.pulled).sum();
    Ok(HubRound { reports, failures, pulled, status, stopped })
}

/// The background sync's one step: a round if a hub is set and one is due (see the module's
/// rule), else nothing. Offline, a round fails fast and the next waits longer.
pub fn tick(db: &mut Db, now: DateTime<Utc>) -> Result<Option<HubRound>> {
    if db.setting(hub::URL_SETTING)?.is_none() || hub::configured_projects(db)?.is_empty() {
        return Ok(None);
    }
    if !schedule(db)?.due(now) {
        return Ok(None);
    }
    sync_all(db, now).map(Some)
}

/// Sets the hub (`hub::configure`) for the app: a refusal names the field it is about
/// (`invalid_field.url` or `.token`), so the page shows it under that field. The next
/// background sync is due at once.
pub fn configure(db: &Db, url: &str, token: &str) -> Result<HubStatus> {
    if url.trim().is_empty() {
        return Err(Error::invalid("url", "请填写同步中心地址，例如 https://hub.example.cn"));
    }
    if token.trim().is_empty() {
        return Err(Error::invalid("token", "请填写区征收办为本机签发的设备令牌"));
    }
    hub::configure(db, url, token).map_err(|e| match &e {
        Error::Hub { problem, message } => match problem.as_str() {
            "bad_token" | "no_token" | "not_a_device_token" | "other_project_token" => {
                Error::invalid("token", message.clone())
            }
            _ => Error::invalid("url", message.clone()),
        },
        _ => e,
    })?;
    let mut sched = schedule(db)?;
    sched.next_try = None;
    save_schedule(db, &sched)?;
    let mut s = status(db, false)?;
    s.reachable = Some(true);
    Ok(s)
}
