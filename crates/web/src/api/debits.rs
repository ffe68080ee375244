//! Money paid out: `/debits` read from the buildings' bank statements, and
//! the paid expense each settles (`/debits/{id}/settle`).

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::App;
use koprogo_app::listing::PaymentSort;
use koprogo_app::ports::debits::DebitFilter;
use koprogo_domain::debit::Debit;
use koprogo_domain::error::Violations;
use koprogo_domain::ids::{BuildingId, DebitId, ExpenseId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, euros, finish, optional, parse_date, query_id};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(show)).routes(routes!(settle))
}

#[derive(Serialize, ToSchema)]
pub struct DebitView {
    id: Uuid,
    building_id: Uuid,
    import_id: Uuid,
    value_date: NaiveDate,
    /// Euros paid out, more than zero.
    #[schema(value_type = f64)]
    amount: Box<RawValue>,
    /// The account it left: working or reserve.
    account: String,
    /// The communication as the statement gives it.
    reference: Option<String>,
    counterparty_iban: Option<String>,
    counterparty_name: Option<String>,
    bank_reference: String,
    /// The paid expense it settles, when known.
    expense_id: Option<Uuid>,
    /// invoice_number, supplier (found at import) or manual.
    matched_by: Option<String>,
    created_at: DateTime<Utc>,
}

fn view(d: Debit) -> DebitView {
    DebitView {
        id: d.id.as_uuid(),
        building_id: d.building_id.as_uuid(),
        import_id: d.import_id.as_uuid(),
        value_date: d.value_date,
        amount: euros(d.amount),
        account: d.account.as_str().to_owned(),
        reference: d.reference,
        counterparty_iban: d.counterparty_iban,
        counterparty_name: d.counterparty_name,
        bank_reference: d.bank_reference,
        expense_id: d.settles.map(|s| s.expense.as_uuid()),
        matched_by: d.settles.map(|s| s.matched_by.as_str().to_owned()),
        created_at: d.created_at,
    }
}

#[derive(Deserialize)]
pub struct DebitFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
    expense_id: Option<String>,
    /// `true`: only those that settle no expense yet.
    unmatched: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Debits paid out of the buildings' accounts, newest first by default. `sort_by`: value_date.
#[utoipa::path(get, path = "/api/v1/debits", tag = "payments", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("expense_id" = Option<Uuid>, Query), ("unmatched" = Option<bool>, Query),
        ("from" = Option<String>, Query, format = Date, description = "Paid from this day"),
        ("to" = Option<String>, Query, format = Date, description = "Paid up to this day, included"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^value_date$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<DebitView>)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<DebitFilters>) -> ApiResult<Json<Paged<DebitView>>> {
    let mut v = Violations::new();
    let query = f.paging.parse(PaymentSort::ValueDate, PaymentSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let expense = query_id(&mut v, "expense_id", f.expense_id.as_deref());
    let unmatched = optional(&mut v, "unmatched", f.unmatched.as_deref(), crate::wire::parse_bool);
    let from = optional(&mut v, "from", f.from.as_deref(), parse_date);
    let to = optional(&mut v, "to", f.to.as_deref(), parse_date);
    let filter = (|| {
        Some(DebitFilter {
            building: building?.map(BuildingId::from_uuid),
            unmatched: unmatched?.unwrap_or(false),
            expense: expense?.map(ExpenseId::from_uuid),
            from: from?,
            to: to?,
        })
    })();
    let (query, filter) = finish(v, query.zip(filter))?;
    let page = app.debits(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, view)))
}

#[utoipa::path(get, path = "/api/v1/debits/{id}", tag = "payments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = DebitView)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<DebitView>> {
    Ok(Json(view(app.debit(&auth.actor, DebitId::from_uuid(id)).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    /// A paid expense of the debit's building; `null` (or absent): the debit settles nothing.
    expense_id: Option<Uuid>,
}

/// Records the paid expense a debit settles (422 `debit.already_matched` while it settles
/// another: release it first with `null`; 422 `debit.expense_not_paid` for an expense that is
/// not paid or of another building).
#[utoipa::path(post, path = "/api/v1/debits/{id}/settle", tag = "payments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = SettleBody, responses((status = 200, body = DebitView)))]
async fn settle(State(app): State<App>, auth: Authenticated, Id(id): Id, ApiJson(body): ApiJson<SettleBody>) -> ApiResult<Json<DebitView>> {
    let expense = body.expense_id.map(ExpenseId::from_uuid);
    Ok(Json(view(app.settle_debit(&auth.actor, DebitId::from_uuid(id), expense).await?)))
}
