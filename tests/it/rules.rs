//! Every rule of the ledger, table-driven: each refused write names its rule or field,
//! and leaves the database exactly as it was (domain tables and log compared).

use crate::{d, id_number, TestDb};
use jingdi::household::{Agreement, NewHousehold};
use jingdi::obstacle::NewObstacle;
use jingdi::visit::NewVisit;
use jingdi::vocab::*;
use jingdi::{compensation, household, obstacle, plot_work, stage, visit, Result};

type Step = fn(&mut TestDb) -> Result<()>;

fn id(t: &TestDb, n: &str) -> uuid::Uuid {
    t.household(n).id
}

fn obstacle_blocking(t: &mut TestDb, household: Option<&str>, blocks: Stage) -> Result<()> {
    let h = household.map(|n| id(t, n));
    let p = t.project;
    t.write(|tx| {
        obstacle::add(
            tx,
            p,
            &NewObstacle {
                title: "产权待确认".into(),
                category: ObstacleCategory::Ownership,
                household: h,
                responsible_unit: "不动产登记中心".into(),
                responsible_person: String::new(),
                raised_on: d("2024-01-02"),
                due_on: None,
                blocks_stage: Some(blocks),
            },
        )
    })
    .map(|_| ())
}

fn item(t: &mut TestDb, confirm: bool, pay: bool) -> Result<uuid::Uuid> {
    let h = id(t, "H1");
    t.write(|tx| {
        let i = compensation::add(tx, h, CompensationKind::Crops, "青苗补偿", 1_848_00, "")?;
        if confirm {
            compensation::confirm(tx, i, d("2024-01-10"))?;
        }
        if pay {
            compensation::pay(tx, i, d("2024-01-12"), "PZ-1")?;
        }
        Ok(i)
    })
}

fn the_item(t: &TestDb) -> uuid::Uuid {
    compensation::for_household(t.db.conn(), id(t, "H1")).unwrap()[0].id
}

fn a_visit(t: &mut TestDb, n: &str) -> Result<uuid::Uuid> {
    let h = id(t, n);
    t.write(|tx| visit::add(tx, h, &NewVisit { outcome: "首次入户".into(), ..Default::default() }))
}

fn set(t: &mut TestDb, n: &str, field: &str, value: &str, reason: Option<&str>) -> Result<()> {
    let h = id(t, n);
    t.write(|tx| household::set(tx, h, field, value, reason))
}

/// A setup step: the household moved forward to `s`.
fn advanced(t: &mut TestDb, n: &str, s: Stage) -> Result<()> {
    t.advance(n, s);
    Ok(())
}

fn to(t: &mut TestDb, n: &str, s: Stage, on: &str, reason: Option<&str>) -> Result<()> {
    let h = id(t, n);
    t.write(|tx| stage::set(tx, h, s, d(on), reason))
}

const CASES: &[(&str, Step, Step, &str)] = &[
    // ---- stages
    ("skipping stages", |_| Ok(()), |t| to(t, "H1", Stage::Signed, "2024-01-05", None), "rule.stage.one_step"),
    ("same stage again", |_| Ok(()), |t| to(t, "H1", Stage::Registered, "2024-01-05", None), "rule.stage.unchanged"),
    (
        "signing without an agreement",
        |t| advanced(t, "H1", Stage::Negotiating),
        |t| to(t, "H1", Stage::Signed, "2024-01-20", None),
        "rule.stage.signing_needs_agreement",
    ),
    (
        "signing with a half agreement",
        |t| {
            t.advance("H1", Stage::Negotiating);
            set(t, "H1", "agreement_no", "XY-1", None)
        },
        |t| to(t, "H1", Stage::Signed, "2024-01-20", None),
        "rule.stage.signing_needs_agreement",
    ),
    (
        "demolition before handover",
        |t| advanced(t, "H1", Stage::Signed),
        |t| to(t, "H1", Stage::Demolished, "2024-01-20", None),
        "rule.stage.demolition_needs_handover",
    ),
    (
        "going back without a reason",
        |t| advanced(t, "H1", Stage::Assessed),
        |t| to(t, "H1", Stage::Registered, "2024-01-20", Some("   ")),
        "rule.stage.revert_needs_reason",
    ),
    (
        "an open obstacle of the household blocks the stage",
        |t| obstacle_blocking(t, Some("H1"), Stage::Assessed),
        |t| to(t, "H1", Stage::Assessed, "2024-01-05", None),
        "rule.stage.blocked_by_obstacle",
    ),
    (
        "an open plot-wide obstacle blocks the stage for every household",
        |t| obstacle_blocking(t, None, Stage::Assessed),
        |t| to(t, "H2", Stage::Assessed, "2024-01-05", None),
        "rule.stage.blocked_by_obstacle",
    ),
    (
        "a stage dated in the future",
        |_| Ok(()),
        |t| to(t, "H1", Stage::Assessed, "2999-01-01", None),
        "rule.stage.date_order",
    ),
    (
        "a stage dated before the previous one",
        |t| advanced(t, "H1", Stage::Assessed),
        |t| to(t, "H1", Stage::Negotiating, "2023-12-01", None),
        "rule.stage.date_order",
    ),
    // ---- agreement lock
    (
        "changing a signed agreement without a reason",
        |t| advanced(t, "H1", Stage::Signed),
        |t| set(t, "H1", "agreement_no", "XY-NEW", None),
        "rule.agreement.locked",
    ),
    (
        "re-recording a signed agreement without a reason",
        |t| advanced(t, "H1", Stage::Signed),
        |t| {
            let h = id(t, "H1");
            t.write(|tx| {
                household::record_agreement(
                    tx,
                    h,
                    &Agreement {
                        agreement_no: "XY-2".into(),
                        agreement_date: d("2024-01-06"),
                        compensation_mode: CompensationMode::PropertySwap,
                        signed_area: 1,
                    },
                    None,
                )
            })
        },
        "rule.agreement.locked",
    ),
    (
        "emptying a signed agreement field even with a reason",
        |t| advanced(t, "H1", Stage::Signed),
        |t| set(t, "H1", "signed_area", "", Some("误填")),
        "rule.stage.signing_needs_agreement",
    ),
    // ---- household facts
    (
        "an ID number with a wrong check digit",
        |_| Ok(()),
        |t| set(t, "H1", "id_number", "110105194912310021", None),
        "invalid_field.id_number",
    ),
    ("a phone with letters", |_| Ok(()), |t| set(t, "H1", "phone", "1380000abcd", None), "invalid_field.phone"),
    ("an unknown field", |_| Ok(()), |t| set(t, "H1", "stage", "signed", None), "invalid_field.field"),
    ("a negative area", |_| Ok(()), |t| set(t, "H1", "floor_area", "-5", None), "invalid_field.floor_area"),
    (
        "an area with three decimals",
        |_| Ok(()),
        |t| set(t, "H1", "land_area", "1.005", None),
        "invalid_field.land_area",
    ),
    ("an unknown group", |_| Ok(()), |t| set(t, "H1", "group", "九组", None), "invalid_field.group"),
    ("no family members", |_| Ok(()), |t| set(t, "H1", "members_count", "0", None), "invalid_field.members_count"),
    ("an unknown difficulty", |_| Ok(()), |t| set(t, "H1", "difficulty", "很难", None), "invalid_field.difficulty"),
    ("an empty head of household", |_| Ok(()), |t| set(t, "H1", "head_name", " ", None), "invalid_field.head_name"),
    (
        "a household number twice",
        |_| Ok(()),
        |t| {
            let p = t.project;
            t.write(|tx| {
                household::register(
                    tx,
                    p,
                    &NewHousehold {
                        number: "H1".into(),
                        head_name: "重复".into(),
                        group: "一组".into(),
                        members_count: 1,
                        id_number: Some(id_number("19800101", 1)),
                        ..Default::default()
                    },
                )
            })
            .map(|_| ())
        },
        "already_exists",
    ),
    // ---- compensation
    (
        "paying an unconfirmed item",
        |t| item(t, false, false).map(|_| ()),
        |t| {
            let i = the_item(t);
            t.write(|tx| compensation::pay(tx, i, d("2024-01-12"), ""))
        },
        "rule.compensation.pay_needs_confirmation",
    ),
    (
        "paying twice",
        |t| item(t, true, true).map(|_| ()),
        |t| {
            let i = the_item(t);
            t.write(|tx| compensation::pay(tx, i, d("2024-01-13"), ""))
        },
        "rule.compensation.paid_locked",
    ),
    (
        "changing a confirmed amount",
        |t| item(t, true, false).map(|_| ()),
        |t| {
            let i = the_item(t);
            t.write(|tx| compensation::set_amount(tx, i, 1))
        },
        "rule.compensation.amount_locked",
    ),
    (
        "a negative amount",
        |_| Ok(()),
        |t| {
            let h = id(t, "H1");
            t.write(|tx| compensation::add(tx, h, CompensationKind::Other, "", -1, "")).map(|_| ())
        },
        "invalid_field.amount",
    ),
    (
        "paying before confirmation date",
        |t| item(t, true, false).map(|_| ()),
        |t| {
            let i = the_item(t);
            t.write(|tx| compensation::pay(tx, i, d("2024-01-01"), ""))
        },
        "invalid_field.paid_on",
    ),
    // ---- visits
    (
        "an empty visit",
        |_| Ok(()),
        |t| {
            let h = id(t, "H1");
            t.write(|tx| visit::add(tx, h, &NewVisit::default())).map(|_| ())
        },
        "invalid_field.outcome",
    ),
    (
        "correcting a visit that does not exist",
        |_| Ok(()),
        |t| {
            let h = id(t, "H1");
            t.write(|tx| {
                visit::add(
                    tx,
                    h,
                    &NewVisit { outcome: "更正".into(), corrects: Some(uuid::Uuid::now_v7()), ..Default::default() },
                )
            })
            .map(|_| ())
        },
        "invalid_field.corrects",
    ),
    (
        "correcting another household's visit",
        |t| a_visit(t, "H2").map(|_| ()),
        |t| {
            let other: String = t.db.conn().query_row("SELECT id FROM visits", [], |r| r.get(0)).unwrap();
            let h = id(t, "H1");
            t.write(|tx| {
                visit::add(
                    tx,
                    h,
                    &NewVisit {
                        outcome: "更正".into(), corrects: Some(other.parse().unwrap()), ..Default::default()
                    },
                )
            })
            .map(|_| ())
        },
        "invalid_field.corrects",
    ),
    (
        "a follow-up before the visit",
        |_| Ok(()),
        |t| {
            let h = id(t, "H1");
            t.write(|tx| {
                visit::add(
                    tx,
                    h,
                    &NewVisit { outcome: "x".into(), follow_up_on: Some(d("2000-01-01")), ..Default::default() },
                )
            })
            .map(|_| ())
        },
        "invalid_field.follow_up_on",
    ),
    // ---- obstacles
    (
        "resolving without a resolution",
        |t| obstacle_blocking(t, None, Stage::Vacated),
        |t| {
            let o = obstacle::list(t.db.conn(), t.project, true).unwrap()[0].id;
            t.write(|tx| obstacle::resolve(tx, o, "  ", d("2024-01-05")))
        },
        "invalid_field.resolution",
    ),
    (
        "resolving twice",
        |t| {
            obstacle_blocking(t, None, Stage::Vacated)?;
            let o = obstacle::list(t.db.conn(), t.project, true).unwrap()[0].id;
            t.write(|tx| obstacle::resolve(tx, o, "已确认", d("2024-01-05")))
        },
        |t| {
            let o = obstacle::list(t.db.conn(), t.project, false).unwrap()[0].id;
            t.write(|tx| obstacle::resolve(tx, o, "再次", d("2024-01-06")))
        },
        "rule.obstacle.already_resolved",
    ),
    (
        "a due date before it was raised",
        |_| Ok(()),
        |t| {
            let p = t.project;
            t.write(|tx| {
                obstacle::add(
                    tx,
                    p,
                    &NewObstacle {
                        title: "x".into(),
                        category: ObstacleCategory::Other,
                        household: None,
                        responsible_unit: String::new(),
                        responsible_person: String::new(),
                        raised_on: d("2024-01-05"),
                        due_on: Some(d("2024-01-01")),
                        blocks_stage: None,
                    },
                )
            })
            .map(|_| ())
        },
        "invalid_field.due_on",
    ),
    // ---- poles and checklist
    (
        "moving a pole back without a reason",
        |t| {
            let p = t.project;
            t.write(|tx| {
                let pole = plot_work::add_pole(tx, p, "DL-1", PoleKind::Power, "供电公司", "")?;
                plot_work::set_pole_status(tx, pole, PoleStatus::Scheduled, d("2024-01-05"), None)
            })
        },
        |t| {
            let pole = plot_work::find_pole(t.db.conn(), t.project, "DL-1").unwrap().id;
            t.write(|tx| plot_work::set_pole_status(tx, pole, PoleStatus::Applied, d("2024-01-06"), None))
        },
        "rule.pole.revert_needs_reason",
    ),
    (
        "relabelling a pole without a reason",
        |t| {
            let p = t.project;
            t.write(|tx| plot_work::add_pole(tx, p, "DL-1", PoleKind::Power, "供电公司", "")).map(|_| ())
        },
        |t| {
            let pole = plot_work::find_pole(t.db.conn(), t.project, "DL-1").unwrap().id;
            t.write(|tx| plot_work::relabel_pole(tx, pole, "DL-1-2", Some("  ")))
        },
        "rule.pole.relabel_needs_reason",
    ),
    (
        "relabelling a pole to a label another pole has",
        |t| {
            let p = t.project;
            t.write(|tx| {
                plot_work::add_pole(tx, p, "DL-1", PoleKind::Power, "供电公司", "")?;
                plot_work::add_pole(tx, p, "DL-2", PoleKind::Telecom, "电信", "").map(|_| ())
            })
        },
        |t| {
            let pole = plot_work::find_pole(t.db.conn(), t.project, "DL-1").unwrap().id;
            t.write(|tx| plot_work::relabel_pole(tx, pole, " DL-2 ", Some("重号")))
        },
        "already_exists",
    ),
    (
        "relabelling a pole to an empty label",
        |t| {
            let p = t.project;
            t.write(|tx| plot_work::add_pole(tx, p, "DL-1", PoleKind::Power, "供电公司", "")).map(|_| ())
        },
        |t| {
            let pole = plot_work::find_pole(t.db.conn(), t.project, "DL-1").unwrap().id;
            t.write(|tx| plot_work::relabel_pole(tx, pole, "  ", Some("重号")))
        },
        "invalid_field.label",
    ),
    (
        "renaming a work group without a reason",
        |_| Ok(()),
        |t| {
            let p = t.project;
            t.write(|tx| jingdi::project::rename_group(tx, p, "一组", "一组（东）", None))
        },
        "rule.group.rename_needs_reason",
    ),
    (
        "renaming a work group to a name another group has",
        |t| {
            let p = t.project;
            t.write(|tx| jingdi::project::add_group(tx, p, "二组", None, &[])).map(|_| ())
        },
        |t| {
            let p = t.project;
            t.write(|tx| jingdi::project::rename_group(tx, p, "一组", "二组", Some("重名")))
        },
        "already_exists",
    ),
    (
        "unticking the checklist without a reason",
        |t| {
            let p = t.project;
            t.write(|tx| {
                let c = plot_work::add_checklist_item(tx, p, "", ChecklistCategory::Debris)?;
                plot_work::set_checklist_done(tx, c, true, d("2024-01-05"), "")
            })
        },
        |t| {
            let c = plot_work::checklist(t.db.conn(), t.project).unwrap()[0].id;
            t.write(|tx| plot_work::set_checklist_done(tx, c, false, d("2024-01-06"), ""))
        },
        "rule.checklist.undo_needs_reason",
    ),
];

#[test]
fn every_refused_write_names_its_rule_and_changes_nothing() {
    for (name, setup, attempt, code) in CASES {
        let mut t = TestDb::with_households(3);
        setup(&mut t).unwrap_or_else(|e| panic!("{name}: setup failed: {e}"));
        let before = t.snapshot();
        let err = match attempt(&mut t) {
            Err(e) => e,
            Ok(()) => panic!("{name}: should have been refused"),
        };
        assert_eq!(err.code(), *code, "{name}: {err}");
        assert!(
            err.to_string().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{name}: message in Chinese: {err}"
        );
        assert_eq!(t.snapshot(), before, "{name}: a refused write must change nothing");
    }
}

#[test]
fn going_back_with_a_reason_is_recorded() {
    let mut t = TestDb::with_households(1);
    t.advance("H1", Stage::Signed);
    to(&mut t, "H1", Stage::Negotiating, "2024-01-20", Some("户主要求重新协商")).unwrap();
    let h = t.household("H1");
    assert_eq!(h.stage, Stage::Negotiating);
    let tl = stage::timeline(t.db.conn(), h.id).unwrap();
    let last = tl.last().unwrap();
    assert_eq!((last.from_stage, last.to_stage), (Stage::Signed, Stage::Negotiating));
    assert_eq!(last.reason.as_deref(), Some("户主要求重新协商"));
    assert_eq!(last.recorded_by, crate::AUTHOR);
    assert_eq!(tl.len(), 4);
    // Signed again later: the kept agreement satisfies the rule.
    to(&mut t, "H1", Stage::Signed, "2024-01-22", None).unwrap();
}

#[test]
fn a_signed_agreement_changes_with_a_reason_kept_in_the_log() {
    let mut t = TestDb::with_households(1);
    t.advance("H1", Stage::Signed);
    set(&mut t, "H1", "协议编号", "XY-H1-更正", Some("协议编号录入错误")).unwrap();
    assert_eq!(t.household("H1").agreement_no.as_deref(), Some("XY-H1-更正"));
    let reason: String =
        t.db.conn().query_row("SELECT reason FROM oplog WHERE fields LIKE '%XY-H1-更正%'", [], |r| r.get(0)).unwrap();
    assert_eq!(reason, "协议编号录入错误");
    // Before signing the agreement fields are free.
    let mut t = TestDb::with_households(1);
    set(&mut t, "H1", "agreement_no", "XY-1", None).unwrap();
}

#[test]
fn resolving_the_blocking_obstacle_lets_the_stage_through() {
    let mut t = TestDb::with_households(1);
    obstacle_blocking(&mut t, Some("H1"), Stage::Assessed).unwrap();
    assert!(to(&mut t, "H1", Stage::Assessed, "2024-01-05", None).is_err());
    let o = obstacle::list(t.db.conn(), t.project, true).unwrap()[0].id;
    t.write(|tx| obstacle::start(tx, o)).unwrap();
    assert!(to(&mut t, "H1", Stage::Assessed, "2024-01-05", None).is_err(), "处理中 still blocks");
    t.write(|tx| obstacle::resolve(tx, o, "已出具产权证明", d("2024-01-04"))).unwrap();
    to(&mut t, "H1", Stage::Assessed, "2024-01-05", None).unwrap();
    // Obstacles blocking another stage do not matter.
    obstacle_blocking(&mut t, Some("H1"), Stage::Demolished).unwrap();
    to(&mut t, "H1", Stage::Negotiating, "2024-01-06", None).unwrap();
}

#[test]
fn visits_are_append_only_and_corrections_take_the_place_of_the_original() {
    let mut t = TestDb::with_households(1);
    let first = a_visit(&mut t, "H1").unwrap();
    let h = id(&t, "H1");
    let fix = t
        .write(|tx| {
            visit::add(
                tx,
                h,
                &NewVisit {
                    outcome: "首次入户（更正：户主不在，与其子沟通）".into(),
                    corrects: Some(first),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let shown = visit::for_household(t.db.conn(), h).unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].id, fix);
    assert_eq!(shown[0].corrects, Some(first));
    let stored: i64 = t.db.conn().query_row("SELECT count(*) FROM visits", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 2, "the original stays");
    assert_eq!(shown[0].visitors, vec![crate::AUTHOR.to_string()], "the author visits when nobody else is named");
}

#[test]
fn a_payment_moves_an_item_through_its_states() {
    let mut t = TestDb::with_households(1);
    let i = item(&mut t, false, false).unwrap();
    t.write(|tx| compensation::set_amount(tx, i, 2_000_00)).unwrap();
    t.write(|tx| compensation::confirm(tx, i, d("2024-01-10"))).unwrap();
    t.write(|tx| compensation::pay(tx, i, d("2024-01-11"), "PZ-9")).unwrap();
    let it = compensation::get(t.db.conn(), i).unwrap();
    assert_eq!((it.status, it.amount, it.voucher_no.as_deref()), (PaymentStatus::Paid, 2_000_00, Some("PZ-9")));
    assert_eq!(it.paid_on, Some(d("2024-01-11")));
}
