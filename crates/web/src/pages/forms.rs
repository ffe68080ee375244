//! Creation forms. Each form is a list of fields named as the API's JSON body
//! names them: a submitted form becomes that body and goes through the API's
//! own parser, so the rules and error codes are the same, and every error is
//! shown next to its field, in the reader's language, with what was typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use koprogo_app::access::Action;
use serde::de::DeserializeOwned;

use super::render::{error_page, page_with_status};
use super::session::{Chrome, Form, Viewer};
use crate::error::ApiError;

/// A field: its body name, the key of its label, and its input type
/// (`select` takes its options from the form's `choices`).
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
}

/// The options of the form's `select` fields, by field name.
pub type Choices = HashMap<&'static str, Vec<(String, String)>>;

pub struct Filled<'a> {
    pub values: HashMap<&'a str, &'a str>,
    pub errors: HashMap<String, String>,
    pub alert: Option<String>,
}

pub fn render(
    chrome: &Chrome,
    spec: &Spec,
    post_to: &str,
    back: &str,
    choices: &Choices,
    filled: &Filled<'_>,
    status: StatusCode,
) -> Response {
    let fields = spec
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
    let template =
        FormPage { chrome, title: chrome.t(spec.title), submit: chrome.t(spec.submit), post_to, back, fields, alert: filled.alert.clone() };
    page_with_status(chrome, status, &template)
}

/// Only those the policy allows see or post the form.
pub fn refused(chrome: &Chrome, viewer: &Viewer, spec: &Spec) -> Option<Response> {
    viewer.actor.grant(spec.action).err().map(|e| error_page(chrome, &e.into()))
}

/// A blank form, with `defaults` filled in.
pub fn blank(
    chrome: &Chrome,
    viewer: &Viewer,
    spec: &Spec,
    post_to: &str,
    back: &str,
    choices: &Choices,
    defaults: &[(&str, &str)],
) -> Response {
    let values: Vec<(&str, String)> = defaults.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    prefilled(chrome, viewer, spec, post_to, back, choices, &values)
}

/// A form filled with an object's current values, for editing it.
pub fn prefilled(
    chrome: &Chrome,
    viewer: &Viewer,
    spec: &Spec,
    post_to: &str,
    back: &str,
    choices: &Choices,
    values: &[(&str, String)],
) -> Response {
    if let Some(refused) = refused(chrome, viewer, spec) {
        return refused;
    }
    let filled = Filled { values: values.iter().map(|(k, v)| (*k, v.as_str())).collect(), errors: HashMap::new(), alert: None };
    render(chrome, spec, post_to, back, choices, &filled, StatusCode::OK)
}

/// The submitted fields as the API's JSON body (blank fields left out), plus
/// `fixed` fields that come from the page's address, not from the form.
pub fn body<B: DeserializeOwned>(spec: &Spec, form: &Form, fixed: &[(&str, String)]) -> Result<B, ApiError> {
    let mut body: serde_json::Map<String, serde_json::Value> = spec
        .fields
        .iter()
        .filter_map(|f| Some((f.name.to_owned(), form.get(f.name).trim().to_owned())).filter(|(_, v)| !v.is_empty()))
        .map(|(k, v)| (k, v.into()))
        .collect();
    for (name, value) in fixed {
        body.insert((*name).to_owned(), value.clone().into());
    }
    serde_json::from_value(body.into()).map_err(|_| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", ""))
}

/// Where a creation goes next: to `done` on success, back to the form with
/// the errors in place when the input is refused, to the error page otherwise.
pub fn outcome(
    chrome: &Chrome,
    spec: &Spec,
    post_to: &str,
    back: &str,
    choices: &Choices,
    form: &Form,
    result: Result<String, ApiError>,
) -> Response {
    match result {
        Ok(done) => Redirect::to(&done).into_response(),
        Err(error) if matches!(error.status(), StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT) => {
            let errors: HashMap<String, String> = error.field_errors().map(|(f, c)| (f.to_owned(), c.to_owned())).collect();
            let alert = Some(if errors.is_empty() { chrome.lang.error(error.code()) } else { chrome.t("form-has-errors") });
            let values = form.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            render(chrome, spec, post_to, back, choices, &Filled { values, errors, alert }, error.status())
        }
        Err(error) => error_page(chrome, &error),
    }
}

/// (code, translated label) for each value of a closed list, the label key
/// being `prefix-code`.
pub fn options(chrome: &Chrome, prefix: &str, codes: &[&str]) -> Vec<(String, String)> {
    codes.iter().map(|code| ((*code).to_owned(), chrome.t(&format!("{prefix}-{code}")))).collect()
}
