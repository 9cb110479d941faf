//! On-chain cost of a shape: the verifier's runtime sizes (two contracts) and the gas of a
//! verification transaction (direct, and through `SolvencyGate.attest`), in revm under mainnet
//! rules; one JSON line.
//!
//! Usage: `gas SHAPE` with SHAPE desk, fund, book or `AxTxIxS` (development SRS; needs Node.js
//! and `npm ci --prefix contracts`).

use solvent_benches::{shape_named, synthetic};
use solvent_circuits::AttestationCircuit;
use solvent_evm::{
    abi::verifier_calldata,
    chain::LocalChain,
    gate,
    solc::{Optimizer, Solc},
    solidity::verifier_source,
    split::{main_creation_code, split_verifier},
};

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "desk".into());
    let shape = shape_named(&name).expect("shape: desk, fund, book or AxTxIxS");
    let witness = synthetic(shape, 1);
    let circuit = AttestationCircuit::new(&witness);
    let srs = solvent_params::dev_srs(circuit.min_k());
    let keys = solvent_prover::keys::generate(shape, &srs).expect("keygen");
    let proof = solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).expect("prove");
    let attestation = solvent_prover::prove::attestation(&witness, &keys, &proof);

    let solc = Solc::locate().expect("solcjs");
    let verifier = split_verifier(&solc, &verifier_source(&keys.srs, keys.vk())).expect("verifier");
    let gate_code = solc.compile_contract(gate::SOURCE, gate::CONTRACT, Optimizer::Runs(200)).expect("gate");

    let owner = [0x0f; 20];
    let account = witness.portfolio.account;
    let mut chain = LocalChain::new();
    chain.set_time(witness.snapshot_time + 60);
    let (part1, part1_deploy) = chain.deploy(owner, verifier.part1.bytecode.clone()).expect("deploy part 1");
    let (verifier_address, verifier_deploy) = chain.deploy(owner, main_creation_code(&verifier.main, &part1)).expect("deploy verifier");
    let direct = chain.call(owner, verifier_address, verifier_calldata(&witness.public_inputs(), &proof)).expect("call");
    assert!(direct.success, "the verifier rejects the proof");
    let (gate_address, _) = chain.deploy(owner, [gate_code.bytecode, gate::constructor_args(3600)].concat()).expect("deploy gate");
    let policy = &witness.policy;
    let inputs = witness.public_inputs();
    assert!(chain.call(owner, gate_address, gate::accept_policy(&inputs.policy_hash, policy.effective_at, policy.expires_at, shape)).unwrap().success);
    assert!(chain.call(owner, gate_address, gate::set_verifier(shape, &verifier_address)).unwrap().success);
    let attest = chain.call(account, gate_address, gate::attest(&attestation).unwrap()).expect("attest");
    assert!(attest.success, "attest reverted: {:?}", gate::revert_reason(&attest.output));
    println!(
        "{}",
        serde_json::json!({
            "shape": shape.to_string(), "k": keys.srs.k, "proof_bytes": proof.len(),
            "verifier_part1_runtime_bytes": verifier.part1.runtime.len(), "verifier_runtime_bytes": verifier.main.runtime.len(),
            "verifier_deploy_gas": part1_deploy.gas_used + verifier_deploy.gas_used,
            "verify_tx_gas": direct.gas_used, "attest_tx_gas": attest.gas_used,
        })
    );
}
