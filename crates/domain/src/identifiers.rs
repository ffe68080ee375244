//! Identifiers with check digits: IBAN, BCE/KBO number, postal codes by country,
//! e-mail address. Each parses from what people type (spaces, dots, lower case)
//! and keeps one canonical form.

use crate::Invalid;

/// `value mod 97` over a string of decimal digits, without overflow.
fn mod97(digits: impl Iterator<Item = u32>) -> u32 {
    digits.fold(0, |acc, d| (acc * 10 + d) % 97)
}

fn digits_of(raw: &str) -> Option<Vec<u32>> {
    raw.chars().map(|c| c.to_digit(10)).collect()
}

/// An IBAN (ISO 13616): mod-97 = 1; a Belgian one (`BE` + 14 characters) must
/// also pass the national check (first 10 digits of the BBAN mod 97, 0 -> 97,
/// equals the last 2).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Iban(String);

impl Iban {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let compact: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_ascii_uppercase();
        if !(15..=34).contains(&compact.len()) || !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Invalid::Iban);
        }
        let (head, rest) = compact.split_at(4);
        if !head.chars().take(2).all(|c| c.is_ascii_uppercase()) || !head.chars().skip(2).all(|c| c.is_ascii_digit()) {
            return Err(Invalid::Iban);
        }
        // Letters count as two digits (A = 10 … Z = 35).
        let expanded = rest.chars().chain(head.chars()).flat_map(|c| {
            let value = c.to_digit(36).unwrap_or(0);
            if value >= 10 { vec![value / 10, value % 10] } else { vec![value] }
        });
        if mod97(expanded) != 1 {
            return Err(Invalid::Iban);
        }
        if head.starts_with("BE") && !belgian_bban_is_valid(rest) {
            return Err(Invalid::Iban);
        }
        Ok(Self(compact))
    }

    /// The compact form, e.g. `BE68539007547034`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Grouped by four for display, e.g. `BE68 5390 0754 7034`.
    pub fn grouped(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

/// The IBAN of an old Belgian account number (12 digits, `539-0075470-34`),
/// as CODA files with account structure 0 still write it: `BE`, the two
/// ISO 13616 check digits computed over the number, then the number.
/// `None` when it is not 12 digits.
pub fn belgian_account_to_iban(number: &str) -> Option<String> {
    let digits: String = number.chars().filter(|c| !matches!(c, '-' | ' ' | '.')).collect();
    if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // B = 11, E = 14, then 00 in place of the check digits.
    let expanded = digits.chars().chain("111400".chars()).filter_map(|c| c.to_digit(10));
    Some(format!("BE{:02}{digits}", 98 - mod97(expanded)))
}

fn belgian_bban_is_valid(bban: &str) -> bool {
    let Some(digits) = digits_of(bban) else { return false };
    if digits.len() != 12 {
        return false;
    }
    let (base, check) = digits.split_at(10);
    let expected = match mod97(base.iter().copied()) {
        0 => 97,
        r => r,
    };
    check.iter().fold(0, |acc, d| acc * 10 + d) == expected
}

/// A BCE/KBO enterprise number: 10 digits starting with 0 or 1, the last two
/// being 97 − (first 8 mod 97). Accepts `0123.456.749`, `BE0123456749`, `123456749`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct BceNumber(String);

impl BceNumber {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let upper = raw.trim().to_ascii_uppercase();
        let without_country = upper.strip_prefix("BE").unwrap_or(&upper);
        let mut digits: String = without_country.chars().filter(|c| !matches!(c, '.' | ' ' | '-')).collect();
        if digits.len() == 9 {
            digits.insert(0, '0'); // old 9-digit numbers gained a leading 0
        }
        let values = digits_of(&digits).ok_or(Invalid::BceNumber)?;
        if values.len() != 10 || values.first().is_none_or(|d| *d > 1) {
            return Err(Invalid::BceNumber);
        }
        let (base, check) = values.split_at(8);
        let expected = 97 - mod97(base.iter().copied());
        if check.iter().fold(0, |acc, d| acc * 10 + d) != expected {
            return Err(Invalid::BceNumber);
        }
        Ok(Self(digits))
    }

    /// The 10 digits, e.g. `0123456749`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The usual written form, e.g. `0123.456.749`.
    pub fn dotted(&self) -> String {
        let (a, rest) = self.0.split_at(4);
        let (b, c) = rest.split_at(3);
        format!("{a}.{b}.{c}")
    }
}

/// A postal code, checked by the rules of its country: Belgian codes run
/// from 1000 to 9992 (bpost), neighbours have their own format, other
/// countries' codes are kept as written (letters, digits, spaces, hyphens).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostalCode(String);

impl PostalCode {
    /// A Belgian postal code (buildings are in Belgium).
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::parse_in(raw, "BE")
    }

    /// A postal code of the country with this ISO 3166 alpha-2 code.
    pub fn parse_in(raw: &str, country: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_ascii_uppercase();
        let digits = |s: &str, n: usize| s.len() == n && s.chars().all(|c| c.is_ascii_digit());
        let normal = match country {
            "BE" => digits(&value, 4).then(|| value.parse::<u16>().ok()).flatten().filter(|n| (1000..=9992).contains(n)).map(|_| value),
            "FR" | "DE" | "IT" | "ES" => digits(&value, 5).then_some(value),
            "LU" => {
                let bare = value.trim_start_matches("L-").trim_start_matches('L');
                digits(bare, 4).then(|| bare.to_owned())
            }
            "NL" => {
                let compact: String = value.chars().filter(|c| *c != ' ').collect();
                let (number, letters) = compact.split_at(compact.len().min(4));
                let valid = digits(number, 4)
                    && !number.starts_with('0')
                    && letters.len() == 2
                    && letters.chars().all(|c| c.is_ascii_uppercase())
                    && !matches!(letters, "SA" | "SD" | "SS");
                valid.then(|| format!("{number} {letters}"))
            }
            _ => {
                let plausible = (1..=10).contains(&value.chars().count())
                    && value.chars().any(|c| c.is_alphanumeric())
                    && value.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
                plausible.then_some(value)
            }
        };
        normal.map(Self).ok_or(Invalid::PostalCode)
    }

    /// A Belgian postal code from its number (demo and sample data).
    pub fn new(value: u16) -> Result<Self, Invalid> {
        Self::parse(&value.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PostalCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, trimmed and lower-cased so that it identifies one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        let Some((local, domain)) = value.split_once('@') else { return Err(Invalid::Email) };
        let plausible = !local.is_empty()
            && local.len() <= 64
            && value.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !value.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ','));
        if plausible { Ok(Self(value)) } else { Err(Invalid::Email) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_old_belgian_account_number_becomes_its_iban() {
        assert_eq!(belgian_account_to_iban("539007547034").as_deref(), Some("BE68539007547034"));
        assert_eq!(belgian_account_to_iban("539-0075470-34").as_deref(), Some("BE68539007547034"));
        assert_eq!(belgian_account_to_iban("53900754703"), None);
        assert_eq!(belgian_account_to_iban("BE6853900754"), None);
    }

    #[test]
    fn belgian_ibans_need_both_checks() {
        assert_eq!(Iban::parse("be68 5390 0754 7034").unwrap().as_str(), "BE68539007547034");
        assert_eq!(Iban::parse("BE68539007547034").unwrap().grouped(), "BE68 5390 0754 7034");
        assert_eq!(Iban::parse("BE68539007547035"), Err(Invalid::Iban));
        assert_eq!(Iban::parse("BE6853900754703"), Err(Invalid::Iban));
        assert!(Iban::parse("FR1420041010050500013M02606").is_ok());
        assert_eq!(Iban::parse("not an iban"), Err(Invalid::Iban));
    }

    #[test]
    fn bce_numbers_accept_the_usual_spellings() {
        assert_eq!(BceNumber::parse("0123.456.749").unwrap().as_str(), "0123456749");
        assert_eq!(BceNumber::parse("BE 0123 456 749").unwrap().dotted(), "0123.456.749");
        assert_eq!(BceNumber::parse("123456749").unwrap().as_str(), "0123456749");
        assert_eq!(BceNumber::parse("0123.456.748"), Err(Invalid::BceNumber));
        assert_eq!(BceNumber::parse("2123456749"), Err(Invalid::BceNumber));
    }

    #[test]
    fn bce_numbers_may_start_with_one() {
        // 97 - (10000000 mod 97) = 97 - 76 = 21
        assert!(BceNumber::parse("1000000021").is_ok());
    }

    #[test]
    fn postal_codes_follow_their_country() {
        assert!(PostalCode::parse("1000").is_ok());
        assert!(PostalCode::parse("9992").is_ok());
        assert_eq!(PostalCode::parse("9999"), Err(Invalid::PostalCode));
        assert_eq!(PostalCode::parse_in("75001", "FR").map(|p| p.to_string()), Ok("75001".to_owned()));
        assert_eq!(PostalCode::parse_in("1012lg", "NL").map(|p| p.to_string()), Ok("1012 LG".to_owned()));
        assert_eq!(PostalCode::parse_in("1012 SS", "NL"), Err(Invalid::PostalCode));
        assert_eq!(PostalCode::parse_in("L-1009", "LU").map(|p| p.to_string()), Ok("1009".to_owned()));
        assert_eq!(PostalCode::parse_in("10115", "DE").map(|p| p.to_string()), Ok("10115".to_owned()));
        assert_eq!(PostalCode::parse_in("1050", "FR"), Err(Invalid::PostalCode));
        assert_eq!(PostalCode::parse_in("SW1A 1AA", "GB").map(|p| p.to_string()), Ok("SW1A 1AA".to_owned()));
        assert_eq!(PostalCode::parse_in("<script>", "GB"), Err(Invalid::PostalCode));
        assert_eq!(PostalCode::parse("999"), Err(Invalid::PostalCode));
        assert_eq!(PostalCode::parse("10000"), Err(Invalid::PostalCode));
        assert_eq!(PostalCode::parse("10a0"), Err(Invalid::PostalCode));
    }

    /// `text` with the digit at `position` changed by `delta` (mod 10).
    fn typo(text: &str, position: usize, delta: u32) -> String {
        text.chars()
            .enumerate()
            .map(|(i, c)| match (i == position, c.to_digit(10)) {
                (true, Some(d)) => char::from_digit((d + delta) % 10, 10).unwrap(),
                _ => c,
            })
            .collect()
    }

    /// A Belgian IBAN built from any 10-digit base with both check numbers.
    fn belgian_iban(base: u64) -> String {
        let base = format!("{base:010}");
        let national = match base.chars().filter_map(|c| c.to_digit(10)).fold(0u32, |acc, d| (acc * 10 + d) % 97) {
            0 => 97,
            r => r,
        };
        let bban = format!("{base}{national:02}");
        let check = 98 - format!("{bban}111400").chars().filter_map(|c| c.to_digit(10)).fold(0u32, |acc, d| (acc * 10 + d) % 97);
        format!("BE{check:02}{bban}")
    }

    proptest::proptest! {
        #[test]
        fn every_correctly_built_belgian_iban_parses(base in 0u64..10_000_000_000) {
            let iban = belgian_iban(base);
            proptest::prop_assert_eq!(Iban::parse(&iban).map(|i| i.as_str().to_owned()), Ok(iban));
        }

        /// Mod 97 catches every single-digit error.
        #[test]
        fn a_single_wrong_digit_is_caught(base in 0u64..10_000_000_000, position in 2usize..16, delta in 1u32..10) {
            let wrong = typo(&belgian_iban(base), position, delta);
            proptest::prop_assert_eq!(Iban::parse(&wrong), Err(Invalid::Iban));
        }

        #[test]
        fn bce_numbers_round_trip_and_catch_typos(base in 0u32..20_000_000, position in 0usize..10, delta in 1u32..10) {
            let number = format!("{base:08}{:02}", 97 - base % 97);
            proptest::prop_assert_eq!(BceNumber::parse(&number).map(|n| n.as_str().to_owned()), Ok(number.clone()));
            let wrong = typo(&number, position, delta);
            proptest::prop_assert!(BceNumber::parse(&wrong).is_err(), "{wrong}");
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,40}") {
            let _ = Iban::parse(&raw);
            let _ = BceNumber::parse(&raw);
            let _ = PostalCode::parse(&raw);
            let _ = Email::parse(&raw);
            let _ = crate::money::Cents::parse_euros(&raw);
        }
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(Email::parse(" Marie@Example.BE ").unwrap().as_str(), "marie@example.be");
        for bad in ["", "marie", "@x.be", "a@b", "a b@x.be", "a@x.be.", "a@@x.be"] {
            assert_eq!(Email::parse(bad), Err(Invalid::Email), "{bad}");
        }
    }
}
