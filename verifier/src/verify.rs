//! Checking an attestation: the statement (policy, circuit, time window, account, SRS), then the
//! proof, against only what the verifier's user chose.

use crate::attestation::{encode_hex, Attestation, ATTESTATION_SCHEMA};
use crate::commitment::PolicyCommitment;
use halo2_proofs::{halo2curves::bn256::G1Affine, plonk::VerifyingKey, SerdeFormat};
use sha2::{Digest, Sha256};
use solvent_circuits::{
    encoding::{PublicInputs, ENCODING_VERSION},
    AttestationCircuit, Dims, Shape, CIRCUIT_VERSION,
};
use solvent_model::Policy;
use solvent_params::VerifierSrs;
use solvent_verifier_wasm::{key::VerifierKey, VerifyError};

/// The outcome of verifying an attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every check passed.
    Valid,
    /// A check failed; the reason says which.
    Invalid(String),
    /// The proof is valid but the policy has expired at the verifier's clock.
    Expired(String),
}

/// What the verifier checks besides the proof.
#[derive(Clone, Debug)]
pub struct Checks {
    /// The account the attestation must be bound to, if any.
    pub account: Option<[u8; 20]>,
    /// The verifier's clock (unix seconds).
    pub now: u64,
    /// Accept proofs made with the public development SRS.
    pub allow_insecure_srs: bool,
}

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

const DEV_SRS_REFUSED: &str = "made with the insecure development SRS (pass --allow-insecure-srs to accept it for testing)";

/// The checks that need no key: the schema's versions, the shape and `k` the policy implies, the
/// time window, the account, and the refusal of attestations that declare the development SRS
/// (unless allowed).
pub fn check_statement(attestation: &Attestation, policy: &Policy, checks: &Checks) -> Result<(), Verdict> {
    let invalid = |reason: String| Err(Verdict::Invalid(reason));
    if attestation.schema != ATTESTATION_SCHEMA {
        return invalid(format!("schema {} is not {ATTESTATION_SCHEMA}", attestation.schema));
    }
    let circuit = &attestation.circuit;
    if circuit.encoding != ENCODING_VERSION || circuit.version != CIRCUIT_VERSION {
        return invalid(format!(
            "made for encoding {} and circuit {}; this verifier checks encoding {ENCODING_VERSION}, circuit {CIRCUIT_VERSION}",
            circuit.encoding, circuit.version
        ));
    }
    let shape = Shape::of(policy);
    if attestation.shape() != shape {
        return invalid(format!("circuit shape {} is not the policy's shape {shape}", attestation.shape()));
    }
    let dims = Dims::for_shape(shape);
    if circuit.k != dims.k || circuit.lanes != dims.lanes {
        return invalid(format!(
            "circuit k = {}, {} lanes; the policy's shape {shape} implies k = {}, {} lanes",
            circuit.k, circuit.lanes, dims.k, dims.lanes
        ));
    }
    if let Err(e) = attestation.public_inputs() {
        return invalid(e.to_string());
    }
    let time = attestation.public_inputs.snapshot_time;
    if time < policy.effective_at || time >= policy.expires_at {
        return invalid(format!(
            "snapshot time {time} is outside the policy's window [{}, {})",
            policy.effective_at, policy.expires_at
        ));
    }
    if let Some(account) = &checks.account {
        let expected = solvent_model::portfolio::format_account(account);
        let attested = solvent_model::portfolio::parse_account("public_inputs.account", &attestation.public_inputs.account);
        if attested.as_ref() != Ok(account) {
            return invalid(format!("account mismatch: attested for {}, expected {expected}", attestation.public_inputs.account));
        }
    }
    if attestation.srs.insecure && !checks.allow_insecure_srs {
        return invalid(DEV_SRS_REFUSED.into());
    }
    Ok(())
}

/// Verifies `attestation` against what the verifier's user chose.
pub fn verify(attestation: &Attestation, trusted: &Trusted, checks: &Checks) -> Verdict {
    if let Err(verdict) = check_statement(attestation, trusted.policy, checks) {
        return verdict;
    }
    let invalid = |reason: String| Verdict::Invalid(reason);
    let identity = trusted.srs.identity();
    match attestation.srs_identity() {
        Ok(declared) if declared == identity => {}
        _ => {
            return invalid(format!(
                "SRS mismatch: the attestation declares SRS {}, this verifier trusts {}",
                attestation.srs.identity,
                encode_hex(&identity)
            ))
        }
    }
    if trusted.srs.is_dev() && !checks.allow_insecure_srs {
        return invalid(DEV_SRS_REFUSED.into());
    }
    if attestation.srs.insecure != trusted.srs.is_dev() {
        return invalid("the attestation's `srs.insecure` flag does not match its SRS".into());
    }
    let key = trusted.key;
    if attestation.circuit.k != key.k || attestation.circuit.lanes != key.lanes as usize {
        return invalid(format!("k mismatch: attestation k = {}, key k = {}", attestation.circuit.k, key.k));
    }
    if attestation.vk_hash().ok() != Some(trusted.vk_hash) {
        return invalid(format!(
            "verifying key mismatch: the attestation names {}, the key for this policy's circuit is {}",
            attestation.vk_hash,
            encode_hex(&trusted.vk_hash)
        ));
    }
    let id = trusted.commitment.id();
    if attestation.policy_id().ok() != Some(id) {
        return invalid(format!(
            "policy mismatch: the attestation is for policy id {}, the given policy `{}` has id {} under this SRS",
            attestation.policy.id,
            trusted.policy.id,
            encode_hex(&id)
        ));
    }
    let (inputs, proof) = match (attestation.public_inputs(), attestation.proof_bytes()) {
        (Ok(inputs), Ok(proof)) => (inputs, proof),
        (Err(e), _) | (_, Err(e)) => return invalid(e.to_string()),
    };
    if let Err(error) = verify_proof(key, trusted.commitment, &inputs, &proof) {
        return invalid(format!("the proof does not verify ({error:?})"));
    }
    if checks.now >= trusted.policy.expires_at {
        return Verdict::Expired(format!(
            "the policy expired at {} (verifier clock {}); the proof itself is valid",
            trusted.policy.expires_at, checks.now
        ));
    }
    Verdict::Valid
}
