use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, building_body, expense_body};

#[tokio::test]
async fn amounts_are_read_exactly_and_returned_in_cents_too() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let building = t.create("/api/v1/buildings", &token, building_body("A")).await;
    for (sent, cents) in [(json!(0.29), 29), (json!(1234.5), 123_450), (json!("19.99"), 1999), (json!(70), 7000)] {
        let created = t.post("/api/v1/expenses", &token, expense_body(&building, sent.clone())).await;
        assert_eq!(created.status, StatusCode::CREATED, "{sent}: {}", created.body);
        assert_eq!(created.body["amount_cents"], cents, "{sent}");
    }
    for sent in [json!(1.234), json!(-5), json!(0), json!("12,50"), json!(true)] {
        let refused = t.post("/api/v1/expenses", &token, expense_body(&building, sent.clone())).await;
        assert_eq!((refused.status, refused.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["amount".to_owned()]), "{sent}");
    }
    let mut by_cents = expense_body(&building, json!(null));
    by_cents.as_object_mut().unwrap().remove("amount");
    by_cents["amount_cents"] = json!(48_400);
    let created = t.post("/api/v1/expenses", &token, by_cents).await;
    assert_eq!((created.body["amount"].as_f64(), created.body["category"].as_str()), (Some(484.0), Some("maintenance")));
    let mut disagree = expense_body(&building, json!(1));
    disagree["amount_cents"] = json!(2);
    assert_eq!(t.post("/api/v1/expenses", &token, disagree).await.fields(), ["amount_cents"]);
}

#[tokio::test]
async fn an_expense_moves_from_draft_to_approved_to_paid() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let created = t.post("/api/v1/expenses", &estate.tokens.accountant, expense_body(&estate.building, json!(484))).await;
    assert_eq!((created.status, created.body["status"].as_str()), (StatusCode::CREATED, Some("draft")));
    let id = created.body["id"].as_str().unwrap();
    let mut edited = created.body.clone();
    edited["description"] = json!("Entretien ascenseur – T1");
    assert_eq!(t.put(&format!("/api/v1/expenses/{id}"), &estate.tokens.accountant, edited.clone()).await.status, StatusCode::OK);
    let premature = t.post(&format!("/api/v1/expenses/{id}/pay"), &estate.tokens.syndic, json!({})).await;
    assert_eq!((premature.status, premature.code()), (StatusCode::UNPROCESSABLE_ENTITY, "expense.invalid_transition"));
    assert_eq!(t.post(&format!("/api/v1/expenses/{id}/approve"), &estate.tokens.accountant, json!({})).await.status, StatusCode::FORBIDDEN);
    let approved = t.post(&format!("/api/v1/expenses/{id}/approve"), &estate.tokens.syndic, json!({})).await;
    assert_eq!((approved.body["status"].clone(), approved.body["shared"].clone()), (json!("approved"), json!(true)), "{}", approved.body);
    let frozen = t.put(&format!("/api/v1/expenses/{id}"), &estate.tokens.syndic, edited).await;
    assert_eq!((frozen.status, frozen.code()), (StatusCode::UNPROCESSABLE_ENTITY, "expense.not_draft"));
    assert_eq!(t.delete(&format!("/api/v1/expenses/{id}"), &estate.tokens.syndic).await.code(), "expense.not_draft");
    let paid = t.post(&format!("/api/v1/expenses/{id}/pay"), &estate.tokens.accountant, json!({})).await;
    assert_eq!(paid.body["status"], "paid");
}

#[tokio::test]
async fn expense_lists_filter_by_building_status_fund_and_period() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let (a, b) =
        (t.create("/api/v1/buildings", &token, building_body("A")).await, t.create("/api/v1/buildings", &token, building_body("B")).await);
    for (building, date, fund) in [(&a, "2026-01-10", "working"), (&a, "2026-02-10", "reserve"), (&b, "2026-03-10", "working")] {
        let mut body = expense_body(building, json!(10));
        body["expense_date"] = json!(date);
        body["fund"] = json!(fund);
        t.create("/api/v1/expenses", &token, body).await;
    }
    let total = |query: &str| {
        let path = format!("/api/v1/expenses?{query}");
        let token = token.clone();
        let t = &t;
        async move { t.get(&path, &token).await.body["pagination"]["total_items"].as_u64().unwrap() }
    };
    assert_eq!(total("").await, 3);
    assert_eq!(total(&format!("building_id={a}")).await, 2);
    assert_eq!(total("status=draft").await, 3);
    assert_eq!(total("status=paid").await, 0);
    assert_eq!(total("fund=reserve").await, 1);
    assert_eq!(total("from=2026-02-01&to=2026-03-31").await, 2);
    assert_eq!(total("from=2026-02-01T00:00:00Z").await, 2);
    let bad = t.get("/api/v1/expenses?status=lost&fund=x&from=yesterday&building_id=nope", &token).await;
    assert_eq!(bad.fields(), ["building_id", "status", "fund", "from"]);
    let sorted = t.get("/api/v1/expenses?sort_by=expense_date&order=desc", &token).await;
    assert_eq!(sorted.body["data"][0]["expense_date"], "2026-03-10");
}
