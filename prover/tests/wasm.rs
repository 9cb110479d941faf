//! The small verifier (`solvent-verifier-wasm`): differential tests against halo2-axiom's verifier
//! on real and tampered proofs, and the wasm module itself run in an interpreter (wasmi).

mod common;

use halo2_proofs::halo2curves::bn256::Fr;
use solvent_circuits::encoding::PublicInputs;
use solvent_evm::{abi::field_word, wasm_key::verifier_key};
use solvent_params::VerifierSrs;
use solvent_verifier_wasm::{key::VerifierKey, verify_bytes, VerifyError};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

struct Fixture {
    srs: VerifierSrs,
    vk: halo2_proofs::plonk::VerifyingKey<halo2_proofs::halo2curves::bn256::G1Affine>,
    key: Vec<u8>,
    inputs: PublicInputs,
    proof: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (witness, keys, proof) = common::demo_proof();
        let key = verifier_key(&keys.srs, keys.vk()).to_bytes();
        Fixture { srs: keys.srs, vk: keys.vk().clone(), key, inputs: witness.public_inputs(), proof }
    })
}

fn input_bytes(inputs: &PublicInputs) -> Vec<u8> {
    inputs.to_vec().iter().flat_map(field_word).collect()
}

/// Both verifiers' verdicts on the same inputs and proof.
fn verdicts(f: &Fixture, inputs: &PublicInputs, proof: &[u8]) -> (bool, Result<(), VerifyError>) {
    let halo2 = solvent_verifier::verify_proof(&f.srs, &f.vk, inputs, proof);
    let small = verify_bytes(&f.key, &input_bytes(inputs), proof);
    (halo2, small)
}

#[test]
fn key_round_trips_and_refuses_corruption() {
    let f = fixture();
    let key = VerifierKey::from_bytes(&f.key).unwrap();
    assert_eq!(key.to_bytes(), f.key);
    assert!(VerifierKey::from_bytes(&f.key[..f.key.len() - 1]).is_err(), "truncated");
    assert!(VerifierKey::from_bytes(&[f.key.as_slice(), &[0]].concat()).is_err(), "trailing byte");
    let mut bad_magic = f.key.clone();
    bad_magic[0] ^= 1;
    assert!(VerifierKey::from_bytes(&bad_magic).is_err());
}

#[test]
fn small_verifier_agrees_with_halo2_on_the_valid_proof() {
    let f = fixture();
    assert_eq!(verdicts(f, &f.inputs, &f.proof), (true, Ok(())));
}

#[test]
fn small_verifier_agrees_with_halo2_on_every_flipped_proof_word() {
    let f = fixture();
    // One flipped bit in every 32-byte word of the proof: each commitment coordinate, each
    // evaluation and both opening proofs.
    for word in 0..f.proof.len() / 32 {
        for (byte, bit) in [(31, 0x01), (0, 0x10)] {
            let mut proof = f.proof.clone();
            proof[32 * word + byte] ^= bit;
            let (halo2, small) = verdicts(f, &f.inputs, &proof);
            assert!(!halo2, "halo2 accepted word {word} flipped");
            assert!(small.is_err(), "the small verifier accepted word {word} flipped");
        }
    }
}

#[test]
fn small_verifier_rejects_each_changed_public_input_and_bad_lengths() {
    let f = fixture();
    let one = Fr::from(1);
    for inputs in [
        PublicInputs { policy_hash: f.inputs.policy_hash + one, ..f.inputs },
        PublicInputs { portfolio_commitment: f.inputs.portfolio_commitment + one, ..f.inputs },
        PublicInputs { account: f.inputs.account + one, ..f.inputs },
        PublicInputs { snapshot_time: f.inputs.snapshot_time + one, ..f.inputs },
    ] {
        assert_eq!(verdicts(f, &inputs, &f.proof), (false, Err(VerifyError::Pairing)));
    }
    assert_eq!(verify_bytes(&f.key, &input_bytes(&f.inputs), &f.proof[..f.proof.len() - 1]), Err(VerifyError::Truncated));
    assert_eq!(verify_bytes(&f.key, &input_bytes(&f.inputs), &[f.proof.as_slice(), &[0; 32]].concat()), Err(VerifyError::Trailing));
    assert_eq!(verify_bytes(&f.key, &input_bytes(&f.inputs)[..96], &f.proof), Err(VerifyError::Instances));
    // A public input not below the field modulus.
    let mut inputs = input_bytes(&f.inputs);
    inputs[..32].copy_from_slice(&[0xff; 32]);
    assert_eq!(verify_bytes(&f.key, &inputs, &f.proof), Err(VerifyError::Instances));
}

#[test]
fn small_verifier_rejects_a_proof_under_another_key() {
    let f = fixture();
    let mut key = VerifierKey::from_bytes(&f.key).unwrap();
    key.preprocessed.swap(0, 1);
    assert_eq!(verify_bytes(&key.to_bytes(), &input_bytes(&f.inputs), &f.proof), Err(VerifyError::Pairing));
}

/// Builds the wasm module (release, `wasm32-unknown-unknown`) into its own target folder.
fn wasm_module() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = root.join("target/wasm-verifier");
    let status = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["build", "--release", "--locked", "-p", "solvent-verifier-wasm", "--target", "wasm32-unknown-unknown", "--target-dir"])
        .arg(&target)
        .status()
        .expect("cargo");
    assert!(status.success(), "building the wasm verifier failed (is `rustup target add wasm32-unknown-unknown` done?)");
    target.join("wasm32-unknown-unknown/release/solvent_verifier_wasm.wasm")
}

/// Names of the floating-point instructions and value types in a module.
fn floating_point_uses(module: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(module) {
        if let wasmparser::Payload::CodeSectionEntry(body) = payload.unwrap() {
            for local in body.get_locals_reader().unwrap() {
                let (_, ty) = local.unwrap();
                if matches!(ty, wasmparser::ValType::F32 | wasmparser::ValType::F64) {
                    found.push(format!("local {ty:?}"));
                }
            }
            for op in body.get_operators_reader().unwrap() {
                let name = format!("{:?}", op.unwrap());
                if name.contains("F32") || name.contains("F64") {
                    found.push(name);
                }
            }
        }
    }
    found
}

#[test]
fn wasm_module_verifies_in_an_interpreter_without_imports_or_floats() {
    // The interpreter recurses deeply translating the module: give it room.
    std::thread::Builder::new().stack_size(256 << 20).spawn(run_wasm_module).unwrap().join().unwrap();
}

fn run_wasm_module() {
    use wasmi::{Config, Engine, Linker, Module, Store, TypedFunc};
    let f = fixture();
    let bytes = std::fs::read(wasm_module()).unwrap();
    let floats = floating_point_uses(&bytes);
    assert!(floats.is_empty(), "floating point in the module: {:?}", &floats[..floats.len().min(10)]);

    let mut config = Config::default();
    config.consume_fuel(true).compilation_mode(wasmi::CompilationMode::Eager);
    let engine = Engine::new(&config);
    let module = Module::new(&engine, &bytes[..]).unwrap();
    let imports: Vec<String> = module.imports().map(|i| format!("{}::{}", i.module(), i.name())).collect();
    assert!(imports.is_empty(), "the module needs imports: {imports:?}");

    let run = |inputs: &[u8], proof: &[u8]| -> (u32, u64) {
        let mut store = Store::new(&engine, ());
        store.set_fuel(u64::MAX / 2).unwrap();
        let instance = Linker::<()>::new(&engine).instantiate_and_start(&mut store, &module).unwrap();
        let memory = instance.get_memory(&store, "memory").expect("exported memory");
        let alloc: TypedFunc<u32, u32> = instance.get_typed_func(&store, "solvent_alloc").unwrap();
        let verify: TypedFunc<(u32, u32, u32, u32, u32, u32), u32> = instance.get_typed_func(&store, "solvent_verify").unwrap();
        let mut place = |data: &[u8]| {
            let ptr = alloc.call(&mut store, data.len() as u32).unwrap();
            memory.write(&mut store, ptr as usize, data).unwrap();
            (ptr, data.len() as u32)
        };
        let (k, kl) = place(&f.key);
        let (i, il) = place(inputs);
        let (p, pl) = place(proof);
        let before = store.get_fuel().unwrap();
        let code = verify.call(&mut store, (k, kl, i, il, p, pl)).unwrap();
        (code, before - store.get_fuel().unwrap())
    };

    let (code, fuel) = run(&input_bytes(&f.inputs), &f.proof);
    assert_eq!(code, 0, "the wasm verifier rejected a valid proof");
    let mut tampered = f.proof.clone();
    tampered[100] ^= 1;
    let (rejected, _) = run(&input_bytes(&f.inputs), &tampered);
    assert_ne!(rejected, 0, "the wasm verifier accepted a tampered proof");
    let mut inputs = input_bytes(&f.inputs);
    inputs[63] ^= 1;
    assert_eq!(run(&inputs, &f.proof).0, VerifyError::Pairing as u32, "accepted a changed commitment");
    eprintln!("wasm verifier: module {} bytes, key {} bytes, valid proof verified with {fuel} fuel", bytes.len(), f.key.len());
}
