//! On-chain verification of solvent attestations.
//!
//! - [`solidity`]: the Solidity verifier for a circuit shape, rendered from its verifier key (one
//!   contract; SHPLONK, Keccak transcript: the very proof bytes the native and wasm verifiers
//!   check).
//! - [`solc`]: compiling Solidity with the pinned solcjs from npm (`contracts/package.json`).
//! - [`abi`]: calldata for the verifier and for [`gate`]'s functions.
//! - [`gate`]: the `SolvencyGate` registry contract (`contracts/SolvencyGate.sol`).
//! - [`governance`]: `SolventRiskGovernor`, token-weighted governance of the gate's policies with
//!   a supermajority and a longer delay for loosening ones.
//! - [`lending`]: the reference lending integration `SolventCreditLine`.
//! - [`openzeppelin`]: OpenZeppelin's contracts from npm, for sources that import them.
//! - `chain` (feature `chain`): a local revm chain to deploy and call contracts, for tests and gas
//!   figures; the `solvent` binary does not link it.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod abi;
#[cfg(feature = "chain")]
pub mod chain;
pub mod error;
pub mod gate;
pub mod governance;
pub mod lending;
pub mod openzeppelin;
pub mod solc;
pub mod solidity;

pub use error::EvmError;

/// Ethereum mainnet's limit on runtime code (EIP-170), in bytes.
pub const EIP170_CODE_SIZE_LIMIT: usize = 24_576;
