//! `/buildings`: the associations of co-owners and their identity.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, Utc};
use koprogo_app::App;
use koprogo_app::listing::BuildingSort;
use koprogo_domain::Invalid;
use koprogo_domain::building::{
    Address, BuildingDetails, BuildingSummary, Country, QuotaBase, YearStart, parse_construction_year, parse_statutory_language,
};
use koprogo_domain::error::Violations;
use koprogo_domain::identifiers::{BceNumber, Iban, PostalCode};
use koprogo_domain::ids::BuildingId;
use koprogo_domain::text::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, Scalar, check_organization, finish, optional, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, update, remove))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuildingBody {
    name: Option<String>,
    /// Street and number.
    address: Option<String>,
    city: Option<String>,
    #[schema(value_type = String, example = "1000")]
    postal_code: Option<Scalar>,
    /// `BE` or `Belgium` (default).
    country: Option<String>,
    #[schema(value_type = Option<i32>)]
    construction_year: Option<Scalar>,
    /// BCE/KBO number of the association, e.g. `0123.456.749`.
    bce_number: Option<String>,
    /// Total of the quotas in the basic deed (default 1000).
    #[schema(value_type = Option<i64>, example = 1000)]
    quota_base: Option<Scalar>,
    /// Statutory language: fr, nl or de (default fr).
    language: Option<String>,
    working_fund_iban: Option<String>,
    reserve_fund_iban: Option<String>,
    /// First day of the financial year, `MM-DD` (default `01-01`).
    fiscal_year_start: Option<String>,
    /// When present, must be the organisation the caller acts in.
    organization_id: Option<Uuid>,
    #[schema(ignore)]
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "total_units")]
    _total_units: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "allocated_quota")]
    _allocated_quota: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "quotas_complete")]
    _quotas_complete: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "created_at")]
    _created_at: Option<serde::de::IgnoredAny>,
}

impl BuildingBody {
    pub(crate) fn parse(&self, this_year: i32) -> ApiResult<BuildingDetails> {
        let mut v = Violations::new();
        let name = required(&mut v, "name", self.name.as_deref(), Text::parse);
        let street = required(&mut v, "address", self.address.as_deref(), Text::parse);
        let city = required(&mut v, "city", self.city.as_deref(), Text::parse);
        let postal_code = required(&mut v, "postal_code", self.postal_code.as_ref().map(Scalar::as_str), PostalCode::parse);
        let country = optional(&mut v, "country", self.country.as_deref(), |c| match Country::parse(c) {
            Ok(country) if country == Country::belgium() => Ok(country),
            _ => Err(Invalid::NotOneOf("BE Belgium")),
        });
        let year = optional(&mut v, "construction_year", self.construction_year.as_ref().map(Scalar::as_str), |y| {
            y.parse::<i64>()
                .map_err(|_| Invalid::OutOfRange { min: 1500, max: i64::from(this_year) + 1 })
                .and_then(|y| parse_construction_year(y, this_year))
        });
        let bce_number = optional(&mut v, "bce_number", self.bce_number.as_deref(), BceNumber::parse);
        let quota_base = optional(&mut v, "quota_base", self.quota_base.as_ref().map(Scalar::as_str), |q| {
            q.parse::<i64>().map_err(|_| Invalid::OutOfRange { min: 1, max: 1_000_000 }).and_then(QuotaBase::new)
        });
        let language = optional(&mut v, "language", self.language.as_deref(), parse_statutory_language);
        let working = optional(&mut v, "working_fund_iban", self.working_fund_iban.as_deref(), Iban::parse);
        let reserve = optional(&mut v, "reserve_fund_iban", self.reserve_fund_iban.as_deref(), Iban::parse);
        let year_start = optional(&mut v, "fiscal_year_start", self.fiscal_year_start.as_deref(), YearStart::parse);
        let details = (|| {
            Some(BuildingDetails {
                name: name?,
                address: Address {
                    street: street?,
                    postal_code: postal_code?,
                    city: city?,
                    country: country?.unwrap_or_else(Country::belgium),
                },
                bce_number: bce_number?,
                quota_base: quota_base?.map_or_else(|| QuotaBase::new(1000).ok(), Some)?,
                construction_year: year?,
                language: language?.unwrap_or(koprogo_domain::account::Language::Fr),
                working_fund_iban: working?,
                reserve_fund_iban: reserve?,
                year_start: year_start?.unwrap_or_else(YearStart::january_first),
            })
        })();
        finish(v, details)
    }
}

#[derive(Serialize, ToSchema)]
pub struct BuildingView {
    id: Uuid,
    /// The organisation, on single objects (a list is all one organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<Uuid>,
    name: String,
    address: String,
    city: String,
    postal_code: String,
    country: String,
    /// Number of units (lots).
    total_units: u64,
    construction_year: Option<i32>,
    bce_number: Option<String>,
    quota_base: u32,
    /// Sum of the units' quotas.
    allocated_quota: u64,
    /// True when the units' quotas add up exactly to the base.
    quotas_complete: bool,
    language: String,
    working_fund_iban: Option<String>,
    reserve_fund_iban: Option<String>,
    fiscal_year_start: String,
    created_at: DateTime<Utc>,
}

fn view(tenant: Option<Uuid>, summary: BuildingSummary) -> BuildingView {
    let complete = summary.quotas_complete();
    let BuildingSummary { building, unit_count, allocated_quota } = summary;
    let d = building.details;
    BuildingView {
        id: building.id.as_uuid(),
        organization_id: tenant,
        name: d.name.to_string(),
        address: d.address.street.to_string(),
        city: d.address.city.to_string(),
        postal_code: d.address.postal_code.to_string(),
        country: d.address.country.as_str().to_owned(),
        total_units: unit_count,
        construction_year: d.construction_year,
        bce_number: d.bce_number.map(|n| n.dotted()),
        quota_base: d.quota_base.get(),
        allocated_quota,
        quotas_complete: complete,
        language: d.language.as_str().to_owned(),
        working_fund_iban: d.working_fund_iban.map(|i| i.as_str().to_owned()),
        reserve_fund_iban: d.reserve_fund_iban.map(|i| i.as_str().to_owned()),
        fiscal_year_start: d.year_start.to_string(),
        created_at: building.created_at,
    }
}

/// Buildings the caller may see. `sort_by`: name, city, postal_code, created_at.
#[utoipa::path(get, path = "", tag = "buildings", security(("bearer" = [])),
    params(("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100), ("sort_by" = Option<String>, Query, pattern = "^(name|city|postal_code|created_at)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<BuildingView>), (status = 422, body = Problem)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(paging): ApiQuery<Paging>) -> ApiResult<Json<Paged<BuildingView>>> {
    let mut v = Violations::new();
    let query = paging.parse(BuildingSort::Name, BuildingSort::parse, &mut v);
    let query = finish(v, query)?;
    let page = app.buildings(&auth.actor, &query).await?;
    Ok(Json(Paged::new(page, &query, |b| view(None, b))))
}

#[utoipa::path(post, path = "", tag = "buildings", security(("bearer" = [])), request_body = BuildingBody,
    responses((status = 201, body = BuildingView), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<BuildingBody>,
) -> ApiResult<(StatusCode, Json<BuildingView>)> {
    check_organization(&auth.actor, body.organization_id)?;
    let details = body.parse(app.clock.now().year())?;
    let created = app.create_building(&auth.actor, details).await?;
    Ok((StatusCode::CREATED, Json(view(auth.tenant(), created))))
}

#[utoipa::path(get, path = "/{id}", tag = "buildings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = BuildingView), (status = 404, body = Problem)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<BuildingView>> {
    let building = app.building(&auth.actor, BuildingId::from_uuid(id)).await?;
    Ok(Json(view(auth.tenant(), building)))
}

/// Replaces the building's details. The quota base cannot go below the quotas given to units.
#[utoipa::path(put, path = "/{id}", tag = "buildings", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = BuildingBody,
    responses((status = 200, body = BuildingView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<BuildingBody>,
) -> ApiResult<Json<BuildingView>> {
    check_organization(&auth.actor, body.organization_id)?;
    let details = body.parse(app.clock.now().year())?;
    let updated = app.update_building(&auth.actor, BuildingId::from_uuid(id), details).await?;
    Ok(Json(view(auth.tenant(), updated)))
}

/// Deletes an empty building (409 while it has units or expenses).
#[utoipa::path(delete, path = "/{id}", tag = "buildings", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn remove(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.delete_building(&auth.actor, BuildingId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
