//! The merge's checks of a bundle's new operations, run before anything is written: each
//! value against the one declaration of its field ([`crate::schema::check_op`], the check a
//! local write gets), and each operation's clock against this laptop's. A bundle with any
//! bad operation is refused as a whole, naming the operation, the field and the value.

use crate::error::{Error, Result};
use crate::oplog::apply::check_shape;
use crate::oplog::clock::hlc_millis;
use crate::oplog::Op;
use crate::schema;
use std::collections::HashSet;
use std::path::Path;
use uuid::Uuid;

/// How far ahead of this laptop's clock an operation may be stamped. Beyond it the bundle is
/// refused (`bundle.clock_ahead`): a laptop's clock follows every operation it holds (a hybrid
/// logical clock must), so accepting one stamped in 2031 would drag every laptop that syncs
/// with it to 2031 for good, and a later edit stamped with a true clock could never again win
/// over it. A day covers a laptop set to the wrong time zone and clocks that drift.
pub const MAX_CLOCK_AHEAD_MS: i64 = 24 * 60 * 60 * 1000;

fn bad(problem: &'static str, path: &Path, message: impl Into<String>) -> Error {
    Error::Bundle { problem, path: path.display().to_string(), message: message.into() }
}

fn describe(op: &Op) -> String {
    format!("操作 {}({} {})", op.id, op.entity.id(), op.action.id())
}

/// Each operation belongs to `project`, has a well-formed shape, and appears once.
pub(crate) fn membership(project: Uuid, ops: &[Op], path: &Path) -> Result<()> {
    let mut seen_ids: HashSet<Uuid> = HashSet::with_capacity(ops.len());
    for op in ops {
        if op.project_id != Some(project) {
            return Err(bad("other_project", path, format!("{} 不属于数据包的项目", describe(op))));
        }
        check_shape(op).map_err(|e| bad("invalid_operation", path, format!("{}: {e}", describe(op))))?;
        if !seen_ids.insert(op.id) {
            return Err(bad("tampered", path, format!("{} 在数据包中重复出现", describe(op))));
        }
    }
    Ok(())
}

/// The checks a relay (the district hub) runs on a bundle before storing it, without a
/// database of its own: the very checks a laptop's merge runs on each operation
/// ([`membership`], [`values`], [`clocks`] against `now_ms`). What needs the laptop's log
/// (references, rules across records) stays with the laptops that replay.
pub fn for_relay(project: Uuid, ops: &[Op], now_ms: i64, sender: &str, path: &Path) -> Result<()> {
    membership(project, ops, path)?;
    values(ops, path)?;
    clocks(ops, now_ms, sender, path)
}

/// Every new operation's values, as a local write would be checked.
pub(crate) fn values(ops: &[Op], path: &Path) -> Result<()> {
    for op in ops {
        schema::check_op(op).map_err(|e| {
            let problem = if e.field.is_some() { "invalid_value" } else { "invalid_operation" };
            bad(problem, path, format!("{}；整个数据包未导入", e.describe()))
        })?;
    }
    Ok(())
}

/// No operation stamped more than [`MAX_CLOCK_AHEAD_MS`] after `now_ms` (this laptop's clock).
pub(crate) fn clocks(ops: &[Op], now_ms: i64, sender: &str, path: &Path) -> Result<()> {
    let Some(op) = ops.iter().max_by_key(|o| o.hlc) else { return Ok(()) };
    let ahead = hlc_millis(op.hlc) - now_ms;
    if ahead <= MAX_CLOCK_AHEAD_MS {
        return Ok(());
    }
    let stamped = chrono::DateTime::from_timestamp_millis(hlc_millis(op.hlc))
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| "无法表示的时间".into());
    let here = chrono::DateTime::from_timestamp_millis(now_ms)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default();
    let days = ahead as f64 / 86_400_000.0;
    Err(bad(
        "clock_ahead",
        path,
        format!(
            "操作 {}（设备 {}{}）的时间为 {stamped}，比本机时钟 {here} 快 {days:.1} 天，超过允许的 1 天。\
             请核对两台电脑的日期和时间（那台电脑的时钟可能走快了，或本机的走慢了），改正后再同步；\
             本次导入未写入任何内容。",
            op.id,
            op.device_id,
            if sender.is_empty() { String::new() } else { format!("，数据包来自「{sender}」") },
        ),
    ))
}
