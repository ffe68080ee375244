//! A unit with its owners over time, and an owner with their contact and
//! units. A unit or an owner has a handful of ownerships, so the names beside
//! them are read one by one (a page, not a list endpoint).

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use koprogo_app::access::Action;
use koprogo_app::access::Actor;
use koprogo_app::listing::{ListQuery, MAX_PER_PAGE, OwnershipSort};
use koprogo_app::ports::OwnershipFilter;
use koprogo_app::{App, AppError};
use koprogo_domain::ids::{OwnerId, UnitId};
use koprogo_domain::owner::{Owner, Ownership};
use koprogo_domain::unit::Unit;

use super::forms::{self, Choices, Place, Spec, field};
use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::api::owners::OwnerBody;
use crate::api::ownerships::OwnershipBody;
use crate::wire::Id;

/// One ownership, written for the reader: who or what, which share, when.
pub struct Holding {
    pub link: String,
    pub label: String,
    pub share: String,
    pub from: String,
    pub until: String,
    /// On an owner's page: the unit's building.
    pub building: String,
}

fn holding(chrome: &Chrome, ownership: &Ownership, link: String, label: String) -> Holding {
    let period = ownership.details.period;
    Holding {
        link,
        label,
        share: format!("{} %", ownership.details.share.to_percent_string()),
        from: chrome.lang.date(period.start()),
        until: period.end().map_or_else(|| chrome.t("ownership-current"), |end| chrome.lang.date(end)),
        building: String::new(),
    }
}

async fn ownerships(app: &App, actor: &Actor, filter: OwnershipFilter) -> Result<Vec<Ownership>, AppError> {
    let query = ListQuery { page: 1, per_page: MAX_PER_PAGE, sort: OwnershipSort::StartDate, descending: false };
    Ok(app.ownerships(actor, &query, &filter).await?.items)
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage<'a> {
    chrome: &'a Chrome,
    title: String,
    unit: Unit,
    /// The unit's type in the reader's language.
    kind: String,
    building_link: String,
    surface: String,
    holdings: Vec<Holding>,
    can_add: bool,
    can_edit: bool,
}

pub async fn unit(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let actor = &viewer.actor;
    let found = async {
        let unit = app.unit(actor, UnitId::from_uuid(id)).await?;
        let held = ownerships(&app, actor, OwnershipFilter { unit: Some(unit.id), ..OwnershipFilter::default() }).await?;
        let owners = owners_of(&app, actor, held.iter().map(|o| o.details.owner_id)).await?;
        Ok::<_, AppError>((unit, held, owners))
    };
    let (unit, held, owners) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let holdings = held
        .iter()
        .zip(&owners)
        .map(|(o, owner)| holding(&chrome, o, format!("/owners/{}", owner.id), owner.details.display_name()))
        .collect();
    let template = UnitPage {
        chrome: &chrome,
        title: chrome.lang.t_with("unit-title", &[("number", unit.details.number.to_string().into())]),
        building_link: format!("/buildings/{}", unit.details.building_id),
        surface: unit.details.surface.map_or_else(|| chrome.t("none"), |s| format!("{} m²", s.to_decimal_string())),
        kind: chrome.t(&format!("kind-{}", unit.details.kind.as_str())),
        unit,
        holdings,
        can_add: viewer.actor.grant(Action::WriteOwnership).is_ok(),
        can_edit: viewer.actor.grant(Action::WriteUnit).is_ok(),
    };
    page(&chrome, &template)
}

/// The owners of these ownerships, in the same order.
async fn owners_of(app: &App, actor: &Actor, ids: impl Iterator<Item = OwnerId>) -> Result<Vec<Owner>, AppError> {
    let mut owners = Vec::new();
    for id in ids {
        owners.push(app.owner(actor, id).await?);
    }
    Ok(owners)
}

#[derive(Template)]
#[template(path = "owner.html")]
struct OwnerPage<'a> {
    chrome: &'a Chrome,
    edit: Option<String>,
    name: String,
    email: String,
    phone: String,
    address: String,
    iban: String,
    holdings: Vec<Holding>,
    /// Each building where the owner has an account: (building, balance, statement).
    accounts: Vec<(String, String, String)>,
    convocation: String,
    /// Whether e-mail consent is given, when the viewer may record it.
    consent: Option<bool>,
    consent_action: String,
    data_link: Option<String>,
    erase_link: Option<String>,
    /// Inviting the owner to the owners' portal, for those who manage the team.
    invite_link: Option<String>,
    erased: bool,
}

pub async fn owner(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let actor = &viewer.actor;
    let found = async {
        let owner = app.owner(actor, OwnerId::from_uuid(id)).await?;
        let held = ownerships(&app, actor, OwnershipFilter { owner: Some(owner.id), ..OwnershipFilter::default() }).await?;
        let mut units = Vec::new();
        for ownership in &held {
            units.push(app.unit(actor, ownership.details.unit_id).await?);
        }
        let names = super::calls::building_names(&app, &viewer).await?;
        let positions = if actor.grant(Action::ReadPayments).is_ok() { app.owner_positions(actor, owner.id).await? } else { Vec::new() };
        Ok::<_, AppError>((owner, held, units, names, positions))
    };
    let (owner, held, units, names, positions) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let none = || chrome.t("none");
    let d = &owner.details;
    let template = OwnerPage {
        chrome: &chrome,
        edit: viewer.actor.grant(Action::WriteOwner).is_ok().then(|| format!("/owners/{}/edit", owner.id)),
        name: d.display_name(),
        email: d.email.as_ref().map_or_else(none, |e| e.as_str().to_owned()),
        phone: d.phone.as_ref().map_or_else(none, ToString::to_string),
        address: d.address.as_ref().map_or_else(none, |a| {
            let postal = a.postal_code.as_ref().map(|p| format!("{p} ")).unwrap_or_default();
            format!("{}, {postal}{}", a.street, a.city)
        }),
        iban: d.iban.as_ref().map_or_else(none, |i| i.as_str().to_owned()),
        holdings: held
            .iter()
            .zip(&units)
            .map(|(o, unit)| Holding {
                building: super::calls::name_of(&names, unit.details.building_id),
                ..holding(&chrome, o, format!("/units/{}", unit.id), unit.details.number.to_string())
            })
            .collect(),
        accounts: positions
            .iter()
            .map(|p| {
                let statement = format!("/owners/{}/statement?building={}", owner.id, p.building_id);
                (super::calls::name_of(&names, p.building_id), chrome.lang.money(p.position.balance()), statement)
            })
            .collect(),
        convocation: super::privacy::convocation(&chrome, &owner),
        consent: (viewer.actor.grant(Action::RecordConsent).is_ok() && owner.privacy.erased_at.is_none() && d.email.is_some())
            .then_some(owner.privacy.email_consent_at.is_some()),
        consent_action: format!("/owners/{}/consent", owner.id),
        data_link: viewer.actor.grant(Action::ExportPersonalData).is_ok().then(|| format!("/owners/{}/personal-data", owner.id)),
        invite_link: (viewer.actor.grant(Action::ManageUsers).is_ok() && owner.privacy.erased_at.is_none())
            .then(|| format!("/team?owner_id={}#invite", owner.id)),
        erase_link: (viewer.actor.grant(Action::EraseOwner).is_ok() && owner.privacy.erased_at.is_none())
            .then(|| format!("/owners/{}/erase", owner.id)),
        erased: owner.privacy.erased_at.is_some(),
    };
    page(&chrome, &template)
}

const OWNER: Spec = Spec {
    title: "owner-new",
    submit: "owner-create",
    action: Action::WriteOwner,
    fields: &[
        field("first_name", "owner-first-name", "text", false),
        field("last_name", "owner-last-name", "text", true),
        field("email", "owner-email", "email", false),
        field("phone", "owner-phone", "text", false),
        field("address", "owner-address", "text", false),
        field("postal_code", "owner-postal-code", "text", false),
        field("city", "owner-city", "text", false),
        field("iban", "owner-iban", "text", false),
        field("language", "owner-language", "select", true),
    ],
};

fn owner_choices(chrome: &Chrome) -> Choices {
    Choices::from([("language", forms::options(chrome, "language", &["fr", "nl", "de", "en"]))])
}

pub async fn new_owner(chrome: Chrome, viewer: Viewer) -> Response {
    let defaults = [("language", chrome.lang.code().to_owned())];
    Place::new(&OWNER, "/owners/new", "/", owner_choices(&chrome)).show(&chrome, &viewer, &defaults)
}

pub async fn create_owner(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let work = async {
        let body: OwnerBody = forms::body(&OWNER, &form, &[])?;
        let owner = app.create_owner(&viewer.actor, body.parse()?).await?;
        Ok(format!("/owners/{}", owner.id))
    };
    Place::new(&OWNER, "/owners/new", "/", owner_choices(&chrome)).submit(&chrome, &viewer, &form, work).await
}

const OWNER_EDIT: Spec = Spec { title: "owner-edit", submit: "form-save", ..OWNER };

pub async fn edit_owner(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let owner = match app.owner(&viewer.actor, OwnerId::from_uuid(id)).await {
        Ok(owner) => owner,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let d = &owner.details;
    let address = d.address.as_ref();
    let values = [
        ("first_name", d.first_name.as_ref().map(ToString::to_string).unwrap_or_default()),
        ("last_name", d.last_name.to_string()),
        ("email", d.email.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default()),
        ("phone", d.phone.as_ref().map(ToString::to_string).unwrap_or_default()),
        ("address", address.map(|a| a.street.to_string()).unwrap_or_default()),
        ("postal_code", address.and_then(|a| a.postal_code.as_ref()).map(ToString::to_string).unwrap_or_default()),
        ("city", address.map(|a| a.city.to_string()).unwrap_or_default()),
        ("iban", d.iban.as_ref().map(|i| i.as_str().to_owned()).unwrap_or_default()),
        ("language", d.language.as_str().to_owned()),
    ];
    Place::new(&OWNER_EDIT, format!("/owners/{id}/edit"), format!("/owners/{id}"), owner_choices(&chrome)).show(&chrome, &viewer, &values)
}

/// Saves an owner; a company's BCE number, not on the form, is kept as stored.
pub async fn update_owner(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, form: Form) -> Response {
    let place = Place::new(&OWNER_EDIT, format!("/owners/{id}/edit"), format!("/owners/{id}"), owner_choices(&chrome));
    let owner = OwnerId::from_uuid(id);
    let work = async {
        let stored = app.owner(&viewer.actor, owner).await?;
        let mut fixed = vec![("kind", stored.details.kind.as_str().to_owned())];
        if let Some(bce) = &stored.details.bce_number {
            fixed.push(("bce_number", bce.as_str().to_owned()));
        }
        let body: OwnerBody = forms::body(&OWNER_EDIT, &form, &fixed)?;
        app.update_owner(&viewer.actor, owner, body.parse()?).await?;
        Ok(format!("/owners/{id}"))
    };
    place.submit(&chrome, &viewer, &form, work).await
}

const OWNERSHIP: Spec = Spec {
    title: "ownership-new",
    submit: "ownership-create",
    action: Action::WriteOwnership,
    fields: &[
        // A person to choose, never one chosen for the syndic (a tap would give a stranger the unit).
        field("owner_id", "ownership-owner", "pick", true),
        field("share", "ownership-share-percent", "decimal", true),
        field("start_date", "ownership-from", "date", true),
        field("end_date", "ownership-until", "date", false),
    ],
};

/// Owners to choose from, each with the buildings where they already hold a
/// unit: those matching the search, or the first hundred by name.
pub async fn owner_options(app: &App, viewer: &Viewer, q: Option<&str>) -> Result<Vec<(String, String)>, AppError> {
    let (owners, names) = tokio::try_join!(app.owner_choices(&viewer.actor, q), super::calls::building_names(app, viewer))?;
    Ok(owners
        .iter()
        .map(|(o, held)| {
            let buildings: Vec<String> = held.iter().map(|b| super::calls::name_of(&names, b)).collect();
            let label = if buildings.is_empty() {
                o.details.display_name()
            } else {
                format!("{} — {}", o.details.display_name(), buildings.join(", "))
            };
            (o.id.to_string(), label)
        })
        .collect())
}

async fn owner_choices_of(app: &App, viewer: &Viewer, q: Option<&str>) -> Result<Choices, AppError> {
    Ok(Choices::from([("owner_id", owner_options(app, viewer, q).await?)]))
}

#[derive(serde::Deserialize, Default)]
pub struct Picker {
    q: Option<String>,
}

pub async fn new_ownership(
    State(app): State<App>,
    chrome: Chrome,
    viewer: Viewer,
    Id(unit): Id,
    axum::extract::Query(picker): axum::extract::Query<Picker>,
) -> Response {
    let q = picker.q.unwrap_or_default();
    match owner_choices_of(&app, &viewer, Some(&q)).await {
        Ok(choices) => ownership_place(unit, choices).searching(q).show(&chrome, &viewer, &[("share", "100".to_owned())]),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

fn ownership_place(unit: uuid::Uuid, choices: Choices) -> Place<'static> {
    Place::new(&OWNERSHIP, format!("/units/{unit}/ownerships/new"), format!("/units/{unit}"), choices)
}

pub async fn create_ownership(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(unit): Id, form: Form) -> Response {
    let work = async {
        let body: OwnershipBody = forms::body(&OWNERSHIP, &form, &[("unit_id", unit.to_string())])?;
        app.create_ownership(&viewer.actor, body.parse(app.clock.today())?).await?;
        Ok(format!("/units/{unit}"))
    };
    let choices = async { owner_choices_of(&app, &viewer, None).await.map(Some) };
    ownership_place(unit, Choices::new()).searching("").submit_with(&chrome, &viewer, &form, work, choices).await
}
