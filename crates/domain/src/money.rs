//! Money is integer cents; a split always adds up to the cent.

use crate::Invalid;

/// An amount in euro cents. Never a float.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cents(i64);

/// The largest amount we accept on one line: ten billion euros.
const MAX_CENTS: i64 = 1_000_000_000_000;

impl Cents {
    pub fn new(cents: i64) -> Result<Self, Invalid> {
        if cents.abs() > MAX_CENTS {
            return Err(Invalid::OutOfRange { min: -MAX_CENTS, max: MAX_CENTS });
        }
        Ok(Self(cents))
    }

    /// Parses euros written in decimal (`1234`, `1234.5`, `-12.34`) exactly:
    /// never through binary floating point. More than two decimals, exponents or
    /// anything else is refused.
    pub fn parse_euros(raw: &str) -> Result<Self, Invalid> {
        let value = parse_hundredths(raw).ok_or(Invalid::Amount)?;
        Self::new(value)
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// `1234.56`: the JSON/CSV form, a dot and two decimals.
    pub fn to_decimal_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl std::fmt::Display for Cents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_decimal_string())
    }
}

/// Parses a decimal with at most two decimals (`12`, `12.5`, `-0.05`) into
/// hundredths, exactly. Exponents, commas and more decimals are refused.
pub(crate) fn parse_hundredths(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (negative, unsigned) = match raw.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, raw),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || whole.len() > 12 || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    if fraction.len() > 2 || (unsigned.contains('.') && fraction.is_empty()) {
        return None;
    }
    let units: i64 = whole.parse().ok()?;
    let hundredths: i64 = format!("{fraction:0<2}").parse().ok()?;
    let value = units * 100 + hundredths;
    Some(if negative { -value } else { value })
}

/// Splits `total` in proportion to `weights` (quotas, shares of a unit, …).
/// Every part is rounded down, then the leftover units go one by one to the
/// largest remainders (ties: earlier position first), so the parts always add
/// up to exactly `total`. `None` when the weights sum to zero.
pub fn split(total: u64, weights: &[u64]) -> Option<Vec<u64>> {
    let sum: u128 = weights.iter().map(|w| u128::from(*w)).sum();
    if sum == 0 {
        return None;
    }
    let total_wide = u128::from(total);
    // (position, part rounded down, remainder)
    let mut rows: Vec<(usize, u128, u128)> =
        weights.iter().enumerate().map(|(i, w)| (i, total_wide * u128::from(*w) / sum, total_wide * u128::from(*w) % sum)).collect();
    let leftover = total_wide - rows.iter().map(|r| r.1).sum::<u128>();
    rows.sort_by_key(|r| std::cmp::Reverse(r.2)); // stable: ties keep their order
    for row in rows.iter_mut().take(usize::try_from(leftover).ok()?) {
        row.1 += 1;
    }
    rows.sort_by_key(|r| r.0);
    rows.into_iter().map(|r| u64::try_from(r.1).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_parse_exactly() {
        assert_eq!(Cents::parse_euros("1234.56").unwrap().get(), 123_456);
        assert_eq!(Cents::parse_euros("0.1").unwrap().get(), 10);
        assert_eq!(Cents::parse_euros("12").unwrap().get(), 1200);
        assert_eq!(Cents::parse_euros("-3.05").unwrap().get(), -305);
        assert_eq!(Cents::parse_euros("0.29").unwrap().get(), 29);
        for bad in ["1.234", "1e3", "", ".5", "5.", "1,5", "abc", "--1", "1234567890123"] {
            assert_eq!(Cents::parse_euros(bad), Err(Invalid::Amount), "{bad}");
        }
    }

    #[test]
    fn cents_print_with_two_decimals() {
        assert_eq!(Cents::new(123_456).unwrap().to_string(), "1234.56");
        assert_eq!(Cents::new(-5).unwrap().to_string(), "-0.05");
    }

    #[test]
    fn split_gives_leftover_to_largest_remainders() {
        assert_eq!(split(100, &[1, 1, 1]).unwrap(), vec![34, 33, 33]);
        assert_eq!(split(1000, &[500, 300, 200]).unwrap(), vec![500, 300, 200]);
        assert_eq!(split(10, &[0, 0]), None);
    }

    proptest::proptest! {
        #[test]
        fn parts_always_add_up(total in 0u64..100_000_000_000, weights in proptest::collection::vec(0u64..10_000, 1..80)) {
            if let Some(parts) = split(total, &weights) {
                proptest::prop_assert_eq!(parts.iter().sum::<u64>(), total);
            }
        }

        #[test]
        fn decimal_strings_round_trip(cents in -MAX_CENTS..=MAX_CENTS) {
            let amount = Cents::new(cents).unwrap();
            proptest::prop_assert_eq!(Cents::parse_euros(&amount.to_decimal_string()).unwrap(), amount);
        }
    }
}
