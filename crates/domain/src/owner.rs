//! Owners (persons or companies) and their shares in units over time.

use chrono::NaiveDate;

use crate::account::Language;
use crate::building::Country;
use crate::identifiers::{BceNumber, Email, Iban, PostalCode};
use crate::ids::{OwnerId, OwnershipId, UnitId};
use crate::text::{Name, ShortText};
use crate::{Invalid, Rule};

crate::code_enum!(
    /// A natural person, or a legal person (company, another association).
    PersonKind { Natural = "natural", Legal = "legal" }
);

/// Where an owner receives letters; every part optional except together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostalAddress {
    pub street: Name,
    pub postal_code: Option<PostalCode>,
    pub city: Name,
    pub country: Country,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerDetails {
    pub kind: PersonKind,
    /// Empty for a legal person, whose name is `last_name`.
    pub first_name: Option<Name>,
    pub last_name: Name,
    pub email: Option<Email>,
    pub phone: Option<ShortText>,
    pub address: Option<PostalAddress>,
    pub iban: Option<Iban>,
    pub language: Language,
    pub bce_number: Option<BceNumber>,
}

impl OwnerDetails {
    /// A company is identified by its BCE number; a person has a first name.
    pub fn check(&self) -> Result<(), (&'static str, Invalid)> {
        match self.kind {
            PersonKind::Natural if self.first_name.is_none() => Err(("first_name", Invalid::Required)),
            PersonKind::Natural if self.bce_number.is_some() => Err(("bce_number", Invalid::NotOneOf("empty for a natural person"))),
            _ => Ok(()),
        }
    }

    pub fn display_name(&self) -> String {
        match &self.first_name {
            Some(first) => format!("{first} {}", self.last_name),
            None => self.last_name.to_string(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub id: OwnerId,
    /// When it was first recorded (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub details: OwnerDetails,
    pub privacy: crate::privacy::Privacy,
}

/// A part of a unit held by one owner, in hundredths of a percent (50 % = 5000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share(u32);

impl Share {
    pub const WHOLE: u32 = 10_000;

    /// Accepts a percentage with at most two decimals: `50`, `33.33`, `100`.
    pub fn parse_percent(raw: &str) -> Result<Self, Invalid> {
        let value = crate::money::parse_hundredths(raw).ok_or(Invalid::OutOfRange { min: 0, max: 100 })?;
        Self::from_basis_points(value)
    }

    pub fn from_basis_points(value: i64) -> Result<Self, Invalid> {
        match u32::try_from(value) {
            Ok(v) if (1..=Self::WHOLE).contains(&v) => Ok(Self(v)),
            _ => Err(Invalid::OutOfRange { min: 0, max: 100 }),
        }
    }

    pub fn basis_points(self) -> u32 {
        self.0
    }

    /// `50`, `33.33`: the JSON form.
    pub fn to_percent_string(self) -> String {
        match self.0 % 100 {
            0 => format!("{}", self.0 / 100),
            rest => format!("{}.{rest:02}", self.0 / 100).trim_end_matches('0').to_owned(),
        }
    }
}

/// When an ownership holds: from `start` (included) to `end` (excluded), so
/// that a sale on day D ends the seller's and starts the buyer's on D.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    start: NaiveDate,
    end: Option<NaiveDate>,
}

impl Period {
    pub fn new(start: NaiveDate, end: Option<NaiveDate>) -> Result<Self, Invalid> {
        match end {
            Some(end) if end <= start => Err(Invalid::EndBeforeStart),
            _ => Ok(Self { start, end }),
        }
    }

    pub fn start(self) -> NaiveDate {
        self.start
    }

    pub fn end(self) -> Option<NaiveDate> {
        self.end
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.start <= day && self.end.is_none_or(|end| day < end)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnershipDetails {
    pub unit_id: UnitId,
    pub owner_id: OwnerId,
    pub share: Share,
    pub period: Period,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ownership {
    pub id: OwnershipId,
    /// When it was first recorded (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub details: OwnershipDetails,
}

/// At any date a unit's shares never exceed 100 % (DOMAIN: "sums to 100 % per
/// unit at any date"; below 100 % is allowed while the register is completed).
/// `others` are the unit's other ownerships. The total only rises where a
/// period starts, so checking every start date inside `candidate` is enough.
pub fn check_shares_fit(others: &[(Share, Period)], candidate: (Share, Period)) -> Result<(), Rule> {
    let (_, period) = candidate;
    let starts = std::iter::once(period.start()).chain(others.iter().map(|(_, p)| p.start()).filter(|d| period.contains(*d)));
    for day in starts {
        let total: u32 =
            std::iter::once(&candidate).chain(others.iter()).filter(|(_, p)| p.contains(day)).map(|(s, _)| s.basis_points()).sum();
        if total > Share::WHOLE {
            return Err(Rule::SharesExceedWhole { date: day });
        }
    }
    Ok(())
}

/// A unit changing hands, as recorded: the day, who gives up their share
/// (none named: every holder that day), and who takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transfer {
    pub date: NaiveDate,
    pub sellers: Vec<OwnerId>,
    pub buyers: Vec<(OwnerId, Share)>,
}

/// A unit changing hands on `date` (a sale, a gift, an inheritance): the
/// sellers' ownerships current that day end on it, and the buyers' start on
/// it, taking between them exactly the share the sellers give up, so the unit
/// is held after as much as before. `held` are the unit's ownerships.
/// Returns the ended ownerships and the new ones' details.
pub fn plan_transfer(
    held: &[Ownership],
    sellers: &[OwnerId],
    buyers: &[(OwnerId, Share)],
    date: NaiveDate,
) -> Result<(Vec<Ownership>, Vec<OwnershipDetails>), Rule> {
    let mut ended = Vec::new();
    for seller in sellers {
        let current: Vec<&Ownership> = held.iter().filter(|o| o.details.owner_id == *seller && o.details.period.contains(date)).collect();
        if current.is_empty() {
            return Err(Rule::SellerNotHolding { date });
        }
        for ownership in current {
            let period = Period::new(ownership.details.period.start(), Some(date)).map_err(|_| Rule::SellerNotHolding { date })?;
            ended.push(Ownership { details: OwnershipDetails { period, ..ownership.details.clone() }, ..ownership.clone() });
        }
    }
    let sold: u32 = ended.iter().map(|o| o.details.share.basis_points()).sum();
    let bought: u32 = buyers.iter().map(|(_, s)| s.basis_points()).sum();
    if buyers.is_empty() || sold != bought {
        return Err(Rule::TransferSharesMismatch { sold: Share(sold.min(Share::WHOLE)) });
    }
    let Some(unit) = ended.first().map(|o| o.details.unit_id) else { return Err(Rule::SellerNotHolding { date }) };
    let open = Period { start: date, end: None };
    let started =
        buyers.iter().map(|(owner, share)| OwnershipDetails { unit_id: unit, owner_id: *owner, share: *share, period: open }).collect();
    Ok((ended, started))
}

/// True when the shares held on `day` make exactly 100 %: operations that
/// distribute money require it.
pub fn is_whole_on(ownerships: &[(Share, Period)], day: NaiveDate) -> bool {
    ownerships.iter().filter(|(_, p)| p.contains(day)).map(|(s, _)| s.basis_points()).sum::<u32>() == Share::WHOLE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn held(percent: &str, start: NaiveDate, end: Option<NaiveDate>) -> (Share, Period) {
        (Share::parse_percent(percent).unwrap(), Period::new(start, end).unwrap())
    }

    #[test]
    fn a_sale_hands_the_unit_over_on_the_same_day() {
        let seller = held("100", day(2020, 1, 1), Some(day(2025, 6, 1)));
        let buyer = held("100", day(2025, 6, 1), None);
        assert!(check_shares_fit(&[seller], buyer).is_ok());
        assert!(is_whole_on(&[seller, buyer], day(2025, 6, 1)));
        assert!(is_whole_on(&[seller, buyer], day(2025, 5, 31)));
    }

    #[test]
    fn overlapping_shares_beyond_the_whole_are_refused_with_the_date() {
        let first = held("60", day(2020, 1, 1), None);
        let second = held("50", day(2024, 3, 1), None);
        assert_eq!(check_shares_fit(&[first], second), Err(Rule::SharesExceedWhole { date: day(2024, 3, 1) }));
        let later = held("40", day(2023, 1, 1), None);
        let intruder = held("50", day(2022, 1, 1), None);
        assert_eq!(check_shares_fit(&[first, later], intruder), Err(Rule::SharesExceedWhole { date: day(2022, 1, 1) }));
    }

    #[test]
    fn thirds_add_up_when_written_to_the_hundredth() {
        let a = held("33.33", day(2020, 1, 1), None);
        let b = held("33.33", day(2020, 1, 1), None);
        let c = held("33.34", day(2020, 1, 1), None);
        assert!(check_shares_fit(&[a, b], c).is_ok());
        assert!(is_whole_on(&[a, b, c], day(2021, 1, 1)));
        assert_eq!(c.0.to_percent_string(), "33.34");
        assert_eq!(Share::parse_percent("12.5").unwrap().to_percent_string(), "12.5");
    }

    #[test]
    fn shares_and_periods_have_bounds() {
        assert!(Share::parse_percent("0").is_err());
        assert!(Share::parse_percent("100.01").is_err());
        assert_eq!(Period::new(day(2020, 1, 1), Some(day(2020, 1, 1))), Err(Invalid::EndBeforeStart));
    }

    fn ownership(owner: OwnerId, unit: UnitId, percent: &str, start: NaiveDate) -> Ownership {
        let share = Share::parse_percent(percent).unwrap();
        Ownership {
            id: OwnershipId::generate(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            details: OwnershipDetails { unit_id: unit, owner_id: owner, share, period: Period::new(start, None).unwrap() },
        }
    }

    #[test]
    fn a_transfer_ends_the_sellers_and_starts_the_buyers_on_the_same_day() {
        let (unit, a, b, c) = (UnitId::generate(), OwnerId::generate(), OwnerId::generate(), OwnerId::generate());
        let held = [ownership(a, unit, "50", day(2015, 1, 1)), ownership(b, unit, "50", day(2015, 1, 1))];
        let half = Share::parse_percent("50").unwrap();
        let (ended, started) = plan_transfer(&held, &[a], &[(c, half)], day(2026, 6, 1)).unwrap();
        assert_eq!(ended.len(), 1);
        assert_eq!((ended[0].id, ended[0].details.period.end()), (held[0].id, Some(day(2026, 6, 1))));
        assert_eq!(
            started,
            [OwnershipDetails { unit_id: unit, owner_id: c, share: half, period: Period::new(day(2026, 6, 1), None).unwrap() }]
        );
        // The whole unit stays held, before and after the day.
        let after: Vec<(Share, Period)> = [ended[0].clone(), held[1].clone()]
            .iter()
            .map(|o| (o.details.share, o.details.period))
            .chain([(half, started[0].period)])
            .collect();
        assert!(is_whole_on(&after, day(2026, 5, 31)) && is_whole_on(&after, day(2026, 6, 1)));
    }

    #[test]
    fn a_transfer_gives_exactly_what_is_sold_by_those_who_hold() {
        let (unit, a, b) = (UnitId::generate(), OwnerId::generate(), OwnerId::generate());
        let held = [ownership(a, unit, "100", day(2015, 1, 1))];
        let part = |p| (b, Share::parse_percent(p).unwrap());
        assert_eq!(plan_transfer(&held, &[a], &[part("60")], day(2026, 6, 1)).unwrap_err().code(), "transfer.shares_mismatch");
        assert_eq!(plan_transfer(&held, &[a], &[], day(2026, 6, 1)).unwrap_err().code(), "transfer.shares_mismatch");
        assert_eq!(plan_transfer(&held, &[b], &[part("100")], day(2026, 6, 1)), Err(Rule::SellerNotHolding { date: day(2026, 6, 1) }));
        assert_eq!(plan_transfer(&held, &[a], &[part("100")], day(2014, 6, 1)), Err(Rule::SellerNotHolding { date: day(2014, 6, 1) }));
        // Bought on the day itself: nothing to end.
        assert_eq!(plan_transfer(&held, &[a], &[part("100")], day(2015, 1, 1)), Err(Rule::SellerNotHolding { date: day(2015, 1, 1) }));
        let split = plan_transfer(&held, &[a], &[part("40"), (a, Share::parse_percent("60").unwrap())], day(2026, 6, 1)).unwrap();
        assert_eq!(split.1.len(), 2, "a seller may keep a part, as a new ownership");
    }
}
