//! The private opening of a portfolio commitment (`solvent/opening/v2`), for auditors: the
//! portfolio exactly as committed (after conservative rounding), the snapshot time and the salt.

use serde::{Deserialize, Serialize};
use solvent_circuits::encoding::SALT_BYTES;
use solvent_model::{policy::Policy, portfolio::format_account, Decimal, InputError, Portfolio};
use std::collections::BTreeMap;

/// The schema tag of an opening.
pub const OPENING_SCHEMA: &str = "solvent/opening/v2";

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
    /// The portfolio, as a `solvent/portfolio/v1` document.
    pub portfolio: serde_json::Value,
}

/// A portfolio as a `solvent/portfolio/v1` document with exact decimals (zero entries left out).
pub fn portfolio_document(policy: &Policy, portfolio: &Portfolio) -> serde_json::Value {
    let map = |ids: Vec<&str>, values: &[i128]| -> BTreeMap<String, String> {
        ids.into_iter()
            .zip(values)
            .filter(|(_, v)| **v != 0)
            .map(|(id, v)| (id.to_string(), Decimal::new(*v, 8).to_string()))
            .collect()
    };
    let assets: Vec<&str> = policy.assets.iter().map(|a| a.id.as_str()).collect();
    let instruments: Vec<&str> = policy.instruments.iter().map(|i| i.id.as_str()).collect();
    serde_json::json!({
        "schema": solvent_model::portfolio::PORTFOLIO_SCHEMA,
        "account": format_account(&portfolio.account),
        "balances": map(assets.clone(), &portfolio.balances),
        "debts": map(assets, &portfolio.debts),
        "positions": map(instruments, &portfolio.positions),
    })
}

impl Opening {
    /// The opening of a commitment.
    pub fn new(policy: &Policy, portfolio: &Portfolio, snapshot_time: u64, salt: &[u8; SALT_BYTES], policy_id: String) -> Self {
        Opening {
            schema: OPENING_SCHEMA.to_string(),
            policy_id,
            snapshot_time,
            salt: solvent_verifier::attestation::encode_hex(salt),
            portfolio: portfolio_document(policy, portfolio),
        }
    }

    /// Parses an opening file.
    pub fn from_json(text: &str) -> Result<Opening, InputError> {
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

    /// The portfolio, validated against `policy` (field paths prefixed with `portfolio.`).
    pub fn portfolio(&self, policy: &Policy) -> Result<Portfolio, InputError> {
        Portfolio::from_json(&self.portfolio.to_string(), policy)
            .map(|(p, _)| p)
            .map_err(|e| InputError::new(format!("portfolio.{}", e.field), e.message))
    }

    /// The file's JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("serialisable") + "\n"
    }
}
