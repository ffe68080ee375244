//! Who is looking at a page, in which language, with which form token.
//!
//! The session lives in two `HttpOnly`, `SameSite=Lax` cookies holding the
//! same opaque tokens as the API (access, 15 min; refresh, rotated): a page
//! with an expired access token refreshes it on the way. Every form carries a
//! token equal to the `csrf` cookie (double submit): another site can make
//! the browser send the cookie but cannot read it to fill the field.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::access::Actor;
use koprogo_app::account::Session;
use koprogo_app::{App, AppError};

use super::i18n::Lang;
use super::render::error_page;
use crate::WebSettings;

const ACCESS: &str = "kp_access";
const REFRESH: &str = "kp_refresh";
const CSRF: &str = "kp_csrf";
pub const LANG: &str = "kp_lang";
/// What the last action did, for the next page to say once (`done-saved`, …).
const FLASH: &str = "kp_flash";

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(key, value)| (key == name && !value.is_empty()).then_some(value))
}

fn set_cookie(response: &mut Response, secure: bool, name: &str, value: &str, max_age: i64) {
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
}

fn secure(settings: Option<&WebSettings>) -> bool {
    settings.is_some_and(|s| s.secure_cookies)
}

/// The language and form token of every page, signed in or not.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub lang: Lang,
    pub csrf: String,
    /// Path and query of the page, for the language switcher to come back to.
    pub here: String,
    pub signed_in: bool,
    /// The main menu of the signed-in user's role: (path, label).
    pub nav: Vec<(&'static str, String)>,
    /// What the previous action did, said once on this page.
    pub flash: Option<String>,
}

/// What each role finds in the main menu (the pages check the policy again).
fn menu(lang: Lang, role: koprogo_domain::account::Role) -> Vec<(&'static str, String)> {
    use koprogo_domain::account::Role;
    let items: &[(&str, &str)] = match role {
        Role::Syndic => &[
            ("/", "nav-dashboard"),
            ("/expenses", "nav-expenses"),
            ("/calls", "nav-calls"),
            ("/payments", "nav-payments"),
            ("/arrears", "nav-arrears"),
            ("/reminders", "nav-reminders"),
            ("/team", "nav-team"),
            ("/audit", "nav-audit"),
        ],
        Role::Accountant => &[
            ("/", "nav-dashboard"),
            ("/expenses", "nav-expenses"),
            ("/calls", "nav-calls"),
            ("/payments", "nav-payments"),
            ("/arrears", "nav-arrears"),
            ("/reminders", "nav-reminders"),
        ],
        Role::BoardMember => &[("/", "nav-dashboard"), ("/expenses", "nav-expenses"), ("/calls", "nav-calls"), ("/arrears", "nav-arrears")],
        Role::Owner => &[("/", "nav-dashboard"), ("/statement", "nav-statement"), ("/calls", "nav-calls")],
        Role::PlatformAdmin => &[("/", "nav-dashboard"), ("/ops", "nav-ops"), ("/business", "nav-business")],
    };
    items.iter().map(|(path, key)| (*path, lang.t(key))).chain([("/account", lang.t("nav-password"))]).collect()
}

/// Sets `Chrome` on every page request, and the form-token cookie when the
/// browser has none yet.
pub async fn chrome(mut request: Request, next: Next) -> Response {
    let (chrome, fresh) = chrome_of(&request);
    let secure = secure(request.extensions().get::<WebSettings>());
    let flashed = chrome.flash.is_some();
    request.extensions_mut().insert(chrome.clone());
    let mut response = next.run(request).await;
    // Said once: the page that shows it clears it; an action hands over its own.
    if let Some(Flash(key)) = response.extensions().get::<Flash>().copied() {
        set_cookie(&mut response, secure, FLASH, key, 120);
    } else if flashed && !response.status().is_redirection() {
        set_cookie(&mut response, secure, FLASH, "", 0);
    }
    if is_problem(&response) {
        response = as_page(&chrome, response).await;
    }
    if let Some(token) = fresh {
        set_cookie(&mut response, secure, CSRF, &token, 60 * 60 * 24 * 30);
    }
    page_policy(&mut response);
    response
}

/// The chrome of a request, and a fresh form token when the browser has none.
fn chrome_of(request: &Request) -> (Chrome, Option<String>) {
    let headers = request.headers();
    let lang = cookie(headers, LANG)
        .and_then(Lang::parse)
        .or_else(|| headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Lang::from_accept_language))
        .unwrap_or(Lang::Fr);
    let existing =
        cookie(headers, CSRF).filter(|t| t.len() >= 32 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    let fresh = existing.is_none().then(|| koprogo_app::auth::issue_token("").map(|t| t.secret).ok()).flatten();
    let csrf = existing.map(str::to_owned).or_else(|| fresh.clone()).unwrap_or_default();
    let here = request.uri().path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let signed_in = cookie(headers, ACCESS).is_some() || cookie(headers, REFRESH).is_some();
    // Only our own message keys: the cookie names a translation, never carries text.
    let flash = cookie(headers, FLASH)
        .filter(|key| key.starts_with("done-") && key.len() <= 40 && key.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        .map(|key| lang.t(key));
    (Chrome { lang, csrf, here, signed_in, nav: Vec::new(), flash }, fresh)
}

/// Pages may load their stylesheet; nothing else.
fn page_policy(response: &mut Response) {
    response.headers_mut().insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

/// A problem that reached a page (a malformed id, a refused extractor) as the
/// error page a browser shows, in the reader's language, with its status.
async fn as_page(chrome: &Chrome, response: Response) -> Response {
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 64 * 1024).await.unwrap_or_default();
    let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let code = match problem["code"].as_str().unwrap_or("internal") {
        "malformed_id" => "not_found",
        other => other,
    };
    super::render::error_page(chrome, &crate::error::ApiError::new(status, code, ""))
}

/// `/nope` in a browser: the not-found page, not a problem document.
pub async fn not_found(request: Request) -> Response {
    let accepts_html =
        request.headers().get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    if request.uri().path().starts_with("/api/") || !accepts_html {
        return crate::error::ApiError::not_found().into_response();
    }
    let (chrome, _) = chrome_of(&request);
    let mut response = super::render::error_page(&chrome, &crate::error::ApiError::not_found());
    page_policy(&mut response);
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Chrome {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Chrome>().cloned().ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}

/// The signed-in user of a page; pages that need one sit behind `require_viewer`.
#[derive(Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub family: uuid::Uuid,
}

/// Resolves the session cookies into a `Viewer`, refreshing an expired
/// access token; anyone else is sent to the login page.
pub async fn require_viewer(State(app): State<App>, mut request: Request, next: Next) -> Response {
    let secure = secure(request.extensions().get::<WebSettings>());
    let headers = request.headers();
    let access = cookie(headers, ACCESS).map(str::to_owned);
    let refresh = cookie(headers, REFRESH).map(str::to_owned);
    let mut renewed = None;
    let mut found = match access {
        Some(token) => app.authenticate(&token).await,
        None => Err(AppError::Unauthenticated),
    };
    if let (Err(AppError::Unauthenticated), Some(refresh)) = (&found, refresh)
        && let Ok(session) = app.refresh(&refresh).await
    {
        found = app.authenticate(&session.access_token).await;
        renewed = Some(session);
    }
    match found {
        Ok((actor, family)) => {
            koprogo_app::audit::note_actor(&actor);
            if let Some(chrome) = request.extensions_mut().get_mut::<Chrome>() {
                chrome.nav = menu(chrome.lang, actor.role);
            }
            request.extensions_mut().insert(Viewer { actor, family });
            let mut response = next.run(request).await;
            if let Some(session) = renewed {
                set_session(&mut response, secure, &session);
            }
            response
        }
        Err(AppError::Unauthenticated) => {
            let mut response = Redirect::to("/login").into_response();
            end_session(&mut response, secure);
            response
        }
        Err(other) => {
            let chrome = request.extensions().get::<Chrome>().cloned();
            chrome.map_or_else(|| StatusCode::SERVICE_UNAVAILABLE.into_response(), |c| error_page(&c, &other.into()))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Viewer>().cloned().ok_or_else(|| Redirect::to("/login").into_response())
    }
}

pub fn set_session(response: &mut Response, secure: bool, session: &Session) {
    set_cookie(response, secure, ACCESS, &session.access_token, session.expires_in);
    set_cookie(response, secure, REFRESH, &session.refresh_token, 60 * 60 * 24 * 30);
}

/// A redirection to `to` that carries a new session.
pub fn redirect_signed_in(to: &str, secure: bool, session: &Session) -> Response {
    let mut response = Redirect::to(to).into_response();
    set_session(&mut response, secure, session);
    response
}

/// What an action did (a `done-…` message key), for the next page to say once.
#[derive(Clone, Copy, Debug)]
pub struct Flash(pub &'static str);

/// `response` (a redirection after an action) with the message the next page says.
pub fn with_flash(mut response: Response, key: &'static str) -> Response {
    response.extensions_mut().insert(Flash(key));
    response
}

pub fn set_language(response: &mut Response, secure: bool, lang: Lang) {
    set_cookie(response, secure, LANG, lang.code(), 60 * 60 * 24 * 365);
}

pub fn end_session(response: &mut Response, secure: bool) {
    set_cookie(response, secure, ACCESS, "", 0);
    set_cookie(response, secure, REFRESH, "", 0);
}

/// A submitted form whose token matched the cookie: its fields, in order,
/// without the token. A missing or wrong token answers 403 with a page that
/// says the form expired.
/// A submitted form's fields, and the language of the page it came from
/// (which writes decimals its own way: `1.234,56` in French and Dutch).
pub struct Form(pub Vec<(String, String)>, pub super::i18n::Lang);

impl Form {
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }
}

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let chrome = request.extensions().get::<Chrome>().cloned();
        let expected = cookie(request.headers(), CSRF).map(str::to_owned);
        let fields = match axum::Form::<Vec<(String, String)>>::from_request(request, state).await {
            Ok(axum::Form(fields)) => fields,
            Err(rejection) => {
                let error = crate::error::ApiError::new(rejection.status(), "invalid", rejection.body_text());
                return Err(chrome.map_or_else(|| rejection.into_response(), |c| error_page(&c, &error)));
            }
        };
        let sent = fields.iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v.as_str());
        let matches = match (expected.as_deref(), sent) {
            (Some(expected), Some(sent)) => constant_time_eq(expected.as_bytes(), sent.as_bytes()),
            _ => false,
        };
        if !matches {
            let page = chrome.map(|c| error_page(&c, &crate::error::ApiError::new(StatusCode::FORBIDDEN, "csrf", "")));
            return Err(page.unwrap_or_else(|| StatusCode::FORBIDDEN.into_response()));
        }
        let lang = chrome.map_or(super::i18n::Lang::Fr, |c| c.lang);
        Ok(Form(fields.into_iter().filter(|(k, _)| k != "_csrf").collect(), lang))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A submitted file (`multipart/form-data`, for bank statements) whose form
/// token matched the cookie, as `Form` checks it for plain forms.
pub struct Upload {
    pub file: axum::body::Bytes,
}

impl<S: Send + Sync> FromRequest<S> for Upload {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let chrome = request.extensions().get::<Chrome>().cloned();
        let refuse = |status: StatusCode, code: &str| {
            let error = crate::error::ApiError::new(status, code, "");
            chrome.as_ref().map_or_else(|| status.into_response(), |c| error_page(c, &error))
        };
        let expected = cookie(request.headers(), CSRF).map(str::to_owned);
        let mut multipart =
            axum::extract::Multipart::from_request(request, state).await.map_err(|_| refuse(StatusCode::BAD_REQUEST, "invalid"))?;
        let (mut token, mut file) = (None, None);
        while let Some(field) = multipart.next_field().await.map_err(|_| refuse(StatusCode::BAD_REQUEST, "invalid"))? {
            match field.name() {
                Some("_csrf") => token = Some(field.text().await.map_err(|_| refuse(StatusCode::BAD_REQUEST, "invalid"))?),
                Some("file") => file = Some(field.bytes().await.map_err(|_| refuse(StatusCode::PAYLOAD_TOO_LARGE, "invalid"))?),
                _ => {}
            }
        }
        let matches = matches!((expected.as_deref(), token.as_deref()), (Some(e), Some(t)) if constant_time_eq(e.as_bytes(), t.as_bytes()));
        if !matches {
            return Err(refuse(StatusCode::FORBIDDEN, "csrf"));
        }
        Ok(Upload { file: file.unwrap_or_default() })
    }
}
