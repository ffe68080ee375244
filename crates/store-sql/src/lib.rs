//! The SQL both adapters run. The same statements work on SQLite and on
//! PostgreSQL (numbered binds, `ON CONFLICT`, `RETURNING`), so the query
//! bodies are written once, as macros that each adapter instantiates for its
//! own driver type; rows and their mapping are plain generic code (`rows`).
//!
//! An adapter type using these macros provides, as inherent methods, a
//! connection for one organisation's data — `reader(tenant)` (`async`, a
//! `PoolConnection<DB>`) and `begin(tenant)` (a transaction; every change goes
//! through one, committed with its audit events by `commit`) — and
//! the identity tables' pools — `platform()`, `platform_writer()` and
//! `begin_platform()`. PostgreSQL uses the tenant for row-level security.
//! For the session lookup: `session_reader()`, `SETS_TENANT` (a select-list
//! suffix that sets the session's tenant on that connection, or nothing) and
//! `keep_for_request(tenant, connection)`. For the audit append: `LOCKS_HEAD`
//! (` FOR UPDATE` where rows lock, or nothing).

mod accounts;
pub mod audit;
pub mod billing;
mod buildings;
pub mod catalog;
mod charges;
pub mod debits;
mod errors;
mod expenses;
pub mod money_rows;
mod owners;
mod payments;
pub mod privacy;
pub mod reminders;
pub mod rows;
mod search;
mod team;
pub mod timing;
pub mod transfer;
mod units;

pub use errors::{db_error, unique_or};

/// What the macros need, under stable paths.
#[doc(hidden)]
pub mod prelude {
    pub use crate::rows::*;
    pub use crate::{Total, db_error, push_in, push_total, push_words, unique_or};
    pub use anyhow::Context as _;
    pub use chrono::{DateTime, NaiveDate, Utc};
    pub use koprogo_app::StoreError;
    pub use koprogo_app::access::{Actor, OwnerScope};
    pub use koprogo_app::account::{AccountStore, Membership, Organization, OrganizationUsage, Refresh, SessionRecord, User};
    pub use koprogo_app::listing::{BuildingSort, ExpenseSort, ListQuery, OrganizationSort, OwnerSort, OwnershipSort, Page, UnitSort};
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

/// Every adapter port, for a store type that has `reader` and `begin`.
#[macro_export]
macro_rules! sql_store {
    ($store:ty, $db:ty) => {
        $crate::account_store!($store, $db);
        $crate::building_store!($store, $db);
        $crate::unit_store!($store, $db);
        $crate::owner_store!($store, $db);
        $crate::expense_store!($store, $db);
        $crate::charge_store!($store, $db);
        $crate::payment_store!($store, $db);
        $crate::debit_store!($store, $db);
        $crate::reminder_store!($store, $db);
        $crate::audit_store!($store, $db);
        $crate::privacy_store!($store, $db);
        $crate::transfer_store!($store, $db);
        $crate::billing_store!($store, $db);
        $crate::team_store!($store, $db);
        $crate::search_store!($store, $db);
    };
}
