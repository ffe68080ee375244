//! The organisation's audit trail on screen, for its syndic: newest first,
//! filtered, with the chain's verification and the CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use koprogo_app::App;
use koprogo_app::listing::{AuditSort, ListQuery};
use koprogo_app::ports::audit::AuditFilter;
use koprogo_domain::audit::ChainedEvent;
use koprogo_domain::ids::OwnerId;
use std::collections::HashMap;

use super::render::{error_page, page, percent_encode};
use super::session::{Chrome, Viewer};
use crate::error::ApiError;

#[derive(serde::Deserialize, Default)]
pub struct Filters {
    page: Option<i64>,
    action: Option<String>,
    object_type: Option<String>,
}

pub struct EventRow {
    pub seq: u64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub changes: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    chrome: &'a Chrome,
    rows: Vec<EventRow>,
    action: String,
    object_type: String,
    verdict: String,
    intact: bool,
    csv: String,
    previous: Option<String>,
    next: Option<String>,
}

/// The names behind the ids of a page of events: people, buildings, owners.
async fn names_of(app: &App, viewer: &Viewer, events: &[ChainedEvent]) -> Result<HashMap<uuid::Uuid, String>, koprogo_app::AppError> {
    let mut names: HashMap<uuid::Uuid, String> = HashMap::new();
    if let Ok(team) = app.team(&viewer.actor).await {
        names.extend(team.members.iter().map(|(u, _)| (u.id.as_uuid(), format!("{} {}", u.first_name, u.last_name))));
    }
    names.extend(super::calls::building_names(app, viewer).await?.into_iter().filter_map(|(id, n)| id.parse().ok().map(|id| (id, n))));
    let owners: Vec<OwnerId> =
        events.iter().filter(|e| e.body.object_type == "owner").filter_map(|e| e.body.object_id).map(OwnerId::from_uuid).collect();
    names.extend(app.owner_names(&viewer.actor, &owners).await?.into_iter().map(|(id, n)| (id.as_uuid(), n)));
    Ok(names)
}

/// One event as a sentence's parts: who, what (in the reader's words), on which named object.
fn row(chrome: &Chrome, names: &HashMap<uuid::Uuid, String>, e: &ChainedEvent) -> EventRow {
    let b = &e.body;
    let changes: Vec<String> = b.changes.iter().map(crate::api::audit::change_text).collect();
    let role = b.actor_role.as_deref().map(|r| chrome.t(&format!("role-{r}"))).unwrap_or_default();
    let actor = match b.actor_user.and_then(|u| names.get(&u)) {
        Some(name) => format!("{name} ({role})"),
        None => role,
    };
    let kind_key = format!("audit-object-{}", b.object_type);
    let kind = Some(chrome.t(&kind_key)).filter(|k| *k != kind_key).unwrap_or_else(|| b.object_type.clone());
    let object = match b.object_id {
        Some(id) => match names.get(&id) {
            Some(name) => format!("{kind} « {name} »"),
            None => format!("{kind} {}", id.simple().to_string().get(..8).unwrap_or_default()),
        },
        None => kind,
    };
    let key = format!("audit-{}", b.action.replace(['.', '_'], "-"));
    let said = chrome.t(&key);
    EventRow {
        seq: e.seq,
        at: chrome.lang.time(b.at),
        actor,
        action: if said == key { b.action.clone() } else { said },
        object,
        outcome: chrome.t(&format!("audit-outcome-{}", b.outcome.as_str())),
        changes: changes.join(" · "),
    }
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(filters): Query<Filters>) -> Response {
    let query = match ListQuery::parse(filters.page, Some(50), AuditSort::Seq, Some("desc")) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let text = |raw: &Option<String>| raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let filter = AuditFilter { action: text(&filters.action), object_type: text(&filters.object_type), ..AuditFilter::default() };
    let found = tokio::try_join!(app.audit_events(&viewer.actor, &query, &filter), app.verify_own_chain(&viewer.actor));
    let (events, report) = match found {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let names = match names_of(&app, &viewer, &events.items).await {
        Ok(names) => names,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let rows = events.items.iter().map(|e| row(&chrome, &names, e)).collect();
    let verdict = match &report.broken {
        None => chrome.lang.t_with("audit-intact", &[("count", report.events.into())]),
        Some(broken) => chrome.lang.t_with("audit-broken", &[("seq", broken.seq.into())]),
    };
    let query_string = format!(
        "action={}&object_type={}",
        percent_encode(filter.action.as_deref().unwrap_or_default()),
        percent_encode(filter.object_type.as_deref().unwrap_or_default())
    );
    let pages = events.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let link = |n: u64| format!("/audit?{query_string}&page={n}");
    let template = AuditPage {
        chrome: &chrome,
        rows,
        action: filter.action.clone().unwrap_or_default(),
        object_type: filter.object_type.clone().unwrap_or_default(),
        intact: report.broken.is_none(),
        verdict,
        csv: format!("/audit.csv?{query_string}"),
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
    };
    page(&chrome, &template)
}

/// The filtered trail as CSV, for a signed-in browser.
pub async fn csv(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(filters): Query<Filters>) -> Response {
    let text = |raw: &Option<String>| raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let filter = AuditFilter { action: text(&filters.action), object_type: text(&filters.object_type), ..AuditFilter::default() };
    let events = match app.export_audit(&viewer.actor, &filter).await {
        Ok(events) => events,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    match crate::api::audit::audit_csv(&events) {
        Ok(text) => crate::api::statements::file(text.into_bytes(), "text/csv; charset=utf-8", "journal-audit.csv"),
        Err(error) => error_page(&chrome, &koprogo_app::AppError::Internal(error).into()),
    }
}
