//! Compiling Solidity with solcjs, the npm build of solc pinned in `contracts/package.json`.
//!
//! solcjs runs under Node.js; `npm ci --prefix contracts` installs it in a source checkout (the
//! test command does), and an installed binary installs it once from its embedded pin
//! ([`Solc::locate`]). `contracts/compile.js` drives it with standard-JSON input. No compiler
//! binary is downloaded.

use crate::EvmError;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The compiler version every contract here is written for (the generated verifier's pragma).
pub const SOLC_VERSION: &str = "0.8.19";
/// Its full version, as Etherscan and Sourcify name the compiler of a verified source.
pub const SOLC_LONG_VERSION: &str = "v0.8.19+commit.7dd6d404";

/// The compile script, embedded so that an installed binary can set up its own compiler.
const COMPILE_JS: &str = include_str!("../../contracts/compile.js");
/// The pinned compiler (`solc` 0.8.19 from npm).
const PACKAGE_JSON: &str = include_str!("../../contracts/package.json");
/// The lock file of that pin.
const PACKAGE_LOCK: &str = include_str!("../../contracts/package-lock.json");

/// Where solcjs may already be installed, in order.
fn candidates() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("SOLVENT_CONTRACTS") {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)) {
        dirs.extend(exe_dir.ancestors().map(|dir| dir.join("contracts")));
        if let Some(prefix) = exe_dir.parent() {
            dirs.push(prefix.join("share/solvent/contracts"));
        }
    }
    dirs.extend(data_dir());
    dirs
}

fn installed(dir: &Path) -> bool {
    dir.join("compile.js").is_file() && dir.join("node_modules/solc/soljson.js").is_file()
}

fn shown(dirs: &[PathBuf]) -> String {
    dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// Where an installed binary sets up solcjs: `$SOLVENT_CONTRACTS`, else
/// `$XDG_DATA_HOME/solvent/contracts`, else `~/.local/share/solvent/contracts`.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("SOLVENT_CONTRACTS") {
        return Some(PathBuf::from(dir));
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(data.join("solvent/contracts"))
}

/// Writes the embedded files into `dir` and runs `npm ci` there.
fn install(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    for (name, text) in [("compile.js", COMPILE_JS), ("package.json", PACKAGE_JSON), ("package-lock.json", PACKAGE_LOCK)] {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    eprintln!("installing the Solidity compiler (solcjs {SOLC_VERSION}, from npm) into {} (once)", dir.display());
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--prefix"])
        .arg(dir)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("npm: {e}"))?;
    if !status.success() || !installed(dir) {
        return Err(format!("`npm ci --prefix {}` failed ({status})", dir.display()));
    }
    Ok(())
}

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

/// The solc standard-JSON input of `sources` (file name, content) under `optimizer`: what this
/// crate compiles, and what Etherscan and Sourcify take to verify a deployed contract's source.
pub fn standard_input(sources: &[(&str, &str)], optimizer: Optimizer) -> Value {
    let sources: serde_json::Map<String, Value> =
        sources.iter().map(|(name, content)| (name.to_string(), json!({ "content": content }))).collect();
    let (runs, yul) = match optimizer {
        Optimizer::Off => (200, true),
        Optimizer::Runs(runs) => (runs, true),
        Optimizer::WithoutYul(runs) => (runs, false),
    };
    json!({
        "language": "Solidity",
        "sources": sources,
        "settings": {
            "optimizer": { "enabled": optimizer != Optimizer::Off, "runs": runs, "details": { "yul": yul } },
            "viaIR": false,
            "outputSelection": { "*": { "*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"] } }
        }
    })
}

/// A located solcjs.
#[derive(Clone, Debug)]
pub struct Solc {
    script: PathBuf,
}

impl Solc {
    /// Finds solcjs: the first folder holding `compile.js` and an installed
    /// `node_modules/solc` among `$SOLVENT_CONTRACTS`, a `contracts` folder beside the running
    /// executable or in one of its parent folders (a source checkout), and
    /// `share/solvent/contracts` beside the executable's folder, and the data folder
    /// ([`data_dir`]). Failing those (an installed binary run for the first time), installs the embedded `compile.js` and the pinned `package.json` and
    /// `package-lock.json` into the data folder ([`data_dir`]) and runs `npm ci` there, once.
    pub fn locate() -> Result<Solc, EvmError> {
        let candidates = candidates();
        if let Some(dir) = candidates.iter().find(|dir| installed(dir)) {
            return Ok(Solc { script: dir.join("compile.js") });
        }
        let dir = data_dir().ok_or_else(|| {
            EvmError::CompilerMissing(format!("no solcjs in {}; set SOLVENT_CONTRACTS to a folder to install it in", shown(&candidates)))
        })?;
        install(&dir).map_err(|reason| {
            EvmError::CompilerMissing(format!(
                "no solcjs in {}, and installing it into {} failed: {reason} (needs Node.js and npm; or set SOLVENT_CONTRACTS to a \
                 folder with compile.js where `npm ci` has run)",
                shown(&candidates),
                dir.display()
            ))
        })?;
        Ok(Solc { script: dir.join("compile.js") })
    }

    /// The `node_modules` folder of the compiler's npm packages (OpenZeppelin's contracts among
    /// them).
    pub fn packages(&self) -> std::path::PathBuf {
        self.script.parent().map_or_else(|| PathBuf::from("node_modules"), |dir| dir.join("node_modules"))
    }

    /// Compiles `sources` (file name, content) and returns every contract by name.
    pub fn compile(&self, sources: &[(&str, &str)], optimizer: Optimizer) -> Result<BTreeMap<String, Compiled>, EvmError> {
        self.compile_standard(&standard_input(sources, optimizer))
    }

    /// Compiles solc standard-JSON input ([`standard_input`]) and returns every contract by name.
    /// The pinned compiler is deterministic: an input compiled before in this process is answered
    /// from memory (tests and a run's exports compile the same gate and verifiers again and again).
    pub fn compile_standard(&self, input: &Value) -> Result<BTreeMap<String, Compiled>, EvmError> {
        static COMPILED: std::sync::Mutex<BTreeMap<[u8; 32], BTreeMap<String, Compiled>>> = std::sync::Mutex::new(BTreeMap::new());
        let text = input.to_string();
        let key = crate::abi::keccak256(text.as_bytes());
        if let Some(contracts) = COMPILED.lock().expect("the compile cache").get(&key) {
            return Ok(contracts.clone());
        }
        let contracts = self.compile_text(&text)?;
        COMPILED.lock().expect("the compile cache").insert(key, contracts.clone());
        Ok(contracts)
    }

    /// Runs solcjs on standard-JSON input text; returns every contract by name.
    fn compile_text(&self, input: &str) -> Result<BTreeMap<String, Compiled>, EvmError> {
        let output = self.run(input)?;
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
