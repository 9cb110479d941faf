//! The reference risk model of solvent (risk model v1 of `docs/design.md`, §2).
//!
//! This crate is the single source of truth for what an attestation claims. It parses and
//! validates the policy and portfolio files exactly as the design of record says, turns every
//! decimal into an exact scaled integer, and computes the figures of the model (haircut collateral,
//! debt, equity, scenario losses, scanning risk, short option minimum, margin requirement) and both
//! claims with exact big-integer arithmetic: no floats and no rounding anywhere.
//!
//! The circuit (`solvent-circuits`) consumes the same scaled integers and is tested against the
//! figures computed here.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod advice;
pub mod builder;
pub mod decimal;
pub mod diff;
pub mod error;
mod objects_only;
pub mod policy;
mod policy_file;
pub mod portfolio;
pub mod risk;
pub mod signed;
pub mod strict_map;

pub use decimal::{Decimal, AMOUNT_SCALE, RATIO_SCALE};
pub use error::InputError;
pub use policy::{Asset, Attests, Instrument, InstrumentLimits, LargePosition, Oracle, Policy, SignedHoldings, Source, Tier, Underlying};
pub use portfolio::{Portfolio, Warning};
pub use risk::{evaluate, LimitCheck, LimitChecks, RiskReport};
pub use solvent_statement::Shape;
