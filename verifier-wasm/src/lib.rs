//! A small verifier of solvent attestation proofs, for wasm hosts that refuse floating point
//! (CosmWasm) and for anywhere halo2 is too heavy.
//!
//! It checks the same proof bytes as the native verifier and the Solidity contract (EVM Keccak
//! transcript, SHPLONK, KZG on BN254) against a [`key::VerifierKey`] that `solvent
//! export-verifier` writes (`verifier.key`): the PLONK protocol snark-verifier compiles from the
//! circuit's verifying key, plus the SRS points. Arithmetic and pairings come from arkworks; the
//! crate has no floating point and no randomness.
//!
//! As with the Solidity verifier, only the proof is checked: the caller checks the statement
//! (that the policy hash is one it accepts, the snapshot time, the account).
//!
//! Built for `wasm32-unknown-unknown`, the library exports `solvent_alloc`, `solvent_free` and
//! `solvent_verify` (see [`wasm`]).

#![deny(missing_docs)]
#![deny(unsafe_code)]

extern crate alloc;

mod arith;
pub mod key;
pub mod transcript;
pub mod verify;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

use ark_bn254::Fr;

/// Why a proof was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum VerifyError {
    /// The key could not be read or is inconsistent.
    Key = 1,
    /// The public inputs are not 32-byte canonical field elements of the expected count.
    Instances = 2,
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

/// Verifies `proof` for the public inputs `inputs` (32-byte big-endian words, in the circuit's
/// order) under the key's bytes.
pub fn verify_bytes(key: &[u8], inputs: &[u8], proof: &[u8]) -> Result<(), VerifyError> {
    let key = key::VerifierKey::from_bytes(key).map_err(|_| VerifyError::Key)?;
    if !inputs.len().is_multiple_of(32) {
        return Err(VerifyError::Instances);
    }
    let instances = inputs
        .chunks_exact(32)
        .map(|word| arith::fr_from_be(word.try_into().expect("32 bytes")).ok_or(VerifyError::Instances))
        .collect::<Result<alloc::vec::Vec<Fr>, _>>()?;
    verify::verify(&key, &instances, proof)
}
