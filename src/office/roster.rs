//! Household roster import. [`preview`] reads the file, maps its headers, checks every row
//! against the project and lists every problem by row and column; [`import`] then writes
//! the previewed rows in one `Db::write`: new household numbers through
//! `household::register`, known ones through `household::set` (only the fields that
//! differ), so the operation log has every change and one failure leaves nothing behind.

use super::headers::{column_letter, field_for, Field};
use super::source::{self, Grid, SourceFormat, Value};
use crate::error::{Error, Result};
use crate::household::{self, Household, NewHousehold};
use crate::project::Project;
use crate::units::parse_hundredths;
use crate::Db;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use uuid::Uuid;

/// How many leading rows are searched for the header row.
const HEADER_SCAN: usize = 20;

/// A user's choice for one field: the column (0-based; `None`: do not import this field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ColumnChoice {
    pub field: Field,
    pub column: Option<usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterImportOptions"))]
pub struct ImportOptions {
    /// Overrides of the detected mapping, field by field.
    #[serde(default)]
    pub mapping: Vec<ColumnChoice>,
    /// Rows to leave out, as Excel numbers them (1-based); their problems no longer block.
    #[serde(default)]
    pub skip_rows: Vec<usize>,
    /// The header row as Excel numbers it, when detection picks the wrong one.
    #[serde(default)]
    pub header_row: Option<usize>,
}

/// Where one field was found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterMapping"))]
pub struct Mapped {
    pub field: Field,
    /// 户号, 户主 ...
    pub label: String,
    pub required: bool,
    pub column: Option<usize>,
    /// "C"
    pub letter: Option<String>,
    /// The header text in the file.
    pub header: Option<String>,
}

/// A column of the file, with the field it feeds (if any).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterColumn"))]
pub struct SourceColumn {
    pub column: usize,
    pub letter: String,
    pub header: String,
    pub field: Option<Field>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ProblemReason"))]
pub enum Reason {
    /// No column for a required field, or no header row at all.
    MissingColumn,
    EmptyRequired,
    BadIdNumber,
    DuplicateInFile,
    /// The ID number is on another row of the file, or another household of the project.
    DuplicateId,
    /// The number already belongs to another household of the project.
    NumberTaken,
    BadArea,
    BadMembers,
    BadPhone,
    UnknownGroup,
    MergedCells,
    TotalRow,
    /// A cell Excel shows as an error (#N/A ...).
    CellError,
}

impl Reason {
    pub fn zh(self) -> &'static str {
        match self {
            Reason::MissingColumn => "缺少列",
            Reason::EmptyRequired => "必填项为空",
            Reason::BadIdNumber => "身份证号有误",
            Reason::DuplicateInFile => "户号在文件中重复",
            Reason::DuplicateId => "身份证号重复",
            Reason::NumberTaken => "户号已被本项目其他户使用",
            Reason::BadArea => "面积有误",
            Reason::BadMembers => "人口有误",
            Reason::BadPhone => "电话有误",
            Reason::UnknownGroup => "责任组不存在",
            Reason::MergedCells => "合并单元格",
            Reason::TotalRow => "合计行",
            Reason::CellError => "单元格错误值",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterProblem"))]
pub struct Problem {
    /// Excel's row number; `None` for the file as a whole (a missing column).
    pub row: Option<usize>,
    /// "C 身份证号": column letter and header.
    pub column: Option<String>,
    pub field: Option<Field>,
    pub reason: Reason,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterAction"))]
pub enum Action {
    Create,
    Update,
    Unchanged,
    Skipped,
    Invalid,
}

impl Action {
    pub fn zh(self) -> &'static str {
        match self {
            Action::Create => "新登记",
            Action::Update => "更新",
            Action::Unchanged => "无变化",
            Action::Skipped => "跳过",
            Action::Invalid => "有问题",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RowPreview {
    pub row: usize,
    pub number: String,
    pub head_name: String,
    pub group: String,
    pub action: Action,
    /// For an update: "联系电话: 138… → 139…", one per changed field.
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterCounts"))]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub invalid: usize,
}

/// What the file holds and what importing it would do.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterPreview"))]
pub struct Preview {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub file: PathBuf,
    pub format: SourceFormat,
    pub format_name: String,
    pub sheet: Option<String>,
    /// Excel's number of the header row.
    pub header_row: usize,
    pub columns: Vec<SourceColumn>,
    pub mapping: Vec<Mapped>,
    pub rows: Vec<RowPreview>,
    pub problems: Vec<Problem>,
    pub counts: Counts,
    /// No problem stands in the way (skipped rows do not count).
    pub ok: bool,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    plan: Vec<Planned>,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    project: Uuid,
}

#[derive(Debug, Clone)]
enum Planned {
    Create { row: usize, h: NewHousehold },
    Update { row: usize, id: Uuid, sets: Vec<(Field, String)> },
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterImportReport"))]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    /// Fields changed over all updated households.
    pub fields_changed: usize,
    pub dry_run: bool,
}

// ------------------------------------------------------------------ preview

fn find_header(grid: &Grid) -> Option<usize> {
    let mut best: Option<(usize, usize)> = None;
    for (r, row) in grid.rows.iter().enumerate().take(HEADER_SCAN) {
        let mut fields: Vec<Field> = row.iter().filter_map(|v| field_for(&v.text())).collect();
        fields.sort();
        fields.dedup();
        let key = fields.contains(&Field::Number) || fields.contains(&Field::HeadName);
        if key && fields.len() >= 2 && best.is_none_or(|(_, n)| fields.len() > n) {
            best = Some((r, fields.len()));
        }
    }
    best.map(|(r, _)| r)
}

fn known_headers() -> String {
    Field::ALL.iter().map(|f| f.aliases()[..f.aliases().len().min(3)].join("/")).collect::<Vec<_>>().join("、")
}

/// Text of a cell with the unit an office may have typed after an area ("125.4㎡").
fn strip_unit(s: &str) -> &str {
    s.trim().trim_end_matches("平方米").trim_end_matches("m²").trim_end_matches("m2").trim_end_matches('㎡').trim()
}

fn area_value(v: &Value, label: &str) -> std::result::Result<i64, String> {
    match v {
        Value::Number(n) if *n < 0.0 => Err(format!("{label}「{}」不能为负数", source::number_text(*n))),
        Value::Number(n) => {
            let centi = (n * 100.0).round();
            if (n * 100.0 - centi).abs() > 1e-6 {
                return Err(format!("{label}「{}」最多保留两位小数", source::number_text(*n)));
            }
            Ok(centi as i64)
        }
        other => {
            let t = other.text();
            let t = strip_unit(&t);
            if t.starts_with('-') {
                return Err(format!("{label}「{t}」不能为负数"));
            }
            parse_hundredths("area", t).map_err(|_| format!("{label}「{t}」不是有效的数值（如 125.40）"))
        }
    }
}

fn is_total_row(row: &[Value]) -> Option<usize> {
    row.iter().position(|v| {
        let t: String = v.text().chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect();
        ["合计", "总计", "小计", "共计", "总户数"].iter().any(|k| t.starts_with(k))
    })
}

/// Reads and checks a roster against the project, changing nothing.
pub fn preview(conn: &Connection, project: &Project, path: &Path, opts: &ImportOptions) -> Result<Preview> {
    let grid = source::read(path)?;
    let header_row = match opts.header_row {
        Some(r) if r >= 1 && r <= grid.rows.len() => r - 1,
        Some(r) => {
            return Err(Error::invalid("header_row", format!("表头行 {r} 超出文件范围（共 {} 行）", grid.rows.len())))
        }
        None => find_header(&grid).ok_or_else(|| {
            Error::rule(
                "import.no_header",
                format!(
                    "在文件的前 {HEADER_SCAN} 行中找不到表头：花名册至少要有「户号」「户主」等列名。可识别的列名：{}",
                    known_headers()
                ),
            )
        })?,
    };
    let headers: Vec<String> = grid.rows[header_row].iter().map(Value::text).collect();
    let width = grid.rows.iter().map(Vec::len).max().unwrap_or(0).max(headers.len());

    // Detected mapping: the first column whose header names a field, then the user's choices.
    let mut col_of: HashMap<Field, usize> = HashMap::new();
    for (c, h) in headers.iter().enumerate() {
        if let Some(f) = field_for(h) {
            col_of.entry(f).or_insert(c);
        }
    }
    for choice in &opts.mapping {
        match choice.column {
            Some(c) if c >= width => {
                return Err(Error::invalid(
                    "mapping",
                    format!("「{}」指定的列 {} 超出文件范围", choice.field.zh(), column_letter(c)),
                ))
            }
            Some(c) => {
                col_of.retain(|_, v| *v != c);
                col_of.insert(choice.field, c);
            }
            None => {
                col_of.remove(&choice.field);
            }
        }
    }
    let header_text = |c: usize| headers.get(c).cloned().unwrap_or_default();
    let col_name = |c: usize| format!("{} {}", column_letter(c), header_text(c)).trim().to_string();
    let mapping: Vec<Mapped> = Field::ALL
        .iter()
        .map(|f| {
            let c = col_of.get(f).copied();
            Mapped {
                field: *f,
                label: f.zh().to_string(),
                required: f.required(),
                column: c,
                letter: c.map(column_letter),
                header: c.map(header_text),
            }
        })
        .collect();
    let columns: Vec<SourceColumn> = (0..width)
        .map(|c| SourceColumn {
            column: c,
            letter: column_letter(c),
            header: header_text(c),
            field: col_of.iter().find(|(_, v)| **v == c).map(|(f, _)| *f),
        })
        .collect();

    let mut problems: Vec<Problem> = Vec::new();
    for f in Field::ALL.iter().filter(|f| f.required() && !col_of.contains_key(f)) {
        problems.push(Problem {
            row: None,
            column: None,
            field: Some(*f),
            reason: Reason::MissingColumn,
            message: format!("找不到「{}」列（可用的列名：{}）；请在映射中指定", f.zh(), f.aliases().join("、")),
        });
    }

    let groups = crate::project::groups(conn, project.id)?;
    let group_names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let existing: HashMap<String, Household> =
        household::list(conn, project.id)?.into_iter().map(|h| (h.number.clone(), h)).collect();

    let mut rows: Vec<RowPreview> = Vec::new();
    let mut plan: Vec<Planned> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    // ID number → (Excel row, household number) of its first row in the file.
    let mut ids_seen: HashMap<String, (usize, String)> = HashMap::new();
    let ids_in_project: HashMap<String, String> =
        existing.values().filter_map(|h| h.id_number.clone().map(|id| (id, h.number.clone()))).collect();
    let mut counts = Counts::default();
    let mut members_missing_for_new = false;

    for (r, row) in grid.rows.iter().enumerate().skip(header_row + 1) {
        let excel_row = r + 1;
        if row.iter().all(Value::is_empty)
            && !grid.merged.iter().any(|m| m.start.0 <= r && r <= m.end.0 && m.start.0 > header_row)
        {
            continue;
        }
        let cell = |f: Field| col_of.get(&f).and_then(|c| row.get(*c)).cloned().unwrap_or(Value::Empty);
        let text = |f: Field| cell(f).text();
        let number = crate::normal::typed(&text(Field::Number));
        let head = text(Field::HeadName);
        let group_text = text(Field::Group);
        let mut preview_row = RowPreview {
            row: excel_row,
            number: number.clone(),
            head_name: head.clone(),
            group: group_text.clone(),
            action: Action::Invalid,
            changes: Vec::new(),
        };
        if opts.skip_rows.contains(&excel_row) {
            preview_row.action = Action::Skipped;
            counts.skipped += 1;
            rows.push(preview_row);
            continue;
        }
        let mut row_problems: Vec<Problem> = Vec::new();
        let mut problem = |f: Option<Field>, c: Option<usize>, reason: Reason, message: String| {
            row_problems.push(Problem { row: Some(excel_row), column: c.map(col_name), field: f, reason, message });
        };
        let col = |f: Field| col_of.get(&f).copied();

        for m in grid.merged.iter().filter(|m| m.start.0 <= r && r <= m.end.0 && m.start.0 > header_row) {
            problem(
                None,
                Some(m.start.1),
                Reason::MergedCells,
                format!(
                    "{}{}–{}{} 是合并单元格；请取消合并并在每一行填写完整",
                    column_letter(m.start.1),
                    m.start.0 + 1,
                    column_letter(m.end.1),
                    m.end.0 + 1
                ),
            );
        }
        if let Some(c) = is_total_row(row) {
            problem(
                None,
                Some(c),
                Reason::TotalRow,
                format!("这一行是「{}」行，不是一户；请删除或跳过这一行", row[c].text()),
            );
            rows.push(preview_row);
            problems.extend(row_problems);
            counts.invalid += 1;
            continue;
        }
        for f in Field::ALL {
            if let (Some(c), Value::Error(e)) = (col(*f), cell(*f)) {
                problem(Some(*f), Some(c), Reason::CellError, format!("「{}」是错误值 {e}；请改为实际内容", f.zh()));
            }
        }
        if number.is_empty() {
            problem(Some(Field::Number), col(Field::Number), Reason::EmptyRequired, "户号为空".into());
        } else if let Some(first) = seen.get(&number) {
            problem(
                Some(Field::Number),
                col(Field::Number),
                Reason::DuplicateInFile,
                format!("户号「{number}」与第 {first} 行重复"),
            );
        } else {
            seen.insert(number.clone(), excel_row);
        }
        if head.is_empty() {
            problem(Some(Field::HeadName), col(Field::HeadName), Reason::EmptyRequired, "户主姓名为空".into());
        }
        let id_number = {
            let raw = text(Field::IdNumber);
            if raw.is_empty() {
                None
            } else if let Value::Number(_) = cell(Field::IdNumber) {
                // Excel keeps 15 significant digits of a number: an 18-digit ID typed into a
                // number cell has lost its tail, whatever the checksum happens to say.
                problem(
                    Some(Field::IdNumber),
                    col(Field::IdNumber),
                    Reason::BadIdNumber,
                    format!("身份证号「{raw}」被 Excel 存成了数字，只保留了 15 位有效数字，末几位已丢失；请把这一列设为「文本」后重新填写"),
                );
                None
            } else {
                match crate::idcard::validate(&raw) {
                    Ok(v) => Some(v),
                    Err(e) => {
                        let msg = match e {
                            Error::InvalidField { message, .. } => message,
                            other => other.to_string(),
                        };
                        problem(Some(Field::IdNumber), col(Field::IdNumber), Reason::BadIdNumber, msg);
                        None
                    }
                }
            }
        };
        if let Some(id) = &id_number {
            if let Some((first, other)) = ids_seen.get(id) {
                problem(
                    Some(Field::IdNumber),
                    col(Field::IdNumber),
                    Reason::DuplicateId,
                    format!("身份证号与第 {first} 行（户号「{other}」）相同；同一人名下的两处房屋请核对是否应为一户"),
                );
            } else {
                ids_seen.insert(id.clone(), (excel_row, number.clone()));
                if let Some(other) = ids_in_project.get(id).filter(|n| **n != number) {
                    problem(
                        Some(Field::IdNumber),
                        col(Field::IdNumber),
                        Reason::DuplicateId,
                        format!("身份证号与本项目已有的户「{other}」相同；请核对"),
                    );
                }
            }
        }
        let phone = crate::normal::typed(&text(Field::Phone));
        if let Err(m) = if phone.is_empty() { Ok(()) } else { crate::schema::check_phone_typed(&phone) } {
            problem(Some(Field::Phone), col(Field::Phone), Reason::BadPhone, format!("{m}（一格只填一个号码）"));
        }
        let members: Option<i64> = {
            let t = crate::normal::typed(&text(Field::MembersCount));
            let t = t.trim_end_matches('人').trim();
            if t.is_empty() {
                None
            } else {
                match t.parse::<i64>() {
                    Ok(n) if (1..=99).contains(&n) => Some(n),
                    _ => {
                        problem(
                            Some(Field::MembersCount),
                            col(Field::MembersCount),
                            Reason::BadMembers,
                            format!("家庭人口「{t}」应为 1 至 99 的整数"),
                        );
                        None
                    }
                }
            }
        };
        let mut area = |f: Field| -> Option<i64> {
            let v = cell(f);
            if v.is_empty() || matches!(v, Value::Error(_)) {
                return None;
            }
            match area_value(&v, f.zh()) {
                Ok(a) => Some(a),
                Err(msg) => {
                    problem(Some(f), col(f), Reason::BadArea, msg);
                    None
                }
            }
        };
        let floor = area(Field::FloorArea);
        let land = area(Field::LandArea);
        if !group_text.is_empty() && !group_names.contains(&group_text) {
            problem(
                Some(Field::Group),
                col(Field::Group),
                Reason::UnknownGroup,
                format!(
                    "责任组「{group_text}」在本项目中不存在；现有：{}",
                    if group_names.is_empty() { "（尚未建组）".to_string() } else { group_names.join("、") }
                ),
            );
        }
        let existing_h = existing.get(&number);
        if let Some(h) = existing_h {
            let other_person = match (&id_number, &h.id_number) {
                (Some(a), Some(b)) => a != b,
                _ => !head.is_empty() && head != h.head_name,
            };
            if other_person && !head.is_empty() && head != h.head_name {
                problem(
                    Some(Field::Number),
                    col(Field::Number),
                    Reason::NumberTaken,
                    format!(
                        "户号「{number}」在本项目中已属于 {}（身份证 {}），与本行「{head}」不是同一户",
                        h.head_name,
                        h.id_number.as_deref().map(crate::idcard::mask).unwrap_or_else(|| "未登记".into())
                    ),
                );
            }
        } else if !number.is_empty() {
            if members.is_none() && text(Field::MembersCount).is_empty() {
                if col(Field::MembersCount).is_some() {
                    problem(
                        Some(Field::MembersCount),
                        col(Field::MembersCount),
                        Reason::EmptyRequired,
                        "新登记的户必须填写家庭人口".into(),
                    );
                } else {
                    members_missing_for_new = true;
                    problem(
                        Some(Field::MembersCount),
                        None,
                        Reason::EmptyRequired,
                        "新登记的户必须填写家庭人口，但文件中没有「家庭人口」列".into(),
                    );
                }
            }
            if group_text.is_empty() && group_names.len() != 1 {
                problem(
                    Some(Field::Group),
                    col(Field::Group),
                    Reason::EmptyRequired,
                    format!(
                        "新登记的户必须填写责任组（本项目有 {} 个组：{}）",
                        group_names.len(),
                        group_names.join("、")
                    ),
                );
            }
        }

        if !row_problems.is_empty() {
            counts.invalid += 1;
            rows.push(preview_row);
            problems.extend(row_problems);
            continue;
        }
        let special = household::split_tags(&text(Field::SpecialCircumstances));
        match existing_h {
            None => {
                let group = if group_text.is_empty() { group_names[0].clone() } else { group_text.clone() };
                preview_row.group = group.clone();
                preview_row.action = Action::Create;
                counts.create += 1;
                plan.push(Planned::Create {
                    row: excel_row,
                    h: NewHousehold {
                        number: number.clone(),
                        head_name: head.clone(),
                        id_number,
                        phone,
                        address: text(Field::Address),
                        members_count: members.expect("checked above"),
                        special_circumstances: special,
                        floor_area: floor.unwrap_or(0),
                        land_area: land.unwrap_or(0),
                        structure: text(Field::Structure),
                        group,
                        concerns: Vec::new(),
                    },
                });
            }
            Some(h) => {
                // Only non-empty cells that differ from the ledger become changes.
                let mut sets: Vec<(Field, String)> = Vec::new();
                let mut changes = Vec::new();
                let mut change = |f: Field, old: String, new: String| {
                    changes.push(format!(
                        "{}: {} → {}",
                        f.zh(),
                        if old.is_empty() { "（空）".into() } else { old },
                        new
                    ));
                    sets.push((f, new));
                };
                if !head.is_empty() && head != h.head_name {
                    change(Field::HeadName, h.head_name.clone(), head.clone());
                }
                if let Some(id) = &id_number {
                    if h.id_number.as_ref() != Some(id) {
                        change(Field::IdNumber, h.id_number.clone().unwrap_or_default(), id.clone());
                    }
                }
                for (f, old) in
                    [(Field::Phone, &h.phone), (Field::Address, &h.address), (Field::Structure, &h.structure)]
                {
                    let new = if f == Field::Phone { phone.clone() } else { text(f) };
                    if col(f).is_some() && !new.is_empty() && &new != old {
                        change(f, old.clone(), new);
                    }
                }
                if let Some(m) = members.filter(|m| *m != h.members_count) {
                    change(Field::MembersCount, h.members_count.to_string(), m.to_string());
                }
                for (f, new, old) in [(Field::FloorArea, floor, h.floor_area), (Field::LandArea, land, h.land_area)] {
                    if let Some(a) = new.filter(|a| *a != old) {
                        change(
                            f,
                            crate::units::format_hundredths(old),
                            crate::units::format_hundredths(a).replace(',', ""),
                        );
                    }
                }
                if !group_text.is_empty() && group_text != h.group_name {
                    change(Field::Group, h.group_name.clone(), group_text.clone());
                }
                if col(Field::SpecialCircumstances).is_some()
                    && !special.is_empty()
                    && special != h.special_circumstances
                {
                    change(Field::SpecialCircumstances, h.special_circumstances.join("、"), special.join("、"));
                }
                preview_row.group = if group_text.is_empty() { h.group_name.clone() } else { group_text.clone() };
                if sets.is_empty() {
                    preview_row.action = Action::Unchanged;
                    counts.unchanged += 1;
                } else {
                    preview_row.action = Action::Update;
                    preview_row.changes = changes;
                    counts.update += 1;
                    plan.push(Planned::Update { row: excel_row, id: h.id, sets });
                }
            }
        }
        rows.push(preview_row);
    }
    if members_missing_for_new {
        // One clear line at the top instead of only one per row.
        problems.insert(
            0,
            Problem {
                row: None,
                column: None,
                field: Some(Field::MembersCount),
                reason: Reason::MissingColumn,
                message: "文件中没有「家庭人口」列，新登记的户无法导入；请补充该列或在映射中指定".into(),
            },
        );
    }
    if rows.is_empty() && problems.is_empty() {
        return Err(Error::rule("import.empty", format!("表头（第 {} 行）下面没有数据行", header_row + 1)));
    }
    let ok = problems.is_empty();
    Ok(Preview {
        file: path.to_path_buf(),
        format: grid.format,
        format_name: grid.format.zh().to_string(),
        sheet: grid.sheet,
        header_row: header_row + 1,
        columns,
        mapping,
        rows,
        problems,
        counts,
        ok,
        plan,
        project: project.id,
    })
}

/// The error an import with problems ends in: how many, and the first few by row.
pub fn problems_error(p: &Preview) -> Error {
    let first: Vec<String> = p.problems.iter().take(5).map(describe).collect();
    Error::rule(
        "import.has_problems",
        format!(
            "花名册有 {} 处问题，未导入任何数据；请修改文件或跳过有问题的行后重试。{}{}",
            p.problems.len(),
            first.join(";"),
            if p.problems.len() > 5 { ";……" } else { "" }
        ),
    )
}

/// "第 7 行 C 身份证号: 身份证号校验位错误 …"
pub fn describe(p: &Problem) -> String {
    let place = match (p.row, &p.column) {
        (Some(r), Some(c)) => format!("第 {r} 行 {c}"),
        (Some(r), None) => format!("第 {r} 行"),
        (None, Some(c)) => c.clone(),
        (None, None) => "整个文件".into(),
    };
    format!("{place}【{}】{}", p.reason.zh(), p.message)
}

// ------------------------------------------------------------------ import

/// Writes a previewed roster: all rows or none. Refuses a preview with problems, and a
/// preview of another project. `progress(done, total)` is called as rows are written; when
/// it answers `Break` the import stops and nothing is written (`rule.import.cancelled`).
pub fn import_previewed(
    db: &mut Db,
    author: &str,
    preview: &Preview,
    mut progress: impl FnMut(usize, usize) -> ControlFlow<()>,
) -> Result<ImportReport> {
    if !preview.ok {
        return Err(problems_error(preview));
    }
    let total = preview.plan.len();
    crate::backup::before_big_change(db, crate::backup::Kind::BeforeImport, total)?;
    let project = preview.project;
    let mut fields_changed = 0;
    db.write(author, |tx| {
        for (i, step) in preview.plan.iter().enumerate() {
            let (row, result) = match step {
                Planned::Create { row, h } => (*row, household::register(tx, project, h).map(|_| ())),
                Planned::Update { row, id, sets } => (
                    *row,
                    sets.iter().try_for_each(|(f, v)| {
                        fields_changed += 1;
                        household::set(tx, *id, f.id(), v, None)
                    }),
                ),
            };
            result.map_err(|e| {
                Error::rule("import.row_failed", format!("第 {row} 行未能导入，整个花名册均未导入：{e}"))
            })?;
            // Stopping is safe anywhere: the rows so far are in this transaction, rolled back.
            if (i % 500 == 0 || i + 1 == total) && progress(i + 1, total).is_break() {
                return Err(Error::rule("import.cancelled", "已取消导入：花名册未导入任何数据"));
            }
        }
        Ok(())
    })?;
    Ok(ImportReport {
        created: preview.counts.create,
        updated: preview.counts.update,
        unchanged: preview.counts.unchanged,
        skipped: preview.counts.skipped,
        fields_changed,
        dry_run: false,
    })
}

/// Preview and import in one step (the CLI's `import roster` without `--dry-run`).
pub fn import(
    db: &mut Db,
    author: &str,
    project: &Project,
    path: &Path,
    opts: &ImportOptions,
) -> Result<(Preview, ImportReport)> {
    let p = preview(db.conn(), project, path, opts)?;
    let r = import_previewed(db, author, &p, |_, _| ControlFlow::Continue(()))?;
    Ok((p, r))
}
