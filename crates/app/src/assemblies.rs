//! General assemblies as the syndic prepares them: the assembly (its kind,
//! date, place, remote option) and its agenda. The rules that decide them
//! are in `koprogo_domain::assembly`; the meeting itself comes later.

use koprogo_domain::assembly::meeting::{self, Status};
use koprogo_domain::assembly::record::{AgendaItem, AgendaItemDetails, Assembly, AssemblyDetails};
use koprogo_domain::ids::{AgendaItemId, AssemblyId};

use crate::App;
use crate::access::{Action, Actor, Grant};
use crate::audit::{Entry, diff, field};
use crate::error::AppError;
use crate::listing::{AssemblySort, ListQuery, Page};
use crate::ports::assemblies::AssemblyFilter;
use crate::ports::belgian_day;

fn fields(d: &AssemblyDetails) -> Vec<crate::audit::Field> {
    vec![
        field("building_id", Some(d.building_id.to_string())),
        field("kind", Some(d.kind.as_str().to_owned())),
        field("meets_at", Some(d.meets_at.to_rfc3339())),
        field("place", Some(d.place.to_string())),
        field("remote_means", d.remote.as_ref().map(|r| r.means.to_string())),
        field("identity_check", d.remote.as_ref().map(|r| r.identity_check.to_string())),
        field("follows_id", d.follows.map(|f| f.to_string())),
    ]
}

/// What may change in a draft assembly.
pub struct Rescheduling {
    pub meets_at: chrono::DateTime<chrono::Utc>,
    pub place: koprogo_domain::text::Name,
    pub remote: Option<koprogo_domain::assembly::record::Remote>,
}

impl App {
    pub async fn assemblies(
        &self,
        actor: &Actor,
        query: &ListQuery<AssemblySort>,
        filter: &AssemblyFilter,
    ) -> Result<Page<Assembly>, AppError> {
        let grant = actor.grant(Action::ReadAssembly)?;
        if !grant.reaches(filter.building) {
            return Ok(Page::empty());
        }
        Ok(self.store.assemblies.assemblies(grant.tenant, query, filter, &grant.visible).await?)
    }

    /// An assembly with its agenda.
    pub async fn assembly(&self, actor: &Actor, id: AssemblyId) -> Result<(Assembly, Vec<AgendaItem>), AppError> {
        let grant = actor.grant(Action::ReadAssembly)?;
        let assembly = self.visible_assembly(&grant, id).await?;
        let agenda = self.store.assemblies.agenda(grant.tenant, id).await?;
        Ok((assembly, agenda))
    }

    async fn visible_assembly(&self, grant: &Grant, id: AssemblyId) -> Result<Assembly, AppError> {
        let found = self.store.assemblies.assembly(grant.tenant, id).await?;
        found.filter(|a| grant.sees_building(a.details.building_id)).ok_or(AppError::NotFound)
    }

    /// A new assembly, in draft. A second or fallback assembly follows one of
    /// the same building, and meets the days after it the law requires.
    pub async fn create_assembly(&self, actor: &Actor, details: AssemblyDetails) -> Result<Assembly, AppError> {
        let grant = actor.grant(Action::PrepareAssembly)?;
        details.check().map_err(|(f, invalid)| AppError::invalid(f, invalid))?;
        if !grant.sees_building(details.building_id) {
            return Err(AppError::invalid("building_id", koprogo_domain::Invalid::UnknownReference));
        }
        if let Some(first) = details.follows {
            let first = self
                .store
                .assemblies
                .assembly(grant.tenant, first)
                .await?
                .filter(|f| f.details.building_id == details.building_id)
                .ok_or_else(|| AppError::invalid("follows_id", koprogo_domain::Invalid::UnknownReference))?;
            meeting::check_follow_up(details.kind, belgian_day(details.meets_at), belgian_day(first.details.meets_at))?;
        }
        let now = self.clock.now();
        let assembly = Assembly { id: AssemblyId::generate(), status: Status::Draft, details, created_at: now, updated_at: now };
        let event = self.change(
            actor,
            &grant,
            Entry::new("assembly.created", "assembly", assembly.id.as_uuid(), diff(None, Some(&fields(&assembly.details)))),
        );
        if !self.store.assemblies.insert_assembly(grant.tenant, &assembly, vec![event]).await? {
            return Err(AppError::invalid("building_id", koprogo_domain::Invalid::UnknownReference));
        }
        Ok(assembly)
    }

    /// New date, place or remote option, while the assembly is a draft (once
    /// convened, the convocation has said them). The building, the kind and
    /// what it follows stay as created.
    pub async fn update_assembly(&self, actor: &Actor, id: AssemblyId, change: Rescheduling) -> Result<Assembly, AppError> {
        let grant = actor.grant(Action::PrepareAssembly)?;
        let before = self.visible_assembly(&grant, id).await?;
        if before.status != Status::Draft {
            return Err(koprogo_domain::Rule::AssemblyTransition { from: before.status.as_str(), to: Status::Draft.as_str() }.into());
        }
        let details = AssemblyDetails { meets_at: change.meets_at, place: change.place, remote: change.remote, ..before.details.clone() };
        let after = Assembly { details, updated_at: self.clock.now(), ..before.clone() };
        let changes = diff(Some(&fields(&before.details)), Some(&fields(&after.details)));
        let event = self.change(actor, &grant, Entry::new("assembly.updated", "assembly", id.as_uuid(), changes));
        if !self.store.assemblies.update_assembly(grant.tenant, &after, Status::Draft, vec![event]).await? {
            return Err(AppError::Conflict("assembly.changed"));
        }
        Ok(after)
    }

    /// Cancels a draft or convened assembly.
    pub async fn cancel_assembly(&self, actor: &Actor, id: AssemblyId) -> Result<Assembly, AppError> {
        let grant = actor.grant(Action::PrepareAssembly)?;
        let before = self.visible_assembly(&grant, id).await?;
        let status = before.status.become_(Status::Cancelled)?;
        let changes = diff(
            Some(&[field("status", Some(before.status.as_str().to_owned()))]),
            Some(&[field("status", Some(status.as_str().to_owned()))]),
        );
        let event = self.change(actor, &grant, Entry::new("assembly.cancelled", "assembly", id.as_uuid(), changes));
        let now = self.clock.now();
        if !self.store.assemblies.move_assembly(grant.tenant, id, (before.status, status), now, vec![event]).await? {
            return Err(AppError::Conflict("assembly.changed"));
        }
        Ok(Assembly { status, updated_at: now, ..before })
    }

    /// Appends an item to a draft's agenda.
    pub async fn add_agenda_item(&self, actor: &Actor, id: AssemblyId, details: AgendaItemDetails) -> Result<AgendaItem, AppError> {
        let grant = actor.grant(Action::PrepareAssembly)?;
        details.check().map_err(|(f, invalid)| AppError::invalid(f, invalid))?;
        let assembly = self.visible_assembly(&grant, id).await?;
        if assembly.status != Status::Draft {
            return Err(koprogo_domain::Rule::AssemblyTransition { from: assembly.status.as_str(), to: Status::Draft.as_str() }.into());
        }
        let item = AgendaItemId::generate();
        let changes = diff(
            None,
            Some(&[
                field("assembly_id", Some(id.to_string())),
                field("title", Some(details.title.to_string())),
                field("kind", Some(details.kind.as_str().to_owned())),
            ]),
        );
        let event = self.change(actor, &grant, Entry::new("agenda_item.added", "agenda_item", item.as_uuid(), changes));
        let added = self.store.assemblies.add_agenda_item(grant.tenant, id, item, &details, self.clock.now(), vec![event]).await?;
        added.ok_or(AppError::Conflict("assembly.changed"))
    }
}
