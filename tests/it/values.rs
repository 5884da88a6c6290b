//! ID numbers, money and area parsing and formatting.

use jingdi::{idcard, units};

#[test]
fn id_numbers() {
    let good = crate::id_number("19700101", 7);
    let cases: &[(&str, Result<(), &str>)] = &[
        (good.as_str(), Ok(())),
        ("11010519491231002X", Ok(())),
        ("11010519491231002x", Ok(())),
        ("110105194912310021", Err("校验位")),
        ("1101051949123100", Err("18 位")),
        ("1101051949123100211", Err("18 位")),
        ("11010519491231A02X", Err("前 17 位")),
        ("110105194902300021", Err("出生日期")),
        ("", Err("18 位")),
    ];
    for (input, want) in cases {
        match (idcard::validate(input), want) {
            (Ok(n), Ok(())) => assert_eq!(n, input.to_ascii_uppercase(), "{input}"),
            (Err(e), Err(part)) => {
                assert_eq!(e.code(), "invalid_field.id_number", "{input}");
                assert!(e.to_string().contains(part), "{input}: {e} should mention {part}");
            }
            (got, want) => panic!("{input}: got {got:?}, want {want:?}"),
        }
    }
    assert_eq!(idcard::mask("350503199001011234"), "350503********1234");
}

#[test]
fn hundredths_parse_exactly() {
    let cases: &[(&str, Option<i64>)] = &[
        ("0", Some(0)),
        ("125.4", Some(12540)),
        ("125.40", Some(12540)),
        ("1,078,440.00", Some(107844000)),
        ("1\u{ff0c}078\u{ff0c}440.00", Some(107844000)),
        (".5", Some(50)),
        ("7.", Some(700)),
        ("0.01", Some(1)),
        ("1.005", None),
        ("-3", None),
        ("abc", None),
        ("", None),
        ("1.2.3", None),
        ("99999999999999999999", None),
    ];
    for (text, want) in cases {
        let got = units::parse_hundredths("amount", text).ok();
        assert_eq!(got, *want, "{text}");
    }
}

#[test]
fn hundredths_format_the_chinese_way() {
    let cases: &[(i64, &str)] = &[
        (0, "0.00"),
        (5, "0.05"),
        (100, "1.00"),
        (107844000, "1,078,440.00"),
        (-123456, "-1,234.56"),
        (100000000, "1,000,000.00"),
    ];
    for (v, want) in cases {
        assert_eq!(units::format_hundredths(*v), *want);
    }
    assert_eq!(units::format_yuan(12345), "123.45 元");
    assert_eq!(units::format_m2(5421637), "54,216.37 m²");
}

#[test]
fn tags_split_on_ascii_and_full_width_separators() {
    let cases: &[(&str, &[&str])] = &[
        ("低保,高龄", &["低保", "高龄"]),
        ("低保\u{ff0c}高龄", &["低保", "高龄"]),
        ("低保、高龄;残疾\u{ff1b}大病", &["低保", "高龄", "残疾", "大病"]),
        (" 低保 ,, 低保 ", &["低保"]),
        ("", &[]),
    ];
    for (text, want) in cases {
        assert_eq!(
            jingdi::household::split_tags(text),
            want.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "{text}"
        );
    }
}
