//! Jingdi (净地): the case ledger of a housing-expropriation project.
//!
//! The core holds a street office's projects in one local SQLite database. Every change
//! goes through [`db::Db::write`], which records an operation in the append-only log
//! ([`oplog`]) and applies it to the domain tables in the same transaction.
//! See ARCHITECTURE.md for the code map and the invariants.

pub mod admission;
pub mod backup;
pub mod check;
pub mod compensation;
pub mod db;
pub mod demo;
pub mod desk;
pub mod error;
pub mod evidence;
pub mod household;
pub mod idcard;
pub mod identity;
pub mod map;
pub mod meeting;
pub mod normal;
pub mod obstacle;
pub mod office;
pub mod oplog;
pub mod plot_work;
pub mod project;
mod read;
pub mod report;
pub mod schema;
pub mod search;
pub mod stage;
pub mod sync;
pub mod undo;
pub mod units;
pub mod visit;
pub mod vocab;

pub use db::Db;
pub use error::{Error, Result};
