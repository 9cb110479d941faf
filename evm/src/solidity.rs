//! The Solidity verifier of a circuit shape, generated from its verifying key.

use halo2_proofs::{
    halo2curves::bn256::{Bn256, Fq, Fr, G1Affine},
    plonk::VerifyingKey,
};
use snark_verifier::{
    loader::evm::EvmLoader,
    pcs::kzg::{Bdfg21, KzgAs, KzgDecidingKey},
    system::halo2::{compile, transcript::evm::EvmTranscript, Config},
    verifier::{plonk::PlonkVerifier, SnarkVerifier},
};
use solvent_params::VerifierSrs;
use std::rc::Rc;

/// The number of public inputs: policy hash, portfolio commitment, account, snapshot time.
pub const PUBLIC_INPUTS: usize = 4;

/// SHPLONK (BDFG21) over KZG on BN254, as the prover opens.
type Shplonk = KzgAs<Bn256, Bdfg21>;

/// Generates the Solidity source of a verifier (contract `Halo2Verifier`) for proofs under `vk`
/// and the SRS `srs`; [`crate::split`] cuts it in two deployable contracts.
///
/// The contract's fallback takes the public inputs as 32-byte big-endian words followed by the
/// proof, and reverts unless the proof verifies.
pub fn verifier_source(srs: &VerifierSrs, vk: &VerifyingKey<G1Affine>) -> String {
    let params = srs.to_params();
    let protocol = compile(&params, vk, Config::kzg().with_num_instance(vec![PUBLIC_INPUTS]));
    let deciding_key: KzgDecidingKey<Bn256> = (srs.g0, srs.g2, srs.s_g2).into();

    let loader = EvmLoader::new::<Fq, Fr>();
    let protocol = protocol.loaded(&loader);
    let mut transcript = EvmTranscript::<_, Rc<EvmLoader>, _, _>::new(&loader);
    let instances = transcript.load_instances(vec![PUBLIC_INPUTS]);
    // Both calls only record EVM code into the loader; they cannot fail for a well-formed key.
    let proof = PlonkVerifier::<Shplonk>::read_proof(&deciding_key, &protocol, &instances, &mut transcript)
        .expect("the EVM loader records reads");
    PlonkVerifier::<Shplonk>::verify(&deciding_key, &protocol, &instances, &proof).expect("the EVM loader records checks");
    loader.solidity_code()
}

