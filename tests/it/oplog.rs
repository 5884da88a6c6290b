//! The operation log: the single door for writes, append-only, and enough to rebuild.

use crate::{d, TestDb, AUTHOR};
use jingdi::oplog::replay::{all_ops, dump, rebuilt_dump};
use jingdi::oplog::{Action, Entity, Fields, Op, ENTITIES};
use jingdi::vocab::{ObstacleCategory, Stage, VisitKind};
use std::collections::HashSet;

fn busy_day(t: &mut TestDb) {
    t.advance("H1", Stage::Demolished);
    t.advance("H2", Stage::Signed);
    let h3 = t.household("H3").id;
    t.write(|tx| {
        jingdi::household::set(tx, h3, "phone", "13911112222", None)?;
        jingdi::visit::add(
            tx,
            h3,
            &jingdi::visit::NewVisit {
                kind: Some(VisitKind::Phone),
                outcome: "约定周末上门".into(),
                ..Default::default()
            },
        )?;
        let o = jingdi::obstacle::add(
            tx,
            tx_project(tx),
            &jingdi::obstacle::NewObstacle {
                title: "电线杆未迁移".into(),
                category: ObstacleCategory::Poles,
                household: None,
                responsible_unit: "供电公司".into(),
                responsible_person: String::new(),
                raised_on: d("2024-01-03"),
                due_on: Some(d("2024-01-20")),
                blocks_stage: None,
            },
        )?;
        jingdi::obstacle::resolve(tx, o, "已迁移", d("2024-01-10"))
    })
    .unwrap();
}

fn tx_project(tx: &jingdi::oplog::Tx) -> uuid::Uuid {
    tx.conn().query_row("SELECT id FROM projects", [], |r| r.get::<_, String>(0)).map(|s| s.parse().unwrap()).unwrap()
}

#[test]
fn every_write_is_logged_with_device_sequence_clock_and_author() {
    let mut t = TestDb::with_households(3);
    busy_day(&mut t);
    let ops = all_ops(t.db.conn()).unwrap();
    assert!(ops.len() > 20);
    let device = t.db.device_id();
    let mut seqs: Vec<i64> = ops.iter().map(|o| o.seq).collect();
    seqs.sort();
    assert_eq!(seqs, (1..=ops.len() as i64).collect::<Vec<_>>(), "per-device sequence without gaps");
    let mut by_seq = ops.clone();
    by_seq.sort_by_key(|o| o.seq);
    for w in by_seq.windows(2) {
        assert!(w[1].hlc > w[0].hlc, "the hybrid clock moves forward with the sequence");
    }
    let ids: HashSet<_> = ops.iter().map(|o| o.id).collect();
    assert_eq!(ids.len(), ops.len());
    for o in &ops {
        assert_eq!(o.device_id, device);
        assert_eq!(o.author, AUTHOR);
        assert_eq!(o.id.get_version_num(), 7, "operation ids are UUIDv7");
        assert_eq!(o.entity_id.get_version_num(), 7, "record ids are UUIDv7");
    }
    let watermark: (i64, i64) =
        t.db.conn()
            .query_row("SELECT last_seq, last_hlc FROM devices WHERE device_id = ?1", [device.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
    assert_eq!(watermark.0, ops.len() as i64);
    assert_eq!(watermark.1, ops.iter().map(|o| o.hlc).max().unwrap());
}

#[test]
fn the_log_cannot_be_changed_or_deleted() {
    let t = TestDb::with_households(1);
    let c = t.db.conn();
    for sql in ["UPDATE oplog SET author = 'x'", "DELETE FROM oplog"] {
        let err = c.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("append-only"), "{sql}: {err}");
    }
    assert!(!all_ops(c).unwrap().is_empty());
}

#[test]
fn rebuilding_from_the_log_gives_exactly_the_live_tables() {
    let mut t = TestDb::with_households(4);
    busy_day(&mut t);
    // A revert with its reason, and an unlock of a signed agreement, are in the log too.
    let h1 = t.household("H2").id;
    t.write(|tx| jingdi::household::set(tx, h1, "signed_area", "99.50", Some("测绘复核更正"))).unwrap();
    t.write(|tx| jingdi::stage::set(tx, h1, Stage::Negotiating, d("2024-01-09"), Some("协议撤回重谈"))).unwrap();
    let live = dump(t.db.conn()).unwrap();
    assert!(live.contains("99") && live.contains("协议撤回重谈"));
    assert_eq!(rebuilt_dump(t.db.conn()).unwrap(), live);
}

#[test]
fn rebuilding_the_demo_from_its_log_gives_the_demo() {
    let t = TestDb::demo();
    assert_eq!(rebuilt_dump(t.db.conn()).unwrap(), dump(t.db.conn()).unwrap());
}

#[test]
fn a_failed_write_leaves_no_trace() {
    let mut t = TestDb::with_households(2);
    let before = t.snapshot();
    let h = t.household("H1").id;
    let err = t
        .write(|tx| {
            jingdi::household::set(tx, h, "phone", "13700000000", None)?;
            jingdi::household::set(tx, h, "members_count", "0", None)
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid_field.members_count");
    assert_eq!(t.snapshot(), before, "the first change of the failed write is rolled back too");
}

#[test]
fn an_author_is_required() {
    let mut t = TestDb::with_households(1);
    let before = t.snapshot();
    let h = t.household("H1").id;
    let err = t.db.write("  ", |tx| jingdi::household::set(tx, h, "phone", "13700000000", None)).unwrap_err();
    assert_eq!(err.code(), "invalid_field.author");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn ids_never_collide_across_devices() {
    let a = TestDb::with_households(20);
    let b = TestDb::with_households(20);
    assert_ne!(a.db.device_id(), b.db.device_id());
    let ids = |t: &TestDb| -> HashSet<uuid::Uuid> {
        all_ops(t.db.conn()).unwrap().iter().flat_map(|o| [o.id, o.entity_id]).collect()
    };
    assert!(ids(&a).is_disjoint(&ids(&b)));
}

#[test]
fn operations_may_only_set_their_entitys_columns() {
    let t = TestDb::with_households(1);
    let h = t.household("H1");
    let forged = |entity, action, fields: Fields| Op {
        id: uuid::Uuid::now_v7(),
        device_id: uuid::Uuid::now_v7(),
        seq: 1,
        hlc: 1,
        author: "x".into(),
        project_id: None,
        entity,
        entity_id: h.id,
        action,
        fields,
        reason: None,
        recorded_at: String::new(),
        context: Default::default(),
        prev: None,
        sig: None,
    };
    let cases = [
        forged(Entity::Household, Action::Update, Fields::new().set("stage; DROP TABLE households", "x")),
        forged(Entity::Household, Action::Update, Fields::new().set("id", "x")),
        forged(Entity::Visit, Action::Update, Fields::new().set("outcome", "rewritten")),
        forged(Entity::Household, Action::Append, Fields::new().set("phone", "1")),
    ];
    for op in cases {
        let err = jingdi::oplog::apply::apply(t.db.conn(), &op).unwrap_err();
        assert_eq!(err.code(), "corrupt", "{op:?}");
    }
}

/// The write path is the only writer: no source file but the applier names a domain
/// table in an INSERT, UPDATE or DELETE.
#[test]
fn only_the_applier_writes_domain_tables() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("oplog/apply.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
            for spec in ENTITIES {
                for verb in ["insert into ", "update ", "delete from ", "insert or replace into "] {
                    let needle = format!("{verb}{}", spec.table);
                    if text.match_indices(&needle).any(|(i, _)| {
                        // the next character must end the table name
                        text[i + needle.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
                    }) {
                        offenders.push(format!("{}: {needle}", path.display()));
                    }
                }
            }
        }
    }
    assert!(offenders.is_empty(), "domain tables written outside src/oplog/apply.rs: {offenders:#?}");
}

/// The same rule seen from SQLite itself: an authorizer on the connection sees every
/// statement as it is prepared — SQL built with `format!`, `INSERT OR FAIL`, any spelling —
/// and for each that writes a domain table the Rust stack that prepared it must pass through
/// `oplog::apply`. A working day, a roster import and a merge are run under it; a write made
/// from elsewhere (the test's own, below) is caught.
#[test]
fn sqlite_sees_only_the_applier_write_domain_tables() {
    use rusqlite::hooks::{AuthAction, AuthContext, Authorization};
    use std::sync::{Arc, Mutex};
    let mut t = TestDb::with_households(3);
    let tables: HashSet<&'static str> = ENTITIES.iter().map(|s| s.table).collect();
    let seen = Arc::new(Mutex::new((0usize, Vec::<String>::new())));
    let log = seen.clone();
    t.db.conn().authorizer(Some(move |ctx: AuthContext<'_>| {
        let table = match ctx.action {
            AuthAction::Insert { table_name } | AuthAction::Delete { table_name } => table_name,
            AuthAction::Update { table_name, .. } => table_name,
            _ => return Authorization::Allow,
        };
        if tables.contains(table) && ctx.accessor.is_none() {
            let stack = std::backtrace::Backtrace::force_capture().to_string();
            let mut l = log.lock().unwrap();
            if stack.contains("jingdi::oplog::apply::") {
                l.0 += 1;
            } else {
                let caller = stack.lines().find(|s| s.contains("jingdi::") || s.contains("it::")).unwrap_or("?");
                l.1.push(format!("{table}: {}", caller.trim()));
            }
        }
        Authorization::Allow
    }));
    busy_day(&mut t);
    let p = t.project();
    let roster = t.dir.path().join("r.csv");
    std::fs::write(&roster, "户号,户主,家庭人口,动迁组\nH3,户主3,4,一组\nH9,新户,2,一组\n").unwrap();
    jingdi::office::roster::import(&mut t.db, AUTHOR, &p, &roster, &Default::default()).unwrap();
    let mut other = crate::sync::join(&t);
    crate::sync::set_phone(&mut other, "H2", "13900000002");
    crate::sync::visit(&mut other, "H9", "上门");
    crate::sync::send(&other, &mut t);
    {
        let l = seen.lock().unwrap();
        assert!(l.0 > 10, "the applier's writes are seen ({})", l.0);
        assert!(l.1.is_empty(), "domain tables written outside src/oplog/apply.rs: {:#?}", l.1);
    }
    // The check can fail: a write from anywhere else is named.
    t.db.conn().execute(&format!("{} OR FAIL INTO households (id) SELECT 'x' WHERE 0", "INSERT"), []).unwrap();
    assert_eq!(seen.lock().unwrap().1.len(), 1);
    t.db.conn().authorizer(None::<fn(AuthContext<'_>) -> Authorization>);
}
