//! Every parser of untrusted text in the domain: none may panic, and what one
//! accepts must print back to something it accepts again.
#![no_main]

use koprogo_domain::identifiers::{BceNumber, Email, Iban, PostalCode};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::Share;
use koprogo_domain::unit::Surface;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(iban) = Iban::parse(text) {
        assert_eq!(Iban::parse(&iban.grouped()), Ok(iban));
    }
    if let Ok(number) = BceNumber::parse(text) {
        assert_eq!(BceNumber::parse(&number.dotted()), Ok(number));
    }
    if let Ok(code) = PostalCode::parse(text) {
        assert_eq!(PostalCode::parse(&code.to_string()), Ok(code));
    }
    if let Ok(email) = Email::parse(text) {
        assert_eq!(Email::parse(email.as_str()), Ok(email));
    }
    if let Ok(amount) = Cents::parse_euros(text) {
        assert_eq!(Cents::parse_euros(&amount.to_decimal_string()), Ok(amount));
    }
    if let Ok(share) = Share::parse_percent(text) {
        assert_eq!(Share::parse_percent(&share.to_percent_string()), Ok(share));
    }
    if let Ok(surface) = Surface::parse_square_metres(text) {
        assert_eq!(Surface::parse_square_metres(&surface.to_decimal_string()), Ok(surface));
    }
    let _ = koprogo_web::wire::parse_date(text);
    let _ = koprogo_domain::building::YearStart::parse(text);
    let _ = koprogo_domain::expense::AccountCode::parse(text);
    let _ = koprogo_domain::unit::UnitKind::parse(text);
});
