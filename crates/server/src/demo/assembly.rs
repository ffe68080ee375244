//! A coming ordinary assembly of the first building, with its agenda, so
//! that a newcomer finds the feature prepared: forty days ahead at 18:30 in
//! Brussels, with remote participation, and items of three majorities.

use koprogo_app::App;
use koprogo_app::access::Actor;
use koprogo_domain::assembly::majority::DecisionKind;
use koprogo_domain::assembly::meeting::AssemblyKind;
use koprogo_domain::assembly::record::{AgendaItemDetails, AssemblyDetails, Remote};
use koprogo_domain::ids::BuildingId;

use super::{failed, text};

pub async fn seed_assembly(app: &App, actor: &Actor, building: BuildingId) -> anyhow::Result<()> {
    let day = app.clock.today() + chrono::Days::new(40);
    let evening = day.and_hms_opt(18, 30, 0).ok_or_else(|| anyhow::anyhow!("18:30"))?;
    let meets_at = evening
        .and_local_timezone(chrono_tz::Europe::Brussels)
        .earliest()
        .ok_or_else(|| anyhow::anyhow!("18:30 in Brussels on {day}"))?
        .with_timezone(&chrono::Utc);
    let details = AssemblyDetails {
        building_id: building,
        kind: AssemblyKind::Ordinary,
        meets_at,
        place: text("Salle polyvalente, rue des Érables 2, Bruxelles")?,
        remote: Some(Remote {
            means: text("visio.horizon-syndic.be/ag")?, identity_check: text("Carte d'identité montrée à l'écran")?
        }),
        follows: None,
    };
    let assembly = app.create_assembly(actor, details).await.map_err(failed)?;
    let items = [
        ("Approbation des comptes de l'exercice", "L'assemblée approuve les comptes de l'exercice écoulé.", DecisionKind::ApproveAccounts),
        ("Décharge au syndic", "L'assemblée donne décharge au syndic pour sa gestion de l'exercice.", DecisionKind::DischargeSyndic),
        (
            "Rénovation de la toiture",
            "L'assemblée décide la rénovation de la toiture, budget de 85 000 € TVAC.",
            DecisionKind::CommonPartsWorks,
        ),
        ("Fonds de réserve", "L'assemblée décide de ne pas constituer le fonds de réserve cette année.", DecisionKind::ReserveFundWaiver),
    ];
    for (title, resolution, kind) in items {
        let item = AgendaItemDetails { title: text(title)?, resolution: text(resolution)?, kind, special_reasons: None };
        app.add_agenda_item(actor, assembly.id, item).await.map_err(failed)?;
    }
    Ok(())
}
