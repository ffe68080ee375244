//! Which rows of each table make up an association's file, and which
//! columns the import rebuilds; the port itself is `adapter/transfer.rs`.

/// The rows of `table` that belong to the building `$2` of the organisation `$1`.
pub fn of_building(table: &str) -> Option<&'static str> {
    Some(match table {
        "buildings" => "id = $2",
        "owners" => {
            "id IN (SELECT s.owner_id FROM ownerships s JOIN units u ON u.organization_id = s.organization_id AND u.id = s.unit_id \
             WHERE s.organization_id = $1 AND u.building_id = $2 \
             UNION SELECT owner_id FROM call_lines WHERE organization_id = $1 AND building_id = $2 \
             UNION SELECT owner_id FROM payments WHERE organization_id = $1 AND building_id = $2 AND owner_id IS NOT NULL \
             UNION SELECT owner_id FROM reminders WHERE organization_id = $1 AND building_id = $2 \
             UNION SELECT c.owner_id FROM charge_allocations c JOIN expenses e ON e.organization_id = c.organization_id AND e.id = c.expense_id \
             WHERE c.organization_id = $1 AND e.building_id = $2)"
        }
        "ownerships" => "unit_id IN (SELECT id FROM units WHERE organization_id = $1 AND building_id = $2)",
        "charge_allocations" => "expense_id IN (SELECT id FROM expenses WHERE organization_id = $1 AND building_id = $2)",
        "agenda_items" => "assembly_id IN (SELECT id FROM assemblies WHERE organization_id = $1 AND building_id = $2)",
        "units"
        | "distribution_keys"
        | "distribution_key_weights"
        | "expenses"
        | "fund_calls"
        | "call_lines"
        | "reserve_fund_waivers"
        | "bank_imports"
        | "payments"
        | "bank_debits"
        | "reminder_policies"
        | "reminders"
        | "assemblies" => "building_id = $2",
        _ => return None,
    })
}

/// The building's totals are rebuilt by the triggers as its units and expenses load.
pub fn rebuilt_by_triggers(table: &str, column: &str) -> bool {
    table == "buildings" && matches!(column, "unit_count" | "allocated_quota" | "expense_count")
}
