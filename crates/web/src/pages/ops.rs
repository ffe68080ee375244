//! The platform admin's operations dashboard: the seed's technical KPIs, now,
//! over the last hour and the last day, coloured against its alert
//! thresholds, each with a small chart drawn as SVG on the server.

use std::fmt::Write as _;
use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::response::Response;
use koprogo_app::access::Action;

use super::i18n::Lang;
use super::render::{error_page, page};
use super::session::{Chrome, Viewer};
use crate::ops::{Ops, Sample};

/// One KPI: how to read it from a sample, and the seed's target and alert.
struct Indicator {
    key: &'static str,
    unit: &'static str,
    decimals: usize,
    target: Option<f64>,
    alert: Option<f64>,
    value: fn(&Sample) -> f64,
    /// Over a window: the worst sample (latencies, memory) or the mean weighted by requests.
    worst: bool,
}

const INDICATORS: &[Indicator] = &[
    Indicator { key: "ops-p95", unit: "ms", decimals: 1, target: Some(200.0), alert: Some(500.0), value: |s| s.p95_ms, worst: true },
    Indicator { key: "ops-p99", unit: "ms", decimals: 1, target: Some(1000.0), alert: Some(2000.0), value: |s| s.p99_ms, worst: true },
    Indicator {
        key: "ops-errors",
        unit: "%",
        decimals: 2,
        target: Some(0.5),
        alert: Some(1.0),
        value: Sample::error_percent,
        worst: false,
    },
    Indicator { key: "ops-cpu", unit: "%", decimals: 1, target: Some(60.0), alert: Some(80.0), value: |s| s.cpu_percent, worst: false },
    Indicator { key: "ops-ram", unit: "%", decimals: 1, target: Some(70.0), alert: Some(85.0), value: |s| s.ram_percent, worst: true },
    Indicator { key: "ops-db", unit: "%", decimals: 0, target: Some(70.0), alert: Some(90.0), value: Sample::db_percent, worst: true },
    Indicator { key: "ops-throughput", unit: "req/s", decimals: 1, target: None, alert: None, value: Sample::rps, worst: false },
    Indicator { key: "ops-co2", unit: "g", decimals: 4, target: Some(0.15), alert: Some(0.2), value: Sample::co2_g, worst: false },
];

pub struct Tile {
    pub label: String,
    pub now: String,
    pub hour: String,
    pub day: String,
    /// ok, warn, alert, or none (no sample yet, or no threshold).
    pub class: &'static str,
    pub thresholds: String,
    pub chart_hour: String,
    pub chart_day: String,
}

#[derive(Template)]
#[template(path = "ops.html")]
struct OpsPage<'a> {
    chrome: &'a Chrome,
    tiles: Vec<Tile>,
    rss: String,
    samples: usize,
    carbon: String,
}

/// The window's figure: its worst sample, or the mean weighted by requests
/// (a quiet sample says little about errors or CO2 per request).
fn over(samples: &[Sample], indicator: &Indicator) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    if indicator.worst {
        return Some(samples.iter().map(indicator.value).fold(0.0, f64::max));
    }
    let weight = |s: &Sample| if indicator.key == "ops-cpu" || indicator.key == "ops-throughput" { s.seconds } else { s.requests as f64 };
    let total: f64 = samples.iter().map(weight).sum();
    if total > 0.0 { Some(samples.iter().map(|s| (indicator.value)(s) * weight(s)).sum::<f64>() / total) } else { Some(0.0) }
}

fn class(value: Option<f64>, indicator: &Indicator) -> &'static str {
    match (value, indicator.target, indicator.alert) {
        (Some(v), _, Some(alert)) if v > alert => "alert",
        (Some(v), Some(target), _) if v > target => "warn",
        (Some(_), Some(_), _) => "ok",
        _ => "none",
    }
}

/// A line of the values, with the target and the alert as dashed lines. Only
/// numbers are written into the markup.
pub fn chart(values: &[f64], target: Option<f64>, alert: Option<f64>) -> String {
    const W: f64 = 240.0;
    const H: f64 = 48.0;
    let top = values.iter().copied().chain(alert.map(|a| a * 1.1)).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let y = |v: f64| H - (v / top * (H - 2.0)).clamp(0.0, H - 2.0) - 1.0;
    let mut svg = format!(r#"<svg class="chart" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" aria-hidden="true">"#);
    for (line, colour) in [(target, "#2e7d32"), (alert, "#c62828")] {
        if let Some(v) = line {
            let _ = write!(
                svg,
                r#"<line x1="0" x2="{W}" y1="{0:.1}" y2="{0:.1}" stroke="{colour}" stroke-dasharray="4 3" stroke-width="1"/>"#,
                y(v)
            );
        }
    }
    if values.len() > 1 {
        let step = W / (values.len() - 1) as f64;
        let points: Vec<String> = values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, y(*v))).collect();
        let _ = write!(svg, r##"<polyline fill="none" stroke="#1a4f8b" stroke-width="1.5" points="{}"/>"##, points.join(" "));
    }
    svg.push_str("</svg>");
    svg
}

/// A threshold as the seed states it, without trailing zeros: `200 ms`, `0,15 g`.
fn threshold(lang: Lang, value: f64, indicator: &Indicator) -> String {
    let written = lang.figure(value, indicator.decimals);
    let point = if lang == Lang::En { '.' } else { ',' };
    let short = if written.contains(point) { written.trim_end_matches('0').trim_end_matches(point) } else { &written };
    format!("{short} {}", indicator.unit)
}

fn figure(lang: Lang, value: Option<f64>, indicator: &Indicator) -> String {
    value.map_or_else(|| "—".to_owned(), |v| format!("{} {}", lang.figure(v, indicator.decimals), indicator.unit))
}

pub async fn dashboard(chrome: Chrome, viewer: Viewer, Extension(ops): Extension<Arc<Ops>>) -> Response {
    if let Err(error) = viewer.actor.grant_platform(Action::ReadOperations) {
        return error_page(&chrome, &error.into());
    }
    let (hour, day) = (ops.hour(), ops.day());
    let tiles = INDICATORS
        .iter()
        .map(|i| {
            let now = hour.last().map(|s| (i.value)(s));
            let limits = match (i.target, i.alert) {
                (Some(t), Some(a)) => chrome.lang.t_with(
                    "ops-thresholds",
                    &[("target", threshold(chrome.lang, t, i).into()), ("alert", threshold(chrome.lang, a, i).into())],
                ),
                _ => String::new(),
            };
            Tile {
                label: chrome.t(i.key),
                now: figure(chrome.lang, now, i),
                hour: figure(chrome.lang, over(&hour, i), i),
                day: figure(chrome.lang, over(&day, i), i),
                class: class(now, i),
                thresholds: limits,
                chart_hour: chart(&hour.iter().map(i.value).collect::<Vec<_>>(), i.target, i.alert),
                chart_day: chart(&day.iter().map(i.value).collect::<Vec<_>>(), i.target, i.alert),
            }
        })
        .collect();
    let c = ops.carbon;
    let template = OpsPage {
        chrome: &chrome,
        tiles,
        rss: hour.last().map_or_else(|| "—".to_owned(), |s| format!("{} MB", chrome.lang.figure(s.rss_bytes as f64 / 1_048_576.0, 1))),
        samples: hour.len(),
        carbon: chrome.lang.t_with(
            "ops-carbon",
            &[
                ("watts", chrome.lang.figure(c.watts_per_vcpu, 1).into()),
                ("grid", chrome.lang.figure(c.grid_g_per_kwh, 0).into()),
                ("network", chrome.lang.figure(c.network_g_per_kb, 3).into()),
            ],
        ),
    };
    page(&chrome, &template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_hold_numbers_only_and_scale_to_the_alert() {
        let svg = chart(&[0.0, 100.0, 600.0], Some(200.0), Some(500.0));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches("<line").count(), 2);
        assert!(svg.contains("polyline"));
        assert!(chart(&[], None, None).contains("<svg"), "an empty chart still draws");
    }

    #[test]
    fn a_value_past_its_alert_is_red_and_under_its_target_green() {
        let p95 = &INDICATORS[0];
        assert_eq!(class(Some(150.0), p95), "ok");
        assert_eq!(class(Some(300.0), p95), "warn");
        assert_eq!(class(Some(501.0), p95), "alert");
        assert_eq!(class(None, p95), "none");
    }
}
