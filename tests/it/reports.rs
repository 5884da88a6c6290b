//! The summary, the 净地 list, what changed since a date, and the history.

use crate::{d, TestDb};
use jingdi::report::changes::changes_since;
use jingdi::report::clearance::{clearance, ClearanceKind};
use jingdi::report::history::{history, HistoryFilter};
use jingdi::report::summary::summary;
use jingdi::visit::NewVisit;
use jingdi::vocab::*;
use jingdi::{compensation, obstacle, plot_work, visit};

#[test]
fn summary_counts_signing_by_household_area_group_and_day() {
    let mut t = TestDb::with_households(4);
    t.advance("H1", Stage::Signed); // agreement dated 2024-01-07
    t.advance("H2", Stage::Vacated);
    let h3 = t.household("H3").id;
    t.write(|tx| jingdi::household::set(tx, h3, "floor_area", "200", None)).unwrap();
    let s = summary(t.db.conn(), &t.project(), Some(d("2024-01-10"))).unwrap();
    assert_eq!((s.households_total, s.households_signed), (4, 2));
    assert_eq!(s.signing_rate, 0.5);
    assert_eq!(s.signed_area_centi, 200_00);
    assert_eq!(s.total_area_centi, 500_00);
    assert_eq!(s.area_signing_rate, 0.4);
    assert_eq!(s.days_left, 21);
    assert_eq!(s.groups.len(), 1);
    assert_eq!((s.groups[0].households_signed, s.groups[0].households_total), (2, 4));
    assert_eq!(s.daily.len(), 10, "from the opening to the as-of date");
    assert_eq!(s.daily.last().unwrap().cumulative_signed, 2);
    let day7 = s.daily.iter().find(|r| r.date == d("2024-01-07")).unwrap();
    assert_eq!(day7.signed, 2, "H1 and H2 both signed on the 7th");
    let stage_count = |st: Stage| s.stages.iter().find(|c| c.stage == st).unwrap().households;
    assert_eq!((stage_count(Stage::Registered), stage_count(Stage::Signed), stage_count(Stage::Vacated)), (2, 1, 1));
    // After the deadline, days left turn negative.
    let late = summary(t.db.conn(), &t.project(), Some(d("2024-02-05"))).unwrap();
    assert_eq!(late.days_left, -5);
    assert_eq!(late.daily.last().unwrap().date, d("2024-01-31"));
}

#[test]
fn summary_totals_compensation_obstacles_and_follow_ups() {
    let mut t = TestDb::with_households(2);
    let (h1, h2, p) = (t.household("H1").id, t.household("H2").id, t.project);
    t.write(|tx| {
        let a = compensation::add(tx, h1, CompensationKind::HouseValue, "", 100_000_00, "")?;
        let b = compensation::add(tx, h1, CompensationKind::Crops, "", 1_000_00, "")?;
        compensation::add(tx, h2, CompensationKind::Relocation, "", 500_00, "")?;
        compensation::confirm(tx, a, d("2024-01-05"))?;
        compensation::confirm(tx, b, d("2024-01-05"))?;
        compensation::pay(tx, a, d("2024-01-06"), "")?;
        for (title, unit, due) in
            [("杆线", "供电公司", "2024-01-08"), ("青苗", "社区", "2024-01-20"), ("杆线2", "供电公司", "2024-01-20")]
        {
            obstacle::add(
                tx,
                p,
                &obstacle::NewObstacle {
                    title: title.into(),
                    category: ObstacleCategory::Other,
                    household: None,
                    responsible_unit: unit.into(),
                    responsible_person: String::new(),
                    raised_on: d("2024-01-02"),
                    due_on: Some(d(due)),
                    blocks_stage: None,
                },
            )?;
        }
        let at = |s: &str| {
            Some(chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap().and_hms_opt(3, 0, 0).unwrap().and_utc())
        };
        visit::add(
            tx,
            h1,
            &NewVisit {
                visited_at: at("2024-01-02"),
                outcome: "a".into(),
                follow_up_on: Some(d("2024-01-05")),
                ..Default::default()
            },
        )?;
        visit::add(
            tx,
            h2,
            &NewVisit {
                visited_at: at("2024-01-02"),
                outcome: "b".into(),
                follow_up_on: Some(d("2024-01-05")),
                ..Default::default()
            },
        )?;
        // H2 was visited again: its follow-up is done.
        visit::add(tx, h2, &NewVisit { visited_at: at("2024-01-06"), outcome: "c".into(), ..Default::default() })?;
        Ok(())
    })
    .unwrap();
    let s = summary(t.db.conn(), &t.project(), Some(d("2024-01-10"))).unwrap();
    assert_eq!(s.compensation.confirmed_fen, 101_000_00);
    assert_eq!(s.compensation.paid_fen, 100_000_00);
    assert_eq!(s.compensation.unpaid_confirmed_fen, 1_000_00);
    assert_eq!(s.compensation.estimated_fen, 500_00);
    let power = s.obstacles_by_unit.iter().find(|u| u.responsible_unit == "供电公司").unwrap();
    assert_eq!((power.open, power.overdue), (2, 1));
    assert_eq!(s.obstacles_by_unit[0].responsible_unit, "供电公司", "most overdue first");
    assert_eq!(s.overdue_follow_ups.len(), 1);
    assert_eq!((s.overdue_follow_ups[0].household_no.as_str(), s.overdue_follow_ups[0].days_overdue), ("H1", 5));
}

#[test]
fn clearance_lists_everything_until_cleared_land() {
    let mut t = TestDb::with_households(2);
    t.advance("H1", Stage::Demolished);
    let (h1, h2, p) = (t.household("H1").id, t.household("H2").id, t.project);
    let (pole, item, check) = t
        .write(|tx| {
            let i = compensation::add(tx, h2, CompensationKind::HouseValue, "", 5, "")?;
            compensation::add(tx, h1, CompensationKind::Crops, "蔬菜", 7, "")?;
            let pole = plot_work::add_pole(tx, p, "DL-1", PoleKind::Power, "供电公司", "")?;
            let c = plot_work::add_checklist_item(tx, p, "", ChecklistCategory::Debris)?;
            Ok((pole, i, c))
        })
        .unwrap();
    let kinds = |t: &TestDb| -> Vec<ClearanceKind> {
        clearance(t.db.conn(), &t.project(), None).unwrap().iter().map(|i| i.kind).collect()
    };
    use ClearanceKind::*;
    assert_eq!(
        kinds(&t),
        vec![
            HouseholdNotDemolished,
            HousePhotoMissing,
            UnpaidCompensation,
            UnpaidCompensation,
            PoleNotRelocated,
            ChecklistOpen
        ]
    );
    let list = clearance(t.db.conn(), &t.project(), None).unwrap();
    assert_eq!(list[1].household_no.as_deref(), Some("H1"), "demolished without a photo of the house");
    assert_eq!(list[2].household_no.as_deref(), Some("H1"), "crops first among unpaid items");
    // A house photo taken after the demolition does not count; one taken before does.
    let after = crate::evidence::photo(40, 30, 1, Some(crate::evidence::exif_block("2024:02:01 10:00:00", None)));
    let before = crate::evidence::photo(40, 30, 2, Some(crate::evidence::exif_block("2024:01:04 10:00:00", None)));
    for (h, name, bytes) in [(h1, "after.jpg", after), (h1, "h1.jpg", before.clone()), (h2, "h2.jpg", before)] {
        jingdi::evidence::attach(
            &mut t.db,
            crate::AUTHOR,
            &jingdi::evidence::NewAttachments {
                target: jingdi::vocab::AttachTarget::Household,
                target_id: h,
                kind: jingdi::vocab::AttachmentKind::HousePhoto,
                note: "",
                files: &[(name.to_string(), bytes)],
            },
        )
        .unwrap();
        let missing = kinds(&t).contains(&HousePhotoMissing);
        assert_eq!(missing, name == "after.jpg", "{name}");
    }
    // Clear everything: the list empties.
    t.advance("H2", Stage::Demolished);
    t.write(|tx| {
        for i in compensation::for_household(tx.conn(), h1)?.into_iter().map(|i| i.id).chain([item]) {
            compensation::confirm(tx, i, d("2024-01-05"))?;
            compensation::pay(tx, i, d("2024-01-05"), "")?;
        }
        plot_work::set_pole_status(tx, pole, PoleStatus::Relocated, d("2024-01-05"), None)?;
        plot_work::set_checklist_done(tx, check, true, d("2024-01-05"), "")
    })
    .unwrap();
    assert!(kinds(&t).is_empty(), "净地：nothing left");
}

#[test]
fn changes_since_a_date_come_from_the_log() {
    let t = TestDb::demo();
    let c = changes_since(t.db.conn(), &t.project(), Some(d("2022-08-01")), None).unwrap();
    assert!(!c.demolished.is_empty());
    assert!(c.newly_signed.is_empty(), "everyone signed in July");
    assert!(c.obstacles_opened.iter().any(|o| o.contains("电线杆")));
    assert!(c.visits > 0 && c.payments > 0 && c.paid_fen > 0);
    let all = changes_since(t.db.conn(), &t.project(), None, None).unwrap();
    assert_eq!(all.newly_signed.len(), 120);
    assert!(all.obstacles_resolved.iter().any(|o| o.contains("拆除队")));
}

#[test]
fn history_filters_by_household_author_and_date() {
    let t = TestDb::demo();
    let h = t.household("DX4-010");
    let entries =
        history(t.db.conn(), &HistoryFilter { project: Some(t.project), entity: Some(h.id), ..Default::default() })
            .unwrap();
    assert!(entries.iter().any(|e| e.entity == jingdi::oplog::Entity::Visit));
    assert!(entries.iter().any(|e| e.entity == jingdi::oplog::Entity::StageEvent));
    assert!(entries.iter().all(|e| e.household_no.as_deref() == Some("DX4-010")));
    assert!(entries.windows(2).all(|w| w[0].hlc <= w[1].hlc), "oldest first");
    let by =
        history(t.db.conn(), &HistoryFilter { author: Some("拆除队现场负责人".into()), ..Default::default() }).unwrap();
    assert!(!by.is_empty() && by.iter().all(|e| e.entity == jingdi::oplog::Entity::DemolitionLog));
    let since = history(t.db.conn(), &HistoryFilter { since: Some(d("2022-08-14")), ..Default::default() }).unwrap();
    assert!(!since.is_empty() && since.iter().all(|e| e.recorded_at.as_str() >= "2022-08-13"));
    let last5 = history(t.db.conn(), &HistoryFilter { limit: Some(5), ..Default::default() }).unwrap();
    assert_eq!(last5.len(), 5);
}
