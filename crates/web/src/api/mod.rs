//! The JSON API under `/api/v1`, one module per area, and its OpenAPI 3.1
//! document generated from the handlers' annotations.

mod admin;
mod auth;
mod buildings;
mod expenses;
mod owners;
mod ownerships;
mod units;

use axum::Json;
use axum::routing::get;
use koprogo_app::App;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

#[derive(OpenApi)]
#[openapi(
    info(title = "KoproGo API", description = "Management of Belgian co-ownerships: buildings, units, owners, expenses."),
    modifiers(&BearerAuth),
    components(schemas(crate::error::Problem)),
    tags(
        (name = "auth", description = "Sign-up, login, tokens"),
        (name = "buildings", description = "Associations of co-owners and their buildings"),
        (name = "units", description = "Units (lots) and their quotas"),
        (name = "owners", description = "Co-owners"),
        (name = "ownerships", description = "Shares of units held by owners over time"),
        (name = "expenses", description = "Invoices and charges"),
        (name = "admin", description = "Platform administration"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

/// The API routes, with `GET /api/v1/openapi.json` describing them.
pub fn routes() -> axum::Router<App> {
    let (router, document) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1/auth", auth::routes())
        .nest("/api/v1/buildings", buildings::routes())
        .nest("/api/v1/units", units::routes())
        .nest("/api/v1/owners", owners::routes())
        .nest("/api/v1/ownerships", ownerships::routes())
        .nest("/api/v1/expenses", expenses::routes())
        .nest("/api/v1/admin", admin::routes())
        .split_for_parts();
    let document = std::sync::Arc::new(document);
    router.route("/api/v1/openapi.json", get(move || std::future::ready(Json(document.as_ref().clone()))))
}
