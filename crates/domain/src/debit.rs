//! Money paid out of a building's accounts, read from its bank statements,
//! and the paid expense each debit settles. Matching settles a debit only on
//! evidence the statement carries (the invoice number, the supplier's name)
//! beside the exact amount; the amount alone is a suggestion for the syndic,
//! since a bank fee and an invoice can share it.

use chrono::NaiveDate;

use crate::expense::Fund;
use crate::ids::{BankImportId, BuildingId, DebitId, ExpenseId};
use crate::money::Cents;

crate::code_enum!(
    /// How a debit found the expense it settles.
    DebitMatch { InvoiceNumber = "invoice_number", Supplier = "supplier", Manual = "manual" }
);

/// The expense a debit settles, and how that was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settlement {
    pub expense: ExpenseId,
    pub matched_by: DebitMatch,
}

/// Money that left one of the building's accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Debit {
    pub id: DebitId,
    pub building_id: BuildingId,
    pub import_id: BankImportId,
    pub value_date: NaiveDate,
    /// Strictly positive: what left the account.
    pub amount: Cents,
    /// The account it left.
    pub account: Fund,
    /// The communication as the statement gives it, structured or free.
    pub reference: Option<String>,
    pub counterparty_iban: Option<String>,
    pub counterparty_name: Option<String>,
    /// The bank's reference, unique per building: a movement is recorded once.
    pub bank_reference: String,
    pub settles: Option<Settlement>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A paid expense as matching sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaidExpense {
    pub id: ExpenseId,
    pub date: NaiveDate,
    pub supplier: String,
    pub invoice_number: Option<String>,
    pub amount: Cents,
}

/// Letters and digits only, lower-cased: `F-2026/001` and `f2026001` compare equal.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The words of a name that tell a supplier apart: legal forms and words
/// under three letters say nothing.
fn telling_words(name: &str) -> Vec<String> {
    const FORMS: &[&str] = &["sprl", "srl", "scrl", "bvba", "asbl", "vzw", "scs", "comm", "the", "les", "des", "van", "der", "het"];
    name.split(|c: char| !c.is_alphanumeric())
        .map(|w| w.to_lowercase())
        .filter(|w| w.chars().count() >= 3 && !FORMS.contains(&w.as_str()))
        .collect()
}

/// The one candidate that `evidence` points at, if exactly one does.
fn only<'a>(candidates: &[&'a PaidExpense], evidence: impl Fn(&PaidExpense) -> bool) -> Option<&'a PaidExpense> {
    let mut found = candidates.iter().filter(|e| evidence(e));
    match (found.next(), found.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// Settles `debit` against one of `open` (the building's paid expenses that
/// no debit settles yet): among those of exactly its amount dated on or
/// before it, the one whose invoice number the communication names, else the
/// one whose supplier the counterparty's name names. Two candidates with the
/// same evidence, or none, leave the debit for the syndic.
pub fn match_debit(debit: &Debit, open: &[PaidExpense]) -> Option<Settlement> {
    let candidates: Vec<&PaidExpense> = open.iter().filter(|e| e.amount == debit.amount && e.date <= debit.value_date).collect();
    let reference = debit.reference.as_deref().map(squeeze).unwrap_or_default();
    let by_invoice =
        only(&candidates, |e| e.invoice_number.as_deref().map(squeeze).is_some_and(|n| n.chars().count() >= 4 && reference.contains(&n)));
    if let Some(e) = by_invoice {
        return Some(Settlement { expense: e.id, matched_by: DebitMatch::InvoiceNumber });
    }
    let payee = debit.counterparty_name.as_deref().map(telling_words).unwrap_or_default();
    let by_supplier = only(&candidates, |e| telling_words(&e.supplier).iter().any(|w| payee.contains(w)));
    by_supplier.map(|e| Settlement { expense: e.id, matched_by: DebitMatch::Supplier })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn debit(amount: i64, reference: Option<&str>, payee: Option<&str>) -> Debit {
        Debit {
            id: DebitId::generate(),
            building_id: BuildingId::generate(),
            import_id: BankImportId::generate(),
            value_date: day(20),
            amount: Cents::new(amount).unwrap(),
            account: Fund::Working,
            reference: reference.map(str::to_owned),
            counterparty_iban: None,
            counterparty_name: payee.map(str::to_owned),
            bank_reference: "001/1".to_owned(),
            settles: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn paid(supplier: &str, invoice: Option<&str>, amount: i64, date: u32) -> PaidExpense {
        PaidExpense {
            id: ExpenseId::generate(),
            date: day(date),
            supplier: supplier.to_owned(),
            invoice_number: invoice.map(str::to_owned),
            amount: Cents::new(amount).unwrap(),
        }
    }

    #[test]
    fn the_invoice_number_in_the_communication_settles_whatever_the_punctuation() {
        let open = [paid("Schindler SA", Some("F-2026/0042"), 48_400, 3), paid("Schindler SA", Some("F-2026/0043"), 48_400, 4)];
        let settled = match_debit(&debit(48_400, Some("FACTURE F20260043"), Some("SCHINDLER")), &open);
        assert_eq!(settled, Some(Settlement { expense: open[1].id, matched_by: DebitMatch::InvoiceNumber }));
    }

    #[test]
    fn the_supplier_named_by_the_payee_settles_when_it_is_the_only_one() {
        let open = [paid("Électricité Engie", None, 12_000, 1), paid("Nettoyage Propre SPRL", None, 12_000, 2)];
        let settled = match_debit(&debit(12_000, None, Some("PROPRE NETTOYAGE SPRL")), &open);
        assert_eq!(settled, Some(Settlement { expense: open[1].id, matched_by: DebitMatch::Supplier }));
    }

    #[test]
    fn the_amount_alone_settles_nothing() {
        let open = [paid("Ascenseurs Coene", None, 5_000, 1)];
        assert_eq!(match_debit(&debit(5_000, Some("Frais de tenue de compte"), Some("BNP PARIBAS FORTIS")), &open), None);
    }

    #[test]
    fn two_expenses_with_the_same_evidence_are_left_to_the_syndic() {
        let open = [paid("Coene SA", None, 7_500, 1), paid("Coene SA", None, 7_500, 2)];
        assert_eq!(match_debit(&debit(7_500, None, Some("COENE")), &open), None);
    }

    #[test]
    fn another_amount_or_a_later_invoice_is_no_candidate() {
        let open = [paid("Coene SA", Some("2026-77"), 7_501, 1), paid("Coene SA", Some("2026-77"), 7_500, 25)];
        assert_eq!(match_debit(&debit(7_500, Some("2026-77"), Some("COENE")), &open), None);
    }

    #[test]
    fn legal_forms_and_short_words_do_not_name_a_supplier() {
        let open = [paid("SPRL De Bo", None, 900, 1)];
        assert_eq!(match_debit(&debit(900, None, Some("SPRL AB")), &open), None);
        assert_eq!(telling_words("BVBA Van der Elst & Zonen"), vec!["elst", "zonen"]);
    }

    #[test]
    fn a_short_invoice_number_is_not_evidence() {
        let open = [paid("Coene SA", Some("12"), 900, 1)];
        assert_eq!(match_debit(&debit(900, Some("ref 2012 12"), None), &open), None);
    }
}
