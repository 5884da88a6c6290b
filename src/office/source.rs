//! Reading a roster file into a grid of cells, whatever it is: .xlsx and .xls through
//! calamine, CSV in UTF-8 (with or without BOM) or GBK through encoding_rs. The format is
//! told by the file's first bytes, not its name; anything else gets a clear refusal.

use crate::error::{Error, Result};
use calamine::{Data, Reader};
use serde::Serialize;
use std::io::{Cursor, Read};
use std::path::Path;

/// Rosters are small (10,000 households is about 1 MB); past this a file is refused unread.
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;
/// The limits of the grid a file may fill, checked while it is read and before anything of
/// its declared size is allocated (a sheet claiming XFD1048576 must not make a grid of 17
/// billion cells): rows (ten times a large roster), columns, cells of the grid as stored
/// (each row up to its last non-empty cell), merged ranges. Past any, `import.too_large`.
pub const MAX_ROWS: usize = 100_000;
pub const MAX_COLS: usize = 1_000;
pub const MAX_CELLS: usize = 5_000_000;
pub const MAX_MERGED: usize = 10_000;
/// What the parts of an .xlsx may unzip to, in all (a zip bomb is refused while unzipping).
pub const MAX_UNZIPPED: u64 = 256 * 1024 * 1024;

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
            SourceFormat::Xlsx => "Excel 工作簿（.xlsx）",
            SourceFormat::Xls => "Excel 97-2003 工作簿（.xls）",
            SourceFormat::CsvUtf8 => "CSV 文本（UTF-8）",
            SourceFormat::CsvGbk => "CSV 文本（GBK）",
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
        .map_err(|e| refuse("import.unreadable", format!("无法读取文件「{}」：{e}", path.display())))?;
    if meta.is_dir() {
        return Err(refuse("import.unreadable", format!("「{}」是文件夹，不是花名册文件", path.display())));
    }
    if meta.len() == 0 {
        return Err(refuse("import.empty", format!("文件「{name}」是空的（0 字节），没有可导入的内容")));
    }
    if meta.len() > MAX_BYTES {
        return Err(refuse(
            "import.too_large",
            format!(
                "文件「{name}」有 {:.1} MB，超过花名册文件的上限 {} MB；请确认选择的是花名册（一万户的花名册约 1 MB）",
                meta.len() as f64 / 1024.0 / 1024.0,
                MAX_BYTES / 1024 / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if bytes.starts_with(CFB_MAGIC) {
        if contains(&bytes, &utf16("EncryptionInfo")) || contains(&bytes, &utf16("EncryptedPackage")) {
            return Err(refuse("import.encrypted", format!("文件「{name}」设置了打开密码，无法读取；请在 Excel/WPS 中取消密码（文件 → 信息 → 保护工作簿）后另存再导入")));
        }
        xls_fits(&bytes, &name)?;
        return guarded(&name, || read_xls(bytes, &name));
    }
    if bytes.starts_with(ZIP_MAGIC) {
        unzips_within_limit(&bytes, &name)?;
        return guarded(&name, || read_xlsx(bytes, &name));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "et" | "ods") {
        return Err(refuse(
            "import.not_spreadsheet",
            format!("文件「{name}」的扩展名是 .{ext}，但内容不是 Excel 工作簿（文件可能已损坏或被改了扩展名）"),
        ));
    }
    read_csv(&bytes, &name)
}

fn value(d: &Data) -> Value {
    match d {
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
    }
}

fn too_large(name: &str, what: String) -> Error {
    refuse("import.too_large", format!("文件「{name}」{what}；花名册最多 {MAX_ROWS} 行、{MAX_COLS} 列。请确认选择的是花名册，或删去多余的行列后另存再导入"))
}

/// A grid filled cell by cell with the limits checked before each cell is placed.
struct GridBuilder<'a> {
    name: &'a str,
    rows: Vec<Vec<Value>>,
    cells: usize,
}

impl<'a> GridBuilder<'a> {
    fn new(name: &'a str) -> Self {
        GridBuilder { name, rows: Vec::new(), cells: 0 }
    }

    fn put(&mut self, r: usize, c: usize, v: Value) -> Result<()> {
        if v.is_empty() {
            return Ok(());
        }
        if r >= MAX_ROWS {
            return Err(too_large(self.name, format!("第 {} 行有内容，行数超出上限", r + 1)));
        }
        if c >= MAX_COLS {
            return Err(too_large(self.name, format!("第 {} 行第 {} 列有内容，列数超出上限", r + 1, c + 1)));
        }
        if self.rows.len() <= r {
            self.rows.resize(r + 1, Vec::new());
        }
        let row = &mut self.rows[r];
        if row.len() <= c {
            self.cells += c + 1 - row.len();
            if self.cells > MAX_CELLS {
                return Err(too_large(self.name, format!("的单元格超过 {MAX_CELLS} 个")));
            }
            row.resize(c + 1, Value::Empty);
        }
        row[c] = v;
        Ok(())
    }
}

fn from_range(range: &calamine::Range<Data>, name: &str) -> Result<Vec<Vec<Value>>> {
    let mut g = GridBuilder::new(name);
    for (r, c, d) in range.used_cells() {
        let (r0, c0) = range.start().unwrap_or((0, 0));
        g.put(r0 as usize + r, c0 as usize + c, value(d))?;
    }
    Ok(g.rows)
}

/// Runs a third-party reader on untrusted bytes: should it panic on a malformed file
/// (the limits above keep out the inputs known to), the file is refused, not the program.
fn guarded<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(refuse(
            "import.not_spreadsheet",
            format!("文件「{name}」已损坏，无法读取；请在 Excel/WPS 中打开并另存为 .xlsx 再导入"),
        ))
    })
}

/// Every part of the .xlsx is unzipped once into nothing, counting: a part whose declared
/// or actual size passes [`MAX_UNZIPPED`] refuses the file before calamine reads it.
fn unzips_within_limit(bytes: &[u8], name: &str) -> Result<()> {
    let bad = |e: String| refuse("import.not_spreadsheet", format!("文件「{name}」不是可读取的 Excel 工作簿（{e}）"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let big = || too_large(name, format!("解压后超过 {} MB", MAX_UNZIPPED >> 20));
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| bad(e.to_string()))?;
        if part.size() > MAX_UNZIPPED {
            return Err(big());
        }
        let n = std::io::copy(&mut (&mut part).take(MAX_UNZIPPED + 1 - total), &mut std::io::sink())
            .map_err(|e| bad(e.to_string()))?;
        total += n;
        if total > MAX_UNZIPPED {
            return Err(big());
        }
    }
    Ok(())
}

/// The .xls workbook stream's records, read before calamine sees them: calamine reserves
/// a grid as large as a sheet's DIMENSIONS record claims and as the box around its cells,
/// so both are checked here against the limits.
fn xls_fits(bytes: &[u8], name: &str) -> Result<()> {
    let bad =
        |e: String| refuse("import.not_spreadsheet", format!("文件「{name}」不是可读取的 Excel 97-2003 工作簿（{e}）"));
    let mut cfb = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let stream = ["Workbook", "Book", "WORKBOOK", "BOOK"].iter().find(|s| cfb.is_stream(s)).copied();
    let Some(stream) = stream else { return Err(bad("没有工作簿数据".into())) };
    let mut data = Vec::new();
    cfb.open_stream(stream)
        .and_then(|mut s| (&mut s).take(MAX_BYTES * 2).read_to_end(&mut data))
        .map_err(|e| bad(e.to_string()))?;
    let u16_at = |d: &[u8], i: usize| d.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]) as usize);
    let u32_at = |d: &[u8], i: usize| d.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
    // The box around a sheet's cells; a BOF record (0x0809) starts the next sheet.
    let (mut r_lo, mut r_hi, mut c_lo, mut c_hi) = (usize::MAX, 0usize, usize::MAX, 0usize);
    let check_box = |r_lo: usize, r_hi: usize, c_lo: usize, c_hi: usize| -> Result<()> {
        if r_lo > r_hi || c_lo > c_hi {
            return Ok(());
        }
        if r_hi >= MAX_ROWS || c_hi >= MAX_COLS || (r_hi - r_lo + 1).saturating_mul(c_hi - c_lo + 1) > MAX_CELLS {
            return Err(too_large(
                name,
                format!("的一个工作表声明或占用了 {} 行 × {} 列", r_hi - r_lo + 1, c_hi - c_lo + 1),
            ));
        }
        Ok(())
    };
    let mut i = 0;
    while let (Some(typ), Some(len)) = (u16_at(&data, i), u16_at(&data, i + 2)) {
        let body = data.get(i + 4..(i + 4 + len).min(data.len())).unwrap_or(&[]);
        match typ {
            0x0809 => {
                check_box(r_lo, r_hi, c_lo, c_hi)?;
                (r_lo, r_hi, c_lo, c_hi) = (usize::MAX, 0, usize::MAX, 0);
            }
            // DIMENSIONS: first row, last row + 1, first column, last column + 1.
            0x0200 => {
                let (rf, rl, cf, cl) = if body.len() >= 14 {
                    (u32_at(body, 0), u32_at(body, 4), u16_at(body, 8), u16_at(body, 10))
                } else {
                    (u16_at(body, 0), u16_at(body, 2), u16_at(body, 4), u16_at(body, 6))
                };
                if let (Some(rf), Some(rl), Some(cf), Some(cl)) = (rf, rl, cf, cl) {
                    if rl > 0 && cl > 0 {
                        check_box(rf.min(rl - 1), rl - 1, cf.min(cl - 1), cl - 1)?;
                    }
                }
            }
            // Cell records: row, then column.
            0x0006 | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x00BD | 0x00BE | 0x0207 => {
                if let (Some(r), Some(c)) = (u16_at(body, 0), u16_at(body, 2)) {
                    // MULRK/MULBLANK end with their last column.
                    let last = if matches!(typ, 0x00BD | 0x00BE) && body.len() >= 6 {
                        u16_at(body, body.len() - 2).unwrap_or(c)
                    } else {
                        c
                    };
                    if typ != 0x0207 {
                        r_lo = r_lo.min(r);
                        r_hi = r_hi.max(r);
                        c_lo = c_lo.min(c.min(last));
                        c_hi = c_hi.max(c.max(last));
                    }
                }
            }
            _ => {}
        }
        i += 4 + len;
    }
    check_box(r_lo, r_hi, c_lo, c_hi)
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
            .map_err(|e| refuse("import.not_spreadsheet", format!("无法读取工作表「{n}」：{e}")))?;
        if !range.is_empty() {
            return Ok((n.clone(), range));
        }
    }
    Err(refuse("import.empty", format!("工作簿「{name}」的工作表都是空的，没有可导入的内容")))
}

fn merged(dims: Vec<calamine::Dimensions>) -> Vec<Merged> {
    dims.into_iter()
        .map(|d| Merged { start: (d.start.0 as usize, d.start.1 as usize), end: (d.end.0 as usize, d.end.1 as usize) })
        .collect()
}

fn read_xlsx(bytes: Vec<u8>, name: &str) -> Result<Grid> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| refuse("import.not_spreadsheet", format!("文件「{name}」不是可读取的 Excel 工作簿（{e}）")))?;
    let names = wb.sheet_names();
    if names.is_empty() {
        return Err(refuse("import.empty", format!("工作簿「{name}」中没有工作表")));
    }
    for sheet in names {
        // Cell by cell (never calamine's whole range, which allocates the box around the
        // cells at once): the first sheet with a non-empty cell.
        let mut g = GridBuilder::new(name);
        {
            let unreadable =
                |e: calamine::XlsxError| refuse("import.not_spreadsheet", format!("无法读取工作表「{sheet}」：{e}"));
            let mut cells = match wb.worksheet_cells_reader(&sheet) {
                Ok(c) => c,
                Err(calamine::XlsxError::NotAWorksheet(_)) => continue,
                Err(e) => return Err(unreadable(e)),
            };
            while let Some(cell) = cells.next_cell().map_err(unreadable)? {
                let (r, c) = cell.get_position();
                g.put(r as usize, c as usize, value(&Data::from(cell.get_value().clone())))?;
            }
        }
        if g.rows.iter().any(|r| !r.is_empty()) {
            let merged = match wb.worksheet_merge_cells(&sheet) {
                Some(Ok(d)) => limit_merged(merged(d), name)?,
                _ => Vec::new(),
            };
            return Ok(Grid { format: SourceFormat::Xlsx, sheet: Some(sheet), rows: g.rows, merged });
        }
    }
    Err(refuse("import.empty", format!("工作簿「{name}」的工作表都是空的，没有可导入的内容")))
}

fn read_xls(bytes: Vec<u8>, name: &str) -> Result<Grid> {
    let mut wb: calamine::Xls<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsError::Password => refuse(
            "import.encrypted",
            format!("文件「{name}」设置了打开密码，无法读取；请在 Excel/WPS 中取消密码后另存再导入"),
        ),
        e => refuse("import.not_spreadsheet", format!("文件「{name}」不是可读取的 Excel 97-2003 工作簿（{e}）")),
    })?;
    let (sheet, range) = first_sheet_with_data(&mut wb, name)?;
    let merged = wb.worksheet_merge_cells(&sheet).map(merged).unwrap_or_default();
    let merged = limit_merged(merged, name)?;
    Ok(Grid { format: SourceFormat::Xls, sheet: Some(sheet), rows: from_range(&range, name)?, merged })
}

fn limit_merged(merged: Vec<Merged>, name: &str) -> Result<Vec<Merged>> {
    if merged.len() > MAX_MERGED {
        return Err(too_large(name, format!("有 {} 处合并单元格，超过上限 {MAX_MERGED}", merged.len())));
    }
    Ok(merged)
}

fn read_csv(bytes: &[u8], name: &str) -> Result<Grid> {
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let controls = head.iter().filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r')).count();
    if head.contains(&0) || controls * 100 > head.len() {
        return Err(refuse(
            "import.not_spreadsheet",
            format!("文件「{name}」不是电子表格：只能导入 Excel 工作簿（.xlsx、.xls）或 CSV 文本（UTF-8 或 GBK 编码）"),
        ));
    }
    let (text, format) = match std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) {
        Ok(t) => (t.to_string(), SourceFormat::CsvUtf8),
        Err(_) => {
            let (t, _, errors) = encoding_rs::GBK.decode(bytes);
            if errors {
                return Err(refuse("import.not_spreadsheet", format!("文件「{name}」既不是 UTF-8 也不是 GBK 编码的文本，无法识别；请在 Excel/WPS 中另存为 .xlsx 再导入")));
            }
            (t.into_owned(), SourceFormat::CsvGbk)
        }
    };
    // A tab-separated export ("文本文件(制表符分隔)") is read as such.
    let first_line = text.lines().next().unwrap_or("");
    let delim = if first_line.matches('\t').count() > first_line.matches(',').count() { b'\t' } else { b',' };
    let mut rd =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delim).from_reader(text.as_bytes());
    let mut g = GridBuilder::new(name);
    for (r, rec) in rd.records().enumerate() {
        let rec = rec.map_err(|e| refuse("import.not_spreadsheet", format!("CSV 文件「{name}」格式有误：{e}")))?;
        for (c, s) in rec.iter().enumerate() {
            g.put(r, c, Value::Text(s.to_string()))?;
        }
    }
    let rows = g.rows;
    if rows.iter().all(|r: &Vec<Value>| r.iter().all(Value::is_empty)) {
        return Err(refuse("import.empty", format!("文件「{name}」没有内容")));
    }
    Ok(Grid { format, sheet: None, rows, merged: Vec::new() })
}
