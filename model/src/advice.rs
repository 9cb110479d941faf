//! What a failing claim is short of, and what would fix it, with every broken limit of risk
//! model v2 and its fix, computed exactly with the model's own formulas (`docs/design.md` §2.2).
//! Amounts are rounded up to the amount scale, so a stated amount always suffices and one unit
//! less does not.
//!
//! The fixes compose: the limit fixes (reduce a position to its limit, trade an instrument of an
//! underlying to bring its net delta inside its limit) come first; a claim's deposit or
//! repayment is then the smallest that makes *every* claim and concentration cap hold on the
//! portfolio after them (a deposit raises the deposited asset's share of `C`, so it is refused
//! where it would break that asset's cap).

use crate::decimal::{Decimal, AMOUNT_SCALE, MAGNITUDE_LIMIT, RATIO_SCALE};
use crate::policy::Policy;
use crate::portfolio::Portfolio;
use crate::risk::{evaluate, haircut_value, RiskReport, MARGIN_CLAIM_DIGITS, VALUE_DIGITS, WEIGHTED_DIGITS};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, Zero};

/// One of the two claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// `E >= margin_ratio x M`.
    Margin,
    /// `C >= collateral_ratio x D`.
    Collateral,
}

/// One way to make what fails hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Deposit `amount` of the asset (its market value is `value`).
    Deposit {
        /// The asset's index in the policy.
        asset: usize,
        /// The amount, 8 fractional digits, rounded up.
        amount: Decimal,
        /// Its market value.
        value: Decimal,
    },
    /// Repay `amount` of the asset's debt from outside funds (worth `value`).
    Repay {
        /// The asset's index in the policy.
        asset: usize,
        /// The amount, 8 fractional digits, rounded up.
        amount: Decimal,
        /// Its market value.
        value: Decimal,
    },
    /// Reduce the position in the instrument toward 0 by `amount` (to its limit).
    ReducePosition {
        /// The instrument's index in the policy.
        instrument: usize,
        /// The amount, 8 fractional digits.
        amount: Decimal,
    },
    /// Trade `amount` of the instrument (negative: sell) to bring the underlying's net delta
    /// inside its limit; `delta` is the change of the net delta (16 digits).
    Hedge {
        /// The underlying's index in the policy.
        underlying: usize,
        /// The instrument traded (one of the underlying's).
        instrument: usize,
        /// The signed amount, 8 fractional digits, rounded away from 0.
        amount: Decimal,
        /// `amount x delta_i`.
        delta: Decimal,
    },
}

/// A limit of risk model v2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// An asset's concentration cap.
    Concentration,
    /// An instrument's position limit.
    Position,
    /// An underlying's net delta limit.
    NetDelta,
}

/// A broken limit and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    /// The kind of limit.
    pub limit: Limit,
    /// The asset, instrument or underlying.
    pub index: usize,
    /// How far over it is (the negated slack, at the limit's digits).
    pub over_by: Decimal,
    /// The fix: a position reduced, a hedge, or (a cap) the smallest deposit of another asset
    /// that makes every claim and cap hold; none when nothing of that kind can.
    pub fix: Option<Fix>,
}

/// A failing claim: by how much, the ratio reached, and the cheapest fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortfall {
    /// The claim.
    pub claim: Claim,
    /// How much more the left side needs (equity for margin, haircut collateral for collateral),
    /// in the policy's value units.
    pub short_by: Decimal,
    /// The ratio reached (`E / M` or `C / D`, 6 digits, rounded down), when the divisor is positive.
    pub ratio: Option<Decimal>,
    /// The ratio the claim applies: the policy's threshold (for the margin claim raised by the
    /// latency buffer, `margin_ratio + buffer_per_hour x h`).
    pub threshold: Decimal,
    /// The deposit with the smallest market value that, after the limit fixes, makes every
    /// claim and cap hold, if one asset can.
    pub deposit: Option<Fix>,
    /// The repayment with the smallest market value that does, if one debt can.
    pub repay: Option<Fix>,
    /// The limit fixes alone make every claim hold (so no deposit or repayment is needed).
    pub fixed_by_limits: bool,
}

/// What fails and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// The broken limits, with their fixes (applied first).
    pub breaches: Vec<Breach>,
    /// The failing claims.
    pub shortfalls: Vec<Shortfall>,
}

/// The failing claims of `report` (none when both hold), with their fixes.
pub fn shortfalls(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> Vec<Shortfall> {
    advise(policy, portfolio, report).shortfalls
}

/// The broken limits and the failing claims of `report`, with their fixes.
pub fn advise(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> Advice {
    let mut breaches = Vec::new();
    let mut fixed = portfolio.clone();
    for check in report.limits.positions.iter().filter(|c| !c.ok) {
        let i = check.index;
        let limit = policy.instruments[i].limits.max_abs_position.expect("a limited instrument");
        let fix = Fix::ReducePosition { instrument: i, amount: Decimal::new(fixed.positions[i].abs() - limit, 8) };
        fixed.positions[i] = fixed.positions[i].signum() * limit;
        breaches.push(Breach { limit: Limit::Position, index: i, over_by: negated(&check.slack), fix: Some(fix) });
    }
    for check in report.limits.net_deltas.iter().filter(|c| !c.ok) {
        let fix = hedge(policy, &fixed, check.index);
        if let Some(Fix::Hedge { instrument, amount, .. }) = &fix {
            fixed.positions[*instrument] += i128::try_from(&amount.mantissa).expect("a position");
        }
        breaches.push(Breach { limit: Limit::NetDelta, index: check.index, over_by: negated(&check.slack), fix });
    }
    // The claims' and caps' fixes on the portfolio after the limit fixes.
    let after = if fixed == *portfolio { report.clone() } else { evaluate(policy, &fixed, report.snapshot_time) };
    let base = Baseline::of(policy, &after);
    let deposit = best_deposit(policy, &fixed, &base);
    for check in report.limits.concentration.iter().filter(|c| !c.ok) {
        let fix = deposit.clone().filter(|d| matches!(d, Fix::Deposit { asset, .. } if *asset != check.index));
        breaches.push(Breach { limit: Limit::Concentration, index: check.index, over_by: negated(&check.slack), fix });
    }
    let fixed_by_limits = base.all_hold();
    let repay = if fixed_by_limits { None } else { best_repay(policy, &fixed, &base) };
    let deposit = if fixed_by_limits { None } else { deposit };
    let shortfall = |claim, short_by, ratio, threshold| Shortfall {
        claim,
        short_by,
        ratio,
        threshold,
        deposit: deposit.clone(),
        repay: repay.clone(),
        fixed_by_limits,
    };
    let mut shortfalls = Vec::new();
    if !report.margin_ok {
        let missing = -&report.margin_excess.mantissa;
        shortfalls.push(shortfall(
            Claim::Margin,
            Decimal::new(missing, MARGIN_CLAIM_DIGITS),
            ratio(&report.equity, &report.margin_requirement),
            report.effective_margin_ratio.clone(),
        ));
    }
    if !report.collateral_ok {
        let missing = -&report.collateral_excess.mantissa;
        shortfalls.push(shortfall(
            Claim::Collateral,
            Decimal::new(missing, WEIGHTED_DIGITS),
            ratio(&report.collateral_value, &report.debt_value),
            Decimal::new(policy.collateral_ratio, 6),
        ));
    }
    Advice { breaches, shortfalls }
}

fn negated(slack: &Decimal) -> Decimal {
    Decimal::new(-&slack.mantissa, slack.digits)
}

fn ceil_div(a: &BigInt, b: &BigInt) -> BigInt {
    a.div_ceil(b)
}

/// `numerator / denominator` at 6 digits, rounded down; `None` when the denominator is not positive.
fn ratio(numerator: &Decimal, denominator: &Decimal) -> Option<Decimal> {
    if !denominator.mantissa.is_positive() {
        return None;
    }
    // Both at their own digits: scale to a common base.
    let n = &numerator.mantissa * BigInt::from(10u32).pow(denominator.digits) * RATIO_SCALE;
    let d = &denominator.mantissa * BigInt::from(10u32).pow(numerator.digits);
    Some(Decimal::new(n.div_floor(&d), 6))
}

/// The trade of one instrument of underlying `u` with the smallest amount that brings `u`'s net
/// delta inside its limit without breaking the instrument's position limit.
fn hedge(policy: &Policy, portfolio: &Portfolio, u: usize) -> Option<Fix> {
    let limit = BigInt::from(policy.underlyings[u].max_net_delta.expect("a limited underlying")) * AMOUNT_SCALE;
    let net: BigInt = policy
        .instruments
        .iter()
        .zip(&portfolio.positions)
        .filter(|(inst, _)| inst.limits.underlying == Some(u))
        .map(|(inst, q)| BigInt::from(*q) * inst.limits.delta)
        .sum();
    let over = net.abs() - &limit;
    let mut best: Option<(BigInt, Fix)> = None;
    for (i, inst) in policy.instruments.iter().enumerate() {
        let delta = BigInt::from(inst.limits.delta);
        if inst.limits.underlying != Some(u) || delta.is_zero() {
            continue;
        }
        let units = ceil_div(&over, &delta.abs());
        // Against the net delta's sign.
        let signed = if net.is_positive() == delta.is_positive() { -&units } else { units.clone() };
        let change = &signed * &delta;
        let Ok(trade) = i128::try_from(&signed) else { continue };
        let position = portfolio.positions[i] + trade;
        let within_position = inst.limits.max_abs_position.is_none_or(|l| position.abs() <= l);
        if !within_position || (&net + &change).abs() > limit || position.abs() >= MAGNITUDE_LIMIT * AMOUNT_SCALE {
            continue;
        }
        if best.as_ref().is_none_or(|(u, _)| units < *u) {
            let fix =
                Fix::Hedge { underlying: u, instrument: i, amount: Decimal::new(signed, 8), delta: Decimal::new(change, VALUE_DIGITS) };
            best = Some((units, fix));
        }
    }
    best.map(|(_, fix)| fix)
}

/// The claims' excesses and the caps' slacks of a report, from which those after a deposit or a
/// repayment follow exactly (a deposit changes only `CV_a`, `C` and `E`; a repayment `D`, `E`
/// and `M`).
struct Baseline {
    /// `E 10^6 - mr' M` (28 digits).
    margin_excess: BigInt,
    /// `C - cr D` (22 digits).
    collateral_excess: BigInt,
    /// `mr'` (6 digits).
    margin_ratio: BigInt,
    /// Each capped asset: its index, `max_share` (6 digits) and slack `max_share C - CV_a 10^6`.
    caps: Vec<(usize, BigInt, BigInt)>,
}

impl Baseline {
    fn of(policy: &Policy, report: &RiskReport) -> Baseline {
        let caps = report
            .limits
            .concentration
            .iter()
            .map(|c| (c.index, BigInt::from(policy.assets[c.index].max_share.expect("a capped asset")), c.slack.mantissa.clone()))
            .collect();
        Baseline {
            margin_excess: report.margin_excess.mantissa.clone(),
            collateral_excess: report.collateral_excess.mantissa.clone(),
            margin_ratio: report.effective_margin_ratio.mantissa.clone(),
            caps,
        }
    }

    fn all_hold(&self) -> bool {
        !self.margin_excess.is_negative() && !self.collateral_excess.is_negative() && self.caps.iter().all(|(_, _, s)| !s.is_negative())
    }

    /// After a deposit of asset `a` raising its haircut value by `gain` (22 digits): whether the
    /// claims and the other assets' caps hold (each rises with the gain), and whether `a`'s own
    /// cap holds (it falls).
    fn after_deposit(&self, a: usize, gain: &BigInt) -> (bool, bool) {
        let scale = BigInt::from(RATIO_SCALE);
        let claims = !(&self.margin_excess + gain * &scale).is_negative() && !(&self.collateral_excess + gain).is_negative();
        let others = self.caps.iter().filter(|(b, _, _)| *b != a).all(|(_, share, slack)| !(slack + share * gain).is_negative());
        let own =
            self.caps.iter().filter(|(b, _, _)| *b == a).all(|(_, share, slack)| !(slack + share * gain - gain * &scale).is_negative());
        (claims && others, own)
    }
}

/// The market value (16 digits) of `units` (8 digits) of asset `a`.
fn value_of(policy: &Policy, a: usize, units: &BigInt) -> BigInt {
    units * policy.assets[a].price
}

/// The deposit of one asset with the smallest market value after which every claim and cap holds.
fn best_deposit(policy: &Policy, portfolio: &Portfolio, base: &Baseline) -> Option<Fix> {
    if base.all_hold() {
        return None;
    }
    let limit = BigInt::from(MAGNITUDE_LIMIT * AMOUNT_SCALE - 1);
    let mut best: Option<(BigInt, Fix)> = None;
    for a in 0..policy.assets.len() {
        let held = BigInt::from(portfolio.balances[a]);
        let before = haircut_value(policy, a, &value_of(policy, a, &held));
        let gain = |units: &BigInt| haircut_value(policy, a, &value_of(policy, a, &(&held + units))) - &before;
        let room = &limit - &held;
        if !room.is_positive() || !base.after_deposit(a, &gain(&room)).0 {
            continue;
        }
        // The smallest amount after which the claims and the other caps hold (they rise with
        // the amount); then the asset's own cap must still hold.
        let (mut low, mut high) = (BigInt::zero(), room);
        while &high - &low > BigInt::from(1) {
            let mid: BigInt = (&low + &high) / 2;
            if base.after_deposit(a, &gain(&mid)).0 {
                high = mid;
            } else {
                low = mid;
            }
        }
        if !base.after_deposit(a, &gain(&high)).1 {
            continue;
        }
        let value = value_of(policy, a, &high);
        if best.as_ref().is_none_or(|(v, _)| value < *v) {
            let fix = Fix::Deposit { asset: a, amount: Decimal::new(high.clone(), 8), value: Decimal::new(value.clone(), VALUE_DIGITS) };
            best = Some((value, fix));
        }
    }
    best.map(|(_, fix)| fix)
}

/// The repayment of one debt with the smallest market value after which both claims hold (the
/// caps must hold already: a repayment leaves `C` unchanged).
fn best_repay(policy: &Policy, portfolio: &Portfolio, base: &Baseline) -> Option<Fix> {
    if base.caps.iter().any(|(_, _, slack)| slack.is_negative()) {
        return None;
    }
    let mut best: Option<(BigInt, Fix)> = None;
    for (a, asset) in policy.assets.iter().enumerate() {
        let owed = BigInt::from(portfolio.debts[a]);
        if !owed.is_positive() || asset.price == 0 {
            continue;
        }
        // Repaying u units raises the margin excess by u p (10^12 + rate x mr') (E rises by u p,
        // M falls by u p rate) and the collateral excess by u p cr (D falls by u p).
        let price = BigInt::from(asset.price);
        let margin_per_unit =
            &price * (BigInt::from(RATIO_SCALE * RATIO_SCALE) + BigInt::from(asset.debt_margin_rate) * &base.margin_ratio);
        let collateral_per_unit = &price * policy.collateral_ratio;
        let needed = |missing: &BigInt, per_unit: &BigInt| match (missing.is_positive(), per_unit.is_positive()) {
            (false, _) => Some(BigInt::zero()),
            (true, true) => Some(ceil_div(missing, per_unit)),
            (true, false) => None,
        };
        let (Some(for_margin), Some(for_collateral)) =
            (needed(&-&base.margin_excess, &margin_per_unit), needed(&-&base.collateral_excess, &collateral_per_unit))
        else {
            continue;
        };
        let amount = for_margin.max(for_collateral).max(BigInt::from(1));
        if amount > owed {
            continue;
        }
        let value = value_of(policy, a, &amount);
        if best.as_ref().is_none_or(|(v, _)| value < *v) {
            let fix = Fix::Repay { asset: a, amount: Decimal::new(amount, 8), value: Decimal::new(value.clone(), VALUE_DIGITS) };
            best = Some((value, fix));
        }
    }
    best.map(|(_, fix)| fix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy::from_json(
            r#"{"schema":"solvent/policy/v1","id":"t","effective_at":0,"expires_at":10,"scenarios":["down"],
            "assets":[{"id":"USD","price":"1","haircut_tiers":[{"up_to":"1000","weight":"1"},{"up_to":null,"weight":"0.5"}],"debt_margin_rate":"0.1"},
                      {"id":"BTC","price":"100","haircut_tiers":[{"up_to":null,"weight":"0.8"}],"debt_margin_rate":"0"}],
            "instruments":[{"id":"PERP","scenario_loss":["10"],"short_option_minimum":"0"}],
            "thresholds":{"margin_ratio":"1.5","collateral_ratio":"1.2"}}"#,
        )
        .unwrap()
    }

    fn portfolio(policy: &Policy, usd: &str, usd_debt: &str, perp: &str) -> Portfolio {
        let text = format!(
            r#"{{"schema":"solvent/portfolio/v1","account":"0x{}","balances":{{"USD":"{usd}"}},"debts":{{"USD":"{usd_debt}"}},"positions":{{"PERP":"{perp}"}}}}"#,
            "11".repeat(20)
        );
        Portfolio::from_json(&text, policy).unwrap().0
    }

    /// Applies a fix to the portfolio.
    fn apply(portfolio: &Portfolio, fix: &Fix) -> Portfolio {
        let mut p = portfolio.clone();
        let units = |d: &Decimal| i128::try_from(&d.mantissa).unwrap();
        match fix {
            Fix::Deposit { asset, amount, .. } => p.balances[*asset] += units(amount),
            Fix::Repay { asset, amount, .. } => p.debts[*asset] -= units(amount),
            Fix::ReducePosition { instrument, amount } => p.positions[*instrument] -= p.positions[*instrument].signum() * units(amount),
            Fix::Hedge { instrument, amount, .. } => p.positions[*instrument] += units(amount),
        }
        p
    }

    /// The fix with its amount one unit (`10^-8`) closer to 0.
    fn less_one_unit(fix: &Fix) -> Fix {
        let mut fix = fix.clone();
        match &mut fix {
            Fix::Deposit { amount, .. } | Fix::Repay { amount, .. } | Fix::ReducePosition { amount, .. } => amount.mantissa -= 1,
            Fix::Hedge { amount, .. } => amount.mantissa -= amount.mantissa.signum(),
        }
        fix
    }

    /// The test policy as v2 with a latency buffer of 0.05 per hour, prices observed at 0: at
    /// time 5 the margin claim applies 1.5 + 0.05 x 1 = 1.55.
    fn buffered_policy() -> Policy {
        let p = policy();
        let text = p.to_json().replace("solvent/policy/v1", "solvent/policy/v2");
        let text = text.trim_end().trim_end_matches('}').to_string() + r#","oracle":{"prices_at":0,"buffer_per_hour":"0.05"}}"#;
        Policy::from_json(&text).unwrap()
    }

    #[test]
    fn a_repayment_under_a_latency_buffer_is_the_smallest_at_the_ratio_applied() {
        // USD debt 300 (margin rate 0.1), no balance beyond 1000 at weight 1, PERP 50 (loss 500):
        // the repayment must cover the buffered ratio, not the base one.
        let p = buffered_policy();
        let w = portfolio(&p, "1000", "300", "50");
        let r = evaluate(&p, &w, 5);
        assert_eq!(r.effective_margin_ratio.to_string(), "1.55");
        let s = shortfalls(&p, &w, &r).into_iter().find(|s| s.claim == Claim::Margin).unwrap();
        assert_eq!(s.threshold.to_string(), "1.55", "the threshold reported is the ratio applied");
        let repay = s.repay.clone().expect("a repayment fixes it");
        assert!(evaluate(&p, &apply(&w, &repay), 5).margin_ok);
        assert!(!evaluate(&p, &apply(&w, &less_one_unit(&repay)), 5).margin_ok, "{repay:?} is more than needed");
    }

    #[test]
    fn each_fix_is_the_smallest_that_makes_every_claim_hold() {
        for (p, time) in [(policy(), 0), (buffered_policy(), 5)] {
            // Margin fails in each; collateral also fails in the last.
            for (usd, debt, perp) in [("1000", "300", "50"), ("1200", "900", "20"), ("10", "600", "0")] {
                let w = portfolio(&p, usd, debt, perp);
                let r = evaluate(&p, &w, time);
                let failing = shortfalls(&p, &w, &r);
                assert_eq!(failing.len(), usize::from(!r.margin_ok) + usize::from(!r.collateral_ok));
                assert!(!failing.is_empty(), "{usd} {debt} {perp}: both claims hold");
                let holds = |q: &Portfolio| evaluate(&p, q, time).all_ok();
                for s in failing {
                    for fix in [&s.deposit, &s.repay].into_iter().flatten() {
                        assert!(holds(&apply(&w, fix)), "{fix:?} does not fix {:?}", s.claim);
                        assert!(!holds(&apply(&w, &less_one_unit(fix))), "{fix:?} is not the smallest fix of {:?}", s.claim);
                    }
                    assert!(s.deposit.is_some());
                }
            }
        }
    }

    /// The SPAN policy with every limit of risk model v2 (caps 0.5 and 0.7, BTC's net delta
    /// within 5, position limits 10 and 3, add-ons, a latency buffer of 0.01 per hour).
    fn limits_policy() -> Policy {
        Policy::from_json(include_str!("../tests/vectors/span-policy-v2.json")).unwrap()
    }

    fn limits_portfolio(policy: &Policy, usdc: &str, btc: &str, debt: &str, perp: &str, call: &str) -> Portfolio {
        let text = format!(
            r#"{{"schema":"solvent/portfolio/v1","account":"0x{}","balances":{{"USDC":"{usdc}","BTC":"{btc}"}},"debts":{{"USDC":"{debt}"}},"positions":{{"BTC-PERP":"{perp}","BTC-C-25000":"{call}"}}}}"#,
            "11".repeat(20)
        );
        Portfolio::from_json(&text, policy).unwrap().0
    }

    #[test]
    fn under_every_limit_each_fix_holds_and_one_unit_less_fails() {
        let p = limits_policy();
        let time = 150;
        let (mut reductions, mut hedges, mut deposits, mut repays, mut cap_refused) = (0, 0, 0, 0, 0);
        for usdc in ["0", "20000", "200000"] {
            for btc in ["0", "1", "6", "20"] {
                for debt in ["0", "10000", "150000", "400000"] {
                    for (perp, call) in [("1", "-2"), ("-12", "3.5"), ("8", "-2"), ("4", "-4"), ("-6", "1")] {
                        let w = limits_portfolio(&p, usdc, btc, debt, perp, call);
                        let r = evaluate(&p, &w, time);
                        let case = format!("USDC {usdc}, BTC {btc}, debt {debt}, PERP {perp}, call {call}");
                        let advice = advise(&p, &w, &r);
                        assert_eq!(
                            advice.breaches.len(),
                            r.limits.concentration.iter().chain(&r.limits.positions).chain(&r.limits.net_deltas).filter(|c| !c.ok).count()
                        );
                        // The limit fixes: each makes its limit hold, one unit less does not.
                        let mut fixed = w.clone();
                        for breach in &advice.breaches {
                            let Some(fix) = &breach.fix else { continue };
                            let slack = |q: &Portfolio| {
                                let r = evaluate(&p, q, time);
                                let checks = match breach.limit {
                                    Limit::Position => r.limits.positions,
                                    Limit::NetDelta => r.limits.net_deltas,
                                    Limit::Concentration => r.limits.concentration,
                                };
                                checks.into_iter().find(|c| c.index == breach.index).unwrap().ok
                            };
                            match fix {
                                Fix::ReducePosition { .. } => reductions += 1,
                                Fix::Hedge { .. } => hedges += 1,
                                _ => continue,
                            }
                            assert!(slack(&apply(&fixed, fix)), "{case}: {fix:?}");
                            assert!(!slack(&apply(&fixed, &less_one_unit(fix))), "{case}: {fix:?} is more than needed");
                            fixed = apply(&fixed, fix);
                        }
                        // Then each claim fix makes everything hold, one unit less does not.
                        let holds = |q: &Portfolio| evaluate(&p, q, time).all_ok();
                        for s in &advice.shortfalls {
                            if s.fixed_by_limits {
                                assert!(holds(&fixed), "{case}");
                            }
                            for fix in [&s.deposit, &s.repay].into_iter().flatten() {
                                match fix {
                                    Fix::Deposit { .. } => deposits += 1,
                                    _ => repays += 1,
                                }
                                assert!(holds(&apply(&fixed, fix)), "{case}: {fix:?} does not make every claim and limit hold");
                                assert!(!holds(&apply(&fixed, &less_one_unit(fix))), "{case}: {fix:?} is more than needed");
                            }
                            // USDC counts at weight 1, the cheapest deposit, unless it breaks USDC's cap.
                            if let Some(Fix::Deposit { asset: 1, amount, .. }) = &s.deposit {
                                let usdc =
                                    Fix::Deposit { asset: 0, amount: Decimal::new(&amount.mantissa * 20000, 8), value: amount.clone() };
                                if !holds(&apply(&fixed, &usdc)) {
                                    cap_refused += 1;
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(reductions > 0 && hedges > 0 && deposits > 0 && repays > 0, "{reductions} {hedges} {deposits} {repays}");
        assert!(cap_refused > 0, "a case where the cheapest deposit would break its cap");
    }

    #[test]
    fn ratios_reached_are_rounded_down() {
        let p = policy();
        let w = portfolio(&p, "10", "600", "0");
        let r = evaluate(&p, &w, 0);
        let s = shortfalls(&p, &w, &r);
        let collateral = s.iter().find(|s| s.claim == Claim::Collateral).unwrap();
        // C = 10, D = 600: 0.016666.. -> 0.016666.
        assert_eq!(collateral.ratio.as_ref().unwrap().to_string(), "0.016666");
        assert_eq!(collateral.threshold.to_string(), "1.2");
        assert_eq!(collateral.short_by.to_string(), "710");
    }
}
