//! Property tests: the circuit against the reference model on random policies, portfolios and
//! shapes, including each claim holding with equality and failing by one unit.

use crate::encoding::field_from_bigint;
use crate::testing::{built, mock_honest, portfolio_json, witness, SNAPSHOT_TIME};
use proptest::prelude::*;
use solvent_model::{evaluate, Policy, Portfolio};

/// A decimal string of `mantissa / 10^digits`.
fn decimal(mantissa: i64, digits: u32) -> String {
    solvent_model::Decimal::new(mantissa, digits).to_string()
}

#[derive(Debug, Clone)]
struct Case {
    policy: String,
    portfolio: String,
}

fn asset() -> impl Strategy<Value = String> {
    (
        0i64..2_000_000_000_000,                                                   // price, 8 digits (up to 20000)
        prop::collection::vec((1i64..5_000_000_000_000, 0i64..=1_000_000), 1..=3), // tier widths and weights
        any::<bool>(),                                                             // unbounded last tier
        0i64..500_000,                                                             // debt margin rate
    )
        .prop_map(|(price, tiers, unbounded, rate)| {
            let mut bound = 0i64;
            let n = tiers.len();
            let tiers: Vec<String> = tiers
                .into_iter()
                .enumerate()
                .map(|(k, (width, weight))| {
                    bound += width;
                    let up_to = if unbounded && k + 1 == n { "null".to_string() } else { format!("\"{}\"", decimal(bound, 8)) };
                    format!(r#"{{"up_to": {up_to}, "weight": "{}"}}"#, decimal(weight, 6))
                })
                .collect();
            format!(
                r#"{{"id": "ID", "price": "{}", "haircut_tiers": [{}], "debt_margin_rate": "{}"}}"#,
                decimal(price, 8),
                tiers.join(","),
                decimal(rate, 6)
            )
        })
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=3, prop::collection::vec(asset(), 1..=3), 0usize..=3, 0i64..3_000_000, 0i64..3_000_000)
        .prop_flat_map(|(scenarios, assets, instruments, margin_ratio, collateral_ratio)| {
            let losses = prop::collection::vec(
                (prop::collection::vec(-1_000_000_000_000i64..1_000_000_000_000, scenarios), 0i64..100_000_000_000),
                instruments,
            );
            let balances = prop::collection::vec(prop::option::of(0i64..1_000_000_000_000), assets.len());
            let debts = prop::collection::vec(prop::option::of(0i64..300_000_000_000), assets.len());
            let positions = prop::collection::vec(-10_000_000_000i64..10_000_000_000, instruments);
            (Just((scenarios, assets, margin_ratio, collateral_ratio)), losses, balances, debts, positions)
        })
        .prop_map(|((scenarios, assets, margin_ratio, collateral_ratio), losses, balances, debts, positions)| {
            let assets: Vec<String> = assets.iter().enumerate().map(|(a, s)| s.replacen("\"ID\"", &format!("\"A{a}\""), 1)).collect();
            let instruments: Vec<String> = losses
                .iter()
                .enumerate()
                .map(|(i, (loss, som))| {
                    let loss: Vec<String> = loss.iter().map(|l| format!("\"{}\"", decimal(*l, 8))).collect();
                    format!(r#"{{"id": "I{i}", "scenario_loss": [{}], "short_option_minimum": "{}"}}"#, loss.join(","), decimal(*som, 8))
                })
                .collect();
            let names: Vec<String> = (0..scenarios).map(|s| format!("\"s{s}\"")).collect();
            let policy = format!(
                r#"{{"schema": "solvent/policy/v1", "id": "p", "effective_at": 100, "expires_at": 200, "scenarios": [{}],
                   "assets": [{}], "instruments": [{}],
                   "thresholds": {{"margin_ratio": "{}", "collateral_ratio": "{}"}}}}"#,
                names.join(","),
                assets.join(","),
                instruments.join(","),
                decimal(margin_ratio, 6),
                decimal(collateral_ratio, 6)
            );
            let map = |values: &[Option<i64>], prefix: &str| -> String {
                values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| format!(r#""{prefix}{i}": "{}""#, decimal(v, 8))))
                    .collect::<Vec<_>>()
                    .join(",")
            };
            let positions: Vec<Option<i64>> = positions.into_iter().map(Some).collect();
            let portfolio = portfolio_json(&map(&balances, "A"), &map(&debts, "A"), &map(&positions, "I"));
            Case { policy, portfolio }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn circuit_figures_and_verdict_match_the_model(case in case()) {
        let policy = Policy::from_json(&case.policy).unwrap();
        let (portfolio, _) = Portfolio::from_json(&case.portfolio, &policy).unwrap();
        let report = evaluate(&policy, &portfolio, SNAPSHOT_TIME);
        let w = witness(policy, portfolio);
        let (_, f) = built(&w);
        let field = |d: &solvent_model::Decimal| field_from_bigint(&d.mantissa);
        prop_assert_eq!(f.collateral_value.value, field(&report.collateral_value));
        prop_assert_eq!(f.debt_value.value, field(&report.debt_value));
        prop_assert_eq!(f.equity.value, field(&report.equity));
        prop_assert_eq!(f.scanning_risk.value, field(&report.scanning_risk));
        prop_assert_eq!(f.short_option_minimum.value, field(&report.short_option_minimum));
        prop_assert_eq!(f.margin_requirement.value, field(&report.margin_requirement));
        for (cell, loss) in f.scenario_losses.iter().zip(&report.scenario_losses) {
            prop_assert_eq!(cell.value, field(loss));
        }
        let verdict = mock_honest(&w);
        prop_assert_eq!(verdict.is_ok(), report.margin_ok && report.collateral_ok, "model {:?}, circuit {:?}", report, verdict);
    }

    #[test]
    fn collateral_claim_boundary_matches_the_model(ratio in 1_000_000i64..=1_000_000_000, units in 1i64..100_000) {
        // One asset at price 1, weight 1: C = b, and D = units (whole). Equality when b = ratio * D.
        // The ratio is at least 1, so E = b - D >= 0 at the boundary and the margin claim (ratio 0:
        // E >= 0) holds on both sides of it: a ratio below 1 would fail the proof by the margin
        // claim, not the collateral one (the case ratio = 0.000001, units = 1 did).
        let policy = Policy::from_json(&format!(
            r#"{{"schema": "solvent/policy/v1", "id": "p", "effective_at": 100, "expires_at": 200, "scenarios": ["s"],
               "assets": [{{"id": "X", "price": "1", "haircut_tiers": [{{"up_to": null, "weight": "1"}}], "debt_margin_rate": "0"}}],
               "thresholds": {{"margin_ratio": "0", "collateral_ratio": "{}"}}}}"#, decimal(ratio, 6))).unwrap();
        let equal_balance = i128::from(ratio) * i128::from(units) * 100; // ratio * units, 8 digits
        prop_assume!(equal_balance >= 1 && equal_balance < 10i128.pow(19));
        for (balance, holds) in [(equal_balance, true), (equal_balance - 1, false)] {
            let text = portfolio_json(&format!(r#""X": "{}""#, solvent_model::Decimal::new(balance, 8)), &format!(r#""X": "{units}""#), "");
            let (portfolio, _) = Portfolio::from_json(&text, &policy).unwrap();
            prop_assert_eq!(evaluate(&policy, &portfolio, SNAPSHOT_TIME).collateral_ok, holds);
            prop_assert_eq!(mock_honest(&witness(policy.clone(), portfolio)).is_ok(), holds);
        }
    }

    #[test]
    fn margin_claim_boundary_matches_the_model(ratio in 0i64..=5_000_000, rate in 0i64..=1_000_000, k in 1i64..1000) {
        // C = b, D = d, M = d * rate: equality when b - d = ratio * rate * d, with d = k * 10^4 whole units.
        let policy = Policy::from_json(&format!(
            r#"{{"schema": "solvent/policy/v1", "id": "p", "effective_at": 100, "expires_at": 200, "scenarios": ["s"],
               "assets": [{{"id": "X", "price": "1", "haircut_tiers": [{{"up_to": null, "weight": "1"}}], "debt_margin_rate": "{}"}}],
               "thresholds": {{"margin_ratio": "{}", "collateral_ratio": "0"}}}}"#, decimal(rate, 6), decimal(ratio, 6))).unwrap();
        let debt = i128::from(k) * 10i128.pow(12); // 8 digits
        let equal_balance = debt + i128::from(ratio) * i128::from(rate) * i128::from(k);
        for (balance, holds) in [(equal_balance, true), (equal_balance - 1, false)] {
            let text = portfolio_json(
                &format!(r#""X": "{}""#, solvent_model::Decimal::new(balance, 8)),
                &format!(r#""X": "{}""#, solvent_model::Decimal::new(debt, 8)),
                "",
            );
            let (portfolio, _) = Portfolio::from_json(&text, &policy).unwrap();
            prop_assert_eq!(evaluate(&policy, &portfolio, SNAPSHOT_TIME).margin_ok, holds);
            prop_assert_eq!(mock_honest(&witness(policy.clone(), portfolio)).is_ok(), holds);
        }
    }
}

/// An instrument's limits in a case: its underlying, delta, position limit and add-on
/// (threshold, rate), at 8 digits.
type InstrumentCase = (Option<usize>, i64, Option<i64>, Option<(i64, i64)>);

/// The limits of risk model v2 a case's policy gets: per asset a concentration cap, per
/// instrument an underlying, a delta, a position limit and an add-on, the underlyings' net delta
/// limits and the oracle.
#[derive(Debug, Clone)]
struct Limits {
    shares: Vec<Option<i64>>,
    instruments: Vec<InstrumentCase>,
    underlyings: Vec<Option<i64>>,
    oracle: Option<(u64, i64)>,
}

fn limits() -> impl Strategy<Value = Limits> {
    (
        prop::collection::vec(prop::option::of(0i64..=1_000_000), 3),
        prop::collection::vec(
            (
                prop::option::of(0usize..2),
                -200_000_000i64..200_000_000,
                prop::option::of(0i64..20_000_000_000),
                prop::option::of((0i64..20_000_000_000, 0i64..100_000_000_000)),
            ),
            3,
        ),
        prop::collection::vec(prop::option::of(0i64..2_000_000_000), 2),
        prop::option::of((0u64..=100, 0i64..50_000)),
    )
        .prop_map(|(shares, instruments, underlyings, oracle)| Limits { shares, instruments, underlyings, oracle })
}

/// `policy` with `limits` (as many as it has assets and instruments).
fn with_limits(mut policy: Policy, limits: &Limits) -> Policy {
    use solvent_model::{LargePosition, Oracle, Underlying};
    for (asset, share) in policy.assets.iter_mut().zip(&limits.shares) {
        asset.max_share = share.map(i128::from);
    }
    policy.underlyings = limits
        .underlyings
        .iter()
        .enumerate()
        .map(|(u, max)| Underlying { id: format!("U{u}"), max_net_delta: max.map(i128::from) })
        .collect();
    for (inst, (underlying, delta, max, large)) in policy.instruments.iter_mut().zip(&limits.instruments) {
        inst.limits.underlying = *underlying;
        inst.limits.delta = if underlying.is_some() { i128::from(*delta) } else { 0 };
        inst.limits.max_abs_position = max.map(i128::from);
        inst.limits.large_position = large.map(|(threshold, rate)| LargePosition { threshold: threshold.into(), rate: rate.into() });
    }
    policy.oracle = limits.oracle.map(|(prices_at, buffer)| Oracle { prices_at, buffer_per_hour: buffer.into() });
    policy
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn circuit_limits_and_verdict_match_the_model(case in case(), limits in limits()) {
        let policy = with_limits(Policy::from_json(&case.policy).unwrap(), &limits);
        prop_assert!(policy.has_limits());
        let (portfolio, _) = Portfolio::from_json(&case.portfolio, &policy).unwrap();
        let report = evaluate(&policy, &portfolio, SNAPSHOT_TIME);
        let w = witness(policy, portfolio);
        let (_, f) = built(&w);
        let field = |d: &solvent_model::Decimal| field_from_bigint(&d.mantissa);
        let figures = f.limits.as_ref().expect("limits");
        prop_assert_eq!(figures.add_on.value, field(&report.add_on));
        prop_assert_eq!(figures.hours.value, halo2_proofs::halo2curves::bn256::Fr::from(report.latency_hours));
        prop_assert_eq!(figures.effective_margin_ratio.value, field(&report.effective_margin_ratio));
        prop_assert_eq!(f.margin_requirement.value, field(&report.margin_requirement));
        prop_assert_eq!(f.margin_slack.value, field(&report.margin_excess));
        for (cell, nd) in figures.net_deltas.iter().zip(&report.net_deltas) {
            prop_assert_eq!(cell.value, field(nd));
        }
        for check in &report.limits.concentration {
            prop_assert_eq!(figures.concentration_slacks[check.index].value, field(&check.slack));
        }
        for check in &report.limits.positions {
            prop_assert_eq!(figures.position_slacks[check.index].value, field(&check.slack));
        }
        let verdict = mock_honest(&w);
        prop_assert_eq!(verdict.is_ok(), report.all_ok(), "model {:?}, circuit {:?}", report, verdict);
    }

    #[test]
    fn position_and_net_delta_limit_boundaries_match_the_model(q in -10_000_000_000i64..10_000_000_000, delta in -50i64..50) {
        // One instrument of underlying U0 with a whole-unit delta: ND = q * delta exactly at 8
        // digits. Each limit at |q| (|ND|) holds; one unit less fails.
        prop_assume!(q != 0 && delta != 0);
        let base = Policy::from_json(
            r#"{"schema": "solvent/policy/v1", "id": "p", "effective_at": 100, "expires_at": 200, "scenarios": ["s"],
               "assets": [{"id": "X", "price": "1", "haircut_tiers": [{"up_to": null, "weight": "1"}], "debt_margin_rate": "0"}],
               "instruments": [{"id": "I0", "scenario_loss": ["0"], "short_option_minimum": "0"}],
               "thresholds": {"margin_ratio": "0", "collateral_ratio": "0"}}"#).unwrap();
        let (portfolio, _) = Portfolio::from_json(&portfolio_json(r#""X": "1""#, "", &format!(r#""I0": "{}""#, decimal(q, 8))), &base).unwrap();
        let net = i64::try_from((i128::from(q) * i128::from(delta)).abs()).unwrap();
        let cases = [
            (Some(q.abs()), None, true),
            (Some(q.abs() - 1), None, false),
            (None, Some(net), true),
            (None, Some(net - 1), false),
        ];
        for (position_limit, net_limit, holds) in cases {
            let limits = Limits {
                shares: vec![None],
                instruments: vec![(Some(0), delta * 100_000_000, position_limit, None)],
                underlyings: vec![net_limit, None],
                oracle: None,
            };
            let policy = with_limits(base.clone(), &limits);
            prop_assert_eq!(evaluate(&policy, &portfolio, SNAPSHOT_TIME).all_ok(), holds);
            prop_assert_eq!(mock_honest(&witness(policy, portfolio.clone())).is_ok(), holds);
        }
    }

    #[test]
    fn concentration_boundary_matches_the_model(cap in prop::sample::select(vec![(1i64, 2i64), (1, 4), (1, 5), (3, 4), (4, 5)]), t in 1i64..1_000_000_000_000) {
        // X and Y at price 1 and weight 1, X capped at n/d of C: with X = n t and Y = (d - n) t
        // (8 digits), CV_X = n/d C exactly; one unit more of X breaks the cap.
        let (n, d) = cap;
        let base = Policy::from_json(
            r#"{"schema": "solvent/policy/v1", "id": "p", "effective_at": 100, "expires_at": 200, "scenarios": ["s"],
               "assets": [{"id": "X", "price": "1", "haircut_tiers": [{"up_to": null, "weight": "1"}], "debt_margin_rate": "0"},
                          {"id": "Y", "price": "1", "haircut_tiers": [{"up_to": null, "weight": "1"}], "debt_margin_rate": "0"}],
               "thresholds": {"margin_ratio": "0", "collateral_ratio": "0"}}"#).unwrap();
        prop_assume!(d * t < 50_000_000_000_000_000);
        let limits = Limits { shares: vec![Some(n * 1_000_000 / d), None], instruments: vec![], underlyings: vec![], oracle: None };
        let policy = with_limits(base, &limits);
        for (x, holds) in [(n * t, true), (n * t + 1, false)] {
            let balances = format!(r#""X": "{}", "Y": "{}""#, decimal(x, 8), decimal((d - n) * t, 8));
            let (portfolio, _) = Portfolio::from_json(&portfolio_json(&balances, "", ""), &policy).unwrap();
            prop_assert_eq!(evaluate(&policy, &portfolio, SNAPSHOT_TIME).all_ok(), holds);
            prop_assert_eq!(mock_honest(&witness(policy.clone(), portfolio)).is_ok(), holds);
        }
    }
}
