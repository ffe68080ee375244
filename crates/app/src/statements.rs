//! What the syndic sends and keeps on paper: the letters of a call for
//! funds, an owner's statement (décompte) for a period, and a building's
//! ledger of expenses, calls and payments. The use cases gather exactly the
//! figures a document shows; rendering them (PDF, Excel) is an adapter's job.

use std::collections::HashMap;

use chrono::NaiveDate;
use koprogo_domain::Invalid;
use koprogo_domain::building::Building;
use koprogo_domain::charges::{CallLine, FundCall};
use koprogo_domain::expense::{Expense, Fund};
use koprogo_domain::ids::{BuildingId, FundCallId, OwnerId};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::Owner;
use koprogo_domain::payment::Payment;

use crate::App;
use crate::access::{Action, Actor, Grant};
use crate::account::Organization;
use crate::error::AppError;
use crate::listing::{CallSort, ExpenseSort, ListQuery, MAX_PER_PAGE, Page, PaymentSort};
use crate::ports::ExpenseFilter;
use crate::ports::money::{AccountLine, OwnerCharge, PaymentFilter};

/// The letterhead: the syndic (the organisation) acting for the association.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Association {
    pub syndic: Organization,
    pub building: Building,
}

/// One owner's letter of a call: their line, and the units they held that day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLetter {
    pub line: CallLine,
    pub owner: Owner,
    pub units: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallLetters {
    pub association: Association,
    pub call: FundCall,
    /// `None`: the general key (the quotas).
    pub key_name: Option<String>,
    /// By owner name.
    pub letters: Vec<CallLetter>,
}

/// Called minus paid, by fund (negative: paid in advance).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balance {
    pub working: Cents,
    pub reserve: Cents,
}

impl Balance {
    pub fn total(self) -> Cents {
        add(self.working, self.reserve)
    }
}

fn add(a: Cents, b: Cents) -> Cents {
    Cents::new(a.get() + b.get()).unwrap_or_default()
}

/// An owner's statement (décompte) for a period, in one building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerStatement {
    pub association: Association,
    pub owner: Owner,
    pub from: NaiveDate,
    /// Included.
    pub to: NaiveDate,
    /// Their parts of the expenses dated in the period.
    pub charges: Vec<OwnerCharge>,
    /// Their lines of the calls made in the period (by the call's day).
    pub calls: Vec<AccountLine>,
    /// Their payments received in the period.
    pub payments: Vec<Payment>,
    /// Before `from`, and at the end of `to`.
    pub opening: Balance,
    pub closing: Balance,
}

impl OwnerStatement {
    pub fn charges_of(&self, fund: Fund) -> Cents {
        Cents::new(self.charges.iter().filter(|c| c.fund == fund).map(|c| c.amount.get()).sum()).unwrap_or_default()
    }

    pub fn called(&self) -> Balance {
        let sum = |f: fn(&CallLine) -> Cents| Cents::new(self.calls.iter().map(|l| f(&l.line).get()).sum()).unwrap_or_default();
        Balance { working: sum(|l| l.working), reserve: sum(|l| l.reserve) }
    }

    pub fn paid(&self) -> Balance {
        let part = |f: fn(&Payment) -> i64| Cents::new(self.payments.iter().map(f).sum()).unwrap_or_default();
        Balance {
            working: part(|p| p.allocation.map_or(0, |a| a.working.get())),
            reserve: part(|p| p.allocation.map_or(0, |a| a.reserve.get())),
        }
    }

    /// The period's working-fund charges against its working-fund advances:
    /// positive, the owner owes the difference at the settlement; negative, it
    /// is theirs.
    pub fn working_difference(&self) -> Cents {
        Cents::new(self.charges_of(Fund::Working).get() - self.called().working.get()).unwrap_or_default()
    }
}

/// A building's books for a period: expenses, calls and payments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingLedger {
    pub association: Association,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub expenses: Vec<Expense>,
    pub calls: Vec<FundCall>,
    pub payments: Vec<Payment>,
    /// Names of the owners the payments went to.
    pub owner_names: HashMap<OwnerId, String>,
}

/// Reads every page of a list (documents show all rows, lists show pages).
pub(crate) async fn every_page<T, F, Fut>(mut page: F) -> Result<Vec<T>, AppError>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, AppError>>,
{
    let mut all = Vec::new();
    for number in 1.. {
        let found = page(number).await?;
        let total = found.total;
        all.extend(found.items);
        if found.total == 0 || u64::try_from(all.len()).unwrap_or(u64::MAX) >= total || number >= 10_000 {
            break;
        }
    }
    Ok(all)
}

/// The lines, each cancelled one followed by the entry that reverses it on
/// the day of the cancellation: a statement over a period before that day
/// still shows what was owed then.
fn with_reversals(lines: impl Iterator<Item = AccountLine>) -> Vec<AccountLine> {
    let negate = |c: Cents| Cents::new(-c.get()).unwrap_or_default();
    let mut all: Vec<AccountLine> = Vec::new();
    for line in lines {
        if let Some(at) = line.cancelled_at {
            let reversed = CallLine { working: negate(line.line.working), reserve: negate(line.line.reserve), ..line.line.clone() };
            let reversal = AccountLine { line: reversed, as_of: crate::ports::belgian_day(at), reversal: true, ..line.clone() };
            all.push(line);
            all.push(reversal);
        } else {
            all.push(line);
        }
    }
    all.sort_by_key(|l| l.as_of);
    all
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), AppError> {
    if to < from { Err(AppError::invalid("to", Invalid::EndBeforeStart)) } else { Ok(()) }
}

impl App {
    /// The organisation and building heading every document of `building`.
    pub(crate) async fn association(&self, grant: &Grant, building: BuildingId) -> Result<Association, AppError> {
        if !grant.sees_building(building) {
            return Err(AppError::NotFound);
        }
        let summary = self.store.buildings.building(grant.tenant, building).await?.ok_or(AppError::NotFound)?;
        let syndic = self.store.accounts.organization(grant.tenant).await?.ok_or(AppError::NotFound)?;
        Ok(Association { syndic, building: summary.building })
    }

    /// The letters of a call, one per owner (an owner gets their own only).
    pub async fn call_letters(&self, actor: &Actor, id: FundCallId) -> Result<CallLetters, AppError> {
        let grant = actor.grant(Action::ReadCharges)?;
        let (call, lines) = self.call(actor, id).await?;
        let d = &call.details;
        let association = self.association(&grant, d.building_id).await?;
        let key_name = match d.key_id {
            Some(key) => self.store.charges.key(grant.tenant, key).await?.map(|k| k.name.to_string()),
            None => None,
        };
        let owner_ids: Vec<OwnerId> = lines.iter().map(|l| l.owner).collect();
        let owners: HashMap<OwnerId, Owner> =
            self.store.owners.owners_by_id(grant.tenant, &owner_ids).await?.into_iter().map(|o| (o.id, o)).collect();
        let holdings = self.store.charges.holdings(grant.tenant, d.building_id, None, d.as_of).await?.unwrap_or_default();
        let number_of: HashMap<_, _> = holdings.0.iter().map(|u| (u.unit, u.number.clone())).collect();
        let mut letters = Vec::with_capacity(lines.len());
        for line in lines {
            let owner = owners.get(&line.owner).cloned().ok_or(AppError::NotFound)?;
            let mut units: Vec<(String, koprogo_domain::ids::UnitId)> = holdings
                .1
                .iter()
                .filter(|h| h.owner == line.owner)
                .filter_map(|h| Some((number_of.get(&h.unit)?.clone(), h.unit)))
                .collect();
            units.sort_by(|a, b| koprogo_domain::charges::unit_order(&a.0, a.1, &b.0, b.1));
            letters.push(CallLetter { line, owner, units: units.into_iter().map(|(number, _)| number).collect() });
        }
        letters.sort_by_key(|l| (l.owner.details.last_name.to_string().to_lowercase(), l.owner.id));
        Ok(CallLetters { association, call, key_name, letters })
    }

    /// An owner's statement for `[from, to]` in one building: their charges,
    /// calls and payments, with the balances before and after. The building
    /// may be left out when the owner was called in one only; the period is by
    /// default the building's financial year up to today.
    pub async fn owner_statement(
        &self,
        actor: &Actor,
        owner: OwnerId,
        building: Option<BuildingId>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<OwnerStatement, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        let owner = self.owner(actor, owner).await?;
        let every_line = self.store.payments.owner_lines(grant.tenant, owner.id).await?;
        let building = match building {
            Some(building) => building,
            None => {
                let mut buildings: Vec<BuildingId> = every_line.iter().map(|l| l.building_id).collect();
                if buildings.is_empty() {
                    // Charged but never called yet: the buildings they hold in.
                    let held = self.store.search.owner_buildings(grant.tenant, &[owner.id]).await?;
                    buildings = held.into_iter().map(|(_, b)| b).filter(|b| grant.sees_building(*b)).collect();
                }
                buildings.sort();
                buildings.dedup();
                match buildings.as_slice() {
                    [only] => *only,
                    _ => return Err(AppError::invalid("building_id", Invalid::Required)),
                }
            }
        };
        let association = self.association(&grant, building).await?;
        let (from, to) = self.period_of(&association, from, to)?;
        let charges = self.store.charges.owner_charges(grant.tenant, owner.id, building, from, to).await?;
        let lines = with_reversals(every_line.into_iter().filter(|l| l.building_id == building));
        let filter = PaymentFilter { building: Some(building), owner: Some(owner.id), to: Some(to), ..PaymentFilter::default() };
        let payments = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: PaymentSort::ValueDate, descending: false };
            let (grant, filter) = (&grant, &filter);
            async move { Ok(self.store.payments.payments(grant.tenant, &query, filter, &grant.visible).await?) }
        })
        .await?;
        let before = |l: &&AccountLine| l.as_of < from;
        let called_before = |f: fn(&CallLine) -> Cents| lines.iter().filter(before).map(|l| f(&l.line).get()).sum::<i64>();
        let paid_before = |f: fn(&Payment) -> i64| payments.iter().filter(|p| p.value_date < from).map(f).sum::<i64>();
        let opening = Balance {
            working: sum(called_before(|l| l.working) - paid_before(|p| p.allocation.map_or(0, |a| a.working.get())))?,
            reserve: sum(called_before(|l| l.reserve) - paid_before(|p| p.allocation.map_or(0, |a| a.reserve.get())))?,
        };
        let calls = lines.into_iter().filter(|l| l.as_of >= from && l.as_of <= to).collect();
        let payments = payments.into_iter().filter(|p| p.value_date >= from).collect();
        let mut statement = OwnerStatement { association, owner, from, to, charges, calls, payments, opening, closing: Balance::default() };
        let (called, paid) = (statement.called(), statement.paid());
        statement.closing = Balance {
            working: sum(opening.working.get() + called.working.get() - paid.working.get())?,
            reserve: sum(opening.reserve.get() + called.reserve.get() - paid.reserve.get())?,
        };
        Ok(statement)
    }

    /// A building's expenses, calls and payments dated in `[from, to]` (by
    /// default its financial year up to today).
    pub async fn building_ledger(
        &self,
        actor: &Actor,
        building: BuildingId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<BuildingLedger, AppError> {
        let grant = actor.grant(Action::ExportLedger)?;
        let association = self.association(&grant, building).await?;
        let (from, to) = self.period_of(&association, from, to)?;
        let filter = ExpenseFilter { building: Some(building), from: Some(from), to: Some(to), ..ExpenseFilter::default() };
        let expenses = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: ExpenseSort::Date, descending: false };
            let (grant, filter) = (&grant, &filter);
            async move { Ok(self.store.expenses.expenses(grant.tenant, &query, filter, &grant.visible).await?) }
        })
        .await?;
        let calls = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: CallSort::AsOf, descending: false };
            let grant = &grant;
            async move { Ok(self.store.charges.calls(grant.tenant, &query, Some(building), &grant.visible).await?) }
        })
        .await?
        .into_iter()
        .filter(|c| c.details.as_of >= from && c.details.as_of <= to)
        .collect();
        let filter = PaymentFilter { building: Some(building), from: Some(from), to: Some(to), ..PaymentFilter::default() };
        let payments: Vec<Payment> = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: PaymentSort::ValueDate, descending: false };
            let (grant, filter) = (&grant, &filter);
            async move { Ok(self.store.payments.payments(grant.tenant, &query, filter, &grant.visible).await?) }
        })
        .await?;
        let mut ids: Vec<OwnerId> = payments.iter().filter_map(|p| p.allocation.map(|a| a.owner)).collect();
        ids.sort();
        ids.dedup();
        let owner_names =
            self.store.owners.owners_by_id(grant.tenant, &ids).await?.into_iter().map(|o| (o.id, o.details.display_name())).collect();
        Ok(BuildingLedger { association, from, to, expenses, calls, payments, owner_names })
    }

    /// The period asked, the missing ends taken from the building's current
    /// financial year up to today.
    fn period_of(
        &self,
        association: &Association,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<(NaiveDate, NaiveDate), AppError> {
        let today = self.clock.today();
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| association.building.details.year_start.year_containing(to));
        check_period(from, to)?;
        Ok((from, to))
    }
}

/// A sum of stored amounts; out of range only if the books are corrupt.
fn sum(cents: i64) -> Result<Cents, AppError> {
    Cents::new(cents).map_err(|e| AppError::Internal(anyhow::anyhow!("a sum went out of range: {e}")))
}
