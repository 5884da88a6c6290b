//! The printed map: one A3 landscape page laid out as SVG by the core — title, date, the map
//! coloured by stage, poles, red line, scale bar and north arrow, the legend with counts, and
//! the pace — then written as .svg, rendered to .png (resvg), to a vector .pdf with the fonts
//! embedded (svg2pdf), or set as a picture on an A3 page of a .docx. Text uses the system's
//! CJK font (fonts-noto-cjk on Debian, 微软雅黑 on Windows); without one the export refuses.

use super::view::{self, MapFilter, MapView, NOT_REGISTERED_COLOUR};
use crate::error::{Error, Result};
use crate::project::Project;
use rusqlite::Connection;
use serde::Serialize;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The page: A3 landscape in CSS pixels (96 per inch).
pub const PAGE_W: f64 = 1587.4;
pub const PAGE_H: f64 = 1122.5;
/// PNG pixels per page pixel: about 190 dpi on A3.
const PNG_SCALE: f32 = 2.0;
pub(crate) const FONTS: &str =
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', \
                     'WenQuanYi Micro Hei', 'SimHei', sans-serif";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MapFormat {
    Png,
    Pdf,
    Docx,
    Svg,
}

impl MapFormat {
    pub fn id(self) -> &'static str {
        match self {
            MapFormat::Png => "png",
            MapFormat::Pdf => "pdf",
            MapFormat::Docx => "docx",
            MapFormat::Svg => "svg",
        }
    }

    pub fn from_path(path: &Path) -> Result<MapFormat> {
        let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        match ext.as_str() {
            "png" => Ok(MapFormat::Png),
            "pdf" => Ok(MapFormat::Pdf),
            "docx" => Ok(MapFormat::Docx),
            "svg" => Ok(MapFormat::Svg),
            _ => Err(Error::invalid("out", format!("{}：挂图只能导出为 .png、.pdf、.docx 或 .svg", path.display()))),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MapExport {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    pub format: MapFormat,
    pub on: chrono::NaiveDate,
    pub bytes: u64,
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Breaks text into lines of at most `width` characters, at the clause marks (,;) where
/// it can, so dates and figures stay whole; a clause longer than a line is cut.
fn wrap(s: &str, width: usize) -> Vec<String> {
    let mut clauses: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in s.chars() {
        cur.push(c);
        if matches!(c, ',' | ';' | '。') {
            clauses.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        clauses.push(cur);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for clause in clauses {
        if line.chars().count() + clause.chars().count() > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        line.push_str(&clause);
        while line.chars().count() > width {
            let head: String = line.chars().take(width).collect();
            line = line.chars().skip(width).collect();
            lines.push(head);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn filter_text(f: &MapFilter) -> String {
    let mut parts = Vec::new();
    if let Some(g) = &f.group {
        parts.push(g.clone());
    }
    if let Some(s) = f.stage {
        parts.push(format!("阶段「{}」", s.zh()));
    }
    match f.obstacle {
        Some(view::ObstacleFilter::Any) => parts.push("有未解决问题".into()),
        Some(view::ObstacleFilter::Category(c)) => parts.push(format!("有「{}」问题", c.zh())),
        None => {}
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!("，筛选：{}", parts.join("、"))
    }
}

/// The page as SVG. `with_title`: the .docx sets its title as text and leaves it out here.
pub fn page_svg(m: &MapView, f: &MapFilter, with_title: bool) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="420mm" height="297mm" viewBox="0 0 {PAGE_W} {PAGE_H}" font-family="{FONTS}">"#
    );
    let _ = write!(s, r##"<rect x="0" y="0" width="{PAGE_W}" height="{PAGE_H}" fill="#ffffff"/>"##);
    let top = if with_title {
        let _ = write!(
            s,
            r##"<text x="48" y="70" font-size="38" font-weight="bold" fill="#111827">{} 挂图作战图</text>"##,
            esc(&m.project_name)
        );
        let _ = write!(
            s,
            r##"<text x="48" y="108" font-size="20" fill="#374151">{} 各户进度（数据截至 {}）{}</text>"##,
            m.on,
            m.as_of,
            esc(&filter_text(f))
        );
        130.0
    } else {
        30.0
    };
    // The map frame.
    let (fx, fy, fw, fh) = (48.0, top, 1090.0, PAGE_H - top - 40.0);
    let _ = write!(s, r##"<rect x="{fx}" y="{fy}" width="{fw}" height="{fh}" fill="#f8fafc" stroke="#cbd5e1"/>"##);
    let k = ((fw - 40.0) / m.width).min((fh - 40.0) / m.height);
    let (ox, oy) = (fx + (fw - m.width * k) / 2.0, fy + (fh - m.height * k) / 2.0);
    let _ = write!(s, r#"<g transform="translate({ox:.2} {oy:.2}) scale({k:.5})">"#);
    let line = 0.9 / k;
    if let Some(b) = &m.boundary {
        let _ = write!(s, r##"<path d="{b}" fill="#fef2f2" stroke="none"/>"##);
    }
    for p in &m.parcels {
        let opacity = if p.matches { 1.0 } else { 0.22 };
        let _ = write!(
            s,
            r##"<path d="{}" fill="{}" fill-opacity="{opacity}" fill-rule="evenodd" stroke="#334155" stroke-width="{line:.3}"/>"##,
            p.path, p.colour
        );
    }
    if let Some(b) = &m.boundary {
        let _ = write!(
            s,
            r##"<path d="{b}" fill="none" stroke="#dc2626" stroke-width="{:.3}" stroke-dasharray="{:.2} {:.2}"/>"##,
            2.6 / k,
            12.0 / k,
            6.0 / k
        );
    }
    let label = (9.0 / k).min(3.2);
    for p in m.parcels.iter().filter(|p| p.matches) {
        let short = p.number.rsplit('-').next().unwrap_or(&p.number);
        let _ = write!(
            s,
            r##"<text x="{:.2}" y="{:.2}" font-size="{label:.2}" text-anchor="middle" fill="#0f172a">{}</text>"##,
            p.label_x,
            p.label_y + label * 0.35,
            esc(short)
        );
    }
    let r = (6.0 / k).max(1.6);
    for p in &m.poles {
        let _ = write!(
            s,
            r##"<circle cx="{:.2}" cy="{:.2}" r="{r:.2}" fill="{}" stroke="#ffffff" stroke-width="{:.2}"/>"##,
            p.x,
            p.y,
            p.colour,
            r * 0.35
        );
        let _ = write!(
            s,
            r##"<text x="{:.2}" y="{:.2}" font-size="{:.2}" fill="#7f1d1d">{}</text>"##,
            p.x + r * 1.3,
            p.y - r * 0.6,
            label * 0.9,
            esc(&p.label)
        );
    }
    s.push_str("</g>");
    // North arrow and scale bar.
    let (nx, ny) = (fx + fw - 50.0, fy + 24.0);
    let _ = write!(
        s,
        r##"<path d="M{nx} {ny} l12 34 l-12 -9 l-12 9 z" fill="#111827"/><text x="{nx}" y="{}" font-size="18" text-anchor="middle" fill="#111827">北</text>"##,
        ny + 56.0
    );
    let bar = m.scale_bar_m * k;
    let (bx, by) = (fx + 24.0, fy + fh - 26.0);
    let _ = write!(
        s,
        r##"<rect x="{bx}" y="{by}" width="{bar:.2}" height="6" fill="#111827"/><rect x="{bx}" y="{by}" width="{:.2}" height="6" fill="#ffffff" stroke="#111827"/><text x="{bx}" y="{}" font-size="15" fill="#111827">0</text><text x="{:.2}" y="{}" font-size="15" text-anchor="middle" fill="#111827">{} 米</text>"##,
        bar / 2.0,
        by - 6.0,
        bx + bar,
        by - 6.0,
        m.scale_bar_m
    );

    // The legend and figures.
    let lx = fx + fw + 30.0;
    let mut y = top + 14.0;
    let text = |s: &mut String, y: &mut f64, size: f64, weight: &str, colour: &str, t: &str| {
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{:.1}" font-size="{size}" font-weight="{weight}" fill="{colour}">{}</text>"#,
            *y + size,
            esc(t)
        );
        *y += size * 1.45;
    };
    text(&mut s, &mut y, 22.0, "bold", "#111827", "图例（户数）");
    for l in &m.legend {
        let stroke = if l.colour == NOT_REGISTERED_COLOUR { "#334155" } else { "none" };
        let _ = write!(
            s,
            r##"<rect x="{lx}" y="{:.1}" width="30" height="20" fill="{}" stroke="{stroke}"/><text x="{}" y="{:.1}" font-size="18" fill="#111827">{}</text><text x="{}" y="{:.1}" font-size="18" text-anchor="end" font-weight="bold" fill="#111827">{}</text>"##,
            y + 2.0,
            l.colour,
            lx + 42.0,
            y + 19.0,
            esc(&l.name),
            lx + 360.0,
            y + 19.0,
            l.count
        );
        y += 30.0;
    }
    text(
        &mut s,
        &mut y,
        16.0,
        "normal",
        "#374151",
        &format!("合计 {} 户，图上 {} 户", m.households_shown, m.with_parcel),
    );
    y += 10.0;
    text(&mut s, &mut y, 22.0, "bold", "#111827", "杆线（根）");
    for l in &m.pole_legend {
        let _ = write!(
            s,
            r##"<circle cx="{}" cy="{:.1}" r="8" fill="{}"/><text x="{}" y="{:.1}" font-size="18" fill="#111827">{}</text><text x="{}" y="{:.1}" font-size="18" text-anchor="end" font-weight="bold" fill="#111827">{}</text>"##,
            lx + 15.0,
            y + 12.0,
            l.colour,
            lx + 42.0,
            y + 19.0,
            esc(&l.name),
            lx + 360.0,
            y + 19.0,
            l.count
        );
        y += 28.0;
    }
    let _ = write!(
        s,
        r##"<line x1="{lx}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="#dc2626" stroke-width="3" stroke-dasharray="10 5"/><text x="{}" y="{:.1}" font-size="18" fill="#111827">地块红线</text>"##,
        y + 12.0,
        lx + 30.0,
        y + 12.0,
        lx + 42.0,
        y + 19.0
    );
    y += 44.0;
    text(&mut s, &mut y, 22.0, "bold", "#111827", &format!("进度预测（截至 {}）", m.pace.as_of));
    for c in [&m.pace.signing, &m.pace.demolition] {
        let colour = match c.on_time {
            Some(false) => "#b91c1c",
            Some(true) => "#15803d",
            None => "#111827",
        };
        for l in wrap(&c.sentence(), 22) {
            text(&mut s, &mut y, 16.0, "normal", colour, &l);
        }
        y += 6.0;
    }
    if !m.without_parcel.is_empty() {
        y += 4.0;
        text(&mut s, &mut y, 16.0, "normal", "#6b7280", &format!("另有 {} 户尚无宗地图斑", m.without_parcel.len()));
    }
    let _ = write!(
        s,
        r##"<text x="{lx}" y="{:.1}" font-size="14" fill="#9ca3af">净地 Jingdi · {} · {}</text>"##,
        PAGE_H - 44.0,
        esc(&m.project_code),
        m.on
    );
    s.push_str("</svg>");
    s
}

/// The system's fonts, loaded once per process (a scan of the font folders).
fn fontdb() -> Arc<resvg::usvg::fontdb::Database> {
    static DB: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        Arc::new(db)
    })
    .clone()
}

/// Whether one of the fonts the page names (all with Chinese glyphs) is installed.
fn has_cjk_font(db: &resvg::usvg::fontdb::Database) -> bool {
    let wanted: Vec<String> =
        FONTS.split(',').map(|f| f.trim().trim_matches('\'').to_lowercase()).filter(|f| f != "sans-serif").collect();
    db.faces().any(|f| f.families.iter().any(|(name, _)| wanted.contains(&name.to_lowercase())))
}

fn tree(svg: &str) -> Result<resvg::usvg::Tree> {
    let db = fontdb();
    static CJK: OnceLock<bool> = OnceLock::new();
    if !*CJK.get_or_init(|| has_cjk_font(&db)) {
        return Err(Error::rule(
            "map.no_cjk_font",
            "本机没有中文字体，无法导出挂图或简报图：请安装中文字体（Debian/Ubuntu:sudo apt install fonts-noto-cjk）",
        ));
    }
    let opt = resvg::usvg::Options { fontdb: db, ..Default::default() };
    resvg::usvg::Tree::from_str(svg, &opt).map_err(|e| Error::Corrupt(format!("图片排版失败：{e}")))
}

/// The page rendered to PNG bytes.
pub fn png(svg: &str) -> Result<Vec<u8>> {
    let t = tree(svg)?;
    let size = t.size().to_int_size().scale_by(PNG_SCALE).ok_or_else(|| Error::Corrupt("图片尺寸无效".into()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| Error::Corrupt("图片尺寸无效".into()))?;
    resvg::render(&t, resvg::tiny_skia::Transform::from_scale(PNG_SCALE, PNG_SCALE), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| Error::Corrupt(format!("PNG 编码失败：{e}")))
}

/// The page as a PDF, fonts embedded.
pub fn pdf(svg: &str) -> Result<Vec<u8>> {
    let t = tree(svg)?;
    svg2pdf::to_pdf(&t, svg2pdf::ConversionOptions::default(), svg2pdf::PageOptions::default())
        .map_err(|e| Error::Corrupt(format!("PDF 生成失败：{e}")))
}

fn docx(m: &MapView, f: &MapFilter) -> Result<Vec<u8>> {
    use docx_rs::{AlignmentType, Docx, PageMargin, PageOrientationType, Paragraph, Pic, Run, RunFonts};
    let image = png(&page_svg(m, f, false))?;
    let (w, h) = ((PAGE_W * PNG_SCALE as f64) as u32, (PAGE_H * PNG_SCALE as f64) as u32);
    // A3 landscape, twips; margins 1 cm.
    let (page_w, page_h, margin) = (23811u32, 16838u32, 567u32);
    let fonts = |n: &str| RunFonts::new().east_asia(n).ascii(n).hi_ansi(n);
    // The picture fills the width left and the height under two lines of title.
    let emu_per_twip = 635u32;
    let avail_w = (page_w - 2 * margin) * emu_per_twip;
    let avail_h = (page_h - 2 * margin - 1300) * emu_per_twip;
    let scale = (avail_w as f64 / w as f64).min(avail_h as f64 / h as f64);
    let pic = Pic::new_with_dimensions(image, w, h).size((w as f64 * scale) as u32, (h as f64 * scale) as u32);
    let doc = Docx::new()
        .page_size(page_w, page_h)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(PageMargin {
            top: margin as i32,
            bottom: margin as i32,
            left: margin as i32,
            right: margin as i32,
            header: 300,
            footer: 300,
            gutter: 0,
        })
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new().add_text(format!("{} 挂图作战图", m.project_name)).size(36).bold().fonts(fonts("黑体")),
        ))
        .add_paragraph(
            Paragraph::new().align(AlignmentType::Center).add_run(
                Run::new()
                    .add_text(format!("{} 各户进度（数据截至 {}）{}", m.on, m.as_of, filter_text(f)))
                    .size(22)
                    .fonts(fonts("宋体")),
            ),
        )
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_image(pic)));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| Error::Corrupt(format!("写入 Word 文件失败：{e}")))?;
    Ok(out.into_inner())
}

/// Renders the map on `filter.on` (with the filters) into `path`, by its extension.
pub fn export(conn: &Connection, p: &Project, filter: &MapFilter, path: &Path) -> Result<MapExport> {
    let format = MapFormat::from_path(path)?;
    let m = view::map(conn, p, filter)?;
    if !m.has_geometry {
        return Err(Error::rule(
            "map.no_geometry",
            "项目还没有地图：请先导入宗地图（jingdi map import 文件 --layer parcels --key 宗地号）",
        ));
    }
    let bytes = match format {
        MapFormat::Svg => page_svg(&m, filter, true).into_bytes(),
        MapFormat::Png => png(&page_svg(&m, filter, true))?,
        MapFormat::Pdf => pdf(&page_svg(&m, filter, true))?,
        MapFormat::Docx => docx(&m, filter)?,
    };
    // Written beside and renamed: a half-written map never takes the place of a good one.
    crate::office::save(path, &bytes)?;
    Ok(MapExport { path: path.to_path_buf(), format, on: m.on, bytes: bytes.len() as u64 })
}
