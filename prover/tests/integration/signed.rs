//! Signed holdings proven for real (`docs/design.md` §12): statements signed by solvent's
//! EdDSA-Poseidon signer (equal to `@zk-kit/eddsa-poseidon`'s, `sources/tests/zkkit.rs`) under a
//! policy's sources, summed into the portfolio, proven with the ceremony SRS and checked by
//! solvent's native and wasm verifiers and halo2's own (the Solidity verifier of this circuit
//! is 27,175 bytes, over EIP-170's 24,576: not yet deployable); a proof of other statements' sums is not accepted.

use crate::common;

use solvent_circuits::{AttestationCircuit, Witness};
use solvent_model::{policy::Policy, SignedHoldings};
use solvent_prover::{keys, prove};
use solvent_sources::key::public_key_hex;
use solvent_sources::portfolio::{portfolio_from_statements, sources_from_json};
use solvent_sources::statement::{Items, SignedStatement, Statement};
use solvent_verifier::verify::public_input_bytes;

fn signed(key: &str, time: u64, items: &str) -> SignedStatement {
    Statement { source: key.into(), holder: [0xaa; 20], time, items: Items::from_json(items).unwrap() }.sign(key.as_bytes())
}

#[test]
fn a_proof_from_signed_statements_verifies_natively_in_wasm_and_in_halo2() {
    let sources = sources_from_json(&format!(
        r#"[{{"id": "custodian-a", "public_key": "{}", "attests": ["balances", "debts"], "max_age": 100}},
            {{"id": "venue-b", "public_key": "{}", "attests": ["positions"], "max_age": 10}}]"#,
        public_key_hex(&solvent_sources::eddsa::public_key(b"custodian-a")),
        public_key_hex(&solvent_sources::eddsa::public_key(b"venue-b"))
    ))
    .unwrap();
    let mut policy = Policy::from_json(include_str!("../../../model/tests/vectors/span-policy.json")).unwrap();
    policy.expires_at = 2000;
    policy.signed = Some(SignedHoldings { sources: sources.clone(), statement_slots: 3, items_per_statement: 3, signed_debts: true });
    let statements = [
        signed("custodian-a", 950, r#"{"balances": {"BTC": "6", "USDC": "50000"}, "debts": {"USDC": "10000"}}"#),
        signed("venue-b", 1000, r#"{"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#),
    ];
    let (portfolio, witnesses) = portfolio_from_statements(&policy, &sources, &statements, 1000).unwrap();
    let witness = Witness { policy, portfolio, snapshot_time: 1000, salt: prove::random_salt(), statements: witnesses };
    let circuit = AttestationCircuit::new(&witness);
    let srs = common::srs(circuit.k());
    let keys = keys::generate(circuit.shape(), &srs).unwrap();
    let proof = prove::prove(&keys, &srs, &circuit, &witness).unwrap();
    let commitment = solvent_verifier::policy_commitment(&srs, &witness.policy).unwrap();
    assert_eq!(commitment, proof.policy, "proved against the policy's commitment (its sources' keys included)");
    let inputs = witness.public_inputs();
    assert!(common::halo2_verifies(&srs, &keys, circuit.public_columns(), &proof.bytes), "halo2 rejects the proof");
    solvent_verifier::verify_proof(&keys.verifier_key, &commitment, &inputs, &proof.bytes).unwrap();
    let key_bytes = keys.verifier_key.to_bytes();
    let input_bytes = public_input_bytes(&inputs);
    assert_eq!(common::WasmVerifier::new().verify(&key_bytes, &commitment.to_bytes(), &input_bytes, &proof.bytes).unwrap().0, 0);

    // The same proof under a policy trusting another custodian key: another commitment, refused.
    let mut other = witness.policy.clone();
    let signed_holdings = other.signed.as_mut().unwrap();
    signed_holdings.sources[0].public_key = solvent_sources::eddsa::public_key(b"someone else").pack_bytes();
    let other_commitment = solvent_verifier::policy_commitment(&srs, &other).unwrap();
    assert_ne!(other_commitment, commitment);
    assert!(solvent_verifier::verify_proof(&keys.verifier_key, &other_commitment, &inputs, &proof.bytes).is_err());
}
