//! `jingdi check`: is this file sound? SQLite's own structure check (`integrity_check`, or
//! the faster `quick_check` the app runs at start), the foreign keys, this installation's
//! sequence numbers, every device's signature chain (`oplog::signing::check_log`), and the
//! replay of the log compared with the live tables (`verify`), in one verdict.

use crate::db::SCHEMA_VERSION;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

/// How far to look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// `quick_check` only: seconds on a big file, for the app's start.
    Quick,
    /// `integrity_check`, foreign keys, sequence numbers and the log replay.
    Full,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckReport {
    pub path: String,
    /// The one verdict: the file is sound.
    pub ok: bool,
    pub verdict: String,
    /// `integrity_check` (true) or `quick_check` (false).
    pub thorough: bool,
    /// What SQLite's structure check found; empty when it found nothing.
    pub structure_problems: Vec<String>,
    pub schema_version: i64,
    pub operations: Option<i64>,
    /// Whether replaying the log gives the live tables; `None` when not run (quick check,
    /// damaged structure, a schema this binary does not replay).
    pub log_consistent: Option<bool>,
    /// Other findings: foreign keys, sequence numbers, what could not be read.
    pub problems: Vec<String>,
}

/// Checks the database `conn` has open. Never fails on a damaged file: what cannot be read
/// is reported as a problem.
pub fn check(conn: &Connection, path: &str, depth: Depth) -> CheckReport {
    let thorough = depth == Depth::Full;
    let pragma = if thorough { "PRAGMA integrity_check(100)" } else { "PRAGMA quick_check(100)" };
    let mut structure_problems: Vec<String> = match rows(conn, pragma) {
        Ok(r) => r,
        Err(e) => vec![e.to_string()],
    };
    if structure_problems == ["ok"] {
        structure_problems.clear();
    }
    let schema_version = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap_or(0);
    let mut r = CheckReport {
        path: path.to_string(),
        ok: false,
        verdict: String::new(),
        thorough,
        structure_problems,
        schema_version,
        operations: None,
        log_consistent: None,
        problems: Vec::new(),
    };
    r.operations = conn.query_row("SELECT count(*) FROM oplog", [], |row| row.get(0)).ok();
    if thorough && r.structure_problems.is_empty() {
        deep(conn, &mut r);
    }
    r.ok = r.structure_problems.is_empty() && r.problems.is_empty() && r.log_consistent != Some(false);
    r.verdict = verdict(&r);
    r
}

fn rows(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut s = conn.prepare(sql)?;
    let out = s.query_map([], |r| r.get::<_, String>(0))?.collect();
    out
}

/// The checks that read the content: foreign keys, this device's sequence, the replay.
fn deep(conn: &Connection, r: &mut CheckReport) {
    match conn.prepare("PRAGMA foreign_key_check").and_then(|mut s| {
        s.query_map([], |row| {
            Ok(format!(
                "表 {} 的第 {} 行引用了不存在的 {}",
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()
    }) {
        Ok(v) => r.problems.extend(v.into_iter().take(20)),
        Err(e) => r.problems.push(format!("无法检查外键：{e}")),
    }
    match own_sequence(conn) {
        Ok(Some(p)) => r.problems.push(p),
        Ok(None) => {}
        Err(e) => r.problems.push(format!("无法检查本机操作序号：{e}")),
    }
    if r.schema_version != SCHEMA_VERSION {
        return;
    }
    match crate::oplog::signing::check_log(conn) {
        Ok(p) => r.problems.extend(p.into_iter().take(20)),
        Err(e) => r.problems.push(format!("无法检查操作签名：{e}")),
    }
    let live = crate::oplog::replay::dump(conn);
    let rebuilt = crate::oplog::replay::rebuilt_dump(conn);
    match (live, rebuilt) {
        (Ok(a), Ok(b)) => r.log_consistent = Some(a == b),
        (Err(e), _) | (_, Err(e)) => {
            r.log_consistent = Some(false);
            r.problems.push(format!("无法重放操作日志：{e}"));
        }
    }
}

/// This installation's own operations run 1, 2, 3 … without gaps up to its recorded mark.
fn own_sequence(conn: &Connection) -> rusqlite::Result<Option<String>> {
    let me: Option<String> =
        conn.query_row("SELECT value FROM local_settings WHERE key = 'device_id'", [], |r| r.get(0)).optional()?;
    let Some(me) = me else { return Ok(None) };
    let (count, max): (i64, Option<i64>) =
        conn.query_row("SELECT count(*), max(seq) FROM oplog WHERE device_id = ?1", [&me], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    let mark: Option<i64> =
        conn.query_row("SELECT last_seq FROM devices WHERE device_id = ?1", [&me], |r| r.get(0)).optional()?;
    let max = max.unwrap_or(0);
    if count != max || mark.unwrap_or(0) != max {
        return Ok(Some(format!(
            "本机设备 {me} 的操作序号不连续：日志中有 {count} 条，最大序号 {max}，记录的序号 {}",
            mark.unwrap_or(0)
        )));
    }
    Ok(None)
}

fn verdict(r: &CheckReport) -> String {
    let ops = r.operations.map(|n| format!("（操作日志 {n} 条）")).unwrap_or_default();
    if !r.structure_problems.is_empty() {
        return format!(
            "已损坏：文件结构检查发现 {} 处问题。请不要继续在此文件中工作，从最近的完好备份恢复（jingdi backup list,jingdi restore 文件）",
            r.structure_problems.len()
        );
    }
    if r.log_consistent == Some(false) {
        return format!("不一致：由操作日志重建的数据与现有数据不同{ops}。请从最近的完好备份恢复");
    }
    if !r.problems.is_empty() {
        return format!("有问题：{}", r.problems.join(";"));
    }
    if !r.thorough {
        return format!("完好：快速检查未发现文件结构问题{ops}");
    }
    if r.schema_version > SCHEMA_VERSION {
        return format!(
            "文件结构完好{ops}；数据库来自更新版本的 Jingdi（结构版本 {}），本程序只核对了文件结构",
            r.schema_version
        );
    }
    if r.log_consistent.is_none() {
        return format!(
            "文件结构完好{ops}；数据库结构版本为 {}，本程序为 {SCHEMA_VERSION}，用本程序打开一次升级后才能核对操作日志",
            r.schema_version
        );
    }
    format!("完好：文件结构完整，由操作日志重建的数据与现有数据一致{ops}")
}
