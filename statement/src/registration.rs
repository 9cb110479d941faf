//! What a verifier trusts, as `solvent export-verifier` records it in `verifier.json` (under the
//! SRS its user chose): the policy's name, window and shape, the circuit's `k` and lanes, the
//! verifying key's hash, the SRS identity, the policy id and commitment, and the gate's largest
//! snapshot age. The JavaScript package verifies against this file.

use crate::hex::{decode_array, decode_hex, encode_hex};
use crate::reason::Window;
use crate::rules::{Expected, Trusted};
use crate::shape::Shape;
use crate::FieldError;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The trusted part of `verifier.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The circuit shape the verifier checks: assets.
    pub assets: usize,
    /// Tiers per asset.
    pub tiers: usize,
    /// Instruments.
    pub instruments: usize,
    /// Scenarios.
    pub scenarios: usize,
    /// [`Shape::limits_number`]: 0 for the circuit of risk model v1, else 1 + the number of
    /// underlyings (the fifth number of `SolvencyGate.shapeKey`).
    pub limits: usize,
    /// Signed holdings' slots (absent without).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<crate::shape::SignedShape>,
    /// Public columns (lanes).
    pub lanes: usize,
    /// The circuit's `k`.
    pub k: u32,
    /// SHA-256 of the verifying key.
    pub vk_hash: String,
    /// The SRS identity.
    pub srs_identity: String,
    /// Whether the SRS is the INSECURE development one.
    pub srs_insecure: bool,
    /// The policy's name (its `id` field).
    pub policy_name: String,
    /// The policy's window: unix seconds from which snapshots count.
    pub effective_at: u64,
    /// The policy's window: unix seconds from which it is expired.
    pub expires_at: u64,
    /// The policy id: Keccak-256 of the commitment's words.
    pub policy_id: String,
    /// The policy commitment, one point (`x || y`) per lane.
    pub policy_commitment: Vec<String>,
    /// The gate's largest snapshot age, in seconds.
    pub max_snapshot_age: u64,
}

impl Registration {
    /// The shape.
    pub fn shape(&self) -> Shape {
        Shape::from_numbers(self.assets, self.tiers, self.instruments, self.scenarios, self.limits).with_signed(self.signed)
    }

    /// What the registration says the verifier trusts; refuses malformed hex and a policy id
    /// that is not its commitment's.
    pub fn trusted(&self) -> Result<(Expected, Trusted), FieldError> {
        let expected = Expected {
            policy_name: self.policy_name.clone(),
            window: Window { effective_at: self.effective_at, expires_at: self.expires_at },
            shape: self.shape(),
            k: self.k,
            lanes: self.lanes,
        };
        let word = |field: &str, text: &str| {
            decode_array::<32>(text).ok_or_else(|| FieldError::new(field, format!("`{text}` must be 0x followed by 64 hex digits")))
        };
        let mut commitment = Vec::with_capacity(64 * self.policy_commitment.len());
        for (lane, point) in self.policy_commitment.iter().enumerate() {
            match decode_hex(point) {
                Some(bytes) if bytes.len() == 64 => commitment.extend(bytes),
                _ => return Err(FieldError::new(format!("policy_commitment[{lane}]"), "must be 0x and 128 hex digits (x, y)")),
            }
        }
        if commitment.is_empty() {
            return Err(FieldError::new("policy_commitment", "must hold one point per lane"));
        }
        let trusted = Trusted {
            srs_identity: word("srs_identity", &self.srs_identity)?,
            srs_insecure: self.srs_insecure,
            vk_hash: word("vk_hash", &self.vk_hash)?,
            key_k: self.k,
            key_lanes: self.lanes,
            commitment,
        };
        let id = word("policy_id", &self.policy_id)?;
        if id != trusted.policy_id() {
            return Err(FieldError::new(
                "policy_id",
                format!("is not the id of `policy_commitment` ({}): the file is damaged", encode_hex(&trusted.policy_id())),
            ));
        }
        Ok((expected, trusted))
    }

    /// Parses `verifier.json` (its other fields are ignored).
    pub fn parse(bytes: &[u8]) -> Result<Registration, FieldError> {
        serde_json_wasm::from_slice(bytes).map_err(FieldError::json)
    }
}
