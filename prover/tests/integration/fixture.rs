//! The checked-in proof fixture (`fixtures/tiny/`) that the verifier crates test themselves on is
//! the current circuit's: its key is the one this version derives for its policy under the
//! committed ceremony file. When the circuit changes, run `scripts/fixtures.sh`.

use solvent_model::Policy;
use solvent_prover::keys;
use solvent_statement::Registration;
use solvent_verifier::attestation::encode_hex;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/tiny/{name}", env!("CARGO_MANIFEST_DIR"))).expect("the checked-in fixture")
}

#[test]
fn the_checked_in_proof_fixture_is_current() {
    let policy = Policy::from_json(std::str::from_utf8(&read("policy.json")).unwrap()).unwrap();
    let dims = solvent_circuits::Dims::for_shape(policy.shape());
    let ceremony = solvent_params::load(&solvent_params::fixtures::kzg_bn254_12()).unwrap();
    let srs = solvent_params::downsize(&ceremony, dims.k).unwrap();
    let keys = keys::generate(policy.shape(), &srs).unwrap();
    let registration = Registration::parse(&read("verifier.json")).unwrap();
    let stale = "fixtures/tiny/ is not the current circuit's: run scripts/fixtures.sh";
    assert_eq!(registration.vk_hash, encode_hex(&keys.vk_hash()), "{stale}");
    assert_eq!(keys.verifier_key.to_bytes(), read("verifier.key"), "{stale}");
    let attestation: serde_json::Value = serde_json::from_slice(&read("attestation.json")).unwrap();
    assert_eq!(attestation["circuit"]["version"], solvent_circuits::CIRCUIT_VERSION, "{stale}");
}
