//! Writes the checked-in proof fixture (`fixtures/tiny/`) that the verifier crates test
//! themselves on without proving: a real attestation of a tiny shape (the SPAN test policy, 2
//! assets, 2 instruments, 4 scenarios, k = 10) under the committed k = 12 ceremony file, the wasm
//! verifier's key and the trusted part of `verifier.json`. Run by `scripts/fixtures.sh` whenever
//! `CIRCUIT_VERSION` moves (a prover test fails until then).

use solvent_circuits::{AttestationCircuit, Witness};
use solvent_model::{Policy, Portfolio};
use solvent_prover::{keys, prove};
use solvent_verifier::AttestationFile;
use std::path::PathBuf;

/// The fixture's policy.
const POLICY: &str = include_str!("../../model/tests/vectors/span-policy.json");
/// The fixture's portfolio.
const PORTFOLIO: &str = include_str!("../../fixtures/tiny/portfolio.json");

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fixtures/tiny".into()));
    let policy = Policy::from_json(POLICY).expect("the test policy");
    let portfolio = Portfolio::from_json(PORTFOLIO, &policy).expect("the fixture portfolio").0;
    let witness = Witness { policy: policy.clone(), portfolio, snapshot_time: 150, salt: prove::random_salt(), statements: Vec::new() };
    let circuit = AttestationCircuit::new(&witness);
    let ceremony = solvent_params::load(&solvent_params::fixtures::kzg_bn254_12()).expect("the committed ceremony file");
    let srs = solvent_params::downsize(&ceremony, circuit.k()).expect("k <= 12");
    let keys = keys::generate(circuit.shape(), &srs).expect("keys");
    let proof = prove::prove(&keys, &srs, &circuit, &witness).expect("a proof");
    let attestation = prove::attestation(&witness, &keys, &proof);
    let shape = policy.shape();
    let registration = solvent_prover::export::registration_of(&keys, &policy, &proof.policy, solvent_statement::DEFAULT_MAX_SNAPSHOT_AGE);
    std::fs::write(dir.join("policy.json"), POLICY).expect("write");
    std::fs::write(dir.join("verifier.key"), keys.verifier_key.to_bytes()).expect("write");
    std::fs::write(dir.join("verifier.json"), serde_json::to_string_pretty(&registration).expect("json") + "\n").expect("write");
    std::fs::write(dir.join("attestation.json"), attestation.to_json()).expect("write");
    println!("wrote {} (shape {shape}, k = {}, vk_hash {})", dir.display(), keys.srs.k, registration.vk_hash);
}
