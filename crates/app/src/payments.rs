//! Money received: payments by hand or from bank statement files, matched
//! to call lines, the reconciliation inbox, owners' accounts and arrears.

use chrono::NaiveDate;
use koprogo_bank::{Communication, Statement};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::debit::{Debit, match_debit};
use koprogo_domain::expense::Fund;
use koprogo_domain::ids::{BankImportId, BuildingId, CallLineId, DebitId, OwnerId, PaymentId};
use koprogo_domain::money::Cents;
use koprogo_domain::payment::{Payment, match_payment};
use koprogo_domain::{Invalid, Rule};
use sha2::Digest;

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::{Entry, diff, field, personal};
use crate::error::AppError;
use crate::listing::{ListQuery, Page, PaymentSort};
use crate::ports::money::{AccountLine, BankImport, ImportOutcome, OwnerPosition, PaymentFilter};

/// A payment recorded by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPayment {
    pub building_id: BuildingId,
    pub value_date: NaiveDate,
    pub amount: Cents,
    pub communication: Option<StructuredCommunication>,
    pub counterparty_iban: Option<String>,
    pub counterparty_name: Option<String>,
    pub free_text: Option<String>,
}

/// What one statement of an imported file did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportReport {
    pub building_id: BuildingId,
    pub account: String,
    pub statement_number: String,
    pub outcome: ImportOutcome,
    /// The statement opens elsewhere than the account's previous statement
    /// closed: a statement is missing between them, or one was imported twice
    /// under another name. Accepted all the same; the syndic is told.
    pub gap: Option<Gap>,
}

/// An opening balance that does not follow the previous closing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gap {
    pub previous_closing: Cents,
    pub previous_date: chrono::NaiveDate,
    pub opening: Cents,
}

/// An owner's account: the lines called, the payments, the positions by building.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerAccount {
    pub owner_id: OwnerId,
    pub lines: Vec<AccountLine>,
    pub payments: Vec<Payment>,
    pub positions: Vec<OwnerPosition>,
}

/// The most payments an account view lists (the positions count them all).
const ACCOUNT_PAYMENTS: u32 = 1000;

/// Money paid out of `into`'s account (building, import, fund), as read from the statement.
fn debit(m: koprogo_bank::Movement, into: (BuildingId, BankImportId, Fund), account: &str, now: chrono::DateTime<chrono::Utc>) -> Debit {
    let (building_id, import_id, fund) = into;
    Debit {
        id: DebitId::generate(),
        building_id,
        import_id,
        value_date: m.value_date,
        amount: Cents::new(-m.amount.get()).unwrap_or_default(),
        account: fund,
        reference: match m.communication {
            Communication::Structured(ogm) => Some(ogm.to_string()),
            Communication::Free(text) => Some(text),
            Communication::None => None,
        },
        counterparty_iban: m.counterparty_account.as_deref().map(compact),
        counterparty_name: m.counterparty_name,
        bank_reference: format!("{account}/{}", m.bank_reference),
        settles: None,
        created_at: now,
    }
}

/// A payment as the trail sees it: the payer's name and account are personal.
fn payment_fields(p: &Payment) -> Vec<crate::audit::Field> {
    vec![
        field("building_id", Some(p.building_id.to_string())),
        field("value_date", Some(p.value_date.to_string())),
        field("amount", Some(p.amount.to_string())),
        field("communication", p.communication.map(|c| c.to_string())),
        personal("counterparty_name", p.counterparty_name.clone()),
        personal("counterparty_iban", p.counterparty_iban.clone()),
    ]
}

fn compact(account: &str) -> String {
    account.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

fn matcher(
    payment: &Payment,
    named: Option<koprogo_domain::payment::OpenLine>,
    guessed: Option<koprogo_domain::payment::OpenLine>,
) -> Option<koprogo_domain::payment::Allocation> {
    match_payment(payment, named, guessed)
}

impl App {
    pub async fn record_payment(&self, actor: &Actor, new: NewPayment) -> Result<Payment, AppError> {
        let grant = actor.grant(Action::RecordPayment)?;
        if new.amount.get() <= 0 {
            return Err(AppError::invalid("amount", Invalid::OutOfRange { min: 1, max: 1_000_000_000_000 }));
        }
        let payment = Payment {
            id: PaymentId::generate(),
            building_id: new.building_id,
            value_date: new.value_date,
            amount: new.amount,
            communication: new.communication,
            free_text: new.free_text,
            counterparty_iban: new.counterparty_iban.as_deref().map(compact),
            counterparty_name: new.counterparty_name,
            account: None,
            bank_reference: None,
            import_id: None,
            allocation: None,
            created_at: self.clock.now(),
        };
        let changes = diff(None, Some(&payment_fields(&payment)));
        let event = self.change(actor, &grant, Entry::new("payment.recorded", "payment", payment.id.as_uuid(), changes));
        if !self.store.payments.record_payment(grant.tenant, &payment, &matcher, vec![event]).await? {
            return Err(AppError::invalid("building_id", Invalid::UnknownReference));
        }
        self.store.payments.payment(grant.tenant, payment.id).await?.ok_or(AppError::NotFound)
    }

    /// Imports the statements of one bank file (CODA or camt.053, already
    /// read): each goes to the building whose account it is; the money
    /// received becomes payments, matched where possible. The same file again adds nothing.
    pub async fn import_statements(
        &self,
        actor: &Actor,
        file: &[u8],
        format: &'static str,
        statements: Vec<Statement>,
    ) -> Result<Vec<ImportReport>, AppError> {
        let grant = actor.grant(Action::RecordPayment)?;
        let digest = format!("{:x}", sha2::Sha256::digest(file));
        let mut imports = Vec::with_capacity(statements.len());
        for (index, statement) in statements.into_iter().enumerate() {
            let account = compact(&statement.account);
            let building = self.store.payments.building_of_account(grant.tenant, &account).await?;
            let into = building.ok_or_else(|| Rule::StatementAccountUnknown { account: account.clone() })?;
            imports.push(self.bank_import(into, &account, format!("{digest}:{index}"), format, statement));
        }
        let mut reports = Vec::with_capacity(imports.len());
        for (import, number) in imports {
            let changes = diff(
                None,
                Some(&[
                    field("building_id", Some(import.building_id.to_string())),
                    field("format", Some(import.format.to_owned())),
                    field("account", Some(import.account.clone())),
                    field("statement", Some(number.clone())),
                    field("file_digest", Some(import.file_digest.clone())),
                    field("movements", Some(import.movement_count.to_string())),
                ]),
            );
            let event = self.change(actor, &grant, Entry::new("bank_statement.imported", "bank_import", import.id.as_uuid(), changes));
            let previous = self.store.payments.previous_closing(grant.tenant, &import.account, import.closing_date).await?;
            let gap = previous.filter(|(closing, _)| *closing != import.opening).map(|(previous_closing, previous_date)| Gap {
                previous_closing,
                previous_date,
                opening: import.opening,
            });
            let outcome = self.store.payments.import_statement(grant.tenant, &import, (&matcher, &match_debit), vec![event]).await?;
            let gap = gap.filter(|_| outcome.new);
            reports.push(ImportReport { building_id: import.building_id, account: import.account, statement_number: number, outcome, gap });
        }
        Ok(reports)
    }

    /// The statement's money received as payments into `into` (the building and
    /// the fund whose account the statement is of).
    fn bank_import(
        &self,
        into: (BuildingId, Fund),
        account: &str,
        file_digest: String,
        format: &'static str,
        statement: Statement,
    ) -> (BankImport, String) {
        let (building_id, fund) = into;
        let id = BankImportId::generate();
        let now = self.clock.now();
        let movement_count = u32::try_from(statement.movements.len()).unwrap_or(u32::MAX);
        let statement_balances = (statement.old_balance, statement.new_balance, statement.new_balance_date);
        let (credits, debits): (Vec<_>, Vec<_>) =
            statement.movements.into_iter().filter(|m| m.amount.get() != 0).partition(|m| m.amount.get() > 0);
        let debits = debits.into_iter().map(|m| debit(m, (building_id, id, fund), account, now)).collect();
        let payments = credits
            .into_iter()
            .map(|m| {
                let (communication, free_text) = match m.communication {
                    Communication::Structured(ogm) => (Some(ogm), None),
                    Communication::Free(text) => (None, Some(text)),
                    Communication::None => (None, None),
                };
                Payment {
                    id: PaymentId::generate(),
                    building_id,
                    value_date: m.value_date,
                    amount: m.amount,
                    communication,
                    free_text,
                    counterparty_iban: m.counterparty_account.as_deref().map(compact),
                    counterparty_name: m.counterparty_name,
                    account: Some(fund),
                    bank_reference: Some(format!("{account}/{}", m.bank_reference)),
                    import_id: Some(id),
                    allocation: None,
                    created_at: now,
                }
            })
            .collect();
        let import = BankImport {
            id,
            building_id,
            file_digest,
            format,
            account: account.to_owned(),
            payments,
            debits,
            movement_count,
            opening: statement_balances.0,
            closing: statement_balances.1,
            closing_date: statement_balances.2,
            imported_at: now,
        };
        (import, statement.statement_number)
    }

    pub async fn payment(&self, actor: &Actor, id: PaymentId) -> Result<Payment, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        let payment = self.store.payments.payment(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        // An owner sees the payments made on their own lines; staff see every payment of their buildings.
        let sees = match (grant.visible.owner, grant.visible.units.is_some()) {
            (Some(own), _) => payment.allocation.is_some_and(|a| a.owner == own),
            (None, owner_without_record) => !owner_without_record,
        };
        if grant.sees_building(payment.building_id) && sees { Ok(payment) } else { Err(AppError::NotFound) }
    }

    pub async fn payments(&self, actor: &Actor, query: &ListQuery<PaymentSort>, filter: &PaymentFilter) -> Result<Page<Payment>, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        if !grant.reaches(filter.building) {
            return Ok(Page::empty());
        }
        Ok(self.store.payments.payments(grant.tenant, query, filter, &grant.visible).await?)
    }

    /// Takes a payment out of the reconciliation inbox onto a line of its building.
    pub async fn assign_payment(&self, actor: &Actor, id: PaymentId, line: CallLineId) -> Result<Payment, AppError> {
        let grant = actor.grant(Action::RecordPayment)?;
        self.store.payments.payment(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let changes = diff(None, Some(&[field("call_line_id", Some(line.to_string()))]));
        let event = self.change(actor, &grant, Entry::new("payment.assigned", "payment", id.as_uuid(), changes));
        if !self.store.payments.assign_payment(grant.tenant, id, line, vec![event]).await? {
            return Err(AppError::invalid("call_line_id", Invalid::UnknownReference));
        }
        self.store.payments.payment(grant.tenant, id).await?.ok_or(AppError::NotFound)
    }

    /// The call lines of a building a payment may be assigned to, newest due first.
    pub async fn assignable_lines(&self, actor: &Actor, building: BuildingId) -> Result<Vec<AccountLine>, AppError> {
        let grant = actor.grant(Action::RecordPayment)?;
        if !grant.sees_building(building) {
            return Err(AppError::NotFound);
        }
        let (mut lines, _) = self.store.payments.building_lines(grant.tenant, building).await?;
        lines.sort_by(|a, b| b.due_date.cmp(&a.due_date).then(a.line.id.cmp(&b.line.id)));
        Ok(lines)
    }

    pub async fn owner_account(&self, actor: &Actor, owner: OwnerId) -> Result<OwnerAccount, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        self.owner(actor, owner).await?; // who may see the owner may see their account

        let mut lines = self.store.payments.owner_lines(grant.tenant, owner).await?;
        lines.retain(|l| grant.sees_building(l.building_id));
        let query = ListQuery { page: 1, per_page: ACCOUNT_PAYMENTS, sort: PaymentSort::ValueDate, descending: false };
        let filter = PaymentFilter { owner: Some(owner), ..PaymentFilter::default() };
        let payments = self.store.payments.payments(grant.tenant, &query, &filter, &grant.visible).await?.items;
        let today = self.clock.today();
        let positions = self.store.payments.positions(grant.tenant, None, Some(owner), today, &grant.visible).await?;
        Ok(OwnerAccount { owner_id: owner, lines, payments, positions })
    }

    /// One owner's positions by building, without the lines and payments
    /// `owner_account` also reads: what the owner's page shows.
    pub async fn owner_positions(&self, actor: &Actor, owner: OwnerId) -> Result<Vec<OwnerPosition>, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        self.owner(actor, owner).await?;
        let today = self.clock.today();
        Ok(self.store.payments.positions(grant.tenant, None, Some(owner), today, &grant.visible).await?)
    }

    /// Every owner's position, by building: called, paid, balance and overdue, by fund.
    pub async fn arrears(&self, actor: &Actor, building: Option<BuildingId>) -> Result<Vec<OwnerPosition>, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        if !grant.reaches(building) {
            return Ok(Vec::new());
        }
        let today = self.clock.today();
        Ok(self.store.payments.positions(grant.tenant, building, None, today, &grant.visible).await?)
    }
}
