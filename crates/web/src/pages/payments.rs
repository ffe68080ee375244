//! Money received: the payments and the reconciliation inbox (each waiting
//! payment assigned to a line with one choice), the upload of a bank
//! statement file, and the arrears of every owner.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::access::Action;
use koprogo_app::listing::{ListQuery, PaymentSort};
use koprogo_app::payments::ImportReport;
use koprogo_app::ports::money::PaymentFilter;
use koprogo_app::{App, AppError};
use koprogo_domain::ids::{BuildingId, CallLineId, OwnerId, PaymentId};
use koprogo_domain::money::Cents;

use super::calls::{building_filter, building_names, name_of};
use super::render::{error_page, page, page_with_status};
use super::session::{Chrome, Form, Upload, Viewer};
use crate::error::ApiError;

pub struct PaymentRow {
    pub id: String,
    pub date: String,
    pub building: String,
    pub amount: String,
    pub from: String,
    pub reference: String,
    /// Who it went to, once matched.
    pub allocated: Option<String>,
    /// (line id, label) to assign a waiting payment to: lines of its building
    /// for exactly its amount first, then the others.
    pub same_amount: Vec<(String, String)>,
    pub choices: Vec<(String, String)>,
}

/// A line to assign a payment to: its id, label and amount.
type Choice = (String, String, Cents);

#[derive(Template)]
#[template(path = "payments.html")]
struct PaymentsPage<'a> {
    chrome: &'a Chrome,
    rows: Vec<PaymentRow>,
    count: String,
    inbox: bool,
    can_record: bool,
    previous: Option<String>,
    next: Option<String>,
    /// The building filter: every building, and the one chosen.
    buildings: Vec<(String, String)>,
    building: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Listing {
    page: Option<i64>,
    building: Option<String>,
    inbox: Option<String>,
}

/// For each building with a waiting payment, its lines as (id, label, amount).
async fn line_choices(
    app: &App,
    chrome: &Chrome,
    viewer: &Viewer,
    buildings: Vec<BuildingId>,
) -> Result<HashMap<BuildingId, Vec<Choice>>, AppError> {
    let mut choices = HashMap::new();
    for building in buildings {
        let lines = app.assignable_lines(&viewer.actor, building).await?;
        let owners: Vec<OwnerId> = lines.iter().map(|l| l.line.owner).collect();
        let names = app.owner_names(&viewer.actor, &owners).await?;
        let labels = lines
            .iter()
            .map(|l| {
                let total = Cents::new(l.line.working.get() + l.line.reserve.get()).unwrap_or_default();
                let who = names.get(&l.line.owner).cloned().unwrap_or_default();
                (l.line.id.to_string(), format!("{who} — {} — {} — {}", l.title, l.line.communication, chrome.lang.money(total)), total)
            })
            .collect();
        choices.insert(building, labels);
    }
    Ok(choices)
}

/// The lines a waiting payment may go to, of its amount or (`same` false) the others.
fn waiting_choices(choices: &HashMap<BuildingId, Vec<Choice>>, p: &koprogo_domain::payment::Payment, same: bool) -> Vec<(String, String)> {
    if p.allocation.is_some() {
        return Vec::new();
    }
    let lines = choices.get(&p.building_id).map(Vec::as_slice).unwrap_or_default();
    lines.iter().filter(|(_, _, total)| (*total == p.amount) == same).map(|(id, label, _)| (id.clone(), label.clone())).collect()
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(listing): Query<Listing>) -> Response {
    let inbox = listing.inbox.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let building = match building_filter(listing.building.as_deref()) {
        Ok(building) => building,
        Err(error) => return error_page(&chrome, &error),
    };
    let query = match ListQuery::parse(listing.page, None, PaymentSort::ValueDate, Some("desc")) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let filter = PaymentFilter { building, unmatched: inbox, ..PaymentFilter::default() };
    let found = async {
        let (payments, names) = tokio::try_join!(app.payments(&viewer.actor, &query, &filter), building_names(&app, &viewer))?;
        let mut waiting: Vec<BuildingId> = payments.items.iter().filter(|p| p.allocation.is_none()).map(|p| p.building_id).collect();
        waiting.sort();
        waiting.dedup();
        let can_record = viewer.actor.grant(Action::RecordPayment).is_ok();
        let choices = if can_record { line_choices(&app, &chrome, &viewer, waiting).await? } else { HashMap::new() };
        let owners: Vec<OwnerId> = payments.items.iter().filter_map(|p| p.allocation.map(|a| a.owner)).collect();
        let owner_names = app.owner_names(&viewer.actor, &owners).await?;
        Ok::<_, AppError>((payments, names, choices, owner_names, can_record))
    };
    let (payments, names, choices, owner_names, can_record) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let lang = chrome.lang;
    let rows = payments
        .items
        .iter()
        .map(|p| PaymentRow {
            id: p.id.to_string(),
            date: lang.date(p.value_date),
            building: name_of(&names, p.building_id),
            amount: lang.money(p.amount),
            from: [p.counterparty_name.clone(), p.counterparty_iban.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · "),
            reference: p.communication.map(|c| c.to_string()).or_else(|| p.free_text.clone()).unwrap_or_default(),
            allocated: p.allocation.map(|a| owner_names.get(&a.owner).cloned().unwrap_or_default()),
            same_amount: waiting_choices(&choices, p, true),
            choices: waiting_choices(&choices, p, false),
        })
        .collect();
    let pages = payments.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let filters = format!("{}{}", if inbox { "inbox=1&" } else { "" }, building.map(|b| format!("building={b}&")).unwrap_or_default());
    let link = |n: u64| format!("/payments?{filters}page={n}");
    let template = PaymentsPage {
        chrome: &chrome,
        rows,
        count: lang.t_with(if inbox { "payments-waiting" } else { "payments-count" }, &[("count", payments.total.into())]),
        inbox,
        can_record,
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
        building: building.map(|b| b.to_string()).unwrap_or_default(),
        buildings: names,
    };
    page(&chrome, &template)
}

/// Takes a payment out of the inbox onto the chosen line.
pub async fn assign(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>, form: Form) -> Response {
    let Ok(line) = form.get("call_line_id").parse::<uuid::Uuid>() else {
        let mut v = koprogo_domain::error::Violations::new();
        v.push("call_line_id", koprogo_domain::Invalid::Required);
        return error_page(&chrome, &ApiError::invalid(&v));
    };
    match app.assign_payment(&viewer.actor, PaymentId::from_uuid(id), CallLineId::from_uuid(line)).await {
        Ok(_) => super::session::with_flash(Redirect::to("/payments?inbox=1").into_response(), "done-payment-assigned"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage<'a> {
    chrome: &'a Chrome,
    error: Option<String>,
    /// One line per statement of the file, written for the reader.
    done: Vec<String>,
    /// Statements that open elsewhere than the previous one closed.
    warnings: Vec<String>,
}

pub async fn import_form(chrome: Chrome, viewer: Viewer) -> Response {
    if let Err(error) = viewer.actor.grant(Action::RecordPayment) {
        return error_page(&chrome, &error.into());
    }
    page(&chrome, &ImportPage { chrome: &chrome, error: None, done: Vec::new(), warnings: Vec::new() })
}

/// Reads the uploaded statement file and imports it; a refused file is shown
/// with the line and the reason.
/// The warning for a statement that opens elsewhere than the previous one closed.
fn gap_warning(chrome: &Chrome, r: &ImportReport) -> Option<String> {
    let (lang, g) = (chrome.lang, r.gap?);
    let difference = koprogo_domain::money::Cents::new(g.opening.get() - g.previous_closing.get()).unwrap_or_default();
    Some(lang.t_with(
        "import-gap",
        &[
            ("statement", r.statement_number.clone().into()),
            ("account", r.account.clone().into()),
            ("opening", lang.money(g.opening).into()),
            ("previous", lang.money(g.previous_closing).into()),
            ("date", lang.date(g.previous_date).into()),
            ("difference", lang.money(difference).into()),
        ],
    ))
}

pub async fn import(State(app): State<App>, chrome: Chrome, viewer: Viewer, upload: Upload) -> Response {
    if let Err(error) = viewer.actor.grant(Action::RecordPayment) {
        return error_page(&chrome, &error.into());
    }
    let refused = |message: String| {
        page_with_status(
            &chrome,
            StatusCode::UNPROCESSABLE_ENTITY,
            &ImportPage { chrome: &chrome, error: Some(message), done: Vec::new(), warnings: Vec::new() },
        )
    };
    let statements = match koprogo_bank::parse(&upload.file) {
        Ok(statements) => statements,
        Err(error) => {
            let args =
                [("line", error.line.into()), ("problem", chrome.lang.error(error.problem.code()).into()), ("reason", error.reason.into())];
            return refused(chrome.lang.t_with("import-refused", &args));
        }
    };
    let reports = match app.import_statements(&viewer.actor, &upload.file, koprogo_bank::format_of(&upload.file), statements).await {
        Ok(reports) => reports,
        Err(error) => {
            let error = ApiError::from(error);
            return match error.status() {
                StatusCode::UNPROCESSABLE_ENTITY => refused(chrome.lang.error(error.code())),
                _ => error_page(&chrome, &error),
            };
        }
    };
    let names = building_names(&app, &viewer).await.unwrap_or_default();
    let lang = chrome.lang;
    let warnings = reports.iter().filter_map(|r| gap_warning(&chrome, r)).collect();
    let done = reports
        .into_iter()
        .map(|r: ImportReport| {
            let o = r.outcome;
            let what = if o.new && o.debits_recorded > 0 {
                let debits = [("recorded", o.debits_recorded.into()), ("matched", o.debits_matched.into())];
                let credits = lang.t_with("import-done", &[("recorded", o.recorded.into()), ("matched", o.matched.into())]);
                format!("{credits} {}", lang.t_with("import-debits", &debits))
            } else if o.new {
                lang.t_with("import-done", &[("recorded", o.recorded.into()), ("matched", o.matched.into())])
            } else {
                lang.t("import-again")
            };
            format!("{} · {} · {} — {what}", name_of(&names, r.building_id), r.account, r.statement_number)
        })
        .collect();
    page(&chrome, &ImportPage { chrome: &chrome, error: None, done, warnings })
}

pub struct ArrearRow {
    pub owner: String,
    pub statement: String,
    pub building: String,
    pub balance_working: String,
    pub balance_reserve: String,
    pub balance: String,
    pub overdue: String,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "arrears.html")]
struct ArrearsPage<'a> {
    chrome: &'a Chrome,
    rows: Vec<ArrearRow>,
    buildings: Vec<(String, String)>,
    building: String,
    total_overdue: String,
}

pub async fn arrears(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(listing): Query<Listing>) -> Response {
    let building = match building_filter(listing.building.as_deref()) {
        Ok(building) => building,
        Err(error) => return error_page(&chrome, &error),
    };
    let (positions, names) = match tokio::try_join!(app.arrears(&viewer.actor, building), building_names(&app, &viewer)) {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let lang = chrome.lang;
    let overdue: i64 = positions.iter().map(|p| p.position.overdue().get()).sum();
    let rows = positions
        .iter()
        .map(|p| ArrearRow {
            owner: p.owner_name.clone(),
            statement: format!("/owners/{}/statement?building={}", p.owner_id, p.building_id),
            building: name_of(&names, p.building_id),
            balance_working: lang.money(p.position.balance_working()),
            balance_reserve: lang.money(p.position.balance_reserve()),
            balance: lang.money(p.position.balance()),
            overdue: lang.money(p.position.overdue()),
            late: p.position.overdue().get() > 0,
        })
        .collect();
    let template = ArrearsPage {
        chrome: &chrome,
        rows,
        buildings: names,
        building: building.map(|b| b.to_string()).unwrap_or_default(),
        total_overdue: lang.money(Cents::new(overdue).unwrap_or_default()),
    };
    page(&chrome, &template)
}
