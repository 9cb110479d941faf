//! The gate's messages (JSON).

use cosmwasm_std::{Binary, HexBinary};
use serde::{Deserialize, Serialize};

/// A circuit shape: assets, tiers per asset, instruments, scenarios, limits and signed holdings'
/// slots (the verifier key is chosen by all of them).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// Assets.
    pub assets: u32,
    /// Haircut tiers per asset.
    pub tiers: u32,
    /// Instruments.
    pub instruments: u32,
    /// Scenarios.
    pub scenarios: u32,
    /// 0 for the circuit of risk model v1; else 1 + the number of underlyings of the circuit with
    /// the limits of risk model v2.
    #[serde(default)]
    pub limits: u32,
    /// Sources of signed holdings (0 without signed holdings).
    #[serde(default)]
    pub sources: u32,
    /// Statement slots (0 without signed holdings).
    #[serde(default)]
    pub statement_slots: u32,
    /// Item slots per statement (0 without signed holdings).
    #[serde(default)]
    pub statement_items: u32,
}

/// Instantiates the gate; the sender becomes its owner.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub struct InstantiateMsg {
    /// The largest accepted snapshot age in seconds, at `attest` and at `is_attested`.
    pub max_snapshot_age: u64,
}

/// The gate's transactions.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ExecuteMsg {
    /// Owner: registers (or re-registers) a policy by its commitment (`verifier.json`'s
    /// `policy_commitment`, one 64-byte point per lane), with its window and circuit shape.
    AcceptPolicy {
        /// Per lane, the point's `x || y` (32-byte big-endian each).
        commitment: Vec<HexBinary>,
        /// Unix seconds from which snapshots count.
        effective_at: u64,
        /// Unix seconds from which the policy is expired.
        expires_at: u64,
        /// The policy's circuit shape.
        shape: Shape,
    },
    /// Owner: withdraws a policy; its attestations stop counting at once.
    RevokePolicy {
        /// The policy id.
        policy_id: HexBinary,
    },
    /// Owner: sets the verifier key (`verifier.key` from `solvent export-verifier`) of a shape.
    SetVerifier {
        /// The shape.
        shape: Shape,
        /// The key's bytes.
        key: Binary,
    },
    /// Owner: sets the largest accepted snapshot age in seconds.
    SetMaxSnapshotAge {
        /// Seconds.
        seconds: u64,
    },
    /// An account attests: the attestation's policy id, portfolio commitment, snapshot time and
    /// proof; the account is the sender.
    Attest {
        /// The registered policy's id.
        policy_id: HexBinary,
        /// Public input 1: the portfolio commitment (32 bytes).
        portfolio_commitment: HexBinary,
        /// Public input 3: the snapshot's unix time.
        snapshot_time: u64,
        /// The proof bytes of the attestation file.
        proof: Binary,
    },
}

/// The gate's queries.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum QueryMsg {
    /// Whether `account` holds an attestation under `policy_id` that counts now: the policy is
    /// registered and not expired, and the snapshot is at most the largest age old.
    /// Answers `true` or `false`.
    IsAttested {
        /// The account's address.
        account: String,
        /// The policy id.
        policy_id: HexBinary,
    },
    /// The id a commitment registers under (Keccak-256 of its words, as SolvencyGate's).
    /// Answers the id, hex.
    PolicyId {
        /// Per lane, the point's `x || y`.
        commitment: Vec<HexBinary>,
    },
}
