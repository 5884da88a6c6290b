//! `jingdi map import|show|export`, `jingdi stage list --on DATE`, `jingdi pace`.

use super::args::{MapCmd, MapFilterArgs, ProjectArg};
use super::{author, opt_date, out};
use jingdi::error::Result;
use jingdi::map::import::{self, FeatureStatus, ImportOptions, Preview};
use jingdi::map::view::{self, MapFilter};
use jingdi::map::{export, Layer};
use jingdi::report::{as_of, pace as pace_report};
use jingdi::{project, Db};
use std::fmt::Write;

fn filter(f: &MapFilterArgs) -> Result<MapFilter> {
    MapFilter::parse(f.on.as_deref(), f.group.as_deref(), f.stage.as_deref(), f.obstacle.as_deref())
}

fn render_preview(p: &Preview) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "文件：{}（{}，图层：{}）", p.file, p.format, p.layer.zh());
    let _ = writeln!(s, "坐标系：{}（来源：{}）", p.crs, p.crs_source);
    if let Some(e) = &p.encoding {
        let _ = writeln!(s, "属性表编码：{e}");
    }
    if let Some(k) = &p.key {
        let how = if p.key_suggested { "（未指定 --key，按匹配最多的字段选取）" } else { "" };
        let _ = writeln!(s, "匹配字段：{k}{how}");
    }
    let fields: Vec<String> = p.fields.iter().map(|f| format!("{}（{} 个匹配）", f.field, f.matches)).collect();
    if !fields.is_empty() {
        let _ = writeln!(s, "字段：{}", fields.join("、"));
    }
    let c = &p.counts;
    let _ = writeln!(
        s,
        "共 {} 个要素：匹配 {}，未匹配 {}，重复 {}，有错误 {}，跳过 {}，严重重叠 {}；将新增 {} 条，更新 {} 条，无变化 {} 条",
        c.total,
        c.matched,
        c.unmatched,
        c.duplicated,
        c.invalid,
        c.skipped,
        c.overlapping,
        c.create,
        c.update,
        c.unchanged
    );
    for (listed, f) in p.features.iter().filter(|f| !f.problems.is_empty()).enumerate() {
        if listed == 100 {
            let _ = writeln!(s, "  …… 其余从略（--json 可看全部）");
            break;
        }
        let tag = match f.status {
            FeatureStatus::Invalid => "错误",
            FeatureStatus::Unmatched => "未匹配",
            FeatureStatus::Skipped => "跳过",
            FeatureStatus::Matched => "提示",
        };
        let _ = writeln!(s, "  第 {} 个「{}」[{tag}] {}", f.index, f.key, f.problems.join(";"));
    }
    if !p.without_geometry.is_empty() {
        let shown: Vec<&str> = p.without_geometry.iter().take(20).map(String::as_str).collect();
        let more = if p.without_geometry.len() > 20 { " 等" } else { "" };
        let _ = writeln!(s, "导入后仍无图形的 {} 个：{}{more}", p.without_geometry.len(), shown.join("、"));
    }
    for n in &p.notes {
        let _ = writeln!(s, "说明：{n}");
    }
    s
}

pub fn run(db: &mut Db, json: bool, who: &Option<String>, cmd: MapCmd) -> Result<()> {
    match cmd {
        MapCmd::Import { file, project, layer, key, crs, skip, dry_run } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let options = ImportOptions { layer: Layer::parse(&layer)?, key, crs, skip };
            let preview = import::preview(db.conn(), &p, &file, &options)?;
            if dry_run || !preview.can_import {
                let v = serde_json::json!({ "preview": &preview, "imported": false });
                out(json, &v, |_| {
                    let mut t = render_preview(&preview);
                    if dry_run {
                        t.push_str("（试运行，未做任何修改）\n");
                    }
                    t
                });
                if !dry_run {
                    import::check(&preview)?;
                }
                return Ok(());
            }
            let who = author(who, db)?;
            let report = import::import_previewed(db, &who, &p, &preview)?;
            let v = serde_json::json!({ "preview": &preview, "imported": true, "report": &report });
            out(json, &v, |_| {
                format!(
                    "{}已导入{}：新增 {} 条，更新 {} 条，无变化 {} 条，未导入 {} 个要素（均记入操作日志）\n",
                    render_preview(&preview),
                    report.layer.zh(),
                    report.created,
                    report.updated,
                    report.unchanged,
                    report.not_stored
                )
            });
        }
        MapCmd::Show { project, filter: f } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let m = view::map(db.conn(), &p, &filter(&f)?)?;
            out(json, &m, |m| {
                let mut s = String::new();
                let _ = writeln!(s, "{} 挂图作战图，{}（数据截至 {}）", m.project_name, m.on, m.as_of);
                if !m.has_geometry {
                    let _ = writeln!(s, "尚未导入地图：jingdi map import 宗地图.shp --layer parcels --key 宗地号");
                }
                let _ = writeln!(
                    s,
                    "户：显示 {} / 共 {}，其中有图斑 {}",
                    m.households_shown, m.households_total, m.with_parcel
                );
                for l in &m.legend {
                    let _ = writeln!(s, "  {:<8} {:>5} 户  {}", l.name, l.count, l.colour);
                }
                let _ = writeln!(s, "杆线：");
                for l in &m.pole_legend {
                    let _ = writeln!(s, "  {:<8} {:>5} 根  {}", l.name, l.count, l.colour);
                }
                if !m.without_parcel.is_empty() {
                    let _ = writeln!(s, "无图斑的户 {} 个：{}", m.without_parcel.len(), m.without_parcel.join("、"));
                }
                let _ = writeln!(s, "{}", m.pace.signing.sentence());
                let _ = writeln!(s, "{}", m.pace.demolition.sentence());
                s
            });
        }
        MapCmd::Export { out: path, project, filter: f } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let r = export::export(db.conn(), &p, &filter(&f)?, &path)?;
            out(json, &r, |r| format!("已导出挂图作战图（{}，{}）到 {}\n", r.format.id(), r.on, r.path.display()));
        }
    }
    Ok(())
}

pub fn stage_list(db: &Db, json: bool, project: ProjectArg, on: Option<String>) -> Result<()> {
    let p = project::resolve(db.conn(), project.project.as_deref())?;
    let s = as_of::stages_on(db.conn(), &p, opt_date("on", &on)?)?;
    out(json, &s, |s| {
        let mut t = String::new();
        let _ = writeln!(t, "{} 各户阶段（{}）", p.name, s.date);
        for h in &s.households {
            let stage = h.stage.map_or("未登记", |st| st.zh());
            let _ = writeln!(t, "  {:<10} {:<6} {:<6} {stage}", h.number, h.head_name, h.group_name);
        }
        let counts: Vec<String> = s.stages.iter().map(|c| format!("{} {}", c.name, c.households)).collect();
        let _ = writeln!(
            t,
            "合计：{}{}",
            counts.join(","),
            if s.not_registered > 0 { format!("，未登记 {}", s.not_registered) } else { String::new() }
        );
        t
    });
    Ok(())
}

pub fn pace(db: &Db, json: bool, project: ProjectArg) -> Result<()> {
    let p = project::resolve(db.conn(), project.project.as_deref())?;
    let pc = pace_report::pace(db.conn(), &p)?;
    out(json, &pc, |pc| format!("截至 {}\n{}\n{}\n", pc.as_of, pc.signing.sentence(), pc.demolition.sentence()));
    Ok(())
}
