//! Chasing late payers: the association's reminder rules, the reminders due
//! today (previewed, then sent and recorded with what each claims), and the
//! letters' figures.

use std::collections::HashMap;

use koprogo_domain::ids::{BuildingId, OwnerId, ReminderId};
use koprogo_domain::money::Cents;
use koprogo_domain::owner::Owner;
use koprogo_domain::reminder::{DueLine, Reminder, ReminderPolicy, SentReminder, arrear, next_reminder};

use crate::App;
use crate::access::{Action, Actor, Grant};
use crate::audit::{Entry, diff, field};
use crate::error::AppError;
use crate::listing::{ListQuery, Page, ReminderSort};
use crate::ports::money::AccountLine;
use crate::ports::reminders::ReminderFilter;
use crate::statements::Association;

/// A reminder with the owner it goes to (for lists and previews).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressedReminder {
    pub reminder: Reminder,
    pub owner_name: String,
}

/// Everything a reminder letter shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderLetter {
    pub association: Association,
    pub reminder: Reminder,
    pub owner: Owner,
    /// The lines still unpaid when it was sent (oldest first), with what is left of each.
    pub open_lines: Vec<(AccountLine, Cents)>,
    /// The line to pay with: its structured communication matches the payment.
    pub pay_with: AccountLine,
    /// Days the letter gives before the next step (the next level's delay).
    pub reply_days: u32,
    /// The yearly interest rate the claim used, in hundredths of a percent.
    pub interest_basis_points: u32,
}

impl App {
    async fn building_in_reach(&self, grant: &Grant, building: BuildingId) -> Result<(), AppError> {
        if !grant.sees_building(building) || self.store.buildings.building(grant.tenant, building).await?.is_none() {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    /// The building's reminder rules (the defaults when it set none).
    pub async fn reminder_policy(&self, actor: &Actor, building: BuildingId) -> Result<ReminderPolicy, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        self.building_in_reach(&grant, building).await?;
        Ok(self.store.reminders.reminder_policy(grant.tenant, building).await?.unwrap_or_default())
    }

    pub async fn set_reminder_policy(
        &self,
        actor: &Actor,
        building: BuildingId,
        policy: ReminderPolicy,
    ) -> Result<ReminderPolicy, AppError> {
        let grant = actor.grant(Action::SendReminders)?;
        let levels = policy.levels();
        let changes = diff(
            None,
            Some(&[
                field("delays_days", Some(levels.iter().map(|l| l.delay_days.to_string()).collect::<Vec<_>>().join(","))),
                field("fees", Some(levels.iter().map(|l| l.fee.to_string()).collect::<Vec<_>>().join(","))),
                field("interest_basis_points", Some(policy.interest_basis_points().to_string())),
                field("minimum", Some(policy.minimum().to_string())),
            ]),
        );
        let event = self.change(actor, &grant, Entry::new("reminder_policy.saved", "building", building.as_uuid(), changes));
        let saved = self.store.reminders.save_reminder_policy(grant.tenant, building, &policy, self.clock.now(), vec![event]);
        if !saved.await? {
            return Err(AppError::NotFound);
        }
        Ok(policy)
    }

    /// The reminders due today in the building (named in a request's body:
    /// an unknown one is an invalid field), one per late owner at most.
    async fn due_reminders(&self, grant: &Grant, building: BuildingId) -> Result<Vec<AddressedReminder>, AppError> {
        self.building_in_reach(grant, building)
            .await
            .map_err(|_| AppError::invalid("building_id", koprogo_domain::Invalid::UnknownReference))?;
        let policy = self.store.reminders.reminder_policy(grant.tenant, building).await?.unwrap_or_default();
        let (lines, paid) = self.store.payments.building_lines(grant.tenant, building).await?;
        let sent = self.store.reminders.sent_reminders(grant.tenant, building).await?;
        let mut by_owner: HashMap<OwnerId, Vec<DueLine>> = HashMap::new();
        for l in &lines {
            let amount = Cents::new(l.line.working.get() + l.line.reserve.get()).unwrap_or_default();
            by_owner.entry(l.line.owner).or_default().push(DueLine { line: l.line.id, due_date: l.due_date, amount });
        }
        let paid: HashMap<OwnerId, Cents> = paid.into_iter().collect();
        let mut sent_by: HashMap<OwnerId, Vec<SentReminder>> = HashMap::new();
        for (owner, reminder) in sent {
            sent_by.entry(owner).or_default().push(reminder);
        }
        let now = self.clock.now();
        let today = crate::ports::belgian_day(now);
        let mut due = Vec::new();
        for (owner, owner_lines) in &by_owner {
            let Some(late) = arrear(owner_lines, paid.get(owner).copied().unwrap_or_default(), today) else { continue };
            let Some(next) = next_reminder(&policy, &late, sent_by.get(owner).map_or(&[][..], Vec::as_slice), today) else { continue };
            due.push(Reminder {
                id: ReminderId::generate(),
                building_id: building,
                owner_id: *owner,
                call_line: late.oldest.line,
                level: next.level,
                oldest_due: late.oldest.due_date,
                sent_on: today,
                principal: next.principal,
                fee: next.fee,
                earlier_fees: next.earlier_fees,
                interest: next.interest,
                interest_from: next.interest_from,
                created_at: now,
            });
        }
        self.addressed(grant, due).await
    }

    async fn addressed(&self, grant: &Grant, reminders: Vec<Reminder>) -> Result<Vec<AddressedReminder>, AppError> {
        let ids: Vec<OwnerId> = reminders.iter().map(|r| r.owner_id).collect();
        let names: HashMap<OwnerId, String> =
            self.store.owners.owners_by_id(grant.tenant, &ids).await?.into_iter().map(|o| (o.id, o.details.display_name())).collect();
        let mut addressed: Vec<AddressedReminder> = reminders
            .into_iter()
            .map(|reminder| AddressedReminder { owner_name: names.get(&reminder.owner_id).cloned().unwrap_or_default(), reminder })
            .collect();
        addressed.sort_by(|a, b| a.owner_name.to_lowercase().cmp(&b.owner_name.to_lowercase()).then(a.reminder.id.cmp(&b.reminder.id)));
        Ok(addressed)
    }

    /// What sending the reminders today would do; nothing is recorded.
    pub async fn preview_reminders(&self, actor: &Actor, building: BuildingId) -> Result<Vec<AddressedReminder>, AppError> {
        let grant = actor.grant(Action::SendReminders)?;
        self.due_reminders(&grant, building).await
    }

    /// Records today's reminders of the building, all in one transaction;
    /// running it again the same day finds none due and adds nothing.
    pub async fn send_reminders(&self, actor: &Actor, building: BuildingId) -> Result<Vec<AddressedReminder>, AppError> {
        let grant = actor.grant(Action::SendReminders)?;
        let due = self.due_reminders(&grant, building).await?;
        let reminders: Vec<Reminder> = due.iter().map(|a| a.reminder.clone()).collect();
        let events = reminders
            .iter()
            .map(|r| {
                let changes = diff(
                    None,
                    Some(&[
                        field("owner_id", Some(r.owner_id.to_string())),
                        field("level", Some(r.level.as_str().to_owned())),
                        field("total", Some(r.total().to_string())),
                    ]),
                );
                self.change(actor, &grant, Entry::new("reminder.sent", "reminder", r.id.as_uuid(), changes))
            })
            .collect();
        self.store.reminders.record_reminders(grant.tenant, &reminders, events).await?;
        Ok(due)
    }

    pub async fn reminders(
        &self,
        actor: &Actor,
        query: &ListQuery<ReminderSort>,
        filter: &ReminderFilter,
    ) -> Result<Page<AddressedReminder>, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        if !grant.reaches(filter.building) {
            return Ok(Page::empty());
        }
        let page = self.store.reminders.reminders(grant.tenant, query, filter, &grant.visible).await?;
        let total = page.total;
        Ok(Page { items: self.addressed(&grant, page.items).await?, total })
    }

    pub async fn reminder(&self, actor: &Actor, id: ReminderId) -> Result<Reminder, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        let reminder = self.store.reminders.reminder(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if grant.sees_building(reminder.building_id) && grant.sees_owner(reminder.owner_id) {
            Ok(reminder)
        } else {
            Err(AppError::NotFound)
        }
    }

    pub async fn addressed_reminder(&self, actor: &Actor, id: ReminderId) -> Result<AddressedReminder, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        let reminder = self.reminder(actor, id).await?;
        self.addressed(&grant, vec![reminder]).await?.pop().ok_or(AppError::NotFound)
    }

    /// A reminder with the lines it chased, as the letter shows them.
    pub async fn reminder_letter(&self, actor: &Actor, id: ReminderId) -> Result<ReminderLetter, AppError> {
        let grant = actor.grant(Action::ReadPayments)?;
        let reminder = self.reminder(actor, id).await?;
        let association = self.association(&grant, reminder.building_id).await?;
        let owner = self.store.owners.owner(grant.tenant, reminder.owner_id).await?.ok_or(AppError::NotFound)?;
        let lines: Vec<AccountLine> = self
            .store
            .payments
            .owner_lines(grant.tenant, owner.id)
            .await?
            .into_iter()
            .filter(|l| l.building_id == reminder.building_id)
            .collect();
        let pay_with = lines.iter().find(|l| l.line.id == reminder.call_line).cloned().ok_or(AppError::NotFound)?;
        let (_, paid) = self.store.payments.building_lines(grant.tenant, reminder.building_id).await?;
        let paid = paid.into_iter().find(|(o, _)| *o == owner.id).map_or(0, |(_, p)| p.get());
        let policy = self.store.reminders.reminder_policy(grant.tenant, reminder.building_id).await?.unwrap_or_default();
        let reply_days = policy.rule(reminder.level.next().unwrap_or(reminder.level)).delay_days;
        Ok(ReminderLetter {
            association,
            open_lines: open_lines(lines, paid, reminder.sent_on),
            reminder,
            owner,
            pay_with,
            reply_days,
            interest_basis_points: policy.interest_basis_points(),
        })
    }
}

/// The lines due before `day` that `paid` (settling the oldest first) leaves open.
fn open_lines(lines: Vec<AccountLine>, paid: i64, day: chrono::NaiveDate) -> Vec<(AccountLine, Cents)> {
    let mut left = paid;
    let mut open = Vec::new();
    for l in lines {
        let amount = l.line.working.get() + l.line.reserve.get();
        let covered = left.min(amount).max(0);
        left -= covered;
        if amount > covered && l.due_date < day {
            open.push((l, Cents::new(amount - covered).unwrap_or_default()));
        }
    }
    open
}
