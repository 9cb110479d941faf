//! solvent's EdDSA-Poseidon against an outside signer: `@zk-kit/eddsa-poseidon` (npm, run in
//! Node from `sources/signer-js`, installed by the test command) derives the same public keys and
//! packs them the same and makes the same (deterministic) signatures, and solvent verifies the package's signatures.

use halo2_proofs::halo2curves::{bn256::Fr, ff::Field};
use solvent_sources::babyjubjub::{fr_decimal, Point};
use solvent_sources::eddsa::{public_key, sign, verify, Signature};
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn keys_and_signatures_agree_with_zk_kit() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("signer-js");
    assert!(folder.join("node_modules/@zk-kit/eddsa-poseidon").exists(), "run `npm ci --prefix sources/signer-js` (scripts/test.sh does)");
    let cases = [
        ("custodian-a", "0"),
        ("custodian-a", "1"),
        ("venue b, a longer private key than thirty-two bytes, as zk-kit allows", "123456789"),
        ("k", "21888242871839275222246405745257275088548364400416034343698204186575808495616"),
    ];
    let input = serde_json::to_string(&cases).unwrap();
    let mut child =
        Command::new("node").arg("vectors.cjs").current_dir(&folder).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("node");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "vectors.cjs failed");
    let vectors: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    let point = |v: &serde_json::Value| Point { x: fr_decimal(v[0].as_str().unwrap()), y: fr_decimal(v[1].as_str().unwrap()) };
    for ((key, message), vector) in cases.iter().zip(&vectors) {
        let message = fr_decimal(message);
        let theirs = Signature { r8: point(&vector["r8"]), s: fr_decimal(vector["s"].as_str().unwrap()) };
        let their_key = point(&vector["public_key"]);
        assert_eq!(public_key(key.as_bytes()), their_key, "{key}: the public key");
        let packed = num_bigint::BigUint::parse_bytes(vector["packed"].as_str().unwrap().as_bytes(), 10).unwrap();
        assert_eq!(their_key.pack(), packed, "{key}: the packed public key");
        assert_eq!(Point::unpack(&packed), Some(their_key), "{key}: unpacked");
        assert_eq!(sign(key.as_bytes(), message), theirs, "{key}: the signature");
        assert!(verify(message, &theirs, &their_key), "{key}: zk-kit's signature verifies");
        assert!(!verify(message + Fr::ONE, &theirs, &their_key), "{key}: not of another message");
    }
}
