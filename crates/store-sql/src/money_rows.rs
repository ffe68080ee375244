//! Rows of the money tables and their mapping to domain values, written once.

use koprogo_domain::charges::{CallDetails, CallLine, FundCall, Holding, KeyWeights, OwnerPart, UnitPart, UnitWeight};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::ids::{BuildingId, CallLineId, DistributionKeyId, FundCallId, OwnerId, UnitId};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::Share;
use koprogo_domain::text::Text;
use uuid::Uuid;

pub(crate) type Parsed<T> = anyhow::Result<T>;

pub(crate) fn cents(name: &str, raw: i64) -> Parsed<Cents> {
    Cents::new(raw).map_err(|e| anyhow::anyhow!("stored {name} is invalid: {e}"))
}

#[derive(sqlx::FromRow)]
pub struct UnitWeightRow {
    pub id: Uuid,
    pub unit_number: String,
    pub weight: i64,
}

impl From<UnitWeightRow> for UnitWeight {
    fn from(row: UnitWeightRow) -> Self {
        UnitWeight { unit: UnitId::from_uuid(row.id), number: row.unit_number, weight: u64::try_from(row.weight).unwrap_or(0) }
    }
}

#[derive(sqlx::FromRow)]
pub struct HoldingRow {
    pub unit_id: Uuid,
    pub owner_id: Uuid,
    pub share_basis_points: i32,
}

impl TryFrom<HoldingRow> for Holding {
    type Error = anyhow::Error;

    fn try_from(row: HoldingRow) -> Parsed<Self> {
        Ok(Holding {
            unit: UnitId::from_uuid(row.unit_id),
            owner: OwnerId::from_uuid(row.owner_id),
            share: Share::from_basis_points(i64::from(row.share_basis_points)).map_err(|e| anyhow::anyhow!("stored share: {e}"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AllocationRow {
    pub unit_id: Uuid,
    pub owner_id: Uuid,
    pub unit_number: String,
    pub unit_weight: i64,
    pub unit_amount_cents: i64,
    pub unit_rounded_up: bool,
    pub share_basis_points: i32,
    pub amount_cents: i64,
    pub rounded_up: bool,
}

/// Rebuilds the unit parts, in the order they were stored (unit number, then share).
pub fn unit_parts(rows: Vec<AllocationRow>) -> Parsed<Vec<UnitPart>> {
    let mut parts: Vec<UnitPart> = Vec::new();
    for row in rows {
        let owner = OwnerPart {
            owner: OwnerId::from_uuid(row.owner_id),
            share: Share::from_basis_points(i64::from(row.share_basis_points)).map_err(|e| anyhow::anyhow!("stored share: {e}"))?,
            amount: cents("amount_cents", row.amount_cents)?,
            rounded_up: row.rounded_up,
        };
        let unit = UnitId::from_uuid(row.unit_id);
        match parts.last_mut().filter(|p| p.unit == unit) {
            Some(part) => part.owners.push(owner),
            None => parts.push(UnitPart {
                unit,
                number: row.unit_number,
                weight: u64::try_from(row.unit_weight)?,
                amount: cents("unit_amount_cents", row.unit_amount_cents)?,
                rounded_up: row.unit_rounded_up,
                owners: vec![owner],
            }),
        }
    }
    Ok(parts)
}

/// Keys come with their weights: (key id, building, name, created_at) then (key id, unit, weight).
pub fn keys_from(
    heads: Vec<(Uuid, Uuid, String, chrono::DateTime<chrono::Utc>)>,
    weights: &[(Uuid, Uuid, i64)],
) -> Parsed<Vec<koprogo_domain::charges::DistributionKey>> {
    heads
        .into_iter()
        .map(|(id, building, name, created_at)| {
            let entries = weights
                .iter()
                .filter(|(key, _, _)| *key == id)
                .map(|(_, unit, weight)| Ok((UnitId::from_uuid(*unit), u64::try_from(*weight)?)))
                .collect::<Parsed<Vec<_>>>()?;
            Ok(koprogo_domain::charges::DistributionKey {
                id: DistributionKeyId::from_uuid(id),
                building_id: BuildingId::from_uuid(building),
                name: Text::parse(&name).map_err(|e| anyhow::anyhow!("stored key name: {e}"))?,
                weights: KeyWeights::new(entries).map_err(|e| anyhow::anyhow!("stored key weights: {e}"))?,
                created_at,
            })
        })
        .collect()
}

#[derive(sqlx::FromRow)]
pub struct CallRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub title: String,
    pub as_of: chrono::NaiveDate,
    pub due_date: chrono::NaiveDate,
    pub working_cents: i64,
    pub reserve_cents: i64,
    pub distribution_key_id: Option<Uuid>,
    pub issued_at: chrono::DateTime<chrono::Utc>,
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
}

pub const CALL_COLUMNS: &str =
    "id, building_id, title, as_of, due_date, working_cents, reserve_cents, distribution_key_id, issued_at, cancelled_at";

impl TryFrom<CallRow> for FundCall {
    type Error = anyhow::Error;

    fn try_from(row: CallRow) -> Parsed<Self> {
        Ok(FundCall {
            id: FundCallId::from_uuid(row.id),
            issued_at: row.issued_at,
            cancelled_at: row.cancelled_at,
            details: CallDetails {
                building_id: BuildingId::from_uuid(row.building_id),
                title: Text::parse(&row.title).map_err(|e| anyhow::anyhow!("stored call title: {e}"))?,
                as_of: row.as_of,
                due_date: row.due_date,
                working: cents("working_cents", row.working_cents)?,
                reserve: cents("reserve_cents", row.reserve_cents)?,
                key_id: row.distribution_key_id.map(DistributionKeyId::from_uuid),
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct CallLineRow {
    pub id: Uuid,
    pub call_id: Uuid,
    pub owner_id: Uuid,
    pub working_cents: i64,
    pub reserve_cents: i64,
    pub communication: String,
}

pub const CALL_LINE_COLUMNS: &str = "id, call_id, owner_id, working_cents, reserve_cents, communication";

impl TryFrom<CallLineRow> for CallLine {
    type Error = anyhow::Error;

    fn try_from(row: CallLineRow) -> Parsed<Self> {
        Ok(CallLine {
            id: CallLineId::from_uuid(row.id),
            call_id: FundCallId::from_uuid(row.call_id),
            owner: OwnerId::from_uuid(row.owner_id),
            working: cents("working_cents", row.working_cents)?,
            reserve: cents("reserve_cents", row.reserve_cents)?,
            communication: StructuredCommunication::parse(&row.communication).map_err(|e| anyhow::anyhow!("stored communication: {e}"))?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct PaymentRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub value_date: chrono::NaiveDate,
    pub amount_cents: i64,
    pub communication: Option<String>,
    pub free_text: Option<String>,
    pub counterparty_iban: Option<String>,
    pub counterparty_name: Option<String>,
    pub bank_reference: Option<String>,
    pub import_id: Option<Uuid>,
    pub call_line_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub working_cents: i64,
    pub reserve_cents: i64,
    pub matched_by: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub account_fund: Option<String>,
}

pub const PAYMENT_COLUMNS: &str = "id, building_id, value_date, amount_cents, communication, free_text, counterparty_iban, counterparty_name, \
     bank_reference, import_id, call_line_id, owner_id, working_cents, reserve_cents, matched_by, created_at, account_fund";

impl TryFrom<PaymentRow> for koprogo_domain::payment::Payment {
    type Error = anyhow::Error;

    fn try_from(row: PaymentRow) -> Parsed<Self> {
        use koprogo_domain::payment::{Allocation, MatchedBy};
        let allocation = match (row.call_line_id, row.owner_id, row.matched_by.as_deref()) {
            (Some(line), Some(owner), Some(how)) => Some(Allocation {
                line: CallLineId::from_uuid(line),
                owner: OwnerId::from_uuid(owner),
                working: cents("working_cents", row.working_cents)?,
                reserve: cents("reserve_cents", row.reserve_cents)?,
                matched_by: MatchedBy::parse(how).map_err(|e| anyhow::anyhow!("stored matched_by: {e}"))?,
            }),
            _ => None,
        };
        Ok(koprogo_domain::payment::Payment {
            id: koprogo_domain::ids::PaymentId::from_uuid(row.id),
            building_id: BuildingId::from_uuid(row.building_id),
            value_date: row.value_date,
            amount: cents("amount_cents", row.amount_cents)?,
            communication: row
                .communication
                .as_deref()
                .map(StructuredCommunication::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("stored communication: {e}"))?,
            free_text: row.free_text,
            counterparty_iban: row.counterparty_iban,
            counterparty_name: row.counterparty_name,
            account: row
                .account_fund
                .as_deref()
                .map(koprogo_domain::expense::Fund::parse)
                .transpose()
                .map_err(|e| anyhow::anyhow!("stored account fund: {e}"))?,
            bank_reference: row.bank_reference,
            import_id: row.import_id.map(koprogo_domain::ids::BankImportId::from_uuid),
            allocation,
            created_at: row.created_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OwnerChargeRow {
    pub expense_id: Uuid,
    pub expense_date: chrono::NaiveDate,
    pub supplier: String,
    pub description: String,
    pub fund: String,
    pub key_name: Option<String>,
    pub unit_number: String,
    pub unit_weight: i64,
    pub expense_amount_cents: i64,
    pub amount_cents: i64,
}

impl OwnerChargeRow {
    pub fn into_charge(self, weight_total: u64) -> Parsed<koprogo_app::ports::money::OwnerCharge> {
        Ok(koprogo_app::ports::money::OwnerCharge {
            expense_id: koprogo_domain::ids::ExpenseId::from_uuid(self.expense_id),
            date: self.expense_date,
            supplier: self.supplier,
            description: self.description,
            fund: koprogo_domain::expense::Fund::parse(&self.fund).map_err(|e| anyhow::anyhow!("stored fund: {e}"))?,
            key_name: self.key_name,
            unit_number: self.unit_number,
            weight: u64::try_from(self.unit_weight).unwrap_or(0),
            weight_total,
            expense_amount: cents("amount_cents", self.expense_amount_cents)?,
            amount: cents("amount_cents", self.amount_cents)?,
        })
    }
}
