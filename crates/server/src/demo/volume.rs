//! A realistic volume on top of the demo, for benchmarks: per unit of scale,
//! 50 organisations with 10 buildings of 40 units each (500 buildings, 20 000
//! units), one owner per unit (20 000) and 200 expenses per building (100 000).
//! Each organisation gets a syndic, `syndic-NN@volume.koprogo.be`, with the demo
//! password, so that load can be spread over tenants. Written through the use
//! cases, organisations in parallel.

use koprogo_app::App;
use koprogo_app::access::Actor;
use koprogo_domain::account::Role;
use koprogo_domain::building::{Address, BuildingDetails, Country, QuotaBase, YearStart};
use koprogo_domain::expense::{AccountCode, Category, ExpenseDetails, Fund, VatRate};
use koprogo_domain::identifiers::{BceNumber, Iban, PostalCode};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::{OwnershipDetails, Period, Share};
use koprogo_domain::unit::{Quota, Surface, UnitDetails, UnitKind};
use koprogo_sample::{self as sample, Draw};

use super::{DEMO_PASSWORD, day, failed, invalid, member, text, user};

pub const ORGANIZATIONS: u32 = 50;
const BUILDINGS_PER_ORGANIZATION: u32 = 10;
/// A volume building: 40 units with an owner each, 200 expenses.
const VOLUME_BUILDING: Size = Size { units: 40, expenses: 200 };
/// One step of the demo firm's growth is about the demo firm itself: three
/// buildings of 20 units and owners, 60 expenses each.
const GROWTH_BUILDINGS: u32 = 3;
const GROWTH_BUILDING: Size = Size { units: 20, expenses: 60 };

#[derive(Clone, Copy)]
struct Size {
    units: u32,
    expenses: u32,
}

pub fn volume_email(organization: u32) -> String {
    format!("syndic-{organization:02}@volume.koprogo.be")
}

/// Seeds `scale` × the volume; organisations run 8 at a time.
pub async fn seed_volume(app: &App, scale: u32) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let progress = crate::progress::bar(u64::from(ORGANIZATIONS), "seeding the volume's organisations");
    let mut tasks = tokio::task::JoinSet::new();
    for organization in 1..=ORGANIZATIONS {
        if tasks.len() >= 8 {
            tasks.join_next().await.transpose()?.transpose()?;
            progress.inc(1);
        }
        let app = app.clone();
        tasks.spawn(async move { seed_organization(&app, organization, scale).await });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!("volume × {scale} seeded in {:.1} s (password of the volume syndics: {DEMO_PASSWORD})", started.elapsed().as_secs_f64());
    Ok(())
}

async fn seed_organization(app: &App, number: u32, scale: u32) -> anyhow::Result<()> {
    let mut draw = Draw::seeded(u64::from(number) * 7919);
    let organization = app.create_organization(&format!("Syndic Volume {number:02}")).await.map_err(failed)?;
    let syndic = user(app, &volume_email(number), "Volume", &format!("Syndic {number:02}"), false).await?;
    member(app, organization.id, &syndic, Role::Syndic, (None, vec![])).await?;
    let actor = Actor { user_id: syndic.id, tenant: Some(organization.id), role: Role::Syndic, board_buildings: vec![], owner: None };
    for building in 0..BUILDINGS_PER_ORGANIZATION * scale {
        seed_building(app, &actor, &mut draw, building, VOLUME_BUILDING).await?;
    }
    Ok(())
}

/// Grows the demo firm itself `times` over (the seed's protocol measures one
/// organisation as its data grows): `times` × 3 buildings, 60 units and owners,
/// 180 expenses, all in the demo syndic's organisation.
pub async fn grow_demo(app: &App, syndic: &Actor, times: u32) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut draw = Draw::seeded(0x6407);
    let progress = crate::progress::bar(u64::from(GROWTH_BUILDINGS * times), "growing the demo firm (buildings)");
    for building in 0..GROWTH_BUILDINGS * times {
        seed_building(app, syndic, &mut draw, 100 + building, GROWTH_BUILDING).await?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    println!("demo firm grown {times} × in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

async fn seed_building(app: &App, actor: &Actor, draw: &mut Draw, index: u32, size: Size) -> anyhow::Result<()> {
    let place = *draw.pick(&[&sample::BRUSSELS, &sample::LIEGE, &sample::GENT, &sample::NAMUR]);
    let details = BuildingDetails {
        name: text(&format!("Résidence {} {}", draw.pick(sample::LAST_NAMES_FR), index + 1))?,
        address: Address {
            street: text(&format!("{} {}", draw.pick(place.streets), 1 + draw.below(200)))?,
            postal_code: PostalCode::new(place.postal_code).map_err(invalid)?,
            city: text(place.city)?,
            country: Country::belgium(),
        },
        bce_number: Some(BceNumber::parse(&sample::bce_number(draw)).map_err(invalid)?),
        quota_base: QuotaBase::new(1000).map_err(invalid)?,
        construction_year: Some(1950 + i32::try_from(draw.below(70))?),
        language: koprogo_domain::account::Language::Fr,
        working_fund_iban: Some(Iban::parse(&sample::belgian_iban(draw)).map_err(invalid)?),
        reserve_fund_iban: Some(Iban::parse(&sample::belgian_iban(draw)).map_err(invalid)?),
        year_start: YearStart::january_first(),
    };
    let building = app.create_building(actor, details).await.map_err(failed)?.building.id;
    for unit in 0..size.units {
        let details = UnitDetails {
            building_id: building,
            number: text(&format!("{}{}", unit / 4 + 1, ["A", "B", "C", "D"][usize::try_from(unit % 4)?]))?,
            kind: UnitKind::Apartment,
            floor: Some(i32::try_from(unit / 4 + 1)?),
            surface: Some(Surface::from_hundredths(i64::try_from(6_000 + draw.below(4_000))?).map_err(invalid)?),
            quota: Quota::new(i64::from(1000 / size.units)).map_err(invalid)?,
        };
        let unit = app.create_unit(actor, details).await.map_err(failed)?.id;
        let owner =
            super::property::owner(app, actor, draw, super::property::Person::Named(koprogo_domain::account::Language::Fr), place).await?;
        let start = day(2000 + i32::try_from(draw.below(25))?, 1, 1)?;
        let period = Period::new(start, None).map_err(invalid)?;
        let ownership =
            OwnershipDetails { unit_id: unit, owner_id: owner, share: Share::from_basis_points(10_000).map_err(invalid)?, period };
        app.create_ownership(actor, ownership).await.map_err(failed)?;
    }
    for _ in 0..size.expenses {
        let date = day(2025 + i32::try_from(draw.below(2))?, 1 + u32::try_from(draw.below(12))?, 1 + u32::try_from(draw.below(28))?)?;
        let details = ExpenseDetails {
            building_id: building,
            date,
            supplier: text("Net & Clean SRL")?,
            invoice_number: Some(text(&format!("V-{:06}", draw.below(1_000_000)))?),
            description: text("Nettoyage des communs")?,
            amount: Cents::new(i64::try_from(2_000 + draw.below(200_000))?).map_err(invalid)?,
            vat_rate: VatRate::TwentyOne,
            category: Category::Cleaning,
            account_code: AccountCode::parse("6105").map_err(invalid)?,
            fund: Fund::Working,
        };
        app.create_expense(actor, details).await.map_err(failed)?;
    }
    Ok(())
}
