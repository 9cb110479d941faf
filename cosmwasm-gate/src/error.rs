//! Why the gate refuses a call, named as `SolvencyGate.sol`'s custom errors.

use cosmwasm_std::StdError;

/// A refused call.
#[derive(Debug, thiserror::Error)]
pub enum ContractError {
    /// Reading or writing storage, or (de)serialising, failed.
    #[error("{0}")]
    Std(#[from] StdError),
    /// Only the owner may change the registry.
    #[error("NotOwner: {0}")]
    NotOwner(String),
    /// A window must satisfy `0 < effective_at < expires_at`.
    #[error("BadWindow: [{0}, {1})")]
    BadWindow(u64, u64),
    /// A commitment is one 64-byte point (`x || y`) per lane, at least one.
    #[error("BadCommitment: {0}")]
    BadCommitment(String),
    /// A verifier key that `solvent export-verifier` did not write.
    #[error("BadVerifierKey")]
    BadVerifierKey,
    /// No policy is registered under this id.
    #[error("UnknownPolicy: {0}")]
    UnknownPolicy(String),
    /// The policy expired at this time.
    #[error("PolicyExpired: at {0}")]
    PolicyExpired(u64),
    /// The snapshot lies outside the policy's window.
    #[error("SnapshotOutsideWindow: {0} not in [{1}, {2})")]
    SnapshotOutsideWindow(u64, u64, u64),
    /// The snapshot is later than the block time.
    #[error("SnapshotInFuture: {0}")]
    SnapshotInFuture(u64),
    /// The snapshot is older than the largest accepted age.
    #[error("SnapshotTooOld: {0} (max age {1} s)")]
    SnapshotTooOld(u64, u64),
    /// The sender's canonical address is not 20 bytes, so no attestation can name it.
    #[error("NotTheAccount: the sender's address is {0} bytes, not 20")]
    NotTheAccount(usize),
    /// No verifier key is set for the policy's shape.
    #[error("NoVerifier")]
    NoVerifier,
    /// The portfolio commitment is not 32 bytes below the scalar field's modulus.
    #[error("NotAFieldElement")]
    NotAFieldElement,
    /// The proof does not verify (the wasm verifier's error).
    #[error("ProofRejected: {0}")]
    ProofRejected(String),
}

impl From<solvent_statement::Reason> for ContractError {
    /// A time rule of `solvent-statement`'s `gate_rules`, as the error `SolvencyGate.sol` names.
    fn from(reason: solvent_statement::Reason) -> ContractError {
        use solvent_statement::Reason;
        match reason {
            Reason::Expired { expires_at, .. } => ContractError::PolicyExpired(expires_at),
            Reason::OutsideWindow { time, window } => ContractError::SnapshotOutsideWindow(time, window.effective_at, window.expires_at),
            Reason::NotYetValid { time, .. } => ContractError::SnapshotInFuture(time),
            Reason::TooOld { age, max_age, now } => ContractError::SnapshotTooOld(now - age, max_age),
            other => ContractError::ProofRejected(other.to_string()),
        }
    }
}
