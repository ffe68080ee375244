//! The web interface: server-rendered pages over the same `App` as the API,
//! in French, Dutch and English, with no script at all (plain forms), one
//! small stylesheet, and everything compiled into the binary.

mod account;
mod audit;
mod buildings;
mod business;
mod calls;
mod debits;
mod delete;
mod expenses;
mod forms;
pub mod i18n;
mod keys;
mod ops;
mod owners;
mod payments;
mod privacy;
mod reminders;
mod render;
mod search;
pub mod session;
mod sharing;
mod statements;
mod team;
mod transfer;
mod unit_transfer;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router, middleware};
use koprogo_app::account::Registration;
use koprogo_app::{App, AppError};

use crate::WebSettings;
use crate::error::ApiError;
use crate::extract::ClientIp;
use i18n::Lang;
use render::page_with_status;
use session::{Chrome, Form, Viewer};

const STYLESHEET: &str = include_str!("../../assets/app.css");

/// Every page; the ones behind `require_viewer` need a signed-in user.
pub fn routes(app: App) -> Router<App> {
    let private = Router::new()
        .route("/", get(buildings::dashboard))
        .route("/buildings/new", get(buildings::new_form).post(buildings::create))
        .route("/buildings/{id}", get(buildings::show))
        .route("/buildings/{id}/edit", get(buildings::edit).post(buildings::update))
        .route("/buildings/{id}/units/new", get(buildings::new_unit).post(buildings::create_unit))
        .route("/units/{id}/edit", get(buildings::edit_unit).post(buildings::update_unit))
        .route("/owners/{id}/edit", get(owners::edit_owner).post(owners::update_owner))
        .route("/owners/new", get(owners::new_owner).post(owners::create_owner))
        .route("/units/{id}/ownerships/new", get(owners::new_ownership).post(owners::create_ownership))
        .route("/units/{id}/transfer", get(unit_transfer::form).post(unit_transfer::record))
        .route("/buildings/{id}/keys", get(keys::list))
        .route("/buildings/{id}/keys/new", get(keys::new_key).post(keys::create_key))
        .route("/buildings/{id}/reserve-fund-waiver", axum::routing::post(keys::waive))
        .route("/keys/{id}/edit", get(keys::edit_key).post(keys::update_key))
        .route("/keys/{id}/delete", axum::routing::post(keys::delete_key))
        .route("/expenses/new", get(expenses::new_expense).post(expenses::create_expense))
        .route("/expenses/{id}/edit", get(expenses::edit_expense).post(expenses::update_expense))
        .route("/units/{id}", get(owners::unit))
        .route("/owners/{id}", get(owners::owner))
        .route("/expenses", get(expenses::list))
        .route("/search", get(search::show))
        .route("/expenses/{id}/{step}", get(expenses::step_page).post(expenses::advance))
        .route("/buildings/{id}/delete", get(delete::confirm).post(delete::delete))
        .route("/units/{id}/delete", get(delete::confirm).post(delete::delete))
        .route("/owners/{id}/delete", get(delete::confirm).post(delete::delete))
        .merge(money_pages())
        .merge(trust_pages())
        .route("/logout", axum::routing::post(logout))
        .route_layer(middleware::from_fn_with_state(app, session::require_viewer));
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/invite/{token}", get(team::invitation).post(team::accept))
        .route("/password/forgot", get(team::forgot))
        .route("/password/reset/{token}", get(team::reset_form).post(team::reset))
        .route("/signup", get(signup_form).post(signup))
        .route("/lang/{code}", get(switch_language))
        .merge(private)
        .layer(middleware::from_fn(session::chrome))
        .route("/assets/app.css", get(stylesheet))
}

/// Calls for funds, payments, debits, statements and reminders.
fn money_pages() -> Router<App> {
    Router::new()
        .route("/calls", get(calls::list).post(calls::issue))
        .route("/calls/new", get(calls::new_call).post(calls::preview))
        .route("/calls/{id}", get(calls::show))
        .route("/calls/{id}/cancel", get(calls::confirm_cancel).post(calls::cancel))
        .route("/calls/{id}/letters.pdf", get(calls::letters_pdf))
        .route("/calls/{id}/lines.xlsx", get(calls::lines_xlsx))
        .route("/payments", get(payments::list))
        .route(
            "/payments/import",
            get(payments::import_form)
                .post(payments::import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::payments::BANK_FILE_LIMIT)),
        )
        .route("/payments/{id}/assign", axum::routing::post(payments::assign))
        .route("/debits", get(debits::list))
        .route("/debits/{id}/settle", axum::routing::post(debits::settle))
        .route("/arrears", get(payments::arrears))
        .route("/statement", get(statements::own))
        .route("/owners/{id}/statement", get(statements::show))
        .route("/owners/{id}/statement.pdf", get(statements::pdf))
        .route("/owners/{id}/statement.xlsx", get(statements::xlsx))
        .route("/buildings/{id}/ledger.xlsx", get(statements::ledger))
        .route("/reminders", get(reminders::list))
        .route("/reminders/send", axum::routing::post(reminders::send))
        .route("/reminders/{id}/letter.pdf", get(reminders::letter))
        .route("/buildings/{id}/reminder-policy", get(reminders::policy_form).post(reminders::save_policy))
}

/// The user's account, the audit trail, the persons' rights and the
/// association's file: signed-in pages like the others.
fn trust_pages() -> Router<App> {
    Router::new()
        .route("/team", get(team::show))
        .route("/team/invitations", axum::routing::post(team::invite))
        .route("/team/invitations/{id}/revoke", axum::routing::post(team::revoke))
        .route("/team/members/{id}/reset", axum::routing::post(team::reset_link))
        .route("/team/members/{id}/remove", get(team::confirm_remove).post(team::remove))
        .route("/audit", get(audit::list))
        .route("/audit.csv", get(audit::csv))
        .route("/account", get(account::show))
        .route("/account/password", axum::routing::post(account::change_password))
        .route("/account/organization", axum::routing::post(account::switch_organization))
        .route("/account/erase", axum::routing::post(account::erase))
        .route("/account/personal-data", get(privacy::my_data))
        .route("/account/personal-data.json", get(privacy::my_data_json))
        .route("/owners/{id}/personal-data", get(privacy::owner_data))
        .route("/owners/{id}/personal-data.json", get(privacy::owner_data_json))
        .route("/owners/{id}/consent", axum::routing::post(privacy::consent))
        .route("/owners/{id}/erase", get(privacy::confirm_erase).post(privacy::erase))
        .route("/privacy", get(privacy::register))
        .route("/ops", get(ops::dashboard))
        .route("/business", get(business::dashboard))
        .route("/business/run", axum::routing::post(business::run))
        .route("/business/invoices/{id}", get(business::invoice_pdf))
        .route("/buildings/{id}/export.zip", get(transfer::export))
        .route(
            "/associations/import",
            get(transfer::import_form)
                .post(transfer::import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::transfer::IMPORT_LIMIT)),
        )
}

async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], STYLESHEET).into_response()
}

#[derive(askama::Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: &'a Chrome,
    email: &'a str,
    error: Option<String>,
}

async fn login_form(chrome: Chrome) -> Response {
    render::page(&chrome, &LoginPage { chrome: &chrome, email: "", error: None })
}

async fn login(
    State(app): State<App>,
    chrome: Chrome,
    Extension(settings): Extension<WebSettings>,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    form: Form,
) -> Response {
    let email = form.get("email");
    match app.login(email, form.get("password"), None, ip).await {
        Ok(session) => {
            let mut response = Redirect::to("/").into_response();
            let secure = settings.secure_cookies;
            session::set_session(&mut response, secure, &session);
            // The user's own preference, unless this browser already chose.
            if session::cookie(&headers, session::LANG).is_none() {
                session::set_language(&mut response, secure, Lang::from_user(session.user.language));
            }
            response
        }
        Err(error) => {
            let (status, key) = match error {
                AppError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, "login-throttled"),
                AppError::Unauthenticated | AppError::Invalid(_) => (StatusCode::UNAUTHORIZED, "login-failed"),
                other => return render::error_page(&chrome, &other.into()),
            };
            let page = LoginPage { chrome: &chrome, email, error: Some(chrome.t(key)) };
            page_with_status(&chrome, status, &page)
        }
    }
}

async fn logout(State(app): State<App>, viewer: Viewer, Extension(settings): Extension<WebSettings>, _form: Form) -> Response {
    let mut response = Redirect::to("/login").into_response();
    if let Err(error) = app.logout(&viewer.actor, viewer.family).await {
        tracing::warn!(%error, "logout failed; the cookies are cleared anyway");
    }
    session::end_session(&mut response, settings.secure_cookies);
    response
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// `raw` as a path of this site, ready for a `Location` header: one leading
/// `/`, no control character (browsers drop tabs and newlines, so `/\t/evil`
/// would read as `//evil`), no backslash; spaces and letters beyond ASCII
/// percent-encoded.
fn local_path(raw: &str) -> Option<String> {
    let rest = raw.strip_prefix('/')?;
    if rest.starts_with('/') || raw.chars().any(|c| c.is_control() || c == '\\') {
        return None;
    }
    let mut encoded = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_graphic() {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded.parse::<axum::http::uri::PathAndQuery>().is_ok().then_some(encoded)
}

/// Remembers the language and goes back to the page (only ever a local path).
async fn switch_language(Path(code): Path<String>, Query(back): Query<Back>, Extension(settings): Extension<WebSettings>) -> Response {
    let back = back.back.as_deref().and_then(local_path).unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&back).into_response();
    if let Some(lang) = Lang::parse(&code) {
        session::set_language(&mut response, settings.secure_cookies, lang);
    }
    response
}

#[derive(askama::Template)]
#[template(path = "signup.html")]
struct SignupPage<'a> {
    chrome: &'a Chrome,
    fields: Vec<forms::Field>,
    alert: Option<String>,
}

const SIGNUP_FIELDS: [(&str, &str, &str); 5] = [
    ("organization_name", "signup-organization", "text"),
    ("first_name", "signup-first-name", "text"),
    ("last_name", "signup-last-name", "text"),
    ("email", "login-email", "email"),
    ("password", "login-password", "password"),
];

fn signup_page<'a>(chrome: &'a Chrome, form: Option<&Form>, error: Option<&ApiError>) -> SignupPage<'a> {
    let errors: std::collections::HashMap<&str, &str> = error.map(|e| e.field_errors().collect()).unwrap_or_default();
    let fields = SIGNUP_FIELDS
        .iter()
        .map(|(name, label, kind)| forms::Field {
            name,
            label: chrome.t(label),
            kind,
            // A password is never sent back.
            value: if *name == "password" { String::new() } else { form.map_or("", |f| f.get(name)).to_owned() },
            error: errors.get(name).map(|code| chrome.lang.error(code)),
            required: true,
            options: Vec::new(),
        })
        .collect();
    let alert = error.filter(|e| e.field_errors().next().is_none()).map(|e| chrome.lang.error(e.code()));
    SignupPage { chrome, fields, alert }
}

async fn signup_form(chrome: Chrome) -> Response {
    render::page(&chrome, &signup_page(&chrome, None, None))
}

/// A new organisation and its first syndic, signed in at once.
async fn signup(
    State(app): State<App>,
    chrome: Chrome,
    Extension(settings): Extension<WebSettings>,
    crate::extract::ClientIp(ip): crate::extract::ClientIp,
    form: Form,
) -> Response {
    let registration = Registration {
        organization_name: form.get("organization_name"),
        email: form.get("email"),
        password: form.get("password"),
        first_name: form.get("first_name"),
        last_name: form.get("last_name"),
        language: Some(chrome.lang.code()),
        ip,
    };
    match app.register(registration).await {
        Ok(session) => session::redirect_signed_in("/", settings.secure_cookies, &session),
        Err(error) => {
            let error = ApiError::from(error);
            match error.status() {
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT => {
                    page_with_status(&chrome, error.status(), &signup_page(&chrome, Some(&form), Some(&error)))
                }
                _ => render::error_page(&chrome, &error),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_path_of_this_site_is_a_way_back() {
        for local in ["/", "/buildings?page=2", "/owners/0199-ab"] {
            assert_eq!(super::local_path(local).as_deref(), Some(local));
        }
        assert_eq!(
            super::local_path("/expenses?supplier=Électricité SA").as_deref(),
            Some("/expenses?supplier=%C3%89lectricit%C3%A9%20SA")
        );
        for away in ["//evil.example", "/\t/evil.example", "/\n/x", "/\\evil", "/x\\y", "https://evil.example", "evil", ""] {
            assert_eq!(super::local_path(away), None, "{away:?}");
        }
    }
}
