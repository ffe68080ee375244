//! `/metrics`: never anonymous, and after a known set of requests the
//! counters and histogram buckets hold exactly those requests.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use koprogo_domain::account::Role;
use tower::ServiceExt;

use crate::helpers::TestApp;

async fn scrape(router: &axum::Router, token: Option<&str>) -> (StatusCode, String) {
    let mut request = Request::builder().method(Method::GET).uri("/metrics");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
    let status = response.status();
    let body = response.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn metrics_are_for_admins_and_count_each_request_by_route() {
    let app = TestApp::new().await;
    let syndic = app.syndic().await;
    let admin = app.user("ops@koprogo.be", Role::PlatformAdmin, None, (None, vec![])).await;
    assert_eq!(scrape(&app.router, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(scrape(&app.router, Some(&syndic)).await.0, StatusCode::FORBIDDEN);

    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/buildings", &syndic).await.status, StatusCode::OK);
    }
    let missing = format!("/api/v1/buildings/{}", uuid::Uuid::now_v7());
    assert_eq!(app.get(&missing, &syndic).await.status, StatusCode::NOT_FOUND);
    let (status, text) = scrape(&app.router, Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let list = r#"route="/api/v1/buildings",method="GET",status="2xx""#;
    assert!(text.contains(&format!("koprogo_http_requests_total{{{list}}} 3\n")), "{text}");
    assert!(text.contains(&format!("koprogo_http_request_duration_seconds_bucket{{{list},le=\"+Inf\"}} 3\n")), "{text}");
    assert!(text.contains(&format!("koprogo_http_request_duration_seconds_count{{{list}}} 3\n")));
    let one = r#"route="/api/v1/buildings/{id}",method="GET",status="4xx""#;
    assert!(text.contains(&format!("koprogo_http_requests_total{{{one}}} 1\n")), "{text}");
    assert!(!text.contains(&missing), "raw paths never become series");
    assert!(text.contains("koprogo_db_connections{pool=\"write\",state=\"max\"} 1\n"), "{text}");
    assert!(text.contains("process_resident_memory_bytes ") && text.contains("koprogo_build_info{version="));
    assert!(text.contains("koprogo_http_requests_in_flight 1\n"), "the scrape itself is in flight");
    // The database's share: three list pages at least (the counters are process-wide).
    let count = |series: &str| -> u64 {
        let line = text.lines().find(|l| l.starts_with(series)).unwrap_or_else(|| panic!("{series} missing in {text}"));
        line.rsplit(' ').next().and_then(|n| n.parse().ok()).expect("a count")
    };
    assert!(count("koprogo_db_query_seconds_count{kind=\"list\"}") >= 3);
    assert!(count("koprogo_db_acquire_seconds_count") >= 3);
    assert!(text.contains("koprogo_db_connections_waiting "));
}

#[tokio::test]
async fn a_configured_token_reads_the_metrics_and_nothing_else() {
    let app = TestApp::new().await;
    let settings =
        koprogo_web::WebSettings { metrics_token: Some("scrape-me-0123456789".to_owned()), ..koprogo_web::WebSettings::default() };
    let router = koprogo_web::router(app.app.clone(), settings);
    assert_eq!(scrape(&router, Some("scrape-me-0123456789")).await.0, StatusCode::OK);
    assert_eq!(scrape(&router, Some("scrape-me-0123456788")).await.0, StatusCode::UNAUTHORIZED);
    let request = Request::builder().uri("/api/v1/buildings").header(header::AUTHORIZATION, "Bearer scrape-me-0123456789");
    let response = router.oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the metrics token is no API token");
}
