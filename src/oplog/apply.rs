//! Turning operations into rows. This module is the only code that writes the domain
//! tables (an integration test checks that no other source file does).

use super::{Action, Entity, Fields, Op};
use crate::error::{Error, Result};
use rusqlite::types::{Value as Sql, ValueRef};
use rusqlite::{params, Connection, Row};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

fn to_sql(column: &str, v: &Value) -> Result<Sql> {
    Ok(match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(*b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => return Err(Error::Corrupt(format!("字段 {column} 的数值 {n} 不是整数"))),
        },
        Value::String(s) => Sql::Text(s.clone()),
        Value::Array(_) | Value::Object(_) => Sql::Text(v.to_string()),
    })
}

/// Checks that an operation only names columns its entity has, and that its action
/// suits the entity (append-only records are never updated): what an operation must be
/// before its fields become SQL. Values are checked by [`crate::schema::check_op`].
pub fn check_shape(op: &Op) -> Result<()> {
    let spec = op.entity.spec();
    if let Some(bad) = op.fields.0.keys().find(|k| spec.field(k).is_none()) {
        return Err(Error::Corrupt(format!("操作 {} 设置了{}不存在的字段 {bad}", op.id, spec.id)));
    }
    match (spec.append_only, op.action) {
        (true, Action::Append) | (false, Action::Create | Action::Update) => Ok(()),
        _ => Err(Error::Corrupt(format!("操作 {} 对{}使用了不允许的动作 {}", op.id, spec.id, op.action.id()))),
    }
}

/// Applies one operation to the domain tables.
pub fn apply(conn: &Connection, op: &Op) -> Result<()> {
    check_shape(op)?;
    let spec = op.entity.spec();
    let cols: Vec<&String> = op.fields.0.keys().collect();
    let mut values: Vec<Sql> = Vec::with_capacity(cols.len() + 1);
    for (k, v) in &op.fields.0 {
        values.push(to_sql(k, v)?);
    }
    match op.action {
        Action::Create | Action::Append => {
            let names: Vec<&str> = cols.iter().map(|c| c.as_str()).collect();
            let marks = vec!["?"; cols.len() + 1].join(", ");
            let sql = format!(
                "INSERT INTO {} (id{}{}) VALUES ({marks})",
                spec.table,
                if names.is_empty() { "" } else { ", " },
                names.join(", ")
            );
            values.insert(0, Sql::Text(op.entity_id.to_string()));
            conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
        }
        Action::Update => {
            if cols.is_empty() {
                return Ok(());
            }
            let sets: Vec<String> = cols.iter().map(|c| format!("{c} = ?")).collect();
            let sql = format!("UPDATE {} SET {} WHERE id = ?", spec.table, sets.join(", "));
            values.push(Sql::Text(op.entity_id.to_string()));
            let n = conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
            if n != 1 {
                return Err(Error::Corrupt(format!("操作 {} 修改的{} {} 不存在", op.id, spec.id, op.entity_id)));
            }
        }
    }
    Ok(())
}

/// Inserts new records (creations and append-only records, none of which exists yet) as
/// [`apply`] does one by one, with one statement for each run of up to [`LOG_BATCH`]
/// operations on the same entity setting the same fields. The error comes with the
/// operation that caused it. A failed statement keeps the rows it wrote before the fault
/// (see [`append_all_to_log`] for why): the caller rolls the transaction back.
pub fn insert_all<'o>(conn: &Connection, ops: &[&'o Op]) -> std::result::Result<(), (&'o Op, Error)> {
    let mut rest = ops;
    while let Some(first) = rest.first().copied() {
        let same = |o: &&&Op| o.entity == first.entity && o.fields.0.keys().eq(first.fields.0.keys());
        let n = rest.iter().take(LOG_BATCH).take_while(same).count();
        let (run, tail) = rest.split_at(n);
        rest = tail;
        for op in run {
            check_shape(op).map_err(|e| (*op, e))?;
            if op.action == Action::Update {
                return Err((*op, Error::Corrupt(format!("操作 {} 修改已有记录，不能作为新记录插入", op.id))));
            }
        }
        insert_run(conn, run)?;
    }
    Ok(())
}

/// Which row of a multi-row `INSERT OR FAIL` that has just failed was at fault: the
/// statement stops there, and the rows it wrote before count as its changes.
fn at_fault(conn: &Connection, rows: usize) -> usize {
    (conn.changes() as usize).min(rows - 1)
}

/// One statement inserting checked operations on the same entity that set the same fields.
fn insert_run<'o>(conn: &Connection, run: &[&'o Op]) -> std::result::Result<(), (&'o Op, Error)> {
    let first = run[0];
    let spec = first.entity.spec();
    let cols: Vec<&str> = first.fields.0.keys().map(String::as_str).collect();
    let row = format!("(?{})", ", ?".repeat(cols.len()));
    let sql = format!(
        "INSERT OR FAIL INTO {} (id{}{}) VALUES {}",
        spec.table,
        if cols.is_empty() { "" } else { ", " },
        cols.join(", "),
        vec![row.as_str(); run.len()].join(", ")
    );
    let mut stmt = conn.prepare_cached(&sql).map_err(|e| (first, e.into()))?;
    let mut i = 0;
    for op in run {
        let fail = |e: rusqlite::Error| (*op, Error::from(e));
        i += 1;
        stmt.raw_bind_parameter(i, &*op.entity_id.hyphenated().encode_lower(&mut Uuid::encode_buffer()))
            .map_err(fail)?;
        for (k, v) in &op.fields.0 {
            i += 1;
            match v {
                Value::String(s) => stmt.raw_bind_parameter(i, s.as_str()).map_err(fail)?,
                other => stmt.raw_bind_parameter(i, to_sql(k, other).map_err(|e| (*op, e))?).map_err(fail)?,
            }
        }
    }
    stmt.raw_execute().map_err(|e| (run[at_fault(conn, run.len())], e.into()))?;
    Ok(())
}

/// Appends the operation to the log table (the log itself refuses updates and deletes).
pub fn append_to_log(conn: &Connection, op: &Op) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO oplog (id, device_id, seq, hlc, author, project_id, entity, entity_id, action,
                            fields, reason, recorded_at, context, prev, sig)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        op.id.to_string(),
        op.device_id.to_string(),
        op.seq,
        op.hlc,
        op.author,
        op.project_id.map(|p| p.to_string()),
        op.entity.id(),
        op.entity_id.to_string(),
        op.action.id(),
        serde_json::to_string(&op.fields).expect("fields serialise"),
        op.reason,
        op.recorded_at,
        serde_json::to_string(&op.context).expect("context serialises"),
        op.prev,
        op.sig,
    ])?;
    Ok(())
}

/// How many operations [`append_all_to_log`] writes with one statement.
pub const LOG_BATCH: usize = 64;

/// Appends operations to the log, [`LOG_BATCH`] rows per statement: one statement start
/// (cursors on the table and its four indexes, the `action` check list) for many rows.
///
/// `OR FAIL`: a statement that fails stops at the faulty row and keeps the rows before it;
/// the caller rolls the whole transaction back. Under the default `ABORT`, SQLite copies
/// every page a multi-row statement touches to a statement journal, so as to undo that
/// statement alone: about a sixth of a big merge's appending. The error names the
/// operation at fault.
pub fn append_all_to_log<'o>(conn: &Connection, ops: &'o [Op]) -> std::result::Result<(), (&'o Op, Error)> {
    let mut json: Vec<u8> = Vec::new();
    for chunk in ops.chunks(LOG_BATCH) {
        let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        let sql = format!(
            "INSERT OR FAIL INTO oplog (id, device_id, seq, hlc, author, project_id, entity, entity_id, action,
                                        fields, reason, recorded_at, context, prev, sig)
             VALUES {}",
            vec![row; chunk.len()].join(", ")
        );
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| (&chunk[0], e.into()))?;
        bind_log_rows(&mut stmt, chunk, &mut json).map_err(|e| (&chunk[0], e.into()))?;
        stmt.raw_execute().map_err(|e| (&chunk[at_fault(conn, chunk.len())], e.into()))?;
    }
    Ok(())
}

fn bind_log_rows(stmt: &mut rusqlite::CachedStatement, chunk: &[Op], json: &mut Vec<u8>) -> rusqlite::Result<()> {
    fn text(b: &[u8]) -> rusqlite::types::ToSqlOutput<'_> {
        rusqlite::types::ToSqlOutput::Borrowed(ValueRef::Text(b))
    }
    let mut i = 0;
    let mut bind = |v: &dyn rusqlite::ToSql| -> rusqlite::Result<()> {
        i += 1;
        stmt.raw_bind_parameter(i, v)
    };
    for op in chunk {
        let mut buf = Uuid::encode_buffer();
        bind(&&*op.id.hyphenated().encode_lower(&mut buf))?;
        bind(&&*op.device_id.hyphenated().encode_lower(&mut buf))?;
        bind(&op.seq)?;
        bind(&op.hlc)?;
        bind(&op.author)?;
        match op.project_id {
            Some(p) => bind(&&*p.hyphenated().encode_lower(&mut buf))?,
            None => bind(&rusqlite::types::Null)?,
        }
        bind(&op.entity.id())?;
        bind(&&*op.entity_id.hyphenated().encode_lower(&mut buf))?;
        bind(&op.action.id())?;
        json.clear();
        serde_json::to_writer(&mut *json, &op.fields).expect("fields serialise");
        bind(&text(json))?;
        bind(&op.reason)?;
        bind(&op.recorded_at)?;
        json.clear();
        serde_json::to_writer(&mut *json, &op.context).expect("context serialises");
        bind(&text(json))?;
        bind(&op.prev)?;
        bind(&op.sig)?;
    }
    Ok(())
}

pub const OP_COLUMNS: &str =
    "id, device_id, seq, hlc, author, project_id, entity, entity_id, action, fields, reason, recorded_at, context, prev, sig";

/// How many columns [`OP_COLUMNS`] selects; a query may select more after them.
pub const OP_COLUMN_COUNT: usize = 15;

fn parse_uuid(s: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|_| Error::Corrupt(format!("操作日志中的{what}「{s}」不是 UUID")))
}

/// Reads an operation from a row selected with [`OP_COLUMNS`].
pub fn op_from_row(row: &Row) -> Result<Op> {
    let id: String = row.get(0)?;
    let device: String = row.get(1)?;
    let project: Option<String> = row.get(5)?;
    let entity: String = row.get(6)?;
    let entity_id: String = row.get(7)?;
    let action: String = row.get(8)?;
    let fields: String = row.get(9)?;
    let context: String = row.get(12)?;
    Ok(Op {
        id: parse_uuid(&id, "id")?,
        device_id: parse_uuid(&device, "设备")?,
        seq: row.get(2)?,
        hlc: row.get(3)?,
        author: row.get(4)?,
        project_id: project.as_deref().map(|p| parse_uuid(p, "项目")).transpose()?,
        entity: Entity::parse(&entity)
            .ok_or_else(|| Error::Corrupt(format!("操作日志中的实体类型「{entity}」未知")))?,
        entity_id: parse_uuid(&entity_id, "实体")?,
        action: Action::parse(&action).ok_or_else(|| Error::Corrupt(format!("操作日志中的动作「{action}」未知")))?,
        fields: serde_json::from_str::<Fields>(&fields)
            .map_err(|e| Error::Corrupt(format!("操作 {id} 的字段不是 JSON 对象：{e}")))?,
        reason: row.get(10)?,
        recorded_at: row.get(11)?,
        context: serde_json::from_str(&context)
            .map_err(|e| Error::Corrupt(format!("操作 {id} 的因果上下文无效：{e}")))?,
        prev: row.get(13)?,
        sig: row.get(14)?,
    })
}

/// Brings one record to the state its operations give when replayed in order (each field
/// takes the value of the last operation that set it). Used when a merge brings operations
/// that may sort before ones already applied; the result equals a replay from scratch.
///
/// `only`: when the row already holds the replay of the record's earlier operations, the
/// fields the new ones set; every other field keeps its value, so only these are written.
/// `None` writes the whole record (and creates the row if it is missing).
pub fn materialise(
    conn: &Connection,
    entity: Entity,
    id: Uuid,
    ops_in_order: &[&Op],
    only: Option<&BTreeSet<&str>>,
) -> Result<()> {
    let spec = entity.spec();
    let mut state: BTreeMap<&str, &Value> = BTreeMap::new();
    for op in ops_in_order {
        check_shape(op)?;
        for (k, v) in &op.fields.0 {
            state.insert(k.as_str(), v);
        }
    }
    if let Some(only) = only {
        let cols: Vec<&str> = state.keys().copied().filter(|k| only.contains(k)).collect();
        if cols.is_empty() {
            return Ok(());
        }
        let mut values: Vec<Sql> = Vec::with_capacity(cols.len() + 1);
        for c in &cols {
            values.push(to_sql(c, state[c])?);
        }
        values.push(Sql::Text(id.to_string()));
        let sets: Vec<String> = cols.iter().map(|c| format!("{c} = ?")).collect();
        let n = conn
            .prepare_cached(&format!("UPDATE {} SET {} WHERE id = ?", spec.table, sets.join(", ")))?
            .execute(rusqlite::params_from_iter(values))?;
        if n == 1 {
            return Ok(());
        }
        // The row is missing after all: write the whole record below.
    }
    let exists: bool = conn
        .prepare_cached(&format!("SELECT count(*) > 0 FROM {} WHERE id = ?1", spec.table))?
        .query_row([id.to_string()], |r| r.get(0))?;
    let mut values: Vec<Sql> = Vec::with_capacity(state.len() + 1);
    for (k, v) in &state {
        values.push(to_sql(k, v)?);
    }
    let cols: Vec<&str> = state.keys().copied().collect();
    if exists {
        if cols.is_empty() {
            return Ok(());
        }
        let sets: Vec<String> = cols.iter().map(|c| format!("{c} = ?")).collect();
        values.push(Sql::Text(id.to_string()));
        conn.prepare_cached(&format!("UPDATE {} SET {} WHERE id = ?", spec.table, sets.join(", ")))?
            .execute(rusqlite::params_from_iter(values))?;
    } else {
        let marks = vec!["?"; cols.len() + 1].join(", ");
        values.insert(0, Sql::Text(id.to_string()));
        let sql = format!(
            "INSERT INTO {} (id{}{}) VALUES ({marks})",
            spec.table,
            if cols.is_empty() { "" } else { ", " },
            cols.join(", ")
        );
        conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}
