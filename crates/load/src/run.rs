//! The workers: closed loop (each connection sends its next request when the
//! last one answered) or open loop (requests due at a fixed rate, latency
//! counted from when each was due, so a slow server cannot hide its queue).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use koprogo_sample::Draw;

use crate::client::{Connection, Failure, Target};
use crate::mix::{Tenant, Uniques, next_call};

/// What one worker saw.
pub struct Tally {
    pub latency_us: Histogram<u64>,
    pub ok: u64,
    pub by_status: BTreeMap<u16, u64>,
    pub timeouts: u64,
    pub connection_errors: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Completions per second since the start.
    pub per_second: Vec<u64>,
    /// A few failed requests, to show what went wrong.
    pub samples: Vec<String>,
    /// (collection path, id) of every write answered 2xx, when asked for.
    pub acknowledged: Vec<(String, String)>,
}

impl Tally {
    pub fn new() -> Self {
        Self {
            latency_us: Histogram::new_with_bounds(1, 120_000_000, 3).expect("constant bounds are valid"),
            ok: 0,
            by_status: BTreeMap::new(),
            timeouts: 0,
            connection_errors: 0,
            bytes_in: 0,
            bytes_out: 0,
            per_second: Vec::new(),
            samples: Vec::new(),
            acknowledged: Vec::new(),
        }
    }

    pub fn merge(&mut self, other: Tally) {
        let _ = self.latency_us.add(&other.latency_us);
        self.ok += other.ok;
        for (status, count) in other.by_status {
            *self.by_status.entry(status).or_default() += count;
        }
        self.timeouts += other.timeouts;
        self.connection_errors += other.connection_errors;
        self.bytes_in += other.bytes_in;
        self.bytes_out += other.bytes_out;
        if self.per_second.len() < other.per_second.len() {
            self.per_second.resize(other.per_second.len(), 0);
        }
        for (slot, count) in self.per_second.iter_mut().zip(other.per_second) {
            *slot += count;
        }
        self.samples.extend(other.samples);
        self.samples.truncate(10);
        self.acknowledged.extend(other.acknowledged);
    }

    pub fn total(&self) -> u64 {
        self.ok + self.by_status.values().sum::<u64>() + self.timeouts + self.connection_errors
    }

    fn count_second(&mut self, since_start: Duration) {
        let second = usize::try_from(since_start.as_secs()).unwrap_or(0);
        if self.per_second.len() <= second {
            self.per_second.resize(second + 1, 0);
        }
        self.per_second[second] += 1;
    }
}

impl Tally {
    /// Counts one outcome; keeps a few failures to show.
    async fn record(&mut self, outcome: Result<crate::client::Reply, Failure>, call: &crate::mix::Call, plan: &Plan) {
        match outcome {
            Ok(reply) => {
                self.bytes_in += reply.bytes_in;
                self.bytes_out += reply.bytes_out;
                if (200..300).contains(&reply.status) {
                    self.ok += 1;
                    if plan.record_acks && call.kind == "write" {
                        let id =
                            serde_json::from_slice::<serde_json::Value>(&reply.body).ok().and_then(|v| v["id"].as_str().map(str::to_owned));
                        self.acknowledged.push((call.path.clone(), id.unwrap_or_default()));
                    }
                    return;
                }
                *self.by_status.entry(reply.status).or_default() += 1;
                if self.samples.len() < 3 {
                    self.samples.push(format!("{} {} → {}: {}", call.kind, call.path, reply.status, String::from_utf8_lossy(&reply.body)));
                }
            }
            Err(Failure::Timeout) => self.timeouts += 1,
            Err(Failure::Connection(error)) => {
                self.connection_errors += 1;
                if self.samples.len() < 3 {
                    self.samples.push(format!("{} {}: {error}", call.kind, call.path));
                }
                // A refused connection answers at once: do not spin.
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        plan.failed.fetch_add(1, Ordering::Relaxed);
    }
}

impl Default for Tally {
    fn default() -> Self {
        Self::new()
    }
}

/// Shared by the workers of one run.
pub struct Plan {
    pub targets: Vec<Target>,
    pub tenants: Vec<Tenant>,
    pub uniques: Uniques,
    pub start: Instant,
    pub deadline: Instant,
    pub timeout: Duration,
    /// Open loop: requests per second; `None` for closed loop.
    pub rate: Option<f64>,
    pub next_slot: AtomicU64,
    pub done: AtomicU64,
    pub failed: AtomicU64,
    pub stop: AtomicBool,
    /// Keep the ids of acknowledged writes (to check later that none was lost).
    pub record_acks: bool,
    pub mix: crate::mix::Mix,
    pub api: crate::peer::Api,
}

pub async fn worker(plan: Arc<Plan>, index: usize) -> Tally {
    let target = plan.targets[index % plan.targets.len()].clone();
    let tenant = &plan.tenants[index % plan.tenants.len()];
    let mut connection = Connection::new(target, plan.timeout);
    let mut draw = Draw::seeded(0x5EED + index as u64);
    let mut tally = Tally::new();
    loop {
        let due = match plan.rate {
            None => Instant::now(),
            Some(rate) => {
                let slot = plan.next_slot.fetch_add(1, Ordering::Relaxed);
                let due = plan.start + Duration::from_secs_f64(slot as f64 / rate);
                tokio::time::sleep_until(due.into()).await;
                due
            }
        };
        if due >= plan.deadline || plan.stop.load(Ordering::Relaxed) {
            break;
        }
        let call = next_call(&mut draw, tenant, &plan.uniques, plan.mix, plan.api);
        let outcome = connection.send(call.method.clone(), &call.path, Some(&tenant.token), call.body.clone()).await;
        let finished = Instant::now();
        let _ = tally.latency_us.record((finished - due).as_micros().max(1) as u64);
        tally.count_second(finished - plan.start);
        plan.done.fetch_add(1, Ordering::Relaxed);
        tally.record(outcome, &call, &plan).await;
    }
    tally
}

/// Wrong-password logins for accounts that do not exist, until the deadline;
/// returns the statuses seen (0 for a failed connection).
pub async fn login_flood(plan: Arc<Plan>, index: usize) -> BTreeMap<u16, u64> {
    let target = plan.targets[index % plan.targets.len()].clone();
    let mut connection = Connection::new(target, plan.timeout);
    let mut seen = BTreeMap::new();
    let mut n = 0u64;
    while Instant::now() < plan.deadline && !plan.stop.load(Ordering::Relaxed) {
        n += 1;
        let body = format!(r#"{{"email":"nobody-{index}-{n}@flood.example","password":"not the password at all"}}"#);
        let status = match connection.send(hyper::Method::POST, "/api/v1/auth/login", None, Some(body)).await {
            Ok(reply) => reply.status,
            Err(_) => 0,
        };
        *seen.entry(status).or_insert(0) += 1;
    }
    seen
}
