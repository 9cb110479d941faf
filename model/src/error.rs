//! Input errors that name the offending field.

use std::fmt;

/// A refused input: the path of the field (as in `assets[2].haircut_tiers[1].up_to`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// Path of the offending field inside the file; empty for the document as a whole.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl InputError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { field: field.into(), message: message.into() }
    }
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

/// Parses `text` as JSON into `T`, reporting the path of the field where it failed.
pub fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, InputError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." { String::new() } else { path };
        InputError::new(field, e.into_inner().to_string())
    })?;
    de.end().map_err(|e| InputError::new("", e.to_string()))?;
    Ok(value)
}
