//! `jingdi backup [--to DIR]`, `backup list`, `backup auto`, `restore FILE`, `check`.
//! `check` and `restore` work on the file as it is, before `Db::open` would upgrade or change
//! it: a damaged file can still be checked and restored.

use super::args::{BackupArgs, BackupCmd, Command};
use super::out;
use jingdi::backup::restore::{self, RestorePlan, Snapshot};
use jingdi::backup::{self, BackupFile};
use jingdi::check::{self, CheckReport, Depth};
use jingdi::error::{Error, Result};
use jingdi::Db;
use std::fmt::Write;
use std::path::Path;

/// Runs the command if it is one of these; `None` for every other command.
pub fn run(path: &Path, json: bool, command: &Command) -> Option<Result<()>> {
    Some(match command {
        Command::Backup(a) => backup_cmd(path, json, a),
        Command::Restore { file, dry_run } => restore_cmd(path, json, file, *dry_run),
        Command::Check { quick } => check_cmd(path, json, *quick),
        _ => return None,
    })
}

fn backup_cmd(path: &Path, json: bool, a: &BackupArgs) -> Result<()> {
    match &a.action {
        None => {
            if !path.is_file() {
                return Err(Error::not_found("数据库文件", path.display().to_string()));
            }
            let db = Db::open(path)?;
            let b = backup::create_for(&db, a.to.as_deref(), backup::Kind::Manual)?;
            out(json, &b, |b| format!("已备份到 {}({})\n", b.path, size(b.bytes)));
        }
        Some(BackupCmd::List { dir }) => {
            let dir = dir.clone().unwrap_or_else(|| backup::folder(path));
            let list = backup::list(&dir)?;
            out(json, list.as_slice(), |l| render_list(&dir, l));
        }
        Some(BackupCmd::Auto { state }) => {
            let conn = backup::connect(path, false)?;
            if let Some(s) = state {
                conn.execute(
                    "INSERT INTO local_settings (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [backup::AUTO_SETTING, s.as_str()],
                )?;
            }
            let on = backup::auto_enabled(&conn);
            let v = serde_json::json!({ "auto_backup": on, "folder": backup::folder(path), "retention": backup::retention_rule() });
            out(json, &v, |_| {
                format!(
                    "自动备份：{}\n备份文件夹：{}\n{}\n",
                    if on { "开" } else { "关" },
                    backup::folder(path).display(),
                    backup::retention_rule()
                )
            });
        }
    }
    Ok(())
}

fn render_list(dir: &Path, list: &[BackupFile]) -> String {
    let mut s = format!("备份文件夹：{}\n", dir.display());
    if list.is_empty() {
        s.push_str("（还没有备份）\n");
    }
    for b in list {
        let _ = writeln!(
            s,
            "  {}  {:>8}  {}  {}",
            b.created_at.format("%Y-%m-%d %H:%M:%S"),
            size(b.bytes),
            b.name,
            b.kind.zh()
        );
    }
    s
}

fn restore_cmd(path: &Path, json: bool, file: &Path, dry_run: bool) -> Result<()> {
    if !path.exists() && !dry_run {
        // A new installation restoring a copy: an empty database to restore into.
        drop(Db::open(path)?);
    }
    let mut conn = backup::connect(path, dry_run)?;
    if dry_run {
        let plan = restore::plan(&conn, file)?;
        out(json, &plan, |p| format!("{}（仅预览，未做任何改动）\n", render_plan(p)));
        return Ok(());
    }
    let installation = jingdi::identity::Installation::open(&jingdi::identity::default_home())?;
    let report = restore::restore(&mut conn, path, file, &installation)?;
    drop(conn);
    // Opening upgrades an older schema and gives the file its new device identity.
    let db = Db::open(path)?;
    let device = db.device_id();
    let v = serde_json::json!({ "plan": report.plan, "kept_aside": report.kept_aside, "device_id": device });
    out(json, &v, |_| {
        format!(
            "{}已恢复。恢复前的文件保留在 {}\n本机此后以新的设备号 {device} 记录修改；下次同步时，其他笔记本已有的较新操作会合并回来\n",
            render_plan(&report.plan),
            report.kept_aside
        )
    });
    Ok(())
}

fn render_snapshot(s: &Snapshot) -> String {
    let projects: Vec<String> =
        s.projects.iter().map(|p| format!("{} {} {} 户", p.code, p.name, p.households)).collect();
    format!(
        "操作日志 {} 条，最后修改于 {}；{}",
        s.operations,
        s.last_change_at.as_deref().map(local_time).unwrap_or_else(|| "—".into()),
        if projects.is_empty() { "没有项目".into() } else { projects.join("、") }
    )
}

/// An RFC 3339 instant in local time, to the second.
fn local_time(t: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|_| t.to_string())
}

fn render_plan(p: &RestorePlan) -> String {
    let mut s = format!("从备份 {}（{}）恢复\n", p.file, size(p.bytes));
    let _ = writeln!(s, "  备份：{}", render_snapshot(&p.backup));
    match &p.current {
        Some(c) => {
            let _ = writeln!(s, "  当前：{}", render_snapshot(c));
        }
        None => s.push_str("  当前：文件无法读取（已损坏），恢复后以备份为准\n"),
    }
    if p.removed_operations > 0 {
        let _ = writeln!(
            s,
            "  恢复后本机将不再有备份之后的 {} 条操作（其中本机写入 {} 条）；其他笔记本已有的，下次同步会合并回来",
            p.removed_operations, p.removed_own
        );
    }
    if p.removed_unshared > 0 {
        let _ = writeln!(
            s,
            "  注意：其中 {} 条本机写入的操作尚无其他笔记本确认收到，同步无法找回；恢复前的文件会保留在备份文件夹中",
            p.removed_unshared
        );
    }
    if p.added_operations > 0 {
        let _ = writeln!(s, "  备份中有 {} 条当前文件没有的操作，恢复后重新可见", p.added_operations);
    }
    if p.upgrade {
        s.push_str("  备份的数据库结构较旧，恢复后会自动升级\n");
    }
    s
}

fn check_cmd(path: &Path, json: bool, quick: bool) -> Result<()> {
    let conn = backup::connect(path, true)?;
    let r = check::check(&conn, &path.display().to_string(), if quick { Depth::Quick } else { Depth::Full });
    out(json, &r, render_check);
    if r.ok {
        Ok(())
    } else {
        Err(Error::Corrupt(r.verdict))
    }
}

fn render_check(r: &CheckReport) -> String {
    let mut s = format!("{}\n{}\n", r.path, r.verdict);
    for p in r.structure_problems.iter().chain(&r.problems).take(20) {
        let _ = writeln!(s, "  - {p}");
    }
    s
}

/// Bytes as people read them: "860 KB", "12.3 MB".
pub fn size(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else {
        format!("{:.0} KB", (b / 1e3).max(1.0))
    }
}
