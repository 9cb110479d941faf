//! Checking an attestation natively: the rules of `solvent-statement` (the one implementation
//! every verifier calls) on what the attestation declares against what the verifier's user chose,
//! with the proof checked by the code of the wasm verifier (`solvent-verifier-wasm`).

use crate::attestation::{Attestation, AttestationFile};
use crate::commitment::PolicyCommitment;
use halo2_proofs::{halo2curves::bn256::G1Affine, plonk::VerifyingKey, SerdeFormat};
use sha2::{Digest, Sha256};
use solvent_circuits::{encoding::PublicInputs, AttestationCircuit, Dims};
use solvent_model::Policy;
use solvent_params::VerifierSrs;
pub use solvent_statement::{Checks, Expected, Outcome, Reason, Statement, Window};
use solvent_verifier_wasm::{key::VerifierKey, VerifyError};

/// The outcome of the rules: valid, or the first broken rule.
pub type Verdict = Result<(), Reason>;

/// What the verifier's user chose, and what follows from it alone: the policy, its commitment
/// under the trusted SRS, and the keys of the policy's circuit under that SRS.
#[derive(Clone, Copy, Debug)]
pub struct Trusted<'a> {
    /// The policy (validated).
    pub policy: &'a Policy,
    /// Its commitment under [`Self::srs`].
    pub commitment: &'a PolicyCommitment,
    /// The verifier key of the policy's circuit.
    pub key: &'a VerifierKey,
    /// SHA-256 of the policy circuit's verifying key.
    pub vk_hash: [u8; 32],
    /// The trusted SRS.
    pub srs: &'a VerifierSrs,
}

impl Trusted<'_> {
    /// The plain values the rules compare with.
    pub fn values(&self) -> solvent_statement::Trusted {
        solvent_statement::Trusted {
            srs_identity: self.srs.identity(),
            srs_insecure: self.srs.is_dev(),
            vk_hash: self.vk_hash,
            key_k: self.key.k,
            key_lanes: self.key.lanes as usize,
            commitment: self.commitment.to_bytes(),
        }
    }
}

/// What follows from the policy alone: its name, window, shape and the circuit's `k` and lanes.
pub fn expected(policy: &Policy) -> Expected {
    let shape = policy.shape();
    let dims = Dims::for_shape(shape);
    Expected {
        policy_name: policy.id.clone(),
        window: Window { effective_at: policy.effective_at, expires_at: policy.expires_at },
        shape,
        k: dims.k,
        lanes: dims.lanes,
    }
}

/// SHA-256 of a verifying key's raw bytes.
pub fn vk_hash(vk: &VerifyingKey<G1Affine>) -> [u8; 32] {
    Sha256::digest(vk.to_bytes(SerdeFormat::RawBytes)).into()
}

/// Reads a verifying key of the attestation circuit of `dims`.
pub fn read_vk(bytes: &[u8], dims: Dims) -> std::io::Result<VerifyingKey<G1Affine>> {
    VerifyingKey::from_bytes::<AttestationCircuit>(bytes, SerdeFormat::RawBytes, dims)
}

/// Whether `proof` proves `inputs` under `key` for the policy `commitment` (trailing bytes,
/// non-canonical values and the identity point are refused).
pub fn verify_proof(key: &VerifierKey, commitment: &PolicyCommitment, inputs: &PublicInputs, proof: &[u8]) -> Result<(), VerifyError> {
    solvent_verifier_wasm::verify_with_key(key, &commitment.to_bytes(), &public_input_bytes(inputs), proof)
}

/// The public inputs as 32-byte big-endian words, in order (what the wasm and Solidity
/// verifiers take).
pub fn public_input_bytes(inputs: &PublicInputs) -> Vec<u8> {
    inputs
        .to_array()
        .iter()
        .flat_map(|x| {
            let mut word = ff::PrimeField::to_repr(x);
            word.as_mut().reverse();
            word
        })
        .collect()
}

/// The rules that need no key ([`solvent_statement::check_statement`]) for `policy`.
pub fn check_statement(attestation: &Attestation, policy: &Policy, checks: &Checks) -> Verdict {
    let declared = attestation.declared_values().expect("a parsed attestation decodes");
    solvent_statement::check_statement(&declared, &expected(policy), checks)
}

/// Verifies `attestation` against what the verifier's user chose: every rule of
/// [`solvent_statement::verify`], with the proof checked by the wasm verifier's code. Also returns
/// the statement the proof establishes, when it verified.
pub fn verify(attestation: &Attestation, trusted: &Trusted, checks: &Checks) -> (Verdict, Option<Statement>) {
    let declared = attestation.declared_values().expect("a parsed attestation decodes");
    let expected = expected(trusted.policy);
    let values = trusted.values();
    let verdict = solvent_statement::verify(&declared, &expected, &values, checks, |commitment, inputs, proof| {
        solvent_verifier_wasm::verify_with_key(trusted.key, commitment, inputs, proof).map_err(VerifyError::name)
    });
    let statement = match &verdict {
        Err(reason) if !reason.proof_verified() => None,
        _ => Some(Statement::new(&declared, &expected, &values)),
    };
    (verdict, statement)
}
