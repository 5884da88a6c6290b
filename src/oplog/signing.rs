//! Signed operations: who wrote an operation, provably, and that nothing of a device's log
//! was left out, reordered or edited.
//!
//! Each installation has an Ed25519 key pair, created once and kept in its registry
//! ([`crate::identity::Installation::signing_key`]); every device id it gives out writes
//! under that key. An operation is signed over its [`canonical`] bytes, which include
//! `prev`: the [`hash`] of the previous operation of the same device (none for a device's
//! first). So a device's operations form a hash chain; a signature covers the whole chain
//! behind it. Keys are bound to devices in `device_keys` (travelling in bundle headers);
//! a device keeps the key it was first seen with.
//!
//! Operations written before signing existed (schema version < this migration) carry no
//! signature: they are accepted as they are, but only before the first signed operation
//! of their device (see [`verify_new`]).

use super::Op;
use crate::error::{Error, Result};
pub use ed25519_dalek::SigningKey;
use ed25519_dalek::{Signature, Signer as _, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The prefix of every signed message: a signature made for anything else never verifies.
const DOMAIN: &[u8] = b"JINGDI-OP 1\n";

/// The operation as signed: every field but the signature, in a fixed order; maps are
/// sorted (BTreeMap), so the bytes depend only on the values.
#[derive(Serialize)]
struct Canonical<'a> {
    id: &'a Uuid,
    device_id: &'a Uuid,
    seq: i64,
    hlc: i64,
    author: &'a str,
    project_id: &'a Option<Uuid>,
    entity: &'static str,
    entity_id: &'a Uuid,
    action: &'static str,
    fields: &'a super::Fields,
    reason: &'a Option<String>,
    recorded_at: &'a str,
    context: &'a BTreeMap<Uuid, i64>,
    prev: &'a Option<String>,
}

/// The bytes an operation's signature covers.
pub fn canonical(op: &Op) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(DOMAIN);
    serde_json::to_writer(
        &mut out,
        &Canonical {
            id: &op.id,
            device_id: &op.device_id,
            seq: op.seq,
            hlc: op.hlc,
            author: &op.author,
            project_id: &op.project_id,
            entity: op.entity.id(),
            entity_id: &op.entity_id,
            action: op.action.id(),
            fields: &op.fields,
            reason: &op.reason,
            recorded_at: &op.recorded_at,
            context: &op.context,
            prev: &op.prev,
        },
    )
    .expect("operations serialise");
    out
}

/// What the next operation of the same device names as `prev`: SHA-256 of the canonical
/// bytes and the signature, hex. Covering the signature too, a device's chain commits to
/// everything it wrote: checking the chain and the signature of its newest operation checks
/// all of it (see [`verify_new`]).
pub fn hash(op: &Op) -> String {
    let mut h = Sha256::new();
    h.update(canonical(op));
    if let Some(sig) = &op.sig {
        h.update(b"\n");
        h.update(sig.as_bytes());
    }
    hex(&h.finalize())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Signs `op` (whose `prev` is already set).
pub fn sign(key: &SigningKey, op: &mut Op) {
    op.sig = Some(hex(&key.sign(&canonical(op)).to_bytes()));
}

/// A new random signing key (an installation's, once).
pub fn generate() -> SigningKey {
    let mut seed = [0u8; 32];
    rand::Rng::fill(&mut rand::rng(), &mut seed);
    SigningKey::from_bytes(&seed)
}

/// A signing key from its hex text (as the registry keeps it).
pub fn key_from_hex(s: &str) -> Option<SigningKey> {
    unhex::<32>(s).map(|b| SigningKey::from_bytes(&b))
}

/// A public key from its hex text, refusing weak (small-order) keys.
pub fn public_from_hex(s: &str) -> Option<VerifyingKey> {
    let k = VerifyingKey::from_bytes(&unhex::<32>(s)?).ok()?;
    (!k.is_weak()).then_some(k)
}

pub fn public_hex(key: &SigningKey) -> String {
    hex(key.verifying_key().as_bytes())
}

/// Whether `op`'s signature is valid under `key` (strict: no malleable signature).
pub fn verifies(key: &VerifyingKey, op: &Op) -> bool {
    let Some(sig) = op.sig.as_deref().and_then(unhex::<64>) else { return false };
    key.verify_strict(&canonical(op), &Signature::from_bytes(&sig)).is_ok()
}

/// Signs any message (an admission: `crate::admission`), hex.
pub fn sign_bytes(key: &SigningKey, message: &[u8]) -> String {
    hex(&key.sign(message).to_bytes())
}

/// Whether `sig` (hex) is a valid signature of `message` under `public` (hex), strictly.
pub fn verifies_bytes(public: &str, message: &[u8], sig: &str) -> bool {
    let (Some(k), Some(sig)) = (public_from_hex(public), unhex::<64>(sig)) else { return false };
    k.verify_strict(message, &Signature::from_bytes(&sig)).is_ok()
}

/// The public key bound to `device` here, if any.
pub fn device_key(conn: &Connection, device: Uuid) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT public_key FROM device_keys WHERE device_id = ?1")?
        .query_row([device.to_string()], |r| r.get(0))
        .optional()?)
}

/// Every key bound here, by device.
pub fn device_keys(conn: &Connection) -> Result<BTreeMap<Uuid, String>> {
    let mut stmt = conn.prepare_cached("SELECT device_id, public_key FROM device_keys")?;
    let rows = stmt.query_map([], |r| Ok((crate::read::uuid(r, 0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Binds `key` to `device`; a device keeps the key it was first bound to. Returns false
/// (changing nothing) when it is already bound to another key.
pub fn bind(conn: &Connection, device: Uuid, key: &str) -> Result<bool> {
    conn.prepare_cached("INSERT OR IGNORE INTO device_keys (device_id, public_key) VALUES (?1, ?2)")?
        .execute(params![device.to_string(), key])?;
    Ok(device_key(conn, device)?.as_deref() == Some(key))
}

/// The hash of `device`'s operation number `seq` in the log, if the log holds it.
pub fn logged_hash(conn: &Connection, device: Uuid, seq: i64) -> Result<Option<String>> {
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {} FROM oplog WHERE device_id = ?1 AND seq = ?2", super::apply::OP_COLUMNS))?;
    let mut rows = stmt.query(params![device.to_string(), seq])?;
    match rows.next()? {
        Some(r) => Ok(Some(hash(&super::apply::op_from_row(r)?))),
        None => Ok(None),
    }
}

/// Why a merge refuses operations: the problem (`bundle.<problem>`) and the message.
pub struct Refusal {
    pub problem: &'static str,
    pub device: Uuid,
    pub message: String,
}

/// Checks the signatures and chains of the operations a merge would add (`new_ops`; those
/// it already holds are byte-equal to the log's and were checked when they arrived).
///
/// For each device: its key is the one bound here, else the one the bundle brings (`keys`);
/// a bundle bringing another key for a bound device is refused. Its operations, in sequence
/// order, must each name the hash of the one before (in the bundle, or in the log for the
/// first new one), and the newest must carry a valid signature. That checks every one of
/// them: each signature covers `prev`, the hash of the operation before, which covers that
/// one's signature and `prev`, and so on back to what the log already holds; an edited,
/// missing or reordered operation breaks the chain at the next one. So one signature per
/// device and a hash per operation are checked, not a signature per operation (about 40 µs
/// each: seconds for a big bundle). Where the chain breaks, the two operations' own
/// signatures say whether one was edited (`bad_signature`, naming it) or one is missing
/// (`broken_chain`).
///
/// An unsigned operation (written before signing existed) is accepted only before the
/// device's first signed one, here or in the bundle.
pub fn verify_new(conn: &Connection, new_ops: &[Op], keys: &BTreeMap<Uuid, String>) -> Result<(), Refusal> {
    let io = |device: Uuid| move |e: Error| Refusal { problem: "unreadable", device, message: e.to_string() };
    let mut by_device: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (i, op) in new_ops.iter().enumerate() {
        by_device.entry(op.device_id).or_default().push(i);
    }
    // The hashes, the bulk of the work, on every core.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let chunk = new_ops.len().div_ceil(threads).max(1024);
    let hashes: Vec<String> = std::thread::scope(|s| {
        let parts: Vec<_> =
            new_ops.chunks(chunk).map(|part| s.spawn(move || part.iter().map(hash).collect::<Vec<_>>())).collect();
        parts.into_iter().flat_map(|p| p.join().expect("a hashing thread panicked")).collect()
    });
    for (device, idx) in by_device.iter_mut() {
        let device = *device;
        let refuse = |problem, message: String| Refusal { problem, device, message };
        // The device's key: the one bound here, else the one the bundle brings.
        let bound = device_key(conn, device).map_err(io(device))?;
        let key = match (&bound, keys.get(&device)) {
            (Some(b), Some(k)) if b != k => {
                return Err(refuse(
                    "key_mismatch",
                    format!("数据包为设备 {} 给出的公钥与本机记录的不同：数据包可能被伪造", short(device)),
                ))
            }
            (Some(b), _) => Some(b.clone()),
            (None, k) => k.cloned(),
        };
        let key = match key {
            Some(k) => Some(
                public_from_hex(&k)
                    .ok_or_else(|| refuse("unknown_key", format!("设备 {} 的公钥「{k}」无效", short(device))))?,
            ),
            None => None,
        };
        let forged = |op: &Op| match &key {
            Some(k) => op.sig.is_some() && !verifies(k, op),
            None => op.sig.is_some(),
        };
        let bad_signature = |op: &Op| refuse("bad_signature", format!("{}签名无效：内容被改动或为伪造", what(op)));
        idx.sort_by_key(|&i| new_ops[i].seq);
        // The device's first signed operation: unsigned ones after it are forgeries.
        let first_signed: Option<i64> = conn
            .prepare_cached("SELECT min(seq) FROM oplog WHERE device_id = ?1 AND sig IS NOT NULL")
            .and_then(|mut s| s.query_row([device.to_string()], |r| r.get(0)))
            .map_err(|e| io(device)(e.into()))?;
        let mut signed_from = first_signed.unwrap_or(i64::MAX);
        let mut newest_signed: Option<&Op> = None;
        for (n, &i) in idx.iter().enumerate() {
            let op = &new_ops[i];
            if op.sig.is_none() {
                if op.seq > signed_from {
                    return Err(refuse(
                        "unsigned",
                        format!("{}没有签名，而该设备此前的操作已签名：数据包可能被篡改", what(op)),
                    ));
                }
                continue;
            }
            signed_from = signed_from.min(op.seq);
            newest_signed = Some(op);
            let before = n.checked_sub(1).map(|m| idx[m]).filter(|&j| new_ops[j].seq == op.seq - 1);
            let expected = match before {
                _ if op.seq == 1 => None,
                Some(j) => Some(hashes[j].clone()),
                None => logged_hash(conn, device, op.seq - 1).map_err(io(device))?,
            };
            if (expected.is_none() && op.seq != 1) || op.prev != expected {
                if let Some(j) = before.filter(|&j| forged(&new_ops[j])) {
                    return Err(bad_signature(&new_ops[j]));
                }
                if forged(op) {
                    return Err(bad_signature(op));
                }
                return Err(refuse(
                    "broken_chain",
                    format!("{}与该设备的上一条操作衔接不上（缺失、顺序被打乱或被改动）：数据包可能被篡改", what(op)),
                ));
            }
        }
        if let Some(op) = newest_signed {
            if key.is_none() {
                return Err(refuse(
                    "unknown_key",
                    format!("设备 {} 的操作已签名，但数据包和本机都没有该设备的公钥", short(device)),
                ));
            }
            if forged(op) {
                return Err(bad_signature(op));
            }
        }
    }
    Ok(())
}

/// `jingdi check`: every device's chain in the log unbroken, unsigned operations only before
/// its first signed one, and its newest signed operation verifying under its bound key (which
/// vouches for the whole chain, as in [`verify_new`]). Returns what is wrong, in Chinese.
pub fn check_log(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("SELECT {} FROM oplog ORDER BY device_id, seq", super::apply::OP_COLUMNS))?;
    let mut rows = stmt.query([])?;
    let mut problems = Vec::new();
    let mut last: Option<(Op, String)> = None;
    let mut newest_signed: BTreeMap<Uuid, Op> = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let op = super::apply::op_from_row(r)?;
        let h = hash(&op);
        let before = last.take().filter(|(p, _)| p.device_id == op.device_id);
        let signed_before = newest_signed.contains_key(&op.device_id);
        match (&op.sig, &before) {
            (None, _) if signed_before => problems.push(format!("{}没有签名，而该设备此前的操作已签名", what(&op))),
            (None, _) => {}
            (Some(_), Some((p, ph))) if p.seq == op.seq - 1 && op.prev.as_ref() == Some(ph) => {}
            (Some(_), None) if op.seq == 1 && op.prev.is_none() => {}
            (Some(_), _) => problems.push(format!("{}与该设备的上一条操作衔接不上", what(&op))),
        }
        if op.sig.is_some() {
            newest_signed.insert(op.device_id, op.clone());
        }
        last = Some((op, h));
    }
    for (device, op) in &newest_signed {
        match device_key(conn, *device)?.as_deref().and_then(public_from_hex) {
            None => problems.push(format!("设备 {} 的操作已签名，但本机没有它的公钥", short(*device))),
            Some(k) if !verifies(&k, op) => problems.push(format!("{}签名无效", what(op))),
            Some(_) => {}
        }
    }
    Ok(problems)
}

fn what(op: &Op) -> String {
    format!("设备 {} 的第 {} 号操作（{} {}）", short(op.device_id), op.seq, op.entity.id(), op.entity_id)
}

fn short(device: Uuid) -> String {
    device.to_string()[..8].to_string()
}
