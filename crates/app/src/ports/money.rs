//! Ports of the money area: keys and distributions, calls for funds,
//! payments and bank imports. Same contract as the other ports: tenant
//! first, another tenant's object looks missing, one transaction per change,
//! and the domain decides inside it on the rows it read.

use crate::ports::audit::Events;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_domain::Rule;
use koprogo_domain::charges::{CallLine, Distribution, DistributionKey, FundCall, Holding, PlannedLine, UnitWeight};
use koprogo_domain::debit::Debit;
use koprogo_domain::expense::{Expense, ExpenseStatus, Fund};
use koprogo_domain::ids::{BankImportId, BuildingId, CallLineId, DistributionKeyId, ExpenseId, FundCallId, OwnerId, PaymentId, TenantId};
use koprogo_domain::money::Cents;
use koprogo_domain::payment::{Allocation, OpenLine, Payment, Position};

use crate::listing::{CallSort, ListQuery, Page, PaymentSort};
use crate::ports::debits::DebitMatcher;
use crate::ports::{StoreResult, Visibility};

/// Computes an expense's distribution from the weights and shares read in the
/// transaction, and the status the expense leaves it with (approving shares).
pub type DistributionPlan<'a> = &'a (dyn Fn(&Expense, &[UnitWeight], &[Holding]) -> Result<(ExpenseStatus, Distribution), Rule> + Sync);
/// Computes a call's lines from the weights and shares read in the transaction.
/// What cancelling a call did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cancelled {
    /// Nothing had reached it: the call and its lines are gone.
    Removed,
    /// Money or a reminder had reached it: it stays, reversed.
    Reversed,
}

/// What issuing a call did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Issued {
    /// The call's lines, stored.
    Lines(Vec<CallLine>),
    /// Nothing: the key had already issued this call.
    Already(FundCallId),
}

impl Issued {
    /// The lines stored, `None` when the call had been issued already.
    pub fn into_lines(self) -> Option<Vec<CallLine>> {
        match self {
            Issued::Lines(lines) => Some(lines),
            Issued::Already(_) => None,
        }
    }
}

pub type CallPlan<'a> = &'a (dyn Fn(&[UnitWeight], &[Holding]) -> Result<Vec<PlannedLine>, Rule> + Sync);
/// Chooses a payment's line from the candidates found (by communication, by amount and IBAN).
/// A line named by the communication always wins, so a store need not look
/// for the second candidate when it found the first.
pub type Matcher<'a> = &'a (dyn Fn(&Payment, Option<OpenLine>, Option<OpenLine>) -> Option<Allocation> + Sync);

/// A stored distribution: how an expense was shared, with its key and time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDistribution {
    pub expense_id: ExpenseId,
    /// `None`: the general key.
    pub key_id: Option<DistributionKeyId>,
    pub distributed_at: DateTime<Utc>,
    pub distribution: Distribution,
}

/// What the reserve-fund rule needs for one building and financial year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReserveStatus {
    pub previous_year_ordinary: Cents,
    pub reserve_called_this_year: Cents,
    pub waived: bool,
}

/// A financial year, `[start, end)`, as the building's year start sets it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FiscalYear {
    pub year: i32,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

#[async_trait::async_trait]
pub trait ChargeStore: Send + Sync {
    /// Inserts or replaces a key and its weights. `Ok(false)` when the building is missing.
    /// # Errors
    /// `Conflict("distribution_key.name_taken")`; `Conflict("unknown_reference")`
    /// when a unit is not of the key's building.
    async fn save_key(&self, tenant: TenantId, key: &DistributionKey, events: Events) -> StoreResult<bool>;
    async fn key(&self, tenant: TenantId, id: DistributionKeyId) -> StoreResult<Option<DistributionKey>>;
    /// Of one building, or of all, by name.
    async fn keys(&self, tenant: TenantId, building: Option<BuildingId>) -> StoreResult<Vec<DistributionKey>>;
    /// # Errors
    /// `Conflict("distribution_key.in_use")` once an expense or a call used it.
    async fn delete_key(&self, tenant: TenantId, id: DistributionKeyId, events: Events) -> StoreResult<bool>;

    /// The building's units with their weight under `key` (`None`: the
    /// quotas) and the shares held on `day`. `Ok(None)` when the building, or
    /// the key in that building, is missing.
    async fn holdings(
        &self,
        tenant: TenantId,
        building: BuildingId,
        key: Option<DistributionKeyId>,
        day: NaiveDate,
    ) -> StoreResult<Option<(Vec<UnitWeight>, Vec<Holding>)>>;

    /// In one transaction: locks the expense, reads the holdings on its date,
    /// runs `plan`, stores the parts and marks the expense distributed.
    /// `Ok(None)` when the expense or the key is missing.
    async fn distribute_expense(
        &self,
        tenant: TenantId,
        expense: ExpenseId,
        key: Option<DistributionKeyId>,
        at: DateTime<Utc>,
        plan: DistributionPlan<'_>,
        events: Events,
    ) -> StoreResult<Option<StoredDistribution>>;
    async fn distribution(&self, tenant: TenantId, expense: ExpenseId) -> StoreResult<Option<StoredDistribution>>;
    /// The owner's parts of the building's distributed expenses dated in `[from, to]`, by date.
    async fn owner_charges(
        &self,
        tenant: TenantId,
        owner: OwnerId,
        building: BuildingId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<OwnerCharge>>;

    /// In one transaction: reads the holdings on `call.as_of`, runs `plan`,
    /// gives each line the next structured communication of the organisation,
    /// and stores the call with its lines. With a `key` already used by a call
    /// of the organisation, stores nothing and names that call. `Ok(None)` when
    /// the building or key is missing.
    /// # Errors
    /// `Conflict("call.issuing")` when another request issues with the same key at the same moment.
    async fn issue_call(
        &self,
        tenant: TenantId,
        call: &FundCall,
        key: Option<&str>,
        plan: CallPlan<'_>,
        events: Events,
    ) -> StoreResult<Option<Issued>>;
    async fn call(&self, tenant: TenantId, id: FundCallId) -> StoreResult<Option<(FundCall, Vec<CallLine>)>>;
    /// In one transaction, under a lock on the call: removes it with its lines
    /// when no payment is matched to them and no reminder claimed them;
    /// otherwise marks it and its lines cancelled at `at`. `Ok(None)` when the
    /// call is missing.
    /// # Errors
    /// `Rule::CallCancelled` when it already is.
    async fn cancel_call(&self, tenant: TenantId, id: FundCallId, at: DateTime<Utc>, events: Events) -> StoreResult<Option<Cancelled>>;
    async fn calls(
        &self,
        tenant: TenantId,
        query: &ListQuery<CallSort>,
        building: Option<BuildingId>,
        visible: &Visibility,
    ) -> StoreResult<Page<FundCall>>;

    async fn reserve_status(
        &self,
        tenant: TenantId,
        building: BuildingId,
        previous: FiscalYear,
        current: FiscalYear,
    ) -> StoreResult<ReserveStatus>;
    /// Records the 4/5 decision for a financial year (again: replaces its date).
    async fn waive_reserve_fund(
        &self,
        tenant: TenantId,
        building: BuildingId,
        fiscal_year: i32,
        decided_on: NaiveDate,
        events: Events,
    ) -> StoreResult<bool>;
}

/// A statement file, once read: its movements as payments-to-be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankImport {
    pub id: BankImportId,
    pub building_id: BuildingId,
    /// SHA-256 of the file, hex: the same file twice is one import.
    pub file_digest: String,
    pub format: &'static str,
    pub account: String,
    /// Money received.
    pub payments: Vec<Payment>,
    /// Money paid out.
    pub debits: Vec<Debit>,
    /// Movements in the file, credits and debits.
    pub movement_count: u32,
    /// The statement's balances: where it opens, and where and when it closes.
    pub opening: Cents,
    pub closing: Cents,
    pub closing_date: NaiveDate,
    pub imported_at: DateTime<Utc>,
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportOutcome {
    pub import_id: BankImportId,
    /// False when the same file was imported before: nothing was added.
    pub new: bool,
    pub movement_count: u32,
    pub recorded: u32,
    pub matched: u32,
    /// Debits recorded, and those of them that settle a paid expense.
    pub debits_recorded: u32,
    pub debits_matched: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaymentFilter {
    pub building: Option<BuildingId>,
    pub owner: Option<OwnerId>,
    /// Only those waiting in the reconciliation inbox.
    pub unmatched: bool,
    /// Received from this day on (value date).
    pub from: Option<NaiveDate>,
    /// Received up to this day, included.
    pub to: Option<NaiveDate>,
}

/// One owner's position in one building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerPosition {
    pub building_id: BuildingId,
    pub owner_id: OwnerId,
    pub owner_name: String,
    pub position: Position,
}

/// A call line with what the account view shows of its call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLine {
    pub line: CallLine,
    pub building_id: BuildingId,
    pub title: String,
    /// The day of the call (its owners are those of that day).
    pub as_of: NaiveDate,
    pub due_date: NaiveDate,
    /// When the call was cancelled: from then on the line owes nothing.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// This entry reverses a cancelled line, on the day of the cancellation,
    /// with the line's amounts negated (statements show both; stores never
    /// return one).
    pub reversal: bool,
}

/// An owner's part of one distributed expense, as a statement lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerCharge {
    pub expense_id: ExpenseId,
    pub date: NaiveDate,
    pub supplier: String,
    pub description: String,
    pub fund: Fund,
    /// `None`: the general key (the quotas).
    pub key_name: Option<String>,
    pub unit_number: String,
    /// The unit's weight under the key, out of `weight_total`.
    pub weight: u64,
    pub weight_total: u64,
    /// The expense's whole amount, and the owner's part of it for this unit.
    pub expense_amount: Cents,
    pub amount: Cents,
}

#[async_trait::async_trait]
pub trait PaymentStore: Send + Sync {
    /// Records a payment matched by `matcher`. `Ok(false)` when the building is missing.
    /// # Errors
    /// `Conflict("payment.exists")` when the bank reference was recorded before.
    async fn record_payment(&self, tenant: TenantId, payment: &Payment, matcher: Matcher<'_>, events: Events) -> StoreResult<bool>;
    /// In one transaction: the import, every payment not recorded before
    /// (by bank reference) matched by `matcher`, and every debit not recorded
    /// before matched by `settle` (in value-date order, so that an earlier
    /// debit settles first).
    async fn import_statement(
        &self,
        tenant: TenantId,
        import: &BankImport,
        matchers: (Matcher<'_>, DebitMatcher<'_>),
        events: Events,
    ) -> StoreResult<ImportOutcome>;
    /// The building whose working or reserve account is `iban`, and which fund that account holds.
    async fn building_of_account(&self, tenant: TenantId, iban: &str) -> StoreResult<Option<(BuildingId, Fund)>>;
    /// The closing balance and date of the statement of `account` imported
    /// last before `before` (by its closing date), when it recorded one.
    async fn previous_closing(&self, tenant: TenantId, account: &str, before: NaiveDate) -> StoreResult<Option<(Cents, NaiveDate)>>;
    async fn payment(&self, tenant: TenantId, id: PaymentId) -> StoreResult<Option<Payment>>;
    async fn payments(
        &self,
        tenant: TenantId,
        query: &ListQuery<PaymentSort>,
        filter: &PaymentFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Payment>>;
    /// Assigns an inbox payment to a line of its building, in one transaction.
    /// `Ok(false)` when the payment or the line (in that building) is missing.
    /// # Errors
    /// `Rule::PaymentAlreadyAssigned`.
    async fn assign_payment(&self, tenant: TenantId, id: PaymentId, line: CallLineId, events: Events) -> StoreResult<bool>;

    /// Every call line of the owner, oldest due first.
    async fn owner_lines(&self, tenant: TenantId, owner: OwnerId) -> StoreResult<Vec<AccountLine>>;
    /// Every call line of the building with the total paid by each owner: what the chase of late payers reads.
    async fn building_lines(&self, tenant: TenantId, building: BuildingId) -> StoreResult<(Vec<AccountLine>, Vec<(OwnerId, Cents)>)>;
    /// Positions by building and owner; `today` decides what is due.
    async fn positions(
        &self,
        tenant: TenantId,
        building: Option<BuildingId>,
        owner: Option<OwnerId>,
        today: NaiveDate,
        visible: &Visibility,
    ) -> StoreResult<Vec<OwnerPosition>>;
}
