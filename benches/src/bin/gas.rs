//! On-chain cost of a shape: the verifier's runtime size and the gas of a verification
//! transaction (direct, and through `SolvencyGate.attest`), of each set-up step (deploying the
//! verifier and the gate, `setVerifier`, `deployVerifier`, `acceptPolicy`) and of `isAttested` sent as a
//! transaction, in revm under mainnet rules; one JSON line.
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
    solidity::compile_verifier,
};

fn main() {
    let name = std::env::args().nth(1).unwrap_or_else(|| "desk".into());
    let shape = shape_named(&name).expect("shape: desk, fund, book or AxTxIxS");
    let witness = synthetic(shape, 1);
    let circuit = AttestationCircuit::new(&witness);
    let srs = solvent_params::dev_srs(circuit.k());
    let keys = solvent_prover::keys::generate(shape, &srs).expect("keygen");
    let proof = solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).expect("prove");
    let attestation = solvent_prover::prove::attestation(&witness, &keys, &proof);

    let solc = Solc::locate().expect("solcjs");
    let (_, verifier) = compile_verifier(&solc, &keys.verifier_key, solvent_prover::export::VERIFIER_OPTIMIZER).expect("verifier");
    let gate_code = gate::compile(&solc, Optimizer::Runs(200)).expect("gate");

    let owner = [0x0f; 20];
    let account = witness.portfolio.account;
    let mut chain = LocalChain::new();
    chain.set_time(witness.snapshot_time + 60);
    let (verifier_address, verifier_deploy) = chain.deploy(owner, verifier.bytecode.clone()).expect("deploy verifier");
    let direct =
        chain.call(owner, verifier_address, verifier_calldata(&proof.policy, &witness.public_inputs(), &proof.bytes)).expect("call");
    assert!(direct.success, "the verifier rejects the proof");
    let (gate_address, gate_deploy) =
        chain.deploy(owner, [gate_code.bytecode, gate::constructor_args(3600)].concat()).expect("deploy gate");
    let policy = &witness.policy;
    let accept =
        chain.call(owner, gate_address, gate::accept_policy(&proof.policy, policy.effective_at, policy.expires_at, shape)).unwrap();
    assert!(accept.success);
    let set_verifier = chain.call(owner, gate_address, gate::set_verifier(shape, &verifier_address)).unwrap();
    assert!(set_verifier.success);
    let attest = chain.call(account, gate_address, gate::attest(&attestation).unwrap()).expect("attest");
    assert!(attest.success, "attest reverted: {:?}", gate::revert_reason(&attest.output));
    let asked = chain.call(owner, gate_address, gate::is_attested(&account, &proof.policy.id())).unwrap();
    assert_eq!(asked.output.last(), Some(&1), "isAttested");
    // The one-transaction alternative to deploying the verifier and setVerifier: deployVerifier.
    let deployed = chain.call(owner, gate_address, gate::deploy_verifier(shape, &verifier.bytecode)).unwrap();
    assert!(deployed.success, "deployVerifier reverted: {:?}", gate::revert_reason(&deployed.output));
    println!(
        "{}",
        serde_json::json!({
            "shape": shape.to_string(), "k": keys.srs.k, "lanes": keys.dims.lanes, "proof_bytes": proof.bytes.len(),
            "verifier_runtime_bytes": verifier.runtime.len(), "verifier_deploy_gas": verifier_deploy.gas_used,
            "gate_runtime_bytes": gate_code.runtime.len(), "gate_deploy_gas": gate_deploy.gas_used,
            "accept_policy_gas": accept.gas_used, "set_verifier_gas": set_verifier.gas_used, "deploy_verifier_gas": deployed.gas_used,
            "verify_tx_gas": direct.gas_used, "attest_tx_gas": attest.gas_used, "is_attested_tx_gas": asked.gas_used,
        })
    );
}
