//! A small verifier of solvent attestation proofs, for wasm hosts that refuse floating point
//! (CosmWasm) and for anywhere halo2 is too heavy.
//!
//! It checks the same proof bytes as the native verifier and the Solidity contract (EVM Keccak
//! transcript, SHPLONK, KZG on BN254) against a [`key::VerifierKey`] that `solvent
//! export-verifier` writes (`verifier.key`): the PLONK protocol snark-verifier compiles from the
//! circuit's verifying key, plus the SRS points. Arithmetic and pairings come from arkworks; the
//! crate has no floating point and no randomness. The native verifier (`solvent verify`) runs
//! this same code.
//!
//! The caller supplies the policy commitment it registered (one point per public column), never
//! one an attestation brings. As with the Solidity verifier, only the proof is checked: the caller
//! checks the statement (the policy's window, the snapshot time, the account).
//!
//! Built for `wasm32-unknown-unknown` with the `exports` feature (on by default), the library
//! exports `solvent_alloc`, `solvent_free`, `solvent_verify` (the proof alone) and
//! `solvent_verify_attestation` (an attestation file against a `verifier.json`, with every rule of
//! `solvent-statement`: what the JavaScript package calls; see `wasm`); a contract that links the
//! verifier (`cosmwasm-gate/`) turns the feature off.

#![deny(missing_docs)]
#![deny(unsafe_code)]

extern crate alloc;

pub mod arith;
pub mod key;
pub mod transcript;
pub mod verify;
#[cfg(all(target_arch = "wasm32", feature = "exports"))]
pub mod wasm;

use ark_bn254::{Fr, G1Affine};

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum VerifyError {
    /// The key could not be read or is inconsistent.
    Key = 1,
    /// The public inputs are not 32-byte canonical field elements of the expected count.
    Instances = 2,
    /// The policy commitment is not one curve point per public column.
    Commitment = 8,
    /// The proof ends early.
    Truncated = 3,
    /// A proof value is not a canonical scalar or a point on the curve.
    Encoding = 4,
    /// Bytes follow the proof.
    Trailing = 5,
    /// A challenge hit a value that makes a denominator zero.
    Degenerate = 6,
    /// The final pairing check failed: the proof is invalid.
    Pairing = 7,
}

impl VerifyError {
    /// The error's name (`Pairing`, `Encoding`, ...), as verdicts quote it.
    pub fn name(self) -> &'static str {
        match self {
            VerifyError::Key => "Key",
            VerifyError::Instances => "Instances",
            VerifyError::Commitment => "Commitment",
            VerifyError::Truncated => "Truncated",
            VerifyError::Encoding => "Encoding",
            VerifyError::Trailing => "Trailing",
            VerifyError::Degenerate => "Degenerate",
            VerifyError::Pairing => "Pairing",
        }
    }
}

/// Verifies `proof` under the key's bytes, for the policy commitment `commitment` (per public
/// column, `x` then `y` as 32-byte big-endian words) and the public inputs `inputs` (32-byte
/// big-endian words, in the circuit's order).
pub fn verify_bytes(key: &[u8], commitment: &[u8], inputs: &[u8], proof: &[u8]) -> Result<(), VerifyError> {
    let key = key::VerifierKey::from_bytes(key).map_err(|_| VerifyError::Key)?;
    verify_with_key(&key, commitment, inputs, proof)
}

/// [`verify_bytes`] with a key already read.
pub fn verify_with_key(key: &key::VerifierKey, commitment: &[u8], inputs: &[u8], proof: &[u8]) -> Result<(), VerifyError> {
    if !commitment.len().is_multiple_of(64) {
        return Err(VerifyError::Commitment);
    }
    let word = |bytes: &[u8]| -> [u8; 32] { bytes.try_into().expect("32 bytes") };
    let policy = commitment
        .chunks_exact(64)
        .map(|point| arith::g1_point(&word(&point[..32]), &word(&point[32..])).ok_or(VerifyError::Commitment))
        .collect::<Result<alloc::vec::Vec<G1Affine>, _>>()?;
    if !inputs.len().is_multiple_of(32) {
        return Err(VerifyError::Instances);
    }
    let public = inputs
        .chunks_exact(32)
        .map(|bytes| arith::fr_from_be(&word(bytes)).ok_or(VerifyError::Instances))
        .collect::<Result<alloc::vec::Vec<Fr>, _>>()?;
    verify::verify(key, &policy, &public, proof)
}
