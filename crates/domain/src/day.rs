//! The days a record may carry. Chrono reads `+10000-01-01` and `-0001-01-01`
//! as dates; no co-ownership's books start before 1900 or plan past 2199, and
//! such a date is a typo or a probe, which the databases store differently.

use chrono::{Datelike as _, NaiveDate};

use crate::Invalid;

pub const FIRST_YEAR: i32 = 1900;
pub const LAST_YEAR: i32 = 2199;

/// The day itself when its year lies in 1900–2199.
pub fn check_day(day: NaiveDate) -> Result<NaiveDate, Invalid> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&day.year()) {
        Ok(day)
    } else {
        Err(Invalid::OutOfRange { min: i64::from(FIRST_YEAR), max: i64::from(LAST_YEAR) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_outside_the_two_centuries_are_refused() {
        let day = |y| NaiveDate::from_ymd_opt(y, 1, 1).expect("a day");
        assert!(check_day(day(2026)).is_ok());
        assert!(check_day(day(1900)).is_ok());
        assert!(check_day(day(2199)).is_ok());
        assert!(check_day(day(1899)).is_err());
        assert!(check_day(day(10_000)).is_err());
        assert!(check_day(day(-1)).is_err());
    }
}
