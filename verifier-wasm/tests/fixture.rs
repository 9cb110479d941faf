//! The wasm verifier on the checked-in proof fixture (`fixtures/tiny/`, written by
//! `scripts/fixtures.sh`): it accepts the real proof and refuses every changed part, and the
//! rules around it (`solvent_verify_attestation`'s code) give each verdict, all without proving.

use solvent_statement::{verify_json, Attestation, Registration};
use solvent_verifier_wasm::{key::VerifierKey, verify_bytes, VerifyError};

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/tiny/{name}", env!("CARGO_MANIFEST_DIR"))).expect("the checked-in fixture")
}

/// The key, the policy commitment, the public inputs and the proof of the fixture.
fn parts() -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
    let (_, declared) = Attestation::parse(&read("attestation.json")).unwrap();
    let (_, trusted) = Registration::parse(&read("verifier.json")).unwrap().trusted().unwrap();
    (read("verifier.key"), trusted.commitment, declared.public_input_bytes(), declared.proof)
}

/// The BN254 base field's modulus, big-endian.
const P: [u8; 32] = [
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d, 0x97, 0x81, 0x6a, 0x91, 0x68, 0x71,
    0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47,
];

/// The point `(x, p - y)`: on the curve, but another commitment.
fn negated(point: &[u8]) -> Vec<u8> {
    let mut out = point.to_vec();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(P[i]) - i16::from(point[32 + i]) - borrow;
        out[32 + i] = d.rem_euclid(256) as u8;
        borrow = i16::from(d < 0);
    }
    out
}

#[test]
fn the_real_proof_verifies_and_every_changed_part_is_refused() {
    let (key, commitment, inputs, proof) = parts();
    assert_eq!(verify_bytes(&key, &commitment, &inputs, &proof), Ok(()));
    let mut flipped = proof.clone();
    flipped[200] ^= 1;
    assert!(verify_bytes(&key, &commitment, &inputs, &flipped).is_err(), "a flipped proof byte");
    let mut other_input = inputs.clone();
    other_input[95] ^= 1;
    assert_eq!(verify_bytes(&key, &commitment, &other_input, &proof), Err(VerifyError::Pairing), "another snapshot time");
    assert_eq!(verify_bytes(&key, &negated(&commitment), &inputs, &proof), Err(VerifyError::Pairing), "another policy commitment");
    assert_eq!(verify_bytes(&key, &commitment, &inputs, &proof[..proof.len() - 32]), Err(VerifyError::Truncated));
    assert_eq!(verify_bytes(&key, &commitment, &inputs, &[proof.clone(), vec![0; 32]].concat()), Err(VerifyError::Trailing));
    assert_eq!(verify_bytes(&key[..key.len() - 1], &commitment, &inputs, &proof), Err(VerifyError::Key));
    assert_eq!(VerifierKey::from_bytes(&key).unwrap().to_bytes(), key, "the key round-trips");
}

fn outcome(attestation: &[u8], options: &str) -> String {
    let key = read("verifier.key");
    let out = verify_json(attestation, &read("verifier.json"), options.as_bytes(), |c, i, p| {
        verify_bytes(&key, c, i, p).map_err(VerifyError::name)
    });
    String::from_utf8(out).unwrap()
}

#[test]
fn the_exported_rules_give_each_verdict_on_the_fixture() {
    let attestation = read("attestation.json");
    let valid = outcome(&attestation, r#"{"now": 160}"#);
    assert!(valid.starts_with(r#"{"verdict":"VALID","code":null,"reason":null,"statement":{"#), "{valid}");
    assert!(outcome(&attestation, r#"{"now": 200}"#).contains(r#""code":"EXPIRED""#));
    assert!(outcome(&attestation, r#"{"now": 140}"#).contains(r#""code":"NOT_YET_VALID""#));
    assert!(outcome(&attestation, r#"{"now": 170, "max_age": 10}"#).contains(r#""code":"TOO_OLD""#));
    let other = r#"{"now": 160, "account": "0x00000000000000000000000000000000000000bb"}"#;
    assert!(outcome(&attestation, other).contains(r#""code":"ACCOUNT""#));
    let text = String::from_utf8(attestation.clone()).unwrap();
    let later = text.replace(r#""snapshot_time": 150"#, r#""snapshot_time": 151"#);
    assert!(outcome(later.as_bytes(), r#"{"now": 160}"#).contains(r#""code":"PROOF""#));
    let renamed = text.replace(r#""name": "span""#, r#""name": "other""#);
    assert!(outcome(renamed.as_bytes(), r#"{"now": 160}"#).contains(r#""code":"POLICY_NAME""#));
    assert!(outcome(b"{}", r#"{"now": 160}"#).starts_with(r#"{"error":{"field":"attestation""#));
    assert!(outcome(&attestation, r#"{"now": "soon"}"#).starts_with(r#"{"error":{"field":"options""#));
}
