//! ISO 20022 camt.053 (bank-to-customer statement), the XML alternative to
//! CODA. Reads each `Stmt`: the account's IBAN, the opening (OPBD/PRCD) and
//! closing (CLBD) booked balances, and each booked entry with its
//! counterparty and remittance information; a Belgian structured
//! communication comes as a structured creditor reference (`Strd/CdtrRefInf/Ref`).

use chrono::NaiveDate;
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::money::Cents;
use roxmltree::{Document, Node};

use crate::{Communication, FileError, Movement, Problem, Statement, check_balances};

/// The file refused at `node`'s line.
fn error(doc: &Document<'_>, node: Node<'_, '_>, problem: Problem, reason: impl Into<String>) -> FileError {
    let line = usize::try_from(doc.text_pos_at(node.range().start).row).unwrap_or(0);
    FileError::at(line, problem, reason)
}

fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

/// The element at the end of `path`, if every step exists.
fn at<'a, 'input>(node: Node<'a, 'input>, path: &[&str]) -> Option<Node<'a, 'input>> {
    path.iter().try_fold(node, |n, step| child(n, step))
}

fn text<'a>(node: Node<'a, '_>, path: &[&str]) -> Option<&'a str> {
    at(node, path).and_then(|n| n.text()).map(str::trim).filter(|t| !t.is_empty())
}

/// An ISO 20022 decimal amount in cents: `18.150` is 18.15 (the schema
/// allows five decimals); `18.155` is not a sum of money in euros.
fn euros(raw: &str) -> Option<Cents> {
    let trimmed = match raw.split_once('.') {
        Some((whole, fraction)) if fraction.len() > 2 => {
            let (kept, extra) = fraction.split_at(2);
            if !extra.chars().all(|c| c == '0') {
                return None;
            }
            format!("{whole}.{kept}")
        }
        _ => raw.to_owned(),
    };
    Cents::parse_euros(&trimmed).ok()
}

struct Reader<'a, 'input> {
    doc: &'a Document<'input>,
}

impl<'a, 'input> Reader<'a, 'input> {
    fn required(&self, node: Node<'a, 'input>, path: &[&str]) -> Result<&'a str, FileError> {
        text(node, path)
            .ok_or_else(|| error(self.doc, node, Problem::OutOfOrder, format!("<{}> lacks <{}>", node.tag_name().name(), path.join("/"))))
    }

    fn date(&self, node: Node<'a, 'input>, path: &[&str]) -> Result<NaiveDate, FileError> {
        let raw = self.required(node, path)?;
        let day = raw.get(0..10).unwrap_or(raw);
        NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| error(self.doc, node, Problem::BadField, format!("`{raw}` is not a date")))
    }

    /// An `Amt` in euros with its `CdtDbtInd`: positive for a credit.
    fn amount(&self, node: Node<'a, 'input>) -> Result<Cents, FileError> {
        let amount = child(node, "Amt").ok_or_else(|| error(self.doc, node, Problem::OutOfOrder, "an amount (<Amt>) is missing"))?;
        if let Some(currency) = amount.attribute("Ccy").filter(|c| *c != "EUR") {
            return Err(error(self.doc, amount, Problem::Unsupported, format!("the currency is {currency}, only EUR is read")));
        }
        let raw = amount.text().unwrap_or("").trim();
        let cents =
            euros(raw).ok_or_else(|| error(self.doc, amount, Problem::BadField, format!("`{raw}` is not an amount in whole cents")))?;
        match self.required(node, &["CdtDbtInd"])? {
            "CRDT" => Ok(cents),
            "DBIT" => Cents::new(-cents.get()).map_err(|_| error(self.doc, amount, Problem::BadField, "the amount is out of range")),
            other => Err(error(self.doc, node, Problem::BadField, format!("CdtDbtInd `{other}` is neither CRDT nor DBIT"))),
        }
    }

    /// The booked balance of one of `codes` (e.g. OPBD, CLBD).
    fn balance(&self, statement: Node<'a, 'input>, codes: &[&str]) -> Result<(Cents, NaiveDate), FileError> {
        let balance = statement
            .children()
            .filter(|c| c.tag_name().name() == "Bal")
            .find(|b| text(*b, &["Tp", "CdOrPrtry", "Cd"]).is_some_and(|code| codes.contains(&code)))
            .ok_or_else(|| error(self.doc, statement, Problem::OutOfOrder, format!("the statement has no {} balance", codes.join("/"))))?;
        Ok((self.amount(balance)?, self.date(balance, &["Dt", "Dt"]).or_else(|_| self.date(balance, &["Dt", "DtTm"]))?))
    }

    /// The movements of one entry: one per `TxDtls` when a batched entry
    /// gives each transaction's amount and they add up to the entry's, else
    /// the entry itself with its first details.
    fn entry(&self, entry: Node<'a, 'input>, statement_id: &str, index: usize) -> Result<Vec<Movement>, FileError> {
        let amount = self.amount(entry)?;
        let all: Vec<Node<'a, 'input>> = entry
            .children()
            .filter(|c| c.tag_name().name() == "NtryDtls")
            .flat_map(|d| d.children().filter(|c| c.tag_name().name() == "TxDtls"))
            .collect();
        if all.len() > 1 {
            let sign = amount.get().signum();
            let parts: Option<Vec<i64>> = all
                .iter()
                .map(|d| {
                    let node = at(*d, &["AmtDtls", "TxAmt", "Amt"]).or_else(|| child(*d, "Amt"))?;
                    euros(node.text()?.trim()).map(|c| c.get() * sign)
                })
                .collect();
            if let Some(parts) = parts.filter(|p| p.iter().sum::<i64>() == amount.get()) {
                return all
                    .iter()
                    .zip(parts)
                    .enumerate()
                    .map(|(n, (details, part))| {
                        let part =
                            Cents::new(part).map_err(|_| error(self.doc, *details, Problem::BadField, "the amount is out of range"))?;
                        let mut movement = self.movement(entry, Some(*details), part, statement_id, index)?;
                        movement.bank_reference = format!("{}/{}", movement.bank_reference, n + 1);
                        Ok(movement)
                    })
                    .collect();
            }
        }
        Ok(vec![self.movement(entry, all.first().copied(), amount, statement_id, index)?])
    }

    fn movement(
        &self,
        entry: Node<'a, 'input>,
        details: Option<Node<'a, 'input>>,
        amount: Cents,
        statement_id: &str,
        index: usize,
    ) -> Result<Movement, FileError> {
        let booked = self.date(entry, &["BookgDt", "Dt"]).or_else(|_| self.date(entry, &["BookgDt", "DtTm"]))?;
        let value_date = self.date(entry, &["ValDt", "Dt"]).unwrap_or(booked);
        let reference =
            text(entry, &["AcctSvcrRef"]).or_else(|| text(entry, &["NtryRef"])).map_or_else(|| format!("#{index}"), str::to_owned);
        let (party, agent) = if amount.get() >= 0 { ("Dbtr", "DbtrAgt") } else { ("Cdtr", "CdtrAgt") };
        let remittance = details.and_then(|d| child(d, "RmtInf"));
        let communication = match remittance.and_then(|r| text(r, &["Strd", "CdtrRefInf", "Ref"])) {
            Some(reference) => match StructuredCommunication::parse(reference) {
                Ok(ogm) => Communication::Structured(ogm),
                Err(_) => Communication::Free(reference.to_owned()),
            },
            None => {
                let free: Vec<&str> = remittance
                    .map(|r| r.children().filter(|c| c.tag_name().name() == "Ustrd").filter_map(|c| c.text()).map(str::trim).collect())
                    .unwrap_or_default();
                let free = free.join(" ");
                if free.trim().is_empty() { Communication::None } else { Communication::Free(free.trim().to_owned()) }
            }
        };
        Ok(Movement {
            bank_reference: format!("{statement_id}/{reference}"),
            amount,
            value_date,
            entry_date: booked,
            communication,
            counterparty_account: details.and_then(|d| text(d, &["RltdPties", &format!("{party}Acct"), "Id", "IBAN"])).map(str::to_owned),
            counterparty_bic: details
                .and_then(|d| {
                    text(d, &["RltdAgts", agent, "FinInstnId", "BIC"]).or_else(|| text(d, &["RltdAgts", agent, "FinInstnId", "BICFI"]))
                })
                .map(str::to_owned),
            counterparty_name: details
                .and_then(|d| text(d, &["RltdPties", party, "Nm"]).or_else(|| text(d, &["RltdPties", party, "Pty", "Nm"])))
                .map(str::to_owned),
        })
    }

    fn statement(&self, node: Node<'a, 'input>) -> Result<Statement, FileError> {
        let account = self.required(node, &["Acct", "Id", "IBAN"])?.to_owned();
        let id = text(node, &["ElctrncSeqNb"]).or_else(|| text(node, &["LglSeqNb"])).unwrap_or(self.required(node, &["Id"])?);
        let (old_balance, _) = self.balance(node, &["OPBD", "PRCD"])?;
        let (new_balance, new_balance_date) = self.balance(node, &["CLBD"])?;
        let mut movements = Vec::new();
        let mut entries = Vec::new();
        for (index, entry) in node.children().filter(|c| c.tag_name().name() == "Ntry").enumerate() {
            if text(entry, &["Sts"]).or_else(|| text(entry, &["Sts", "Cd"])).is_some_and(|s| s != "BOOK") {
                continue; // pending or informational entries are not on the account yet
            }
            entries.push(self.amount(entry)?.get());
            movements.extend(self.entry(entry, id, index + 1)?);
        }
        if let Some(summary) = child(node, "TxsSummry") {
            self.check_summary(summary, &entries)?;
        }
        let statement = Statement { account, statement_number: id.to_owned(), old_balance, new_balance, new_balance_date, movements };
        check_balances(&statement, usize::try_from(self.doc.text_pos_at(node.range().start).row).unwrap_or(0))?;
        Ok(statement)
    }

    /// The statement's own counts and sums of credits and debits, when it gives them.
    fn check_summary(&self, summary: Node<'a, 'input>, entries: &[i64]) -> Result<(), FileError> {
        for (tag, credit) in [("TtlCdtNtries", true), ("TtlDbtNtries", false)] {
            let Some(totals) = child(summary, tag) else { continue };
            let own: Vec<i64> = entries.iter().copied().filter(|a| (*a >= 0) == credit).collect();
            if let Some(count) = text(totals, &["NbOfNtries"])
                && count.parse::<usize>().ok() != Some(own.len())
            {
                return Err(error(
                    self.doc,
                    totals,
                    Problem::TotalsDiffer,
                    format!("{tag} counts {count} entries, the statement has {}", own.len()),
                ));
            }
            if let Some(sum) = text(totals, &["Sum"]) {
                let expected = euros(sum).ok_or_else(|| error(self.doc, totals, Problem::BadField, format!("`{sum}` is not an amount")))?;
                let actual: i64 = own.iter().map(|a| a.abs()).sum();
                if expected.get() != actual {
                    return Err(error(
                        self.doc,
                        totals,
                        Problem::TotalsDiffer,
                        format!("{tag} sums to {expected}, the entries to {}", Cents::new(actual).unwrap_or_default()),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Reads every statement of a camt.053 document.
pub fn parse(bytes: &[u8]) -> Result<Vec<Statement>, FileError> {
    let text = std::str::from_utf8(bytes).map_err(|e| FileError::at(0, Problem::NotAStatement, format!("the XML is not UTF-8: {e}")))?;
    let doc = Document::parse(text.trim_start_matches('\u{feff}'))
        .map_err(|e| FileError::at(usize::try_from(e.pos().row).unwrap_or(0), Problem::NotAStatement, format!("malformed XML: {e}")))?;
    let root = doc.root_element();
    let Some(report) = child(root, "BkToCstmrStmt") else {
        return Err(error(&doc, root, Problem::NotAStatement, "not a camt.053 statement (no <BkToCstmrStmt>)"));
    };
    let reader = Reader { doc: &doc };
    let statements: Vec<Statement> =
        report.children().filter(|c| c.tag_name().name() == "Stmt").map(|s| reader.statement(s)).collect::<Result<_, _>>()?;
    if statements.is_empty() {
        return Err(error(&doc, report, Problem::NotAStatement, "the document holds no statement (<Stmt>)"));
    }
    Ok(statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T08:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-42</Id>
      <ElctrncSeqNb>42</ElctrncSeqNb>
      <Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-17</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1471.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
      <TxsSummry><TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>484.00</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>12.50</Sum></TtlDbtNtries></TxsSummry>
      <Ntry>
        <Amt Ccy="EUR">484.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-19</Dt></BookgDt><ValDt><Dt>2026-11-18</Dt></ValDt><AcctSvcrRef>B1</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>Dupont Marie</Nm></Dbtr><DbtrAcct><Id><IBAN>BE71096123456769</IBAN></Id></DbtrAcct></RltdPties>
          <RltdAgts><DbtrAgt><FinInstnId><BIC>GKCCBEBB</BIC></FinInstnId></DbtrAgt></RltdAgts>
          <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp><Ref>123456789002</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">12.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-19</Dt></BookgDt><AcctSvcrRef>B2</AcctSvcrRef>
        <NtryDtls><TxDtls><RmtInf><Ustrd>Frais de tenue de compte</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="EUR">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>PDNG</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>"#;

    #[test]
    fn booked_entries_are_read_with_their_counterparty() {
        let statements = parse(SAMPLE.as_bytes()).unwrap();
        let s = &statements[0];
        assert_eq!(s.account, "BE68539007547034");
        assert_eq!(s.movements.len(), 2, "the pending entry is not on the account");
        let first = &s.movements[0];
        assert_eq!(first.amount.get(), 48_400);
        assert_eq!(first.communication, Communication::Structured(StructuredCommunication::parse("123456789002").unwrap()));
        assert_eq!(first.counterparty_account.as_deref(), Some("BE71096123456769"));
        assert_eq!(first.counterparty_name.as_deref(), Some("Dupont Marie"));
        assert_eq!(first.value_date, NaiveDate::from_ymd_opt(2026, 11, 18).unwrap());
        assert_eq!(first.bank_reference, "42/B1");
        assert_eq!(s.movements[1].amount.get(), -1250);
        assert_eq!(s.movements[1].communication, Communication::Free("Frais de tenue de compte".to_owned()));
    }

    #[test]
    fn totals_and_balances_that_disagree_are_refused_with_their_line() {
        let wrong_sum = SAMPLE.replace("<Sum>484.00</Sum>", "<Sum>480.00</Sum>");
        let e = parse(wrong_sum.as_bytes()).unwrap_err();
        assert_eq!(e.line, 11);
        assert!(e.reason.contains("TtlCdtNtries"), "{e}");
        let wrong_closing = SAMPLE.replace("1471.50", "1471.51");
        assert!(parse(wrong_closing.as_bytes()).unwrap_err().reason.contains("balance"));
        let malformed = SAMPLE.replace("</Stmt>", "");
        assert!(parse(malformed.as_bytes()).unwrap_err().reason.contains("malformed"));
        assert!(parse(SAMPLE.replace("CRDT</CdtDbtInd><Sts>BOOK", "BOTH</CdtDbtInd><Sts>BOOK").as_bytes()).is_err());
        assert!(parse(b"<Document/>").is_err());
    }

    #[test]
    fn iso_decimals_with_trailing_zeros_are_whole_cents_and_others_are_refused() {
        assert_eq!(euros("18.150").map(Cents::get), Some(1815));
        assert_eq!(euros("18.15000").map(Cents::get), Some(1815));
        assert_eq!(euros("18").map(Cents::get), Some(1800));
        assert_eq!(euros("18.155"), None);
        let three = SAMPLE.replace("484.00", "484.000").replace("1471.50", "1471.500");
        assert_eq!(parse(three.as_bytes()).unwrap()[0].movements[0].amount.get(), 48_400);
        assert!(parse(SAMPLE.replace(">484.00<", ">484.001<").as_bytes()).unwrap_err().reason.contains("whole cents"));
    }

    #[test]
    fn a_batched_entry_gives_every_payer() {
        let batch = r#"<NtryDtls>
          <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">300.00</Amt></TxAmt></AmtDtls>
            <RltdPties><Dbtr><Nm>Dupont Marie</Nm></Dbtr><DbtrAcct><Id><IBAN>BE71096123456769</IBAN></Id></DbtrAcct></RltdPties>
            <RmtInf><Strd><CdtrRefInf><Ref>123456789002</Ref></CdtrRefInf></Strd></RmtInf></TxDtls>
          <TxDtls><Amt Ccy="EUR">184.000</Amt>
            <RltdPties><Dbtr><Nm>Peeters Jan</Nm></Dbtr></RltdPties>
            <RmtInf><Ustrd>Provisions lot 4</Ustrd></RmtInf></TxDtls>
        </NtryDtls>"#;
        let start = SAMPLE.find("<NtryDtls>").unwrap();
        let end = SAMPLE.find("</NtryDtls>").unwrap() + "</NtryDtls>".len();
        let file = format!("{}{batch}{}", &SAMPLE[..start], &SAMPLE[end..]);
        let s = &parse(file.as_bytes()).unwrap()[0];
        let payers: Vec<(i64, Option<&str>)> = s.movements.iter().map(|m| (m.amount.get(), m.counterparty_name.as_deref())).collect();
        assert_eq!(payers, [(30_000, Some("Dupont Marie")), (18_400, Some("Peeters Jan")), (-1250, None)]);
        assert_eq!(s.movements[0].bank_reference, "42/B1/1");
        assert_eq!(s.movements[1].communication, Communication::Free("Provisions lot 4".to_owned()));
        // Parts that do not add up to the entry leave it whole, with its first details.
        let odd = file.replace("184.000", "180.00");
        assert_eq!(parse(odd.as_bytes()).unwrap()[0].movements[0].amount.get(), 48_400);
    }

    #[test]
    fn the_format_is_told_by_the_first_character() {
        assert_eq!(crate::parse(SAMPLE.as_bytes()).unwrap().len(), 1);
        assert!(crate::parse(b"0000").unwrap_err().reason.contains("128"));
    }

    proptest::proptest! {
        #[test]
        fn no_text_makes_the_parser_panic(raw in "(<[A-Za-z]{0,6}>|</[A-Za-z]{0,6}>|[0-9.]{0,6}|CRDT|DBIT|BOOK){0,60}") {
            let _ = parse(format!("<Document><BkToCstmrStmt><Stmt>{raw}</Stmt></BkToCstmrStmt></Document>").as_bytes());
        }
    }
}
