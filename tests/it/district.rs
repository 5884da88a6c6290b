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

// ------------------------------------------------------------------ 全区总览

/// The overview is every plot's own summary and pace, taken as they are, and their sums.
#[test]
fn the_overview_is_each_plots_summary_and_pace() {
    use jingdi::report::district::overview;
    use jingdi::report::pace::pace;
    let (t, plots) = small();
    let o = overview(t.db.conn()).unwrap();
    assert_eq!(o.plots.len(), plots.len());
    let (mut households, mut signed, mut confirmed, mut paid, mut open, mut demolished) = (0, 0, 0, 0, 0, 0);
    for row in &o.plots {
        let p = jingdi::project::get(t.db.conn(), row.project_id).unwrap();
        let s = summary(t.db.conn(), &p, None).unwrap();
        let pc = pace(t.db.conn(), &p).unwrap();
        assert_eq!((row.code.as_str(), row.as_of), (p.code.as_str(), s.as_of));
        assert_eq!((row.households_total, row.households_signed), (s.households_total, s.households_signed));
        assert_eq!(row.signing_rate, s.signing_rate);
        let dem = s.stages.iter().find(|c| c.stage == Stage::Demolished).unwrap().households;
        assert_eq!(row.demolished, dem);
        assert_eq!(
            row.demolished,
            count(
                &t,
                &format!("SELECT count(*) FROM households WHERE project_id = '{}' AND stage = 'demolished'", p.id)
            )
        );
        assert_eq!((row.confirmed_fen, row.paid_fen), (s.compensation.confirmed_fen, s.compensation.paid_fen));
        assert_eq!(row.obstacles_by_unit.len(), s.obstacles_by_unit.len());
        assert_eq!(row.obstacles_open, s.obstacles_by_unit.iter().map(|u| u.open).sum::<i64>());
        assert_eq!(
            row.obstacles_open,
            count(
                &t,
                &format!("SELECT count(*) FROM obstacles WHERE project_id = '{}' AND status <> 'resolved'", p.id)
            )
        );
        assert_eq!(row.signing.sentence, pc.signing.sentence());
        assert_eq!(row.clearance.sentence, pc.demolition.sentence());
        assert_eq!((row.signing.deadline, row.clearance.deadline), (Some(p.window_closes_on), p.clearance_target));
        households += row.households_total;
        signed += row.households_signed;
        confirmed += row.confirmed_fen;
        paid += row.paid_fen;
        open += row.obstacles_open;
        demolished += row.demolished;
    }
    let tt = &o.totals;
    assert_eq!(tt.plots, plots.len() as i64);
    assert_eq!((tt.households_total, tt.households_signed, tt.demolished), (households, signed, demolished));
    assert_eq!(tt.households_total, count(&t, "SELECT count(*) FROM households"));
    assert_eq!((tt.confirmed_fen, tt.paid_fen, tt.obstacles_open), (confirmed, paid, open));
    assert_eq!(tt.paid_fen, count(&t, "SELECT coalesce(sum(amount), 0) FROM compensation_items WHERE status = 'paid'"));
    assert!(tt.confirmed_fen >= tt.paid_fen && tt.paid_fen > 0);
    assert!(open > 0, "the district has open obstacles");
    assert_eq!(o.obstacles_by_unit.iter().map(|u| u.open).sum::<i64>(), open);
    assert_eq!(
        tt.plots_behind,
        o.plots.iter().filter(|r| r.signing.on_time == Some(false) || r.clearance.on_time == Some(false)).count()
            as i64
    );
}

/// The .xlsx export holds the overview's figures; a name that looks like a formula stays text.
#[test]
fn the_overview_exports_to_xlsx_formula_safe() {
    use calamine::{Data, Reader};
    use jingdi::project::NewProject;
    use jingdi::vocab::ProjectStatus;
    let (mut t, _) = small();
    t.db.write(crate::AUTHOR, |tx| {
        jingdi::project::create(
            tx,
            &NewProject {
                code: "ZZ9".into(),
                name: "=HYPERLINK(\"http://x\")".into(),
                city: "泉州市".into(),
                district: "丰泽区".into(),
                street: "城东街道".into(),
                community: "+1-1".into(),
                window_opens_on: crate::d("2025-01-01"),
                window_closes_on: crate::d("2025-12-31"),
                clearance_target: None,
                status: ProjectStatus::Preparing,
                as_of: Some(crate::d("2025-06-30")),
            },
        )
    })
    .unwrap();
    let o = jingdi::report::district::overview(t.db.conn()).unwrap();
    let path = t.dir.path().join("全区总览.xlsx");
    let r = jingdi::office::export_district(t.db.conn(), None, &path).unwrap();
    assert_eq!(r.plots, 6);
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert!(wb.worksheet_formula("全区总览").unwrap().rows().flatten().all(|f| f.is_empty()), "no formulas");
    let rows: Vec<Vec<Data>> = wb.worksheet_range("全区总览").unwrap().rows().map(|r| r.to_vec()).collect();
    // Title, subtitle, header, then one row per plot in code order, then 合计.
    assert_eq!(rows[2][1], Data::String("地块编号".into()));
    for (i, p) in o.plots.iter().enumerate() {
        let row = &rows[3 + i];
        assert_eq!(row[1], Data::String(p.code.clone()));
        assert_eq!(row[2], Data::String(p.name.clone()));
        assert_eq!(row[5], Data::Float(p.households_total as f64));
        assert_eq!(row[7], Data::Float(p.signing_rate));
        assert_eq!(row[10], Data::Float(p.confirmed_fen as f64 / 100.0));
        assert_eq!(row[11], Data::Float(p.paid_fen as f64 / 100.0));
        assert_eq!(row[12], Data::Float(p.obstacles_open as f64));
    }
    let last = &rows[3 + o.plots.len()];
    assert_eq!(last[1], Data::String("合计".into()));
    assert_eq!(last[5], Data::Float(o.totals.households_total as f64));
    assert_eq!(last[11], Data::Float(o.totals.paid_fen as f64 / 100.0));
    let zz = &rows[3 + o.plots.iter().position(|p| p.code == "ZZ9").unwrap()];
    assert_eq!((&zz[2], &zz[3]), (&Data::String("=HYPERLINK(\"http://x\")".into()), &Data::String("+1-1".into())));
    // A folder in the way is refused in words, and nothing is written.
    let e = jingdi::office::export_district(t.db.conn(), None, t.dir.path()).unwrap_err();
    assert_eq!(e.code(), "cannot_write");
}
