//! The long operations a syndic waits for, timed one by one through the API
//! on a server already holding 10× the demo: a 200-unit building with 240
//! owners and ten years of calls, expenses and payments is built first
//! (untimed), then the call, its letters, a 5 000-movement bank file, ten
//! years of an owner's statement and of the building's ledger are timed.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail, ensure};
use chrono::{Datelike, Months, NaiveDate};
use hyper::Method;
use koprogo_bank::{Communication, Movement, Statement};
use koprogo_domain::communication::StructuredCommunication;
use koprogo_domain::money::Cents;
use koprogo_sample::Draw;
use serde::Serialize;
use serde_json::{Value, json};

use crate::client::{Connection, Target};
use crate::mix::{Uniques, json_call};

pub const UNITS: usize = 200;
/// 40 of the 200 units are held by two co-owners each.
pub const OWNERS: usize = 240;
pub const YEARS: u32 = 10;
pub const MOVEMENTS: usize = 5_000;

pub struct HeavyConfig {
    pub base_url: String,
    pub user: String,
    pub password: String,
    pub server_pid: Option<u32>,
    /// The day the timed call is issued; the history runs ten years before it.
    pub today: NaiveDate,
}

/// One timed operation.
#[derive(Serialize, Clone, Debug)]
pub struct Timing {
    pub operation: String,
    pub millis: f64,
    pub budget_millis: f64,
    /// Bytes of the answer (a file's size).
    pub bytes: usize,
    /// The server's resident memory above where it stood before the request (sampled every 5 ms).
    pub rss_growth_kib: Option<u64>,
    pub detail: String,
}

struct Session {
    conn: Connection,
    token: String,
}

impl Session {
    async fn call(&mut self, method: Method, path: &str, body: Option<Value>, expect: u16) -> anyhow::Result<Value> {
        let (status, answer) = json_call(&mut self.conn, method, path, Some(&self.token), body).await?;
        ensure!(status == expect, "{path} answered {status}: {answer}");
        Ok(answer)
    }

    async fn create(&mut self, path: &str, body: Value) -> anyhow::Result<String> {
        let created = self.call(Method::POST, path, Some(body), 201).await?;
        Ok(created["id"].as_str().with_context(|| format!("{path}: no id in {created}"))?.to_owned())
    }

    /// Posts a bank file as it is on disk and reads the import's answer.
    async fn import(&mut self, file: String) -> anyhow::Result<Value> {
        let (status, body) = self.raw(Method::POST, "/api/v1/bank-statements", Some(file)).await?;
        let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        ensure!(status == 201, "the bank file's import answered {status}: {answer}");
        Ok(answer)
    }

    /// Sends raw text and returns the status and the body.
    async fn raw(&mut self, method: Method, path: &str, body: Option<String>) -> anyhow::Result<(u16, bytes::Bytes)> {
        match self.conn.send(method, path, Some(&self.token), body).await {
            Ok(reply) => Ok((reply.status, reply.body)),
            Err(crate::client::Failure::Timeout) => bail!("{path}: timed out"),
            Err(crate::client::Failure::Connection(e)) => bail!("{path}: {e}"),
        }
    }
}

/// The heavy building and what its history left to time against.
struct Estate {
    building: String,
    iban: String,
    owners: Vec<String>,
    /// Each past call's lines: (communication, total in cents).
    unpaid: Vec<Vec<(String, i64)>>,
    /// Where the last bank file closed, so that the next one opens there.
    closing: i64,
}

pub async fn run(config: &HeavyConfig, progress: bool) -> anyhow::Result<Vec<Timing>> {
    let target = Target::parse(&config.base_url, false)?;
    let mut conn = Connection::new(target, Duration::from_secs(300));
    let login = json!({ "email": config.user, "password": config.password });
    let (status, answer) = json_call(&mut conn, Method::POST, "/api/v1/auth/login", None, Some(login)).await?;
    ensure!(status == 200, "login of {} answered {status}: {answer}", config.user);
    let token = answer["access_token"].as_str().context("no access_token")?.to_owned();
    let mut s = Session { conn, token };
    let say = |what: &str| {
        if progress {
            eprintln!("  {what}");
        }
    };
    say("building the 200-unit building, its owners and ten years of history (not timed)");
    let started = Instant::now();
    let mut estate = build(&mut s, config).await?;
    say(&format!("  built in {:.1} s", started.elapsed().as_secs_f64()));

    let mut timings = Vec::new();
    let watch = Watch { pid: config.server_pid };
    let call = json!({ "building_id": estate.building, "title": format!("Provisions {}", config.today), "as_of": config.today,
        "due_date": config.today + chrono::Days::new(30), "working_amount": "30000", "reserve_amount": "3000" });
    let (millis, rss, issued) = watch.time(s.call(Method::POST, "/api/v1/calls", Some(call), 201)).await?;
    let lines = issued["lines"].as_array().map_or(0, Vec::len);
    ensure!(lines == OWNERS, "the call has {lines} lines, not {OWNERS}");
    let call_id = issued["id"].as_str().context("no call id")?.to_owned();
    timings.push(Timing::new("issue a call for funds (200 units, 240 owners)", millis, 300.0, 0, rss, format!("{lines} lines")));

    let path = format!("/api/v1/calls/{call_id}/letters.pdf");
    let (millis, rss, (status, pdf)) = watch.time(s.raw(Method::GET, &path, None)).await?;
    ensure!(status == 200 && pdf.starts_with(b"%PDF"), "{path} answered {status}");
    timings.push(Timing::new("its letters PDF (240 letters, QR codes)", millis, 3_000.0, pdf.len(), rss, "PDF/A-2b".to_owned()));

    let (file, matching) = bank_file(&mut estate, config.today, 1, MOVEMENTS);
    let (millis, rss, imported) = watch.time(s.import(file)).await?;
    let (recorded, matched) = (&imported[0]["recorded"], &imported[0]["matched"]);
    ensure!(recorded == &json!(MOVEMENTS) && matched == &json!(matching), "the import recorded {recorded} and matched {matched}");
    timings.push(Timing::new(
        "import a CODA file and match it",
        millis,
        2_000.0,
        0,
        rss,
        format!("{MOVEMENTS} movements, {matching} matched"),
    ));

    let from = years_before(config.today, YEARS);
    let owner = estate.owners[0].clone();
    let path = format!("/api/v1/owners/{owner}/statement?building_id={}&from={from}&to={}", estate.building, config.today);
    let (millis, rss, statement) = watch.time(s.call(Method::GET, &path, None, 200)).await?;
    let charges = statement["charges"].as_array().map_or(0, Vec::len);
    timings.push(Timing::new("an owner's statement over 10 years (JSON)", millis, 1_000.0, 0, rss, format!("{charges} charges")));
    let path = format!("/api/v1/owners/{owner}/statement.pdf?building_id={}&from={from}&to={}", estate.building, config.today);
    let (millis, rss, (status, pdf)) = watch.time(s.raw(Method::GET, &path, None)).await?;
    ensure!(status == 200, "{path} answered {status}");
    timings.push(Timing::new("an owner's statement over 10 years (PDF)", millis, 1_000.0, pdf.len(), rss, String::new()));
    let path = format!("/api/v1/buildings/{}/ledger.xlsx?from={from}&to={}", estate.building, config.today);
    let (millis, rss, (status, xlsx)) = watch.time(s.raw(Method::GET, &path, None)).await?;
    ensure!(status == 200 && xlsx.starts_with(b"PK"), "{path} answered {status}");
    timings.push(Timing::new("the building's ledger over 10 years (Excel)", millis, 1_000.0, xlsx.len(), rss, String::new()));
    Ok(timings)
}

impl Timing {
    fn new(operation: &str, millis: f64, budget_millis: f64, bytes: usize, rss_growth_kib: Option<u64>, detail: String) -> Self {
        Self { operation: operation.to_owned(), millis, budget_millis, bytes, rss_growth_kib, detail }
    }
}

fn years_before(day: NaiveDate, years: u32) -> NaiveDate {
    day.checked_sub_months(Months::new(12 * years)).unwrap_or(day)
}

/// The building, 200 units of 5/1000, 240 owners holding them since ten years
/// before `today`, an approved expense each month and a call each quarter;
/// all calls but the five last are paid from bank files.
async fn build(s: &mut Session, config: &HeavyConfig) -> anyhow::Result<Estate> {
    let mut draw = Draw::seeded(20_261_208);
    let uniques = Uniques::new();
    let start = years_before(config.today, YEARS).with_day(1).context("a first day")?;
    let body = crate::mix::building(&mut draw, &uniques);
    let iban = body["working_fund_iban"].as_str().context("an IBAN")?.to_owned();
    let building = s.create("/api/v1/buildings", body).await?;
    let mut units = Vec::with_capacity(UNITS);
    for n in 0..UNITS {
        let unit = json!({ "building_id": building, "unit_number": format!("{}.{:02}", n / 20, n % 20), "unit_type": "Apartment",
            "floor": n / 20, "surface_area": 60 + n % 40, "quota": 5 });
        units.push(s.create("/api/v1/units", unit).await?);
    }
    let mut owners = Vec::with_capacity(OWNERS);
    for n in 0..OWNERS {
        let mut owner = crate::mix::owner(&mut draw, &uniques);
        owner["language"] = json!(["fr", "nl", "en"][n % 3]);
        owners.push(s.create("/api/v1/owners", owner).await?);
    }
    for (n, unit) in units.iter().enumerate() {
        let holders: &[(usize, &str)] = if n < OWNERS - UNITS { &[(n, "50"), (UNITS + n, "50")] } else { &[(n, "100")] };
        for (owner, share) in holders {
            let body = json!({ "unit_id": unit, "owner_id": owners[*owner], "share": share, "start_date": start });
            s.create("/api/v1/ownerships", body).await?;
        }
    }
    for month in 0..12 * YEARS {
        let day = start.checked_add_months(Months::new(month)).context("a month")? + chrono::Days::new(9);
        let expense = json!({ "building_id": building, "category": "Maintenance", "description": "Entretien et énergie",
            "amount": format!("{}.{:02}", 1_500 + draw.below(2_000), draw.below(100)), "expense_date": day, "supplier": "Fournisseur SA",
            "invoice_number": format!("F-{month}"), "vat_rate": 21, "account_code": "6101", "fund": "working" });
        let id = s.create("/api/v1/expenses", expense).await?;
        s.call(Method::POST, &format!("/api/v1/expenses/{id}/approve"), Some(json!({})), 200).await?;
    }
    let mut unpaid = Vec::new();
    for quarter in 0..4 * YEARS {
        let as_of = start.checked_add_months(Months::new(3 * quarter)).context("a quarter")?;
        if as_of >= config.today {
            break;
        }
        let call = json!({ "building_id": building, "title": format!("Provisions {as_of}"), "as_of": as_of,
            "due_date": as_of + chrono::Days::new(30), "working_amount": "30000", "reserve_amount": "3000" });
        let issued = s.call(Method::POST, "/api/v1/calls", Some(call), 201).await?;
        let lines = issued["lines"].as_array().context("lines")?;
        unpaid.push(lines.iter().filter_map(|l| Some((l["communication"].as_str()?.to_owned(), cents(&l["total"])?))).collect());
    }
    let mut estate = Estate { building, iban, owners, unpaid, closing: 0 };
    let paid_before = estate.unpaid.len().saturating_sub(5 + MOVEMENTS / OWNERS);
    let history: usize = estate.unpaid[..paid_before].iter().map(Vec::len).sum();
    let (file, _) = bank_file(&mut estate, config.today - chrono::Days::new(7), 0, history);
    s.import(file).await?;
    Ok(estate)
}

fn cents(value: &Value) -> Option<i64> {
    Cents::parse_euros(&value.to_string()).ok().map(Cents::get)
}

/// A CODA statement of `movements` movements into `iban`: the oldest unpaid
/// lines paid with their communication, the rest free-text transfers nothing
/// can match. Returns the file and how many movements should match.
fn bank_file(estate: &mut Estate, day: NaiveDate, number: u32, movements: usize) -> (String, usize) {
    let mut list = Vec::with_capacity(movements);
    for lines in &mut estate.unpaid {
        while list.len() < movements {
            let Some((communication, total)) = lines.pop() else { break };
            let communication =
                StructuredCommunication::parse(&communication).map(Communication::Structured).unwrap_or(Communication::None);
            list.push(movement(list.len(), number, total, communication, day));
        }
    }
    let matching = list.len();
    while list.len() < movements {
        let free = Communication::Free(format!("Virement {}", list.len()));
        list.push(movement(list.len(), number, 12_345, free, day));
    }
    let moved: i64 = list.iter().map(|m| m.amount.get()).sum();
    let old = estate.closing;
    estate.closing += moved;
    let statement = Statement {
        account: estate.iban.replace(' ', ""),
        statement_number: format!("{number:03}"),
        old_balance: Cents::new(old).unwrap_or_default(),
        new_balance: Cents::new(estate.closing).unwrap_or_default(),
        new_balance_date: day,
        movements: list,
    };
    (koprogo_bank::coda::write(&[statement], day).into_iter().map(char::from).collect(), matching)
}

fn movement(n: usize, number: u32, cents: i64, communication: Communication, day: NaiveDate) -> Movement {
    Movement {
        bank_reference: format!("{number:03}/{n:08}"),
        amount: Cents::new(cents).unwrap_or_default(),
        value_date: day,
        entry_date: day,
        communication,
        counterparty_account: Some("BE21001234567803".to_owned()),
        counterparty_bic: None,
        counterparty_name: Some("Coproprietaire".to_owned()),
    }
}

/// Times a request and samples the server's memory while it runs.
struct Watch {
    pid: Option<u32>,
}

impl Watch {
    async fn time<T>(&self, request: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<(f64, Option<u64>, T)> {
        let before = self.pid.and_then(crate::report::memory_kib).map(|(rss, _)| rss);
        let (stop, peak) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicU64::new(0)));
        let sampler = self.pid.map(|pid| {
            let (stop, peak) = (stop.clone(), peak.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if let Some((rss, _)) = crate::report::memory_kib(pid) {
                        peak.fetch_max(rss, Ordering::Relaxed);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            })
        });
        let started = Instant::now();
        let outcome = request.await;
        let millis = started.elapsed().as_secs_f64() * 1_000.0;
        stop.store(true, Ordering::Relaxed);
        if let Some(sampler) = sampler {
            let _ = sampler.await;
        }
        let growth = before.map(|b| peak.load(Ordering::Relaxed).saturating_sub(b));
        Ok((millis, growth, outcome?))
    }
}
