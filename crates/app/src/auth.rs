//! Credentials: argon2id password hashes computed off the async runtime with
//! bounded concurrency, opaque random tokens stored only as SHA-256 digests,
//! and login throttling per IP and per account.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::Digest;
use tokio::sync::Semaphore;

use crate::error::AppError;

/// OWASP / ASVS 5.0 Appendix C minimum: argon2id, m = 19 MiB, t = 2, p = 1.
fn argon2() -> Result<Argon2<'static>, AppError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| AppError::Internal(anyhow::anyhow!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// True when a stored hash is weaker than the policy (RELIABILITY G1: argon2id
/// with m ≥ 19 456 KiB and t ≥ 2, or m ≥ 47 104 KiB and t ≥ 1, p = 1), or does
/// not parse as one: such a hash is replaced at the next successful login.
pub fn below_policy(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return true };
    let Ok(params) = Params::try_from(&parsed) else { return true };
    let (m, t, p) = (params.m_cost(), params.t_cost(), params.p_cost());
    let strong = (m >= 19 * 1024 && t >= 2) || (m >= 46 * 1024 && t >= 1);
    parsed.algorithm.as_str() != "argon2id" || p != 1 || !strong
}

/// Hashes and verifies passwords on the blocking pool, at most `permits` at a
/// time, so that a burst of logins cannot starve the other requests.
#[derive(Clone)]
pub struct PasswordHashing {
    permits: Arc<Semaphore>,
    /// Verified when the account does not exist, so that timing does not tell.
    /// Made on first need, not at start-up: a hash holds 19 MiB while it runs.
    dummy_hash: Arc<std::sync::OnceLock<String>>,
    /// argon2 verifications run so far (a login costs one, known account or not).
    verifications: Arc<std::sync::atomic::AtomicU64>,
}

impl PasswordHashing {
    pub fn new(concurrency: usize) -> Result<Self, AppError> {
        Ok(Self { permits: Arc::new(Semaphore::new(concurrency.max(1))), dummy_hash: Arc::default(), verifications: Arc::default() })
    }

    pub async fn hash(&self, password: &str) -> Result<String, AppError> {
        let password = password.to_owned();
        self.run(move || {
            argon2()?
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| AppError::Internal(anyhow::anyhow!("argon2: {e}")))
        })
        .await
    }

    /// True when `password` matches `hash`; `None` hash runs the dummy check.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> Result<bool, AppError> {
        // An erased login's hash (`!erased`) matches nothing, as an unknown account.
        let hash = hash.filter(|h| !h.starts_with('!'));
        let (password, known) = (password.to_owned(), hash.is_some());
        let (hash, dummy, counter) = (hash.map(str::to_owned), self.dummy_hash.clone(), self.verifications.clone());
        self.run(move || {
            let hash = match hash {
                Some(hash) => hash,
                None => dummy
                    .get_or_init(|| {
                        argon2()
                            .ok()
                            .and_then(|a| a.hash_password(b"no account has this password").ok())
                            .map(|h| h.to_string())
                            .unwrap_or_default()
                    })
                    .clone(),
            };
            let Ok(parsed) = PasswordHash::new(&hash) else {
                return if known { Err(AppError::Internal(anyhow::anyhow!("a stored password hash does not parse"))) } else { Ok(false) };
            };
            // Verify even for an unknown account (against the dummy hash), so
            // that the answer takes as long either way.
            let matches = argon2()?.verify_password(password.as_bytes(), &parsed).is_ok();
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Ok(known && matches)
        })
        .await
    }

    pub fn verifications(&self) -> u64 {
        self.verifications.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> Result<T, AppError> + Send + 'static) -> Result<T, AppError> {
        let _permit = self.permits.acquire().await.map_err(|e| AppError::Internal(e.into()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(e.into()))?
    }
}

/// A bearer secret as handed to the client, and its digest as stored.
pub struct IssuedToken {
    pub secret: String,
    pub digest: [u8; 32],
}

/// 256 random bits from the OS, base64url, with a prefix telling its kind.
pub fn issue_token(prefix: &str) -> Result<IssuedToken, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(anyhow::anyhow!("random: {e}")))?;
    let secret = format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let digest = token_digest(&secret);
    Ok(IssuedToken { secret, digest })
}

pub fn token_digest(secret: &str) -> [u8; 32] {
    sha2::Sha256::digest(secret.as_bytes()).into()
}

/// Limits on login attempts. Counters live in this process: with several
/// instances each keeps its own, which only makes the limit per instance.
#[derive(Clone, Copy, Debug)]
pub struct ThrottleSettings {
    /// Attempts allowed at once from one IP, then one more every `ip_period`.
    pub ip_burst: u32,
    pub ip_period: Duration,
    /// Attempts allowed at once on one account, then one more every `account_period`.
    pub account_burst: u32,
    pub account_period: Duration,
    /// Sign-ups allowed at once from one IP, then one more every `signup_period`.
    pub signup_burst: u32,
    pub signup_period: Duration,
}

impl Default for ThrottleSettings {
    /// 10 at once then 10 a minute per IP; 10 at once then one every 90 s
    /// (10 per 15 min) per account (RELIABILITY G2); 5 sign-ups at once then
    /// one every 2 minutes per IP (an organisation is not made every second).
    fn default() -> Self {
        Self {
            ip_burst: 10,
            ip_period: Duration::from_secs(6),
            account_burst: 10,
            account_period: Duration::from_secs(90),
            signup_burst: 5,
            signup_period: Duration::from_secs(120),
        }
    }
}

pub struct LoginThrottle {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_account: DefaultKeyedRateLimiter<String>,
    signups: DefaultKeyedRateLimiter<IpAddr>,
    /// IPs and accounts that failed past their limit, and until when they wait.
    held: std::sync::Mutex<std::collections::HashMap<Held, std::time::Instant>>,
    clock: DefaultClock,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Held {
    Ip(IpAddr),
    Account(String),
}

impl LoginThrottle {
    pub fn new(settings: ThrottleSettings) -> Self {
        let quota = |burst: u32, period: Duration| {
            let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
            Quota::with_period(period.max(Duration::from_millis(1))).map_or_else(|| Quota::per_second(burst), |q| q.allow_burst(burst))
        };
        Self {
            per_ip: RateLimiter::keyed(quota(settings.ip_burst, settings.ip_period)),
            per_account: RateLimiter::keyed(quota(settings.account_burst, settings.account_period)),
            signups: RateLimiter::keyed(quota(settings.signup_burst, settings.signup_period)),
            held: std::sync::Mutex::new(std::collections::HashMap::new()),
            clock: DefaultClock::default(),
        }
    }

    fn keys(ip: Option<IpAddr>, account: &str) -> impl Iterator<Item = Held> {
        ip.map(Held::Ip).into_iter().chain(std::iter::once(Held::Account(account.trim().to_lowercase())))
    }

    /// Refuses, with the wait, an IP or an account that failed past its limit;
    /// anyone else may try (a login that succeeds is not counted).
    pub fn attempt(&self, ip: Option<IpAddr>, account: &str) -> Result<(), AppError> {
        let now = std::time::Instant::now();
        let held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let until = Self::keys(ip, account).filter_map(|k| held.get(&k).copied()).filter(|until| *until > now).max();
        match until {
            Some(until) => Err(AppError::RateLimited { retry_after_secs: until.duration_since(now).as_secs().max(1) }),
            None => Ok(()),
        }
    }

    /// Counts one failed login; past either limit, that IP or account waits
    /// for its next allowance, and this answer already says so.
    pub fn failed(&self, ip: Option<IpAddr>, account: &str) -> Result<(), AppError> {
        if self.per_ip.len() > 100_000 || self.per_account.len() > 100_000 {
            self.per_ip.retain_recent();
            self.per_account.retain_recent();
        }
        let now = std::time::Instant::now();
        let mut waits = Vec::new();
        for key in Self::keys(ip, account) {
            let check = match &key {
                Held::Ip(ip) => self.per_ip.check_key(ip),
                Held::Account(account) => self.per_account.check_key(account),
            };
            if let Err(not_until) = check {
                waits.push((key, not_until.wait_time_from(self.clock.now())));
            }
        }
        let Some(longest) = waits.iter().map(|(_, wait)| *wait).max() else { return Ok(()) };
        let mut held = self.held.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if held.len() > 100_000 {
            held.retain(|_, until| *until > now);
        }
        for (key, wait) in waits {
            held.insert(key, now + wait);
        }
        Err(AppError::RateLimited { retry_after_secs: longest.as_secs().max(1) })
    }

    /// Counts one sign-up from `ip`; refuses with the wait past the limit.
    pub fn sign_up(&self, ip: Option<IpAddr>) -> Result<(), AppError> {
        if self.signups.len() > 100_000 {
            self.signups.retain_recent();
        }
        match ip.map_or(Ok(()), |ip| self.signups.check_key(&ip)) {
            Ok(()) => Ok(()),
            Err(not_until) => Err(AppError::RateLimited { retry_after_secs: not_until.wait_time_from(self.clock.now()).as_secs().max(1) }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_with_the_policy_parameters() {
        let hashing = PasswordHashing::new(2).unwrap();
        let hash = hashing.hash("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hashing.verify("correct horse battery", Some(&hash)).await.unwrap());
        assert!(!hashing.verify("wrong horse battery", Some(&hash)).await.unwrap());
        assert_eq!(hashing.verifications(), 2);
        assert!(!hashing.verify("correct horse battery", None).await.unwrap());
        assert_eq!(hashing.verifications(), 3, "an unknown account costs a full verification too");
    }

    #[tokio::test]
    async fn hashes_below_the_policy_are_told_and_still_verify() {
        let hashing = PasswordHashing::new(1).unwrap();
        assert!(!below_policy(&hashing.hash("x").await.unwrap()));
        let weak = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(4096, 1, 1, None).unwrap());
        let weak = weak.hash_password(b"correct horse battery").unwrap().to_string();
        assert!(below_policy(&weak), "{weak}");
        assert!(hashing.verify("correct horse battery", Some(&weak)).await.unwrap(), "verified with its own parameters");
        let argon2i = Argon2::new(Algorithm::Argon2i, Version::V0x13, Params::new(19 * 1024, 2, 1, None).unwrap());
        assert!(below_policy(&argon2i.hash_password(b"x").unwrap().to_string()));
        let big = Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::new(47104, 1, 1, None).unwrap());
        assert!(!below_policy(&big.hash_password(b"x").unwrap().to_string()), "the other OWASP configuration");
        assert!(below_policy("$2b$12$bcrypt.hash.of.another.system"));
    }

    #[test]
    fn tokens_are_long_random_and_stored_as_digests() {
        let a = issue_token("kpa_").unwrap();
        let b = issue_token("kpa_").unwrap();
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.len() >= 4 + 43);
        assert_eq!(token_digest(&a.secret), a.digest);
    }

    #[test]
    fn the_eleventh_failure_on_an_account_makes_it_wait_and_successes_count_for_nothing() {
        let throttle = LoginThrottle::new(ThrottleSettings::default());
        for i in 0..10u8 {
            let ip = IpAddr::from([10, 0, 0, i]);
            assert!(throttle.attempt(Some(ip), "Marie@x.be").is_ok());
            assert!(throttle.failed(Some(ip), "Marie@x.be").is_ok());
        }
        let ip = IpAddr::from([10, 0, 1, 1]);
        assert!(throttle.attempt(Some(ip), "marie@x.be").is_ok(), "ten failures are allowed");
        assert!(
            matches!(throttle.failed(Some(ip), "marie@x.be"), Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs >= 1)
        );
        let refused = throttle.attempt(Some(IpAddr::from([10, 0, 2, 2])), "MARIE@x.be");
        assert!(matches!(refused, Err(AppError::RateLimited { retry_after_secs }) if retry_after_secs >= 1), "held back from anywhere");
        // Another account from the same addresses may try: attempts alone are never counted.
        for _ in 0..50 {
            assert!(throttle.attempt(Some(IpAddr::from([10, 0, 0, 1])), "jan@x.be").is_ok());
        }
    }
}
