//! solvent's verifier (the code the native and wasm verifiers share) against halo2-axiom's own
//! verifier with the public columns committed, on a real proof and tampered ones.

use crate::common;

use solvent_circuits::AttestationCircuit;

#[test]
fn solvent_and_halo2_agree_on_a_real_proof_and_on_every_flipped_word() {
    let (witness, keys, srs, proof) = common::demo_proof();
    let circuit = AttestationCircuit::new(&witness);
    let public = circuit.public_columns();
    let inputs = witness.public_inputs();
    let commitment = solvent_verifier::policy_commitment(&srs, &witness.policy).unwrap();
    assert_eq!(commitment, proof.policy, "the prover proved against the policy's commitment");
    assert!(common::halo2_verifies(&srs, &keys, public, &proof.bytes), "halo2 rejects the proof");
    solvent_verifier::verify_proof(&keys.verifier_key, &commitment, &inputs, &proof.bytes).unwrap();
    // One flipped bit in every 32-byte word: each commitment coordinate, each evaluation and both
    // opening proofs.
    for word in 0..proof.bytes.len() / 32 {
        for (byte, bit) in [(31, 0x01), (0, 0x10)] {
            let mut tampered = proof.bytes.clone();
            tampered[32 * word + byte] ^= bit;
            assert!(!common::halo2_verifies(&srs, &keys, public, &tampered), "halo2 accepted word {word} flipped");
            assert!(
                solvent_verifier::verify_proof(&keys.verifier_key, &commitment, &inputs, &tampered).is_err(),
                "solvent accepted word {word} flipped"
            );
        }
    }
}
