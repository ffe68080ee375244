//! The search page: buildings, units, owners and expenses matching what the
//! syndic typed on the dashboard.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use koprogo_app::App;

use super::calls::{building_names, name_of};
use super::render::{error_page, page};
use super::session::{Chrome, Viewer};

#[derive(serde::Deserialize, Default)]
pub struct Search {
    q: Option<String>,
}

/// One result: where it leads, what it is, and a word of context.
pub struct Hit {
    pub link: String,
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    chrome: &'a Chrome,
    q: String,
    /// (title, hits) of each kind that found something.
    sections: Vec<(String, Vec<Hit>)>,
    searched: bool,
}

pub async fn show(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(search): Query<Search>) -> Response {
    let q = search.q.unwrap_or_default();
    let found = async { tokio::try_join!(app.search(&viewer.actor, &q), building_names(&app, &viewer)) };
    let (found, names) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let lang = chrome.lang;
    let buildings: Vec<Hit> = found
        .buildings
        .iter()
        .map(|b| Hit {
            link: format!("/buildings/{}", b.building.id),
            label: b.building.details.name.to_string(),
            detail: b.building.details.address.city.to_string(),
        })
        .collect();
    let units: Vec<Hit> = found
        .units
        .iter()
        .map(|u| Hit {
            link: format!("/units/{}", u.id),
            label: u.details.number.to_string(),
            detail: name_of(&names, u.details.building_id),
        })
        .collect();
    let owners: Vec<Hit> = found
        .owners
        .iter()
        .map(|(o, held)| Hit {
            link: format!("/owners/{}", o.id),
            label: o.details.display_name(),
            detail: held.iter().map(|b| name_of(&names, b)).collect::<Vec<_>>().join(", "),
        })
        .collect();
    let expenses: Vec<Hit> = found
        .expenses
        .iter()
        .map(|e| Hit {
            link: format!("/expenses?building={}&q={}", e.details.building_id, super::render::percent_encode(&q)),
            label: format!("{} — {}", e.details.supplier, e.details.description),
            detail: format!(
                "{} · {} · {}",
                lang.date(e.details.date),
                lang.money(e.details.amount),
                name_of(&names, e.details.building_id)
            ),
        })
        .collect();
    let sections: Vec<(String, Vec<Hit>)> =
        [("search-buildings", buildings), ("search-units", units), ("search-owners", owners), ("search-expenses", expenses)]
            .into_iter()
            .filter(|(_, hits)| !hits.is_empty())
            .map(|(key, hits)| (chrome.t(key), hits))
            .collect();
    let searched = !koprogo_app::search::words(&q).is_empty();
    page(&chrome, &SearchPage { chrome: &chrome, q, sections, searched })
}
