//! Buildings, units, owners, ownerships and expenses.

use koprogo_app::listing::Page;
use koprogo_app::listing::{BuildingSort, ExpenseSort, OwnerSort, OwnershipSort, UnitSort};
use koprogo_app::ports::{ExpenseFilter, OwnershipFilter, Visibility, quota_check};
use koprogo_app::{Store, StoreError};
use koprogo_domain::Rule;
use koprogo_domain::expense::{Expense, ExpenseStatus};
use koprogo_domain::ids::{BuildingId, TenantId};
use koprogo_domain::owner::Ownership;
use koprogo_domain::owner::check_shares_fit;
use koprogo_domain::unit::Quota;

use crate::sample::{self, at, day, query, tenant};

async fn ownerships(store: &Store, t: TenantId, filter: OwnershipFilter) -> Page<Ownership> {
    store.owners.ownerships(t, &query(OwnershipSort::StartDate), &filter, &Visibility::default()).await.unwrap()
}

async fn expenses(store: &Store, t: TenantId, filter: ExpenseFilter) -> Page<Expense> {
    store.expenses.expenses(t, &query(ExpenseSort::Date), &filter, &Visibility::default()).await.unwrap()
}

pub async fn building_round_trips(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("Résidence Les Érables", "Bruxelles");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let found = store.buildings.building(t, building.id).await.unwrap().unwrap();
    assert_eq!(found.building, building);
    assert_eq!((found.unit_count, found.allocated_quota), (0, 0));

    let mut changed = building.clone();
    changed.details.name = koprogo_domain::text::Text::parse("Les Érables II").unwrap();
    changed.details.reserve_fund_iban = Some(koprogo_domain::identifiers::Iban::parse("BE71096123456769").unwrap());
    changed.details.bce_number = None;
    assert!(store.buildings.update_building(t, &changed, &|_| Ok(()), Vec::new()).await.unwrap());
    assert_eq!(store.buildings.building(t, building.id).await.unwrap().unwrap().building, changed);
}

pub async fn other_tenants_see_nothing(store: Store) {
    let (mine, theirs) = (tenant(&store).await, tenant(&store).await);
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(mine, &building, Vec::new()).await.unwrap();
    let unit = sample::unit(building.id, "A1", 100);
    store.units.insert_unit(mine, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap();
    let expense = sample::expense(building.id, 1000);
    store.expenses.insert_expense(mine, &expense, Vec::new()).await.unwrap();
    let owner = sample::owner("Peeters");
    store.owners.insert_owner(mine, &owner, Vec::new()).await.unwrap();

    assert_eq!(store.buildings.building(theirs, building.id).await.unwrap(), None);
    assert_eq!(store.units.unit(theirs, unit.id).await.unwrap(), None);
    assert_eq!(store.expenses.expense(theirs, expense.id).await.unwrap(), None);
    assert_eq!(store.owners.owner(theirs, owner.id).await.unwrap(), None);
    let all = Visibility::default();
    assert_eq!(store.buildings.buildings(theirs, &query(BuildingSort::Name), &all).await.unwrap().total, 0);
    assert!(store.units.units(theirs, &query(UnitSort::Number), None, &all).await.unwrap().items.is_empty());
    assert!(store.owners.owners(theirs, &query(OwnerSort::LastName), None, &all).await.unwrap().items.is_empty());
    assert!(store.expenses.expenses(theirs, &query(ExpenseSort::Date), &ExpenseFilter::default(), &all).await.unwrap().items.is_empty());
    assert!(!store.buildings.update_building(theirs, &building, &|_| Ok(()), Vec::new()).await.unwrap());
    assert!(!store.owners.update_owner(theirs, &owner, Vec::new()).await.unwrap());
    assert!(!store.expenses.delete_expense(theirs, expense.id, &|_| Ok(()), Vec::new()).await.unwrap());
    assert!(!store.units.delete_unit(theirs, unit.id, Vec::new()).await.unwrap());
    assert!(!store.owners.delete_owner(theirs, owner.id, Vec::new()).await.unwrap());
    assert!(!store.buildings.delete_building(theirs, building.id, at(), Vec::new()).await.unwrap());
    assert!(store.buildings.building(mine, building.id).await.unwrap().is_some());
}

pub async fn units_keep_their_building_totals(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("B", "Gent");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let mut units = Vec::new();
    for (number, quota) in [("1", 300), ("2", 300), ("3", 400)] {
        let unit = sample::unit(building.id, number, quota);
        assert!(store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap());
        units.push(unit);
    }
    let summary = store.buildings.building(t, building.id).await.unwrap().unwrap();
    assert_eq!((summary.unit_count, summary.allocated_quota), (3, 1000));
    assert!(summary.quotas_complete());
    assert_eq!(store.units.unit(t, units[0].id).await.unwrap().unwrap(), units[0]);

    let mut smaller = units[2].clone();
    smaller.details.quota = Quota::new(350).unwrap();
    smaller.details.floor = None;
    smaller.details.surface = None;
    assert!(store.units.update_unit(t, &smaller, &quota_check(smaller.details.quota), Vec::new()).await.unwrap());
    assert_eq!(store.units.unit(t, smaller.id).await.unwrap().unwrap(), smaller);
    assert!(store.units.delete_unit(t, units[0].id, Vec::new()).await.unwrap());
    let summary = store.buildings.building(t, building.id).await.unwrap().unwrap();
    assert_eq!((summary.unit_count, summary.allocated_quota), (2, 650));
    let page = store.units.units(t, &query(UnitSort::Number), Some(building.id), &Visibility::default()).await.unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(store.units.units(t, &query(UnitSort::Number), None, &Visibility::default()).await.unwrap().total, 2);
}

pub async fn a_refused_quota_leaves_nothing_behind(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("C", "Namur");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let first = sample::unit(building.id, "1", 900);
    store.units.insert_unit(t, &first, &quota_check(first.details.quota), Vec::new()).await.unwrap();
    let too_much = sample::unit(building.id, "2", 101);
    let refused = store.units.insert_unit(t, &too_much, &quota_check(too_much.details.quota), Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Rule(Rule::QuotaExceedsBase { base: 1000, would_be: 1001 }))), "{refused:?}");
    assert_eq!(store.units.unit(t, too_much.id).await.unwrap(), None);
    let summary = store.buildings.building(t, building.id).await.unwrap().unwrap();
    assert_eq!((summary.unit_count, summary.allocated_quota), (1, 900));
    let mut grown = first.clone();
    grown.details.quota = Quota::new(1000).unwrap();
    assert!(store.units.update_unit(t, &grown, &quota_check(grown.details.quota), Vec::new()).await.unwrap());
    let lower_base = store.buildings.update_building(
        t,
        &building,
        &|allocated| koprogo_domain::building::QuotaBase::new(999).unwrap().check_holds(allocated),
        Vec::new(),
    );
    assert!(matches!(lower_base.await, Err(StoreError::Rule(Rule::QuotaBaseBelowAllocated { allocated: 1000 }))));
}

pub async fn unit_numbers_are_unique_per_building(store: Store) {
    let t = tenant(&store).await;
    let (a, b) = (sample::building("A", "Mons"), sample::building("B", "Mons"));
    store.buildings.insert_building(t, &a, Vec::new()).await.unwrap();
    store.buildings.insert_building(t, &b, Vec::new()).await.unwrap();
    let first = sample::unit(a.id, "A1", 10);
    store.units.insert_unit(t, &first, &quota_check(first.details.quota), Vec::new()).await.unwrap();
    let twin = sample::unit(a.id, "A1", 10);
    let refused = store.units.insert_unit(t, &twin, &quota_check(twin.details.quota), Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Conflict("unit.number_taken"))), "{refused:?}");
    let elsewhere = sample::unit(b.id, "A1", 10);
    assert!(store.units.insert_unit(t, &elsewhere, &quota_check(elsewhere.details.quota), Vec::new()).await.unwrap());
    assert_eq!(store.buildings.building(t, a.id).await.unwrap().unwrap().unit_count, 1);
}

pub async fn references_across_tenants_are_refused(store: Store) {
    let (mine, theirs) = (tenant(&store).await, tenant(&store).await);
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(mine, &building, Vec::new()).await.unwrap();
    let unit = sample::unit(building.id, "1", 10);
    assert!(!store.units.insert_unit(theirs, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap());
    assert!(!store.expenses.insert_expense(theirs, &sample::expense(building.id, 100), Vec::new()).await.unwrap());
    store.units.insert_unit(mine, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap();
    let owner = sample::owner("Janssens");
    store.owners.insert_owner(theirs, &owner, Vec::new()).await.unwrap();
    let stake = sample::ownership(unit.id, owner.id, "100", day(2020, 1, 1), None);
    assert!(!store.owners.save_ownership(theirs, &stake, &|_| Ok(()), Vec::new()).await.unwrap());
    let across = store.owners.save_ownership(mine, &stake, &|_| Ok(()), Vec::new()).await;
    assert!(matches!(across, Err(StoreError::Conflict(_))), "{across:?}");
    assert_eq!(store.owners.ownership(mine, stake.id).await.unwrap(), None);
}

pub async fn owners_round_trip_with_every_field(store: Store) {
    let t = tenant(&store).await;
    let owner = sample::owner("Van den Bossche");
    store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
    assert_eq!(store.owners.owner(t, owner.id).await.unwrap().unwrap(), owner);
    let mut company = sample::owner("Immo Invest SRL");
    company.details.kind = koprogo_domain::owner::PersonKind::Legal;
    company.details.first_name = None;
    company.details.address = None;
    company.details.email = None;
    company.details.bce_number = Some(koprogo_domain::identifiers::BceNumber::parse("0123456749").unwrap());
    store.owners.insert_owner(t, &company, Vec::new()).await.unwrap();
    assert_eq!(store.owners.owner(t, company.id).await.unwrap().unwrap(), company);
    let mut moved = owner.clone();
    moved.details.phone = None;
    assert!(store.owners.update_owner(t, &moved, Vec::new()).await.unwrap());
    assert_eq!(store.owners.owner(t, owner.id).await.unwrap().unwrap(), moved);
    assert_eq!(store.owners.owners(t, &query(OwnerSort::LastName), None, &Visibility::default()).await.unwrap().total, 2);
}

pub async fn shares_never_exceed_the_whole_unit(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let unit = sample::unit(building.id, "1", 10);
    store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap();
    let (a, b) = (sample::owner("A"), sample::owner("B"));
    store.owners.insert_owner(t, &a, Vec::new()).await.unwrap();
    store.owners.insert_owner(t, &b, Vec::new()).await.unwrap();
    let check = |o: &koprogo_domain::owner::Ownership| {
        let candidate = (o.details.share, o.details.period);
        move |others: &[_]| check_shares_fit(others, candidate)
    };
    let half = sample::ownership(unit.id, a.id, "50", day(2020, 1, 1), None);
    assert!(store.owners.save_ownership(t, &half, &check(&half), Vec::new()).await.unwrap());
    let greedy = sample::ownership(unit.id, b.id, "60", day(2021, 1, 1), None);
    let refused = store.owners.save_ownership(t, &greedy, &check(&greedy), Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Rule(Rule::SharesExceedWhole { .. }))), "{refused:?}");
    assert_eq!(store.owners.ownership(t, greedy.id).await.unwrap(), None);
    let other_half = sample::ownership(unit.id, b.id, "50", day(2021, 1, 1), None);
    assert!(store.owners.save_ownership(t, &other_half, &check(&other_half), Vec::new()).await.unwrap());
    let mut ended = half.clone();
    ended.details.period = koprogo_domain::owner::Period::new(day(2020, 1, 1), Some(day(2025, 6, 1))).unwrap();
    assert!(store.owners.save_ownership(t, &ended, &check(&ended), Vec::new()).await.unwrap());
    assert_eq!(store.owners.ownership(t, half.id).await.unwrap().unwrap(), ended);
    let filter = OwnershipFilter { unit: Some(unit.id), ..OwnershipFilter::default() };
    assert_eq!(store.owners.ownerships(t, &query(OwnershipSort::StartDate), &filter, &Visibility::default()).await.unwrap().total, 2);
}

pub async fn ownership_lists_filter_by_unit_owner_and_day(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let (u1, u2) = (sample::unit(building.id, "1", 10), sample::unit(building.id, "2", 10));
    for u in [&u1, &u2] {
        store.units.insert_unit(t, u, &quota_check(u.details.quota), Vec::new()).await.unwrap();
    }
    let (seller, buyer) = (sample::owner("Seller"), sample::owner("Buyer"));
    store.owners.insert_owner(t, &seller, Vec::new()).await.unwrap();
    store.owners.insert_owner(t, &buyer, Vec::new()).await.unwrap();
    for o in [
        sample::ownership(u1.id, seller.id, "100", day(2010, 1, 1), Some(day(2025, 6, 1))),
        sample::ownership(u1.id, buyer.id, "100", day(2025, 6, 1), None),
        sample::ownership(u2.id, seller.id, "100", day(2010, 1, 1), None),
    ] {
        assert!(store.owners.save_ownership(t, &o, &|_| Ok(()), Vec::new()).await.unwrap());
    }
    let all = Visibility::default();
    let list = |filter: OwnershipFilter| ownerships(&store, t, filter);
    assert_eq!(list(OwnershipFilter::default()).await.total, 3);
    assert_eq!(list(OwnershipFilter { owner: Some(seller.id), ..Default::default() }).await.total, 2);
    let today = list(OwnershipFilter { unit: Some(u1.id), on: Some(day(2025, 6, 1)), ..Default::default() }).await;
    assert_eq!(today.items.iter().map(|o| o.details.owner_id).collect::<Vec<_>>(), vec![buyer.id]);
    let before = list(OwnershipFilter { unit: Some(u1.id), on: Some(day(2025, 5, 31)), ..Default::default() }).await;
    assert_eq!(before.items.iter().map(|o| o.details.owner_id).collect::<Vec<_>>(), vec![seller.id]);
    let of_building = store.owners.owners(t, &query(OwnerSort::LastName), Some(building.id), &all).await.unwrap();
    assert_eq!(of_building.total, 2);
}

pub async fn expenses_round_trip_and_keep_status_totals(store: Store) {
    let t = tenant(&store).await;
    let (a, b) = (sample::building("A", "Liège"), sample::building("B", "Liège"));
    store.buildings.insert_building(t, &a, Vec::new()).await.unwrap();
    store.buildings.insert_building(t, &b, Vec::new()).await.unwrap();
    let expense = sample::expense(a.id, 48_400);
    assert!(store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap());
    assert_eq!(store.expenses.expense(t, expense.id).await.unwrap().unwrap(), expense);
    store.expenses.insert_expense(t, &sample::expense(a.id, 100), Vec::new()).await.unwrap();
    store.expenses.insert_expense(t, &sample::expense(b.id, 200), Vec::new()).await.unwrap();
    let approved = Expense { status: ExpenseStatus::Approved, ..expense.clone() };
    assert!(
        store
            .expenses
            .update_expense(t, &approved, &|stored| stored.advance_to(ExpenseStatus::Approved).map(|_| ()), Vec::new())
            .await
            .unwrap()
    );
    assert_eq!(store.expenses.expense(t, expense.id).await.unwrap().unwrap(), approved);
    let count = |filter: ExpenseFilter| expenses(&store, t, filter);
    assert_eq!(count(ExpenseFilter::default()).await.total, 3);
    assert_eq!(count(ExpenseFilter { building: Some(a.id), ..Default::default() }).await.total, 2);
    let drafts = count(ExpenseFilter { status: Some(ExpenseStatus::Draft), ..Default::default() }).await;
    assert_eq!((drafts.total, drafts.items.len()), (2, 2));
    assert_eq!(count(ExpenseFilter { building: Some(a.id), status: Some(ExpenseStatus::Approved), ..Default::default() }).await.total, 1);
    let in_window = ExpenseFilter {
        from: Some(day(2026, 2, 14)),
        to: Some(day(2026, 2, 14)),
        fund: Some(koprogo_domain::expense::Fund::Working),
        ..Default::default()
    };
    assert_eq!(count(in_window).await.total, 3);
    assert_eq!(count(ExpenseFilter { from: Some(day(2026, 2, 15)), ..Default::default() }).await.total, 0);
}

pub async fn only_draft_expenses_are_rewritten_or_deleted(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let expense = sample::expense(building.id, 1000);
    store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap();
    let approved = Expense { status: ExpenseStatus::Approved, ..expense.clone() };
    store.expenses.update_expense(t, &approved, &|_| Ok(()), Vec::new()).await.unwrap();
    let refused = store.expenses.delete_expense(t, expense.id, &Expense::check_editable, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Rule(Rule::ExpenseNotDraft))), "{refused:?}");
    assert!(store.expenses.expense(t, expense.id).await.unwrap().is_some());
    let draft = sample::expense(building.id, 5);
    store.expenses.insert_expense(t, &draft, Vec::new()).await.unwrap();
    assert!(store.expenses.delete_expense(t, draft.id, &Expense::check_editable, Vec::new()).await.unwrap());
    assert_eq!(expenses(&store, t, ExpenseFilter { building: Some(building.id), ..Default::default() }).await.total, 1);
}

pub async fn deleting_what_others_depend_on_is_refused(store: Store) {
    let t = tenant(&store).await;
    let building = sample::building("A", "Liège");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    let unit = sample::unit(building.id, "1", 10);
    store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), Vec::new()).await.unwrap();
    let owner = sample::owner("A");
    store.owners.insert_owner(t, &owner, Vec::new()).await.unwrap();
    let stake = sample::ownership(unit.id, owner.id, "100", day(2020, 1, 1), None);
    store.owners.save_ownership(t, &stake, &|_| Ok(()), Vec::new()).await.unwrap();
    assert!(matches!(
        store.buildings.delete_building(t, building.id, at(), Vec::new()).await,
        Err(StoreError::Conflict("building.has_units"))
    ));
    assert!(matches!(store.units.delete_unit(t, unit.id, Vec::new()).await, Err(StoreError::Conflict("unit.has_ownerships"))));
    assert!(matches!(store.owners.delete_owner(t, owner.id, Vec::new()).await, Err(StoreError::Conflict("owner.has_ownerships"))));
    assert!(store.owners.delete_ownership(t, stake.id, Vec::new()).await.unwrap());
    assert!(store.units.delete_unit(t, unit.id, Vec::new()).await.unwrap());
    assert!(store.owners.delete_owner(t, owner.id, Vec::new()).await.unwrap());
    let expense = sample::expense(building.id, 1);
    store.expenses.insert_expense(t, &expense, Vec::new()).await.unwrap();
    assert!(matches!(
        store.buildings.delete_building(t, building.id, at(), Vec::new()).await,
        Err(StoreError::Conflict("building.has_expenses"))
    ));
    store.expenses.delete_expense(t, expense.id, &|_| Ok(()), Vec::new()).await.unwrap();
    assert!(store.buildings.delete_building(t, building.id, at(), Vec::new()).await.unwrap());
    assert_eq!(store.buildings.buildings(t, &query(BuildingSort::Name), &Visibility::default()).await.unwrap().total, 0);
}

pub async fn pages_are_stable_and_complete(store: Store) {
    let t = tenant(&store).await;
    for i in 0..25 {
        let city = if i % 2 == 0 { "Anvers" } else { "Bruges" };
        store.buildings.insert_building(t, &sample::building(&format!("Building {:02}", 24 - i), city), Vec::new()).await.unwrap();
    }
    for descending in [false, true] {
        let mut seen = Vec::new();
        for page in 1..=3 {
            let q = koprogo_app::listing::ListQuery { page, per_page: 10, sort: BuildingSort::City, descending };
            let result = store.buildings.buildings(t, &q, &Visibility::default()).await.unwrap();
            assert_eq!(result.total, 25);
            seen.extend(result.items.into_iter().map(|b| (b.building.details.address.city.to_string(), b.building.id)));
        }
        assert_eq!(seen.len(), 25);
        let mut sorted = seen.clone();
        sorted.sort();
        if descending {
            sorted.reverse();
        }
        assert_eq!(seen, sorted, "sorted by city then id, descending = {descending}");
    }
    let by_name = store.buildings.buildings(t, &query(BuildingSort::Name), &Visibility::default()).await.unwrap();
    let names: Vec<_> = by_name.items.iter().map(|b| b.building.details.name.to_string()).collect();
    assert_eq!(names.first().map(String::as_str), Some("Building 00"));
    assert_eq!(names.last().map(String::as_str), Some("Building 24"));
}

pub async fn visibility_limits_lists(store: Store) {
    let t = tenant(&store).await;
    let (a, b) = (sample::building("A", "Liège"), sample::building("B", "Liège"));
    store.buildings.insert_building(t, &a, Vec::new()).await.unwrap();
    store.buildings.insert_building(t, &b, Vec::new()).await.unwrap();
    let (ua, ub) = (sample::unit(a.id, "1", 10), sample::unit(b.id, "1", 10));
    for u in [&ua, &ub] {
        store.units.insert_unit(t, u, &quota_check(u.details.quota), Vec::new()).await.unwrap();
    }
    store.expenses.insert_expense(t, &sample::expense(b.id, 10), Vec::new()).await.unwrap();
    let only_a = Visibility { buildings: Some(vec![a.id]), ..Visibility::default() };
    let buildings = store.buildings.buildings(t, &query(BuildingSort::Name), &only_a).await.unwrap();
    assert_eq!((buildings.total, buildings.items.len()), (1, 1));
    assert_eq!(buildings.items[0].building.id, a.id);
    let units = store.units.units(t, &query(UnitSort::Number), None, &only_a).await.unwrap();
    assert_eq!(units.items.iter().map(|u| u.id).collect::<Vec<_>>(), vec![ua.id]);
    assert_eq!(units.total, 1);
    let expenses = store.expenses.expenses(t, &query(ExpenseSort::Date), &ExpenseFilter::default(), &only_a).await.unwrap();
    assert_eq!((expenses.total, expenses.items.len()), (0, 0));
    // Owners see what the syndic decided: the approved expense, not the draft beside it.
    let decided = Expense { status: ExpenseStatus::Approved, ..sample::expense(b.id, 20) };
    store.expenses.insert_expense(t, &decided, Vec::new()).await.unwrap();
    let owners_view = Visibility { decided_only: true, ..Visibility::default() };
    let seen = store.expenses.expenses(t, &query(ExpenseSort::Date), &ExpenseFilter::default(), &owners_view).await.unwrap();
    assert_eq!((seen.total, seen.items.iter().map(|e| e.id).collect::<Vec<_>>()), (1, vec![decided.id]));
    let nothing = Visibility { buildings: Some(Vec::<BuildingId>::new()), ..Visibility::default() };
    assert_eq!(store.buildings.buildings(t, &query(BuildingSort::Name), &nothing).await.unwrap().total, 0);
}
