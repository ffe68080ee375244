//! Reminders' rows; the port itself is `adapter/reminders.rs`.

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
