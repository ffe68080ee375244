//! `/owners`: co-owners, persons or companies, and how to reach them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use koprogo_app::App;
use koprogo_app::listing::OwnerSort;
use koprogo_domain::Invalid;
use koprogo_domain::account::Language;
use koprogo_domain::building::Country;
use koprogo_domain::error::Violations;
use koprogo_domain::identifiers::{BceNumber, Email, Iban, PostalCode};
use koprogo_domain::ids::{BuildingId, OwnerId};
use koprogo_domain::owner::{Owner, OwnerDetails, PersonKind, PostalAddress};
use koprogo_domain::text::Text;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiResult, Problem};
use crate::extract::{ApiJson, ApiQuery, Authenticated};
use crate::wire::{Id, Paged, Paging, Scalar, check_organization, finish, optional, query_id, required};

pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list, create)).routes(routes!(show, update, remove))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnerBody {
    /// natural (default) or legal.
    kind: Option<String>,
    /// Required for a natural person.
    first_name: Option<String>,
    /// Family name, or a company's name.
    last_name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    /// Street and number of the postal address.
    address: Option<String>,
    city: Option<String>,
    #[schema(value_type = Option<String>, example = "1050")]
    postal_code: Option<Scalar>,
    /// Two-letter country code or `Belgium` (default BE).
    country: Option<String>,
    iban: Option<String>,
    /// fr, nl, de or en (default fr): the language of letters.
    language: Option<String>,
    /// BCE/KBO number, for companies.
    bce_number: Option<String>,
    organization_id: Option<Uuid>,
    #[schema(ignore)]
    #[serde(default, rename = "id")]
    _id: Option<serde::de::IgnoredAny>,
    #[schema(ignore)]
    #[serde(default, rename = "created_at")]
    _created_at: Option<serde::de::IgnoredAny>,
}

impl OwnerBody {
    pub(crate) fn parse(&self) -> ApiResult<OwnerDetails> {
        let mut v = Violations::new();
        let kind = optional(&mut v, "kind", self.kind.as_deref(), PersonKind::parse);
        let first_name = optional(&mut v, "first_name", self.first_name.as_deref(), Text::parse);
        let last_name = required(&mut v, "last_name", self.last_name.as_deref(), Text::parse);
        let email = optional(&mut v, "email", self.email.as_deref(), Email::parse);
        let phone = optional(&mut v, "phone", self.phone.as_deref(), Text::parse);
        let address = self.address(&mut v);
        let iban = optional(&mut v, "iban", self.iban.as_deref(), Iban::parse);
        let language = optional(&mut v, "language", self.language.as_deref(), Language::parse);
        let bce_number = optional(&mut v, "bce_number", self.bce_number.as_deref(), BceNumber::parse);
        let details = (|| {
            Some(OwnerDetails {
                kind: kind?.unwrap_or(PersonKind::Natural),
                first_name: first_name?,
                last_name: last_name?,
                email: email?,
                phone: phone?,
                address: address?,
                iban: iban?,
                language: language?.unwrap_or(Language::Fr),
                bce_number: bce_number?,
            })
        })();
        if let Some(Err((field, invalid))) = details.as_ref().map(OwnerDetails::check) {
            v.push(field, invalid);
        }
        finish(v, details)
    }

    /// Street and city go together; postal code and country are optional.
    fn address(&self, v: &mut Violations) -> Option<Option<PostalAddress>> {
        let street = optional(v, "address", self.address.as_deref(), Text::parse)?;
        let city = optional(v, "city", self.city.as_deref(), Text::parse)?;
        let country = optional(v, "country", self.country.as_deref(), Country::parse)?;
        let code_of = country.as_ref().map_or("BE", Country::as_str).to_owned();
        let postal_code =
            optional(v, "postal_code", self.postal_code.as_ref().map(Scalar::as_str), |raw| PostalCode::parse_in(raw, &code_of))?;
        match (street, city) {
            (Some(street), Some(city)) => {
                Some(Some(PostalAddress { street, postal_code, city, country: country.unwrap_or_else(Country::belgium) }))
            }
            (None, None) if postal_code.is_none() => Some(None),
            (None, _) => {
                v.push("address", Invalid::Required);
                None
            }
            (Some(_), None) => {
                v.push("city", Invalid::Required);
                None
            }
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct OwnerView {
    id: Uuid,
    /// The organisation, on single objects (a list is all one organisation).
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_id: Option<Uuid>,
    kind: String,
    first_name: Option<String>,
    last_name: String,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
    city: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
    iban: Option<String>,
    language: String,
    bce_number: Option<String>,
    created_at: DateTime<Utc>,
    /// When the owner agreed in writing to convocations by e-mail (absent: registered mail).
    #[serde(skip_serializing_if = "Option::is_none")]
    email_consent_at: Option<DateTime<Utc>>,
    /// When the owner's identity was erased (the record keeps a pseudonym and the accounts).
    #[serde(skip_serializing_if = "Option::is_none")]
    erased_at: Option<DateTime<Utc>>,
}

pub(crate) fn view(tenant: Option<Uuid>, owner: Owner) -> OwnerView {
    let d = owner.details;
    let address = d.address.as_ref();
    OwnerView {
        id: owner.id.as_uuid(),
        organization_id: tenant,
        kind: d.kind.as_str().to_owned(),
        first_name: d.first_name.map(|n| n.to_string()),
        last_name: d.last_name.to_string(),
        email: d.email.map(|e| e.as_str().to_owned()),
        phone: d.phone.map(|p| p.to_string()),
        address: address.map(|a| a.street.to_string()),
        city: address.map(|a| a.city.to_string()),
        postal_code: address.and_then(|a| a.postal_code.as_ref()).map(PostalCode::to_string),
        country: address.map(|a| a.country.as_str().to_owned()),
        iban: d.iban.map(|i| i.as_str().to_owned()),
        language: d.language.as_str().to_owned(),
        bce_number: d.bce_number.map(|n| n.dotted()),
        created_at: owner.created_at,
        email_consent_at: owner.privacy.email_consent_at,
        erased_at: owner.privacy.erased_at,
    }
}

#[derive(Deserialize)]
pub struct OwnerFilters {
    #[serde(flatten)]
    paging: Paging,
    building_id: Option<String>,
}

/// Owners the caller may see; `building_id` keeps those holding one of its units.
/// `sort_by`: last_name, first_name, email, created_at.
#[utoipa::path(get, path = "", tag = "owners", security(("bearer" = [])),
    params(("building_id" = Option<Uuid>, Query), ("page" = Option<u32>, Query, minimum = 1, maximum = 1000000), ("per_page" = Option<u32>, Query, minimum = 1, maximum = 100),
        ("sort_by" = Option<String>, Query, pattern = "^(last_name|first_name|email|created_at)$"), ("order" = Option<String>, Query, pattern = "^(asc|desc)$")),
    responses((status = 200, body = Paged<OwnerView>), (status = 422, body = Problem)))]
async fn list(State(app): State<App>, auth: Authenticated, ApiQuery(filters): ApiQuery<OwnerFilters>) -> ApiResult<Json<Paged<OwnerView>>> {
    let mut v = Violations::new();
    let query = filters.paging.parse(OwnerSort::LastName, OwnerSort::parse, &mut v);
    let building = query_id(&mut v, "building_id", filters.building_id.as_deref());
    let (query, building) = finish(v, query.zip(building))?;
    let page = app.owners(&auth.actor, &query, building.map(BuildingId::from_uuid)).await?;
    Ok(Json(Paged::new(page, &query, |o| view(None, o))))
}

#[utoipa::path(post, path = "", tag = "owners", security(("bearer" = [])), request_body = OwnerBody,
    responses((status = 201, body = OwnerView), (status = 422, body = Problem)))]
async fn create(
    State(app): State<App>,
    auth: Authenticated,
    ApiJson(body): ApiJson<OwnerBody>,
) -> ApiResult<(StatusCode, Json<OwnerView>)> {
    check_organization(&auth.actor, body.organization_id)?;
    let owner = app.create_owner(&auth.actor, body.parse()?).await?;
    Ok((StatusCode::CREATED, Json(view(auth.tenant(), owner))))
}

#[utoipa::path(get, path = "/{id}", tag = "owners", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = OwnerView), (status = 404, body = Problem)))]
async fn show(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<Json<OwnerView>> {
    let owner = app.owner(&auth.actor, OwnerId::from_uuid(id)).await?;
    Ok(Json(view(auth.tenant(), owner)))
}

#[utoipa::path(put, path = "/{id}", tag = "owners", security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = OwnerBody,
    responses((status = 200, body = OwnerView), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update(State(app): State<App>, auth: Authenticated, Id(id): Id, ApiJson(body): ApiJson<OwnerBody>) -> ApiResult<Json<OwnerView>> {
    check_organization(&auth.actor, body.organization_id)?;
    let owner = app.update_owner(&auth.actor, OwnerId::from_uuid(id), body.parse()?).await?;
    Ok(Json(view(auth.tenant(), owner)))
}

/// Deletes an owner who holds no unit and has no account (409 otherwise).
#[utoipa::path(delete, path = "/{id}", tag = "owners", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn remove(State(app): State<App>, auth: Authenticated, Id(id): Id) -> ApiResult<StatusCode> {
    app.delete_owner(&auth.actor, OwnerId::from_uuid(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}
