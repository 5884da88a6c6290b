//! Resident ID card numbers (GB 11643-1999): 18 characters, 17 digits and a check
//! character computed with ISO 7064 MOD 11-2, plus a birth date that exists.

use crate::error::{Error, Result};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The check character for the first 17 digits.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    Some(CHECK[(sum % 11) as usize])
}

/// Returns the number normalised (upper-case X) or an error that says what is wrong.
pub fn validate(raw: &str) -> Result<String> {
    // Full-width digits and Ｘ (a Chinese IME's default) read as ordinary ones.
    let s = crate::normal::typed(raw).to_ascii_uppercase();
    let raw = raw.trim();
    let err = |m: String| Error::invalid("id_number", m);
    if s.chars().count() != 18 {
        return Err(err(format!("身份证号应为 18 位，「{raw}」为 {} 位", s.chars().count())));
    }
    // Counted in characters above; split only once every character is one byte.
    if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(err(format!("身份证号只能含数字和末位的 X，「{raw}」含有「{c}」")));
    }
    let (body, last) = s.split_at(17);
    let Some(expected) = check_char(body) else {
        return Err(err(format!("身份证号前 17 位应全为数字：「{raw}」")));
    };
    let birth = &body[6..14];
    if chrono::NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() {
        return Err(err(format!("身份证号中的出生日期 {birth} 不存在")));
    }
    if !last.starts_with(expected) {
        return Err(err(format!("身份证号校验位错误：「{raw}」末位应为 {expected}")));
    }
    Ok(s)
}

/// 350503199001011234 → 350503********1234, as on a public disclosure list.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}
