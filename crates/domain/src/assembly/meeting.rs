//! An assembly's kind, its life from draft to the end of the contestation
//! window, and the checks on its date and agenda that do not need the room.

use chrono::NaiveDate;

use super::calendar;
use crate::Rule;

crate::code_enum!(
    /// `second`: called because the first had no quorum (3.87 §5), same
    /// agenda, at least 15 days later, deciding whatever the attendance;
    /// `unanimity_fallback`: called at least 30 days after a unanimity failed
    /// for want of the absent (D1); `written`: the written procedure, every
    /// decision by unanimity of all co-owners (3.87 §4).
    AssemblyKind {
        Ordinary = "ordinary",
        Extraordinary = "extraordinary",
        Second = "second",
        UnanimityFallback = "unanimity_fallback",
        Written = "written",
    }
);

impl AssemblyKind {
    /// The assembly it follows, and how long after it, when it follows one.
    pub fn follows(self) -> Option<u64> {
        match self {
            AssemblyKind::Second => Some(calendar::SECOND_ASSEMBLY_DAYS),
            AssemblyKind::UnanimityFallback => Some(calendar::UNANIMITY_FALLBACK_DAYS),
            _ => None,
        }
    }

    /// Whether it opens with a quorum check (a second assembly deliberates
    /// whatever the attendance; a written procedure has no meeting).
    pub fn needs_quorum(self) -> bool {
        matches!(self, AssemblyKind::Ordinary | AssemblyKind::Extraordinary | AssemblyKind::UnanimityFallback)
    }
}

crate::code_enum!(
    /// Draft → convened → opened (register frozen, quorum stored) → closed →
    /// minutes signed (locked, hashed) → minutes sent. A draft or convened
    /// assembly may be cancelled; an opened one without quorum is closed and
    /// a second one called.
    Status {
        Draft = "draft",
        Convened = "convened",
        Opened = "opened",
        Closed = "closed",
        MinutesSigned = "minutes_signed",
        MinutesSent = "minutes_sent",
        Cancelled = "cancelled",
    }
);

impl Status {
    /// Whether the life of an assembly may go from `self` to `next`.
    pub fn may_become(self, next: Status) -> bool {
        use Status::*;
        matches!(
            (self, next),
            (Draft, Convened)
                | (Draft | Convened, Cancelled)
                | (Convened, Opened)
                | (Opened, Closed)
                | (Closed, MinutesSigned)
                | (MinutesSigned, MinutesSent)
        )
    }

    pub fn become_(self, next: Status) -> Result<Status, Rule> {
        if self.may_become(next) { Ok(next) } else { Err(Rule::AssemblyTransition { from: self.as_str(), to: next.as_str() }) }
    }

    /// Whether the agenda may still change (until the convocation leaves).
    pub fn agenda_open(self) -> bool {
        self == Status::Draft
    }
}

/// The date of an assembly that follows another, checked against it.
pub fn check_follow_up(kind: AssemblyKind, date: NaiveDate, previous: NaiveDate) -> Result<(), Rule> {
    let Some(days) = kind.follows() else { return Ok(()) };
    let earliest = previous.checked_add_days(chrono::Days::new(days)).unwrap_or(NaiveDate::MAX);
    if date < earliest { Err(Rule::AssemblyTooEarly { earliest }) } else { Ok(()) }
}

/// A second assembly has the first one's agenda, unchanged but for the
/// correction of an error (D4): the same items, in the same order, with the
/// same resolution and majority. Anything else makes it a new first
/// convocation that needs its quorum.
pub fn check_same_agenda<T: PartialEq>(first: &[T], second: &[T]) -> Result<(), Rule> {
    if first == second { Ok(()) } else { Err(Rule::SecondAgendaChanged) }
}

/// An ordinary assembly meets inside the ROI's fortnight, when the ROI sets one.
pub fn check_ordinary_date(date: NaiveDate, fortnight: Option<calendar::Fortnight>) -> Result<(), Rule> {
    match fortnight {
        Some(window) if !window.contains(date) => Err(Rule::OutsideFortnight { first_day: window.first_day, last_day: window.last_day() }),
        _ => Ok(()),
    }
}

/// A convocation may leave late only when urgency is recorded (3.87 §3).
pub fn check_dispatch(sent: NaiveDate, assembly: NaiveDate, roi_days: u32, urgency: bool) -> Result<calendar::Dispatch, Rule> {
    match calendar::dispatch(sent, assembly, roi_days) {
        calendar::Dispatch::Late if !urgency => Err(Rule::ConvocationLate { deadline: calendar::convocation_deadline(assembly, roi_days) }),
        stands => Ok(stands),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("a date")
    }

    #[test]
    fn an_assembly_lives_in_one_direction() {
        let mut status = Status::Draft;
        for next in [Status::Convened, Status::Opened, Status::Closed, Status::MinutesSigned, Status::MinutesSent] {
            status = status.become_(next).expect("the next step");
        }
        assert_eq!(Status::MinutesSigned.become_(Status::Closed), Err(Rule::AssemblyTransition { from: "minutes_signed", to: "closed" }));
        assert!(!Status::Opened.may_become(Status::Cancelled));
        assert!(Status::Convened.may_become(Status::Cancelled));
    }

    #[test]
    fn a_second_assembly_waits_fifteen_days_and_a_fallback_thirty() {
        let first = d(2027, 3, 1);
        assert_eq!(check_follow_up(AssemblyKind::Second, d(2027, 3, 15), first), Err(Rule::AssemblyTooEarly { earliest: d(2027, 3, 16) }));
        assert!(check_follow_up(AssemblyKind::Second, d(2027, 3, 16), first).is_ok());
        assert!(check_follow_up(AssemblyKind::UnanimityFallback, d(2027, 3, 30), first).is_err());
        assert!(check_follow_up(AssemblyKind::UnanimityFallback, d(2027, 3, 31), first).is_ok());
        assert!(!AssemblyKind::Second.needs_quorum());
    }

    #[test]
    fn the_second_agenda_is_the_first_one() {
        assert!(check_same_agenda(&["budget", "works"], &["budget", "works"]).is_ok());
        assert_eq!(check_same_agenda(&["budget", "works"], &["works", "budget"]), Err(Rule::SecondAgendaChanged));
    }

    #[test]
    fn dates_follow_the_roi_and_urgency() {
        let window = calendar::Fortnight { first_day: d(2027, 5, 10) };
        assert!(check_ordinary_date(d(2027, 5, 24), Some(window)).is_ok());
        assert!(check_ordinary_date(d(2027, 5, 25), Some(window)).is_err());
        assert!(check_ordinary_date(d(2027, 9, 1), None).is_ok());
        let ag = d(2027, 5, 20);
        assert_eq!(check_dispatch(d(2027, 5, 6), ag, 15, false), Err(Rule::ConvocationLate { deadline: d(2027, 5, 5) }));
        assert_eq!(check_dispatch(d(2027, 5, 6), ag, 15, true), Ok(calendar::Dispatch::Late));
    }
}
