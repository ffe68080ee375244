//! Approving an expense shares it: the page shows what each unit and owner
//! will carry by the key chosen (the quotas unless another is picked), and
//! the approval writes those parts in the same step. An expense approved
//! before approving shared it gets the same page to be shared.

use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::App;
use koprogo_app::access::Action;
use koprogo_domain::Rule;
use koprogo_domain::charges::Distribution;
use koprogo_domain::expense::{Expense, ExpenseStatus};
use koprogo_domain::ids::{DistributionKeyId, ExpenseId, OwnerId};

use super::calls::building_names;
use super::render::{error_page, page};
use super::session::{Chrome, Form, Viewer, with_flash};
use crate::error::ApiError;

/// Which step the page confirms.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A draft: approved and shared at once.
    Approve,
    /// Approved earlier without its parts: shared now.
    Share,
}

impl Step {
    pub fn parse(step: &str) -> Option<Step> {
        match step {
            "approve" => Some(Step::Approve),
            "share" => Some(Step::Share),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Step::Approve => "approve",
            Step::Share => "share",
        }
    }
}

#[derive(serde::Deserialize, Default)]
pub struct KeyChoice {
    key_id: Option<String>,
}

/// The key named by the page (empty: the quotas); a value that is not an id is refused.
fn key_of(raw: &str) -> Result<Option<DistributionKeyId>, ApiError> {
    match raw.trim() {
        "" => Ok(None),
        raw => raw.parse().map(|id| Some(DistributionKeyId::from_uuid(id))).map_err(|_| {
            let mut v = koprogo_domain::error::Violations::new();
            v.push("key_id", koprogo_domain::Invalid::UnknownReference);
            ApiError::invalid(&v)
        }),
    }
}

pub struct PartRow {
    pub unit: String,
    pub unit_link: String,
    pub weight: String,
    pub amount: String,
    /// Each owner with their share and part.
    pub owners: Vec<String>,
}

#[derive(Template)]
#[template(path = "share.html")]
struct SharePage<'a> {
    chrome: &'a Chrome,
    title: String,
    facts: Vec<(String, String)>,
    keys: Vec<(String, String)>,
    key: String,
    rows: Vec<PartRow>,
    total: String,
    /// Why the expense cannot be shared as it stands (a unit not wholly held).
    problem: Option<String>,
    post_to: String,
    submit: String,
}

async fn rows(app: &App, chrome: &Chrome, viewer: &Viewer, distribution: &Distribution) -> Result<Vec<PartRow>, ApiError> {
    let ids: Vec<OwnerId> = distribution.units.iter().flat_map(|u| u.owners.iter().map(|o| o.owner)).collect();
    let names = app.owner_names(&viewer.actor, &ids).await?;
    let lang = chrome.lang;
    Ok(distribution
        .units
        .iter()
        .map(|u| PartRow {
            unit: u.number.clone(),
            unit_link: format!("/units/{}", u.unit),
            weight: lang.figure(u.weight as f64, 0),
            amount: lang.money(u.amount),
            owners: u
                .owners
                .iter()
                .map(|o| {
                    let name = names.get(&o.owner).cloned().unwrap_or_default();
                    format!("{name} ({}\u{a0}%) {}", lang.decimal(&o.share.to_percent_string()), lang.money(o.amount))
                })
                .collect(),
        })
        .collect())
}

fn problem_text(chrome: &Chrome, rule: &Rule) -> String {
    let message = chrome.lang.error(rule.code());
    match rule {
        Rule::UnitNotWhollyHeld { unit } => format!("{message} ({} {unit})", chrome.t("unit-number")),
        _ => message,
    }
}

async fn share_page(app: &App, chrome: &Chrome, viewer: &Viewer, id: ExpenseId, step: Step, key: &str) -> Result<Response, ApiError> {
    let (expense, distribution) = app.preview_distribution(&viewer.actor, id, key_of(key)?).await?;
    let expected = if step == Step::Approve { expense.status == ExpenseStatus::Draft } else { !expense.shared };
    if !expected {
        return Ok(Redirect::to("/expenses").into_response());
    }
    let (keys, names) = tokio::try_join!(app.keys(&viewer.actor, Some(expense.details.building_id)), building_names(app, viewer))?;
    let (rows, problem) = match &distribution {
        Ok(distribution) => (rows(app, chrome, viewer, distribution).await?, None),
        Err(rule) => (Vec::new(), Some(problem_text(chrome, rule))),
    };
    let lang = chrome.lang;
    let d = &expense.details;
    let facts = vec![
        (chrome.t("expenses-building"), super::calls::name_of(&names, d.building_id)),
        (chrome.t("expense-date"), lang.date(d.date)),
        (chrome.t("expense-supplier"), d.supplier.to_string()),
        (chrome.t("expense-description"), d.description.to_string()),
        (chrome.t("expense-fund"), chrome.t(&format!("fund-{}", d.fund.as_str()))),
    ];
    let title = if step == Step::Approve { "share-approve-title" } else { "share-title" };
    let template = SharePage {
        chrome,
        title: chrome.t(title),
        facts,
        keys: keys.iter().map(|k| (k.id.to_string(), k.name.to_string())).collect(),
        key: key.trim().to_owned(),
        rows,
        total: lang.money(d.amount),
        problem,
        post_to: step.path(id),
        submit: chrome.t(if step == Step::Approve { "share-approve" } else { "share-submit" }),
    };
    Ok(page(chrome, &template))
}

pub async fn show(app: &App, chrome: &Chrome, viewer: &Viewer, id: uuid::Uuid, step: Step, choice: KeyChoice) -> Response {
    let key = choice.key_id.unwrap_or_default();
    share_page(app, chrome, viewer, ExpenseId::from_uuid(id), step, &key).await.unwrap_or_else(|error| error_page(chrome, &error))
}

/// Approves and shares (or only shares) by the key the page showed.
pub async fn confirm(app: &App, chrome: &Chrome, viewer: &Viewer, id: uuid::Uuid, step: Step, form: &Form) -> Response {
    let id = ExpenseId::from_uuid(id);
    let done = async {
        let key = key_of(form.get("key_id"))?;
        match step {
            Step::Approve => app.approve_expense(&viewer.actor, id, key).await.map(|_| "done-expense-approved"),
            Step::Share => app.distribute_expense(&viewer.actor, id, key).await.map(|_| "done-expense-shared"),
        }
        .map_err(ApiError::from)
    };
    match done.await {
        Ok(message) => with_flash(Redirect::to("/expenses").into_response(), message),
        Err(error) => error_page(chrome, &error),
    }
}

/// The page a row of the expense list links to, when the expense still has
/// to be approved or shared: (step, action it needs, label).
pub fn link_step(expense: &Expense) -> Option<(Step, Action, &'static str)> {
    match expense.status {
        ExpenseStatus::Draft => Some((Step::Approve, Action::ApproveExpense, "expense-approve")),
        _ if !expense.shared => Some((Step::Share, Action::DistributeExpense, "expense-share")),
        _ => None,
    }
}

impl Step {
    pub fn path(self, id: ExpenseId) -> String {
        format!("/expenses/{id}/{}", self.as_str())
    }
}
