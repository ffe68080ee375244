//! Distribution keys and the reserve fund's 4/5 waiver from the pages: a key
//! over the units served, used by an approval, kept while used.

use axum::http::StatusCode;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{TestApp, expense_body, unit_body};

#[tokio::test]
async fn a_key_is_made_on_the_building_s_page_and_shares_an_expense() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    let cellar = t.create("/api/v1/units", syndic, unit_body(&estate.building, "C1", 10)).await;
    t.create(
        "/api/v1/ownerships",
        syndic,
        json!({ "unit_id": cellar, "owner_id": estate.owner, "share": 100, "start_date": "2020-01-01" }),
    )
    .await;
    let mut browser = Browser::default();
    browser.sign_in(&t, "syndic@horizon.be").await;
    let keys = format!("/buildings/{}/keys", estate.building);
    assert!(browser.get(&t, &format!("/buildings/{}", estate.building)).await.html.contains(&keys));
    assert!(browser.get(&t, &keys).await.html.contains("Aucune clé"));

    let new = format!("{keys}/new");
    let form = browser.get(&t, &new).await;
    assert!(form.html.contains(&format!("weight_{}", estate.unit)) && form.html.contains(&format!("weight_{cellar}")));
    let empty = browser.submit(&t, &new, &[("name", "Ascenseur")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "a key serves at least one unit");
    let weight = format!("weight_{}", estate.unit);
    let created = browser.submit(&t, &new, &[("name", "Ascenseur"), (&weight, "3")]).await;
    assert_eq!(created.location(), keys, "{}", created.html);
    let listed = browser.get(&t, &keys).await;
    assert!(listed.html.contains("Ascenseur") && listed.html.contains("1 lots, poids total 3"), "{}", listed.html);
    let key = t.get(&format!("/api/v1/distribution-keys?building_id={}", estate.building), syndic).await.body;
    let key = key.as_array().and_then(|k| k.first()).or_else(|| key["data"].as_array().and_then(|k| k.first())).expect("the key")["id"]
        .as_str()
        .expect("id")
        .to_owned();

    // Approving by the key: the cellar, not served, carries nothing.
    let expense = t.create("/api/v1/expenses", syndic, expense_body(&estate.building, json!(300))).await;
    let page = browser.get(&t, &format!("/expenses/{expense}/approve?key_id={key}")).await;
    assert!(page.html.contains(&format!(r#"value="{key}" selected"#)) && !page.html.contains(">C1<"), "{}", page.html);
    assert_eq!(browser.submit(&t, &format!("/expenses/{expense}/approve"), &[("key_id", &key)]).await.location(), "/expenses");
    let shared = t.get(&format!("/api/v1/expenses/{expense}/distribution"), syndic).await.body;
    assert_eq!((shared["key_id"].clone(), shared["units"].as_array().map(Vec::len)), (json!(key), Some(1)), "{shared}");
    let used = browser.submit(&t, &format!("/keys/{key}/delete"), &[]).await;
    assert_eq!(used.status, StatusCode::CONFLICT, "a key in use stays");

    // The assembly's 4/5 decision not to constitute the reserve fund.
    let waiver = format!("/buildings/{}/reserve-fund-waiver", estate.building);
    assert_eq!(browser.submit(&t, &waiver, &[("decided_on", "2026-13-01")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let recorded = browser.submit(&t, &waiver, &[("decided_on", "2026-04-20")]).await;
    assert_eq!(recorded.location(), keys);
    assert!(browser.get(&t, &keys).await.html.contains("Décision enregistrée"));
    let mut owner = Browser::default();
    owner.sign_in(&t, "owner@horizon.be").await;
    assert_eq!(owner.submit(&t, &waiver, &[("decided_on", "2026-04-20")]).await.status, StatusCode::FORBIDDEN);
}
