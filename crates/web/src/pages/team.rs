//! The team page of a syndic: the organisation's members and invitations,
//! inviting a colleague or an owner (the link to hand over is shown once),
//! withdrawing an invitation, removing a member, and a password reset link;
//! and the pages an invited person or a member with a reset link opens.

use askama::Template;
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_app::team::{Acceptance, Link};
use koprogo_domain::account::Role;
use koprogo_domain::ids::{BuildingId, InvitationId, OwnerId, UserId};

use super::calls::{building_names, name_of};
use super::i18n::Lang;
use super::render::{error_page, page, page_with_status};
use super::session::{self, Chrome, Form, Viewer, with_flash};
use crate::WebSettings;
use crate::api::team::{invite_path, reset_path, status_of};
use crate::error::ApiError;

pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub role: String,
    pub scope: String,
    pub id: String,
    pub is_me: bool,
}

pub struct InvitationRow {
    pub email: String,
    pub role: String,
    pub status: String,
    pub expires: String,
    pub revoke: Option<String>,
}

#[derive(Template)]
#[template(path = "team.html")]
struct TeamPage<'a> {
    chrome: &'a Chrome,
    members: Vec<MemberRow>,
    invitations: Vec<InvitationRow>,
    buildings: Vec<(String, String)>,
    /// Inviting an owner: (owner id, name), from the owner's page.
    owner: Option<(String, String)>,
    email: String,
    error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Prefill {
    owner_id: Option<String>,
}

fn role_label(chrome: &Chrome, role: Role) -> String {
    chrome.t(&format!("role-{}", role.as_str()))
}

async fn team_page(app: &App, chrome: &Chrome, viewer: &Viewer, prefill: &Prefill, error: Option<&ApiError>) -> Result<Response, ApiError> {
    let (team, names) = tokio::try_join!(app.team(&viewer.actor), building_names(app, viewer))?;
    let owner_ids: Vec<OwnerId> = team.members.iter().filter_map(|(_, m)| m.owner).collect();
    let owners = app.owner_names(&viewer.actor, &owner_ids).await?;
    let lang = chrome.lang;
    let members = team
        .members
        .iter()
        .map(|(user, m)| MemberRow {
            name: format!("{} {}", user.first_name, user.last_name),
            email: user.email.as_str().to_owned(),
            role: role_label(chrome, m.role),
            scope: match (m.owner, m.buildings.is_empty()) {
                (Some(owner), _) => owners.get(&owner).cloned().unwrap_or_default(),
                (None, false) => m.buildings.iter().map(|b| name_of(&names, b)).collect::<Vec<_>>().join(", "),
                (None, true) => String::new(),
            },
            id: user.id.to_string(),
            is_me: user.id == viewer.actor.user_id,
        })
        .collect();
    let now = app.clock.now();
    let invitations = team
        .invitations
        .iter()
        .map(|i| {
            let status = status_of(i, now);
            InvitationRow {
                email: i.email.as_str().to_owned(),
                role: role_label(chrome, i.role),
                status: chrome.t(&format!("invitation-{status}")),
                expires: lang.time(i.expires_at),
                revoke: (status == "pending").then(|| format!("/team/invitations/{}/revoke", i.id)),
            }
        })
        .collect();
    // Inviting an owner from their record: their name, and their address to start from.
    let (owner, email) = match prefill.owner_id.as_deref().and_then(|o| o.parse::<uuid::Uuid>().ok()) {
        Some(id) => {
            let found = app.owner(&viewer.actor, OwnerId::from_uuid(id)).await?;
            let email = found.details.email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default();
            (Some((id.to_string(), found.details.display_name())), email)
        }
        None => (None, String::new()),
    };
    let error = error.map(|e| match e.field_errors().next() {
        Some((field, code)) => format!("{} : {}", chrome.t(&format!("team-{field}")), lang.error(code)),
        None => lang.error(e.code()),
    });
    let template = TeamPage { chrome, members, invitations, buildings: names, owner, email, error };
    let status = if template.error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    Ok(page_with_status(chrome, status, &template))
}

pub async fn show(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(prefill): Query<Prefill>) -> Response {
    team_page(&app, &chrome, &viewer, &prefill, None).await.unwrap_or_else(|error| error_page(&chrome, &error))
}

#[derive(Template)]
#[template(path = "team_link.html")]
struct LinkPage<'a> {
    chrome: &'a Chrome,
    title: String,
    explained: String,
    link: String,
    expires: String,
}

/// The address to hand over: this service's own, as the browser reached it.
fn absolute(settings: &WebSettings, headers: &HeaderMap, path: &str) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let scheme = if settings.secure_cookies { "https" } else { "http" };
    format!("{scheme}://{host}{path}")
}

fn link_page(chrome: &Chrome, title: &str, explained: String, link: String, expiry: &Link) -> Response {
    let expires = chrome.lang.time(expiry.expires_at);
    page(chrome, &LinkPage { chrome, title: chrome.t(title), explained, link, expires })
}

pub async fn invite(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Extension(settings): Extension<WebSettings>,
    headers: HeaderMap,
    form: Form,
) -> Response {
    let owner = form.get("owner_id").trim().parse::<uuid::Uuid>().ok().map(OwnerId::from_uuid);
    let role = if owner.is_some() { "owner" } else { form.get("role") };
    let buildings: Vec<BuildingId> =
        form.0.iter().filter(|(k, _)| k == "building_ids").filter_map(|(_, v)| v.parse().ok()).map(BuildingId::from_uuid).collect();
    let invite = koprogo_app::team::Invite { email: form.get("email"), role, owner, buildings };
    match app.invite(&viewer.actor, invite).await {
        Ok((invitation, link)) => {
            let explained = chrome.lang.t_with(
                "team-invite-link",
                &[("email", invitation.email.as_str().to_owned().into()), ("role", role_label(&chrome, invitation.role).into())],
            );
            link_page(&chrome, "team-invited", explained, absolute(&settings, &headers, &invite_path(&link)), &link)
        }
        Err(error) => {
            let prefill = Prefill { owner_id: owner.map(|o| o.to_string()) };
            let error = ApiError::from(error);
            team_page(&app, &chrome, &viewer, &prefill, Some(&error)).await.unwrap_or_else(|e| error_page(&chrome, &e))
        }
    }
}

pub async fn revoke(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>, _form: Form) -> Response {
    match app.revoke_invitation(&viewer.actor, InvitationId::from_uuid(id)).await {
        Ok(()) => with_flash(Redirect::to("/team").into_response(), "done-invitation-revoked"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn reset_link(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Extension(settings): Extension<WebSettings>,
    headers: HeaderMap,
    Path(id): Path<uuid::Uuid>,
    _form: Form,
) -> Response {
    match app.reset_link(&viewer.actor, UserId::from_uuid(id)).await {
        Ok(link) => link_page(&chrome, "team-reset", chrome.t("team-reset-link"), absolute(&settings, &headers, &reset_path(&link)), &link),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

#[derive(Template)]
#[template(path = "team_remove.html")]
struct RemovePage<'a> {
    chrome: &'a Chrome,
    id: String,
    name: String,
}

pub async fn confirm_remove(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>) -> Response {
    let team = match app.team(&viewer.actor).await {
        Ok(team) => team,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    match team.members.iter().find(|(u, _)| u.id.as_uuid() == id) {
        Some((user, _)) => {
            let name = format!("{} {} ({})", user.first_name, user.last_name, user.email.as_str());
            page(&chrome, &RemovePage { chrome: &chrome, id: id.to_string(), name })
        }
        None => error_page(&chrome, &ApiError::not_found()),
    }
}

pub async fn remove(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>, _form: Form) -> Response {
    match app.remove_member(&viewer.actor, UserId::from_uuid(id)).await {
        Ok(()) => with_flash(Redirect::to("/team").into_response(), "done-member-removed"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage<'a> {
    chrome: &'a Chrome,
    token: String,
    organization: String,
    email: String,
    role: String,
    has_account: bool,
    errors: Vec<(String, String)>,
}

impl InvitePage<'_> {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

async fn invite_page(app: &App, chrome: &Chrome, token: &str, error: Option<&ApiError>) -> Response {
    let found = match app.invitation(token).await {
        Ok(found) => found,
        Err(koprogo_app::AppError::NotFound) => return error_page(chrome, &not_live()),
        Err(error) => return error_page(chrome, &error.into()),
    };
    let errors = error
        .map(|e| {
            let mut fields: Vec<(String, String)> = e.field_errors().map(|(f, c)| (f.to_owned(), chrome.lang.error(c))).collect();
            if fields.is_empty() {
                fields.push(("form".to_owned(), chrome.lang.error(e.code())));
            }
            fields
        })
        .unwrap_or_default();
    let template = InvitePage {
        chrome,
        token: token.to_owned(),
        organization: found.organization.name.to_string(),
        email: found.invitation.email.as_str().to_owned(),
        role: role_label(chrome, found.invitation.role),
        has_account: found.has_account,
        errors,
    };
    let status = if template.errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    page_with_status(chrome, status, &template)
}

/// A link used, withdrawn or past its date: said as such, not as a missing page.
fn not_live() -> ApiError {
    ApiError::new(axum::http::StatusCode::NOT_FOUND, "invitation.not_live", "This link was used, withdrawn or has expired.")
}

pub async fn invitation(State(app): State<App>, chrome: Chrome, Path(token): Path<String>) -> Response {
    invite_page(&app, &chrome, &token, None).await
}

pub async fn accept(
    State(app): State<App>,
    chrome: Chrome,
    Extension(settings): Extension<WebSettings>,
    Path(token): Path<String>,
    form: Form,
) -> Response {
    let language = Lang::parse(form.get("language")).unwrap_or(chrome.lang).language();
    let acceptance =
        Acceptance { first_name: form.get("first_name"), last_name: form.get("last_name"), password: form.get("password"), language };
    match app.accept_invitation(&token, acceptance).await {
        Ok(session) => {
            let mut response = with_flash(Redirect::to("/").into_response(), "done-welcome");
            session::set_session(&mut response, settings.secure_cookies, &session);
            session::set_language(&mut response, settings.secure_cookies, Lang::from_user(session.user.language));
            response
        }
        Err(error) => invite_page(&app, &chrome, &token, Some(&error.into())).await,
    }
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage<'a> {
    chrome: &'a Chrome,
    /// None: the forgotten-password page, which sends the reader to their syndic.
    token: Option<String>,
    error: Option<String>,
}

pub async fn forgot(chrome: Chrome) -> Response {
    page(&chrome, &ResetPage { chrome: &chrome, token: None, error: None })
}

pub async fn reset_form(chrome: Chrome, Path(token): Path<String>) -> Response {
    page(&chrome, &ResetPage { chrome: &chrome, token: Some(token), error: None })
}

pub async fn reset(State(app): State<App>, chrome: Chrome, Path(token): Path<String>, form: Form) -> Response {
    match app.reset_password(&token, form.get("password")).await {
        Ok(()) => with_flash(Redirect::to("/login").into_response(), "done-password-reset"),
        Err(error) => {
            let error = ApiError::from(error);
            let message = error.field_errors().next().map_or_else(|| chrome.lang.error(not_live().code()), |(_, c)| chrome.lang.error(c));
            let status = error.status();
            page_with_status(&chrome, status, &ResetPage { chrome: &chrome, token: Some(token), error: Some(message) })
        }
    }
}
