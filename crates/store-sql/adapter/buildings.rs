//! Buildings: rows kept with their unit count, allocated quota and expense
//! count, which triggers move with the units and expenses (migration 0002).

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_store_sql::prelude::*;

fn bind_details(
    query: sqlx::query::Query<'static, Db, <Db as Database>::Arguments>,
    b: &Building,
) -> sqlx::query::Query<'static, Db, <Db as Database>::Arguments> {
    let d = &b.details;
    query
        .bind(d.name.to_string())
        .bind(d.address.street.to_string())
        .bind(d.address.postal_code.as_str().to_owned())
        .bind(d.address.city.to_string())
        .bind(d.address.country.as_str().to_owned())
        .bind(d.bce_number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(i64::from(d.quota_base.get()))
        .bind(d.construction_year)
        .bind(d.language.as_str())
        .bind(d.working_fund_iban.as_ref().map(|i| i.as_str().to_owned()))
        .bind(d.reserve_fund_iban.as_ref().map(|i| i.as_str().to_owned()))
        .bind(i32::try_from(d.year_start.month()).unwrap_or(1))
        .bind(i32::try_from(d.year_start.day()).unwrap_or(1))
}

fn select(tenant: TenantId) -> QueryBuilder<Db> {
    let mut qb = QueryBuilder::new(format!("SELECT {BUILDING_COLUMNS} FROM buildings WHERE organization_id = "));
    qb.push_bind(tenant.as_uuid());
    qb
}

fn visible_ids(visible: &Visibility) -> Option<Vec<Uuid>> {
    visible.buildings.as_ref().map(|ids| ids.iter().map(|b| b.as_uuid()).collect())
}

#[async_trait::async_trait]
impl BuildingStore for Adapter {
    async fn insert_building(&self, tenant: TenantId, building: &Building, events: Events) -> StoreResult<()> {
        let mut tx = self.begin(tenant).await?;
        let insert = sqlx::query(
            r"
                INSERT INTO buildings (name, street, postal_code, city, country, bce_number, quota_base, construction_year, language,
                working_fund_iban, reserve_fund_iban, year_start_month, year_start_day, organization_id, id, unit_count, allocated_quota,
                expense_count, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 0, 0, 0, $16, $16)",
        );
        bind_details(insert, building)
            .bind(tenant.as_uuid())
            .bind(building.id.as_uuid())
            .bind(building.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_or(e, "building.exists"))?;
        Self::commit(tx, events).await
    }

    async fn building(&self, tenant: TenantId, id: BuildingId) -> StoreResult<Option<BuildingSummary>> {
        let mut qb = select(tenant);
        qb.push(" AND id = ").push_bind(id.as_uuid());
        let row: Option<BuildingRow> = qb.build_query_as().fetch_optional(&mut *self.reader(tenant).await?).await.map_err(db_error)?;
        Ok(row.map(BuildingSummary::try_from).transpose()?)
    }

    async fn buildings(
        &self,
        tenant: TenantId,
        query: &ListQuery<BuildingSort>,
        visible: &Visibility,
    ) -> StoreResult<Page<BuildingSummary>> {
        let ids = visible_ids(visible);
        let source = ids.is_none().then(|| Total::Counter("buildings".to_owned()));
        let column = match query.sort {
            BuildingSort::Name => "name",
            BuildingSort::City => "city",
            BuildingSort::PostalCode => "postal_code",
            BuildingSort::CreatedAt => "created_at",
        };
        let filters = |qb: &mut QueryBuilder<Db>| {
            if let Some(ids) = &ids {
                push_in(qb, "id", ids);
            }
        };
        let list = List { table: "buildings", columns: BUILDING_COLUMNS, filters, order: column, total: source };
        let (rows, total): (Vec<BuildingRow>, u64) = self.list(tenant, query, list).await?;
        let items = rows.into_iter().map(BuildingSummary::try_from).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn update_building(
        &self,
        tenant: TenantId,
        building: &Building,
        holds: &(dyn Fn(u64) -> Result<(), Rule> + Sync),
        events: Events,
    ) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let allocated: Option<i64> = sqlx::query_scalar(
            "UPDATE buildings SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING allocated_quota",
        )
        .bind(tenant.as_uuid())
        .bind(building.id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(allocated) = allocated else { return Ok(false) };
        holds(u64::try_from(allocated).unwrap_or(0))?;
        let update = sqlx::query(
            r"
                UPDATE buildings
                SET name = $1, street = $2, postal_code = $3, city = $4, country = $5, bce_number = $6, quota_base = $7, construction_year
                = $8, language = $9, working_fund_iban = $10, reserve_fund_iban = $11, year_start_month = $12, year_start_day = $13,
                updated_at = $14
                WHERE organization_id = $15 AND id = $16",
        );
        bind_details(update, building)
            .bind(Utc::now())
            .bind(tenant.as_uuid())
            .bind(building.id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn delete_building(&self, tenant: TenantId, id: BuildingId, at: DateTime<Utc>, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let row = sqlx::query(
            "UPDATE buildings SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING unit_count, expense_count",
        )
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(false) };
        let (units, expenses): (i64, i64) = (row.try_get(0).map_err(db_error)?, row.try_get(1).map_err(db_error)?);
        if units > 0 {
            return Err(StoreError::Conflict("building.has_units"));
        }
        if expenses > 0 {
            return Err(StoreError::Conflict("building.has_expenses"));
        }
        for statement in [
            "DELETE FROM board_seats WHERE organization_id = $1 AND building_id = $2",
            "DELETE FROM buildings WHERE organization_id = $1 AND id = $2",
        ] {
            sqlx::query(statement).bind(tenant.as_uuid()).bind(id.as_uuid()).execute(&mut *tx).await.map_err(db_error)?;
        }
        sqlx::query("UPDATE billed_buildings SET active_until = $3 WHERE organization_id = $1 AND building_id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(true)
    }
}
