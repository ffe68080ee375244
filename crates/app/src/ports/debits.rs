//! The port of money paid out: debits read from bank statements (recorded
//! with their import, `PaymentStore::import_statement`) and the paid expense
//! each settles. Same contract as the other ports: tenant first, another
//! tenant's debit looks missing, one transaction per change.

use crate::ports::audit::Events;
use chrono::NaiveDate;
use koprogo_domain::debit::{Debit, PaidExpense, Settlement};
use koprogo_domain::ids::{BuildingId, DebitId, ExpenseId, TenantId};

use crate::listing::{ListQuery, Page, PaymentSort};
use crate::ports::{StoreResult, Visibility};

/// Chooses the expense a debit settles among the building's paid expenses
/// that no debit settles yet.
pub type DebitMatcher<'a> = &'a (dyn Fn(&Debit, &[PaidExpense]) -> Option<Settlement> + Sync);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DebitFilter {
    pub building: Option<BuildingId>,
    /// Only those that settle no expense yet.
    pub unmatched: bool,
    /// Only those that settle this expense.
    pub expense: Option<ExpenseId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[async_trait::async_trait]
pub trait DebitStore: Send + Sync {
    async fn debit(&self, tenant: TenantId, id: DebitId) -> StoreResult<Option<Debit>>;
    /// Newest first by value date, then id (`query.descending` false: oldest first).
    async fn debits(
        &self,
        tenant: TenantId,
        query: &ListQuery<PaymentSort>,
        filter: &DebitFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Debit>>;
    /// The building's paid expenses that no debit settles yet, newest first, at most `limit`.
    async fn open_paid_expenses(&self, tenant: TenantId, building: BuildingId, limit: u32) -> StoreResult<Vec<PaidExpense>>;
    /// The expenses of `ids` (paid or not), in no particular order; unknown ids are left out.
    async fn expenses_by_id(&self, tenant: TenantId, ids: &[ExpenseId]) -> StoreResult<Vec<PaidExpense>>;
    /// In one transaction, under a lock on the debit: records that it settles
    /// `expense` (a paid expense of its building) by hand, or with `None`
    /// that it settles nothing.
    /// Returns the debit as it is then; `Ok(None)` when it is missing.
    /// # Errors
    /// `Rule::DebitAlreadyMatched` when it settles an expense and `expense`
    /// is `Some`; `Rule::DebitExpenseNotPaid` when the expense is missing,
    /// of another building or not paid.
    async fn settle(&self, tenant: TenantId, id: DebitId, expense: Option<ExpenseId>, events: Events) -> StoreResult<Option<Debit>>;
}
