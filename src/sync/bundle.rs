//! The bundle file: a magic line, then a gzip stream holding one JSON header line and one
//! JSON operation per line. The header carries the project, the sender, the schema version,
//! the operation count and a SHA-256 of the operation lines, so that a truncated, damaged
//! or edited file is recognised before anything is written.

use crate::error::{Error, Result};
use crate::oplog::Op;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use uuid::Uuid;

pub const MAGIC: &[u8] = b"JINGDI-BUNDLE 1\n";
pub const EXTENSION: &str = "jdb";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Header {
    pub format: u32,
    pub schema_version: i64,
    pub project_id: Uuid,
    pub project_code: String,
    pub project_name: String,
    pub sender_device: Uuid,
    pub sender_name: String,
    pub created_at: String,
    /// True when the bundle holds every operation of the project (a new laptop can join with it).
    pub full: bool,
    /// What the sender held when writing it: device → highest sequence number.
    pub seen: BTreeMap<Uuid, i64>,
    /// The bundle leaves out, per device, the operations up to this sequence number (held
    /// by every known peer). Empty for a full bundle. A recipient holding less is refused.
    #[serde(default)]
    pub since: BTreeMap<Uuid, i64>,
    pub op_count: usize,
    pub ops_sha256: String,
    /// The public key (hex) of each device whose operations the bundle carries, so a
    /// recipient that has not met the device yet can check its signatures
    /// (`oplog::signing`). A device keeps the key it was first seen with.
    #[serde(default)]
    pub keys: BTreeMap<Uuid, String>,
}

pub struct Bundle {
    pub header: Header,
    pub ops: Vec<Op>,
}

fn bad(problem: &'static str, path: &Path, message: impl Into<String>) -> Error {
    Error::Bundle { problem, path: path.display().to_string(), message: message.into() }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bundle's bytes: the magic line, then the gzip stream of header and operations. What
/// [`write`] puts in a file and what a laptop sends to a hub.
pub fn encode(mut header: Header, ops: &[Op]) -> Vec<u8> {
    let mut payload = Vec::with_capacity(ops.len() * 400);
    for op in ops {
        serde_json::to_writer(&mut payload, op).expect("operations serialise");
        payload.push(b'\n');
    }
    header.op_count = ops.len();
    header.ops_sha256 = hex(&Sha256::digest(&payload));
    let mut out = Vec::with_capacity(payload.len() / 4 + 256);
    out.extend_from_slice(MAGIC);
    let mut gz = GzEncoder::new(out, flate2::Compression::default());
    serde_json::to_writer(&mut gz, &header).expect("header serialises");
    gz.write_all(b"\n").expect("writing to memory");
    gz.write_all(&payload).expect("writing to memory");
    gz.finish().expect("writing to memory")
}

/// Writes the bundle atomically (a temporary file renamed into place), so a reader of a
/// sync folder never sees half a file. Returns the file size in bytes.
pub fn write(path: &Path, header: Header, ops: &[Op]) -> Result<u64> {
    let bytes = encode(header, ops);
    let tmp = path.with_extension(format!("{EXTENSION}.partial"));
    {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename itself is durable only once the folder is.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(std::fs::metadata(path)?.len())
}

/// Reads and checks a bundle; any problem is an error naming the file and what is wrong.
///
/// The operation lines are parsed while the rest is still being decompressed: each block
/// of whole lines goes to a thread of its own as soon as it is out of the gzip stream, and
/// the checksum runs over the same bytes. Nothing parsed is used unless the checksum agrees.
pub fn read(path: &Path) -> Result<Bundle> {
    let file = std::fs::File::open(path).map_err(|e| bad("unreadable", path, format!("无法打开：{e}")))?;
    read_from(file, path)
}

/// As [`read`], from any stream (a hub reads a request body); `path` names it in errors.
pub fn read_from(source: impl Read, path: &Path) -> Result<Bundle> {
    let mut reader = BufReader::new(source);
    let mut magic = vec![0u8; MAGIC.len()];
    if reader.read_exact(&mut magic).is_err() || magic != MAGIC {
        return Err(bad("not_a_bundle", path, "不是 Jingdi 同步数据包（文件头不符）"));
    }
    let unzip_failed = |e: std::io::Error| bad("damaged", path, format!("数据包已损坏或不完整（解压失败：{e}）"));
    // Everything read from the gzip stream counts against MAX_UNZIPPED: a small file that
    // unzips to gigabytes (a gzip bomb) is refused when it passes the limit, not after.
    let mut gz = BufReader::with_capacity(BLOCK, GzDecoder::new(reader).take(MAX_UNZIPPED + 1));
    let mut first = Vec::new();
    (&mut gz).take(MAX_HEADER as u64 + 1).read_until(b'\n', &mut first).map_err(unzip_failed)?;
    if first.len() > MAX_HEADER {
        return Err(bad("too_large", path, format!("数据包头超过 {} KiB，不是 Jingdi 写出的数据包", MAX_HEADER >> 10)));
    }
    let first = std::str::from_utf8(&first).map_err(|_| bad("damaged", path, "数据包头无法读取（不是 UTF-8 文本）"))?;
    let header: Header =
        serde_json::from_str(first.trim_end()).map_err(|e| bad("damaged", path, format!("数据包头无效：{e}")))?;
    if header.format != 1 {
        return Err(bad("unsupported", path, format!("数据包格式版本 {} 不受支持", header.format)));
    }
    if header.op_count > MAX_OPS {
        return Err(bad(
            "too_large",
            path,
            format!("数据包声明 {} 条操作，超过一个数据包的上限 {MAX_OPS} 条", header.op_count),
        ));
    }
    let mut unzipped = first.len() as u64;
    let mut sha = Sha256::new();
    // At most one block per core is waiting to be parsed; beyond that, decompressing waits.
    let in_flight = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let parsed = std::thread::scope(|s| -> Result<Vec<_>> {
        let mut parsed = Vec::new();
        let mut parsing = std::collections::VecDeque::new();
        let mut carry: Vec<u8> = Vec::new();
        loop {
            let mut block = std::mem::take(&mut carry);
            let start = block.len();
            block.resize(start + BLOCK, 0);
            let mut filled = start;
            // Fill the block, so that only its last line is cut short.
            while filled < block.len() {
                match gz.read(&mut block[filled..]).map_err(unzip_failed)? {
                    0 => break,
                    n => filled += n,
                }
            }
            block.truncate(filled);
            unzipped += (filled - start) as u64;
            if unzipped > MAX_UNZIPPED {
                return Err(bad(
                    "too_large",
                    path,
                    format!("数据包解压后超过 {} MiB 的上限，未导入（可能是损坏或恶意构造的文件）", MAX_UNZIPPED >> 20),
                ));
            }
            sha.update(&block[start..]);
            let end = filled < start + BLOCK;
            if !end {
                let cut = block.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
                carry = block.split_off(cut);
                if carry.len() > MAX_LINE {
                    return Err(bad(
                        "too_large",
                        path,
                        format!("数据包中有一行超过 {} MiB，不是一条有效的操作", MAX_LINE >> 20),
                    ));
                }
            }
            if !block.is_empty() {
                if parsing.len() == in_flight {
                    parsed.push(join(parsing.pop_front().expect("in_flight is at least 1")));
                }
                parsing.push_back(s.spawn(move || parse_block(&block)));
            }
            if end {
                break;
            }
        }
        parsed.extend(parsing.into_iter().map(join));
        Ok(parsed)
    })?;
    if hex(&sha.finalize()) != header.ops_sha256 {
        return Err(bad("checksum", path, "校验和不符：数据包在传输中损坏或被修改"));
    }
    let mut ops = Vec::with_capacity(header.op_count.min(parsed.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum()));
    for block in parsed {
        match block {
            Ok(part) => ops.extend(part),
            Err((i, e)) => return Err(bad("damaged", path, format!("第 {} 条操作无法解析：{e}", ops.len() + i + 1))),
        }
    }
    if ops.len() != header.op_count {
        return Err(bad("damaged", path, format!("数据包声明 {} 条操作，实际 {} 条", header.op_count, ops.len())));
    }
    Ok(Bundle { header, ops })
}

/// How much of the decompressed stream one parser thread takes at a time: about 4,000
/// operations. A small bundle is one block, parsed on one thread.
const BLOCK: usize = 1 << 20;

/// The limits of a bundle, each refused with `bundle.too_large` before it is exceeded in
/// memory. The header is a few KiB (its `seen` map grows by one line per laptop); one
/// operation is at most a few hundred KiB (a parcel of 20,000 corners); the largest real
/// project (thousands of households with their whole history) is far below a million
/// operations and 1 GiB unzipped.
pub const MAX_HEADER: usize = 1 << 20;
pub const MAX_LINE: usize = 16 << 20;
pub const MAX_OPS: usize = 4_000_000;
pub const MAX_UNZIPPED: u64 = 1 << 30;

type Parsed = std::result::Result<Vec<Op>, (usize, serde_json::Error)>;

fn join(parsing: std::thread::ScopedJoinHandle<'_, Parsed>) -> Parsed {
    parsing.join().expect("a parser thread panicked")
}

/// Parses a block of whole operation lines; an error comes with the index of its line
/// among the block's operations.
fn parse_block(block: &[u8]) -> Parsed {
    block
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| serde_json::from_slice(line).map_err(|e| (i, e)))
        .collect()
}
