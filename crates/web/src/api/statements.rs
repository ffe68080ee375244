//! Documents: a call's letters (PDF) and lines (Excel), an owner's statement
//! (JSON, PDF, Excel) and a building's ledger (Excel). Letters and statements
//! are written in the owner's language; sheets in the reader's (`lang`, else
//! `Accept-Language`, else the building's language).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use koprogo_app::App;
use koprogo_app::statements::{Balance, OwnerStatement};
use koprogo_domain::account::Language;
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{BuildingId, FundCallId, OwnerId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, Authenticated};
use crate::wire::{Id, euros, finish, optional, parse_date, query_id};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(call_letters))
        .routes(routes!(call_sheet))
        .routes(routes!(statement))
        .routes(routes!(statement_pdf))
        .routes(routes!(statement_sheet))
        .routes(routes!(ledger_sheet))
}

pub const PDF: &str = "application/pdf";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A file to download, named for the user's disk.
pub fn file(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")).unwrap_or(HeaderValue::from_static("attachment"));
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type)), (header::CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

pub(crate) fn rendered(result: Result<Vec<u8>, koprogo_documents::DocumentError>) -> ApiResult<Vec<u8>> {
    result.map_err(|error| ApiError::from(koprogo_app::AppError::Internal(anyhow::anyhow!("rendering a document: {error}"))))
}

/// The reader's language for a sheet: `lang=`, else `Accept-Language`, else `fallback`.
pub fn reader_language(asked: Option<&str>, headers: &HeaderMap, fallback: Language) -> Language {
    let header = headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).unwrap_or("");
    asked
        .and_then(|code| Language::parse(code).ok())
        .or_else(|| header.split(',').find_map(|part| Language::parse(part.split(';').next()?.split('-').next()?).ok()))
        .unwrap_or(fallback)
}

#[derive(Deserialize)]
pub struct LangQuery {
    pub(crate) lang: Option<String>,
}

/// Every letter of the call in one PDF, each in its owner's language, with
/// the structured communication and a payment QR code (an owner gets their own).
#[utoipa::path(get, path = "/api/v1/calls/{id}/letters.pdf", tag = "charges", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>, description = "PDF/A-2b")))]
async fn call_letters(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Response> {
    let letters = app.call_letters(&auth.actor, FundCallId::from_uuid(id)).await?;
    let pdf = rendered(koprogo_documents::call_letters(&letters, app.clock.now()))?;
    app.record_export(&auth.actor, "call_letters.pdf", id).await?;
    Ok(file(pdf, PDF, &format!("appel-{}.pdf", letters.call.details.as_of)))
}

/// The call's lines as an Excel sheet: owner, units, communication, funds, totals.
#[utoipa::path(get, path = "/api/v1/calls/{id}/lines.xlsx", tag = "charges", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("lang" = Option<String>, Query, pattern = "^(fr|nl|de|en)$")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
async fn call_sheet(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<LangQuery>,
) -> ApiResult<Response> {
    let letters = app.call_letters(&auth.actor, FundCallId::from_uuid(id)).await?;
    let lang = reader_language(q.lang.as_deref(), &headers, letters.association.building.details.language);
    let xlsx = rendered(koprogo_documents::call_sheet(&letters, lang))?;
    app.record_export(&auth.actor, "call_lines.xlsx", id).await?;
    Ok(file(xlsx, XLSX, &format!("appel-{}.xlsx", letters.call.details.as_of)))
}

#[derive(Deserialize)]
pub struct PeriodQuery {
    building_id: Option<String>,
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
}

/// The building and period asked (none: the app's defaults).
fn period(q: &PeriodQuery) -> ApiResult<(Option<BuildingId>, Option<NaiveDate>, Option<NaiveDate>)> {
    let mut v = Violations::new();
    let building = query_id(&mut v, "building_id", q.building_id.as_deref());
    let from = optional(&mut v, "from", q.from.as_deref(), parse_date);
    let to = optional(&mut v, "to", q.to.as_deref(), parse_date);
    let (building, (from, to)) = finish(v, building.zip(from.zip(to)))?;
    Ok((building.map(BuildingId::from_uuid), from, to))
}

async fn owner_statement(app: &App, auth: &Authenticated, id: Uuid, q: &PeriodQuery) -> ApiResult<OwnerStatement> {
    let (building, from, to) = period(q)?;
    Ok(app.owner_statement(&auth.actor, OwnerId::from_uuid(id), building, from, to).await?)
}

#[derive(Serialize, ToSchema)]
pub struct BalanceView {
    #[schema(value_type = f64)]
    working: Box<RawValue>,
    #[schema(value_type = f64)]
    reserve: Box<RawValue>,
    #[schema(value_type = f64)]
    total: Box<RawValue>,
}

fn balance(b: Balance) -> BalanceView {
    BalanceView { working: euros(b.working), reserve: euros(b.reserve), total: euros(b.total()) }
}

#[derive(Serialize, ToSchema)]
pub struct ChargeView {
    expense_id: Uuid,
    date: NaiveDate,
    supplier: String,
    description: String,
    fund: String,
    /// None: the general key (the quotas).
    key_name: Option<String>,
    unit_number: String,
    weight: u64,
    weight_total: u64,
    #[schema(value_type = f64)]
    expense_amount: Box<RawValue>,
    #[schema(value_type = f64)]
    amount: Box<RawValue>,
}

#[derive(Serialize, ToSchema)]
pub struct StatementView {
    owner_id: Uuid,
    building_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    charges: Vec<ChargeView>,
    #[schema(value_type = f64)]
    charges_working: Box<RawValue>,
    #[schema(value_type = f64)]
    charges_reserve: Box<RawValue>,
    /// Ids of the call lines of the period and of the payments received in it.
    call_line_ids: Vec<Uuid>,
    payment_ids: Vec<Uuid>,
    opening: BalanceView,
    called: BalanceView,
    paid: BalanceView,
    closing: BalanceView,
    /// Working-fund charges minus working-fund advances: what the settlement regularises.
    #[schema(value_type = f64)]
    working_difference: Box<RawValue>,
}

/// An owner's statement (décompte) for a period: their charges by key and
/// expense, the calls and payments, and the balances by fund.
#[utoipa::path(get, path = "/api/v1/owners/{id}/statement", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("building_id" = Option<Uuid>, Query), ("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date)),
    responses((status = 200, body = StatementView)))]
async fn statement(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Json<StatementView>> {
    let s = owner_statement(&app, &auth, id, &q).await?;
    use koprogo_domain::expense::Fund;
    Ok(Json(StatementView {
        owner_id: s.owner.id.as_uuid(),
        building_id: s.association.building.id.as_uuid(),
        from: s.from,
        to: s.to,
        charges_working: euros(s.charges_of(Fund::Working)),
        charges_reserve: euros(s.charges_of(Fund::Reserve)),
        working_difference: euros(s.working_difference()),
        call_line_ids: s.calls.iter().map(|l| l.line.id.as_uuid()).collect(),
        payment_ids: s.payments.iter().map(|p| p.id.as_uuid()).collect(),
        opening: balance(s.opening),
        called: balance(s.called()),
        paid: balance(s.paid()),
        closing: balance(s.closing),
        charges: s.charges.into_iter().map(charge_view).collect(),
    }))
}

pub(crate) fn charge_view(c: koprogo_app::ports::money::OwnerCharge) -> ChargeView {
    ChargeView {
        expense_id: c.expense_id.as_uuid(),
        date: c.date,
        supplier: c.supplier,
        description: c.description,
        fund: c.fund.as_str().to_owned(),
        key_name: c.key_name,
        unit_number: c.unit_number,
        weight: c.weight,
        weight_total: c.weight_total,
        expense_amount: euros(c.expense_amount),
        amount: euros(c.amount),
    }
}

/// The statement as a PDF in the owner's language.
#[utoipa::path(get, path = "/api/v1/owners/{id}/statement.pdf", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("building_id" = Option<Uuid>, Query), ("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date)),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>)))]
async fn statement_pdf(State(app): State<App>, auth: Authenticated, Id(id): Id, ApiQuery(q): ApiQuery<PeriodQuery>) -> ApiResult<Response> {
    let s = owner_statement(&app, &auth, id, &q).await?;
    let pdf = rendered(koprogo_documents::statement_pdf(&s, app.clock.now()))?;
    app.record_export(&auth.actor, "statement.pdf", id).await?;
    Ok(file(pdf, PDF, &format!("decompte-{}-{}.pdf", s.from, s.to)))
}

/// The statement as an Excel workbook (charges, calls, payments).
#[utoipa::path(get, path = "/api/v1/owners/{id}/statement.xlsx", tag = "payments", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("building_id" = Option<Uuid>, Query), ("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date),
        ("lang" = Option<String>, Query, pattern = "^(fr|nl|de|en)$")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
async fn statement_sheet(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Response> {
    let s = owner_statement(&app, &auth, id, &q).await?;
    let lang = reader_language(q.lang.as_deref(), &headers, s.owner.details.language);
    let xlsx = rendered(koprogo_documents::statement_sheet(&s, lang))?;
    app.record_export(&auth.actor, "statement.xlsx", id).await?;
    Ok(file(xlsx, XLSX, &format!("decompte-{}-{}.xlsx", s.from, s.to)))
}

/// A building's ledger for a period: expenses, calls and payments, one sheet each.
#[utoipa::path(get, path = "/api/v1/buildings/{id}/ledger.xlsx", tag = "charges", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date),
        ("lang" = Option<String>, Query, pattern = "^(fr|nl|de|en)$")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)))]
async fn ledger_sheet(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Response> {
    let (_, from, to) = period(&q)?;
    let ledger = app.building_ledger(&auth.actor, BuildingId::from_uuid(id), from, to).await?;
    let lang = reader_language(q.lang.as_deref(), &headers, ledger.association.building.details.language);
    let xlsx = rendered(koprogo_documents::ledger_sheet(&ledger, lang))?;
    app.record_export(&auth.actor, "ledger.xlsx", id).await?;
    Ok(file(xlsx, XLSX, &format!("grand-livre-{}-{}.xlsx", ledger.from, ledger.to)))
}
