//! Finding things by what a syndic remembers of them: a name, a unit number,
//! a supplier, an invoice.

use koprogo_domain::building::BuildingSummary;
use koprogo_domain::expense::Expense;
use koprogo_domain::ids::{BuildingId, OwnerId, TenantId};
use koprogo_domain::owner::Owner;
use koprogo_domain::unit::Unit;

use crate::ports::StoreResult;

/// What a search found, each kind at most `limit`, in name order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    pub buildings: Vec<BuildingSummary>,
    pub units: Vec<Unit>,
    /// Not erased; with the buildings where each holds or held a unit.
    pub owners: Vec<(Owner, Vec<BuildingId>)>,
    pub expenses: Vec<Expense>,
}

#[async_trait::async_trait]
pub trait SearchStore: Send + Sync {
    /// Rows of the organisation where every word appears (case aside) in one
    /// of their words: a building's name or city, a unit's number, an owner's
    /// names or e-mail, an expense's supplier, description or invoice number.
    async fn search(&self, tenant: TenantId, words: &[String], limit: u32) -> StoreResult<Found>;
    /// The buildings where each of `owners` holds or held a unit.
    async fn owner_buildings(&self, tenant: TenantId, owners: &[OwnerId]) -> StoreResult<Vec<(OwnerId, BuildingId)>>;
}
