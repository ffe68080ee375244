//! The building, i.e. the association of co-owners (ACP / VME) that owns its
//! common parts: identity, address, quota base, bank accounts, financial year.

use crate::account::Language;
use crate::identifiers::{BceNumber, Iban, PostalCode};
use crate::ids::BuildingId;
use crate::text::Name;
use crate::{Invalid, Rule};

/// A country: buildings are in Belgium; owners may live anywhere (ISO 3166 alpha-2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Country(String);

impl Country {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let belgium = ["belgium", "belgique", "belgië", "belgie", "belgien"];
        if belgium.contains(&value.to_lowercase().as_str()) {
            return Ok(Self::belgium());
        }
        if value.len() == 2 && value.chars().all(|c| c.is_ascii_alphabetic()) {
            return Ok(Self(value.to_ascii_uppercase()));
        }
        Err(Invalid::NotOneOf("BE, Belgium or a two-letter country code"))
    }

    pub fn belgium() -> Self {
        Self("BE".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub street: Name,
    pub postal_code: PostalCode,
    pub city: Name,
    pub country: Country,
}

/// The total of the quotas in the basic deed (usually 1000 or 10 000).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct QuotaBase(u32);

impl QuotaBase {
    pub fn new(value: i64) -> Result<Self, Invalid> {
        match u32::try_from(value) {
            Ok(v) if (1..=1_000_000).contains(&v) => Ok(Self(v)),
            _ => Err(Invalid::OutOfRange { min: 1, max: 1_000_000 }),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }

    /// A new base must still hold the quotas already given to units.
    pub fn check_holds(self, allocated: u64) -> Result<(), Rule> {
        if allocated > u64::from(self.0) {
            return Err(Rule::QuotaBaseBelowAllocated { allocated });
        }
        Ok(())
    }
}

/// First day of the association's financial year (month, day); 1 January by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearStart {
    month: u32,
    day: u32,
}

impl YearStart {
    /// Accepts `MM-DD`; 29 February is refused since it does not exist every year.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let invalid = Invalid::NotOneOf("MM-DD, e.g. 01-01");
        let (m, d) = raw.trim().split_once('-').ok_or(invalid.clone())?;
        let (month, day) = (m.parse().map_err(|_| invalid.clone())?, d.parse().map_err(|_| invalid.clone())?);
        Self::new(month, day).ok_or(invalid)
    }

    pub fn new(month: u32, day: u32) -> Option<Self> {
        chrono::NaiveDate::from_ymd_opt(2023, month, day).map(|_| Self { month, day })
    }

    /// The first day of the financial year that contains `day`; the year is named by it.
    pub fn year_containing(self, day: chrono::NaiveDate) -> chrono::NaiveDate {
        use chrono::Datelike;
        let start = |year| chrono::NaiveDate::from_ymd_opt(year, self.month, self.day).unwrap_or(day);
        let this = start(day.year());
        if day >= this { this } else { start(day.year() - 1) }
    }

    pub fn january_first() -> Self {
        Self { month: 1, day: 1 }
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn day(self) -> u32 {
        self.day
    }
}

impl std::fmt::Display for YearStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// A construction year between 1500 and next year.
pub fn parse_construction_year(value: i64, current_year: i32) -> Result<i32, Invalid> {
    let max = i64::from(current_year) + 1;
    if (1500..=max).contains(&value) {
        i32::try_from(value).map_err(|_| Invalid::OutOfRange { min: 1500, max })
    } else {
        Err(Invalid::OutOfRange { min: 1500, max })
    }
}

/// A statutory language is one of the three national languages (Code civil,
/// art. 3.85 lets the statutes choose; English is not one of them).
pub fn parse_statutory_language(raw: &str) -> Result<Language, Invalid> {
    match Language::parse(raw)? {
        Language::En => Err(Invalid::NotOneOf("fr nl de")),
        language => Ok(language),
    }
}

/// Everything the syndic states about a building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingDetails {
    pub name: Name,
    pub address: Address,
    pub bce_number: Option<BceNumber>,
    pub quota_base: QuotaBase,
    pub construction_year: Option<i32>,
    pub language: Language,
    pub working_fund_iban: Option<Iban>,
    pub reserve_fund_iban: Option<Iban>,
    pub year_start: YearStart,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Building {
    pub id: BuildingId,
    /// When it was first recorded (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub details: BuildingDetails,
}

/// A building with the figures kept up to date by its units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildingSummary {
    pub building: Building,
    pub unit_count: u64,
    pub allocated_quota: u64,
}

impl BuildingSummary {
    /// True when the units' quotas add up exactly to the base, as the deed requires.
    pub fn quotas_complete(&self) -> bool {
        self.allocated_quota == u64::from(self.building.details.quota_base.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn belgium_is_spelled_many_ways() {
        for raw in ["BE", "be", "Belgium", "Belgique", "België"] {
            assert_eq!(Country::parse(raw).unwrap().as_str(), "BE", "{raw}");
        }
        assert_eq!(Country::parse("fr").unwrap().as_str(), "FR");
        assert!(Country::parse("Atlantis").is_err());
    }

    #[test]
    fn quota_base_must_hold_what_is_allocated() {
        let base = QuotaBase::new(1000).unwrap();
        assert!(base.check_holds(1000).is_ok());
        assert_eq!(base.check_holds(1001), Err(Rule::QuotaBaseBelowAllocated { allocated: 1001 }));
        assert!(QuotaBase::new(0).is_err());
    }

    #[test]
    fn year_start_is_a_real_day() {
        assert_eq!(YearStart::parse("07-01").unwrap().to_string(), "07-01");
        assert!(YearStart::parse("02-30").is_err());
        assert!(YearStart::parse("02-29").is_err());
        assert!(YearStart::parse("13-01").is_err());
    }

    #[test]
    fn statutory_language_is_national() {
        assert_eq!(parse_statutory_language("NL"), Ok(Language::Nl));
        assert!(parse_statutory_language("en").is_err());
    }

    #[test]
    fn construction_year_is_plausible() {
        assert_eq!(parse_construction_year(1972, 2026), Ok(1972));
        assert!(parse_construction_year(2028, 2026).is_err());
        assert!(parse_construction_year(1200, 2026).is_err());
    }
}
