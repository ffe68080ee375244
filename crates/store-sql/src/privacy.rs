//! Erasure's fixed values; the port itself is `adapter/privacy.rs`.

/// The address a login keeps once erased: unique, and of a domain that can
/// never receive mail (RFC 2606).
pub fn erased_email(user: uuid::Uuid) -> String {
    format!("erased-{}@erased.invalid", user.simple())
}
