//! The command line, as clap parses it. Names here are a public contract for scripts.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "jingdi",
    version,
    about = "净地 Jingdi: 房屋征收项目台账（the case ledger of a housing-expropriation project）"
)]
pub struct Cli {
    /// Database file [default: the OS data directory, or $JINGDI_DB]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Print machine-readable JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// Who makes this change [default: $JINGDI_AUTHOR, the saved operator, or $USER]
    #[arg(long, global = true, value_name = "NAME")]
    pub author: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct ProjectArg {
    /// Project code (may be left out when the database holds one project)
    #[arg(long, value_name = "CODE")]
    pub project: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct AsOfArg {
    /// Compute "days left" and "overdue" as of this date [default: the project's own as-of date, else today]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create the demo plot 东星4号地块 (refuses if it exists)
    Demo {
        /// Instead: a whole district at scale (13 communities, 30 plots QZ01–QZ30, 20,000
        /// households, about 500,000 visits and 1,000,000 operations; a few minutes)
        #[arg(long)]
        district: bool,
        /// With --district: fewer plots (1–30), for trying things out
        #[arg(long, requires = "district", value_name = "N")]
        plots: Option<usize>,
        /// With --district: households in all (at least 20 per plot; visits 25 per household)
        #[arg(long, requires = "district", value_name = "N")]
        households: Option<usize>,
    },
    /// List the projects in the database
    Projects,
    /// Create a project
    ProjectAdd(ProjectAdd),
    /// Show or save the operator name recorded as author of changes
    Operator { name: Option<String> },
    /// Signing rate, stages, groups, compensation, obstacles, overdue follow-ups
    Summary {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        as_of: AsOfArg,
    },
    /// The 净地 readiness list: everything between now and cleared land
    Clearance {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        as_of: AsOfArg,
    },
    /// What changed since a date (from the operation log)
    Changes {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
    },
    /// The operation log: who changed what, when
    Log {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// A record id, or a household number (its visits, stages and items included)
        #[arg(long, value_name = "ID")]
        entity: Option<String>,
        #[arg(long = "by", value_name = "AUTHOR")]
        by: Option<String>,
        /// Only the newest N entries
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// A canonical, sorted dump of the domain state (for comparing databases)
    Dump,
    /// Rebuild the state from the operation log alone and compare it with the live tables
    Verify,
    #[command(subcommand)]
    Household(HouseholdCmd),
    #[command(subcommand)]
    Stage(StageCmd),
    #[command(subcommand)]
    Visit(VisitCmd),
    #[command(subcommand)]
    Obstacle(ObstacleCmd),
    #[command(subcommand)]
    Compensation(CompensationCmd),
    #[command(subcommand)]
    Payment(PaymentCmd),
    #[command(subcommand)]
    Pole(PoleCmd),
    #[command(subcommand)]
    Demolition(DemolitionCmd),
    #[command(subcommand)]
    Checklist(ChecklistCmd),
    #[command(subcommand)]
    Group(GroupCmd),
    /// Import a household roster (.xlsx, .xls, or .csv in UTF-8 or GBK)
    #[command(subcommand)]
    Import(ImportCmd),
    /// Export a table or brief (signing-summary, ledger, disclosure, meeting-brief, bulletin), a
    /// list (obstacles, follow-ups, board) or a household's paper (settlement, notice, visit-record)
    Export(ExportArgs),
    /// Merge with other laptops: bundle files or a shared sync folder
    #[command(subcommand)]
    Sync(SyncCmd),
    /// Laptops admitted to a project and their roles: join-request, admit, revoke, members
    #[command(subcommand)]
    Project(ProjectCmd),
    /// The plot's map: import parcels, poles and the boundary; show or print it at a date
    #[command(subcommand)]
    Map(MapCmd),
    /// Every project in this database side by side (全区总览)
    #[command(subcommand)]
    District(DistrictCmd),
    /// Signing and demolition at the last 7 days' pace: the day each reaches 100%, against the deadlines
    Pace {
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Concurrent edits found by merges: list them, or decide one
    Conflicts {
        #[command(flatten)]
        project: ProjectArg,
        /// Include conflicts already settled
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        action: Option<ConflictCmd>,
    },
    // ---- backups, restore, check (src/cli/backup_cli.rs)
    /// Back up the database: a consistent copy even while the app is writing (`backup list`: the copies)
    Backup(BackupArgs),
    /// Restore the database from a backup file; the current content is kept aside first
    Restore {
        /// The backup file (from `jingdi backup list`, or any copy of a Jingdi database)
        file: PathBuf,
        /// Check the file and show what would change, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// Is the database file sound? Its structure, and the log replayed against the tables: one verdict
    Check {
        /// SQLite's quick_check only (what the app runs at start), no log replay
        #[arg(long)]
        quick: bool,
    },
    /// Photos and scanned documents on records: attach, list, save a copy, withdraw
    #[command(subcommand)]
    Attachment(AttachmentCmd),
    /// Find households in every project: number, name, 拼音首字母, ID (whole or last 4-6),
    /// phone (whole or last 4), address fragment, agreement number
    Search {
        /// What to look for
        text: String,
        /// At most this many results
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BackupArgs {
    /// Folder for the copy [default: backups/ beside the database]
    #[arg(long, value_name = "DIR")]
    pub to: Option<PathBuf>,
    #[command(subcommand)]
    pub action: Option<BackupCmd>,
}

#[derive(Subcommand, Debug)]
pub enum BackupCmd {
    /// The backups in the folder, newest first
    List {
        /// Another folder than backups/ beside the database
        #[arg(long, visible_alias = "to", value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Automatic backups of this installation (daily, before upgrades, big imports and merges): on or off
    Auto {
        #[arg(value_parser = ["on", "off"])]
        state: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct ProjectAdd {
    #[arg(long)]
    pub code: String,
    #[arg(long)]
    pub name: String,
    #[arg(long, default_value = "")]
    pub city: String,
    #[arg(long, default_value = "")]
    pub district: String,
    #[arg(long, default_value = "")]
    pub street: String,
    #[arg(long, default_value = "")]
    pub community: String,
    /// Signing window opens (YYYY-MM-DD)
    #[arg(long)]
    pub opens: String,
    /// Signing deadline (YYYY-MM-DD)
    #[arg(long)]
    pub deadline: String,
    /// Target date for cleared land (净地)
    #[arg(long)]
    pub target: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct HouseholdArg {
    /// Household number (户号)
    #[arg(long, value_name = "NO")]
    pub household: String,
}

#[derive(Subcommand, Debug)]
pub enum HouseholdCmd {
    /// All households with their stage
    List {
        #[command(flatten)]
        project: ProjectArg,
    },
    /// One household: facts, timeline, agreement, items, visits, obstacles
    Show {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
    },
    /// Register a household
    Add(HouseholdAdd),
    /// Set one field: FIELD is an English id or its Chinese name (e.g. phone / 联系电话)
    Set {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        field: String,
        value: String,
        /// Needed to change a signed household's agreement, or a household's number
        #[arg(long)]
        reason: Option<String>,
    },
    /// Record the case assessment (逐宗研判)
    Assess {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        /// easy / medium / hard, or 易 / 中 / 难
        #[arg(long)]
        difficulty: String,
        #[arg(long, default_value = "")]
        strategy: String,
    },
    /// Record the agreement (number, date, mode, signed area)
    Agreement {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        #[arg(long)]
        number: String,
        #[arg(long)]
        date: String,
        /// monetary / property_swap, or 货币补偿 / 产权调换
        #[arg(long)]
        mode: String,
        /// Signed area in m² (two decimals)
        #[arg(long)]
        area: String,
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct HouseholdAdd {
    #[command(flatten)]
    pub project: ProjectArg,
    #[arg(long)]
    pub number: String,
    #[arg(long)]
    pub head: String,
    #[arg(long)]
    pub group: String,
    #[arg(long)]
    pub id_number: Option<String>,
    #[arg(long, default_value = "")]
    pub phone: String,
    #[arg(long, default_value = "")]
    pub address: String,
    #[arg(long, default_value_t = 1)]
    pub members: i64,
    /// m², two decimals
    #[arg(long, default_value = "0")]
    pub floor_area: String,
    /// m², two decimals
    #[arg(long, default_value = "0")]
    pub land_area: String,
    #[arg(long, default_value = "")]
    pub structure: String,
    /// Comma-separated, e.g. 低保,高龄
    #[arg(long, default_value = "")]
    pub special: String,
    /// Comma-separated concern tags
    #[arg(long, default_value = "")]
    pub concerns: String,
}

#[derive(Subcommand, Debug)]
pub enum StageCmd {
    /// Move a household to a stage: registered, assessed, negotiating, signed, vacated, demolished (or Chinese names)
    Set {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        #[arg(long)]
        to: String,
        /// Needed to go back a stage
        #[arg(long)]
        reason: Option<String>,
        /// Date the stage was reached [default: today]
        #[arg(long)]
        on: Option<String>,
    },
    /// Every household's stage on a date, replayed from the log (the map's date slider)
    List {
        #[command(flatten)]
        project: ProjectArg,
        /// The date [default: the project's as-of date]
        #[arg(long, value_name = "DATE")]
        on: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
#[allow(clippy::large_enum_variant)] // parsed once per run; boxing would only add noise
pub enum VisitCmd {
    /// Log a visit (走访)
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
        /// door / phone / interview, or 上门 / 电话 / 约谈
        #[arg(long, default_value = "door")]
        kind: String,
        /// When it happened (YYYY-MM-DD or YYYY-MM-DDTHH:MM) [default: now]
        #[arg(long)]
        at: Option<String>,
        /// Comma-separated [default: the author]
        #[arg(long, default_value = "")]
        visitors: String,
        #[arg(long, default_value = "")]
        outcome: String,
        /// Comma-separated concern tags
        #[arg(long, default_value = "")]
        concerns: String,
        #[arg(long, default_value = "")]
        promises: String,
        #[arg(long, default_value = "")]
        next_step: String,
        #[arg(long, value_name = "DATE")]
        follow_up: Option<String>,
        /// Id of the visit this entry corrects
        #[arg(long, value_name = "VISIT_ID")]
        corrects: Option<String>,
    },
    /// A household's visits, newest first
    List {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum ObstacleCmd {
    /// Raise an obstacle (问题)
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        title: String,
        /// compensation, crops, poles, demolition, resettlement, ownership, other (or Chinese)
        #[arg(long)]
        category: String,
        /// Household number; leave out for the whole plot
        #[arg(long)]
        household: Option<String>,
        #[arg(long, default_value = "")]
        unit: String,
        #[arg(long, default_value = "")]
        person: String,
        #[arg(long)]
        raised: Option<String>,
        #[arg(long)]
        due: Option<String>,
        /// The stage this obstacle blocks
        #[arg(long)]
        blocks: Option<String>,
    },
    /// Mark an obstacle as being handled (处理中)
    Start {
        #[command(flatten)]
        project: ProjectArg,
        /// Obstacle id or a unique part of its title
        obstacle: String,
    },
    /// Resolve an obstacle with its resolution
    Resolve {
        #[command(flatten)]
        project: ProjectArg,
        /// Obstacle id or a unique part of its title
        obstacle: String,
        #[arg(long)]
        resolution: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Reopen a resolved obstacle
    Reopen {
        #[command(flatten)]
        project: ProjectArg,
        obstacle: String,
        #[arg(long)]
        reason: String,
    },
    /// Obstacles, open ones only unless --all
    List {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        all: bool,
    },
}

#[derive(Args, Debug, Clone)]
pub struct ItemArg {
    #[command(flatten)]
    pub household: HouseholdArg,
    /// house_value, relocation, temporary_resettlement, incentive, crops, other (or Chinese)
    #[arg(long)]
    pub kind: String,
    /// Which item, where the household has several of this kind
    #[arg(long)]
    pub label: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CompensationCmd {
    /// Add a compensation item, amount in 元 (two decimals)
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        item: ItemArg,
        #[arg(long)]
        amount: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Confirm an item (测算 → 已确认)
    Confirm {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        item: ItemArg,
        #[arg(long)]
        on: Option<String>,
    },
    /// Take back a confirmation before payment (已确认 → 测算), with a reason
    Unconfirm {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        item: ItemArg,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// List a household's items
    List {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        household: HouseholdArg,
    },
    #[command(flatten)]
    Calculated(super::comp_cli::CalculatedCmd),
}

#[derive(Subcommand, Debug)]
pub enum PaymentCmd {
    /// Record the payment of a confirmed item (已确认 → 已支付)
    Record {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        item: ItemArg,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value = "")]
        voucher: String,
        /// Who is paid [default: the item's payee, else the household head]
        #[arg(long)]
        payee: Option<String>,
        /// Amount paid, 元: must equal the confirmed amount (refused when larger or smaller)
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum PoleCmd {
    /// Register a utility pole inside the area
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        label: String,
        /// power / telecom, or 电力杆 / 通信杆
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        owner: String,
        #[arg(long, default_value = "")]
        location: String,
    },
    /// Set a pole's relocation status: not_applied, applied, scheduled, relocated (or Chinese)
    Set {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        label: String,
        #[arg(long)]
        status: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Mark a pole relocated (已迁移)
    Relocated {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        label: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// Correct a pole's label, with a reason (e.g. two laptops gave out the same label offline)
    Relabel {
        #[command(flatten)]
        project: ProjectArg,
        /// The label it has now
        #[arg(long)]
        label: String,
        /// The label it gets
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// All poles and their status
    List {
        #[command(flatten)]
        project: ProjectArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum DemolitionCmd {
    /// Record the day's site log (recording a date again replaces it)
    Log {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        date: Option<String>,
        #[arg(long)]
        machines: i64,
        #[arg(long)]
        workers: i64,
        /// Comma-separated household numbers demolished that day
        #[arg(long, default_value = "")]
        households: String,
        #[arg(long, default_value = "")]
        notes: String,
    },
    /// The daily log
    List {
        #[command(flatten)]
        project: ProjectArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum ChecklistCmd {
    /// Add a 净地 checklist item: debris, dust_net, water_cut_off, power_cut_off, other
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        category: String,
        #[arg(long, default_value = "")]
        title: String,
    },
    /// Tick an item done
    Done {
        #[command(flatten)]
        project: ProjectArg,
        /// Item id, a unique part of its title, or its category
        item: String,
        #[arg(long)]
        on: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Untick an item (needs --note with the reason)
    Undo {
        #[command(flatten)]
        project: ProjectArg,
        item: String,
        #[arg(long)]
        note: String,
    },
    List {
        #[command(flatten)]
        project: ProjectArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum GroupCmd {
    /// Add a work group (动迁组) with its leader (added as staff if new)
    Add {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long)]
        name: String,
        #[arg(long)]
        leader: Option<String>,
    },
    /// Correct a work group's name, with a reason (e.g. two laptops gave out the same name offline)
    Rename {
        #[command(flatten)]
        project: ProjectArg,
        /// The name it has now
        #[arg(long)]
        name: String,
        /// The name it gets
        #[arg(long)]
        to: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Work groups and their leaders
    List {
        #[command(flatten)]
        project: ProjectArg,
    },
}

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// Write a bundle of the operations the known peers have not seen (all of them with --full)
    Export {
        #[command(flatten)]
        project: ProjectArg,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Every operation of the project: what a new laptop joins with
        #[arg(long)]
        full: bool,
    },
    /// Merge a bundle file from another laptop
    Import { file: PathBuf },
    /// Read the other laptops' bundles in a shared folder, then write this laptop's
    Folder {
        #[command(flatten)]
        project: ProjectArg,
        path: PathBuf,
        /// Operations only; attachment files later with `jingdi sync files`
        #[arg(long)]
        no_files: bool,
    },
    /// Move attachment files through a shared folder: send what it lacks, fetch and verify what this laptop lacks
    Files {
        #[command(flatten)]
        project: ProjectArg,
        path: PathBuf,
    },
    /// Sync through a district hub: `sync hub URL --token T` once, then `sync hub` (push, then pull)
    Hub {
        /// The hub's address, e.g. https://hub.example.cn (remembered)
        url: Option<String>,
        /// The device token the district issued for this laptop (remembered per project)
        #[arg(long, requires = "url")]
        token: Option<String>,
        /// Only this project [default: every project with a hub token]
        #[arg(long, value_name = "CODE")]
        project: Option<String>,
    },
    /// The other laptops of a project and when each was last seen
    Peers {
        #[command(flatten)]
        project: ProjectArg,
    },
    /// Show or set this laptop's name, shown to the others
    Name { name: Option<String> },
}

#[derive(Subcommand, Debug)]
pub enum DistrictCmd {
    /// Per plot: signing rate, 净地 progress, money confirmed and paid, open obstacles by
    /// responsible unit, pace against each deadline
    Overview {
        /// Also write it as a table (.xlsx; .csv by the file name)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConflictCmd {
    /// Decide a conflict: keep side a or b, or (household fields) enter a new value
    Resolve {
        /// The conflict key as listed
        key: String,
        #[arg(long, value_parser = ["a", "b"], conflicts_with = "value")]
        keep: Option<String>,
        #[arg(long)]
        value: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCmd {
    /// Household roster: preview every problem by row and column; all rows or none
    Roster {
        /// The roster file (.xlsx, .xls, .csv)
        file: PathBuf,
        #[command(flatten)]
        project: ProjectArg,
        /// Check and show what would happen, change nothing
        #[arg(long)]
        dry_run: bool,
        /// Leave out a row (as Excel numbers it); repeat or give a list: --skip-row 7,9
        #[arg(long = "skip-row", value_name = "ROW", value_delimiter = ',')]
        skip_rows: Vec<usize>,
        /// Take a field from another column: --map 户号=B or --map 户号=宗地编号 or --map 电话=- (ignore)
        #[arg(long = "map", value_name = "FIELD=COLUMN")]
        map: Vec<String>,
        /// The header row (as Excel numbers it) when it is not found by itself
        #[arg(long, value_name = "ROW")]
        header_row: Option<usize>,
    },
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// signing-summary | ledger | disclosure | meeting-brief | bulletin | obstacles |
    /// follow-ups | board | settlement | notice | visit-record (per household: --household NO
    /// or --group NAME)
    pub kind: String,
    /// The file to write
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// xlsx | docx | csv [default: from the file name, else the kind's usual format]
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    #[command(flatten)]
    pub project: ProjectArg,
    #[command(flatten)]
    pub as_of: AsOfArg,
    /// Meeting brief and bulletin: changes since this date [default: the last meeting for the brief, else a week before]
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Disclosure: print names as 张*三
    #[arg(long)]
    pub mask_names: bool,
    /// Settlement, notice, visit-record: the household (户号)
    #[arg(long, value_name = "NO")]
    pub household: Option<String>,
    /// Settlement, notice, visit-record: every household of a work group, in one file;
    /// board: that group's households
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
}

// ---- evidence: attachments

/// The record a file is attached to: exactly one.
#[derive(Args, Debug, Clone)]
#[group(required = true, multiple = false)]
pub struct TargetArg {
    /// A household, by number (户号)
    #[arg(long, value_name = "NO")]
    pub household: Option<String>,
    /// A visit, by id (`jingdi log --entity NO` lists them)
    #[arg(long, value_name = "ID")]
    pub visit: Option<String>,
    /// A surveyed crop or attachment line, by id (`compensation inventory list`)
    #[arg(long, value_name = "ID")]
    pub inventory_item: Option<String>,
    /// A compensation item or its payment, by id
    #[arg(long, value_name = "ID")]
    pub item: Option<String>,
    /// A utility pole, by label
    #[arg(long, value_name = "LABEL")]
    pub pole: Option<String>,
    /// An obstacle, by id
    #[arg(long, value_name = "ID")]
    pub obstacle: Option<String>,
    /// A day of the demolition log, by date
    #[arg(long, value_name = "DATE")]
    pub demolition_day: Option<String>,
}

// Parsed once per run: the size of the `add` variant (its seven target options) costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum AttachmentCmd {
    /// Attach files (JPEG/PNG/HEIC photos, PDF, Word/Excel/WPS, OFD) to a record
    Add {
        /// The files
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        target: TargetArg,
        /// house_photo / crops_photo / agreement_scan / appraisal_report / payment_voucher / other,
        /// or 房屋照片 / 青苗/附着物照片 / 协议扫描件 / 评估报告 / 付款凭证 / 其他
        #[arg(long)]
        kind: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// A household's files (its visits', items' and obstacles' too), or the whole project's
    List {
        #[command(flatten)]
        project: ProjectArg,
        /// Household number [default: every attachment of the project]
        #[arg(long, value_name = "NO")]
        household: Option<String>,
        /// Include withdrawn attachments
        #[arg(long)]
        all: bool,
    },
    /// Save a copy of the original file (checked against its SHA-256)
    Save {
        id: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Withdraw an attachment (the record and the file stay for the audit trail)
    Withdraw {
        id: String,
        #[arg(long)]
        reason: Option<String>,
    },
    /// Files the records name that this laptop does not hold yet
    Missing {
        #[command(flatten)]
        project: ProjectArg,
    },
}

// ------------------------------------------------------------------ map (issue 17)

#[derive(Args, Debug, Clone)]
pub struct MapFilterArgs {
    /// The map as it stood on this date [default: the project's as-of date]
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
    /// Only this work group's households
    #[arg(long, value_name = "NAME")]
    pub group: Option<String>,
    /// Only households at this stage (on the date)
    #[arg(long, value_name = "STAGE")]
    pub stage: Option<String>,
    /// Only households with an open obstacle: any, or a category (crops, poles, ... / 青苗补偿, ...)
    #[arg(long, value_name = "CATEGORY")]
    pub obstacle: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum MapCmd {
    /// Import a layer from GeoJSON or an ESRI Shapefile (.shp with its .dbf and .prj): preview, then all matched records or none
    Import {
        /// The .geojson/.json or .shp file
        file: PathBuf,
        #[command(flatten)]
        project: ProjectArg,
        /// parcels (宗地图斑, matched to households) | poles (杆线, matched to pole labels) | boundary (地块红线)
        #[arg(long, default_value = "parcels")]
        layer: String,
        /// The attribute matched to household numbers or pole labels, e.g. 宗地号 [default: the field with most matches]
        #[arg(long, value_name = "FIELD")]
        key: Option<String>,
        /// The coordinate system when the file does not say it, e.g. EPSG:4528
        #[arg(long, value_name = "EPSG")]
        crs: Option<String>,
        /// Leave out features by their number in the preview; repeat or give a list: --skip 3,17
        #[arg(long, value_name = "N", value_delimiter = ',')]
        skip: Vec<usize>,
        /// Check and show what would happen, change nothing
        #[arg(long)]
        dry_run: bool,
    },
    /// The map's legend at a date: households per stage, poles per status, what has no geometry
    Show {
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        filter: MapFilterArgs,
    },
    /// Print the coloured map: .png, or a one-page A3 .pdf / .docx with title, date, legend and counts
    Export {
        /// The file to write (.png, .pdf, .docx, .svg)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        project: ProjectArg,
        #[command(flatten)]
        filter: MapFilterArgs,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProjectCmd {
    /// On a new laptop: print the code (and with --out write the file) the 指挥部 admits it with
    JoinRequest {
        /// The name this laptop is shown under [default: the device name]
        #[arg(long)]
        name: Option<String>,
        /// Also write the request to this file
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// On the 指挥部 laptop: admit a laptop (its request file or code) with a role
    Admit {
        #[command(flatten)]
        project: ProjectArg,
        /// The join request: its file, or the code JD1-… as printed
        request: String,
        /// 指挥部 (command), 组长/工作人员 (field), 财务 (finance), 督导 (supervisor)
        #[arg(long)]
        role: String,
        /// The name shown for the laptop [default: the request's]
        #[arg(long)]
        name: Option<String>,
        /// The last day the admission is valid [default: no end]
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
    },
    /// On the 指挥部 laptop: revoke a laptop (its device id, first 8 characters are enough, or name)
    Revoke {
        #[command(flatten)]
        project: ProjectArg,
        device: String,
        #[arg(long)]
        reason: String,
    },
    /// The laptops admitted to the project and their roles
    Members {
        #[command(flatten)]
        project: ProjectArg,
    },
}
