//! Reminders on screen: the letters sent, the ones due today in a building
//! (previewed, then sent in one go), the association's rules, each letter.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::access::Action;
use koprogo_app::listing::{ListQuery, ReminderSort};
use koprogo_app::ports::reminders::ReminderFilter;
use koprogo_app::reminders::AddressedReminder;
use koprogo_app::{App, AppError};
use koprogo_domain::ids::{BuildingId, ReminderId};
use koprogo_domain::reminder::ReminderPolicy;

use super::calls::{building_filter, building_names, name_of};
use super::forms::{Choices, Place, Spec, field};
use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer};
use crate::api::reminders::PolicyBody;
use crate::api::statements::{PDF, file};
use crate::error::ApiError;
use crate::extract::parse_json;
use crate::wire::Id;

pub struct ReminderRow {
    pub letter: Option<String>,
    pub date: String,
    pub owner: String,
    pub building: String,
    pub level: String,
    pub principal: String,
    pub charges: String,
    pub total: String,
}

fn rows(chrome: &Chrome, reminders: &[AddressedReminder], names: &[(String, String)], sent: bool) -> Vec<ReminderRow> {
    let lang = chrome.lang;
    reminders
        .iter()
        .map(|a| {
            let r = &a.reminder;
            let charges = koprogo_domain::money::Cents::new(r.fee.get() + r.earlier_fees.get() + r.interest.get()).unwrap_or_default();
            ReminderRow {
                letter: sent.then(|| format!("/reminders/{}/letter.pdf", r.id)),
                date: lang.date(r.sent_on),
                owner: a.owner_name.clone(),
                building: name_of(names, r.building_id),
                level: chrome.t(&format!("reminder-level-{}", r.level.as_str())),
                principal: lang.money(r.principal),
                charges: lang.money(charges),
                total: lang.money(r.total()),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage<'a> {
    chrome: &'a Chrome,
    buildings: Vec<(String, String)>,
    building: String,
    sent: Vec<ReminderRow>,
    count: String,
    /// Today's, for the chosen building, to those who may send them.
    due: Option<Vec<ReminderRow>>,
    send_label: String,
    previous: Option<String>,
    next: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct Listing {
    page: Option<i64>,
    building: Option<String>,
}

pub async fn list(State(app): State<App>, chrome: Chrome, viewer: Viewer, Query(listing): Query<Listing>) -> Response {
    let building = match building_filter(listing.building.as_deref()) {
        Ok(building) => building,
        Err(error) => return error_page(&chrome, &error),
    };
    let query = match ListQuery::parse(listing.page, None, ReminderSort::SentOn, Some("desc")) {
        Ok(query) => query,
        Err(violations) => return error_page(&chrome, &ApiError::invalid(&violations)),
    };
    let found = async {
        let filter = ReminderFilter { building, ..ReminderFilter::default() };
        let (sent, names) = tokio::try_join!(app.reminders(&viewer.actor, &query, &filter), building_names(&app, &viewer))?;
        let due = match building {
            Some(b) if viewer.actor.grant(Action::SendReminders).is_ok() => Some(app.preview_reminders(&viewer.actor, b).await?),
            _ => None,
        };
        Ok::<_, AppError>((sent, names, due))
    };
    let (sent, names, due) = match found.await {
        Ok(found) => found,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    let pages = sent.total.div_ceil(u64::from(query.per_page)).max(1);
    let current = u64::from(query.page);
    let filter = building.map(|b| format!("building={b}&")).unwrap_or_default();
    let link = |n: u64| format!("/reminders?{filter}page={n}");
    let template = RemindersPage {
        chrome: &chrome,
        sent: rows(&chrome, &sent.items, &names, true),
        send_label: chrome.lang.t_with("reminders-send", &[("count", due.as_ref().map_or(0, Vec::len).into())]),
        due: due.map(|due| rows(&chrome, &due, &names, false)),
        count: chrome.lang.t_with("reminders-count", &[("count", sent.total.into())]),
        buildings: names,
        building: building.map(|b| b.to_string()).unwrap_or_default(),
        previous: (current > 1).then(|| link(current - 1)),
        next: (current < pages).then(|| link(current + 1)),
    };
    page(&chrome, &template)
}

/// Sends the reminders due today in the building, then shows the list.
pub async fn send(State(app): State<App>, chrome: Chrome, viewer: Viewer, form: Form) -> Response {
    let building = match building_filter(Some(form.get("building"))) {
        Ok(Some(building)) => building,
        Ok(None) => return error_page(&chrome, &AppError::NotFound.into()),
        Err(error) => return error_page(&chrome, &error),
    };
    match app.send_reminders(&viewer.actor, building).await {
        Ok(_) => {
            super::session::with_flash(Redirect::to(&format!("/reminders?building={building}")).into_response(), "done-reminders-sent")
        }
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn letter(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let letter = match app.reminder_letter(&viewer.actor, ReminderId::from_uuid(id)).await {
        Ok(letter) => letter,
        Err(error) => return error_page(&chrome, &error.into()),
    };
    if let Err(error) = app.record_export(&viewer.actor, "reminder.pdf", id).await {
        return error_page(&chrome, &error.into());
    }
    match koprogo_documents::reminder_letter(&letter, app.clock.now()) {
        Ok(pdf) => file(pdf, PDF, &format!("rappel-{}.pdf", letter.reminder.sent_on)),
        Err(error) => error_page(&chrome, &AppError::Internal(anyhow::anyhow!("reminder letter: {error}")).into()),
    }
}

const POLICY: Spec = Spec {
    title: "policy-title",
    submit: "form-save",
    action: Action::SendReminders,
    fields: &[
        field("delays_days[0]", "policy-delay-reminder", "number", true),
        field("delays_days[1]", "policy-delay-formal_notice", "number", true),
        field("delays_days[2]", "policy-delay-last_notice", "number", true),
        field("fees[0]", "policy-fee-reminder", "decimal", true),
        field("fees[1]", "policy-fee-formal_notice", "decimal", true),
        field("fees[2]", "policy-fee-last_notice", "decimal", true),
        field("interest_rate", "policy-interest", "decimal", true),
        field("minimum", "policy-minimum", "decimal", true),
    ],
};

fn values(policy: &ReminderPolicy) -> Vec<(&'static str, String)> {
    let levels = policy.levels();
    let bp = policy.interest_basis_points();
    let mut values: Vec<(&'static str, String)> = Vec::new();
    for (i, name) in ["delays_days[0]", "delays_days[1]", "delays_days[2]"].into_iter().enumerate() {
        values.push((name, levels.get(i).map(|l| l.delay_days.to_string()).unwrap_or_default()));
    }
    for (i, name) in ["fees[0]", "fees[1]", "fees[2]"].into_iter().enumerate() {
        values.push((name, levels.get(i).map(|l| l.fee.to_decimal_string()).unwrap_or_default()));
    }
    values.push(("interest_rate", format!("{}.{:02}", bp / 100, bp % 100)));
    values.push(("minimum", policy.minimum().to_decimal_string()));
    values
}

pub async fn policy_form(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id) -> Response {
    let place = Place::new(&POLICY, format!("/buildings/{id}/reminder-policy"), format!("/reminders?building={id}"), Choices::new());
    match app.reminder_policy(&viewer.actor, BuildingId::from_uuid(id)).await {
        Ok(policy) => place.show(&chrome, &viewer, &values(&policy)),
        Err(error) => error_page(&chrome, &error.into()),
    }
}

pub async fn save_policy(State(app): State<App>, chrome: Chrome, viewer: Viewer, Id(id): Id, form: Form) -> Response {
    let work = async {
        let list = |names: [&str; 3]| names.iter().map(|n| form.get(n).trim().to_owned()).collect::<Vec<_>>();
        let body = serde_json::json!({
            "delays_days": list(["delays_days[0]", "delays_days[1]", "delays_days[2]"]),
            "fees": list(["fees[0]", "fees[1]", "fees[2]"]),
            "interest_rate": form.get("interest_rate").trim(),
            "minimum": form.get("minimum").trim(),
        });
        let body: PolicyBody = parse_json(body.to_string().as_bytes())?;
        app.set_reminder_policy(&viewer.actor, BuildingId::from_uuid(id), body.parse()?).await?;
        Ok(format!("/reminders?building={id}"))
    };
    let place = Place::new(&POLICY, format!("/buildings/{id}/reminder-policy"), format!("/reminders?building={id}"), Choices::new());
    place.submit(&chrome, &viewer, &form, work).await
}
