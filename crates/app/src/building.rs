//! Buildings and their units: the quota base, and the quotas that fill it.

use koprogo_domain::Invalid;
use koprogo_domain::building::{Building, BuildingDetails, BuildingSummary};
use koprogo_domain::ids::{BuildingId, UnitId};
use koprogo_domain::unit::{Unit, UnitDetails};

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::{Entry, diff, fields};
use crate::error::AppError;
use crate::listing::{BuildingSort, ListQuery, Page, UnitSort};
use crate::ports::quota_check;

impl App {
    pub async fn create_building(&self, actor: &Actor, details: BuildingDetails) -> Result<BuildingSummary, AppError> {
        let grant = actor.grant(Action::WriteBuilding)?;
        let building = Building { id: BuildingId::generate(), created_at: self.clock.now(), details };
        let changes = diff(None, Some(&fields::building(&building)));
        let event = self.change(actor, &grant, Entry::new("building.created", "building", building.id.as_uuid(), changes));
        self.store.buildings.insert_building(grant.tenant, &building, vec![event]).await?;
        Ok(BuildingSummary { building, unit_count: 0, allocated_quota: 0 })
    }

    pub async fn building(&self, actor: &Actor, id: BuildingId) -> Result<BuildingSummary, AppError> {
        let grant = actor.grant(Action::ReadBuilding)?;
        if !grant.sees_building(id) {
            return Err(AppError::NotFound);
        }
        self.store.buildings.building(grant.tenant, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn buildings(&self, actor: &Actor, query: &ListQuery<BuildingSort>) -> Result<Page<BuildingSummary>, AppError> {
        let grant = actor.grant(Action::ReadBuilding)?;
        Ok(self.store.buildings.buildings(grant.tenant, query, &grant.visible).await?)
    }

    pub async fn update_building(&self, actor: &Actor, id: BuildingId, details: BuildingDetails) -> Result<BuildingSummary, AppError> {
        let grant = actor.grant(Action::WriteBuilding)?;
        let current = self.store.buildings.building(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let base = details.quota_base;
        let building = Building { id, created_at: current.building.created_at, details };
        let holds = move |allocated| base.check_holds(allocated);
        let changes = diff(Some(&fields::building(&current.building)), Some(&fields::building(&building)));
        let event = self.change(actor, &grant, Entry::new("building.updated", "building", id.as_uuid(), changes));
        found(self.store.buildings.update_building(grant.tenant, &building, &holds, vec![event]).await?)?;
        Ok(BuildingSummary { building, ..current })
    }

    pub async fn delete_building(&self, actor: &Actor, id: BuildingId) -> Result<(), AppError> {
        let grant = actor.grant(Action::WriteBuilding)?;
        let current = self.store.buildings.building(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let changes = diff(Some(&fields::building(&current.building)), None);
        let event = self.change(actor, &grant, Entry::new("building.deleted", "building", id.as_uuid(), changes));
        found(self.store.buildings.delete_building(grant.tenant, id, self.clock.now(), vec![event]).await?)
    }

    pub async fn create_unit(&self, actor: &Actor, details: UnitDetails) -> Result<Unit, AppError> {
        let grant = actor.grant(Action::WriteUnit)?;
        let unit = Unit { id: UnitId::generate(), created_at: self.clock.now(), details };
        let fits = quota_check(unit.details.quota);
        let event =
            self.change(actor, &grant, Entry::new("unit.created", "unit", unit.id.as_uuid(), diff(None, Some(&fields::unit(&unit)))));
        if !self.store.units.insert_unit(grant.tenant, &unit, &fits, vec![event]).await? {
            return Err(AppError::invalid("building_id", Invalid::UnknownReference));
        }
        Ok(unit)
    }

    pub async fn unit(&self, actor: &Actor, id: UnitId) -> Result<Unit, AppError> {
        let grant = actor.grant(Action::ReadUnit)?;
        let unit = self.store.units.unit(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if grant.sees_unit(unit.id, unit.details.building_id) { Ok(unit) } else { Err(AppError::NotFound) }
    }

    pub async fn units(&self, actor: &Actor, query: &ListQuery<UnitSort>, building: Option<BuildingId>) -> Result<Page<Unit>, AppError> {
        let grant = actor.grant(Action::ReadUnit)?;
        if !grant.reaches(building) {
            return Ok(Page::empty());
        }
        Ok(self.store.units.units(grant.tenant, query, building, &grant.visible).await?)
    }

    /// Units never move between buildings: the building in `details` must be the unit's.
    pub async fn update_unit(&self, actor: &Actor, id: UnitId, details: UnitDetails) -> Result<Unit, AppError> {
        let grant = actor.grant(Action::WriteUnit)?;
        let current = self.store.units.unit(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        if current.details.building_id != details.building_id {
            return Err(AppError::invalid("building_id", Invalid::Immutable));
        }
        let unit = Unit { id, created_at: current.created_at, details };
        let fits = quota_check(unit.details.quota);
        let changes = diff(Some(&fields::unit(&current)), Some(&fields::unit(&unit)));
        let event = self.change(actor, &grant, Entry::new("unit.updated", "unit", id.as_uuid(), changes));
        found(self.store.units.update_unit(grant.tenant, &unit, &fits, vec![event]).await?)?;
        Ok(unit)
    }

    pub async fn delete_unit(&self, actor: &Actor, id: UnitId) -> Result<(), AppError> {
        let grant = actor.grant(Action::WriteUnit)?;
        let current = self.store.units.unit(grant.tenant, id).await?.ok_or(AppError::NotFound)?;
        let event = self.change(actor, &grant, Entry::new("unit.deleted", "unit", id.as_uuid(), diff(Some(&fields::unit(&current)), None)));
        found(self.store.units.delete_unit(grant.tenant, id, vec![event]).await?)
    }
}

/// `Ok(false)` from a store means the object is not there (or not the tenant's).
pub(crate) fn found(done: bool) -> Result<(), AppError> {
    if done { Ok(()) } else { Err(AppError::NotFound) }
}
