//! Reminders, statements' charges and the figures the chase reads: round
//! trips, one recording per level and cycle, nothing across organisations.

use koprogo_app::listing::ReminderSort;
use koprogo_app::ports::Visibility;
use koprogo_app::ports::reminders::ReminderFilter;
use koprogo_app::{Store, StoreError};
use koprogo_domain::charges::{CallDetails, FundCall, distribute, plan_call};
use koprogo_domain::expense::{Expense, ExpenseStatus, Fund};
use koprogo_domain::ids::{FundCallId, ReminderId};
use koprogo_domain::money::Cents;
use koprogo_domain::reminder::{LevelRule, Reminder, ReminderLevel, ReminderPolicy};
use koprogo_domain::text::Text;

use crate::money::held_building;
use crate::sample::{at, day, query, tenant};

fn c(v: i64) -> Cents {
    Cents::new(v).unwrap()
}

pub async fn reminders_round_trip_once_per_level(store: Store) {
    let (t, building, owners) = held_building(&store).await;
    assert_eq!(store.reminders.reminder_policy(t, building.id).await.unwrap(), None, "no rules of its own yet");
    let rule = |delay_days, fee| LevelRule { delay_days, fee: c(fee) };
    let policy = ReminderPolicy::new([rule(10, 0), rule(15, 1_500), rule(20, 2_500)], 450, c(500)).unwrap();
    assert!(store.reminders.save_reminder_policy(t, building.id, &policy, at(), Vec::new()).await.unwrap());
    assert_eq!(store.reminders.reminder_policy(t, building.id).await.unwrap(), Some(policy));
    assert!(
        !store.reminders.save_reminder_policy(t, koprogo_domain::ids::BuildingId::generate(), &policy, at(), Vec::new()).await.unwrap()
    );

    let details = CallDetails {
        building_id: building.id,
        title: Text::parse("T1").unwrap(),
        as_of: day(2026, 1, 1),
        due_date: day(2026, 1, 31),
        working: c(50_000),
        reserve: Cents::default(),
        key_id: None,
    };
    let call = FundCall { id: FundCallId::generate(), details, issued_at: at(), cancelled_at: None };
    let plan = |u: &[_], h: &[_]| plan_call(&call.details, u, h);
    let lines = store.charges.issue_call(t, &call, None, &plan, Vec::new()).await.unwrap().unwrap().into_lines().unwrap();
    let (all, paid) = store.payments.building_lines(t, building.id).await.unwrap();
    assert_eq!((all.len(), paid.len()), (2, 0));
    assert_eq!(all[0].as_of, day(2026, 1, 1));

    let reminder = Reminder {
        id: ReminderId::generate(),
        building_id: building.id,
        owner_id: owners[0],
        call_line: lines.iter().find(|l| l.owner == owners[0]).unwrap().id,
        level: ReminderLevel::FormalNotice,
        oldest_due: day(2026, 1, 31),
        sent_on: day(2026, 3, 1),
        principal: c(30_000),
        fee: c(1_500),
        earlier_fees: c(0),
        interest: c(0),
        interest_from: Some(day(2026, 3, 1)),
        created_at: at(),
    };
    store.reminders.record_reminders(t, std::slice::from_ref(&reminder), Vec::new()).await.unwrap();
    assert_eq!(store.reminders.reminder(t, reminder.id).await.unwrap(), Some(reminder.clone()));
    let sent = store.reminders.sent_reminders(t, building.id).await.unwrap();
    assert_eq!(sent.len(), 1);
    assert_eq!((sent[0].0, sent[0].1.level, sent[0].1.fee), (owners[0], ReminderLevel::FormalNotice, c(1_500)));

    // The same owner, cycle and level again (a second run racing the first) is refused, whole.
    let other_owner = Reminder { id: ReminderId::generate(), owner_id: owners[1], ..reminder.clone() };
    let twice = Reminder { id: ReminderId::generate(), ..reminder.clone() };
    let refused = store.reminders.record_reminders(t, &[other_owner.clone(), twice], Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Conflict("reminder.exists"))), "{refused:?}");
    assert_eq!(store.reminders.reminder(t, other_owner.id).await.unwrap(), None, "nothing of a refused run is kept");

    let page =
        store.reminders.reminders(t, &query(ReminderSort::SentOn), &ReminderFilter::default(), &Visibility::default()).await.unwrap();
    assert_eq!((page.total, page.items.len()), (1, 1));
    let theirs = Visibility { owner: Some(owners[1]), ..Visibility::default() };
    assert_eq!(store.reminders.reminders(t, &query(ReminderSort::SentOn), &ReminderFilter::default(), &theirs).await.unwrap().total, 0);
    let stranger = tenant(&store).await;
    assert_eq!(store.reminders.reminder(stranger, reminder.id).await.unwrap(), None);
    assert_eq!(store.reminders.reminder_policy(stranger, building.id).await.unwrap(), None);
    assert!(store.reminders.sent_reminders(stranger, building.id).await.unwrap().is_empty());
}

pub async fn statements_read_an_owner_s_charges_and_the_account_s_fund(store: Store) {
    let (t, building, owners) = held_building(&store).await;
    let expense = Expense { status: ExpenseStatus::Approved, ..crate::sample::expense(building.id, 100_001) };
    store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap();
    let plan = |e: &Expense, units: &[_], holdings: &[_]| Ok((e.status, distribute(e.details.amount, units, holdings)?));
    store.charges.distribute_expense(t, expense.id, None, at(), &plan, Vec::new()).await.unwrap().unwrap();
    let charges = store.charges.owner_charges(t, owners[1], building.id, day(2020, 1, 1), day(2030, 1, 1)).await.unwrap();
    assert_eq!(charges.len(), 1);
    let charge = &charges[0];
    assert_eq!((charge.amount, charge.expense_amount, charge.weight, charge.weight_total), (c(40_000), c(100_001), 400, 1_000));
    assert_eq!((charge.fund, charge.key_name.clone(), charge.unit_number.as_str()), (Fund::Working, None, "2"));
    assert!(store.charges.owner_charges(t, owners[1], building.id, day(2031, 1, 1), day(2032, 1, 1)).await.unwrap().is_empty());

    let found = store.payments.building_of_account(t, "BE68539007547034").await.unwrap();
    assert_eq!(found, Some((building.id, Fund::Working)));
    let mut owners_sorted = store.owners.owners_by_id(t, &owners).await.unwrap().into_iter().map(|o| o.id).collect::<Vec<_>>();
    owners_sorted.sort();
    let mut wanted = owners.clone();
    wanted.sort();
    assert_eq!(owners_sorted, wanted);
    let stranger = tenant(&store).await;
    assert!(store.owners.owners_by_id(stranger, &owners).await.unwrap().is_empty());
    assert!(store.charges.owner_charges(stranger, owners[1], building.id, day(2020, 1, 1), day(2030, 1, 1)).await.unwrap().is_empty());
    assert_eq!(store.accounts.organization(t).await.unwrap().map(|o| o.id), Some(t));
}

/// A reminder policy and a reminder in `building`, for `money_rows`.
pub(crate) async fn reminder_rows(store: &Store, t: koprogo_domain::ids::TenantId, building: koprogo_domain::ids::BuildingId) {
    let policy = ReminderPolicy::default();
    assert!(store.reminders.save_reminder_policy(t, building, &policy, at(), Vec::new()).await.unwrap());
    let (lines, _) = store.payments.building_lines(t, building).await.unwrap();
    let line = &lines[0].line;
    let reminder = Reminder {
        id: ReminderId::generate(),
        building_id: building,
        owner_id: line.owner,
        call_line: line.id,
        level: ReminderLevel::Reminder,
        oldest_due: day(2026, 1, 31),
        sent_on: day(2026, 2, 20),
        principal: line.working,
        fee: Cents::default(),
        earlier_fees: Cents::default(),
        interest: Cents::default(),
        interest_from: None,
        created_at: at(),
    };
    store.reminders.record_reminders(t, &[reminder], Vec::new()).await.unwrap();
}
