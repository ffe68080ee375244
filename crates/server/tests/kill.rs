//! The service killed with SIGKILL during writes, 20 times, on SQLite and on
//! PostgreSQL: every write it acknowledged is there afterwards, no write is
//! half done (the totals kept beside the rows agree with the rows), and each
//! restart is ready within 5 s.

mod support;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;

const KILLS: u64 = 20;
const WRITERS: usize = 4;

struct Service {
    dir: PathBuf,
    port: u16,
    database: Option<String>,
}

impl Service {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        command.current_dir(&self.dir).args(args).env("KOPROGO_LOG", "error").stdout(Stdio::null());
        match &self.database {
            Some(url) => command.env("KOPROGO_DATABASE_URL", url),
            None => command.env_remove("KOPROGO_DATABASE_URL"),
        };
        command
    }

    /// Starts the server; returns it with the time it took to be ready.
    fn start(&self) -> (Running, Duration) {
        let started = Instant::now();
        let mut child =
            Running(Some(self.command(&["serve", "--listen", &format!("127.0.0.1:{}", self.port)]).spawn().expect("start koprogo")));
        wait_ready(self.port, child.child());
        (child, started.elapsed())
    }
}

/// What one writer got a 2xx for: (collection, id).
type Acked = Arc<Mutex<Vec<(&'static str, String)>>>;

fn created(port: u16, token: &str, path: &str, body: &Value) -> Option<String> {
    let (status, body) = try_http(port, "POST", path, Some(token), Some(&body.to_string())).ok()?;
    let value: Value = serde_json::from_str(&body).ok()?;
    (status == 201).then(|| value["id"].as_str().map(str::to_owned)).flatten()
}

/// Creates units, owners, ownerships and expenses in `building` until told to
/// stop or the server dies; each unit and owner it creates becomes an ownership.
fn writer(port: u16, token: String, building: String, tag: String, stop: Arc<AtomicBool>, acked: Acked) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let unit = json!({ "building_id": building, "unit_number": format!("{tag}-{n}"), "unit_type": "apartment", "quota": 1 });
        let Some(unit) = created(port, &token, "/api/v1/units", &unit) else { return };
        acked.lock().expect("lock").push(("units", unit.clone()));
        let owner = json!({ "first_name": "Anne", "last_name": format!("Kill {tag}-{n}"), "email": format!("kill+{tag}-{n}@example.be") });
        let Some(owner) = created(port, &token, "/api/v1/owners", &owner) else { return };
        acked.lock().expect("lock").push(("owners", owner.clone()));
        let ownership = json!({ "unit_id": unit, "owner_id": owner, "share": 100, "start_date": "2026-01-01" });
        let Some(ownership) = created(port, &token, "/api/v1/ownerships", &ownership) else { return };
        acked.lock().expect("lock").push(("ownerships", ownership));
        let expense = json!({ "building_id": building, "category": "maintenance", "description": "Entretien", "amount": "123.45",
                              "expense_date": "2026-03-01", "supplier": "Net & Clean SRL", "vat_rate": 21 });
        let Some(expense) = created(port, &token, "/api/v1/expenses", &expense) else { return };
        acked.lock().expect("lock").push(("expenses", expense));
    }
}

/// Every item of a list, following its pages; with the total it announced.
fn all(port: u16, token: &str, path: &str) -> (Vec<Value>, u64) {
    let (mut items, mut page) = (Vec::new(), 1);
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let (status, body) = http(port, "GET", &format!("{path}{separator}per_page=100&page={page}"), Some(token), None);
        assert_eq!(status, 200, "{path}: {body}");
        let value: Value = serde_json::from_str(&body).expect("json");
        let batch = value["data"].as_array().expect("data").clone();
        let total = value["pagination"]["total_items"].as_u64().expect("total");
        if batch.is_empty() {
            return (items, total);
        }
        items.extend(batch);
        page += 1;
    }
}

fn drill(service: &Service) {
    assert!(service.command(&["seed", "--demo"]).status().expect("seed").success());
    let (mut child, _) = service.start();
    let token = login(service.port, "syndic@demo.koprogo.be");
    let building = json!({ "name": "Résidence SIGKILL", "address": "Rue de la Loi 16", "city": "Bruxelles", "postal_code": "1000",
                           "country": "BE", "quota_base": 1_000_000 });
    let building = created(service.port, &token, "/api/v1/buildings", &building).expect("drill building");
    let acked: Acked = Arc::default();
    let mut slowest_restart = Duration::ZERO;
    for kill in 0..KILLS {
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (token, building, stop, acked) = (token.clone(), building.clone(), stop.clone(), acked.clone());
                let port = service.port;
                std::thread::spawn(move || writer(port, token, building, format!("K{kill}W{w}"), stop, acked))
            })
            .collect();
        // A different moment in the write sequence each time.
        std::thread::sleep(Duration::from_millis(150 + (kill * 37) % 250));
        child.child().kill().expect("SIGKILL");
        child.child().wait().expect("reap");
        stop.store(true, Ordering::Relaxed);
        for handle in writers {
            handle.join().expect("writer");
        }
        let (restarted, took) = service.start();
        slowest_restart = slowest_restart.max(took);
        child = restarted;
    }

    let acked = acked.lock().expect("lock").clone();
    verify(service.port, &token, &building, &acked);
    println!("{KILLS} kills, {} acknowledged writes, all present; slowest restart to ready {slowest_restart:?}", acked.len());
    assert!(slowest_restart <= Duration::from_secs(5), "restart to ready took {slowest_restart:?}");
    terminate(child.take());
}

/// Every acknowledged write is there, and every total kept beside the rows
/// agrees with the rows.
fn verify(port: u16, token: &str, building: &str, acked: &[(&'static str, String)]) {
    assert!(acked.len() > usize::try_from(KILLS).unwrap_or(0) * WRITERS, "the drill wrote too little to mean anything: {}", acked.len());
    for (collection, id) in acked {
        let (status, body) = http(port, "GET", &format!("/api/v1/{collection}/{id}"), Some(token), None);
        assert_eq!(status, 200, "acknowledged {collection} {id} is missing: {body}");
    }
    let (_, body) = http(port, "GET", &format!("/api/v1/buildings/{building}"), Some(token), None);
    let totals: Value = serde_json::from_str(&body).expect("json");
    let (units, units_total) = all(port, token, &format!("/api/v1/units?building_id={building}"));
    let quotas: u64 = units.iter().map(|u| u["quota"].as_u64().expect("quota")).sum();
    assert_eq!(units.len() as u64, units_total);
    assert_eq!(totals["total_units"].as_u64(), Some(units_total), "the building's unit count follows its units");
    assert_eq!(totals["allocated_quota"].as_u64(), Some(quotas), "the building's allocated quota follows its units");
    for collection in ["owners", "ownerships", "expenses", "units", "buildings"] {
        let (items, total) = all(port, token, &format!("/api/v1/{collection}"));
        assert_eq!(items.len() as u64, total, "{collection}: the kept total matches the rows");
    }
    let (expenses, total) = all(port, token, &format!("/api/v1/expenses?building_id={building}"));
    assert_eq!(expenses.len() as u64, total, "the building's expense count follows its expenses");
    // Each drill unit was given one full share, once (one transaction each):
    // never two ownerships, never an ownership without its unit and owner.
    let drill_units: std::collections::HashSet<&str> = units.iter().filter_map(|u| u["id"].as_str()).collect();
    let (ownerships, _) = all(port, token, "/api/v1/ownerships");
    let mut held: Vec<&str> = ownerships.iter().filter_map(|o| o["unit_id"].as_str()).filter(|u| drill_units.contains(u)).collect();
    held.sort_unstable();
    let before = held.len();
    held.dedup();
    assert_eq!(before, held.len(), "a unit got two full shares");
    println!("{} drill units, {} drill expenses", units.len(), expenses.len());
}

#[test]
fn sigkill_during_writes_on_sqlite_loses_nothing_acknowledged_and_leaves_nothing_half_done() {
    drill(&Service { dir: scratch("kill-sqlite"), port: free_port(), database: None });
}

#[test]
fn sigkill_during_writes_on_postgresql_loses_nothing_acknowledged_and_leaves_nothing_half_done() {
    let (server, url) = fresh_postgres("kill");
    drill(&Service { dir: scratch("kill-postgres"), port: free_port(), database: Some(url.clone()) });
    drop_postgres(&server, &url);
}
