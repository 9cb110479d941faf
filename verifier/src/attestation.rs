//! The attestation file (`solvent/attestation/v2`, defined with the rules in
//! `solvent-statement`), read strictly and with its public inputs as field elements.

use halo2_proofs::halo2curves::bn256::Fr;
use solvent_circuits::encoding::{field_to_hex, PublicInputs};
use solvent_model::InputError;
pub use solvent_statement::attestation::{
    Attestation, CircuitFile, Declared, PolicyFile, PublicInputsFile, SrsFile, ATTESTATION_SCHEMA, MAX_ATTESTATION_BYTES, OLDER_SCHEMAS,
    TRANSCRIPT,
};
pub use solvent_statement::hex::encode_hex;
use solvent_statement::FieldError;

fn input_error(e: FieldError) -> InputError {
    InputError::new(e.field, e.message)
}

/// The native reading of an attestation file and its values as the halo2 side uses them.
pub trait AttestationFile: Sized {
    /// Parses and checks the form of an attestation file (strictly: duplicate keys, arrays in
    /// place of objects and a byte order mark are refused, naming the field).
    fn from_json(text: &str) -> Result<Self, InputError>;
    /// What it declares, decoded.
    fn declared_values(&self) -> Result<Declared, InputError>;
    /// The public inputs as field elements.
    fn public_inputs(&self) -> Result<PublicInputs, InputError>;
    /// The proof's bytes.
    fn proof_bytes(&self) -> Result<Vec<u8>, InputError>;
    /// Writes the file's JSON (pretty-printed).
    fn to_json(&self) -> String;
}

impl AttestationFile for Attestation {
    fn from_json(text: &str) -> Result<Attestation, InputError> {
        solvent_model::error::check_size("attestation", text.len(), MAX_ATTESTATION_BYTES)?;
        #[derive(serde::Deserialize)]
        struct Schema {
            schema: String,
        }
        if let Ok(Schema { schema }) = serde_json::from_str::<Schema>(text) {
            if OLDER_SCHEMAS.contains(&schema.as_str()) {
                return Err(input_error(solvent_statement::attestation::older_schema(&schema)));
            }
        }
        let attestation: Attestation = solvent_model::error::parse_json(text)?;
        attestation.declared_values()?;
        Ok(attestation)
    }

    fn declared_values(&self) -> Result<Declared, InputError> {
        self.declared().map_err(input_error)
    }

    fn public_inputs(&self) -> Result<PublicInputs, InputError> {
        let d = self.declared_values()?;
        let field = |word: &[u8; 32]| {
            let mut repr = *word;
            repr.reverse();
            Option::<Fr>::from(ff::PrimeField::from_repr(repr)).expect("declared words are canonical")
        };
        Ok(PublicInputs {
            portfolio_commitment: field(&d.portfolio_commitment),
            account: solvent_circuits::encoding::account_to_field(&d.account),
            snapshot_time: Fr::from(d.snapshot_time),
        })
    }

    fn proof_bytes(&self) -> Result<Vec<u8>, InputError> {
        Ok(self.declared_values()?.proof)
    }

    fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("serialisable") + "\n"
    }
}

/// The file form of public inputs.
pub fn public_inputs_file(inputs: &PublicInputs, account: &[u8; 20], snapshot_time: u64) -> PublicInputsFile {
    PublicInputsFile {
        portfolio_commitment: field_to_hex(&inputs.portfolio_commitment),
        account: solvent_model::portfolio::format_account(account),
        snapshot_time,
    }
}

/// `0x`-prefixed hex (either case) to bytes.
pub fn decode_hex(name: &str, text: &str) -> Result<Vec<u8>, InputError> {
    if !(text.starts_with("0x") || text.starts_with("0X")) {
        return Err(InputError::new(name, "must start with 0x"));
    }
    solvent_statement::hex::decode_hex(text).ok_or_else(|| InputError::new(name, "is not an even number of hex digits"))
}

/// `0x` and 64 hex digits (either case) as 32 bytes.
pub fn hex32(name: &str, text: &str) -> Result<[u8; 32], InputError> {
    let bytes = decode_hex(name, text)?;
    bytes.try_into().map_err(|_| InputError::new(name, "must be 32 bytes"))
}
