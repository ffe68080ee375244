use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, building_body, owner_body, unit_body};

#[tokio::test]
async fn owners_round_trip_and_companies_need_no_first_name() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let created = t.post("/api/v1/owners", &token, owner_body("Van den Bossche")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        (created.body["kind"].as_str(), created.body["language"].as_str(), created.body["postal_code"].as_str()),
        (Some("natural"), Some("nl"), Some("1050"))
    );
    let id = created.body["id"].as_str().unwrap();
    assert_eq!(t.get(&format!("/api/v1/owners/{id}"), &token).await.body, created.body);
    let mut moved = created.body.clone();
    moved["city"] = json!("Uccle");
    moved["postal_code"] = json!(1180);
    assert_eq!(t.put(&format!("/api/v1/owners/{id}"), &token, moved).await.body["city"], "Uccle");
    let company = json!({ "kind": "Legal", "last_name": "Immo Invest SRL", "bce_number": "BE0123456749" });
    let company = t.post("/api/v1/owners", &token, company).await;
    assert_eq!((company.status, company.body["bce_number"].as_str()), (StatusCode::CREATED, Some("0123.456.749")));
    assert_eq!(t.get("/api/v1/owners?sort_by=last_name", &token).await.body["pagination"]["total_items"], 2);
    assert_eq!(t.delete(&format!("/api/v1/owners/{id}"), &token).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn owner_validation_names_each_field() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let bad = json!({ "last_name": "Dupont", "email": "dupont@", "iban": "BE00", "language": "xx", "address": "Rue 1" });
    let response = t.post("/api/v1/owners", &token, bad).await;
    assert_eq!(response.fields(), ["email", "city", "iban", "language"]);
    let person = t.post("/api/v1/owners", &token, json!({ "last_name": "Dupont" })).await;
    assert_eq!((person.fields(), person.body["errors"][0]["code"].as_str()), (vec!["first_name".to_owned()], Some("required")));
}

#[tokio::test]
async fn shares_of_a_unit_never_exceed_the_whole_and_sales_hand_over() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let building = t.create("/api/v1/buildings", &token, building_body("A")).await;
    let unit = t.create("/api/v1/units", &token, unit_body(&building, "1A", 100)).await;
    let (a, b, c) = (
        t.create("/api/v1/owners", &token, owner_body("A")).await,
        t.create("/api/v1/owners", &token, owner_body("B")).await,
        t.create("/api/v1/owners", &token, owner_body("C")).await,
    );
    let half_a =
        t.create("/api/v1/ownerships", &token, json!({ "unit_id": unit, "owner_id": a, "share": 50, "start_date": "2015-01-01" })).await;
    t.create("/api/v1/ownerships", &token, json!({ "unit_id": unit, "owner_id": b, "share": "50", "start_date": "2015-01-01" })).await;
    let over =
        t.post("/api/v1/ownerships", &token, json!({ "unit_id": unit, "owner_id": c, "share": 0.01, "start_date": "2020-01-01" })).await;
    assert_eq!((over.status, over.code()), (StatusCode::UNPROCESSABLE_ENTITY, "ownership.shares_exceed_whole"));
    let sold = json!({ "unit_id": unit, "owner_id": a, "share": 50, "start_date": "2015-01-01", "end_date": "2026-06-15" });
    assert_eq!(t.put(&format!("/api/v1/ownerships/{half_a}"), &token, sold).await.status, StatusCode::OK);
    let bought =
        t.post("/api/v1/ownerships", &token, json!({ "unit_id": unit, "owner_id": c, "share": 50, "start_date": "2026-06-15" })).await;
    assert_eq!((bought.status, bought.body["share"].as_f64()), (StatusCode::CREATED, Some(50.0)));
    let on_sale_day = t.get(&format!("/api/v1/ownerships?unit_id={unit}&on=2026-06-15"), &token).await;
    let holders: Vec<_> = on_sale_day.body["data"].as_array().unwrap().iter().map(|o| o["owner_id"].as_str().unwrap().to_owned()).collect();
    assert_eq!(holders.len(), 2);
    assert!(holders.contains(&b) && holders.contains(&c));
    let in_use = t.delete(&format!("/api/v1/owners/{a}"), &token).await;
    assert_eq!((in_use.status, in_use.code()), (StatusCode::CONFLICT, "owner.has_ownerships"));
    let bad = t
        .post(
            "/api/v1/ownerships",
            &token,
            json!({ "unit_id": unit, "owner_id": c, "share": 150, "start_date": "2020-01-01", "end_date": "2019-01-01" }),
        )
        .await;
    assert_eq!(bad.fields(), ["share", "end_date"]);
    let nobody =
        json!({ "unit_id": unit, "owner_id": uuid::Uuid::now_v7(), "share": 1, "start_date": "2010-01-01", "end_date": "2011-01-01" });
    let refused = t.post("/api/v1/ownerships", &token, nobody).await;
    assert_eq!((refused.fields(), refused.body["errors"][0]["code"].as_str()), (vec!["owner_id".to_owned()], Some("unknown_reference")));
}
