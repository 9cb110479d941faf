//! `SolvencyGate` for CosmWasm chains: the owner registers the policies it accepts by their policy
//! commitment (with their window and circuit shape) and the verifier key per shape; an account
//! attests with its attestation's public inputs and proof, checked in the contract by solvent's
//! wasm verifier (`solvent-verifier-wasm`) against the *registered* commitment; lending
//! contracts query `is_attested`. The rules are those of `contracts/SolvencyGate.sol`, in its
//! order.
//!
//! The attested account is the sender's canonical address, which must be 20 bytes (the circuit
//! binds a 160-bit account): the attestation is made for `0x` and the hex of those 20 bytes.

#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod contract;
pub mod error;
pub mod msg;
mod state;

pub use error::ContractError;
