//! Assemblies' and agenda items' rows; the port itself is `adapter/assemblies.rs`.

use koprogo_domain::assembly::majority::DecisionKind;
use koprogo_domain::assembly::meeting::{AssemblyKind, Status};
use koprogo_domain::assembly::record::{AgendaItem, AgendaItemDetails, Assembly, AssemblyDetails, Remote};
use koprogo_domain::ids::{AgendaItemId, AssemblyId, BuildingId};
use koprogo_domain::text::{LongText, Name};
use uuid::Uuid;

pub const ASSEMBLY_COLUMNS: &str =
    "id, building_id, kind, status, meets_at, place, remote_means, identity_check, follows_id, created_at, updated_at";
pub const AGENDA_COLUMNS: &str = "id, assembly_id, number, title, resolution, kind, special_reasons";

#[derive(sqlx::FromRow)]
pub struct AssemblyRow {
    pub id: Uuid,
    pub building_id: Uuid,
    pub kind: String,
    pub status: String,
    pub meets_at: chrono::DateTime<chrono::Utc>,
    pub place: String,
    pub remote_means: Option<String>,
    pub identity_check: Option<String>,
    pub follows_id: Option<Uuid>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

fn stored<T, E: std::fmt::Display>(name: &str, parsed: Result<T, E>) -> anyhow::Result<T> {
    parsed.map_err(|e| anyhow::anyhow!("stored {name} is invalid: {e}"))
}

impl TryFrom<AssemblyRow> for Assembly {
    type Error = anyhow::Error;

    fn try_from(row: AssemblyRow) -> anyhow::Result<Self> {
        let remote = match (row.remote_means, row.identity_check) {
            (Some(means), Some(check)) => Some(Remote {
                means: stored("remote means", Name::parse(&means))?,
                identity_check: stored("identity check", Name::parse(&check))?,
            }),
            _ => None,
        };
        Ok(Assembly {
            id: AssemblyId::from_uuid(row.id),
            status: stored("status", Status::parse(&row.status))?,
            details: AssemblyDetails {
                building_id: BuildingId::from_uuid(row.building_id),
                kind: stored("kind", AssemblyKind::parse(&row.kind))?,
                meets_at: row.meets_at,
                place: stored("place", Name::parse(&row.place))?,
                remote,
                follows: row.follows_id.map(AssemblyId::from_uuid),
            },
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
pub struct AgendaRow {
    pub id: Uuid,
    pub assembly_id: Uuid,
    pub number: i32,
    pub title: String,
    pub resolution: String,
    pub kind: String,
    pub special_reasons: Option<String>,
}

impl TryFrom<AgendaRow> for AgendaItem {
    type Error = anyhow::Error;

    fn try_from(row: AgendaRow) -> anyhow::Result<Self> {
        Ok(AgendaItem {
            id: AgendaItemId::from_uuid(row.id),
            assembly_id: AssemblyId::from_uuid(row.assembly_id),
            number: stored("number", u32::try_from(row.number))?,
            details: AgendaItemDetails {
                title: stored("title", Name::parse(&row.title))?,
                resolution: stored("resolution", LongText::parse(&row.resolution))?,
                kind: stored("decision kind", DecisionKind::parse(&row.kind))?,
                special_reasons: row.special_reasons.as_deref().map(LongText::parse).transpose().map_err(|e| anyhow::anyhow!("{e}"))?,
            },
        })
    }
}
