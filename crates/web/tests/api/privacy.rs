//! The persons' rights through the API: an owner's data for the syndic and
//! for the owner, consent to e-mail convocations, erasure of a former owner
//! (nothing left to find, totals and the audit chain intact), a login's own
//! data and erasure, and the register of processing.

use koprogo_domain::account::Role;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, owner_body};
use crate::money::{Building, building};

/// Every text column of the database where `needle` occurs.
async fn found(t: &TestApp, needle: &str) -> Vec<String> {
    let hits = t.app.store().catalog.occurrences(needle).await.expect("search");
    hits.into_iter().map(|(table, column, rows)| format!("{table}.{column} ({rows})")).collect()
}

/// Y (Yilmaz) is called, pays from their own account, then sells their share.
async fn former_owner(b: &Building) -> (String, Value) {
    let y = b.owners[1].clone();
    let mut details = owner_body("Yilmaz");
    details["email"] = json!("yilmaz@example.be");
    details["phone"] = json!("+32 470 11 22 33");
    details["iban"] = json!("BE57063000000035");
    let updated = b.t.call(axum::http::Method::PUT, &format!("/api/v1/owners/{y}"), Some(&b.token), Some(details)).await;
    assert_eq!(updated.status, 200, "{}", updated.body);
    let body = json!({ "building_id": b.id, "title": "Provisions T1 2026", "as_of": "2026-01-01", "due_date": "2026-01-31", "working_amount": "300" });
    let call = b.t.post("/api/v1/calls", &b.token, body).await;
    assert_eq!(call.status, 201, "{}", call.body);
    let line = call.body["lines"].as_array().expect("lines").iter().find(|l| l["owner_id"] == json!(y)).expect("Y's line").clone();
    let payment = json!({
        "building_id": b.id, "value_date": "2026-02-01", "amount": "50", "communication": line["communication"],
        "counterparty_iban": "BE57063000000035", "counterparty_name": "YILMAZ LUC", "free_text": "provision Yilmaz"
    });
    assert_eq!(b.t.post("/api/v1/payments", &b.token, payment).await.status, 201);
    let held = b.t.get(&format!("/api/v1/ownerships?owner_id={y}"), &b.token).await;
    let ownership = held.body["data"][0].clone();
    let mut sold = json!({ "unit_id": ownership["unit_id"], "owner_id": y, "share": ownership["share"], "start_date": "2020-01-01" });
    sold["end_date"] = json!("2026-02-15");
    let ended = b
        .t
        .call(axum::http::Method::PUT, &format!("/api/v1/ownerships/{}", ownership["id"].as_str().expect("id")), Some(&b.token), Some(sold))
        .await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    let arrears = b.t.get(&format!("/api/v1/arrears?building_id={}", b.id), &b.token).await;
    (y, arrears.body)
}

#[tokio::test]
async fn an_owner_s_data_comes_whole_to_the_syndic_and_to_the_owner_alone() {
    let b = building().await;
    let (y, _) = former_owner(&b).await;
    let data = b.t.get(&format!("/api/v1/owners/{y}/personal-data"), &b.token).await;
    assert_eq!(data.status, 200, "{}", data.body);
    let d = &data.body;
    assert_eq!(d["owner"]["last_name"], json!("Yilmaz"));
    assert_eq!(d["organization_name"], json!("Syndic Horizon"));
    assert_eq!(d["convocation_by"], json!("registered_mail"));
    assert_eq!(d["holdings"][0]["end_date"], json!("2026-02-15"));
    assert_eq!(d["calls"].as_array().map(Vec::len), Some(1));
    assert_eq!(d["payments"][0]["counterparty_name"], json!("YILMAZ LUC"));
    assert!(d["events"].as_array().expect("events").iter().any(|e| e["action"] == json!("owner.created")));

    let own = b.t.user("yilmaz@login.be", Role::Owner, Some(b.t.tenant), (Some(uuid(&y)), vec![])).await;
    assert_eq!(b.t.get(&format!("/api/v1/owners/{y}/personal-data"), &own).await.status, 200);
    assert_eq!(b.t.get(&format!("/api/v1/owners/{}/personal-data", b.owners[0]), &own).await.status, 404);
    let accountant = b.t.user("compta@horizon.be", Role::Accountant, Some(b.t.tenant), (None, vec![])).await;
    assert_eq!(b.t.get(&format!("/api/v1/owners/{y}/personal-data"), &accountant).await.status, 403);

    let trail = b.t.get("/api/v1/audit?action=personal_data.exported", &b.token).await;
    assert_eq!(trail.body["pagination"]["total_items"], json!(2), "each export is in the trail: {}", trail.body);
}

#[tokio::test]
async fn consent_to_e_mail_convocations_is_dated_and_needs_an_address() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let owner = t.create("/api/v1/owners", &token, owner_body("Peeters")).await;
    let given =
        t.call(axum::http::Method::PUT, &format!("/api/v1/owners/{owner}/consent"), Some(&token), Some(json!({ "email": true }))).await;
    assert_eq!(given.status, 200, "{}", given.body);
    assert_eq!(given.body["email_consent_at"], json!("2026-03-01T09:00:00Z"));
    let data = t.get(&format!("/api/v1/owners/{owner}/personal-data"), &token).await;
    assert_eq!(data.body["convocation_by"], json!("email"));
    let withdrawn =
        t.call(axum::http::Method::PUT, &format!("/api/v1/owners/{owner}/consent"), Some(&token), Some(json!({ "email": false }))).await;
    assert!(withdrawn.body.get("email_consent_at").is_none(), "{}", withdrawn.body);

    let mut no_mail = owner_body("Janssens");
    no_mail.as_object_mut().expect("object").remove("email");
    let silent = t.create("/api/v1/owners", &token, no_mail).await;
    let refused =
        t.call(axum::http::Method::PUT, &format!("/api/v1/owners/{silent}/consent"), Some(&token), Some(json!({ "email": true }))).await;
    assert_eq!((refused.status.as_u16(), refused.body["code"].clone()), (422, json!("owner.consent_needs_email")));
    let trail = t.get("/api/v1/audit?object_type=owner", &token).await;
    let actions: Vec<&str> = trail.body["data"].as_array().expect("items").iter().filter_map(|e| e["action"].as_str()).collect();
    assert!(actions.contains(&"owner.consent_given") && actions.contains(&"owner.consent_withdrawn"), "{actions:?}");
}

#[tokio::test]
async fn an_erased_former_owner_leaves_nothing_to_find_and_every_total_unchanged() {
    let b = building().await;
    let (y, arrears_before) = former_owner(&b).await;
    let login = b.t.user("yilmaz@login.be", Role::Owner, Some(b.t.tenant), (Some(uuid(&y)), vec![])).await;

    // X still holds units: refused, with the date they hold from.
    let holder = b.t.post(&format!("/api/v1/owners/{}/erase", b.owners[0]), &b.token, json!({})).await;
    assert_eq!((holder.status.as_u16(), holder.body["code"].clone()), (422, json!("owner.still_holds_unit")), "{}", holder.body);

    let identifiers = ["Yilmaz", "YILMAZ LUC", "yilmaz@example.be", "yilmaz@login.be", "BE57063000000035", "+32 470 11 22 33"];
    assert!(!found(&b.t, "Yilmaz").await.is_empty());
    let erased = b.t.post(&format!("/api/v1/owners/{y}/erase"), &b.token, json!({})).await;
    assert_eq!(erased.status, 200, "{}", erased.body);
    assert_eq!(erased.body["payments_cleared"], json!(1));
    assert_eq!(erased.body["logins_erased"].as_array().map(Vec::len), Some(1));

    for needle in identifiers {
        let left = found(&b.t, needle).await;
        assert!(left.is_empty(), "{needle} is still stored in {left:?}");
    }
    let record = b.t.get(&format!("/api/v1/owners/{y}"), &b.token).await;
    assert!(record.body["last_name"].as_str().expect("name").starts_with("ERASED-"), "{}", record.body);
    assert!(record.body.get("phone").is_none_or(Value::is_null) && record.body["erased_at"].is_string(), "{}", record.body);

    let arrears_after = b.t.get(&format!("/api/v1/arrears?building_id={}", b.id), &b.token).await;
    // Every figure of every owner's position; only Y's name changed.
    let amounts = |rows: &Value| -> Vec<Value> {
        let mut rows = rows.as_array().expect("rows").clone();
        rows.iter_mut().for_each(|r| drop(r.as_object_mut().and_then(|o| o.remove("owner_name"))));
        rows.sort_by_key(|r| r["owner_id"].to_string()); // listed by name, which changed
        assert!(rows.iter().any(|r| r["paid_working"] == json!(50.0) || r["paid_working"] == json!(50)), "{rows:?}");
        rows
    };
    assert_eq!(amounts(&arrears_after.body), amounts(&arrears_before), "the accounts keep every amount");

    let verify = b.t.get("/api/v1/audit/verify", &b.token).await;
    assert_eq!(verify.body["intact"], json!(true), "{}", verify.body);
    assert_eq!(b.t.get("/api/v1/auth/me", &login).await.status, 401, "the erased login's sessions ended");
    let update = b.t.call(axum::http::Method::PUT, &format!("/api/v1/owners/{y}"), Some(&b.token), Some(owner_body("Yilmaz"))).await;
    assert_eq!((update.status.as_u16(), update.body["code"].clone()), (422, json!("owner.erased")));
    let again = b.t.post(&format!("/api/v1/owners/{y}/erase"), &b.token, json!({})).await;
    assert_eq!(again.body["code"], json!("owner.erased"));
}

#[tokio::test]
async fn a_login_reads_and_erases_its_own_data() {
    let t = TestApp::new().await;
    let syndic = t.syndic().await;
    let colleague = t.user("colleague@horizon.be", Role::Syndic, Some(t.tenant), (None, vec![])).await;
    t.create("/api/v1/buildings", &colleague, crate::helpers::building_body("Résidence Moi")).await;
    let mine = t.get("/api/v1/auth/me/personal-data", &colleague).await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(mine.body["email"], json!("colleague@horizon.be"));
    assert!(!mine.body["sessions"].as_array().expect("sessions").is_empty());
    assert!(mine.body["organizations"][0]["events"].to_string().contains("building.created"), "{}", mine.body);

    let wrong = t.post("/api/v1/auth/me/erase", &colleague, json!({ "password": "not the password" })).await;
    assert_eq!((wrong.status.as_u16(), wrong.body["errors"][0]["field"].clone()), (422, json!("password")));
    assert_eq!(t.post("/api/v1/auth/me/erase", &colleague, json!({ "password": PASSWORD })).await.status, 204);
    assert_eq!(t.get("/api/v1/auth/me", &colleague).await.status, 401);
    let login = t
        .call(axum::http::Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "colleague@horizon.be", "password": PASSWORD })))
        .await;
    assert_eq!(login.status, 401);
    assert!(found(&t, "colleague@horizon.be").await.is_empty());

    // The last syndic stays: the organisation would have nobody to run it.
    let last = t.post("/api/v1/auth/me/erase", &syndic, json!({ "password": PASSWORD })).await;
    assert_eq!((last.status.as_u16(), last.body["code"].clone()), (422, json!("user.last_syndic")));
}

#[tokio::test]
async fn the_register_of_processing_lists_every_personal_column_once() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let register = t.get("/api/v1/privacy/register", &token).await;
    assert_eq!(register.status, 200);
    assert_eq!(register.body["controller"], json!("Syndic Horizon"));
    let activities = register.body["activities"].as_array().expect("activities");
    assert_eq!(activities.len(), 5);
    let columns: Vec<String> = activities
        .iter()
        .flat_map(|a| a["categories"].as_array().expect("categories").clone())
        .flat_map(|c| c["columns"].as_array().expect("columns").clone())
        .filter_map(|c| c.as_str().map(str::to_owned))
        .collect();
    for column in ["owners.email", "owners.iban", "payments.counterparty_name", "users.password_hash", "audit_events.source_ip"] {
        assert_eq!(columns.iter().filter(|c| *c == column).count(), 1, "{column} in {columns:?}");
    }
    assert!(activities.iter().all(|a| a["retention"].as_str().is_some_and(|r| !r.is_empty())));
}

fn uuid(id: &str) -> koprogo_domain::ids::OwnerId {
    koprogo_domain::ids::OwnerId::from_uuid(id.parse().expect("uuid"))
}

#[tokio::test]
async fn the_pages_record_consent_show_the_data_and_erase() {
    use crate::browser::Browser;
    use axum::http::StatusCode;
    let b = building().await;
    let (y, _) = former_owner(&b).await;
    b.t.user("gestion@horizon.be", Role::Syndic, Some(b.t.tenant), (None, vec![])).await;
    let mut syndic = Browser::default();
    syndic.sign_in(&b.t, "gestion@horizon.be").await;
    let page = syndic.get(&b.t, &format!("/owners/{y}")).await;
    assert!(page.html.contains("Par recommandé") && page.html.contains(&format!("/owners/{y}/erase")), "{}", page.html);
    let consented = syndic.submit(&b.t, &format!("/owners/{y}/consent"), &[("email", "1")]).await;
    assert_eq!(consented.location(), format!("/owners/{y}"));
    assert!(syndic.get(&b.t, &format!("/owners/{y}")).await.html.contains("Par e-mail, accord écrit du"));

    let summary = syndic.get(&b.t, &format!("/owners/{y}/personal-data")).await;
    assert_eq!(summary.status, StatusCode::OK, "{}", summary.html);
    for shown in ["Yilmaz", "yilmaz@example.be", "BE57063000000035", "YILMAZ LUC", "Provisions T1 2026", "50,00"] {
        assert!(summary.html.contains(shown), "{shown} missing from the summary");
    }
    let json = syndic.get(&b.t, &format!("/owners/{y}/personal-data.json")).await;
    assert_eq!(json.headers["content-type"], "application/json");
    let parsed: Value = serde_json::from_str(&json.html).expect("JSON");
    assert_eq!(parsed["owner"]["email"], json!("yilmaz@example.be"));

    assert_eq!(syndic.get(&b.t, &format!("/owners/{y}/erase")).await.status, StatusCode::OK);
    let erased = syndic.submit(&b.t, &format!("/owners/{y}/erase"), &[]).await;
    assert_eq!(erased.location(), format!("/owners/{y}"));
    let after = syndic.get(&b.t, &format!("/owners/{y}")).await;
    assert!(after.html.contains("ERASED-") && after.html.contains("a été effacée") && !after.html.contains("Yilmaz"), "{}", after.html);

    let refused = syndic.submit(&b.t, "/account/erase", &[("password", "not mine")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains(r#"id="password-error""#), "the error sits next to the field");
    let gone = syndic.submit(&b.t, "/account/erase", &[("password", PASSWORD)]).await;
    assert_eq!(gone.location(), "/login");
    assert!(found(&b.t, "gestion@horizon.be").await.is_empty());
    assert!(syndic.get(&b.t, "/privacy").await.location().starts_with("/login"), "signed out");
}
