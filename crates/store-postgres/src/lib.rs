//! The production store: PostgreSQL through sqlx. The same SQL as SQLite
//! (`koprogo-store-sql`), with this crate's own migrations, and timeouts set
//! on every connection so that a stuck query or lock fails fast instead of
//! holding a request.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use koprogo_app::{Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Pool, Postgres, Transaction};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

pub struct PgStore {
    pool: Pool<Postgres>,
}

impl PgStore {
    fn reader(&self) -> &Pool<Postgres> {
        &self.pool
    }

    fn writer(&self) -> &Pool<Postgres> {
        &self.pool
    }

    async fn begin(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        self.pool.begin().await.map_err(koprogo_store_sql::db_error)
    }
}

koprogo_store_sql::sql_store!(PgStore, sqlx::Postgres);

/// Connects with a pool of `max_connections` and applies migrations.
pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreError::Internal(anyhow::anyhow!("bad PostgreSQL URL: {e}")))?
        .application_name("koprogo")
        .options([("statement_timeout", "5s"), ("lock_timeout", "2s"), ("idle_in_transaction_session_timeout", "10s")]);
    let pool = PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(2))
        .connect_with(options)
        .await
        .map_err(koprogo_store_sql::db_error)?;
    MIGRATOR.run(&pool).await.map_err(|e| StoreError::Internal(e.into()))?;
    let this = Arc::new(PgStore { pool });
    Ok(Store {
        accounts: this.clone(),
        buildings: this.clone(),
        units: this.clone(),
        owners: this.clone(),
        expenses: this.clone(),
        health: this,
    })
}

/// Helpers for tests that need a real server.
pub mod testing {
    use super::{Store, connect};

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
