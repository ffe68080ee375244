//! Bank files as Belgian banks wrote them, kept as test data by accounting
//! projects (`tests/data/README.md` names each and its licence).

use koprogo_bank::{Communication, parse};

fn file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))).expect("test file")
}

#[test]
fn an_old_belgian_account_number_is_read_as_its_iban_and_bad_check_digits_stay_in_the_file() {
    let statements = parse(&file("php-coda-parser-sample1.cod")).expect("a real KBC file is read");
    let statement = &statements[0];
    // 138-5361522-15 (structure 0) is written BE12 1385 3615 2215.
    assert_eq!(statement.account, "BE12138536152215");
    assert_eq!(statement.movements.len(), 4);
    assert!(statement.movements.iter().all(|m| matches!(&m.communication, Communication::Free(t) if t.len() == 12)), "{statement:?}");
    assert_eq!(statement.movements.iter().map(|m| m.amount.get()).sum::<i64>(), 8_000);
    assert_eq!(statement.movements[2].counterparty_name.as_deref(), Some("KLANT3 NAAMï"));
}

#[test]
fn a_kbc_file_with_structured_communications_and_globalised_debits_is_read() {
    let statements = parse(&file("odoo-l10n_be_coda-2011.cod")).expect("read");
    let statement = &statements[0];
    assert_eq!(statement.account, "BE33737018595246");
    let structured: Vec<String> = statement
        .movements
        .iter()
        .filter_map(|m| match &m.communication {
            Communication::Structured(ogm) => Some(ogm.digits()),
            _ => None,
        })
        .collect();
    assert_eq!(structured, ["240283842818"]);
    assert_eq!(
        statement.movements.iter().find(|m| m.amount.get() == 304_445).and_then(|m| m.counterparty_name.as_deref()),
        Some("PARTNER 2")
    );
    // Each globalised loan repayment (479.04) is given in its two details, 419.92 and 59.12.
    assert_eq!(statement.movements.iter().filter(|m| m.amount.get() == -41_992).count(), 2);
    assert_eq!(statement.movements.iter().filter(|m| m.amount.get() == -5_912).count(), 2);
    assert_eq!(statement.movements.iter().filter(|m| m.amount.get() == -47_904).count(), 0);
    assert!(statement.movements.iter().any(|m| m.bank_reference.ends_with("/0002")));
    assert_eq!(statement.movements.iter().map(|m| m.amount.get()).sum::<i64>(), statement.new_balance.get() - statement.old_balance.get());
}
