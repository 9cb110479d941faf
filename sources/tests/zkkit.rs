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

/// Runs `statement.cjs` (poseidon-lite and zk-kit, from the specification alone) on `input`.
fn sign_in_node(input: &serde_json::Value) -> serde_json::Value {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("signer-js");
    let mut child =
        Command::new("node").arg("statement.cjs").current_dir(&folder).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("node");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "statement.cjs failed");
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_statement_signed_outside_solvent_has_the_same_message_and_verifies() {
    use solvent_sources::key::{hex_32, public_key_hex};
    use solvent_sources::statement::{SignedStatement, STATEMENT_SCHEMA};
    let key = "custodian-a";
    // Keys out of byte order, a short position, fractional amounts, a debt.
    let items = serde_json::json!({
        "balances": {"USDC": "50000.25", "BTC": "6.12345678", "ETH": "0"},
        "debts": {"USDC": "10000"},
        "positions": {"BTC-PERP": "-1.5", "BTC-C-25000": "2"}
    });
    let mut input = items.clone();
    input["key"] = key.into();
    input["holder"] = "0x5a0b54d5dc17e0aadc383d2db43b0a0d3e029c4c".into();
    input["time"] = 1_764_550_000u64.into();
    let theirs = sign_in_node(&input);
    let hex = |decimal: &serde_json::Value| hex_32(&num_bigint::BigUint::parse_bytes(decimal.as_str().unwrap().as_bytes(), 10).unwrap());
    let mut file = items;
    file["schema"] = STATEMENT_SCHEMA.into();
    file["source"] = key.into();
    file["holder"] = input["holder"].clone();
    file["time"] = input["time"].clone();
    file["signature"] = serde_json::json!({"r8": hex(&theirs["r8"]), "s": hex(&theirs["s"])});
    let signed = SignedStatement::from_json(&file.to_string()).unwrap();
    assert_eq!(signed.statement.message(), fr_decimal(theirs["message"].as_str().unwrap()), "the message");
    let source = public_key(key.as_bytes());
    assert!(signed.verifies(&source), "zk-kit's signature of the statement verifies");
    assert_eq!(signed, signed.statement.clone().sign(key.as_bytes()), "and is solvent's (deterministic) signature");
    // One unit more of one amount: another message, the signature refused.
    let tampered = file.to_string().replace("\"6.12345678\"", "\"6.12345679\"");
    assert!(!SignedStatement::from_json(&tampered).unwrap().verifies(&source));
    assert!(!signed.verifies(&public_key(b"another source")));
    assert_eq!(public_key_hex(&source).len(), 66);
}
