//! What a syndic firm meets on its first day in the pages: error pages in
//! its language, its own words for codes, the menu showing where it is.

use axum::body::Body;
use axum::http::{Request, header};

use crate::helpers::TestApp;

#[tokio::test]
async fn a_browser_meets_error_pages_and_an_api_client_problems() {
    let t = TestApp::new().await;
    let _estate = t.estate().await;
    let page = |path: &str, accept: &str| {
        Request::get(path).header(header::ACCEPT, accept).header(header::ACCEPT_LANGUAGE, "nl-BE").body(Body::empty()).expect("request")
    };
    let missing = t.send(page("/nope", "text/html,application/xhtml+xml")).await;
    assert_eq!(missing.status, 404);
    assert!(missing.headers[header::CONTENT_TYPE].to_str().is_ok_and(|v| v.starts_with("text/html")), "{:?}", missing.headers);
    let mut dutch = crate::browser::Browser { accept_language: Some("nl-BE,nl;q=0.9"), ..Default::default() };
    let seen = dutch.get(&t, "/nope").await;
    assert!(seen.status == 404 && seen.html.contains("Deze pagina bestaat niet"), "in the reader's language: {}", seen.html);
    for path in ["/api/v1/nope", "/nope"] {
        let accept = if path == "/nope" { "application/json" } else { "text/html" };
        let answer = t.send(page(path, accept)).await;
        assert_eq!((answer.status.as_u16(), answer.code()), (404, "not_found"), "{path}");
    }
    let mut browser = crate::browser::Browser::default();
    browser.sign_in(&t, "syndic@horizon.be").await;
    for path in ["/buildings/not-a-uuid", &format!("/buildings/{}/export.zip", uuid::Uuid::now_v7())] {
        let seen = browser.get(&t, path).await;
        assert!(seen.headers[header::CONTENT_TYPE].to_str().is_ok_and(|v| v.starts_with("text/html")), "{path}: {:?}", seen.headers);
        assert!(
            seen.html.contains("Cette page n&#39;existe pas") || seen.html.contains("Cette page n'existe pas"),
            "{path}: {}",
            seen.html
        );
        assert!(seen.status.is_client_error(), "{path}");
    }
}

#[tokio::test]
async fn the_pages_speak_the_reader_s_words_and_show_where_they_are() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let mut syndic = crate::browser::Browser::default();
    syndic.sign_in(&t, "syndic@horizon.be").await;
    let building = syndic.get(&t, &format!("/buildings/{}", estate.building)).await;
    // The helpers' building: BCE 0123.456.749, working account BE68 5390 0754 7034, a unit of type Apartment.
    for shown in ["0123.456.749", "BE68 5390 0754 7034", "Appartement"] {
        assert!(building.html.contains(shown), "{shown} on the building page: {}", building.html);
    }
    assert!(!building.html.contains(">apartment<"), "the unit type is translated");
    let unit = syndic.get(&t, &format!("/units/{}", estate.unit)).await;
    assert!(unit.html.contains("<dd>Appartement</dd>"), "{}", unit.html);
    let expenses = syndic.get(&t, "/expenses").await;
    assert!(expenses.html.contains(r#"href="/expenses" aria-current="page""#), "the menu marks the page");
    assert!(!expenses.html.contains(r#"href="/" aria-current="page""#), "and only it");
}

#[tokio::test]
async fn each_action_is_confirmed_once_on_the_next_page() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let mut syndic = crate::browser::Browser::default();
    syndic.sign_in(&t, "syndic@horizon.be").await;
    let saved = syndic
        .submit(
            &t,
            &format!("/owners/{}/edit", estate.owner),
            &[("kind", "natural"), ("first_name", "Luc"), ("last_name", "Peeters"), ("language", "nl")],
        )
        .await;
    assert!(saved.status.is_redirection(), "{}", saved.html);
    let next = syndic.get(&t, saved.location()).await;
    assert!(next.html.contains(r#"<p class="notice" role="status">Enregistré.</p>"#), "{}", next.html);
    let again = syndic.get(&t, saved.location()).await;
    assert!(!again.html.contains(r#"class="notice""#), "said once");

    let expense =
        t.create("/api/v1/expenses", &estate.tokens.syndic, crate::helpers::expense_body(&estate.building, serde_json::json!(10))).await;
    let approved = syndic.submit(&t, &format!("/expenses/{expense}/approve"), &[]).await;
    let list = syndic.get(&t, approved.location()).await;
    assert!(list.html.contains("Dépense approuvée."), "{}", list.html);
    // A message is a key of ours, never text from the cookie.
    syndic.cookies.push(("kp_flash".to_owned(), "<script>".to_owned()));
    assert!(!syndic.get(&t, "/expenses").await.html.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn the_register_of_processing_reads_in_the_reader_s_language() {
    let t = TestApp::new().await;
    let _estate = t.estate().await;
    let mut syndic = crate::browser::Browser::default();
    syndic.sign_in(&t, "syndic@horizon.be").await;
    let french = syndic.get(&t, "/privacy").await;
    assert!(french.html.contains("Base juridique") && french.html.contains("coordonnées") && french.html.contains("Mesures de sécurité"));
    assert!(!french.html.contains("Lawful basis") && !french.html.contains("owners.email"), "no English, no raw column: {}", french.html);
    syndic.get(&t, "/lang/nl?back=/privacy").await;
    let dutch = syndic.get(&t, "/privacy").await;
    assert!(dutch.html.contains("Rechtsgrond") && dutch.html.contains("Register van de mede-eigenaars"), "{}", dutch.html);
}
