//! Dispatch: parse, open the database, call the core, print text or JSON.
//! No rule lives here; the core validates everything.

mod args;
mod backup_cli;
mod comp_cli;
mod evidence;
mod map_cli;
mod office;
mod render;

use args::*;
use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use clap::Parser;
use jingdi::error::{Error, Result};
use jingdi::report::{changes, clearance, history, summary};
use jingdi::vocab::*;
use jingdi::{compensation, demo, household, obstacle, oplog, plot_work, project, stage, units, visit, Db};
use serde::Serialize;

/// Runs the CLI and returns the process exit code: 0 ok, 1 refused or failed, 2 bad usage.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let json = cli.json;
    match execute(cli) {
        Ok(()) => 0,
        Err(e) => {
            if json {
                eprintln!("{}", serde_json::to_string(&e.to_wire()).expect("error serialises"));
            } else {
                eprintln!("错误 [{}]: {e}", e.code());
            }
            1
        }
    }
}

fn out<T: Serialize + ?Sized>(json: bool, value: &T, text: impl FnOnce(&T) -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).expect("output serialises"));
    } else {
        print!("{}", text(value));
    }
}

fn date(field: &'static str, s: &str) -> Result<NaiveDate> {
    units::parse_date(field, s)
}

fn opt_date(field: &'static str, s: &Option<String>) -> Result<Option<NaiveDate>> {
    units::parse_opt_date(field, s.as_deref())
}

fn author(cli_author: &Option<String>, db: &Db) -> Result<String> {
    if let Some(a) = cli_author.clone().filter(|a| !a.trim().is_empty()) {
        return Ok(a);
    }
    if let Some(a) = std::env::var("JINGDI_AUTHOR").ok().filter(|a| !a.trim().is_empty()) {
        return Ok(a);
    }
    if let Some(a) = db.setting("operator")? {
        return Ok(a);
    }
    std::env::var("USER").ok().filter(|a| !a.trim().is_empty()).ok_or_else(|| {
        Error::invalid("author", "不知道操作人是谁：请用 --author 指定，或运行 `jingdi operator 姓名` 保存")
    })
}

fn execute(cli: Cli) -> Result<()> {
    let path = cli.db.clone().unwrap_or_else(jingdi::db::default_path);
    if let Some(done) = backup_cli::run(&path, cli.json, &cli.command) {
        return done;
    }
    let mut db = Db::open(&path)?;
    let json = cli.json;
    let who = || author(&cli.author, &db);

    match cli.command {
        Command::Demo { district: true, plots, households } => {
            let full = demo::district::Size::FULL;
            let plots = plots.unwrap_or(full.plots);
            if !(1..=full.plots).contains(&plots) {
                return Err(Error::invalid("plots", format!("地块数应在 1 到 {} 之间", full.plots)));
            }
            let households = households.unwrap_or(full.households * plots / full.plots);
            if !(20 * plots..=full.households).contains(&households) {
                return Err(Error::invalid(
                    "households",
                    format!("{plots} 个地块的户数应在 {} 到 {} 之间", 20 * plots, full.households),
                ));
            }
            let size = demo::district::Size { plots, households, visits: households * full.visits / full.households };
            let ids = demo::district::create(&mut db, size)?;
            let ps = ids.iter().map(|id| project::get(db.conn(), *id)).collect::<jingdi::Result<Vec<_>>>()?;
            out(json, ps.as_slice(), |ps| {
                format!("已创建演示区：{} 个地块（数据库 {}）\n\n{}", ps.len(), path.display(), render::projects(ps))
            });
        }
        Command::Demo { district: false, .. } => {
            let id = demo::create(&mut db)?;
            let p = project::get(db.conn(), id)?;
            let s = summary::summary(db.conn(), &p, None)?;
            out(json, &s, |s| {
                format!("已创建演示项目 {} {}（数据库 {}）\n\n{}", p.code, p.name, path.display(), render::summary(s))
            });
        }
        Command::Projects => {
            let ps = project::list(db.conn())?;
            out(json, ps.as_slice(), render::projects);
        }
        Command::ProjectAdd(a) => {
            let who = who()?;
            let np = jingdi::desk::ProjectInput {
                code: a.code,
                name: a.name,
                city: a.city,
                district: a.district,
                street: a.street,
                community: a.community,
                window_opens_on: a.opens,
                window_closes_on: a.deadline,
                clearance_target: a.target,
            }
            .parse()?;
            let id = db.write(&who, |tx| project::create(tx, &np))?;
            let p = project::get(db.conn(), id)?;
            out(json, &p, |p| format!("已创建项目 {} {}\n", p.code, p.name));
        }
        Command::Operator { name } => {
            if let Some(n) = name {
                if n.trim().is_empty() {
                    return Err(Error::invalid("operator", "操作人姓名不能为空"));
                }
                db.set_setting("operator", n.trim())?;
            }
            let current = db.setting("operator")?;
            let v = serde_json::json!({ "operator": current, "device_id": db.device_id() });
            out(json, &v, |_| {
                format!(
                    "操作人：{}\n本机设备号：{}\n",
                    current.clone().unwrap_or_else(|| "（未设置）".into()),
                    db.device_id()
                )
            });
        }
        Command::Summary { project, as_of } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let s = summary::summary(db.conn(), &p, opt_date("as_of", &as_of.as_of)?)?;
            out(json, &s, render::summary);
        }
        Command::Clearance { project, as_of } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let items = clearance::clearance(db.conn(), &p, opt_date("as_of", &as_of.as_of)?)?;
            out(json, &items, |i| render::clearance(&p, i));
        }
        Command::Changes { project, since } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let c = changes::changes_since(db.conn(), &p, opt_date("since", &since)?, Some(project::as_of(&p, None)))?;
            out(json, &c, render::changes);
        }
        Command::Log { project, since, entity, by, limit } => {
            let p = match project.project.as_deref() {
                Some(code) => Some(project::resolve(db.conn(), Some(code))?),
                None => None,
            };
            let entity = match entity {
                None => None,
                Some(e) => Some(match uuid::Uuid::parse_str(e.trim()) {
                    Ok(id) => id,
                    Err(_) => {
                        let p = match &p {
                            Some(p) => p.clone(),
                            None => project::resolve(db.conn(), None)?,
                        };
                        household::by_number(db.conn(), p.id, &e)?.id
                    }
                }),
            };
            let f = history::HistoryFilter {
                project: p.map(|p| p.id),
                since: opt_date("since", &since)?,
                entity,
                author: by,
                limit,
            };
            let entries = history::history(db.conn(), &f)?;
            out(json, entries.as_slice(), render::history);
        }
        Command::Dump => {
            print!("{}", oplog::replay::dump(db.conn())?);
        }
        Command::Verify => {
            let live = oplog::replay::dump(db.conn())?;
            let rebuilt = oplog::replay::rebuilt_dump(db.conn())?;
            let ok = live == rebuilt;
            let v = serde_json::json!({ "consistent": ok, "operations": oplog::replay::all_ops(db.conn())?.len() });
            out(json, &v, |v| {
                format!(
                    "{}（操作日志 {} 条）\n",
                    if ok {
                        "一致：由操作日志重建的数据与现有数据完全相同"
                    } else {
                        "不一致：由操作日志重建的数据与现有数据不同"
                    },
                    v["operations"]
                )
            });
            if !ok {
                return Err(Error::Corrupt("由操作日志重建的数据与现有数据不一致".into()));
            }
        }
        Command::Household(cmd) => household_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Stage(StageCmd::Set { project, household, to, reason, on }) => {
            let who = who()?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let to = Stage::parse(&to)?;
            let on = opt_date("on", &on)?;
            db.write(&who, |tx| {
                let on = match on {
                    Some(d) => d,
                    None => tx.today(),
                };
                stage::set(tx, h.id, to, on, reason.as_deref())
            })?;
            let h = household::get(db.conn(), h.id)?;
            out(json, &h, |h| format!("户 {} 现为「{}」\n", h.number, h.stage.zh()));
        }
        Command::Stage(StageCmd::List { project, on }) => map_cli::stage_list(&db, json, project, on)?,
        Command::Map(cmd) => map_cli::run(&mut db, json, &cli.author, cmd)?,
        Command::Pace { project } => map_cli::pace(&db, json, project)?,
        Command::Visit(cmd) => visit_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Obstacle(cmd) => obstacle_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Compensation(cmd) => compensation_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Payment(PaymentCmd::Record { project, item, on, voucher, payee, amount }) => {
            let who = who()?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let it = find_item(&db, &p, &item)?;
            let on = opt_date("on", &on)?;
            let amount = amount.map(|a| units::parse_hundredths("amount", &a)).transpose()?;
            db.write(&who, |tx| {
                let on = match on {
                    Some(d) => d,
                    None => tx.today(),
                };
                let payment = compensation::Payment {
                    paid_on: on,
                    voucher_no: voucher.clone(),
                    payee: payee.clone(),
                    amount_fen: amount,
                };
                compensation::pay_with(tx, it.id, &payment)
            })?;
            let it = compensation::get(db.conn(), it.id)?;
            out(json, &it, |i| format!("已支付「{}」{}\n", i.label, units::format_yuan(i.amount)));
        }
        Command::Pole(cmd) => pole_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Demolition(cmd) => demolition_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Checklist(cmd) => checklist_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Group(cmd) => group_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Import(cmd) => office::import(&mut db, json, &cli.author, cmd)?,
        Command::Export(a) => office::export(&mut db, json, &cli.author, a)?,
        Command::Sync(cmd) => sync_cmd(&mut db, json, cmd)?,
        Command::Project(cmd) => project_cmd(&mut db, json, &cli.author, cmd)?,
        Command::District(DistrictCmd::Overview { out: None }) => {
            out(json, &jingdi::report::district::overview(db.conn())?, render::district_overview);
        }
        Command::District(DistrictCmd::Overview { out: Some(path) }) => {
            let r = jingdi::office::export_district(db.conn(), None, &path)?;
            out(json, &r, |r| format!("已写出全区总览（{} 个地块）到 {}\n", r.plots, r.path.display()));
        }
        Command::Conflicts { project, all, action } => conflicts_cmd(&mut db, json, &cli.author, project, all, action)?,
        // Run by backup_cli before the database is opened.
        Command::Backup(_) | Command::Restore { .. } | Command::Check { .. } => {}
        Command::Attachment(cmd) => evidence::attachment_cmd(&mut db, json, &cli.author, cmd)?,
        Command::Search { text, limit } => evidence::search(&db, json, &text, limit)?,
    }
    Ok(())
}

fn find_item(db: &Db, p: &project::Project, item: &ItemArg) -> Result<compensation::Item> {
    let h = household::by_number(db.conn(), p.id, &item.household.household)?;
    compensation::find(db.conn(), h.id, CompensationKind::parse(&item.kind)?, item.label.as_deref())
}

fn household_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: HouseholdCmd) -> Result<()> {
    match cmd {
        HouseholdCmd::List { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let hs = household::list(db.conn(), p.id)?;
            out(json, hs.as_slice(), render::households);
        }
        HouseholdCmd::Show { project, household } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let card = render::HouseholdCard {
                timeline: stage::timeline(db.conn(), h.id)?,
                items: compensation::for_household(db.conn(), h.id)?,
                visits: visit::for_household(db.conn(), h.id)?,
                obstacles: obstacle::list(db.conn(), p.id, false)?
                    .into_iter()
                    .filter(|o| o.household_id == Some(h.id))
                    .collect(),
                household: h,
            };
            out(json, &card, render::household_card);
        }
        HouseholdCmd::Add(a) => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), a.project.project.as_deref())?;
            let nh = household::NewHousehold {
                number: a.number,
                head_name: a.head,
                id_number: a.id_number,
                phone: a.phone,
                address: a.address,
                members_count: a.members,
                special_circumstances: household::split_tags(&a.special),
                floor_area: units::parse_hundredths("floor_area", &a.floor_area)?,
                land_area: units::parse_hundredths("land_area", &a.land_area)?,
                structure: a.structure,
                group: a.group,
                concerns: household::split_tags(&a.concerns),
            };
            let id = db.write(&who, |tx| household::register(tx, p.id, &nh))?;
            let h = household::get(db.conn(), id)?;
            out(json, &h, |h| format!("已登记户 {} {}\n", h.number, h.head_name));
        }
        HouseholdCmd::Set { project, household, field, value, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            db.write(&who, |tx| household::set(tx, h.id, &field, &value, reason.as_deref()))?;
            let h = household::get(db.conn(), h.id)?;
            out(json, &h, |h| format!("已修改户 {} 的 {field}\n", h.number));
        }
        HouseholdCmd::Assess { project, household, difficulty, strategy } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let d = Difficulty::parse(&difficulty)?;
            db.write(&who, |tx| household::assess(tx, h.id, d, &strategy))?;
            let h = household::get(db.conn(), h.id)?;
            out(json, &h, |h| format!("户 {} 研判：难度「{}」\n", h.number, d.zh()));
        }
        HouseholdCmd::Agreement { project, household, number, date: d, mode, area, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let a = household::Agreement {
                agreement_no: number,
                agreement_date: date("agreement_date", &d)?,
                compensation_mode: CompensationMode::parse(&mode)?,
                signed_area: units::parse_hundredths("signed_area", &area)?,
            };
            db.write(&who, |tx| household::record_agreement(tx, h.id, &a, reason.as_deref()))?;
            let h = household::get(db.conn(), h.id)?;
            out(json, &h, |h| format!("已记录户 {} 的协议 {}\n", h.number, h.agreement_no.clone().unwrap_or_default()));
        }
    }
    Ok(())
}

fn parse_instant(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    let s = s.trim();
    let local = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .or_else(|_| date("at", s).map(|d| d.and_hms_opt(12, 0, 0).expect("noon")))
        .map_err(|_| Error::invalid("at", format!("「{s}」不是有效时间（YYYY-MM-DD 或 YYYY-MM-DDTHH:MM）")))?;
    chrono::Local
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok_or_else(|| Error::invalid("at", format!("「{s}」在本地时区不存在")))
}

fn visit_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: VisitCmd) -> Result<()> {
    match cmd {
        VisitCmd::Add {
            project,
            household,
            kind,
            at,
            visitors,
            outcome,
            concerns,
            promises,
            next_step,
            follow_up,
            corrects,
        } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let v = visit::NewVisit {
                visited_at: at.as_deref().map(parse_instant).transpose()?,
                visitors: household::split_tags(&visitors),
                kind: Some(VisitKind::parse(&kind)?),
                outcome,
                concerns: household::split_tags(&concerns),
                promises,
                next_step,
                follow_up_on: opt_date("follow_up_on", &follow_up)?,
                corrects: corrects
                    .as_deref()
                    .map(|c| {
                        uuid::Uuid::parse_str(c.trim())
                            .map_err(|_| Error::invalid("corrects", format!("「{c}」不是走访记录 id")))
                    })
                    .transpose()?,
            };
            let id = db.write(&who, |tx| visit::add(tx, h.id, &v))?;
            let v = serde_json::json!({ "id": id, "household": h.number });
            out(json, &v, |_| format!("已记录户 {} 的走访 {id}\n", h.number));
        }
        VisitCmd::List { project, household } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let vs = visit::for_household(db.conn(), h.id)?;
            out(json, vs.as_slice(), render::visits);
        }
    }
    Ok(())
}

fn obstacle_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: ObstacleCmd) -> Result<()> {
    match cmd {
        ObstacleCmd::Add { project, title, category, household, unit, person, raised, due, blocks } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let hh =
                household.as_deref().map(|n| household::by_number(db.conn(), p.id, n).map(|h| h.id)).transpose()?;
            let category = ObstacleCategory::parse(&category)?;
            let blocks = blocks.as_deref().map(Stage::parse).transpose()?;
            let raised = opt_date("raised_on", &raised)?;
            let due = opt_date("due_on", &due)?;
            let id = db.write(&who, |tx| {
                let raised_on = match raised {
                    Some(d) => d,
                    None => tx.today(),
                };
                let o = obstacle::NewObstacle {
                    title,
                    category,
                    household: hh,
                    responsible_unit: unit,
                    responsible_person: person,
                    raised_on,
                    due_on: due,
                    blocks_stage: blocks,
                };
                obstacle::add(tx, p.id, &o)
            })?;
            let o = obstacle::get(db.conn(), id)?;
            out(json, &o, |o| format!("已登记问题「{}」（{}）\n", o.title, o.id));
        }
        ObstacleCmd::Start { project, obstacle: key } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let o = obstacle::find(db.conn(), p.id, &key)?;
            db.write(&who, |tx| obstacle::start(tx, o.id))?;
            let o = obstacle::get(db.conn(), o.id)?;
            out(json, &o, |o| format!("问题「{}」处理中\n", o.title));
        }
        ObstacleCmd::Resolve { project, obstacle: key, resolution, on } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let o = obstacle::find(db.conn(), p.id, &key)?;
            let on = opt_date("resolved_on", &on)?;
            db.write(&who, |tx| {
                let on = match on {
                    Some(d) => d,
                    None => tx.today(),
                };
                obstacle::resolve(tx, o.id, &resolution, on)
            })?;
            let o = obstacle::get(db.conn(), o.id)?;
            out(json, &o, |o| format!("问题「{}」已解决\n", o.title));
        }
        ObstacleCmd::Reopen { project, obstacle: key, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let o = obstacle::find(db.conn(), p.id, &key)?;
            db.write(&who, |tx| obstacle::reopen(tx, o.id, &reason))?;
            let o = obstacle::get(db.conn(), o.id)?;
            out(json, &o, |o| format!("问题「{}」已重新打开\n", o.title));
        }
        ObstacleCmd::List { project, all } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let os = obstacle::list(db.conn(), p.id, !all)?;
            let as_of = project::as_of(&p, None);
            out(json, &os, |os| render::obstacles(os, as_of));
        }
    }
    Ok(())
}

fn compensation_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: CompensationCmd) -> Result<()> {
    match cmd {
        CompensationCmd::Add { project, item, amount, note } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &item.household.household)?;
            let kind = CompensationKind::parse(&item.kind)?;
            let amount = units::parse_hundredths("amount", &amount)?;
            let label = item.label.unwrap_or_default();
            let id = db.write(&who, |tx| compensation::add(tx, h.id, kind, &label, amount, &note))?;
            let it = compensation::get(db.conn(), id)?;
            out(json, &it, |i| {
                format!("已添加户 {} 的补偿项「{}」{}\n", h.number, i.label, units::format_yuan(i.amount))
            });
        }
        CompensationCmd::Confirm { project, item, on } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let it = find_item(db, &p, &item)?;
            let on = opt_date("confirmed_on", &on)?;
            db.write(&who, |tx| {
                let on = match on {
                    Some(d) => d,
                    None => tx.today(),
                };
                compensation::confirm(tx, it.id, on)
            })?;
            let it = compensation::get(db.conn(), it.id)?;
            out(json, &it, |i| format!("已确认「{}」{}\n", i.label, units::format_yuan(i.amount)));
        }
        CompensationCmd::Unconfirm { project, item, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let it = find_item(db, &p, &item)?;
            db.write(&who, |tx| compensation::unconfirm(tx, it.id, &reason))?;
            let it = compensation::get(db.conn(), it.id)?;
            out(json, &it, |i| format!("已撤销「{}」的确认，回到测算：{}\n", i.label, units::format_yuan(i.amount)));
        }
        CompensationCmd::List { project, household } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let h = household::by_number(db.conn(), p.id, &household.household)?;
            let items = compensation::for_household(db.conn(), h.id)?;
            out(json, items.as_slice(), render::items);
        }
        CompensationCmd::Calculated(cmd) => comp_cli::run(db, json, who, cmd)?,
    }
    Ok(())
}

fn pole_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: PoleCmd) -> Result<()> {
    let set_status = |db: &mut Db,
                      project: ProjectArg,
                      label: String,
                      status: PoleStatus,
                      on: Option<String>,
                      reason: Option<String>|
     -> Result<plot_work::Pole> {
        let who = author(who, db)?;
        let p = project::resolve(db.conn(), project.project.as_deref())?;
        let pole = plot_work::find_pole(db.conn(), p.id, &label)?;
        let on = opt_date("status_on", &on)?;
        db.write(&who, |tx| {
            let on = match on {
                Some(d) => d,
                None => tx.today(),
            };
            plot_work::set_pole_status(tx, pole.id, status, on, reason.as_deref())
        })?;
        plot_work::find_pole(db.conn(), p.id, &label)
    };
    match cmd {
        PoleCmd::Add { project, label, kind, owner, location } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let kind = PoleKind::parse(&kind)?;
            db.write(&who, |tx| plot_work::add_pole(tx, p.id, &label, kind, &owner, &location))?;
            let pole = plot_work::find_pole(db.conn(), p.id, &label)?;
            out(json, &pole, |p| format!("已登记{} {}\n", p.kind.zh(), p.label));
        }
        PoleCmd::Set { project, label, status, on, reason } => {
            let pole = set_status(db, project, label, PoleStatus::parse(&status)?, on, reason)?;
            out(json, &pole, |p| format!("杆线 {} 现为「{}」\n", p.label, p.status.zh()));
        }
        PoleCmd::Relocated { project, label, on } => {
            let pole = set_status(db, project, label, PoleStatus::Relocated, on, None)?;
            out(json, &pole, |p| format!("杆线 {} 现为「{}」\n", p.label, p.status.zh()));
        }
        PoleCmd::Relabel { project, label, to, reason } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let pole = plot_work::find_pole(db.conn(), p.id, &label)?;
            let who = author(who, db)?;
            db.write(&who, |tx| plot_work::relabel_pole(tx, pole.id, &to, reason.as_deref()))?;
            let pole = plot_work::find_pole(db.conn(), p.id, &to)?;
            out(json, &pole, |q| format!("杆线 {label} 已改为 {}\n", q.label));
        }
        PoleCmd::List { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let poles = plot_work::poles(db.conn(), p.id)?;
            out(json, poles.as_slice(), render::poles);
        }
    }
    Ok(())
}

fn demolition_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: DemolitionCmd) -> Result<()> {
    match cmd {
        DemolitionCmd::Log { project, date: d, machines, workers, households, notes } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let numbers = household::split_tags(&households);
            let d = opt_date("log_date", &d)?;
            db.write(&who, |tx| {
                let d = match d {
                    Some(d) => d,
                    None => tx.today(),
                };
                plot_work::log_demolition_day(tx, p.id, d, machines, workers, &numbers, &notes)
            })?;
            let days = plot_work::demolition_days(db.conn(), p.id)?;
            out(json, days.as_slice(), render::demolition_days);
        }
        DemolitionCmd::List { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let days = plot_work::demolition_days(db.conn(), p.id)?;
            out(json, days.as_slice(), render::demolition_days);
        }
    }
    Ok(())
}

fn checklist_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: ChecklistCmd) -> Result<()> {
    let (project, item, done, on, note) = match cmd {
        ChecklistCmd::List { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let items = plot_work::checklist(db.conn(), p.id)?;
            out(json, items.as_slice(), render::checklist);
            return Ok(());
        }
        ChecklistCmd::Add { project, category, title } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let cat = ChecklistCategory::parse(&category)?;
            db.write(&who, |tx| plot_work::add_checklist_item(tx, p.id, &title, cat))?;
            let items = plot_work::checklist(db.conn(), p.id)?;
            out(json, items.as_slice(), render::checklist);
            return Ok(());
        }
        ChecklistCmd::Done { project, item, on, note } => (project, item, true, on, note),
        ChecklistCmd::Undo { project, item, note } => (project, item, false, None, note),
    };
    let who = author(who, db)?;
    let p = project::resolve(db.conn(), project.project.as_deref())?;
    let it = plot_work::find_checklist_item(db.conn(), p.id, &item)?;
    let on = opt_date("done_on", &on)?;
    db.write(&who, |tx| {
        let on = match on {
            Some(d) => d,
            None => tx.today(),
        };
        plot_work::set_checklist_done(tx, it.id, done, on, &note)
    })?;
    let items = plot_work::checklist(db.conn(), p.id)?;
    out(json, items.as_slice(), render::checklist);
    Ok(())
}

fn group_cmd(db: &mut Db, json: bool, who: &Option<String>, cmd: GroupCmd) -> Result<()> {
    match cmd {
        GroupCmd::Add { project, name, leader } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let existing = project::staff(db.conn(), p.id)?;
            db.write(&who, |tx| {
                let leader = match leader.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
                    None => None,
                    Some(l) => Some(match existing.iter().find(|s| s.name == l) {
                        Some(s) => s.id,
                        None => project::add_staff(tx, p.id, l, "动迁组长", "")?,
                    }),
                };
                let members: Vec<uuid::Uuid> = leader.into_iter().collect();
                project::add_group(tx, p.id, &name, leader, &members)
            })?;
            let gs = project::groups(db.conn(), p.id)?;
            out(json, gs.as_slice(), render::groups);
        }
        GroupCmd::Rename { project, name, to, reason } => {
            let who = author(who, db)?;
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            db.write(&who, |tx| project::rename_group(tx, p.id, &name, &to, reason.as_deref()))?;
            let g = project::groups(db.conn(), p.id)?
                .into_iter()
                .find(|g| g.name == to.trim())
                .expect("the group was just renamed");
            out(json, &g, |g| format!("动迁组 {} 已改为 {}\n", name.trim(), g.name));
        }
        GroupCmd::List { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let gs = project::groups(db.conn(), p.id)?;
            out(json, gs.as_slice(), render::groups);
        }
    }
    Ok(())
}

fn sync_cmd(db: &mut Db, json: bool, cmd: SyncCmd) -> Result<()> {
    use jingdi::sync;
    match cmd {
        SyncCmd::Export { project, out: file, full } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let scope = if full { sync::Scope::Full } else { sync::Scope::Unseen };
            let s = sync::export(db, &p, &file, scope)?;
            out(json, &s, |s| {
                format!(
                    "已导出 {} 条操作到 {}（{}，{} 字节）\n",
                    s.operations,
                    s.path,
                    if s.full { "完整数据包" } else { "增量数据包" },
                    s.bytes
                )
            });
        }
        SyncCmd::Import { file } => {
            let r = sync::merge::import(db, &file)?;
            out(json, &r, render::import_report);
            held_back(std::slice::from_ref(&r))?;
        }
        SyncCmd::Folder { project, path, no_files } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let r = sync::folder::sync_folder_with(db, &p, &path, !no_files)?;
            out(json, &r, render::folder_report);
            held_back(&r.imported)?;
        }
        SyncCmd::Files { project, path } => evidence::sync_files(db, json, project, &path)?,
        SyncCmd::Hub { url, token, project } => {
            let mut codes = match (url, token) {
                (Some(url), Some(token)) => vec![sync::hub::configure(db, &url, &token)?],
                (Some(_), None) => return Err(Error::invalid("token", "首次设置同步中心需要 --token 令牌")),
                _ => sync::hub::configured_projects(db)?,
            };
            if let Some(p) = project {
                codes.retain(|c| *c == p);
                if codes.is_empty() {
                    return Err(Error::Hub {
                        problem: "not_configured".into(),
                        message: format!("本机没有项目 {p} 的同步中心令牌"),
                    });
                }
            }
            if codes.is_empty() {
                return Err(Error::Hub {
                    problem: "not_configured".into(),
                    message: "尚未设置同步中心；先运行 jingdi sync hub 地址 --token 令牌".into(),
                });
            }
            let mut reports = Vec::new();
            for code in codes {
                reports.push(sync::hub::sync(db, &code)?);
            }
            out(json, reports.as_slice(), render::hub_reports);
        }
        SyncCmd::Peers { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let peers = sync::folder::peers(db.conn(), p.id)?;
            out(json, peers.as_slice(), render::peers);
        }
        SyncCmd::Name { name } => {
            if let Some(n) = name {
                db.set_setting("device_name", n.trim())?;
            }
            let v = serde_json::json!({ "device_id": db.device_id(), "device_name": sync::device_name(db)? });
            out(json, &v, |v| {
                format!("本机：{} {}\n", v["device_id"].as_str().unwrap_or(""), v["device_name"].as_str().unwrap_or(""))
            });
        }
    }
    Ok(())
}

/// A merge that held back a device's operations (printed with the report) exits with 1, so a
/// script notices that not everything was merged.
fn held_back(reports: &[jingdi::sync::merge::ImportReport]) -> Result<()> {
    match reports.iter().flat_map(|r| r.held_back.iter().map(move |h| (r, h))).find(|(_, h)| h.clashed) {
        Some((r, h)) => {
            Err(Error::Bundle { problem: "device_conflict", path: r.file.clone(), message: h.message.clone() })
        }
        None => Ok(()),
    }
}

fn conflicts_cmd(
    db: &mut Db,
    json: bool,
    who: &Option<String>,
    project: ProjectArg,
    all: bool,
    action: Option<ConflictCmd>,
) -> Result<()> {
    use jingdi::sync::conflicts;
    let p = project::resolve(db.conn(), project.project.as_deref())?;
    if let Some(ConflictCmd::Resolve { key, keep, value }) = action {
        let decision = conflicts::Decision::parse(keep.as_deref(), value.as_deref())?;
        let who = author(who, db)?;
        db.write(&who, |tx| conflicts::resolve(tx, p.id, &key, &decision))?;
    }
    let list = conflicts::list(db.conn(), p.id, all)?;
    out(json, list.as_slice(), render::conflicts);
    Ok(())
}

fn project_cmd(db: &mut Db, json: bool, cli_author: &Option<String>, cmd: ProjectCmd) -> Result<()> {
    use jingdi::admission::{self, Admit, JoinRequest};
    match cmd {
        ProjectCmd::JoinRequest { name, out: file } => {
            let name = name
                .filter(|n| !n.trim().is_empty())
                .or(db.setting("device_name")?.filter(|n| !n.trim().is_empty()))
                .unwrap_or_default();
            let key = db
                .installation()
                .map(|i| oplog::signing::public_hex(i.signing_key()))
                .ok_or_else(|| Error::invalid("db", "内存中的数据库不能申请入组"))?;
            let r = JoinRequest::new(db.device_id(), key, name.trim().to_string());
            if let Some(f) = &file {
                let text = serde_json::to_string_pretty(&r).expect("request serialises");
                std::fs::write(f, text + "\n")
                    .map_err(|e| Error::CannotWrite { path: f.display().to_string(), message: e.to_string() })?;
            }
            out(json, &r, |r| {
                let saved = file.as_ref().map(|f| format!("已写入 {}\n", f.display())).unwrap_or_default();
                format!(
                    "入组申请码（发给指挥部，由其运行 jingdi project admit 申请码 --role 角色）：\n{}\n设备号：{}\n名称：{}\n{saved}",
                    r.code,
                    r.device_id,
                    if r.name.is_empty() { "（未设置）" } else { &r.name }
                )
            });
        }
        ProjectCmd::Admit { project, request, role, name, until } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let text = match std::fs::read_to_string(&request) {
                Ok(t) if std::path::Path::new(&request).is_file() => t,
                _ => request.clone(),
            };
            let request = JoinRequest::parse(&text)?;
            let role = admission::parse_role(&role)?;
            let until = opt_date("until", &until)?;
            let who = author(cli_author, db)?;
            let m = db.write(&who, |tx| {
                admission::admit(
                    tx,
                    p.id,
                    &Admit { request: &request, role, name: name.as_deref(), valid_until: until },
                )
            })?;
            out(json, &m, |m| {
                format!("已准入设备「{}」（{}）加入项目 {}，角色：{}\n", m.name, m.device_id, p.code, m.role.zh())
            });
        }
        ProjectCmd::Revoke { project, device, reason } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let m = admission::find_member(db.conn(), p.id, &device)?;
            let who = author(cli_author, db)?;
            let m = db.write(&who, |tx| admission::revoke(tx, p.id, m.device_id, &reason))?;
            out(json, &m, |m| {
                format!(
                    "已撤销设备「{}」（{}）的准入：其第 {} 号之后的操作不再接受\n",
                    m.name,
                    m.device_id,
                    m.revoked_after_seq.unwrap_or(0)
                )
            });
        }
        ProjectCmd::Members { project } => {
            let p = project::resolve(db.conn(), project.project.as_deref())?;
            let v = admission::view(db, &p)?;
            out(json, &v, render::members);
        }
    }
    Ok(())
}
