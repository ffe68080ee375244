//! Logs: human-readable by default, JSON lines for production.

use tracing_subscriber::EnvFilter;

pub fn init(filter: Option<&str>, format: Option<&str>) {
    let filter = EnvFilter::try_new(filter.unwrap_or("info,sqlx=warn")).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    if format == Some("json") {
        builder.json().flatten_event(true).init();
    } else {
        builder.init();
    }
}
