//! The TypeScript declarations of every type crossing IPC (ui/src/ipc/bindings.ts) are
//! generated from the Rust types (ts-rs, the core's `ts` feature). This test fails when
//! the checked-in file differs from what the types say now; regenerate with
//! `UPDATE_IPC_TYPES=1 cargo test -p jingdi-app --test ipc_types`.

use jingdi::desk::*;
use jingdi::report::{board, changes, clearance, history, summary};
use jingdi::vocab::*;
use ts_rs::{Config, TS};

macro_rules! decls {
    ($cfg:expr; $($t:ty),* $(,)?) => { vec![$( <$t as TS>::decl($cfg) ),*] };
}

fn generate() -> String {
    // Every integer crossing IPC (fen, 0.01 m², counts, clock values) is far below 2^53.
    let cfg = Config::new().with_large_int("number");
    let cfg = &cfg;
    let all = decls!(cfg;
        // vocabularies
        Stage, Difficulty, CompensationMode, Role, VisitKind, ObstacleCategory, ObstacleStatus,
        CompensationKind, PaymentStatus, PoleKind, PoleStatus, ChecklistCategory, ProjectStatus,
        // records
        jingdi::error::WireError, jingdi::project::Project, jingdi::project::Staff,
        jingdi::project::WorkGroup, jingdi::household::Household, jingdi::stage::StageEvent,
        jingdi::compensation::Item, jingdi::visit::Visit, jingdi::obstacle::Obstacle,
        jingdi::plot_work::Pole, jingdi::plot_work::DemolitionDay, jingdi::plot_work::ChecklistItem,
        jingdi::meeting::Decision, jingdi::meeting::DecisionInput, jingdi::meeting::Meeting,
        jingdi::oplog::Entity, jingdi::oplog::Action, jingdi::oplog::Fields,
        // reports
        summary::Summary, summary::StageCount, summary::GroupRow, summary::DayRow,
        summary::CompensationTotals, summary::UnitObstacles, summary::OverdueFollowUp,
        clearance::ClearanceKind, clearance::ClearanceItem, changes::Changes, changes::StageChange,
        history::HistoryEntry, history::FieldChange, board::Tile, board::Board, board::HouseholdHit,
        // the desktop calls
        AppState, Identity, ProjectInput, HistoryQuery, HouseholdView, Glance, VisitInput, StageInput,
        AssessInput, PaymentInput, ObstacleRow, ObstacleList, ObstacleInput, ResolveInput,
        OwnerOverdue, MeetingPrep, MeetingInput, PlotWork, PoleStatusInput,
        DemolitionInput, PoleInput, ChecklistInput, HouseholdFieldInput, WorkDay,
        // compensation: standards, the household's sheet, fairness
        jingdi::compensation::standards::StructurePrice, jingdi::compensation::standards::IncentiveTier,
        jingdi::compensation::standards::Subsidy, jingdi::compensation::standards::CatalogueItem,
        jingdi::compensation::standards::Rules, jingdi::compensation::standards::Standard,
        jingdi::compensation::standards::Usage, jingdi::compensation::inventory::InventoryItem,
        jingdi::compensation::sheet::Sheet, jingdi::compensation::sheet::Totals,
        jingdi::compensation::sheet::AgreementCheck, jingdi::compensation::calc::RecalcReport,
        jingdi::compensation::calc::HouseholdProblem, jingdi::compensation::fairness::FairnessKind,
        jingdi::compensation::fairness::FairnessEntry, jingdi::compensation::fairness::FairnessFacts,
        jingdi::compensation::fairness::FairnessReport,
        StandardVersion, StandardsView, StandardDraft, RecalcInput, AdjustInput, ConfirmAllInput,
        PayInput, UnconfirmInput, InventoryInput, InventoryCorrection, HouseholdAmount, AmountInput,
        // office files (roster import, exports)
        jingdi::office::ExportKind, jingdi::office::Format, jingdi::office::ExportOptions,
        jingdi::office::ExportReport, jingdi::office::headers::Field, jingdi::office::source::SourceFormat,
        jingdi::office::roster::ColumnChoice, jingdi::office::roster::ImportOptions,
        jingdi::office::roster::Mapped, jingdi::office::roster::SourceColumn, jingdi::office::roster::Reason,
        jingdi::office::roster::Problem, jingdi::office::roster::Action, jingdi::office::roster::RowPreview,
        jingdi::office::roster::Counts, jingdi::office::roster::Preview, jingdi::office::roster::ImportReport,
        // sync between laptops
        jingdi::sync::hub::HubReport, jingdi::sync::hub_status::Schedule, jingdi::sync::hub_status::HubProjectStatus,
        jingdi::sync::hub_status::HubStatus, jingdi::sync::hub_status::HubFailure, jingdi::sync::hub_status::HubRound,
        // the district overview
        jingdi::report::district::DeadlinePace, jingdi::report::district::PlotRow,
        jingdi::report::district::DistrictTotals, jingdi::report::district::DistrictOverview,
        jingdi::office::DistrictExport,
        jingdi::sync::ExportSummary, jingdi::sync::merge::ImportReport, jingdi::sync::merge::HeldBackDevice, jingdi::sync::folder::Peer,
        jingdi::sync::folder::Refused, jingdi::sync::folder::FolderReport, jingdi::sync::conflicts::Side,
        jingdi::sync::conflicts::Conflict, jingdi::sync::SyncStatus,
        // backups, restore, the check at start
        jingdi::backup::Kind, jingdi::backup::BackupFile, jingdi::backup::restore::Snapshot,
        jingdi::backup::restore::ProjectCount, jingdi::backup::restore::RestorePlan,
        jingdi::backup::restore::RestoreReport, jingdi::check::CheckReport, BackupsView, Health,
        // evidence (attachments, file sync) and search
        AttachmentKind, AttachTarget, jingdi::evidence::sniff::FileFormat, jingdi::evidence::ContentHash,
        jingdi::evidence::Attachment, jingdi::evidence::transport::RefusedFile,
        jingdi::evidence::transport::FileSyncReport, Preview, AttachmentTile, TargetOption, HouseholdEvidence,
        AttachInput, OpenedAttachment, WithdrawAttachmentInput, jingdi::search::MatchedBy, jingdi::search::SearchHit,
        // the map: geometry import, the map at a date, the pace, printing
        jingdi::map::geometry::Geometry, jingdi::map::Layer, jingdi::map::import::ImportOptions, jingdi::map::import::FeatureStatus,
        jingdi::map::import::FeatureRow, jingdi::map::import::Overlap, jingdi::map::import::Counts,
        jingdi::map::import::KeyChoice, jingdi::map::import::Preview, jingdi::map::import::ImportReport,
        jingdi::map::view::ParcelView, jingdi::map::view::PoleView, jingdi::map::view::LegendEntry,
        jingdi::map::view::MapView, jingdi::map::export::MapFormat, jingdi::map::export::MapExport,
        jingdi::report::pace::PaceStatus, jingdi::report::pace::PacePoint, jingdi::report::pace::PaceCurve,
        jingdi::report::pace::Pace, MapQuery,
        // laptops admitted to the project
        jingdi::admission::Member, jingdi::admission::MembersView, jingdi::admission::JoinRequest, AdmitInput,
        jingdi::admission::Admitted, jingdi::admission::Grant, jingdi::admission::EntityGrant, jingdi::admission::Capabilities,
    );
    let mut out = String::from(
        "// Generated from the Rust types by src-tauri/tests/ipc_types.rs (ts-rs). Do not edit.\n\
         // Regenerate: UPDATE_IPC_TYPES=1 cargo test -p jingdi-app --test ipc_types\n\n\
         // serde_json::Value, as ts-rs names it (operation fields).\n\
         export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;\n\n",
    );
    for d in all {
        out.push_str("export ");
        out.push_str(d.trim());
        out.push_str("\n\n");
    }
    out.push_str(&jingdi::schema::typescript());
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[test]
fn ipc_types_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/ipc/bindings.ts");
    let want = generate();
    if std::env::var_os("UPDATE_IPC_TYPES").is_some() {
        std::fs::write(&path, &want).expect("write bindings.ts");
        return;
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "ui/src/ipc/bindings.ts is stale; regenerate with `UPDATE_IPC_TYPES=1 cargo test -p jingdi-app --test ipc_types`"
    );
}
