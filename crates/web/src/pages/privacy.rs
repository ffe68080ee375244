//! The persons' rights on screen: an owner's or a login's data as a
//! readable, printable summary (and the same as a JSON file), consent to
//! e-mail convocations, erasure of a former owner or of one's own login, and
//! the register of processing activities.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_app::privacy::access::{OwnerRecord, UserRecord};
use koprogo_domain::ids::OwnerId;
use koprogo_domain::privacy::Channel;

use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::api::statements::file;
use crate::wire::Id;

/// A titled table of the summary; an empty one says so.
pub struct DataTable {
    pub title: String,
    pub heads: Vec<String>,
    /// Each cell with its column's name (a narrow screen shows it beside the value).
    pub rows: Vec<Vec<(String, String)>>,
}

fn table(chrome: &Chrome, title: &str, heads: &[&str], rows: Vec<Vec<String>>) -> DataTable {
    let heads: Vec<String> = heads.iter().map(|h| chrome.t(h)).collect();
    let rows = rows.into_iter().map(|row| heads.iter().cloned().zip(row).collect()).collect();
    DataTable { title: chrome.t(title), heads, rows }
}

/// One owner record, written for the person reading it.
pub struct OwnerPart {
    pub organization: String,
    pub name: String,
    /// (label key, value) of every identity and contact field.
    pub facts: Vec<(&'static str, String)>,
    pub convocation: String,
    pub tables: Vec<DataTable>,
    pub events_total: usize,
}

/// The login's own part of a user record.
pub struct UserPart {
    pub facts: Vec<(&'static str, String)>,
    pub roles: DataTable,
    pub sessions: usize,
    pub events_total: usize,
}

#[derive(Template)]
#[template(path = "personal_data.html")]
struct PersonalPage<'a> {
    chrome: &'a Chrome,
    title: String,
    generated: String,
    json: String,
    back: String,
    user: Option<UserPart>,
    owners: Vec<OwnerPart>,
}

/// The most recent events shown on screen; the JSON file has them all.
const EVENTS_SHOWN: usize = 30;

fn owner_part(chrome: &Chrome, r: &OwnerRecord) -> OwnerPart {
    let none = || chrome.t("none");
    let d = &r.owner.details;
    let address = d.address.as_ref().map_or_else(none, |a| {
        let postal = a.postal_code.as_ref().map(|p| format!("{p} ")).unwrap_or_default();
        format!("{}, {postal}{} ({})", a.street, a.city, a.country.as_str())
    });
    let facts = vec![
        ("owner-last-name", d.display_name()),
        ("owner-email", d.email.as_ref().map_or_else(none, |e| e.as_str().to_owned())),
        ("owner-phone", d.phone.as_ref().map_or_else(none, ToString::to_string)),
        ("owner-address", address),
        ("owner-iban", d.iban.as_ref().map_or_else(none, |i| i.as_str().to_owned())),
        ("owner-language", d.language.as_str().to_owned()),
    ];
    let holdings = r.holdings.iter().map(|h| {
        let period = h.ownership.details.period;
        let until = period.end().map_or_else(|| chrome.t("ownership-current"), |end| chrome.lang.date(end));
        let share = format!("{} %", h.ownership.details.share.to_percent_string());
        vec![format!("{} — {}", h.building_name, h.unit_number), share, chrome.lang.date(period.start()), until]
    });
    let calls = r
        .calls
        .iter()
        .map(|l| vec![l.title.clone(), chrome.lang.date(l.due_date), chrome.lang.money(l.line.working), chrome.lang.money(l.line.reserve)]);
    let payments = r.payments.iter().map(|p| {
        vec![
            chrome.lang.date(p.value_date),
            chrome.lang.money(p.amount),
            p.counterparty_name.clone().unwrap_or_else(none),
            p.counterparty_iban.clone().unwrap_or_else(none),
        ]
    });
    let reminders = r.reminders.iter().map(|m| {
        vec![chrome.lang.date(m.sent_on), chrome.t(&format!("reminder-level-{}", m.level.as_str())), chrome.lang.money(m.total())]
    });
    let logins = r.logins.iter().map(|(u, m)| vec![u.email.as_str().to_owned(), m.role.as_str().to_owned()]);
    let events = r
        .events
        .iter()
        .rev()
        .take(EVENTS_SHOWN)
        .map(|e| vec![chrome.lang.time(e.body.at), e.body.action.clone(), e.body.actor_role.clone().unwrap_or_else(none)]);
    OwnerPart {
        organization: r.organization.name.to_string(),
        name: d.display_name(),
        facts,
        convocation: convocation(chrome, &r.owner),
        tables: vec![
            table(chrome, "owner-units", &["privacy-unit", "ownership-share", "ownership-from", "ownership-until"], holdings.collect()),
            table(chrome, "privacy-calls", &["privacy-call", "privacy-due", "privacy-working", "privacy-reserve"], calls.collect()),
            table(chrome, "privacy-payments", &["privacy-date", "privacy-amount", "privacy-payer", "owner-iban"], payments.collect()),
            table(chrome, "privacy-reminders", &["privacy-date", "privacy-level", "privacy-amount"], reminders.collect()),
            table(chrome, "privacy-logins", &["owner-email", "privacy-role"], logins.collect()),
            table(chrome, "privacy-events", &["privacy-date", "privacy-action", "privacy-role"], events.collect()),
        ],
        events_total: r.events.len(),
    }
}

/// How convocations reach the owner, and since when they agreed to e-mail.
pub fn convocation(chrome: &Chrome, owner: &koprogo_domain::owner::Owner) -> String {
    match (owner.privacy.convocation_channel(&owner.details), owner.privacy.email_consent_at) {
        (Channel::Email, Some(at)) => chrome.lang.t_with("privacy-by-email-since", &[("date", chrome.lang.time(at).into())]),
        _ => chrome.t("privacy-by-registered-mail"),
    }
}

fn user_part(chrome: &Chrome, r: &UserRecord) -> UserPart {
    let u = &r.user;
    let roles = r.memberships.iter().map(|(o, m)| vec![o.name.to_string(), m.role.as_str().to_owned()]).collect();
    UserPart {
        facts: vec![
            ("owner-email", u.email.as_str().to_owned()),
            ("owner-first-name", u.first_name.to_string()),
            ("owner-last-name", u.last_name.to_string()),
            ("owner-language", u.language.as_str().to_owned()),
            ("privacy-account-since", chrome.lang.time(u.created_at)),
        ],
        roles: table(chrome, "privacy-roles", &["privacy-organization", "privacy-role"], roles),
        sessions: r.sessions.len(),
        events_total: r.events.len(),
    }
}

pub async fn owner_data(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    match app.owner_personal_data(&viewer.actor, OwnerId::from_uuid(id)).await {
        Ok(record) => {
            let part = owner_part(&chrome, &record);
            let template = PersonalPage {
                chrome: &chrome,
                title: chrome.lang.t_with("privacy-data-of", &[("name", part.name.clone().into())]),
                generated: chrome.lang.time(record.generated_at),
                json: format!("/owners/{id}/personal-data.json"),
                back: format!("/owners/{id}"),
                user: None,
                owners: vec![part],
            };
            page(&chrome, &template)
        }
        Err(error) => error_page(&chrome, &error.into()),
    }
}

fn json_file(value: &impl serde::Serialize, name: &str) -> Response {
    match serde_json::to_vec_pretty(value) {
        Ok(bytes) => file(bytes, "application/json", name),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub async fn owner_data_json(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    match app.owner_personal_data(&viewer.actor, OwnerId::from_uuid(id)).await {
        Ok(record) => json_file(&crate::api::privacy::owner_data_view(record), &format!("personal-data-{id}.json")),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn my_data(State(app): State<App>, chrome: Chrome, viewer: Viewer) -> Response {
    match app.my_personal_data(&viewer.actor).await {
        Ok(record) => {
            let template = PersonalPage {
                chrome: &chrome,
                title: chrome.t("privacy-my-data"),
                generated: chrome.lang.time(record.generated_at),
                json: "/account/personal-data.json".to_owned(),
                back: "/account".to_owned(),
                user: Some(user_part(&chrome, &record)),
                owners: record.owners.iter().map(|o| owner_part(&chrome, o)).collect(),
            };
            page(&chrome, &template)
        }
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn my_data_json(State(app): State<App>, chrome: Chrome, viewer: Viewer) -> Response {
    match app.my_personal_data(&viewer.actor).await {
        Ok(record) => json_file(&crate::api::privacy::user_data_view(record), "my-personal-data.json"),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn consent(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, form: Form) -> Response {
    match app.set_email_consent(&viewer.actor, OwnerId::from_uuid(id), form.get("email") == "1").await {
        Ok(_) => Redirect::to(&format!("/owners/{id}")).into_response(),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

#[derive(Template)]
#[template(path = "erase.html")]
struct ErasePage<'a> {
    chrome: &'a Chrome,
    name: String,
    action: String,
    back: String,
}

pub async fn confirm_erase(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    if let Err(error) = viewer.actor.grant(koprogo_app::access::Action::EraseOwner) {
        return error_page(&chrome, &error.into());
    }
    match app.owner(&viewer.actor, OwnerId::from_uuid(id)).await {
        Ok(owner) => {
            let template = ErasePage {
                chrome: &chrome,
                name: owner.details.display_name(),
                action: format!("/owners/{id}/erase"),
                back: format!("/owners/{id}"),
            };
            page(&chrome, &template)
        }
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn erase(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, _form: Form) -> Response {
    match app.erase_owner(&viewer.actor, OwnerId::from_uuid(id)).await {
        Ok(_) => Redirect::to(&format!("/owners/{id}")).into_response(),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage<'a> {
    chrome: &'a Chrome,
    controller: Option<String>,
    activities: Vec<RegisterEntry>,
}

/// One processing activity, in the reader's language: the register is the
/// association's own document, not the API's.
pub struct RegisterEntry {
    pub name: String,
    /// (label, text) of its lawful basis, subjects, recipients, retention.
    pub facts: Vec<(String, String)>,
    /// The kinds of personal data it holds.
    pub categories: String,
}

fn register_entries(chrome: &Chrome) -> Vec<RegisterEntry> {
    use koprogo_app::privacy::inventory::{ACTIVITIES, Category, Purpose, columns_of};
    ACTIVITIES
        .iter()
        .map(|a| {
            let code = match a.purpose {
                Purpose::Register => "register",
                Purpose::Accounting => "accounting",
                Purpose::Communication => "communication",
                Purpose::Logins => "logins",
                Purpose::Accountability => "accountability",
            };
            let mut categories: Vec<Category> = columns_of(a.purpose).into_iter().map(|(c, _)| c).collect();
            categories.sort();
            categories.dedup();
            let named: Vec<String> =
                categories.iter().map(|c| chrome.t(&format!("register-category-{}", c.label().replace(' ', "-")))).collect();
            RegisterEntry {
                name: chrome.t(&format!("register-{code}-name")),
                facts: ["basis", "subjects", "recipients", "retention"]
                    .iter()
                    .map(|f| (chrome.t(&format!("register-{f}")), chrome.t(&format!("register-{code}-{f}"))))
                    .collect(),
                categories: named.join(", "),
            }
        })
        .collect()
}

pub async fn register(State(app): State<App>, chrome: Chrome, viewer: Viewer) -> Response {
    match app.privacy_register(&viewer.actor).await {
        Ok(controller) => {
            let template =
                RegisterPage { chrome: &chrome, controller: controller.map(|o| o.name.to_string()), activities: register_entries(&chrome) };
            page(&chrome, &template)
        }
        Err(error) => error_page(&chrome, &error.into()),
    }
}
