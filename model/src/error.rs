//! Input errors that name the offending field.

use crate::objects_only::ObjectsOnly;
use std::fmt;

/// A refused input: the path of the field (as in `assets[2].haircut_tiers[1].up_to`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Path of the offending field inside the file; empty for the document as a whole.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// The most characters of a value an error message repeats; a longer value is cut there (`…`)
/// and followed by its length.
pub const QUOTE_LIMIT: usize = 80;

impl InputError {
    /// An error about `field`; quoted values in `message` (between backticks or double quotes)
    /// longer than [`QUOTE_LIMIT`] characters are cut.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { field: shorten_quotes(&field.into()), message: shorten_quotes(&message.into()) }
    }
}

/// `text` with every quoted run (between two backticks or two double quotes) longer than
/// [`QUOTE_LIMIT`] characters cut to that many, then `…` and the run's length in bytes.
fn shorten_quotes(text: &str) -> String {
    if text.chars().count() <= QUOTE_LIMIT {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len().min(4 * QUOTE_LIMIT));
    let mut rest = text;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest[open..].chars().next().expect("found");
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
        let close = rest.find(quote).unwrap_or(rest.len());
        let inner = &rest[..close];
        if inner.chars().count() > QUOTE_LIMIT {
            let cut: String = inner.chars().take(QUOTE_LIMIT).collect();
            out.push_str(&cut);
            out.push('…');
            if close < rest.len() {
                out.push(quote);
            }
            out.push_str(&format!(" ({} bytes)", inner.len()));
        } else {
            out.push_str(inner);
            if close < rest.len() {
                out.push(quote);
            }
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    out.push_str(rest);
    out
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for InputError {}

/// Parses `text` as JSON into `T`, reporting the path of the field where it failed. Objects must
/// be objects (an array of a struct's fields in order is refused), and a leading UTF-8 byte order
/// mark is named as such.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    if text.starts_with('\u{feff}') {
        return Err(InputError::new("", "the file starts with a UTF-8 byte order mark (BOM); save it as UTF-8 without one"));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(ObjectsOnly(&mut de)).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        InputError::new(field, e.into_inner().to_string())
    })?;
    de.end().map_err(|e| InputError::new("", e.to_string()))?;
    Ok(value)
}

/// Refuses a document longer than `limit` bytes before it is parsed (`what` names its kind).
pub fn check_size(what: &str, len: usize, limit: usize) -> Result<(), InputError> {
    if len > limit {
        return Err(InputError::new(
            "",
            format!("the {what} is {len} bytes; at most {limit} are accepted (the largest shape the validator allows fits in that)"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_cut_in_messages() {
        let long = "x".repeat(50_000);
        let error = InputError::new("id", format!("`{long}` is 50000 bytes long; at most 31 are allowed"));
        assert!(error.message.len() < 200, "{}", error.message);
        assert!(
            error.message.starts_with(&format!("`{}…` (50000 bytes) is 50000 bytes long", "x".repeat(QUOTE_LIMIT))),
            "{}",
            error.message
        );
        let serde_style = InputError::new("", format!("invalid type: string \"{long}\", expected u64"));
        assert!(serde_style.message.ends_with("(50000 bytes), expected u64"), "{}", serde_style.message);
        let short = InputError::new("price", "`12.5x` is not a decimal number");
        assert_eq!(short.message, "`12.5x` is not a decimal number");
    }

    #[test]
    fn a_byte_order_mark_is_named() {
        let error = parse_json::<serde_json::Value>("\u{feff}{}").unwrap_err();
        assert!(error.message.contains("byte order mark"), "{error}");
    }
}
