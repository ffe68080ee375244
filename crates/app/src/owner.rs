//! Owners, and the shares they hold in units over time.

use koprogo_domain::Invalid;
use koprogo_domain::ids::{BuildingId, OwnerId, OwnershipId, UnitId};
use koprogo_domain::owner::{Owner, OwnerDetails, Ownership, OwnershipDetails, Transfer, check_shares_fit, plan_transfer};
use koprogo_domain::privacy::Privacy;

use crate::App;
use crate::access::{Action, Actor, Grant, Reach};
use crate::audit::{Entry, diff, field, fields};
use crate::building::found;
use crate::error::AppError;
use crate::listing::{ListQuery, OwnerSort, OwnershipSort, Page};
use crate::ports::OwnershipFilter;

impl App {
    pub async fn create_owner(&self, actor: &Actor, details: OwnerDetails) -> Result<Owner, AppError> {
        let grant = actor.grant(Action::WriteOwner)?;
        check_owner(&details)?;
        let owner = Owner { id: OwnerId::generate(), created_at: self.clock.now(), details, privacy: Privacy::default() };
        let event =
            self.change(actor, &grant, Entry::new("owner.created", "owner", owner.id.as_uuid(), diff(None, Some(&fields::owner(&owner)))));
        self.store.owners.insert_owner(grant.tenant, &owner, vec![event]).await?;
        Ok(owner)
    }

    pub async fn owner(&self, actor: &Actor, id: OwnerId) -> Result<Owner, AppError> {
        let grant = actor.grant(Action::ReadOwner)?;
        if !grant.sees_owner(id) || !self.board_sees_owner(&grant, id).await? {
            return Err(AppError::NotFound);
        }
        self.store.owners.owner(grant.tenant, id).await?.ok_or(AppError::NotFound)
    }

    /// A board member sees the owners who hold (or held) a unit of their buildings.
    async fn board_sees_owner(&self, grant: &Grant, id: OwnerId) -> Result<bool, AppError> {
        if grant.reach != Reach::BoardBuildings {
            return Ok(true);
        }
        let filter = OwnershipFilter { owner: Some(id), ..OwnershipFilter::default() };
        let probe = ListQuery { page: 1, per_page: 1, sort: OwnershipSort::CreatedAt, descending: false };
        Ok(self.store.owners.ownerships(grant.tenant, &probe, &filter, &grant.visible).await?.total > 0)
    }

    /// The names of the owners among `ids` that the actor may see (for lists
    /// that show who a line or a payment is for).
    pub async fn owner_names(&self, actor: &Actor, ids: &[OwnerId]) -> Result<std::collections::HashMap<OwnerId, String>, AppError> {
        let grant = actor.grant(Action::ReadOwner)?;
        let visible: Vec<OwnerId> = ids.iter().copied().filter(|id| grant.sees_owner(*id)).collect();
        let owners = self.store.owners.owners_by_id(grant.tenant, &visible).await?;
        Ok(owners.into_iter().map(|o| (o.id, o.details.display_name())).collect())
    }

    pub async fn owners(&self, actor: &Actor, query: &ListQuery<OwnerSort>, building: Option<BuildingId>) -> Result<Page<Owner>, AppError> {
        let grant = actor.grant(Action::ReadOwner)?;
        if !grant.reaches(building) {
            return Ok(Page::empty());
        }
        Ok(self.store.owners.owners(grant.tenant, query, building, &grant.visible).await?)
    }

    pub async fn update_owner(&self, actor: &Actor, id: OwnerId, details: OwnerDetails) -> Result<Owner, AppError> {
        let grant = actor.grant(Action::WriteOwner)?;
        check_owner(&details)?;
        let current = self.store.owners.owner(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        current.privacy.ensure_not_erased()?;
        let owner = Owner { id, created_at: current.created_at, details, privacy: current.privacy };
        let changes = diff(Some(&fields::owner(&current)), Some(&fields::owner(&owner)));
        let event = self.change(actor, &grant, Entry::new("owner.updated", "owner", id.as_uuid(), changes));
        found(self.store.owners.update_owner(grant.tenant, &owner, vec![event]).await?)?;
        Ok(owner)
    }

    pub async fn delete_owner(&self, actor: &Actor, id: OwnerId) -> Result<(), AppError> {
        let grant = actor.grant(Action::WriteOwner)?;
        let current = self.store.owners.owner(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let event =
            self.change(actor, &grant, Entry::new("owner.deleted", "owner", id.as_uuid(), diff(Some(&fields::owner(&current)), None)));
        found(self.store.owners.delete_owner(grant.tenant, id, vec![event]).await?)
    }

    pub async fn create_ownership(&self, actor: &Actor, details: OwnershipDetails) -> Result<Ownership, AppError> {
        let ownership = Ownership { id: OwnershipId::generate(), created_at: self.clock.now(), details };
        self.save_ownership(actor, ownership, None).await
    }

    /// The unit and owner of an ownership are fixed; share and period may change.
    pub async fn update_ownership(&self, actor: &Actor, id: OwnershipId, details: OwnershipDetails) -> Result<Ownership, AppError> {
        let grant = actor.grant(Action::WriteOwnership)?;
        let current = self.store.owners.ownership(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if current.details.unit_id != details.unit_id {
            return Err(AppError::invalid("unit_id", Invalid::Immutable));
        }
        if current.details.owner_id != details.owner_id {
            return Err(AppError::invalid("owner_id", Invalid::Immutable));
        }
        self.save_ownership(actor, Ownership { id, created_at: current.created_at, details }, Some(&current)).await
    }

    async fn save_ownership(&self, actor: &Actor, ownership: Ownership, before: Option<&Ownership>) -> Result<Ownership, AppError> {
        let grant = actor.grant(Action::WriteOwnership)?;
        let candidate = (ownership.details.share, ownership.details.period);
        let fits = move |others: &[_]| check_shares_fit(others, candidate);
        let action = if before.is_some() { "ownership.updated" } else { "ownership.created" };
        let changes = diff(before.map(fields::ownership).as_deref(), Some(&fields::ownership(&ownership)));
        let event = self.change(actor, &grant, Entry::new(action, "ownership", ownership.id.as_uuid(), changes));
        // The unit is locked first (missing: `false`); an owner that is not the
        // tenant's is then refused by the composite foreign key.
        match self.store.owners.save_ownership(grant.tenant, &ownership, &fits, vec![event]).await {
            Ok(true) => Ok(ownership),
            Ok(false) => Err(AppError::invalid("unit_id", Invalid::UnknownReference)),
            Err(crate::StoreError::Conflict("unknown_reference")) => Err(AppError::invalid("owner_id", Invalid::UnknownReference)),
            Err(other) => Err(other.into()),
        }
    }

    /// Records a unit changing hands on `date` in one step: the sellers'
    /// ownerships current that day (none named: every holder's) end on it, the
    /// buyers' start on it with exactly the share the sellers gave up.
    /// Returns the ownerships written, ended first.
    pub async fn transfer_unit(&self, actor: &Actor, unit: UnitId, transfer: Transfer) -> Result<Vec<Ownership>, AppError> {
        let Transfer { date, sellers, buyers } = transfer;
        let grant = actor.grant(Action::WriteOwnership)?;
        let now = self.clock.now();
        let plan = |held: &[Ownership]| {
            let sellers = if sellers.is_empty() {
                let mut current: Vec<OwnerId> =
                    held.iter().filter(|o| o.details.period.contains(date)).map(|o| o.details.owner_id).collect();
                current.sort();
                current.dedup();
                current
            } else {
                sellers.clone()
            };
            let (mut ended, started) = plan_transfer(held, &sellers, &buyers, date)?;
            ended.extend(started.into_iter().map(|details| Ownership { id: OwnershipId::generate(), created_at: now, details }));
            Ok(ended)
        };
        let parts: Vec<String> = buyers.iter().map(|(o, s)| format!("{o}:{}", s.to_percent_string())).collect();
        let named: Vec<String> = sellers.iter().map(ToString::to_string).collect();
        let changes = diff(
            None,
            Some(&[field("date", Some(date.to_string())), field("sellers", Some(named.join(","))), field("buyers", Some(parts.join(",")))]),
        );
        let event = self.change(actor, &grant, Entry::new("unit.transferred", "unit", unit.as_uuid(), changes));
        match self.store.owners.transfer_unit(grant.tenant, unit, &plan, vec![event]).await {
            Ok(Some(written)) => Ok(written),
            Ok(None) => Err(AppError::NotFound),
            Err(crate::StoreError::Conflict("unknown_reference")) => Err(AppError::invalid("buyers", Invalid::UnknownReference)),
            Err(other) => Err(other.into()),
        }
    }

    pub async fn ownership(&self, actor: &Actor, id: OwnershipId) -> Result<Ownership, AppError> {
        let grant = actor.grant(Action::ReadOwnership)?;
        let ownership = self.store.owners.ownership(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let filter = OwnershipFilter { unit: Some(ownership.details.unit_id), owner: Some(ownership.details.owner_id), on: None };
        let probe = ListQuery { page: 1, per_page: 1, sort: OwnershipSort::CreatedAt, descending: false };
        let visible = grant.visible == Default::default()
            || self.store.owners.ownerships(grant.tenant, &probe, &filter, &grant.visible).await?.total > 0;
        if visible { Ok(ownership) } else { Err(AppError::NotFound) }
    }

    pub async fn ownerships(
        &self,
        actor: &Actor,
        query: &ListQuery<OwnershipSort>,
        filter: &OwnershipFilter,
    ) -> Result<Page<Ownership>, AppError> {
        let grant = actor.grant(Action::ReadOwnership)?;
        Ok(self.store.owners.ownerships(grant.tenant, query, filter, &grant.visible).await?)
    }

    pub async fn delete_ownership(&self, actor: &Actor, id: OwnershipId) -> Result<(), AppError> {
        let grant = actor.grant(Action::WriteOwnership)?;
        let current = self.store.owners.ownership(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let changes = diff(Some(&fields::ownership(&current)), None);
        let event = self.change(actor, &grant, Entry::new("ownership.deleted", "ownership", id.as_uuid(), changes));
        found(self.store.owners.delete_ownership(grant.tenant, id, vec![event]).await?)
    }
}

fn check_owner(details: &OwnerDetails) -> Result<(), AppError> {
    details.check().map_err(|(field, invalid)| AppError::invalid(field, invalid))
}
