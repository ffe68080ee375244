//! The association's reminder rules and the reminders sent (PostgreSQL
//! migration 0005, SQLite 0004).

use super::lists::List;
use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::listing::ReminderSort;
use koprogo_app::ports::reminders::{ReminderFilter, ReminderStore};
use koprogo_domain::ids::ReminderId;
use koprogo_domain::reminder::{Reminder, ReminderPolicy, SentReminder};
use koprogo_store_sql::prelude::*;
use koprogo_store_sql::reminders::*;

#[async_trait::async_trait]
impl ReminderStore for Adapter {
    async fn reminder_policy(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Option<ReminderPolicy>> {
        let row: Option<(String, String, i64, i64)> = sqlx::query_as(
            r"
                SELECT delays_days, fees_cents, CAST(interest_basis_points AS BIGINT), minimum_cents
                FROM reminder_policies
                WHERE organization_id = $1 AND building_id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(building.as_uuid())
        .fetch_optional(&mut *self.reader(tenant).await?)
        .await
        .map_err(db_error)?;
        Ok(row.map(|(d, f, i, m)| policy_from(&d, &f, i, m)).transpose()?)
    }

    async fn save_reminder_policy(
        &self,
        tenant: TenantId,
        building: BuildingId,
        policy: &ReminderPolicy,
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<bool> {
        let (delays, fees) = policy_lists(policy);
        let mut tx = self.begin(tenant).await?;
        let saved = sqlx::query(
            r"
                INSERT INTO reminder_policies (organization_id, building_id, delays_days, fees_cents, interest_basis_points,
                minimum_cents, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT (organization_id, building_id) DO UPDATE SET delays_days = excluded.delays_days, fees_cents =
                excluded.fees_cents, interest_basis_points = excluded.interest_basis_points, minimum_cents = excluded.minimum_cents,
                updated_at = excluded.updated_at",
        )
        .bind(tenant.as_uuid())
        .bind(building.as_uuid())
        .bind(delays)
        .bind(fees)
        .bind(i32::try_from(policy.interest_basis_points()).unwrap_or(0))
        .bind(policy.minimum().get())
        .bind(at)
        .execute(&mut *tx)
        .await;
        match saved.map_err(db_error) {
            Ok(_) => Self::commit(tx, events).await.map(|()| true),
            Err(StoreError::Conflict("unknown_reference")) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn sent_reminders(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Vec<(OwnerId, SentReminder)>> {
        let rows: Vec<ReminderRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT {REMINDER_COLUMNS} FROM reminders WHERE organization_id = $1 AND building_id = $2 ORDER BY sent_on, id"
        )))
        .bind(tenant.as_uuid())
        .bind(building.as_uuid())
        .fetch_all(&mut *self.reader(tenant).await?)
        .await
        .map_err(db_error)?;
        Ok(rows.iter().map(ReminderRow::sent).collect::<Result<_, _>>()?)
    }

    async fn record_reminders(&self, tenant: TenantId, reminders: &[Reminder], events: Events) -> StoreResult<()> {
        if reminders.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin(tenant).await?;
        for chunk in reminders.chunks(200) {
            let mut qb = QueryBuilder::<Db>::new(format!("INSERT INTO reminders (organization_id, {REMINDER_COLUMNS}) "));
            qb.push_values(chunk, |mut b, r| {
                b.push_bind(tenant.as_uuid())
                    .push_bind(r.id.as_uuid())
                    .push_bind(r.building_id.as_uuid())
                    .push_bind(r.owner_id.as_uuid())
                    .push_bind(r.call_line.as_uuid())
                    .push_bind(r.level.as_str())
                    .push_bind(r.oldest_due)
                    .push_bind(r.sent_on)
                    .push_bind(r.principal.get())
                    .push_bind(r.fee.get())
                    .push_bind(r.earlier_fees.get())
                    .push_bind(r.interest.get())
                    .push_bind(r.interest_from)
                    .push_bind(r.created_at);
            });
            qb.build().execute(&mut *tx).await.map_err(|e| unique_or(e, "reminder.exists"))?;
        }
        Self::commit(tx, events).await?;
        Ok(())
    }

    async fn reminder(&self, tenant: TenantId, id: ReminderId) -> StoreResult<Option<Reminder>> {
        let row: Option<ReminderRow> =
            sqlx::query_as(AssertSqlSafe(format!("SELECT {REMINDER_COLUMNS} FROM reminders WHERE organization_id = $1 AND id = $2")))
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .fetch_optional(&mut *self.reader(tenant).await?)
                .await
                .map_err(db_error)?;
        Ok(row.map(Reminder::try_from).transpose()?)
    }

    async fn reminders(
        &self,
        tenant: TenantId,
        query: &ListQuery<ReminderSort>,
        filter: &ReminderFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Reminder>> {
        let plain = *visible == Visibility::default() && *filter == ReminderFilter::default();
        let source = plain.then(|| Total::Counter("reminders".to_owned()));
        let filters = |qb: &mut QueryBuilder<Db>| {
            if let Some(b) = filter.building {
                qb.push(" AND building_id = ").push_bind(b.as_uuid());
            }
            push_owner(qb, "owner_id", filter.owner, visible);
            push_visible_buildings(qb, "building_id", visible);
        };
        let list = List { table: "reminders", columns: REMINDER_COLUMNS, filters, order: "sent_on", total: source };
        let (rows, total): (Vec<ReminderRow>, u64) = self.list(tenant, query, list).await?;
        Ok(Page { items: rows.into_iter().map(Reminder::try_from).collect::<Result<_, _>>()?, total })
    }
}
