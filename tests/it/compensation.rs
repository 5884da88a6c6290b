//! Compensation: 大写, every formula against hand-computed figures, rounding, the version
//! rules, the locks, refusals that change nothing, the fairness list and the demo plot.

use crate::{d, TestDb};
use jingdi::compensation::fairness::{fairness, FairnessKind};
use jingdi::compensation::inventory::{self, NewInventoryItem};
use jingdi::compensation::sheet::sheet;
use jingdi::compensation::standards::*;
use jingdi::compensation::{self, calc, capitals::capitals, Payment};
use jingdi::household::{self, Agreement};
use jingdi::report::clearance::{clearance, ClearanceKind};
use jingdi::report::summary::summary;
use jingdi::vocab::*;
use jingdi::Result;
use uuid::Uuid;

#[test]
fn capitals_at_the_edges_and_as_the_rules_write_them() {
    let cases: &[(i64, &str)] = &[
        (0, "零元整"),
        (1, "壹分"),
        (5, "伍分"),
        (50, "伍角"),
        (55, "伍角伍分"),
        (1_00, "壹元整"),
        (1_05, "壹元零伍分"),
        (10_00, "壹拾元整"),
        (20_00, "贰拾元整"),
        (10_50, "壹拾元零伍角"),
        (110_00, "壹佰壹拾元整"),
        (1_010_00, "壹仟零壹拾元整"),
        (100_000_00, "壹拾万元整"),
        (1_000_001_00, "壹佰万零壹元整"),
        (10_010_000_00, "壹仟零壹万元整"),
        (100_010_000_00, "壹亿零壹万元整"),
        (100_000_010_00, "壹亿零壹拾元整"),
        (10_000_000_000_00, "壹佰亿元整"),
        (1_078_440_00, "壹佰零柒万捌仟肆佰肆拾元整"),
        // The examples of the rules for bills and settlement vouchers.
        (1_409_50, "壹仟肆佰零玖元伍角"),
        (6_007_14, "陆仟零柒元壹角肆分"),
        (1_680_32, "壹仟陆佰捌拾元零叁角贰分"),
        (107_000_53, "壹拾万柒仟元零伍角叁分"),
        (325_04, "叁佰贰拾伍元零肆分"),
        (16_409_02, "壹万陆仟肆佰零玖元零贰分"),
        (-10_00, "负壹拾元整"),
    ];
    for (fen, want) in cases {
        assert_eq!(capitals(*fen), *want, "{fen} fen");
    }
    assert_eq!(jingdi::compensation::capitals::with_prefix(10_00), "人民币壹拾元整");
}

#[test]
fn rounding_is_half_up_to_the_fen_once_per_item() {
    // (hundredths, fen per unit, factor) → fen
    let cases: &[(i64, i64, i64, i64)] = &[
        (125_40, 8_600_00, 1, 107_844_000), // 125.40 m² × 8,600 元/m² = 1,078,440.00 元, exact
        (125_41, 12_35, 1, 154_881),        // 1,548.8135 元 → 1,548.81
        (125_05, 50, 1, 6_253),             // 62.525 元 → 62.53 (half up)
        (125_05, 49, 1, 6_127),             // 61.2745 元 → 61.27
        (100_01, 12_35, 6, 741_074),        // 100.01 m² × 12.35 元 × 6 月 = 7,410.741 元 → 7,410.74
        (33, 33, 1, 11),                    // 0.33 × 0.33 元 = 0.1089 元 → 0.11
        (0, 8_600_00, 1, 0),
    ];
    for (q, p, f, want) in cases {
        assert_eq!(calc::mul_round(*q, *p, *f), *want, "{q} × {p} × {f}");
    }
}

/// The standard the table tests use: whole prices where the example needs them,
/// odd ones where rounding shows.
fn rules() -> Rules {
    Rules {
        house_prices: vec![
            StructurePrice { structure: "砖混".into(), price_fen: 8_600_00 },
            StructurePrice { structure: "砖木".into(), price_fen: 3_912_35 },
        ],
        relocation_fen: 15_00,
        temp_resettlement_fen: 12_35,
        temp_months_monetary: 6,
        temp_months_swap: 18,
        signing_tiers: vec![
            IncentiveTier { until: d("2024-01-10"), amount_fen: 50_000_00, label: "前10天签约".into() },
            IncentiveTier { until: d("2024-01-31"), amount_fen: 20_000_00, label: "期限内签约".into() },
        ],
        handover_by: Some(d("2099-12-31")),
        handover_incentive_fen: 10_000_00,
        subsidies: vec![Subsidy { circumstance: "低保".into(), amount_fen: 20_000_00 }],
        minimum_payout_fen: 0,
        catalogue: vec![
            CatalogueItem { code: "vegetables".into(), name: "蔬菜".into(), unit: "m²".into(), price_fen: 12_00 },
            CatalogueItem { code: "fruit_tree".into(), name: "果树".into(), unit: "棵".into(), price_fen: 300_00 },
            CatalogueItem { code: "wall".into(), name: "围墙".into(), unit: "m".into(), price_fen: 80_50 },
        ],
    }
}

fn publish(t: &mut TestDb, on: &str, r: Rules) -> Result<Standard> {
    let p = t.project;
    t.write(|tx| publish_input(tx, p, on, r))
}

fn publish_input(tx: &mut jingdi::oplog::Tx, p: Uuid, on: &str, r: Rules) -> Result<Standard> {
    jingdi::compensation::standards::publish(
        tx,
        p,
        &StandardInput { effective_on: d(on), note: String::new(), rules: r },
    )
}

fn set(t: &mut TestDb, n: &str, field: &str, value: &str) {
    let h = t.household(n).id;
    t.write(|tx| household::set(tx, h, field, value, None)).unwrap();
}

fn agree(t: &mut TestDb, n: &str, on: &str, mode: CompensationMode) {
    let h = t.household(n);
    t.write(|tx| {
        household::record_agreement(
            tx,
            h.id,
            &Agreement {
                agreement_no: format!("XY-{n}"),
                agreement_date: d(on),
                compensation_mode: mode,
                signed_area: h.floor_area,
            },
            None,
        )
    })
    .unwrap();
}

fn survey(t: &mut TestDb, n: &str, code: &str, quantity: i64, owner: Option<&str>) -> Result<Uuid> {
    let h = t.household(n).id;
    t.write(|tx| {
        inventory::add(
            tx,
            h,
            &NewInventoryItem {
                code: code.into(),
                quantity,
                owner: owner.map(str::to_string),
                surveyed_on: Some(d("2024-01-03")),
                surveyor: "丈量组".into(),
                note: String::new(),
            },
        )
    })
}

fn recalc(t: &mut TestDb) -> calc::RecalcReport {
    let p = t.project;
    t.write(|tx| calc::recalc(tx, p, None)).unwrap()
}

fn item(t: &TestDb, n: &str, key: &str) -> compensation::Item {
    compensation::by_calc_key(t.db.conn(), t.household(n).id, key).unwrap().unwrap_or_else(|| panic!("{n} has {key}"))
}

#[test]
fn every_formula_reads_with_its_numbers_and_hand_computed_amount() {
    let mut t = TestDb::with_households(4);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    // H1: the example, monetary, signed in the first tier, 低保.
    set(&mut t, "H1", "floor_area", "125.40");
    set(&mut t, "H1", "special_circumstances", "低保");
    agree(&mut t, "H1", "2024-01-05", CompensationMode::Monetary);
    // H2: 砖木 at an odd price, property swap (two moves, 18 months), signed in the second tier.
    set(&mut t, "H2", "floor_area", "125.41");
    set(&mut t, "H2", "structure", "砖木");
    agree(&mut t, "H2", "2024-01-20", CompensationMode::PropertySwap);
    // H3: a structure without a price, not signed.
    set(&mut t, "H3", "structure", "土木");
    recalc(&mut t);
    survey(&mut t, "H1", "vegetables", 86_50, None).unwrap();
    survey(&mut t, "H1", "果树", 3_00, Some("租户 林阿明")).unwrap();
    survey(&mut t, "H1", "wall", 12_35, None).unwrap();

    let cases: &[(&str, &str, &str, i64)] = &[
        ("H1", calc::KEY_HOUSE, "125.40 m² × 8,600 元/m²(砖混) = 1,078,440.00 元", 1_078_440_00),
        ("H1", calc::KEY_RELOCATION, "125.40 m² × 15 元/m² × 1 次(货币补偿) = 1,881.00 元", 1_881_00),
        ("H1", calc::KEY_TEMP, "125.40 m² × 12.35 元/m²/月 × 6 个月(货币补偿) = 9,292.14 元", 9_292_14),
        ("H1", calc::KEY_SIGNING, "签约日期 2024-01-05 不晚于 2024-01-10(「前10天签约」档)= 50,000.00 元", 50_000_00),
        ("H1", calc::KEY_HANDOVER, "须于 2099-12-31 前腾空交房 = 10,000.00 元", 10_000_00),
        ("H1", "subsidy.低保", "特殊情况「低保」补助 = 20,000.00 元", 20_000_00),
        // 125.41 × 3,912.35 = 490,647.8135 → 490,647.81
        ("H2", calc::KEY_HOUSE, "125.41 m² × 3,912.35 元/m²(砖木) = 490,647.81 元", 490_647_81),
        ("H2", calc::KEY_RELOCATION, "125.41 m² × 15 元/m² × 2 次(产权调换:搬出、搬入各一次) = 3,762.30 元", 3_762_30),
        // 125.41 × 12.35 × 18 = 27,878.6430 → 27,878.64
        ("H2", calc::KEY_TEMP, "125.41 m² × 12.35 元/m²/月 × 18 个月(产权调换) = 27,878.64 元", 27_878_64),
        ("H2", calc::KEY_SIGNING, "签约日期 2024-01-20 不晚于 2024-01-31(「期限内签约」档)= 20,000.00 元", 20_000_00),
    ];
    for (n, key, formula, amount) in cases {
        let i = item(&t, n, key);
        assert_eq!(i.formula, *formula, "{n} {key}");
        assert_eq!((i.amount, i.calculated_amount), (*amount, Some(*amount)), "{n} {key}");
        assert_eq!(i.status, PaymentStatus::Estimated);
        assert_eq!(i.standard_version, Some(1));
    }
    let inv = inventory::for_household(t.db.conn(), t.household("H1").id).unwrap();
    let crops: Vec<(String, i64, Option<String>)> = inv
        .iter()
        .map(|v| item(&t, "H1", &calc::inventory_key(v.id)))
        .map(|i| (i.formula, i.amount, i.payee))
        .collect();
    assert_eq!(
        crops,
        vec![
            ("蔬菜 86.50 m² × 12 元/m² = 1,038.00 元".to_string(), 1_038_00, None),
            ("果树 3 棵 × 300 元/棵 = 900.00 元".to_string(), 900_00, Some("租户 林阿明".to_string())),
            // 12.35 m × 80.50 = 994.175 → 994.18
            ("围墙 12.35 m × 80.50 元/m = 994.18 元".to_string(), 994_18, None),
        ]
    );
    // Totals in figures and capitals; nothing more to recalculate.
    let s = sheet(t.db.conn(), t.household("H1").id).unwrap();
    let total = 1_078_440_00 + 1_881_00 + 9_292_14 + 50_000_00 + 10_000_00 + 20_000_00 + 1_038_00 + 900_00 + 994_18;
    assert_eq!(s.totals.total_fen, total);
    assert_eq!(s.totals.total_figures, "1,172,545.32 元");
    assert_eq!(s.totals.total_capitals, "壹佰壹拾柒万贰仟伍佰肆拾伍元叁角贰分");
    assert_eq!(s.pending_changes, 0);
    assert_eq!(s.items[0].calc_key.as_deref(), Some(calc::KEY_HOUSE), "sheet order starts with the house");
    // H3: no price for its structure is said, not guessed.
    let s3 = sheet(t.db.conn(), t.household("H3").id).unwrap();
    assert!(s3.problems.iter().any(|p| p.contains("土木")), "{:?}", s3.problems);
    assert!(compensation::by_calc_key(t.db.conn(), t.household("H3").id, calc::KEY_HOUSE).unwrap().is_none());
}

#[test]
fn appraisal_floor_and_late_handover() {
    let mut t = TestDb::with_households(3);
    let mut r = rules();
    r.minimum_payout_fen = 900_000_00;
    publish(&mut t, "2023-12-01", r).unwrap();
    set(&mut t, "H1", "floor_area", "20.00");
    let h1 = t.household("H1").id;
    t.write(|tx| compensation::set_appraisal(tx, h1, Some(1_500_000_00), "评估报告 2024-001")).unwrap();
    let house = item(&t, "H1", calc::KEY_HOUSE);
    assert_eq!(house.amount, 1_500_000_00);
    assert!(house.formula.starts_with("评估价值 1,500,000.00 元"), "{}", house.formula);
    // H2: 20 m² falls under the floor: 172,000 + 300 + 1,482 = 173,782.00; topped up to 900,000.
    set(&mut t, "H2", "floor_area", "20.00");
    recalc(&mut t);
    let floor = item(&t, "H2", calc::KEY_MINIMUM);
    assert_eq!(floor.amount, 900_000_00 - 173_782_00);
    assert_eq!(floor.formula, "保底 900,000.00 元 − 已计 173,782.00 元 = 726,218.00 元");
    assert_eq!(sheet(t.db.conn(), t.household("H2").id).unwrap().totals.total_fen, 900_000_00);
    // H3 signs, then hands over after the deadline: no on-time incentive.
    agree(&mut t, "H3", "2024-01-05", CompensationMode::Monetary);
    t.advance("H3", Stage::Vacated);
    let h3 = t.household("H3").id;
    t.write(|tx| calc::recalc_household(tx, h3)).unwrap();
    assert_eq!(item(&t, "H3", calc::KEY_HANDOVER).formula, "2024-01-08 腾空交房,不晚于 2099-12-31 = 10,000.00 元");
    // advance() signs on 2024-01-07 and reaches 已腾空交房 on 2024-01-08; a new version
    // moves the deadline before that.
    let mut r2 = rules();
    r2.handover_by = Some(d("2024-01-07"));
    publish(&mut t, "2023-12-02", r2).unwrap();
    t.write(|tx| calc::recalc_household(tx, h3)).unwrap();
    let handover = item(&t, "H3", calc::KEY_HANDOVER);
    assert_eq!((handover.amount, handover.formula.as_str()), (0, "按现行标准不再适用,金额为零"));
}

#[test]
fn confirmed_households_keep_their_version_others_move_on() {
    let mut t = TestDb::with_households(3);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    recalc(&mut t);
    survey(&mut t, "H1", "vegetables", 10_00, None).unwrap();
    survey(&mut t, "H2", "vegetables", 10_00, None).unwrap();
    let h1 = t.household("H1").id;
    t.write(|tx| compensation::confirm_household(tx, h1, d("2024-01-06"))).unwrap();
    // Version 2 raises the house price and the vegetables.
    let mut r = rules();
    r.house_prices[0].price_fen = 9_000_00;
    r.catalogue[0].price_fen = 15_00;
    let v2 = publish(&mut t, "2023-12-15", r).unwrap();
    assert_eq!(v2.version, 2);
    let rep = recalc(&mut t);
    assert!(rep.locked == 4 && rep.updated >= 3, "H1's four confirmed items kept: {rep:?}");
    assert_eq!(item(&t, "H1", calc::KEY_HOUSE).amount, 860_000_00, "confirmed under v1, kept");
    assert_eq!(item(&t, "H1", calc::KEY_HOUSE).standard_version, Some(1));
    assert_eq!(item(&t, "H2", calc::KEY_HOUSE).amount, 900_000_00, "estimated, moves to v2");
    assert_eq!(item(&t, "H2", calc::KEY_HOUSE).standard_version, Some(2));
    // An attachment surveyed later for the confirmed household is priced by its version.
    let late = survey(&mut t, "H1", "vegetables", 10_00, None).unwrap();
    let late = item(&t, "H1", &calc::inventory_key(late));
    assert_eq!((late.amount, late.standard_version), (120_00, Some(1)));
    assert_eq!(sheet(t.db.conn(), h1).unwrap().standard_version, Some(1));
    // A version not yet in force applies to nobody; an earlier effective date is refused.
    let mut r3 = rules();
    r3.house_prices[0].price_fen = 9_999_00;
    publish(&mut t, "2999-01-01", r3).unwrap();
    recalc(&mut t);
    assert_eq!(item(&t, "H3", calc::KEY_HOUSE).amount, 900_000_00);
    let err = publish(&mut t, "2023-12-10", rules()).unwrap_err();
    assert_eq!(err.code(), "rule.standards.effective_order");
    // A signed household uses the version in force on its agreement date.
    agree(&mut t, "H3", "2023-12-10", CompensationMode::Monetary);
    recalc(&mut t);
    assert_eq!(item(&t, "H3", calc::KEY_HOUSE).standard_version, Some(1));
    // Recalculating again writes nothing.
    let before = t.snapshot();
    let rep = recalc(&mut t);
    assert_eq!((rep.created, rep.updated, rep.voided), (0, 0, 0));
    assert_eq!(t.snapshot(), before);
}

#[test]
fn adjustments_need_a_reason_are_logged_and_survive_recalculation() {
    let mut t = TestDb::with_households(1);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    recalc(&mut t);
    let house = item(&t, "H1", calc::KEY_HOUSE);
    t.write(|tx| compensation::adjust(tx, house.id, -5_000_00, "阁楼面积复核核减")).unwrap();
    let adjusted = compensation::get(t.db.conn(), house.id).unwrap();
    assert_eq!(
        (adjusted.amount, adjusted.adjustment, adjusted.calculated_amount),
        (855_000_00, -5_000_00, Some(860_000_00))
    );
    assert_eq!(adjusted.adjusted_by.as_deref(), Some(crate::AUTHOR));
    let ops = jingdi::oplog::replay::all_ops(t.db.conn()).unwrap();
    let last = ops.last().unwrap();
    assert_eq!((last.entity_id, last.reason.as_deref()), (house.id, Some("阁楼面积复核核减")));
    // A new standard moves the calculated part; the adjustment stays.
    let mut r = rules();
    r.house_prices[0].price_fen = 9_000_00;
    publish(&mut t, "2023-12-15", r).unwrap();
    recalc(&mut t);
    assert_eq!(compensation::get(t.db.conn(), house.id).unwrap().amount, 895_000_00);
    let f = fairness(t.db.conn(), &t.project(), 500, None).unwrap();
    assert!(
        f.entries.iter().any(|e| e.kind == FairnessKind::ManualAdjustment && e.detail.contains("阁楼")),
        "{:?}",
        f.entries
    );
}

#[test]
fn payments_record_date_voucher_payee_and_lock_the_item() {
    let mut t = TestDb::with_households(1);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    let veg = survey(&mut t, "H1", "vegetables", 10_00, Some("邻居 王五")).unwrap();
    let veg = item(&t, "H1", &calc::inventory_key(veg));
    let house = item(&t, "H1", calc::KEY_HOUSE);
    let h = t.household("H1").id;
    t.write(|tx| compensation::confirm_household(tx, h, d("2024-01-06"))).unwrap();
    t.write(|tx| {
        compensation::pay_with(
            tx,
            veg.id,
            &Payment { paid_on: d("2024-01-08"), voucher_no: "QM-1".into(), payee: None, amount_fen: Some(120_00) },
        )
    })
    .unwrap();
    t.write(|tx| compensation::pay(tx, house.id, d("2024-01-08"), "FZ-1")).unwrap();
    let veg = compensation::get(t.db.conn(), veg.id).unwrap();
    assert_eq!(
        (veg.status, veg.paid_on, veg.voucher_no.as_deref(), veg.payee.as_deref()),
        (PaymentStatus::Paid, Some(d("2024-01-08")), Some("QM-1"), Some("邻居 王五"))
    );
    assert_eq!(
        compensation::get(t.db.conn(), house.id).unwrap().payee.as_deref(),
        Some("户主1"),
        "the household head by default"
    );
    // Locked: no second payment, no adjustment, no change of the surveyed quantity.
    let inv = inventory::for_household(t.db.conn(), h).unwrap()[0].id;
    let before = t.snapshot();
    let refusals: Vec<(Result<()>, &str)> = vec![
        (t.write(|tx| compensation::pay(tx, veg.id, d("2024-01-09"), "QM-2")), "rule.compensation.paid_locked"),
        (t.write(|tx| compensation::adjust(tx, house.id, 1_00, "补差")), "rule.compensation.amount_locked"),
        (t.write(|tx| inventory::set_quantity(tx, inv, 20_00, "复测")), "rule.compensation.inventory_locked"),
        (t.write(|tx| inventory::withdraw(tx, inv, "误录")), "rule.compensation.inventory_locked"),
    ];
    for (r, code) in refusals {
        assert_eq!(r.unwrap_err().code(), code);
    }
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_confirmation_is_taken_back_only_before_payment_and_with_a_reason() {
    let mut t = TestDb::with_households(1);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    recalc(&mut t);
    let house = item(&t, "H1", calc::KEY_HOUSE);
    let relocation = item(&t, "H1", calc::KEY_RELOCATION);
    let h = t.household("H1").id;
    t.write(|tx| compensation::confirm_household(tx, h, d("2024-01-06"))).unwrap();
    t.write(|tx| compensation::pay(tx, relocation.id, d("2024-01-08"), "FZ-1")).unwrap();
    let before = t.snapshot();
    for (id, reason, code) in [
        (house.id, " ", "rule.compensation.unconfirm_needs_reason"),
        (relocation.id, "误确认", "rule.compensation.paid_locked"),
    ] {
        assert_eq!(t.write(|tx| compensation::unconfirm(tx, id, reason)).unwrap_err().code(), code);
        assert_eq!(t.snapshot(), before);
    }
    t.write(|tx| compensation::unconfirm(tx, house.id, "协议重新谈判，面积待复核")).unwrap();
    let it = compensation::get(t.db.conn(), house.id).unwrap();
    assert_eq!((it.status, it.confirmed_on), (PaymentStatus::Estimated, None));
    let e = t.write(|tx| compensation::unconfirm(tx, house.id, "再撤销")).unwrap_err();
    assert_eq!(e.code(), "rule.compensation.not_confirmed");
    // The reason is in the log; the item can be adjusted and confirmed again.
    let log = jingdi::oplog::replay::all_ops(t.db.conn()).unwrap();
    assert_eq!(log.last().unwrap().reason.as_deref(), Some("协议重新谈判，面积待复核"));
    t.write(|tx| compensation::adjust(tx, house.id, -100_00, "面积复核核减")).unwrap();
    t.write(|tx| compensation::confirm(tx, house.id, d("2024-01-10"))).unwrap();
    assert_eq!(compensation::get(t.db.conn(), house.id).unwrap().status, PaymentStatus::Confirmed);
}

#[test]
fn bad_input_is_refused_by_rule_and_changes_nothing() {
    type Step = fn(&mut TestDb) -> Result<()>;
    let zero_price: Step = |t| {
        let mut r = rules();
        r.catalogue[1].price_fen = 0;
        publish(t, "2023-12-05", r).map(|_| ())
    };
    let zero_house: Step = |t| {
        let mut r = rules();
        r.relocation_fen = 0;
        publish(t, "2023-12-05", r).map(|_| ())
    };
    let tiers_backwards: Step = |t| {
        let mut r = rules();
        r.signing_tiers.reverse();
        publish(t, "2023-12-05", r).map(|_| ())
    };
    let cases: &[(&str, Step, &str)] = &[
        ("negative quantity", |t| survey(t, "H1", "vegetables", -5_00, None).map(|_| ()), "invalid_field.quantity"),
        ("zero quantity", |t| survey(t, "H1", "vegetables", 0, None).map(|_| ()), "invalid_field.quantity"),
        (
            "unknown attachment",
            |t| survey(t, "H1", "鱼塘", 1_00, None).map(|_| ()),
            "rule.compensation.unknown_attachment",
        ),
        ("zero unit price in the catalogue", zero_price, "rule.standards.price_required"),
        ("zero relocation price", zero_house, "rule.standards.price_required"),
        ("tiers out of order", tiers_backwards, "rule.standards.tier_order"),
        (
            "payment larger than confirmed",
            |t| {
                let i = item(t, "H1", calc::KEY_RELOCATION).id;
                t.write(|tx| {
                    compensation::pay_with(
                        tx,
                        i,
                        &Payment {
                            paid_on: d("2024-01-08"),
                            voucher_no: "X".into(),
                            payee: None,
                            amount_fen: Some(1_500_01),
                        },
                    )
                })
            },
            "rule.compensation.payment_exceeds_confirmed",
        ),
        (
            "payment smaller than confirmed",
            |t| {
                let i = item(t, "H1", calc::KEY_RELOCATION).id;
                t.write(|tx| {
                    compensation::pay_with(
                        tx,
                        i,
                        &Payment {
                            paid_on: d("2024-01-08"),
                            voucher_no: "X".into(),
                            payee: None,
                            amount_fen: Some(1_00),
                        },
                    )
                })
            },
            "rule.compensation.partial_payment",
        ),
        (
            "payment on an unconfirmed item",
            |t| {
                let i = item(t, "H2", calc::KEY_HOUSE).id;
                t.write(|tx| compensation::pay(tx, i, d("2024-01-08"), "X"))
            },
            "rule.compensation.pay_needs_confirmation",
        ),
        (
            "adjustment without a reason",
            |t| {
                let i = item(t, "H2", calc::KEY_HOUSE).id;
                t.write(|tx| compensation::adjust(tx, i, 1_000_00, "  "))
            },
            "rule.compensation.adjustment_needs_reason",
        ),
        (
            "adjustment below zero",
            |t| {
                let i = item(t, "H2", calc::KEY_RELOCATION).id;
                t.write(|tx| compensation::adjust(tx, i, -1_500_01, "核减"))
            },
            "invalid_field.adjustment",
        ),
        (
            "setting a calculated amount directly",
            |t| {
                let i = item(t, "H2", calc::KEY_HOUSE).id;
                t.write(|tx| compensation::set_amount(tx, i, 1))
            },
            "rule.compensation.calculated_amount",
        ),
        (
            "agreement amount changed after signing without reason",
            |t| {
                let h = t.household("H3").id;
                t.write(|tx| compensation::set_agreement_amount(tx, h, Some(1), None))
            },
            "rule.agreement.locked",
        ),
        (
            "appraisal without its basis",
            |t| {
                let h = t.household("H2").id;
                t.write(|tx| compensation::set_appraisal(tx, h, Some(1_000_000_00), ""))
            },
            "rule.compensation.appraisal_needs_reason",
        ),
        (
            "correction without a reason",
            |t| {
                let h = t.household("H2").id;
                let inv = inventory::for_household(t.db.conn(), h)?[0].id;
                t.write(|tx| inventory::set_quantity(tx, inv, 2_00, ""))
            },
            "rule.compensation.correction_needs_reason",
        ),
    ];
    for (what, step, code) in cases {
        let mut t = TestDb::with_households(3);
        publish(&mut t, "2023-12-01", rules()).unwrap();
        recalc(&mut t);
        survey(&mut t, "H2", "vegetables", 1_00, None).unwrap();
        let h1 = t.household("H1").id;
        t.write(|tx| compensation::confirm_household(tx, h1, d("2024-01-06"))).unwrap();
        t.advance("H3", Stage::Signed);
        let before = t.snapshot();
        let err = step(&mut t).expect_err(what);
        assert_eq!(err.code(), *code, "{what}: {err}");
        assert!(!err.to_string().is_empty());
        assert_eq!(t.snapshot(), before, "{what} changed the database");
    }
    // No standard published: nothing to calculate from, said so.
    let mut t = TestDb::with_households(1);
    let p = t.project;
    assert_eq!(t.write(|tx| calc::recalc(tx, p, None)).unwrap_err().code(), "rule.compensation.no_standard");
}

#[test]
fn agreement_amount_must_agree_with_the_settlement() {
    let mut t = TestDb::with_households(2);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    recalc(&mut t);
    let (h1, h2) = (t.household("H1").id, t.household("H2").id);
    let total = sheet(t.db.conn(), h1).unwrap().totals.total_fen;
    t.write(|tx| compensation::set_agreement_amount(tx, h1, Some(total), None)).unwrap();
    t.write(|tx| compensation::set_agreement_amount(tx, h2, Some(total + 1), None)).unwrap();
    assert_eq!(sheet(t.db.conn(), h1).unwrap().agreement.agrees, Some(true));
    let a2 = sheet(t.db.conn(), h2).unwrap().agreement;
    assert_eq!((a2.agrees, a2.difference_fen), (Some(false), Some(1)));
    let f = fairness(t.db.conn(), &t.project(), 500, None).unwrap();
    let flagged: Vec<(&str, FairnessKind)> = f.entries.iter().map(|e| (e.household_no.as_str(), e.kind)).collect();
    assert_eq!(flagged, vec![("H2", FairnessKind::AgreementMismatch)]);
}

#[test]
fn the_demo_has_calculated_items_and_the_fairness_list_finds_the_seeded_deviations() {
    let mut t = TestDb::demo();
    let p = t.project();
    let mut calculated = 0;
    for h in household::list(t.db.conn(), p.id).unwrap() {
        let s = sheet(t.db.conn(), h.id).unwrap();
        assert!(
            s.items.iter().any(|i| i.calc_key.as_deref() == Some(calc::KEY_HOUSE)),
            "{} has a house value",
            h.number
        );
        assert_eq!(s.pending_changes, 0, "{} is up to date", h.number);
        assert!(s.problems.is_empty(), "{}: {:?}", h.number, s.problems);
        for i in s.items.iter().filter(|i| !i.is_manual()) {
            calculated += 1;
            let calc = i.calculated_amount.unwrap();
            assert!(
                i.formula.ends_with(&format!("= {}", jingdi::units::format_yuan(calc)))
                    || i.formula.starts_with("评估价值"),
                "{}: {}",
                h.number,
                i.formula
            );
            assert_eq!(i.amount, calc + i.adjustment);
            assert!(i.standard_version.is_some());
        }
        assert_eq!(s.totals.total_capitals, capitals(s.totals.total_fen));
        assert!(s.agreement.agreement_amount_fen.is_some());
    }
    assert!(calculated > 600, "{calculated}");
    // Households signed after version 2 took effect use it; earlier ones kept version 1.
    let versions: std::collections::BTreeSet<i64> = household::list(t.db.conn(), p.id)
        .unwrap()
        .iter()
        .filter_map(|h| sheet(t.db.conn(), h.id).unwrap().standard_version)
        .collect();
    assert_eq!(versions.into_iter().collect::<Vec<_>>(), vec![1, 2]);

    let f = fairness(t.db.conn(), &p, jingdi::compensation::fairness::DEFAULT_THRESHOLD_BP, None).unwrap();
    let kinds: std::collections::BTreeSet<FairnessKind> = f.entries.iter().map(|e| e.kind).collect();
    for k in [
        FairnessKind::PerM2Deviation,
        FairnessKind::ManualAdjustment,
        FairnessKind::ManualItem,
        FairnessKind::IncentiveOutsideTier,
        FairnessKind::AgreementMismatch,
    ] {
        assert!(kinds.contains(&k), "{k:?} in {:?}", f.entries);
    }
    assert!(
        f.households_flagged >= 4 && f.households_flagged <= 6,
        "a few households, not the plot: {}",
        f.households_flagged
    );
    assert_eq!(f.households_checked, 120);
    // Each flag carries its facts as values (the app words them in its language); the
    // sentence is those facts in Chinese, and the amounts agree with them.
    use jingdi::compensation::fairness::FairnessFacts as F;
    for e in &f.entries {
        assert_eq!(e.detail, e.facts.zh());
        match (&e.kind, &e.facts) {
            (FairnessKind::PerM2Deviation, F::PerM2 { deviation_bp, .. }) => {
                assert_eq!(Some(*deviation_bp), e.deviation_bp)
            }
            (FairnessKind::ManualAdjustment, F::Adjusted { adjustment_fen, .. }) => {
                assert_eq!(Some(*adjustment_fen), e.amount_fen)
            }
            (FairnessKind::ManualItem, F::Manual { amount_fen, .. }) => assert_eq!(Some(*amount_fen), e.amount_fen),
            (FairnessKind::IncentiveOutsideTier, F::Incentive { .. } | F::HandoverLate { .. }) => {}
            (FairnessKind::AgreementMismatch, F::Agreement { agreement_fen, settlement_fen }) => {
                assert_eq!(Some(agreement_fen - settlement_fen), e.amount_fen)
            }
            (k, facts) => panic!("{k:?} with {facts:?}"),
        }
    }
    // The appraised household deviates by about 38%: gone at a 50% threshold.
    let loose = fairness(t.db.conn(), &p, 5_000, None).unwrap();
    assert!(!loose.entries.iter().any(|e| e.kind == FairnessKind::PerM2Deviation));

    // The vegetables of unpaid households stand in the 净地 list, crops first, until paid;
    // paying one moves the dashboard's figures.
    let items = clearance(t.db.conn(), &p, None).unwrap();
    let unpaid: Vec<_> = items.iter().filter(|i| i.kind == ClearanceKind::UnpaidCompensation).collect();
    let veg: Vec<_> = unpaid.iter().filter(|i| i.title.ends_with("：蔬菜")).collect();
    assert!(veg.len() >= 5, "{veg:?}");
    assert!(unpaid.iter().take(veg.len()).all(|i| i.detail.starts_with(CompensationKind::Crops.zh())));
    let first = veg[0];
    let before = summary(t.db.conn(), &p, None).unwrap().compensation;
    t.write(|tx| compensation::pay(tx, first.id, d("2022-08-16"), "QM-2022-01")).unwrap();
    let after = summary(t.db.conn(), &p, None).unwrap().compensation;
    assert_eq!(after.paid_fen - before.paid_fen, first.amount_fen.unwrap());
    assert_eq!(before.unpaid_confirmed_fen - after.unpaid_confirmed_fen, first.amount_fen.unwrap());
    assert!(!clearance(t.db.conn(), &p, None).unwrap().iter().any(|i| i.id == first.id));
}

// ------------------------------------------------------------------ the CLI

use crate::cli::Cli;

#[test]
fn cli_recalc_show_fairness_and_refusals_on_the_demo() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let r = c.json(&["compensation", "recalc"]);
    assert_eq!((r["households"].as_i64(), r["created"].as_i64(), r["updated"].as_i64()), (Some(120), Some(0), Some(0)));
    let text = c.ok(&["compensation", "show", "DX4-001"]);
    for needle in [
        "房屋价值补偿",
        "元/m²(",
        "[标准第 2 版]",
        "合计（小写）：",
        "合计（大写）：人民币",
        "手工录入",
        "与结算合计一致",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
    let s = c.json(&["compensation", "show", "DX4-001"]);
    assert_eq!(s["totals"]["total_capitals"].as_str().unwrap(), capitals(s["totals"]["total_fen"].as_i64().unwrap()));
    assert!(s["items"].as_array().unwrap().iter().all(|i| i["status"] == "paid"));
    let f = c.json(&["compensation", "fairness"]);
    let kinds: Vec<&str> = f["entries"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for k in ["per_m2_deviation", "manual_adjustment", "manual_item", "incentive_outside_tier", "agreement_mismatch"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    assert!(c.ok(&["compensation", "fairness", "--threshold", "50"]).contains("阈值 50%"));

    // An estimated item to refuse a payment on.
    c.ok(&[
        "compensation",
        "add",
        "--household",
        "DX4-005",
        "--kind",
        "other",
        "--label",
        "误工补贴",
        "--amount",
        "300",
    ]);
    let bad_standard = c.dir.path().join("bad.json");
    let mut std_json =
        serde_json::to_value(StandardInput { effective_on: d("2022-08-01"), note: String::new(), rules: rules() })
            .unwrap();
    std_json["rules"]["relocation_fen"] = 0.into();
    std::fs::write(&bad_standard, std_json.to_string()).unwrap();
    let before = c.ok(&["dump"]);
    let cases: &[(&[&str], &str)] = &[
        (
            &["compensation", "inventory", "add", "--household", "DX4-005", "--item", "蔬菜", "--quantity", "-3"],
            "invalid_field.quantity",
        ),
        (
            &["compensation", "inventory", "add", "--household", "DX4-005", "--item", "鱼塘", "--quantity", "3"],
            "rule.compensation.unknown_attachment",
        ),
        (
            &["payment", "record", "--household", "DX4-005", "--kind", "house_value", "--amount", "99999999"],
            "rule.compensation.paid_locked",
        ),
        (
            &["payment", "record", "--household", "DX4-005", "--kind", "other", "--label", "误工补贴"],
            "rule.compensation.pay_needs_confirmation",
        ),
        (
            &["compensation", "adjust", "--household", "DX4-005", "--kind", "relocation", "--by", "-100"],
            "rule.compensation.adjustment_needs_reason",
        ),
        (
            &[
                "compensation",
                "adjust",
                "--household",
                "DX4-005",
                "--kind",
                "relocation",
                "--by",
                "-100",
                "--reason",
                "核减",
            ],
            "rule.compensation.amount_locked",
        ),
        (&["compensation", "agreement-amount", "--household", "DX4-005", "--amount", "1"], "rule.agreement.locked"),
        (
            &["compensation", "unconfirm", "--household", "DX4-024", "--kind", "crops", "--label", "果树"],
            "rule.compensation.unconfirm_needs_reason",
        ),
        (
            &["compensation", "unconfirm", "--household", "DX4-005", "--kind", "house_value", "--reason", "误确认"],
            "rule.compensation.paid_locked",
        ),
        (
            &["compensation", "standards", "publish", "--file", bad_standard.to_str().unwrap()],
            "rule.standards.price_required",
        ),
        (&["compensation", "show", "DX4-999"], "DX4-999"),
        (&["compensation", "fairness", "--threshold", "abc"], "invalid_field.threshold"),
    ];
    for (args, needle) in cases {
        let o = c.run(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: «{err}» should mention {needle}");
    }
    assert_eq!(c.ok(&["dump"]), before, "refused commands changed the database");
    // A payment larger than confirmed, on a confirmed item.
    c.ok(&[
        "compensation",
        "confirm",
        "--household",
        "DX4-005",
        "--kind",
        "other",
        "--label",
        "误工补贴",
        "--on",
        "2022-08-15",
    ]);
    let o = c.run(&[
        "payment",
        "record",
        "--household",
        "DX4-005",
        "--kind",
        "other",
        "--label",
        "误工补贴",
        "--amount",
        "300.01",
    ]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("rule.compensation.payment_exceeds_confirmed"));
    c.ok(&[
        "payment",
        "record",
        "--household",
        "DX4-005",
        "--kind",
        "other",
        "--label",
        "误工补贴",
        "--amount",
        "300",
        "--voucher",
        "WG-1",
        "--payee",
        "代领人 张三",
    ]);
    let paid = c.json(&["compensation", "list", "--household", "DX4-005"]);
    assert!(paid
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["label"] == "误工补贴" && i["payee"] == "代领人 张三" && i["voucher_no"] == "WG-1"));
    assert_eq!(c.json(&["verify"])["consistent"], true);
}

#[test]
fn cli_from_an_empty_project_to_a_settlement_sheet() {
    let c = Cli::new();
    c.ok(&["project-add", "--code", "P1", "--name", "试点地块", "--opens", "2024-01-01", "--deadline", "2024-01-31"]);
    c.ok(&["group", "add", "--name", "一组", "--leader", "组长甲"]);
    c.ok(&[
        "household",
        "add",
        "--number",
        "1",
        "--head",
        "张三",
        "--group",
        "一组",
        "--floor-area",
        "125.40",
        "--structure",
        "砖混",
    ]);
    let file = c.dir.path().join("standards.json");
    let input = StandardInput { effective_on: d("2023-12-01"), note: "试点方案".into(), rules: rules() };
    std::fs::write(&file, serde_json::to_string_pretty(&input).unwrap()).unwrap();
    let v = c.json(&["compensation", "standards", "publish", "--file", file.to_str().unwrap()]);
    assert_eq!(v["version"], 1);
    assert!(c.ok(&["compensation", "standards", "show"]).contains("蔬菜(vegetables) 12 元/m²"));
    c.ok(&[
        "compensation",
        "inventory",
        "add",
        "--household",
        "1",
        "--item",
        "vegetables",
        "--quantity",
        "86.5",
        "--surveyor",
        "丈量组",
        "--surveyed-on",
        "2024-01-02",
    ]);
    let r = c.json(&["compensation", "recalc"]);
    assert_eq!(r["created"], 0, "the inventory already calculated the household");
    let text = c.ok(&["compensation", "show", "1"]);
    assert!(text.contains("125.40 m² × 8,600 元/m²(砖混) = 1,078,440.00 元"), "{text}");
    assert!(text.contains("蔬菜 86.50 m² × 12 元/m² = 1,038.00 元"), "{text}");
    c.ok(&[
        "compensation",
        "adjust",
        "--household",
        "1",
        "--kind",
        "house_value",
        "--by",
        "-440",
        "--reason",
        "面积复核",
    ]);
    let s = c.json(&["compensation", "show", "1"]);
    let house = s["items"].as_array().unwrap().iter().find(|i| i["calc_key"] == "house_value").unwrap().clone();
    assert_eq!((house["amount"].as_i64(), house["adjustment"].as_i64()), (Some(1_078_000_00), Some(-440_00)));
    c.ok(&["compensation", "confirm-all", "--household", "1", "--on", "2024-01-05"]);
    let f = c.json(&["compensation", "fairness"]);
    assert_eq!(f["entries"][0]["kind"], "manual_adjustment");
    assert_eq!(c.json(&["verify"])["consistent"], true);
}

#[test]
fn the_per_m2_threshold_is_exact() {
    // H1: 100.00 m² 砖混. Standard: 860,000 + 1,500 + 7,410 = 868,910.00 元; 5% of it is
    // 43,445.50 元. An appraisal that far off is not flagged; one fen more is.
    for (value, flagged) in [(903_445_50, false), (903_445_51, true), (816_554_50, false), (816_554_49, true)] {
        let mut t = TestDb::with_households(1);
        publish(&mut t, "2023-12-01", rules()).unwrap();
        let h = t.household("H1").id;
        t.write(|tx| compensation::set_appraisal(tx, h, Some(value), "评估报告")).unwrap();
        let f = fairness(t.db.conn(), &t.project(), 500, None).unwrap();
        let hit = f.entries.iter().find(|e| e.kind == FairnessKind::PerM2Deviation);
        assert_eq!(hit.is_some(), flagged, "{value}: {:?}", f.entries);
        if let Some(e) = hit {
            assert_eq!(e.amount_fen.unwrap().abs(), 43_445_51);
        }
    }
}

#[test]
fn items_created_twice_on_two_laptops_converge_on_recalculation() {
    let mut t = TestDb::with_households(1);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    recalc(&mut t);
    let h = t.household("H1");
    let total = sheet(t.db.conn(), h.id).unwrap().totals.total_fen;
    // What a second laptop's recalculation would have created, merged in.
    let house = item(&t, "H1", calc::KEY_HOUSE);
    t.write(|tx| {
        let id = tx.new_id();
        let f = jingdi::oplog::Fields::new()
            .set("household_id", h.id.to_string())
            .set("kind", "house_value")
            .set("label", "房屋价值补偿")
            .set("amount", house.amount)
            .set("status", "estimated")
            .set("calc_key", calc::KEY_HOUSE)
            .set("formula", house.formula.as_str())
            .set("standard_id", house.standard_id.unwrap().to_string())
            .set("calculated_amount", house.amount)
            .set("adjustment", 0);
        tx.create(jingdi::oplog::Entity::CompensationItem, id, Some(h.project_id), f)
    })
    .unwrap();
    assert_eq!(sheet(t.db.conn(), h.id).unwrap().pending_changes, 1);
    let rep = recalc(&mut t);
    assert_eq!(rep.voided, 1);
    let s = sheet(t.db.conn(), h.id).unwrap();
    assert_eq!((s.totals.total_fen, s.pending_changes), (total, 0));
    assert_eq!(
        item(&t, "H1", calc::KEY_HOUSE).id,
        house.id.min(
            s.items.iter().filter(|i| i.calc_key.as_deref() == Some(calc::KEY_HOUSE)).map(|i| i.id).max().unwrap()
        )
    );
}

#[test]
fn stale_figures_are_recalculated_before_confirmation_and_deadlines_count() {
    let mut t = TestDb::with_households(2);
    let mut r = rules();
    r.handover_by = Some(d("2024-02-15"));
    publish(&mut t, "2023-12-01", r.clone()).unwrap();
    recalc(&mut t);
    // A new version: the estimate on file is out of date and is not confirmed as it stands.
    r.house_prices[0].price_fen = 9_000_00;
    publish(&mut t, "2023-12-15", r).unwrap();
    let house = item(&t, "H1", calc::KEY_HOUSE);
    let before = t.snapshot();
    let err = t.write(|tx| compensation::confirm(tx, house.id, d("2024-01-06"))).unwrap_err();
    assert_eq!(err.code(), "rule.compensation.recalc_first");
    let h1 = t.household("H1").id;
    assert_eq!(
        t.write(|tx| compensation::confirm_household(tx, h1, d("2024-01-06"))).unwrap_err().code(),
        "rule.compensation.recalc_first"
    );
    assert_eq!(t.snapshot(), before);
    recalc(&mut t);
    t.write(|tx| compensation::confirm(tx, house.id, d("2024-01-06"))).unwrap();
    assert_eq!(compensation::get(t.db.conn(), house.id).unwrap().amount, 900_000_00);
    // H2 signs but has not handed over, and the handover deadline (2024-02-15) has passed:
    // no on-time incentive.
    agree(&mut t, "H2", "2024-01-05", CompensationMode::Monetary);
    recalc(&mut t);
    let h2 = t.household("H2").id;
    assert!(compensation::by_calc_key(t.db.conn(), h2, calc::KEY_HANDOVER).unwrap().is_none());
    assert!(compensation::by_calc_key(t.db.conn(), h2, calc::KEY_SIGNING).unwrap().is_some());
}

/// A plot of 2,000 households: recalculation creates every item once, a second run changes
/// nothing, and the fairness list checks every household. (Correctness at scale; speed
/// figures belong in benchmarks, not here.)
#[test]
fn recalc_sheet_and_fairness_on_2000_households() {
    let mut t = TestDb::with_households(2000);
    publish(&mut t, "2023-12-01", rules()).unwrap();
    let p = t.project;
    let r = t.write(|tx| calc::recalc(tx, p, None)).unwrap();
    let again = t.write(|tx| calc::recalc(tx, p, None)).unwrap();
    let f = fairness(t.db.conn(), &t.project(), 500, None).unwrap();
    let s = sheet(t.db.conn(), t.household("H1999").id).unwrap();
    assert_eq!((r.created, again.created + again.updated, f.households_checked), (6000, 0, 2000));
    assert!(s.totals.total_fen > 0);
}
