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
mod tx;
pub mod watermarks;

pub use tx::Tx;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The kinds of record the log knows, each with its table and the columns an operation
/// may set. Anything else in an operation is refused, so a forged or damaged operation
/// cannot write a column it should not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Project,
    Staff,
    WorkGroup,
    Household,
    StageEvent,
    CompensationItem,
    Visit,
    Obstacle,
    Pole,
    DemolitionLog,
    ChecklistItem,
    Meeting,
    CompensationStandard,
    InventoryItem,
    MapFeature,
}

pub struct EntitySpec {
    pub entity: Entity,
    pub id: &'static str,
    pub table: &'static str,
    pub columns: &'static [&'static str],
    /// Append-only records are created once and never changed (visits, stage events).
    pub append_only: bool,
}

pub const ENTITIES: &[EntitySpec] = &[
    EntitySpec {
        entity: Entity::Project,
        id: "project",
        table: "projects",
        columns: &[
            "code",
            "name",
            "city",
            "district",
            "street",
            "community",
            "window_opens_on",
            "window_closes_on",
            "clearance_target",
            "status",
            "as_of",
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Staff,
        id: "staff",
        table: "staff",
        columns: &["project_id", "name", "role", "phone"],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::WorkGroup,
        id: "work_group",
        table: "work_groups",
        columns: &["project_id", "name", "leader_id", "members"],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Household,
        id: "household",
        table: "households",
        columns: &[
            "project_id",
            "number",
            "head_name",
            "id_number",
            "phone",
            "address",
            "members_count",
            "special_circumstances",
            "floor_area",
            "land_area",
            "structure",
            "group_id",
            "concerns",
            "difficulty",
            "strategy",
            "stage",
            "agreement_no",
            "agreement_date",
            "compensation_mode",
            "signed_area",
            "agreement_amount",
            "appraised_value",
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::StageEvent,
        id: "stage_event",
        table: "stage_events",
        columns: &["household_id", "from_stage", "to_stage", "reached_on", "recorded_by", "reason"],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::CompensationItem,
        id: "compensation_item",
        table: "compensation_items",
        columns: &[
            "household_id",
            "kind",
            "label",
            "amount",
            "status",
            "confirmed_on",
            "paid_on",
            "voucher_no",
            "note",
            "calc_key",
            "formula",
            "standard_id",
            "calculated_amount",
            "adjustment",
            "adjustment_reason",
            "adjusted_by",
            "payee",
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Visit,
        id: "visit",
        table: "visits",
        columns: &[
            "household_id",
            "visited_at",
            "visitors",
            "kind",
            "outcome",
            "concerns",
            "promises",
            "next_step",
            "follow_up_on",
            "corrects",
            "recorded_by",
        ],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::Obstacle,
        id: "obstacle",
        table: "obstacles",
        columns: &[
            "project_id",
            "household_id",
            "title",
            "category",
            "responsible_unit",
            "responsible_person",
            "raised_on",
            "due_on",
            "status",
            "resolution",
            "resolved_on",
            "blocks_stage",
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Pole,
        id: "pole",
        table: "poles",
        columns: &["project_id", "label", "kind", "owner_unit", "location", "status", "status_on"],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::DemolitionLog,
        id: "demolition_log",
        table: "demolition_logs",
        columns: &["project_id", "log_date", "machines", "workers", "demolished", "notes"],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::ChecklistItem,
        id: "checklist_item",
        table: "checklist_items",
        columns: &["project_id", "title", "category", "done", "done_on", "note"],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Meeting,
        id: "meeting",
        table: "meetings",
        columns: &["project_id", "held_on", "title", "attendees", "decisions", "notes", "recorded_by"],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::CompensationStandard,
        id: "compensation_standard",
        table: "compensation_standards",
        columns: &["project_id", "version", "effective_on", "rules", "note", "published_by"],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::InventoryItem,
        id: "inventory_item",
        table: "inventory_items",
        columns: &[
            "household_id",
            "code",
            "name",
            "unit",
            "quantity",
            "owner",
            "surveyed_on",
            "surveyor",
            "note",
            "withdrawn",
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::MapFeature,
        id: "map_feature",
        table: "map_features",
        columns: &[
            "project_id",
            "layer",
            "household_id",
            "pole_id",
            "key_value",
            "geometry",
            "area",
            "source",
            "imported_on",
        ],
        append_only: false,
    },
];

impl Entity {
    pub fn spec(self) -> &'static EntitySpec {
        ENTITIES.iter().find(|s| s.entity == self).expect("every entity has a spec")
    }

    pub fn id(self) -> &'static str {
        self.spec().id
    }

    pub fn parse(s: &str) -> Option<Entity> {
        ENTITIES.iter().find(|spec| spec.id == s).map(|spec| spec.entity)
    }
}

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
