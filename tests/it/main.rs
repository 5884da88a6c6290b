//! The core's integration tests: one binary, real SQLite files in temporary folders.

mod admission;
mod backup;
mod cli;
mod compensation;
mod crash;
mod db;
mod demo;
mod desk;
mod desk_compensation;
mod disk_full;
mod district;
mod evidence;
mod fieldday;
mod hub_app;
mod identity;
mod input;
mod map;
mod office;
mod oplog;
mod paper;
mod punctuation;
mod readers;
mod reports;
mod review;
mod rules;
mod schema;
mod signing;
mod sync;
mod undo;
mod values;

use chrono::NaiveDate;
use jingdi::household::{Agreement, NewHousehold};
use jingdi::project::NewProject;
use jingdi::vocab::{CompensationMode, ProjectStatus, Stage};
use jingdi::Db;
use uuid::Uuid;

/// A database file in its own temporary folder, removed when dropped.
pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub db: Db,
    pub project: Uuid,
}

pub const AUTHOR: &str = "测试组长";

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// A valid ID number built from a birth date and a sequence (the check char computed); distinct
/// for distinct sequences: every thousand moves the birth date on by a day.
pub fn id_number(birth: &str, seq: u32) -> String {
    let born = NaiveDate::parse_from_str(birth, "%Y%m%d").expect("test birth date")
        + chrono::Duration::days((seq / 1000) as i64);
    let first17 = format!("350503{}{:03}", born.format("%Y%m%d"), seq % 1000);
    format!("{first17}{}", jingdi::idcard::check_char(&first17).unwrap())
}

impl TestDb {
    /// An empty database file.
    pub fn empty() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("jingdi.db")).unwrap();
        // These tests simulate no power cut: waiting for the disk at every commit would
        // only slow them. The app and the CLI commit with synchronous = FULL (db tests).
        db.conn().pragma_update(None, "synchronous", "NORMAL").unwrap();
        TestDb { dir, db, project: Uuid::nil() }
    }

    /// A small project "T1" with one group "一组" and households H1..H{n} at 已登记
    /// (100.00 m² each), window 2024-01-01..2024-01-31.
    pub fn with_households(n: usize) -> TestDb {
        let mut t = TestDb::empty();
        let project =
            t.db.write(AUTHOR, |tx| {
                let p = jingdi::project::create(
                    tx,
                    &NewProject {
                        code: "T1".into(),
                        name: "测试地块".into(),
                        city: "泉州市".into(),
                        district: "丰泽区".into(),
                        street: "城东街道".into(),
                        community: "东星社区".into(),
                        window_opens_on: d("2024-01-01"),
                        window_closes_on: d("2024-01-31"),
                        clearance_target: Some(d("2024-03-31")),
                        status: ProjectStatus::Signing,
                        as_of: None,
                    },
                )?;
                let leader = jingdi::project::add_staff(tx, p, "组长甲", "动迁组长", "")?;
                jingdi::project::add_group(tx, p, "一组", Some(leader), &[leader])?;
                for i in 1..=n {
                    jingdi::household::register(
                        tx,
                        p,
                        &NewHousehold {
                            number: format!("H{i}"),
                            head_name: format!("户主{i}"),
                            id_number: Some(id_number("19700101", i as u32)),
                            phone: "13800000000".into(),
                            members_count: 3,
                            floor_area: 100_00,
                            land_area: 60_00,
                            structure: "砖混".into(),
                            group: "一组".into(),
                            ..Default::default()
                        },
                    )?;
                }
                Ok(p)
            })
            .unwrap();
        t.project = project;
        t
    }

    /// The demo plot, in a fresh file.
    pub fn demo() -> TestDb {
        let mut t = TestDb::empty();
        t.project = jingdi::demo::create(&mut t.db).unwrap();
        t
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("jingdi.db")
    }

    pub fn household(&self, number: &str) -> jingdi::household::Household {
        jingdi::household::by_number(self.db.conn(), self.project, number).unwrap()
    }

    pub fn project(&self) -> jingdi::project::Project {
        jingdi::project::get(self.db.conn(), self.project).unwrap()
    }

    /// Domain dump plus the whole log: equal before and after means nothing changed.
    pub fn snapshot(&self) -> (String, usize) {
        let ops = jingdi::oplog::replay::all_ops(self.db.conn()).unwrap().len();
        (jingdi::oplog::replay::dump(self.db.conn()).unwrap(), ops)
    }

    pub fn write<T>(&mut self, f: impl FnOnce(&mut jingdi::oplog::Tx) -> jingdi::Result<T>) -> jingdi::Result<T> {
        self.db.write(AUTHOR, f)
    }

    /// Moves a household forward stage by stage to `to`, recording an agreement on the way.
    pub fn advance(&mut self, number: &str, to: Stage) {
        let h = self.household(number);
        let mut on = d("2024-01-05");
        for s in Stage::ALL.iter().copied().filter(|s| s.rank() > h.stage.rank() && s.rank() <= to.rank()) {
            if s == Stage::Signed {
                self.write(|tx| {
                    jingdi::household::record_agreement(
                        tx,
                        h.id,
                        &Agreement {
                            agreement_no: format!("XY-{number}"),
                            agreement_date: on,
                            compensation_mode: CompensationMode::Monetary,
                            signed_area: 100_00,
                        },
                        None,
                    )
                })
                .unwrap();
            }
            self.write(|tx| jingdi::stage::set(tx, h.id, s, on, None)).unwrap();
            on = on.succ_opt().unwrap();
        }
    }
}
