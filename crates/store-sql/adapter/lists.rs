//! The one shape of every paged list: the organisation's rows of one table,
//! the caller's filters, sorted by a column then the id (so pages are
//! stable), one page of them, and the total — read from a counter when no
//! filter needs a count, carried in the same round trip when it can be.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;
use koprogo_store_sql::prelude::*;

/// What a list reads, besides the page asked for.
pub(super) struct List<'a, F> {
    /// The table, as it follows `FROM` (an alias may follow it).
    pub table: &'a str,
    pub columns: &'a str,
    /// Appends ` AND …` conditions; used for the page and for a count.
    pub filters: F,
    /// The sort column (the id breaks ties).
    pub order: &'a str,
    /// Where the total comes from when no filter needs a count.
    pub total: Option<Total>,
}

impl Adapter {
    /// One page of `list`, and the total of its rows.
    pub(super) async fn list<R, S: Copy, F>(&self, tenant: TenantId, query: &ListQuery<S>, list: List<'_, F>) -> StoreResult<(Vec<R>, u64)>
    where
        R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>,
        F: Fn(&mut QueryBuilder<Db>),
    {
        let List { table, columns, filters, order, total } = list;
        let mut qb = QueryBuilder::new(format!("SELECT {columns}"));
        if let Some(source) = &total {
            push_total(&mut qb, tenant.as_uuid(), source, true);
        }
        qb.push(format_args!(" FROM {table} WHERE organization_id = ")).push_bind(tenant.as_uuid());
        filters(&mut qb);
        let dir = direction(query);
        qb.push(format_args!(" ORDER BY {order} {dir}, id {dir}"));
        push_page(&mut qb, query.per_page, query.offset());
        let count = || {
            let mut count = QueryBuilder::new(format!("SELECT COUNT(*) FROM {table} WHERE organization_id = "));
            count.push_bind(tenant.as_uuid());
            filters(&mut count);
            count
        };
        self.fetch_page(qb, tenant, total.as_ref(), count).await
    }

    /// Runs a list query; the total comes with the rows when the query
    /// selected it (`push_total`), else from its source, else by counting.
    async fn fetch_page<R>(
        &self,
        mut qb: QueryBuilder<Db>,
        tenant: TenantId,
        source: Option<&Total>,
        count: impl FnOnce() -> QueryBuilder<Db>,
    ) -> StoreResult<(Vec<R>, u64)>
    where
        R: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row>,
    {
        let mut connection = self.reader(tenant).await?;
        let started = std::time::Instant::now();
        let rows = qb.build().fetch_all(&mut *connection).await.map_err(db_error)?;
        let carried = rows.first().and_then(|r| r.try_get::<Option<i64>, _>("total_count").ok().flatten());
        let items = rows.iter().map(R::from_row).collect::<Result<Vec<_>, _>>().map_err(db_error)?;
        let total = match (carried, source) {
            (Some(total), _) => u64::try_from(total).unwrap_or(0),
            (None, Some(source)) => {
                let mut bare = QueryBuilder::new("");
                push_total(&mut bare, tenant.as_uuid(), source, false);
                let value: Option<i64> = bare.build_query_scalar().fetch_one(&mut *connection).await.map_err(db_error)?;
                u64::try_from(value.unwrap_or(0)).unwrap_or(0)
            }
            (None, None) => {
                let value: i64 = count().build_query_scalar().fetch_one(&mut *connection).await.map_err(db_error)?;
                u64::try_from(value).unwrap_or(0)
            }
        };
        koprogo_store_sql::timing::LIST.record(started);
        Ok((items, total))
    }

    /// Runs a `SELECT COUNT(*)` over platform tables, built by the caller.
    pub(super) async fn count(&self, mut qb: QueryBuilder<Db>) -> StoreResult<u64> {
        let value: i64 = qb.build_query_scalar().fetch_one(self.platform()).await.map_err(db_error)?;
        Ok(u64::try_from(value).unwrap_or(0))
    }
}
