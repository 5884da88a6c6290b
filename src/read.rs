//! Small helpers for reading typed values out of rows.

use rusqlite::types::{FromSqlError, Type};
use rusqlite::Row;
use uuid::Uuid;

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(e))
}

pub fn uuid(r: &Row, idx: usize) -> rusqlite::Result<Uuid> {
    let s: String = r.get(idx)?;
    Uuid::parse_str(&s).map_err(|e| conversion(idx, e))
}

pub fn opt_uuid(r: &Row, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| Uuid::parse_str(&s).map_err(|e| conversion(idx, e))).transpose()
}

pub fn json_list<T: serde::de::DeserializeOwned>(r: &Row, idx: usize) -> rusqlite::Result<Vec<T>> {
    let s: String = r.get(idx)?;
    serde_json::from_str(&s).map_err(|e| conversion(idx, e))
}

/// Parses a stored vocabulary id; a value this binary does not know is a corrupt row.
pub fn vocab<T>(r: &Row, idx: usize, parse: fn(&str) -> crate::Result<T>) -> rusqlite::Result<T> {
    let s: String = r.get(idx)?;
    parse(&s)
        .map_err(|_| rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(FromSqlError::InvalidType)))
}

pub fn opt_vocab<T>(r: &Row, idx: usize, parse: fn(&str) -> crate::Result<T>) -> rusqlite::Result<Option<T>> {
    let s: Option<String> = r.get(idx)?;
    s.map(|s| {
        parse(&s).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, Box::new(FromSqlError::InvalidType))
        })
    })
    .transpose()
}
