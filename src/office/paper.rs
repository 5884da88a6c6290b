//! The paper an office prints per household and has signed: the 补偿结算单 (every item
//! with its formula, totals in figures and capitals, the standard version, signature lines),
//! the 征收补偿告知书 and the 入户走访记录表 — one household, or a whole group in one file
//! with a page per household. Figures come from `compensation::sheet`, the same source as
//! `jingdi compensation show`, so paper and screen never disagree.

use super::docx::Doc;
use super::table::{col, Align, Cell, Sheet};
use crate::compensation::sheet::{self, Sheet as Settlement};
use crate::error::{Error, Result};
use crate::household::{self, Household};
use crate::project::{self, Project};
use crate::units::{format_hundredths, format_m2};
use crate::vocab::PaymentStatus;
use chrono::NaiveDate;
use rusqlite::Connection;

/// The households a per-household document is for: one by number, or a whole work group.
pub fn households_for(
    conn: &Connection,
    p: &Project,
    number: Option<&str>,
    group: Option<&str>,
) -> Result<Vec<Household>> {
    match (number.map(str::trim).filter(|s| !s.is_empty()), group.map(str::trim).filter(|s| !s.is_empty())) {
        (Some(no), None) => Ok(vec![household::by_number(conn, p.id, no)?]),
        (None, Some(g)) => {
            let gid = project::find_group(conn, p.id, g)?.ok_or_else(|| Error::not_found("工作组", g))?;
            let hs: Vec<Household> = household::list(conn, p.id)?.into_iter().filter(|h| h.group_id == gid).collect();
            if hs.is_empty() {
                return Err(Error::invalid("group", format!("工作组「{g}」没有住户")));
            }
            Ok(hs)
        }
        (Some(_), Some(_)) => Err(Error::invalid("household", "请只指定一户（--household）或一个工作组（--group）")),
        (None, None) => {
            Err(Error::invalid("household", "请指定住户（--household 户号）或工作组（--group 组名，整组批量）"))
        }
    }
}

fn heading_lines(doc: &mut Doc, p: &Project, h: &Household) {
    doc.line(&format!("项目：{}    户号：{}    责任组：{}", p.name, h.number, h.group_name));
    doc.line(&format!(
        "被征收人：{}    身份证号：{}    联系电话：{}",
        h.head_name,
        h.id_number.as_deref().unwrap_or("—"),
        if h.phone.is_empty() { "—" } else { &h.phone }
    ));
    doc.line(&format!("房屋坐落：{}", if h.address.is_empty() { "—" } else { &h.address }));
}

fn chinese_date(d: NaiveDate) -> String {
    d.format("%Y年%m月%d日").to_string()
}

/// One page: the settlement sheet of a household.
fn settlement_page(doc: &mut Doc, p: &Project, h: &Household, s: &Settlement) {
    doc.title("房屋征收补偿结算单");
    heading_lines(doc, p, h);
    doc.line(&format!(
        "房屋结构：{}    建筑面积：{} m²    补偿方式：{}",
        if s.structure.is_empty() { "—" } else { &s.structure },
        format_hundredths(s.floor_area),
        s.compensation_mode.map(|m| m.zh()).unwrap_or("未选定")
    ));
    doc.line(&format!(
        "协议编号：{}    签约日期：{}    补偿标准：{}",
        s.agreement_no.as_deref().unwrap_or("未签约"),
        s.agreement_date.map(chinese_date).unwrap_or_else(|| "—".into()),
        match (s.standard_version, s.standard_effective_on) {
            (Some(v), Some(on)) => format!("第 {v} 版（自 {} 起执行）", chinese_date(on)),
            _ => "未发布".into(),
        }
    ));
    let mut t = Sheet::new(
        "结算",
        String::new(),
        String::new(),
        vec![
            col("序号", 5.0, Align::Center),
            col("补偿项目", 16.0, Align::Left),
            col("计算方式", 40.0, Align::Left),
            col("金额（元）", 15.0, Align::Right),
            col("状态", 10.0, Align::Center),
        ],
    );
    for (i, it) in s.items.iter().enumerate() {
        let name =
            if it.label.is_empty() { it.kind.zh().to_string() } else { format!("{} {}", it.kind.zh(), it.label) };
        let mut how = if it.formula.is_empty() { "手工录入".to_string() } else { it.formula.clone() };
        if it.adjustment != 0 {
            how.push_str(&format!(
                "；调整 {} 元（{}）",
                format_hundredths(it.adjustment),
                it.adjustment_reason.as_deref().unwrap_or("")
            ));
        }
        let status = match (it.status, &it.voucher_no) {
            (PaymentStatus::Paid, Some(v)) => format!("已支付 {v}"),
            (st, _) => st.zh().to_string(),
        };
        t.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(name),
            Cell::Text(how),
            Cell::Money(it.amount),
            Cell::Text(status),
        ]);
    }
    t.total =
        Some(vec![Cell::Empty, Cell::Text("合计".into()), Cell::Empty, Cell::Money(s.totals.total_fen), Cell::Empty]);
    doc.table(&t);
    doc.line_bold(&format!("合计金额（小写）：¥{}", format_hundredths(s.totals.total_fen)));
    doc.line_bold(&format!("合计金额（大写）：{}", s.totals.total_capitals));
    doc.line(&format!(
        "其中已确认 {} 元，已支付 {} 元，测算中 {} 元。",
        format_hundredths(s.totals.confirmed_fen),
        format_hundredths(s.totals.paid_fen),
        format_hundredths(s.totals.estimated_fen)
    ));
    if let Some(a) = s.agreement.agreement_amount_fen {
        doc.line(&match s.agreement.difference_fen {
            Some(0) => format!("协议金额 {} 元，与结算合计一致。", format_hundredths(a)),
            Some(d) => {
                format!("协议金额 {} 元，与结算合计相差 {} 元，请核对。", format_hundredths(a), format_hundredths(d))
            }
            None => String::new(),
        });
    }
    if s.pending_changes > 0 {
        doc.line_bold(&format!(
            "注意：房屋情况或补偿标准已有变动，尚有 {} 项待重新计算，本单数字不是最终数字。",
            s.pending_changes
        ));
    }
    doc.signatures(&["被征收人", "征收工作组经办人", "财务审核人"]);
}

/// One page: the notice of compensation to a household.
fn notice_page(doc: &mut Doc, p: &Project, h: &Household, s: &Settlement, as_of: NaiveDate, leader: &str) {
    doc.title("房屋征收补偿告知书");
    doc.line(&format!("{}（户号 {}）：", h.head_name, h.number));
    let place: String = [p.city.as_str(), p.district.as_str()].concat();
    doc.para(&format!(
        "根据《国有土地上房屋征收与补偿条例》和{}人民政府的房屋征收决定，{}范围内的房屋依法实施征收。您位于{}的房屋（结构：{}，建筑面积 {}）在征收范围内。现将有关事项告知如下：",
        if place.is_empty() { "当地" } else { &place },
        p.name,
        if h.address.is_empty() { "征收范围内" } else { &h.address },
        if h.structure.is_empty() { "待核" } else { &h.structure },
        format_m2(h.floor_area)
    ));
    doc.para(&format!(
        "一、签约期限自 {} 起至 {} 止。期限内签约并按时腾空交房的，按公布的标准给予签约奖励和按期交房奖励。",
        chinese_date(p.window_opens_on),
        chinese_date(p.window_closes_on)
    ));
    doc.para("二、补偿方式为货币补偿或产权调换，由您自愿选择。");
    doc.para(&format!(
        "三、依据补偿标准{}和您房屋的调查登记结果，测算补偿金额合计 {} 元（大写：{}），各项明细见《房屋征收补偿结算单》。最终金额以签订的补偿协议为准。",
        match s.standard_version {
            Some(v) => format!("第 {v} 版"),
            None => String::new(),
        },
        format_hundredths(s.totals.total_fen),
        s.totals.total_capitals
    ));
    doc.para("四、对房屋调查登记或评估结果有异议的，可向征收工作组书面申请复核。");
    doc.para(&format!(
        "五、联系人：{}{}。",
        h.group_name,
        if leader.is_empty() { String::new() } else { format!(" {leader}") }
    ));
    let unit: String = [p.district.as_str(), p.street.as_str()].concat();
    doc.line(&format!("{}征迁指挥部", if unit.is_empty() { p.name.as_str() } else { &unit }));
    doc.line(&chinese_date(as_of));
    doc.signatures(&["被征收人签收", "送达人"]);
}

/// One page (or more): the record of a household's visits, oldest first.
fn visit_page(doc: &mut Doc, conn: &Connection, p: &Project, h: &Household) -> Result<()> {
    doc.title("入户走访记录表");
    heading_lines(doc, p, h);
    doc.line(&format!("当前阶段：{}", h.stage.zh()));
    let mut visits = crate::visit::for_household(conn, h.id)?;
    visits.reverse();
    let mut t = Sheet::new(
        "走访",
        String::new(),
        String::new(),
        vec![
            col("序号", 4.0, Align::Center),
            col("日期", 10.0, Align::Center),
            col("方式", 5.0, Align::Center),
            col("走访人员", 9.0, Align::Left),
            col("走访情况", 20.0, Align::Left),
            col("主要诉求", 10.0, Align::Left),
            col("承诺事项", 12.0, Align::Left),
            col("下一步/回访", 14.0, Align::Left),
        ],
    );
    for (i, v) in visits.iter().enumerate() {
        let next = match v.follow_up_on {
            Some(d) => format!("{}（回访 {d}）", v.next_step),
            None => v.next_step.clone(),
        };
        t.rows.push(vec![
            Cell::Int(i as i64 + 1),
            Cell::Text(v.visited_at.format("%Y-%m-%d").to_string()),
            Cell::Text(v.kind.zh().into()),
            Cell::Text(v.visitors.join("、")),
            Cell::Text(if v.corrects.is_some() { format!("（更正）{}", v.outcome) } else { v.outcome.clone() }),
            Cell::Text(v.concerns.join("、")),
            Cell::Text(v.promises.clone()),
            Cell::Text(next),
        ]);
    }
    if visits.is_empty() {
        t.rows.push(vec![
            Cell::Empty,
            Cell::Text("尚无走访记录".into()),
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    doc.table(&t);
    doc.signatures(&["走访人员", "被走访人"]);
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    Settlement,
    Notice,
    VisitRecord,
}

/// The document for these households, a page (or more) each, in household-number order.
pub fn document(
    conn: &Connection,
    p: &Project,
    paper: Paper,
    households: &[Household],
    as_of: NaiveDate,
) -> Result<Doc> {
    let mut doc = Doc::new(false);
    let leaders: Vec<(uuid::Uuid, String)> =
        project::groups(conn, p.id)?.into_iter().map(|g| (g.id, g.leader.unwrap_or_default())).collect();
    for (i, h) in households.iter().enumerate() {
        if i > 0 {
            doc.page_break();
        }
        match paper {
            Paper::Settlement => settlement_page(&mut doc, p, h, &sheet::sheet(conn, h.id)?),
            Paper::Notice => {
                let leader = leaders.iter().find(|(g, _)| *g == h.group_id).map(|(_, l)| l.as_str()).unwrap_or("");
                notice_page(&mut doc, p, h, &sheet::sheet(conn, h.id)?, as_of, leader)
            }
            Paper::VisitRecord => visit_page(&mut doc, conn, p, h)?,
        }
    }
    Ok(doc)
}
