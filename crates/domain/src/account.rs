//! People who sign in: roles, passwords, languages.

use crate::Invalid;

crate::code_enum!(
    /// What a user may do in one organisation.
    Role {
        PlatformAdmin = "platform_admin",
        Syndic = "syndic",
        Accountant = "accountant",
        BoardMember = "board_member",
        Owner = "owner",
    }
);

crate::code_enum!(
    /// Languages of the interface and of letters. A building's statutory
    /// language is one of fr/nl/de (see `Building`).
    Language { Fr = "fr", Nl = "nl", De = "de", En = "en" }
);

/// A password as typed: at least 12 characters (length, not composition, makes
/// it strong), at most 256 so that hashing cannot be abused.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let count = raw.chars().count();
        if count < Self::MIN_CHARS {
            return Err(Invalid::PasswordTooShort);
        }
        if count > 256 {
            return Err(Invalid::TooLong(256));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_case_insensitively_and_refuse_unknown_codes() {
        assert_eq!(Role::parse("Board_Member"), Ok(Role::BoardMember));
        assert!(Role::parse("superuser").is_err());
        assert_eq!(Language::parse("NL"), Ok(Language::Nl));
    }

    #[test]
    fn short_passwords_are_refused_and_never_printed() {
        assert!(Password::parse("short").is_err());
        let password = Password::parse("correct horse battery").unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
    }
}
