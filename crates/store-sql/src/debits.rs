//! Debits' rows, and the paid expenses a debit may settle; the port itself
//! is `adapter/debits.rs`.

use koprogo_domain::debit::{Debit, DebitMatch, PaidExpense, Settlement};
use koprogo_domain::expense::Fund;
use koprogo_domain::ids::{BankImportId, BuildingId, DebitId, ExpenseId};
use uuid::Uuid;

use crate::money_rows::{Parsed, cents};

#[derive(sqlx::FromRow)]
pub struct DebitRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub import_id: Uuid,
    pub value_date: chrono::NaiveDate,
    pub amount_cents: i64,
    pub account_fund: String,
    pub reference: Option<String>,
    pub counterparty_iban: Option<String>,
    pub counterparty_name: Option<String>,
    pub bank_reference: String,
    pub expense_id: Option<Uuid>,
    pub matched_by: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

pub const DEBIT_COLUMNS: &str = "id, building_id, import_id, value_date, amount_cents, account_fund, reference, counterparty_iban, \
     counterparty_name, bank_reference, expense_id, matched_by, created_at";

impl TryFrom<DebitRow> for Debit {
    type Error = anyhow::Error;

    fn try_from(row: DebitRow) -> Parsed<Self> {
        let settles = match (row.expense_id, row.matched_by.as_deref()) {
            (Some(expense), Some(how)) => Some(Settlement {
                expense: ExpenseId::from_uuid(expense),
                matched_by: DebitMatch::parse(how).map_err(|e| anyhow::anyhow!("stored matched_by: {e}"))?,
            }),
            _ => None,
        };
        Ok(Debit {
            id: DebitId::from_uuid(row.id),
            building_id: BuildingId::from_uuid(row.building_id),
            import_id: BankImportId::from_uuid(row.import_id),
            value_date: row.value_date,
            amount: cents("amount_cents", row.amount_cents)?,
            account: Fund::parse(&row.account_fund).map_err(|e| anyhow::anyhow!("stored account fund: {e}"))?,
            reference: row.reference,
            counterparty_iban: row.counterparty_iban,
            counterparty_name: row.counterparty_name,
            bank_reference: row.bank_reference,
            settles,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PaidExpenseRow {
    pub id: Uuid,
    pub expense_date: chrono::NaiveDate,
    pub supplier: String,
    pub invoice_number: Option<String>,
    pub amount_cents: i64,
}

impl TryFrom<PaidExpenseRow> for PaidExpense {
    type Error = anyhow::Error;

    fn try_from(row: PaidExpenseRow) -> Parsed<Self> {
        Ok(PaidExpense {
            id: ExpenseId::from_uuid(row.id),
            date: row.expense_date,
            supplier: row.supplier,
            invoice_number: row.invoice_number,
            amount: cents("amount_cents", row.amount_cents)?,
        })
    }
}

/// A paid expense of the building that no debit settles yet.
pub const OPEN_PAID_EXPENSES: &str = "SELECT e.id, e.expense_date, e.supplier, e.invoice_number, e.amount_cents FROM expenses e \
     WHERE e.organization_id = $1 AND e.building_id = $2 AND e.status = 'paid' \
     AND NOT EXISTS (SELECT 1 FROM bank_debits d WHERE d.organization_id = e.organization_id AND d.expense_id = e.id)";
