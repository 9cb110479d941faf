//! The reference model against published vectors and hand-computed SPAN-style cases.

use serde_json::Value;
use solvent_model::{evaluate, Policy, Portfolio};

fn vectors(name: &str) -> Value {
    let path = format!("{}/tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A one-asset policy with price 1 and the given tiers (`null` for an unbounded bound).
fn tier_policy(tiers: &[(Option<&str>, &str)], rate: &str) -> String {
    let tiers: Vec<String> = tiers
        .iter()
        .map(|(up, w)| match up {
            Some(up) => format!(r#"{{"up_to": "{up}", "weight": "{w}"}}"#),
            None => format!(r#"{{"up_to": null, "weight": "{w}"}}"#),
        })
        .collect();
    format!(
        r#"{{"schema": "solvent/policy/v1", "id": "t", "effective_at": 0, "expires_at": 10,
            "scenarios": ["flat"],
            "assets": [{{"id": "X", "price": "1", "haircut_tiers": [{}], "debt_margin_rate": "{rate}"}}],
            "thresholds": {{"margin_ratio": "1", "collateral_ratio": "1"}}}}"#,
        tiers.join(",")
    )
}

fn portfolio(balances: &str, debts: &str, positions: &str) -> String {
    format!(
        r#"{{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
            "balances": {{{balances}}}, "debts": {{{debts}}}, "positions": {{{positions}}}}}"#
    )
}

#[test]
fn binance_tier_vectors_give_the_exact_haircut_value() {
    let cases = vectors("tiers.json");
    for case in cases["cases"].as_array().unwrap() {
        let tiers: Vec<(Option<&str>, &str)> =
            case["tiers"].as_array().unwrap().iter().map(|t| (Some(t[0].as_str().unwrap()), t[1].as_str().unwrap())).collect();
        let policy = Policy::from_json(&tier_policy(&tiers, "0")).unwrap();
        let value = case["value"].as_str().unwrap();
        let (pf, warnings) = Portfolio::from_json(&portfolio(&format!(r#""X": "{value}""#), "", ""), &policy).unwrap();
        assert!(warnings.is_empty());
        let report = evaluate(&policy, &pf, 0);
        assert_eq!(report.collateral_value.to_string(), case["exact"].as_str().unwrap(), "case {case}");
    }
}

#[test]
fn an_unbounded_last_tier_counts_everything_above() {
    let policy = Policy::from_json(&tier_policy(&[(Some("100"), "1"), (None, "0.5")], "0")).unwrap();
    let (pf, _) = Portfolio::from_json(&portfolio(r#""X": "1000""#, "", ""), &policy).unwrap();
    assert_eq!(evaluate(&policy, &pf, 0).collateral_value.to_string(), "550");
}

#[test]
fn deribit_futures_initial_margin_examples_hold_exactly() {
    let cases = vectors("deribit_futures_im.json");
    for case in cases["cases"].as_array().unwrap() {
        let position = case["position_btc"].as_str().unwrap();
        let rate = case["rate"].as_str().unwrap();
        // The published rate is 2% + 0.5% per 100 BTC: check it with exact integers (10^-8 units).
        let pos_units: i128 = position.parse::<i128>().unwrap() * 100_000_000;
        let rate_millionths = 20_000 + pos_units * 5_000 / (100 * 100_000_000);
        let policy = Policy::from_json(&tier_policy(&[(None, "1")], rate)).unwrap();
        assert_eq!(policy.assets[0].debt_margin_rate, rate_millionths);
        // A debt of `position` BTC at price 1 with that rate has the published initial margin.
        let (pf, _) = Portfolio::from_json(&portfolio("", &format!(r#""X": "{position}""#), ""), &policy).unwrap();
        let report = evaluate(&policy, &pf, 0);
        assert_eq!(report.debt_margin.to_string(), case["initial_margin_btc"].as_str().unwrap());
    }
}

/// A SPAN-style book: a perpetual and a short call under four scenarios.
const SPAN_POLICY: &str = include_str!("vectors/span-policy.json");

#[test]
fn span_style_book_figures_match_hand_computation() {
    let policy = Policy::from_json(SPAN_POLICY).unwrap();
    // Long 1 perp (loses when price falls), short 2 calls (lose when price rises).
    let pf = portfolio(r#""USDC": "50000", "BTC": "6""#, r#""USDC": "10000""#, r#""BTC-PERP": "1", "BTC-C-25000": "-2""#);
    let (pf, _) = Portfolio::from_json(&pf, &policy).unwrap();
    let r = evaluate(&policy, &pf, 0);
    // BTC value 120000: 100000 at 0.9 + 20000 at 0.5 = 100000; plus USDC 50000.
    assert_eq!(r.collateral_value.to_string(), "150000");
    assert_eq!(r.debt_value.to_string(), "10000");
    assert_eq!(r.equity.to_string(), "140000");
    // L = [2000 + 300, -2000 - 1800, 0 - 600, 2100 - 2400] = [2300, -3800, -600, -300]
    let losses: Vec<String> = r.scenario_losses.iter().map(|l| l.to_string()).collect();
    assert_eq!(losses, ["2300", "-3800", "-600", "-300"]);
    assert_eq!(r.worst_scenario, 0);
    assert_eq!(r.scanning_risk.to_string(), "2300");
    assert_eq!(r.short_option_minimum.to_string(), "400");
    assert_eq!(r.debt_margin.to_string(), "1000");
    assert_eq!(r.margin_requirement.to_string(), "3300");
    assert!(r.margin_ok && r.collateral_ok);
    assert_eq!(r.margin_excess.to_string(), "135050");
    assert_eq!(r.collateral_excess.to_string(), "137500");
}

#[test]
fn short_option_minimum_dominates_when_scenarios_are_gains() {
    let policy = Policy::from_json(SPAN_POLICY).unwrap();
    let (pf, _) = Portfolio::from_json(&portfolio(r#""USDC": "1000""#, "", r#""BTC-C-25000": "-0.5""#), &policy).unwrap();
    let r = evaluate(&policy, &pf, 0);
    // L = [75, -450, -150, -600]; SR = 75; SOM = 100 dominates.
    assert_eq!(r.scanning_risk.to_string(), "75");
    assert_eq!(r.margin_requirement.to_string(), "100");
}

#[test]
fn all_gains_give_zero_scanning_risk_and_first_worst_scenario() {
    let policy = Policy::from_json(SPAN_POLICY).unwrap();
    let (pf, _) = Portfolio::from_json(&portfolio("", "", r#""BTC-C-25000": "1""#), &policy).unwrap();
    let r = evaluate(&policy, &pf, 0);
    // L = [-150, 900, 300, 1200] for a long call: worst is scenario 3.
    assert_eq!(r.worst_scenario, 3);
    let (pf, _) = Portfolio::from_json(&portfolio("", "", r#""BTC-PERP": "-0""#), &policy).unwrap();
    let r = evaluate(&policy, &pf, 0);
    assert_eq!((r.worst_scenario, r.scanning_risk.to_string()), (0, "0".to_string()));
}

#[test]
fn claims_hold_with_equality_and_fail_by_one_unit() {
    // Collateral ratio 1.25 and a debt of 80 need exactly 100 of haircut collateral.
    let policy_text = tier_policy(&[(None, "1")], "0").replace(r#""collateral_ratio": "1""#, r#""collateral_ratio": "1.25""#);
    let policy = Policy::from_json(&policy_text).unwrap();
    let equal = portfolio(r#""X": "100""#, r#""X": "80""#, "");
    let r = evaluate(&policy, &Portfolio::from_json(&equal, &policy).unwrap().0, 0);
    assert!(r.collateral_ok);
    assert_eq!(r.collateral_excess.to_string(), "0");
    let short = portfolio(r#""X": "99.99999999""#, r#""X": "80""#, "");
    let r = evaluate(&policy, &Portfolio::from_json(&short, &policy).unwrap().0, 0);
    assert!(!r.collateral_ok);
    assert_eq!(r.collateral_excess.to_string(), "-0.00000001");
    // Margin: E = 100 - 80 = 20 = 1 * M with M = 80 * 0.25.
    let policy_text = tier_policy(&[(None, "1")], "0.25");
    let policy = Policy::from_json(&policy_text).unwrap();
    let r = evaluate(&policy, &Portfolio::from_json(&equal, &policy).unwrap().0, 0);
    assert!(r.margin_ok);
    assert_eq!(r.margin_excess.to_string(), "0");
    let r = evaluate(&policy, &Portfolio::from_json(&short, &policy).unwrap().0, 0);
    assert!(!r.margin_ok);
}

#[test]
fn portfolio_rounds_conservatively_and_refuses_bad_entries() {
    let policy = Policy::from_json(SPAN_POLICY).unwrap();
    let text = portfolio(r#""BTC": "1.000000019""#, r#""USDC": "2.000000001""#, "");
    let (pf, warnings) = Portfolio::from_json(&text, &policy).unwrap();
    assert_eq!(pf.balances[1], 100_000_001);
    assert_eq!(pf.debts[0], 200_000_001);
    let fields: Vec<&str> = warnings.iter().map(|w| w.field.as_str()).collect();
    assert_eq!(fields, ["balances.BTC", "debts.USDC"]);

    let refused = |text: String| Portfolio::from_json(&text, &policy).unwrap_err().field;
    assert_eq!(refused(portfolio(r#""DOGE": "1""#, "", "")), "balances.DOGE");
    assert_eq!(refused(portfolio(r#""BTC": "-1""#, "", "")), "balances.BTC");
    assert_eq!(refused(portfolio("", r#""BTC": "-1""#, "")), "debts.BTC");
    assert_eq!(refused(portfolio("", "", r#""BTC-PERP": "0.000000001""#)), "positions.BTC-PERP");
    assert_eq!(refused(portfolio("", "", r#""BTC-PERP": "1", "BTC-PERP": "2""#)), "positions");
    assert_eq!(refused(portfolio(r#""BTC": "100000000000""#, "", "")), "balances.BTC");
    assert_eq!(refused(portfolio("", "", "").replace("0x0000", "0x00")), "account");
    assert_eq!(refused(portfolio("", "", "").replace("\"balances\"", "\"holdings\"")), "holdings");
}

#[test]
fn an_exact_portfolio_refuses_what_a_portfolio_file_would_round() {
    let policy = Policy::from_json(SPAN_POLICY).unwrap();
    let inexact = portfolio(r#""BTC": "42.500000009""#, "", "");
    assert!(Portfolio::from_json(&inexact, &policy).is_ok(), "a portfolio file is rounded, with a warning");
    let e = Portfolio::from_json_exact(&inexact, &policy).unwrap_err();
    assert_eq!(e.field, "balances.BTC");
    assert!(e.message.contains("more than 8 fractional digits"), "{e}");
    let exact = portfolio(r#""BTC": "42.5""#, r#""USDC": "1""#, "");
    assert_eq!(Portfolio::from_json_exact(&exact, &policy).unwrap(), Portfolio::from_json(&exact, &policy).unwrap().0);
    let duplicate = portfolio(r#""BTC": "1000", "BTC": "42.5""#, "", "");
    assert_eq!(Portfolio::from_json_exact(&duplicate, &policy).unwrap_err().field, "balances");
}

#[test]
fn risk_model_v2_figures_of_the_span_example() {
    // The SPAN example with every limit: caps 0.5 (USDC) and 0.7 (BTC), BTC net delta limit 5,
    // position limits 10 and 3, add-ons (threshold 0.5, rate 100; threshold 5, rate 20), prices
    // observed at 90 with a buffer of 0.01 per started hour.
    let text = std::fs::read_to_string(format!("{}/tests/vectors/span-policy-v2.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let policy = Policy::from_json(&text).unwrap();
    let pf = Portfolio::from_json(
        &portfolio(r#""USDC": "50000", "BTC": "6""#, r#""USDC": "10000""#, r#""BTC-PERP": "1", "BTC-C-25000": "-2""#),
        &policy,
    )
    .unwrap()
    .0;
    let r = evaluate(&policy, &pf, 150);
    // SR 2300, SOM 400, add-on (1 - 0.5) * 100 = 50, debt margin 1000: M = 3350.
    assert_eq!(r.add_on.to_string(), "50");
    assert_eq!(r.margin_requirement.to_string(), "3350");
    // 60 seconds after prices_at: one started hour, ratio 1.5 + 0.01.
    assert_eq!((r.latency_hours, r.effective_margin_ratio.to_string()), (1, "1.51".to_string()));
    // E * 10^6 - 1.51 * M = 140000 - 5058.5.
    assert_eq!(r.margin_excess.to_string(), "134941.5");
    assert_eq!(r.net_deltas.iter().map(|d| d.to_string()).collect::<Vec<_>>(), ["0.2", "0"]);
    // C = 150000: USDC 50000 of 75000 allowed, BTC 100000 of 105000.
    assert_eq!(r.limits.concentration.iter().map(|c| c.slack.to_string()).collect::<Vec<_>>(), ["25000", "5000"]);
    assert_eq!(r.limits.positions.iter().map(|c| c.slack.to_string()).collect::<Vec<_>>(), ["9", "1"]);
    assert_eq!(r.limits.net_deltas.len(), 1, "ETH has no limit");
    assert_eq!(r.limits.net_deltas[0].slack.to_string(), "4.8");
    assert!(r.all_ok());
    // An hour later the buffer doubles; three hours and a second later it is 0.04.
    assert_eq!(evaluate(&policy, &pf, 90 + 3600 + 1).effective_margin_ratio.to_string(), "1.52");
    assert_eq!(evaluate(&policy, &pf, 90 + 3 * 3600 + 1).latency_hours, 4);
    // Short 4 calls: over the limit of 3 by 1, which names instrument 1.
    let over = Portfolio::from_json(&portfolio(r#""USDC": "50000", "BTC": "6""#, "", r#""BTC-C-25000": "-4""#), &policy).unwrap().0;
    let r = evaluate(&policy, &over, 150);
    let broken: Vec<usize> = r.limits.positions.iter().filter(|c| !c.ok).map(|c| c.index).collect();
    assert_eq!(broken, [1]);
    assert!(!r.all_ok() && r.margin_ok && r.collateral_ok);
}
