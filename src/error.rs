//! One error type for the whole core. Every variant carries a stable `code` (for scripts,
//! the desktop app and translations) and a message in Chinese that names what is wrong.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value given for a field is malformed or out of range.
    #[error("字段 {field}：{message}")]
    InvalidField { field: &'static str, message: String },

    /// A business rule refuses the change (e.g. signing without an agreement).
    #[error("规则 {rule}：{message}")]
    RuleViolation { rule: &'static str, message: String },

    #[error("未找到{what}：{key}")]
    NotFound { what: &'static str, key: String },

    #[error("已存在{what}：{key}")]
    AlreadyExists { what: &'static str, key: String },

    #[error("数据库 {path} 的结构版本为 {found}，而本程序只支持到版本 {supported}；请升级 Jingdi 后再打开")]
    SchemaTooNew { path: String, found: i64, supported: i64 },

    #[error("无法打开数据库 {path}：{message}")]
    Open { path: String, message: String },

    #[error("数据库错误：{0}")]
    Sqlite(rusqlite::Error),

    #[error("文件错误：{0}")]
    Io(std::io::Error),

    /// The disk (or the file-size limit) ran out mid-write; SQLite rolled the write back.
    #[error("磁盘空间不足，未能写入（{0}）；本次操作没有写入任何内容，请腾出磁盘空间后重试")]
    DiskFull(String),

    /// A file that cannot be written where it was asked for (an export): no permission, a
    /// folder in the way, a read-only disk. Nothing was left under the file's name.
    #[error("无法写入文件 {path}：{message}")]
    CannotWrite { path: String, message: String },

    /// A backup that cannot be made, listed or restored: damaged, too new, not a Jingdi file, ...
    #[error("备份 {path}：{message}")]
    Backup { problem: &'static str, path: String, message: String },

    #[error("数据错误：{0}")]
    Corrupt(String),

    /// A sync bundle that is refused: unreadable, for another project, tampered, ...
    #[error("数据包 {path}：{message}")]
    Bundle { problem: &'static str, path: String, message: String },

    /// Syncing through a district hub failed: not configured, unreachable, refused, ...
    #[error("同步中心：{message}")]
    Hub { problem: String, message: String },
}

impl Error {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidField { field, message: message.into() }
    }

    pub fn rule(rule: &'static str, message: impl Into<String>) -> Self {
        Error::RuleViolation { rule, message: message.into() }
    }

    pub fn not_found(what: &'static str, key: impl Into<String>) -> Self {
        Error::NotFound { what, key: key.into() }
    }

    /// Stable machine-readable code; the desktop app maps these to its own wording.
    pub fn code(&self) -> String {
        match self {
            Error::InvalidField { field, .. } => format!("invalid_field.{field}"),
            Error::RuleViolation { rule, .. } => format!("rule.{rule}"),
            Error::NotFound { .. } => "not_found".into(),
            Error::AlreadyExists { .. } => "already_exists".into(),
            Error::SchemaTooNew { .. } => "schema_too_new".into(),
            Error::Open { .. } => "open_failed".into(),
            Error::Sqlite(_) => "database".into(),
            Error::Io(_) => "io".into(),
            Error::Corrupt(_) => "corrupt".into(),
            Error::DiskFull(_) => "disk_full".into(),
            Error::CannotWrite { .. } => "cannot_write".into(),
            Error::Backup { problem, .. } => format!("backup.{problem}"),
            Error::Bundle { problem, .. } => format!("bundle.{problem}"),
            Error::Hub { problem, .. } => format!("hub.{problem}"),
        }
    }

    /// The `{code, message}` shape that crosses the CLI's `--json` and the desktop IPC.
    pub fn to_wire(&self) -> WireError {
        WireError { code: self.code(), message: self.to_string() }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WireError {
    pub code: String,
    pub message: String,
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            return Error::DiskFull(e.to_string());
        }
        Error::Sqlite(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind::{FileTooLarge, StorageFull};
        match e.kind() {
            StorageFull | FileTooLarge => Error::DiskFull(e.to_string()),
            _ => Error::Io(e),
        }
    }
}

impl From<rusqlite_migration::Error> for Error {
    fn from(e: rusqlite_migration::Error) -> Self {
        match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => Error::from(err),
            other => Error::Corrupt(other.to_string()),
        }
    }
}
