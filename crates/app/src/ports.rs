//! The ports: what the use cases need from storage. Adapters implement them;
//! the `store-contract` crate checks that they all behave alike.
//!
//! Every method on tenant data takes the `TenantId` first. An object of another
//! tenant MUST look exactly like a missing one (`Ok(None)`, `Ok(false)`).
//! Methods that change several rows MUST do so in one transaction. Checks that
//! depend on stored data (quotas, shares, expense status) are passed in as
//! domain functions and MUST run inside that transaction, on rows locked for it.

use crate::ports::audit::Events;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use koprogo_domain::Rule;
use koprogo_domain::building::{Building, BuildingSummary};
use koprogo_domain::expense::{Expense, ExpenseStatus, Fund};
use koprogo_domain::ids::{BuildingId, ExpenseId, OwnerId, OwnershipId, TenantId, UnitId};
use koprogo_domain::owner::{Owner, Ownership, Period, Share};
use koprogo_domain::unit::{Quota, Unit};

use crate::account::AccountStore;
use crate::error::StoreError;
use crate::listing::{BuildingSort, ExpenseSort, ListQuery, OwnerSort, OwnershipSort, Page, UnitSort};

pub mod assemblies;
pub mod audit;
pub mod billing;
pub mod debits;
pub mod money;
pub mod privacy;
pub mod reminders;
pub mod search;
pub mod team;
pub mod transfer;

pub use audit::AuditStore;
pub use money::{ChargeStore, PaymentStore};
pub use privacy::{CatalogStore, PrivacyStore};
pub use reminders::ReminderStore;
pub use transfer::TransferStore;

pub type StoreResult<T> = Result<T, StoreError>;

/// Which buildings and units an actor may see; `None` means no restriction.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Visibility {
    pub buildings: Option<Vec<BuildingId>>,
    pub units: Option<Vec<UnitId>>,
    pub owner: Option<OwnerId>,
    /// Only what the syndic has decided: an expense still in draft is the
    /// syndic's work in progress, not yet the owners' charge.
    pub decided_only: bool,
}

#[async_trait::async_trait]
pub trait BuildingStore: Send + Sync {
    /// # Errors
    /// `Conflict("building.exists")` when the id is taken.
    async fn insert_building(&self, tenant: TenantId, building: &Building, events: Events) -> StoreResult<()>;

    /// The building with its unit count and allocated quota.
    async fn building(&self, tenant: TenantId, id: BuildingId) -> StoreResult<Option<BuildingSummary>>;

    async fn buildings(
        &self,
        tenant: TenantId,
        query: &ListQuery<BuildingSort>,
        visible: &Visibility,
    ) -> StoreResult<Page<BuildingSummary>>;

    /// Replaces the details; `holds` checks the new quota base against the
    /// quotas allocated at that moment. `Ok(false)` when missing.
    async fn update_building(
        &self,
        tenant: TenantId,
        building: &Building,
        holds: &(dyn Fn(u64) -> Result<(), Rule> + Sync),
        events: Events,
    ) -> StoreResult<bool>;

    /// Deletes it; billing keeps its life and ends it `at`.
    /// # Errors
    /// `Conflict("building.has_units")` or `Conflict("building.has_expenses")`:
    /// deleting would orphan them. `Ok(false)` when missing.
    async fn delete_building(&self, tenant: TenantId, id: BuildingId, at: DateTime<Utc>, events: Events) -> StoreResult<bool>;
}

/// Checks a unit's quota against (quota base, quotas of the building's other units).
pub type QuotaCheck<'a> = &'a (dyn Fn(u32, u64) -> Result<(), Rule> + Sync);

#[async_trait::async_trait]
pub trait UnitStore: Send + Sync {
    /// Adds the unit and its quota to the building's totals. `Ok(false)` when
    /// the building is missing.
    /// # Errors
    /// `Conflict("unit.number_taken")` when the building has a unit with that number.
    async fn insert_unit(&self, tenant: TenantId, unit: &Unit, fits: QuotaCheck<'_>, events: Events) -> StoreResult<bool>;

    async fn unit(&self, tenant: TenantId, id: UnitId) -> StoreResult<Option<Unit>>;

    async fn units(
        &self,
        tenant: TenantId,
        query: &ListQuery<UnitSort>,
        building: Option<BuildingId>,
        visible: &Visibility,
    ) -> StoreResult<Page<Unit>>;

    /// Replaces the details (a unit never moves to another building).
    async fn update_unit(&self, tenant: TenantId, unit: &Unit, fits: QuotaCheck<'_>, events: Events) -> StoreResult<bool>;

    /// # Errors
    /// `Conflict("unit.has_ownerships")`.
    async fn delete_unit(&self, tenant: TenantId, id: UnitId, events: Events) -> StoreResult<bool>;
}

/// Checks a new share against the unit's other ownerships.
pub type ShareCheck<'a> = &'a (dyn Fn(&[(Share, Period)]) -> Result<(), Rule> + Sync);
/// From a unit's ownerships read under its lock, the ownerships a transfer
/// writes: the sellers' ended, the buyers' new ones.
pub type TransferPlan<'a> = &'a (dyn Fn(&[Ownership]) -> Result<Vec<Ownership>, Rule> + Sync);

#[async_trait::async_trait]
pub trait OwnerStore: Send + Sync {
    async fn insert_owner(&self, tenant: TenantId, owner: &Owner, events: Events) -> StoreResult<()>;
    async fn owner(&self, tenant: TenantId, id: OwnerId) -> StoreResult<Option<Owner>>;
    /// The owners among `ids` (missing or foreign ones are left out), in no particular order.
    async fn owners_by_id(&self, tenant: TenantId, ids: &[OwnerId]) -> StoreResult<Vec<Owner>>;
    /// `building`: only owners holding a unit of it (at any time).
    async fn owners(
        &self,
        tenant: TenantId,
        query: &ListQuery<OwnerSort>,
        building: Option<BuildingId>,
        visible: &Visibility,
    ) -> StoreResult<Page<Owner>>;
    async fn update_owner(&self, tenant: TenantId, owner: &Owner, events: Events) -> StoreResult<bool>;
    /// # Errors
    /// `Conflict("owner.has_ownerships")`, `Conflict("owner.has_account")`.
    async fn delete_owner(&self, tenant: TenantId, id: OwnerId, events: Events) -> StoreResult<bool>;

    /// Records a share, after `fits` accepted it against the unit's other
    /// ownerships (excluding `ownership.id` itself) read under a lock on the unit.
    /// `Ok(false)` when the unit or owner is missing. Also used to update.
    async fn save_ownership(&self, tenant: TenantId, ownership: &Ownership, fits: ShareCheck<'_>, events: Events) -> StoreResult<bool>;
    async fn ownership(&self, tenant: TenantId, id: OwnershipId) -> StoreResult<Option<Ownership>>;
    /// In one transaction, under a lock on the unit: hands its ownerships to
    /// `plan` and writes what it returns. `Ok(None)` when the unit is missing.
    /// # Errors
    /// `Conflict("unknown_reference")` when a buyer is not the tenant's owner.
    async fn transfer_unit(
        &self,
        tenant: TenantId,
        unit: UnitId,
        plan: TransferPlan<'_>,
        events: Events,
    ) -> StoreResult<Option<Vec<Ownership>>>;
    async fn ownerships(
        &self,
        tenant: TenantId,
        query: &ListQuery<OwnershipSort>,
        filter: &OwnershipFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Ownership>>;
    async fn delete_ownership(&self, tenant: TenantId, id: OwnershipId, events: Events) -> StoreResult<bool>;
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnershipFilter {
    pub unit: Option<UnitId>,
    pub owner: Option<OwnerId>,
    /// Only ownerships valid on that day.
    pub on: Option<NaiveDate>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExpenseFilter {
    pub building: Option<BuildingId>,
    pub status: Option<ExpenseStatus>,
    pub fund: Option<Fund>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Lower-cased words each found in the supplier, description or invoice number.
    pub words: Vec<String>,
}

/// Checks a change against the expense as stored at that moment.
pub type ExpenseCheck<'a> = &'a (dyn Fn(&Expense) -> Result<(), Rule> + Sync);

#[async_trait::async_trait]
pub trait ExpenseStore: Send + Sync {
    /// `Ok(false)` when the building is missing.
    async fn insert_expense(&self, tenant: TenantId, expense: &Expense, events: Events) -> StoreResult<bool>;
    async fn expense(&self, tenant: TenantId, id: ExpenseId) -> StoreResult<Option<Expense>>;
    async fn expenses(
        &self,
        tenant: TenantId,
        query: &ListQuery<ExpenseSort>,
        filter: &ExpenseFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Expense>>;
    /// Replaces details and status once `allowed` accepts the stored version.
    async fn update_expense(&self, tenant: TenantId, expense: &Expense, allowed: ExpenseCheck<'_>, events: Events) -> StoreResult<bool>;
    async fn delete_expense(&self, tenant: TenantId, id: ExpenseId, allowed: ExpenseCheck<'_>, events: Events) -> StoreResult<bool>;
}

/// Liveness of the storage, for readiness probes.
#[async_trait::async_trait]
pub trait HealthStore: Send + Sync {
    async fn ping(&self) -> StoreResult<()>;
    /// Refreshes the query planner's statistics, after a bulk load (the demo,
    /// the volume seed) that autovacuum has not yet seen.
    async fn refresh_statistics(&self) -> StoreResult<()>;
    /// The database connections: open and idle, per pool.
    fn pools(&self) -> Vec<PoolUsage>;
    /// Waits for connections and time spent in statements, process-wide.
    fn timings(&self) -> DbTimings;
    /// Runs one request so that what the store keeps for it (PostgreSQL: the
    /// connection that resolved the session, set to its organisation) lives
    /// until the request ends, and no longer.
    fn request_scope<'a>(&'a self, request: Scoped<'a>) -> Scoped<'a>;
}

/// One request's work, as a store scopes it.
pub type Scoped<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;

/// A latency histogram: count, sum, and cumulative counts under each bound (µs).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    pub count: u64,
    pub sum_us: u64,
    pub buckets: Vec<(u64, u64)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DbTimings {
    /// Tasks waiting for a connection now.
    pub waiting: u32,
    pub acquire: Timing,
    /// List pages (rows and total).
    pub list: Timing,
    /// Commits of changes with their audit events.
    pub commit: Timing,
}

/// One connection pool, as the operations view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolUsage {
    pub name: &'static str,
    pub open: u32,
    pub idle: u32,
    pub max: u32,
}

/// Every port, bundled. Built once per backend by an adapter crate.
#[derive(Clone)]
pub struct Store {
    pub accounts: Arc<dyn AccountStore>,
    pub buildings: Arc<dyn BuildingStore>,
    pub units: Arc<dyn UnitStore>,
    pub owners: Arc<dyn OwnerStore>,
    pub expenses: Arc<dyn ExpenseStore>,
    pub charges: Arc<dyn ChargeStore>,
    pub payments: Arc<dyn PaymentStore>,
    pub debits: Arc<dyn debits::DebitStore>,
    pub reminders: Arc<dyn ReminderStore>,
    pub assemblies: Arc<dyn assemblies::AssemblyStore>,
    pub audit: Arc<dyn AuditStore>,
    pub privacy: Arc<dyn PrivacyStore>,
    pub catalog: Arc<dyn CatalogStore>,
    pub transfer: Arc<dyn TransferStore>,
    pub billing: Arc<dyn billing::BillingStore>,
    pub team: Arc<dyn team::TeamStore>,
    pub search: Arc<dyn search::SearchStore>,
    pub health: Arc<dyn HealthStore>,
}

/// The current time, passed in so that tests can fix it.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;

    /// Today in Belgium: what a due date, a reversal or a month is compared
    /// with (between 22:00 and midnight UTC, Brussels is already tomorrow).
    fn today(&self) -> chrono::NaiveDate {
        belgian_day(self.now())
    }
}

/// The day a moment falls on in Brussels.
pub fn belgian_day(at: DateTime<Utc>) -> chrono::NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Brussels).date_naive()
}

pub struct SystemClock;

impl Clock for SystemClock {
    /// Microsecond precision: what PostgreSQL keeps, so both stores agree.
    fn now(&self) -> DateTime<Utc> {
        use chrono::SubsecRound;
        Utc::now().trunc_subsecs(6)
    }
}

/// A settable clock for tests and deterministic seeding.
pub struct FixedClock(std::sync::Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(time: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(time))
    }

    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut time) = self.0.lock() {
            *time += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().map(|t| *t).unwrap_or_else(|poisoned| *poisoned.into_inner())
    }
}

/// Used by `insert_unit`/`update_unit` callers: the quota rule as a check.
pub fn quota_check(quota: Quota) -> impl Fn(u32, u64) -> Result<(), Rule> + Sync {
    move |base, elsewhere| koprogo_domain::unit::check_quota_fits(base, elsewhere, quota)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    #[test]
    fn a_late_evening_in_utc_is_already_tomorrow_in_brussels() {
        let winter = chrono::Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(super::belgian_day(winter), chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        let summer = chrono::Utc.with_ymd_and_hms(2026, 6, 30, 22, 15, 0).unwrap();
        assert_eq!(super::belgian_day(summer), chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        let morning = chrono::Utc.with_ymd_and_hms(2026, 6, 30, 9, 0, 0).unwrap();
        assert_eq!(super::belgian_day(morning), chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    }
}
