//! The app's side of the district hub without a hub: the background sync's schedule (when it
//! tries, how it backs off offline), the status the 同步 page shows, and refusals of the hub
//! settings that name their field and change nothing. The round trip through a real hub on
//! PostgreSQL is in hub/tests/hub.rs.

use crate::TestDb;
use chrono::{DateTime, Duration, TimeZone, Utc};
use jingdi::desk;
use jingdi::sync::hub;
use jingdi::sync::hub_status::{self, delay_after, Schedule, INTERVAL, RETRY_FIRST, RETRY_MAX};

fn at(min: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap() + Duration::minutes(min)
}

/// A port nothing listens on: the connection is refused at once, as offline.
const OFFLINE: &str = "http://127.0.0.1:9";

fn configured_offline(t: &TestDb) {
    // What `hub::configure` stores once the hub has accepted the token.
    t.db.set_setting(hub::URL_SETTING, OFFLINE).unwrap();
    t.db.set_setting("hub_token:T1", "jdh_test").unwrap();
}

#[test]
fn the_backoff_doubles_from_a_minute_up_to_half_an_hour() {
    assert_eq!(delay_after(0), INTERVAL);
    assert_eq!(delay_after(1), RETRY_FIRST);
    assert_eq!(delay_after(2), Duration::minutes(2));
    assert_eq!(delay_after(3), Duration::minutes(4));
    assert_eq!(delay_after(6), RETRY_MAX);
    assert_eq!(delay_after(u32::MAX), RETRY_MAX);

    let mut s = Schedule::default();
    assert!(s.due(at(0)), "never tried: due at once");
    s.record(at(0), Some("无法连接".into()));
    s.record(at(1), Some("无法连接".into()));
    assert_eq!((s.failures, s.next_try), (2, Some(at(3))));
    assert!(!s.due(at(2)) && s.due(at(3)));
    s.record(at(3), None);
    assert_eq!(s.failures, 0);
    assert_eq!(s.last_ok, Some(at(3)));
    assert_eq!(s.last_error, None);
    assert_eq!(s.next_try, Some(at(3) + INTERVAL));
}

#[test]
fn without_a_hub_the_background_does_nothing_and_the_page_says_so() {
    let mut t = TestDb::with_households(2);
    assert!(hub_status::tick(&mut t.db, at(0)).unwrap().is_none());
    let s = desk::hub_status(&t.db, true).unwrap();
    assert_eq!(s.url, None);
    assert!(s.projects.is_empty());
    assert_eq!(s.reachable, None, "nothing to ask");
    assert_eq!(s.schedule, Schedule::default(), "no try recorded");
    let e = desk::hub_sync(&mut t.db, &|| false).unwrap_err();
    assert_eq!(e.code(), "hub.not_configured");
    assert!(e.to_string().contains("尚未设置同步中心"), "{e}");
}

#[test]
fn offline_the_background_fails_fast_backs_off_and_the_laptop_keeps_working() {
    let mut t = TestDb::with_households(2);
    configured_offline(&t);
    let before = jingdi::oplog::replay::dump(t.db.conn()).unwrap();

    let round = hub_status::tick(&mut t.db, at(0)).unwrap().expect("due at once");
    assert!(round.reports.is_empty());
    assert_eq!(round.failures.len(), 1);
    assert_eq!(round.failures[0].project_code, "T1");
    assert_eq!(round.failures[0].code, "hub.unreachable");
    assert!(
        round.failures[0].message.starts_with("无法连接同步中心 http://127.0.0.1:9"),
        "{}",
        round.failures[0].message
    );
    assert_eq!(round.status.reachable, Some(false));
    assert_eq!(round.status.schedule.failures, 1);
    assert_eq!(round.status.schedule.next_try, Some(at(1)));

    // Not due before the backoff has passed: no try, nothing recorded.
    assert!(hub_status::tick(&mut t.db, at(0) + Duration::seconds(59)).unwrap().is_none());
    assert_eq!(hub_status::schedule(&t.db).unwrap().failures, 1);
    let round = hub_status::tick(&mut t.db, at(1)).unwrap().expect("due after a minute");
    assert_eq!(round.status.schedule.failures, 2);
    assert_eq!(round.status.schedule.next_try, Some(at(3)));
    assert!(round.status.schedule.last_error.as_deref().unwrap().starts_with("T1: 无法连接同步中心"));

    // The page's status, asking the hub: not reachable, why, the project and the schedule.
    let s = desk::hub_status(&t.db, true).unwrap();
    assert_eq!(s.url.as_deref(), Some(OFFLINE));
    assert_eq!(s.reachable, Some(false));
    assert!(s.problem.unwrap().starts_with("无法连接同步中心"));
    assert_eq!(s.projects.len(), 1);
    assert_eq!((s.projects[0].code.as_str(), s.projects[0].name.as_deref()), ("T1", Some("测试地块")));
    assert!(s.projects[0].last.is_none(), "no sync has gone through");
    assert_eq!(s.schedule.failures, 2);

    // Offline changes nothing in the project, and work goes on (the write door is open).
    assert_eq!(jingdi::oplog::replay::dump(t.db.conn()).unwrap(), before);
    let hh = t.db.conn().query_row("SELECT id FROM households LIMIT 1", [], |r| r.get::<_, String>(0)).unwrap();
    t.db.write(crate::AUTHOR, |tx| jingdi::household::set(tx, hh.parse().unwrap(), "phone", "13800000000", None))
        .unwrap();
}

#[test]
fn hub_settings_refusals_name_their_field_and_change_nothing() {
    let t = TestDb::with_households(1);
    let cases = [
        ("", "jdh_x", "invalid_field.url", "请填写同步中心地址"),
        ("hub.example.cn", "jdh_x", "invalid_field.url", "http://"),
        ("https://hub.example.cn", "  ", "invalid_field.token", "令牌"),
        (OFFLINE, "jdh_x", "invalid_field.url", "无法连接同步中心"),
    ];
    for (url, token, code, words) in cases {
        let e = desk::hub_configure(&t.db, url, token).unwrap_err();
        assert_eq!(e.code(), code, "{url} {token}: {e}");
        assert!(e.to_string().contains(words), "{url}: {e}");
    }
    let s = desk::hub_status(&t.db, false).unwrap();
    assert_eq!(s.url, None);
    assert!(s.projects.is_empty());
    assert_eq!(s.schedule, Schedule::default());
}
