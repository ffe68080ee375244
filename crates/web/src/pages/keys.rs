//! A building's distribution keys (who shares a lift, a heating, a garden,
//! and by what weight) and the general assembly's 4/5 decision not to
//! constitute the reserve fund: what only the API offered before.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_app::access::Action;
use koprogo_app::listing::{ListQuery, MAX_PER_PAGE, UnitSort};
use koprogo_domain::charges::{DistributionKey, KeyWeights};
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{BuildingId, DistributionKeyId, UnitId};
use koprogo_domain::text::Text;
use koprogo_domain::unit::Unit;

use super::render::{error_page, page_with_status};
use super::session::{Chrome, Form, Viewer, with_flash};
use crate::error::ApiError;
use crate::wire::Id;

pub struct KeyRow {
    pub name: String,
    pub units: String,
    pub edit: Option<String>,
}

#[derive(Template)]
#[template(path = "keys.html")]
struct KeysPage<'a> {
    chrome: &'a Chrome,
    building_id: String,
    building: String,
    keys: Vec<KeyRow>,
    can_write: bool,
    can_waive: bool,
    waiver_error: Option<String>,
}

/// Every unit of the building, by number.
async fn units_of(app: &App, viewer: &Viewer, building: BuildingId) -> Result<Vec<Unit>, koprogo_app::AppError> {
    let mut all = Vec::new();
    for page in 1.. {
        let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: UnitSort::Number, descending: false };
        let found = app.units(&viewer.actor, &query, Some(building)).await?;
        let done = found.items.len() < usize::try_from(MAX_PER_PAGE).unwrap_or(usize::MAX) || page >= 100;
        all.extend(found.items);
        if done {
            break;
        }
    }
    Ok(all)
}

async fn keys_page(app: &App, chrome: &Chrome, viewer: &Viewer, building: uuid::Uuid, waiver: Option<&ApiError>) -> Response {
    let id = BuildingId::from_uuid(building);
    let found = async { tokio::try_join!(app.building(&viewer.actor, id), app.keys(&viewer.actor, Some(id))) };
    let (summary, keys) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(chrome, &error.into()),
    };
    let can_write = viewer.actor.grant(Action::WriteKeys).is_ok();
    let rows = keys
        .iter()
        .map(|k| KeyRow {
            name: k.name.to_string(),
            units: chrome.lang.t_with("keys-units", &[("count", k.weights.entries().len().into()), ("total", k.weights.total().into())]),
            edit: can_write.then(|| format!("/keys/{}/edit", k.id)),
        })
        .collect();
    let template = KeysPage {
        chrome,
        building_id: building.to_string(),
        building: summary.building.details.name.to_string(),
        keys: rows,
        can_write,
        can_waive: viewer.actor.grant(Action::WaiveReserveFund).is_ok(),
        waiver_error: waiver.map(|e| e.field_errors().next().map_or_else(|| chrome.lang.error(e.code()), |(_, c)| chrome.lang.error(c))),
    };
    let status = if waiver.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    page_with_status(chrome, status, &template)
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(building): Id) -> Response {
    keys_page(&app, &chrome, &viewer, building, None).await
}

/// Records the 4/5 decision for the financial year of its date.
pub async fn waive(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(building): Id, form: Form) -> Response {
    let done = async {
        let decided_on = crate::wire::parse_date(form.get("decided_on").trim()).map_err(|e| {
            let mut v = Violations::new();
            v.push("decided_on", e);
            ApiError::invalid(&v)
        })?;
        app.waive_reserve_fund(&viewer.actor, BuildingId::from_uuid(building), decided_on).await.map_err(ApiError::from)
    };
    match done.await {
        Ok(_) => with_flash(Redirect::to(&format!("/buildings/{building}/keys")).into_response(), "done-waiver-recorded"),
        Err(error) if error.status() == axum::http::StatusCode::UNPROCESSABLE_ENTITY => {
            keys_page(&app, &chrome, &viewer, building, Some(&error)).await
        }
        Err(error) => error_page(&chrome, &error),
    }
}

pub struct WeightRow {
    pub unit_id: String,
    pub number: String,
    pub quota: u32,
    pub weight: String,
}

#[derive(Template)]
#[template(path = "key_form.html")]
struct KeyForm<'a> {
    chrome: &'a Chrome,
    title: String,
    post_to: String,
    back: String,
    name: String,
    rows: Vec<WeightRow>,
    errors: Vec<String>,
    delete: Option<String>,
}

async fn key_form(
    app: &App,
    chrome: &Chrome,
    viewer: &Viewer,
    building: BuildingId,
    key: Option<&DistributionKey>,
    form: Option<&Form>,
    error: Option<&ApiError>,
) -> Response {
    if let Err(error) = viewer.actor.grant(Action::WriteKeys) {
        return error_page(chrome, &error.into());
    }
    let units = match units_of(app, viewer, building).await {
        Ok(units) => units,
        Err(error) => return error_page(chrome, &error.into()),
    };
    let stored = |unit: UnitId| key.and_then(|k| k.weights.entries().iter().find(|(u, _)| *u == unit).map(|(_, w)| w.to_string()));
    let rows = units
        .iter()
        .map(|u| WeightRow {
            unit_id: u.id.to_string(),
            number: u.details.number.to_string(),
            quota: u.details.quota.get(),
            weight: form.map_or_else(|| stored(u.id).unwrap_or_default(), |f| f.get(&format!("weight_{}", u.id)).to_owned()),
        })
        .collect();
    let errors = error
        .map(|e| {
            let fields: Vec<String> =
                e.field_errors().map(|(f, c)| format!("{} : {}", chrome.t(&format!("keys-field-{f}")), chrome.lang.error(c))).collect();
            if fields.is_empty() { vec![chrome.lang.error(e.code())] } else { fields }
        })
        .unwrap_or_default();
    let (title, post_to) = match key {
        Some(k) => (chrome.t("keys-edit"), format!("/keys/{}/edit", k.id)),
        None => (chrome.t("keys-new"), format!("/buildings/{building}/keys/new")),
    };
    let template = KeyForm {
        chrome,
        title,
        post_to,
        back: format!("/buildings/{building}/keys"),
        name: form.map_or_else(|| key.map(|k| k.name.to_string()).unwrap_or_default(), |f| f.get("name").to_owned()),
        rows,
        errors,
        delete: key.map(|k| format!("/keys/{}/delete", k.id)),
    };
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    page_with_status(chrome, status, &template)
}

/// The name and the weights typed: a blank or zero weight leaves the unit out of the key.
fn parsed(form: &Form, units: &[Unit]) -> Result<(koprogo_domain::text::Name, KeyWeights), ApiError> {
    let mut v = Violations::new();
    let name = v.check("name", Text::parse(form.get("name")));
    let mut weights = Vec::new();
    for unit in units {
        let raw = form.get(&format!("weight_{}", unit.id)).trim();
        match raw.parse::<u64>() {
            Ok(0) => {}
            Ok(weight) => weights.push((unit.id, weight)),
            Err(_) if raw.is_empty() => {}
            Err(_) => v.push("weights", koprogo_domain::Invalid::OutOfRange { min: 1, max: 1_000_000_000 }),
        }
    }
    let weights = v.check("weights", KeyWeights::new(weights));
    match (name, weights) {
        (Some(name), Some(weights)) if v.is_empty() => Ok((name, weights)),
        _ => Err(ApiError::invalid(&v)),
    }
}

pub async fn new_key(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(building): Id) -> Response {
    key_form(&app, &chrome, &viewer, BuildingId::from_uuid(building), None, None, None).await
}

async fn save(app: &App, viewer: &Viewer, id: Option<DistributionKeyId>, building: BuildingId, form: &Form) -> Result<(), ApiError> {
    let units = units_of(app, viewer, building).await?;
    let (name, weights) = parsed(form, &units)?;
    app.save_key(&viewer.actor, id, building, name, weights).await?;
    Ok(())
}

pub async fn create_key(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(building): Id, form: Form) -> Response {
    let building = BuildingId::from_uuid(building);
    match save(&app, &viewer, None, building, &form).await {
        Ok(()) => with_flash(Redirect::to(&format!("/buildings/{building}/keys")).into_response(), "done-saved"),
        Err(error) => key_form(&app, &chrome, &viewer, building, None, Some(&form), Some(&error)).await,
    }
}

pub async fn edit_key(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    match app.key(&viewer.actor, DistributionKeyId::from_uuid(id)).await {
        Ok(key) => key_form(&app, &chrome, &viewer, key.building_id, Some(&key), None, None).await,
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn update_key(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, form: Form) -> Response {
    let key = match app.key(&viewer.actor, DistributionKeyId::from_uuid(id)).await {
        Ok(key) => key,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    match save(&app, &viewer, Some(key.id), key.building_id, &form).await {
        Ok(()) => with_flash(Redirect::to(&format!("/buildings/{}/keys", key.building_id)).into_response(), "done-saved"),
        Err(error) => key_form(&app, &chrome, &viewer, key.building_id, Some(&key), Some(&form), Some(&error)).await,
    }
}

/// Deletes a key no distribution or call used (`distribution_key.in_use` otherwise).
pub async fn delete_key(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>, _form: Form) -> Response {
    let key = match app.key(&viewer.actor, DistributionKeyId::from_uuid(id)).await {
        Ok(key) => key,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    match app.delete_key(&viewer.actor, key.id).await {
        Ok(()) => with_flash(Redirect::to(&format!("/buildings/{}/keys", key.building_id)).into_response(), "done-deleted"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}
