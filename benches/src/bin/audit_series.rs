//! Writes a series for `solvent audit series` to review: `N` daily attestations of the desk
//! shape with their openings, under policies rotated every 90 days, and realized prices of every
//! asset and instrument (a random walk, every 6 hours), all proved under the committed k = 12 ceremony
//! file. `scripts/bench.sh` times the review of the series (keys cached) and its peak memory.
//!
//! Usage: `audit_series N DIR` (writes DIR/attestations, DIR/policies, DIR/openings,
//! DIR/realized.csv).

use rand::{Rng, SeedableRng};
use solvent_benches::{shape_named, synthetic};
use solvent_circuits::AttestationCircuit;
use solvent_prover::opening::Opening;
use solvent_prover::srs::{srs_for, SrsSource};
use solvent_verifier::attestation::encode_hex;
use solvent_verifier::AttestationFile;
use std::fmt::Write;
use std::path::Path;

const DAY: u64 = 86_400;
const ROTATION_DAYS: u64 = 90;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count: u64 = args.get(1).and_then(|n| n.parse().ok()).expect("usage: audit_series N DIR");
    let dir = Path::new(args.get(2).expect("usage: audit_series N DIR"));
    for folder in ["attestations", "policies", "openings"] {
        std::fs::create_dir_all(dir.join(folder)).expect("folder");
    }
    let shape = shape_named("desk").expect("desk");
    let base = synthetic(shape, 1);
    let k = solvent_circuits::Dims::for_shape(shape).k;
    let cache = tempfile::tempdir().expect("a cache folder");
    let srs = srs_for(&SrsSource::File(solvent_params::fixtures::kzg_bn254_12()), k, cache.path()).expect("the fixture SRS");
    let keys = solvent_prover::keys::generate(shape, &srs).expect("keygen");
    let start = base.policy.effective_at;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut policy_ids = Vec::new();
    for day in 0..count {
        let rotation = day / ROTATION_DAYS;
        let mut witness = base.clone();
        witness.policy.id = format!("desk-q{rotation}");
        witness.policy.effective_at = start + rotation * ROTATION_DAYS * DAY;
        witness.policy.expires_at = witness.policy.effective_at + (ROTATION_DAYS + 1) * DAY;
        witness.snapshot_time = start + day * DAY + 3_600;
        rng.fill(&mut witness.salt[..]);
        let circuit = AttestationCircuit::new(&witness);
        let proof = solvent_prover::prove::prove(&keys, &srs, &circuit, &witness).expect("prove");
        let attestation = solvent_prover::prove::attestation(&witness, &keys, &proof);
        let id = encode_hex(&proof.policy.id());
        if policy_ids.len() as u64 == rotation {
            std::fs::write(dir.join(format!("policies/desk-q{rotation}.json")), witness.policy.to_json()).expect("policy");
            policy_ids.push(id.clone());
        }
        let name = format!("day-{day:04}");
        std::fs::write(dir.join(format!("attestations/{name}.json")), attestation.to_json()).expect("attestation");
        let opening = Opening::new(&witness.policy, &witness.portfolio, witness.snapshot_time, &witness.salt, id);
        std::fs::write(dir.join(format!("openings/{name}.opening.json")), opening.to_json()).expect("opening");
        if day % 50 == 0 {
            eprintln!("proved {} of {count}", day + 1);
        }
    }
    // Prices every 6 hours: a random walk of 0.2% steps from each policy price (instruments:
    // marks from 100).
    let mut csv = String::from("time,id,price\n");
    let mut prices: Vec<(String, f64)> = base.policy.assets.iter().map(|a| (a.id.clone(), a.price as f64 / 1e8)).collect();
    prices.extend(base.policy.instruments.iter().map(|i| (i.id.clone(), 100.0)));
    for step in 0..=(count + 2) * 4 {
        for (id, price) in &mut prices {
            *price *= 1.0 + rng.gen_range(-0.002..0.002);
            writeln!(csv, "{},{id},{:.8}", start + step * 6 * 3_600, *price).expect("in memory");
        }
    }
    std::fs::write(dir.join("realized.csv"), csv).expect("prices");
    println!("{count} attestations of {} policies in {}", policy_ids.len(), dir.display());
}
