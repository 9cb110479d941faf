//! Shared by the integration tests: a real proof of the embedded demo; the three solvent
//! verifiers (native, the wasm module in an interpreter, the Solidity contract in revm); and
//! halo2's own verifier (with the public columns committed) as an independent check.

#![allow(dead_code)]

pub mod cli;

use halo2_proofs::{
    halo2curves::bn256::{Bn256, Fr, G1Affine},
    plonk::verify_proof,
    poly::{
        commitment::Verifier,
        kzg::{
            commitment::{KZGCommitmentScheme, ParamsKZG},
            msm::DualMSM,
            multiopen::VerifierSHPLONK,
            strategy::{GuardKZG, SingleStrategy},
        },
        VerifierQuery,
    },
    transcript::{EncodedChallenge, TranscriptRead, TranscriptReadBuffer},
};
use solvent_circuits::{AttestationCircuit, Witness};
use solvent_evm::{chain::LocalChain, solc::Solc, solidity::compile_verifier};
use solvent_model::{policy::Policy, Portfolio};
use solvent_params::Srs;
use solvent_prover::{demo, export::VERIFIER_OPTIMIZER, keys, keys::Keys, prove};
use solvent_verifier::transcript::{ChallengeEvm, EvmTranscriptRead};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The k = 12 ceremony SRS (the committed fixture) downsized to `k`.
pub fn srs(k: u32) -> Srs {
    let ceremony = solvent_params::load(&solvent_params::fixtures::kzg_bn254_12()).expect("the committed ceremony fixture");
    solvent_params::downsize(&ceremony, k).unwrap()
}

/// The demo's witness.
pub fn demo_witness() -> Witness {
    let policy = Policy::from_json(demo::POLICY).unwrap();
    let portfolio = Portfolio::from_json(demo::PORTFOLIO, &policy).unwrap().0;
    Witness { policy, portfolio, snapshot_time: demo::SNAPSHOT_TIME, salt: prove::random_salt(), statements: Vec::new() }
}

/// The demo's witness, keys, SRS and a proof.
pub fn demo_proof() -> (Witness, Keys, Srs, prove::Proof) {
    demo_proof_with(srs)
}

/// The demo's witness, keys, SRS and a proof, under the SRS `srs_of(k)`.
pub fn demo_proof_with(srs_of: impl Fn(u32) -> Srs) -> (Witness, Keys, Srs, prove::Proof) {
    let witness = demo_witness();
    let circuit = AttestationCircuit::new(&witness);
    let srs = srs_of(circuit.k());
    let keys = keys::generate(circuit.shape(), &srs).unwrap();
    let proof = prove::prove(&keys, &srs, &circuit, &witness).unwrap();
    (witness, keys, srs, proof)
}

/// halo2's SHPLONK verifier with the public columns committed (it computes their commitments
/// from the values, with the full SRS).
#[derive(Debug)]
pub struct HaloQueryInstance<'params>(VerifierSHPLONK<'params, Bn256>);

impl<'params> Verifier<'params, KZGCommitmentScheme<Bn256>> for HaloQueryInstance<'params> {
    type Guard = GuardKZG<'params, Bn256>;
    type MSMAccumulator = DualMSM<'params, Bn256>;
    const QUERY_INSTANCE: bool = true;

    fn new(params: &'params ParamsKZG<Bn256>) -> Self {
        HaloQueryInstance(VerifierSHPLONK::new(params))
    }

    fn verify_proof<'com, E: EncodedChallenge<G1Affine>, T: TranscriptRead<G1Affine, E>, I>(
        &self,
        transcript: &mut T,
        queries: I,
        msm: Self::MSMAccumulator,
    ) -> Result<Self::Guard, halo2_proofs::poly::Error>
    where
        'params: 'com,
        I: IntoIterator<Item = VerifierQuery<'com, G1Affine, halo2_proofs::poly::kzg::msm::MSMKZG<Bn256>>> + Clone,
    {
        self.0.verify_proof(transcript, queries, msm)
    }
}

/// halo2's verdict on a proof of the prover's public columns (public inputs included).
pub fn halo2_verifies(srs: &Srs, keys: &Keys, public: &[Vec<Fr>], proof: &[u8]) -> bool {
    let columns: Vec<&[_]> = public.iter().map(Vec::as_slice).collect();
    let mut reader = std::io::Cursor::new(proof);
    let mut transcript = EvmTranscriptRead::init(&mut reader);
    let ok = verify_proof::<KZGCommitmentScheme<Bn256>, HaloQueryInstance<'_>, ChallengeEvm, _, _>(
        srs,
        keys.vk(),
        SingleStrategy::new(srs),
        &[&columns],
        &mut transcript,
    )
    .is_ok();
    ok && reader.position() == proof.len() as u64
}

/// Builds the wasm verifier module as shipped (`verifier-js/build.mjs`: the size profile, then
/// wasm-opt -Oz), once per test process.
pub fn wasm_module() -> PathBuf {
    static MODULE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    MODULE
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let out = root.join("target/wasm-verifier/solvent_verifier.wasm");
            let status = Command::new("node").current_dir(&root).arg("verifier-js/build.mjs").arg(&out).status().expect("node");
            assert!(
                status.success(),
                "building the wasm verifier failed (needs `rustup target add wasm32-unknown-unknown` and `npm ci --prefix verifier-js`)"
            );
            out
        })
        .clone()
}

/// `solvent_verify(key, key_len, commitment, commitment_len, inputs, inputs_len, proof, proof_len)`.
type SolventVerify = wasmi::TypedFunc<(u32, u32, u32, u32, u32, u32, u32, u32), u32>;

/// The wasm module in wasmi, ready to verify.
pub struct WasmVerifier {
    engine: wasmi::Engine,
    module: wasmi::Module,
    /// The module's bytes.
    pub bytes: Vec<u8>,
}

impl WasmVerifier {
    /// Builds and loads the module.
    pub fn new() -> WasmVerifier {
        let bytes = std::fs::read(wasm_module()).unwrap();
        let mut config = wasmi::Config::default();
        config.consume_fuel(true);
        let engine = wasmi::Engine::new(&config);
        let module = wasmi::Module::new(&engine, &bytes[..]).unwrap();
        WasmVerifier { engine, module, bytes }
    }

    /// `solvent_verify`'s code (0 = verified) and the fuel it used; `Err` if the module trapped.
    pub fn verify(&self, key: &[u8], commitment: &[u8], inputs: &[u8], proof: &[u8]) -> Result<(u32, u64), String> {
        use wasmi::{Linker, Store, TypedFunc};
        let mut store = Store::new(&self.engine, ());
        store.set_fuel(u64::MAX / 2).unwrap();
        let instance = Linker::<()>::new(&self.engine).instantiate_and_start(&mut store, &self.module).unwrap();
        let memory = instance.get_memory(&store, "memory").expect("exported memory");
        let alloc: TypedFunc<u32, u32> = instance.get_typed_func(&store, "solvent_alloc").unwrap();
        let verify: SolventVerify = instance.get_typed_func(&store, "solvent_verify").unwrap();
        let mut place = |data: &[u8]| -> Result<(u32, u32), String> {
            let ptr = alloc.call(&mut store, data.len() as u32).map_err(|e| e.to_string())?;
            memory.write(&mut store, ptr as usize, data).map_err(|e| e.to_string())?;
            Ok((ptr, data.len() as u32))
        };
        let (k, kl) = place(key)?;
        let (c, cl) = place(commitment)?;
        let (i, il) = place(inputs)?;
        let (p, pl) = place(proof)?;
        let before = store.get_fuel().unwrap();
        let code = verify.call(&mut store, (k, kl, c, cl, i, il, p, pl)).map_err(|e| format!("trap: {e}"))?;
        Ok((code, before - store.get_fuel().unwrap()))
    }
}

/// The Solidity verifier of a key, deployed on a local chain.
pub struct EvmVerifier {
    chain: LocalChain,
    address: [u8; 20],
    /// Its runtime code size.
    pub runtime_bytes: usize,
}

impl EvmVerifier {
    /// Renders, compiles and deploys the verifier of `key`.
    pub fn new(key: &solvent_verifier_wasm::key::VerifierKey) -> EvmVerifier {
        let (_, compiled) = compile_verifier(&Solc::locate().unwrap(), key, VERIFIER_OPTIMIZER).unwrap();
        let mut chain = LocalChain::new();
        let (address, _) = chain.deploy([1; 20], compiled.bytecode.clone()).unwrap();
        EvmVerifier { chain, address, runtime_bytes: compiled.runtime.len() }
    }

    /// Whether the contract accepts the calldata, and the transaction's gas.
    pub fn verify(&mut self, calldata: Vec<u8>) -> (bool, u64) {
        let out = self.chain.call([1; 20], self.address, calldata).unwrap();
        (out.success, out.gas_used)
    }
}
