//! Creation forms. Each form is a list of fields named as the API's JSON body
//! names them: a submitted form becomes that body and goes through the API's
//! own parser, so the rules and error codes are the same, and every error is
//! shown next to its field, in the reader's language, with what was typed kept.

use std::collections::HashMap;
use std::future::Future;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::AppError;
use koprogo_app::access::Action;
use serde::de::DeserializeOwned;

use super::render::{error_page, page_with_status};
use super::session::{Chrome, Form, Viewer};
use crate::error::ApiError;
use crate::extract::parse_json;

/// A field: its body name, the key of its label, and its input type
/// (`select` takes its options from the form's `choices`; `pick` too, with
/// nothing chosen until the user chooses; `decimal` is a number as the page's
/// language writes it).
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
    pub required: bool,
}

pub const fn field(name: &'static str, label: &'static str, kind: &'static str, required: bool) -> FieldSpec {
    FieldSpec { name, label, kind, required }
}

pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub required: bool,
    /// (value, label) for a `select`.
    pub options: Vec<(String, String)>,
}

impl Field {
    pub fn is_selected(&self, value: &str) -> bool {
        self.value == value
    }
}

/// One creation form: what it creates, who may, where it posts.
pub struct Spec {
    pub title: &'static str,
    pub submit: &'static str,
    pub action: Action,
    pub fields: &'static [FieldSpec],
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    chrome: &'a Chrome,
    title: String,
    submit: String,
    post_to: &'a str,
    back: &'a str,
    fields: Vec<Field>,
    alert: Option<String>,
    /// A search that narrows a picker (the words typed), above the form.
    search: Option<String>,
}

/// The options of the form's `select` fields, by field name.
pub type Choices = HashMap<&'static str, Vec<(String, String)>>;

/// One form on one page: what it is, where it posts, where "back" goes, and
/// the options of its `select` fields.
pub struct Place<'a> {
    spec: &'a Spec,
    post_to: String,
    back: String,
    choices: Choices,
    /// What the next page says once the form is saved.
    done: &'static str,
    search: Option<String>,
}

struct Filled<'a> {
    values: HashMap<&'a str, &'a str>,
    errors: HashMap<String, String>,
    alert: Option<String>,
}

impl<'a> Place<'a> {
    pub fn new(spec: &'a Spec, post_to: impl Into<String>, back: impl Into<String>, choices: Choices) -> Self {
        Self { spec, post_to: post_to.into(), back: back.into(), choices, done: "done-saved", search: None }
    }

    /// Shows a search box above the form, which reloads it with `?q=` (the
    /// picker then offers what matches).
    pub fn searching(self, q: impl Into<String>) -> Self {
        Self { search: Some(q.into()), ..self }
    }

    /// The message the next page says once the form is saved (default `done-saved`).
    pub fn done(self, key: &'static str) -> Self {
        Self { done: key, ..self }
    }

    /// The form with `values` filled in (defaults, or an object's current
    /// values to edit), for those the policy allows.
    pub fn show(&self, chrome: &Chrome, viewer: &Viewer, values: &[(&str, String)]) -> Response {
        if let Some(refused) = refused(chrome, viewer, self.spec) {
            return refused;
        }
        let filled = Filled { values: values.iter().map(|(k, v)| (*k, v.as_str())).collect(), errors: HashMap::new(), alert: None };
        self.render(chrome, &self.choices, &filled, StatusCode::OK)
    }

    /// Runs `work` for those the policy allows (it parses the form with
    /// `body`, calls the use case and says where to go next), then redirects;
    /// refused input goes back to the form with every error next to its field
    /// and what was typed kept; anything else is the error page.
    pub async fn submit(
        &self,
        chrome: &Chrome,
        viewer: &Viewer,
        form: &Form,
        work: impl Future<Output = Result<String, ApiError>>,
    ) -> Response {
        self.submit_with(chrome, viewer, form, work, async { Ok(None) }).await
    }

    /// As `submit`, for a form whose choices cost a query: `choices` is read
    /// only when the form has to be shown again.
    pub async fn submit_with(
        &self,
        chrome: &Chrome,
        viewer: &Viewer,
        form: &Form,
        work: impl Future<Output = Result<String, ApiError>>,
        choices: impl Future<Output = Result<Option<Choices>, AppError>>,
    ) -> Response {
        let work = async { work.await.map(|next| super::session::with_flash(Redirect::to(&next).into_response(), self.done)) };
        self.answer(chrome, viewer, form, work, choices).await
    }

    /// As `submit_with`, when success is a page of its own rather than a
    /// redirection (a preview to confirm).
    pub async fn answer(
        &self,
        chrome: &Chrome,
        viewer: &Viewer,
        form: &Form,
        work: impl Future<Output = Result<Response, ApiError>>,
        choices: impl Future<Output = Result<Option<Choices>, AppError>>,
    ) -> Response {
        if let Some(refused) = refused(chrome, viewer, self.spec) {
            return refused;
        }
        match work.await {
            Ok(done) => done,
            Err(error) if matches!(error.status(), StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
                let loaded = match choices.await {
                    Ok(loaded) => loaded,
                    Err(failed) => return error_page(chrome, &failed.into()),
                };
                let errors: HashMap<String, String> = error.field_errors().map(|(f, c)| (f.to_owned(), c.to_owned())).collect();
                let alert = Some(if errors.is_empty() { chrome.lang.error(error.code()) } else { chrome.t("form-has-errors") });
                let values = form.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let choices = loaded.as_ref().unwrap_or(&self.choices);
                self.render(chrome, choices, &Filled { values, errors, alert }, error.status())
            }
            Err(error) => error_page(chrome, &error),
        }
    }

    fn render(&self, chrome: &Chrome, choices: &Choices, filled: &Filled<'_>, status: StatusCode) -> Response {
        let fields = self
            .spec
            .fields
            .iter()
            .map(|f| Field {
                name: f.name,
                label: chrome.t(f.label),
                kind: f.kind,
                value: filled.values.get(f.name).map_or_else(String::new, |v| (*v).to_owned()),
                error: filled.errors.get(f.name).map(|code| chrome.lang.error(code)),
                required: f.required,
                options: choices.get(f.name).cloned().unwrap_or_default(),
            })
            .collect();
        let template = FormPage {
            chrome,
            title: chrome.t(self.spec.title),
            submit: chrome.t(self.spec.submit),
            post_to: &self.post_to,
            back: &self.back,
            fields,
            alert: filled.alert.clone(),
            search: self.search.clone(),
        };
        page_with_status(chrome, status, &template)
    }
}

/// Only those the policy allows see or post the form.
fn refused(chrome: &Chrome, viewer: &Viewer, spec: &Spec) -> Option<Response> {
    viewer.actor.grant(spec.action).err().map(|e| error_page(chrome, &e.into()))
}

/// The submitted fields as the API's JSON body (blank fields left out), plus
/// `fixed` fields that come from the page's address or the stored object,
/// read by the API's own body parser (a wrongly shaped field is named).
pub fn body<B: DeserializeOwned>(spec: &Spec, form: &Form, fixed: &[(&str, String)]) -> Result<B, ApiError> {
    let mut body: serde_json::Map<String, serde_json::Value> = spec
        .fields
        .iter()
        .map(|f| {
            let typed = form.get(f.name).trim();
            (f.name.to_owned(), if f.kind == "decimal" { form.1.decimal(typed) } else { typed.to_owned() })
        })
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.into()))
        .collect();
    for (name, value) in fixed {
        body.insert((*name).to_owned(), value.clone().into());
    }
    parse_json(serde_json::Value::Object(body).to_string().as_bytes())
}

/// (code, translated label) for each value of a closed list, the label key
/// being `prefix-code`.
pub fn options(chrome: &Chrome, prefix: &str, codes: &[&str]) -> Vec<(String, String)> {
    codes.iter().map(|code| ((*code).to_owned(), chrome.t(&format!("{prefix}-{code}")))).collect()
}
