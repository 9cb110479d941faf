//! The figures of risk model v1 and its two claims, computed exactly.
//!
//! Scales (fractional digits of each figure's mantissa): market values, debt, scenario losses,
//! scanning risk and short option minimum carry 16 (amount × price); haircut collateral, equity,
//! debt margin and the margin requirement carry 22 (a 6-digit weight or rate times 16).

use crate::decimal::{Decimal, RATIO_SCALE};
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
    /// `M = max(SR, SOM) + debt margin`.
    pub margin_requirement: Decimal,
    /// `E - margin_ratio * M`: the margin claim holds when this is not negative.
    pub margin_excess: Decimal,
    /// `C - collateral_ratio * D`: the collateral claim holds when this is not negative.
    pub collateral_excess: Decimal,
    /// Whether `E >= margin_ratio * M`.
    pub margin_ok: bool,
    /// Whether `C >= collateral_ratio * D`.
    pub collateral_ok: bool,
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

/// Computes every figure and both claims for `portfolio` under `policy`.
pub fn evaluate(policy: &Policy, portfolio: &Portfolio) -> RiskReport {
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
    let margin_requirement = scanning_risk.clone().max(short_option_minimum.clone()) * &ratio_scale + &debt_margin;
    let equity = &collateral - &debt * &ratio_scale;
    let margin_excess = &equity * &ratio_scale - &margin_requirement * policy.margin_ratio;
    let collateral_excess = &collateral - &debt * policy.collateral_ratio;
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
        margin_requirement: Decimal::new(margin_requirement, WEIGHTED_DIGITS),
        margin_ok: !margin_excess.is_negative(),
        collateral_ok: !collateral_excess.is_negative(),
        margin_excess: Decimal::new(margin_excess, MARGIN_CLAIM_DIGITS),
        collateral_excess: Decimal::new(collateral_excess, WEIGHTED_DIGITS),
    }
}
