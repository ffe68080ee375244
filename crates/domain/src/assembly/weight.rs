//! Votes as exact fractions of quotas. Quotas are integers; only the vote cap
//! divides (a capped holder keeps `others / engaged` of each lot), so a lot's
//! weight is a fraction, and sums and comparisons stay exact by keeping a
//! numerator over a denominator and cross-multiplying. Never a float.

use std::cmp::Ordering;
use std::fmt;

/// A non-negative number of votes: `numerator / denominator`, kept reduced.
#[derive(Clone, Copy, Debug)]
pub struct Votes {
    numerator: u128,
    denominator: u128,
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Votes {
    pub const ZERO: Votes = Votes { numerator: 0, denominator: 1 };

    pub fn whole(quotas: u64) -> Self {
        Self { numerator: u128::from(quotas), denominator: 1 }
    }

    fn reduced(numerator: u128, denominator: u128) -> Self {
        let divisor = gcd(numerator, denominator).max(1);
        Self { numerator: numerator / divisor, denominator: (denominator / divisor).max(1) }
    }

    /// `self × part / whole` (a capped lot: its weight × others / engaged);
    /// `whole` is never zero where it is used, and zero gives zero.
    pub fn scaled(self, part: Votes, whole: Votes) -> Self {
        if whole.numerator == 0 {
            return Self::ZERO;
        }
        // (a/b) × (c/d) / (e/f) = a·c·f / (b·d·e), reduced step by step so that
        // the products stay far below u128's range for any real building.
        let first = Self::reduced(self.numerator.saturating_mul(part.numerator), self.denominator.saturating_mul(part.denominator));
        Self::reduced(first.numerator.saturating_mul(whole.denominator), first.denominator.saturating_mul(whole.numerator))
    }

    pub fn is_zero(self) -> bool {
        self.numerator == 0
    }

    /// `self − other`, or zero when other is larger.
    pub fn minus(self, other: Votes) -> Self {
        let (a, b) = (self.numerator.saturating_mul(other.denominator), other.numerator.saturating_mul(self.denominator));
        Self::reduced(a.saturating_sub(b), self.denominator.saturating_mul(other.denominator))
    }

    /// `self × k` for a small integer factor (the majorities' 2, 3, 4, 5, 10).
    pub fn times(self, k: u64) -> Self {
        Self::reduced(self.numerator.saturating_mul(u128::from(k)), self.denominator)
    }

    pub fn numerator(self) -> u128 {
        self.numerator
    }

    pub fn denominator(self) -> u128 {
        self.denominator
    }
}

impl std::ops::Add for Votes {
    type Output = Votes;
    fn add(self, other: Votes) -> Votes {
        let denominator = self.denominator / gcd(self.denominator, other.denominator).max(1) * other.denominator;
        let scale = |v: Votes| v.numerator.saturating_mul(denominator / v.denominator);
        Votes::reduced(scale(self).saturating_add(scale(other)), denominator)
    }
}

impl std::iter::Sum for Votes {
    fn sum<I: Iterator<Item = Votes>>(iter: I) -> Votes {
        iter.fold(Votes::ZERO, |a, b| a + b)
    }
}

impl PartialEq for Votes {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Votes {}

impl PartialOrd for Votes {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Votes {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numerator.saturating_mul(other.denominator).cmp(&other.numerator.saturating_mul(self.denominator))
    }
}

/// `400`, or `133 1/3` when a cap left a fraction.
impl fmt::Display for Votes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, rest) = (self.numerator / self.denominator, self.numerator % self.denominator);
        if rest == 0 { write!(f, "{whole}") } else { write!(f, "{whole} {rest}/{}", self.denominator) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_add_and_compare_exactly() {
        let third = Votes::whole(400).scaled(Votes::whole(1), Votes::whole(3));
        assert_eq!(third.to_string(), "133 1/3");
        assert_eq!(third + third + third, Votes::whole(400));
        assert!(third.times(3) == Votes::whole(400));
        assert!(third < Votes::whole(134) && third > Votes::whole(133));
        assert_eq!(Votes::whole(5).minus(Votes::whole(7)), Votes::ZERO);
        assert_eq!(Votes::whole(600).scaled(Votes::whole(400), Votes::whole(600)), Votes::whole(400));
    }
}
