//! The solvent attestation circuit and its chips, on `halo2_proofs` (halo2-axiom) alone.
//!
//! - [`header`]: which value each header row holds (the slots);
//! - [`public`]: the public columns (lanes) the verifier's policy commitment commits to;
//! - [`poseidon`]: the hash (specification, native sponge, chip);
//! - [`eddsa`]: Baby Jubjub and the chip proving an EdDSA-Poseidon signature's curve equation;
//! - [`range`]: 8-bit lookup range checks and comparisons;
//! - [`gate`]: the main gate `a + b * c = d` and arithmetic;
//! - [`blocks`]: the instrument blocks (sign split, scenario and short option sums);
//! - [`risk`]: tier selection and the scanning risk;
//! - [`signed`]: signed holdings (statements' signatures, holders, times and sums);
//! - [`attestation`]: the circuit proving both claims for the public inputs;
//! - [`encoding`]: the canonical field encoding and the portfolio commitment.
//!
//! Witness generation ([`context`]) is separate from the geometry ([`layout`]: dimensions and
//! regions, below the chips) and from the columns and gates ([`config`], above them); only the
//! circuit ([`attestation`]) lays itself out to choose `k` ([`Dims::for_shape`]). Nothing here depends
//! on halo2-base or on halo2-axiom's `multicore`, so the crate builds for `wasm32-unknown-unknown`.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod attestation;
pub mod blocks;
pub mod config;
pub mod context;
pub mod eddsa;
pub mod encoding;
pub mod gate;
pub mod header;
pub mod layout;
pub mod poseidon;
pub mod public;
pub mod range;
pub mod risk;
pub mod signed;

pub use attestation::{AttestationCircuit, Witness};
pub use encoding::{portfolio_commitment, PublicInputs, Shape};
pub use layout::Dims;

/// The version of the circuit's configuration and layout (defined with the rules every verifier
/// checks it by): it must change with every change that changes a key.
pub use solvent_statement::CIRCUIT_VERSION;

#[cfg(test)]
mod proptests;
#[cfg(test)]
pub(crate) mod testing;
