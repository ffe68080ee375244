//! Febelfin CODA ("coded statement of account", version 2): fixed-width
//! records of 128 characters — 0 header, 1 old balance, 2.1/2.2/2.3 a
//! movement, 3.x information, 4 free message, 8 new balance, 9 trailer.
//! Positions below are the specification's, 1-based and inclusive.
//!
//! A globalised movement (several payments booked as one, e.g. a batch of
//! transfers) comes as its global record (detail number 0000) and its
//! details (0001…), each with its own amount, communication and payer. The
//! trailer's totals and the balances count the global one; the statement
//! gives the details in its place when they add up to it, so that every
//! payer's own communication reaches the matching.

use chrono::NaiveDate;
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::money::Cents;

use crate::{Communication, FileError, Movement, Problem, Statement, check_balances};

const WIDTH: usize = 128;

/// One record, decoded from ISO 8859-1 (what banks send) one char per byte.
struct Record {
    line: usize,
    chars: Vec<char>,
}

impl Record {
    /// Characters `from..=to` (1-based), as the specification numbers them.
    fn field(&self, from: usize, to: usize) -> String {
        self.chars.get(from - 1..to).map(|c| c.iter().collect()).unwrap_or_default()
    }

    fn text(&self, from: usize, to: usize) -> Option<String> {
        let value = self.field(from, to).trim().to_owned();
        (!value.is_empty()).then_some(value)
    }

    fn error(&self, problem: Problem, reason: impl Into<String>) -> FileError {
        FileError::at(self.line, problem, reason)
    }

    fn kind(&self) -> (char, char) {
        (self.chars.first().copied().unwrap_or(' '), self.chars.get(1).copied().unwrap_or(' '))
    }

    fn date(&self, from: usize, what: &str) -> Result<NaiveDate, FileError> {
        let raw = self.field(from, from + 5);
        let parsed = (raw.len() == 6 && raw.chars().all(|c| c.is_ascii_digit()))
            .then(|| NaiveDate::parse_from_str(&format!("{}-{}-20{}", raw.get(0..2)?, raw.get(2..4)?, raw.get(4..6)?), "%d-%m-%Y").ok())
            .flatten();
        parsed.ok_or_else(|| self.error(Problem::BadField, format!("{what} `{raw}` is not a date (DDMMYY)")))
    }

    /// A sign (`0` credit, `1` debit) then 15 digits with three decimals.
    fn amount(&self, sign_at: usize, what: &str) -> Result<Cents, FileError> {
        let sign = self.field(sign_at, sign_at);
        let digits = self.field(sign_at + 1, sign_at + 15);
        if !digits.chars().all(|c| c.is_ascii_digit()) || digits.len() != 15 {
            return Err(self.error(Problem::BadField, format!("{what} `{digits}` is not 15 digits")));
        }
        let mills: i64 = digits.parse().map_err(|_| self.error(Problem::BadField, format!("{what} is not a number")))?;
        if mills % 10 != 0 {
            return Err(self.error(Problem::BadField, format!("{what} has a fraction of a cent")));
        }
        let cents = match sign.as_str() {
            "0" => mills / 10,
            "1" => -(mills / 10),
            other => return Err(self.error(Problem::BadField, format!("{what} sign `{other}` is neither 0 (credit) nor 1 (debit)"))),
        };
        Cents::new(cents).map_err(|_| self.error(Problem::BadField, format!("{what} is out of range")))
    }

    fn number(&self, from: usize, to: usize, what: &str) -> Result<u64, FileError> {
        let raw = self.field(from, to);
        raw.parse().map_err(|_| self.error(Problem::BadField, format!("{what} `{raw}` is not a number")))
    }
}

fn records(bytes: &[u8]) -> Result<Vec<Record>, FileError> {
    let text: String = bytes.iter().map(|b| char::from(*b)).collect();
    let mut out = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let chars: Vec<char> = raw.trim_end_matches('\r').chars().collect();
        if chars.iter().all(|c| c.is_whitespace()) {
            continue;
        }
        if chars.len() != WIDTH {
            return Err(FileError::at(
                index + 1,
                Problem::NotAStatement,
                format!("a CODA record has 128 characters, this one {}", chars.len()),
            ));
        }
        out.push(Record { line: index + 1, chars });
    }
    if out.is_empty() {
        return Err(FileError::at(0, Problem::NotAStatement, "the file holds no CODA record"));
    }
    Ok(out)
}

/// A statement being read, between its records 1 and 9.
struct Open {
    account: String,
    statement_number: String,
    old_balance: Cents,
    movements: Vec<Movement>,
    /// The 2.1 sequence and detail numbers of the movement its 2.2/2.3 records continue.
    current: Option<(String, u64)>,
    /// For each movement of `movements`, its sequence and detail numbers.
    numbers: Vec<(String, u64)>,
    credits: i64,
    debits: i64,
    records: u64,
    new_balance: Option<(Cents, NaiveDate)>,
}

/// Reads every statement of a CODA file.
pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, FileError> {
    let mut statements = Vec::new();
    let mut open: Option<Open> = None;
    let mut header_seen = false;
    let mut last_line = 0;
    for record in records(bytes)? {
        last_line = record.line;
        match (record.kind(), open.as_mut()) {
            (('0', _), None) if !header_seen => {
                if record.field(128, 128) != "2" {
                    return Err(record.error(Problem::Unsupported, "only CODA version 2 is read (position 128 must be 2)"));
                }
                header_seen = true;
            }
            (('1', _), None) if header_seen => open = Some(old_balance(&record)?),
            (('2', '1'), Some(statement)) => {
                statement.records += 1;
                movement(&record, statement)?;
            }
            (('2', part @ ('2' | '3')), Some(statement)) => {
                statement.records += 1;
                continuation(&record, part, statement)?;
            }
            (('3', _) | ('4', _), Some(statement)) => statement.records += 1,
            (('8', _), Some(statement)) if statement.new_balance.is_none() => {
                statement.records += 1;
                statement.new_balance = Some((record.amount(42, "the new balance")?, record.date(58, "the new balance date")?));
            }
            (('9', _), Some(_)) => {
                let Some(done) = open.take() else { continue };
                statements.push(trailer(&record, done)?);
                header_seen = false;
            }
            ((kind, part), _) => {
                let expected = match (&open, header_seen) {
                    (None, false) => "a header (record 0)",
                    (None, true) => "an old balance (record 1)",
                    (Some(s), _) if s.new_balance.is_some() => "a trailer (record 9)",
                    (Some(_), _) => "a movement, information, new balance or trailer record",
                };
                return Err(
                    record.error(Problem::OutOfOrder, format!("record {kind}{} here: expected {expected}", part.to_string().trim()))
                );
            }
        }
    }
    if open.is_some() || header_seen {
        return Err(FileError::at(last_line, Problem::OutOfOrder, "the file ends before its trailer (record 9)"));
    }
    Ok(statements)
}

fn old_balance(record: &Record) -> Result<Open, FileError> {
    let account = match record.field(2, 2).as_str() {
        // 2 = Belgian IBAN (16 characters), 3 = foreign IBAN (up to 34).
        "2" => record.field(6, 21).trim().to_owned(),
        "3" => record.field(6, 39).trim().to_owned(),
        // 0 = an old Belgian account number (12 digits): its IBAN, which is what buildings hold.
        "0" => {
            let number = record.field(6, 17);
            koprogo_domain::identifiers::belgian_account_to_iban(&number).unwrap_or_else(|| number.trim().to_owned())
        }
        other => return Err(record.error(Problem::BadField, format!("account structure `{other}` is not one of 0, 2, 3"))),
    };
    if account.is_empty() {
        return Err(record.error(Problem::BadField, "the account number is empty"));
    }
    Ok(Open {
        account,
        statement_number: record.field(3, 5),
        old_balance: record.amount(43, "the old balance")?,
        movements: Vec::new(),
        current: None,
        numbers: Vec::new(),
        credits: 0,
        debits: 0,
        records: 1,
        new_balance: None,
    })
}

fn movement(record: &Record, statement: &mut Open) -> Result<(), FileError> {
    let sequence = record.field(3, 6);
    record.number(3, 6, "the sequence number")?;
    let detail = record.number(7, 10, "the detail number")?;
    let amount = record.amount(32, "the amount")?;
    let value_date = record.date(48, "the value date")?;
    let entry_date = record.date(116, "the entry date")?;
    if detail == 0 {
        if amount.get() >= 0 { statement.credits += amount.get() } else { statement.debits -= amount.get() }
    }
    let communication = match record.field(62, 62).as_str() {
        "1" => match record.field(63, 65).as_str() {
            // Wrong check digits (a payer's typo): the movement stays, as free text, for the inbox.
            "101" | "102" => {
                let digits = record.field(66, 77);
                StructuredCommunication::parse(&digits).map_or(Communication::Free(digits), Communication::Structured)
            }
            _ => Communication::Free(record.field(63, 115)),
        },
        // Free text is kept as written, fixed-width parts end to end, and trimmed once the statement is read.
        "0" | " " => Communication::Free(record.field(63, 115)),
        other => return Err(record.error(Problem::BadField, format!("communication type `{other}` is neither 0 nor 1"))),
    };
    let reference = record.field(11, 31).trim().to_owned();
    let bank_reference = if detail == 0 {
        format!("{}/{reference}", statement.statement_number)
    } else {
        format!("{}/{reference}/{detail:04}", statement.statement_number)
    };
    statement.movements.push(Movement {
        bank_reference,
        amount,
        value_date,
        entry_date,
        communication,
        counterparty_account: None,
        counterparty_bic: None,
        counterparty_name: None,
    });
    statement.numbers.push((sequence.clone(), detail));
    statement.current = Some((sequence, detail));
    Ok(())
}

fn continuation(record: &Record, part: char, statement: &mut Open) -> Result<(), FileError> {
    let sequence = record.field(3, 6);
    let current = statement.current.clone();
    let Some(movement) = statement.movements.last_mut().filter(|_| current.is_some()) else {
        return Err(record.error(Problem::OutOfOrder, format!("record 2.{part} continues no movement")));
    };
    if current.as_ref().map(|(s, _)| s.as_str()) != Some(sequence.as_str()) {
        let theirs = current.map(|(s, _)| s).unwrap_or_default();
        return Err(record.error(Problem::OutOfOrder, format!("record 2.{part} has sequence {sequence}, its movement {theirs}")));
    }
    if let Communication::Free(text) = &mut movement.communication {
        text.push_str(&if part == '2' { record.field(11, 63) } else { record.field(83, 125) });
    }
    if part == '2' {
        movement.counterparty_bic = record.text(99, 109);
    } else {
        movement.counterparty_account = record.text(11, 44);
        movement.counterparty_name = record.text(48, 82);
    }
    Ok(())
}

fn trailer(record: &Record, open: Open) -> Result<Statement, FileError> {
    let Some((new_balance, new_balance_date)) = open.new_balance else {
        return Err(record.error(Problem::OutOfOrder, "the trailer comes before the new balance (record 8)"));
    };
    let count = record.number(17, 22, "the record count")?;
    if count != open.records {
        return Err(record.error(Problem::TotalsDiffer, format!("the trailer counts {count} records, the statement has {}", open.records)));
    }
    let debits = record.amount_unsigned(23, "the debit total")?;
    let credits = record.amount_unsigned(38, "the credit total")?;
    if (debits, credits) != (open.debits, open.credits) {
        return Err(record.error(
            Problem::TotalsDiffer,
            format!(
                "the trailer's totals (debit {}, credit {}) differ from the movements' (debit {}, credit {})",
                cents(debits),
                cents(credits),
                cents(open.debits),
                cents(open.credits)
            ),
        ));
    }
    let movements = in_detail(open.movements, &open.numbers)
        .into_iter()
        .map(|mut m| {
            if let Communication::Free(text) = &m.communication {
                let text = text.trim();
                m.communication = if text.is_empty() { Communication::None } else { Communication::Free(text.to_owned()) };
            }
            m
        })
        .collect();
    let statement = Statement {
        account: open.account,
        statement_number: open.statement_number,
        old_balance: open.old_balance,
        new_balance,
        new_balance_date,
        movements,
    };
    check_balances(&statement, record.line)?;
    Ok(statement)
}

/// Each global movement, or its details in its place when they add up to it
/// (details of zero, which only inform, left out).
fn in_detail(movements: Vec<Movement>, numbers: &[(String, u64)]) -> Vec<Movement> {
    let mut out = Vec::with_capacity(movements.len());
    let mut group: Vec<Movement> = Vec::new();
    let flush = |group: &mut Vec<Movement>, out: &mut Vec<Movement>| {
        let mut parts = group.drain(..);
        let Some(global) = parts.next() else { return };
        let details: Vec<Movement> = parts.filter(|m| m.amount.get() != 0).collect();
        let sum: i64 = details.iter().map(|m| m.amount.get()).sum();
        if details.is_empty() || sum != global.amount.get() {
            out.push(global);
        } else {
            out.extend(details);
        }
    };
    let mut global_sequence: Option<&str> = None;
    for (movement, (sequence, detail)) in movements.into_iter().zip(numbers) {
        if *detail == 0 {
            flush(&mut group, &mut out);
            global_sequence = Some(sequence);
        } else if global_sequence != Some(sequence.as_str()) {
            continue; // a detail without its global movement counts for nothing
        }
        group.push(movement);
    }
    flush(&mut group, &mut out);
    out
}

fn cents(value: i64) -> Cents {
    Cents::new(value).unwrap_or_default()
}

impl Record {
    /// 15 digits with three decimals, no sign (the trailer's totals), in cents.
    fn amount_unsigned(&self, from: usize, what: &str) -> Result<i64, FileError> {
        let mills = self.number(from, from + 14, what)?;
        if mills % 10 != 0 {
            return Err(self.error(Problem::BadField, format!("{what} has a fraction of a cent")));
        }
        i64::try_from(mills / 10).map_err(|_| self.error(Problem::BadField, format!("{what} is out of range")))
    }
}

/// Writes statements as a CODA file (records 0, 1, 2.1–2.3, 8, 9) in ISO
/// 8859-1, e.g. to test an import with a file as a bank would send it. Names
/// are cut to their field's width, a free communication to 149 characters,
/// and characters outside Latin-1 become `?`.
pub fn write(statements: &[Statement], created: NaiveDate) -> Vec<u8> {
    let mut out = String::new();
    for (index, statement) in statements.iter().enumerate() {
        let last = index + 1 == statements.len();
        write_statement(&mut out, statement, created, last);
    }
    out.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect()
}

fn write_statement(out: &mut String, s: &Statement, created: NaiveDate, last: bool) {
    let mut line = |fields: String| {
        let mut record: String = fields.chars().take(WIDTH).collect();
        while record.chars().count() < WIDTH {
            record.push(' ');
        }
        out.push_str(&record);
        out.push_str("\r\n");
    };
    line(format!("00000{}00005{:<8}{:<10}{:<93}2", coda_date(created), "", "KOPROGO", ""));
    let structure = if s.account.starts_with("BE") { '2' } else { '3' };
    let number: String = s.statement_number.chars().take(3).collect();
    line(format!("1{structure}{number:0>3}{:<34}EUR{}{}{:<61}{number:0>3}", s.account, coda_amount(s.old_balance), coda_date(created), ""));
    let (mut debits, mut credits) = (0_u64, 0_u64);
    for (i, m) in s.movements.iter().enumerate() {
        let magnitude = m.amount.get().unsigned_abs();
        if m.amount.get() < 0 {
            debits += magnitude
        } else {
            credits += magnitude
        }
        movement_records(m, i + 1, &number).into_iter().for_each(&mut line);
    }
    line(format!("8{number:0>3}{:<34}EUR{}{}{:<64}0", s.account, coda_amount(s.new_balance), coda_date(s.new_balance_date), ""));
    let records = s.movements.len() * 3 + 2;
    line(format!("9{:<15}{records:06}{:015}{:015}{:<75}{}", "", debits * 10, credits * 10, "", if last { '2' } else { '1' }));
}

fn coda_date(day: NaiveDate) -> String {
    day.format("%d%m%y").to_string()
}

fn coda_amount(amount: Cents) -> String {
    format!("{}{:015}", if amount.get() < 0 { '1' } else { '0' }, amount.get().unsigned_abs() * 10)
}

/// Records 2.1, 2.2 and 2.3 of one movement.
fn movement_records(m: &Movement, sequence: usize, statement: &str) -> [String; 3] {
    let reference = m.bank_reference.rsplit('/').next().unwrap_or_default();
    let (kind, first, second, third) = match &m.communication {
        Communication::Structured(c) => ('1', format!("101{}", c.digits()), String::new(), String::new()),
        Communication::None => ('0', String::new(), String::new(), String::new()),
        Communication::Free(text) => {
            let chars: Vec<char> = text.chars().collect();
            let take = |from: usize, n: usize| chars.iter().skip(from).take(n).collect::<String>();
            ('0', take(0, 53), take(53, 53), take(106, 43))
        }
    };
    let (amount, value, entry) = (coda_amount(m.amount), coda_date(m.value_date), coda_date(m.entry_date));
    let bic = m.counterparty_bic.as_deref().unwrap_or("");
    let account = m.counterparty_account.as_deref().unwrap_or("");
    let name: String = m.counterparty_name.as_deref().unwrap_or("").chars().take(35).collect();
    [
        format!("21{sequence:04}0000{reference:<21}{amount}{value}01500000{kind}{first:<53}{entry}{statement:0>3}01 0"),
        format!("22{sequence:04}0000{second:<53}{:<35}{bic:<11}{:<16}1 0", "", ""),
        format!("23{sequence:04}0000{account:<34}EUR{name:<35}{third:<43}0 0"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    /// The file as text (each Latin-1 byte one char), to edit in a test.
    fn text(bytes: Vec<u8>) -> String {
        bytes.into_iter().map(char::from).collect()
    }

    fn latin1(text: &str) -> Vec<u8> {
        text.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect()
    }

    fn statement(movements: Vec<Movement>) -> Statement {
        let moved: i64 = movements.iter().map(|m| m.amount.get()).sum();
        Statement {
            account: "BE68539007547034".to_owned(),
            statement_number: "042".to_owned(),
            old_balance: Cents::new(100_000).unwrap(),
            new_balance: Cents::new(100_000 + moved).unwrap(),
            new_balance_date: day(20),
            movements,
        }
    }

    fn payment(reference: &str, cents: i64, communication: Communication) -> Movement {
        Movement {
            bank_reference: format!("042/{reference}"),
            amount: Cents::new(cents).unwrap(),
            value_date: day(18),
            entry_date: day(19),
            communication,
            counterparty_account: Some("BE71096123456769".to_owned()),
            counterparty_bic: Some("GKCCBEBB".to_owned()),
            counterparty_name: Some("Dupont Marie".to_owned()),
        }
    }

    #[test]
    fn a_written_file_reads_back() {
        let ogm = StructuredCommunication::from_number(1_234_567_890).unwrap();
        let s = statement(vec![
            payment("REF1", 48_400, Communication::Structured(ogm)),
            payment("REF2", -1_250, Communication::Free("Facture 2026/118 entretien ascenseur et remplacement du câble".to_owned())),
            payment("REF3", 7, Communication::None),
        ]);
        let file = text(write(std::slice::from_ref(&s), day(20)));
        assert!(file.lines().all(|l| l.chars().count() == 128), "{file}");
        assert_eq!(parse(&latin1(&file)), Ok(vec![s]));
    }

    #[test]
    fn wrong_totals_and_counts_are_refused_with_their_line() {
        let s = statement(vec![payment("REF1", 10_000, Communication::None)]);
        let file = text(write(std::slice::from_ref(&s), day(20)));
        let lines: Vec<&str> = file.lines().collect();
        // The trailer says 20 euros were credited instead of 100.
        let trailer = lines[lines.len() - 1];
        let bad_total = file.replace(trailer, &trailer.replace(&format!("{:015}", 100_000), &format!("{:015}", 20_000)));
        let error = parse(bad_total.as_bytes()).unwrap_err();
        assert_eq!(error.line, lines.len());
        assert!(error.reason.contains("totals"), "{error}");
        // A record cut short.
        let short = file.replacen(lines[2], &lines[2][..100], 1);
        assert_eq!(parse(short.as_bytes()).unwrap_err().line, 3);
        // A movement removed: counts and balances no longer agree.
        let missing: String = lines.iter().enumerate().filter(|(i, _)| !(2..=4).contains(i)).map(|(_, l)| format!("{l}\r\n")).collect();
        assert!(parse(missing.as_bytes()).is_err());
        // No trailer at all.
        let cut: String = lines[..lines.len() - 1].iter().map(|l| format!("{l}\n")).collect();
        assert!(parse(cut.as_bytes()).unwrap_err().reason.contains("trailer"));
        assert_eq!(parse(b"").unwrap_err().line, 0);
    }

    #[test]
    fn a_bad_check_digit_leaves_the_movement_with_a_free_communication() {
        let ogm = StructuredCommunication::from_number(1_234_567_890).unwrap();
        let file = text(write(&[statement(vec![payment("REF1", 100, Communication::Structured(ogm))])], day(20)));
        let broken = file.replace(&ogm.digits(), &format!("{}00", &ogm.digits()[..10]));
        let statements = parse(broken.as_bytes()).expect("the file is read");
        assert_eq!(statements[0].movements[0].communication, Communication::Free("123456789000".to_owned()));
    }

    fn movement_strategy() -> impl proptest::strategy::Strategy<Value = Movement> {
        use proptest::prelude::*;
        let communication = prop_oneof![
            Just(Communication::None),
            (0u64..10_000_000_000).prop_map(|n| Communication::Structured(StructuredCommunication::from_number(n).unwrap())),
            "[A-Za-z0-9][A-Za-z0-9 ./-]{0,147}[A-Za-z0-9]".prop_map(Communication::Free),
        ];
        (
            "[A-Z0-9]{1,21}",
            -1_000_000_000i64..1_000_000_000,
            1u32..=28,
            communication,
            proptest::option::of("[A-Z]{2}[0-9]{14}"),
            proptest::option::of("[A-Z]{8}"),
            proptest::option::of("[A-Za-z][A-Za-z ]{0,33}[A-Za-z]"),
        )
            .prop_map(|(reference, cents, d, communication, account, bic, name)| Movement {
                bank_reference: format!("042/{reference}"),
                amount: Cents::new(cents).unwrap(),
                value_date: day(d),
                entry_date: day(d),
                communication,
                counterparty_account: account,
                counterparty_bic: bic,
                counterparty_name: name,
            })
    }

    proptest::proptest! {
        #[test]
        fn random_movements_round_trip(movements in proptest::collection::vec(movement_strategy(), 0..30)) {
            let s = statement(movements);
            let file = write(std::slice::from_ref(&s), day(20));
            proptest::prop_assert_eq!(parse(&file), Ok(vec![s]));
        }

        #[test]
        fn no_bytes_make_the_parser_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..600)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn a_changed_character_never_panics(position in 0usize..1000, byte in proptest::prelude::any::<u8>()) {
            let s = statement(vec![payment("REF1", 48_400, Communication::None), payment("REF2", -100, Communication::None)]);
            let mut file = write(&[s], day(20));
            let at = position % file.len();
            file[at] = byte;
            let _ = parse(&file);
        }
    }
}
