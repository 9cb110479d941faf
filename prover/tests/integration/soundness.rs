//! The policy binding, through all three verifiers (native, the wasm module in an interpreter,
//! the Solidity contract in revm): a proof made under a policy with one value changed, or under
//! another policy, is rejected against the original policy's commitment; so is the original
//! proof against the commitment for another SRS or another `k`.

use crate::common;

use halo2_proofs::{
    halo2curves::group::Curve,
    poly::{
        commitment::{Blind, Params},
        Polynomial,
    },
};
use solvent_circuits::{public::policy_columns, AttestationCircuit, Dims, Witness};
use solvent_evm::abi::verifier_calldata;
use solvent_model::{evaluate, Policy};
use solvent_prover::{demo, prove};
use solvent_verifier::{policy_commitment, verify::public_input_bytes, PolicyCommitment};

struct Verifiers {
    key: solvent_verifier_wasm::key::VerifierKey,
    wasm: common::WasmVerifier,
    evm: common::EvmVerifier,
}

impl Verifiers {
    /// The three verdicts (true = accepted) on a proof of `witness` against `commitment`.
    fn verdicts(&mut self, commitment: &PolicyCommitment, witness: &Witness, proof: &[u8]) -> [bool; 3] {
        let inputs = witness.public_inputs();
        let native = solvent_verifier::verify_proof(&self.key, commitment, &inputs, proof).is_ok();
        let wasm =
            self.wasm.verify(&self.key.to_bytes(), &commitment.to_bytes(), &public_input_bytes(&inputs), proof).expect("no trap").0 == 0;
        let evm = self.evm.verify(verifier_calldata(commitment, &inputs, proof)).0;
        [native, wasm, evm]
    }
}

impl Verifiers {
    /// For each changed policy (of the same shape, under which the portfolio still passes): a
    /// proof under it is valid against its own commitment and rejected by all three verifiers
    /// against `original`, the commitment of `witness`'s policy.
    fn assert_bound(
        &mut self,
        keys: &solvent_prover::keys::Keys,
        srs: &solvent_params::Srs,
        original: &PolicyCommitment,
        witness: &Witness,
        changes: impl IntoIterator<Item = (&'static str, Policy)>,
    ) {
        for (what, policy) in changes {
            assert_eq!(policy.shape(), witness.policy.shape(), "{what}");
            assert!(evaluate(&policy, &witness.portfolio, witness.snapshot_time).all_ok(), "{what}: the portfolio must still pass");
            let cheat = Witness { policy, ..witness.clone() };
            let circuit = AttestationCircuit::new(&cheat);
            let proof = prove::prove(keys, srs, &circuit, &cheat).unwrap();
            assert_ne!(proof.policy, *original, "{what}: another commitment");
            assert_eq!(self.verdicts(&proof.policy, &cheat, &proof.bytes), [true; 3], "{what}: valid for its own policy");
            assert_eq!(self.verdicts(original, &cheat, &proof.bytes), [false; 3], "{what}: accepted against the original commitment");
        }
    }
}

/// The demo policy with one textual edit (it must stay valid and keep the demo portfolio passing).
fn edited(from: &str, to: &str) -> Policy {
    assert!(demo::POLICY.contains(from), "{from}");
    Policy::from_json(&demo::POLICY.replacen(from, to, 1)).unwrap()
}

#[test]
fn proofs_under_another_policy_are_rejected_against_the_original_commitment() {
    std::thread::Builder::new().stack_size(256 << 20).spawn(run).unwrap().join().unwrap();
}

fn run() {
    let (witness, keys, srs, honest) = common::demo_proof();
    let mut verifiers =
        Verifiers { key: keys.verifier_key.clone(), wasm: common::WasmVerifier::new(), evm: common::EvmVerifier::new(&keys.verifier_key) };
    let original = policy_commitment(&srs, &witness.policy).unwrap();
    assert_eq!(verifiers.verdicts(&original, &witness, &honest.bytes), [true; 3]);

    let price = &witness.policy.assets[1].price;
    assert_eq!(*price, 60_000 * 100_000_000, "the demo's BTC price");
    let changes: Vec<(&str, Policy)> = vec![
        ("a price", edited("\"price\": \"60000\"", "\"price\": \"59999\"")),
        ("a tier bound", edited("\"up_to\": \"5000000\"", "\"up_to\": \"5000001\"")),
        ("a tier weight", edited("\"weight\": \"0.95\"", "\"weight\": \"0.94\"")),
        ("a scenario loss", {
            let mut p = witness.policy.clone();
            p.instruments[0].scenario_loss[3] += 1;
            p
        }),
        ("a short option minimum", {
            let mut p = witness.policy.clone();
            let i = p.instruments.iter().position(|i| i.short_option_minimum > 0).unwrap();
            p.instruments[i].short_option_minimum -= 1;
            p
        }),
        ("a ratio", edited("\"margin_ratio\": \"1.5\"", "\"margin_ratio\": \"1.4\"")),
        ("the window", {
            let mut p = witness.policy.clone();
            p.expires_at += 1;
            p
        }),
        ("a name", {
            let mut p = witness.policy.clone();
            p.id.push('x');
            p
        }),
    ];
    verifiers.assert_bound(&keys, &srs, &original, &witness, changes);

    // The original proof against the commitment for another SRS, and for another k.
    let other_srs = solvent_params::dev_srs(srs.k());
    let foreign = policy_commitment(&other_srs, &witness.policy).unwrap();
    if foreign != original {
        assert_eq!(verifiers.verdicts(&foreign, &witness, &honest.bytes), [false; 3], "another SRS");
    }
    let dims = Dims::for_shape(witness.policy.shape());
    let bigger = common::srs(dims.k + 1);
    let at_other_k = PolicyCommitment {
        points: policy_columns(&witness.policy, &dims)
            .into_iter()
            .map(|column| bigger.commit_lagrange(&Polynomial::new(column), Blind::default()).to_affine())
            .collect(),
    };
    assert_eq!(verifiers.verdicts(&at_other_k, &witness, &honest.bytes), [false; 3], "another k");
}

/// The SPAN example with every limit of risk model v2.
const SPAN_POLICY_V2: &str = include_str!("../../../model/tests/vectors/span-policy-v2.json");

#[test]
fn v2_proofs_verify_and_bind_every_limit_of_the_policy() {
    std::thread::Builder::new().stack_size(256 << 20).spawn(run_v2).unwrap().join().unwrap();
}

fn run_v2() {
    let policy = Policy::from_json(SPAN_POLICY_V2).unwrap();
    let portfolio = solvent_model::Portfolio::from_json(
        r#"{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
            "balances": {"USDC": "50000", "BTC": "6"}, "debts": {"USDC": "10000"},
            "positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#,
        &policy,
    )
    .unwrap()
    .0;
    let witness = Witness { policy, portfolio, snapshot_time: 150, salt: prove::random_salt(), statements: Vec::new() };
    let circuit = AttestationCircuit::new(&witness);
    let srs = common::srs(circuit.k());
    let keys = solvent_prover::keys::generate(circuit.shape(), &srs).unwrap();
    let honest = prove::prove(&keys, &srs, &circuit, &witness).unwrap();
    let mut verifiers =
        Verifiers { key: keys.verifier_key.clone(), wasm: common::WasmVerifier::new(), evm: common::EvmVerifier::new(&keys.verifier_key) };
    let original = policy_commitment(&srs, &witness.policy).unwrap();
    assert_eq!(verifiers.verdicts(&original, &witness, &honest.bytes), [true; 3]);
    assert!(common::halo2_verifies(&srs, &keys, circuit.public_columns(), &honest.bytes));

    let edit = |from: &str, to: &str| {
        assert!(SPAN_POLICY_V2.contains(from), "{from}");
        Policy::from_json(&SPAN_POLICY_V2.replacen(from, to, 1)).unwrap()
    };
    let changes = [
        ("prices_at", edit(r#""prices_at": 90"#, r#""prices_at": 91"#)),
        ("the buffer", edit(r#""buffer_per_hour": "0.01""#, r#""buffer_per_hour": "0.011""#)),
        ("a concentration cap", edit(r#""max_share": "0.7""#, r#""max_share": "0.71""#)),
        ("a position limit", edit(r#""max_abs_position": "3""#, r#""max_abs_position": "4""#)),
        ("a delta", edit(r#""delta": "0.4""#, r#""delta": "0.41""#)),
        ("a delta's underlying", edit(r#""underlying": "BTC", "delta": "0.4""#, r#""underlying": "ETH", "delta": "0.4""#)),
        ("a net delta limit", edit(r#""max_net_delta": "5""#, r#""max_net_delta": "6""#)),
        ("an add-on threshold", edit(r#""threshold": "0.5""#, r#""threshold": "0.6""#)),
        ("an add-on rate", edit(r#""rate": "100""#, r#""rate": "99""#)),
        ("an underlying's name", edit(r#"{"id": "ETH"}"#, r#"{"id": "ETH2"}"#)),
    ];
    verifiers.assert_bound(&keys, &srs, &original, &witness, changes);
}
