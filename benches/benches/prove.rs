//! Criterion benchmarks: witness, keygen, prove and verify (the policy commitment cached) per
//! shape. `SOLVENT_BENCH_SHAPES` picks the shapes (comma-separated names or `AxTxIxS`; default
//! `desk,fund`): at 10 samples a shape costs about 12 times its prove time plus 10 keygens, so the
//! book and bank shapes are measured once by the `measure` binary instead.

use criterion::{criterion_group, criterion_main, Criterion};
use solvent_benches::{shape_named, synthetic};
use solvent_circuits::AttestationCircuit;
use std::time::Duration;

fn shapes(c: &mut Criterion) {
    let names = std::env::var("SOLVENT_BENCH_SHAPES").unwrap_or_else(|_| "desk,fund".into());
    for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let shape = shape_named(name).unwrap_or_else(|| panic!("unknown shape {name}"));
        let witness = synthetic(shape, 1);
        let circuit = AttestationCircuit::new(&witness);
        let srs = solvent_params::dev_srs(circuit.k());
        let keys = solvent_prover::keys::generate(shape, &srs).unwrap();
        let proof = solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).unwrap();
        let inputs = witness.public_inputs();
        let commitment = &proof.policy;
        let mut group = c.benchmark_group(name);
        group.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(1));
        group.bench_function("witness", |b| b.iter(|| AttestationCircuit::new(&witness)));
        group.bench_function("keygen", |b| b.iter(|| solvent_prover::keys::generate(shape, &srs).unwrap()));
        group.bench_function("prove", |b| b.iter(|| solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).unwrap()));
        group.sample_size(50);
        group.bench_function("policy commitment", |b| b.iter(|| solvent_verifier::policy_commitment(&srs, &witness.policy).unwrap()));
        group.bench_function("verify", |b| {
            b.iter(|| solvent_verifier::verify_proof(&keys.verifier_key, commitment, &inputs, &proof.bytes).unwrap())
        });
        group.finish();
    }
}

criterion_group!(benches, shapes);
criterion_main!(benches);
