//! The platform's own billing: each organisation pays a price per building
//! per month, after a free trial. A building counts for a month when it
//! existed on any day of it (a building created on the 30th or deleted on the
//! 2nd is billed for that month: the rule is stated on the invoice).

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use crate::Invalid;
use crate::money::Cents;

/// A calendar month, `2026-11`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Self, Invalid> {
        if (1..=12).contains(&month) && (2000..=9999).contains(&year) { Ok(Self { year, month }) } else { Err(Invalid::Date) }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let (year, month) = raw.trim().split_once('-').ok_or(Invalid::Date)?;
        if month.len() != 2 {
            return Err(Invalid::Date);
        }
        Self::new(year.parse().map_err(|_| Invalid::Date)?, month.parse().map_err(|_| Invalid::Date)?)
    }

    pub fn of(day: NaiveDate) -> Self {
        Self { year: day.year(), month: day.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Self {
        if self.month == 12 { Self { year: self.year + 1, month: 1 } } else { Self { year: self.year, month: self.month + 1 } }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 { Self { year: self.year - 1, month: 12 } } else { Self { year: self.year, month: self.month - 1 } }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// Its start and the next month's start, in UTC.
    pub fn bounds(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let at = |day: NaiveDate| day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
        (at(self.first_day()), at(self.next().first_day()))
    }

    /// Months from `self` up to `other` (0 when the same).
    pub fn months_until(self, other: Month) -> i64 {
        i64::from(other.year - self.year) * 12 + i64::from(other.month) - i64::from(self.month)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// The platform's prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pricing {
    pub per_building: Cents,
    /// Months free from the month of sign-up (that month counts as the first).
    pub trial_months: u32,
    /// VAT in hundredths of a percent (21 % = 2100); 0 where it does not apply.
    pub vat_basis_points: u32,
}

impl Default for Pricing {
    fn default() -> Self {
        Self { per_building: Cents::new(100).unwrap_or_default(), trial_months: 3, vat_basis_points: 2100 }
    }
}

/// A building's life, as billing sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BilledBuilding {
    pub building_id: uuid::Uuid,
    pub name: String,
    pub active_from: DateTime<Utc>,
    pub active_until: Option<DateTime<Utc>>,
}

impl BilledBuilding {
    /// Existed on some day of `month`.
    pub fn active_in(&self, month: Month) -> bool {
        let (start, end) = month.bounds();
        self.active_from < end && self.active_until.is_none_or(|until| until > start)
    }

    /// Exists at `at`.
    pub fn active_at(&self, at: DateTime<Utc>) -> bool {
        self.active_from <= at && self.active_until.is_none_or(|until| until > at)
    }
}

/// Still inside the free months for `month`.
pub fn in_trial(signed_up: DateTime<Utc>, month: Month, pricing: &Pricing) -> bool {
    Month::of(signed_up.date_naive()).months_until(month) < i64::from(pricing.trial_months)
}

/// What one organisation owes for one month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub lines: Vec<(uuid::Uuid, String, Cents)>,
    pub net: Cents,
    pub vat: Cents,
    pub total: Cents,
}

/// The month's invoice of an organisation; `None` in its trial or with no
/// building that month (nothing is invoiced at zero).
pub fn draft(pricing: &Pricing, signed_up: DateTime<Utc>, buildings: &[BilledBuilding], month: Month) -> Option<Draft> {
    if in_trial(signed_up, month, pricing) {
        return None;
    }
    let mut lines: Vec<(uuid::Uuid, String, Cents)> =
        buildings.iter().filter(|b| b.active_in(month)).map(|b| (b.building_id, b.name.clone(), pricing.per_building)).collect();
    if lines.is_empty() {
        return None;
    }
    lines.sort_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)));
    let net: i64 = lines.iter().map(|(_, _, c)| c.get()).sum();
    // Half up, to the cent.
    let vat = (i128::from(net) * i128::from(pricing.vat_basis_points) + 5_000) / 10_000;
    let vat = i64::try_from(vat).unwrap_or(i64::MAX);
    Some(Draft {
        lines,
        net: Cents::new(net).unwrap_or_default(),
        vat: Cents::new(vat).unwrap_or_default(),
        total: Cents::new(net + vat).unwrap_or_default(),
    })
}

/// `KP-2026-000042`: the platform's invoice numbers run on without gaps within a year.
pub fn invoice_number(year: i32, sequence: u32) -> String {
    format!("KP-{year:04}-{sequence:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    fn building(name: &str, from: DateTime<Utc>, until: Option<DateTime<Utc>>) -> BilledBuilding {
        BilledBuilding { building_id: uuid::Uuid::now_v7(), name: name.to_owned(), active_from: from, active_until: until }
    }

    #[test]
    fn months_parse_and_count() {
        let november = Month::parse("2026-11").unwrap();
        assert_eq!(november.to_string(), "2026-11");
        assert_eq!(november.next().to_string(), "2026-12");
        assert_eq!(november.next().next().to_string(), "2027-01");
        assert_eq!(Month::parse("2027-01").unwrap().previous(), Month::parse("2026-12").unwrap());
        assert_eq!(november.last_day(), NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert!(Month::parse("2026-13").is_err() && Month::parse("2026-1").is_err() && Month::parse("nov").is_err());
        assert_eq!(Month::parse("2026-10").unwrap().months_until(Month::parse("2027-01").unwrap()), 3);
    }

    #[test]
    fn a_building_counts_for_every_month_it_touched() {
        let november = Month::parse("2026-11").unwrap();
        assert!(building("late", at(2026, 11, 30), None).active_in(november));
        assert!(building("left early", at(2025, 1, 1), Some(at(2026, 11, 2))).active_in(november));
        assert!(!building("gone", at(2025, 1, 1), Some(at(2026, 10, 31))).active_in(november));
        assert!(!building("future", at(2026, 12, 1), None).active_in(november));
    }

    #[test]
    fn the_trial_covers_the_month_of_sign_up_and_the_two_after() {
        let pricing = Pricing::default();
        let signed = at(2026, 8, 20);
        let month = |raw| Month::parse(raw).unwrap();
        assert!(in_trial(signed, month("2026-08"), &pricing));
        assert!(in_trial(signed, month("2026-10"), &pricing));
        assert!(!in_trial(signed, month("2026-11"), &pricing));
        let buildings = [building("B", at(2026, 8, 21), None)];
        assert_eq!(draft(&pricing, signed, &buildings, month("2026-10")), None);
        assert!(draft(&pricing, signed, &buildings, month("2026-11")).is_some());
    }

    #[test]
    fn an_invoice_adds_its_lines_and_vat_to_the_cent() {
        let pricing = Pricing::default();
        let buildings: Vec<_> = (0..3).map(|n| building(&format!("B{n}"), at(2024, 1, 1), None)).collect();
        let d = draft(&pricing, at(2024, 1, 1), &buildings, Month::parse("2026-11").unwrap()).unwrap();
        assert_eq!((d.net.get(), d.vat.get(), d.total.get()), (300, 63, 363));
        // 1 building: 21 % of 1.00 = 0.21; 7 buildings: 1.47.
        let one = draft(&pricing, at(2024, 1, 1), &buildings[..1], Month::parse("2026-11").unwrap()).unwrap();
        assert_eq!(one.vat.get(), 21);
        let none: [BilledBuilding; 0] = [];
        assert_eq!(draft(&pricing, at(2024, 1, 1), &none, Month::parse("2026-11").unwrap()), None);
        assert_eq!(invoice_number(2026, 42), "KP-2026-000042");
    }
}
