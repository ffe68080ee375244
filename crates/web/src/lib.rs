//! KoproGo's HTTP face: the JSON API (`api`) with its OpenAPI document, the
//! health probes, and the middleware every response goes through (request id,
//! tracing, security headers, body limit, panic containment).

pub mod api;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod ops;
pub mod pages;
pub mod serve;
pub mod wire;

use std::net::IpAddr;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use koprogo_app::App;
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use error::ApiError;

/// Bodies above this are refused with 413 before they are read whole.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// Peers whose `X-Forwarded-For` is believed (reverse proxies).
    pub trusted_proxies: Vec<IpAddr>,
    /// A client must send its request head within this time (slowloris).
    pub header_timeout: std::time::Duration,
    /// How a request body must arrive: after a grace period, at a minimum
    /// average rate; a body that trickles slower is cut off.
    pub body_pace: serve::BodyPace,
    /// Connections served at once; past it, new ones wait to be accepted.
    pub max_clients: usize,
    /// Marks the session cookies `Secure`: on when the service is reached over
    /// HTTPS (behind a TLS proxy), off for plain-HTTP development.
    pub secure_cookies: bool,
    /// A bearer token that may read `/metrics` (for a Prometheus scraper),
    /// besides platform admins' own tokens.
    pub metrics_token: Option<String>,
    /// The constants of CO2 per request on the operations dashboard.
    pub carbon: ops::Carbon,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: Vec::new(),
            header_timeout: std::time::Duration::from_secs(10),
            body_pace: serve::BodyPace::default(),
            max_clients: 512,
            secure_cookies: false,
            metrics_token: None,
            carbon: ops::Carbon::default(),
        }
    }
}

/// The whole application as a router; tests call it without a socket.
pub fn router(app: App, settings: WebSettings) -> Router {
    monitored_router(app, settings).0
}

/// The router with the counters and the operations samples it shows, for the
/// sampler that fills them (and the tests that play it).
pub fn monitored_router(app: App, settings: WebSettings) -> (Router, std::sync::Arc<ops::Ops>, std::sync::Arc<metrics::Metrics>) {
    let security_headers = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("strict-transport-security", "max-age=31536000; includeSubDomains"),
        ("content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
        ("cache-control", "no-store"),
    ];
    let counters = std::sync::Arc::new(metrics::Metrics::default());
    let operations = std::sync::Arc::new(ops::Ops::new(settings.carbon));
    let scrape = Router::new().route("/metrics", get(metrics::endpoint)).with_state((app.clone(), counters.clone()));
    let audited = app.clone();
    let mut router = api::routes()
        .merge(pages::routes(app.clone()))
        .route("/health", get(|| async { Json(serde_json::json!({ "status": "ok" })) }))
        .route("/health/ready", get(ready))
        .fallback(pages::session::not_found)
        .method_not_allowed_fallback(|| async {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", "This method is not allowed on this path.")
        })
        .with_state(app)
        .merge(scrape)
        .layer(middleware::from_fn_with_state(counters.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(CatchPanicLayer::custom(|_: Box<dyn std::any::Any + Send>| -> Response {
            tracing::error!("a handler panicked");
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "An unexpected error occurred; it has been logged.")
                .into_response()
        }));
    for (name, value) in security_headers {
        router = router.layer(SetResponseHeaderLayer::if_not_present(HeaderName::from_static(name), HeaderValue::from_static(value)));
    }
    let router = router
        .layer(axum::Extension(operations.clone()))
        .layer(axum::Extension(counters.clone()))
        .layer(middleware::from_fn_with_state(audited, extract::audit_context))
        .layer(axum::Extension(settings))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id = %id)
        }))
        .layer(middleware::from_fn(extract::printable_query))
        .layer(middleware::from_fn(extract::request_id))
        .layer(SetResponseHeaderLayer::if_not_present(header::SERVER, HeaderValue::from_static("koprogo")))
        .layer(compression());
    (router, operations, counters)
}

/// Pages and JSON are compressed (brotli or gzip) when the client asks, at
/// the fastest level: most answers are a few kilobytes, where it keeps most
/// of the saving for a fraction of the CPU (docs/PERFORMANCE.md). Documents
/// are not: PDF, Excel and zip files are compressed already.
fn compression() -> CompressionLayer<impl Predicate> {
    let predicate = DefaultPredicate::new()
        .and(NotForContentType::new("application/pdf"))
        .and(NotForContentType::new("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        .and(NotForContentType::new("application/zip"));
    CompressionLayer::new().no_deflate().no_zstd().quality(CompressionLevel::Fastest).compress_when(predicate)
}

/// Readiness: 200 when the database answers, else 503 with `Retry-After`.
async fn ready(State(app): State<App>) -> Result<Json<serde_json::Value>, ApiError> {
    app.ready().await?;
    Ok(Json(serde_json::json!({ "status": "ready" })))
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    settings: WebSettings,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let limits =
        serve::Limits { header_timeout: settings.header_timeout, body_pace: settings.body_pace, max_clients: settings.max_clients };
    let (router, operations, counters) = monitored_router(app.clone(), settings);
    let sampler = tokio::spawn(ops::run(operations, counters, app));
    let served = serve::run(listener, router, limits, shutdown).await;
    sampler.abort();
    served
}
