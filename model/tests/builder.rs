//! The policy builder against published figures and its own promises: SPAN's risk array of a
//! futures contract as McMillan prints it, options priced as the pricing module says, losses
//! rounded up, and the same bytes from the same spec.

use solvent_model::builder::{
    build,
    pricing::{Model, OptionInputs, Right},
    span_moves,
};
use solvent_model::Policy;

const SPEC: &str = include_str!("vectors/policy-spec.json");

/// A spec of one underlying at `price` and one instrument (`instrument` is its JSON object).
fn spec(price: &str, volatility: &str, instrument: &str, scenarios: &str) -> String {
    format!(
        r#"{{"schema": "solvent/policy-spec/v1", "id": "t", "effective_at": 1000000000, "expires_at": 1000086400,
            "interest_rate": "0.05",
            "assets": [{{"id": "USD", "price": "1", "haircut_tiers": [{{"up_to": null, "weight": "1"}}], "debt_margin_rate": "0"}}],
            "underlyings": [{{"id": "X", "price": "{price}", "volatility": "{volatility}"}}],
            "instruments": [{instrument}], "scenarios": {scenarios},
            "thresholds": {{"margin_ratio": "1", "collateral_ratio": "1"}}}}"#
    )
}

fn losses(policy: &Policy) -> Vec<f64> {
    policy.instruments[0].scenario_loss.iter().map(|l| *l as f64 / 1e8).collect()
}

#[test]
fn a_futures_risk_array_matches_mcmillans_span_example() {
    // McMillan, Options as a Strategic Investment, ch. 34: S&P 500 futures at $500 a point, a
    // price scan range of 20 points ($10,000), an extreme move of twice the range counted at 35%
    // ($7,000). His array of a long future (profits, rounded to $10): 0, 0, +3,330, +3,330,
    // -3,330, -3,330, +6,670, +6,670, -6,670, -6,670, +10,000, +10,000, -10,000, -10,000,
    // +7,000, -7,000. Losses are the negated profits.
    let profits = [0, 0, 3330, 3330, -3330, -3330, 6670, 6670, -6670, -6670, 10000, 10000, -10000, -10000, 7000, -7000];
    let text = spec(
        "400",
        "0.2",
        r#"{"id": "SP", "kind": "future", "underlying": "X", "multiplier": "500"}"#,
        r#"{"span": {"price_scan": "0.05", "volatility_scan": "0.05", "extreme_multiple": "2", "extreme_cover": "0.35"}}"#,
    );
    let (_, policy) = build(&text).unwrap();
    let built = losses(&policy);
    for (s, (loss, profit)) in built.iter().zip(profits).enumerate() {
        assert_eq!((loss / 10.0).round() * 10.0, -f64::from(profit), "scenario {}", s + 1);
    }
    // Exactly: a third of the range is 3,333.33333333 (a loss rounded up: -3,333.33333333 for a
    // rise), and the delta of one contract is its multiplier.
    assert_eq!(policy.instruments[0].scenario_loss[2], -333_333_333_333);
    assert_eq!(policy.instruments[0].scenario_loss[4], 333_333_333_334);
    assert_eq!(policy.instruments[0].limits.delta, 500 * 100_000_000);
    assert_eq!(policy.scenarios[0], "px 0 vol+");
    assert_eq!(policy.scenarios[15], "px -10% x0.35");
}

#[test]
fn option_losses_are_the_repriced_values_rounded_up() {
    // A call (strike 100, one year) on X at 100, volatility 20%, rate 5%: Black-Scholes.
    let text = spec(
        "100",
        "0.2",
        r#"{"id": "C", "kind": "call", "underlying": "X", "strike": "100", "expiry": 1031536000, "multiplier": "10"}"#,
        r#"{"grid": {"moves": [{"name": "down 10%, vol +5", "price": "-0.1", "volatility": "0.05"}, {"name": "up 10%", "price": "0.1", "volatility": "0", "cover": "0.5"}]}}"#,
    );
    let (_, policy) = build(&text).unwrap();
    let years = 31_536_000.0 / (365.0 * 86_400.0);
    let value = |price: f64, volatility: f64| {
        OptionInputs { right: Right::Call, model: Model::BlackScholes, price, strike: 100.0, volatility, rate: 0.05, years }
            .value_and_delta()
    };
    let (now, delta) = value(100.0, 0.2);
    let expected = [(now - value(90.0, 0.25).0) * 10.0, (now - value(110.0, 0.2).0) * 10.0 * 0.5];
    for (loss, expected) in policy.instruments[0].scenario_loss.iter().zip(expected) {
        let loss = *loss as f64 / 1e8;
        assert!(loss >= expected && loss - expected < 1.0e-8 + 1e-12, "{loss} vs {expected}");
    }
    // The textbook value of this call is 10.45 (Hull's at-the-money example family): delta 0.637.
    assert_eq!(((now * 100.0).round() / 100.0, (delta * 1000.0).round() / 1000.0), (10.45, 0.637));
    assert_eq!(policy.instruments[0].limits.delta, (delta * 10.0 * 1e8).round() as i128);
}

#[test]
fn the_same_spec_gives_the_same_bytes_and_a_valid_policy() {
    let (first, policy) = build(SPEC).unwrap();
    let (second, _) = build(SPEC).unwrap();
    assert_eq!(first, second);
    assert_eq!(Policy::from_json(&first).unwrap(), policy);
    assert_eq!(policy.scenarios.len(), 16);
    assert!(policy.has_limits());
    // A long put loses when the price rises; a long call when it falls; the perpetual's delta is 1.
    let put = &policy.instruments[2];
    let call = &policy.instruments[1];
    assert!(put.scenario_loss[3] > 0 && call.scenario_loss[5] > 0);
    assert_eq!(policy.instruments[0].limits.delta, 100_000_000);
    assert!(call.limits.delta > 0 && put.limits.delta < 0);
    // Short option minimum: 1% of the price per option, none for the perpetual.
    assert_eq!((call.short_option_minimum, policy.instruments[0].short_option_minimum), (900 * 100_000_000, 0));
    // Pinned figures: a change in the pricing's arithmetic shows here (and on every machine the
    // same, as the arithmetic is IEEE 754's basic operations).
    assert_eq!((call.limits.delta, put.limits.delta), (PINNED_CALL_DELTA, PINNED_PUT_DELTA));
    assert_eq!((call.scenario_loss[13], put.scenario_loss[11]), PINNED_LOSSES);
}

const PINNED_CALL_DELTA: i128 = 44_314_147;
const PINNED_PUT_DELTA: i128 = -28_242_979;
const PINNED_LOSSES: (i128, i128) = (599_434_976_929, 415_444_168_520);

#[test]
fn span_moves_are_the_sixteen_scenarios_in_order() {
    let moves = span_moves(0.15, 0.1, 2.0, 0.35);
    let names: Vec<&str> = moves.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names[..4], ["px 0 vol+", "px 0 vol-", "px +1/3 vol+", "px +1/3 vol-"]);
    assert_eq!(names[12..], ["px -3/3 vol+", "px -3/3 vol-", "px +30% x0.35", "px -30% x0.35"]);
    assert!((moves[14].price - 0.3).abs() < 1e-15 && moves[14].cover == 0.35 && moves[14].volatility == 0.0);
}

#[test]
fn bad_specs_are_refused_naming_the_field() {
    let cases = [
        (SPEC.replace(r#""kind": "put""#, r#""kind": "swap""#), "instruments[2].kind"),
        (SPEC.replace(r#""strike": "80000", "#, ""), "instruments[2].strike"),
        (
            SPEC.replace(r#""underlying": "BTC", "strike": "80000""#, r#""underlying": "ETH", "strike": "80000""#),
            "instruments[2].underlying",
        ),
        (SPEC.replace(r#""price": "90000", "volatility""#, r#""price": "-1", "volatility""#), "underlyings[0].price"),
        (SPEC.replace("policy-spec/v1", "policy-spec/v9"), "schema"),
        // Values the spec passes through are named at their place in the spec, without the
        // built text's position.
        (SPEC.replace(r#""margin_ratio": "1.2""#, r#""margin_ratio": "-1""#), "thresholds.margin_ratio"),
        (SPEC.replace(r#""margin_ratio": "1.2""#, r#""margin_ratio": 1.2"#), "thresholds.margin_ratio"),
        (SPEC.replace(r#""debt_margin_rate": "0.05""#, r#""debt_margin_rate": "0.123456789""#), "assets[0].debt_margin_rate"),
        (SPEC.replace(r#""max_net_delta": "100""#, r#""max_net_delta": 100"#), "underlyings[0].max_net_delta"),
    ];
    for (text, field) in cases {
        assert_ne!(text, SPEC, "{field}: the case changes the spec");
        let error = build(&text).expect_err("refused");
        assert_eq!(error.field, field, "{error}");
        assert!(!error.message.contains("line 1 column"), "{error}");
    }
}

#[test]
fn a_move_to_a_price_of_zero_prices_options_at_their_limit_and_a_move_below_it_is_refused() {
    // A call and a put (strike 100, one year) on X at 100: with the underlying at 0 the call is
    // worth nothing and the put its discounted strike, 100 e^-0.05 = 95.12294245.
    let instrument =
        |kind: &str| format!(r#"{{"id": "{kind}", "kind": "{kind}", "underlying": "X", "strike": "100", "expiry": 1031536000}}"#);
    let grid = |price: &str| format!(r#"{{"grid": {{"moves": [{{"name": "to zero", "price": "{price}", "volatility": "0"}}]}}}}"#);
    let value = |right, price: f64| {
        let years = 31_536_000.0 / (365.0 * 86_400.0);
        OptionInputs { right, model: Model::BlackScholes, price, strike: 100.0, volatility: 0.2, rate: 0.05, years }.value_and_delta().0
    };
    for (kind, right, at_zero) in [("call", Right::Call, 0.0), ("put", Right::Put, 100.0 * (-0.05f64).exp())] {
        assert!((value(right, 0.0) - at_zero).abs() < 1e-9, "{kind} at 0");
        let (_, policy) = build(&spec("100", "0.2", &instrument(kind), &grid("-1"))).unwrap();
        let loss = policy.instruments[0].scenario_loss[0] as f64 / 1e8;
        let expected = value(right, 100.0) - at_zero;
        assert!(loss >= expected && loss - expected < 1.0e-8 + 1e-9, "{kind}: {loss} vs {expected}");
    }
    let error = build(&spec("100", "0.2", &instrument("call"), &grid("-1.5"))).unwrap_err();
    assert_eq!(error.field, "scenarios.grid.moves[0].price", "{error:?}");
}

#[test]
fn a_percentage_for_a_volatility_an_expired_option_and_a_mispriced_asset_are_warned_about() {
    let option = r#"{"id": "C", "kind": "call", "underlying": "X", "strike": "100", "expiry": 1000000000}"#;
    let grid = r#"{"grid": {"moves": [{"name": "up", "price": "0.1", "volatility": "0"}]}}"#;
    let text = spec("100", "55", option, grid).replace(r#"{"id": "USD", "price": "1""#, r#"{"id": "X", "price": "99""#);
    build(&text).expect("legal");
    let fields: Vec<String> = solvent_model::builder::warnings(&text).into_iter().map(|w| w.field).collect();
    assert_eq!(fields, ["underlyings[0].volatility", "instruments[0].expiry", "assets[0].price"]);
    assert!(solvent_model::builder::warnings(&spec("100", "0.55", OPTION_LATER, grid)).is_empty(), "a sound spec warns of nothing");
}

const OPTION_LATER: &str = r#"{"id": "C", "kind": "call", "underlying": "X", "strike": "100", "expiry": 1031536000}"#;
