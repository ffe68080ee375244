//! The one place where errors become HTTP statuses: RFC 9457 problem details
//! (`application/problem+json`) with a stable `code`, a human `detail`, the
//! invalid fields, and the request id. Internal causes are logged here, once,
//! and never sent.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use koprogo_app::AppError;
use koprogo_domain::error::Violations;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::current_request_id;

/// An RFC 9457 problem, as every error response carries it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`urn:koprogo:problem:<code>`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'static str,
    pub status: u16,
    /// Stable, machine-readable code, e.g. `validation_failed`, `quota.exceeds_base`.
    pub code: String,
    pub detail: String,
    /// One entry per invalid field, for validation failures.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The `x-request-id` of the request, to quote when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub detail: String,
}

/// An error on its way to the client.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: String,
    detail: String,
    errors: Vec<FieldError>,
    retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { status, code: code.into(), detail: detail.into(), errors: Vec::new(), retry_after: None }
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "No such resource.")
    }

    pub fn invalid(violations: &Violations) -> Self {
        let errors = violations
            .iter()
            .map(|(field, invalid)| FieldError {
                field: field.clone(),
                code: invalid.code().to_owned(),
                detail: format!("{field} {invalid}"),
            })
            .collect();
        Self { errors, ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed", "Some fields are invalid.") }
    }

    /// A problem with one field, outside domain validation (e.g. JSON shape).
    pub fn field(status: StatusCode, field: &str, code: &str, detail: &str) -> Self {
        let errors = vec![FieldError { field: field.to_owned(), code: code.to_owned(), detail: detail.to_owned() }];
        Self { errors, ..Self::new(status, "validation_failed", "Some fields are invalid.") }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// (field, code) of each invalid field, for a form to show them in place.
    pub fn field_errors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.errors.iter().map(|e| (e.field.as_str(), e.code.as_str()))
    }

    pub fn code(&self) -> &str {
        &self.code
    }
}

/// A body that could not be read: too large for its route (413), arriving
/// slower than its pace (408, `serve::BodyPace`), or cut off (400).
impl From<axum::extract::rejection::BytesRejection> for ApiError {
    fn from(rejection: axum::extract::rejection::BytesRejection) -> Self {
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&rejection);
        while let Some(error) = cause {
            if error.is::<crate::serve::TooSlow>() {
                return Self::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", "The body arrived too slowly; send it again.");
            }
            cause = error.source();
        }
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "The body is larger than this address accepts.")
            }
            _ => Self::new(StatusCode::BAD_REQUEST, "unreadable_body", "The body could not be read."),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Invalid(violations) => Self::invalid(&violations),
            AppError::Rule(rule) => Self::new(StatusCode::UNPROCESSABLE_ENTITY, rule.code(), rule.to_string()),
            AppError::NotFound => Self::not_found(),
            AppError::Forbidden => Self::new(StatusCode::FORBIDDEN, "forbidden", "Your role does not allow this."),
            AppError::Unauthenticated => Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", "Missing, invalid or expired credentials."),
            AppError::RateLimited { retry_after_secs } => Self {
                retry_after: Some(retry_after_secs),
                ..Self::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited", format!("Too many attempts; retry in {retry_after_secs} s."))
            },
            AppError::Conflict(code) => Self::new(StatusCode::CONFLICT, code, conflict_detail(code)),
            AppError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "storage unavailable");
                Self {
                    retry_after: Some(2),
                    ..Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "The service is briefly unavailable.")
                }
            }
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error");
                Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "An unexpected error occurred; it has been logged.")
            }
        }
    }
}

fn conflict_detail(code: &str) -> &'static str {
    match code {
        "email_taken" => "An account already uses this e-mail address.",
        "unit.number_taken" => "The building already has a unit with this number.",
        "building.has_units" => "Delete the building's units first.",
        "building.has_expenses" => "The building has expenses; they are part of its books.",
        "unit.has_ownerships" => "Remove the unit's ownerships first.",
        "owner.has_ownerships" => "Remove the owner's ownerships first.",
        "owner.has_account" => "A user account is linked to this owner.",
        "import.exists" => "This organisation already holds part of this file: it was imported before.",
        "call.key_reused" => "This idempotency key already issued a call with other figures: preview the new call to get its own key.",
        "call.issuing" => "This call is being issued by another request with the same key; look at the calls in a moment.",
        "unknown_reference" | "membership.unknown_reference" => "A referenced object does not exist in this organisation.",
        _ => "The request conflicts with existing data.",
    }
}

fn title(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = Problem {
            kind: format!("urn:koprogo:problem:{}", self.code),
            title: title(self.status),
            status: self.status.as_u16(),
            code: self.code,
            detail: self.detail,
            errors: self.errors,
            request_id: current_request_id(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
