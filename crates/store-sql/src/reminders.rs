//! The association's reminder rules and the reminders sent (PostgreSQL
//! migration 0005, SQLite 0004).

use koprogo_domain::ids::{BuildingId, CallLineId, OwnerId, ReminderId};
use koprogo_domain::money::Cents;
use koprogo_domain::reminder::{LevelRule, Reminder, ReminderLevel, ReminderPolicy, SentReminder};
use uuid::Uuid;

pub const REMINDER_COLUMNS: &str = "id, building_id, owner_id, call_line_id, level, oldest_due, sent_on, principal_cents, fee_cents, \
     earlier_fees_cents, interest_cents, interest_from, created_at";

#[derive(sqlx::FromRow)]
pub struct ReminderRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub owner_id: Uuid,
    pub call_line_id: Uuid,
    pub level: String,
    pub oldest_due: chrono::NaiveDate,
    pub sent_on: chrono::NaiveDate,
    pub principal_cents: i64,
    pub fee_cents: i64,
    pub earlier_fees_cents: i64,
    pub interest_cents: i64,
    pub interest_from: Option<chrono::NaiveDate>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn cents(name: &str, raw: i64) -> anyhow::Result<Cents> {
    Cents::new(raw).map_err(|e| anyhow::anyhow!("stored {name} is invalid: {e}"))
}

impl TryFrom<ReminderRow> for Reminder {
    type Error = anyhow::Error;

    fn try_from(row: ReminderRow) -> anyhow::Result<Self> {
        Ok(Reminder {
            id: ReminderId::from_uuid(row.id),
            building_id: BuildingId::from_uuid(row.building_id),
            owner_id: OwnerId::from_uuid(row.owner_id),
            call_line: CallLineId::from_uuid(row.call_line_id),
            level: ReminderLevel::parse(&row.level).map_err(|e| anyhow::anyhow!("stored level: {e}"))?,
            oldest_due: row.oldest_due,
            sent_on: row.sent_on,
            principal: cents("principal", row.principal_cents)?,
            fee: cents("fee", row.fee_cents)?,
            earlier_fees: cents("earlier fees", row.earlier_fees_cents)?,
            interest: cents("interest", row.interest_cents)?,
            interest_from: row.interest_from,
            created_at: row.created_at,
        })
    }
}

impl ReminderRow {
    pub fn sent(&self) -> anyhow::Result<(OwnerId, SentReminder)> {
        let level = ReminderLevel::parse(&self.level).map_err(|e| anyhow::anyhow!("stored level: {e}"))?;
        let sent = SentReminder { level, sent_on: self.sent_on, oldest_due: self.oldest_due, fee: cents("fee", self.fee_cents)? };
        Ok((OwnerId::from_uuid(self.owner_id), sent))
    }
}

/// `15,15,15` and `0,1500,2500`: a policy's lists as stored.
pub fn policy_lists(policy: &ReminderPolicy) -> (String, String) {
    let levels = policy.levels();
    let join = |values: Vec<String>| values.join(",");
    (join(levels.iter().map(|l| l.delay_days.to_string()).collect()), join(levels.iter().map(|l| l.fee.get().to_string()).collect()))
}

pub fn policy_from(delays: &str, fees: &str, interest: i64, minimum: i64) -> anyhow::Result<ReminderPolicy> {
    let numbers = |raw: &str| raw.split(',').map(|n| n.trim().parse::<i64>()).collect::<Result<Vec<_>, _>>();
    let (delays, fees) = (numbers(delays)?, numbers(fees)?);
    let rule = |i: usize| -> anyhow::Result<LevelRule> {
        let delay = delays.get(i).copied().ok_or_else(|| anyhow::anyhow!("stored policy lacks delay {i}"))?;
        let fee = fees.get(i).copied().ok_or_else(|| anyhow::anyhow!("stored policy lacks fee {i}"))?;
        Ok(LevelRule { delay_days: u32::try_from(delay)?, fee: cents("fee", fee)? })
    };
    ReminderPolicy::new([rule(0)?, rule(1)?, rule(2)?], u32::try_from(interest)?, cents("minimum", minimum)?)
        .map_err(|(field, why)| anyhow::anyhow!("stored policy: {field} {why}"))
}

#[doc(hidden)]
#[macro_export]
macro_rules! reminder_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::prelude::*;
            use $crate::reminders::*;
            use $crate::sqlx;
            use koprogo_app::listing::ReminderSort;
            use koprogo_app::ports::reminders::{ReminderFilter, ReminderStore};
            use koprogo_domain::ids::ReminderId;
            use koprogo_domain::reminder::{Reminder, ReminderPolicy, SentReminder};

            type Db = $db;

            #[$crate::async_trait::async_trait]
            impl ReminderStore for $store {
                async fn reminder_policy(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Option<ReminderPolicy>> {
                    let row: Option<(String, String, i64, i64)> = sqlx::query_as(
                        "SELECT delays_days, fees_cents, CAST(interest_basis_points AS BIGINT), minimum_cents FROM reminder_policies \
                         WHERE organization_id = $1 AND building_id = $2",
                    )
                    .bind(tenant.as_uuid())
                    .bind(building.as_uuid())
                    .fetch_optional(&mut *self.reader(tenant).await?)
                    .await
                    .map_err(db_error)?;
                    Ok(row.map(|(d, f, i, m)| policy_from(&d, &f, i, m)).transpose()?)
                }

                async fn save_reminder_policy(&self, tenant: TenantId, building: BuildingId, policy: &ReminderPolicy, at: DateTime<Utc>) -> StoreResult<bool> {
                    let (delays, fees) = policy_lists(policy);
                    let mut tx = self.begin(tenant).await?;
                    let saved = sqlx::query(
                        "INSERT INTO reminder_policies (organization_id, building_id, delays_days, fees_cents, interest_basis_points, minimum_cents, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization_id, building_id) DO UPDATE SET delays_days = excluded.delays_days, \
                         fees_cents = excluded.fees_cents, interest_basis_points = excluded.interest_basis_points, minimum_cents = excluded.minimum_cents, \
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
                        Ok(_) => Self::commit(tx).await.map(|()| true),
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

                async fn record_reminders(&self, tenant: TenantId, reminders: &[Reminder]) -> StoreResult<()> {
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
                    Self::commit(tx).await?;
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

                async fn reminders(&self, tenant: TenantId, query: &ListQuery<ReminderSort>, filter: &ReminderFilter, visible: &Visibility) -> StoreResult<Page<Reminder>> {
                    let plain = *visible == Visibility::default() && *filter == ReminderFilter::default();
                    let source = plain.then(|| Total::Counter("reminders".to_owned()));
                    let filters = |qb: &mut QueryBuilder<Db>| {
                        if let Some(b) = filter.building {
                            qb.push(" AND building_id = ").push_bind(b.as_uuid());
                        }
                        for o in [filter.owner, visible.owner].into_iter().flatten() {
                            qb.push(" AND owner_id = ").push_bind(o.as_uuid());
                        }
                        if visible.owner.is_none() && visible.units.is_some() {
                            qb.push(" AND 1 = 0"); // an owner without an owner record has no reminder
                        }
                        if let Some(ids) = &visible.buildings {
                            push_in(qb, "building_id", &ids.iter().map(|b| b.as_uuid()).collect::<Vec<_>>());
                        }
                    };
                    let mut qb = QueryBuilder::new(format!("SELECT {REMINDER_COLUMNS}"));
                    if let Some(source) = &source {
                        push_total(&mut qb, tenant.as_uuid(), source, true);
                    }
                    qb.push(" FROM reminders WHERE organization_id = ").push_bind(tenant.as_uuid());
                    filters(&mut qb);
                    let dir = direction(query);
                    qb.push(format_args!(" ORDER BY sent_on {dir}, id {dir} LIMIT ")).push_bind(int(query.per_page));
                    qb.push(" OFFSET ").push_bind(int(query.offset()));
                    let count = || {
                        let mut count = QueryBuilder::new("SELECT COUNT(*) FROM reminders WHERE organization_id = ");
                        count.push_bind(tenant.as_uuid());
                        filters(&mut count);
                        count
                    };
                    let (rows, total): (Vec<ReminderRow>, u64) = self.fetch_page(qb, tenant, source.as_ref(), count).await?;
                    Ok(Page { items: rows.into_iter().map(Reminder::try_from).collect::<Result<_, _>>()?, total })
                }
            }
        };
    };
}
