//! The command line of the contract (`../shared/contract.md`, "Command line").

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "onething",
    version,
    about = "一件事一次办 platform for medical-insurance bureaus and partner departments"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the platform (HTTP API and pages).
    Serve(ServeArgs),
    /// A fresh demo database with synthetic data, then serve it.
    Demo(DemoArgs),
    /// Create or upgrade the schema, then exit.
    Migrate {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
    },
    /// Working-day calendar (Chinese official holidays and make-up working days).
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Service catalogue: show it, or import a new version from TOML files.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Cases whose items are overdue or near their due date (SV-3).
    Due(DueArgs),
    /// The audit log's integrity (addition).
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Copy the whole database to a file, and back (addition; see docs/operations.md).
    Backup(BackupArgs),
    Restore(RestoreArgs),
    /// Department systems: key pairs and registration.
    #[command(subcommand)]
    Dept(DeptCommand),
    /// Sign and push a CSV or JSON Lines file of a dataset to the platform (department side).
    Push(PushArgs),
    /// Write a synthetic city's department data: one CSV per dataset (all names are fake).
    Gen(GenArgs),
    /// Platform users.
    #[command(subcommand)]
    User(UserCommand),
    /// Evaluate rules on JSON Lines input.
    #[command(subcommand)]
    Calc(CalcCommand),
    /// The rule parameters in use.
    #[command(subcommand)]
    Params(ParamsCommand),
    /// Run the maternity-allowance settlement batch for everything approved up to DATE.
    Settle(SettleArgs),
    /// Make (once) the periodic report (周通报/月考评/季分析/年考核) of a closed period, and
    /// optionally write its PDF and .xlsx (addition; docs/supervision.md).
    Report(ReportArgs),
    /// 免申即享: open and decide the allowance claim of every pushed birth whose facts are
    /// complete, where the region's parameters turn it on.
    AutoClaims(AutoClaimsArgs),
    /// Benchmark pieces run by `scripts/bench` (docs/benchmarks.md).
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the audit log's hash chain: exit 1 naming every entry edited, deleted or moved.
    Verify {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
    },
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[arg(long, env = "ONETHING_DB")]
    pub db: String,
    /// The backup file to write (never overwritten): a SQLite file for SQLite, a pg_dump
    /// custom-format archive for PostgreSQL.
    #[arg(long)]
    pub out: PathBuf,
}

/// Restore a backup made by `onething backup` into an empty database.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[arg(long, env = "ONETHING_DB")]
    pub db: String,
    /// The file `onething backup` wrote.
    #[arg(long = "from")]
    pub from: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time the maternity-allowance rules one claim at a time (parse + evaluate per line).
    Rules {
        /// JSON Lines rule cases (`onething gen --scale province` writes them).
        #[arg(long)]
        input: PathBuf,
        /// How many lines (from the start) to time.
        #[arg(long, default_value_t = 1000)]
        claims: usize,
        #[arg(long)]
        params: Option<PathBuf>,
    },
    /// Compare two result files line by line (eligible, leave_days, amount_fen).
    Compare { ours: PathBuf, theirs: PathBuf },
    /// Store COUNT newborn cases `bench-1` … `bench-COUNT` fast (bench databases only).
    SeedCases {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
    },
    /// Smart review and settlement of N maternity-allowance claims end to end, on a fresh
    /// database (shared data generated and ingested first, timed separately).
    Claims {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long, default_value_t = 100_000)]
        claims: usize,
        #[arg(long, default_value_t = 20261123)]
        seed: u64,
        /// File the claims over HTTP with this many concurrent API clients, against an
        /// `onething serve` this command starts on the database (0: one at a time, in
        /// process, then the settlement).
        #[arg(long, default_value_t = 0)]
        clients: usize,
    },
    /// 免申即享 of BIRTHS births on a fresh database, then their settlement and payment file.
    AutoClaims {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long, default_value_t = 100_000)]
        births: usize,
        #[arg(long, default_value_t = 20261123)]
        seed: u64,
    },
    /// Store COUNT approved claims `bench-ma-1` … `bench-ma-COUNT` fast (bench databases
    /// only): one claim filed through the claims code, copied by SQL.
    SeedClaims {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
    },
    /// Open-loop load: GET look-ups at a constant rate, latency from the scheduled time.
    Load(LoadArgs),
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Base URL of the platform, e.g. http://127.0.0.1:8080
    #[arg(long)]
    pub url: String,
    /// Bearer token (`POST /api/v1/session`).
    #[arg(long, env = "ONETHING_TOKEN")]
    pub token: String,
    /// Requests per second.
    #[arg(long, default_value_t = 1000)]
    pub rate: u64,
    /// Seconds.
    #[arg(long, default_value_t = 30)]
    pub duration: u64,
    /// Ids are drawn from bench-1 … bench-IDS (`cases`) or bench-ma-1 … bench-ma-IDS
    /// (`ma-claims`).
    #[arg(long, default_value_t = 1_000_000)]
    pub ids: u64,
    /// Which look-up: `cases` (GET /api/v1/cases/{id}), `ma-claims`
    /// (GET /api/v1/maternity-allowance/claims/{id}), or `session` (GET /api/v1/session:
    /// the session check alone, to measure its share of a look-up).
    #[arg(long, value_enum, default_value_t = LoadTarget::Cases)]
    pub target: LoadTarget,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoadTarget {
    Cases,
    MaClaims,
    Session,
}

#[derive(Debug, Args)]
pub struct SettleArgs {
    #[arg(long, env = "ONETHING_DB")]
    pub db: String,
    /// Settle the claims approved on or before this date (YYYY-MM-DD), at the latest today.
    #[arg(long)]
    pub until: NaiveDate,
    /// Only the claims of this region (GB/T 2260; a province or city covers its parts).
    #[arg(long)]
    pub region: Option<String>,
}

#[derive(Debug, Args)]
pub struct AutoClaimsArgs {
    #[arg(long, env = "ONETHING_DB")]
    pub db: String,
    /// Births and deliveries up to this date (YYYY-MM-DD); default and latest today.
    #[arg(long)]
    pub until: Option<NaiveDate>,
    /// The rule parameters (TOML); default the shipped file.
    #[arg(long, env = "ONETHING_PARAMS")]
    pub params: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DeptCommand {
    /// Write PREFIX.key (Ed25519 private key, PKCS#8 PEM) and PREFIX.pub (SPKI PEM).
    Keygen {
        #[arg(long)]
        out: PathBuf,
    },
    /// Register a department system with its public key.
    Add {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// health, cdc, public_security, hr, civil_affairs, tax, hospital, medical_insurance
        #[arg(long)]
        kind: String,
        #[arg(long = "public-key")]
        public_key: PathBuf,
        /// Where the platform delivers routed case items (addition; optional).
        #[arg(long)]
        webhook: Option<String>,
    },
    /// Set a hospital's grade (医院等级: 1/一级, 2/二级, 3/三级), on which the window's
    /// maternity medical-cost standards depend (docs/hospital-window.md).
    SetLevel {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        id: String,
        /// 1, 2 or 3 (一级, 二级, 三级).
        #[arg(long)]
        level: String,
    },
    /// Rotate a department's key (addition): the new key is valid at once, the old ones
    /// stay valid for the overlap so the department can switch its systems over.
    RotateKey {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        id: String,
        /// The new public key (SPKI PEM).
        #[arg(long = "public-key")]
        public_key: PathBuf,
        /// How long the old keys stay valid, in hours.
        #[arg(long = "overlap-hours", default_value_t = 168)]
        overlap_hours: u32,
    },
    /// Revoke one key of a department at once (addition), e.g. when it leaked.
    RevokeKey {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        id: String,
        /// The key id shown by `dept keys` and `dept keygen`.
        #[arg(long = "key-id")]
        key_id: String,
    },
    /// List a department's keys and their validity (addition).
    Keys {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        id: String,
    },
    /// Give a shared record's key to another department (addition): from then on only that
    /// department may correct it. Audited as `record_transferred`.
    TransferRecord {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        /// The dataset, e.g. delivery-records.
        #[arg(long)]
        dataset: String,
        /// The record key as pushes report it (composite keys joined with `|`).
        #[arg(long)]
        key: String,
        /// The department that owns the key from now on.
        #[arg(long)]
        to: String,
    },
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Base URL of the platform, e.g. http://127.0.0.1:8080
    #[arg(long)]
    pub url: String,
    #[arg(long)]
    pub dept: String,
    /// The department's private key (PKCS#8 PEM).
    #[arg(long)]
    pub key: PathBuf,
    #[arg(long)]
    pub dataset: String,
    /// CSV with a header row, or JSON Lines (`.jsonl`/`.ndjson`); `-` reads stdin.
    pub input: PathBuf,
}

#[derive(Debug, Args)]
pub struct GenArgs {
    #[arg(long, default_value_t = 20241105)]
    pub seed: u64,
    /// Employers (default: 20 for a city, one per 25 employees for a province).
    #[arg(long)]
    pub employers: Option<usize>,
    /// Insured employees, spouses and newborns on top (default: 200 for a city, 1,000,000
    /// for a province).
    #[arg(long)]
    pub people: Option<usize>,
    /// Directory for the CSV files (created).
    #[arg(long)]
    pub out: PathBuf,
    /// Share of records spoiled on purpose (bad checksum, unknown enum value), 0–1
    /// (default: 0 for a city, 0.001 for a province).
    #[arg(long = "bad-rate")]
    pub bad_rate: Option<f64>,
    /// The reference date: nothing in the data happens after it.
    #[arg(long, default_value = "2026-11-23")]
    pub today: NaiveDate,
    /// `city` (one county) or `province` (five counties of 重庆市, repeated records, and a
    /// JSON Lines file of maternity-allowance rule cases for the benchmarks).
    #[arg(long, value_enum, default_value_t = Scale::City)]
    pub scale: Scale,
    /// Province: maternity-allowance rule cases to write (`maternity-cases.jsonl`).
    #[arg(long, default_value_t = 1_000_000)]
    pub cases: u64,
    /// Province: months of contributions per employee.
    #[arg(long, default_value_t = 12)]
    pub months: u32,
    /// Share of records written twice (the second is a duplicate for the platform), 0–1
    /// (default: 0 for a city, 0.001 for a province).
    #[arg(long = "duplicate-rate")]
    pub duplicate_rate: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    City,
    Province,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from stdin.
    Add {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        username: String,
        /// admin, agency_clerk, employer, person, dept_officer, hospital_clerk, supervisor
        /// (hospital_clerk: --dept a registered hospital and --region the region it serves)
        #[arg(long)]
        role: String,
        #[arg(long)]
        employer: Option<String>,
        #[arg(long)]
        dept: Option<String>,
        #[arg(long)]
        person: Option<String>,
        /// Region scope (GB/T 2260) for clerks and supervisors (addition).
        #[arg(long)]
        region: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalcCommand {
    /// Maternity-allowance eligibility and amount, one JSON result line per input line.
    MaternityAllowance {
        /// JSON Lines input; `-` is stdin.
        #[arg(long)]
        input: PathBuf,
        /// Output file; `-` (default) is stdout.
        #[arg(long, default_value = "-")]
        output: PathBuf,
        /// Parameter file (TOML); the shipped parameters when absent.
        #[arg(long)]
        params: Option<PathBuf>,
        /// How each result explains itself: `text` (the contract's Chinese lines in
        /// `explanation`), `codes` (`steps`: a code with its values per rule applied) or
        /// `none` (the decision's fields only).
        #[arg(long, value_enum, default_value_t = Explain::Text)]
        explain: Explain,
    },
}

/// `calc --explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Explain {
    Text,
    Codes,
    None,
}

#[derive(Debug, Subcommand)]
pub enum ParamsCommand {
    /// Print the parameters in use (the shipped file, or --params after validation).
    Show {
        #[arg(long)]
        params: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database URL: sqlite://PATH (default) or postgres://…
    #[arg(long, env = "ONETHING_DB")]
    pub db: Option<String>,
    /// Address to listen on.
    #[arg(long, env = "ONETHING_LISTEN")]
    pub listen: Option<String>,
    /// Configuration file (TOML), see docs/configuration.md.
    #[arg(long, env = "ONETHING_CONFIG")]
    pub config: Option<PathBuf>,
    /// Maternity-allowance parameter file (TOML); the shipped one when absent.
    #[arg(long, env = "ONETHING_PARAMS")]
    pub params: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, env = "ONETHING_LISTEN")]
    pub listen: Option<String>,
    /// SQLite file for the demo; it is deleted and created afresh.
    #[arg(long, default_value = "data/demo.db")]
    pub file: PathBuf,
    /// Seed of the synthetic data.
    #[arg(long, default_value_t = 20241105)]
    pub seed: u64,
    /// Build the demo database, then exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Maternity parameter file to serve with (as `serve --params`), e.g. the shipped file
    /// with a region's `[[reimbursement]]` values for the hospital window.
    #[arg(long)]
    pub params: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HolidayFiles {
    /// Extra holiday notice (same JSON shape as data/calendar/cn-holidays.json); repeatable.
    #[arg(long = "holidays", value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print the date N working days after DATE.
    AddWorkingDays {
        date: NaiveDate,
        n: u32,
        /// For a year without a published notice, answer from the national holiday
        /// regulation's festival days (marked provisional on stderr) instead of exit 2.
        #[arg(long)]
        provisional: bool,
        #[command(flatten)]
        holidays: HolidayFiles,
    },
    /// Load a year's notice (JSON of the shape of data/calendar/cn-holidays.json) into the
    /// database, then recompute every provisional due date and record each change.
    Load {
        file: PathBuf,
        #[arg(long, env = "ONETHING_DB")]
        db: String,
    },
    /// Print `true` or `false`.
    IsWorkingDay {
        date: NaiveDate,
        #[command(flatten)]
        holidays: HolidayFiles,
    },
    /// Print the number of working days in (FROM, TO].
    Between {
        from: NaiveDate,
        to: NaiveDate,
        #[command(flatten)]
        holidays: HolidayFiles,
    },
}

#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Print the current catalogue as JSON.
    Show {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
    },
    /// Import items.toml and bundles.toml as a new catalogue version (if they changed).
    Import {
        #[arg(long, env = "ONETHING_DB")]
        db: String,
        #[arg(long)]
        items: PathBuf,
        #[arg(long)]
        bundles: PathBuf,
        /// Why the catalogue changed (kept with the version).
        #[arg(long)]
        note: String,
    },
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(long, env = "ONETHING_DB")]
    pub db: String,
    /// week, month, quarter or year.
    #[arg(long)]
    pub period: String,
    /// A day in the period (it must have ended before today).
    #[arg(long)]
    pub on: NaiveDate,
    /// Only this region (GB/T 2260; default: every region with cases).
    #[arg(long)]
    pub region: Option<String>,
    /// Write `ID.pdf` and `ID.xlsx` into this directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The CJK font for the PDF (default: the Debian packages' fonts).
    #[arg(long)]
    pub font: Option<PathBuf>,
    #[command(flatten)]
    pub holidays: HolidayFiles,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    #[arg(long, env = "ONETHING_DB")]
    pub db: String,
    /// Near-due window in working days.
    #[arg(long, default_value_t = 2)]
    pub within: u32,
    /// Only items of this department kind.
    #[arg(long)]
    pub department: Option<String>,
    /// The day to judge from (default: today in China).
    #[arg(long)]
    pub today: Option<NaiveDate>,
    #[command(flatten)]
    pub holidays: HolidayFiles,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn contract_calendar_command_parses() {
        let cli = Cli::try_parse_from([
            "onething",
            "calendar",
            "add-working-days",
            "2024-09-30",
            "1",
        ])
        .expect("parses");
        assert!(matches!(
            cli.command,
            Command::Calendar(CalendarCommand::AddWorkingDays { n: 1, .. })
        ));
        assert!(
            Cli::try_parse_from(["onething", "calendar", "is-working-day", "2024-13-01"]).is_err()
        );
    }
}
