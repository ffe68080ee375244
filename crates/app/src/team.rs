//! An organisation's team: who works in it and with which role, the
//! invitations that bring a colleague or an owner in (a link that expires
//! and works once, the role chosen by a syndic), removing a member, and the
//! single-use link that lets a member who forgot their password choose a new
//! one. Links are handed over by the syndic until e-mail is configured.

use chrono::{DateTime, Duration, Utc};
use koprogo_domain::account::{Language, Password, Role};
use koprogo_domain::error::Violations;
use koprogo_domain::identifiers::Email;
use koprogo_domain::ids::{BuildingId, InvitationId, OwnerId, UserId};
use koprogo_domain::{Invalid, Rule};

use crate::App;
use crate::access::{Action, Actor, Grant};
use crate::account::{Membership, NewAccount, Organization, Session, User};
use crate::audit::{diff, field};
use crate::auth::{issue_token, token_digest};
use crate::error::AppError;
use crate::ports::team::{Invitation, Joining};

/// How long an invitation link works.
pub const INVITATION_TTL: Duration = Duration::days(7);
/// How long a password reset link works.
pub const RESET_TTL: Duration = Duration::hours(24);

/// What a syndic fills in to invite someone.
pub struct Invite<'a> {
    pub email: &'a str,
    pub role: &'a str,
    /// For an owner: their owner record.
    pub owner: Option<OwnerId>,
    /// For a board member: the buildings they sit on.
    pub buildings: Vec<BuildingId>,
}

/// The organisation's members and its pending invitations.
pub struct Team {
    pub members: Vec<(User, Membership)>,
    pub invitations: Vec<Invitation>,
}

/// A link's secret, shown once (only its digest is stored), and when it stops working.
pub struct Link {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// What the person invited fills in. For an address that already has an
/// account, `password` is that account's password and the names are not used.
pub struct Acceptance<'a> {
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub password: &'a str,
    pub language: Language,
}

/// An invitation as its link shows it.
pub struct Invited {
    pub invitation: Invitation,
    pub organization: Organization,
    /// The address already has an account: accepting asks for its password.
    pub has_account: bool,
}

impl App {
    pub async fn team(&self, actor: &Actor) -> Result<Team, AppError> {
        let grant = actor.grant(Action::ManageUsers)?;
        let (members, invitations) = tokio::try_join!(self.store.team.members(grant.tenant), self.store.team.invitations(grant.tenant))?;
        Ok(Team { members, invitations })
    }

    /// Invites someone with a role the syndic may give: an accountant, another
    /// syndic, a board member (on their buildings) or an owner (linked to their
    /// owner record). Returns the invitation and its link.
    pub async fn invite(&self, actor: &Actor, invite: Invite<'_>) -> Result<(Invitation, Link), AppError> {
        let grant = actor.grant(Action::ManageUsers)?;
        let mut v = Violations::new();
        let email = v.check("email", Email::parse(invite.email));
        let role = v.check(
            "role",
            Role::parse(invite.role).and_then(|r| if r == Role::PlatformAdmin { Err(Invalid::NotOneOf(GRANTED)) } else { Ok(r) }),
        );
        let (Some(email), Some(role), true) = (email, role, v.is_empty()) else { return Err(AppError::Invalid(v)) };
        let (owner, buildings) = self.scope_of(&grant, role, invite.owner, invite.buildings).await?;
        if let Some((user, _)) = self.store.accounts.user_by_email(&email).await? {
            let memberships = self.store.accounts.memberships(user.id).await?;
            if memberships.iter().any(|(org, _)| org.id == grant.tenant) {
                return Err(AppError::Conflict("invitation.already_member"));
            }
        }
        let now = self.clock.now();
        let token = issue_token("kpi_")?;
        let invitation = Invitation {
            id: InvitationId::generate(),
            tenant: grant.tenant,
            email,
            role,
            owner,
            buildings,
            invited_by: actor.user_id,
            expires_at: now + INVITATION_TTL,
            accepted_at: None,
            revoked_at: None,
            created_at: now,
        };
        let changes = diff(None, Some(&scope_fields(role, owner, &invitation.buildings)));
        let event = self.identity_event(Some(actor), Some(grant.tenant), "invitation.created", invitation.id.as_uuid(), changes);
        match self.store.team.insert_invitation(&invitation, &token.digest, vec![event]).await {
            Err(crate::StoreError::Conflict("invitation.unknown_reference")) => {
                return Err(AppError::invalid("owner_id", Invalid::UnknownReference));
            }
            other => other?,
        }
        let expires_at = invitation.expires_at;
        Ok((invitation, Link { token: token.secret, expires_at }))
    }

    /// The scope a role needs, checked against the organisation's own data.
    async fn scope_of(
        &self,
        grant: &Grant,
        role: Role,
        owner: Option<OwnerId>,
        buildings: Vec<BuildingId>,
    ) -> Result<(Option<OwnerId>, Vec<BuildingId>), AppError> {
        match role {
            Role::Owner => {
                let owner = owner.ok_or(Rule::RoleScopeMissing)?;
                let record = self.store.owners.owner(grant.tenant, owner).await?;
                let record = record.ok_or_else(|| AppError::invalid("owner_id", Invalid::UnknownReference))?;
                if record.privacy.erased_at.is_some() {
                    return Err(Rule::OwnerErased.into());
                }
                Ok((Some(owner), Vec::new()))
            }
            Role::BoardMember => {
                if buildings.is_empty() {
                    return Err(Rule::RoleScopeMissing.into());
                }
                for building in &buildings {
                    if self.store.buildings.building(grant.tenant, *building).await?.is_none() {
                        return Err(AppError::invalid("building_ids", Invalid::UnknownReference));
                    }
                }
                Ok((None, buildings))
            }
            Role::Syndic | Role::Accountant | Role::PlatformAdmin => Ok((None, Vec::new())),
        }
    }

    /// The invitation behind a link, while it is live: what its page shows.
    pub async fn invitation(&self, token: &str) -> Result<Invited, AppError> {
        let (invitation, organization) =
            self.store.team.invitation(&token_digest(token), self.clock.now()).await?.ok_or(AppError::NotFound)?;
        let has_account = self.store.accounts.user_by_email(&invitation.email).await?.is_some();
        Ok(Invited { invitation, organization, has_account })
    }

    /// Accepts an invitation, once: a new account with the invited address
    /// (or the existing account, given its password) joins the organisation
    /// with the role and scope chosen, and is signed in.
    pub async fn accept_invitation(&self, token: &str, form: Acceptance<'_>) -> Result<Session, AppError> {
        let found = self.store.team.invitation(&token_digest(token), self.clock.now()).await?;
        let (invitation, organization) = found.ok_or(AppError::NotFound)?;
        let existing = self.store.accounts.user_by_email(&invitation.email).await?;
        let (user, joining) = match existing {
            Some((user, hash)) => {
                if !self.passwords.verify(form.password, Some(&hash)).await? {
                    return Err(AppError::invalid("password", Invalid::Mismatch));
                }
                let id = user.id;
                (user, Joining::Existing(id))
            }
            None => {
                let mut v = Violations::new();
                let account = NewAccount {
                    email: invitation.email.as_str(),
                    password: form.password,
                    first_name: form.first_name,
                    last_name: form.last_name,
                    language: form.language,
                    is_platform_admin: false,
                    demo: false,
                };
                let parsed = self.parse_account(&account, &mut v, &[organization.name.as_str()]);
                let Some((user, password)) = parsed.filter(|_| v.is_empty()) else { return Err(AppError::Invalid(v)) };
                let password_hash = self.passwords.hash(password.expose()).await?;
                (user.clone(), Joining::New { user, password_hash })
            }
        };
        let changes = diff(None, Some(&scope_fields(invitation.role, invitation.owner, &invitation.buildings)));
        let actor =
            Actor { user_id: user.id, tenant: Some(invitation.tenant), role: invitation.role, board_buildings: Vec::new(), owner: None };
        let event = self.identity_event(Some(&actor), Some(invitation.tenant), "invitation.accepted", invitation.id.as_uuid(), changes);
        let digest = token_digest(token);
        let accepted = self.store.team.accept_invitation(&digest, self.clock.now(), joining, vec![event]);
        let membership = accepted.await?.ok_or(AppError::NotFound)?;
        self.open_session(user, Some(membership.tenant), membership.role).await
    }

    pub async fn revoke_invitation(&self, actor: &Actor, id: InvitationId) -> Result<(), AppError> {
        let grant = actor.grant(Action::ManageUsers)?;
        let event = self.identity_event(Some(actor), Some(grant.tenant), "invitation.revoked", id.as_uuid(), Vec::new());
        let revoked = self.store.team.revoke_invitation(grant.tenant, id, self.clock.now(), vec![event]).await?;
        if revoked { Ok(()) } else { Err(AppError::NotFound) }
    }

    /// Ends a member's access to the organisation (their account stays, with
    /// any other organisation). The last syndic cannot be removed.
    pub async fn remove_member(&self, actor: &Actor, user: UserId) -> Result<(), AppError> {
        let grant = actor.grant(Action::ManageUsers)?;
        let event = self.identity_event(Some(actor), Some(grant.tenant), "membership.removed", user.as_uuid(), Vec::new());
        let removed = self.store.team.remove_member(grant.tenant, user, vec![event]).await?;
        if removed { Ok(()) } else { Err(AppError::NotFound) }
    }

    /// A link for a member to choose a new password, for the syndic to hand
    /// over (the forgotten-password page sends members to their syndic while
    /// the service sends no e-mail). The password changes only when used.
    pub async fn reset_link(&self, actor: &Actor, user: UserId) -> Result<Link, AppError> {
        let grant = actor.grant(Action::ManageUsers)?;
        let members = self.store.team.members(grant.tenant).await?;
        if !members.iter().any(|(u, _)| u.id == user && !u.is_platform_admin) {
            return Err(AppError::NotFound);
        }
        let now = self.clock.now();
        let token = issue_token("kpw_")?;
        let expires_at = now + RESET_TTL;
        let event = self.identity_event(Some(actor), Some(grant.tenant), "auth.password_reset_issued", user.as_uuid(), Vec::new());
        self.store.team.insert_reset(user, &token.digest, expires_at, now, vec![event]).await?;
        Ok(Link { token: token.secret, expires_at })
    }

    /// Sets a new password through a live reset link, once; every session of
    /// the user ends.
    pub async fn reset_password(&self, token: &str, new: &str) -> Result<(), AppError> {
        let digest = token_digest(token);
        let user = self.store.team.reset(&digest, self.clock.now()).await?.ok_or(AppError::NotFound)?;
        let user = self.store.accounts.user(user).await?.ok_or(AppError::NotFound)?;
        let personal = [user.email.as_str(), user.first_name.as_str(), user.last_name.as_str()];
        let password = Password::parse_new(new, &personal).map_err(|e| AppError::invalid("password", e))?;
        let hash = self.passwords.hash(password.expose()).await?;
        let event = self.identity_event(None, None, "auth.password_reset", user.id.as_uuid(), Vec::new());
        let spent = self.store.team.spend_reset(&digest, self.clock.now(), &hash, vec![event]).await?;
        spent.map(|_| ()).ok_or(AppError::NotFound)
    }
}

/// The roles a syndic may give.
const GRANTED: &str = "syndic accountant board_member owner";

fn scope_fields(role: Role, owner: Option<OwnerId>, buildings: &[BuildingId]) -> Vec<crate::audit::Field> {
    let buildings: Vec<String> = buildings.iter().map(ToString::to_string).collect();
    vec![
        field("role", Some(role.as_str().to_owned())),
        field("owner_id", owner.map(|o| o.to_string())),
        field("buildings", Some(buildings.join(","))),
    ]
}
