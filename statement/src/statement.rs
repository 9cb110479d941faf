//! What a valid attestation establishes, and a verification's outcome, as `solvent verify
//! --json`, the JavaScript package and the wasm module write them.

use crate::attestation::Declared;
use crate::hex::encode_hex;
use crate::reason::Reason;
use crate::rules::{Expected, Trusted};
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use serde::Serialize;

/// The policy a statement is under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyStatement {
    /// Its name.
    pub name: String,
    /// Its id.
    pub id: String,
    /// Its commitment, one point (`0x`, x then y) per lane.
    pub commitment: Vec<String>,
}

/// The circuit a statement was proven with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CircuitStatement {
    /// The shape (`8a4t64i16s`).
    pub shape: String,
    /// `k`.
    pub k: u32,
    /// Lanes.
    pub lanes: usize,
}

/// The SRS a statement was checked under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SrsStatement {
    /// Its identity.
    pub identity: String,
    /// Whether it is the insecure development SRS.
    pub insecure: bool,
}

/// What a valid attestation establishes: under the policy, for the account, at the snapshot
/// time, the committed portfolio meets the policy's claims; checked with the verifying key and
/// SRS named here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// The policy.
    pub policy: PolicyStatement,
    /// The portfolio commitment.
    pub portfolio_commitment: String,
    /// The account.
    pub account: String,
    /// The snapshot time, unix seconds.
    pub snapshot_time: u64,
    /// The snapshot time in UTC (RFC 3339).
    pub snapshot_time_utc: String,
    /// The circuit.
    pub circuit: CircuitStatement,
    /// SHA-256 of the verifying key.
    pub vk_hash: String,
    /// The SRS.
    pub srs: SrsStatement,
}

impl Statement {
    /// The statement of a verified attestation.
    pub fn new(d: &Declared, e: &Expected, t: &Trusted) -> Statement {
        Statement {
            policy: PolicyStatement {
                name: e.policy_name.clone(),
                id: encode_hex(&t.policy_id()),
                commitment: t.commitment.chunks(64).map(encode_hex).collect(),
            },
            portfolio_commitment: encode_hex(&d.portfolio_commitment),
            account: encode_hex(&d.account),
            snapshot_time: d.snapshot_time,
            snapshot_time_utc: utc(d.snapshot_time),
            circuit: CircuitStatement { shape: e.shape.to_string(), k: e.k, lanes: e.lanes },
            vk_hash: encode_hex(&t.vk_hash),
            srs: SrsStatement { identity: encode_hex(&t.srs_identity), insecure: t.srs_insecure },
        }
    }
}

/// A verification's outcome: the verdict, its reason (stable code and words), and the statement
/// when the proof verified (whatever the time rules said).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// `VALID`, `INVALID`, `EXPIRED`, `NOT YET VALID` or `TOO OLD`.
    pub verdict: &'static str,
    /// The broken rule's code ([`crate::RULES`]); `None` when valid.
    pub code: Option<&'static str>,
    /// Why, in words; `None` when valid.
    pub reason: Option<String>,
    /// The statement, when the proof verified.
    pub statement: Option<Statement>,
}

impl Outcome {
    /// The outcome of `result`, with `statement` kept only when the proof verified.
    pub fn new(result: &Result<(), Reason>, statement: Option<Statement>) -> Outcome {
        match result {
            Ok(()) => Outcome { verdict: "VALID", code: None, reason: None, statement },
            Err(reason) => Outcome {
                verdict: reason.verdict(),
                code: Some(reason.code()),
                reason: Some(reason.to_string()),
                statement: statement.filter(|_| reason.proof_verified()),
            },
        }
    }
}

/// Unix seconds as an RFC 3339 time in UTC (`2026-11-24T16:00:00Z`); `out of range` after the
/// year 9999.
pub fn utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if year > 9999 {
        return "out of range".to_string();
    }
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rest / 3600, rest / 60 % 60, rest % 60)
}
