//! `jingdi attachment …`, `jingdi search TEXT` and `jingdi sync files`.

use super::args::{AttachmentCmd, ProjectArg, TargetArg};
use super::{author, out};
use jingdi::error::{Error, Result};
use jingdi::evidence::{self, transport, Attachment, NewAttachments};
use jingdi::search::{self, SearchHit};
use jingdi::vocab::{AttachTarget, AttachmentKind};
use jingdi::{household, plot_work, project, units, Db};
use std::fmt::Write;
use std::path::Path;
use uuid::Uuid;

fn id_arg(field: &'static str, s: &str) -> Result<Uuid> {
    Uuid::parse_str(s.trim()).map_err(|_| Error::invalid(field, format!("「{s}」不是记录编号（UUID）")))
}

fn target(db: &Db, project: &ProjectArg, t: &TargetArg) -> Result<(AttachTarget, Uuid)> {
    let p = || project::resolve(db.conn(), project.project.as_deref());
    Ok(if let Some(no) = &t.household {
        (AttachTarget::Household, household::by_number(db.conn(), p()?.id, no)?.id)
    } else if let Some(id) = &t.visit {
        (AttachTarget::Visit, id_arg("visit", id)?)
    } else if let Some(id) = &t.inventory_item {
        (AttachTarget::InventoryItem, id_arg("inventory_item", id)?)
    } else if let Some(id) = &t.item {
        (AttachTarget::CompensationItem, id_arg("item", id)?)
    } else if let Some(label) = &t.pole {
        (AttachTarget::Pole, plot_work::find_pole(db.conn(), p()?.id, label)?.id)
    } else if let Some(id) = &t.obstacle {
        (AttachTarget::Obstacle, id_arg("obstacle", id)?)
    } else if let Some(day) = &t.demolition_day {
        let date = units::parse_date("demolition_day", day)?;
        (AttachTarget::DemolitionLog, plot_work::demolition_log_id(p()?.id, date))
    } else {
        return Err(Error::invalid("target", "请指定附件所属的记录（--household、--visit、--pole 等）"));
    })
}

fn describe(a: &Attachment) -> String {
    let mut line = format!(
        "{} {} [{}] {}({},{:.1} KB)",
        a.id,
        if a.withdrawn { "[已撤回]" } else { "" },
        a.kind.zh(),
        a.file_name,
        a.format.zh(),
        a.size as f64 / 1024.0
    );
    let _ = write!(line, " 附于{} {}", a.target.zh(), a.target_id);
    if let Some(t) = &a.taken_at {
        let _ = write!(line, " 拍摄于 {t}");
    }
    if let (Some(la), Some(lo)) = (a.latitude_e7, a.longitude_e7) {
        let _ = write!(line, " 位置 {:.6}, {:.6}", la as f64 / 1e7, lo as f64 / 1e7);
    }
    let _ = write!(line, " {} 于 {} 附加 sha256 {}", a.attached_by, a.attached_at, a.sha256.short());
    if a.withdrawn {
        let _ = write!(
            line,
            ";{} 于 {} 撤回：{}",
            a.withdrawn_by.as_deref().unwrap_or(""),
            a.withdrawn_on.as_deref().unwrap_or(""),
            a.withdrawn_reason.as_deref().unwrap_or("")
        );
    }
    line.push('\n');
    line
}

fn list(items: &[Attachment]) -> String {
    if items.is_empty() {
        return "没有附件\n".into();
    }
    items.iter().map(describe).collect()
}

pub fn attachment_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: AttachmentCmd) -> Result<()> {
    match cmd {
        AttachmentCmd::Add { files, project, target: t, kind, note } => {
            let who = author(who, db)?;
            let (target, target_id) = target(db, &project, &t)?;
            let kind = AttachmentKind::parse(&kind)?;
            let files: Vec<(String, Vec<u8>)> =
                files.iter().map(|f| evidence::read_source(f)).collect::<Result<_>>()?;
            let added =
                evidence::attach(db, &who, &NewAttachments { target, target_id, kind, note: &note, files: &files })?;
            out(json, added.as_slice(), |a| format!("已附加 {} 个文件：\n{}", a.len(), list(a)));
        }
        AttachmentCmd::List { project, household, all } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let mut items = match household {
                Some(no) => evidence::for_household(db.conn(), household::by_number(db.conn(), p.id, &no)?.id)?,
                None => evidence::for_project(db.conn(), p.id)?,
            };
            items.retain(|a| all || !a.withdrawn);
            out(json, items.as_slice(), list);
        }
        AttachmentCmd::Save { id, out: to } => {
            let a = evidence::get(db.conn(), id_arg("id", &id)?)?;
            let bytes = evidence::save_copy(&evidence::store_of(db), &a, &to)?;
            let v = serde_json::json!({ "id": a.id, "path": to, "bytes": bytes, "sha256": a.sha256 });
            out(json, &v, |_| format!("已将「{}」另存为 {}（{bytes} 字节，校验一致）\n", a.file_name, to.display()));
        }
        AttachmentCmd::Withdraw { id, reason } => {
            let who = author(who, db)?;
            let id = id_arg("id", &id)?;
            let a = evidence::get(db.conn(), id)?;
            let p = project::get(db.conn(), a.project_id)?;
            let on = project::as_of(&p, None);
            db.write(&who, |tx| evidence::withdraw(tx, id, reason.as_deref().unwrap_or(""), on))?;
            let a = evidence::get(db.conn(), id)?;
            out(json, &a, |a| format!("已撤回（文件保留备查）：\n{}", describe(a)));
        }
        AttachmentCmd::Missing { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let m = evidence::missing(db.conn(), &evidence::store_of(db), p.id)?;
            out(json, m.as_slice(), |m| {
                if m.is_empty() {
                    "本机已有全部附件文件\n".into()
                } else {
                    let mut s = format!("本机还缺 {} 个附件文件（同步文件后补齐）：\n", m.len());
                    for h in m {
                        let _ = writeln!(s, "  {h}");
                    }
                    s
                }
            });
        }
    }
    Ok(())
}

pub fn file_report(f: &transport::FileSyncReport) -> String {
    let mut o = format!(
        "附件文件（{}）：发送 {} 个，收到 {} 个（{:.1} KB，均已校验）\n",
        f.carrier,
        f.sent,
        f.received,
        f.bytes_received as f64 / 1024.0
    );
    for r in &f.refused {
        let _ = writeln!(o, "⚠ 文件 {} 未接收：[{}] {}", r.sha256.short(), r.code, r.message);
    }
    if !f.still_missing.is_empty() {
        let _ = writeln!(o, "仍缺 {} 个文件（其他电脑尚未放入同步文件夹）", f.still_missing.len());
    }
    o
}

pub fn sync_files(db: &mut Db, json: bool, project: ProjectArg, path: &Path) -> Result<()> {
    let p = project::resolve(db.conn(), project.project.as_deref())?;
    let r = transport::sync_files(db, p.id, &transport::Folder::new(path, &p.code))?;
    out(json, &r, file_report);
    Ok(())
}

fn hits(h: &[SearchHit]) -> String {
    if h.is_empty() {
        return "没有找到\n".into();
    }
    let mut s = String::new();
    for x in h {
        let _ = writeln!(
            s,
            "{} {} {}({} {},{})  {}",
            x.number,
            x.head_name,
            x.stage.zh(),
            x.project_code,
            x.project_name,
            matched_zh(x.matched_by),
            x.address
        );
    }
    s
}

fn matched_zh(m: search::MatchedBy) -> &'static str {
    use search::MatchedBy::*;
    match m {
        Number => "户号",
        Name => "姓名",
        Initials => "拼音首字母",
        IdNumber => "身份证号",
        Phone => "电话",
        AgreementNo => "协议编号",
        Address => "地址",
    }
}

pub fn search(db: &Db, json: bool, text: &str, limit: usize) -> Result<()> {
    let h = search::search(db.conn(), text, limit)?;
    out(json, h.as_slice(), hits);
    Ok(())
}
