//! Checking an attestation: the policy, the time window, the account, the SRS, the key, and
//! finally the proof.

use crate::attestation::{encode_hex, Attestation};
use crate::transcript::{ChallengeEvm, EvmTranscriptRead};
use halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    plonk::{verify_proof as halo2_verify, VerifyingKey},
    poly::kzg::{commitment::KZGCommitmentScheme, multiopen::VerifierSHPLONK, strategy::SingleStrategy},
    transcript::TranscriptReadBuffer,
    SerdeFormat,
};
use sha2::{Digest, Sha256};
use solvent_circuits::{encoding::PublicInputs, AttestationCircuit, Shape};
use solvent_model::Policy;
use solvent_params::VerifierSrs;

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

/// SHA-256 of a verifying key's raw bytes.
pub fn vk_hash(vk: &VerifyingKey<G1Affine>) -> [u8; 32] {
    Sha256::digest(vk.to_bytes(SerdeFormat::RawBytes)).into()
}

/// Reads a verifying key of the attestation circuit.
pub fn read_vk(bytes: &[u8]) -> std::io::Result<VerifyingKey<G1Affine>> {
    VerifyingKey::from_bytes::<AttestationCircuit>(bytes, SerdeFormat::RawBytes, ())
}

/// Whether `proof` (EVM transcript) proves `inputs` under `vk`. Trailing bytes are refused.
pub fn verify_proof(srs: &VerifierSrs, vk: &VerifyingKey<G1Affine>, inputs: &PublicInputs, proof: &[u8]) -> bool {
    let params = srs.to_params();
    let instances = inputs.to_vec();
    let mut reader = std::io::Cursor::new(proof);
    let mut transcript = EvmTranscriptRead::init(&mut reader);
    let verified = halo2_verify::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<Bn256>, ChallengeEvm, _, _>(
        &params,
        vk,
        SingleStrategy::new(&params),
        &[&[&instances]],
        &mut transcript,
    )
    .is_ok();
    verified && reader.position() == proof.len() as u64
}

const DEV_SRS_REFUSED: &str = "made with the insecure development SRS (pass --allow-insecure-srs to accept it for testing)";

/// The checks that need no key: the policy hash, the shape, the time window, the account, and
/// the refusal of attestations that declare the development SRS (unless allowed).
pub fn check_statement(attestation: &Attestation, policy: &Policy, checks: &Checks) -> Result<(), Verdict> {
    let invalid = |reason: String| Err(Verdict::Invalid(reason));
    let inputs = match attestation.public_inputs() {
        Ok(inputs) => inputs,
        Err(e) => return invalid(e.to_string()),
    };
    if inputs.policy_hash != solvent_circuits::policy_hash(policy) {
        return invalid(format!(
            "policy hash mismatch: the attestation is for policy hash {}, the given policy `{}` hashes to {}",
            attestation.public_inputs.policy_hash,
            policy.id,
            solvent_circuits::encoding::field_to_hex(&solvent_circuits::policy_hash(policy))
        ));
    }
    if attestation.shape() != Shape::of(policy) {
        return invalid(format!("circuit shape {} is not the policy's shape {}", attestation.shape(), Shape::of(policy)));
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
        if attestation.public_inputs.account.to_lowercase() != expected {
            return invalid(format!("account mismatch: attested for {}, expected {expected}", attestation.public_inputs.account));
        }
    }
    if attestation.srs.insecure && !checks.allow_insecure_srs {
        return invalid(DEV_SRS_REFUSED.into());
    }
    Ok(())
}

/// Verifies `attestation` for `policy`, with the verifying key and the SRS it names.
pub fn verify(
    attestation: &Attestation,
    policy: &Policy,
    vk: &VerifyingKey<G1Affine>,
    srs: &VerifierSrs,
    checks: &Checks,
) -> Verdict {
    if let Err(verdict) = check_statement(attestation, policy, checks) {
        return verdict;
    }
    let invalid = |reason: String| Verdict::Invalid(reason);
    let inputs = match attestation.public_inputs() {
        Ok(inputs) => inputs,
        Err(e) => return invalid(e.to_string()),
    };
    let identity = encode_hex(&srs.identity());
    if attestation.srs.identity.to_lowercase() != identity {
        return invalid(format!("SRS mismatch: proof made with SRS {}, verifier has {identity}", attestation.srs.identity));
    }
    if srs.is_dev() && !checks.allow_insecure_srs {
        return invalid(DEV_SRS_REFUSED.into());
    }
    if attestation.srs.insecure != srs.is_dev() {
        return invalid("the attestation's `srs.insecure` flag does not match its SRS".into());
    }
    if attestation.circuit.k != srs.k || vk.get_domain().k() != srs.k {
        return invalid(format!("k mismatch: attestation k = {}, key k = {}", attestation.circuit.k, vk.get_domain().k()));
    }
    let key_hash = encode_hex(&vk_hash(vk));
    if attestation.vk_hash.to_lowercase() != key_hash {
        return invalid(format!("verifying key mismatch: attestation names {}, the key for this shape is {key_hash}", attestation.vk_hash));
    }
    let proof = match attestation.proof_bytes() {
        Ok(proof) => proof,
        Err(e) => return invalid(e.to_string()),
    };
    if !verify_proof(srs, vk, &inputs, &proof) {
        return invalid("the proof does not verify".into());
    }
    if checks.now >= policy.expires_at {
        return Verdict::Expired(format!(
            "the policy expired at {} (verifier clock {}); the proof itself is valid",
            policy.expires_at, checks.now
        ));
    }
    Verdict::Valid
}
