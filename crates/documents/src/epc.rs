//! The EPC "scan to pay" QR code (European Payments Council, EPC069-12,
//! version 002): a SEPA credit transfer that banking apps fill in from the
//! code. The Belgian structured communication goes in the structured
//! remittance field (its 12 digits), which Belgian banking apps read as the
//! communication; the unstructured field stays empty, as the standard asks
//! when the structured one is used.

use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::identifiers::Iban;
use koprogo_domain::money::Cents;

/// A transfer to print as a code.
#[derive(Clone, Copy, Debug)]
pub struct Transfer<'a> {
    pub beneficiary: &'a str,
    pub iban: &'a Iban,
    pub amount: Cents,
    pub communication: StructuredCommunication,
}

/// The largest amount the standard allows: 999 999 999.99 €.
const MAX: i64 = 99_999_999_999;

/// The code's text, or `None` when the amount is outside the standard's
/// range (nothing to pay, or too much for one transfer).
pub fn payload(transfer: &Transfer<'_>) -> Option<String> {
    let cents = transfer.amount.get();
    if !(1..=MAX).contains(&cents) {
        return None;
    }
    // The name field holds at most 70 characters, on one line.
    let name: String = transfer.beneficiary.chars().map(|c| if c.is_control() { ' ' } else { c }).take(70).collect();
    let lines = [
        "BCD",
        "002",
        "1", // UTF-8
        "SCT",
        "", // the BIC is optional within the EEA from version 002
        name.trim(),
        transfer.iban.as_str(),
        &format!("EUR{}", transfer.amount.to_decimal_string()),
        "",
        &transfer.communication.digits(),
        "",
    ];
    Some(lines.join("\n"))
}

/// The QR code of `text` at medium error correction (as the standard asks):
/// its side in modules and which modules are dark, row by row.
pub fn modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let dark = code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect();
    Some((code.width(), dark))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(cents: i64) -> (Iban, StructuredCommunication, Cents) {
        (
            Iban::parse("BE68 5390 0754 7034").unwrap(),
            StructuredCommunication::parse("+++090/9337/55493+++").unwrap(),
            Cents::new(cents).unwrap(),
        )
    }

    #[test]
    fn the_payload_follows_the_standard_line_by_line() {
        let (iban, ogm, amount) = transfer(123_456);
        let text = payload(&Transfer { beneficiary: "ACP Résidence Les Érables", iban: &iban, amount, communication: ogm }).unwrap();
        assert_eq!(text, "BCD\n002\n1\nSCT\n\nACP Résidence Les Érables\nBE68539007547034\nEUR1234.56\n\n090933755493\n");
        assert!(text.len() <= 331, "the standard's maximum");
        let none = Transfer { beneficiary: "x", iban: &iban, amount: Cents::default(), communication: ogm };
        assert_eq!(payload(&none), None);
    }

    /// Decodes the code as a camera would, from its modules drawn as pixels.
    fn decode(n: usize, dark: &[bool]) -> String {
        let scale = 4;
        let side = (n + 8) * scale;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
            let (mx, my) = ((x / scale).checked_sub(4), (y / scale).checked_sub(4));
            match (mx, my) {
                (Some(mx), Some(my)) if mx < n && my < n && dark[my * n + mx] => 0,
                _ => 255,
            }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        grids[0].decode().expect("a readable code").1
    }

    #[test]
    fn the_code_reads_back_to_the_payload() {
        let (iban, ogm, amount) = transfer(34_001);
        let text = payload(&Transfer { beneficiary: "VME Residentie De Linde", iban: &iban, amount, communication: ogm }).unwrap();
        let (n, dark) = modules(&text).unwrap();
        assert_eq!(decode(n, &dark), text);
    }
}
