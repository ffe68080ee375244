//! An association's file moves between organisations whole: what arrives
//! reads back as it left, the building's totals are rebuilt, communications
//! already used by the receiver are renumbered, and nothing is half-loaded.

use koprogo_app::ports::transfer::{TableRows, Value};
use koprogo_app::{Store, StoreError};
use koprogo_domain::charges::{CallDetails, FundCall, distribute, plan_call};
use koprogo_domain::expense::{Expense, ExpenseStatus};
use koprogo_domain::ids::{BuildingId, FundCallId, TenantId};
use koprogo_domain::money::Cents;
use koprogo_domain::text::Text;

use crate::money::held_building;
use crate::sample::{self, at, day};

async fn issue(store: &Store, t: TenantId, building: BuildingId) {
    let details = CallDetails {
        building_id: building,
        title: Text::parse("T1").unwrap(),
        as_of: day(2026, 1, 1),
        due_date: day(2026, 1, 31),
        working: Cents::new(1_000).unwrap(),
        reserve: Cents::new(100).unwrap(),
        key_id: None,
    };
    let call = FundCall { id: FundCallId::generate(), details, issued_at: at(), cancelled_at: None };
    let plan = |units: &[_], holdings: &[_]| plan_call(&call.details, units, holdings);
    store.charges.issue_call(t, &call, None, &plan, Vec::new()).await.unwrap().unwrap();
}

fn rows_of<'a>(file: &'a [TableRows], table: &str) -> &'a TableRows {
    file.iter().find(|t| t.table == table).unwrap()
}

pub async fn an_association_moves_with_its_whole_file(store: Store) {
    let (source, building, _) = held_building(&store).await;
    let expense = Expense { status: ExpenseStatus::Approved, ..sample::expense(building.id, 50_001) };
    store.expenses.insert_expense(source, &expense, Vec::new()).await.unwrap();
    let share = |e: &Expense, units: &[_], holdings: &[_]| Ok((e.status, distribute(e.details.amount, units, holdings)?));
    store.charges.distribute_expense(source, expense.id, None, at(), &share, Vec::new()).await.unwrap().unwrap();
    issue(&store, source, building.id).await;
    let assembly = crate::assembly(building.id, koprogo_domain::assembly::meeting::AssemblyKind::Ordinary, None);
    store.assemblies.insert_assembly(source, &assembly, Vec::new()).await.unwrap();
    let item = crate::item("Comptes", koprogo_domain::assembly::majority::DecisionKind::ApproveAccounts);
    let id = koprogo_domain::ids::AgendaItemId::generate();
    store.assemblies.add_agenda_item(source, assembly.id, id, &item, at(), Vec::new()).await.unwrap().unwrap();
    // The receiver numbered its own calls from the same start.
    let (target, theirs, _) = held_building(&store).await;
    issue(&store, target, theirs.id).await;

    let file = store.transfer.export_association(source, building.id).await.unwrap().unwrap();
    let count = |table: &str| rows_of(&file, table).rows.len();
    assert_eq!([count("buildings"), count("units"), count("owners"), count("ownerships")], [1, 2, 2, 2]);
    assert_eq!([count("expenses"), count("charge_allocations"), count("fund_calls"), count("call_lines")], [1, 2, 1, 2]);
    assert_eq!([count("assemblies"), count("agenda_items")], [1, 1]);
    assert!(rows_of(&file, "buildings").columns.iter().all(|c| c != "organization_id"));

    let report = store.transfer.import_association(target, &file, Vec::new()).await.unwrap();
    assert_eq!(report.rows, file.iter().map(|t| t.rows.len() as u64).sum::<u64>());
    assert_eq!(report.renumbered.len(), 2, "both communications were taken: {report:?}");

    let moved = store.transfer.export_association(target, building.id).await.unwrap().unwrap();
    for (before, after) in file.iter().zip(&moved) {
        if before.table == "call_lines" {
            continue;
        }
        assert_eq!(before, after, "{} arrived changed", before.table);
    }
    let at_communication = rows_of(&moved, "call_lines").columns.iter().position(|c| c == "communication").unwrap();
    let fresh: Vec<&Value> = rows_of(&moved, "call_lines").rows.iter().map(|r| &r[at_communication]).collect();
    assert!(report.renumbered.iter().all(|(_, _, new)| fresh.contains(&&Value::Text(new.clone()))));

    let (left, arrived) = (
        store.buildings.building(source, building.id).await.unwrap().unwrap(),
        store.buildings.building(target, building.id).await.unwrap().unwrap(),
    );
    assert_eq!((arrived.unit_count, arrived.allocated_quota), (left.unit_count, left.allocated_quota), "totals rebuilt, not doubled");
    // The receiver's sequence moved past the file's numbers and its own.
    issue(&store, target, theirs.id).await;

    let again = store.transfer.import_association(target, &file, Vec::new()).await;
    assert!(matches!(again, Err(StoreError::Conflict("import.exists"))), "{again:?}");
    let mut odd = file.clone();
    odd[1].columns[0] = "shoe_size".to_owned();
    let fresh_target = crate::sample::tenant(&store).await;
    let refused = store.transfer.import_association(fresh_target, &odd, Vec::new()).await;
    assert!(matches!(refused, Err(StoreError::Conflict("import.malformed"))), "{refused:?}");
    assert_eq!(store.buildings.building(fresh_target, building.id).await.unwrap(), None, "nothing half-loaded");
    assert_eq!(store.transfer.export_association(source, BuildingId::generate()).await.unwrap(), None);
}

/// Tables with a `building_id` that are not the association's own rows: a
/// board member's seat belongs to their login, and the platform's invoices
/// to what KoproGo billed the syndic firm.
const NOT_THE_ASSOCIATION_S: &[&str] = &["board_seats", "billed_buildings", "invoice_lines"];

pub async fn every_building_table_moves_with_the_association(store: Store) {
    use koprogo_app::ports::transfer::ASSOCIATION_TABLES;
    let columns = store.catalog.columns().await.unwrap();
    let mut of_a_building: Vec<&str> = columns.iter().filter(|(_, c)| c == "building_id").map(|(t, _)| t.as_str()).collect();
    of_a_building.sort_unstable();
    of_a_building.dedup();
    let forgotten: Vec<&&str> =
        of_a_building.iter().filter(|t| !ASSOCIATION_TABLES.contains(t) && !NOT_THE_ASSOCIATION_S.contains(t)).collect();
    assert!(forgotten.is_empty(), "tables of a building missing from the association's file: {forgotten:?}");
    let tables: Vec<&str> = columns.iter().map(|(t, _)| t.as_str()).collect();
    for table in ASSOCIATION_TABLES {
        assert!(tables.contains(table), "{table} is in the association's file but not in the schema");
        assert!(reached_through_another(table) || of_a_building.contains(table), "{table} has no building_id");
    }
}

/// Tables of the file that reach their building through another table.
fn reached_through_another(table: &str) -> bool {
    matches!(table, "buildings" | "owners" | "ownerships" | "charge_allocations" | "agenda_items")
}
