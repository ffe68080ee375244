//! The pages' languages: French, Dutch and English, from `locales/*/main.ftl`
//! compiled into the binary. Chosen by the `lang` cookie (the switcher), then
//! the user's preference, then `Accept-Language`, then French. Amounts and
//! dates are written the way each language writes them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};
use koprogo_domain::account::Language;
use koprogo_domain::money::Cents;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "fr",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static FR: LanguageIdentifier = langid!("fr");
static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

/// A language the pages are written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Fr,
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Fr, Lang::Nl, Lang::En];

    /// A measured figure (not money) written this language's way, with
    /// `decimals` digits: `3.266,5` in French and Dutch, `3,266.5` in English.
    pub fn figure(self, value: f64, decimals: usize) -> String {
        koprogo_documents::format::figure(self.language(), value, decimals)
    }

    /// A number typed as this language writes it, as the API reads it:
    /// `1.234,56` and `1234,56` in French and Dutch, `1,234.56` in English,
    /// spaces as thousands separators anywhere. A French number without a
    /// comma is left alone (`1234.56` typed on a phone stays 1234.56; `1.234`
    /// is refused by the API rather than read as a thousand).
    pub fn decimal(self, typed: &str) -> String {
        let bare: String = typed.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
        match self {
            Lang::Fr | Lang::Nl if bare.contains(',') => bare.replace('.', "").replace(',', "."),
            Lang::En => bare.replace(',', ""),
            _ => bare,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Fr => "Français",
            Lang::Nl => "Nederlands",
            Lang::En => "English",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    pub fn from_user(language: Language) -> Lang {
        match language {
            Language::Nl => Lang::Nl,
            Language::En => Lang::En,
            _ => Lang::Fr,
        }
    }

    /// The first language of an `Accept-Language` header that we write,
    /// by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut offered: Vec<(u16, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::parse(pieces.next()?)?;
                let quality = pieces.find_map(|p| p.trim().strip_prefix("q=")).map_or(1000, quality_thousandths);
                (quality > 0).then_some((quality, lang))
            })
            .collect();
        offered.sort_by_key(|(quality, _)| std::cmp::Reverse(*quality));
        offered.first().map(|(_, lang)| *lang)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Fr => &FR,
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// The text for `key`; the key itself when missing (a CI test makes
    /// sure none is).
    pub fn t(self, key: &str) -> String {
        LOCALES.try_lookup(self.id(), key).unwrap_or_else(|| key.to_owned())
    }

    pub fn t_with(self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<_, _> = args.iter().map(|(k, v)| (std::borrow::Cow::Borrowed(*k), v.clone())).collect();
        LOCALES.try_lookup_with_args(self.id(), key, &args).unwrap_or_else(|| key.to_owned())
    }

    /// The message for an error code of the API (`quota.exceeds_base`); a
    /// code without one (a test lists those that must have one) gets the
    /// generic message of its kind.
    pub fn error(self, code: &str) -> String {
        self.error_message(code).unwrap_or_else(|| self.t("error-conflict"))
    }

    fn error_message(self, code: &str) -> Option<String> {
        LOCALES.try_lookup(self.id(), &format!("error-{}", code.replace('.', "-")))
    }

    /// The same language as the domain names it (letters and sheets use it).
    pub fn language(self) -> Language {
        match self {
            Lang::Fr => Language::Fr,
            Lang::Nl => Language::Nl,
            Lang::En => Language::En,
        }
    }

    /// `1.234,56 €` in French and Dutch, `€1,234.56` in English.
    pub fn money(self, amount: Cents) -> String {
        koprogo_documents::format::money(self.language(), amount)
    }

    pub fn date(self, day: NaiveDate) -> String {
        koprogo_documents::format::date(self.language(), day)
    }

    /// A moment, on the clock of Brussels.
    pub fn time(self, at: DateTime<Utc>) -> String {
        let local = at.with_timezone(&chrono_tz::Europe::Brussels);
        format!("{} {}", self.date(local.date_naive()), local.format("%H:%M"))
    }
}

/// `q=0.8` as 800, read digit by digit.
fn quality_thousandths(q: &str) -> u16 {
    let (whole, fraction) = q.trim().split_once('.').unwrap_or((q.trim(), ""));
    let whole: u16 = whole.parse().unwrap_or(0);
    let fraction: String = fraction.chars().chain("000".chars()).take(3).collect();
    let fraction: u16 = fraction.parse().unwrap_or(0);
    (whole.min(1) * 1000 + fraction).min(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_each_language_s_way() {
        assert_eq!(Lang::Fr.figure(3266.54, 1), "3.266,5");
        assert_eq!(Lang::Nl.figure(1_234_567.0, 0), "1.234.567");
        assert_eq!(Lang::En.figure(3266.54, 1), "3,266.5");
        assert_eq!(Lang::En.figure(0.02, 3), "0.020");
        assert_eq!(Lang::Fr.figure(-12.5, 1), "-12,5");
        assert_eq!(Lang::Fr.figure(999.0, 0), "999");
    }

    fn keys(lang: &str) -> std::collections::BTreeSet<String> {
        let path = format!("{}/locales/{lang}/main.ftl", env!("CARGO_MANIFEST_DIR"));
        koprogo_documents::format::message_ids(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    #[test]
    fn every_language_has_every_key() {
        let french = keys("fr");
        assert!(french.len() > 50);
        for lang in ["nl", "en"] {
            let other = keys(lang);
            assert_eq!(french.difference(&other).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in {lang}");
            assert_eq!(other.difference(&french).collect::<Vec<_>>(), Vec::<&String>::new(), "only in {lang}");
        }
    }

    /// Conflict and page codes the API and the pages answer with.
    const CONFLICTS: &[&str] = &[
        "email_taken",
        "import.exists",
        "unit.number_taken",
        "building.has_units",
        "building.has_expenses",
        "unit.has_ownerships",
        "owner.has_ownerships",
        "owner.has_account",
        "membership.unknown_reference",
        "distribution_key.name_taken",
        "distribution_key.in_use",
        "payment.exists",
        "bank_import.exists",
        "call.communication_taken",
        "call.issuing",
        "call.key_reused",
        "reminder.exists",
        "statement_file",
        "invitation.already_member",
        "invitation.not_live",
        "bank_file.not_a_statement",
        "bank_file.unsupported",
        "bank_file.bad_field",
        "bank_file.out_of_order",
        "bank_file.totals_differ",
        "bank_file.date_out_of_range",
    ];

    /// Codes the pages themselves answer with.
    const PAGE_CODES: &[&str] =
        &["not_found", "forbidden", "csrf", "unavailable", "internal", "invalid", "conflict", "invalid_type", "unknown_field", "required"];

    #[test]
    fn every_error_code_has_a_message_in_every_language() {
        use koprogo_domain::error::{Invalid, Rule};
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let invalid = [
            Invalid::Empty,
            Invalid::TooLong(1),
            Invalid::OutOfRange { min: 0, max: 1 },
            Invalid::NotOneOf(""),
            Invalid::PostalCode,
            Invalid::Iban,
            Invalid::BceNumber,
            Invalid::Email,
            Invalid::Amount,
            Invalid::Date,
            Invalid::AccountCode,
            Invalid::PasswordTooShort,
            Invalid::Required,
            Invalid::EndBeforeStart,
            Invalid::UnknownReference,
            Invalid::Immutable,
            Invalid::Mismatch,
            Invalid::StructuredCommunication,
        ];
        let rules = [
            Rule::QuotaExceedsBase { base: 1, would_be: 2 },
            Rule::QuotaBaseBelowAllocated { allocated: 1 },
            Rule::SharesExceedWhole { date: day },
            Rule::ExpenseNotDraft,
            Rule::ExpenseTransition,
            Rule::RoleScopeMissing,
            Rule::UnitNotWhollyHeld { unit: String::new() },
            Rule::NothingToDistribute,
            Rule::ExpenseNotApproved,
            Rule::AlreadyDistributed,
            Rule::KeyOfAnotherBuilding,
            Rule::PaymentAlreadyAssigned,
            Rule::StatementAccountUnknown { account: String::new() },
            Rule::OwnerStillHolds { from: day },
            Rule::OwnerErased,
            Rule::ConsentNeedsEmail,
            Rule::LastSyndic,
            Rule::CallCancelled,
            Rule::SellerNotHolding { date: day },
            Rule::TransferSharesMismatch { sold: koprogo_domain::owner::Share::from_basis_points(1).unwrap_or_else(|_| unreachable!()) },
            Rule::AssemblyTransition { from: "draft", to: "closed" },
            Rule::AssemblyTooEarly { earliest: day },
            Rule::SecondAgendaChanged,
            Rule::OutsideFortnight { first_day: day, last_day: day },
            Rule::ConvocationLate { deadline: day },
        ];
        let codes = invalid.iter().map(Invalid::code).chain(rules.iter().map(Rule::code));

        for code in codes.chain(CONFLICTS.iter().copied()).chain(PAGE_CODES.iter().copied()) {
            for lang in Lang::ALL {
                assert!(lang.error_message(code).is_some(), "{code} has no {lang:?} message");
            }
        }
    }

    #[test]
    fn languages_are_negotiated_and_numbers_written_their_way() {
        assert_eq!(Lang::from_accept_language("de-DE,nl-BE;q=0.8,fr;q=0.5"), Some(Lang::Nl));
        assert_eq!(Lang::from_accept_language("en;q=0, fr-BE"), Some(Lang::Fr));
        assert_eq!(Lang::from_accept_language("de"), None);
        let amount = Cents::new(123_456).unwrap_or_else(|_| unreachable!());
        assert_eq!(Lang::Fr.money(amount), "1.234,56\u{a0}€");
        assert_eq!(Lang::En.money(amount), "€1,234.56");
        assert_eq!(Lang::Nl.t_with("buildings-count", &[("count", 1.into())]), "Eén gebouw");
        assert_eq!(Lang::Fr.t_with("buildings-count", &[("count", 3.into())]), "3 immeubles");
        let winter = DateTime::parse_from_rfc3339("2026-11-25T23:30:00Z").map(|d| d.with_timezone(&Utc)).unwrap_or_default();
        assert_eq!(Lang::Fr.time(winter), "26/11/2026 00:30");
    }
}
