//! The closed vocabularies of the domain: each value has a stable English id (stored in the
//! database, used by scripts) and the Chinese name the teams use. Both parse.

use crate::error::{Error, Result};

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $field:literal { $($variant:ident => $id:literal, $zh:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored ids, as the schema checks them (`crate::schema`).
            pub const IDS: &'static [&'static str] = &[$($id),+];

            pub fn id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            pub fn zh(self) -> &'static str {
                match self { $($name::$variant => $zh),+ }
            }

            /// Accepts the English id or the Chinese name.
            pub fn parse(s: &str) -> Result<Self> {
                let s = crate::normal::typed(s);
                let s = s.as_str();
                $(if s.eq_ignore_ascii_case($id) || s == $zh { return Ok($name::$variant); })+
                let known: Vec<String> = Self::ALL.iter().map(|v| format!("{}({})", v.id(), v.zh())).collect();
                Err(Error::invalid($field, format!("未知取值「{s}」，可选：{}", known.join("、"))))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.zh()) }
        }
    };
}

vocabulary!(
    /// The household lifecycle, in order.
    Stage, "stage" {
        Registered => "registered", "已登记";
        Assessed => "assessed", "已评估";
        Negotiating => "negotiating", "协商中";
        Signed => "signed", "已签约";
        Vacated => "vacated", "已腾空交房";
        Demolished => "demolished", "已拆除";
    }
);

impl Stage {
    pub fn rank(self) -> usize {
        Stage::ALL.iter().position(|s| *s == self).expect("every stage is listed")
    }
    pub fn next(self) -> Option<Stage> {
        Stage::ALL.get(self.rank() + 1).copied()
    }
    pub fn is_signed(self) -> bool {
        self.rank() >= Stage::Signed.rank()
    }
}

vocabulary!(Difficulty, "difficulty" {
    Easy => "easy", "易";
    Medium => "medium", "中";
    Hard => "hard", "难";
});

vocabulary!(CompensationMode, "compensation_mode" {
    Monetary => "monetary", "货币补偿";
    PropertySwap => "property_swap", "产权调换";
});

vocabulary!(VisitKind, "kind" {
    Door => "door", "上门";
    Phone => "phone", "电话";
    Interview => "interview", "约谈";
});

vocabulary!(ObstacleCategory, "category" {
    Compensation => "compensation", "补偿";
    Crops => "crops", "附着物青苗";
    Poles => "poles", "杆线迁移";
    Demolition => "demolition", "拆除施工";
    Resettlement => "resettlement", "安置";
    Ownership => "ownership", "产权";
    Other => "other", "其他";
});

vocabulary!(ObstacleStatus, "status" {
    Open => "open", "待处理";
    InProgress => "in_progress", "处理中";
    Resolved => "resolved", "已解决";
});

vocabulary!(CompensationKind, "kind" {
    HouseValue => "house_value", "房屋价值补偿";
    Relocation => "relocation", "搬迁费";
    TemporaryResettlement => "temporary_resettlement", "临时安置费";
    Incentive => "incentive", "奖励";
    Crops => "crops", "地上附着物及青苗";
    Other => "other", "其他";
});

vocabulary!(PaymentStatus, "status" {
    Estimated => "estimated", "测算";
    Confirmed => "confirmed", "已确认";
    Paid => "paid", "已支付";
});

vocabulary!(PoleKind, "kind" {
    Power => "power", "电力杆";
    Telecom => "telecom", "通信杆";
});

vocabulary!(PoleStatus, "status" {
    NotApplied => "not_applied", "待申请";
    Applied => "applied", "已申请";
    Scheduled => "scheduled", "已排期";
    Relocated => "relocated", "已迁移";
});

vocabulary!(ChecklistCategory, "category" {
    Debris => "debris", "建筑垃圾清运";
    DustNet => "dust_net", "防尘网覆盖";
    WaterCutOff => "water_cut_off", "断水";
    PowerCutOff => "power_cut_off", "断电";
    Other => "other", "其他";
});

vocabulary!(ProjectStatus, "status" {
    Preparing => "preparing", "前期准备";
    Signing => "signing", "签约中";
    Demolishing => "demolishing", "拆除中";
    Cleared => "cleared", "已净地";
});

/// Special circumstances the office tracks; free text is allowed beside these.
pub const SPECIAL_CIRCUMSTANCES: &[&str] = &["低保", "残疾", "大病", "高龄", "独居", "优抚对象"];

/// The concern tags families raise most; free text is allowed beside these.
pub const CONCERN_TAGS: &[&str] = &["补偿标准", "安置房源", "老人照料", "子女上学", "经营损失", "家庭矛盾", "产权争议"];

// ---- evidence (src/evidence/): what a file is, and what it is attached to

vocabulary!(AttachmentKind, "kind" {
    HousePhoto => "house_photo", "房屋照片";
    CropsPhoto => "crops_photo", "青苗/附着物照片";
    AgreementScan => "agreement_scan", "协议扫描件";
    AppraisalReport => "appraisal_report", "评估报告";
    PaymentVoucher => "payment_voucher", "付款凭证";
    Other => "other", "其他";
});

vocabulary!(AttachTarget, "target" {
    Household => "household", "住户";
    Visit => "visit", "走访记录";
    InventoryItem => "inventory_item", "青苗/附着物清点";
    CompensationItem => "compensation_item", "补偿项目";
    Pole => "pole", "杆线";
    Obstacle => "obstacle", "问题";
    DemolitionLog => "demolition_log", "拆除日志";
});

// ---- admissions (src/admission.rs): what a laptop admitted to a project may do

vocabulary!(
    /// The role a laptop is admitted with; what each may write is `admission::GRANTS`.
    Role, "role" {
        Command => "command", "指挥部";
        Field => "field", "组长/工作人员";
        Finance => "finance", "财务";
        Supervisor => "supervisor", "督导";
    }
);
