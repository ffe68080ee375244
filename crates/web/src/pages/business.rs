//! The platform admin's business dashboard: the seed's §3 tables from the
//! real data, the invoices of a month with their PDFs, and the monthly run.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_domain::billing::Month;

use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::api::billing::margin_percent;
use crate::api::statements::{file, rendered};
use crate::error::ApiError;
use crate::wire::Id;

pub struct Row {
    pub month: String,
    pub organizations: u64,
    pub buildings: u64,
    pub new: u64,
    pub churned: u64,
    pub revenue: String,
    pub infrastructure: String,
    pub margin: String,
    pub percent: String,
}

pub struct InvoiceRow {
    pub number: String,
    pub organization: String,
    pub buildings: usize,
    pub total: String,
    pub pdf: String,
}

#[derive(Template)]
#[template(path = "business.html")]
struct BusinessPage<'a> {
    chrome: &'a Chrome,
    organizations: u64,
    buildings: u64,
    mrr: String,
    rows: Vec<Row>,
    period: String,
    invoices: Vec<InvoiceRow>,
}

#[derive(serde::Deserialize, Default)]
pub struct Period {
    period: Option<String>,
}

pub async fn dashboard(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(q): Query<Period>) -> Response {
    let last_month = Month::of(app.clock.today()).previous();
    let period = q.period.as_deref().and_then(|p| Month::parse(p).ok()).unwrap_or(last_month);
    let found = tokio::try_join!(app.business(&viewer.actor, 12), app.invoices(&viewer.actor, Some(period)));
    let (business, invoices) = match found {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let lang = chrome.lang;
    let signed = |cents: i64| {
        let money = lang.money(koprogo_domain::money::Cents::new(cents.abs()).unwrap_or_default());
        if cents < 0 { format!("−{money}") } else { money }
    };
    let rows = business
        .months
        .iter()
        .rev()
        .map(|m| Row {
            month: m.month.to_string(),
            organizations: m.active_organizations,
            buildings: m.active_buildings,
            new: m.new_organizations,
            churned: m.churned_organizations,
            revenue: lang.money(m.revenue),
            infrastructure: lang.money(m.infrastructure),
            margin: signed(m.margin_cents),
            percent: margin_percent(m.margin_cents, m.revenue.get()).map_or_else(|| "—".to_owned(), |p| format!("{p} %")),
        })
        .collect();
    let template = BusinessPage {
        chrome: &chrome,
        organizations: business.active_organizations,
        buildings: business.active_buildings,
        mrr: lang.money(business.mrr),
        rows,
        period: period.to_string(),
        invoices: invoices
            .into_iter()
            .map(|i| InvoiceRow {
                pdf: format!("/business/invoices/{}", i.id),
                number: i.number,
                organization: i.organization_name,
                buildings: i.lines.len(),
                total: lang.money(i.total),
            })
            .collect(),
    };
    page(&chrome, &template)
}

/// Runs the month given in the form (the last one by default).
pub async fn run(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let Ok(period) = Month::parse(form.get("period")) else {
        return error_page(&chrome, &ApiError::field(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "period", "date", "Not a month."));
    };
    match app.run_billing(Some(&viewer.actor), period).await {
        Ok(_) => super::session::with_flash(Redirect::to(&format!("/business?period={period}")).into_response(), "done-billing-run"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn invoice_pdf(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let made = async {
        let invoice = app.invoice(&viewer.actor, id).await?;
        let pdf = rendered(koprogo_documents::invoice_pdf(&invoice, app.billing_settings(), chrome.lang.language(), app.clock.now()))?;
        Ok::<_, ApiError>(file(pdf, "application/pdf", &format!("{}.pdf", invoice.number)))
    };
    made.await.unwrap_or_else(|error| error_page(&chrome, &error))
}
