//! The port of the chase of late payers: the association's reminder rules
//! and the reminders sent. Same contract as the other ports.

use crate::ports::audit::Events;
use chrono::{DateTime, Utc};
use koprogo_domain::ids::{BuildingId, OwnerId, ReminderId, TenantId};
use koprogo_domain::reminder::{Reminder, ReminderPolicy, SentReminder};

use crate::listing::{ListQuery, Page, ReminderSort};
use crate::ports::{StoreResult, Visibility};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReminderFilter {
    pub building: Option<BuildingId>,
    pub owner: Option<OwnerId>,
}

#[async_trait::async_trait]
pub trait ReminderStore: Send + Sync {
    /// The building's own rules; `Ok(None)` when it has none (the defaults
    /// apply) or is missing: callers check the building first.
    async fn reminder_policy(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Option<ReminderPolicy>>;
    /// Replaces the building's rules. `Ok(false)` when the building is missing.
    async fn save_reminder_policy(
        &self,
        tenant: TenantId,
        building: BuildingId,
        policy: &ReminderPolicy,
        at: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<bool>;
    /// Every reminder sent in the building, by owner, as the next step needs it.
    async fn sent_reminders(&self, tenant: TenantId, building: BuildingId) -> StoreResult<Vec<(OwnerId, SentReminder)>>;
    /// Records the reminders in one transaction: all or none.
    /// # Errors
    /// `Conflict("reminder.exists")` when one was recorded meanwhile (same
    /// owner, cycle and level): a second run on the same day adds nothing.
    async fn record_reminders(&self, tenant: TenantId, reminders: &[Reminder], events: Events) -> StoreResult<()>;
    async fn reminder(&self, tenant: TenantId, id: ReminderId) -> StoreResult<Option<Reminder>>;
    async fn reminders(
        &self,
        tenant: TenantId,
        query: &ListQuery<ReminderSort>,
        filter: &ReminderFilter,
        visible: &Visibility,
    ) -> StoreResult<Page<Reminder>>;
}
