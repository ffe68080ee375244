//! Debits: recorded once with their import, settled at import where the
//! matcher says so, by hand otherwise, never across buildings or
//! organisations.

use koprogo_app::listing::PaymentSort;
use koprogo_app::ports::Visibility;
use koprogo_app::ports::debits::DebitFilter;
use koprogo_app::ports::money::BankImport;
use koprogo_app::{Store, StoreError};
use koprogo_domain::Rule;
use koprogo_domain::debit::{Debit, DebitMatch, match_debit};
use koprogo_domain::expense::{Expense, ExpenseStatus, Fund};
use koprogo_domain::ids::{BankImportId, BuildingId, DebitId, ExpenseId, TenantId};
use koprogo_domain::money::Cents;
use koprogo_domain::payment::{Payment, match_payment};

use crate::money::held_building;
use crate::sample::{self, at, day, query, tenant};

/// A debit of `cents` paid out of `building`'s working account on 20 March 2026.
pub fn paid_out(building: BuildingId, import: BankImportId, cents: i64, reference: &str, payee: &str) -> Debit {
    Debit {
        id: DebitId::generate(),
        building_id: building,
        import_id: import,
        value_date: day(2026, 3, 20),
        amount: Cents::new(cents).unwrap(),
        account: Fund::Working,
        reference: Some(reference.to_owned()),
        counterparty_iban: Some("BE71096123456769".to_owned()),
        counterparty_name: Some(payee.to_owned()),
        bank_reference: format!("BE68539007547034/{}", DebitId::generate()),
        settles: None,
        created_at: at(),
    }
}

/// A statement of `building` holding only `debits`, imported into `t`.
pub async fn import_debits(
    store: &Store,
    t: TenantId,
    building: BuildingId,
    debits: Vec<Debit>,
) -> koprogo_app::ports::money::ImportOutcome {
    let id = debits.first().map_or_else(BankImportId::generate, |d| d.import_id);
    let import = BankImport {
        id,
        building_id: building,
        file_digest: format!("debits-{id}"),
        format: "coda",
        account: "BE68539007547034".to_owned(),
        payments: Vec::new(),
        movement_count: u32::try_from(debits.len()).unwrap(),
        debits,
        opening: Cents::default(),
        closing: Cents::default(),
        closing_date: day(2026, 3, 31),
        imported_at: at(),
    };
    let matcher = |p: &Payment, named, guessed| match_payment(p, named, guessed);
    store.payments.import_statement(t, &import, (&matcher, &match_debit), Vec::new()).await.unwrap()
}

async fn paid_expense(store: &Store, t: TenantId, building: BuildingId, cents: i64) -> Expense {
    let expense = Expense { status: ExpenseStatus::Paid, ..sample::expense(building, cents) };
    store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap();
    expense
}

pub async fn debits_are_recorded_once_and_settle_paid_expenses(store: Store) {
    let (t, building, _) = held_building(&store).await;
    let invoiced = paid_expense(&store, t, building.id, 48_400).await; // invoice F-2026-0042
    let unnamed = paid_expense(&store, t, building.id, 9_900).await;
    let import = BankImportId::generate();
    let by_invoice = paid_out(building.id, import, 48_400, "Facture F2026-0042", "SCHINDLER");
    let bank_fee = paid_out(building.id, import, 9_900, "Frais de gestion", "BNP PARIBAS FORTIS");
    let first = import_debits(&store, t, building.id, vec![by_invoice.clone(), bank_fee.clone()]).await;
    assert_eq!((first.debits_recorded, first.debits_matched), (2, 1));
    let stored = store.debits.debit(t, by_invoice.id).await.unwrap().unwrap();
    assert_eq!(stored.settles.map(|s| (s.expense, s.matched_by)), Some((invoiced.id, DebitMatch::InvoiceNumber)));
    assert_eq!(store.debits.debit(t, bank_fee.id).await.unwrap().unwrap(), bank_fee, "a debit round-trips whole");

    // The same movements in another file are not recorded twice.
    let again = BankImportId::generate();
    let moved = Debit { id: DebitId::generate(), import_id: again, ..by_invoice.clone() };
    assert_eq!(import_debits(&store, t, building.id, vec![moved]).await.debits_recorded, 0);

    // Open choices leave out what a debit settles; settling is checked and locked.
    let open = store.debits.open_paid_expenses(t, building.id, 10).await.unwrap();
    assert_eq!(open.iter().map(|e| e.id).collect::<Vec<_>>(), vec![unnamed.id]);
    let named = store.debits.expenses_by_id(t, &[invoiced.id, unnamed.id, ExpenseId::generate()]).await.unwrap();
    assert_eq!(named.len(), 2, "unknown ids are left out");
    assert!(store.debits.expenses_by_id(tenant(&store).await, &[invoiced.id]).await.unwrap().is_empty(), "nor another firm's");
    let refused = store.debits.settle(t, by_invoice.id, Some(unnamed.id), Vec::new()).await.unwrap_err();
    assert!(matches!(refused, StoreError::Rule(Rule::DebitAlreadyMatched)), "{refused:?}");
    let draft = sample::expense(building.id, 9_900);
    store.expenses.insert_expense(t, &draft, Vec::new()).await.unwrap();
    let refused = store.debits.settle(t, bank_fee.id, Some(draft.id), Vec::new()).await.unwrap_err();
    assert!(matches!(refused, StoreError::Rule(Rule::DebitExpenseNotPaid)), "{refused:?}");
    let settled = store.debits.settle(t, bank_fee.id, Some(unnamed.id), Vec::new()).await.unwrap().unwrap();
    assert_eq!(settled.settles.map(|s| (s.expense, s.matched_by)), Some((unnamed.id, DebitMatch::Manual)));
    let released = store.debits.settle(t, by_invoice.id, None, Vec::new()).await.unwrap().unwrap();
    assert_eq!(released.settles, None);

    let list = |filter: DebitFilter, t: TenantId| {
        let store = store.clone();
        async move { store.debits.debits(t, &query(PaymentSort::ValueDate), &filter, &Visibility::default()).await.unwrap() }
    };
    assert_eq!(list(DebitFilter::default(), t).await.total, 2);
    let waiting = list(DebitFilter { unmatched: true, ..DebitFilter::default() }, t).await;
    assert_eq!((waiting.total, waiting.items[0].id), (1, by_invoice.id));
    let of_expense = list(DebitFilter { expense: Some(unnamed.id), ..DebitFilter::default() }, t).await;
    assert_eq!(of_expense.items.iter().map(|d| d.id).collect::<Vec<_>>(), vec![bank_fee.id]);

    // Another organisation sees none of it and cannot settle against it.
    let stranger = tenant(&store).await;
    assert_eq!(list(DebitFilter::default(), stranger).await.total, 0);
    assert_eq!(store.debits.debit(stranger, bank_fee.id).await.unwrap(), None);
    assert_eq!(store.debits.settle(stranger, by_invoice.id, Some(invoiced.id), Vec::new()).await.unwrap(), None);
    let board = Visibility { buildings: Some(Vec::new()), ..Visibility::default() };
    assert_eq!(store.debits.debits(t, &query(PaymentSort::ValueDate), &DebitFilter::default(), &board).await.unwrap().total, 0);
}
