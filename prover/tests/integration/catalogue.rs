//! One catalogue of malformed proofs, public inputs and policy commitments, run through the three
//! solvent verifiers (native, the wasm module in an interpreter, the Solidity contract in revm):
//! each must reject every case without crashing, and accept the honest one.
//!
//! Cases: every 32-byte word of the proof replaced by 0, r, r + 1, p, p + 1 and 2^256 - 1; every
//! evaluation plus r, 2r and 3r; every point (of the proof and of the policy commitment) replaced
//! by the identity `(0, 0)`, its negation, the generator, a point off the curve and a
//! non-canonical coordinate; each public input plus r, the account and time one bit too wide; the
//! proof truncated and extended by 1 and 32 bytes.

use crate::common;

use num_bigint::BigUint;
use solvent_evm::abi::verifier_calldata;
use solvent_verifier::{verify::public_input_bytes, PolicyCommitment};
use std::time::Instant;

const R: &str = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
const P: &str = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

fn big(hex: &str) -> BigUint {
    BigUint::parse_bytes(hex.as_bytes(), 16).unwrap()
}

fn word(value: &BigUint) -> [u8; 32] {
    let bytes = value.to_bytes_be();
    assert!(bytes.len() <= 32, "a word");
    let mut out = [0u8; 32];
    out[32 - bytes.len()..].copy_from_slice(&bytes);
    out
}

/// One malformed input.
struct Case {
    what: String,
    commitment: Vec<u8>,
    inputs: Vec<u8>,
    proof: Vec<u8>,
}

fn set_word(bytes: &mut [u8], at: usize, value: &BigUint) {
    bytes[at..at + 32].copy_from_slice(&word(value));
}

fn get_word(bytes: &[u8], at: usize) -> BigUint {
    BigUint::from_bytes_be(&bytes[at..at + 32])
}

/// The five replacements of the point at `at`.
fn point_cases(bytes: &[u8], at: usize) -> Vec<(String, Vec<u8>)> {
    let (p, x, y) = (big(P), get_word(bytes, at), get_word(bytes, at + 32));
    let replace = |nx: &BigUint, ny: &BigUint| {
        let mut out = bytes.to_vec();
        set_word(&mut out, at, nx);
        set_word(&mut out, at + 32, ny);
        out
    };
    vec![
        ("the identity (0, 0)".to_string(), replace(&BigUint::from(0u8), &BigUint::from(0u8))),
        ("its negation".to_string(), replace(&x, &(&p - &y))),
        ("the generator".to_string(), replace(&BigUint::from(1u8), &BigUint::from(2u8))),
        ("a point off the curve".to_string(), replace(&x, &((&y + 1u8) % &p))),
        ("x + p (non-canonical)".to_string(), replace(&(&x + &p), &y)),
    ]
}

fn catalogue(commitment: &[u8], inputs: &[u8], proof: &[u8], lanes: usize, witnesses: usize, evaluations: usize) -> Vec<Case> {
    let (r, p) = (big(R), big(P));
    let max = (BigUint::from(1u8) << 256u32) - 1u8;
    let mut cases = Vec::new();
    let mut push = |what: String, c: &[u8], i: &[u8], pr: &[u8]| {
        cases.push(Case { what, commitment: c.to_vec(), inputs: i.to_vec(), proof: pr.to_vec() })
    };

    for w in 0..proof.len() / 32 {
        for (name, value) in [
            ("0", BigUint::from(0u8)),
            ("r", r.clone()),
            ("r + 1", &r + 1u8),
            ("p", p.clone()),
            ("p + 1", &p + 1u8),
            ("2^256 - 1", max.clone()),
        ] {
            let mut changed = proof.to_vec();
            set_word(&mut changed, 32 * w, &value);
            if changed != proof {
                push(format!("proof word {w} = {name}"), commitment, inputs, &changed);
            }
        }
    }
    let quotients = (proof.len() - 32 * evaluations) / 64 - witnesses - 2;
    let points_before = 64 * (witnesses + quotients);
    for e in 0..evaluations {
        for k in 1u8..=3 {
            let mut changed = proof.to_vec();
            let at = points_before + 32 * e;
            set_word(&mut changed, at, &(get_word(proof, at) + &r * k));
            push(format!("evaluation {e} + {k}r"), commitment, inputs, &changed);
        }
    }
    let point_offsets: Vec<usize> = (0..witnesses + quotients)
        .map(|i| 64 * i)
        .chain([points_before + 32 * evaluations, points_before + 32 * evaluations + 64])
        .collect();
    for (i, at) in point_offsets.into_iter().enumerate() {
        for (name, changed) in point_cases(proof, at) {
            push(format!("proof point {i} replaced by {name}"), commitment, inputs, &changed);
        }
    }
    for lane in 0..lanes {
        for (name, changed) in point_cases(commitment, 64 * lane) {
            push(format!("policy commitment lane {lane} replaced by {name}"), &changed, inputs, proof);
        }
    }
    for (j, name) in ["portfolio commitment", "account", "snapshot time"].into_iter().enumerate() {
        let mut changed = inputs.to_vec();
        set_word(&mut changed, 32 * j, &(get_word(inputs, 32 * j) + &r));
        push(format!("{name} + r"), commitment, &changed, proof);
    }
    for (j, bits, name) in [(1usize, 160u32, "account"), (2, 64, "snapshot time")] {
        let mut changed = inputs.to_vec();
        set_word(&mut changed, 32 * j, &(get_word(inputs, 32 * j) + (BigUint::from(1u8) << bits)));
        push(format!("{name} one bit too wide"), commitment, &changed, proof);
    }
    for (name, changed) in [
        ("truncated by 1 byte", proof[..proof.len() - 1].to_vec()),
        ("truncated by 32 bytes", proof[..proof.len() - 32].to_vec()),
        ("extended by 1 byte", [proof, &[0]].concat()),
        ("extended by 32 bytes", [proof, &[0; 32]].concat()),
    ] {
        push(format!("proof {name}"), commitment, inputs, &changed);
    }
    cases
}

#[test]
fn every_verifier_rejects_every_malformed_case_and_none_crashes() {
    // The wasm interpreter recurses deeply translating the module: give it room.
    std::thread::Builder::new().stack_size(256 << 20).spawn(run).unwrap().join().unwrap();
}

fn run() {
    let (witness, keys, _srs, proof) = common::demo_proof();
    let key = &keys.verifier_key;
    let key_bytes = key.to_bytes();
    let commitment = proof.policy.to_bytes();
    let inputs = public_input_bytes(&witness.public_inputs());
    let wasm = common::WasmVerifier::new();
    let mut evm = common::EvmVerifier::new(key);
    let evm_calldata = |c: &[u8], i: &[u8], p: &[u8]| [c, i, p].concat();

    // The honest case: all accept.
    assert_eq!(solvent_verifier_wasm::verify_with_key(key, &commitment, &inputs, &proof.bytes), Ok(()));
    assert_eq!(wasm.verify(&key_bytes, &commitment, &inputs, &proof.bytes).unwrap().0, 0);
    assert!(evm.verify(verifier_calldata(&proof.policy, &witness.public_inputs(), &proof.bytes)).0);
    assert!(PolicyCommitment::from_bytes(&commitment).is_some());

    let witnesses = key.num_witness.iter().sum::<u32>() as usize;
    let cases = catalogue(&commitment, &inputs, &proof.bytes, key.lanes as usize, witnesses, key.evaluations.len());
    let start = Instant::now();
    let mut disagreements = Vec::new();
    for case in &cases {
        let native = solvent_verifier_wasm::verify_with_key(key, &case.commitment, &case.inputs, &case.proof);
        let wasm = wasm.verify(&key_bytes, &case.commitment, &case.inputs, &case.proof);
        let (evm_accepts, _) = evm.verify(evm_calldata(&case.commitment, &case.inputs, &case.proof));
        let wasm_rejects = matches!(wasm, Ok((code, _)) if code != 0);
        if native.is_ok() || !wasm_rejects || evm_accepts {
            disagreements.push(format!("{}: native {native:?}, wasm {wasm:?}, evm accepts {evm_accepts}", case.what));
        }
    }
    eprintln!("{} malformed cases through three verifiers in {:.1} s", cases.len(), start.elapsed().as_secs_f64());
    assert!(
        disagreements.is_empty(),
        "{} of {} cases not rejected by all three:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
