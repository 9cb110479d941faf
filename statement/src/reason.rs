//! Why an attestation is not valid: one [`Reason`] per rule, each with a stable code, the
//! verdict it gives and the name `SolvencyGate` reverts with for the same rule ([`RULES`]).

use crate::hex::encode_hex;
use crate::shape::Shape;
use alloc::string::String;
use core::fmt;

/// One rule of the statement, as every verifier applies it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The stable code (what `--json`, the JavaScript package and the CosmWasm gate report).
    pub code: &'static str,
    /// The verdict when the rule fails: `INVALID`, or for the time rules on a valid proof
    /// `EXPIRED`, `NOT YET VALID` or `TOO OLD`.
    pub verdict: &'static str,
    /// The custom error `SolvencyGate.sol` (and the CosmWasm gate) refuses `attest` with for the
    /// same rule; `None` where the gate has no such rule (its caller is the account and it holds
    /// the registered policy, so there is no attestation file to disagree with).
    pub gate_error: Option<&'static str>,
    /// What the rule requires.
    pub requires: &'static str,
}

/// The rules, in the order a verifier applies them (the time rules after the proof).
pub const RULES: [Rule; 17] = [
    rule("SCHEMA", "INVALID", None, "the attestation's schema is this version's"),
    rule("VERSION", "INVALID", None, "its encoding and circuit versions are this verifier's"),
    rule("POLICY_NAME", "INVALID", None, "it names the trusted policy"),
    rule("SHAPE", "INVALID", None, "its circuit shape is the trusted policy's"),
    rule("DIMENSIONS", "INVALID", None, "its k and lanes are those the policy's shape implies"),
    rule("OUTSIDE_WINDOW", "INVALID", Some("SnapshotOutsideWindow"), "the snapshot lies inside the policy's window"),
    rule("ACCOUNT", "INVALID", Some("NotTheAccount"), "it is bound to the expected account"),
    rule("INSECURE_SRS", "INVALID", None, "it is not made with the development SRS, unless allowed"),
    rule("SRS_MISMATCH", "INVALID", None, "it declares the trusted SRS"),
    rule("INSECURE_FLAG", "INVALID", None, "its insecure flag is the trusted SRS's"),
    rule("KEY_MISMATCH", "INVALID", None, "its k and lanes are the trusted key's"),
    rule("VK_MISMATCH", "INVALID", None, "it names the trusted verifying key"),
    rule("POLICY_MISMATCH", "INVALID", Some("UnknownPolicy"), "it is for the trusted policy commitment's id"),
    rule("PROOF", "INVALID", Some("ProofRejected"), "the proof verifies against the trusted key and commitment"),
    rule("EXPIRED", "EXPIRED", Some("PolicyExpired"), "the policy has not expired at the verifier's clock"),
    rule("NOT_YET_VALID", "NOT YET VALID", Some("SnapshotInFuture"), "the snapshot is not later than the clock"),
    rule("TOO_OLD", "TOO OLD", Some("SnapshotTooOld"), "the snapshot is at most the largest accepted age old"),
];

const fn rule(code: &'static str, verdict: &'static str, gate_error: Option<&'static str>, requires: &'static str) -> Rule {
    Rule { code, verdict, gate_error, requires }
}

/// Why an attestation is not valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The schema is not [`crate::ATTESTATION_SCHEMA`].
    Schema {
        /// The attestation's schema.
        found: String,
    },
    /// Made for another encoding or circuit version.
    Version {
        /// The attestation's encoding.
        encoding: u64,
        /// The attestation's circuit version.
        circuit: u32,
    },
    /// The attestation names another policy than the trusted one.
    PolicyName {
        /// The name it declares.
        attested: String,
        /// The trusted policy's name.
        trusted: String,
    },
    /// Another circuit shape than the trusted policy's.
    Shape {
        /// The declared shape.
        attested: Box<Shape>,
        /// The trusted policy's.
        trusted: Box<Shape>,
    },
    /// Another `k` or lane count than the policy's shape implies.
    Dimensions {
        /// The shape.
        shape: Shape,
        /// Declared `k` and lanes.
        attested: (u32, usize),
        /// What the shape implies.
        implied: (u32, usize),
    },
    /// The snapshot lies outside the policy's window `[effective_at, expires_at)`.
    OutsideWindow {
        /// The snapshot time.
        time: u64,
        /// The window.
        window: Window,
    },
    /// Bound to another account than the expected one.
    Account {
        /// The attested account.
        attested: [u8; 20],
        /// The expected one.
        expected: [u8; 20],
    },
    /// Made with the development SRS, which was not allowed.
    InsecureSrs,
    /// Declares another SRS than the trusted one.
    SrsMismatch {
        /// The declared identity.
        declared: [u8; 32],
        /// The trusted identity.
        trusted: [u8; 32],
    },
    /// The insecure flag does not match the SRS.
    InsecureFlag,
    /// Another `k` or lane count than the trusted key's.
    KeyMismatch {
        /// The declared `k`.
        attested: u32,
        /// The key's `k`.
        key: u32,
    },
    /// Names another verifying key.
    VkMismatch {
        /// The declared hash.
        attested: [u8; 32],
        /// The trusted key's hash.
        trusted: [u8; 32],
    },
    /// For another policy id than the trusted commitment's.
    PolicyMismatch {
        /// The declared id.
        attested: [u8; 32],
        /// The trusted policy's name.
        name: String,
        /// The trusted commitment's id.
        trusted: [u8; 32],
    },
    /// The proof does not verify (the proof check's error name).
    Proof {
        /// Why, as the proof check names it (`Pairing`, `Encoding`, ...).
        error: &'static str,
    },
    /// The policy has expired at the verifier's clock (the proof is valid).
    Expired {
        /// The policy's `expires_at`.
        expires_at: u64,
        /// The clock.
        now: u64,
    },
    /// The snapshot is later than the verifier's clock (the proof is valid).
    NotYetValid {
        /// The snapshot time.
        time: u64,
        /// The clock.
        now: u64,
        /// The policy's `effective_at`, when the clock is before it too.
        effective_at: Option<u64>,
    },
    /// The snapshot is older than the largest accepted age (the proof is valid).
    TooOld {
        /// Its age at the clock.
        age: u64,
        /// The clock.
        now: u64,
        /// The largest accepted age.
        max_age: u64,
    },
}

/// A policy's window `[effective_at, expires_at)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Unix seconds from which snapshots count.
    pub effective_at: u64,
    /// Unix seconds from which the policy is expired.
    pub expires_at: u64,
}

impl Window {
    /// Whether `time` lies inside the window.
    pub fn contains(&self, time: u64) -> bool {
        self.effective_at <= time && time < self.expires_at
    }
}

impl Reason {
    /// The rule this reason breaks (its index in [`RULES`]).
    pub fn rule(&self) -> &'static Rule {
        let index = match self {
            Reason::Schema { .. } => 0,
            Reason::Version { .. } => 1,
            Reason::PolicyName { .. } => 2,
            Reason::Shape { .. } => 3,
            Reason::Dimensions { .. } => 4,
            Reason::OutsideWindow { .. } => 5,
            Reason::Account { .. } => 6,
            Reason::InsecureSrs => 7,
            Reason::SrsMismatch { .. } => 8,
            Reason::InsecureFlag => 9,
            Reason::KeyMismatch { .. } => 10,
            Reason::VkMismatch { .. } => 11,
            Reason::PolicyMismatch { .. } => 12,
            Reason::Proof { .. } => 13,
            Reason::Expired { .. } => 14,
            Reason::NotYetValid { .. } => 15,
            Reason::TooOld { .. } => 16,
        };
        &RULES[index]
    }

    /// The stable code.
    pub fn code(&self) -> &'static str {
        self.rule().code
    }

    /// The verdict: `INVALID`, `EXPIRED`, `NOT YET VALID` or `TOO OLD`.
    pub fn verdict(&self) -> &'static str {
        self.rule().verdict
    }

    /// Whether the proof itself verified (only a time rule failed).
    pub fn proof_verified(&self) -> bool {
        self.verdict() != "INVALID"
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::{ATTESTATION_SCHEMA, CIRCUIT_VERSION, ENCODING_VERSION};
        match self {
            Reason::Schema { found } => write!(f, "schema {found} is not {ATTESTATION_SCHEMA}"),
            Reason::Version { encoding, circuit } => write!(
                f,
                "made for encoding {encoding} and circuit {circuit}; this verifier checks encoding {ENCODING_VERSION}, circuit {CIRCUIT_VERSION}"
            ),
            Reason::PolicyName { attested, trusted } => {
                write!(f, "the attestation names policy `{attested}`; the given policy is `{trusted}`")
            }
            Reason::Shape { attested, trusted } => write!(f, "circuit shape {attested} is not the policy's shape {trusted}"),
            Reason::Dimensions { shape, attested, implied } => write!(
                f,
                "circuit k = {}, {} lanes; the policy's shape {shape} implies k = {}, {} lanes",
                attested.0, attested.1, implied.0, implied.1
            ),
            Reason::OutsideWindow { time, window } => {
                write!(f, "snapshot time {time} is outside the policy's window [{}, {})", window.effective_at, window.expires_at)
            }
            Reason::Account { attested, expected } => {
                write!(f, "account mismatch: attested for {}, expected {}", encode_hex(attested), encode_hex(expected))
            }
            Reason::InsecureSrs => f.write_str(
                "made with the insecure development SRS (allow insecure SRS to accept it for testing: --allow-insecure-srs, or allowInsecureSrs in JavaScript)",
            ),
            Reason::SrsMismatch { declared, trusted } => write!(
                f,
                "SRS mismatch: the attestation declares SRS {}, this verifier trusts {}",
                encode_hex(declared),
                encode_hex(trusted)
            ),
            Reason::InsecureFlag => f.write_str("the attestation's `srs.insecure` flag does not match its SRS"),
            Reason::KeyMismatch { attested, key } => write!(f, "k mismatch: attestation k = {attested}, key k = {key}"),
            Reason::VkMismatch { attested, trusted } => write!(
                f,
                "verifying key mismatch: the attestation names {}, the key for this policy's circuit is {}",
                encode_hex(attested),
                encode_hex(trusted)
            ),
            Reason::PolicyMismatch { attested, name, trusted } => write!(
                f,
                "policy mismatch: the attestation is for policy id {}, the given policy `{name}` has id {} under this SRS",
                encode_hex(attested),
                encode_hex(trusted)
            ),
            Reason::Proof { error } => write!(f, "the proof does not verify ({error})"),
            Reason::Expired { expires_at, now } => {
                write!(f, "the policy expired at {expires_at} (verifier clock {now}); the proof itself is valid")
            }
            Reason::NotYetValid { time, now, effective_at } => {
                write!(f, "the snapshot time {time} is later than the verifier clock {now}")?;
                if let Some(effective_at) = effective_at {
                    write!(f, ", and the policy takes effect only at {effective_at}")?;
                }
                f.write_str("; the proof itself is valid")
            }
            Reason::TooOld { age, now, max_age } => write!(
                f,
                "the snapshot is {age} s old at the verifier clock {now}; at most {max_age} s are accepted; the proof itself is valid"
            ),
        }
    }
}
