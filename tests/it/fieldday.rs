//! Field work from the app (jingdi::desk): a demolition day, a pole with its status date, a
//! checklist tick, a household's facts typed with full-width digits, a backdated visit with
//! co-visitors, an obstacle's responsible unit, one working date, readable history.

use crate::{d, id_number, TestDb};
use jingdi::desk::{self, *};
use jingdi::vocab::{ObstacleCategory, PoleKind, PoleStatus, VisitKind};

fn with_operator(mut t: TestDb) -> TestDb {
    desk::set_identity(&mut t.db, Identity { operator: "李组长".into(), device_name: "笔记本-1".into() }).unwrap();
    t
}

/// Full-width digits, as a Chinese input method types them.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - '0' as u32 + 0xFF10).unwrap() } else { c })
        .collect()
}

#[test]
fn a_demolition_day_is_logged_with_full_width_counts_and_the_working_date() {
    let mut t = with_operator(TestDb::with_households(3));
    let w = desk::log_demolition_day(
        &mut t.db,
        DemolitionInput {
            project_id: t.project,
            log_date: Some("2024-01-10".into()),
            machines: "３台".into(),
            workers: "12".into(),
            demolished: "H1、Ｈ2".into(),
            notes: "雨后开工".into(),
        },
    )
    .unwrap();
    let day = w.days.iter().find(|x| x.log_date == d("2024-01-10")).unwrap();
    assert_eq!((day.machines, day.workers), (3, 12));
    assert_eq!(day.demolished, ["H1", "H2"]);
    // Empty date: the project's working date (today for this live project).
    let w = desk::log_demolition_day(
        &mut t.db,
        DemolitionInput {
            project_id: t.project,
            log_date: None,
            machines: "1".into(),
            workers: "2".into(),
            demolished: String::new(),
            notes: String::new(),
        },
    )
    .unwrap();
    assert!(w.days.iter().any(|x| x.log_date == w.work_date));
    // Refused, nothing changed: a count that is not one, an unknown household.
    let before = t.snapshot();
    for (machines, demolished, code) in [
        ("三", "", "invalid_field.machines"),
        ("2", "H9", "invalid_field.demolished"),
        ("-1", "", "invalid_field.machines"),
    ] {
        let e = desk::log_demolition_day(
            &mut t.db,
            DemolitionInput {
                project_id: t.project,
                log_date: Some("2024-01-11".into()),
                machines: machines.into(),
                workers: "1".into(),
                demolished: demolished.into(),
                notes: String::new(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code(), code, "{machines} {demolished}: {e}");
    }
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_pole_is_added_at_its_status_with_a_chosen_date_and_a_checklist_item_ticked() {
    let mut t = with_operator(TestDb::with_households(1));
    let w = desk::add_pole(
        &mut t.db,
        PoleInput {
            project_id: t.project,
            label: "Ｐ－０７".into(),
            kind: PoleKind::Power,
            owner_unit: "供电公司".into(),
            location: "东侧路口".into(),
            status: Some(PoleStatus::Applied),
            status_on: Some("2024-01-05".into()),
        },
    )
    .unwrap();
    let p = w.poles.iter().find(|p| p.label == "P-07").expect("label read in NFKC");
    assert_eq!((p.status, p.status_on), (PoleStatus::Applied, Some(d("2024-01-05"))));
    let before = t.snapshot();
    let e = desk::add_pole(
        &mut t.db,
        PoleInput {
            project_id: t.project,
            label: "P-07".into(),
            kind: PoleKind::Telecom,
            owner_unit: String::new(),
            location: String::new(),
            status: None,
            status_on: None,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "already_exists");
    assert_eq!(t.snapshot(), before);

    let project = t.project;
    let item = t
        .write(|tx| {
            jingdi::plot_work::add_checklist_item(tx, project, "建筑垃圾清运", jingdi::vocab::ChecklistCategory::Debris)
        })
        .unwrap();
    let w = desk::set_checklist_done(
        &mut t.db,
        ChecklistInput { item_id: item, done: true, on: None, note: String::new() },
    )
    .unwrap();
    let c = w.checklist.iter().find(|c| c.id == item).unwrap();
    assert!(c.done);
    assert_eq!(c.done_on, Some(w.work_date));
    let e =
        desk::set_checklist_done(&mut t.db, ChecklistInput { item_id: item, done: false, on: None, note: " ".into() })
            .unwrap_err();
    assert_eq!(e.code(), "rule.checklist.undo_needs_reason");
}

#[test]
fn a_households_phone_and_id_number_typed_in_full_width_digits_are_read_as_digits() {
    let mut t = with_operator(TestDb::with_households(1));
    let h = t.household("H1").id;
    let set = |t: &mut TestDb, field: &str, value: &str| {
        desk::set_household_field(
            &mut t.db,
            HouseholdFieldInput { household_id: h, field: field.into(), value: value.into(), reason: None },
        )
    };
    let v = set(&mut t, "phone", &full_width("139-1234-5678")).unwrap();
    assert_eq!(v.household.phone, "139-1234-5678");
    let id = id_number("19800202", 7);
    let v = set(&mut t, "id_number", &full_width(&id)).unwrap();
    assert_eq!(v.household.id_number.as_deref(), Some(id.as_str()));
    let v = set(&mut t, "members_count", "４人").unwrap();
    assert_eq!(v.household.members_count, 4);
    let v = set(&mut t, "address", "  东星路 8 号 ").unwrap();
    assert_eq!(v.household.address, "东星路 8 号");
    // Wrong input is refused at its field, with the field's name; nothing changes.
    let before = t.snapshot();
    let e = set(&mut t, "phone", "１２３").unwrap_err();
    assert_eq!(e.code(), "invalid_field.phone");
    assert!(e.to_string().contains("联系电话"), "{e}");
    let e = set(&mut t, "id_number", "35050319800202").unwrap_err();
    assert_eq!(e.code(), "invalid_field.id_number");
    let e = set(&mut t, "members_count", "0").unwrap_err();
    assert_eq!(e.code(), "invalid_field.members_count");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_visit_is_backdated_with_co_visitors_and_never_in_the_future() {
    let mut t = with_operator(TestDb::with_households(1));
    let h = t.household("H1").id;
    let input = |at: Option<&str>| VisitInput {
        household_id: h,
        kind: Some(VisitKind::Door),
        visitors: vec!["李组长".into(), "王社工、张律师".into()],
        outcome: "户主在家，谈了安置房源".into(),
        concerns: vec![],
        promises: String::new(),
        next_step: String::new(),
        follow_up_on: None,
        visited_at: at.map(str::to_string),
    };
    let v = desk::log_visit(&mut t.db, input(Some("２０２４-01-09 15:30"))).unwrap();
    assert_eq!(v.visitors, ["李组长", "王社工", "张律师"]);
    let local = v.visited_at.with_timezone(&chrono::Local);
    assert_eq!(local.format("%Y-%m-%d %H:%M").to_string(), "2024-01-09 15:30");
    let v = desk::log_visit(&mut t.db, input(Some("2024-01-08"))).unwrap();
    assert_eq!(v.visited_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string(), "2024-01-08 12:00");
    let before = t.snapshot();
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Duration::days(2)).to_string();
    assert_eq!(desk::log_visit(&mut t.db, input(Some(&tomorrow))).unwrap_err().code(), "invalid_field.visited_at");
    assert_eq!(desk::log_visit(&mut t.db, input(Some("昨天"))).unwrap_err().code(), "invalid_field.visited_at");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_historical_project_works_on_its_as_of_date_everywhere() {
    let mut t = with_operator(TestDb::demo());
    let day = desk::work_day(&t.db, t.project).unwrap();
    assert!(day.historical);
    let h = t.household("DX4-001").id;
    let v = desk::log_visit(
        &mut t.db,
        VisitInput {
            household_id: h,
            kind: None,
            visitors: vec![],
            outcome: "补记".into(),
            concerns: vec![],
            promises: String::new(),
            next_step: String::new(),
            follow_up_on: None,
            visited_at: None,
        },
    )
    .unwrap();
    assert_eq!(v.visited_at.with_timezone(&chrono::Local).date_naive(), day.date, "a visit defaults to the as-of date");
    let o = desk::add_obstacle(
        &mut t.db,
        ObstacleInput {
            project_id: t.project,
            household_id: None,
            title: "围挡缺口".into(),
            category: ObstacleCategory::Other,
            responsible_unit: "拆除施工单位".into(),
            responsible_person: String::new(),
            due_on: None,
            blocks_stage: None,
        },
    )
    .unwrap();
    assert_eq!(o.raised_on, day.date);
    // The brief as of the demo's date leaves out what is dated after it.
    let since = day.date - chrono::Duration::days(7);
    let all = jingdi::report::changes::changes_since(t.db.conn(), &t.project(), Some(since), None).unwrap();
    let upto = jingdi::report::changes::changes_since(
        t.db.conn(),
        &t.project(),
        Some(since),
        Some(day.date - chrono::Duration::days(1)),
    )
    .unwrap();
    assert!(upto.visits < all.visits, "the visit on the as-of date is not counted a day before it");
}

#[test]
fn an_obstacle_needs_a_responsible_unit() {
    let mut t = with_operator(TestDb::with_households(1));
    let before = t.snapshot();
    let e = desk::add_obstacle(
        &mut t.db,
        ObstacleInput {
            project_id: t.project,
            household_id: None,
            title: "电线杆未迁移".into(),
            category: ObstacleCategory::Other,
            responsible_unit: "  ".into(),
            responsible_person: "王工".into(),
            due_on: None,
            blocks_stage: None,
        },
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_field.responsible_unit");
    assert!(e.to_string().contains("责任单位"));
    assert_eq!(t.snapshot(), before);
}

#[test]
fn history_reads_with_chinese_names_household_numbers_and_pole_labels() {
    let mut t = with_operator(TestDb::with_households(2));
    desk::add_pole(
        &mut t.db,
        PoleInput {
            project_id: t.project,
            label: "P-01".into(),
            kind: PoleKind::Power,
            owner_unit: "供电公司".into(),
            location: String::new(),
            status: Some(PoleStatus::Scheduled),
            status_on: Some("2024-01-03".into()),
        },
    )
    .unwrap();
    desk::log_demolition_day(
        &mut t.db,
        DemolitionInput {
            project_id: t.project,
            log_date: Some("2024-01-04".into()),
            machines: "2".into(),
            workers: "5".into(),
            demolished: "H2".into(),
            notes: String::new(),
        },
    )
    .unwrap();
    let entries = desk::history(&t.db, HistoryQuery { project_id: t.project, ..Default::default() }).unwrap();
    let pole = entries.iter().find(|e| e.entity == jingdi::oplog::Entity::Pole).unwrap();
    assert_eq!(pole.subject.as_deref(), Some("P-01"));
    let day = entries.iter().find(|e| e.entity == jingdi::oplog::Entity::DemolitionLog).unwrap();
    let demolished = day.changes.iter().find(|c| c.field == "demolished").unwrap();
    assert_eq!((demolished.name.as_str(), demolished.value.as_str()), ("拆除的户", "H2"));
    for e in &entries {
        for c in &e.changes {
            assert!(uuid::Uuid::parse_str(&c.value).is_err(), "{} shows an id: {}", c.name, c.value);
        }
    }
    let hh = entries.iter().find(|e| e.entity == jingdi::oplog::Entity::Household).unwrap();
    let group = hh.changes.iter().find(|c| c.field == "group_id").unwrap();
    assert_eq!((group.name.as_str(), group.value.as_str()), ("动迁组", "一组"));
}

#[test]
fn without_a_gpu_render_node_webkit_renders_on_the_cpu_unless_the_user_chose() {
    use jingdi::desk::rendering::{software_rendering_switches as switches, WEBKIT_SWITCHES};
    let none = |_: &str| None;
    assert_eq!(switches(false, none), WEBKIT_SWITCHES.to_vec());
    assert!(switches(true, none).is_empty(), "a GPU: WebKit's own choice");
    let user = |k: &str| (k == "WEBKIT_DISABLE_DMABUF_RENDERER").then(|| "0".to_string());
    assert!(switches(false, user).is_empty(), "the user's own setting is kept");
    let gpu = |k: &str| (k == "JINGDI_RENDERING").then(|| "gpu".to_string());
    assert!(switches(false, gpu).is_empty());
    let cpu = |k: &str| (k == "JINGDI_RENDERING").then(|| "cpu".to_string());
    assert_eq!(switches(true, cpu), WEBKIT_SWITCHES.to_vec());
    assert!(!WEBKIT_SWITCHES.iter().any(|(k, _)| *k == "WEBKIT_DISABLE_DMABUF_RENDERER"));
}

#[test]
fn an_export_file_name_carries_its_date_and_the_opener_gets_the_folder() {
    use jingdi::office::{ExportKind, Format};
    let t = with_operator(TestDb::with_households(1));
    let name =
        desk::office_file_name(&t.db, t.project, ExportKind::Ledger, Format::Xlsx, Some("2024-01-15".into()), None)
            .unwrap();
    assert_eq!(name, "测试地块被征收户台账_2024-01-15.xlsx");
    let today = chrono::Local::now().date_naive();
    let name = desk::office_file_name(&t.db, t.project, ExportKind::SigningSummary, Format::Csv, None, None).unwrap();
    assert_eq!(name, format!("测试地块签约率汇总表_{today}.csv"));
    let e = desk::office_file_name(&t.db, t.project, ExportKind::Ledger, Format::Xlsx, Some("2024-13-01".into()), None)
        .unwrap_err();
    assert_eq!(e.code(), "invalid_field.as_of");

    // The opener is a program of the system; a script stands in for it and records its argument.
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("opened.txt");
    let script = dir.path().join("opener.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" > {}.part && mv {}.part {}\n", log.display(), log.display(), log.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let file = dir.path().join("表.xlsx");
    std::fs::write(&file, b"x").unwrap();
    desk::open_path_with(script.to_str().unwrap(), file.to_str().unwrap(), true).unwrap();
    let mut opened = String::new();
    for _ in 0..100 {
        if let Ok(s) = std::fs::read_to_string(&log) {
            opened = s;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(opened.trim(), dir.path().to_str().unwrap(), "the folder, not the file");
    let e = desk::open_path_with(script.to_str().unwrap(), "/nonexistent/x.xlsx", false).unwrap_err();
    assert_eq!(e.code(), "invalid_field.path");
}

#[test]
fn groups_are_listed_in_their_fixed_order_not_by_text() {
    use jingdi::project::group_order;
    let mut names = vec!["第三组", "第十二组", "第二组", "第十组", "第一组", "2组", "综合组", "第四组"];
    names.sort_by_cached_key(|n| group_order(n));
    // Same number: by name (as `group_order` says), so 2组 before 第二组.
    assert_eq!(names, ["第一组", "2组", "第二组", "第三组", "第四组", "第十组", "第十二组", "综合组"]);
    let t = TestDb::demo();
    let board = desk::board(&t.db, t.project).unwrap();
    assert_eq!(board.groups, ["第一组", "第二组", "第三组", "第四组"]);
}
