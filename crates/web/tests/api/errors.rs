use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::helpers::TestApp;

fn raw(method: Method, path: &str, token: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body.into())
        .expect("valid request")
}

#[tokio::test]
async fn bad_bodies_get_the_right_status_and_a_problem() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let malformed = t.send(raw(Method::POST, "/api/v1/buildings", &token, "application/json", "{\"name\": ")).await;
    assert_eq!((malformed.status, malformed.code()), (StatusCode::BAD_REQUEST, "malformed_json"));
    let form = t.send(raw(Method::POST, "/api/v1/buildings", &token, "application/x-www-form-urlencoded", "name=x")).await;
    assert_eq!((form.status, form.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type"));
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(1024 * 1024 + 10));
    let too_big = t.send(raw(Method::POST, "/api/v1/buildings", &token, "application/json", huge)).await;
    assert_eq!((too_big.status, too_big.code()), (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"));
    let unknown = t.post("/api/v1/buildings", &token, json!({ "name": "A", "owner_of_everything": true })).await;
    assert_eq!((unknown.status, unknown.body["errors"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_field")));
    let wrong_type = t.post("/api/v1/buildings", &token, json!(["not", "an", "object"])).await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    let trailing = t.send(raw(Method::POST, "/api/v1/auth/refresh", &token, "application/json", "{\"refresh_token\": \"x\"} junk")).await;
    assert_eq!(trailing.status, StatusCode::BAD_REQUEST);
    let bad_id = t.get("/api/v1/buildings/not-a-uuid", &token).await;
    assert_eq!((bad_id.status, bad_id.code()), (StatusCode::BAD_REQUEST, "malformed_id"));
}

#[tokio::test]
async fn every_response_carries_security_headers_and_a_request_id() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let request = Request::builder().uri("/api/v1/nowhere").header("x-request-id", "trace-me-42").body(Body::empty()).unwrap();
    let missing = t.send(request).await;
    assert_eq!((missing.status, missing.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(missing.headers["x-request-id"], "trace-me-42");
    assert_eq!(missing.body["request_id"], "trace-me-42");
    let ok = t.get("/api/v1/buildings", &token).await;
    let unauthenticated = t.call(Method::GET, "/api/v1/buildings", None, None).await;
    let not_allowed = t.call(Method::PATCH, "/api/v1/buildings", Some(&token), None).await;
    assert_eq!((not_allowed.status, not_allowed.code()), (StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed"));
    for response in [&missing, &ok, &unauthenticated, &not_allowed] {
        for name in [
            "x-content-type-options",
            "strict-transport-security",
            "content-security-policy",
            "referrer-policy",
            "cache-control",
            "x-request-id",
        ] {
            assert!(response.headers.contains_key(name), "{name} missing on a {} response", response.status);
        }
        assert_eq!(response.headers["cache-control"], "no-store");
    }
    assert!(ok.headers["x-request-id"].to_str().unwrap().len() >= 32, "a request id is made when none is sent");
}

#[tokio::test]
async fn tokens_are_checked_and_a_foreign_organisation_id_is_forbidden() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    for header_value in ["Bearer nope", "Basic dXNlcjpwYXNz", "Bearer "] {
        let request = Request::builder().uri("/api/v1/buildings").header(header::AUTHORIZATION, header_value).body(Body::empty()).unwrap();
        let response = t.send(request).await;
        assert_eq!((response.status, response.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{header_value}");
    }
    let mut body = crate::helpers::building_body("A");
    body["organization_id"] = json!(t.other_tenant.to_string());
    let forged = t.post("/api/v1/buildings", &token, body.clone()).await;
    assert_eq!((forged.status, forged.code()), (StatusCode::FORBIDDEN, "organization_mismatch"));
    body["organization_id"] = json!(t.tenant.to_string());
    assert_eq!(t.post("/api/v1/buildings", &token, body).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn health_answers_without_credentials() {
    let t = TestApp::new().await;
    assert_eq!(t.call(Method::GET, "/health", None, None).await.body["status"], "ok");
    assert_eq!(t.call(Method::GET, "/health/ready", None, None).await.body["status"], "ready");
}
