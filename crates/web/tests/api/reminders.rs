//! The chase of late payers through the API: the association's rules, one
//! level at a time after each delay, fees and interest claimed, nothing sent
//! twice, each letter in its owner's language.

use serde_json::{Value, json};

use crate::documents::pdf_text;
use crate::money::{Building, building, cents};

async fn first_quarter(b: &Building) -> Vec<Value> {
    let body = json!({ "building_id": b.id, "title": "Provisions T1 2026", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "300" });
    let call = b.t.post("/api/v1/calls", &b.token, body).await;
    assert_eq!(call.status, 201, "{}", call.body);
    call.body["lines"].as_array().expect("lines").clone()
}

fn line_of(lines: &[Value], owner: &str) -> Value {
    lines.iter().find(|l| l["owner_id"] == json!(owner)).expect("a line per owner").clone()
}

async fn pay(b: &Building, line: &Value, euros: &str) {
    let body = json!({ "building_id": b.id, "value_date": "2026-02-01", "amount": euros, "communication": line["communication"] });
    assert_eq!(b.t.post("/api/v1/payments", &b.token, body).await.status, 201);
}

fn levels(reminders: &Value) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = reminders
        .as_array()
        .expect("reminders")
        .iter()
        .map(|r| (r["owner_id"].as_str().expect("owner").to_owned(), r["level"].as_str().expect("level").to_owned()))
        .collect();
    found.sort();
    found
}

#[tokio::test]
async fn late_payers_are_chased_one_level_at_a_time_with_the_association_s_fees_and_interest() {
    let b = building().await;
    let lines = first_quarter(&b).await;
    let (x, y, z) = (line_of(&lines, &b.owners[0]), line_of(&lines, &b.owners[1]), line_of(&lines, &b.owners[2]));
    pay(&b, &x, &x["total"].to_string()).await;
    pay(&b, &z, "50").await;
    let policy = json!({ "delays_days": [10, 15, 20], "fees": [0, "15", 25], "interest_rate": "8", "minimum": 5 });
    let saved = b.t.put(&format!("/api/v1/buildings/{}/reminder-policy", b.id), &b.token, policy).await;
    assert_eq!((saved.status.as_u16(), saved.body["interest_rate"].clone()), (200, json!(8.00)), "{}", saved.body);
    let run = json!({ "building_id": b.id });
    let preview = b.t.post("/api/v1/reminders/preview", &b.token, run.clone()).await;
    let first = vec![(b.owners[1].clone(), "reminder".to_owned()), (b.owners[2].clone(), "reminder".to_owned())];
    assert_eq!(levels(&preview.body), first, "X paid; Y and Z are 29 days late (10 allowed)");
    assert_eq!(b.t.get("/api/v1/reminders", &b.token).await.body["pagination"]["total_items"], json!(0), "a preview records nothing");
    let sent = b.t.post("/api/v1/reminders", &b.token, run.clone()).await;
    assert_eq!((sent.status.as_u16(), levels(&sent.body)), (201, first));
    let z_first = sent.body.as_array().expect("sent").iter().find(|r| r["owner_id"] == json!(b.owners[2])).expect("Z's").clone();
    assert_eq!((cents(&z_first["principal"]), cents(&z_first["total"])), (cents(&z["total"]) - 5_000, cents(&z["total"]) - 5_000));
    let again = b.t.post("/api/v1/reminders", &b.token, run.clone()).await;
    assert_eq!(again.body, json!([]), "the same day adds nothing");

    // Tokens last 15 minutes: each jump in time signs in again.
    b.t.clock.advance(chrono::Duration::days(15));
    let token = b.t.login("syndic@horizon.be").await;
    let notices = b.t.post("/api/v1/reminders", &token, run.clone()).await;
    assert_eq!(notices.status, 201, "{}", notices.body);
    assert_eq!(levels(&notices.body).iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>(), ["formal_notice", "formal_notice"]);
    assert_eq!(cents(&notices.body[0]["fee"]), 1_500);

    b.t.clock.advance(chrono::Duration::days(20));
    let token = b.t.login("syndic@horizon.be").await;
    let last = b.t.post("/api/v1/reminders", &token, run.clone()).await;
    let y_last = last.body.as_array().expect("sent").iter().find(|r| r["owner_id"] == json!(b.owners[1])).expect("Y's").clone();
    let principal = cents(&y["total"]);
    // 8 % a year over the 20 days since the formal notice, rounded down.
    let interest = principal * 800 * 20 / (10_000 * 365);
    assert_eq!(
        (y_last["level"].as_str(), cents(&y_last["earlier_fees"]), cents(&y_last["fee"]), cents(&y_last["interest"])),
        (Some("last_notice"), 1_500, 2_500, interest)
    );
    assert_eq!(cents(&y_last["total"]), principal + 1_500 + 2_500 + interest);
    b.t.clock.advance(chrono::Duration::days(100));
    let token = b.t.login("syndic@horizon.be").await;
    assert_eq!(b.t.post("/api/v1/reminders", &token, run).await.body, json!([]), "after the last notice: recovery, not more letters");

    let id = y_last["id"].as_str().expect("id");
    let (status, kind, pdf) = b.t.download(&format!("/api/v1/reminders/{id}/letter.pdf"), &token).await;
    assert_eq!((status.as_u16(), kind.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    for needle in ["Laatste verwittiging", "Provisions T1 2026", y["communication"].as_str().expect("ogm"), "Verwijlintresten"] {
        assert!(text.contains(needle), "{needle} missing in:\n{text}");
    }

    let owner = koprogo_domain::ids::OwnerId::from_uuid(b.owners[1].parse().expect("uuid"));
    let y_token = b.t.user("yilmaz@example.be", koprogo_domain::account::Role::Owner, Some(b.t.tenant), (Some(owner), vec![])).await;
    assert_eq!(b.t.get("/api/v1/reminders", &y_token).await.body["pagination"]["total_items"], json!(3), "Y sees their own three");
    let z_id = z_first["id"].as_str().expect("id");
    assert_eq!(b.t.get(&format!("/api/v1/reminders/{z_id}"), &y_token).await.status, 404);
    assert_eq!(b.t.post("/api/v1/reminders", &y_token, json!({ "building_id": b.id })).await.status, 403);
}

#[tokio::test]
async fn reminder_rules_are_checked_value_by_value() {
    let b = building().await;
    let bad = json!({ "delays_days": [0, 15], "fees": [0, 0, 0], "interest_rate": "21", "minimum": 5 });
    let refused = b.t.put(&format!("/api/v1/buildings/{}/reminder-policy", b.id), &b.token, bad).await;
    assert_eq!(
        (refused.status.as_u16(), refused.fields()),
        (422, vec!["delays_days".to_owned(), "interest_rate".to_owned()]),
        "{}",
        refused.body
    );
    let zero = json!({ "delays_days": [0, 15, 15], "fees": [0, 0, 1001], "interest_rate": "2", "minimum": 5 });
    let named = b.t.put(&format!("/api/v1/buildings/{}/reminder-policy", b.id), &b.token, zero).await;
    assert_eq!(named.fields(), vec!["delays_days[0]".to_owned(), "fees[2]".to_owned()], "each value by its place");
}
