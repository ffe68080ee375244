//! The audit trail (PostgreSQL migration 0006, SQLite 0005): appending under
//! the chain head's lock, in the caller's transaction, and reading chains.

use koprogo_domain::audit::{ChainedEvent, Change, EventBody, Outcome};
use uuid::Uuid;

pub const AUDIT_COLUMNS: &str = "organization_id, seq, at, actor_user, actor_role, action, object_type, object_id, outcome, request_id, \
     source_ip, changes, prev_hash, hash";

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub organization_id: Uuid,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_user: Option<Uuid>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<Uuid>,
    pub outcome: String,
    pub request_id: String,
    pub source_ip: String,
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
}

/// `[["field", before, after], …]`: the changes as stored.
pub fn changes_text(changes: &[Change]) -> String {
    let rows: Vec<(&str, Option<&str>, Option<&str>)> =
        changes.iter().map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref())).collect();
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned())
}

impl TryFrom<AuditRow> for ChainedEvent {
    type Error = anyhow::Error;

    fn try_from(row: AuditRow) -> anyhow::Result<Self> {
        let changes: Vec<(String, Option<String>, Option<String>)> = serde_json::from_str(&row.changes)?;
        Ok(ChainedEvent {
            seq: u64::try_from(row.seq)?,
            prev_hash: row.prev_hash,
            hash: row.hash,
            body: EventBody {
                at: row.at,
                organization: row.organization_id,
                actor_user: row.actor_user,
                actor_role: row.actor_role,
                action: row.action,
                object_type: row.object_type,
                object_id: row.object_id,
                outcome: Outcome::parse(&row.outcome).map_err(|e| anyhow::anyhow!("stored outcome: {e}"))?,
                request_id: row.request_id,
                source_ip: row.source_ip,
                changes: changes.into_iter().map(|(field, before, after)| Change { field, before, after }).collect(),
            },
        })
    }
}

/// Events grouped by chain, in the order they were recorded.
pub fn by_chain(events: Vec<EventBody>) -> Vec<(Uuid, Vec<EventBody>)> {
    let mut chains: Vec<(Uuid, Vec<EventBody>)> = Vec::new();
    for event in events {
        match chains.iter_mut().find(|(org, _)| *org == event.organization) {
            Some((_, list)) => list.push(event),
            None => chains.push((event.organization, vec![event])),
        }
    }
    chains
}

#[doc(hidden)]
#[macro_export]
macro_rules! audit_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use koprogo_app::listing::AuditSort;
            use koprogo_app::ports::audit::{AuditFilter, AuditStore};
            use koprogo_domain::audit::{ChainedEvent, EventBody, GENESIS, link};
            use $crate::audit::*;
            use $crate::prelude::*;
            use $crate::sqlx;

            type Db = $db;
            type Conn = <Db as sqlx::Database>::Connection;

            impl $store {
                /// Appends to each event's chain: the head is read under a row
                /// lock (taken by the upsert), the events linked after it; the
                /// insert's trigger moves the head. Two statements per chain.
                async fn append_events(c: &mut Conn, events: Vec<EventBody>) -> StoreResult<()> {
                    for (organization, events) in by_chain(events) {
                        let (seq, hash): (i64, String) = sqlx::query_as(
                            "INSERT INTO audit_heads (organization_id, seq, hash) VALUES ($1, 0, $2) \
                             ON CONFLICT (organization_id) DO UPDATE SET seq = audit_heads.seq RETURNING seq, hash",
                        )
                        .bind(organization)
                        .bind(GENESIS)
                        .fetch_one(&mut *c)
                        .await
                        .map_err(db_error)?;
                        let mut head = (u64::try_from(seq).unwrap_or(0), hash);
                        let mut chained = Vec::with_capacity(events.len());
                        for body in events {
                            let previous = (head.0 > 0).then_some((head.0, head.1.as_str()));
                            let event = link(previous, body);
                            head = (event.seq, event.hash.clone());
                            chained.push(event);
                        }
                        for chunk in chained.chunks(200) {
                            let mut qb = QueryBuilder::<Db>::new(format!("INSERT INTO audit_events ({AUDIT_COLUMNS}) "));
                            qb.push_values(chunk, |mut b, e| {
                                b.push_bind(organization)
                                    .push_bind(int(e.seq))
                                    .push_bind(e.body.at)
                                    .push_bind(e.body.actor_user)
                                    .push_bind(e.body.actor_role.clone())
                                    .push_bind(e.body.action.clone())
                                    .push_bind(e.body.object_type.clone())
                                    .push_bind(e.body.object_id)
                                    .push_bind(e.body.outcome.as_str())
                                    .push_bind(e.body.request_id.clone())
                                    .push_bind(e.body.source_ip.clone())
                                    .push_bind(changes_text(&e.body.changes))
                                    .push_bind(e.prev_hash.clone())
                                    .push_bind(e.hash.clone());
                            });
                            qb.build().execute(&mut *c).await.map_err(db_error)?;
                        }
                        // A trigger moves the head with each event (migration 0006 / 0005).
                    }
                    Ok(())
                }

                /// Commits, after appending the audit events the use case recorded for this change.
                async fn commit(mut tx: sqlx::Transaction<'static, Db>) -> StoreResult<()> {
                    let started = std::time::Instant::now();
                    let events = koprogo_app::audit::take_pending();
                    if !events.is_empty() {
                        Self::append_events(&mut *tx, events).await?;
                    }
                    tx.commit().await.map_err(db_error)?;
                    $crate::timing::COMMIT.record(started);
                    Ok(())
                }

                async fn audit_reader(&self, organization: Uuid) -> StoreResult<sqlx::pool::PoolConnection<Db>> {
                    if organization.is_nil() {
                        self.platform().acquire().await.map_err(db_error)
                    } else {
                        self.reader(TenantId::from_uuid(organization)).await
                    }
                }
            }

            #[$crate::async_trait::async_trait]
            impl AuditStore for $store {
                async fn append(&self, events: Vec<EventBody>) -> StoreResult<()> {
                    for (organization, events) in by_chain(events) {
                        let mut tx = if organization.is_nil() {
                            self.begin_platform().await?
                        } else {
                            self.begin(TenantId::from_uuid(organization)).await?
                        };
                        Self::append_events(&mut *tx, events).await?;
                        tx.commit().await.map_err(db_error)?;
                    }
                    Ok(())
                }

                async fn events(
                    &self,
                    organization: Uuid,
                    query: &ListQuery<AuditSort>,
                    filter: &AuditFilter,
                ) -> StoreResult<Page<ChainedEvent>> {
                    let plain = *filter == AuditFilter::default();
                    let filters = |qb: &mut QueryBuilder<Db>| {
                        if let Some(action) = &filter.action {
                            qb.push(" AND action = ").push_bind(action.clone());
                        }
                        if let Some(kind) = &filter.object_type {
                            qb.push(" AND object_type = ").push_bind(kind.clone());
                        }
                        if let Some(id) = filter.object_id {
                            qb.push(" AND object_id = ").push_bind(id);
                        }
                        if let Some(actor) = filter.actor {
                            qb.push(" AND actor_user = ").push_bind(actor);
                        }
                        if let Some(outcome) = filter.outcome {
                            qb.push(" AND outcome = ").push_bind(outcome.as_str());
                        }
                        if let Some(from) = filter.from {
                            qb.push(" AND at >= ").push_bind(from);
                        }
                        if let Some(to) = filter.to {
                            qb.push(" AND at < ").push_bind(to);
                        }
                    };
                    let mut c = self.audit_reader(organization).await?;
                    let mut qb = QueryBuilder::<Db>::new(format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE organization_id = "));
                    qb.push_bind(organization);
                    filters(&mut qb);
                    let dir = direction(query);
                    qb.push(format_args!(" ORDER BY seq {dir} LIMIT ")).push_bind(int(query.per_page));
                    qb.push(" OFFSET ").push_bind(int(query.offset()));
                    let rows: Vec<AuditRow> = qb.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
                    let total: i64 = if plain {
                        sqlx::query_scalar("SELECT COALESCE(MAX(seq), 0) FROM audit_heads WHERE organization_id = $1")
                            .bind(organization)
                            .fetch_one(&mut *c)
                            .await
                            .map_err(db_error)?
                    } else {
                        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM audit_events WHERE organization_id = ");
                        count.push_bind(organization);
                        filters(&mut count);
                        count.build_query_scalar().fetch_one(&mut *c).await.map_err(db_error)?
                    };
                    let items = rows.into_iter().map(ChainedEvent::try_from).collect::<Result<_, _>>()?;
                    Ok(Page { items, total: u64::try_from(total).unwrap_or(0) })
                }

                async fn chain(&self, organization: Uuid, after: u64, limit: u32) -> StoreResult<Vec<ChainedEvent>> {
                    let rows: Vec<AuditRow> = sqlx::query_as(AssertSqlSafe(format!(
                        "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE organization_id = $1 AND seq > $2 ORDER BY seq LIMIT $3"
                    )))
                    .bind(organization)
                    .bind(int(after))
                    .bind(i64::from(limit))
                    .fetch_all(&mut *self.audit_reader(organization).await?)
                    .await
                    .map_err(db_error)?;
                    Ok(rows.into_iter().map(ChainedEvent::try_from).collect::<Result<_, _>>()?)
                }

                async fn head(&self, organization: Uuid) -> StoreResult<Option<(u64, String)>> {
                    let head: Option<(i64, String)> = sqlx::query_as("SELECT seq, hash FROM audit_heads WHERE organization_id = $1")
                        .bind(organization)
                        .fetch_optional(&mut *self.audit_reader(organization).await?)
                        .await
                        .map_err(db_error)?;
                    Ok(head.filter(|(seq, _)| *seq > 0).map(|(seq, hash)| (u64::try_from(seq).unwrap_or(0), hash)))
                }

                async fn chains(&self) -> StoreResult<Vec<Uuid>> {
                    let ids: Vec<Uuid> = sqlx::query_scalar("SELECT organization_id FROM audit_heads ORDER BY organization_id")
                        .fetch_all(self.platform())
                        .await
                        .map_err(db_error)?;
                    Ok(ids)
                }
            }
        };
    };
}
