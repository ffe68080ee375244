//! The service's own measurements for the operations dashboard: every ten
//! seconds a sample of the seed's KPIs (latency percentiles, error rate, CPU,
//! memory, database connections, throughput, CO2 per request), kept for the
//! last hour at that pace and for the last day in five-minute samples. Both
//! buffers are bounded: nothing grows with time or traffic.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::metrics::{Metrics, Process, Totals};

pub const SAMPLE_EVERY: Duration = Duration::from_secs(10);
/// An hour of ten-second samples.
pub const HOUR: usize = 360;
/// A day of five-minute samples.
pub const DAY: usize = 288;
/// Ten-second samples per five-minute one.
const FOLD: usize = 30;

/// The seed's CO2 method (its §4.1): server energy from CPU time, network
/// emissions from bytes sent. Every constant is a setting.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Carbon {
    pub watts_per_vcpu: f64,
    pub grid_g_per_kwh: f64,
    pub network_g_per_kb: f64,
    /// The seed adds 20 % to the server part (cooling, idle share).
    pub margin: f64,
}

impl Default for Carbon {
    fn default() -> Self {
        Self { watts_per_vcpu: 5.0, grid_g_per_kwh: 60.0, network_g_per_kb: 0.006, margin: 1.2 }
    }
}

impl Carbon {
    /// Grams of CO2 per request: (server part, network part).
    pub fn per_request(&self, cpu_seconds: f64, bytes: u64, requests: u64) -> (f64, f64) {
        if requests == 0 {
            return (0.0, 0.0);
        }
        let n = requests as f64;
        let server = cpu_seconds * self.watts_per_vcpu / 3.6e6 * self.grid_g_per_kwh * self.margin / n;
        let network = bytes as f64 / 1024.0 / n * self.network_g_per_kb;
        (server, network)
    }
}

/// One sample: what happened over `seconds` ending at `at`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub at: DateTime<Utc>,
    pub seconds: f64,
    pub requests: u64,
    pub errors: u64,
    pub bytes: u64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub cpu_seconds: f64,
    pub cpu_percent: f64,
    pub ram_percent: f64,
    pub rss_bytes: u64,
    pub db_in_use: u32,
    pub db_max: u32,
    pub co2_server_g: f64,
    pub co2_network_g: f64,
}

impl Sample {
    pub fn rps(&self) -> f64 {
        if self.seconds > 0.0 { self.requests as f64 / self.seconds } else { 0.0 }
    }

    pub fn error_percent(&self) -> f64 {
        if self.requests > 0 { self.errors as f64 * 100.0 / self.requests as f64 } else { 0.0 }
    }

    pub fn co2_g(&self) -> f64 {
        self.co2_server_g + self.co2_network_g
    }

    pub fn db_percent(&self) -> f64 {
        if self.db_max > 0 { f64::from(self.db_in_use) * 100.0 / f64::from(self.db_max) } else { 0.0 }
    }
}

/// What the machine says at the moment of a sample.
pub struct Reading {
    pub at: DateTime<Utc>,
    pub instant: Instant,
    pub totals: Totals,
    pub process: Process,
    pub ram_percent: f64,
    pub db_in_use: u32,
    pub db_max: u32,
    pub cpus: f64,
}

struct Previous {
    instant: Instant,
    totals: Totals,
    cpu_ticks: u64,
}

#[derive(Default)]
struct State {
    previous: Option<Previous>,
    hour: VecDeque<Sample>,
    day: VecDeque<Sample>,
    /// The ten-second samples and latencies not yet folded into a day sample.
    folding: Vec<Sample>,
    folding_latency: Option<hdrhistogram::Histogram<u64>>,
}

pub struct Ops {
    pub carbon: Carbon,
    state: Mutex<State>,
}

fn push_bounded(buffer: &mut VecDeque<Sample>, sample: Sample, capacity: usize) {
    if buffer.len() == capacity {
        buffer.pop_front();
    }
    buffer.push_back(sample);
}

fn percentile_ms(latency: &hdrhistogram::Histogram<u64>, quantile: f64) -> f64 {
    if latency.is_empty() { 0.0 } else { latency.value_at_quantile(quantile) as f64 / 1000.0 }
}

impl Ops {
    pub fn new(carbon: Carbon) -> Self {
        Self { carbon, state: Mutex::default() }
    }

    /// Records the sample that ends with `reading` (the first reading only sets the start).
    pub fn record(&self, reading: Reading, latency: hdrhistogram::Histogram<u64>) {
        let Ok(mut state) = self.state.lock() else { return };
        let ticks = reading.process.cpu_ticks.unwrap_or(0);
        let previous = state.previous.replace(Previous { instant: reading.instant, totals: Totals { ..reading.totals }, cpu_ticks: ticks });
        let Some(previous) = previous else { return };
        let seconds = reading.instant.saturating_duration_since(previous.instant).as_secs_f64();
        let requests = reading.totals.requests.saturating_sub(previous.totals.requests);
        let bytes = reading.totals.bytes.saturating_sub(previous.totals.bytes);
        let cpu_seconds = ticks.saturating_sub(previous.cpu_ticks) as f64 / 100.0;
        let (co2_server_g, co2_network_g) = self.carbon.per_request(cpu_seconds, bytes, requests);
        let sample = Sample {
            at: reading.at,
            seconds,
            requests,
            errors: reading.totals.errors.saturating_sub(previous.totals.errors),
            bytes,
            p95_ms: percentile_ms(&latency, 0.95),
            p99_ms: percentile_ms(&latency, 0.99),
            cpu_seconds,
            cpu_percent: if seconds > 0.0 { cpu_seconds / seconds / reading.cpus.max(1.0) * 100.0 } else { 0.0 },
            ram_percent: reading.ram_percent,
            rss_bytes: reading.process.resident_bytes.unwrap_or(0),
            db_in_use: reading.db_in_use,
            db_max: reading.db_max,
            co2_server_g,
            co2_network_g,
        };
        push_bounded(&mut state.hour, sample.clone(), HOUR);
        match state.folding_latency.as_mut() {
            Some(all) => {
                let _ = all.add(&latency);
            }
            None => state.folding_latency = Some(latency),
        }
        state.folding.push(sample);
        if state.folding.len() == FOLD {
            let parts = std::mem::take(&mut state.folding);
            let latency = state.folding_latency.take();
            let folded = self.fold(&parts, latency.as_ref());
            push_bounded(&mut state.day, folded, DAY);
        }
    }

    /// Several samples as one: sums of what is counted, percentiles of the merged latencies.
    fn fold(&self, parts: &[Sample], latency: Option<&hdrhistogram::Histogram<u64>>) -> Sample {
        let sum_u = |f: fn(&Sample) -> u64| parts.iter().map(f).sum::<u64>();
        let sum_f = |f: fn(&Sample) -> f64| parts.iter().map(f).sum::<f64>();
        let max_f = |f: fn(&Sample) -> f64| parts.iter().map(f).fold(0.0, f64::max);
        let (requests, bytes, cpu_seconds, seconds) =
            (sum_u(|s| s.requests), sum_u(|s| s.bytes), sum_f(|s| s.cpu_seconds), sum_f(|s| s.seconds));
        let (co2_server_g, co2_network_g) = self.carbon.per_request(cpu_seconds, bytes, requests);
        let last = parts.last();
        Sample {
            at: last.map_or_else(Utc::now, |s| s.at),
            seconds,
            requests,
            errors: sum_u(|s| s.errors),
            bytes,
            p95_ms: latency.map_or(0.0, |l| percentile_ms(l, 0.95)),
            p99_ms: latency.map_or(0.0, |l| percentile_ms(l, 0.99)),
            cpu_seconds,
            cpu_percent: if seconds > 0.0 { sum_f(|s| s.cpu_percent * s.seconds) / seconds } else { 0.0 },
            ram_percent: max_f(|s| s.ram_percent),
            rss_bytes: parts.iter().map(|s| s.rss_bytes).max().unwrap_or(0),
            db_in_use: parts.iter().map(|s| s.db_in_use).max().unwrap_or(0),
            db_max: last.map_or(0, |s| s.db_max),
            co2_server_g,
            co2_network_g,
        }
    }

    pub fn hour(&self) -> Vec<Sample> {
        self.state.lock().map(|s| s.hour.iter().cloned().collect()).unwrap_or_default()
    }

    pub fn day(&self) -> Vec<Sample> {
        self.state.lock().map(|s| s.day.iter().cloned().collect()).unwrap_or_default()
    }
}

/// Used and total memory of the machine, as a percentage (`MemAvailable`).
pub fn ram_percent() -> f64 {
    let Ok(info) = std::fs::read_to_string("/proc/meminfo") else { return 0.0 };
    let field = |name: &str| -> Option<f64> { info.lines().find(|l| l.starts_with(name))?.split_whitespace().nth(1)?.parse().ok() };
    match (field("MemTotal:"), field("MemAvailable:")) {
        (Some(total), Some(available)) if total > 0.0 => (total - available) / total * 100.0,
        _ => 0.0,
    }
}

/// Takes a sample every `SAMPLE_EVERY` for as long as the service runs.
pub async fn run(ops: std::sync::Arc<Ops>, metrics: std::sync::Arc<Metrics>, app: koprogo_app::App) {
    let cpus = std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64);
    let mut every = tokio::time::interval(SAMPLE_EVERY);
    loop {
        every.tick().await;
        ops.record(reading(&metrics, &app, cpus), metrics.take_window());
    }
}

/// The machine and the counters, now.
pub fn reading(metrics: &Metrics, app: &koprogo_app::App, cpus: f64) -> Reading {
    let pools = app.pool_usage();
    Reading {
        at: Utc::now(),
        instant: Instant::now(),
        totals: metrics.totals(),
        process: crate::metrics::process(),
        ram_percent: ram_percent(),
        db_in_use: pools.iter().map(|p| p.open.saturating_sub(p.idle)).sum(),
        db_max: pools.iter().map(|p| p.max).sum(),
        cpus,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(at: Instant, requests: u64, errors: u64, bytes: u64, ticks: u64) -> Reading {
        Reading {
            at: Utc::now(),
            instant: at,
            totals: Totals { requests, errors, bytes, in_flight: 0 },
            process: Process { cpu_ticks: Some(ticks), resident_bytes: Some(9 << 20) },
            ram_percent: 40.0,
            db_in_use: 3,
            db_max: 10,
            cpus: 2.0,
        }
    }

    #[test]
    fn a_sample_holds_the_window_s_deltas_and_the_seed_s_co2() {
        let ops = Ops::new(Carbon::default());
        let start = Instant::now();
        ops.record(reading(start, 100, 1, 1_000, 50), latency_histogram());
        let mut latency = latency_histogram();
        for ms in 1..=100u64 {
            latency.record(ms * 1000).unwrap();
        }
        ops.record(reading(start + Duration::from_secs(10), 1_100, 6, 1_025_000, 250), latency);
        let [s] = ops.hour().try_into().unwrap();
        assert_eq!((s.requests, s.errors, s.bytes), (1_000, 5, 1_024_000));
        assert!((s.rps() - 100.0).abs() < 1e-9 && (s.error_percent() - 0.5).abs() < 1e-9);
        assert!((s.p95_ms - 95.0).abs() < 1.0 && (s.p99_ms - 99.0).abs() < 1.0, "{s:?}");
        // 2 CPU seconds over 10 s on 2 CPUs: 10 %.
        assert!((s.cpu_percent - 10.0).abs() < 1e-9);
        // 2 s × 5 W = 10 J = 2.78e-6 kWh × 60 g × 1.2 over 1 000 requests; 1 000 KB × 0.006 g over 1 000 requests.
        assert!((s.co2_server_g - 2.0 * 5.0 / 3.6e6 * 60.0 * 1.2 / 1000.0).abs() < 1e-15);
        assert!((s.co2_network_g - 0.006).abs() < 1e-12);
    }

    #[test]
    fn the_buffers_stay_bounded_and_fold_five_minutes_into_one() {
        let ops = Ops::new(Carbon::default());
        let start = Instant::now();
        for n in 0..=(HOUR as u64 + 40) {
            ops.record(reading(start + Duration::from_secs(10 * n), 10 * n, 0, 0, n), latency_histogram());
        }
        assert_eq!(ops.hour().len(), HOUR);
        let day = ops.day();
        assert_eq!(day.len(), (HOUR + 40) / FOLD);
        assert_eq!(day[0].requests, 300, "30 samples of 10 requests");
        assert!((day[0].seconds - 300.0).abs() < 1e-9);
    }

    fn latency_histogram() -> hdrhistogram::Histogram<u64> {
        hdrhistogram::Histogram::new_with_bounds(1, 60_000_000, 2).unwrap()
    }
}
