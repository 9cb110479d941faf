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
    /// The proof is valid but the snapshot is later than the verifier's clock (so the policy may
    /// not be in effect yet either): `SolvencyGate` refuses it as `SnapshotInFuture`.
    NotYetValid(String),
    /// The proof is valid but the snapshot is older than the verifier's largest accepted age:
    /// `SolvencyGate` refuses it as `SnapshotTooOld`.
    TooOld(String),
}

impl Verdict {
    /// The verdict's word: `VALID`, `INVALID`, `EXPIRED`, `NOT YET VALID` or `TOO OLD`.
    pub fn label(&self) -> &'static str {
        match self {
            Verdict::Valid => "VALID",
            Verdict::Invalid(_) => "INVALID",
            Verdict::Expired(_) => "EXPIRED",
            Verdict::NotYetValid(_) => "NOT YET VALID",
            Verdict::TooOld(_) => "TOO OLD",
        }
    }

    /// Why it is not valid (`None` when it is).
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Valid => None,
            Verdict::Invalid(r) | Verdict::Expired(r) | Verdict::NotYetValid(r) | Verdict::TooOld(r) => Some(r),
        }
    }
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
    /// The largest accepted age of a snapshot at the verifier's clock, in seconds
    /// (`SolvencyGate.maxSnapshotAge`); `None` accepts any age inside the policy's window.
    pub max_age: Option<u64>,
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

/// The checks that need no key: the schema's versions, the policy's name, the shape and `k` the
/// policy implies, the time window, the account, and the refusal of attestations that declare
/// the development SRS (unless allowed).
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
    if attestation.policy.name != policy.id {
        return invalid(format!("the attestation names policy `{}`; the given policy is `{}`", attestation.policy.name, policy.id));
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
        return invalid(format!("snapshot time {time} is outside the policy's window [{}, {})", policy.effective_at, policy.expires_at));
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
    time_verdict(attestation.public_inputs.snapshot_time, trusted.policy, checks)
}

/// The verdict on a valid proof of a snapshot at `snapshot_time` (inside the policy's window)
/// at the verifier's clock, with `SolvencyGate.attest`'s time rules in its order: the policy
/// expired, the snapshot in the future, the snapshot too old.
pub fn time_verdict(snapshot_time: u64, policy: &Policy, checks: &Checks) -> Verdict {
    let now = checks.now;
    if now >= policy.expires_at {
        return Verdict::Expired(format!("the policy expired at {} (verifier clock {now}); the proof itself is valid", policy.expires_at));
    }
    if snapshot_time > now {
        let not_in_effect = if now < policy.effective_at {
            format!(", and the policy takes effect only at {}", policy.effective_at)
        } else {
            String::new()
        };
        return Verdict::NotYetValid(format!(
            "the snapshot time {snapshot_time} is later than the verifier clock {now}{not_in_effect}; the proof itself is valid"
        ));
    }
    if let Some(max_age) = checks.max_age {
        let age = now - snapshot_time;
        if age > max_age {
            return Verdict::TooOld(format!(
                "the snapshot is {age} s old at the verifier clock {now}; at most {max_age} s are accepted; the proof itself is valid"
            ));
        }
    }
    Verdict::Valid
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            id: "p".into(),
            effective_at: 100,
            expires_at: 200,
            scenarios: vec!["s".into()],
            assets: vec![],
            instruments: vec![],
            margin_ratio: 1_000_000,
            collateral_ratio: 1_000_000,
            underlyings: vec![],
            oracle: None,
        }
    }

    fn at(now: u64, max_age: Option<u64>) -> Checks {
        Checks { account: None, now, allow_insecure_srs: false, max_age }
    }

    #[test]
    fn time_rules_are_solvency_gates() {
        let p = policy();
        assert_eq!(time_verdict(150, &p, &at(150, None)), Verdict::Valid);
        assert_eq!(time_verdict(150, &p, &at(199, Some(49))), Verdict::Valid, "an age equal to the largest is accepted");
        assert!(matches!(time_verdict(150, &p, &at(200, None)), Verdict::Expired(_)), "expired at expires_at");
        assert!(matches!(time_verdict(150, &p, &at(149, None)), Verdict::NotYetValid(_)), "a snapshot after the clock");
        match time_verdict(150, &p, &at(99, None)) {
            Verdict::NotYetValid(reason) => assert!(reason.contains("takes effect only at 100"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(time_verdict(150, &p, &at(200, Some(10))), Verdict::Expired(_)), "expiry is named first, as on-chain");
        match time_verdict(150, &p, &at(199, Some(48))) {
            Verdict::TooOld(reason) => assert!(reason.contains("49 s old") && reason.contains("at most 48"), "{reason}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(Verdict::TooOld(String::new()).label(), "TOO OLD");
        assert_eq!(Verdict::NotYetValid(String::new()).label(), "NOT YET VALID");
    }
}
