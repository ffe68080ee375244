//! The demo's money: each building's expenses approved and so shared (the
//! lift by its own key), four quarterly calls for funds in 2026, the bank's CODA
//! statements paying most lines (some late, some short, one payer without a
//! communication, one stranger for the inbox) and paying out the paid
//! invoices and the bank's fees, and today's reminders.

use chrono::NaiveDate;
use koprogo_app::App;
use koprogo_app::access::Actor;
use koprogo_app::listing::{ExpenseSort, ListQuery, MAX_PER_PAGE, UnitSort};
use koprogo_app::ports::ExpenseFilter;
use koprogo_bank::{Communication, Movement, Statement};
use koprogo_domain::charges::{CallDetails, CallLine, KeyWeights};
use koprogo_domain::debit::PaidExpense;
use koprogo_domain::expense::ExpenseStatus;
use koprogo_domain::ids::{BuildingId, DistributionKeyId};
use koprogo_domain::money::Cents;
use koprogo_domain::reminder::{LevelRule, ReminderPolicy};
use koprogo_domain::unit::UnitKind;
use koprogo_sample::Draw;

use super::{day, failed, invalid, text};

fn page<S: Copy>(sort: S, number: u32) -> ListQuery<S> {
    ListQuery { page: number, per_page: MAX_PER_PAGE, sort, descending: false }
}

/// A lift key over the apartments (the cellars and parkings do not use it).
async fn lift_key(app: &App, actor: &Actor, building: BuildingId) -> anyhow::Result<DistributionKeyId> {
    let units = app.units(actor, &page(UnitSort::Number, 1), Some(building)).await.map_err(failed)?.items;
    let served = units.iter().filter(|u| matches!(u.details.kind, UnitKind::Apartment)).map(|u| (u.id, 1)).collect();
    let weights = KeyWeights::new(served).map_err(invalid)?;
    let key = app.save_key(actor, None, building, text("Ascenseur")?, weights).await.map_err(failed)?;
    Ok(key.id)
}

/// Approves (which shares: the lift by its key) the charges until October and
/// pays those until September; November's stay drafts.
async fn approve_expenses(app: &App, actor: &Actor, building: BuildingId, lift: bool) -> anyhow::Result<()> {
    let key = if lift { Some(lift_key(app, actor, building).await?) } else { None };
    let filter = ExpenseFilter { building: Some(building), status: Some(ExpenseStatus::Draft), ..ExpenseFilter::default() };
    let mut drafts = Vec::new();
    for number in 1.. {
        let found = app.expenses(actor, &page(ExpenseSort::Date, number), &filter).await.map_err(failed)?.items;
        let last = u32::try_from(found.len())? < MAX_PER_PAGE;
        drafts.extend(found);
        if last {
            break;
        }
    }
    let (approved_until, paid_until) = (day(2026, 11, 1)?, day(2026, 10, 1)?);
    for expense in drafts.into_iter().filter(|e| e.details.date < approved_until) {
        let by = if expense.details.account_code.as_str() == "6101" { key } else { None };
        app.approve_expense(actor, expense.id, by).await.map_err(failed)?;
        if expense.details.date < paid_until {
            app.pay_expense(actor, expense.id).await.map_err(failed)?;
        }
    }
    Ok(())
}

/// The four calls of 2026, each a quarter's advance: working fund and reserve.
async fn quarterly_calls(app: &App, actor: &Actor, building: BuildingId, units: u64) -> anyhow::Result<Vec<(NaiveDate, Vec<CallLine>)>> {
    let per_unit = i64::try_from(units)?;
    let mut calls = Vec::new();
    for (quarter, month) in [(1, 1), (2, 4), (3, 7), (4, 10)] {
        let details = CallDetails {
            building_id: building,
            title: text(&format!("Provisions T{quarter} 2026"))?,
            as_of: day(2026, month, 1)?,
            due_date: day(2026, month + 1, 1)? - chrono::Days::new(1),
            working: Cents::new(per_unit * 25_000).map_err(invalid)?,
            reserve: Cents::new(per_unit * 4_000).map_err(invalid)?,
            key_id: None,
        };
        let due = details.due_date;
        let lines = app.issue_call(actor, details, None).await.map_err(failed)?.lines;
        calls.push((due, lines));
    }
    Ok(calls)
}

/// One bank statement per quarter on the building's working account: who paid
/// what, when, drawn the same way on every run.
async fn bank_statements(
    app: &App,
    actor: &Actor,
    draw: &mut Draw,
    building: BuildingId,
    calls: &[(NaiveDate, Vec<CallLine>)],
) -> anyhow::Result<()> {
    let summary = app.building(actor, building).await.map_err(failed)?;
    let Some(account) = summary.building.details.working_fund_iban.clone() else { return Ok(()) };
    let paid = app.debit_choices(actor, building).await.map_err(failed)?;
    let mut balance = Cents::default();
    let mut statements = Vec::new();
    let mut since = day(2025, 1, 1)?;
    for (number, (due, lines)) in calls.iter().enumerate() {
        let mut movements = paid_out(&paid, (since, *due), number)?;
        since = *due;
        for line in lines {
            let total = line.working.get() + line.reserve.get();
            let roll = draw.below(100);
            let paid_on = *due - chrono::Days::new(draw.below(20));
            let (amount, communication, account) = match roll {
                0..=79 => (total, Communication::Structured(line.communication), None),
                80..=87 => (total / 2, Communication::Structured(line.communication), None),
                88..=93 => {
                    let owner = app.owner(actor, line.owner).await.map_err(failed)?;
                    (total, Communication::Free("Provisions charges".to_owned()), owner.details.iban.map(|i| i.as_str().to_owned()))
                }
                _ => continue,
            };
            movements.push(movement(format!("{:03}/{:04}", number + 1, movements.len() + 1), amount, paid_on, communication, account)?);
        }
        if number == 2 {
            let stranger =
                movement(format!("{:03}/9999", number + 1), 12_500, *due, Communication::Free("Remboursement".to_owned()), None)?;
            movements.push(Movement { counterparty_name: Some("Dupont Jean-Pierre".to_owned()), ..stranger });
        }
        let moved: i64 = movements.iter().map(|m| m.amount.get()).sum();
        let old_balance = balance;
        balance = Cents::new(balance.get() + moved).map_err(invalid)?;
        let new_balance_date = *due;
        statements.push(Statement {
            account: account.as_str().to_owned(),
            statement_number: format!("{:03}", number + 1),
            old_balance,
            new_balance: balance,
            new_balance_date,
            movements,
        });
    }
    let created = calls.last().map_or(day(2026, 12, 1)?, |(due, _)| *due);
    let file = koprogo_bank::coda::write(&statements, created);
    let parsed = koprogo_bank::parse(&file).map_err(|e| anyhow::anyhow!("the demo's own CODA file is refused: {e}"))?;
    app.import_statements(actor, &file, koprogo_bank::format_of(&file), parsed).await.map_err(failed)?;
    Ok(())
}

/// The quarter's debits: each paid expense of `(after, until]` a week after
/// its invoice (most name the invoice, one in four only its supplier, one in
/// seven neither, for the syndic to settle), and the bank's own fee.
fn paid_out(paid: &[PaidExpense], (after, until): (NaiveDate, NaiveDate), quarter: usize) -> anyhow::Result<Vec<Movement>> {
    let mut debits = Vec::new();
    let due = paid.iter().filter(|e| e.date > after && e.date <= until);
    for (n, expense) in due.enumerate() {
        let on = (expense.date + chrono::Days::new(7)).min(until);
        let (text, payee) = match n % 7 {
            6 => ("Virement".to_owned(), None),
            k if k % 4 == 3 => (String::new(), Some(expense.supplier.clone())),
            _ => (format!("Facture {}", expense.invoice_number.as_deref().unwrap_or_default()), Some(expense.supplier.to_uppercase())),
        };
        let communication = if text.is_empty() { Communication::None } else { Communication::Free(text) };
        let debit = movement(format!("{:03}/D{n:03}", quarter + 1), -expense.amount.get(), on, communication, None)?;
        debits.push(Movement { counterparty_name: payee, ..debit });
    }
    let fee =
        movement(format!("{:03}/FEES", quarter + 1), -1_250, until, Communication::Free("Frais de tenue de compte".to_owned()), None)?;
    debits.push(Movement { counterparty_name: Some("BNP Paribas Fortis".to_owned()), ..fee });
    Ok(debits)
}

fn movement(
    reference: String,
    cents: i64,
    on: NaiveDate,
    communication: Communication,
    account: Option<String>,
) -> anyhow::Result<Movement> {
    Ok(Movement {
        bank_reference: reference,
        amount: Cents::new(cents).map_err(invalid)?,
        value_date: on,
        entry_date: on,
        communication,
        counterparty_account: account,
        counterparty_bic: None,
        counterparty_name: None,
    })
}

/// Shares the year's charges, calls the four quarters, imports what the bank
/// received, and sends the reminders due today under the building's rules.
pub async fn seed_money(app: &App, actor: &Actor, draw: &mut Draw, building: BuildingId, lift: bool) -> anyhow::Result<()> {
    approve_expenses(app, actor, building, lift).await?;
    let units = app.building(actor, building).await.map_err(failed)?.unit_count;
    let calls = quarterly_calls(app, actor, building, units).await?;
    bank_statements(app, actor, draw, building, &calls).await?;
    let rule = |delay_days, euros: i64| Ok::<_, anyhow::Error>(LevelRule { delay_days, fee: Cents::new(euros * 100).map_err(invalid)? });
    let policy = ReminderPolicy::new([rule(15, 0)?, rule(15, 15)?, rule(15, 25)?], 0, Cents::new(500).map_err(invalid)?)
        .map_err(|(field, why)| anyhow::anyhow!("demo reminder rules: {field} {why}"))?;
    app.set_reminder_policy(actor, building, policy).await.map_err(failed)?;
    app.send_reminders(actor, building).await.map_err(failed)?;
    Ok(())
}
