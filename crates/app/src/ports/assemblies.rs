//! The port of general assemblies: the assemblies a syndic prepares and
//! their agenda. Same contract as the other ports.

use crate::ports::audit::Events;
use chrono::{DateTime, Utc};
use koprogo_domain::assembly::meeting::Status;
use koprogo_domain::assembly::record::{AgendaItem, AgendaItemDetails, Assembly};
use koprogo_domain::ids::{AgendaItemId, AssemblyId, BuildingId, TenantId};

use crate::listing::{AssemblySort, ListQuery, Page};
use crate::ports::{StoreResult, Visibility};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssemblyFilter {
    pub building: Option<BuildingId>,
}

#[async_trait::async_trait]
pub trait AssemblyStore: Send + Sync {
    /// `Ok(false)` when its building (or the assembly it follows) is missing.
    async fn insert_assembly(&self, tenant: TenantId, assembly: &Assembly, events: Events) -> StoreResult<bool>;

    async fn assembly(&self, tenant: TenantId, id: AssemblyId) -> StoreResult<Option<Assembly>>;

    async fn assemblies(
        &self,
        tenant: TenantId,
        query: &ListQuery<AssemblySort>,
        filter: &AssemblyFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Assembly>>;

    /// Replaces the details while the assembly is still `status`: `Ok(false)`
    /// when it is missing or has moved on (the caller reads it again).
    async fn update_assembly(&self, tenant: TenantId, assembly: &Assembly, status: Status, events: Events) -> StoreResult<bool>;

    /// Moves it from `from` to `to` at `at`, only if it is still at `from`.
    async fn move_assembly(
        &self,
        tenant: TenantId,
        id: AssemblyId,
        (from, to): (Status, Status),
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<bool>;

    /// Appends an item with the next number, only while the assembly is a
    /// draft; `Ok(None)` when it is missing or no longer a draft.
    async fn add_agenda_item(
        &self,
        tenant: TenantId,
        assembly: AssemblyId,
        id: AgendaItemId,
        details: &AgendaItemDetails,
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<Option<AgendaItem>>;

    /// The agenda in its order.
    async fn agenda(&self, tenant: TenantId, assembly: AssemblyId) -> StoreResult<Vec<AgendaItem>>;
}
