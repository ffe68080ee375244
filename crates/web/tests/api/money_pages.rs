//! The money pages as a syndic, an owner and a board member use them: the
//! call wizard with its preview, a bank file uploaded then the inbox
//! emptied by hand, the owner's own statement, reminders sent from the page.

use axum::http::{StatusCode, header};
use koprogo_bank::Communication;
use koprogo_domain::account::Role;
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::ids::OwnerId;
use serde_json::json;

use crate::browser::{Browser, Page};
use crate::money::{Building, building, coda};

const CALL: [(&str, &str); 6] = [
    ("title", "Provisions T2 2026"),
    ("as_of", "2026-03-01"),
    ("due_date", "2026-03-31"),
    ("working_amount", "1000.01"),
    ("reserve_amount", "50"),
    ("key_id", ""),
];

fn call_form(b: &Building) -> Vec<(&'static str, String)> {
    let mut form: Vec<(&str, String)> = CALL.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    form.push(("building_id", b.id.clone()));
    form
}

async fn submit(browser: &mut Browser, b: &Building, path: &str, fields: &[(&'static str, String)]) -> Page {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.submit(&b.t, path, &pairs).await
}

/// Confirms a preview twice with its key (a double tap, the back button): one call.
async fn issue_twice(syndic: &mut Browser, b: &Building, preview: &Page) -> Page {
    let key = preview.html.split(r#"name="idempotency_key" value=""#).nth(1).and_then(|s| s.split('"').next()).expect("the preview's key");
    let mut confirm = call_form(b);
    confirm.push(("idempotency_key", key.to_owned()));
    let issued = submit(syndic, b, "/calls", &confirm).await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.html);
    let twice = submit(syndic, b, "/calls", &confirm).await;
    assert_eq!(twice.location(), issued.location(), "the same call, again");
    assert_eq!(b.t.get("/api/v1/calls", &b.token).await.body["pagination"]["total_items"], json!(1), "issued once");
    issued
}

#[tokio::test]
async fn a_syndic_previews_issues_and_downloads_a_call_then_clears_the_inbox() {
    let b = building().await;
    // Last year's ordinary charges: the reserve minimum of 2026 is 5 % of 2 000 €.
    let mut last_year = crate::helpers::expense_body(&b.id, json!("2000"));
    last_year["expense_date"] = json!("2025-06-01");
    let expense = b.t.create("/api/v1/expenses", &b.token, last_year).await;
    b.t.post(&format!("/api/v1/expenses/{expense}/approve"), &b.token, json!({})).await;
    let mut syndic = Browser::default();
    syndic.sign_in(&b.t, "syndic@horizon.be").await;
    let home = syndic.get(&b.t, "/").await;
    assert!(home.html.contains(r#"href="/payments""#) && home.html.contains(r#"href="/reminders""#), "the syndic's menu");
    assert_eq!(syndic.get(&b.t, "/calls/new").await.status, StatusCode::OK);

    let mut late = call_form(&b);
    late.retain(|(k, _)| *k != "due_date");
    late.push(("due_date", "2026-02-01".to_owned()));
    let refused = submit(&mut syndic, &b, "/calls/new", &late).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.html.contains(r#"id="due_date-error""#) && refused.html.contains("Provisions T2 2026"),
        "the error by its field, the rest kept"
    );

    let preview = submit(&mut syndic, &b, "/calls/new", &call_form(&b)).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.html);
    for needle in ["Luc Xhonneux", "Luc Yilmaz", "Luc Zeghers", "1.000,01", "minimum légal de 100,00"] {
        assert!(preview.html.contains(needle), "{needle} missing in the preview");
    }
    assert_eq!(b.t.get("/api/v1/calls", &b.token).await.body["pagination"]["total_items"], json!(0), "a preview issues nothing");
    let issued = issue_twice(&mut syndic, &b, &preview).await;
    let call = syndic.get(&b.t, issued.location()).await;
    let calls = b.t.get("/api/v1/calls", &b.token).await;
    let id = calls.body["data"][0]["id"].as_str().expect("the call").to_owned();
    let lines = b.t.get(&format!("/api/v1/calls/{id}"), &b.token).await.body["lines"].as_array().expect("lines").clone();
    for line in &lines {
        assert!(call.html.contains(line["communication"].as_str().expect("communication")));
    }
    let letters = syndic.get(&b.t, &format!("/calls/{id}/letters.pdf")).await;
    assert_eq!(letters.headers[header::CONTENT_TYPE], "application/pdf");

    let x = lines.iter().find(|l| l["owner_id"] == json!(b.owners[0])).expect("X's line");
    let ogm = StructuredCommunication::parse(x["communication"].as_str().expect("communication")).expect("valid");
    let file = coda(&[("P1", 10_000, Communication::Structured(ogm)), ("P2", 4_242, Communication::None)].map(|(r, a, c)| (r, a, c, None)));
    let imported = syndic.upload(&b.t, "/payments/import", "statement.cod", file.as_bytes()).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.html);
    assert!(imported.html.contains("2 paiements enregistrés, dont 1 imputé automatiquement"), "{}", imported.html);
    let broken = syndic.upload(&b.t, "/payments/import", "statement.cod", b"not a statement").await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(broken.html.contains("à la ligne 1 : ce n"), "in the page's language, with the line: {}", broken.html);

    let inbox = syndic.get(&b.t, "/payments?inbox=1").await;
    assert!(inbox.html.contains("Un paiement à imputer") && inbox.html.contains("42,42"), "{}", inbox.html);
    assert!(syndic.get(&b.t, &format!("/payments?inbox=1&building={}", uuid::Uuid::now_v7())).await.html.contains("Aucun paiement"));
    assert!(
        inbox.html.contains(
            r#"name="call_line_id" required>
          <option value="" selected></option>"#
        ),
        "nobody's line is chosen for the syndic: {}",
        inbox.html
    );
    let waiting = b.t.get("/api/v1/payments?unmatched=true", &b.token).await.body["data"][0]["id"].as_str().expect("waiting").to_owned();
    let z = lines.iter().find(|l| l["owner_id"] == json!(b.owners[2])).expect("Z's line")["id"].as_str().expect("id").to_owned();
    let assigned = submit(&mut syndic, &b, &format!("/payments/{waiting}/assign"), &[("call_line_id", z)]).await;
    assert_eq!(assigned.location(), "/payments?inbox=1");
    assert!(syndic.get(&b.t, "/payments?inbox=1").await.html.contains("Aucun paiement à imputer"));
}

#[tokio::test]
async fn an_owner_reads_their_own_statement_and_nobody_else_s() {
    let b = building().await;
    let call =
        json!({ "building_id": b.id, "title": "Provisions T1", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "300" });
    assert_eq!(b.t.post("/api/v1/calls", &b.token, call).await.status, 201);
    let owner = OwnerId::from_uuid(b.owners[1].parse().expect("uuid"));
    b.t.user("yilmaz@example.be", Role::Owner, Some(b.t.tenant), (Some(owner), vec![])).await;
    let mut y = Browser::default();
    y.sign_in(&b.t, "yilmaz@example.be").await;
    let home = y.get(&b.t, "/").await;
    assert!(home.html.contains(r#"href="/statement""#) && !home.html.contains(r#"href="/payments""#), "an owner's menu");
    let own = y.get(&b.t, "/statement").await;
    assert_eq!(own.location(), format!("/owners/{}/statement", b.owners[1]));
    let statement = y.get(&b.t, own.location()).await;
    assert_eq!(statement.status, StatusCode::OK, "{}", statement.html);
    assert!(statement.html.contains("Provisions T1") && statement.html.contains("Solde dû : 33,30"), "{}", statement.html);
    let pdf = y.get(&b.t, &format!("/owners/{}/statement.pdf", b.owners[1])).await;
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(y.get(&b.t, &format!("/owners/{}/statement", b.owners[0])).await.status, StatusCode::NOT_FOUND);
    assert_eq!(y.get(&b.t, "/payments?inbox=1").await.status, StatusCode::OK, "an owner's payments page holds their own only");
    assert_eq!(y.get(&b.t, "/payments/import").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reminders_are_set_previewed_and_sent_from_the_pages() {
    let b = building().await;
    let call =
        json!({ "building_id": b.id, "title": "Provisions T1", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "300" });
    assert_eq!(b.t.post("/api/v1/calls", &b.token, call).await.status, 201);
    let mut syndic = Browser::default();
    syndic.sign_in(&b.t, "syndic@horizon.be").await;
    let policy = format!("/buildings/{}/reminder-policy", b.id);
    assert!(syndic.get(&b.t, &policy).await.html.contains(r#"value="15""#), "the defaults");
    let fields = |first: &str| {
        vec![
            ("delays_days[0]", first.to_owned()),
            ("delays_days[1]", "15".to_owned()),
            ("delays_days[2]", "15".to_owned()),
            ("fees[0]", "0".to_owned()),
            ("fees[1]", "12.50".to_owned()),
            ("fees[2]", "25".to_owned()),
            ("interest_rate", "4.5".to_owned()),
            ("minimum", "5".to_owned()),
        ]
    };
    let refused = submit(&mut syndic, &b, &policy, &fields("0")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains(r#"id="delays_days[0]-error""#), "{}", refused.html);
    let saved = submit(&mut syndic, &b, &policy, &fields("10")).await;
    assert_eq!(saved.location(), format!("/reminders?building={}", b.id));
    let due = syndic.get(&b.t, saved.location()).await;
    assert!(due.html.contains("Envoyer les 3 rappels"), "{}", due.html);
    let sent = submit(&mut syndic, &b, "/reminders/send", &[("building", b.id.clone())]).await;
    assert_eq!(sent.location(), format!("/reminders?building={}", b.id));
    let after = syndic.get(&b.t, sent.location()).await;
    assert!(after.html.contains("3 rappels envoyés") && after.html.contains("Aucun rappel n&#39;est dû"), "{}", after.html);
    let reminder = b.t.get("/api/v1/reminders", &b.token).await.body["data"][0]["id"].as_str().expect("a reminder").to_owned();
    assert!(after.html.contains(&format!("/reminders/{reminder}/letter.pdf")));
    let letter = syndic.get(&b.t, &format!("/reminders/{reminder}/letter.pdf")).await;
    assert_eq!(letter.headers[header::CONTENT_TYPE], "application/pdf");
}
