//! The person's rights over their data (GDPR) and the Belgian rules they meet:
//! convocations by e-mail only with the owner's written consent (Code civil art. 3.87),
//! accounting records kept seven years (DOMAIN §3.6 retention), hence erasure
//! by pseudonym rather than deletion.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use uuid::Uuid;

use crate::Rule;
use crate::owner::{OwnerDetails, Period};
use crate::text::Name;

/// What an owner agreed to and whether their identity was erased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Privacy {
    /// When the owner agreed, in writing, to receive convocations by e-mail.
    pub email_consent_at: Option<DateTime<Utc>>,
    /// When the owner's identity was replaced by a pseudonym.
    pub erased_at: Option<DateTime<Utc>>,
}

crate::code_enum!(
    /// How a general assembly's convocation reaches an owner.
    Channel { Email = "email", RegisteredMail = "registered_mail" }
);

impl Privacy {
    /// Registered mail is the rule; e-mail only where the owner agreed and gave an address.
    pub fn convocation_channel(&self, details: &OwnerDetails) -> Channel {
        if self.email_consent_at.is_some() && details.email.is_some() { Channel::Email } else { Channel::RegisteredMail }
    }

    /// Consent is given for an address: without one there is nothing to agree to.
    pub fn give_consent(&mut self, details: &OwnerDetails, at: DateTime<Utc>) -> Result<(), Rule> {
        self.ensure_not_erased()?;
        if details.email.is_none() {
            return Err(Rule::ConsentNeedsEmail);
        }
        self.email_consent_at.get_or_insert(at);
        Ok(())
    }

    pub fn withdraw_consent(&mut self) -> Result<(), Rule> {
        self.ensure_not_erased()?;
        self.email_consent_at = None;
        Ok(())
    }

    /// An erased record is kept for the accounts only: nobody edits it back to life.
    pub fn ensure_not_erased(&self) -> Result<(), Rule> {
        if self.erased_at.is_some() { Err(Rule::OwnerErased) } else { Ok(()) }
    }
}

/// The name an erased person keeps in the accounts: stable (the same record
/// always reads the same), neutral in every language, and derived from the
/// random part of the id only, so that it says nothing about the person.
pub fn pseudonym(id: Uuid) -> Name {
    let simple = id.simple().to_string();
    let tail = simple.get(simple.len().saturating_sub(8)..).unwrap_or(&simple);
    let name = format!("ERASED-{}", tail.to_uppercase());
    // Sixteen ASCII characters always fit a name.
    Name::parse(&name).unwrap_or_else(|_| unreachable!("a pseudonym is a valid name"))
}

/// An owner may be erased once they hold no unit any more, nor will: an owner
/// of today must stay reachable for convocations and calls for funds.
pub fn check_erasable(holdings: &[Period], today: NaiveDate) -> Result<(), Rule> {
    match holdings.iter().filter(|p| p.end().is_none_or(|end| end > today)).map(|p| p.start()).min() {
        Some(start) => Err(Rule::OwnerStillHolds { from: start }),
        None => Ok(()),
    }
}

/// Books and their vouchers are kept seven years from the 1 January after the
/// close of their financial year (`year_end`, its last day): this is the last
/// day they must be kept.
pub fn accounting_retained_until(year_end: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(year_end.year().saturating_add(7), 12, 31).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::Language;
    use crate::identifiers::Email;
    use crate::owner::PersonKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn details(email: Option<&str>) -> OwnerDetails {
        OwnerDetails {
            kind: PersonKind::Natural,
            first_name: Some(Name::parse("Anne").unwrap()),
            last_name: Name::parse("Peeters").unwrap(),
            email: email.map(|e| Email::parse(e).unwrap()),
            phone: None,
            address: None,
            iban: None,
            language: Language::Nl,
            bce_number: None,
        }
    }

    #[test]
    fn registered_mail_unless_the_owner_agreed_and_has_an_address() {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut privacy = Privacy::default();
        assert_eq!(privacy.convocation_channel(&details(Some("anne@example.be"))), Channel::RegisteredMail);
        assert_eq!(privacy.give_consent(&details(None), at), Err(Rule::ConsentNeedsEmail));
        privacy.give_consent(&details(Some("anne@example.be")), at).unwrap();
        assert_eq!(privacy.convocation_channel(&details(Some("anne@example.be"))), Channel::Email);
        // An address removed later falls back to registered mail.
        assert_eq!(privacy.convocation_channel(&details(None)), Channel::RegisteredMail);
        privacy.withdraw_consent().unwrap();
        assert_eq!(privacy.email_consent_at, None);
    }

    #[test]
    fn consent_keeps_its_first_date() {
        let first = DateTime::<Utc>::UNIX_EPOCH;
        let mut privacy = Privacy::default();
        privacy.give_consent(&details(Some("a@b.be")), first).unwrap();
        privacy.give_consent(&details(Some("a@b.be")), first + chrono::Duration::days(3)).unwrap();
        assert_eq!(privacy.email_consent_at, Some(first));
    }

    #[test]
    fn an_erased_record_refuses_changes() {
        let mut privacy = Privacy { erased_at: Some(DateTime::<Utc>::UNIX_EPOCH), ..Privacy::default() };
        assert_eq!(privacy.give_consent(&details(Some("a@b.be")), DateTime::<Utc>::UNIX_EPOCH), Err(Rule::OwnerErased));
        assert_eq!(privacy.withdraw_consent(), Err(Rule::OwnerErased));
    }

    #[test]
    fn only_a_former_owner_is_erased() {
        let sold = Period::new(day(2015, 1, 1), Some(day(2024, 6, 1))).unwrap();
        let held = Period::new(day(2020, 1, 1), None).unwrap();
        let bought_later = Period::new(day(2027, 1, 1), None).unwrap();
        assert_eq!(check_erasable(&[sold], day(2026, 1, 1)), Ok(()));
        assert_eq!(check_erasable(&[], day(2026, 1, 1)), Ok(()));
        assert_eq!(check_erasable(&[sold, held], day(2026, 1, 1)), Err(Rule::OwnerStillHolds { from: day(2020, 1, 1) }));
        assert_eq!(check_erasable(&[bought_later], day(2026, 1, 1)), Err(Rule::OwnerStillHolds { from: day(2027, 1, 1) }));
        // The day the sale takes effect, the seller holds nothing.
        assert_eq!(check_erasable(&[sold], day(2024, 6, 1)), Ok(()));
    }

    #[test]
    fn pseudonyms_are_stable_and_say_nothing() {
        let id = Uuid::parse_str("0195f1c2-7a3b-7c00-9d4e-5f60718293a4").unwrap();
        assert_eq!(pseudonym(id).to_string(), "ERASED-718293A4");
        assert_eq!(pseudonym(id), pseudonym(id));
    }

    #[test]
    fn records_are_kept_seven_years_after_their_year() {
        assert_eq!(accounting_retained_until(day(2025, 12, 31)), day(2032, 12, 31));
        // A year closing mid-year still counts from the next 1 January.
        assert_eq!(accounting_retained_until(day(2025, 6, 30)), day(2032, 12, 31));
    }
}
