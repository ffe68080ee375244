//! Units: each write locks its building row first, so that the quota rule is
//! checked on figures no concurrent writer can change; triggers then move the
//! building's unit count and allocated quota (migration 0002).

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_store_sql::prelude::*;
type Tx = sqlx::Transaction<'static, Db>;

/// Locks the building row for the transaction; yields (quota base, allocated quota).
async fn lock_building(tx: &mut Tx, tenant: TenantId, building: BuildingId) -> StoreResult<Option<(u32, u64)>> {
    let row = sqlx::query(
        "UPDATE buildings SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING quota_base, allocated_quota",
    )
    .bind(tenant.as_uuid())
    .bind(building.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    let (base, allocated): (i64, i64) = (row.try_get(0).map_err(db_error)?, row.try_get(1).map_err(db_error)?);
    Ok(Some((u32::try_from(base).unwrap_or(u32::MAX), u64::try_from(allocated).unwrap_or(0))))
}

fn select(tenant: TenantId) -> QueryBuilder<Db> {
    let mut qb = QueryBuilder::new(format!("SELECT {UNIT_COLUMNS} FROM units WHERE organization_id = "));
    qb.push_bind(tenant.as_uuid());
    qb
}

fn push_filters(qb: &mut QueryBuilder<Db>, building: Option<BuildingId>, visible: &Visibility) {
    if let Some(building) = building {
        qb.push(" AND building_id = ").push_bind(building.as_uuid());
    }
    push_visible_buildings(qb, "building_id", visible);
    if let Some(ids) = &visible.units {
        push_in(qb, "id", &ids.iter().map(|u| u.as_uuid()).collect::<Vec<_>>());
    }
}

#[async_trait::async_trait]
impl UnitStore for Adapter {
    async fn insert_unit(&self, tenant: TenantId, unit: &Unit, fits: QuotaCheck<'_>, events: Events) -> StoreResult<bool> {
        let d = &unit.details;
        let mut tx = self.begin(tenant).await?;
        let Some((base, allocated)) = lock_building(&mut tx, tenant, d.building_id).await? else { return Ok(false) };
        fits(base, allocated)?;
        sqlx::query(
            r"
                INSERT INTO units (organization_id, id, building_id, unit_number, unit_type, floor, surface_hundredths, quota, created_at,
                updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(tenant.as_uuid())
        .bind(unit.id.as_uuid())
        .bind(d.building_id.as_uuid())
        .bind(d.number.to_string())
        .bind(d.kind.as_str())
        .bind(d.floor)
        .bind(d.surface.map(|s| i64::from(s.hundredths())))
        .bind(i64::from(d.quota.get()))
        .bind(unit.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, "unit.number_taken"))?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn unit(&self, tenant: TenantId, id: UnitId) -> StoreResult<Option<Unit>> {
        let mut qb = select(tenant);
        qb.push(" AND id = ").push_bind(id.as_uuid());
        let row: Option<UnitRow> = qb.build_query_as().fetch_optional(&mut *self.reader(tenant).await?).await.map_err(db_error)?;
        Ok(row.map(Unit::try_from).transpose()?)
    }

    async fn units(
        &self,
        tenant: TenantId,
        query: &ListQuery<UnitSort>,
        building: Option<BuildingId>,
        visible: &Visibility,
    ) -> StoreResult<Page<Unit>> {
        let source = match building {
            _ if *visible != Visibility::default() => None,
            Some(building) => Some(Total::OfBuilding("unit_count", building.as_uuid())),
            None => Some(Total::Counter("units".to_owned())),
        };
        let column = match query.sort {
            UnitSort::Number => "unit_number",
            UnitSort::Floor => "floor",
            UnitSort::Quota => "quota",
            UnitSort::CreatedAt => "created_at",
        };
        let filters = |qb: &mut QueryBuilder<Db>| {
            push_filters(qb, building, visible);
        };
        let list = List { table: "units", columns: UNIT_COLUMNS, filters, order: column, total: source };
        let (rows, total): (Vec<UnitRow>, u64) = self.list(tenant, query, list).await?;
        let items = rows.into_iter().map(Unit::try_from).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn update_unit(&self, tenant: TenantId, unit: &Unit, fits: QuotaCheck<'_>, events: Events) -> StoreResult<bool> {
        let d = &unit.details;
        let mut tx = self.begin(tenant).await?;
        let Some((base, allocated)) = lock_building(&mut tx, tenant, d.building_id).await? else { return Ok(false) };
        let old: Option<i64> = sqlx::query_scalar("SELECT quota FROM units WHERE organization_id = $1 AND id = $2 AND building_id = $3")
            .bind(tenant.as_uuid())
            .bind(unit.id.as_uuid())
            .bind(d.building_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        let Some(old) = old else { return Ok(false) };
        fits(base, allocated.saturating_sub(u64::try_from(old).unwrap_or(0)))?;
        sqlx::query(
            r"
                UPDATE units
                SET unit_number = $1, unit_type = $2, floor = $3, surface_hundredths = $4, quota = $5, updated_at = $6
                WHERE organization_id = $7 AND id = $8",
        )
        .bind(d.number.to_string())
        .bind(d.kind.as_str())
        .bind(d.floor)
        .bind(d.surface.map(|s| i64::from(s.hundredths())))
        .bind(i64::from(d.quota.get()))
        .bind(Utc::now())
        .bind(tenant.as_uuid())
        .bind(unit.id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, "unit.number_taken"))?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn delete_unit(&self, tenant: TenantId, id: UnitId, events: Events) -> StoreResult<bool> {
        let Some(unit) = self.unit(tenant, id).await? else { return Ok(false) };
        let building = unit.details.building_id;
        let mut tx = self.begin(tenant).await?;
        if lock_building(&mut tx, tenant, building).await?.is_none() {
            return Ok(false);
        }
        let held: Option<i64> =
            sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM ownerships WHERE organization_id = $1 AND unit_id = $2 LIMIT 1")
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if held.is_some() {
            return Err(StoreError::Conflict("unit.has_ownerships"));
        }
        let deleted: Option<Uuid> = sqlx::query_scalar("DELETE FROM units WHERE organization_id = $1 AND id = $2 RETURNING id")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if deleted.is_none() {
            return Ok(false);
        }
        Self::commit(tx, events).await?;
        Ok(true)
    }
}
