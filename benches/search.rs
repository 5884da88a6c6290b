//! Benchmark: the one search box at district scale — 20,000 households in 10 projects of
//! 2,000 (real-looking names from the common surnames and given names, ID numbers, phones,
//! addresses, agreement numbers) — every kind of query, median of 30 runs each.
//! Run with `cargo bench --bench search`; figures go to BENCHMARKS.md. The target is under
//! 30 ms a query.

use jingdi::household::NewHousehold;
use jingdi::project::NewProject;
use jingdi::vocab::ProjectStatus;
use jingdi::Db;
use std::time::Instant;

const PROJECTS: usize = 10;
const PER_PROJECT: usize = 2_000;
const RUNS: usize = 30;

const SURNAMES: &[&str] = &[
    "陈", "林", "黄", "王", "李", "张", "吴", "蔡", "郑", "许", "洪", "苏", "庄", "杨", "施", "何", "曾", "柯", "单",
    "欧阳",
];
const GIVEN: &[&str] = &[
    "添丁", "国强", "丽华", "志明", "美玲", "建国", "秀英", "德福", "淑珍", "文彬", "金水", "春花", "明辉", "阿月",
    "天",
];

fn id_number(seq: usize) -> String {
    let first17 =
        format!("3505{:02}19{:02}{:02}{:02}{:03}", seq % 90 + 1, 40 + seq % 50, 1 + seq % 12, 1 + seq % 28, seq % 1000);
    format!("{first17}{}", jingdi::idcard::check_char(&first17).unwrap())
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut db = Db::open(dir.path().join("district.db")).unwrap();
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let t0 = Instant::now();
    for p in 0..PROJECTS {
        db.write("bench", |tx| {
            let pid = jingdi::project::create(
                tx,
                &NewProject {
                    code: format!("P{p:02}"),
                    name: format!("第{}号地块", p + 1),
                    city: "泉州市".into(),
                    district: "丰泽区".into(),
                    street: "城东街道".into(),
                    community: "".into(),
                    window_opens_on: d("2024-01-01"),
                    window_closes_on: d("2024-03-31"),
                    clearance_target: None,
                    status: ProjectStatus::Signing,
                    as_of: None,
                },
            )?;
            jingdi::project::add_group(tx, pid, "一组", None, &[])?;
            for i in 0..PER_PROJECT {
                let n = p * PER_PROJECT + i;
                let h = jingdi::household::register(
                    tx,
                    pid,
                    &NewHousehold {
                        number: format!("P{p:02}-{:04}", i + 1),
                        head_name: format!("{}{}", SURNAMES[n % SURNAMES.len()], GIVEN[(n / 7) % GIVEN.len()]),
                        id_number: Some(id_number(n)),
                        phone: format!("139{:08}", n * 7919 % 100_000_000),
                        address: format!("丰泽区城东街道{}社区{}号", ["东星", "西湖", "清源", "北峰"][n % 4], i + 1),
                        members_count: 3,
                        floor_area: 100_00,
                        structure: "砖混".into(),
                        group: "一组".into(),
                        ..Default::default()
                    },
                )?;
                if i % 2 == 0 {
                    jingdi::household::set(tx, h, "agreement_no", &format!("ZB〔2024〕{n:05}号"), None)?;
                }
            }
            Ok(())
        })
        .unwrap();
    }
    let households: i64 = db.conn().query_row("SELECT count(*) FROM households", [], |r| r.get(0)).unwrap();
    println!(
        "district: {households} households in {PROJECTS} projects, written in {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    let id = id_number(12_345);
    let queries: Vec<(&str, String)> = vec![
        ("拼音首字母 ktd", "ktd".into()),
        ("拼音首字母 2 letters (many hits)", "cg".into()),
        ("name 柯添丁", "柯添丁".into()),
        ("household number", "P07-1234".into()),
        ("ID whole", id.clone()),
        ("ID last 6", id[12..].to_string()),
        ("ID / phone last 4", id[14..].to_string()),
        ("phone whole", "13900086413".into()),
        ("address fragment", "清源社区18".into()),
        ("agreement number", "〔2024〕01234".into()),
        ("nothing found", "zzzzzz".into()),
    ];
    println!("{:<34} {:>6} {:>10} {:>10} {:>10}", "query", "hits", "median ms", "min ms", "max ms");
    for (what, q) in &queries {
        let mut times = Vec::with_capacity(RUNS);
        let mut hits = 0;
        for _ in 0..RUNS {
            let t = Instant::now();
            hits = jingdi::search::search(db.conn(), q, jingdi::search::DEFAULT_LIMIT).unwrap().len();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(|a, b| a.partial_cmp(b).unwrap());
        println!("{what:<34} {hits:>6} {:>10.2} {:>10.2} {:>10.2}", times[RUNS / 2], times[0], times[RUNS - 1]);
    }
}
