use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, building_body, unit_body};

#[tokio::test]
async fn units_fill_the_quota_base_and_no_more() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let building = t.create("/api/v1/buildings", &token, building_body("A")).await;
    let created = t.post("/api/v1/units", &token, unit_body(&building, "1A", 700)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        (created.body["unit_type"].as_str(), created.body["surface_area"].as_f64(), created.body["quota"].as_u64()),
        (Some("apartment"), Some(72.5), Some(700))
    );
    let too_much = t.post("/api/v1/units", &token, unit_body(&building, "1B", 301)).await;
    assert_eq!((too_much.status, too_much.code()), (StatusCode::UNPROCESSABLE_ENTITY, "quota.exceeds_base"));
    let twin = t.post("/api/v1/units", &token, unit_body(&building, "1A", 10)).await;
    assert_eq!((twin.status, twin.code()), (StatusCode::CONFLICT, "unit.number_taken"));
    let id = created.body["id"].as_str().unwrap();
    let mut grown = created.body.clone();
    grown["quota"] = json!(1000);
    grown["unit_type"] = json!("COMMERCIAL");
    let updated = t.put(&format!("/api/v1/units/{id}"), &token, grown).await;
    assert_eq!((updated.status, updated.body["unit_type"].as_str()), (StatusCode::OK, Some("commercial")));
    let listed = t.get(&format!("/api/v1/units?building_id={building}"), &token).await;
    assert_eq!(listed.body["pagination"]["total_items"], 1);
    assert_eq!(t.delete(&format!("/api/v1/units/{id}"), &token).await.status, StatusCode::NO_CONTENT);
    let summary = t.get(&format!("/api/v1/buildings/{building}"), &token).await;
    assert_eq!((summary.body["total_units"].as_u64(), summary.body["allocated_quota"].as_u64()), (Some(0), Some(0)));
}

#[tokio::test]
async fn unit_validation_names_each_field() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let building = t.create("/api/v1/buildings", &token, building_body("A")).await;
    let bad =
        json!({ "building_id": building, "unit_number": "", "unit_type": "castle", "floor": 500, "surface_area": 12.345, "quota": 0 });
    let response = t.post("/api/v1/units", &token, bad).await;
    assert_eq!(response.fields(), ["unit_number", "unit_type", "floor", "surface_area", "quota"]);
    let no_building = t.post("/api/v1/units", &token, json!({ "unit_number": "1", "unit_type": "cellar", "quota": 1 })).await;
    assert_eq!(no_building.fields(), ["building_id"]);
    let wrong_type =
        t.post("/api/v1/units", &token, json!({ "building_id": 42, "unit_number": "1", "unit_type": "cellar", "quota": 1 })).await;
    assert_eq!((wrong_type.status, wrong_type.fields()), (StatusCode::UNPROCESSABLE_ENTITY, vec!["building_id".to_owned()]));
}

#[tokio::test]
async fn a_unit_cannot_point_at_another_organisations_building_or_move() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let stranger = t.user("s@ailleurs.be", koprogo_domain::account::Role::Syndic, Some(t.other_tenant), (None, vec![])).await;
    let theirs = t.create("/api/v1/buildings", &stranger, building_body("Theirs")).await;
    let refused = t.post("/api/v1/units", &token, unit_body(&theirs, "1", 10)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        refused.body["errors"][0],
        json!({ "field": "building_id", "code": "unknown_reference", "detail": "building_id refers to nothing this organisation has" })
    );
    let (a, b) =
        (t.create("/api/v1/buildings", &token, building_body("A")).await, t.create("/api/v1/buildings", &token, building_body("B")).await);
    let unit = t.create("/api/v1/units", &token, unit_body(&a, "1", 10)).await;
    let moved = t.put(&format!("/api/v1/units/{unit}"), &token, unit_body(&b, "1", 10)).await;
    assert_eq!((moved.status, moved.body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("immutable")));
}
