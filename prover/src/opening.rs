//! The private opening of a portfolio commitment (`solvent/opening/v2`), for auditors: the
//! portfolio exactly as committed (after conservative rounding), the snapshot time and the salt.

use crate::report::json::PortfolioDocument;
use serde::{Deserialize, Serialize};
use solvent_circuits::encoding::SALT_BYTES;
use solvent_model::{policy::Policy, portfolio::format_account, Decimal, InputError, Portfolio};
use std::collections::BTreeMap;

/// The schema tag of an opening.
pub const OPENING_SCHEMA: &str = "solvent/opening/v2";
/// Largest opening file accepted, in bytes: a portfolio file's limit and room for the rest.
pub const MAX_OPENING_BYTES: usize = solvent_model::portfolio::MAX_PORTFOLIO_BYTES + (1 << 16);

/// An opening file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Opening {
    /// [`OPENING_SCHEMA`].
    pub schema: String,
    /// The policy id of the attestation it opens.
    pub policy_id: String,
    /// The snapshot time committed to.
    pub snapshot_time: u64,
    /// The salt, `0x` and 62 hex digits.
    pub salt: String,
    /// The portfolio, as a `solvent/portfolio/v1` document (kept as written: it is parsed
    /// strictly, duplicate keys refused, when the opening is used).
    pub portfolio: Box<serde_json::value::RawValue>,
}

/// A portfolio as a `solvent/portfolio/v1` document with exact decimals (zero entries left out).
pub fn portfolio_document(policy: &Policy, portfolio: &Portfolio) -> PortfolioDocument {
    let map = |ids: Vec<&str>, values: &[i128]| -> BTreeMap<String, String> {
        ids.into_iter().zip(values).filter(|(_, v)| **v != 0).map(|(id, v)| (id.to_string(), Decimal::new(*v, 8).to_string())).collect()
    };
    let assets: Vec<&str> = policy.assets.iter().map(|a| a.id.as_str()).collect();
    let instruments: Vec<&str> = policy.instruments.iter().map(|i| i.id.as_str()).collect();
    PortfolioDocument {
        schema: solvent_model::portfolio::PORTFOLIO_SCHEMA,
        account: format_account(&portfolio.account),
        balances: map(assets.clone(), &portfolio.balances),
        debts: map(assets, &portfolio.debts),
        positions: map(instruments, &portfolio.positions),
    }
}

impl Opening {
    /// The opening of a commitment.
    pub fn new(policy: &Policy, portfolio: &Portfolio, snapshot_time: u64, salt: &[u8; SALT_BYTES], policy_id: String) -> Self {
        Opening {
            schema: OPENING_SCHEMA.to_string(),
            policy_id,
            snapshot_time,
            salt: solvent_verifier::attestation::encode_hex(salt),
            portfolio: serde_json::value::to_raw_value(&portfolio_document(policy, portfolio)).expect("serialisable"),
        }
    }

    /// Parses an opening file.
    pub fn from_json(text: &str) -> Result<Opening, InputError> {
        solvent_model::error::check_size("opening", text.len(), MAX_OPENING_BYTES)?;
        let opening: Opening = solvent_model::error::parse_json(text)?;
        if opening.schema != OPENING_SCHEMA {
            return Err(InputError::new("schema", format!("is `{}`; expected `{OPENING_SCHEMA}`", opening.schema)));
        }
        opening.salt()?;
        Ok(opening)
    }

    /// The salt's bytes.
    pub fn salt(&self) -> Result<[u8; SALT_BYTES], InputError> {
        let bytes = solvent_verifier::attestation::decode_hex("salt", &self.salt)?;
        bytes.try_into().map_err(|_| InputError::new("salt", format!("must be {SALT_BYTES} bytes")))
    }

    /// The portfolio exactly as committed, validated against `policy` (field paths prefixed
    /// with `portfolio.`): duplicate keys and values with more than 8 fractional digits are
    /// refused, not resolved or rounded.
    pub fn portfolio(&self, policy: &Policy) -> Result<Portfolio, InputError> {
        Portfolio::from_json_exact(self.portfolio.get(), policy).map_err(|e| {
            let field = if e.field.is_empty() { "portfolio".to_string() } else { format!("portfolio.{}", e.field) };
            InputError { field, message: e.message }
        })
    }

    /// The file's JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("serialisable") + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening_with(portfolio: &str) -> String {
        format!(
            r#"{{"schema": "solvent/opening/v2", "policy_id": "0x{}", "snapshot_time": 150, "salt": "0x{}", "portfolio": {portfolio}}}"#,
            "11".repeat(32),
            "22".repeat(31)
        )
    }

    #[test]
    fn the_portfolio_is_read_exactly_as_written() {
        let policy = Policy::from_json(crate::demo::POLICY).unwrap();
        let account = "0x00000000000000000000000000000000000000aa";
        let exact =
            opening_with(&format!(r#"{{"schema": "solvent/portfolio/v1", "account": "{account}", "balances": {{"BTC": "42.5"}}}}"#));
        let portfolio = Opening::from_json(&exact).unwrap().portfolio(&policy).unwrap();
        assert_eq!(portfolio.balances[1], 4_250_000_000, "BTC is the second asset");
        for (portfolio, field, reason) in [
            (r#""balances": {"BTC": "1000", "BTC": "42.5"}"#, "portfolio.balances", "duplicate key"),
            (r#""balances": {"BTC": "42.500000009"}"#, "portfolio.balances.BTC", "fractional digits"),
        ] {
            let text = opening_with(&format!(r#"{{"schema": "solvent/portfolio/v1", "account": "{account}", {portfolio}}}"#));
            let error = Opening::from_json(&text).unwrap().portfolio(&policy).unwrap_err();
            assert_eq!(error.field, field, "{error}");
            assert!(error.message.contains(reason), "{error}");
        }
    }
}
