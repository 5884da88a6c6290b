//! Importing a bundle: check everything first, then write everything in one transaction.

use super::bundle::{self, Bundle};
use crate::db::{Db, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::oplog::apply::{append_to_log, apply, check_shape, materialise, op_from_row, OP_COLUMNS, OP_COLUMN_COUNT};
use crate::oplog::{watermarks, Action, Entity, Op};
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SyncImportReport"))]
pub struct ImportReport {
    pub file: String,
    pub project_code: String,
    pub sender_device: Uuid,
    pub sender_name: String,
    /// The project was new here: this laptop joined it with this bundle.
    pub joined: bool,
    /// Operations new to this laptop.
    pub new_operations: usize,
    /// Operations already here (importing a bundle twice changes nothing).
    pub known_operations: usize,
    pub visits: usize,
    /// New operations other than visits: edits, stage changes, payments, ...
    pub changes: usize,
    /// Conflicts this import found.
    pub conflicts: usize,
    /// Which devices the new operations came from, and how many from each.
    pub from_devices: BTreeMap<Uuid, usize>,
}

fn bad(problem: &'static str, path: &Path, message: impl Into<String>) -> Error {
    Error::Bundle { problem, path: path.display().to_string(), message: message.into() }
}

/// Columns that name another record. A merged operation must not point at a record that
/// exists nowhere in the log.
fn references(op: &Op) -> impl Iterator<Item = (&str, Uuid)> {
    op.fields.0.iter().filter_map(|(k, v)| {
        let is_ref = k.ends_with("_id") || k == "corrects";
        let id = v.as_str().and_then(|s| Uuid::parse_str(s).ok());
        match (is_ref, id) {
            (true, Some(id)) => Some((k.as_str(), id)),
            _ => None,
        }
    })
}

/// What this laptop holds of a project's log, read in one pass over the raw rows (no
/// parsing): enough to tell new operations from known ones, spot altered copies, and check
/// references.
struct HeldOps {
    by_id: HashMap<Uuid, String>,
    by_device_seq: HashSet<(Uuid, i64)>,
    created: HashSet<Uuid>,
}

impl HeldOps {
    fn load(conn: &Connection, project: Uuid) -> Result<HeldOps> {
        let mut held = HeldOps { by_id: HashMap::new(), by_device_seq: HashSet::new(), created: HashSet::new() };
        let mut stmt = conn.prepare(&format!("SELECT {OP_COLUMNS} FROM oplog WHERE project_id = ?1"))?;
        let mut rows = stmt.query([project.to_string()])?;
        let uuid = |s: &str| Uuid::parse_str(s).map_err(|_| Error::Corrupt(format!("操作日志中的「{s}」不是 UUID")));
        while let Some(r) = rows.next()? {
            let raw: Vec<Option<String>> = (0..OP_COLUMN_COUNT)
                .map(|i| match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Ok(None),
                    rusqlite::types::ValueRef::Integer(n) => Ok(Some(n.to_string())),
                    v => Ok(Some(v.as_str()?.to_string())),
                })
                .collect::<rusqlite::Result<_>>()?;
            let text = |i: usize| raw[i].as_deref().unwrap_or("");
            let id = uuid(text(0))?;
            held.by_device_seq.insert((uuid(text(1))?, text(2).parse().unwrap_or(-1)));
            if matches!(text(8), "create" | "append") {
                held.created.insert(uuid(text(7))?);
            }
            held.by_id.insert(id, join_fingerprint(raw.iter().map(|c| c.as_deref())));
        }
        Ok(held)
    }
}

fn join_fingerprint<'a>(parts: impl Iterator<Item = Option<&'a str>>) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Some(p) => {
                out.push_str(&p.len().to_string());
                out.push(':');
                out.push_str(p);
            }
            None => out.push('~'),
        }
    }
    out
}

/// An operation as the log stores it, column by column: equal fingerprints, equal operations.
fn fingerprint(op: &Op) -> String {
    let (id, device, seq, hlc) = (op.id.to_string(), op.device_id.to_string(), op.seq.to_string(), op.hlc.to_string());
    let project = op.project_id.map(|p| p.to_string());
    let entity_id = op.entity_id.to_string();
    let fields = serde_json::to_string(&op.fields).expect("fields serialise");
    let context = serde_json::to_string(&op.context).expect("context serialises");
    join_fingerprint(
        [
            Some(id.as_str()),
            Some(device.as_str()),
            Some(seq.as_str()),
            Some(hlc.as_str()),
            Some(op.author.as_str()),
            project.as_deref(),
            Some(op.entity.id()),
            Some(entity_id.as_str()),
            Some(op.action.id()),
            Some(fields.as_str()),
            op.reason.as_deref(),
            Some(op.recorded_at.as_str()),
            Some(context.as_str()),
        ]
        .into_iter(),
    )
}

/// Imports a bundle file. Either everything in it is merged, or nothing is written and the
/// error names the file and the problem.
pub fn import(db: &mut Db, path: &Path) -> Result<ImportReport> {
    let Bundle { header, ops } = bundle::read(path)?;
    if header.schema_version > SCHEMA_VERSION {
        return Err(bad(
            "schema_too_new",
            path,
            format!("数据包来自更新版本的 Jingdi(结构版本 {},本机 {}),请先升级本机", header.schema_version, SCHEMA_VERSION),
        ));
    }
    let conn = db.conn();
    let local = crate::project::list(conn)?;
    let here = local.iter().find(|p| p.id == header.project_id);
    if here.is_none() {
        if let Some(p) = local.iter().find(|p| p.code == header.project_code) {
            return Err(bad(
                "other_project",
                path,
                format!("数据包属于另一个项目「{}」({}),与本机的同编号项目「{}」不是同一个项目", header.project_name, header.project_code, p.name),
            ));
        }
        if !header.full {
            return Err(bad("not_joined", path, format!("本机还没有项目「{}」,请先导入该项目的完整数据包", header.project_name)));
        }
    }

    // A partial bundle assumes the recipient holds what it leaves out.
    if here.is_some() {
        let held = watermarks::of_project(conn, header.project_id)?;
        for (device, since) in &header.since {
            let have = held.get(device).copied().unwrap_or(0);
            if *since > have {
                return Err(bad(
                    "gap",
                    path,
                    format!("数据包省略了设备 {device} 的前 {since} 号操作,而本机只有到第 {have} 号;请对方导出完整数据包(--full)后再导入"),
                ));
            }
        }
    }

    // ---- check every operation before writing anything
    let held = HeldOps::load(conn, header.project_id)?;
    let mut new_ops: Vec<Op> = Vec::new();
    let mut known = 0usize;
    let mut seen_ids: HashSet<Uuid> = HashSet::with_capacity(ops.len());
    for op in ops {
        let at = || format!("操作 {}({} {})", op.id, op.entity.id(), op.entity_id);
        if op.project_id != Some(header.project_id) {
            return Err(bad("other_project", path, format!("{} 不属于数据包的项目", at())));
        }
        check_shape(&op).map_err(|e| bad("invalid_operation", path, format!("{}: {e}", at())))?;
        if !seen_ids.insert(op.id) {
            return Err(bad("tampered", path, format!("{} 在数据包中重复出现", at())));
        }
        match held.by_id.get(&op.id) {
            Some(mine) if *mine == fingerprint(&op) => known += 1,
            Some(_) => return Err(bad("tampered", path, format!("{} 与本机已有的同一操作内容不同,数据包可能被篡改", at()))),
            None => {
                if held.by_device_seq.contains(&(op.device_id, op.seq)) {
                    return Err(bad("tampered", path, format!("{} 的设备序号 {} 已被另一操作占用,数据包可能被篡改", at(), op.seq)));
                }
                new_ops.push(op);
            }
        }
    }
    let created_in_bundle: HashSet<Uuid> =
        new_ops.iter().filter(|o| matches!(o.action, Action::Create | Action::Append)).map(|o| o.entity_id).collect();
    let exists = |id: Uuid| created_in_bundle.contains(&id) || held.created.contains(&id);
    for op in &new_ops {
        if op.action == Action::Update && !exists(op.entity_id) {
            return Err(bad("broken_reference", path, format!("操作 {} 修改的{} {} 在任何设备的记录中都不存在", op.id, op.entity.id(), op.entity_id)));
        }
        for (field, id) in references(op) {
            if !exists(id) {
                return Err(bad(
                    "broken_reference",
                    path,
                    format!("操作 {}({})的字段 {field} 指向的记录 {id} 在任何设备的记录中都不存在", op.id, op.entity.id()),
                ));
            }
        }
    }

    // ---- write: union of operations, replay of what they touch, conflicts
    let mut report = ImportReport {
        file: path.display().to_string(),
        project_code: header.project_code.clone(),
        sender_device: header.sender_device,
        sender_name: header.sender_name.clone(),
        joined: here.is_none(),
        new_operations: new_ops.len(),
        known_operations: known,
        ..Default::default()
    };
    let me = db.device_id();
    let project = header.project_id;
    db.write_raw(|conn| {
        conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let mut marks: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
        let mut touched: BTreeMap<Uuid, Entity> = BTreeMap::new();
        for op in &new_ops {
            append_to_log(conn, op)?;
            let m = marks.entry(op.device_id).or_insert((0, 0));
            *m = (m.0.max(op.seq), m.1.max(op.hlc));
            touched.insert(op.entity_id, op.entity);
            *report.from_devices.entry(op.device_id).or_default() += 1;
            if op.entity == Entity::Visit {
                report.visits += 1;
            } else {
                report.changes += 1;
            }
        }
        for (device, (seq, hlc)) in &marks {
            conn.prepare_cached(
                "INSERT INTO devices (device_id, last_seq, last_hlc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id) DO UPDATE SET last_seq = max(last_seq, excluded.last_seq),
                     last_hlc = max(last_hlc, excluded.last_hlc)",
            )?
            .execute(params![device.to_string(), seq, hlc])?;
            watermarks::raise(conn, project, *device, *seq)?;
        }
        let new_ids: HashSet<Uuid> = new_ops.iter().map(|o| o.id).collect();
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        // Parents before children, so a replayed row finds what it references.
        let mut order: Vec<(&Uuid, &Entity)> = touched.iter().collect();
        order.sort_by_key(|(id, e)| (entity_rank(**e), **id));
        let broken = |entity: &Entity, id: &Uuid, e: Error| match e {
            Error::Sqlite(s) => bad("rule_broken", path, format!("合并{} {id} 时违反数据约束: {s}", entity.id())),
            other => other,
        };
        let appended: HashMap<Uuid, &Op> =
            new_ops.iter().filter(|o| o.action == Action::Append).map(|o| (o.entity_id, o)).collect();
        for (id, entity) in order {
            // An append-only record (a visit, a stage event) has exactly one operation, and
            // it is new: insert it as it is; nothing to fold, nothing to conflict with.
            if let Some(op) = appended.get(id) {
                apply(conn, op).map_err(|e| broken(entity, id, e))?;
                continue;
            }
            // Already in the log by now, so this is every operation on the record, in order.
            let ops = ops_of(conn, *id)?;
            materialise(conn, *entity, *id, &ops).map_err(|e| broken(entity, id, e))?;
            report.conflicts += super::conflicts::detect(conn, project, &ops, &new_ids, &now)?;
        }
        if header.sender_device != me {
            super::folder::record_peer(conn, project, &header, &now)?;
        }
        Ok(())
    })?;
    Ok(report)
}

/// Every operation on one record, in replay order.
pub(crate) fn ops_of(conn: &Connection, entity_id: Uuid) -> Result<Vec<Op>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE entity_id = ?1 ORDER BY hlc, device_id, id"
    ))?;
    let mut rows = stmt.query([entity_id.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(op_from_row(r)?);
    }
    Ok(out)
}

fn entity_rank(e: Entity) -> usize {
    crate::oplog::ENTITIES.iter().position(|s| s.entity == e).unwrap_or(usize::MAX)
}

