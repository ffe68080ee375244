//! Finding an owner, a unit or a supplier by a few words, on the dashboard,
//! in the expenses and in the owner picker of a form.

use axum::http::StatusCode;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{TestApp, expense_body};

#[tokio::test]
async fn a_syndic_finds_an_owner_a_unit_and_a_supplier_by_a_few_words() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    t.create("/api/v1/expenses", syndic, expense_body(&estate.building, json!("91.20"))).await;
    let mut other = expense_body(&estate.building, json!(7));
    other["supplier"] = json!("Vivaqua");
    other["description"] = json!("Eau 100% propre");
    t.create("/api/v1/expenses", syndic, other).await;
    let mut browser = Browser::default();
    browser.sign_in(&t, "syndic@horizon.be").await;
    assert!(browser.get(&t, "/").await.html.contains(r#"action="/search""#), "a search box on the dashboard");

    let found = browser.get(&t, "/search?q=luc+PEET").await;
    assert!(found.html.contains("Luc Peeters") && found.html.contains("Les Érables"), "the owner and where they hold: {}", found.html);
    assert!(!found.html.contains("Schindler"), "every word must match");
    let supplier = browser.get(&t, "/search?q=schindler").await;
    assert!(supplier.html.contains("Schindler SA — Entretien ascenseur") && supplier.html.contains("91,20"), "{}", supplier.html);
    assert!(browser.get(&t, "/search?q=1a").await.html.contains(&format!("/units/{}", estate.unit)));
    // A word is words, not a pattern: `%` matches only itself.
    let literal = t.get("/api/v1/search?q=%25", syndic).await.body;
    assert_eq!(literal["expenses"].as_array().map(Vec::len), Some(1), "{literal}");
    assert!(browser.get(&t, "/search?q=zzz").await.html.contains("Rien trouvé"));

    let filtered = browser.get(&t, "/expenses?q=vivaqua").await;
    assert!(filtered.html.contains("Vivaqua") && !filtered.html.contains("Schindler SA"), "{}", filtered.html);
    assert_eq!(t.get("/api/v1/expenses?q=schindler", syndic).await.body["pagination"]["total_items"], 1);

    // The ownership form finds the owner instead of listing the first hundred.
    let picker = browser.get(&t, &format!("/units/{}/ownerships/new?q=peeters", estate.unit)).await;
    assert!(picker.html.contains("Luc Peeters — Les Érables"), "{}", picker.html);
    let none = browser.get(&t, &format!("/units/{}/ownerships/new?q=nobody", estate.unit)).await;
    assert!(!none.html.contains("Luc Peeters"));

    let mut owner = Browser::default();
    owner.sign_in(&t, "owner@horizon.be").await;
    assert_eq!(owner.get(&t, "/search?q=peeters").await.status, StatusCode::FORBIDDEN);
    assert_eq!(t.get("/api/v1/search?q=peeters", &estate.tokens.stranger).await.body["owners"], json!([]), "nothing of another firm");
}

/// Typed without its accents or in capitals, a name is found on both databases
/// (SQLite's `LOWER` alone folds ASCII only).
async fn accents_do_not_hide_a_name(t: TestApp) {
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    let mut owner = crate::helpers::owner_body("Müller-Étienne");
    owner["first_name"] = json!("Zoë");
    t.create("/api/v1/owners", syndic, owner).await;
    for q in ["erables", "ÉRABLES", "les%20érables"] {
        let found = t.get(&format!("/api/v1/search?q={q}"), syndic).await.body;
        assert_eq!(found["buildings"].as_array().map(Vec::len), Some(1), "{q}: {found}");
    }
    for q in ["muller", "MÜLLER etienne", "zoe"] {
        let found = t.get(&format!("/api/v1/search?q={}", q.replace(' ', "%20")), syndic).await.body;
        assert_eq!(found["owners"].as_array().map(Vec::len), Some(1), "{q}: {found}");
    }
}

#[tokio::test]
async fn accents_do_not_hide_a_name_on_sqlite() {
    accents_do_not_hide_a_name(TestApp::new().await).await;
}

#[tokio::test]
async fn accents_do_not_hide_a_name_on_postgresql() {
    accents_do_not_hide_a_name(TestApp::on_postgres().await).await;
}
