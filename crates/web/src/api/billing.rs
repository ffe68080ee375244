//! `/admin/billing`, `/admin/invoices`, `/admin/business`: the platform's own
//! invoices to the organisations and the business figures (platform admin only).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::billing::Business;
use koprogo_app::ports::billing::Invoice;
use koprogo_domain::billing::Month;
use koprogo_domain::error::Violations;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::statements::{LangQuery, file, reader_language, rendered};
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, euros, finish, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(run)).routes(routes!(invoices)).routes(routes!(invoice_pdf)).routes(routes!(business))
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceLineView {
    building_id: Uuid,
    building_name: String,
    #[schema(value_type = f64)]
    amount: Box<RawValue>,
}

#[derive(Serialize, ToSchema)]
pub struct InvoiceView {
    id: Uuid,
    organization_id: Uuid,
    organization_name: String,
    number: String,
    /// `YYYY-MM`.
    period: String,
    issued_at: DateTime<Utc>,
    #[schema(value_type = f64)]
    net: Box<RawValue>,
    vat_rate: String,
    #[schema(value_type = f64)]
    vat: Box<RawValue>,
    #[schema(value_type = f64)]
    total: Box<RawValue>,
    lines: Vec<InvoiceLineView>,
}

pub(crate) fn invoice_view(i: Invoice) -> InvoiceView {
    InvoiceView {
        id: i.id,
        organization_id: i.tenant.as_uuid(),
        organization_name: i.organization_name,
        number: i.number,
        period: i.period.to_string(),
        issued_at: i.issued_at,
        net: euros(i.net),
        vat_rate: format!("{}.{:02}", i.vat_basis_points / 100, i.vat_basis_points % 100),
        vat: euros(i.vat),
        total: euros(i.total),
        lines: i
            .lines
            .into_iter()
            .map(|(id, name, amount)| InvoiceLineView { building_id: id, building_name: name, amount: euros(amount) })
            .collect(),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// The month to invoice, `YYYY-MM`; it must be over.
    period: Option<String>,
}

/// Invoices a month that is over for every organisation not yet invoiced for
/// it; running it again creates nothing new.
#[utoipa::path(post, path = "/api/v1/admin/billing/run", tag = "admin", security(("bearer" = [])), request_body = RunBody,
    responses((status = 201, body = Vec<InvoiceView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn run(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<RunBody>,
) -> ApiResult<(StatusCode, Json<Vec<InvoiceView>>)> {
    auth.actor.grant_platform(koprogo_app::access::Action::ManageBilling)?;
    let mut v = Violations::new();
    let period = required(&mut v, "period", body.period.as_deref(), Month::parse);
    let period = finish(v, period)?;
    let made = app.run_billing(Some(&auth.actor), period).await?;
    Ok((StatusCode::CREATED, Json(made.into_iter().map(invoice_view).collect())))
}

#[derive(Deserialize)]
pub struct PeriodFilter {
    period: Option<String>,
}

/// The invoices, of one month or all, by number.
#[utoipa::path(get, path = "/api/v1/admin/invoices", tag = "admin", security(("bearer" = [])),
    params(("period" = Option<String>, Query, pattern = "^[0-9]{4}-[0-9]{2}$")),
    responses((status = 200, body = Vec<InvoiceView>), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn invoices(
    State(app): State<App>,
    auth: Authenticated,
    ApiQuery(filter): ApiQuery<PeriodFilter>,
) -> ApiResult<Json<Vec<InvoiceView>>> {
    auth.actor.grant_platform(koprogo_app::access::Action::ManageBilling)?;
    let mut v = Violations::new();
    let period = crate::wire::optional(&mut v, "period", filter.period.as_deref(), Month::parse);
    let period = finish(v, period)?;
    Ok(Json(app.invoices(&auth.actor, period).await?.into_iter().map(invoice_view).collect()))
}

/// One invoice as PDF.
#[utoipa::path(get, path = "/api/v1/admin/invoices/{id}/invoice.pdf", tag = "admin", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("lang" = Option<String>, Query, pattern = "^(fr|nl|de|en)$")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = Problem)))]
async fn invoice_pdf(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> ApiResult<Response> {
    let invoice = app.invoice(&auth.actor, id).await?;
    let lang = reader_language(q.lang.as_deref(), &headers, koprogo_domain::account::Language::Fr);
    let pdf = rendered(koprogo_documents::invoice_pdf(&invoice, app.billing_settings(), lang, app.clock.now()))?;
    Ok(file(pdf, "application/pdf", &format!("{}.pdf", invoice.number)))
}

#[derive(Serialize, ToSchema)]
pub struct MonthView {
    month: String,
    active_organizations: u64,
    active_buildings: u64,
    new_organizations: u64,
    churned_organizations: u64,
    #[schema(value_type = f64)]
    revenue: Box<RawValue>,
    #[schema(value_type = f64)]
    infrastructure: Box<RawValue>,
    #[schema(value_type = f64)]
    gross_margin: Box<RawValue>,
    /// Gross margin over revenue, in percent; absent without revenue.
    margin_percent: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct BusinessView {
    active_organizations: u64,
    active_buildings: u64,
    #[schema(value_type = f64)]
    mrr: Box<RawValue>,
    months: Vec<MonthView>,
}

/// Gross margin over revenue, to a tenth of a percent.
pub(crate) fn margin_percent(margin: i64, revenue: i64) -> Option<String> {
    (revenue > 0).then(|| {
        let tenths = (i128::from(margin) * 1000 + i128::from(revenue) / 2) / i128::from(revenue);
        format!("{}.{}", tenths / 10, (tenths % 10).abs())
    })
}

pub(crate) fn business_view(b: Business) -> BusinessView {
    let signed = |cents: i64| {
        crate::wire::number(&format!(
            "{}{}.{:02}",
            if cents < 0 { "-" } else { "" },
            cents.unsigned_abs() / 100,
            cents.unsigned_abs() % 100
        ))
    };
    BusinessView {
        active_organizations: b.active_organizations,
        active_buildings: b.active_buildings,
        mrr: euros(b.mrr),
        months: b
            .months
            .into_iter()
            .map(|m| MonthView {
                month: m.month.to_string(),
                active_organizations: m.active_organizations,
                active_buildings: m.active_buildings,
                new_organizations: m.new_organizations,
                churned_organizations: m.churned_organizations,
                revenue: euros(m.revenue),
                infrastructure: euros(m.infrastructure),
                gross_margin: signed(m.margin_cents),
                margin_percent: margin_percent(m.margin_cents, m.revenue.get()),
            })
            .collect(),
    }
}

#[derive(Deserialize)]
pub struct MonthsQuery {
    months: Option<u32>,
}

/// The business table (the seed's §3): organisations, buildings, MRR, sign-ups,
/// churn, revenue, infrastructure cost and gross margin, month by month.
#[utoipa::path(get, path = "/api/v1/admin/business", tag = "admin", security(("bearer" = [])),
    params(("months" = Option<u32>, Query, minimum = 1, maximum = 60)),
    responses((status = 200, body = BusinessView), (status = 403, body = Problem)))]
async fn business(State(app): State<App>, auth: Authenticated, ApiQuery(q): ApiQuery<MonthsQuery>) -> ApiResult<Json<BusinessView>> {
    Ok(Json(business_view(app.business(&auth.actor, q.months.unwrap_or(12).clamp(1, 60)).await?)))
}
