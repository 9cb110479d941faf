//! The `solvent` commands called as library functions (no process): what a failing claim says
//! and that its fix works, the breakdown, `shape`, swapped files, and a protocol going live from
//! `export-verifier`'s files alone in a mainnet-rules EVM.

use crate::common;

use common::cli::{OTHER_ACCOUNT, POLICY, PORTFOLIO};
use solvent_evm::{chain::LocalChain, gate};
use solvent_prover::commands::{self, *};
use solvent_prover::Error;
use std::path::{Path, PathBuf};

struct Folder {
    dir: tempfile::TempDir,
}

impl Folder {
    fn new() -> Folder {
        let folder = Folder { dir: tempfile::tempdir().unwrap() };
        folder.write("policy.json", POLICY);
        folder.write("portfolio.json", PORTFOLIO);
        folder
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        std::fs::write(self.path(name), text).unwrap();
        self.path(name)
    }

    fn keys(&self) -> KeyOptions {
        KeyOptions { srs: Some(common::cli::real_srs()), keys: Some(self.path("keys")), threads: None }
    }

    /// Proves `portfolio` under the test policy at 150 into `a.json`; returns `solvent calldata`'s
    /// output for the gate (hex).
    fn attest_calldata(&self, portfolio: &Path) -> String {
        let prove = ProveOptions {
            policy: self.path("policy.json"),
            portfolio: Some(portfolio.to_path_buf()),
            statements: Vec::new(),
            out: self.path("a.json"),
            opening: None,
            time: Some(150),
            max_memory: None,
            keys: self.keys(),
        };
        assert_eq!(run(commands::prove, &prove).0, 0);
        let calldata = CalldataOptions {
            attestation: self.path("a.json"),
            target: CalldataTarget::Gate,
            policy: None,
            allow_insecure_srs: false,
            keys: self.keys(),
        };
        run(commands::calldata, &calldata).1
    }
}

/// Runs a command; returns its exit status and output.
fn run<O>(command: fn(&O, &mut dyn std::io::Write) -> Result<i32, Error>, options: &O) -> (i32, String) {
    let mut out = Vec::new();
    let code = command(options, &mut out).unwrap_or_else(|e| panic!("command failed: {e}"));
    (code, String::from_utf8(out).unwrap())
}

fn check_options(folder: &Folder, portfolio: &Path, json: bool) -> CheckOptions {
    CheckOptions { policy: folder.path("policy.json"), portfolio: portfolio.to_path_buf(), breakdown: true, json, time: Some(150) }
}

#[test]
fn check_applies_the_time_rules_of_prove() {
    // The test policy's window is [100, 200): a time outside it, a time in the future and a time
    // in milliseconds are refused (exit 2) as `prove` refuses them, instead of advice at a
    // latency buffer of millions of hours.
    let folder = Folder::new();
    let portfolio = folder.path("portfolio.json");
    let at = |time| CheckOptions { time: Some(time), ..check_options(&folder, &portfolio, false) };
    assert_eq!(run(commands::check, &at(150)).0, 0);
    for (time, says) in [(200, "outside the policy's window"), (99, "outside the policy's window"), (1_764_000_000_000, "in the future")] {
        let error = commands::check(&at(time), &mut Vec::new()).unwrap_err();
        assert_eq!(error.exit_code(), 2, "{time}");
        assert!(error.to_string().contains(says), "{time}: {error}");
    }
    let clock = CheckOptions { time: None, ..at(0) };
    assert_eq!(commands::check(&clock, &mut Vec::new()).unwrap_err().exit_code(), 2, "the clock is after the window");
}

#[test]
fn a_failing_claim_says_what_it_is_short_of_and_its_fixes_work() {
    let folder = Folder::new();
    // 900 short calls: a short option minimum of 180,000 against equity of 140,000.
    let poor = folder.write("poor.json", &PORTFOLIO.replace("\"BTC-C-25000\": \"-2\"", "\"BTC-C-25000\": \"-900\""));
    let (code, text) = run(commands::check, &check_options(&folder, &poor, false));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("margin claim") && text.contains("FAILS: equity is short by"), "{text}");
    assert!(text.contains("E / M = ") && text.contains("against the required 1.5"), "{text}");
    assert!(text.contains("to fix it: deposit"), "{text}");

    let (code, json) = run(commands::check, &check_options(&folder, &poor, true));
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let shortfall = &report["shortfalls"][0];
    assert_eq!(shortfall["claim"], "margin");
    let fixes = shortfall["fixes"].as_array().unwrap();
    assert!(!fixes.is_empty());
    for fix in fixes {
        let (asset, amount) = (fix["asset"].as_str().unwrap(), fix["amount"].as_str().unwrap());
        let mut portfolio: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&poor).unwrap()).unwrap();
        let map = if fix["action"] == "deposit" { "balances" } else { "debts" };
        let held = portfolio[map][asset].as_str().unwrap_or("0").to_string();
        let fixed = if map == "balances" { add(&held, amount) } else { add(&held, &format!("-{amount}")) };
        portfolio[map][asset] = fixed.into();
        let path = folder.write("fixed.json", &portfolio.to_string());
        let (code, text) = run(commands::check, &check_options(&folder, &path, false));
        assert_eq!(code, 0, "{fix}: {text}");
    }
}

#[test]
fn broken_limits_get_their_own_fixes_and_a_claims_fix_then_makes_everything_hold() {
    let folder = Folder::new();
    let policy = folder.write("v2.json", include_str!("../../../model/tests/vectors/span-policy-v2.json"));
    // 4 short calls break their limit of 3 (and the net delta of BTC, 1 - 1.6 within 5, holds);
    // debt 130,000 fails the margin claim; USDC is capped at half of C.
    let text = r#"{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
        "balances": {"USDC": "50000", "BTC": "6"}, "debts": {"USDC": "130000"}, "positions": {"BTC-PERP": "1", "BTC-C-25000": "-4"}}"#;
    let poor = folder.write("poor.json", text);
    let options = |portfolio: &Path, json| CheckOptions {
        policy: policy.clone(),
        portfolio: portfolio.to_path_buf(),
        breakdown: false,
        json,
        time: Some(150),
    };
    let (code, out) = run(commands::check, &options(&poor, false));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("to fix it: reduce the position in BTC-C-25000 by 1 (to its limit)"), "{out}");
    assert!(out.contains("to fix it (after the limit fixes below): "), "{out}");
    let (_, json) = run(commands::check, &options(&poor, true));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let reduce = report["limits"].as_array().unwrap().iter().find_map(|l| l.get("fix")).expect("the broken limit's fix").clone();
    assert_eq!(
        (reduce["action"].as_str(), reduce["instrument"].as_str(), reduce["amount"].as_str()),
        (Some("reduce position"), Some("BTC-C-25000"), Some("1"))
    );
    let fixes = report["shortfalls"][0]["fixes"].as_array().unwrap().clone();
    assert!(!fixes.is_empty(), "{json}");
    for fix in fixes {
        // The limit's fix, then the claim's: every claim and limit holds.
        let mut portfolio: serde_json::Value = serde_json::from_str(text).unwrap();
        portfolio["positions"]["BTC-C-25000"] = "-3".into();
        let (asset, amount) = (fix["asset"].as_str().unwrap(), fix["amount"].as_str().unwrap());
        let map = if fix["action"] == "deposit" { "balances" } else { "debts" };
        let held = portfolio[map][asset].as_str().unwrap_or("0").to_string();
        portfolio[map][asset] = if map == "balances" { add(&held, amount) } else { add(&held, &format!("-{amount}")) }.into();
        let path = folder.write("fixed.json", &portfolio.to_string());
        let (code, out) = run(commands::check, &options(&path, false));
        assert_eq!(code, 0, "{fix}: {out}");
    }
}

/// `a + b` for decimals with at most 8 fractional digits.
fn add(a: &str, b: &str) -> String {
    let scaled = |t: &str| {
        let (sign, t) = t.strip_prefix('-').map_or((1i128, t), |r| (-1, r));
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        sign * (i.parse::<i128>().unwrap() * 100_000_000 + format!("{f:0<8}").parse::<i128>().unwrap())
    };
    let sum = scaled(a) + scaled(b);
    format!("{}.{:08}", sum / 100_000_000, sum % 100_000_000)
}

#[test]
fn the_breakdown_lists_each_holding_and_instrument() {
    let folder = Folder::new();
    let (code, text) = run(commands::check, &check_options(&folder, &folder.path("portfolio.json"), false));
    assert_eq!(code, 0, "{text}");
    for expected in ["collateral and debt per asset", "USDC", "50,000", "BTC", "2 of 2", "BTC-PERP", "BTC-C-25000", "worst scenario"] {
        assert!(text.contains(expected), "{expected:?} missing:\n{text}");
    }
    let (_, json) = run(commands::check, &check_options(&folder, &folder.path("portfolio.json"), true));
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["breakdown"]["assets"][1]["haircut_value"], "100000", "6 BTC at 20,000: 100,000 at 0.9, 20,000 at 0.5");
    assert_eq!(report["breakdown"]["instruments"][1]["scenario_losses"].as_array().unwrap().len(), 4);
}

#[test]
fn shape_reports_k_rows_and_the_srs_it_needs_before_building_anything() {
    let folder = Folder::new();
    let options = ShapeOptions { policy: folder.path("policy.json"), threads: Some(2), json: true };
    let (code, json) = run(commands::shape, &options);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let policy = solvent_model::Policy::from_json(POLICY).unwrap();
    let dims = solvent_circuits::Dims::for_shape(policy.shape());
    assert_eq!(v["k"], dims.k);
    assert_eq!(v["srs_min_k"], dims.k);
    assert!(v["rows"].as_u64().unwrap() <= 1 << dims.k);
    assert!(v["estimated_prove_seconds"].as_f64().unwrap() > 0.0);
    let (_, text) = run(commands::shape, &ShapeOptions { json: false, ..options });
    assert!(text.contains(&format!("a ceremony file with k >= {}", dims.k)), "{text}");
    assert!(!folder.path("keys").exists(), "shape made keys");
}

#[test]
fn swapped_policy_and_portfolio_say_which_file_is_which() {
    let folder = Folder::new();
    let swapped = CheckOptions {
        policy: folder.path("portfolio.json"),
        portfolio: folder.path("policy.json"),
        breakdown: false,
        json: false,
        time: None,
    };
    let error = commands::check(&swapped, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    let message = error.to_string();
    assert!(message.contains("portfolio.json") && message.contains("this is a portfolio file") && message.contains("swapped"), "{message}");
}

fn verifier_json(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("verifier.json")).unwrap()).unwrap()
}

fn hex_file(path: &Path) -> Vec<u8> {
    hex::decode(std::fs::read_to_string(path).unwrap().trim().trim_start_matches("0x")).unwrap()
}

fn hex_field(value: &serde_json::Value) -> Vec<u8> {
    hex::decode(value.as_str().unwrap().trim_start_matches("0x")).unwrap()
}

#[test]
fn a_protocol_goes_live_from_the_exported_files_alone() {
    let folder = Folder::new();
    let owner = [0x0f; 20];
    let account: [u8; 20] = hex::decode("00000000000000000000000000000000000000aa").unwrap().try_into().unwrap();
    let export = |out: &str, verifier_address: Option<String>| ExportOptions {
        policy: folder.path("policy.json"),
        out: folder.path(out),
        verifier_address,
        max_snapshot_age: 3600,
        allow_insecure_srs: false,
        keys: folder.keys(),
    };
    // Without --srs the export is refused: a verifier for the development SRS accepts forgeries.
    let insecure = ExportOptions { keys: KeyOptions { srs: None, ..folder.keys() }, ..export("insecure", None) };
    let error = commands::export_verifier(&insecure, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("forged proofs"), "{error}");
    assert!(!folder.path("insecure").exists(), "nothing written");
    // Export, deploy both contracts from their files.
    let (code, text) = run(commands::export_verifier, &export("export", None));
    assert_eq!(code, 0);
    assert!(text.contains("registration.txt"), "{text}");
    let dir = folder.path("export");
    let steps = std::fs::read_to_string(dir.join("registration.txt")).unwrap();
    assert!(steps.contains("--verifier-address"), "{steps}");
    // Each contract's standard-JSON input recompiles, with the named compiler, to the exported
    // creation code (what Etherscan and Sourcify check); the interface is exported beside them.
    let exported = verifier_json(&dir);
    assert_eq!(exported["compiler"], "v0.8.19+commit.7dd6d404");
    let solc = solvent_evm::solc::Solc::locate().unwrap();
    for name in ["SolventVerifier", "SolvencyGate"] {
        let input: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("{name}.standard-input.json"))).unwrap()).unwrap();
        assert_eq!(input["settings"]["viaIR"], false);
        let recompiled = solc.compile_standard(&input).unwrap();
        assert_eq!(recompiled[name].bytecode, hex_file(&dir.join(format!("{name}.bin"))), "{name}");
    }
    assert!(std::fs::read_to_string(dir.join("ISolvencyGate.sol")).unwrap().contains("interface ISolvencyGate"));
    let mut chain = LocalChain::new();
    chain.set_time(160);
    let gate_code = [hex_file(&dir.join("SolvencyGate.bin")), hex_field(&exported["gate_constructor_args"])].concat();
    let (gate_address, _) = chain.deploy(owner, gate_code).unwrap();
    // The first export's deployVerifier: the gate deploys the verifier and records its SRS.
    let deployed = chain.call(owner, gate_address, hex_field(&exported["deploy_verifier_calldata"])).unwrap();
    assert!(deployed.success, "{:?}", gate::revert_reason(&deployed.output));
    let shape = solvent_model::Policy::from_json(&std::fs::read_to_string(folder.path("policy.json")).unwrap()).unwrap().shape();
    let srs = chain.call(owner, gate_address, gate::verifier_srs(shape)).unwrap();
    assert_eq!(srs.output, [hex_field(&exported["srs_identity"]), vec![0; 32]].concat(), "the verifier's SRS identity, not insecure");
    let accept = exported["accept_policy_calldata"].as_str().unwrap();
    assert!(steps.contains("deploy_verifier_calldata") && steps.contains(accept), "{steps}");

    // A verifier deployed otherwise: export with its address gives setVerifier's calldata.
    let (verifier, _) = chain.deploy(owner, hex_file(&dir.join("SolventVerifier.bin"))).unwrap();
    let address = format!("0x{}", hex::encode(verifier));
    run(commands::export_verifier, &export("export2", Some(address)));
    let exported = verifier_json(&folder.path("export2"));
    let steps = std::fs::read_to_string(folder.path("export2/registration.txt")).unwrap();
    let set_verifier = exported["set_verifier_calldata"].as_str().unwrap();
    assert!(steps.contains(set_verifier), "{steps}");
    assert!(chain.call(owner, gate_address, hex_field(&exported["set_verifier_calldata"])).unwrap().success);
    assert_eq!(chain.call(owner, gate_address, gate::verifier_srs(shape)).unwrap().output, srs.output);
    let accepted = chain.call(owner, gate_address, hex_field(&exported["accept_policy_calldata"])).unwrap();
    assert!(accepted.success);
    let policy_id: [u8; 32] = hex_field(&exported["policy_id"]).try_into().unwrap();
    assert_eq!(accepted.output, policy_id.to_vec());

    // An account proves and attests with the CLI's calldata; lending code asks isAttested.
    let hex_calldata = folder.attest_calldata(&folder.path("portfolio.json"));
    let data = hex::decode(hex_calldata.trim().trim_start_matches("0x")).unwrap();
    let other: [u8; 20] = hex::decode(&OTHER_ACCOUNT[2..]).unwrap().try_into().unwrap();
    assert!(!chain.call(other, gate_address, data.clone()).unwrap().success, "only the account itself may attest");
    let attested = chain.call(account, gate_address, data).unwrap();
    assert!(attested.success, "{:?}", gate::revert_reason(&attested.output));
    let asked = chain.call(owner, gate_address, gate::is_attested(&account, &policy_id)).unwrap();
    assert_eq!(asked.output.last(), Some(&1), "isAttested");
}

/// The builder's example spec (BTC perpetual, call and put; every limit of risk model v2).
const SPEC: &str = include_str!("../../../model/tests/vectors/policy-spec.json");

#[test]
fn a_built_v2_policy_is_checked_proven_and_verified_and_a_broken_limit_is_refused() {
    let folder = Folder::new();
    let spec = folder.write("spec.json", SPEC);
    let build = PolicyBuildOptions { spec, out: folder.path("built.json") };
    let (code, text) = run(commands::policy_build, &build);
    assert_eq!(code, 0, "{text}");
    let built = std::fs::read_to_string(folder.path("built.json")).unwrap();
    assert_eq!(built, solvent_model::builder::build(SPEC).unwrap().0, "the file is the builder's canonical text");

    let time = 1_764_550_000; // inside the window, 56 minutes after the prices: one started hour
    let portfolio = |call: &str| {
        folder.write(
            "v2.json",
            &format!(
                r#"{{"schema": "solvent/portfolio/v1", "account": "0x00000000000000000000000000000000000000aa",
                    "balances": {{"USDC": "5000000", "BTC": "50"}},
                    "positions": {{"BTC-PERP": "101", "BTC-27MAR26-100000-C": "{call}", "BTC-27MAR26-80000-P": "5"}}}}"#
            ),
        )
    };
    let check = |path: &Path, json: bool| CheckOptions {
        policy: folder.path("built.json"),
        portfolio: path.to_path_buf(),
        breakdown: true,
        json,
        time: Some(time),
    };
    let good = portfolio("-10");
    let (code, json) = run(commands::check, &check(&good, true));
    assert_eq!(code, 0, "{json}");
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["limits_ok"], true);
    assert_eq!(report["latency_hours"], 1);
    assert_eq!(report["effective_margin_ratio"], "1.205");
    assert_eq!(report["add_on"], "900", "one contract over the perpetual's threshold of 100, at 900");
    assert_eq!(report["breakdown"]["instruments"][0]["delta"], "101");
    assert_eq!(report["breakdown"]["instruments"][0]["underlying"], "BTC");
    assert_eq!(report["breakdown"]["instruments"][1]["scenario_losses"].as_array().unwrap().len(), 16);
    let (_, text) = run(commands::check, &check(&good, false));
    assert!(text.contains("net delta BTC") && text.contains("loss per scenario") && text.contains("1 of 1 hold"), "{text}");

    let prove = |portfolio: &Path, out: &str| ProveOptions {
        policy: folder.path("built.json"),
        portfolio: Some(portfolio.to_path_buf()),
        statements: Vec::new(),
        out: folder.path(out),
        opening: None,
        time: Some(time),
        max_memory: None,
        keys: folder.keys(),
    };
    assert_eq!(run(commands::prove, &prove(&good, "v2-attestation.json")).0, 0);
    let attestation: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.path("v2-attestation.json")).unwrap()).unwrap();
    assert_eq!((attestation["circuit"]["risk_model"].clone(), attestation["circuit"]["underlyings"].clone()), (2.into(), 1.into()));
    let verify = VerifyOptions {
        attestation: folder.path("v2-attestation.json"),
        policy: folder.path("built.json"),
        account: None,
        json: true,
        trust: TrustOptions {
            srs: Some(common::cli::real_srs()),
            allow_insecure_srs: true,
            keys: Some(folder.path("keys")),
            now: Some(time),
            ..TrustOptions::default()
        },
    };
    let (code, json) = run(commands::verify, &verify);
    assert_eq!(code, 0, "{json}");

    // 300 short calls: over the call's position limit of 200. check names it; prove refuses.
    let broken = portfolio("-300");
    let (code, text) = run(commands::check, &check(&broken, false));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("position limit") && text.contains("FAILS: over by 100 (BTC-27MAR26-100000-C)"), "{text}");
    let error = commands::prove(&prove(&broken, "refused.json"), &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 1, "{error}");
    assert!(!folder.path("refused.json").exists());
}

/// A local Ethereum node (ganache from npm, `scripts/localchain`) on 127.0.0.1, stopped on drop.
struct LocalNode {
    child: std::process::Child,
    url: String,
}

impl LocalNode {
    /// Starts the node with its deterministic accounts, its first block at `time`.
    fn start(time: u64) -> LocalNode {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let cli = root.join("scripts/localchain/node_modules/ganache/dist/node/cli.js");
        assert!(cli.exists(), "no ganache: run `npm ci --prefix scripts/localchain` (scripts/test.sh does)");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new("node")
            .arg(cli)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--wallet.deterministic", "--logging.quiet"])
            .args(["--chain.time", &(time * 1000).to_string()])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("node");
        let node = LocalNode { child, url: format!("http://127.0.0.1:{port}") };
        for _ in 0..300 {
            if ureq::post(&node.url)
                .header("content-type", "application/json")
                .send(r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#)
                .is_ok()
            {
                return node;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("ganache did not answer on {}", node.url);
    }

    /// A JSON-RPC call's result.
    fn rpc(&self, method: &str, params: serde_json::Value) -> serde_json::Value {
        let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params }).to_string();
        let text =
            ureq::post(&self.url).header("content-type", "application/json").send(body).unwrap().body_mut().read_to_string().unwrap();
        let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }
}

impl Drop for LocalNode {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Ganache's deterministic accounts 0 and 1, and account 0's private key.
const NODE_OWNER_KEY: &str = "0x4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";
const NODE_ACCOUNT: &str = "0xffcf8fdee72ac11b5c542428b35eef5769c409f0";

#[test]
fn the_exported_ethers_script_deploys_and_registers_on_a_local_node_and_the_attestation_is_accepted() {
    let folder = Folder::new();
    // The account is the node's account 1 (unlocked there, so it can send the attestation).
    let portfolio = folder.write("mine.json", &PORTFOLIO.replace("0x00000000000000000000000000000000000000aa", NODE_ACCOUNT));
    let export = ExportOptions {
        policy: folder.path("policy.json"),
        out: folder.path("export"),
        verifier_address: None,
        max_snapshot_age: 3600,
        allow_insecure_srs: false,
        keys: folder.keys(),
    };
    assert_eq!(run(commands::export_verifier, &export).0, 0);
    let dir = folder.path("export");
    assert!(std::fs::read_to_string(dir.join("package.json")).unwrap().contains(r#""ethers": "6.17.0""#));
    let attest = folder.attest_calldata(&portfolio).trim().to_string();

    // The test policy's window is [100, 200): the node's chain starts at 155.
    let node = LocalNode::start(155);
    // The script's `ethers` is the one installed for the node (`npm install` in the export's folder otherwise).
    let modules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/localchain/node_modules");
    std::os::unix::fs::symlink(modules.canonicalize().unwrap(), dir.join("node_modules")).unwrap();
    let deployed = std::process::Command::new("node")
        .arg(dir.join("deploy.mjs"))
        .args(["--rpc", &node.url])
        .env("DEPLOYER_KEY", NODE_OWNER_KEY)
        .output()
        .unwrap();
    assert!(deployed.status.success(), "deploy.mjs: {}", String::from_utf8_lossy(&deployed.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&deployed.stdout).unwrap();
    let exported = verifier_json(&dir);
    assert_eq!(printed["policy_id"], exported["policy_id"]);
    let gate = printed["gate"].as_str().unwrap().to_string();
    assert_ne!(node.rpc("eth_getCode", serde_json::json!([printed["verifier"], "latest"])), "0x", "the gate deployed the verifier");

    // The account sends the CLI's calldata; isAttested says so.
    let tx = node.rpc("eth_sendTransaction", serde_json::json!([{ "from": NODE_ACCOUNT, "to": gate, "data": attest, "gas": "0x1000000" }]));
    let receipt = node.rpc("eth_getTransactionReceipt", serde_json::json!([tx]));
    assert_eq!(receipt["status"], "0x1", "attest: {receipt}");
    let policy_id: [u8; 32] = hex_field(&exported["policy_id"]).try_into().unwrap();
    let account: [u8; 20] = hex::decode(&NODE_ACCOUNT[2..]).unwrap().try_into().unwrap();
    let asked = node.rpc(
        "eth_call",
        serde_json::json!([{ "to": gate, "data": format!("0x{}", hex::encode(gate::is_attested(&account, &policy_id))) }, "latest"]),
    );
    assert_eq!(asked.as_str().unwrap().chars().last(), Some('1'), "isAttested: {asked}");
}

#[test]
fn source_keygen_writes_a_private_key_and_prints_its_public_key() {
    let folder = Folder::new();
    let options = SourceKeygenOptions { id: "custodian-a".into(), out: folder.path("key.json") };
    let (code, printed) = run(commands::source_keygen, &options);
    assert_eq!(code, 0);
    let public: solvent_sources::key::PublicSourceKey = serde_json::from_str(&printed).unwrap();
    let key: solvent_sources::key::SourceKey = serde_json::from_str(&std::fs::read_to_string(folder.path("key.json")).unwrap()).unwrap();
    assert_eq!(key.public().unwrap(), public, "the printed public key is the file's");
    assert_eq!(public.id, "custodian-a");
    assert!(solvent_sources::key::parse_public_key(&public.public_key).is_ok());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(folder.path("key.json")).unwrap().permissions().mode() & 0o777, 0o600, "private");
    // Never overwritten; a bad id refused; nothing written for either.
    let error = commands::source_keygen(&options, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("never overwritten"), "{error}");
    assert_eq!(
        serde_json::from_str::<solvent_sources::key::SourceKey>(&std::fs::read_to_string(folder.path("key.json")).unwrap()).unwrap(),
        key
    );
    let long = SourceKeygenOptions { id: "x".repeat(32), out: folder.path("other.json") };
    assert_eq!(commands::source_keygen(&long, &mut Vec::new()).unwrap_err().exit_code(), 2);
    assert!(!folder.path("other.json").exists());
}

#[test]
fn source_sign_writes_a_private_statement_that_source_verify_accepts_under_its_key_only() {
    let folder = Folder::new();
    let keygen = SourceKeygenOptions { id: "custodian-a".into(), out: folder.path("key.json") };
    let (_, printed) = run(commands::source_keygen, &keygen);
    let public: solvent_sources::key::PublicSourceKey = serde_json::from_str(&printed).unwrap();
    std::fs::write(folder.path("items.json"), PORTFOLIO).unwrap();
    let sign = SourceSignOptions {
        items: folder.path("items.json"),
        key: folder.path("key.json"),
        holder: "0x00000000000000000000000000000000000000aa".into(),
        time: 150,
        out: folder.path("statement.json"),
    };
    let (code, printed) = run(commands::source_sign, &sign);
    assert_eq!(code, 0, "{printed}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(folder.path("statement.json")).unwrap().permissions().mode() & 0o777, 0o600, "private");
    let text = std::fs::read_to_string(folder.path("statement.json")).unwrap();
    let statement = solvent_sources::statement::SignedStatement::from_json(&text).unwrap();
    assert_eq!(statement.statement.items.balances["BTC"], 6 * 100_000_000, "the items file's balances");
    let verify = SourceVerifyOptions { statement: folder.path("statement.json"), public_key: public.public_key.clone() };
    let (code, printed) = run(commands::source_verify, &verify);
    assert_eq!(code, 0, "{printed}");
    assert!(printed.starts_with("VALID statement") && printed.contains("0x00000000000000000000000000000000000000aa at 150"), "{printed}");
    // Another source's key: exit 1, named.
    let other = solvent_sources::key::public_key_hex(&solvent_sources::eddsa::public_key(b"another source"));
    let (code, printed) = run(commands::source_verify, &SourceVerifyOptions { public_key: other, ..verify.clone() });
    assert_eq!((code, printed.contains("signature does not verify")), (1, true), "{printed}");
    // A changed amount: exit 1; a changed schema: exit 2 naming the file and field.
    std::fs::write(folder.path("tampered.json"), text.replace("\"6\"", "\"7\"")).unwrap();
    let tampered = SourceVerifyOptions { statement: folder.path("tampered.json"), ..verify.clone() };
    assert_eq!(run(commands::source_verify, &tampered).0, 1);
    std::fs::write(folder.path("tampered.json"), text.replace("solvent/statement/v1", "solvent/statement/v9")).unwrap();
    let error = commands::source_verify(&tampered, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("tampered.json") && error.to_string().contains("schema"), "{error}");
    // Bad input to sign: nothing written.
    std::fs::write(folder.path("bad-items.json"), PORTFOLIO.replace("\"6\"", "\"6.123456789\"")).unwrap();
    let bad = SourceSignOptions { items: folder.path("bad-items.json"), out: folder.path("bad.json"), ..sign.clone() };
    let error = commands::source_sign(&bad, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("bad-items.json") && error.to_string().contains("balances.BTC"), "{error}");
    let bad_holder = SourceSignOptions { holder: "0x12".into(), out: folder.path("bad.json"), ..sign };
    assert_eq!(commands::source_sign(&bad_holder, &mut Vec::new()).unwrap_err().exit_code(), 2);
    assert!(!folder.path("bad.json").exists());
}

#[test]
fn portfolio_from_statements_sums_trusted_statements_into_a_portfolio_check_accepts() {
    let folder = Folder::new();
    let mut sources = Vec::new();
    for (id, attests, max_age) in [("custodian-a", r#"["balances", "debts"]"#, 100), ("venue-b", r#"["positions"]"#, 10)] {
        let keygen = SourceKeygenOptions { id: id.into(), out: folder.path(&format!("{id}.key.json")) };
        let (_, printed) = run(commands::source_keygen, &keygen);
        let public: solvent_sources::key::PublicSourceKey = serde_json::from_str(&printed).unwrap();
        sources.push(format!(r#"{{"id": "{id}", "public_key": "{}", "attests": {attests}, "max_age": {max_age}}}"#, public.public_key));
    }
    std::fs::write(folder.path("sources.json"), format!("[{}]", sources.join(", "))).unwrap();
    std::fs::write(folder.path("policy.json"), POLICY).unwrap();
    let statements = [
        ("custodian-a", 150, r#"{"balances": {"USDC": "30000", "BTC": "6"}, "debts": {"USDC": "10000"}}"#),
        ("custodian-a", 140, r#"{"balances": {"USDC": "20000"}}"#),
        ("venue-b", 150, r#"{"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#),
    ];
    for (n, (id, time, items)) in statements.iter().enumerate() {
        std::fs::write(folder.path(&format!("items-{n}.json")), items).unwrap();
        let sign = SourceSignOptions {
            items: folder.path(&format!("items-{n}.json")),
            key: folder.path(&format!("{id}.key.json")),
            holder: "0x00000000000000000000000000000000000000aa".into(),
            time: *time,
            out: folder.path(&format!("s{n}.json")),
        };
        assert_eq!(run(commands::source_sign, &sign).0, 0);
    }
    let options = PortfolioFromStatementsOptions {
        statements: (0..3).map(|n| folder.path(&format!("s{n}.json"))).collect(),
        policy: folder.path("policy.json"),
        sources: folder.path("sources.json"),
        time: 150,
        out: folder.path("book.json"),
    };
    let (code, printed) = run(commands::portfolio_from_statements, &options);
    assert_eq!(code, 0, "{printed}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(folder.path("book.json")).unwrap().permissions().mode() & 0o777, 0o600, "private");
    // The sums are the test portfolio: the same figures.
    let policy = solvent_model::Policy::from_json(POLICY).unwrap();
    let book = solvent_model::Portfolio::from_json_exact(&std::fs::read_to_string(folder.path("book.json")).unwrap(), &policy).unwrap();
    assert_eq!(book, solvent_model::Portfolio::from_json_exact(PORTFOLIO, &policy).unwrap());
    // The venue's statement 11 s old (its max_age is 10): refused naming its file and field.
    let late = PortfolioFromStatementsOptions { time: 161, out: folder.path("late.json"), ..options.clone() };
    let error = commands::portfolio_from_statements(&late, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("s2.json") && error.to_string().contains("time"), "{error}");
    // Without the venue among the sources: its statement verifies under no trusted key.
    std::fs::write(folder.path("custodian-only.json"), format!("[{}]", sources[0])).unwrap();
    let untrusted = PortfolioFromStatementsOptions { sources: folder.path("custodian-only.json"), out: folder.path("u.json"), ..options };
    let error = commands::portfolio_from_statements(&untrusted, &mut Vec::new()).unwrap_err();
    assert!(error.to_string().contains("s2.json") && error.to_string().contains("signature"), "{error}");
    assert!(!folder.path("late.json").exists() && !folder.path("u.json").exists(), "nothing written");
}

#[test]
fn policy_diff_names_each_change_and_whether_the_whole_loosens() {
    let folder = Folder::new();
    let old = folder.path("policy.json");
    let diff = |new: &Path, json: bool| run(commands::policy_diff, &PolicyDiffOptions { old: old.clone(), new: new.to_path_buf(), json });
    // The same policy: no changes.
    let (code, text) = diff(&old, false);
    assert_eq!((code, text.as_str()), (0, "no changes\n"));
    // A lower margin ratio loosens; a price is market data.
    let looser = folder.write("looser.json", &POLICY.replacen(r#""margin_ratio": "1.5""#, r#""margin_ratio": "1.4""#, 1));
    assert_ne!(std::fs::read_to_string(&looser).unwrap(), POLICY, "the test policy's margin ratio is 1.5");
    let (code, text) = diff(&looser, false);
    assert_eq!(code, 0);
    assert!(text.contains("loosens  margin_ratio: 1.5 -> 1.4\n") && text.contains("needs the stricter approval"), "{text}");
    let (_, json) = diff(&looser, true);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["loosens"], true);
    assert_eq!(json["changes"][0], serde_json::json!({"field": "margin_ratio", "effect": "loosens", "old": "1.5", "new": "1.4"}));
    // Bad input names the file (exit 2), for either side.
    let broken = folder.write("broken.json", "{");
    let error =
        commands::policy_diff(&PolicyDiffOptions { old: old.clone(), new: broken.clone(), json: false }, &mut Vec::new()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(error.to_string().contains("broken.json"), "{error}");
    let error = commands::policy_diff(&PolicyDiffOptions { old: broken, new: old.clone(), json: false }, &mut Vec::new()).unwrap_err();
    assert!(error.to_string().contains("broken.json"), "{error}");
}
