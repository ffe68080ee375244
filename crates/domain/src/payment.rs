//! Money received for a building: recorded by hand or read from the bank's
//! statements, matched to a call line (DOMAIN §3.7), and the owners' accounts
//! that follow: calls minus payments, by fund.

use chrono::NaiveDate;

use crate::charges::allocate_payment;
use crate::communication::StructuredCommunication;
use crate::expense::Fund;
use crate::ids::{BankImportId, BuildingId, CallLineId, OwnerId, PaymentId};
use crate::money::Cents;

crate::code_enum!(
    /// How a payment found its call line.
    MatchedBy { Communication = "communication", AmountAndIban = "amount_and_iban", Manual = "manual" }
);

/// A call line as matching sees it: its owner and what it asks of each fund.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenLine {
    pub id: CallLineId,
    pub owner: OwnerId,
    pub working: Cents,
    pub reserve: Cents,
}

/// Where a payment went: one call line, split between the funds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocation {
    pub line: CallLineId,
    pub owner: OwnerId,
    pub working: Cents,
    pub reserve: Cents,
    pub matched_by: MatchedBy,
}

impl Allocation {
    /// The payment's amount on `line`, shared between the funds by `allocate_payment`.
    pub fn to_line(amount: Cents, account: Option<Fund>, line: OpenLine, matched_by: MatchedBy) -> Self {
        let (working, reserve) = allocate_payment(amount, line.working, line.reserve, account);
        Self { line: line.id, owner: line.owner, working, reserve, matched_by }
    }
}

/// Matching order: the structured communication names its line; failing
/// that, an open line of the building for exactly the amount, whose owner
/// pays from that IBAN; failing that, nothing (the reconciliation inbox).
pub fn match_payment(payment: &Payment, by_communication: Option<OpenLine>, by_amount_and_iban: Option<OpenLine>) -> Option<Allocation> {
    let (amount, account) = (payment.amount, payment.account);
    by_communication
        .map(|line| Allocation::to_line(amount, account, line, MatchedBy::Communication))
        .or_else(|| by_amount_and_iban.map(|line| Allocation::to_line(amount, account, line, MatchedBy::AmountAndIban)))
}

/// Money received on one of the building's accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    pub id: PaymentId,
    pub building_id: BuildingId,
    pub value_date: NaiveDate,
    /// Strictly positive: only money received is a payment.
    pub amount: Cents,
    pub communication: Option<StructuredCommunication>,
    pub free_text: Option<String>,
    pub counterparty_iban: Option<String>,
    pub counterparty_name: Option<String>,
    /// The building account it was paid into, when known (from a bank statement).
    pub account: Option<Fund>,
    /// The bank's reference, unique per building: a movement is never recorded twice.
    pub bank_reference: Option<String>,
    pub import_id: Option<BankImportId>,
    pub allocation: Option<Allocation>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An owner's position towards one building: what was called and paid, by fund.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    pub called_working: Cents,
    pub called_reserve: Cents,
    /// Called on lines already due.
    pub called_due: Cents,
    pub paid_working: Cents,
    pub paid_reserve: Cents,
}

fn minus(a: Cents, b: Cents) -> Cents {
    Cents::new(a.get() - b.get()).unwrap_or_default()
}

impl Position {
    /// Still owed to the working fund (negative: paid in advance).
    pub fn balance_working(&self) -> Cents {
        minus(self.called_working, self.paid_working)
    }

    pub fn balance_reserve(&self) -> Cents {
        minus(self.called_reserve, self.paid_reserve)
    }

    pub fn balance(&self) -> Cents {
        Cents::new(self.balance_working().get() + self.balance_reserve().get()).unwrap_or_default()
    }

    /// Owed on lines past their due date, after every payment (never negative).
    pub fn overdue(&self) -> Cents {
        let paid = self.paid_working.get() + self.paid_reserve.get();
        Cents::new((self.called_due.get() - paid).max(0)).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(working: i64, reserve: i64) -> OpenLine {
        OpenLine {
            id: CallLineId::generate(),
            owner: OwnerId::generate(),
            working: Cents::new(working).unwrap(),
            reserve: Cents::new(reserve).unwrap(),
        }
    }

    fn payment(amount: i64) -> Payment {
        Payment {
            id: PaymentId::generate(),
            building_id: BuildingId::generate(),
            value_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            amount: Cents::new(amount).unwrap(),
            communication: None,
            free_text: None,
            counterparty_iban: None,
            counterparty_name: None,
            account: None,
            bank_reference: None,
            import_id: None,
            allocation: None,
            created_at: chrono::DateTime::default(),
        }
    }

    #[test]
    fn the_communication_wins_over_amount_and_iban() {
        let (named, guessed) = (line(100, 0), line(100, 0));
        let paid = payment(100);
        let a = match_payment(&paid, Some(named), Some(guessed)).unwrap();
        assert_eq!((a.line, a.matched_by), (named.id, MatchedBy::Communication));
        let b = match_payment(&paid, None, Some(guessed)).unwrap();
        assert_eq!((b.line, b.matched_by), (guessed.id, MatchedBy::AmountAndIban));
        assert_eq!(match_payment(&paid, None, None), None);
    }

    #[test]
    fn a_partial_payment_is_shared_between_the_funds() {
        let a = Allocation::to_line(Cents::new(9_000).unwrap(), None, line(20_000, 10_000), MatchedBy::Manual);
        assert_eq!((a.working.get(), a.reserve.get()), (6_000, 3_000));
    }

    #[test]
    fn positions_tell_balance_and_overdue() {
        let c = |v| Cents::new(v).unwrap();
        let p = Position {
            called_working: c(30_000),
            called_reserve: c(10_000),
            called_due: c(20_000),
            paid_working: c(15_000),
            paid_reserve: c(5_000),
        };
        assert_eq!((p.balance_working(), p.balance_reserve(), p.balance(), p.overdue()), (c(15_000), c(5_000), c(20_000), c(0)));
        let late = Position { paid_working: c(1_000), paid_reserve: c(0), ..p };
        assert_eq!(late.overdue(), c(19_000));
    }
}
