//! Turning a template into a response, and any error into a page in the
//! reader's language (the same stable codes as the API's problem bodies).

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::Lang;
use super::session::Chrome;
use crate::error::ApiError;

/// 200 with the rendered page, or the error page if rendering failed.
pub fn page(chrome: &Chrome, template: &impl Template) -> Response {
    page_with_status(chrome, StatusCode::OK, template)
}

pub fn page_with_status(chrome: &Chrome, status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            error_page(chrome, &ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", ""))
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: &'a Chrome,
    message: String,
    request_id: Option<String>,
}

/// The page for an error: its status, and its code's message.
pub fn error_page(chrome: &Chrome, error: &ApiError) -> Response {
    let code = match error.status() {
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS => "unavailable",
        _ => error.code(),
    };
    let template = ErrorPage { chrome, message: chrome.lang.error(code), request_id: crate::extract::current_request_id() };
    match template.render() {
        Ok(html) => (error.status(), Html(html)).into_response(),
        Err(_) => error.status().into_response(),
    }
}

impl Chrome {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn languages(&self) -> [Lang; 3] {
        Lang::ALL
    }

    /// True when the menu entry `path` is this page or the section it opens
    /// (`/expenses` for `/expenses/new`); the dashboard only for itself.
    pub fn is_current(&self, path: &str) -> bool {
        let here = self.here.split('?').next().unwrap_or("/");
        if path == "/" { here == "/" } else { here == path || here.starts_with(&format!("{path}/")) }
    }

    /// This page's address as a query value, for the language switcher.
    pub fn here_encoded(&self) -> String {
        percent_encode(&self.here)
    }
}

pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
