//! The attestation file (`solvent/attestation/v2`): the policy it is for, the public inputs by
//! name, the circuit, the SRS and the proof. The portfolio and salt never appear in it. Nothing in
//! it selects what it is checked against: a verifier takes the policy, the SRS and the keys from
//! its own user and only compares them with what the file declares ([`Declared`]).

use crate::hex::{decode_array, decode_hex};
use crate::shape::Shape;
use crate::FieldError;
use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

/// The schema tag of an attestation.
pub const ATTESTATION_SCHEMA: &str = "solvent/attestation/v2";
/// The schema tags of attestations older versions of solvent wrote.
pub const OLDER_SCHEMAS: [&str; 1] = ["solvent/attestation/v1"];
/// Largest attestation file accepted, in bytes (a proof is about 2 KB).
pub const MAX_ATTESTATION_BYTES: usize = 1 << 20;
/// The transcript every attestation proof uses.
pub const TRANSCRIPT: &str = "keccak256-evm";

/// The BN254 scalar field's modulus, big-endian: public inputs are field elements below it.
pub const SCALAR_MODULUS: [u8; 32] = [
    0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d, 0x28, 0x33, 0xe8, 0x48, 0x79, 0xb9,
    0x70, 0x91, 0x43, 0xe1, 0xf5, 0x93, 0xf0, 0x00, 0x00, 0x01,
];

/// The policy an attestation is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    /// The policy's `id` field (a name, informational).
    pub name: String,
    /// The policy id: Keccak-256 of the policy commitment's points, `0x` and 64 hex digits.
    pub id: String,
}

/// The public inputs, as written in the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicInputsFile {
    /// `portfolio_commitment`, `0x` and 64 hex digits.
    pub portfolio_commitment: String,
    /// `account`, `0x` and 40 hex digits.
    pub account: String,
    /// `snapshot_time`, unix seconds.
    pub snapshot_time: u64,
}

/// The circuit a proof is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CircuitFile {
    /// Number of assets.
    pub assets: usize,
    /// Tiers per asset.
    pub tiers: usize,
    /// Number of instruments.
    pub instruments: usize,
    /// Number of scenarios.
    pub scenarios: usize,
    /// The risk model whose claims the circuit proves: 2 with the limits of risk model v2
    /// (absent for 1).
    #[serde(default = "risk_model_v1", skip_serializing_if = "is_risk_model_v1")]
    pub risk_model: u8,
    /// Underlyings (risk model 2; absent for 0).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub underlyings: usize,
    /// Signed holdings' slots (absent without).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<crate::shape::SignedShape>,
    /// Public columns (lanes).
    pub lanes: usize,
    /// `log2` of the number of rows.
    pub k: u32,
    /// The field encoding's version.
    pub encoding: u64,
    /// The circuit's version.
    pub version: u32,
}

fn risk_model_v1() -> u8 {
    1
}

fn is_risk_model_v1(model: &u8) -> bool {
    *model == 1
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl CircuitFile {
    /// The file form of `shape`'s circuit with its dimensions, at this version.
    pub fn new(shape: Shape, lanes: usize, k: u32) -> CircuitFile {
        CircuitFile {
            assets: shape.assets,
            tiers: shape.tiers,
            instruments: shape.instruments,
            scenarios: shape.scenarios,
            risk_model: shape.risk_model(),
            underlyings: shape.underlyings(),
            signed: shape.signed,
            lanes,
            k,
            encoding: crate::ENCODING_VERSION,
            version: crate::CIRCUIT_VERSION,
        }
    }

    /// The declared shape.
    pub fn shape(&self) -> Shape {
        Shape::from_risk_model(self.assets, self.tiers, self.instruments, self.scenarios, self.risk_model, self.underlyings)
            .with_signed(self.signed)
    }
}

/// The structured reference string a proof is for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SrsFile {
    /// SHA-256 of `g[0]`, `g2`, `[tau]G2` (raw bytes).
    pub identity: String,
    /// True when made with the public development SRS: such an attestation proves nothing.
    pub insecure: bool,
}

/// An attestation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attestation {
    /// [`ATTESTATION_SCHEMA`].
    pub schema: String,
    /// The policy.
    pub policy: PolicyFile,
    /// The three public inputs.
    pub public_inputs: PublicInputsFile,
    /// The circuit.
    pub circuit: CircuitFile,
    /// SHA-256 of the verifying key (halo2 raw bytes).
    pub vk_hash: String,
    /// The SRS.
    pub srs: SrsFile,
    /// [`TRANSCRIPT`].
    pub transcript: String,
    /// The proof, `0x`-prefixed hex.
    pub proof: String,
}

/// What an attestation declares, decoded: the values the rules compare with what the verifier
/// trusts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The schema.
    pub schema: String,
    /// The field encoding's version.
    pub encoding: u64,
    /// The circuit's version.
    pub version: u32,
    /// The policy's name.
    pub policy_name: String,
    /// The policy id.
    pub policy_id: [u8; 32],
    /// The circuit shape.
    pub shape: Shape,
    /// `k`.
    pub k: u32,
    /// Lanes.
    pub lanes: usize,
    /// The portfolio commitment (big-endian, below the scalar field's modulus).
    pub portfolio_commitment: [u8; 32],
    /// The account.
    pub account: [u8; 20],
    /// The snapshot time.
    pub snapshot_time: u64,
    /// The verifying key's hash.
    pub vk_hash: [u8; 32],
    /// The SRS identity.
    pub srs_identity: [u8; 32],
    /// Whether made with the development SRS.
    pub srs_insecure: bool,
    /// The proof's bytes.
    pub proof: Vec<u8>,
}

impl Declared {
    /// The public inputs as the proof check takes them: the portfolio commitment, the account
    /// and the snapshot time as 32-byte big-endian words.
    pub fn public_input_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(96);
        out.extend_from_slice(&self.portfolio_commitment);
        out.extend_from_slice(&[0u8; 12]);
        out.extend_from_slice(&self.account);
        out.extend_from_slice(&[0u8; 24]);
        out.extend_from_slice(&self.snapshot_time.to_be_bytes());
        out
    }
}

/// `0x` and 64 hex digits below the scalar field's modulus, big-endian.
pub fn field_word(text: &str) -> Option<[u8; 32]> {
    let word: [u8; 32] = decode_array(text)?;
    (word < SCALAR_MODULUS).then_some(word)
}

fn array<const N: usize>(field: &str, text: &str, what: &str) -> Result<[u8; N], FieldError> {
    decode_array(text).ok_or_else(|| FieldError::new(field, alloc::format!("`{text}` must be 0x followed by {what}")))
}

/// The error for an attestation of an older version's schema.
pub fn older_schema(schema: &str) -> FieldError {
    FieldError::new(
        "schema",
        alloc::format!(
            "`{schema}`: this attestation was made by an older version of solvent; prove again with this version ({ATTESTATION_SCHEMA})"
        ),
    )
}

impl Attestation {
    /// Checks the file's form: the schema (an older version's named as such), the transcript,
    /// and every hex field; returns what it declares.
    pub fn declared(&self) -> Result<Declared, FieldError> {
        if OLDER_SCHEMAS.contains(&self.schema.as_str()) {
            return Err(older_schema(&self.schema));
        }
        if self.schema != ATTESTATION_SCHEMA {
            return Err(FieldError::new("schema", alloc::format!("is `{}`; expected `{ATTESTATION_SCHEMA}`", self.schema)));
        }
        if self.transcript != TRANSCRIPT {
            return Err(FieldError::new("transcript", alloc::format!("is `{}`; expected `{TRANSCRIPT}`", self.transcript)));
        }
        let p = &self.public_inputs;
        let portfolio_commitment = field_word(&p.portfolio_commitment).ok_or_else(|| {
            FieldError::new(
                "public_inputs.portfolio_commitment",
                alloc::format!("`{}` is not 0x and 64 hex digits below the field modulus", p.portfolio_commitment),
            )
        })?;
        let account = array("public_inputs.account", &p.account, "40 hex digits")?;
        let proof = decode_hex(&self.proof).ok_or_else(|| FieldError::new("proof", "is not 0x and an even number of hex digits"))?;
        let c = &self.circuit;
        Ok(Declared {
            schema: self.schema.clone(),
            encoding: c.encoding,
            version: c.version,
            policy_name: self.policy.name.clone(),
            policy_id: array("policy.id", &self.policy.id, "64 hex digits")?,
            shape: c.shape(),
            k: c.k,
            lanes: c.lanes,
            portfolio_commitment,
            account,
            snapshot_time: p.snapshot_time,
            vk_hash: array("vk_hash", &self.vk_hash, "64 hex digits")?,
            srs_identity: array("srs.identity", &self.srs.identity, "64 hex digits")?,
            srs_insecure: self.srs.insecure,
            proof,
        })
    }

    /// Parses an attestation's JSON (the wasm hosts' parser: no floating point) and checks its
    /// form.
    pub fn parse(bytes: &[u8]) -> Result<(Attestation, Declared), FieldError> {
        if bytes.len() > MAX_ATTESTATION_BYTES {
            return Err(FieldError::new("", alloc::format!("is {} bytes; at most {MAX_ATTESTATION_BYTES} are accepted", bytes.len())));
        }
        #[derive(Deserialize)]
        struct Schema {
            schema: String,
        }
        // An older version's attestation has other fields: name its schema before anything else.
        if let Ok(Schema { schema }) = serde_json_wasm::from_slice::<Schema>(bytes) {
            if OLDER_SCHEMAS.contains(&schema.as_str()) {
                return Err(older_schema(&schema));
            }
        }
        let attestation: Attestation = serde_json_wasm::from_slice(bytes).map_err(FieldError::json)?;
        let declared = attestation.declared()?;
        Ok((attestation, declared))
    }
}
