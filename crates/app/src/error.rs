//! Errors of the use cases. The web layer maps each to one HTTP status, once.

use koprogo_domain::Rule;
use koprogo_domain::error::Violations;

/// What a store can fail with. Adapters map their driver errors to these.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness or reference constraint: the code says which (e.g. `email_taken`).
    #[error("conflicts with existing data: {0}")]
    Conflict(&'static str),
    /// The domain refused the change on the data read inside the transaction.
    #[error(transparent)]
    Rule(#[from] Rule),
    /// The database cannot be reached or timed out: worth retrying later.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else: a bug or a corrupted row.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid(Violations),
    #[error(transparent)]
    Rule(Rule),
    /// Missing, or belonging to another organisation: the two look the same.
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    /// No valid credentials or token.
    #[error("unauthenticated")]
    Unauthenticated,
    #[error("too many attempts, retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict(code) => AppError::Conflict(code),
            StoreError::Rule(rule) => AppError::Rule(rule),
            StoreError::Unavailable(cause) => AppError::Unavailable(cause),
            StoreError::Internal(cause) => AppError::Internal(cause),
        }
    }
}

impl From<Rule> for AppError {
    fn from(rule: Rule) -> Self {
        AppError::Rule(rule)
    }
}

impl From<Violations> for AppError {
    fn from(violations: Violations) -> Self {
        AppError::Invalid(violations)
    }
}

impl AppError {
    /// One invalid field, for checks that need context (e.g. a foreign id).
    pub fn invalid(field: &str, invalid: koprogo_domain::Invalid) -> Self {
        let mut violations = Violations::new();
        violations.push(field, invalid);
        AppError::Invalid(violations)
    }
}
