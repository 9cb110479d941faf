//! Proving solvent attestations: SRS selection, the key cache, witness building and proving,
//! opening files for auditors, exporting on-chain verifiers, and the embedded demo. Each command of the `solvent` binary is a function of
//! [`commands`]; the binary only parses its arguments.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod audit;
pub mod commands;
pub mod console;
pub mod demo;
pub mod download;
pub mod error;
pub mod export;
pub mod files;
pub mod keys;
pub mod opening;
pub mod prove;
pub mod report;
pub mod resources;
pub mod srs;
pub mod transcript;
pub mod verification;

pub use error::Error;
