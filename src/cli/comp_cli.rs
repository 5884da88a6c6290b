//! `jingdi compensation ...`: standards, inventory, recalculation, the settlement sheet,
//! adjustments and the fairness list. Parsing and printing only; the rules are the core's.

use super::args::{AsOfArg, HouseholdArg, ItemArg, ProjectArg};
use super::{author, find_item, opt_date, out};
use clap::Subcommand;
use jingdi::compensation::fairness::{self, FairnessReport};
use jingdi::compensation::inventory::{self, InventoryItem};
use jingdi::compensation::sheet::{self, Sheet};
use jingdi::compensation::standards::{self, Standard, StandardInput};
use jingdi::compensation::{self, calc, capitals, format_price, format_quantity};
use jingdi::error::{Error, Result};
use jingdi::units::{self, format_m2, format_yuan};
use jingdi::{household, project, Db};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum CalculatedCmd {
    /// Recalculate items from the published standards (every household, or one)
    Recalc {
        #[command(flatten)]
        project: ProjectArg,
        /// Only this household
        #[arg(long, value_name = "NO")]
        household: Option<String>,
    },
    /// A household's settlement sheet: items with formulas, totals in figures and 大写
    Show {
        #[command(flatten)]
        project: ProjectArg,
        /// Household number (户号)
        #[arg(value_name = "HOUSEHOLD_NO")]
        household: String,
    },
    /// The fairness list (阳光征迁) a supervisor reviews before publication
    Fairness {
        #[command(flatten)]
        project: ProjectArg,
        /// Per-m² deviation threshold, percent (two decimals at most)
        #[arg(long, default_value = "5")]
        threshold: String,
        #[command(flatten)]
        as_of: AsOfArg,
    },
    /// Adjust a calculated item by hand: --by is the adjustment in 元 (+/-; 0 removes it)
    Adjust {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        item: ItemArg,
        #[arg(long, allow_hyphen_values = true)]
        by: String,
        /// Why (required; kept on the item and in the log)
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Confirm every item of a household still being estimated (测算 → 已确认)
    ConfirmAll {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        #[arg(long)]
        on: Option<String>,
    },
    /// The total written in the household's agreement, 元 (checked against the settlement)
    AgreementAmount {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        #[arg(long)]
        amount: String,
        /// Needed once the household has signed
        #[arg(long)]
        reason: Option<String>,
    },
    /// An appraised house value, 元, replacing area × structure price ("" clears it)
    Appraisal {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        #[arg(long)]
        amount: String,
        /// The basis, e.g. the appraisal report's number (required)
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// The plot's compensation standards (versioned unit prices)
    #[command(subcommand)]
    Standards(StandardsCmd),
    /// The crops-and-attachments inventory (地上附着物及青苗) of a household
    #[command(subcommand)]
    Inventory(InventoryCmd),
}

#[derive(Subcommand, Debug)]
pub enum StandardsCmd {
    /// Publish a new version from a JSON file ({"effective_on", "note", "rules": {...}}, amounts in fen)
    Publish {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long, value_name = "PATH")]
        file: PathBuf,
    },
    /// List the versions
    List {
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Show one version [default: the newest]
    Show {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        version: Option<i64>,
    },
}

#[derive(Subcommand, Debug)]
pub enum InventoryCmd {
    /// Record a surveyed item (catalogue code or name), then recalculate the household
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        /// Catalogue code or name, e.g. vegetables / 蔬菜
        #[arg(long)]
        item: String,
        /// In the catalogue's unit (two decimals at most)
        #[arg(long, allow_hyphen_values = true)]
        quantity: String,
        /// Who owns it, when not the household (paid to them)
        #[arg(long)]
        owner: Option<String>,
        #[arg(long)]
        surveyed_on: Option<String>,
        #[arg(long, default_value = "")]
        surveyor: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// List a household's inventory
    List {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
    },
    /// Correct a surveyed quantity (refused once its item is confirmed)
    Correct {
        #[arg(long)]
        id: String,
        #[arg(long, allow_hyphen_values = true)]
        quantity: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Withdraw a line entered by mistake (it stays in the record, marked)
    Withdraw {
        #[arg(long)]
        id: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
}

fn uuid(field: &'static str, s: &str) -> Result<uuid::Uuid> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| Error::invalid(field, format!("「{s}」不是有效的记录编号")))
}

pub fn run(db: &mut Db, json: bool, who: &Option<String>, cmd: CalculatedCmd) -> Result<()> {
    match cmd {
        CalculatedCmd::Recalc { project, household } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household.map(|n| household::by_number(db.conn(), p.id, &n)).transpose()?;
            let r = db.write(&who, |tx| calc::recalc(tx, p.id, h.map(|h| h.id)))?;
            out(json, &r, |r| {
                let mut o = format!(
                    "已按补偿标准计算 {} 户：新增 {} 项，更新 {} 项，未变 {} 项，已确认/已支付而保持不变 {} 项，不再适用置零 {} 项\n",
                    r.households, r.created, r.updated, r.unchanged, r.locked, r.voided
                );
                for pr in &r.problems {
                    let _ = writeln!(o, "  ⚠ {}: {}", pr.household_no, pr.problem);
                }
                o
            });
        }
        CalculatedCmd::Show { project, household } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household)?;
            let s = sheet::sheet(db.conn(), h.id)?;
            out(json, &s, render_sheet);
        }
        CalculatedCmd::Fairness { project, threshold, as_of } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let bp = units::parse_hundredths("threshold", &threshold)?;
            let r = fairness::fairness(db.conn(), &p, bp, opt_date("as_of", &as_of.as_of)?)?;
            out(json, &r, render_fairness);
        }
        CalculatedCmd::Adjust { project, item, by, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let it = find_item(db, &p, &item)?;
            let by = units::parse_signed_hundredths("adjustment", &by)?;
            db.write(&who, |tx| compensation::adjust(tx, it.id, by, &reason))?;
            let it = compensation::get(db.conn(), it.id)?;
            out(json, &it, |i| {
                format!(
                    "已调整「{}」：计算 {}，调整 {}，现 {}\n",
                    i.label,
                    format_yuan(i.calculated_amount.unwrap_or(0)),
                    format_yuan(i.adjustment),
                    format_yuan(i.amount)
                )
            });
        }
        CalculatedCmd::ConfirmAll { project, household, on } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let on = opt_date("confirmed_on", &on)?;
            let n = db.write(&who, |tx| {
                let on = match on {
                    Some(d) => d,
                    None => tx.today(),
                };
                compensation::confirm_household(tx, h.id, on)
            })?;
            let s = sheet::sheet(db.conn(), h.id)?;
            out(json, &s, |s| {
                format!(
                    "已确认户 {} 的 {n} 项补偿，已确认合计 {}\n",
                    s.household_no,
                    format_yuan(s.totals.confirmed_fen)
                )
            });
        }
        CalculatedCmd::AgreementAmount { project, household, amount, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let amount = if amount.trim().is_empty() {
                None
            } else {
                Some(units::parse_hundredths("agreement_amount", &amount)?)
            };
            db.write(&who, |tx| compensation::set_agreement_amount(tx, h.id, amount, reason.as_deref()))?;
            let s = sheet::sheet(db.conn(), h.id)?;
            out(json, &s.agreement, |a| agreement_line(a) + "\n");
        }
        CalculatedCmd::Appraisal { project, household, amount, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let amount = if amount.trim().is_empty() {
                None
            } else {
                Some(units::parse_hundredths("appraised_value", &amount)?)
            };
            db.write(&who, |tx| compensation::set_appraisal(tx, h.id, amount, &reason))?;
            let s = sheet::sheet(db.conn(), h.id)?;
            out(json, &s, render_sheet);
        }
        CalculatedCmd::Standards(cmd) => standards_cmd(db, json, who, cmd)?,
        CalculatedCmd::Inventory(cmd) => inventory_cmd(db, json, who, cmd)?,
    }
    Ok(())
}

fn standards_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: StandardsCmd) -> Result<()> {
    match cmd {
        StandardsCmd::Publish { project, file } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let text = std::fs::read_to_string(&file)?;
            let input: StandardInput = serde_json::from_str(&text)
                .map_err(|e| Error::invalid("file", format!("{} 不是有效的补偿标准 JSON: {e}", file.display())))?;
            let s = db.write(&who, |tx| standards::publish(tx, p.id, &input))?;
            out(json, &s, |s| {
                format!(
                    "已发布补偿标准第 {} 版，自 {} 起施行；请运行 `jingdi compensation recalc` 重新计算\n",
                    s.version, s.effective_on
                )
            });
        }
        StandardsCmd::List { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let list = standards::list(db.conn(), p.id)?;
            out(json, list.as_slice(), |l| {
                let mut o = String::new();
                for s in l {
                    let _ = writeln!(
                        o,
                        "第 {} 版  自 {} 起施行  发布人 {}  {}",
                        s.version, s.effective_on, s.published_by, s.note
                    );
                }
                if l.is_empty() {
                    o.push_str("尚未发布补偿标准\n");
                }
                o
            });
        }
        StandardsCmd::Show { project, version } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let s = match version {
                Some(v) => standards::by_version(db.conn(), p.id, v)?,
                None => standards::list(db.conn(), p.id)?
                    .pop()
                    .ok_or_else(|| Error::not_found("补偿标准", p.code.clone()))?,
            };
            out(json, &s, render_standard);
        }
    }
    Ok(())
}

fn inventory_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: InventoryCmd) -> Result<()> {
    match cmd {
        InventoryCmd::Add { project, household, item, quantity, owner, surveyed_on, surveyor, note } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let new = inventory::NewInventoryItem {
                code: item,
                quantity: units::parse_hundredths("quantity", &quantity)?,
                owner,
                surveyed_on: opt_date("surveyed_on", &surveyed_on)?,
                surveyor,
                note,
            };
            let id = db.write(&who, |tx| inventory::add(tx, h.id, &new))?;
            let it = inventory::get(db.conn(), id)?;
            out(json, &it, |i| {
                format!(
                    "已登记户 {} 的{} {}（编号 {}）\n",
                    h.number,
                    i.name,
                    format_quantity(i.quantity, &i.unit),
                    i.id
                )
            });
        }
        InventoryCmd::List { project, household } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let list = inventory::for_household(db.conn(), h.id)?;
            out(json, list.as_slice(), |l| l.iter().map(|i| inventory_line(i) + "\n").collect());
        }
        InventoryCmd::Correct { id, quantity, reason } => {
            let who = author(who, db)?;
            let id = uuid("id", &id)?;
            let q = units::parse_hundredths("quantity", &quantity)?;
            db.write(&who, |tx| inventory::set_quantity(tx, id, q, &reason))?;
            let it = inventory::get(db.conn(), id)?;
            out(json, &it, |i| format!("已更正：{}\n", inventory_line(i)));
        }
        InventoryCmd::Withdraw { id, reason } => {
            let who = author(who, db)?;
            let id = uuid("id", &id)?;
            db.write(&who, |tx| inventory::withdraw(tx, id, &reason))?;
            let it = inventory::get(db.conn(), id)?;
            out(json, &it, |i| format!("已撤销：{}\n", inventory_line(i)));
        }
    }
    Ok(())
}

fn inventory_line(i: &InventoryItem) -> String {
    format!(
        "{}{} {}{}{}{}  [{}]",
        if i.withdrawn { "（已撤销）" } else { "" },
        i.name,
        format_quantity(i.quantity, &i.unit),
        i.owner.as_ref().map(|o| format!("，权属人 {o}")).unwrap_or_default(),
        i.surveyed_on.map(|d| format!(",{d} 清点")).unwrap_or_default(),
        if i.surveyor.is_empty() { String::new() } else { format!("，清点人 {}", i.surveyor) },
        i.id
    )
}

fn agreement_line(a: &jingdi::compensation::sheet::AgreementCheck) -> String {
    match (a.agreement_amount_fen, a.agrees) {
        (Some(x), Some(true)) => format!("协议金额 {}，与结算合计一致", format_yuan(x)),
        (Some(x), _) => format!(
            "⚠ 协议金额 {} 与结算合计 {} 不一致，相差 {}",
            format_yuan(x),
            format_yuan(a.settlement_fen),
            format_yuan(a.difference_fen.unwrap_or(0))
        ),
        (None, _) => "协议金额：尚未录入".to_string(),
    }
}

pub fn render_sheet(s: &Sheet) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {}  {}  {} {}  {}{}",
        s.household_no,
        s.head_name,
        s.stage.zh(),
        s.structure,
        format_m2(s.floor_area),
        s.compensation_mode.map(|m| m.zh()).unwrap_or("补偿方式未定"),
        s.agreement_no.as_ref().map(|n| format!("  协议 {n}")).unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "补偿标准：{}",
        match (s.standard_version, s.standard_effective_on) {
            (Some(v), Some(d)) => format!("第 {v} 版（自 {d} 起施行）"),
            _ => "无".into(),
        }
    );
    let _ = writeln!(o);
    for (n, i) in s.items.iter().enumerate() {
        let _ = writeln!(
            o,
            "{:>2}. {}  {}  {}{}",
            n + 1,
            i.label,
            format_yuan(i.amount),
            i.status.zh(),
            match (i.paid_on, i.confirmed_on) {
                (Some(p), _) => format!(
                    " {p}{}{}",
                    i.voucher_no.as_ref().map(|v| format!(" 凭证 {v}")).unwrap_or_default(),
                    i.payee.as_ref().map(|p| format!(" 收款人 {p}")).unwrap_or_default()
                ),
                (None, Some(c)) => format!(" {c}"),
                _ => String::new(),
            }
        );
        if i.is_manual() {
            let _ =
                writeln!(o, "    手工录入{}", if i.note.is_empty() { String::new() } else { format!(": {}", i.note) });
        } else {
            let _ = writeln!(
                o,
                "    {}{}",
                i.formula,
                i.standard_version.map(|v| format!("  [标准第 {v} 版]")).unwrap_or_default()
            );
        }
        if i.adjustment != 0 {
            let _ = writeln!(
                o,
                "    ⚑ 手工调整 {}{}：{}（调整人 {}）",
                if i.adjustment > 0 { "+" } else { "-" },
                format_yuan(i.adjustment.abs()),
                i.adjustment_reason.as_deref().unwrap_or(""),
                i.adjusted_by.as_deref().unwrap_or("")
            );
        }
    }
    let t = &s.totals;
    let _ = writeln!(o, "\n合计（小写）：{}", t.total_figures);
    let _ = writeln!(o, "合计（大写）：{}", capitals::with_prefix(t.total_fen));
    let _ = writeln!(
        o,
        "测算 {}，已确认 {}（其中已支付 {}，确认未付 {}）",
        format_yuan(t.estimated_fen),
        format_yuan(t.confirmed_fen),
        format_yuan(t.paid_fen),
        format_yuan(t.unpaid_confirmed_fen)
    );
    let _ = writeln!(o, "{}", agreement_line(&s.agreement));
    if !s.inventory.is_empty() {
        let _ = writeln!(o, "\n地上附着物及青苗清点：");
        for i in &s.inventory {
            let _ = writeln!(o, "  {}", inventory_line(i));
        }
    }
    if s.pending_changes > 0 {
        let _ = writeln!(
            o,
            "\n⚠ 户情况或标准已变化，有 {} 项待重新计算（jingdi compensation recalc --household {}）",
            s.pending_changes, s.household_no
        );
    }
    for p in &s.problems {
        let _ = writeln!(o, "⚠ {p}");
    }
    o
}

pub fn render_fairness(r: &FairnessReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "阳光征迁复核清单 {}（截至 {}，单价偏离阈值 {}%）：核查 {} 户，需复核 {} 户",
        r.project_code,
        r.as_of,
        units::format_hundredths(r.threshold_bp).trim_end_matches(".00"),
        r.households_checked,
        r.households_flagged
    );
    for e in &r.entries {
        let _ = writeln!(o, "  {} {} 【{}】{}", e.household_no, e.head_name, e.kind_zh, e.detail);
    }
    o
}

pub fn render_standard(s: &Standard) -> String {
    let r = &s.rules;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "补偿标准第 {} 版，自 {} 起施行，发布人 {}{}",
        s.version,
        s.effective_on,
        s.published_by,
        if s.note.is_empty() { String::new() } else { format!(";{}", s.note) }
    );
    let _ = writeln!(o, "房屋价值（元/m²）：");
    for p in &r.house_prices {
        let _ = writeln!(o, "  {} {}", p.structure, format_price(p.price_fen));
    }
    let _ = writeln!(o, "搬迁费 {} 元/m²/次（产权调换计两次）", format_price(r.relocation_fen));
    let _ = writeln!(
        o,
        "临时安置费 {} 元/m²/月：货币补偿 {} 个月，产权调换 {} 个月",
        format_price(r.temp_resettlement_fen),
        r.temp_months_monetary,
        r.temp_months_swap
    );
    for t in &r.signing_tiers {
        let _ = writeln!(o, "签约奖励「{}」：{} 前签约 {}", t.label, t.until, format_yuan(t.amount_fen));
    }
    if let Some(by) = r.handover_by {
        let _ = writeln!(o, "按期交房奖励：{by} 前腾空交房 {}", format_yuan(r.handover_incentive_fen));
    }
    for sub in &r.subsidies {
        let _ = writeln!(o, "特殊困难补助「{}」：{}", sub.circumstance, format_yuan(sub.amount_fen));
    }
    if r.minimum_payout_fen > 0 {
        let _ = writeln!(o, "保底：{}", format_yuan(r.minimum_payout_fen));
    }
    let _ = writeln!(o, "地上附着物及青苗：");
    for c in &r.catalogue {
        let _ = writeln!(o, "  {}({}) {} 元/{}", c.name, c.code, format_price(c.price_fen), c.unit);
    }
    o
}
