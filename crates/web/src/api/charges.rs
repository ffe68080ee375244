//! Sharing costs: `/distribution-keys`, `/expenses/{id}/distribute` and
//! `/distribution`, `/calls` (with a preview), and the reserve-fund waiver.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::App;
use koprogo_app::charges::CallPreview;
use koprogo_app::listing::CallSort;
use koprogo_app::ports::money::{Cancelled, StoredDistribution};
use koprogo_domain::charges::{CallDetails, CallLine, DistributionKey, FundCall, KeyWeights, PlannedLine};
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{BuildingId, DistributionKeyId, ExpenseId, FundCallId, UnitId};
use koprogo_domain::money::Cents;
use koprogo_domain::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, Scalar, body_id, euros, finish, optional, parse_amount, parse_date, query_id, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(show_key, update_key, remove_key))
        .routes(routes!(distribute))
        .routes(routes!(distribution))
        .routes(routes!(list_calls, issue_call))
        .routes(routes!(preview_call))
        .routes(routes!(show_call))
        .routes(routes!(cancel_call))
        .routes(routes!(waive_reserve_fund))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeightBody {
    unit_id: Uuid,
    /// A positive whole number (units served, meter share, thousandths).
    #[schema(value_type = i64, minimum = 1, example = 1)]
    weight: Scalar,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyBody {
    building_id: Option<Uuid>,
    /// e.g. "Ascenseur", "Chauffage", "Escalier B".
    name: Option<String>,
    /// Every unit the key covers, once, with its weight.
    weights: Option<Vec<WeightBody>>,
}

impl KeyBody {
    fn parse(&self) -> ApiResult<(BuildingId, koprogo_domain::text::Name, KeyWeights)> {
        let mut v = Violations::new();
        let building = body_id(&mut v, "building_id", self.building_id);
        let name = required(&mut v, "name", self.name.as_deref(), Text::parse);
        let weights = match &self.weights {
            None => {
                v.push("weights", koprogo_domain::Invalid::Required);
                None
            }
            Some(list) => {
                let entries: Option<Vec<(UnitId, u64)>> =
                    list.iter()
                        .enumerate()
                        .map(|(i, w)| {
                            let weight = w.weight.integer().and_then(|n| {
                                u64::try_from(n).map_err(|_| koprogo_domain::Invalid::OutOfRange { min: 1, max: 1_000_000_000 })
                            });
                            v.check(&format!("weights[{i}].weight"), weight).map(|n| (UnitId::from_uuid(w.unit_id), n))
                        })
                        .collect();
                entries.and_then(|e| v.check("weights", KeyWeights::new(e)))
            }
        };
        let parsed = (|| Some((BuildingId::from_uuid(building?), name?, weights?)))();
        finish(v, parsed)
    }
}

#[derive(Serialize, ToSchema)]
pub struct WeightView {
    unit_id: Uuid,
    weight: u64,
}

#[derive(Serialize, ToSchema)]
pub struct KeyView {
    id: Uuid,
    building_id: Uuid,
    name: String,
    weights: Vec<WeightView>,
    weight_total: u64,
    created_at: DateTime<Utc>,
}

fn key_view(k: DistributionKey) -> KeyView {
    KeyView {
        id: k.id.as_uuid(),
        building_id: k.building_id.as_uuid(),
        name: k.name.to_string(),
        weight_total: k.weights.total(),
        weights: k.weights.entries().iter().map(|(unit, weight)| WeightView { unit_id: unit.as_uuid(), weight: *weight }).collect(),
        created_at: k.created_at,
    }
}

#[derive(Deserialize)]
pub struct KeyFilter {
    building_id: Option<String>,
}

/// Distribution keys besides the general one (the quotas), of one building or of all.
#[utoipa::path(get, path = "/api/v1/distribution-keys", tag = "charges", security(("bearer" = [])), params(("building_id" = Option<Uuid>, Query)),
    responses((status = 200, body = Vec<KeyView>)))]
async fn list_keys(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<KeyFilter>) -> ApiResult<Json<Vec<KeyView>>> {
    let mut v = Violations::new();
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let building = finish(v, building)?;
    Ok(Json(app.keys(&auth.actor, building.map(BuildingId::from_uuid)).await?.into_iter().map(key_view).collect()))
}

#[utoipa::path(post, path = "/api/v1/distribution-keys", tag = "charges", security(("bearer" = [])), request_body = KeyBody,
    responses((status = 201, body = KeyView)))]
async fn create_key(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<KeyBody>,
) -> ApiResult<(StatusCode, Json<KeyView>)> {
    let (building, name, weights) = body.parse()?;
    Ok((StatusCode::CREATED, Json(key_view(app.save_key(&auth.actor, None, building, name, weights).await?))))
}

#[utoipa::path(get, path = "/api/v1/distribution-keys/{id}", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = KeyView)))]
async fn show_key(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<KeyView>> {
    Ok(Json(key_view(app.key(&auth.actor, DistributionKeyId::from_uuid(id)).await?)))
}

/// Replaces the name and weights (the building cannot change).
#[utoipa::path(put, path = "/api/v1/distribution-keys/{id}", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = KeyBody, responses((status = 200, body = KeyView)))]
async fn update_key(State(app): State<App>, auth: Authenticated, Id(id): Id, ApiJson(body): ApiJson<KeyBody>) -> ApiResult<Json<KeyView>> {
    let (building, name, weights) = body.parse()?;
    Ok(Json(key_view(app.save_key(&auth.actor, Some(DistributionKeyId::from_uuid(id)), building, name, weights).await?)))
}

/// Deletes a key no expense or call has used (409 `distribution_key.in_use`).
#[utoipa::path(delete, path = "/api/v1/distribution-keys/{id}", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204)))]
async fn remove_key(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.delete_key(&auth.actor, DistributionKeyId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributeBody {
    /// The key; none for the general key (the units' quotas).
    pub key_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct OwnerPartView {
    owner_id: Uuid,
    /// Percentage of the unit held on the expense date.
    share: String,
    #[schema(value_type = f64)]
    amount: Box<RawValue>,
    /// The exact part before rounding, in cents (4 decimals, truncated).
    exact_cents: String,
    rounded_up: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UnitPartView {
    unit_id: Uuid,
    unit_number: String,
    weight: u64,
    #[schema(value_type = f64)]
    amount: Box<RawValue>,
    /// total × weight / weight_total, in cents (4 decimals, truncated).
    exact_cents: String,
    /// Whether the largest-remainder rule gave this part the extra cent.
    rounded_up: bool,
    owners: Vec<OwnerPartView>,
}

#[derive(Serialize, ToSchema)]
pub struct DistributionView {
    expense_id: Uuid,
    distributed: bool,
    /// None: the general key.
    key_id: Option<Uuid>,
    distributed_at: Option<DateTime<Utc>>,
    #[schema(value_type = f64)]
    total: Box<RawValue>,
    weight_total: u64,
    /// How the parts are found, in words.
    method: &'static str,
    units: Vec<UnitPartView>,
}

/// `numerator / denominator` cents, with four decimals, truncated.
fn exact(total: Cents, weight: u64, of: u64) -> String {
    let numerator = u128::try_from(total.get()).unwrap_or(0) * u128::from(weight);
    let of = u128::from(of.max(1));
    format!("{}.{:04}", numerator / of, numerator % of * 10_000 / of)
}

const METHOD: &str = "Each unit's part is the total times its weight divided by the sum of the weights, rounded down to the cent; \
     the cents left are given one by one to the largest remainders (ties: lowest unit number). Each owner's part of a unit \
     is found the same way from their share on the expense date.";

fn distribution_view(expense: ExpenseId, total: Cents, stored: Option<StoredDistribution>) -> DistributionView {
    let Some(s) = stored else {
        return DistributionView {
            expense_id: expense.as_uuid(),
            distributed: false,
            key_id: None,
            distributed_at: None,
            total: euros(total),
            weight_total: 0,
            method: METHOD,
            units: vec![],
        };
    };
    let d = s.distribution;
    let units = d
        .units
        .into_iter()
        .map(|u| UnitPartView {
            unit_id: u.unit.as_uuid(),
            exact_cents: exact(d.total, u.weight, d.weight_total),
            owners: u
                .owners
                .into_iter()
                .map(|o| OwnerPartView {
                    owner_id: o.owner.as_uuid(),
                    share: o.share.to_percent_string(),
                    amount: euros(o.amount),
                    exact_cents: exact(u.amount, u64::from(o.share.basis_points()), 10_000),
                    rounded_up: o.rounded_up,
                })
                .collect(),
            unit_number: u.number,
            weight: u.weight,
            amount: euros(u.amount),
            rounded_up: u.rounded_up,
        })
        .collect();
    DistributionView {
        expense_id: expense.as_uuid(),
        distributed: true,
        key_id: s.key_id.map(DistributionKeyId::as_uuid),
        distributed_at: Some(s.distributed_at),
        total: euros(d.total),
        weight_total: d.weight_total,
        method: METHOD,
        units,
    }
}

/// Shares an approved expense among the owners holding its units on its date, once.
#[utoipa::path(post, path = "/api/v1/expenses/{id}/distribute", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = DistributeBody, responses((status = 200, body = DistributionView)))]
async fn distribute(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<DistributeBody>,
) -> ApiResult<Json<DistributionView>> {
    let expense = ExpenseId::from_uuid(id);
    let stored = app.distribute_expense(&auth.actor, expense, body.key_id.map(DistributionKeyId::from_uuid)).await?;
    Ok(Json(distribution_view(expense, stored.distribution.total, Some(stored))))
}

/// How an expense was shared (`distributed: false` until it is).
#[utoipa::path(get, path = "/api/v1/expenses/{id}/distribution", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = DistributionView)))]
async fn distribution(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<DistributionView>> {
    let (expense, stored) = app.distribution(&auth.actor, ExpenseId::from_uuid(id)).await?;
    Ok(Json(distribution_view(expense.id, expense.details.amount, stored)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallBody {
    building_id: Option<Uuid>,
    /// e.g. "Provisions 1er trimestre 2027".
    title: Option<String>,
    /// The owners on this day are called (default: today).
    #[schema(value_type = Option<String>, format = Date)]
    as_of: Option<String>,
    #[schema(value_type = String, format = Date)]
    due_date: Option<String>,
    /// Working-fund advance in euros, exact (default 0).
    #[schema(value_type = Option<f64>, example = 3000.0)]
    working_amount: Option<Scalar>,
    /// Reserve-fund contribution in euros, exact (default 0).
    #[schema(value_type = Option<f64>, example = 500.0)]
    reserve_amount: Option<Scalar>,
    /// None: the general key (quotas).
    key_id: Option<Uuid>,
    /// The key a preview handed out (`idempotency_key` of its answer): issuing
    /// twice with it gives back the call already issued (200) instead of a second one.
    #[schema(max_length = 64)]
    idempotency_key: Option<String>,
}

impl CallBody {
    /// The preview's key: letters, digits and hyphens, 8 to 64 of them.
    pub(crate) fn idempotency_key(&self) -> ApiResult<Option<&str>> {
        match self.idempotency_key.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(key) if (8..=64).contains(&key.len()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => Ok(Some(key)),
            Some(_) => {
                let mut v = Violations::new();
                v.push("idempotency_key", koprogo_domain::Invalid::NotOneOf("8 to 64 letters, digits or hyphens"));
                Err(crate::error::ApiError::invalid(&v))
            }
        }
    }

    pub(crate) fn parse(&self, today: NaiveDate) -> ApiResult<CallDetails> {
        let mut v = Violations::new();
        let building = body_id(&mut v, "building_id", self.building_id);
        let title = required(&mut v, "title", self.title.as_deref(), Text::parse);
        let as_of = optional(&mut v, "as_of", self.as_of.as_deref(), parse_date);
        let due = required(&mut v, "due_date", self.due_date.as_deref(), parse_date);
        let working = optional(&mut v, "working_amount", self.working_amount.as_ref().map(Scalar::as_str), parse_amount);
        let reserve = optional(&mut v, "reserve_amount", self.reserve_amount.as_ref().map(Scalar::as_str), parse_amount);
        let details = (|| {
            Some(CallDetails {
                building_id: BuildingId::from_uuid(building?),
                title: title?,
                as_of: as_of?.unwrap_or(today),
                due_date: due?,
                working: working?.unwrap_or_default(),
                reserve: reserve?.unwrap_or_default(),
                key_id: self.key_id.map(DistributionKeyId::from_uuid),
            })
        })();
        let details = finish(v, details)?;
        details.check().map_err(|(field, invalid)| {
            let mut v = Violations::new();
            v.push(field, invalid);
            crate::error::ApiError::invalid(&v)
        })?;
        Ok(details)
    }
}

#[derive(Serialize, ToSchema)]
pub struct CallLineView {
    /// None in a preview.
    id: Option<Uuid>,
    owner_id: Uuid,
    #[schema(value_type = f64)]
    working: Box<RawValue>,
    #[schema(value_type = f64)]
    reserve: Box<RawValue>,
    #[schema(value_type = f64)]
    total: Box<RawValue>,
    /// The line's structured communication, `+++ddd/dddd/ddddd+++` (none in a preview).
    communication: Option<String>,
}

fn planned_view(l: &PlannedLine) -> CallLineView {
    CallLineView {
        id: None,
        owner_id: l.owner.as_uuid(),
        working: euros(l.working),
        reserve: euros(l.reserve),
        total: euros(l.total()),
        communication: None,
    }
}

fn line_view(l: &CallLine) -> CallLineView {
    let total = Cents::new(l.working.get() + l.reserve.get()).unwrap_or_default();
    CallLineView {
        id: Some(l.id.as_uuid()),
        owner_id: l.owner.as_uuid(),
        working: euros(l.working),
        reserve: euros(l.reserve),
        total: euros(total),
        communication: Some(l.communication.to_string()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReserveFundView {
    fiscal_year: i32,
    /// True when this year's reserve calls stay below 5 % of last year's ordinary charges (art. 3.86 §3) and no 4/5 waiver is recorded.
    below_minimum: bool,
    #[schema(value_type = Option<f64>)]
    minimum: Option<Box<RawValue>>,
}

#[derive(Serialize, ToSchema)]
pub struct CallView {
    /// None in a preview.
    id: Option<Uuid>,
    building_id: Uuid,
    title: String,
    as_of: NaiveDate,
    due_date: NaiveDate,
    #[schema(value_type = f64)]
    working_amount: Box<RawValue>,
    #[schema(value_type = f64)]
    reserve_amount: Box<RawValue>,
    key_id: Option<Uuid>,
    issued_at: Option<DateTime<Utc>>,
    /// A call cancelled after a payment or a reminder reached it stays, reversed from then.
    cancelled_at: Option<DateTime<Utc>>,
    /// Absent in lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<CallLineView>>,
    /// On a preview and on issue.
    #[serde(skip_serializing_if = "Option::is_none")]
    reserve_fund: Option<ReserveFundView>,
    /// On a preview: send it back when issuing, so that the call is issued once.
    #[serde(skip_serializing_if = "Option::is_none")]
    idempotency_key: Option<String>,
}

fn call_view(d: &CallDetails, call: Option<&FundCall>, lines: Option<Vec<CallLineView>>, preview: Option<&CallPreview>) -> CallView {
    CallView {
        id: call.map(|c| c.id.as_uuid()),
        building_id: d.building_id.as_uuid(),
        title: d.title.to_string(),
        as_of: d.as_of,
        due_date: d.due_date,
        working_amount: euros(d.working),
        reserve_amount: euros(d.reserve),
        key_id: d.key_id.map(DistributionKeyId::as_uuid),
        issued_at: call.map(|c| c.issued_at),
        cancelled_at: call.and_then(|c| c.cancelled_at),
        lines,
        reserve_fund: preview.map(|p| ReserveFundView {
            fiscal_year: p.fiscal_year,
            below_minimum: p.reserve_minimum.is_some(),
            minimum: p.reserve_minimum.map(euros),
        }),
        idempotency_key: None,
    }
}

#[derive(Deserialize)]
pub struct CallFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
}

/// Calls for funds. `sort_by`: as_of (default), due_date.
#[utoipa::path(get, path = "/api/v1/calls", tag = "charges", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^(as_of|due_date)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<CallView>)))]
async fn list_calls(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<CallFilters>) -> ApiResult<Json<Paged<CallView>>> {
    let mut v = Violations::new();
    let query = f.paging.parse(CallSort::AsOf, CallSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let (query, building) = finish(v, query.zip(building))?;
    let page = app.calls(&auth.actor, &query, building.map(BuildingId::from_uuid)).await?;
    Ok(Json(Paged::new(page, &query, |c| call_view(&c.details, Some(&c), None, None))))
}

/// What issuing the call would give, line by line, and the reserve-fund check; nothing is stored.
#[utoipa::path(post, path = "/api/v1/calls/preview", tag = "charges", security(("bearer" = [])), request_body = CallBody,
    responses((status = 200, body = CallView)))]
async fn preview_call(State(app): State<App>, auth: Authenticated, ApiJson(body): ApiJson<CallBody>) -> ApiResult<Json<CallView>> {
    let details = body.parse(app.clock.today())?;
    let preview = app.preview_call(&auth.actor, &details).await?;
    let lines = preview.lines.iter().map(planned_view).collect();
    let view = CallView { idempotency_key: Some(Uuid::now_v7().to_string()), ..call_view(&details, None, Some(lines), Some(&preview)) };
    Ok(Json(view))
}

/// Issues a call: one line per owner, each with its own structured communication.
#[utoipa::path(post, path = "/api/v1/calls", tag = "charges", security(("bearer" = [])), request_body = CallBody,
    responses((status = 201, body = CallView), (status = 200, description = "Already issued with this idempotency key: the same call", body = CallView), (status = 409, body = crate::error::Problem)))]
async fn issue_call(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<CallBody>,
) -> ApiResult<(StatusCode, Json<CallView>)> {
    let details = body.parse(app.clock.today())?;
    let issued = app.issue_call(&auth.actor, details, body.idempotency_key()?).await?;
    let lines = issued.lines.iter().map(line_view).collect();
    let status = if issued.again { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(call_view(&issued.call.details, Some(&issued.call), Some(lines), Some(&issued.preview)))))
}

/// A call with its lines (an owner sees their own line only).
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CallView)))]
async fn show_call(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<CallView>> {
    let (call, lines) = app.call(&auth.actor, FundCallId::from_uuid(id)).await?;
    Ok(Json(call_view(&call.details, Some(&call), Some(lines.iter().map(line_view).collect()), None)))
}

#[derive(Serialize, ToSchema)]
pub struct CancelledView {
    /// `removed` (no payment or reminder had reached it: it is gone) or
    /// `reversed` (it stays, cancelled: statements show it and its reversal).
    outcome: &'static str,
}

/// Cancels a call issued by mistake. Its structured communications are never
/// given again; a payment that later names one goes to the inbox.
#[utoipa::path(post, path = "/api/v1/calls/{id}/cancel", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CancelledView), (status = 404, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
async fn cancel_call(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<CancelledView>> {
    let outcome = match app.cancel_call(&auth.actor, FundCallId::from_uuid(id)).await? {
        Cancelled::Removed => "removed",
        Cancelled::Reversed => "reversed",
    };
    Ok(Json(CancelledView { outcome }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WaiverBody {
    /// The day of the general assembly's 4/5 decision; it covers that financial year.
    #[schema(value_type = String, format = Date)]
    decided_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct WaiverView {
    building_id: Uuid,
    fiscal_year: i32,
    decided_on: NaiveDate,
}

/// Records the 4/5 decision not to constitute the reserve fund (art. 3.88 §1 2°) for a financial year.
#[utoipa::path(post, path = "/api/v1/buildings/{id}/reserve-fund-waiver", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = WaiverBody, responses((status = 200, body = WaiverView)))]
async fn waive_reserve_fund(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<WaiverBody>,
) -> ApiResult<Json<WaiverView>> {
    let mut v = Violations::new();
    let day = required(&mut v, "decided_on", body.decided_on.as_deref(), parse_date);
    let day = finish(v, day)?;
    let fiscal_year = app.waive_reserve_fund(&auth.actor, BuildingId::from_uuid(id), day).await?;
    Ok(Json(WaiverView { building_id: id, fiscal_year, decided_on: day }))
}
