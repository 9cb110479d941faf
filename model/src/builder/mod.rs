//! The policy builder (`solvent policy build`): a policy from market data.
//!
//! A compact spec (`solvent/policy-spec/v1`, `docs/design.md` §3.1) names the assets (as a
//! policy does), an interest rate, the underlyings with their price and volatility, the
//! instruments (spot, future or perpetual with a multiplier, European call or put with strike,
//! expiry and multiplier), a scenario grid (SPAN's 16 scenarios from a price scan range, a
//! volatility scan range and an extreme move with its cover, or any list of moves) and the limits
//! and thresholds. Per instrument and scenario the loss of one long contract is its value now
//! minus its value after the move (times the multiplier and the scenario's cover); options are
//! priced with Black-Scholes or Black-76 with the time to expiry at the policy's `effective_at`
//! (less the look-ahead in the scenarios). Losses and short option minimums are rounded up to the
//! policy's 8 decimals, deltas to the nearest; the result is validated as any policy file. The
//! pricing uses [`math`], so the same spec gives the same bytes on every machine.

pub mod math;
pub mod pricing;

use crate::decimal::{parse_scaled, ExcessDigits, AMOUNT_DIGITS};
use crate::error::{check_size, parse_json, InputError};
use crate::policy::Policy;
use num_bigint::BigInt;
use num_traits::{One, Zero};
use pricing::{Model, OptionInputs, Right};
use serde::Deserialize;
use serde_json::Value;

/// The schema tag of a policy spec.
pub const SPEC_SCHEMA: &str = "solvent/policy-spec/v1";
/// Largest spec file accepted, in bytes.
pub const MAX_SPEC_BYTES: usize = 64 << 20;
/// Seconds in the year of the time to expiry (365 days).
pub const SECONDS_PER_YEAR: f64 = 365.0 * 86_400.0;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    schema: String,
    id: String,
    effective_at: u64,
    expires_at: u64,
    interest_rate: String,
    assets: Vec<Value>,
    underlyings: Vec<RawUnderlying>,
    instruments: Vec<RawInstrument>,
    scenarios: RawScenarios,
    #[serde(default)]
    short_option_minimum: Option<String>,
    thresholds: Value,
    #[serde(default)]
    oracle: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnderlying {
    id: String,
    price: String,
    volatility: String,
    #[serde(default)]
    max_net_delta: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInstrument {
    id: String,
    kind: String,
    underlying: String,
    #[serde(default)]
    multiplier: Option<String>,
    #[serde(default)]
    strike: Option<String>,
    #[serde(default)]
    expiry: Option<u64>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    max_abs_position: Option<String>,
    #[serde(default)]
    large_position: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
enum RawScenarios {
    Span(RawSpan),
    Grid(RawGrid),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpan {
    price_scan: String,
    volatility_scan: String,
    extreme_multiple: String,
    extreme_cover: String,
    #[serde(default)]
    look_ahead_days: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrid {
    moves: Vec<RawMove>,
    #[serde(default)]
    look_ahead_days: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMove {
    name: String,
    price: String,
    volatility: String,
    #[serde(default)]
    cover: Option<String>,
}

/// One scenario: the underlying price times `1 + price`, the volatility plus `volatility`
/// (absolute, at least 0), the loss counted at `cover`.
#[derive(Clone, Debug, PartialEq)]
pub struct Move {
    /// The scenario's name.
    pub name: String,
    /// Relative price move.
    pub price: f64,
    /// Absolute volatility move.
    pub volatility: f64,
    /// Fraction of the loss counted.
    pub cover: f64,
}

/// SPAN's 16 scenarios: the price unchanged, up and down by a third, two thirds and all of the
/// scan range, each with the volatility up and down by its scan range (1 to 14), then the
/// extreme moves up and down (`extreme_multiple` times the range, volatility unchanged) counted
/// at `extreme_cover` (15, 16).
pub fn span_moves(price_scan: f64, volatility_scan: f64, extreme_multiple: f64, extreme_cover: f64) -> Vec<Move> {
    let mut moves = Vec::with_capacity(16);
    let percent = |x: f64| {
        let text = format!("{:.2}", 100.0 * x);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    for (thirds, sign) in [(0, 1.0), (1, 1.0), (1, -1.0), (2, 1.0), (2, -1.0), (3, 1.0), (3, -1.0)] {
        let price = sign * price_scan * f64::from(thirds) / 3.0;
        for (vol, arrow) in [(volatility_scan, "vol+"), (-volatility_scan, "vol-")] {
            let name = match thirds {
                0 => format!("px 0 {arrow}"),
                _ => format!("px {}{}/3 {arrow}", if sign > 0.0 { "+" } else { "-" }, thirds),
            };
            moves.push(Move { name, price, volatility: vol, cover: 1.0 });
        }
    }
    for sign in [1.0, -1.0] {
        let price = sign * extreme_multiple * price_scan;
        let name = format!("px {}{}% x{}", if sign > 0.0 { "+" } else { "-" }, percent(extreme_multiple * price_scan), extreme_cover);
        moves.push(Move { name, price, volatility: 0.0, cover: extreme_cover });
    }
    moves
}

/// A number of the spec (a decimal string, at most 18 fractional digits) as binary64: Rust's own
/// correctly rounded conversion, the same on every machine.
fn number(field: &str, text: &str) -> Result<f64, InputError> {
    parse_scaled(text, 18, ExcessDigits::Refuse).map_err(|m| InputError::new(field, m))?;
    text.parse::<f64>().map_err(|e| InputError::new(field, format!("`{text}`: {e}")))
}

/// An optional number of the spec, `absent` when not given.
fn number_or(field: &str, text: Option<&str>, absent: f64) -> Result<f64, InputError> {
    text.map_or(Ok(absent), |t| number(field, t))
}

fn positive(field: &str, text: &str) -> Result<f64, InputError> {
    let value = number(field, text)?;
    if value <= 0.0 {
        return Err(InputError::new(field, format!("`{text}` must be positive")));
    }
    Ok(value)
}

/// `x` rounded to `10^-digits`: up (towards +infinity) or to the nearest (ties away from 0),
/// exactly from the binary64 value.
fn scaled(x: f64, digits: u32, up: bool) -> BigInt {
    assert!(x.is_finite(), "a finite value");
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, power) = if exponent == 0 { (fraction, -1074) } else { (fraction | (1 << 52), exponent - 1075) };
    let mut numerator = BigInt::from(mantissa) * BigInt::from(10).pow(digits);
    let mut denominator = BigInt::one();
    if power >= 0 {
        numerator <<= power as usize;
    } else {
        denominator <<= (-power) as usize;
    }
    if x < 0.0 {
        numerator = -numerator;
    }
    let floor = num_integer::Integer::div_floor(&numerator, &denominator);
    let remainder = &numerator - &floor * &denominator;
    if remainder.is_zero() {
        return floor;
    }
    if up {
        return floor + 1;
    }
    // Nearest, ties away from zero.
    let twice = remainder * 2;
    if twice > denominator || (twice == denominator && x > 0.0) {
        floor + 1
    } else {
        floor
    }
}

fn decimal_text(value: &BigInt, digits: u32) -> String {
    crate::Decimal::new(value.clone(), digits).to_string()
}

/// What is legal in a spec but probably a mistake, to warn about (the spec's field named): a
/// volatility above 5 (a percentage given where a fraction is meant: `55` for 55%), an option
/// that expires before the policy takes effect (valued at its intrinsic value), and an asset
/// priced otherwise than the underlying of the same id. Assumes `build` accepted the spec.
pub fn warnings(text: &str) -> Vec<crate::Warning> {
    let Ok(raw) = parse_json::<RawSpec>(text) else { return Vec::new() };
    let mut out = Vec::new();
    let mut warn = |field: String, message: String| out.push(crate::Warning { field, message });
    for (u, underlying) in raw.underlyings.iter().enumerate() {
        if underlying.volatility.parse::<f64>().is_ok_and(|v| v > 5.0) {
            warn(
                format!("underlyings[{u}].volatility"),
                format!("`{}` is {}00% a year: volatility is a fraction (0.55 for 55%)", underlying.volatility, underlying.volatility),
            );
        }
    }
    for (i, instrument) in raw.instruments.iter().enumerate() {
        if let Some(expiry) = instrument.expiry.filter(|e| *e <= raw.effective_at) {
            warn(
                format!("instruments[{i}].expiry"),
                format!(
                    "{expiry} is not after the policy's effective_at {}: `{}` is valued at its intrinsic value",
                    raw.effective_at, instrument.id
                ),
            );
        }
    }
    for (a, asset) in raw.assets.iter().enumerate() {
        let (Some(id), Some(price)) = (asset.get("id").and_then(Value::as_str), asset.get("price").and_then(Value::as_str)) else {
            continue;
        };
        let Some(underlying) = raw.underlyings.iter().find(|u| u.id == id) else { continue };
        let same = match (price.parse::<f64>(), underlying.price.parse::<f64>()) {
            (Ok(x), Ok(y)) => x == y,
            _ => true,
        };
        if !same {
            warn(
                format!("assets[{a}].price"),
                format!("`{price}` differs from the spot price `{}` of the underlying `{id}`", underlying.price),
            );
        }
    }
    out
}

/// Builds the policy of a spec's text: its file's text (canonical, [`Policy::to_json`]) and the
/// validated policy.
pub fn build(text: &str) -> Result<(String, Policy), InputError> {
    check_size("policy spec", text.len(), MAX_SPEC_BYTES)?;
    let raw: RawSpec = parse_json(text)?;
    if raw.schema != SPEC_SCHEMA {
        return Err(InputError::new("schema", format!("is `{}`; expected `{SPEC_SCHEMA}`", raw.schema)));
    }
    let rate = number("interest_rate", &raw.interest_rate)?;
    let (moves, look_ahead) = match &raw.scenarios {
        RawScenarios::Span(s) => (
            span_moves(
                positive("scenarios.span.price_scan", &s.price_scan)?,
                number("scenarios.span.volatility_scan", &s.volatility_scan)?,
                positive("scenarios.span.extreme_multiple", &s.extreme_multiple)?,
                number("scenarios.span.extreme_cover", &s.extreme_cover)?,
            ),
            number_or("scenarios.span.look_ahead_days", s.look_ahead_days.as_deref(), 0.0)?,
        ),
        RawScenarios::Grid(g) => {
            let moves = g
                .moves
                .iter()
                .enumerate()
                .map(|(s, m)| {
                    let at = |f: &str| format!("scenarios.grid.moves[{s}].{f}");
                    let price = number(&at("price"), &m.price)?;
                    if price < -1.0 {
                        return Err(InputError::new(
                            at("price"),
                            format!("`{}` moves the price below 0; a move is at least -1 (to 0)", m.price),
                        ));
                    }
                    Ok(Move {
                        name: m.name.clone(),
                        price,
                        volatility: number(&at("volatility"), &m.volatility)?,
                        cover: number_or(&at("cover"), m.cover.as_deref(), 1.0)?,
                    })
                })
                .collect::<Result<Vec<_>, InputError>>()?;
            (moves, number_or("scenarios.grid.look_ahead_days", g.look_ahead_days.as_deref(), 0.0)?)
        }
    };
    let som_rate = number_or("short_option_minimum", raw.short_option_minimum.as_deref(), 0.0)?;
    let underlyings = raw
        .underlyings
        .iter()
        .enumerate()
        .map(|(u, x)| {
            let at = |f: &str| format!("underlyings[{u}].{f}");
            Ok((positive(&at("price"), &x.price)?, number(&at("volatility"), &x.volatility)?))
        })
        .collect::<Result<Vec<_>, InputError>>()?;

    let mut instruments = Vec::with_capacity(raw.instruments.len());
    for (i, inst) in raw.instruments.iter().enumerate() {
        let at = |f: &str| format!("instruments[{i}].{f}");
        let u = raw
            .underlyings
            .iter()
            .position(|x| x.id == inst.underlying)
            .ok_or_else(|| InputError::new(at("underlying"), format!("`{}` is not one of the spec's underlyings", inst.underlying)))?;
        let (price, volatility) = underlyings[u];
        let multiplier = inst.multiplier.as_deref().map(|m| positive(&at("multiplier"), m)).transpose()?.unwrap_or(1.0);
        let option = match inst.kind.as_str() {
            "spot" | "future" | "perpetual" => None,
            "call" | "put" => {
                let strike = positive(
                    &at("strike"),
                    inst.strike.as_deref().ok_or_else(|| InputError::new(at("strike"), "an option needs a strike"))?,
                )?;
                let expiry = inst.expiry.ok_or_else(|| InputError::new(at("expiry"), "an option needs an expiry (unix seconds)"))?;
                let model = match inst.model.as_deref().unwrap_or("black-scholes") {
                    "black-scholes" => Model::BlackScholes,
                    "black-76" => Model::Black76,
                    other => return Err(InputError::new(at("model"), format!("`{other}` is not `black-scholes` or `black-76`"))),
                };
                let right = if inst.kind == "call" { Right::Call } else { Right::Put };
                let years = expiry.saturating_sub(raw.effective_at) as f64 / SECONDS_PER_YEAR;
                Some((right, model, strike, years))
            }
            other => return Err(InputError::new(at("kind"), format!("`{other}` is not spot, future, perpetual, call or put"))),
        };
        if option.is_none() && (inst.strike.is_some() || inst.expiry.is_some() || inst.model.is_some()) {
            return Err(InputError::new(at("kind"), format!("`{}` takes no strike, expiry or model", inst.kind)));
        }
        let value = |p: f64, vol: f64, years: f64| -> (f64, f64) {
            match option {
                None => (p, 1.0),
                Some((right, model, strike, _)) => {
                    OptionInputs { right, model, price: p, strike, volatility: vol.max(0.0), rate, years }.value_and_delta()
                }
            }
        };
        let years = option.map_or(0.0, |o| o.3);
        let later = (years - look_ahead / 365.0).max(0.0);
        let (now, delta) = value(price, volatility, years);
        let losses: Vec<String> = moves
            .iter()
            .map(|m| {
                let (after, _) = value(price * (1.0 + m.price), volatility + m.volatility, later);
                decimal_text(&scaled((now - after) * multiplier * m.cover, AMOUNT_DIGITS, true), AMOUNT_DIGITS)
            })
            .collect();
        let som = if option.is_some() { scaled(som_rate * price * multiplier, AMOUNT_DIGITS, true) } else { BigInt::zero() };
        let mut object = serde_json::Map::new();
        object.insert("id".into(), inst.id.clone().into());
        object.insert("scenario_loss".into(), losses.into());
        object.insert("short_option_minimum".into(), decimal_text(&som, AMOUNT_DIGITS).into());
        object.insert("underlying".into(), inst.underlying.clone().into());
        object.insert("delta".into(), decimal_text(&scaled(delta * multiplier, AMOUNT_DIGITS, false), AMOUNT_DIGITS).into());
        if let Some(limit) = &inst.max_abs_position {
            object.insert("max_abs_position".into(), limit.clone().into());
        }
        if let Some(lp) = &inst.large_position {
            object.insert("large_position".into(), lp.clone());
        }
        instruments.push(Value::Object(object));
    }

    let mut policy = serde_json::Map::new();
    policy.insert("schema".into(), crate::policy::POLICY_SCHEMA_V2.into());
    policy.insert("id".into(), raw.id.into());
    policy.insert("effective_at".into(), raw.effective_at.into());
    policy.insert("expires_at".into(), raw.expires_at.into());
    policy.insert("scenarios".into(), moves.iter().map(|m| Value::from(m.name.clone())).collect::<Vec<_>>().into());
    policy.insert("assets".into(), raw.assets.into());
    let underlyings: Vec<Value> = raw
        .underlyings
        .iter()
        .map(|u| {
            let mut object = serde_json::Map::new();
            object.insert("id".into(), u.id.clone().into());
            if let Some(limit) = &u.max_net_delta {
                object.insert("max_net_delta".into(), limit.clone().into());
            }
            Value::Object(object)
        })
        .collect();
    policy.insert("underlyings".into(), underlyings.into());
    policy.insert("instruments".into(), instruments.into());
    policy.insert("thresholds".into(), raw.thresholds);
    if let Some(oracle) = raw.oracle {
        policy.insert("oracle".into(), oracle);
    }
    let text = serde_json::to_string(&Value::Object(policy)).expect("serialisable");
    let grid = matches!(raw.scenarios, RawScenarios::Grid(_));
    let policy = Policy::from_json(&text).map_err(|e| spec_error(e, grid))?;
    Ok((policy.to_json(), policy))
}

/// An error of the built policy as an error of the spec: a value the spec passes through (the
/// id and window, assets, thresholds, oracle, an underlying's or instrument's limits) is at the
/// same path in the spec, and a grid move's name is `scenarios.grid.moves[i].name`; the position
/// in the built text (`at line 1 column N`) means nothing to the user and is dropped. Anything
/// else the builder computed (a loss, a delta) is named as the built policy's.
fn spec_error(e: InputError, grid: bool) -> InputError {
    let message = match e.message.rfind(" at line ") {
        Some(at) if e.message[at..].contains(" column ") => e.message[..at].to_string(),
        _ => e.message.clone(),
    };
    let field = &e.field;
    let top = field.split(['.', '[']).next().unwrap_or_default();
    let instrument_field = field.strip_prefix("instruments[").and_then(|rest| rest.split_once("].")).map(|(_, f)| f);
    let passed_through =
        matches!(top, "schema" | "id" | "effective_at" | "expires_at" | "assets" | "thresholds" | "oracle" | "underlyings")
            || instrument_field
                .is_some_and(|f| ["id", "underlying", "max_abs_position", "large_position"].iter().any(|p| f.starts_with(p)));
    if passed_through {
        return InputError::new(field.clone(), message);
    }
    if let (true, Some(index)) = (grid, field.strip_prefix("scenarios[").and_then(|r| r.strip_suffix(']'))) {
        return InputError::new(format!("scenarios.grid.moves[{index}].name"), message);
    }
    InputError::new(format!("(built policy) {field}"), message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_exact_from_the_binary_value() {
        assert_eq!(scaled(0.1, 8, true), BigInt::from(10_000_001)); // 0.1 is a little above 0.1
        assert_eq!(scaled(0.1, 8, false), BigInt::from(10_000_000));
        assert_eq!(scaled(-0.1, 8, true), BigInt::from(-10_000_000));
        assert_eq!(scaled(0.5, 0, false), BigInt::from(1));
        assert_eq!(scaled(-0.5, 0, false), BigInt::from(-1));
        assert_eq!(scaled(3.0, 8, true), BigInt::from(300_000_000));
    }
}
