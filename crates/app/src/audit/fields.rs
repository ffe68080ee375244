//! Each audited object's state as the trail sees it: the fields a change
//! compares, with the personal ones marked so that their values never reach
//! the trail (the data inventory, `crate::inventory`, says why each is personal).

use koprogo_domain::building::Building;
use koprogo_domain::charges::DistributionKey;
use koprogo_domain::expense::Expense;
use koprogo_domain::owner::{Owner, Ownership};
use koprogo_domain::unit::Unit;

use super::{Field, field, personal};

fn text(value: impl ToString) -> Option<String> {
    Some(value.to_string())
}

pub fn building(b: &Building) -> Vec<Field> {
    let d = &b.details;
    vec![
        field("name", text(&d.name)),
        field("street", text(&d.address.street)),
        field("postal_code", text(&d.address.postal_code)),
        field("city", text(&d.address.city)),
        field("country", text(d.address.country.as_str())),
        field("bce_number", d.bce_number.as_ref().map(|n| n.as_str().to_owned())),
        field("quota_base", text(d.quota_base.get())),
        field("construction_year", d.construction_year.map(|y| y.to_string())),
        field("language", text(d.language)),
        field("working_fund_iban", d.working_fund_iban.as_ref().map(|i| i.as_str().to_owned())),
        field("reserve_fund_iban", d.reserve_fund_iban.as_ref().map(|i| i.as_str().to_owned())),
        field("year_start", text(d.year_start)),
    ]
}

pub fn unit(u: &Unit) -> Vec<Field> {
    let d = &u.details;
    vec![
        field("building_id", text(d.building_id)),
        field("number", text(&d.number)),
        field("kind", text(d.kind)),
        field("floor", d.floor.map(|f| f.to_string())),
        field("surface", d.surface.map(|s| s.to_decimal_string())),
        field("quota", text(d.quota.get())),
    ]
}

/// A natural person's identity and contact are personal; a company's name and
/// number are public (the BCE publishes them).
pub fn owner(o: &Owner) -> Vec<Field> {
    let d = &o.details;
    let natural = d.kind == koprogo_domain::owner::PersonKind::Natural;
    let name = |n, v| if natural { personal(n, v) } else { field(n, v) };
    vec![
        field("kind", text(d.kind)),
        personal("first_name", d.first_name.as_ref().map(ToString::to_string)),
        name("last_name", text(&d.last_name)),
        personal("email", d.email.as_ref().map(|e| e.as_str().to_owned())),
        personal("phone", d.phone.as_ref().map(ToString::to_string)),
        personal(
            "address",
            d.address
                .as_ref()
                .map(|a| format!("{} {} {}", a.street, a.postal_code.as_ref().map(ToString::to_string).unwrap_or_default(), a.city)),
        ),
        personal("iban", d.iban.as_ref().map(|i| i.as_str().to_owned())),
        field("language", text(d.language)),
        field("bce_number", d.bce_number.as_ref().map(|n| n.as_str().to_owned())),
    ]
}

pub fn ownership(o: &Ownership) -> Vec<Field> {
    let d = &o.details;
    vec![
        field("unit_id", text(d.unit_id)),
        field("owner_id", text(d.owner_id)),
        field("share", text(d.share.to_percent_string())),
        field("start_date", text(d.period.start())),
        field("end_date", d.period.end().map(|e| e.to_string())),
    ]
}

pub fn expense(e: &Expense) -> Vec<Field> {
    let d = &e.details;
    vec![
        field("building_id", text(d.building_id)),
        field("date", text(d.date)),
        field("supplier", text(&d.supplier)),
        field("invoice_number", d.invoice_number.as_ref().map(ToString::to_string)),
        field("description", text(&d.description)),
        field("amount", text(d.amount)),
        field("vat_rate", text(d.vat_rate.as_str())),
        field("category", text(d.category)),
        field("account_code", text(d.account_code.as_str())),
        field("fund", text(d.fund)),
        field("status", text(e.status)),
    ]
}

pub fn key(k: &DistributionKey) -> Vec<Field> {
    let weights: Vec<String> = k.weights.entries().iter().map(|(unit, w)| format!("{unit}={w}")).collect();
    vec![field("building_id", text(k.building_id)), field("name", text(&k.name)), field("weights", Some(weights.join(",")))]
}
