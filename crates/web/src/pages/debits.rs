//! Money paid out: the debits read from the buildings' bank statements,
//! each with the paid expense it settles, or a choice of those it may
//! settle (same amount first) for the syndic to pick.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::access::Action;
use koprogo_app::listing::{ListQuery, PaymentSort};
use koprogo_app::ports::debits::DebitFilter;
use koprogo_app::{App, AppError};
use koprogo_domain::debit::{Debit, PaidExpense};
use koprogo_domain::ids::{BuildingId, DebitId, ExpenseId};

use super::calls::{building_filter, building_names, name_of};
use super::i18n::Lang;
use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::error::ApiError;

pub struct DebitRow {
    pub id: String,
    pub date: String,
    pub building: String,
    pub amount: String,
    pub account: String,
    pub to: String,
    pub reference: String,
    /// The expense it settles, and how that was found.
    pub settles: Option<(String, String)>,
    /// (expense id, label) it may settle: of its amount, then the others.
    pub same_amount: Vec<(String, String)>,
    pub choices: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "debits.html")]
struct DebitsPage<'a> {
    chrome: &'a Chrome,
    rows: Vec<DebitRow>,
    count: String,
    unmatched: bool,
    can_settle: bool,
    previous: Option<String>,
    next: Option<String>,
    buildings: Vec<(String, String)>,
    building: String,
}

#[derive(serde::Deserialize, Default)]
pub struct Listing {
    page: Option<i64>,
    building: Option<String>,
    unmatched: Option<String>,
}

fn label(lang: Lang, e: &PaidExpense) -> String {
    let invoice = e.invoice_number.as_deref().map(|n| format!(" — {n}")).unwrap_or_default();
    format!("{}{invoice} — {} — {}", e.supplier, lang.date(e.date), lang.money(e.amount))
}

/// The labels of the expenses the page's debits settle, and per building
/// with a waiting debit the paid expenses it may still settle.
struct Paid {
    labels: HashMap<ExpenseId, String>,
    open: HashMap<BuildingId, Vec<PaidExpense>>,
}

async fn paid_of(app: &App, viewer: &Viewer, lang: Lang, debits: &[Debit], can_settle: bool) -> Result<Paid, AppError> {
    let settled = app.settled_expenses(&viewer.actor, debits).await?;
    let mut waiting: Vec<BuildingId> = debits.iter().filter(|d| can_settle && d.settles.is_none()).map(|d| d.building_id).collect();
    waiting.sort();
    waiting.dedup();
    let mut open = HashMap::new();
    for building in waiting {
        open.insert(building, app.debit_choices(&viewer.actor, building).await?);
    }
    Ok(Paid { labels: settled.iter().map(|e| (e.id, label(lang, e))).collect(), open })
}

fn row(chrome: &Chrome, names: &[(String, String)], paid: &Paid, d: &Debit) -> DebitRow {
    let lang = chrome.lang;
    let open = paid.open.get(&d.building_id).map(Vec::as_slice).unwrap_or_default();
    let pick = |same: bool| -> Vec<(String, String)> {
        if d.settles.is_some() {
            return Vec::new();
        }
        open.iter().filter(|e| (e.amount == d.amount) == same).map(|e| (e.id.to_string(), label(lang, e))).collect()
    };
    DebitRow {
        id: d.id.to_string(),
        date: lang.date(d.value_date),
        building: name_of(names, d.building_id),
        amount: lang.money(d.amount),
        account: chrome.t(&format!("fund-{}", d.account.as_str())),
        to: [d.counterparty_name.clone(), d.counterparty_iban.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · "),
        reference: d.reference.clone().unwrap_or_default(),
        settles: d.settles.map(|s| {
            let what = paid.labels.get(&s.expense).cloned().unwrap_or_else(|| s.expense.to_string());
            (what, chrome.t(&format!("debit-matched-{}", s.matched_by.as_str())))
        }),
        same_amount: pick(true),
        choices: pick(false),
    }
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(listing): Query<Listing>) -> Response {
    let unmatched = listing.unmatched.as_deref().is_some_and(|v| !v.is_empty() && v != "0");
    let building = match building_filter(listing.building.as_deref()) {
        Ok(building) => building,
        Err(error) => return error_page(&chrome, &error),
    };
    let query = match ListQuery::parse(listing.page, None, PaymentSort::ValueDate, Some("desc")) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let filter = DebitFilter { building, unmatched, ..DebitFilter::default() };
    let can_settle = viewer.actor.grant(Action::SettleDebit).is_ok();
    let found = async {
        let (debits, names) = tokio::try_join!(app.debits(&viewer.actor, &query, &filter), building_names(&app, &viewer))?;
        let paid = paid_of(&app, &viewer, chrome.lang, &debits.items, can_settle).await?;
        Ok::<_, AppError>((debits, names, paid))
    };
    let (debits, names, paid) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let rows = debits.items.iter().map(|d| row(&chrome, &names, &paid, d)).collect();
    let pages = debits.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let filters =
        format!("{}{}", if unmatched { "unmatched=1&" } else { "" }, building.map(|b| format!("building={b}&")).unwrap_or_default());
    let link = |n: u64| format!("/debits?{filters}page={n}");
    let template = DebitsPage {
        chrome: &chrome,
        rows,
        count: chrome.lang.t_with(if unmatched { "debits-waiting" } else { "debits-count" }, &[("count", debits.total.into())]),
        unmatched,
        can_settle,
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
        building: building.map(|b| b.to_string()).unwrap_or_default(),
        buildings: names,
    };
    page(&chrome, &template)
}

/// Records the expense a debit settles (`expense_id`), or releases it (empty).
pub async fn settle(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>, form: Form) -> Response {
    let raw = form.get("expense_id");
    let expense = match raw.trim() {
        "" => None,
        raw => match raw.parse::<uuid::Uuid>() {
            Ok(id) => Some(ExpenseId::from_uuid(id)),
            Err(_) => {
                let mut v = koprogo_domain::error::Violations::new();
                v.push("expense_id", koprogo_domain::Invalid::UnknownReference);
                return error_page(&chrome, &ApiError::invalid(&v));
            }
        },
    };
    let done = if expense.is_some() { "done-debit-settled" } else { "done-debit-released" };
    match app.settle_debit(&viewer.actor, DebitId::from_uuid(id), expense).await {
        Ok(_) => super::session::with_flash(Redirect::to("/debits").into_response(), done),
        Err(error) => error_page(&chrome, &error.into()),
    }
}
