//! Rules two laptops break together: review items listed with the conflicts, the same on
//! every laptop, settled by a new operation.

use crate::sync::{join, send};
use crate::{d, TestDb};
use jingdi::compensation::{self, Payment};
use jingdi::obstacle::{self, NewObstacle};
use jingdi::oplog::replay::dump;
use jingdi::sync::conflicts::{self, Conflict, Decision};
use jingdi::vocab::{CompensationKind, ObstacleCategory, ObstacleStatus, PaymentStatus, Stage};
use uuid::Uuid;

fn reviews(t: &TestDb, all: bool) -> Vec<Conflict> {
    conflicts::list(t.db.conn(), t.project, all).unwrap().into_iter().filter(|c| c.rule.is_some()).collect()
}

fn decide(t: &mut TestDb, key: &str, decision: &Decision) -> jingdi::Result<()> {
    let p = t.project;
    t.write(|tx| conflicts::resolve(tx, p, key, decision))
}

fn rules(t: &TestDb) -> Vec<String> {
    let mut r: Vec<String> = reviews(t, false).into_iter().map(|c| c.field).collect();
    r.sort();
    r
}

/// An item of 50,000.00 元 of household H1, confirmed on both laptops before they part.
fn confirmed_item() -> (TestDb, TestDb, Uuid) {
    let mut office = TestDb::with_households(2);
    let h = office.household("H1").id;
    let item = office
        .write(|tx| compensation::add(tx, h, CompensationKind::Incentive, "按期签约奖励", 5_000_000, ""))
        .unwrap();
    office.write(|tx| compensation::confirm(tx, item, d("2024-02-01"))).unwrap();
    let leader = join(&office);
    (office, leader, item)
}

#[test]
fn a_payment_and_a_taken_back_confirmation_are_listed_once_on_both_laptops_and_settled_by_keeping_one() {
    let (mut office, mut leader, item) = confirmed_item();
    // The office pays; the leader, not knowing, takes the confirmation back and lowers the amount.
    office
        .write(|tx| {
            compensation::pay_with(
                tx,
                item,
                &Payment { paid_on: d("2024-02-03"), voucher_no: "PZ-7".into(), payee: None, amount_fen: None },
            )
        })
        .unwrap();
    leader.write(|tx| compensation::unconfirm(tx, item, "户主对金额有异议")).unwrap();
    leader.write(|tx| compensation::set_amount(tx, item, 4_500_000)).unwrap();

    let r1 = send(&leader, &mut office);
    assert_eq!(r1.violations, 2, "the payment against the un-confirmation and against the new amount");
    let r2 = send(&office, &mut leader);
    assert_eq!(r2.violations, 2);
    assert_eq!(dump(office.db.conn()).unwrap(), dump(leader.db.conn()).unwrap());
    let expected = vec!["rule.compensation.amount_locked".to_string(), "rule.compensation.paid_locked".to_string()];
    assert_eq!(rules(&office), expected);
    assert_eq!(rules(&leader), expected);
    // Listed once: importing again finds nothing new.
    let again = send(&leader, &mut office);
    assert_eq!((again.new_operations, again.violations), (0, 0));
    assert_eq!(reviews(&office, true).len(), 2);

    let paid = reviews(&office, false).into_iter().find(|c| c.field == "rule.compensation.paid_locked").unwrap();
    let m = paid.message.clone().unwrap();
    for part in ["户 H1", "按期签约奖励", "登记支付", "PZ-7", "撤销确认", "rule.compensation.paid_locked"]
    {
        assert!(m.contains(part), "{part} missing from: {m}");
    }
    assert_eq!(paid.household_no.as_deref(), Some("H1"));
    assert_eq!(paid.a.device_id, office.db.device_id(), "side a: the payment the rule holds against");
    assert_eq!(paid.b.device_id, leader.db.device_id());
    assert_eq!(paid.a.value["status"], "paid");

    // Refusals change nothing: a new value for a rule, an unknown key.
    let before = office.snapshot();
    let e = decide(&mut office, &paid.key, &Decision::Value("1".into()));
    assert_eq!(e.unwrap_err().code(), "rule.sync.conflict_value");
    let e = decide(&mut office, "x:y:rule.compensation.paid_locked", &Decision::Keep('a'));
    assert_eq!(e.unwrap_err().code(), "not_found");
    assert_eq!(office.snapshot(), before);

    // The money left: the office keeps the payment. The item is back as the office left it.
    decide(&mut office, &paid.key, &Decision::Keep('a')).unwrap();
    let it = compensation::get(office.db.conn(), item).unwrap();
    assert_eq!(
        (it.status, it.amount, it.confirmed_on, it.voucher_no.as_deref()),
        (PaymentStatus::Paid, 5_000_000, Some(d("2024-02-01")), Some("PZ-7"))
    );
    // One decision that has seen both sides settles every item of the record, here and, after
    // the next exchange, on the other laptop; the field conflict on the status too.
    assert!(reviews(&office, false).is_empty());
    assert!(conflicts::list(office.db.conn(), office.project, false).unwrap().is_empty());
    let before = office.snapshot();
    let e = decide(&mut office, &paid.key, &Decision::Keep('b'));
    assert_eq!(e.unwrap_err().code(), "rule.sync.conflict_resolved");
    assert_eq!(office.snapshot(), before);
    send(&office, &mut leader);
    assert!(conflicts::list(leader.db.conn(), leader.project, false).unwrap().is_empty());
    assert_eq!(reviews(&leader, true).len(), 2, "settled items stay listed with --all");
    assert_eq!(dump(office.db.conn()).unwrap(), dump(leader.db.conn()).unwrap());
}

#[test]
fn a_confirmation_against_a_new_amount_is_listed_and_the_same_step_twice_is_not() {
    let mut office = TestDb::with_households(1);
    let h = office.household("H1").id;
    let item = office.write(|tx| compensation::add(tx, h, CompensationKind::Other, "搬家费", 300_000, "")).unwrap();
    let mut leader = join(&office);
    office.write(|tx| compensation::confirm(tx, item, d("2024-02-01"))).unwrap();
    leader.write(|tx| compensation::set_amount(tx, item, 350_000)).unwrap();
    send(&leader, &mut office);
    send(&office, &mut leader);
    assert_eq!(rules(&office), vec!["rule.compensation.amount_locked".to_string()]);
    assert_eq!(rules(&leader), rules(&office));
    // Keeping the leader's side: the item is back to 测算 at the new amount.
    let key = reviews(&leader, false)[0].key.clone();
    decide(&mut leader, &key, &Decision::Keep('b')).unwrap();
    let it = compensation::get(leader.db.conn(), item).unwrap();
    assert_eq!((it.status, it.amount, it.confirmed_on), (PaymentStatus::Estimated, 350_000, None));

    // Both confirm the same item on the same day: nothing to review, nothing in conflict.
    let item2 = office.write(|tx| compensation::add(tx, h, CompensationKind::Other, "过渡费", 100_000, "")).unwrap();
    send(&office, &mut leader);
    office.write(|tx| compensation::confirm(tx, item2, d("2024-03-01"))).unwrap();
    leader.write(|tx| compensation::confirm(tx, item2, d("2024-03-01"))).unwrap();
    let r = send(&leader, &mut office);
    assert_eq!((r.violations, r.conflicts), (0, 0));
}

fn blocking_obstacle(t: &mut TestDb, household: Option<Uuid>, blocks: Stage) -> Uuid {
    let p = t.project;
    t.write(|tx| {
        obstacle::add(
            tx,
            p,
            &NewObstacle {
                title: "违章搭建未认定".into(),
                category: ObstacleCategory::Demolition,
                household,
                responsible_unit: "城管中队".into(),
                responsible_person: String::new(),
                raised_on: d("2024-02-01"),
                due_on: None,
                blocks_stage: Some(blocks),
            },
        )
    })
    .unwrap()
}

#[test]
fn an_obstacle_opened_while_the_household_was_demolished_elsewhere_is_listed_and_settled() {
    let mut office = TestDb::with_households(3);
    office.advance("H1", Stage::Vacated);
    office.advance("H2", Stage::Vacated);
    let mut leader = join(&office);
    let h1 = office.household("H1").id;
    // The office opens an obstacle blocking H1's demolition and one for the whole plot; the
    // leader, not knowing, records 已拆除 for H1 and H2.
    let own = blocking_obstacle(&mut office, Some(h1), Stage::Demolished);
    let plot = blocking_obstacle(&mut office, None, Stage::Demolished);
    let today = chrono::Local::now().date_naive();
    for no in ["H1", "H2"] {
        let h = leader.household(no).id;
        leader.write(|tx| jingdi::stage::set(tx, h, Stage::Demolished, today, None)).unwrap();
    }
    let r = send(&office, &mut leader);
    assert_eq!(r.violations, 3, "H1 against both obstacles, H2 against the plot's");
    let r = send(&leader, &mut office);
    assert_eq!(r.violations, 3);
    let mut listed: Vec<(String, Uuid)> =
        reviews(&office, false).into_iter().map(|c| (c.household_no.unwrap(), c.a.operation)).collect();
    listed.sort();
    assert_eq!(listed.len(), 3);
    assert_eq!(rules(&office), vec!["rule.stage.blocked_by_obstacle".to_string(); 3]);
    assert_eq!(rules(&leader), rules(&office));
    let item = reviews(&office, false).into_iter().find(|c| c.household_no.as_deref() == Some("H2")).unwrap();
    let m = item.message.unwrap();
    for part in ["户 H2", "违章搭建未认定", "已拆除", "rule.stage.blocked_by_obstacle"] {
        assert!(m.contains(part), "{part} missing from: {m}");
    }
    assert_eq!(item.a.device_id, office.db.device_id());
    assert_eq!(item.b.device_id, leader.db.device_id());

    // Keep the demolition of H2: the plot's obstacle is resolved, which settles both of its
    // items (H1's and H2's); keep the obstacle for H1: H1 goes back to 已腾空交房.
    decide(&mut office, &item.key, &Decision::Keep('b')).unwrap();
    assert_eq!(obstacle::get(office.db.conn(), plot).unwrap().status, ObstacleStatus::Resolved);
    let left = reviews(&office, false);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].a.operation, listed.iter().find(|(_, o)| *o != item.a.operation).unwrap().1);
    let _ = own;
    decide(&mut office, &left[0].key, &Decision::Keep('a')).unwrap();
    assert_eq!(office.household("H1").stage, Stage::Vacated);
    assert!(reviews(&office, false).is_empty());
    send(&office, &mut leader);
    assert!(reviews(&leader, false).is_empty());
    assert_eq!(reviews(&leader, true).len(), 3);
    assert_eq!(dump(office.db.conn()).unwrap(), dump(leader.db.conn()).unwrap());
}

#[test]
fn a_reopened_obstacle_is_listed_and_one_blocking_another_stage_is_not() {
    let mut office = TestDb::with_households(1);
    office.advance("H1", Stage::Vacated);
    let o = blocking_obstacle(&mut office, None, Stage::Demolished);
    office.write(|tx| obstacle::resolve(tx, o, "已认定", d("2024-02-02"))).unwrap();
    let mut leader = join(&office);
    let h = leader.household("H1").id;
    let today = chrono::Local::now().date_naive();
    // The leader demolishes knowing the obstacle resolved; the office, not knowing, reopens
    // it and opens another that blocks signing (which H1 is past).
    leader.write(|tx| jingdi::stage::set(tx, h, Stage::Demolished, today, None)).unwrap();
    office.write(|tx| obstacle::reopen(tx, o, "认定被撤销")).unwrap();
    blocking_obstacle(&mut office, None, Stage::Signed);
    let r = send(&leader, &mut office);
    assert_eq!(r.violations, 1);
    let items = reviews(&office, false);
    assert!(items[0].message.as_deref().unwrap().contains("重新打开了问题"), "{:?}", items[0].message);
    send(&office, &mut leader);
    assert_eq!(rules(&leader), vec!["rule.stage.blocked_by_obstacle".to_string()]);
}

/// As people run it: two laptops from the demo, apart for a day, through a sync folder with
/// the `jingdi` command: the office pays an item and opens an obstacle; the leader, not
/// knowing, takes the item's confirmation back and records the household's demolition.
#[test]
fn cli_rules_broken_together_are_listed_and_decided_through_a_sync_folder() {
    use crate::cli::Cli;
    let (office, leader) = (Cli::new(), Cli::new());
    let share = office.dir.path().join("U盘");
    let share = share.to_str().unwrap();
    for (c, name) in [(&office, "街道办公室"), (&leader, "二组组长笔记本")] {
        c.ok(&["demo"]);
        c.ok(&["sync", "name", name]);
    }
    let item = ["--household", "DX4-024", "--kind", "crops", "--label", "果树"];
    office.ok(&[&["payment", "record", "--voucher", "PZ-0815", "--on", "2022-08-15"][..], &item[..]].concat());
    leader.ok(&[&["compensation", "unconfirm", "--reason", "果树棵数复核"][..], &item[..]].concat());
    office.ok(&[
        "obstacle",
        "add",
        "--title",
        "墙体鉴定未完成",
        "--category",
        "demolition",
        "--household",
        "DX4-009",
        "--unit",
        "住建局",
        "--blocks",
        "demolished",
    ]);
    leader.ok(&["stage", "set", "--household", "DX4-009", "--to", "demolished", "--on", "2022-08-15"]);

    office.ok(&["sync", "folder", share]);
    let r = leader.json(&["sync", "folder", share]);
    assert_eq!(r["imported"][0]["violations"], 2, "{r}");
    let text = office.ok(&["sync", "folder", share]);
    assert!(text.contains("违反规则待审核 2 处"), "{text}");
    assert_eq!(office.dump(), leader.dump(), "converged");

    for c in [&office, &leader] {
        let items: Vec<serde_json::Value> =
            c.json(&["conflicts"]).as_array().unwrap().iter().filter(|c| !c["rule"].is_null()).cloned().collect();
        let mut rules: Vec<&str> = items.iter().map(|i| i["rule"].as_str().unwrap()).collect();
        rules.sort();
        assert_eq!(rules, ["rule.compensation.paid_locked", "rule.stage.blocked_by_obstacle"]);
        let paid = items.iter().find(|i| i["rule"] == "rule.compensation.paid_locked").unwrap();
        assert_eq!(paid["household_no"], "DX4-024");
        let m = paid["message"].as_str().unwrap();
        for part in ["户 DX4-024", "果树", "PZ-0815", "撤销确认", "电脑「二组组长笔记本」"] {
            assert!(m.contains(part), "{part} missing from: {m}");
        }
        let blocked = items.iter().find(|i| i["rule"] == "rule.stage.blocked_by_obstacle").unwrap();
        let m = blocked["message"].as_str().unwrap();
        for part in ["户 DX4-009", "墙体鉴定未完成", "已拆除"] {
            assert!(m.contains(part), "{part} missing from: {m}");
        }
    }
    let listed = office.ok(&["conflicts"]);
    assert!(listed.contains("[rule.stage.blocked_by_obstacle] 户 DX4-009"), "{listed}");

    // The office decides: the payment stands (side a), the demolition stands (side b). A new
    // value is refused for a rule, and changes nothing.
    let items = office.json(&["conflicts"]);
    let key = |rule: &str| {
        items.as_array().unwrap().iter().find(|i| i["rule"] == rule).unwrap()["key"].as_str().unwrap().to_string()
    };
    let before = office.dump();
    let (_, err) = office.refused(&["conflicts", "resolve", &key("rule.compensation.paid_locked"), "--value", "1"]);
    assert!(err.contains("保留其中一方"), "{err}");
    assert_eq!(office.dump(), before);
    office.ok(&["conflicts", "resolve", &key("rule.compensation.paid_locked"), "--keep", "a"]);
    office.ok(&["conflicts", "resolve", &key("rule.stage.blocked_by_obstacle"), "--keep", "b"]);
    let paid = office.json(&["compensation", "list", "--household", "DX4-024"]);
    let tree = paid.as_array().unwrap().iter().find(|i| i["label"] == "果树").unwrap();
    assert_eq!(tree["status"], "paid");
    assert!(office.json(&["obstacle", "list"]).as_array().unwrap().iter().all(|o| o["title"] != "墙体鉴定未完成"));
    office.ok(&["sync", "folder", share]);
    leader.ok(&["sync", "folder", share]);
    assert_eq!(office.dump(), leader.dump());
    for c in [&office, &leader] {
        assert!(c.json(&["conflicts"]).as_array().unwrap().iter().all(|i| i["rule"].is_null()));
        let all = c.json(&["conflicts", "--all"]);
        assert_eq!(all.as_array().unwrap().iter().filter(|i| !i["rule"].is_null()).count(), 2);
    }
}
