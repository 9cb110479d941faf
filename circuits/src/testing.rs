//! Shared test fixtures: small policies and portfolios, and MockProver helpers.

use crate::attestation::{AttestationCircuit, Witness};
use crate::context::Context;
use halo2_proofs::{dev::MockProver, halo2curves::bn256::Fr};
use solvent_model::{Policy, Portfolio};
use std::collections::HashMap;

/// A SPAN-style policy: two assets with tiers, a perpetual and a short call, four scenarios.
pub const SPAN_POLICY: &str = include_str!("../../examples/span-policy.json");

/// A portfolio JSON with the given map bodies.
pub fn portfolio_json(balances: &str, debts: &str, positions: &str) -> String {
    format!(
        r#"{{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
            "balances": {{{balances}}}, "debts": {{{debts}}}, "positions": {{{positions}}}}}"#
    )
}

/// A passing SPAN-style witness.
pub fn span_witness() -> Witness {
    let policy = Policy::from_json(SPAN_POLICY).unwrap();
    let text = portfolio_json(r#""USDC": "50000", "BTC": "6""#, r#""USDC": "10000""#, r#""BTC-PERP": "1", "BTC-C-25000": "-2""#);
    let (portfolio, _) = Portfolio::from_json(&text, &policy).unwrap();
    witness(policy, portfolio)
}

/// A witness at time 150 with a fixed salt.
pub fn witness(policy: Policy, portfolio: Portfolio) -> Witness {
    Witness { policy, portfolio, snapshot_time: 150, salt: [7; 31] }
}

/// Runs MockProver on a circuit against the witness's honest public inputs.
pub fn mock(circuit: &AttestationCircuit, instances: Vec<Fr>) -> Result<(), Vec<String>> {
    let prover = MockProver::run(circuit.min_k(), circuit, vec![instances]).expect("synthesis");
    prover.verify().map_err(|failures| failures.iter().map(|f| f.to_string()).collect())
}

/// MockProver's verdict on the honest circuit of `w`.
pub fn mock_honest(w: &Witness) -> Result<(), Vec<String>> {
    mock(&AttestationCircuit::new(w), w.public_inputs().to_vec())
}

/// Which public inputs a cheating prover claims.
pub enum Claim {
    /// The ones its forged witness computes (all four exposed cells).
    Computed,
}

/// MockProver's verdict when a cheating prover forces `forged` cell values (and recomputes
/// everything downstream); checked against the honest public inputs (`None`) or against the
/// forged witness's own.
pub fn mock_forged(w: &Witness, forged: HashMap<usize, Fr>, claim: Option<Claim>) -> Result<(), Vec<String>> {
    let mut ctx = Context::with_forged_cells(forged);
    crate::attestation::synthesize_attestation(&mut ctx, w);
    let instances = match claim {
        None => w.public_inputs().to_vec(),
        Some(Claim::Computed) => {
            let mut exposed = ctx.instances.clone();
            exposed.sort_by_key(|(_, row)| *row);
            exposed.iter().map(|(i, _)| ctx.cells[*i]).collect()
        }
    };
    let circuit = AttestationCircuit::from_context(crate::Shape::of(&w.policy), ctx);
    mock(&circuit, instances)
}

/// MockProver's verdict on a bare context (no public inputs), laid out as the circuit is.
pub fn mock_context(ctx: Context) -> Result<(), Vec<String>> {
    let shape = crate::Shape { assets: 0, tiers: 0, instruments: 0, scenarios: 0 };
    mock(&AttestationCircuit::from_context(shape, ctx), vec![])
}
