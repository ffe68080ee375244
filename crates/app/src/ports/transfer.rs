//! The port that moves an association's whole file between organisations
//! (a building changing syndic): its rows, table by table, in a form that
//! reads the same from either database and loads into either.

use crate::ports::audit::Events;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_domain::ids::{BuildingId, TenantId};
use uuid::Uuid;

use crate::ports::StoreResult;

/// What a column holds, whatever the database calls it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Uuid,
    Text,
    Integer,
    Boolean,
    Date,
    Timestamp,
}

const INTEGERS: &[&str] = &[
    "quota",
    "quota_base",
    "floor",
    "surface_hundredths",
    "construction_year",
    "year_start_month",
    "year_start_day",
    "share_basis_points",
    "weight",
    "unit_weight",
    "allocated_quota",
    "fiscal_year",
    "vat_rate",
    "interest_basis_points",
    "seq",
    "value",
    "number",
];
const DATES: &[&str] = &["as_of", "sent_on", "oldest_due", "decided_on", "interest_from"];
const BOOLEANS: &[&str] = &["rounded_up", "unit_rounded_up", "is_platform_admin"];
/// Text despite their names: lists written out (`0,1500,2500`).
const TEXTS: &[&str] = &["fees_cents", "delays_days"];

/// The kind of a column, from the schema's naming rules (`*_id` ids, `*_at`
/// times, `*_date` days, `*_cents` and `*_count` integers). The transfer
/// contract test checks these rules against PostgreSQL's own column types.
pub fn kind_of(column: &str) -> Kind {
    if TEXTS.contains(&column) {
        Kind::Text
    } else if column == "id" || column.ends_with("_id") || column == "family" || column == "actor_user" {
        Kind::Uuid
    } else if column.ends_with("_at") {
        Kind::Timestamp
    } else if column.ends_with("_date") || DATES.contains(&column) {
        Kind::Date
    } else if BOOLEANS.contains(&column) {
        Kind::Boolean
    } else if column.ends_with("_cents") || column.ends_with("_count") || INTEGERS.contains(&column) {
        Kind::Integer
    } else {
        Kind::Text
    }
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Null,
    Uuid(Uuid),
    Text(String),
    Integer(i64),
    Boolean(bool),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
}

/// One table's rows, columns named once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The tables of an association's file, in the order they load (references first).
pub const ASSOCIATION_TABLES: &[&str] = &[
    "buildings",
    "units",
    "owners",
    "ownerships",
    "distribution_keys",
    "distribution_key_weights",
    "expenses",
    "charge_allocations",
    "fund_calls",
    "call_lines",
    "reserve_fund_waivers",
    "bank_imports",
    "payments",
    "bank_debits",
    "reminder_policies",
    "reminders",
    "assemblies",
    "agenda_items",
];

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows: u64,
    /// Call lines whose structured communication the receiving organisation
    /// already used: each got a new one (their letters must be sent again).
    pub renumbered: Vec<(Uuid, String, String)>,
}

#[async_trait::async_trait]
pub trait TransferStore: Send + Sync {
    /// Every row of the building's file, table by table in `ASSOCIATION_TABLES`
    /// order, its organisation column left out. `Ok(None)` when missing.
    async fn export_association(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Option<Vec<TableRows>>>;

    /// Loads a file into `tenant` in one transaction: the building's totals are
    /// rebuilt as its rows arrive, structured communications already used by
    /// the organisation are renumbered, and its sequence moves past them.
    /// # Errors
    /// `Conflict("import.exists")` when a row of the file is already there;
    /// `Conflict("import.malformed")` when it names an unknown table or column.
    async fn import_association(&self, tenant: TenantId, file: &[TableRows], events: Events) -> StoreResult<ImportReport>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_known_by_their_names() {
        assert_eq!(kind_of("building_id"), Kind::Uuid);
        assert_eq!(kind_of("email_consent_at"), Kind::Timestamp);
        assert_eq!(kind_of("end_date"), Kind::Date);
        assert_eq!(kind_of("oldest_due"), Kind::Date);
        assert_eq!(kind_of("amount_cents"), Kind::Integer);
        assert_eq!(kind_of("unit_rounded_up"), Kind::Boolean);
        assert_eq!(kind_of("communication"), Kind::Text);
    }
}
