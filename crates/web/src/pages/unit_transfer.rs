//! Recording that a unit changes hands (a sale, a gift, an inheritance): the
//! sellers among its current holders, the day, and the buyers with their
//! shares, in one step that ends and starts the ownerships.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_app::listing::{ListQuery, MAX_PER_PAGE, OwnershipSort};
use koprogo_app::ports::OwnershipFilter;
use koprogo_domain::ids::{OwnerId, UnitId};
use koprogo_domain::owner::{Share, Transfer};

use super::render::{error_page, page_with_status};
use super::session::{Chrome, Form, Viewer, with_flash};
use crate::error::ApiError;
use crate::wire::Id;

/// Rows for buyers on the form; more co-buyers are rare and can follow as a second transfer.
const BUYER_ROWS: usize = 3;

pub struct Seller {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

pub struct BuyerRow {
    pub index: usize,
    pub owner: String,
    pub share: String,
}

#[derive(Template)]
#[template(path = "unit_transfer.html")]
struct TransferPage<'a> {
    chrome: &'a Chrome,
    unit_id: String,
    title: String,
    sellers: Vec<Seller>,
    owners: Vec<(String, String)>,
    buyers: Vec<BuyerRow>,
    date: String,
    /// The words narrowing the buyers offered.
    q: String,
    errors: Vec<String>,
}

impl TransferPage<'_> {
    fn is_chosen(&self, row: &BuyerRow, id: &str) -> bool {
        row.owner == id
    }
}

async fn transfer_page(
    app: &App,
    chrome: &Chrome,
    viewer: &Viewer,
    unit: uuid::Uuid,
    q: &str,
    form: Option<&Form>,
    error: Option<ApiError>,
) -> Response {
    let found = async {
        viewer.actor.grant(koprogo_app::access::Action::WriteOwnership)?;
        let unit = app.unit(&viewer.actor, UnitId::from_uuid(unit)).await?;
        let today = app.clock.today();
        let filter = OwnershipFilter { unit: Some(unit.id), on: Some(today), ..OwnershipFilter::default() };
        let query = ListQuery { page: 1, per_page: MAX_PER_PAGE, sort: OwnershipSort::StartDate, descending: false };
        let held = app.ownerships(&viewer.actor, &query, &filter).await?.items;
        let holders: Vec<OwnerId> = held.iter().map(|o| o.details.owner_id).collect();
        let names = app.owner_names(&viewer.actor, &holders).await?;
        let options = super::owners::owner_options(app, viewer, Some(q)).await?;
        Ok::<_, koprogo_app::AppError>((unit, held, names, options))
    };
    let (unit, held, names, options) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(chrome, &error.into()),
    };
    let name = |id: OwnerId| names.get(&id).cloned().unwrap_or_default();
    let chosen: Vec<&str> =
        form.map(|f| f.0.iter().filter(|(k, _)| k == "seller_ids").map(|(_, v)| v.as_str()).collect()).unwrap_or_default();
    let sellers = held
        .iter()
        .map(|o| Seller {
            id: o.details.owner_id.to_string(),
            label: format!("{} ({} %)", name(o.details.owner_id), chrome.lang.decimal(&o.details.share.to_percent_string())),
            checked: form.is_none() || chosen.contains(&o.details.owner_id.to_string().as_str()),
        })
        .collect();
    let buyers = (0..BUYER_ROWS)
        .map(|index| BuyerRow {
            index,
            owner: form.map(|f| f.get(&format!("buyer_{index}")).to_owned()).unwrap_or_default(),
            share: form.map(|f| f.get(&format!("share_{index}")).to_owned()).unwrap_or_default(),
        })
        .collect();
    let errors = error
        .map(|e| {
            let fields: Vec<String> =
                e.field_errors().map(|(f, c)| format!("{} : {}", field_label(chrome, f), chrome.lang.error(c))).collect();
            if fields.is_empty() { vec![chrome.lang.error(e.code())] } else { fields }
        })
        .unwrap_or_default();
    let status = if errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let template = TransferPage {
        chrome,
        unit_id: unit.id.to_string(),
        title: chrome.lang.t_with("transfer-title", &[("number", unit.details.number.to_string().into())]),
        sellers,
        owners: options,
        buyers,
        date: form.map(|f| f.get("date").to_owned()).unwrap_or_default(),
        q: q.to_owned(),
        errors,
    };
    page_with_status(chrome, status, &template)
}

fn field_label(chrome: &Chrome, field: &str) -> String {
    let key = if field.starts_with("buyers") {
        "transfer-buyers"
    } else if field == "date" {
        "transfer-date"
    } else {
        "transfer-sellers"
    };
    chrome.t(key)
}

#[derive(serde::Deserialize, Default)]
pub struct Buyers {
    q: Option<String>,
}

pub async fn form(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(unit): Id, Query(buyers): Query<Buyers>) -> Response {
    transfer_page(&app, &chrome, &viewer, unit, buyers.q.as_deref().unwrap_or(""), None, None).await
}

/// The form as the API's body: the rows with a buyer, shares in the page's language.
fn parsed(form: &Form) -> Result<Transfer, ApiError> {
    let mut v = koprogo_domain::error::Violations::new();
    let date = v.check("date", crate::wire::parse_date(form.get("date").trim()));
    let sellers = form.0.iter().filter(|(k, _)| k == "seller_ids").filter_map(|(_, id)| id.parse().ok()).map(OwnerId::from_uuid).collect();
    let mut buyers = Vec::new();
    for index in 0..BUYER_ROWS {
        let owner = form.get(&format!("buyer_{index}")).trim();
        if owner.is_empty() {
            continue;
        }
        let share = v.check(&format!("buyers[{index}].share"), Share::parse_percent(&form.1.decimal(form.get(&format!("share_{index}")))));
        match (owner.parse::<uuid::Uuid>(), share) {
            (Ok(owner), Some(share)) => buyers.push((OwnerId::from_uuid(owner), share)),
            (Err(_), _) => v.push(&format!("buyers[{index}].owner_id"), koprogo_domain::Invalid::UnknownReference),
            _ => {}
        }
    }
    if buyers.is_empty() && v.is_empty() {
        v.push("buyers", koprogo_domain::Invalid::Required);
    }
    match date {
        Some(date) if v.is_empty() => Ok(Transfer { date, sellers, buyers }),
        _ => Err(ApiError::invalid(&v)),
    }
}

pub async fn record(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(unit): Id, form: Form) -> Response {
    let done = async { app.transfer_unit(&viewer.actor, UnitId::from_uuid(unit), parsed(&form)?).await.map_err(ApiError::from) };
    match done.await {
        Ok(_) => with_flash(Redirect::to(&format!("/units/{unit}")).into_response(), "done-unit-transferred"),
        Err(error) => transfer_page(&app, &chrome, &viewer, unit, form.get("q"), Some(&form), Some(error)).await,
    }
}
