//! The production store: PostgreSQL through sqlx. The same SQL as SQLite
//! (`koprogo-store-sql`), with this crate's own migrations, and timeouts set
//! on every connection so that a stuck query or lock fails fast instead of
//! holding a request.

mod catalog;
mod statistics;

pub use catalog::restore_dump;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use koprogo_app::{Store, StoreError};
use koprogo_domain::ids::TenantId;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, Pool, Postgres, SqlSafeStr, Transaction};

use koprogo_store_sql::{Connections, db_error};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Two pools, so that no connection ever carries a tenant it was not given:
/// `tenant` connections get `koprogo.tenant` set by every statement or
/// transaction that hands them out; `platform` connections (identity tables,
/// usage counts) never have one, so row-level security shows them no
/// co-ownership data at all.
pub struct PgStore {
    tenant: Pool<Postgres>,
    platform: Pool<Postgres>,
    /// Tells this store's held connections from another's (tests run several).
    id: usize,
    /// The connecting user, who owns the tables (migrations, ANALYZE).
    owner: PgConnectOptions,
    /// The same, as given: for `pg_dump`.
    url: String,
}

/// The connection that resolved a request's session, kept for its query.
struct Held {
    store: usize,
    tenant: TenantId,
    connection: PoolConnection<Postgres>,
}

tokio::task_local! {
    /// The request's kept connection; it goes back to its pool when the
    /// request ends, if its query did not take it.
    static HELD: std::cell::RefCell<Option<Held>>;
}

impl Connections for PgStore {
    type Db = Postgres;

    /// The session lookup sets the session's organisation on its connection
    /// in the same statement; the connection is then kept for the request.
    const SETS_TENANT: &'static str = ", set_config('koprogo.tenant', COALESCE(s.organization_id::text, ''), false) AS tenant_set";
    /// The audit append locks the chain head it links after.
    const LOCKS_HEAD: &'static str = " FOR UPDATE";

    async fn session_reader(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        self.tenant.acquire().await.map_err(db_error)
    }

    /// Outside a request scope the connection simply goes back to its pool.
    fn keep_for_request(&self, tenant: TenantId, connection: PoolConnection<Postgres>) {
        let _ = HELD.try_with(|slot| *slot.borrow_mut() = Some(Held { store: self.id, tenant, connection }));
    }

    fn request_scope<'a>(&'a self, request: koprogo_app::ports::Scoped<'a>) -> koprogo_app::ports::Scoped<'a> {
        Box::pin(HELD.scope(std::cell::RefCell::new(None), request))
    }

    /// A connection that sees `tenant`'s rows only (migration 0003): the one
    /// kept by the session lookup, or another one set now.
    async fn reader(&self, tenant: TenantId) -> Result<PoolConnection<Postgres>, StoreError> {
        if let Some(connection) = self.held(tenant) {
            return Ok(connection);
        }
        let mut connection = koprogo_store_sql::timing::acquiring(self.tenant.acquire()).await.map_err(db_error)?;
        sqlx::query("SELECT set_config('koprogo.tenant', $1, false)")
            .bind(tenant.as_uuid().to_string())
            .execute(&mut *connection)
            .await
            .map_err(db_error)?;
        Ok(connection)
    }

    /// The tenant is set in the same round trip as BEGIN, for the
    /// transaction only.
    async fn begin(&self, tenant: TenantId) -> Result<Transaction<'static, Postgres>, StoreError> {
        let begin = sqlx::AssertSqlSafe(format!("BEGIN; SELECT set_config('koprogo.tenant', '{}', true)", tenant.as_uuid()));
        match self.held(tenant) {
            Some(connection) => Transaction::begin(connection, Some(begin.into_sql_str())).await.map_err(db_error),
            None => koprogo_store_sql::timing::acquiring(self.tenant.begin_with(begin)).await.map_err(db_error),
        }
    }

    fn pool_usage(&self) -> Vec<koprogo_app::ports::PoolUsage> {
        let usage = |name, pool: &Pool<Postgres>| koprogo_app::ports::PoolUsage {
            name,
            open: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
        };
        vec![usage("tenant", &self.tenant), usage("platform", &self.platform)]
    }

    /// Only the tables' owner may ANALYZE them.
    async fn analyze(&self) -> Result<(), StoreError> {
        let mut owner = sqlx::PgConnection::connect_with(&self.owner).await.map_err(db_error)?;
        owner.execute("ANALYZE").await.map_err(db_error)?;
        owner.close().await.map_err(db_error)
    }

    fn platform(&self) -> &Pool<Postgres> {
        &self.platform
    }

    fn platform_writer(&self) -> &Pool<Postgres> {
        &self.platform
    }

    async fn begin_platform(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.platform.begin().await.map_err(db_error)
    }
}

impl PgStore {
    /// The kept connection, when this store kept it for `tenant`; anything
    /// else kept is released.
    fn held(&self, tenant: TenantId) -> Option<PoolConnection<Postgres>> {
        let held = HELD.try_with(|slot| slot.borrow_mut().take()).ok().flatten()?;
        (held.store == self.id && held.tenant == tenant).then_some(held.connection)
    }

    /// A tenant connection, for tests that run SQL without the store's own
    /// filters to check that row-level security alone keeps the tenant in.
    pub async fn tenant_connection(&self, tenant: TenantId) -> Result<PoolConnection<Postgres>, StoreError> {
        self.reader(tenant).await
    }
}

/// The SQL modules run on this store, with PostgreSQL's driver.
type Adapter = PgStore;
type Db = Postgres;

#[path = "../../store-sql/adapter/mod.rs"]
mod sql;

/// Connects with a tenant pool of `max_connections` (and an identity pool
/// half that size), applies migrations as the connecting user, and then
/// works as `koprogo_app`.
pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
    let (store, _) = connect_store(url, max_connections).await?;
    Ok(store)
}

/// As `connect`, also returning the adapter itself (for tests).
pub async fn connect_store(url: &str, max_connections: u32) -> Result<(Store, Arc<PgStore>), StoreError> {
    connect_with(url, max_connections, true).await
}

/// Connects without applying migrations: to check a restored database against
/// its backup's manifest before anything changes it.
pub async fn connect_unmigrated(url: &str) -> Result<Store, StoreError> {
    Ok(connect_with(url, 2, false).await?.0)
}

async fn connect_with(url: &str, max_connections: u32, migrate: bool) -> Result<(Store, Arc<PgStore>), StoreError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Internal(anyhow::anyhow!("bad PostgreSQL URL: {e}")))?
        .application_name("koprogo")
        .options([
            ("statement_timeout", "5s"),
            ("lock_timeout", "2s"),
            ("idle_in_transaction_session_timeout", "10s"),
            ("plan_cache_mode", "force_generic_plan"),
        ]);
    if migrate {
        let mut owner = sqlx::PgConnection::connect_with(&options).await.map_err(db_error)?;
        MIGRATOR.run(&mut owner).await.map_err(|e| StoreError::Internal(e.into()))?;
        owner.close().await.map_err(db_error)?;
    }
    let pool = |size: u32, setup: &'static str| {
        PgPoolOptions::new()
            .max_connections(size.max(1))
            .acquire_timeout(Duration::from_secs(2))
            // sqlx already pings every connection when it is released (and drops
            // the dead ones); a second ping before each acquire was one more
            // round trip per query.
            .test_before_acquire(false)
            .after_connect(move |connection, _| Box::pin(async move { connection.execute(setup).await.map(|_| ()) }))
            .connect_with(options.clone())
    };
    let tenant = pool(max_connections, "SET ROLE koprogo_app").await.map_err(db_error)?;
    let platform = pool(max_connections.div_ceil(2), "SET ROLE koprogo_app; SET koprogo.scope = 'platform'").await.map_err(db_error)?;
    static STORES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let id = STORES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let this = Arc::new(PgStore { tenant, platform, id, owner: options, url: url.to_owned() });
    if migrate {
        statistics::keep(&this);
    }
    let store = Store {
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
        health: this.clone(),
    };
    Ok((store, this))
}

/// Helpers for tests that need a real server.
pub mod testing {
    use super::{PgStore, Store, connect};

    /// Runs the statistics keeper's round now: tables that grew are analysed.
    pub async fn analyse_grown(store: &std::sync::Arc<PgStore>) {
        super::statistics::analyse_now(store).await;
    }

    /// Makes every connection of the store publish its pending table
    /// statistics (`pg_stat_user_tables`), which a backend otherwise does at
    /// most once a second, or ten seconds later when it turned idle.
    pub async fn flush_statistics(store: &PgStore) {
        for pool in [&store.tenant, &store.platform] {
            let mut held = Vec::new();
            while held.len() < pool.size() as usize {
                let Ok(mut connection) = pool.acquire().await else { break };
                sqlx::query("SELECT pg_stat_force_next_flush()").execute(&mut *connection).await.expect("flush statistics");
                held.push(connection);
            }
        }
    }

    /// The server named by `KOPROGO_TEST_DATABASE_URL`; panics (fails the
    /// test) when it is not set, so that CI cannot skip PostgreSQL silently.
    pub fn server_url() -> String {
        std::env::var("KOPROGO_TEST_DATABASE_URL")
            .expect("KOPROGO_TEST_DATABASE_URL must name a PostgreSQL server where tests may CREATE DATABASE")
    }

    /// A new database `koprogo_test_<uuid>` on the test server, migrated.
    pub async fn fresh_database() -> Store {
        let url = fresh_database_url().await;
        connect(&url, 5).await.expect("connect to the fresh test database")
    }

    /// A plain connection, for tests that play another client of the database.
    pub async fn session(url: &str) -> sqlx::PgConnection {
        use sqlx::Connection;
        sqlx::PgConnection::connect(url).await.expect("connect")
    }

    /// Runs one statement on such a connection.
    pub async fn execute(connection: &mut sqlx::PgConnection, sql: &str) {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(connection).await.expect("statement");
    }

    /// Creates the database and returns its URL.
    pub async fn fresh_database_url() -> String {
        use sqlx::{ConnectOptions, Connection};
        let server = server_url();
        let name = format!("koprogo_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = sqlx::PgConnection::connect(&server).await.expect("connect to the test server");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut admin).await.expect("create test database");
        let mut options: sqlx::postgres::PgConnectOptions = server.parse().expect("valid URL");
        options = options.database(&name);
        options.to_url_lossy().to_string()
    }
}
