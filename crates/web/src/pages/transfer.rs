//! An association's file from the pages: downloaded from its building, and
//! uploaded by the syndic it moves to.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use koprogo_app::App;
use koprogo_app::access::Action;

use super::render::{error_page, page, page_with_status};
use super::session::{Chrome, Upload, Viewer};
use crate::wire::Id;

pub async fn export(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    match crate::api::transfer::association_zip(&app, &viewer.actor, id).await {
        Ok(zip) => zip,
        Err(error) => error_page(&chrome, &error),
    }
}

#[derive(Template)]
#[template(path = "association_import.html")]
struct ImportPage<'a> {
    chrome: &'a Chrome,
    error: Option<String>,
    /// The building's page and what arrived.
    done: Option<(String, String)>,
    renumbered: Option<String>,
}

pub async fn import_form(chrome: Chrome, viewer: Viewer) -> Response {
    if let Err(error) = viewer.actor.grant(Action::TransferAssociation) {
        return error_page(&chrome, &error.into());
    }
    page(&chrome, &ImportPage { chrome: &chrome, error: None, done: None, renumbered: None })
}

pub async fn import(State(app): State<App>, chrome: Chrome, viewer: Viewer, upload: Upload) -> Response {
    match crate::api::transfer::import_zip(&app, &viewer.actor, &upload.file).await {
        Ok(view) => {
            let done = chrome.lang.t_with("transfer-imported", &[("rows", view.rows.into())]);
            let renumbered = (!view.renumbered.is_empty())
                .then(|| chrome.lang.t_with("transfer-renumbered", &[("count", view.renumbered.len().into())]));
            let template =
                ImportPage { chrome: &chrome, error: None, done: Some((format!("/buildings/{}", view.building_id), done)), renumbered };
            page(&chrome, &template)
        }
        Err(error) if matches!(error.status(), StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
            let message = error.field_errors().next().map_or_else(|| chrome.lang.error(error.code()), |(_, code)| chrome.lang.error(code));
            page_with_status(&chrome, error.status(), &ImportPage { chrome: &chrome, error: Some(message), done: None, renumbered: None })
        }
        Err(error) => error_page(&chrome, &error),
    }
}
