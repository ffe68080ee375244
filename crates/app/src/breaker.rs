//! Fail fast while the database is down: after a request found the storage
//! unavailable, the others get 503 at once for a second instead of each
//! waiting out the pool timeout; then one request probes, and the first success
//! closes the breaker again.

use std::sync::Mutex;
use std::time::{Duration, Instant};

const OPEN_FOR: Duration = Duration::from_secs(1);

#[derive(Default)]
struct State {
    /// Set while open: when the next probe may go.
    open_until: Option<Instant>,
    probing: bool,
}

#[derive(Default)]
pub struct Breaker(Mutex<State>);

/// What a request may do: go to the store (as a probe or not), or fail fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    Go,
    Probe,
    Refused,
}

impl Breaker {
    pub fn admit(&self) -> Admission {
        let Ok(mut state) = self.0.lock() else { return Admission::Go };
        match state.open_until {
            None => Admission::Go,
            Some(until) if Instant::now() < until || state.probing => Admission::Refused,
            Some(_) => {
                state.probing = true;
                Admission::Probe
            }
        }
    }

    /// Records how the store answered a request that was let through.
    pub fn record(&self, admission: Admission, unavailable: bool) {
        let Ok(mut state) = self.0.lock() else { return };
        if admission == Admission::Probe {
            state.probing = false;
        }
        state.open_until = unavailable.then(|| Instant::now() + OPEN_FOR);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_refuses_the_others_until_one_probe_succeeds() {
        let breaker = Breaker::default();
        assert_eq!(breaker.admit(), Admission::Go);
        breaker.record(Admission::Go, true);
        assert_eq!(breaker.admit(), Admission::Refused, "open: fail fast");
        breaker.0.lock().expect("the breaker lock").open_until = Some(Instant::now());
        assert_eq!(breaker.admit(), Admission::Probe, "after the pause, one probe");
        assert_eq!(breaker.admit(), Admission::Refused, "only one");
        breaker.record(Admission::Probe, false);
        assert_eq!(breaker.admit(), Admission::Go, "closed again");
    }

    #[test]
    fn a_failed_probe_opens_it_again() {
        let breaker = Breaker::default();
        breaker.record(Admission::Go, true);
        breaker.0.lock().expect("the breaker lock").open_until = Some(Instant::now());
        assert_eq!(breaker.admit(), Admission::Probe);
        breaker.record(Admission::Probe, true);
        assert_eq!(breaker.admit(), Admission::Refused);
    }
}
