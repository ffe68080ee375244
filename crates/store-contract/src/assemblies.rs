//! Assemblies: round trips, isolation, the agenda numbered in order and
//! closed once the assembly leaves the draft, changes only from the status
//! the caller saw.

use koprogo_app::Store;
use koprogo_app::listing::AssemblySort;
use koprogo_app::ports::Visibility;
use koprogo_app::ports::assemblies::AssemblyFilter;
use koprogo_domain::assembly::majority::DecisionKind;
use koprogo_domain::assembly::meeting::{AssemblyKind, Status};
use koprogo_domain::assembly::record::{AgendaItemDetails, Assembly, AssemblyDetails, Remote};
use koprogo_domain::ids::{AgendaItemId, AssemblyId, BuildingId, TenantId};
use koprogo_domain::text::Text;

use crate::sample::{self, at, query, tenant};

pub fn assembly(building: BuildingId, kind: AssemblyKind, follows: Option<AssemblyId>) -> Assembly {
    Assembly {
        id: AssemblyId::generate(),
        status: Status::Draft,
        details: AssemblyDetails {
            building_id: building,
            kind,
            meets_at: at() + chrono::Duration::days(40),
            place: Text::parse("Salle du Parc, rue Royale 12").unwrap(),
            remote: Some(Remote { means: Text::parse("visio.example.be/ag").unwrap(), identity_check: Text::parse("eID").unwrap() }),
            follows,
        },
        created_at: at(),
        updated_at: at(),
    }
}

pub fn item(title: &str, kind: DecisionKind) -> AgendaItemDetails {
    AgendaItemDetails {
        title: Text::parse(title).unwrap(),
        resolution: Text::parse(&format!("L'assemblée décide : {title}.")).unwrap(),
        kind,
        special_reasons: None,
    }
}

async fn building_of(store: &Store, t: TenantId) -> BuildingId {
    let building = sample::building("Résidence des Tilleuls", "Namur");
    store.buildings.insert_building(t, &building, Vec::new()).await.unwrap();
    building.id
}

pub async fn assemblies_round_trip_and_stay_in_their_organisation(store: Store) {
    let (t, other) = (tenant(&store).await, tenant(&store).await);
    let building = building_of(&store, t).await;
    let first = assembly(building, AssemblyKind::Ordinary, None);
    assert!(store.assemblies.insert_assembly(t, &first, Vec::new()).await.unwrap());
    assert_eq!(store.assemblies.assembly(t, first.id).await.unwrap(), Some(first.clone()));
    let second = assembly(building, AssemblyKind::Second, Some(first.id));
    assert!(store.assemblies.insert_assembly(t, &second, Vec::new()).await.unwrap());
    // Another organisation sees nothing, cannot follow it, cannot use the building.
    assert_eq!(store.assemblies.assembly(other, first.id).await.unwrap(), None);
    let theirs = building_of(&store, other).await;
    assert!(!store.assemblies.insert_assembly(other, &assembly(theirs, AssemblyKind::Second, Some(first.id)), Vec::new()).await.unwrap());
    assert!(!store.assemblies.insert_assembly(other, &assembly(building, AssemblyKind::Ordinary, None), Vec::new()).await.unwrap());
    let page =
        store.assemblies.assemblies(t, &query(AssemblySort::MeetsAt), &AssemblyFilter::default(), &Visibility::default()).await.unwrap();
    assert_eq!((page.total, page.items.len()), (2, 2));
    let filter = AssemblyFilter { building: Some(theirs) };
    assert_eq!(store.assemblies.assemblies(t, &query(AssemblySort::MeetsAt), &filter, &Visibility::default()).await.unwrap().total, 0);
    let elsewhere = Visibility { buildings: Some(vec![theirs]), ..Visibility::default() };
    let hidden = store.assemblies.assemblies(t, &query(AssemblySort::MeetsAt), &AssemblyFilter::default(), &elsewhere).await.unwrap();
    assert_eq!((hidden.total, hidden.items.len()), (0, 0));
}

pub async fn the_agenda_is_numbered_and_closes_with_the_draft(store: Store) {
    let t = tenant(&store).await;
    let building = building_of(&store, t).await;
    let meeting = assembly(building, AssemblyKind::Ordinary, None);
    store.assemblies.insert_assembly(t, &meeting, Vec::new()).await.unwrap();
    let mut numbers = Vec::new();
    for (title, kind) in [("Comptes 2026", DecisionKind::ApproveAccounts), ("Toiture", DecisionKind::CommonPartsWorks)] {
        let added =
            store.assemblies.add_agenda_item(t, meeting.id, AgendaItemId::generate(), &item(title, kind), at(), Vec::new()).await.unwrap();
        numbers.push(added.expect("a draft takes items").number);
    }
    assert_eq!(numbers, [1, 2]);
    let agenda = store.assemblies.agenda(t, meeting.id).await.unwrap();
    assert_eq!(
        agenda.iter().map(|i| (i.number, i.details.kind)).collect::<Vec<_>>(),
        [(1, DecisionKind::ApproveAccounts), (2, DecisionKind::CommonPartsWorks)]
    );
    // The status moves only from where the caller saw it.
    assert!(!store.assemblies.move_assembly(t, meeting.id, (Status::Convened, Status::Opened), at(), Vec::new()).await.unwrap());
    assert!(store.assemblies.move_assembly(t, meeting.id, (Status::Draft, Status::Convened), at(), Vec::new()).await.unwrap());
    let lift = item("Ascenseur", DecisionKind::Ordinary);
    let late = store.assemblies.add_agenda_item(t, meeting.id, AgendaItemId::generate(), &lift, at(), Vec::new());
    assert_eq!(late.await.unwrap(), None, "a convened assembly's agenda is closed");
    let mut moved = meeting.clone();
    moved.details.place = Text::parse("Ailleurs").unwrap();
    assert!(!store.assemblies.update_assembly(t, &moved, Status::Draft, Vec::new()).await.unwrap());
    assert!(store.assemblies.update_assembly(t, &moved, Status::Convened, Vec::new()).await.unwrap());
    let read = store.assemblies.assembly(t, meeting.id).await.unwrap().unwrap();
    assert_eq!((read.status, read.details.place.as_str()), (Status::Convened, "Ailleurs"));
    // Nobody else adds to it or reads it.
    let other = tenant(&store).await;
    assert_eq!(store.assemblies.agenda(other, meeting.id).await.unwrap(), Vec::new());
    assert!(!store.assemblies.move_assembly(other, meeting.id, (Status::Convened, Status::Cancelled), at(), Vec::new()).await.unwrap());
}
