//! Chasing late payers (DOMAIN §3.4, arrears and recovery): three reminder
//! levels, each after its delay, with the fees and the interest that the
//! association's statutes or rules (ROI) provide. The law fixes no cadence
//! (it is practice), and fees or interest may only be claimed when the
//! statutes provide them, so every figure is the association's setting and
//! the defaults claim nothing but the arrear itself.

use chrono::NaiveDate;

use crate::Invalid;
use crate::ids::{BuildingId, CallLineId, OwnerId, ReminderId};
use crate::money::Cents;

crate::code_enum!(
    /// How far the chase has gone: a friendly reminder, a formal notice
    /// (mise en demeure / ingebrekestelling, from which interest may run),
    /// then the last notice before recovery through the courts.
    ReminderLevel { Reminder = "reminder", FormalNotice = "formal_notice", LastNotice = "last_notice" }
);

impl ReminderLevel {
    fn index(self) -> usize {
        match self {
            ReminderLevel::Reminder => 0,
            ReminderLevel::FormalNotice => 1,
            ReminderLevel::LastNotice => 2,
        }
    }

    pub fn next(self) -> Option<Self> {
        match self {
            ReminderLevel::Reminder => Some(ReminderLevel::FormalNotice),
            ReminderLevel::FormalNotice => Some(ReminderLevel::LastNotice),
            ReminderLevel::LastNotice => None,
        }
    }
}

/// One level's rule: how many days after the due date (first level) or after
/// the previous reminder it is sent, and the flat fee it adds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LevelRule {
    pub delay_days: u32,
    pub fee: Cents,
}

/// An association's reminder rules. Built only through `new`, so that delays,
/// fees and the interest rate stay within sensible bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReminderPolicy {
    levels: [LevelRule; 3],
    /// Yearly interest after the formal notice, in hundredths of a percent (450 = 4.50 %).
    interest_basis_points: u32,
    /// No letter below this arrear.
    minimum: Cents,
}

const MAX_FEE: i64 = 100_000; // 1 000 €
const MAX_INTEREST: u32 = 2_000; // 20 % a year

impl ReminderPolicy {
    /// # Errors
    /// `(field, why)` for the first value out of bounds: delays 1 to 365 days,
    /// fees 0 to 1 000 €, interest 0 to 20 % a year, minimum 0.01 to 10 000 €.
    pub fn new(levels: [LevelRule; 3], interest_basis_points: u32, minimum: Cents) -> Result<Self, (&'static str, Invalid)> {
        for level in &levels {
            if !(1..=365).contains(&level.delay_days) {
                return Err(("delays_days", Invalid::OutOfRange { min: 1, max: 365 }));
            }
            if !(0..=MAX_FEE).contains(&level.fee.get()) {
                return Err(("fees", Invalid::OutOfRange { min: 0, max: MAX_FEE }));
            }
        }
        if interest_basis_points > MAX_INTEREST {
            return Err(("interest_rate", Invalid::OutOfRange { min: 0, max: 20 }));
        }
        if !(1..=1_000_000).contains(&minimum.get()) {
            return Err(("minimum", Invalid::OutOfRange { min: 1, max: 1_000_000 }));
        }
        Ok(Self { levels, interest_basis_points, minimum })
    }

    pub fn rule(&self, level: ReminderLevel) -> LevelRule {
        self.levels.get(level.index()).copied().unwrap_or(LevelRule { delay_days: 15, fee: Cents::default() })
    }

    pub fn levels(&self) -> [LevelRule; 3] {
        self.levels
    }

    pub fn interest_basis_points(&self) -> u32 {
        self.interest_basis_points
    }

    pub fn minimum(&self) -> Cents {
        self.minimum
    }
}

impl Default for ReminderPolicy {
    /// Fifteen days between steps, no fee, no interest, nothing below 1 €.
    fn default() -> Self {
        let step = LevelRule { delay_days: 15, fee: Cents::default() };
        Self { levels: [step; 3], interest_basis_points: 0, minimum: Cents::new(100).unwrap_or_default() }
    }
}

/// A yearly rate in percent with at most two decimals (`4.5`, `8`), as
/// hundredths of a percent (450, 800).
pub fn parse_rate(raw: &str) -> Result<u32, Invalid> {
    let hundredths = crate::money::parse_hundredths(raw).ok_or(Invalid::OutOfRange { min: 0, max: 20 })?;
    u32::try_from(hundredths).ok().filter(|v| *v <= MAX_INTEREST).ok_or(Invalid::OutOfRange { min: 0, max: 20 })
}

/// A call line as the chase sees it: when it fell due, what it asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DueLine {
    pub line: CallLineId,
    pub due_date: NaiveDate,
    pub amount: Cents,
}

/// What an owner owes past due in one building: payments settle the oldest
/// lines first, so the first line they do not cover names the cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrear {
    pub overdue: Cents,
    pub oldest: DueLine,
}

/// The owner's arrear on `today`, if any: lines due before `today` that the
/// payments (`paid`, every payment of the owner in the building) leave unpaid.
pub fn arrear(lines: &[DueLine], paid: Cents, today: NaiveDate) -> Option<Arrear> {
    let mut lines: Vec<&DueLine> = lines.iter().collect();
    lines.sort_by_key(|l| (l.due_date, l.line));
    let mut left = paid.get();
    let mut oldest = None;
    let mut overdue = 0_i64;
    for line in lines {
        let covered = left.min(line.amount.get()).max(0);
        left -= covered;
        let open = line.amount.get() - covered;
        if open > 0 && line.due_date < today {
            oldest.get_or_insert(*line);
            overdue += open;
        }
    }
    let overdue = Cents::new(overdue).ok()?;
    oldest.map(|oldest| Arrear { overdue, oldest })
}

/// A reminder already sent, as the next step needs it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SentReminder {
    pub level: ReminderLevel,
    pub sent_on: NaiveDate,
    pub oldest_due: NaiveDate,
    pub fee: Cents,
}

/// A reminder to send (or sent): what it claims and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub id: ReminderId,
    pub building_id: BuildingId,
    pub owner_id: OwnerId,
    /// The oldest unpaid line: its structured communication is the one to pay with.
    pub call_line: CallLineId,
    pub level: ReminderLevel,
    pub oldest_due: NaiveDate,
    pub sent_on: NaiveDate,
    /// The arrear past due.
    pub principal: Cents,
    /// This level's fee.
    pub fee: Cents,
    /// Fees of the earlier reminders of the same cycle, claimed again.
    pub earlier_fees: Cents,
    pub interest: Cents,
    /// Interest runs from the formal notice.
    pub interest_from: Option<NaiveDate>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl Reminder {
    /// Everything the letter claims.
    pub fn total(&self) -> Cents {
        Cents::new(self.principal.get() + self.fee.get() + self.earlier_fees.get() + self.interest.get()).unwrap_or_default()
    }
}

/// What the next step of the chase would claim, before it gets an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NextReminder {
    pub level: ReminderLevel,
    pub principal: Cents,
    pub fee: Cents,
    pub earlier_fees: Cents,
    pub interest: Cents,
    pub interest_from: Option<NaiveDate>,
}

/// Simple interest on `principal` at `basis_points` a year over `days`,
/// rounded down to the cent (never more than owed).
pub fn interest(principal: Cents, basis_points: u32, days: i64) -> Cents {
    let owed = i128::from(principal.get().max(0)) * i128::from(basis_points) * i128::from(days.max(0)) / (10_000 * 365);
    Cents::new(i64::try_from(owed).unwrap_or(0)).unwrap_or_default()
}

/// The reminder due `today` for an arrear, given the reminders already sent
/// to that owner in that building (any order), or `None` when none is due:
/// the arrear is below the minimum, the delay since the last step has not
/// run, or the last notice was sent (recovery is then the syndic's call).
/// Only the reminders of the current cycle count: those sent on or after the
/// oldest unpaid line fell due; an owner who caught up starts afresh.
pub fn next_reminder(policy: &ReminderPolicy, arrear: &Arrear, sent: &[SentReminder], today: NaiveDate) -> Option<NextReminder> {
    if arrear.overdue < policy.minimum() {
        return None;
    }
    let cycle: Vec<&SentReminder> = sent.iter().filter(|s| s.sent_on >= arrear.oldest.due_date).collect();
    let last = cycle.iter().max_by_key(|s| (s.level.index(), s.sent_on));
    let (level, after) = match last {
        None => (ReminderLevel::Reminder, arrear.oldest.due_date),
        Some(last) => (last.level.next()?, last.sent_on),
    };
    if today < after + chrono::Days::new(u64::from(policy.rule(level).delay_days)) {
        return None;
    }
    let earlier_fees = cycle.iter().map(|s| s.fee.get()).sum::<i64>();
    let interest_from = match level {
        ReminderLevel::Reminder => None,
        ReminderLevel::FormalNotice => Some(today),
        ReminderLevel::LastNotice => cycle.iter().find(|s| s.level == ReminderLevel::FormalNotice).map(|s| s.sent_on),
    };
    let owed = interest_from
        .map_or_else(Cents::default, |from| interest(arrear.overdue, policy.interest_basis_points(), (today - from).num_days()));
    Some(NextReminder {
        level,
        principal: arrear.overdue,
        fee: policy.rule(level).fee,
        earlier_fees: Cents::new(earlier_fees).unwrap_or_default(),
        interest: owed,
        interest_from,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, d).unwrap()
    }

    fn c(v: i64) -> Cents {
        Cents::new(v).unwrap()
    }

    fn line(due: NaiveDate, amount: i64) -> DueLine {
        DueLine { line: CallLineId::generate(), due_date: due, amount: c(amount) }
    }

    fn policy() -> ReminderPolicy {
        let rule = |delay_days, fee| LevelRule { delay_days, fee: c(fee) };
        ReminderPolicy::new([rule(10, 0), rule(15, 1_500), rule(20, 2_500)], 800, c(500)).unwrap()
    }

    #[test]
    fn payments_settle_the_oldest_lines_first() {
        let (q1, q2, q3) = (line(day(1, 31), 30_000), line(day(4, 30), 30_000), line(day(7, 31), 30_000));
        let a = arrear(&[q3, q1, q2], c(40_000), day(6, 1)).unwrap();
        assert_eq!((a.overdue, a.oldest.line), (c(20_000), q2.line));
        assert_eq!(arrear(&[q1, q2, q3], c(60_000), day(6, 1)), None, "what is not yet due is not an arrear");
        assert_eq!(arrear(&[q1], c(0), day(1, 31)), None, "due today is not yet late");
    }

    #[test]
    fn the_chase_climbs_one_level_at_a_time_after_each_delay() {
        let a = arrear(&[line(day(1, 31), 20_000)], c(0), day(3, 1)).unwrap();
        let p = policy();
        assert_eq!(next_reminder(&p, &a, &[], day(2, 9)), None, "10 days after the due date, not 9");
        let first = next_reminder(&p, &a, &[], day(2, 10)).unwrap();
        assert_eq!((first.level, first.fee, first.interest), (ReminderLevel::Reminder, c(0), c(0)));
        let sent = |level, sent_on, fee| SentReminder { level, sent_on, oldest_due: day(1, 31), fee: c(fee) };
        let one = [sent(ReminderLevel::Reminder, day(2, 10), 0)];
        assert_eq!(next_reminder(&p, &a, &one, day(2, 24)), None);
        let notice = next_reminder(&p, &a, &one, day(2, 25)).unwrap();
        assert_eq!((notice.level, notice.fee, notice.interest_from), (ReminderLevel::FormalNotice, c(1_500), Some(day(2, 25))));
        let two = [one[0], sent(ReminderLevel::FormalNotice, day(2, 25), 1_500)];
        let last = next_reminder(&p, &a, &two, day(3, 17)).unwrap();
        // 200 € at 8 % over the 20 days since the formal notice: 0.8767 €.
        assert_eq!((last.level, last.earlier_fees, last.fee, last.interest), (ReminderLevel::LastNotice, c(1_500), c(2_500), c(87)));
        let three = [two[0], two[1], sent(ReminderLevel::LastNotice, day(3, 17), 2_500)];
        assert_eq!(next_reminder(&p, &a, &three, day(12, 31)), None, "after the last notice comes recovery, not a fourth letter");
    }

    #[test]
    fn small_arrears_and_earlier_cycles_are_left_alone() {
        let p = policy();
        let small = arrear(&[line(day(1, 31), 499)], c(0), day(6, 1)).unwrap();
        assert_eq!(next_reminder(&p, &small, &[], day(6, 1)), None);
        // A last notice of an earlier cycle (before this line fell due) does not count.
        let a = arrear(&[line(day(4, 30), 20_000)], c(0), day(6, 1)).unwrap();
        let old = [SentReminder { level: ReminderLevel::LastNotice, sent_on: day(3, 1), oldest_due: day(1, 31), fee: c(2_500) }];
        assert_eq!(next_reminder(&p, &a, &old, day(6, 1)).map(|r| (r.level, r.earlier_fees)), Some((ReminderLevel::Reminder, c(0))));
    }

    #[test]
    fn policies_stay_within_bounds() {
        let rule = LevelRule { delay_days: 0, fee: c(0) };
        assert_eq!(ReminderPolicy::new([rule; 3], 0, c(100)).unwrap_err().0, "delays_days");
        let costly = LevelRule { delay_days: 5, fee: c(100_001) };
        assert_eq!(ReminderPolicy::new([costly; 3], 0, c(100)).unwrap_err().0, "fees");
        let fine = LevelRule { delay_days: 5, fee: c(0) };
        assert_eq!(ReminderPolicy::new([fine; 3], 2_001, c(100)).unwrap_err().0, "interest_rate");
        assert_eq!(interest(c(100_000), 450, 365), c(4_500));
        assert_eq!(
            (parse_rate("4.5"), parse_rate("8"), parse_rate("20.01").is_err(), parse_rate("-1").is_err()),
            (Ok(450), Ok(800), true, true)
        );
    }
}
