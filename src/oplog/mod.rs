//! The operation log: the single door through which every change enters the database.
//!
//! A write opens a [`Tx`] (see [`crate::db::Db::write`]); each change it makes is an
//! [`Op`] — one entity, the fields it sets — that is appended to `oplog` and applied to the
//! domain tables by [`apply::apply`] in the same SQLite transaction. Because the domain
//! tables are only ever written by replaying operations, replaying the log from scratch
//! rebuilds them exactly ([`replay`]).

pub mod apply;
pub mod clock;
pub mod replay;
pub mod signing;
mod tx;
pub mod watermarks;

pub use tx::Tx;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

// The kinds of record and their fields are declared once, in `crate::schema`.
pub use crate::schema::{Entity, EntitySpec, ENTITIES};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Append,
}

impl Action {
    pub fn id(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Append => "append",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        match s {
            "create" => Some(Action::Create),
            "update" => Some(Action::Update),
            "append" => Some(Action::Append),
            _ => None,
        }
    }
}

/// The field values an operation sets, by column name. JSON values: strings, integers,
/// null, and arrays (stored as JSON text).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fields(pub BTreeMap<String, Value>);

impl Fields {
    pub fn new() -> Self {
        Fields::default()
    }

    pub fn set(mut self, column: &str, value: impl Into<Value>) -> Self {
        self.0.insert(column.to_string(), value.into());
        self
    }

    pub fn put(&mut self, column: &str, value: impl Into<Value>) {
        self.0.insert(column.to_string(), value.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Op {
    pub id: Uuid,
    pub device_id: Uuid,
    pub seq: i64,
    pub hlc: i64,
    pub author: String,
    pub project_id: Option<Uuid>,
    pub entity: Entity,
    pub entity_id: Uuid,
    pub action: Action,
    pub fields: Fields,
    pub reason: Option<String>,
    pub recorded_at: String,
    /// Causal context: for each other device, the highest sequence number of its operations
    /// on this project that the writer held when writing this one.
    #[serde(default)]
    pub context: BTreeMap<Uuid, i64>,
    /// The hash of the previous operation of the same device (`signing::hash`); `None` for
    /// a device's first operation and for operations written before signing existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// The device's Ed25519 signature over `signing::canonical` (hex); `None` only for
    /// operations written before signing existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sig: Option<String>,
}

impl Op {
    /// Whether the writer of `self` had seen `other` (same project assumed).
    pub fn has_seen(&self, other: &Op) -> bool {
        if self.device_id == other.device_id {
            other.seq < self.seq
        } else {
            self.context.get(&other.device_id).is_some_and(|s| *s >= other.seq)
        }
    }
}
