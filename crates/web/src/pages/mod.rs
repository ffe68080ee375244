//! The web interface: server-rendered pages over the same `App` as the API,
//! in French, Dutch and English, with no script at all (plain forms), one
//! small stylesheet, and everything compiled into the binary.

mod buildings;
pub mod i18n;
mod render;
pub mod session;

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Router, middleware};
use koprogo_app::{App, AppError};

use crate::WebSettings;
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
        .route("/logout", axum::routing::post(logout))
        .route_layer(middleware::from_fn_with_state(app, session::require_viewer));
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/lang/{code}", get(switch_language))
        .merge(private)
        .layer(middleware::from_fn(session::chrome))
        .route("/assets/app.css", get(stylesheet))
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
    if let Err(error) = app.logout(viewer.family).await {
        tracing::warn!(%error, "logout failed; the cookies are cleared anyway");
    }
    session::end_session(&mut response, settings.secure_cookies);
    response
}

#[derive(serde::Deserialize)]
struct Back {
    back: Option<String>,
}

/// Remembers the language and goes back to the page (only ever a local path).
async fn switch_language(Path(code): Path<String>, Query(back): Query<Back>, Extension(settings): Extension<WebSettings>) -> Response {
    let back = back.back.filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\')).unwrap_or_else(|| "/".to_owned());
    let mut response = Redirect::to(&back).into_response();
    if let Some(lang) = Lang::parse(&code) {
        session::set_language(&mut response, settings.secure_cookies, lang);
    }
    response
}
