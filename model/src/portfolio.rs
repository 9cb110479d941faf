//! The private portfolio (`solvent/portfolio/v1`): parsing and validation against a policy.

use crate::decimal::{parse_scaled, ExcessDigits, Scaled, AMOUNT_DIGITS};
use crate::error::{check_size, parse_json, InputError};
use crate::policy::Policy;
use crate::strict_map::StrictMap;
use serde::Deserialize;
use std::collections::HashMap;

/// The schema tag of a portfolio file.
pub const PORTFOLIO_SCHEMA: &str = "solvent/portfolio/v1";
/// Largest portfolio file accepted, in bytes (32 MiB: 65,536 positions and 256 balances and
/// debts, pretty-printed, fit in it).
pub const MAX_PORTFOLIO_BYTES: usize = 32 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPortfolio {
    schema: String,
    account: String,
    #[serde(default)]
    balances: StrictMap,
    #[serde(default)]
    debts: StrictMap,
    #[serde(default)]
    positions: StrictMap,
}

/// A value that was rounded to the conservative side because it had more than 8 fractional digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The rounded field, e.g. `balances.BTC`.
    pub field: String,
    /// What was done.
    pub message: String,
}

/// A validated portfolio laid out in the policy's order (absent entries are zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Portfolio {
    /// The 160-bit account, big-endian.
    pub account: [u8; 20],
    /// Balance per policy asset, scaled by 10^8 (never negative).
    pub balances: Vec<i128>,
    /// Debt per policy asset, scaled by 10^8 (never negative).
    pub debts: Vec<i128>,
    /// Signed position per policy instrument, scaled by 10^8.
    pub positions: Vec<i128>,
}

/// Parses `0x` and 40 hex digits.
pub fn parse_account(field: &str, text: &str) -> Result<[u8; 20], InputError> {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .ok_or_else(|| InputError::new(field, format!("`{text}` must start with 0x")))?;
    if hex.len() != 40 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(InputError::new(field, format!("`{text}` must be 0x followed by 40 hex digits")));
    }
    let mut out = [0u8; 20];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    Ok(out)
}

/// Parses the amount `text` of `field` in the object `map` (`balances`, `debts` or `positions`)
/// at 8 fractional digits, `excess` saying what more digits do; balances and debts must not be
/// negative.
pub fn parse_amount(map: &str, field: &str, text: &str, excess: ExcessDigits) -> Result<Scaled, InputError> {
    let scaled = parse_scaled(text, AMOUNT_DIGITS, excess).map_err(|m| InputError::new(field, m))?;
    if map != "positions" && scaled.value < 0 {
        return Err(InputError::new(field, format!("`{text}` must not be negative")));
    }
    Ok(scaled)
}

/// Formats an account as `0x` and 40 lower-case hex digits.
pub fn format_account(account: &[u8; 20]) -> String {
    let mut out = String::from("0x");
    for b in account {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

impl Portfolio {
    /// Parses and validates a portfolio file's text against `policy`; also returns the warnings
    /// for values rounded to the conservative side.
    pub fn from_json(text: &str, policy: &Policy) -> Result<(Portfolio, Vec<Warning>), InputError> {
        Self::parse(text, policy, false)
    }

    /// Parses and validates a portfolio that must be exact, such as the one an opening holds (the
    /// values as committed): a value with more than 8 fractional digits is refused, not rounded.
    pub fn from_json_exact(text: &str, policy: &Policy) -> Result<Portfolio, InputError> {
        Self::parse(text, policy, true).map(|(portfolio, _)| portfolio)
    }

    fn parse(text: &str, policy: &Policy, exact: bool) -> Result<(Portfolio, Vec<Warning>), InputError> {
        check_size("portfolio", text.len(), MAX_PORTFOLIO_BYTES)?;
        let raw: RawPortfolio = parse_json(text)?;
        if raw.schema != PORTFOLIO_SCHEMA {
            return Err(InputError::new("schema", format!("is `{}`; expected `{PORTFOLIO_SCHEMA}`", raw.schema)));
        }
        let account = parse_account("account", &raw.account)?;
        let mut warnings = Vec::new();
        let asset_ids: HashMap<&str, usize> = policy.assets.iter().enumerate().map(|(a, asset)| (asset.id.as_str(), a)).collect();
        let instrument_ids: HashMap<&str, usize> = policy.instruments.iter().enumerate().map(|(i, inst)| (inst.id.as_str(), i)).collect();
        let (down, up) =
            if exact { (ExcessDigits::Refuse, ExcessDigits::Refuse) } else { (ExcessDigits::RoundDown, ExcessDigits::RoundUp) };
        let balances = Self::amounts("balances", &raw.balances, &asset_ids, down, &mut warnings)?;
        let debts = Self::amounts("debts", &raw.debts, &asset_ids, up, &mut warnings)?;
        let positions = Self::amounts("positions", &raw.positions, &instrument_ids, ExcessDigits::Refuse, &mut warnings)?;
        Ok((Portfolio { account, balances, debts, positions }, warnings))
    }

    fn amounts(
        map: &str,
        entries: &StrictMap,
        ids: &HashMap<&str, usize>,
        excess: ExcessDigits,
        warnings: &mut Vec<Warning>,
    ) -> Result<Vec<i128>, InputError> {
        let mut values = vec![0i128; ids.len()];
        for (id, text) in &entries.0 {
            let field = format!("{map}.{id}");
            let index = *ids.get(id.as_str()).ok_or_else(|| InputError::new(&field, format!("`{id}` is not in the policy")))?;
            let scaled = parse_amount(map, &field, text, excess)?;
            if scaled.rounded {
                let direction = if excess == ExcessDigits::RoundDown { "down" } else { "up" };
                warnings.push(Warning {
                    field: field.clone(),
                    message: format!("`{text}` has more than 8 fractional digits; rounded {direction} (the conservative side)"),
                });
            }
            values[index] = scaled.value;
        }
        Ok(values)
    }
}
