//! One declaration per entity: each record kind, its table, and every field with its type
//! and limits. Everything else is derived from it:
//!
//! - the columns an operation may set (`oplog::apply::check_shape`, the replay's dump);
//! - value checking ([`check_op`]): type, vocabulary, range, date validity, shape. It reads
//!   nothing but the operation, so every path calls it the same way: a local write
//!   (`Tx::record`), a merged bundle (`sync::merge`), and a hub that has no SQLite state;
//! - reading typed input ([`FieldSpec::parse`]: full-width digits accepted, see [`crate::normal`]);
//! - the references a merge resolves ([`references`]);
//! - the TypeScript record types of the desktop app ([`typescript`]).
//!
//! What needs the database — that a reference points at a record of the right kind — is
//! checked by the merge (`sync::merge`). (That the rules' invariants hold after a merge of
//! concurrent changes is not checked yet: issue 12's review of invariant violations.) A new
//! field is declared here and added by a migration; a test compares this declaration with the
//! schema the migrations build.

use crate::error::{Error, Result};
use crate::oplog::{Action, Op};
use crate::vocab;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The kinds of record the log knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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
    Attachment,
    MapFeature,
    Member,
    DataExport,
}

/// The longest one-line text (names, numbers, labels), in characters.
pub const LINE_MAX: usize = 200;
/// The longest free text (notes, outcomes, strategies, formulas), in characters.
pub const TEXT_MAX: usize = 20_000;
/// The most entries of a list field (tags, names, ids).
pub const LIST_MAX: usize = 100_000;
/// The largest amount of money, in fen: a trillion 元 (and below 2^53, exact in JavaScript).
pub const FEN_MAX: i64 = 100_000_000_000_000;
/// The largest area or quantity, in hundredths: 100 km² in 0.01 m².
pub const HUNDREDTHS_MAX: i64 = 10_000_000_000;
/// Dates outside these years are typing errors, not expropriation records.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// What a field holds and how it is checked.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Free text of at most `max` characters, trimmed on entry; no control characters
    /// other than tab and line breaks.
    Text { max: usize },
    /// A household number (户号): one line, full-width characters read as ordinary ones.
    HouseholdNo,
    /// A project code: also the name of the project's folder in a sync folder, so it must
    /// be a safe folder name on every system ([`safe_folder_name`]).
    ProjectCode,
    /// A resident ID number (GB 11643), stored normalised ([`crate::idcard::validate`]).
    IdNumber,
    /// A phone number: 7 to 12 digits, with `-` or spaces between groups.
    Phone,
    /// `YYYY-MM-DD`, a real date in [`YEARS`].
    Date,
    /// An RFC 3339 instant (a visit's time).
    Instant,
    /// Money in integer fen, at least `min`, at most [`FEN_MAX`] in size.
    Fen { min: i64 },
    /// An area in integer 0.01 m², not negative.
    Area,
    /// A quantity in hundredths of its unit, above zero.
    Quantity,
    /// A whole number in a range.
    Count { min: i64, max: i64 },
    /// 0 or 1.
    Flag,
    /// The id of one value of a closed vocabulary ([`crate::vocab`]).
    Vocab(&'static [&'static str]),
    /// The id of a record of the entity (a UUID in its canonical text).
    Ref(Entity),
    /// A JSON list of such ids.
    RefList(Entity),
    /// A JSON list of one-line texts (tags, names).
    TextList,
    /// The id of the record an attachment is on: its kind of record is the `target` field of
    /// the same creation (an entity id: household, visit, pole, ...).
    Target,
    /// A SHA-256 as 64 lowercase hexadecimal digits (a file in the content store).
    Sha256,
    /// A JSON document of a fixed shape, checked by `check`; `ts` is its TypeScript type.
    Json { check: fn(&Value) -> std::result::Result<(), String>, ts: &'static str },
}

/// Whether a field must be set when its record is created, and whether it may be empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Set on creation, never null (`NOT NULL` without a default).
    Required,
    /// May be left out on creation (the table's default), never null.
    Defaulted,
    /// May be null.
    Optional,
}

#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    pub name: &'static str,
    /// The name people see (户号, 家庭人口, ...).
    pub zh: &'static str,
    pub kind: Kind,
    pub presence: Presence,
}

const fn req(name: &'static str, zh: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec { name, zh, kind, presence: Presence::Required }
}
const fn dflt(name: &'static str, zh: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec { name, zh, kind, presence: Presence::Defaulted }
}
const fn opt(name: &'static str, zh: &'static str, kind: Kind) -> FieldSpec {
    FieldSpec { name, zh, kind, presence: Presence::Optional }
}

const LINE: Kind = Kind::Text { max: LINE_MAX };
const TEXT: Kind = Kind::Text { max: TEXT_MAX };
const FEN: Kind = Kind::Fen { min: 0 };

/// One kind of record: its table and every field an operation may set (besides `id`).
pub struct EntitySpec {
    pub entity: Entity,
    pub id: &'static str,
    pub zh: &'static str,
    pub table: &'static str,
    pub fields: &'static [FieldSpec],
    /// Append-only records are created once and never changed (visits, stage events).
    pub append_only: bool,
}

impl EntitySpec {
    /// The columns an operation may set, in declaration order.
    pub fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.fields.iter().map(|f| f.name)
    }

    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|f| f.name == name)
    }
}

pub const ENTITIES: &[EntitySpec] = &[
    EntitySpec {
        entity: Entity::Project,
        id: "project",
        zh: "项目",
        table: "projects",
        fields: &[
            req("code", "项目编号", Kind::ProjectCode),
            req("name", "项目名称", LINE),
            dflt("city", "市", LINE),
            dflt("district", "区", LINE),
            dflt("street", "街道", LINE),
            dflt("community", "社区", LINE),
            req("window_opens_on", "签约开始日期", Kind::Date),
            req("window_closes_on", "签约截止日期", Kind::Date),
            opt("clearance_target", "净地目标日期", Kind::Date),
            req("status", "项目状态", Kind::Vocab(vocab::ProjectStatus::IDS)),
            opt("as_of", "展示日期", Kind::Date),
            opt("owner_key", "项目公钥", LINE),
            opt("legacy_marks", "启用准入前的操作", Kind::Json { check: check_marks, ts: "Record<string, number>" }),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Staff,
        id: "staff",
        zh: "人员",
        table: "staff",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("name", "姓名", LINE),
            dflt("role", "职务", LINE),
            dflt("phone", "电话", Kind::Phone),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::WorkGroup,
        id: "work_group",
        zh: "动迁组",
        table: "work_groups",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("name", "组名", LINE),
            opt("leader_id", "组长", Kind::Ref(Entity::Staff)),
            dflt("members", "组员", Kind::RefList(Entity::Staff)),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Household,
        id: "household",
        zh: "户",
        table: "households",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("number", "户号", Kind::HouseholdNo),
            req("head_name", "户主", LINE),
            opt("id_number", "身份证号", Kind::IdNumber),
            dflt("phone", "联系电话", Kind::Phone),
            dflt("address", "地址", LINE),
            dflt("members_count", "家庭人口", Kind::Count { min: 1, max: 99 }),
            dflt("special_circumstances", "特殊情况", Kind::TextList),
            dflt("floor_area", "房屋面积", Kind::Area),
            dflt("land_area", "占地面积", Kind::Area),
            dflt("structure", "结构", LINE),
            req("group_id", "动迁组", Kind::Ref(Entity::WorkGroup)),
            dflt("concerns", "关注事项", Kind::TextList),
            opt("difficulty", "难度", Kind::Vocab(vocab::Difficulty::IDS)),
            dflt("strategy", "研判策略", TEXT),
            req("stage", "阶段", Kind::Vocab(vocab::Stage::IDS)),
            opt("agreement_no", "协议编号", LINE),
            opt("agreement_date", "签约日期", Kind::Date),
            opt("compensation_mode", "补偿方式", Kind::Vocab(vocab::CompensationMode::IDS)),
            opt("signed_area", "签约面积", Kind::Area),
            opt("agreement_amount", "协议金额", FEN),
            opt("appraised_value", "评估价值", Kind::Fen { min: 1 }),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::StageEvent,
        id: "stage_event",
        zh: "阶段变更",
        table: "stage_events",
        fields: &[
            req("household_id", "户", Kind::Ref(Entity::Household)),
            req("from_stage", "原阶段", Kind::Vocab(vocab::Stage::IDS)),
            req("to_stage", "新阶段", Kind::Vocab(vocab::Stage::IDS)),
            req("reached_on", "日期", Kind::Date),
            req("recorded_by", "记录人", LINE),
            opt("reason", "原因", TEXT),
        ],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::CompensationItem,
        id: "compensation_item",
        zh: "补偿项",
        table: "compensation_items",
        fields: &[
            req("household_id", "户", Kind::Ref(Entity::Household)),
            req("kind", "补偿类别", Kind::Vocab(vocab::CompensationKind::IDS)),
            dflt("label", "名称", LINE),
            req("amount", "金额", FEN),
            req("status", "状态", Kind::Vocab(vocab::PaymentStatus::IDS)),
            opt("confirmed_on", "确认日期", Kind::Date),
            opt("paid_on", "支付日期", Kind::Date),
            opt("voucher_no", "凭证号", LINE),
            dflt("note", "备注", TEXT),
            opt("calc_key", "计算规则", LINE),
            dflt("formula", "计算公式", TEXT),
            opt("standard_id", "补偿标准", Kind::Ref(Entity::CompensationStandard)),
            opt("calculated_amount", "计算金额", FEN),
            dflt("adjustment", "调整金额", Kind::Fen { min: -FEN_MAX }),
            opt("adjustment_reason", "调整原因", TEXT),
            opt("adjusted_by", "调整人", LINE),
            opt("payee", "收款人", LINE),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Visit,
        id: "visit",
        zh: "走访",
        table: "visits",
        fields: &[
            req("household_id", "户", Kind::Ref(Entity::Household)),
            req("visited_at", "走访时间", Kind::Instant),
            dflt("visitors", "走访人", Kind::TextList),
            req("kind", "方式", Kind::Vocab(vocab::VisitKind::IDS)),
            dflt("outcome", "情况", TEXT),
            dflt("concerns", "关注事项", Kind::TextList),
            dflt("promises", "承诺", TEXT),
            dflt("next_step", "下一步", TEXT),
            opt("follow_up_on", "回访日期", Kind::Date),
            opt("corrects", "更正的走访", Kind::Ref(Entity::Visit)),
            req("recorded_by", "记录人", LINE),
        ],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::Obstacle,
        id: "obstacle",
        zh: "问题",
        table: "obstacles",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            opt("household_id", "户", Kind::Ref(Entity::Household)),
            req("title", "标题", LINE),
            req("category", "类别", Kind::Vocab(vocab::ObstacleCategory::IDS)),
            dflt("responsible_unit", "责任单位", LINE),
            dflt("responsible_person", "责任人", LINE),
            req("raised_on", "提出日期", Kind::Date),
            opt("due_on", "办结期限", Kind::Date),
            req("status", "状态", Kind::Vocab(vocab::ObstacleStatus::IDS)),
            dflt("resolution", "处理结果", TEXT),
            opt("resolved_on", "解决日期", Kind::Date),
            opt("blocks_stage", "阻止的阶段", Kind::Vocab(vocab::Stage::IDS)),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Pole,
        id: "pole",
        zh: "杆线",
        table: "poles",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("label", "杆线编号", LINE),
            req("kind", "类型", Kind::Vocab(vocab::PoleKind::IDS)),
            dflt("owner_unit", "产权单位", LINE),
            dflt("location", "位置", LINE),
            req("status", "状态", Kind::Vocab(vocab::PoleStatus::IDS)),
            opt("status_on", "状态日期", Kind::Date),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::DemolitionLog,
        id: "demolition_log",
        zh: "拆除日志",
        table: "demolition_logs",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("log_date", "日期", Kind::Date),
            dflt("machines", "机械台数", Kind::Count { min: 0, max: 10_000 }),
            dflt("workers", "人员数", Kind::Count { min: 0, max: 100_000 }),
            dflt("demolished", "拆除的户", Kind::RefList(Entity::Household)),
            dflt("notes", "备注", TEXT),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::ChecklistItem,
        id: "checklist_item",
        zh: "净地清单项",
        table: "checklist_items",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("title", "名称", LINE),
            req("category", "类别", Kind::Vocab(vocab::ChecklistCategory::IDS)),
            dflt("done", "完成", Kind::Flag),
            opt("done_on", "完成日期", Kind::Date),
            dflt("note", "备注", TEXT),
        ],
        append_only: false,
    },
    EntitySpec {
        entity: Entity::Meeting,
        id: "meeting",
        zh: "会商",
        table: "meetings",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("held_on", "会商日期", Kind::Date),
            dflt("title", "标题", LINE),
            dflt("attendees", "参会人员", Kind::TextList),
            dflt("decisions", "会商决定", Kind::Json { check: check_decisions, ts: "Array<Decision>" }),
            dflt("notes", "备注", TEXT),
            req("recorded_by", "记录人", LINE),
        ],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::CompensationStandard,
        id: "compensation_standard",
        zh: "补偿标准",
        table: "compensation_standards",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("version", "版本", Kind::Count { min: 1, max: 1_000_000 }),
            req("effective_on", "施行日期", Kind::Date),
            req("rules", "单价规则", Kind::Json { check: check_rules, ts: "Rules" }),
            dflt("note", "说明", TEXT),
            req("published_by", "发布人", LINE),
        ],
        append_only: true,
    },
    EntitySpec {
        entity: Entity::InventoryItem,
        id: "inventory_item",
        zh: "附着物清点",
        table: "inventory_items",
        fields: &[
            req("household_id", "户", Kind::Ref(Entity::Household)),
            req("code", "目录代码", LINE),
            req("name", "名称", LINE),
            req("unit", "单位", LINE),
            req("quantity", "数量", Kind::Quantity),
            opt("owner", "权属人", LINE),
            opt("surveyed_on", "清点日期", Kind::Date),
            dflt("surveyor", "清点人", LINE),
            dflt("note", "备注", TEXT),
            dflt("withdrawn", "已撤销", Kind::Flag),
        ],
        append_only: false,
    },
    // Evidence (src/evidence/): the metadata of a file in the content store. Never edited;
    // only the withdrawal fields change, once.
    EntitySpec {
        entity: Entity::Attachment,
        id: "attachment",
        zh: "附件",
        table: "attachments",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            opt("household_id", "户", Kind::Ref(Entity::Household)),
            req("target", "所属记录类型", Kind::Vocab(vocab::AttachTarget::IDS)),
            req("target_id", "所属记录", Kind::Target),
            req("kind", "类别", Kind::Vocab(vocab::AttachmentKind::IDS)),
            req("sha256", "文件 SHA-256", Kind::Sha256),
            req("size", "文件大小", Kind::Count { min: 1, max: crate::evidence::sniff::MAX_FILE_BYTES as i64 }),
            req("media_type", "文件类型", Kind::Vocab(crate::evidence::sniff::MEDIA_TYPES)),
            req("file_name", "文件名", LINE),
            opt("taken_at", "拍摄时间", LINE),
            opt("latitude_e7", "纬度", Kind::Count { min: -900_000_000, max: 900_000_000 }),
            opt("longitude_e7", "经度", Kind::Count { min: -1_800_000_000, max: 1_800_000_000 }),
            opt("width", "宽度", Kind::Count { min: 1, max: 100_000 }),
            opt("height", "高度", Kind::Count { min: 1, max: 100_000 }),
            dflt("note", "说明", TEXT),
            req("attached_by", "附加人", LINE),
            req("attached_at", "附加时间", Kind::Instant),
            dflt("withdrawn", "已撤回", Kind::Flag),
            opt("withdrawn_reason", "撤回原因", TEXT),
            opt("withdrawn_by", "撤回人", LINE),
            opt("withdrawn_on", "撤回日期", Kind::Date),
        ],
        append_only: false,
    },
    // The plot's geometry (src/map.rs): a household's parcel, a pole's point, the red line.
    EntitySpec {
        entity: Entity::MapFeature,
        id: "map_feature",
        zh: "地图要素",
        table: "map_features",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("layer", "图层", Kind::Vocab(crate::map::LAYER_IDS)),
            opt("household_id", "户", Kind::Ref(Entity::Household)),
            opt("pole_id", "杆线", Kind::Ref(Entity::Pole)),
            dflt("key_value", "匹配字段值", LINE),
            req("geometry", "几何图形", Kind::Json { check: crate::map::geometry::check, ts: "Geometry" }),
            dflt("area", "面积", Kind::Area),
            dflt("source", "来源", TEXT),
            opt("imported_on", "导入日期", Kind::Date),
        ],
        append_only: false,
    },
    // A laptop admitted to a project (src/admission.rs): every operation on it carries all
    // these fields, signed by the project key.
    EntitySpec {
        entity: Entity::Member,
        id: "member",
        zh: "成员设备",
        table: "members",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("device_id", "设备号", LINE),
            req("public_key", "设备公钥", LINE),
            req("name", "设备名称", LINE),
            req("role", "角色", Kind::Vocab(vocab::Role::IDS)),
            req("valid_from", "生效日期", Kind::Date),
            opt("valid_until", "有效期至", Kind::Date),
            opt("revoked_after_seq", "撤销于操作号之后", Kind::Count { min: 0, max: i64::MAX }),
            opt("revoke_reason", "撤销原因", TEXT),
            req("signature", "项目签名", LINE),
        ],
        append_only: false,
    },
    // A file of personal data written by an export (src/office/mod.rs): who took what out.
    EntitySpec {
        entity: Entity::DataExport,
        id: "data_export",
        zh: "个人信息导出",
        table: "data_exports",
        fields: &[
            req("project_id", "项目", Kind::Ref(Entity::Project)),
            req("kind", "导出类型", Kind::Vocab(crate::office::ExportKind::IDS)),
            req("format", "文件格式", Kind::Vocab(crate::office::Format::IDS)),
            req("file_name", "文件名", LINE),
            dflt("scope", "范围", LINE),
            req("rows", "行数", Kind::Count { min: 0, max: 10_000_000 }),
            req("as_of", "截至日期", Kind::Date),
            req("exported_by", "导出人", LINE),
            req("exported_at", "导出时间", Kind::Instant),
        ],
        append_only: true,
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

    /// Its place in [`ENTITIES`]: parents come before the records that reference them.
    pub fn rank(self) -> usize {
        ENTITIES.iter().position(|s| s.entity == self).expect("every entity has a spec")
    }
}

/// `{device id: sequence number}` (a project's operations from before admissions).
fn check_marks(v: &Value) -> std::result::Result<(), String> {
    let m = v.as_object().ok_or("不是设备号到操作号的对应表")?;
    if m.len() > LIST_MAX {
        return Err(format!("多于 {LIST_MAX} 台设备"));
    }
    for (d, s) in m {
        Uuid::parse_str(d).map_err(|_| format!("「{d}」不是设备号"))?;
        if s.as_i64().is_none_or(|n| n < 0) {
            return Err(format!("设备 {d} 的操作号「{s}」不是非负整数"));
        }
    }
    Ok(())
}

fn check_decisions(v: &Value) -> std::result::Result<(), String> {
    let ds: Vec<crate::meeting::Decision> =
        serde_json::from_value(v.clone()).map_err(|e| format!("不是会商决定的列表：{e}"))?;
    if ds.len() > LIST_MAX {
        return Err(format!("会商决定多于 {LIST_MAX} 条"));
    }
    for d in &ds {
        check_text(&d.text, TEXT_MAX)?;
        check_text(&d.owner, LINE_MAX)?;
        if let Some(due) = d.due_on {
            check_year(due)?;
        }
    }
    Ok(())
}

fn check_rules(v: &Value) -> std::result::Result<(), String> {
    let rules: crate::compensation::standards::Rules =
        serde_json::from_value(v.clone()).map_err(|e| format!("不是补偿标准的单价规则：{e}"))?;
    let too_big = |fen: i64| !(0..=FEN_MAX).contains(&fen);
    let prices = rules
        .house_prices
        .iter()
        .map(|p| p.price_fen)
        .chain(rules.signing_tiers.iter().map(|t| t.amount_fen))
        .chain(rules.subsidies.iter().map(|s| s.amount_fen))
        .chain(rules.catalogue.iter().map(|c| c.price_fen))
        .chain([
            rules.relocation_fen,
            rules.temp_resettlement_fen,
            rules.handover_incentive_fen,
            rules.minimum_payout_fen,
        ]);
    if prices.clone().any(too_big) {
        return Err(format!("单价或金额超出范围（0 至 {} 分）", FEN_MAX));
    }
    rules.validate().map_err(|e| match e {
        Error::InvalidField { message, .. } | Error::RuleViolation { message, .. } => message,
        other => other.to_string(),
    })
}

/// A value refused by [`check_op`]: which operation, which field (none for the operation
/// as a whole), the value as the operation carries it, and what is wrong.
#[derive(Debug, Clone)]
pub struct Invalid {
    pub op: Uuid,
    pub entity: Entity,
    pub entity_id: Uuid,
    pub field: Option<&'static FieldSpec>,
    /// The offending value as JSON text, shortened.
    pub value: String,
    pub message: String,
}

impl Invalid {
    /// "操作 … 的字段 stage(阶段)取值「"x"」无效: …"
    pub fn describe(&self) -> String {
        match self.field {
            Some(f) => format!(
                "操作 {}（{} {}）的字段 {}（{}）取值 {} 无效：{}",
                self.op,
                self.entity.id(),
                self.entity_id,
                f.name,
                f.zh,
                self.value,
                self.message
            ),
            None => format!("操作 {}（{} {}）无效：{}", self.op, self.entity.id(), self.entity_id, self.message),
        }
    }

    /// The error of a local write: the field's own code, `invalid_field.<field>`.
    pub fn into_error(self) -> Error {
        match self.field {
            Some(f) => Error::invalid(f.name, format!("{}「{}」无效：{}", f.zh, shown(&self.value), self.message)),
            None => Error::Corrupt(self.describe()),
        }
    }
}

fn shown(json: &str) -> &str {
    json.strip_prefix('"').and_then(|s| s.strip_suffix('"')).unwrap_or(json)
}

/// The value as JSON text, at most about 80 characters.
fn excerpt(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() <= 80 {
        return s;
    }
    format!("{}…", s.chars().take(80).collect::<String>())
}

/// Checks one operation by itself, with no database: that its entity may take its action,
/// that it names only declared fields, that every value has its field's type and limits,
/// that a creation sets every required field, and that its own metadata is sound. This is
/// the check every path runs before anything is written.
pub fn check_op(op: &Op) -> std::result::Result<(), Invalid> {
    let spec = op.entity.spec();
    let whole = |message: String| Invalid {
        op: op.id,
        entity: op.entity,
        entity_id: op.entity_id,
        field: None,
        value: String::new(),
        message,
    };
    match (spec.append_only, op.action) {
        (true, Action::Append) | (false, Action::Create | Action::Update) => {}
        _ => return Err(whole(format!("{}不能使用动作 {}", spec.id, op.action.id()))),
    }
    if let Some(bad) = op.fields.0.keys().find(|k| spec.field(k).is_none()) {
        return Err(whole(format!("{}没有字段「{}」", spec.id, excerpt(&Value::String(bad.clone())))));
    }
    check_meta(op).map_err(whole)?;
    for (name, value) in &op.fields.0 {
        let f = spec.field(name).expect("checked above");
        f.check(value).map_err(|message| Invalid {
            op: op.id,
            entity: op.entity,
            entity_id: op.entity_id,
            field: Some(f),
            value: excerpt(value),
            message,
        })?;
    }
    if op.action != Action::Update {
        if let Some(f) =
            spec.fields.iter().find(|f| f.presence == Presence::Required && !op.fields.0.contains_key(f.name))
        {
            return Err(Invalid {
                op: op.id,
                entity: op.entity,
                entity_id: op.entity_id,
                field: Some(f),
                value: "（缺少）".into(),
                message: format!("新建{}必须填写{}", spec.zh, f.zh),
            });
        }
    }
    // A record belongs to the project its operation is filed under.
    if let Some(Value::String(p)) = op.fields.0.get("project_id") {
        if op.project_id.map(|id| id.to_string()).as_deref() != Some(p.as_str()) {
            return Err(whole(format!("字段 project_id {p} 与操作所属的项目不一致")));
        }
    }
    if op.entity == Entity::Project && op.project_id != Some(op.entity_id) {
        return Err(whole("项目记录必须归属于项目自身".into()));
    }
    Ok(())
}

fn check_meta(op: &Op) -> std::result::Result<(), String> {
    if op.author.trim().is_empty() {
        return Err("操作人为空".into());
    }
    check_text(&op.author, LINE_MAX).map_err(|e| format!("操作人{e}"))?;
    if let Some(r) = &op.reason {
        check_text(r, TEXT_MAX).map_err(|e| format!("原因{e}"))?;
    }
    if op.seq < 1 {
        return Err(format!("设备序号 {} 应从 1 开始", op.seq));
    }
    if op.hlc < 0 {
        return Err(format!("时钟值 {} 为负数", op.hlc));
    }
    chrono::DateTime::parse_from_rfc3339(&op.recorded_at)
        .map_err(|_| format!("记录时间「{}」不是 RFC 3339 时间", excerpt(&Value::String(op.recorded_at.clone()))))?;
    if op.context.values().any(|s| *s < 0) || op.context.contains_key(&op.device_id) {
        return Err("因果上下文无效".into());
    }
    if op.project_id.is_none() {
        return Err("操作没有所属项目".into());
    }
    Ok(())
}

fn check_text(s: &str, max: usize) -> std::result::Result<(), String> {
    if s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) {
        return Err("含有控制字符".into());
    }
    let n = s.chars().count();
    if n > max {
        return Err(format!("长 {n} 个字符，超过上限 {max}"));
    }
    Ok(())
}

fn check_year(d: chrono::NaiveDate) -> std::result::Result<(), String> {
    use chrono::Datelike;
    if YEARS.contains(&d.year()) {
        Ok(())
    } else {
        Err(format!("年份 {} 超出 {} 至 {}", d.year(), YEARS.start(), YEARS.end()))
    }
}

/// Checks a stored date text: exactly `YYYY-MM-DD`, a day that exists, a plausible year.
pub fn check_date(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return Err("不是 YYYY-MM-DD 格式的日期".into());
    }
    let d = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| "这一天不存在".to_string())?;
    check_year(d)?;
    Ok(d)
}

/// A project code is also a folder name (`<sync folder>/<code>/`): it must not climb out
/// of the folder, name an absolute path, or be refused by Windows, macOS or Linux.
pub fn safe_folder_name(code: &str) -> std::result::Result<(), String> {
    if code.is_empty() {
        return Err("项目编号不能为空".into());
    }
    if code.chars().count() > 64 {
        return Err("项目编号最多 64 个字符".into());
    }
    if code != code.trim() {
        return Err("项目编号不能以空格开头或结尾".into());
    }
    if let Some(c) = code.chars().find(|c| c.is_control() || r#"/\:*?"<>|"#.contains(*c)) {
        return Err(format!("项目编号不能含有字符「{}」（它也是文件夹名）", c.escape_debug()));
    }
    if code.starts_with('.') || code.ends_with('.') {
        return Err("项目编号不能以「.」开头或结尾（它也是文件夹名）".into());
    }
    let stem = code.split('.').next().unwrap_or(code).to_ascii_uppercase();
    let reserved = ["CON", "PRN", "AUX", "NUL"];
    let numbered = ["COM", "LPT"];
    if reserved.contains(&stem.as_str())
        || (stem.len() == 4
            && stem.get(..3).is_some_and(|s| numbered.contains(&s))
            && stem.as_bytes()[3].is_ascii_digit())
    {
        return Err(format!("「{code}」是 Windows 保留的设备名，不能用作项目编号"));
    }
    Ok(())
}

fn int(v: &Value) -> std::result::Result<i64, String> {
    match v {
        Value::Number(n) => n.as_i64().ok_or_else(|| "不是整数".to_string()),
        _ => Err("应为整数".into()),
    }
}

fn text(v: &Value) -> std::result::Result<&str, String> {
    v.as_str().ok_or_else(|| "应为文本".to_string())
}

fn uuid_text(s: &str) -> std::result::Result<Uuid, String> {
    let id = Uuid::parse_str(s).map_err(|_| "不是记录编号（UUID）".to_string())?;
    if id.hyphenated().to_string() != s {
        return Err("记录编号应为小写、带连字符的 UUID".into());
    }
    Ok(id)
}

fn list(v: &Value) -> std::result::Result<&Vec<Value>, String> {
    let items = v.as_array().ok_or_else(|| "应为列表".to_string())?;
    if items.len() > LIST_MAX {
        return Err(format!("列表有 {} 项，超过上限 {LIST_MAX}", items.len()));
    }
    Ok(items)
}

impl FieldSpec {
    /// Checks a stored value (as an operation carries it) against the field's kind.
    pub fn check(&self, v: &Value) -> std::result::Result<(), String> {
        if v.is_null() {
            return match self.presence {
                Presence::Optional => Ok(()),
                _ => Err(format!("{}不能为空", self.zh)),
            };
        }
        match self.kind {
            Kind::Text { max } => check_text(text(v)?, max),
            Kind::HouseholdNo => {
                let s = text(v)?;
                check_text(s, 64)?;
                if s.trim().is_empty() || s != s.trim() || s.contains(['\n', '\r', '\t']) {
                    return Err("户号应为一行不带首尾空格的文字".into());
                }
                Ok(())
            }
            Kind::ProjectCode => safe_folder_name(text(v)?),
            Kind::IdNumber => {
                let s = text(v)?;
                match crate::idcard::validate(s) {
                    Ok(n) if n == s => Ok(()),
                    Ok(n) => Err(format!("应按规范写作 {n}")),
                    Err(Error::InvalidField { message, .. }) => Err(message),
                    Err(e) => Err(e.to_string()),
                }
            }
            Kind::Phone => {
                let s = text(v)?;
                if s.is_empty() {
                    return Ok(());
                }
                check_phone(s).map_err(|_| "应为 7 至 12 位数字".to_string())
            }
            Kind::Date => check_date(text(v)?).map(|_| ()),
            Kind::Instant => {
                let s = text(v)?;
                let t = chrono::DateTime::parse_from_rfc3339(s).map_err(|_| "不是 RFC 3339 时间".to_string())?;
                check_year(t.date_naive())
            }
            Kind::Fen { min } => {
                let n = int(v)?;
                if n < min {
                    return Err(if min == 0 {
                        "金额不能为负数".into()
                    } else {
                        format!("金额应不小于 {min} 分")
                    });
                }
                if n.abs() > FEN_MAX {
                    return Err(format!("金额超出上限 {} 元", FEN_MAX / 100));
                }
                Ok(())
            }
            Kind::Area => match int(v)? {
                n if n < 0 => Err("面积不能为负数".into()),
                n if n > HUNDREDTHS_MAX => Err("面积超出上限".into()),
                _ => Ok(()),
            },
            Kind::Quantity => match int(v)? {
                n if n <= 0 => Err("数量必须大于零".into()),
                n if n > HUNDREDTHS_MAX => Err("数量超出上限".into()),
                _ => Ok(()),
            },
            Kind::Count { min, max } => match int(v)? {
                n if (min..=max).contains(&n) => Ok(()),
                n => Err(format!("应在 {min} 至 {max} 之间，而不是 {n}")),
            },
            Kind::Flag => match int(v)? {
                0 | 1 => Ok(()),
                _ => Err("应为 0 或 1".into()),
            },
            Kind::Vocab(ids) => {
                let s = text(v)?;
                if ids.contains(&s) {
                    Ok(())
                } else {
                    Err(format!("未知取值，可选：{}", ids.join("、")))
                }
            }
            Kind::Ref(_) | Kind::Target => uuid_text(text(v)?).map(|_| ()),
            Kind::Sha256 => crate::evidence::ContentHash::parse(text(v)?)
                .map(|_| ())
                .map_err(|_| "不是 SHA-256 值（64 位小写十六进制）".into()),
            Kind::RefList(_) => {
                for item in list(v)? {
                    uuid_text(text(item)?)?;
                }
                Ok(())
            }
            Kind::TextList => {
                for item in list(v)? {
                    check_text(text(item)?, LINE_MAX)?;
                }
                Ok(())
            }
            Kind::Json { check, .. } => check(v),
        }
    }

    /// Reads a value as a person types it (`household set`, a roster cell, a form) into the
    /// value an operation stores, or an error naming the field. Values of a fixed form are
    /// read in NFKC (full-width digits, letters and punctuation accepted); text is trimmed;
    /// empty text is null where the field may be empty.
    pub fn parse(&'static self, typed: &str) -> Result<Value> {
        let bad = |m: String| Error::invalid(self.name, m);
        let t = match self.kind {
            Kind::Text { .. } | Kind::TextList => typed.trim().to_string(),
            _ => crate::normal::typed(typed),
        };
        if t.is_empty() {
            return match (self.presence, self.kind) {
                (Presence::Optional, _) => Ok(Value::Null),
                (_, Kind::Text { .. } | Kind::Phone) => Ok(Value::String(String::new())),
                (_, Kind::TextList | Kind::RefList(_)) => Ok(Value::Array(Vec::new())),
                _ => Err(bad(format!("{}不能为空", self.zh))),
            };
        }
        let v = match self.kind {
            Kind::Text { .. } | Kind::HouseholdNo | Kind::ProjectCode | Kind::Phone => Value::String(t.clone()),
            Kind::IdNumber => Value::String(crate::idcard::validate(&t)?),
            Kind::Date => Value::String(crate::units::parse_date(self.name, &t)?.to_string()),
            Kind::Instant => Value::String(t.clone()),
            Kind::Fen { min } if min < 0 => crate::units::parse_signed_hundredths(self.name, &t)?.into(),
            Kind::Fen { .. } | Kind::Area | Kind::Quantity => crate::units::parse_hundredths(self.name, &t)?.into(),
            Kind::Count { .. } | Kind::Flag => t
                .trim_end_matches(['人', '台', '名'])
                .trim()
                .parse::<i64>()
                .map_err(|_| bad(format!("{}「{typed}」不是整数", self.zh)))?
                .into(),
            Kind::Vocab(ids) => Value::String(
                ids.iter()
                    .find(|id| id.eq_ignore_ascii_case(&t))
                    .map(|id| id.to_string())
                    .ok_or_else(|| bad(format!("{}「{typed}」未知，可选：{}", self.zh, ids.join("、"))))?,
            ),
            Kind::Ref(_) | Kind::Target | Kind::Sha256 => Value::String(t.to_lowercase()),
            Kind::TextList => crate::household::split_tags(&t).into(),
            Kind::RefList(_) | Kind::Json { .. } => {
                serde_json::from_str(&t).map_err(|e| bad(format!("{}不是有效的 JSON: {e}", self.zh)))?
            }
        };
        self.check(&v).map_err(|m| bad(format!("{}「{}」{m}", self.zh, typed.trim())))?;
        Ok(v)
    }
}

/// 7 to 12 digits, groups separated by `-` or spaces; an extension or a second number is not.
pub fn check_phone(s: &str) -> std::result::Result<(), String> {
    let digits: Vec<char> = s.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    if !digits.iter().all(|c| c.is_ascii_digit()) || !(7..=12).contains(&digits.len()) {
        return Err(format!("联系电话「{s}」应为 7 至 12 位数字"));
    }
    Ok(())
}

/// What a person may type as a phone (a roster cell, the household form): a stored phone
/// (`check_phone`) that is not a mobile number missing or gaining a digit. A number starting
/// with 1 has no area code, so it is a mobile number: 11 digits. Merges check only
/// `check_phone`, so a phone stored before this rule still syncs.
pub fn check_phone_typed(s: &str) -> std::result::Result<(), String> {
    check_phone(s)?;
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if digits.starts_with('1') && digits.len() != 11 {
        return Err(format!(
            "联系电话「{s}」是 {} 位数字；手机号应为 11 位（座机请带区号，如 0595-22123456）",
            digits.len()
        ));
    }
    Ok(())
}

/// The field of an entity, by its column name.
pub fn field(entity: Entity, name: &str) -> Option<&'static FieldSpec> {
    entity.spec().field(name)
}

/// The records an operation names (each reference and each id of a list), with the field
/// that names it and the kind of record it must be.
pub fn references(op: &Op) -> impl Iterator<Item = (&'static FieldSpec, Entity, Uuid)> + '_ {
    let spec = op.entity.spec();
    op.fields.0.iter().flat_map(move |(k, v)| {
        let mut out = Vec::new();
        if let Some(f) = spec.field(k) {
            match (f.kind, v) {
                (Kind::Ref(e), Value::String(s)) => out.extend(Uuid::parse_str(s).ok().map(|id| (f, e, id))),
                // The kind of record is named by the creation's `target` field (same ids).
                (Kind::Target, Value::String(s)) => out.extend(
                    op.fields
                        .0
                        .get("target")
                        .and_then(|t| t.as_str())
                        .and_then(Entity::parse)
                        .and_then(|e| Uuid::parse_str(s).ok().map(|id| (f, e, id))),
                ),
                (Kind::RefList(e), Value::Array(items)) => out.extend(
                    items
                        .iter()
                        .filter_map(|i| i.as_str())
                        .filter_map(|s| Uuid::parse_str(s).ok())
                        .map(|id| (f, e, id)),
                ),
                _ => {}
            }
        }
        out
    })
}

/// The TypeScript type of each record as stored, `<Entity>Record`, for the desktop app's
/// generated bindings (src-tauri/tests/ipc_types.rs).
pub fn typescript() -> String {
    let mut out = String::from(
        "// Records as the log stores them, from the core's one declaration per entity (src/schema.rs).\n",
    );
    for spec in ENTITIES {
        let name: String = spec
            .id
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
            })
            .collect();
        let mut fields = vec!["id: string".to_string()];
        for f in spec.fields {
            let ty = match f.kind {
                Kind::Text { .. }
                | Kind::HouseholdNo
                | Kind::ProjectCode
                | Kind::IdNumber
                | Kind::Phone
                | Kind::Date
                | Kind::Instant
                | Kind::Ref(_)
                | Kind::Target
                | Kind::Sha256 => "string".to_string(),
                Kind::Fen { .. } | Kind::Area | Kind::Quantity | Kind::Count { .. } | Kind::Flag => "number".into(),
                Kind::Vocab(ids) => ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(" | "),
                Kind::RefList(_) | Kind::TextList => "Array<string>".into(),
                Kind::Json { ts, .. } => ts.into(),
            };
            let ty = if f.presence == Presence::Optional { format!("{ty} | null") } else { ty };
            fields.push(format!("{}: {ty}", f.name));
        }
        out.push_str(&format!("export type {name}Record = {{ {} }};\n\n", fields.join(", ")));
    }
    out
}
