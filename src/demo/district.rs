//! The district demo (`jingdi demo --district`): a whole district's expropriation work at the
//! size a district reaches — 13 communities, 30 plots, 20,000 households in every stage,
//! about 500,000 visits, compensation calculated, confirmed and paid, poles, obstacles and
//! demolition logs: about a million operations. It is what the view benchmarks run on
//! (`benches/views.rs`) and what anyone can open to see the app at size.
//!
//! Like the demo plot it is written event by event through `Db::write_with` by a scripted
//! device with a seeded generator, so the same command gives the same database. Plots
//! start one after the other, so on the as-of date the first are cleared and the last are
//! still registering. Events of one plot, one day and one work group go in one write (the
//! group leader as author): a day's work as a team would enter it in the evening.

use crate::compensation::{self, calc, inventory, standards};
use crate::error::{Error, Result};
use crate::household::{Agreement, NewHousehold};
use crate::obstacle::NewObstacle;
use crate::oplog::clock::ScriptedSource;
use crate::oplog::Tx;
use crate::project::NewProject;
use crate::visit::NewVisit;
use crate::vocab::*;
use crate::{household, obstacle, plot_work, project, stage, visit, Db};
use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use uuid::Uuid;

/// The scripted device of the district's history (not the demo plot's).
pub const DEVICE: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0d15_7c70);
const SEED: u64 = 0x00d1_5791_c720_2506;

/// The key [`DEVICE`] signs the district's history with; public by construction, like the
/// demo plot's, so two laptops generating the district hold identical logs.
pub fn device_key() -> ed25519_dalek::SigningKey {
    use sha2::Digest;
    ed25519_dalek::SigningKey::from_bytes(&sha2::Sha256::digest(b"jingdi demo district").into())
}
/// The first plot opens then; every plot is shown as of [`AS_OF`].
const START: (i32, u32, u32) = (2023, 9, 1);
pub const AS_OF: (i32, u32, u32) = (2025, 6, 30);
/// The plot codes are `QZ01`, `QZ02`, ...; the first is the biggest.
pub const CODE_PREFIX: &str = "QZ";

/// How big a district to write. [`Size::FULL`] is `jingdi demo --district`; tests use small ones.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub plots: usize,
    pub households: usize,
    /// Visits in all (spread over households by difficulty).
    pub visits: usize,
}

impl Size {
    pub const FULL: Size = Size { plots: 30, households: 20_000, visits: 500_000 };
}

const COMMUNITIES: [(&str, &str); 13] = [
    ("城东街道", "东星社区"),
    ("城东街道", "金淘社区"),
    ("城东街道", "浔美社区"),
    ("东湖街道", "东湖社区"),
    ("东湖街道", "坪山社区"),
    ("东湖街道", "北峰社区"),
    ("丰泽街道", "丰盛社区"),
    ("丰泽街道", "刺桐社区"),
    ("丰泽街道", "清源社区"),
    ("东海街道", "东海社区"),
    ("东海街道", "法石社区"),
    ("东海街道", "宝洲社区"),
    ("东海街道", "东梅社区"),
];
const NUMERALS: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];

fn date(t: (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(t.0, t.1, t.2).expect("valid district date")
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + Duration::days(days)
}

struct PlotPlan {
    code: String,
    name: String,
    street: &'static str,
    community: &'static str,
    day0: NaiveDate,
    first: usize,
    count: usize,
    groups: usize,
    window_opens: NaiveDate,
    window_closes: NaiveDate,
    demolition_from: NaiveDate,
    status: ProjectStatus,
    poles: usize,
}

impl PlotPlan {
    fn leader(&self, plot: usize, group: usize) -> String {
        let s = super::SURNAMES;
        let g = super::GIVEN;
        format!("{}{}", s[(plot * 7 + group) % s.len()], g[(plot * 5 + group * 3) % g.len()])
    }
    fn group_name(group: usize) -> String {
        format!("第{}组", NUMERALS[group])
    }
}

struct HouseholdPlan {
    plot: usize,
    number: String,
    group: usize,
    difficulty: Difficulty,
    concerns: Vec<&'static str>,
    structure: usize,
    floor_area: i64,
    mode: CompensationMode,
    crops: Option<i64>,
    visits: usize,
    registered: NaiveDate,
    assessed: Option<NaiveDate>,
    negotiating: Option<NaiveDate>,
    signed: Option<NaiveDate>,
    vacated: Option<NaiveDate>,
    paid: Option<NaiveDate>,
    demolished: Option<NaiveDate>,
    /// An obstacle blocking demolition: raised, and resolved if it was by the as-of date.
    obstacle: Option<(NaiveDate, Option<NaiveDate>)>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    // Plot-level work, in the order it must happen on one day.
    CreatePlot,
    Setup,
    // A household's history.
    Register,
    Assess,
    Negotiate,
    Visit(u16, u16),
    Sign,
    Vacate,
    Pay,
    RaiseObstacle,
    ResolveObstacle,
    Demolish,
    // Plot-level, after the households' day.
    Pole(u8, u8),
    PlotObstacle(u8),
    ResolvePlotObstacle(u8),
    DemolitionLog,
    ChecklistDone(u8),
}

/// One event: sorted by (day, plot, batch, hour, ...); one batch is one write.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    day: NaiveDate,
    plot: u16,
    /// 0: the plot's setup; 1 + g: work group g; `u16::MAX`: plot-level work after the groups.
    batch: u16,
    hour: u8,
    who: u32,
    ev: Ev,
}

/// Writes the district. Refuses if its first plot already exists.
pub fn create(db: &mut Db, size: Size) -> Result<Vec<Uuid>> {
    if size.plots == 0 || size.plots > 99 || size.households < size.plots {
        return Err(Error::invalid("district", "地块数应在 1 至 99 之间，且每个地块至少一户"));
    }
    if project::find_by_code(db.conn(), &format!("{CODE_PREFIX}01"))?.is_some() {
        return Err(Error::AlreadyExists { what: "演示区", key: format!("{CODE_PREFIX}01") });
    }
    // A million small writes, each made durable only at the end: it can be made again.
    db.in_bulk(|db| write_district(db, size))
}

fn plan(rng: &mut ChaCha8Rng, size: Size) -> (Vec<PlotPlan>, Vec<HouseholdPlan>) {
    let start = date(START);
    let as_of = date(AS_OF);
    // The first plot (an urban village) holds a fifth of the households; the rest vary.
    let mut counts = vec![0usize; size.plots];
    counts[0] = if size.plots == 1 { size.households } else { (size.households / 5).max(1) };
    let rest = size.households - counts[0];
    if size.plots > 1 {
        let weights: Vec<u64> = (1..size.plots).map(|_| rng.random_range(50..150)).collect();
        let total: u64 = weights.iter().sum();
        for (k, w) in weights.iter().enumerate() {
            counts[k + 1] = ((rest as u64 * w / total) as usize).max(1);
        }
        // Whatever rounding left goes to the second plot, so the sum is exact.
        let sum: usize = counts.iter().sum();
        counts[1] = (counts[1] + size.households).saturating_sub(sum).max(1);
    }
    // The last plot opens twelve days before the as-of date: still registering and assessing.
    let span = (as_of - start).num_days() - 12;
    let stagger = span / (size.plots as i64 - 1).max(1);
    let mut plots = Vec::with_capacity(size.plots);
    let mut first = 0;
    for (k, &count) in counts.iter().enumerate() {
        let (street, community) = COMMUNITIES[k % COMMUNITIES.len()];
        let day0 = plus(start, stagger * k as i64);
        let window_opens = plus(day0, 30);
        let window_closes = plus(day0, 120);
        let demolition_from = plus(day0, 100);
        let status = if as_of < window_opens {
            ProjectStatus::Preparing
        } else if as_of < demolition_from {
            ProjectStatus::Signing
        } else {
            ProjectStatus::Demolishing
        };
        plots.push(PlotPlan {
            code: format!("{CODE_PREFIX}{:02}", k + 1),
            name: format!("{}{}号地块", community.trim_end_matches("社区"), k / COMMUNITIES.len() + 1),
            street,
            community,
            day0,
            first,
            count,
            groups: count.div_ceil(150).clamp(2, NUMERALS.len()),
            window_opens,
            window_closes,
            demolition_from,
            status,
            poles: rng.random_range(3..9),
        });
        first += count;
    }

    let mut households = Vec::with_capacity(size.households);
    for (k, p) in plots.iter().enumerate() {
        for j in 0..p.count {
            let difficulty = match rng.random_range(0..10) {
                0 => Difficulty::Hard,
                1..=3 => Difficulty::Medium,
                _ => Difficulty::Easy,
            };
            let mut concerns: Vec<&'static str> =
                CONCERN_TAGS.iter().copied().filter(|_| rng.random_range(0..10) < 2).collect();
            if concerns.is_empty() {
                concerns.push("补偿标准");
            }
            let registered = plus(p.day0, 1 + (j * 10 / p.count) as i64);
            let assessed = plus(registered, rng.random_range(3..20));
            let negotiating = plus(assessed, rng.random_range(1..4));
            let (lo, hi) = match difficulty {
                Difficulty::Easy => (0, 30),
                Difficulty::Medium => (10, 70),
                Difficulty::Hard => (30, 90),
            };
            // About one in twenty holds out past the window.
            let holdout = rng.random_range(0..20) == 0;
            let signed = (!holdout).then(|| plus(p.window_opens, rng.random_range(lo..hi)).max(plus(negotiating, 1)));
            // Most hand over within weeks; one in eight waits months (for the resettlement flat).
            let wait = if rng.random_range(0..8) == 0 { rng.random_range(60..240) } else { rng.random_range(5..40) };
            let vacated = signed.map(|s| plus(s, wait));
            let obstacle = vacated.filter(|_| rng.random_range(0..30) == 0).map(|v| {
                let raised = plus(v, 1);
                (raised, Some(plus(raised, rng.random_range(10..40))))
            });
            let ready = match obstacle {
                Some((_, Some(r))) => vacated.map(|v| v.max(plus(r, 1))),
                _ => vacated,
            };
            // One house in ten waits long for the crews (a party wall, a shared staircase).
            let crews = if rng.random_range(0..10) == 0 { rng.random_range(30..200) } else { rng.random_range(2..15) };
            let demolished = ready.map(|v| plus(v, crews).max(plus(p.demolition_from, rng.random_range(0..5))));
            let h = HouseholdPlan {
                plot: k,
                number: format!("{}-{:04}", p.code, j + 1),
                group: j * p.groups / p.count,
                difficulty,
                concerns,
                structure: rng.random_range(0..super::STRUCTURES.len()),
                floor_area: rng.random_range(60_00..480_00),
                mode: if rng.random_range(0..3) == 0 {
                    CompensationMode::PropertySwap
                } else {
                    CompensationMode::Monetary
                },
                crops: (rng.random_range(0..10) < 3).then(|| rng.random_range(20..160)),
                visits: 0,
                registered,
                assessed: Some(assessed),
                negotiating: Some(negotiating),
                signed,
                vacated,
                paid: vacated.map(|v| plus(v, 3)),
                demolished,
                obstacle,
            };
            households.push(cut_at(h, as_of));
        }
    }
    // Visits by difficulty: a hard case gets about four times an easy one's.
    let weight = |h: &HouseholdPlan| match h.difficulty {
        Difficulty::Easy => 2,
        Difficulty::Medium => 4,
        Difficulty::Hard => 8,
    };
    let total: usize = households.iter().map(weight).sum();
    let mut given = 0;
    for h in households.iter_mut() {
        h.visits = size.visits * weight(h) / total;
        given += h.visits;
    }
    for h in households.iter_mut().take(size.visits.saturating_sub(given)) {
        h.visits += 1;
    }
    (plots, households)
}

/// Drops whatever had not happened by the as-of date (and what follows from it).
fn cut_at(mut h: HouseholdPlan, as_of: NaiveDate) -> HouseholdPlan {
    let by = |d: Option<NaiveDate>| d.filter(|d| *d <= as_of);
    h.assessed = by(h.assessed);
    h.negotiating = by(h.negotiating).filter(|_| h.assessed.is_some());
    h.signed = by(h.signed).filter(|_| h.negotiating.is_some());
    h.vacated = by(h.vacated).filter(|_| h.signed.is_some());
    h.paid = by(h.paid).filter(|_| h.vacated.is_some());
    h.obstacle = h.obstacle.filter(|(raised, _)| *raised <= as_of && h.vacated.is_some()).map(|(r, s)| (r, by(s)));
    let unblocked = !matches!(h.obstacle, Some((_, None)));
    h.demolished = by(h.demolished).filter(|_| h.vacated.is_some() && unblocked);
    h
}

fn events(plots: &[PlotPlan], households: &[HouseholdPlan], rng: &mut ChaCha8Rng) -> Vec<Event> {
    let as_of = date(AS_OF);
    let mut out = Vec::new();
    for (k, p) in plots.iter().enumerate() {
        let plot = k as u16;
        let at = |day: NaiveDate, batch: u16, hour: u8, who: u32, ev: Ev| Event { day, plot, batch, hour, who, ev };
        out.push(at(p.day0, 0, 9, 0, Ev::CreatePlot));
        out.push(at(p.day0, 0, 10, 0, Ev::Setup));
        // Poles: applied when signing opens, scheduled a month later, most moved once demolition is under way.
        for pole in 0..p.poles {
            out.push(at(p.window_opens, u16::MAX, 10, pole as u32, Ev::Pole(pole as u8, 1)));
            out.push(at(plus(p.window_opens, 30), u16::MAX, 10, pole as u32, Ev::Pole(pole as u8, 2)));
            if rng.random_range(0..10) < 7 {
                out.push(at(
                    plus(p.demolition_from, rng.random_range(10..60)),
                    u16::MAX,
                    10,
                    pole as u32,
                    Ev::Pole(pole as u8, 3),
                ));
            }
        }
        // Plot-level obstacles: poles in the way of demolition, resettlement housing late.
        out.push(at(p.demolition_from, u16::MAX, 11, 0, Ev::PlotObstacle(0)));
        out.push(at(plus(p.demolition_from, rng.random_range(20..50)), u16::MAX, 12, 0, Ev::ResolvePlotObstacle(0)));
        out.push(at(plus(p.window_opens, 5), u16::MAX, 11, 1, Ev::PlotObstacle(1)));
        if rng.random_range(0..10) < 6 {
            out.push(at(plus(p.window_opens, rng.random_range(15..60)), u16::MAX, 12, 1, Ev::ResolvePlotObstacle(1)));
        }
        out.push(at(p.demolition_from, u16::MAX, 13, 2, Ev::ChecklistDone(2)));
        out.push(at(plus(p.demolition_from, 1), u16::MAX, 13, 3, Ev::ChecklistDone(3)));
        // The site log: every day from the first demolition to the last (or the as-of date).
        let mine = &households[p.first..p.first + p.count];
        let first = mine.iter().filter_map(|h| h.demolished).min();
        let last = mine.iter().filter_map(|h| h.demolished).max();
        if let (Some(first), Some(last)) = (first, last) {
            let mut day = first;
            while day <= last {
                out.push(at(day, u16::MAX, 18, 0, Ev::DemolitionLog));
                day = plus(day, 1);
            }
            let all_done = mine.iter().all(|h| h.demolished.is_some());
            if all_done {
                for (item, after) in [(0u8, 3), (1, 4), (4, 7)] {
                    out.push(at(plus(last, after), u16::MAX, 14, item as u32, Ev::ChecklistDone(item)));
                }
            }
        }
    }
    for (i, h) in households.iter().enumerate() {
        let at = |day: NaiveDate, hour: u8, ev: Ev| Event {
            day,
            plot: h.plot as u16,
            batch: 1 + h.group as u16,
            hour,
            who: i as u32,
            ev,
        };
        out.push(at(h.registered, 9, Ev::Register));
        for (d, hour, ev) in [
            (h.assessed, 10, Ev::Assess),
            (h.negotiating, 11, Ev::Negotiate),
            (h.signed, 16, Ev::Sign),
            (h.vacated, 10, Ev::Vacate),
            (h.paid, 11, Ev::Pay),
            (h.obstacle.map(|o| o.0), 12, Ev::RaiseObstacle),
            (h.obstacle.and_then(|o| o.1), 12, Ev::ResolveObstacle),
            (h.demolished, 17, Ev::Demolish),
        ] {
            if let Some(d) = d {
                out.push(at(d, hour, ev));
            }
        }
        // Visits from the day after registration to the signing (or the as-of date for those
        // who have not signed), evenly spread.
        let from = plus(h.registered, 1);
        let to = h.signed.unwrap_or(as_of).max(from);
        let span = (to - from).num_days();
        let n = h.visits.min(u16::MAX as usize);
        for v in 0..n {
            let day = plus(from, span * v as i64 / n as i64);
            if day <= as_of {
                out.push(at(day, 13 + (v % 3) as u8, Ev::Visit(v as u16, n as u16)));
            }
        }
    }
    out.retain(|e| e.day <= as_of);
    out.sort_unstable();
    out
}

struct State {
    plots: Vec<Uuid>,
    households: Vec<Uuid>,
    poles: Vec<Vec<Uuid>>,
    checklists: Vec<Vec<Uuid>>,
    plot_obstacles: Vec<[Uuid; 2]>,
    obstacles: HashMap<u32, Uuid>,
    /// Household numbers demolished per (plot, day), for the site log.
    demolished_on: HashMap<(u16, NaiveDate), Vec<String>>,
    /// One house photo per structure, stored once and attached to many households (a file
    /// is kept once whatever records name it), so the 净地 list does not flag every house.
    photos: Vec<(String, usize, crate::evidence::Checked)>,
}

fn write_district(db: &mut Db, size: Size) -> Result<Vec<Uuid>> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let (plots, households) = plan(&mut rng, size);
    let events = events(&plots, &households, &mut rng);
    let mut src = ScriptedSource::new(ScriptedSource::at_local(date(START), 8, 0), SEED ^ 0x5eed);
    let signer = device_key();
    let mut st = State {
        plots: vec![Uuid::nil(); plots.len()],
        households: vec![Uuid::nil(); households.len()],
        poles: vec![Vec::new(); plots.len()],
        checklists: vec![Vec::new(); plots.len()],
        plot_obstacles: vec![[Uuid::nil(); 2]; plots.len()],
        obstacles: HashMap::new(),
        demolished_on: HashMap::new(),
        photos: Vec::new(),
    };
    let store = crate::evidence::store_of(db);
    for structure in 0..super::STRUCTURES.len() {
        let name = format!("房屋照片-{}.jpg", super::STRUCTURES[structure].0);
        let bytes = super::house_photo(structure, structure);
        let checked = crate::evidence::check_file(&name, &bytes)?;
        crate::evidence::store_file(&store, &checked, &bytes)?;
        st.photos.push((name, bytes.len(), checked));
    }
    for h in &households {
        if let Some(d) = h.demolished {
            st.demolished_on.entry((h.plot as u16, d)).or_default().push(h.number.clone());
        }
    }
    let mut start = 0;
    while start < events.len() {
        let key = (events[start].day, events[start].plot, events[start].batch);
        let end = start + events[start..].iter().take_while(|e| (e.day, e.plot, e.batch) == key).count();
        let (day, plot, batch) = key;
        let p = &plots[plot as usize];
        let author = match batch {
            0 | u16::MAX => format!("{}征迁办", p.street),
            g => p.leader(plot as usize, g as usize - 1),
        };
        src.set(ScriptedSource::at_local(day, 18, 30));
        let batch = &events[start..end];
        db.write_with(&mut src, (DEVICE, &signer), &author, true, |tx| {
            for e in batch {
                apply(tx, e, &plots, &households, &mut st, &mut rng)?;
            }
            Ok(())
        })?;
        start = end;
    }
    // Every plot closed with the demo's public project key, after the whole history (see
    // `demo::create`): the district's device is their 指挥部.
    src.set(ScriptedSource::at_local(date(AS_OF), 21, 0));
    db.write_with(&mut src, (DEVICE, &signer), "演示数据", true, |tx| {
        for pid in &st.plots {
            crate::admission::close(tx, *pid, &crate::admission::demo_key(), "演示区数据（指挥部）")?;
        }
        Ok(())
    })?;
    Ok(st.plots)
}

fn apply(
    tx: &mut Tx,
    e: &Event,
    plots: &[PlotPlan],
    households: &[HouseholdPlan],
    st: &mut State,
    rng: &mut ChaCha8Rng,
) -> Result<()> {
    let k = e.plot as usize;
    let p = &plots[k];
    let pid = st.plots[k];
    let day = e.day;
    let i = e.who as usize;
    match e.ev {
        Ev::CreatePlot => {
            let id = project::create(
                tx,
                &NewProject {
                    code: p.code.clone(),
                    name: p.name.clone(),
                    city: "泉州市".into(),
                    district: "丰泽区".into(),
                    street: p.street.into(),
                    community: p.community.into(),
                    window_opens_on: p.window_opens,
                    window_closes_on: p.window_closes,
                    clearance_target: Some(plus(p.day0, 240)),
                    status: p.status,
                    as_of: Some(date(AS_OF)),
                },
            )?;
            st.plots[k] = id;
            for (g, numeral) in NUMERALS.iter().enumerate().take(p.groups) {
                let leader =
                    project::add_staff(tx, id, &p.leader(k, g), "动迁组长", &format!("1380596{:04}", k * 20 + g))?;
                let member = project::add_staff(tx, id, &format!("{numeral}组社区干部"), "社区干部", "")?;
                project::add_group(tx, id, &PlotPlan::group_name(g), Some(leader), &[leader, member])?;
            }
        }
        Ev::Setup => {
            let mut input = super::demo_standard(1);
            input.effective_on = p.day0;
            input.note = format!("{}房屋征收补偿方案（经区政府批准公布）", p.name);
            input.rules.signing_tiers = vec![
                standards::IncentiveTier {
                    until: plus(p.window_opens, 9),
                    amount_fen: 50_000_00,
                    label: "前10天签约".into(),
                },
                standards::IncentiveTier {
                    until: p.window_closes, amount_fen: 20_000_00, label: "签约期限内".into()
                },
            ];
            input.rules.handover_by = Some(plus(p.window_closes, 20));
            standards::publish(tx, pid, &input)?;
            for pole in 0..p.poles {
                let (kind, unit, prefix) = if pole % 3 == 2 {
                    (PoleKind::Telecom, "中国电信泉州分公司", "TX")
                } else {
                    (PoleKind::Power, "国网泉州供电公司", "DL")
                };
                let label = format!("{prefix}-{:02}", pole + 1);
                let at = format!("{}{}号旁", p.community, 10 + pole * 7);
                st.poles[k].push(plot_work::add_pole(tx, pid, &label, kind, unit, &at)?);
            }
            for (title, cat) in [
                ("建筑垃圾清运完毕", ChecklistCategory::Debris),
                ("裸露土方防尘网全覆盖", ChecklistCategory::DustNet),
                ("地块内断水", ChecklistCategory::WaterCutOff),
                ("地块内断电", ChecklistCategory::PowerCutOff),
                ("围挡封闭、交地现场踏勘", ChecklistCategory::Other),
            ] {
                st.checklists[k].push(plot_work::add_checklist_item(tx, pid, title, cat)?);
            }
        }
        Ev::Register => {
            let h = &households[i];
            let s = super::SURNAMES;
            let g = super::GIVEN;
            let name = format!("{}{}", s[rng.random_range(0..s.len())], g[rng.random_range(0..g.len())]);
            let birth = plus(date((1940, 1, 1)), rng.random_range(0..365 * 55));
            let first17 = format!("350503{}{:03}", birth.format("%Y%m%d"), rng.random_range(0..1000));
            let id_number = format!("{first17}{}", crate::idcard::check_char(&first17).expect("17 digits"));
            let special: Vec<String> = match rng.random_range(0..25) {
                0 => vec!["低保".into()],
                1 => vec!["高龄".into()],
                2 => vec!["残疾".into()],
                _ => vec![],
            };
            let nh = NewHousehold {
                number: h.number.clone(),
                head_name: name,
                id_number: Some(id_number),
                phone: format!("13{}{:08}", rng.random_range(5..10), rng.random_range(0..100_000_000)),
                address: format!("丰泽区{}{}{}号", p.street, p.community, i - p.first + 1),
                members_count: rng.random_range(1..8),
                special_circumstances: special,
                floor_area: h.floor_area,
                land_area: h.floor_area * rng.random_range(30..60) / 100,
                structure: super::STRUCTURES[h.structure].0.into(),
                group: PlotPlan::group_name(h.group),
                concerns: vec![],
            };
            st.households[i] = household::register(tx, pid, &nh)?;
        }
        Ev::Assess => {
            let h = &households[i];
            let id = st.households[i];
            let focus = h.concerns[0];
            household::assess(tx, id, h.difficulty, &format!("围绕{focus}做细做实工作，逐户测算、逐项解释"))?;
            household::set(tx, id, "concerns", &h.concerns.join(","), None)?;
            stage::set(tx, id, Stage::Assessed, day, None)?;
            if let Some(m2) = h.crops {
                inventory::add(
                    tx,
                    id,
                    &inventory::NewInventoryItem {
                        code: "vegetables".into(),
                        quantity: m2 * 100,
                        owner: None,
                        surveyed_on: Some(day),
                        surveyor: format!("{}组社区干部", NUMERALS[h.group]),
                        note: "房前屋后菜地".into(),
                    },
                )?;
            }
            calc::recalc_household(tx, id)?;
            // Photographed at the survey; one house in fifty was missed (the 净地 list shows them).
            if i % 50 != 7 {
                let (name, size, checked) = &st.photos[h.structure];
                let a = crate::evidence::NewAttachments {
                    target: AttachTarget::Household,
                    target_id: id,
                    kind: AttachmentKind::HousePhoto,
                    note: "入户调查时拍摄",
                    files: &[],
                };
                crate::evidence::record(tx, &a, name, *size, checked)?;
            }
        }
        Ev::Negotiate => stage::set(tx, st.households[i], Stage::Negotiating, day, None)?,
        Ev::Visit(v, n) => {
            let h = &households[i];
            let concern = h.concerns[v as usize % h.concerns.len()];
            let last = v + 1 == n;
            let pick = rng.random_range(0..60u32);
            let kind = if v == 0 || pick % 5 != 0 {
                VisitKind::Door
            } else if pick % 2 == 0 {
                VisitKind::Phone
            } else {
                VisitKind::Interview
            };
            let follow = plus(day, 3 + (pick % 5) as i64);
            visit::add(
                tx,
                st.households[i],
                &NewVisit {
                    visited_at: Some(ScriptedSource::at_local(day, e.hour as u32, pick)),
                    visitors: vec![tx.author().to_string(), format!("{}组社区干部", NUMERALS[h.group])],
                    kind: Some(kind),
                    outcome: if last && h.signed.is_some() {
                        "户主对测算结果基本认可，同意近期签约".into()
                    } else if v == 0 {
                        "首次入户，宣讲征收政策，了解家庭情况".into()
                    } else {
                        format!("就{concern}进一步沟通，户主仍有顾虑")
                    },
                    concerns: vec![concern.into()],
                    promises: "按公示标准逐项测算，测算表送户主核对".into(),
                    next_step: "整理诉求，下次上门答复".into(),
                    follow_up_on: h.signed.map_or(Some(follow), |s| (follow <= s).then_some(follow)),
                    corrects: None,
                },
            )?;
        }
        Ev::Sign => {
            let h = &households[i];
            let id = st.households[i];
            household::record_agreement(
                tx,
                id,
                &Agreement {
                    agreement_no: format!("{}-{}", h.number, day.format("%m%d")),
                    agreement_date: day,
                    compensation_mode: h.mode,
                    signed_area: h.floor_area,
                },
                None,
            )?;
            calc::recalc_household(tx, id)?;
            let total: i64 = compensation::for_household(tx.conn(), id)?.iter().map(|it| it.amount).sum();
            compensation::set_agreement_amount(tx, id, Some(total), None)?;
            stage::set(tx, id, Stage::Signed, day, None)?;
            compensation::confirm_household(tx, id, day)?;
        }
        Ev::Vacate => stage::set(tx, st.households[i], Stage::Vacated, day, None)?,
        Ev::Pay => {
            let id = st.households[i];
            for (n, item) in compensation::for_household(tx.conn(), id)?.iter().enumerate() {
                if item.status == PaymentStatus::Confirmed {
                    compensation::pay(tx, item.id, day, &format!("{}-{}", households[i].number, n + 1))?;
                }
            }
        }
        Ev::RaiseObstacle => {
            let h = &households[i];
            let o = obstacle::add(
                tx,
                pid,
                &NewObstacle {
                    title: format!("{} 户附属房屋产权有争议，暂缓拆除", h.number),
                    category: ObstacleCategory::Ownership,
                    household: Some(st.households[i]),
                    responsible_unit: p.community.into(),
                    responsible_person: format!("{}党委书记", p.community),
                    raised_on: day,
                    due_on: Some(plus(day, 14)),
                    blocks_stage: Some(Stage::Demolished),
                },
            )?;
            st.obstacles.insert(e.who, o);
        }
        Ev::ResolveObstacle => {
            obstacle::resolve(tx, st.obstacles[&e.who], "经调解，家庭成员达成一致，同意拆除", day)?;
        }
        Ev::Demolish => stage::set(tx, st.households[i], Stage::Demolished, day, None)?,
        Ev::Pole(pole, step) => {
            let status = match step {
                1 => PoleStatus::Applied,
                2 => PoleStatus::Scheduled,
                _ => PoleStatus::Relocated,
            };
            plot_work::set_pole_status(tx, st.poles[k][pole as usize], status, day, None)?;
        }
        Ev::PlotObstacle(n) => {
            let o = if n == 0 {
                NewObstacle {
                    title: "征迁范围内电线杆未迁移，影响拆除作业".into(),
                    category: ObstacleCategory::Poles,
                    household: None,
                    responsible_unit: "国网泉州供电公司".into(),
                    responsible_person: "城东供电所所长".into(),
                    raised_on: day,
                    due_on: Some(plus(day, 20)),
                    blocks_stage: None,
                }
            } else {
                NewObstacle {
                    title: "安置房源交付推迟，部分户主观望".into(),
                    category: ObstacleCategory::Resettlement,
                    household: None,
                    responsible_unit: "区住建局".into(),
                    responsible_person: "安置科科长".into(),
                    raised_on: day,
                    due_on: Some(plus(day, 30)),
                    blocks_stage: None,
                }
            };
            st.plot_obstacles[k][n as usize] = obstacle::add(tx, pid, &o)?;
        }
        Ev::ResolvePlotObstacle(n) => {
            let text = if n == 0 {
                "供电公司已排期迁移，先行拆除其余区域"
            } else {
                "区住建局公布安置房交付时间表"
            };
            obstacle::resolve(tx, st.plot_obstacles[k][n as usize], text, day)?;
        }
        Ev::DemolitionLog => {
            let numbers = st.demolished_on.get(&(e.plot, day)).cloned().unwrap_or_default();
            let machines = 3 + numbers.len() as i64 / 2 + rng.random_range(0..3);
            let workers = 12 + numbers.len() as i64 + rng.random_range(0..6);
            let notes = if numbers.is_empty() {
                "清运建筑垃圾，洒水降尘"
            } else {
                "拆除作业，现场洒水降尘"
            };
            plot_work::log_demolition_day(tx, pid, day, machines, workers, &numbers, notes)?;
        }
        Ev::ChecklistDone(item) => {
            plot_work::set_checklist_done(tx, st.checklists[k][item as usize], true, day, "现场核查完成")?;
        }
    }
    Ok(())
}
