//! Expenses. Triggers keep the per-building and per-status totals (migration 0002).

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_store_sql::prelude::*;
type Tx = sqlx::Transaction<'static, Db>;

fn status_counter(status: ExpenseStatus) -> String {
    format!("expenses:{}", status.as_str())
}

fn push_filters(qb: &mut QueryBuilder<Db>, filter: &ExpenseFilter, visible: &Visibility) {
    if let Some(building) = filter.building {
        qb.push(" AND building_id = ").push_bind(building.as_uuid());
    }
    if let Some(status) = filter.status {
        qb.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(fund) = filter.fund {
        qb.push(" AND fund = ").push_bind(fund.as_str());
    }
    if let Some(from) = filter.from {
        qb.push(" AND expense_date >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        qb.push(" AND expense_date <= ").push_bind(to);
    }
    push_visible_buildings(qb, "building_id", visible);
    if visible.decided_only {
        qb.push(" AND status <> 'draft'");
    }
    push_words(qb, &["supplier", "description", "invoice_number"], &filter.words);
}

/// Locks and reads the stored expense for the transaction.
async fn lock(tx: &mut Tx, tenant: TenantId, id: ExpenseId) -> StoreResult<Option<Expense>> {
    let row: Option<ExpenseRow> = sqlx::query_as(AssertSqlSafe(format!(
        "UPDATE expenses SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING {EXPENSE_COLUMNS}"
    )))
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(row.map(Expense::try_from).transpose()?)
}

#[async_trait::async_trait]
impl ExpenseStore for Adapter {
    async fn insert_expense(&self, tenant: TenantId, expense: &Expense, events: Events) -> StoreResult<bool> {
        let d = &expense.details;
        let mut tx = self.begin(tenant).await?;
        let inserted = sqlx::query(
            r"
                INSERT INTO expenses (organization_id, id, building_id, expense_date, supplier, invoice_number, description, amount_cents,
                vat_rate, category, account_code, fund, status, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
        )
        .bind(tenant.as_uuid())
        .bind(expense.id.as_uuid())
        .bind(d.building_id.as_uuid())
        .bind(d.date)
        .bind(d.supplier.to_string())
        .bind(d.invoice_number.as_ref().map(|n| n.to_string()))
        .bind(d.description.to_string())
        .bind(d.amount.get())
        .bind(i32::try_from(d.vat_rate.percent()).unwrap_or(0))
        .bind(d.category.as_str())
        .bind(d.account_code.as_str().to_owned())
        .bind(d.fund.as_str())
        .bind(expense.status.as_str())
        .bind(expense.created_at)
        .execute(&mut *tx)
        .await;
        // The building is missing, or another tenant's: the composite key refuses it.
        match inserted.map_err(|e| unique_or(e, "expense.exists")) {
            Ok(_) => Self::commit(tx, events).await.map(|()| true),
            Err(StoreError::Conflict("unknown_reference")) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn expense(&self, tenant: TenantId, id: ExpenseId) -> StoreResult<Option<Expense>> {
        let row: Option<ExpenseRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {EXPENSE_COLUMNS} FROM expenses WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Expense::try_from).transpose()?)
    }

    async fn expenses(
        &self,
        tenant: TenantId,
        query: &ListQuery<ExpenseSort>,
        filter: &ExpenseFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Expense>> {
        let plain = *visible == Visibility::default()
            && filter.fund.is_none()
            && filter.from.is_none()
            && filter.to.is_none()
            && filter.words.is_empty();
        let source = match (plain, filter.building, filter.status) {
            (true, None, None) => Some(Total::Counter("expenses".to_owned())),
            (true, None, Some(status)) => Some(Total::Counter(status_counter(status))),
            (true, Some(building), None) => Some(Total::OfBuilding("expense_count", building.as_uuid())),
            _ => None,
        };
        let column = match query.sort {
            ExpenseSort::Date => "expense_date",
            ExpenseSort::Amount => "amount_cents",
            ExpenseSort::Supplier => "supplier",
            ExpenseSort::CreatedAt => "created_at",
        };
        let filters = |qb: &mut QueryBuilder<Db>| {
            push_filters(qb, filter, visible);
        };
        let list = List { table: "expenses", columns: EXPENSE_COLUMNS, filters, order: column, total: source };
        let (rows, total): (Vec<ExpenseRow>, u64) = self.list(tenant, query, list).await?;
        let items = rows.into_iter().map(Expense::try_from).collect::<Result<_, _>>()?;
        Ok(Page { items, total })
    }

    async fn update_expense(&self, tenant: TenantId, expense: &Expense, allowed: ExpenseCheck<'_>, events: Events) -> StoreResult<bool> {
        let d = &expense.details;
        let mut tx = self.begin(tenant).await?;
        let Some(stored) = lock(&mut tx, tenant, expense.id).await? else { return Ok(false) };
        allowed(&stored)?;
        sqlx::query(
            r"
                UPDATE expenses
                SET expense_date = $1, supplier = $2, invoice_number = $3, description = $4, amount_cents = $5, vat_rate = $6, category =
                $7, account_code = $8, fund = $9, status = $10, updated_at = $11
                WHERE organization_id = $12 AND id = $13",
        )
        .bind(d.date)
        .bind(d.supplier.to_string())
        .bind(d.invoice_number.as_ref().map(|n| n.to_string()))
        .bind(d.description.to_string())
        .bind(d.amount.get())
        .bind(i32::try_from(d.vat_rate.percent()).unwrap_or(0))
        .bind(d.category.as_str())
        .bind(d.account_code.as_str().to_owned())
        .bind(d.fund.as_str())
        .bind(expense.status.as_str())
        .bind(Utc::now())
        .bind(tenant.as_uuid())
        .bind(expense.id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn delete_expense(&self, tenant: TenantId, id: ExpenseId, allowed: ExpenseCheck<'_>, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let Some(stored) = lock(&mut tx, tenant, id).await? else { return Ok(false) };
        allowed(&stored)?;
        sqlx::query("DELETE FROM expenses WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(true)
    }
}
