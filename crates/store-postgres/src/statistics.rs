//! Statistics that keep up with tables that grow fast.
//!
//! The service's statements are prepared once per connection and planned
//! generically (`plan_cache_mode`), with the statistics of that moment.
//! PostgreSQL plans them again when a table they read is analysed, and
//! autovacuum analyses a table after a tenth of it changed — but looks only
//! once a minute. An organisation that starts small and grows fast (a firm's
//! first weeks, an import, the seed's protocol: 60 units to 5 000 in a
//! minute) kept plans made for a table of a few rows: a full read and a sort
//! behind every list page, slower with every row (measured: 1 045 then 741
//! req/s in two 30 s windows). Every few seconds this looks for tables whose
//! row count moved by half their analysed size, and analyses those, which
//! also renews every plan that reads them.

use std::sync::{Arc, Weak};
use std::time::Duration;

use sqlx::{Connection, Executor, PgConnection};

use super::PgStore;

/// How often the keeper looks: well under autovacuum's minute.
const EVERY: Duration = Duration::from_secs(5);

/// Tables whose row count moved by half their analysed size (and 50 rows)
/// since their last analysis. Their size, not their changes: the counters,
/// the chains' heads and the buildings' totals are updated by every write,
/// and analysing them every round would only make every connection plan its
/// statements again.
const STALE: &str = "SELECT s.relname::text FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid \
    WHERE abs(s.n_live_tup - GREATEST(c.reltuples, 0)) >= 50 + 0.5 * GREATEST(c.reltuples, 0) ORDER BY s.relname";

/// Runs until the store is dropped.
pub(super) fn keep(store: &Arc<PgStore>) {
    let store = Arc::downgrade(store);
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(EVERY).await;
            if analyse_stale(&store).await.is_none() {
                return;
            }
        }
    });
}

/// One round of the keeper, now (for tests).
pub(super) async fn analyse_now(store: &Arc<PgStore>) {
    analyse_stale(&Arc::downgrade(store)).await;
}

/// `None` once the store is gone; a failed round is only logged (the next
/// one tries again, and autovacuum is still there).
async fn analyse_stale(store: &Weak<PgStore>) -> Option<()> {
    let (pool, owner) = {
        let store = store.upgrade()?;
        (store.platform.clone(), store.owner.clone())
    };
    if pool.is_closed() {
        return None;
    }
    let stale: Vec<String> = match sqlx::query_scalar(STALE).fetch_all(&pool).await {
        Ok(stale) => stale,
        Err(error) => {
            tracing::warn!(%error, "could not read the tables' row counts");
            return Some(());
        }
    };
    if stale.is_empty() {
        return Some(());
    }
    // Only the tables' owner may analyse them; a connection of its own, for
    // the rare rounds that have work.
    let analysed = async {
        let mut connection = PgConnection::connect_with(&owner).await?;
        for table in &stale {
            let statement = format!("ANALYZE \"{}\"", table.replace('"', "\"\""));
            connection.execute(sqlx::AssertSqlSafe(statement)).await?;
        }
        connection.close().await
    };
    match analysed.await {
        Ok(()) => tracing::debug!(tables = ?stale, "analysed the tables that grew"),
        Err(error) => tracing::warn!(%error, tables = ?stale, "could not analyse the tables that grew"),
    }
    Some(())
}
