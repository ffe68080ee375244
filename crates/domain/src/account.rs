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

    /// A password being set (sign-up, a change, a new user): long enough and
    /// not guessable. `personal` holds what an attacker knows of the person
    /// (e-mail, names, organisation), which the password may not lean on.
    pub fn parse_new(raw: &str, personal: &[&str]) -> Result<Self, Invalid> {
        let password = Self::parse(raw)?;
        if guessable(&raw.to_lowercase(), personal) { Err(Invalid::PasswordGuessable) } else { Ok(password) }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The demo's published password: only the demo seed may set it.
pub const DEMO_PASSWORD: &str = "koprogo-demo-2026";

const COMMON: &str = include_str!("../data/common-passwords.txt");
/// Words of this trade and this country that leaked lists miss.
const LOCAL: &[&str] = &[
    "koprogo",
    "syndic",
    "copropriete",
    "copropriété",
    "mede-eigendom",
    "bienvenue",
    "welkom",
    "belgique",
    "belgie",
    "belgië",
    "bruxelles",
    "brussel",
];

fn common(word: &str) -> bool {
    LOCAL.contains(&word) || COMMON.lines().any(|line| line == word)
}

/// Lower-cased `password` is a common password, one with digits and symbols
/// around it, a repetition, a run (`abcdef…`, `123456…`), few distinct
/// characters, or little more than the person's own names.
fn guessable(password: &str, personal: &[&str]) -> bool {
    let chars: Vec<char> = password.chars().collect();
    let distinct: std::collections::BTreeSet<char> = chars.iter().copied().collect();
    if distinct.len() < 5 || password == DEMO_PASSWORD || common(password) {
        return true;
    }
    let core = password.trim_matches(|c: char| !c.is_alphabetic());
    if core.chars().count() >= 3 && common(core) {
        return true;
    }
    let repeated = (1..=chars.len() / 2).any(|unit| {
        chars.len().is_multiple_of(unit) && chars.chunks(unit).all(|chunk| chunk == chars.get(..unit).unwrap_or_default()) && {
            let unit: String = chars.iter().take(unit).collect();
            unit.chars().count() <= 4 || common(&unit) || common(unit.trim_matches(|c: char| !c.is_alphabetic()))
        }
    });
    let steps: Vec<i64> =
        chars.iter().zip(chars.iter().skip(1)).map(|(a, b)| i64::from(u32::from(*b)) - i64::from(u32::from(*a))).collect();
    let run = steps.iter().zip(steps.iter().skip(1)).all(|(a, b)| a == b) && steps.first().is_some_and(|s| s.abs() <= 1);
    if repeated || run {
        return true;
    }
    let mut tokens: Vec<String> = personal
        .iter()
        .flat_map(|p| p.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|t| t.chars().count() >= 3)
        .collect();
    tokens.extend(walks(password));
    tokens.sort_by_key(|t| std::cmp::Reverse(t.len()));
    let mut rest = password.to_owned();
    for token in &tokens {
        rest = rest.replace(token.as_str(), "");
    }
    rest.chars().filter(|c| c.is_alphabetic()).count() < 4 && rest.len() < password.len()
}

/// The runs of at least four keys along a keyboard row (QWERTY and AZERTY) in `password`.
fn walks(password: &str) -> Vec<String> {
    const ROWS: &[&str] = &["qwertyuiopasdfghjklzxcvbnm", "azertyuiopqsdfghjklmwxcvbn", "1234567890", "0987654321", "poiuytrezamlkjhgfdsq"];
    let mut found = Vec::new();
    for row in ROWS {
        let keys: Vec<char> = row.chars().collect();
        for start in 0..keys.len() {
            for end in (start + 4..=keys.len()).rev() {
                let run: String = keys.get(start..end).unwrap_or_default().iter().collect();
                if password.contains(&run) {
                    found.push(run);
                    break;
                }
            }
        }
    }
    found
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
    fn guessable_passwords_are_refused_and_passphrases_pass() {
        let personal = ["luc.dupont@example.be", "Luc", "Dupont", "Syndic Horizon"];
        for weak in [
            "password1234",
            "Password2026!",
            "qwertyuiopas",
            "123456789012",
            "abcdefghijkl",
            "aaaaaaaaaaaa",
            "121212121212",
            "passwordpassword",
            "Soleil123456",
            "motdepasse2026",
            "Wachtwoord!!!!",
            "koprogo-demo-2026",
            "dupont123456",
            "Horizon-2026!",
            "azerty123456",
        ] {
            assert_eq!(Password::parse_new(weak, &personal).err(), Some(Invalid::PasswordGuessable), "{weak}");
        }
        for strong in
            ["correct horse battery staple", "a brand new passphrase", "Tulipe-Escargot-Péniche", "8f3k2m9x7q1z", "a long enough password"]
        {
            assert!(Password::parse_new(strong, &personal).is_ok(), "{strong}");
        }
        assert_eq!(Password::parse_new("short", &personal).err(), Some(Invalid::PasswordTooShort));
        assert!(Password::parse("koprogo-demo-2026").is_ok(), "logging in is not setting");
    }

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
