//! Office files: the household roster in (.xlsx, .xls, .csv in UTF-8 or GBK), and the
//! tables and briefs a street office prints and sends up out (.xlsx, .docx, CSV).
//!
//! - [`roster::preview`] reads a roster, maps its headers and lists every problem by row
//!   and column; [`roster::import`] writes it in one [`crate::Db::write`] (all or nothing,
//!   every change in the operation log).
//! - [`export`] writes one of the [`ExportKind`]s in a [`Format`].

pub mod docx;
pub mod exports;
pub mod headers;
pub mod lists;
pub mod onepage;
pub mod paper;
pub mod roster;
pub mod source;
pub mod table;

use crate::error::{Error, Result};
use crate::project::Project;
use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes an exported file whole or not at all: the bytes go to a hidden temporary file in
/// the same folder, are synced, and only then take the file's name (a rename), so a full
/// disk, a kill or a permission problem never leaves half a file under the real name. A full
/// disk is `disk_full`; anything else that stops the write is `cannot_write`, saying why.
pub fn save(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| -> Error {
        use std::io::ErrorKind as K;
        let why = match e.kind() {
            K::StorageFull | K::FileTooLarge => return Error::from(e),
            K::PermissionDenied => "没有写入这个位置的权限；请换一个文件夹，或检查文件是否被其他程序占用".to_string(),
            K::ReadOnlyFilesystem => "该磁盘是只读的；请换一个文件夹".to_string(),
            K::IsADirectory => "这个名字是一个文件夹；请换一个文件名".to_string(),
            K::NotADirectory => "路径中有一段不是文件夹".to_string(),
            K::NotFound => "无法在这个位置创建文件（文件夹不存在或不允许创建文件）".to_string(),
            _ => format!("{e}"),
        };
        Error::CannotWrite { path: path.display().to_string(), message: format!("{why}；未写入任何内容") }
    };
    if path.is_dir() {
        return Err(fail(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(fail(e));
    }
    Ok(())
}

/// What can be exported; the ids are the CLI's `KIND`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ExportKind {
    /// 签约率汇总表
    SigningSummary,
    /// 被征收户台账 (internal: full ID numbers and phones)
    Ledger,
    /// 阳光征迁 公示表 (public: masked)
    Disclosure,
    /// 会商材料
    MeetingBrief,
    /// 督导通报
    Bulletin,
    /// 补偿结算单, per household (`household` or a whole `group` in one file)
    Settlement,
    /// 征收补偿告知书, per household
    Notice,
    /// 入户走访记录表, per household
    VisitRecord,
    /// 问题清单, as the page lists it (or the rows it shows: `only`)
    Obstacles,
    /// 逾期回访清单
    FollowUps,
    /// 征收户清单: the households of 挂图作战 (or the rows the filtered board shows: `only`)
    Board,
    /// 进度简报图: the 总览 on one page (PNG for the work group, PDF to print)
    Dashboard,
}

impl ExportKind {
    pub const ALL: &'static [ExportKind] = &[
        ExportKind::SigningSummary,
        ExportKind::Ledger,
        ExportKind::Disclosure,
        ExportKind::MeetingBrief,
        ExportKind::Bulletin,
        ExportKind::Settlement,
        ExportKind::Notice,
        ExportKind::VisitRecord,
        ExportKind::Obstacles,
        ExportKind::FollowUps,
        ExportKind::Board,
        ExportKind::Dashboard,
    ];

    /// The ids of [`ExportKind::ALL`], in its order (the vocabulary of a `data_export` record).
    pub const IDS: &'static [&'static str] = &{
        let mut ids = [""; Self::ALL.len()];
        let mut i = 0;
        while i < ids.len() {
            ids[i] = Self::ALL[i].id();
            i += 1;
        }
        ids
    };

    pub const fn id(self) -> &'static str {
        match self {
            ExportKind::SigningSummary => "signing-summary",
            ExportKind::Ledger => "ledger",
            ExportKind::Disclosure => "disclosure",
            ExportKind::MeetingBrief => "meeting-brief",
            ExportKind::Bulletin => "bulletin",
            ExportKind::Settlement => "settlement",
            ExportKind::Notice => "notice",
            ExportKind::VisitRecord => "visit-record",
            ExportKind::Obstacles => "obstacles",
            ExportKind::FollowUps => "follow-ups",
            ExportKind::Board => "board",
            ExportKind::Dashboard => "dashboard",
        }
    }

    /// Whether the file carries personal data (names with ID numbers, phones, addresses or
    /// per-household amounts), so that writing it is recorded in the log. The summaries,
    /// the brief and the bulletin count groups, not people; 问题清单 names households by number.
    pub fn personal(self) -> bool {
        match self {
            ExportKind::Ledger
            | ExportKind::Disclosure
            | ExportKind::Settlement
            | ExportKind::Notice
            | ExportKind::VisitRecord
            | ExportKind::FollowUps
            | ExportKind::Board => true,
            ExportKind::SigningSummary
            | ExportKind::MeetingBrief
            | ExportKind::Bulletin
            | ExportKind::Obstacles
            | ExportKind::Dashboard => false,
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            ExportKind::SigningSummary => "签约率汇总表",
            ExportKind::Ledger => "被征收户台账",
            ExportKind::Disclosure => "阳光征迁公示表",
            ExportKind::MeetingBrief => "会商材料",
            ExportKind::Bulletin => "督导通报",
            ExportKind::Settlement => "补偿结算单",
            ExportKind::Notice => "征收补偿告知书",
            ExportKind::VisitRecord => "入户走访记录表",
            ExportKind::Obstacles => "问题清单",
            ExportKind::FollowUps => "逾期回访清单",
            ExportKind::Board => "征收户清单",
            ExportKind::Dashboard => "进度简报图",
        }
    }

    pub fn parse(s: &str) -> Result<ExportKind> {
        let s = s.trim();
        ExportKind::ALL.iter().copied().find(|k| s.eq_ignore_ascii_case(k.id()) || s == k.zh()).ok_or_else(|| {
            let known: Vec<String> = ExportKind::ALL.iter().map(|k| format!("{}({})", k.id(), k.zh())).collect();
            Error::invalid("kind", format!("未知的导出类型「{s}」，可选：{}", known.join("、")))
        })
    }

    /// The formats this kind can be written in; the first is the default.
    pub fn formats(self) -> &'static [Format] {
        match self {
            ExportKind::SigningSummary
            | ExportKind::Ledger
            | ExportKind::Disclosure
            | ExportKind::Obstacles
            | ExportKind::FollowUps
            | ExportKind::Board => &[Format::Xlsx, Format::Csv],
            ExportKind::MeetingBrief => &[Format::Docx, Format::Csv],
            ExportKind::Bulletin => &[Format::Docx, Format::Xlsx, Format::Csv],
            ExportKind::Settlement | ExportKind::Notice | ExportKind::VisitRecord => &[Format::Docx],
            ExportKind::Dashboard => &[Format::Png, Format::Pdf],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "ExportFormat"))]
pub enum Format {
    Xlsx,
    Docx,
    Csv,
    Png,
    Pdf,
}

impl Format {
    /// The ids (the vocabulary of a `data_export` record's format).
    pub const IDS: &'static [&'static str] =
        &[Format::Xlsx.id(), Format::Docx.id(), Format::Csv.id(), Format::Png.id(), Format::Pdf.id()];

    pub const fn id(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Csv => "csv",
            Format::Png => "png",
            Format::Pdf => "pdf",
        }
    }

    pub fn parse(s: &str) -> Result<Format> {
        match s.trim().trim_start_matches('.').to_ascii_lowercase().as_str() {
            "xlsx" => Ok(Format::Xlsx),
            "docx" => Ok(Format::Docx),
            "csv" => Ok(Format::Csv),
            "png" => Ok(Format::Png),
            "pdf" => Ok(Format::Pdf),
            other => {
                Err(Error::invalid("format", format!("未知的文件格式「{other}」，可选：xlsx、docx、csv、png、pdf")))
            }
        }
    }

    /// The format a file name asks for, if its extension is one of ours.
    pub fn from_path(path: &Path) -> Option<Format> {
        path.extension().and_then(|e| e.to_str()).and_then(|e| Format::parse(e).ok())
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportOptions {
    /// Figures as of this date [default: the project's own as-of date, else today].
    pub as_of: Option<NaiveDate>,
    /// Meeting brief and bulletin: changes since this date [default: for the brief the last
    /// meeting recorded, else a week before as-of].
    pub since: Option<NaiveDate>,
    /// Disclosure list: print names as 张*三.
    #[serde(default)]
    pub mask_names: bool,
    /// Per-household paper (settlement, notice, visit-record): the household, by number.
    #[serde(default)]
    pub household: Option<String>,
    /// Per-household paper for a whole work group, one file, a page per household.
    #[serde(default)]
    pub group: Option<String>,
    /// 问题清单 and 征收户清单: only these rows (obstacle or household ids), in this order —
    /// what a filtered screen shows. None: the whole list.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "Array<string> | null"))]
    pub only: Option<Vec<uuid::Uuid>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExportReport {
    pub kind: ExportKind,
    pub format: Format,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    pub as_of: NaiveDate,
    /// Data rows written (households, groups, days ...), totals not counted.
    pub rows: usize,
}

/// Chooses the format: the one asked for, else the file's extension, else the kind's default;
/// refuses a format the kind does not come in.
pub fn choose_format(kind: ExportKind, asked: Option<Format>, path: &Path) -> Result<Format> {
    let f =
        asked.or_else(|| Format::from_path(path).filter(|f| kind.formats().contains(f))).unwrap_or(kind.formats()[0]);
    if !kind.formats().contains(&f) {
        let ok: Vec<&str> = kind.formats().iter().map(|f| f.id()).collect();
        return Err(Error::invalid("format", format!("{}不能导出为 {}，可选：{}", kind.zh(), f.id(), ok.join("、"))));
    }
    Ok(f)
}

/// The file name an export is offered under: the plot, the group for per-group paper, the
/// kind and the date its figures stand at, so that today's file does not overwrite
/// yesterday's ("东星4号地块签约率汇总表_2022-08-15.xlsx").
pub fn file_name(
    p: &Project,
    kind: ExportKind,
    format: Format,
    as_of: chrono::NaiveDate,
    group: Option<&str>,
) -> String {
    let group = group.map(str::trim).unwrap_or("");
    let name = format!("{}{group}{}_{as_of}.{}", p.name, kind.zh(), format.id());
    // Characters no file system takes in a name.
    name.chars()
        .map(|c| if matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') { '_' } else { c })
        .collect()
}

/// Writes one export to `path` and, when it carries personal data ([`ExportKind::personal`]),
/// records it in the log: kind, format, file name, scope, rows, who and when. The file and its
/// record stand or fall together: if the record cannot be written the file is removed.
pub fn export_recorded(
    db: &mut crate::Db,
    author: &str,
    p: &Project,
    kind: ExportKind,
    format: Option<Format>,
    path: &Path,
    opts: &ExportOptions,
) -> Result<ExportReport> {
    let report = export(db.conn(), p, kind, format, path, opts)?;
    if !kind.personal() {
        return Ok(report);
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let scope = opts.household.as_deref().or(opts.group.as_deref()).map(str::trim).unwrap_or("").to_string();
    let recorded = db.write(author, |tx| {
        let id = tx.new_id();
        let at = tx.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let fields = crate::oplog::Fields::new()
            .set("project_id", p.id.to_string())
            .set("kind", kind.id())
            .set("format", report.format.id())
            .set("file_name", file_name)
            .set("scope", scope)
            .set("rows", report.rows as i64)
            .set("as_of", report.as_of.to_string())
            .set("exported_by", tx.author().to_string())
            .set("exported_at", at);
        tx.append(crate::schema::Entity::DataExport, id, Some(p.id), fields)
    });
    if let Err(e) = recorded {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(report)
}

/// Writes one export to `path`. Reads only: the database is never changed (an export of
/// personal data is recorded by [`export_recorded`], which every command goes through).
pub fn export(
    conn: &Connection,
    p: &Project,
    kind: ExportKind,
    format: Option<Format>,
    path: &Path,
    opts: &ExportOptions,
) -> Result<ExportReport> {
    let format = choose_format(kind, format, path)?;
    let as_of = crate::project::asked_as_of(p, opts.as_of)?;
    // The meeting brief starts at the last meeting held by its 截至 date; the others (and a
    // brief with none) a week before.
    let last_meeting = match kind {
        ExportKind::MeetingBrief => crate::meeting::last_held(conn, p.id, as_of)?,
        _ => None,
    };
    let since = crate::meeting::brief_since(opts.since, last_meeting, as_of);
    let paper = match kind {
        ExportKind::Settlement => Some(paper::Paper::Settlement),
        ExportKind::Notice => Some(paper::Paper::Notice),
        ExportKind::VisitRecord => Some(paper::Paper::VisitRecord),
        _ => None,
    };
    if kind == ExportKind::Dashboard {
        let s = exports::summary_for(conn, p, Some(as_of))?;
        let clearance = crate::report::clearance::clearance(conn, p, Some(as_of))?;
        let mut days = crate::plot_work::demolition_days(conn, p.id)?;
        days.retain(|d| d.log_date <= as_of);
        let svg = onepage::svg(p, &onepage::Figures { summary: &s, clearance: &clearance, days: &days });
        let bytes = match format {
            Format::Pdf => crate::map::export::pdf(&svg)?,
            _ => crate::map::export::png(&svg)?,
        };
        save(path, &bytes)?;
        return Ok(ExportReport { kind, format, path: path.to_path_buf(), as_of, rows: s.groups.len() });
    }
    if let Some(paper) = paper {
        let households = paper::households_for(conn, p, opts.household.as_deref(), opts.group.as_deref())?;
        paper::document(conn, p, paper, &households, as_of)?.save(path)?;
        return Ok(ExportReport { kind, format, path: path.to_path_buf(), as_of, rows: households.len() });
    }
    let sheets = match kind {
        ExportKind::Settlement | ExportKind::Notice | ExportKind::VisitRecord | ExportKind::Dashboard => {
            unreachable!("paper and the picture handled above")
        }
        ExportKind::SigningSummary => exports::signing_summary(conn, p, &exports::summary_for(conn, p, Some(as_of))?)?,
        ExportKind::Ledger => exports::ledger(conn, p, as_of)?,
        ExportKind::Disclosure => exports::disclosure(conn, p, as_of, opts.mask_names)?,
        ExportKind::Obstacles => lists::obstacles(conn, p, as_of, opts.only.as_deref())?,
        ExportKind::FollowUps => lists::follow_ups(conn, p, as_of)?,
        ExportKind::Board => lists::board(conn, p, as_of, opts.group.as_deref(), opts.only.as_deref())?,
        ExportKind::Bulletin => {
            let s = exports::summary_for(conn, p, Some(as_of))?;
            let sheets = exports::bulletin_sheets(conn, p, &s, since)?;
            if format == Format::Docx {
                exports::bulletin_doc(p, &s, since, &sheets).save(path)?;
                return Ok(ExportReport {
                    kind,
                    format,
                    path: path.to_path_buf(),
                    as_of,
                    rows: sheets.iter().map(|s| s.rows.len()).sum(),
                });
            }
            sheets
        }
        ExportKind::MeetingBrief => {
            let s = exports::summary_for(conn, p, Some(as_of))?;
            if format == Format::Docx {
                exports::meeting_brief(conn, p, &s, since, last_meeting)?.save(path)?;
                return Ok(ExportReport { kind, format, path: path.to_path_buf(), as_of, rows: s.groups.len() });
            }
            // As CSV: the brief's tables (groups, changes) without the prose.
            let mut sheets = exports::signing_summary(conn, p, &s)?;
            sheets.truncate(1);
            let mut b = exports::bulletin_sheets(conn, p, &s, since)?;
            sheets.push(b.remove(2));
            sheets
        }
    };
    match format {
        Format::Xlsx => table::write_xlsx(&sheets, path)?,
        Format::Csv => table::write_csv(&sheets, path)?,
        Format::Docx | Format::Png | Format::Pdf => unreachable!("handled above for the kinds that have them"),
    }
    Ok(ExportReport { kind, format, path: path.to_path_buf(), as_of, rows: sheets.iter().map(|s| s.rows.len()).sum() })
}

/// What a 全区总览 export wrote.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DistrictExport {
    pub format: Format,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub path: PathBuf,
    /// Plots written.
    pub plots: usize,
}

/// Writes the 全区总览 (every project in the database) as .xlsx, or CSV when the file name
/// or `format` asks for it. Reads only.
pub fn export_district(conn: &Connection, format: Option<Format>, path: &Path) -> Result<DistrictExport> {
    let format = format.or_else(|| Format::from_path(path)).unwrap_or(Format::Xlsx);
    let o = crate::report::district::overview(conn)?;
    let sheets = exports::district_overview(&o);
    match format {
        Format::Xlsx => table::write_xlsx(&sheets, path)?,
        Format::Csv => table::write_csv(&sheets, path)?,
        Format::Docx | Format::Png | Format::Pdf => {
            return Err(Error::invalid("format", format!("全区总览不能导出为 {}，可选：xlsx、csv", format.id())))
        }
    }
    Ok(DistrictExport { format, path: path.to_path_buf(), plots: o.plots.len() })
}
