//! Input an attacker types into the API and the pages: control characters
//! and absurd dates, a way back that leaves the site, sign-ups by the dozen
//! and guessable passwords, a filter on a building beyond one's reach.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, header};
use koprogo_app::auth::ThrottleSettings;
use serde_json::json;

use crate::helpers::{TestApp, expense_body, owner_body, unit_body};

#[tokio::test]
async fn control_characters_and_absurd_dates_are_refused_on_both_databases() {
    for t in [TestApp::new().await, TestApp::on_postgres().await] {
        let token = t.syndic().await;
        for path in ["/api/v1/audit?action=a%00b", "/api/v1/expenses?supplier=%1b%5b31m", "/api/v1/owners?sort_by=name%00"] {
            let answer = t.get(path, &token).await;
            assert_eq!(answer.status, 422, "{path}: {}", answer.body);
            assert_eq!(answer.body["errors"][0]["code"], json!("not_one_of"), "{path}");
        }
        let building = t.create("/api/v1/buildings", &token, crate::helpers::building_body("Les Dates")).await;
        for day in ["+10000-01-01", "-0001-01-01", "1899-12-31"] {
            let mut body = expense_body(&building, json!("10.00"));
            body["expense_date"] = json!(day);
            let answer = t.post("/api/v1/expenses", &token, body).await;
            assert_eq!(answer.status, 422, "{day}: {}", answer.body);
            assert_eq!(answer.fields(), ["expense_date"], "{day}");
        }
        let mut owner = owner_body("Nul\u{0}");
        owner["city"] = json!("Ixelles\u{1b}[2J");
        let answer = t.post("/api/v1/owners", &token, owner).await;
        assert_eq!((answer.status.as_u16(), answer.fields()), (422, vec!["last_name".to_owned(), "city".to_owned()]), "{}", answer.body);
        // A bank file past its limit is a problem, like every other error.
        let big = vec![b'0'; koprogo_web::api::BANK_FILE_LIMIT + 1];
        let answer = t.upload("/api/v1/bank-statements", &token, "application/octet-stream", big).await;
        assert_eq!((answer.status.as_u16(), answer.code()), (413, "payload_too_large"), "{}", answer.body);
    }
}

#[tokio::test]
async fn the_way_back_after_a_language_switch_never_leaves_the_site() {
    let t = TestApp::new().await;
    for (back, expected) in [
        ("/%09/evil.example", None),
        ("/%0a/evil.example", None),
        ("//evil.example", Some("/")),
        ("/%5Cevil.example", Some("/")),
        ("https://evil.example", Some("/")),
        ("/buildings%3Fpage%3D2", Some("/buildings?page=2")),
    ] {
        let request = Request::get(format!("/lang/en?back={back}")).body(Body::empty()).expect("request");
        let answer = t.send(request).await;
        match expected {
            Some(location) => {
                assert_eq!(answer.status, 303, "{back}");
                assert_eq!(answer.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()), Some(location), "{back}");
            }
            // A control character is refused before any page sees it.
            None => assert_eq!(answer.status, 422, "{back}: {}", answer.body),
        }
    }
}

fn signup(email: &str, password: &str, from: [u8; 4]) -> Request<Body> {
    let body =
        json!({ "organization_name": "Syndic Rapide", "email": email, "password": password, "first_name": "Jean", "last_name": "Martin" });
    let mut request = Request::post("/api/v1/auth/register")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    request.extensions_mut().insert(ConnectInfo(SocketAddr::from((from, 40_000))));
    request
}

#[tokio::test]
async fn sign_ups_are_throttled_per_address_and_guessable_passwords_refused() {
    let t = TestApp::with_throttle(ThrottleSettings { ip_burst: 1000, account_burst: 1000, ..ThrottleSettings::default() }).await;
    for n in 0..5 {
        let answer = t.send(signup(&format!("jean{n}@example.be"), "correct horse battery staple", [192, 0, 2, 1])).await;
        assert_eq!(answer.status, 201, "{}", answer.body);
    }
    let sixth = t.send(signup("jean5@example.be", "correct horse battery staple", [192, 0, 2, 1])).await;
    assert_eq!((sixth.status.as_u16(), sixth.code()), (429, "rate_limited"));
    assert!(sixth.headers.contains_key(header::RETRY_AFTER));
    let elsewhere = t.send(signup("jean6@example.be", "correct horse battery staple", [192, 0, 2, 2])).await;
    assert_eq!(elsewhere.status, 201, "another address is not held back");

    // Refused forms spend none of the address's sign-ups: it still has its five afterwards.
    for weak in ["koprogo-demo-2026", "Password2026!", "martin123456", "azertyuiopqs", "111111111111"] {
        let answer = t.send(signup("weak@example.be", weak, [192, 0, 2, 3])).await;
        assert_eq!(answer.status, 422, "{weak}: {}", answer.body);
        assert_eq!(answer.body["errors"][0]["code"], json!("password_guessable"), "{weak}");
    }
    let corrected = t.send(signup("weak@example.be", "correct horse battery staple", [192, 0, 2, 3])).await;
    assert_eq!(corrected.status, 201, "five refusals later, the corrected form is taken: {}", corrected.body);
}

#[tokio::test]
async fn a_building_beyond_reach_filters_like_a_missing_one_in_every_list() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    // An owner of the member's building also holds a unit of the other one.
    let elsewhere = t.create("/api/v1/units", syndic, unit_body(&estate.other_building, "9Z", 10)).await;
    let body = json!({ "unit_id": elsewhere, "owner_id": estate.owner, "share": 100, "start_date": "2020-01-01" });
    t.create("/api/v1/ownerships", syndic, body).await;
    let missing = uuid::Uuid::now_v7();
    for list in ["owners", "units", "expenses", "calls", "payments", "reminders", "arrears", "distribution-keys"] {
        let beyond = t.get(&format!("/api/v1/{list}?building_id={}", estate.other_building), &estate.tokens.board).await;
        let absent = t.get(&format!("/api/v1/{list}?building_id={missing}"), &estate.tokens.board).await;
        assert_eq!(beyond.status, absent.status, "{list}");
        let (mut beyond, mut absent) = (beyond.body, absent.body);
        for body in [&mut beyond, &mut absent] {
            if let Some(object) = body.as_object_mut() {
                object.remove("request_id");
            }
        }
        assert_eq!(beyond, absent, "{list}: a building beyond reach answers like a missing one");
    }
}

#[tokio::test]
async fn owners_abroad_write_their_own_postal_codes_and_belgian_ones_stop_at_9992() {
    for t in [TestApp::new().await, TestApp::on_postgres().await] {
        let token = t.syndic().await;
        for (country, code, stored) in
            [("FR", "75001", "75001"), ("NL", "1012lg", "1012 LG"), ("GB", "SW1A 1AA", "SW1A 1AA"), ("BE", "9992", "9992")]
        {
            let mut body = owner_body("Ailleurs");
            body["country"] = json!(country);
            body["postal_code"] = json!(code);
            let id = t.create("/api/v1/owners", &token, body).await;
            let read = t.get(&format!("/api/v1/owners/{id}"), &token).await;
            assert_eq!(read.body["postal_code"], json!(stored), "{country} {code}");
        }
        for (country, code) in [("BE", "9999"), ("FR", "1050"), ("NL", "1012 SS"), ("DE", "1011")] {
            let mut body = owner_body("Ailleurs");
            body["country"] = json!(country);
            body["postal_code"] = json!(code);
            let answer = t.post("/api/v1/owners", &token, body).await;
            assert_eq!((answer.status.as_u16(), answer.fields()), (422, vec!["postal_code".to_owned()]), "{country} {code}");
        }
        let mut building = crate::helpers::building_body("Au bout");
        building["postal_code"] = json!("9999");
        assert_eq!(t.post("/api/v1/buildings", &token, building).await.fields(), ["postal_code"]);
    }
}
