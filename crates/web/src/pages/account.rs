//! The signed-in user's own page: change the password, move to another
//! organisation for users who belong to several, read or erase one's data.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use koprogo_app::App;
use koprogo_domain::ids::TenantId;

use super::render::{error_page, page_with_status};
use super::session::{self, Chrome, Form, Viewer};
use crate::WebSettings;
use crate::error::ApiError;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    chrome: &'a Chrome,
    email: String,
    /// (id, name, role, current) of each organisation of the user.
    organizations: Vec<(String, String, String, bool)>,
    current_error: Option<String>,
    new_error: Option<String>,
    erase_error: Option<String>,
    changed: bool,
}

async fn account_page(
    app: &App,
    chrome: &Chrome,
    viewer: &Viewer,
    error: Option<&ApiError>,
    changed: bool,
    status: StatusCode,
) -> Response {
    let (user, memberships) = match app.me(&viewer.actor).await {
        Ok(found) => found,
        Err(error) => return error_page(chrome, &error.into()),
    };
    let field = |name: &str| error.and_then(|e| e.field_errors().find(|(f, _)| *f == name).map(|(_, code)| chrome.lang.error(code)));
    let template = AccountPage {
        chrome,
        email: user.email.as_str().to_owned(),
        organizations: memberships
            .iter()
            .map(|(org, m)| (org.id.to_string(), org.name.to_string(), m.role.as_str().to_owned(), Some(org.id) == viewer.actor.tenant))
            .collect(),
        current_error: field("current_password"),
        new_error: field("new_password"),
        erase_error: field("password").or_else(|| error.filter(|e| e.code() == "user.last_syndic").map(|e| chrome.lang.error(e.code()))),
        changed,
    };
    page_with_status(chrome, status, &template)
}

#[derive(serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn show(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    axum::extract::Query(done): axum::extract::Query<Done>,
) -> Response {
    account_page(&app, &chrome, &viewer, None, done.done.is_some(), StatusCode::OK).await
}

pub async fn change_password(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Extension(settings): Extension<WebSettings>,
    form: Form,
) -> Response {
    match app.change_password(&viewer.actor, form.get("current_password"), form.get("new_password")).await {
        Ok(session) => session::redirect_signed_in("/account?done=password", settings.secure_cookies, &session),
        Err(error) => refused(&app, &chrome, &viewer, error.into()).await,
    }
}

/// A refused form comes back with its errors beside the fields; anything else is an error page.
async fn refused(app: &App, chrome: &Chrome, viewer: &Viewer, error: ApiError) -> Response {
    if error.status() == StatusCode::UNPROCESSABLE_ENTITY {
        account_page(app, chrome, viewer, Some(&error), false, error.status()).await
    } else {
        error_page(chrome, &error)
    }
}

pub async fn switch_organization(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Extension(settings): Extension<WebSettings>,
    form: Form,
) -> Response {
    let Ok(tenant) = form.get("organization").parse::<uuid::Uuid>() else {
        return error_page(&chrome, &ApiError::not_found());
    };
    match app.switch_organization(&viewer.actor, viewer.family, TenantId::from_uuid(tenant)).await {
        Ok(session) => session::redirect_signed_in("/", settings.secure_cookies, &session),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

/// Erases the signed-in login once its password is given; the session ends with it.
pub async fn erase(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Extension(settings): Extension<WebSettings>,
    form: Form,
) -> Response {
    match app.erase_own_account(&viewer.actor, form.get("password")).await {
        Ok(()) => {
            let mut response = axum::response::Redirect::to("/login").into_response();
            session::end_session(&mut response, settings.secure_cookies);
            response
        }
        Err(error) => refused(&app, &chrome, &viewer, error.into()).await,
    }
}
