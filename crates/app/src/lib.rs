//! KoproGo's use cases: one `App` whose methods are split by business area.
//!
//! The app talks only to ports (`ports`, `account::AccountStore`); it holds no
//! SQL and no HTTP types. Every method that touches tenant data starts by
//! asking the policy (`access`) for a grant.

pub mod access;
pub mod account;
pub mod assemblies;
pub mod audit;
pub mod auth;
pub mod billing;
mod breaker;
mod building;
pub mod charges;
mod debits;
pub mod error;
mod expense;
pub mod listing;
mod operator;
mod owner;
pub mod payments;
pub mod ports;
pub mod privacy;
pub mod reminders;
pub mod search;
pub mod statements;
pub mod team;
mod transfer;

use std::sync::Arc;

pub use error::{AppError, StoreError};
pub use ports::{Clock, Store};

use auth::{LoginThrottle, PasswordHashing, ThrottleSettings};

/// Settings the use cases need; built by the server from its configuration.
#[derive(Clone, Copy, Debug)]
pub struct AppSettings {
    pub throttle: ThrottleSettings,
    /// How many password hashes may run at once (defaults to the CPU count).
    pub hashing_concurrency: usize,
}

impl Default for AppSettings {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self { throttle: ThrottleSettings::default(), hashing_concurrency: cpus }
    }
}

/// The application, shared by the API, the pages and the CLI. One `Arc`:
/// every request clones it several times (router state, extractors), and a
/// clone of all the parts' own `Arc`s measured 2 % of the core under load.
#[derive(Clone)]
pub struct App(Arc<Parts>);

/// What `App` holds. The store is private: routes and commands reach it
/// through the use cases (and their grant) or `operator`'s methods.
#[derive(Clone)]
pub struct Parts {
    store: Store,
    pub clock: Arc<dyn Clock>,
    passwords: PasswordHashing,
    throttle: Arc<LoginThrottle>,
    breaker: Arc<breaker::Breaker>,
    /// Signs the audit heads the API exports (none: no export).
    signer: Option<Arc<audit::anchor::Signer>>,
    /// Where erasures are logged beyond the database (none: erasure is refused).
    erasures: Option<Arc<dyn privacy::ErasureLog>>,
    pub operations: Arc<Operations>,
    billing: Arc<billing::BillingSettings>,
}

/// What the service's background work reports to the operations views.
#[derive(Default)]
pub struct Operations {
    /// Unix seconds of the last backup that completed; 0: none yet.
    last_backup: std::sync::atomic::AtomicI64,
}

impl Operations {
    pub fn backup_succeeded(&self, at: chrono::DateTime<chrono::Utc>) {
        self.last_backup.store(at.timestamp(), std::sync::atomic::Ordering::Relaxed);
    }

    pub fn last_backup(&self) -> Option<i64> {
        Some(self.last_backup.load(std::sync::atomic::Ordering::Relaxed)).filter(|t| *t > 0)
    }
}

impl std::ops::Deref for App {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, settings: AppSettings) -> Result<Self, AppError> {
        Ok(Self(Arc::new(Parts {
            store,
            clock,
            passwords: PasswordHashing::new(settings.hashing_concurrency)?,
            throttle: Arc::new(LoginThrottle::new(settings.throttle)),
            breaker: Arc::default(),
            signer: None,
            erasures: None,
            operations: Arc::default(),
            billing: Arc::default(),
        })))
    }

    /// The parts, to set one while the app is being built.
    fn parts_mut(&mut self) -> &mut Parts {
        Arc::make_mut(&mut self.0)
    }

    /// With the key that signs exported audit heads.
    pub fn with_signer(mut self, signer: audit::anchor::Signer) -> Self {
        self.parts_mut().signer = Some(Arc::new(signer));
        self
    }

    /// True when the storage answers.
    pub async fn ready(&self) -> Result<(), AppError> {
        Ok(self.store.health.ping().await?)
    }
}
