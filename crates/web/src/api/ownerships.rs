//! `/ownerships`: who holds which share of a unit, from when until when.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::App;
use koprogo_app::listing::OwnershipSort;
use koprogo_app::ports::OwnershipFilter;
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{OwnerId, OwnershipId, UnitId};
use koprogo_domain::owner::{Ownership, OwnershipDetails, Period, Share};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{
    Id, Paged, Paging, Scalar, body_id, check_organization, finish, number, optional, parse_date, parse_optional_date, query_id, required,
};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, update, remove))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipBody {
    unit_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    /// Percentage of the unit, at most two decimals (e.g. 50 or 33.33).
    #[schema(value_type = f64, example = 50)]
    share: Option<Scalar>,
    /// First day held (default: today).
    #[schema(value_type = Option<String>, format = Date)]
    start_date: Option<String>,
    /// First day no longer held (exclusive), e.g. the day of a sale.
    #[schema(value_type = Option<String>, format = Date)]
    end_date: Option<String>,
    organization_id: Option<Uuid>,
    #[schema(ignore)]
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "created_at")]
    _created_at: Option<serde::de::IgnoredAny>,
}

impl OwnershipBody {
    pub(crate) fn parse(&self, today: NaiveDate) -> ApiResult<OwnershipDetails> {
        let mut v = Violations::new();
        let unit = body_id(&mut v, "unit_id", self.unit_id);
        let owner = body_id(&mut v, "owner_id", self.owner_id);
        let share = required(&mut v, "share", self.share.as_ref().map(Scalar::as_str), Share::parse_percent);
        let start = optional(&mut v, "start_date", self.start_date.as_deref(), parse_date);
        let end = optional(&mut v, "end_date", self.end_date.as_deref(), parse_date);
        let period = start.zip(end).and_then(|(start, end)| v.check("end_date", Period::new(start.unwrap_or(today), end)));
        let details = (|| {
            Some(OwnershipDetails {
                unit_id: UnitId::from_uuid(unit?),
                owner_id: OwnerId::from_uuid(owner?),
                share: share?,
                period: period?,
            })
        })();
        finish(v, details)
    }
}

#[derive(Serialize, ToSchema)]
pub struct OwnershipView {
    id: Uuid,
    /// The organisation, on single objects (a list is all one organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<Uuid>,
    unit_id: Uuid,
    owner_id: Uuid,
    /// Percentage of the unit.
    #[schema(value_type = f64)]
    share: Box<serde_json::value::RawValue>,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    created_at: DateTime<Utc>,
}

pub(crate) fn view(tenant: Option<Uuid>, o: Ownership) -> OwnershipView {
    let d = o.details;
    OwnershipView {
        id: o.id.as_uuid(),
        organization_id: tenant,
        unit_id: d.unit_id.as_uuid(),
        owner_id: d.owner_id.as_uuid(),
        share: number(&d.share.to_percent_string()),
        start_date: d.period.start(),
        end_date: d.period.end(),
        created_at: o.created_at,
    }
}

#[derive(Deserialize)]
pub struct OwnershipFilters {
    #[serde(flatten)]
    paging: Paging,
    unit_id: Option<String>,
    owner_id: Option<String>,
    /// Only ownerships held on that day.
    on: Option<String>,
}

/// Ownerships the caller may see. `sort_by`: start_date, created_at.
#[utoipa::path(get, path = "", tag = "ownerships", security(("bearer" = [])),
    params(("unit_id" = Option<Uuid>, Query), ("owner_id" = Option<Uuid>, Query), ("on" = Option<String>, Query, format = Date),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100), ("sort_by" = Option<String>, Query, pattern = "^(start_date|created_at)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<OwnershipView>), (status = 422, body = Problem)))]
async fn list(
    State(app): State<App>,
    auth: Authenticated,
    ApiQuery(f): ApiQuery<OwnershipFilters>,
) -> ApiResult<Json<Paged<OwnershipView>>> {
    let mut v = Violations::new();
    let query = f.paging.parse(OwnershipSort::StartDate, OwnershipSort::parse, &mut v);
    let unit = query_id(&mut v, "unit_id", f.unit_id.as_deref());
    let owner = query_id(&mut v, "owner_id", f.owner_id.as_deref());
    let on = v.check("on", parse_optional_date(f.on.as_deref()));
    let filter = (|| Some(OwnershipFilter { unit: unit?.map(UnitId::from_uuid), owner: owner?.map(OwnerId::from_uuid), on: on? }))();
    let (query, filter) = finish(v, query.zip(filter))?;
    let page = app.ownerships(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, |o| view(None, o))))
}

/// Records a share; the unit's shares may never exceed 100 % on any day.
#[utoipa::path(post, path = "", tag = "ownerships", security(("bearer" = [])), request_body = OwnershipBody,
    responses((status = 201, body = OwnershipView), (status = 422, body = Problem)))]
async fn create(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<OwnershipBody>,
) -> ApiResult<(StatusCode, Json<OwnershipView>)> {
    check_organization(&auth.actor, body.organization_id)?;
    let details = body.parse(app.clock.today())?;
    let ownership = app.create_ownership(&auth.actor, details).await?;
    Ok((StatusCode::CREATED, Json(view(auth.tenant(), ownership))))
}

#[utoipa::path(get, path = "/{id}", tag = "ownerships", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = OwnershipView), (status = 404, body = Problem)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<OwnershipView>> {
    let ownership = app.ownership(&auth.actor, OwnershipId::from_uuid(id)).await?;
    Ok(Json(view(auth.tenant(), ownership)))
}

/// Changes the share or the period (unit and owner are fixed).
#[utoipa::path(put, path = "/{id}", tag = "ownerships", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OwnershipBody,
    responses((status = 200, body = OwnershipView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<OwnershipBody>,
) -> ApiResult<Json<OwnershipView>> {
    check_organization(&auth.actor, body.organization_id)?;
    let details = body.parse(app.clock.today())?;
    let ownership = app.update_ownership(&auth.actor, OwnershipId::from_uuid(id), details).await?;
    Ok(Json(view(auth.tenant(), ownership)))
}

#[utoipa::path(delete, path = "/{id}", tag = "ownerships", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem)))]
async fn remove(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.delete_ownership(&auth.actor, OwnershipId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
