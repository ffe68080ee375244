//! The seed's workload: 70 % reads (buildings 30 %, units 25 %, owners 20 %,
//! expenses 20 %, auth 5 %; half list pages, half detail pages of existing
//! objects) and 30 % writes creating buildings, units, owners and expenses
//! with realistic Belgian data that never collides, so every request can succeed.
//! The `full` mix sends 15 % of the requests to the money pages instead
//! (calls, payments, arrears, owners' accounts), the rest as the seed's.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};
use hyper::Method;
use koprogo_sample::{self as sample, Draw};
use serde_json::{Value, json};

use crate::client::Connection;
use crate::peer::Api;

/// Which requests a run sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Mix {
    /// The seed's own mix, for comparison with its report.
    #[default]
    Seed,
    /// The seed's mix with 15 % of reads on calls, payments, arrears and accounts.
    Full,
}

/// One request to make.
pub struct Call {
    pub method: Method,
    pub path: String,
    pub body: Option<String>,
    /// Writes are expected to answer 201, reads 200.
    pub kind: &'static str,
}

/// An organisation the load acts in, with ids to read.
pub struct Tenant {
    pub token: String,
    pub buildings: Vec<String>,
    pub units: Vec<String>,
    pub owners: Vec<String>,
    pub expenses: Vec<String>,
    pub calls: Vec<String>,
    /// Created by this run with a large quota base, so that new units always fit.
    pub scratch_building: String,
}

/// Numbers no other run or worker uses: unit numbers, names, invoices.
pub struct Uniques {
    run: u64,
    next: AtomicU64,
}

impl Uniques {
    pub fn new() -> Self {
        let run = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64 % 1_000_000_000);
        Self { run, next: AtomicU64::new(0) }
    }

    fn take(&self) -> String {
        format!("{}-{}", self.run, self.next.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for Uniques {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) async fn json_call(
    conn: &mut Connection,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> anyhow::Result<(u16, Value)> {
    match conn.send(method, path, token, body.map(|b| b.to_string())).await {
        Ok(reply) => Ok((reply.status, serde_json::from_slice(&reply.body).unwrap_or(Value::Null))),
        Err(crate::client::Failure::Timeout) => bail!("{path}: timed out"),
        Err(crate::client::Failure::Connection(e)) => bail!("{path}: {e}"),
    }
}

/// Logs in as `email` and collects the ids it can read (first 500 of each).
pub async fn prepare(conn: &mut Connection, email: &str, password: &str, uniques: &Uniques, api: Api) -> anyhow::Result<Tenant> {
    let (status, login) =
        json_call(conn, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": email, "password": password }))).await?;
    if status != 200 {
        bail!("login of {email} answered {status}: {login}");
    }
    let token = login[api.token_field()].as_str().with_context(|| format!("no {}", api.token_field()))?.to_owned();
    let mut ids = Vec::new();
    for area in api.areas() {
        let mut found = Vec::new();
        for page in 1..=5 {
            let (_, list) = json_call(conn, Method::GET, &format!("/api/v1/{area}?per_page=100&page={page}"), Some(&token), None).await?;
            let data = list["data"].as_array().cloned().unwrap_or_default();
            found.extend(data.iter().filter_map(|o| o["id"].as_str().map(str::to_owned)));
            if data.len() < 100 {
                break;
            }
        }
        ids.push(found);
    }
    let mut scratch = building(&mut Draw::seeded(1), uniques);
    scratch["quota_base"] = json!(1_000_000);
    let scratch = api.body("/api/v1/buildings", scratch);
    let (status, created) = json_call(conn, Method::POST, "/api/v1/buildings", Some(&token), Some(scratch)).await?;
    if status != 201 {
        bail!("creating the scratch building answered {status}: {created}");
    }
    let scratch_building = created["id"].as_str().context("no id")?.to_owned();
    ids.resize(5, Vec::new());
    let [buildings, units, owners, expenses, calls] = <[Vec<String>; 5]>::try_from(ids).map_err(|_| anyhow::anyhow!("ids"))?;
    if buildings.is_empty() {
        bail!("{email} sees no building: seed the database first (koprogo seed --demo)");
    }
    Ok(Tenant { token, buildings, units, owners, expenses, calls, scratch_building })
}

pub(crate) fn building(draw: &mut Draw, uniques: &Uniques) -> Value {
    let place = *draw.pick(&[&sample::BRUSSELS, &sample::LIEGE, &sample::GENT, &sample::NAMUR]);
    json!({
        "name": format!("Résidence {} {}", draw.pick(sample::LAST_NAMES_FR), uniques.take()),
        "address": format!("{} {}", draw.pick(place.streets), 1 + draw.below(200)),
        "city": place.city, "postal_code": place.postal_code.to_string(), "country": "BE",
        "construction_year": 1950 + draw.below(70), "quota_base": 1000,
        "bce_number": sample::bce_number(draw), "working_fund_iban": sample::belgian_iban(draw), "language": "fr"
    })
}

pub(crate) fn owner(draw: &mut Draw, uniques: &Uniques) -> Value {
    let (first, last) = if draw.below(2) == 0 {
        (*draw.pick(sample::FIRST_NAMES_FR), *draw.pick(sample::LAST_NAMES_FR))
    } else {
        (*draw.pick(sample::FIRST_NAMES_NL), *draw.pick(sample::LAST_NAMES_NL))
    };
    let place = *draw.pick(&[&sample::BRUSSELS, &sample::LIEGE, &sample::GENT, &sample::NAMUR]);
    json!({
        "first_name": first, "last_name": last, "email": sample::email(first, last, 0).replace('@', &format!("+{}@", uniques.take())),
        "phone": format!("{} {:03} {:02} {:02}", place.phone_prefix, 200 + draw.below(700), draw.below(100), draw.below(100)),
        "address": format!("{} {}", draw.pick(place.streets), 1 + draw.below(200)), "city": place.city,
        "postal_code": place.postal_code.to_string(), "country": "BE", "iban": sample::belgian_iban(draw), "language": "fr"
    })
}

/// A read of the money pages: calls (list and detail), payments, a building's
/// arrears, an owner's account.
fn money_call(draw: &mut Draw, tenant: &Tenant) -> Call {
    let get = |path: String| Call { method: Method::GET, path, body: None, kind: "read" };
    match (draw.below(150), tenant.calls.is_empty()) {
        (0..30, _) | (30..60, true) => get("/api/v1/calls".to_owned()),
        (30..60, false) => get(format!("/api/v1/calls/{}", draw.pick(&tenant.calls))),
        (60..100, _) => get(format!("/api/v1/payments?page={}", 1 + draw.below(3))),
        (100..125, _) => get(format!("/api/v1/arrears?building_id={}", draw.pick(&tenant.buildings))),
        _ if tenant.owners.is_empty() => get("/api/v1/payments".to_owned()),
        _ => get(format!("/api/v1/owners/{}/account", draw.pick(&tenant.owners))),
    }
}

/// Picks the next request for `tenant`, following the seed's proportions
/// (and, in the full mix, the money pages' share).
pub fn next_call(draw: &mut Draw, tenant: &Tenant, uniques: &Uniques, mix: Mix, api: Api) -> Call {
    if mix == Mix::Full && draw.below(1000) < 150 {
        return money_call(draw, tenant);
    }
    let roll = draw.below(1000);
    let detail = draw.below(2) == 0;
    let read = |area: &str, ids: &[String], draw: &mut Draw| match (detail, ids.is_empty()) {
        (true, false) => Call { method: Method::GET, path: format!("/api/v1/{area}/{}", draw.pick(ids)), body: None, kind: "read" },
        _ => {
            let pages = (ids.len() / 20).clamp(1, 5) as u64;
            Call { method: Method::GET, path: format!("/api/v1/{area}?page={}", 1 + draw.below(pages)), body: None, kind: "read" }
        }
    };
    let write = |path: &str, body: Value| Call {
        method: Method::POST,
        path: path.to_owned(),
        body: Some(api.body(path, body).to_string()),
        kind: "write",
    };
    match roll {
        0..210 => read("buildings", &tenant.buildings, draw),
        210..385 => read("units", &tenant.units, draw),
        385..525 => read("owners", &tenant.owners, draw),
        525..665 => read("expenses", &tenant.expenses, draw),
        665..700 => Call { method: Method::GET, path: "/api/v1/auth/me".to_owned(), body: None, kind: "read" },
        700..730 => write("/api/v1/buildings", building(draw, uniques)),
        730..820 => write(
            "/api/v1/units",
            json!({ "building_id": tenant.scratch_building, "unit_number": uniques.take(), "unit_type": "apartment",
                    "floor": draw.below(12), "surface_area": 45 + draw.below(90), "quota": 1 }),
        ),
        820..910 => write("/api/v1/owners", owner(draw, uniques)),
        _ => write(
            "/api/v1/expenses",
            json!({ "building_id": draw.pick(&tenant.buildings), "category": "maintenance", "description": "Entretien des communs",
                    "amount": format!("{}.{:02}", 50 + draw.below(2000), draw.below(100)), "expense_date": format!("2026-{:02}-{:02}", 1 + draw.below(11), 1 + draw.below(28)),
                    "supplier": "Net & Clean SRL", "invoice_number": format!("L-{}", uniques.take()), "vat_rate": 21 }),
        ),
    }
}
