//! The district demo at a small size: deterministic, every stage present, every record written
//! through the log (a replay rebuilds it), and the views answer on it.

use crate::TestDb;
use jingdi::demo::district::{self, Size};
use jingdi::oplog::replay::{all_ops, dump, rebuilt_dump};
use jingdi::report::summary::summary;
use jingdi::vocab::{PaymentStatus, Stage};

const SMALL: Size = Size { plots: 5, households: 150, visits: 1_200 };

fn small() -> (TestDb, Vec<uuid::Uuid>) {
    let mut t = TestDb::empty();
    let plots = district::create(&mut t.db, SMALL).unwrap();
    (t, plots)
}

fn count(t: &TestDb, sql: &str) -> i64 {
    t.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_district_has_every_stage_and_its_work() {
    let (t, plots) = small();
    assert_eq!(plots.len(), 5);
    assert_eq!(count(&t, "SELECT count(*) FROM households"), 150);
    assert_eq!(count(&t, "SELECT count(*) FROM visits"), 1_200);
    for s in Stage::ALL {
        let n = count(&t, &format!("SELECT count(*) FROM households WHERE stage = '{}'", s.id()));
        assert!(n > 0, "some household is {}", s.zh());
    }
    // The first plot is the biggest, and every plot has households.
    let sizes: Vec<i64> = plots
        .iter()
        .map(|p| {
            t.db.conn()
                .query_row("SELECT count(*) FROM households WHERE project_id = ?1", [p.to_string()], |r| r.get(0))
                .unwrap()
        })
        .collect();
    assert!(sizes.iter().all(|n| *n > 0) && sizes[0] == 30, "{sizes:?}");
    // Every signed household has confirmed compensation, and its agreement amount is their sum.
    let signed_without: i64 = count(
        &t,
        "SELECT count(*) FROM households h WHERE h.stage IN ('signed','vacated','demolished')
           AND (h.agreement_amount IS NULL OR NOT EXISTS (SELECT 1 FROM compensation_items c
                WHERE c.household_id = h.id AND c.status != 'estimated'))",
    );
    assert_eq!(signed_without, 0);
    let paid =
        count(&t, &format!("SELECT count(*) FROM compensation_items WHERE status = '{}'", PaymentStatus::Paid.id()));
    assert!(paid > 0);
    assert!(count(&t, "SELECT count(*) FROM poles") >= 15);
    assert!(count(&t, "SELECT count(*) FROM obstacles") >= 5);
    assert!(count(&t, "SELECT count(*) FROM demolition_logs") > 0);
    // The views answer for every plot, with figures that agree with the rows.
    for p in &plots {
        let p = jingdi::project::get(t.db.conn(), *p).unwrap();
        let s = summary(t.db.conn(), &p, None).unwrap();
        assert_eq!(s.as_of, crate::d("2025-06-30"));
        let rows: i64 =
            t.db.conn()
                .query_row("SELECT count(*) FROM households WHERE project_id = ?1", [p.id.to_string()], |r| r.get(0))
                .unwrap();
        assert_eq!(s.households_total, rows);
        jingdi::report::board::board(t.db.conn(), &p, None).unwrap();
        jingdi::report::clearance::clearance(t.db.conn(), &p, None).unwrap();
    }
}

#[test]
fn the_district_is_deterministic_and_replays() {
    let (a, _) = small();
    let (b, _) = small();
    let ops = all_ops(a.db.conn()).unwrap();
    assert_eq!(ops, all_ops(b.db.conn()).unwrap(), "the same log, ids and clocks included");
    assert!(ops.iter().all(|o| o.device_id == district::DEVICE));
    assert!(ops.windows(2).all(|w| w[0].hlc < w[1].hlc), "time only moves forward");
    let live = dump(a.db.conn()).unwrap();
    assert_eq!(live, dump(b.db.conn()).unwrap());
    assert_eq!(live, rebuilt_dump(a.db.conn()).unwrap(), "a replay of the log rebuilds every table");
}

#[test]
fn the_district_refuses_to_overwrite_itself() {
    let (mut t, _) = small();
    let before = t.snapshot();
    let err = district::create(&mut t.db, SMALL).unwrap_err();
    assert_eq!(err.code(), "already_exists");
    assert_eq!(t.snapshot(), before);
    let err = district::create(&mut t.db, Size { plots: 0, households: 10, visits: 0 }).unwrap_err();
    assert_eq!(err.code(), "invalid_field.district");
    assert_eq!(t.snapshot(), before);
}
