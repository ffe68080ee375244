//! `/team`: an organisation's members and invitations, for its syndics; and
//! `/invitations/{token}`: the link an invited person opens to join.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::account::{Membership, User};
use koprogo_app::ports::team::Invitation;
use koprogo_app::team::{Acceptance, Invite, Link};
use koprogo_domain::account::Language;
use koprogo_domain::ids::{BuildingId, InvitationId, OwnerId, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::auth::SessionView;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, Authenticated};
use crate::wire::Id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(team))
        .routes(routes!(invite))
        .routes(routes!(revoke))
        .routes(routes!(remove_member))
        .routes(routes!(reset_link))
        .routes(routes!(invitation))
        .routes(routes!(accept))
        .routes(routes!(reset_password))
}

#[derive(Serialize, ToSchema)]
pub struct MemberView {
    user_id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    role: String,
    owner_id: Option<Uuid>,
    building_ids: Vec<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitationView {
    id: Uuid,
    email: String,
    role: String,
    owner_id: Option<Uuid>,
    building_ids: Vec<Uuid>,
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    /// pending, expired or revoked.
    status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct TeamView {
    members: Vec<MemberView>,
    /// Not accepted yet, newest first.
    invitations: Vec<InvitationView>,
}

pub fn member_view((user, m): (User, Membership)) -> MemberView {
    MemberView {
        user_id: user.id.as_uuid(),
        email: user.email.as_str().to_owned(),
        first_name: user.first_name.to_string(),
        last_name: user.last_name.to_string(),
        role: m.role.as_str().to_owned(),
        owner_id: m.owner.map(OwnerId::as_uuid),
        building_ids: m.buildings.iter().map(|b| b.as_uuid()).collect(),
    }
}

/// pending, expired or revoked, at `now`.
pub fn status_of(i: &Invitation, now: DateTime<Utc>) -> &'static str {
    match (i.revoked_at, i.expires_at <= now) {
        (Some(_), _) => "revoked",
        (None, true) => "expired",
        (None, false) => "pending",
    }
}

fn invitation_view(i: Invitation, now: DateTime<Utc>) -> InvitationView {
    InvitationView {
        status: status_of(&i, now),
        id: i.id.as_uuid(),
        email: i.email.as_str().to_owned(),
        role: i.role.as_str().to_owned(),
        owner_id: i.owner.map(OwnerId::as_uuid),
        building_ids: i.buildings.iter().map(|b| b.as_uuid()).collect(),
        expires_at: i.expires_at,
        revoked_at: i.revoked_at,
        created_at: i.created_at,
    }
}

/// The organisation's members and the invitations not accepted yet (syndics).
#[utoipa::path(get, path = "/api/v1/team", tag = "team", security(("bearer" = [])), responses((status = 200, body = TeamView)))]
async fn team(State(app): State<App>, auth: Authenticated) -> ApiResult<Json<TeamView>> {
    let team = app.team(&auth.actor).await?;
    let now = app.clock.now();
    Ok(Json(TeamView {
        members: team.members.into_iter().map(member_view).collect(),
        invitations: team.invitations.into_iter().map(|i| invitation_view(i, now)).collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteBody {
    email: String,
    /// syndic, accountant, board_member (with `building_ids`) or owner (with `owner_id`).
    role: String,
    owner_id: Option<Uuid>,
    #[serde(default)]
    building_ids: Vec<Uuid>,
}

impl InviteBody {
    pub fn invite(&self) -> Invite<'_> {
        Invite {
            email: &self.email,
            role: &self.role,
            owner: self.owner_id.map(OwnerId::from_uuid),
            buildings: self.building_ids.iter().copied().map(BuildingId::from_uuid).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct LinkView {
    /// The page to open, to hand over (no e-mail is sent): `/invite/…` or `/password/reset/…`.
    link: String,
    expires_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct InvitedView {
    #[serde(flatten)]
    invitation: InvitationView,
    #[serde(flatten)]
    link: LinkView,
}

pub fn invite_path(link: &Link) -> String {
    format!("/invite/{}", link.token)
}

pub fn reset_path(link: &Link) -> String {
    format!("/password/reset/{}", link.token)
}

/// Invites someone to the organisation with a role; the answer carries the
/// link to hand over, which works once within 7 days.
#[utoipa::path(post, path = "/api/v1/team/invitations", tag = "team", security(("bearer" = [])), request_body = InviteBody,
    responses((status = 201, body = InvitedView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn invite(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<InviteBody>,
) -> ApiResult<(StatusCode, Json<InvitedView>)> {
    let (invitation, link) = app.invite(&auth.actor, body.invite()).await?;
    let view = InvitedView {
        invitation: invitation_view(invitation, app.clock.now()),
        link: LinkView { link: invite_path(&link), expires_at: link.expires_at },
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// Withdraws an invitation not accepted yet: its link stops working.
#[utoipa::path(delete, path = "/api/v1/team/invitations/{id}", tag = "team", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn revoke(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.revoke_invitation(&auth.actor, InvitationId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends a member's access to the organisation; never its last syndic (`user.last_syndic`).
#[utoipa::path(delete, path = "/api/v1/team/members/{id}", tag = "team", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn remove_member(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.remove_member(&auth.actor, UserId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A link for a member to choose a new password (24 h, once), to hand over.
#[utoipa::path(post, path = "/api/v1/team/members/{id}/password-reset", tag = "team", security(("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = LinkView), (status = 404, body = Problem)))]
async fn reset_link(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<LinkView>> {
    let link = app.reset_link(&auth.actor, UserId::from_uuid(id)).await?;
    Ok(Json(LinkView { link: reset_path(&link), expires_at: link.expires_at }))
}

#[derive(Serialize, ToSchema)]
pub struct OpenInvitationView {
    organization: String,
    email: String,
    role: String,
    expires_at: DateTime<Utc>,
    /// The address already has an account: accept with its password.
    has_account: bool,
}

/// What an invitation link offers, while it works (404 once used, revoked or expired).
#[utoipa::path(get, path = "/api/v1/invitations/{token}", tag = "team", params(("token" = String, Path)),
    responses((status = 200, body = OpenInvitationView), (status = 404, body = Problem)))]
async fn invitation(State(app): State<App>, Path(token): Path<String>) -> ApiResult<Json<OpenInvitationView>> {
    let found = app.invitation(&token).await?;
    Ok(Json(OpenInvitationView {
        organization: found.organization.name.to_string(),
        email: found.invitation.email.as_str().to_owned(),
        role: found.invitation.role.as_str().to_owned(),
        expires_at: found.invitation.expires_at,
        has_account: found.has_account,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// For a new account (ignored when the address has one).
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    /// The new account's password, or the existing account's.
    password: String,
    /// fr, nl, de or en (default fr).
    language: Option<String>,
}

impl AcceptBody {
    pub fn acceptance(&self) -> Result<Acceptance<'_>, ApiError> {
        let language = match self.language.as_deref() {
            None | Some("") => Language::Fr,
            Some(raw) => Language::parse(raw).map_err(|e| ApiError::from(koprogo_app::AppError::invalid("language", e)))?,
        };
        Ok(Acceptance { first_name: &self.first_name, last_name: &self.last_name, password: &self.password, language })
    }
}

/// Joins the organisation through the invitation, once, and signs in.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "team", params(("token" = String, Path)), request_body = AcceptBody,
    responses((status = 201, body = SessionView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn accept(
    State(app): State<App>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<AcceptBody>,
) -> ApiResult<(StatusCode, Json<SessionView>)> {
    let session = app.accept_invitation(&token, body.acceptance()?).await?;
    Ok((StatusCode::CREATED, Json(session.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetBody {
    /// The token of the reset link (`/password/reset/{token}`).
    token: String,
    password: String,
}

/// Sets a new password through a reset link, once; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetBody,
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn reset_password(State(app): State<App>, ApiJson(body): ApiJson<ResetBody>) -> ApiResult<StatusCode> {
    app.reset_password(&body.token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
