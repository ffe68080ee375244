//! The catalogue of the PostgreSQL database, read as the tables' owner (the
//! service's own role sees one organisation at a time): columns from
//! `information_schema`, searches with `ILIKE`, each table's rows through the
//! row's own text form, in UTC so that the text does not depend on the session.
//! Snapshots are `pg_dump` runs on a snapshot exported from the transaction
//! that hashes the tables, so the manifest describes exactly the dump.

use std::path::{Path, PathBuf};

use futures_util::TryStreamExt as _;
use koprogo_app::StoreError;
use koprogo_app::ports::privacy::{CatalogStore, Snapshot, TableDigest};
use koprogo_store_sql::catalog::{RowHasher, contains_pattern, identifier};
use koprogo_store_sql::db_error;
use sqlx::{AssertSqlSafe, Connection as _, Executor as _, PgConnection};

use crate::PgStore;

type Result<T> = std::result::Result<T, StoreError>;

fn failed(what: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(anyhow::anyhow!("{what}"))
}

/// A connection of the tables' owner that reads every organisation, or fails
/// (instead of reading nothing) when row-level security would still apply.
async fn catalog_connection(options: &sqlx::postgres::PgConnectOptions) -> Result<PgConnection> {
    let mut connection = PgConnection::connect_with(options).await.map_err(db_error)?;
    connection.execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET row_security = off").await.map_err(db_error)?;
    Ok(connection)
}

async fn schema(connection: &mut PgConnection) -> Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text FROM information_schema.columns c \
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_sqlx_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(connection)
    .await
    .map_err(db_error)
}

/// Every table's digest, inside the caller's (repeatable-read) transaction.
async fn digests_in(connection: &mut PgConnection) -> Result<Vec<TableDigest>> {
    let mut tables: Vec<String> = schema(connection).await?.into_iter().map(|(table, _, _)| table).collect();
    tables.dedup();
    let mut digests = Vec::with_capacity(tables.len());
    for table in tables {
        let sql = format!("SELECT t::text FROM {} t ORDER BY t::text COLLATE \"C\"", identifier(&table)?);
        let mut hasher = RowHasher::default();
        let mut rows = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).fetch(&mut *connection);
        while let Some(row) = rows.try_next().await.map_err(db_error)? {
            hasher.push(&row);
        }
        drop(rows);
        digests.push(hasher.finish(table));
    }
    Ok(digests)
}

async fn version_in(connection: &mut PgConnection) -> Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").fetch_one(connection).await.map_err(db_error)
}

/// The server's major version (15 for 15.4).
async fn server_major(connection: &mut PgConnection) -> Result<u32> {
    let number: String = sqlx::query_scalar("SHOW server_version_num").fetch_one(connection).await.map_err(db_error)?;
    number.parse::<u32>().map(|n| n / 10_000).map_err(|e| failed(format!("server_version_num {number:?}: {e}")))
}

/// `pg_dump` or `pg_restore` of at least the server's major version: the
/// version's own folder (Debian keeps one per version) first, then `PATH`.
async fn tool(name: &str, major: u32) -> Result<PathBuf> {
    let candidates = [PathBuf::from(format!("/usr/lib/postgresql/{major}/bin/{name}")), PathBuf::from(name)];
    for candidate in candidates {
        let Ok(output) = tokio::process::Command::new(&candidate).arg("--version").output().await else { continue };
        let text = String::from_utf8_lossy(&output.stdout);
        // "pg_dump (PostgreSQL) 15.20 (Debian …)"
        let found = text.split_whitespace().nth(2).and_then(|v| v.split('.').next()).and_then(|m| m.parse::<u32>().ok());
        match found {
            Some(found) if found >= major => return Ok(candidate),
            Some(found) => {
                return Err(failed(format!(
                    "{} is version {found}, older than the server ({major}): install the PostgreSQL {major} client tools",
                    candidate.display()
                )));
            }
            None => {}
        }
    }
    Err(failed(format!("{name} was not found: install the PostgreSQL {major} client tools (Debian: postgresql-client-{major})")))
}

/// The URL as libpq reads it: parameters only sqlx knows are left out.
fn libpq_url(url: &str) -> String {
    const LIBPQ: [&str; 12] = [
        "host",
        "port",
        "dbname",
        "user",
        "password",
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "options",
        "application_name",
        "connect_timeout",
    ];
    let Some((base, query)) = url.split_once('?') else { return url.to_owned() };
    let kept: Vec<&str> = query.split('&').filter(|p| LIBPQ.contains(&p.split('=').next().unwrap_or(""))).collect();
    if kept.is_empty() { base.to_owned() } else { format!("{base}?{}", kept.join("&")) }
}

async fn run(mut command: tokio::process::Command, what: &str) -> Result<()> {
    let output = command.output().await.map_err(|e| failed(format!("{what} did not start: {e}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(failed(format!("{what} failed ({}): {}", output.status, String::from_utf8_lossy(&output.stderr).trim())))
    }
}

/// Restores a dump into the (empty) database of `url`, objects owned by the
/// connecting user. Digests are then read with the store as usual.
pub async fn restore_dump(dump: &Path, url: &str) -> Result<()> {
    let options: sqlx::postgres::PgConnectOptions = url.parse().map_err(|e| failed(format!("bad PostgreSQL URL: {e}")))?;
    let mut connection = catalog_connection(&options).await?;
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema()")
        .fetch_one(&mut connection)
        .await
        .map_err(db_error)?;
    if tables > 0 {
        return Err(failed("the target database is not empty: restore into a new database (createdb) and point the service at it"));
    }
    // The dump grants to the service's role, which a new cluster may not have yet.
    connection
        .execute("DO $$ BEGIN CREATE ROLE koprogo_app NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
        .await
        .map_err(db_error)?;
    let major = server_major(&mut connection).await?;
    connection.close().await.map_err(db_error)?;
    let mut command = tokio::process::Command::new(tool("pg_restore", major).await?);
    command.args(["--exit-on-error", "--no-owner", "--single-transaction", "--dbname"]).arg(libpq_url(url)).arg(dump);
    run(command, "pg_restore").await
}

#[async_trait::async_trait]
impl CatalogStore for PgStore {
    async fn columns(&self) -> Result<Vec<(String, String)>> {
        let mut connection = catalog_connection(&self.owner).await?;
        Ok(schema(&mut connection).await?.into_iter().map(|(table, column, _)| (table, column)).collect())
    }

    async fn occurrences(&self, needle: &str) -> Result<Vec<(String, String, u64)>> {
        let mut connection = catalog_connection(&self.owner).await?;
        let pattern = contains_pattern(needle);
        let mut found = Vec::new();
        for (table, column, kind) in schema(&mut connection).await? {
            if kind != "text" {
                continue;
            }
            let sql = format!("SELECT COUNT(*) FROM {} WHERE {} ILIKE $1", identifier(&table)?, identifier(&column)?);
            let count: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).bind(&pattern).fetch_one(&mut connection).await.map_err(db_error)?;
            if count > 0 {
                found.push((table, column, u64::try_from(count).unwrap_or(0)));
            }
        }
        Ok(found)
    }

    async fn digests(&self) -> Result<Vec<TableDigest>> {
        let mut connection = catalog_connection(&self.owner).await?;
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(db_error)?;
        let digests = digests_in(&mut connection).await?;
        connection.execute("COMMIT").await.map_err(db_error)?;
        Ok(digests)
    }

    async fn schema_version(&self) -> Result<i64> {
        version_in(&mut catalog_connection(&self.owner).await?).await
    }

    async fn snapshot(&self, to: &Path) -> Result<Snapshot> {
        let mut connection = catalog_connection(&self.owner).await?;
        let pg_dump = tool("pg_dump", server_major(&mut connection).await?).await?;
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await.map_err(db_error)?;
        let exported: String = sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut connection).await.map_err(db_error)?;
        let mut command = tokio::process::Command::new(pg_dump);
        command
            .arg("--format=custom")
            .arg(format!("--snapshot={exported}"))
            .arg("--file")
            .arg(to)
            .arg("--dbname")
            .arg(libpq_url(&self.url));
        // The dump runs while this transaction hashes the same snapshot; the
        // snapshot lives as long as the transaction.
        let (dumped, described) = tokio::join!(run(command, "pg_dump"), async {
            let tables = digests_in(&mut connection).await?;
            Ok::<_, StoreError>((version_in(&mut connection).await?, tables))
        });
        dumped?;
        let (schema_version, tables) = described?;
        connection.execute("COMMIT").await.map_err(db_error)?;
        Ok(Snapshot { backend: "postgresql", schema_version, tables })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn libpq_hears_only_its_own_parameters() {
        assert_eq!(super::libpq_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::libpq_url("postgres://u@h/db?statement-cache-capacity=100"), "postgres://u@h/db");
        assert_eq!(super::libpq_url("postgres://u@h/db?sslmode=require&statement-cache-capacity=1"), "postgres://u@h/db?sslmode=require");
    }
}
