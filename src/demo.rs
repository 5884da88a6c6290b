//! The demo plot: 东星4号地块 (城东街道, 丰泽区, 泉州), built from the public report the
//! project started from — 120 households, signing opened 2022-06-30 with a one-month
//! deadline, all signed inside it, a little over 54,000 m² signed; then vegetables around
//! some houses still uncompensated, utility poles inside the area not yet moved, and
//! demolition under way with crews and machines on site every day.
//!
//! Residents are fictional; officials appear by title only. The whole history is written
//! as it would have happened, day by day, by a scripted device with a seeded generator:
//! the same command gives the same database, ids and log included.

use crate::compensation::{self, calc, inventory, standards};
use crate::error::{Error, Result};
use crate::household::{Agreement, NewHousehold};
use crate::obstacle::NewObstacle;
use crate::oplog::clock::ScriptedSource;
use crate::project::NewProject;
use crate::visit::NewVisit;
use crate::vocab::*;
use crate::{household, obstacle, plot_work, project, stage, visit, Db};
use chrono::{Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use uuid::Uuid;

pub mod district;
mod map;

pub const CODE: &str = "DX4";
/// The demo is shown as of this date: mid-August 2022, demolition under way.
pub const AS_OF: (i32, u32, u32) = (2022, 8, 15);
/// The device the demo history is recorded on; every copy of the demo shares it, so two
/// laptops that both start from the demo hold the same operations.
pub const DEVICE: Uuid = Uuid::from_u128(0x0181_b1c0_0000_7000_8000_0000_0000_d340);
const SEED: u64 = 0x00d5_4a9e_2022_0630;

/// The key [`DEVICE`] signs the demo history with. Public by construction (any copy of the
/// program can make it): the demo proves nothing, but its operations are signed and
/// chained like any others, and identical on every laptop (Ed25519 is deterministic).
pub fn device_key() -> ed25519_dalek::SigningKey {
    use sha2::Digest;
    ed25519_dalek::SigningKey::from_bytes(&sha2::Sha256::digest(b"jingdi demo device DX4").into())
}
const HOUSEHOLDS: usize = 120;
/// Target total floor area, 0.01 m²: "签约面积54000多平方米".
const TOTAL_AREA: i64 = 54_216_37;
const OFFICE: &str = "城东街道征迁办";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid demo date")
}

/// Agreements signed per day from 2022-06-30 to 2022-07-30: a rush in the first ten days
/// (the early-signing incentive), a slow middle, a second rush before the deadline.
const SIGNED_PER_DAY: [usize; 31] =
    [16, 11, 9, 7, 6, 5, 5, 4, 4, 4, 3, 3, 2, 2, 2, 2, 2, 1, 2, 2, 1, 2, 1, 2, 2, 2, 3, 3, 4, 4, 4];

const SURNAMES: &[&str] =
    &["陈", "林", "黄", "王", "李", "张", "吴", "蔡", "郑", "许", "洪", "苏", "庄", "杨", "施", "何", "曾", "柯"];
const GIVEN: &[&str] = &[
    "秀英", "志明", "美玲", "建华", "丽娟", "国强", "淑珍", "文龙", "雅婷", "金水", "阿婆", "清泉", "宝珠", "明辉",
    "春生", "碧霞", "海燕", "振福", "月娥", "荣华", "添丁", "玉兰", "水生", "惠珍",
];
const STRUCTURES: &[(&str, i64)] = &[("砖混", 4_800), ("砖木", 3_900), ("钢混", 5_600), ("石结构", 4_200)];

struct Plan {
    number: String,
    group: usize,
    difficulty: Difficulty,
    concerns: Vec<String>,
    structure: usize,
    floor_area: i64,
    signed_on: NaiveDate,
    vacated_on: Option<NaiveDate>,
    demolished_on: Option<NaiveDate>,
    mode: CompensationMode,
    /// Vegetables and fruit trees around the house: (m² of vegetables, fruit trees).
    crops: Option<(i64, i64)>,
    /// Crop compensation still unpaid at the as-of date (the seed's bottleneck).
    crops_unpaid: bool,
}

/// Creates the demo plot. Refuses if a project with its code already exists.
pub fn create(db: &mut Db) -> Result<Uuid> {
    // Thousands of small writes, each made durable only at the end: it can be made again.
    db.in_bulk(write_demo)
}

fn write_demo(db: &mut Db) -> Result<Uuid> {
    if project::find_by_code(db.conn(), CODE)?.is_some() {
        return Err(Error::AlreadyExists { what: "演示项目", key: CODE.to_string() });
    }
    let as_of = d(AS_OF.0, AS_OF.1, AS_OF.2);
    let mut src = ScriptedSource::new(ScriptedSource::at_local(d(2022, 6, 18), 9, 0), SEED);
    let plans = plan(src.rng(), as_of);
    let seeds = Seeds::pick(&plans);
    let store = crate::evidence::store_of(db);
    let key = device_key();

    // One write per event, at the time it happened: the log reads like the real history.
    let mut w = |src: &mut ScriptedSource,
                 day: NaiveDate,
                 hour: u32,
                 author: &str,
                 f: &mut dyn FnMut(&mut crate::oplog::Tx) -> Result<()>| {
        src.set(ScriptedSource::at_local(day, hour, 59));
        db.write_with(src, (DEVICE, &key), author, true, |tx| f(tx))
    };

    // --- the project and its team
    let mut pid = Uuid::nil();
    let leaders = ["王建国", "林晓燕", "陈志强", "黄丽华"];
    w(&mut src, d(2022, 6, 18), 9, OFFICE, &mut |tx| {
        pid = project::create(
            tx,
            &NewProject {
                code: CODE.into(),
                name: "东星4号地块".into(),
                city: "泉州市".into(),
                district: "丰泽区".into(),
                street: "城东街道".into(),
                community: "东星社区".into(),
                window_opens_on: d(2022, 6, 30),
                window_closes_on: d(2022, 7, 30),
                clearance_target: Some(d(2022, 8, 31)),
                status: ProjectStatus::Demolishing,
                as_of: Some(as_of),
            },
        )?;
        for (i, leader) in leaders.iter().enumerate() {
            let l = project::add_staff(tx, pid, leader, "动迁组长", &format!("1380595{:04}", 1201 + i))?;
            let m1 =
                project::add_staff(tx, pid, &format!("{}组社区干部", ["一", "二", "三", "四"][i]), "社区干部", "")?;
            let m2 =
                project::add_staff(tx, pid, &format!("{}组街道干部", ["一", "二", "三", "四"][i]), "街道干部", "")?;
            project::add_group(tx, pid, &format!("第{}组", ["一", "二", "三", "四"][i]), Some(l), &[l, m1, m2])?;
        }
        project::add_staff(tx, pid, "街道党工委书记", "街道主要领导", "")?;
        project::add_staff(tx, pid, "东星社区党委书记", "社区负责人", "")?;
        Ok(())
    })?;
    let group_names = ["第一组", "第二组", "第三组", "第四组"];

    // --- registration
    let mut ids: Vec<Uuid> = Vec::with_capacity(HOUSEHOLDS);
    let mut people = Vec::with_capacity(HOUSEHOLDS);
    for (i, p) in plans.iter().enumerate() {
        let rng = src.rng();
        let name =
            format!("{}{}", SURNAMES[rng.random_range(0..SURNAMES.len())], GIVEN[rng.random_range(0..GIVEN.len())]);
        let birth = d(1940, 1, 1) + Duration::days(rng.random_range(0..365 * 45));
        let first17 = format!("350503{}{:03}", birth.format("%Y%m%d"), rng.random_range(0..1000));
        let id_number = format!("{first17}{}", crate::idcard::check_char(&first17).expect("17 digits"));
        let phone = format!("13{}{:08}", rng.random_range(5..10), rng.random_range(0..100_000_000));
        let members = rng.random_range(2..8);
        let special: Vec<String> = match rng.random_range(0..20) {
            0 => vec!["低保".into()],
            1 => vec!["高龄".into()],
            2 => vec!["残疾".into()],
            3 => vec!["大病".into(), "低保".into()],
            _ => vec![],
        };
        let land = p.floor_area * rng.random_range(30..55) / 100;
        people.push(name.clone());
        let h = NewHousehold {
            number: p.number.clone(),
            head_name: name,
            id_number: Some(id_number),
            phone,
            address: format!("丰泽区城东街道东星社区东星{}号", 101 + i),
            members_count: members,
            special_circumstances: special,
            floor_area: p.floor_area,
            land_area: land,
            structure: STRUCTURES[p.structure].0.into(),
            group: group_names[p.group].into(),
            concerns: vec![],
        };
        let day = d(2022, 6, 20) + Duration::days((i / 30) as i64);
        w(&mut src, day, 9 + (i % 30) as u32 / 4, leaders[p.group], &mut |tx| {
            ids.push(household::register(tx, pid, &h)?);
            Ok(())
        })?;
    }

    // --- the day-by-day history after registration
    let mut events: Vec<(NaiveDate, u32, usize, Event)> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let rng = src.rng();
        let assessed = d(2022, 6, 23) + Duration::days(rng.random_range(0..4));
        events.push((assessed, 10, i, Event::Assess));
        events.push((
            assessed.max(d(2022, 6, 27)) + Duration::days(rng.random_range(0..3)),
            15,
            i,
            Event::Stage(Stage::Negotiating),
        ));
        // Visits before signing: the team leader at the door, concerns heard, promises made.
        let n_visits = match p.difficulty {
            Difficulty::Easy => 2,
            Difficulty::Medium => 3,
            Difficulty::Hard => 5,
        };
        let span = (p.signed_on - d(2022, 6, 21)).num_days().max(1);
        for k in 0..n_visits {
            let day = d(2022, 6, 21) + Duration::days(span * k / n_visits);
            events.push((day, 14 + (k as u32 % 4), i, Event::Visit(k as usize, n_visits as usize)));
        }
        events.push((p.signed_on, 16, i, Event::Sign));
        if let Some(v) = p.vacated_on {
            events.push((v, 10, i, Event::Stage(Stage::Vacated)));
            if v + Duration::days(2) <= as_of {
                events.push((v + Duration::days(2), 11, i, Event::Pay));
            }
        }
        if let Some(dm) = p.demolished_on {
            events.push((dm, 17, i, Event::Stage(Stage::Demolished)));
        }
        if p.crops_unpaid {
            events.push((d(2022, 8, 3), 9, i, Event::CropsBlocked));
            events.push((d(2022, 8, 8), 15, i, Event::CropsVisit));
        } else if p.vacated_on.is_some() && p.demolished_on.is_none() && i % 4 == 0 {
            events.push((d(2022, 8, 5) + Duration::days((i % 5) as i64), 15, i, Event::FollowUpVisit));
        }
    }
    // Plot-level work, as the site reported it.
    let mut day = d(2022, 7, 20);
    while day <= as_of {
        events.push((day, 18, usize::MAX, Event::SiteLog));
        day = day.succ_opt().expect("date");
    }
    events.push((d(2022, 6, 22), 9, usize::MAX, Event::Standards(1)));
    events.push((d(2022, 7, 15), 9, usize::MAX, Event::Standards(2)));
    events.push((d(2022, 7, 8), 9, usize::MAX, Event::Poles));
    events.push((d(2022, 7, 12), 9, usize::MAX, Event::Checklist));
    events.push((d(2022, 7, 15), 10, usize::MAX, Event::PoleProgress(0)));
    events.push((d(2022, 7, 25), 10, usize::MAX, Event::WaterCut));
    events.push((d(2022, 7, 28), 10, usize::MAX, Event::PoleProgress(1)));
    events.push((d(2022, 8, 2), 10, usize::MAX, Event::PoleObstacle));
    events.push((d(2022, 8, 3), 8, usize::MAX, Event::CropObstacle));
    events.push((d(2022, 8, 9), 10, usize::MAX, Event::PoleProgress(2)));
    events.push((d(2022, 7, 21), 9, usize::MAX, Event::MachinesShort));
    events.push((d(2022, 7, 24), 17, usize::MAX, Event::MachinesResolved));
    events.push((d(2022, 8, 1), 10, usize::MAX, Event::DustNet));
    events.sort_by_key(|(day, hour, i, _)| (*day, *hour, *i));

    let mut poles: Vec<Uuid> = Vec::new();
    let mut checklist: Vec<Uuid> = Vec::new();
    let mut machines_obstacle = Uuid::nil();
    for (day, hour, i, ev) in events {
        let rng_pick = src.rng().random_range(0..1000u32);
        match ev {
            Event::Assess => {
                let p = &plans[i];
                let strategy = strategy_for(p);
                let concerns = p.concerns.join(",");
                let surveyor = format!("{}组社区干部", ["一", "二", "三", "四"][p.group]);
                // The house photographed at the survey; a few were missed (the 净地 list shows them).
                let photo = if i % 50 == 7 {
                    None
                } else {
                    let name = format!("房屋照片-{:03}.jpg", i + 1);
                    let bytes = house_photo(i, p.structure);
                    let checked = crate::evidence::check_file(&name, &bytes)?;
                    crate::evidence::store_file(&store, &checked, &bytes)?;
                    Some((name, bytes.len(), checked))
                };
                w(&mut src, day, hour, leaders[p.group], &mut |tx| {
                    household::assess(tx, ids[i], p.difficulty, &strategy)?;
                    household::set(tx, ids[i], "concerns", &concerns, None)?;
                    stage::set(tx, ids[i], Stage::Assessed, day, None)?;
                    survey(tx, ids[i], p, i, day, &surveyor, &seeds)?;
                    if let Some((name, size, checked)) = &photo {
                        let a = crate::evidence::NewAttachments {
                            target: AttachTarget::Household,
                            target_id: ids[i],
                            kind: AttachmentKind::HousePhoto,
                            note: "入户调查时拍摄",
                            files: &[],
                        };
                        crate::evidence::record(tx, &a, name, *size, checked)?;
                    }
                    Ok(())
                })?;
            }
            Event::Stage(s) => {
                let p = &plans[i];
                w(&mut src, day, hour, leaders[p.group], &mut |tx| stage::set(tx, ids[i], s, day, None))?;
            }
            Event::Visit(k, n) => {
                let p = &plans[i];
                let v = visit_text(p, k, n, day, rng_pick);
                let visitors =
                    vec![leaders[p.group].to_string(), format!("{}组社区干部", ["一", "二", "三", "四"][p.group])];
                w(&mut src, day, hour, leaders[p.group], &mut |tx| {
                    let mut v = v.clone();
                    v.visitors = visitors.clone();
                    v.visited_at = Some(ScriptedSource::at_local(day, hour, rng_pick % 60));
                    visit::add(tx, ids[i], &v).map(|_| ())
                })?;
            }
            Event::Sign => {
                let p = &plans[i];
                let number = format!("DX4-{}-{:03}", p.signed_on.format("%m%d"), i + 1);
                w(&mut src, day, hour, leaders[p.group], &mut |tx| {
                    household::record_agreement(
                        tx,
                        ids[i],
                        &Agreement {
                            agreement_no: number.clone(),
                            agreement_date: day,
                            compensation_mode: p.mode,
                            signed_area: p.floor_area,
                        },
                        None,
                    )?;
                    sign_compensation(tx, ids[i], i, &seeds)?;
                    stage::set(tx, ids[i], Stage::Signed, day, None)?;
                    compensation::confirm_household(tx, ids[i], day).map(|_| ())
                })?;
            }
            Event::Pay => {
                let p = &plans[i];
                w(&mut src, day, hour, OFFICE, &mut |tx| {
                    let items = compensation::sheet::sheet(tx.conn(), ids[i])?.items;
                    for (k, item) in items.iter().enumerate() {
                        if item.status != PaymentStatus::Confirmed
                            || (p.crops_unpaid && item.kind == CompensationKind::Crops)
                        {
                            continue;
                        }
                        compensation::pay(tx, item.id, day, &format!("FZ2022-{:03}-{}", i + 1, k + 1))?;
                    }
                    Ok(())
                })?;
            }
            Event::CropsBlocked => {
                let p = &plans[i];
                w(&mut src, day, hour, "东星社区党委书记", &mut |tx| {
                    obstacle::add(
                        tx,
                        pid,
                        &NewObstacle {
                            title: format!("{} 户房前屋后蔬菜青苗未补偿", p.number),
                            category: ObstacleCategory::Crops,
                            household: Some(ids[i]),
                            responsible_unit: "东星社区".into(),
                            responsible_person: "东星社区党委书记".into(),
                            raised_on: day,
                            due_on: Some(d(2022, 8, 12)),
                            blocks_stage: Some(Stage::Demolished),
                        },
                    )
                    .map(|_| ())
                })?;
            }
            Event::CropsVisit => {
                let p = &plans[i];
                let v = NewVisit {
                    visited_at: Some(ScriptedSource::at_local(day, hour, 20)),
                    visitors: vec![leaders[p.group].into(), "东星社区党委书记".into()],
                    kind: Some(VisitKind::Door),
                    outcome: "户主表示青苗补偿款到账后即配合拆除，菜地里的蔬菜正在收割".into(),
                    concerns: vec!["补偿标准".into(), "青苗补偿".into()],
                    promises: "青苗补偿款本周内发放到户".into(),
                    next_step: "跟进财务拨付青苗补偿款".into(),
                    follow_up_on: Some(d(2022, 8, 12)),
                    corrects: None,
                };
                w(&mut src, day, hour, leaders[p.group], &mut |tx| visit::add(tx, ids[i], &v).map(|_| ()))?;
            }
            Event::FollowUpVisit => {
                let p = &plans[i];
                let v = NewVisit {
                    visited_at: Some(ScriptedSource::at_local(day, hour, 0)),
                    visitors: vec![leaders[p.group].into()],
                    kind: Some(VisitKind::Phone),
                    outcome: "已腾空交房，询问过渡安置租房补贴发放时间".into(),
                    concerns: vec!["安置房源".into()],
                    promises: "安置房选房时间确定后第一时间通知".into(),
                    next_step: "回访告知选房安排".into(),
                    follow_up_on: Some(day + Duration::days(5 + (i % 4) as i64)),
                    corrects: None,
                };
                w(&mut src, day, hour, leaders[p.group], &mut |tx| visit::add(tx, ids[i], &v).map(|_| ()))?;
            }
            Event::SiteLog => {
                let numbers: Vec<String> =
                    plans.iter().filter(|p| p.demolished_on == Some(day)).map(|p| p.number.clone()).collect();
                let rng = src.rng();
                let machines = 4 + numbers.len() as i64 + rng.random_range(0..3);
                let workers = 14 + 3 * numbers.len() as i64 + rng.random_range(0..6);
                let notes = if numbers.is_empty() {
                    "清运建筑垃圾，洒水降尘"
                } else {
                    "拆除作业，现场洒水降尘，建筑垃圾分类清运"
                };
                w(&mut src, day, hour, "拆除队现场负责人", &mut |tx| {
                    plot_work::log_demolition_day(tx, pid, day, machines, workers, &numbers, notes).map(|_| ())
                })?;
            }
            Event::Standards(version) => {
                w(&mut src, day, hour, OFFICE, &mut |tx| {
                    standards::publish(tx, pid, &demo_standard(version))?;
                    if version > 1 {
                        // Estimates of households not yet signed move to the new version.
                        calc::recalc(tx, pid, None)?;
                    }
                    Ok(())
                })?;
            }
            Event::Poles => {
                w(&mut src, day, hour, OFFICE, &mut |tx| {
                    for (label, kind, unit, loc) in [
                        ("DL-01", PoleKind::Power, "国网泉州供电公司", "东星101号东侧巷口"),
                        ("DL-02", PoleKind::Power, "国网泉州供电公司", "东星128号门前"),
                        ("DL-03", PoleKind::Power, "国网泉州供电公司", "地块中部主路旁"),
                        ("DL-04", PoleKind::Power, "国网泉州供电公司", "东星176号后侧"),
                        ("TX-01", PoleKind::Telecom, "中国电信泉州分公司", "地块北侧围墙边"),
                        ("TX-02", PoleKind::Telecom, "中国移动泉州分公司", "东星205号旁"),
                    ] {
                        poles.push(plot_work::add_pole(tx, pid, label, kind, unit, loc)?);
                    }
                    Ok(())
                })?;
            }
            Event::PoleProgress(step) => {
                w(&mut src, day, hour, OFFICE, &mut |tx| match step {
                    0 => {
                        for p in &poles {
                            plot_work::set_pole_status(tx, *p, PoleStatus::Applied, day, None)?;
                        }
                        Ok(())
                    }
                    1 => {
                        plot_work::set_pole_status(tx, poles[4], PoleStatus::Scheduled, day, None)?;
                        plot_work::set_pole_status(tx, poles[0], PoleStatus::Scheduled, day, None)
                    }
                    _ => plot_work::set_pole_status(tx, poles[4], PoleStatus::Relocated, day, None),
                })?;
            }
            Event::PoleObstacle => {
                w(&mut src, day, hour, "街道党工委书记", &mut |tx| {
                    obstacle::add(
                        tx,
                        pid,
                        &NewObstacle {
                            title: "征迁范围内电线杆未拆除，需协调迁移".into(),
                            category: ObstacleCategory::Poles,
                            household: None,
                            responsible_unit: "国网泉州供电公司".into(),
                            responsible_person: "供电公司城东供电所所长".into(),
                            raised_on: day,
                            due_on: Some(d(2022, 8, 10)),
                            blocks_stage: None,
                        },
                    )
                    .map(|_| ())
                })?;
            }
            Event::CropObstacle => {
                w(&mut src, day, hour, "街道党工委书记", &mut |tx| {
                    obstacle::add(
                        tx,
                        pid,
                        &NewObstacle {
                            title: "部分居民在房前屋后种植蔬菜，青苗尚未补偿".into(),
                            category: ObstacleCategory::Crops,
                            household: None,
                            responsible_unit: "东星社区".into(),
                            responsible_person: "东星社区党委书记".into(),
                            raised_on: day,
                            due_on: Some(d(2022, 8, 20)),
                            blocks_stage: None,
                        },
                    )
                    .map(|_| ())
                })?;
            }
            Event::MachinesShort => {
                w(&mut src, day, hour, "街道党工委书记", &mut |tx| {
                    machines_obstacle = obstacle::add(
                        tx,
                        pid,
                        &NewObstacle {
                            title: "拆除队施工机械、人员不足，需每天保证足够力量在场".into(),
                            category: ObstacleCategory::Demolition,
                            household: None,
                            responsible_unit: "拆除施工单位".into(),
                            responsible_person: "拆除队项目经理".into(),
                            raised_on: day,
                            due_on: Some(d(2022, 7, 25)),
                            blocks_stage: None,
                        },
                    )?;
                    Ok(())
                })?;
            }
            Event::MachinesResolved => {
                w(&mut src, day, hour, "街道党工委书记", &mut |tx| {
                    obstacle::resolve(
                        tx,
                        machines_obstacle,
                        "工作专班统一协调，拆除队增派挖掘机 3 台、人员 10 名，每日现场签到",
                        day,
                    )
                })?;
            }
            Event::Checklist => {
                w(&mut src, day, hour, OFFICE, &mut |tx| {
                    for (title, cat) in [
                        ("建筑垃圾清运完毕", ChecklistCategory::Debris),
                        ("裸露土方防尘网全覆盖", ChecklistCategory::DustNet),
                        ("地块内断水", ChecklistCategory::WaterCutOff),
                        ("地块内断电", ChecklistCategory::PowerCutOff),
                        ("围挡封闭、交地现场踏勘", ChecklistCategory::Other),
                    ] {
                        checklist.push(plot_work::add_checklist_item(tx, pid, title, cat)?);
                    }
                    Ok(())
                })?;
            }
            Event::WaterCut => {
                w(&mut src, day, hour, OFFICE, &mut |tx| {
                    plot_work::set_checklist_done(tx, checklist[2], true, day, "自来水公司已关闭总阀")
                })?;
            }
            Event::DustNet => {
                w(&mut src, day, hour, OFFICE, &mut |tx| {
                    plot_work::set_checklist_done(tx, checklist[1], true, day, "已拆除区域全部覆盖")
                })?;
            }
        }
    }

    // --- the survey office's map, delivered on the as-of date. Written after the whole
    // history, so the log of a demo made by an earlier version is a prefix of this one and
    // laptops that started from either still merge.
    w(&mut src, as_of, 19, OFFICE, &mut |tx| {
        for (label, kind, unit, loc) in map::SURVEYED_POLES {
            plot_work::add_pole(tx, pid, label, kind, unit, loc)?;
        }
        Ok(())
    })?;
    w(&mut src, as_of, 20, OFFICE, &mut |tx| {
        let households: Vec<(Uuid, String, i64)> = ids
            .iter()
            .map(|id| household::get(tx.conn(), *id).map(|h| (h.id, h.number, h.land_area)))
            .collect::<Result<_>>()?;
        let poles: Vec<(Uuid, String)> =
            plot_work::poles(tx.conn(), pid)?.into_iter().map(|p| (p.id, p.label)).collect();
        map::write(tx, pid, &households, &poles)
    })?;
    // --- admissions, closing the project with the demo's public project key (also after the
    // whole history): the demo's device is its 指挥部, and any laptop, holding the same key,
    // admits itself when it first writes.
    w(&mut src, as_of, 21, OFFICE, &mut |tx| {
        crate::admission::close(tx, pid, &crate::admission::demo_key(), "演示数据（指挥部）")
    })?;
    Ok(pid)
}

#[derive(Clone, Copy)]
enum Event {
    Assess,
    Stage(Stage),
    Visit(usize, usize),
    Sign,
    Pay,
    Standards(i64),
    CropsBlocked,
    CropsVisit,
    FollowUpVisit,
    SiteLog,
    Poles,
    PoleProgress(u8),
    PoleObstacle,
    CropObstacle,
    MachinesShort,
    MachinesResolved,
    Checklist,
    WaterCut,
    DustNet,
}

fn plan(rng: &mut rand_chacha::ChaCha8Rng, as_of: NaiveDate) -> Vec<Plan> {
    // Floor areas: varied self-built houses, scaled so the plot totals TOTAL_AREA.
    let raw: Vec<i64> = (0..HOUSEHOLDS).map(|_| rng.random_range(220_00..720_00)).collect();
    let raw_sum: i64 = raw.iter().sum();
    let mut areas: Vec<i64> = raw.iter().map(|a| a * TOTAL_AREA / raw_sum).collect();
    let diff = TOTAL_AREA - areas.iter().sum::<i64>();
    areas[0] += diff;

    let mut plans: Vec<Plan> = (0..HOUSEHOLDS)
        .map(|i| {
            let difficulty = match rng.random_range(0..10) {
                0 => Difficulty::Hard,
                1..=3 => Difficulty::Medium,
                _ => Difficulty::Easy,
            };
            let mut concerns: Vec<String> = crate::vocab::CONCERN_TAGS
                .iter()
                .filter(|_| rng.random_range(0..10) < 2)
                .map(|s| s.to_string())
                .collect();
            if concerns.is_empty() {
                concerns.push("补偿标准".into());
            }
            let crops = (rng.random_range(0..10) < 4).then(|| (rng.random_range(20..160), rng.random_range(0..6)));
            Plan {
                number: format!("DX4-{:03}", i + 1),
                group: i / 30,
                difficulty,
                concerns,
                structure: rng.random_range(0..STRUCTURES.len()),
                floor_area: areas[i],
                signed_on: as_of,
                vacated_on: None,
                demolished_on: None,
                mode: if rng.random_range(0..3) == 0 {
                    CompensationMode::PropertySwap
                } else {
                    CompensationMode::Monetary
                },
                crops,
                crops_unpaid: false,
            }
        })
        .collect();

    // Signing order: easier cases first, with chance mixed in.
    let mut order: Vec<(u32, usize)> =
        plans.iter().enumerate().map(|(i, p)| (p.difficulty as u32 * 12 + rng.random_range(0..20), i)).collect();
    order.sort();
    let mut day_of_rank = Vec::with_capacity(HOUSEHOLDS);
    for (k, n) in SIGNED_PER_DAY.iter().enumerate() {
        day_of_rank.extend(std::iter::repeat_n(d(2022, 6, 30) + Duration::days(k as i64), *n));
    }
    for (rank, (_, i)) in order.iter().enumerate() {
        plans[*i].signed_on = day_of_rank[rank];
    }

    // Handover a few days to two weeks after signing; demolition from 2022-07-20 on.
    let demolition_start = d(2022, 7, 20);
    for p in plans.iter_mut() {
        let v = p.signed_on + Duration::days(rng.random_range(3..16));
        if v <= as_of {
            p.vacated_on = Some(v);
            let dm = (v + Duration::days(rng.random_range(2..12)))
                .max(demolition_start + Duration::days(rng.random_range(0..4)));
            if dm <= as_of {
                p.demolished_on = Some(dm);
            }
        }
    }
    // The bottleneck of the report: vegetables around houses handed over but not yet
    // demolished, whose crop compensation has not been paid.
    let mut candidates: Vec<usize> =
        (0..HOUSEHOLDS).filter(|i| plans[*i].vacated_on.is_some_and(|v| v <= d(2022, 8, 2))).collect();
    candidates.shuffle(rng);
    for &i in candidates.iter().take(6) {
        let p = &mut plans[i];
        p.crops = Some(p.crops.map_or((rng.random_range(40..120), 2), |(m2, trees)| (m2.max(40), trees)));
        p.crops_unpaid = true;
        p.demolished_on = None;
    }
    plans
}

fn strategy_for(p: &Plan) -> String {
    let focus = p.concerns.first().map(String::as_str).unwrap_or("补偿标准");
    match p.difficulty {
        Difficulty::Easy => format!("政策讲清讲透，重点解释{focus}，争取首批签约享受奖励"),
        Difficulty::Medium => format!("动迁组长主动上门，围绕{focus}对症下药，邀请已签约邻居现身说法"),
        Difficulty::Hard => format!("街道领导逐宗研判、包案跟进；{focus}问题请社区和律师共同释疑，必要时约谈"),
    }
}

fn visit_text(p: &Plan, k: usize, n: usize, day: NaiveDate, pick: u32) -> NewVisit {
    let concern = p.concerns[k % p.concerns.len()].clone();
    let promise = match concern.as_str() {
        "补偿标准" => "按公示标准逐项测算，测算表送户主核对",
        "安置房源" => "提供安置房源清单，优先安排选房",
        "老人照料" => "协调社区在过渡期上门照看老人",
        "子女上学" => "协调教育部门保障子女就近入学",
        "经营损失" => "核实营业执照和纳税记录，按规定计算停产停业损失",
        "家庭矛盾" => "邀请社区调解员参与家庭协商",
        _ => "请产权登记部门出具说明，依法认定",
    };
    let last = k + 1 == n;
    NewVisit {
        visited_at: None,
        visitors: vec![],
        kind: Some(if k == 0 || pick % 5 != 0 {
            VisitKind::Door
        } else if pick % 2 == 0 {
            VisitKind::Phone
        } else {
            VisitKind::Interview
        }),
        outcome: if last {
            "户主对测算结果基本认可，同意近期签约".into()
        } else if k == 0 {
            "首次入户，宣讲征收政策，了解家庭情况".into()
        } else {
            format!("就{concern}进一步沟通，户主仍有顾虑")
        },
        concerns: vec![concern],
        promises: promise.into(),
        next_step: if last {
            "准备协议文本，约定签约时间".into()
        } else {
            "整理诉求，下次上门答复".into()
        },
        // The last visit before signing needs no follow-up: the next step is the signing itself.
        follow_up_on: if last { None } else { Some((day + Duration::days(3)).min(p.signed_on)) },
        corrects: None,
    }
}

/// The plot's compensation standards as published. Version 2 (2022-07-15) raises the
/// vegetable price after the public review; households confirmed before keep version 1.
fn demo_standard(version: i64) -> standards::StandardInput {
    use standards::*;
    let vegetables = if version == 1 { 12_00 } else { 15_00 };
    StandardInput {
        effective_on: if version == 1 { d(2022, 6, 22) } else { d(2022, 7, 15) },
        note: if version == 1 {
            "东星4号地块房屋征收补偿方案（经区政府批准公布）".into()
        } else {
            "公示复核：蔬菜青苗单价由 12 元/m² 调整为 15 元/m²".into()
        },
        rules: Rules {
            house_prices: STRUCTURES
                .iter()
                .map(|(s, p)| StructurePrice { structure: (*s).into(), price_fen: p * 100 })
                .collect(),
            relocation_fen: 15_00,
            temp_resettlement_fen: 12_00,
            temp_months_monetary: 6,
            temp_months_swap: 12,
            signing_tiers: vec![
                IncentiveTier { until: d(2022, 7, 9), amount_fen: 50_000_00, label: "前10天签约".into() },
                IncentiveTier { until: d(2022, 7, 30), amount_fen: 20_000_00, label: "签约期限内".into() },
            ],
            handover_by: Some(d(2022, 8, 20)),
            handover_incentive_fen: 10_000_00,
            subsidies: vec![
                Subsidy { circumstance: "低保".into(), amount_fen: 20_000_00 },
                Subsidy { circumstance: "残疾".into(), amount_fen: 20_000_00 },
                Subsidy { circumstance: "大病".into(), amount_fen: 20_000_00 },
                Subsidy { circumstance: "高龄".into(), amount_fen: 10_000_00 },
            ],
            minimum_payout_fen: 300_000_00,
            catalogue: vec![
                CatalogueItem {
                    code: "vegetables".into(),
                    name: "蔬菜".into(),
                    unit: "m²".into(),
                    price_fen: vegetables,
                },
                CatalogueItem {
                    code: "fruit_tree".into(), name: "果树".into(), unit: "棵".into(), price_fen: 300_00
                },
                CatalogueItem { code: "well".into(), name: "水井".into(), unit: "口".into(), price_fen: 1_500_00 },
                CatalogueItem { code: "wall".into(), name: "围墙".into(), unit: "m".into(), price_fen: 80_00 },
                CatalogueItem { code: "shed".into(), name: "简易棚".into(), unit: "m²".into(), price_fen: 60_00 },
            ],
        },
    }
}

/// The households that deviate from the standards on purpose, so the fairness list has
/// something to find: an appraised house value, a manual adjustment, an incentive promised
/// outside its tier, an agreement amount mistyped; and vegetables planted by a tenant.
struct Seeds {
    appraised: usize,
    adjusted: usize,
    promised: usize,
    mistyped: usize,
    tenant: usize,
}

impl Seeds {
    fn pick(plans: &[Plan]) -> Seeds {
        let mut taken: Vec<usize> = Vec::new();
        let mut first = |f: &dyn Fn(&Plan) -> bool| {
            let i = (0..plans.len())
                .find(|i| !taken.contains(i) && !plans[*i].crops_unpaid && f(&plans[*i]))
                .expect("a demo household fits");
            taken.push(i);
            i
        };
        Seeds {
            appraised: first(&|p| p.structure == 2),
            adjusted: first(&|p| p.difficulty == Difficulty::Hard),
            promised: first(&|p| p.signed_on > d(2022, 7, 9)),
            mistyped: first(&|p| p.signed_on <= d(2022, 7, 9)),
            tenant: first(&|p| p.crops.is_some()),
        }
    }
}

/// A small picture of house `i` for the demo's 房屋照片: sky, a wall in the colour of its
/// structure, a roof, a door and windows; deterministic, a few kilobytes.
fn house_photo(i: usize, structure: usize) -> Vec<u8> {
    let walls = [[196, 160, 120], [210, 205, 190], [150, 110, 80], [180, 180, 185]];
    let wall = walls[structure % walls.len()];
    let (w, h) = (240u32, 180u32);
    let shift = (i % 7) as u32 * 6;
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let in_house = (40 + shift..200 + shift).contains(&x) && (80..165).contains(&y);
        let roof_top = 40u32;
        let cx = 120 + shift;
        let in_roof = (roof_top..80).contains(&y) && x + (y - roof_top) * 2 >= cx && x <= cx + (y - roof_top) * 2;
        let door = (cx - 12..cx + 12).contains(&x) && (120..165).contains(&y);
        let window = ((60 + shift..90 + shift).contains(&x) || (150 + shift..180 + shift).contains(&x))
            && (95..118).contains(&y);
        let px = if door {
            [90, 60, 40]
        } else if window {
            [120, 160, 200]
        } else if in_house {
            wall
        } else if in_roof {
            [140, 50, 40]
        } else if y >= 165 {
            [110, 140, 80]
        } else {
            [170 + (y / 4) as u8, 200 + (y / 8) as u8, 235]
        };
        image::Rgb(px)
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&img).expect("a small JPEG encodes");
    out
}

/// The survey at assessment: crops and attachments counted, an appraisal where there is
/// one, and the first estimate (测算) of the household's compensation.
fn survey(
    tx: &mut crate::oplog::Tx,
    h: Uuid,
    p: &Plan,
    i: usize,
    day: NaiveDate,
    surveyor: &str,
    seeds: &Seeds,
) -> Result<()> {
    let mut lines: Vec<(&str, i64, Option<String>)> = Vec::new();
    if let Some((m2, trees)) = p.crops {
        lines.push(("vegetables", m2 * 100, (i == seeds.tenant).then(|| "租户 林阿明".to_string())));
        if trees > 0 {
            lines.push(("fruit_tree", trees * 100, None));
        }
    }
    if i % 9 == 0 {
        lines.push(("well", 100, None));
    }
    if i % 6 == 0 {
        lines.push(("wall", (8 + (i % 10) as i64) * 100 + 50, None));
    }
    for (code, quantity, owner) in lines {
        inventory::add(
            tx,
            h,
            &inventory::NewInventoryItem {
                code: code.into(),
                quantity,
                owner,
                surveyed_on: Some(day),
                surveyor: surveyor.into(),
                note: if code == "vegetables" { "房前屋后菜地".into() } else { String::new() },
            },
        )?;
    }
    if i == seeds.appraised {
        let value = calc::mul_round(p.floor_area, 7_800_00, 1);
        compensation::set_appraisal(tx, h, Some(value), "评估报告 FZ评字〔2022〕第018号：临街店面，按评估价值补偿")?;
    }
    calc::recalc_household(tx, h)
}

/// At signing: the final calculation, the seeded deviations, and the agreement's amount.
fn sign_compensation(tx: &mut crate::oplog::Tx, h: Uuid, i: usize, seeds: &Seeds) -> Result<()> {
    calc::recalc_household(tx, h)?;
    if i == seeds.adjusted {
        let house = compensation::by_calc_key(tx.conn(), h, calc::KEY_HOUSE)?.expect("house value calculated");
        compensation::adjust(tx, house.id, 80_000_00, "二层阁楼经评估小组复核补计，见复核意见书 FZ复〔2022〕07号")?;
    }
    if i == seeds.promised {
        compensation::add(
            tx,
            h,
            CompensationKind::Incentive,
            "签约奖励补差（按前10天档）",
            30_000_00,
            "入户时工作人员口头承诺按首批签约奖励",
        )?;
    }
    let total: i64 = compensation::for_household(tx.conn(), h)?.iter().map(|it| it.amount).sum();
    let written = if i == seeds.mistyped { total - 1_000_00 } else { total };
    compensation::set_agreement_amount(tx, h, Some(written), None)
}
