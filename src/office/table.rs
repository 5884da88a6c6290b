//! The tables every export is made of, and how they are written: .xlsx (through
//! rust_xlsxwriter: title, 截至 date, frozen header, widths, A4 landscape) and CSV (UTF-8
//! with BOM, so Excel and WPS open it without asking for an encoding).

use crate::error::{Error, Result};
use crate::units::format_hundredths;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use std::path::Path;

/// The font offices expect in printed tables; LibreOffice substitutes a CJK font where it
/// is missing, Excel and WPS have it.
pub const FONT: &str = "宋体";
pub const TITLE_FONT: &str = "黑体";

/// One cell value. Money and areas stay integer hundredths until written.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Int(i64),
    /// fen, written as 元 with two decimals
    Money(i64),
    /// 0.01 m², written as m² with two decimals
    Area(i64),
    /// 0..=1, written as a percentage
    Percent(f64),
    Date(NaiveDate),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map(Cell::Date).unwrap_or(Cell::Empty)
    }

    /// The cell as a CSV field (and as text in a Word table).
    pub fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(v) | Cell::Area(v) => format_hundredths(*v).replace(',', ""),
            Cell::Percent(p) => format!("{:.2}%", p * 100.0),
            Cell::Date(d) => d.to_string(),
        }
    }

    /// As `display`, with thousands separators for money and area (for printed documents).
    pub fn pretty(&self) -> String {
        match self {
            Cell::Money(v) | Cell::Area(v) => format_hundredths(*v),
            other => other.display(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone)]
pub struct Column {
    pub header: String,
    /// Width in Excel character units (a CJK character is about 2).
    pub width: f64,
    pub align: Align,
}

pub fn col(header: &str, width: f64, align: Align) -> Column {
    Column { header: header.to_string(), width, align }
}

/// One table: a worksheet in .xlsx, a section in CSV, a table in .docx.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// Worksheet tab name (≤ 31 characters).
    pub name: String,
    /// Printed title, e.g. "东星4号地块 签约率汇总表".
    pub title: String,
    /// Line under the title: unit, "截至 2024-01-31", notes.
    pub subtitle: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// A 合计 row, set apart in bold.
    pub total: Option<Vec<Cell>>,
    /// Notes printed under the table.
    pub notes: Vec<String>,
    /// Print 填报人 / 审核人 / 日期 lines under the notes, for a table the office signs and files.
    pub sign_off: bool,
}

/// The sign-off line under a table the office files: who filled it in, who checked it, when.
pub const SIGN_OFF: &str = "填报人：______________        审核人：______________        日期：______年____月____日";

impl Sheet {
    pub fn new(name: &str, title: String, subtitle: String, columns: Vec<Column>) -> Sheet {
        Sheet {
            name: name.to_string(),
            title,
            subtitle,
            columns,
            rows: Vec::new(),
            total: None,
            notes: Vec::new(),
            sign_off: false,
        }
    }

    /// Where the header row is in the written worksheet (0-based): after title and subtitle.
    pub const HEADER_ROW: u32 = 2;
}

fn xlsx_err(e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Corrupt(format!("写入 Excel 文件失败：{e}"))
}

struct Formats {
    title: Format,
    subtitle: Format,
    header: Format,
    body: [Format; 3],
    body_bold: [Format; 3],
    money: Format,
    money_bold: Format,
    percent: Format,
    percent_bold: Format,
    int: Format,
    int_bold: Format,
    note: Format,
}

fn formats() -> Formats {
    let base = Format::new()
        .set_font_name(FONT)
        .set_font_size(10.5)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let aligned = |f: &Format| {
        [
            f.clone().set_align(FormatAlign::Left),
            f.clone().set_align(FormatAlign::Center),
            f.clone().set_align(FormatAlign::Right),
        ]
    };
    let bold = base.clone().set_bold().set_background_color(0xF2F2F2);
    Formats {
        title: Format::new()
            .set_font_name(TITLE_FONT)
            .set_font_size(16)
            .set_bold()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        subtitle: Format::new().set_font_name(FONT).set_font_size(10.5).set_align(FormatAlign::Right),
        header: base.clone().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_background_color(0xD9E1F2),
        body: aligned(&base),
        body_bold: aligned(&bold),
        money: base.clone().set_num_format("#,##0.00").set_align(FormatAlign::Right),
        money_bold: bold.clone().set_num_format("#,##0.00").set_align(FormatAlign::Right),
        percent: base.clone().set_num_format("0.00%").set_align(FormatAlign::Right),
        percent_bold: bold.clone().set_num_format("0.00%").set_align(FormatAlign::Right),
        int: base.clone().set_num_format("0").set_align(FormatAlign::Right),
        int_bold: bold.clone().set_num_format("0").set_align(FormatAlign::Right),
        note: Format::new().set_font_name(FONT).set_font_size(9),
    }
}

fn write_cell(ws: &mut Worksheet, f: &Formats, row: u32, c: u16, cell: &Cell, align: Align, bold: bool) -> Result<()> {
    let a = match align {
        Align::Left => 0,
        Align::Center => 1,
        Align::Right => 2,
    };
    let text_fmt = if bold { &f.body_bold[a] } else { &f.body[a] };
    match cell {
        Cell::Empty => ws.write_blank(row, c, text_fmt).map(|_| ()),
        Cell::Text(s) => ws.write_string_with_format(row, c, s, text_fmt).map(|_| ()),
        // Counts in a centred column (序号, 排名) stay centred; others right-aligned.
        Cell::Int(n) if align == Align::Center => ws.write_number_with_format(row, c, *n as f64, text_fmt).map(|_| ()),
        Cell::Int(n) => {
            ws.write_number_with_format(row, c, *n as f64, if bold { &f.int_bold } else { &f.int }).map(|_| ())
        }
        Cell::Money(v) | Cell::Area(v) => ws
            .write_number_with_format(row, c, *v as f64 / 100.0, if bold { &f.money_bold } else { &f.money })
            .map(|_| ()),
        Cell::Percent(p) => {
            ws.write_number_with_format(row, c, *p, if bold { &f.percent_bold } else { &f.percent }).map(|_| ())
        }
        // Dates as text: they read the same everywhere and never turn into serial numbers.
        Cell::Date(d) => ws.write_string_with_format(row, c, d.to_string(), &f.body[1]).map(|_| ()),
    }
    .map_err(xlsx_err)
}

/// Writes the sheets as one workbook, each printable on A4 landscape.
pub fn write_xlsx(sheets: &[Sheet], path: &Path) -> Result<()> {
    let mut wb = Workbook::new();
    let f = formats();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(xlsx_err)?;
        let last_col = s.columns.len().saturating_sub(1) as u16;
        ws.set_row_height(0, 30).map_err(xlsx_err)?;
        if last_col > 0 {
            ws.merge_range(0, 0, 0, last_col, &s.title, &f.title).map_err(xlsx_err)?;
            ws.merge_range(1, 0, 1, last_col, &s.subtitle, &f.subtitle).map_err(xlsx_err)?;
        } else {
            ws.write_string_with_format(0, 0, &s.title, &f.title).map_err(xlsx_err)?;
            ws.write_string_with_format(1, 0, &s.subtitle, &f.subtitle).map_err(xlsx_err)?;
        }
        let h = Sheet::HEADER_ROW;
        ws.set_row_height(h, 28).map_err(xlsx_err)?;
        for (i, c) in s.columns.iter().enumerate() {
            ws.set_column_width(i as u16, c.width).map_err(xlsx_err)?;
            ws.write_string_with_format(h, i as u16, &c.header, &f.header).map_err(xlsx_err)?;
        }
        let mut r = h + 1;
        for row in &s.rows {
            ws.set_row_height(r, 18).map_err(xlsx_err)?;
            for (i, cell) in row.iter().enumerate() {
                write_cell(ws, &f, r, i as u16, cell, s.columns[i].align, false)?;
            }
            r += 1;
        }
        if let Some(total) = &s.total {
            ws.set_row_height(r, 20).map_err(xlsx_err)?;
            for (i, cell) in total.iter().enumerate() {
                write_cell(ws, &f, r, i as u16, cell, s.columns[i].align, true)?;
            }
            r += 1;
        }
        for n in &s.notes {
            r += 1;
            ws.write_string_with_format(r, 0, n, &f.note).map_err(xlsx_err)?;
        }
        if s.sign_off {
            r += 2;
            ws.set_row_height(r, 24).map_err(xlsx_err)?;
            ws.write_string_with_format(r, 0, SIGN_OFF, &f.note).map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(h + 1, 0).map_err(xlsx_err)?;
        ws.set_paper_size(9); // A4
        ws.set_landscape();
        ws.set_margins(0.5, 0.5, 0.6, 0.6, 0.3, 0.3);
        ws.set_print_center_horizontally(true);
        ws.set_print_fit_to_pages(1, 0); // all columns on one page width
        ws.set_repeat_rows(h, h).map_err(xlsx_err)?;
        ws.set_footer("&C第 &P 页，共 &N 页");
    }
    let bytes = wb.save_to_buffer().map_err(xlsx_err)?;
    super::save(path, &bytes)
}

/// A CSV field that Excel or WPS would run as a formula (it begins with `=`, `+`, `-`, `@`,
/// a tab or a carriage return) is written with a leading apostrophe, as OWASP's CSV
/// injection guidance recommends: the spreadsheet shows it as text, the apostrophe hidden in
/// Excel. A plain number ("-1500.00", "+3") stays as it is, so figures still read as numbers.
pub fn csv_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty())
}

/// Writes the sheets as one CSV file (UTF-8 with BOM): each table under its title, a blank
/// line between tables. A single-table export is a plain header + rows file after the title.
pub fn write_csv(sheets: &[Sheet], path: &Path) -> Result<()> {
    let mut buf: Vec<u8> = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(&mut buf);
        let csv_err = |e: csv::Error| Error::Corrupt(format!("写入 CSV 失败：{e}"));
        for (i, s) in sheets.iter().enumerate() {
            if i > 0 {
                w.write_record([""]).map_err(csv_err)?;
            }
            w.write_record([csv_safe(&format!("{}({})", s.title, s.subtitle)).as_ref()]).map_err(csv_err)?;
            w.write_record(s.columns.iter().map(|c| csv_safe(&c.header).into_owned())).map_err(csv_err)?;
            for row in s.rows.iter().chain(s.total.iter()) {
                // Every cell, numbers included: a number's display is a plain figure and
                // passes unchanged.
                w.write_record(row.iter().map(|c| csv_safe(&c.display()).into_owned())).map_err(csv_err)?;
            }
        }
        w.flush()?;
    }
    super::save(path, &buf)
}
