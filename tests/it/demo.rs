//! The demo plot matches the public facts and is deterministic.

use crate::TestDb;
use jingdi::report::clearance::{clearance, ClearanceKind};
use jingdi::report::summary::summary;
use jingdi::vocab::{CompensationKind, PoleStatus};

#[test]
fn the_demo_matches_the_report() {
    let t = TestDb::demo();
    let p = t.project();
    assert_eq!(
        (p.name.as_str(), p.street.as_str(), p.district.as_str(), p.city.as_str()),
        ("东星4号地块", "城东街道", "丰泽区", "泉州市")
    );
    assert_eq!(p.window_opens_on, crate::d("2022-06-30"));
    assert_eq!(p.window_closes_on, crate::d("2022-07-30"));
    let s = summary(t.db.conn(), &p, None).unwrap();
    assert_eq!(s.as_of, crate::d("2022-08-15"), "the demo is shown as of its own date");
    assert_eq!(s.households_total, 120);
    assert_eq!(s.households_signed, 120);
    assert_eq!(s.signing_rate, 1.0);
    assert!(s.signed_area_m2 > 54_000.0 && s.signed_area_m2 < 55_000.0, "{}", s.signed_area_m2);
    // All signed inside the window, with a realistic daily curve.
    let last = s.daily.iter().find(|r| r.cumulative_signed == 120).expect("reaches 120");
    assert!(last.date <= p.window_closes_on);
    assert!(s.daily[0].signed > 0 && s.daily[0].signed < 40, "first day {}", s.daily[0].signed);
    assert!(s.daily.windows(2).all(|w| w[1].cumulative_signed >= w[0].cumulative_signed));
    assert!(s.groups.len() >= 3 && s.groups.iter().all(|g| g.leader.is_some()));
    // Demolition under way, not finished.
    let demolished = s.stages.iter().find(|st| st.stage == jingdi::vocab::Stage::Demolished).unwrap().households;
    assert!(demolished > 0 && demolished < 120);
    assert!(!jingdi::plot_work::demolition_days(t.db.conn(), p.id).unwrap().is_empty());
    // Several visits per household.
    let visits: i64 = t.db.conn().query_row("SELECT count(*) FROM visits", [], |r| r.get(0)).unwrap();
    assert!(visits >= 240, "{visits}");
}

#[test]
fn the_demo_has_the_reports_bottlenecks() {
    let t = TestDb::demo();
    let items = clearance(t.db.conn(), &t.project(), None).unwrap();
    let unpaid_crops: Vec<_> = items
        .iter()
        .filter(|i| i.kind == ClearanceKind::UnpaidCompensation && i.detail.starts_with(CompensationKind::Crops.zh()))
        .collect();
    assert!(unpaid_crops.len() >= 3, "several households with unpaid vegetable compensation");
    let first_unpaid = items.iter().position(|i| i.kind == ClearanceKind::UnpaidCompensation).unwrap();
    assert_eq!(items[first_unpaid].id, unpaid_crops[0].id, "crops come first among unpaid items");
    let poles = items.iter().filter(|i| i.kind == ClearanceKind::PoleNotRelocated).count();
    assert!(poles >= 2, "utility poles inside the area not yet moved");
    assert!(jingdi::plot_work::poles(t.db.conn(), t.project)
        .unwrap()
        .iter()
        .any(|p| p.status == PoleStatus::Relocated));
    assert!(items.iter().any(|i| i.kind == ClearanceKind::OpenObstacle && i.overdue));
    assert!(items.iter().any(|i| i.kind == ClearanceKind::HouseholdNotDemolished));
    assert!(items.iter().any(|i| i.kind == ClearanceKind::ChecklistOpen));
}

#[test]
fn the_demo_is_deterministic_to_the_last_id() {
    let a = TestDb::demo();
    let b = TestDb::demo();
    assert_eq!(a.snapshot(), b.snapshot());
    let ops = |t: &TestDb| jingdi::oplog::replay::all_ops(t.db.conn()).unwrap();
    assert_eq!(ops(&a), ops(&b), "the same log, ids and clocks included");
    assert!(ops(&a).iter().all(|o| o.device_id == jingdi::demo::DEVICE));
}

#[test]
fn the_demo_refuses_to_overwrite_itself() {
    let mut t = TestDb::demo();
    let before = t.snapshot();
    let err = jingdi::demo::create(&mut t.db).unwrap_err();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn local_writes_after_the_demo_keep_their_own_device_and_clock() {
    let mut t = TestDb::demo();
    let h = t.household("DX4-001").id;
    t.write(|tx| jingdi::household::set(tx, h, "phone", "13912345678", None)).unwrap();
    let ops = jingdi::oplog::replay::all_ops(t.db.conn()).unwrap();
    let mine: Vec<_> = ops.iter().filter(|o| o.device_id == t.db.device_id()).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].seq, 1);
    assert!(mine[0].hlc > ops.iter().filter(|o| o.device_id == jingdi::demo::DEVICE).map(|o| o.hlc).max().unwrap());
}
