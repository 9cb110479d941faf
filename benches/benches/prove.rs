//! Criterion benchmarks: keygen, prove and verify on the desk shape (the larger shapes are
//! measured once each by the `measure` binary: a criterion sample of them takes minutes).

use criterion::{criterion_group, criterion_main, Criterion};
use solvent_benches::{synthetic, SHAPES};
use solvent_circuits::AttestationCircuit;

fn desk(c: &mut Criterion) {
    let shape = SHAPES[0].shape;
    let witness = synthetic(shape, 1);
    let circuit = AttestationCircuit::new(&witness);
    let srs = solvent_params::dev_srs(circuit.min_k());
    let keys = solvent_prover::keys::generate(shape, &srs).unwrap();
    let proof = solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).unwrap();
    let inputs = witness.public_inputs();
    let mut group = c.benchmark_group("desk");
    group.sample_size(10);
    group.bench_function("witness", |b| b.iter(|| AttestationCircuit::new(&witness)));
    group.bench_function("keygen", |b| b.iter(|| solvent_prover::keys::generate(shape, &srs).unwrap()));
    group.bench_function("prove", |b| b.iter(|| solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).unwrap()));
    group.bench_function("verify", |b| b.iter(|| assert!(solvent_verifier::verify_proof(&keys.srs, keys.vk(), &inputs, &proof))));
    group.finish();
}

criterion_group!(benches, desk);
criterion_main!(benches);
