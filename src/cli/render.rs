//! Human-readable text for the CLI (JSON output is the serialised core types).

use chrono::NaiveDate;
use jingdi::compensation::Item;
use jingdi::household::Household;
use jingdi::obstacle::Obstacle;
use jingdi::plot_work::{ChecklistItem, DemolitionDay, Pole};
use jingdi::project::{Project, WorkGroup};
use jingdi::report::changes::Changes;
use jingdi::report::clearance::{ClearanceItem, ClearanceKind};
use jingdi::report::history::HistoryEntry;
use jingdi::report::summary::Summary;
use jingdi::stage::StageEvent;
use jingdi::units::format_rate;
use jingdi::units::{format_m2, format_yuan};
use jingdi::visit::Visit;
use serde::Serialize;
use std::fmt::Write;

pub fn summary(s: &Summary) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} {}（截至 {}）", s.project_code, s.project_name, s.as_of);
    let _ = writeln!(
        o,
        "签约期限 {} 至 {}，{}",
        s.window_opens_on,
        s.window_closes_on,
        if s.days_left >= 0 {
            format!("剩余 {} 天", s.days_left)
        } else {
            format!("已过期限 {} 天", -s.days_left)
        }
    );
    let _ = writeln!(
        o,
        "总户数 {}，已签约 {}，签约率 {}",
        s.households_total,
        s.households_signed,
        format_rate(s.signing_rate)
    );
    let _ = writeln!(
        o,
        "签约面积 {}（总面积 {}，按面积签约率 {}）",
        format_m2(s.signed_area_centi),
        format_m2(s.total_area_centi),
        format_rate(s.area_signing_rate)
    );
    let _ = writeln!(o, "\n各阶段户数：");
    for st in &s.stages {
        let _ = writeln!(o, "  {:<8} {:>4}", st.name, st.households);
    }
    let _ = writeln!(o, "\n各组签约率（按签约率排序）：");
    for g in &s.groups {
        let _ = writeln!(
            o,
            "  {} 组长 {}：{}/{} 户 {}，已拆除 {}",
            g.group,
            g.leader.clone().unwrap_or_else(|| "—".into()),
            g.households_signed,
            g.households_total,
            format_rate(g.signing_rate),
            g.demolished
        );
    }
    let c = &s.compensation;
    let _ = writeln!(
        o,
        "\n补偿：已确认 {}，已支付 {}，确认未付 {}，测算中 {}",
        format_yuan(c.confirmed_fen),
        format_yuan(c.paid_fen),
        format_yuan(c.unpaid_confirmed_fen),
        format_yuan(c.estimated_fen)
    );
    if !s.obstacles_by_unit.is_empty() {
        let _ = writeln!(o, "\n未解决问题（按责任单位）：");
        for u in &s.obstacles_by_unit {
            let _ = writeln!(o, "  {}: {} 项未解决，{} 项逾期", u.responsible_unit, u.open, u.overdue);
        }
    }
    if !s.overdue_follow_ups.is_empty() {
        let _ = writeln!(o, "\n逾期未回访 {} 户：", s.overdue_follow_ups.len());
        for f in &s.overdue_follow_ups {
            let _ = writeln!(
                o,
                "  {} {}：应于 {} 回访（逾期 {} 天），{}",
                f.household_no, f.head_name, f.follow_up_on, f.days_overdue, f.next_step
            );
        }
    }
    o
}

pub fn clearance(p: &Project, items: &[ClearanceItem]) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{} 距净地还有 {} 项待办：", p.name, items.len());
    let kinds = [
        ClearanceKind::HouseholdNotDemolished,
        ClearanceKind::UnpaidCompensation,
        ClearanceKind::PoleNotRelocated,
        ClearanceKind::OpenObstacle,
        ClearanceKind::ChecklistOpen,
    ];
    for k in kinds {
        let of_kind: Vec<&ClearanceItem> = items.iter().filter(|i| i.kind == k).collect();
        if of_kind.is_empty() {
            continue;
        }
        let _ = writeln!(o, "\n【{}】{} 项", k.zh(), of_kind.len());
        for i in of_kind {
            let _ = writeln!(
                o,
                "  {}{}: {}{}",
                if i.overdue { "⚠ " } else { "" },
                i.title,
                i.detail,
                i.responsible.as_ref().map(|r| format!(" — {r}")).unwrap_or_default()
            );
        }
    }
    o
}

pub fn changes(c: &Changes) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "{}以来的变化：", c.since.map(|d| d.to_string()).unwrap_or_else(|| "项目开始".into()));
    for (title, list) in [
        ("新签约", &c.newly_signed),
        ("腾空交房", &c.vacated),
        ("拆除", &c.demolished),
        ("推进", &c.advanced),
        ("退回", &c.reverted),
    ] {
        if !list.is_empty() {
            let nos: Vec<&str> = list.iter().map(|s| s.household_no.as_str()).collect();
            let _ = writeln!(o, "  {title} {} 户：{}", list.len(), nos.join("、"));
        }
    }
    let _ = writeln!(o, "  新增问题 {} 项，解决问题 {} 项", c.obstacles_opened.len(), c.obstacles_resolved.len());
    let _ = writeln!(o, "  走访 {} 次，支付 {} 笔共 {}", c.visits, c.payments, format_yuan(c.paid_fen));
    for (a, n) in &c.operations_by_author {
        let _ = writeln!(o, "  {a}: {n} 次操作");
    }
    o
}

pub fn history(entries: &[HistoryEntry]) -> String {
    let mut o = String::new();
    for e in entries {
        let fields: Vec<String> = e.fields.0.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            o,
            "{} {} {} {}{} {} {}{}",
            e.recorded_at,
            e.author,
            e.action.id(),
            e.entity.id(),
            e.household_no.as_ref().map(|n| format!("[{n}]")).unwrap_or_default(),
            e.entity_id,
            fields.join(" "),
            e.reason.as_ref().map(|r| format!(" 原因：{r}")).unwrap_or_default()
        );
    }
    o
}

pub fn projects(ps: &[Project]) -> String {
    let mut o = String::new();
    for p in ps {
        let _ = writeln!(
            o,
            "{}  {}  {}{}{}  签约 {} 至 {}  {}",
            p.code, p.name, p.district, p.street, p.community, p.window_opens_on, p.window_closes_on, p.status
        );
    }
    if ps.is_empty() {
        o.push_str("（还没有项目；运行 `jingdi demo` 创建演示地块）\n");
    }
    o
}

pub fn households(hs: &[Household]) -> String {
    let mut o = String::new();
    for h in hs {
        let _ = writeln!(
            o,
            "{}  {}  {}  {}  {}",
            h.number,
            h.head_name,
            h.group_name,
            h.stage.zh(),
            format_m2(h.floor_area)
        );
    }
    o
}

#[derive(Serialize)]
pub struct HouseholdCard {
    pub household: Household,
    pub timeline: Vec<StageEvent>,
    pub items: Vec<Item>,
    pub visits: Vec<Visit>,
    pub obstacles: Vec<Obstacle>,
}

pub fn household_card(c: &HouseholdCard) -> String {
    let h = &c.household;
    let mut o = String::new();
    let _ = writeln!(o, "{} {}({})  {}  {}", h.number, h.head_name, h.group_name, h.stage.zh(), h.address);
    let _ = writeln!(
        o,
        "人口 {}  房屋面积 {}  占地 {}  结构 {}  特殊情况 {}",
        h.members_count,
        format_m2(h.floor_area),
        format_m2(h.land_area),
        h.structure,
        if h.special_circumstances.is_empty() { "无".into() } else { h.special_circumstances.join("、") }
    );
    let _ = writeln!(
        o,
        "关注：{}  难度：{}  策略：{}",
        h.concerns.join("、"),
        h.difficulty.map(|d| d.zh()).unwrap_or("未研判"),
        h.strategy
    );
    if let Some(no) = &h.agreement_no {
        let _ = writeln!(
            o,
            "协议 {no}  {}  {}  签约面积 {}",
            h.agreement_date.map(|d| d.to_string()).unwrap_or_default(),
            h.compensation_mode.map(|m| m.zh()).unwrap_or(""),
            h.signed_area.map(format_m2).unwrap_or_default()
        );
    }
    let _ = writeln!(o, "\n阶段：");
    for e in &c.timeline {
        let _ = writeln!(
            o,
            "  {} {} → {}({}){}",
            e.reached_on,
            e.from_stage.zh(),
            e.to_stage.zh(),
            e.recorded_by,
            e.reason.as_ref().map(|r| format!(" 原因：{r}")).unwrap_or_default()
        );
    }
    o.push_str("\n补偿：\n");
    o.push_str(&items(&c.items));
    o.push_str("\n走访（最新在前）：\n");
    o.push_str(&visits(&c.visits));
    if !c.obstacles.is_empty() {
        o.push_str("\n问题：\n");
        for ob in &c.obstacles {
            let _ = writeln!(o, "  {} [{}] {}", ob.title, ob.status.zh(), ob.resolution);
        }
    }
    o
}

pub fn items(items: &[Item]) -> String {
    let mut o = String::new();
    for i in items {
        let _ = writeln!(
            o,
            "  {} {:>16}  {}{}",
            i.label,
            format_yuan(i.amount),
            i.status.zh(),
            i.paid_on.map(|d| format!(" {d}")).unwrap_or_default()
        );
    }
    let total: i64 = items.iter().map(|i| i.amount).sum();
    let _ = writeln!(o, "  合计 {}", format_yuan(total));
    o
}

pub fn visits(vs: &[Visit]) -> String {
    let mut o = String::new();
    for v in vs {
        let _ = writeln!(
            o,
            "  {} {} {}: {}{}{}{}",
            v.visited_at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M"),
            v.kind.zh(),
            v.visitors.join("、"),
            v.outcome,
            if v.promises.is_empty() { String::new() } else { format!("；承诺：{}", v.promises) },
            if v.next_step.is_empty() { String::new() } else { format!("；下一步：{}", v.next_step) },
            v.follow_up_on.map(|d| format!("；回访 {d}")).unwrap_or_default()
        );
    }
    o
}

pub fn obstacles(os: &[Obstacle], as_of: NaiveDate) -> String {
    let mut o = String::new();
    for ob in os {
        let _ = writeln!(
            o,
            "{}{} [{}] {} {} {}{}",
            if ob.is_overdue(as_of) { "⚠ " } else { "" },
            ob.title,
            ob.status.zh(),
            ob.category.zh(),
            ob.responsible_unit,
            ob.due_on.map(|d| format!("期限 {d}")).unwrap_or_default(),
            ob.household_no.as_ref().map(|n| format!(" 户 {n}")).unwrap_or_default()
        );
    }
    o
}

pub fn poles(ps: &[Pole]) -> String {
    let mut o = String::new();
    for p in ps {
        let _ = writeln!(
            o,
            "{} {} {} {} [{}]{}",
            p.label,
            p.kind.zh(),
            p.owner_unit,
            p.location,
            p.status.zh(),
            p.status_on.map(|d| format!(" {d}")).unwrap_or_default()
        );
    }
    o
}

pub fn demolition_days(ds: &[DemolitionDay]) -> String {
    let mut o = String::new();
    for d in ds {
        let _ = writeln!(
            o,
            "{} 机械 {} 台 人员 {} 人 拆除 {} 户 {}",
            d.log_date,
            d.machines,
            d.workers,
            d.demolished.len(),
            d.notes
        );
    }
    o
}

pub fn checklist(cs: &[ChecklistItem]) -> String {
    let mut o = String::new();
    for c in cs {
        let _ = writeln!(
            o,
            "[{}] {}{}",
            if c.done { "x" } else { " " },
            c.title,
            c.done_on.map(|d| format!(" {d}")).unwrap_or_default()
        );
    }
    o
}

pub fn groups(gs: &[WorkGroup]) -> String {
    let mut o = String::new();
    for g in gs {
        let _ = writeln!(
            o,
            "{} 组长 {}  成员 {} 人",
            g.name,
            g.leader.clone().unwrap_or_else(|| "—".into()),
            g.members.len()
        );
    }
    o
}

pub fn import_report(r: &jingdi::sync::merge::ImportReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "已合并 {}（来自设备 {}{}）{}：新操作 {} 条（走访 {}，其他修改 {}），已有 {} 条，新冲突 {} 个{}",
        r.project_code,
        r.sender_device,
        if r.sender_name.is_empty() { String::new() } else { format!(" {}", r.sender_name) },
        if r.joined { "，本机已加入该项目" } else { "" },
        r.new_operations,
        r.visits,
        r.changes,
        r.known_operations,
        r.conflicts,
        if r.violations > 0 { format!("，违反规则待审核 {} 处", r.violations) } else { String::new() }
    );
    for (d, n) in &r.from_devices {
        let _ = writeln!(o, "  设备 {d}：{n} 条");
    }
    for h in &r.held_back {
        let _ = writeln!(o, "⚠ 未合并：{}", h.message);
    }
    o
}

pub fn folder_report(r: &jingdi::sync::folder::FolderReport) -> String {
    let mut o = format!("同步文件夹 {}\n", r.folder);
    for i in &r.imported {
        o.push_str(&import_report(i));
    }
    for f in &r.refused {
        let _ = writeln!(o, "⚠ 未导入 {}：[{}] {}", f.file, f.code, f.message);
    }
    let _ = writeln!(o, "已写出本机数据包 {}（{} 条操作）", r.exported.path, r.exported.operations);
    if let Some(f) = &r.files {
        o.push_str(&super::evidence::file_report(f));
    }
    o.push_str(&peers(&r.peers));
    o
}

pub fn peers(ps: &[jingdi::sync::folder::Peer]) -> String {
    let mut o = String::new();
    for p in ps {
        let _ = writeln!(o, "设备 {} {} 最近一次：{}（导入于 {}）", p.device_id, p.name, p.last_seen_at, p.imported_at);
    }
    o
}

pub fn conflicts(cs: &[jingdi::sync::conflicts::Conflict]) -> String {
    let mut o = String::new();
    if cs.is_empty() {
        o.push_str("没有待处理的冲突\n");
    }
    for c in cs {
        if let (Some(rule), Some(message)) = (&c.rule, &c.message) {
            let _ = writeln!(
                o,
                "{}[{rule}] {message}\n  a = 操作 {}（设备 {}） / b = 操作 {}（设备 {}）\n  键：{}",
                if c.resolved { "[已处理] " } else { "" },
                c.a.operation,
                c.a.device_id,
                c.b.operation,
                c.b.device_id,
                c.key
            );
            continue;
        }
        let _ = writeln!(
            o,
            "{}{} {}{} 字段 {}：a = {}（{} {} 设备 {}） / b = {}（{} {} 设备 {}），当前显示 {}\n  键：{}",
            if c.resolved { "[已处理] " } else { "" },
            c.entity.id(),
            c.entity_id,
            c.household_no.as_ref().map(|n| format!("[{n}]")).unwrap_or_default(),
            c.field,
            c.a.value,
            c.a.author,
            c.a.recorded_at,
            c.a.device_id,
            c.b.value,
            c.b.author,
            c.b.recorded_at,
            c.b.device_id,
            c.showing,
            c.key
        );
    }
    o
}

pub fn hub_reports(rs: &[jingdi::sync::hub::HubReport]) -> String {
    let mut o = String::new();
    for r in rs {
        let _ = writeln!(
            o,
            "项目 {} 经同步中心 {}：上传 {} 条（分 {} 批），收到 {} 条（分 {} 页）{}{}",
            r.project_code,
            r.url,
            r.pushed,
            r.pushes,
            r.pulled,
            r.pages,
            if r.joined { "，本机已加入该项目" } else { "" },
            if r.conflicts > 0 { format!("，发现 {} 处冲突待处理", r.conflicts) } else { String::new() },
        );
        if r.violations > 0 {
            let _ = writeln!(o, "  违反规则待审核 {} 处（jingdi conflicts）", r.violations);
        }
        for h in &r.held_back {
            let _ = writeln!(o, "  未合并：{h}");
        }
    }
    o
}

pub fn members(v: &jingdi::admission::MembersView) -> String {
    let mut out = String::new();
    if !v.closed {
        out.push_str(&format!(
            "项目 {} 尚未启用设备准入：所有设备都可写入。指挥部电脑运行 jingdi project admit 准入第一台设备时启用。\n",
            v.project_code
        ));
        return out;
    }
    out.push_str(&format!(
        "项目 {} 的准入设备{}\n",
        v.project_code,
        if v.owner_here { "（本机是指挥部电脑，可准入、撤销）" } else { "" }
    ));
    out.push_str("设备号    名称                角色            有效期                    状态\n");
    for m in &v.members {
        let until = m.valid_until.map_or("长期".to_string(), |d| d.to_string());
        let state = match (&m.revoked_after_seq, &m.revoke_reason) {
            (Some(n), r) => format!("已撤销（第 {n} 号后；{}）", r.as_deref().unwrap_or("")),
            (None, _) => "有效".into(),
        };
        let me = if m.device_id == v.this_device { " ← 本机" } else { "" };
        out.push_str(&format!(
            "{}  {:<18}  {:<14}  {} 至 {:<10}  {state}{me}\n",
            jingdi::admission::short(m.device_id),
            m.name,
            m.role.zh(),
            m.valid_from,
            until
        ));
    }
    out
}

pub fn district_overview(o: &jingdi::report::district::DistrictOverview) -> String {
    let mut s = String::new();
    let t = &o.totals;
    let _ = writeln!(
        s,
        "全区总览：{} 个地块，{} 户，已签约 {}（{}），已拆除 {}({})",
        t.plots,
        t.households_total,
        t.households_signed,
        format_rate(t.signing_rate),
        t.demolished,
        format_rate(t.demolished_rate)
    );
    let _ = writeln!(
        s,
        "补偿已确认 {}，已支付 {}；未解决问题 {} 项，逾期 {} 项；进度落后的地块 {} 个",
        format_yuan(t.confirmed_fen),
        format_yuan(t.paid_fen),
        t.obstacles_open,
        t.obstacles_overdue,
        t.plots_behind
    );
    for p in &o.plots {
        let _ = writeln!(s, "\n{} {}（{}，截至 {}）", p.code, p.name, p.community, p.as_of);
        let _ = writeln!(
            s,
            "  签约 {}/{} 户 {}，拆除 {} 户 {}；补偿已确认 {}，已支付 {}",
            p.households_signed,
            p.households_total,
            format_rate(p.signing_rate),
            p.demolished,
            format_rate(p.demolished_rate),
            format_yuan(p.confirmed_fen),
            format_yuan(p.paid_fen)
        );
        let _ = writeln!(s, "  {}", p.signing.sentence);
        let _ = writeln!(s, "  {}", p.clearance.sentence);
        if !p.obstacles_by_unit.is_empty() {
            let units: Vec<String> = p
                .obstacles_by_unit
                .iter()
                .map(|u| format!("{} {}（逾期 {}）", u.responsible_unit, u.open, u.overdue))
                .collect();
            let _ = writeln!(s, "  未解决问题：{}", units.join("、"));
        }
    }
    if !o.obstacles_by_unit.is_empty() {
        let _ = writeln!(s, "\n全区未解决问题（按责任单位）：");
        for u in &o.obstacles_by_unit {
            let _ = writeln!(s, "  {}: {} 项未解决，{} 项逾期", u.responsible_unit, u.open, u.overdue);
        }
    }
    s
}
