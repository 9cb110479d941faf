//! The `solvent` binary in a temporary folder with its own key cache, and the inputs of the
//! command-line tests.

use std::path::PathBuf;
use std::process::{Command, Output};

pub const POLICY: &str = include_str!("../../../../model/tests/vectors/span-policy.json");

pub const PORTFOLIO: &str = r#"{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
  "balances": {"USDC": "50000", "BTC": "6"}, "debts": {"USDC": "10000"}, "positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#;

pub const OTHER_ACCOUNT: &str = "0x00000000000000000000000000000000000000bb";

pub struct Env {
    pub dir: tempfile::TempDir,
}

impl Env {
    pub fn new() -> Env {
        let env = Env { dir: tempfile::tempdir().unwrap() };
        env.write("policy.json", POLICY);
        env.write("portfolio.json", PORTFOLIO);
        env
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_solvent"))
            .args(args)
            .current_dir(self.dir.path())
            .env("SOLVENT_KEYS", self.path("keys"))
            .output()
            .unwrap()
    }

    /// Proves the standard portfolio with the real SRS when present; returns the SRS arguments.
    pub fn prove(&self, extra: &[&str]) -> Vec<String> {
        let srs = vec!["--srs".to_string(), real_srs().display().to_string()];
        let mut args = vec!["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--out", "a.json", "--time", "150"];
        args.extend(srs.iter().map(String::as_str));
        args.extend(extra);
        let out = self.run(&args);
        assert!(out.status.success(), "prove failed: {}", String::from_utf8_lossy(&out.stderr));
        srs
    }

    pub fn verify(&self, attestation: &str, extra: &[&str], srs: &[String]) -> (i32, String) {
        let mut args = vec!["verify", "--attestation", attestation, "--policy", "policy.json"];
        if !extra.contains(&"--now") {
            args.extend(["--now", "150"]);
        }
        args.extend(srs.iter().map(String::as_str));
        if srs.is_empty() {
            args.push("--allow-insecure-srs");
        }
        args.extend(extra);
        let out = self.run(&args);
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap(), text)
    }

    /// Opens `a.json` with `opening` (at time 150, under the SRS of `srs` or the development one).
    pub fn open(&self, opening: &str, extra: &[&str], srs: &[String]) -> Output {
        let mut args = vec!["open", "--attestation", "a.json", "--opening", opening, "--policy", "policy.json", "--now", "150"];
        args.extend(srs.iter().map(String::as_str));
        if srs.is_empty() {
            args.push("--allow-insecure-srs");
        }
        args.extend(extra);
        self.run(&args)
    }

    /// Writes a copy of `a.json` edited by `edit` and verifies it.
    pub fn verify_edited(&self, srs: &[String], edit: impl Fn(&mut serde_json::Value)) -> (i32, String) {
        let mut value: serde_json::Value = serde_json::from_str(&self.read("a.json")).unwrap();
        edit(&mut value);
        self.write("edited.json", &value.to_string());
        self.verify("edited.json", &[], srs)
    }
}

/// The k = 12 ceremony file (the committed fixture).
pub fn real_srs() -> PathBuf {
    solvent_params::fixtures::kzg_bn254_12()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}
