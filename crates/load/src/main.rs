//! `koprogo-load`: see `koprogo-load --help`.

use std::time::Duration;

use clap::Parser;
use koprogo_load::report::Carbon;
use koprogo_load::{Config, run};

#[derive(Parser, Debug)]
#[command(version, about = "Runs the seed's load mix against KoproGo and prints its KPI table")]
struct Args {
    /// Server base URL; repeat to spread connections over several instances.
    #[arg(long = "base-url", default_value = "http://127.0.0.1:8080")]
    base_urls: Vec<String>,
    #[arg(long, short = 'c', default_value_t = 20)]
    connections: usize,
    /// Seconds of load.
    #[arg(long, short = 'd', default_value_t = 60.0)]
    duration: f64,
    /// Open loop at this many requests per second (latency from the intended send time).
    #[arg(long)]
    rate: Option<f64>,
    /// Seconds before a request counts as timed out.
    #[arg(long, default_value_t = 5.0)]
    timeout: f64,
    /// Account to act as (repeat); default: the demo syndic.
    #[arg(long = "user")]
    users: Vec<String>,
    /// Also act as the syndics of the first N volume organisations (`koprogo seed --volume`).
    #[arg(long, default_value_t = 0)]
    volume_orgs: u32,
    #[arg(long, default_value = "koprogo-demo-2026", env = "KOPROGO_LOAD_PASSWORD")]
    password: String,
    /// Server pid to measure (CPU seconds, peak RSS); repeat for several.
    #[arg(long = "server-pid")]
    server_pids: Vec<u32>,
    /// Write the report as JSON too.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = 5.0)]
    watts_per_vcpu: f64,
    #[arg(long, default_value_t = 1.0)]
    vcpus: f64,
    #[arg(long, default_value_t = 60.0)]
    grid_g_per_kwh: f64,
    #[arg(long, default_value_t = 0.006)]
    network_g_per_kb: f64,
    /// Write `path id` for every acknowledged write to this file.
    #[arg(long)]
    ack_log: Option<std::path::PathBuf>,
    /// Also send wrong-password logins on this many extra connections (not
    /// counted in the mix): shows what argon2 work does to everyone else.
    #[arg(long, default_value_t = 0)]
    login_flood: usize,
    /// `seed` (the seed's own mix) or `full` (15 % of it on the money pages).
    #[arg(long, value_enum, default_value_t = koprogo_load::mix::Mix::Seed)]
    mix: koprogo_load::mix::Mix,
    /// Exit with failure unless every request succeeded.
    #[arg(long)]
    require_success: bool,
    /// Ask for gzip-compressed responses, as browsers do.
    #[arg(long)]
    compressed: bool,
    /// The API to drive: KoproGo's, or KoproGo MVP's (`bench/mvp-compare.sh`).
    #[arg(long, value_enum, default_value_t = koprogo_load::peer::Api::Koprogo)]
    api: koprogo_load::peer::Api,
    #[arg(long)]
    quiet: bool,
    /// Instead of the mix: time the long operations (a call for a 200-unit
    /// building, its letters, a 5 000-movement bank file, 10-year statement
    /// and ledger) on the first base URL, as the first user.
    #[arg(long)]
    heavy: bool,
    /// The heavy run's day (default today).
    #[arg(long)]
    today: Option<chrono::NaiveDate>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut users = args.users.clone();
    if users.is_empty() {
        users.push("syndic@demo.koprogo.be".to_owned());
    }
    users.extend((1..=args.volume_orgs).map(|n| format!("syndic-{n:02}@volume.koprogo.be")));
    if args.heavy {
        return heavy(&args, &users).await;
    }
    let carbon = Carbon {
        watts_per_vcpu: args.watts_per_vcpu,
        vcpus: args.vcpus,
        grid_g_per_kwh: args.grid_g_per_kwh,
        network_g_per_kb: args.network_g_per_kb,
        ..Carbon::default()
    };
    let config = Config {
        base_urls: args.base_urls,
        connections: args.connections,
        duration: Duration::from_secs_f64(args.duration),
        rate: args.rate,
        timeout: Duration::from_secs_f64(args.timeout),
        users,
        password: args.password,
        server_pids: args.server_pids,
        carbon,
        progress: !args.quiet,
        login_flood: args.login_flood,
        ack_log: args.ack_log,
        mix: args.mix,
        compressed: args.compressed,
        api: args.api,
    };
    let report = run(&config).await?;
    print!("{report}");
    if let Some(path) = args.json {
        std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
    }
    if args.require_success && report.successful != report.total_requests {
        anyhow::bail!("{} of {} requests failed", report.total_requests - report.successful, report.total_requests);
    }
    Ok(())
}

async fn heavy(args: &Args, users: &[String]) -> anyhow::Result<()> {
    let config = koprogo_load::heavy::HeavyConfig {
        base_url: args.base_urls.first().cloned().unwrap_or_default(),
        user: users[0].clone(),
        password: args.password.clone(),
        server_pid: args.server_pids.first().copied(),
        today: args.today.unwrap_or_else(|| chrono::Utc::now().date_naive()),
    };
    let timings = koprogo_load::heavy::run(&config, !args.quiet).await?;
    println!("| operation | ms | budget ms | bytes | server RSS growth | detail |\n|---|---:|---:|---:|---:|---|");
    for t in &timings {
        let rss = t.rss_growth_kib.map_or_else(|| "–".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        println!("| {} | {:.0} | {:.0} | {} | {rss} | {} |", t.operation, t.millis, t.budget_millis, t.bytes, t.detail);
    }
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&timings)?)?;
    }
    Ok(())
}
