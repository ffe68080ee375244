//! Each role's reach, and another organisation's objects answering exactly
//! like missing ones.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, building_body, expense_body, owner_body, unit_body};

#[tokio::test]
async fn each_role_reads_what_its_scope_allows() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let k = &e.tokens;
    let approved = t.create("/api/v1/expenses", &k.syndic, expense_body(&e.building, json!(10))).await;
    assert_eq!(t.post(&format!("/api/v1/expenses/{approved}/approve"), &k.syndic, json!({})).await.status, StatusCode::OK);
    let second_unit = t.create("/api/v1/units", &k.syndic, unit_body(&e.building, "1B", 100)).await;
    let draft = t.create("/api/v1/expenses", &k.syndic, expense_body(&e.building, json!(15))).await;
    t.create("/api/v1/expenses", &k.syndic, expense_body(&e.other_building, json!(20))).await;
    let cases = [
        (format!("/api/v1/buildings/{}", e.building), [200, 200, 200, 200, 403, 404]),
        (format!("/api/v1/buildings/{}", e.other_building), [200, 200, 404, 404, 403, 404]),
        (format!("/api/v1/units/{}", e.unit), [200, 200, 200, 200, 403, 404]),
        (format!("/api/v1/units/{second_unit}"), [200, 200, 200, 404, 403, 404]),
        (format!("/api/v1/owners/{}", e.owner), [200, 200, 200, 200, 403, 404]),
        // A draft is the syndic's work in progress, not yet the owners' charge.
        (format!("/api/v1/expenses/{approved}"), [200, 200, 200, 200, 403, 404]),
        (format!("/api/v1/expenses/{draft}"), [200, 200, 200, 404, 403, 404]),
        ("/api/v1/admin/organizations".to_owned(), [403, 403, 403, 403, 200, 403]),
    ];
    let tokens = [&k.syndic, &k.accountant, &k.board, &k.owner, &k.admin, &k.stranger];
    for (path, expected) in &cases {
        for (token, status) in tokens.iter().zip(expected) {
            assert_eq!(t.get(path, token).await.status.as_u16(), *status, "GET {path}");
        }
    }
    let totals = [
        ("/api/v1/buildings", [2, 2, 1, 1, 0]),
        ("/api/v1/units", [2, 2, 2, 1, 0]),
        ("/api/v1/owners", [1, 1, 1, 1, 0]),
        ("/api/v1/ownerships", [1, 1, 1, 1, 0]),
        ("/api/v1/expenses", [3, 3, 2, 1, 0]),
    ];
    let tenant_tokens = [&k.syndic, &k.accountant, &k.board, &k.owner, &k.stranger];
    for (path, expected) in totals {
        for (token, total) in tenant_tokens.iter().zip(expected) {
            let page = t.get(path, token).await;
            assert_eq!(page.body["pagination"]["total_items"], total, "GET {path}");
            assert_eq!(page.body["data"].as_array().unwrap().len(), total, "GET {path}");
        }
    }
}

#[tokio::test]
async fn each_role_writes_only_what_the_policy_allows() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let k = &e.tokens;
    let writes = [
        ("/api/v1/buildings", building_body("New"), [201, 403, 403, 403, 403]),
        ("/api/v1/units", unit_body(&e.building, "9Z", 1), [201, 403, 403, 403, 403]),
        ("/api/v1/owners", owner_body("New"), [201, 403, 403, 403, 403]),
        ("/api/v1/expenses", expense_body(&e.building, json!(5)), [201, 201, 403, 403, 403]),
    ];
    for (path, body, expected) in writes {
        for (token, status) in [&k.syndic, &k.accountant, &k.board, &k.owner, &k.admin].iter().zip(expected) {
            let mut body = body.clone();
            if path == "/api/v1/units" && status == 201 {
                body["unit_number"] = json!(format!("9Z-{}", uuid::Uuid::now_v7()));
            }
            assert_eq!(t.post(path, token, body).await.status.as_u16(), status, "POST {path}");
        }
    }
    for (token, status) in [(&k.board, 403), (&k.owner, 403), (&k.accountant, 403), (&k.stranger, 404)] {
        assert_eq!(t.delete(&format!("/api/v1/buildings/{}", e.other_building), token).await.status.as_u16(), status);
    }
}

#[tokio::test]
async fn another_organisations_object_answers_exactly_like_a_missing_one() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let nowhere = uuid::Uuid::now_v7();
    let expense = t.create("/api/v1/expenses", &e.tokens.syndic, expense_body(&e.building, json!(10))).await;
    let ownerships = t.get("/api/v1/ownerships", &e.tokens.syndic).await;
    let ownership = ownerships.body["data"][0]["id"].as_str().unwrap().to_owned();
    let areas = [("buildings", &e.building), ("units", &e.unit), ("owners", &e.owner), ("expenses", &expense), ("ownerships", &ownership)];
    for (area, id) in areas {
        let foreign = t.get(&format!("/api/v1/{area}/{id}"), &e.tokens.stranger).await;
        let missing = t.get(&format!("/api/v1/{area}/{nowhere}"), &e.tokens.stranger).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        let strip = |mut body: serde_json::Value| {
            body.as_object_mut().unwrap().remove("request_id");
            body
        };
        assert_eq!(strip(foreign.body), strip(missing.body), "{area}");
        let put = t.put(&format!("/api/v1/{area}/{id}"), &e.tokens.stranger, json!({})).await;
        assert!(matches!(put.status, StatusCode::NOT_FOUND | StatusCode::UNPROCESSABLE_ENTITY), "{area}: {}", put.status);
        assert_eq!(t.delete(&format!("/api/v1/{area}/{id}"), &e.tokens.stranger).await.status, StatusCode::NOT_FOUND);
    }
    let stake = json!({ "unit_id": e.unit, "owner_id": e.owner, "share": 1 });
    let across = t.post("/api/v1/ownerships", &e.tokens.stranger, stake).await;
    assert_eq!((across.status, across.body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_reference")));
    assert_eq!(t.get(&format!("/api/v1/buildings/{}", e.building), &e.tokens.syndic).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_platform_admin_sees_organisations_and_usage_only() {
    let t = TestApp::new().await;
    let e = t.estate().await;
    let page = t.get("/api/v1/admin/organizations?sort_by=name", &e.tokens.admin).await;
    assert_eq!(page.body["pagination"]["total_items"], 2);
    let horizon = &page.body["data"][1];
    assert_eq!(page.body["data"][0]["name"], "Syndic Ailleurs", "sorted by name");
    assert_eq!(
        (horizon["name"].as_str(), horizon["building_count"].as_u64(), horizon["unit_count"].as_u64()),
        (Some("Syndic Horizon"), Some(2), Some(1))
    );
    assert_eq!(horizon["user_count"], 4);
    assert!(horizon.get("email").is_none() && horizon.get("owners").is_none(), "no residents' data");
    for path in ["/api/v1/owners", "/api/v1/buildings", "/api/v1/expenses"] {
        assert_eq!(t.get(path, &e.tokens.admin).await.status, StatusCode::FORBIDDEN, "{path}");
    }
}
