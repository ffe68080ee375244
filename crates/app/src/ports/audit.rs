//! The port of the audit trail: append-only chains, one per organisation
//! (and the platform's own, `Uuid::nil()`).
//!
//! Every port method that changes data takes the events the use case wrote
//! about the change (`events: Events`, last) and MUST append them in its own
//! transaction, before it commits: an audited change and its events are kept
//! or lost together. Appending takes the chain's head under a lock, so that
//! concurrent writers never fork a chain or leave a gap in its numbering.

use chrono::{DateTime, Utc};
use koprogo_domain::audit::{ChainedEvent, EventBody, Outcome};
use uuid::Uuid;

use crate::listing::{AuditSort, ListQuery, Page};
use crate::ports::StoreResult;

/// What a change says of itself in the trail, appended in the change's own
/// transaction. Empty for a change the trail does not record (a session).
pub type Events = Vec<EventBody>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<Uuid>,
    pub actor: Option<Uuid>,
    pub outcome: Option<Outcome>,
    pub from: Option<DateTime<Utc>>,
    /// Excluded.
    pub to: Option<DateTime<Utc>>,
}

#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    /// Appends events that come with no change of data (a denial, a failed
    /// sign-in, an export), in a transaction of their own.
    async fn append(&self, events: Vec<EventBody>) -> StoreResult<()>;
    /// A page of one chain, filtered (newest first when descending).
    async fn events(&self, organization: Uuid, query: &ListQuery<AuditSort>, filter: &AuditFilter) -> StoreResult<Page<ChainedEvent>>;
    /// The chain from number `after + 1`, oldest first, at most `limit` events:
    /// what verification and exports read, a slice at a time.
    async fn chain(&self, organization: Uuid, after: u64, limit: u32) -> StoreResult<Vec<ChainedEvent>>;
    /// The last event's number and hash.
    async fn head(&self, organization: Uuid) -> StoreResult<Option<(u64, String)>>;
    /// Every organisation that has a chain (the platform's included).
    async fn chains(&self) -> StoreResult<Vec<Uuid>>;
}
