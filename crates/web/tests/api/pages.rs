//! The web interface through the router, as a browser would use it: sessions,
//! form tokens, languages, accounts.

use axum::http::{Method, StatusCode, header};

use crate::browser::{Browser, encode};
use crate::helpers::{PASSWORD, TestApp, building_body};

#[tokio::test]
async fn the_login_page_speaks_the_browsers_language_and_forbids_scripts() {
    let app = TestApp::new().await;
    let mut browser = Browser { accept_language: Some("nl-BE,nl;q=0.9,fr;q=0.5"), ..Browser::default() };
    let page = browser.get(&app, "/login").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains(r#"<html lang="nl">"#));
    assert!(page.html.contains("Aanmelden"));
    assert!(page.html.contains(r#"<label for="email">"#), "every input has a label");
    let csp = page.headers.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script-src"), "{csp}");
    assert!(!page.html.contains("<script"));
    let csrf = page.set_cookie("kp_csrf").expect("a form token cookie");
    assert!(csrf.contains("HttpOnly") && csrf.contains("SameSite=Lax"));
    assert!(page.html.contains(&browser.cookie("kp_csrf")), "the form carries the token");
    let css = browser.get(&app, "/assets/app.css").await;
    assert!(css.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).unwrap_or_default().contains("max-age"));
}

#[tokio::test]
async fn a_form_without_its_token_is_refused() {
    let app = TestApp::new().await;
    app.syndic().await;
    let mut browser = Browser::default();
    browser.get(&app, "/login").await;
    let fields = [("email", "syndic@horizon.be"), ("password", PASSWORD)];
    let forged = browser.open(&app, Method::POST, "/login", Some(&fields)).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.html.contains("Le formulaire a expiré"), "{}", forged.html);
    let wrong = browser.open(&app, Method::POST, "/login", Some(&[("_csrf", "x".repeat(43).as_str()), fields[0], fields[1]])).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(forged.set_cookie("kp_access").is_none() && wrong.set_cookie("kp_access").is_none());
}

#[tokio::test]
async fn the_refresh_cookie_renews_an_expired_session_and_owners_see_their_buildings_only() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut browser = Browser::default();
    browser.sign_in(&app, "owner@horizon.be").await;
    browser.cookies.retain(|(n, _)| n != "kp_access");
    let page = browser.get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK, "renewed from the refresh cookie");
    assert!(page.set_cookie("kp_access").is_some() && page.set_cookie("kp_refresh").is_some(), "rotated");
    assert!(page.html.contains("Les Érables") && !page.html.contains("Les Tilleuls"), "the owner's building only");
    assert!(!page.html.contains("/buildings/new"), "no creation for an owner");
    let mine = browser.get(&app, &format!("/owners/{}", estate.owner)).await;
    assert!(page.html.contains(&format!("/owners/{}", estate.owner)) && mine.status == StatusCode::OK, "my units and shares");
    assert!(mine.html.contains("1A") && mine.html.contains("100 %"), "{}", mine.html);
    let foreign = browser.get(&app, &format!("/buildings/{}", estate.other_building)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let refused = browser.submit(&app, "/buildings/new", &[("name", "X")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(building_body("unused").is_object());
}

#[tokio::test]
async fn the_language_switch_only_goes_back_to_a_local_page() {
    let app = TestApp::new().await;
    let mut browser = Browser::default();
    let back = browser.get(&app, "/lang/en?back=/login%3Fx%3D1").await;
    assert_eq!((back.status, back.location()), (StatusCode::SEE_OTHER, "/login?x=1"));
    assert!(browser.get(&app, "/login").await.html.contains(r#"<html lang="en">"#));
    for evil in ["//evil.example", "https://evil.example", "/\\evil.example"] {
        let page = browser.get(&app, &format!("/lang/nl?back={}", encode(evil))).await;
        assert_eq!(page.location(), "/", "{evil}");
    }
}

#[tokio::test]
async fn sign_up_makes_an_organisation_and_signs_its_syndic_in() {
    let app = TestApp::new().await;
    let mut browser = Browser::default();
    browser.get(&app, "/signup").await;
    let fields = |email: &'static str, password: &'static str| {
        [
            ("organization_name", "ACP Les Saules"),
            ("first_name", "Marie"),
            ("last_name", "Dubois"),
            ("email", email),
            ("password", password),
        ]
    };
    let refused = browser.submit(&app, "/signup", &fields("not-an-email", "short")).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.html.contains(r#"id="email-error""#) && refused.html.contains(r#"id="password-error""#), "{}", refused.html);
    assert!(refused.html.contains(r#"value="ACP Les Saules""#), "typed values kept");
    assert!(!refused.html.contains(r#"value="short""#), "a password is never sent back");
    let created = browser.submit(&app, "/signup", &fields("marie@saules.be", "a long enough password")).await;
    assert_eq!(created.location(), "/", "{}", created.html);
    assert!(browser.get(&app, "/").await.html.contains("Aucun immeuble"));
    let mut again = Browser::default();
    again.get(&app, "/signup").await;
    let taken = again.submit(&app, "/signup", &fields("marie@saules.be", "another long password")).await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert!(taken.html.contains("Un compte utilise déjà cette adresse"));
}

#[tokio::test]
async fn the_platform_admin_sees_organisations_and_their_usage_not_their_data() {
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let mut admin = Browser::default();
    admin.sign_in(&app, "admin@koprogo.be").await;
    let page = admin.get(&app, "/").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.html.contains("Syndic Horizon") && page.html.contains("Syndic Ailleurs"), "{}", page.html);
    assert!(!page.html.contains("Les Érables"), "no building names");
    assert_ne!(admin.get(&app, &format!("/buildings/{}", estate.building)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_password_change_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::new().await;
    let api_token = app.syndic().await;
    let mut browser = Browser::default();
    browser.sign_in(&app, "syndic@horizon.be").await;
    assert!(browser.get(&app, "/account").await.html.contains("syndic@horizon.be"));
    let wrong = browser.submit(&app, "/account/password", &[("current_password", "not it at all"), ("new_password", "short")]).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains(r#"id="current_password-error""#) && wrong.html.contains(r#"id="new_password-error""#));
    let changed =
        browser.submit(&app, "/account/password", &[("current_password", PASSWORD), ("new_password", "a brand new passphrase")]).await;
    assert_eq!(changed.location(), "/account?done=password", "{}", changed.html);
    assert_eq!(browser.get(&app, "/").await.status, StatusCode::OK, "this browser got a new session");
    assert_eq!(app.get("/api/v1/buildings", &api_token).await.status, StatusCode::UNAUTHORIZED, "every other session ended");
    let mut again = Browser::default();
    again.get(&app, "/login").await;
    let old = again.submit(&app, "/login", &[("email", "syndic@horizon.be"), ("password", PASSWORD)]).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = again.submit(&app, "/login", &[("email", "syndic@horizon.be"), ("password", "a brand new passphrase")]).await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_user_of_two_organisations_switches_between_them() {
    use koprogo_app::account::Membership;
    use koprogo_domain::account::Role;
    let app = TestApp::new().await;
    let estate = app.estate().await;
    let user = app.app.me(&app.app.authenticate(&estate.tokens.stranger).await.expect("actor").0).await.expect("me").0;
    let membership = Membership { tenant: app.tenant, user: user.id, role: Role::Accountant, owner: None, buildings: vec![] };
    app.app.grant_membership(membership).await.expect("second membership");
    let mut browser = Browser::default();
    browser.sign_in(&app, "syndic@ailleurs.be").await;
    assert!(!browser.get(&app, "/").await.html.contains("Les Érables"), "first the organisation of the login");
    let account = browser.get(&app, "/account").await;
    assert!(account.html.contains("Syndic Horizon") && account.html.contains("accountant"));
    let switched = browser.submit(&app, "/account/organization", &[("organization", &app.tenant.to_string())]).await;
    assert_eq!(switched.location(), "/");
    let dashboard = browser.get(&app, "/").await;
    assert!(dashboard.html.contains("Les Érables") && !dashboard.html.contains("/buildings/new"), "the accountant's view of Horizon");
    let foreign = browser.submit(&app, "/account/organization", &[("organization", &uuid::Uuid::now_v7().to_string())]).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_form_sent_in_the_wrong_shape_gets_a_page_not_a_bare_error() {
    let app = TestApp::new().await;
    let mut browser = Browser::default();
    browser.get(&app, "/login").await;
    let request = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/login")
        .header(header::CONTENT_TYPE, "text/plain")
        .header(header::COOKIE, format!("kp_csrf={}", browser.cookie("kp_csrf")))
        .body(axum::body::Body::from("email=x"))
        .expect("request");
    let response = tower::ServiceExt::oneshot(app.router.clone(), request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
}
