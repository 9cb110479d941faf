//! The attestation file (`solvent/attestation/v2`): the policy it is for, the public inputs by
//! name, the circuit, the SRS and the proof. The portfolio and salt never appear in it. Nothing in
//! it selects what it is checked against: a verifier takes the policy, the SRS and the keys from
//! its own user and only compares them with what the file declares.

use serde::{Deserialize, Serialize};
use solvent_circuits::encoding::{field_from_hex, field_to_hex, PublicInputs, Shape};
use solvent_model::InputError;

/// The schema tag of an attestation.
pub const ATTESTATION_SCHEMA: &str = "solvent/attestation/v2";
/// The schema tags of attestations older versions of solvent wrote.
pub const OLDER_SCHEMAS: [&str; 1] = ["solvent/attestation/v1"];
/// Largest attestation file accepted, in bytes (a proof is about 2 KB).
pub const MAX_ATTESTATION_BYTES: usize = 1 << 20;
/// The transcript every attestation proof uses.
pub const TRANSCRIPT: &str = "keccak256-evm";

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
    /// The file form of `shape`'s circuit with its dimensions.
    pub fn new(shape: Shape, lanes: usize, k: u32) -> CircuitFile {
        CircuitFile {
            assets: shape.assets,
            tiers: shape.tiers,
            instruments: shape.instruments,
            scenarios: shape.scenarios,
            risk_model: if shape.limits.is_some() { 2 } else { 1 },
            underlyings: shape.underlyings(),
            lanes,
            k,
            encoding: solvent_circuits::encoding::ENCODING_VERSION,
            version: solvent_circuits::CIRCUIT_VERSION,
        }
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

fn field(name: &str, text: &str) -> Result<halo2_proofs::halo2curves::bn256::Fr, InputError> {
    field_from_hex(text).ok_or_else(|| InputError::new(name, format!("`{text}` is not 0x and 64 hex digits below the field modulus")))
}

impl Attestation {
    /// Parses and checks the form of an attestation file.
    pub fn from_json(text: &str) -> Result<Attestation, InputError> {
        solvent_model::error::check_size("attestation", text.len(), MAX_ATTESTATION_BYTES)?;
        #[derive(Deserialize)]
        struct Schema {
            schema: String,
        }
        if let Ok(Schema { schema }) = serde_json::from_str::<Schema>(text) {
            if OLDER_SCHEMAS.contains(&schema.as_str()) {
                return Err(InputError::new(
                    "schema",
                    format!("`{schema}`: this attestation was made by an older version of solvent; prove again with this version ({ATTESTATION_SCHEMA})"),
                ));
            }
        }
        let attestation: Attestation = solvent_model::error::parse_json(text)?;
        if attestation.schema != ATTESTATION_SCHEMA {
            return Err(InputError::new("schema", format!("is `{}`; expected `{ATTESTATION_SCHEMA}`", attestation.schema)));
        }
        if attestation.transcript != TRANSCRIPT {
            return Err(InputError::new("transcript", format!("is `{}`; expected `{TRANSCRIPT}`", attestation.transcript)));
        }
        attestation.public_inputs()?;
        attestation.proof_bytes()?;
        solvent_model::portfolio::parse_account("public_inputs.account", &attestation.public_inputs.account)?;
        hex32("vk_hash", &attestation.vk_hash)?;
        hex32("srs.identity", &attestation.srs.identity)?;
        hex32("policy.id", &attestation.policy.id)?;
        Ok(attestation)
    }

    /// The declared policy id.
    pub fn policy_id(&self) -> Result<[u8; 32], InputError> {
        hex32("policy.id", &self.policy.id)
    }

    /// The declared SRS identity.
    pub fn srs_identity(&self) -> Result<[u8; 32], InputError> {
        hex32("srs.identity", &self.srs.identity)
    }

    /// The declared verifying-key hash.
    pub fn vk_hash(&self) -> Result<[u8; 32], InputError> {
        hex32("vk_hash", &self.vk_hash)
    }

    /// The public inputs as field elements.
    pub fn public_inputs(&self) -> Result<PublicInputs, InputError> {
        let p = &self.public_inputs;
        let account = solvent_model::portfolio::parse_account("public_inputs.account", &p.account)?;
        Ok(PublicInputs {
            portfolio_commitment: field("public_inputs.portfolio_commitment", &p.portfolio_commitment)?,
            account: solvent_circuits::encoding::account_to_field(&account),
            snapshot_time: halo2_proofs::halo2curves::bn256::Fr::from(p.snapshot_time),
        })
    }

    /// The proof's bytes.
    pub fn proof_bytes(&self) -> Result<Vec<u8>, InputError> {
        decode_hex("proof", &self.proof)
    }

    /// The circuit shape.
    pub fn shape(&self) -> Shape {
        let c = &self.circuit;
        let limits = (c.risk_model != 1).then_some(c.underlyings);
        Shape { assets: c.assets, tiers: c.tiers, instruments: c.instruments, scenarios: c.scenarios, limits }
    }

    /// Writes the file's JSON (pretty-printed).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("serialisable") + "\n"
    }
}

impl PublicInputsFile {
    /// The file form of public inputs.
    pub fn new(inputs: &PublicInputs, account: &[u8; 20], snapshot_time: u64) -> Self {
        PublicInputsFile {
            portfolio_commitment: field_to_hex(&inputs.portfolio_commitment),
            account: solvent_model::portfolio::format_account(account),
            snapshot_time,
        }
    }
}

/// `0x`-prefixed hex (either case) to bytes.
pub fn decode_hex(name: &str, text: &str) -> Result<Vec<u8>, InputError> {
    let hex = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).ok_or_else(|| InputError::new(name, "must start with 0x"))?;
    if hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(InputError::new(name, "is not an even number of hex digits"));
    }
    Ok((0..hex.len() / 2).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect())
}

/// Bytes to `0x`-prefixed hex.
pub fn encode_hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// `0x` and 64 hex digits (either case) as 32 bytes.
pub fn hex32(name: &str, text: &str) -> Result<[u8; 32], InputError> {
    let bytes = decode_hex(name, text)?;
    bytes.try_into().map_err(|_| InputError::new(name, "must be 32 bytes"))
}
