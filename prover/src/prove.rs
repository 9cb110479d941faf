//! Proving: from a policy, a portfolio and keys to an attestation and an opening.
//!
//! halo2-axiom commits the public columns (and opens them like any other polynomial) when its
//! multi-open prover says `QUERY_INSTANCE`; [`QueryInstance`] is SHPLONK with that switched on, so
//! verifiers take the public columns' commitments (the policy commitment) instead of their
//! values.

use crate::error::Error;
use crate::keys::Keys;
use crate::transcript::EvmTranscriptWrite;
use halo2_proofs::{
    halo2curves::bn256::{Bn256, G1Affine},
    poly::{
        commitment::Prover,
        kzg::{commitment::KZGCommitmentScheme, multiopen::ProverSHPLONK},
    },
    transcript::{EncodedChallenge, TranscriptWrite, TranscriptWriterBuffer},
};
use rand::RngCore;
use solvent_circuits::{
    encoding::{PublicInputs, SALT_BYTES},
    AttestationCircuit, Witness,
};
use solvent_params::Srs;
use solvent_verifier::{
    attestation::{encode_hex, public_inputs_file, Attestation, CircuitFile, PolicyFile, SrsFile, ATTESTATION_SCHEMA, TRANSCRIPT},
    commitment::{public_lagrange_points, PolicyCommitment},
    transcript::ChallengeEvm,
};

/// SHPLONK with the public columns committed and queried.
#[derive(Debug)]
pub struct QueryInstance<'params>(ProverSHPLONK<'params, Bn256>);

impl<'params> Prover<'params, KZGCommitmentScheme<Bn256>> for QueryInstance<'params> {
    const QUERY_INSTANCE: bool = true;

    fn new(params: &'params Srs) -> Self {
        QueryInstance(ProverSHPLONK::new(params))
    }

    fn create_proof<'com, E: EncodedChallenge<G1Affine>, T: TranscriptWrite<G1Affine, E>, R, I>(
        &self,
        rng: R,
        transcript: &mut T,
        queries: I,
    ) -> std::io::Result<()>
    where
        I: IntoIterator<Item = halo2_proofs::poly::ProverQuery<'com, G1Affine>> + Clone,
        R: RngCore,
    {
        self.0.create_proof(rng, transcript, queries)
    }
}

/// A fresh random salt for a portfolio commitment.
pub fn random_salt() -> [u8; SALT_BYTES] {
    let mut salt = [0u8; SALT_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    salt
}

/// A proof and the policy commitment it was proven against.
#[derive(Clone, Debug)]
pub struct Proof {
    /// The proof's bytes (EVM transcript).
    pub bytes: Vec<u8>,
    /// The policy commitment: the public columns' commitments the transcript absorbed, with the
    /// public inputs taken out of the first.
    pub policy: PolicyCommitment,
}

/// The policy commitment of a proof from the public columns' commitments its transcript absorbed.
fn policy_of(srs: &Srs, inputs: &PublicInputs, columns: &[G1Affine]) -> PolicyCommitment {
    PolicyCommitment::from_public_columns(columns, &public_lagrange_points(srs, PublicInputs::LEN), &inputs.column_values())
}

/// Proves the witness's circuit (EVM transcript); the circuit must match the keys' shape.
/// The `cuda` build proves on the GPU (see [`cuda`]).
#[cfg(not(feature = "cuda"))]
pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Proof, Error> {
    use halo2_proofs::plonk::create_proof;
    let columns: Vec<&[_]> = circuit.public_columns().iter().map(Vec::as_slice).collect();
    let mut transcript = EvmTranscriptWrite::init(Vec::new());
    create_proof::<KZGCommitmentScheme<Bn256>, QueryInstance<'_>, ChallengeEvm, _, _, _>(
        srs,
        &keys.pk,
        std::slice::from_ref(circuit),
        &[&columns],
        rand::rngs::OsRng,
        &mut transcript,
    )
    .map_err(|e| Error::Proof(format!("{e:?}")))?;
    let policy = policy_of(srs, &witness.public_inputs(), transcript.public_commitments());
    Ok(Proof { bytes: transcript.finalize(), policy })
}

/// The attestation file for a proof of `witness`.
pub fn attestation(witness: &Witness, keys: &Keys, proof: &Proof) -> Attestation {
    let shape = witness.shape();
    Attestation {
        schema: ATTESTATION_SCHEMA.to_string(),
        policy: PolicyFile { name: witness.policy.id.clone(), id: encode_hex(&proof.policy.id()) },
        public_inputs: public_inputs_file(&witness.public_inputs(), &witness.portfolio.account, witness.snapshot_time),
        circuit: CircuitFile::new(shape, keys.dims.lanes, keys.srs.k),
        vk_hash: encode_hex(&keys.vk_hash()),
        srs: SrsFile { identity: encode_hex(&keys.srs.identity()), insecure: keys.srs.is_dev() },
        transcript: TRANSCRIPT.to_string(),
        proof: encode_hex(&proof.bytes),
    }
}

/// Proves the witness's circuit on the GPU (EVM transcript); the circuit must match the keys' shape.
#[cfg(feature = "cuda")]
pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Proof, Error> {
    cuda::prove(keys, srs, circuit, witness)
}

/// The GPU prover (`cuda` feature): halo2-axiom-gpu with the same keys and transcript, so its
/// proofs verify with the CPU verifier unchanged.
#[cfg(feature = "cuda")]
pub mod cuda {
    use super::*;
    use halo2_axiom_gpu::poly::{
        commitment::Prover as GpuProverTrait,
        kzg::{
            commitment::{KZGCommitmentScheme as GpuKzg, ParamsKZG as GpuParams},
            multiopen::ProverSHPLONK as GpuShplonk,
        },
    };

    /// SHPLONK on the GPU with the public columns committed and queried.
    #[derive(Debug)]
    pub struct GpuQueryInstance<'params>(GpuShplonk<'params, Bn256>);

    impl<'params> GpuProverTrait<'params, GpuKzg<Bn256>> for GpuQueryInstance<'params> {
        const QUERY_INSTANCE: bool = true;

        fn new(params: &'params GpuParams<Bn256>) -> Self {
            GpuQueryInstance(GpuShplonk::new(params))
        }

        fn create_proof<
            'com,
            E: halo2_axiom_gpu::transcript::EncodedChallenge<G1Affine>,
            T: halo2_axiom_gpu::transcript::TranscriptWrite<G1Affine, E>,
            R,
            I,
        >(
            &self,
            rng: R,
            transcript: &mut T,
            queries: I,
        ) -> std::io::Result<()>
        where
            I: IntoIterator<Item = halo2_axiom_gpu::poly::ProverQuery<'com, G1Affine>> + Clone,
            R: RngCore,
        {
            self.0.create_proof(rng, transcript, queries)
        }
    }

    /// Selects the GPU, or explains why there is none.
    pub fn ensure_gpu() -> Result<i32, Error> {
        openvm_cuda_common::common::set_device().map_err(|e| {
            Error::Proof(format!(
                "this is the CUDA build of solvent and it found no usable NVIDIA GPU ({e:?}); use the CPU build on this machine"
            ))
        })
    }

    /// The SRS in the GPU crate's type (the same points, via their raw bytes).
    fn gpu_params(srs: &Srs) -> Result<GpuParams<Bn256>, Error> {
        let bytes = solvent_params::to_bytes(srs);
        GpuParams::read_custom(&mut bytes.as_slice(), halo2_proofs::SerdeFormat::RawBytesUnchecked)
            .map_err(|e| Error::Proof(format!("SRS for the GPU prover: {e}")))
    }

    /// Proves on the GPU.
    pub fn prove(keys: &Keys, srs: &Srs, circuit: &AttestationCircuit, witness: &Witness) -> Result<Proof, Error> {
        ensure_gpu()?;
        let params = gpu_params(srs)?;
        let columns: Vec<&[_]> = circuit.public_columns().iter().map(Vec::as_slice).collect();
        let mut transcript = EvmTranscriptWrite::init(Vec::new());
        halo2_axiom_gpu::plonk::create_proof::<GpuKzg<Bn256>, GpuQueryInstance<'_>, ChallengeEvm, _, _, _>(
            &params,
            &keys.pk,
            std::slice::from_ref(circuit),
            &[&columns],
            rand::rngs::OsRng,
            &mut transcript,
        )
        .map_err(|e| Error::Proof(format!("GPU prover: {e:?}")))?;
        let policy = policy_of(srs, &witness.public_inputs(), transcript.public_commitments());
        Ok(Proof { bytes: transcript.finalize(), policy })
    }
}
