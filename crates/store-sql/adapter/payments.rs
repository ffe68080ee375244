//! Payments, bank imports, and the owners' positions (PostgreSQL migration
//! 0004, SQLite 0003). A movement is recorded once per building (unique bank
//! reference); a file once per organisation (unique digest).

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::listing::PaymentSort;
use koprogo_app::ports::debits::DebitMatcher;
use koprogo_app::ports::money::{AccountLine, BankImport, ImportOutcome, Matcher, OwnerPosition, PaymentFilter, PaymentStore};
use koprogo_domain::charges::CallLine;
use koprogo_domain::expense::Fund;
use koprogo_domain::ids::{CallLineId, PaymentId};
use koprogo_domain::money::Cents;
use koprogo_domain::payment::{Allocation, MatchedBy, OpenLine, Payment, Position};
use koprogo_store_sql::money_rows::*;
use koprogo_store_sql::prelude::*;
type Conn = <Db as sqlx::Database>::Connection;

fn open_line(row: (Uuid, Uuid, i64, i64)) -> StoreResult<OpenLine> {
    let amount = |v| Cents::new(v).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored line amount: {e}")));
    Ok(OpenLine { id: CallLineId::from_uuid(row.0), owner: OwnerId::from_uuid(row.1), working: amount(row.2)?, reserve: amount(row.3)? })
}

/// The candidates for a payment: the line its communication names (in its
/// building), and the oldest unpaid line of its building for exactly its
/// amount whose owner pays from its IBAN. The second is only looked for when
/// the communication names none: the matcher prefers the named line, and on a
/// bank file of thousands of movements the search is a quarter of the work.
async fn candidates(c: &mut Conn, tenant: TenantId, p: &Payment) -> StoreResult<(Option<OpenLine>, Option<OpenLine>)> {
    let (t, b) = (tenant.as_uuid(), p.building_id.as_uuid());
    let named = match p.communication {
        Some(ogm) => sqlx::query_as(
            r"
                SELECT id, owner_id, working_cents, reserve_cents
                FROM call_lines
                WHERE organization_id = $1 AND building_id = $2 AND communication = $3 AND cancelled_at IS NULL",
        )
        .bind(t)
        .bind(b)
        .bind(ogm.digits())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?,
        None => None,
    };
    let guessed = match p.counterparty_iban.as_ref().filter(|_| named.is_none()) {
        Some(iban) => sqlx::query_as(
            r"
                SELECT l.id, l.owner_id, l.working_cents, l.reserve_cents
                FROM call_lines l
                JOIN owners o ON o.organization_id = l.organization_id AND o.id = l.owner_id
                WHERE l.organization_id = $1 AND l.building_id = $2 AND o.iban = $3 AND l.working_cents + l.reserve_cents = $4 AND
                l.cancelled_at IS NULL AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.organization_id = l.organization_id AND
                p.call_line_id = l.id)
                ORDER BY l.due_date, l.id LIMIT 1",
        )
        .bind(t)
        .bind(b)
        .bind(iban.clone())
        .bind(p.amount.get())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?,
        None => None,
    };
    Ok((named.map(open_line).transpose()?, guessed.map(open_line).transpose()?))
}

async fn insert_payment(c: &mut Conn, tenant: TenantId, p: &Payment, allocation: Option<&Allocation>) -> StoreResult<()> {
    sqlx::query(AssertSqlSafe(format!(
        r"
            INSERT INTO payments ({PAYMENT_COLUMNS}, organization_id)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)"
    )))
    .bind(p.id.as_uuid())
    .bind(p.building_id.as_uuid())
    .bind(p.value_date)
    .bind(p.amount.get())
    .bind(p.communication.map(|c| c.digits()))
    .bind(p.free_text.clone())
    .bind(p.counterparty_iban.clone())
    .bind(p.counterparty_name.clone())
    .bind(p.bank_reference.clone())
    .bind(p.import_id.map(|i| i.as_uuid()))
    .bind(allocation.map(|a| a.line.as_uuid()))
    .bind(allocation.map(|a| a.owner.as_uuid()))
    .bind(allocation.map_or(0, |a| a.working.get()))
    .bind(allocation.map_or(0, |a| a.reserve.get()))
    .bind(allocation.map(|a| a.matched_by.as_str()))
    .bind(p.created_at)
    .bind(p.account.map(|f| f.as_str()))
    .bind(tenant.as_uuid())
    .execute(&mut *c)
    .await
    .map_err(|e| unique_or(e, "payment.exists"))?;
    Ok(())
}

async fn matched_and_inserted(c: &mut Conn, tenant: TenantId, p: &Payment, matcher: Matcher<'_>) -> StoreResult<bool> {
    let (named, guessed) = candidates(&mut *c, tenant, p).await?;
    let allocation = matcher(p, named, guessed);
    insert_payment(&mut *c, tenant, p, allocation.as_ref()).await?;
    Ok(allocation.is_some())
}

/// The import's own row, its counts filled in once its movements are recorded.
async fn insert_import(c: &mut Conn, tenant: TenantId, import: &BankImport) -> StoreResult<()> {
    sqlx::query(
        r"
            INSERT INTO bank_imports (organization_id, id, building_id, file_digest, format, account, movement_count, recorded_count,
            matched_count, imported_at, opening_cents, closing_cents, closing_date)
            VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8, $9, $10, $11)",
    )
    .bind(tenant.as_uuid())
    .bind(import.id.as_uuid())
    .bind(import.building_id.as_uuid())
    .bind(import.file_digest.clone())
    .bind(import.format)
    .bind(import.account.clone())
    .bind(i32::try_from(import.movement_count).unwrap_or(i32::MAX))
    .bind(import.imported_at)
    .bind(import.opening.get())
    .bind(import.closing.get())
    .bind(import.closing_date)
    .execute(&mut *c)
    .await
    .map_err(|e| unique_or(e, "bank_import.exists"))?;
    Ok(())
}

/// The import's payments not recorded before (by bank reference), each matched
/// by `matcher`. Returns (recorded, matched).
async fn record_payments(c: &mut Conn, tenant: TenantId, import: &BankImport, matcher: Matcher<'_>) -> StoreResult<(u32, u32)> {
    let (mut recorded, mut matched) = (0_u32, 0_u32);
    for payment in &import.payments {
        let seen: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM payments WHERE organization_id = $1 AND building_id = $2 AND bank_reference = $3",
        )
        .bind(tenant.as_uuid())
        .bind(payment.building_id.as_uuid())
        .bind(payment.bank_reference.clone())
        .fetch_optional(&mut *c)
        .await
        .map_err(db_error)?;
        if seen.is_some() {
            continue;
        }
        recorded += 1;
        matched += u32::from(matched_and_inserted(&mut *c, tenant, payment, matcher).await?);
    }
    Ok((recorded, matched))
}

/// An owner's called sums in one building: building, owner, last and first
/// names, working, reserve, and what of it is due.
type CalledRow = (Uuid, Uuid, String, Option<String>, i64, i64, i64);

/// Each owner's called sums (building, owner, names, working, reserve, due)
/// with what they paid to each fund.
fn positions_of(called: Vec<CalledRow>, paid: Vec<(Uuid, Uuid, i64, i64)>) -> StoreResult<Vec<OwnerPosition>> {
    let paid: std::collections::HashMap<(Uuid, Uuid), (i64, i64)> = paid.into_iter().map(|(b, o, w, r)| ((b, o), (w, r))).collect();
    let amount = |v: i64| Cents::new(v).map_err(|e| StoreError::Internal(anyhow::anyhow!("sum out of range: {e}")));
    called
        .into_iter()
        .map(|(b, o, last, first, working, reserve, due)| {
            let (pw, pr) = paid.get(&(b, o)).copied().unwrap_or_default();
            Ok(OwnerPosition {
                building_id: BuildingId::from_uuid(b),
                owner_id: OwnerId::from_uuid(o),
                owner_name: first.map_or_else(|| last.clone(), |f| format!("{f} {last}")),
                position: Position {
                    called_working: amount(working)?,
                    called_reserve: amount(reserve)?,
                    called_due: amount(due)?,
                    paid_working: amount(pw)?,
                    paid_reserve: amount(pr)?,
                },
            })
        })
        .collect()
}

fn account_line(row: &<Db as sqlx::Database>::Row) -> StoreResult<AccountLine> {
    Ok(AccountLine {
        line: CallLine::try_from(<CallLineRow as sqlx::FromRow<_>>::from_row(row).map_err(db_error)?)?,
        building_id: BuildingId::from_uuid(row.try_get("building_id").map_err(db_error)?),
        title: row.try_get("title").map_err(db_error)?,
        as_of: row.try_get("as_of").map_err(db_error)?,
        due_date: row.try_get("due_date").map_err(db_error)?,
        cancelled_at: row.try_get("cancelled_at").map_err(db_error)?,
        reversal: false,
    })
}

#[async_trait::async_trait]
impl PaymentStore for Adapter {
    async fn record_payment(&self, tenant: TenantId, payment: &Payment, matcher: Matcher<'_>, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let known: Option<i64> = sqlx::query_scalar("SELECT CAST(1 AS BIGINT) FROM buildings WHERE organization_id = $1 AND id = $2")
            .bind(tenant.as_uuid())
            .bind(payment.building_id.as_uuid())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        if known.is_none() {
            return Ok(false);
        }
        matched_and_inserted(&mut tx, tenant, payment, matcher).await?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn import_statement(
        &self,
        tenant: TenantId,
        import: &BankImport,
        matchers: (Matcher<'_>, DebitMatcher<'_>),
        events: Events,
    ) -> StoreResult<ImportOutcome> {
        let (matcher, settle) = matchers;
        let mut tx = self.begin(tenant).await?;
        let earlier: Option<(Uuid, i32, i32, i32)> = sqlx::query_as(
            "SELECT id, movement_count, recorded_count, matched_count FROM bank_imports WHERE organization_id = $1 AND file_digest = $2",
        )
        .bind(tenant.as_uuid())
        .bind(import.file_digest.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if let Some((id, movements, _, _)) = earlier {
            let count = u32::try_from(movements).unwrap_or(0);
            return Ok(ImportOutcome {
                import_id: koprogo_domain::ids::BankImportId::from_uuid(id),
                new: false,
                movement_count: count,
                recorded: 0,
                matched: 0,
                debits_recorded: 0,
                debits_matched: 0,
            });
        }
        insert_import(&mut tx, tenant, import).await?;
        let (recorded, matched) = record_payments(&mut tx, tenant, import, matcher).await?;
        let (debits_recorded, debits_matched) = Self::record_debits(&mut tx, tenant, import, settle).await?;
        sqlx::query("UPDATE bank_imports SET recorded_count = $1, matched_count = $2 WHERE organization_id = $3 AND id = $4")
            .bind(i32::try_from(recorded).unwrap_or(i32::MAX))
            .bind(i32::try_from(matched).unwrap_or(i32::MAX))
            .bind(tenant.as_uuid())
            .bind(import.id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(ImportOutcome {
            import_id: import.id,
            new: true,
            movement_count: import.movement_count,
            recorded,
            matched,
            debits_recorded,
            debits_matched,
        })
    }

    async fn building_of_account(&self, tenant: TenantId, iban: &str) -> StoreResult<Option<(BuildingId, Fund)>> {
        // The working account wins when a building (wrongly) names the same account twice.
        let found: Option<(Uuid, bool)> = sqlx::query_as(
            r"
                SELECT id, COALESCE(working_fund_iban = $2, 1 = 0) AS working
                FROM buildings
                WHERE organization_id = $1 AND (working_fund_iban = $2 OR reserve_fund_iban = $2)
                ORDER BY id LIMIT 1",
        )
        .bind(tenant.as_uuid())
        .bind(iban.to_owned())
        .fetch_optional(&mut *self.reader(tenant).await?)
        .await
        .map_err(db_error)?;
        Ok(found.map(|(id, working)| (BuildingId::from_uuid(id), if working { Fund::Working } else { Fund::Reserve })))
    }

    async fn payment(&self, tenant: TenantId, id: PaymentId) -> StoreResult<Option<Payment>> {
        let row: Option<PaymentRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {PAYMENT_COLUMNS} FROM payments WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Payment::try_from).transpose()?)
    }

    async fn payments(
        &self,
        tenant: TenantId,
        query: &ListQuery<PaymentSort>,
        filter: &PaymentFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Payment>> {
        let plain = *visible == Visibility::default() && *filter == PaymentFilter::default();
        let source = plain.then(|| Total::Counter("payments".to_owned()));
        let filters = |qb: &mut QueryBuilder<Db>| {
            if let Some(b) = filter.building {
                qb.push(" AND building_id = ").push_bind(b.as_uuid());
            }
            push_owner(qb, "owner_id", filter.owner, visible);
            if filter.unmatched {
                qb.push(" AND call_line_id IS NULL");
            }
            if let Some(from) = filter.from {
                qb.push(" AND value_date >= ").push_bind(from);
            }
            if let Some(to) = filter.to {
                qb.push(" AND value_date <= ").push_bind(to);
            }
            push_visible_buildings(qb, "building_id", visible);
        };
        let list = List { table: "payments", columns: PAYMENT_COLUMNS, filters, order: "value_date", total: source };
        let (rows, total): (Vec<PaymentRow>, u64) = self.list(tenant, query, list).await?;
        Ok(Page { items: rows.into_iter().map(Payment::try_from).collect::<Result<_, _>>()?, total })
    }

    async fn assign_payment(&self, tenant: TenantId, id: PaymentId, line: CallLineId, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let row: Option<PaymentRow> = sqlx::query_as(AssertSqlSafe(format!(
            "UPDATE payments SET created_at = created_at WHERE organization_id = $1 AND id = $2 RETURNING {PAYMENT_COLUMNS}"
        )))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(payment) = row.map(Payment::try_from).transpose()? else { return Ok(false) };
        if payment.allocation.is_some() {
            return Err(StoreError::Rule(Rule::PaymentAlreadyAssigned));
        }
        let target: Option<(Uuid, Uuid, i64, i64)> = sqlx::query_as(
            r"
                SELECT id, owner_id, working_cents, reserve_cents
                FROM call_lines
                WHERE organization_id = $1 AND building_id = $2 AND id = $3 AND cancelled_at IS NULL",
        )
        .bind(tenant.as_uuid())
        .bind(payment.building_id.as_uuid())
        .bind(line.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(target) = target else { return Ok(false) };
        let a = Allocation::to_line(payment.amount, payment.account, open_line(target)?, MatchedBy::Manual);
        sqlx::query(
            r"
                UPDATE payments
                SET call_line_id = $1, owner_id = $2, working_cents = $3, reserve_cents = $4, matched_by = $5
                WHERE organization_id = $6 AND id = $7",
        )
        .bind(a.line.as_uuid())
        .bind(a.owner.as_uuid())
        .bind(a.working.get())
        .bind(a.reserve.get())
        .bind(a.matched_by.as_str())
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn previous_closing(&self, tenant: TenantId, account: &str, before: NaiveDate) -> StoreResult<Option<(Cents, NaiveDate)>> {
        let row: Option<(i64, NaiveDate)> = sqlx::query_as(
            r"
                SELECT closing_cents, closing_date
                FROM bank_imports
                WHERE organization_id = $1 AND account = $2 AND closing_date IS NOT NULL AND closing_cents IS NOT NULL AND closing_date <
                $3
                ORDER BY closing_date DESC, imported_at DESC LIMIT 1",
        )
        .bind(tenant.as_uuid())
        .bind(account.to_owned())
        .bind(before)
        .fetch_optional(&mut *self.reader(tenant).await?)
        .await
        .map_err(db_error)?;
        row.map(|(cents, day)| Ok((Cents::new(cents).map_err(|e| anyhow::anyhow!("stored balance: {e}"))?, day))).transpose()
    }

    async fn owner_lines(&self, tenant: TenantId, owner: OwnerId) -> StoreResult<Vec<AccountLine>> {
        let rows = sqlx::query(
            r"
                SELECT l.id, l.call_id, l.owner_id, l.working_cents, l.reserve_cents, l.communication, c.building_id, c.title, c.as_of,
                c.due_date, l.cancelled_at
                FROM call_lines l
                JOIN fund_calls c ON c.organization_id = l.organization_id AND c.id = l.call_id
                WHERE l.organization_id = $1 AND l.owner_id = $2
                ORDER BY l.due_date, l.id",
        )
        .bind(tenant.as_uuid())
        .bind(owner.as_uuid())
        .fetch_all(&mut *self.reader(tenant).await?)
        .await
        .map_err(db_error)?;
        rows.iter().map(account_line).collect()
    }

    async fn building_lines(&self, tenant: TenantId, building: BuildingId) -> StoreResult<(Vec<AccountLine>, Vec<(OwnerId, Cents)>)> {
        let mut c = self.reader(tenant).await?;
        let rows = sqlx::query(
            r"
                SELECT l.id, l.call_id, l.owner_id, l.working_cents, l.reserve_cents, l.communication, c.building_id, c.title, c.as_of,
                c.due_date, l.cancelled_at
                FROM call_lines l
                JOIN fund_calls c ON c.organization_id = l.organization_id AND c.id = l.call_id
                WHERE l.organization_id = $1 AND l.building_id = $2 AND l.cancelled_at IS NULL
                ORDER BY l.owner_id, l.due_date, l.id",
        )
        .bind(tenant.as_uuid())
        .bind(building.as_uuid())
        .fetch_all(&mut *c)
        .await
        .map_err(db_error)?;
        let lines = rows.iter().map(account_line).collect::<StoreResult<Vec<_>>>()?;
        let paid: Vec<(Uuid, i64)> = sqlx::query_as(
            r"
                SELECT owner_id, CAST(SUM(amount_cents) AS BIGINT)
                FROM payments
                WHERE organization_id = $1 AND building_id = $2 AND owner_id IS NOT NULL
                GROUP BY owner_id",
        )
        .bind(tenant.as_uuid())
        .bind(building.as_uuid())
        .fetch_all(&mut *c)
        .await
        .map_err(db_error)?;
        let paid = paid
            .into_iter()
            .map(|(owner, sum)| Ok((OwnerId::from_uuid(owner), Cents::new(sum).map_err(|e| anyhow::anyhow!("sum out of range: {e}"))?)))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok((lines, paid))
    }

    async fn positions(
        &self,
        tenant: TenantId,
        building: Option<BuildingId>,
        owner: Option<OwnerId>,
        today: NaiveDate,
        visible: &Visibility,
    ) -> StoreResult<Vec<OwnerPosition>> {
        let filters = |qb: &mut QueryBuilder<Db>, prefix: &str| {
            if let Some(b) = building {
                qb.push(format_args!(" AND {prefix}building_id = ")).push_bind(b.as_uuid());
            }
            push_owner(qb, &format!("{prefix}owner_id"), owner, visible);
            push_visible_buildings(qb, &format!("{prefix}building_id"), visible);
        };
        let mut called = QueryBuilder::<Db>::new(
            r"
                SELECT l.building_id, l.owner_id, o.last_name, o.first_name, CAST(SUM(CASE WHEN l.cancelled_at IS NULL THEN
                l.working_cents ELSE 0 END) AS BIGINT) AS working, CAST(SUM(CASE WHEN l.cancelled_at IS NULL THEN l.reserve_cents ELSE 0
                END) AS BIGINT) AS reserve, CAST(SUM(CASE WHEN l.cancelled_at IS NULL AND l.due_date < ",
        );
        called.push_bind(today);
        called.push(
            r"
                THEN l.working_cents + l.reserve_cents ELSE 0 END) AS BIGINT) AS due FROM call_lines l JOIN owners o ON o.organization_id
                = l.organization_id AND o.id = l.owner_id WHERE l.organization_id = ",
        );
        called.push_bind(tenant.as_uuid());
        filters(&mut called, "l.");
        called.push(
            " GROUP BY l.building_id, l.owner_id, o.last_name, o.first_name ORDER BY o.last_name, o.first_name, l.owner_id, l.building_id",
        );
        let mut paid = QueryBuilder::<Db>::new(
            r"
                SELECT building_id, owner_id, CAST(SUM(working_cents) AS BIGINT), CAST(SUM(reserve_cents) AS BIGINT)
                FROM payments
                WHERE organization_id = ",
        );
        paid.push_bind(tenant.as_uuid());
        paid.push(" AND owner_id IS NOT NULL");
        filters(&mut paid, "");
        paid.push(" GROUP BY building_id, owner_id");
        let mut c = self.reader(tenant).await?;
        let called: Vec<CalledRow> = called.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        let paid: Vec<(Uuid, Uuid, i64, i64)> = paid.build_query_as().fetch_all(&mut *c).await.map_err(db_error)?;
        positions_of(called, paid)
    }
}
