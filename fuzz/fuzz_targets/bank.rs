//! Bank statement files (CODA and camt.053) are untrusted uploads: no input
//! may panic the readers, and a CODA statement that reads must write back to
//! a file that reads the same.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = koprogo_bank::camt::parse(data);
    if let Ok(statements) = koprogo_bank::coda::parse(data) {
        let Some(first) = statements.first() else { return };
        let rewritten = koprogo_bank::coda::write(&statements, first.new_balance_date);
        if let Ok(again) = koprogo_bank::coda::parse(&rewritten) {
            assert_eq!(again.len(), statements.len());
            for (a, b) in again.iter().zip(&statements) {
                assert_eq!(a.movements.iter().map(|m| m.amount).collect::<Vec<_>>(), b.movements.iter().map(|m| m.amount).collect::<Vec<_>>());
            }
        }
    }
});
