//! Shapes shared by the JSON endpoints: numbers read exactly, dates in either
//! form, list parameters and the paged envelope.

use chrono::NaiveDate;
use koprogo_app::listing::{ListQuery, Page};
use koprogo_domain::Invalid;
use koprogo_domain::error::Violations;
use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::ToSchema;

/// A JSON number or string, kept as its exact text: `12.30` stays `12.30`,
/// never a binary float. The domain parses the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            let inner: String = serde_json::from_str(text).map_err(de::Error::custom)?;
            return Ok(Self(inner));
        }
        if text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return Ok(Self(text.to_owned()));
        }
        Err(de::Error::invalid_type(de::Unexpected::Other(text), &"a number or a numeric string"))
    }
}

impl Scalar {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// An integer, for counts, years, floors and quotas.
    pub fn integer(&self) -> Result<i64, Invalid> {
        self.0.trim().parse().map_err(|_| Invalid::OutOfRange { min: i64::MIN, max: i64::MAX })
    }
}

/// A decimal written as a JSON number in responses (`1234.56`), from exact text.
pub fn number(text: &str) -> Box<RawValue> {
    RawValue::from_string(text.to_owned()).unwrap_or_else(|_| RawValue::from_string("0".to_owned()).unwrap_or_default())
}

/// An amount in euros as an exact JSON number (`1234.56`).
pub fn euros(amount: koprogo_domain::money::Cents) -> Box<RawValue> {
    number(&amount.to_decimal_string())
}

/// A CSV cell that a spreadsheet will not run: text starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return is a formula to Excel and LibreOffice
/// (OWASP "CSV injection"), and a payer's name or a bank communication is
/// whatever the person making the transfer typed. Such a cell gets a leading
/// `'`; a plain number (`-12.50`) stays a number.
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let number = {
        let digits = cell.strip_prefix('-').unwrap_or(cell);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
        !whole.is_empty() && !fraction.is_empty() && (whole.chars().chain(fraction.chars())).all(|c| c.is_ascii_digit())
    };
    if risky && !number { std::borrow::Cow::Owned(format!("'{cell}")) } else { std::borrow::Cow::Borrowed(cell) }
}

/// Euros written exactly, at most two decimals, not negative.
pub fn parse_amount(raw: &str) -> Result<koprogo_domain::money::Cents, Invalid> {
    let amount = koprogo_domain::money::Cents::parse_euros(raw)?;
    if amount.get() < 0 { Err(Invalid::OutOfRange { min: 0, max: 10_000_000_000 }) } else { Ok(amount) }
}

/// `2026-03-01` or an RFC 3339 date-time (whose UTC date is taken), in 1900–2199.
pub fn parse_date(raw: &str) -> Result<NaiveDate, Invalid> {
    let raw = raw.trim();
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&chrono::Utc).date_naive()))
        .map_err(|_| Invalid::Date)?;
    koprogo_domain::day::check_day(day)
}

pub fn parse_optional_date(raw: Option<&str>) -> Result<Option<NaiveDate>, Invalid> {
    raw.filter(|r| !r.trim().is_empty()).map(parse_date).transpose()
}

/// Paging and sorting, common to every list.
#[derive(Debug, Default, Deserialize)]
pub struct Paging {
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub sort_by: Option<String>,
    pub order: Option<String>,
}

impl Paging {
    /// Parses into a query sorted by `sort_by` (default `default`), collecting errors.
    pub fn parse<S: Copy>(&self, default: S, parse_sort: fn(&str) -> Result<S, Invalid>, v: &mut Violations) -> Option<ListQuery<S>> {
        let int = |v: &mut Violations, field: &str, raw: &Option<String>| match raw.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(text) => v.check(field, text.parse::<i64>().map(Some).map_err(|_| Invalid::OutOfRange { min: 1, max: 1_000_000 })),
        };
        let page = int(v, "page", &self.page)?;
        let per_page = int(v, "per_page", &self.per_page)?;
        let sort = match self.sort_by.as_deref().map(str::trim) {
            None | Some("") => Some(default),
            Some(raw) => v.check("sort_by", parse_sort(raw)),
        }?;
        match ListQuery::parse(page, per_page, sort, self.order.as_deref()) {
            Ok(query) => Some(query),
            Err(errors) => {
                for (field, invalid) in errors.into_inner() {
                    v.push(&field, invalid);
                }
                None
            }
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Pagination {
    pub current_page: u32,
    pub per_page: u32,
    pub total_items: u64,
    pub total_pages: u64,
    pub has_next: bool,
    pub has_previous: bool,
}

/// `{"data": [...], "pagination": {...}}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paged<T> {
    pub data: Vec<T>,
    pub pagination: Pagination,
}

impl<T> Paged<T> {
    pub fn new<S, U>(page: Page<U>, query: &ListQuery<S>, view: impl FnMut(U) -> T) -> Self {
        let per_page = u64::from(query.per_page);
        let total_pages = page.total.div_ceil(per_page);
        Self {
            data: page.items.into_iter().map(view).collect(),
            pagination: Pagination {
                current_page: query.page,
                per_page: query.per_page,
                total_items: page.total,
                total_pages,
                has_next: u64::from(query.page) < total_pages,
                has_previous: query.page > 1,
            },
        }
    }
}

/// A required text field: missing is an error of its own.
pub fn required<T>(v: &mut Violations, field: &str, raw: Option<&str>, parse: impl FnOnce(&str) -> Result<T, Invalid>) -> Option<T> {
    match raw {
        None => {
            v.push(field, Invalid::Required);
            None
        }
        Some(raw) => v.check(field, parse(raw)),
    }
}

/// An optional field: missing or blank is `None`.
pub fn optional<T>(
    v: &mut Violations,
    field: &str,
    raw: Option<&str>,
    parse: impl FnOnce(&str) -> Result<T, Invalid>,
) -> Option<Option<T>> {
    match raw.map(str::trim) {
        None | Some("") => Some(None),
        Some(raw) => v.check(field, parse(raw).map(Some)),
    }
}

/// A flag in the query string: `true` or `false`.
pub fn parse_bool(raw: &str) -> Result<bool, Invalid> {
    match raw {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(Invalid::NotOneOf("true false")),
    }
}

/// A body may name the organisation it is meant for; it must be the acting one.
pub fn check_organization(actor: &koprogo_app::access::Actor, claimed: Option<uuid::Uuid>) -> Result<(), crate::error::ApiError> {
    match claimed {
        Some(claimed) if actor.tenant.map(koprogo_domain::ids::TenantId::as_uuid) != Some(claimed) => Err(crate::error::ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "organization_mismatch",
            "organization_id is not the organisation you act in.",
        )),
        _ => Ok(()),
    }
}

/// An id in the path: 400 when it is not a UUID.
pub struct Id(pub uuid::Uuid);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Id {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<uuid::Uuid>::from_request_parts(parts, state).await.map(|p| Self(p.0)).map_err(|_| {
            crate::error::ApiError::new(axum::http::StatusCode::BAD_REQUEST, "malformed_id", "The id in the path is not a UUID.")
        })
    }
}

/// Turns collected violations into the value, or the 422 error.
pub fn finish<T>(v: Violations, value: Option<T>) -> Result<T, crate::error::ApiError> {
    match value {
        Some(value) if v.is_empty() => Ok(value),
        _ => Err(crate::error::ApiError::invalid(&v)),
    }
}

/// An optional id in the query string.
pub fn query_id(v: &mut Violations, field: &str, raw: Option<&str>) -> Option<Option<uuid::Uuid>> {
    optional(v, field, raw, |r| r.parse::<uuid::Uuid>().map_err(|_| Invalid::UnknownReference))
}

/// A required id in a body.
pub fn body_id(v: &mut Violations, field: &str, raw: Option<uuid::Uuid>) -> Option<uuid::Uuid> {
    if raw.is_none() {
        v.push(field, Invalid::Required);
    }
    raw
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_never_reach_a_spreadsheet_and_numbers_stay_numbers() {
        for formula in ["=HYPERLINK(\"http://evil\",\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", "-"] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["Dupont", "-12.50", "42", "0.5", "a=b", ""] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        let parsed: Vec<Scalar> = serde_json::from_str(r#"[12.30, "7.5", -1, 1e3]"#).unwrap();
        assert_eq!(parsed.iter().map(Scalar::as_str).collect::<Vec<_>>(), ["12.30", "7.5", "-1", "1e3"]);
        assert!(serde_json::from_str::<Scalar>("true").is_err());
        assert!(serde_json::from_str::<Scalar>("null").is_err());
    }

    #[test]
    fn dates_come_plain_or_as_timestamps() {
        let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(parse_date("2026-03-01"), Ok(day));
        assert_eq!(parse_date("2026-03-01T10:00:00+01:00"), Ok(day));
        assert_eq!(parse_date("2026-03-01T00:30:00+02:00"), Ok(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()));
        assert_eq!(parse_date("01/03/2026"), Err(Invalid::Date));
    }
}
