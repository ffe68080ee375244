//! Bounded, trimmed text: names, streets, descriptions.

use crate::Invalid;

/// Non-empty text, trimmed, at most `MAX` characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(Invalid::Empty);
        }
        if trimmed.chars().count() > MAX {
            return Err(Invalid::TooLong(MAX));
        }
        if trimmed.chars().any(|c| c.is_control() && c != '\n') {
            return Err(Invalid::NotOneOf("printable characters"));
        }
        Ok(Self(trimmed.to_owned()))
    }

    /// Optional text: missing or blank means none.
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, Invalid> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => Self::parse(value).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> std::fmt::Display for Text<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Name = Text<120>;
pub type ShortText = Text<40>;
pub type LongText = Text<2000>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_refused_and_text_is_trimmed() {
        assert_eq!(Name::parse("   "), Err(Invalid::Empty));
        assert_eq!(Name::parse("  Résidence  ").unwrap().as_str(), "Résidence");
        assert_eq!(ShortText::parse(&"x".repeat(41)), Err(Invalid::TooLong(40)));
        assert_eq!(Name::parse("a\u{0}b"), Err(Invalid::NotOneOf("printable characters")));
    }
}
