//! `GET /metrics` in Prometheus text format, from the service's own counters:
//! requests and their latency by route template and status class, requests
//! in flight, database pools, process CPU and memory, build information.
//! Series are keyed by route template (never by raw path), so their number
//! is bounded by the routes. Readable with a platform admin's bearer token or
//! the configured metrics token, never anonymously.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use koprogo_app::App;
use koprogo_domain::account::Role;

use crate::WebSettings;
use crate::error::ApiError;

/// Upper bounds of the latency buckets, in milliseconds.
const BUCKETS_MS: [u64; 12] = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

#[derive(Default)]
struct Series {
    count: u64,
    /// Sum of durations, in microseconds.
    sum_us: u64,
    buckets: [u64; BUCKETS_MS.len()],
}

/// The counters, shared by the middleware, the endpoint and the operations sampler.
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, &'static str), Series>>,
    in_flight: AtomicI64,
    errors: AtomicU64,
    requests: AtomicU64,
    /// Response bytes (bodies of known length), for CO2 per request.
    bytes_sent: AtomicU64,
    /// Latencies (µs) since the sampler last took them: exact percentiles per window.
    window: Mutex<hdrhistogram::Histogram<u64>>,
}

/// 1 µs to 60 s at two significant digits: a few kilobytes, whatever the traffic.
fn latency_histogram() -> hdrhistogram::Histogram<u64> {
    hdrhistogram::Histogram::new_with_bounds(1, 60_000_000, 2)
        .unwrap_or_else(|_| hdrhistogram::Histogram::new(2).unwrap_or_else(|_| unreachable!("2 digits are valid")))
}

impl Default for Metrics {
    fn default() -> Self {
        Self {
            series: Mutex::default(),
            in_flight: AtomicI64::default(),
            errors: AtomicU64::default(),
            requests: AtomicU64::default(),
            bytes_sent: AtomicU64::default(),
            window: Mutex::new(latency_histogram()),
        }
    }
}

/// What the operations sampler reads from the counters.
pub struct Totals {
    pub requests: u64,
    pub errors: u64,
    pub bytes: u64,
    pub in_flight: i64,
}

impl Metrics {
    pub fn totals(&self) -> Totals {
        Totals {
            requests: self.requests.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            bytes: self.bytes_sent.load(Ordering::Relaxed),
            in_flight: self.in_flight.load(Ordering::Relaxed),
        }
    }

    /// The latencies recorded since the last call, leaving an empty window.
    pub fn take_window(&self) -> hdrhistogram::Histogram<u64> {
        match self.window.lock() {
            Ok(mut window) => std::mem::replace(&mut *window, latency_histogram()),
            Err(_) => latency_histogram(),
        }
    }

    fn record(&self, route: String, method: String, status: StatusCode, micros: u64) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut window) = self.window.lock() {
            window.saturating_record(micros.max(1));
        }
        let class = match status.as_u16() {
            100..=199 => "1xx",
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        if status.is_server_error() {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        let Ok(mut series) = self.series.lock() else { return };
        let entry = series.entry((route, method, class)).or_default();
        entry.count += 1;
        entry.sum_us += micros;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS_MS) {
            if micros <= bound * 1000 {
                *bucket += 1;
            }
        }
    }
}

/// Counts every request by its route template.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().as_str().to_owned();
    metrics.in_flight.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.in_flight.fetch_sub(1, Ordering::Relaxed);
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let length = response.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    let body = length.or_else(|| axum::body::HttpBody::size_hint(response.body()).exact()).unwrap_or(0);
    metrics.bytes_sent.fetch_add(body, Ordering::Relaxed);
    metrics.record(route, method, response.status(), micros);
    response
}

/// Who may read the metrics: the configured token, or a platform admin.
async fn allowed(app: &App, settings: &WebSettings, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "A bearer token is required."))?;
    if let Some(token) = settings.metrics_token.as_deref().filter(|t| !t.is_empty())
        && token.len() == bearer.len()
        && token.bytes().zip(bearer.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    {
        return Ok(());
    }
    let (actor, _) = app.authenticate(bearer).await?;
    if actor.role == Role::PlatformAdmin { Ok(()) } else { Err(ApiError::from(koprogo_app::AppError::Forbidden)) }
}

pub async fn endpoint(
    State((app, metrics)): State<(App, Arc<Metrics>)>,
    axum::Extension(settings): axum::Extension<WebSettings>,
    headers: axum::http::HeaderMap,
) -> Response {
    if let Err(error) = allowed(&app, &settings, &headers).await {
        return error.into_response();
    }
    let mut text = render(&metrics, &app.pool_usage(), &process(), app.operations.last_backup());
    database_timings(&mut text, &app.database_timings());
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

fn seconds(us: u64) -> String {
    format!("{}.{:06}", us / 1_000_000, us % 1_000_000)
}

/// One histogram series in seconds; `labels` inside the braces, or empty.
fn histogram(out: &mut String, name: &str, labels: &str, timing: &koprogo_app::ports::Timing) {
    let sep = if labels.is_empty() { String::new() } else { format!("{labels},") };
    for (bound, count) in &timing.buckets {
        let _ = writeln!(out, "{name}_bucket{{{sep}le=\"{}\"}} {count}", seconds(*bound));
    }
    let _ = writeln!(out, "{name}_bucket{{{sep}le=\"+Inf\"}} {}", timing.count);
    let braces = if labels.is_empty() { String::new() } else { format!("{{{labels}}}") };
    let _ = writeln!(out, "{name}_sum{braces} {}\n{name}_count{braces} {}", seconds(timing.sum_us), timing.count);
}

/// Connection waits and time in the database.
fn database_timings(out: &mut String, t: &koprogo_app::ports::DbTimings) {
    let _ = writeln!(out, "# HELP koprogo_db_connections_waiting Requests waiting for a database connection.");
    let _ = writeln!(out, "# TYPE koprogo_db_connections_waiting gauge\nkoprogo_db_connections_waiting {}", t.waiting);
    let _ = writeln!(
        out,
        "# HELP koprogo_db_acquire_seconds Time waiting for a database connection.\n# TYPE koprogo_db_acquire_seconds histogram"
    );
    histogram(out, "koprogo_db_acquire_seconds", "", &t.acquire);
    let _ = writeln!(
        out,
        "# HELP koprogo_db_query_seconds Time in the database: list pages with their totals, commits with their audit events."
    );
    let _ = writeln!(out, "# TYPE koprogo_db_query_seconds histogram");
    histogram(out, "koprogo_db_query_seconds", "kind=\"list\"", &t.list);
    histogram(out, "koprogo_db_query_seconds", "kind=\"commit\"", &t.commit);
}

/// CPU seconds and resident memory of this process, from /proc (Linux).
pub struct Process {
    /// CPU time in hundredths of a second (clock ticks).
    pub cpu_ticks: Option<u64>,
    pub resident_bytes: Option<u64>,
}

pub fn process() -> Process {
    let ticks = std::fs::read_to_string("/proc/self/stat").ok().and_then(|stat| {
        let after = stat.rsplit_once(')')?.1;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let user: u64 = fields.get(11)?.parse().ok()?;
        let system: u64 = fields.get(12)?.parse().ok()?;
        Some(user + system)
    });
    let resident = std::fs::read_to_string("/proc/self/status").ok().and_then(|status| {
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib * 1024)
    });
    // Linux counts CPU time in ticks of 1/100 s on every platform we run on.
    Process { cpu_ticks: ticks, resident_bytes: resident }
}

fn render(metrics: &Metrics, pools: &[koprogo_app::ports::PoolUsage], process: &Process, last_backup: Option<i64>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# HELP koprogo_http_requests_total Requests answered, by route template, method and status class.");
    let _ = writeln!(out, "# TYPE koprogo_http_requests_total counter");
    let series = metrics.series.lock().map(|s| s.iter().map(|(k, v)| (k.clone(), v.count, v.sum_us, v.buckets)).collect::<Vec<_>>());
    let series = series.unwrap_or_default();
    for ((route, method, class), count, _, _) in &series {
        let _ = writeln!(out, "koprogo_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{class}\"}} {count}");
    }
    let _ = writeln!(out, "# HELP koprogo_http_request_duration_seconds Time to answer, by route template and method.");
    let _ = writeln!(out, "# TYPE koprogo_http_request_duration_seconds histogram");
    for ((route, method, class), count, sum_us, buckets) in &series {
        let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{class}\"");
        for (bound, value) in BUCKETS_MS.iter().zip(buckets) {
            let le = format!("{}.{:03}", bound / 1000, bound % 1000);
            let _ = writeln!(out, "koprogo_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {value}");
        }
        let _ = writeln!(out, "koprogo_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "koprogo_http_request_duration_seconds_sum{{{labels}}} {}.{:06}", sum_us / 1_000_000, sum_us % 1_000_000);
        let _ = writeln!(out, "koprogo_http_request_duration_seconds_count{{{labels}}} {count}");
    }
    let _ = writeln!(out, "# TYPE koprogo_http_requests_in_flight gauge");
    let _ = writeln!(out, "koprogo_http_requests_in_flight {}", metrics.in_flight.load(Ordering::Relaxed));
    let _ = writeln!(out, "# TYPE koprogo_http_server_errors_total counter");
    let _ = writeln!(out, "koprogo_http_server_errors_total {}", metrics.errors.load(Ordering::Relaxed));
    let _ = writeln!(out, "# HELP koprogo_db_connections Database connections by pool and state.");
    let _ = writeln!(out, "# TYPE koprogo_db_connections gauge");
    for pool in pools {
        let in_use = pool.open.saturating_sub(pool.idle);
        let _ = writeln!(out, "koprogo_db_connections{{pool=\"{}\",state=\"in_use\"}} {in_use}", pool.name);
        let _ = writeln!(out, "koprogo_db_connections{{pool=\"{}\",state=\"idle\"}} {}", pool.name, pool.idle);
        let _ = writeln!(out, "koprogo_db_connections{{pool=\"{}\",state=\"max\"}} {}", pool.name, pool.max);
    }
    if let Some(ticks) = process.cpu_ticks {
        let _ = writeln!(out, "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {}.{:02}", ticks / 100, ticks % 100);
    }
    if let Some(rss) = process.resident_bytes {
        let _ = writeln!(out, "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {rss}");
    }
    if let Some(at) = last_backup {
        let _ = writeln!(out, "# HELP koprogo_backup_last_success_timestamp_seconds When the last scheduled backup completed.");
        let _ =
            writeln!(out, "# TYPE koprogo_backup_last_success_timestamp_seconds gauge\nkoprogo_backup_last_success_timestamp_seconds {at}");
    }
    let _ = writeln!(out, "# TYPE koprogo_build_info gauge\nkoprogo_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_land_in_their_buckets_and_counts() {
        let metrics = Metrics::default();
        let route = || "/api/v1/buildings/{id}".to_owned();
        metrics.record(route(), "GET".to_owned(), StatusCode::OK, 800);
        metrics.record(route(), "GET".to_owned(), StatusCode::OK, 30_000);
        metrics.record(route(), "GET".to_owned(), StatusCode::NOT_FOUND, 1_500);
        metrics.record("/health".to_owned(), "GET".to_owned(), StatusCode::SERVICE_UNAVAILABLE, 10);
        let text = render(&metrics, &[], &Process { cpu_ticks: None, resident_bytes: None }, Some(1_800_000_000));
        let labels = r#"route="/api/v1/buildings/{id}",method="GET",status="2xx""#;
        for (le, expected) in [("0.001", 1), ("0.025", 1), ("0.050", 2), ("+Inf", 2)] {
            let line = format!("koprogo_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {expected}\n");
            assert!(text.contains(&line), "missing {line} in\n{text}");
        }
        assert!(text.contains(&format!("koprogo_http_request_duration_seconds_sum{{{labels}}} 0.030800\n")));
        assert!(text.contains(&format!("koprogo_http_requests_total{{{labels}}} 2\n")));
        assert!(text.contains("status=\"4xx\"} 1\n"));
        assert!(text.contains("koprogo_http_server_errors_total 1\n"));
        assert!(text.contains("koprogo_backup_last_success_timestamp_seconds 1800000000\n"));
        let never = render(&metrics, &[], &Process { cpu_ticks: None, resident_bytes: None }, None);
        assert!(!never.contains("koprogo_backup_last_success"), "no backup yet is no figure, not a zero");
    }
}
