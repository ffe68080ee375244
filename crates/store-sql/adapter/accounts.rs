//! Organisations, users, memberships and sessions.

use super::{Adapter, Db};
use koprogo_store_sql::Connections as _;

/// Writes the account store and the team store share, in their callers' transactions.
#[doc(hidden)]
pub(super) mod account_writes {
    use super::Db;
    use koprogo_store_sql::prelude::*;

    pub(crate) type Tx = sqlx::Transaction<'static, Db>;

    pub(crate) async fn insert_user(tx: &mut Tx, user: &User, password_hash: &str) -> StoreResult<()> {
        sqlx::query(
            r"
                INSERT INTO users (id, email, password_hash, first_name, last_name, language, is_platform_admin, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(user.id.as_uuid())
        .bind(user.email.as_str().to_owned())
        .bind(password_hash.to_owned())
        .bind(user.first_name.to_string())
        .bind(user.last_name.to_string())
        .bind(user.language.as_str())
        .bind(user.is_platform_admin)
        .bind(user.created_at)
        .execute(&mut **tx)
        .await
        .map_err(|e| unique_or(e, "email_taken"))?;
        Ok(())
    }

    pub(crate) async fn insert_organization(tx: &mut Tx, organization: &Organization) -> StoreResult<()> {
        sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(organization.id.as_uuid())
            .bind(organization.name.to_string())
            .bind(organization.created_at)
            .execute(&mut **tx)
            .await
            .map_err(|e| unique_or(e, "organization.exists"))?;
        Ok(())
    }

    pub(crate) async fn save_membership(tx: &mut Tx, m: &Membership, now: DateTime<Utc>) -> StoreResult<()> {
        let reference = |e| match unique_or(e, "membership.exists") {
            StoreError::Conflict("unknown_reference") => StoreError::Conflict("membership.unknown_reference"),
            other => other,
        };
        sqlx::query(
            r"
                INSERT INTO memberships (organization_id, user_id, role, owner_id, created_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role, owner_id = excluded.owner_id",
        )
        .bind(m.tenant.as_uuid())
        .bind(m.user.as_uuid())
        .bind(m.role.as_str())
        .bind(m.owner.map(OwnerId::as_uuid))
        .bind(now)
        .execute(&mut **tx)
        .await
        .map_err(reference)?;
        sqlx::query("DELETE FROM board_seats WHERE organization_id = $1 AND user_id = $2")
            .bind(m.tenant.as_uuid())
            .bind(m.user.as_uuid())
            .execute(&mut **tx)
            .await
            .map_err(db_error)?;
        for building in &m.buildings {
            sqlx::query("INSERT INTO board_seats (organization_id, user_id, building_id) VALUES ($1, $2, $3)")
                .bind(m.tenant.as_uuid())
                .bind(m.user.as_uuid())
                .bind(building.as_uuid())
                .execute(&mut **tx)
                .await
                .map_err(reference)?;
        }
        Ok(())
    }
}

use self::account_writes::{insert_organization, insert_user, save_membership};
use koprogo_store_sql::prelude::*;

#[async_trait::async_trait]
impl AccountStore for Adapter {
    async fn register(&self, organization: &Organization, user: &User, password_hash: &str, role: Role, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        insert_organization(&mut tx, organization).await?;
        insert_user(&mut tx, user, password_hash).await?;
        let membership = Membership { tenant: organization.id, user: user.id, role, owner: None, buildings: Vec::new() };
        save_membership(&mut tx, &membership, organization.created_at).await?;
        Self::commit(tx, events).await
    }

    async fn insert_user(&self, user: &User, password_hash: &str, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        insert_user(&mut tx, user, password_hash).await?;
        Self::commit(tx, events).await
    }

    async fn insert_organization(&self, organization: &Organization, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        insert_organization(&mut tx, organization).await?;
        Self::commit(tx, events).await
    }

    async fn save_membership(&self, membership: &Membership, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        save_membership(&mut tx, membership, Utc::now()).await?;
        Self::commit(tx, events).await
    }

    async fn user_by_email(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
        let row = sqlx::query(AssertSqlSafe(format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1")))
            .bind(email.as_str().to_owned())
            .fetch_optional(self.platform())
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let hash: String = row.try_get("password_hash").map_err(db_error)?;
        let user = <UserRow as sqlx::FromRow<_>>::from_row(&row).map_err(db_error)?;
        Ok(Some((User::try_from(user)?, hash)))
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        let row: Option<UserRow> = sqlx::query_as(AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1")))
            .bind(id.as_uuid())
            .fetch_optional(self.platform())
            .await
            .map_err(db_error)?;
        Ok(row.map(User::try_from).transpose()?)
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<(Organization, Membership)>> {
        let rows = sqlx::query(
            r"
                SELECT o.id, o.name, o.created_at, m.role, m.owner_id
                FROM memberships m
                JOIN organizations o ON o.id = m.organization_id
                WHERE m.user_id = $1
                ORDER BY m.created_at, o.id",
        )
        .bind(user.as_uuid())
        .fetch_all(self.platform())
        .await
        .map_err(db_error)?;
        // Only a board member has seats: everyone else is spared the query.
        let mut seats: Vec<(Uuid, Uuid)> = Vec::new();
        if rows.iter().any(|row| row.try_get::<&str, _>("role").is_ok_and(|role| role == Role::BoardMember.as_str())) {
            seats = sqlx::query_as("SELECT organization_id, building_id FROM board_seats WHERE user_id = $1 ORDER BY building_id")
                .bind(user.as_uuid())
                .fetch_all(self.platform())
                .await
                .map_err(db_error)?;
        }
        let mut found = Vec::with_capacity(rows.len());
        for row in rows {
            let organization = Organization::try_from(<OrganizationRow as sqlx::FromRow<_>>::from_row(&row).map_err(db_error)?)?;
            let role: String = row.try_get("role").map_err(db_error)?;
            let owner: Option<Uuid> = row.try_get("owner_id").map_err(db_error)?;
            let buildings =
                seats.iter().filter(|(org, _)| *org == organization.id.as_uuid()).map(|(_, b)| BuildingId::from_uuid(*b)).collect();
            let role = Role::parse(&role).map_err(|e| StoreError::Internal(anyhow::anyhow!("stored role: {e}")))?;
            let membership = Membership { tenant: organization.id, user, role, owner: owner.map(OwnerId::from_uuid), buildings };
            found.push((organization, membership));
        }
        Ok(found)
    }

    async fn organization_by_name(&self, name: &str) -> StoreResult<Option<Organization>> {
        let row: Option<OrganizationRow> =
            sqlx::query_as("SELECT id, name, created_at FROM organizations WHERE name = $1 ORDER BY created_at LIMIT 1")
                .bind(name.trim().to_owned())
                .fetch_optional(self.platform())
                .await
                .map_err(db_error)?;
        Ok(row.map(Organization::try_from).transpose()?)
    }

    async fn organization(&self, id: TenantId) -> StoreResult<Option<Organization>> {
        let row: Option<OrganizationRow> = sqlx::query_as("SELECT id, name, created_at FROM organizations WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(self.platform())
            .await
            .map_err(db_error)?;
        Ok(row.map(Organization::try_from).transpose()?)
    }

    async fn organizations(&self, query: &ListQuery<OrganizationSort>) -> StoreResult<Page<OrganizationUsage>> {
        let column = match query.sort {
            OrganizationSort::Name => "o.name",
            OrganizationSort::CreatedAt => "o.created_at",
        };
        let dir = direction(query);
        let mut qb = QueryBuilder::<Db>::new(
            r"
                SELECT o.id, o.name, o.created_at, COALESCE((SELECT value FROM counters c WHERE c.organization_id = o.id AND c.name =
                'buildings'), 0) AS buildings, COALESCE((SELECT value FROM counters c WHERE c.organization_id = o.id AND c.name =
                'units'), 0) AS units, (SELECT COUNT(*) FROM memberships m WHERE m.organization_id = o.id) AS users
                FROM organizations o",
        );
        qb.push(format_args!(" ORDER BY {column} {dir}, o.id {dir}"));
        push_page(&mut qb, query.per_page, query.offset());
        let rows = qb.build().fetch_all(self.platform()).await.map_err(db_error)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let organization = Organization::try_from(<OrganizationRow as sqlx::FromRow<_>>::from_row(&row).map_err(db_error)?)?;
            let figure = |name: &str| row.try_get::<i64, _>(name).map(|v| u64::try_from(v).unwrap_or(0)).map_err(db_error);
            items.push(OrganizationUsage {
                organization,
                buildings: figure("buildings")?,
                units: figure("units")?,
                users: figure("users")?,
            });
        }
        let total = self.count(QueryBuilder::new("SELECT COUNT(*) FROM organizations")).await?;
        Ok(Page { items, total })
    }

    async fn insert_session(&self, s: &SessionRecord, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        for (digest, kind, expires) in [(&s.access_digest, "access", s.access_expires), (&s.refresh_digest, "refresh", s.refresh_expires)] {
            sqlx::query(
                r"
                    INSERT INTO sessions (token_digest, family, kind, user_id, organization_id, expires_at, spent_at, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)",
            )
            .bind(digest.to_vec())
            .bind(s.family)
            .bind(kind)
            .bind(s.user.as_uuid())
            .bind(s.tenant.map(TenantId::as_uuid))
            .bind(expires)
            .bind(s.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        Self::commit(tx, events).await
    }

    async fn actor(&self, digest: &[u8; 32], now: DateTime<Utc>) -> StoreResult<Option<(Actor, Uuid)>> {
        let mut connection = self.session_reader().await?;
        let row: Option<ActorRow> = sqlx::query_as(AssertSqlSafe(format!(
            // Sub-selects, not joins: each is a primary-key probe whatever
            // the tables' sizes (joins got hash plans over whole tables).
            r"
                SELECT s.family, s.user_id, s.organization_id, (SELECT u.is_platform_admin FROM users u WHERE u.id = s.user_id) AS
                is_platform_admin, (SELECT m.role FROM memberships m WHERE m.organization_id = s.organization_id AND m.user_id =
                s.user_id) AS role, (SELECT m.owner_id FROM memberships m WHERE m.organization_id = s.organization_id AND m.user_id =
                s.user_id) AS owner_id{}
                FROM sessions s
                WHERE s.token_digest = $1 AND s.kind = 'access' AND s.expires_at > $2",
            <Adapter>::SETS_TENANT
        )))
        .bind(digest.to_vec())
        .bind(now)
        .fetch_optional(&mut *connection)
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        if let Some(tenant) = row.organization_id {
            self.keep_for_request(TenantId::from_uuid(tenant), connection);
        }
        let family = row.family;
        let (mut seats, mut owner) = (Vec::new(), None);
        if let (Some(tenant), Some(role)) = (row.organization_id, row.role.as_deref()) {
            if role == "board_member" {
                let ids: Vec<Uuid> = sqlx::query_scalar("SELECT building_id FROM board_seats WHERE organization_id = $1 AND user_id = $2")
                    .bind(tenant)
                    .bind(row.user_id)
                    .fetch_all(self.platform())
                    .await
                    .map_err(db_error)?;
                seats = ids.into_iter().map(BuildingId::from_uuid).collect();
            }
            if let (Some(owner_id), "owner") = (row.owner_id, role) {
                let held: Vec<(Uuid, Uuid)> = sqlx::query_as(
                    r"
                        SELECT s.unit_id, u.building_id
                        FROM ownerships s
                        JOIN units u ON u.organization_id = s.organization_id AND u.id = s.unit_id
                        WHERE s.organization_id = $1 AND s.owner_id = $2 AND s.start_date <= $3 AND (s.end_date IS NULL OR s.end_date >
                        $3)",
                )
                .bind(tenant)
                .bind(owner_id)
                .bind(now.date_naive())
                .fetch_all(&mut *self.reader(TenantId::from_uuid(tenant)).await?)
                .await
                .map_err(db_error)?;
                let mut buildings: Vec<BuildingId> = held.iter().map(|(_, b)| BuildingId::from_uuid(*b)).collect();
                buildings.sort();
                buildings.dedup();
                let units = held.iter().map(|(u, _)| UnitId::from_uuid(*u)).collect();
                owner = Some(OwnerScope { owner_id: OwnerId::from_uuid(owner_id), units, buildings });
            }
        }
        Ok(row.into_actor(seats, owner)?.map(|actor| (actor, family)))
    }

    async fn spend_refresh(&self, digest: &[u8; 32], now: DateTime<Utc>, events: Events) -> StoreResult<Refresh> {
        let mut tx = self.begin_platform().await?;
        let spent: Option<(Uuid, Uuid, Option<Uuid>)> = sqlx::query_as(
            r"
                UPDATE sessions
                SET spent_at = $2
                WHERE token_digest = $1 AND kind = 'refresh' AND spent_at IS NULL AND expires_at > $2
                RETURNING family, user_id, organization_id",
        )
        .bind(digest.to_vec())
        .bind(now)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let outcome = match spent {
            Some((family, user, tenant)) => {
                sqlx::query("DELETE FROM sessions WHERE family = $1 AND kind = 'access'")
                    .bind(family)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                Refresh::Rotated { family, user: UserId::from_uuid(user), tenant: tenant.map(TenantId::from_uuid) }
            }
            None => {
                let reused: Option<Uuid> =
                    sqlx::query_scalar("SELECT family FROM sessions WHERE token_digest = $1 AND kind = 'refresh' AND spent_at IS NOT NULL")
                        .bind(digest.to_vec())
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(db_error)?;
                match reused {
                    Some(family) => {
                        sqlx::query("DELETE FROM sessions WHERE family = $1").bind(family).execute(&mut *tx).await.map_err(db_error)?;
                        Refresh::Reused
                    }
                    None => Refresh::Unknown,
                }
            }
        };
        Self::commit(tx, events).await?;
        Ok(outcome)
    }

    async fn set_password(&self, user: UserId, password_hash: &str, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user.as_uuid())
            .bind(password_hash.to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.as_uuid()).execute(&mut *tx).await.map_err(db_error)?;
        Self::commit(tx, events).await
    }

    async fn upgrade_password_hash(&self, user: UserId, old: &str, new: &str, events: Events) -> StoreResult<bool> {
        let mut tx = self.begin_platform().await?;
        let replaced = sqlx::query("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
            .bind(user.as_uuid())
            .bind(old.to_owned())
            .bind(new.to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?
            .rows_affected();
        if replaced == 0 {
            // Nothing changed: rolled back, and its event with it.
            return Ok(false);
        }
        Self::commit(tx, events).await?;
        Ok(true)
    }

    async fn end_family(&self, family: Uuid, events: Events) -> StoreResult<()> {
        let mut tx = self.begin_platform().await?;
        sqlx::query("DELETE FROM sessions WHERE family = $1").bind(family).execute(&mut *tx).await.map_err(db_error)?;
        Self::commit(tx, events).await
    }

    async fn purge_sessions(&self, user: Option<UserId>, now: DateTime<Utc>) -> StoreResult<u64> {
        let mut qb = QueryBuilder::<Db>::new("DELETE FROM sessions WHERE expires_at < ");
        qb.push_bind(now);
        if let Some(user) = user {
            qb.push(" AND user_id = ").push_bind(user.as_uuid());
        }
        Ok(qb.build().execute(self.platform_writer()).await.map_err(db_error)?.rows_affected())
    }

    async fn is_empty(&self) -> StoreResult<bool> {
        Ok(self.count(QueryBuilder::new("SELECT COUNT(*) FROM (SELECT 1 FROM organizations LIMIT 1) AS any_organization")).await? == 0)
    }
}

#[async_trait::async_trait]
impl HealthStore for Adapter {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(self.platform()).await.map_err(db_error)?;
        Ok(())
    }

    async fn refresh_statistics(&self) -> StoreResult<()> {
        self.analyze().await
    }

    fn pools(&self) -> Vec<koprogo_app::ports::PoolUsage> {
        self.pool_usage()
    }

    fn timings(&self) -> koprogo_app::ports::DbTimings {
        koprogo_store_sql::timing::snapshot()
    }

    fn request_scope<'a>(&'a self, request: koprogo_app::ports::Scoped<'a>) -> koprogo_app::ports::Scoped<'a> {
        koprogo_store_sql::Connections::request_scope(self, request)
    }
}
