//! The embedded store: SQLite through sqlx, so that `koprogo serve` needs no
//! database server. One writer connection (SQLite allows one writer at a time;
//! queuing in the pool beats retrying on SQLITE_BUSY) and a few readers, in WAL
//! mode so that readers never wait for the writer.

mod catalog;

pub use catalog::{digest_file, install_file};

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use koprogo_app::{Store, StoreError};
use koprogo_domain::ids::TenantId;
use koprogo_store_sql::Connections;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite, Transaction};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub struct SqliteStore {
    read: Pool<Sqlite>,
    write: Pool<Sqlite>,
}

/// SQLite serves one organisation's data and the identity tables alike: the
/// tenant only matters to PostgreSQL's row-level security.
impl Connections for SqliteStore {
    type Db = Sqlite;

    const SETS_TENANT: &'static str = "";
    /// One writer at a time: the audit append needs no row lock.
    const LOCKS_HEAD: &'static str = "";

    async fn session_reader(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        self.read.acquire().await.map_err(koprogo_store_sql::db_error)
    }

    fn keep_for_request(&self, _tenant: TenantId, _connection: PoolConnection<Sqlite>) {}

    fn pool_usage(&self) -> Vec<koprogo_app::ports::PoolUsage> {
        let usage = |name, pool: &Pool<Sqlite>| koprogo_app::ports::PoolUsage {
            name,
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        };
        vec![usage("read", &self.read), usage("write", &self.write)]
    }

    async fn analyze(&self) -> Result<(), StoreError> {
        sqlx::query("ANALYZE").execute(&self.write).await.map_err(koprogo_store_sql::db_error)?;
        Ok(())
    }

    async fn reader(&self, _tenant: TenantId) -> Result<PoolConnection<Sqlite>, StoreError> {
        koprogo_store_sql::timing::acquiring(self.read.acquire()).await.map_err(koprogo_store_sql::db_error)
    }

    async fn begin(&self, _tenant: TenantId) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.begin_platform().await
    }

    fn platform(&self) -> &Pool<Sqlite> {
        &self.read
    }

    fn platform_writer(&self) -> &Pool<Sqlite> {
        &self.write
    }

    async fn begin_platform(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        koprogo_store_sql::timing::acquiring(self.write.begin()).await.map_err(koprogo_store_sql::db_error)
    }
}

impl SqliteStore {
    fn into_store(self) -> Store {
        let this = Arc::new(self);
        Store {
            accounts: this.clone(),
            buildings: this.clone(),
            units: this.clone(),
            owners: this.clone(),
            expenses: this.clone(),
            charges: this.clone(),
            payments: this.clone(),
            debits: this.clone(),
            reminders: this.clone(),
            assemblies: this.clone(),
            audit: this.clone(),
            privacy: this.clone(),
            catalog: this.clone(),
            transfer: this.clone(),
            billing: this.clone(),
            team: this.clone(),
            search: this.clone(),
            health: this,
        }
    }
}

/// The SQL modules run on this store, with SQLite's driver.
type Adapter = SqliteStore;
type Db = Sqlite;

#[path = "../../store-sql/adapter/mod.rs"]
mod sql;

fn options(url: &str) -> Result<SqliteConnectOptions, StoreError> {
    let options = SqliteConnectOptions::from_str(url).map_err(|e| StoreError::Internal(anyhow::anyhow!("bad SQLite URL {url}: {e}")))?;
    Ok(options
        .create_if_missing(true)
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5)))
}

/// The file a `sqlite://path?options` URL (or a plain path) names.
pub fn file_of(url: &str) -> &str {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    path.split('?').next().unwrap_or(path)
}

/// Opens (creating it and its folder if needed) the database at `url`
/// (`sqlite://data/koprogo.sqlite3` or a plain path) and applies migrations.
pub async fn open(url: &str) -> Result<Store, StoreError> {
    let url = if url.starts_with("sqlite:") { url.to_owned() } else { format!("sqlite://{url}") };
    let path = file_of(&url);
    if let Some(folder) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| StoreError::Internal(anyhow::anyhow!("creating {}: {e}", folder.display())))?;
    }
    let options = options(&url)?;
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .connect_with(options.clone())
        .await
        .map_err(koprogo_store_sql::db_error)?;
    MIGRATOR.run(&write).await.map_err(|e| StoreError::Internal(e.into()))?;
    let readers = std::thread::available_parallelism().map_or(2, |n| n.get() * 2).min(8);
    let read = SqlitePoolOptions::new()
        .max_connections(u32::try_from(readers).unwrap_or(4))
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .connect_with(options.read_only(true))
        .await
        .map_err(koprogo_store_sql::db_error)?;
    Ok(SqliteStore { read, write }.into_store())
}

/// A private in-memory database (one connection: each `:memory:` connection
/// would be a separate database), migrated. For tests and tools.
pub async fn open_in_memory() -> Result<Store, StoreError> {
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options("sqlite::memory:")?.journal_mode(SqliteJournalMode::Memory))
        .await
        .map_err(koprogo_store_sql::db_error)?;
    MIGRATOR.run(&pool).await.map_err(|e| StoreError::Internal(e.into()))?;
    Ok(SqliteStore { read: pool.clone(), write: pool }.into_store())
}
