//! What a failing claim is short of, and what would fix it: the smallest deposit of one asset,
//! or the smallest repayment of one debt, that makes the claim hold, computed exactly with the
//! model's own formulas (`docs/design.md` §2.4). Rounded up to the amount scale, so the stated
//! amount always suffices.

use crate::decimal::{Decimal, AMOUNT_SCALE, MAGNITUDE_LIMIT, RATIO_SCALE};
use crate::policy::Policy;
use crate::portfolio::Portfolio;
use crate::risk::{haircut_value, RiskReport, MARGIN_CLAIM_DIGITS, VALUE_DIGITS, WEIGHTED_DIGITS};
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

/// One way to make a failing claim hold, all else unchanged.
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
    /// The deposit with the smallest market value that fixes it, if any asset can.
    pub deposit: Option<Fix>,
    /// The repayment with the smallest market value that fixes it, if any debt can.
    pub repay: Option<Fix>,
}

/// The failing claims of `report` (none when both hold).
pub fn shortfalls(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> Vec<Shortfall> {
    let mut out = Vec::new();
    if !report.margin_ok {
        out.push(margin_shortfall(policy, portfolio, report));
    }
    if !report.collateral_ok {
        out.push(collateral_shortfall(policy, portfolio, report));
    }
    out
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

fn margin_shortfall(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> Shortfall {
    // Missing margin excess at 28 digits; equity needed at 22 digits (rounded up).
    let missing = -&report.margin_excess.mantissa;
    let equity_needed = ceil_div(&missing, &BigInt::from(RATIO_SCALE));
    // The ratio the claim applies: the margin ratio, raised by the latency buffer (§2.1).
    let applied = &report.effective_margin_ratio.mantissa;
    let repay = best_repay(policy, portfolio, |a| {
        // Repaying u units of asset a raises E by u p 10^6 and lowers M by u p rate (22 digits):
        // the excess (28 digits) rises by u p (10^12 + rate x mr').
        let per_unit = BigInt::from(policy.assets[a].price)
            * (BigInt::from(RATIO_SCALE * RATIO_SCALE) + BigInt::from(policy.assets[a].debt_margin_rate) * applied);
        ceil_div(&missing, &per_unit)
    });
    Shortfall {
        claim: Claim::Margin,
        short_by: Decimal::new(missing.clone(), MARGIN_CLAIM_DIGITS),
        ratio: ratio(&report.equity, &report.margin_requirement),
        threshold: report.effective_margin_ratio.clone(),
        deposit: best_deposit(policy, portfolio, &equity_needed),
        repay,
    }
}

fn collateral_shortfall(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> Shortfall {
    // Missing collateral excess at 22 digits.
    let missing = -&report.collateral_excess.mantissa;
    let repay = best_repay(policy, portfolio, |a| {
        // Repaying u units lowers D by u p (16 digits): the excess rises by u p x collateral_ratio.
        let per_unit = BigInt::from(policy.assets[a].price) * policy.collateral_ratio;
        if per_unit.is_zero() {
            BigInt::from(i128::MAX)
        } else {
            ceil_div(&missing, &per_unit)
        }
    });
    Shortfall {
        claim: Claim::Collateral,
        short_by: Decimal::new(missing.clone(), WEIGHTED_DIGITS),
        ratio: ratio(&report.collateral_value, &report.debt_value),
        threshold: Decimal::new(policy.collateral_ratio, 6),
        deposit: best_deposit(policy, portfolio, &missing),
        repay,
    }
}

/// The market value (16 digits) of `units` (8 digits) of asset `a`.
fn value_of(policy: &Policy, a: usize, units: &BigInt) -> BigInt {
    units * policy.assets[a].price
}

/// The deposit of one asset with the smallest market value that raises haircut collateral by at
/// least `needed` (22 digits).
fn best_deposit(policy: &Policy, portfolio: &Portfolio, needed: &BigInt) -> Option<Fix> {
    let limit = BigInt::from(MAGNITUDE_LIMIT * AMOUNT_SCALE - 1);
    let mut best: Option<(BigInt, Fix)> = None;
    for a in 0..policy.assets.len() {
        let held = BigInt::from(portfolio.balances[a]);
        let base = haircut_value(policy, a, &value_of(policy, a, &held));
        let gain = |units: &BigInt| haircut_value(policy, a, &value_of(policy, a, &(&held + units))) - &base;
        let room = &limit - &held;
        if !room.is_positive() || gain(&room) < *needed {
            continue;
        }
        // The smallest amount whose gain suffices (the gain grows with the amount).
        let (mut low, mut high) = (BigInt::zero(), room);
        while &high - &low > BigInt::from(1) {
            let mid: BigInt = (&low + &high) / 2;
            if gain(&mid) >= *needed {
                high = mid;
            } else {
                low = mid;
            }
        }
        let value = value_of(policy, a, &high);
        if best.as_ref().is_none_or(|(v, _)| value < *v) {
            let fix = Fix::Deposit { asset: a, amount: Decimal::new(high.clone(), 8), value: Decimal::new(value.clone(), VALUE_DIGITS) };
            best = Some((value, fix));
        }
    }
    best.map(|(_, fix)| fix)
}

/// The repayment of one debt with the smallest market value that suffices; `units(a)` is the
/// amount of asset `a` that would.
fn best_repay(policy: &Policy, portfolio: &Portfolio, units: impl Fn(usize) -> BigInt) -> Option<Fix> {
    let mut best: Option<(BigInt, Fix)> = None;
    for a in 0..policy.assets.len() {
        let owed = BigInt::from(portfolio.debts[a]);
        if !owed.is_positive() || policy.assets[a].price == 0 {
            continue;
        }
        let amount = units(a).max(BigInt::from(1));
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
    use crate::evaluate;

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
        match fix {
            Fix::Deposit { asset, amount, .. } => p.balances[*asset] += i128::try_from(&amount.mantissa).unwrap(),
            Fix::Repay { asset, amount, .. } => p.debts[*asset] -= i128::try_from(&amount.mantissa).unwrap(),
        }
        p
    }

    fn less_one_unit(fix: &Fix) -> Fix {
        let mut fix = fix.clone();
        match &mut fix {
            Fix::Deposit { amount, .. } | Fix::Repay { amount, .. } => amount.mantissa -= 1,
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
    fn each_fix_is_the_smallest_that_makes_its_claim_hold() {
        for (p, time) in [(policy(), 0), (buffered_policy(), 5)] {
            // Margin fails in each; collateral also fails in the last.
            for (usd, debt, perp) in [("1000", "300", "50"), ("1200", "900", "20"), ("10", "600", "0")] {
                let w = portfolio(&p, usd, debt, perp);
                let r = evaluate(&p, &w, time);
                let failing = shortfalls(&p, &w, &r);
                assert_eq!(failing.len(), usize::from(!r.margin_ok) + usize::from(!r.collateral_ok));
                assert!(!failing.is_empty(), "{usd} {debt} {perp}: both claims hold");
                for s in failing {
                    let holds = |q: &Portfolio| {
                        let r = evaluate(&p, q, time);
                        if s.claim == Claim::Margin {
                            r.margin_ok
                        } else {
                            r.collateral_ok
                        }
                    };
                    for fix in [&s.deposit, &s.repay].into_iter().flatten() {
                        assert!(holds(&apply(&w, fix)), "{fix:?} does not fix {:?}", s.claim);
                        assert!(!holds(&apply(&w, &less_one_unit(fix))), "{fix:?} is not the smallest fix of {:?}", s.claim);
                    }
                    assert!(s.deposit.is_some());
                }
            }
        }
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
