use super::apply::{append_to_log, apply};
use super::clock::{hlc_next, Source};
use super::{Action, Entity, Fields, Op};
use crate::error::Result;
use ed25519_dalek::SigningKey;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;
use uuid::Uuid;

/// An open write: reads see the state as changed so far, and every change is an
/// operation appended to the log and applied in the same transaction. Dropping it
/// without [`crate::db::Db::write`] committing rolls everything back.
pub struct Tx<'a> {
    conn: &'a Connection,
    source: &'a mut dyn Source,
    device: Uuid,
    key: &'a SigningKey,
    /// The hash of this device's last operation: the next one's `prev`.
    prev: Option<String>,
    author: String,
    seq: i64,
    hlc: i64,
    reason: Option<String>,
    written: usize,
    /// This installation (absent in memory): the project keys it holds.
    installation: Option<&'a crate::identity::Installation>,
    /// Projects whose admission of this device was settled in this write.
    admitted: std::collections::BTreeSet<Uuid>,
    /// Per project touched: the causal context of this write (other devices' marks) and
    /// this device's highest sequence number on it.
    projects: BTreeMap<Uuid, (BTreeMap<Uuid, i64>, i64)>,
}

impl<'a> Tx<'a> {
    /// `own_clock`: a scripted device (the demo) keeps its own timeline; the local device
    /// follows everything it has seen, as a hybrid logical clock must.
    pub(crate) fn begin(
        conn: &'a Connection,
        source: &'a mut dyn Source,
        device: Uuid,
        key: &'a SigningKey,
        installation: Option<&'a crate::identity::Installation>,
        author: &str,
        own_clock: bool,
    ) -> Result<Self> {
        let (seq, own_hlc): (i64, i64) = conn
            .query_row("SELECT last_seq, last_hlc FROM devices WHERE device_id = ?1", [device.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?
            .unwrap_or((0, 0));
        let hlc = if own_clock {
            own_hlc
        } else {
            conn.query_row("SELECT coalesce(max(last_hlc), 0) FROM devices", [], |r| r.get(0))?
        };
        let prev = if seq == 0 { None } else { super::signing::logged_hash(conn, device, seq)? };
        Ok(Tx {
            conn,
            source,
            device,
            key,
            prev,
            author: author.to_string(),
            seq,
            hlc,
            reason: None,
            written: 0,
            installation,
            admitted: Default::default(),
            projects: BTreeMap::new(),
        })
    }

    /// Read access for validation; writes go through [`Tx::create`], [`Tx::update`], [`Tx::append`].
    pub fn conn(&self) -> &Connection {
        self.conn
    }

    pub fn author(&self) -> &str {
        &self.author
    }

    pub fn today(&mut self) -> chrono::NaiveDate {
        self.source.today()
    }

    pub fn now(&mut self) -> chrono::DateTime<chrono::Utc> {
        self.source.now()
    }

    pub fn new_id(&mut self) -> Uuid {
        self.source.uuid_v7()
    }

    /// The device this write records under.
    pub fn device(&self) -> Uuid {
        self.device
    }

    /// The public key this write signs with (hex).
    pub fn device_public_key(&self) -> String {
        super::signing::public_hex(self.key)
    }

    /// The device's last sequence number before the next operation.
    pub fn last_seq(&self) -> i64 {
        self.seq
    }

    /// The secret half of the project key `public`, if this installation holds it.
    pub fn project_secret(&self, public: &str) -> Result<Option<SigningKey>> {
        crate::admission::project_secret(self.installation, public)
    }

    /// Keeps a new project key in this installation (refused in memory: it would be lost).
    pub fn keep_project_key(&self, key: &SigningKey) -> Result<()> {
        match self.installation {
            Some(i) => i.keep_project_key(key),
            None => {
                Err(crate::error::Error::rule("role.not_owner", "内存中的数据库不能启用设备准入（项目密钥无处保存）"))
            }
        }
    }

    /// A laptop holding a project's key writes as 指挥部: on its first write to the project
    /// under a device id not yet admitted (the demo on any laptop; a restored file on the
    /// 指挥部 laptop), it admits that device first, in the same write.
    fn admit_self_if_owner(&mut self, project: Uuid) -> Result<()> {
        if !self.admitted.insert(project) {
            return Ok(());
        }
        if let crate::admission::Standing::Closed { owner_key, member: None, .. } =
            crate::admission::standing(self.conn, project, self.device)?
        {
            if let Some(secret) = self.project_secret(&owner_key)? {
                crate::admission::admit_self(self, project, &secret)?;
            }
        }
        Ok(())
    }

    /// The reason recorded with the operations that follow (a revert, an unlock, ...).
    pub fn with_reason(&mut self, reason: Option<&str>) {
        self.reason = reason.map(str::to_string);
    }

    pub fn create(&mut self, entity: Entity, id: Uuid, project: Option<Uuid>, fields: Fields) -> Result<()> {
        self.record(Action::Create, entity, id, project, fields)
    }

    pub fn update(&mut self, entity: Entity, id: Uuid, project: Option<Uuid>, fields: Fields) -> Result<()> {
        if fields.is_empty() {
            return Ok(());
        }
        self.record(Action::Update, entity, id, project, fields)
    }

    pub fn append(&mut self, entity: Entity, id: Uuid, project: Option<Uuid>, fields: Fields) -> Result<()> {
        self.record(Action::Append, entity, id, project, fields)
    }

    fn record(
        &mut self,
        action: Action,
        entity: Entity,
        entity_id: Uuid,
        project_id: Option<Uuid>,
        fields: Fields,
    ) -> Result<()> {
        if let Some(p) = project_id.filter(|_| entity != Entity::Member) {
            self.admit_self_if_owner(p)?;
        }
        let context = match project_id {
            Some(p) => {
                let seq = self.seq + 1;
                let entry = match self.projects.remove(&p) {
                    Some(e) => e,
                    None => (super::watermarks::others(self.conn, p, self.device)?, 0),
                };
                let context = entry.0.clone();
                self.projects.insert(p, (entry.0, seq));
                context
            }
            None => BTreeMap::new(),
        };
        let now = self.source.now();
        self.seq += 1;
        self.hlc = hlc_next(self.hlc, now.timestamp_millis());
        let mut op = Op {
            id: self.source.uuid_v7(),
            device_id: self.device,
            seq: self.seq,
            hlc: self.hlc,
            author: self.author.clone(),
            project_id,
            entity,
            entity_id,
            action,
            fields,
            reason: self.reason.clone(),
            recorded_at: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            context,
            prev: self.prev.take(),
            sig: None,
        };
        super::signing::sign(self.key, &mut op);
        self.prev = Some(super::signing::hash(&op));
        // The same check a merged or hub operation gets: a value no rule allows never reaches
        // the log, whichever module built it.
        crate::schema::check_op(&op).map_err(crate::schema::Invalid::into_error)?;
        // Whether this device may write it (admitted to the project, and its role).
        crate::admission::check_local(self.conn, &op)?;
        apply(self.conn, &op)?;
        append_to_log(self.conn, &op)?;
        self.written += 1;
        Ok(())
    }

    /// Saves this device's watermark; called once, just before commit.
    pub(crate) fn finish(self) -> Result<usize> {
        if self.written > 0 {
            self.conn.execute(
                "INSERT INTO devices (device_id, last_seq, last_hlc) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id) DO UPDATE SET last_seq = excluded.last_seq,
                     last_hlc = max(last_hlc, excluded.last_hlc)",
                params![self.device.to_string(), self.seq, self.hlc],
            )?;
            for (project, (_, seq)) in &self.projects {
                super::watermarks::raise(self.conn, *project, self.device, *seq)?;
            }
        }
        Ok(self.written)
    }
}
