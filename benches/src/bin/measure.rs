//! One-shot measurement of a shape: witness, keygen, prove and verify times, rows, k, columns,
//! proof and key sizes, and peak memory; one JSON line.
//!
//! Usage: `measure SHAPE [--threads N] [--layout-only]` with SHAPE desk, fund, book or `AxTxIxS`;
//! `--layout-only` prints the rows and `k` without proving.

use halo2_proofs::plonk::Circuit;
use solvent_benches::{shape_named, synthetic};
use solvent_circuits::AttestationCircuit;
use std::time::Instant;

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shape = shape_named(args.get(1).map(String::as_str).unwrap_or("desk")).expect("shape: desk, fund, book or AxTxIxS");
    if let Some(n) = args.iter().position(|a| a == "--threads").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()) {
        rayon_threads(n);
    }
    let witness = synthetic(shape, 1);
    let report = solvent_model::evaluate(&witness.policy, &witness.portfolio, witness.snapshot_time);
    assert!(report.all_ok(), "the synthetic book must pass");

    let t = Instant::now();
    let circuit = AttestationCircuit::new(&witness);
    let witness_s = t.elapsed().as_secs_f64();
    let k = circuit.k();
    let lanes = circuit.dims().lanes;
    if args.iter().any(|a| a == "--layout-only") {
        println!(
            "{}",
            serde_json::json!({"shape": shape.to_string(), "k": k, "lanes": lanes, "rows": circuit.rows(), "sponge_rows": circuit.sponge_rows(), "witness_s": witness_s})
        );
        return;
    }
    let t = Instant::now();
    let srs = solvent_params::dev_srs(k);
    let srs_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let keys = solvent_prover::keys::generate(shape, &srs).expect("keygen");
    let keygen_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let proof = solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).expect("prove");
    let prove_s = t.elapsed().as_secs_f64();
    // The policy commitment (once per policy; verifiers cache it).
    let t = Instant::now();
    let commitment = solvent_verifier::policy_commitment(&srs, &witness.policy).expect("commitment");
    let commitment_s = t.elapsed().as_secs_f64();
    assert_eq!(commitment, proof.policy);
    // Native verification with the commitment cached: the median of 21 runs (the first one also
    // pays one-off start-up costs).
    let inputs = witness.public_inputs();
    let mut verify_runs: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            solvent_verifier::verify_proof(&keys.verifier_key, &commitment, &inputs, &proof.bytes).expect("verifies");
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    let verify_first_ms = verify_runs[0];
    verify_runs.sort_by(f64::total_cmp);
    let verify_ms = verify_runs[10];
    let mut cs = halo2_proofs::plonk::ConstraintSystem::default();
    AttestationCircuit::configure_with_params(&mut cs, circuit.dims());
    // Serialising the proving key costs its size again in memory: skipped for the largest shapes.
    let pk_bytes = (k <= 20).then(|| keys.pk.to_bytes(halo2_proofs::SerdeFormat::RawBytesUnchecked).len());
    let vk_bytes = keys.vk().to_bytes(halo2_proofs::SerdeFormat::RawBytes).len();
    println!(
        "{}",
        serde_json::json!({
            "shape": shape.to_string(), "k": k, "lanes": lanes, "rows": circuit.rows(), "sponge_rows": circuit.sponge_rows(),
            "advice_columns": cs.num_advice_columns(), "fixed_columns": keys.vk().fixed_commitments().len(),
            "lookups": cs.lookups().len(), "degree": cs.degree(),
            "signature_rows": shape.signed.map(|_| solvent_circuits::layout::SIGNATURE_ROWS),
            "threads": rayon::current_num_threads(),
            "witness_s": witness_s, "dev_srs_s": srs_s, "keygen_s": keygen_s, "prove_s": prove_s, "commitment_s": commitment_s,
            "verify_ms": verify_ms, "verify_first_ms": verify_first_ms,
            "proof_bytes": proof.bytes.len(), "pk_bytes": pk_bytes, "vk_bytes": vk_bytes, "verifier_key_bytes": keys.verifier_key.to_bytes().len(),
            "peak_rss_mib": peak_rss_mib(),
        })
    );
}

fn rayon_threads(n: usize) {
    rayon::ThreadPoolBuilder::new().num_threads(n).build_global().expect("thread pool");
}
