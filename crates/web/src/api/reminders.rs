//! Chasing late payers: `/buildings/{id}/reminder-policy` (the association's
//! delays, fees, interest and minimum), `/reminders` (due today: preview,
//! send, list) and each reminder's letter.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::App;
use koprogo_app::listing::ReminderSort;
use koprogo_app::ports::reminders::ReminderFilter;
use koprogo_app::reminders::AddressedReminder;
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{BuildingId, OwnerId, ReminderId};
use koprogo_domain::reminder::{LevelRule, ReminderPolicy, parse_rate};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::statements::{PDF, file};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, Scalar, body_id, euros, finish, number, parse_amount, query_id, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(show_policy, save_policy))
        .routes(routes!(preview))
        .routes(routes!(list, send))
        .routes(routes!(show))
        .routes(routes!(letter))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    /// Days before each level: after the due date (reminder), then after the previous letter (formal notice, last notice).
    #[schema(value_type = Vec<i64>, example = json!([15, 15, 15]))]
    delays_days: Option<Vec<Scalar>>,
    /// The flat fee of each level in euros, as the statutes provide (0 when they do not).
    #[schema(value_type = Vec<f64>, example = json!([0, 15, 25]))]
    fees: Option<Vec<Scalar>>,
    /// Yearly late-payment interest after the formal notice, in percent (0 when the statutes provide none).
    #[schema(value_type = f64, example = 4.5)]
    interest_rate: Option<Scalar>,
    /// No letter below this arrear, in euros.
    #[schema(value_type = f64, example = 1)]
    minimum: Option<Scalar>,
}

fn three<T>(
    v: &mut Violations,
    field: &str,
    raw: Option<&Vec<Scalar>>,
    parse: impl Fn(&Scalar) -> Result<T, koprogo_domain::Invalid>,
) -> Option<[T; 3]> {
    let Some(raw) = raw else {
        v.push(field, koprogo_domain::Invalid::Required);
        return None;
    };
    if raw.len() != 3 {
        v.push(field, koprogo_domain::Invalid::OutOfRange { min: 3, max: 3 });
        return None;
    }
    let parsed: Option<Vec<T>> = raw.iter().enumerate().map(|(i, s)| v.check(&format!("{field}[{i}]"), parse(s))).collect();
    parsed.and_then(|p| <[T; 3]>::try_from(p).ok())
}

impl PolicyBody {
    pub(crate) fn parse(&self) -> ApiResult<ReminderPolicy> {
        let mut v = Violations::new();
        // Each value is checked here so that a form names the very field; the domain checks again.
        let days = |s: &Scalar| {
            let range = koprogo_domain::Invalid::OutOfRange { min: 1, max: 365 };
            s.integer().ok().and_then(|n| u32::try_from(n).ok()).filter(|n| (1..=365).contains(n)).ok_or(range)
        };
        let delays = three(&mut v, "delays_days", self.delays_days.as_ref(), days);
        let fee = |s: &Scalar| {
            let range = koprogo_domain::Invalid::OutOfRange { min: 0, max: 1_000 };
            parse_amount(s.as_str()).and_then(|c| if c.get() <= 100_000 { Ok(c) } else { Err(range) })
        };
        let fees = three(&mut v, "fees", self.fees.as_ref(), fee);
        let rate = required(&mut v, "interest_rate", self.interest_rate.as_ref().map(Scalar::as_str), parse_rate);
        let minimum = required(&mut v, "minimum", self.minimum.as_ref().map(Scalar::as_str), parse_amount);
        let parsed = (|| Some((delays?, fees?, rate?, minimum?)))();
        let (delays, fees, rate, minimum) = finish(v, parsed)?;
        let levels = [0, 1, 2].map(|i| LevelRule { delay_days: delays[i], fee: fees[i] });
        ReminderPolicy::new(levels, rate, minimum).map_err(|(field, invalid)| {
            let mut v = Violations::new();
            v.push(field, invalid);
            ApiError::invalid(&v)
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct PolicyView {
    building_id: Uuid,
    delays_days: [u32; 3],
    #[schema(value_type = Vec<f64>)]
    fees: Vec<Box<RawValue>>,
    #[schema(value_type = f64)]
    interest_rate: Box<RawValue>,
    #[schema(value_type = f64)]
    minimum: Box<RawValue>,
}

fn policy_view(building: Uuid, p: &ReminderPolicy) -> PolicyView {
    let levels = p.levels();
    let bp = p.interest_basis_points();
    PolicyView {
        building_id: building,
        delays_days: levels.map(|l| l.delay_days),
        fees: levels.iter().map(|l| euros(l.fee)).collect(),
        interest_rate: number(&format!("{}.{:02}", bp / 100, bp % 100)),
        minimum: euros(p.minimum()),
    }
}

/// The building's reminder rules (the defaults until it sets its own: 15 days between steps, no fee, no interest).
#[utoipa::path(get, path = "/api/v1/buildings/{id}/reminder-policy", tag = "reminders", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PolicyView)))]
async fn show_policy(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<PolicyView>> {
    Ok(Json(policy_view(id, &app.reminder_policy(&auth.actor, BuildingId::from_uuid(id)).await?)))
}

/// Sets the building's reminder rules, as its statutes or internal rules provide.
#[utoipa::path(put, path = "/api/v1/buildings/{id}/reminder-policy", tag = "reminders", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = PolicyBody, responses((status = 200, body = PolicyView)))]
async fn save_policy(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<PolicyBody>,
) -> ApiResult<Json<PolicyView>> {
    let policy = body.parse()?;
    Ok(Json(policy_view(id, &app.set_reminder_policy(&auth.actor, BuildingId::from_uuid(id), policy).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct ReminderView {
    /// Also present in a preview (a new id is given when it is sent).
    id: Uuid,
    building_id: Uuid,
    owner_id: Uuid,
    owner_name: String,
    /// reminder, formal_notice or last_notice.
    level: String,
    /// The due date of the oldest unpaid line: the chase's cycle.
    oldest_due: NaiveDate,
    sent_on: NaiveDate,
    /// The call line whose structured communication the owner pays with.
    call_line_id: Uuid,
    #[schema(value_type = f64)]
    principal: Box<RawValue>,
    #[schema(value_type = f64)]
    fee: Box<RawValue>,
    #[schema(value_type = f64)]
    earlier_fees: Box<RawValue>,
    #[schema(value_type = f64)]
    interest: Box<RawValue>,
    interest_from: Option<NaiveDate>,
    #[schema(value_type = f64)]
    total: Box<RawValue>,
    created_at: DateTime<Utc>,
}

pub(crate) fn view(a: AddressedReminder) -> ReminderView {
    let r = a.reminder;
    ReminderView {
        id: r.id.as_uuid(),
        building_id: r.building_id.as_uuid(),
        owner_id: r.owner_id.as_uuid(),
        owner_name: a.owner_name,
        level: r.level.as_str().to_owned(),
        oldest_due: r.oldest_due,
        sent_on: r.sent_on,
        call_line_id: r.call_line.as_uuid(),
        principal: euros(r.principal),
        fee: euros(r.fee),
        earlier_fees: euros(r.earlier_fees),
        interest: euros(r.interest),
        interest_from: r.interest_from,
        total: euros(r.total()),
        created_at: r.created_at,
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    building_id: Option<Uuid>,
}

fn building_of(body: &RunBody) -> ApiResult<BuildingId> {
    let mut v = Violations::new();
    let building = body_id(&mut v, "building_id", body.building_id);
    Ok(BuildingId::from_uuid(finish(v, building)?))
}

/// The reminders due today in the building, by its rules; nothing is recorded.
#[utoipa::path(post, path = "/api/v1/reminders/preview", tag = "reminders", security(("bearer" = [])), request_body = RunBody,
    responses((status = 200, body = Vec<ReminderView>)))]
async fn preview(State(app): State<App>, auth: Authenticated, ApiJson(body): ApiJson<RunBody>) -> ApiResult<Json<Vec<ReminderView>>> {
    let due = app.preview_reminders(&auth.actor, building_of(&body)?).await?;
    Ok(Json(due.into_iter().map(view).collect()))
}

/// Sends (records) today's reminders of the building, each with what it claims; its letter is then at `/reminders/{id}/letter.pdf`.
#[utoipa::path(post, path = "/api/v1/reminders", tag = "reminders", security(("bearer" = [])), request_body = RunBody,
    responses((status = 201, body = Vec<ReminderView>)))]
async fn send(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<RunBody>,
) -> ApiResult<(StatusCode, Json<Vec<ReminderView>>)> {
    let sent = app.send_reminders(&auth.actor, building_of(&body)?).await?;
    Ok((StatusCode::CREATED, Json(sent.into_iter().map(view).collect())))
}

#[derive(Deserialize)]
pub struct ReminderFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
    owner_id: Option<String>,
}

/// Reminders sent, newest first by default. `sort_by`: sent_on.
#[utoipa::path(get, path = "/api/v1/reminders", tag = "reminders", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("owner_id" = Option<Uuid>, Query),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^sent_on$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<ReminderView>)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<ReminderFilters>) -> ApiResult<Json<Paged<ReminderView>>> {
    let mut v = Violations::new();
    let mut paging = f.paging;
    paging.order = paging.order.or_else(|| Some("desc".to_owned()));
    let query = paging.parse(ReminderSort::SentOn, ReminderSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let owner = query_id(&mut v, "owner_id", f.owner_id.as_deref());
    let (query, (building, owner)) = finish(v, query.zip(building.zip(owner)))?;
    let filter = ReminderFilter { building: building.map(BuildingId::from_uuid), owner: owner.map(OwnerId::from_uuid) };
    let page = app.reminders(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, view)))
}

#[utoipa::path(get, path = "/api/v1/reminders/{id}", tag = "reminders", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ReminderView)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<ReminderView>> {
    Ok(Json(view(app.addressed_reminder(&auth.actor, ReminderId::from_uuid(id)).await?)))
}

/// The reminder's letter, in the owner's language, with how to pay.
#[utoipa::path(get, path = "/api/v1/reminders/{id}/letter.pdf", tag = "reminders", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
async fn letter(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Response> {
    let letter = app.reminder_letter(&auth.actor, ReminderId::from_uuid(id)).await?;
    let pdf = koprogo_documents::reminder_letter(&letter, app.clock.now())
        .map_err(|e| ApiError::from(koprogo_app::AppError::Internal(anyhow::anyhow!("rendering a reminder: {e}"))))?;
    app.record_export(&auth.actor, "reminder.pdf", id).await?;
    Ok(file(pdf, PDF, &format!("rappel-{}-{}.pdf", letter.reminder.level.as_str(), letter.reminder.sent_on)))
}
