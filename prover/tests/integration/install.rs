//! The binary away from its source tree (as `cargo install --path prover` leaves it): it finds
//! solcjs through `SOLVENT_CONTRACTS`, or installs its embedded pin into its data folder once.

use crate::common;

use common::cli::POLICY;
use std::path::Path;
use std::process::{Command, Output};

/// A copy of the binary alone in `dir/bin`.
fn installed_binary(dir: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let exe = dir.join("bin/solvent");
    std::fs::copy(env!("CARGO_BIN_EXE_solvent"), &exe).unwrap();
    exe
}

fn export(exe: &Path, dir: &Path, env: &[(&str, &Path)], out: &str) -> Output {
    let mut command = Command::new(exe);
    command
        .args(["export-verifier", "--policy", "policy.json", "--out", out, "--allow-insecure-srs"])
        .current_dir(dir)
        .env_remove("SOLVENT_CONTRACTS");
    command.env("SOLVENT_KEYS", dir.join("keys"));
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

#[test]
fn an_installed_binary_finds_or_installs_its_compiler() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(dir.join("policy.json"), POLICY).unwrap();
    let exe = installed_binary(dir);
    let contracts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contracts");

    // Through SOLVENT_CONTRACTS (the source tree's installed solcjs).
    let out = export(&exe, dir, &[("SOLVENT_CONTRACTS", &contracts), ("XDG_DATA_HOME", &dir.join("unused"))], "a");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("a/SolventVerifier.bin").is_file());
    assert!(!dir.join("unused").exists());

    // Nothing found: the embedded pin is installed into the data folder with npm, once.
    let data = dir.join("data");
    let out = export(&exe, dir, &[("XDG_DATA_HOME", &data)], "b");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("installing the Solidity compiler"), "{stderr}");
    assert!(data.join("solvent/contracts/node_modules/solc/soljson.js").is_file());
    assert_eq!(std::fs::read(dir.join("a/SolventVerifier.bin")).unwrap(), std::fs::read(dir.join("b/SolventVerifier.bin")).unwrap());
    let again = export(&exe, dir, &[("XDG_DATA_HOME", &data)], "c");
    assert!(again.status.success());
    assert!(!String::from_utf8_lossy(&again.stderr).contains("installing"), "installed once");
}
