//! Statements per request, counted from sqlx's own log of every query: a list
//! page costs the same whatever its size (no N+1), and each endpoint keeps to
//! its budget. A failure here means a change added round trips to the database.
//!
//! Its own test binary: SQLite runs queries on its own threads, so the counter
//! must be the global subscriber, which no other test may share.

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::Method;
use serde_json::json;
use tracing_subscriber::layer::SubscriberExt;

use crate::helpers::{TestApp, building_body, expense_body, owner_body, unit_body};

/// Counts the events sqlx logs for each statement it runs.
struct Statements(Arc<AtomicUsize>);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() == "sqlx::query" {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}

async fn statements(t: &TestApp, counter: &AtomicUsize, method: Method, path: &str, token: &str, body: Option<serde_json::Value>) -> usize {
    let before = counter.load(Ordering::Relaxed);
    let response = t.call(method, path, Some(token), body).await;
    assert!(response.status.is_success(), "{path}: {} {}", response.status, response.body);
    counter.load(Ordering::Relaxed) - before
}

#[tokio::test]
async fn each_endpoint_keeps_to_its_statement_budget_whatever_the_page_size() {
    let counter = Arc::new(AtomicUsize::new(0));
    let subscriber = tracing_subscriber::registry().with(Statements(counter.clone()));
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber of this binary");
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let building = t.create("/api/v1/buildings", &token, building_body("A")).await;
    for n in 0..30 {
        let unit = t.create("/api/v1/units", &token, unit_body(&building, &format!("U{n}"), 1)).await;
        let owner = t.create("/api/v1/owners", &token, owner_body(&format!("Owner {n}"))).await;
        t.create("/api/v1/ownerships", &token, json!({ "unit_id": unit, "owner_id": owner, "share": 100 })).await;
        t.create("/api/v1/expenses", &token, expense_body(&building, json!(10))).await;
    }
    let owner = t.get("/api/v1/owners?per_page=1", &token).await.body["data"][0]["id"].as_str().unwrap().to_owned();
    // (method, path, body, statements at most): the bearer check is one of them.
    let budget: Vec<(Method, String, Option<serde_json::Value>, usize)> = vec![
        (Method::GET, "/api/v1/buildings?per_page=1".into(), None, 2),
        (Method::GET, "/api/v1/buildings?per_page=100".into(), None, 2),
        (Method::GET, "/api/v1/units?per_page=1".into(), None, 2),
        (Method::GET, "/api/v1/units?per_page=100".into(), None, 2),
        (Method::GET, format!("/api/v1/units?building_id={building}&per_page=100"), None, 2),
        (Method::GET, "/api/v1/owners?per_page=100".into(), None, 2),
        (Method::GET, "/api/v1/ownerships?per_page=100".into(), None, 2),
        (Method::GET, "/api/v1/expenses?per_page=100".into(), None, 2),
        (Method::GET, format!("/api/v1/expenses?building_id={building}&status=draft&per_page=100"), None, 3),
        (Method::GET, format!("/api/v1/buildings/{building}"), None, 2),
        (Method::GET, format!("/api/v1/owners/{owner}"), None, 2),
        // The user and their memberships (a board member's seats only for a board member).
        (Method::GET, "/api/v1/auth/me".into(), None, 3),
        // A write: the bearer check, the change, and its audit event inserted
        // after the head this process last saw (a trigger moves the head).
        (Method::POST, "/api/v1/buildings".into(), Some(building_body("B")), 3),
        (Method::POST, "/api/v1/owners".into(), Some(owner_body("New")), 3),
        (Method::POST, "/api/v1/expenses".into(), Some(expense_body(&building, json!(5))), 3),
        (Method::POST, "/api/v1/units".into(), Some(unit_body(&building, "NEW", 1)), 4),
    ];
    for (method, path, body, most) in budget {
        let used = statements(&t, &counter, method.clone(), &path, &token, body).await;
        assert!(used >= 1, "{method} {path}: no statement counted — is sqlx still logging queries?");
        assert!(used <= most, "{method} {path}: {used} statements, budget {most}");
    }
}
