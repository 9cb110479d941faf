//! The rules, on plain values: what the attestation declares ([`Declared`]) against what the
//! verifier's user trusts ([`Expected`] from the policy alone, [`Trusted`] from the SRS, key and
//! commitment) and the verifier's [`Checks`]. Each function returns the first broken rule's
//! [`Reason`], in the order of [`crate::RULES`].

use crate::attestation::Declared;
use crate::reason::{Reason, Window};
use crate::shape::Shape;
use crate::{ATTESTATION_SCHEMA, CIRCUIT_VERSION, ENCODING_VERSION};
use alloc::string::String;
use alloc::vec::Vec;
use sha3::{Digest, Keccak256};

/// What follows from the trusted policy alone: its name, window, shape and the circuit's `k` and
/// lanes for that shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expected {
    /// The policy's name (its `id` field).
    pub policy_name: String,
    /// The policy's window.
    pub window: Window,
    /// The policy's circuit shape.
    pub shape: Shape,
    /// The circuit's `k` for that shape.
    pub k: u32,
    /// The circuit's lanes for that shape.
    pub lanes: usize,
}

/// What follows from the trusted SRS: its identity, the verifying key of the policy's circuit
/// and the policy's commitment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trusted {
    /// The SRS identity.
    pub srs_identity: [u8; 32],
    /// Whether it is the insecure development SRS.
    pub srs_insecure: bool,
    /// SHA-256 of the verifying key.
    pub vk_hash: [u8; 32],
    /// The verifier key's `k`.
    pub key_k: u32,
    /// The verifier key's lanes.
    pub key_lanes: usize,
    /// The policy commitment: per lane, its point's `x || y` (32-byte big-endian words).
    pub commitment: Vec<u8>,
}

impl Trusted {
    /// The policy id: Keccak-256 of the commitment's words (what `SolvencyGate` registers).
    pub fn policy_id(&self) -> [u8; 32] {
        Keccak256::digest(&self.commitment).into()
    }
}

/// What the verifier checks besides the proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checks {
    /// The account the attestation must be bound to, if any.
    pub account: Option<[u8; 20]>,
    /// The verifier's clock (unix seconds).
    pub now: u64,
    /// Accept proofs made with the public development SRS.
    pub allow_insecure_srs: bool,
    /// The largest accepted age of a snapshot at the verifier's clock, in seconds
    /// (`SolvencyGate.maxSnapshotAge`); `None` accepts any age inside the policy's window.
    pub max_age: Option<u64>,
}

/// The rules that need no key: the versions, the policy's name, the shape and the `k` and lanes
/// it implies, the window, the account, and the development SRS refused unless allowed.
pub fn check_statement(d: &Declared, e: &Expected, c: &Checks) -> Result<(), Reason> {
    if d.schema != ATTESTATION_SCHEMA {
        return Err(Reason::Schema { found: d.schema.clone() });
    }
    if d.encoding != ENCODING_VERSION || d.version != CIRCUIT_VERSION {
        return Err(Reason::Version { encoding: d.encoding, circuit: d.version });
    }
    if d.policy_name != e.policy_name {
        return Err(Reason::PolicyName { attested: d.policy_name.clone(), trusted: e.policy_name.clone() });
    }
    if d.shape != e.shape {
        return Err(Reason::Shape { attested: Box::new(d.shape), trusted: Box::new(e.shape) });
    }
    if (d.k, d.lanes) != (e.k, e.lanes) {
        return Err(Reason::Dimensions { shape: e.shape, attested: (d.k, d.lanes), implied: (e.k, e.lanes) });
    }
    if !e.window.contains(d.snapshot_time) {
        return Err(Reason::OutsideWindow { time: d.snapshot_time, window: e.window });
    }
    if let Some(expected) = c.account {
        if d.account != expected {
            return Err(Reason::Account { attested: d.account, expected });
        }
    }
    if d.srs_insecure && !c.allow_insecure_srs {
        return Err(Reason::InsecureSrs);
    }
    Ok(())
}

/// The rules against the trusted SRS, key and commitment: the declared SRS, the development SRS
/// refused unless allowed, the insecure flag, the key's `k`, the verifying key and the policy id.
pub fn check_trust(d: &Declared, e: &Expected, t: &Trusted, c: &Checks) -> Result<(), Reason> {
    if d.srs_identity != t.srs_identity {
        return Err(Reason::SrsMismatch { declared: d.srs_identity, trusted: t.srs_identity });
    }
    if t.srs_insecure && !c.allow_insecure_srs {
        return Err(Reason::InsecureSrs);
    }
    if d.srs_insecure != t.srs_insecure {
        return Err(Reason::InsecureFlag);
    }
    if (d.k, d.lanes) != (t.key_k, t.key_lanes) {
        return Err(Reason::KeyMismatch { attested: d.k, key: t.key_k });
    }
    if d.vk_hash != t.vk_hash {
        return Err(Reason::VkMismatch { attested: d.vk_hash, trusted: t.vk_hash });
    }
    let id = t.policy_id();
    if d.policy_id != id {
        return Err(Reason::PolicyMismatch { attested: d.policy_id, name: e.policy_name.clone(), trusted: id });
    }
    Ok(())
}

/// `SolvencyGate.attest`'s time rules on a valid proof, in its order: the policy expired at the
/// clock, the snapshot later than the clock, the snapshot older than the largest age.
pub fn time_rules(snapshot_time: u64, window: Window, c: &Checks) -> Result<(), Reason> {
    let now = c.now;
    if now >= window.expires_at {
        return Err(Reason::Expired { expires_at: window.expires_at, now });
    }
    if snapshot_time > now {
        let effective_at = (now < window.effective_at).then_some(window.effective_at);
        return Err(Reason::NotYetValid { time: snapshot_time, now, effective_at });
    }
    if let Some(max_age) = c.max_age {
        let age = now - snapshot_time;
        if age > max_age {
            return Err(Reason::TooOld { age, now, max_age });
        }
    }
    Ok(())
}

/// Every rule in order: the statement, the trust, the proof (`proof_check` of the trusted
/// commitment, the public input words and the proof, returning the proof check's error name),
/// then the time rules.
pub fn verify(
    d: &Declared,
    e: &Expected,
    t: &Trusted,
    c: &Checks,
    proof_check: impl FnOnce(&[u8], &[u8], &[u8]) -> Result<(), &'static str>,
) -> Result<(), Reason> {
    check_statement(d, e, c)?;
    check_trust(d, e, t, c)?;
    proof_check(&t.commitment, &d.public_input_bytes(), &d.proof).map_err(|error| Reason::Proof { error })?;
    time_rules(d.snapshot_time, e.window, c)
}

/// The time rules of a gate's `attest` (`SolvencyGate.sol`, the CosmWasm gate) for a registered
/// policy, in their order: expired at the block time, the snapshot outside the window, later
/// than the block time, older than the largest age.
pub fn gate_rules(now: u64, snapshot_time: u64, window: Window, max_age: u64) -> Result<(), Reason> {
    if now >= window.expires_at {
        return Err(Reason::Expired { expires_at: window.expires_at, now });
    }
    if !window.contains(snapshot_time) {
        return Err(Reason::OutsideWindow { time: snapshot_time, window });
    }
    time_rules(snapshot_time, window, &Checks { account: None, now, allow_insecure_srs: false, max_age: Some(max_age) })
}

/// Whether a recorded attestation of a registered policy still counts at `now` (a gate's
/// `isAttested`): the policy is not expired, the snapshot is inside its window, not in the
/// future and at most `max_age` old.
pub fn counts_now(now: u64, snapshot_time: u64, window: Window, max_age: u64) -> bool {
    gate_rules(now, snapshot_time, window, max_age).is_ok()
}
