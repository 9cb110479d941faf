//! The figures of risk models v1 and v2 and their claims, computed exactly.
//!
//! Scales (fractional digits of each figure's mantissa): market values, debt, scenario losses,
//! scanning risk, short option minimum, the add-on and net deltas carry 16 (amount × price, or
//! position × delta); haircut collateral, equity, debt margin and the margin requirement carry 22
//! (a 6-digit weight or rate times 16).

use crate::decimal::{Decimal, AMOUNT_DIGITS, RATIO_SCALE};
use crate::policy::Policy;
use crate::portfolio::Portfolio;
use num_bigint::BigInt;
use num_traits::{Signed, Zero};

/// Fractional digits of values that are an amount times a price.
pub const VALUE_DIGITS: u32 = 16;
/// Fractional digits of values that also carry a weight or rate.
pub const WEIGHTED_DIGITS: u32 = 22;
/// Fractional digits of the two sides of the margin claim.
pub const MARGIN_CLAIM_DIGITS: u32 = 28;

/// One limit of risk model v2 and how far the portfolio is from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitCheck {
    /// The asset, instrument or underlying (index in the policy) the limit is for.
    pub index: usize,
    /// The limit minus what it limits (scale of the limit's kind); negative when it breaks.
    pub slack: Decimal,
    /// Whether the limit holds (`slack >= 0`).
    pub ok: bool,
}

/// The limits of risk model v2 (empty for a policy without them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitChecks {
    /// Concentration, per capped asset: `max_share * C - CV_a * 10^6` (28 digits).
    pub concentration: Vec<LimitCheck>,
    /// Position limits, per limited instrument: `max_abs_position - |q_i|` (8 digits).
    pub positions: Vec<LimitCheck>,
    /// Net delta limits, per limited underlying: `max_net_delta - |ND_u|` (16 digits).
    pub net_deltas: Vec<LimitCheck>,
}

impl LimitChecks {
    /// Whether every limit holds.
    pub fn ok(&self) -> bool {
        self.concentration.iter().chain(&self.positions).chain(&self.net_deltas).all(|c| c.ok)
    }
}

/// Every figure of the model for one portfolio under one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskReport {
    /// Market value `V_a` of each balance.
    pub market_values: Vec<Decimal>,
    /// Haircut value `CV_a` of each balance.
    pub haircut_values: Vec<Decimal>,
    /// `C`: haircut collateral.
    pub collateral_value: Decimal,
    /// `D`: debt at market prices.
    pub debt_value: Decimal,
    /// `E = C - D`: adjusted equity.
    pub equity: Decimal,
    /// `L_s` for each scenario.
    pub scenario_losses: Vec<Decimal>,
    /// `SR = max(0, max_s L_s)`.
    pub scanning_risk: Decimal,
    /// The first scenario with the largest loss.
    pub worst_scenario: usize,
    /// `SOM`: short option minimum.
    pub short_option_minimum: Decimal,
    /// `sum_a d_a * p_a * r_a`: margin on debts.
    pub debt_margin: Decimal,
    /// `add_on = sum_i max(0, |q_i| - threshold_i) * rate_i` (v2; 0 without add-ons).
    pub add_on: Decimal,
    /// `M = max(SR, SOM) + add_on + debt margin`.
    pub margin_requirement: Decimal,
    /// Net delta `ND_u = sum_{i of u} q_i * delta_i` per underlying (v2).
    pub net_deltas: Vec<Decimal>,
    /// The snapshot time it was computed for.
    pub snapshot_time: u64,
    /// Started hours between the oracle's `prices_at` (without an oracle, `effective_at`) and the
    /// snapshot.
    pub latency_hours: u64,
    /// `margin_ratio + buffer_per_hour * latency_hours` (6 digits): the margin claim's ratio.
    pub effective_margin_ratio: Decimal,
    /// `E * 10^6 - effective_margin_ratio * M`: the margin claim holds when this is not negative.
    pub margin_excess: Decimal,
    /// `C - collateral_ratio * D`: the collateral claim holds when this is not negative.
    pub collateral_excess: Decimal,
    /// Whether `E >= margin_ratio * M`.
    pub margin_ok: bool,
    /// Whether `C >= collateral_ratio * D`.
    pub collateral_ok: bool,
    /// The limits of risk model v2.
    pub limits: LimitChecks,
}

impl RiskReport {
    /// Whether every claim holds: margin, collateral and every limit.
    pub fn all_ok(&self) -> bool {
        self.margin_ok && self.collateral_ok && self.limits.ok()
    }
}

/// Started hours from `prices_at` to `time`: `ceil((time - prices_at) / 3600)`, 0 when `time`
/// is not later.
pub fn latency_hours(prices_at: u64, time: u64) -> u64 {
    time.saturating_sub(prices_at).div_ceil(3600)
}

/// The lower bound of tier `k` of an asset (`up_to_{k-1}`, 0 for the first) at 16 digits.
fn tier_floor(policy: &Policy, asset: usize, k: usize) -> BigInt {
    if k == 0 {
        BigInt::zero()
    } else {
        let up_to = policy.assets[asset].tiers[k - 1].up_to.expect("only the last tier is unbounded");
        BigInt::from(up_to) * crate::decimal::AMOUNT_SCALE
    }
}

/// `CV` of a market value (16 digits) under an asset's tiers, at 22 digits:
/// `sum_k weight_k * clamp(V - up_to_{k-1}, 0, up_to_k - up_to_{k-1})`.
pub fn haircut_value(policy: &Policy, asset: usize, market_value: &BigInt) -> BigInt {
    let tiers = &policy.assets[asset].tiers;
    let mut total = BigInt::zero();
    for (k, tier) in tiers.iter().enumerate() {
        let floor = tier_floor(policy, asset, k);
        let above = market_value - &floor;
        if !above.is_positive() {
            break;
        }
        let counted = match tier.up_to {
            Some(up_to) => above.min(BigInt::from(up_to) * crate::decimal::AMOUNT_SCALE - &floor),
            None => above,
        };
        total += counted * tier.weight;
    }
    total
}

/// Computes every figure and claim for `portfolio` under `policy`, for a snapshot at
/// `snapshot_time` (unix seconds; it sets the oracle-latency buffer).
pub fn evaluate(policy: &Policy, portfolio: &Portfolio, snapshot_time: u64) -> RiskReport {
    let ratio_scale = BigInt::from(RATIO_SCALE);
    let mut market_values = Vec::new();
    let mut haircut_values = Vec::new();
    let mut collateral = BigInt::zero();
    let mut debt = BigInt::zero();
    let mut debt_margin = BigInt::zero();
    for (a, asset) in policy.assets.iter().enumerate() {
        let value = BigInt::from(portfolio.balances[a]) * asset.price;
        let haircut = haircut_value(policy, a, &value);
        collateral += &haircut;
        let debt_value = BigInt::from(portfolio.debts[a]) * asset.price;
        debt_margin += &debt_value * asset.debt_margin_rate;
        debt += debt_value;
        market_values.push(Decimal::new(value, VALUE_DIGITS));
        haircut_values.push(Decimal::new(haircut, WEIGHTED_DIGITS));
    }
    let scenario_losses: Vec<BigInt> = (0..policy.scenarios.len())
        .map(|s| policy.instruments.iter().zip(&portfolio.positions).map(|(inst, q)| BigInt::from(*q) * inst.scenario_loss[s]).sum())
        .collect();
    let mut worst_scenario = 0;
    for (s, loss) in scenario_losses.iter().enumerate() {
        if *loss > scenario_losses[worst_scenario] {
            worst_scenario = s;
        }
    }
    let scanning_risk = scenario_losses[worst_scenario].clone().max(BigInt::zero());
    let short_option_minimum: BigInt = policy
        .instruments
        .iter()
        .zip(&portfolio.positions)
        .filter(|(_, q)| **q < 0)
        .map(|(inst, q)| BigInt::from(-*q) * inst.short_option_minimum)
        .sum();
    let add_on: BigInt = policy
        .instruments
        .iter()
        .zip(&portfolio.positions)
        .filter_map(|(inst, q)| inst.limits.large_position.map(|lp| BigInt::from((q.abs() - lp.threshold).max(0)) * lp.rate))
        .sum();
    let net_deltas: Vec<BigInt> = (0..policy.underlyings.len())
        .map(|u| {
            policy
                .instruments
                .iter()
                .zip(&portfolio.positions)
                .filter(|(inst, _)| inst.limits.underlying == Some(u))
                .map(|(inst, q)| BigInt::from(*q) * inst.limits.delta)
                .sum()
        })
        .collect();
    // Without an oracle the prices are as of effective_at and the buffer is 0.
    let (prices_at, buffer_per_hour) = policy.oracle.map_or((policy.effective_at, 0), |o| (o.prices_at, o.buffer_per_hour));
    let latency_hours = latency_hours(prices_at, snapshot_time);
    let effective_margin_ratio = policy.margin_ratio + buffer_per_hour * i128::from(latency_hours);
    let margin_requirement = (scanning_risk.clone().max(short_option_minimum.clone()) + &add_on) * &ratio_scale + &debt_margin;
    let equity = &collateral - &debt * &ratio_scale;
    let margin_excess = &equity * &ratio_scale - &margin_requirement * effective_margin_ratio;
    let collateral_excess = &collateral - &debt * policy.collateral_ratio;
    let check =
        |index: usize, slack: BigInt, digits: u32| LimitCheck { index, ok: !slack.is_negative(), slack: Decimal::new(slack, digits) };
    let limits = LimitChecks {
        concentration: policy
            .assets
            .iter()
            .enumerate()
            .filter_map(|(a, asset)| {
                asset.max_share.map(|share| check(a, &collateral * share - &haircut_values[a].mantissa * &ratio_scale, MARGIN_CLAIM_DIGITS))
            })
            .collect(),
        positions: policy
            .instruments
            .iter()
            .enumerate()
            .filter_map(|(i, inst)| {
                inst.limits.max_abs_position.map(|limit| check(i, BigInt::from(limit - portfolio.positions[i].abs()), AMOUNT_DIGITS))
            })
            .collect(),
        net_deltas: policy
            .underlyings
            .iter()
            .enumerate()
            .filter_map(|(u, underlying)| {
                underlying
                    .max_net_delta
                    .map(|limit| check(u, BigInt::from(limit) * crate::decimal::AMOUNT_SCALE - net_deltas[u].abs(), VALUE_DIGITS))
            })
            .collect(),
    };
    RiskReport {
        market_values,
        haircut_values,
        collateral_value: Decimal::new(collateral, WEIGHTED_DIGITS),
        debt_value: Decimal::new(debt, VALUE_DIGITS),
        equity: Decimal::new(equity, WEIGHTED_DIGITS),
        scenario_losses: scenario_losses.into_iter().map(|l| Decimal::new(l, VALUE_DIGITS)).collect(),
        scanning_risk: Decimal::new(scanning_risk, VALUE_DIGITS),
        worst_scenario,
        short_option_minimum: Decimal::new(short_option_minimum, VALUE_DIGITS),
        debt_margin: Decimal::new(debt_margin, WEIGHTED_DIGITS),
        add_on: Decimal::new(add_on, VALUE_DIGITS),
        margin_requirement: Decimal::new(margin_requirement, WEIGHTED_DIGITS),
        net_deltas: net_deltas.into_iter().map(|d| Decimal::new(d, VALUE_DIGITS)).collect(),
        snapshot_time,
        latency_hours,
        effective_margin_ratio: Decimal::new(effective_margin_ratio, crate::decimal::RATIO_DIGITS),
        margin_ok: !margin_excess.is_negative(),
        collateral_ok: !collateral_excess.is_negative(),
        margin_excess: Decimal::new(margin_excess, MARGIN_CLAIM_DIGITS),
        collateral_excess: Decimal::new(collateral_excess, WEIGHTED_DIGITS),
        limits,
    }
}
