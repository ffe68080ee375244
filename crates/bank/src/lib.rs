//! Bank statement files read into movements: Febelfin CODA (`coda`) and
//! ISO 20022 camt.053 (`camt`). Pure parsing of untrusted bytes: a
//! malformed file is an error naming its line and the reason, never a panic.
#![deny(clippy::indexing_slicing, clippy::as_conversions)]

pub mod camt;
pub mod coda;

use chrono::NaiveDate;
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::money::Cents;

/// What the bank wrote as the payer's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Communication {
    None,
    /// A Belgian structured communication (CODA type 101, camt `SCOR`).
    Structured(StructuredCommunication),
    Free(String),
}

/// One movement on the account. `amount` is positive for money received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Movement {
    /// The bank's own reference of the movement: with the account, it
    /// identifies it across files (an import never records it twice).
    pub bank_reference: String,
    pub amount: Cents,
    pub value_date: NaiveDate,
    pub entry_date: NaiveDate,
    pub communication: Communication,
    pub counterparty_account: Option<String>,
    pub counterparty_bic: Option<String>,
    pub counterparty_name: Option<String>,
}

/// A statement of one account, its balances checked against its movements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The account as the file writes it (an IBAN for current files).
    pub account: String,
    pub statement_number: String,
    pub old_balance: Cents,
    pub new_balance: Cents,
    pub new_balance_date: NaiveDate,
    pub movements: Vec<Movement>,
}

/// What kind of fault refused a file: a stable code the pages put in the
/// reader's language, beside the line and the technical reason.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not a CODA or camt.053 statement at all (or not text, or cut).
    NotAStatement,
    /// A statement of a kind not read: another CODA version, another currency.
    Unsupported,
    /// A field that does not hold what its place says (a date, an amount, a code).
    BadField,
    /// Records or elements missing, repeated or in the wrong order.
    OutOfOrder,
    /// Counts, sums or balances that the file itself contradicts.
    TotalsDiffer,
    /// A date before 1900 or after 2199.
    DateOutOfRange,
}

impl Problem {
    /// Stable identifier, part of the API contract (`bank_file.…`).
    pub fn code(self) -> &'static str {
        match self {
            Problem::NotAStatement => "bank_file.not_a_statement",
            Problem::Unsupported => "bank_file.unsupported",
            Problem::BadField => "bank_file.bad_field",
            Problem::OutOfOrder => "bank_file.out_of_order",
            Problem::TotalsDiffer => "bank_file.totals_differ",
            Problem::DateOutOfRange => "bank_file.date_out_of_range",
        }
    }
}

/// Why a file was refused: the line (1-based; 0 for the file as a whole),
/// the kind of fault and the reason in the file's own terms.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct FileError {
    pub line: usize,
    pub problem: Problem,
    pub reason: String,
}

impl FileError {
    fn at(line: usize, problem: Problem, reason: impl Into<String>) -> Self {
        Self { line, problem, reason: reason.into() }
    }
}

/// `camt.053` for XML (after blanks or a byte-order mark), else `coda`.
pub fn format_of(bytes: &[u8]) -> &'static str {
    let text = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<') { "camt.053" } else { "coda" }
}

/// Reads a statement file whatever its format (`format_of`). Its texts come
/// out printable: a NUL, an escape or a C1 control is whatever the payer's
/// bank let through, and neither database nor letter should carry it.
pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, FileError> {
    let mut statements = if format_of(bytes) == "camt.053" { camt::parse(bytes)? } else { coda::parse(bytes)? };
    for statement in &mut statements {
        statement.account = printable(&statement.account);
        statement.statement_number = printable(&statement.statement_number);
        for m in &mut statement.movements {
            for day in [m.value_date, m.entry_date] {
                koprogo_domain::day::check_day(day).map_err(|_| {
                    FileError::at(0, Problem::DateOutOfRange, format!("movement {} is dated {day}, outside 1900-2199", m.bank_reference))
                })?;
            }
            m.bank_reference = printable(&m.bank_reference);
            if let Communication::Free(text) = &m.communication {
                let text = printable(text);
                m.communication = if text.is_empty() { Communication::None } else { Communication::Free(text) };
            }
            for field in [&mut m.counterparty_account, &mut m.counterparty_bic, &mut m.counterparty_name] {
                *field = field.as_deref().map(printable).filter(|t| !t.is_empty());
            }
        }
    }
    Ok(statements)
}

/// `text` with each run of control characters turned into one space, trimmed.
pub fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_control() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push(c);
    }
    out.trim().to_owned()
}

/// The sum of the movements must take the old balance to the new one.
fn check_balances(statement: &Statement, line: usize) -> Result<(), FileError> {
    let moved: i128 = statement.movements.iter().map(|m| i128::from(m.amount.get())).sum();
    if i128::from(statement.old_balance.get()) + moved != i128::from(statement.new_balance.get()) {
        return Err(FileError::at(
            line,
            Problem::TotalsDiffer,
            format!(
                "the movements ({}) do not take the old balance ({}) to the new balance ({})",
                Cents::new(i64::try_from(moved).unwrap_or(i64::MAX)).unwrap_or_default(),
                statement.old_balance,
                statement.new_balance
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_become_one_space() {
        assert_eq!(super::printable("a\u{0}\u{1b}[31mb\u{85}"), "a [31mb");
        assert_eq!(super::printable("\u{0}x\ty\r\n"), "x y");
        assert_eq!(super::printable("Zoë"), "Zoë");
    }
}
