//! An organisation's members, its invitations and the password reset links,
//! on the identity pool.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::ports::team::{Invitation, Joining, TeamStore};
use koprogo_domain::ids::InvitationId;
use koprogo_store_sql::prelude::*;

const INVITATION_COLUMNS: &str = r"
    organization_id, id, email, role, owner_id, building_ids, invited_by, expires_at, accepted_at, revoked_at, created_at";

fn invitation(row: &<Db as Database>::Row) -> StoreResult<Invitation> {
    let get = |e| StoreError::Internal(anyhow::anyhow!("stored invitation: {e}"));
    let email: String = row.try_get("email").map_err(db_error)?;
    let role: String = row.try_get("role").map_err(db_error)?;
    let buildings: String = row.try_get("building_ids").map_err(db_error)?;
    let buildings = buildings
        .split(',')
        .filter(|b| !b.is_empty())
        .map(|b| b.parse().map(BuildingId::from_uuid).map_err(|e| get(format!("{e}"))))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Invitation {
        id: InvitationId::from_uuid(row.try_get("id").map_err(db_error)?),
        tenant: TenantId::from_uuid(row.try_get("organization_id").map_err(db_error)?),
        email: Email::parse(&email).map_err(|e| get(format!("{e}")))?,
        role: Role::parse(&role).map_err(|e| get(format!("{e}")))?,
        owner: row.try_get::<Option<Uuid>, _>("owner_id").map_err(db_error)?.map(OwnerId::from_uuid),
        buildings,
        invited_by: UserId::from_uuid(row.try_get("invited_by").map_err(db_error)?),
        expires_at: row.try_get("expires_at").map_err(db_error)?,
        accepted_at: row.try_get("accepted_at").map_err(db_error)?,
        revoked_at: row.try_get("revoked_at").map_err(db_error)?,
        created_at: row.try_get("created_at").map_err(db_error)?,
    })
}

#[async_trait::async_trait]
impl TeamStore for Adapter {
    async fn members(&self, tenant: TenantId) -> StoreResult<Vec<(User, Membership)>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            r"
                SELECT {}, m.role, m.owner_id
                FROM memberships m
                JOIN users u ON u.id = m.user_id
                WHERE m.organization_id = $1
                ORDER BY u.last_name, u.first_name, u.id",
            USER_COLUMNS.split(", ").map(|c| format!("u.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(tenant.as_uuid())
        .fetch_all(self.platform())
        .await
        .map_err(db_error)?;
        let seats: Vec<(Uuid, Uuid)> =
            sqlx::query_as("SELECT user_id, building_id FROM board_seats WHERE organization_id = $1 ORDER BY building_id")
                .bind(tenant.as_uuid())
                .fetch_all(self.platform())
                .await
                .map_err(db_error)?;
        rows.iter()
            .map(|row| {
                let user = User::try_from(<UserRow as sqlx::FromRow<_>>::from_row(row).map_err(db_error)?)?;
                let role: String = row.try_get("role").map_err(db_error)?;
                let role = Role::parse(&role).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored role: {e}")))?;
                let owner: Option<Uuid> = row.try_get("owner_id").map_err(db_error)?;
                let buildings = seats.iter().filter(|(u, _)| *u == user.id.as_uuid()).map(|(_, b)| BuildingId::from_uuid(*b)).collect();
                let membership = Membership { tenant, user: user.id, role, owner: owner.map(OwnerId::from_uuid), buildings };
                Ok((user, membership))
            })
            .collect()
    }

    async fn invitations(&self, tenant: TenantId) -> StoreResult<Vec<Invitation>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            r"
                SELECT {INVITATION_COLUMNS}
                FROM invitations
                WHERE organization_id = $1 AND accepted_at IS NULL
                ORDER BY created_at DESC, id DESC LIMIT 200"
        )))
        .bind(tenant.as_uuid())
        .fetch_all(self.platform())
        .await
        .map_err(db_error)?;
        rows.iter().map(invitation).collect()
    }

    async fn insert_invitation(&self, i: &Invitation, token_digest: &[u8; 32], events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        let buildings: Vec<String> = i.buildings.iter().map(ToString::to_string).collect();
        sqlx::query(
            r"
                INSERT INTO invitations (organization_id, id, token_digest, email, role, owner_id, building_ids, invited_by, expires_at,
                created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(i.tenant.as_uuid())
        .bind(i.id.as_uuid())
        .bind(token_digest.to_vec())
        .bind(i.email.as_str().to_owned())
        .bind(i.role.as_str())
        .bind(i.owner.map(OwnerId::as_uuid))
        .bind(buildings.join(","))
        .bind(i.invited_by.as_uuid())
        .bind(i.expires_at)
        .bind(i.created_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| match unique_or(e, "invitation.exists") {
            StoreError::Conflict("unknown_reference") => StoreError::Conflict("invitation.unknown_reference"),
            other => other,
        })?;
        Self::commit(tx, events).await
    }

    async fn invitation(&self, token_digest: &[u8; 32], now: DateTime<Utc>) -> StoreResult<Option<(Invitation, Organization)>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            r"
                SELECT {}, o.name AS organization_name, o.created_at AS organization_created_at
                FROM invitations i
                JOIN organizations o ON o.id = i.organization_id
                WHERE i.token_digest = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2",
            INVITATION_COLUMNS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(token_digest.to_vec())
        .bind(now)
        .fetch_optional(self.platform())
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let found = invitation(&row)?;
        let name: String = row.try_get("organization_name").map_err(db_error)?;
        let organization = Organization {
            id: found.tenant,
            name: koprogo_domain::text::Name::parse(&name).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored name: {e}")))?,
            created_at: row.try_get("organization_created_at").map_err(db_error)?,
        };
        Ok(Some((found, organization)))
    }

    async fn accept_invitation(
        &self,
        token_digest: &[u8; 32],
        now: DateTime<Utc>,
        joining: Joining,
        events: Events,
    ) -> StoreResult<Option<Membership>> {
        let mut tx = self.begin_platform().await?;
        let row = sqlx::query(AssertSqlSafe(format!(
            r"
                UPDATE invitations
                SET accepted_at = $2
                WHERE token_digest = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
                RETURNING {INVITATION_COLUMNS}"
        )))
        .bind(token_digest.to_vec())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let accepted = invitation(&row)?;
        let user = match joining {
            Joining::New { user, password_hash } => {
                super::accounts::account_writes::insert_user(&mut tx, &user, &password_hash).await?;
                user.id
            }
            Joining::Existing(user) => user,
        };
        let membership =
            Membership { tenant: accepted.tenant, user, role: accepted.role, owner: accepted.owner, buildings: accepted.buildings };
        super::accounts::account_writes::save_membership(&mut tx, &membership, now).await?;
        Self::commit(tx, events).await?;
        Ok(Some(membership))
    }

    async fn revoke_invitation(&self, tenant: TenantId, id: InvitationId, now: DateTime<Utc>, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin_platform().await?;
        let done = sqlx::query(
            "UPDATE invitations SET revoked_at = $3 WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL",
        )
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if done == 0 {
            return Ok(false);
        }
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn remove_member(&self, tenant: TenantId, user: UserId, events: Events) -> StoreResult<bool> {
        let (t, u) = (tenant.as_uuid(), user.as_uuid());
        let mut tx = self.begin_platform().await?;
        let role: Option<String> = sqlx::query_scalar("SELECT role FROM memberships WHERE organization_id = $1 AND user_id = $2")
            .bind(t)
            .bind(u)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        let Some(role) = role else { return Ok(false) };
        if role == Role::Syndic.as_str() {
            // Every syndic of the organisation is locked (where rows lock), so two
            // syndics removing each other at once cannot leave it with none.
            let syndics: Vec<Uuid> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT user_id FROM memberships WHERE organization_id = $1 AND role = 'syndic'{}",
                Self::LOCKS_HEAD
            )))
            .bind(t)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
            if syndics.iter().all(|s| *s == u) {
                return Err(StoreError::Rule(Rule::LastSyndic));
            }
        }
        for statement in [
            "DELETE FROM board_seats WHERE organization_id = $1 AND user_id = $2",
            "DELETE FROM memberships WHERE organization_id = $1 AND user_id = $2",
            "DELETE FROM sessions WHERE organization_id = $1 AND user_id = $2",
        ] {
            sqlx::query(statement).bind(t).bind(u).execute(&mut *tx).await.map_err(db_error)?;
        }
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn insert_reset(
        &self,
        user: UserId,
        token_digest: &[u8; 32],
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        events: Events,
    ) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        sqlx::query("DELETE FROM password_resets WHERE user_id = $1 AND spent_at IS NULL")
            .bind(user.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("INSERT INTO password_resets (token_digest, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_digest.to_vec())
            .bind(user.as_uuid())
            .bind(expires_at)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        Self::commit(tx, events).await
    }

    async fn reset(&self, token_digest: &[u8; 32], now: DateTime<Utc>) -> StoreResult<Option<UserId>> {
        let user: Option<Uuid> =
            sqlx::query_scalar("SELECT user_id FROM password_resets WHERE token_digest = $1 AND spent_at IS NULL AND expires_at > $2")
                .bind(token_digest.to_vec())
                .bind(now)
                .fetch_optional(self.platform())
                .await
                .map_err(db_error)?;
        Ok(user.map(UserId::from_uuid))
    }

    async fn spend_reset(
        &self,
        token_digest: &[u8; 32],
        now: DateTime<Utc>,
        password_hash: &str,
        events: Events,
    ) -> StoreResult<Option<UserId>> {
        let mut tx = self.begin_platform().await?;
        let user: Option<Uuid> = sqlx::query_scalar(
            "UPDATE password_resets SET spent_at = $2 WHERE token_digest = $1 AND spent_at IS NULL AND expires_at > $2 RETURNING user_id",
        )
        .bind(token_digest.to_vec())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(user) = user else { return Ok(None) };
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user)
            .bind(password_hash.to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user).execute(&mut *tx).await.map_err(db_error)?;
        Self::commit(tx, events).await?;
        Ok(Some(UserId::from_uuid(user)))
    }
}
