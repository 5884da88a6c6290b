//! What each export holds, built from the core's reports. Every figure comes from
//! `report::summary`, `report::changes`, the household list and the compensation items,
//! never from a second calculation of the same thing.

use super::docx::Doc;
use super::table::{col, Align, Cell, Sheet};
use crate::error::Result;
use crate::idcard;
use crate::project::Project;
use crate::report::changes::{changes_since, Changes};
use crate::report::summary::{summary, Summary};
use crate::units::format_rate;
use crate::vocab::{CompensationKind, PaymentStatus, Stage};
use chrono::NaiveDate;
use rusqlite::Connection;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

fn unit_line(p: &Project) -> String {
    let unit: Vec<&str> = [p.district.as_str(), p.street.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
    if unit.is_empty() {
        String::new()
    } else {
        format!("填报单位：{}征迁指挥部    ", unit.join(""))
    }
}

pub(super) fn subtitle(p: &Project, as_of: NaiveDate) -> String {
    format!("{}截至 {}", unit_line(p), as_of.format("%Y年%m月%d日"))
}

/// Per group: households, signed, rate; floor area total and of signed households.
struct GroupAreas {
    floor_total: i64,
    floor_signed: i64,
}

fn group_areas(conn: &Connection, project: Uuid) -> Result<HashMap<String, GroupAreas>> {
    let mut out: HashMap<String, GroupAreas> = HashMap::new();
    for h in crate::household::list(conn, project)? {
        let e = out.entry(h.group_name.clone()).or_insert(GroupAreas { floor_total: 0, floor_signed: 0 });
        e.floor_total += h.floor_area;
        if h.stage.is_signed() {
            e.floor_signed += h.floor_area;
        }
    }
    Ok(out)
}

fn rate(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn m2_centi(m2: f64) -> i64 {
    (m2 * 100.0).round() as i64
}

// ------------------------------------------------------------------ 签约率汇总表

/// 签约率汇总表: per group with a 合计 row, the daily cumulative curve, households by stage.
pub fn signing_summary(conn: &Connection, p: &Project, s: &Summary) -> Result<Vec<Sheet>> {
    let areas = group_areas(conn, p.id)?;
    let mut groups = Sheet::new(
        "分组签约率",
        format!("{} 签约率汇总表", p.name),
        subtitle(p, s.as_of),
        vec![
            col("序号", 6.0, Align::Center),
            col("责任组", 12.0, Align::Center),
            col("组长", 10.0, Align::Center),
            col("总户数", 9.0, Align::Right),
            col("已签约户数", 11.0, Align::Right),
            col("户数签约率", 11.0, Align::Right),
            col("总建筑面积（m²）", 15.0, Align::Right),
            col("已签约户建筑面积（m²）", 18.0, Align::Right),
            col("面积签约率", 11.0, Align::Right),
            col("协议签约面积（m²）", 16.0, Align::Right),
            col("已拆除户数", 11.0, Align::Right),
        ],
    );
    let (mut floor_total, mut floor_signed, mut demolished) = (0, 0, 0);
    // A summary lists the groups in their fixed order (一二三四), not by rank.
    let mut in_order: Vec<_> = s.groups.iter().collect();
    in_order.sort_by_cached_key(|g| crate::project::group_order(&g.group));
    for (i, g) in in_order.into_iter().enumerate() {
        let a = areas.get(&g.group).map(|a| (a.floor_total, a.floor_signed)).unwrap_or((0, 0));
        floor_total += a.0;
        floor_signed += a.1;
        demolished += g.demolished;
        groups.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(&g.group),
            Cell::text(g.leader.clone().unwrap_or_default()),
            Cell::Int(g.households_total),
            Cell::Int(g.households_signed),
            Cell::Percent(g.signing_rate),
            Cell::Area(a.0),
            Cell::Area(a.1),
            Cell::Percent(rate(a.1, a.0)),
            Cell::Area(m2_centi(g.signed_area_m2)),
            Cell::Int(g.demolished),
        ]);
    }
    groups.total = Some(vec![
        Cell::Empty,
        Cell::text("合计"),
        Cell::Empty,
        Cell::Int(s.households_total),
        Cell::Int(s.households_signed),
        Cell::Percent(s.signing_rate),
        Cell::Area(s.total_area_centi),
        Cell::Area(floor_signed),
        Cell::Percent(s.area_signing_rate),
        Cell::Area(s.signed_area_centi),
        Cell::Int(demolished),
    ]);
    debug_assert_eq!(floor_total, s.total_area_centi);
    groups.notes = vec![
        format!(
            "签约期限 {} 至 {}，{}。",
            s.window_opens_on,
            s.window_closes_on,
            if s.days_left >= 0 {
                format!("剩余 {} 天", s.days_left)
            } else {
                format!("已过期限 {} 天", -s.days_left)
            }
        ),
        "户数签约率 = 已签约户数 ÷ 总户数；面积签约率 = 已签约户建筑面积 ÷ 总建筑面积；已签约含已腾空交房、已拆除。"
            .into(),
    ];
    groups.sign_off = true;

    let mut daily = Sheet::new(
        "每日签约进度",
        format!("{} 每日签约进度（累计）", p.name),
        subtitle(p, s.as_of),
        vec![
            col("日期", 13.0, Align::Center),
            col("当日签约户数", 13.0, Align::Right),
            col("累计签约户数", 13.0, Align::Right),
            col("累计签约率", 12.0, Align::Right),
            col("累计签约面积（m²）", 17.0, Align::Right),
        ],
    );
    for d in &s.daily {
        daily.rows.push(vec![
            Cell::Date(d.date),
            Cell::Int(d.signed),
            Cell::Int(d.cumulative_signed),
            Cell::Percent(d.cumulative_rate),
            Cell::Area(m2_centi(d.cumulative_area_m2)),
        ]);
    }

    let mut stages = Sheet::new(
        "阶段分布",
        format!("{} 各阶段户数", p.name),
        subtitle(p, s.as_of),
        vec![col("阶段", 16.0, Align::Center), col("户数", 10.0, Align::Right), col("占比", 10.0, Align::Right)],
    );
    for st in &s.stages {
        stages.rows.push(vec![
            Cell::text(st.name),
            Cell::Int(st.households),
            Cell::Percent(rate(st.households, s.households_total)),
        ]);
    }
    stages.total = Some(vec![
        Cell::text("合计"),
        Cell::Int(s.households_total),
        Cell::Percent(if s.households_total > 0 { 1.0 } else { 0.0 }),
    ]);
    Ok(vec![groups, daily, stages])
}

// ------------------------------------------------------------------ 被征收户台账

/// 被征收户台账: one row per household, internal (full ID number and phone: it stays in the office).
pub fn ledger(conn: &Connection, p: &Project, as_of: NaiveDate) -> Result<Vec<Sheet>> {
    let mut stage_on: HashMap<String, NaiveDate> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT e.household_id, max(e.reached_on) FROM stage_events e JOIN households h ON h.id = e.household_id
             WHERE h.project_id = ?1 GROUP BY e.household_id",
        )?;
        for r in stmt.query_map([p.id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, NaiveDate>(1)?)))? {
            let (h, d) = r?;
            stage_on.insert(h, d);
        }
    }
    let mut money: HashMap<String, (i64, i64)> = HashMap::new();
    {
        let mut stmt = conn.prepare(
            "SELECT c.household_id,
                    coalesce(sum(CASE WHEN c.status IN ('confirmed', 'paid') THEN c.amount END), 0),
                    coalesce(sum(CASE WHEN c.status = 'paid' THEN c.amount END), 0)
             FROM compensation_items c JOIN households h ON h.id = c.household_id
             WHERE h.project_id = ?1 GROUP BY c.household_id",
        )?;
        for r in stmt
            .query_map([p.id.to_string()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?
        {
            let (h, c, paid) = r?;
            money.insert(h, (c, paid));
        }
    }
    let mut s = Sheet::new(
        "被征收户台账",
        format!("{} 被征收户台账", p.name),
        subtitle(p, as_of),
        vec![
            col("序号", 6.0, Align::Center),
            col("户号", 10.0, Align::Center),
            col("户主", 9.0, Align::Center),
            col("身份证号", 20.0, Align::Center),
            col("联系电话", 13.0, Align::Center),
            col("房屋坐落", 24.0, Align::Left),
            col("人口", 6.0, Align::Right),
            col("建筑面积（m²）", 12.0, Align::Right),
            col("占地面积（m²）", 12.0, Align::Right),
            col("结构", 8.0, Align::Center),
            col("责任组", 9.0, Align::Center),
            col("当前阶段", 11.0, Align::Center),
            col("阶段日期", 11.0, Align::Center),
            col("协议编号", 12.0, Align::Center),
            col("签约日期", 11.0, Align::Center),
            col("补偿方式", 10.0, Align::Center),
            col("签约面积（m²）", 12.0, Align::Right),
            col("补偿已确认（元）", 15.0, Align::Right),
            col("补偿已支付（元）", 15.0, Align::Right),
        ],
    );
    let (mut floor, mut land, mut signed_area, mut confirmed, mut paid, mut people) = (0, 0, 0, 0, 0, 0);
    for (i, h) in crate::household::list(conn, p.id)?.into_iter().enumerate() {
        let key = h.id.to_string();
        let (c, pd) = money.get(&key).copied().unwrap_or((0, 0));
        floor += h.floor_area;
        land += h.land_area;
        signed_area += h.signed_area.unwrap_or(0);
        confirmed += c;
        paid += pd;
        people += h.members_count;
        s.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(h.number),
            Cell::Text(h.head_name),
            Cell::Text(h.id_number.unwrap_or_default()),
            Cell::Text(h.phone),
            Cell::Text(h.address),
            Cell::Int(h.members_count),
            Cell::Area(h.floor_area),
            Cell::Area(h.land_area),
            Cell::Text(h.structure),
            Cell::Text(h.group_name),
            Cell::text(h.stage.zh()),
            Cell::opt_date(stage_on.get(&key).copied()),
            Cell::Text(h.agreement_no.unwrap_or_default()),
            Cell::opt_date(h.agreement_date),
            Cell::text(h.compensation_mode.map(|m| m.zh()).unwrap_or("")),
            h.signed_area.map(Cell::Area).unwrap_or(Cell::Empty),
            Cell::Money(c),
            Cell::Money(pd),
        ]);
    }
    let n = s.rows.len() as i64;
    s.total = Some(vec![
        Cell::Empty,
        Cell::text("合计"),
        Cell::text(format!("{n} 户")),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Int(people),
        Cell::Area(floor),
        Cell::Area(land),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Area(signed_area),
        Cell::Money(confirmed),
        Cell::Money(paid),
    ]);
    s.notes = vec!["本台账含身份证号、联系电话等个人信息，仅供征迁工作内部使用，不得外传或公示。".into()];
    Ok(vec![s])
}

// ------------------------------------------------------------------ 阳光征迁 公示表

/// 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明 (first and last character kept).
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

/// The compensation kinds in the order of the vocabulary, with the labels offices print.
fn kind_header(k: CompensationKind) -> String {
    format!("{}（元）", k.zh())
}

/// 阳光征迁 公示表: per household the confirmed compensation by item and the total. Only
/// what may be public: masked ID number, no phone, optionally masked name; never concerns,
/// strategy, difficulty, visits or obstacles.
pub fn disclosure(conn: &Connection, p: &Project, as_of: NaiveDate, mask_names: bool) -> Result<Vec<Sheet>> {
    let households = crate::household::list(conn, p.id)?;
    let mut per: Vec<BTreeMap<CompensationKind, i64>> = Vec::with_capacity(households.len());
    let mut kinds_used: Vec<CompensationKind> = Vec::new();
    let mut estimated_left_out = 0usize;
    for h in &households {
        let mut m: BTreeMap<CompensationKind, i64> = BTreeMap::new();
        for it in crate::compensation::for_household(conn, h.id)? {
            if it.status == PaymentStatus::Estimated {
                estimated_left_out += 1;
                continue;
            }
            *m.entry(it.kind).or_default() += it.amount;
            if !kinds_used.contains(&it.kind) {
                kinds_used.push(it.kind);
            }
        }
        per.push(m);
    }
    kinds_used.sort();
    let mut columns = vec![
        col("序号", 6.0, Align::Center),
        col("户号", 10.0, Align::Center),
        col("被征收人", 10.0, Align::Center),
        col("身份证号", 21.0, Align::Center),
        col("房屋坐落", 24.0, Align::Left),
        col("建筑面积（m²）", 12.0, Align::Right),
        col("补偿方式", 10.0, Align::Center),
    ];
    for k in &kinds_used {
        columns.push(col(&kind_header(*k), 14.0, Align::Right));
    }
    columns.push(col("补偿合计（元）", 15.0, Align::Right));
    let mut s = Sheet::new("公示表", format!("{} 房屋征收补偿结果公示表", p.name), subtitle(p, as_of), columns);
    let mut totals = vec![0i64; kinds_used.len()];
    let mut floor = 0;
    for (i, (h, m)) in households.iter().zip(&per).enumerate() {
        floor += h.floor_area;
        let mut row = vec![
            Cell::Int(i as i64 + 1),
            Cell::text(&h.number),
            Cell::Text(if mask_names { mask_name(&h.head_name) } else { h.head_name.clone() }),
            Cell::Text(h.id_number.as_deref().map(idcard::mask).unwrap_or_default()),
            Cell::text(&h.address),
            Cell::Area(h.floor_area),
            Cell::text(h.compensation_mode.map(|m| m.zh()).unwrap_or("")),
        ];
        let mut sum = 0;
        for (k, t) in kinds_used.iter().zip(totals.iter_mut()) {
            let v = m.get(k).copied().unwrap_or(0);
            sum += v;
            *t += v;
            row.push(if m.contains_key(k) { Cell::Money(v) } else { Cell::Empty });
        }
        row.push(Cell::Money(sum));
        s.rows.push(row);
    }
    let mut total = vec![
        Cell::Empty,
        Cell::text("合计"),
        Cell::text(format!("{} 户", households.len())),
        Cell::Empty,
        Cell::Empty,
        Cell::Area(floor),
        Cell::Empty,
    ];
    total.extend(totals.iter().map(|t| Cell::Money(*t)));
    total.push(Cell::Money(totals.iter().sum()));
    s.total = Some(total);
    s.notes = vec![
        "公示金额为已确认（含已支付）的补偿项目；仍在测算中的项目不予公示。".into(),
        "如对公示内容有异议，请于公示期内向征迁指挥部书面反映。".into(),
    ];
    if estimated_left_out > 0 {
        s.notes.push(format!("另有 {estimated_left_out} 项补偿尚在测算，确认后另行公示。"));
    }
    Ok(vec![s])
}

// ------------------------------------------------------------------ 会商材料

fn days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

fn changes_sheet(title: &str, c: &Changes, group_of: &HashMap<String, String>) -> Sheet {
    let mut s = Sheet::new(
        "期间变化",
        title.to_string(),
        String::new(),
        vec![col("事项", 14.0, Align::Center), col("户数/项数", 10.0, Align::Right), col("明细", 60.0, Align::Left)],
    );
    let list = |v: &Vec<crate::report::changes::StageChange>| {
        v.iter()
            .map(|x| match group_of.get(&x.household_no) {
                Some(g) => format!("{}({})", x.household_no, g),
                None => x.household_no.clone(),
            })
            .collect::<Vec<_>>()
            .join("、")
    };
    s.rows.push(vec![Cell::text("新签约"), Cell::Int(c.newly_signed.len() as i64), Cell::Text(list(&c.newly_signed))]);
    s.rows.push(vec![Cell::text("腾空交房"), Cell::Int(c.vacated.len() as i64), Cell::Text(list(&c.vacated))]);
    s.rows.push(vec![Cell::text("拆除"), Cell::Int(c.demolished.len() as i64), Cell::Text(list(&c.demolished))]);
    if !c.reverted.is_empty() {
        s.rows.push(vec![Cell::text("阶段回退"), Cell::Int(c.reverted.len() as i64), Cell::Text(list(&c.reverted))]);
    }
    s.rows.push(vec![
        Cell::text("新增问题"),
        Cell::Int(c.obstacles_opened.len() as i64),
        Cell::Text(c.obstacles_opened.join(";")),
    ]);
    s.rows.push(vec![
        Cell::text("解决问题"),
        Cell::Int(c.obstacles_resolved.len() as i64),
        Cell::Text(c.obstacles_resolved.join(";")),
    ]);
    s.rows.push(vec![Cell::text("入户走访"), Cell::Int(c.visits), Cell::Empty]);
    s.rows.push(vec![
        Cell::text("补偿支付"),
        Cell::Int(c.payments),
        Cell::text(format!("{} 元", crate::units::format_hundredths(c.paid_fen))),
    ]);
    s
}

/// 会商材料: headline figures, what changed since the last meeting, open obstacles by
/// responsible unit with age and due date, overdue follow-ups, and the decisions needed.
/// `last`: the last meeting held by the brief's 截至 date (`meeting::last_held`), None if none.
pub fn meeting_brief(
    conn: &Connection,
    p: &Project,
    s: &Summary,
    since: NaiveDate,
    last: Option<NaiveDate>,
) -> Result<Doc> {
    let as_of = s.as_of;
    let c = changes_since(conn, p, Some(since), Some(s.as_of))?;
    let households = crate::household::list(conn, p.id)?;
    let group_of: HashMap<String, String> =
        households.iter().map(|h| (h.number.clone(), h.group_name.clone())).collect();
    let mut doc = Doc::new(false);
    doc.title(&format!("{}征迁工作会商材料", p.name));
    if !unit_line(p).is_empty() {
        doc.subtitle(unit_line(p).trim());
    }
    // Name the last meeting only when there was one, and say where the figures start.
    let ymd = |d: NaiveDate| d.format("%Y年%m月%d日").to_string();
    let start = match last {
        Some(m) if m == since => format!("上次会商 {}", ymd(m)),
        Some(m) => format!("变化自 {} 起；上次会商 {}", ymd(since), ymd(m)),
        None => format!("此前无会商记录，变化自 {} 起", ymd(since)),
    };
    doc.subtitle(&format!("截至 {}({start})", ymd(as_of)));

    doc.heading("一、总体进度");
    doc.para_lead(
        "签约：",
        &format!(
            "项目共 {} 户，已签约 {} 户，户数签约率 {}；总建筑面积 {} m²，面积签约率 {}。签约期限 {} 至 {}，{}。",
            s.households_total,
            s.households_signed,
            format_rate(s.signing_rate),
            crate::units::format_hundredths(s.total_area_centi),
            format_rate(s.area_signing_rate),
            s.window_opens_on,
            s.window_closes_on,
            if s.days_left >= 0 {
                format!("剩余 {} 天", s.days_left)
            } else {
                format!("已过期限 {} 天", -s.days_left)
            }
        ),
    );
    let stage_n = |st: Stage| s.stages.iter().find(|x| x.stage == st).map(|x| x.households).unwrap_or(0);
    doc.para_lead(
        "腾空与拆除：",
        &format!(
            "已腾空交房 {} 户，已拆除 {} 户，尚未拆除 {} 户。",
            stage_n(Stage::Vacated),
            stage_n(Stage::Demolished),
            s.households_total - stage_n(Stage::Demolished)
        ),
    );
    doc.para_lead(
        "补偿：",
        &format!(
            "已确认 {} 元，已支付 {} 元，确认未付 {} 元，测算中 {} 元。",
            crate::units::format_hundredths(s.compensation.confirmed_fen),
            crate::units::format_hundredths(s.compensation.paid_fen),
            crate::units::format_hundredths(s.compensation.unpaid_confirmed_fen),
            crate::units::format_hundredths(s.compensation.estimated_fen)
        ),
    );
    let mut groups = Sheet::new(
        "分组",
        String::new(),
        String::new(),
        vec![
            col("责任组", 10.0, Align::Center),
            col("组长", 8.0, Align::Center),
            col("总户数", 7.0, Align::Right),
            col("已签约", 7.0, Align::Right),
            col("签约率", 8.0, Align::Right),
            col("已拆除", 7.0, Align::Right),
        ],
    );
    let mut in_order: Vec<_> = s.groups.iter().collect();
    in_order.sort_by_cached_key(|g| crate::project::group_order(&g.group));
    for g in in_order {
        groups.rows.push(vec![
            Cell::text(&g.group),
            Cell::text(g.leader.clone().unwrap_or_default()),
            Cell::Int(g.households_total),
            Cell::Int(g.households_signed),
            Cell::Percent(g.signing_rate),
            Cell::Int(g.demolished),
        ]);
    }
    doc.table(&groups);

    doc.heading(&if last == Some(since) {
        format!("二、上次会商（{since}）以来的变化")
    } else {
        format!("二、{since} 以来的变化")
    });
    if c.newly_signed.is_empty()
        && c.vacated.is_empty()
        && c.demolished.is_empty()
        && c.obstacles_opened.is_empty()
        && c.obstacles_resolved.is_empty()
        && c.visits == 0
        && c.payments == 0
    {
        doc.para("期间无新的签约、交房、拆除、问题或支付记录。");
    } else {
        doc.table(&changes_sheet("", &c, &group_of));
    }

    doc.heading("三、未解决问题（按责任单位）");
    let open = crate::obstacle::list(conn, p.id, true)?;
    if open.is_empty() {
        doc.para("目前没有未解决的问题。");
    }
    let mut by_unit: BTreeMap<String, Vec<&crate::obstacle::Obstacle>> = BTreeMap::new();
    for o in &open {
        let unit = if o.responsible_unit.is_empty() {
            "（未指定责任单位）".to_string()
        } else {
            o.responsible_unit.clone()
        };
        by_unit.entry(unit).or_default().push(o);
    }
    for (unit, list) in &by_unit {
        let overdue = list.iter().filter(|o| o.is_overdue(as_of)).count();
        doc.para_lead(&format!("{unit}:"), &format!("{} 项未解决，其中逾期 {} 项。", list.len(), overdue));
        let mut t = Sheet::new(
            "问题",
            String::new(),
            String::new(),
            vec![
                col("问题", 27.0, Align::Left),
                col("涉及户", 11.0, Align::Center),
                col("提出日期", 14.0, Align::Center),
                col("已历天数", 7.0, Align::Right),
                col("办结期限", 14.0, Align::Center),
                col("状态", 11.0, Align::Center),
            ],
        );
        for o in list {
            let state = if o.is_overdue(as_of) {
                format!("逾期 {} 天", days(o.due_on.expect("overdue has a due date"), as_of))
            } else {
                o.status.zh().to_string()
            };
            t.rows.push(vec![
                Cell::text(&o.title),
                Cell::text(o.household_no.clone().unwrap_or_else(|| "全地块".into())),
                Cell::Date(o.raised_on),
                Cell::Int(days(o.raised_on, as_of)),
                Cell::opt_date(o.due_on),
                Cell::Text(state),
            ]);
        }
        doc.table(&t);
    }

    doc.heading("四、逾期未回访");
    if s.overdue_follow_ups.is_empty() {
        doc.para("无逾期未回访的户。");
    } else {
        let mut t = Sheet::new(
            "回访",
            String::new(),
            String::new(),
            vec![
                col("户号", 9.0, Align::Center),
                col("户主", 8.0, Align::Center),
                col("应回访日期", 11.0, Align::Center),
                col("逾期天数", 8.0, Align::Right),
                col("下一步", 30.0, Align::Left),
            ],
        );
        for f in &s.overdue_follow_ups {
            t.rows.push(vec![
                Cell::text(&f.household_no),
                Cell::text(&f.head_name),
                Cell::Date(f.follow_up_on),
                Cell::Int(f.days_overdue),
                Cell::text(&f.next_step),
            ]);
        }
        doc.table(&t);
    }

    doc.heading("五、需会商决定的事项");
    let mut n = 0;
    for o in open.iter().filter(|o| o.is_overdue(as_of)) {
        n += 1;
        doc.para(&format!(
            "{n}. 「{}」已逾期 {} 天（责任单位：{}），请明确办结时限和措施。",
            o.title,
            days(o.due_on.expect("overdue"), as_of),
            if o.responsible_unit.is_empty() { "未指定" } else { &o.responsible_unit }
        ));
    }
    for o in open.iter().filter(|o| o.responsible_unit.is_empty() || o.due_on.is_none()) {
        n += 1;
        doc.para(&format!(
            "{n}. 「{}」尚未明确{}，请确定。",
            o.title,
            if o.responsible_unit.is_empty() { "责任单位" } else { "办结期限" }
        ));
    }
    if s.compensation.unpaid_confirmed_fen > 0 {
        n += 1;
        doc.para(&format!(
            "{n}. 已确认未支付的补偿款 {} 元，请明确拨付时间。",
            crate::units::format_hundredths(s.compensation.unpaid_confirmed_fen)
        ));
    }
    if n == 0 {
        doc.para("本次无需会商决定的事项。");
    }
    Ok(doc)
}

// ------------------------------------------------------------------ 督导通报

/// 督导通报 tables: groups ranked by signing rate, by demolition, and the changes since
/// the previous bulletin per group.
pub fn bulletin_sheets(conn: &Connection, p: &Project, s: &Summary, since: NaiveDate) -> Result<Vec<Sheet>> {
    let c = changes_since(conn, p, Some(since), Some(s.as_of))?;
    let households = crate::household::list(conn, p.id)?;
    let group_of: HashMap<String, String> =
        households.iter().map(|h| (h.number.clone(), h.group_name.clone())).collect();
    let count_by_group = |v: &Vec<crate::report::changes::StageChange>| {
        let mut m: HashMap<String, i64> = HashMap::new();
        for x in v {
            if let Some(g) = group_of.get(&x.household_no) {
                *m.entry(g.clone()).or_default() += 1;
            }
        }
        m
    };
    let new_signed = count_by_group(&c.newly_signed);
    let new_demolished = count_by_group(&c.demolished);
    let sub = format!("{}（通报期间 {} 至 {}）", subtitle(p, s.as_of), since, s.as_of);

    let mut by_sign = Sheet::new(
        "签约排名",
        format!("{} 督导通报 — 各组签约进度排名", p.name),
        sub.clone(),
        vec![
            col("排名", 6.0, Align::Center),
            col("责任组", 12.0, Align::Center),
            col("组长", 10.0, Align::Center),
            col("总户数", 9.0, Align::Right),
            col("已签约户数", 11.0, Align::Right),
            col("签约率", 10.0, Align::Right),
            col("本期新增签约", 13.0, Align::Right),
        ],
    );
    // s.groups is already ranked by signing rate (ties by name).
    let sign_ranks = competition_ranks(s.groups.iter().map(|g| g.signing_rate));
    for (g, rank) in s.groups.iter().zip(sign_ranks) {
        by_sign.rows.push(vec![
            Cell::Int(rank as i64),
            Cell::text(&g.group),
            Cell::text(g.leader.clone().unwrap_or_default()),
            Cell::Int(g.households_total),
            Cell::Int(g.households_signed),
            Cell::Percent(g.signing_rate),
            Cell::Int(new_signed.get(&g.group).copied().unwrap_or(0)),
        ]);
    }
    by_sign.total = Some(vec![
        Cell::Empty,
        Cell::text("全项目"),
        Cell::Empty,
        Cell::Int(s.households_total),
        Cell::Int(s.households_signed),
        Cell::Percent(s.signing_rate),
        Cell::Int(c.newly_signed.len() as i64),
    ]);

    let mut demo_rank: Vec<_> = s.groups.iter().collect();
    demo_rank.sort_by(|a, b| {
        rate(b.demolished, b.households_total)
            .total_cmp(&rate(a.demolished, a.households_total))
            .then_with(|| a.group.cmp(&b.group))
    });
    let mut by_demo = Sheet::new(
        "拆除排名",
        format!("{} 督导通报 — 各组拆除进度排名", p.name),
        sub.clone(),
        vec![
            col("排名", 6.0, Align::Center),
            col("责任组", 12.0, Align::Center),
            col("组长", 10.0, Align::Center),
            col("总户数", 9.0, Align::Right),
            col("已拆除户数", 11.0, Align::Right),
            col("拆除率", 10.0, Align::Right),
            col("本期新增拆除", 13.0, Align::Right),
        ],
    );
    let mut demolished_total = 0;
    let demo_ranks = competition_ranks(demo_rank.iter().map(|g| rate(g.demolished, g.households_total)));
    for (g, rank) in demo_rank.iter().zip(demo_ranks) {
        let r = rate(g.demolished, g.households_total);
        demolished_total += g.demolished;
        by_demo.rows.push(vec![
            Cell::Int(rank as i64),
            Cell::text(&g.group),
            Cell::text(g.leader.clone().unwrap_or_default()),
            Cell::Int(g.households_total),
            Cell::Int(g.demolished),
            Cell::Percent(r),
            Cell::Int(new_demolished.get(&g.group).copied().unwrap_or(0)),
        ]);
    }
    by_demo.total = Some(vec![
        Cell::Empty,
        Cell::text("全项目"),
        Cell::Empty,
        Cell::Int(s.households_total),
        Cell::Int(demolished_total),
        Cell::Percent(rate(demolished_total, s.households_total)),
        Cell::Int(c.demolished.len() as i64),
    ]);

    let mut changes = changes_sheet(&format!("{} 督导通报 — 本期变化", p.name), &c, &group_of);
    changes.subtitle = sub;
    Ok(vec![by_sign, by_demo, changes])
}

/// 督导通报 as a Word document: the same three tables with a short lead paragraph.
pub fn bulletin_doc(p: &Project, s: &Summary, since: NaiveDate, sheets: &[Sheet]) -> Doc {
    let mut doc = Doc::new(false);
    doc.title(&format!("{}征迁工作督导通报", p.name));
    if !unit_line(p).is_empty() {
        doc.subtitle(unit_line(p).trim());
    }
    doc.subtitle(&format!("通报期间 {} 至 {}", since.format("%Y年%m月%d日"), s.as_of.format("%Y年%m月%d日")));
    let first = s.groups.first();
    let last = s.groups.last();
    doc.para(&format!(
        "截至 {}，项目共 {} 户，已签约 {} 户，签约率 {}。{}",
        s.as_of.format("%Y年%m月%d日"),
        s.households_total,
        s.households_signed,
        format_rate(s.signing_rate),
        match (first, last) {
            (Some(f), Some(l)) if s.groups.len() > 1 && f.signing_rate > l.signing_rate => format!(
                "签约率最高的是{}（{}），最低的是{}（{}），请{}加快进度。",
                f.group,
                format_rate(f.signing_rate),
                l.group,
                format_rate(l.signing_rate),
                l.group
            ),
            _ => "各组签约进度相同。".into(),
        }
    ));
    if let Some(demo) = sheets.get(1) {
        let name = |r: &Vec<Cell>| match &r[1] {
            Cell::Text(t) => t.clone(),
            _ => String::new(),
        };
        if let (Some(first), Some(last), Some(Cell::Int(total)), Some(Cell::Percent(r))) = (
            demo.rows.first(),
            demo.rows.last(),
            demo.total.as_ref().map(|t| t[4].clone()),
            demo.total.as_ref().map(|t| t[5].clone()),
        ) {
            let lead = if demo.rows.len() > 1 && first[5] != last[5] {
                format!("拆除进度{}最快，{}最慢。", name(first), name(last))
            } else {
                String::new()
            };
            doc.para(&format!("已拆除 {total} 户，拆除率 {}。{lead}", format_rate(r)));
        }
    }
    let headings = ["一、各组签约进度排名", "二、各组拆除进度排名", "三、本期变化"];
    for (h, sheet) in headings.iter().zip(sheets) {
        doc.heading(h);
        doc.table(sheet);
    }
    doc
}

pub(crate) fn summary_for(conn: &Connection, p: &Project, as_of: Option<NaiveDate>) -> Result<Summary> {
    summary(conn, p, as_of)
}

/// Ranks for values already sorted best first, ties sharing a rank ("1, 1, 3").
fn competition_ranks(sorted: impl Iterator<Item = f64>) -> Vec<usize> {
    let mut ranks = Vec::new();
    let mut prev: Option<f64> = None;
    let mut rank = 0;
    for (i, v) in sorted.enumerate() {
        if prev != Some(v) {
            rank = i + 1;
            prev = Some(v);
        }
        ranks.push(rank);
    }
    ranks
}

// ------------------------------------------------------------------ 全区总览

fn pace_cell(d: &crate::report::district::DeadlinePace) -> Cell {
    use crate::report::pace::PaceStatus;
    let verdict = match (d.status, d.on_time, d.days_margin) {
        (PaceStatus::Done, _, _) => "已完成".to_string(),
        (PaceStatus::Stalled, _, _) => "近 7 天无进展".to_string(),
        (PaceStatus::Projected, Some(true), Some(m)) => format!("预计提前 {m} 天"),
        (PaceStatus::Projected, Some(false), Some(m)) => format!("预计延误 {} 天", -m),
        (PaceStatus::Projected, _, _) => {
            d.reaches_on.map(|r| format!("预计 {r} 完成")).unwrap_or_else(|| "—".to_string())
        }
    };
    Cell::text(verdict)
}

/// 全区总览: one row per plot with a 合计 row; the open obstacles by responsible unit over the
/// district; and per plot and unit. Figures from `report::district::overview` as they are.
pub fn district_overview(o: &crate::report::district::DistrictOverview) -> Vec<Sheet> {
    let as_of = o.plots.iter().map(|p| p.as_of).max();
    let sub = match as_of {
        Some(d) => format!("共 {} 个地块，各地块截至其工作日期（最晚 {}）", o.totals.plots, d.format("%Y年%m月%d日")),
        None => "本机尚无地块".to_string(),
    };
    let mut plots = Sheet::new(
        "全区总览",
        "全区征收项目总览".to_string(),
        sub.clone(),
        vec![
            col("序号", 6.0, Align::Center),
            col("地块编号", 10.0, Align::Center),
            col("地块", 18.0, Align::Left),
            col("社区", 12.0, Align::Center),
            col("截至", 12.0, Align::Center),
            col("总户数", 9.0, Align::Right),
            col("已签约", 9.0, Align::Right),
            col("签约率", 9.0, Align::Right),
            col("已拆除", 9.0, Align::Right),
            col("净地进度", 9.0, Align::Right),
            col("已确认补偿（元）", 16.0, Align::Right),
            col("已支付（元）", 16.0, Align::Right),
            col("未解决问题", 10.0, Align::Right),
            col("其中逾期", 9.0, Align::Right),
            col("签约期限", 12.0, Align::Center),
            col("签约进度", 16.0, Align::Center),
            col("净地目标", 12.0, Align::Center),
            col("净地进度预计", 16.0, Align::Center),
        ],
    );
    for (i, p) in o.plots.iter().enumerate() {
        plots.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::text(&p.code),
            Cell::text(&p.name),
            Cell::text(&p.community),
            Cell::Date(p.as_of),
            Cell::Int(p.households_total),
            Cell::Int(p.households_signed),
            Cell::Percent(p.signing_rate),
            Cell::Int(p.demolished),
            Cell::Percent(p.demolished_rate),
            Cell::Money(p.confirmed_fen),
            Cell::Money(p.paid_fen),
            Cell::Int(p.obstacles_open),
            Cell::Int(p.obstacles_overdue),
            Cell::opt_date(p.signing.deadline),
            pace_cell(&p.signing),
            Cell::opt_date(p.clearance.deadline),
            pace_cell(&p.clearance),
        ]);
    }
    let t = &o.totals;
    plots.total = Some(vec![
        Cell::Empty,
        Cell::text("合计"),
        Cell::text(format!("{} 个地块", t.plots)),
        Cell::Empty,
        Cell::Empty,
        Cell::Int(t.households_total),
        Cell::Int(t.households_signed),
        Cell::Percent(t.signing_rate),
        Cell::Int(t.demolished),
        Cell::Percent(t.demolished_rate),
        Cell::Money(t.confirmed_fen),
        Cell::Money(t.paid_fen),
        Cell::Int(t.obstacles_open),
        Cell::Int(t.obstacles_overdue),
        Cell::Empty,
        Cell::text(format!("{} 个地块进度落后", t.plots_behind)),
        Cell::Empty,
        Cell::Empty,
    ]);
    plots.notes = vec![
        "签约率 = 已签约户数 ÷ 总户数（已签约含已腾空交房、已拆除）；净地进度 = 已拆除户数 ÷ 总户数。".into(),
        "进度按各地块近 7 天的速度推算达到 100% 的日期，与签约期限、净地目标比较。".into(),
    ];

    let mut units = Sheet::new(
        "问题按责任单位",
        "全区未解决问题（按责任单位）".to_string(),
        sub.clone(),
        vec![
            col("责任单位", 20.0, Align::Left),
            col("未解决", 10.0, Align::Right),
            col("其中逾期", 10.0, Align::Right),
        ],
    );
    for u in &o.obstacles_by_unit {
        units.rows.push(vec![Cell::text(&u.responsible_unit), Cell::Int(u.open), Cell::Int(u.overdue)]);
    }
    units.total = Some(vec![Cell::text("合计"), Cell::Int(t.obstacles_open), Cell::Int(t.obstacles_overdue)]);

    let mut per_plot = Sheet::new(
        "各地块问题",
        "各地块未解决问题（按责任单位）".to_string(),
        sub,
        vec![
            col("地块编号", 10.0, Align::Center),
            col("地块", 18.0, Align::Left),
            col("责任单位", 20.0, Align::Left),
            col("未解决", 10.0, Align::Right),
            col("其中逾期", 10.0, Align::Right),
        ],
    );
    for p in &o.plots {
        for u in &p.obstacles_by_unit {
            per_plot.rows.push(vec![
                Cell::text(&p.code),
                Cell::text(&p.name),
                Cell::text(&u.responsible_unit),
                Cell::Int(u.open),
                Cell::Int(u.overdue),
            ]);
        }
    }
    vec![plots, units, per_plot]
}
