//! The syndic's pages: the dashboard (buildings), a building with its units
//! and latest expenses, and the form that creates a building.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Datelike;
use koprogo_app::App;
use koprogo_app::access::Action;
use koprogo_app::listing::{BuildingSort, ExpenseSort, ListQuery, OrganizationSort, UnitSort};
use koprogo_app::ports::ExpenseFilter;
use koprogo_domain::building::BuildingSummary;
use koprogo_domain::expense::Expense;
use koprogo_domain::identifiers::{BceNumber, Iban};
use koprogo_domain::unit::Unit;

use super::forms::{self, Choices, Place, Spec, field};
use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::api::buildings::BuildingBody;
use crate::api::units::UnitBody;
use crate::error::ApiError;
use crate::wire::Id;

#[derive(serde::Deserialize, Default)]
pub struct Listing {
    page: Option<i64>,
    sort: Option<String>,
    order: Option<String>,
}

/// One line of the dashboard, written for the reader.
pub struct BuildingLine {
    pub id: String,
    pub name: String,
    pub city: String,
    pub units: u64,
    pub quotas: String,
    pub complete: bool,
}

fn line(chrome: &Chrome, summary: &BuildingSummary) -> BuildingLine {
    let b = &summary.building;
    let base = u64::from(b.details.quota_base.get());
    let complete = summary.quotas_complete();
    let quotas = if complete {
        chrome.t("quota-complete")
    } else {
        chrome.lang.t_with("quota-incomplete", &[("allocated", summary.allocated_quota.into()), ("base", base.into())])
    };
    BuildingLine {
        id: b.id.to_string(),
        name: b.details.name.to_string(),
        city: b.details.address.city.to_string(),
        units: summary.unit_count,
        quotas,
        complete,
    }
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard<'a> {
    chrome: &'a Chrome,
    count: String,
    lines: Vec<BuildingLine>,
    page: u32,
    pages: u64,
    sort: &'static str,
    descending: bool,
    can_create: bool,
    can_import: bool,
    previous: Option<String>,
    next: Option<String>,
    can_add_owner: bool,
    /// An owner's own page: their units and shares.
    my_units: Option<String>,
    /// The latest expenses: (date, supplier, amount).
    latest: Vec<(String, String, String)>,
    can_search: bool,
    /// The search box's text (empty here).
    q: String,
}

impl Dashboard<'_> {
    fn page_of(&self) -> String {
        self.chrome.lang.t_with("page-of", &[("page", self.page.into()), ("pages", self.pages.into())])
    }

    /// The link that sorts by `column` (and flips the order on the current one).
    fn sort_link(&self, column: &str) -> String {
        let order = if column == self.sort && !self.descending { "desc" } else { "asc" };
        format!("/?sort={column}&order={order}")
    }
}

pub async fn dashboard(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(listing): Query<Listing>) -> Response {
    if viewer.actor.role == koprogo_domain::account::Role::PlatformAdmin {
        return organizations(&app, &chrome, &viewer, &listing).await;
    }
    let sort = listing.sort.as_deref().and_then(|s| BuildingSort::parse(s).ok()).unwrap_or(BuildingSort::Name);
    let query = match ListQuery::parse(listing.page, None, sort, listing.order.as_deref()) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let latest = ListQuery { page: 1, per_page: 5, sort: ExpenseSort::Date, descending: true };
    let reads_expenses = viewer.actor.grant(Action::ReadExpense).is_ok();
    let expenses = async {
        if reads_expenses { app.expenses(&viewer.actor, &latest, &ExpenseFilter::default()).await.map(|p| p.items) } else { Ok(Vec::new()) }
    };
    let (found, latest) = match tokio::try_join!(app.buildings(&viewer.actor, &query), expenses) {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let pages = found.total.div_ceil(u64::from(query.per_page)).max(1);
    let order = if query.descending { "desc" } else { "asc" };
    let link = |page: u64| format!("/?page={page}&sort={}&order={order}", sort.as_str());
    let current = u64::from(query.page);
    let template = Dashboard {
        chrome: &chrome,
        count: chrome.lang.t_with("buildings-count", &[("count", found.total.into())]),
        lines: found.items.iter().map(|s| line(&chrome, s)).collect(),
        page: query.page,
        pages,
        sort: sort.as_str(),
        descending: query.descending,
        can_create: viewer.actor.grant(Action::WriteBuilding).is_ok(),
        can_import: viewer.actor.grant(Action::TransferAssociation).is_ok(),
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
        can_add_owner: viewer.actor.grant(Action::WriteOwner).is_ok(),
        my_units: viewer.actor.owner.as_ref().map(|o| format!("/owners/{}", o.owner_id)),
        latest: latest
            .iter()
            .map(|e| (chrome.lang.date(e.details.date), e.details.supplier.to_string(), chrome.lang.money(e.details.amount)))
            .collect(),
        can_search: viewer.actor.grant(Action::Search).is_ok(),
        q: String::new(),
    };
    page(&chrome, &template)
}

#[derive(Template)]
#[template(path = "building.html")]
struct BuildingPage<'a> {
    chrome: &'a Chrome,
    building: BuildingLine,
    address: String,
    bce: String,
    /// (label, grouped IBAN) of the working and the reserve fund's accounts.
    accounts: Vec<(String, String)>,
    quota_base: u32,
    units: Vec<Unit>,
    expenses: Vec<Expense>,
    can_add_unit: bool,
    can_edit: bool,
    can_chase: bool,
    can_export: bool,
    can_transfer: bool,
    previous: Option<String>,
    next: Option<String>,
}

impl BuildingPage<'_> {
    fn unit_kind(&self, unit: &Unit) -> String {
        self.chrome.t(&format!("kind-{}", unit.details.kind.as_str()))
    }

    fn floor(&self, unit: &Unit) -> String {
        unit.details.floor.map_or_else(|| self.chrome.t("none"), |f| f.to_string())
    }

    fn amount(&self, expense: &Expense) -> String {
        self.chrome.lang.money(expense.details.amount)
    }

    fn date(&self, expense: &Expense) -> String {
        self.chrome.lang.date(expense.details.date)
    }

    fn status(&self, expense: &Expense) -> String {
        self.chrome.t(&format!("status-{}", expense.status.as_str()))
    }
}

#[derive(serde::Deserialize, Default)]
pub struct UnitsPage {
    units_page: Option<i64>,
}

/// Units shown per page of a building.
const UNITS_PER_PAGE: i64 = 50;

pub async fn show(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, Query(paging): Query<UnitsPage>) -> Response {
    let id = koprogo_domain::ids::BuildingId::from_uuid(id);
    let actor = &viewer.actor;
    let summary = match app.building(actor, id).await {
        Ok(summary) => summary,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let units = match ListQuery::parse(paging.units_page, Some(UNITS_PER_PAGE), UnitSort::Number, None) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let expenses = ListQuery { page: 1, per_page: 10, sort: ExpenseSort::Date, descending: true };
    let filter = ExpenseFilter { building: Some(id), ..ExpenseFilter::default() };
    let (page_of_units, expenses) = match tokio::try_join!(app.units(actor, &units, Some(id)), app.expenses(actor, &expenses, &filter)) {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let current = u64::from(units.page);
    let pages = page_of_units.total.div_ceil(u64::from(units.per_page)).max(1);
    let link = |page: u64| format!("/buildings/{id}?units_page={page}");
    let details = &summary.building.details;
    let template = BuildingPage {
        chrome: &chrome,
        address: format!("{}, {} {}", details.address.street, details.address.postal_code, details.address.city),
        bce: details.bce_number.as_ref().map_or_else(|| chrome.t("none"), BceNumber::dotted),
        accounts: [("building-working-iban", &details.working_fund_iban), ("building-reserve-iban", &details.reserve_fund_iban)]
            .into_iter()
            .map(|(label, iban)| (chrome.t(label), iban.as_ref().map_or_else(|| chrome.t("none"), Iban::grouped)))
            .collect(),
        quota_base: details.quota_base.get(),
        building: line(&chrome, &summary),
        units: page_of_units.items,
        expenses: expenses.items,
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
        can_add_unit: viewer.actor.grant(Action::WriteUnit).is_ok(),
        can_edit: viewer.actor.grant(Action::WriteBuilding).is_ok(),
        can_chase: viewer.actor.grant(Action::SendReminders).is_ok(),
        can_export: viewer.actor.grant(Action::ExportLedger).is_ok(),
        can_transfer: viewer.actor.grant(Action::TransferAssociation).is_ok(),
    };
    page(&chrome, &template)
}

const BUILDING: Spec = Spec {
    title: "nav-new-building",
    submit: "building-create",
    action: Action::WriteBuilding,
    fields: &[
        field("name", "building-name", "text", true),
        field("address", "building-address", "text", true),
        field("postal_code", "building-postal-code", "text", true),
        field("city", "building-city", "text", true),
        field("quota_base", "building-quota-base", "number", false),
        field("construction_year", "building-construction-year", "number", false),
        field("bce_number", "building-bce", "text", false),
        field("working_fund_iban", "building-working-iban", "text", false),
        field("reserve_fund_iban", "building-reserve-iban", "text", false),
        field("language", "building-language", "select", true),
    ],
};

fn building_choices(chrome: &Chrome) -> Choices {
    Choices::from([("language", forms::options(chrome, "language", &["fr", "nl", "de"]))])
}

const BUILDING_EDIT: Spec = Spec { title: "building-edit", submit: "form-save", ..BUILDING };

pub async fn edit(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let summary = match app.building(&viewer.actor, koprogo_domain::ids::BuildingId::from_uuid(id)).await {
        Ok(summary) => summary,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let d = &summary.building.details;
    let optional = |v: Option<String>| v.unwrap_or_default();
    let values = [
        ("name", d.name.to_string()),
        ("address", d.address.street.to_string()),
        ("postal_code", d.address.postal_code.to_string()),
        ("city", d.address.city.to_string()),
        ("quota_base", d.quota_base.get().to_string()),
        ("construction_year", optional(d.construction_year.map(|y| y.to_string()))),
        ("bce_number", optional(d.bce_number.as_ref().map(|n| n.as_str().to_owned()))),
        ("working_fund_iban", optional(d.working_fund_iban.as_ref().map(|i| i.as_str().to_owned()))),
        ("reserve_fund_iban", optional(d.reserve_fund_iban.as_ref().map(|i| i.as_str().to_owned()))),
        ("language", d.language.as_str().to_owned()),
    ];
    Place::new(&BUILDING_EDIT, format!("/buildings/{id}/edit"), format!("/buildings/{id}"), building_choices(&chrome))
        .show(&chrome, &viewer, &values)
}

/// Saves a building; the fiscal year start, not on the form, is kept as stored.
pub async fn update(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, form: Form) -> Response {
    let place = Place::new(&BUILDING_EDIT, format!("/buildings/{id}/edit"), format!("/buildings/{id}"), building_choices(&chrome));
    let building = koprogo_domain::ids::BuildingId::from_uuid(id);
    let work = async {
        let stored = app.building(&viewer.actor, building).await?;
        let fixed = [("fiscal_year_start", stored.building.details.year_start.to_string())];
        let body: BuildingBody = forms::body(&BUILDING_EDIT, &form, &fixed)?;
        app.update_building(&viewer.actor, building, body.parse(app.clock.now().year())?).await?;
        Ok(format!("/buildings/{id}"))
    };
    place.submit(&chrome, &viewer, &form, work).await
}

pub async fn new_form(chrome: Chrome, viewer: Viewer) -> Response {
    let language = if chrome.lang.code() == "nl" { "nl" } else { "fr" };
    let defaults = [("quota_base", "1000".to_owned()), ("language", language.to_owned())];
    Place::new(&BUILDING, "/buildings/new", "/", building_choices(&chrome)).show(&chrome, &viewer, &defaults)
}

pub async fn create(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let work = async {
        let body: BuildingBody = forms::body(&BUILDING, &form, &[])?;
        let created = app.create_building(&viewer.actor, body.parse(app.clock.now().year())?).await?;
        Ok(format!("/buildings/{}", created.building.id))
    };
    Place::new(&BUILDING, "/buildings/new", "/", building_choices(&chrome)).submit(&chrome, &viewer, &form, work).await
}

const UNIT: Spec = Spec {
    title: "unit-new",
    submit: "unit-create",
    action: Action::WriteUnit,
    fields: &[
        field("unit_number", "unit-number", "text", true),
        field("unit_type", "unit-type", "select", true),
        field("floor", "unit-floor", "number", false),
        field("surface_area", "unit-surface", "decimal", false),
        field("quota", "unit-quota", "number", true),
    ],
};

fn unit_choices(chrome: &Chrome) -> Choices {
    let kinds = ["apartment", "commercial", "cellar", "garage", "parking", "other"];
    Choices::from([("unit_type", forms::options(chrome, "kind", &kinds))])
}

pub async fn new_unit(chrome: Chrome, viewer: Viewer, Id(building): Id) -> Response {
    Place::new(&UNIT, format!("/buildings/{building}/units/new"), format!("/buildings/{building}"), unit_choices(&chrome)).show(
        &chrome,
        &viewer,
        &[],
    )
}

const UNIT_EDIT: Spec = Spec { title: "unit-edit", submit: "form-save", ..UNIT };

pub async fn edit_unit(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let unit = match app.unit(&viewer.actor, koprogo_domain::ids::UnitId::from_uuid(id)).await {
        Ok(unit) => unit,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let d = &unit.details;
    let values = [
        ("unit_number", d.number.to_string()),
        ("unit_type", d.kind.as_str().to_owned()),
        ("floor", d.floor.map(|f| f.to_string()).unwrap_or_default()),
        ("surface_area", d.surface.map(|s| s.to_decimal_string()).unwrap_or_default()),
        ("quota", d.quota.get().to_string()),
    ];
    Place::new(&UNIT_EDIT, format!("/units/{id}/edit"), format!("/units/{id}"), unit_choices(&chrome)).show(&chrome, &viewer, &values)
}

pub async fn update_unit(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, form: Form) -> Response {
    let place = Place::new(&UNIT_EDIT, format!("/units/{id}/edit"), format!("/units/{id}"), unit_choices(&chrome));
    let unit = koprogo_domain::ids::UnitId::from_uuid(id);
    let work = async {
        let stored = app.unit(&viewer.actor, unit).await?;
        let body: UnitBody = forms::body(&UNIT_EDIT, &form, &[("building_id", stored.details.building_id.to_string())])?;
        app.update_unit(&viewer.actor, unit, body.parse()?).await?;
        Ok(format!("/units/{id}"))
    };
    place.submit(&chrome, &viewer, &form, work).await
}

pub async fn create_unit(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(building): Id, form: Form) -> Response {
    let place = Place::new(&UNIT, format!("/buildings/{building}/units/new"), format!("/buildings/{building}"), unit_choices(&chrome));
    let work = async {
        let body: UnitBody = forms::body(&UNIT, &form, &[("building_id", building.to_string())])?;
        app.create_unit(&viewer.actor, body.parse()?).await?;
        Ok(format!("/buildings/{building}"))
    };
    place.submit(&chrome, &viewer, &form, work).await
}

pub struct OrganizationLine {
    pub name: String,
    pub buildings: u64,
    pub units: u64,
    pub users: u64,
    pub created: String,
}

#[derive(Template)]
#[template(path = "organizations.html")]
struct Organizations<'a> {
    chrome: &'a Chrome,
    lines: Vec<OrganizationLine>,
    previous: Option<String>,
    next: Option<String>,
}

/// The platform admin's dashboard: organisations and their usage, never
/// their data.
async fn organizations(app: &App, chrome: &Chrome, viewer: &Viewer, listing: &Listing) -> Response {
    let query = match ListQuery::parse(listing.page, None, OrganizationSort::CreatedAt, Some("desc")) {
        Ok(query) => query,
        Err(violations) => return error_page(chrome, &ApiError::invalid(&violations)),
    };
    let found = match app.organizations(&viewer.actor, &query).await {
        Ok(found) => found,
        Err(error) => return error_page(chrome, &error.into()),
    };
    let pages = found.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let lines = found
        .items
        .iter()
        .map(|o| OrganizationLine {
            name: o.organization.name.to_string(),
            buildings: o.buildings,
            units: o.units,
            users: o.users,
            created: chrome.lang.time(o.organization.created_at),
        })
        .collect();
    let template = Organizations {
        chrome,
        lines,
        previous: (current > 1).then(|| format!("/?page={}", current - 1)),
        next: (current < pages).then(|| format!("/?page={}", current + 1)),
    };
    page(chrome, &template)
}
