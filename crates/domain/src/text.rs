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

/// Accented letters a search does not tell from their plain letter, in both
/// cases: the stores fold their columns by this same table (SQLite's `LOWER`
/// folds ASCII only), so `erables` finds `Érables` on either database.
pub const ACCENT_FOLDS: &[(char, char)] = &[
    ('à', 'a'),
    ('á', 'a'),
    ('â', 'a'),
    ('ä', 'a'),
    ('ã', 'a'),
    ('å', 'a'),
    ('À', 'a'),
    ('Á', 'a'),
    ('Â', 'a'),
    ('Ä', 'a'),
    ('Ã', 'a'),
    ('Å', 'a'),
    ('ç', 'c'),
    ('Ç', 'c'),
    ('è', 'e'),
    ('é', 'e'),
    ('ê', 'e'),
    ('ë', 'e'),
    ('È', 'e'),
    ('É', 'e'),
    ('Ê', 'e'),
    ('Ë', 'e'),
    ('ì', 'i'),
    ('í', 'i'),
    ('î', 'i'),
    ('ï', 'i'),
    ('Ì', 'i'),
    ('Í', 'i'),
    ('Î', 'i'),
    ('Ï', 'i'),
    ('ñ', 'n'),
    ('Ñ', 'n'),
    ('ò', 'o'),
    ('ó', 'o'),
    ('ô', 'o'),
    ('ö', 'o'),
    ('õ', 'o'),
    ('Ò', 'o'),
    ('Ó', 'o'),
    ('Ô', 'o'),
    ('Ö', 'o'),
    ('Õ', 'o'),
    ('ù', 'u'),
    ('ú', 'u'),
    ('û', 'u'),
    ('ü', 'u'),
    ('Ù', 'u'),
    ('Ú', 'u'),
    ('Û', 'u'),
    ('Ü', 'u'),
    ('ý', 'y'),
    ('ÿ', 'y'),
    ('Ý', 'y'),
];

/// Lower-cased, with the accents of `ACCENT_FOLDS` taken off.
pub fn fold(text: &str) -> String {
    text.chars()
        .map(|c| ACCENT_FOLDS.iter().find(|(accented, _)| *accented == c).map_or(c, |(_, plain)| *plain))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod fold_tests {
    #[test]
    fn accents_and_case_fold_away() {
        assert_eq!(super::fold("Résidence LES ÉRABLES à Liège"), "residence les erables a liege");
        assert_eq!(super::fold("Ærø œuvre"), "ærø œuvre");
    }
}
