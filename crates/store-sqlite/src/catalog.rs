//! The catalogue of the embedded database: its columns from `pragma_table_info`,
//! searches with `LIKE` (case-insensitive for ASCII), each table's rows as
//! text through `quote()` (which writes every value unambiguously), and
//! snapshots with `VACUUM INTO`: one consistent copy taken while the service runs.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use koprogo_app::StoreError;
use koprogo_app::ports::privacy::{CatalogStore, Snapshot, TableDigest};
use koprogo_store_sql::catalog::{RowHasher, contains_pattern, identifier};
use koprogo_store_sql::db_error;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Pool, Sqlite};

use crate::SqliteStore;

type Result<T> = std::result::Result<T, StoreError>;

/// (table, column, declared type) of every table of ours, in schema order.
async fn schema(pool: &Pool<Sqlite>) -> Result<Vec<(String, String, String)>> {
    sqlx::query_as(
        "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' ORDER BY m.name, p.cid",
    )
    .fetch_all(pool)
    .await
    .map_err(db_error)
}

async fn digests_of(pool: &Pool<Sqlite>) -> Result<Vec<TableDigest>> {
    let schema = schema(pool).await?;
    let mut tables: Vec<&str> = schema.iter().map(|(table, _, _)| table.as_str()).collect();
    tables.dedup();
    let mut connection = pool.acquire().await.map_err(db_error)?;
    // One read transaction: every table as of the same moment.
    sqlx::query("BEGIN").execute(&mut *connection).await.map_err(db_error)?;
    let mut digests = Vec::with_capacity(tables.len());
    for table in tables {
        let columns = schema
            .iter()
            .filter(|(t, _, _)| t == table)
            .map(|(_, column, _)| identifier(column).map(|c| format!("quote({c})")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let sql = format!("SELECT {} AS r FROM {} ORDER BY r", columns.join(" || char(31) || "), identifier(table)?);
        let mut hasher = RowHasher::default();
        let mut rows = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).fetch(&mut *connection);
        while let Some(row) = rows.try_next().await.map_err(db_error)? {
            hasher.push(&row);
        }
        drop(rows);
        digests.push(hasher.finish(table.to_owned()));
    }
    sqlx::query("COMMIT").execute(&mut *connection).await.map_err(db_error)?;
    Ok(digests)
}

async fn version_of(pool: &Pool<Sqlite>) -> Result<i64> {
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations").fetch_one(pool).await.map_err(db_error)
}

/// The schema version and digests of a database file (a snapshot), read-only.
pub async fn digest_file(path: &Path) -> Result<(i64, Vec<TableDigest>)> {
    let options = SqliteConnectOptions::new().filename(path).read_only(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(db_error)?;
    let found = (version_of(&pool).await?, digests_of(&pool).await?);
    pool.close().await;
    Ok(found)
}

/// Puts a snapshot in place as the database of `url`. An existing database
/// is refused unless `replace`, which moves it (and its WAL) aside first and
/// says where.
pub fn install_file(snapshot: &Path, url: &str, replace: bool) -> Result<Option<PathBuf>> {
    let target = PathBuf::from(crate::file_of(url));
    let internal = |e: std::io::Error, what: &str| StoreError::Internal(anyhow::anyhow!("{what}: {e}"));
    let mut moved = None;
    if target.exists() {
        if !replace {
            return Err(StoreError::Internal(anyhow::anyhow!("{} exists: restore into a new file, or say --replace", target.display())));
        }
        let aside = target.with_extension(format!("replaced-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")));
        std::fs::rename(&target, &aside).map_err(|e| internal(e, "moving the old database aside"))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", target.display()));
            if side.exists() {
                std::fs::rename(&side, format!("{}{suffix}", aside.display())).map_err(|e| internal(e, "moving the old WAL aside"))?;
            }
        }
        moved = Some(aside);
    }
    if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| internal(e, "creating the database folder"))?;
    }
    std::fs::copy(snapshot, &target).map_err(|e| internal(e, "copying the snapshot into place"))?;
    Ok(moved)
}

#[async_trait::async_trait]
impl CatalogStore for SqliteStore {
    async fn columns(&self) -> Result<Vec<(String, String)>> {
        Ok(schema(&self.read).await?.into_iter().map(|(table, column, _)| (table, column)).collect())
    }

    async fn occurrences(&self, needle: &str) -> Result<Vec<(String, String, u64)>> {
        let pattern = contains_pattern(needle);
        let mut found = Vec::new();
        for (table, column, kind) in schema(&self.read).await? {
            if !kind.eq_ignore_ascii_case("TEXT") {
                continue;
            }
            let sql = format!("SELECT COUNT(*) FROM {} WHERE {} LIKE $1 ESCAPE '\\'", identifier(&table)?, identifier(&column)?);
            let count: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).bind(&pattern).fetch_one(&self.read).await.map_err(db_error)?;
            if count > 0 {
                found.push((table, column, u64::try_from(count).unwrap_or(0)));
            }
        }
        Ok(found)
    }

    async fn digests(&self) -> Result<Vec<TableDigest>> {
        digests_of(&self.read).await
    }

    async fn schema_version(&self) -> Result<i64> {
        version_of(&self.read).await
    }

    /// The digests come from the copy itself, so they describe exactly what was saved.
    async fn snapshot(&self, to: &Path) -> Result<Snapshot> {
        let target = to.to_str().ok_or_else(|| StoreError::Internal(anyhow::anyhow!("{} is not UTF-8", to.display())))?;
        // As a URI: an in-memory database's flags would otherwise open the copy in memory too.
        sqlx::query("VACUUM INTO $1")
            .bind(format!("file:{}?mode=rwc", target.replace('%', "%25").replace('?', "%3f").replace('#', "%23")))
            .execute(&self.write)
            .await
            .map_err(db_error)?;
        let (schema_version, tables) = digest_file(to).await?;
        Ok(Snapshot { backend: "sqlite", schema_version, tables })
    }
}
