//! Debits read from bank statements and the paid expense each settles
//! (PostgreSQL migration 0015, SQLite 0013). The import records them in its
//! own transaction through `record_debits`, which the payment store calls.

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::listing::PaymentSort;
use koprogo_app::ports::debits::{DebitFilter, DebitMatcher, DebitStore};
use koprogo_app::ports::money::BankImport;
use koprogo_domain::debit::{Debit, PaidExpense, Settlement};
use koprogo_domain::ids::DebitId;
use koprogo_store_sql::debits::*;
use koprogo_store_sql::prelude::*;
type Conn = <Db as sqlx::Database>::Connection;

impl Adapter {
    /// Records the import's debits not recorded before (by bank
    /// reference), oldest first, each settled by `matcher` among
    /// the paid expenses still open. Returns (recorded, matched).
    pub(super) async fn record_debits(
        c: &mut Conn,
        tenant: TenantId,
        import: &BankImport,
        matcher: DebitMatcher<'_>,
    ) -> StoreResult<(u32, u32)> {
        let mut debits: Vec<&Debit> = import.debits.iter().collect();
        debits.sort_by_key(|d| d.value_date);
        let (mut recorded, mut matched) = (0_u32, 0_u32);
        for debit in debits {
            let seen: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(1 AS BIGINT) FROM bank_debits WHERE organization_id = $1 AND building_id = $2 AND bank_reference = $3",
            )
            .bind(tenant.as_uuid())
            .bind(debit.building_id.as_uuid())
            .bind(debit.bank_reference.clone())
            .fetch_optional(&mut *c)
            .await
            .map_err(db_error)?;
            if seen.is_some() {
                continue;
            }
            let open: Vec<PaidExpenseRow> =
                sqlx::query_as(AssertSqlSafe(format!("{OPEN_PAID_EXPENSES} AND e.amount_cents = $3 AND e.expense_date <= $4")))
                    .bind(tenant.as_uuid())
                    .bind(debit.building_id.as_uuid())
                    .bind(debit.amount.get())
                    .bind(debit.value_date)
                    .fetch_all(&mut *c)
                    .await
                    .map_err(db_error)?;
            let open = open.into_iter().map(PaidExpense::try_from).collect::<Result<Vec<_>, _>>()?;
            let settles = matcher(debit, &open);
            insert_debit(&mut *c, tenant, debit, settles).await?;
            recorded += 1;
            matched += u32::from(settles.is_some());
        }
        Ok((recorded, matched))
    }
}

async fn insert_debit(c: &mut Conn, tenant: TenantId, d: &Debit, settles: Option<Settlement>) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO bank_debits ({DEBIT_COLUMNS}, organization_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    )))
    .bind(d.id.as_uuid())
    .bind(d.building_id.as_uuid())
    .bind(d.import_id.as_uuid())
    .bind(d.value_date)
    .bind(d.amount.get())
    .bind(d.account.as_str())
    .bind(d.reference.clone())
    .bind(d.counterparty_iban.clone())
    .bind(d.counterparty_name.clone())
    .bind(d.bank_reference.clone())
    .bind(settles.map(|s| s.expense.as_uuid()))
    .bind(settles.map(|s| s.matched_by.as_str()))
    .bind(d.created_at)
    .bind(tenant.as_uuid())
    .execute(&mut *c)
    .await
    .map_err(|e| unique_or(e, "debit.exists"))?;
    Ok(())
}

#[async_trait::async_trait]
impl DebitStore for Adapter {
    async fn debit(&self, tenant: TenantId, id: DebitId) -> StoreResult<Option<Debit>> {
        let row: Option<DebitRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {DEBIT_COLUMNS} FROM bank_debits WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Debit::try_from).transpose()?)
    }

    async fn debits(
        &self,
        tenant: TenantId,
        query: &ListQuery<PaymentSort>,
        filter: &DebitFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Debit>> {
        let plain = *visible == Visibility::default() && *filter == DebitFilter::default();
        let source = plain.then(|| Total::Counter("bank_debits".to_owned()));
        let filters = |qb: &mut QueryBuilder<Db>| {
            if let Some(b) = filter.building {
                qb.push(" AND building_id = ").push_bind(b.as_uuid());
            }
            if filter.unmatched {
                qb.push(" AND expense_id IS NULL");
            }
            if let Some(e) = filter.expense {
                qb.push(" AND expense_id = ").push_bind(e.as_uuid());
            }
            if let Some(from) = filter.from {
                qb.push(" AND value_date >= ").push_bind(from);
            }
            if let Some(to) = filter.to {
                qb.push(" AND value_date <= ").push_bind(to);
            }
            push_visible_buildings(qb, "building_id", visible);
        };
        let list = List { table: "bank_debits", columns: DEBIT_COLUMNS, filters, order: "value_date", total: source };
        let (rows, total): (Vec<DebitRow>, u64) = self.list(tenant, query, list).await?;
        Ok(Page { items: rows.into_iter().map(Debit::try_from).collect::<Result<_, _>>()?, total })
    }

    async fn open_paid_expenses(&self, tenant: TenantId, building: BuildingId, limit: u32) -> StoreResult<Vec<PaidExpense>> {
        let rows: Vec<PaidExpenseRow> =
            sqlx::query_as(AssertSqlSafe(format!("{OPEN_PAID_EXPENSES} ORDER BY e.expense_date DESC, e.id DESC LIMIT $3")))
                .bind(tenant.as_uuid())
                .bind(building.as_uuid())
                .bind(i64::from(limit))
                .fetch_all(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(rows.into_iter().map(PaidExpense::try_from).collect::<Result<_, _>>()?)
    }

    async fn expenses_by_id(&self, tenant: TenantId, ids: &[ExpenseId]) -> StoreResult<Vec<PaidExpense>> {
        let mut qb = QueryBuilder::<Db>::new(
            "SELECT id, expense_date, supplier, invoice_number, amount_cents FROM expenses WHERE organization_id = ",
        );
        qb.push_bind(tenant.as_uuid());
        push_in(&mut qb, "id", &ids.iter().map(|e| e.as_uuid()).collect::<Vec<_>>());
        let rows: Vec<PaidExpenseRow> = qb.build_query_as().fetch_all(&mut *self.reader(tenant).await?).await.map_err(db_error)?;
        Ok(rows.into_iter().map(PaidExpense::try_from).collect::<Result<_, _>>()?)
    }

    async fn settle(&self, tenant: TenantId, id: DebitId, expense: Option<ExpenseId>, events: Events) -> StoreResult<Option<Debit>> {
        let mut tx = self.begin(tenant).await?;
        // A no-op update takes the row's lock on both databases.
        let locked: Option<DebitRow> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE bank_debits SET created_at = created_at WHERE organization_id = $1 AND id = $2 RETURNING {DEBIT_COLUMNS}"
        )))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(debit) = locked.map(Debit::try_from).transpose()? else { return Ok(None) };
        if let Some(expense) = expense {
            if debit.settles.is_some() {
                return Err(StoreError::Rule(Rule::DebitAlreadyMatched));
            }
            let paid: Option<i64> = sqlx::query_scalar(
                "SELECT CAST(1 AS BIGINT) FROM expenses WHERE organization_id = $1 AND id = $2 AND building_id = $3 AND status = 'paid'",
            )
            .bind(tenant.as_uuid())
            .bind(expense.as_uuid())
            .bind(debit.building_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            if paid.is_none() {
                return Err(StoreError::Rule(Rule::DebitExpenseNotPaid));
            }
        }
        let row: DebitRow = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE bank_debits SET expense_id = $1, matched_by = $2 WHERE organization_id = $3 AND id = $4 RETURNING {DEBIT_COLUMNS}"
        )))
        .bind(expense.map(ExpenseId::as_uuid))
        .bind(expense.map(|_| koprogo_domain::debit::DebitMatch::Manual.as_str()))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(Some(Debit::try_from(row)?))
    }
}
