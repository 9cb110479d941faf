//! Proving: from a policy, a portfolio and keys to an attestation and an opening.

use crate::error::CliError;
use crate::keys::Keys;
use halo2_proofs::{halo2curves::bn256::Bn256, transcript::TranscriptWriterBuffer};
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
/// The `cuda` build proves on the GPU (see [`cuda`]).
#[cfg(not(feature = "cuda"))]
pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Vec<u8>, CliError> {
    use halo2_proofs::{
        plonk::create_proof,
        poly::kzg::{commitment::KZGCommitmentScheme, multiopen::ProverSHPLONK},
    };
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

/// Proves the witness's circuit on the GPU (EVM transcript); the circuit must match the keys' shape.
#[cfg(feature = "cuda")]
pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Vec<u8>, CliError> {
    cuda::prove(keys, srs, circuit, witness)
}

/// The GPU prover (`cuda` feature): halo2-axiom-gpu with the same keys and transcript, so its
/// proofs verify with the CPU verifier unchanged.
#[cfg(feature = "cuda")]
pub mod cuda {
    use super::*;
    use halo2_axiom_gpu::poly::kzg::{
        commitment::{KZGCommitmentScheme as GpuKzg, ParamsKZG as GpuParams},
        multiopen::ProverSHPLONK as GpuShplonk,
    };

    /// Selects the GPU, or explains why there is none.
    pub fn ensure_gpu() -> Result<i32, CliError> {
        openvm_cuda_common::common::set_device().map_err(|e| {
            CliError::Proof(format!(
                "this is the CUDA build of solvent and it found no usable NVIDIA GPU ({e:?}); use the CPU build on this machine"
            ))
        })
    }

    /// The SRS in the GPU crate's type (the same points, via their raw bytes).
    fn gpu_params(srs: &Srs) -> Result<GpuParams<Bn256>, CliError> {
        let bytes = solvent_params::to_bytes(srs);
        GpuParams::read_custom(&mut bytes.as_slice(), halo2_proofs::SerdeFormat::RawBytesUnchecked)
            .map_err(|e| CliError::Proof(format!("SRS for the GPU prover: {e}")))
    }

    /// Proves on the GPU.
    pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Vec<u8>, CliError> {
        ensure_gpu()?;
        let params = gpu_params(srs)?;
        let instances = witness.public_inputs().to_vec();
        let mut transcript = EvmTranscriptWrite::init(Vec::new());
        halo2_axiom_gpu::plonk::create_proof::<GpuKzg<Bn256>, GpuShplonk<'_, Bn256>, ChallengeEvm, _, _, _>(
            &params,
            &keys.pk,
            std::slice::from_ref(circuit),
            &[&[&instances]],
            rand::rngs::OsRng,
            &mut transcript,
        )
        .map_err(|e| CliError::Proof(format!("GPU prover: {e:?}")))?;
        Ok(transcript.finalize())
    }
}
