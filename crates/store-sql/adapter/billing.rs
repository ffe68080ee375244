//! The platform's billing (PostgreSQL migration 0008, SQLite 0007): read and
//! written from the platform pool, across organisations.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::ports::billing::{BillingStore, Customer, Invoice};
use koprogo_domain::billing::{BilledBuilding, Draft, Month, invoice_number};
use koprogo_domain::money::Cents;
use koprogo_store_sql::prelude::*;

fn cents(raw: i64) -> StoreResult<Cents> {
    Cents::new(raw).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored amount: {e}")))
}

type InvoiceRow = (Uuid, Uuid, String, String, String, DateTime<Utc>, i64, i64, i64, i64);
const INVOICE_COLUMNS: &str = r"
    i.organization_id, i.id, o.name, i.number, i.period, i.issued_at, i.net_cents, CAST(i.vat_basis_points AS BIGINT), i.vat_cents,
    i.total_cents";

impl Adapter {
    /// The invoices matching every filter given, by number.
    pub(super) async fn find_invoices(
        &self,
        period: Option<Month>,
        tenant: Option<TenantId>,
        id: Option<Uuid>,
    ) -> StoreResult<Vec<Invoice>> {
        let mut qb = QueryBuilder::<Db>::new(format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i JOIN organizations o ON o.id = i.organization_id WHERE 1 = 1"
        ));
        if let Some(period) = period {
            qb.push(" AND i.period = ").push_bind(period.to_string());
        }
        if let Some(tenant) = tenant {
            qb.push(" AND i.organization_id = ").push_bind(tenant.as_uuid());
        }
        if let Some(id) = id {
            qb.push(" AND i.id = ").push_bind(id);
        }
        qb.push(" ORDER BY i.number");
        let rows: Vec<InvoiceRow> = qb.build_query_as().fetch_all(self.platform()).await.map_err(db_error)?;
        let mut invoices = Vec::with_capacity(rows.len());
        for (org, id, name, number, period, issued_at, net, vat_bp, vat, total) in rows {
            let lines: Vec<(Uuid, String, i64)> = sqlx::query_as(
                r"
                    SELECT building_id, building_name, amount_cents
                    FROM invoice_lines
                    WHERE organization_id = $1 AND invoice_id = $2
                    ORDER BY building_name, building_id",
            )
            .bind(org)
            .bind(id)
            .fetch_all(self.platform())
            .await
            .map_err(db_error)?;
            invoices.push(Invoice {
                id,
                tenant: TenantId::from_uuid(org),
                organization_name: name,
                number,
                period: Month::parse(&period).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored period: {e}")))?,
                issued_at,
                net: cents(net)?,
                vat_basis_points: u32::try_from(vat_bp).unwrap_or(0),
                vat: cents(vat)?,
                total: cents(total)?,
                lines: lines.into_iter().map(|(b, n, a)| Ok((b, n, cents(a)?))).collect::<StoreResult<_>>()?,
            });
        }
        Ok(invoices)
    }
}

/// An invoice's row and its lines.
async fn insert_invoice(c: &mut <Db as sqlx::Database>::Connection, invoice: &Invoice) -> StoreResult<()> {
    let org = invoice.tenant.as_uuid();
    sqlx::query(
        r"
            INSERT INTO invoices (organization_id, id, number, period, issued_at, net_cents, vat_basis_points, vat_cents, total_cents)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(org)
    .bind(invoice.id)
    .bind(invoice.number.clone())
    .bind(invoice.period.to_string())
    .bind(invoice.issued_at)
    .bind(invoice.net.get())
    .bind(i64::from(invoice.vat_basis_points))
    .bind(invoice.vat.get())
    .bind(invoice.total.get())
    .execute(&mut *c)
    .await
    .map_err(db_error)?;
    for (building, name, amount) in &invoice.lines {
        sqlx::query(
            r"
                INSERT INTO invoice_lines (organization_id, invoice_id, building_id, building_name, amount_cents)
                VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org)
        .bind(invoice.id)
        .bind(*building)
        .bind(name.clone())
        .bind(amount.get())
        .execute(&mut *c)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl BillingStore for Adapter {
    async fn customers(&self) -> StoreResult<Vec<Customer>> {
        let organizations: Vec<OrganizationRow> = sqlx::query_as("SELECT id, name, created_at FROM organizations ORDER BY created_at, id")
            .fetch_all(self.platform())
            .await
            .map_err(db_error)?;
        let buildings: Vec<(Uuid, Uuid, String, DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
            r"
                SELECT organization_id, building_id, name, active_from, active_until
                FROM billed_buildings
                ORDER BY organization_id, name, building_id",
        )
        .fetch_all(self.platform())
        .await
        .map_err(db_error)?;
        let mut customers = Vec::with_capacity(organizations.len());
        for row in organizations {
            let organization = Organization::try_from(row)?;
            let own = buildings
                .iter()
                .filter(|(org, ..)| *org == organization.id.as_uuid())
                .map(|(_, id, name, from, until)| BilledBuilding {
                    building_id: *id,
                    name: name.clone(),
                    active_from: *from,
                    active_until: *until,
                })
                .collect();
            customers.push(Customer { organization, buildings: own });
        }
        Ok(customers)
    }

    async fn issue_invoices(
        &self,
        period: Month,
        drafts: &[(TenantId, Draft)],
        vat_basis_points: u32,
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<Vec<Invoice>> {
        let mut tx = self.begin_platform().await?;
        let year = at.date_naive().format("%Y").to_string().parse::<i64>().unwrap_or(0);
        // The year's counter, locked until this run commits: two runs queue here.
        let mut last: i64 = sqlx::query_scalar(
            r"
                INSERT INTO invoice_numbers (year, last_number)
                VALUES ($1, 0)
                ON CONFLICT (year) DO UPDATE SET last_number = invoice_numbers.last_number
                RETURNING CAST(last_number AS BIGINT)",
        )
        .bind(year)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let mut made = Vec::new();
        for (tenant, draft) in drafts {
            let org = tenant.as_uuid();
            let exists: Option<i64> =
                sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM invoices WHERE organization_id = $1 AND period = $2")
                    .bind(org)
                    .bind(period.to_string())
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_error)?;
            if exists.is_some() {
                continue;
            }
            last += 1;
            let invoice = Invoice {
                id: Uuid::now_v7(),
                tenant: *tenant,
                organization_name: String::new(),
                number: invoice_number(i32::try_from(year).unwrap_or(0), u32::try_from(last).unwrap_or(0)),
                period,
                issued_at: at,
                net: draft.net,
                vat_basis_points,
                vat: draft.vat,
                total: draft.total,
                lines: draft.lines.clone(),
            };
            insert_invoice(&mut tx, &invoice).await?;
            made.push(invoice);
        }
        if made.is_empty() {
            // Nothing new: the run leaves no trace (its event goes with the transaction).
            tx.rollback().await.map_err(db_error)?;
            return Ok(made);
        }
        sqlx::query("UPDATE invoice_numbers SET last_number = $2 WHERE year = $1")
            .bind(year)
            .bind(last)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(made)
    }

    async fn invoices(&self, period: Option<Month>, tenant: Option<TenantId>) -> StoreResult<Vec<Invoice>> {
        self.find_invoices(period, tenant, None).await
    }

    async fn invoice(&self, id: Uuid) -> StoreResult<Option<Invoice>> {
        Ok(self.find_invoices(None, None, Some(id)).await?.into_iter().next())
    }
}
