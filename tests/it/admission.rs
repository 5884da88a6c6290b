//! Laptops admitted to a project, and roles: each laptop has an installation of its own
//! (its own device key; the 指挥部's holds the project key). Refusals name the device and
//! change nothing, locally and at merge.

use crate::sync::{join, rewrite, send, visit};
use crate::{d, TestDb};
use jingdi::admission::{self, Admit, JoinRequest, Standing};
use jingdi::compensation;
use jingdi::oplog::{signing, Action, Entity, Fields};
use jingdi::sync::bundle::Bundle;
use jingdi::sync::{export, merge::import, Scope};
use jingdi::vocab::{CompensationKind, Role};
use jingdi::Db;

/// Gives the laptop an installation of its own (the tests' default home is shared): its
/// file writes as a new device from now on, under its own key.
fn own_home(mut t: TestDb) -> TestDb {
    let home = t.dir.path().join("home");
    t.db = Db::open_in(t.path(), &home).unwrap();
    t
}

fn request(t: &TestDb, name: &str) -> JoinRequest {
    let key = signing::public_hex(t.db.installation().unwrap().signing_key());
    JoinRequest::new(t.db.device_id(), key, name.into())
}

fn admit(office: &mut TestDb, laptop: &TestDb, name: &str, role: Role) {
    let r = request(laptop, name);
    let p = office.project;
    office.write(|tx| admission::admit(tx, p, &Admit { request: &r, role, name: None, valid_until: None })).unwrap();
}

/// Re-signs and re-chains the operations of one device in a bundle with its key, as that
/// device would have sent them had it written them.
fn resign_device(b: &mut Bundle, device: uuid::Uuid, key: &signing::SigningKey) {
    let mut idx: Vec<usize> = (0..b.ops.len()).filter(|&i| b.ops[i].device_id == device).collect();
    idx.sort_by_key(|&i| b.ops[i].seq);
    let mut prev: Option<String> = b.ops[idx[0]].prev.clone();
    for i in idx {
        let op = &mut b.ops[i];
        op.prev = prev.take();
        signing::sign(key, op);
        prev = Some(signing::hash(op));
    }
}

/// An office (指挥部) with a project of three households and an item of 1,000.00 元 on H1,
/// a 财务 laptop and a 组长 laptop, both admitted, both holding everything.
fn team() -> (TestDb, TestDb, TestDb, uuid::Uuid) {
    let mut office = own_home(TestDb::with_households(3));
    let h1 = office.household("H1").id;
    let item =
        office.write(|tx| compensation::add(tx, h1, CompensationKind::Relocation, "搬迁费", 1_000_00, "")).unwrap();
    let mut finance = own_home(join(&office));
    let mut leader = own_home(join(&office));
    admit(&mut office, &finance, "财务室", Role::Finance);
    admit(&mut office, &leader, "二组笔记本", Role::Field);
    send(&office, &mut finance);
    send(&office, &mut leader);
    (office, finance, leader, item)
}

#[test]
fn finance_pays_the_leader_cannot_and_a_forged_payment_is_refused_at_merge() {
    let (mut office, mut finance, mut leader, item) = team();
    // The 组长 laptop does field work, and cannot confirm or pay: refused, nothing changed.
    visit(&mut leader, "H2", "组长上门");
    let before = leader.snapshot();
    let e = leader.write(|tx| compensation::confirm(tx, item, d("2024-01-06"))).unwrap_err();
    assert_eq!(e.code(), "rule.role.forbidden", "{e}");
    assert!(e.to_string().contains("二组笔记本") && e.to_string().contains("财务"), "{e}");
    assert_eq!(leader.snapshot(), before);
    // Nor does the 财务 laptop do field work.
    let h3 = finance.household("H3").id;
    let e = finance
        .write(|tx| jingdi::visit::add(tx, h3, &jingdi::visit::NewVisit { outcome: "x".into(), ..Default::default() }))
        .unwrap_err();
    assert_eq!(e.code(), "rule.role.forbidden");
    // The 财务 laptop confirms; the 组长 laptop, holding the confirmation, still cannot pay.
    finance.write(|tx| compensation::confirm(tx, item, d("2024-01-06"))).unwrap();
    send(&finance, &mut leader);
    let before = leader.snapshot();
    let e = leader.write(|tx| compensation::pay(tx, item, d("2024-01-06"), "PZ-1")).unwrap_err();
    assert_eq!(e.code(), "rule.role.forbidden", "{e}");
    assert_eq!(leader.snapshot(), before);
    // The 财务 laptop pays; its bundle merges at the office.
    finance.write(|tx| compensation::pay(tx, item, d("2024-01-07"), "PZ-1")).unwrap();
    send(&finance, &mut office);
    let paid = |t: &TestDb| -> String {
        t.db.conn()
            .query_row("SELECT status FROM compensation_items WHERE id = ?1", [item.to_string()], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(paid(&office), "paid");

    // A payment forged into the 组长's bundle, signed and chained with the 组长's own key
    // (what a 组长 laptop with a modified program would send): refused by name at merge.
    let file = leader.dir.path().join("leader.jdb");
    export(&leader.db, &leader.project(), &file, Scope::Full).unwrap();
    let me = leader.db.device_id();
    let key = leader.db.installation().unwrap().signing_key().clone();
    let forged = rewrite(&file, "forged", |b| {
        let last = b.ops.iter().filter(|o| o.device_id == me).max_by_key(|o| o.seq).unwrap().clone();
        let mut pay = last.clone();
        pay.id = uuid::Uuid::now_v7();
        pay.seq = last.seq + 1;
        pay.hlc = last.hlc + 1;
        pay.entity = Entity::CompensationItem;
        pay.entity_id = item;
        pay.action = Action::Update;
        pay.fields = Fields::new().set("status", "paid").set("paid_on", "2024-01-08").set("voucher_no", "PZ-9");
        b.ops.push(pay);
        resign_device(b, me, &key);
    });
    let before = office.snapshot();
    let e = import(&mut office.db, &forged).unwrap_err();
    assert_eq!(e.code(), "rule.role.forbidden", "{e}");
    assert!(e.to_string().contains("二组笔记本") && e.to_string().contains("compensation_item"), "{e}");
    assert_eq!(office.snapshot(), before);
    // The 组长's real bundle merges.
    let r = import(&mut office.db, &file).unwrap();
    assert_eq!(r.visits, 1);
}

/// Every role may take a file of what it reads (a 督导 publishes the 阳光征迁 disclosure);
/// the export's record is written under the laptop's own admission and reaches the office.
#[test]
fn every_role_records_its_exports_and_the_office_sees_who_took_what() {
    let (mut office, mut finance, mut leader, _) = team();
    let mut supervisor = own_home(join(&office));
    admit(&mut office, &supervisor, "督导组", Role::Supervisor);
    send(&office, &mut supervisor);
    let none = jingdi::office::ExportOptions::default();
    for (t, kind, file) in [
        (&mut supervisor, jingdi::office::ExportKind::Disclosure, "公示.xlsx"),
        (&mut leader, jingdi::office::ExportKind::Ledger, "台账.xlsx"),
        (&mut finance, jingdi::office::ExportKind::Ledger, "财务台账.csv"),
    ] {
        let p = t.project();
        let path = t.dir.path().join(file);
        jingdi::office::export_recorded(&mut t.db, crate::AUTHOR, &p, kind, None, &path, &none).unwrap();
        assert!(path.exists(), "{file}");
    }
    for t in [&supervisor, &leader, &finance] {
        send(t, &mut office);
    }
    let mut q = office.db.conn().prepare("SELECT file_name FROM data_exports ORDER BY file_name").unwrap();
    let files: Vec<String> = q.query_map([], |r| r.get(0)).unwrap().map(|f| f.unwrap()).collect();
    assert_eq!(files, ["公示.xlsx", "台账.xlsx", "财务台账.csv"]);
}

#[test]
fn unadmitted_and_revoked_devices_are_refused_by_name() {
    let (mut office, _finance, mut leader, _) = team();
    // A laptop that took the project but was never admitted: refused locally ...
    let mut stranger = own_home(join(&office));
    let before = stranger.snapshot();
    let h1 = stranger.household("H1").id;
    let e = stranger
        .write(|tx| jingdi::visit::add(tx, h1, &jingdi::visit::NewVisit { outcome: "x".into(), ..Default::default() }))
        .unwrap_err();
    assert_eq!(e.code(), "rule.role.not_admitted", "{e}");
    assert_eq!(stranger.snapshot(), before);
    // ... and at merge: its operations signed with its own key, as a modified program would.
    let file = stranger.dir.path().join("s.jdb");
    export(&stranger.db, &stranger.project(), &file, Scope::Full).unwrap();
    let me = stranger.db.device_id();
    let key = stranger.db.installation().unwrap().signing_key().clone();
    let forged = rewrite(&file, "stranger", |b| {
        let mut v = b.ops.iter().find(|o| o.entity == Entity::Household).unwrap().clone();
        v.id = uuid::Uuid::now_v7();
        v.device_id = me;
        v.seq = 1;
        v.prev = None;
        v.context = Default::default();
        v.action = Action::Update;
        v.fields = Fields::new().set("phone", "13900000000");
        b.ops.push(v);
        b.header.keys.insert(me, signing::public_hex(&key));
        resign_device(b, me, &key);
    });
    let before = office.snapshot();
    let e = import(&mut office.db, &forged).unwrap_err();
    assert_eq!(e.code(), "bundle.not_admitted", "{e}");
    assert!(e.to_string().contains(&admission::short(me)), "{e}");
    assert_eq!(office.snapshot(), before);

    // Revoked: what the office held of the 组长 before the revocation stays; anything after
    // is refused, by the device's name, at merge; and locally once the revocation arrives.
    visit(&mut leader, "H1", "撤销前");
    send(&leader, &mut office);
    let (p, dev) = (office.project, leader.db.device_id());
    office.write(|tx| admission::revoke(tx, p, dev, "电脑遗失")).unwrap();
    visit(&mut leader, "H2", "撤销后（组长尚不知情）");
    let file = leader.dir.path().join("after.jdb");
    export(&leader.db, &leader.project(), &file, Scope::Full).unwrap();
    let before = office.snapshot();
    let e = import(&mut office.db, &file).unwrap_err();
    assert_eq!(e.code(), "bundle.revoked", "{e}");
    assert!(e.to_string().contains("二组笔记本") && e.to_string().contains("电脑遗失"), "{e}");
    assert_eq!(office.snapshot(), before);
    // The 组长 laptop learns of the revocation from the office; its next write is refused.
    let file = office.dir.path().join("office.jdb");
    export(&office.db, &office.project(), &file, Scope::Full).unwrap();
    import(&mut leader.db, &file).unwrap();
    let before = leader.snapshot();
    let h3 = leader.household("H3").id;
    let e = leader
        .write(|tx| jingdi::visit::add(tx, h3, &jingdi::visit::NewVisit { outcome: "x".into(), ..Default::default() }))
        .unwrap_err();
    assert_eq!(e.code(), "rule.role.revoked", "{e}");
    assert_eq!(leader.snapshot(), before);
}

#[test]
fn only_the_project_key_admits() {
    let (mut office, _finance, mut leader, _) = team();
    // The 组长 laptop holds no project key: it cannot admit (itself or anyone).
    let r = request(&leader, "自封指挥部");
    let p = leader.project;
    let before = leader.snapshot();
    let e = leader
        .write(|tx| admission::admit(tx, p, &Admit { request: &r, role: Role::Command, name: None, valid_until: None }))
        .unwrap_err();
    assert_eq!(e.code(), "rule.role.not_owner", "{e}");
    assert_eq!(leader.snapshot(), before);
    // An admission forged in its bundle (signed with its own key) is refused at merge.
    let file = leader.dir.path().join("l.jdb");
    visit(&mut leader, "H1", "x");
    export(&leader.db, &leader.project(), &file, Scope::Full).unwrap();
    let me = leader.db.device_id();
    let key = leader.db.installation().unwrap().signing_key().clone();
    let forged = rewrite(&file, "self-admitted", |b| {
        let mine = b.ops.iter().filter(|o| o.device_id == me).max_by_key(|o| o.seq).unwrap().clone();
        let member =
            b.ops.iter().find(|o| o.entity == Entity::Member && o.fields.0["device_id"] == me.to_string()).unwrap();
        let mut op = mine.clone();
        op.id = uuid::Uuid::now_v7();
        op.seq = mine.seq + 1;
        op.hlc = mine.hlc + 1;
        op.entity = Entity::Member;
        op.entity_id = member.entity_id;
        op.action = Action::Update;
        op.fields = member.fields.clone().set("role", "command").set("signature", signing::sign_bytes(&key, b"x"));
        b.ops.push(op);
        resign_device(b, me, &key);
    });
    let before = office.snapshot();
    let e = import(&mut office.db, &forged).unwrap_err();
    assert_eq!(e.code(), "bundle.bad_admission", "{e}");
    assert_eq!(office.snapshot(), before);
}

#[test]
fn the_demo_is_closed_with_its_public_key_and_every_laptop_writes_as_its_command() {
    let mut t = TestDb::demo();
    let p = t.project;
    let demo_device = jingdi::demo::DEVICE;
    match admission::standing(t.db.conn(), p, demo_device).unwrap() {
        Standing::Closed { member: Some(m), .. } => assert_eq!(m.role, Role::Command),
        other => panic!("the demo's device is admitted: {other:?}"),
    }
    // Anyone can sign with the demo's key: every laptop is its 指挥部 without an admission
    // (nothing is added to the log) ...
    visit(&mut t, "DX4-001", "演示走访");
    let view = admission::view(&t.db, &t.project()).unwrap();
    assert!(view.closed && view.owner_here);
    assert_eq!(view.my_role, Some(Role::Command));
    assert_eq!(view.members.len(), 1);
    // ... unless admitted with another role, to try the roles out.
    let me = request(&t, "演示财务");
    t.write(|tx| admission::admit(tx, p, &Admit { request: &me, role: Role::Finance, name: None, valid_until: None }))
        .unwrap();
    let (before, h2) = (t.snapshot(), t.household("DX4-002").id);
    let e = t.write(|tx| jingdi::household::set(tx, h2, "phone", "13912345678", None)).unwrap_err();
    assert_eq!(e.code(), "rule.role.forbidden", "{e}");
    assert_eq!(t.snapshot(), before);
    // A project from before admissions, or never closed, is open: every device writes.
    let open = TestDb::with_households(1);
    let v = admission::view(&open.db, &open.project()).unwrap();
    assert!(!v.closed && v.members.is_empty() && v.my_role.is_none());
}

#[test]
fn the_roles_table_covers_every_entity() {
    // Every entity but the project key's own records has a row, or is 指挥部's alone (listed).
    let command_only = ["project", "staff", "work_group", "compensation_standard", "map_feature", "member"];
    for spec in jingdi::schema::ENTITIES {
        let has = admission::GRANTS.iter().any(|(e, _, _)| *e == spec.id);
        assert!(has || command_only.contains(&spec.id), "{} has no row in admission::GRANTS", spec.id);
        for (e, f, _) in admission::GRANTS.iter().filter(|(e, _, _)| *e == spec.id) {
            let field = f.split('=').next().unwrap();
            assert!(field == "*" || spec.field(field).is_some(), "GRANTS names {e}.{field}, not declared");
        }
    }
}

#[test]
fn cli_join_request_admit_members_revoke() {
    let office = crate::cli::Cli::new();
    office.ok(&[
        "project-add",
        "--code",
        "P1",
        "--name",
        "测试地块",
        "--opens",
        "2026-01-01",
        "--deadline",
        "2026-12-31",
    ]);
    assert_eq!(office.json(&["project", "members"])["closed"], false);
    let laptop = crate::cli::Cli::new();
    let req = laptop.dir.path().join("req.json");
    let code = laptop.json(&["project", "join-request", "--name", "财务笔记本", "--out", req.to_str().unwrap()]);
    let code = code["code"].as_str().unwrap().to_string();
    // A code typed wrong is refused before anything is written.
    let before = office.dump();
    let mut typo = code.clone();
    typo.replace_range(10..11, if &code[10..11] == "0" { "1" } else { "0" });
    let (_, err) = office.refused(&["project", "admit", &typo, "--role", "财务"]);
    assert!(err.contains("invalid_field.request"), "{err}");
    assert_eq!(office.dump(), before);
    office.ok(&["project", "admit", req.to_str().unwrap(), "--role", "财务", "--until", "2099-12-31"]);
    let v = office.json(&["project", "members"]);
    assert_eq!(v["closed"], true);
    assert_eq!(v["owner_here"], true);
    let ms = v["members"].as_array().unwrap();
    assert_eq!(ms.len(), 2);
    let fin = ms.iter().find(|m| m["name"] == "财务笔记本").unwrap();
    assert_eq!((fin["role"].as_str(), fin["valid_until"].as_str()), (Some("finance"), Some("2099-12-31")));
    let (_, err) = office.refused(&["project", "revoke", "财务笔记本", "--reason", " "]);
    assert!(err.contains("rule.role.revoke_needs_reason"), "{err}");
    office.ok(&["project", "revoke", "财务笔记本", "--reason", "人员调离"]);
    let v = office.json(&["project", "members"]);
    let fin = v["members"].as_array().unwrap().iter().find(|m| m["name"] == "财务笔记本").unwrap().clone();
    assert_eq!(fin["revoke_reason"], "人员调离");
    assert!(office.ok(&["project", "members"]).contains("已撤销"));
}

/// An operation `t`'s device would write next on its project, judged without writing it.
fn accepted(t: &TestDb, entity: Entity, fields: Fields) -> bool {
    let (conn, device, project) = (t.db.conn(), t.db.device_id(), t.project);
    let seq: i64 = conn
        .query_row("SELECT coalesce(max(seq), 0) + 1 FROM oplog WHERE device_id = ?1", [device.to_string()], |r| {
            r.get(0)
        })
        .unwrap();
    let op = jingdi::oplog::Op {
        id: uuid::Uuid::now_v7(),
        device_id: device,
        seq,
        hlc: 0,
        author: "测试".into(),
        project_id: Some(project),
        entity,
        entity_id: uuid::Uuid::now_v7(),
        action: Action::Update,
        fields,
        reason: None,
        recorded_at: chrono::Utc::now().to_rfc3339(),
        context: Default::default(),
        prev: None,
        sig: None,
    };
    let standing = admission::standing(conn, project, device).unwrap();
    admission::judge(&op, &standing).is_none()
}

fn caps(t: &TestDb) -> admission::Capabilities {
    jingdi::desk::capabilities(&t.db, t.project).unwrap()
}

/// A field of `entity` no row of `GRANTS` names: a write of it is a write of the record.
fn plain_field(entity: Entity) -> &'static str {
    let spec = entity.spec();
    spec.fields
        .iter()
        .map(|f| f.name)
        .find(|f| !admission::GRANTS.iter().any(|(e, g, _)| *e == spec.id && g.split('=').next() == Some(*f)))
        .unwrap()
}

#[test]
fn capabilities_say_what_the_core_accepts_for_every_role_and_entity() {
    let (mut office, mut finance, mut leader, _) = team();
    let mut supervisor = own_home(join(&office));
    let mut deputy = own_home(join(&office));
    admit(&mut office, &supervisor, "督导组", Role::Supervisor);
    admit(&mut office, &deputy, "副指挥", Role::Command);
    // One item of 1,000.00 元 per laptop, for each to try confirming.
    let mut items = Vec::new();
    for no in ["H1", "H2", "H3", "H1", "H2"] {
        let h = office.household(no).id;
        items.push(office.write(|tx| compensation::add(tx, h, CompensationKind::Other, "补助", 1_000_00, "")).unwrap());
    }
    for laptop in [&mut finance, &mut leader, &mut supervisor, &mut deputy] {
        send(&office, laptop);
    }
    let laptops = [
        (office, Role::Command),
        (finance, Role::Finance),
        (leader, Role::Field),
        (supervisor, Role::Supervisor),
        (deputy, Role::Command),
    ];
    for (i, (mut t, role)) in laptops.into_iter().enumerate() {
        let c = caps(&t);
        assert_eq!((c.standing, c.role), (admission::Admitted::Admitted, Some(role)), "laptop {i}");
        // Every entity: "may write" iff a write of a plain field of it passes the core's check.
        assert_eq!(c.entities.len(), jingdi::schema::ENTITIES.len() - 1, "every entity but admissions");
        for g in &c.entities {
            let ok = accepted(&t, g.entity, Fields::new().set(plain_field(g.entity), "x"));
            assert_eq!(g.may, ok, "{role:?} writing {:?}", g.entity);
            assert_eq!(g.roles.contains(&role), ok, "{role:?}: the roles named for {:?}", g.entity);
            assert_eq!(g.roles[0], Role::Command);
        }
        // Confirming and paying, the finance-only steps of a compensation item.
        let confirm = Fields::new().set("status", "confirmed").set("confirmed_on", "2024-01-06");
        assert_eq!(c.confirm.may, accepted(&t, Entity::CompensationItem, confirm), "{role:?} confirming");
        let pay = Fields::new().set("status", "paid").set("paid_on", "2024-01-06").set("voucher_no", "PZ");
        assert_eq!(c.pay.may, accepted(&t, Entity::CompensationItem, pay), "{role:?} paying");
        // And real writes through the door agree: a visit, a confirmation.
        let before = t.snapshot();
        let h = t.household("H3").id;
        let visit = t.write(|tx| {
            jingdi::visit::add(tx, h, &jingdi::visit::NewVisit { outcome: "试写".into(), ..Default::default() })
        });
        assert_eq!(visit.is_ok(), c.entity(Entity::Visit).unwrap().may, "{role:?} visit: {visit:?}");
        let item = items[i];
        let confirmed = t.write(|tx| compensation::confirm(tx, item, d("2024-01-06")));
        assert_eq!(confirmed.is_ok(), c.confirm.may, "{role:?} confirm: {confirmed:?}");
        if let Err(e) = visit.and(confirmed) {
            assert_eq!(e.code(), "rule.role.forbidden");
        }
        if !c.entity(Entity::Visit).unwrap().may && !c.confirm.may {
            assert_eq!(t.snapshot(), before);
        }
        // Admitting: only the laptop holding the project key (the office), whatever the role.
        assert_eq!(c.admit.may, i == 0, "{role:?} admitting (laptop {i})");
    }
    // The roles the screens name for what a laptop may not do: from the table.
    let c = caps(&TestDb::with_households(1));
    assert_eq!(c.confirm.roles, [Role::Command, Role::Finance]);
    assert_eq!(c.entity(Entity::Meeting).unwrap().roles, [Role::Command, Role::Supervisor]);
    assert_eq!(c.entity(Entity::CompensationStandard).unwrap().roles, [Role::Command]);
}

#[test]
fn capabilities_of_open_unadmitted_revoked_expired_and_demo_laptops() {
    // Open: everything, as before admissions.
    let open = TestDb::with_households(1);
    let c = caps(&open);
    assert_eq!((c.standing, c.role), (admission::Admitted::Open, None));
    assert!(c.entities.iter().all(|g| g.may) && c.confirm.may && c.pay.may && c.admit.may);
    // The demo: every laptop is its 指挥部 and may admit (its key is public).
    let demo = TestDb::demo();
    let c = caps(&demo);
    assert_eq!((c.standing, c.role), (admission::Admitted::Admitted, Some(Role::Command)));
    assert!(c.entities.iter().all(|g| g.may) && c.pay.may && c.admit.may);

    let (mut office, _finance, mut leader, _) = team();
    // Not admitted: nothing, and the core agrees.
    let stranger = own_home(join(&office));
    let c = caps(&stranger);
    assert_eq!((c.standing, c.role), (admission::Admitted::NotAdmitted, None));
    assert!(c.entities.iter().all(|g| !g.may) && !c.confirm.may && !c.admit.may);
    assert!(!accepted(&stranger, Entity::Visit, Fields::new().set("outcome", "x")));
    // Admitted until a date: outside it, nothing.
    let r = request(&leader, "临时");
    let p = office.project;
    let until = chrono::Utc::now().date_naive() + chrono::Duration::days(30);
    office
        .write(|tx| {
            admission::admit(tx, p, &Admit { request: &r, role: Role::Field, name: None, valid_until: Some(until) })
        })
        .unwrap();
    send(&office, &mut leader);
    let (conn, dev) = (leader.db.conn(), leader.db.device_id());
    let inside = admission::capabilities(conn, leader.db.installation(), p, dev, until).unwrap();
    assert_eq!(inside.role, Some(Role::Field));
    let after = admission::capabilities(conn, leader.db.installation(), p, dev, until.succ_opt().unwrap()).unwrap();
    assert_eq!((after.standing, after.role), (admission::Admitted::NotAdmitted, None));
    assert!(after.entities.iter().all(|g| !g.may));
    // Revoked: nothing, and the core agrees.
    office.write(|tx| admission::revoke(tx, p, dev, "电脑遗失")).unwrap();
    send(&office, &mut leader);
    let c = caps(&leader);
    assert_eq!((c.standing, c.role), (admission::Admitted::Revoked, None));
    assert!(c.entities.iter().all(|g| !g.may) && !c.confirm.may);
    assert!(!accepted(&leader, Entity::Visit, Fields::new().set("outcome", "x")));
    // A file copied on the office's laptop writes as a new device: the key's holder is 指挥部.
    let copy = own_home(join(&office));
    let mut copy = copy;
    copy.db = Db::open_in(copy.path(), &office.dir.path().join("home")).unwrap();
    let c = caps(&copy);
    assert_eq!((c.standing, c.role, c.admit.may), (admission::Admitted::Admitted, Some(Role::Command), true));
}

/// The hub keeps no tables of a project, only its operations: [`admission::Admissions`]
/// folds them, and the hub judges a push with the merge's own `judge_new`. The fold agrees
/// with a laptop's tables device by device (admitted, revoked, never admitted, key not
/// bound), ignores an admission the project key did not sign, and refuses what the merge
/// refuses, with the same problem.
#[test]
fn admissions_folded_from_operations_agree_with_a_laptops_tables() {
    let (mut office, finance, mut leader, item) = team();
    visit(&mut leader, "H2", "组长上门");
    send(&leader, &mut office);
    let stranger = own_home(join(&office));
    let (p, lead) = (office.project, leader.db.device_id());
    office.write(|tx| admission::revoke(tx, p, lead, "电脑遗失")).unwrap();
    let file = office.dir.path().join("all.jdb");
    export(&office.db, &office.project(), &file, Scope::Full).unwrap();
    let mut b = jingdi::sync::bundle::read(&file).unwrap();
    let conn = office.db.conn();
    let folded = admission::Admissions::fold(p, &b.ops);
    assert!(folded.owner_key().is_some());
    assert_eq!(folded.owner_key(), admission::owner_key(conn, p).unwrap().as_deref());
    for t in [&office, &finance, &leader, &stranger] {
        let d = t.db.device_id();
        let bound = signing::device_key(conn, d).unwrap();
        let laptop = admission::standing(conn, p, d).unwrap();
        assert!(matches!(&laptop, Standing::Closed { .. }));
        assert_eq!(folded.standing(d, bound.as_deref()), laptop, "device {d}");
    }
    match folded.standing(lead, signing::device_key(conn, lead).unwrap().as_deref()) {
        Standing::Closed { member: Some(m), .. } => {
            assert_eq!((m.role, m.revoke_reason.as_deref()), (Role::Field, Some("电脑遗失")));
        }
        other => panic!("the 组长 is admitted, then revoked: {other:?}"),
    }
    // Under another key than the one bound for the device, its admission does not count.
    let other_key = signing::public_hex(&signing::generate());
    assert!(matches!(folded.standing(lead, Some(&other_key)), Standing::Closed { member: None, .. }));

    // An admission the 组长 signed itself (role 指挥部) is not one; judged, it is refused as
    // the merge refuses it.
    let fin = finance.db.device_id();
    let member = b.ops.iter().find(|o| o.entity == Entity::Member && o.fields.0["device_id"] == fin.to_string());
    let mut forged = member.unwrap().clone();
    let fkey = finance.db.installation().unwrap().signing_key().clone();
    forged.id = uuid::Uuid::now_v7();
    forged.device_id = fin;
    forged.seq = b.ops.iter().filter(|o| o.device_id == fin).map(|o| o.seq).max().unwrap_or(0) + 1;
    forged.hlc += 1 << 20;
    forged.action = Action::Update;
    forged.fields = forged.fields.clone().set("role", "command").set("signature", signing::sign_bytes(&fkey, b"x"));
    b.ops.push(forged.clone());
    let with_forged = admission::Admissions::fold(p, &b.ops);
    assert_eq!(with_forged, folded);
    // The 财务 laptop has sent nothing to the office yet: its key is bound where it is judged.
    let mut keys = signing::device_keys(conn).unwrap();
    assert!(!keys.contains_key(&fin));
    keys.insert(fin, signing::public_hex(&fkey));
    let r = with_forged.judge_new([&forged], &keys).expect("refused");
    assert_eq!((r.problem, r.rule()), ("bad_admission", "role.bad_admission"));

    // A payment by the 组长 laptop, before its revocation took effect: beyond its role.
    let last = b.ops.iter().filter(|o| o.device_id == lead).max_by_key(|o| o.seq).unwrap().clone();
    let mut pay = last.clone();
    pay.id = uuid::Uuid::now_v7();
    pay.seq = last.seq + 1;
    pay.entity = Entity::CompensationItem;
    pay.entity_id = item;
    pay.action = Action::Update;
    pay.fields = Fields::new().set("status", "paid");
    let r = folded.judge_new([&pay], &keys).expect("refused");
    assert_eq!((r.problem, r.rule()), ("revoked", "role.revoked"), "{}", r.message);
    let unrevoked = admission::Admissions::fold(
        p,
        b.ops.iter().filter(|o| !o.fields.0.contains_key("revoke_reason") || o.fields.0["revoke_reason"].is_null()),
    );
    let r = unrevoked.judge_new([&pay], &keys).expect("refused");
    assert_eq!(r.rule(), "role.forbidden");
    assert!(r.message.contains("二组笔记本") && r.message.contains("财务"), "{}", r.message);
    // A field visit of the 财务 laptop's: beyond its role too; the 组长's own field work
    // (before the revocation) is fine.
    let mut visit_op = last.clone();
    visit_op.device_id = fin;
    visit_op.entity = Entity::Visit;
    visit_op.action = Action::Append;
    visit_op.fields = Fields::new().set("outcome", "x");
    assert_eq!(unrevoked.judge_new([&visit_op], &keys).unwrap().rule(), "role.forbidden");
    assert_eq!(unrevoked.judge_new([&last], &keys), None);

    // A project never closed folds to open: nothing is judged.
    let open = TestDb::with_households(1);
    let file = open.dir.path().join("open.jdb");
    export(&open.db, &open.project(), &file, Scope::Full).unwrap();
    let ops = jingdi::sync::bundle::read(&file).unwrap().ops;
    let a = admission::Admissions::fold(open.project, &ops);
    assert_eq!((a.owner_key(), a.standing(fin, None)), (None, Standing::Open));
    assert_eq!(a.judge_new(&ops, &keys), None);
}
