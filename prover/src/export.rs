//! `solvent export-verifier`: the on-chain verifier of a policy's circuit and the `SolvencyGate`
//! registry, as sources, bytecode and ABIs, ready to deploy; the key of the wasm verifier
//! (`solvent-verifier-wasm`); and the policy's commitment with its registration calldata.

use crate::keys::Keys;
use crate::{error::Error, files::write_file};
use serde::Serialize;
use solvent_evm::{
    gate,
    solc::{standard_input, Compiled, Optimizer, Solc, SOLC_LONG_VERSION, SOLC_VERSION},
    solidity::{compile_verifier, CONTRACT},
};
use solvent_model::Policy;
use solvent_statement::Registration;
use solvent_verifier::{attestation::encode_hex, commitment::PolicyCommitment};
use std::path::Path;

/// How the generated verifier is compiled: solc's optimizer without its Yul optimizer (the code
/// is inline assembly over fixed memory addresses; the Yul optimizer would hoist more common
/// subexpressions than the stack holds).
pub const VERIFIER_OPTIMIZER: Optimizer = Optimizer::WithoutYul(200);
/// The deployment script for ethers.js that `export-verifier` writes beside the contracts.
pub const DEPLOY_SCRIPT: &str = include_str!("../../contracts/deploy.mjs");

/// Its `package.json`: ethers, pinned (`npm install` in the export's folder).
pub const DEPLOY_PACKAGE: &str = concat!(
    "{\n  \"name\": \"solvent-deployment\",\n  \"private\": true,\n  \"type\": \"module\",\n",
    "  \"description\": \"node deploy.mjs --rpc URL: deploys SolvencyGate and the verifier and registers the policy\",\n",
    "  \"dependencies\": { \"ethers\": \"6.17.0\" }\n}\n"
);

/// How `SolvencyGate` is compiled.
pub const GATE_OPTIMIZER: Optimizer = Optimizer::Runs(200);

/// What was exported, also written as `verifier.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Export {
    /// What a verifier trusts: the shape, `k`, lanes, key hash, SRS, the policy's name, window,
    /// id and commitment, and the gate's largest snapshot age (what the JavaScript package and
    /// the wasm module verify against, read by the same code that defines it).
    #[serde(flatten)]
    pub registration: Registration,
    /// The compiler.
    pub solc: String,
    /// The compiler as Etherscan and Sourcify name it (`v0.8.19+commit.7dd6d404`), for the
    /// contracts' `NAME.standard-input.json` (optimizer 200 runs, no viaIR; the verifier
    /// without the Yul optimizer).
    pub compiler: String,
    /// Runtime code of the verifier, in bytes (at most 24,576: EIP-170).
    pub verifier_runtime_bytes: usize,
    /// Runtime code of `SolvencyGate`, in bytes.
    pub gate_runtime_bytes: usize,
    /// Size of `verifier.key`, the wasm verifier's key.
    pub wasm_key_bytes: usize,
    /// Calldata of `SolvencyGate.acceptPolicy` for this policy.
    pub accept_policy_calldata: String,
    /// `SolvencyGate`'s constructor arguments (its largest snapshot age), to append to
    /// `SolvencyGate.bin` when deploying it.
    pub gate_constructor_args: String,
    /// Calldata of `SolvencyGate.deployVerifier` for this shape: deploys `SolventVerifier.bin`
    /// from the gate and sets it, recording its SRS identity (one owner transaction).
    pub deploy_verifier_calldata: String,
    /// Calldata of `SolvencyGate.setVerifier` for this shape, when the address of a verifier
    /// deployed otherwise was given.
    pub set_verifier_calldata: Option<String>,
}

/// Where the gate will find the verifier, and the gate's largest snapshot age.
#[derive(Clone, Copy, Debug)]
pub struct Deployment {
    /// The deployed verifier's address, when known (then `setVerifier`'s calldata is complete).
    pub verifier_address: Option<[u8; 20]>,
    /// `SolvencyGate`'s `maxSnapshotAge`, in seconds.
    pub max_snapshot_age: u64,
}

/// Generates and compiles the verifier for `keys` and the gate; writes into `dir`:
/// `SolventVerifier.{sol,bin,abi.json}`, `SolvencyGate.{sol,bin,abi.json}` (`.bin`: hex creation
/// code without constructor arguments), `verifier.key` (the wasm verifier's key) and
/// `verifier.json` and `registration.txt` (the set-up, step by step, with each call's calldata).
pub fn export_verifier(
    keys: &Keys,
    policy: &Policy,
    commitment: &PolicyCommitment,
    deployment: Deployment,
    dir: &Path,
) -> Result<Export, Error> {
    let shape = policy.shape();
    let solc = Solc::locate()?;
    let (verifier_code, verifier) = compile_verifier(&solc, &keys.verifier_key, VERIFIER_OPTIMIZER)?;
    let gate_contract = gate::compile(&solc, GATE_OPTIMIZER)?;
    std::fs::create_dir_all(dir).map_err(|error| Error::Io { file: dir.display().to_string(), error })?;
    let verifier_file = format!("{CONTRACT}.sol");
    write_contract(dir, CONTRACT, &[(&verifier_file, &verifier_code)], &verifier, VERIFIER_OPTIMIZER)?;
    write_contract(dir, gate::CONTRACT, &gate::SOURCES, &gate_contract, GATE_OPTIMIZER)?;
    write_file(&dir.join("deploy.mjs"), DEPLOY_SCRIPT.as_bytes())?;
    write_file(&dir.join("package.json"), DEPLOY_PACKAGE.as_bytes())?;
    let wasm_key = keys.verifier_key.to_bytes();
    write_file(&dir.join("verifier.key"), &wasm_key)?;
    let export = Export {
        registration: registration_of(keys, policy, commitment, deployment.max_snapshot_age),
        solc: SOLC_VERSION.to_string(),
        compiler: SOLC_LONG_VERSION.to_string(),
        verifier_runtime_bytes: verifier.runtime.len(),
        gate_runtime_bytes: gate_contract.runtime.len(),
        wasm_key_bytes: wasm_key.len(),
        accept_policy_calldata: encode_hex(&gate::accept_policy(commitment, policy.effective_at, policy.expires_at, shape)),
        gate_constructor_args: encode_hex(&gate::constructor_args(deployment.max_snapshot_age)),
        deploy_verifier_calldata: encode_hex(&gate::deploy_verifier(shape, &verifier.bytecode)),
        set_verifier_calldata: deployment.verifier_address.map(|address| encode_hex(&gate::set_verifier(shape, &address))),
    };
    let json = serde_json::to_string_pretty(&export).expect("serialisable") + "\n";
    write_file(&dir.join("verifier.json"), json.as_bytes())?;
    write_file(&dir.join("registration.txt"), registration(&export, policy).as_bytes())?;
    Ok(export)
}

/// What a verifier of `policy`'s attestations under `keys` trusts (the trusted part of
/// `verifier.json`), with the gate's largest snapshot age.
pub fn registration_of(keys: &Keys, policy: &Policy, commitment: &PolicyCommitment, max_snapshot_age: u64) -> Registration {
    let shape = policy.shape();
    Registration {
        assets: shape.assets,
        tiers: shape.tiers,
        instruments: shape.instruments,
        scenarios: shape.scenarios,
        limits: shape.limits_number(),
        signed: shape.signed,
        lanes: keys.dims.lanes,
        k: keys.srs.k,
        vk_hash: encode_hex(&keys.vk_hash()),
        srs_identity: encode_hex(&keys.srs.identity()),
        srs_insecure: keys.srs.is_dev(),
        policy_name: policy.id.clone(),
        effective_at: policy.effective_at,
        expires_at: policy.expires_at,
        policy_id: encode_hex(&commitment.id()),
        policy_commitment: commitment.to_hex(),
        max_snapshot_age,
    }
}

/// The on-chain set-up in words, with each call's calldata: what a protocol's operator sends, in
/// order, and what accounts and lending code do afterwards.
pub fn registration(e: &Export, policy: &Policy) -> String {
    let r = &e.registration;
    let shape = format!("{}, {}, {}, {}, {}", r.assets, r.tiers, r.instruments, r.scenarios, r.limits);
    let set_verifier = match &e.set_verifier_calldata {
        Some(calldata) => format!("   Or, with the verifier deployed at the address given: setVerifier({shape}, address)\n   calldata: {calldata}\n"),
        None => "   Or deploy SolventVerifier.bin yourself and call setVerifier(shape, its address) (export-verifier\n   --verifier-address 0x.. gives that calldata).\n".to_string(),
    };
    let window = format!(
        "[{} ({}), {} ({}))",
        policy.effective_at,
        solvent_statement::utc(policy.effective_at),
        policy.expires_at,
        solvent_statement::utc(policy.expires_at)
    );
    format!(
        "solvent on-chain set-up for policy `{name}` (shape {shape}; k = {k}; vk_hash {vk})\n\
         SRS {srs}{insecure}\n\
         Before registering: SolventVerifier.srsIdentity() returns this identity (and 1 for the INSECURE\n\
         \x20 development SRS); compare it with the identity the ceremony publishes (README, Security notes).\n\n\
         Once in all (the owner):\n\
         1. deploy SolvencyGate: creation code SolvencyGate.bin followed by the constructor arguments\n\
         \x20  {args} (maxSnapshotAge = {age} s)\n\n\
         Once per circuit shape (the owner):\n\
         2. SolvencyGate.deployVerifier({shape}, SolventVerifier.bin): the gate deploys the verifier and\n\
         \x20  records its SRS identity; then SolvencyGate.verifierSrs(shapeKey({shape})) must be the\n\
         \x20  identity above (and false: not the development SRS)\n\
         \x20  calldata: verifier.json's deploy_verifier_calldata ({deploy_bytes} bytes)\n{set_verifier}\n\
         Once per policy (every price update is a new policy; the verifier stays):\n\
         3. SolvencyGate.acceptPolicy(commitment, {effective}, {expires}, {shape})\n\
         \x20  policy id {id}, valid {window}\n\
         \x20  calldata: {accept}\n\n\
         Each account (sent from the account itself):\n\
         4. solvent prove --policy P --portfolio W --out A.json --srs <the SRS above>\n\
         5. solvent calldata --attestation A.json   -> SolvencyGate.attest(policyId, commitment, account, snapshotTime, proof)\n\n\
         A lending protocol, before granting leverage:\n\
         6. SolvencyGate.isAttested(account, {id})\n\
         \x20  true while the policy is registered and unexpired and the attested snapshot is at most maxSnapshotAge old;\n\
         \x20  across a price update, accept the new policy id as accounts re-attest, and stop accepting the old one\n\
         \x20  (revokePolicy, or let it expire) once they have had time to.\n",
        name = r.policy_name,
        k = r.k,
        vk = r.vk_hash,
        srs = r.srs_identity,
        insecure = if r.srs_insecure { " (INSECURE development SRS: for testing only)" } else { "" },
        args = e.gate_constructor_args,
        age = r.max_snapshot_age,
        effective = policy.effective_at,
        expires = policy.expires_at,
        id = r.policy_id,
        accept = e.accept_policy_calldata,
        deploy_bytes = e.deploy_verifier_calldata.len().saturating_sub(2) / 2,
    )
}

/// Writes the contract's source files, `NAME.bin` (hex creation code), `NAME.abi.json` and
/// `NAME.standard-input.json` (solc's standard-JSON input of those files, what Etherscan and
/// Sourcify verify a deployed contract's source from, with the compiler of `verifier.json`'s
/// `compiler`).
fn write_contract(dir: &Path, name: &str, sources: &[(&str, &str)], compiled: &Compiled, optimizer: Optimizer) -> Result<(), Error> {
    for (file, source) in sources {
        write_file(&dir.join(file), source.as_bytes())?;
    }
    let input = serde_json::to_string_pretty(&standard_input(sources, optimizer)).expect("serialisable") + "\n";
    write_file(&dir.join(format!("{name}.standard-input.json")), input.as_bytes())?;
    write_file(&dir.join(format!("{name}.bin")), format!("{}\n", hex::encode(&compiled.bytecode)).as_bytes())?;
    let abi = serde_json::to_string_pretty(&compiled.abi).expect("serialisable") + "\n";
    write_file(&dir.join(format!("{name}.abi.json")), abi.as_bytes())
}
