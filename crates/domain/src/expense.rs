//! Expenses: supplier invoices and charges of a building, with their account
//! in the ACP chart of accounts and the fund that bears them.

use chrono::NaiveDate;

use crate::ids::{BuildingId, ExpenseId};
use crate::money::Cents;
use crate::text::{LongText, Name, ShortText};
use crate::{Invalid, Rule};

crate::code_enum!(
    /// Belgian VAT rates. An ACP is normally not VAT-liable, so VAT is a cost
    /// and amounts are kept VAT included (DOMAIN §3.8).
    VatRate { Zero = "0", Six = "6", Twelve = "12", TwentyOne = "21" }
);

crate::code_enum!(
    /// The fund that bears an expense (Code civil, art. 3.86 §3): the working
    /// fund for periodic expenses, the reserve fund for the others.
    Fund { Working = "working", Reserve = "reserve" }
);

crate::code_enum!(
    ExpenseStatus { Draft = "draft", Approved = "approved", Paid = "paid" }
);

crate::code_enum!(
    /// A coarse category, as the seed's clients send it; each maps to a default
    /// account of class 6 of the ACP chart (AR 12 July 2012).
    Category {
        Maintenance = "maintenance",
        Repairs = "repairs",
        Works = "works",
        Utilities = "utilities",
        Insurance = "insurance",
        Cleaning = "cleaning",
        Fees = "fees",
        Concierge = "concierge",
        Administration = "administration",
        Other = "other",
    }
);

impl Category {
    pub fn default_account(self) -> AccountCode {
        let code = match self {
            Category::Maintenance => "610",
            Category::Repairs | Category::Works => "611",
            Category::Utilities => "612",
            Category::Fees => "613",
            Category::Insurance => "614",
            Category::Concierge => "615",
            Category::Administration => "616",
            Category::Cleaning => "6105",
            Category::Other => "6109",
        };
        AccountCode(code.to_owned())
    }
}

impl VatRate {
    pub fn percent(self) -> u32 {
        match self {
            VatRate::Zero => 0,
            VatRate::Six => 6,
            VatRate::Twelve => 12,
            VatRate::TwentyOne => 21,
        }
    }

    pub fn from_percent(value: i64) -> Result<Self, Invalid> {
        Self::ALL.iter().copied().find(|r| i64::from(r.percent()) == value).ok_or(Invalid::NotOneOf(Self::CODES))
    }
}

/// An account of class 6 (charges) of the ACP chart: 3 to 6 digits, e.g. `6101` lifts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountCode(String);

impl AccountCode {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        let valid = (3..=6).contains(&value.len()) && value.starts_with('6') && value.chars().all(|c| c.is_ascii_digit());
        if valid { Ok(Self(value.to_owned())) } else { Err(Invalid::AccountCode) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The amount of an expense, VAT included: strictly positive.
pub fn parse_expense_amount(raw: &str) -> Result<Cents, Invalid> {
    let amount = Cents::parse_euros(raw)?;
    if amount.get() <= 0 {
        return Err(Invalid::OutOfRange { min: 0, max: 10_000_000_000 });
    }
    Ok(amount)
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpenseDetails {
    pub building_id: BuildingId,
    pub date: NaiveDate,
    pub supplier: Name,
    pub invoice_number: Option<ShortText>,
    pub description: LongText,
    pub amount: Cents,
    pub vat_rate: VatRate,
    pub category: Category,
    pub account_code: AccountCode,
    pub fund: Fund,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expense {
    pub id: ExpenseId,
    /// When it was first recorded (UTC).
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub details: ExpenseDetails,
    pub status: ExpenseStatus,
    /// Its parts are on the owners' accounts: approving shares it, once.
    pub shared: bool,
}

impl Expense {
    /// A draft may be edited or deleted; once approved it is part of the books
    /// and is corrected by a new entry, never rewritten.
    pub fn check_editable(&self) -> Result<(), Rule> {
        if self.status == ExpenseStatus::Draft { Ok(()) } else { Err(Rule::ExpenseNotDraft) }
    }

    /// draft → approved → paid, one step at a time.
    pub fn advance_to(&self, next: ExpenseStatus) -> Result<ExpenseStatus, Rule> {
        match (self.status, next) {
            (ExpenseStatus::Draft, ExpenseStatus::Approved) | (ExpenseStatus::Approved, ExpenseStatus::Paid) => Ok(next),
            _ => Err(Rule::ExpenseTransition),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expense(status: ExpenseStatus) -> Expense {
        Expense {
            id: ExpenseId::generate(),
            created_at: chrono::DateTime::UNIX_EPOCH,
            status,
            shared: false,
            details: ExpenseDetails {
                building_id: BuildingId::generate(),
                date: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
                supplier: Name::parse("Schindler").unwrap(),
                invoice_number: None,
                description: LongText::parse("Entretien ascenseur").unwrap(),
                amount: Cents::new(48_400).unwrap(),
                vat_rate: VatRate::TwentyOne,
                category: Category::Maintenance,
                account_code: AccountCode::parse("6101").unwrap(),
                fund: Fund::Working,
            },
        }
    }

    #[test]
    fn status_moves_one_step_at_a_time() {
        assert_eq!(expense(ExpenseStatus::Draft).advance_to(ExpenseStatus::Approved), Ok(ExpenseStatus::Approved));
        assert_eq!(expense(ExpenseStatus::Approved).advance_to(ExpenseStatus::Paid), Ok(ExpenseStatus::Paid));
        assert_eq!(expense(ExpenseStatus::Draft).advance_to(ExpenseStatus::Paid), Err(Rule::ExpenseTransition));
        assert_eq!(expense(ExpenseStatus::Paid).advance_to(ExpenseStatus::Approved), Err(Rule::ExpenseTransition));
    }

    #[test]
    fn only_drafts_are_editable() {
        assert!(expense(ExpenseStatus::Draft).check_editable().is_ok());
        assert_eq!(expense(ExpenseStatus::Approved).check_editable(), Err(Rule::ExpenseNotDraft));
    }

    #[test]
    fn account_codes_are_charges() {
        assert!(AccountCode::parse("6101").is_ok());
        assert!(AccountCode::parse("61300").is_ok());
        assert!(AccountCode::parse("4101").is_err());
        assert!(AccountCode::parse("6a").is_err());
        assert_eq!(Category::parse("Insurance").unwrap().default_account().as_str(), "614");
    }

    #[test]
    fn amounts_are_positive_and_exact() {
        assert_eq!(parse_expense_amount("484.00").unwrap().get(), 48_400);
        assert!(parse_expense_amount("0").is_err());
        assert!(parse_expense_amount("-1").is_err());
        assert!(parse_expense_amount("1.005").is_err());
    }

    #[test]
    fn vat_rates_are_the_belgian_ones() {
        assert_eq!(VatRate::from_percent(6), Ok(VatRate::Six));
        assert!(VatRate::from_percent(19).is_err());
    }
}
