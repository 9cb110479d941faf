//! The native verifier on the checked-in proof fixture (`fixtures/tiny/`, written by
//! `scripts/fixtures.sh`): the attestation read strictly, its proof checked against the
//! commitment of the trusted policy under the committed ceremony file, every rule applied; no
//! proving and no key generation.

use solvent_model::Policy;
use solvent_params::VerifierSrs;
use solvent_statement::Registration;
use solvent_verifier::{policy_commitment, verify, verify_proof, Attestation, AttestationFile, Checks, PolicyCommitment, Trusted};
use solvent_verifier_wasm::key::VerifierKey;

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{}/../fixtures/tiny/{name}", env!("CARGO_MANIFEST_DIR"))).expect("the checked-in fixture")
}

#[test]
fn the_fixture_verifies_natively_against_the_trusted_policy_and_each_change_is_refused() {
    let policy = Policy::from_json(&read("policy.json")).unwrap();
    let attestation = Attestation::from_json(&read("attestation.json")).unwrap();
    let registration = Registration::parse(read("verifier.json").as_bytes()).unwrap();
    let key =
        VerifierKey::from_bytes(&std::fs::read(format!("{}/../fixtures/tiny/verifier.key", env!("CARGO_MANIFEST_DIR"))).unwrap()).unwrap();
    // The commitment computed from the trusted policy under the trusted SRS is the registered one.
    let ceremony = solvent_params::load(&solvent_params::fixtures::kzg_bn254_12()).unwrap();
    let commitment = policy_commitment(&ceremony, &policy).unwrap();
    assert_eq!(commitment, PolicyCommitment::from_hex("policy_commitment", &registration.policy_commitment).unwrap());
    let inputs = attestation.public_inputs().unwrap();
    let proof = attestation.proof_bytes().unwrap();
    verify_proof(&key, &commitment, &inputs, &proof).expect("the fixture's proof verifies");

    let srs = VerifierSrs::of(&solvent_params::downsize(&ceremony, key.k).unwrap());
    let vk_hash = solvent_statement::hex::decode_array(&registration.vk_hash).unwrap();
    let trusted = Trusted { policy: &policy, commitment: &commitment, key: &key, vk_hash, srs: &srs };
    let checks = |now| Checks { account: None, now, allow_insecure_srs: false, max_age: None };
    let code = |a: &Attestation, now| verify(a, &trusted, &checks(now)).0.err().map_or("VALID", |r| r.code());
    assert_eq!(code(&attestation, 160), "VALID");
    assert!(verify(&attestation, &trusted, &checks(160)).1.is_some(), "a statement");
    assert_eq!(code(&attestation, 200), "EXPIRED");
    let mut later = attestation.clone();
    later.public_inputs.snapshot_time = 151;
    assert_eq!(code(&later, 160), "PROOF");
    let mut other_vk = attestation.clone();
    other_vk.vk_hash = solvent_statement::hex::encode_hex(&[7; 32]);
    assert_eq!(code(&other_vk, 160), "VK_MISMATCH");
    let mut other_policy = policy.clone();
    other_policy.assets[0].price += 1;
    let moved = policy_commitment(&ceremony, &other_policy).unwrap();
    assert_ne!(moved, commitment);
    assert!(verify_proof(&key, &moved, &inputs, &proof).is_err(), "the proof does not move to another price");
}
