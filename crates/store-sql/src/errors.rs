//! Driver errors mapped to the store's: conflicts by constraint, unavailability
//! (worth a retry) apart from bugs.

use koprogo_app::StoreError;

/// Maps any driver error; unique and foreign-key violations become conflicts.
pub fn db_error(error: sqlx::Error) -> StoreError {
    unique_or(error, "conflict")
}

/// As `db_error`, naming the conflict of a unique violation `code`.
pub fn unique_or(error: sqlx::Error, code: &'static str) -> StoreError {
    use sqlx::error::ErrorKind;
    match &error {
        sqlx::Error::Database(db) => match db.kind() {
            ErrorKind::UniqueViolation => StoreError::Conflict(code),
            ErrorKind::ForeignKeyViolation => StoreError::Conflict("unknown_reference"),
            _ if is_transient(db.code().as_deref()) => StoreError::Unavailable(error.into()),
            _ => StoreError::Internal(error.into()),
        },
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::WorkerCrashed => {
            StoreError::Unavailable(error.into())
        }
        _ => StoreError::Internal(error.into()),
    }
}

/// PostgreSQL classes 08 (connection), 53 (resources), 57 (operator
/// intervention, e.g. shutdown), 40001/40P01 (serialization, deadlock) and
/// timeouts (57014, 55P03); SQLite BUSY (5) and LOCKED (6).
fn is_transient(code: Option<&str>) -> bool {
    match code {
        Some(code) => {
            ["08", "53", "57", "40"].iter().any(|class| code.starts_with(class)) || matches!(code, "55P03" | "5" | "6" | "517" | "262")
        }
        None => false,
    }
}
