//! `/units`: the lots of a building and their quotas.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::listing::UnitSort;
use koprogo_domain::Invalid;
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{BuildingId, OwnerId, UnitId};
use koprogo_domain::owner::{Share, Transfer};
use koprogo_domain::text::Text;
use koprogo_domain::unit::{Quota, Surface, Unit, UnitDetails, UnitKind, parse_floor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, Scalar, body_id, check_organization, finish, number, optional, query_id, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, update, remove)).routes(routes!(transfer))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuyerBody {
    owner_id: Option<Uuid>,
    /// Percentage of the unit, at most two decimals.
    #[schema(value_type = f64, example = 50)]
    share: Option<Scalar>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// The day the unit changes hands: the sellers' last day is the day before.
    #[schema(value_type = String, format = Date)]
    date: Option<String>,
    /// Who gives up their share; none: every owner holding the unit that day.
    #[serde(default)]
    seller_ids: Vec<Uuid>,
    /// Who takes it, together exactly the share the sellers give up.
    buyers: Vec<BuyerBody>,
}

impl TransferBody {
    pub(crate) fn parse(&self) -> ApiResult<Transfer> {
        let mut v = Violations::new();
        let date = required(&mut v, "date", self.date.as_deref(), crate::wire::parse_date);
        if self.buyers.is_empty() {
            v.push("buyers", Invalid::Required);
        }
        let buyers: Vec<Option<(OwnerId, Share)>> = self
            .buyers
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let owner = body_id(&mut v, &format!("buyers[{i}].owner_id"), b.owner_id);
                let share = required(&mut v, &format!("buyers[{i}].share"), b.share.as_ref().map(Scalar::as_str), Share::parse_percent);
                Some((OwnerId::from_uuid(owner?), share?))
            })
            .collect();
        let sellers = self.seller_ids.iter().copied().map(OwnerId::from_uuid).collect();
        finish(v, (|| Some(Transfer { date: date?, sellers, buyers: buyers.into_iter().collect::<Option<Vec<_>>>()? }))())
    }
}

#[derive(Serialize, ToSchema)]
pub struct TransferView {
    /// The sellers' ownerships, now ending on the day.
    ended: Vec<super::ownerships::OwnershipView>,
    /// The buyers' ownerships, starting on the day.
    started: Vec<super::ownerships::OwnershipView>,
}

/// Records a unit changing hands (a sale, a gift, an inheritance) in one step:
/// the sellers' ownerships end on `date` and the buyers' start on it, with
/// exactly the share the sellers give up (`transfer.shares_mismatch`).
#[utoipa::path(post, path = "/{id}/transfer", tag = "units", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = TransferBody, responses((status = 200, body = TransferView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn transfer(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<TransferBody>,
) -> ApiResult<Json<TransferView>> {
    let transfer = body.parse()?;
    let date = transfer.date;
    let written = app.transfer_unit(&auth.actor, UnitId::from_uuid(id), transfer).await?;
    let (started, ended): (Vec<_>, Vec<_>) = written.into_iter().partition(|o| o.details.period.start() == date);
    let view = |o| super::ownerships::view(None, o);
    Ok(Json(TransferView { ended: ended.into_iter().map(view).collect(), started: started.into_iter().map(view).collect() }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitBody {
    building_id: Option<Uuid>,
    unit_number: Option<String>,
    /// apartment, commercial, cellar, garage, parking or other (any case).
    unit_type: Option<String>,
    #[schema(value_type = Option<i32>)]
    floor: Option<Scalar>,
    /// Square metres, at most two decimals.
    #[schema(value_type = Option<f64>, example = 72.5)]
    surface_area: Option<Scalar>,
    /// Share of the common parts, in the unit of the building's quota base.
    #[schema(value_type = i64, example = 125)]
    quota: Option<Scalar>,
    organization_id: Option<Uuid>,
    #[schema(ignore)]
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "created_at")]
    _created_at: Option<serde::de::IgnoredAny>,
}

impl UnitBody {
    pub(crate) fn parse(&self) -> ApiResult<UnitDetails> {
        let mut v = Violations::new();
        let building = body_id(&mut v, "building_id", self.building_id);
        let number = required(&mut v, "unit_number", self.unit_number.as_deref(), Text::parse);
        let kind = required(&mut v, "unit_type", self.unit_type.as_deref(), UnitKind::parse);
        let floor = optional(&mut v, "floor", self.floor.as_ref().map(Scalar::as_str), |f| {
            f.parse::<i64>().map_err(|_| Invalid::OutOfRange { min: -10, max: 200 }).and_then(parse_floor)
        });
        let surface = optional(&mut v, "surface_area", self.surface_area.as_ref().map(Scalar::as_str), Surface::parse_square_metres);
        let quota = required(&mut v, "quota", self.quota.as_ref().map(Scalar::as_str), |q| {
            q.parse::<i64>().map_err(|_| Invalid::OutOfRange { min: 1, max: 1_000_000 }).and_then(Quota::new)
        });
        let details = (|| {
            Some(UnitDetails {
                building_id: BuildingId::from_uuid(building?),
                number: number?,
                kind: kind?,
                floor: floor?,
                surface: surface?,
                quota: quota?,
            })
        })();
        finish(v, details)
    }
}

#[derive(Serialize, ToSchema)]
pub struct UnitView {
    id: Uuid,
    /// The organisation, on single objects (a list is all one organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<Uuid>,
    building_id: Uuid,
    unit_number: String,
    unit_type: String,
    floor: Option<i32>,
    #[schema(value_type = Option<f64>)]
    surface_area: Option<Box<serde_json::value::RawValue>>,
    quota: u32,
    created_at: DateTime<Utc>,
}

pub fn view(tenant: Option<Uuid>, unit: Unit) -> UnitView {
    let d = unit.details;
    UnitView {
        id: unit.id.as_uuid(),
        organization_id: tenant,
        building_id: d.building_id.as_uuid(),
        unit_number: d.number.to_string(),
        unit_type: d.kind.as_str().to_owned(),
        floor: d.floor,
        surface_area: d.surface.map(|s| number(&s.to_decimal_string())),
        quota: d.quota.get(),
        created_at: unit.created_at,
    }
}

#[derive(Deserialize)]
pub struct UnitFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
}

/// Units the caller may see. `sort_by`: unit_number, floor, quota, created_at.
#[utoipa::path(get, path = "", tag = "units", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^(unit_number|floor|quota|created_at)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<UnitView>), (status = 422, body = Problem)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(filters): ApiQuery<UnitFilters>) -> ApiResult<Json<Paged<UnitView>>> {
    let mut v = Violations::new();
    let query = filters.paging.parse(UnitSort::Number, UnitSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", filters.building_id.as_deref());
    let (query, building) = finish(v, query.zip(building))?;
    let page = app.units(&auth.actor, &query, building.map(BuildingId::from_uuid)).await?;
    Ok(Json(Paged::new(page, &query, |u| view(None, u))))
}

/// Adds a unit. Its quota must fit in what the building's base has left.
#[utoipa::path(post, path = "", tag = "units", security(("bearer" = [])), request_body = UnitBody,
    responses((status = 201, body = UnitView), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create(State(app): State<App>, auth: Authenticated, ApiJson(body): ApiJson<UnitBody>) -> ApiResult<(StatusCode, Json<UnitView>)> {
    check_organization(&auth.actor, body.organization_id)?;
    let unit = app.create_unit(&auth.actor, body.parse()?).await?;
    Ok((StatusCode::CREATED, Json(view(auth.tenant(), unit))))
}

#[utoipa::path(get, path = "/{id}", tag = "units", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = UnitView), (status = 404, body = Problem)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<UnitView>> {
    let unit = app.unit(&auth.actor, UnitId::from_uuid(id)).await?;
    Ok(Json(view(auth.tenant(), unit)))
}

#[utoipa::path(put, path = "/{id}", tag = "units", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = UnitBody,
    responses((status = 200, body = UnitView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(State(app): State<App>, auth: Authenticated, Id(id): Id, ApiJson(body): ApiJson<UnitBody>) -> ApiResult<Json<UnitView>> {
    check_organization(&auth.actor, body.organization_id)?;
    let unit = app.update_unit(&auth.actor, UnitId::from_uuid(id), body.parse()?).await?;
    Ok(Json(view(auth.tenant(), unit)))
}

/// Deletes a unit that no one holds (409 otherwise).
#[utoipa::path(delete, path = "/{id}", tag = "units", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn remove(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.delete_unit(&auth.actor, UnitId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
