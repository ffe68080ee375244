//! Deleting a building, a unit, an owner or a draft expense: a confirmation
//! page (there is no script to ask), then the deletion. What the domain
//! refuses (a building with units, an approved expense) is explained on an
//! error page in the reader's language.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::{App, AppError};
use koprogo_domain::ids::{BuildingId, ExpenseId, OwnerId, UnitId};

use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::error::ApiError;

/// What can be deleted from the pages, by the first segment of its address.
#[derive(Clone, Copy)]
enum Kind {
    Building,
    Unit,
    Owner,
    Expense,
}

impl Kind {
    fn parse(area: &str) -> Option<Kind> {
        match area {
            "buildings" => Some(Kind::Building),
            "units" => Some(Kind::Unit),
            "owners" => Some(Kind::Owner),
            "expenses" => Some(Kind::Expense),
            _ => None,
        }
    }
}

#[derive(Template)]
#[template(path = "delete.html")]
struct Confirm<'a> {
    chrome: &'a Chrome,
    what: String,
    post_to: String,
    back: String,
}

/// The name of the object, read through the use cases (so a foreign or
/// missing one is a 404 here already), and where to go back to.
async fn describe(app: &App, viewer: &Viewer, kind: Kind, id: uuid::Uuid) -> Result<(String, String), AppError> {
    let actor = &viewer.actor;
    Ok(match kind {
        Kind::Building => {
            (app.building(actor, BuildingId::from_uuid(id)).await?.building.details.name.to_string(), format!("/buildings/{id}"))
        }
        Kind::Unit => (app.unit(actor, UnitId::from_uuid(id)).await?.details.number.to_string(), format!("/units/{id}")),
        Kind::Owner => (app.owner(actor, OwnerId::from_uuid(id)).await?.details.display_name(), format!("/owners/{id}")),
        Kind::Expense => {
            let expense = app.expense(actor, ExpenseId::from_uuid(id)).await?;
            (format!("{} — {}", expense.details.supplier, expense.details.description), "/expenses".to_owned())
        }
    })
}

/// The kind and id of `/{area}/{id}/delete`.
fn target(uri: &Uri, params: &[(String, String)]) -> Option<(Kind, String, uuid::Uuid)> {
    let mut segments = uri.path().trim_start_matches('/').split('/');
    let area = segments.next()?;
    let id = params.iter().find(|(name, _)| name == "id")?.1.parse().ok()?;
    (segments.nth(1) == Some("delete") && segments.next().is_none()).then_some(())?;
    Some((Kind::parse(area)?, area.to_owned(), id))
}

pub async fn confirm(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    uri: Uri,
    Path(params): Path<Vec<(String, String)>>,
) -> Response {
    let Some((kind, area, id)) = target(&uri, &params) else { return error_page(&chrome, &ApiError::not_found()) };
    match describe(&app, &viewer, kind, id).await {
        Ok((what, back)) => page(&chrome, &Confirm { chrome: &chrome, what, post_to: format!("/{area}/{id}/delete"), back }),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn delete(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    uri: Uri,
    Path(params): Path<Vec<(String, String)>>,
    _form: Form,
) -> Response {
    let Some((kind, _, id)) = target(&uri, &params) else { return error_page(&chrome, &ApiError::not_found()) };
    let actor = &viewer.actor;
    let done = match kind {
        Kind::Building => app.delete_building(actor, BuildingId::from_uuid(id)).await.map(|()| "/".to_owned()),
        Kind::Unit => match app.unit(actor, UnitId::from_uuid(id)).await {
            Ok(unit) => app.delete_unit(actor, unit.id).await.map(|()| format!("/buildings/{}", unit.details.building_id)),
            Err(error) => Err(error),
        },
        Kind::Owner => app.delete_owner(actor, OwnerId::from_uuid(id)).await.map(|()| "/".to_owned()),
        Kind::Expense => app.delete_expense(actor, ExpenseId::from_uuid(id)).await.map(|()| "/expenses".to_owned()),
    };
    match done {
        Ok(to) => super::session::with_flash(Redirect::to(&to).into_response(), "done-deleted"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}
