//! Read-only connections (the desktop app's queries): they answer while the writer holds a
//! long write, they cannot write, and one snapshot sees one committed state.

use crate::{TestDb, AUTHOR};
use jingdi::household::NewHousehold;
use jingdi::Db;

fn households(db: &Db) -> i64 {
    db.conn().query_row("SELECT count(*) FROM households", [], |r| r.get(0)).unwrap()
}

fn register(tx: &mut jingdi::oplog::Tx, project: uuid::Uuid, number: &str) -> jingdi::Result<uuid::Uuid> {
    jingdi::household::register(
        tx,
        project,
        &NewHousehold {
            number: number.into(),
            head_name: "新户".into(),
            members_count: 3,
            floor_area: 80_00,
            group: "一组".into(),
            ..Default::default()
        },
    )
}

#[test]
fn a_reader_answers_while_the_writer_holds_a_write_open() {
    let mut t = TestDb::with_households(3);
    let mut reader = Some(t.db.open_reader().unwrap());
    let project = t.project;
    let started = std::time::Instant::now();
    let seen_during =
        t.db.write(AUTHOR, |tx| {
            register(tx, project, "H4")?;
            // The write lock is held and the row written but not committed: the reader
            // sees the last committed state at once (a blocked reader would time out).
            let r = reader.take().unwrap();
            let (r, answer) = std::thread::spawn(move || {
                let answer = jingdi::project::get(r.conn(), project).and_then(|p| {
                    let summary = jingdi::report::summary::summary(r.conn(), &p, None)?;
                    Ok((households(&r), summary.households_total))
                });
                (r, answer)
            })
            .join()
            .unwrap();
            reader = Some(r);
            let (seen, summary) = answer?;
            assert_eq!(seen, summary);
            Ok(seen)
        })
        .unwrap();
    assert_eq!(seen_during, 3);
    assert!(started.elapsed() < std::time::Duration::from_secs(4), "the reader waited for the writer");
    assert_eq!(households(&reader.unwrap()), 4, "after the commit the reader sees it");
}

#[test]
fn a_reader_cannot_write_and_changes_nothing() {
    let t = TestDb::with_households(2);
    let mut reader = t.db.open_reader().unwrap();
    let before = t.snapshot();
    let project = t.project;
    let err = reader.write(AUTHOR, |tx| register(tx, project, "H9")).unwrap_err();
    assert_eq!(err.code(), "database", "{err}");
    assert!(reader.set_setting("operator", "某人").is_err());
    assert_eq!(t.snapshot(), before);
    assert_eq!(reader.device_id(), t.db.device_id());
}

#[test]
fn one_snapshot_sees_one_committed_state() {
    let mut t = TestDb::with_households(2);
    let reader = t.db.open_reader().unwrap();
    let project = t.project;
    let (first, second) = reader
        .snapshot(|r| {
            let first = households(r);
            t.db.write(AUTHOR, |tx| register(tx, project, "H3")).unwrap();
            Ok((first, households(r)))
        })
        .unwrap();
    assert_eq!((first, second), (2, 2), "a commit in the middle of a snapshot is not seen");
    assert_eq!(households(&reader), 3, "the next snapshot sees it");
}
