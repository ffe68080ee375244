//! Sharing costs: distribution keys, distributing an approved expense, and
//! calls for funds with the mandatory reserve-fund check (DOMAIN §3.4).

use chrono::{Datelike, NaiveDate};
use koprogo_domain::charges::{
    CallDetails, CallLine, Distribution, DistributionKey, FundCall, KeyWeights, PlannedLine, distribute, plan_call, reserve_fund_shortfall,
};
use koprogo_domain::expense::{Expense, ExpenseStatus};
use koprogo_domain::ids::{BuildingId, DistributionKeyId, ExpenseId, FundCallId};
use koprogo_domain::money::Cents;
use koprogo_domain::text::Name;
use koprogo_domain::{Invalid, Rule};

use crate::App;
use crate::access::{Action, Actor, Grant};
use crate::audit::{Entry, diff, field, fields};
use crate::building::found;
use crate::error::AppError;
use crate::listing::{CallSort, ListQuery, Page};
use crate::ports::money::{Cancelled, FiscalYear, Issued, StoredDistribution};

/// What issuing a call would do: its lines, and the reserve-fund warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallPreview {
    pub lines: Vec<PlannedLine>,
    /// The minimum reserve contribution of the year, when this year's calls
    /// (this one included) do not reach it and no 4/5 waiver is recorded.
    pub reserve_minimum: Option<Cents>,
    pub fiscal_year: i32,
}

/// The financial years before and containing `day`, by the building's year start.
fn fiscal_years(start: koprogo_domain::building::YearStart, day: NaiveDate) -> (FiscalYear, FiscalYear) {
    let first = start.year_containing(day);
    let next = first.with_year(first.year() + 1).unwrap_or(first);
    let previous = first.with_year(first.year() - 1).unwrap_or(first);
    (FiscalYear { year: previous.year(), start: previous, end: first }, FiscalYear { year: first.year(), start: first, end: next })
}

/// A call as issuing left it.
pub struct IssuedCall {
    pub call: FundCall,
    pub lines: Vec<CallLine>,
    pub preview: CallPreview,
    /// True when the key had already issued it: nothing was done this time.
    pub again: bool,
}

impl App {
    /// Creates a key (`id` none) or replaces one's name and weights; a key never moves to another building.
    pub async fn save_key(
        &self,
        actor: &Actor,
        id: Option<DistributionKeyId>,
        building_id: BuildingId,
        name: Name,
        weights: KeyWeights,
    ) -> Result<DistributionKey, AppError> {
        let grant = actor.grant(Action::WriteKeys)?;
        let (key, before) = match id {
            None => (DistributionKey { id: DistributionKeyId::generate(), building_id, name, weights, created_at: self.clock.now() }, None),
            Some(id) => {
                let current = self.store.charges.key(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
                if current.building_id != building_id {
                    return Err(AppError::invalid("building_id", Invalid::Immutable));
                }
                let before = fields::key(&current);
                (DistributionKey { name, weights, ..current }, Some(before))
            }
        };
        let action = if before.is_some() { "distribution_key.updated" } else { "distribution_key.created" };
        let changes = diff(before.as_deref(), Some(&fields::key(&key)));
        let event = self.change(actor, &grant, Entry::new(action, "distribution_key", key.id.as_uuid(), changes));
        match self.store.charges.save_key(grant.tenant, &key, vec![event]).await {
            Ok(true) => Ok(key),
            Ok(false) => Err(AppError::invalid("building_id", Invalid::UnknownReference)),
            Err(crate::StoreError::Conflict("unknown_reference")) => Err(AppError::invalid("weights", Invalid::UnknownReference)),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn key(&self, actor: &Actor, id: DistributionKeyId) -> Result<DistributionKey, AppError> {
        let grant = actor.grant(Action::ReadCharges)?;
        let key = self.store.charges.key(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if grant.sees_building(key.building_id) { Ok(key) } else { Err(AppError::NotFound) }
    }

    /// The keys of one building, or of every building the actor sees.
    pub async fn keys(&self, actor: &Actor, building: Option<BuildingId>) -> Result<Vec<DistributionKey>, AppError> {
        let grant = actor.grant(Action::ReadCharges)?;
        if !grant.reaches(building) {
            return Ok(Vec::new());
        }
        let mut keys = self.store.charges.keys(grant.tenant, building).await?;
        keys.retain(|k| grant.sees_building(k.building_id));
        Ok(keys)
    }

    pub async fn delete_key(&self, actor: &Actor, id: DistributionKeyId) -> Result<(), AppError> {
        let grant = actor.grant(Action::WriteKeys)?;
        let current = self.store.charges.key(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let changes = diff(Some(&fields::key(&current)), None);
        let event = self.change(actor, &grant, Entry::new("distribution_key.deleted", "distribution_key", id.as_uuid(), changes));
        found(self.store.charges.delete_key(grant.tenant, id, vec![event]).await?)
    }

    /// Checks that `key` exists and belongs to `building`.
    async fn key_of(&self, grant: &Grant, key: Option<DistributionKeyId>, building: BuildingId) -> Result<(), AppError> {
        let Some(key) = key else { return Ok(()) };
        let stored =
            self.store.charges.key(grant.tenant, key).await?.ok_or_else(|| AppError::invalid("key_id", Invalid::UnknownReference))?;
        if stored.building_id == building { Ok(()) } else { Err(Rule::KeyOfAnotherBuilding.into()) }
    }

    /// Approves a draft and shares it among the owners of its date, by `key`
    /// (none: the quotas), in one transaction: an approved expense is on the
    /// owners' accounts from that moment, so no approval is left unshared.
    pub async fn approve_expense(
        &self,
        actor: &Actor,
        id: ExpenseId,
        key: Option<DistributionKeyId>,
    ) -> Result<(Expense, StoredDistribution), AppError> {
        let grant = actor.grant(Action::ApproveExpense)?;
        let current = self.store.expenses.expense(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let status = current.advance_to(ExpenseStatus::Approved)?;
        let approved = Expense { status, shared: true, ..current.clone() };
        let changes = diff(Some(&fields::expense(&current)), Some(&fields::expense(&approved)));
        let event = self.change(actor, &grant, Entry::new("expense.approved", "expense", id.as_uuid(), changes));
        let plan = |stored: &Expense, units: &[_], holdings: &[_]| {
            let status = stored.advance_to(ExpenseStatus::Approved)?;
            Ok((status, distribute(stored.details.amount, units, holdings)?))
        };
        let stored = self.share(actor, &grant, &current, key, vec![event], &plan).await?;
        Ok((approved, stored))
    }

    /// Shares an expense approved before approving shared it (or imported so),
    /// once; its status stays as it is.
    pub async fn distribute_expense(
        &self,
        actor: &Actor,
        id: ExpenseId,
        key: Option<DistributionKeyId>,
    ) -> Result<StoredDistribution, AppError> {
        let grant = actor.grant(Action::DistributeExpense)?;
        let expense = self.store.expenses.expense(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let plan = |stored: &Expense, units: &[_], holdings: &[_]| {
            if stored.status == ExpenseStatus::Draft {
                return Err(Rule::ExpenseNotApproved);
            }
            Ok((stored.status, distribute(stored.details.amount, units, holdings)?))
        };
        self.share(actor, &grant, &expense, key, Vec::new(), &plan).await
    }

    /// How `key` (none: the quotas) would share the expense among the owners
    /// of its date, without writing: what the approval page shows.
    pub async fn preview_distribution(
        &self,
        actor: &Actor,
        id: ExpenseId,
        key: Option<DistributionKeyId>,
    ) -> Result<(Expense, Result<Distribution, Rule>), AppError> {
        let grant = actor.grant(Action::DistributeExpense)?;
        let expense = self.expense(actor, id).await?;
        self.key_of(&grant, key, expense.details.building_id).await?;
        let d = &expense.details;
        let holdings = self.store.charges.holdings(grant.tenant, d.building_id, key, d.date).await?.ok_or(AppError::NotFound)?;
        let distribution = distribute(d.amount, &holdings.0, &holdings.1);
        Ok((expense, distribution))
    }

    /// Writes the parts `plan` finds, with the expense's distribution event after `events`.
    async fn share(
        &self,
        actor: &Actor,
        grant: &Grant,
        expense: &Expense,
        key: Option<DistributionKeyId>,
        mut events: Vec<koprogo_domain::audit::EventBody>,
        plan: crate::ports::money::DistributionPlan<'_>,
    ) -> Result<StoredDistribution, AppError> {
        self.key_of(grant, key, expense.details.building_id).await?;
        let changes =
            diff(None, Some(&[field("key_id", key.map(|k| k.to_string())), field("amount", Some(expense.details.amount.to_string()))]));
        events.push(self.change(actor, grant, Entry::new("expense.distributed", "expense", expense.id.as_uuid(), changes)));
        let distributed = self.store.charges.distribute_expense(grant.tenant, expense.id, key, self.clock.now(), plan, events);
        distributed.await?.ok_or(AppError::NotFound)
    }

    /// The expense and its distribution, if any. An owner sees their own parts only.
    pub async fn distribution(&self, actor: &Actor, id: ExpenseId) -> Result<(Expense, Option<StoredDistribution>), AppError> {
        let grant = actor.grant(Action::ReadCharges)?;
        let expense = self.expense(actor, id).await?;
        let mut stored = self.store.charges.distribution(grant.tenant, id).await?;
        if let (Some(own), Some(stored)) = (grant.visible.owner, stored.as_mut()) {
            for unit in &mut stored.distribution.units {
                unit.owners.retain(|o| o.owner == own);
            }
            stored.distribution.units.retain(|u| !u.owners.is_empty());
        }
        Ok((expense, stored))
    }

    /// The lines a call would have, and the reserve-fund check, without issuing it.
    pub async fn preview_call(&self, actor: &Actor, details: &CallDetails) -> Result<CallPreview, AppError> {
        let grant = actor.grant(Action::IssueCall)?;
        let building = self.store.buildings.building(grant.tenant, details.building_id).await?;
        let building = building.ok_or_else(|| AppError::invalid("building_id", Invalid::UnknownReference))?;
        self.key_of(&grant, details.key_id, details.building_id).await?;
        let holdings = self.store.charges.holdings(grant.tenant, details.building_id, details.key_id, details.as_of).await?;
        let (units, holdings) = holdings.ok_or_else(|| AppError::invalid("building_id", Invalid::UnknownReference))?;
        let lines = plan_call(details, &units, &holdings)?;
        let (previous, current) = fiscal_years(building.building.details.year_start, details.as_of);
        let status = self.store.charges.reserve_status(grant.tenant, details.building_id, previous, current).await?;
        let called = Cents::new(status.reserve_called_this_year.get() + details.reserve.get()).unwrap_or_default();
        let reserve_minimum = reserve_fund_shortfall(status.previous_year_ordinary, called, status.waived);
        Ok(CallPreview { lines, reserve_minimum, fiscal_year: current.year })
    }

    /// Issues a call: one line per owner with its own structured communication, in one transaction.
    /// Issues a call. With the `key` its preview handed out, issuing again
    /// (a double click, a form sent twice) gives back the call already issued,
    /// marked so, and changes nothing.
    pub async fn issue_call(&self, actor: &Actor, details: CallDetails, key: Option<&str>) -> Result<IssuedCall, AppError> {
        let preview = self.preview_call(actor, &details).await?;
        let grant = actor.grant(Action::IssueCall)?;
        let call = FundCall { id: FundCallId::generate(), details, issued_at: self.clock.now(), cancelled_at: None };
        let plan = |units: &[_], holdings: &[_]| plan_call(&call.details, units, holdings);
        let d = &call.details;
        let changes = diff(
            None,
            Some(&[
                field("building_id", Some(d.building_id.to_string())),
                field("title", Some(d.title.to_string())),
                field("as_of", Some(d.as_of.to_string())),
                field("due_date", Some(d.due_date.to_string())),
                field("working", Some(d.working.to_string())),
                field("reserve", Some(d.reserve.to_string())),
                field("key_id", d.key_id.map(|k| k.to_string())),
                field("lines", Some(preview.lines.len().to_string())),
            ]),
        );
        let event = self.change(actor, &grant, Entry::new("call.issued", "call", call.id.as_uuid(), changes));
        let issued = self.store.charges.issue_call(grant.tenant, &call, key, &plan, vec![event]).await?.ok_or(AppError::NotFound)?;
        match issued {
            Issued::Lines(lines) => Ok(IssuedCall { call, lines, preview, again: false }),
            Issued::Already(id) => {
                let (issued, lines) = self.call(actor, id).await?;
                // The same key with other figures is a mistake, not a repeat: saying
                // "already issued" would silently drop the call the user meant.
                if issued.details != call.details {
                    return Err(AppError::Conflict("call.key_reused"));
                }
                Ok(IssuedCall { call: issued, lines, preview, again: true })
            }
        }
    }

    /// A call with its lines; an owner sees only their own line.
    pub async fn call(&self, actor: &Actor, id: FundCallId) -> Result<(FundCall, Vec<CallLine>), AppError> {
        let grant = actor.grant(Action::ReadCharges)?;
        let (call, mut lines) = self.store.charges.call(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if !grant.sees_building(call.details.building_id) {
            return Err(AppError::NotFound);
        }
        lines.retain(|l| grant.sees_owner(l.owner));
        Ok((call, lines))
    }

    /// Cancels a call issued by mistake. Before any payment or reminder
    /// reached it, it is removed; after, it stays, reversed: each owner's
    /// statement shows the call and its cancellation, what they paid for it
    /// becomes their credit, its letters say "cancelled". Either way its
    /// structured communications are never given to another line.
    pub async fn cancel_call(&self, actor: &Actor, id: FundCallId) -> Result<Cancelled, AppError> {
        let grant = actor.grant(Action::CancelCall)?;
        let (call, lines) = self.call(actor, id).await?;
        if call.cancelled_at.is_some() {
            return Err(Rule::CallCancelled.into());
        }
        let at = self.clock.now();
        let d = &call.details;
        let changes = diff(
            Some(&[field("title", Some(d.title.to_string())), field("lines", Some(lines.len().to_string())), field("cancelled_at", None)]),
            Some(&[
                field("title", Some(d.title.to_string())),
                field("lines", Some(lines.len().to_string())),
                field("cancelled_at", Some(at.to_rfc3339())),
            ]),
        );
        let event = self.change(actor, &grant, Entry::new("call.cancelled", "call", id.as_uuid(), changes));
        self.store.charges.cancel_call(grant.tenant, id, at, vec![event]).await?.ok_or(AppError::NotFound)
    }

    pub async fn calls(
        &self,
        actor: &Actor,
        query: &ListQuery<CallSort>,
        building: Option<BuildingId>,
    ) -> Result<Page<FundCall>, AppError> {
        let grant = actor.grant(Action::ReadCharges)?;
        if !grant.reaches(building) {
            return Ok(Page::empty());
        }
        Ok(self.store.charges.calls(grant.tenant, query, building, &grant.visible).await?)
    }

    /// Records the general assembly's 4/5 decision not to constitute the
    /// reserve fund for the financial year containing `decided_on`.
    pub async fn waive_reserve_fund(&self, actor: &Actor, building: BuildingId, decided_on: NaiveDate) -> Result<i32, AppError> {
        let grant = actor.grant(Action::WaiveReserveFund)?;
        let summary = self.store.buildings.building(grant.tenant, building).await?.ok_or(AppError::NotFound)?;
        let year = summary.building.details.year_start.year_containing(decided_on).year();
        let changes = diff(None, Some(&[field("fiscal_year", Some(year.to_string())), field("decided_on", Some(decided_on.to_string()))]));
        let event = self.change(actor, &grant, Entry::new("reserve_fund.waived", "building", building.as_uuid(), changes));
        found(self.store.charges.waive_reserve_fund(grant.tenant, building, year, decided_on, vec![event]).await?)?;
        Ok(year)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use koprogo_domain::building::YearStart;

    #[test]
    fn financial_years_follow_the_building_year_start() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let (previous, current) = fiscal_years(YearStart::new(7, 1).unwrap(), day(2026, 3, 15));
        assert_eq!((current.year, current.start, current.end), (2025, day(2025, 7, 1), day(2026, 7, 1)));
        assert_eq!((previous.start, previous.end), (day(2024, 7, 1), day(2025, 7, 1)));
        let (_, calendar) = fiscal_years(YearStart::january_first(), day(2026, 1, 1));
        assert_eq!((calendar.start, calendar.end), (day(2026, 1, 1), day(2027, 1, 1)));
    }
}
