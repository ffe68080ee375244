//! Keys, distributions, calls, payments and imports: one transaction each,
//! nothing half-done, nothing seen across organisations.

use koprogo_app::Store;
use koprogo_app::StoreError;
use koprogo_app::listing::PaymentSort;
use koprogo_app::ports::Visibility;
use koprogo_app::ports::money::{BankImport, Issued, PaymentFilter};
use koprogo_domain::Rule;
use koprogo_domain::charges::{CallDetails, FundCall, distribute, plan_call};
use koprogo_domain::expense::{Expense, ExpenseStatus};
use koprogo_domain::ids::{BankImportId, BuildingId, FundCallId, PaymentId};
use koprogo_domain::money::Cents;
use koprogo_domain::payment::{Payment, match_payment};
use koprogo_domain::text::Text;

use crate::sample::{self, at, day, query, tenant};

/// A building with two units, each held wholly by its own owner since 2020.
pub(crate) async fn held_building(
    store: &Store,
) -> (koprogo_domain::ids::TenantId, koprogo_domain::building::Building, Vec<koprogo_domain::ids::OwnerId>) {
    let t = tenant(store).await;
    let building = sample::building("Money", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let mut owners = Vec::new();
    for (number, quota) in [("1", 600), ("2", 400)] {
        let unit = sample::unit(building.id, number, quota);
        store.units.insert_unit(t, &unit, &koprogo_app::ports::quota_check(unit.details.quota), Vec::new()).await.unwrap();
        let owner = sample::owner(&format!("Owner {number}"));
        store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
        let held = sample::ownership(unit.id, owner.id, "100", day(2020, 1, 1), None);
        store.owners.save_ownership(t, &held, &|_| Ok(()), Vec::new()).await.unwrap();
        owners.push(owner.id);
    }
    (t, building, owners)
}

/// A payment received on `building`, not yet matched.
pub(crate) fn received(
    building: koprogo_domain::ids::BuildingId,
    cents: i64,
    communication: Option<koprogo_domain::communication::StructuredCommunication>,
) -> Payment {
    Payment {
        id: PaymentId::generate(),
        building_id: building,
        value_date: day(2026, 1, 20),
        amount: Cents::new(cents).unwrap(),
        communication,
        free_text: None,
        counterparty_iban: None,
        counterparty_name: None,
        account: None,
        bank_reference: Some("B/1".to_owned()),
        import_id: None,
        allocation: None,
        created_at: at(),
    }
}

pub async fn a_refused_distribution_leaves_nothing_behind(store: Store) {
    let (t, building, _) = held_building(&store).await;
    let expense = Expense { status: ExpenseStatus::Approved, ..sample::expense(building.id, 100_001) };
    store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap();
    let refuse = |_: &Expense, _: &[_], _: &[_]| Err(Rule::NothingToDistribute);
    let refused = store.charges.distribute_expense(t, expense.id, None, at(), &refuse, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Rule(Rule::NothingToDistribute))), "{refused:?}");
    assert_eq!(store.charges.distribution(t, expense.id).await.unwrap(), None);
    let plan = |e: &Expense, units: &[_], holdings: &[_]| Ok((e.status, distribute(e.details.amount, units, holdings)?));
    let done = store.charges.distribute_expense(t, expense.id, None, at(), &plan, Vec::new()).await.unwrap().unwrap();
    let parts: Vec<i64> = done.distribution.units.iter().map(|u| u.amount.get()).collect();
    assert_eq!(parts, [60_001, 40_000]);
    assert_eq!(store.charges.distribution(t, expense.id).await.unwrap(), Some(done));
    let twice = store.charges.distribute_expense(t, expense.id, None, at(), &plan, Vec::new()).await;
    assert!(matches!(twice, Err(StoreError::Rule(Rule::AlreadyDistributed))), "{twice:?}");
    let stranger = tenant(&store).await;
    assert_eq!(store.charges.distribution(stranger, expense.id).await.unwrap(), None);
}

pub async fn approving_shares_in_the_same_transaction(store: Store) {
    let (t, building, _) = held_building(&store).await;
    let draft = sample::expense(building.id, 100_001);
    store.expenses.insert_expense(t, &draft, Vec::new()).await.unwrap();
    let approve = |e: &Expense, units: &[_], holdings: &[_]| {
        Ok((e.advance_to(ExpenseStatus::Approved)?, distribute(e.details.amount, units, holdings)?))
    };
    let refused = |e: &Expense, _: &[_], _: &[_]| e.advance_to(ExpenseStatus::Approved).and(Err(Rule::NothingToDistribute));
    assert!(store.charges.distribute_expense(t, draft.id, None, at(), &refused, Vec::new()).await.is_err());
    let untouched = store.expenses.expense(t, draft.id).await.unwrap().unwrap();
    assert_eq!((untouched.status, untouched.shared), (ExpenseStatus::Draft, false));
    store.charges.distribute_expense(t, draft.id, None, at(), &approve, Vec::new()).await.unwrap().unwrap();
    let approved = store.expenses.expense(t, draft.id).await.unwrap().unwrap();
    assert_eq!((approved.status, approved.shared), (ExpenseStatus::Approved, true));
    let listed = store
        .expenses
        .expenses(t, &sample::query(koprogo_app::listing::ExpenseSort::Date), &Default::default(), &Default::default())
        .await
        .unwrap();
    assert!(listed.items.iter().any(|e| e.id == draft.id && e.shared));
}

/// The first quarter's call: 1 000 € to the working fund, `reserve` cents to the reserve.
pub(crate) fn first_quarter(building: BuildingId, reserve: i64) -> CallDetails {
    CallDetails {
        building_id: building,
        title: Text::parse("T1").unwrap(),
        as_of: day(2026, 1, 1),
        due_date: day(2026, 1, 31),
        working: Cents::new(100_000).unwrap(),
        reserve: Cents::new(reserve).unwrap(),
        key_id: None,
    }
}

pub async fn calls_number_their_lines_and_payments_find_them(store: Store) {
    let (t, building, owners) = held_building(&store).await;
    let details = first_quarter(building.id, 10_000);
    let mut lines = Vec::new();
    for _ in 0..2 {
        let call = FundCall { id: FundCallId::generate(), details: details.clone(), issued_at: at(), cancelled_at: None };
        let plan = |units: &[_], holdings: &[_]| plan_call(&call.details, units, holdings);
        lines.extend(store.charges.issue_call(t, &call, None, &plan, Vec::new()).await.unwrap().unwrap().into_lines().unwrap());
    }
    let mut communications: Vec<_> = lines.iter().map(|l| l.communication).collect();
    communications.sort();
    communications.dedup();
    assert_eq!(communications.len(), 4, "every line has its own communication");
    assert_eq!(lines.iter().filter(|l| l.owner == owners[0]).map(|l| l.working.get()).sum::<i64>(), 120_000);

    let line = lines[0].clone();
    let payment = received(building.id, line.working.get() + line.reserve.get(), Some(line.communication));
    let import = BankImport {
        id: BankImportId::generate(),
        building_id: building.id,
        file_digest: "f".repeat(64),
        format: "coda",
        account: "BE68539007547034".to_owned(),
        payments: vec![payment.clone()],
        debits: Vec::new(),
        movement_count: 1,
        opening: Cents::default(),
        closing: Cents::new(1_000).unwrap(),
        closing_date: day(2026, 1, 31),
        imported_at: at(),
    };
    let matcher = |p: &Payment, named, guessed| match_payment(p, named, guessed);
    let first = store.payments.import_statement(t, &import, (&matcher, &koprogo_domain::debit::match_debit), Vec::new()).await.unwrap();
    assert_eq!((first.new, first.recorded, first.matched), (true, 1, 1));
    let renamed = BankImport { id: BankImportId::generate(), ..import.clone() };
    let again = store.payments.import_statement(t, &renamed, (&matcher, &koprogo_domain::debit::match_debit), Vec::new()).await.unwrap();
    assert_eq!((again.new, again.recorded), (false, 0));
    // The next statement of the account finds where this one closed.
    let account = "BE68539007547034";
    assert_eq!(store.payments.previous_closing(t, account, day(2026, 2, 28)).await.unwrap(), Some((import.closing, day(2026, 1, 31))));
    assert_eq!(store.payments.previous_closing(t, account, day(2026, 1, 31)).await.unwrap(), None, "not itself");
    assert_eq!(store.payments.previous_closing(tenant(&store).await, account, day(2026, 2, 28)).await.unwrap(), None);
    let stored = store.payments.payment(t, payment.id).await.unwrap().unwrap();
    let allocation = stored.allocation.unwrap();
    assert_eq!((allocation.line, allocation.working, allocation.reserve), (line.id, line.working, line.reserve));
    let positions = store.payments.positions(t, Some(building.id), None, day(2026, 6, 1), &Visibility::default()).await.unwrap();
    let first_owner = positions.iter().find(|p| p.owner_id == line.owner).unwrap();
    assert_eq!(first_owner.position.balance().get(), 2 * (line.working.get() + line.reserve.get()) - payment.amount.get());

    let stranger = tenant(&store).await;
    let theirs =
        store.payments.payments(stranger, &query(PaymentSort::ValueDate), &PaymentFilter::default(), &Visibility::default()).await.unwrap();
    assert_eq!(theirs.total, 0);
    assert_eq!(store.payments.payment(stranger, payment.id).await.unwrap(), None);
    assert!(store.payments.positions(stranger, None, None, day(2026, 6, 1), &Visibility::default()).await.unwrap().is_empty());
    let ours = store.payments.payments(t, &query(PaymentSort::ValueDate), &PaymentFilter::default(), &Visibility::default()).await.unwrap();
    assert_eq!((ours.total, ours.items.len()), (1, 1));
}

/// One row in every money table for `building` (whose units are wholly held
/// since 2020): a key, a distributed expense, a call, a waiver, an import
/// with its payment and a debit settling a paid expense. For tests that look at the tables themselves.
pub async fn money_rows(store: &Store, t: koprogo_domain::ids::TenantId, building: koprogo_domain::ids::BuildingId) {
    let (units, _) = store.charges.holdings(t, building, None, day(2026, 1, 1)).await.unwrap().unwrap();
    let weights = koprogo_domain::charges::KeyWeights::new(units.iter().map(|u| (u.unit, 1)).collect()).unwrap();
    let key = koprogo_domain::charges::DistributionKey {
        id: koprogo_domain::ids::DistributionKeyId::generate(),
        building_id: building,
        name: Text::parse("Ascenseur").unwrap(),
        weights,
        created_at: at(),
    };
    assert!(store.charges.save_key(t, &key, Vec::new()).await.unwrap());
    let expense = Expense { status: ExpenseStatus::Approved, ..sample::expense(building, 5_000) };
    store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap();
    let plan = |e: &Expense, units: &[_], holdings: &[_]| Ok((e.status, distribute(e.details.amount, units, holdings)?));
    store.charges.distribute_expense(t, expense.id, Some(key.id), at(), &plan, Vec::new()).await.unwrap().unwrap();
    let details = CallDetails {
        building_id: building,
        title: Text::parse("T1").unwrap(),
        as_of: day(2026, 1, 1),
        due_date: day(2026, 1, 31),
        working: Cents::new(1_000).unwrap(),
        reserve: Cents::default(),
        key_id: None,
    };
    let call = FundCall { id: FundCallId::generate(), details, issued_at: at(), cancelled_at: None };
    let call_plan = |units: &[_], holdings: &[_]| plan_call(&call.details, units, holdings);
    store.charges.issue_call(t, &call, None, &call_plan, Vec::new()).await.unwrap().unwrap();
    assert!(store.charges.waive_reserve_fund(t, building, 2026, day(2026, 3, 1), Vec::new()).await.unwrap());
    let payment = received(building, 1_000, None);
    let import_id = BankImportId::generate();
    let paid = Expense { status: ExpenseStatus::Paid, ..sample::expense(building, 2_500) };
    store.expenses.insert_expense(t, &paid, Vec::new()).await.unwrap();
    let import = BankImport {
        id: import_id,
        building_id: building,
        file_digest: format!("{t}"),
        format: "coda",
        account: "BE68539007547034".to_owned(),
        payments: vec![payment],
        debits: vec![crate::debits::paid_out(building, import_id, 2_500, "F-2026-0042", "Schindler")],
        movement_count: 2,
        opening: Cents::default(),
        closing: Cents::new(1_000).unwrap(),
        closing_date: day(2026, 1, 31),
        imported_at: at(),
    };
    let matcher = |p: &Payment, named, guessed| match_payment(p, named, guessed);
    let outcome = store.payments.import_statement(t, &import, (&matcher, &koprogo_domain::debit::match_debit), Vec::new()).await.unwrap();
    assert_eq!(outcome.debits_matched, 1);
    crate::chase::reminder_rows(store, t, building).await;
}

pub async fn a_call_is_issued_once_per_key(store: Store) {
    let (t, building, _) = held_building(&store).await;
    let details = first_quarter(building.id, 0);
    // Issued with a key, then sent again with it: one call, no number spent twice.
    let first = FundCall { id: FundCallId::generate(), details: details.clone(), issued_at: at(), cancelled_at: None };
    let again = FundCall { id: FundCallId::generate(), details: details.clone(), issued_at: at(), cancelled_at: None };
    let plan = |units: &[_], holdings: &[_]| plan_call(&details, units, holdings);
    let issued = store.charges.issue_call(t, &first, Some("preview-0001"), &plan, Vec::new()).await.unwrap().unwrap();
    let keyed = issued.into_lines().expect("issued");
    assert_eq!(
        store.charges.issue_call(t, &again, Some("preview-0001"), &plan, Vec::new()).await.unwrap(),
        Some(Issued::Already(first.id))
    );
    assert!(store.charges.call(t, again.id).await.unwrap().is_none(), "the second one stored nothing");
    let after =
        store.charges.issue_call(t, &again, Some("preview-0002"), &plan, Vec::new()).await.unwrap().unwrap().into_lines().expect("issued");
    let numbers: Vec<u64> = keyed.iter().chain(&after).map(|l| l.communication.number()).collect();
    assert!(numbers.windows(2).all(|w| w[1] == w[0] + 1), "the sequence went on without a gap: {numbers:?}");
}
