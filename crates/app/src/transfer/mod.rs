//! An association changing syndic takes its whole file along: exported by
//! the syndic it leaves, imported by the one it joins (ids kept, so that the
//! history and the bank's references still meet).

mod check;

use koprogo_domain::audit::Change;
use koprogo_domain::ids::BuildingId;
use uuid::Uuid;

use crate::App;
use crate::access::{Action, Actor};
use crate::audit::Entry;
use crate::error::AppError;
use crate::ports::transfer::{ImportReport, TableRows, Value};

impl App {
    /// Every row of the building's file, and the name of the organisation it
    /// leaves; the export goes into the trail.
    pub async fn export_association(&self, actor: &Actor, building: BuildingId) -> Result<(String, Vec<TableRows>), AppError> {
        let grant = actor.grant(Action::TransferAssociation)?;
        if !grant.sees_building(building) {
            return Err(AppError::NotFound);
        }
        let file = self.store.transfer.export_association(grant.tenant, building).await?.ok_or(AppError::NotFound)?;
        let rows: usize = file.iter().map(|t| t.rows.len()).sum();
        let changes = vec![Change { field: "rows".to_owned(), before: None, after: Some(rows.to_string()) }];
        self.note(self.change(actor, &grant, Entry::new("association.exported", "building", building.as_uuid(), changes))).await?;
        let organization = self.store.accounts.organization(grant.tenant).await?.map(|o| o.name.to_string()).unwrap_or_default();
        Ok((organization, file))
    }

    /// Loads a file exported by another organisation into the actor's.
    pub async fn import_association(&self, actor: &Actor, file: &[TableRows]) -> Result<(Uuid, ImportReport), AppError> {
        let grant = actor.grant(Action::TransferAssociation)?;
        let building = file
            .iter()
            .find(|t| t.table == "buildings")
            .and_then(|t| Some((t.columns.iter().position(|c| c == "id")?, t.rows.as_slice())))
            .and_then(|(at, rows)| match rows {
                [only] => match only.get(at) {
                    Some(Value::Uuid(id)) => Some(*id),
                    _ => None,
                },
                _ => None,
            })
            .ok_or_else(|| AppError::invalid("file", koprogo_domain::Invalid::Required))?;
        let file = check::check_file(file, self.clock.now())?;
        let rows: usize = file.iter().map(|t| t.rows.len()).sum();
        let changes = vec![Change { field: "rows".to_owned(), before: None, after: Some(rows.to_string()) }];
        let event = self.change(actor, &grant, Entry::new("association.imported", "building", building, changes));
        match self.store.transfer.import_association(grant.tenant, &file, vec![event]).await {
            Ok(report) => Ok((building, report)),
            Err(crate::StoreError::Conflict("import.malformed")) => {
                Err(AppError::invalid("file", koprogo_domain::Invalid::UnknownReference))
            }
            Err(other) => Err(other.into()),
        }
    }
}
