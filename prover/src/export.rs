//! `solvent export-verifier`: the on-chain verifier of a circuit shape and the `SolvencyGate`
//! registry, as sources, bytecode and ABIs, ready to deploy; and the key of the small wasm
//! verifier (`solvent-verifier-wasm`) for the same shape.

use crate::error::{write_file, CliError};
use crate::keys::Keys;
use serde::Serialize;
use solvent_circuits::Shape;
use solvent_evm::{
    gate,
    solc::{Compiled, Optimizer, Solc, SOLC_VERSION},
    solidity::verifier_source,
    split::{split_verifier, MAIN_CONTRACT, PART1_CONTRACT},
};
use solvent_verifier::{attestation::encode_hex, verify::vk_hash};
use std::path::Path;

/// What was exported, also written as `verifier.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Export {
    /// The circuit shape the verifier checks: assets.
    pub assets: usize,
    /// Tiers per asset.
    pub tiers: usize,
    /// Instruments.
    pub instruments: usize,
    /// Scenarios.
    pub scenarios: usize,
    /// The circuit's `k`.
    pub k: u32,
    /// SHA-256 of the verifying key.
    pub vk_hash: String,
    /// The SRS identity.
    pub srs_identity: String,
    /// Whether the SRS is the INSECURE development one.
    pub srs_insecure: bool,
    /// The compiler.
    pub solc: String,
    /// Runtime code of `Halo2VerifierPart1`, in bytes (at most 24,576: EIP-170).
    pub verifier_part1_runtime_bytes: usize,
    /// Runtime code of `Halo2Verifier`, in bytes (at most 24,576: EIP-170).
    pub verifier_runtime_bytes: usize,
    /// Runtime code of `SolvencyGate`, in bytes.
    pub gate_runtime_bytes: usize,
    /// Size of `verifier.key`, the wasm verifier's key.
    pub wasm_key_bytes: usize,
}

/// Generates and compiles the verifier for `keys` (as two contracts that each fit EIP-170) and the
/// gate; writes into `dir`: `Halo2VerifierPart1.{sol,bin,abi.json}`,
/// `Halo2Verifier.{sol,bin,abi.json}` (its constructor takes the first part's address),
/// `SolvencyGate.{sol,bin,abi.json}` (`.bin`: hex creation code without constructor arguments),
/// `verifier.key` (the wasm verifier's key) and `verifier.json`.
pub fn export_verifier(keys: &Keys, shape: Shape, dir: &Path) -> Result<Export, CliError> {
    let solc = Solc::locate()?;
    // The generated assembly is too deep for solc's optimizer (stack too deep); it is compiled
    // as generated, in two parts.
    let verifier = split_verifier(&solc, &verifier_source(&keys.srs, keys.vk()))?;
    let gate_contract = solc.compile_contract(gate::SOURCE, gate::CONTRACT, Optimizer::Runs(200))?;
    std::fs::create_dir_all(dir).map_err(|error| CliError::Io { file: dir.display().to_string(), error })?;
    write_contract(dir, PART1_CONTRACT, &verifier.part1_source, &verifier.part1)?;
    write_contract(dir, MAIN_CONTRACT, &verifier.main_source, &verifier.main)?;
    write_contract(dir, gate::CONTRACT, gate::SOURCE, &gate_contract)?;
    let wasm_key = solvent_evm::wasm_key::verifier_key(&keys.srs, keys.vk()).to_bytes();
    write_file(&dir.join("verifier.key"), &wasm_key)?;
    let export = Export {
        assets: shape.assets,
        tiers: shape.tiers,
        instruments: shape.instruments,
        scenarios: shape.scenarios,
        k: keys.srs.k,
        vk_hash: encode_hex(&vk_hash(keys.vk())),
        srs_identity: encode_hex(&keys.srs.identity()),
        srs_insecure: keys.srs.is_dev(),
        solc: SOLC_VERSION.to_string(),
        verifier_part1_runtime_bytes: verifier.part1.runtime.len(),
        verifier_runtime_bytes: verifier.main.runtime.len(),
        gate_runtime_bytes: gate_contract.runtime.len(),
        wasm_key_bytes: wasm_key.len(),
    };
    let json = serde_json::to_string_pretty(&export).expect("serialisable") + "\n";
    write_file(&dir.join("verifier.json"), json.as_bytes())?;
    Ok(export)
}

fn write_contract(dir: &Path, name: &str, source: &str, compiled: &Compiled) -> Result<(), CliError> {
    write_file(&dir.join(format!("{name}.sol")), source.as_bytes())?;
    write_file(&dir.join(format!("{name}.bin")), format!("{}\n", hex::encode(&compiled.bytecode)).as_bytes())?;
    let abi = serde_json::to_string_pretty(&compiled.abi).expect("serialisable") + "\n";
    write_file(&dir.join(format!("{name}.abi.json")), abi.as_bytes())
}
