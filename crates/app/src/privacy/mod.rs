//! The persons' rights (GDPR): consent to e-mail convocations, erasure by
//! pseudonym where the accounts must be kept, access to one's data
//! (`access`), and the inventory and register (`inventory`).
//!
//! Every erasure is also written to the erasure log, outside the database, in
//! the erasure's transaction: a backup taken before it would bring the person
//! back, so restoring re-applies the log (`reapply_erasures`).

pub mod access;
pub mod inventory;

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use koprogo_domain::audit::{Change, Outcome};
use koprogo_domain::ids::{OwnerId, TenantId, UserId};
use koprogo_domain::owner::{Owner, Period};
use koprogo_domain::privacy::{check_erasable, pseudonym};

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::{Entry, diff, fields};
use crate::error::{AppError, StoreError};
use crate::ports::privacy::{ErasedOwner, Erasure};

/// Whose identity an erasure replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Owner { organization: TenantId, owner: OwnerId },
    User(UserId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErasureRecord {
    pub at: DateTime<Utc>,
    pub subject: Subject,
}

/// Where erasures are recorded beyond the database (ids only: the log itself
/// holds nothing to erase).
pub trait ErasureLog: Send + Sync {
    /// Durable when it returns: the erasure commits only after.
    fn append(&self, records: &[ErasureRecord]) -> Result<(), StoreError>;
    fn records(&self) -> Result<Vec<ErasureRecord>, StoreError>;
}

/// A log that lives as long as the process: for in-memory databases, whose
/// backups do not outlive it either.
#[derive(Default)]
pub struct MemoryErasureLog(Mutex<Vec<ErasureRecord>>);

impl ErasureLog for MemoryErasureLog {
    fn append(&self, records: &[ErasureRecord]) -> Result<(), StoreError> {
        self.0.lock().map_err(|_| StoreError::Internal(anyhow::anyhow!("erasure log poisoned")))?.extend_from_slice(records);
        Ok(())
    }

    fn records(&self) -> Result<Vec<ErasureRecord>, StoreError> {
        Ok(self.0.lock().map_err(|_| StoreError::Internal(anyhow::anyhow!("erasure log poisoned")))?.clone())
    }
}

/// What re-applying the log changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reapplied {
    pub owners: u32,
    pub users: u32,
}

impl App {
    /// With the log that erasures are written to (without one, erasure is refused).
    pub fn with_erasure_log(mut self, log: Arc<dyn ErasureLog>) -> Self {
        self.parts_mut().erasures = Some(log);
        self
    }

    fn erasure_log(&self) -> Result<Arc<dyn ErasureLog>, AppError> {
        self.erasures.clone().ok_or_else(|| AppError::Internal(anyhow::anyhow!("no erasure log is configured")))
    }

    /// The register's controller: the actor's organisation, or none for the
    /// platform's own register (its admin).
    pub async fn privacy_register(&self, actor: &Actor) -> Result<Option<crate::account::Organization>, AppError> {
        if actor.grant_platform(Action::ReadRegister).is_ok() {
            return Ok(None);
        }
        let grant = actor.grant(Action::ReadRegister)?;
        Ok(self.store.accounts.organization(grant.tenant).await?)
    }

    /// Records (or withdraws) the owner's written agreement to convocations by
    /// e-mail, with its date. The syndic records it from paper; an owner gives
    /// it for their own record.
    pub async fn set_email_consent(&self, actor: &Actor, id: OwnerId, given: bool) -> Result<Owner, AppError> {
        let grant = actor.grant(Action::RecordConsent)?;
        if !grant.sees_owner(id) {
            return Err(AppError::NotFound);
        }
        let mut owner = self.store.owners.owner(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let before = owner.privacy.email_consent_at;
        if given {
            owner.privacy.give_consent(&owner.details, self.clock.now())?
        } else {
            owner.privacy.withdraw_consent()?
        }
        if owner.privacy.email_consent_at == before {
            return Ok(owner);
        }
        let stamp = |at: Option<DateTime<Utc>>| at.map(|t| t.to_rfc3339());
        let changes =
            vec![Change { field: "email_consent_at".to_owned(), before: stamp(before), after: stamp(owner.privacy.email_consent_at) }];
        let action = if given { "owner.consent_given" } else { "owner.consent_withdrawn" };
        let event = self.change(actor, &grant, Entry::new(action, "owner", id.as_uuid(), changes));
        let saved = self.store.privacy.set_email_consent(grant.tenant, id, owner.privacy.email_consent_at, vec![event]).await?;
        if saved { Ok(owner) } else { Err(AppError::NotFound) }
    }

    /// Erases a former owner: identity replaced by a pseudonym everywhere,
    /// amounts kept for the accounts; their logins end with them.
    pub async fn erase_owner(&self, actor: &Actor, id: OwnerId) -> Result<ErasedOwner, AppError> {
        let grant = actor.grant(Action::EraseOwner)?;
        let log = self.erasure_log()?;
        let current = self.store.owners.owner(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        current.privacy.ensure_not_erased()?;
        let (at, today) = (self.clock.now(), self.clock.today());
        let mut erased = current.clone();
        erased.details = koprogo_domain::owner::OwnerDetails {
            first_name: None,
            last_name: pseudonym(id.as_uuid()),
            email: None,
            phone: None,
            address: None,
            iban: None,
            bce_number: None,
            ..current.details.clone()
        };
        let changes = diff(Some(&fields::owner(&current)), Some(&fields::owner(&erased)));
        let event = self.change(actor, &grant, Entry::new("owner.erased", "owner", id.as_uuid(), changes));
        let erasable = move |periods: &[Period]| check_erasable(periods, today);
        let tenant = grant.tenant;
        let write_log = move |users: &[UserId]| {
            let owner = ErasureRecord { at, subject: Subject::Owner { organization: tenant, owner: id } };
            let logins = users.iter().map(|u| ErasureRecord { at, subject: Subject::User(*u) });
            log.append(&std::iter::once(owner).chain(logins).collect::<Vec<_>>())
        };
        let erasure = self.store.privacy.erase_owner(grant.tenant, id, at, &erasable, &write_log, vec![event]);
        match erasure.await? {
            Some(Erasure::Done(done)) => {
                tracing::info!(target: "koprogo::privacy", owner = %id, logins = done.users.len(), payments = done.payments, "owner erased");
                Ok(done)
            }
            Some(Erasure::AlreadyErased) => Err(koprogo_domain::Rule::OwnerErased.into()),
            None => Err(AppError::NotFound),
        }
    }

    /// Erases the actor's own login, once they confirm with their password.
    pub async fn erase_own_account(&self, actor: &Actor, password: &str) -> Result<(), AppError> {
        let log = self.erasure_log()?;
        if actor.role == koprogo_domain::account::Role::PlatformAdmin {
            // The platform's own accounts are managed by its operator.
            return Err(AppError::Forbidden);
        }
        let user = self.store.accounts.user(actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let stored = self.store.accounts.user_by_email(&user.email).await?.map(|(_, hash)| hash);
        if !self.passwords.verify(password, stored.as_deref()).await? {
            let mut v = koprogo_domain::error::Violations::new();
            v.push("password", koprogo_domain::Invalid::Mismatch);
            return Err(AppError::Invalid(v));
        }
        let at = self.clock.now();
        let events = self
            .store
            .accounts
            .memberships(user.id)
            .await?
            .into_iter()
            .map(|(org, _)| {
                self.event(Some(actor), Some(org.id), Entry::new("user.erased", "user", user.id.as_uuid(), Vec::new()), Outcome::Success)
            })
            .collect();
        let write_log =
            move |users: &[UserId]| log.append(&users.iter().map(|u| ErasureRecord { at, subject: Subject::User(*u) }).collect::<Vec<_>>());
        if self.store.privacy.erase_user(user.id, at, true, &write_log, events).await? {
            tracing::info!(target: "koprogo::privacy", user = %user.id, "account erased");
            Ok(())
        } else {
            Err(AppError::Unauthenticated)
        }
    }

    /// Erases again everyone in the log that the database still knows by name:
    /// after a restore from a backup older than their erasure. No check
    /// applies: the erasure was decided when it was first made.
    pub async fn reapply_erasures(&self) -> Result<Reapplied, AppError> {
        let mut done = Reapplied::default();
        let nothing = |_: &[UserId]| Ok(());
        for record in self.erasure_log()?.records()? {
            match record.subject {
                Subject::Owner { organization, owner } => {
                    let entry = Entry::new("owner.erasure_reapplied", "owner", owner.as_uuid(), Vec::new());
                    let event = self.event(None, Some(organization), entry, Outcome::Success);
                    let erasure = self.store.privacy.erase_owner(organization, owner, record.at, &|_| Ok(()), &nothing, vec![event]);
                    if let Some(Erasure::Done(_)) = erasure.await? {
                        done.owners += 1;
                    }
                }
                Subject::User(user) => {
                    if self.store.privacy.erase_user(user, record.at, false, &nothing, Vec::new()).await? {
                        done.users += 1;
                    }
                }
            }
        }
        if done != Reapplied::default() {
            tracing::warn!(target: "koprogo::privacy", owners = done.owners, users = done.users, "erasures re-applied from the log");
        }
        Ok(done)
    }
}
