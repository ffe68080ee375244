//! Words, amounts and dates as each language writes them, for the documents
//! (in the addressee's language: French, Dutch, German or English) and for
//! the web pages, which use the same amount and date forms.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
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
static DE: LanguageIdentifier = langid!("de");
static EN: LanguageIdentifier = langid!("en");

fn id(lang: Language) -> &'static LanguageIdentifier {
    match lang {
        Language::Fr => &FR,
        Language::Nl => &NL,
        Language::De => &DE,
        Language::En => &EN,
    }
}

/// The text for `key`; the key itself when missing (a test makes sure none is).
pub fn t(lang: Language, key: &str) -> String {
    LOCALES.try_lookup(id(lang), key).unwrap_or_else(|| key.to_owned())
}

/// A call's title on a statement; the entry reversing a cancelled call says so.
pub fn call_title(lang: Language, line: &koprogo_app::ports::money::AccountLine) -> String {
    if line.reversal { format!("{} — {}", t(lang, "statement-cancelled"), line.title) } else { line.title.clone() }
}

/// The text for `key` with its arguments (`{ $due }`).
pub fn t_with(lang: Language, key: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<_, _> = args.iter().map(|(k, v)| (std::borrow::Cow::Borrowed(*k), FluentValue::from(v.clone()))).collect();
    LOCALES.try_lookup_with_args(id(lang), key, &args).unwrap_or_else(|| key.to_owned())
}

/// `1.234,56 €` in French, Dutch and German, `€1,234.56` in English.
pub fn money(lang: Language, amount: Cents) -> String {
    let cents = amount.get();
    let sign = if cents < 0 { "-" } else { "" };
    let (euros, rest) = (cents.unsigned_abs() / 100, cents.unsigned_abs() % 100);
    let decimal = decimal_point(lang);
    let grouped = grouped(lang, &euros.to_string());
    match lang {
        Language::En => format!("{sign}€{grouped}{decimal}{rest:02}"),
        _ => format!("{sign}{grouped}{decimal}{rest:02}\u{a0}€"),
    }
}

fn decimal_point(lang: Language) -> char {
    if lang == Language::En { '.' } else { ',' }
}

/// Whole `digits` grouped by thousands: `1.234.567`, `1,234,567` in English.
fn grouped(lang: Language, digits: &str) -> String {
    let group = if lang == Language::En { ',' } else { '.' };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// A measured figure (not money) with `decimals` digits: `3.266,5` in French,
/// Dutch and German, `3,266.5` in English.
pub fn figure(lang: Language, value: f64, decimals: usize) -> String {
    let plain = format!("{:.decimals$}", value.abs());
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let sign = if value < 0.0 && plain.chars().any(|c| c.is_ascii_digit() && c != '0') { "-" } else { "" };
    let whole = grouped(lang, whole);
    if fraction.is_empty() { format!("{sign}{whole}") } else { format!("{sign}{whole}{}{fraction}", decimal_point(lang)) }
}

/// `01/12/2026` (fr, nl), `01.12.2026` (de), `1 Dec 2026` (en).
pub fn date(lang: Language, day: NaiveDate) -> String {
    match lang {
        Language::En => day.format("%-d %b %Y").to_string(),
        Language::De => day.format("%d.%m.%Y").to_string(),
        _ => day.format("%d/%m/%Y").to_string(),
    }
}

const MONTHS: [[&str; 12]; 4] = [
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
];

/// `1 décembre 2026`, `1 december 2026`, `1. Dezember 2026`, `1 December 2026`: a letter's date.
pub fn long_date(lang: Language, day: NaiveDate) -> String {
    let row = match lang {
        Language::Fr => 0,
        Language::Nl => 1,
        Language::De => 2,
        Language::En => 3,
    };
    let month = MONTHS.get(row).and_then(|m| m.get(usize::try_from(day.month0()).unwrap_or(0))).copied().unwrap_or_default();
    match lang {
        Language::De => format!("{}. {month} {}", day.day(), day.year()),
        _ => format!("{} {month} {}", day.day(), day.year()),
    }
}

/// The message ids a Fluent file defines, for the tests that check every
/// language has every message.
pub fn message_ids(ftl: &str) -> std::collections::BTreeSet<String> {
    ftl.lines()
        .filter(|l| !l.starts_with([' ', '#', '*', '[', '}']) && l.contains(" ="))
        .map(|l| l.split(" =").next().unwrap_or_default().to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: &str) -> std::collections::BTreeSet<String> {
        let path = format!("{}/locales/{lang}/documents.ftl", env!("CARGO_MANIFEST_DIR"));
        message_ids(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    #[test]
    fn every_language_has_every_key() {
        let french = keys("fr");
        assert!(french.len() > 40, "{} keys", french.len());
        for lang in ["nl", "de", "en"] {
            let other = keys(lang);
            assert_eq!(french.difference(&other).collect::<Vec<_>>(), Vec::<&String>::new(), "missing in {lang}");
            assert_eq!(other.difference(&french).collect::<Vec<_>>(), Vec::<&String>::new(), "only in {lang}");
        }
    }

    #[test]
    fn amounts_and_dates_are_written_each_language_s_way() {
        let amount = Cents::new(-123_456).unwrap();
        assert_eq!(money(Language::Fr, amount), "-1.234,56\u{a0}€");
        assert_eq!(money(Language::De, amount), "-1.234,56\u{a0}€");
        assert_eq!(money(Language::En, amount), "-€1,234.56");
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            (date(Language::Nl, day), date(Language::De, day), date(Language::En, day)),
            ("01/12/2026".into(), "01.12.2026".into(), "1 Dec 2026".into())
        );
        assert_eq!(long_date(Language::Fr, day), "1 décembre 2026");
        assert_eq!(long_date(Language::De, day), "1. Dezember 2026");
        assert_eq!(t_with(Language::Nl, "call-due", &[("due", "31/01/2027".into())]), "Te betalen uiterlijk op 31/01/2027");
    }
}
