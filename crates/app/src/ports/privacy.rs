//! The ports of the persons' rights: consent, erasure by pseudonym, and the
//! catalogue of what the database holds (for the data inventory, searches for
//! a person's identifiers, and backup manifests).

use crate::ports::audit::Events;
use chrono::{DateTime, Utc};
use koprogo_domain::Rule;
use koprogo_domain::ids::{OwnerId, TenantId, UserId};
use koprogo_domain::owner::Period;

use crate::account::{Membership, User};
use crate::error::StoreError;
use crate::ports::StoreResult;

/// Checks an owner's ownership periods, read under a lock on the owner.
pub type ErasableCheck<'a> = &'a (dyn Fn(&[Period]) -> Result<(), Rule> + Sync);

/// Runs inside the erasure's transaction, after every change and before the
/// commit, with the users erased along: it writes the entry of the erasure log
/// that outlives backups. An error rolls the erasure back.
pub type BeforeCommit<'a> = &'a (dyn Fn(&[UserId]) -> Result<(), StoreError> + Sync);

/// What erasing an owner changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErasedOwner {
    /// Bank movements (payments received, refunds paid out) whose
    /// counterparty's name, account or message were cleared.
    pub payments: u64,
    /// Logins that were this owner's only: erased too.
    pub users: Vec<UserId>,
    /// Logins that keep other roles: only their link to this owner went.
    pub unlinked: Vec<UserId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Erasure {
    Done(ErasedOwner),
    /// Erased before: nothing changed.
    AlreadyErased,
}

/// One session of a user, as an access request shows it (never the token).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSummary {
    pub kind: String,
    pub tenant: Option<TenantId>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub spent_at: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
pub trait PrivacyStore: Send + Sync {
    /// `Ok(false)` when the owner is missing or erased.
    async fn set_email_consent(&self, tenant: TenantId, owner: OwnerId, at: Option<DateTime<Utc>>, events: Events) -> StoreResult<bool>;

    /// In one transaction: replaces the owner's identity by its pseudonym
    /// (`koprogo_domain::privacy::pseudonym`),
    /// clears the payer data of their payments (and of payments from their
    /// account), unlinks their logins and erases those left with no role.
    /// `Ok(None)` when missing.
    async fn erase_owner(
        &self,
        tenant: TenantId,
        owner: OwnerId,
        at: DateTime<Utc>,
        erasable: ErasableCheck<'_>,
        before_commit: BeforeCommit<'_>,
        events: Events,
    ) -> StoreResult<Option<Erasure>>;

    /// Replaces a login's identity by a pseudonym, ends its sessions and
    /// roles. `Ok(false)` when missing or erased before.
    /// # Errors
    /// `Rule::LastSyndic` when `keep_a_syndic` and an organisation would be
    /// left without a syndic.
    async fn erase_user(
        &self,
        user: UserId,
        at: DateTime<Utc>,
        keep_a_syndic: bool,
        before_commit: BeforeCommit<'_>,
        events: Events,
    ) -> StoreResult<bool>;

    /// The logins linked to an owner record.
    async fn owner_accounts(&self, tenant: TenantId, owner: OwnerId) -> StoreResult<Vec<(User, Membership)>>;

    async fn sessions_of(&self, user: UserId) -> StoreResult<Vec<SessionSummary>>;
}

/// One table's rows as a backup manifest records them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    /// SHA-256 (hex) over the rows' text, in a fixed order.
    pub sha256: String,
}

/// What the database holds, across organisations: maintenance work only
/// (inventory checks, the DPO's searches, backups), never a request's.
#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    /// Every (table, column) of the schema, migrations' bookkeeping excluded.
    async fn columns(&self) -> StoreResult<Vec<(String, String)>>;
    /// Text columns where `needle` occurs (case-insensitive), with the number of rows.
    async fn occurrences(&self, needle: &str) -> StoreResult<Vec<(String, String, u64)>>;
    /// Each table's row count and content hash.
    async fn digests(&self) -> StoreResult<Vec<TableDigest>>;
    /// The last migration applied.
    async fn schema_version(&self) -> StoreResult<i64>;
    /// Writes one consistent copy of the whole database to `to`, in the
    /// adapter's own format (a database file, a dump), and describes it.
    async fn snapshot(&self, to: &std::path::Path) -> StoreResult<Snapshot>;
}

/// What a snapshot holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Snapshot {
    /// `sqlite` or `postgresql`: which adapter can restore it.
    pub backend: &'static str,
    pub schema_version: i64,
    pub tables: Vec<TableDigest>,
}
