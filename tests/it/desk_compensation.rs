//! The app's compensation calls (jingdi::desk::compensation): what the standards page, the
//! household page's compensation section and the dashboard's fairness list send and get.

use crate::TestDb;
use jingdi::compensation::calc;
use jingdi::desk::{self, *};
use jingdi::vocab::PaymentStatus;
use uuid::Uuid;

fn with_operator(mut t: TestDb) -> TestDb {
    desk::set_identity(&mut t.db, Identity { operator: "李组长".into(), device_name: "笔记本-1".into() }).unwrap();
    t
}

fn survey(h: Uuid, code: &str, quantity: &str) -> InventoryInput {
    InventoryInput {
        household_id: h,
        code: code.into(),
        quantity: quantity.into(),
        owner: None,
        surveyed_on: Some("2022-08-10".into()),
        surveyor: String::new(),
        note: String::new(),
    }
}

fn pay(item: Uuid, amount: Option<&str>) -> PayInput {
    PayInput { item_id: item, on: None, voucher_no: "QM-9".into(), payee: None, amount: amount.map(Into::into) }
}

/// The inventory line and the item calculated from it, by the surveyed quantity.
fn inventory_item(v: &HouseholdView, code: &str) -> (Uuid, jingdi::compensation::Item) {
    let line = v.compensation.inventory.iter().rfind(|i| i.code == code && !i.withdrawn).expect("surveyed line");
    let item = v
        .compensation
        .items
        .iter()
        .find(|i| i.calc_key.as_deref() == Some(calc::inventory_key(line.id).as_str()))
        .expect("its item");
    (line.id, item.clone())
}

#[test]
fn the_household_section_surveys_adjusts_confirms_and_pays_on_the_demo() {
    let mut t = with_operator(TestDb::demo());
    let h = t.household("DX4-024").id;
    let v = desk::household(&t.db, h).unwrap();
    assert!(v.catalogue.iter().any(|c| c.code == "vegetables" && c.name == "蔬菜"));
    assert!(v
        .compensation
        .items
        .iter()
        .filter(|i| !i.is_manual())
        .all(|i| i.formula.contains("= ") && i.formula.ends_with('元')));
    assert_eq!(v.compensation.pending_changes, 0);

    // A newly found well: surveyed, priced from the household's version (v1: 1,500 元/口).
    let v = desk::add_inventory(&mut t.db, survey(h, "水井", "1")).unwrap();
    let (well, it) = inventory_item(&v, "well");
    assert_eq!(it.formula, "水井 1 口 × 1,500 元/口 = 1,500.00 元");
    assert_eq!(v.compensation.inventory.iter().find(|i| i.id == well).unwrap().surveyor, "李组长");
    // Re-measured, then adjusted with a reason.
    let v = desk::correct_inventory(
        &mut t.db,
        InventoryCorrection { id: well, quantity: Some("2".into()), reason: "复测两口".into() },
    )
    .unwrap();
    assert_eq!(inventory_item(&v, "well").1.amount, 3_000_00);
    let v = desk::adjust_item(
        &mut t.db,
        AdjustInput { item_id: it.id, adjustment: "-500".into(), reason: "一口已废弃".into() },
    )
    .unwrap();
    let adjusted = v.compensation.items.iter().find(|i| i.id == it.id).unwrap();
    assert_eq!(
        (adjusted.amount, adjusted.adjustment, adjusted.adjusted_by.as_deref()),
        (2_500_00, -500_00, Some("李组长"))
    );

    // Confirm everything still estimated, pay the well to the neighbour who dug it.
    let before = desk::summary(&t.db, t.project).unwrap().compensation;
    let v = desk::confirm_household_items(&mut t.db, ConfirmAllInput { household_id: h, on: None }).unwrap();
    let it = v.compensation.items.iter().find(|i| i.id == it.id).unwrap().clone();
    assert_eq!(
        (it.status, it.confirmed_on.map(|d| d.to_string())),
        (PaymentStatus::Confirmed, Some("2022-08-15".into())),
        "the demo's as-of date"
    );
    // Confirmed too early: taken back with a reason, then confirmed again.
    let v =
        desk::unconfirm_item(&mut t.db, UnconfirmInput { item_id: it.id, reason: "权属人未到场核对".into() }).unwrap();
    assert_eq!(v.compensation.items.iter().find(|i| i.id == it.id).unwrap().status, PaymentStatus::Estimated);
    desk::confirm_item(&mut t.db, PaymentInput { item_id: it.id, on: None, voucher_no: String::new() }).unwrap();
    let v = desk::pay(
        &mut t.db,
        PayInput { payee: Some("邻居 王五".into()), amount: Some("2,500.00".into()), ..pay(it.id, None) },
    )
    .unwrap();
    let paid = v.compensation.items.iter().find(|i| i.id == it.id).unwrap();
    assert_eq!(
        (paid.status, paid.payee.as_deref(), paid.voucher_no.as_deref()),
        (PaymentStatus::Paid, Some("邻居 王五"), Some("QM-9"))
    );
    let after = desk::summary(&t.db, t.project).unwrap().compensation;
    assert_eq!(after.paid_fen - before.paid_fen, 2_500_00, "the dashboard's paid total moves");

    // Paying the household's unpaid vegetables takes them off the 净地 list.
    let veg = v
        .compensation
        .items
        .iter()
        .find(|i| i.label.starts_with("蔬菜") && i.status == PaymentStatus::Confirmed)
        .unwrap()
        .id;
    let listed = |t: &TestDb| desk::clearance(&t.db, t.project).unwrap().iter().any(|c| c.id == veg);
    assert!(listed(&t));
    desk::pay(&mut t.db, pay(veg, None)).unwrap();
    assert!(!listed(&t));
}

#[test]
fn every_bad_input_is_refused_by_name_and_changes_nothing() {
    let mut t = with_operator(TestDb::demo());
    let h = t.household("DX4-024").id;
    let signed = t.household("DX4-005").id;
    let v = desk::add_inventory(&mut t.db, survey(h, "well", "1")).unwrap();
    let (_, estimated) = inventory_item(&v, "well");
    let confirmed = v.compensation.items.iter().find(|i| i.status == PaymentStatus::Confirmed).unwrap().id;
    let paid = desk::household(&t.db, signed).unwrap().compensation.items[0].id;
    let latest = desk::standards(&t.db, t.project).unwrap();
    let draft = |on: &str, rules: jingdi::compensation::standards::Rules| StandardDraft {
        project_id: t.project,
        effective_on: on.into(),
        note: String::new(),
        rules,
    };
    let mut zero = latest.draft.clone();
    zero.catalogue[0].price_fen = 0;

    type Call = Box<dyn Fn(&mut jingdi::Db) -> jingdi::Result<()>>;
    let call = |f: Call| f;
    let cases: Vec<(&str, Call, &str)> = vec![
        (
            "negative quantity",
            call(Box::new(move |db| desk::add_inventory(db, survey(h, "蔬菜", "-3")).map(drop))),
            "invalid_field.quantity",
        ),
        (
            "quantity not a number",
            call(Box::new(move |db| desk::add_inventory(db, survey(h, "蔬菜", "三")).map(drop))),
            "invalid_field.quantity",
        ),
        (
            "not in the catalogue",
            call(Box::new(move |db| desk::add_inventory(db, survey(h, "鱼塘", "3")).map(drop))),
            "rule.compensation.unknown_attachment",
        ),
        (
            "correction without reason",
            call(Box::new(move |db| {
                let line = desk::household(db, h)?.compensation.inventory.last().unwrap().id;
                desk::correct_inventory(
                    db,
                    InventoryCorrection { id: line, quantity: Some("2".into()), reason: " ".into() },
                )
                .map(drop)
            })),
            "rule.compensation.correction_needs_reason",
        ),
        (
            "adjustment without reason",
            call(Box::new(move |db| {
                desk::adjust_item(
                    db,
                    AdjustInput { item_id: estimated.id, adjustment: "+100".into(), reason: "".into() },
                )
                .map(drop)
            })),
            "rule.compensation.adjustment_needs_reason",
        ),
        (
            "adjustment not an amount",
            call(Box::new(move |db| {
                desk::adjust_item(
                    db,
                    AdjustInput { item_id: estimated.id, adjustment: "100元整".into(), reason: "补差".into() },
                )
                .map(drop)
            })),
            "invalid_field.adjustment",
        ),
        (
            "adjustment below zero",
            call(Box::new(move |db| {
                desk::adjust_item(
                    db,
                    AdjustInput { item_id: estimated.id, adjustment: "-99999".into(), reason: "补差".into() },
                )
                .map(drop)
            })),
            "invalid_field.adjustment",
        ),
        (
            "adjusting a confirmed item",
            call(Box::new(move |db| {
                desk::adjust_item(db, AdjustInput { item_id: confirmed, adjustment: "1".into(), reason: "补差".into() })
                    .map(drop)
            })),
            "rule.compensation.amount_locked",
        ),
        (
            "taking back a confirmation without reason",
            call(Box::new(move |db| {
                desk::unconfirm_item(db, UnconfirmInput { item_id: confirmed, reason: "".into() }).map(drop)
            })),
            "rule.compensation.unconfirm_needs_reason",
        ),
        (
            "taking back a paid item's confirmation",
            call(Box::new(move |db| {
                desk::unconfirm_item(db, UnconfirmInput { item_id: paid, reason: "误确认".into() }).map(drop)
            })),
            "rule.compensation.paid_locked",
        ),
        (
            "paying an unconfirmed item",
            call(Box::new(move |db| desk::pay(db, pay(estimated.id, None)).map(drop))),
            "rule.compensation.pay_needs_confirmation",
        ),
        (
            "paying more than confirmed",
            call(Box::new(move |db| desk::pay(db, pay(confirmed, Some("99999999"))).map(drop))),
            "rule.compensation.payment_exceeds_confirmed",
        ),
        (
            "paying twice",
            call(Box::new(move |db| desk::pay(db, pay(paid, None)).map(drop))),
            "rule.compensation.paid_locked",
        ),
        (
            "payment date not a date",
            call(Box::new(move |db| {
                desk::pay(db, PayInput { on: Some("2022-02-30".into()), ..pay(confirmed, None) }).map(drop)
            })),
            "invalid_field.paid_on",
        ),
        (
            "agreement amount of a signed household without reason",
            call(Box::new(move |db| {
                desk::set_household_amount(
                    db,
                    AmountInput {
                        household_id: signed,
                        what: HouseholdAmount::Agreement,
                        amount: "1".into(),
                        reason: "".into(),
                    },
                )
                .map(drop)
            })),
            "rule.agreement.locked",
        ),
        (
            "appraisal without basis",
            call(Box::new(move |db| {
                desk::set_household_amount(
                    db,
                    AmountInput {
                        household_id: h,
                        what: HouseholdAmount::Appraisal,
                        amount: "1000000".into(),
                        reason: "".into(),
                    },
                )
                .map(drop)
            })),
            "rule.compensation.appraisal_needs_reason",
        ),
        (
            "a zero catalogue price",
            call(Box::new({
                let d = draft("2022-08-15", zero);
                move |db| desk::publish_standard(db, d.clone()).map(drop)
            })),
            "rule.standards.price_required",
        ),
        (
            "effective date not a date",
            call(Box::new({
                let d = draft("2022-13-01", latest.draft.clone());
                move |db| desk::publish_standard(db, d.clone()).map(drop)
            })),
            "invalid_field.effective_on",
        ),
        (
            "effective before the latest version",
            call(Box::new({
                let d = draft("2022-07-01", latest.draft.clone());
                move |db| desk::publish_standard(db, d.clone()).map(drop)
            })),
            "rule.standards.effective_order",
        ),
    ];
    let before = t.snapshot();
    for (what, f, code) in cases {
        let e = f(&mut t.db).expect_err(what);
        assert_eq!(e.code(), code, "{what}: {e}");
        assert!(!e.to_string().is_empty());
        assert_eq!(t.snapshot(), before, "{what} changed something");
    }
    let e = desk::fairness(&t.db, t.project, Some("五".into())).unwrap_err();
    assert_eq!(e.code(), "invalid_field.threshold");
}

#[test]
fn a_new_project_starts_from_a_blank_catalogue_publishes_and_recalculates() {
    let mut t = with_operator(TestDb::with_households(3));
    let v = desk::standards(&t.db, t.project).unwrap();
    assert!(v.versions.is_empty() && v.in_force_version.is_none());
    assert!(v.draft.catalogue.iter().all(|c| c.price_fen == 0) && v.draft.catalogue.iter().any(|c| c.name == "蔬菜"));
    let h = t.household("H1").id;
    assert!(desk::household(&t.db, h).unwrap().catalogue.is_empty());
    let e =
        desk::recalc_compensation(&mut t.db, RecalcInput { project_id: t.project, household_id: None }).unwrap_err();
    assert_eq!(e.code(), "rule.compensation.no_standard");

    let mut rules = v.draft.clone();
    for (p, fen) in rules.house_prices.iter_mut().zip([8_600_00, 7_000_00, 9_000_00]) {
        p.price_fen = fen;
    }
    for c in &mut rules.catalogue {
        c.price_fen = 20_00;
    }
    rules.relocation_fen = 15_00;
    rules.temp_resettlement_fen = 12_00;
    let v = desk::publish_standard(
        &mut t.db,
        StandardDraft { project_id: t.project, effective_on: "2023-12-01".into(), note: "首次发布".into(), rules },
    )
    .unwrap();
    assert_eq!(v.versions.len(), 1);
    assert_eq!((v.versions[0].standard.version, v.versions[0].standard.published_by.as_str()), (1, "李组长"));
    assert_eq!(v.earliest_effective_on.map(|d| d.to_string()).as_deref(), Some("2023-12-01"));

    let r = desk::recalc_compensation(&mut t.db, RecalcInput { project_id: t.project, household_id: None }).unwrap();
    assert_eq!(r.households, 3);
    assert!(r.created >= 3);
    let v = desk::standards(&t.db, t.project).unwrap();
    assert_eq!(v.versions[0].usage.households, 3);
    assert_eq!(v.versions[0].usage.locked_households, 0);
    let sheet = desk::household(&t.db, h).unwrap().compensation;
    assert_eq!(sheet.standard_version, Some(1));
    assert_eq!(sheet.totals.total_capitals, jingdi::compensation::capitals::capitals(sheet.totals.total_fen));
    assert!(sheet.totals.total_capitals.ends_with('整') || sheet.totals.total_capitals.ends_with('分'));

    // The agreement's amount, set before signing, is checked against the settlement.
    let total = sheet.totals.total_fen;
    let v = desk::set_household_amount(
        &mut t.db,
        AmountInput { household_id: h, what: HouseholdAmount::Agreement, amount: "1".into(), reason: String::new() },
    )
    .unwrap();
    assert_eq!(v.compensation.agreement.agrees, Some(false));
    let exact = jingdi::units::format_hundredths(total);
    let v = desk::set_household_amount(
        &mut t.db,
        AmountInput { household_id: h, what: HouseholdAmount::Agreement, amount: exact, reason: String::new() },
    )
    .unwrap();
    assert_eq!(v.compensation.agreement.agrees, Some(true));
}

#[test]
fn the_dashboards_fairness_list_finds_the_seeded_deviations_at_the_asked_threshold() {
    let t = TestDb::demo();
    let r = desk::fairness(&t.db, t.project, None).unwrap();
    let flagged: Vec<&str> = {
        let mut v: Vec<&str> = r.entries.iter().map(|e| e.household_no.as_str()).collect();
        v.dedup();
        v
    };
    assert_eq!(flagged, ["DX4-001", "DX4-002", "DX4-003", "DX4-016"]);
    assert_eq!(r.threshold_bp, 500);
    // At 50% the 38.68% deviation of DX4-003 is within the threshold.
    let r = desk::fairness(&t.db, t.project, Some("50".into())).unwrap();
    assert!(!r.entries.iter().any(|e| e.household_no == "DX4-003"));
    assert_eq!(r.threshold_bp, 5000);
}
