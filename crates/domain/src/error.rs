//! Errors of the domain, each with a stable code that the API returns and the
//! web interface translates. The codes are part of the public contract.

/// Why one input value was refused. Reported per field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    #[error("must not be empty")]
    Empty,
    #[error("is too long (at most {0} characters)")]
    TooLong(usize),
    #[error("must be between {min} and {max}")]
    OutOfRange { min: i64, max: i64 },
    #[error("must be one of: {0}")]
    NotOneOf(&'static str),
    #[error("is not a postal code of its country (in Belgium 1000-9992)")]
    PostalCode,
    #[error("is not a valid IBAN (check digits or length)")]
    Iban,
    #[error("is not a valid BCE/KBO number (10 digits, check digits)")]
    BceNumber,
    #[error("is not a valid e-mail address")]
    Email,
    #[error("is not an amount in euros with at most two decimals")]
    Amount,
    #[error("is not a date (YYYY-MM-DD or RFC 3339)")]
    Date,
    #[error("is not a PCMN account code of class 6 (3 to 6 digits starting with 6)")]
    AccountCode,
    #[error("must be at least 12 characters long")]
    PasswordTooShort,
    #[error("is too easy to guess (a common password, a pattern, or your own name)")]
    PasswordGuessable,
    #[error("is required")]
    Required,
    #[error("must be after the start date")]
    EndBeforeStart,
    #[error("refers to nothing this organisation has")]
    UnknownReference,
    #[error("cannot be changed")]
    Immutable,
    #[error("does not match")]
    Mismatch,
    #[error("is not a Belgian structured communication (+++123/4567/89002+++, check digits)")]
    StructuredCommunication,
}

impl Invalid {
    /// Stable identifier, part of the API contract.
    pub fn code(&self) -> &'static str {
        match self {
            Invalid::Empty => "empty",
            Invalid::TooLong(_) => "too_long",
            Invalid::OutOfRange { .. } => "out_of_range",
            Invalid::NotOneOf(_) => "not_one_of",
            Invalid::PostalCode => "postal_code",
            Invalid::Iban => "iban",
            Invalid::BceNumber => "bce_number",
            Invalid::Email => "email",
            Invalid::Amount => "amount",
            Invalid::Date => "date",
            Invalid::AccountCode => "account_code",
            Invalid::PasswordTooShort => "password_too_short",
            Invalid::PasswordGuessable => "password_guessable",
            Invalid::Required => "required",
            Invalid::EndBeforeStart => "end_before_start",
            Invalid::UnknownReference => "unknown_reference",
            Invalid::Immutable => "immutable",
            Invalid::Mismatch => "mismatch",
            Invalid::StructuredCommunication => "structured_communication",
        }
    }
}

/// A business rule that a valid-looking request would break.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rule {
    #[error("the units' quotas would exceed the building's quota base ({base})")]
    QuotaExceedsBase { base: u32, would_be: u64 },
    #[error("the quota base cannot go below the quotas already given to units ({allocated})")]
    QuotaBaseBelowAllocated { allocated: u64 },
    #[error("the unit's shares would exceed 100 % on {date}")]
    SharesExceedWhole { date: chrono::NaiveDate },
    #[error("only a draft expense can be changed or deleted")]
    ExpenseNotDraft,
    #[error("an expense moves draft -> approved -> paid, one step at a time")]
    ExpenseTransition,
    #[error("a board member must sit on at least one building, an owner must be linked to an owner record")]
    RoleScopeMissing,
    #[error("unit {unit} is not held at exactly 100 % on that day, so its part would have nobody to go to")]
    UnitNotWhollyHeld { unit: String },
    #[error("there is nothing to distribute: no unit carries a weight")]
    NothingToDistribute,
    #[error("only an approved or paid expense is distributed")]
    ExpenseNotApproved,
    #[error("the expense is already distributed")]
    AlreadyDistributed,
    #[error("the key does not belong to the building")]
    KeyOfAnotherBuilding,
    #[error("the payment is already assigned to a call line")]
    PaymentAlreadyAssigned,
    #[error("the debit already settles an expense: release it first")]
    DebitAlreadyMatched,
    #[error("a debit settles a paid expense of its own building")]
    DebitExpenseNotPaid,
    #[error("the statement's account {account} is not the working or reserve account of any building")]
    StatementAccountUnknown { account: String },
    #[error("the owner still holds a unit (or will, from {from}): record the transfer before erasing them")]
    OwnerStillHolds { from: chrono::NaiveDate },
    #[error("the owner's personal data was erased; the record keeps only the accounts the law requires")]
    OwnerErased,
    #[error("convocations by e-mail need an e-mail address to send them to")]
    ConsentNeedsEmail,
    #[error("the organisation would be left without a syndic")]
    LastSyndic,
    #[error("the call is cancelled")]
    CallCancelled,
    #[error("a seller does not hold the unit on {date}")]
    SellerNotHolding { date: chrono::NaiveDate },
    #[error("the buyers must take exactly the share the sellers give up ({}%)", sold.to_percent_string())]
    TransferSharesMismatch { sold: crate::owner::Share },
    #[error("an assembly cannot go from {from} to {to}")]
    AssemblyTransition { from: &'static str, to: &'static str },
    #[error("this assembly may meet on {earliest} at the earliest")]
    AssemblyTooEarly { earliest: chrono::NaiveDate },
    #[error("a second assembly keeps the first one's agenda unchanged")]
    SecondAgendaChanged,
    #[error("the ordinary assembly meets in the ROI's fortnight, {first_day} to {last_day}")]
    OutsideFortnight { first_day: chrono::NaiveDate, last_day: chrono::NaiveDate },
    #[error("the convocation had to leave by {deadline}; record the urgency to send it later")]
    ConvocationLate { deadline: chrono::NaiveDate },
}

impl Rule {
    /// Stable identifier, part of the API contract.
    pub fn code(&self) -> &'static str {
        match self {
            Rule::QuotaExceedsBase { .. } => "quota.exceeds_base",
            Rule::QuotaBaseBelowAllocated { .. } => "quota.base_below_allocated",
            Rule::SharesExceedWhole { .. } => "ownership.shares_exceed_whole",
            Rule::ExpenseNotDraft => "expense.not_draft",
            Rule::ExpenseTransition => "expense.invalid_transition",
            Rule::RoleScopeMissing => "membership.scope_missing",
            Rule::UnitNotWhollyHeld { .. } => "distribution.unit_not_wholly_held",
            Rule::NothingToDistribute => "distribution.nothing_to_distribute",
            Rule::ExpenseNotApproved => "expense.not_approved",
            Rule::AlreadyDistributed => "expense.already_distributed",
            Rule::KeyOfAnotherBuilding => "distribution.key_of_another_building",
            Rule::PaymentAlreadyAssigned => "payment.already_assigned",
            Rule::DebitAlreadyMatched => "debit.already_matched",
            Rule::DebitExpenseNotPaid => "debit.expense_not_paid",
            Rule::StatementAccountUnknown { .. } => "bank_import.unknown_account",
            Rule::OwnerStillHolds { .. } => "owner.still_holds_unit",
            Rule::OwnerErased => "owner.erased",
            Rule::ConsentNeedsEmail => "owner.consent_needs_email",
            Rule::LastSyndic => "user.last_syndic",
            Rule::CallCancelled => "call.cancelled",
            Rule::SellerNotHolding { .. } => "transfer.seller_not_holding",
            Rule::TransferSharesMismatch { .. } => "transfer.shares_mismatch",
            Rule::AssemblyTransition { .. } => "assembly.invalid_transition",
            Rule::AssemblyTooEarly { .. } => "assembly.too_early",
            Rule::SecondAgendaChanged => "assembly.second_agenda_changed",
            Rule::OutsideFortnight { .. } => "assembly.outside_fortnight",
            Rule::ConvocationLate { .. } => "assembly.convocation_late",
        }
    }
}

/// Field-by-field validation: collects every problem of a request at once, so
/// that a form can show them all next to their fields.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Violations(Vec<(String, Invalid)>);

impl Violations {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs one parse; keeps its error under `field` and yields the value if any.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(invalid) => {
                self.0.push((field.to_owned(), invalid));
                None
            }
        }
    }

    pub fn push(&mut self, field: &str, invalid: Invalid) {
        self.0.push((field.to_owned(), invalid));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_inner(self) -> Vec<(String, Invalid)> {
        self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &(String, Invalid)> {
        self.0.iter()
    }
}
