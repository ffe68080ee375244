//! Distribution keys, distributed expenses, calls for funds and the
//! reserve-fund figures (PostgreSQL migration 0004, SQLite 0003).

mod steps;

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::listing::CallSort;
use koprogo_app::ports::money::{
    CallPlan, Cancelled, ChargeStore, DistributionPlan, FiscalYear, Issued, OwnerCharge, ReserveStatus, StoredDistribution,
};
use koprogo_domain::charges::{CallLine, DistributionKey, FundCall, Holding, UnitWeight};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::ids::{CallLineId, DistributionKeyId, FundCallId};
use koprogo_domain::money::Cents;
use koprogo_store_sql::money_rows::*;
use koprogo_store_sql::prelude::*;
use steps::{insert_call, insert_lines, read_distribution, read_holdings, read_key, store_allocations};

#[async_trait::async_trait]
impl ChargeStore for Adapter {
    async fn save_key(&self, tenant: TenantId, key: &DistributionKey, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let (t, id, b) = (tenant.as_uuid(), key.id.as_uuid(), key.building_id.as_uuid());
        let known: Option<i64> = sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM buildings WHERE organization_id = $1 AND id = $2")
            .bind(t)
            .bind(b)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if known.is_none() {
            return Ok(false);
        }
        sqlx::query("DELETE FROM distribution_key_weights WHERE organization_id = $1 AND key_id = $2")
            .bind(t)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            r"
                INSERT INTO distribution_keys (organization_id, id, building_id, name, created_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (organization_id, id) DO UPDATE SET name = excluded.name",
        )
        .bind(t)
        .bind(id)
        .bind(b)
        .bind(key.name.to_string())
        .bind(key.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| unique_or(e, "distribution_key.name_taken"))?;
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO distribution_key_weights (organization_id, key_id, building_id, unit_id, weight) ");
        qb.push_values(key.weights.entries(), |mut row, (unit, weight)| {
            row.push_bind(t).push_bind(id).push_bind(b).push_bind(unit.as_uuid()).push_bind(int(*weight));
        });
        qb.build().execute(&mut *tx).await.map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn key(&self, tenant: TenantId, id: DistributionKeyId) -> StoreResult<Option<DistributionKey>> {
        read_key(&mut *self.reader(tenant).await?, tenant, id).await
    }

    async fn keys(&self, tenant: TenantId, building: Option<BuildingId>) -> StoreResult<Vec<DistributionKey>> {
        let mut c = self.reader(tenant).await?;
        let scope = |sql: &str| {
            let mut qb = QueryBuilder::<Db>::new(sql);
            qb.push_bind(tenant.as_uuid());
            if let Some(b) = building {
                qb.push(" AND building_id = ").push_bind(b.as_uuid());
            }
            qb
        };
        let mut heads = scope("SELECT id, building_id, name, created_at FROM distribution_keys WHERE organization_id = ");
        heads.push(" ORDER BY name, id");
        let heads: Vec<(Uuid, Uuid, String, DateTime<Utc>)> = heads.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        let mut weights = scope("SELECT key_id, unit_id, weight FROM distribution_key_weights WHERE organization_id = ");
        let weights: Vec<(Uuid, Uuid, i64)> = weights.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        Ok(keys_from(heads, &weights)?)
    }

    async fn delete_key(&self, tenant: TenantId, id: DistributionKeyId, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let used: Option<i64> = sqlx::query_scalar(
            r"
                SELECT CAST(1 AS BIGINT)
                FROM expenses
                WHERE organization_id = $1 AND distribution_key_id = $2
                UNION ALL SELECT CAST(1 AS BIGINT)
                FROM fund_calls
                WHERE organization_id = $1 AND distribution_key_id = $2 LIMIT 1",
        )
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if used.is_some() {
            return Err(StoreError::Conflict("distribution_key.in_use"));
        }
        let deleted = sqlx::query("DELETE FROM distribution_keys WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected();
        Self::commit(tx, events).await?;
        Ok(deleted > 0)
    }

    async fn holdings(
        &self,
        tenant: TenantId,
        building: BuildingId,
        key: Option<DistributionKeyId>,
        day: NaiveDate,
    ) -> StoreResult<Option<(Vec<UnitWeight>, Vec<Holding>)>> {
        read_holdings(&mut *self.reader(tenant).await?, tenant, building, key, day).await
    }

    async fn distribute_expense(
        &self,
        tenant: TenantId,
        expense: ExpenseId,
        key: Option<DistributionKeyId>,
        at: DateTime<Utc>,
        plan: DistributionPlan<'_>,
        events: Events,
    ) -> StoreResult<Option<StoredDistribution>> {
        let mut tx = self.begin(tenant).await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "UPDATE expenses SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING {EXPENSE_COLUMNS}, distributed_at"
        )))
        .bind(tenant.as_uuid())
        .bind(expense.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let distributed: Option<DateTime<Utc>> = row.try_get("distributed_at").map_err(db_error)?;
        if distributed.is_some() {
            return Err(StoreError::Rule(Rule::AlreadyDistributed));
        }
        let stored = Expense::try_from(<ExpenseRow as sqlx::FromRow<_>>::from_row(&row).map_err(db_error)?)?;
        let Some((units, holdings)) = read_holdings(&mut tx, tenant, stored.details.building_id, key, stored.details.date).await? else {
            return Ok(None);
        };
        let (status, distribution) = plan(&stored, &units, &holdings)?;
        store_allocations(&mut tx, tenant, expense, &distribution).await?;
        sqlx::query(
            r"
                UPDATE expenses
                SET distribution_key_id = $1, distributed_at = $2, status = $3, updated_at = $2
                WHERE organization_id = $4 AND id = $5",
        )
        .bind(key.map(DistributionKeyId::as_uuid))
        .bind(at)
        .bind(status.as_str())
        .bind(tenant.as_uuid())
        .bind(expense.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let stored = read_distribution(&mut tx, tenant, expense).await?;
        Self::commit(tx, events).await?;
        Ok(stored)
    }

    async fn distribution(&self, tenant: TenantId, expense: ExpenseId) -> StoreResult<Option<StoredDistribution>> {
        read_distribution(&mut *self.reader(tenant).await?, tenant, expense).await
    }

    async fn owner_charges(
        &self,
        tenant: TenantId,
        owner: OwnerId,
        building: BuildingId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<OwnerCharge>> {
        let mut c = self.reader(tenant).await?;
        let rows: Vec<OwnerChargeRow> = sqlx::query_as(
            r"
                SELECT a.expense_id, e.expense_date, e.supplier, e.description, e.fund, k.name AS key_name, a.unit_number, a.unit_weight,
                e.amount_cents AS expense_amount_cents, a.amount_cents
                FROM charge_allocations a
                JOIN expenses e ON e.organization_id = a.organization_id AND e.id = a.expense_id
                LEFT JOIN distribution_keys k ON k.organization_id = e.organization_id AND k.id = e.distribution_key_id
                WHERE a.organization_id = $1 AND a.owner_id = $2 AND e.building_id = $3 AND e.expense_date >= $4 AND e.expense_date <= $5
                ORDER BY e.expense_date, a.expense_id, a.unit_number",
        )
        .bind(tenant.as_uuid())
        .bind(owner.as_uuid())
        .bind(building.as_uuid())
        .bind(from)
        .bind(to)
        .fetch_all(&mut *c)
        .await
        .map_err(db_error)?;
        let mut expenses: Vec<Uuid> = rows.iter().map(|r| r.expense_id).collect();
        expenses.dedup();
        // The weight total of each distribution: every unit once, whoever holds it.
        let mut totals: std::collections::HashMap<Uuid, u64> = std::collections::HashMap::new();
        for chunk in expenses.chunks(500) {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT DISTINCT expense_id, unit_id, unit_weight FROM charge_allocations WHERE organization_id = ",
            );
            qb.push_bind(tenant.as_uuid());
            push_in(&mut qb, "expense_id", chunk);
            let weights: Vec<(Uuid, Uuid, i64)> = qb.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
            for (expense, _, weight) in weights {
                *totals.entry(expense).or_default() += u64::try_from(weight).unwrap_or(0);
            }
        }
        rows.into_iter()
            .map(|row| {
                let total = totals.get(&row.expense_id).copied().unwrap_or(0);
                Ok(row.into_charge(total)?)
            })
            .collect()
    }

    async fn issue_call(
        &self,
        tenant: TenantId,
        call: &FundCall,
        key: Option<&str>,
        plan: CallPlan<'_>,
        events: Events,
    ) -> StoreResult<Option<Issued>> {
        let d = &call.details;
        let mut tx = self.begin(tenant).await?;
        if let Some(key) = key {
            let issued: Option<Uuid> = sqlx::query_scalar("SELECT id FROM fund_calls WHERE organization_id = $1 AND idempotency_key = $2")
                .bind(tenant.as_uuid())
                .bind(key.to_owned())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
            // Rolled back: nothing was written, the audit event goes with it.
            if let Some(id) = issued {
                return Ok(Some(Issued::Already(FundCallId::from_uuid(id))));
            }
        }
        let Some((units, holdings)) = read_holdings(&mut tx, tenant, d.building_id, d.key_id, d.as_of).await? else { return Ok(None) };
        let planned = plan(&units, &holdings)?;
        let count = i64::try_from(planned.len()).unwrap_or(0);
        // The organisation's sequence of structured communications, moved in this transaction.
        let last: i64 = sqlx::query_scalar(
            r"
                INSERT INTO counters (organization_id, name, value)
                VALUES ($1, 'structured_communications', $2)
                ON CONFLICT (organization_id, name) DO UPDATE SET value = counters.value + excluded.value
                RETURNING value",
        )
        .bind(tenant.as_uuid())
        .bind(count)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_call(&mut tx, tenant, call, key).await?;
        let mut lines = Vec::with_capacity(planned.len());
        for (n, line) in planned.iter().enumerate() {
            let number = u64::try_from(last - count + 1 + i64::try_from(n).unwrap_or(0)).unwrap_or(0);
            let communication = StructuredCommunication::from_number(number % 10_000_000_000).map_err(|e| anyhow::anyhow!("{e}"))?;
            lines.push(CallLine {
                id: CallLineId::generate(),
                call_id: call.id,
                owner: line.owner,
                working: line.working,
                reserve: line.reserve,
                communication,
            });
        }
        insert_lines(&mut tx, tenant, call, &lines).await?;
        Self::commit(tx, events).await?;
        Ok(Some(Issued::Lines(lines)))
    }

    async fn call(&self, tenant: TenantId, id: FundCallId) -> StoreResult<Option<(FundCall, Vec<CallLine>)>> {
        let mut c = self.reader(tenant).await?;
        let row: Option<CallRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {CALL_COLUMNS} FROM fund_calls WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *c)
                .await
                .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let lines: Vec<CallLineRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {CALL_LINE_COLUMNS} FROM call_lines WHERE organization_id = $1 AND call_id = $2 ORDER BY communication"
        )))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_all(&mut *c)
        .await
        .map_err(db_error)?;
        let lines = lines.into_iter().map(CallLine::try_from).collect::<Result<_, _>>()?;
        Ok(Some((FundCall::try_from(row)?, lines)))
    }

    async fn cancel_call(&self, tenant: TenantId, id: FundCallId, at: DateTime<Utc>, events: Events) -> StoreResult<Option<Cancelled>> {
        let (t, call) = (tenant.as_uuid(), id.as_uuid());
        let mut tx = self.begin(tenant).await?;
        let locked: Option<Option<DateTime<Utc>>> =
            sqlx::query_scalar("UPDATE fund_calls SET issued_at = issued_at WHERE organization_id = $1 AND id = $2 RETURNING cancelled_at")
                .bind(t)
                .bind(call)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        match locked {
            None => return Ok(None),
            Some(Some(_)) => return Err(StoreError::Rule(Rule::CallCancelled)),
            Some(None) => {}
        }
        let reached: Option<i64> = sqlx::query_scalar(
            r"
                SELECT CAST(1 AS BIGINT)
                FROM payments p
                JOIN call_lines l ON l.organization_id = p.organization_id AND l.id = p.call_line_id
                WHERE l.organization_id = $1 AND l.call_id = $2
                UNION ALL SELECT CAST(1 AS BIGINT)
                FROM reminders r
                JOIN call_lines l ON l.organization_id = r.organization_id AND l.id = r.call_line_id
                WHERE l.organization_id = $1 AND l.call_id = $2 LIMIT 1",
        )
        .bind(t)
        .bind(call)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let done = if reached.is_some() {
            for table in [
                "call_lines SET cancelled_at = $3 WHERE organization_id = $1 AND call_id = $2",
                "fund_calls SET cancelled_at = $3 WHERE organization_id = $1 AND id = $2",
            ] {
                sqlx::query(AssertSqlSafe(format!("UPDATE {table}")))
                    .bind(t)
                    .bind(call)
                    .bind(at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
            Cancelled::Reversed
        } else {
            for table in ["call_lines WHERE organization_id = $1 AND call_id = $2", "fund_calls WHERE organization_id = $1 AND id = $2"] {
                sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}"))).bind(t).bind(call).execute(&mut *tx).await.map_err(db_error)?;
            }
            Cancelled::Removed
        };
        Self::commit(tx, events).await?;
        Ok(Some(done))
    }

    async fn calls(
        &self,
        tenant: TenantId,
        query: &ListQuery<CallSort>,
        building: Option<BuildingId>,
        visible: &Visibility,
    ) -> StoreResult<Page<FundCall>> {
        let plain = visible.buildings.is_none() && building.is_none();
        let source = plain.then(|| Total::Counter("fund_calls".to_owned()));
        let filters = |qb: &mut QueryBuilder<Db>| {
            if let Some(b) = building {
                qb.push(" AND building_id = ").push_bind(b.as_uuid());
            }
            push_visible_buildings(qb, "building_id", visible);
        };
        let column = match query.sort {
            CallSort::AsOf => "as_of",
            CallSort::DueDate => "due_date",
        };
        let list = List { table: "fund_calls", columns: CALL_COLUMNS, filters, order: column, total: source };
        let (rows, total): (Vec<CallRow>, u64) = self.list(tenant, query, list).await?;
        Ok(Page { items: rows.into_iter().map(FundCall::try_from).collect::<Result<_, _>>()?, total })
    }

    async fn reserve_status(
        &self,
        tenant: TenantId,
        building: BuildingId,
        previous: FiscalYear,
        current: FiscalYear,
    ) -> StoreResult<ReserveStatus> {
        let mut c = self.reader(tenant).await?;
        let (t, b) = (tenant.as_uuid(), building.as_uuid());
        let ordinary: i64 = sqlx::query_scalar(
            r"
                SELECT CAST(COALESCE(SUM(amount_cents), 0) AS BIGINT)
                FROM expenses
                WHERE organization_id = $1 AND building_id = $2 AND fund = 'working' AND status IN ('approved', 'paid') AND expense_date
                >= $3 AND expense_date < $4",
        )
        .bind(t)
        .bind(b)
        .bind(previous.start)
        .bind(previous.end)
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        let called: i64 = sqlx::query_scalar(
            r"
                SELECT CAST(COALESCE(SUM(reserve_cents), 0) AS BIGINT)
                FROM fund_calls
                WHERE organization_id = $1 AND building_id = $2 AND as_of >= $3 AND as_of < $4 AND cancelled_at IS NULL",
        )
        .bind(t)
        .bind(b)
        .bind(current.start)
        .bind(current.end)
        .fetch_one(&mut *c)
        .await
        .map_err(db_error)?;
        let waived: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM reserve_fund_waivers WHERE organization_id = $1 AND building_id = $2 AND fiscal_year = $3",
        )
        .bind(t)
        .bind(b)
        .bind(current.year)
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        let amount = |v: i64| Cents::new(v).map_err(|e| StoreError::Internal(anyhow::anyhow!("sum out of range: {e}")));
        Ok(ReserveStatus { previous_year_ordinary: amount(ordinary)?, reserve_called_this_year: amount(called)?, waived: waived.is_some() })
    }

    async fn waive_reserve_fund(
        &self,
        tenant: TenantId,
        building: BuildingId,
        fiscal_year: i32,
        decided_on: NaiveDate,
        events: Events,
    ) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let inserted = sqlx::query(
            r"
                INSERT INTO reserve_fund_waivers (organization_id, building_id, fiscal_year, decided_on, created_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (organization_id, building_id, fiscal_year) DO UPDATE SET decided_on = excluded.decided_on",
        )
        .bind(tenant.as_uuid())
        .bind(building.as_uuid())
        .bind(fiscal_year)
        .bind(decided_on)
        .bind(Utc::now())
        .execute(&mut *tx)
        .await;
        match inserted.map_err(db_error) {
            Ok(_) => Self::commit(tx, events).await.map(|()| true),
            Err(StoreError::Conflict("unknown_reference")) => Ok(false),
            Err(other) => Err(other),
        }
    }
}
