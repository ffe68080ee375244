//! The Belgian structured communication (communication structurée /
//! gestructureerde mededeling, "OGM/VCS"): 10 digits and 2 check digits,
//! written `+++ddd/dddd/ddddd+++` (DOMAIN §3.7). One per owner per call, so
//! that a bank payment finds its call line by itself.

use crate::Invalid;

/// A valid structured communication. Holds the 10-digit number; the check
/// digits are derived from it, so a value that exists is always right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StructuredCommunication(u64);

const BASE_LIMIT: u64 = 10_000_000_000;

impl StructuredCommunication {
    /// From the 10-digit number (0 ..= 9 999 999 999).
    pub fn from_number(number: u64) -> Result<Self, Invalid> {
        if number < BASE_LIMIT { Ok(Self(number)) } else { Err(Invalid::OutOfRange { min: 0, max: 9_999_999_999 }) }
    }

    /// Check digits: the number mod 97, with remainder 0 written as 97.
    pub fn check_digits(self) -> u64 {
        match self.0 % 97 {
            0 => 97,
            rest => rest,
        }
    }

    pub fn number(self) -> u64 {
        self.0
    }

    /// The 12 digits without separators, as banks carry them (CODA, camt.053).
    pub fn digits(self) -> String {
        format!("{:010}{:02}", self.0, self.check_digits())
    }

    /// Accepts `+++123/4567/89002+++`, `***123/4567/89002***`, or the 12 digits,
    /// with spaces, slashes or dots anywhere; refuses a wrong check.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        let inner = ["+++", "***"]
            .iter()
            .find_map(|fence| trimmed.strip_prefix(fence).and_then(|rest| rest.strip_suffix(fence)))
            .unwrap_or(trimmed);
        if inner.chars().any(|c| !(c.is_ascii_digit() || matches!(c, '/' | ' ' | '.'))) {
            return Err(Invalid::StructuredCommunication);
        }
        let digits: String = inner.chars().filter(char::is_ascii_digit).collect();
        if digits.len() != 12 {
            return Err(Invalid::StructuredCommunication);
        }
        let (number, check) = digits.split_at(10);
        let number: u64 = number.parse().map_err(|_| Invalid::StructuredCommunication)?;
        let check: u64 = check.parse().map_err(|_| Invalid::StructuredCommunication)?;
        let communication = Self::from_number(number)?;
        if communication.check_digits() == check { Ok(communication) } else { Err(Invalid::StructuredCommunication) }
    }
}

impl std::fmt::Display for StructuredCommunication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.digits();
        let (a, rest) = d.split_at(3);
        let (b, c) = rest.split_at(4);
        write!(f, "+++{a}/{b}/{c}+++")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remainder_of_zero_is_written_97() {
        let lowest = StructuredCommunication::from_number(0).unwrap();
        assert_eq!(lowest.to_string(), "+++000/0000/00097+++");
        assert_eq!(StructuredCommunication::from_number(97).unwrap().check_digits(), 97);
        assert_eq!(StructuredCommunication::parse("+++000/0000/00097+++"), Ok(lowest));
    }

    #[test]
    fn the_usual_written_forms_parse() {
        let c = StructuredCommunication::from_number(1_234_567_890).unwrap();
        assert_eq!(c.check_digits(), 1_234_567_890 % 97);
        let written = c.to_string();
        assert_eq!(written, format!("+++123/4567/890{:02}+++", 1_234_567_890_u64 % 97));
        assert_eq!(StructuredCommunication::parse(&written), Ok(c));
        assert_eq!(StructuredCommunication::parse(&written.replace('+', "*")), Ok(c));
        assert_eq!(StructuredCommunication::parse(&c.digits()), Ok(c));
        assert_eq!(StructuredCommunication::parse(" 123 4567 890 02 ").is_ok(), 1_234_567_890 % 97 == 2);
    }

    #[test]
    fn wrong_checks_and_shapes_are_refused() {
        for bad in ["+++000/0000/00000+++", "+++123/4567/89000+++", "12345678901", "1234567890123", "+++abc/defg/hijkl+++", "", "+++"] {
            assert_eq!(StructuredCommunication::parse(bad), Err(Invalid::StructuredCommunication), "{bad}");
        }
        assert!(StructuredCommunication::from_number(BASE_LIMIT).is_err());
    }

    proptest::proptest! {
        #[test]
        fn every_communication_round_trips(number in 0u64..BASE_LIMIT) {
            let c = StructuredCommunication::from_number(number).unwrap();
            proptest::prop_assert_eq!(StructuredCommunication::parse(&c.to_string()), Ok(c));
            proptest::prop_assert_eq!(StructuredCommunication::parse(&c.digits()), Ok(c));
            let check = c.check_digits();
            proptest::prop_assert!((1..=97).contains(&check));
            proptest::prop_assert_eq!((number + 97 - check % 97) % 97, 0);
        }

        #[test]
        fn a_single_wrong_digit_is_caught(number in 0u64..BASE_LIMIT, position in 0usize..12, delta in 1u8..10) {
            let digits = StructuredCommunication::from_number(number).unwrap().digits().into_bytes();
            let mut typo = digits.clone();
            if let Some(d) = typo.get_mut(position) {
                *d = b'0' + (*d - b'0' + delta) % 10;
            }
            let typo = String::from_utf8(typo).unwrap();
            proptest::prop_assert!(StructuredCommunication::parse(&typo).is_err(), "{} accepted", typo);
        }

        #[test]
        fn no_input_makes_the_parser_panic(raw in ".{0,40}") {
            let _ = StructuredCommunication::parse(&raw);
        }
    }
}
