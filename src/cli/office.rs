//! `jingdi import roster FILE [--dry-run]` and `jingdi export KIND --out FILE [--format]`.

use super::args::{ExportArgs, ImportCmd};
use super::{author, opt_date, out};
use jingdi::error::{Error, Result};
use jingdi::office::headers::{column_index, Field};
use jingdi::office::roster::{self, Action, ColumnChoice, ImportOptions, Preview};
use jingdi::office::{self, ExportKind, ExportOptions, Format};
use jingdi::{project, Db};
use std::fmt::Write;

/// "户号=B", "户号=宗地编号" (a header of the file), "电话=-" (do not import).
fn parse_map(spec: &str, headers: &[String]) -> Result<ColumnChoice> {
    let (f, c) = spec
        .split_once('=')
        .ok_or_else(|| Error::invalid("map", format!("「{spec}」应写成 字段=列，如 户号=B 或 户号=宗地编号")))?;
    let field = Field::parse(f).ok_or_else(|| {
        let names: Vec<&str> = Field::ALL.iter().map(|f| f.zh()).collect();
        Error::invalid("map", format!("未知字段「{f}」，可选：{}", names.join("、")))
    })?;
    let c = c.trim();
    if c == "-" || c.is_empty() {
        return Ok(ColumnChoice { field, column: None });
    }
    let norm = jingdi::office::headers::normalise(c);
    if let Some(i) = headers.iter().position(|h| jingdi::office::headers::normalise(h) == norm) {
        return Ok(ColumnChoice { field, column: Some(i) });
    }
    column_index(c)
        .map(|i| ColumnChoice { field, column: Some(i) })
        .ok_or_else(|| Error::invalid("map", format!("文件中没有名为「{c}」的列，也不是列字母（如 B）")))
}

fn render_preview(p: &Preview) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "文件：{}（{}{}，表头在第 {} 行）",
        p.file.display(),
        p.format_name,
        p.sheet.as_deref().map(|n| format!("，工作表「{n}」")).unwrap_or_default(),
        p.header_row
    );
    let _ = writeln!(s, "列映射：");
    for m in &p.mapping {
        match (&m.letter, &m.header) {
            (Some(l), Some(h)) => {
                let _ = writeln!(s, "  {:<6} ← {} 列「{}」", m.label, l, h);
            }
            _ => {
                let _ = writeln!(s, "  {:<6} ← （未找到{}）", m.label, if m.required { "，必需" } else { "" });
            }
        }
    }
    let unused: Vec<String> = p
        .columns
        .iter()
        .filter(|c| c.field.is_none() && !c.header.is_empty())
        .map(|c| format!("{} {}", c.letter, c.header))
        .collect();
    if !unused.is_empty() {
        let _ = writeln!(s, "不导入的列：{}", unused.join("、"));
    }
    let c = &p.counts;
    let _ = writeln!(
        s,
        "共 {} 行：新登记 {} 户，更新 {} 户，无变化 {} 户，跳过 {} 行，有问题 {} 行",
        p.rows.len(),
        c.create,
        c.update,
        c.unchanged,
        c.skipped,
        c.invalid
    );
    let updates: Vec<_> = p.rows.iter().filter(|r| r.action == Action::Update).collect();
    if !updates.is_empty() {
        let _ = writeln!(s, "更新明细：");
        for r in updates.iter().take(50) {
            let _ = writeln!(s, "  第 {} 行 {} {}：{}", r.row, r.number, r.head_name, r.changes.join(";"));
        }
        if updates.len() > 50 {
            let _ = writeln!(s, "  …… 另有 {} 户", updates.len() - 50);
        }
    }
    if !p.problems.is_empty() {
        let _ = writeln!(s, "问题（共 {} 处，须修改文件或用 --skip-row 跳过该行）：", p.problems.len());
        for pr in &p.problems {
            let _ = writeln!(s, "  {}", roster::describe(pr));
        }
    }
    s
}

pub fn import(db: &mut Db, json: bool, who: &Option<String>, cmd: ImportCmd) -> Result<()> {
    let ImportCmd::Roster { file, project, dry_run, skip_rows, map, header_row } = cmd;
    let p = project::resolve(db.conn(), project.project.as_deref())?;
    let mut opts = ImportOptions { mapping: Vec::new(), skip_rows, header_row };
    if !map.is_empty() {
        // Column names in --map refer to the file's headers: read them first.
        let first = roster::preview(db.conn(), &p, &file, &opts)?;
        let headers: Vec<String> = first.columns.iter().map(|c| c.header.clone()).collect();
        opts.mapping = map.iter().map(|m| parse_map(m, &headers)).collect::<Result<_>>()?;
    }
    let preview = roster::preview(db.conn(), &p, &file, &opts)?;
    if dry_run || !preview.ok {
        let v = serde_json::json!({ "preview": &preview, "imported": false });
        out(json, &v, |_| {
            let mut t = render_preview(&preview);
            t.push_str(if dry_run { "（试运行，未做任何修改）\n" } else { "" });
            t
        });
        if !preview.ok {
            return Err(roster::problems_error(&preview));
        }
        return Ok(());
    }
    let who = author(who, db)?;
    let report = roster::import_previewed(db, &who, &preview, |_, _| std::ops::ControlFlow::Continue(()))?;
    let v = serde_json::json!({ "preview": &preview, "imported": true, "report": &report });
    out(json, &v, |_| {
        format!(
            "{}已导入：新登记 {} 户，更新 {} 户（{} 项修改，均记入操作日志），无变化 {} 户，跳过 {} 行\n",
            render_preview(&preview),
            report.created,
            report.updated,
            report.fields_changed,
            report.unchanged,
            report.skipped
        )
    });
    Ok(())
}

pub fn export(db: &mut Db, json: bool, who: &Option<String>, a: ExportArgs) -> Result<()> {
    let p = project::resolve(db.conn(), a.project.project.as_deref())?;
    let kind = ExportKind::parse(&a.kind)?;
    let format = a.format.as_deref().map(Format::parse).transpose()?;
    let opts = ExportOptions {
        as_of: opt_date("as_of", &a.as_of.as_of)?,
        since: opt_date("since", &a.since)?,
        mask_names: a.mask_names,
        household: a.household,
        group: a.group,
        only: None,
    };
    let author = if kind.personal() { super::author(who, db)? } else { String::new() };
    let r = office::export_recorded(db, &author, &p, kind, format, &a.out, &opts)?;
    out(json, &r, |r| {
        format!("已导出{}（{}，截至 {}，{} 行）到 {}\n", kind.zh(), r.format.id(), r.as_of, r.rows, r.path.display())
    });
    Ok(())
}
