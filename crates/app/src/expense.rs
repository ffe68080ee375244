//! Expenses of a building: recorded as drafts, approved, then paid.

use koprogo_domain::Invalid;
use koprogo_domain::expense::{Expense, ExpenseDetails, ExpenseStatus};
use koprogo_domain::ids::ExpenseId;

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::{Entry, diff, fields};
use crate::building::found;
use crate::error::AppError;
use crate::listing::{ExpenseSort, ListQuery, Page};
use crate::ports::ExpenseFilter;

impl App {
    pub async fn create_expense(&self, actor: &Actor, details: ExpenseDetails) -> Result<Expense, AppError> {
        let grant = actor.grant(Action::WriteExpense)?;
        let expense =
            Expense { id: ExpenseId::generate(), created_at: self.clock.now(), details, status: ExpenseStatus::Draft, shared: false };
        let changes = diff(None, Some(&fields::expense(&expense)));
        let event = self.change(actor, &grant, Entry::new("expense.created", "expense", expense.id.as_uuid(), changes));
        if !self.store.expenses.insert_expense(grant.tenant, &expense, vec![event]).await? {
            return Err(AppError::invalid("building_id", Invalid::UnknownReference));
        }
        Ok(expense)
    }

    pub async fn expense(&self, actor: &Actor, id: ExpenseId) -> Result<Expense, AppError> {
        let grant = actor.grant(Action::ReadExpense)?;
        let expense = self.store.expenses.expense(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let decided = !grant.visible.decided_only || expense.status != ExpenseStatus::Draft;
        if grant.sees_building(expense.details.building_id) && decided { Ok(expense) } else { Err(AppError::NotFound) }
    }

    pub async fn expenses(&self, actor: &Actor, query: &ListQuery<ExpenseSort>, filter: &ExpenseFilter) -> Result<Page<Expense>, AppError> {
        let grant = actor.grant(Action::ReadExpense)?;
        if !grant.reaches(filter.building) {
            return Ok(Page::empty());
        }
        Ok(self.store.expenses.expenses(grant.tenant, query, filter, &grant.visible).await?)
    }

    /// Only a draft can be rewritten, and never moved to another building.
    pub async fn update_expense(&self, actor: &Actor, id: ExpenseId, details: ExpenseDetails) -> Result<Expense, AppError> {
        let grant = actor.grant(Action::WriteExpense)?;
        let current = self.store.expenses.expense(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if current.details.building_id != details.building_id {
            return Err(AppError::invalid("building_id", Invalid::Immutable));
        }
        current.check_editable()?;
        let before = fields::expense(&current);
        let expense = Expense { details, ..current };
        let changes = diff(Some(&before), Some(&fields::expense(&expense)));
        let event = self.change(actor, &grant, Entry::new("expense.updated", "expense", id.as_uuid(), changes));
        found(self.store.expenses.update_expense(grant.tenant, &expense, &Expense::check_editable, vec![event]).await?)?;
        Ok(expense)
    }

    /// approved → paid (syndic or accountant); approving is `approve_expense`, which shares.
    pub async fn pay_expense(&self, actor: &Actor, id: ExpenseId) -> Result<Expense, AppError> {
        let grant = actor.grant(Action::PayExpense)?;
        let current = self.store.expenses.expense(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let status = current.advance_to(ExpenseStatus::Paid)?;
        let before = fields::expense(&current);
        let expense = Expense { status, ..current };
        let allowed = |stored: &Expense| stored.advance_to(ExpenseStatus::Paid).map(|_| ());
        let changes = diff(Some(&before), Some(&fields::expense(&expense)));
        let event = self.change(actor, &grant, Entry::new("expense.paid", "expense", id.as_uuid(), changes));
        found(self.store.expenses.update_expense(grant.tenant, &expense, &allowed, vec![event]).await?)?;
        Ok(expense)
    }

    pub async fn delete_expense(&self, actor: &Actor, id: ExpenseId) -> Result<(), AppError> {
        let grant = actor.grant(Action::WriteExpense)?;
        let current = self.store.expenses.expense(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let changes = diff(Some(&fields::expense(&current)), None);
        let event = self.change(actor, &grant, Entry::new("expense.deleted", "expense", id.as_uuid(), changes));
        found(self.store.expenses.delete_expense(grant.tenant, id, &Expense::check_editable, vec![event]).await?)
    }
}
