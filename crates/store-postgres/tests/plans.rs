//! The one-organisation trap (issue 21), kept from coming back: with all rows
//! in one tenant, plans made while its tables were small, or with a page size
//! the planner cannot see, read every row of the table for each page. Here
//! the store serves one organisation while it is small (so its connections
//! keep their plans), the organisation then grows to 10 000 rows a table, the
//! statistics keeper runs its round, and every list and write of the store
//! must then reach those tables through an index: a sequential scan of a
//! table that large fails the test, with the table named.

use std::collections::BTreeMap;
use std::sync::Arc;

use koprogo_app::Store;
use koprogo_app::listing::{BuildingSort, ExpenseSort, ListQuery, OwnerSort, UnitSort};
use koprogo_app::ports::{ExpenseFilter, OwnershipFilter, Visibility, quota_check};
use koprogo_domain::expense::ExpenseStatus;
use koprogo_domain::ids::{BuildingId, TenantId};
use koprogo_store_contract::sample::{self, tenant};
use koprogo_store_postgres::PgStore;
use koprogo_store_postgres::testing::{analyse_grown, execute, flush_statistics, fresh_database_url, session};
use sqlx::Row as _;

/// Rows per table once the organisation has grown.
const GROWN: usize = 10_000;

fn page<S: Copy>(sort: S, page: u32, descending: bool) -> ListQuery<S> {
    ListQuery { page, per_page: 20, sort, descending }
}

/// Every list the API pages through, each sort both ways, first and a later
/// page; details; and each kind of write, with its audit event.
async fn lists_and_writes(store: &Store, t: TenantId, building: BuildingId, round: usize) {
    let all = Visibility::default();
    for (number, descending) in [(1, false), (4, true)] {
        for sort in [BuildingSort::Name, BuildingSort::City, BuildingSort::PostalCode, BuildingSort::CreatedAt] {
            store.buildings.buildings(t, &page(sort, number, descending), &all).await.expect("buildings");
        }
        for sort in [UnitSort::Number, UnitSort::Floor, UnitSort::Quota, UnitSort::CreatedAt] {
            store.units.units(t, &page(sort, number, descending), None, &all).await.expect("units");
            store.units.units(t, &page(sort, number, descending), Some(building), &all).await.expect("units of a building");
        }
        for sort in [OwnerSort::LastName, OwnerSort::FirstName, OwnerSort::Email, OwnerSort::CreatedAt] {
            store.owners.owners(t, &page(sort, number, descending), None, &all).await.expect("owners");
        }
        for sort in [ExpenseSort::Date, ExpenseSort::Amount, ExpenseSort::Supplier, ExpenseSort::CreatedAt] {
            store.expenses.expenses(t, &page(sort, number, descending), &ExpenseFilter::default(), &all).await.expect("expenses");
            let of_building = ExpenseFilter { building: Some(building), ..ExpenseFilter::default() };
            store.expenses.expenses(t, &page(sort, number, descending), &of_building, &all).await.expect("expenses of a building");
            let drafts = ExpenseFilter { status: Some(ExpenseStatus::Draft), ..ExpenseFilter::default() };
            store.expenses.expenses(t, &page(sort, number, descending), &drafts, &all).await.expect("expenses by status");
        }
    }
    store.buildings.building(t, building).await.expect("building").expect("found");
    let events = || vec![sample::audit_event(t, "plans.write")];
    let new_building = sample::building(&format!("Résidence {round}"), "Namur");
    store.buildings.insert_building(t, &new_building, events()).await.expect("insert building");
    let unit = sample::unit(building, &format!("N{round}"), 1);
    assert!(store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), events()).await.expect("insert unit"));
    store.units.unit(t, unit.id).await.expect("unit").expect("found");
    let owner = sample::owner(&format!("Nouveau {round}"));
    store.owners.insert_owner(t, &owner, events()).await.expect("insert owner");
    store.owners.owner(t, owner.id).await.expect("owner").expect("found");
    let ownership = sample::ownership(unit.id, owner.id, "100", sample::day(2020, 1, 1), None);
    assert!(store.owners.save_ownership(t, &ownership, &|_| Ok(()), events()).await.expect("save ownership"));
    let mine = OwnershipFilter { owner: Some(owner.id), ..OwnershipFilter::default() };
    store.owners.ownerships(t, &page(koprogo_app::listing::OwnershipSort::StartDate, 1, false), &mine, &all).await.expect("ownerships");
    let expense = sample::expense(building, 4_200);
    assert!(store.expenses.insert_expense(t, &expense, events()).await.expect("insert expense"));
    store.expenses.expense(t, expense.id).await.expect("expense").expect("found");
}

/// Sequential scans so far, per table of the public schema, and live rows.
async fn scans(url: &str) -> BTreeMap<String, (i64, f64)> {
    let mut reader = session(url).await;
    execute(&mut reader, "SELECT pg_stat_clear_snapshot()").await;
    let rows = sqlx::query("SELECT s.relname::text AS name, s.seq_scan, c.reltuples::float8 AS rows FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid")
        .fetch_all(&mut reader)
        .await
        .expect("table statistics");
    rows.iter().map(|r| (r.get::<String, _>("name"), (r.get::<i64, _>("seq_scan"), r.get::<f64, _>("rows")))).collect()
}

/// The organisation grows by `GROWN` buildings, units, owners and expenses,
/// written in bulk as an import would (the triggers keep the totals).
async fn grow(url: &str, t: TenantId) {
    let mut owner = session(url).await;
    let org = t.as_uuid();
    execute(&mut owner, &format!(
        "INSERT INTO buildings (organization_id, id, name, street, postal_code, city, country, quota_base, language, year_start_month, \
         year_start_day, unit_count, allocated_quota, expense_count, created_at, updated_at) \
         SELECT '{org}', gen_random_uuid(), 'Grown ' || n, 'Rue ' || n, 1000 + n % 8000, 'Ville ' || n % 300, 'BE', 1000, 'fr', 1, 1, 0, 0, 0, \
         now() - n * interval '1 minute', now() FROM generate_series(1, {GROWN}) AS n"
    )).await;
    // Spread over 200 of the new buildings, as a firm's units are.
    let spread = format!("(SELECT id FROM buildings WHERE organization_id = '{org}' AND name = 'Grown ' || (1 + n % 200))");
    execute(&mut owner, &format!(
        "INSERT INTO units (organization_id, id, building_id, unit_number, unit_type, floor, surface_hundredths, quota, created_at, updated_at) \
         SELECT '{org}', gen_random_uuid(), {spread}, 'G' || n, 'apartment', n % 20, 7000, 1, now() - n * interval '1 minute', now() \
         FROM generate_series(1, {GROWN}) AS n"
    )).await;
    execute(
        &mut owner,
        &format!(
            "INSERT INTO owners (organization_id, id, kind, first_name, last_name, email, language, created_at, updated_at) \
         SELECT '{org}', gen_random_uuid(), 'natural', 'Prénom ' || n % 500, 'Nom ' || n, 'owner' || n || '@example.be', 'fr', \
         now() - n * interval '1 minute', now() FROM generate_series(1, {GROWN}) AS n"
        ),
    )
    .await;
    execute(&mut owner, &format!(
        "INSERT INTO expenses (organization_id, id, building_id, expense_date, supplier, invoice_number, description, amount_cents, vat_rate, \
         category, account_code, fund, status, created_at, updated_at) \
         SELECT '{org}', gen_random_uuid(), {spread}, DATE '2020-01-01' + n % 2000, 'Fournisseur ' || n % 700, 'F-' || n, 'Entretien', \
         100 + n, 21, 'maintenance', '6100', 'working', CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'approved' END, \
         now() - n * interval '1 minute', now() FROM generate_series(1, {GROWN}) AS n"
    )).await;
    // The keeper reads the row counts from the statistics: publish them now.
    execute(&mut owner, "SELECT pg_stat_force_next_flush()").await;
}

#[tokio::test]
async fn lists_and_writes_reach_a_grown_organisation_through_indexes() {
    let url = fresh_database_url().await;
    let (store, pg): (Store, Arc<PgStore>) = koprogo_store_postgres::connect_store(&url, 5).await.expect("connect");
    let t = tenant(&store).await;
    // Autovacuum would analyse some of these sooner or later, by chance: the
    // keeper's round is what this test relies on. (Before any plan is made:
    // altering a table renews the plans that read it.)
    let mut owner = session(&url).await;
    for table in ["buildings", "units", "owners", "expenses"] {
        execute(&mut owner, &format!("ALTER TABLE {table} SET (autovacuum_enabled = false)")).await;
    }
    let building = sample::building("Résidence Témoin", "Liège");
    let mut building = building;
    building.details.quota_base = koprogo_domain::building::QuotaBase::new(1_000_000).expect("quota base");
    store.buildings.insert_building(t, &building, Vec::new()).await.expect("insert building");
    // Small (a few rows a table), analysed so as the demo is and autovacuum
    // would: every statement is then prepared and planned on the pool's
    // connections with the statistics of a small organisation.
    lists_and_writes(&store, t, building.id, 0).await;
    store.health.refresh_statistics().await.expect("analyse");
    for round in 1..3 {
        lists_and_writes(&store, t, building.id, round).await;
    }
    let started = std::time::Instant::now();
    grow(&url, t).await;
    analyse_grown(&pg).await;
    flush_statistics(&pg).await;
    let before = scans(&url).await;
    for round in 3..6 {
        lists_and_writes(&store, t, building.id, round).await;
    }
    flush_statistics(&pg).await;
    let after = scans(&url).await;
    eprintln!("grown and measured in {:.1} s", started.elapsed().as_secs_f64());

    // The tables grown here, and any other that the writes made as large.
    let mut grown: Vec<String> = ["buildings", "units", "owners", "expenses"].map(str::to_owned).to_vec();
    grown.extend(
        after
            .iter()
            .filter(|(name, (_, rows))| *rows >= GROWN as f64 && !grown.contains(name))
            .map(|(name, _)| name.clone())
            .collect::<Vec<_>>(),
    );
    let scanned: Vec<String> = grown
        .iter()
        .filter_map(|name| {
            let delta = after[name].0 - before.get(name).map_or(0, |b| b.0);
            (delta > 0).then(|| format!("{name}: {delta} sequential scans"))
        })
        .collect();
    assert!(scanned.is_empty(), "lists and writes read a grown table in full: {scanned:?}");
    for table in &grown[..4] {
        assert!(after[table].1 >= GROWN as f64, "the keeper analysed {table}, which grew: {:?} {:?}", before.get(table), after[table]);
    }
}
