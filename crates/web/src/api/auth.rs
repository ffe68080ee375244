//! `/auth`: sign-up, login, token refresh, logout, and who am I.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use koprogo_app::App;
use koprogo_app::account::{Registration, Session};
use koprogo_domain::ids::TenantId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Authenticated, ClientIp};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(refresh))
        .routes(routes!(logout))
        .routes(routes!(me))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterBody {
    organization_name: String,
    email: String,
    password: String,
    first_name: String,
    last_name: String,
    /// fr, nl, de or en (default fr).
    language: Option<String>,
    /// Ignored: the first user of a new organisation is its syndic.
    #[schema(ignore)]
    #[serde(default, rename = "role")]
    _role: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    email: String,
    password: String,
    /// The organisation to act in; the user's first one by default.
    organization_id: Option<Uuid>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshBody {
    refresh_token: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionUser {
    id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    role: String,
    organization_id: Option<Uuid>,
    language: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionView {
    access_token: String,
    /// The same value as `access_token`, for clients of the earlier API.
    token: String,
    refresh_token: String,
    token_type: &'static str,
    /// Seconds until the access token expires.
    expires_in: i64,
    user: SessionUser,
}

impl From<Session> for SessionView {
    fn from(s: Session) -> Self {
        Self {
            token: s.access_token.clone(),
            access_token: s.access_token,
            refresh_token: s.refresh_token,
            token_type: "Bearer",
            expires_in: s.expires_in,
            user: SessionUser {
                id: s.user.id.as_uuid(),
                email: s.user.email.as_str().to_owned(),
                first_name: s.user.first_name.to_string(),
                last_name: s.user.last_name.to_string(),
                role: s.role.as_str().to_owned(),
                organization_id: s.tenant.map(TenantId::as_uuid),
                language: s.user.language.as_str().to_owned(),
            },
        }
    }
}

/// Creates an organisation and its first user (its syndic), and logs in.
#[utoipa::path(post, path = "/register", tag = "auth", request_body = RegisterBody,
    responses((status = 201, body = SessionView), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
async fn register(
    State(app): State<App>,
    ClientIp(ip): ClientIp,
    ApiJson(body): ApiJson<RegisterBody>,
) -> ApiResult<(StatusCode, Json<SessionView>)> {
    let session = app
        .register(Registration {
            organization_name: &body.organization_name,
            email: &body.email,
            password: &body.password,
            first_name: &body.first_name,
            last_name: &body.last_name,
            language: body.language.as_deref(),
            ip,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(session.into())))
}

/// Exchanges e-mail and password for an access token (15 min) and a refresh token.
#[utoipa::path(post, path = "/login", tag = "auth", request_body = LoginBody,
    responses((status = 200, body = SessionView), (status = 401, body = Problem), (status = 429, body = Problem)))]
async fn login(State(app): State<App>, ClientIp(ip): ClientIp, ApiJson(body): ApiJson<LoginBody>) -> ApiResult<Json<SessionView>> {
    let session = app.login(&body.email, &body.password, body.organization_id.map(TenantId::from_uuid), ip).await?;
    Ok(Json(session.into()))
}

/// Spends a refresh token for a new pair. A spent token presented again ends the session.
#[utoipa::path(post, path = "/refresh", tag = "auth", request_body = RefreshBody,
    responses((status = 200, body = SessionView), (status = 401, body = Problem)))]
async fn refresh(State(app): State<App>, ApiJson(body): ApiJson<RefreshBody>) -> ApiResult<Json<SessionView>> {
    Ok(Json(app.refresh(&body.refresh_token).await?.into()))
}

/// Ends the session of the token: its access and refresh tokens stop working.
#[utoipa::path(post, path = "/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem)))]
async fn logout(State(app): State<App>, auth: Authenticated) -> ApiResult<StatusCode> {
    app.logout(&auth.actor, auth.family).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct MembershipView {
    organization_id: Uuid,
    organization_name: String,
    role: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeView {
    id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    /// The role and organisation this token acts with.
    role: String,
    organization_id: Option<Uuid>,
    organizations: Vec<MembershipView>,
}

/// The user behind the token, and the organisations they may act in.
#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MeView), (status = 401, body = Problem)))]
async fn me(State(app): State<App>, auth: Authenticated) -> ApiResult<Json<MeView>> {
    let (user, memberships) = app.me(&auth.actor).await?;
    Ok(Json(MeView {
        id: user.id.as_uuid(),
        email: user.email.as_str().to_owned(),
        first_name: user.first_name.to_string(),
        last_name: user.last_name.to_string(),
        language: user.language.as_str().to_owned(),
        role: auth.actor.role.as_str().to_owned(),
        organization_id: auth.actor.tenant.map(TenantId::as_uuid),
        organizations: memberships
            .into_iter()
            .map(|(org, m)| MembershipView {
                organization_id: org.id.as_uuid(),
                organization_name: org.name.to_string(),
                role: m.role.as_str().to_owned(),
            })
            .collect(),
    }))
}
