//! Buildings, units, owners, ownerships and expenses of the demo.

use chrono::NaiveDate;
use koprogo_app::App;
use koprogo_app::access::Actor;
use koprogo_domain::account::Language;
use koprogo_domain::building::{Address, BuildingDetails, Country, QuotaBase, YearStart};
use koprogo_domain::expense::{AccountCode, Category, ExpenseDetails, Fund, VatRate};
use koprogo_domain::identifiers::{BceNumber, Email, Iban, PostalCode};
use koprogo_domain::ids::{BuildingId, OwnerId, UnitId};
use koprogo_domain::money::{Cents, split};
use koprogo_domain::owner::{OwnerDetails, OwnershipDetails, Period, PersonKind, PostalAddress, Share};
use koprogo_domain::unit::{Quota, Surface, UnitDetails, UnitKind};

use super::{day, failed, invalid, text};
use koprogo_sample::{self as data, Draw, Place};

pub struct Estate {
    pub first_building: BuildingId,
    pub portal_owner: OwnerId,
}

struct Spec {
    name: &'static str,
    place: &'static Place,
    language: Language,
    built: i32,
    apartments: usize,
    commercial: usize,
    cellars: usize,
    parking: (UnitKind, usize),
    lift: bool,
}

pub async fn seed_firm(app: &App, actor: &Actor, draw: &mut Draw) -> anyhow::Result<Estate> {
    let specs = [
        Spec {
            name: "Résidence Les Érables",
            place: &data::BRUSSELS,
            language: Language::Fr,
            built: 1968,
            apartments: 16,
            commercial: 2,
            cellars: 4,
            parking: (UnitKind::Parking, 2),
            lift: true,
        },
        Spec {
            name: "Résidence Saint-Lambert",
            place: &data::LIEGE,
            language: Language::Fr,
            built: 1975,
            apartments: 12,
            commercial: 0,
            cellars: 4,
            parking: (UnitKind::Garage, 2),
            lift: true,
        },
        Spec {
            name: "Residentie Ter Leie",
            place: &data::GENT,
            language: Language::Nl,
            built: 1992,
            apartments: 14,
            commercial: 1,
            cellars: 0,
            parking: (UnitKind::Parking, 5),
            lift: false,
        },
    ];
    let company = owner(app, actor, draw, Person::Company("Immo Invest SRL"), &data::BRUSSELS).await?;
    let mut estate = None;
    // The money has its own draw, so that adding to it leaves the buildings as they were.
    let mut payers = Draw::seeded(2027);
    for (index, spec) in specs.iter().enumerate() {
        let (building, first_owner) = seed_building(app, actor, draw, spec, company).await?;
        if index == 1 {
            record_sale(app, actor, draw, building, spec).await?;
        }
        seed_expenses(app, actor, draw, building, spec.lift, index == 0).await?;
        super::money::seed_money(app, actor, &mut payers, building, spec.lift).await?;
        estate.get_or_insert(Estate { first_building: building, portal_owner: first_owner });
    }
    estate.ok_or_else(|| anyhow::anyhow!("no building seeded"))
}

pub async fn seed_volunteer(app: &App, actor: &Actor, draw: &mut Draw) -> anyhow::Result<()> {
    let spec = Spec {
        name: "Résidence Les Tilleuls",
        place: &data::NAMUR,
        language: Language::Fr,
        built: 1985,
        apartments: 6,
        commercial: 0,
        cellars: 0,
        parking: (UnitKind::Garage, 0),
        lift: false,
    };
    let company = owner(app, actor, draw, Person::Company("Tilleuls Invest SRL"), &data::NAMUR).await?;
    let (building, _) = seed_building(app, actor, draw, &spec, company).await?;
    seed_expenses(app, actor, draw, building, false, false).await
}

fn building_details(spec: &Spec, draw: &mut Draw) -> anyhow::Result<BuildingDetails> {
    let street = format!("{} {}", draw.pick(spec.place.streets), 1 + draw.below(180));
    Ok(BuildingDetails {
        name: text(spec.name)?,
        address: Address {
            street: text(&street)?,
            postal_code: PostalCode::new(spec.place.postal_code).map_err(invalid)?,
            city: text(spec.place.city)?,
            country: Country::belgium(),
        },
        bce_number: Some(BceNumber::parse(&data::bce_number(draw)).map_err(invalid)?),
        quota_base: QuotaBase::new(1000).map_err(invalid)?,
        construction_year: Some(spec.built),
        language: spec.language,
        working_fund_iban: Some(Iban::parse(&data::belgian_iban(draw)).map_err(invalid)?),
        reserve_fund_iban: Some(Iban::parse(&data::belgian_iban(draw)).map_err(invalid)?),
        year_start: YearStart::january_first(),
    })
}

/// Who holds what, as the units of a building are created.
struct Holders {
    apartments: Vec<OwnerId>,
    annexes: usize,
}

async fn seed_building(app: &App, actor: &Actor, draw: &mut Draw, spec: &Spec, company: OwnerId) -> anyhow::Result<(BuildingId, OwnerId)> {
    let building = app.create_building(actor, building_details(spec, draw)?).await.map_err(failed)?.building.id;
    let mut holders = Holders { apartments: Vec::new(), annexes: 0 };
    for details in layout(spec, building, draw)? {
        let kind = details.kind;
        let unit = app.create_unit(actor, details).await.map_err(failed)?.id;
        let since = day(2004 + i32::try_from(draw.below(18))?, 1 + u32::try_from(draw.below(12))?, 1 + u32::try_from(draw.below(28))?)?;
        match kind {
            UnitKind::Commercial => hold(app, actor, unit, company, "100", since, None).await?,
            UnitKind::Apartment => {
                let index = holders.apartments.len();
                // Every sixth apartment belongs to the owner of the previous one (an investor).
                let main = match holders.apartments.last() {
                    Some(previous) if index % 6 == 5 => *previous,
                    _ => owner(app, actor, draw, Person::Named(spec.language), spec.place).await?,
                };
                if index % 4 == 3 {
                    let partner = owner(app, actor, draw, Person::Named(spec.language), spec.place).await?;
                    hold(app, actor, unit, main, "50", since, None).await?;
                    hold(app, actor, unit, partner, "50", since, None).await?;
                } else {
                    hold(app, actor, unit, main, "100", since, None).await?;
                }
                holders.apartments.push(main);
            }
            _ => {
                // Cellars and parkings go with the apartments, in order.
                let holder = holders.apartments.get(holders.annexes % holders.apartments.len().max(1)).copied().unwrap_or(company);
                hold(app, actor, unit, holder, "100", since, None).await?;
                holders.annexes += 1;
            }
        }
    }
    Ok((building, holders.apartments.first().copied().unwrap_or(company)))
}

/// The units of a building, with quotas in proportion to their surfaces that add up to 1000.
fn layout(spec: &Spec, building: BuildingId, draw: &mut Draw) -> anyhow::Result<Vec<UnitDetails>> {
    let mut lots: Vec<(String, UnitKind, i32, u32)> = Vec::new();
    for i in 0..spec.commercial {
        lots.push((format!("C{}", i + 1), UnitKind::Commercial, 0, 9_000 + 500 * u32::try_from(draw.below(8))?));
    }
    for i in 0..spec.apartments {
        let floor = i32::try_from(i / 4 + 1)?;
        let letter = ["A", "B", "C", "D"][i % 4];
        lots.push((format!("{floor}{letter}"), UnitKind::Apartment, floor, 5_500 + 250 * u32::try_from(draw.below(20))?));
    }
    for i in 0..spec.cellars {
        lots.push((format!("K{:02}", i + 1), UnitKind::Cellar, -1, 600 + 100 * u32::try_from(draw.below(4))?));
    }
    for i in 0..spec.parking.1 {
        let prefix = if spec.parking.0 == UnitKind::Garage { "G" } else { "P" };
        lots.push((format!("{prefix}{:02}", i + 1), spec.parking.0, -1, 1_250));
    }
    let weights: Vec<u64> = lots.iter().map(|lot| u64::from(lot.3)).collect();
    let quotas = split(1000, &weights).ok_or_else(|| anyhow::anyhow!("no units"))?;
    lots.into_iter()
        .zip(quotas)
        .map(|((number, kind, floor, surface), quota)| {
            Ok(UnitDetails {
                building_id: building,
                number: text(&number)?,
                kind,
                floor: Some(floor),
                surface: Some(Surface::from_hundredths(i64::from(surface)).map_err(invalid)?),
                quota: Quota::new(i64::try_from(quota)?).map_err(invalid)?,
            })
        })
        .collect()
}

async fn hold(
    app: &App,
    actor: &Actor,
    unit: UnitId,
    owner: OwnerId,
    percent: &str,
    start: NaiveDate,
    end: Option<NaiveDate>,
) -> anyhow::Result<()> {
    let details = OwnershipDetails {
        unit_id: unit,
        owner_id: owner,
        share: Share::parse_percent(percent).map_err(invalid)?,
        period: Period::new(start, end).map_err(invalid)?,
    };
    app.create_ownership(actor, details).await.map_err(failed)?;
    Ok(())
}

/// One apartment of the building changes hands on 15 June 2026.
async fn record_sale(app: &App, actor: &Actor, draw: &mut Draw, building: BuildingId, spec: &Spec) -> anyhow::Result<()> {
    use koprogo_app::listing::{ListQuery, OwnershipSort, UnitSort};
    let units = app
        .units(actor, &ListQuery { page: 1, per_page: 100, sort: UnitSort::Number, descending: false }, Some(building))
        .await
        .map_err(failed)?;
    let Some(unit) = units.items.iter().find(|u| u.details.number.as_str() == "1B") else { return Ok(()) };
    let filter = koprogo_app::ports::OwnershipFilter { unit: Some(unit.id), ..Default::default() };
    let held = app
        .ownerships(actor, &ListQuery { page: 1, per_page: 10, sort: OwnershipSort::StartDate, descending: false }, &filter)
        .await
        .map_err(failed)?;
    let sale = day(2026, 6, 15)?;
    for ownership in held.items {
        let mut details = ownership.details.clone();
        details.period = Period::new(details.period.start(), Some(sale)).map_err(invalid)?;
        app.update_ownership(actor, ownership.id, details).await.map_err(failed)?;
    }
    let buyer = owner(app, actor, draw, Person::Named(spec.language), spec.place).await?;
    hold(app, actor, unit.id, buyer, "100", sale, None).await
}

pub(crate) enum Person {
    Named(Language),
    Company(&'static str),
}

pub(crate) async fn owner(app: &App, actor: &Actor, draw: &mut Draw, person: Person, home: &Place) -> anyhow::Result<OwnerId> {
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (kind, first, last, language, bce) = match person {
        Person::Company(name) => (PersonKind::Legal, None, name.to_owned(), Language::Fr, Some(data::bce_number(draw))),
        Person::Named(language) => {
            let (firsts, lasts) = if language == Language::Nl {
                (data::FIRST_NAMES_NL, data::LAST_NAMES_NL)
            } else {
                (data::FIRST_NAMES_FR, data::LAST_NAMES_FR)
            };
            (PersonKind::Natural, Some((*draw.pick(firsts)).to_owned()), (*draw.pick(lasts)).to_owned(), language, None)
        }
    };
    // A third of the owners live elsewhere than in the building.
    let place = if draw.below(3) == 0 { *draw.pick(&[&data::BRUSSELS, &data::LIEGE, &data::GENT, &data::NAMUR]) } else { home };
    let email = data::email(first.as_deref().unwrap_or("contact"), &last, n);
    let phone = format!("{} {:03} {:02} {:02}", place.phone_prefix, 200 + draw.below(700), draw.below(100), draw.below(100));
    let details = OwnerDetails {
        kind,
        first_name: first.as_deref().map(text).transpose()?,
        last_name: text(&last)?,
        email: Some(Email::parse(&email).map_err(|e| anyhow::anyhow!("{email}: {e}"))?),
        phone: Some(text(&phone)?),
        address: Some(PostalAddress {
            street: text(&format!("{} {}", draw.pick(place.streets), 1 + draw.below(200)))?,
            postal_code: Some(PostalCode::new(place.postal_code).map_err(invalid)?),
            city: text(place.city)?,
            country: Country::belgium(),
        }),
        iban: Some(Iban::parse(&data::belgian_iban(draw)).map_err(invalid)?),
        language,
        bce_number: bce.map(|b| BceNumber::parse(&b)).transpose().map_err(invalid)?,
    };
    Ok(app.create_owner(actor, details).await.map_err(failed)?.id)
}

/// (category, account, supplier, description, VAT, fund, min €, max €, months).
type Line = (Category, &'static str, &'static str, &'static str, VatRate, Fund, i64, i64, &'static [u32]);

const EVERY_MONTH: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
const QUARTERLY: &[u32] = &[1, 4, 7, 10];

#[rustfmt::skip]
const CHARGES: &[Line] = &[
    (Category::Cleaning, "6105", "Net & Clean SRL", "Nettoyage des communs", VatRate::TwentyOne, Fund::Working, 320, 640, EVERY_MONTH),
    (Category::Utilities, "6121", "Engie Electrabel", "Électricité des communs", VatRate::TwentyOne, Fund::Working, 80, 260, EVERY_MONTH),
    (Category::Utilities, "6120", "Vivaqua", "Eau – relevé trimestriel", VatRate::Six, Fund::Working, 300, 900, QUARTERLY),
    (Category::Fees, "61300", "Syndic Horizon SRL", "Honoraires du syndic – trimestre", VatRate::TwentyOne, Fund::Working, 900, 1500, QUARTERLY),
    (Category::Insurance, "614", "AG Insurance", "Assurance incendie de l'immeuble", VatRate::Zero, Fund::Working, 2400, 4600, &[1]),
    (Category::Maintenance, "6103", "Vaillant Service", "Entretien annuel de la chaudière", VatRate::TwentyOne, Fund::Working, 350, 700, &[10]),
];

#[rustfmt::skip]
const LIFT: Line = (Category::Maintenance, "6101", "Schindler SA", "Entretien de l'ascenseur", VatRate::TwentyOne, Fund::Working, 480, 720, QUARTERLY);

#[rustfmt::skip]
const ROOF: Line = (Category::Works, "611", "Toitures Dewaele SRL", "Réfection partielle de la toiture", VatRate::Six, Fund::Reserve, 8_000, 15_000, &[5]);

fn charges(lift: bool, works: bool) -> Vec<Line> {
    let mut lines = CHARGES.to_vec();
    lines.extend(lift.then_some(LIFT));
    lines.extend(works.then_some(ROOF));
    lines
}

/// A year of charges, December 2025 to November 2026, as drafts (the money
/// seed approves them once the owners are known).
async fn seed_expenses(app: &App, actor: &Actor, draw: &mut Draw, building: BuildingId, lift: bool, works: bool) -> anyhow::Result<()> {
    for line in charges(lift, works) {
        for month in line.8 {
            let (year, month) = if *month == 12 { (2025, 12) } else { (2026, *month) };
            if year == 2026 && month > 11 {
                continue;
            }
            let date = day(year, month, 1 + u32::try_from(draw.below(28))?)?;
            record_charge(app, actor, draw, building, &line, date).await?;
        }
    }
    Ok(())
}

async fn record_charge(
    app: &App,
    actor: &Actor,
    draw: &mut Draw,
    building: BuildingId,
    line: &Line,
    date: NaiveDate,
) -> anyhow::Result<()> {
    let (category, account, supplier, description, vat, fund, min, max, _) = *line;
    let cents = min * 100 + i64::try_from(draw.below(u64::try_from((max - min) * 100)?))?;
    let details = ExpenseDetails {
        building_id: building,
        date,
        supplier: text(supplier)?,
        invoice_number: Some(text(&format!("{}-{:05}", date.format("%Y"), draw.below(100_000)))?),
        description: text(description)?,
        amount: Cents::new(cents).map_err(invalid)?,
        vat_rate: vat,
        category,
        account_code: AccountCode::parse(account).map_err(invalid)?,
        fund,
    };
    app.create_expense(actor, details).await.map_err(failed)?;
    Ok(())
}
