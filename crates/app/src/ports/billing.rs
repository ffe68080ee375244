//! The port of the platform's billing: the life of every building, and the
//! invoices of each monthly run. Platform-wide: only the billing use cases
//! (behind `Action::ManageBilling`) and an organisation's own invoice list use it.

use crate::ports::audit::Events;
use chrono::{DateTime, Utc};
use koprogo_domain::billing::{BilledBuilding, Draft, Month};
use koprogo_domain::ids::TenantId;
use koprogo_domain::money::Cents;
use uuid::Uuid;

use crate::account::Organization;
use crate::ports::StoreResult;

/// An organisation with every building it has had.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub organization: Organization,
    pub buildings: Vec<BilledBuilding>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invoice {
    pub id: Uuid,
    pub tenant: TenantId,
    pub organization_name: String,
    pub number: String,
    pub period: Month,
    pub issued_at: DateTime<Utc>,
    pub net: Cents,
    pub vat_basis_points: u32,
    pub vat: Cents,
    pub total: Cents,
    /// (building, its name then, amount).
    pub lines: Vec<(Uuid, String, Cents)>,
}

#[async_trait::async_trait]
pub trait BillingStore: Send + Sync {
    /// Every organisation with its buildings, deleted ones included.
    async fn customers(&self) -> StoreResult<Vec<Customer>>;

    /// In one transaction: an invoice per draft whose organisation has none for
    /// `period` yet, numbered on from the year's last number. Returns those made.
    async fn issue_invoices(
        &self,
        period: Month,
        drafts: &[(TenantId, Draft)],
        vat_basis_points: u32,
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<Vec<Invoice>>;

    /// Invoices of a period (or all), of an organisation (or all), by number.
    async fn invoices(&self, period: Option<Month>, tenant: Option<TenantId>) -> StoreResult<Vec<Invoice>>;

    async fn invoice(&self, id: Uuid) -> StoreResult<Option<Invoice>>;
}
