//! Owners and ownerships. A share is checked against the unit's other
//! ownerships read under a lock on the unit row.

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_store_sql::prelude::*;

type Tx = sqlx::Transaction<'static, Db>;

/// The unit's ownerships, read after locking the unit; `None` when it is missing.
async fn locked_ownerships(tx: &mut Tx, tenant: TenantId, unit: UnitId) -> StoreResult<Option<Vec<Ownership>>> {
    let locked: Option<Uuid> =
        sqlx::query_scalar("UPDATE units SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING id")
            .bind(tenant.as_uuid())
            .bind(unit.as_uuid())
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error)?;
    if locked.is_none() {
        return Ok(None);
    }
    let rows: Vec<OwnershipRow> =
        sqlx::query_as(AssertSqlSafe(format!("SELECT {OWNERSHIP_COLUMNS} FROM ownerships WHERE organization_id = $1 AND unit_id = $2")))
            .bind(tenant.as_uuid())
            .bind(unit.as_uuid())
            .fetch_all(&mut **tx)
            .await
            .map_err(db_error)?;
    Ok(Some(rows.into_iter().map(Ownership::try_from).collect::<Result<Vec<_>, _>>()?))
}

/// Inserts an ownership, or rewrites the share and period of one.
async fn write_ownership(tx: &mut Tx, tenant: TenantId, ownership: &Ownership) -> StoreResult<()> {
    let d = &ownership.details;
    sqlx::query(
        r"
            INSERT INTO ownerships (organization_id, id, unit_id, owner_id, share_basis_points, start_date, end_date, created_at,
            updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
            ON CONFLICT (organization_id, id) DO UPDATE SET share_basis_points = excluded.share_basis_points, start_date =
            excluded.start_date, end_date = excluded.end_date, updated_at = $9",
    )
    .bind(tenant.as_uuid())
    .bind(ownership.id.as_uuid())
    .bind(d.unit_id.as_uuid())
    .bind(d.owner_id.as_uuid())
    .bind(i32::try_from(d.share.basis_points()).unwrap_or(i32::MAX))
    .bind(d.period.start())
    .bind(d.period.end())
    .bind(ownership.created_at)
    .bind(Utc::now())
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

fn bind_owner(
    query: sqlx::query::Query<'static, Db, <Db as Database>::Arguments>,
    o: &Owner,
) -> sqlx::query::Query<'static, Db, <Db as Database>::Arguments> {
    let d = &o.details;
    let address = d.address.as_ref();
    query
        .bind(d.kind.as_str())
        .bind(d.first_name.as_ref().map(|n| n.to_string()))
        .bind(d.last_name.to_string())
        .bind(d.email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(d.phone.as_ref().map(|p| p.to_string()))
        .bind(address.map(|a| a.street.to_string()))
        .bind(address.and_then(|a| a.postal_code.as_ref()).map(|p| p.as_str().to_owned()))
        .bind(address.map(|a| a.city.to_string()))
        .bind(address.map(|a| a.country.as_str().to_owned()))
        .bind(d.iban.as_ref().map(|i| i.as_str().to_owned()))
        .bind(d.language.as_str())
        .bind(d.bce_number.as_ref().map(|n| n.as_str().to_owned()))
        .bind(Utc::now())
}

fn uuids<T: Copy>(ids: &[T], raw: fn(T) -> Uuid) -> Vec<Uuid> {
    ids.iter().map(|id| raw(*id)).collect()
}

/// An owner is visible through a unit of a visible building.
fn push_owner_filters(qb: &mut QueryBuilder<Db>, building: Option<BuildingId>, visible: &Visibility) {
    if let Some(owner) = visible.owner {
        qb.push(" AND id = ").push_bind(owner.as_uuid());
    } else if let Some(ids) = &visible.buildings {
        qb.push(
            r"
                AND EXISTS (SELECT 1 FROM ownerships s JOIN units u ON u.organization_id = s.organization_id AND u.id = s.unit_id WHERE
                s.organization_id = owners.organization_id AND s.owner_id = owners.id",
        );
        push_in(qb, "u.building_id", &uuids(ids, BuildingId::as_uuid));
        qb.push(")");
    }
    if let Some(building) = building {
        qb.push(
            r"
                AND EXISTS (SELECT 1 FROM ownerships s JOIN units u ON u.organization_id = s.organization_id AND u.id = s.unit_id WHERE
                s.organization_id = owners.organization_id AND s.owner_id = owners.id AND u.building_id = ",
        )
        .push_bind(building.as_uuid())
        .push(")");
    }
}

fn push_ownership_filters(qb: &mut QueryBuilder<Db>, filter: &OwnershipFilter, visible: &Visibility) {
    if let Some(unit) = filter.unit {
        qb.push(" AND unit_id = ").push_bind(unit.as_uuid());
    }
    if let Some(owner) = filter.owner {
        qb.push(" AND owner_id = ").push_bind(owner.as_uuid());
    }
    if let Some(day) = filter.on {
        qb.push(" AND start_date <= ").push_bind(day).push(" AND (end_date IS NULL OR end_date > ").push_bind(day).push(")");
    }
    if let Some(owner) = visible.owner {
        qb.push(" AND owner_id = ").push_bind(owner.as_uuid());
    } else if let Some(ids) = &visible.buildings {
        qb.push(" AND unit_id IN (SELECT u.id FROM units u WHERE u.organization_id = ownerships.organization_id");
        push_in(qb, "u.building_id", &uuids(ids, BuildingId::as_uuid));
        qb.push(")");
    }
}

#[async_trait::async_trait]
impl OwnerStore for Adapter {
    async fn insert_owner(&self, tenant: TenantId, owner: &Owner, events: Events) -> StoreResult<()> {
        let mut tx = self.begin(tenant).await?;
        let insert = sqlx::query(
            r"
                INSERT INTO owners (kind, first_name, last_name, email, phone, street, postal_code, city, country, iban, language,
                bce_number, updated_at, organization_id, id, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        );
        bind_owner(insert, owner)
            .bind(tenant.as_uuid())
            .bind(owner.id.as_uuid())
            .bind(owner.created_at)
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_or(e, "owner.exists"))?;
        Self::commit(tx, events).await
    }

    async fn owner(&self, tenant: TenantId, id: OwnerId) -> StoreResult<Option<Owner>> {
        let row: Option<OwnerRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {OWNER_COLUMNS} FROM owners WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Owner::try_from).transpose()?)
    }

    async fn owners_by_id(&self, tenant: TenantId, ids: &[OwnerId]) -> StoreResult<Vec<Owner>> {
        let mut found = Vec::with_capacity(ids.len());
        let mut c = self.reader(tenant).await?;
        for chunk in ids.chunks(500) {
            let mut qb = QueryBuilder::<Db>::new(format!("SELECT {OWNER_COLUMNS} FROM owners WHERE organization_id = "));
            qb.push_bind(tenant.as_uuid());
            push_in(&mut qb, "id", &chunk.iter().map(|o| o.as_uuid()).collect::<Vec<_>>());
            let rows: Vec<OwnerRow> = qb.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
            for row in rows {
                found.push(Owner::try_from(row)?);
            }
        }
        Ok(found)
    }

    async fn owners(
        &self,
        tenant: TenantId,
        query: &ListQuery<OwnerSort>,
        building: Option<BuildingId>,
        visible: &Visibility,
    ) -> StoreResult<Page<Owner>> {
        let plain = building.is_none() && *visible == Visibility::default();
        let source = plain.then(|| Total::Counter("owners".to_owned()));
        let column = match query.sort {
            OwnerSort::LastName => "last_name",
            OwnerSort::FirstName => "first_name",
            OwnerSort::Email => "email",
            OwnerSort::CreatedAt => "created_at",
        };
        let filters = |qb: &mut QueryBuilder<Db>| {
            push_owner_filters(qb, building, visible);
        };
        let list = List { table: "owners", columns: OWNER_COLUMNS, filters, order: column, total: source };
        let (rows, total): (Vec<OwnerRow>, u64) = self.list(tenant, query, list).await?;
        let items = rows.into_iter().map(Owner::try_from).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn update_owner(&self, tenant: TenantId, owner: &Owner, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let update = sqlx::query(
            r"
                UPDATE owners
                SET kind = $1, first_name = $2, last_name = $3, email = $4, phone = $5, street = $6, postal_code = $7, city = $8, country
                = $9, iban = $10, language = $11, bce_number = $12, updated_at = $13
                WHERE organization_id = $14 AND id = $15 AND erased_at IS NULL",
        );
        let done = bind_owner(update, owner).bind(tenant.as_uuid()).bind(owner.id.as_uuid()).execute(&mut *tx).await.map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        Self::commit(tx, events).await.map(|()| true)
    }

    async fn delete_owner(&self, tenant: TenantId, id: OwnerId, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        for (check, conflict) in [
            ("SELECT CAST(1 AS BIGINT) FROM ownerships WHERE organization_id = $1 AND owner_id = $2 LIMIT 1", "owner.has_ownerships"),
            ("SELECT CAST(1 AS BIGINT) FROM memberships WHERE organization_id = $1 AND owner_id = $2 LIMIT 1", "owner.has_account"),
        ] {
            let found: Option<i64> =
                sqlx::query_scalar(check).bind(tenant.as_uuid()).bind(id.as_uuid()).fetch_optional(&mut *tx).await.map_err(db_error)?;
            if found.is_some() {
                return Err(StoreError::Conflict(conflict));
            }
        }
        let done = sqlx::query("DELETE FROM owners WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_or(e, "owner.has_ownerships"))?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn save_ownership(&self, tenant: TenantId, ownership: &Ownership, fits: ShareCheck<'_>, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let Some(held) = locked_ownerships(&mut tx, tenant, ownership.details.unit_id).await? else { return Ok(false) };
        let others: Vec<_> = held.iter().filter(|o| o.id != ownership.id).map(|o| (o.details.share, o.details.period)).collect();
        fits(&others)?;
        write_ownership(&mut tx, tenant, ownership).await?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn transfer_unit(
        &self,
        tenant: TenantId,
        unit: UnitId,
        plan: TransferPlan<'_>,
        events: Events,
    ) -> StoreResult<Option<Vec<Ownership>>> {
        let mut tx = self.begin(tenant).await?;
        let Some(held) = locked_ownerships(&mut tx, tenant, unit).await? else { return Ok(None) };
        let written = plan(&held)?;
        for ownership in &written {
            write_ownership(&mut tx, tenant, ownership).await?;
        }
        Self::commit(tx, events).await?;
        Ok(Some(written))
    }

    async fn ownership(&self, tenant: TenantId, id: OwnershipId) -> StoreResult<Option<Ownership>> {
        let row: Option<OwnershipRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {OWNERSHIP_COLUMNS} FROM ownerships WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Ownership::try_from).transpose()?)
    }

    async fn ownerships(
        &self,
        tenant: TenantId,
        query: &ListQuery<OwnershipSort>,
        filter: &OwnershipFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Ownership>> {
        let plain = *filter == OwnershipFilter::default() && *visible == Visibility::default();
        let source = plain.then(|| Total::Counter("ownerships".to_owned()));
        let column = match query.sort {
            OwnershipSort::StartDate => "start_date",
            OwnershipSort::CreatedAt => "created_at",
        };
        let filters = |qb: &mut QueryBuilder<Db>| {
            push_ownership_filters(qb, filter, visible);
        };
        let list = List { table: "ownerships", columns: OWNERSHIP_COLUMNS, filters, order: column, total: source };
        let (rows, total): (Vec<OwnershipRow>, u64) = self.list(tenant, query, list).await?;
        let items = rows.into_iter().map(Ownership::try_from).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn delete_ownership(&self, tenant: TenantId, id: OwnershipId, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let done = sqlx::query("DELETE FROM ownerships WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        Self::commit(tx, events).await.map(|()| true)
    }
}
