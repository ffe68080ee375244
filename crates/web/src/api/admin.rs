//! `/admin`: what the platform operator sees — organisations and their usage,
//! never their residents' personal data.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::account::OrganizationUsage;
use koprogo_app::listing::OrganizationSort;
use koprogo_domain::error::Violations;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiQuery, Authenticated};
use crate::wire::{Paged, Paging, finish};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(organizations))
}

#[derive(Serialize, ToSchema)]
pub struct OrganizationView {
    id: Uuid,
    name: String,
    building_count: u64,
    unit_count: u64,
    user_count: u64,
    created_at: DateTime<Utc>,
}

fn view(usage: OrganizationUsage) -> OrganizationView {
    OrganizationView {
        id: usage.organization.id.as_uuid(),
        name: usage.organization.name.to_string(),
        building_count: usage.buildings,
        unit_count: usage.units,
        user_count: usage.users,
        created_at: usage.organization.created_at,
    }
}

/// Organisations with their sign-up date and usage (platform admin only). `sort_by`: name, created_at.
#[utoipa::path(get, path = "/organizations", tag = "admin", security(("bearer" = [])),
    params(("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100), ("sort_by" = Option<String>, Query, pattern = "^(name|created_at)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<OrganizationView>), (status = 403, body = Problem)))]
async fn organizations(
    State(app): State<App>,
    auth: Authenticated,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Json<Paged<OrganizationView>>> {
    let mut v = Violations::new();
    let query = paging.parse(OrganizationSort::CreatedAt, OrganizationSort::parse, &mut v);
    let query = finish(v, query)?;
    let page = app.organizations(&auth.actor, &query).await?;
    Ok(Json(Paged::new(page, &query, view)))
}
