//! The team of a syndic firm, through the pages: an owner invited from their
//! record who then signs in and sees only their units, a colleague of another
//! firm who joins with the account they have, a password link, a member
//! removed, and the last syndic kept.

use axum::http::StatusCode;
use serde_json::json;

use crate::browser::Browser;
use crate::helpers::{PASSWORD, TestApp, building_body};

/// The link a page shows in its read-only field.
fn shown_link(html: &str, prefix: &str) -> String {
    let start = html.find(prefix).unwrap_or_else(|| panic!("a {prefix} link in {html}"));
    html[start..].split('"').next().expect("the link").to_owned()
}

#[tokio::test]
async fn an_owner_invited_from_their_record_joins_and_sees_only_their_units() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let mut syndic = Browser::default();
    syndic.sign_in(&t, "syndic@horizon.be").await;
    let record = syndic.get(&t, &format!("/owners/{}", estate.owner)).await;
    let invite = format!("/team?owner_id={}#invite", estate.owner);
    assert!(record.html.contains(&invite.replace('#', "&#x23;")) || record.html.contains(&invite), "{}", record.html);
    let form = syndic.get(&t, &format!("/team?owner_id={}", estate.owner)).await;
    assert!(form.html.contains("luc@example.be") && form.html.contains("Peeters"), "the owner's address and name: {}", form.html);
    let created = syndic.submit(&t, "/team/invitations", &[("email", "luc@example.be"), ("owner_id", &estate.owner)]).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.html);
    let link = shown_link(&created.html, "/invite/kpi_");
    assert!(syndic.get(&t, "/team").await.html.contains("en attente"), "the invitation waits");

    let mut luc = Browser::default();
    let opened = luc.get(&t, &link).await;
    assert!(opened.html.contains("Copropriétaire") && opened.html.contains("luc@example.be"), "{}", opened.html);
    let weak = luc.submit(&t, &link, &[("first_name", "Luc"), ("last_name", "Peeters"), ("password", "azerty")]).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "a weak password is refused next to its field");
    let joined = luc.submit(&t, &link, &[("first_name", "Luc"), ("last_name", "Peeters"), ("password", "un toit sur la tête 2026")]).await;
    assert_eq!(joined.location(), "/", "{}", joined.html);
    let home = luc.get(&t, "/").await;
    assert!(home.html.contains("Bienvenue") && home.html.contains("Les Érables") && !home.html.contains("Les Tilleuls"), "{}", home.html);
    assert_eq!(luc.get(&t, &format!("/buildings/{}", estate.other_building)).await.status, StatusCode::NOT_FOUND);
    let again = Browser::default().get(&t, &link).await;
    assert!(again.status == StatusCode::NOT_FOUND && again.html.contains("déjà servi"), "once: {}", again.html);

    // Removed, the owner is out on their next request.
    let team = t.get("/api/v1/team", &estate.tokens.syndic).await.body;
    let member = team["members"].as_array().expect("members").iter().find(|m| m["email"] == "luc@example.be").expect("Luc").clone();
    let user = member["user_id"].as_str().expect("id");
    assert_eq!(member["owner_id"], json!(estate.owner));
    assert!(syndic.get(&t, &format!("/team/members/{user}/remove")).await.html.contains("luc@example.be"));
    assert_eq!(syndic.submit(&t, &format!("/team/members/{user}/remove"), &[]).await.location(), "/team");
    assert_eq!(luc.get(&t, "/").await.location(), "/login");
}

#[tokio::test]
async fn a_colleague_joins_with_their_account_and_a_password_link_works_once() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    // The syndic of another firm also keeps this firm's books.
    let invited = t.post("/api/v1/team/invitations", syndic, json!({ "email": "syndic@ailleurs.be", "role": "accountant" })).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);
    let token = invited.body["link"].as_str().expect("link").trim_start_matches("/invite/").to_owned();
    let open = t.call(axum::http::Method::GET, &format!("/api/v1/invitations/{token}"), None, None).await;
    assert_eq!((open.body["has_account"].clone(), open.body["role"].clone()), (json!(true), json!("accountant")));
    let wrong =
        t.call(axum::http::Method::POST, &format!("/api/v1/invitations/{token}/accept"), None, Some(json!({ "password": "nope" }))).await;
    assert_eq!((wrong.status.as_u16(), wrong.fields()), (422, vec!["password".to_owned()]));
    let accepted =
        t.call(axum::http::Method::POST, &format!("/api/v1/invitations/{token}/accept"), None, Some(json!({ "password": PASSWORD }))).await;
    assert_eq!((accepted.status.as_u16(), accepted.body["user"]["role"].clone()), (201, json!("accountant")), "{}", accepted.body);
    let me = t.get("/api/v1/auth/me", accepted.body["access_token"].as_str().expect("token")).await;
    assert_eq!(me.body["organizations"].as_array().map(Vec::len), Some(2), "{}", me.body);
    let twice = t.post("/api/v1/team/invitations", syndic, json!({ "email": "syndic@ailleurs.be", "role": "accountant" })).await;
    assert_eq!((twice.status.as_u16(), twice.code()), (409, "invitation.already_member"));

    // Scopes are checked: a board member needs buildings of this firm.
    let bare = t.post("/api/v1/team/invitations", syndic, json!({ "email": "raad@horizon.be", "role": "board_member" })).await;
    assert_eq!((bare.status.as_u16(), bare.code()), (422, "membership.scope_missing"));
    let theirs = t.create("/api/v1/buildings", &estate.tokens.stranger, building_body("Ailleurs")).await;
    let foreign = t
        .post("/api/v1/team/invitations", syndic, json!({ "email": "raad@horizon.be", "role": "board_member", "building_ids": [theirs] }))
        .await;
    assert_eq!((foreign.status.as_u16(), foreign.fields()), (422, vec!["building_ids".to_owned()]));
    let admin = t.post("/api/v1/team/invitations", syndic, json!({ "email": "root@horizon.be", "role": "platform_admin" })).await;
    assert_eq!((admin.status.as_u16(), admin.fields()), (422, vec!["role".to_owned()]));

    // A forgotten password: the syndic hands over a link, which works once.
    let accountant = t.get("/api/v1/team", syndic).await.body["members"]
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == "accountant@horizon.be")
        .expect("the accountant")["user_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut browser = Browser::default();
    assert!(browser.get(&t, "/password/forgot").await.html.contains("syndic"));
    let mut desk = Browser::default();
    desk.sign_in(&t, "syndic@horizon.be").await;
    let issued = desk.submit(&t, &format!("/team/members/{accountant}/reset"), &[]).await;
    let link = shown_link(&issued.html, "/password/reset/kpw_");
    browser.get(&t, &link).await;
    let changed = browser.submit(&t, &link, &[("password", "les comptes sont justes 2026")]).await;
    assert_eq!(changed.location(), "/login", "{}", changed.html);
    let old = t
        .call(axum::http::Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "accountant@horizon.be", "password": PASSWORD })))
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/api/v1/expenses", &estate.tokens.accountant).await.status, StatusCode::UNAUTHORIZED, "sessions ended");
    let reused = browser.submit(&t, &link, &[("password", "encore une fois 2026 !")]).await;
    assert_eq!(reused.status, StatusCode::NOT_FOUND);

    let members = t.get("/api/v1/team", syndic).await.body;
    let me = members["members"].as_array().expect("members").iter().find(|m| m["email"] == "syndic@horizon.be").expect("me")["user_id"]
        .as_str()
        .expect("id")
        .to_owned();
    let last = t.delete(&format!("/api/v1/team/members/{me}"), syndic).await;
    assert_eq!((last.status.as_u16(), last.code()), (422, "user.last_syndic"));
}
