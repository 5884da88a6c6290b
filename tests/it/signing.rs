//! Signed operations: every operation is signed by its device and chained to the one before
//! it; a merge refuses a forged signature, a broken chain, an unsigned operation after a
//! signed one or another key for a known device, naming the device, with nothing written.

use crate::sync::{join, rewrite, set_phone, visit};
use crate::TestDb;
use jingdi::oplog::replay::all_ops;
use jingdi::oplog::{signing, Entity, Op};
use jingdi::sync::bundle::Bundle;
use jingdi::sync::{export, merge::import, Scope};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Checks a whole log: every operation signed under its device's bound key, each naming
/// the hash of its device's previous one.
fn assert_signed_and_chained(t: &TestDb) {
    let mut ops = all_ops(t.db.conn()).unwrap();
    ops.sort_by_key(|o| (o.device_id, o.seq));
    let mut last: BTreeMap<Uuid, &Op> = BTreeMap::new();
    for op in &ops {
        let key = signing::device_key(t.db.conn(), op.device_id).unwrap().expect("every device has a key");
        let key = signing::public_from_hex(&key).unwrap();
        assert!(signing::verifies(&key, op), "op {} {} verifies", op.device_id, op.seq);
        match last.get(&op.device_id) {
            None => assert_eq!((op.seq, &op.prev), (1, &None), "a device's first operation has no prev"),
            Some(p) => {
                assert_eq!(op.seq, p.seq + 1);
                assert_eq!(op.prev.as_deref(), Some(signing::hash(p).as_str()), "op {} chained", op.seq);
            }
        }
        last.insert(op.device_id, op);
    }
}

#[test]
fn every_operation_is_signed_and_chained_locally_and_after_a_merge() {
    let mut a = TestDb::with_households(3);
    visit(&mut a, "H1", "第一次");
    set_phone(&mut a, "H2", "13911112222");
    assert_signed_and_chained(&a);
    let mut b = join(&a);
    visit(&mut b, "H3", "乙机走访");
    assert_signed_and_chained(&b);
    crate::sync::send(&b, &mut a);
    assert_signed_and_chained(&a);
    // The key that signed is the installation's, and the one both files bound to a's device.
    let key = signing::public_hex(a.db.installation().unwrap().signing_key());
    assert_eq!(signing::device_key(b.db.conn(), a.db.device_id()).unwrap(), Some(key));
    // The registry holding the secret key is readable by its user only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let registry = a.db.installation().unwrap().home().join("installation.db");
        assert_eq!(std::fs::metadata(registry).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn the_demo_is_signed_identically_on_every_laptop() {
    let a = TestDb::demo();
    let b = TestDb::demo();
    assert_signed_and_chained(&a);
    let sigs = |t: &TestDb| all_ops(t.db.conn()).unwrap().into_iter().map(|o| o.sig).collect::<Vec<_>>();
    assert_eq!(sigs(&a), sigs(&b));
}

/// The operations of `device` in the bundle, in sequence order.
fn of_device(b: &mut Bundle, device: Uuid) -> Vec<&mut Op> {
    let mut ops: Vec<&mut Op> = b.ops.iter_mut().filter(|o| o.device_id == device).collect();
    ops.sort_by_key(|o| o.seq);
    ops
}

#[test]
fn forged_signatures_broken_chains_and_foreign_keys_are_refused_naming_the_device() {
    let mut a = TestDb::with_households(2);
    a.db.set_setting("device_name", "甲机").unwrap();
    let mut b = join(&a);
    for i in 0..3 {
        visit(&mut a, "H1", &format!("第{i}次"));
    }
    set_phone(&mut a, "H2", "13977778888");
    let good = a.dir.path().join("good.jdb");
    export(&a.db, &a.project(), &good, Scope::Unseen).unwrap();
    let device = a.db.device_id();
    let forger = signing::generate();
    let cases: Vec<(&str, std::path::PathBuf, &str)> = vec![
        (
            "a new operation edited after signing",
            rewrite(&good, "edited", |b| {
                let v = b.ops.iter_mut().find(|o| o.entity == Entity::Visit).unwrap();
                v.fields.put("outcome", "伪造的走访结论");
            }),
            "bundle.bad_signature",
        ),
        (
            "a signature replaced by garbage",
            rewrite(&good, "garbage", |b| b.ops.last_mut().unwrap().sig = Some("00".repeat(64))),
            "bundle.bad_signature",
        ),
        (
            "a signature in the middle of the chain replaced by another valid-looking one",
            rewrite(&good, "garbage-middle", |b| {
                let ops = of_device(b, device);
                let n = ops.len();
                let other = ops[n - 1].sig.clone();
                let mut ops = of_device(b, device);
                ops[n - 3].sig = other;
            }),
            "bundle.bad_signature",
        ),
        (
            "an operation left out of the middle",
            rewrite(&good, "gap", |b| {
                let ops = of_device(b, device);
                let middle = ops[ops.len() - 3].id;
                b.ops.retain(|o| o.id != middle);
                // The rest of the bundle looks whole: what is left of the device is a prefix.
                b.header.op_count = b.ops.len();
            }),
            "bundle.broken_chain",
        ),
        (
            "two operations swapped and re-signed by someone else",
            rewrite(&good, "swapped", |b| {
                let mut ops = of_device(b, device);
                let n = ops.len();
                let (s0, s1) = (ops[n - 3].seq, ops[n - 2].seq);
                ops[n - 3].seq = s1;
                ops[n - 2].seq = s0;
                for op in ops {
                    signing::sign(&forger, op);
                }
            }),
            "bundle.bad_signature",
        ),
        (
            "an unsigned operation after signed ones",
            rewrite(&good, "unsigned", |b| {
                let last = of_device(b, device).pop().unwrap();
                last.sig = None;
                last.prev = None;
            }),
            "bundle.unsigned",
        ),
        (
            "the device's operations re-signed under another key the bundle vouches for",
            rewrite(&good, "foreign-key", |b| {
                b.header.keys.insert(device, signing::public_hex(&forger));
                for op in of_device(b, device) {
                    signing::sign(&forger, op);
                }
            }),
            "bundle.key_mismatch",
        ),
    ];
    for (name, file, code) in cases {
        let before = b.snapshot();
        let err = import(&mut b.db, &file).err().unwrap_or_else(|| panic!("{name}: should be refused"));
        assert_eq!(err.code(), code, "{name}: {err}");
        let msg = err.to_string();
        assert!(msg.contains("甲机") && msg.contains(&device.to_string()[..8]), "{name}: names the device: {msg}");
        assert_eq!(b.snapshot(), before, "{name}: nothing written");
    }
    // The genuine bundle still goes in.
    assert_eq!(import(&mut b.db, &good).unwrap().new_operations, 4);
    assert_signed_and_chained(&b);
}

/// Operations written before signing existed carry no signature. They are accepted (a
/// laptop upgraded mid-project keeps syncing its history), but only before the device's
/// first signed operation: after it, an unsigned operation can only be a forgery.
#[test]
fn unsigned_history_is_accepted_only_before_a_devices_first_signed_operation() {
    let a = TestDb::with_households(2);
    let device = a.db.device_id();
    let key = &a.db.installation().unwrap().signing_key().clone();
    let full = a.dir.path().join("full.jdb");
    export(&a.db, &a.project(), &full, Scope::Full).unwrap();
    // As an upgraded laptop's log: the first three operations unsigned, the rest signed and
    // chained from them (the first signed one names the hash of the last unsigned one).
    let legacy = |unsigned: &[i64]| {
        let unsigned = unsigned.to_vec();
        move |b: &mut Bundle| {
            let mut prev: Option<String> = None;
            for op in of_device(b, device) {
                if unsigned.contains(&op.seq) {
                    op.prev = None;
                    op.sig = None;
                } else {
                    op.prev = if op.seq == 1 { None } else { prev.clone() };
                    signing::sign(key, op);
                }
                prev = Some(signing::hash(op));
            }
        }
    };
    let upgraded = rewrite(&full, "upgraded", legacy(&[1, 2, 3]));
    let mut fresh = TestDb::empty();
    let r = import(&mut fresh.db, &upgraded).unwrap();
    assert!(r.joined && r.new_operations > 3);
    fresh.project = a.project;
    assert_eq!(fresh.household("H2").head_name, "户主2");

    let forged = rewrite(&full, "forged", legacy(&[1, 2, 5]));
    let mut other = TestDb::empty();
    let before = other.snapshot();
    let err = import(&mut other.db, &forged).unwrap_err();
    assert_eq!(err.code(), "bundle.unsigned", "{err}");
    assert!(err.to_string().contains(&device.to_string()[..8]), "{err}");
    assert_eq!(other.snapshot(), before);
}

/// `jingdi check` follows every device's chain in the log: an operation edited in the file
/// with an SQLite tool (around the append-only triggers) breaks it, or fails the newest
/// signature.
#[test]
fn check_finds_an_operation_edited_in_the_file() {
    use jingdi::check::{check, Depth};
    let mut t = TestDb::with_households(2);
    visit(&mut t, "H1", "走访");
    let r = check(t.db.conn(), "", Depth::Full);
    assert!(r.ok, "{:?}", r.problems);
    let device = t.db.device_id().to_string();
    let newest: i64 =
        t.db.conn().query_row("SELECT max(seq) FROM oplog WHERE device_id = ?1", [&device], |r| r.get(0)).unwrap();
    t.db.conn().execute_batch("DROP TRIGGER oplog_is_append_only_update").unwrap();
    for (seq, found) in [(newest, "签名无效"), (2, "衔接不上")] {
        t.db.conn()
            .execute(
                "UPDATE oplog SET author = '伪造者' WHERE device_id = ?1 AND seq = ?2",
                rusqlite::params![device, seq],
            )
            .unwrap();
        let r = check(t.db.conn(), "", Depth::Full);
        assert!(!r.ok && r.problems.iter().any(|p| p.contains(found) && p.contains(&device[..8])), "{:?}", r.problems);
    }
}

/// A real upgrade: a file whose log was written before signing existed (the version before
/// 0013) is migrated on opening; its next operation chains to its last unsigned one, `check`
/// finds it sound, and another laptop joins from it and then takes its signed news.
#[test]
fn a_file_from_before_signing_keeps_its_history_and_signs_from_then_on() {
    // The seven migrations before 0013_signing; what every later one created is undone above.
    const BEFORE_SIGNING: i64 = 7;
    let mut t = TestDb::with_households(2);
    let device = t.db.device_id();
    t.db.conn()
        .execute_batch(&format!(
            "DROP TRIGGER oplog_is_append_only_update;
             ALTER TABLE oplog DROP COLUMN prev;
             ALTER TABLE oplog DROP COLUMN sig;
             DROP TABLE device_keys;
             DROP INDEX visits_corrects;
             DROP TABLE data_exports;
             DROP TABLE members;
             ALTER TABLE projects DROP COLUMN owner_key;
             ALTER TABLE projects DROP COLUMN legacy_marks;
             CREATE TRIGGER oplog_is_append_only_update BEFORE UPDATE ON oplog
             BEGIN SELECT RAISE(ABORT, 'the operation log is append-only'); END;
             PRAGMA user_version = {BEFORE_SIGNING};"
        ))
        .unwrap();
    let path = t.path();
    drop(std::mem::replace(&mut t.db, jingdi::Db::open(":memory:").unwrap()));
    t.db = jingdi::Db::open(&path).unwrap();
    assert_eq!(t.db.device_id(), device, "the upgraded file keeps its device");
    let legacy = all_ops(t.db.conn()).unwrap();
    assert!(legacy.iter().all(|o| o.sig.is_none() && o.prev.is_none()));
    visit(&mut t, "H1", "升级后的走访");
    let ops = all_ops(t.db.conn()).unwrap();
    let newest = ops.iter().max_by_key(|o| o.seq).unwrap();
    let before = legacy.iter().max_by_key(|o| o.seq).unwrap();
    assert_eq!(newest.prev.as_deref(), Some(signing::hash(before).as_str()), "chained to the last unsigned one");
    assert!(jingdi::check::check(t.db.conn(), "", jingdi::check::Depth::Full).ok);
    let mut b = TestDb::empty();
    let full = t.dir.path().join("full.jdb");
    export(&t.db, &t.project(), &full, Scope::Full).unwrap();
    assert!(import(&mut b.db, &full).unwrap().joined);
    b.project = t.project;
    visit(&mut t, "H2", "再一次");
    crate::sync::send(&t, &mut b);
    assert_eq!(jingdi::oplog::replay::dump(b.db.conn()).unwrap(), jingdi::oplog::replay::dump(t.db.conn()).unwrap());
    assert!(jingdi::check::check(b.db.conn(), "", jingdi::check::Depth::Full).ok);
}
