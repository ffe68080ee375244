//! Settings, parsed once: command-line flags, then `KOPROGO_*` environment
//! variables (clap reads both), then an optional `koprogo.toml`, then defaults
//! that run on a fresh machine with no setup (SQLite in `./data`).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/koprogo.sqlite3";

#[derive(Parser, Debug)]
#[command(name = "koprogo", version, about = "KoproGo: management of Belgian co-ownerships")]
pub struct Cli {
    /// Optional settings file (TOML); flags and KOPROGO_* variables win over it.
    #[arg(long, env = "KOPROGO_CONFIG", default_value = "koprogo.toml", global = true)]
    pub config: PathBuf,
    /// Log filter, e.g. `info` or `koprogo=debug,info`.
    #[arg(long, env = "KOPROGO_LOG", global = true)]
    pub log: Option<String>,
    /// `text` (default) or `json` (one JSON object per line).
    #[arg(long, env = "KOPROGO_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the API (migrations are applied first).
    Serve(Box<ServeArgs>),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Load data into an empty database.
    Seed(SeedArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Verify the audit trail's chains, or export a chain's signed head.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Write a backup (consistent snapshot and manifest) into a folder.
    Backup(BackupArgs),
    /// Restore a backup into a new database, check it, re-apply erasures.
    Restore(RestoreArgs),
    /// The persons' rights: the register of processing, searches, erasures.
    #[command(subcommand)]
    Gdpr(GdprCommand),
    /// The platform's monthly invoices.
    #[command(subcommand)]
    Billing(BillingCommand),
}

#[derive(Subcommand, Debug)]
pub enum BillingCommand {
    /// Invoice a month that is over (`YYYY-MM`, default the last one); running it again creates nothing new.
    Run(BillingRunArgs),
}

#[derive(Args, Debug)]
pub struct BillingRunArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long)]
    pub period: Option<String>,
    #[command(flatten)]
    pub billing: BillingArgs,
}

#[derive(Subcommand, Debug)]
pub enum GdprCommand {
    /// Print the register of processing activities (Art. 30), from the data inventory, as Markdown.
    Register,
    /// Name every table and column where a text occurs (an e-mail, a name, an IBAN).
    Search(GdprSearchArgs),
    /// Erase again everyone in the erasure log whom the database still names.
    Reapply(GdprReapplyArgs),
}

#[derive(Args, Debug)]
pub struct GdprSearchArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    pub text: String,
}

#[derive(Args, Debug)]
pub struct GdprReapplyArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub erasures: ErasureArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ErasureArgs {
    /// The erasure log (JSON lines of ids, kept outside the database so that a
    /// restore re-applies it). Servers sharing a database share this file.
    #[arg(long, env = "KOPROGO_ERASURE_LOG", default_value = "data/erasures.jsonl")]
    pub erasure_log: PathBuf,
}

#[derive(Args, Debug, Clone, Default)]
pub struct PassphraseArgs {
    /// A file whose first line is the backup passphrase (or set
    /// KOPROGO_BACKUP_PASSPHRASE). Without one, backups are not encrypted.
    #[arg(long)]
    pub passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    pub fn passphrase(&self) -> anyhow::Result<Option<String>> {
        if let Some(path) = &self.passphrase_file {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let first = text.lines().next().unwrap_or("").to_owned();
            anyhow::ensure!(!first.is_empty(), "{} holds no passphrase", path.display());
            return Ok(Some(first));
        }
        Ok(std::env::var("KOPROGO_BACKUP_PASSPHRASE").ok().filter(|p| !p.is_empty()))
    }
}

#[derive(Args, Debug)]
pub struct BackupArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The folder to write the backup into.
    #[arg(long)]
    pub to: PathBuf,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
}

#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The database to restore into: a new SQLite file, or an empty PostgreSQL database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The backup file.
    #[arg(long)]
    pub from: PathBuf,
    /// Move an existing SQLite file aside instead of refusing.
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub erasures: ErasureArgs,
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute every chain (or one) from its first event; name the first broken event.
    Verify(AuditVerifyArgs),
    /// Print a chain's head signed with the server's key (JSON), to keep outside the database.
    Head(AuditHeadArgs),
}

#[derive(Args, Debug)]
pub struct AuditVerifyArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Only this organisation's chain (`00000000-0000-0000-0000-000000000000`: the platform's).
    #[arg(long)]
    pub organization: Option<uuid::Uuid>,
    /// A head exported earlier (`koprogo audit head`): the chain must still hold it.
    #[arg(long)]
    pub anchor: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct AuditHeadArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long)]
    pub organization: uuid::Uuid,
    #[command(flatten)]
    pub key: KeyArgs,
}

#[derive(Args, Debug, Clone)]
pub struct KeyArgs {
    /// The Ed25519 key that signs exported audit heads (hex seed; created when missing).
    #[arg(long, env = "KOPROGO_AUDIT_KEY", default_value = "data/audit-signing.key")]
    pub audit_key: PathBuf,
}

#[derive(Args, Debug, Clone)]
pub struct DatabaseArgs {
    /// `sqlite://path/file.sqlite3` or `postgres://user@host/db`.
    #[arg(long, env = "KOPROGO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// PostgreSQL pool size (default: 2 per CPU this process may use, plus 2).
    #[arg(long, env = "KOPROGO_DATABASE_MAX_CONNECTIONS")]
    pub max_connections: Option<u32>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long, env = "KOPROGO_LISTEN")]
    pub listen: Option<SocketAddr>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Load the demo data when the database is empty.
    #[arg(long, env = "KOPROGO_DEMO")]
    pub demo: bool,
    /// Login attempts allowed at once from one IP (then 10 a minute); default 10.
    /// Raise it for load tests that log many accounts in from one machine.
    #[arg(long, env = "KOPROGO_LOGIN_IP_BURST")]
    pub login_ip_burst: Option<u32>,
    /// Sign-ups allowed at once from one IP (then one every 2 minutes); default 5.
    #[arg(long, env = "KOPROGO_SIGNUP_IP_BURST")]
    pub signup_ip_burst: Option<u32>,
    /// Seconds a client has to send its request head (default 10).
    #[arg(long, env = "KOPROGO_HEADER_TIMEOUT")]
    pub header_timeout: Option<u64>,
    /// Seconds a request body may take before it must keep up with
    /// `--body-min-rate` (default 10).
    #[arg(long, env = "KOPROGO_BODY_TIMEOUT")]
    pub body_timeout: Option<u64>,
    /// Bytes per second a request body must average after its grace period (default 1024).
    #[arg(long, env = "KOPROGO_BODY_MIN_RATE")]
    pub body_min_rate: Option<u64>,
    /// Client connections served at once; past it new ones wait (default 512).
    #[arg(long, env = "KOPROGO_MAX_CLIENTS")]
    pub max_clients: Option<usize>,
    /// Mark session cookies `Secure`: set it when users reach the service
    /// over HTTPS (through a TLS proxy).
    #[arg(long, env = "KOPROGO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// A bearer token that may read /metrics (a Prometheus scraper); platform
    /// admins' tokens may too.
    #[arg(long, env = "KOPROGO_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub erasures: ErasureArgs,
    /// Take backups into this folder while serving.
    #[arg(long, env = "KOPROGO_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// How often: `24h` (default), `90m`, `7d`, `3600s`.
    #[arg(long, env = "KOPROGO_BACKUP_EVERY", default_value = "24h", value_parser = parse_interval)]
    pub backup_every: std::time::Duration,
    /// How many backups to keep in the folder (default 7).
    #[arg(long, env = "KOPROGO_BACKUP_KEEP", default_value_t = 7)]
    pub backup_keep: usize,
    #[command(flatten)]
    pub passphrase: PassphraseArgs,
    #[command(flatten)]
    pub billing: BillingArgs,
    #[command(flatten)]
    pub carbon: CarbonArgs,
}

/// The platform's prices and costs.
#[derive(Args, Debug, Clone)]
pub struct BillingArgs {
    /// Price per active building per month, in euros.
    #[arg(long, env = "KOPROGO_PRICE_PER_BUILDING", default_value = "1.00")]
    pub price_per_building: String,
    /// Free months from the month of sign-up.
    #[arg(long, env = "KOPROGO_TRIAL_MONTHS", default_value_t = 3)]
    pub trial_months: u32,
    /// VAT rate in percent on the invoices (0 where it does not apply).
    #[arg(long, env = "KOPROGO_VAT_RATE", default_value = "21")]
    pub vat_rate: String,
    /// What the servers cost per month, in euros (for the gross margin).
    #[arg(long, env = "KOPROGO_INFRASTRUCTURE_COST", default_value = "5.00")]
    pub infrastructure_cost: String,
    /// The seller on the invoices.
    #[arg(long, env = "KOPROGO_SELLER_NAME", default_value = "KoproGo")]
    pub seller_name: String,
    #[arg(long, env = "KOPROGO_SELLER_ADDRESS", default_value = "")]
    pub seller_address: String,
    #[arg(long, env = "KOPROGO_SELLER_VAT_NUMBER", default_value = "")]
    pub seller_vat_number: String,
}

impl BillingArgs {
    pub fn settings(&self) -> anyhow::Result<koprogo_app::billing::BillingSettings> {
        use koprogo_domain::money::Cents;
        let euros = |name: &str, raw: &str| Cents::parse_euros(raw).map_err(|e| anyhow::anyhow!("--{name} {raw:?}: {e}"));
        // A percentage to two decimals reads like an amount: 21 is 2 100 hundredths.
        let vat = euros("vat-rate", &self.vat_rate)?.get();
        anyhow::ensure!((0..=10_000).contains(&vat), "--vat-rate {:?} is not a percentage", self.vat_rate);
        Ok(koprogo_app::billing::BillingSettings {
            pricing: koprogo_domain::billing::Pricing {
                per_building: euros("price-per-building", &self.price_per_building)?,
                trial_months: self.trial_months,
                vat_basis_points: u32::try_from(vat)?,
            },
            infrastructure_per_month: euros("infrastructure-cost", &self.infrastructure_cost)?,
            seller_name: self.seller_name.clone(),
            seller_address: self.seller_address.clone(),
            seller_vat_number: self.seller_vat_number.clone(),
        })
    }
}

/// The constants of CO2 per request (the seed's method).
#[derive(Args, Debug, Clone)]
pub struct CarbonArgs {
    #[arg(long, env = "KOPROGO_CO2_WATTS_PER_VCPU", default_value_t = 5.0)]
    pub co2_watts_per_vcpu: f64,
    /// Grid intensity, g CO2 per kWh.
    #[arg(long, env = "KOPROGO_CO2_GRID", default_value_t = 60.0)]
    pub co2_grid: f64,
    /// Network emissions, g CO2 per KB sent.
    #[arg(long, env = "KOPROGO_CO2_NETWORK", default_value_t = 0.006)]
    pub co2_network: f64,
}

/// `24h`, `90m`, `7d`, `30s` or plain seconds; at least one second.
pub fn parse_interval(raw: &str) -> Result<std::time::Duration, String> {
    let raw = raw.trim();
    let (number, unit) = raw.find(|c: char| !c.is_ascii_digit()).map_or((raw, "s"), |at| raw.split_at(at));
    let number: u64 = number.parse().map_err(|_| format!("{raw:?} is not a duration like 24h, 90m or 7d"))?;
    let seconds = match unit {
        "s" => number,
        "m" => number.saturating_mul(60),
        "h" => number.saturating_mul(3600),
        "d" => number.saturating_mul(86_400),
        _ => return Err(format!("{raw:?}: the unit is s, m, h or d")),
    };
    if seconds == 0 {
        return Err("the interval must be at least one second".to_owned());
    }
    Ok(std::time::Duration::from_secs(seconds))
}

#[derive(Args, Debug)]
pub struct SeedArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The demo organisations, buildings, owners, expenses and users.
    #[arg(long)]
    pub demo: bool,
    /// Also a benchmark volume: N × (50 organisations, 500 buildings, 20 000
    /// units and owners, 100 000 expenses). Needs an empty database with `--demo`.
    #[arg(long, value_name = "N")]
    pub volume: Option<u32>,
    /// Grow the demo firm itself N times over (N × 3 buildings, 60 units and
    /// owners, 180 expenses): one organisation with more data. Needs `--demo`.
    #[arg(long, value_name = "N")]
    pub grow: Option<u32>,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Create a user with a role in an organisation (created if it does not exist).
    Create(UserCreateArgs),
}

#[derive(Args, Debug)]
pub struct UserCreateArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long)]
    pub email: String,
    /// platform_admin, syndic, accountant, board_member or owner.
    #[arg(long)]
    pub role: String,
    /// Organisation id or exact name (not for platform_admin).
    #[arg(long)]
    pub organization: Option<String>,
    /// At least 12 characters; generated and printed when absent.
    #[arg(long, env = "KOPROGO_USER_PASSWORD")]
    pub password: Option<String>,
    #[arg(long, default_value = "Nouvel")]
    pub first_name: String,
    #[arg(long, default_value = "Utilisateur")]
    pub last_name: String,
    /// Building ids a board member sits on (repeat the flag).
    #[arg(long = "building")]
    pub buildings: Vec<uuid::Uuid>,
    /// Owner record of an owner.
    #[arg(long)]
    pub owner: Option<uuid::Uuid>,
}

/// The optional settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub listen: Option<SocketAddr>,
    pub database_url: Option<String>,
    pub max_connections: Option<u32>,
    pub log: Option<String>,
    pub log_format: Option<String>,
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    pub login_ip_burst: Option<u32>,
    pub signup_ip_burst: Option<u32>,
    pub header_timeout: Option<u64>,
    pub body_timeout: Option<u64>,
    pub body_min_rate: Option<u64>,
    pub max_clients: Option<usize>,
    #[serde(default)]
    pub secure_cookies: bool,
    pub metrics_token: Option<String>,
}

impl FileSettings {
    /// Reads `path` when it exists; a file that exists but does not parse is an error.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
    }
}

/// Where the data lives, once resolved.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite { url: String },
    Postgres { url: String, max_connections: u32 },
}

/// Two connections per CPU, plus two: more backends than that only take turns
/// on the same cores. Measured on one core shared with PostgreSQL
/// (docs/PERFORMANCE.md): 4 connections did the seed's mix at P99 9 ms where 10
/// took 13 ms and 20 took 19 ms, at the same or higher throughput.
fn default_pool_size() -> u32 {
    let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    u32::try_from(cpus).unwrap_or(u32::MAX / 2).saturating_mul(2).saturating_add(2)
}

impl Database {
    pub fn resolve(args: &DatabaseArgs, file: &FileSettings) -> Self {
        let url = args.database_url.clone().or_else(|| file.database_url.clone()).unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Database::Postgres { url, max_connections: args.max_connections.or(file.max_connections).unwrap_or_else(default_pool_size) }
        } else {
            Database::Sqlite { url }
        }
    }

    /// For log lines: never the password.
    pub fn describe(&self) -> String {
        match self {
            Database::Sqlite { url } => url.clone(),
            Database::Postgres { url, max_connections } => {
                let shown = url.split_once('@').map_or_else(|| url.clone(), |(_, host)| format!("postgres://…@{host}"));
                format!("{shown} (pool {max_connections})")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_interval;
    use std::time::Duration;

    #[test]
    fn intervals_read_as_people_write_them() {
        assert_eq!(parse_interval("24h"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_interval("90m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse_interval("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_interval("3600"), Ok(Duration::from_secs(3_600)));
        assert!(parse_interval("0h").is_err());
        assert!(parse_interval("1w").is_err());
        assert!(parse_interval("soon").is_err());
    }
}
