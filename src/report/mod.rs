//! Read-only answers to the team's questions: the summary, the 净地 readiness list,
//! what changed since a date, and the operation log as a history.

pub mod as_of;
pub mod board;
pub mod changes;
pub mod clearance;
pub mod history;
pub mod pace;
pub mod summary;
