//! `/search`: what a syndic remembers — a name, a unit number, a supplier — found.

use axum::Json;
use axum::extract::State;
use koprogo_app::App;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::extract::{ApiQuery, Authenticated};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Hit {
    id: Uuid,
    /// The building it belongs to (none for a building or an owner).
    building_id: Option<Uuid>,
    label: String,
}

#[derive(Serialize, ToSchema)]
pub struct OwnerHit {
    id: Uuid,
    label: String,
    /// Where they hold, or held, a unit.
    building_ids: Vec<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchView {
    buildings: Vec<Hit>,
    units: Vec<Hit>,
    owners: Vec<OwnerHit>,
    /// Newest first.
    expenses: Vec<Hit>,
}

/// Up to 20 of each kind where every word of `q` appears, case aside.
#[utoipa::path(get, path = "/api/v1/search", tag = "buildings", security(("bearer" = [])), params(("q" = String, Query)),
    responses((status = 200, body = SearchView)))]
async fn search(State(app): State<App>, auth: Authenticated, ApiQuery(query): ApiQuery<SearchQuery>) -> ApiResult<Json<SearchView>> {
    let found = app.search(&auth.actor, query.q.as_deref().unwrap_or("")).await?;
    Ok(Json(SearchView {
        buildings: found
            .buildings
            .iter()
            .map(|b| Hit { id: b.building.id.as_uuid(), building_id: None, label: b.building.details.name.to_string() })
            .collect(),
        units: found
            .units
            .iter()
            .map(|u| Hit { id: u.id.as_uuid(), building_id: Some(u.details.building_id.as_uuid()), label: u.details.number.to_string() })
            .collect(),
        owners: found
            .owners
            .iter()
            .map(|(o, held)| OwnerHit {
                id: o.id.as_uuid(),
                label: o.details.display_name(),
                building_ids: held.iter().map(|b| b.as_uuid()).collect(),
            })
            .collect(),
        expenses: found
            .expenses
            .iter()
            .map(|e| Hit {
                id: e.id.as_uuid(),
                building_id: Some(e.details.building_id.as_uuid()),
                label: format!("{} — {}", e.details.supplier, e.details.description),
            })
            .collect(),
    }))
}
