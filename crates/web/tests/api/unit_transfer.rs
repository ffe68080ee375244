//! A unit changing hands, recorded on its page: the sellers' ownerships end
//! on the day, the buyers' start on it, and a wrong split is refused whole.

use axum::http::StatusCode;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{TestApp, owner_body};

#[tokio::test]
async fn a_sale_is_recorded_in_one_step_on_the_unit_page() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    let buyers =
        [t.create("/api/v1/owners", syndic, owner_body("Dubois")).await, t.create("/api/v1/owners", syndic, owner_body("Lemaire")).await];
    let mut browser = Browser::default();
    browser.sign_in(&t, "syndic@horizon.be").await;
    let unit = browser.get(&t, &format!("/units/{}", estate.unit)).await;
    assert!(unit.html.contains(&format!("/units/{}/transfer", estate.unit)), "{}", unit.html);
    let form = browser.get(&t, &format!("/units/{}/transfer", estate.unit)).await;
    assert!(form.html.contains("Peeters (100\u{a0}%)") || form.html.contains("Peeters (100 %)"), "the seller today: {}", form.html);
    let path = format!("/units/{}/transfer", estate.unit);
    let narrowed = browser.get(&t, &format!("{path}?q=lemaire")).await.html;
    assert!(narrowed.contains("Luc Lemaire") && !narrowed.contains("Luc Dubois"), "the buyers offered are searched: {narrowed}");
    let seller = estate.owner.as_str();
    // 60 + 30: not what the seller gives up; nothing is written.
    let wrong = [
        ("date", "2026-06-15"),
        ("seller_ids", seller),
        ("buyer_0", &buyers[0]),
        ("share_0", "60"),
        ("buyer_1", &buyers[1]),
        ("share_1", "30"),
    ];
    let refused = browser.submit(&t, &path, &wrong).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains("exactement la part"), "{}", refused.html);
    assert!(refused.html.contains(r#"value="30""#), "the form keeps what was typed");
    let split = [
        ("date", "2026-06-15"),
        ("seller_ids", seller),
        ("buyer_0", &buyers[0]),
        ("share_0", "66,67"),
        ("buyer_1", &buyers[1]),
        ("share_1", "33,33"),
    ];
    let done = browser.submit(&t, &path, &split).await;
    assert_eq!(done.location(), format!("/units/{}", estate.unit), "{}", done.html);
    assert!(browser.get(&t, done.location()).await.html.contains("Mutation enregistrée"));

    let before = t.get(&format!("/api/v1/ownerships?unit_id={}&on=2026-06-14", estate.unit), syndic).await.body;
    let after = t.get(&format!("/api/v1/ownerships?unit_id={}&on=2026-06-15", estate.unit), syndic).await.body;
    let holders = |page: &serde_json::Value| {
        let mut found: Vec<(String, String)> = page["data"]
            .as_array()
            .expect("data")
            .iter()
            .map(|o| (o["owner_id"].as_str().unwrap_or("").to_owned(), o["share"].to_string()))
            .collect();
        found.sort();
        found
    };
    assert_eq!(holders(&before), [(estate.owner.clone(), "100".to_owned())]);
    let mut expected = vec![(buyers[0].clone(), "66.67".to_owned()), (buyers[1].clone(), "33.33".to_owned())];
    expected.sort();
    assert_eq!(holders(&after), expected);

    api_transfers(&t, &estate, &buyers).await;
}

/// The API records the same; a seller who no longer holds the unit is refused.
async fn api_transfers(t: &TestApp, estate: &crate::helpers::Estate, buyers: &[String; 2]) {
    let syndic = &estate.tokens.syndic;
    let again = t
        .post(
            &format!("/api/v1/units/{}/transfer", estate.unit),
            syndic,
            json!({ "date": "2026-07-01", "seller_ids": [estate.owner], "buyers": [{ "owner_id": buyers[0], "share": 100 }] }),
        )
        .await;
    assert_eq!((again.status.as_u16(), again.code()), (422, "transfer.seller_not_holding"));
    let resale = t
        .post(
            &format!("/api/v1/units/{}/transfer", estate.unit),
            syndic,
            json!({ "date": "2026-09-01", "buyers": [{ "owner_id": estate.owner, "share": 100 }] }),
        )
        .await;
    assert_eq!((resale.status.as_u16(), resale.body["ended"].as_array().map(Vec::len)), (200, Some(2)), "{}", resale.body);
    let audit = t.get("/api/v1/audit?action=unit.transferred", syndic).await.body;
    assert_eq!(audit["data"].as_array().map(Vec::len), Some(2), "{audit}");
}
