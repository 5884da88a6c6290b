//! 进度简报图: the 总览 on one A4 page, as a PNG to post in the WeChat work group or a PDF to
//! print. Laid out as SVG from `report::summary` — the figures the dashboard shows, as of the
//! same date — and rendered by the printed map's renderer (resvg, svg2pdf, the system's CJK
//! font). Groups and units only: no household is named, so the picture is not personal data.

use crate::map::export::{esc, FONTS};
use crate::map::view::stage_colour;
use crate::plot_work::DemolitionDay;
use crate::project::Project;
use crate::report::clearance::ClearanceItem;
use crate::report::summary::Summary;
use crate::units::{format_hundredths, format_m2, format_rate};
use std::fmt::Write;

const W: f64 = 794.0;
const H: f64 = 1123.0;
/// The most groups and responsible units listed; the rest are summed in one line.
const MAX_ROWS: usize = 10;
/// The most responsible units in the obstacles column.
const MAX_LIST: usize = 8;
/// The demolition days drawn: the last fortnight logged.
const DAYS: usize = 14;

/// Fen as 万元 with two decimals, rounded half up in integers.
fn wan(fen: i64) -> String {
    format_hundredths((fen + fen.signum() * 5_000) / 10_000)
}

/// The attributes of a line of text: size, colour, anchor (start, middle, end), weight.
fn st(size: f64, fill: &str, anchor: &str, bold: bool) -> String {
    let weight = if bold { r#" font-weight="bold""# } else { "" };
    format!(r#"font-size="{size}" fill="{fill}" text-anchor="{anchor}"{weight}"#)
}

fn text(s: &mut String, x: f64, y: f64, style: &str, body: &str) {
    let _ = write!(s, r#"<text x="{x:.1}" y="{y:.1}" {style}>{}</text>"#, esc(body));
}

/// What the page is drawn from: the summary, the 净地 readiness list and the demolition log,
/// all as of the summary's date.
pub struct Figures<'a> {
    pub summary: &'a Summary,
    pub clearance: &'a [ClearanceItem],
    pub days: &'a [DemolitionDay],
}

/// The page as SVG (A4 portrait).
pub fn svg(p: &Project, f: &Figures) -> String {
    let s = f.summary;
    let mut o = String::new();
    let _ = write!(
        o,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 {W} {H}" font-family="{FONTS}"><rect width="{W}" height="{H}" fill="#ffffff"/>"##
    );
    // Header band.
    let _ = write!(o, r##"<rect width="{W}" height="112" fill="#0f3d3e"/>"##);
    text(&mut o, 36.0, 52.0, &st(28.0, "#ffffff", "start", true), &format!("{} 征迁进度简报", p.name));
    let place: Vec<&str> = [p.district.as_str(), p.street.as_str()].into_iter().filter(|x| !x.is_empty()).collect();
    let left = if s.days_left >= 0 {
        format!("距签约期截止 {} 天", s.days_left)
    } else {
        "签约期已截止".to_string()
    };
    text(
        &mut o,
        36.0,
        88.0,
        &st(15.0, "#cbe7e4", "start", false),
        &format!(
            "{}  数据截至 {}  ·  签约期 {} 至 {}  ·  {left}",
            place.join(""),
            s.as_of.format("%Y年%m月%d日"),
            s.window_opens_on,
            s.window_closes_on
        ),
    );

    // Four figures.
    let stage = |id: crate::vocab::Stage| s.stages.iter().find(|c| c.stage == id).map_or(0, |c| c.households);
    let demolished = stage(crate::vocab::Stage::Demolished);
    let handed_over = stage(crate::vocab::Stage::Vacated) + demolished;
    let tiles = [
        (
            "签约",
            format!("{} / {} 户", s.households_signed, s.households_total),
            vec![format!("签约率 {}", format_rate(s.signing_rate))],
        ),
        (
            "签约面积",
            format_m2(s.signed_area_centi),
            vec![format!("占 {} 的 {}", format_m2(s.total_area_centi), format_rate(s.area_signing_rate))],
        ),
        (
            "腾空交房 / 已拆除",
            format!("{handed_over} / {demolished} 户"),
            vec![format!("共 {} 户", s.households_total)],
        ),
        (
            "补偿款已支付",
            format!("{} 万元", wan(s.compensation.paid_fen)),
            vec![
                format!("已确认 {} 万元", wan(s.compensation.confirmed_fen)),
                format!("待付 {} 万元", wan(s.compensation.unpaid_confirmed_fen)),
            ],
        ),
    ];
    let (tw, th, ty) = ((W - 72.0 - 3.0 * 14.0) / 4.0, 124.0, 136.0);
    for (i, (label, value, sub)) in tiles.iter().enumerate() {
        let x = 36.0 + i as f64 * (tw + 14.0);
        let _ = write!(o, r##"<rect x="{x:.1}" y="{ty}" width="{tw:.1}" height="{th}" rx="8" fill="#f1f5f9"/>"##);
        text(&mut o, x + 14.0, ty + 30.0, &st(14.0, "#475569", "start", false), label);
        text(&mut o, x + 14.0, ty + 66.0, &st(22.0, "#0f172a", "start", true), value);
        for (j, line) in sub.iter().enumerate() {
            text(&mut o, x + 14.0, ty + 90.0 + j as f64 * 16.0, &st(11.5, "#64748b", "start", false), line);
        }
    }

    // Stages: one bar, each stage its board colour, with the count under it.
    let mut y = ty + th + 46.0;
    text(&mut o, 36.0, y, &st(17.0, "#0f172a", "start", true), "各阶段户数");
    y += 14.0;
    let total = s.stages.iter().map(|c| c.households).sum::<i64>().max(1) as f64;
    let mut x = 36.0;
    for c in &s.stages {
        let w = (W - 72.0) * c.households as f64 / total;
        if w > 0.0 {
            let _ = write!(
                o,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="26" fill="{}"/>"#,
                stage_colour(c.stage)
            );
        }
        x += w;
    }
    y += 48.0;
    let per = (W - 72.0) / s.stages.len().max(1) as f64;
    for (i, c) in s.stages.iter().enumerate() {
        let cx = 36.0 + i as f64 * per;
        let _ = write!(
            o,
            r#"<rect x="{cx:.1}" y="{:.1}" width="12" height="12" fill="{}"/>"#,
            y - 11.0,
            stage_colour(c.stage)
        );
        text(&mut o, cx + 18.0, y, &st(13.0, "#334155", "start", false), &format!("{} {}", c.name, c.households));
    }

    // Groups: signing and demolition, a bar for the rate.
    y += 46.0;
    text(&mut o, 36.0, y, &st(17.0, "#0f172a", "start", true), "各组进度");
    y += 28.0;
    let cols = [
        (36.0, "责任组", "start"),
        (250.0, "户数", "end"),
        (330.0, "已签约", "end"),
        (560.0, "签约率", "start"),
        (758.0, "已拆除", "end"),
    ];
    for (cx, h, a) in cols {
        text(&mut o, cx, y, &st(13.0, "#64748b", a, false), h);
    }
    let mut groups: Vec<_> = s.groups.iter().collect();
    groups.sort_by_cached_key(|g| crate::project::group_order(&g.group));
    for g in groups.iter().take(MAX_ROWS) {
        y += 30.0;
        let _ = write!(
            o,
            r##"<line x1="36" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#e2e8f0"/>"##,
            y - 21.0,
            W - 36.0,
            y - 21.0
        );
        text(&mut o, 36.0, y, &st(14.0, "#0f172a", "start", false), &g.group);
        text(&mut o, 250.0, y, &st(14.0, "#0f172a", "end", false), &g.households_total.to_string());
        text(&mut o, 330.0, y, &st(14.0, "#0f172a", "end", false), &g.households_signed.to_string());
        let bw = 210.0 * g.signing_rate.clamp(0.0, 1.0);
        let _ = write!(o, r##"<rect x="350" y="{:.1}" width="210" height="12" rx="3" fill="#e2e8f0"/>"##, y - 11.0);
        let _ = write!(o, r##"<rect x="350" y="{:.1}" width="{bw:.1}" height="12" rx="3" fill="#3b82f6"/>"##, y - 11.0);
        text(&mut o, 570.0, y, &st(14.0, "#0f172a", "start", false), &format_rate(g.signing_rate));
        text(&mut o, 758.0, y, &st(14.0, "#0f172a", "end", false), &g.demolished.to_string());
    }
    if groups.len() > MAX_ROWS {
        y += 26.0;
        text(
            &mut o,
            36.0,
            y,
            &st(12.0, "#64748b", "start", false),
            &format!("另有 {} 个组未列出", groups.len() - MAX_ROWS),
        );
    }

    // Side by side: obstacles by unit, overdue first (the 会商's order), and the follow-ups;
    // what still stands between now and 净地 (the 总览's 净地条件), by kind.
    let top = y + 46.0;
    let (mid, right) = (W / 2.0 - 12.0, W / 2.0 + 12.0);
    let open: i64 = s.obstacles_by_unit.iter().map(|u| u.open).sum();
    let overdue: i64 = s.obstacles_by_unit.iter().map(|u| u.overdue).sum();
    text(&mut o, 36.0, top, &st(17.0, "#0f172a", "start", true), &format!("未解决问题 {open} 项（逾期 {overdue} 项）"));
    let mut units: Vec<_> = s.obstacles_by_unit.iter().filter(|u| u.open > 0).collect();
    units.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(b.open.cmp(&a.open)));
    let mut yl = top;
    for u in units.iter().take(MAX_LIST) {
        yl += 26.0;
        text(&mut o, 52.0, yl, &st(14.0, "#0f172a", "start", false), &u.responsible_unit);
        let late =
            if u.overdue > 0 { format!("{} 项，逾期 {}", u.open, u.overdue) } else { format!("{} 项", u.open) };
        let colour = if u.overdue > 0 { "#dc2626" } else { "#0f172a" };
        text(&mut o, mid, yl, &st(14.0, colour, "end", false), &late);
    }
    if units.len() > MAX_LIST {
        yl += 22.0;
        text(
            &mut o,
            52.0,
            yl,
            &st(12.0, "#64748b", "start", false),
            &format!("另有 {} 个单位未列出", units.len() - MAX_LIST),
        );
    }
    if units.is_empty() {
        yl += 26.0;
        text(&mut o, 52.0, yl, &st(14.0, "#16a34a", "start", false), "没有未解决的问题");
    }
    yl += 34.0;
    let follow = s.overdue_follow_ups.len();
    let colour = if follow > 0 { "#dc2626" } else { "#0f172a" };
    text(&mut o, 36.0, yl, &st(15.0, colour, "start", true), &format!("逾期回访 {follow} 户"));

    text(&mut o, right, top, &st(17.0, "#0f172a", "start", true), "距离净地还差");
    let mut kinds: Vec<(crate::report::clearance::ClearanceKind, usize, i64)> = Vec::new();
    for c in f.clearance {
        match kinds.iter_mut().find(|(k, _, _)| *k == c.kind) {
            Some((_, n, fen)) => {
                *n += 1;
                *fen += c.amount_fen.unwrap_or(0);
            }
            None => kinds.push((c.kind, 1, c.amount_fen.unwrap_or(0))),
        }
    }
    let mut yr = top;
    if kinds.is_empty() {
        yr += 26.0;
        text(&mut o, right + 16.0, yr, &st(14.0, "#16a34a", "start", false), "已具备净地条件");
    }
    for (kind, n, fen) in &kinds {
        yr += 26.0;
        text(&mut o, right + 16.0, yr, &st(14.0, "#0f172a", "start", false), kind.zh());
        let amount = if *fen > 0 { format!("{n} 项，{} 万元", wan(*fen)) } else { format!("{n} 项") };
        text(&mut o, W - 36.0, yr, &st(14.0, "#0f172a", "end", false), &amount);
    }
    y = yl.max(yr);

    // The last fortnight of the demolition log: households demolished per day.
    let days = &f.days[f.days.len().saturating_sub(DAYS)..];
    let chart_h = 110.0;
    if !days.is_empty() && y + 46.0 + 30.0 + chart_h + 24.0 < H - 44.0 {
        y += 46.0;
        text(&mut o, 36.0, y, &st(17.0, "#0f172a", "start", true), "近期每日拆除户数");
        let top = y + 30.0;
        let most = days.iter().map(|d| d.demolished.len()).max().unwrap_or(0).max(1) as f64;
        let slot = (W - 72.0) / DAYS as f64;
        for (i, d) in days.iter().enumerate() {
            let n = d.demolished.len();
            let bh = chart_h * n as f64 / most;
            let x = 36.0 + i as f64 * slot + slot * 0.2;
            let _ = write!(
                o,
                r##"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#16a34a"/>"##,
                top + chart_h - bh,
                slot * 0.6
            );
            let cx = x + slot * 0.3;
            text(&mut o, cx, top + chart_h - bh - 5.0, &st(12.0, "#0f172a", "middle", false), &n.to_string());
            text(
                &mut o,
                cx,
                top + chart_h + 18.0,
                &st(11.0, "#64748b", "middle", false),
                &d.log_date.format("%m-%d").to_string(),
            );
        }
    }

    let _ = write!(
        o,
        r##"<line x1="36" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#cbd5e1"/>"##,
        H - 40.0,
        W - 36.0,
        H - 40.0
    );
    text(
        &mut o,
        36.0,
        H - 18.0,
        &st(11.0, "#94a3b8", "start", false),
        "净地 Jingdi 据本机台账生成，数字与总览、签约率汇总表同源",
    );
    o.push_str("</svg>");
    o
}
