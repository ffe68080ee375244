//! Expenses across the organisation's buildings, filtered by building,
//! status and period, with the approve and pay steps for those allowed.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_app::access::Action;
use koprogo_app::listing::{BuildingSort, ExpenseSort, ListQuery, MAX_PER_PAGE};
use koprogo_app::ports::ExpenseFilter;
use koprogo_domain::error::Violations;
use koprogo_domain::expense::{Expense, ExpenseStatus, Fund};
use koprogo_domain::ids::{BuildingId, ExpenseId};

use super::forms::{self, Choices, Place, Spec, field};
use super::render::{error_page, page, percent_encode};
use super::session::{Chrome, Form, Viewer};
use super::sharing;
use crate::api::expenses::ExpenseBody;
use crate::error::ApiError;
use crate::wire::parse_date;

#[derive(serde::Deserialize, Default)]
pub struct Filters {
    building: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
    fund: Option<String>,
    q: Option<String>,
    sort: Option<String>,
    order: Option<String>,
    page: Option<i64>,
}

impl Filters {
    /// The filter the store understands; a value that does not parse is an
    /// error shown on the page, not silently ignored.
    fn parse(&self) -> Result<ExpenseFilter, Violations> {
        let mut v = Violations::new();
        let present = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let building = present(&self.building).and_then(|b| {
            v.check("building", b.parse::<uuid::Uuid>().map(BuildingId::from_uuid).map_err(|_| koprogo_domain::Invalid::UnknownReference))
        });
        let status = present(&self.status).and_then(|s| v.check("status", ExpenseStatus::parse(&s)));
        let from = present(&self.from).and_then(|d| v.check("from", parse_date(&d)));
        let to = present(&self.to).and_then(|d| v.check("to", parse_date(&d)));
        let fund = present(&self.fund).and_then(|f| v.check("fund", Fund::parse(&f)));
        let words = koprogo_app::search::words(self.q.as_deref().unwrap_or(""));
        if v.is_empty() { Ok(ExpenseFilter { building, status, fund, from, to, words }) } else { Err(v) }
    }

    /// The same filters as a query string, for the page links.
    fn query(&self) -> String {
        [
            ("building", &self.building),
            ("status", &self.status),
            ("from", &self.from),
            ("to", &self.to),
            ("fund", &self.fund),
            ("q", &self.q),
        ]
        .iter()
        .filter_map(|(k, v)| v.as_deref().filter(|v| !v.is_empty()).map(|v| format!("{k}={}", percent_encode(v))))
        .collect::<Vec<_>>()
        .join("&")
    }
}

pub struct Row {
    pub date: String,
    pub building: String,
    pub supplier: String,
    pub description: String,
    pub amount: String,
    pub status: String,
    /// The page that approves or shares it, for those allowed: (path, label).
    pub share: Option<(String, String)>,
    /// Marking it paid, for those allowed: (path, label).
    pub pay: Option<(String, String)>,
    /// The edit page of a draft, for those who may write expenses.
    pub edit: Option<String>,
}

#[derive(Template)]
#[template(path = "expenses.html")]
struct ExpensesPage<'a> {
    chrome: &'a Chrome,
    count: String,
    rows: Vec<Row>,
    buildings: Vec<(String, String)>,
    filters: &'a Filters,
    statuses: [(&'static str, String); 3],
    funds: [(&'static str, String); 2],
    /// Links that sort by date, amount and supplier.
    sort_links: [(String, String); 3],
    previous: Option<String>,
    next: Option<String>,
    can_add: bool,
}

impl ExpensesPage<'_> {
    fn selected(&self, field: &Option<String>, value: &str) -> bool {
        field.as_deref() == Some(value)
    }

    fn value(&self, field: &Option<String>) -> String {
        field.clone().unwrap_or_default()
    }
}

fn share_link(chrome: &Chrome, viewer: &Viewer, expense: &Expense) -> Option<(String, String)> {
    let (step, action, label) = sharing::link_step(expense)?;
    viewer.actor.grant(action).ok().map(|_| (step.path(expense.id), chrome.t(label)))
}

fn pay_button(chrome: &Chrome, viewer: &Viewer, expense: &Expense) -> Option<(String, String)> {
    let payable = expense.status == ExpenseStatus::Approved && viewer.actor.grant(Action::PayExpense).is_ok();
    payable.then(|| (format!("/expenses/{}/pay", expense.id), chrome.t("expense-pay")))
}

/// The page's rows, written for the reader.
fn rows(chrome: &Chrome, viewer: &Viewer, expenses: &[Expense], names: &[(String, String)]) -> Vec<Row> {
    expenses
        .iter()
        .map(|e| Row {
            date: chrome.lang.date(e.details.date),
            building: names.iter().find(|(id, _)| *id == e.details.building_id.to_string()).map_or_else(String::new, |(_, n)| n.clone()),
            supplier: e.details.supplier.to_string(),
            description: e.details.description.to_string(),
            amount: chrome.lang.money(e.details.amount),
            status: chrome.t(&format!("status-{}", e.status.as_str())),
            share: share_link(chrome, viewer, e),
            pay: pay_button(chrome, viewer, e),
            edit: (e.status == ExpenseStatus::Draft && viewer.actor.grant(Action::WriteExpense).is_ok())
                .then(|| format!("/expenses/{}/edit", e.id)),
        })
        .collect()
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(filters): Query<Filters>) -> Response {
    let filter = match filters.parse() {
        Ok(filter) => filter,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let sort = filters.sort.as_deref().and_then(|s| ExpenseSort::parse(s).ok()).unwrap_or(ExpenseSort::Date);
    let order = filters.order.as_deref().filter(|o| !o.is_empty()).unwrap_or("desc");
    let query = match ListQuery::parse(filters.page, None, sort, Some(order)) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let every_building = ListQuery { page: 1, per_page: MAX_PER_PAGE, sort: BuildingSort::Name, descending: false };
    let found = tokio::try_join!(app.expenses(&viewer.actor, &query, &filter), app.buildings(&viewer.actor, &every_building));
    let (expenses, buildings) = match found {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let names: Vec<(String, String)> =
        buildings.items.iter().map(|b| (b.building.id.to_string(), b.building.details.name.to_string())).collect();
    let rows = rows(&chrome, &viewer, &expenses.items, &names);
    let pages = expenses.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let order = if query.descending { "desc" } else { "asc" };
    let link = |page: u64| format!("/expenses?{}&sort={}&order={order}&page={page}", filters.query(), sort.as_str());
    let statuses = [ExpenseStatus::Draft, ExpenseStatus::Approved, ExpenseStatus::Paid]
        .map(|s| (s.as_str(), chrome.t(&format!("status-{}", s.as_str()))));
    let template = ExpensesPage {
        chrome: &chrome,
        count: chrome.lang.t_with("expenses-count", &[("count", expenses.total.into())]),
        rows,
        buildings: names,
        filters: &filters,
        statuses,
        funds: [Fund::Working, Fund::Reserve].map(|f| (f.as_str(), chrome.t(&format!("fund-{}", f.as_str())))),
        sort_links: [
            (ExpenseSort::Date, "expense-date"),
            (ExpenseSort::Amount, "expense-amount"),
            (ExpenseSort::Supplier, "expense-supplier"),
        ]
        .map(|(by, label)| {
            let flip = if by == sort && query.descending { "asc" } else { "desc" };
            (format!("/expenses?{}&sort={}&order={flip}", filters.query(), by.as_str()), chrome.t(label))
        }),
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
        can_add: viewer.actor.grant(Action::WriteExpense).is_ok(),
    };
    page(&chrome, &template)
}

/// The confirmation page of a step: deleting a draft, approving (and
/// sharing) it, or sharing an expense approved without its parts.
pub async fn step_page(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    uri: axum::http::Uri,
    Path((id, step)): Path<(uuid::Uuid, String)>,
    Query(choice): Query<sharing::KeyChoice>,
) -> Response {
    if step == "delete" {
        let params = vec![("id".to_owned(), id.to_string()), ("step".to_owned(), step)];
        return super::delete::confirm(State(app), chrome, viewer, uri, Path(params)).await;
    }
    match sharing::Step::parse(&step) {
        Some(step) => sharing::show(&app, &chrome, &viewer, id, step, choice).await,
        None => error_page(&chrome, &ApiError::not_found()),
    }
}

/// Approves and shares, shares, pays or (a draft) deletes one expense, then goes back to the list.
pub async fn advance(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    uri: axum::http::Uri,
    Path((id, step)): Path<(uuid::Uuid, String)>,
    form: Form,
) -> Response {
    if step == "delete" {
        let params = vec![("id".to_owned(), id.to_string()), ("step".to_owned(), step)];
        return super::delete::delete(State(app), chrome, viewer, uri, Path(params), form).await;
    }
    if let Some(step) = sharing::Step::parse(&step) {
        return sharing::confirm(&app, &chrome, &viewer, id, step, &form).await;
    }
    if step != "pay" {
        return error_page(&chrome, &ApiError::not_found());
    }
    match app.pay_expense(&viewer.actor, ExpenseId::from_uuid(id)).await {
        Ok(_) => super::session::with_flash(Redirect::to("/expenses").into_response(), "done-expense-paid"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

const EXPENSE: Spec = Spec {
    title: "expense-new",
    submit: "expense-create",
    action: Action::WriteExpense,
    fields: &[
        field("building_id", "expenses-building", "select", true),
        field("expense_date", "expense-date", "date", true),
        field("supplier", "expense-supplier", "text", true),
        field("invoice_number", "expense-invoice", "text", false),
        field("description", "expense-description", "text", true),
        field("amount", "expense-amount", "decimal", true),
        field("vat_rate", "expense-vat", "select", true),
        field("category", "expense-category", "select", true),
        field("account_code", "expense-account", "text", false),
        field("fund", "expense-fund", "select", true),
    ],
};

async fn expense_choices(app: &App, chrome: &Chrome, viewer: &Viewer) -> Result<Choices, koprogo_app::AppError> {
    let every_building = ListQuery { page: 1, per_page: MAX_PER_PAGE, sort: BuildingSort::Name, descending: false };
    let buildings = app.buildings(&viewer.actor, &every_building).await?.items;
    let categories =
        ["maintenance", "repairs", "works", "utilities", "insurance", "cleaning", "fees", "concierge", "administration", "other"];
    Ok(Choices::from([
        ("building_id", buildings.iter().map(|b| (b.building.id.to_string(), b.building.details.name.to_string())).collect()),
        ("vat_rate", forms::options(chrome, "vat", &["21", "12", "6", "0"])),
        ("category", forms::options(chrome, "category", &categories)),
        ("fund", forms::options(chrome, "fund", &["working", "reserve"])),
    ]))
}

pub async fn new_expense(State(app): State<App>, chrome: Chrome, viewer: Viewer) -> Response {
    match expense_choices(&app, &chrome, &viewer).await {
        Ok(choices) => Place::new(&EXPENSE, "/expenses/new", "/expenses", choices).show(&chrome, &viewer, &[]),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn create_expense(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let work = async {
        let body: ExpenseBody = forms::body(&EXPENSE, &form, &[])?;
        app.create_expense(&viewer.actor, body.parse()?).await?;
        Ok("/expenses".to_owned())
    };
    let choices = async { expense_choices(&app, &chrome, &viewer).await.map(Some) };
    Place::new(&EXPENSE, "/expenses/new", "/expenses", Choices::new()).submit_with(&chrome, &viewer, &form, work, choices).await
}

/// The expense as the form's values, for editing a draft.
fn values(expense: &Expense) -> Vec<(&'static str, String)> {
    let d = &expense.details;
    vec![
        ("building_id", d.building_id.to_string()),
        ("expense_date", d.date.to_string()),
        ("supplier", d.supplier.to_string()),
        ("invoice_number", d.invoice_number.as_ref().map(ToString::to_string).unwrap_or_default()),
        ("description", d.description.to_string()),
        ("amount", d.amount.to_decimal_string()),
        ("vat_rate", d.vat_rate.as_str().to_owned()),
        ("category", d.category.as_str().to_owned()),
        ("account_code", d.account_code.as_str().to_owned()),
        ("fund", d.fund.as_str().to_owned()),
    ]
}

const EDIT: Spec = Spec { title: "expense-edit", submit: "expense-save", ..EXPENSE };

pub async fn edit_expense(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>) -> Response {
    let found = tokio::try_join!(app.expense(&viewer.actor, ExpenseId::from_uuid(id)), expense_choices(&app, &chrome, &viewer));
    let (expense, choices) = match found {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    Place::new(&EDIT, format!("/expenses/{id}/edit"), "/expenses", choices).show(&chrome, &viewer, &values(&expense))
}

/// Saves a draft expense; an approved or paid one is refused by the domain
/// (`expense.not_draft`), shown on the form.
pub async fn update_expense(State(app): State<App>, chrome: Chrome, viewer: Viewer, Path(id): Path<uuid::Uuid>, form: Form) -> Response {
    let work = async {
        let body: ExpenseBody = forms::body(&EDIT, &form, &[])?;
        app.update_expense(&viewer.actor, ExpenseId::from_uuid(id), body.parse()?).await?;
        Ok("/expenses".to_owned())
    };
    let choices = async { expense_choices(&app, &chrome, &viewer).await.map(Some) };
    Place::new(&EDIT, format!("/expenses/{id}/edit"), "/expenses", Choices::new()).submit_with(&chrome, &viewer, &form, work, choices).await
}
