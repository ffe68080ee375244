//! How long the service waits for a connection and spends in the database:
//! process-wide histograms (one store per process in production), read by
//! `/metrics`. Lock-free: a few atomic additions per statement timed.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use koprogo_app::ports::{DbTimings, Timing};

/// Upper bounds of the buckets, in microseconds.
pub const BUCKETS_US: [u64; 10] = [100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000, 250_000, 1_000_000];

pub struct Histogram {
    count: AtomicU64,
    sum_us: AtomicU64,
    buckets: [AtomicU64; BUCKETS_US.len()],
}

impl Histogram {
    const fn new() -> Self {
        Self { count: AtomicU64::new(0), sum_us: AtomicU64::new(0), buckets: [const { AtomicU64::new(0) }; BUCKETS_US.len()] }
    }

    pub fn record(&self, since: Instant) {
        let us = u64::try_from(since.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(us, Ordering::Relaxed);
        for (bucket, bound) in self.buckets.iter().zip(BUCKETS_US) {
            if us <= bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn read(&self) -> Timing {
        Timing {
            count: self.count.load(Ordering::Relaxed),
            sum_us: self.sum_us.load(Ordering::Relaxed),
            buckets: BUCKETS_US.iter().zip(&self.buckets).map(|(bound, n)| (*bound, n.load(Ordering::Relaxed))).collect(),
        }
    }
}

/// Waiting for a pooled connection.
pub static ACQUIRE: Histogram = Histogram::new();
/// A list page with its total (the reads of most requests).
pub static LIST: Histogram = Histogram::new();
/// Committing a change with its audit events.
pub static COMMIT: Histogram = Histogram::new();
/// Tasks waiting for a connection right now.
pub static WAITING: AtomicI64 = AtomicI64::new(0);

/// Times a connection's acquisition, counting it as waiting meanwhile.
pub async fn acquiring<T>(acquire: impl Future<Output = T>) -> T {
    WAITING.fetch_add(1, Ordering::Relaxed);
    let started = Instant::now();
    let connection = acquire.await;
    WAITING.fetch_sub(1, Ordering::Relaxed);
    ACQUIRE.record(started);
    connection
}

pub fn snapshot() -> DbTimings {
    DbTimings {
        waiting: u32::try_from(WAITING.load(Ordering::Relaxed).max(0)).unwrap_or(u32::MAX),
        acquire: ACQUIRE.read(),
        list: LIST.read(),
        commit: COMMIT.read(),
    }
}
