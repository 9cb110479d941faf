//! `solvent export-verifier`, `solvent calldata` and `solvent policy-commitment`: what a protocol
//! deploys and registers, and what an account sends.

use super::proving::keys_for;
use super::{emit, key_store, load_attestation, load_policy, set_threads, srs_for_policy, KeyOptions};
use crate::console::{lanes_text, step, warn};
use crate::export::{self, Deployment};
use crate::Error;
use solvent_circuits::{AttestationCircuit, Dims};
use solvent_verifier::{attestation::encode_hex, AttestationFile};
use std::io::Write;
use std::path::PathBuf;

/// `solvent export-verifier`.
#[derive(clap::Args, Clone, Debug)]
pub struct ExportOptions {
    /// The policy to register (its shape picks the verifier).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The folder to write.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The deployed SolventVerifier's address, to complete `setVerifier`'s calldata.
    #[arg(long, value_name = "0xADDRESS")]
    pub verifier_address: Option<String>,
    /// SolvencyGate's largest accepted snapshot age, in seconds (its constructor argument).
    #[arg(long, value_name = "SECONDS", default_value_t = solvent_statement::DEFAULT_MAX_SNAPSHOT_AGE)]
    pub max_snapshot_age: u64,
    /// Without --srs: export for the INSECURE development SRS, whose verifier accepts forged
    /// proofs (tests only).
    #[arg(long)]
    pub allow_insecure_srs: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyOptions,
}

/// Writes the Solidity verifier for the policy's circuit shape, SolvencyGate, the wasm verifier's
/// key, `verifier.json` and `registration.txt` (every set-up call with its calldata).
pub fn export_verifier(options: &ExportOptions, out: &mut dyn Write) -> Result<i32, Error> {
    set_threads(&options.keys);
    if options.keys.srs.is_none() && !options.allow_insecure_srs {
        return Err(Error::argument(
            "--srs",
            "name the ceremony file the protocol trusts: a verifier for the development SRS (whose secret anyone knows) accepts forged proofs; --allow-insecure-srs exports one for tests only",
        ));
    }
    let verifier_address = options
        .verifier_address
        .as_deref()
        .map(|text| {
            solvent_model::portfolio::parse_account("--verifier-address", text)
                .map_err(|e| Error::argument("--verifier-address", e.message))
        })
        .transpose()?;
    let policy = load_policy(&options.policy)?;
    let circuit = AttestationCircuit::for_shape(policy.shape());
    let (keys, srs) = keys_for(&circuit, &options.keys)?;
    let commitment = step("policy commitment", || key_store(&options.keys.keys).commitment(&policy, &srs))?;
    let deployment = Deployment { verifier_address, max_snapshot_age: options.max_snapshot_age };
    let e = step("generate and compile", || export::export_verifier(&keys, &policy, &commitment, deployment, &options.out))?;
    emit(
        out,
        &format!(
            "wrote {} (verifier for shape {}, k = {}, {})\npolicy id {}\n\
             runtime code: {} {} bytes, SolvencyGate {} bytes; wasm verifier key {} bytes\n\
             the set-up, step by step with calldata: {}\n",
            options.out.display(),
            circuit.shape(),
            e.registration.k,
            lanes_text(e.registration.lanes),
            e.registration.policy_id,
            solvent_evm::solidity::CONTRACT,
            e.verifier_runtime_bytes,
            e.gate_runtime_bytes,
            e.wasm_key_bytes,
            options.out.join("registration.txt").display()
        ),
    )?;
    if e.registration.srs_insecure {
        warn("made with the INSECURE development SRS: proofs against this verifier prove nothing");
    }
    Ok(0)
}

/// Which contract `calldata` addresses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CalldataTarget {
    /// `SolvencyGate.attest(...)`, sent from the attested account.
    Gate,
    /// The verifier contract's raw input (policy commitment, public inputs, proof).
    Verifier,
}

/// `solvent calldata`.
#[derive(clap::Args, Clone, Debug)]
pub struct CalldataOptions {
    /// The attestation to submit.
    #[arg(long, value_name = "FILE")]
    pub attestation: PathBuf,
    /// `gate`: SolvencyGate.attest(...), sent from the attested account; `verifier`: the
    /// verifier contract's raw input (needs --policy).
    #[arg(long = "for", value_enum, default_value_t = CalldataTarget::Gate)]
    pub target: CalldataTarget,
    /// The policy (for `--for verifier`: its commitment goes first).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// For `--for verifier` without `--srs`: the policy's commitment under the INSECURE
    /// development SRS (testing only; the attestation's own flag never chooses it).
    #[arg(long)]
    pub allow_insecure_srs: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyOptions,
}

/// Prints the calldata (hex) that submits an attestation on-chain.
pub fn calldata(options: &CalldataOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let path = &options.attestation;
    let attestation = load_attestation(path)?;
    let data = match options.target {
        CalldataTarget::Gate => solvent_evm::gate::attest(&attestation).map_err(|e| Error::input(path, e))?,
        CalldataTarget::Verifier => {
            let Some(policy) = &options.policy else {
                return Err(Error::argument("--policy", "`--for verifier` needs the policy (its commitment starts the calldata)"));
            };
            let policy = load_policy(policy)?;
            let srs = srs_for_policy(&policy, &options.keys, options.allow_insecure_srs)?;
            let commitment = key_store(&options.keys.keys).commitment(&policy, &srs)?;
            let inputs = attestation.public_inputs().map_err(|e| Error::input(path, e))?;
            let proof = attestation.proof_bytes().map_err(|e| Error::input(path, e))?;
            solvent_evm::abi::verifier_calldata(&commitment, &inputs, &proof)
        }
    };
    emit(out, &format!("0x{}\n", hex::encode(data)))?;
    Ok(0)
}

/// `solvent policy-commitment`.
#[derive(clap::Args, Clone, Debug)]
pub struct PolicyCommitmentOptions {
    /// The policy file (validated first).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyOptions,
}

/// Prints a policy's commitment under an SRS (its identity on every verifier) and its id.
pub fn policy_commitment(options: &PolicyCommitmentOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let policy = load_policy(&options.policy)?;
    let srs = srs_for_policy(&policy, &options.keys, true)?;
    let commitment = step("policy commitment", || key_store(&options.keys.keys).commitment(&policy, &srs))?;
    let shape = policy.shape();
    let dims = Dims::for_shape(shape);
    let identity = solvent_params::VerifierSrs::of(&srs);
    if options.json {
        let value = crate::report::json::PolicyIdJson {
            policy: policy.id.clone(),
            policy_id: encode_hex(&commitment.id()),
            commitment: commitment.to_hex(),
            shape: shape.to_string(),
            k: dims.k,
            lanes: dims.lanes,
            srs_identity: encode_hex(&identity.identity()),
            srs_insecure: identity.is_dev(),
        };
        return emit(out, &format!("{}\n", serde_json::to_string(&value).expect("serialisable"))).map(|_| 0);
    }
    let mut text = format!("policy id   {}\n", encode_hex(&commitment.id()));
    for (lane, point) in commitment.to_hex().iter().enumerate() {
        text.push_str(&format!("lane {lane}      {point}\n"));
    }
    let insecure = if identity.is_dev() { " (INSECURE development SRS)" } else { "" };
    text.push_str(&format!(
        "shape {shape}  k = {}  lanes = {}\nsrs   {}{insecure}\n",
        dims.k,
        dims.lanes,
        encode_hex(&identity.identity())
    ));
    emit(out, &text)?;
    Ok(0)
}
