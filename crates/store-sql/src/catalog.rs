//! Pieces of the catalogue both adapters share: names made safe to splice
//! into SQL, the pattern of a search, and the hash of a table's rows.

use sha2::{Digest as _, Sha256};

/// A table or column name from the database's own catalogue, quoted. Names
/// are ours (lower-case ASCII and `_`); anything else is refused rather than escaped.
pub fn identifier(name: &str) -> anyhow::Result<String> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        Ok(format!("\"{name}\""))
    } else {
        anyhow::bail!("unexpected name in the schema: {name:?}")
    }
}

/// `%needle%` with the pattern's own characters escaped by `\`.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// SHA-256 over the rows' text, each followed by a newline, in the order given.
#[derive(Default)]
pub struct RowHasher {
    hasher: Sha256,
    rows: u64,
}

impl RowHasher {
    pub fn push(&mut self, row: &str) {
        self.hasher.update(row.as_bytes());
        self.hasher.update(b"\n");
        self.rows += 1;
    }

    pub fn finish(self, table: String) -> koprogo_app::ports::privacy::TableDigest {
        koprogo_app::ports::privacy::TableDigest { table, rows: self.rows, sha256: format!("{:x}", self.hasher.finalize()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_reach_the_sql() {
        assert_eq!(identifier("call_lines").unwrap(), "\"call_lines\"");
        assert!(identifier("x\"; DROP TABLE owners; --").is_err());
        assert!(identifier("").is_err());
    }

    #[test]
    fn a_search_matches_its_text_literally() {
        assert_eq!(contains_pattern("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
