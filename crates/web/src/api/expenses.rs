//! `/expenses`: invoices and charges of a building, draft → approved → paid.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::App;
use koprogo_app::listing::ExpenseSort;
use koprogo_app::ports::ExpenseFilter;
use koprogo_domain::Invalid;
use koprogo_domain::error::Violations;
use koprogo_domain::expense::{AccountCode, Category, Expense, ExpenseDetails, ExpenseStatus, Fund, VatRate, parse_expense_amount};
use koprogo_domain::ids::{BuildingId, DistributionKeyId, ExpenseId};
use koprogo_domain::money::Cents;
use koprogo_domain::text::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::charges::DistributeBody;
use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Authenticated, OptionalJson};
use crate::wire::{
    Id, Paged, Paging, Scalar, body_id, check_organization, finish, number, optional, parse_date, parse_optional_date, query_id, required,
};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, update, remove)).routes(routes!(approve)).routes(routes!(pay))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpenseBody {
    building_id: Option<Uuid>,
    /// maintenance, repairs, works, utilities, insurance, cleaning, fees,
    /// concierge, administration or other (default other).
    category: Option<String>,
    description: Option<String>,
    /// Euros VAT included, at most two decimals, e.g. 484.00 (exact; or give `amount_cents`).
    #[schema(value_type = Option<f64>, example = 484.0)]
    amount: Option<Scalar>,
    #[schema(value_type = Option<i64>, example = 48400)]
    amount_cents: Option<Scalar>,
    /// The invoice date.
    #[schema(value_type = String, format = Date)]
    expense_date: Option<String>,
    supplier: Option<String>,
    invoice_number: Option<String>,
    /// 0, 6, 12 or 21 (default 21).
    #[schema(value_type = Option<i32>, example = 21)]
    vat_rate: Option<Scalar>,
    /// Class-6 account of the ACP chart (default: the category's).
    account_code: Option<String>,
    /// working (default) or reserve.
    fund: Option<String>,
    organization_id: Option<Uuid>,
    #[schema(ignore)]
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "status")]
    _status: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "shared")]
    _shared: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "created_at")]
    _created_at: Option<serde::de::IgnoredAny>,
}

impl ExpenseBody {
    pub(crate) fn parse(&self) -> ApiResult<ExpenseDetails> {
        let mut v = Violations::new();
        let building = body_id(&mut v, "building_id", self.building_id);
        let category = optional(&mut v, "category", self.category.as_deref(), Category::parse);
        let description = required(&mut v, "description", self.description.as_deref(), Text::parse);
        let amount = self.amount(&mut v);
        let date = required(&mut v, "expense_date", self.expense_date.as_deref(), parse_date);
        let supplier = required(&mut v, "supplier", self.supplier.as_deref(), Text::parse);
        let invoice_number = optional(&mut v, "invoice_number", self.invoice_number.as_deref(), Text::parse);
        let vat_rate = optional(&mut v, "vat_rate", self.vat_rate.as_ref().map(Scalar::as_str), |r| {
            r.parse::<i64>().map_err(|_| Invalid::NotOneOf(VatRate::CODES)).and_then(VatRate::from_percent)
        });
        let account_code = optional(&mut v, "account_code", self.account_code.as_deref(), AccountCode::parse);
        let fund = optional(&mut v, "fund", self.fund.as_deref(), Fund::parse);
        let details = (|| {
            let category = category?.unwrap_or(Category::Other);
            Some(ExpenseDetails {
                building_id: BuildingId::from_uuid(building?),
                date: date?,
                supplier: supplier?,
                invoice_number: invoice_number?,
                description: description?,
                amount: amount?,
                vat_rate: vat_rate?.unwrap_or(VatRate::TwentyOne),
                category,
                account_code: account_code?.unwrap_or_else(|| category.default_account()),
                fund: fund?.unwrap_or(Fund::Working),
            })
        })();
        finish(v, details)
    }

    /// `amount` (euros) or `amount_cents`; when both are given they must agree.
    fn amount(&self, v: &mut Violations) -> Option<Cents> {
        let euros = optional(v, "amount", self.amount.as_ref().map(Scalar::as_str), parse_expense_amount)?;
        let cents = optional(v, "amount_cents", self.amount_cents.as_ref().map(Scalar::as_str), |c| {
            c.parse::<i64>().map_err(|_| Invalid::Amount).and_then(|c| parse_expense_amount(&Cents::new(c)?.to_decimal_string()))
        })?;
        match (euros, cents) {
            (Some(a), Some(b)) if a != b => {
                v.push("amount_cents", Invalid::NotOneOf("equal to amount"));
                None
            }
            (Some(amount), _) | (None, Some(amount)) => Some(amount),
            (None, None) => {
                v.push("amount", Invalid::Required);
                None
            }
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ExpenseView {
    id: Uuid,
    /// The organisation, on single objects (a list is all one organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<Uuid>,
    building_id: Uuid,
    category: String,
    description: String,
    /// Euros VAT included, exact to the cent.
    #[schema(value_type = f64)]
    amount: Box<serde_json::value::RawValue>,
    amount_cents: i64,
    expense_date: NaiveDate,
    supplier: String,
    invoice_number: Option<String>,
    vat_rate: u32,
    account_code: String,
    fund: String,
    /// draft, approved or paid.
    status: String,
    /// Its parts are on the owners' accounts (approving shares it).
    shared: bool,
    created_at: DateTime<Utc>,
}

fn view(tenant: Option<Uuid>, e: Expense) -> ExpenseView {
    let d = e.details;
    ExpenseView {
        id: e.id.as_uuid(),
        organization_id: tenant,
        building_id: d.building_id.as_uuid(),
        category: d.category.as_str().to_owned(),
        description: d.description.to_string(),
        amount: number(&d.amount.to_decimal_string()),
        amount_cents: d.amount.get(),
        expense_date: d.date,
        supplier: d.supplier.to_string(),
        invoice_number: d.invoice_number.map(|n| n.to_string()),
        vat_rate: d.vat_rate.percent(),
        account_code: d.account_code.as_str().to_owned(),
        fund: d.fund.as_str().to_owned(),
        status: e.status.as_str().to_owned(),
        shared: e.shared,
        created_at: e.created_at,
    }
}

#[derive(Deserialize)]
pub struct ExpenseFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
    status: Option<String>,
    fund: Option<String>,
    /// First day of the period (inclusive).
    from: Option<String>,
    /// Last day of the period (inclusive).
    to: Option<String>,
    /// Words each found in the supplier, description or invoice number.
    q: Option<String>,
}

/// Expenses the caller may see. `sort_by`: expense_date, amount, supplier, created_at.
#[utoipa::path(get, path = "", tag = "expenses", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("status" = Option<String>, Query, pattern = "^(draft|approved|paid)$"), ("fund" = Option<String>, Query, pattern = "^(working|reserve)$"),
        ("from" = Option<String>, Query, format = Date), ("to" = Option<String>, Query, format = Date), ("q" = Option<String>, Query),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100), ("sort_by" = Option<String>, Query, pattern = "^(expense_date|amount|supplier|created_at)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<ExpenseView>), (status = 422, body = Problem)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<ExpenseFilters>) -> ApiResult<Json<Paged<ExpenseView>>> {
    let mut v = Violations::new();
    let query = f.paging.parse(ExpenseSort::Date, ExpenseSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let status = optional(&mut v, "status", f.status.as_deref(), ExpenseStatus::parse);
    let fund = optional(&mut v, "fund", f.fund.as_deref(), Fund::parse);
    let from = v.check("from", parse_optional_date(f.from.as_deref()));
    let to = v.check("to", parse_optional_date(f.to.as_deref()));
    let words = koprogo_app::search::words(f.q.as_deref().unwrap_or(""));
    let filter = (|| {
        Some(ExpenseFilter { building: building?.map(BuildingId::from_uuid), status: status?, fund: fund?, from: from?, to: to?, words })
    })();
    let (query, filter) = finish(v, query.zip(filter))?;
    let page = app.expenses(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, |e| view(None, e))))
}

/// Records an expense as a draft.
#[utoipa::path(post, path = "", tag = "expenses", security(("bearer" = [])), request_body = ExpenseBody,
    responses((status = 201, body = ExpenseView), (status = 422, body = Problem)))]
async fn create(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<ExpenseBody>,
) -> ApiResult<(StatusCode, Json<ExpenseView>)> {
    check_organization(&auth.actor, body.organization_id)?;
    let expense = app.create_expense(&auth.actor, body.parse()?).await?;
    Ok((StatusCode::CREATED, Json(view(auth.tenant(), expense))))
}

#[utoipa::path(get, path = "/{id}", tag = "expenses", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ExpenseView), (status = 404, body = Problem)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<ExpenseView>> {
    Ok(Json(view(auth.tenant(), app.expense(&auth.actor, ExpenseId::from_uuid(id)).await?)))
}

/// Rewrites a draft (422 `expense.not_draft` once approved).
#[utoipa::path(put, path = "/{id}", tag = "expenses", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = ExpenseBody,
    responses((status = 200, body = ExpenseView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<ExpenseBody>,
) -> ApiResult<Json<ExpenseView>> {
    check_organization(&auth.actor, body.organization_id)?;
    let expense = app.update_expense(&auth.actor, ExpenseId::from_uuid(id), body.parse()?).await?;
    Ok(Json(view(auth.tenant(), expense)))
}

/// Deletes a draft.
#[utoipa::path(delete, path = "/{id}", tag = "expenses", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn remove(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.delete_expense(&auth.actor, ExpenseId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// draft → approved (syndic), and shared among the owners holding its units
/// on its date in the same step: by `key_id`, or by the quotas when the body
/// is empty or names no key. A unit not wholly held on that date refuses the
/// approval (`charges.unit_not_wholly_held`); the parts are at
/// `GET /api/v1/expenses/{id}/distribution`.
#[utoipa::path(post, path = "/{id}/approve", tag = "expenses", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<DistributeBody>, description = "Optional: the distribution key."),
    responses((status = 200, body = ExpenseView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn approve(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    OptionalJson(body): OptionalJson<DistributeBody>,
) -> ApiResult<Json<ExpenseView>> {
    let key = body.and_then(|b| b.key_id).map(DistributionKeyId::from_uuid);
    let (expense, _) = app.approve_expense(&auth.actor, ExpenseId::from_uuid(id), key).await?;
    Ok(Json(view(auth.tenant(), expense)))
}

/// approved → paid (syndic or accountant).
#[utoipa::path(post, path = "/{id}/pay", tag = "expenses", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ExpenseView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn pay(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<ExpenseView>> {
    let expense = app.pay_expense(&auth.actor, ExpenseId::from_uuid(id)).await?;
    Ok(Json(view(auth.tenant(), expense)))
}
