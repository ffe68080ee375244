//! A browser for the page tests: the cookies it was given, its languages,
//! and forms submitted with the token every page puts in them.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::helpers::{PASSWORD, TestApp};

/// A browser: the cookies it was given, and its languages.
#[derive(Default)]
pub struct Browser {
    pub cookies: Vec<(String, String)>,
    pub accept_language: Option<&'static str>,
}

pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub html: String,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

impl Browser {
    pub fn cookie(&self, name: &str) -> String {
        self.cookies.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub async fn open(&mut self, app: &TestApp, method: Method, path: &str, form: Option<&[(&str, &str)]>) -> Page {
        let mut request = Request::builder().method(method).uri(path).header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8");
        let cookies: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        if !cookies.is_empty() {
            request = request.header(header::COOKIE, cookies.join("; "));
        }
        if let Some(lang) = self.accept_language {
            request = request.header(header::ACCEPT_LANGUAGE, lang);
        }
        let body = match form {
            Some(fields) => {
                request = request.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
                let encoded: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
                Body::from(encoded.join("&"))
            }
            None => Body::empty(),
        };
        let response = app.router.clone().oneshot(request.body(body).expect("request")).await.expect("infallible");
        let (status, headers) = (response.status(), response.headers().clone());
        for cookie in headers.get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()) {
            let (pair, attributes) = cookie.split_once(';').unwrap_or((cookie, ""));
            let (name, value) = pair.split_once('=').expect("name=value");
            self.cookies.retain(|(n, _)| n != name);
            if !attributes.contains("Max-Age=0") {
                self.cookies.push((name.to_owned(), value.to_owned()));
            }
        }
        // Downloads (PDF, Excel) are bytes: only pages need to be text.
        let html = String::from_utf8_lossy(&response.into_body().collect().await.expect("body").to_bytes()).into_owned();
        Page { status, headers, html }
    }

    pub async fn get(&mut self, app: &TestApp, path: &str) -> Page {
        self.open(app, Method::GET, path, None).await
    }

    /// Submits a form with the token the pages put in every form.
    pub async fn submit(&mut self, app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.cookie("kp_csrf");
        let mut with_token = vec![("_csrf", token.as_str())];
        with_token.extend_from_slice(fields);
        self.open(app, Method::POST, path, Some(&with_token)).await
    }

    /// Uploads a file as a page's upload form does (multipart, with the form token).
    pub async fn upload(&mut self, app: &TestApp, path: &str, name: &str, file: &[u8]) -> Page {
        let boundary = "koprogo-test-boundary";
        let token = self.cookie("kp_csrf");
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{boundary}\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let cookies: Vec<String> = self.cookies.iter().map(|(n, v)| format!("{n}={v}")).collect();
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::COOKIE, cookies.join("; "))
            .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(Body::from(body))
            .expect("request");
        let response = app.router.clone().oneshot(request).await.expect("infallible");
        let (status, headers) = (response.status(), response.headers().clone());
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Page { status, headers, html: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn sign_in(&mut self, app: &TestApp, email: &str) {
        self.get(app, "/login").await;
        let page = self.submit(app, "/login", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    }
}

pub fn encode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") }).collect()
}
