//! Read-only answers to the team's questions: the summary, the 净地 readiness list,
//! what changed since a date, the operation log as a history, and the 全区总览 over every plot.

pub mod as_of;
pub mod board;
pub mod changes;
pub mod clearance;
pub mod district;
pub mod history;
pub mod pace;
pub mod summary;
