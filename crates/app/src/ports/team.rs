//! The port behind an organisation's team: its members, the invitations that
//! bring new ones in, and the single-use links that reset a password. These
//! are identity tables, read before any organisation is known (a link carries
//! only its token), so they live beside users and memberships.

use crate::ports::audit::Events;
use chrono::{DateTime, Utc};
use koprogo_domain::account::Role;
use koprogo_domain::identifiers::Email;
use koprogo_domain::ids::{BuildingId, InvitationId, OwnerId, TenantId, UserId};

use crate::account::{Membership, Organization, User};
use crate::ports::StoreResult;

/// An invitation to join an organisation with a role and its scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub tenant: TenantId,
    pub email: Email,
    pub role: Role,
    /// The owner record an invited owner is linked to.
    pub owner: Option<OwnerId>,
    /// The buildings an invited board member sits on.
    pub buildings: Vec<BuildingId>,
    pub invited_by: UserId,
    pub expires_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Who accepts an invitation: a person new to the service, or a user who
/// already has an account (a syndic's accountant working for two firms).
pub enum Joining {
    New { user: User, password_hash: String },
    Existing(UserId),
}

#[async_trait::async_trait]
pub trait TeamStore: Send + Sync {
    /// The organisation's members with their users, by last name.
    async fn members(&self, tenant: TenantId) -> StoreResult<Vec<(User, Membership)>>;
    /// The organisation's invitations not accepted yet (expired and revoked ones
    /// included, for the record), newest first.
    async fn invitations(&self, tenant: TenantId) -> StoreResult<Vec<Invitation>>;
    /// # Errors
    /// `Conflict("invitation.unknown_reference")` when the owner or a building is not the tenant's.
    async fn insert_invitation(&self, invitation: &Invitation, token_digest: &[u8; 32], events: Events) -> StoreResult<()>;
    /// The live invitation (not accepted, revoked or expired at `now`) behind a token, with its organisation.
    async fn invitation(&self, token_digest: &[u8; 32], now: DateTime<Utc>) -> StoreResult<Option<(Invitation, Organization)>>;
    /// In one transaction: spends the live invitation (so it is used once),
    /// creates the user when new, and gives the membership with its scope.
    /// `Ok(None)` when the invitation is no longer live.
    /// # Errors
    /// `Conflict("email_taken")` when a new user's address was taken meanwhile.
    async fn accept_invitation(
        &self,
        token_digest: &[u8; 32],
        now: DateTime<Utc>,
        joining: Joining,
        events: Events,
    ) -> StoreResult<Option<Membership>>;
    /// Marks a pending invitation revoked; false when there is none.
    async fn revoke_invitation(&self, tenant: TenantId, id: InvitationId, now: DateTime<Utc>, events: Events) -> StoreResult<bool>;
    /// Ends a membership with its seats and the user's sessions in that
    /// organisation; false when there is none.
    /// # Errors
    /// `Rule::LastSyndic` when it is the organisation's last syndic.
    async fn remove_member(&self, tenant: TenantId, user: UserId, events: Events) -> StoreResult<bool>;
    /// Stores a password reset for `user`, replacing any unspent one.
    async fn insert_reset(
        &self,
        user: UserId,
        token_digest: &[u8; 32],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<()>;
    /// The user of the live reset behind the token.
    async fn reset(&self, token_digest: &[u8; 32], now: DateTime<Utc>) -> StoreResult<Option<UserId>>;
    /// In one transaction: spends the live reset behind the token, sets the
    /// password and ends every session of the user. `Ok(None)` when it is not live.
    async fn spend_reset(
        &self,
        token_digest: &[u8; 32],
        now: DateTime<Utc>,
        password_hash: &str,
        events: Events,
    ) -> StoreResult<Option<UserId>>;
}
