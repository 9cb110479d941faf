//! The solvent attestation circuit and its chips, on `halo2_proofs` (halo2-axiom) alone.
//!
//! - [`poseidon`]: the hash (specification, native sponge, chip proving eight partial rounds in
//!   two rows);
//! - [`range`]: 8-bit lookup range checks and comparisons;
//! - [`gate`]: the main gate `a + b * c = d` and arithmetic;
//! - [`risk`]: tier selection, the sign split of positions, scenario sums and scanning risk;
//! - [`attestation`]: the circuit proving both claims for the public inputs of DESIGN.md;
//! - [`encoding`]: the canonical field encoding and the hashes, shared with verifiers.
//!
//! Witness generation ([`context`]) is separate from layout ([`layout`]). Nothing here depends
//! on halo2-base or on halo2-axiom's `multicore`, so the crate builds for `wasm32-unknown-unknown`.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod attestation;
pub mod context;
pub mod encoding;
pub mod gate;
pub mod layout;
pub mod poseidon;
pub mod range;
pub mod risk;

pub use attestation::{AttestationCircuit, Witness};
pub use encoding::{policy_hash, portfolio_commitment, PublicInputs, Shape};

/// The version of the circuit's configuration and layout. Keys are cached under it, so it must
/// change with every change that changes a key (a pinned verifying-key hash in the prover's key
/// cache tests fails until it does); keys of another version are then never loaded.
pub const CIRCUIT_VERSION: u32 = 2;

#[cfg(test)]
pub(crate) mod testing;
#[cfg(test)]
mod proptests;
