//! Reading a roster file into a grid of cells, whatever it is: .xlsx and .xls through
//! calamine, CSV in UTF-8 (with or without BOM) or GBK through encoding_rs. The format is
//! told by the file's first bytes, not its name; anything else gets a clear refusal.

use crate::error::{Error, Result};
use calamine::{Data, Reader};
use serde::Serialize;
use std::io::Cursor;
use std::path::Path;

/// Rosters are small (10,000 households is about 1 MB); past this a file is refused unread.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum SourceFormat {
    Xlsx,
    Xls,
    CsvUtf8,
    CsvGbk,
}

impl SourceFormat {
    pub fn zh(self) -> &'static str {
        match self {
            SourceFormat::Xlsx => "Excel 工作簿 (.xlsx)",
            SourceFormat::Xls => "Excel 97-2003 工作簿 (.xls)",
            SourceFormat::CsvUtf8 => "CSV 文本 (UTF-8)",
            SourceFormat::CsvGbk => "CSV 文本 (GBK)",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Number(f64),
    /// A cell Excel shows as an error (#N/A, #REF! ...).
    Error(String),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        match self {
            Value::Empty => true,
            Value::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as text: numbers without a spurious ".0" or float noise.
    pub fn text(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(s) => s.trim().to_string(),
            Value::Number(n) => number_text(*n),
            Value::Error(e) => e.clone(),
        }
    }
}

/// 13800000000.0 → "13800000000", 125.4 → "125.4", 125.40000000000001 → "125.4".
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{}", n as i64);
    }
    let s = format!("{:.6}", n);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A merged range, 0-based inclusive (row, col).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Merged {
    pub start: (usize, usize),
    pub end: (usize, usize),
}

/// The first sheet with data, as absolute sheet coordinates: `rows[r][c]` is Excel's row r+1.
#[derive(Debug, Clone)]
pub struct Grid {
    pub format: SourceFormat,
    pub sheet: Option<String>,
    pub rows: Vec<Vec<Value>>,
    pub merged: Vec<Merged>,
}

fn refuse(rule: &'static str, msg: impl Into<String>) -> Error {
    Error::rule(rule, msg)
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const CFB_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Reads a roster file; every refusal says what is wrong in words an office understands.
pub fn read(path: &Path) -> Result<Grid> {
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let meta = std::fs::metadata(path)
        .map_err(|e| refuse("import.unreadable", format!("无法读取文件「{}」: {e}", path.display())))?;
    if meta.is_dir() {
        return Err(refuse("import.unreadable", format!("「{}」是文件夹,不是花名册文件", path.display())));
    }
    if meta.len() == 0 {
        return Err(refuse("import.empty", format!("文件「{name}」是空的(0 字节),没有可导入的内容")));
    }
    if meta.len() > MAX_BYTES {
        return Err(refuse(
            "import.too_large",
            format!(
                "文件「{name}」有 {:.1} MB,超过花名册文件的上限 {} MB;请确认选择的是花名册(一万户的花名册约 1 MB)",
                meta.len() as f64 / 1024.0 / 1024.0,
                MAX_BYTES / 1024 / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if bytes.starts_with(CFB_MAGIC) {
        if contains(&bytes, &utf16("EncryptionInfo")) || contains(&bytes, &utf16("EncryptedPackage")) {
            return Err(refuse("import.encrypted", format!("文件「{name}」设置了打开密码,无法读取;请在 Excel/WPS 中取消密码(文件 → 信息 → 保护工作簿)后另存再导入")));
        }
        return read_xls(bytes, &name);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        return read_xlsx(bytes, &name);
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "et" | "ods") {
        return Err(refuse(
            "import.not_spreadsheet",
            format!("文件「{name}」的扩展名是 .{ext},但内容不是 Excel 工作簿(文件可能已损坏或被改了扩展名)"),
        ));
    }
    read_csv(&bytes, &name)
}

fn from_range(range: &calamine::Range<Data>) -> Vec<Vec<Value>> {
    let Some((r0, c0)) = range.start() else { return Vec::new() };
    let (r0, c0) = (r0 as usize, c0 as usize);
    let mut rows: Vec<Vec<Value>> = vec![Vec::new(); r0];
    for row in range.rows() {
        let mut out = vec![Value::Empty; c0];
        for d in row {
            out.push(match d {
                Data::Empty => Value::Empty,
                Data::String(s) => Value::Text(s.clone()),
                Data::Int(i) => Value::Number(*i as f64),
                Data::Float(f) => Value::Number(*f),
                Data::Bool(b) => Value::Text(if *b { "是".into() } else { "否".into() }),
                Data::DateTime(dt) => match dt.as_datetime() {
                    Some(t) if t.time() == chrono::NaiveTime::MIN => Value::Text(t.date().to_string()),
                    Some(t) => Value::Text(t.to_string()),
                    None => Value::Number(dt.as_f64()),
                },
                Data::DateTimeIso(s) | Data::DurationIso(s) => Value::Text(s.clone()),
                Data::Error(e) => Value::Error(format!("#{e:?}")),
            });
        }
        rows.push(out);
    }
    rows
}

fn first_sheet_with_data<R, RS>(wb: &mut R, name: &str) -> Result<(String, calamine::Range<Data>)>
where
    R: Reader<RS>,
    RS: std::io::Read + std::io::Seek,
    R::Error: std::fmt::Display,
{
    let names = wb.sheet_names();
    if names.is_empty() {
        return Err(refuse("import.empty", format!("工作簿「{name}」中没有工作表")));
    }
    for n in &names {
        let range = wb
            .worksheet_range(n)
            .map_err(|e| refuse("import.not_spreadsheet", format!("无法读取工作表「{n}」: {e}")))?;
        if !range.is_empty() {
            return Ok((n.clone(), range));
        }
    }
    Err(refuse("import.empty", format!("工作簿「{name}」的工作表都是空的,没有可导入的内容")))
}

fn merged(dims: Vec<calamine::Dimensions>) -> Vec<Merged> {
    dims.into_iter()
        .map(|d| Merged { start: (d.start.0 as usize, d.start.1 as usize), end: (d.end.0 as usize, d.end.1 as usize) })
        .collect()
}

fn read_xlsx(bytes: Vec<u8>, name: &str) -> Result<Grid> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| refuse("import.not_spreadsheet", format!("文件「{name}」不是可读取的 Excel 工作簿({e})")))?;
    let (sheet, range) = first_sheet_with_data(&mut wb, name)?;
    let merged = match wb.worksheet_merge_cells(&sheet) {
        Some(Ok(d)) => merged(d),
        _ => Vec::new(),
    };
    Ok(Grid { format: SourceFormat::Xlsx, sheet: Some(sheet), rows: from_range(&range), merged })
}

fn read_xls(bytes: Vec<u8>, name: &str) -> Result<Grid> {
    let mut wb: calamine::Xls<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => refuse(
            "import.encrypted",
            format!("文件「{name}」设置了打开密码,无法读取;请在 Excel/WPS 中取消密码后另存再导入"),
        ),
        e => refuse("import.not_spreadsheet", format!("文件「{name}」不是可读取的 Excel 97-2003 工作簿({e})")),
    })?;
    let (sheet, range) = first_sheet_with_data(&mut wb, name)?;
    let merged = wb.worksheet_merge_cells(&sheet).map(merged).unwrap_or_default();
    Ok(Grid { format: SourceFormat::Xls, sheet: Some(sheet), rows: from_range(&range), merged })
}

fn read_csv(bytes: &[u8], name: &str) -> Result<Grid> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let controls = head.iter().filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r')).count();
    if head.contains(&0) || controls * 100 > head.len() {
        return Err(refuse(
            "import.not_spreadsheet",
            format!("文件「{name}」不是电子表格:只能导入 Excel 工作簿(.xlsx、.xls)或 CSV 文本(UTF-8 或 GBK 编码)"),
        ));
    }
    let (text, format) = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(t) => (t.to_string(), SourceFormat::CsvUtf8),
        Err(_) => {
            let (t, _, errors) = encoding_rs::GBK.decode(bytes);
            if errors {
                return Err(refuse("import.not_spreadsheet", format!("文件「{name}」既不是 UTF-8 也不是 GBK 编码的文本,无法识别;请在 Excel/WPS 中另存为 .xlsx 再导入")));
            }
            (t.into_owned(), SourceFormat::CsvGbk)
        }
    };
    // A tab-separated export ("文本文件(制表符分隔)") is read as such.
    let first_line = text.lines().next().unwrap_or("");
    let delim = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut rd =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| refuse("import.not_spreadsheet", format!("CSV 文件「{name}」格式有误: {e}")))?;
        rows.push(
            rec.iter().map(|s| if s.trim().is_empty() { Value::Empty } else { Value::Text(s.to_string()) }).collect(),
        );
    }
    if rows.iter().all(|r: &Vec<Value>| r.iter().all(Value::is_empty)) {
        return Err(refuse("import.empty", format!("文件「{name}」没有内容")));
    }
    Ok(Grid { format, sheet: None, rows, merged: Vec::new() })
}
