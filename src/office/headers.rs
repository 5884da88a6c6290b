//! Roster columns and the names offices give them: 户号 / 宗地号 / 编号, 户主 / 户主姓名 /
//! 被征收人, ... Matching ignores case, spaces (also full-width) and a trailing unit such as
//! "(m²)" or "(平方米)".

use serde::{Deserialize, Serialize};

/// A roster field: its id (as `household::set` takes it), Chinese label, and the header
/// names that mean it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "RosterField"))]
pub enum Field {
    Number,
    HeadName,
    IdNumber,
    Phone,
    Address,
    MembersCount,
    FloorArea,
    LandArea,
    Structure,
    Group,
    SpecialCircumstances,
}

impl Field {
    pub const ALL: &'static [Field] = &[
        Field::Number,
        Field::HeadName,
        Field::IdNumber,
        Field::Phone,
        Field::Address,
        Field::MembersCount,
        Field::FloorArea,
        Field::LandArea,
        Field::Structure,
        Field::Group,
        Field::SpecialCircumstances,
    ];

    /// The id `household::set` accepts.
    pub fn id(self) -> &'static str {
        match self {
            Field::Number => "number",
            Field::HeadName => "head_name",
            Field::IdNumber => "id_number",
            Field::Phone => "phone",
            Field::Address => "address",
            Field::MembersCount => "members_count",
            Field::FloorArea => "floor_area",
            Field::LandArea => "land_area",
            Field::Structure => "structure",
            Field::Group => "group",
            Field::SpecialCircumstances => "special_circumstances",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Field::Number => "户号",
            Field::HeadName => "户主",
            Field::IdNumber => "身份证号",
            Field::Phone => "联系电话",
            Field::Address => "房屋坐落",
            Field::MembersCount => "家庭人口",
            Field::FloorArea => "建筑面积",
            Field::LandArea => "占地面积",
            Field::Structure => "结构",
            Field::Group => "责任组",
            Field::SpecialCircumstances => "特殊情况",
        }
    }

    /// Header names offices use for this field (already normalised).
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Number => &["户号", "宗地号", "编号", "户编号", "房屋编号", "number"],
            Field::HeadName => &["户主", "户主姓名", "被征收人", "被征收人姓名", "产权人", "姓名", "head_name"],
            Field::IdNumber => {
                &["身份证号", "身份证号码", "户主身份证号", "证件号码", "公民身份号码", "身份证", "id_number"]
            }
            Field::Phone => &["联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "phone"],
            Field::Address => &["地址", "房屋坐落", "坐落", "房屋地址", "住址", "address"],
            Field::MembersCount => &["人口", "家庭人口", "人口数", "家庭人数", "户籍人口", "members_count"],
            Field::FloorArea => &["房屋面积", "建筑面积", "合法建筑面积", "floor_area"],
            Field::LandArea => &["占地面积", "宅基地面积", "land_area"],
            Field::Structure => &["结构", "房屋结构", "structure"],
            Field::Group => &["组别", "责任组", "动迁组", "征迁组", "工作组", "group"],
            Field::SpecialCircumstances => &["特殊情况", "特殊困难", "special_circumstances"],
        }
    }

    /// Fields a roster must have a column for.
    pub fn required(self) -> bool {
        matches!(self, Field::Number | Field::HeadName)
    }

    /// A field given as the CLI's `--map` left-hand side: id, label or any alias.
    pub fn parse(s: &str) -> Option<Field> {
        let n = normalise(s);
        Field::ALL.iter().copied().find(|f| n == f.id() || n == normalise(f.zh()) || f.aliases().contains(&n.as_str()))
    }
}

/// Lower-case, no whitespace of any width, no trailing unit in brackets, no trailing colon
/// or asterisk (the "required" mark).
pub fn normalise(header: &str) -> String {
    let mut s: String =
        header.chars().filter(|c| !c.is_whitespace() && *c != '\u{3000}').collect::<String>().to_lowercase();
    s.truncate(s.trim_end_matches([':', '：', '*', '＊']).len());
    // "建筑面积(m²)", "建筑面积(平方米)", "人口(人)" → without the bracket.
    for open in ['(', '（'] {
        if let Some(i) = s.find(open) {
            if i > 0 && (s.ends_with(')') || s.ends_with('）')) {
                s.truncate(i);
            }
        }
    }
    s.trim_end_matches([':', '：', '*', '＊']).trim_start_matches(['*', '＊']).to_string()
}

/// The field a header names, if any.
pub fn field_for(header: &str) -> Option<Field> {
    let n = normalise(header);
    if n.is_empty() {
        return None;
    }
    Field::ALL.iter().copied().find(|f| f.aliases().contains(&n.as_str()))
}

/// Excel column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push((b'A' + (i % 26) as u8) as char);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.iter().rev().collect()
}

/// "C" or "c" → 2.
pub fn column_index(letters: &str) -> Option<usize> {
    let l = letters.trim();
    if l.is_empty() || l.len() > 3 || !l.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let mut n = 0usize;
    for c in l.to_ascii_uppercase().bytes() {
        n = n * 26 + (c - b'A' + 1) as usize;
    }
    Some(n - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_the_names_offices_use() {
        assert_eq!(field_for(" 户 主 姓 名 "), Some(Field::HeadName));
        assert_eq!(field_for("建筑面积(m²)"), Some(Field::FloorArea)); // as typed
        assert_eq!(field_for("建筑面积(平方米)"), Some(Field::FloorArea)); // as typed
        assert_eq!(field_for("建筑面积（m²）"), Some(Field::FloorArea));
        assert_eq!(field_for("家庭人口（人）："), Some(Field::MembersCount));
        assert_eq!(field_for("＊身份证号码"), Some(Field::IdNumber));
        assert_eq!(field_for("宗地号"), Some(Field::Number));
        assert_eq!(field_for("*身份证号码"), Some(Field::IdNumber));
        assert_eq!(field_for("Phone"), Some(Field::Phone));
        assert_eq!(field_for("备注"), None);
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_index("ab"), Some(27));
    }
}
