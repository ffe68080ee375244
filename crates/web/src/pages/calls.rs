//! Calls for funds: the list, the wizard (a form, then a preview of every
//! owner's line and the reserve-fund check, then the issue), a call with its
//! lines and structured communications, and its letters and sheet to download.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use koprogo_app::access::Action;
use koprogo_app::charges::CallPreview;
use koprogo_app::listing::{BuildingSort, CallSort, ListQuery, MAX_PER_PAGE};
use koprogo_app::{App, AppError};
use koprogo_domain::charges::CallDetails;
use koprogo_domain::ids::{BuildingId, FundCallId, OwnerId};
use koprogo_domain::money::Cents;

use super::forms::{self, Choices, Place, Spec, field};
use super::render::{error_page, page, percent_encode};
use super::session::{Chrome, Form, Viewer};
use crate::api::charges::CallBody;
use crate::api::statements::{PDF, XLSX, file, reader_language};
use crate::error::ApiError;
use crate::wire::Id;

/// Building names by id, for every building the viewer sees.
pub async fn building_names(app: &App, viewer: &Viewer) -> Result<Vec<(String, String)>, AppError> {
    let every = ListQuery { page: 1, per_page: MAX_PER_PAGE, sort: BuildingSort::Name, descending: false };
    let buildings = app.buildings(&viewer.actor, &every).await?.items;
    Ok(buildings.iter().map(|b| (b.building.id.to_string(), b.building.details.name.to_string())).collect())
}

pub fn name_of(names: &[(String, String)], id: impl ToString) -> String {
    let id = id.to_string();
    names.iter().find(|(key, _)| *key == id).map_or_else(String::new, |(_, name)| name.clone())
}

pub struct CallRow {
    pub link: String,
    pub as_of: String,
    pub building: String,
    pub title: String,
    pub due: String,
    pub working: String,
    pub reserve: String,
}

#[derive(Template)]
#[template(path = "calls.html")]
struct CallsPage<'a> {
    chrome: &'a Chrome,
    rows: Vec<CallRow>,
    count: String,
    can_issue: bool,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Listing {
    page: Option<i64>,
    building: Option<String>,
}

/// A building named in a page's query; a value that is not an id is refused.
pub fn building_filter(raw: Option<&str>) -> Result<Option<BuildingId>, ApiError> {
    match raw.map(str::trim).filter(|b| !b.is_empty()) {
        None => Ok(None),
        Some(raw) => raw.parse().map(|id| Some(BuildingId::from_uuid(id))).map_err(|_| {
            let mut v = koprogo_domain::error::Violations::new();
            v.push("building", koprogo_domain::Invalid::UnknownReference);
            ApiError::invalid(&v)
        }),
    }
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(listing): Query<Listing>) -> Response {
    let query = match ListQuery::parse(listing.page, None, CallSort::AsOf, Some("desc")) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let building = match building_filter(listing.building.as_deref()) {
        Ok(building) => building,
        Err(error) => return error_page(&chrome, &error),
    };
    let (calls, names) = match tokio::try_join!(app.calls(&viewer.actor, &query, building), building_names(&app, &viewer)) {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let lang = chrome.lang;
    let rows = calls
        .items
        .iter()
        .map(|c| CallRow {
            link: format!("/calls/{}", c.id),
            as_of: lang.date(c.details.as_of),
            building: name_of(&names, c.details.building_id),
            title: match c.cancelled_at {
                Some(_) => format!("{} ({})", c.details.title, chrome.t("call-cancelled")),
                None => c.details.title.to_string(),
            },
            due: lang.date(c.details.due_date),
            working: lang.money(c.details.working),
            reserve: lang.money(c.details.reserve),
        })
        .collect();
    let pages = calls.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let filter = building.map(|b| format!("building={b}&")).unwrap_or_default();
    let link = |n: u64| format!("/calls?{filter}page={n}");
    let template = CallsPage {
        chrome: &chrome,
        rows,
        count: lang.t_with("calls-count", &[("count", calls.total.into())]),
        can_issue: viewer.actor.grant(Action::IssueCall).is_ok(),
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
    };
    page(&chrome, &template)
}

const CALL: Spec = Spec {
    title: "call-new",
    submit: "call-preview",
    action: Action::IssueCall,
    fields: &[
        field("building_id", "expenses-building", "select", true),
        field("title", "call-title", "text", true),
        field("as_of", "call-as-of", "date", true),
        field("due_date", "call-due", "date", true),
        field("working_amount", "fund-working", "decimal", false),
        field("reserve_amount", "fund-reserve", "decimal", false),
        field("key_id", "call-key", "select", false),
    ],
};

async fn call_choices(app: &App, viewer: &Viewer) -> Result<Choices, AppError> {
    let names = building_names(app, viewer).await?;
    let keys = app.keys(&viewer.actor, None).await?;
    let keys = keys.iter().map(|k| (k.id.to_string(), format!("{} — {}", name_of(&names, k.building_id), k.name))).collect();
    Ok(Choices::from([("building_id", names), ("key_id", keys)]))
}

/// The wizard's form, filled from the query (the preview's "change" link).
pub async fn new_call(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(filled): Query<HashMap<String, String>>) -> Response {
    match call_choices(&app, &viewer).await {
        Ok(choices) => {
            let values: Vec<(&str, String)> = CALL.fields.iter().filter_map(|f| filled.get(f.name).map(|v| (f.name, v.clone()))).collect();
            Place::new(&CALL, "/calls/new", "/calls", choices).show(&chrome, &viewer, &values)
        }
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub struct PreviewLine {
    pub owner: String,
    pub working: String,
    pub reserve: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "call_preview.html")]
struct PreviewPage<'a> {
    chrome: &'a Chrome,
    facts: Vec<(String, String)>,
    lines: Vec<PreviewLine>,
    totals: PreviewLine,
    warning: Option<String>,
    /// The form's values, carried to the issue and back to the form.
    hidden: Vec<(&'static str, String)>,
    change: String,
}

fn sum(amounts: impl Iterator<Item = Cents>) -> Cents {
    Cents::new(amounts.map(Cents::get).sum()).unwrap_or_default()
}

async fn preview_page(
    app: &App,
    chrome: &Chrome,
    viewer: &Viewer,
    form: &Form,
    details: &CallDetails,
    preview: CallPreview,
) -> Result<Response, ApiError> {
    let lang = chrome.lang;
    let ids: Vec<OwnerId> = preview.lines.iter().map(|l| l.owner).collect();
    let (names, buildings) = tokio::try_join!(app.owner_names(&viewer.actor, &ids), building_names(app, viewer))?;
    let mut lines: Vec<(String, PreviewLine)> = preview
        .lines
        .iter()
        .map(|l| {
            let owner = names.get(&l.owner).cloned().unwrap_or_default();
            let line = PreviewLine {
                owner: owner.clone(),
                working: lang.money(l.working),
                reserve: lang.money(l.reserve),
                total: lang.money(l.total()),
            };
            (owner.to_lowercase(), line)
        })
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    let totals = PreviewLine {
        owner: chrome.t("total"),
        working: lang.money(sum(preview.lines.iter().map(|l| l.working))),
        reserve: lang.money(sum(preview.lines.iter().map(|l| l.reserve))),
        total: lang.money(sum(preview.lines.iter().map(|l| l.total()))),
    };
    let facts = vec![
        (chrome.t("expenses-building"), name_of(&buildings, details.building_id)),
        (chrome.t("call-title"), details.title.to_string()),
        (chrome.t("call-as-of"), lang.date(details.as_of)),
        (chrome.t("call-due"), lang.date(details.due_date)),
    ];
    let warning = preview.reserve_minimum.map(|minimum| {
        lang.t_with("call-reserve-warning", &[("minimum", lang.money(minimum).into()), ("year", preview.fiscal_year.into())])
    });
    let mut hidden: Vec<(&'static str, String)> = CALL.fields.iter().map(|f| (f.name, form.get(f.name).trim().to_owned())).collect();
    let change = format!("/calls/new?{}", hidden.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&"));
    // Issuing carries the preview's key: the form sent twice issues one call.
    hidden.push(("idempotency_key", uuid::Uuid::now_v7().to_string()));
    let template = PreviewPage { chrome, facts, lines: lines.into_iter().map(|(_, l)| l).collect(), totals, warning, hidden, change };
    Ok(page(chrome, &template))
}

/// The wizard's second step: what issuing would give, to confirm.
pub async fn preview(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let work = async {
        let body: CallBody = forms::body(&CALL, &form, &[])?;
        let details = body.parse(app.clock.today())?;
        let preview = app.preview_call(&viewer.actor, &details).await?;
        preview_page(&app, &chrome, &viewer, &form, &details, preview).await
    };
    let choices = async { call_choices(&app, &viewer).await.map(Some) };
    Place::new(&CALL, "/calls/new", "/calls", Choices::new()).answer(&chrome, &viewer, &form, work, choices).await
}

/// The wizard's last step: the call is issued, one line per owner.
pub async fn issue(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let work = async {
        let key = form.get("idempotency_key").trim();
        let fixed: Vec<(&str, String)> = if key.is_empty() { Vec::new() } else { vec![("idempotency_key", key.to_owned())] };
        let body: CallBody = forms::body(&CALL, &form, &fixed)?;
        let issued = app.issue_call(&viewer.actor, body.parse(app.clock.today())?, body.idempotency_key()?).await?;
        Ok(format!("/calls/{}", issued.call.id))
    };
    let choices = async { call_choices(&app, &viewer).await.map(Some) };
    Place::new(&CALL, "/calls/new", "/calls", Choices::new())
        .done("done-call-issued")
        .submit_with(&chrome, &viewer, &form, work, choices)
        .await
}

pub struct LineRow {
    pub owner: String,
    pub owner_link: String,
    pub units: String,
    pub communication: String,
    pub working: String,
    pub reserve: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "call.html")]
struct CallPage<'a> {
    chrome: &'a Chrome,
    id: String,
    title: String,
    facts: Vec<(String, String)>,
    lines: Vec<LineRow>,
    totals: LineRow,
    /// "Cancelled on …", for a cancelled call.
    cancelled: Option<String>,
    can_cancel: bool,
}

pub async fn show(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let letters = match app.call_letters(&viewer.actor, FundCallId::from_uuid(id)).await {
        Ok(letters) => letters,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let (lang, d) = (chrome.lang, &letters.call.details);
    let row = |owner: String, link: String, units: String, communication: String, w: Cents, r: Cents| LineRow {
        owner,
        owner_link: link,
        units,
        communication,
        working: lang.money(w),
        reserve: lang.money(r),
        total: lang.money(Cents::new(w.get() + r.get()).unwrap_or_default()),
    };
    let lines = letters
        .letters
        .iter()
        .map(|l| {
            let link = format!("/owners/{}/statement?building={}", l.owner.id, d.building_id);
            row(l.owner.details.display_name(), link, l.units.join(", "), l.line.communication.to_string(), l.line.working, l.line.reserve)
        })
        .collect();
    let all = || letters.letters.iter().map(|l| &l.line);
    let totals =
        row(chrome.t("total"), String::new(), String::new(), String::new(), sum(all().map(|l| l.working)), sum(all().map(|l| l.reserve)));
    let key = letters.key_name.clone().unwrap_or_else(|| chrome.t("call-key-general"));
    let facts = vec![
        (chrome.t("expenses-building"), letters.association.building.details.name.to_string()),
        (chrome.t("call-as-of"), lang.date(d.as_of)),
        (chrome.t("call-due"), lang.date(d.due_date)),
        (chrome.t("call-key"), key),
        (chrome.t("call-issued"), lang.time(letters.call.issued_at)),
    ];
    let cancelled = letters.call.cancelled_at.map(|at| lang.t_with("call-cancelled-on", &[("day", lang.time(at).into())]));
    let can_cancel = cancelled.is_none() && viewer.actor.grant(Action::CancelCall).is_ok();
    page(
        &chrome,
        &CallPage { chrome: &chrome, id: id.to_string(), title: d.title.to_string(), facts, lines, totals, cancelled, can_cancel },
    )
}

#[derive(Template)]
#[template(path = "call_cancel.html")]
struct CancelPage<'a> {
    chrome: &'a Chrome,
    id: String,
    title: String,
}

/// Asks before cancelling: there is no script to ask in the page itself.
pub async fn confirm_cancel(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let found = async {
        viewer.actor.grant(Action::CancelCall)?;
        app.call(&viewer.actor, FundCallId::from_uuid(id)).await
    };
    match found.await {
        Ok((call, _)) => page(&chrome, &CancelPage { chrome: &chrome, id: id.to_string(), title: call.details.title.to_string() }),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn cancel(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, _form: Form) -> Response {
    use axum::response::{IntoResponse, Redirect};
    use koprogo_app::ports::money::Cancelled;
    match app.cancel_call(&viewer.actor, FundCallId::from_uuid(id)).await {
        Ok(Cancelled::Removed) => super::session::with_flash(Redirect::to("/calls").into_response(), "done-call-removed"),
        Ok(Cancelled::Reversed) => super::session::with_flash(Redirect::to(&format!("/calls/{id}")).into_response(), "done-call-cancelled"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

/// The call's letters, as the API gives them, for a signed-in browser.
pub async fn letters_pdf(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let found = app.call_letters(&viewer.actor, FundCallId::from_uuid(id)).await;
    let letters = match found {
        Ok(letters) => letters,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    if let Err(error) = app.record_export(&viewer.actor, "call_letters.pdf", id).await {
        return error_page(&chrome, &error.into());
    }
    match koprogo_documents::call_letters(&letters, app.clock.now()) {
        Ok(pdf) => file(pdf, PDF, &format!("appel-{}.pdf", letters.call.details.as_of)),
        Err(error) => error_page(&chrome, &AppError::Internal(anyhow::anyhow!("call letters: {error}")).into()),
    }
}

pub async fn lines_xlsx(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, headers: HeaderMap) -> Response {
    let letters = match app.call_letters(&viewer.actor, FundCallId::from_uuid(id)).await {
        Ok(letters) => letters,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let lang = reader_language(Some(chrome.lang.code()), &headers, letters.association.building.details.language);
    if let Err(error) = app.record_export(&viewer.actor, "call_lines.xlsx", id).await {
        return error_page(&chrome, &error.into());
    }
    match koprogo_documents::call_sheet(&letters, lang) {
        Ok(xlsx) => file(xlsx, XLSX, &format!("appel-{}.xlsx", letters.call.details.as_of)),
        Err(error) => error_page(&chrome, &AppError::Internal(anyhow::anyhow!("call sheet: {error}")).into()),
    }
}
