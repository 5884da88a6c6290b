//! Where a write gets its time and randomness: the wall clock for real work, a simulated
//! clock with a seeded generator for the deterministic demo. Ids are UUIDv7 built from
//! that time, so the same source gives the same ids.

use chrono::{DateTime, TimeZone, Utc};
use rand::RngCore;
use rand_chacha::rand_core::SeedableRng;
use uuid::Uuid;

/// Hybrid logical clock packed in one integer: milliseconds << 16 | logical counter.
/// Ordering by it respects causality on one device and across merged devices.
pub fn hlc_next(last: i64, physical_ms: i64) -> i64 {
    (physical_ms << 16).max(last + 1)
}

pub fn hlc_millis(hlc: i64) -> i64 {
    hlc >> 16
}

pub trait Source {
    fn now(&mut self) -> DateTime<Utc>;
    fn fill(&mut self, bytes: &mut [u8]);

    /// The calendar date where the user is.
    fn today(&mut self) -> chrono::NaiveDate {
        self.now().with_timezone(&chrono::Local).date_naive()
    }

    fn uuid_v7(&mut self) -> Uuid {
        let ms = self.now().timestamp_millis().max(0) as u64;
        let mut random = [0u8; 10];
        self.fill(&mut random);
        uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid()
    }
}

/// The real clock and the operating system's randomness.
pub struct SystemSource;

impl Source for SystemSource {
    fn now(&mut self) -> DateTime<Utc> {
        Utc::now()
    }
    fn fill(&mut self, bytes: &mut [u8]) {
        rand::rng().fill_bytes(bytes);
    }
}

/// A clock that stands still until moved, and a seeded generator: the demo plot is
/// written with it so that the same command gives the same database.
pub struct ScriptedSource {
    now: DateTime<Utc>,
    rng: rand_chacha::ChaCha8Rng,
}

impl ScriptedSource {
    pub fn new(start: DateTime<Utc>, seed: u64) -> Self {
        ScriptedSource { now: start, rng: rand_chacha::ChaCha8Rng::seed_from_u64(seed) }
    }

    pub fn set(&mut self, at: DateTime<Utc>) {
        // Time only moves forward, like a real clock would for one device.
        if at > self.now {
            self.now = at;
        }
    }

    pub fn rng(&mut self) -> &mut rand_chacha::ChaCha8Rng {
        &mut self.rng
    }

    pub fn at_local(date: chrono::NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
        // Quanzhou is UTC+8 all year.
        let local = date.and_hms_opt(hour, minute, 0).expect("valid time");
        Utc.from_utc_datetime(&(local - chrono::Duration::hours(8)))
    }
}

impl Source for ScriptedSource {
    fn now(&mut self) -> DateTime<Utc> {
        self.now
    }
    fn today(&mut self) -> chrono::NaiveDate {
        (self.now + chrono::Duration::hours(8)).date_naive()
    }
    fn fill(&mut self, bytes: &mut [u8]) {
        self.rng.fill_bytes(bytes);
    }
}
