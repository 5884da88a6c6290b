//! The per-household paper (.docx) read back: the settlement sheet's figures and 大写 equal
//! `jingdi compensation show --json`; a group's batch has a page per household.

use crate::cli::Cli;
use jingdi::units::format_hundredths;
use std::io::Read;
use std::path::Path;

fn document_xml(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    z.by_name("word/document.xml").unwrap().read_to_string(&mut s).unwrap();
    s
}

/// The text of every `<w:t>` in `xml`, concatenated.
fn text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<w:t") {
        let after = &rest[i..];
        let open_end = after.find('>').unwrap();
        if after[..open_end].ends_with('/') || !(after[4..].starts_with('>') || after[4..].starts_with(' ')) {
            rest = &after[open_end + 1..];
            continue;
        }
        let body = &after[open_end + 1..];
        let close = body.find("</w:t>").unwrap();
        out.push_str(&body[..close].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"));
        rest = &body[close..];
    }
    out
}

/// Rows of the document's tables, each a list of cell texts.
fn table_rows(xml: &str) -> Vec<Vec<String>> {
    xml.split("<w:tr>").skip(1).map(|tr| tr.split("<w:tc>").skip(1).map(text).collect()).collect()
}

#[test]
fn settlement_sheet_read_back_equals_compensation_show() {
    let c = Cli::new();
    c.ok(&["demo"]);
    for no in ["DX4-003", "DX4-016", "DX4-024", "DX4-057", "DX4-101"] {
        let out = c.dir.path().join(format!("结算单-{no}.docx"));
        c.ok(&["export", "settlement", "--household", no, "--out", out.to_str().unwrap()]);
        let xml = document_xml(&out);
        let all = text(&xml);
        let sheet = c.json(&["compensation", "show", no]);
        let items = sheet["items"].as_array().unwrap();
        assert!(!items.is_empty(), "{no}");
        let rows = table_rows(&xml);
        assert_eq!(rows.len(), items.len() + 2, "{no}: header, one row per item，合计");
        for (i, item) in items.iter().enumerate() {
            let row = &rows[i + 1];
            assert_eq!(row[0], (i + 1).to_string());
            assert_eq!(row[3], format_hundredths(item["amount"].as_i64().unwrap()), "{no} item {i}");
            assert!(row[1].starts_with(
                &jingdi::vocab::CompensationKind::parse(item["kind"].as_str().unwrap()).unwrap().zh().to_string()
            ));
            let formula = item["formula"].as_str().unwrap();
            if !formula.is_empty() {
                assert!(row[2].starts_with(formula), "{no}: {} / {formula}", row[2]);
            }
        }
        let total = sheet["totals"]["total_fen"].as_i64().unwrap();
        assert_eq!(rows.last().unwrap()[3], format_hundredths(total));
        assert!(all.contains(&format!("合计金额（小写）：¥{}", format_hundredths(total))), "{no}");
        let capitals = sheet["totals"]["total_capitals"].as_str().unwrap();
        assert!(all.contains(&format!("合计金额（大写）：{capitals}")), "{no}");
        let version = sheet["standard_version"].as_i64().unwrap();
        assert!(all.contains(&format!("第 {version} 版")));
        for signer in ["被征收人（签字）", "征收工作组经办人（签字）", "财务审核人（签字）"]
        {
            assert!(all.contains(signer), "{signer}");
        }
        // A4 portrait, the fonts offices use.
        assert!(xml.contains("w:w=\"11906\"") && xml.contains("w:h=\"16838\""));
        assert!(xml.contains("黑体") && xml.contains("宋体"));
    }
}

#[test]
fn notice_visit_record_and_a_whole_group_in_one_file() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let h = &c.json(&["household", "show", "--household", "DX4-024"])["household"];
    let name = h["head_name"].as_str().unwrap().to_string();
    let group = h["group_name"].as_str().unwrap().to_string();
    let notice = c.dir.path().join("告知书.docx");
    c.ok(&["export", "notice", "--household", "DX4-024", "--out", notice.to_str().unwrap()]);
    let t = text(&document_xml(&notice));
    let capitals =
        c.json(&["compensation", "show", "DX4-024"])["totals"]["total_capitals"].as_str().unwrap().to_string();
    assert!(
        t.contains("房屋征收补偿告知书") && t.contains(&format!("{name}（户号 DX4-024）")) && t.contains(&capitals)
    );

    let record = c.dir.path().join("走访.docx");
    c.ok(&["export", "visit-record", "--household", "DX4-024", "--out", record.to_str().unwrap()]);
    let visits = c.json(&["visit", "list", "--household", "DX4-024"]);
    let rows = table_rows(&document_xml(&record));
    assert_eq!(rows.len(), visits.as_array().unwrap().len().max(1) + 1);

    let batch = c.dir.path().join("整组结算单.docx");
    let r = c.json(&["export", "settlement", "--group", &group, "--out", batch.to_str().unwrap()]);
    let members: Vec<serde_json::Value> = c
        .json(&["household", "list"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["group_name"] == group.as_str())
        .cloned()
        .collect();
    assert_eq!(r["rows"].as_u64().unwrap() as usize, members.len());
    let xml = document_xml(&batch);
    assert_eq!(xml.matches("w:type=\"page\"").count(), members.len() - 1, "a page per household");
    let t = text(&xml);
    for m in &members {
        assert!(t.contains(&format!("户号：{}", m["number"].as_str().unwrap())));
    }
    // Neither a household nor a group, or an unknown one: refused, nothing written.
    let nothing = c.dir.path().join("none.docx");
    let (_, e) = c.refused(&["export", "settlement", "--out", nothing.to_str().unwrap()]);
    assert!(e.contains("--household"), "{e}");
    let (_, e) = c.refused(&["export", "notice", "--group", "第九组", "--out", nothing.to_str().unwrap()]);
    assert!(e.contains("第九组"), "{e}");
    let (_, e) = c.refused(&[
        "export",
        "settlement",
        "--household",
        "DX4-024",
        "--format",
        "xlsx",
        "--out",
        nothing.to_str().unwrap(),
    ]);
    assert!(e.contains("invalid_field.format"), "{e}");
    assert!(!nothing.exists());
}
