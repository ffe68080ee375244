//! Cancelling a call from its page: removed while nothing reached it,
//! reversed once a payment did, its letters marked and its lines on every
//! statement with their reversal.

use serde_json::json;

use crate::browser::Browser;
use crate::documents::pdf_text;
use crate::money::{building, cents};

fn call_body(building: &str, title: &str) -> serde_json::Value {
    json!({ "building_id": building, "title": title, "as_of": "2026-03-01", "due_date": "2026-03-31", "working_amount": "300" })
}

#[tokio::test]
async fn a_call_is_cancelled_from_its_page_removed_or_reversed() {
    let b = building().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&b.t, "syndic@horizon.be").await;

    let mistaken = b.t.post("/api/v1/calls", &b.token, call_body(&b.id, "Erreur T2")).await.body;
    let id = mistaken["id"].as_str().expect("id").to_owned();
    let page = syndic.get(&b.t, &format!("/calls/{id}")).await;
    assert!(page.html.contains(&format!("/calls/{id}/cancel")), "{}", page.html);
    let confirm = syndic.get(&b.t, &format!("/calls/{id}/cancel")).await;
    assert!(confirm.html.contains("Erreur T2") && confirm.html.contains("Annuler cet appel"), "{}", confirm.html);
    let removed = syndic.submit(&b.t, &format!("/calls/{id}/cancel"), &[]).await;
    assert_eq!(removed.location(), "/calls");
    assert!(syndic.get(&b.t, "/calls").await.html.contains("Appel supprimé."));
    assert_eq!(b.t.get(&format!("/api/v1/calls/{id}"), &b.token).await.status, 404);

    // Paid in part, the next one stays, reversed: the payment becomes credit.
    let paid = b.t.post("/api/v1/calls", &b.token, call_body(&b.id, "Provisions T2")).await.body;
    let id = paid["id"].as_str().expect("id").to_owned();
    let line = paid["lines"].as_array().expect("lines").iter().find(|l| l["owner_id"] == json!(b.owners[0])).expect("X's line").clone();
    let payment = json!({ "building_id": b.id, "value_date": "2026-03-10", "amount": "50", "communication": line["communication"] });
    assert_eq!(b.t.post("/api/v1/payments", &b.token, payment).await.status, 201);
    let reversed = syndic.submit(&b.t, &format!("/calls/{id}/cancel"), &[]).await;
    assert_eq!(reversed.location(), format!("/calls/{id}"));
    let shown = syndic.get(&b.t, &format!("/calls/{id}")).await;
    assert!(shown.html.contains("Appel annulé ; ses lignes sont extournées.") && shown.html.contains("Annulé le"), "{}", shown.html);
    assert!(!shown.html.contains(&format!("/calls/{id}/cancel")), "cancelled once");
    let again = b.t.post(&format!("/api/v1/calls/{id}/cancel"), &b.token, json!({})).await;
    assert_eq!((again.status.as_u16(), again.code()), (422, "call.cancelled"));
    assert!(b.t.get(&format!("/api/v1/calls/{id}"), &b.token).await.body["cancelled_at"].is_string());

    let (_, _, pdf) = b.t.download(&format!("/api/v1/calls/{id}/letters.pdf"), &b.token).await;
    let text = pdf_text(&pdf);
    assert!(text.contains("ANNULÉ le") && !text.contains("Communication structurée"), "{text}");
    let arrears = b.t.get(&format!("/api/v1/arrears?building_id={}", b.id), &b.token).await.body;
    let x = arrears.as_array().expect("rows").iter().find(|r| r["owner_id"] == json!(b.owners[0])).expect("X").clone();
    assert_eq!(cents(&x["balance"]), -5_000, "{x}");
    let statement = syndic.get(&b.t, &format!("/owners/{}/statement?building={}&from=2026-01-01&to=2026-12-31", b.owners[0], b.id)).await;
    assert!(statement.html.contains("Annulation — Provisions T2"), "{}", statement.html);
    let audit = b.t.get("/api/v1/audit?action=call.cancelled", &b.token).await.body;
    assert_eq!(audit["data"].as_array().map(Vec::len), Some(2), "{audit}");
}
