//! Compiling Solidity with solcjs, the npm build of solc pinned in `contracts/package.json`.
//!
//! solcjs runs under Node.js; `npm ci --prefix contracts` installs it (the README's test command
//! does). `contracts/compile.js` drives it with standard-JSON input. No compiler binary is
//! downloaded at run time.

use crate::EvmError;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The compiler version every contract here is written for (the generated verifier's pragma).
pub const SOLC_VERSION: &str = "0.8.19";

/// One compiled contract.
#[derive(Clone, Debug)]
pub struct Compiled {
    /// The ABI (JSON).
    pub abi: Value,
    /// Deployment (creation) bytecode.
    pub bytecode: Vec<u8>,
    /// Runtime bytecode: what the chain stores (at most 24,576 bytes under EIP-170).
    pub runtime: Vec<u8>,
}

/// Optimizer settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optimizer {
    /// No optimizer.
    Off,
    /// The optimizer, tuned for this many runs.
    Runs(u32),
    /// The optimizer without its Yul optimizer (for code that is all inline assembly with
    /// constant memory addresses: the Yul optimizer's common-subexpression elimination would
    /// hoist more values than the stack holds).
    WithoutYul(u32),
}

/// A located solcjs.
#[derive(Clone, Debug)]
pub struct Solc {
    script: PathBuf,
}

impl Solc {
    /// Finds the compile script: `$SOLVENT_CONTRACTS/compile.js` if set, else `contracts/compile.js`
    /// in this source tree; solcjs must be installed beside it (`node_modules/solc`).
    pub fn locate() -> Result<Solc, EvmError> {
        let dir = match std::env::var_os("SOLVENT_CONTRACTS") {
            Some(path) => PathBuf::from(path),
            None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../contracts"),
        };
        let script = dir.join("compile.js");
        if !script.is_file() {
            return Err(EvmError::CompilerMissing(format!("{} not found", script.display())));
        }
        if !dir.join("node_modules/solc/soljson.js").is_file() {
            return Err(EvmError::CompilerMissing(format!("solcjs is not installed in {}", dir.display())));
        }
        Ok(Solc { script })
    }

    /// Compiles `sources` (file name, content) and returns every contract by name.
    pub fn compile(&self, sources: &[(&str, &str)], optimizer: Optimizer) -> Result<BTreeMap<String, Compiled>, EvmError> {
        let sources: serde_json::Map<String, Value> =
            sources.iter().map(|(name, content)| (name.to_string(), json!({ "content": content }))).collect();
        let (runs, yul) = match optimizer {
            Optimizer::Off => (200, true),
            Optimizer::Runs(runs) => (runs, true),
            Optimizer::WithoutYul(runs) => (runs, false),
        };
        let input = json!({
            "language": "Solidity",
            "sources": sources,
            "settings": {
                "optimizer": { "enabled": optimizer != Optimizer::Off, "runs": runs, "details": { "yul": yul } },
                "outputSelection": { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } }
            }
        });
        let output = self.run(&input.to_string())?;
        let errors: Vec<String> = output["errors"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["severity"] == "error")
            .map(|e| e["formattedMessage"].as_str().unwrap_or("(no message)").to_string())
            .collect();
        if !errors.is_empty() {
            return Err(EvmError::Compile(errors.join("\n")));
        }
        let mut contracts = BTreeMap::new();
        for file in output["contracts"].as_object().into_iter().flat_map(|files| files.values()) {
            for (name, contract) in file.as_object().into_iter().flatten() {
                let code = |key: &str| -> Result<Vec<u8>, EvmError> {
                    let text =
                        contract["evm"][key]["object"].as_str().ok_or_else(|| EvmError::CompilerOutput(format!("{name} has no {key}")))?;
                    hex::decode(text).map_err(|e| EvmError::CompilerOutput(format!("{name}'s {key}: {e}")))
                };
                let compiled = Compiled { abi: contract["abi"].clone(), bytecode: code("bytecode")?, runtime: code("deployedBytecode")? };
                contracts.insert(name.clone(), compiled);
            }
        }
        Ok(contracts)
    }

    /// Compiles `source` (one file) and returns the contract `name`.
    pub fn compile_contract(&self, source: &str, name: &str, optimizer: Optimizer) -> Result<Compiled, EvmError> {
        self.compile(&[(&format!("{name}.sol"), source)], optimizer)?
            .remove(name)
            .ok_or_else(|| EvmError::CompilerOutput(format!("no contract named {name}")))
    }

    fn run(&self, input: &str) -> Result<Value, EvmError> {
        let mut child = Command::new("node")
            .arg(&self.script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| EvmError::CompilerMissing(format!("node: {e}")))?;
        child
            .stdin
            .take()
            .expect("piped")
            .write_all(input.as_bytes())
            .map_err(|e| EvmError::CompilerMissing(format!("writing to compile.js: {e}")))?;
        let output = child.wait_with_output().map_err(|e| EvmError::CompilerMissing(format!("solcjs: {e}")))?;
        if !output.status.success() {
            return Err(EvmError::CompilerMissing(String::from_utf8_lossy(&output.stderr).trim().to_string()));
        }
        serde_json::from_slice(&output.stdout).map_err(|e| EvmError::CompilerOutput(e.to_string()))
    }
}
