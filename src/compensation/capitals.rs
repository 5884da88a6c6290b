//! Amounts in Chinese capitals (大写), as written on agreements and settlement sheets.
//!
//! The rules are those for bills and settlement vouchers (《正确填写票据和结算凭证的基本规定》):
//! - an amount that ends at 元 is followed by 整 (壹拾元整); after 角 no 整 is written
//!   (壹仟肆佰零玖元伍角); after 分 never (叁佰贰拾伍元零肆分);
//! - a zero between digits is written once as 零 (壹佰零柒万, 壹亿零壹拾元整);
//! - when the 角 digit is 0 and 分 is not, 零 follows 元 (壹元零伍分); when the 元 digit is 0
//!   and 角 is not, 零 is written too (壹仟陆佰捌拾元零叁角贰分);
//! - 壹拾 keeps its 壹 (壹拾元整, never 拾元整);
//! - an amount below one 元 has no 元 part (伍角, 伍分); zero is 零元整.
//!
//! No 人民币 prefix: [`with_prefix`] adds it where a form needs one.

const DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];
const IN_SECTION: [&str; 4] = ["", "拾", "佰", "仟"];
const SECTIONS: [&str; 5] = ["", "万", "亿", "万亿", "亿亿"];

/// 107_844_000 fen → "壹佰零柒万捌仟肆佰肆拾元整".
pub fn capitals(fen: i64) -> String {
    let sign = if fen < 0 { "负" } else { "" };
    let fen = fen.unsigned_abs();
    let yuan = fen / 100;
    let jiao = (fen / 10 % 10) as usize;
    let fen_digit = (fen % 10) as usize;
    let mut out = String::from(sign);
    if yuan > 0 {
        out.push_str(&integer(yuan));
        out.push('元');
    }
    match (jiao, fen_digit) {
        (0, 0) => {
            if yuan == 0 {
                out.push_str("零元");
            }
            out.push('整');
        }
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push_str(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            if yuan > 0 && yuan % 10 == 0 {
                out.push('零');
            }
            out.push_str(DIGITS[j]);
            out.push('角');
            if f > 0 {
                out.push_str(DIGITS[f]);
                out.push('分');
            }
        }
    }
    out
}

/// "人民币" + [`capitals`], as on a settlement sheet.
pub fn with_prefix(fen: i64) -> String {
    format!("人民币{}", capitals(fen))
}

/// A positive integer in capitals, grouped by 万 and 亿.
fn integer(n: u64) -> String {
    let mut sections = Vec::new();
    let mut rest = n;
    while rest > 0 {
        sections.push((rest % 10_000) as usize);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (i, &s) in sections.iter().enumerate().rev() {
        if s == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (zero_pending || s < 1000) {
            out.push('零');
        }
        out.push_str(&section(s));
        out.push_str(SECTIONS[i]);
        zero_pending = false;
    }
    out
}

/// 0 < s < 10000, without leading 零.
fn section(s: usize) -> String {
    let digits = [s / 1000, s / 100 % 10, s / 10 % 10, s % 10];
    let mut out = String::new();
    let mut zero = false;
    for (k, &d) in digits.iter().enumerate() {
        if d == 0 {
            zero = !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push_str(DIGITS[d]);
        out.push_str(IN_SECTION[3 - k]);
    }
    out
}
