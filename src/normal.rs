//! Input as people type it. A Chinese input method gives full-width digits, letters, spaces
//! and punctuation by default (１２３, ＤＸ４－０５０, 　): values of a fixed form (ID numbers,
//! phones, amounts, areas, dates, household numbers, counts, vocabulary) are read in Unicode
//! NFKC, which turns those into their ordinary forms, and trimmed. Free text keeps what was
//! typed and is only trimmed.

use unicode_normalization::UnicodeNormalization;

/// A value of a fixed form as typed: NFKC, trimmed (the ideographic space U+3000 included).
pub fn typed(s: &str) -> String {
    if s.is_ascii() {
        return s.trim().to_string();
    }
    let n: String = s.nfkc().collect();
    n.trim().to_string()
}
