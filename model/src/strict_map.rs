//! A JSON object of string values that refuses duplicate keys (serde_json keeps the last one).

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
use std::fmt;

/// The entries of a JSON object, in file order, with duplicate keys refused.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrictMap(
    /// The `(key, value)` pairs.
    pub Vec<(String, String)>,
);

impl<'de> Deserialize<'de> for StrictMap {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrictVisitor;
        impl<'de> Visitor<'de> for StrictVisitor {
            type Value = StrictMap;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of decimal strings")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<StrictMap, A::Error> {
                let mut entries: Vec<(String, String)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(A::Error::custom(format!("duplicate key `{key}`")));
                    }
                    entries.push((key, value));
                }
                Ok(StrictMap(entries))
            }
        }
        deserializer.deserialize_map(StrictVisitor)
    }
}
