//! An association's file out of one organisation and into another: each
//! table's rows read by column kind (so both databases give the same values)
//! and loaded back the same way, in one transaction.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::ports::CatalogStore;
use koprogo_app::ports::transfer::{ASSOCIATION_TABLES, ImportReport, Kind, TableRows, TransferStore, Value, kind_of};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_store_sql::catalog::identifier;
use koprogo_store_sql::prelude::*;
use koprogo_store_sql::transfer::{of_building, rebuilt_by_triggers};
type Args = <Db as Database>::Arguments;

fn value(row: &<Db as Database>::Row, at: usize, kind: Kind) -> Result<Value, sqlx::Error> {
    Ok(match kind {
        Kind::Uuid => row.try_get::<Option<Uuid>, _>(at)?.map_or(Value::Null, Value::Uuid),
        Kind::Text => row.try_get::<Option<String>, _>(at)?.map_or(Value::Null, Value::Text),
        Kind::Integer => row.try_get::<Option<i64>, _>(at)?.map_or(Value::Null, Value::Integer),
        Kind::Boolean => row.try_get::<Option<bool>, _>(at)?.map_or(Value::Null, Value::Boolean),
        Kind::Date => row.try_get::<Option<NaiveDate>, _>(at)?.map_or(Value::Null, Value::Date),
        Kind::Timestamp => row.try_get::<Option<DateTime<Utc>>, _>(at)?.map_or(Value::Null, Value::Timestamp),
    })
}

/// Binds a value as its column's kind wants it (a null keeps the column's type).
fn bind(
    query: sqlx::query::Query<'static, Db, Args>,
    kind: Kind,
    value: &Value,
) -> Result<sqlx::query::Query<'static, Db, Args>, StoreError> {
    let wrong = || StoreError::Conflict("import.malformed");
    Ok(match (kind, value) {
        (Kind::Uuid, Value::Uuid(v)) => query.bind(Some(*v)),
        (Kind::Uuid, Value::Null) => query.bind(None::<Uuid>),
        (Kind::Text, Value::Text(v)) => query.bind(Some(v.clone())),
        (Kind::Text, Value::Null) => query.bind(None::<String>),
        (Kind::Integer, Value::Integer(v)) => query.bind(Some(*v)),
        (Kind::Integer, Value::Null) => query.bind(None::<i64>),
        (Kind::Boolean, Value::Boolean(v)) => query.bind(Some(*v)),
        (Kind::Boolean, Value::Null) => query.bind(None::<bool>),
        (Kind::Date, Value::Date(v)) => query.bind(Some(*v)),
        (Kind::Date, Value::Null) => query.bind(None::<NaiveDate>),
        (Kind::Timestamp, Value::Timestamp(v)) => query.bind(Some(*v)),
        (Kind::Timestamp, Value::Null) => query.bind(None::<DateTime<Utc>>),
        _ => return Err(wrong()),
    })
}

/// The highest structured communication the file's call lines carry.
fn highest_communication(file: &[TableRows]) -> StoreResult<i64> {
    let mut highest = 0i64;
    for part in file.iter().filter(|p| p.table == "call_lines") {
        let at = part.columns.iter().position(|c| c == "communication").ok_or(StoreError::Conflict("import.malformed"))?;
        for row in &part.rows {
            let Some(Value::Text(digits)) = row.get(at) else { return Err(StoreError::Conflict("import.malformed")) };
            let parsed = StructuredCommunication::parse(digits).map_err(|_| StoreError::Conflict("import.malformed"))?;
            highest = highest.max(i64::try_from(parsed.number()).unwrap_or(0));
        }
    }
    Ok(highest)
}

/// Loads one table's rows of the file into `org`; returns how many.
async fn insert_rows(
    c: &mut <Db as Database>::Connection,
    org: Uuid,
    part: &TableRows,
    names: &[String],
    rows: &[Vec<Value>],
) -> StoreResult<u64> {
    let mut inserted = 0;
    // Many rows a statement: an import holds the one writer of SQLite, and one
    // statement per row made a large file hold it for seconds. About a thousand
    // parameters a statement: far more made SQLite slower (it finds them by name).
    let width = part.columns.len() + 1;
    let per_statement = (1_000 / width).clamp(1, 100);
    for chunk in rows.chunks(per_statement) {
        let mut sql = format!("INSERT INTO {} (organization_id, {}) VALUES ", identifier(&part.table)?, names.join(", "));
        let mut n = 0;
        for (i, _) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            let binds: Vec<String> = (0..width)
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            sql.push_str(&binds.join(", "));
            sql.push(')');
        }
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            query = query.bind(org);
            for (column, value) in part.columns.iter().zip(row) {
                let value = if rebuilt_by_triggers(&part.table, column) { &Value::Integer(0) } else { value };
                query = bind(query, kind_of(column), value)?;
            }
        }
        query.execute(&mut *c).await.map_err(|e| match unique_or(e, "import.exists") {
            StoreError::Conflict("unknown_reference") => StoreError::Conflict("import.malformed"),
            other => other,
        })?;
        inserted += chunk.len() as u64;
    }
    Ok(inserted)
}

impl Adapter {
    /// A communication the organisation already used gets the next of its sequence.
    pub(super) async fn free_communication(
        tx: &mut <Db as Database>::Connection,
        tenant: Uuid,
        digits: &str,
    ) -> StoreResult<Option<String>> {
        let taken: Option<i64> =
            sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM call_lines WHERE organization_id = $1 AND communication = $2")
                .bind(tenant)
                .bind(digits.to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if taken.is_none() {
            return Ok(None);
        }
        let next: i64 = sqlx::query_scalar(
            r"
                INSERT INTO counters (organization_id, name, value)
                VALUES ($1, 'structured_communications', 1)
                ON CONFLICT (organization_id, name) DO UPDATE SET value = counters.value + 1
                RETURNING value",
        )
        .bind(tenant)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let fresh =
            StructuredCommunication::from_number(u64::try_from(next).unwrap_or(0) % 10_000_000_000).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(fresh.digits()))
    }

    /// The organisation's sequence moves past every communication it now holds.
    pub(super) async fn sequence_past(tx: &mut <Db as Database>::Connection, tenant: Uuid, highest: i64) -> StoreResult<()> {
        sqlx::query(
            r"
                INSERT INTO counters (organization_id, name, value)
                VALUES ($1, 'structured_communications', $2)
                ON CONFLICT (organization_id, name) DO UPDATE SET value = CASE WHEN counters.value < excluded.value THEN excluded.value
                ELSE counters.value END",
        )
        .bind(tenant)
        .bind(highest)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl TransferStore for Adapter {
    async fn export_association(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Option<Vec<TableRows>>> {
        let schema = self.columns().await?;
        let mut c = self.reader(tenant).await?;
        let mut tables = Vec::with_capacity(ASSOCIATION_TABLES.len());
        for table in ASSOCIATION_TABLES {
            let filter = of_building(table).ok_or_else(|| StoreError::Internal(anyhow::anyhow!("no filter for {table}")))?;
            let columns: Vec<String> =
                schema.iter().filter(|(t, c)| t == table && c != "organization_id").map(|(_, c)| c.clone()).collect();
            // Integers as BIGINT: PostgreSQL's INTEGER columns would not read as i64.
            let list = columns
                .iter()
                .map(|c| identifier(c).map(|q| if kind_of(c) == Kind::Integer { format!("CAST({q} AS BIGINT)") } else { q }))
                .collect::<anyhow::Result<Vec<_>>>()?
                .join(", ");
            let sql = format!("SELECT {list} FROM {} WHERE organization_id = $1 AND {filter} ORDER BY 1", identifier(table)?);
            let found = sqlx::query(AssertSqlSafe(sql))
                .bind(tenant.as_uuid())
                .bind(building.as_uuid())
                .fetch_all(&mut *c)
                .await
                .map_err(db_error)?;
            let kinds: Vec<Kind> = columns.iter().map(|c| kind_of(c)).collect();
            let rows = found
                .iter()
                .map(|row| kinds.iter().enumerate().map(|(at, kind)| value(row, at, *kind)).collect::<Result<Vec<_>, _>>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(db_error)?;
            if *table == "buildings" && rows.is_empty() {
                return Ok(None);
            }
            tables.push(TableRows { table: (*table).to_owned(), columns, rows });
        }
        Ok(Some(tables))
    }

    async fn import_association(&self, tenant: TenantId, file: &[TableRows], events: Events) -> StoreResult<ImportReport> {
        let schema = self.columns().await?;
        let org = tenant.as_uuid();
        let mut tx = self.begin(tenant).await?;
        let mut report = ImportReport::default();
        // First past the file's own numbers, so that a renumbered line takes none of them.
        let highest = highest_communication(file)?;
        Self::sequence_past(&mut tx, org, highest).await?;
        for part in file {
            let known = ASSOCIATION_TABLES.contains(&part.table.as_str())
                && part.columns.iter().all(|c| c != "organization_id" && schema.iter().any(|(t, sc)| *t == part.table && sc == c));
            if !known {
                return Err(StoreError::Conflict("import.malformed"));
            }
            let names = part.columns.iter().map(|c| identifier(c)).collect::<anyhow::Result<Vec<_>>>()?;
            let communication_at = part.columns.iter().position(|c| c == "communication").filter(|_| part.table == "call_lines");
            let mut rows = Vec::with_capacity(part.rows.len());
            for row in &part.rows {
                if row.len() != part.columns.len() {
                    return Err(StoreError::Conflict("import.malformed"));
                }
                let mut row = row.clone();
                if let Some(Value::Text(digits)) = communication_at.and_then(|at| row.get(at)).cloned()
                    && let Some(fresh) = Self::free_communication(&mut tx, org, &digits).await?
                {
                    let id = part.columns.iter().position(|c| c == "id").and_then(|at| row.get(at)).and_then(|v| match v {
                        Value::Uuid(id) => Some(*id),
                        _ => None,
                    });
                    report.renumbered.push((id.unwrap_or_default(), digits.clone(), fresh.clone()));
                    if let Some(slot) = communication_at.and_then(|at| row.get_mut(at)) {
                        *slot = Value::Text(fresh);
                    }
                }
                rows.push(row);
            }
            // In key order: rows whose ids are random (a file from elsewhere) then reach the
            // primary-key index in sequence; in random order they took twice as long.
            if let Some(at) = part.columns.iter().position(|c| c == "id") {
                rows.sort_by(|a, b| match (a.get(at), b.get(at)) {
                    (Some(Value::Uuid(a)), Some(Value::Uuid(b))) => a.cmp(b),
                    _ => std::cmp::Ordering::Equal,
                });
            }
            report.rows += insert_rows(&mut tx, org, part, &names, &rows).await?;
        }
        Self::commit(tx, events).await?;
        Ok(report)
    }
}
