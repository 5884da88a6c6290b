//! Several laptops: bundles, merge, conflicts, bad bundles, and random offline histories.

use crate::{d, TestDb};
use jingdi::oplog::replay::{all_ops, dump};
use jingdi::oplog::Op;
use jingdi::sync::bundle::{self, Bundle};
use jingdi::sync::conflicts::{self, Decision};
use jingdi::sync::{export, merge::import, Scope};
use jingdi::visit::NewVisit;
use jingdi::vocab::Stage;
use jingdi::Db;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// A second laptop that joined `base`'s project through a full bundle.
pub(crate) fn join(base: &TestDb) -> TestDb {
    let mut t = TestDb::empty();
    let file = base.dir.path().join(format!("join-{}.jdb", t.db.device_id()));
    export(&base.db, &base.project(), &file, Scope::Full).unwrap();
    let r = import(&mut t.db, &file).unwrap();
    assert!(r.joined);
    t.project = base.project;
    t
}

/// Sends `from`'s unseen operations to `to`; falls back to a full bundle when `to` lacks
/// what a partial bundle assumes (as a user would when told so).
pub(crate) fn send(from: &TestDb, to: &mut TestDb) -> jingdi::sync::merge::ImportReport {
    let file = from.dir.path().join("out.jdb");
    export(&from.db, &from.project(), &file, Scope::Unseen).unwrap();
    match import(&mut to.db, &file) {
        Ok(r) => r,
        Err(e) if e.code() == "bundle.gap" => {
            export(&from.db, &from.project(), &file, Scope::Full).unwrap();
            import(&mut to.db, &file).unwrap()
        }
        Err(e) => panic!("import failed: {e}"),
    }
}

fn conflict_pairs(db: &Db) -> BTreeSet<(String, String, String)> {
    let mut stmt =
        db.conn().prepare("SELECT op_a, op_b, field FROM sync_conflicts WHERE field NOT LIKE 'rule.%'").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// The review items of rules (op_a the side the rule holds against, op_b the other, the rule).
fn violation_pairs(db: &Db) -> BTreeSet<(String, String, String)> {
    let mut stmt = db.conn().prepare("SELECT op_a, op_b, field FROM sync_conflicts WHERE field LIKE 'rule.%'").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect()
}

/// Every pair of operations on the same record and field, from different devices, neither
/// written by a laptop that held the other, with different values: what the conflict list
/// must hold. `held_when_written` is the simulation's own record of which operations the
/// writing laptop held when it wrote each one (not `Op::has_seen`, the detector's own test,
/// which the oracle would only agree with). An operation missing from it (the shared start)
/// was held by everyone before anything else was written.
fn expected_conflicts(
    ops: &[Op],
    held_when_written: &HashMap<Uuid, HashSet<Uuid>>,
) -> BTreeSet<(String, String, String)> {
    let saw = |a: &Op, b: &Op| held_when_written.get(&a.id).is_some_and(|held| held.contains(&b.id));
    let mut out = BTreeSet::new();
    for (i, a) in ops.iter().enumerate() {
        for b in &ops[i + 1..] {
            if a.entity_id != b.entity_id || a.device_id == b.device_id || saw(a, b) || saw(b, a) {
                continue;
            }
            for f in a.fields.0.keys().filter(|k| b.fields.0.get(*k).is_some_and(|v| *v != a.fields.0[*k])) {
                let (x, y) = if a.id < b.id { (a, b) } else { (b, a) };
                out.insert((x.id.to_string(), y.id.to_string(), f.clone()));
            }
        }
    }
    out
}

/// Every pair of operations written on two laptops, neither holding the other (the
/// simulation's record again), that breaks a rule together, stated from the rules table
/// (ARCHITECTURE.md), not from the code that finds them:
/// - two updates of one compensation item: a payment against anything another laptop did to
///   it (taking the confirmation back, paying again with other details: `paid_locked`;
///   confirming: `confirm_once`; a new amount: `amount_locked`), a confirmation against a new
///   amount (`amount_locked`); the item's side a is the payment, else the confirmation (of two
///   payments, the first in replay order);
/// - an obstacle operation after which the obstacle, as its laptop had it, blocks a stage it
///   did not block before, against a forward move of a household it concerns to that stage
///   (`stage.blocked_by_obstacle`), side a the obstacle's.
fn expected_violations(
    ops: &[Op],
    held_when_written: &HashMap<Uuid, HashSet<Uuid>>,
) -> BTreeSet<(String, String, String)> {
    use jingdi::oplog::{Action, Entity};
    let saw = |a: &Op, b: &Op| held_when_written.get(&a.id).is_some_and(|held| held.contains(&b.id));
    let apart = |a: &Op, b: &Op| a.device_id != b.device_id && !saw(a, b) && !saw(b, a);
    let text = |o: &Op, k: &str| o.fields.0.get(k).and_then(|v| v.as_str()).map(str::to_string);
    // 3 paid, 2 confirmed, 1 back to 测算, 0 a new amount.
    let step = |o: &Op| match text(o, "status").as_deref() {
        Some("paid") => Some(3),
        Some("confirmed") => Some(2),
        Some("estimated") => Some(1),
        _ => o.fields.0.contains_key("amount").then_some(0),
    };
    let mut out = BTreeSet::new();
    let mut add = |a: &Op, b: &Op, rule: &str| {
        out.insert((a.id.to_string(), b.id.to_string(), format!("rule.{rule}")));
    };
    for (i, x) in ops.iter().enumerate() {
        for y in &ops[i + 1..] {
            if x.entity != Entity::CompensationItem || x.entity_id != y.entity_id || !apart(x, y) {
                continue;
            }
            if x.action != Action::Update || y.action != Action::Update || x.fields == y.fields {
                continue;
            }
            let (Some(sx), Some(sy)) = (step(x), step(y)) else { continue };
            let (a, sa, b, sb) = if sx >= sy { (x, sx, y, sy) } else { (y, sy, x, sx) };
            match (sa, sb) {
                (3, 3) | (3, 1) => add(a, b, "compensation.paid_locked"),
                (3, 2) => add(a, b, "compensation.confirm_once"),
                (3 | 2, 0) => add(a, b, "compensation.amount_locked"),
                _ => {}
            }
        }
    }
    // An obstacle as a laptop had it after the operations it held: (open, household, stage).
    let obstacle = |id: Uuid, upto: &Op, with_it: bool| -> Option<(bool, Option<String>, Option<String>)> {
        let mut f: std::collections::BTreeMap<String, serde_json::Value> = Default::default();
        for o in ops.iter().filter(|o| o.entity_id == id && ((with_it && o.id == upto.id) || saw(upto, o))) {
            f.extend(o.fields.0.clone());
        }
        let s = |k: &str| f.get(k).and_then(|v| v.as_str()).map(str::to_string);
        Some((s("status")? != "resolved", s("household_id"), s("blocks_stage")))
    };
    for a in ops.iter().filter(|o| o.entity == Entity::Obstacle) {
        for b in ops.iter().filter(|o| o.entity == Entity::StageEvent) {
            let (Some(h), Some(from), Some(to)) = (text(b, "household_id"), text(b, "from_stage"), text(b, "to_stage"))
            else {
                continue;
            };
            let rank = |s: &str| Stage::ALL.iter().position(|x| x.id() == s).unwrap();
            if rank(&to) <= rank(&from) || !apart(a, b) {
                continue;
            }
            let blocks = |st: Option<(bool, Option<String>, Option<String>)>| {
                st.is_some_and(|(open, hh, stage)| {
                    open && stage.as_deref() == Some(to.as_str()) && hh.is_none_or(|x| x == h)
                })
            };
            if blocks(obstacle(a.entity_id, a, true)) && !blocks(obstacle(a.entity_id, a, false)) {
                add(a, b, "stage.blocked_by_obstacle");
            }
        }
    }
    out
}

pub(crate) fn set_phone(t: &mut TestDb, no: &str, phone: &str) {
    let h = t.household(no).id;
    t.write(|tx| jingdi::household::set(tx, h, "phone", phone, None)).unwrap();
}

pub(crate) fn visit(t: &mut TestDb, no: &str, text: &str) {
    let h = t.household(no).id;
    t.write(|tx| jingdi::visit::add(tx, h, &NewVisit { outcome: text.into(), ..Default::default() })).unwrap();
}

#[test]
fn two_laptops_converge_with_one_conflict_to_review() {
    let mut office = TestDb::with_households(5);
    let mut leader = join(&office);
    assert_eq!(dump(leader.db.conn()).unwrap(), dump(office.db.conn()).unwrap());
    // A week apart: visits on both, the same phone edited on both, an obstacle resolved on one.
    visit(&mut office, "H1", "办公室电话回访");
    visit(&mut leader, "H2", "组长上门");
    visit(&mut leader, "H3", "组长上门");
    set_phone(&mut office, "H4", "13911110000");
    set_phone(&mut leader, "H4", "13922220000");
    set_phone(&mut leader, "H5", "13933330000");
    let p = office.project;
    let o = office
        .write(|tx| {
            jingdi::obstacle::add(
                tx,
                p,
                &jingdi::obstacle::NewObstacle {
                    title: "杆线".into(),
                    category: jingdi::vocab::ObstacleCategory::Poles,
                    household: None,
                    responsible_unit: "供电公司".into(),
                    responsible_person: String::new(),
                    raised_on: d("2024-01-02"),
                    due_on: None,
                    blocks_stage: None,
                },
            )
        })
        .unwrap();
    office.write(|tx| jingdi::obstacle::resolve(tx, o, "已迁移", d("2024-01-03"))).unwrap();

    let r1 = send(&leader, &mut office);
    assert_eq!((r1.visits, r1.changes, r1.conflicts), (2, 2, 1));
    assert_eq!(r1.from_devices.keys().copied().collect::<Vec<_>>(), vec![leader.db.device_id()]);
    let r2 = send(&office, &mut leader);
    assert_eq!((r2.visits, r2.conflicts), (1, 1));
    assert_eq!(dump(leader.db.conn()).unwrap(), dump(office.db.conn()).unwrap(), "both laptops show the same state");
    for t in [&office, &leader] {
        let cs = conflicts::list(t.db.conn(), t.project, false).unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].field, "phone");
        assert_eq!(cs[0].household_no.as_deref(), Some("H4"));
        let values: BTreeSet<String> =
            [&cs[0].a.value, &cs[0].b.value].iter().map(|v| v.as_str().unwrap().to_string()).collect();
        assert_eq!(values, ["13911110000", "13922220000"].iter().map(|s| s.to_string()).collect());
    }
    // Deciding on one laptop settles it on both once they exchange again.
    let key = conflicts::list(office.db.conn(), office.project, false).unwrap()[0].key.clone();
    office.write(|tx| conflicts::resolve(tx, p, &key, &Decision::Value("13900009999".into()))).unwrap();
    assert!(conflicts::list(office.db.conn(), p, false).unwrap().is_empty());
    assert_eq!(conflicts::list(office.db.conn(), p, true).unwrap().len(), 1, "kept, marked settled");
    send(&office, &mut leader);
    assert!(conflicts::list(leader.db.conn(), p, false).unwrap().is_empty());
    assert_eq!(leader.household("H4").phone, "13900009999");
    assert_eq!(dump(leader.db.conn()).unwrap(), dump(office.db.conn()).unwrap());
    // The losing value is still in the log.
    let ops = all_ops(leader.db.conn()).unwrap();
    assert!(ops.iter().any(|o| o.fields.0.get("phone") == Some(&serde_json::json!("13911110000"))));
    assert!(ops.iter().any(|o| o.fields.0.get("phone") == Some(&serde_json::json!("13922220000"))));
}

#[test]
fn importing_the_same_bundle_twice_changes_nothing() {
    let mut a = TestDb::with_households(2);
    let mut b = join(&a);
    visit(&mut a, "H1", "x");
    let file = a.dir.path().join("a.jdb");
    export(&a.db, &a.project(), &file, Scope::Full).unwrap();
    let first = import(&mut b.db, &file).unwrap();
    assert_eq!(first.new_operations, 1);
    let snap = b.snapshot();
    let again = import(&mut b.db, &file).unwrap();
    assert_eq!((again.new_operations, again.conflicts), (0, 0));
    assert_eq!(b.snapshot(), snap);
    // A laptop importing its own bundle back: nothing new either.
    let mine = import(&mut a.db, &file).unwrap();
    assert_eq!(mine.new_operations, 0);
    // The merge is committed when import returns, whatever the background checkpoint is
    // doing: another connection sees it, and so does the file reopened after closing.
    let other = Db::open(b.path()).unwrap();
    assert_eq!(jingdi::oplog::replay::dump(other.conn()).unwrap(), snap.0);
    drop(other);
    let path = b.path();
    let TestDb { db, dir, .. } = b;
    drop(db);
    assert_eq!(jingdi::oplog::replay::dump(Db::open(&path).unwrap().conn()).unwrap(), snap.0);
    drop(dir);
}

/// Two laptops gave one natural key to two different records offline: `b`'s import of
/// `a`'s bundle is refused, naming the key and the command that fixes it, and changes
/// nothing; once `fix` corrects it on `b`, both laptops merge and agree.
fn clash_is_refused_then_fixed(a: &mut TestDb, b: &mut TestDb, named: &[&str], fix: impl FnOnce(&mut TestDb)) {
    let file = a.dir.path().join("a.jdb");
    export(&a.db, &a.project(), &file, Scope::Unseen).unwrap();
    let before = b.snapshot();
    let e = import(&mut b.db, &file).unwrap_err();
    assert_eq!(e.code(), "bundle.rule_broken");
    let text = e.to_string();
    assert!(named.iter().all(|n| text.contains(n)), "should name {named:?}: {text}");
    assert_eq!(b.snapshot(), before, "nothing written");
    fix(b);
    send(a, b);
    send(b, a);
    assert_eq!(a.snapshot().0, b.snapshot().0);
}

#[test]
fn one_number_given_out_on_two_laptops_is_named_then_fixed_by_renumbering() {
    let mut a = TestDb::with_households(2);
    let mut b = join(&a);
    let register = |t: &mut TestDb, head: &str| {
        let p = t.project;
        let nh = jingdi::household::NewHousehold {
            number: "H9".into(),
            head_name: head.into(),
            group: "一组".into(),
            members_count: 1,
            ..Default::default()
        };
        t.write(|tx| jingdi::household::register(tx, p, &nh)).unwrap()
    };
    register(&mut a, "张三");
    let theirs = register(&mut b, "李四");
    clash_is_refused_then_fixed(&mut a, &mut b, &["户号「H9」", "更正户号", "household set"], |b| {
        // Renumbering needs a reason and a free number.
        let renumber = |t: &mut TestDb, to: &str, reason: Option<&str>| {
            t.write(|tx| jingdi::household::set(tx, theirs, "户号", to, reason))
        };
        assert_eq!(renumber(b, "H9-2", None).unwrap_err().code(), "rule.household.renumber_needs_reason");
        assert_eq!(renumber(b, "H1", Some("重号")).unwrap_err().code(), "already_exists");
        renumber(b, "H9-2", Some("与另一台电脑重号")).unwrap();
    });
    assert_eq!(a.household("H9").head_name, "张三");
    assert_eq!(a.household("H9-2").head_name, "李四");
}

#[test]
fn one_pole_label_given_out_on_two_laptops_is_named_then_fixed_by_relabelling() {
    use jingdi::plot_work;
    use jingdi::vocab::PoleKind;
    let mut a = TestDb::with_households(1);
    let mut b = join(&a);
    let p = a.project;
    a.write(|tx| plot_work::add_pole(tx, p, "DL-7", PoleKind::Power, "供电公司", "东侧")).unwrap();
    let theirs = b.write(|tx| plot_work::add_pole(tx, p, "DL-7", PoleKind::Telecom, "电信", "西侧")).unwrap();
    clash_is_refused_then_fixed(&mut a, &mut b, &["杆线编号「DL-7」", "pole relabel"], |b| {
        b.write(|tx| plot_work::relabel_pole(tx, theirs, "DL-8", Some("与另一台电脑重号"))).unwrap();
    });
    assert_eq!(plot_work::find_pole(a.db.conn(), p, "DL-7").unwrap().location, "东侧");
    assert_eq!(plot_work::find_pole(a.db.conn(), p, "DL-8").unwrap().location, "西侧");
}

#[test]
fn one_group_name_given_out_on_two_laptops_is_named_then_fixed_by_renaming() {
    let mut a = TestDb::with_households(1);
    let mut b = join(&a);
    let p = a.project;
    a.write(|tx| jingdi::project::add_group(tx, p, "三组", None, &[])).unwrap();
    b.write(|tx| jingdi::project::add_group(tx, p, "三组", None, &[])).unwrap();
    clash_is_refused_then_fixed(&mut a, &mut b, &["动迁组名称「三组」", "group rename"], |b| {
        b.write(|tx| jingdi::project::rename_group(tx, p, "三组", "三组（西）", Some("与另一台电脑重名"))).unwrap();
    });
    let names: BTreeSet<String> =
        jingdi::project::groups(a.db.conn(), p).unwrap().into_iter().map(|g| g.name).collect();
    assert!(names.contains("三组") && names.contains("三组（西）"), "{names:?}");
}

#[test]
fn the_same_days_site_log_from_two_laptops_is_one_record_with_its_differences_listed() {
    let mut a = TestDb::with_households(3);
    let mut b = join(&a);
    let day = crate::d("2024-02-01");
    let log = |t: &mut TestDb, machines: i64, notes: &str| {
        let p = t.project;
        t.write(|tx| jingdi::plot_work::log_demolition_day(tx, p, day, machines, 12, &[], notes)).unwrap()
    };
    let from_a = log(&mut a, 3, "东区");
    let from_b = log(&mut b, 4, "东区");
    assert_eq!(from_a, from_b, "one id for the day on every laptop");
    send(&a, &mut b);
    send(&b, &mut a);
    assert_eq!(a.snapshot().0, b.snapshot().0);
    let logs: i64 =
        a.db.conn()
            .query_row("SELECT count(*) FROM demolition_logs WHERE log_date = '2024-02-01'", [], |r| r.get(0))
            .unwrap();
    assert_eq!(logs, 1);
    // The machines differ: one conflict to review, on both laptops; the equal fields none.
    let fields: Vec<String> = conflict_pairs(&a.db).into_iter().map(|(_, _, f)| f).collect();
    assert_eq!(fields, ["machines"]);
    assert_eq!(conflict_pairs(&a.db), conflict_pairs(&b.db));
}

#[test]
fn local_clock_moves_past_what_it_merged() {
    let mut a = TestDb::with_households(1);
    let mut b = join(&a);
    visit(&mut a, "H1", "x");
    send(&a, &mut b);
    set_phone(&mut b, "H1", "13955556666");
    let ops = all_ops(b.db.conn()).unwrap();
    let mine = ops.iter().rfind(|o| o.device_id == b.db.device_id()).unwrap();
    assert!(ops.iter().filter(|o| o.device_id != b.db.device_id()).all(|o| o.hlc < mine.hlc));
    assert!(mine
        .context
        .get(&a.db.device_id())
        .is_some_and(|s| *s == ops.iter().filter(|o| o.device_id == a.db.device_id()).map(|o| o.seq).max().unwrap()));
}

/// Signs every operation of the bundle again with `key`, chaining each device's operations
/// anew: what a device that really wrote the edited operations would have sent. Lets a
/// test reach the checks behind the signature check (tests/it/signing.rs covers that one).
pub(crate) fn resign(b: &mut Bundle, key: &jingdi::oplog::signing::SigningKey) {
    use jingdi::oplog::signing;
    let devices: BTreeSet<uuid::Uuid> = b.ops.iter().map(|o| o.device_id).collect();
    for d in devices {
        let mut idx: Vec<usize> = (0..b.ops.len()).filter(|&i| b.ops[i].device_id == d).collect();
        idx.sort_by_key(|&i| b.ops[i].seq);
        let mut prev: Option<(i64, String)> = None;
        for i in idx {
            let op = &mut b.ops[i];
            if let Some((seq, h)) = &prev {
                if *seq == op.seq - 1 {
                    op.prev = Some(h.clone());
                }
            }
            signing::sign(key, op);
            prev = Some((op.seq, signing::hash(op)));
        }
    }
}

/// This test installation's signing key (every `TestDb` shares the default home).
pub(crate) fn test_key(t: &TestDb) -> jingdi::oplog::signing::SigningKey {
    t.db.installation().unwrap().signing_key().clone()
}

pub(crate) fn rewrite(path: &Path, name: &str, f: impl FnOnce(&mut Bundle)) -> PathBuf {
    let mut b = bundle::read(path).unwrap();
    f(&mut b);
    let out = path.with_file_name(format!("{name}.jdb"));
    bundle::write(&out, b.header, &b.ops).unwrap();
    out
}

#[test]
fn bad_bundles_are_refused_and_change_nothing() {
    let mut a = TestDb::with_households(2);
    let mut b = join(&a);
    visit(&mut a, "H1", "原始记录");
    set_phone(&mut a, "H2", "13977778888");
    let good = a.dir.path().join("good.jdb");
    export(&a.db, &a.project(), &good, Scope::Full).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let dir = a.dir.path();
    let write = |name: &str, data: &[u8]| -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, data).unwrap();
        p
    };
    let other = TestDb::with_households(1); // another project with the same code "T1"
    let other_file = dir.join("other.jdb");
    export(&other.db, &other.project(), &other_file, Scope::Full).unwrap();
    let mut flipped = bytes.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x5a;
    let known_op =
        all_ops(b.db.conn()).unwrap().into_iter().find(|o| o.entity == jingdi::oplog::Entity::Household).unwrap();
    let key = test_key(&a);
    let cases: Vec<(&str, PathBuf, &str)> = vec![
        ("truncated", write("truncated.jdb", &bytes[..bytes.len() * 2 / 3]), "bundle.damaged"),
        ("a flipped byte", write("flipped.jdb", &flipped), "bundle."),
        ("not a bundle at all", write("junk.jdb", &[7u8; 5000]), "bundle.not_a_bundle"),
        ("empty file", write("empty.jdb", b""), "bundle.not_a_bundle"),
        ("missing file", dir.join("nope.jdb"), "bundle.unreadable"),
        ("another project", other_file.clone(), "bundle.other_project"),
        ("a newer schema", rewrite(&good, "edited1", |b| b.header.schema_version = 99), "bundle.schema_too_new"),
        (
            "an operation the recipient holds, moved to an unused sequence number",
            rewrite(&good, "edited3b", |b| {
                let held = b.ops.iter_mut().find(|o| o.id == known_op.id).unwrap();
                held.seq = 1_000_000;
            }),
            // The sequence number is signed: the signature check refuses it first.
            "bundle.bad_signature",
        ),
        (
            "two operations under one sequence number",
            rewrite(&good, "edited3c", |b| {
                let n = b.ops.len();
                b.ops[n - 1].seq = b.ops[n - 2].seq;
            }),
            "bundle.tampered",
        ),
        (
            "a visit without a value the table requires",
            rewrite(&good, "edited3d", |b| {
                let v = b.ops.iter_mut().find(|o| o.entity == jingdi::oplog::Entity::Visit).unwrap();
                v.fields.put("kind", serde_json::Value::Null);
            }),
            "bundle.invalid_value",
        ),
        (
            "a visit for a household that exists nowhere",
            rewrite(&good, "edited4", |b| {
                let v = b.ops.iter_mut().find(|o| o.entity == jingdi::oplog::Entity::Visit).unwrap();
                v.fields.put("household_id", uuid::Uuid::now_v7().to_string());
                resign(b, &key);
            }),
            "bundle.broken_reference",
        ),
        (
            "a column the entity does not have",
            rewrite(&good, "edited5", |b| {
                b.ops.last_mut().unwrap().fields.put("secret", 1);
            }),
            "bundle.invalid_operation",
        ),
        (
            "an operation of another project inside",
            rewrite(&good, "edited6", |b| b.ops.last_mut().unwrap().project_id = Some(uuid::Uuid::now_v7())),
            "bundle.other_project",
        ),
        (
            "a partial bundle the recipient cannot join with",
            rewrite(&good, "edited7", |b| {
                b.header.full = false;
                b.header.project_id = uuid::Uuid::now_v7();
                b.header.project_code = "T9".into();
                for o in &mut b.ops {
                    o.project_id = Some(b.header.project_id);
                }
            }),
            "bundle.not_joined",
        ),
        (
            "a partial bundle that skips what the recipient lacks",
            rewrite(&good, "edited8", |b| {
                b.header.full = false;
                b.header.since.insert(b.header.sender_device, 1_000);
            }),
            "bundle.gap",
        ),
    ];
    for (name, file, code) in cases {
        let before = b.snapshot();
        let err = import(&mut b.db, &file).err().unwrap_or_else(|| panic!("{name}: should be refused"));
        assert!(err.code().starts_with(code), "{name}: {} {err}", err.code());
        assert!(err.to_string().contains(&file.display().to_string()), "{name}: names the file: {err}");
        assert_eq!(b.snapshot(), before, "{name}: nothing written");
        assert!(conflict_pairs(&b.db).is_empty());
    }
    // The good bundle still goes in afterwards.
    assert_eq!(import(&mut b.db, &good).unwrap().new_operations, 2);
}

/// An operation the recipient holds, arriving with other content or under its number as
/// another operation, is a fault or a forgery of its device: that device's operations from
/// there are held back and named; nothing else in the bundle depends on them here, so
/// nothing is written at all.
#[test]
fn a_clashing_operation_holds_back_its_device() {
    let mut a = TestDb::with_households(2);
    let mut b = join(&a);
    visit(&mut a, "H1", "原始记录");
    let good = a.dir.path().join("good.jdb");
    export(&a.db, &a.project(), &good, Scope::Full).unwrap();
    let known_op =
        all_ops(b.db.conn()).unwrap().into_iter().find(|o| o.entity == jingdi::oplog::Entity::Household).unwrap();
    // Signed by the device itself: a real fault of that device, not a forgery (which the
    // signature check refuses outright, tests/it/signing.rs).
    let key = test_key(&a);
    let cases = [
        (
            "a changed operation the recipient already holds",
            rewrite(&good, "edited2", |b| {
                let op = b.ops.iter_mut().find(|o| o.id == known_op.id).unwrap();
                op.fields.put("head_name", "篡改");
                resign(b, &key);
            }),
        ),
        (
            "a sequence number already used by another operation",
            rewrite(&good, "edited3", |b| {
                let held = b.ops.iter_mut().find(|o| o.id == known_op.id).unwrap();
                held.id = uuid::Uuid::now_v7();
                resign(b, &key);
            }),
        ),
    ];
    for (name, file) in cases {
        let before = b.snapshot();
        let r = import(&mut b.db, &file).unwrap();
        assert_eq!(r.held_back.len(), 1, "{name}: {:?}", r.held_back);
        let h = &r.held_back[0];
        assert!(h.clashed && h.device_id == known_op.device_id && h.from_seq == known_op.seq, "{name}: {h:?}");
        assert!(h.message.contains(&known_op.device_id.to_string()[..8]), "{name}: names the device: {}", h.message);
        assert_eq!(r.new_operations, 0, "{name}");
        assert_eq!(b.snapshot(), before, "{name}: nothing written");
    }
    assert_eq!(import(&mut b.db, &good).unwrap().new_operations, 1);
}

/// Many rows go in one statement; a fault in the middle of one is still pinned on its own
/// operation, and nothing of the statement or those before it is kept.
#[test]
fn a_fault_inside_a_many_row_statement_names_its_operation() {
    let mut a = TestDb::with_households(3);
    let mut b = join(&a);
    for i in 0..12 {
        visit(&mut a, &format!("H{}", i % 3 + 1), &format!("第{i}次走访"));
    }
    let good = a.dir.path().join("twelve.jdb");
    export(&a.db, &a.project(), &good, Scope::Unseen).unwrap();
    let visits = |b: &Bundle| {
        b.ops
            .iter()
            .enumerate()
            .filter(|(_, o)| o.entity == jingdi::oplog::Entity::Visit)
            .map(|(i, _)| i)
            .collect::<Vec<_>>()
    };
    visit(&mut b, "H1", "本机的走访");
    let held = all_ops(b.db.conn()).unwrap().into_iter().find(|o| o.device_id == b.db.device_id()).unwrap();
    let mut culprit = uuid::Uuid::nil();
    // The seventh visit reuses the id of an operation only the recipient holds, under its
    // own device and number: the log's uniqueness stops the statement there.
    let key = test_key(&a);
    let reused_id = rewrite(&good, "reused-id", |b| {
        let i = visits(b)[6];
        b.ops[i].id = held.id;
        culprit = b.ops[i].entity_id;
        resign(b, &key);
    });
    let first = culprit;
    // The seventh visit lacks a value its table requires: the schema's check names it
    // before any statement runs.
    let missing_value = rewrite(&good, "missing-value", |b| {
        let i = visits(b)[6];
        b.ops[i].fields.put("kind", serde_json::Value::Null);
        culprit = b.ops[i].entity_id;
    });
    for (file, code, named) in [(reused_id, "bundle.tampered", first), (missing_value, "bundle.invalid_value", culprit)]
    {
        let before = b.snapshot();
        let err = import(&mut b.db, &file).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(&named.to_string()), "names the seventh visit {named}: {err}");
        assert_eq!(b.snapshot(), before, "nothing written");
    }
    assert_eq!(import(&mut b.db, &good).unwrap().visits, 12);
}

/// A bundle of many blocks (each parsed on its own thread while the next is unzipped)
/// reads back whole and in order; a bad line deep inside is named by its number, and a cut
/// or damaged file is refused.
#[test]
fn a_big_bundle_is_read_in_blocks_and_checked_as_a_whole() {
    use sha2::Digest;
    use std::io::Write;
    let t = TestDb::with_households(1);
    let small = t.dir.path().join("small.jdb");
    export(&t.db, &t.project(), &small, Scope::Full).unwrap();
    let Bundle { header, ops } = bundle::read(&small).unwrap();
    let many: Vec<Op> = (0..12_000)
        .map(|i| {
            let mut op = ops[ops.len() - 1].clone();
            op.id = uuid::Uuid::now_v7();
            op.seq = 1_000 + i;
            op
        })
        .collect();
    let big = t.dir.path().join("big.jdb");
    bundle::write(&big, header.clone(), &many).unwrap();
    let back = bundle::read(&big).unwrap();
    assert_eq!(back.ops, many);
    assert_eq!(back.header.op_count, 12_000);

    // The same operations with line 9,001 broken, under a checksum that matches it.
    let mut payload = Vec::new();
    for (i, op) in many.iter().enumerate() {
        if i == 9_000 {
            payload.extend_from_slice(b"{\"id\": \"not an operation\"");
        } else {
            serde_json::to_writer(&mut payload, op).unwrap();
        }
        payload.push(b'\n');
    }
    let mut h = header.clone();
    h.op_count = many.len();
    h.ops_sha256 = sha2::Sha256::digest(&payload).iter().map(|b| format!("{b:02x}")).collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::from(bundle::MAGIC), flate2::Compression::fast());
    serde_json::to_writer(&mut gz, &h).unwrap();
    gz.write_all(b"\n").unwrap();
    gz.write_all(&payload).unwrap();
    let bad_line = t.dir.path().join("bad-line.jdb");
    std::fs::write(&bad_line, gz.finish().unwrap()).unwrap();
    let err = bundle::read(&bad_line).err().expect("a broken line is refused");
    assert_eq!(err.code(), "bundle.damaged");
    assert!(err.to_string().contains("第 9001 条操作无法解析"), "{err}");

    let bytes = std::fs::read(&big).unwrap();
    let cut = t.dir.path().join("cut.jdb");
    std::fs::write(&cut, &bytes[..bytes.len() * 3 / 5]).unwrap();
    assert_eq!(bundle::read(&cut).err().expect("a cut file is refused").code(), "bundle.damaged");
    let mut flipped = bytes.clone();
    let at = flipped.len() * 4 / 5;
    flipped[at] ^= 0x20;
    let flipped_file = t.dir.path().join("flipped.jdb");
    std::fs::write(&flipped_file, &flipped).unwrap();
    let code = bundle::read(&flipped_file).err().expect("a damaged file is refused").code();
    assert!(code == "bundle.damaged" || code == "bundle.checksum", "{code}");
}

#[test]
fn a_sync_folder_merges_every_laptop_and_shows_when_each_was_seen() {
    let mut a = TestDb::with_households(3);
    let mut b = join(&a);
    let mut c = join(&a);
    a.db.set_setting("device_name", "办公室").unwrap();
    b.db.set_setting("device_name", "一组").unwrap();
    visit(&mut a, "H1", "a");
    visit(&mut b, "H2", "b");
    visit(&mut c, "H3", "c");
    let folder = a.dir.path().join("share");
    let p = a.project();
    for _ in 0..2 {
        for t in [&mut a, &mut b, &mut c] {
            let r = jingdi::sync::folder::sync_folder(&mut t.db, &p, &folder).unwrap();
            assert!(r.refused.is_empty());
        }
    }
    let d0 = dump(a.db.conn()).unwrap();
    assert_eq!(dump(b.db.conn()).unwrap(), d0);
    assert_eq!(dump(c.db.conn()).unwrap(), d0);
    let peers = jingdi::sync::folder::peers(c.db.conn(), p.id).unwrap();
    let names: BTreeSet<_> = peers.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(peers.len(), 2);
    assert!(names.contains("办公室") && names.contains("一组"));
    // A damaged file in the folder is reported and the rest still syncs.
    std::fs::write(folder.join("T1").join("broken.jdb"), b"garbage").unwrap();
    let r = jingdi::sync::folder::sync_folder(&mut a.db, &p, &folder).unwrap();
    assert_eq!(r.refused.len(), 1);
    assert_eq!(r.refused[0].code, "bundle.not_a_bundle");
    assert_eq!(r.imported.len(), 2);
}

/// 取消 during a folder sync stops between bundles: those read are merged whole, the rest wait
/// (nothing half-merged, nothing lost), and the next sync reads them.
#[test]
fn a_folder_sync_stopped_between_bundles_merges_those_read_and_the_next_reads_the_rest() {
    let mut a = TestDb::with_households(3);
    let mut b = join(&a);
    let mut c = join(&a);
    visit(&mut b, "H2", "b");
    visit(&mut c, "H3", "c");
    let folder = a.dir.path().join("share");
    let p = a.project();
    for t in [&mut b, &mut c] {
        jingdi::sync::folder::sync_folder(&mut t.db, &p, &folder).unwrap();
    }
    let visits =
        |t: &TestDb| -> i64 { t.db.conn().query_row("SELECT count(*) FROM visits", [], |r| r.get(0)).unwrap() };
    let before = visits(&a);
    // 取消 pressed while the first bundle merges: asked again before the second, it says stop.
    let asked = std::cell::Cell::new(0);
    let stop = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    let r = jingdi::sync::folder::sync_folder_until(&mut a.db, &p, &folder, true, &stop).unwrap();
    assert!(r.stopped);
    assert_eq!(r.imported.len(), 1, "one of the two bundles read");
    assert!(r.files.is_none(), "no files moved after 取消");
    assert!(r.exported.operations > 0, "this laptop's own bundle is still written");
    assert_eq!(visits(&a), before + 1, "the bundle read is merged whole, the other not at all");
    // The next sync reads the rest.
    let r = jingdi::sync::folder::sync_folder(&mut a.db, &p, &folder).unwrap();
    assert!(!r.stopped);
    assert_eq!(visits(&a), before + 2);
    for t in [&mut b, &mut c] {
        jingdi::sync::folder::sync_folder(&mut t.db, &p, &folder).unwrap();
    }
    assert_eq!(dump(a.db.conn()).unwrap(), dump(c.db.conn()).unwrap());
}

#[test]
fn two_laptops_that_both_start_from_the_demo_share_its_history() {
    let mut a = TestDb::demo();
    let mut b = TestDb::demo();
    assert_eq!(a.project, b.project, "the demo has the same ids everywhere");
    set_phone(&mut a, "DX4-001", "13900000001");
    visit(&mut b, "DX4-002", "b");
    let r = send(&a, &mut b);
    assert_eq!(r.new_operations, 1, "only what is new travels; the demo is already there");
    send(&b, &mut a);
    assert_eq!(dump(a.db.conn()).unwrap(), dump(b.db.conn()).unwrap());
}

mod random_histories {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Act {
        Phone {
            dev: usize,
            hh: usize,
            v: u16,
        },
        Strategy {
            dev: usize,
            hh: usize,
            v: u8,
        },
        Visit {
            dev: usize,
            hh: usize,
        },
        Stage {
            dev: usize,
            hh: usize,
            forward: bool,
        },
        /// A step on household H`hh`'s compensation item: 0 a new amount, 1 or 2 forward
        /// (confirm, or pay a confirmed one), 3 take the confirmation back.
        Item {
            dev: usize,
            hh: usize,
            step: u8,
            v: u8,
        },
        /// An obstacle of household H`hh` (0: the whole plot) blocking `Stage::ALL[stage]`.
        Obstacle {
            dev: usize,
            hh: usize,
            stage: usize,
        },
        /// Resolve (or reopen, when resolved) the `nth` obstacle this laptop holds.
        Settle {
            dev: usize,
            nth: usize,
        },
        Exchange {
            from: usize,
            to: usize,
        },
    }

    impl Act {
        fn writer(&self) -> Option<usize> {
            match self {
                Act::Phone { dev, .. }
                | Act::Strategy { dev, .. }
                | Act::Visit { dev, .. }
                | Act::Stage { dev, .. }
                | Act::Item { dev, .. }
                | Act::Obstacle { dev, .. }
                | Act::Settle { dev, .. } => Some(*dev),
                Act::Exchange { .. } => None,
            }
        }
    }

    fn act(devices: usize) -> impl Strategy<Value = Act> {
        let dev = 0..devices;
        let hh = 1..=3usize;
        prop_oneof![
            1 => (dev.clone(), hh.clone(), 0..50u16).prop_map(|(dev, hh, v)| Act::Phone { dev, hh, v }),
            1 => (dev.clone(), hh.clone(), 0..5u8).prop_map(|(dev, hh, v)| Act::Strategy { dev, hh, v }),
            1 => (dev.clone(), hh.clone()).prop_map(|(dev, hh)| Act::Visit { dev, hh }),
            3 => (dev.clone(), hh.clone(), any::<bool>()).prop_map(|(dev, hh, forward)| Act::Stage { dev, hh, forward }),
            // Two items: laptops step on each other's often enough to pay what another took back.
            5 => (dev.clone(), 1..=2usize, 0..4u8, 0..3u8).prop_map(|(dev, hh, step, v)| Act::Item { dev, hh, step, v }),
            2 => (dev.clone(), 0..=3usize, 1..Stage::ALL.len()).prop_map(|(dev, hh, stage)| Act::Obstacle { dev, hh, stage }),
            1 => (dev.clone(), 0..3usize).prop_map(|(dev, nth)| Act::Settle { dev, nth }),
            2 => (dev.clone(), dev).prop_map(|(from, to)| Act::Exchange { from, to }),
        ]
    }

    fn apply(ts: &mut [TestDb], a: &Act) {
        match a {
            Act::Phone { dev, hh, v } => set_phone(&mut ts[*dev], &format!("H{hh}"), &format!("1390000{v:04}")),
            Act::Strategy { dev, hh, v } => {
                let t = &mut ts[*dev];
                let h = t.household(&format!("H{hh}")).id;
                t.write(|tx| jingdi::household::set(tx, h, "strategy", &format!("策略{v}"), None)).unwrap();
            }
            Act::Visit { dev, hh } => visit(&mut ts[*dev], &format!("H{hh}"), "走访"),
            Act::Stage { dev, hh, forward } => {
                let t = &mut ts[*dev];
                let h = t.household(&format!("H{hh}"));
                let today = chrono::Local::now().date_naive();
                let _ = if *forward {
                    match h.stage.next() {
                        Some(Stage::Signed) => {
                            let _ = t.write(|tx| jingdi::household::set(tx, h.id, "agreement_no", "XY", None));
                            let _ = t.write(|tx| {
                                jingdi::household::set(tx, h.id, "agreement_date", &today.to_string(), None)
                            });
                            let _ =
                                t.write(|tx| jingdi::household::set(tx, h.id, "compensation_mode", "monetary", None));
                            let _ = t.write(|tx| jingdi::household::set(tx, h.id, "signed_area", "100", None));
                            t.write(|tx| jingdi::stage::set(tx, h.id, Stage::Signed, today, None))
                        }
                        Some(next) => t.write(|tx| jingdi::stage::set(tx, h.id, next, today, None)),
                        None => Ok(()),
                    }
                } else if h.stage.rank() > 0 {
                    t.write(|tx| jingdi::stage::set(tx, h.id, Stage::ALL[h.stage.rank() - 1], today, Some("退回重谈")))
                } else {
                    Ok(())
                };
            }
            // Refused steps (a rule of the laptop's own state) simply do not happen.
            Act::Item { dev, hh, step, v } => {
                let t = &mut ts[*dev];
                let h = t.household(&format!("H{hh}")).id;
                let it = jingdi::compensation::for_household(t.db.conn(), h).unwrap().remove(0);
                let item = it.id;
                let confirmed = it.status == jingdi::vocab::PaymentStatus::Confirmed;
                let _ = t.write(|tx| match step {
                    0 => jingdi::compensation::set_amount(tx, item, 100_000 + i64::from(*v) * 100),
                    1 | 2 if !confirmed => jingdi::compensation::confirm(tx, item, crate::d("2024-02-01")),
                    3 => jingdi::compensation::unconfirm(tx, item, "重谈"),
                    _ => jingdi::compensation::pay_with(
                        tx,
                        item,
                        &jingdi::compensation::Payment {
                            paid_on: crate::d("2024-02-03"),
                            voucher_no: format!("PZ-{v}"),
                            payee: None,
                            amount_fen: None,
                        },
                    ),
                });
            }
            Act::Obstacle { dev, hh, stage } => {
                let t = &mut ts[*dev];
                let household = (*hh > 0).then(|| t.household(&format!("H{hh}")).id);
                let p = t.project;
                t.write(|tx| {
                    jingdi::obstacle::add(
                        tx,
                        p,
                        &jingdi::obstacle::NewObstacle {
                            title: "问题".into(),
                            category: jingdi::vocab::ObstacleCategory::Other,
                            household,
                            responsible_unit: "街道".into(),
                            responsible_person: String::new(),
                            raised_on: crate::d("2024-01-02"),
                            due_on: None,
                            blocks_stage: Some(Stage::ALL[*stage]),
                        },
                    )
                })
                .unwrap();
            }
            Act::Settle { dev, nth } => {
                let t = &mut ts[*dev];
                let all = jingdi::obstacle::list(t.db.conn(), t.project, false).unwrap();
                if let Some(o) = all.get(*nth) {
                    let id = o.id;
                    let _ = if o.status == jingdi::vocab::ObstacleStatus::Resolved {
                        t.write(|tx| jingdi::obstacle::reopen(tx, id, "未办结"))
                    } else {
                        t.write(|tx| jingdi::obstacle::resolve(tx, id, "已办结", crate::d("2024-01-03")))
                    };
                }
            }
            Act::Exchange { from, to } if from != to => {
                let (src, dst) = if from < to {
                    let (l, r) = ts.split_at_mut(*to);
                    (&l[*from], &mut r[0])
                } else {
                    let (l, r) = ts.split_at_mut(*from);
                    (&r[0], &mut l[*to])
                };
                send(src, dst);
            }
            Act::Exchange { .. } => {}
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn devices_converge_and_list_every_conflict_and_broken_rule_once(
            (devices, acts) in (3..=5usize).prop_flat_map(|n| (Just(n), proptest::collection::vec(act(n), 1..40)))
        ) {
            let mut base = TestDb::with_households(3);
            for hh in 1..=3 {
                let h = base.household(&format!("H{hh}")).id;
                base.write(|tx| jingdi::compensation::add(tx, h, jingdi::vocab::CompensationKind::Other, "搬家费", 100_000, "")).unwrap();
            }
            let mut ts: Vec<TestDb> = (1..devices).map(|_| join(&base)).collect();
            ts.insert(0, base);
            // What each laptop held when it wrote each operation, recorded as it happens.
            let mut held_when_written: HashMap<Uuid, HashSet<Uuid>> = HashMap::new();
            let ids = |t: &TestDb| all_ops(t.db.conn()).unwrap().into_iter().map(|o| o.id).collect::<HashSet<Uuid>>();
            for a in &acts {
                let writer = a.writer();
                let held = writer.map(|w| ids(&ts[w]));
                apply(&mut ts, a);
                if let (Some(w), Some(held)) = (writer, held) {
                    for id in ids(&ts[w]).difference(&held) {
                        held_when_written.insert(*id, held.clone());
                    }
                }
            }
            // Everyone talks to everyone, twice: the last round carries what the first relayed.
            for _ in 0..2 {
                for i in 0..devices {
                    for j in 0..devices {
                        apply(&mut ts, &Act::Exchange { from: i, to: j });
                    }
                }
            }
            let d0 = dump(ts[0].db.conn()).unwrap();
            let ops0 = all_ops(ts[0].db.conn()).unwrap();
            let written: usize = ts.iter().map(|t| all_ops(t.db.conn()).unwrap().iter().filter(|o| o.device_id == t.db.device_id()).count()).sum();
            prop_assert_eq!(ops0.len(), written, "no operation lost, none invented");
            let expected = expected_conflicts(&ops0, &held_when_written);
            let broken = expected_violations(&ops0, &held_when_written);
            for t in &ts {
                prop_assert_eq!(violation_pairs(&t.db), broken.clone());
                let listed = conflicts::list(t.db.conn(), t.project, true).unwrap();
                prop_assert_eq!(listed.iter().filter(|c| c.rule.is_some()).count(), broken.len(), "each listed once");
                prop_assert_eq!(&dump(t.db.conn()).unwrap(), &d0);
                prop_assert_eq!(all_ops(t.db.conn()).unwrap(), ops0.clone());
                prop_assert_eq!(conflict_pairs(&t.db), expected.clone());
                prop_assert_eq!(jingdi::oplog::replay::rebuilt_dump(t.db.conn()).unwrap(), d0.clone());
            }
        }
    }
}

/// The scenario as people run it: two laptops start from the demo, work apart for a week,
/// exchange through a sync folder with the `jingdi` command, and converge with one conflict.
#[test]
fn cli_two_laptops_from_the_demo_through_a_sync_folder() {
    let dir = tempfile::tempdir().unwrap();
    let share = dir.path().join("U盘");
    let run = |db: &str, who: &str, args: &[&str]| -> String {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_jingdi"))
            .arg("--db")
            .arg(dir.path().join(db))
            .args(["--author", who])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{db} {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let json = |db: &str, args: &[&str]| -> serde_json::Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&run(db, "x", &a)).unwrap()
    };
    for (db, name) in [("office.db", "街道办公室"), ("leader.db", "二组组长笔记本")] {
        run(db, "x", &["demo"]);
        run(db, "x", &["sync", "name", name]);
    }
    // A week apart.
    run(
        "office.db",
        "办公室",
        &["visit", "add", "--household", "DX4-031", "--kind", "电话", "--outcome", "通知青苗款到账时间"],
    );
    run(
        "leader.db",
        "林晓燕",
        &["visit", "add", "--household", "DX4-031", "--outcome", "上门核对青苗面积", "--concerns", "补偿标准"],
    );
    run("leader.db", "林晓燕", &["visit", "add", "--household", "DX4-044", "--outcome", "询问安置房选房"]);
    run("office.db", "办公室", &["household", "set", "--household", "DX4-044", "phone", "13900000001"]);
    run("leader.db", "林晓燕", &["household", "set", "--household", "DX4-044", "phone", "13900000002"]);
    run(
        "office.db",
        "办公室",
        &["obstacle", "resolve", "电线杆", "--resolution", "供电公司已完成迁移", "--on", "2022-08-16"],
    );
    // Exchange through the folder: office, leader, office.
    let share = share.to_str().unwrap();
    run("office.db", "x", &["sync", "folder", share]);
    let r = json("leader.db", &["sync", "folder", share]);
    let imported = &r["imported"][0];
    assert_eq!(
        (imported["visits"].as_u64(), imported["changes"].as_u64(), imported["conflicts"].as_u64()),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(imported["sender_name"], "街道办公室");
    run("office.db", "x", &["sync", "folder", share]);
    assert_eq!(run("office.db", "x", &["dump"]), run("leader.db", "x", &["dump"]), "converged");
    for db in ["office.db", "leader.db"] {
        let cs = json(db, &["conflicts"]);
        assert_eq!(cs.as_array().unwrap().len(), 1, "{db}");
        assert_eq!(cs[0]["field"], "phone");
        assert_eq!(cs[0]["household_no"], "DX4-044");
        let peers = json(db, &["sync", "peers"]);
        assert_eq!(peers.as_array().unwrap().len(), 1);
    }
    let visits = json("office.db", &["visit", "list", "--household", "DX4-031"]);
    assert!(visits.as_array().unwrap().iter().any(|v| v["outcome"] == "上门核对青苗面积"));
    // The office decides; after the next exchange the leader's list is empty too.
    let key = json("office.db", &["conflicts"])[0]["key"].as_str().unwrap().to_string();
    run("office.db", "街道领导", &["conflicts", "resolve", &key, "--keep", "b"]);
    run("office.db", "x", &["sync", "folder", share]);
    run("leader.db", "x", &["sync", "folder", share]);
    assert_eq!(json("leader.db", &["conflicts"]).as_array().unwrap().len(), 0);
    assert_eq!(json("leader.db", &["conflicts", "--all"]).as_array().unwrap().len(), 1);
    assert_eq!(run("office.db", "x", &["dump"]), run("leader.db", "x", &["dump"]));
    // A bundle file by hand works too, and a repeat changes nothing.
    let file = dir.path().join("week.jdb");
    run("leader.db", "x", &["sync", "export", "--out", file.to_str().unwrap(), "--full"]);
    let again = json("office.db", &["sync", "import", file.to_str().unwrap()]);
    assert_eq!(again["new_operations"], 0);
}
