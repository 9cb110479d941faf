//! The signatures of a policy's sources (custodians, venues): EdDSA-Poseidon on Baby Jubjub,
//! exactly as circomlib's `eddsa.js` and the npm package `@zk-kit/eddsa-poseidon` (its default,
//! BLAKE-512 flavour) define it, so that a source signs with a library that exists outside this
//! project. Baby Jubjub is a twisted Edwards curve over BN254's scalar field, the circuit's own
//! field, so the signature can be verified in-circuit with native arithmetic.
//!
//! - [`babyjubjub`]: the curve (EIP-2494): points, addition, scalar multiplication (the
//!   circuit's reference, `solvent_circuits::eddsa::curve`, re-exported).
//! - [`eddsa`]: keys, signing and verification; the hash `H(R8, A, M)` is circom's Poseidon of
//!   five inputs.
//! - [`key`]: a source's key file and its public key as the policy will name it.
//! - [`statement`]: statements (`solvent/statement/v1`): a source's signed account of one
//!   holder's items, and the message its signature covers.
//! - [`portfolio`]: trusted sources, and a portfolio summed from their statements.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub use solvent_circuits::eddsa::curve as babyjubjub;
pub mod eddsa;
pub mod key;
pub mod portfolio;
pub mod statement;
