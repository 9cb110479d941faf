//! Lightweight verification of solvent attestations.
//!
//! - [`attestation`]: the attestation file format;
//! - [`commitment`]: the policy commitment, a policy's identity on every verifier;
//! - [`transcript`]: snark-verifier's EVM (Keccak-256) transcript, reading and writing, so one
//!   proof verifies natively, in wasm and on-chain;
//! - [`verify`]: the checks a protocol or auditor runs; the proof itself is checked by the same
//!   code as the wasm verifier's (`solvent-verifier-wasm`).
//!
//! Key generation and proving live in `solvent-prover`; this crate only reads keys.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod attestation;
pub mod commitment;
pub mod transcript;
pub mod verify;

pub use attestation::Attestation;
pub use commitment::{policy_commitment, PolicyCommitment};
pub use verify::{check_statement, verify, verify_proof, Checks, Trusted, Verdict};
