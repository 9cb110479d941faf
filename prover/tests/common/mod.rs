//! Shared by the integration tests: a real proof of the embedded demo.

use solvent_circuits::{AttestationCircuit, Witness};
use solvent_model::{policy::Policy, Portfolio};
use solvent_prover::{demo, keys, keys::Keys, prove};
use std::path::Path;

/// The demo's witness, keys and a proof, with the k = 12 ceremony SRS (downsized) when
/// `shared/params` has it, else the development SRS.
pub fn demo_proof() -> (Witness, Keys, Vec<u8>) {
    let policy = Policy::from_json(demo::POLICY).unwrap();
    let portfolio = Portfolio::from_json(demo::PORTFOLIO, &policy).unwrap().0;
    let witness = Witness { policy, portfolio, snapshot_time: demo::SNAPSHOT_TIME, salt: prove::random_salt() };
    let circuit = AttestationCircuit::new(&witness);
    let k = circuit.min_k();
    let ceremony = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/params/kzg_bn254_12.srs");
    let srs = match solvent_params::load(&ceremony) {
        Ok(srs) => solvent_params::downsize(&srs, k).unwrap(),
        Err(_) => solvent_params::dev_srs(k),
    };
    let keys = keys::generate(circuit.shape(), &srs).unwrap();
    let proof = prove::prove(&keys, &srs, &circuit, &witness).unwrap();
    (witness, keys, proof)
}
