//! The seed's KPI table, as text and JSON: requests, success, errors by kind,
//! throughput, latency percentiles, bytes, the server's CPU time and memory
//! read from /proc, and CO2 per request by the seed's method.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::run::Tally;

/// The seed's constants (its §4.1): 5 W per vCPU, 60 g CO2/kWh (French grid),
/// 0.006 g CO2 per KB transferred, and a 20 % margin on the server part.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Carbon {
    pub watts_per_vcpu: f64,
    pub vcpus: f64,
    pub grid_g_per_kwh: f64,
    pub network_g_per_kb: f64,
    pub margin: f64,
}

impl Default for Carbon {
    fn default() -> Self {
        Self { watts_per_vcpu: 5.0, vcpus: 1.0, grid_g_per_kwh: 60.0, network_g_per_kb: 0.006, margin: 1.2 }
    }
}

/// CPU time and memory of the server process.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct ServerUsage {
    pub cpu_seconds: f64,
    /// Highest resident set seen while the load ran (KiB).
    pub peak_rss_kib: u64,
    /// The middle of the samples taken while the load ran (KiB): the steady state.
    pub median_rss_kib: u64,
    /// The kernel's high-water mark of the process (VmHWM, KiB).
    pub lifetime_peak_rss_kib: u64,
}

impl ServerUsage {
    fn write(&self, f: &mut std::fmt::Formatter<'_>, duration_s: f64) -> std::fmt::Result {
        writeln!(
            f,
            "  server CPU          {:>12.2} s   ({:.1} % of one core)",
            self.cpu_seconds,
            self.cpu_seconds * 100.0 / duration_s.max(0.001)
        )?;
        writeln!(
            f,
            "  server RSS          {:>12.1} MiB median under load, peak {:.1} MiB (lifetime peak {:.1} MiB)",
            self.median_rss_kib as f64 / 1024.0,
            self.peak_rss_kib as f64 / 1024.0,
            self.lifetime_peak_rss_kib as f64 / 1024.0
        )?;
        Ok(())
    }
}

#[derive(Debug, Serialize)]
pub struct Latency {
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p75_ms: f64,
    pub p90_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Serialize)]
pub struct Co2 {
    /// Seed method: the server's power for one second over the requests of that second.
    pub server_g_per_request: f64,
    /// From measured CPU time instead of a fully busy vCPU, when the pid was given.
    pub server_measured_g_per_request: Option<f64>,
    pub network_g_per_request: f64,
    pub total_g_per_request: f64,
    pub constants: Carbon,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub mode: String,
    pub connections: usize,
    pub duration_s: f64,
    pub total_requests: u64,
    pub successful: u64,
    pub success_rate_percent: f64,
    pub errors_by_status: BTreeMap<u16, u64>,
    pub timeouts: u64,
    pub connection_errors: u64,
    pub mean_rps: f64,
    pub peak_rps: u64,
    /// Mean throughput of each complete 30 s window, to show decay.
    pub window_rps: Vec<f64>,
    pub latency: Latency,
    pub bytes_received: u64,
    pub bytes_sent: u64,
    pub bytes_per_request: f64,
    pub server: Option<ServerUsage>,
    pub co2: Co2,
    pub failure_samples: Vec<String>,
    /// Statuses of the wrong-password logins sent beside the mix (`--login-flood`).
    pub login_flood: BTreeMap<u16, u64>,
}

/// Seconds per throughput window (the seed's protocol reports 30 s windows).
pub const WINDOW_S: usize = 30;

pub fn build(tally: Tally, mode: String, connections: usize, duration_s: f64, server: Option<ServerUsage>, carbon: Carbon) -> Report {
    let total = tally.total();
    let ms = |q: f64| tally.latency_us.value_at_quantile(q) as f64 / 1000.0;
    let mean_rps = if duration_s > 0.0 { total as f64 / duration_s } else { 0.0 };
    let bytes_per_request = if total > 0 { (tally.bytes_in + tally.bytes_out) as f64 / total as f64 } else { 0.0 };
    let server_g =
        if mean_rps > 0.0 { carbon.watts_per_vcpu * carbon.vcpus / mean_rps / 3.6e6 * carbon.grid_g_per_kwh * carbon.margin } else { 0.0 };
    let measured = server
        .filter(|_| total > 0)
        .map(|s| s.cpu_seconds * carbon.watts_per_vcpu / total as f64 / 3.6e6 * carbon.grid_g_per_kwh * carbon.margin);
    let network_g = bytes_per_request / 1024.0 * carbon.network_g_per_kb;
    // Complete seconds only: the last one is cut short by the deadline.
    let whole_seconds = tally.per_second.len().saturating_sub(1).max(1);
    Report {
        mode,
        connections,
        duration_s,
        total_requests: total,
        successful: tally.ok,
        success_rate_percent: if total > 0 { tally.ok as f64 * 100.0 / total as f64 } else { 0.0 },
        errors_by_status: tally.by_status,
        timeouts: tally.timeouts,
        connection_errors: tally.connection_errors,
        mean_rps,
        peak_rps: tally.per_second.iter().take(whole_seconds).copied().max().unwrap_or(0),
        window_rps: tally.per_second[..whole_seconds.min(tally.per_second.len())]
            .chunks_exact(WINDOW_S)
            .map(|w| w.iter().sum::<u64>() as f64 / WINDOW_S as f64)
            .collect(),
        latency: Latency {
            mean_ms: tally.latency_us.mean() / 1000.0,
            p50_ms: ms(0.50),
            p75_ms: ms(0.75),
            p90_ms: ms(0.90),
            p95_ms: ms(0.95),
            p99_ms: ms(0.99),
            p999_ms: ms(0.999),
            max_ms: tally.latency_us.max() as f64 / 1000.0,
        },
        bytes_received: tally.bytes_in,
        bytes_sent: tally.bytes_out,
        bytes_per_request,
        server,
        co2: Co2 {
            server_g_per_request: server_g,
            server_measured_g_per_request: measured,
            network_g_per_request: network_g,
            total_g_per_request: server_g + network_g,
            constants: carbon,
        },
        failure_samples: tally.samples,
        login_flood: BTreeMap::new(),
    }
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let l = &self.latency;
        writeln!(f, "KoproGo load — {} mode, {} connections, {:.1} s", self.mode, self.connections, self.duration_s)?;
        writeln!(f, "  total requests      {:>12}", self.total_requests)?;
        writeln!(f, "  successful          {:>12}   ({:.2} %)", self.successful, self.success_rate_percent)?;
        writeln!(f, "  errors by status    {:>12?}", self.errors_by_status)?;
        writeln!(f, "  timeouts            {:>12}", self.timeouts)?;
        writeln!(f, "  connection errors   {:>12}", self.connection_errors)?;
        writeln!(f, "  throughput (mean)   {:>12.1} req/s", self.mean_rps)?;
        writeln!(f, "  throughput (peak)   {:>12} req/s", self.peak_rps)?;
        if !self.window_rps.is_empty() {
            let windows: Vec<String> = self.window_rps.iter().map(|r| format!("{r:.0}")).collect();
            writeln!(f, "  per {WINDOW_S} s window     {:>12} req/s", windows.join(" · "))?;
        }
        writeln!(f, "  latency mean        {:>12.3} ms", l.mean_ms)?;
        for (name, value) in [
            ("P50", l.p50_ms),
            ("P75", l.p75_ms),
            ("P90", l.p90_ms),
            ("P95", l.p95_ms),
            ("P99", l.p99_ms),
            ("P99.9", l.p999_ms),
            ("max", l.max_ms),
        ] {
            writeln!(f, "  latency {name:<11} {value:>12.3} ms")?;
        }
        writeln!(f, "  bytes received      {:>12}", self.bytes_received)?;
        writeln!(f, "  bytes sent          {:>12}", self.bytes_sent)?;
        writeln!(f, "  bytes per request   {:>12.0}", self.bytes_per_request)?;
        if let Some(server) = &self.server {
            server.write(f, self.duration_s)?;
        }
        let c = &self.co2;
        writeln!(
            f,
            "  CO2 server          {:>12.8} g/request (seed method: {} W × {} vCPU, {} g/kWh, +{:.0} %)",
            c.server_g_per_request,
            c.constants.watts_per_vcpu,
            c.constants.vcpus,
            c.constants.grid_g_per_kwh,
            (c.constants.margin - 1.0) * 100.0
        )?;
        if let Some(measured) = c.server_measured_g_per_request {
            writeln!(f, "  CO2 server (CPU)    {measured:>12.8} g/request (from the measured CPU time)")?;
        }
        writeln!(f, "  CO2 network         {:>12.6} g/request ({} g/KB)", c.network_g_per_request, c.constants.network_g_per_kb)?;
        writeln!(f, "  CO2 total           {:>12.6} g/request", c.total_g_per_request)?;
        if !self.login_flood.is_empty() {
            writeln!(f, "  login flood         {:?} (status: count, beside the mix)", self.login_flood)?;
        }
        for sample in &self.failure_samples {
            writeln!(f, "  failure: {sample}")?;
        }
        Ok(())
    }
}

/// Reads user + system CPU seconds of `pid` from /proc (clock ticks of 1/100 s).
pub fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// (VmRSS, VmHWM) of `pid` in KiB.
pub fn memory_kib(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field =
        |name: &str| status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok());
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed's own figures: 287 req/s and 20 KB per request give 0.12 g of
    /// network CO2 per request; its server part, 5 W over 287 req/s at
    /// 60 g/kWh + 20 %, is 3.5e-7 g (the seed wrote 0.00035 g: a kg/g slip).
    #[test]
    fn co2_follows_the_seeds_method() {
        let mut tally = Tally::new();
        for _ in 0..287 {
            tally.latency_us.record(69_000).unwrap();
        }
        tally.ok = 287;
        tally.bytes_in = 287 * 20 * 1024;
        let report = build(tally, "closed-loop".into(), 20, 1.0, None, Carbon::default());
        assert!((report.co2.network_g_per_request - 0.12).abs() < 1e-9, "{}", report.co2.network_g_per_request);
        assert!((report.co2.server_g_per_request - 3.484_320_557e-7).abs() < 1e-12, "{}", report.co2.server_g_per_request);
        assert!((report.mean_rps - 287.0).abs() < 1e-9);
        assert!((report.latency.p50_ms - 69.0).abs() < 0.1);
        assert_eq!(report.success_rate_percent, 100.0);
    }

    #[test]
    fn failures_are_counted_by_kind_and_lower_the_success_rate() {
        let mut tally = Tally::new();
        tally.ok = 90;
        tally.by_status.insert(500, 5);
        tally.timeouts = 3;
        tally.connection_errors = 2;
        let report = build(tally, "closed-loop".into(), 4, 10.0, None, Carbon::default());
        assert_eq!((report.total_requests, report.successful), (100, 90));
        assert!((report.success_rate_percent - 90.0).abs() < 1e-9);
        assert_eq!(report.errors_by_status.get(&500), Some(&5));
    }

    #[test]
    fn proc_readings_of_this_process_are_sane() {
        let pid = std::process::id();
        assert!(cpu_seconds(pid).is_some_and(|s| s >= 0.0));
        let (rss, peak) = memory_kib(pid).expect("status");
        assert!(rss > 0 && peak >= rss);
    }
}
