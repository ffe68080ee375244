//! What handlers take from a request: the authenticated actor, the client IP,
//! JSON bodies and query strings that fail as problem details, and the
//! request id carried for error bodies and logs.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use koprogo_app::App;
use koprogo_app::access::Actor;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::WebSettings;
use crate::error::ApiError;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Takes the client's `x-request-id` when it is sane, or makes one; returns it
/// on the response and keeps it for error bodies and the trace span.
pub async fn request_id(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .map_or_else(|| Uuid::now_v7().to_string(), str::to_owned);
    if let Ok(value) = id.parse() {
        request.headers_mut().insert("x-request-id", value);
    }
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = id.parse() {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Refuses a query string that holds control characters, naming the
/// parameter (422): a NUL in a filter made PostgreSQL fail the query, and
/// no filter, page or sort of ours has any use for one.
pub async fn printable_query(request: Request, next: Next) -> Response {
    if request.uri().query().is_some_and(|q| q.contains('%'))
        && let Ok(axum::extract::Query(pairs)) = axum::extract::Query::<Vec<(String, String)>>::try_from_uri(request.uri())
        && let Some((name, _)) = pairs.iter().find(|(k, v)| k.chars().chain(v.chars()).any(char::is_control))
    {
        let field = if name.chars().any(char::is_control) { "query" } else { name.as_str() };
        return ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, "not_one_of", "may hold printable characters only")
            .into_response();
    }
    next.run(request).await
}

/// Gives the use cases the request's id and client address for the audit
/// trail, and writes a refusal by the policy (403 to a signed-in actor) to
/// the trail once the answer is known.
pub async fn audit_context(State(app): State<App>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let ClientIp(ip) = match ClientIp::from_request_parts(&mut parts, &()).await {
        Ok(ip) => ip,
        Err(never) => match never {},
    };
    let (method, path) = (parts.method.to_string(), parts.uri.path().to_owned());
    let context = koprogo_app::audit::RequestContext::new(current_request_id().unwrap_or_default(), ip);
    let request = Request::from_parts(parts, body);
    let served = app.serve_request(context, async {
        let response = next.run(request).await;
        if response.status() == StatusCode::FORBIDDEN
            && let Err(error) = app.record_denial(&method, &path).await
        {
            tracing::warn!(%error, "a refusal could not be written to the audit trail");
        }
        response
    });
    served.await.unwrap_or_else(|| {
        crate::error::ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "The request did not complete.").into_response()
    })
}

/// The actor behind the request's bearer token, and its session family.
pub struct Authenticated {
    pub actor: Actor,
    pub family: Uuid,
}

impl FromRequestParts<App> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .ok_or_else(|| ApiError::from(koprogo_app::AppError::Unauthenticated))?;
        let (actor, family) = app.authenticate(token).await?;
        koprogo_app::audit::note_actor(&actor);
        Ok(Self { actor, family })
    }
}

/// The client's address: the peer, or the last `X-Forwarded-For` hop when the
/// peer is a trusted proxy (anyone else could forge the header).
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let trusted = parts.extensions.get::<WebSettings>().is_some_and(|s| peer.is_some_and(|p| s.trusted_proxies.contains(&p)));
        if trusted {
            let forwarded = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|ip| ip.trim().parse().ok());
            return Ok(Self(forwarded.or(peer)));
        }
        Ok(Self(peer))
    }
}

/// A JSON body: 415 without a JSON content type, 413 past the size limit,
/// 400 when it is not JSON, 422 naming the field when it has the wrong shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(&request) {
            return Err(not_json());
        }
        parse_json(&json_bytes(request, state).await?).map(Self)
    }
}

/// A JSON body that may be left out (an empty body is `None`); when sent, as `ApiJson`.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = is_json(&request);
        let bytes = json_bytes(request, state).await?;
        match (bytes.is_empty(), json) {
            (true, _) => Ok(Self(None)),
            (false, false) => Err(not_json()),
            (false, true) => parse_json(&bytes).map(|v| Self(Some(v))),
        }
    }
}

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || (v.starts_with("application/") && v.ends_with("+json")))
}

fn not_json() -> ApiError {
    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "Send the body as application/json.")
}

async fn json_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state).await.map_err(|rejection| match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The body is larger than 1 MiB.")
        }
        _ => ApiError::from(rejection),
    })
}

/// A body taken as bytes (a bank file, a zip), its read errors as problems.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(request, state).await.map(Self).map_err(ApiError::from)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        shape_error(error.into_inner(), path)
    })?;
    deserializer.end().map_err(|e| shape_error(e, String::from(".")))?;
    Ok(value)
}

fn shape_error(error: serde_json::Error, path: String) -> ApiError {
    if error.is_data() {
        let field = if path == "." { "body".to_owned() } else { path };
        let (code, detail) = shape_problem(&error);
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, &field, code, detail)
    } else {
        let detail = format!("The body is not valid JSON (line {}, column {}).", error.line(), error.column());
        ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", detail)
    }
}

/// A short, safe description of a shape error (serde's messages name the
/// expected type or field, never internal state, but we keep our own words).
fn shape_problem(error: &serde_json::Error) -> (&'static str, &'static str) {
    let message = error.to_string();
    if message.starts_with("unknown field") {
        ("unknown_field", "This field is not accepted here.")
    } else if message.starts_with("missing field") {
        ("required", "This field is required.")
    } else if message.contains("invalid type") {
        ("invalid_type", "This field has the wrong type.")
    } else {
        ("invalid", "This field has an invalid value.")
    }
}

/// A query string, or 400 naming the problem.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, "malformed_query", "The query string has unknown or repeated parameters."))
    }
}

impl Authenticated {
    /// The acting organisation's id, for views.
    pub fn tenant(&self) -> Option<Uuid> {
        self.actor.tenant.map(koprogo_domain::ids::TenantId::as_uuid)
    }
}
