//! `jingdi-hub-load`: a bounded load test of a hub on loopback. N simulated laptops each push
//! M operations (copies of a visit from a template project, so a real laptop can later join
//! and merge everything) and then pull everyone else's, concurrently. Prints throughput,
//! p50/p99 latency of push and pull requests, and PostgreSQL bytes per stored operation.
//!
//! The template must be a project without admissions (the hub refuses devices a closed project
//! has not admitted, as laptops do): e.g. a project made with `project-add`, `group add`,
//! `household add`, `visit add`, exported with `sync export --full` (BENCHMARKS.md).
//! jingdi-hub-load --url http://127.0.0.1:8787 --admin-token jdh_… --template /tmp/t.jdb \
//!     --database-url postgresql://… --laptops 100 --ops 5000

use clap::Parser;
use jingdi::oplog::{signing, Entity, Op};
use jingdi::sync::bundle;
use jingdi::sync::hub::{HubProject, PullReply, PullRequest, PushReply};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use uuid::Uuid;

#[derive(Parser)]
struct Args {
    #[arg(long)]
    url: String,
    #[arg(long)]
    admin_token: String,
    /// A full bundle of the project the laptops work on (its visits are copied)
    #[arg(long)]
    template: std::path::PathBuf,
    #[arg(long, default_value = "")]
    database_url: String,
    #[arg(long, default_value_t = 100)]
    laptops: usize,
    #[arg(long, default_value_t = 5000)]
    ops: usize,
    /// Stop pulling after this many seconds (the run is bounded)
    #[arg(long, default_value_t = 600)]
    max_seconds: u64,
    /// Only push (to build a big district for a join measurement)
    #[arg(long)]
    push_only: bool,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(true)
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into()
}

fn post<T: serde::de::DeserializeOwned>(a: &ureq::Agent, url: &str, token: &str, ct: &str, body: &[u8]) -> T {
    let mut r = a
        .post(url)
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", ct)
        .send(body)
        .unwrap_or_else(|e| panic!("{url}: {e}"));
    serde_json::from_slice(&r.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap()).unwrap()
}

fn issue(a: &ureq::Agent, args: &Args, code: &str, name: &str) -> String {
    let v: serde_json::Value = post(
        a,
        &format!("{}/v1/admin/tokens", args.url),
        &args.admin_token,
        "application/json",
        serde_json::json!({"project_code": code, "name": name}).to_string().as_bytes(),
    );
    v["token"].as_str().unwrap().to_string()
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let args = Args::parse();
    let a = agent();
    let template = bundle::read(&args.template).expect("template bundle");
    let code = template.header.project_code.clone();
    let visit = template.ops.iter().find(|o| o.entity == Entity::Visit).expect("the template has a visit").clone();
    // The project itself first, as its first laptop would.
    let t0 = issue(&a, &args, &code, "load-base");
    let base: PushReply = post(
        &a,
        &format!("{}/v1/projects/{code}/push", args.url),
        &t0,
        "application/octet-stream",
        &bundle::encode(template.header.clone(), &template.ops),
    );
    let base_marks = base.marks.clone();
    let tokens: Vec<String> = (0..args.laptops).map(|i| issue(&a, &args, &code, &format!("load-{i}"))).collect();
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.max_seconds);
    let results: Vec<(Vec<f64>, Vec<f64>, usize, f64)> = std::thread::scope(|s| {
        let hs: Vec<_> = tokens
            .iter()
            .map(|token| {
                let (args, visit, header, base_marks) = (&args, &visit, &template.header, &base_marks);
                s.spawn(move || {
                    let a = agent();
                    let device = Uuid::now_v7();
                    // Signed and chained as a real laptop's: the hub verifies every operation.
                    let key = signing::generate();
                    let now = chrono::Utc::now().timestamp_millis() << 16;
                    let mut ops: Vec<Op> = Vec::with_capacity(args.ops);
                    for seq in 1..=args.ops as i64 {
                        let mut o = visit.clone();
                        o.id = Uuid::now_v7();
                        o.entity_id = Uuid::now_v7();
                        o.device_id = device;
                        o.seq = seq;
                        o.hlc = now + seq;
                        o.context = BTreeMap::new();
                        o.prev = ops.last().map(signing::hash);
                        signing::sign(&key, &mut o);
                        ops.push(o);
                    }
                    let mut push_ms = Vec::new();
                    for chunk in ops.chunks(jingdi::sync::hub::PUSH_OPS) {
                        let mut h = header.clone();
                        h.sender_device = device;
                        h.full = false;
                        h.keys = BTreeMap::from([(device, signing::public_hex(&key))]);
                        let body = bundle::encode(h, chunk);
                        let t = Instant::now();
                        let _: PushReply = post(
                            &a,
                            &format!("{}/v1/projects/{}/push", args.url, header.project_code),
                            token,
                            "application/octet-stream",
                            &body,
                        );
                        push_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    let pushed_at = start.elapsed().as_secs_f64();
                    let mut pull_ms = Vec::new();
                    let mut pulled = 0;
                    if !args.push_only {
                        // Pull until every other laptop's operations are here (or time is up).
                        let mut have = base_marks.clone();
                        have.insert(device, args.ops as i64);
                        let want = args.ops * args.laptops;
                        while have.values().sum::<i64>() - base_marks.values().sum::<i64>() < want as i64
                            && Instant::now() < deadline
                        {
                            let req = PullRequest { have: have.clone(), limit: jingdi::sync::hub::PULL_OPS };
                            let t = Instant::now();
                            let page: PullReply = post(
                                &a,
                                &format!("{}/v1/projects/{}/pull", args.url, header.project_code),
                                token,
                                "application/json",
                                &serde_json::to_vec(&req).unwrap(),
                            );
                            pull_ms.push(t.elapsed().as_secs_f64() * 1000.0);
                            if page.ops.is_empty() {
                                std::thread::sleep(Duration::from_millis(200));
                            }
                            for o in &page.ops {
                                have.insert(o.device_id, o.seq);
                            }
                            pulled += page.ops.len();
                        }
                    }
                    (push_ms, pull_ms, pulled, pushed_at)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let wall = start.elapsed().as_secs_f64();
    let mut push: Vec<f64> = results.iter().flat_map(|r| r.0.clone()).collect();
    let mut pull: Vec<f64> = results.iter().flat_map(|r| r.1.clone()).collect();
    let pulled: usize = results.iter().map(|r| r.2).sum();
    let push_done = results.iter().map(|r| r.3).fold(0.0, f64::max);
    let pushed = args.laptops * args.ops;
    println!(
        "laptops {} x ops {} = {pushed} operations pushed in {push_done:.1} s ({:.0} ops/s)",
        args.laptops,
        args.ops,
        pushed as f64 / push_done
    );
    println!("push requests {}: p50 {:.0} ms, p99 {:.0} ms", push.len(), pct(&mut push, 0.5), pct(&mut push, 0.99));
    if !args.push_only {
        println!(
            "pulled {pulled} operations in {wall:.1} s overall ({:.0} ops/s); pull requests {}: p50 {:.0} ms, p99 {:.0} ms",
            pulled as f64 / wall,
            pull.len(),
            pct(&mut pull, 0.5),
            pct(&mut pull, 0.99)
        );
    }
    if !args.database_url.is_empty() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let (c, conn) = tokio_postgres::connect(&args.database_url, tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(conn);
            let r = c
                .query_one("SELECT pg_total_relation_size('ops')::int8, (SELECT count(*) FROM ops)::int8", &[])
                .await
                .unwrap();
            let (bytes, n): (i64, i64) = (r.get(0), r.get(1));
            println!(
                "PostgreSQL: {n} operations, ops table with indexes {} MB, {} bytes per operation",
                bytes >> 20,
                bytes / n.max(1)
            );
        });
    }
    let m: HubProject = serde_json::from_slice(
        &a.get(format!("{}/v1/projects/{code}/marks", args.url))
            .header("Authorization", format!("Bearer {}", args.admin_token))
            .call()
            .unwrap()
            .body_mut()
            .read_to_vec()
            .unwrap(),
    )
    .unwrap();
    println!("hub marks: {} devices, {} operations", m.marks.len(), m.marks.values().sum::<i64>());
}
