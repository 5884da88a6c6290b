//! Finding anyone: one query text against every household of every project in the
//! database — household number, head of family's name or its 拼音首字母 (`ktd` → 柯添丁),
//! ID number (whole, or its last 4–6 characters), phone (whole, or its last 4 digits),
//! address fragment, agreement number.
//!
//! Text typed with a Chinese input method is folded first: full-width digits and letters
//! become ASCII, spaces and dashes inside a number are dropped. The cheap keys are matched
//! by SQLite in one scan; initials (only for a query of ASCII letters) in one more pass over
//! the names, each character's initials taken from the `pinyin` crate's table, every
//! reading of a polyphonic character (单: d/s, 曾: z/c) accepted.

use crate::error::Result;
use crate::vocab::Stage;
use pinyin::ToPinyinMulti;
use rusqlite::Connection;
use serde::Serialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Which key of the household matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Number,
    Name,
    Initials,
    IdNumber,
    Phone,
    AgreementNo,
    Address,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SearchHit {
    pub household_id: Uuid,
    pub number: String,
    pub head_name: String,
    pub address: String,
    pub project_id: Uuid,
    pub project_code: String,
    pub project_name: String,
    pub stage: Stage,
    pub matched_by: MatchedBy,
}

/// At most this many hits are returned, best first.
pub const DEFAULT_LIMIT: usize = 50;

/// Folds what an IME types into what is stored: full-width ASCII (０-９, Ａ-Ｚ, －) to
/// ASCII, the ideographic space to a space; trimmed.
pub fn fold(query: &str) -> String {
    query
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// The query as a bare ID or phone number: digits (and an ID's final X), spaces and
/// dashes dropped.
fn as_digits(q: &str) -> Option<String> {
    let d: String = q.chars().filter(|c| !matches!(c, ' ' | '-')).collect::<String>().to_ascii_uppercase();
    let n = d.len();
    let ok = n > 0 && d.char_indices().all(|(i, c)| c.is_ascii_digit() || (c == 'X' && i == n - 1));
    ok.then_some(d)
}

fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Every reading's first letter of each character of a name; letters and digits stand for
/// themselves, other characters (a middle dot) are skipped.
pub fn initials(name: &str) -> Vec<Vec<char>> {
    name.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                return Some(vec![c.to_ascii_lowercase()]);
            }
            let multi = c.to_pinyin_multi()?;
            let mut letters: Vec<char> = multi.into_iter().filter_map(|p| p.first_letter().chars().next()).collect();
            letters.sort_unstable();
            letters.dedup();
            (!letters.is_empty()).then_some(letters)
        })
        .collect()
}

/// Whether `q` (lowercase letters) spells the start of the name's initials: `Some(true)`
/// when it spells all of them.
fn initials_match(name: &str, q: &[char]) -> Option<bool> {
    let ini = initials(name);
    if q.len() > ini.len() {
        return None;
    }
    q.iter().zip(&ini).all(|(c, options)| options.contains(c)).then_some(q.len() == ini.len())
}

/// Households matching `query` in any project, best first: an exact number, ID, phone or
/// agreement number; then a number starting with it, the full name or full initials; then
/// partial names, numbers and initials; then the tail of an ID or phone; then addresses.
pub fn search(conn: &Connection, query: &str, limit: usize) -> Result<Vec<SearchHit>> {
    let q = fold(query);
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let lower = q.to_lowercase();
    let digits = as_digits(&q);
    // (rank, matched by) per household rowid; the best rank wins.
    let mut found: HashMap<i64, (u8, MatchedBy)> = HashMap::new();
    let mut note = |rowid: i64, rank: u8, by: MatchedBy| {
        let e = found.entry(rowid).or_insert((rank, by));
        if rank < e.0 {
            *e = (rank, by);
        }
    };
    {
        let like = like_escape(&lower);
        let d = digits.clone().unwrap_or_default();
        // Suffixes only for the lengths people read off a card or a phone.
        let id_tail = if (4..=6).contains(&d.len()) { d.clone() } else { String::new() };
        let phone_tail = if d.len() == 4 && !d.ends_with('X') { d.clone() } else { String::new() };
        let mut stmt = conn.prepare_cached(
            "SELECT rowid,
                    lower(number) = ?1, lower(number) LIKE ?2 || '%' ESCAPE '\\', lower(number) LIKE ?3 ESCAPE '\\',
                    head_name = ?1, head_name LIKE ?3 ESCAPE '\\',
                    upper(coalesce(id_number, '')) = ?4 AND ?4 != '',
                    ?5 != '' AND upper(coalesce(id_number, '')) LIKE '%' || ?5,
                    phone = ?4 AND ?4 != '',
                    ?6 != '' AND phone LIKE '%' || ?6,
                    lower(coalesce(agreement_no, '')) = ?1, lower(coalesce(agreement_no, '')) LIKE ?3 ESCAPE '\\',
                    address LIKE ?3 ESCAPE '\\'
             FROM households
             WHERE lower(number) LIKE ?3 ESCAPE '\\' OR head_name LIKE ?3 ESCAPE '\\'
                OR (?4 != '' AND (upper(coalesce(id_number, '')) = ?4 OR phone = ?4))
                OR (?5 != '' AND upper(coalesce(id_number, '')) LIKE '%' || ?5)
                OR (?6 != '' AND phone LIKE '%' || ?6)
                OR lower(coalesce(agreement_no, '')) LIKE ?3 ESCAPE '\\'
                OR address LIKE ?3 ESCAPE '\\'",
        )?;
        let prefix = like[..like.len() - 1].trim_start_matches('%').to_string();
        let mut rows = stmt.query(rusqlite::params![lower, prefix, like, d, id_tail, phone_tail])?;
        while let Some(r) = rows.next()? {
            let rowid: i64 = r.get(0)?;
            let flag = |i: usize| -> rusqlite::Result<bool> { r.get::<_, Option<bool>>(i).map(|b| b.unwrap_or(false)) };
            let checks: [(usize, u8, MatchedBy); 12] = [
                (1, 0, MatchedBy::Number),
                (2, 1, MatchedBy::Number),
                (3, 2, MatchedBy::Number),
                (4, 1, MatchedBy::Name),
                (5, 2, MatchedBy::Name),
                (6, 0, MatchedBy::IdNumber),
                (7, 3, MatchedBy::IdNumber),
                (8, 0, MatchedBy::Phone),
                (9, 3, MatchedBy::Phone),
                (10, 0, MatchedBy::AgreementNo),
                (11, 3, MatchedBy::AgreementNo),
                (12, 4, MatchedBy::Address),
            ];
            for (i, rank, by) in checks {
                if flag(i)? {
                    note(rowid, rank, by);
                }
            }
        }
    }
    let letters: Vec<char> = lower.chars().filter(|c| *c != ' ').collect();
    if letters.len() >= 2 && letters.iter().all(|c| c.is_ascii_lowercase()) {
        let mut stmt = conn.prepare_cached("SELECT rowid, head_name FROM households")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let name: String = r.get(1)?;
            if let Some(whole) = initials_match(&name, &letters) {
                note(r.get(0)?, if whole { 1 } else { 2 }, MatchedBy::Initials);
            }
        }
    }
    let mut ranked: Vec<(i64, u8, MatchedBy)> = found.into_iter().map(|(id, (rank, by))| (id, rank, by)).collect();
    ranked.sort_by_key(|(id, rank, _)| (*rank, *id));
    ranked.truncate(limit);
    let mut stmt = conn.prepare_cached(
        "SELECT h.id, h.number, h.head_name, h.address, h.project_id, p.code, p.name, h.stage
         FROM households h JOIN projects p ON p.id = h.project_id WHERE h.rowid = ?1",
    )?;
    let mut hits = Vec::with_capacity(ranked.len());
    for (rowid, _, by) in ranked {
        hits.push(stmt.query_row([rowid], |r| {
            Ok(SearchHit {
                household_id: crate::read::uuid(r, 0)?,
                number: r.get(1)?,
                head_name: r.get(2)?,
                address: r.get(3)?,
                project_id: crate::read::uuid(r, 4)?,
                project_code: r.get(5)?,
                project_name: r.get(6)?,
                stage: crate::read::vocab(r, 7, Stage::parse)?,
                matched_by: by,
            })
        })?);
    }
    // Within a rank, by project and number rather than by insertion order.
    Ok(hits)
}
