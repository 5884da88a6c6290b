// Generated from the Rust types by src-tauri/tests/ipc_types.rs (ts-rs). Do not edit.
// Regenerate: UPDATE_IPC_TYPES=1 cargo test -p jingdi-app --test ipc_types

// serde_json::Value, as ts-rs names it (operation fields).
export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type Stage = "registered" | "assessed" | "negotiating" | "signed" | "vacated" | "demolished";

export type Difficulty = "easy" | "medium" | "hard";

export type CompensationMode = "monetary" | "property_swap";

export type Role = "command" | "field" | "finance" | "supervisor";

export type VisitKind = "door" | "phone" | "interview";

export type ObstacleCategory = "compensation" | "crops" | "poles" | "demolition" | "resettlement" | "ownership" | "other";

export type ObstacleStatus = "open" | "in_progress" | "resolved";

export type CompensationKind = "house_value" | "relocation" | "temporary_resettlement" | "incentive" | "crops" | "other";

export type PaymentStatus = "estimated" | "confirmed" | "paid";

export type PoleKind = "power" | "telecom";

export type PoleStatus = "not_applied" | "applied" | "scheduled" | "relocated";

export type ChecklistCategory = "debris" | "dust_net" | "water_cut_off" | "power_cut_off" | "other";

export type ProjectStatus = "preparing" | "signing" | "demolishing" | "cleared";

export type WireError = { code: string, message: string, };

export type Project = { id: string, code: string, name: string, city: string, district: string, street: string, community: string, window_opens_on: string, window_closes_on: string, clearance_target: string | null, status: ProjectStatus, 
/**
 * A historical project (the demo) is shown as of this date unless another is chosen.
 */
as_of: string | null, };

export type Staff = { id: string, name: string, role: string, phone: string, };

export type WorkGroup = { id: string, name: string, leader_id: string | null, leader: string | null, members: Array<string>, };

export type Household = { id: string, project_id: string, number: string, head_name: string, id_number: string | null, phone: string, address: string, members_count: number, special_circumstances: Array<string>, 
/**
 * 0.01 m²
 */
floor_area: number, 
/**
 * 0.01 m²
 */
land_area: number, structure: string, group_id: string, group_name: string, concerns: Array<string>, difficulty: Difficulty | null, strategy: string, stage: Stage, agreement_no: string | null, agreement_date: string | null, compensation_mode: CompensationMode | null, 
/**
 * 0.01 m²
 */
signed_area: number | null, };

export type StageEvent = { id: string, from_stage: Stage, to_stage: Stage, reached_on: string, recorded_by: string, reason: string | null, };

export type Item = { id: string, household_id: string, kind: CompensationKind, label: string, 
/**
 * fen
 */
amount: number, status: PaymentStatus, confirmed_on: string | null, paid_on: string | null, voucher_no: string | null, note: string, 
/**
 * The rule of the standards that produced this item (None: entered directly).
 */
calc_key: string | null, 
/**
 * The calculation with its numbers filled in, e.g. 125.40 m² × 8,600 元/m²(砖混) = 1,078,440.00 元.
 */
formula: string, standard_id: string | null, standard_version: number | null, 
/**
 * fen, as calculated, before the manual adjustment.
 */
calculated_amount: number | null, 
/**
 * fen, signed; `amount` = `calculated_amount` + `adjustment`.
 */
adjustment: number, adjustment_reason: string | null, adjusted_by: string | null, 
/**
 * Who is (to be) paid; by default the household head.
 */
payee: string | null, };

export type Visit = { id: string, household_id: string, visited_at: string, visitors: Array<string>, kind: VisitKind, outcome: string, concerns: Array<string>, promises: string, next_step: string, follow_up_on: string | null, corrects: string | null, recorded_by: string, };

export type Obstacle = { id: string, project_id: string, household_id: string | null, household_no: string | null, title: string, category: ObstacleCategory, responsible_unit: string, responsible_person: string, raised_on: string, due_on: string | null, status: ObstacleStatus, resolution: string, resolved_on: string | null, blocks_stage: Stage | null, };

export type Pole = { id: string, label: string, kind: PoleKind, owner_unit: string, location: string, status: PoleStatus, status_on: string | null, };

export type DemolitionDay = { id: string, log_date: string, machines: number, workers: number, 
/**
 * Household numbers demolished that day.
 */
demolished: Array<string>, notes: string, };

export type ChecklistItem = { id: string, title: string, category: ChecklistCategory, done: boolean, done_on: string | null, note: string, };

export type Decision = { text: string, 
/**
 * The obstacle this decision is about, if any.
 */
obstacle_id: string | null, 
/**
 * Who carries it out (unit or person).
 */
owner: string, due_on: string | null, };

export type DecisionInput = { track: boolean, text: string, 
/**
 * The obstacle this decision is about, if any.
 */
obstacle_id: string | null, 
/**
 * Who carries it out (unit or person).
 */
owner: string, due_on: string | null, };

export type Meeting = { id: string, project_id: string, held_on: string, title: string, attendees: Array<string>, decisions: Array<Decision>, notes: string, recorded_by: string, };

export type Entity = "project" | "staff" | "work_group" | "household" | "stage_event" | "compensation_item" | "visit" | "obstacle" | "pole" | "demolition_log" | "checklist_item" | "meeting" | "compensation_standard" | "inventory_item" | "attachment" | "map_feature" | "member" | "data_export";

export type Action = "create" | "update" | "append";

export type Fields = { [key in string]: JsonValue };

export type Summary = { project_code: string, project_name: string, as_of: string, window_opens_on: string, window_closes_on: string, 
/**
 * Negative once the deadline has passed.
 */
days_left: number, households_total: number, households_signed: number, 
/**
 * Signed households / all households, 0..=1.
 */
signing_rate: number, 
/**
 * Sum of the agreements' signed areas, m².
 */
signed_area_m2: number, 
/**
 * Sum of all households' floor areas, m².
 */
total_area_m2: number, 
/**
 * Floor area of signed households / all floor area, 0..=1.
 */
area_signing_rate: number, signed_area_centi: number, total_area_centi: number, stages: Array<StageCount>, groups: Array<GroupRow>, daily: Array<DayRow>, compensation: CompensationTotals, obstacles_by_unit: Array<UnitObstacles>, overdue_follow_ups: Array<OverdueFollowUp>, };

export type StageCount = { stage: Stage, name: string, households: number, };

export type GroupRow = { group: string, leader: string | null, households_total: number, households_signed: number, signing_rate: number, signed_area_m2: number, demolished: number, };

export type DayRow = { date: string, signed: number, cumulative_signed: number, cumulative_rate: number, cumulative_area_m2: number, };

export type CompensationTotals = { 
/**
 * All items still being estimated, fen.
 */
estimated_fen: number, 
/**
 * Confirmed (including paid) items, fen.
 */
confirmed_fen: number, paid_fen: number, 
/**
 * Confirmed but not yet paid, fen.
 */
unpaid_confirmed_fen: number, };

export type UnitObstacles = { responsible_unit: string, open: number, overdue: number, };

export type OverdueFollowUp = { household_no: string, head_name: string, follow_up_on: string, days_overdue: number, next_step: string, };

export type ClearanceKind = "household_not_demolished" | "house_photo_missing" | "unpaid_compensation" | "pole_not_relocated" | "open_obstacle" | "checklist_open";

export type ClearanceItem = { kind: ClearanceKind, 
/**
 * The record this item is about (household, compensation item, pole, obstacle, checklist item).
 */
id: string, household_no: string | null, title: string, detail: string, 
/**
 * Who must act, where known (e.g. 供电公司).
 */
responsible: string | null, amount_fen: number | null, overdue: boolean, };

export type Changes = { since: string | null, newly_signed: Array<StageChange>, vacated: Array<StageChange>, demolished: Array<StageChange>, 
/**
 * Other forward moves (assessed, negotiating).
 */
advanced: Array<StageChange>, reverted: Array<StageChange>, obstacles_opened: Array<string>, obstacles_resolved: Array<string>, visits: number, payments: number, paid_fen: number, 
/**
 * Operations per author, for "who did what".
 */
operations_by_author: { [key in string]: number }, };

export type StageChange = { household_no: string, from: Stage, to: Stage, on: string, by: string, reason: string | null, };

export type HistoryEntry = { id: string, recorded_at: string, hlc: number, device_id: string, seq: number, author: string, entity: Entity, entity_id: string, action: Action, fields: Fields, reason: string | null, 
/**
 * The household the change concerns, where there is one.
 */
household_no: string | null, 
/**
 * What the record is to a person, where it is not a household: a pole's label, an
 * obstacle's or checklist item's title, a group's name, a day's date, an attachment's
 * kind, file name and what it is attached to.
 */
subject: string | null, 
/**
 * The fields set, readable: the schema's Chinese names, references as household
 * numbers, pole labels and names, money in 元 and areas in m² (ids of the record's
 * own project and household left out: they are the entry's context).
 */
changes: Array<FieldChange>, };

export type FieldChange = { field: string, 
/**
 * The field's Chinese name from `src/schema.rs`.
 */
name: string, value: string, 
/**
 * The value is a vocabulary id (the screen shows it in its language).
 */
vocab: boolean, };

export type Tile = { id: string, number: string, head_name: string, group_name: string, stage: Stage, difficulty: Difficulty | null, concerns: Array<string>, open_obstacles: number, 
/**
 * Compensation items not yet paid (estimated or confirmed).
 */
unpaid_items: number, 
/**
 * The latest visit promised a follow-up before the as-of date.
 */
overdue_follow_up: boolean, };

export type Board = { as_of: string, 
/**
 * Ordered by household number.
 */
tiles: Array<Tile>, groups: Array<string>, 
/**
 * Every concern tag in use, sorted.
 */
concern_tags: Array<string>, };

export type HouseholdHit = { id: string, number: string, head_name: string, group_name: string, stage: Stage, address: string, };

export type AppState = { operator: string | null, device_name: string | null, device_id: string, db_path: string, projects: Array<Project>, today: string, };

export type Identity = { operator: string, device_name: string, };

export type ProjectInput = { code: string, name: string, city: string, district: string, street: string, community: string, window_opens_on: string, window_closes_on: string, clearance_target: string | null, };

export type HistoryQuery = { project_id: string, household_id: string | null, author: string | null, 
/**
 * Recorded on or after this date.
 */
since: string | null, limit: number | null, };

export type HouseholdView = { household: Household, timeline: Array<StageEvent>, items: Array<Item>, 
/**
 * Newest first.
 */
visits: Array<Visit>, obstacles: Array<Obstacle>, as_of: string, 
/**
 * The settlement sheet: items with formulas, inventory, totals, agreement check.
 */
compensation: Sheet, 
/**
 * What the inventory can record (the latest standard's catalogue; empty: none published).
 */
catalogue: Array<CatalogueItem>, 
/**
 * The household at a glance, for the top of its page.
 */
glance: Glance, };

export type Glance = { open_obstacles: number, 
/**
 * The follow-up date of the latest visit (corrections aside): the one 逾期回访 reads.
 */
follow_up_on: string | null, next_step: string, 
/**
 * The follow-up date has passed (before the as-of date).
 */
follow_up_overdue: boolean, };

export type VisitInput = { household_id: string, kind: VisitKind | null, visitors: Array<string>, outcome: string, concerns: Array<string>, promises: string, next_step: string, follow_up_on: string | null, 
/**
 * When the visit happened, for one written up later: 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM'
 * (local time; noon when only the date is given). Empty: now, or for a historical
 * project its working date ([`work_date`]).
 */
visited_at: string | null, };

export type StageInput = { household_id: string, to: Stage, 
/**
 * The date the stage was reached; the project's as-of date when empty.
 */
on: string | null, reason: string | null, };

export type AssessInput = { household_id: string, difficulty: Difficulty, strategy: string, };

export type PaymentInput = { item_id: string, 
/**
 * The project's as-of date when empty (today for a live project).
 */
on: string | null, voucher_no: string, };

export type ObstacleRow = { obstacle: Obstacle, overdue: boolean, };

export type ObstacleList = { as_of: string, 
/**
 * All obstacles, open ones first (overdue first), then resolved.
 */
rows: Array<ObstacleRow>, };

export type ObstacleInput = { project_id: string, household_id: string | null, title: string, category: ObstacleCategory, responsible_unit: string, responsible_person: string, due_on: string | null, blocks_stage: Stage | null, };

export type ResolveInput = { obstacle_id: string, resolution: string, 
/**
 * The project's as-of date when empty (today for a live project).
 */
on: string | null, };

export type OwnerOverdue = { responsible_unit: string, obstacles: Array<Obstacle>, };

export type MeetingPrep = { 
/**
 * The start of the brief: the date asked for, else the last meeting's, else a week
 * before the as-of date.
 */
since: string, as_of: string, 
/**
 * The last meeting held on or before the as-of date; None: there has been none.
 */
last_meeting: string | null, changes: Changes, overdue_by_owner: Array<OwnerOverdue>, 
/**
 * Open obstacles that are overdue or block a stage and that no meeting has decided on.
 */
needing_decision: Array<Obstacle>, 
/**
 * Newest first.
 */
meetings: Array<Meeting>, };

export type MeetingInput = { project_id: string, 
/**
 * The project's as-of date when empty (today for a live project).
 */
held_on: string | null, title: string, attendees: Array<string>, decisions: Array<DecisionInput>, notes: string, };

export type PlotWork = { 
/**
 * The project's working date: what the forms' empty dates mean.
 */
work_date: string, poles: Array<Pole>, 
/**
 * Oldest first.
 */
days: Array<DemolitionDay>, checklist: Array<ChecklistItem>, };

export type PoleStatusInput = { pole_id: string, status: PoleStatus, 
/**
 * The project's as-of date when empty (today for a live project).
 */
on: string | null, reason: string | null, };

export type DemolitionInput = { project_id: string, 
/**
 * The project's working date when empty.
 */
log_date: string | null, 
/**
 * As typed: "3", "３", "3台".
 */
machines: string, workers: string, 
/**
 * Household numbers demolished that day, separated by 、 , or spaces.
 */
demolished: string, notes: string, };

export type PoleInput = { project_id: string, label: string, kind: PoleKind, owner_unit: string, location: string, 
/**
 * 待申请 when empty.
 */
status: PoleStatus | null, 
/**
 * The date of that status; the project's working date when empty.
 */
status_on: string | null, };

export type ChecklistInput = { item_id: string, done: boolean, 
/**
 * The project's working date when empty.
 */
on: string | null, 
/**
 * Needed to untick.
 */
note: string, };

export type HouseholdFieldInput = { household_id: string, 
/**
 * A field `household set` accepts (`phone`, `id_number`, `address`, ...).
 */
field: string, 
/**
 * As typed; full-width digits are read as digits.
 */
value: string, 
/**
 * Needed for agreement fields of a signed household and for a new household number.
 */
reason: string | null, };

export type WorkDay = { 
/**
 * The project's "today": the date every form's empty date means.
 */
date: string, 
/**
 * A historical project shown as of a past date (not the calendar day).
 */
historical: boolean, };

export type StructurePrice = { structure: string, 
/**
 * fen per m²
 */
price_fen: number, };

export type IncentiveTier = { until: string, amount_fen: number, 
/**
 * e.g. 前10天签约
 */
label: string, };

export type Subsidy = { circumstance: string, amount_fen: number, };

export type CatalogueItem = { 
/**
 * Stable across versions, e.g. `vegetables`, `fruit_tree`, `well`.
 */
code: string, 
/**
 * e.g. 蔬菜
 */
name: string, 
/**
 * e.g. m², 棵, 口, m
 */
unit: string, 
/**
 * fen per unit
 */
price_fen: number, };

export type Rules = { 
/**
 * House value per m² by structure type (unless an appraised value is entered per household).
 */
house_prices: Array<StructurePrice>, 
/**
 * Relocation fee per m² per move; 产权调换 counts two moves (out and back in).
 */
relocation_fen: number, 
/**
 * Temporary resettlement per m² per month.
 */
temp_resettlement_fen: number, 
/**
 * Months of temporary resettlement for 货币补偿 and for 产权调换.
 */
temp_months_monetary: number, temp_months_swap: number, 
/**
 * Signing incentives by date tier, earliest first.
 */
signing_tiers: Array<IncentiveTier>, 
/**
 * On-time handover incentive, for households that hand over by `handover_by`.
 */
handover_by: string | null, handover_incentive_fen: number, subsidies: Array<Subsidy>, 
/**
 * A household's calculated total is topped up to at least this (0: no floor).
 */
minimum_payout_fen: number, catalogue: Array<CatalogueItem>, };

export type Standard = { id: string, project_id: string, version: number, effective_on: string, rules: Rules, note: string, published_by: string, };

export type Usage = { households: number, locked_households: number, };

export type InventoryItem = { id: string, household_id: string, 
/**
 * Catalogue code, e.g. `vegetables`.
 */
code: string, name: string, unit: string, 
/**
 * Hundredths of the unit (8600 = 86.00 m², 300 = 3 棵).
 */
quantity: number, 
/**
 * Who is paid for it, when not the household (a tenant, a neighbour).
 */
owner: string | null, surveyed_on: string | null, surveyor: string, note: string, withdrawn: boolean, };

export type Sheet = { household_id: string, household_no: string, head_name: string, stage: Stage, structure: string, 
/**
 * 0.01 m²
 */
floor_area: number, compensation_mode: CompensationMode | null, agreement_no: string | null, agreement_date: string | null, 
/**
 * The standard version the household's items use now (None: none in force).
 */
standard_version: number | null, standard_effective_on: string | null, 
/**
 * In sheet order: house value, relocation, resettlement, incentives, crops, other.
 */
items: Array<Item>, inventory: Array<InventoryItem>, totals: Totals, agreement: AgreementCheck, 
/**
 * Estimated items a recalculation would create, change or void (facts or standards
 * changed since the last one): 0 means the sheet is up to date.
 */
pending_changes: number, problems: Array<string>, };

export type Totals = { 
/**
 * Sum of all items, fen.
 */
total_fen: number, 
/**
 * e.g. 1,078,440.00 元
 */
total_figures: string, 
/**
 * e.g. 壹佰零柒万捌仟肆佰肆拾元整
 */
total_capitals: string, estimated_fen: number, 
/**
 * Confirmed, paid included.
 */
confirmed_fen: number, paid_fen: number, unpaid_confirmed_fen: number, adjusted_items: number, manual_items: number, };

export type AgreementCheck = { 
/**
 * As written in the agreement, fen.
 */
agreement_amount_fen: number | null, 
/**
 * Sum of the sheet's items, fen.
 */
settlement_fen: number, 
/**
 * agreement − settlement, when the agreement has an amount.
 */
difference_fen: number | null, 
/**
 * None: no amount recorded in the agreement yet; Some(false): the household is flagged.
 */
agrees: boolean | null, };

export type RecalcReport = { households: number, created: number, updated: number, unchanged: number, 
/**
 * Items left as they are because they are confirmed or paid.
 */
locked: number, 
/**
 * Items no longer produced by the standard, set to zero.
 */
voided: number, 
/**
 * Households that could not be (fully) calculated, with the reason.
 */
problems: Array<HouseholdProblem>, };

export type HouseholdProblem = { household_no: string, problem: string, };

export type FairnessKind = "per_m2_deviation" | "manual_adjustment" | "manual_item" | "incentive_outside_tier" | "agreement_mismatch";

export type FairnessEntry = { household_id: string, household_no: string, head_name: string, kind: FairnessKind, kind_zh: string, 
/**
 * `facts` in Chinese.
 */
detail: string, facts: FairnessFacts, 
/**
 * The item concerned, where one is.
 */
item_id: string | null, 
/**
 * The deviation in fen (actual − standard, the adjustment, the item's amount, or
 * agreement − settlement).
 */
amount_fen: number | null, 
/**
 * For `per_m2_deviation`: (actual − standard) / standard in basis points, rounded toward zero.
 */
deviation_bp: number | null, };

export type FairnessFacts = { "type": "per_m2", actual_fen_per_m2: number, standard_fen_per_m2: number, version: number, floor_area_centi: number, deviation_bp: number, } | { "type": "adjusted", label: string, adjustment_fen: number, calculated_fen: number, amount_fen: number, reason: string | null, by: string | null, } | { "type": "manual", label: string, kind: CompensationKind, amount_fen: number, note: string, } | { "type": "incentive", signing_fen: number, agreement_date: string | null, tier: string | null, tier_fen: number | null, } | { "type": "handover_late", amount_fen: number, vacated_on: string | null, due: string, as_of: string, } | { "type": "agreement", agreement_fen: number, settlement_fen: number, };

export type FairnessReport = { project_code: string, as_of: string, threshold_bp: number, households_checked: number, households_flagged: number, 
/**
 * By household number, then kind.
 */
entries: Array<FairnessEntry>, };

export type StandardVersion = { standard: Standard, usage: Usage, };

export type StandardsView = { project_id: string, as_of: string, 
/**
 * Oldest first.
 */
versions: Array<StandardVersion>, 
/**
 * The version in force on the as-of date.
 */
in_force_version: number | null, 
/**
 * Where the next version starts from: the latest version's rules, or (none published
 * yet) the usual structures and catalogue with prices still to fill in.
 */
draft: Rules, 
/**
 * The earliest effective date the next version may have.
 */
earliest_effective_on: string | null, };

export type StandardDraft = { project_id: string, effective_on: string, note: string, rules: Rules, };

export type RecalcInput = { project_id: string, 
/**
 * One household, or every household of the project.
 */
household_id: string | null, };

export type AdjustInput = { item_id: string, 
/**
 * Signed 元 as typed: "+2,000", "-500.5"; "0" removes the adjustment.
 */
adjustment: string, reason: string, };

export type ConfirmAllInput = { household_id: string, 
/**
 * The project's as-of date when empty.
 */
on: string | null, };

export type PayInput = { item_id: string, 
/**
 * The project's as-of date when empty.
 */
on: string | null, voucher_no: string, 
/**
 * The item's payee (an attachment's owner) or the household head when empty.
 */
payee: string | null, 
/**
 * 元 as typed; when given it must equal the confirmed amount.
 */
amount: string | null, };

export type UnconfirmInput = { item_id: string, reason: string, };

export type InventoryInput = { household_id: string, 
/**
 * Catalogue code or name.
 */
code: string, 
/**
 * In the catalogue's unit, as typed ("86.5").
 */
quantity: string, owner: string | null, surveyed_on: string | null, 
/**
 * The operator when empty.
 */
surveyor: string, note: string, };

export type InventoryCorrection = { id: string, 
/**
 * The corrected quantity; empty withdraws the line (entered by mistake).
 */
quantity: string | null, reason: string, };

export type HouseholdAmount = "agreement" | "appraisal";

export type AmountInput = { household_id: string, what: HouseholdAmount, 
/**
 * 元 as typed; empty clears it.
 */
amount: string, reason: string, };

export type ExportKind = "signing-summary" | "ledger" | "disclosure" | "meeting-brief" | "bulletin" | "settlement" | "notice" | "visit-record" | "obstacles" | "follow-ups" | "board" | "dashboard";

export type ExportFormat = "xlsx" | "docx" | "csv" | "png" | "pdf";

export type ExportOptions = { 
/**
 * Figures as of this date [default: the project's own as-of date, else today].
 */
as_of: string | null, 
/**
 * Meeting brief and bulletin: changes since this date [default: for the brief the last
 * meeting recorded, else a week before as-of].
 */
since: string | null, 
/**
 * Disclosure list: print names as 张*三.
 */
mask_names: boolean, 
/**
 * Per-household paper (settlement, notice, visit-record): the household, by number.
 */
household: string | null, 
/**
 * Per-household paper for a whole work group, one file, a page per household.
 */
group: string | null, 
/**
 * 问题清单 and 征收户清单: only these rows (obstacle or household ids), in this order —
 * what a filtered screen shows. None: the whole list.
 */
only: Array<string> | null, };

export type ExportReport = { kind: ExportKind, format: ExportFormat, path: string, as_of: string, 
/**
 * Data rows written (households, groups, days ...), totals not counted.
 */
rows: number, };

export type RosterField = "number" | "head_name" | "id_number" | "phone" | "address" | "members_count" | "floor_area" | "land_area" | "structure" | "group" | "special_circumstances";

export type SourceFormat = "xlsx" | "xls" | "csv_utf8" | "csv_gbk";

export type ColumnChoice = { field: RosterField, column: number | null, };

export type RosterImportOptions = { 
/**
 * Overrides of the detected mapping, field by field.
 */
mapping: Array<ColumnChoice>, 
/**
 * Rows to leave out, as Excel numbers them (1-based); their problems no longer block.
 */
skip_rows: Array<number>, 
/**
 * The header row as Excel numbers it, when detection picks the wrong one.
 */
header_row: number | null, };

export type RosterMapping = { field: RosterField, 
/**
 * 户号, 户主 ...
 */
label: string, required: boolean, column: number | null, 
/**
 * "C"
 */
letter: string | null, 
/**
 * The header text in the file.
 */
header: string | null, };

export type RosterColumn = { column: number, letter: string, header: string, field: RosterField | null, };

export type ProblemReason = "missing_column" | "empty_required" | "bad_id_number" | "duplicate_in_file" | "duplicate_id" | "number_taken" | "bad_area" | "bad_members" | "bad_phone" | "unknown_group" | "merged_cells" | "total_row" | "cell_error";

export type RosterProblem = { 
/**
 * Excel's row number; `None` for the file as a whole (a missing column).
 */
row: number | null, 
/**
 * "C 身份证号": column letter and header.
 */
column: string | null, field: RosterField | null, reason: ProblemReason, message: string, };

export type RosterAction = "create" | "update" | "unchanged" | "skipped" | "invalid";

export type RowPreview = { row: number, number: string, head_name: string, group: string, action: RosterAction, 
/**
 * For an update: "联系电话: 138… → 139…", one per changed field.
 */
changes: Array<string>, };

export type RosterCounts = { create: number, update: number, unchanged: number, skipped: number, invalid: number, };

export type RosterPreview = { file: string, format: SourceFormat, format_name: string, sheet: string | null, 
/**
 * Excel's number of the header row.
 */
header_row: number, columns: Array<RosterColumn>, mapping: Array<RosterMapping>, rows: Array<RowPreview>, problems: Array<RosterProblem>, counts: RosterCounts, 
/**
 * No problem stands in the way (skipped rows do not count).
 */
ok: boolean, };

export type RosterImportReport = { created: number, updated: number, unchanged: number, skipped: number, 
/**
 * Fields changed over all updated households.
 */
fields_changed: number, dry_run: boolean, };

export type HubReport = { url: string, project_code: string, at: string, 
/**
 * Operations the hub stored from this laptop, and the pushes they took.
 */
pushed: number, pushes: number, 
/**
 * Operations new to this laptop, by device, and the pages they took.
 */
pulled: number, pages: number, from_devices: { [key in string]: number }, conflicts: number, 
/**
 * Rules broken by two laptops' changes together (see `ImportReport.violations`).
 */
violations: number, 
/**
 * The project was new here: this laptop joined it from the hub.
 */
joined: boolean, 
/**
 * Devices whose operations the merge held back (see `ImportReport.held_back`).
 */
held_back: Array<string>, 
/**
 * The project's attachment files sent to and fetched from the hub, after the operations.
 */
files: FileSyncReport | null, 
/**
 * 取消 stopped this sync between two pages: what is counted above is in (each page
 * whole), the rest and the files come with the next sync, which carries on from there.
 */
stopped: boolean, };

export type Schedule = { 
/**
 * Failed tries in a row (0 after a success).
 */
failures: number, last_try: string | null, last_ok: string | null, 
/**
 * None: due now.
 */
next_try: string | null, 
/**
 * Why the last try failed, in words for the page.
 */
last_error: string | null, };

export type HubProjectStatus = { code: string, 
/**
 * The project's name here; None while this laptop has not joined it yet.
 */
name: string | null, last: HubReport | null, };

export type HubStatus = { 
/**
 * None: no hub set on this laptop (it syncs by folder and bundles only).
 */
url: string | null, projects: Array<HubProjectStatus>, 
/**
 * Whether the hub answered just now; None when it was not asked.
 */
reachable: boolean | null, 
/**
 * Why it did not answer, or what it refused, in words.
 */
problem: string | null, schedule: Schedule, };

export type HubFailure = { project_code: string, code: string, message: string, };

export type HubRound = { reports: Array<HubReport>, failures: Array<HubFailure>, 
/**
 * Operations new to this laptop over all projects (the screens reload when > 0).
 */
pulled: number, status: HubStatus, 
/**
 * 取消 ended the round early (see `HubReport.stopped`); projects after it were not synced.
 */
stopped: boolean, };

export type DeadlinePace = { deadline: string | null, status: PaceStatus, 
/**
 * The day 100% was reached, or would be at the last 7 days' pace.
 */
reaches_on: string | null, on_time: boolean | null, 
/**
 * Deadline minus `reaches_on`: positive early, negative late.
 */
days_margin: number | null, 
/**
 * Households per day over the last 7 days.
 */
per_day: number, 
/**
 * The pace's own sentence (`PaceCurve::sentence`).
 */
sentence: string, };

export type PlotRow = { project_id: string, code: string, name: string, community: string, status: ProjectStatus, 
/**
 * The date the plot's figures stand at (its own as-of date, else today).
 */
as_of: string, households_total: number, households_signed: number, signing_rate: number, 
/**
 * 净地 progress: households demolished, and their share of all.
 */
demolished: number, demolished_rate: number, confirmed_fen: number, paid_fen: number, 
/**
 * Open obstacles, and those past their due date.
 */
obstacles_open: number, obstacles_overdue: number, 
/**
 * Open obstacles by the unit that must act (the summary's own list).
 */
obstacles_by_unit: Array<UnitObstacles>, 
/**
 * Signing against the signing deadline.
 */
signing: DeadlinePace, 
/**
 * Demolition against the 净地 target.
 */
clearance: DeadlinePace, };

export type DistrictTotals = { plots: number, households_total: number, households_signed: number, signing_rate: number, demolished: number, demolished_rate: number, confirmed_fen: number, paid_fen: number, obstacles_open: number, obstacles_overdue: number, 
/**
 * Plots whose signing or 净地 would miss its deadline at the present pace.
 */
plots_behind: number, };

export type DistrictOverview = { plots: Array<PlotRow>, totals: DistrictTotals, 
/**
 * Open obstacles by responsible unit over the whole district, most overdue first.
 */
obstacles_by_unit: Array<UnitObstacles>, };

export type DistrictExport = { format: ExportFormat, path: string, 
/**
 * Plots written.
 */
plots: number, };

export type ExportSummary = { path: string, operations: number, full: boolean, bytes: number, };

export type SyncImportReport = { file: string, project_code: string, sender_device: string, sender_name: string, 
/**
 * The project was new here: this laptop joined it with this bundle.
 */
joined: boolean, 
/**
 * Operations new to this laptop.
 */
new_operations: number, 
/**
 * Operations already here (importing a bundle twice changes nothing).
 */
known_operations: number, visits: number, 
/**
 * New operations other than visits: edits, stage changes, payments, ...
 */
changes: number, 
/**
 * Conflicts this import found.
 */
conflicts: number, 
/**
 * Rules this import found broken by two laptops' changes together (review items listed
 * with the conflicts, see `sync::review`).
 */
violations: number, 
/**
 * Which devices the new operations came from, and how many from each.
 */
from_devices: { [key in string]: number }, 
/**
 * Devices whose operations were not merged because one of them clashes with an
 * operation this laptop holds under the same device and number (a fault or a
 * forgery), and devices that built on those. Everything else was merged.
 */
held_back: Array<HeldBackDevice>, };

export type HeldBackDevice = { device_id: string, 
/**
 * The device's name where this laptop knows it.
 */
name: string, from_seq: number, 
/**
 * The bundle's operations of the device not merged.
 */
operations: number, 
/**
 * True for the device whose operations clash; false for one held back only because
 * its operations build on those (it had seen them when it wrote).
 */
clashed: boolean, message: string, };

export type SyncPeer = { device_id: string, name: string, 
/**
 * When the peer wrote the latest bundle we imported.
 */
last_seen_at: string, imported_at: string, seen: { [key in string]: number }, };

export type RefusedBundle = { file: string, code: string, message: string, };

export type FolderReport = { folder: string, imported: Array<SyncImportReport>, 
/**
 * Files that were refused, with the reason; the rest of the folder still synced.
 */
refused: Array<RefusedBundle>, exported: ExportSummary, peers: Array<SyncPeer>, 
/**
 * Attachment files moved through the folder (`None`: operations only this time).
 */
files: FileSyncReport | null, 
/**
 * 取消 stopped the reading of bundles: those in `imported` are merged, the others
 * (and the files) wait for the next sync.
 */
stopped: boolean, };

export type ConflictSide = { operation: string, value: JsonValue, author: string, recorded_at: string, device_id: string, };

export type Conflict = { 
/**
 * `op_a:op_b:field`, stable on every laptop.
 */
key: string, entity: Entity, entity_id: string, field: string, household_no: string | null, a: ConflictSide, b: ConflictSide, 
/**
 * "a" or "b": the value the replay order shows now (empty for a rule item).
 */
showing: string, 
/**
 * A later operation on the field has seen both sides.
 */
resolved: boolean, 
/**
 * For a rule two laptops broke together (see [`super::review`]): the rule's code, also
 * in `field`. Side "a" is the change the rule holds against, "b" the change it would
 * have refused; each side's `value` is the fields its operation set. None for a field.
 */
rule: string | null, 
/**
 * What happened, in words (rule items; None for a field).
 */
message: string | null, };

export type SyncStatus = { device_id: string, device_name: string, folder: string | null, peers: Array<SyncPeer>, conflicts: Array<Conflict>, };

export type BackupKind = "manual" | "daily" | "before_migration" | "before_import" | "before_merge" | "before_restore";

export type BackupFile = { path: string, name: string, kind: BackupKind, 
/**
 * Local time the copy was taken, from its name.
 */
created_at: string, bytes: number, 
/**
 * The project codes of the database at the time, as in the name.
 */
projects: string, };

export type Snapshot = { schema_version: number, operations: number, 
/**
 * The newest change in the log (its writer's clock, RFC 3339).
 */
last_change_at: string | null, projects: Array<ProjectCount>, };

export type ProjectCount = { code: string, name: string, households: number, };

export type RestorePlan = { file: string, bytes: number, backup: Snapshot, 
/**
 * `None` when the current file cannot be read (damaged): nothing to compare with.
 */
current: Snapshot | null, 
/**
 * Operations in the current file that the backup does not hold: they leave this laptop.
 */
removed_operations: number, 
/**
 * Of those, written on this laptop (under any device id this installation gave the file).
 */
removed_own: number, 
/**
 * Of those, not yet confirmed received by any other laptop (its last bundle to us did
 * not hold them): a sync cannot bring these back; the file kept aside still has them.
 */
removed_unshared: number, 
/**
 * Operations the backup holds that the current file does not (a damaged or older file).
 */
added_operations: number, 
/**
 * The backup has an older schema; its copy is upgraded before it goes in (the backup file stays as it was).
 */
upgrade: boolean, };

export type RestoreReport = { plan: RestorePlan, 
/**
 * Where the file's content before the restore was kept.
 */
kept_aside: string, };

export type CheckReport = { path: string, 
/**
 * The one verdict: the file is sound.
 */
ok: boolean, verdict: string, 
/**
 * `integrity_check` (true) or `quick_check` (false).
 */
thorough: boolean, 
/**
 * What SQLite's structure check found; empty when it found nothing.
 */
structure_problems: Array<string>, schema_version: number, operations: number | null, 
/**
 * Whether replaying the log gives the live tables; `None` when not run (quick check,
 * damaged structure, a schema this binary does not replay).
 */
log_consistent: boolean | null, 
/**
 * Other findings: foreign keys, sequence numbers, what could not be read.
 */
problems: Array<string>, };

export type BackupsView = { 
/**
 * Where the backups go (beside the database file).
 */
folder: string, retention: string, 
/**
 * Automatic backups on (daily, before upgrades, big imports and merges).
 */
auto: boolean, files: Array<BackupFile>, };

export type Health = { check: CheckReport, daily_backup: BackupFile | null, 
/**
 * Why the daily backup could not be made (the app keeps working).
 */
daily_backup_error: string | null, newest_good_backup: BackupFile | null, };

export type AttachmentKind = "house_photo" | "crops_photo" | "agreement_scan" | "appraisal_report" | "payment_voucher" | "other";

export type AttachTarget = "household" | "visit" | "inventory_item" | "compensation_item" | "pole" | "obstacle" | "demolition_log";

export type FileFormat = "jpeg" | "png" | "heic" | "pdf" | "docx" | "xlsx" | "pptx" | "legacy_office" | "ofd";

export type ContentHash = string;

export type Attachment = { id: string, project_id: string, 
/**
 * The household the record belongs to (a visit's, an item's), if any.
 */
household_id: string | null, target: AttachTarget, target_id: string, kind: AttachmentKind, sha256: ContentHash, size: number, format: FileFormat, media_type: string, file_name: string, 
/**
 * When the photo was taken, from its EXIF (`YYYY-MM-DDTHH:MM:SS`, offset if recorded).
 */
taken_at: string | null, 
/**
 * GPS position from EXIF, in 1e-7 degrees.
 */
latitude_e7: number | null, longitude_e7: number | null, width: number | null, height: number | null, note: string, attached_by: string, 
/**
 * The instant it was attached (RFC 3339, UTC).
 */
attached_at: string, withdrawn: boolean, withdrawn_reason: string | null, withdrawn_by: string | null, withdrawn_on: string | null, };

export type RefusedFile = { sha256: ContentHash, code: string, message: string, };

export type FileSyncReport = { carrier: string, 
/**
 * Files this laptop sent to the carrier.
 */
sent: number, 
/**
 * Files fetched, verified and stored here.
 */
received: number, bytes_received: number, 
/**
 * Files refused on arrival (damaged in transit) or that could not be sent.
 */
refused: Array<RefusedFile>, 
/**
 * Files the records name that neither this laptop nor the carrier holds yet.
 */
still_missing: Array<ContentHash>, };

export type Preview = "image" | "heic" | "document" | "missing" | "damaged";

export type AttachmentTile = { attachment: Attachment, preview: Preview, 
/**
 * `data:image/jpeg;base64,…` when `preview` is `image`.
 */
thumb: string | null, 
/**
 * The record it is attached to, as the household page names it ("走访 2022-06-21").
 */
target_label: string, };

export type TargetOption = { target: AttachTarget, id: string, label: string, };

export type HouseholdEvidence = { 
/**
 * Withdrawn ones included (shown struck through), in the order attached.
 */
tiles: Array<AttachmentTile>, targets: Array<TargetOption>, };

export type AttachInput = { target: AttachTarget, target_id: string, kind: AttachmentKind, note: string, 
/**
 * Files chosen in the open dialog or dropped on the window.
 */
paths: Array<string>, };

export type OpenedAttachment = { tile: AttachmentTile, 
/**
 * The viewer's copy (`data:image/jpeg;base64,…`), for photos this laptop can show.
 */
image: string | null, };

export type WithdrawAttachmentInput = { id: string, reason: string, };

export type MatchedBy = "number" | "name" | "initials" | "id_number" | "phone" | "agreement_no" | "address";

export type SearchHit = { household_id: string, number: string, head_name: string, address: string, project_id: string, project_code: string, project_name: string, stage: Stage, matched_by: MatchedBy, };

export type Geometry = { "type": "Point", "coordinates": [number, number] } | { "type": "MultiPolygon", "coordinates": Array<Array<Array<[number, number]>>> };

export type MapLayer = "parcels" | "poles" | "boundary";

export type MapImportOptions = { layer: MapLayer, 
/**
 * The attribute matched to household numbers (parcels) or pole labels (poles). Left
 * out: the field with the most matches.
 */
key: string | null, 
/**
 * The coordinate system, when the file does not say or says it wrongly ("EPSG:4528").
 */
crs: string | null, 
/**
 * Features (1-based, as in the preview) to leave out.
 */
skip: Array<number>, };

export type FeatureStatus = "matched" | "unmatched" | "invalid" | "skipped";

export type FeatureRow = { 
/**
 * 1-based position in the file.
 */
index: number, key: string, status: FeatureStatus, 
/**
 * The household ("DX4-001 陈秀英") or pole ("DL-01") it matched.
 */
target: string | null, 
/**
 * m² (parcels and boundary).
 */
area_m2: number | null, 
/**
 * Another feature of the file has the same key: the parts are joined into one parcel.
 */
duplicate: boolean, 
/**
 * Errors (Invalid) or warnings, in Chinese.
 */
problems: Array<string>, };

export type Overlap = { a: number, b: number, a_key: string, b_key: string, 
/**
 * The shared area as a part of the smaller parcel's, 0..=1 (an estimate).
 */
share: number, };

export type MapCounts = { total: number, matched: number, unmatched: number, duplicated: number, invalid: number, skipped: number, overlapping: number, 
/**
 * Records to create, update, or already stored as they are.
 */
create: number, update: number, unchanged: number, };

export type KeyChoice = { field: string, 
/**
 * How many features' values of this field match a household number / pole label.
 */
matches: number, };

export type MapPreview = { file: string, format: string, layer: MapLayer, 
/**
 * How the coordinate system is named, and where it came from.
 */
crs: string, crs_source: string, encoding: string | null, fields: Array<KeyChoice>, key: string | null, 
/**
 * The key was not given: this is the field with the most matches.
 */
key_suggested: boolean, features: Array<FeatureRow>, overlaps: Array<Overlap>, counts: MapCounts, 
/**
 * Households (or poles) of the project that will still have no geometry.
 */
without_geometry: Array<string>, notes: Array<string>, 
/**
 * Nothing blocks the import (no unskipped error, something to store).
 */
can_import: boolean, };

export type MapImportReport = { layer: MapLayer, created: number, updated: number, unchanged: number, not_stored: number, };

export type ParcelView = { household_id: string, number: string, head_name: string, group_name: string, 
/**
 * None: not yet registered on that date.
 */
stage: Stage | null, stage_name: string, colour: string, 
/**
 * SVG path data in the map's metres (y down), rings closed, holes by even-odd.
 */
path: string, label_x: number, label_y: number, area_m2: number, 
/**
 * Titles of the household's obstacles open on that date.
 */
open_obstacles: Array<string>, 
/**
 * Matches the filters; the others are drawn faded.
 */
matches: boolean, };

export type PoleView = { id: string, label: string, kind: PoleKind, owner_unit: string, 
/**
 * None: not yet recorded on that date.
 */
status: PoleStatus | null, status_name: string, colour: string, x: number, y: number, };

export type LegendEntry = { 
/**
 * A stage or pole-status id; "not_registered" for households not yet registered.
 */
id: string, name: string, colour: string, 
/**
 * Households (matching the filters) or poles in this state on the date.
 */
count: number, };

export type MapView = { project_code: string, project_name: string, on: string, as_of: string, 
/**
 * The earliest date the slider offers: the first registration.
 */
first_day: string, 
/**
 * The drawing's size in metres; everything lies in 0..width × 0..height.
 */
width: number, height: number, 
/**
 * A round length for the scale bar, metres.
 */
scale_bar_m: number, parcels: Array<ParcelView>, poles: Array<PoleView>, boundary: string | null, legend: Array<LegendEntry>, pole_legend: Array<LegendEntry>, 
/**
 * Households matching the filters, and how many of them have a parcel on the map.
 */
households_shown: number, households_total: number, with_parcel: number, 
/**
 * Matching households without a parcel (their number and head).
 */
without_parcel: Array<string>, groups: Array<string>, has_geometry: boolean, pace: Pace, };

export type MapFormat = "png" | "pdf" | "docx" | "svg";

export type MapExport = { path: string, format: MapFormat, on: string, bytes: number, };

export type PaceStatus = "done" | "projected" | "stalled";

export type PacePoint = { date: string, households: number, };

export type PaceCurve = { 
/**
 * "签约" or "拆除".
 */
name: string, total: number, done: number, 
/**
 * done / total, 0..=1.
 */
rate: number, 
/**
 * Households per day over the last 7 days.
 */
per_day: number, 
/**
 * The signing deadline, or the 净地 target.
 */
deadline: string | null, deadline_name: string, status: PaceStatus, 
/**
 * The day 100% was reached (done), or would be at this pace (projected).
 */
reaches_on: string | null, 
/**
 * Whether that is on or before the deadline (None without a deadline).
 */
on_time: boolean | null, 
/**
 * Deadline minus the day 100% is reached: positive is early, negative late.
 */
days_margin: number | null, 
/**
 * Households there, day by day up to the as-of date.
 */
history: Array<PacePoint>, 
/**
 * From the as-of date to `reaches_on` at this pace.
 */
projection: Array<PacePoint>, };

export type Pace = { as_of: string, pace_days: number, signing: PaceCurve, demolition: PaceCurve, };

export type MapQuery = { project: string, on: string | null, group: string | null, 
/**
 * A stage id.
 */
stage: string | null, 
/**
 * "any" or an obstacle category id.
 */
obstacle: string | null, };

export type Member = { id: string, device_id: string, public_key: string, name: string, role: Role, role_zh: string, valid_from: string, valid_until: string | null, 
/**
 * Revoked: operations of the device after this number are refused.
 */
revoked_after_seq: number | null, revoke_reason: string | null, };

export type MembersView = { project_code: string, 
/**
 * Admissions are in effect (the project has a project key).
 */
closed: boolean, 
/**
 * This laptop holds the project key (it may admit and revoke).
 */
owner_here: boolean, this_device: string, 
/**
 * This device's role; none while the project is open or the device not admitted.
 */
my_role: Role | null, members: Array<Member>, };

export type JoinRequest = { device_id: string, public_key: string, name: string, 
/**
 * The same as a code to type: `JD1-<device>-<public key>-<check>`.
 */
code: string, };

export type AdmitInput = { 
/**
 * The join request's code (or its file's text), as pasted.
 */
request: string, 
/**
 * A role id or name.
 */
role: string, name: string | null, 
/**
 * `YYYY-MM-DD`; empty: no end.
 */
until: string | null, };

export type Admitted = "open" | "admitted" | "not_admitted" | "revoked";

export type Grant = { may: boolean, roles: Array<Role>, };

export type EntityGrant = { entity: Entity, may: boolean, roles: Array<Role>, };

export type Capabilities = { project_id: string, standing: Admitted, 
/**
 * The role it writes with; none while the project is open or the laptop not admitted.
 */
role: Role | null, 
/**
 * Every entity a write may touch (admissions aside), in the schema's order.
 */
entities: Array<EntityGrant>, 
/**
 * Confirming a compensation item (and taking a confirmation back).
 */
confirm: Grant, 
/**
 * Paying a compensation item.
 */
pay: Grant, 
/**
 * Admitting and revoking laptops: the laptop holding the project key, or any laptop
 * while the project is open (its first admission closes the project).
 */
admit: Grant, };

// Records as the log stores them, from the core's one declaration per entity (src/schema.rs).
export type ProjectRecord = { id: string, code: string, name: string, city: string, district: string, street: string, community: string, window_opens_on: string, window_closes_on: string, clearance_target: string | null, status: "preparing" | "signing" | "demolishing" | "cleared", as_of: string | null, owner_key: string | null, legacy_marks: Record<string, number> | null };

export type StaffRecord = { id: string, project_id: string, name: string, role: string, phone: string };

export type WorkGroupRecord = { id: string, project_id: string, name: string, leader_id: string | null, members: Array<string> };

export type HouseholdRecord = { id: string, project_id: string, number: string, head_name: string, id_number: string | null, phone: string, address: string, members_count: number, special_circumstances: Array<string>, floor_area: number, land_area: number, structure: string, group_id: string, concerns: Array<string>, difficulty: "easy" | "medium" | "hard" | null, strategy: string, stage: "registered" | "assessed" | "negotiating" | "signed" | "vacated" | "demolished", agreement_no: string | null, agreement_date: string | null, compensation_mode: "monetary" | "property_swap" | null, signed_area: number | null, agreement_amount: number | null, appraised_value: number | null };

export type StageEventRecord = { id: string, household_id: string, from_stage: "registered" | "assessed" | "negotiating" | "signed" | "vacated" | "demolished", to_stage: "registered" | "assessed" | "negotiating" | "signed" | "vacated" | "demolished", reached_on: string, recorded_by: string, reason: string | null };

export type CompensationItemRecord = { id: string, household_id: string, kind: "house_value" | "relocation" | "temporary_resettlement" | "incentive" | "crops" | "other", label: string, amount: number, status: "estimated" | "confirmed" | "paid", confirmed_on: string | null, paid_on: string | null, voucher_no: string | null, note: string, calc_key: string | null, formula: string, standard_id: string | null, calculated_amount: number | null, adjustment: number, adjustment_reason: string | null, adjusted_by: string | null, payee: string | null };

export type VisitRecord = { id: string, household_id: string, visited_at: string, visitors: Array<string>, kind: "door" | "phone" | "interview", outcome: string, concerns: Array<string>, promises: string, next_step: string, follow_up_on: string | null, corrects: string | null, recorded_by: string };

export type ObstacleRecord = { id: string, project_id: string, household_id: string | null, title: string, category: "compensation" | "crops" | "poles" | "demolition" | "resettlement" | "ownership" | "other", responsible_unit: string, responsible_person: string, raised_on: string, due_on: string | null, status: "open" | "in_progress" | "resolved", resolution: string, resolved_on: string | null, blocks_stage: "registered" | "assessed" | "negotiating" | "signed" | "vacated" | "demolished" | null };

export type PoleRecord = { id: string, project_id: string, label: string, kind: "power" | "telecom", owner_unit: string, location: string, status: "not_applied" | "applied" | "scheduled" | "relocated", status_on: string | null };

export type DemolitionLogRecord = { id: string, project_id: string, log_date: string, machines: number, workers: number, demolished: Array<string>, notes: string };

export type ChecklistItemRecord = { id: string, project_id: string, title: string, category: "debris" | "dust_net" | "water_cut_off" | "power_cut_off" | "other", done: number, done_on: string | null, note: string };

export type MeetingRecord = { id: string, project_id: string, held_on: string, title: string, attendees: Array<string>, decisions: Array<Decision>, notes: string, recorded_by: string };

export type CompensationStandardRecord = { id: string, project_id: string, version: number, effective_on: string, rules: Rules, note: string, published_by: string };

export type InventoryItemRecord = { id: string, household_id: string, code: string, name: string, unit: string, quantity: number, owner: string | null, surveyed_on: string | null, surveyor: string, note: string, withdrawn: number };

export type AttachmentRecord = { id: string, project_id: string, household_id: string | null, target: "household" | "visit" | "inventory_item" | "compensation_item" | "pole" | "obstacle" | "demolition_log", target_id: string, kind: "house_photo" | "crops_photo" | "agreement_scan" | "appraisal_report" | "payment_voucher" | "other", sha256: string, size: number, media_type: "image/jpeg" | "image/png" | "image/heic" | "application/pdf" | "application/vnd.openxmlformats-officedocument.wordprocessingml.document" | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" | "application/vnd.openxmlformats-officedocument.presentationml.presentation" | "application/x-ole-storage" | "application/ofd", file_name: string, taken_at: string | null, latitude_e7: number | null, longitude_e7: number | null, width: number | null, height: number | null, note: string, attached_by: string, attached_at: string, withdrawn: number, withdrawn_reason: string | null, withdrawn_by: string | null, withdrawn_on: string | null };

export type MapFeatureRecord = { id: string, project_id: string, layer: "parcels" | "poles" | "boundary", household_id: string | null, pole_id: string | null, key_value: string, geometry: Geometry, area: number, source: string, imported_on: string | null };

export type MemberRecord = { id: string, project_id: string, device_id: string, public_key: string, name: string, role: "command" | "field" | "finance" | "supervisor", valid_from: string, valid_until: string | null, revoked_after_seq: number | null, revoke_reason: string | null, signature: string };

export type DataExportRecord = { id: string, project_id: string, kind: "signing-summary" | "ledger" | "disclosure" | "meeting-brief" | "bulletin" | "settlement" | "notice" | "visit-record" | "obstacles" | "follow-ups" | "board" | "dashboard", format: "xlsx" | "docx" | "csv" | "png" | "pdf", file_name: string, scope: string, rows: number, as_of: string, exported_by: string, exported_at: string };
