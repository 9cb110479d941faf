//! The figures of `solvent check` and `solvent open`, for people and as JSON.

use solvent_model::{policy::Policy, risk::RiskReport, Decimal};

/// The JSON object of `docs/design.md` §3 (`check --json`) (decimals as strings), with a few more figures.
pub fn json(policy: &Policy, report: &RiskReport) -> serde_json::Value {
    serde_json::json!({
        "policy_id": policy.id,
        "collateral_value": report.collateral_value.to_string(),
        "debt_value": report.debt_value.to_string(),
        "equity": report.equity.to_string(),
        "scenario_losses": report.scenario_losses.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
        "scanning_risk": report.scanning_risk.to_string(),
        "worst_scenario": report.worst_scenario,
        "worst_scenario_name": policy.scenarios[report.worst_scenario],
        "short_option_minimum": report.short_option_minimum.to_string(),
        "debt_margin": report.debt_margin.to_string(),
        "margin_requirement": report.margin_requirement.to_string(),
        "margin_ratio": Decimal::new(policy.margin_ratio, 6).to_string(),
        "collateral_ratio": Decimal::new(policy.collateral_ratio, 6).to_string(),
        "margin_excess": report.margin_excess.to_string(),
        "collateral_excess": report.collateral_excess.to_string(),
        "margin_ok": report.margin_ok,
        "collateral_ok": report.collateral_ok,
    })
}

fn negated(d: &Decimal) -> Decimal {
    Decimal::new(-d.mantissa.clone(), d.digits)
}

/// The claims' verdicts in words: which holds, which fails and by how much.
pub fn claims(policy: &Policy, report: &RiskReport) -> String {
    let mr = Decimal::new(policy.margin_ratio, 6);
    let cr = Decimal::new(policy.collateral_ratio, 6);
    let margin = if report.margin_ok {
        format!("holds (excess {})", report.margin_excess)
    } else {
        format!("FAILS: short by {}", negated(&report.margin_excess))
    };
    let collateral = if report.collateral_ok {
        format!("holds (excess {})", report.collateral_excess)
    } else {
        format!("FAILS: short by {}", negated(&report.collateral_excess))
    };
    format!("margin claim      E >= {mr} x M : {margin}\ncollateral claim  C >= {cr} x D : {collateral}\n")
}

/// Every figure in words.
pub fn human(policy: &Policy, report: &RiskReport) -> String {
    let worst = report.worst_scenario;
    format!(
        "policy `{}`: {} assets, {} instruments, {} scenarios\n\
         haircut collateral     C   = {}\n\
         debt                   D   = {}\n\
         adjusted equity        E   = {}\n\
         scanning risk          SR  = {} (worst scenario {worst}: \"{}\", loss {})\n\
         short option minimum   SOM = {}\n\
         debt margin                = {}\n\
         margin requirement     M   = {}\n{}",
        policy.id,
        policy.assets.len(),
        policy.instruments.len(),
        policy.scenarios.len(),
        report.collateral_value,
        report.debt_value,
        report.equity,
        report.scanning_risk,
        policy.scenarios[worst],
        report.scenario_losses[worst],
        report.short_option_minimum,
        report.debt_margin,
        report.margin_requirement,
        claims(policy, report)
    )
}
