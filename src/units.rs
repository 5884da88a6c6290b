//! Money is integer fen (分) and area integer 0.01 m². Both parse from decimal text exactly
//! (no floating point on the way in), and format the Chinese way: thousands separators,
//! two decimals.

use crate::error::{Error, Result};

/// Parses "1,078,440.5" or "125.40" into hundredths (fen or 0.01 m²).
/// At most two decimals; negatives refused (no amount or area here is negative).
pub fn parse_hundredths(field: &'static str, text: &str) -> Result<i64> {
    let t: String = text.trim().chars().filter(|c| *c != ',' && *c != '\u{ff0c}').collect();
    let bad = || Error::invalid(field, format!("「{text}」不是有效的非负数值(最多两位小数)"));
    if t.is_empty() || t.starts_with('-') {
        return Err(bad());
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let frac: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().map_err(|_| bad())? * 10,
        _ => frac.parse().map_err(|_| bad())?,
    };
    whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

/// A signed amount: "+1,000.50", "-20", "0" → hundredths (a manual adjustment can lower an item).
pub fn parse_signed_hundredths(field: &'static str, text: &str) -> Result<i64> {
    let t = text.trim();
    let (sign, rest) = match t.strip_prefix('-').or_else(|| t.strip_prefix('\u{2212}')) {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    Ok(sign * parse_hundredths(field, rest)?)
}

/// 107844000 → "1,078,440.00"
pub fn format_hundredths(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let v = v.unsigned_abs();
    let whole = (v / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", v % 100)
}

pub fn format_yuan(fen: i64) -> String {
    format!("{} 元", format_hundredths(fen))
}

pub fn format_m2(centi: i64) -> String {
    format!("{} m²", format_hundredths(centi))
}

/// Hundredths as a float, for JSON consumers that want m² or 元 as numbers.
pub fn hundredths_to_f64(v: i64) -> f64 {
    v as f64 / 100.0
}

/// Parses an ISO date `YYYY-MM-DD` as typed, naming the field when it is not one.
pub fn parse_date(field: &'static str, text: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("「{text}」不是有效日期(格式 YYYY-MM-DD)")))
}

/// As [`parse_date`]; nothing or blank text is no date.
pub fn parse_opt_date(field: &'static str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>> {
    text.filter(|t| !t.trim().is_empty()).map(|t| parse_date(field, t)).transpose()
}
