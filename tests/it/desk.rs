//! The desktop app's calls (jingdi::desk), the board and household search, and meetings.

use crate::{d, TestDb};
use jingdi::desk::{self, *};
use jingdi::meeting::{Decision, DecisionInput};
use jingdi::vocab::{ObstacleCategory, Stage, VisitKind};

fn with_operator(mut t: TestDb) -> TestDb {
    desk::set_identity(&mut t.db, Identity { operator: "李组长".into(), device_name: "笔记本-1".into() }).unwrap();
    t
}

fn visit(household: uuid::Uuid, outcome: &str) -> VisitInput {
    VisitInput {
        household_id: household,
        kind: Some(VisitKind::Door),
        visitors: vec![],
        outcome: outcome.into(),
        concerns: vec!["安置房源".into()],
        promises: String::new(),
        next_step: "下周再访".into(),
        follow_up_on: None,
        visited_at: None,
    }
}

#[test]
fn identity_is_asked_once_and_every_change_needs_it() {
    let mut t = TestDb::with_households(1);
    let h = t.household("H1").id;
    let e = desk::log_visit(&mut t.db, visit(h, "在家")).unwrap_err();
    assert_eq!(e.code(), "invalid_field.operator");
    let e = desk::set_identity(&mut t.db, Identity { operator: " ".into(), device_name: "x".into() }).unwrap_err();
    assert_eq!(e.code(), "invalid_field.operator");
    let mut t = with_operator(t);
    let s = desk::app_state(&t.db).unwrap();
    assert_eq!(s.operator.as_deref(), Some("李组长"));
    assert_eq!(s.device_name.as_deref(), Some("笔记本-1"));
    let v = desk::log_visit(&mut t.db, visit(h, "在家")).unwrap();
    assert_eq!(v.recorded_by, "李组长");
}

#[test]
fn demo_opens_once_and_shows_its_figures() {
    let mut t = with_operator(TestDb::empty());
    let p = desk::open_demo(&mut t.db).unwrap();
    assert_eq!(desk::open_demo(&mut t.db).unwrap().id, p.id, "opening again reuses the demo");
    let s = desk::summary(&t.db, p.id).unwrap();
    assert_eq!((s.households_total, s.households_signed), (120, 120));
    let b = desk::board(&t.db, p.id).unwrap();
    assert_eq!(b.tiles.len(), 120);
    assert!(b.tiles.iter().any(|x| x.unpaid_items > 0), "the demo's crops are unpaid");
    assert!(!b.groups.is_empty());
}

#[test]
fn households_are_found_by_number_or_name_exact_number_first() {
    let t = TestDb::with_households(12);
    let hits = desk::find_households(&t.db, t.project, "H1".into()).unwrap();
    assert_eq!(hits[0].number, "H1");
    assert_eq!(hits.iter().map(|h| h.number.as_str()).collect::<Vec<_>>(), ["H1", "H10", "H11", "H12"]);
    let hits = desk::find_households(&t.db, t.project, "户主7".into()).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].number, "H7");
    assert!(desk::find_households(&t.db, t.project, "无此人".into()).unwrap().is_empty());
}

#[test]
fn stage_changes_are_validated_by_the_core_and_shown_in_the_view() {
    let mut t = with_operator(TestDb::with_households(1));
    let h = t.household("H1").id;
    let e = desk::set_stage(&mut t.db, StageInput { household_id: h, to: Stage::Demolished, on: None, reason: None })
        .unwrap_err();
    assert_eq!(e.code(), "rule.stage.demolition_needs_handover");
    assert!(e.to_wire().message.contains("尚未腾空交房"));
    let v = desk::set_stage(
        &mut t.db,
        StageInput { household_id: h, to: Stage::Assessed, on: Some("2024-01-02".into()), reason: None },
    )
    .unwrap();
    assert_eq!(v.household.stage, Stage::Assessed);
    assert_eq!(v.timeline.len(), 1);
    assert_eq!(v.timeline[0].recorded_by, "李组长");
    let e = desk::set_stage(
        &mut t.db,
        StageInput { household_id: h, to: Stage::Registered, on: None, reason: Some("  ".into()) },
    )
    .unwrap_err();
    assert_eq!(e.code(), "rule.stage.revert_needs_reason");
    let e = desk::set_stage(
        &mut t.db,
        StageInput { household_id: h, to: Stage::Negotiating, on: Some("2024/01/03".into()), reason: None },
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_field.on");
}

#[test]
fn dates_left_empty_are_the_projects_as_of_date() {
    let mut t = with_operator(TestDb::demo());
    let h = t.household("DX4-009").id;
    let v = desk::set_stage(&mut t.db, StageInput { household_id: h, to: Stage::Demolished, on: None, reason: None })
        .unwrap();
    assert_eq!(v.timeline.last().unwrap().reached_on.to_string(), "2022-08-15", "the demo is shown as of 2022-08-15");
    let o = desk::obstacles(&t.db, t.project)
        .unwrap()
        .rows
        .into_iter()
        .find(|o| o.obstacle.status != jingdi::vocab::ObstacleStatus::Resolved)
        .unwrap();
    let r = desk::resolve_obstacle(
        &mut t.db,
        ResolveInput { obstacle_id: o.obstacle.id, resolution: "已协调".into(), on: None },
    )
    .unwrap();
    assert_eq!(r.resolved_on.map(|d| d.to_string()).as_deref(), Some("2022-08-15"));
    let mut live = with_operator(TestDb::with_households(1));
    let h = live.household("H1").id;
    let v = desk::set_stage(&mut live.db, StageInput { household_id: h, to: Stage::Assessed, on: None, reason: None })
        .unwrap();
    assert_eq!(v.timeline[0].reached_on, chrono::Local::now().date_naive(), "a live project's is today");
}

fn crops_obstacle(t: &mut TestDb, h: uuid::Uuid) -> jingdi::obstacle::Obstacle {
    desk::add_obstacle(
        &mut t.db,
        ObstacleInput {
            project_id: t.project,
            household_id: Some(h),
            title: "青苗补偿未到位".into(),
            category: ObstacleCategory::Crops,
            responsible_unit: "街道征迁办".into(),
            responsible_person: "王".into(),
            due_on: None,
            blocks_stage: None,
        },
    )
    .unwrap()
}

#[test]
fn visits_show_newest_first_and_obstacles_resolve() {
    let mut t = with_operator(TestDb::with_households(1));
    let h = t.household("H1").id;
    desk::log_visit(&mut t.db, visit(h, "第一次")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    desk::log_visit(&mut t.db, visit(h, "第二次")).unwrap();
    let v = desk::household(&t.db, h).unwrap();
    assert_eq!(v.visits.iter().map(|x| x.outcome.as_str()).collect::<Vec<_>>(), ["第二次", "第一次"]);

    let o = crops_obstacle(&mut t, h);
    assert_eq!(desk::board(&t.db, t.project).unwrap().tiles[0].open_obstacles, 1);
    let e = desk::resolve_obstacle(&mut t.db, ResolveInput { obstacle_id: o.id, resolution: "".into(), on: None })
        .unwrap_err();
    assert_eq!(e.code(), "invalid_field.resolution");
    desk::resolve_obstacle(&mut t.db, ResolveInput { obstacle_id: o.id, resolution: "已发放".into(), on: None })
        .unwrap();
    assert_eq!(desk::board(&t.db, t.project).unwrap().tiles[0].open_obstacles, 0);
    let list = desk::obstacles(&t.db, t.project).unwrap();
    assert_eq!(list.rows.len(), 1);
}

#[test]
fn a_recorded_meeting_sets_the_next_since_and_settles_its_obstacles() {
    let mut t = with_operator(TestDb::with_households(1));
    let h = t.household("H1").id;
    let o = desk::add_obstacle(
        &mut t.db,
        ObstacleInput {
            project_id: t.project,
            household_id: Some(h),
            title: "杆线未迁".into(),
            category: ObstacleCategory::Poles,
            responsible_unit: "供电公司".into(),
            responsible_person: String::new(),
            due_on: None,
            blocks_stage: Some(Stage::Assessed),
        },
    )
    .unwrap();
    let prep = desk::meeting_prep(&t.db, t.project, None).unwrap();
    assert!(prep.meetings.is_empty());
    assert_eq!((prep.last_meeting, prep.since), (None, prep.as_of - chrono::Duration::days(7)));
    assert_eq!(prep.needing_decision.len(), 1, "a blocking obstacle needs a decision");
    assert_eq!(prep.changes.obstacles_opened, ["杆线未迁"]);

    let input = |attendees: Vec<String>, held_on: &str| MeetingInput {
        project_id: t.project,
        held_on: Some(held_on.into()),
        title: String::new(),
        attendees,
        decisions: vec![Decision {
            text: "供电公司两周内迁杆".into(),
            obstacle_id: Some(o.id),
            owner: "供电公司".into(),
            due_on: None,
        }
        .into()],
        notes: String::new(),
    };
    let e = desk::record_meeting(&mut t.db, input(vec![], "2024-02-01")).unwrap_err();
    assert_eq!(e.code(), "invalid_field.attendees");
    let e = desk::record_meeting(&mut t.db, input(vec!["甲".into()], "2999-01-01")).unwrap_err();
    assert_eq!(e.code(), "invalid_field.held_on");
    let m = desk::record_meeting(&mut t.db, input(vec!["甲".into(), "乙".into()], "2024-02-01")).unwrap();
    assert_eq!(m.title, "2024-02-01 会商");
    assert_eq!(m.recorded_by, "李组长");

    let prep = desk::meeting_prep(&t.db, t.project, None).unwrap();
    assert_eq!(prep.since, d("2024-02-01"));
    assert_eq!(prep.last_meeting, Some(d("2024-02-01")));
    assert_eq!(prep.meetings.len(), 1);
    assert!(prep.needing_decision.is_empty(), "decided obstacles no longer need a decision");
    assert_eq!(desk::meeting_prep(&t.db, t.project, Some("2024-01-15".into())).unwrap().since, d("2024-01-15"));

    // Meetings are in the log like everything else: a replay rebuilds them.
    assert_eq!(
        jingdi::oplog::replay::rebuilt_dump(t.db.conn()).unwrap(),
        jingdi::oplog::replay::dump(t.db.conn()).unwrap()
    );
}

#[test]
fn a_decision_with_an_owner_and_a_deadline_becomes_an_obstacle_linked_to_it() {
    let mut t = with_operator(TestDb::with_households(1));
    let decision = |text: &str, owner: &str, due: Option<&str>| DecisionInput {
        decision: Decision { text: text.into(), obstacle_id: None, owner: owner.into(), due_on: due.map(d) },
        track: true,
    };
    let input = |decisions: Vec<DecisionInput>| MeetingInput {
        project_id: t.project,
        held_on: Some("2024-02-01".into()),
        title: String::new(),
        attendees: vec!["王建国".into()],
        decisions,
        notes: String::new(),
    };
    let ops = |t: &TestDb| -> i64 { t.db.conn().query_row("SELECT count(*) FROM oplog", [], |r| r.get(0)).unwrap() };
    let before = ops(&t);

    // What an obstacle is chased by is required; a refusal leaves neither meeting nor obstacle.
    for (bad, says) in
        [(decision("围挡补缺", "", Some("2024-02-10")), "负责单位"), (decision("围挡补缺", "施工单位", None), "期限")]
    {
        let fine = decision("先做的决定", "街道", Some("2024-02-05"));
        let e = desk::record_meeting(&mut t.db, input(vec![fine, bad])).unwrap_err();
        assert_eq!(e.code(), "invalid_field.decisions");
        assert!(e.to_string().contains(says), "{e}");
        assert_eq!(ops(&t), before, "nothing written");
    }
    let linked = DecisionInput {
        decision: Decision {
            obstacle_id: Some(uuid::Uuid::from_u128(1)),
            ..decision("x", "y", Some("2024-02-10")).decision
        },
        track: true,
    };
    assert!(desk::record_meeting(&mut t.db, input(vec![linked])).is_err());
    assert_eq!(ops(&t), before);

    // Tracked: an open obstacle with the owner as its unit and the deadline as its due date,
    // raised on the meeting's day, and the decision points at it. An untracked one stays a line.
    let untracked = DecisionInput { track: false, ..decision("下周再议补偿", "街道", Some("2024-02-08")) };
    let m = desk::record_meeting(
        &mut t.db,
        input(vec![decision("东侧围挡补缺", "施工单位", Some("2024-02-10")), untracked]),
    )
    .unwrap();
    let list = desk::obstacles(&t.db, t.project).unwrap();
    assert_eq!(list.rows.len(), 1, "only the tracked decision became an obstacle");
    let o = &list.rows[0].obstacle;
    assert_eq!(
        (o.title.as_str(), o.responsible_unit.as_str(), o.raised_on, o.due_on),
        ("东侧围挡补缺", "施工单位", d("2024-02-01"), Some(d("2024-02-10")))
    );
    assert_eq!(m.decisions[0].obstacle_id, Some(o.id));
    assert_eq!(m.decisions[1].obstacle_id, None);
    assert_eq!(ops(&t), before + 2, "the obstacle and the meeting, in one write");
    assert_eq!(
        jingdi::oplog::replay::rebuilt_dump(t.db.conn()).unwrap(),
        jingdi::oplog::replay::dump(t.db.conn()).unwrap()
    );
}

#[test]
fn history_comes_newest_first_and_filters_by_household_and_author() {
    let mut t = with_operator(TestDb::with_households(2));
    let h = t.household("H2").id;
    desk::log_visit(&mut t.db, visit(h, "在家")).unwrap();
    let all = desk::history(&t.db, HistoryQuery { project_id: t.project, ..Default::default() }).unwrap();
    assert_eq!(all[0].author, "李组长");
    let mine = desk::history(
        &t.db,
        HistoryQuery { project_id: t.project, author: Some("李组长".into()), ..Default::default() },
    )
    .unwrap();
    assert_eq!(mine.len(), 1);
    let of_h =
        desk::history(&t.db, HistoryQuery { project_id: t.project, household_id: Some(h), ..Default::default() })
            .unwrap();
    assert_eq!(of_h.len(), 2, "registration and the visit");
}

/// The top of a household's page: money from its settlement sheet, open issues, and the next
/// visit due from its latest visit (a corrected visit does not count), overdue when passed.
#[test]
fn a_households_page_opens_with_its_money_issues_and_next_visit() {
    let mut t = with_operator(TestDb::with_households(1));
    let h = t.household("H1").id;
    let g = desk::household(&t.db, h).unwrap().glance;
    assert_eq!((g.open_obstacles, g.follow_up_on, g.follow_up_overdue), (0, None, false));

    let today = chrono::Local::now().date_naive();
    let at = |days: i64| Some(chrono::Utc::now() - chrono::Duration::days(days));
    let old = t
        .write(|tx| {
            jingdi::visit::add(
                tx,
                h,
                &jingdi::visit::NewVisit {
                    visited_at: at(9),
                    outcome: "第一次".into(),
                    follow_up_on: Some(today - chrono::Duration::days(2)),
                    ..Default::default()
                },
            )
        })
        .unwrap();
    let g = desk::household(&t.db, h).unwrap().glance;
    assert_eq!((g.follow_up_on, g.follow_up_overdue), (Some(today - chrono::Duration::days(2)), true));
    t.write(|tx| {
        jingdi::visit::add(
            tx,
            h,
            &jingdi::visit::NewVisit {
                visited_at: at(1),
                outcome: "第二次".into(),
                next_step: "带安置方案再谈".into(),
                follow_up_on: Some(today + chrono::Duration::days(5)),
                ..Default::default()
            },
        )
    })
    .unwrap();
    let g = desk::household(&t.db, h).unwrap().glance;
    assert_eq!((g.follow_up_on, g.follow_up_overdue), (Some(today + chrono::Duration::days(5)), false));
    assert_eq!(g.next_step, "带安置方案再谈");
    // A correction of the first visit, entered later but dated as that visit: the second is still latest.
    t.write(|tx| {
        jingdi::visit::add(
            tx,
            h,
            &jingdi::visit::NewVisit {
                visited_at: at(9),
                outcome: "第一次（更正）".into(),
                corrects: Some(old),
                ..Default::default()
            },
        )
    })
    .unwrap();
    assert_eq!(desk::household(&t.db, h).unwrap().glance.follow_up_on, Some(today + chrono::Duration::days(5)));

    let o = crops_obstacle(&mut t, h);
    assert_eq!(desk::household(&t.db, h).unwrap().glance.open_obstacles, 1);
    desk::resolve_obstacle(&mut t.db, ResolveInput { obstacle_id: o.id, resolution: "已发放".into(), on: None })
        .unwrap();
    assert_eq!(desk::household(&t.db, h).unwrap().glance.open_obstacles, 0);
}

/// Recording tomorrow's meeting ahead of time leaves today's preparation as it was: the
/// brief starts from the last meeting held by the as-of date (the demo stands on 2022-08-15).
#[test]
fn tomorrows_meeting_recorded_ahead_does_not_empty_todays_preparation() {
    let mut t = with_operator(TestDb::demo());
    let before = desk::meeting_prep(&t.db, t.project, None).unwrap();
    let input = |held_on: &str| MeetingInput {
        project_id: t.project,
        held_on: Some(held_on.into()),
        title: String::new(),
        attendees: vec!["王建国".into()],
        decisions: vec![],
        notes: "明日会商，提前登记".into(),
    };
    desk::record_meeting(&mut t.db, input("2022-08-16")).unwrap();
    let after = desk::meeting_prep(&t.db, t.project, None).unwrap();
    assert_eq!((after.since, after.last_meeting), (before.since, before.last_meeting));
    assert_eq!(after.changes.newly_signed.len(), before.changes.newly_signed.len());
    assert_eq!(after.meetings.len(), before.meetings.len() + 1, "listed among the meetings all the same");
}
