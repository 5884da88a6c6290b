//! A full disk during a write, a roster import and a backup: a clear refusal naming the
//! full disk, the database unchanged and usable, and everything works again once space is
//! freed. The disk is a small tmpfs mounted for the test (this needs root, as the test
//! machines and CI run; elsewhere the test says it was skipped).

use crate::crash::{base, roster_csv};
use jingdi::Db;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A tmpfs of a few MiB, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(mib: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m"), "jingdi-test"])
            .arg(dir.path())
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !mounted {
            eprintln!("SKIPPED disk-full test: mounting a tmpfs needs root");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Takes every free byte, down to the last block.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.path("filler")).unwrap();
        for chunk in [1 << 20, 64 << 10, 4 << 10, 512, 1] {
            let buf = vec![0x42u8; chunk];
            while f.write_all(&buf).is_ok() {}
        }
        let _ = f.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.path("filler")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).status();
    }
}

fn jingdi(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jingdi"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("JINGDI_AUTHOR", "磁盘测试")
        .env("JINGDI_HOME", db.parent().unwrap().join("home"))
        .env_remove("JINGDI_DB")
        .output()
        .unwrap()
}

/// A command refused for the full disk: exit 1, the stable code, a sentence saying so.
fn refused_for_full_disk(db: &Path, args: &[&str], code: &str) {
    let mut a = args.to_vec();
    a.push("--json");
    let o = jingdi(db, &a);
    assert_eq!(o.status.code(), Some(1), "{args:?} must be refused: {}", String::from_utf8_lossy(&o.stdout));
    let e: serde_json::Value = serde_json::from_slice(&o.stderr)
        .unwrap_or_else(|_| panic!("{args:?}: a JSON error, got {}", String::from_utf8_lossy(&o.stderr)));
    assert_eq!(e["code"], code, "{args:?}: {e}");
    assert!(e["message"].as_str().unwrap().contains("磁盘空间不足"), "{args:?}: {e}");
}

fn state(db: &Db) -> (String, usize) {
    (jingdi::oplog::replay::dump(db.conn()).unwrap(), jingdi::oplog::replay::all_ops(db.conn()).unwrap().len())
}

#[test]
fn a_full_disk_refuses_writes_imports_and_backups_and_changes_nothing() {
    let Some(disk) = SmallDisk::mount(24) else { return };
    let scratch = tempfile::tempdir().unwrap();
    let made = base(scratch.path(), "made.db", 200);
    let db = disk.path("jingdi.db");
    std::fs::copy(&made, &db).unwrap();
    let small = scratch.path().join("small.csv");
    roster_csv(&small, 50);
    let big = scratch.path().join("big.csv");
    roster_csv(&big, 2000);
    // The app has the database open while the disk fills up (its installation, on the same
    // disk as the data folder usually is, was set up long before).
    let mut app = Db::open_in(&db, &disk.path("home")).unwrap();
    let before = state(&app);
    let backups_before = jingdi::backup::list(&jingdi::backup::folder(&db)).unwrap();
    disk.fill();

    // A write from the command line, and one from the app itself.
    refused_for_full_disk(
        &db,
        &["visit", "add", "--household", "H1", "--kind", "上门", "--outcome", "磁盘已满时的走访"],
        "disk_full",
    );
    let h = jingdi::household::by_number(
        app.conn(),
        jingdi::project::find_by_code(app.conn(), "T1").unwrap().unwrap().id,
        "H2",
    )
    .unwrap()
    .id;
    let e = app
        .write("应用", |tx| {
            jingdi::visit::add(
                tx,
                h,
                &jingdi::visit::NewVisit { outcome: "应用内的走访".repeat(2000), ..Default::default() },
            )
        })
        .unwrap_err();
    assert_eq!(e.code(), "disk_full", "{e}");
    // A small roster fails in its own write; a big one already in the backup made before it.
    refused_for_full_disk(&db, &["import", "roster", small.to_str().unwrap()], "disk_full");
    refused_for_full_disk(&db, &["import", "roster", big.to_str().unwrap()], "backup.failed");
    // A backup.
    refused_for_full_disk(&db, &["backup"], "disk_full");

    // Nothing changed, nothing half-written is listed, and the file is sound and readable.
    assert_eq!(state(&app), before);
    assert_eq!(jingdi::backup::list(&jingdi::backup::folder(&db)).unwrap(), backups_before);
    let o = jingdi(&db, &["check", "--quick"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(jingdi(&db, &["summary"]).status.success());

    // Space again: everything works.
    disk.free();
    let o = jingdi(&db, &["visit", "add", "--household", "H1", "--kind", "上门", "--outcome", "腾出空间后的走访"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = jingdi(&db, &["import", "roster", small.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = jingdi(&db, &["backup"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    drop(app);
    let o = jingdi(&db, &["check"]);
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
}
