//! The public risk policy (`solvent/policy/v1` and `solvent/policy/v2`): parsing and validation.
//!
//! A v2 policy may add, all optional, the limits of risk model v2 (`docs/design.md` §2.2):
//! concentration caps per asset, position limits, deltas and net delta limits per underlying,
//! large-position add-ons and an oracle-latency buffer. A v2 policy without any of them means
//! exactly what the same v1 policy means.

use crate::decimal::{parse_scaled, ExcessDigits, AMOUNT_DIGITS, RATIO_DIGITS, RATIO_SCALE};
use crate::error::{check_size, parse_json, InputError};
use serde::Deserialize;

/// The schema tag of a v1 policy file.
pub const POLICY_SCHEMA: &str = "solvent/policy/v1";
/// The schema tag of a v2 policy file (risk model v2's limits allowed).
pub const POLICY_SCHEMA_V2: &str = "solvent/policy/v2";
/// Most underlyings a policy may list.
pub const MAX_UNDERLYINGS: usize = 64;
/// Largest oracle-latency buffer per hour (scaled by 10^6: 1000).
pub const MAX_BUFFER_PER_HOUR: i128 = 1000 * RATIO_SCALE;
/// Most assets a policy may list.
pub const MAX_ASSETS: usize = 256;
/// Most haircut tiers an asset may have.
pub const MAX_TIERS: usize = 16;
/// Most instruments a policy may list.
pub const MAX_INSTRUMENTS: usize = 1 << 16;
/// Most scenarios a policy may list.
pub const MAX_SCENARIOS: usize = 64;
/// Longest id or scenario name, in UTF-8 bytes (one field element holds it).
pub const MAX_NAME_BYTES: usize = 31;
/// Largest policy file accepted, in bytes (256 MiB: the largest shape the validator allows,
/// 65,536 instruments of 64 scenario losses each, pretty-printed, fits in it).
pub const MAX_POLICY_BYTES: usize = 256 << 20;
/// Largest ratio threshold (1000, scaled by 10^6).
pub const MAX_RATIO: i128 = 1000 * RATIO_SCALE;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    schema: String,
    id: String,
    effective_at: u64,
    expires_at: u64,
    scenarios: Vec<String>,
    assets: Vec<RawAsset>,
    #[serde(default)]
    instruments: Vec<RawInstrument>,
    thresholds: RawThresholds,
    #[serde(default)]
    underlyings: Option<Vec<RawUnderlying>>,
    #[serde(default)]
    oracle: Option<RawOracle>,
    #[serde(default)]
    sources: Option<Vec<crate::signed::RawSource>>,
    #[serde(default)]
    statements: Option<crate::signed::RawStatements>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnderlying {
    id: String,
    #[serde(default)]
    max_net_delta: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOracle {
    prices_at: u64,
    buffer_per_hour: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLargePosition {
    threshold: String,
    rate: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAsset {
    id: String,
    price: String,
    haircut_tiers: Vec<RawTier>,
    debt_margin_rate: String,
    #[serde(default)]
    max_share: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    /// Required: `null` (not an absent key) marks the unbounded last tier.
    #[serde(deserialize_with = "Option::deserialize")]
    up_to: Option<String>,
    weight: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: String,
    scenario_loss: Vec<String>,
    short_option_minimum: String,
    #[serde(default)]
    underlying: Option<String>,
    #[serde(default)]
    delta: Option<String>,
    #[serde(default)]
    max_abs_position: Option<String>,
    #[serde(default)]
    large_position: Option<RawLargePosition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThresholds {
    margin_ratio: String,
    collateral_ratio: String,
}

/// A haircut tier: market value up to `up_to` (scaled by 10^8; `None` = unbounded) counts at
/// `weight` (scaled by 10^6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    /// Upper bound of the tier in value units, scaled by 10^8; `None` for an unbounded last tier.
    pub up_to: Option<i128>,
    /// Weight in `[0, 1]`, scaled by 10^6.
    pub weight: i128,
}

/// A collateral or debt asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Asset id, as portfolios name it.
    pub id: String,
    /// Price, scaled by 10^8.
    pub price: i128,
    /// Haircut tiers with strictly increasing bounds.
    pub tiers: Vec<Tier>,
    /// Debt margin rate, scaled by 10^6.
    pub debt_margin_rate: i128,
    /// Concentration cap (v2): `CV_a <= max_share * C`, scaled by 10^6; `None` = no cap.
    pub max_share: Option<i128>,
}

/// An instrument with its risk array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instrument {
    /// Instrument id, as portfolios name it.
    pub id: String,
    /// Loss of one long unit in each scenario (positive = loss), scaled by 10^8.
    pub scenario_loss: Vec<i128>,
    /// Short option minimum per unit held short, scaled by 10^8.
    pub short_option_minimum: i128,
    /// The limits of risk model v2 (all absent in a v1 policy).
    pub limits: InstrumentLimits,
}

/// An instrument's limits and sensitivities of risk model v2.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstrumentLimits {
    /// Index of its underlying in [`Policy::underlyings`] (needed for a non-zero delta).
    pub underlying: Option<usize>,
    /// Delta per contract (units of the underlying), scaled by 10^8.
    pub delta: i128,
    /// Position limit `|q| <= max_abs_position`, scaled by 10^8; `None` = no limit.
    pub max_abs_position: Option<i128>,
    /// Large-position add-on; `None` = none.
    pub large_position: Option<LargePosition>,
}

/// The large-position add-on of an instrument: `max(0, |q| - threshold) * rate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LargePosition {
    /// Position size from which the add-on applies, scaled by 10^8.
    pub threshold: i128,
    /// Charge per unit of position beyond the threshold (value units), scaled by 10^8.
    pub rate: i128,
}

/// An underlying: instruments' deltas add up per underlying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Underlying {
    /// Underlying id.
    pub id: String,
    /// Net delta limit `|sum_i q_i delta_i| <= max_net_delta`, scaled by 10^8; `None` = no limit.
    pub max_net_delta: Option<i128>,
}

/// When the policy's prices were observed, and the margin buffer per hour of age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oracle {
    /// Unix seconds of the price observation (at most `effective_at`).
    pub prices_at: u64,
    /// Added to the margin ratio per started hour between `prices_at` and the snapshot, scaled
    /// by 10^6.
    pub buffer_per_hour: i128,
}

/// What a source may attest: which kinds of a statement's items count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attests {
    /// Balances.
    pub balances: bool,
    /// Debts.
    pub debts: bool,
    /// Positions.
    pub positions: bool,
}

/// A source the policy trusts to sign statements (`docs/design.md` §12).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Source id (for people: a statement is checked against the key, never its name).
    pub id: String,
    /// The public key packed as `@zk-kit/eddsa-poseidon`'s `packPublicKey`, big-endian: a point
    /// of Baby Jubjub's subgroup of order `l` other than the identity (checked where the curve
    /// is, `solvent_circuits::eddsa::curve`, before the policy is committed).
    pub public_key: [u8; 32],
    /// The kinds of items it may attest.
    pub attests: Attests,
    /// The largest age of its statements at the snapshot time (seconds).
    pub max_age: u64,
}

/// The policy's signed holdings: every balance and position (and, if required, every debt) of
/// an attestation is the sum of the items of statements signed by these sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedHoldings {
    /// The sources, in order.
    pub sources: Vec<Source>,
    /// Statement slots of the circuit (the most statements an attestation may use).
    pub statement_slots: usize,
    /// Item slots per statement (the most items one statement may hold).
    pub items_per_statement: usize,
    /// Whether debts must come from statements too (else the portfolio's debts are at least the
    /// signed ones, and an institution may declare more).
    pub signed_debts: bool,
}

/// A validated policy with every decimal as an exact scaled integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Policy id.
    pub id: String,
    /// Start of the validity window (unix seconds, inclusive).
    pub effective_at: u64,
    /// End of the validity window (unix seconds, exclusive).
    pub expires_at: u64,
    /// Scenario names, in order.
    pub scenarios: Vec<String>,
    /// Assets, in order.
    pub assets: Vec<Asset>,
    /// Instruments, in order.
    pub instruments: Vec<Instrument>,
    /// Margin threshold (`E >= margin_ratio * M`), scaled by 10^6.
    pub margin_ratio: i128,
    /// Collateral threshold (`C >= collateral_ratio * D`), scaled by 10^6.
    pub collateral_ratio: i128,
    /// Underlyings (v2), in order.
    pub underlyings: Vec<Underlying>,
    /// The oracle-latency buffer (v2); `None` = none.
    pub oracle: Option<Oracle>,
    /// Signed holdings; `None` = the portfolio is the prover's own.
    pub signed: Option<SignedHoldings>,
}

fn check_name(field: &str, name: &str) -> Result<(), InputError> {
    if name.is_empty() {
        return Err(InputError::new(field, "must not be empty"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(InputError::new(field, format!("`{name}` is {} bytes long; at most {MAX_NAME_BYTES} are allowed", name.len())));
    }
    Ok(())
}

fn policy_value(field: &str, text: &str, digits: u32) -> Result<i128, InputError> {
    parse_scaled(text, digits, ExcessDigits::Refuse).map(|s| s.value).map_err(|m| InputError::new(field, m))
}

fn non_negative(field: &str, text: &str, digits: u32) -> Result<i128, InputError> {
    let value = policy_value(field, text, digits)?;
    if value < 0 {
        return Err(InputError::new(field, format!("`{text}` must not be negative")));
    }
    Ok(value)
}

fn count(field: &str, len: usize, min: usize, max: usize) -> Result<(), InputError> {
    if len < min || len > max {
        return Err(InputError::new(field, format!("has {len} entries; between {min} and {max} are allowed")));
    }
    Ok(())
}

fn check_unique<'a>(field: &str, ids: impl Iterator<Item = &'a str>) -> Result<(), InputError> {
    let mut seen = std::collections::HashMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(first) = seen.insert(id, i) {
            return Err(InputError::new(format!("{field}[{i}].id"), format!("`{id}` is already the id of {field}[{first}]")));
        }
    }
    Ok(())
}

impl RawPolicy {
    /// The first field of risk model v2 this policy uses, if any.
    fn v2_field(&self) -> Option<String> {
        if self.underlyings.is_some() {
            return Some("underlyings".into());
        }
        if self.oracle.is_some() {
            return Some("oracle".into());
        }
        if let Some(a) = self.assets.iter().position(|a| a.max_share.is_some()) {
            return Some(format!("assets[{a}].max_share"));
        }
        self.instruments.iter().enumerate().find_map(|(i, inst)| {
            let field = if inst.underlying.is_some() {
                "underlying"
            } else if inst.delta.is_some() {
                "delta"
            } else if inst.max_abs_position.is_some() {
                "max_abs_position"
            } else if inst.large_position.is_some() {
                "large_position"
            } else {
                return None;
            };
            Some(format!("instruments[{i}].{field}"))
        })
    }
}

impl Policy {
    /// Parses and validates a policy file's text.
    pub fn from_json(text: &str) -> Result<Policy, InputError> {
        check_size("policy", text.len(), MAX_POLICY_BYTES)?;
        let raw: RawPolicy = parse_json(text)?;
        let v2 = match raw.schema.as_str() {
            POLICY_SCHEMA => false,
            POLICY_SCHEMA_V2 => true,
            other => return Err(InputError::new("schema", format!("is `{other}`; expected `{POLICY_SCHEMA}` or `{POLICY_SCHEMA_V2}`"))),
        };
        if !v2 {
            if let Some(field) = raw.v2_field() {
                return Err(InputError::new(field, format!("is a risk model v2 limit: the policy's schema must be `{POLICY_SCHEMA_V2}`")));
            }
        }
        check_name("id", &raw.id)?;
        if raw.effective_at >= raw.expires_at {
            return Err(InputError::new("expires_at", "must be later than effective_at"));
        }
        if raw.expires_at > i64::MAX as u64 {
            return Err(InputError::new("expires_at", "is not a plausible unix time"));
        }
        count("scenarios", raw.scenarios.len(), 1, MAX_SCENARIOS)?;
        for (s, name) in raw.scenarios.iter().enumerate() {
            check_name(&format!("scenarios[{s}]"), name)?;
        }
        count("assets", raw.assets.len(), 1, MAX_ASSETS)?;
        check_unique("assets", raw.assets.iter().map(|a| a.id.as_str()))?;
        count("instruments", raw.instruments.len(), 0, MAX_INSTRUMENTS)?;
        check_unique("instruments", raw.instruments.iter().map(|i| i.id.as_str()))?;
        let raw_underlyings = raw.underlyings.as_deref().unwrap_or_default();
        count("underlyings", raw_underlyings.len(), 0, MAX_UNDERLYINGS)?;
        check_unique("underlyings", raw_underlyings.iter().map(|u| u.id.as_str()))?;
        let underlyings = raw_underlyings.iter().enumerate().map(|(u, raw)| Self::underlying(u, raw)).collect::<Result<Vec<_>, _>>()?;
        let oracle = match &raw.oracle {
            None => None,
            Some(o) => {
                if o.prices_at > raw.effective_at {
                    return Err(InputError::new("oracle.prices_at", "must not be later than effective_at"));
                }
                let buffer_per_hour = non_negative("oracle.buffer_per_hour", &o.buffer_per_hour, RATIO_DIGITS)?;
                if buffer_per_hour > MAX_BUFFER_PER_HOUR {
                    return Err(InputError::new("oracle.buffer_per_hour", format!("`{}` is above 1000", o.buffer_per_hour)));
                }
                Some(Oracle { prices_at: o.prices_at, buffer_per_hour })
            }
        };

        let assets = raw.assets.iter().enumerate().map(|(a, raw)| Self::asset(a, raw)).collect::<Result<Vec<_>, _>>()?;
        let scenario_count = raw.scenarios.len();
        let instruments = raw
            .instruments
            .iter()
            .enumerate()
            .map(|(i, raw)| Self::instrument(i, raw, scenario_count, &underlyings))
            .collect::<Result<Vec<_>, _>>()?;
        let ratio = |field: &str, text: &str| -> Result<i128, InputError> {
            let value = non_negative(field, text, RATIO_DIGITS)?;
            if value > MAX_RATIO {
                return Err(InputError::new(field, format!("`{text}` is above 1000")));
            }
            Ok(value)
        };
        let signed = crate::signed::signed_holdings(raw.sources, raw.statements)?;
        Ok(Policy {
            id: raw.id,
            effective_at: raw.effective_at,
            expires_at: raw.expires_at,
            scenarios: raw.scenarios,
            assets,
            instruments,
            margin_ratio: ratio("thresholds.margin_ratio", &raw.thresholds.margin_ratio)?,
            collateral_ratio: ratio("thresholds.collateral_ratio", &raw.thresholds.collateral_ratio)?,
            underlyings,
            oracle,
            signed,
        })
    }

    fn underlying(u: usize, raw: &RawUnderlying) -> Result<Underlying, InputError> {
        let at = |field: &str| format!("underlyings[{u}].{field}");
        check_name(&at("id"), &raw.id)?;
        let max_net_delta = raw.max_net_delta.as_deref().map(|text| non_negative(&at("max_net_delta"), text, AMOUNT_DIGITS)).transpose()?;
        Ok(Underlying { id: raw.id.clone(), max_net_delta })
    }

    fn asset(a: usize, raw: &RawAsset) -> Result<Asset, InputError> {
        let at = |field: &str| format!("assets[{a}].{field}");
        check_name(&at("id"), &raw.id)?;
        let price = non_negative(&at("price"), &raw.price, AMOUNT_DIGITS)?;
        let debt_margin_rate = non_negative(&at("debt_margin_rate"), &raw.debt_margin_rate, RATIO_DIGITS)?;
        let max_share = match raw.max_share.as_deref() {
            None => None,
            Some(text) => {
                let share = non_negative(&at("max_share"), text, RATIO_DIGITS)?;
                if share > RATIO_SCALE {
                    return Err(InputError::new(at("max_share"), format!("`{text}` is above 1")));
                }
                Some(share)
            }
        };
        count(&at("haircut_tiers"), raw.haircut_tiers.len(), 1, MAX_TIERS)?;
        let mut tiers = Vec::with_capacity(raw.haircut_tiers.len());
        let mut previous = 0i128;
        for (k, tier) in raw.haircut_tiers.iter().enumerate() {
            let field = at(&format!("haircut_tiers[{k}]"));
            let weight = non_negative(&format!("{field}.weight"), &tier.weight, RATIO_DIGITS)?;
            if weight > RATIO_SCALE {
                return Err(InputError::new(format!("{field}.weight"), format!("`{}` is above 1", tier.weight)));
            }
            let up_to = match &tier.up_to {
                None if k + 1 == raw.haircut_tiers.len() => None,
                None => return Err(InputError::new(format!("{field}.up_to"), "only the last tier may be unbounded (null)")),
                Some(text) => {
                    let bound = non_negative(&format!("{field}.up_to"), text, AMOUNT_DIGITS)?;
                    if bound <= previous {
                        return Err(InputError::new(
                            format!("{field}.up_to"),
                            "must be greater than the previous tier's up_to (and than 0)",
                        ));
                    }
                    previous = bound;
                    Some(bound)
                }
            };
            tiers.push(Tier { up_to, weight });
        }
        Ok(Asset { id: raw.id.clone(), price, tiers, debt_margin_rate, max_share })
    }

    fn instrument(i: usize, raw: &RawInstrument, scenarios: usize, underlyings: &[Underlying]) -> Result<Instrument, InputError> {
        let at = |field: &str| format!("instruments[{i}].{field}");
        check_name(&at("id"), &raw.id)?;
        if raw.scenario_loss.len() != scenarios {
            return Err(InputError::new(
                at("scenario_loss"),
                format!("has {} entries; the policy has {scenarios} scenarios", raw.scenario_loss.len()),
            ));
        }
        let scenario_loss = raw
            .scenario_loss
            .iter()
            .enumerate()
            .map(|(s, text)| policy_value(&at(&format!("scenario_loss[{s}]")), text, AMOUNT_DIGITS))
            .collect::<Result<Vec<_>, _>>()?;
        let short_option_minimum = non_negative(&at("short_option_minimum"), &raw.short_option_minimum, AMOUNT_DIGITS)?;
        let underlying = match raw.underlying.as_deref() {
            None => None,
            Some(id) => Some(
                underlyings
                    .iter()
                    .position(|u| u.id == id)
                    .ok_or_else(|| InputError::new(at("underlying"), format!("`{id}` is not one of the policy's underlyings")))?,
            ),
        };
        let delta = match raw.delta.as_deref() {
            None => 0,
            Some(text) => {
                if underlying.is_none() {
                    return Err(InputError::new(at("delta"), "needs the instrument's `underlying`"));
                }
                policy_value(&at("delta"), text, AMOUNT_DIGITS)?
            }
        };
        let max_abs_position =
            raw.max_abs_position.as_deref().map(|text| non_negative(&at("max_abs_position"), text, AMOUNT_DIGITS)).transpose()?;
        let large_position = match &raw.large_position {
            None => None,
            Some(lp) => Some(LargePosition {
                threshold: non_negative(&at("large_position.threshold"), &lp.threshold, AMOUNT_DIGITS)?,
                rate: non_negative(&at("large_position.rate"), &lp.rate, AMOUNT_DIGITS)?,
            }),
        };
        let limits = InstrumentLimits { underlying, delta, max_abs_position, large_position };
        Ok(Instrument { id: raw.id.clone(), scenario_loss, short_option_minimum, limits })
    }

    /// Whether the policy uses any limit of risk model v2 (then its circuit proves them; a
    /// policy without any is proven by the circuit of v1, with the same figures).
    pub fn has_limits(&self) -> bool {
        self.oracle.is_some()
            || !self.underlyings.is_empty()
            || self.assets.iter().any(|a| a.max_share.is_some())
            || self.instruments.iter().any(|i| i.limits != InstrumentLimits::default())
    }

    /// The largest number of haircut tiers of any asset (the shape's tiers per asset).
    pub fn max_tiers(&self) -> usize {
        self.assets.iter().map(|a| a.tiers.len()).max().unwrap_or(1)
    }

    /// The circuit shape the policy needs: its counts, and with limits its underlyings.
    pub fn shape(&self) -> solvent_statement::Shape {
        solvent_statement::Shape {
            assets: self.assets.len(),
            tiers: self.max_tiers(),
            instruments: self.instruments.len(),
            scenarios: self.scenarios.len(),
            limits: self.has_limits().then_some(self.underlyings.len()),
            signed: self.signed.as_ref().map(|signed| solvent_statement::SignedShape {
                sources: signed.sources.len(),
                statements: signed.statement_slots,
                items: signed.items_per_statement,
            }),
        }
    }

    /// What is legal but probably a mistake, for the validator to warn about: haircut weights
    /// that rise with size (a larger holding counts for more per unit), a zero threshold (a claim
    /// that always holds), and a validity window that does not contain `now` (unix seconds).
    pub fn warnings(&self, now: u64) -> Vec<crate::Warning> {
        let warning = |field: String, message: String| crate::Warning { field, message };
        let mut out = Vec::new();
        for (a, asset) in self.assets.iter().enumerate() {
            for (k, pair) in asset.tiers.windows(2).enumerate() {
                if pair[1].weight > pair[0].weight {
                    out.push(warning(
                        format!("assets[{a}].haircut_tiers[{}].weight", k + 1),
                        format!(
                            "{} rises above the tier below ({}): larger holdings of `{}` count for more per unit; haircut weights usually fall with size",
                            crate::Decimal::new(pair[1].weight, crate::decimal::RATIO_DIGITS),
                            crate::Decimal::new(pair[0].weight, crate::decimal::RATIO_DIGITS),
                            asset.id
                        ),
                    ));
                }
            }
        }
        if self.margin_ratio == 0 {
            out.push(warning("thresholds.margin_ratio".into(), "is 0: the margin claim holds for any portfolio with equity >= 0".into()));
        }
        if self.collateral_ratio == 0 {
            out.push(warning("thresholds.collateral_ratio".into(), "is 0: the collateral claim holds for every portfolio".into()));
        }
        if now < self.effective_at {
            out.push(warning(
                "effective_at".into(),
                format!("{} is in the future (now {now}): no attestation can be made or accepted yet", self.effective_at),
            ));
        } else if now >= self.expires_at {
            out.push(warning("expires_at".into(), format!("{} has passed (now {now}): the policy has expired", self.expires_at)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const DEMO: &str = r#"{ "schema": "solvent/policy/v1", "id": "demo-2026-11-22",
      "effective_at": 1763769600, "expires_at": 1763856000,
      "scenarios": ["px 0 vol+", "px 0 vol-"],
      "assets": [ { "id": "BTC", "price": "20000",
                    "haircut_tiers": [ {"up_to": "100000000", "weight": "1"},
                                       {"up_to": "120000000", "weight": "0.975"},
                                       {"up_to": null, "weight": "0.5"} ],
                    "debt_margin_rate": "0.05" } ],
      "instruments": [ { "id": "BTC-PERP", "scenario_loss": ["0", "-1.5"], "short_option_minimum": "0" } ],
      "thresholds": { "margin_ratio": "1", "collateral_ratio": "1.25" } }"#;

    fn refused(text: &str) -> InputError {
        Policy::from_json(text).expect_err("policy was accepted")
    }

    #[test]
    fn warns_on_rising_weights_zero_thresholds_and_a_window_without_now() {
        let p = Policy::from_json(DEMO).unwrap();
        assert!(p.warnings(p.effective_at).is_empty(), "{:?}", p.warnings(p.effective_at));
        let fields = |p: &Policy, now| p.warnings(now).into_iter().map(|w| w.field).collect::<Vec<_>>();
        assert_eq!(fields(&p, p.effective_at - 1), ["effective_at"]);
        assert_eq!(fields(&p, p.expires_at), ["expires_at"]);
        let odd = DEMO.replace(r#""weight": "0.5""#, r#""weight": "0.99""#).replace(r#""margin_ratio": "1""#, r#""margin_ratio": "0""#);
        let odd = Policy::from_json(&odd).unwrap();
        assert_eq!(fields(&odd, odd.effective_at), ["assets[0].haircut_tiers[2].weight", "thresholds.margin_ratio"]);
    }

    #[test]
    fn parses_the_design_example() {
        let p = Policy::from_json(DEMO).unwrap();
        assert_eq!(p.assets[0].price, 20000 * 100_000_000);
        assert_eq!(p.assets[0].tiers[1], Tier { up_to: Some(120_000_000 * 100_000_000), weight: 975_000 });
        assert_eq!(p.assets[0].tiers[2].up_to, None);
        assert_eq!(p.instruments[0].scenario_loss, vec![0, -150_000_000]);
        assert_eq!(p.collateral_ratio, 1_250_000);
        assert_eq!(p.max_tiers(), 3);
    }

    #[test]
    fn names_the_field_of_a_bad_tier_bound() {
        let bad = DEMO.replace("\"120000000\"", "\"90000000\"");
        assert_eq!(refused(&bad).field, "assets[0].haircut_tiers[1].up_to");
        let middle_null = DEMO.replace("{\"up_to\": \"120000000\"", "{\"up_to\": null");
        assert_eq!(refused(&middle_null).field, "assets[0].haircut_tiers[1].up_to");
    }

    #[test]
    fn refuses_unknown_fields_duplicate_keys_and_wrong_schema() {
        let unknown = DEMO.replace("\"debt_margin_rate\"", "\"colour\": \"red\", \"debt_margin_rate\"");
        let e = refused(&unknown);
        assert_eq!(e.field, "assets[0].colour");
        assert!(e.message.contains("unknown field"), "{e}");
        let duplicate = DEMO.replace("\"price\": \"20000\"", "\"price\": \"20000\", \"price\": \"1\"");
        assert!(refused(&duplicate).message.contains("duplicate field"));
        assert_eq!(refused(&DEMO.replace("policy/v1", "policy/v3")).field, "schema");
        assert!(refused("{").message.contains("EOF"));
    }

    #[test]
    fn refuses_out_of_range_values_naming_them() {
        let cases = [
            (DEMO.replace("\"0.975\"", "\"1.5\""), "assets[0].haircut_tiers[1].weight"),
            (DEMO.replace("\"20000\"", "\"-1\""), "assets[0].price"),
            (DEMO.replace("\"20000\"", "\"0.000000001\""), "assets[0].price"),
            (DEMO.replace("\"1.25\"", "\"1000.000001\""), "thresholds.collateral_ratio"),
            (DEMO.replace("\"-1.5\"", "\"100000000000\""), "instruments[0].scenario_loss[1]"),
            (DEMO.replace("[\"0\", \"-1.5\"]", "[\"0\"]"), "instruments[0].scenario_loss"),
            (DEMO.replace("\"BTC-PERP\"", "\"\""), "instruments[0].id"),
            (DEMO.replace("1763856000", "1763769600"), "expires_at"),
            (DEMO.replace("\"0.05\"", "\"0.0000001\""), "assets[0].debt_margin_rate"),
        ];
        for (text, field) in cases {
            assert_eq!(refused(&text).field, field);
        }
    }

    #[test]
    fn refuses_positional_objects_and_absent_tier_bounds() {
        let positional = r#"["solvent/policy/v1", "p", 1, 2, ["s"], [["A", "1", [[null, "1"]], "0"]], [], ["1", "1"]]"#;
        let e = refused(positional);
        assert_eq!(e.field, "");
        assert!(e.message.contains("is an array"), "{e}");
        let positional_tier = DEMO.replace("{\"up_to\": null, \"weight\": \"0.5\"}", "[null, \"0.5\"]");
        assert_eq!(refused(&positional_tier).field, "assets[0].haircut_tiers[2]");
        let absent = DEMO.replace("{\"up_to\": null, \"weight\": \"0.5\"}", "{\"weight\": \"0.5\"}");
        let e = refused(&absent);
        assert_eq!(e.field, "assets[0].haircut_tiers[2]");
        assert!(e.message.contains("missing field `up_to`"), "{e}");
    }

    const V2: &str = include_str!("../tests/vectors/span-policy-v2.json");

    #[test]
    fn parses_the_limits_of_a_v2_policy() {
        let p = Policy::from_json(V2).unwrap();
        assert!(p.has_limits());
        assert_eq!(p.assets[0].max_share, Some(500_000));
        assert_eq!(p.underlyings[0], Underlying { id: "BTC".into(), max_net_delta: Some(5 * 100_000_000) });
        assert_eq!(p.underlyings[1].max_net_delta, None);
        let call = &p.instruments[1].limits;
        assert_eq!((call.underlying, call.delta, call.max_abs_position), (Some(0), 40_000_000, Some(300_000_000)));
        assert_eq!(call.large_position, Some(LargePosition { threshold: 500_000_000, rate: 2_000_000_000 }));
        assert_eq!(p.oracle, Some(Oracle { prices_at: 90, buffer_per_hour: 10_000 }));
        // A v2 file without limits is the v1 policy.
        assert_eq!(Policy::from_json(&DEMO.replace("policy/v1", "policy/v2")).unwrap(), Policy::from_json(DEMO).unwrap());
        assert!(!Policy::from_json(DEMO).unwrap().has_limits());
    }

    #[test]
    fn refuses_limits_in_a_v1_policy_and_bad_limits_naming_them() {
        let v1 = V2.replace("policy/v2", "policy/v1");
        let e = refused(&v1);
        assert_eq!(e.field, "underlyings");
        assert!(e.message.contains("solvent/policy/v2"), "{e}");
        let only_share = DEMO.replace(r#""debt_margin_rate": "0.05""#, r#""debt_margin_rate": "0.05", "max_share": "0.5""#);
        assert_eq!(refused(&only_share).field, "assets[0].max_share");
        let cases = [
            (V2.replace(r#""max_share": "0.5""#, r#""max_share": "1.000001""#), "assets[0].max_share"),
            (V2.replace(r#""underlying": "BTC", "delta": "0.4""#, r#""underlying": "SOL", "delta": "0.4""#), "instruments[1].underlying"),
            (V2.replace(r#""underlying": "BTC", "delta": "0.4""#, r#""delta": "0.4""#), "instruments[1].delta"),
            (V2.replace(r#""max_abs_position": "3""#, r#""max_abs_position": "-3""#), "instruments[1].max_abs_position"),
            (V2.replace(r#""rate": "20""#, r#""rate": "0.000000001""#), "instruments[1].large_position.rate"),
            (V2.replace(r#""prices_at": 90"#, r#""prices_at": 101"#), "oracle.prices_at"),
            (V2.replace(r#""buffer_per_hour": "0.01""#, r#""buffer_per_hour": "1000.000001""#), "oracle.buffer_per_hour"),
            (V2.replace(r#"{"id": "ETH"}"#, r#"{"id": "BTC"}"#), "underlyings[1].id"),
            (V2.replace(r#""max_net_delta": "5""#, r#""max_net_delta": "5", "colour": "red""#), "underlyings[0].colour"),
        ];
        for (text, field) in cases {
            assert_eq!(refused(&text).field, field);
        }
    }

    #[test]
    fn refuses_an_oversized_file_before_parsing_it() {
        let huge = " ".repeat(MAX_POLICY_BYTES + 1);
        assert!(refused(&huge).message.contains("at most"));
    }

    #[test]
    fn refuses_duplicate_ids() {
        let two = DEMO.replace(
            "\"instruments\": [ {",
            "\"instruments\": [ { \"id\": \"BTC-PERP\", \"scenario_loss\": [\"0\", \"0\"], \"short_option_minimum\": \"0\" }, {",
        );
        assert_eq!(refused(&two).field, "instruments[1].id");
    }
}
