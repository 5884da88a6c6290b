//! Money is integer fen (分) and area integer 0.01 m². Both parse from decimal text exactly
//! (no floating point on the way in), and format the Chinese way: thousands separators,
//! two decimals.

use crate::error::{Error, Result};

/// Parses "1,078,440.5" or "125.40" into hundredths (fen or 0.01 m²).
/// At most two decimals; negatives refused (no amount or area here is negative).
/// Full-width digits and separators are read as ordinary ones (NFKC); a unit after the
/// figure (元, m², 平方米) is allowed, and 万 multiplies by ten thousand ("209万" = 2,090,000.00,
/// "1.2345万" = 12,345.00): a figure 万 cannot make exact in hundredths is refused.
pub fn parse_hundredths(field: &'static str, text: &str) -> Result<i64> {
    let typed = crate::normal::typed(text);
    let shown = text.trim();
    let bad = || {
        Error::invalid(field, format!("「{shown}」不是有效的非负数值（可写作 1,078,440.50 或 209万，最多两位小数）"))
    };
    let mut t: String = typed.chars().filter(|c| *c != ',' && !c.is_whitespace()).collect();
    for unit in ["元", "m2", "平方米", "平米"] {
        if let Some(rest) = t.strip_suffix(unit) {
            t = rest.to_string();
            break;
        }
    }
    let (t, decimals) = match t.strip_suffix('万') {
        Some(rest) => (rest.to_string(), 6),
        None => (t, 2),
    };
    if t.is_empty() || t.starts_with('-') {
        return Err(bad());
    }
    let (whole, frac) = match t.split_once('.') {
        Some((w, f)) => (w, f),
        None => (t.as_str(), ""),
    };
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() > decimals {
        return Err(if decimals == 2 {
            bad()
        } else {
            Error::invalid(field, format!("「{shown}」以万为单位时最多六位小数（精确到 0.01）"))
        });
    }
    // Scale: hundredths per unit (100, or 1,000,000 for 万); the fraction padded to `decimals`.
    let scale: i64 = if decimals == 2 { 100 } else { 1_000_000 };
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<decimals$}").parse().map_err(|_| bad())? };
    whole.checked_mul(scale).and_then(|w| w.checked_add(frac)).ok_or_else(bad)
}

/// A signed amount: "+1,000.50", "-20", "0" → hundredths (a manual adjustment can lower an item).
pub fn parse_signed_hundredths(field: &'static str, text: &str) -> Result<i64> {
    let n = crate::normal::typed(text);
    let t = n.as_str();
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

/// A 0..1 rate as "97.5%" (one decimal), as the printed tables and the CLI show it.
pub fn format_rate(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// Hundredths as a float, for JSON consumers that want m² or 元 as numbers.
pub fn hundredths_to_f64(v: i64) -> f64 {
    v as f64 / 100.0
}

/// Parses an ISO date `YYYY-MM-DD` as typed, naming the field when it is not one.
pub fn parse_date(field: &'static str, text: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&crate::normal::typed(text), "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, format!("「{text}」不是有效日期（格式 YYYY-MM-DD）")))
}

/// As [`parse_date`]; nothing or blank text is no date.
pub fn parse_opt_date(field: &'static str, text: Option<&str>) -> Result<Option<chrono::NaiveDate>> {
    text.filter(|t| !t.trim().is_empty()).map(|t| parse_date(field, t)).transpose()
}
