//! Row-level security as a second wall: SQL without the store's own
//! `organization_id` filters, run on the connections the store hands out,
//! still sees one organisation only — and nothing when no tenant is set.

use koprogo_app::ports::quota_check;
use koprogo_domain::assembly::majority::DecisionKind;
use koprogo_domain::assembly::meeting::AssemblyKind;
use koprogo_domain::ids::AgendaItemId;
use koprogo_domain::ids::TenantId;
use koprogo_store_contract::sample::{self, tenant};
use koprogo_store_postgres::testing::{fresh_database_url, session};
use sqlx::Row as _;

/// Every table row-level security guards.
const TENANT_TABLES: [&str; 22] = [
    "buildings",
    "units",
    "owners",
    "ownerships",
    "expenses",
    "counters",
    "distribution_keys",
    "distribution_key_weights",
    "charge_allocations",
    "fund_calls",
    "call_lines",
    "reserve_fund_waivers",
    "bank_imports",
    "payments",
    "bank_debits",
    "reminder_policies",
    "reminders",
    "audit_events",
    "audit_heads",
    "billed_buildings",
    "assemblies",
    "agenda_items",
];
/// Tenant tables this test leaves empty (the platform's invoices, made by a
/// monthly run): their row-level security is checked enabled and forced.
const EMPTY_HERE: [&str; 2] = ["invoices", "invoice_lines"];
/// Tables with an `organization_id` that stay outside, read before any
/// organisation is known (migration 0003 says why).
const IDENTITY_TABLES: [&str; 4] = ["memberships", "board_seats", "sessions", "invitations"];

async fn populate(store: &koprogo_app::Store, t: TenantId) {
    let building = sample::building("Résidence du Parc", "Namur");
    store.buildings.insert_building(t, &building, Vec::new()).await.expect("the store call succeeds");
    let unit = sample::unit(building.id, "A1", 100);
    store.units.insert_unit(t, &unit, &quota_check(unit.details.quota), Vec::new()).await.expect("the store call succeeds");
    let owner = sample::owner("Janssens");
    store.owners.insert_owner(t, &owner, Vec::new()).await.expect("the store call succeeds");
    let ownership = sample::ownership(unit.id, owner.id, "100", sample::day(2020, 1, 1), None);
    store.owners.save_ownership(t, &ownership, &|_| Ok(()), Vec::new()).await.expect("the store call succeeds");
    store.expenses.insert_expense(t, &sample::expense(building.id, 12_345), Vec::new()).await.expect("the store call succeeds");
    koprogo_store_contract::money_rows(store, t, building.id).await;
    store.audit.append(vec![koprogo_store_contract::sample::audit_event(t, "building.created")]).await.expect("the store call succeeds");
    let assembly = koprogo_store_contract::assembly(building.id, AssemblyKind::Ordinary, None);
    store.assemblies.insert_assembly(t, &assembly, Vec::new()).await.expect("the store call succeeds");
    let item = koprogo_store_contract::item("Comptes", DecisionKind::ApproveAccounts);
    let at = sample::at();
    store
        .assemblies
        .add_agenda_item(t, assembly.id, AgendaItemId::generate(), &item, at, Vec::new())
        .await
        .expect("the store call succeeds");
}

/// Runs `work` as one request of the store (what it keeps lives that long),
/// and gives back what it returned.
async fn in_request<T: Send>(store: &koprogo_app::Store, work: impl std::future::Future<Output = T> + Send) -> T {
    let mut output = None;
    store
        .health
        .request_scope(Box::pin(async {
            output = Some(work.await);
        }))
        .await;
    output.expect("the request ran to its end")
}

async fn organizations_seen(connection: &mut sqlx::PgConnection, table: &str) -> Vec<uuid::Uuid> {
    let sql = format!("SELECT DISTINCT organization_id FROM {table}");
    sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(connection).await.expect("the query runs").iter().map(|r| r.get(0)).collect()
}

#[tokio::test]
async fn without_its_filters_a_tenant_connection_sees_only_its_organisation() {
    let url = fresh_database_url().await;
    let (store, adapter) = koprogo_store_postgres::connect_store(&url, 4).await.expect("connect to the test database");
    let (mine, theirs) = (tenant(&store).await, tenant(&store).await);
    populate(&store, mine).await;
    populate(&store, theirs).await;

    // The database holds both organisations' rows: the owner sees them all.
    let mut owner = session(&url).await;
    let guarded: Vec<(String, bool, bool)> = sqlx::query_as(
        "SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c \
         JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'organization_id' \
         WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1",
    )
    .fetch_all(&mut owner)
    .await
    .expect("the store call succeeds");
    for (table, enabled, forced) in &guarded {
        if !IDENTITY_TABLES.contains(&table.as_str()) {
            assert!(*enabled && *forced, "{table} holds tenant rows without row-level security enabled and forced");
            assert!(TENANT_TABLES.contains(&table.as_str()) || EMPTY_HERE.contains(&table.as_str()), "{table}: add it to TENANT_TABLES");
        }
    }
    for table in TENANT_TABLES {
        assert_eq!(organizations_seen(&mut owner, table).await.len(), 2, "{table} as the owner");
    }

    let mut connection = adapter.tenant_connection(mine).await.expect("a tenant connection");
    for table in TENANT_TABLES {
        assert_eq!(organizations_seen(&mut connection, table).await, vec![mine.as_uuid()], "{table} unfiltered");
    }
    // Rows of another organisation can be neither written nor moved in.
    let insert = sqlx::query("INSERT INTO owners (organization_id, id, kind, last_name, language, created_at, updated_at) VALUES ($1, $2, 'person', 'X', 'fr', now(), now())")
        .bind(theirs.as_uuid())
        .bind(uuid::Uuid::now_v7())
        .execute(&mut *connection)
        .await;
    let message = insert.unwrap_err().to_string();
    assert!(message.contains("row-level security"), "{message}");
    let moved = sqlx::query("UPDATE buildings SET organization_id = $1").bind(theirs.as_uuid()).execute(&mut *connection).await;
    assert!(moved.unwrap_err().to_string().contains("row-level security"));
    let touched = sqlx::query("DELETE FROM expenses WHERE organization_id = $1")
        .bind(theirs.as_uuid())
        .execute(&mut *connection)
        .await
        .expect("the query runs");
    assert_eq!(touched.rows_affected(), 0);

    // The connection does not own the tables, and cannot hand itself the
    // owner's rights back by turning row-level security off.
    let who: String = sqlx::query_scalar("SELECT current_user::text").fetch_one(&mut *connection).await.expect("the query runs");
    assert_eq!(who, "koprogo_app");
    assert!(sqlx::query("ALTER TABLE buildings DISABLE ROW LEVEL SECURITY").execute(&mut *connection).await.is_err());
    drop(connection);

    // A connection with no tenant (what a forgotten `set_config` would give)
    // sees no co-ownership data at all.
    let mut bare = session(&url).await;
    sqlx::query("SET ROLE koprogo_app").execute(&mut bare).await.expect("the query runs");
    for table in TENANT_TABLES {
        assert!(organizations_seen(&mut bare, table).await.is_empty(), "{table} without a tenant");
    }
}

#[tokio::test]
async fn a_pooled_connection_never_keeps_the_previous_tenant() {
    let url = fresh_database_url().await;
    // One connection, so that both tenants get the very same one in turn.
    let (store, adapter) = koprogo_store_postgres::connect_store(&url, 1).await.expect("connect to the test database");
    let (first, second) = (tenant(&store).await, tenant(&store).await);
    populate(&store, first).await;
    for (t, expected) in [(first, 1), (second, 0), (first, 1)] {
        let mut connection = adapter.tenant_connection(t).await.expect("a tenant connection");
        let seen = organizations_seen(&mut connection, "buildings").await;
        assert_eq!(seen.len(), expected, "buildings seen by {t:?}");
    }
}

/// The session lookup keeps its connection, set to the session's
/// organisation, for the request's query; a query for any other organisation
/// in the same request never gets it.
#[tokio::test]
async fn the_connection_kept_from_the_session_lookup_serves_only_its_organisation() {
    use koprogo_app::account::{Membership, SessionRecord};
    use koprogo_domain::account::Role;

    let url = fresh_database_url().await;
    let (store, adapter) = koprogo_store_postgres::connect_store(&url, 2).await.expect("connect to the test database");
    let (mine, theirs) = (tenant(&store).await, tenant(&store).await);
    populate(&store, mine).await;
    populate(&store, theirs).await;
    let user = sample::user("syndic@rls.be");
    store.accounts.insert_user(&user, "h", Vec::new()).await.expect("the store call succeeds");
    let membership = Membership { tenant: mine, user: user.id, role: Role::Syndic, owner: None, buildings: vec![] };
    store.accounts.save_membership(&membership, Vec::new()).await.expect("the store call succeeds");
    let at = sample::at();
    let record = SessionRecord {
        family: uuid::Uuid::now_v7(),
        user: user.id,
        tenant: Some(mine),
        access_digest: [7; 32],
        access_expires: at + chrono::Duration::minutes(15),
        refresh_digest: [8; 32],
        refresh_expires: at + chrono::Duration::days(1),
        created_at: at,
    };
    store.accounts.insert_session(&record, Vec::new()).await.expect("the store call succeeds");

    for (asked, expected) in [(mine, mine), (theirs, theirs)] {
        let seen = in_request(&store, async {
            let (actor, _) =
                store.accounts.actor(&record.access_digest, at).await.expect("the store call succeeds").expect("the store call succeeds");
            assert_eq!(actor.tenant, Some(mine));
            let mut connection = adapter.tenant_connection(asked).await.expect("a tenant connection");
            organizations_seen(&mut connection, "buildings").await
        })
        .await;
        assert_eq!(seen, vec![expected.as_uuid()], "asked for {asked:?}");
    }
    // And the store's own reads in such a request see the right data.
    let found = in_request(&store, async {
        store.accounts.actor(&record.access_digest, at).await.expect("the store call succeeds");
        let all = koprogo_app::ports::Visibility::default();
        let query = sample::query(koprogo_app::listing::BuildingSort::Name);
        store.buildings.buildings(theirs, &query, &all).await.expect("the store call succeeds").total
    })
    .await;
    assert_eq!(found, 1);
}

/// The audit trail is append-only: the service's role may not change or
/// remove an event, and a trigger refuses it even to the tables' owner.
#[tokio::test]
async fn the_audit_trail_is_append_only_for_the_service_and_its_owner() {
    let url = fresh_database_url().await;
    let (store, adapter) = koprogo_store_postgres::connect_store(&url, 2).await.expect("connect to the test database");
    let t = tenant(&store).await;
    store.audit.append(vec![sample::audit_event(t, "building.created")]).await.expect("the store call succeeds");
    let mut service = adapter.tenant_connection(t).await.expect("a tenant connection");
    for sql in ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
        let refused = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut *service).await;
        assert!(refused.unwrap_err().to_string().contains("permission denied"), "{sql} as koprogo_app");
    }
    drop(service);
    let mut owner = session(&url).await;
    for sql in ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events", "TRUNCATE audit_events"] {
        let refused = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut owner).await;
        assert!(refused.unwrap_err().to_string().contains("append-only"), "{sql} as the owner");
    }
    assert_eq!(store.audit.head(t.as_uuid()).await.expect("the head").map(|(seq, _)| seq), Some(1));
}
