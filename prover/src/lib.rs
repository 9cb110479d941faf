//! Proving solvent attestations: SRS selection, the key cache, witness building and proving,
//! opening files for auditors, exporting on-chain verifiers, and the embedded demo. The `solvent` binary is a thin CLI on top.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod demo;
pub mod error;
pub mod export;
pub mod files;
pub mod keys;
pub mod opening;
pub mod prove;
pub mod report;
pub mod resources;
pub mod srs;
pub mod verification;

pub use error::Error;
