//! On-chain verification of solvent attestations.
//!
//! - [`solidity`]: the Solidity verifier for a circuit shape, generated from its verifying key by
//!   snark-verifier's EVM loader (SHPLONK, Keccak transcript: the very proof bytes the native and
//!   wasm verifiers check).
//! - [`split`]: the verifier as two contracts that each fit EIP-170.
//! - [`solc`]: compiling Solidity with the pinned solcjs from npm (`contracts/package.json`).
//! - [`abi`]: calldata for the verifier and for [`gate`]'s functions.
//! - [`gate`]: the `SolvencyGate` registry contract (`contracts/SolvencyGate.sol`).
//! - [`chain`]: a local revm chain to deploy and call contracts, for tests and gas figures.
//! - [`wasm_key`]: the key of the small wasm verifier (`solvent-verifier-wasm`), from the same
//!   compiled protocol.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod abi;
pub mod chain;
pub mod error;
pub mod gate;
pub mod solc;
pub mod solidity;
pub mod split;
pub mod wasm_key;

pub use error::EvmError;
