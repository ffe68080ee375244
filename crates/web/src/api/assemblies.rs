//! General assemblies as the syndic prepares them: `/assemblies` (kind,
//! date, place, remote option) and their agenda (`/assemblies/{id}/agenda`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::assemblies::Rescheduling;
use koprogo_app::listing::AssemblySort;
use koprogo_app::ports::assemblies::AssemblyFilter;
use koprogo_domain::Invalid;
use koprogo_domain::assembly::majority::DecisionKind;
use koprogo_domain::assembly::meeting::AssemblyKind;
use koprogo_domain::assembly::record::{AgendaItem, AgendaItemDetails, Assembly, AssemblyDetails, Remote};
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{AssemblyId, BuildingId};
use koprogo_domain::text::{LongText, Name};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, body_id, finish, optional, query_id, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, update)).routes(routes!(cancel)).routes(routes!(add_item))
}

#[derive(Serialize, ToSchema)]
pub struct AssemblyView {
    id: Uuid,
    building_id: Uuid,
    /// ordinary, extraordinary, second, unanimity_fallback or written.
    kind: String,
    /// draft, convened, opened, closed, minutes_signed, minutes_sent or cancelled.
    status: String,
    meets_at: DateTime<Utc>,
    place: String,
    /// How co-owners take part from afar, when the convocation offers it.
    remote_means: Option<String>,
    identity_check: Option<String>,
    follows_id: Option<Uuid>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn view(a: Assembly) -> AssemblyView {
    let d = a.details;
    AssemblyView {
        id: a.id.as_uuid(),
        building_id: d.building_id.as_uuid(),
        kind: d.kind.as_str().to_owned(),
        status: a.status.as_str().to_owned(),
        meets_at: d.meets_at,
        place: d.place.to_string(),
        remote_means: d.remote.as_ref().map(|r| r.means.to_string()),
        identity_check: d.remote.as_ref().map(|r| r.identity_check.to_string()),
        follows_id: d.follows.map(AssemblyId::as_uuid),
        created_at: a.created_at,
        updated_at: a.updated_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AgendaItemView {
    id: Uuid,
    number: u32,
    title: String,
    resolution: String,
    /// The kind of decision, which fixes the majority (`majority`) and its article.
    kind: String,
    majority: String,
    article: String,
    special_reasons: Option<String>,
}

fn item_view(i: AgendaItem) -> AgendaItemView {
    let d = i.details;
    AgendaItemView {
        id: i.id.as_uuid(),
        number: i.number,
        title: d.title.to_string(),
        resolution: d.resolution.to_string(),
        kind: d.kind.as_str().to_owned(),
        majority: d.kind.majority().as_str().to_owned(),
        article: d.kind.article().to_owned(),
        special_reasons: d.special_reasons.map(|r| r.to_string()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssemblyDetailView {
    #[serde(flatten)]
    assembly: AssemblyView,
    agenda: Vec<AgendaItemView>,
}

#[derive(Deserialize)]
pub struct AssemblyFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
}

/// Assemblies, by date. `sort_by`: meets_at.
#[utoipa::path(get, path = "/api/v1/assemblies", tag = "assemblies", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^meets_at$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<AssemblyView>)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<AssemblyFilters>) -> ApiResult<Json<Paged<AssemblyView>>> {
    let mut v = Violations::new();
    let query = f.paging.parse(AssemblySort::MeetsAt, AssemblySort::parse, &mut v);
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let (query, building) = finish(v, query.zip(building))?;
    let filter = AssemblyFilter { building: building.map(BuildingId::from_uuid) };
    let page = app.assemblies(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, view)))
}

/// A moment as RFC 3339, or as a local time in Brussels (`2027-05-20T18:30`).
fn parse_moment(raw: &str) -> Result<DateTime<Utc>, Invalid> {
    let raw = raw.trim();
    let at = match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => at.with_timezone(&Utc),
        Err(_) => {
            let local = chrono::NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").map_err(|_| Invalid::Date)?;
            local.and_local_timezone(chrono_tz::Europe::Brussels).earliest().ok_or(Invalid::Date)?.with_timezone(&Utc)
        }
    };
    koprogo_domain::day::check_day(at.date_naive())?;
    Ok(at)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssemblyBody {
    building_id: Option<Uuid>,
    /// ordinary (default), extraordinary, second, unanimity_fallback or written.
    kind: Option<String>,
    /// RFC 3339, or a local time in Brussels: `2027-05-20T18:30`.
    #[schema(value_type = String, format = DateTime)]
    meets_at: Option<String>,
    place: Option<String>,
    /// Offered remote participation: the means, with `identity_check`.
    remote_means: Option<String>,
    identity_check: Option<String>,
    /// The assembly a second or unanimity_fallback one follows.
    follows_id: Option<Uuid>,
}

impl AssemblyBody {
    fn parse(&self, building: Option<BuildingId>) -> ApiResult<AssemblyDetails> {
        let mut v = Violations::new();
        let building = match building {
            Some(b) => Some(b),
            None => body_id(&mut v, "building_id", self.building_id).map(BuildingId::from_uuid),
        };
        let kind = optional(&mut v, "kind", self.kind.as_deref(), AssemblyKind::parse);
        let meets_at = required(&mut v, "meets_at", self.meets_at.as_deref(), parse_moment);
        let place = required(&mut v, "place", self.place.as_deref(), Name::parse);
        let means = optional(&mut v, "remote_means", self.remote_means.as_deref(), Name::parse);
        let check = optional(&mut v, "identity_check", self.identity_check.as_deref(), Name::parse);
        let remote = match (means, check) {
            (Some(Some(means)), Some(Some(identity_check))) => Some(Some(Remote { means, identity_check })),
            (Some(None), Some(None)) => Some(None),
            (Some(Some(_)), Some(None)) => {
                v.push("identity_check", Invalid::Required);
                None
            }
            (Some(None), Some(Some(_))) => {
                v.push("remote_means", Invalid::Required);
                None
            }
            _ => None,
        };
        let details = (|| {
            Some(AssemblyDetails {
                building_id: building?,
                kind: kind?.unwrap_or(AssemblyKind::Ordinary),
                meets_at: meets_at?,
                place: place?,
                remote: remote?,
                follows: self.follows_id.map(AssemblyId::from_uuid),
            })
        })();
        finish(v, details)
    }
}

/// Prepares an assembly (in draft). A second assembly (`kind` second) follows one that had
/// no quorum and meets at least 15 days after it; a unanimity fallback at least 30 days after
/// (422 `assembly.too_early`).
#[utoipa::path(post, path = "/api/v1/assemblies", tag = "assemblies", security(("bearer" = [])),
    request_body = AssemblyBody, responses((status = 201, body = AssemblyView)))]
async fn create(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<AssemblyBody>,
) -> ApiResult<(StatusCode, Json<AssemblyView>)> {
    let details = body.parse(None)?;
    Ok((StatusCode::CREATED, Json(view(app.create_assembly(&auth.actor, details).await?))))
}

#[utoipa::path(get, path = "/api/v1/assemblies/{id}", tag = "assemblies", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AssemblyDetailView)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<AssemblyDetailView>> {
    let (assembly, agenda) = app.assembly(&auth.actor, AssemblyId::from_uuid(id)).await?;
    Ok(Json(AssemblyDetailView { assembly: view(assembly), agenda: agenda.into_iter().map(item_view).collect() }))
}

/// Changes the date, place or remote option of a draft (422 `assembly.invalid_transition`
/// once convened). The building, kind and `follows_id` stay as created.
#[utoipa::path(put, path = "/api/v1/assemblies/{id}", tag = "assemblies", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AssemblyBody, responses((status = 200, body = AssemblyView)))]
async fn update(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<AssemblyBody>,
) -> ApiResult<Json<AssemblyView>> {
    // The building, kind and follows_id are kept as created: any stand-in parses.
    let details = body.parse(Some(BuildingId::from_uuid(Uuid::nil())))?;
    let change = Rescheduling { meets_at: details.meets_at, place: details.place, remote: details.remote };
    Ok(Json(view(app.update_assembly(&auth.actor, AssemblyId::from_uuid(id), change).await?)))
}

/// Cancels a draft or convened assembly.
#[utoipa::path(post, path = "/api/v1/assemblies/{id}/cancel", tag = "assemblies", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AssemblyView)))]
async fn cancel(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<AssemblyView>> {
    Ok(Json(view(app.cancel_assembly(&auth.actor, AssemblyId::from_uuid(id)).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemBody {
    title: Option<String>,
    /// The text put to the vote.
    resolution: Option<String>,
    /// The kind of decision (its majority follows): ordinary, approve_accounts, common_parts_works,
    /// reserve_fund_waiver, quota_change…
    kind: Option<String>,
    /// Required for private_parts_works (Art. 3.88 §1 1°).
    special_reasons: Option<String>,
}

/// Appends an item to a draft's agenda, numbered after the last one.
#[utoipa::path(post, path = "/api/v1/assemblies/{id}/agenda", tag = "assemblies", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AgendaItemBody, responses((status = 201, body = AgendaItemView)))]
async fn add_item(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<AgendaItemBody>,
) -> ApiResult<(StatusCode, Json<AgendaItemView>)> {
    let mut v = Violations::new();
    let title = required(&mut v, "title", body.title.as_deref(), Name::parse);
    let resolution = required(&mut v, "resolution", body.resolution.as_deref(), LongText::parse);
    let kind = required(&mut v, "kind", body.kind.as_deref(), DecisionKind::parse);
    let reasons = optional(&mut v, "special_reasons", body.special_reasons.as_deref(), LongText::parse);
    let details = (|| Some(AgendaItemDetails { title: title?, resolution: resolution?, kind: kind?, special_reasons: reasons? }))();
    let details = finish(v, details)?;
    let item = app.add_agenda_item(&auth.actor, AssemblyId::from_uuid(id), details).await?;
    Ok((StatusCode::CREATED, Json(item_view(item))))
}
