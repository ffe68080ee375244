//! Responses are compressed when the client asks, with what it accepts;
//! documents, already compressed, are sent as they are.

use std::io::Read as _;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::helpers::{TestApp, expense_body};

/// The response to `path` asked with `accept-encoding: accept`: its encoding and its bytes as sent.
async fn fetch(t: &TestApp, path: &str, token: &str, accept: Option<&str>) -> (StatusCode, Option<String>, Vec<u8>) {
    let mut request = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {token}"));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = t.router.clone().oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
    let status = response.status();
    let encoding = response.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    (status, encoding, bytes)
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

fn unbrotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096).read_to_end(&mut out).expect("brotli");
    out
}

#[tokio::test]
async fn lists_are_compressed_as_the_client_asks_and_read_back_the_same() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    for n in 0..20 {
        t.create("/api/v1/expenses", syndic, expense_body(&estate.building, json!(10 + n))).await;
    }
    let path = "/api/v1/expenses?per_page=20";
    let (status, encoding, plain) = fetch(&t, path, syndic, None).await;
    assert_eq!((status, encoding), (StatusCode::OK, None), "nothing asked, nothing compressed");
    let listed: Value = serde_json::from_slice(&plain).expect("JSON");
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(20));

    let (_, encoding, gzipped) = fetch(&t, path, syndic, Some("gzip")).await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    assert_eq!(gunzip(&gzipped), plain);
    let (_, encoding, brotlied) = fetch(&t, path, syndic, Some("gzip, br")).await;
    assert_eq!(encoding.as_deref(), Some("br"), "brotli preferred when both are accepted");
    assert_eq!(unbrotli(&brotlied), plain);
    assert!(brotlied.len() * 4 < plain.len(), "{} bytes for {}", brotlied.len(), plain.len());
}

#[tokio::test]
async fn pages_are_compressed_and_documents_are_not() {
    let t = TestApp::new().await;
    let estate = t.estate().await;
    let syndic = &estate.tokens.syndic;
    let mut browser = crate::browser::Browser::default();
    browser.sign_in(&t, "syndic@horizon.be").await;
    let request = Request::get("/expenses")
        .header(header::COOKIE, format!("kp_access={}", browser.cookie("kp_access")))
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let response = t.router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.headers().get(header::CONTENT_ENCODING).map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    let page = gunzip(&response.into_body().collect().await.expect("body").to_bytes());
    assert!(String::from_utf8_lossy(&page).contains(r#"href="/expenses/new""#), "the expenses page itself");

    let building = &estate.building;
    let (status, encoding, sheet) = fetch(&t, &format!("/api/v1/buildings/{building}/ledger.xlsx"), syndic, Some("gzip, br")).await;
    assert_eq!((status, encoding), (StatusCode::OK, None), "a workbook is a zip already");
    assert!(sheet.starts_with(b"PK"));
}
