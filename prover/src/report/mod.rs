//! Presentation: everything the commands print, apart from the library's computations. Here,
//! the figures of `solvent check` and `solvent open`, for people and as JSON: every figure, each
//! claim with what a failing one is short of and what would fix it, and the breakdown per asset
//! and instrument; [`verdict`] the statement of `verify` and `open`; [`json`] the typed JSON
//! outputs.

pub mod json;
pub mod series;
pub mod verdict;

use json::{
    AssetBreakdownJson, BreakdownJson, CheckJson, FixJson, InstrumentBreakdownJson, LimitJson, LimitsJson, ShortfallJson,
    ThresholdPartsJson,
};
use solvent_model::{
    advice::{advise, Advice, Breach, Claim, Fix, Limit, Shortfall},
    policy::Policy,
    risk::RiskReport,
    Decimal, Portfolio,
};
use solvent_statement::utc;

/// The JSON object of `docs/design.md` §3 (`check --json`) (decimals as strings, exact), with the
/// failing claims' shortfalls and fixes; no breakdown.
pub fn json(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> CheckJson {
    let advice = advise(policy, portfolio, report);
    let shortfalls = advice.shortfalls.iter().map(|s| shortfall_json(policy, report, s)).collect();
    let limits = policy.has_limits().then(|| LimitsJson {
        add_on: report.add_on.to_string(),
        latency_hours: report.latency_hours,
        effective_margin_ratio: report.effective_margin_ratio.to_string(),
        net_deltas: policy.underlyings.iter().zip(&report.net_deltas).map(|(u, d)| (u.id.clone(), d.to_string())).collect(),
        limits: limit_lines(policy, report)
            .into_iter()
            .map(|l| LimitJson {
                fix: breach_of(&advice, &l).and_then(|b| b.fix.as_ref()).map(|f| fix_json(policy, f)),
                limit: l.kind,
                name: l.name,
                slack: l.slack.to_string(),
                ok: l.ok,
            })
            .collect(),
        limits_ok: report.limits.ok(),
    });
    CheckJson {
        policy_id: policy.id.clone(),
        collateral_value: report.collateral_value.to_string(),
        debt_value: report.debt_value.to_string(),
        equity: report.equity.to_string(),
        scenario_losses: report.scenario_losses.iter().map(|l| l.to_string()).collect(),
        scanning_risk: report.scanning_risk.to_string(),
        worst_scenario: report.worst_scenario,
        worst_scenario_name: policy.scenarios[report.worst_scenario].clone(),
        short_option_minimum: report.short_option_minimum.to_string(),
        debt_margin: report.debt_margin.to_string(),
        margin_requirement: report.margin_requirement.to_string(),
        margin_ratio: Decimal::new(policy.margin_ratio, 6).to_string(),
        collateral_ratio: Decimal::new(policy.collateral_ratio, 6).to_string(),
        margin_excess: report.margin_excess.to_string(),
        collateral_excess: report.collateral_excess.to_string(),
        margin_ok: report.margin_ok,
        collateral_ok: report.collateral_ok,
        shortfalls,
        limits,
        breakdown: None,
    }
}

/// One limit of risk model v2, named for people.
pub(crate) struct LimitLine {
    pub(crate) kind: &'static str,
    limit: Limit,
    index: usize,
    pub(crate) name: String,
    formula: String,
    pub(crate) slack: Decimal,
    pub(crate) ok: bool,
}

/// Every limit of the policy with the asset, instrument or underlying it is for.
pub(crate) fn limit_lines(policy: &Policy, report: &RiskReport) -> Vec<LimitLine> {
    let line = |kind, limit, name: &str, formula, c: &solvent_model::LimitCheck| LimitLine {
        kind,
        limit,
        index: c.index,
        name: name.to_string(),
        formula,
        slack: c.slack.clone(),
        ok: c.ok,
    };
    let concentration = report.limits.concentration.iter().map(|c| {
        let asset = &policy.assets[c.index];
        let share = Decimal::new(asset.max_share.expect("a capped asset"), 6);
        line("concentration", Limit::Concentration, &asset.id, format!("CV({}) <= {share} x C", asset.id), c)
    });
    let positions = report.limits.positions.iter().map(|c| {
        let inst = &policy.instruments[c.index];
        let limit = Decimal::new(inst.limits.max_abs_position.expect("a limited instrument"), 8);
        line("position", Limit::Position, &inst.id, format!("|q({})| <= {limit}", inst.id), c)
    });
    let net_deltas = report.limits.net_deltas.iter().map(|c| {
        let u = &policy.underlyings[c.index];
        let limit = Decimal::new(u.max_net_delta.expect("a limited underlying"), 8);
        line("net delta", Limit::NetDelta, &u.id, format!("|delta({})| <= {limit}", u.id), c)
    });
    concentration.chain(positions).chain(net_deltas).collect()
}

/// The limits in words: each failing one by name with how far over it is; the holding ones of
/// each kind summed up with the one closest to its limit.
fn limits_text(policy: &Policy, report: &RiskReport, advice: &Advice) -> String {
    let lines = limit_lines(policy, report);
    let mut out = String::new();
    for kind in ["concentration", "position", "net delta"] {
        let of_kind: Vec<&LimitLine> = lines.iter().filter(|l| l.kind == kind).collect();
        let label = format!("{kind} limit");
        for l in of_kind.iter().filter(|l| !l.ok) {
            let over = Decimal::new(-l.slack.mantissa.clone(), l.slack.digits);
            out.push_str(&format!("{label:<17} {} : FAILS: over by {} ({})\n", l.formula, over.grouped(), l.name));
            let fix = breach_of(advice, l).and_then(|b| b.fix.as_ref());
            let fix =
                fix.map_or_else(|| "no single trade or deposit fixes it".to_string(), |f| format!("to fix it: {}", fix_text(policy, f)));
            out.push_str(&format!("{:<17} {fix}\n", ""));
        }
        let holding: Vec<&&LimitLine> = of_kind.iter().filter(|l| l.ok).collect();
        if let Some(closest) = holding.iter().min_by(|a, b| a.slack.mantissa.cmp(&b.slack.mantissa)) {
            out.push_str(&format!(
                "{label:<17} {} of {} hold; closest: {} (slack {})\n",
                holding.len(),
                of_kind.len(),
                closest.formula,
                closest.slack.grouped()
            ));
        }
    }
    out
}

fn negated(d: &Decimal) -> Decimal {
    Decimal::new(-&d.mantissa, d.digits)
}

fn claim_name(claim: Claim) -> &'static str {
    match claim {
        Claim::Margin => "margin",
        Claim::Collateral => "collateral",
    }
}

/// The breach of a limit line, if it is broken.
fn breach_of<'a>(advice: &'a Advice, line: &LimitLine) -> Option<&'a Breach> {
    advice.breaches.iter().find(|b| b.limit == line.limit && b.index == line.index)
}

fn fix_json(policy: &Policy, fix: &Fix) -> FixJson {
    let of_asset = |action, asset: &usize, amount: &Decimal, value: &Decimal| FixJson {
        action,
        asset: Some(policy.assets[*asset].id.clone()),
        instrument: None,
        underlying: None,
        amount: amount.to_string(),
        value: Some(value.to_string()),
        delta: None,
    };
    match fix {
        Fix::Deposit { asset, amount, value } => of_asset("deposit", asset, amount, value),
        Fix::Repay { asset, amount, value } => of_asset("repay", asset, amount, value),
        Fix::ReducePosition { instrument, amount } => FixJson {
            action: "reduce position",
            asset: None,
            instrument: Some(policy.instruments[*instrument].id.clone()),
            underlying: None,
            amount: amount.to_string(),
            value: None,
            delta: None,
        },
        Fix::Hedge { underlying, instrument, amount, delta } => FixJson {
            action: "trade",
            asset: None,
            instrument: Some(policy.instruments[*instrument].id.clone()),
            underlying: Some(policy.underlyings[*underlying].id.clone()),
            amount: amount.to_string(),
            value: None,
            delta: Some(delta.to_string()),
        },
    }
}

fn shortfall_json(policy: &Policy, report: &RiskReport, s: &Shortfall) -> ShortfallJson {
    // The margin claim's ratio applied, in its parts: margin_ratio + buffer_per_hour x hours.
    let threshold_parts = match (s.claim, policy.oracle) {
        (Claim::Margin, Some(oracle)) => Some(ThresholdPartsJson {
            margin_ratio: Decimal::new(policy.margin_ratio, 6).to_string(),
            buffer_per_hour: Decimal::new(oracle.buffer_per_hour, 6).to_string(),
            latency_hours: report.latency_hours,
        }),
        _ => None,
    };
    ShortfallJson {
        claim: claim_name(s.claim),
        short_by: s.short_by.to_string(),
        ratio: s.ratio.as_ref().map(Decimal::to_string),
        threshold: s.threshold.to_string(),
        fixes: [&s.deposit, &s.repay].into_iter().flatten().map(|f| fix_json(policy, f)).collect(),
        threshold_parts,
    }
}

/// A fix in words: "deposit 1,234.5 USDC (worth 1,234.5)".
fn fix_text(policy: &Policy, fix: &Fix) -> String {
    match fix {
        Fix::Deposit { asset, amount, value } => {
            format!("deposit {} {} (worth {})", amount.grouped(), policy.assets[*asset].id, value.grouped())
        }
        Fix::Repay { asset, amount, value } => {
            format!("repay {} {} of debt from outside funds (worth {})", amount.grouped(), policy.assets[*asset].id, value.grouped())
        }
        Fix::ReducePosition { instrument, amount } => {
            format!("reduce the position in {} by {} (to its limit)", policy.instruments[*instrument].id, amount.grouped())
        }
        Fix::Hedge { underlying, instrument, amount, delta } => {
            let (side, units) =
                if amount.mantissa.sign() == num_bigint::Sign::Minus { ("sell", negated(amount)) } else { ("buy", amount.clone()) };
            let id = &policy.instruments[*instrument].id;
            format!(
                "{side} {} {id} (moves the net delta of {} by {})",
                units.grouped(),
                policy.underlyings[*underlying].id,
                delta.grouped()
            )
        }
    }
}

/// The claims' verdicts in words: each holds with its excess, or fails saying what it is short
/// of in the policy's value units, the ratio reached against the threshold, and the smallest
/// deposit or repayment that would make it hold.
pub fn claims(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> String {
    let mr = match policy.oracle {
        Some(o) => format!(
            "{} (= {} + {} x {} h)",
            report.effective_margin_ratio,
            Decimal::new(policy.margin_ratio, 6),
            Decimal::new(o.buffer_per_hour, 6),
            report.latency_hours
        ),
        None => Decimal::new(policy.margin_ratio, 6).to_string(),
    };
    let cr = Decimal::new(policy.collateral_ratio, 6);
    let advice = advise(policy, portfolio, report);
    let failing = &advice.shortfalls;
    let after_limits = if advice.breaches.is_empty() { "" } else { " (after the limit fixes below)" };
    let mut out = String::new();
    for (claim, formula, ok, excess) in [
        (Claim::Margin, format!("E >= {mr} x M"), report.margin_ok, &report.margin_excess),
        (Claim::Collateral, format!("C >= {cr} x D"), report.collateral_ok, &report.collateral_excess),
    ] {
        let label = format!("{} claim", claim_name(claim));
        if ok {
            out.push_str(&format!("{label:<17} {formula} : holds (excess {})\n", excess.grouped()));
            continue;
        }
        let s = failing.iter().find(|s| s.claim == claim).expect("a failing claim has a shortfall");
        let (side, ratio_name) = match claim {
            Claim::Margin => ("equity", "E / M"),
            Claim::Collateral => ("haircut collateral", "C / D"),
        };
        out.push_str(&format!("{label:<17} {formula} : FAILS: {side} is short by {}\n", s.short_by.grouped()));
        if let Some(ratio) = &s.ratio {
            // The ratio the claim applies (with the latency buffer, in its parts).
            let required = if claim == Claim::Margin { mr.clone() } else { s.threshold.to_string() };
            out.push_str(&format!("{:<17} {ratio_name} = {ratio} against the required {required}\n", ""));
        }
        let fixes: Vec<String> = [&s.deposit, &s.repay].into_iter().flatten().map(|f| fix_text(policy, f)).collect();
        if s.fixed_by_limits {
            out.push_str(&format!("{:<17} the limit fixes below make it hold\n", ""));
        } else if fixes.is_empty() {
            out.push_str(&format!("{:<17} no single deposit or repayment fixes it{after_limits}: reduce the positions' risk\n", ""));
        } else {
            out.push_str(&format!("{:<17} to fix it{after_limits}: {}\n", "", fixes.join(", or ")));
        }
    }
    out.push_str(&limits_text(policy, report, &advice));
    out
}

/// Every figure in words.
pub fn human(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> String {
    let worst = report.worst_scenario;
    format!(
        "policy `{}`: {} assets, {} instruments, {} scenarios; valid from {} ({}) to {} ({})\n\
         haircut collateral     C   = {}\n\
         debt                   D   = {}\n\
         adjusted equity        E   = {}\n\
         scanning risk          SR  = {} (worst scenario {worst}: \"{}\", loss {})\n\
         short option minimum   SOM = {}\n\
         debt margin                = {}\n{}\
         margin requirement     M   = {}\n{}",
        policy.id,
        policy.assets.len(),
        policy.instruments.len(),
        policy.scenarios.len(),
        utc(policy.effective_at),
        policy.effective_at,
        utc(policy.expires_at),
        policy.expires_at,
        report.collateral_value.grouped(),
        report.debt_value.grouped(),
        report.equity.grouped(),
        report.scanning_risk.grouped(),
        policy.scenarios[worst],
        report.scenario_losses[worst].grouped(),
        report.short_option_minimum.grouped(),
        report.debt_margin.grouped(),
        limits_figures(policy, report),
        report.margin_requirement.grouped(),
        claims(policy, portfolio, report)
    )
}

/// The figures of risk model v2 (nothing for a policy without limits).
fn limits_figures(policy: &Policy, report: &RiskReport) -> String {
    if !policy.has_limits() {
        return String::new();
    }
    let mut out = format!("{:<27}= {}\n", "large-position add-on", report.add_on.grouped());
    for (u, delta) in policy.underlyings.iter().zip(&report.net_deltas) {
        out.push_str(&format!("{:<27}= {}\n", format!("net delta {}", u.id), delta.grouped()));
    }
    if let Some(o) = policy.oracle {
        out.push_str(&format!(
            "{:<27}= {} started hours since {} ({})\n",
            "price age",
            report.latency_hours,
            utc(o.prices_at),
            o.prices_at
        ));
    }
    out
}

/// Position times delta per contract (16 digits), the instrument's share of its underlying's net
/// delta.
fn position_delta(policy: &Policy, portfolio: &Portfolio, i: usize) -> Decimal {
    Decimal::new(num_bigint::BigInt::from(portfolio.positions[i]) * policy.instruments[i].limits.delta, 16)
}

/// The tier (1-based) a market value (16 digits) reaches in an asset's haircut tiers.
fn tier_reached(policy: &Policy, asset: usize, value: &Decimal) -> usize {
    let tiers = &policy.assets[asset].tiers;
    let reached = tiers
        .iter()
        .position(|t| t.up_to.is_none_or(|up_to| value.mantissa <= num_bigint::BigInt::from(up_to) * solvent_model::AMOUNT_SCALE))
        .unwrap_or(tiers.len() - 1);
    reached + 1
}

/// The breakdown behind the figures: per asset its balance, market value, the haircut tier it
/// reaches and its haircut value, and its debt; per instrument held its position, its loss in
/// the worst scenario and its short option minimum.
pub fn breakdown(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> String {
    let mut out = String::from("collateral and debt per asset\n");
    out.push_str(&format!(
        "  {:<12} {:>22} {:>24} {:>12} {:>26} {:>22} {:>24}\n",
        "asset", "balance", "market value", "tier", "haircut value", "debt", "debt value"
    ));
    for (a, asset) in policy.assets.iter().enumerate() {
        if portfolio.balances[a] == 0 && portfolio.debts[a] == 0 {
            continue;
        }
        let debt_value = Decimal::new(num_bigint::BigInt::from(portfolio.debts[a]) * asset.price, 16);
        out.push_str(&format!(
            "  {:<12} {:>22} {:>24} {:>12} {:>26} {:>22} {:>24}\n",
            asset.id,
            Decimal::new(portfolio.balances[a], 8).grouped(),
            report.market_values[a].grouped(),
            format!("{} of {}", tier_reached(policy, a, &report.market_values[a]), asset.tiers.len()),
            report.haircut_values[a].grouped(),
            Decimal::new(portfolio.debts[a], 8).grouped(),
            debt_value.grouped(),
        ));
    }
    let worst = report.worst_scenario;
    out.push_str(&format!("instruments held (losses in the worst scenario {worst}: \"{}\")\n", policy.scenarios[worst]));
    if portfolio.positions.iter().all(|q| *q == 0) {
        out.push_str("  (no positions)\n");
        return out;
    }
    out.push_str(&format!(
        "  {:<20} {:>22} {:>24} {:>24} {:>22}\n",
        "instrument", "position", "worst-scenario loss", "short option min.", "delta"
    ));
    for (i, instrument) in policy.instruments.iter().enumerate() {
        let q = portfolio.positions[i];
        if q == 0 {
            continue;
        }
        let loss = Decimal::new(num_bigint::BigInt::from(q) * instrument.scenario_loss[worst], 16);
        let som = Decimal::new(num_bigint::BigInt::from((-q).max(0)) * instrument.short_option_minimum, 16);
        let delta = match instrument.limits.underlying {
            Some(u) => format!("{} {}", position_delta(policy, portfolio, i).grouped(), policy.underlyings[u].id),
            None => "-".into(),
        };
        out.push_str(&format!(
            "  {:<20} {:>22} {:>24} {:>24} {:>22}\n",
            instrument.id,
            Decimal::new(q, 8).grouped(),
            loss.grouped(),
            som.grouped(),
            delta
        ));
        let losses: Vec<String> =
            instrument.scenario_loss.iter().map(|l| Decimal::new(num_bigint::BigInt::from(q) * l, 16).grouped()).collect();
        out.push_str(&format!("  {:<20} loss per scenario: {}\n", "", losses.join(", ")));
    }
    out
}

/// The breakdown as JSON (`check --json --breakdown`).
pub fn breakdown_json(policy: &Policy, portfolio: &Portfolio, report: &RiskReport) -> BreakdownJson {
    let worst = report.worst_scenario;
    let assets = policy
        .assets
        .iter()
        .enumerate()
        .map(|(a, asset)| AssetBreakdownJson {
            asset: asset.id.clone(),
            balance: Decimal::new(portfolio.balances[a], 8).to_string(),
            market_value: report.market_values[a].to_string(),
            tier: tier_reached(policy, a, &report.market_values[a]),
            haircut_value: report.haircut_values[a].to_string(),
            debt: Decimal::new(portfolio.debts[a], 8).to_string(),
            debt_value: Decimal::new(num_bigint::BigInt::from(portfolio.debts[a]) * asset.price, 16).to_string(),
        })
        .collect();
    let instruments = policy
        .instruments
        .iter()
        .enumerate()
        .map(|(i, instrument)| {
            let q = num_bigint::BigInt::from(portfolio.positions[i]);
            InstrumentBreakdownJson {
                instrument: instrument.id.clone(),
                position: Decimal::new(q.clone(), 8).to_string(),
                scenario_losses: instrument.scenario_loss.iter().map(|l| Decimal::new(&q * l, 16).to_string()).collect(),
                worst_scenario_loss: Decimal::new(&q * instrument.scenario_loss[worst], 16).to_string(),
                underlying: instrument.limits.underlying.map(|u| policy.underlyings[u].id.clone()),
                delta: position_delta(policy, portfolio, i).to_string(),
            }
        })
        .collect();
    BreakdownJson { assets, instruments }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solvent_model::evaluate;

    /// A v2 policy whose margin ratio 1.5 is raised by 0.05 per started hour since its prices
    /// (observed at 0), and a portfolio that fails the margin claim at time 5.
    fn failing() -> (Policy, Portfolio, RiskReport) {
        let policy = Policy::from_json(
            r#"{"schema":"solvent/policy/v2","id":"t","effective_at":0,"expires_at":10,"scenarios":["down"],
            "assets":[{"id":"USD","price":"1","haircut_tiers":[{"up_to":null,"weight":"1"}],"debt_margin_rate":"0.1"}],
            "instruments":[{"id":"PERP","scenario_loss":["10"],"short_option_minimum":"0"}],
            "thresholds":{"margin_ratio":"1.5","collateral_ratio":"1.2"},
            "oracle":{"prices_at":0,"buffer_per_hour":"0.05"}}"#,
        )
        .unwrap();
        let text = format!(
            r#"{{"schema":"solvent/portfolio/v1","account":"0x{}","balances":{{"USD":"1000"}},"debts":{{"USD":"300"}},"positions":{{"PERP":"50"}}}}"#,
            "11".repeat(20)
        );
        let portfolio = Portfolio::from_json(&text, &policy).unwrap().0;
        let report = evaluate(&policy, &portfolio, 5);
        assert!(!report.margin_ok);
        (policy, portfolio, report)
    }

    #[test]
    fn a_failing_margin_claim_states_the_ratio_applied_and_its_parts() {
        let (policy, portfolio, report) = failing();
        let text = claims(&policy, &portfolio, &report);
        assert!(text.contains("against the required 1.55 (= 1.5 + 0.05 x 1 h)"), "{text}");
        let value = json(&policy, &portfolio, &report);
        let margin = &value.shortfalls[0];
        assert_eq!(margin.threshold, "1.55");
        let parts = ThresholdPartsJson { margin_ratio: "1.5".into(), buffer_per_hour: "0.05".into(), latency_hours: 1 };
        assert_eq!(margin.threshold_parts, Some(parts));
    }
}
