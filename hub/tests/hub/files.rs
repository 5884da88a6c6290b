//! Attachment files through the hub: after the operations, each laptop sends the files the
//! hub lacks and fetches the ones it lacks, by SHA-256; the hub keeps only bytes that hash to
//! their name, and refuses the rest with nothing stored.

use super::{count, fresh_db, token, Hub, Laptop};

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {text}\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

fn attach(l: &Laptop, name: &str, bytes: &[u8], household: &str) -> serde_json::Value {
    let path = l.dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let out = l.ok(&[
        "attachment",
        "add",
        path.to_str().unwrap(),
        "--household",
        household,
        "--kind",
        "协议扫描件",
        "--json",
    ]);
    serde_json::from_str::<serde_json::Value>(&out).unwrap()[0].clone()
}

fn saved(l: &Laptop, id: &str) -> Vec<u8> {
    let out = l.dir.path().join(format!("{id}.out"));
    l.ok(&["attachment", "save", id, "--out", out.to_str().unwrap()]);
    std::fs::read(out).unwrap()
}

fn missing(l: &Laptop) -> usize {
    serde_json::from_str::<serde_json::Value>(&l.ok(&["attachment", "missing", "--json"]))
        .unwrap()
        .as_array()
        .unwrap()
        .len()
}

fn request(method: &str, url: &str, token: &str, body: &[u8]) -> (u16, serde_json::Value) {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let auth = format!("Bearer {token}");
    let mut r = match method {
        "PUT" => agent.put(url).header("Authorization", &auth).send(body),
        "GET" => agent.get(url).header("Authorization", &auth).call(),
        _ => unreachable!(),
    }
    .unwrap();
    let status = r.status().as_u16();
    let bytes = r.body_mut().with_config().limit(1 << 30).read_to_vec().unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::String(String::from_utf8_lossy(&bytes).into())),
    )
}

#[test]
fn photos_and_scans_travel_through_the_hub_verified_both_ways() {
    let db = fresh_db("files");
    let hub = Hub::start(&db, "127.0.0.1:0");
    let code = "DX4";
    let (ta, tb, tother) = (token(&db, code, "甲"), token(&db, code, "乙"), token(&db, "P1", "别的项目"));
    let (a, b) = (Laptop::new(), Laptop::new());
    a.ok(&["demo"]);
    let (one, two) = (pdf("协议一"), pdf("评估报告"));
    let first = attach(&a, "协议.pdf", &one, "DX4-008");
    attach(&a, "评估.pdf", &two, "DX4-009");
    attach(&a, "协议副本.pdf", &one, "DX4-010"); // the same file twice: stored and sent once

    let report: serde_json::Value =
        serde_json::from_str(&a.ok(&["sync", "hub", &hub.url, "--token", &ta, "--json"])).unwrap();
    let files = &report[0]["files"];
    // The demo's own photos, and the two new files.
    let on_hub = count(&db, "SELECT count(*) FROM files");
    assert!(on_hub > 2);
    assert_eq!((files["sent"].as_i64(), files["received"].as_u64()), (Some(on_hub), Some(0)), "{report}");
    assert_eq!(a.sync()[0]["files"]["sent"].as_u64(), Some(0), "nothing twice");

    // A new laptop joins from the hub: operations, then the files, verified.
    let report: serde_json::Value =
        serde_json::from_str(&b.ok(&["sync", "hub", &hub.url, "--token", &tb, "--json"])).unwrap();
    assert_eq!(report[0]["files"]["received"].as_i64(), Some(on_hub), "{report}");
    assert_eq!(missing(&b), 0);
    assert_eq!(saved(&b, first["id"].as_str().unwrap()), one);
    // And back: a scan attached on b reaches a.
    let three = pdf("付款凭证");
    let third = attach(&b, "凭证.pdf", &three, "DX4-011");
    assert_eq!(b.sync()[0]["files"]["sent"].as_u64(), Some(1));
    assert_eq!(a.sync()[0]["files"]["received"].as_u64(), Some(1));
    assert_eq!(saved(&a, third["id"].as_str().unwrap()), three);
    assert_eq!(a.dump(), b.dump());

    // Refusals: nothing stored.
    let stored = count(&db, "SELECT count(*) FROM files");
    let url = |h: &str| format!("{}/v1/projects/{code}/files/{h}", hub.url);
    let other = pdf("别的内容");
    let named = jingdi::evidence::ContentHash::of(&pdf("名字"));
    let (s, e) = request("PUT", &url(named.as_str()), &ta, &other);
    assert_eq!((s, e["code"].as_str()), (400, Some("hub.hash_mismatch")), "{e}");
    let good = jingdi::evidence::ContentHash::of(&other);
    let (s, e) = request("PUT", &url(good.as_str()), &tother, &other);
    assert_eq!((s, e["code"].as_str()), (403, Some("hub.other_project_token")), "{e}");
    let (s, e) = request("PUT", &url("../../etc/passwd"), &ta, &other);
    assert!(s == 400 || s == 404, "{s} {e}");
    let (s, e) = request("GET", &url(good.as_str()), &ta, b"");
    assert_eq!((s, e["code"].as_str()), (404, Some("hub.no_such_file")), "{e}");
    let huge = vec![0u8; jingdi::evidence::sniff::MAX_FILE_BYTES as usize + 1];
    let (s, e) = request("PUT", &url(jingdi::evidence::ContentHash::of(&huge).as_str()), &ta, &huge);
    assert_eq!((s, e["code"].as_str()), (413, Some("hub.too_large")), "{e}");
    assert_eq!(count(&db, "SELECT count(*) FROM files"), stored);
    // What the hub serves is what was sent.
    let (s, body) = request("GET", &url(jingdi::evidence::ContentHash::of(&two).as_str()), &tb, b"");
    assert_eq!(s, 200);
    assert_eq!(body.as_str().map(|t| t.as_bytes().to_vec()), Some(two));
}
