//! General assemblies and their agenda (PostgreSQL migration 0017, SQLite
//! 0015). Changes are compare-and-set on the status, so two syndics acting at
//! once cannot both convene, or add to an agenda that has just been sent.

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::listing::AssemblySort;
use koprogo_app::ports::assemblies::{AssemblyFilter, AssemblyStore};
use koprogo_domain::assembly::meeting::Status;
use koprogo_domain::assembly::record::{AgendaItem, AgendaItemDetails, Assembly};
use koprogo_domain::ids::{AgendaItemId, AssemblyId};
use koprogo_store_sql::assemblies::*;
use koprogo_store_sql::prelude::*;

impl Adapter {
    /// Commits a compare-and-set that changed its row; otherwise (the
    /// assembly moved on meanwhile) nothing of the transaction is kept.
    async fn kept(tx: sqlx::Transaction<'static, Db>, rows: u64, events: Events) -> StoreResult<bool> {
        if rows == 0 {
            return Ok(false);
        }
        Self::commit(tx, events).await.map(|()| true)
    }
}

#[async_trait::async_trait]
impl AssemblyStore for Adapter {
    async fn insert_assembly(&self, tenant: TenantId, assembly: &Assembly, events: Events) -> StoreResult<bool> {
        let d = &assembly.details;
        let mut tx = self.begin(tenant).await?;
        let inserted = sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO assemblies (organization_id, {ASSEMBLY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        )))
        .bind(tenant.as_uuid())
        .bind(assembly.id.as_uuid())
        .bind(d.building_id.as_uuid())
        .bind(d.kind.as_str())
        .bind(assembly.status.as_str())
        .bind(d.meets_at)
        .bind(d.place.as_str())
        .bind(d.remote.as_ref().map(|r| r.means.as_str().to_owned()))
        .bind(d.remote.as_ref().map(|r| r.identity_check.as_str().to_owned()))
        .bind(d.follows.map(AssemblyId::as_uuid))
        .bind(assembly.created_at)
        .bind(assembly.updated_at)
        .execute(&mut *tx)
        .await;
        match inserted.map_err(|e| unique_or(e, "assembly.exists")) {
            Ok(_) => Self::commit(tx, events).await.map(|()| true),
            Err(StoreError::Conflict("unknown_reference")) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn assembly(&self, tenant: TenantId, id: AssemblyId) -> StoreResult<Option<Assembly>> {
        let row: Option<AssemblyRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {ASSEMBLY_COLUMNS} FROM assemblies WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Assembly::try_from).transpose()?)
    }

    async fn assemblies(
        &self,
        tenant: TenantId,
        query: &ListQuery<AssemblySort>,
        filter: &AssemblyFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Assembly>> {
        let plain = *visible == Visibility::default() && *filter == AssemblyFilter::default();
        let source = plain.then(|| Total::Counter("assemblies".to_owned()));
        let filters = |qb: &mut QueryBuilder<Db>| {
            if let Some(b) = filter.building {
                qb.push(" AND building_id = ").push_bind(b.as_uuid());
            }
            push_visible_buildings(qb, "building_id", visible);
        };
        let list = List { table: "assemblies", columns: ASSEMBLY_COLUMNS, filters, order: "meets_at", total: source };
        let (rows, total): (Vec<AssemblyRow>, u64) = self.list(tenant, query, list).await?;
        Ok(Page { items: rows.into_iter().map(Assembly::try_from).collect::<Result<_, _>>()?, total })
    }

    async fn update_assembly(&self, tenant: TenantId, assembly: &Assembly, status: Status, events: Events) -> StoreResult<bool> {
        let d = &assembly.details;
        let mut tx = self.begin(tenant).await?;
        let done = sqlx::query(
            r"
                UPDATE assemblies SET meets_at = $1, place = $2, remote_means = $3, identity_check = $4, updated_at = $5
                WHERE organization_id = $6 AND id = $7 AND status = $8",
        )
        .bind(d.meets_at)
        .bind(d.place.as_str())
        .bind(d.remote.as_ref().map(|r| r.means.as_str().to_owned()))
        .bind(d.remote.as_ref().map(|r| r.identity_check.as_str().to_owned()))
        .bind(assembly.updated_at)
        .bind(tenant.as_uuid())
        .bind(assembly.id.as_uuid())
        .bind(status.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::kept(tx, done.rows_affected(), events).await
    }

    async fn move_assembly(
        &self,
        tenant: TenantId,
        id: AssemblyId,
        (from, to): (Status, Status),
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let done = sqlx::query("UPDATE assemblies SET status = $1, updated_at = $2 WHERE organization_id = $3 AND id = $4 AND status = $5")
            .bind(to.as_str())
            .bind(at)
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .bind(from.as_str())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::kept(tx, done.rows_affected(), events).await
    }

    async fn add_agenda_item(
        &self,
        tenant: TenantId,
        assembly: AssemblyId,
        id: AgendaItemId,
        details: &AgendaItemDetails,
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<Option<AgendaItem>> {
        let mut tx = self.begin(tenant).await?;
        // The assembly's row is locked (its updated_at moves), so two items
        // added at once take numbers one after the other.
        let draft = sqlx::query("UPDATE assemblies SET updated_at = $1 WHERE organization_id = $2 AND id = $3 AND status = 'draft'")
            .bind(at)
            .bind(tenant.as_uuid())
            .bind(assembly.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if draft.rows_affected() == 0 {
            return Ok(None);
        }
        let last: Option<i32> = sqlx::query_scalar("SELECT MAX(number) FROM agenda_items WHERE organization_id = $1 AND assembly_id = $2")
            .bind(tenant.as_uuid())
            .bind(assembly.as_uuid())
            .fetch_one(&mut *tx)
            .await
            .map_err(db_error)?;
        let number = last.unwrap_or(0) + 1;
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO agenda_items (organization_id, {AGENDA_COLUMNS}, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .bind(assembly.as_uuid())
        .bind(number)
        .bind(details.title.as_str())
        .bind(details.resolution.as_str())
        .bind(details.kind.as_str())
        .bind(details.special_reasons.as_ref().map(|r| r.as_str().to_owned()))
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, "agenda_item.exists"))?;
        Self::commit(tx, events).await?;
        let number = u32::try_from(number).map_err(|e| StoreError::Internal(anyhow::anyhow!("agenda number: {e}")))?;
        Ok(Some(AgendaItem { id, assembly_id: assembly, number, details: details.clone() }))
    }

    async fn agenda(&self, tenant: TenantId, assembly: AssemblyId) -> StoreResult<Vec<AgendaItem>> {
        let rows: Vec<AgendaRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {AGENDA_COLUMNS} FROM agenda_items WHERE organization_id = $1 AND assembly_id = $2 ORDER BY number"
        )))
        .bind(tenant.as_uuid())
        .bind(assembly.as_uuid())
        .fetch_all(&mut *self.reader(tenant).await?)
        .await
        .map_err(db_error)?;
        Ok(rows.into_iter().map(AgendaItem::try_from).collect::<Result<_, _>>()?)
    }
}
