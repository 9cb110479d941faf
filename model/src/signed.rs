//! Signed holdings in a policy (`docs/design.md` §12): its `sources` (`[{"id", "public_key",
//! "attests", "max_age"}]`) and `statements` (`{"slots", "items", "signed_debts"}`), parsed and
//! checked as far as the model can: a public key is `0x` and 64 hex digits here; that it is a key
//! (a point of Baby Jubjub's subgroup of order `l`) is checked where the curve is
//! (`solvent_circuits::signed::check_keys`) before a policy is committed.

use crate::error::parse_json;
use crate::policy::{Attests, SignedHoldings, Source};
use crate::InputError;
use serde::Deserialize;

/// The most sources a policy may list.
pub const MAX_SOURCES: usize = 64;
/// The most statement slots.
pub const MAX_STATEMENT_SLOTS: usize = 64;
/// The most item slots per statement.
pub const MAX_ITEMS_PER_STATEMENT: usize = 256;
/// The names of the kinds a source attests, in the message's order.
pub const ATTESTS: [&str; 3] = ["balances", "debts", "positions"];

/// A source as files write it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSource {
    id: String,
    public_key: String,
    attests: Vec<String>,
    max_age: u64,
}

/// A policy's `statements`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawStatements {
    slots: usize,
    items: usize,
    #[serde(default)]
    signed_debts: bool,
}

/// `0x` and 64 hex digits, as 32 bytes.
pub fn parse_key_bytes(text: &str) -> Option<[u8; 32]> {
    let digits = text.strip_prefix("0x").filter(|d| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&digits[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// 32 bytes as `0x` and 64 hex digits.
pub fn key_hex(bytes: &[u8; 32]) -> String {
    let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("0x{digits}")
}

/// The sources of `raw`, each field named `{prefix}[n].field`: ids of 1 to 31 bytes and distinct,
/// keys 32 bytes and distinct, `attests` some of [`ATTESTS`] without repetition.
pub(crate) fn sources(raw: Vec<RawSource>, prefix: &str) -> Result<Vec<Source>, InputError> {
    let mut out: Vec<Source> = Vec::with_capacity(raw.len());
    for (n, source) in raw.into_iter().enumerate() {
        let field = |name: &str| format!("{prefix}[{n}].{name}");
        if source.id.is_empty() || source.id.len() > crate::policy::MAX_NAME_BYTES {
            return Err(InputError::new(field("id"), format!("ids are 1 to {} bytes", crate::policy::MAX_NAME_BYTES)));
        }
        let public_key = parse_key_bytes(&source.public_key)
            .ok_or_else(|| InputError::new(field("public_key"), format!("`{}` must be 0x followed by 64 hex digits", source.public_key)))?;
        let mut attests = Attests::default();
        for kind in &source.attests {
            let flag = match kind.as_str() {
                "balances" => &mut attests.balances,
                "debts" => &mut attests.debts,
                "positions" => &mut attests.positions,
                other => return Err(InputError::new(field("attests"), format!("`{other}` is none of balances, debts, positions"))),
            };
            if std::mem::replace(flag, true) {
                return Err(InputError::new(field("attests"), format!("`{kind}` twice")));
            }
        }
        if attests == Attests::default() {
            return Err(InputError::new(field("attests"), "is empty: a source attests balances, debts or positions"));
        }
        if let Some(other) = out.iter().find(|s| s.id == source.id || s.public_key == public_key) {
            return Err(InputError::new(field("id"), format!("`{}` repeats the id or public key of `{}`", source.id, other.id)));
        }
        out.push(Source { id: source.id, public_key, attests, max_age: source.max_age });
    }
    Ok(out)
}

/// A trusted-sources file: the JSON list of a policy's `sources` (fields named `[n].field`).
pub fn sources_from_json(text: &str) -> Result<Vec<Source>, InputError> {
    sources(parse_json(text)?, "")
}

/// A policy's signed holdings from its `sources` and `statements` (both or neither).
pub(crate) fn signed_holdings(
    sources_raw: Option<Vec<RawSource>>,
    statements: Option<RawStatements>,
) -> Result<Option<SignedHoldings>, InputError> {
    let (raw, statements) = match (sources_raw, statements) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err(InputError::new(
                "statements",
                "is missing: a policy with sources says how many statements (`slots`) of how many `items` an attestation may use",
            ))
        }
        (None, Some(_)) => return Err(InputError::new("sources", "is missing: `statements` needs the sources that sign them")),
        (Some(raw), Some(statements)) => (raw, statements),
    };
    if raw.is_empty() || raw.len() > MAX_SOURCES {
        return Err(InputError::new("sources", format!("has {} entries; between 1 and {MAX_SOURCES} are allowed", raw.len())));
    }
    let sources = sources(raw, "sources")?;
    let bounded = |field: &str, n: usize, max: usize| {
        if n == 0 || n > max {
            return Err(InputError::new(field, format!("is {n}; between 1 and {max} are allowed")));
        }
        Ok(n)
    };
    Ok(Some(SignedHoldings {
        sources,
        statement_slots: bounded("statements.slots", statements.slots, MAX_STATEMENT_SLOTS)?,
        items_per_statement: bounded("statements.items", statements.items, MAX_ITEMS_PER_STATEMENT)?,
        signed_debts: statements.signed_debts,
    }))
}

impl SignedHoldings {
    /// The `sources` and `statements` of the policy's file.
    pub fn to_json(&self) -> (serde_json::Value, serde_json::Value) {
        let sources: Vec<serde_json::Value> = self
            .sources
            .iter()
            .map(|s| {
                let flags = [s.attests.balances, s.attests.debts, s.attests.positions];
                let attests: Vec<&str> = ATTESTS.iter().zip(flags).filter(|(_, on)| *on).map(|(name, _)| *name).collect();
                serde_json::json!({ "id": s.id, "public_key": key_hex(&s.public_key), "attests": attests, "max_age": s.max_age })
            })
            .collect();
        let statements = serde_json::json!({
            "slots": self.statement_slots, "items": self.items_per_statement, "signed_debts": self.signed_debts
        });
        (sources.into(), statements)
    }
}

#[cfg(test)]
mod tests {
    use crate::Policy;

    const SPAN: &str = include_str!("../tests/vectors/span-policy.json");
    const KEY_A: &str = "0x1111111111111111111111111111111111111111111111111111111111111111";
    const KEY_B: &str = "0x22222222222222222222222222222222222222222222222222222222222222a2";

    fn with(extra: &str) -> String {
        SPAN.trim_end().strip_suffix('}').unwrap().to_string() + extra + "}"
    }

    fn signed_text() -> String {
        with(&format!(
            r#", "sources": [{{"id": "custodian-a", "public_key": "{KEY_A}", "attests": ["balances", "debts"], "max_age": 86400}},
                {{"id": "venue-b", "public_key": "{KEY_B}", "attests": ["positions"], "max_age": 3600}}],
               "statements": {{"slots": 4, "items": 8, "signed_debts": true}}"#
        ))
    }

    #[test]
    fn a_policy_with_sources_parses_round_trips_and_has_their_shape() {
        let policy = Policy::from_json(&signed_text()).unwrap();
        let signed = policy.signed.as_ref().unwrap();
        assert_eq!(signed.sources.len(), 2);
        assert_eq!(super::key_hex(&signed.sources[1].public_key), KEY_B);
        assert!(signed.sources[0].attests.debts && !signed.sources[0].attests.positions);
        assert_eq!((signed.statement_slots, signed.items_per_statement, signed.signed_debts), (4, 8, true));
        assert_eq!(policy.shape().signed, Some(solvent_statement::SignedShape { sources: 2, statements: 4, items: 8 }));
        let canonical = policy.to_json();
        assert_eq!(Policy::from_json(&canonical).unwrap(), policy);
        assert!(Policy::from_json(SPAN).unwrap().signed.is_none());
    }

    #[test]
    fn bad_sources_and_statements_are_refused_naming_the_field() {
        let field = |text: String| Policy::from_json(&text).unwrap_err().field;
        let text = signed_text();
        assert_eq!(field(text.replace(KEY_A, "0x12")), "sources[0].public_key");
        assert_eq!(field(text.replace(KEY_B, KEY_A)), "sources[1].id");
        assert_eq!(field(text.replace(r#""venue-b""#, r#""custodian-a""#)), "sources[1].id");
        assert_eq!(field(text.replace(r#"["positions"]"#, "[]")), "sources[1].attests");
        assert_eq!(field(text.replace(r#"["positions"]"#, r#"["positions", "positions"]"#)), "sources[1].attests");
        assert_eq!(field(text.replace(r#"["positions"]"#, r#"["prices"]"#)), "sources[1].attests");
        assert_eq!(field(text.replace(r#""slots": 4"#, r#""slots": 0"#)), "statements.slots");
        assert_eq!(field(text.replace(r#""items": 8"#, r#""items": 257"#)), "statements.items");
        assert_eq!(field(with(r#", "statements": {"slots": 1, "items": 1}"#)), "sources");
        assert_eq!(
            field(with(&format!(r#", "sources": [{{"id": "a", "public_key": "{KEY_A}", "attests": ["debts"], "max_age": 1}}]"#))),
            "statements"
        );
        assert_eq!(field(with(r#", "sources": [], "statements": {"slots": 1, "items": 1}"#)), "sources");
        assert_eq!(field(text.replace(r#""signed_debts": true"#, r#""signed_debts": true, "extra": 1"#)), "statements.extra");
    }
}
