//! What the machine's operator and the service's own monitoring ask of the
//! storage: commands run on the server (`koprogo seed`, `user create`,
//! `backup`, `gdpr search`) and the metrics, on behalf of nobody signed in.
//! Nothing here reads or writes an organisation's data for a user: that goes
//! through the use cases and their grant.

use koprogo_domain::identifiers::Email;

use crate::App;
use crate::account::Organization;
use crate::error::AppError;
use crate::ports::privacy::Snapshot;
use crate::ports::{DbTimings, PoolUsage};

impl App {
    /// The connection pools, now (the metrics and the operations page).
    pub fn pool_usage(&self) -> Vec<PoolUsage> {
        self.store.health.pools()
    }

    /// Time spent waiting for connections and in the database so far.
    pub fn database_timings(&self) -> DbTimings {
        self.store.health.timings()
    }

    /// Refreshes the planner's statistics after a bulk load.
    pub async fn refresh_statistics(&self) -> Result<(), AppError> {
        Ok(self.store.health.refresh_statistics().await?)
    }

    /// True while the database holds no organisation (the demo loads only then).
    pub async fn is_empty(&self) -> Result<bool, AppError> {
        Ok(self.store.accounts.is_empty().await?)
    }

    /// Whether a login with this address exists.
    pub async fn has_login(&self, email: &Email) -> Result<bool, AppError> {
        Ok(self.store.accounts.user_by_email(email).await?.is_some())
    }

    pub async fn organization_by_name(&self, name: &str) -> Result<Option<Organization>, AppError> {
        Ok(self.store.accounts.organization_by_name(name).await?)
    }

    /// A consistent copy of the whole database at `to`, described table by table.
    pub async fn snapshot(&self, to: &std::path::Path) -> Result<Snapshot, AppError> {
        Ok(self.store.catalog.snapshot(to).await?)
    }

    /// Every column where `needle` occurs, with its count of rows: where a
    /// person's data still stands (`koprogo gdpr search`).
    pub async fn occurrences(&self, needle: &str) -> Result<Vec<(String, String, u64)>, AppError> {
        Ok(self.store.catalog.occurrences(needle).await?)
    }

    /// The storage itself, for tests that arrange rows no use case writes
    /// (a statement's debits, an expense approved before sharing existed).
    #[cfg(feature = "testing")]
    pub fn store(&self) -> &crate::ports::Store {
        &self.store
    }
}
