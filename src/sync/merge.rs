//! Importing a bundle: check everything first, then write everything in one transaction.

use super::bundle::{self, Bundle};
use crate::db::{Db, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::oplog::apply::{append_all_to_log, insert_all, materialise, op_from_row, OP_COLUMNS};
use crate::oplog::replay::REPLAY_ORDER;
use crate::oplog::{signing, watermarks, Action, Entity, Op};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
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
    /// Rules this import found broken by two laptops' changes together (review items listed
    /// with the conflicts, see `sync::review`).
    pub violations: usize,
    /// Which devices the new operations came from, and how many from each.
    pub from_devices: BTreeMap<Uuid, usize>,
    /// Devices whose operations were not merged because one of them clashes with an
    /// operation this laptop holds under the same device and number (a fault or a
    /// forgery), and devices that built on those. Everything else was merged.
    pub held_back: Vec<HeldBackDevice>,
    /// The merge made its automatic backup first (`Backup::IfBig` and a big change).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub backed_up: bool,
}

/// The page cache during a merge, in KiB as `PRAGMA cache_size` takes it (negative): up to
/// 256 MiB, used only as far as the merge needs it, given back when it is done.
const MERGE_CACHE_KIB: i64 = -256 * 1024;

fn bad(problem: &'static str, path: &Path, message: impl Into<String>) -> Error {
    Error::Bundle { problem, path: path.display().to_string(), message: message.into() }
}

/// Sorts the bundle's operations into those this laptop already holds and new ones, by
/// looking up each device's sequence numbers in the log: one range read per device, so
/// the cost follows what the bundle and the log share, not the size of the log. What the
/// log holds under a bundle operation's `(device, seq)` must be that very operation,
/// column for column. An altered copy, or another operation under the same number, is a
/// fault or a forgery of that device: it is returned, by device with the first such number,
/// and the caller holds back that device's operations from there (see [`hold_back`]).
fn split_known(conn: &Connection, ops: Vec<Op>, path: &Path) -> Result<(Vec<Op>, usize, BTreeMap<Uuid, Clash>)> {
    let mut by_device: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        by_device.entry(op.device_id).or_default().push(i);
    }
    let mut known = vec![false; ops.len()];
    let mut clashes: BTreeMap<Uuid, Clash> = BTreeMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
    ))?;
    for (device, idx) in by_device.iter_mut() {
        idx.sort_by_key(|&i| ops[i].seq);
        if let Some(w) = idx.windows(2).find(|w| ops[w[0]].seq == ops[w[1]].seq) {
            let op = &ops[w[1]];
            return Err(bad(
                "tampered",
                path,
                format!("{} 的设备序号 {} 在数据包中重复出现，数据包可能被篡改", describe(op), op.seq),
            ));
        }
        let (lo, hi) = (ops[idx[0]].seq, ops[idx[idx.len() - 1]].seq);
        let mut rows = stmt.query(params![device.to_string(), lo, hi])?;
        let mut j = 0;
        while let Some(r) = rows.next()? {
            let seq: i64 = r.get(2)?;
            while j < idx.len() && ops[idx[j]].seq < seq {
                j += 1;
            }
            if j == idx.len() {
                break;
            }
            let op = &ops[idx[j]];
            if op.seq != seq {
                continue;
            }
            let same_id = text_is(r.get_ref(0)?, Some(op.id.hyphenated().encode_lower(&mut Uuid::encode_buffer())));
            if !same_id || !logged_as(r, op)? {
                // The first clash of the device decides; the rows come in sequence order.
                clashes.entry(*device).or_insert(Clash { seq: op.seq, same_id });
                break;
            }
            known[idx[j]] = true;
        }
    }
    let held = known.iter().filter(|k| **k).count();
    if held == 0 {
        return Ok((ops, 0, clashes));
    }
    let new_ops = ops.into_iter().zip(known).filter(|(_, k)| !k).map(|(op, _)| op).collect();
    Ok((new_ops, held, clashes))
}

/// Two different operations under one device and sequence number: this laptop holds one,
/// the bundle carries another.
#[derive(Debug, Clone, Copy)]
struct Clash {
    seq: i64,
    /// The same operation id with other content (an edited operation), rather than another
    /// operation under a number already used.
    same_id: bool,
}

/// A device whose operations this import did not merge, from `from_seq` on.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeldBackDevice {
    pub device_id: Uuid,
    /// The device's name where this laptop knows it.
    pub name: String,
    pub from_seq: i64,
    /// The bundle's operations of the device not merged.
    pub operations: usize,
    /// True for the device whose operations clash; false for one held back only because
    /// its operations build on those (it had seen them when it wrote).
    pub clashed: bool,
    pub message: String,
}

/// Holds back, from the new operations, every operation of a clashing device from its
/// first clash on, and every operation written by a device that had seen one held back (its
/// context covers it), transitively: what remains is a set of whole per-device prefixes
/// that never depends on anything held back, and merges like any bundle.
fn hold_back(new_ops: Vec<Op>, clashes: &BTreeMap<Uuid, Clash>) -> (Vec<Op>, BTreeMap<Uuid, (i64, usize)>) {
    let mut cut: BTreeMap<Uuid, i64> = clashes.iter().map(|(d, c)| (*d, c.seq)).collect();
    if cut.is_empty() {
        return (new_ops, BTreeMap::new());
    }
    let depends = |op: &Op, cut: &BTreeMap<Uuid, i64>| {
        cut.get(&op.device_id).is_some_and(|c| op.seq >= *c)
            || op.context.iter().any(|(d, seen)| cut.get(d).is_some_and(|c| seen >= c))
    };
    // Each pass only lowers or adds cuts, so this ends.
    loop {
        let mut changed = false;
        for op in &new_ops {
            if depends(op, &cut) {
                match cut.get_mut(&op.device_id) {
                    Some(c) if *c <= op.seq => {}
                    Some(c) => {
                        *c = op.seq;
                        changed = true;
                    }
                    None => {
                        cut.insert(op.device_id, op.seq);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut held: BTreeMap<Uuid, (i64, usize)> = BTreeMap::new();
    let kept = new_ops
        .into_iter()
        .filter(|op| {
            if depends(op, &cut) {
                let e = held.entry(op.device_id).or_insert((cut[&op.device_id], 0));
                e.1 += 1;
                false
            } else {
                true
            }
        })
        .collect();
    for (d, c) in &cut {
        held.entry(*d).or_insert((*c, 0));
    }
    (kept, held)
}

/// Two laptops gave the same household number (pole label, demolition-log date, group name)
/// to two different records offline. Says which, who registered each and on which laptop,
/// and what to do: correct it on one laptop, then sync again.
fn same_name_twice(
    conn: &Connection,
    ops: &[&Op],
    err: &rusqlite::Error,
    me: Uuid,
    sender: (Uuid, &str),
) -> Option<String> {
    let text = err.to_string();
    let (table, column, what) = match ops.first()?.entity {
        Entity::Household if text.contains("households.number") => ("households", "number", "户号"),
        Entity::Pole if text.contains("poles.label") => ("poles", "label", "杆线编号"),
        Entity::DemolitionLog if text.contains("demolition_logs.log_date") => {
            ("demolition_logs", "log_date", "拆除日志日期")
        }
        Entity::WorkGroup if text.contains("work_groups.name") => ("work_groups", "name", "动迁组名称"),
        _ => return None,
    };
    let value = ops.iter().rev().find_map(|o| o.fields.0.get(column)?.as_str())?.to_string();
    let project = ops.iter().find_map(|o| o.project_id)?;
    let laptop = |device: Uuid| match device {
        d if d == me => "本机".to_string(),
        d if d == sender.0 && !sender.1.is_empty() => format!("「{}」", sender.1),
        d => format!("设备 {}", &d.to_string()[..8]),
    };
    let theirs = ops.iter().min_by_key(|o| (o.hlc, o.device_id, o.id))?;
    let fix = match table {
        "households" => "，用 household set … number … --reason",
        "poles" => "，用 pole relabel --label … --to … --reason",
        "work_groups" => "，用 group rename --name … --to … --reason",
        _ => "",
    };
    let here: String = conn
        .query_row(
            &format!("SELECT id FROM {table} WHERE project_id = ?1 AND {column} = ?2"),
            params![project.to_string(), value],
            |r| r.get(0),
        )
        .ok()?;
    let (author, device, at): (String, String, String) = conn
        .query_row(
            "SELECT author, device_id, recorded_at FROM oplog WHERE entity_id = ?1 ORDER BY hlc, device_id, id LIMIT 1",
            [&here],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()?;
    let device = Uuid::parse_str(&device).ok()?;
    Some(format!(
        "{what}「{value}」在两台电脑上分别登记给了不同的记录：数据包里的是 {} 于 {} 在{}登记的，本机已有 {author} 于 {} 在{}登记的另一条。\
         请在其中一台电脑上更正{what}（如改为「{value}-2」{fix}），再重新同步；本次导入未写入任何内容。",
        theirs.author,
        &theirs.recorded_at[..theirs.recorded_at.len().min(10)],
        laptop(theirs.device_id),
        &at[..at.len().min(10)],
        laptop(device),
    ))
}

fn describe(op: &Op) -> String {
    format!("操作 {}({} {})", op.id, op.entity.id(), op.entity_id)
}

fn text_is(v: ValueRef, want: Option<&str>) -> bool {
    match (v, want) {
        (ValueRef::Null, None) => true,
        (ValueRef::Text(t), Some(w)) => t == w.as_bytes(),
        _ => false,
    }
}

/// Whether a log row (selected with [`OP_COLUMNS`]) stores exactly this operation.
fn logged_as(r: &rusqlite::Row, op: &Op) -> Result<bool> {
    let int_is = |i: usize, want: i64| -> rusqlite::Result<bool> {
        Ok(matches!(r.get_ref(i)?, ValueRef::Integer(n) if n == want))
    };
    let uuid_is = |i: usize, want: Uuid| -> rusqlite::Result<bool> {
        Ok(text_is(r.get_ref(i)?, Some(want.hyphenated().encode_lower(&mut Uuid::encode_buffer()))))
    };
    let text = |i: usize, want: Option<&str>| -> rusqlite::Result<bool> { Ok(text_is(r.get_ref(i)?, want)) };
    let project = op.project_id.map(|p| p.to_string());
    Ok(uuid_is(0, op.id)?
        && uuid_is(1, op.device_id)?
        && int_is(2, op.seq)?
        && int_is(3, op.hlc)?
        && text(4, Some(&op.author))?
        && text(5, project.as_deref())?
        && text(6, Some(op.entity.id()))?
        && uuid_is(7, op.entity_id)?
        && text(8, Some(op.action.id()))?
        && text(9, Some(&serde_json::to_string(&op.fields).expect("fields serialise")))?
        && text(10, op.reason.as_deref())?
        && text(11, Some(&op.recorded_at))?
        && text(12, Some(&serde_json::to_string(&op.context).expect("context serialises")))?
        && text(13, op.prev.as_deref())?
        && text(14, op.sig.as_deref())?)
}

/// The operations this laptop already holds on the given records, each record's in
/// replay order: one read through the log's entity index for all of them.
fn held_ops_of(conn: &Connection, ids: &[Uuid]) -> Result<HashMap<Uuid, Vec<Op>>> {
    let mut out: HashMap<Uuid, Vec<Op>> = HashMap::with_capacity(ids.len());
    if ids.is_empty() {
        return Ok(out);
    }
    let list = serde_json::to_string(&ids).expect("ids serialise");
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {OP_COLUMNS} FROM oplog WHERE entity_id IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut rows = stmt.query([list])?;
    while let Some(r) = rows.next()? {
        let op = op_from_row(r)?;
        out.entry(op.entity_id).or_default().push(op);
    }
    for ops in out.values_mut() {
        ops.sort_by_key(replay_key);
    }
    Ok(out)
}

/// Which of these records the project's log creates, and as what, in one read through the
/// entity index.
fn created_in_log(conn: &Connection, project: Uuid, ids: &BTreeSet<Uuid>) -> Result<Vec<(Uuid, Entity)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = serde_json::to_string(&ids).expect("ids serialise");
    // `+project_id`: search by entity, not through the project's index.
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT entity_id, entity FROM oplog WHERE entity_id IN (SELECT value FROM json_each(?1))
             AND +project_id = ?2 AND action IN ('create', 'append')",
    )?;
    let mut rows = stmt.query(params![list, project.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let entity: String = r.get(1)?;
        out.push((
            Uuid::parse_str(&id).map_err(|_| Error::Corrupt(format!("操作日志中的实体「{id}」不是 UUID")))?,
            Entity::parse(&entity).ok_or_else(|| Error::Corrupt(format!("操作日志中的实体类型「{entity}」未知")))?,
        ));
    }
    Ok(out)
}

/// The checks that read the log, and what the merge needs from it: every record a new
/// operation changes or names must be created somewhere, in the bundle or in this
/// project's log. Returns the operations this laptop already holds on the changed records.
fn held_and_checked(
    conn: &Connection,
    project: Uuid,
    new_ops: &[Op],
    changed: &[Uuid],
    path: &Path,
) -> Result<HashMap<Uuid, Vec<Op>>> {
    let held = held_ops_of(conn, changed)?;
    let mut exists: HashMap<Uuid, Entity> = HashMap::new();
    for op in new_ops {
        if matches!(op.action, Action::Create | Action::Append) {
            exists.insert(op.entity_id, op.entity);
        }
    }
    for op in held.values().flatten() {
        if op.project_id == Some(project) && matches!(op.action, Action::Create | Action::Append) {
            exists.insert(op.entity_id, op.entity);
        }
    }
    // (operation, the field that names the record or None for the record it updates, kind, record)
    let mut named: Vec<(&Op, Option<&str>, Entity, Uuid)> = Vec::new();
    for op in new_ops {
        if op.action == Action::Update {
            named.push((op, None, op.entity, op.entity_id));
        }
        named.extend(crate::schema::references(op).map(|(field, entity, id)| (op, Some(field.name), entity, id)));
    }
    let unsure: BTreeSet<Uuid> = named.iter().map(|n| n.3).filter(|id| !exists.contains_key(id)).collect();
    exists.extend(created_in_log(conn, project, &unsure)?);
    for (op, field, entity, id) in named {
        let problem = match exists.get(&id) {
            Some(e) if *e == entity => continue,
            Some(e) => format!("是{}而不是{}", e.spec().zh, entity.spec().zh),
            None => "在任何设备的记录中都不存在".to_string(),
        };
        return Err(bad(
            "broken_reference",
            path,
            match field {
                None => format!("操作 {} 修改的{} {id} {problem}", op.id, op.entity.id()),
                Some(field) => {
                    format!("操作 {}（{}）的字段 {field} 指向的记录 {id} {problem}", op.id, op.entity.id())
                }
            },
        ));
    }
    Ok(held)
}

/// The replay order `(hlc, device_id, id)`; UUIDs compare as their text does in SQL.
fn replay_key(op: &Op) -> (i64, Uuid, Uuid) {
    (op.hlc, op.device_id, op.id)
}

/// Imports a bundle file. Either everything in it is merged, or nothing is written and the
/// error names the file and the problem.
pub fn import(db: &mut Db, path: &Path) -> Result<ImportReport> {
    import_bundle(db, bundle::read(path)?, path)
}

/// As [`import`], for a bundle already read (the hub's pages); `path` names it in messages.
pub fn import_bundle(db: &mut Db, bundle: Bundle, path: &Path) -> Result<ImportReport> {
    import_bundle_with(db, bundle, path, Backup::IfBig)
}

/// Whether a merge first takes the automatic backup a big change gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backup {
    /// Before merging `backup::BIG_CHANGE` new operations or more.
    IfBig,
    /// Not again: the caller's run (a hub pull's later pages) already took one, and a copy of
    /// the whole file per page would make a big join quadratic.
    Taken,
}

pub fn import_bundle_with(db: &mut Db, bundle: Bundle, path: &Path, backup: Backup) -> Result<ImportReport> {
    let Bundle { header, ops } = bundle;
    if header.schema_version > SCHEMA_VERSION {
        return Err(bad(
            "schema_too_new",
            path,
            format!(
                "数据包来自更新版本的 Jingdi（结构版本 {}，本机 {}），请先升级本机",
                header.schema_version, SCHEMA_VERSION
            ),
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
                format!(
                    "数据包属于另一个项目「{}」（{}），与本机的同编号项目「{}」不是同一个项目",
                    header.project_name, header.project_code, p.name
                ),
            ));
        }
        if !header.full {
            return Err(bad(
                "not_joined",
                path,
                format!("本机还没有项目「{}」，请先导入该项目的完整数据包", header.project_name),
            ));
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
                    format!("数据包省略了设备 {device} 的前 {since} 号操作，而本机只有到第 {have} 号；请对方导出完整数据包（--full）后再导入"),
                ));
            }
        }
    }

    // ---- check every operation before writing anything
    let project = header.project_id;
    super::check::membership(project, &ops, path)?;
    let (new_ops, known, clashes) = split_known(conn, ops, path)?;
    super::check::values(&new_ops, path)?;
    super::check::clocks(&new_ops, chrono::Utc::now().timestamp_millis(), &header.sender_name, path)?;
    // Signatures and chains before anything else is decided: a forged operation refuses
    // the whole bundle, naming its device. (A validly signed operation that clashes with
    // one held here is a fault of its device, held back below.)
    signing::verify_new(conn, &new_ops, &header.keys).map_err(|r| {
        let name = super::folder::peers(conn, project)
            .ok()
            .and_then(|ps| ps.into_iter().find(|p| p.device_id == r.device).map(|p| p.name))
            .filter(|n| !n.is_empty())
            .or_else(|| {
                (r.device == header.sender_device && !header.sender_name.is_empty()).then(|| header.sender_name.clone())
            });
        let message = match name {
            Some(n) => format!("设备「{n}」：{}", r.message),
            None => r.message,
        };
        bad(r.problem, path, message)
    })?;
    let (new_ops, held_back) = hold_back(new_ops, &clashes);
    let backed_up = backup == Backup::IfBig
        && crate::backup::before_big_change(db, crate::backup::Kind::BeforeMerge, new_ops.len())?.is_some();

    // The records the new operations change (append-only records are only ever created).
    let mut changed: BTreeMap<Uuid, Vec<&Op>> = BTreeMap::new();
    for op in new_ops.iter().filter(|o| o.action != Action::Append) {
        changed.entry(op.entity_id).or_default().push(op);
    }
    let changed_ids: Vec<Uuid> = changed.keys().copied().collect();
    // ---- write: union of operations, replay of what they touch, conflicts
    let mut report = ImportReport {
        file: path.display().to_string(),
        project_code: header.project_code.clone(),
        sender_device: header.sender_device,
        sender_name: header.sender_name.clone(),
        joined: here.is_none(),
        new_operations: new_ops.len(),
        known_operations: known,
        held_back: held_back_report(conn, project, &header, &clashes, &held_back)?,
        backed_up,
        ..Default::default()
    };
    let me = db.device_id();
    // A big merge touches far more pages than the default cache holds; with room for all
    // of them, nothing is written out and read back before the commit.
    let cache: i64 = db.conn().pragma_query_value(None, "cache_size", |r| r.get(0))?;
    db.conn().pragma_update(None, "cache_size", MERGE_CACHE_KIB)?;
    // Nor is the WAL copied into the database file at this commit (SQLite would, the WAL
    // being far past its threshold): a second connection does that after the merge returns.
    let autocheckpoint: i64 = db.conn().pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))?;
    db.conn().pragma_update(None, "wal_autocheckpoint", 0)?;
    // Nor does the commit wait for the disk: a merge lost to a power cut before the
    // checkpoint below is made again by importing the bundle again, and it holds no
    // operation this laptop wrote that is not also in the log already (ARCHITECTURE.md,
    // "Durability").
    db.conn().pragma_update(None, "synchronous", "NORMAL")?;
    let db_path = db.path().to_path_buf();
    let written = db.write_raw(|conn| {
        conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        // The checks that read the log run on a second connection while this one appends.
        // Begun after this transaction took the write lock, it reads the log just as this
        // transaction found it (a WAL snapshot), and the merge uses both cores.
        let (held, appended) = std::thread::scope(|s| {
            let reader = s.spawn(|| {
                let c = crate::db::connect(&db_path, true)?;
                held_and_checked(&c, project, &new_ops, &changed_ids, path)
            });
            let appended = append_all_to_log(conn, &new_ops);
            (reader.join().expect("the merge's reader thread panicked"), appended)
        });
        // A broken reference is reported before a clash in the log, as when the checks
        // ran before writing.
        let mut held = held?;
        appended.map_err(|(op, e)| match e {
            // Only a forged bundle gets here: an id or (device, seq) held under another
            // operation than the one checked above. Everything is rolled back.
            Error::Sqlite(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                bad(
                    "tampered",
                    path,
                    format!("{} 的编号或设备序号 {} 已被本机另一操作占用，数据包可能被篡改", describe(op), op.seq),
                )
            }
            other => other,
        })?;
        let mut marks: BTreeMap<Uuid, (i64, i64)> = BTreeMap::new();
        for op in &new_ops {
            let m = marks.entry(op.device_id).or_insert((0, 0));
            *m = (m.0.max(op.seq), m.1.max(op.hlc));
            *report.from_devices.entry(op.device_id).or_default() += 1;
            if op.entity == Entity::Visit {
                report.visits += 1;
            } else {
                report.changes += 1;
            }
        }
        for device in marks.keys() {
            if let Some(key) = header.keys.get(device) {
                // Checked against any key bound here by `verify_new`.
                signing::bind(conn, *device, key)?;
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
        let sender = (header.sender_device, header.sender_name.as_str());
        let broken = |ops: &[&Op], e: Error| match e {
            Error::Sqlite(s) => {
                let (entity, id) = (ops[0].entity, ops[0].entity_id);
                let message = same_name_twice(conn, ops, &s, me, sender)
                    .unwrap_or_else(|| format!("合并{} {id} 时违反数据约束：{s}", entity.id()));
                bad("rule_broken", path, message)
            }
            other => other,
        };
        // Parents before children, so a replayed row finds what it references.
        let mut order: Vec<(usize, Uuid, Option<&Op>)> = new_ops
            .iter()
            .filter(|o| o.action == Action::Append)
            .map(|o| (entity_rank(o.entity), o.entity_id, Some(o)))
            .chain(changed.iter().map(|(id, ops)| (entity_rank(ops[0].entity), *id, None)))
            .collect();
        order.sort_by_key(|(rank, id, _)| (*rank, *id));
        // New append-only records go in many rows per statement; `pending` holds those
        // met since the last record that needed replaying.
        let mut pending: Vec<&Op> = Vec::new();
        let flush = |pending: &mut Vec<&Op>| -> Result<()> {
            insert_all(conn, pending).map_err(|(op, e)| broken(&[op], e))?;
            pending.clear();
            Ok(())
        };
        for (_, id, appended) in order {
            // An append-only record (a visit, a stage event) has exactly one operation, and
            // it is new: insert it as it is; nothing to fold, nothing to conflict with.
            if let Some(op) = appended {
                pending.push(op);
                continue;
            }
            flush(&mut pending)?;
            let fresh = &changed[&id];
            let entity = fresh[0].entity;
            let mine = held.remove(&id).unwrap_or_default();
            // Every operation on the record, in replay order: what it held, and what is new.
            let mut ops: Vec<&Op> = mine.iter().chain(fresh.iter().copied()).collect();
            ops.sort_by_key(|a| replay_key(a));
            // Fields no new operation sets keep their replayed value; a record new here is
            // written whole.
            let fields: BTreeSet<&str> = fresh.iter().flat_map(|o| o.fields.0.keys().map(String::as_str)).collect();
            let only = if mine.is_empty() { None } else { Some(&fields) };
            materialise(conn, entity, id, &ops, only).map_err(|e| broken(&ops, e))?;
            report.conflicts += super::conflicts::detect(conn, project, &ops, &new_ids, &now)?;
            if entity == Entity::CompensationItem {
                report.violations += super::review::items(conn, project, &ops, &new_ids, &now)?;
            }
        }
        flush(&mut pending)?;
        // Who wrote them: admitted devices, within their roles (admissions and keys in this
        // bundle included, so after applying; a refusal rolls everything back).
        crate::admission::check_merged(conn, project, &new_ops, path)?;
        report.violations += super::review::blocked(conn, project, &new_ops, &new_ids, &now)?;
        if header.sender_device != me {
            super::folder::record_peer(conn, project, &header, &now)?;
        }
        Ok(())
    });
    db.conn().pragma_update(None, "cache_size", cache)?;
    db.conn().pragma_update(None, "wal_autocheckpoint", autocheckpoint)?;
    db.conn().pragma_update(None, "synchronous", "FULL")?;
    written?;
    db.checkpoint_in_background();
    // Freeing a big bundle's parsed operations is a noticeable part of its merge; the
    // caller need not wait for it.
    drop(changed);
    std::thread::spawn(move || drop(new_ops));
    Ok(report)
}

fn held_back_report(
    conn: &Connection,
    project: Uuid,
    header: &bundle::Header,
    clashes: &BTreeMap<Uuid, Clash>,
    held: &BTreeMap<Uuid, (i64, usize)>,
) -> Result<Vec<HeldBackDevice>> {
    let names: HashMap<Uuid, String> =
        super::folder::peers(conn, project)?.into_iter().map(|p| (p.device_id, p.name)).collect();
    let name_of = |d: Uuid| match names.get(&d).filter(|n| !n.is_empty()) {
        Some(n) => n.clone(),
        None if d == header.sender_device => header.sender_name.clone(),
        None => String::new(),
    };
    let shown = |d: Uuid| match name_of(d) {
        n if n.is_empty() => format!("设备 {}", &d.to_string()[..8]),
        n => format!("设备「{n}」（{}）", &d.to_string()[..8]),
    };
    let mut out = Vec::new();
    for (device, (from_seq, operations)) in held {
        let message = match clashes.get(device) {
            Some(c) => format!(
                "{}的第 {from_seq} 号操作{}。同一设备的同一序号只能对应一个操作，这只可能是故障或伪造。                 该设备自第 {from_seq} 号起的 {operations} 条操作未合并，数据包中其余设备的操作已照常合并；请核实该设备的数据（可在该设备上运行 jingdi check）后再同步",
                shown(*device),
                if c.same_id { "在数据包中的内容与本机已有的不同" } else { "与本机已有的另一操作占用了同一序号" },
            ),
            None => format!(
                "{}自第 {from_seq} 号起的 {operations} 条操作建立在上述未合并的操作之上，一并暂不合并",
                shown(*device)
            ),
        };
        out.push(HeldBackDevice {
            device_id: *device,
            name: name_of(*device),
            from_seq: *from_seq,
            operations: *operations,
            clashed: clashes.contains_key(device),
            message,
        });
    }
    // The clashing devices first.
    out.sort_by_key(|h| !h.clashed);
    Ok(out)
}

/// Every operation on one record, in replay order.
pub(crate) fn ops_of(conn: &Connection, entity_id: Uuid) -> Result<Vec<Op>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {OP_COLUMNS} FROM oplog WHERE entity_id = ?1 {REPLAY_ORDER}"))?;
    let mut rows = stmt.query([entity_id.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(op_from_row(r)?);
    }
    Ok(out)
}

fn entity_rank(e: Entity) -> usize {
    e.rank()
}
