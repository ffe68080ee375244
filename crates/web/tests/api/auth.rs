use axum::http::{Method, StatusCode};
use koprogo_app::auth::ThrottleSettings;
use koprogo_domain::account::Role;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp};

fn registration() -> serde_json::Value {
    json!({ "organization_name": "Syndic Nouveau", "email": "New@Syndic.be", "password": PASSWORD, "first_name": "Nina", "last_name": "Nouveau", "role": "platform_admin" })
}

#[tokio::test]
async fn sign_up_creates_an_organisation_whose_first_user_is_its_syndic() {
    let t = TestApp::new().await;
    let response = t.call(Method::POST, "/api/v1/auth/register", None, Some(registration())).await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    assert_eq!(response.body["user"]["role"], "syndic", "a role in the body is ignored");
    assert_eq!(response.body["user"]["email"], "new@syndic.be");
    assert_eq!(response.body["token"], response.body["access_token"]);
    assert_eq!(response.body["token_type"], "Bearer");
    assert_eq!(response.body["expires_in"], 900);
    let token = response.body["access_token"].as_str().unwrap();
    let me = t.get("/api/v1/auth/me", token).await;
    assert_eq!(me.body["organizations"][0]["organization_name"], "Syndic Nouveau");
    assert_eq!(me.body["organization_id"], response.body["user"]["organization_id"]);
}

#[tokio::test]
async fn sign_up_reports_every_invalid_field_and_a_taken_email() {
    let t = TestApp::new().await;
    let bad = json!({ "organization_name": " ", "email": "not-an-email", "password": "short", "first_name": "", "last_name": "X" });
    let response = t.call(Method::POST, "/api/v1/auth/register", None, Some(bad)).await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.fields(), ["organization_name", "email", "password", "first_name"]);
    assert_eq!(response.body["errors"][2]["code"], "password_too_short");
    t.call(Method::POST, "/api/v1/auth/register", None, Some(registration())).await;
    let again = t.call(Method::POST, "/api/v1/auth/register", None, Some(registration())).await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "email_taken"));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_account_is_the_same_401() {
    let t = TestApp::new().await;
    t.syndic().await;
    let wrong = t
        .call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "syndic@horizon.be", "password": "wrong password!" })))
        .await;
    let unknown =
        t.call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "nobody@horizon.be", "password": PASSWORD }))).await;
    for response in [&wrong, &unknown] {
        assert_eq!((response.status, response.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
        assert_eq!(response.headers["www-authenticate"], "Bearer");
        assert_eq!(response.headers["content-type"], "application/problem+json");
    }
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
}

#[tokio::test]
async fn repeated_logins_are_throttled_with_retry_after() {
    let t = TestApp::with_throttle(ThrottleSettings { account_burst: 3, ..ThrottleSettings::default() }).await;
    t.syndic().await;
    // Successful logins are not attempts to guess: any number of them.
    for _ in 0..6 {
        let ok =
            t.call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "syndic@horizon.be", "password": PASSWORD }))).await;
        assert_eq!(ok.status, StatusCode::OK);
    }
    for expected in [StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED, StatusCode::TOO_MANY_REQUESTS] {
        let response = t
            .call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "syndic@horizon.be", "password": "wrong password!" })))
            .await;
        assert_eq!(response.status, expected);
    }
    // Past the limit even the right password waits.
    let throttled =
        t.call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "SYNDIC@horizon.be", "password": PASSWORD }))).await;
    assert_eq!((throttled.status, throttled.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    let wait: u64 = throttled.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1);
}

#[tokio::test]
async fn refresh_rotates_and_a_replayed_refresh_token_ends_the_session() {
    let t = TestApp::new().await;
    t.syndic().await;
    let login = t.call(Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "syndic@horizon.be", "password": PASSWORD }))).await;
    let first_refresh = login.body["refresh_token"].as_str().unwrap().to_owned();
    let rotated = t.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": first_refresh }))).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let new_access = rotated.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(t.get("/api/v1/auth/me", &new_access).await.status, StatusCode::OK);
    let old_access = login.body["access_token"].as_str().unwrap();
    assert_eq!(t.get("/api/v1/auth/me", old_access).await.status, StatusCode::UNAUTHORIZED);
    let replay = t.call(Method::POST, "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": first_refresh }))).await;
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.get("/api/v1/auth/me", &new_access).await.status, StatusCode::UNAUTHORIZED, "the whole family is revoked");
}

#[tokio::test]
async fn logout_revokes_the_token_at_once() {
    let t = TestApp::new().await;
    let token = t.syndic().await;
    assert_eq!(t.call(Method::POST, "/api/v1/auth/logout", Some(&token), None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(t.get("/api/v1/auth/me", &token).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(t.call(Method::POST, "/api/v1/auth/logout", None, None).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_user_of_two_organisations_chooses_where_to_act() {
    let t = TestApp::new().await;
    let token = t.user("both@x.be", Role::Accountant, Some(t.tenant), (None, vec![])).await;
    let me = t.get("/api/v1/auth/me", &token).await;
    assert_eq!(me.body["organization_id"], t.tenant.to_string());
    let user = koprogo_domain::ids::UserId::from_uuid(me.body["id"].as_str().unwrap().parse().unwrap());
    let membership = koprogo_app::account::Membership { tenant: t.other_tenant, user, role: Role::Syndic, owner: None, buildings: vec![] };
    t.app.grant_membership(membership).await.unwrap();
    let login = json!({ "email": "both@x.be", "password": PASSWORD, "organization_id": t.other_tenant.to_string() });
    let other = t.call(Method::POST, "/api/v1/auth/login", None, Some(login)).await;
    assert_eq!(other.body["user"]["role"], "syndic");
    assert_eq!(other.body["user"]["organization_id"], t.other_tenant.to_string());
    let stranger_org = json!({ "email": "both@x.be", "password": PASSWORD, "organization_id": uuid::Uuid::now_v7().to_string() });
    assert_eq!(t.call(Method::POST, "/api/v1/auth/login", None, Some(stranger_org)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_role_change_applies_to_the_next_request() {
    let t = TestApp::new().await;
    let token = t.user("changing@x.be", Role::Syndic, Some(t.tenant), (None, vec![])).await;
    assert_eq!(t.post("/api/v1/buildings", &token, crate::helpers::building_body("A")).await.status, StatusCode::CREATED);
    let me = t.get("/api/v1/auth/me", &token).await;
    let user = koprogo_domain::ids::UserId::from_uuid(me.body["id"].as_str().unwrap().parse().unwrap());
    let demoted = koprogo_app::account::Membership { tenant: t.tenant, user, role: Role::Accountant, owner: None, buildings: vec![] };
    t.app.grant_membership(demoted).await.unwrap();
    assert_eq!(t.post("/api/v1/buildings", &token, crate::helpers::building_body("B")).await.status, StatusCode::FORBIDDEN);
}

/// RELIABILITY G1: a hash made with weaker parameters than the policy (before
/// it, or imported) is replaced at the next successful login, sessions kept.
#[tokio::test]
async fn a_hash_below_the_policy_is_replaced_at_the_next_login() {
    use argon2::password_hash::PasswordHasher;
    use koprogo_domain::identifiers::Email;
    let t = TestApp::new().await;
    let token = t.syndic().await;
    let accounts = &t.app.store().accounts;
    let email = Email::parse("syndic@horizon.be").unwrap();
    let (user, policy_hash) = accounts.user_by_email(&email).await.unwrap().unwrap();
    let weak = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon2::Params::new(1024, 1, 1, None).unwrap());
    let weak = weak.hash_password(PASSWORD.as_bytes()).unwrap().to_string();
    assert!(accounts.upgrade_password_hash(user.id, &policy_hash, &weak, Vec::new()).await.unwrap());
    assert!(!accounts.upgrade_password_hash(user.id, &policy_hash, &weak, Vec::new()).await.unwrap(), "only from the hash it replaces");
    assert!(koprogo_app::auth::below_policy(&weak));

    t.login("syndic@horizon.be").await;
    let (_, upgraded) = accounts.user_by_email(&email).await.unwrap().unwrap();
    assert_ne!(upgraded, weak);
    assert!(!koprogo_app::auth::below_policy(&upgraded), "{upgraded}");
    assert_eq!(t.get("/api/v1/auth/me", &token).await.status, StatusCode::OK, "the earlier session goes on");
    t.login("syndic@horizon.be").await;
    let (_, again) = accounts.user_by_email(&email).await.unwrap().unwrap();
    assert_eq!(again, upgraded, "a hash within the policy is left alone");
    let platform = t.app.store().audit.chain(uuid::Uuid::nil(), 0, 1000).await.unwrap();
    let rehashed: Vec<_> = platform.iter().filter(|e| e.body.action == "auth.password_rehashed").collect();
    assert_eq!(rehashed.len(), 1);
    assert_eq!(rehashed[0].body.object_id, Some(user.id.as_uuid()));
}
