//! End-to-end tests of the `solvent` binary: real proofs on a small shape.

use crate::common;
use solvent_verifier::AttestationFile;

use common::cli::{real_srs, stderr, Env, OTHER_ACCOUNT, POLICY, PORTFOLIO};
use std::process::Command;

#[test]
fn prove_then_verify_passes_and_the_opening_matches() {
    let env = Env::new();
    let srs = env.prove(&["--opening", "o.json"]);
    let (code, text) = env.verify("a.json", &[], &srs);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("VALID"));
    let attestation = env.read("a.json");
    // (As JSON strings: the digits alone can occur in the proof's hex.)
    assert!(!attestation.contains("\"50000\"") && !attestation.contains("BTC-PERP"), "the portfolio leaked");
    let out = env.open("o.json", &["--json"], &srs);
    assert!(out.status.success(), "{}", stderr(&out));
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(audit["verdict"], "VALID");
    assert_eq!(audit["opening_matches"], true);
    assert_eq!(audit["figures"]["collateral_value"], "150000");
    // With the account it is bound to, and an upper-case spelling of it.
    let (code, _) = env.verify("a.json", &["--account", "0x00000000000000000000000000000000000000AA"], &srs);
    assert_eq!(code, 0);
}

#[test]
fn verify_names_the_reason_for_each_tampering() {
    let env = Env::new();
    let srs = env.prove(&[]);
    type Edit = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "changed commitment",
            Box::new(|a| a["public_inputs"]["portfolio_commitment"] = format!("0x{}", "1".repeat(64)).into()),
            "proof does not verify",
        ),
        ("changed snapshot time", Box::new(|a| a["public_inputs"]["snapshot_time"] = 151.into()), "proof does not verify"),
        ("changed account", Box::new(|a| a["public_inputs"]["account"] = OTHER_ACCOUNT.into()), "proof does not verify"),
        (
            "one flipped proof bit",
            Box::new(|a| {
                let proof = a["proof"].as_str().unwrap().to_string();
                let flipped = if &proof[100..101] == "0" { "1" } else { "0" };
                a["proof"] = format!("{}{}{}", &proof[..100], flipped, &proof[101..]).into();
            }),
            "proof does not verify",
        ),
        (
            "truncated proof",
            Box::new(|a| {
                let proof = a["proof"].as_str().unwrap().to_string();
                a["proof"] = proof[..proof.len() - 64].to_string().into();
            }),
            "proof does not verify",
        ),
        ("snapshot outside the window", Box::new(|a| a["public_inputs"]["snapshot_time"] = 250.into()), "outside the policy's window"),
        ("another shape", Box::new(|a| a["circuit"]["instruments"] = 3.into()), "shape"),
        ("another k", Box::new(|a| a["circuit"]["k"] = 16.into()), "implies k ="),
        ("another encoding", Box::new(|a| a["circuit"]["encoding"] = 1.into()), "encoding"),
        ("another key", Box::new(|a| a["vk_hash"] = format!("0x{}", "ab".repeat(32)).into()), "verifying key mismatch"),
        ("another policy id", Box::new(|a| a["policy"]["id"] = format!("0x{}", "cd".repeat(32)).into()), "policy mismatch"),
        ("another SRS", Box::new(|a| a["srs"]["identity"] = format!("0x{}", "12".repeat(32)).into()), "SRS mismatch"),
    ];
    for (what, edit, reason) in cases {
        let (code, text) = env.verify_edited(&srs, edit);
        assert_eq!(code, 1, "{what}: {text}");
        assert!(text.contains("INVALID") && text.contains(reason), "{what}: {text}");
    }
}

#[test]
fn verify_rejects_another_account_policy_and_an_expired_policy() {
    let env = Env::new();
    let srs = env.prove(&[]);
    let (code, text) = env.verify("a.json", &["--account", OTHER_ACCOUNT], &srs);
    assert_eq!(code, 1);
    assert!(text.contains("account mismatch"), "{text}");
    env.write("other.json", &POLICY.replace("\"20000\"", "\"21000\""));
    let mut args = vec!["verify", "--attestation", "a.json", "--policy", "other.json", "--now", "150", "--allow-insecure-srs"];
    args.extend(srs.iter().map(String::as_str));
    let out = env.run(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("policy mismatch"));
    let (code, text) = env.verify("a.json", &["--now", "200"], &srs);
    assert_eq!(code, 1);
    assert!(text.contains("EXPIRED"), "{text}");
}

#[test]
fn a_development_srs_attestation_is_refused_without_the_flag() {
    let env = Env::new();
    let out = env.run(&["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--out", "dev.json", "--time", "150"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("INSECURE"));
    let attestation: serde_json::Value = serde_json::from_str(&env.read("dev.json")).unwrap();
    assert_eq!(attestation["srs"]["insecure"], true);
    let out = env.run(&["verify", "--attestation", "dev.json", "--policy", "policy.json", "--now", "150"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("development SRS"));
    let (code, text) = env.verify("dev.json", &[], &[]);
    assert_eq!(code, 0, "{text}");
}

#[test]
fn a_failing_portfolio_is_refused_and_no_attestation_is_written() {
    let env = Env::new();
    env.write("poor.json", &PORTFOLIO.replace("\"USDC\": \"50000\"", "\"USDC\": \"1\"").replace("\"BTC\": \"6\"", "\"BTC\": \"0\""));
    let out = env.run(&["prove", "--policy", "policy.json", "--portfolio", "poor.json", "--out", "a.json", "--time", "150"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("FAILS"), "{}", stderr(&out));
    assert!(!env.path("a.json").exists());
    let out = env.run(&["check", "--policy", "policy.json", "--portfolio", "poor.json", "--time", "150"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("short by"));
}

#[test]
fn check_prints_the_design_fields_and_exit_codes() {
    let env = Env::new();
    let out = env.run(&["check", "--policy", "policy.json", "--portfolio", "portfolio.json", "--json", "--time", "150"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "collateral_value",
        "debt_value",
        "equity",
        "scanning_risk",
        "worst_scenario",
        "short_option_minimum",
        "margin_requirement",
        "margin_ok",
        "collateral_ok",
    ] {
        assert!(v.get(field).is_some(), "missing {field}");
    }
    assert_eq!(v["scanning_risk"], "2300");
    assert_eq!(v["worst_scenario"], 0);
}

#[test]
fn bad_inputs_get_a_clear_error_naming_the_field_and_exit_2() {
    let env = Env::new();
    let cases = [
        ("{ \"schema\": ", "policy.json", "EOF"),
        (&PORTFOLIO.replace("\"BTC\": \"6\"", "\"DOGE\": \"6\""), "portfolio.json", "balances.DOGE"),
        (&PORTFOLIO.replace("\"BTC\": \"6\"", "\"BTC\": \"6\", \"BTC\": \"7\""), "portfolio.json", "duplicate key"),
        (&PORTFOLIO.replace("\"BTC\": \"6\"", "\"BTC\": \"-6\""), "portfolio.json", "balances.BTC"),
        (&PORTFOLIO.replace("\"BTC\": \"6\"", "\"BTC\": \"100000000000\""), "portfolio.json", "balances.BTC"),
        (&POLICY.replace("\"0.9\"", "\"0.9000001\""), "policy.json", "assets[1].haircut_tiers[0].weight"),
    ];
    for (text, which, expected) in cases {
        let dir = Env::new();
        dir.write(which, text);
        let out = dir.run(&["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--out", "a.json", "--time", "150"]);
        assert_eq!(out.status.code(), Some(2), "{expected}");
        let err = stderr(&out);
        assert!(err.contains(which) && err.contains(expected), "expected {expected} in: {err}");
        assert!(!dir.path("a.json").exists());
    }
    // A malformed attestation, and one of an older version.
    env.write("bad.json", r#"{"schema": "solvent/attestation/v2"}"#);
    let out = env.run(&["verify", "--attestation", "bad.json", "--policy", "policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing field"), "{}", stderr(&out));
    env.write("old.json", r#"{"schema": "solvent/attestation/v1", "policy_id": "x"}"#);
    let out = env.run(&["verify", "--attestation", "old.json", "--policy", "policy.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("older version of solvent"), "{}", stderr(&out));
    // A time outside the window.
    let out = env.run(&["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--out", "a.json", "--time", "99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("outside the policy's window"));
}

#[test]
fn an_interrupted_prove_leaves_no_partial_attestation() {
    let env = Env::new();
    env.prove(&[]); // keys cached
    std::fs::remove_file(env.path("a.json")).unwrap();
    for delay_ms in [5u64, 50, 150, 300, 600] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_solvent"))
            .args(["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--out", "a.json", "--time", "150"])
            .current_dir(env.dir.path())
            .env("SOLVENT_KEYS", env.path("keys"))
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        if let Ok(text) = std::fs::read_to_string(env.path("a.json")) {
            let parsed: Result<serde_json::Value, _> = serde_json::from_str(&text);
            assert!(parsed.is_ok(), "a partial attestation was left after {delay_ms} ms");
            std::fs::remove_file(env.path("a.json")).unwrap();
        }
    }
}

#[test]
fn policy_commitment_prints_the_id_and_refuses_an_invalid_policy() {
    let env = Env::new();
    let srs = real_srs().display().to_string();
    let out = env.run(&["policy-commitment", "policy.json", "--json", "--srs", &srs]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["srs_insecure"], false);
    env.prove(&[]);
    let attestation: serde_json::Value = serde_json::from_str(&env.read("a.json")).unwrap();
    assert_eq!(printed["policy_id"], attestation["policy"]["id"], "the prover proved against this commitment");
    // A policy the validator refuses gets no commitment.
    env.write("invalid.json", &POLICY.replace("\"0.9\"", "\"1.5\""));
    let out = env.run(&["policy-commitment", "invalid.json", "--srs", &srs]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("invalid.json") && stderr(&out).contains("weight"), "{}", stderr(&out));
}

#[test]
fn exported_contracts_accept_the_attestation_with_the_printed_calldata() {
    use solvent_evm::{chain::LocalChain, gate};
    let env = Env::new();
    let srs = env.prove(&[]);
    let mut args = vec!["export-verifier", "--policy", "policy.json", "--out", "contracts"];
    args.extend(srs.iter().map(String::as_str));
    let out = env.run(&args);
    assert!(out.status.success(), "export-verifier failed: {}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(&env.read("contracts/verifier.json")).unwrap();
    for name in ["SolventVerifier", "SolvencyGate"] {
        assert!(env.read(&format!("contracts/{name}.sol")).contains(&format!("contract {name}")));
        let _: serde_json::Value = serde_json::from_str(&env.read(&format!("contracts/{name}.abi.json"))).unwrap();
    }
    let bin = |name: &str| hex::decode(env.read(&format!("contracts/{name}.bin")).trim()).unwrap();
    let calldata = |target: &str| {
        let mut args = vec!["calldata", "--attestation", "a.json", "--for", target, "--policy", "policy.json"];
        args.extend(srs.iter().map(String::as_str));
        if srs.is_empty() {
            args.push("--allow-insecure-srs");
        }
        let out = env.run(&args);
        assert!(out.status.success(), "calldata failed: {}", stderr(&out));
        hex::decode(String::from_utf8_lossy(&out.stdout).trim().trim_start_matches("0x")).unwrap()
    };

    let owner = [0x0f; 20];
    let account: [u8; 20] = hex::decode("00000000000000000000000000000000000000aa").unwrap().try_into().unwrap();
    let mut chain = LocalChain::new();
    chain.set_time(160);
    let (verifier, _) = chain.deploy(owner, bin("SolventVerifier")).unwrap();
    assert_eq!(summary["verifier_runtime_bytes"], chain.code_size(verifier));

    let raw = calldata("verifier");
    assert!(chain.call(owner, verifier, raw.clone()).unwrap().success, "the verifier rejects the printed calldata");
    let mut tampered = raw.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    assert!(!chain.call(owner, verifier, tampered).unwrap().success);

    // Registration with the exported calldata, then the account's attest.
    let (gate_address, _) = chain.deploy(owner, [bin("SolvencyGate"), gate::constructor_args(3600)].concat()).unwrap();
    let accept = hex::decode(summary["accept_policy_calldata"].as_str().unwrap().trim_start_matches("0x")).unwrap();
    assert!(chain.call(owner, gate_address, accept).unwrap().success);
    let attestation = solvent_verifier::Attestation::from_json(&env.read("a.json")).unwrap();
    let shape = attestation.circuit.shape();
    assert!(chain.call(owner, gate_address, gate::set_verifier(shape, &verifier)).unwrap().success);
    let attest = chain.call(account, gate_address, calldata("gate")).unwrap();
    assert!(attest.success, "attest reverted: {:?}", gate::revert_reason(&attest.output));
    let policy_id = attestation.declared_values().unwrap().policy_id;
    assert_eq!(summary["policy_id"], solvent_verifier::attestation::encode_hex(&policy_id));
    let attested = chain.call(owner, gate_address, gate::is_attested(&account, &policy_id)).unwrap();
    assert_eq!(attested.output.last(), Some(&1));

    // The wasm verifier's key checks the same proof bytes.
    let key = std::fs::read(env.path("contracts/verifier.key")).unwrap();
    let lanes = summary["lanes"].as_u64().unwrap() as usize;
    let (commitment, rest) = raw.split_at(64 * lanes);
    let (inputs, proof) = rest.split_at(3 * 32);
    assert_eq!(solvent_verifier_wasm::verify_bytes(&key, commitment, inputs, proof), Ok(()));
    let mut tampered = proof.to_vec();
    tampered[40] ^= 1;
    assert!(solvent_verifier_wasm::verify_bytes(&key, commitment, inputs, &tampered).is_err());
}
