//! Property tests: the circuit against the reference model on random policies, portfolios and
//! shapes, including each claim holding with equality and failing by one unit.

use crate::context::field_from_bigint;
use crate::testing::{built, mock_honest, portfolio_json, witness};
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
        let report = evaluate(&policy, &portfolio);
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
            prop_assert_eq!(evaluate(&policy, &portfolio).collateral_ok, holds);
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
            prop_assert_eq!(evaluate(&policy, &portfolio).margin_ok, holds);
            prop_assert_eq!(mock_honest(&witness(policy.clone(), portfolio)).is_ok(), holds);
        }
    }
}
