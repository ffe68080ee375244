//! Money paid out: a bank file's debits recorded with the payments, the one
//! whose communication names its invoice settled at import, the others left
//! for the syndic, who settles one from the page; board members read, owners
//! do not.

use axum::http::StatusCode;
use koprogo_bank::{Communication, Movement, Statement};
use koprogo_domain::account::Role;
use koprogo_domain::money::Cents;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::expense_body;
use crate::money::{Building, building};

/// A CODA statement of the working account: one payment received, and two
/// debits (reference, cents paid out, communication, payee).
fn statement(debits: &[(&str, i64, &str, &str)]) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 20).expect("day");
    let movement = |reference: &str, cents: i64, text: &str, name: &str| Movement {
        bank_reference: format!("012/{reference}"),
        amount: Cents::new(cents).expect("cents"),
        value_date: day,
        entry_date: day,
        communication: Communication::Free(text.to_owned()),
        counterparty_account: Some("BE71096123456769".to_owned()),
        counterparty_bic: None,
        counterparty_name: Some(name.to_owned()),
    };
    let mut movements = vec![movement("1", 15_000, "Provisions", "Xhonneux")];
    movements.extend(debits.iter().map(|(reference, cents, text, name)| movement(reference, -cents, text, name)));
    let moved: i64 = movements.iter().map(|m| m.amount.get()).sum();
    let statement = Statement {
        account: "BE68539007547034".to_owned(),
        statement_number: "012".to_owned(),
        old_balance: Cents::new(100_000).expect("cents"),
        new_balance: Cents::new(100_000 + moved).expect("cents"),
        new_balance_date: day,
        movements,
    };
    koprogo_bank::coda::write(&[statement], day).into_iter().map(char::from).collect()
}

/// An expense approved then paid; its id.
async fn paid(b: &Building, supplier: &str, invoice: &str, euros: &str) -> String {
    let mut body = expense_body(&b.id, json!(euros));
    body["supplier"] = json!(supplier);
    body["invoice_number"] = json!(invoice);
    let id = b.t.create("/api/v1/expenses", &b.token, body).await;
    assert_eq!(b.t.post(&format!("/api/v1/expenses/{id}/approve"), &b.token, json!({})).await.status, 200);
    assert_eq!(b.t.post(&format!("/api/v1/expenses/{id}/pay"), &b.token, json!({})).await.status, 200);
    id
}

#[tokio::test]
async fn debits_are_recorded_and_settle_their_paid_expenses() {
    let b = building().await;
    let lift = paid(&b, "Schindler SA", "F-2026-0099", "484.00").await;
    let cleaning = paid(&b, "Propre & Net", "2026/14", "99.00").await;
    let file = statement(&[("2", 48_400, "FACTURE F20260099", "SCHINDLER SA"), ("3", 9_900, "Virement", "J. DUPONT")]);
    let imported = b.t.post("/api/v1/bank-statements", &b.token, json!(file)).await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.body);
    assert_eq!((imported.body[0]["recorded"].clone(), imported.body[0]["debits_recorded"].clone()), (json!(1), json!(2)));
    assert_eq!(imported.body[0]["debits_matched"], json!(1));

    let settled = b.t.get(&format!("/api/v1/debits?expense_id={lift}"), &b.token).await;
    assert_eq!(settled.body["data"][0]["matched_by"], json!("invoice_number"), "{}", settled.body);
    assert_eq!(crate::money::cents(&settled.body["data"][0]["amount"]), 48_400);
    let waiting = b.t.get("/api/v1/debits?unmatched=true", &b.token).await;
    assert_eq!(waiting.body["pagination"]["total_items"], json!(1));
    let debit = waiting.body["data"][0]["id"].as_str().expect("the waiting debit").to_owned();

    // The syndic sees both on the page and settles the waiting one by hand.
    let mut syndic = Browser::default();
    syndic.sign_in(&b.t, "syndic@horizon.be").await;
    let page = syndic.get(&b.t, "/debits").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("reconnue par le numéro de facture") && page.html.contains("Schindler SA — F-2026-0099"), "{}", page.html);
    assert!(page.html.contains(&format!(r#"<option value="{cleaning}">"#)), "the paid expense of its amount is offered");
    let done = syndic.submit(&b.t, &format!("/debits/{debit}/settle"), &[("expense_id", cleaning.as_str())]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
    assert!(syndic.get(&b.t, "/debits").await.html.contains("Débit rapproché de sa dépense."));
    let again = syndic.submit(&b.t, &format!("/debits/{debit}/settle"), &[("expense_id", lift.as_str())]).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.html.contains("détachez-le d"), "{}", again.html);
    let shown = b.t.get(&format!("/api/v1/debits/{debit}"), &b.token).await;
    assert_eq!((shown.body["expense_id"].clone(), shown.body["matched_by"].clone()), (json!(cleaning), json!("manual")));

    // Released, it waits again; a draft cannot be what it settles.
    let released = b.t.post(&format!("/api/v1/debits/{debit}/settle"), &b.token, json!({ "expense_id": null })).await;
    assert_eq!(released.body["expense_id"], json!(null));
    let draft = b.t.create("/api/v1/expenses", &b.token, expense_body(&b.id, json!("99"))).await;
    let refused = b.t.post(&format!("/api/v1/debits/{debit}/settle"), &b.token, json!({ "expense_id": draft })).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "debit.expense_not_paid"));

    // The same file again adds nothing.
    let twice = b.t.post("/api/v1/bank-statements", &b.token, json!(file)).await;
    assert_eq!(twice.body[0]["new"], json!(false));
    assert_eq!(b.t.get("/api/v1/debits", &b.token).await.body["pagination"]["total_items"], json!(2));
}

#[tokio::test]
async fn a_bank_file_uploaded_on_the_page_says_what_it_paid_out_and_owners_see_no_debit() {
    let b = building().await;
    paid(&b, "Schindler SA", "F-2026-0099", "484.00").await;
    let mut syndic = Browser::default();
    syndic.sign_in(&b.t, "syndic@horizon.be").await;
    syndic.get(&b.t, "/payments/import").await;
    let file = statement(&[("2", 48_400, "Facture F-2026-0099", "Schindler")]);
    let imported = syndic.upload(&b.t, "/payments/import", "statement.cod", file.as_bytes()).await;
    assert!(imported.html.contains("1 débit enregistré, dont 1 rapproché"), "{}", imported.html);
    let holder = koprogo_domain::ids::OwnerId::from_uuid(b.owners[0].parse().expect("uuid"));
    let owner = b.t.user("owner@cents.be", Role::Owner, Some(b.t.tenant), (Some(holder), vec![])).await;
    assert_eq!(b.t.get("/api/v1/debits", &owner).await.status, StatusCode::FORBIDDEN);
    let building = koprogo_domain::ids::BuildingId::from_uuid(b.id.parse().expect("uuid"));
    let board = b.t.user("board@cents.be", Role::BoardMember, Some(b.t.tenant), (None, vec![building])).await;
    assert_eq!(b.t.get("/api/v1/debits", &board).await.body["pagination"]["total_items"], json!(1));
}
