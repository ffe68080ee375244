//! Money received: `/payments` (by hand, the reconciliation inbox and its
//! assignment), `/bank-statements` (CODA or camt.053 files), an owner's
//! `/owners/{id}/account` and the `/arrears` of every owner.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use koprogo_app::App;
use koprogo_app::listing::PaymentSort;
use koprogo_app::payments::{ImportReport, NewPayment};
use koprogo_app::ports::money::{AccountLine, OwnerPosition, PaymentFilter};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::error::Violations;
use koprogo_domain::identifiers::Iban;
use koprogo_domain::ids::{BuildingId, CallLineId, OwnerId, PaymentId};
use koprogo_domain::money::Cents;
use koprogo_domain::payment::Payment;
use koprogo_domain::text::{LongText, Name};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Authenticated, RawBody};
use crate::wire::{Id, Paged, Paging, Scalar, body_id, euros, finish, optional, parse_date, query_id, required};

/// A bank file is bigger than any form: a CODA movement takes three 128-byte
/// records, so a month of a large building (5 000 movements) is about 2 MB.
/// 8 MiB holds some 20 000 movements.
pub const BANK_FILE_LIMIT: usize = 8 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(show))
        .routes(routes!(assign))
        .merge(OpenApiRouter::new().routes(routes!(import)).layer(axum::extract::DefaultBodyLimit::max(BANK_FILE_LIMIT)))
        .routes(routes!(account))
        .routes(routes!(arrears))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    building_id: Option<Uuid>,
    #[schema(value_type = String, format = Date)]
    value_date: Option<String>,
    /// Euros received, exact, more than zero.
    #[schema(value_type = f64, example = 484.0)]
    amount: Option<Scalar>,
    /// `+++ddd/dddd/ddddd+++` when the payer gave one: it finds the call line.
    communication: Option<String>,
    counterparty_iban: Option<String>,
    counterparty_name: Option<String>,
    free_text: Option<String>,
}

impl PaymentBody {
    fn parse(&self) -> ApiResult<NewPayment> {
        let mut v = Violations::new();
        let building = body_id(&mut v, "building_id", self.building_id);
        let date = required(&mut v, "value_date", self.value_date.as_deref(), parse_date);
        let amount = required(&mut v, "amount", self.amount.as_ref().map(Scalar::as_str), |raw| {
            let amount = Cents::parse_euros(raw)?;
            if amount.get() > 0 { Ok(amount) } else { Err(koprogo_domain::Invalid::OutOfRange { min: 0, max: 10_000_000_000 }) }
        });
        let communication = optional(&mut v, "communication", self.communication.as_deref(), StructuredCommunication::parse);
        let iban = optional(&mut v, "counterparty_iban", self.counterparty_iban.as_deref(), Iban::parse);
        let name = optional(&mut v, "counterparty_name", self.counterparty_name.as_deref(), Name::parse);
        let text = optional(&mut v, "free_text", self.free_text.as_deref(), LongText::parse);
        let parsed = (|| {
            Some(NewPayment {
                building_id: BuildingId::from_uuid(building?),
                value_date: date?,
                amount: amount?,
                communication: communication?,
                counterparty_iban: iban?.map(|i| i.as_str().to_owned()),
                counterparty_name: name?.map(|n| n.to_string()),
                free_text: text?.map(|t| t.to_string()),
            })
        })();
        finish(v, parsed)
    }
}

#[derive(Serialize, ToSchema)]
pub struct PaymentView {
    id: Uuid,
    building_id: Uuid,
    value_date: NaiveDate,
    #[schema(value_type = f64)]
    amount: Box<RawValue>,
    communication: Option<String>,
    free_text: Option<String>,
    counterparty_iban: Option<String>,
    counterparty_name: Option<String>,
    bank_reference: Option<String>,
    import_id: Option<Uuid>,
    /// False while it waits in the reconciliation inbox.
    matched: bool,
    call_line_id: Option<Uuid>,
    owner_id: Option<Uuid>,
    /// communication, amount_and_iban or manual.
    matched_by: Option<String>,
    /// What it pays to each fund, in proportion to its line.
    #[schema(value_type = f64)]
    working: Box<RawValue>,
    #[schema(value_type = f64)]
    reserve: Box<RawValue>,
    created_at: DateTime<Utc>,
}

pub(crate) fn view(p: Payment) -> PaymentView {
    let a = p.allocation;
    PaymentView {
        id: p.id.as_uuid(),
        building_id: p.building_id.as_uuid(),
        value_date: p.value_date,
        amount: euros(p.amount),
        communication: p.communication.map(|c| c.to_string()),
        free_text: p.free_text,
        counterparty_iban: p.counterparty_iban,
        counterparty_name: p.counterparty_name,
        bank_reference: p.bank_reference,
        import_id: p.import_id.map(|i| i.as_uuid()),
        matched: a.is_some(),
        call_line_id: a.map(|a| a.line.as_uuid()),
        owner_id: a.map(|a| a.owner.as_uuid()),
        matched_by: a.map(|a| a.matched_by.as_str().to_owned()),
        working: euros(a.map_or(Cents::default(), |a| a.working)),
        reserve: euros(a.map_or(Cents::default(), |a| a.reserve)),
        created_at: p.created_at,
    }
}

#[derive(Deserialize)]
pub struct PaymentFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
    owner_id: Option<String>,
    /// `true`: only the reconciliation inbox.
    unmatched: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Payments received, newest first by default. `sort_by`: value_date.
#[utoipa::path(get, path = "/api/v1/payments", tag = "payments", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("owner_id" = Option<Uuid>, Query), ("unmatched" = Option<bool>, Query),
        ("from" = Option<String>, Query, format = Date, description = "Received from this day"),
        ("to" = Option<String>, Query, format = Date, description = "Received up to this day, included"),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^value_date$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<PaymentView>)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<PaymentFilters>) -> ApiResult<Json<Paged<PaymentView>>> {
    let mut v = Violations::new();
    let query = f.paging.parse(PaymentSort::ValueDate, PaymentSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let owner = query_id(&mut v, "owner_id", f.owner_id.as_deref());
    let unmatched = optional(&mut v, "unmatched", f.unmatched.as_deref(), crate::wire::parse_bool);
    let from = optional(&mut v, "from", f.from.as_deref(), parse_date);
    let to = optional(&mut v, "to", f.to.as_deref(), parse_date);
    let filter = (|| {
        Some(PaymentFilter {
            building: building?.map(BuildingId::from_uuid),
            owner: owner?.map(OwnerId::from_uuid),
            unmatched: unmatched?.unwrap_or(false),
            from: from?,
            to: to?,
        })
    })();
    let (query, filter) = finish(v, query.zip(filter))?;
    let page = app.payments(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, view)))
}

/// Records a payment by hand; it is matched like an imported one.
#[utoipa::path(post, path = "/api/v1/payments", tag = "payments", security(("bearer" = [])), request_body = PaymentBody,
    responses((status = 201, body = PaymentView)))]
async fn create(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<PaymentBody>,
) -> ApiResult<(StatusCode, Json<PaymentView>)> {
    let payment = app.record_payment(&auth.actor, body.parse()?).await?;
    Ok((StatusCode::CREATED, Json(view(payment))))
}

#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = PaymentView)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<PaymentView>> {
    Ok(Json(view(app.payment(&auth.actor, PaymentId::from_uuid(id)).await?)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    call_line_id: Option<Uuid>,
}

/// Takes a payment out of the reconciliation inbox onto a call line of its building.
#[utoipa::path(post, path = "/api/v1/payments/{id}/assign", tag = "payments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = AssignBody, responses((status = 200, body = PaymentView)))]
async fn assign(
    State(app): State<App>,
    auth: Authenticated,
    Id(id): Id,
    ApiJson(body): ApiJson<AssignBody>,
) -> ApiResult<Json<PaymentView>> {
    let mut v = Violations::new();
    let line = body_id(&mut v, "call_line_id", body.call_line_id);
    let line = finish(v, line)?;
    Ok(Json(view(app.assign_payment(&auth.actor, PaymentId::from_uuid(id), CallLineId::from_uuid(line)).await?)))
}

#[derive(Serialize, ToSchema)]
pub struct StatementView {
    import_id: Uuid,
    building_id: Uuid,
    account: String,
    statement_number: String,
    /// False when this file was imported before: nothing was added.
    new: bool,
    movements: u32,
    /// Payments added (money received, not seen in an earlier file).
    recorded: u32,
    matched: u32,
    /// Debits added (money paid out), and those that settle a paid expense.
    debits_recorded: u32,
    debits_matched: u32,
    /// Set when the statement does not open where the account's previous one
    /// closed (a statement missing between them): accepted, to be checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    opening_gap: Option<GapView>,
}

#[derive(Serialize, ToSchema)]
pub struct GapView {
    #[schema(value_type = f64)]
    previous_closing: Box<RawValue>,
    previous_date: NaiveDate,
    #[schema(value_type = f64)]
    opening: Box<RawValue>,
}

fn statement_view(r: ImportReport) -> StatementView {
    StatementView {
        import_id: r.outcome.import_id.as_uuid(),
        building_id: r.building_id.as_uuid(),
        account: r.account,
        statement_number: r.statement_number,
        new: r.outcome.new,
        movements: r.outcome.movement_count,
        recorded: r.outcome.recorded,
        matched: r.outcome.matched,
        debits_recorded: r.outcome.debits_recorded,
        debits_matched: r.outcome.debits_matched,
        opening_gap: r.gap.map(|g| GapView {
            previous_closing: euros(g.previous_closing),
            previous_date: g.previous_date,
            opening: euros(g.opening),
        }),
    }
}

/// Imports a bank statement file as sent by the bank: CODA (Febelfin, 128-character records) or
/// ISO 20022 camt.053 XML. One transaction per statement; the same file twice adds nothing; a
/// malformed file is refused with its line and the reason (field `file`).
#[utoipa::path(post, path = "/api/v1/bank-statements", tag = "payments", security(("bearer" = [])),
    request_body(content = String, content_type = "text/plain", description = "The file's bytes"),
    responses((status = 201, body = Vec<StatementView>)))]
async fn import(State(app): State<App>, auth: Authenticated, RawBody(body): RawBody) -> ApiResult<(StatusCode, Json<Vec<StatementView>>)> {
    let statements = koprogo_bank::parse(&body).map_err(|e| {
        ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, "file", e.problem.code(), &format!("The file was refused at {e}."))
    })?;
    let reports = app.import_statements(&auth.actor, &body, koprogo_bank::format_of(&body), statements).await?;
    Ok((StatusCode::CREATED, Json(reports.into_iter().map(statement_view).collect())))
}

#[derive(Serialize, ToSchema)]
pub struct PositionView {
    building_id: Uuid,
    owner_id: Uuid,
    owner_name: String,
    #[schema(value_type = f64)]
    called_working: Box<RawValue>,
    #[schema(value_type = f64)]
    called_reserve: Box<RawValue>,
    #[schema(value_type = f64)]
    paid_working: Box<RawValue>,
    #[schema(value_type = f64)]
    paid_reserve: Box<RawValue>,
    /// Still owed (negative: paid in advance).
    #[schema(value_type = f64)]
    balance_working: Box<RawValue>,
    #[schema(value_type = f64)]
    balance_reserve: Box<RawValue>,
    #[schema(value_type = f64)]
    balance: Box<RawValue>,
    /// Owed on lines past their due date.
    #[schema(value_type = f64)]
    overdue: Box<RawValue>,
}

fn position_view(p: OwnerPosition) -> PositionView {
    let q = p.position;
    PositionView {
        building_id: p.building_id.as_uuid(),
        owner_id: p.owner_id.as_uuid(),
        owner_name: p.owner_name,
        called_working: euros(q.called_working),
        called_reserve: euros(q.called_reserve),
        paid_working: euros(q.paid_working),
        paid_reserve: euros(q.paid_reserve),
        balance_working: euros(q.balance_working()),
        balance_reserve: euros(q.balance_reserve()),
        balance: euros(q.balance()),
        overdue: euros(q.overdue()),
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccountLineView {
    call_line_id: Uuid,
    call_id: Uuid,
    building_id: Uuid,
    title: String,
    due_date: NaiveDate,
    communication: String,
    #[schema(value_type = f64)]
    working: Box<RawValue>,
    #[schema(value_type = f64)]
    reserve: Box<RawValue>,
    /// When its call was cancelled: from then on it owes nothing.
    cancelled_at: Option<DateTime<Utc>>,
}

pub(crate) fn account_line_view(l: AccountLine) -> AccountLineView {
    AccountLineView {
        call_line_id: l.line.id.as_uuid(),
        call_id: l.line.call_id.as_uuid(),
        building_id: l.building_id.as_uuid(),
        title: l.title,
        due_date: l.due_date,
        communication: l.line.communication.to_string(),
        working: euros(l.line.working),
        reserve: euros(l.line.reserve),
        cancelled_at: l.cancelled_at,
    }
}

#[derive(Serialize, ToSchema)]
pub struct AccountView {
    owner_id: Uuid,
    /// One per building where the owner was called.
    positions: Vec<PositionView>,
    /// Every call line, oldest due first.
    calls: Vec<AccountLineView>,
    payments: Vec<PaymentView>,
}

/// An owner's account: calls minus payments, by fund, with the history.
#[utoipa::path(get, path = "/api/v1/owners/{id}/account", tag = "payments", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = AccountView)))]
async fn account(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<AccountView>> {
    let a = app.owner_account(&auth.actor, OwnerId::from_uuid(id)).await?;
    Ok(Json(AccountView {
        owner_id: a.owner_id.as_uuid(),
        positions: a.positions.into_iter().map(position_view).collect(),
        calls: a.lines.into_iter().map(account_line_view).collect(),
        payments: a.payments.into_iter().map(view).collect(),
    }))
}

#[derive(Deserialize)]
pub struct ArrearsFilter {
    building_id: Option<String>,
}

/// Every owner's position by building (an owner sees their own).
#[utoipa::path(get, path = "/api/v1/arrears", tag = "payments", security(("bearer" = [])), params(("building_id" = Option<Uuid>, Query)),
    responses((status = 200, body = Vec<PositionView>)))]
async fn arrears(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<ArrearsFilter>) -> ApiResult<Json<Vec<PositionView>>> {
    let mut v = Violations::new();
    let building = query_id(&mut v, "building_id", f.building_id.as_deref());
    let building = finish(v, building)?;
    let positions = app.arrears(&auth.actor, building.map(BuildingId::from_uuid)).await?;
    Ok(Json(positions.into_iter().map(position_view).collect()))
}
