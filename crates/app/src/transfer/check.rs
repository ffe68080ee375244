//! An imported file is input like any other: every row goes through the
//! domain's parsers before a store sees it, its references stay inside the
//! file, and its totals add up (quotas within the base, shares within 100 %
//! on every day). A row that would not read back is never stored.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use koprogo_domain::Invalid;
use koprogo_domain::account::Language;
use koprogo_domain::building::{Country, QuotaBase, YearStart, parse_statutory_language};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::day::check_day;
use koprogo_domain::error::Violations;
use koprogo_domain::expense::{AccountCode, Category, ExpenseStatus, Fund, VatRate};
use koprogo_domain::identifiers::{BceNumber, Email, Iban, PostalCode};
use koprogo_domain::owner::{Period, PersonKind, Share, check_shares_fit};
use koprogo_domain::payment::MatchedBy;
use koprogo_domain::text::{LongText, Name, ShortText};
use koprogo_domain::unit::{Quota, Surface, UnitKind, parse_floor};
use uuid::Uuid;

use crate::ports::transfer::{TableRows, Value};

/// Past this many refusals the rest is not worth reading.
const MOST: usize = 20;

/// The table a reference column points into.
fn target(column: &str) -> Option<&'static str> {
    Some(match column {
        "building_id" => "buildings",
        "unit_id" => "units",
        "owner_id" => "owners",
        "expense_id" => "expenses",
        "key_id" | "distribution_key_id" => "distribution_keys",
        "call_id" => "fund_calls",
        "call_line_id" => "call_lines",
        "import_id" => "bank_imports",
        _ => return None,
    })
}

/// One row, read by column name.
struct Row<'a> {
    columns: &'a [String],
    values: &'a [Value],
}

impl Row<'_> {
    fn get(&self, column: &str) -> &Value {
        self.columns.iter().position(|c| c == column).and_then(|at| self.values.get(at)).unwrap_or(&Value::Null)
    }
}

/// The refusals found so far, each named `table[row].column` (rows from 1).
struct Findings {
    violations: Violations,
    count: usize,
}

impl Findings {
    fn push(&mut self, table: &str, row: usize, column: &str, invalid: Invalid) {
        if self.count < MOST {
            self.violations.push(&format!("{table}[{row}].{column}"), invalid);
        }
        self.count += 1;
    }
}

fn text(value: &Value) -> Option<&str> {
    match value {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Integer(n) => Some(*n),
        _ => None,
    }
}

fn uuid(value: &Value) -> Option<Uuid> {
    match value {
        Value::Uuid(id) => Some(*id),
        _ => None,
    }
}

fn date(value: &Value) -> Option<NaiveDate> {
    match value {
        Value::Date(d) => Some(*d),
        _ => None,
    }
}

fn ok<T>(parsed: Result<T, Invalid>) -> Result<(), Invalid> {
    parsed.map(|_| ())
}

fn not_negative(n: i64) -> Result<(), Invalid> {
    if n >= 0 { Ok(()) } else { Err(Invalid::OutOfRange { min: 0, max: i64::MAX }) }
}

fn list_of_integers(raw: &str) -> Result<(), Invalid> {
    let every = raw.split(',').all(|part| part.trim().parse::<u32>().is_ok());
    if every { Ok(()) } else { Err(Invalid::NotOneOf("whole numbers separated by commas")) }
}

/// The domain's parser of one column of one table, applied to its value;
/// `None` when the column has no rule beyond its kind.
fn parse(table: &str, column: &str, row: &Row<'_>) -> Option<Result<(), Invalid>> {
    let value = row.get(column);
    let t = text(value);
    let n = integer(value);
    let on_text = |f: &dyn Fn(&str) -> Result<(), Invalid>| Some(t.map_or(Ok(()), f));
    let on_integer = |f: &dyn Fn(i64) -> Result<(), Invalid>| Some(n.map_or(Ok(()), f));
    Some(match (table, column) {
        (_, "name" | "street" | "city" | "last_name" | "first_name" | "supplier" | "title") => return on_text(&|s| ok(Name::parse(s))),
        (_, "unit_number" | "phone" | "invoice_number") => return on_text(&|s| ok(ShortText::parse(s))),
        ("expenses", "description") => return on_text(&|s| ok(LongText::parse(s))),
        ("buildings", "postal_code") => return on_text(&|s| ok(PostalCode::parse(s))),
        ("owners", "postal_code") => {
            let country = text(row.get("country")).and_then(|c| Country::parse(c).ok()).unwrap_or_else(Country::belgium);
            return on_text(&|s| ok(PostalCode::parse_in(s, country.as_str())));
        }
        (_, "country") => return on_text(&|s| ok(Country::parse(s))),
        (_, "bce_number") => return on_text(&|s| ok(BceNumber::parse(s))),
        (_, "iban" | "working_fund_iban" | "reserve_fund_iban") => return on_text(&|s| ok(Iban::parse(s))),
        (_, "email") => return on_text(&|s| ok(Email::parse(s))),
        ("buildings", "language") => return on_text(&|s| ok(parse_statutory_language(s))),
        (_, "language") => return on_text(&|s| ok(Language::parse(s))),
        ("buildings", "quota_base") => return on_integer(&|v| ok(QuotaBase::new(v))),
        ("buildings", "year_start_month") => {
            let day = integer(row.get("year_start_day"));
            match n.zip(day).and_then(|(m, d)| YearStart::new(u32::try_from(m).ok()?, u32::try_from(d).ok()?)) {
                Some(_) => Ok(()),
                None => Err(Invalid::Date),
            }
        }
        ("buildings", "construction_year") => {
            return on_integer(&|v| if (1500..=2199).contains(&v) { Ok(()) } else { Err(Invalid::OutOfRange { min: 1500, max: 2199 }) });
        }
        ("units", "unit_type") => return on_text(&|s| ok(UnitKind::parse(s))),
        ("units", "floor") => return on_integer(&|v| ok(parse_floor(v))),
        ("units", "surface_hundredths") => return on_integer(&|v| ok(Surface::from_hundredths(v))),
        ("units", "quota") => return on_integer(&|v| ok(Quota::new(v))),
        ("owners", "kind") => return on_text(&|s| ok(PersonKind::parse(s))),
        (_, "share_basis_points") => return on_integer(&|v| ok(Share::from_basis_points(v))),
        ("ownerships", "end_date") => match (date(row.get("start_date")), date(value)) {
            (Some(start), end) => ok(Period::new(start, end)),
            (None, _) => Err(Invalid::Required),
        },
        ("expenses", "vat_rate") => return on_integer(&|v| ok(VatRate::from_percent(v))),
        ("expenses", "category") => return on_text(&|s| ok(Category::parse(s))),
        ("expenses", "account_code") => return on_text(&|s| ok(AccountCode::parse(s))),
        ("expenses", "fund") | ("payments" | "bank_debits", "account_fund") => return on_text(&|s| ok(Fund::parse(s))),
        ("payments", "matched_by") => return on_text(&|s| ok(MatchedBy::parse(s))),
        ("bank_debits", "matched_by") => return on_text(&|s| ok(koprogo_domain::debit::DebitMatch::parse(s))),
        ("expenses", "status") => return on_text(&|s| ok(ExpenseStatus::parse(s))),
        ("payments" | "bank_debits", "amount_cents") => {
            return on_integer(&|v| if v > 0 { Ok(()) } else { Err(Invalid::OutOfRange { min: 1, max: i64::MAX }) });
        }
        (_, c) if c.ends_with("_cents") && !matches!(table, "reminder_policies") => return on_integer(&not_negative),
        (_, c) if c.ends_with("_count") || c == "weight" || c == "unit_weight" || c == "fiscal_year" => return on_integer(&not_negative),
        ("call_lines" | "payments", "communication") => return on_text(&|s| ok(StructuredCommunication::parse(s))),
        ("reminder_policies", "delays_days" | "fees_cents") => return on_text(&list_of_integers),
        ("assemblies" | "agenda_items", _) => return parse_assembly(table, column, t, n),
        _ => return None,
    })
}

/// The assemblies' columns (text `t` or integer `n`).
fn parse_assembly(table: &str, column: &str, t: Option<&str>, n: Option<i64>) -> Option<Result<(), Invalid>> {
    use koprogo_domain::assembly::{majority::DecisionKind, meeting::AssemblyKind, meeting::Status};
    let on_text = |f: &dyn Fn(&str) -> Result<(), Invalid>| Some(t.map_or(Ok(()), f));
    match (table, column) {
        ("assemblies", "kind") => on_text(&|s| ok(AssemblyKind::parse(s))),
        ("assemblies", "status") => on_text(&|s| ok(Status::parse(s))),
        ("assemblies", "place" | "remote_means" | "identity_check") => on_text(&|s| ok(Name::parse(s))),
        ("agenda_items", "kind") => on_text(&|s| ok(DecisionKind::parse(s))),
        ("agenda_items", "resolution" | "special_reasons") => on_text(&|s| ok(LongText::parse(s))),
        ("agenda_items", "number") => {
            Some(n.map_or(Ok(()), |v| if v > 0 { Ok(()) } else { Err(Invalid::OutOfRange { min: 1, max: i64::from(i32::MAX) }) }))
        }
        _ => None,
    }
}

/// Every refusal of the file, or the file as it may be stored: the
/// building's `created_at` (which starts its billing here) becomes `now`.
pub fn check_file(file: &[TableRows], now: DateTime<Utc>) -> Result<Vec<TableRows>, Violations> {
    let mut found = Findings { violations: Violations::new(), count: 0 };
    let mut ids: HashMap<&str, HashSet<Uuid>> = HashMap::new();
    for part in file {
        let set = ids.entry(part.table.as_str()).or_default();
        if let Some(at) = part.columns.iter().position(|c| c == "id") {
            for (n, row) in part.rows.iter().enumerate() {
                if let Some(id) = row.get(at).and_then(uuid)
                    && !set.insert(id)
                {
                    found.push(&part.table, n + 1, "id", Invalid::Mismatch);
                }
            }
        }
    }
    for part in file {
        for (n, values) in part.rows.iter().enumerate() {
            let row = Row { columns: &part.columns, values };
            for (column, value) in part.columns.iter().zip(values) {
                let kind_ok = match value {
                    Value::Text(t) if t.chars().any(|c| c.is_control() && c != '\n') => Err(Invalid::NotOneOf("printable characters")),
                    Value::Date(d) => ok(check_day(*d)),
                    Value::Timestamp(t) => ok(check_day(t.date_naive())),
                    _ => Ok(()),
                };
                let checked = kind_ok.and_then(|()| parse(&part.table, column, &row).unwrap_or(Ok(())));
                if let Err(invalid) = checked {
                    found.push(&part.table, n + 1, column, invalid);
                }
                let reference = target(column).filter(|_| column != "id").zip(uuid(value));
                if let Some((table, id)) = reference
                    && !ids.get(table).is_some_and(|set| set.contains(&id))
                {
                    found.push(&part.table, n + 1, column, Invalid::UnknownReference);
                }
            }
        }
    }
    totals(file, &mut found);
    if found.count > 0 {
        return Err(found.violations);
    }
    Ok(file
        .iter()
        .map(|part| {
            let mut part = part.clone();
            if part.table == "buildings" {
                for column in ["created_at", "updated_at"] {
                    if let Some(at) = part.columns.iter().position(|c| c == column) {
                        for row in &mut part.rows {
                            if let Some(slot) = row.get_mut(at) {
                                *slot = Value::Timestamp(now);
                            }
                        }
                    }
                }
            }
            part
        })
        .collect())
}

/// The quotas within the building's base, each unit's shares within 100 %.
fn totals(file: &[TableRows], found: &mut Findings) {
    let table = |name: &str| file.iter().find(|t| t.table == name);
    let base = table("buildings")
        .and_then(|t| t.rows.first().map(|values| Row { columns: &t.columns, values }))
        .and_then(|row| integer(row.get("quota_base")));
    if let (Some(base), Some(units)) = (base, table("units")) {
        let mut sum = 0i64;
        for (n, values) in units.rows.iter().enumerate() {
            sum = sum.saturating_add(integer(Row { columns: &units.columns, values }.get("quota")).unwrap_or(0));
            if sum > base {
                found.push("units", n + 1, "quota", Invalid::OutOfRange { min: 1, max: base });
                break;
            }
        }
    }
    let Some(ownerships) = table("ownerships") else { return };
    let mut held: HashMap<Uuid, Vec<(Share, Period)>> = HashMap::new();
    for (n, values) in ownerships.rows.iter().enumerate() {
        let row = Row { columns: &ownerships.columns, values };
        let share = integer(row.get("share_basis_points")).and_then(|v| Share::from_basis_points(v).ok());
        let period = date(row.get("start_date")).and_then(|s| Period::new(s, date(row.get("end_date"))).ok());
        let (Some(unit), Some(share), Some(period)) = (uuid(row.get("unit_id")), share, period) else { continue };
        let others = held.entry(unit).or_default();
        if check_shares_fit(others, (share, period)).is_err() {
            found.push("ownerships", n + 1, "share_basis_points", Invalid::OutOfRange { min: 1, max: i64::from(Share::WHOLE) });
        }
        others.push((share, period));
    }
}
