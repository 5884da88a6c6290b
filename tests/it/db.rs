//! Opening databases: migrations, pragmas, the schema-version guard, bad files.

use crate::TestDb;
use jingdi::error::Error;
use jingdi::Db;

#[test]
fn opens_with_wal_foreign_keys_and_current_schema() {
    let t = TestDb::empty();
    let c = t.db.conn();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(fk, 1);
    let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, jingdi::db::SCHEMA_VERSION);
}

#[test]
fn reopening_keeps_data_and_device_id() {
    let t = TestDb::with_households(3);
    let device = t.db.device_id();
    let path = t.path();
    let before = t.snapshot();
    drop(t.db);
    let db = Db::open(&path).unwrap();
    assert_eq!(db.device_id(), device);
    assert_eq!(jingdi::oplog::replay::dump(db.conn()).unwrap(), before.0);
}

#[test]
fn refuses_a_database_from_a_newer_binary_and_leaves_it_alone() {
    let t = TestDb::with_households(1);
    let path = t.path();
    let newer = jingdi::db::SCHEMA_VERSION + 1;
    t.db.conn().pragma_update(None, "user_version", newer).unwrap();
    drop(t.db);
    let bytes_before = std::fs::read(&path).unwrap();
    match Db::open(&path) {
        Err(Error::SchemaTooNew { found, supported, .. }) => {
            assert_eq!(found, newer);
            assert_eq!(supported, jingdi::db::SCHEMA_VERSION);
        }
        Err(e) => panic!("wrong error: {e}"),
        Ok(_) => panic!("a newer database must be refused"),
    }
    let err = Db::open(&path).err().unwrap();
    assert_eq!(err.code(), "schema_too_new");
    assert!(err.to_string().contains("升级"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes_before, "the refused file must not change");
}

#[test]
fn refuses_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.db");
    let junk: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    std::fs::write(&path, &junk).unwrap();
    let err = Db::open(&path).err().expect("junk must be refused");
    assert_eq!(err.code(), "open_failed", "{err}");
    assert!(err.to_string().contains(&path.display().to_string()), "the message names the file: {err}");
    assert_eq!(std::fs::read(&path).unwrap(), junk, "the refused file must not change");
}

#[test]
fn creates_missing_folders() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a/b/c/jingdi.db");
    Db::open(&path).unwrap();
    assert!(path.exists());
}

#[test]
fn settings_are_local() {
    let t = TestDb::empty();
    assert_eq!(t.db.setting("operator").unwrap(), None);
    t.db.set_setting("operator", "林组长").unwrap();
    t.db.set_setting("operator", "陈组长").unwrap();
    assert_eq!(t.db.setting("operator").unwrap().as_deref(), Some("陈组长"));
    assert!(jingdi::oplog::replay::all_ops(t.db.conn()).unwrap().is_empty(), "settings are not domain changes");
}
