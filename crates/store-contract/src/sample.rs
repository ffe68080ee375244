//! Valid sample values for the contract cases.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use koprogo_app::Store;
use koprogo_app::account::{Organization, User};
use koprogo_app::listing::ListQuery;
use koprogo_domain::account::Language;
use koprogo_domain::building::{Address, Building, BuildingDetails, Country, QuotaBase, YearStart};
use koprogo_domain::expense::{AccountCode, Category, Expense, ExpenseDetails, ExpenseStatus, Fund, VatRate};
use koprogo_domain::identifiers::{BceNumber, Email, Iban, PostalCode};
use koprogo_domain::ids::{BuildingId, ExpenseId, OwnerId, OwnershipId, TenantId, UnitId, UserId};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::{Owner, OwnerDetails, Ownership, OwnershipDetails, Period, PersonKind, PostalAddress, Share};
use koprogo_domain::text::Text;
use koprogo_domain::unit::{Quota, Surface, Unit, UnitDetails, UnitKind};

pub fn at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).single().expect("valid time")
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

pub fn query<S: Copy>(sort: S) -> ListQuery<S> {
    ListQuery { page: 1, per_page: 100, sort, descending: false }
}

/// A new organisation in the store: tenant rows need one.
pub async fn tenant(store: &Store) -> TenantId {
    let organization = Organization { id: TenantId::generate(), name: Text::parse("Syndic Test").expect("name"), created_at: at() };
    store.accounts.insert_organization(&organization, Vec::new()).await.expect("insert organization");
    organization.id
}

pub fn user(email: &str) -> User {
    User {
        id: UserId::generate(),
        email: Email::parse(email).expect("email"),
        first_name: Text::parse("Marie").expect("name"),
        last_name: Text::parse("Dubois").expect("name"),
        language: Language::Fr,
        is_platform_admin: false,
        created_at: at(),
    }
}

pub fn building(name: &str, city: &str) -> Building {
    Building {
        id: BuildingId::generate(),
        created_at: at(),
        details: BuildingDetails {
            name: Text::parse(name).expect("name"),
            address: Address {
                street: Text::parse("Rue de la Loi 16").expect("street"),
                postal_code: PostalCode::new(1000).expect("postal code"),
                city: Text::parse(city).expect("city"),
                country: Country::belgium(),
            },
            bce_number: Some(BceNumber::parse("0123.456.749").expect("bce")),
            quota_base: QuotaBase::new(1000).expect("base"),
            construction_year: Some(1972),
            language: Language::Fr,
            working_fund_iban: Some(Iban::parse("BE68539007547034").expect("iban")),
            reserve_fund_iban: None,
            year_start: YearStart::new(7, 1).expect("year start"),
        },
    }
}

pub fn unit(building: BuildingId, number: &str, quota: i64) -> Unit {
    Unit {
        id: UnitId::generate(),
        created_at: at(),
        details: UnitDetails {
            building_id: building,
            number: Text::parse(number).expect("number"),
            kind: UnitKind::Apartment,
            floor: Some(2),
            surface: Some(Surface::from_hundredths(7250).expect("surface")),
            quota: Quota::new(quota).expect("quota"),
        },
    }
}

pub fn owner(last_name: &str) -> Owner {
    Owner {
        id: OwnerId::generate(),
        created_at: at(),
        details: OwnerDetails {
            kind: PersonKind::Natural,
            first_name: Some(Text::parse("Luc").expect("name")),
            last_name: Text::parse(last_name).expect("name"),
            email: Some(Email::parse("luc@example.be").expect("email")),
            phone: Some(Text::parse("+32 2 123 45 67").expect("phone")),
            address: Some(PostalAddress {
                street: Text::parse("Avenue Louise 1").expect("street"),
                postal_code: Some(PostalCode::new(1050).expect("postal code")),
                city: Text::parse("Ixelles").expect("city"),
                country: Country::belgium(),
            }),
            iban: Some(Iban::parse("BE68539007547034").expect("iban")),
            language: Language::Nl,
            bce_number: None,
        },
        privacy: koprogo_domain::privacy::Privacy::default(),
    }
}

pub fn ownership(unit: UnitId, owner: OwnerId, percent: &str, start: NaiveDate, end: Option<NaiveDate>) -> Ownership {
    Ownership {
        id: OwnershipId::generate(),
        created_at: at(),
        details: OwnershipDetails {
            unit_id: unit,
            owner_id: owner,
            share: Share::parse_percent(percent).expect("share"),
            period: Period::new(start, end).expect("period"),
        },
    }
}

pub fn expense(building: BuildingId, cents: i64) -> Expense {
    Expense {
        id: ExpenseId::generate(),
        created_at: at(),
        status: ExpenseStatus::Draft,
        shared: false,
        details: ExpenseDetails {
            building_id: building,
            date: day(2026, 2, 14),
            supplier: Text::parse("Schindler SA").expect("supplier"),
            invoice_number: Some(Text::parse("F-2026-0042").expect("invoice")),
            description: Text::parse("Entretien trimestriel de l'ascenseur").expect("description"),
            amount: Cents::new(cents).expect("amount"),
            vat_rate: VatRate::TwentyOne,
            category: Category::Maintenance,
            account_code: AccountCode::parse("6101").expect("account"),
            fund: Fund::Working,
        },
    }
}

/// An audit event of `tenant`, as a use case would record it.
pub fn audit_event(tenant: TenantId, action: &str) -> koprogo_domain::audit::EventBody {
    koprogo_domain::audit::EventBody {
        at: at(),
        organization: tenant.as_uuid(),
        actor_user: Some(uuid::Uuid::now_v7()),
        actor_role: Some("syndic".to_owned()),
        action: action.to_owned(),
        object_type: "building".to_owned(),
        object_id: Some(uuid::Uuid::now_v7()),
        outcome: koprogo_domain::audit::Outcome::Success,
        request_id: "contract".to_owned(),
        source_ip: "127.0.0.1".to_owned(),
        changes: vec![koprogo_domain::audit::Change { field: "name".to_owned(), before: None, after: Some("Résidence".to_owned()) }],
    }
}
