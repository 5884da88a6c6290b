//! One declaration per entity (src/schema.rs): it matches the tables, and every path — a
//! local write, a merged bundle, a lone operation with no database — is checked by it.

use crate::sync::{join, rewrite, set_phone};
use crate::TestDb;
use jingdi::oplog::replay::all_ops;
use jingdi::oplog::{Action, Entity, Fields, Op};
use jingdi::schema::{self, Kind, Presence, ENTITIES};
use jingdi::sync::{export, merge::import, Scope};
use serde_json::json;

/// The declaration and the migrations describe the same tables: every declared field is a
/// column of the right storage type and nullability, and every column but `id` is declared.
#[test]
fn the_declaration_matches_the_tables_the_migrations_build() {
    let t = TestDb::empty();
    for spec in ENTITIES {
        let mut stmt = t.db.conn().prepare(&format!("PRAGMA table_info({})", spec.table)).unwrap();
        let cols: Vec<(String, String, bool, bool)> = stmt
            .query_map([], |r| {
                Ok((r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get::<_, Option<String>>(4)?.is_some()))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        let names: Vec<&str> = cols.iter().map(|c| c.0.as_str()).filter(|n| *n != "id").collect();
        let declared: Vec<&str> = spec.columns().collect();
        let mut a = names.clone();
        let mut b = declared.clone();
        a.sort();
        b.sort();
        assert_eq!(a, b, "{}: columns of the table vs the declaration", spec.table);
        for f in spec.fields {
            let (_, ty, not_null, has_default) = cols.iter().find(|c| c.0 == f.name).unwrap();
            let want_ty = match f.kind {
                Kind::Fen { .. } | Kind::Area | Kind::Quantity | Kind::Count { .. } | Kind::Flag => "INTEGER",
                _ => "TEXT",
            };
            assert_eq!(ty, want_ty, "{}.{}", spec.table, f.name);
            match f.presence {
                Presence::Required => assert!(*not_null && !has_default, "{}.{} is required", spec.table, f.name),
                Presence::Defaulted => assert!(*not_null && *has_default, "{}.{} has a default", spec.table, f.name),
                Presence::Optional => assert!(!not_null, "{}.{} may be null", spec.table, f.name),
            }
        }
    }
}

/// The hand-edited bundle: a stage no rule knows, text for an amount, a negative
/// family size. Each is refused by name (operation, field, value), the bundle as a whole:
/// nothing is written, the good operation beside the bad one included.
#[test]
fn a_bundle_with_values_no_rule_allows_is_refused_as_a_whole() {
    let mut a = TestDb::with_households(3);
    let mut b = join(&a);
    set_phone(&mut a, "H1", "13900000001");
    set_phone(&mut a, "H2", "13900000002");
    let good = a.dir.path().join("good.jdb");
    export(&a.db, &a.project(), &good, Scope::Unseen).unwrap();
    let h2 = a.household("H2").id;
    let cases: &[(&str, serde_json::Value, &str)] = &[
        ("stage", json!("archived"), "\"archived\""),
        ("agreement_amount", json!("一百万"), "\"一百万\""),
        ("members_count", json!(-5), "-5"),
        ("agreement_date", json!("2024-02-30"), "\"2024-02-30\""),
        ("id_number", json!("350503199001011235"), "350503199001011235"),
        ("group_id", json!("not-a-uuid"), "not-a-uuid"),
        ("floor_area", json!(12.5), "12.5"),
        ("phone", json!(null), "null"),
    ];
    for (field, value, shown) in cases {
        let file = rewrite(&good, &format!("bad-{field}"), |bu| {
            let op = bu.ops.iter_mut().find(|o| o.entity_id == h2 && o.action == Action::Update).unwrap();
            op.fields = Fields::new().set(field, value.clone());
        });
        let before = b.snapshot();
        let err = import(&mut b.db, &file).unwrap_err();
        assert_eq!(err.code(), "bundle.invalid_value", "{field}: {err}");
        let text = err.to_string();
        let op_id = jingdi::sync::bundle::read(&file)
            .unwrap()
            .ops
            .iter()
            .find(|o| o.entity_id == h2 && o.action == Action::Update)
            .unwrap()
            .id;
        for part in [op_id.to_string(), format!("字段 {field}"), shown.to_string(), "整个数据包未导入".into()]
        {
            assert!(text.contains(&part), "{field}: names {part}: {text}");
        }
        assert_eq!(b.snapshot(), before, "{field}: nothing written, H1's good edit included");
    }
    // The good bundle still goes in.
    assert_eq!(import(&mut b.db, &good).unwrap().new_operations, 2);
    assert_eq!(b.household("H2").phone, "13900000002");
}

/// A reference must name a record of the kind its field declares, not merely some record.
#[test]
fn a_reference_to_the_wrong_kind_of_record_is_refused() {
    let mut a = TestDb::with_households(1);
    let mut b = join(&a);
    crate::sync::visit(&mut a, "H1", "上门");
    let good = a.dir.path().join("good.jdb");
    export(&a.db, &a.project(), &good, Scope::Unseen).unwrap();
    let staff: String = b.db.conn().query_row("SELECT id FROM staff", [], |r| r.get(0)).unwrap();
    let key = crate::sync::test_key(&a);
    let file = rewrite(&good, "visit-of-staff", |bu| {
        bu.ops.iter_mut().find(|o| o.entity == Entity::Visit).unwrap().fields.put("household_id", staff.clone());
        crate::sync::resign(bu, &key);
    });
    let before = b.snapshot();
    let err = import(&mut b.db, &file).unwrap_err();
    assert_eq!(err.code(), "bundle.broken_reference");
    assert!(err.to_string().contains("是人员而不是户"), "{err}");
    assert_eq!(b.snapshot(), before);
}

/// A local write is checked by the same declaration, whatever module built it.
#[test]
fn a_local_write_with_a_value_no_rule_allows_is_refused_by_field() {
    let mut t = TestDb::with_households(1);
    let h = t.household("H1");
    let before = t.snapshot();
    for (field, value, code) in [
        ("stage", json!("archived"), "invalid_field.stage"),
        ("agreement_amount", json!("一百万"), "invalid_field.agreement_amount"),
        ("members_count", json!(-5), "invalid_field.members_count"),
        ("head_name", json!("a\u{0}b"), "invalid_field.head_name"),
        ("address", json!("x".repeat(schema::LINE_MAX + 1)), "invalid_field.address"),
    ] {
        let err = t
            .write(|tx| tx.update(Entity::Household, h.id, Some(h.project_id), Fields::new().set(field, value.clone())))
            .unwrap_err();
        assert_eq!(err.code(), code, "{err}");
    }
    let err = t
        .write(|tx| {
            let id = tx.new_id();
            tx.create(Entity::Pole, id, Some(h.project_id), Fields::new().set("project_id", h.project_id.to_string()))
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid_field.label", "a creation sets every required field: {err}");
    assert_eq!(t.snapshot(), before);
}

fn an_op(t: &TestDb) -> Op {
    all_ops(t.db.conn()).unwrap().into_iter().find(|o| o.entity == Entity::Household).unwrap()
}

/// The stateless check a hub runs on one operation, with no SQLite at all.
#[test]
fn one_operation_is_checked_without_a_database() {
    let t = TestDb::with_households(1);
    let good = an_op(&t);
    drop(t);
    assert!(schema::check_op(&good).is_ok());
    let with = |f: &dyn Fn(&mut Op)| {
        let mut o = good.clone();
        f(&mut o);
        schema::check_op(&o)
    };
    let field_of = |r: Result<(), schema::Invalid>| r.unwrap_err().field.map(|f| f.name);
    assert_eq!(field_of(with(&|o| o.fields.put("stage", "archived"))), Some("stage"));
    assert_eq!(field_of(with(&|o| o.fields.put("difficulty", 3))), Some("difficulty"));
    assert_eq!(field_of(with(&|o| o.fields.put("special_circumstances", "低保"))), Some("special_circumstances"));
    assert_eq!(field_of(with(&|o| o.fields.0.remove("head_name").map(|_| ()).unwrap())), Some("head_name"));
    assert_eq!(field_of(with(&|o| o.fields.put("project_id", uuid::Uuid::now_v7().to_string()))), None);
    assert_eq!(field_of(with(&|o| o.fields.put("secret", 1))), None);
    assert_eq!(field_of(with(&|o| o.action = Action::Append)), None);
    assert_eq!(field_of(with(&|o| o.author = " ".into())), None);
    assert_eq!(field_of(with(&|o| o.recorded_at = "yesterday".into())), None);
    assert_eq!(field_of(with(&|o| o.seq = 0)), None);
    let e = with(&|o| o.fields.put("members_count", -5)).unwrap_err();
    assert_eq!(e.value, "-5");
    assert!(e.describe().contains("members_count（家庭人口）"), "{}", e.describe());
}

#[test]
fn project_codes_are_safe_folder_names() {
    for bad in ["../etc", "a/b", "a\\b", "/abs", "C:", "..", ".hidden", "con", "LPT1", " T1", "T1 ", "", "a\u{0}b"] {
        assert!(schema::safe_folder_name(bad).is_err(), "{bad:?}");
    }
    for ok in ["T1", "DX4", "东星4号地块", "2024-东区.一期", "CONSOLE", "X元", "L元"] {
        assert!(schema::safe_folder_name(ok).is_ok(), "{ok:?}");
    }
    let mut t = TestDb::empty();
    let err = t
        .write(|tx| {
            jingdi::project::create(
                tx,
                &jingdi::project::NewProject {
                    code: "../../逃逸".into(),
                    name: "x".into(),
                    city: String::new(),
                    district: String::new(),
                    street: String::new(),
                    community: String::new(),
                    window_opens_on: crate::d("2024-01-01"),
                    window_closes_on: crate::d("2024-02-01"),
                    clearance_target: None,
                    status: jingdi::vocab::ProjectStatus::Signing,
                    as_of: None,
                },
            )
        })
        .unwrap_err();
    assert_eq!(err.code(), "invalid_field.code", "{err}");
}

/// The TypeScript record types are derived from the same declaration.
#[test]
fn typescript_records_follow_the_declaration() {
    let ts = schema::typescript();
    assert!(ts.contains("export type HouseholdRecord = { id: string, project_id: string, number: string,"));
    assert!(ts.contains("members_count: number,"));
    assert!(ts.contains("difficulty: \"easy\" | \"medium\" | \"hard\" | null"));
    assert!(ts.contains("export type CompensationStandardRecord"));
    assert_eq!(ts.matches("export type ").count(), ENTITIES.len());
}
