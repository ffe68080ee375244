//! Money paid out: the debits read from the buildings' bank statements, and
//! the paid expense each settles (matched at import where the statement
//! names it, by hand otherwise).

use koprogo_domain::debit::{Debit, PaidExpense};
use koprogo_domain::ids::{BuildingId, DebitId, ExpenseId};

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::{Entry, diff, field};
use crate::error::AppError;
use crate::listing::{ListQuery, Page, PaymentSort};
use crate::ports::debits::DebitFilter;

/// The most paid expenses a debit's choice offers.
const CHOICES: u32 = 200;

impl App {
    pub async fn debits(&self, actor: &Actor, query: &ListQuery<PaymentSort>, filter: &DebitFilter) -> Result<Page<Debit>, AppError> {
        let grant = actor.grant(Action::ReadDebits)?;
        if !grant.reaches(filter.building) {
            return Ok(Page::empty());
        }
        Ok(self.store.debits.debits(grant.tenant, query, filter, &grant.visible).await?)
    }

    pub async fn debit(&self, actor: &Actor, id: DebitId) -> Result<Debit, AppError> {
        let grant = actor.grant(Action::ReadDebits)?;
        let debit = self.store.debits.debit(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if grant.sees_building(debit.building_id) { Ok(debit) } else { Err(AppError::NotFound) }
    }

    /// Records by hand the paid expense a debit settles, or (`None`) that it
    /// settles none: a debit matched wrongly at import is released first.
    pub async fn settle_debit(&self, actor: &Actor, id: DebitId, expense: Option<ExpenseId>) -> Result<Debit, AppError> {
        let grant = actor.grant(Action::SettleDebit)?;
        let before =
            self.store.debits.debit(grant.tenant, id).await?.filter(|d| grant.sees_building(d.building_id)).ok_or(AppError::NotFound)?;
        let was = before.settles.map(|s| s.expense.to_string());
        let changes = diff(Some(&[field("expense_id", was)]), Some(&[field("expense_id", expense.map(|e| e.to_string()))]));
        let action = if expense.is_some() { "debit.settled" } else { "debit.released" };
        let event = self.change(actor, &grant, Entry::new(action, "debit", id.as_uuid(), changes));
        self.store.debits.settle(grant.tenant, id, expense, vec![event]).await?.ok_or(AppError::NotFound)
    }

    /// What a debit of `building` may still settle: its paid expenses that
    /// no debit settles yet, newest first.
    pub async fn debit_choices(&self, actor: &Actor, building: BuildingId) -> Result<Vec<PaidExpense>, AppError> {
        let grant = actor.grant(Action::SettleDebit)?;
        if !grant.sees_building(building) {
            return Err(AppError::NotFound);
        }
        Ok(self.store.debits.open_paid_expenses(grant.tenant, building, CHOICES).await?)
    }

    /// The expenses these debits settle, as the debits list names them.
    pub async fn settled_expenses(&self, actor: &Actor, debits: &[Debit]) -> Result<Vec<PaidExpense>, AppError> {
        let grant = actor.grant(Action::ReadDebits)?;
        let mut ids: Vec<ExpenseId> =
            debits.iter().filter(|d| grant.sees_building(d.building_id)).filter_map(|d| d.settles.map(|s| s.expense)).collect();
        ids.sort();
        ids.dedup();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(self.store.debits.expenses_by_id(grant.tenant, &ids).await?)
    }
}
