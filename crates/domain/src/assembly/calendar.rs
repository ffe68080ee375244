//! The assembly's dates (Art. 3.87, 3.92 §3). Delays count whole days from
//! the day of dispatch (Q5: the reading that never makes a late convocation
//! look on time is to count from dispatch and warn when it is tight, since a
//! registered letter may be presumed received only days later).

use chrono::{Days, Months, NaiveDate};

/// The law's minimum between the convocation and the assembly (3.87 §3).
pub const CONVOCATION_DAYS: u32 = 15;
/// Owners' agenda proposals must reach the syndic this long before the first
/// day of the ROI's fortnight to be on that assembly's agenda (3.87 §3).
pub const AGENDA_LEAD_DAYS: u64 = 21;
/// A second assembly, for want of a quorum, meets at least this much later (3.87 §5).
pub const SECOND_ASSEMBLY_DAYS: u64 = 15;
/// The unanimity fallback assembly meets at least this much later (3.88, D1).
pub const UNANIMITY_FALLBACK_DAYS: u64 = 30;
/// The minutes go to every co-owner within this many days (3.87 §10).
pub const MINUTES_DAYS: u64 = 30;
/// The syndic convenes within this many days of a petition of 1/5 of the quotas (3.87 §2, D3).
pub const PETITION_DAYS: u64 = 30;
/// A decision may be contested before a judge within this many months of the assembly (3.92 §3).
pub const CONTESTATION_MONTHS: u32 = 4;
/// A dispatch closer than this to the assembly is on time but tight (Q5).
pub const COMFORTABLE_DAYS: u64 = 20;

fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(NaiveDate::MAX)
}

fn minus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_sub_days(Days::new(days)).unwrap_or(NaiveDate::MIN)
}

/// The last day a convocation may leave for an assembly on `assembly`, with
/// the ROI's delay when it is longer than the law's.
pub fn convocation_deadline(assembly: NaiveDate, roi_days: u32) -> NaiveDate {
    minus(assembly, u64::from(roi_days.max(CONVOCATION_DAYS)))
}

/// How a dispatch on `sent` stands for an assembly on `assembly`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dispatch {
    OnTime,
    /// On time, but with less than `COMFORTABLE_DAYS`: receipt may be later.
    Tight,
    /// Too late unless urgency is recorded.
    Late,
}

pub fn dispatch(sent: NaiveDate, assembly: NaiveDate, roi_days: u32) -> Dispatch {
    if sent > convocation_deadline(assembly, roi_days) {
        Dispatch::Late
    } else if sent > minus(assembly, COMFORTABLE_DAYS) {
        Dispatch::Tight
    } else {
        Dispatch::OnTime
    }
}

/// The ROI's fortnight for the ordinary assembly, in a given year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fortnight {
    pub first_day: NaiveDate,
}

impl Fortnight {
    pub fn last_day(self) -> NaiveDate {
        plus(self.first_day, 14)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        (self.first_day..=self.last_day()).contains(&day)
    }

    /// The last day an owner's proposal reaches this assembly's agenda.
    pub fn agenda_cutoff(self) -> NaiveDate {
        minus(self.first_day, AGENDA_LEAD_DAYS)
    }

    /// Whether a proposal received on `received` goes on this assembly's
    /// agenda (else on the next one's).
    pub fn takes_proposal(self, received: NaiveDate) -> bool {
        received <= self.agenda_cutoff()
    }
}

pub fn second_assembly_earliest(first: NaiveDate) -> NaiveDate {
    plus(first, SECOND_ASSEMBLY_DAYS)
}

pub fn unanimity_fallback_earliest(first: NaiveDate) -> NaiveDate {
    plus(first, UNANIMITY_FALLBACK_DAYS)
}

/// The day the minutes must have reached every co-owner: counted from the
/// assembly's date, not from when the minutes were finished.
pub fn minutes_due(assembly: NaiveDate) -> NaiveDate {
    plus(assembly, MINUTES_DAYS)
}

pub fn petition_convocation_due(received: NaiveDate) -> NaiveDate {
    plus(received, PETITION_DAYS)
}

/// The last day a decision of the assembly on `assembly` may be brought before the judge.
pub fn contestation_ends(assembly: NaiveDate) -> NaiveDate {
    assembly.checked_add_months(Months::new(CONTESTATION_MONTHS)).unwrap_or(NaiveDate::MAX)
}

/// Whether co-signatures holding `signed` of `total` quotas reach the fifth
/// that obliges the syndic to convene (3.87 §2).
pub fn petition_reaches_a_fifth(signed: u64, total: u64) -> bool {
    5 * u128::from(signed) >= u128::from(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn a_convocation_leaves_fifteen_days_ahead_or_the_roi_s_longer_delay() {
        let ag = d(2027, 5, 20);
        assert_eq!(convocation_deadline(ag, 15), d(2027, 5, 5));
        assert_eq!(convocation_deadline(ag, 10), d(2027, 5, 5), "the ROI cannot shorten the law's delay");
        assert_eq!(convocation_deadline(ag, 21), d(2027, 4, 29));
        assert_eq!(dispatch(d(2027, 5, 5), ag, 15), Dispatch::Tight);
        assert_eq!(dispatch(d(2027, 5, 6), ag, 15), Dispatch::Late);
        assert_eq!(dispatch(d(2027, 4, 30), ag, 15), Dispatch::OnTime);
    }

    #[test]
    fn the_agenda_closes_three_weeks_before_the_fortnight() {
        let fortnight = Fortnight { first_day: d(2027, 5, 10) };
        assert_eq!(fortnight.agenda_cutoff(), d(2027, 4, 19));
        assert!(fortnight.takes_proposal(d(2027, 4, 19)));
        assert!(!fortnight.takes_proposal(d(2027, 4, 20)));
        assert!(fortnight.contains(d(2027, 5, 24)) && !fortnight.contains(d(2027, 5, 25)));
    }

    #[test]
    fn later_dates_follow_the_assembly() {
        let ag = d(2027, 5, 20);
        assert_eq!(second_assembly_earliest(ag), d(2027, 6, 4));
        assert_eq!(unanimity_fallback_earliest(ag), d(2027, 6, 19));
        assert_eq!(minutes_due(ag), d(2027, 6, 19));
        assert_eq!(contestation_ends(ag), d(2027, 9, 20));
        assert_eq!(contestation_ends(d(2027, 10, 31)), d(2028, 2, 29));
        assert_eq!(petition_convocation_due(d(2027, 1, 10)), d(2027, 2, 9));
    }

    #[test]
    fn a_petition_needs_a_fifth_of_the_quotas() {
        assert!(petition_reaches_a_fifth(200, 1000));
        assert!(!petition_reaches_a_fifth(199, 1000));
    }
}
