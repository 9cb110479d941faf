//! The statement every solvent verifier checks, written once.
//!
//! The native verifier (`solvent verify`, `solvent open`), the wasm module (and through it the
//! JavaScript package) and the CosmWasm gate apply these rules; `SolvencyGate.sol` is the second
//! implementation of the gate's rules, checked against [`RULES`] by the `solvent-evm` tests.
//!
//! - [`attestation`]: the attestation file and what it declares ([`Declared`]);
//! - [`registration`]: the trusted part of `verifier.json`;
//! - [`rules`]: the rules on plain values, in order ([`check_statement`], [`check_trust`],
//!   [`time_rules`], [`verify`], the gates' [`gate_rules`] and [`counts_now`]);
//! - [`reason`]: why an attestation is not valid ([`Reason`]: a stable code, its verdict, the
//!   gate's error name, and words);
//! - [`statement`]: what a valid attestation establishes, and a verification's [`Outcome`];
//! - [`shape`]: the circuit shape.
//!
//! No floating point and no halo2: it builds for `wasm32-unknown-unknown` and CosmWasm.
#![deny(missing_docs)]
#![deny(unsafe_code)]

extern crate alloc;

pub mod attestation;
pub mod hex;
pub mod reason;
pub mod registration;
pub mod rules;
pub mod shape;
pub mod statement;

pub use attestation::{Attestation, Declared, ATTESTATION_SCHEMA};
pub use reason::{Reason, Rule, Window, RULES};
pub use registration::Registration;
pub use rules::{check_statement, check_trust, counts_now, gate_rules, time_rules, verify, Checks, Expected, Trusted};
pub use shape::{Shape, SignedShape};
pub use statement::{utc, Outcome, Statement};

use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;
use serde::{Deserialize, Serialize};

/// The version of the circuit's configuration and layout. Keys are cached under it, so it must
/// change with every change that changes a key (a pinned verifying-key hash in the prover's key
/// cache tests fails until it does); keys of another version are then never loaded.
pub const CIRCUIT_VERSION: u32 = 3;

/// The largest snapshot age every verifier accepts by default, in seconds (`SolvencyGate`'s
/// `maxSnapshotAge` as `export-verifier` sets it, `solvent verify`'s and the wasm module's default).
pub const DEFAULT_MAX_SNAPSHOT_AGE: u64 = 3600;

/// The version of the field encoding of policies and portfolios (`docs/design.md` §6).
pub const ENCODING_VERSION: u64 = 2;

/// A refused input: the field (a path such as `public_inputs.account`; empty for the document as
/// a whole) and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field.
    pub field: String,
    /// Why.
    pub message: String,
    /// Whether the text is not JSON (or not of the file's form) at all.
    pub syntax: bool,
}

impl FieldError {
    /// An error about `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError { field: field.into(), message: message.into(), syntax: false }
    }

    /// A document that does not parse: JSON not of the file's form (a missing or unknown field,
    /// a value out of range), or else not JSON at all (`syntax`; the parser also says `Invalid
    /// type` for a value that no JSON value starts like).
    pub fn json(error: serde_json_wasm::de::Error) -> FieldError {
        use serde_json_wasm::de::Error;
        let syntax = !matches!(error, Error::Custom(_));
        FieldError { field: String::new(), message: error.to_string(), syntax }
    }

    /// The same error inside the document `document` (`options.now`).
    pub fn within(mut self, document: &str) -> FieldError {
        self.field = if self.field.is_empty() { document.to_string() } else { alloc::format!("{document}.{}", self.field) };
        self
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

/// A clock at or past this many seconds (the year 5138) is a time in milliseconds given by
/// mistake (`Date.now()` is about 1.8 x 10^12).
pub const MILLISECONDS_LOOK_LIKE: u64 = 100_000_000_000;

/// The caller's checks as a wasm host hands them over (JSON).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// The verifier's clock, unix seconds.
    pub now: u64,
    /// The account the attestation must be bound to (`0x` and 40 hex digits).
    #[serde(default)]
    pub account: Option<String>,
    /// The largest accepted snapshot age, in seconds (default: the registration's
    /// `max_snapshot_age`, the gate's).
    #[serde(default)]
    pub max_age: Option<u64>,
    /// Accept the development SRS.
    #[serde(default)]
    pub allow_insecure_srs: bool,
}

impl Options {
    /// The checks these options ask for.
    pub fn checks(&self) -> Result<Checks, FieldError> {
        if self.now >= MILLISECONDS_LOOK_LIKE {
            return Err(FieldError::new(
                "now",
                alloc::format!("`{}` is after the year 5000: a time in milliseconds (Date.now())? give unix seconds", self.now),
            ));
        }
        let account = match &self.account {
            Some(text) => Some(
                hex::decode_array::<20>(text)
                    .ok_or_else(|| FieldError::new("account", alloc::format!("`{text}` must be 0x followed by 40 hex digits")))?,
            ),
            None => None,
        };
        Ok(Checks { account, now: self.now, allow_insecure_srs: self.allow_insecure_srs, max_age: self.max_age })
    }
}

/// Verifies an attestation's JSON against a `verifier.json`'s trusted part, with the caller's
/// options (JSON), using `proof_check` for the proof: the whole job of a wasm host's verifier.
/// Returns the outcome's JSON, or, for input that is not an attestation, a `verifier.json` or
/// options, `{"error": {field, message, syntax}}` naming the document (`attestation`,
/// `verifier`, `options`) and field.
pub fn verify_json(
    attestation: &[u8],
    registration: &[u8],
    options: &[u8],
    proof_check: impl FnOnce(&[u8], &[u8], &[u8]) -> Result<(), &'static str>,
) -> Vec<u8> {
    #[derive(Serialize)]
    struct Refused {
        error: FieldError,
    }
    let outcome = (|| {
        let (_, declared) = Attestation::parse(attestation).map_err(|e| e.within("attestation"))?;
        let registration = Registration::parse(registration).map_err(|e| e.within("verifier"))?;
        let (expected, trusted) = registration.trusted().map_err(|e| e.within("verifier"))?;
        let options: Options = serde_json_wasm::from_slice(options).map_err(|e| FieldError::json(e).within("options"))?;
        let mut checks = options.checks().map_err(|e| e.within("options"))?;
        // Freshness as the gate the registration is for counts it, unless the caller says otherwise.
        checks.max_age = checks.max_age.or(Some(registration.max_snapshot_age));
        let result = verify(&declared, &expected, &trusted, &checks, proof_check);
        Ok(Outcome::new(&result, Some(Statement::new(&declared, &expected, &trusted))))
    })();
    match outcome {
        Ok(outcome) => serde_json_wasm::to_vec(&outcome),
        Err(error) => serde_json_wasm::to_vec(&Refused { error }),
    }
    .expect("outcomes serialise")
}

#[cfg(test)]
mod tests;
