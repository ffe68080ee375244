//! The organisation's audit trail for its syndic: `/audit` (browse and
//! filter), `/audit.csv` (export), `/audit/verify` (recompute the chain) and
//! `/audit/head` (the chain's head signed by the service, to keep outside).

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::audit::anchor::SignedHead;
use koprogo_app::listing::AuditSort;
use koprogo_app::ports::audit::AuditFilter;
use koprogo_domain::audit::{ChainedEvent, Outcome};
use koprogo_domain::error::Violations;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, Authenticated};
use crate::wire::{Paged, Paging, finish, optional, query_id};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list)).routes(routes!(csv)).routes(routes!(head)).routes(routes!(verify))
}

#[derive(Deserialize)]
pub struct AuditFilters {
    #[serde(flatten)]
    paging: Paging,
    action: Option<String>,
    object_type: Option<String>,
    object_id: Option<String>,
    actor: Option<String>,
    outcome: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn instant(raw: &str) -> Result<DateTime<Utc>, koprogo_domain::Invalid> {
    DateTime::parse_from_rfc3339(raw.trim()).map(|t| t.with_timezone(&Utc)).or_else(|_| {
        crate::wire::parse_date(raw)
            .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
            .map_err(|_| koprogo_domain::Invalid::Date)
    })
}

impl AuditFilters {
    fn parse(&self, v: &mut Violations) -> Option<AuditFilter> {
        let text = |raw: &Option<String>| raw.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        let object_id = query_id(v, "object_id", self.object_id.as_deref());
        let actor = query_id(v, "actor", self.actor.as_deref());
        let outcome = optional(v, "outcome", self.outcome.as_deref(), Outcome::parse);
        let from = optional(v, "from", self.from.as_deref(), instant);
        let to = optional(v, "to", self.to.as_deref(), instant);
        Some(AuditFilter {
            action: text(&self.action),
            object_type: text(&self.object_type),
            object_id: object_id?,
            actor: actor?,
            outcome: outcome?,
            from: from?,
            to: to?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChangeView {
    field: String,
    /// "•personal" where a personal value was (the trail never holds it).
    before: Option<String>,
    after: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEventView {
    seq: u64,
    at: DateTime<Utc>,
    actor_user: Option<Uuid>,
    actor_role: Option<String>,
    action: String,
    object_type: String,
    object_id: Option<Uuid>,
    outcome: String,
    request_id: String,
    source_ip: String,
    changes: Vec<ChangeView>,
    prev_hash: String,
    hash: String,
}

pub(crate) fn view(e: ChainedEvent) -> AuditEventView {
    let b = e.body;
    AuditEventView {
        seq: e.seq,
        at: b.at,
        actor_user: b.actor_user,
        actor_role: b.actor_role,
        action: b.action,
        object_type: b.object_type,
        object_id: b.object_id,
        outcome: b.outcome.as_str().to_owned(),
        request_id: b.request_id,
        source_ip: b.source_ip,
        changes: b.changes.into_iter().map(|c| ChangeView { field: c.field, before: c.before, after: c.after }).collect(),
        prev_hash: e.prev_hash,
        hash: e.hash,
    }
}

/// The organisation's audit trail, newest first by default. `sort_by`: seq.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = [])),
    params(("action" = Option<String>, Query), ("object_type" = Option<String>, Query), ("object_id" = Option<Uuid>, Query),
        ("actor" = Option<Uuid>, Query), ("outcome" = Option<String>, Query, pattern = "^(success|denied|failed)$"),
        ("from" = Option<String>, Query, format = DateTime), ("to" = Option<String>, Query, format = DateTime),
        ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^seq$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<AuditEventView>)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<AuditFilters>) -> ApiResult<Json<Paged<AuditEventView>>> {
    let mut v = Violations::new();
    let filter = f.parse(&mut v);
    let mut paging = f.paging;
    paging.order = paging.order.or_else(|| Some("desc".to_owned()));
    let query = paging.parse(AuditSort::Seq, AuditSort::parse, &mut v);
    let (query, filter) = finish(v, query.zip(filter))?;
    let page = app.audit_events(&auth.actor, &query, &filter).await?;
    Ok(Json(Paged::new(page, &query, view)))
}

/// The trail as CSV (oldest first, every matching event), for an auditor or a spreadsheet.
#[utoipa::path(get, path = "/api/v1/audit.csv", tag = "audit", security(("bearer" = [])),
    params(("action" = Option<String>, Query), ("object_type" = Option<String>, Query), ("object_id" = Option<Uuid>, Query),
        ("actor" = Option<Uuid>, Query), ("outcome" = Option<String>, Query, pattern = "^(success|denied|failed)$"),
        ("from" = Option<String>, Query, format = DateTime), ("to" = Option<String>, Query, format = DateTime)),
    responses((status = 200, content_type = "text/csv", body = String)))]
async fn csv(State(app): State<App>, auth: Authenticated, ApiQuery(f): ApiQuery<AuditFilters>) -> ApiResult<Response> {
    let mut v = Violations::new();
    let filter = f.parse(&mut v);
    let filter = finish(v, filter)?;
    let events = app.export_audit(&auth.actor, &filter).await?;
    let text = audit_csv(&events).map_err(|e| ApiError::from(koprogo_app::AppError::Internal(e)))?;
    Ok(super::statements::file(text.into_bytes(), "text/csv; charset=utf-8", "journal-audit.csv"))
}

/// One field's change as the page and the CSV write it: `field: before → after`, `∅` for none.
pub(crate) fn change_text(c: &koprogo_domain::audit::Change) -> String {
    format!("{}: {} → {}", c.field, c.before.as_deref().unwrap_or("∅"), c.after.as_deref().unwrap_or("∅"))
}

/// The events as CSV rows; the hashes let anyone recompute the chain.
pub fn audit_csv(events: &[ChainedEvent]) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "seq",
        "at",
        "actor_user",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "outcome",
        "request_id",
        "source_ip",
        "changes",
        "prev_hash",
        "hash",
    ])?;
    for e in events {
        let b = &e.body;
        let changes: Vec<String> = b.changes.iter().map(change_text).collect();
        out.write_record(
            [
                e.seq.to_string(),
                b.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
                b.actor_user.map(|u| u.to_string()).unwrap_or_default(),
                b.actor_role.clone().unwrap_or_default(),
                b.action.clone(),
                b.object_type.clone(),
                b.object_id.map(|u| u.to_string()).unwrap_or_default(),
                b.outcome.as_str().to_owned(),
                b.request_id.clone(),
                b.source_ip.clone(),
                changes.join("; "),
                e.prev_hash.clone(),
                e.hash.clone(),
            ]
            .iter()
            .map(|cell| crate::wire::spreadsheet_safe(cell).into_owned()),
        )?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct SignedHeadView {
    pub organization: Uuid,
    /// The number of the chain's last event (0: empty).
    pub seq: u64,
    pub hash: String,
    pub at: DateTime<Utc>,
    /// Ed25519, hex.
    pub public_key: String,
    pub signature: String,
}

impl From<SignedHead> for SignedHeadView {
    fn from(h: SignedHead) -> Self {
        Self { organization: h.organization, seq: h.seq, hash: h.hash, at: h.at, public_key: h.public_key, signature: h.signature }
    }
}

impl From<SignedHeadView> for SignedHead {
    fn from(h: SignedHeadView) -> Self {
        Self { organization: h.organization, seq: h.seq, hash: h.hash, at: h.at, public_key: h.public_key, signature: h.signature }
    }
}

/// The chain's head signed by the service: keep it outside KoproGo (mail it,
/// print it); `koprogo audit verify --anchor` later proves the chain still holds it.
#[utoipa::path(get, path = "/api/v1/audit/head", tag = "audit", security(("bearer" = [])), responses((status = 200, body = SignedHeadView)))]
async fn head(State(app): State<App>, auth: Authenticated) -> ApiResult<Json<SignedHeadView>> {
    Ok(Json(app.signed_head(&auth.actor).await?.into()))
}

#[derive(Serialize, ToSchema)]
pub struct VerificationView {
    /// True when every event's hash holds and links to the one before.
    intact: bool,
    events: u64,
    head: Option<String>,
    /// The first event that does not verify, and why.
    broken_at: Option<u64>,
    reason: Option<String>,
}

/// Recomputes the organisation's chain from its first event.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = [])), responses((status = 200, body = VerificationView)))]
async fn verify(State(app): State<App>, auth: Authenticated) -> ApiResult<Json<VerificationView>> {
    let report = app.verify_own_chain(&auth.actor).await?;
    Ok(Json(VerificationView {
        intact: report.broken.is_none(),
        events: report.events,
        head: report.head,
        broken_at: report.broken.as_ref().map(|b| b.seq),
        reason: report.broken.map(|b| b.reason.to_owned()),
    }))
}
