//! The `jingdi` binary as scripts use it: real processes on real database files.

use serde_json::Value;
use std::process::{Command, Output};

/// A `jingdi` command on a database file of its own (shared by the CLI tests of every module).
pub(crate) struct Cli {
    pub dir: tempfile::TempDir,
    pub db: std::path::PathBuf,
}

impl Cli {
    pub fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("cli.db");
        Cli { dir, db }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(&[], args)
    }

    /// A command with more of the environment set (`JINGDI_LIBHEIF`, say).
    pub fn run_with(&self, env: &[(&str, &str)], args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_jingdi"))
            .arg("--db")
            .arg(&self.db)
            .args(args)
            .env("JINGDI_AUTHOR", "脚本测试")
            .env("JINGDI_HOME", self.dir.path().join("home"))
            .env_remove("JINGDI_DB")
            .envs(env.iter().copied())
            .output()
            .unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    }

    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        serde_json::from_str(&self.ok(&a)).unwrap()
    }

    /// Runs a command that must be refused: exit code, stderr.
    pub fn refused(&self, args: &[&str]) -> (i32, String) {
        let o = self.run(args);
        assert!(!o.status.success(), "{args:?} should fail");
        (o.status.code().unwrap(), String::from_utf8(o.stderr).unwrap())
    }

    pub fn dump(&self) -> String {
        self.ok(&["dump"])
    }
}

#[test]
fn demo_then_summary_and_clearance() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let s = c.json(&["summary"]);
    assert_eq!(s["households_total"], 120);
    assert_eq!(s["households_signed"], 120);
    assert_eq!(s["signing_rate"], 1.0);
    assert!(s["signed_area_m2"].as_f64().unwrap() > 54_000.0);
    assert_eq!(s["as_of"], "2022-08-15");
    let text = c.ok(&["summary", "--project", "DX4"]);
    assert!(text.contains("总户数 120，已签约 120，签约率 100.0%"), "{text}");
    let list = c.json(&["clearance"]);
    let kinds: Vec<&str> = list.as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    for k in ["household_not_demolished", "unpaid_compensation", "pole_not_relocated", "open_obstacle"] {
        assert!(kinds.contains(&k), "{k} in {kinds:?}");
    }
    let text = c.ok(&["clearance"]);
    assert!(text.contains("青苗") && text.contains("电力杆"), "{text}");
    // A second demo is refused.
    let (code, err) = c.refused(&["demo"]);
    assert_eq!(code, 1);
    assert!(err.contains("DX4"), "{err}");
}

#[test]
fn scripted_writes_by_household_number() {
    let c = Cli::new();
    c.ok(&["demo"]);
    // Pay a household's vegetable compensation, the report's bottleneck.
    let list = c.json(&["clearance"]);
    let crop = list.as_array().unwrap().iter().find(|i| i["kind"] == "unpaid_compensation").unwrap().clone();
    let no = crop["household_no"].as_str().unwrap();
    // One item per surveyed line (vegetables, fruit trees, ...): pay each, by its label.
    let labels: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["kind"] == "unpaid_compensation"
                && i["household_no"] == no
                && i["detail"].as_str().unwrap().starts_with("地上附着物")
        })
        .map(|i| i["title"].as_str().unwrap().split_once("：").unwrap().1.to_string())
        .collect();
    assert!(!labels.is_empty());
    for (k, label) in labels.iter().enumerate() {
        c.ok(&[
            "payment",
            "record",
            "--household",
            no,
            "--kind",
            "crops",
            "--label",
            label,
            "--on",
            "2022-08-16",
            "--voucher",
            &format!("QM-{k}"),
        ]);
    }
    let after = c.json(&["clearance"]);
    assert!(!after.as_array().unwrap().iter().any(|i| i["id"] == crop["id"]));
    // The blocking obstacle is then resolved and the household demolished.
    c.ok(&[
        "obstacle",
        "resolve",
        &format!("{no} 户房前屋后"),
        "--resolution",
        "青苗补偿款已发放",
        "--on",
        "2022-08-16",
    ]);
    c.ok(&["stage", "set", "--household", no, "--to", "已拆除", "--on", "2022-08-17"]);
    let h = c.json(&["household", "show", "--household", no]);
    assert_eq!(h["household"]["stage"], "demolished");
    // A visit, a phone number, a pole, a demolition day, the checklist.
    c.ok(&[
        "visit",
        "add",
        "--household",
        "DX4-001",
        "--kind",
        "电话",
        "--outcome",
        "询问安置房进度",
        "--concerns",
        "安置房源",
        "--follow-up",
        "2099-01-01",
    ]);
    c.ok(&["household", "set", "--household", "DX4-001", "phone", "13900001111"]);
    c.ok(&["pole", "relocated", "--label", "DL-01", "--on", "2022-08-16"]);
    c.ok(&["pole", "relabel", "--label", "DL-04", "--to", "DL-04-2", "--reason", "与另一台电脑重号"]);
    c.ok(&["demolition", "log", "--date", "2022-08-17", "--machines", "6", "--workers", "20", "--households", no]);
    c.ok(&["checklist", "done", "debris", "--on", "2022-08-17"]);
    let poles = c.json(&["pole", "list"]);
    assert_eq!(poles[0]["status"], "relocated");
    assert!(poles.as_array().unwrap().iter().any(|p| p["label"] == "DL-04-2"));
    // The log shows each change with its author.
    let log = c.json(&["log", "--entity", "DX4-001"]);
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["author"], "脚本测试");
    assert_eq!(last["fields"]["phone"], "13900001111");
    assert!(log
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["entity"] == "visit" && e["fields"]["outcome"] == "询问安置房进度"));
    let g = c.json(&["group", "rename", "--name", "第三组", "--to", "第三组（东片）", "--reason", "与另一台电脑重名"]);
    assert_eq!(g["name"], "第三组（东片）");
    assert!(c.json(&["group", "list"]).as_array().unwrap().iter().any(|g| g["name"] == "第三组（东片）"));
    let v = c.json(&["verify"]);
    assert_eq!(v["consistent"], true);
}

#[test]
fn stage_names_in_english_or_chinese() {
    let c = Cli::new();
    c.ok(&["project-add", "--code", "P1", "--name", "试点地块", "--opens", "2024-01-01", "--deadline", "2024-01-31"]);
    c.ok(&["group", "add", "--name", "一组", "--leader", "组长甲"]);
    c.ok(&["household", "add", "--number", "1", "--head", "张三", "--group", "一组", "--floor-area", "120.5"]);
    c.ok(&["stage", "set", "--household", "1", "--to", "assessed", "--on", "2024-01-02"]);
    c.ok(&["stage", "set", "--household", "1", "--to", "协商中", "--on", "2024-01-03"]);
    let (code, err) = c.refused(&["stage", "set", "--household", "1", "--to", "signed", "--on", "2024-01-04"]);
    assert_eq!(code, 1);
    assert!(err.contains("rule.stage.signing_needs_agreement") && err.contains("协议编号"), "{err}");
    c.ok(&[
        "household",
        "agreement",
        "--household",
        "1",
        "--number",
        "XY-1",
        "--date",
        "2024-01-04",
        "--mode",
        "货币补偿",
        "--area",
        "120.50",
    ]);
    c.ok(&["stage", "set", "--household", "1", "--to", "signed", "--on", "2024-01-04"]);
    let s = c.json(&["summary", "--as-of", "2024-01-10"]);
    assert_eq!(s["households_signed"], 1);
    assert_eq!(s["signed_area_m2"], 120.5);
    assert_eq!(s["days_left"], 21);
}

#[test]
fn bad_input_is_refused_clearly_and_changes_nothing() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let before = c.dump();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["stage", "set", "--household", "DX4-001", "--to", "demolished"], 1, "rule.stage.unchanged"),
        (&["stage", "set", "--household", "DX4-999", "--to", "signed"], 1, "DX4-999"),
        (&["stage", "set", "--household", "DX4-001", "--to", "flying"], 1, "invalid_field.stage"),
        (&["stage", "set", "--household", "DX4-001", "--to", "已签约"], 1, "rule.stage.revert_needs_reason"),
        (&["household", "set", "--household", "DX4-001", "agreement_no", "X"], 1, "rule.agreement.locked"),
        (&["household", "set", "--household", "DX4-001", "id_number", "350503199001011235"], 1, "校验位"),
        (&["visit", "add", "--household", "DX4-001", "--follow-up", "2022-13-01", "--outcome", "x"], 1, "follow_up_on"),
        (&["summary", "--as-of", "yesterday"], 1, "as_of"),
        (&["summary", "--project", "NOPE"], 1, "NOPE"),
        (&["payment", "record", "--household", "DX4-001", "--kind", "house_value"], 1, "rule.compensation.paid_locked"),
        (&["pole", "relabel", "--label", "DL-01", "--to", "DL-09"], 1, "rule.pole.relabel_needs_reason"),
        (&["pole", "relabel", "--label", "DL-01", "--to", "DL-02", "--reason", "重号"], 1, "DL-02"),
        (&["group", "rename", "--name", "第一组", "--to", "东组"], 1, "rule.group.rename_needs_reason"),
        (&["nonsense"], 2, "unrecognized subcommand"),
        (&["stage", "set", "--to", "signed"], 2, "--household"),
    ];
    for (args, code, needle) in cases {
        let (got, err) = c.refused(args);
        assert_eq!(got, *code, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: «{err}» should mention {needle}");
    }
    assert_eq!(c.dump(), before, "refused commands changed the database");
    // With --json the error is a {code, message} object.
    let o = c.run(&["stage", "set", "--household", "DX4-001", "--to", "signed", "--json"]);
    let e: Value = serde_json::from_slice(&o.stderr).unwrap();
    assert_eq!(e["code"], "rule.stage.revert_needs_reason");
    assert!(e["message"].as_str().unwrap().contains("原因"));
}

#[test]
fn refuses_a_newer_or_corrupt_database_file() {
    let c = Cli::new();
    std::fs::write(&c.db, b"this is not a database, just 50 bytes of junk....").unwrap();
    let (code, err) = c.refused(&["summary"]);
    assert_eq!(code, 1);
    assert!(err.contains("open_failed") && err.contains("cli.db"), "{err}");
    assert_eq!(std::fs::read(&c.db).unwrap(), b"this is not a database, just 50 bytes of junk....");
}

#[test]
fn no_author_no_change() {
    let c = Cli::new();
    c.ok(&["demo"]);
    let o = Command::new(env!("CARGO_BIN_EXE_jingdi"))
        .args(["--db", c.db.to_str().unwrap(), "household", "set", "--household", "DX4-001", "phone", "13900000000"])
        .env_remove("JINGDI_AUTHOR")
        .env_remove("USER")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid_field.author"));
    // A saved operator is then used.
    let o = Command::new(env!("CARGO_BIN_EXE_jingdi"))
        .args(["--db", c.db.to_str().unwrap(), "operator", "林组长"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = Command::new(env!("CARGO_BIN_EXE_jingdi"))
        .args(["--db", c.db.to_str().unwrap(), "household", "set", "--household", "DX4-001", "phone", "13900000000"])
        .env_remove("JINGDI_AUTHOR")
        .env_remove("USER")
        .output()
        .unwrap();
    assert!(o.status.success());
    let log = c.json(&["log", "--limit", "1"]);
    assert_eq!(log[0]["author"], "林组长");
}
