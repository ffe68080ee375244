//! `koprogo-load`: reproduces the seed's load test on KoproGo's API (see the
//! crate description) and reports the seed's KPIs, so that runs can be compared.

pub mod client;
pub mod heavy;
pub mod mix;
pub mod peer;
pub mod report;
pub mod run;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;

use client::{Connection, Target};
use report::{Carbon, Report, ServerUsage};
use run::{Plan, Tally};

pub struct Config {
    pub base_urls: Vec<String>,
    pub connections: usize,
    pub duration: Duration,
    /// Open loop at this many requests per second; closed loop when `None`.
    pub rate: Option<f64>,
    pub timeout: Duration,
    /// Accounts to act as; connections are spread over them (one tenant each).
    pub users: Vec<String>,
    pub password: String,
    /// Server processes whose CPU time and memory are measured.
    pub server_pids: Vec<u32>,
    pub carbon: Carbon,
    pub progress: bool,
    /// Where to write one line per acknowledged write: `path id`.
    pub ack_log: Option<std::path::PathBuf>,
    /// Extra connections that only send wrong-password logins for unknown
    /// accounts (so every one costs an argon2 hash), outside the measured mix.
    pub login_flood: usize,
    pub mix: mix::Mix,
    /// Ask for gzip-compressed responses, as browsers do (bytes counted as sent).
    pub compressed: bool,
    /// The API to speak: ours, or KoproGo MVP's for the comparison.
    pub api: peer::Api,
}

/// Logs in, runs the mix until the deadline, and reports.
pub async fn run(config: &Config) -> anyhow::Result<Report> {
    let targets = config.base_urls.iter().map(|u| Target::parse(u, config.compressed)).collect::<anyhow::Result<Vec<_>>>()?;
    anyhow::ensure!(!targets.is_empty() && config.connections > 0 && !config.users.is_empty(), "need a base URL, a user and a connection");
    let uniques = mix::Uniques::new();
    let mut tenants = Vec::new();
    for (i, user) in config.users.iter().enumerate() {
        let mut connection = Connection::new(targets[i % targets.len()].clone(), Duration::from_secs(30));
        tenants.push(
            mix::prepare(&mut connection, user, &config.password, &uniques, config.api)
                .await
                .with_context(|| format!("preparing {user}"))?,
        );
    }
    let start = Instant::now();
    let plan = Arc::new(Plan {
        targets,
        tenants,
        uniques,
        start,
        deadline: start + config.duration,
        timeout: config.timeout,
        rate: config.rate,
        next_slot: AtomicU64::new(0),
        done: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        stop: AtomicBool::new(false),
        record_acks: config.ack_log.is_some(),
        mix: config.mix,
        api: config.api,
    });
    let cpu_before: Option<f64> = server_cpu(&config.server_pids);
    let sampler = tokio::spawn(sample_server(plan.clone(), config.server_pids.clone(), config.progress));
    let flood: Vec<_> = (0..config.login_flood).map(|i| tokio::spawn(run::login_flood(plan.clone(), i))).collect();
    let workers: Vec<_> = (0..config.connections).map(|i| tokio::spawn(run::worker(plan.clone(), i))).collect();
    let mut tally = Tally::new();
    for worker in workers {
        tally.merge(worker.await?);
    }
    let elapsed = start.elapsed().as_secs_f64();
    if let Some(path) = &config.ack_log {
        let lines: String = tally.acknowledged.iter().map(|(p, id)| format!("{p} {id}\n")).collect();
        std::fs::write(path, lines).with_context(|| format!("writing {}", path.display()))?;
    }
    plan.stop.store(true, Ordering::Relaxed);
    let mut flood_logins = BTreeMap::new();
    for task in flood {
        for (status, count) in task.await? {
            *flood_logins.entry(status).or_insert(0u64) += count;
        }
    }
    let server = server_usage(&config.server_pids, cpu_before, sampler.await.unwrap_or((0, 0)));
    let mode = config.rate.map_or_else(|| "closed-loop".to_owned(), |r| format!("open-loop at {r} req/s"));
    let mut report = report::build(tally, mode, config.connections, elapsed, server, config.carbon);
    report.login_flood = flood_logins;
    Ok(report)
}

/// What the server used while the load ran: CPU since `cpu_before`, and the
/// sampled resident memory (peak, median).
fn server_usage(pids: &[u32], cpu_before: Option<f64>, (peak_rss, median_rss): (u64, u64)) -> Option<ServerUsage> {
    let (before, after) = (cpu_before?, server_cpu(pids)?);
    let lifetime = pids.iter().filter_map(|p| report::memory_kib(*p)).map(|(_, hwm)| hwm).max().unwrap_or(0);
    Some(ServerUsage { cpu_seconds: after - before, peak_rss_kib: peak_rss, median_rss_kib: median_rss, lifetime_peak_rss_kib: lifetime })
}

fn server_cpu(pids: &[u32]) -> Option<f64> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|p| report::cpu_seconds(*p)).sum()
}

/// Every 200 ms: the servers' resident memory (peak and median kept: the peak
/// catches the logins' argon2 blocks, the median the steady state); every
/// second, a progress line.
async fn sample_server(plan: Arc<Plan>, pids: Vec<u32>, progress: bool) -> (u64, u64) {
    let mut samples = Vec::new();
    let mut tick = 0u64;
    while !plan.stop.load(Ordering::Relaxed) && Instant::now() < plan.deadline + Duration::from_secs(1) {
        let rss: u64 = pids.iter().filter_map(|p| report::memory_kib(*p)).map(|(rss, _)| rss).sum();
        samples.push(rss);
        tick += 1;
        if progress && tick.is_multiple_of(5) {
            let elapsed = plan.start.elapsed().as_secs_f64();
            let done = plan.done.load(Ordering::Relaxed);
            let failed = plan.failed.load(Ordering::Relaxed);
            eprint!("\r  {elapsed:>5.0} s  {done:>9} requests  {:>8.0} req/s  {failed} failed   ", done as f64 / elapsed.max(0.001));
            let _ = std::io::stderr().flush();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if progress {
        eprintln!();
    }
    samples.sort_unstable();
    (samples.last().copied().unwrap_or(0), samples.get(samples.len() / 2).copied().unwrap_or(0))
}
