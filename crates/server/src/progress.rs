//! Progress of the long commands (seed, backup, restore, audit verify) on a
//! terminal. Drawn on stderr and only when stderr is a terminal, so a script
//! or a cron job reads exactly what it read before.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar of `length` steps (events, buildings, organisations).
pub fn bar(length: u64, what: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(length);
    let style = ProgressStyle::with_template("{msg} [{bar:30}] {human_pos}/{human_len} · {per_sec} · {elapsed_precise}, ~{eta} left")
        .map_or_else(|_| ProgressStyle::default_bar(), |s| s.progress_chars("=> "));
    bar.set_style(style);
    bar.set_message(what.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// A step whose length is not known (a database snapshot): the stage and the time spent.
pub fn stages(first: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template("{spinner} {msg} · {elapsed_precise}").unwrap_or_else(|_| ProgressStyle::default_spinner());
    spinner.set_style(style);
    spinner.set_message(first.to_owned());
    spinner.enable_steady_tick(Duration::from_millis(120));
    spinner
}
