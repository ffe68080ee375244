//! The persons' rights: an owner's or a login's data as JSON (access and
//! portability), consent to e-mail convocations, erasure, and the register
//! of processing activities generated from the data inventory.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::privacy::access::{OwnerRecord, UserRecord};
use koprogo_app::privacy::inventory::{ACTIVITIES, columns_of};
use koprogo_app::reminders::AddressedReminder;
use koprogo_domain::ids::{OwnerId, TenantId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::audit::AuditEventView;
use super::owners::OwnerView;
use super::ownerships::OwnershipView;
use super::payments::{AccountLineView, PaymentView};
use super::reminders::ReminderView;
use super::statements::ChargeView;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, Authenticated};
use crate::wire::Id;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(owner_data))
        .routes(routes!(consent))
        .routes(routes!(erase))
        .routes(routes!(my_data))
        .routes(routes!(erase_me))
        .routes(routes!(register))
}

#[derive(Serialize, ToSchema)]
pub struct HoldingView {
    #[serde(flatten)]
    ownership: OwnershipView,
    unit_number: String,
    building_id: Uuid,
    building_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginView {
    user_id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    role: String,
    created_at: DateTime<Utc>,
}

/// Everything about one owner record, in one organisation.
#[derive(Serialize, ToSchema)]
pub struct OwnerDataView {
    generated_at: DateTime<Utc>,
    /// The association's syndic office: the controller of this data.
    organization_id: Uuid,
    organization_name: String,
    owner: OwnerView,
    /// registered_mail, or email where the owner agreed to it.
    convocation_by: String,
    holdings: Vec<HoldingView>,
    charges: Vec<ChargeView>,
    calls: Vec<AccountLineView>,
    payments: Vec<PaymentView>,
    reminders: Vec<ReminderView>,
    logins: Vec<LoginView>,
    /// The audit trail's events about the record and by its logins (personal values masked).
    events: Vec<AuditEventView>,
}

pub(crate) fn owner_data_view(r: OwnerRecord) -> OwnerDataView {
    let tenant = r.organization.id.as_uuid();
    let name = r.owner.details.display_name();
    OwnerDataView {
        generated_at: r.generated_at,
        organization_id: tenant,
        organization_name: r.organization.name.to_string(),
        convocation_by: r.owner.privacy.convocation_channel(&r.owner.details).as_str().to_owned(),
        owner: super::owners::view(Some(tenant), r.owner),
        holdings: r
            .holdings
            .into_iter()
            .map(|h| HoldingView {
                ownership: super::ownerships::view(None, h.ownership),
                unit_number: h.unit_number,
                building_id: h.building_id.as_uuid(),
                building_name: h.building_name,
            })
            .collect(),
        charges: r.charges.into_iter().map(super::statements::charge_view).collect(),
        calls: r.calls.into_iter().map(super::payments::account_line_view).collect(),
        payments: r.payments.into_iter().map(super::payments::view).collect(),
        reminders: r
            .reminders
            .into_iter()
            .map(|reminder| super::reminders::view(AddressedReminder { reminder, owner_name: name.clone() }))
            .collect(),
        logins: r
            .logins
            .into_iter()
            .map(|(u, m)| LoginView {
                user_id: u.id.as_uuid(),
                email: u.email.as_str().to_owned(),
                first_name: u.first_name.to_string(),
                last_name: u.last_name.to_string(),
                language: u.language.as_str().to_owned(),
                role: m.role.as_str().to_owned(),
                created_at: u.created_at,
            })
            .collect(),
        events: r.events.into_iter().map(super::audit::view).collect(),
    }
}

/// All the data held about an owner, for the syndic answering the person's
/// request or for the owner themself (access and portability, GDPR Art. 15 and 20).
#[utoipa::path(get, path = "/api/v1/owners/{id}/personal-data", tag = "privacy", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = OwnerDataView), (status = 404, body = Problem)))]
async fn owner_data(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<OwnerDataView>> {
    Ok(Json(owner_data_view(app.owner_personal_data(&auth.actor, OwnerId::from_uuid(id)).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentBody {
    /// true: the owner agreed in writing to convocations by e-mail; false: withdrawn.
    email: bool,
}

/// Records the owner's agreement to convocations by e-mail (dated), or its withdrawal.
#[utoipa::path(put, path = "/api/v1/owners/{id}/consent", tag = "privacy", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ConsentBody,
    responses((status = 200, body = OwnerView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn consent(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<ConsentBody>,
) -> ApiResult<Json<OwnerView>> {
    let owner = app.set_email_consent(&auth.actor, OwnerId::from_uuid(id), body.email).await?;
    Ok(Json(super::owners::view(auth.tenant(), owner)))
}

#[derive(Serialize, ToSchema)]
pub struct ErasureView {
    owner_id: Uuid,
    /// Payments whose payer name, account and message were cleared.
    payments_cleared: u64,
    /// Logins that were only this owner's, erased with it.
    logins_erased: Vec<Uuid>,
    /// Logins that keep other roles; only their link to this owner went.
    logins_unlinked: Vec<Uuid>,
}

/// Erases a former owner (422 while they hold a unit): their identity is
/// replaced by a pseudonym everywhere; the accounts keep the amounts.
#[utoipa::path(post, path = "/api/v1/owners/{id}/erase", tag = "privacy", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ErasureView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn erase(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<ErasureView>> {
    let done = app.erase_owner(&auth.actor, OwnerId::from_uuid(id)).await?;
    let ids = |users: Vec<koprogo_domain::ids::UserId>| users.into_iter().map(|u| u.as_uuid()).collect();
    Ok(Json(ErasureView {
        owner_id: id,
        payments_cleared: done.payments,
        logins_erased: ids(done.users),
        logins_unlinked: ids(done.unlinked),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct SessionSummaryView {
    kind: String,
    organization_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    spent_at: Option<DateTime<Utc>>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityView {
    organization_id: Uuid,
    organization_name: String,
    role: String,
    /// What this login did there, from the audit trail.
    events: Vec<AuditEventView>,
}

/// Everything about the caller's own login.
#[derive(Serialize, ToSchema)]
pub struct UserDataView {
    generated_at: DateTime<Utc>,
    user_id: Uuid,
    email: String,
    first_name: String,
    last_name: String,
    language: String,
    created_at: DateTime<Utc>,
    /// Tokens themselves are never kept, only their digests; none is shown.
    sessions: Vec<SessionSummaryView>,
    organizations: Vec<ActivityView>,
    /// The owner records this login is linked to.
    owner_records: Vec<OwnerDataView>,
}

pub(crate) fn user_data_view(r: UserRecord) -> UserDataView {
    let mut events = r.events;
    UserDataView {
        generated_at: r.generated_at,
        user_id: r.user.id.as_uuid(),
        email: r.user.email.as_str().to_owned(),
        first_name: r.user.first_name.to_string(),
        last_name: r.user.last_name.to_string(),
        language: r.user.language.as_str().to_owned(),
        created_at: r.user.created_at,
        sessions: r
            .sessions
            .into_iter()
            .map(|s| SessionSummaryView {
                kind: s.kind,
                organization_id: s.tenant.map(TenantId::as_uuid),
                created_at: s.created_at,
                expires_at: s.expires_at,
                spent_at: s.spent_at,
            })
            .collect(),
        organizations: r
            .memberships
            .into_iter()
            .map(|(o, m)| {
                let (mine, rest) = events.drain(..).partition(|e| e.body.organization == o.id.as_uuid());
                events = rest;
                ActivityView {
                    organization_id: o.id.as_uuid(),
                    organization_name: o.name.to_string(),
                    role: m.role.as_str().to_owned(),
                    events: mine.into_iter().map(super::audit::view).collect::<Vec<_>>(),
                }
            })
            .collect(),
        owner_records: r.owners.into_iter().map(owner_data_view).collect(),
    }
}

/// All the data held about the caller's login (and the owner records it is linked to).
#[utoipa::path(get, path = "/api/v1/auth/me/personal-data", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, body = UserDataView), (status = 401, body = Problem)))]
async fn my_data(State(app): State<App>, auth: Authenticated) -> ApiResult<Json<UserDataView>> {
    Ok(Json(user_data_view(app.my_personal_data(&auth.actor).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseMeBody {
    /// The current password, to confirm.
    password: String,
}

/// Erases the caller's own login: identity replaced by a pseudonym, every
/// session and role ended (422 when an organisation would lose its last syndic).
#[utoipa::path(post, path = "/api/v1/auth/me/erase", tag = "privacy", security(("bearer" = [])), request_body = EraseMeBody,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn erase_me(State(app): State<App>, auth: Authenticated, ApiJson(body): ApiJson<EraseMeBody>) -> ApiResult<StatusCode> {
    app.erase_own_account(&auth.actor, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct CategoryView {
    pub(crate) category: String,
    /// `table.column` of each personal column in this category.
    pub(crate) columns: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActivityEntryView {
    pub(crate) name: String,
    pub(crate) lawful_basis: String,
    pub(crate) data_subjects: String,
    pub(crate) recipients: String,
    pub(crate) retention: String,
    pub(crate) categories: Vec<CategoryView>,
}

/// The register of processing activities (GDPR Art. 30).
#[derive(Serialize, ToSchema)]
pub struct RegisterView {
    /// The syndic office keeping the register (none for the platform's own).
    pub(crate) controller: Option<String>,
    pub(crate) processor: String,
    pub(crate) activities: Vec<ActivityEntryView>,
    pub(crate) transfers_outside_eea: String,
    pub(crate) security_measures: Vec<String>,
}

/// The register of processing activities, generated from the data inventory.
#[utoipa::path(get, path = "/api/v1/privacy/register", tag = "privacy", security(("bearer" = [])),
    responses((status = 200, body = RegisterView), (status = 403, body = Problem)))]
async fn register(State(app): State<App>, auth: Authenticated) -> ApiResult<Json<RegisterView>> {
    let controller = app.privacy_register(&auth.actor).await?;
    Ok(Json(register_view(controller.map(|o| o.name.to_string()))))
}

pub(crate) fn register_view(controller: Option<String>) -> RegisterView {
    let activities = ACTIVITIES
        .iter()
        .map(|a| {
            let mut categories: Vec<CategoryView> = Vec::new();
            for (category, column) in columns_of(a.purpose) {
                match categories.iter_mut().find(|c| c.category == category.label()) {
                    Some(found) => found.columns.push(column),
                    None => categories.push(CategoryView { category: category.label().to_owned(), columns: vec![column] }),
                }
            }
            ActivityEntryView {
                name: a.name.to_owned(),
                lawful_basis: a.lawful_basis.to_owned(),
                data_subjects: a.subjects.to_owned(),
                recipients: a.recipients.to_owned(),
                retention: a.retention.to_owned(),
                categories,
            }
        })
        .collect();
    RegisterView {
        controller,
        processor: "The operator of this KoproGo service".to_owned(),
        activities,
        transfers_outside_eea: "None made by the service".to_owned(),
        security_measures: [
            "Passwords hashed with Argon2id; tokens kept only as SHA-256 digests",
            "Each organisation's data separated by row-level security (PostgreSQL) and by every query",
            "Tamper-evident audit trail, hash-chained per organisation, its head signed",
            "Backups with a manifest of content hashes, optionally encrypted; restores tested",
            "Erasure by pseudonym, logged outside the database and re-applied after a restore",
        ]
        .map(str::to_owned)
        .to_vec(),
    }
}
