//! The steps the charge store's transactions share: reading a building's
//! weights and holdings, writing a call and its lines, a distribution's
//! parts, and reading them back.

use super::Db;

use koprogo_app::ports::money::StoredDistribution;
use koprogo_domain::charges::{CallLine, Distribution, DistributionKey, FundCall, Holding, UnitWeight};
use koprogo_domain::ids::DistributionKeyId;
use koprogo_domain::money::Cents;
use koprogo_store_sql::money_rows::*;
use koprogo_store_sql::prelude::*;

type Conn = <Db as sqlx::Database>::Connection;

/// Units and weights under the key (`None`: quotas), and the shares held on `day`.
pub(super) async fn read_holdings(
    c: &mut Conn,
    tenant: TenantId,
    building: BuildingId,
    key: Option<DistributionKeyId>,
    day: NaiveDate,
) -> StoreResult<Option<(Vec<UnitWeight>, Vec<Holding>)>> {
    let (t, b) = (tenant.as_uuid(), building.as_uuid());
    let exists: Option<i64> = match key {
        None => sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM buildings WHERE organization_id = $1 AND id = $2").bind(t).bind(b),
        Some(k) => sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM distribution_keys WHERE organization_id = $1 AND building_id = $2 AND id = $3",
        )
        .bind(t)
        .bind(b)
        .bind(k.as_uuid()),
    }
    .fetch_optional(&mut *c)
    .await
    .map_err(db_error)?;
    if exists.is_none() {
        return Ok(None);
    }
    let units: Vec<UnitWeightRow> = match key {
        None => sqlx::query_as("SELECT id, unit_number, quota AS weight FROM units WHERE organization_id = $1 AND building_id = $2")
            .bind(t)
            .bind(b),
        Some(k) => sqlx::query_as(
            r"
                SELECT u.id, u.unit_number, w.weight
                FROM distribution_key_weights w
                JOIN units u ON u.organization_id = w.organization_id AND u.id = w.unit_id
                WHERE w.organization_id = $1 AND w.building_id = $2 AND w.key_id = $3",
        )
        .bind(t)
        .bind(b)
        .bind(k.as_uuid()),
    }
    .fetch_all(&mut *c)
    .await
    .map_err(db_error)?;
    let held: Vec<HoldingRow> = sqlx::query_as(
        r"
            SELECT o.unit_id, o.owner_id, o.share_basis_points
            FROM ownerships o
            JOIN units u ON u.organization_id = o.organization_id AND u.id = o.unit_id
            WHERE o.organization_id = $1 AND u.building_id = $2 AND o.start_date <= $3 AND (o.end_date IS NULL OR o.end_date > $3)",
    )
    .bind(t)
    .bind(b)
    .bind(day)
    .fetch_all(&mut *c)
    .await
    .map_err(db_error)?;
    let holdings = held.into_iter().map(Holding::try_from).collect::<Result<_, _>>()?;
    Ok(Some((units.into_iter().map(UnitWeight::from).collect(), holdings)))
}

/// The call's own row, with the idempotency key it was issued with.
pub(super) async fn insert_call(c: &mut Conn, tenant: TenantId, call: &FundCall, key: Option<&str>) -> StoreResult<()> {
    let d = &call.details;
    sqlx::query(
        r"
            INSERT INTO fund_calls (organization_id, id, building_id, title, as_of, due_date, working_cents, reserve_cents,
            distribution_key_id, issued_at, idempotency_key)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(tenant.as_uuid())
    .bind(call.id.as_uuid())
    .bind(d.building_id.as_uuid())
    .bind(d.title.to_string())
    .bind(d.as_of)
    .bind(d.due_date)
    .bind(d.working.get())
    .bind(d.reserve.get())
    .bind(d.key_id.map(DistributionKeyId::as_uuid))
    .bind(call.issued_at)
    .bind(key.map(str::to_owned))
    .execute(&mut *c)
    .await
    .map_err(|e| unique_or(e, "call.issuing"))?;
    Ok(())
}

/// The call's lines, many a statement.
pub(super) async fn insert_lines(c: &mut Conn, tenant: TenantId, call: &FundCall, lines: &[CallLine]) -> StoreResult<()> {
    let d = &call.details;
    for chunk in lines.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            r"
                INSERT INTO call_lines (organization_id, id, call_id, building_id, owner_id, working_cents, reserve_cents, due_date,
                communication) ",
        );
        qb.push_values(chunk, |mut b, l| {
            b.push_bind(tenant.as_uuid())
                .push_bind(l.id.as_uuid())
                .push_bind(call.id.as_uuid())
                .push_bind(d.building_id.as_uuid())
                .push_bind(l.owner.as_uuid())
                .push_bind(l.working.get())
                .push_bind(l.reserve.get())
                .push_bind(d.due_date)
                .push_bind(l.communication.digits());
        });
        qb.build().execute(&mut *c).await.map_err(|e| unique_or(e, "call.communication_taken"))?;
    }
    Ok(())
}

pub(super) async fn store_allocations(c: &mut Conn, tenant: TenantId, expense: ExpenseId, d: &Distribution) -> StoreResult<()> {
    let rows: Vec<_> = d.units.iter().flat_map(|u| u.owners.iter().map(move |o| (u, o))).collect();
    for chunk in rows.chunks(500) {
        let mut qb = QueryBuilder::<Db>::new(
            r"
                INSERT INTO charge_allocations (organization_id, expense_id, unit_id, owner_id, unit_number, unit_weight,
                unit_amount_cents, unit_rounded_up, share_basis_points, amount_cents, rounded_up) ",
        );
        qb.push_values(chunk, |mut b, (u, o)| {
            b.push_bind(tenant.as_uuid())
                .push_bind(expense.as_uuid())
                .push_bind(u.unit.as_uuid())
                .push_bind(o.owner.as_uuid())
                .push_bind(u.number.clone())
                .push_bind(int(u.weight))
                .push_bind(u.amount.get())
                .push_bind(u.rounded_up)
                .push_bind(i32::try_from(o.share.basis_points()).unwrap_or(0))
                .push_bind(o.amount.get())
                .push_bind(o.rounded_up);
        });
        qb.build().execute(&mut *c).await.map_err(db_error)?;
    }
    Ok(())
}

pub(super) async fn read_distribution(c: &mut Conn, tenant: TenantId, expense: ExpenseId) -> StoreResult<Option<StoredDistribution>> {
    let head: Option<(i64, Option<Uuid>, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT amount_cents, distribution_key_id, distributed_at FROM expenses WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(expense.as_uuid())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?;
    let Some((amount, key, Some(at))) = head else { return Ok(None) };
    let rows: Vec<AllocationRow> = sqlx::query_as(
        r"
            SELECT unit_id, owner_id, unit_number, unit_weight, unit_amount_cents, unit_rounded_up, share_basis_points, amount_cents,
            rounded_up
            FROM charge_allocations
            WHERE organization_id = $1 AND expense_id = $2
            ORDER BY unit_number, unit_id, share_basis_points DESC, owner_id",
    )
    .bind(tenant.as_uuid())
    .bind(expense.as_uuid())
    .fetch_all(&mut *c)
    .await
    .map_err(db_error)?;
    let mut units = unit_parts(rows)?;
    units.sort_by(|a, b| koprogo_domain::charges::unit_order(&a.number, a.unit, &b.number, b.unit));
    let weight_total = units.iter().map(|u| u.weight).sum();
    let distribution = Distribution { total: Cents::new(amount).map_err(|e| anyhow::anyhow!("stored amount: {e}"))?, weight_total, units };
    Ok(Some(StoredDistribution { expense_id: expense, key_id: key.map(DistributionKeyId::from_uuid), distributed_at: at, distribution }))
}

pub(super) async fn read_key(c: &mut Conn, tenant: TenantId, id: DistributionKeyId) -> StoreResult<Option<DistributionKey>> {
    let heads: Vec<(Uuid, Uuid, String, DateTime<Utc>)> =
        sqlx::query_as("SELECT id, building_id, name, created_at FROM distribution_keys WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .fetch_all(&mut *c)
            .await
            .map_err(db_error)?;
    if heads.is_empty() {
        return Ok(None);
    }
    let weights: Vec<(Uuid, Uuid, i64)> =
        sqlx::query_as("SELECT key_id, unit_id, weight FROM distribution_key_weights WHERE organization_id = $1 AND key_id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .fetch_all(&mut *c)
            .await
            .map_err(db_error)?;
    Ok(keys_from(heads, &weights)?.pop())
}
