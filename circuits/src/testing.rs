//! Shared test fixtures: small policies and portfolios, and MockProver helpers.

use crate::attestation::{synthesize_attestation, AttestationCircuit, Witness};
use crate::config::{k_for_rows, rows};
use crate::context::Context;
use crate::encoding::{PublicInputs, Shape};
use crate::layout::{Dims, Regions};
use crate::public::{header, header_with, public_columns};
use halo2_proofs::{dev::MockProver, halo2curves::bn256::Fr};
use solvent_model::{Policy, Portfolio};
use std::collections::HashMap;
use std::sync::Arc;

/// A SPAN-style policy: two assets with tiers, a perpetual and a short call, four scenarios.
pub const SPAN_POLICY: &str = include_str!("../../model/tests/vectors/span-policy.json");

/// The SPAN-style policy with every limit of risk model v2: concentration caps, two
/// underlyings (one limited), deltas, position limits, add-ons and an oracle-latency buffer.
pub const SPAN_POLICY_V2: &str = include_str!("../../model/tests/vectors/span-policy-v2.json");

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

/// A passing witness under [`SPAN_POLICY_V2`] (the same portfolio as [`span_witness`]).
pub fn span_witness_v2() -> Witness {
    let policy = Policy::from_json(SPAN_POLICY_V2).unwrap();
    let text = portfolio_json(r#""USDC": "50000", "BTC": "6""#, r#""USDC": "10000""#, r#""BTC-PERP": "1", "BTC-C-25000": "-2""#);
    let (portfolio, _) = Portfolio::from_json(&text, &policy).unwrap();
    witness(policy, portfolio)
}

/// The snapshot time of test witnesses.
pub const SNAPSHOT_TIME: u64 = 150;

/// A witness at [`SNAPSHOT_TIME`] with a fixed salt.
pub fn witness(policy: Policy, portfolio: Portfolio) -> Witness {
    Witness { policy, portfolio, snapshot_time: SNAPSHOT_TIME, salt: [7; 31], statements: Vec::new() }
}

/// MockProver's failures, as text.
pub fn mock(circuit: &AttestationCircuit, public: Vec<Vec<Fr>>) -> Result<(), Vec<String>> {
    mock_circuit(circuit.k(), circuit, public)
}

/// MockProver's failures on any circuit (a chip's own test circuit), as text.
pub fn mock_circuit<C: halo2_proofs::plonk::Circuit<Fr>>(k: u32, circuit: &C, public: Vec<Vec<Fr>>) -> Result<(), Vec<String>> {
    let prover = MockProver::run(k, circuit, public).expect("synthesis");
    prover.verify().map_err(|failures| failures.iter().map(|f| f.to_string()).collect())
}

/// MockProver's verdict on the honest circuit of `w`.
pub fn mock_honest(w: &Witness) -> Result<(), Vec<String>> {
    let circuit = AttestationCircuit::new(w);
    mock(&circuit, circuit.public_columns().to_vec())
}

/// Which public inputs a cheating prover claims.
pub enum Claim {
    /// The ones its forged witness computes (the sponge's digest, the loaded account and time).
    Computed,
}

/// MockProver's verdict when a cheating prover forces `forged` cell values (and recomputes
/// everything downstream); checked against the honest public inputs (`None`) or against the
/// forged witness's own.
pub fn mock_forged(w: &Witness, forged: HashMap<usize, Fr>, claim: Option<Claim>) -> Result<(), Vec<String>> {
    let dims = Dims::for_shape(w.shape());
    let regions = Arc::new(Regions::new(w.shape(), dims));
    let build = |inputs: &PublicInputs| {
        let header = header_with(&w.policy, regions.header_rows, inputs);
        let mut ctx = Context::with_forged_cells(regions.clone(), &header, forged.clone());
        let figures = synthesize_attestation(&mut ctx, w);
        (ctx, figures)
    };
    let honest = w.public_inputs();
    let inputs = match claim {
        None => honest,
        Some(Claim::Computed) => {
            let (_, figures) = build(&honest);
            PublicInputs { portfolio_commitment: figures.digest.value, account: figures.account.value, snapshot_time: figures.time.value }
        }
    };
    let (ctx, _) = build(&inputs);
    let public = public_columns(&w.policy, &dims, &inputs);
    mock(&AttestationCircuit::from_context(w.shape(), dims, ctx, public.clone()), public)
}

/// The shape of bare test contexts: no assets, instruments or scenarios.
const EMPTY: Shape = Shape::v1(0, 0, 0, 0);

/// A bare context (header only) for chip tests, forcing `forged` cell values.
pub fn test_context(forged: HashMap<usize, Fr>) -> Context {
    let dims = Dims::with_lanes(EMPTY, 1);
    let regions = Arc::new(Regions::new(EMPTY, dims));
    let header = header(&Witness::zero(EMPTY).policy, regions.header_rows);
    Context::with_forged_cells(regions, &header, forged)
}

/// MockProver's verdict on a bare context (its sponge region is empty: chip tests hash nothing).
pub fn mock_context(ctx: Context) -> Result<(), Vec<String>> {
    let mut dims = ctx.regions().dims;
    dims.k = k_for_rows(rows(&ctx), &dims);
    let public = vec![header(&Witness::zero(EMPTY).policy, ctx.regions().header_rows)];
    mock(&AttestationCircuit::from_context(EMPTY, dims, ctx, public.clone()), public)
}

/// A context laid out for `w`'s shape holding only its header (with `w`'s public inputs), for
/// the tests of a chip that reads the policy's lanes (the instrument blocks), forcing `forged`
/// cell values.
pub fn shaped_context(w: &Witness, forged: HashMap<usize, Fr>) -> Context {
    let regions = Arc::new(Regions::new(w.shape(), Dims::for_shape(w.shape())));
    let header = header_with(&w.policy, regions.header_rows, &w.public_inputs());
    Context::with_forged_cells(regions, &header, forged)
}

/// MockProver's verdict on a context of [`shaped_context`] under `w`'s public columns.
pub fn mock_shaped(w: &Witness, ctx: Context) -> Result<(), Vec<String>> {
    let dims = ctx.regions().dims;
    let public = public_columns(&w.policy, &dims, &w.public_inputs());
    mock(&AttestationCircuit::from_context(w.shape(), dims, ctx, public.clone()), public)
}

/// Asserts that the verdict is a rejection naming `needle` (a gate, a lookup or an equality).
pub fn assert_failure(verdict: Result<(), Vec<String>>, needle: &str) {
    match verdict {
        Ok(()) => panic!("accepted; expected a failure of {needle}"),
        Err(failures) => assert!(failures.iter().any(|f| f.contains(needle)), "expected {needle}, got {failures:?}"),
    }
}

/// Asserts that the verdict is a rejection at the constraint named `constraint` of the gate
/// named `gate` (not merely at some constraint of that gate).
pub fn assert_constraint_failure(verdict: Result<(), Vec<String>>, gate: &str, constraint: &str) {
    let (name, gate) = (format!("('{constraint}') in gate"), format!("('{gate}')"));
    match verdict {
        Ok(()) => panic!("accepted; expected a failure of {constraint} in {gate}"),
        Err(failures) => assert!(
            failures.iter().any(|f| f.contains(&name) && f.contains(&gate)),
            "expected {constraint} in {gate} to fail, got {failures:?}"
        ),
    }
}

/// The honest context of `w` and its figures (to find the cells a test forges).
pub fn built(w: &Witness) -> (Context, crate::attestation::Figures) {
    let regions = Arc::new(Regions::new(w.shape(), Dims::for_shape(w.shape())));
    let header = header_with(&w.policy, regions.header_rows, &w.public_inputs());
    let mut ctx = Context::new(regions, &header);
    let figures = synthesize_attestation(&mut ctx, w);
    (ctx, figures)
}

/// The index of the cell placed at an advice column and row of `ctx`.
pub fn cell_at(ctx: &Context, column: usize, row: usize) -> usize {
    ctx.places
        .iter()
        .position(|p| *p == crate::context::Place::At { column, row })
        .unwrap_or_else(|| panic!("no cell at column {column}, row {row}"))
}

/// The rows a range-check failure names: a byte of the range column outside the table
/// (`range: byte`), or a running sum in the range column `a_0` whose last row is not the
/// header's zero (its copy).
fn failing_range_rows(failures: &[String]) -> Vec<usize> {
    let range_column = "Equality constraint not satisfied by cell (Column('Advice', 0";
    failures
        .iter()
        .filter(|f| f.contains("Lookup range: byte(") || f.starts_with(range_column))
        .filter_map(|f| {
            let at = f.rfind("at offset ").map(|i| i + "at offset ".len()).or_else(|| f.rfind("row ").map(|i| i + 4))?;
            f[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok()
        })
        .collect()
}

/// Asserts that the range check `label` (the label of the check whose running sum fails starts
/// with it) rejects the witness: not merely some range check of the circuit.
pub fn assert_range_failure(verdict: Result<(), Vec<String>>, ctx: &Context, label: &str) {
    let failures = verdict.expect_err("accepted; expected a range check to fail");
    let checks: Vec<String> = failing_range_rows(&failures).into_iter().filter_map(|row| ctx.range_check_at(row)).collect();
    assert!(
        checks.iter().any(|c| c.starts_with(label)),
        "expected the range check `{label}` to fail; failing range checks: {checks:?}; failures: {failures:?}"
    );
}
