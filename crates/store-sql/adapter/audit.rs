//! The audit trail (PostgreSQL migration 0006, SQLite 0005): appending after
//! the chain head in the caller's transaction (in one statement when this
//! process knows the head, else under its row lock), and reading chains.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::listing::AuditSort;
use koprogo_app::ports::audit::{AuditFilter, AuditStore};
use koprogo_domain::audit::{ChainedEvent, EventBody, GENESIS, link};
use koprogo_store_sql::audit::*;
use koprogo_store_sql::prelude::*;
type Conn = <Db as sqlx::Database>::Connection;

impl Adapter {
    /// Appends to each event's chain: one event after the head this
    /// process last saw in one statement; otherwise (or when that head
    /// has moved) the locking path.
    pub(super) async fn append_events(c: &mut Conn, events: Vec<EventBody>) -> StoreResult<()> {
        for (organization, mut events) in by_chain(events) {
            if events.len() == 1 {
                match Self::append_after_hint(c, organization, events.remove(0)).await? {
                    None => continue,
                    Some(body) => events.push(body),
                }
            }
            Self::append_locked(c, organization, events).await?;
        }
        Ok(())
    }

    /// One event after the hinted head, if the head is still there;
    /// gives the event back when there is no hint or it is stale.
    /// `LOCKS_HEAD` takes the head's row lock first (PostgreSQL), in
    /// the same order as the locking path, so two writers never wait
    /// on each other crosswise; a head that moved while waiting fails
    /// the check. (No `ON CONFLICT`: under row-level security it
    /// would need to read other chains.)
    pub(super) async fn append_after_hint(c: &mut Conn, organization: Uuid, body: EventBody) -> StoreResult<Option<EventBody>> {
        let Some(hint) = head_hint(organization) else { return Ok(Some(body)) };
        let e = link((hint.0 > 0).then_some((hint.0, hint.1.as_str())), body);
        let mut qb = QueryBuilder::<Db>::new(format!("INSERT INTO audit_events ({AUDIT_COLUMNS}) SELECT "));
        Self::push_event(&mut qb.separated(", "), organization, &e);
        qb.push(" WHERE EXISTS (SELECT 1 FROM audit_heads WHERE organization_id = ").push_bind(organization);
        qb.push(" AND seq = ").push_bind(int(hint.0)).push(" AND hash = ").push_bind(hint.1.clone());
        qb.push(Self::LOCKS_HEAD).push(")");
        let appended = qb.build().execute(&mut *c).await.map_err(db_error)?.rows_affected();
        if appended == 1 {
            remember_head(organization, (e.seq, e.hash));
            return Ok(None);
        }
        Ok(Some(e.body))
    }

    pub(super) fn push_event(b: &mut sqlx::query_builder::Separated<'_, Db, &'static str>, organization: Uuid, e: &ChainedEvent) {
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
    }

    /// The head read under a row lock (taken by the upsert), the events
    /// linked after it; the insert's trigger moves the head.
    pub(super) async fn append_locked(c: &mut Conn, organization: Uuid, events: Vec<EventBody>) -> StoreResult<()> {
        let (seq, hash): (i64, String) = sqlx::query_as(
            r"
                INSERT INTO audit_heads (organization_id, seq, hash)
                VALUES ($1, 0, $2)
                ON CONFLICT (organization_id) DO UPDATE SET seq = audit_heads.seq
                RETURNING seq, hash",
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
            qb.push_values(chunk, |mut b, e| Self::push_event(&mut b, organization, e));
            qb.build().execute(&mut *c).await.map_err(db_error)?;
        }
        // A trigger moves the head with each event (migration 0006 / 0005).
        remember_head(organization, head);
        Ok(())
    }

    /// Commits, after appending the events the use case wrote about this change.
    pub(super) async fn commit(mut tx: sqlx::Transaction<'static, Db>, events: Vec<EventBody>) -> StoreResult<()> {
        let started = std::time::Instant::now();
        let chains = events.iter().map(|e| e.organization).collect();
        let _gates = enter_chains(chains)
            .await
            .ok_or_else(|| StoreError::Unavailable(koprogo_store_sql::anyhow::anyhow!("the audit chain stayed busy; try again")))?;
        if !events.is_empty() {
            Self::append_events(&mut tx, events).await?;
        }
        tx.commit().await.map_err(db_error)?;
        koprogo_store_sql::timing::COMMIT.record(started);
        Ok(())
    }

    pub(super) async fn audit_reader(&self, organization: Uuid) -> StoreResult<sqlx::pool::PoolConnection<Db>> {
        if organization.is_nil() {
            self.platform().acquire().await.map_err(db_error)
        } else {
            self.reader(TenantId::from_uuid(organization)).await
        }
    }
}

#[async_trait::async_trait]
impl AuditStore for Adapter {
    async fn append(&self, events: Vec<EventBody>) -> StoreResult<()> {
        for (organization, events) in by_chain(events) {
            let tx =
                if organization.is_nil() { self.begin_platform().await? } else { self.begin(TenantId::from_uuid(organization)).await? };
            Self::commit(tx, events).await?;
        }
        Ok(())
    }

    async fn events(&self, organization: Uuid, query: &ListQuery<AuditSort>, filter: &AuditFilter) -> StoreResult<Page<ChainedEvent>> {
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
        qb.push(format_args!(" ORDER BY seq {dir}"));
        push_page(&mut qb, query.per_page, query.offset());
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
