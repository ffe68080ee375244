//! Organisations, users, memberships and sessions: sign-up, login, token
//! refresh with rotation, logout, and the actor behind an access token.

use crate::ports::audit::Events;
use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use koprogo_domain::account::{Language, Password, Role};
use koprogo_domain::audit::{Change, EventBody, Outcome};
use koprogo_domain::error::Violations;
use koprogo_domain::identifiers::Email;
use koprogo_domain::ids::{BuildingId, OwnerId, TenantId, UserId};
use koprogo_domain::text::Name;
use koprogo_domain::{Invalid, Rule};
use uuid::Uuid;

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::{Entry, diff, field};
use crate::auth::{issue_token, token_digest};
use crate::error::AppError;
use crate::listing::{ListQuery, OrganizationSort, Page};
use crate::ports::StoreResult;

pub const ACCESS_TTL: Duration = Duration::minutes(15);
pub const REFRESH_TTL: Duration = Duration::days(30);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: TenantId,
    pub name: Name,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub first_name: Name,
    pub last_name: Name,
    pub language: Language,
    pub is_platform_admin: bool,
    pub created_at: DateTime<Utc>,
}

/// A user's role in one organisation, with its scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub tenant: TenantId,
    pub user: UserId,
    pub role: Role,
    /// The owner record of a user whose role is `owner`.
    pub owner: Option<OwnerId>,
    /// The buildings a `board_member` sits on.
    pub buildings: Vec<BuildingId>,
}

/// One login: an access token and a refresh token of the same family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub family: Uuid,
    pub user: UserId,
    pub tenant: Option<TenantId>,
    pub access_digest: [u8; 32],
    pub access_expires: DateTime<Utc>,
    pub refresh_digest: [u8; 32],
    pub refresh_expires: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// The old refresh token is spent; here is its family and owner.
    Rotated {
        family: Uuid,
        user: UserId,
        tenant: Option<TenantId>,
    },
    /// A spent token came back: someone copied it. The family is revoked.
    Reused,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationUsage {
    pub organization: Organization,
    pub buildings: u64,
    pub units: u64,
    pub users: u64,
}

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    /// Creates the organisation, its first user and membership in one transaction.
    /// # Errors
    /// `Conflict("email_taken")`.
    async fn register(&self, organization: &Organization, user: &User, password_hash: &str, role: Role, events: Events) -> StoreResult<()>;
    /// # Errors
    /// `Conflict("email_taken")`.
    async fn insert_user(&self, user: &User, password_hash: &str, events: Events) -> StoreResult<()>;
    async fn insert_organization(&self, organization: &Organization, events: Events) -> StoreResult<()>;
    /// Creates or replaces the user's membership of `membership.tenant`.
    /// # Errors
    /// `Conflict("membership.unknown_reference")` when the owner or a building is not the tenant's.
    async fn save_membership(&self, membership: &Membership, events: Events) -> StoreResult<()>;
    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<(User, String)>>;
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;
    /// The user's memberships, oldest first, with their organisations.
    async fn memberships(&self, user: UserId) -> StoreResult<Vec<(Organization, Membership)>>;
    async fn organization_by_name(&self, name: &str) -> StoreResult<Option<Organization>>;
    async fn organization(&self, id: TenantId) -> StoreResult<Option<Organization>>;
    async fn organizations(&self, query: &ListQuery<OrganizationSort>) -> StoreResult<Page<OrganizationUsage>>;

    async fn insert_session(&self, session: &SessionRecord, events: Events) -> StoreResult<()>;
    /// The actor behind a live access token, with the membership as it is now
    /// (so that role changes apply on the next request). `None` when the token
    /// is unknown, expired, revoked, or its membership is gone.
    async fn actor(&self, access_digest: &[u8; 32], now: DateTime<Utc>) -> StoreResult<Option<(Actor, Uuid)>>;
    /// Spends a refresh token, atomically.
    async fn spend_refresh(&self, refresh_digest: &[u8; 32], now: DateTime<Utc>, events: Events) -> StoreResult<Refresh>;
    async fn end_family(&self, family: Uuid, events: Events) -> StoreResult<()>;
    /// Replaces the password hash and ends every session of the user, in one
    /// transaction.
    async fn set_password(&self, user: UserId, password_hash: &str, events: Events) -> StoreResult<()>;
    /// Replaces the password hash by a stronger one of the same password,
    /// sessions kept, only if it is still `old` (a password changed meanwhile
    /// wins); true when replaced.
    async fn upgrade_password_hash(&self, user: UserId, old: &str, new: &str, events: Events) -> StoreResult<bool>;
    /// Deletes the expired tokens of `user`, or of everyone; returns how many.
    async fn purge_sessions(&self, user: Option<UserId>, now: DateTime<Utc>) -> StoreResult<u64>;
    /// True when no organisation exists (the demo seed refuses anything else).
    async fn is_empty(&self) -> StoreResult<bool>;
}

/// What a successful login, sign-up or refresh hands out.
#[derive(Clone, Debug)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub user: User,
    pub role: Role,
    pub tenant: Option<TenantId>,
}

pub struct Registration<'a> {
    pub organization_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub language: Option<&'a str>,
    /// Where the sign-up comes from, for its throttle.
    pub ip: Option<std::net::IpAddr>,
}

pub struct NewAccount<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub language: Language,
    pub is_platform_admin: bool,
    /// Set by the demo seed alone: its published password is accepted.
    pub demo: bool,
}

/// The user an identity event is about, as an actor of the trail.
fn acting(user: UserId, tenant: Option<TenantId>, role: Role) -> Actor {
    Actor { user_id: user, tenant, role, board_buildings: Vec::new(), owner: None }
}

impl App {
    /// An identity event (`auth.login`, `membership.granted`, …) in the chain of
    /// `tenant` (none: the platform's).
    pub(crate) fn identity_event(
        &self,
        actor: Option<&Actor>,
        tenant: Option<TenantId>,
        action: &str,
        object: Uuid,
        changes: Vec<Change>,
    ) -> EventBody {
        let outcome = if action.ends_with("_failed") || action.ends_with("_replayed") { Outcome::Failed } else { Outcome::Success };
        self.event(actor, tenant, Entry::new(action, "user", object, changes), outcome)
    }

    /// Self-service sign-up: a new organisation whose first user is its syndic.
    pub async fn register(&self, form: Registration<'_>) -> Result<Session, AppError> {
        let mut v = Violations::new();
        let org_name = v.check("organization_name", Name::parse(form.organization_name));
        let account = NewAccount {
            email: form.email,
            password: form.password,
            first_name: form.first_name,
            last_name: form.last_name,
            language: v.check("language", form.language.map_or(Ok(Language::Fr), Language::parse)).unwrap_or(Language::Fr),
            is_platform_admin: false,
            demo: false,
        };
        let parsed = self.parse_account(&account, &mut v, &[form.organization_name]);
        let (Some(org_name), Some((user, password)), true) = (org_name, parsed, v.is_empty()) else {
            return Err(AppError::Invalid(v));
        };
        // Counted once the form is valid: a person correcting a weak password
        // is not held back; every attempt to create (or probe an address) is.
        self.throttle.sign_up(form.ip)?;
        let now = self.clock.now();
        let organization = Organization { id: TenantId::generate(), name: org_name, created_at: now };
        let hash = self.passwords.hash(password.expose()).await?;
        let actor = acting(user.id, Some(organization.id), Role::Syndic);
        let changes = diff(None, Some(&[field("name", Some(organization.name.to_string())), field("role", Some("syndic".to_owned()))]));
        let event = self.identity_event(Some(&actor), Some(organization.id), "organization.registered", organization.id.as_uuid(), changes);
        self.store.accounts.register(&organization, &user, &hash, Role::Syndic, vec![event]).await?;
        self.open_session(user, Some(organization.id), Role::Syndic).await
    }

    pub(crate) fn parse_account(&self, account: &NewAccount<'_>, v: &mut Violations, known: &[&str]) -> Option<(User, Password)> {
        let email = v.check("email", Email::parse(account.email));
        let personal: Vec<&str> = [account.email, account.first_name, account.last_name].into_iter().chain(known.iter().copied()).collect();
        let password = if account.demo && account.password == koprogo_domain::account::DEMO_PASSWORD {
            v.check("password", Password::parse(account.password))
        } else {
            v.check("password", Password::parse_new(account.password, &personal))
        };
        let first_name = v.check("first_name", Name::parse(account.first_name));
        let last_name = v.check("last_name", Name::parse(account.last_name));
        let user = User {
            id: UserId::generate(),
            email: email?,
            first_name: first_name?,
            last_name: last_name?,
            language: account.language,
            is_platform_admin: account.is_platform_admin,
            created_at: self.clock.now(),
        };
        Some((user, password?))
    }

    /// Creates a user (command line and administration); no session.
    pub async fn create_user(&self, account: NewAccount<'_>) -> Result<User, AppError> {
        let mut v = Violations::new();
        let Some((user, password)) = self.parse_account(&account, &mut v, &[]).filter(|_| v.is_empty()) else {
            return Err(AppError::Invalid(v));
        };
        let hash = self.passwords.hash(password.expose()).await?;
        let changes = diff(None, Some(&[field("platform_admin", Some(user.is_platform_admin.to_string()))]));
        let event = self.identity_event(None, None, "user.created", user.id.as_uuid(), changes);
        self.store.accounts.insert_user(&user, &hash, vec![event]).await?;
        Ok(user)
    }

    /// Gives a user a role in an organisation, with the scope the role needs.
    pub async fn grant_membership(&self, membership: Membership) -> Result<(), AppError> {
        let scoped = match membership.role {
            Role::BoardMember => !membership.buildings.is_empty(),
            Role::Owner => membership.owner.is_some(),
            Role::PlatformAdmin => return Err(AppError::invalid("role", Invalid::NotOneOf("syndic accountant board_member owner"))),
            Role::Syndic | Role::Accountant => true,
        };
        if !scoped {
            return Err(AppError::Rule(Rule::RoleScopeMissing));
        }
        let buildings: Vec<String> = membership.buildings.iter().map(ToString::to_string).collect();
        let changes = diff(
            None,
            Some(&[
                field("role", Some(membership.role.as_str().to_owned())),
                field("owner_id", membership.owner.map(|o| o.to_string())),
                field("buildings", Some(buildings.join(","))),
            ]),
        );
        let event = self.identity_event(None, Some(membership.tenant), "membership.granted", membership.user.as_uuid(), changes);
        Ok(self.store.accounts.save_membership(&membership, vec![event]).await?)
    }

    pub async fn create_organization(&self, name: &str) -> Result<Organization, AppError> {
        let name = Name::parse(name).map_err(|e| AppError::invalid("organization", e))?;
        let organization = Organization { id: TenantId::generate(), name, created_at: self.clock.now() };
        let changes = diff(None, Some(&[field("name", Some(organization.name.to_string()))]));
        let event = self.event(
            None,
            Some(organization.id),
            Entry::new("organization.created", "organization", organization.id.as_uuid(), changes),
            Outcome::Success,
        );
        self.store.accounts.insert_organization(&organization, vec![event]).await?;
        Ok(organization)
    }

    /// Checks the password (throttled per IP and per account) and opens a
    /// session in `organization`, or in the user's first organisation.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        organization: Option<TenantId>,
        ip: Option<IpAddr>,
    ) -> Result<Session, AppError> {
        if let Err(throttled) = self.throttle.attempt(ip, email) {
            self.note(self.identity_event(None, None, "auth.login_throttled", Uuid::nil(), Vec::new())).await?;
            return Err(throttled);
        }
        let found = match Email::parse(email) {
            Ok(email) => self.store.accounts.user_by_email(&email).await?,
            Err(_) => None,
        };
        let verified = self.passwords.verify(password, found.as_ref().map(|(_, hash)| hash.as_str())).await?;
        let Some((user, stored)) = found.as_ref().filter(|_| verified).cloned() else {
            tracing::info!(target: "koprogo::auth", outcome = "failure", "login refused");
            // Of a known account, its id; of an unknown one, nothing (never the address typed).
            let known = found.map_or_else(Uuid::nil, |(user, _)| user.id.as_uuid());
            self.note(self.identity_event(None, None, "auth.login_failed", known, Vec::new())).await?;
            self.throttle.failed(ip, email)?;
            return Err(AppError::Unauthenticated);
        };
        self.store.accounts.purge_sessions(Some(user.id), self.clock.now()).await?;
        if crate::auth::below_policy(&stored) {
            self.upgrade_hash(&user, password, &stored).await?;
        }
        if user.is_platform_admin {
            return self.open_session(user, None, Role::PlatformAdmin).await;
        }
        let memberships = self.store.accounts.memberships(user.id).await?;
        let chosen = match organization {
            Some(wanted) => memberships.iter().find(|(org, _)| org.id == wanted).ok_or(AppError::Forbidden)?,
            None => memberships.first().ok_or(AppError::Forbidden)?,
        };
        let (tenant, role) = (chosen.0.id, chosen.1.role);
        self.open_session(user, Some(tenant), role).await
    }

    /// A hash weaker than the policy (made before it, or imported) is replaced
    /// while the password is at hand: the only moment it can be.
    async fn upgrade_hash(&self, user: &User, password: &str, stored: &str) -> Result<(), AppError> {
        let hash = self.passwords.hash(password).await?;
        let event = self.identity_event(None, None, "auth.password_rehashed", user.id.as_uuid(), Vec::new());
        if self.store.accounts.upgrade_password_hash(user.id, stored, &hash, vec![event]).await? {
            tracing::info!(target: "koprogo::auth", user = %user.id, "password hash upgraded to the policy's parameters");
        }
        Ok(())
    }

    pub(crate) async fn open_session(&self, user: User, tenant: Option<TenantId>, role: Role) -> Result<Session, AppError> {
        let event = self.identity_event(Some(&acting(user.id, tenant, role)), tenant, "auth.login", user.id.as_uuid(), Vec::new());
        self.issue_session(Uuid::now_v7(), user, tenant, role, vec![event]).await
    }

    async fn issue_session(
        &self,
        family: Uuid,
        user: User,
        tenant: Option<TenantId>,
        role: Role,
        events: Vec<EventBody>,
    ) -> Result<Session, AppError> {
        let now = self.clock.now();
        let (access, refresh) = (issue_token("kpa_")?, issue_token("kpr_")?);
        let record = SessionRecord {
            family,
            user: user.id,
            tenant,
            access_digest: access.digest,
            access_expires: now + ACCESS_TTL,
            refresh_digest: refresh.digest,
            refresh_expires: now + REFRESH_TTL,
            created_at: now,
        };
        self.store.accounts.insert_session(&record, events).await?;
        Ok(Session { access_token: access.secret, refresh_token: refresh.secret, expires_in: ACCESS_TTL.num_seconds(), user, role, tenant })
    }

    /// Trades a refresh token for a new pair; the old one is spent. Presenting
    /// a spent token again revokes the whole family (it was stolen or replayed).
    pub async fn refresh(&self, refresh_token: &str) -> Result<Session, AppError> {
        let now = self.clock.now();
        match self.store.accounts.spend_refresh(&token_digest(refresh_token), now, Vec::new()).await? {
            Refresh::Rotated { family, user, tenant } => {
                let user = self.store.accounts.user(user).await?.ok_or(AppError::Unauthenticated)?;
                let role = match tenant {
                    None if user.is_platform_admin => Role::PlatformAdmin,
                    None => return Err(AppError::Unauthenticated),
                    Some(tenant) => self.role_in(user.id, tenant).await?.ok_or(AppError::Unauthenticated)?,
                };
                self.issue_session(family, user, tenant, role, Vec::new()).await
            }
            Refresh::Reused => {
                self.note(self.identity_event(None, None, "auth.refresh_replayed", Uuid::nil(), Vec::new())).await?;
                Err(AppError::Unauthenticated)
            }
            Refresh::Unknown => Err(AppError::Unauthenticated),
        }
    }

    async fn role_in(&self, user: UserId, tenant: TenantId) -> Result<Option<Role>, AppError> {
        let memberships = self.store.accounts.memberships(user).await?;
        Ok(memberships.into_iter().find(|(org, _)| org.id == tenant).map(|(_, m)| m.role))
    }

    /// The actor behind an access token; `Unauthenticated` when it is not live.
    /// Every authenticated request starts here, so this is where a request
    /// fails fast (503) while the database is known to be down.
    pub async fn authenticate(&self, access_token: &str) -> Result<(Actor, Uuid), AppError> {
        let admission = self.breaker.admit();
        if admission == crate::breaker::Admission::Refused {
            return Err(AppError::Unavailable(anyhow::anyhow!("the database was unavailable a moment ago")));
        }
        let found = self.store.accounts.actor(&token_digest(access_token), self.clock.now()).await;
        self.breaker.record(admission, matches!(found, Err(crate::StoreError::Unavailable(_))));
        found?.ok_or(AppError::Unauthenticated)
    }

    /// Changes the actor's password, given the current one: every session of
    /// the user ends (a stolen one with it) and a new one is opened for the
    /// caller.
    pub async fn change_password(&self, actor: &Actor, current: &str, new: &str) -> Result<Session, AppError> {
        let mut v = Violations::new();
        let user = self.store.accounts.user(actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let personal = [user.email.as_str(), user.first_name.as_str(), user.last_name.as_str()];
        let new = v.check("new_password", Password::parse_new(new, &personal));
        let stored = self.store.accounts.user_by_email(&user.email).await?.map(|(_, hash)| hash);
        if !self.passwords.verify(current, stored.as_deref()).await? {
            v.push("current_password", Invalid::Mismatch);
        }
        let Some(new) = new.filter(|_| v.is_empty()) else { return Err(AppError::Invalid(v)) };
        let hash = self.passwords.hash(new.expose()).await?;
        let event = self.identity_event(Some(actor), actor.tenant, "auth.password_changed", user.id.as_uuid(), Vec::new());
        self.store.accounts.set_password(user.id, &hash, vec![event]).await?;
        tracing::info!(target: "koprogo::auth", user = %user.id, "password changed; every session ended");
        self.open_session(user, actor.tenant, actor.role).await
    }

    /// Moves the session to another organisation the user belongs to: the old
    /// tokens end, new ones carry the chosen organisation and its role.
    pub async fn switch_organization(&self, actor: &Actor, family: Uuid, tenant: TenantId) -> Result<Session, AppError> {
        let user = self.store.accounts.user(actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let role = self.role_in(user.id, tenant).await?.ok_or(AppError::NotFound)?;
        let changes = diff(None, Some(&[field("organization", Some(tenant.to_string()))]));
        let event = self.identity_event(Some(actor), actor.tenant, "auth.organization_switched", user.id.as_uuid(), changes);
        self.store.accounts.end_family(family, vec![event]).await?;
        self.open_session(user, Some(tenant), role).await
    }

    /// Ends the session family of the token: access and refresh tokens alike.
    pub async fn logout(&self, actor: &Actor, family: Uuid) -> Result<(), AppError> {
        let event = self.identity_event(Some(actor), actor.tenant, "auth.logout", actor.user_id.as_uuid(), Vec::new());
        Ok(self.store.accounts.end_family(family, vec![event]).await?)
    }

    /// The user, and every organisation they may act in.
    pub async fn me(&self, actor: &Actor) -> Result<(User, Vec<(Organization, Membership)>), AppError> {
        let user = self.store.accounts.user(actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
        let memberships = self.store.accounts.memberships(actor.user_id).await?;
        Ok((user, memberships))
    }

    /// Deletes every expired token (spent refresh tokens are kept until they
    /// expire, so that a replay is still recognised). Run periodically.
    pub async fn purge_expired_sessions(&self) -> Result<u64, AppError> {
        Ok(self.store.accounts.purge_sessions(None, self.clock.now()).await?)
    }

    /// Platform view: organisations with their usage, no residents' data.
    pub async fn organizations(&self, actor: &Actor, query: &ListQuery<OrganizationSort>) -> Result<Page<OrganizationUsage>, AppError> {
        actor.grant_platform(Action::ListOrganizations)?;
        Ok(self.store.accounts.organizations(query).await?)
    }
}
