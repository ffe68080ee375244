//! What both adapters share: the row structs and their mapping to domain
//! values (`rows`, `money_rows`, …), the list helpers (`push_in`,
//! `push_total`, `push_words`), error mapping, and `Connections`, the trait
//! an adapter implements so that the SQL modules of `adapter/` can run on it.
//!
//! The same statements work on SQLite and on PostgreSQL (numbered binds,
//! `ON CONFLICT`, `RETURNING`). They are written once, as ordinary modules
//! in `crates/store-sql/adapter/`, which each adapter crate compiles with its
//! own driver (`#[path = "../../store-sql/adapter/mod.rs"] mod sql;`, beside
//! `type Adapter = …` and `type Db = …`). Why not one generic store: sqlx
//! implements `Executor`, `Encode` and `Decode` per driver, and a generic
//! function needs those bounds restated on every function (a trait's where
//! clauses are not implied), a dozen a query; compiled per driver, the same
//! code needs none and stays formatted, linted and analysed as plain Rust.

pub mod assemblies;
pub mod audit;
pub mod catalog;
pub mod debits;
mod errors;
pub mod money_rows;
pub mod privacy;
pub mod reminders;
pub mod rows;
pub mod timing;
pub mod transfer;

pub use errors::{db_error, unique_or};

/// What the SQL modules use, under stable paths.
pub mod prelude {
    pub use crate::rows::*;
    pub use crate::{Total, db_error, push_in, push_owner, push_total, push_visible_buildings, push_words, unique_or};
    pub use anyhow::Context as _;
    pub use chrono::{DateTime, NaiveDate, Utc};
    pub use koprogo_app::StoreError;
    pub use koprogo_app::access::{Actor, OwnerScope};
    pub use koprogo_app::account::{AccountStore, Membership, Organization, OrganizationUsage, Refresh, SessionRecord, User};
    pub use koprogo_app::listing::{BuildingSort, ExpenseSort, ListQuery, OrganizationSort, OwnerSort, OwnershipSort, Page, UnitSort};
    pub use koprogo_app::ports::audit::Events;
    pub use koprogo_app::ports::{
        BuildingStore, ExpenseCheck, ExpenseFilter, ExpenseStore, HealthStore, OwnerStore, OwnershipFilter, QuotaCheck, ShareCheck,
        StoreResult, TransferPlan, UnitStore, Visibility,
    };
    pub use koprogo_domain::Rule;
    pub use koprogo_domain::account::Role;
    pub use koprogo_domain::building::{Building, BuildingSummary};
    pub use koprogo_domain::expense::{Expense, ExpenseStatus};
    pub use koprogo_domain::identifiers::Email;
    pub use koprogo_domain::ids::{BuildingId, ExpenseId, OwnerId, OwnershipId, TenantId, UnitId, UserId};
    pub use koprogo_domain::owner::{Owner, Ownership};
    pub use koprogo_domain::unit::Unit;
    pub use sqlx::{AssertSqlSafe, Database, QueryBuilder, Row as _};
    pub use uuid::Uuid;

    /// `ASC`/`DESC` for a list query.
    pub fn direction<S>(query: &ListQuery<S>) -> &'static str {
        if query.descending { "DESC" } else { "ASC" }
    }

    /// Numbers that the domain keeps unsigned, as the signed integers SQL stores.
    pub fn int(value: impl TryInto<i64>) -> i64 {
        value.try_into().unwrap_or(i64::MAX)
    }

    /// ` LIMIT n OFFSET m` as literals, not parameters: a generic plan with a
    /// parameter limit assumes a tenth of the rows are wanted, which on one
    /// organisation's large table favours reading it all and sorting over
    /// walking an index for one page (issue 21). Both are integers, so nothing
    /// can be injected; the page sizes and pages asked for are few, so
    /// prepared statements stay few.
    pub fn push_page<DB: sqlx::Database>(qb: &mut QueryBuilder<DB>, limit: impl TryInto<i64>, offset: impl TryInto<i64>) {
        let (limit, offset) = (int(limit), int(offset));
        qb.push(format_args!(" LIMIT {limit}"));
        if offset > 0 {
            qb.push(format_args!(" OFFSET {offset}"));
        }
    }
}

pub use anyhow;
pub use async_trait;
pub use sqlx;

/// Appends ` AND column IN (…)` with one bind per id; an empty set matches nothing.
pub fn push_in<DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<DB>, column: &str, ids: &[uuid::Uuid])
where
    uuid::Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if ids.is_empty() {
        qb.push(" AND 1 = 0");
        return;
    }
    qb.push(format_args!(" AND {column} IN ("));
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    list.push_unseparated(")");
}

/// ` AND column IN (…)` for an actor who sees some buildings only (a board
/// member, an owner); nothing for one who sees the whole organisation.
pub fn push_visible_buildings<DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<DB>, column: &str, visible: &koprogo_app::ports::Visibility)
where
    uuid::Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    if let Some(ids) = &visible.buildings {
        push_in(qb, column, &ids.iter().map(|b| b.as_uuid()).collect::<Vec<_>>());
    }
}

/// The rows of one owner: the one `asked` for and the one the actor is, both
/// applying (an owner asking for another owner's rows gets none). An owner's
/// login without an owner record sees none.
pub fn push_owner<DB: sqlx::Database>(
    qb: &mut sqlx::QueryBuilder<DB>,
    column: &str,
    asked: Option<koprogo_domain::ids::OwnerId>,
    visible: &koprogo_app::ports::Visibility,
) where
    uuid::Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for owner in [asked, visible.owner].into_iter().flatten() {
        qb.push(format_args!(" AND {column} = ")).push_bind(owner.as_uuid());
    }
    if visible.owner.is_none() && visible.units.is_some() {
        qb.push(" AND 1 = 0");
    }
}

/// ` AND (fold(a) LIKE w OR fold(b) LIKE w …)` for each of the folded
/// `words` (`koprogo_domain::text::fold`), their own `%`, `_` and `\` taken literally.
pub fn push_words<DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<DB>, columns: &[&str], words: &[String])
where
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    for word in words {
        let pattern = format!("%{}%", word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        qb.push(" AND (");
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push(folded(column)).push(" LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
}

/// `column` lower-cased without the accents of `ACCENT_FOLDS`, in SQL both
/// databases run: `REPLACE` for each accented letter, then `LOWER` for ASCII.
fn folded(column: &str) -> String {
    let mut sql = format!("COALESCE({column}, '')");
    for (accented, plain) in koprogo_domain::text::ACCENT_FOLDS {
        sql = format!("REPLACE({sql}, '{accented}', '{plain}')");
    }
    format!("LOWER({sql})")
}

/// Where a list's total comes from when no filter needs a count.
pub enum Total {
    /// A per-tenant counter kept by triggers.
    Counter(String),
    /// A count column of one building (`unit_count`, `expense_count`).
    OfBuilding(&'static str, uuid::Uuid),
}

/// Appends the total as a scalar sub-query: `, (…) AS total_count` in a
/// select list (so a page and its total come in one round trip), or bare.
pub fn push_total<DB: sqlx::Database>(qb: &mut sqlx::QueryBuilder<DB>, tenant: uuid::Uuid, total: &Total, as_column: bool)
where
    uuid::Uuid: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    qb.push(if as_column { ", " } else { "SELECT " });
    match total {
        Total::Counter(name) => {
            qb.push("(SELECT value FROM counters WHERE organization_id = ").push_bind(tenant).push(" AND name = ").push_bind(name.clone());
        }
        Total::OfBuilding(column, building) => {
            qb.push(format_args!("(SELECT {column} FROM buildings WHERE organization_id = "))
                .push_bind(tenant)
                .push(" AND id = ")
                .push_bind(*building);
        }
    }
    qb.push(if as_column { ") AS total_count" } else { ")" });
}

/// What an adapter gives the SQL modules: connections for one
/// organisation's data (PostgreSQL sets the tenant on them for row-level
/// security) and for the identity tables, read before any organisation is
/// known.
pub trait Connections: Send + Sync + 'static {
    type Db: sqlx::Database;

    /// A select-list suffix that sets the session's tenant on the
    /// connection of the session lookup, or nothing.
    const SETS_TENANT: &'static str;
    /// ` FOR UPDATE` where the audit append must lock the chain's head, or nothing.
    const LOCKS_HEAD: &'static str;

    /// A connection that reads `tenant`'s data.
    fn reader(
        &self,
        tenant: koprogo_domain::ids::TenantId,
    ) -> impl Future<Output = Result<sqlx::pool::PoolConnection<Self::Db>, koprogo_app::StoreError>> + Send;
    /// A transaction on `tenant`'s data; every change goes through one,
    /// committed with its audit events by `commit`.
    fn begin(
        &self,
        tenant: koprogo_domain::ids::TenantId,
    ) -> impl Future<Output = Result<sqlx::Transaction<'static, Self::Db>, koprogo_app::StoreError>> + Send;
    /// The connection a session lookup runs on (it may set the tenant).
    fn session_reader(&self) -> impl Future<Output = Result<sqlx::pool::PoolConnection<Self::Db>, koprogo_app::StoreError>> + Send;
    /// Keeps the session lookup's connection for the request's own query.
    fn keep_for_request(&self, tenant: koprogo_domain::ids::TenantId, connection: sqlx::pool::PoolConnection<Self::Db>);
    /// The identity tables, to read.
    fn platform(&self) -> &sqlx::Pool<Self::Db>;
    /// The identity tables, to write outside a transaction.
    fn platform_writer(&self) -> &sqlx::Pool<Self::Db>;
    /// A transaction on the identity tables.
    fn begin_platform(&self) -> impl Future<Output = Result<sqlx::Transaction<'static, Self::Db>, koprogo_app::StoreError>> + Send;
    /// The pools' sizes, for the metrics.
    fn pool_usage(&self) -> Vec<koprogo_app::ports::PoolUsage>;
    /// Refreshes the planner's statistics.
    fn analyze(&self) -> impl Future<Output = Result<(), koprogo_app::StoreError>> + Send;
    /// Runs one request with whatever the adapter keeps for it (nothing, by default).
    fn request_scope<'a>(&'a self, request: koprogo_app::ports::Scoped<'a>) -> koprogo_app::ports::Scoped<'a> {
        request
    }
}
