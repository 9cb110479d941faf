//! Verification of solvent attestations on the halo2 side.
//!
//! - [`attestation`]: the attestation file, read strictly, with its public inputs as field
//!   elements;
//! - [`commitment`]: the policy commitment, a policy's identity on every verifier;
//! - `key` (feature `verifier-key`): the verifier key every verifier reads, from a circuit's
//!   verifying key (snark-verifier's compile; not for wasm32);
//! - [`transcript`]: snark-verifier's EVM (Keccak-256) transcript, reading, so one proof
//!   verifies natively, in wasm and on-chain;
//! - [`verify`]: the rules of `solvent-statement` (written once for every verifier) with the
//!   trusted policy, SRS and keys; the proof itself is checked by the same code as the wasm
//!   verifier's (`solvent-verifier-wasm`).
//!
//! Key generation and proving live in `solvent-prover`; this crate only reads keys.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod attestation;
pub mod commitment;
#[cfg(feature = "verifier-key")]
pub mod key;
pub mod transcript;
pub mod verify;

pub use attestation::{Attestation, AttestationFile};
pub use commitment::{policy_commitment, PolicyCommitment};
pub use verify::{check_statement, verify, verify_proof, Checks, Trusted, Verdict};
