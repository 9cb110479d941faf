//! Proving: from a policy, a portfolio and keys to an attestation and an opening.

use crate::error::CliError;
use crate::keys::Keys;
use halo2_proofs::{
    halo2curves::bn256::Bn256,
    plonk::create_proof,
    poly::kzg::{commitment::KZGCommitmentScheme, multiopen::ProverSHPLONK},
    transcript::TranscriptWriterBuffer,
};
use rand::RngCore;
use solvent_circuits::{
    encoding::{Shape, ENCODING_VERSION, SALT_BYTES},
    AttestationCircuit, Witness,
};
use solvent_params::Srs;
use solvent_verifier::{
    attestation::{encode_hex, Attestation, CircuitFile, PublicInputsFile, SrsFile, ATTESTATION_SCHEMA, TRANSCRIPT},
    transcript::{ChallengeEvm, EvmTranscriptWrite},
    verify::vk_hash,
};

/// A fresh random salt for a portfolio commitment.
pub fn random_salt() -> [u8; SALT_BYTES] {
    let mut salt = [0u8; SALT_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    salt
}

/// Proves the witness's circuit (EVM transcript); the circuit must match the keys' shape.
pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Vec<u8>, CliError> {
    let instances = witness.public_inputs().to_vec();
    let mut transcript = EvmTranscriptWrite::init(Vec::new());
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, ChallengeEvm, _, _, _>(
        srs,
        &keys.pk,
        std::slice::from_ref(circuit),
        &[&[&instances]],
        rand::rngs::OsRng,
        &mut transcript,
    )
    .map_err(|e| CliError::Proof(format!("{e:?}")))?;
    Ok(transcript.finalize())
}

/// The attestation file for a proof of `witness`.
pub fn attestation(witness: &Witness, keys: &Keys, proof: &[u8]) -> Attestation {
    let shape = Shape::of(&witness.policy);
    Attestation {
        schema: ATTESTATION_SCHEMA.to_string(),
        policy_id: witness.policy.id.clone(),
        public_inputs: PublicInputsFile::new(&witness.public_inputs(), &witness.portfolio.account, witness.snapshot_time),
        circuit: CircuitFile {
            assets: shape.assets,
            tiers: shape.tiers,
            instruments: shape.instruments,
            scenarios: shape.scenarios,
            k: keys.srs.k,
            encoding: ENCODING_VERSION,
        },
        vk_hash: encode_hex(&vk_hash(keys.vk())),
        srs: SrsFile { identity: encode_hex(&keys.srs.identity()), insecure: keys.srs.is_dev() },
        transcript: TRANSCRIPT.to_string(),
        proof: encode_hex(proof),
    }
}
