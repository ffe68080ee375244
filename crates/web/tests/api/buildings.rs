use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, building_body, unit_body};

#[tokio::test]
async fn a_building_is_created_read_listed_updated_and_deleted() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let created = t.post("/api/v1/buildings", &token, building_body("Résidence Les Érables")).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let b = &created.body;
    assert_eq!(
        (b["name"].as_str(), b["postal_code"].as_str(), b["country"].as_str()),
        (Some("Résidence Les Érables"), Some("1000"), Some("BE"))
    );
    assert_eq!((b["bce_number"].as_str(), b["working_fund_iban"].as_str()), (Some("0123.456.749"), Some("BE68539007547034")));
    assert_eq!((b["total_units"].as_u64(), b["quotas_complete"].as_bool()), (Some(0), Some(false)));
    assert_eq!(b["organization_id"], t.tenant.to_string());
    let id = b["id"].as_str().unwrap();

    let read = t.get(&format!("/api/v1/buildings/{id}"), &token).await;
    assert_eq!(read.body, created.body);

    let mut changed = created.body.clone();
    changed["name"] = json!("Les Érables II");
    changed["fiscal_year_start"] = json!("07-01");
    let updated = t.put(&format!("/api/v1/buildings/{id}"), &token, changed).await;
    assert_eq!(updated.status, StatusCode::OK, "a fetched object can be sent back: {}", updated.body);
    assert_eq!((updated.body["name"].as_str(), updated.body["fiscal_year_start"].as_str()), (Some("Les Érables II"), Some("07-01")));

    assert_eq!(t.delete(&format!("/api/v1/buildings/{id}"), &token).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.get(&format!("/api/v1/buildings/{id}"), &token).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let bad = json!({
        "name": "", "address": "Rue X 1", "city": "Bruxelles", "postal_code": 999, "country": "France",
        "construction_year": 2100, "quota_base": 0, "bce_number": "0123.456.748", "working_fund_iban": "BE68539007547035",
        "language": "en", "fiscal_year_start": "02-30"
    });
    let response = t.post("/api/v1/buildings", &token, bad).await;
    assert_eq!((response.status, response.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    assert_eq!(
        response.fields(),
        [
            "name",
            "postal_code",
            "country",
            "construction_year",
            "bce_number",
            "quota_base",
            "language",
            "working_fund_iban",
            "fiscal_year_start"
        ]
    );
    let missing = t.post("/api/v1/buildings", &token, json!({})).await;
    assert_eq!(missing.fields(), ["name", "address", "city", "postal_code"]);
    assert!(missing.body["errors"].as_array().unwrap().iter().all(|e| e["code"] == "required"));
}

#[tokio::test]
async fn lists_are_paged_sorted_and_counted() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    for (name, city) in [("C", "Liège"), ("A", "Gent"), ("B", "Bruxelles"), ("D", "Anvers"), ("E", "Namur")] {
        let mut body = building_body(name);
        body["city"] = json!(city);
        t.create("/api/v1/buildings", &token, body).await;
    }
    let page = t.get("/api/v1/buildings?page=2&per_page=2&sort_by=name", &token).await;
    let names: Vec<_> = page.body["data"].as_array().unwrap().iter().map(|b| b["name"].as_str().unwrap().to_owned()).collect();
    assert_eq!(names, ["C", "D"]);
    assert_eq!(
        page.body["pagination"],
        json!({ "current_page": 2, "per_page": 2, "total_items": 5, "total_pages": 3, "has_next": true, "has_previous": true })
    );
    let by_city = t.get("/api/v1/buildings?sort_by=city&order=desc", &token).await;
    let cities: Vec<_> = by_city.body["data"].as_array().unwrap().iter().map(|b| b["city"].as_str().unwrap().to_owned()).collect();
    assert_eq!(cities, ["Namur", "Liège", "Gent", "Bruxelles", "Anvers"]);
    let bad = t.get("/api/v1/buildings?page=0&per_page=500&sort_by=owner&order=sideways", &token).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.fields(), ["sort_by"]);
    let bad_paging = t.get("/api/v1/buildings?page=0&per_page=500&order=sideways", &token).await;
    assert_eq!(bad_paging.fields(), ["page", "per_page", "order"]);
    let beyond = t.get("/api/v1/buildings?page=9", &token).await;
    assert_eq!((beyond.body["data"].as_array().unwrap().len(), beyond.body["pagination"]["has_next"].as_bool()), (0, Some(false)));
    assert_eq!(beyond.body["pagination"]["total_items"], 5, "an empty page still knows the total");
}

#[tokio::test]
async fn the_quota_base_cannot_drop_below_what_units_hold() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let building = t.create("/api/v1/buildings", &token, building_body("A")).await;
    t.create("/api/v1/units", &token, unit_body(&building, "1", 600)).await;
    t.create("/api/v1/units", &token, unit_body(&building, "2", 400)).await;
    let summary = t.get(&format!("/api/v1/buildings/{building}"), &token).await;
    assert_eq!((summary.body["total_units"].as_u64(), summary.body["quotas_complete"].as_bool()), (Some(2), Some(true)));
    let mut smaller = building_body("A");
    smaller["quota_base"] = json!(999);
    let refused = t.put(&format!("/api/v1/buildings/{building}"), &token, smaller).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "quota.base_below_allocated"));
    let conflict = t.delete(&format!("/api/v1/buildings/{building}"), &token).await;
    assert_eq!((conflict.status, conflict.code()), (StatusCode::CONFLICT, "building.has_units"));
}
