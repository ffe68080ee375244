//! The right of access and portability: everything the service holds about a
//! person, gathered in one record. An owner's record is asked by the syndic
//! (on the person's request) or by the owner for themselves; a login's by its
//! user. Each gathering goes into the audit trail as an export.

use chrono::{DateTime, NaiveDate, Utc};
use koprogo_domain::audit::{ChainedEvent, Outcome};
use koprogo_domain::ids::{BuildingId, OwnerId, TenantId};
use koprogo_domain::owner::{Owner, Ownership};
use koprogo_domain::payment::Payment;
use koprogo_domain::reminder::Reminder;

use crate::App;
use crate::access::{Action, Actor};
use crate::account::{Membership, Organization, User};
use crate::audit::Entry;
use crate::error::AppError;
use crate::listing::{AuditSort, ListQuery, MAX_PER_PAGE, OwnershipSort, PaymentSort, ReminderSort};
use crate::ports::audit::AuditFilter;
use crate::ports::money::{AccountLine, OwnerCharge, PaymentFilter};
use crate::ports::privacy::SessionSummary;
use crate::ports::reminders::ReminderFilter;
use crate::ports::{OwnershipFilter, Visibility};
use crate::statements::every_page;

/// A share the owner holds or held, with what names its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holding {
    pub ownership: Ownership,
    pub unit_number: String,
    pub building_id: BuildingId,
    pub building_name: String,
}

/// Everything about one owner record in one organisation.
#[derive(Clone, Debug)]
pub struct OwnerRecord {
    pub generated_at: DateTime<Utc>,
    pub organization: Organization,
    pub owner: Owner,
    pub holdings: Vec<Holding>,
    pub charges: Vec<OwnerCharge>,
    pub calls: Vec<AccountLine>,
    pub payments: Vec<Payment>,
    pub reminders: Vec<Reminder>,
    pub logins: Vec<(User, Membership)>,
    /// Events about the record and events by its logins.
    pub events: Vec<ChainedEvent>,
}

/// Everything about one login, with the owner records it is linked to.
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub generated_at: DateTime<Utc>,
    pub user: User,
    pub memberships: Vec<(Organization, Membership)>,
    pub sessions: Vec<SessionSummary>,
    pub events: Vec<ChainedEvent>,
    pub owners: Vec<OwnerRecord>,
}

impl App {
    /// An owner's data, for the syndic or the owner themself.
    pub async fn owner_personal_data(&self, actor: &Actor, id: OwnerId) -> Result<OwnerRecord, AppError> {
        let grant = actor.grant(Action::ExportPersonalData)?;
        if !grant.sees_owner(id) {
            return Err(AppError::NotFound);
        }
        let record = self.owner_record(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let entry = Entry::new("personal_data.exported", "owner", id.as_uuid(), Vec::new());
        self.note(self.change(actor, &grant, entry)).await?;
        Ok(record)
    }

    /// The actor's own login: account, roles, sessions, what they did, and
    /// the owner records they are linked to.
    pub async fn my_personal_data(&self, actor: &Actor) -> Result<UserRecord, AppError> {
        let user = self.store.accounts.user(actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let memberships = self.store.accounts.memberships(user.id).await?;
        let sessions = self.store.privacy.sessions_of(user.id).await?;
        let mut events = Vec::new();
        let mut owners = Vec::new();
        for (organization, membership) in &memberships {
            events.extend(self.events_of(organization.id, AuditFilter { actor: Some(user.id.as_uuid()), ..AuditFilter::default() }).await?);
            if let Some(owner) = membership.owner
                && let Some(record) = self.owner_record(organization.id, owner).await?
            {
                owners.push(record);
            }
        }
        for (organization, _) in &memberships {
            let entry = Entry::new("personal_data.exported", "user", user.id.as_uuid(), Vec::new());
            self.note(self.event(Some(actor), Some(organization.id), entry, Outcome::Success)).await?;
        }
        Ok(UserRecord { generated_at: self.clock.now(), user, memberships, sessions, events, owners })
    }

    /// Gathers the record; the caller has checked who asks.
    async fn owner_record(&self, tenant: TenantId, id: OwnerId) -> Result<Option<OwnerRecord>, AppError> {
        let Some(owner) = self.store.owners.owner(tenant, id).await? else { return Ok(None) };
        let organization = self.store.accounts.organization(tenant).await?.ok_or(AppError::NotFound)?;
        let everything = Visibility::default();
        let holdings = self.holdings(tenant, id).await?;
        let today = self.clock.today();
        let mut charges = Vec::new();
        let mut buildings: Vec<(BuildingId, NaiveDate)> = Vec::new();
        for h in &holdings {
            match buildings.iter_mut().find(|(b, _)| *b == h.building_id) {
                Some((_, from)) => *from = (*from).min(h.ownership.details.period.start()),
                None => buildings.push((h.building_id, h.ownership.details.period.start())),
            }
        }
        for (building, from) in buildings {
            charges.extend(self.store.charges.owner_charges(tenant, id, building, from, today.max(from)).await?);
        }
        let calls = self.store.payments.owner_lines(tenant, id).await?;
        let filter = PaymentFilter { owner: Some(id), ..PaymentFilter::default() };
        let payments = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: PaymentSort::ValueDate, descending: false };
            let (filter, everything) = (&filter, &everything);
            async move { Ok(self.store.payments.payments(tenant, &query, filter, everything).await?) }
        })
        .await?;
        let filter = ReminderFilter { owner: Some(id), building: None };
        let reminders = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: ReminderSort::SentOn, descending: false };
            let (filter, everything) = (&filter, &everything);
            async move { Ok(self.store.reminders.reminders(tenant, &query, filter, everything).await?) }
        })
        .await?;
        let logins = self.store.privacy.owner_accounts(tenant, id).await?;
        let about = AuditFilter { object_type: Some("owner".to_owned()), object_id: Some(id.as_uuid()), ..AuditFilter::default() };
        let mut events = self.events_of(tenant, about).await?;
        for (user, _) in &logins {
            events.extend(self.events_of(tenant, AuditFilter { actor: Some(user.id.as_uuid()), ..AuditFilter::default() }).await?);
        }
        events.sort_by_key(|e| e.seq);
        events.dedup_by_key(|e| e.seq);
        let generated_at = self.clock.now();
        Ok(Some(OwnerRecord { generated_at, organization, owner, holdings, charges, calls, payments, reminders, logins, events }))
    }

    async fn holdings(&self, tenant: TenantId, id: OwnerId) -> Result<Vec<Holding>, AppError> {
        let filter = OwnershipFilter { owner: Some(id), ..OwnershipFilter::default() };
        let everything = Visibility::default();
        let ownerships = every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: OwnershipSort::StartDate, descending: false };
            let (filter, everything) = (&filter, &everything);
            async move { Ok(self.store.owners.ownerships(tenant, &query, filter, everything).await?) }
        })
        .await?;
        let mut holdings = Vec::with_capacity(ownerships.len());
        for ownership in ownerships {
            let Some(unit) = self.store.units.unit(tenant, ownership.details.unit_id).await? else { continue };
            let building = self.store.buildings.building(tenant, unit.details.building_id).await?;
            holdings.push(Holding {
                unit_number: unit.details.number.to_string(),
                building_id: unit.details.building_id,
                building_name: building.map(|b| b.building.details.name.to_string()).unwrap_or_default(),
                ownership,
            });
        }
        Ok(holdings)
    }

    async fn events_of(&self, tenant: TenantId, filter: AuditFilter) -> Result<Vec<ChainedEvent>, AppError> {
        every_page(|page| {
            let query = ListQuery { page, per_page: MAX_PER_PAGE, sort: AuditSort::Seq, descending: false };
            let filter = &filter;
            async move { Ok(self.store.audit.events(tenant.as_uuid(), &query, filter).await?) }
        })
        .await
    }
}
