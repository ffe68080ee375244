//! Database faults seen from the API: a held lock makes only the requests that
//! need it fail, quickly, with 503 and Retry-After — never a hang, never a 500.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, building_body};

#[tokio::test]
async fn a_row_locked_elsewhere_fails_its_writers_fast_and_leaves_readers_alone() {
    let url = koprogo_store_postgres::testing::fresh_database_url().await;
    let t = TestApp::on_postgres_at(&url).await;
    let token = t.syndic().await;
    let locked = t.create("/api/v1/buildings", &token, building_body("Locked")).await;
    let free = t.create("/api/v1/buildings", &token, building_body("Free")).await;

    // Another session (a stuck batch, an administrator) holds the row.
    let mut holder = koprogo_store_postgres::testing::session(&url).await;
    koprogo_store_postgres::testing::execute(&mut holder, "BEGIN").await;
    koprogo_store_postgres::testing::execute(&mut holder, &format!("SELECT id FROM buildings WHERE id = '{locked}' FOR UPDATE")).await;

    let started = Instant::now();
    let blocked = t.put(&format!("/api/v1/buildings/{locked}"), &token, building_body("Renamed")).await;
    let waited = started.elapsed();
    assert_eq!((blocked.status, blocked.code()), (StatusCode::SERVICE_UNAVAILABLE, "unavailable"), "{}", blocked.body);
    assert!(blocked.headers.contains_key("retry-after"));
    assert!(waited < Duration::from_secs(4), "the lock wait is bounded (lock_timeout 2 s), waited {waited:?}");

    let started = Instant::now();
    assert_eq!(t.get(&format!("/api/v1/buildings/{locked}"), &token).await.status, StatusCode::OK, "readers do not wait for row locks");
    assert_eq!(t.put(&format!("/api/v1/buildings/{free}"), &token, building_body("Other")).await.status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_secs(1), "unaffected requests keep their pace");

    koprogo_store_postgres::testing::execute(&mut holder, "ROLLBACK").await;
    let after = t.put(&format!("/api/v1/buildings/{locked}"), &token, json!(building_body("Renamed"))).await;
    assert_eq!(after.status, StatusCode::OK, "the same write succeeds once the lock is gone");
}
