//! The documents, read back as a person or a program would: the PDF's text
//! (poppler's `pdftotext`), its payment QR code (the page rendered by
//! `pdftoppm`, then decoded), and the Excel files' cells and totals
//! (calamine), checked against the figures the API gives.

use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use serde_json::{Value, json};

use crate::helpers::building_body;
use crate::money::{Building, building, cents};

fn scratch(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("koprogo-{}-{name}", uuid::Uuid::now_v7().simple()));
    std::fs::write(&path, bytes).expect("a scratch file");
    path
}

/// The text of a PDF, page after page.
pub fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let path = scratch("doc.pdf", pdf);
    let out = Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().expect("pdftotext (Debian poppler-utils) runs");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 text")
}

/// Every QR code found on page `page` of a PDF, decoded.
fn pdf_codes(pdf: &[u8], page: u32) -> Vec<String> {
    let path = scratch("qr.pdf", pdf);
    let prefix = path.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-gray", "-r", "150", "-f", &page.to_string(), "-l", &page.to_string(), "-singlefile"])
        .arg(&path)
        .arg(&prefix)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let image = std::fs::read(prefix.with_extension("pgm")).expect("the rendered page");
    let _ = (std::fs::remove_file(&path), std::fs::remove_file(prefix.with_extension("pgm")));
    // A binary PGM: "P5\n<w> <h>\n255\n" then one byte per pixel.
    let mut fields = image.splitn(4, |b| b.is_ascii_whitespace());
    let (_, w, h) = (fields.next(), fields.next(), fields.next());
    let number = |f: Option<&[u8]>| std::str::from_utf8(f.expect("a header field")).expect("digits").parse::<usize>().expect("a number");
    let (w, h) = (number(w), number(h));
    let pixels = &image[image.len() - w * h..];
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    prepared.detect_grids().into_iter().filter_map(|g| g.decode().ok().map(|(_, text)| text)).collect()
}

fn workbook(bytes: Vec<u8>) -> Xlsx<std::io::Cursor<Vec<u8>>> {
    calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a readable workbook")
}

/// A sheet's money column summed to the cent, and the total row's value.
fn column_and_total(book: &mut Xlsx<std::io::Cursor<Vec<u8>>>, sheet: usize, column: usize) -> (i64, i64) {
    let name = book.sheet_names()[sheet].clone();
    let range = book.worksheet_range(&name).expect("the sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| r.iter().any(|c| matches!(c, Data::String(_))) && r.len() > column && !matches!(r[column], Data::Empty))
        .expect("a header");
    let to_cents = |d: &Data| match d {
        Data::Float(f) => (f * 100.0).round() as i64,
        Data::Int(i) => i * 100,
        other => panic!("not an amount: {other:?}"),
    };
    let body = &rows[header + 1..];
    let (total, lines) = body.split_last().expect("a total row");
    (lines.iter().map(|r| to_cents(&r[column])).sum(), to_cents(&total[column]))
}

async fn with_reserve_account(b: &Building) {
    let mut body = building_body("Résidence Cents");
    body["reserve_fund_iban"] = json!("BE71 0961 2345 6769");
    let updated = b.t.put(&format!("/api/v1/buildings/{}", b.id), &b.token, body).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
}

async fn issued_call(b: &Building) -> Value {
    let body = json!({ "building_id": b.id, "title": "Provisions T2 2026", "as_of": "2026-03-01", "due_date": "2026-03-31",
        "working_amount": "900.01", "reserve_amount": "150" });
    let issued = b.t.post("/api/v1/calls", &b.token, body).await;
    assert_eq!(issued.status, 201, "{}", issued.body);
    issued.body
}

#[tokio::test]
async fn call_letters_speak_each_owner_s_language_and_carry_a_code_that_pays_the_right_line() {
    let b = building().await;
    with_reserve_account(&b).await;
    let call = issued_call(&b).await;
    let (status, kind, pdf) = b.t.download(&format!("/api/v1/calls/{}/letters.pdf", call["id"].as_str().expect("id")), &b.token).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    // Xhonneux writes French, Yilmaz Dutch, Zeghers English; each letter has its own communication.
    for needle in
        ["Appel de fonds : Provisions T2 2026", "Opvraging van voorschotten: Provisions T2 2026", "Call for funds: Provisions T2 2026"]
    {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    for line in call["lines"].as_array().expect("lines") {
        assert!(text.contains(line["communication"].as_str().expect("communication")), "{} missing", line["communication"]);
    }
    assert!(text.contains("BE71 0961 2345 6769") && text.contains("BE68 5390 0754 7034"), "both accounts are named");
    assert!(!text.contains("{ $") && !text.contains("call-"), "no untranslated text:\n{text}");

    // The first letter (Xhonneux, by name) pays its working part to the working account and its reserve part to the reserve account.
    let x = call["lines"].as_array().expect("lines").iter().find(|l| l["owner_id"] == json!(b.owners[0])).expect("X's line").clone();
    let mut codes = pdf_codes(&pdf, 1);
    codes.sort();
    let ogm = x["communication"].as_str().expect("communication").replace(['+', '/'], "");
    let expected = |iban: &str, amount: &Value| format!("BCD\n002\n1\nSCT\n\nACP Résidence Cents\n{iban}\nEUR{amount}\n\n{ogm}\n");
    let mut wanted = vec![expected("BE68539007547034", &x["working"]), expected("BE71096123456769", &x["reserve"])];
    wanted.sort();
    assert_eq!(codes, wanted);
}

#[tokio::test]
async fn the_call_sheet_adds_up_to_the_call() {
    let b = building().await;
    let call = issued_call(&b).await;
    let (status, kind, xlsx) =
        b.t.download(&format!("/api/v1/calls/{}/lines.xlsx?lang=nl", call["id"].as_str().expect("id")), &b.token).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let mut book = workbook(xlsx);
    assert_eq!(book.sheet_names(), vec!["Opvraging".to_owned()]);
    assert_eq!(column_and_total(&mut book, 0, 3), (90_001, 90_001));
    assert_eq!(column_and_total(&mut book, 0, 4), (15_000, 15_000));
    assert_eq!(column_and_total(&mut book, 0, 5), (105_001, 105_001));
}

/// A year of one owner: an approved (so shared) expense, a call, a part payment.
async fn a_year(b: &Building) -> Value {
    b.approved_expense("1000.01").await;
    let call = issued_call(b).await;
    let z = call["lines"].as_array().expect("lines").iter().find(|l| l["owner_id"] == json!(b.owners[2])).expect("Z's line").clone();
    let paid = json!({ "building_id": b.id, "value_date": "2026-03-10", "amount": "100", "communication": z["communication"] });
    assert_eq!(b.t.post("/api/v1/payments", &b.token, paid).await.status, 201);
    z
}

#[tokio::test]
async fn an_owner_statement_adds_up_in_json_pdf_and_excel() {
    let b = building().await;
    let z = a_year(&b).await;
    let path = format!("/api/v1/owners/{}/statement?from=2026-01-01&to=2026-12-31", b.owners[2]);
    let s = b.t.get(&path, &b.token).await;
    assert_eq!(s.status, 200, "{}", s.body);
    // Z holds 66.67 % of B (333/1000): 22 201 cents of the 1 000.01 € expense.
    assert_eq!(cents(&s.body["charges_working"]), 22_201);
    assert_eq!(cents(&s.body["called"]["total"]), cents(&z["total"]));
    assert_eq!(cents(&s.body["paid"]["total"]), 10_000);
    assert_eq!(cents(&s.body["closing"]["total"]), cents(&z["total"]) - 10_000);
    assert_eq!(cents(&s.body["opening"]["total"]), 0);
    let arrears = b.t.get(&format!("/api/v1/arrears?building_id={}", b.id), &b.token).await;
    let row = arrears.body.as_array().expect("rows").iter().find(|r| r["owner_id"] == json!(b.owners[2])).expect("Z's row").clone();
    assert_eq!(cents(&row["balance"]), cents(&s.body["closing"]["total"]), "the statement ends where the account stands");

    let (status, _, pdf) = b.t.download(&path.replace("/statement?", "/statement.pdf?"), &b.token).await;
    assert_eq!(status, 200);
    let text = pdf_text(&pdf);
    for needle in ["Statement of charges", "Schindler SA", "Provisions T2 2026", "€222.01", "Balance you owe"] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }
    let (status, _, xlsx) = b.t.download(&path.replace("/statement?", "/statement.xlsx?"), &b.token).await;
    assert_eq!(status, 200);
    let mut book = workbook(xlsx);
    assert_eq!(column_and_total(&mut book, 0, 7), (22_201, 22_201));
    assert_eq!(column_and_total(&mut book, 1, 4).1 + column_and_total(&mut book, 1, 5).1, cents(&z["total"]));
    assert_eq!(column_and_total(&mut book, 2, 3), (10_000, 10_000));

    let backwards = b.t.get(&format!("/api/v1/owners/{}/statement?from=2026-12-31&to=2026-01-01", b.owners[2]), &b.token).await;
    assert_eq!((backwards.status.as_u16(), backwards.fields()), (422, vec!["to".to_owned()]));
}

#[tokio::test]
async fn the_ledger_holds_every_expense_call_and_payment_of_the_period() {
    let b = building().await;
    a_year(&b).await;
    b.approved_expense("12.34").await;
    let (status, _, xlsx) =
        b.t.download(&format!("/api/v1/buildings/{}/ledger.xlsx?from=2026-01-01&to=2026-12-31&lang=fr", b.id), &b.token).await;
    assert_eq!(status, 200);
    let mut book = workbook(xlsx);
    assert_eq!(book.sheet_names(), ["Dépenses", "Appels", "Paiements"].map(String::from).to_vec());
    let expenses = b.t.get(&format!("/api/v1/expenses?building_id={}&per_page=100", b.id), &b.token).await;
    let listed: i64 = expenses.body["data"].as_array().expect("expenses").iter().map(|e| cents(&e["amount"])).sum();
    assert_eq!(column_and_total(&mut book, 0, 8), (listed, listed));
    assert_eq!(column_and_total(&mut book, 1, 5), (105_001, 105_001));
    assert_eq!(column_and_total(&mut book, 2, 3), (10_000, 10_000));
    let owner = koprogo_domain::ids::OwnerId::from_uuid(b.owners[0].parse().expect("uuid"));
    let x = b.t.user("x@example.be", koprogo_domain::account::Role::Owner, Some(b.t.tenant), (Some(owner), vec![])).await;
    let (refused, _, _) = b.t.download(&format!("/api/v1/buildings/{}/ledger.xlsx", b.id), &x).await;
    assert_eq!(refused, 403, "an owner does not read the building's books");
}
