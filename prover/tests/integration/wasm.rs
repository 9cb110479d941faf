//! The wasm verifier module (`solvent-verifier-wasm` built for `wasm32-unknown-unknown`): no
//! imports, no floating-point arithmetic, and it verifies a real proof in an interpreter (wasmi).

use crate::common;

use solvent_verifier::verify::public_input_bytes;
use solvent_verifier_wasm::{key::VerifierKey, VerifyError};

/// Names of the floating-point instructions and value types in a module, but for the moves of a
/// float's bits (loads, stores, reinterpretation as an integer): serde's error messages carry a
/// `f64` (`Unexpected::Float`) that core's formatter reads as bits, with integer arithmetic only.
fn floating_point_uses(module: &[u8]) -> Vec<String> {
    const BIT_MOVES: [&str; 4] = ["F64Load", "F64Store", "I64ReinterpretF64", "F64ReinterpretI64"];
    let mut found = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            for local in body.get_locals_reader().unwrap() {
                let (_, ty) = local.unwrap();
                if matches!(ty, wasmparser::ValType::F32) {
                    found.push(format!("local {ty:?}"));
                }
            }
            for op in body.get_operators_reader().unwrap() {
                let name = format!("{:?}", op.unwrap());
                if (name.contains("F32") || name.contains("F64")) && !BIT_MOVES.iter().any(|m| name.starts_with(m)) {
                    found.push(name);
                }
            }
        }
    }
    found
}

#[test]
fn wasm_module_verifies_in_an_interpreter_without_imports_or_float_arithmetic() {
    // The interpreter recurses deeply translating the module: give it room.
    std::thread::Builder::new().stack_size(256 << 20).spawn(run).unwrap().join().unwrap();
}

fn run() {
    let (witness, keys, _srs, proof) = common::demo_proof();
    let wasm = common::WasmVerifier::new();
    let floats = floating_point_uses(&wasm.bytes);
    assert!(floats.is_empty(), "floating-point arithmetic in the module: {:?}", &floats[..floats.len().min(10)]);
    let module = wasmi::Module::new(&wasmi::Engine::default(), &wasm.bytes[..]).unwrap();
    let imports: Vec<String> = module.imports().map(|i| format!("{}::{}", i.module(), i.name())).collect();
    assert!(imports.is_empty(), "the module needs imports: {imports:?}");

    let key = keys.verifier_key.to_bytes();
    let commitment = proof.policy.to_bytes();
    let inputs = public_input_bytes(&witness.public_inputs());
    let (code, fuel) = wasm.verify(&key, &commitment, &inputs, &proof.bytes).unwrap();
    assert_eq!(code, 0, "the wasm verifier rejected a valid proof");
    let mut tampered = proof.bytes.clone();
    tampered[100] ^= 1;
    assert_ne!(wasm.verify(&key, &commitment, &inputs, &tampered).unwrap().0, 0, "accepted a tampered proof");
    // The identity (0, 0) in place of the proof's first commitment: refused as an encoding, by
    // the module and by the native verifier (the same code), as by the Solidity verifier.
    let mut identity = proof.bytes.clone();
    identity[..64].fill(0);
    assert_eq!(wasm.verify(&key, &commitment, &inputs, &identity).unwrap().0, VerifyError::Encoding as u32, "accepted the identity");
    assert_eq!(
        solvent_verifier::verify_proof(&keys.verifier_key, &proof.policy, &witness.public_inputs(), &identity),
        Err(VerifyError::Encoding)
    );
    let mut changed = inputs.clone();
    changed[31] ^= 1;
    assert_eq!(
        wasm.verify(&key, &commitment, &changed, &proof.bytes).unwrap().0,
        VerifyError::Pairing as u32,
        "accepted a changed commitment"
    );
    eprintln!("wasm verifier: module {} bytes, key {} bytes, valid proof verified with {fuel} fuel", wasm.bytes.len(), key.len());
}

#[test]
fn the_verifier_key_round_trips_and_refuses_corruption() {
    let (_, keys, _, _) = common::demo_proof();
    let bytes = keys.verifier_key.to_bytes();
    assert_eq!(VerifierKey::from_bytes(&bytes).unwrap(), keys.verifier_key);
    assert!(VerifierKey::from_bytes(&bytes[..bytes.len() - 1]).is_err(), "truncated");
    assert!(VerifierKey::from_bytes(&[bytes.as_slice(), &[0]].concat()).is_err(), "trailing byte");
    let mut bad_magic = bytes.clone();
    bad_magic[0] ^= 1;
    assert!(VerifierKey::from_bytes(&bad_magic).is_err());
}
