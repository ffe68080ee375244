//! Rows as both databases return them, and their mapping to domain values,
//! written once per table. A row that no longer parses is a corrupted row:
//! an internal error, never a silent default.

use anyhow::{Context, anyhow};
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::access::{Actor, OwnerScope};
use koprogo_app::account::{Organization, User};
use koprogo_domain::Invalid;
use koprogo_domain::account::{Language, Role};
use koprogo_domain::building::{Address, Building, BuildingDetails, BuildingSummary, Country, QuotaBase, YearStart};
use koprogo_domain::expense::{AccountCode, Category, Expense, ExpenseDetails, ExpenseStatus, Fund, VatRate};
use koprogo_domain::identifiers::{BceNumber, Email, Iban, PostalCode};
use koprogo_domain::ids::{BuildingId, ExpenseId, OwnerId, OwnershipId, TenantId, UnitId, UserId};
use koprogo_domain::owner::{Owner, OwnerDetails, Ownership, OwnershipDetails, Period, PersonKind, PostalAddress, Share};
use koprogo_domain::privacy::Privacy;
use koprogo_domain::text::Text;
use koprogo_domain::unit::{Quota, Surface, Unit, UnitDetails, UnitKind};
use uuid::Uuid;

type Parsed<T> = anyhow::Result<T>;

fn field<T>(name: &'static str, parsed: Result<T, Invalid>) -> Parsed<T> {
    parsed.map_err(|e| anyhow!("stored {name} is invalid: {e}"))
}

fn text<const N: usize>(name: &'static str, raw: &str) -> Parsed<Text<N>> {
    field(name, Text::parse(raw))
}

fn optional<T>(name: &'static str, raw: Option<&str>, parse: impl Fn(&str) -> Result<T, Invalid>) -> Parsed<Option<T>> {
    raw.map(|r| field(name, parse(r))).transpose()
}

fn postal_code(raw: &str, country: &str) -> Parsed<PostalCode> {
    field("postal_code", PostalCode::parse_in(raw, country))
}

#[derive(sqlx::FromRow)]
pub struct BuildingRow {
    pub id: Uuid,
    pub name: String,
    pub street: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub bce_number: Option<String>,
    pub quota_base: i64,
    pub construction_year: Option<i32>,
    pub language: String,
    pub working_fund_iban: Option<String>,
    pub reserve_fund_iban: Option<String>,
    pub year_start_month: i32,
    pub year_start_day: i32,
    pub unit_count: i64,
    pub allocated_quota: i64,
    pub created_at: DateTime<Utc>,
}

pub const BUILDING_COLUMNS: &str = "id, name, street, postal_code, city, country, bce_number, quota_base, construction_year, language, \
     working_fund_iban, reserve_fund_iban, year_start_month, year_start_day, unit_count, allocated_quota, created_at";

impl TryFrom<BuildingRow> for BuildingSummary {
    type Error = anyhow::Error;

    fn try_from(row: BuildingRow) -> Parsed<Self> {
        let year_start = u32::try_from(row.year_start_month)
            .ok()
            .zip(u32::try_from(row.year_start_day).ok())
            .and_then(|(m, d)| YearStart::new(m, d))
            .context("stored financial-year start is invalid")?;
        let details = BuildingDetails {
            name: text("name", &row.name)?,
            address: Address {
                street: text("street", &row.street)?,
                postal_code: postal_code(&row.postal_code, "BE")?,
                city: text("city", &row.city)?,
                country: field("country", Country::parse(&row.country))?,
            },
            bce_number: optional("bce_number", row.bce_number.as_deref(), BceNumber::parse)?,
            quota_base: field("quota_base", QuotaBase::new(row.quota_base))?,
            construction_year: row.construction_year,
            language: field("language", Language::parse(&row.language))?,
            working_fund_iban: optional("working_fund_iban", row.working_fund_iban.as_deref(), Iban::parse)?,
            reserve_fund_iban: optional("reserve_fund_iban", row.reserve_fund_iban.as_deref(), Iban::parse)?,
            year_start,
        };
        Ok(BuildingSummary {
            building: Building { id: BuildingId::from_uuid(row.id), created_at: row.created_at, details },
            unit_count: u64::try_from(row.unit_count)?,
            allocated_quota: u64::try_from(row.allocated_quota)?,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct UnitRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub unit_number: String,
    pub unit_type: String,
    pub floor: Option<i32>,
    pub surface_hundredths: Option<i64>,
    pub quota: i64,
    pub created_at: DateTime<Utc>,
}

pub const UNIT_COLUMNS: &str = "id, building_id, unit_number, unit_type, floor, surface_hundredths, quota, created_at";

impl TryFrom<UnitRow> for Unit {
    type Error = anyhow::Error;

    fn try_from(row: UnitRow) -> Parsed<Self> {
        Ok(Unit {
            id: UnitId::from_uuid(row.id),
            created_at: row.created_at,
            details: UnitDetails {
                building_id: BuildingId::from_uuid(row.building_id),
                number: text("unit_number", &row.unit_number)?,
                kind: field("unit_type", UnitKind::parse(&row.unit_type))?,
                floor: row.floor,
                surface: row.surface_hundredths.map(|s| field("surface", Surface::from_hundredths(s))).transpose()?,
                quota: field("quota", Quota::new(row.quota))?,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OwnerRow {
    pub id: Uuid,
    pub kind: String,
    pub first_name: Option<String>,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub street: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
    pub iban: Option<String>,
    pub language: String,
    pub bce_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub email_consent_at: Option<DateTime<Utc>>,
    pub erased_at: Option<DateTime<Utc>>,
}

pub const OWNER_COLUMNS: &str = "id, kind, first_name, last_name, email, phone, street, postal_code, city, country, iban, language, \
     bce_number, created_at, email_consent_at, erased_at";

impl TryFrom<OwnerRow> for Owner {
    type Error = anyhow::Error;

    fn try_from(row: OwnerRow) -> Parsed<Self> {
        let address = match (row.street.as_deref(), row.city.as_deref(), row.country.as_deref()) {
            (Some(street), Some(city), Some(country)) => {
                let country = field("country", Country::parse(country))?;
                Some(PostalAddress {
                    street: text("street", street)?,
                    postal_code: row.postal_code.as_deref().map(|p| postal_code(p, country.as_str())).transpose()?,
                    city: text("city", city)?,
                    country,
                })
            }
            _ => None,
        };
        Ok(Owner {
            id: OwnerId::from_uuid(row.id),
            created_at: row.created_at,
            details: OwnerDetails {
                kind: field("kind", PersonKind::parse(&row.kind))?,
                first_name: optional("first_name", row.first_name.as_deref(), Text::parse)?,
                last_name: text("last_name", &row.last_name)?,
                email: optional("email", row.email.as_deref(), Email::parse)?,
                phone: optional("phone", row.phone.as_deref(), Text::parse)?,
                address,
                iban: optional("iban", row.iban.as_deref(), Iban::parse)?,
                language: field("language", Language::parse(&row.language))?,
                bce_number: optional("bce_number", row.bce_number.as_deref(), BceNumber::parse)?,
            },
            privacy: Privacy { email_consent_at: row.email_consent_at, erased_at: row.erased_at },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OwnershipRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub owner_id: Uuid,
    pub share_basis_points: i32,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
}

pub const OWNERSHIP_COLUMNS: &str = "id, unit_id, owner_id, share_basis_points, start_date, end_date, created_at";

impl OwnershipRow {
    pub fn share_and_period(&self) -> Parsed<(Share, Period)> {
        Ok((
            field("share", Share::from_basis_points(i64::from(self.share_basis_points)))?,
            field("period", Period::new(self.start_date, self.end_date))?,
        ))
    }
}

impl TryFrom<OwnershipRow> for Ownership {
    type Error = anyhow::Error;

    fn try_from(row: OwnershipRow) -> Parsed<Self> {
        let (share, period) = row.share_and_period()?;
        Ok(Ownership {
            id: OwnershipId::from_uuid(row.id),
            created_at: row.created_at,
            details: OwnershipDetails {
                unit_id: UnitId::from_uuid(row.unit_id),
                owner_id: OwnerId::from_uuid(row.owner_id),
                share,
                period,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct ExpenseRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub expense_date: NaiveDate,
    pub supplier: String,
    pub invoice_number: Option<String>,
    pub description: String,
    pub amount_cents: i64,
    pub vat_rate: i32,
    pub category: String,
    pub account_code: String,
    pub fund: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub shared: bool,
}

pub const EXPENSE_COLUMNS: &str = "id, building_id, expense_date, supplier, invoice_number, description, amount_cents, vat_rate, \
     category, account_code, fund, status, created_at, distributed_at IS NOT NULL AS shared";

impl TryFrom<ExpenseRow> for Expense {
    type Error = anyhow::Error;

    fn try_from(row: ExpenseRow) -> Parsed<Self> {
        Ok(Expense {
            id: ExpenseId::from_uuid(row.id),
            created_at: row.created_at,
            status: field("status", ExpenseStatus::parse(&row.status))?,
            shared: row.shared,
            details: ExpenseDetails {
                building_id: BuildingId::from_uuid(row.building_id),
                date: row.expense_date,
                supplier: text("supplier", &row.supplier)?,
                invoice_number: optional("invoice_number", row.invoice_number.as_deref(), Text::parse)?,
                description: text("description", &row.description)?,
                amount: field("amount", koprogo_domain::money::Cents::new(row.amount_cents))?,
                vat_rate: field("vat_rate", VatRate::from_percent(i64::from(row.vat_rate)))?,
                category: field("category", Category::parse(&row.category))?,
                account_code: field("account_code", AccountCode::parse(&row.account_code))?,
                fund: field("fund", Fund::parse(&row.fund))?,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

impl TryFrom<OrganizationRow> for Organization {
    type Error = anyhow::Error;

    fn try_from(row: OrganizationRow) -> Parsed<Self> {
        Ok(Organization { id: TenantId::from_uuid(row.id), name: text("name", &row.name)?, created_at: row.created_at })
    }
}

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub language: String,
    pub is_platform_admin: bool,
    pub created_at: DateTime<Utc>,
}

pub const USER_COLUMNS: &str = "id, email, first_name, last_name, language, is_platform_admin, created_at";

impl TryFrom<UserRow> for User {
    type Error = anyhow::Error;

    fn try_from(row: UserRow) -> Parsed<Self> {
        Ok(User {
            id: UserId::from_uuid(row.id),
            email: field("email", Email::parse(&row.email))?,
            first_name: text("first_name", &row.first_name)?,
            last_name: text("last_name", &row.last_name)?,
            language: field("language", Language::parse(&row.language))?,
            is_platform_admin: row.is_platform_admin,
            created_at: row.created_at,
        })
    }
}

/// The session and membership behind an access token, in one row.
#[derive(sqlx::FromRow)]
pub struct ActorRow {
    pub family: Uuid,
    pub user_id: Uuid,
    pub organization_id: Option<Uuid>,
    /// `None`: the session's user is gone.
    pub is_platform_admin: Option<bool>,
    pub role: Option<String>,
    pub owner_id: Option<Uuid>,
}

impl ActorRow {
    /// `None` when the session's user or membership is gone: the token no longer works.
    pub fn into_actor(self, board_buildings: Vec<BuildingId>, owner: Option<OwnerScope>) -> Parsed<Option<Actor>> {
        let Some(is_platform_admin) = self.is_platform_admin else { return Ok(None) };
        let role = match (self.organization_id, self.role.as_deref()) {
            (None, _) if is_platform_admin => Role::PlatformAdmin,
            (Some(_), Some(role)) => field("role", Role::parse(role))?,
            _ => return Ok(None),
        };
        Ok(Some(Actor {
            user_id: UserId::from_uuid(self.user_id),
            tenant: self.organization_id.map(TenantId::from_uuid),
            role,
            board_buildings,
            owner,
        }))
    }
}
