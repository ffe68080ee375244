//! Consent and erasure (PostgreSQL migration 0007, SQLite 0006). An erased
//! row stays, with its pseudonym and amounts: the accounts reference it.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

use koprogo_app::ports::privacy::{BeforeCommit, ErasableCheck, ErasedOwner, Erasure, PrivacyStore, SessionSummary};
use koprogo_domain::owner::Period;
use koprogo_domain::privacy::pseudonym;
use koprogo_store_sql::prelude::*;

impl Adapter {
    /// The login's identity goes, its sessions and roles end; the
    /// row stays for the audit trail's actor ids.
    pub(super) async fn erase_user_rows(tx: &mut <Db as Database>::Connection, user: Uuid, at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query(
            r"
                UPDATE users
                SET email = $2, first_name = 'ERASED', last_name = $3, password_hash = '!erased', erased_at = $4
                WHERE id = $1 AND erased_at IS NULL",
        )
        .bind(user)
        .bind(koprogo_store_sql::privacy::erased_email(user))
        .bind(pseudonym(user).to_string())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        for statement in ["DELETE FROM sessions WHERE user_id = $1", "DELETE FROM memberships WHERE user_id = $1"] {
            sqlx::query(statement).bind(user).execute(&mut *tx).await.map_err(db_error)?;
        }
        Ok(())
    }

    /// Unlinks the owner's logins; erases those left with no role at all.
    pub(super) async fn erase_owner_logins(
        tx: &mut <Db as Database>::Connection,
        tenant: Uuid,
        owner: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<(Vec<UserId>, Vec<UserId>)> {
        // An invitation not yet accepted holds the address it was sent to.
        sqlx::query("DELETE FROM invitations WHERE organization_id = $1 AND owner_id = $2")
            .bind(tenant)
            .bind(owner)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let linked: Vec<Uuid> =
            sqlx::query_scalar("DELETE FROM memberships WHERE organization_id = $1 AND owner_id = $2 RETURNING user_id")
                .bind(tenant)
                .bind(owner)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?;
        let (mut erased, mut unlinked) = (Vec::new(), Vec::new());
        for user in linked {
            let keeps: Option<i64> = sqlx::query_scalar(
                r"
                    SELECT CAST(1 AS BIGINT)
                    FROM users u
                    WHERE u.id = $1 AND (u.is_platform_admin OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id))",
            )
            .bind(user)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            if keeps.is_some() {
                unlinked.push(UserId::from_uuid(user));
            } else {
                Self::erase_user_rows(&mut *tx, user, at).await?;
                erased.push(UserId::from_uuid(user));
            }
        }
        Ok((erased, unlinked))
    }
}

/// Clears the counterparty's name, account and message of every bank
/// movement that names the owner: payments they made, refunds paid to them.
async fn clear_bank_movements(c: &mut <Db as Database>::Connection, org: Uuid, id: Uuid, iban: Option<String>) -> StoreResult<u64> {
    // The payer's name, account and message, wherever the bank named this person.
    let payments = sqlx::query(
        r"
            UPDATE payments
            SET counterparty_name = NULL, counterparty_iban = NULL, free_text = NULL
            WHERE organization_id = $1 AND (owner_id = $2 OR counterparty_iban = $3)",
    )
    .bind(org)
    .bind(id)
    .bind(iban.clone())
    .execute(&mut *c)
    .await
    .map_err(db_error)?
    .rows_affected();
    // Money paid out to this person (a refund): the payee's name, account and message.
    let refunds = sqlx::query(
        r"
            UPDATE bank_debits
            SET counterparty_name = NULL, counterparty_iban = NULL, reference = NULL
            WHERE organization_id = $1 AND counterparty_iban = $2",
    )
    .bind(org)
    .bind(iban)
    .execute(&mut *c)
    .await
    .map_err(db_error)?
    .rows_affected();
    Ok(payments + refunds)
}

/// The periods the owner held a unit in.
async fn held_periods(c: &mut <Db as Database>::Connection, org: Uuid, id: Uuid) -> StoreResult<Vec<Period>> {
    let held: Vec<(NaiveDate, Option<NaiveDate>)> =
        sqlx::query_as("SELECT start_date, end_date FROM ownerships WHERE organization_id = $1 AND owner_id = $2")
            .bind(org)
            .bind(id)
            .fetch_all(&mut *c)
            .await
            .map_err(db_error)?;
    let periods = held
        .into_iter()
        .map(|(start, end)| Period::new(start, end).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored period: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(periods)
}

#[async_trait::async_trait]
impl PrivacyStore for Adapter {
    async fn set_email_consent(&self, tenant: TenantId, owner: OwnerId, at: Option<DateTime<Utc>>, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin(tenant).await?;
        let done = sqlx::query("UPDATE owners SET email_consent_at = $3 WHERE organization_id = $1 AND id = $2 AND erased_at IS NULL")
            .bind(tenant.as_uuid())
            .bind(owner.as_uuid())
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        Self::commit(tx, events).await.map(|()| true)
    }

    async fn erase_owner(
        &self,
        tenant: TenantId,
        owner: OwnerId,
        at: DateTime<Utc>,
        erasable: ErasableCheck<'_>,
        before_commit: BeforeCommit<'_>,
        events: Events,
    ) -> StoreResult<Option<Erasure>> {
        let (org, id) = (tenant.as_uuid(), owner.as_uuid());
        let mut tx = self.begin(tenant).await?;
        // The no-op update locks the owner until the erasure commits.
        let locked: Option<(Option<String>, Option<DateTime<Utc>>)> =
            sqlx::query_as("UPDATE owners SET updated_at = updated_at WHERE organization_id = $1 AND id = $2 RETURNING iban, erased_at")
                .bind(org)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        let iban = match locked {
            None => return Ok(None),
            Some((_, Some(_))) => return Ok(Some(Erasure::AlreadyErased)),
            Some((iban, None)) => iban,
        };
        let periods = held_periods(&mut tx, org, id).await?;
        erasable(&periods)?;
        sqlx::query(
            r"
                UPDATE owners
                SET first_name = NULL, last_name = $3, email = NULL, phone = NULL, street = NULL, postal_code = NULL, city = NULL, country
                = NULL, iban = NULL, bce_number = NULL, email_consent_at = NULL, erased_at = $4, updated_at = $4
                WHERE organization_id = $1 AND id = $2",
        )
        .bind(org)
        .bind(id)
        .bind(pseudonym(id).to_string())
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let payments = clear_bank_movements(&mut tx, org, id, iban).await?;
        let (users, unlinked) = Self::erase_owner_logins(&mut tx, org, id, at).await?;
        before_commit(&users)?;
        Self::commit(tx, events).await?;
        Ok(Some(Erasure::Done(ErasedOwner { payments, users, unlinked })))
    }

    async fn erase_user(
        &self,
        user: UserId,
        at: DateTime<Utc>,
        keep_a_syndic: bool,
        before_commit: BeforeCommit<'_>,
        events: Events,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_platform().await?;
        let locked: Option<Option<DateTime<Utc>>> =
            sqlx::query_scalar("UPDATE users SET erased_at = erased_at WHERE id = $1 RETURNING erased_at")
                .bind(user.as_uuid())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        if !matches!(locked, Some(None)) {
            return Ok(false);
        }
        let orphaned: Option<Uuid> = sqlx::query_scalar(
            r"
                SELECT m.organization_id
                FROM memberships m
                WHERE m.user_id = $1 AND m.role = 'syndic' AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.organization_id =
                m.organization_id AND o.role = 'syndic' AND o.user_id <> m.user_id)
                LIMIT 1",
        )
        .bind(user.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        if keep_a_syndic && orphaned.is_some() {
            return Err(StoreError::Rule(Rule::LastSyndic));
        }
        Self::erase_user_rows(&mut tx, user.as_uuid(), at).await?;
        before_commit(&[user])?;
        Self::commit(tx, events).await.map(|()| true)
    }

    async fn owner_accounts(&self, tenant: TenantId, owner: OwnerId) -> StoreResult<Vec<(User, Membership)>> {
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT user_id, role FROM memberships WHERE organization_id = $1 AND owner_id = $2 ORDER BY created_at")
                .bind(tenant.as_uuid())
                .bind(owner.as_uuid())
                .fetch_all(self.platform())
                .await
                .map_err(db_error)?;
        let mut found = Vec::with_capacity(rows.len());
        for (user, role) in rows {
            let Some(user) = self.user(UserId::from_uuid(user)).await? else { continue };
            let role = Role::parse(&role).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored role: {e}")))?;
            let membership = Membership { tenant, user: user.id, role, owner: Some(owner), buildings: Vec::new() };
            found.push((user, membership));
        }
        Ok(found)
    }

    async fn sessions_of(&self, user: UserId) -> StoreResult<Vec<SessionSummary>> {
        let rows: Vec<(String, Option<Uuid>, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>)> = sqlx::query_as(
            "SELECT kind, organization_id, created_at, expires_at, spent_at FROM sessions WHERE user_id = $1 ORDER BY created_at, kind",
        )
        .bind(user.as_uuid())
        .fetch_all(self.platform())
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(kind, tenant, created_at, expires_at, spent_at)| SessionSummary {
                kind,
                tenant: tenant.map(TenantId::from_uuid),
                created_at,
                expires_at,
                spent_at,
            })
            .collect())
    }
}
