//! The audit trail through the API: what an action writes (and never: a
//! personal value), sign-ins and refusals, the syndic's view, its CSV, its
//! verification and its signed head.

use koprogo_domain::audit::PERSONAL;
use serde_json::{Value, json};

use crate::helpers::{TestApp, owner_body};

/// The whole chain of the organisation, oldest first.
async fn trail(t: &TestApp, token: &str) -> Vec<Value> {
    let page = t.get("/api/v1/audit?per_page=100&order=asc", token).await;
    assert_eq!(page.status, 200, "{}", page.body);
    page.body["data"].as_array().expect("events").clone()
}

fn actions(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["action"].as_str().unwrap_or_default()).collect()
}

#[tokio::test]
async fn changes_are_written_with_their_fields_and_never_a_personal_value() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let syndic = &e.tokens.syndic;
    let mut changed = owner_body("Peeters");
    changed["email"] = json!("luc.nouveau@example.be");
    changed["city"] = json!("Etterbeek");
    assert_eq!(t.put(&format!("/api/v1/owners/{}", e.owner), syndic, changed).await.status, 200);
    let events = trail(&t, syndic).await;
    let names = actions(&events);
    for expected in ["auth.login", "building.created", "unit.created", "owner.created", "ownership.created", "owner.updated"] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    let update = events.iter().find(|e| e["action"] == "owner.updated").expect("the update");
    assert_eq!(update["object_id"], json!(e.owner));
    assert_eq!(update["actor_role"], json!("syndic"));
    assert!(!update["request_id"].as_str().unwrap_or_default().is_empty(), "the request it came with");
    let fields: Vec<&str> =
        update["changes"].as_array().expect("changes").iter().map(|c| c["field"].as_str().unwrap_or_default()).collect();
    assert_eq!(fields, ["email", "address"], "only what changed");
    assert_eq!(update["changes"][0]["after"], json!(PERSONAL));
    let everything = serde_json::to_string(&events).expect("json");
    for secret in ["luc@example.be", "luc.nouveau@example.be", "+32 2 123 45 67", "Etterbeek", "Avenue Louise", "Peeters"] {
        assert!(!everything.contains(secret), "{secret} is in the trail");
    }
    // The owner's account is personal; the association's own (the same number in these fixtures) is not.
    let created = events.iter().find(|e| e["action"] == "owner.created").expect("the owner");
    let iban = created["changes"].as_array().expect("changes").iter().find(|c| c["field"] == "iban").expect("the owner's account");
    assert_eq!(iban["after"], json!(PERSONAL));
}

#[tokio::test]
async fn sign_ins_refusals_and_exports_are_written_too() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let failed = t
        .call(
            axum::http::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "syndic@horizon.be", "password": "wrong password!" })),
        )
        .await;
    assert_eq!(failed.status, 401);
    let platform = t.app.store().audit.chain(uuid::Uuid::nil(), 0, 100).await.expect("the platform chain");
    let login_failed = platform.iter().find(|e| e.body.action == "auth.login_failed").expect("the failed sign-in");
    assert!(login_failed.body.object_id.is_some_and(|id| !id.is_nil()), "a known account is named by its id");
    assert!(platform.iter().all(|e| !format!("{:?}", e.body).contains("horizon.be")), "never the address typed");

    let refused = t.get("/api/v1/audit", &e.tokens.accountant).await;
    assert_eq!(refused.status, 403, "the trail is the syndic's");
    let csv = t.download("/api/v1/audit.csv", &e.tokens.syndic).await;
    assert_eq!((csv.0.as_u16(), csv.1.as_str()), (200, "text/csv; charset=utf-8"));
    let text = String::from_utf8(csv.2).expect("utf-8");
    assert!(text.starts_with("seq,at,actor_user,actor_role,action,"), "{text}");
    let events = trail(&t, &e.tokens.syndic).await;
    let denial = events.iter().find(|e| e["action"] == "access.denied").expect("the accountant's refusal");
    assert_eq!((denial["outcome"].clone(), denial["changes"][0]["after"].clone()), (json!("denied"), json!("GET /api/v1/audit")));
    assert_eq!(actions(&events).last(), Some(&"audit.exported"));
    assert_eq!(text.lines().count(), events.len(), "a header and every event but the export's own");
}

#[tokio::test]
async fn the_chain_verifies_and_its_signed_head_holds() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let verified = t.get("/api/v1/audit/verify", &e.tokens.syndic).await;
    assert_eq!(verified.body["intact"], json!(true), "{}", verified.body);
    let head = t.get("/api/v1/audit/head", &e.tokens.syndic).await;
    assert_eq!(head.status, 200, "{}", head.body);
    assert_eq!(head.body["seq"], verified.body["events"]);
    assert_eq!(head.body["hash"], verified.body["head"]);
    let signed: koprogo_web::api::audit::SignedHeadView = serde_json::from_value(head.body.clone()).expect("a signed head");
    let signed: koprogo_app::audit::anchor::SignedHead = signed.into();
    assert!(signed.signature_holds());
    let report = t.app.verify_chain(t.tenant.as_uuid(), Some(&signed)).await.expect("verification");
    assert_eq!(report.broken, None);
    let forged = koprogo_app::audit::anchor::SignedHead { seq: signed.seq + 5, ..signed };
    assert!(t.app.verify_chain(t.tenant.as_uuid(), Some(&forged)).await.expect("verification").broken.is_some());
}

#[tokio::test]
async fn the_syndic_reads_the_trail_in_the_web_interface() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let mut browser = crate::browser::Browser::default();
    browser.sign_in(&t, "syndic@horizon.be").await;
    let page = browser.get(&t, "/audit?object_type=owner").await;
    assert_eq!(page.status, 200, "{}", page.html);
    assert!(
        page.html.contains("Chaîne intacte") && page.html.contains("Propriétaire ajouté") && !page.html.contains("Lot créé"),
        "{}",
        page.html
    );
    // Who did it, and to whom, by name: not a role and an id.
    assert!(page.html.contains("propriétaire « Luc Peeters »") && page.html.contains("(Syndic)"), "{}", page.html);
    let csv = browser.get(&t, "/audit.csv?object_type=owner").await;
    assert!(csv.html.lines().count() >= 2 && csv.html.contains(&e.owner));
    let mut accountant = crate::browser::Browser::default();
    accountant.sign_in(&t, "accountant@horizon.be").await;
    assert_eq!(accountant.get(&t, "/audit").await.status, 403);
}
