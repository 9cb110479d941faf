//! A verifier and an auditor trust only what they chose: the SRS (a file or a pinned identity),
//! `k` and the versions from the policy, the time rules of SolvencyGate, strict openings; and the
//! files and caches around them (private openings, outputs checked first, damaged or concurrent
//! key caches, resource guards, oversized and odd inputs).

use crate::common;

use common::cli::{real_srs, stderr, Env, POLICY};
use std::path::Path;
use std::process::{Command, Stdio};

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// Entries of the key cache (key folders and commitments), to show nothing was generated.
fn cache_entries(env: &Env) -> usize {
    let keys = env.path("keys");
    let count = |dir: &Path| std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0);
    count(&keys) + count(&keys.join("commitments"))
}

#[test]
fn the_srs_is_the_verifiers_never_the_attestations() {
    let (ceremony, other) = (real_srs(), solvent_params::fixtures::hermez_raw_11());
    let env = Env::new();
    let srs = env.prove(&[]);
    let attestation: serde_json::Value = serde_json::from_str(&env.read("a.json")).unwrap();
    let identity = attestation["srs"]["identity"].as_str().unwrap().to_string();
    // Another ceremony's file: SRS mismatch before any key is made for it.
    let before = cache_entries(&env);
    let (code, text) = env.verify("a.json", &["--srs", &other.display().to_string()], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("SRS mismatch") && text.contains(&identity), "{text}");
    assert_eq!(cache_entries(&env), before, "no key was generated for the other SRS");
    // Cache the other file's keys, then verify under it: INVALID, naming both identities.
    let other = other.display().to_string();
    let out = env.run(&["keygen", "--policy", "policy.json", "--srs", &other]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (code, text) = env.verify("a.json", &["--srs", &other], &[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("SRS mismatch") && text.contains(&identity), "{text}");
    // No SRS named: an error, not the attestation's own choice.
    let out = env.run(&["verify", "--attestation", "a.json", "--policy", "policy.json", "--now", "150"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--srs"), "{}", stderr(&out));
    // A pinned identity, its keys and commitment cached by a run with its file: VALID.
    let (code, text) = env.verify("a.json", &[], &srs);
    assert_eq!(code, 0, "{text}");
    let (code, text) = env.verify("a.json", &["--srs-identity", &identity.to_uppercase().replace("0X", "0x")], &[]);
    assert_eq!(code, 0, "{text}");
    // A pinned identity with nothing cached: an error saying how to cache it.
    let fresh = Env::new();
    std::fs::copy(env.path("a.json"), fresh.path("a.json")).unwrap();
    let out = fresh.run(&["verify", "--attestation", "a.json", "--policy", "policy.json", "--now", "150", "--srs-identity", &identity]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("keygen"), "{}", stderr(&out));
    assert!(ceremony.exists());
}

#[test]
fn k_and_versions_come_from_the_policy_before_any_key_is_made() {
    let env = Env::new();
    let srs = env.prove(&[]);
    let before = cache_entries(&env);
    let attestation: serde_json::Value = serde_json::from_str(&env.read("a.json")).unwrap();
    let k = attestation["circuit"]["k"].as_u64().unwrap();
    for k in [k - 1, k + 1, 16, 26, 29, u32::MAX as u64] {
        let (code, text) = env.verify_edited(&srs, |a| a["circuit"]["k"] = k.into());
        assert_eq!(code, 1, "k = {k}: {text}");
        assert!(text.contains("implies k ="), "k = {k}: {text}");
    }
    for encoding in [0u64, 1, 3, u64::MAX] {
        let (code, text) = env.verify_edited(&srs, |a| a["circuit"]["encoding"] = encoding.into());
        assert_eq!(code, 1, "encoding {encoding}: {text}");
        assert!(text.contains("encoding"), "{text}");
    }
    let (code, text) = env.verify_edited(&srs, |a| a["circuit"]["lanes"] = 4.into());
    assert_eq!(code, 1, "{text}");
    assert_eq!(cache_entries(&env), before, "a verifier made keys for what an attestation declared");
}

#[test]
fn hex_is_compared_as_numbers() {
    let env = Env::new();
    let srs = env.prove(&["--opening", "o.json"]);
    let mut value: serde_json::Value = serde_json::from_str(&env.read("a.json")).unwrap();
    for field in ["portfolio_commitment", "account"] {
        let text = value["public_inputs"][field].as_str().unwrap().to_uppercase().replacen("0X", "0x", 1);
        value["public_inputs"][field] = text.into();
    }
    value["policy"]["id"] = value["policy"]["id"].as_str().unwrap().to_uppercase().into();
    env.write("a.json", &value.to_string());
    let (code, text) = env.verify("a.json", &[], &srs);
    assert_eq!(code, 0, "{text}");
    let out = env.open("o.json", &[], &srs);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("the opening matches"), "{}", stdout(&out));
}

#[test]
fn time_rules_match_solvency_gate() {
    let env = Env::new();
    let srs = env.prove(&[]);
    let (code, text) = env.verify("a.json", &["--now", "149"], &srs);
    assert_eq!(code, 1);
    assert!(text.contains("NOT YET VALID") && text.contains("later than the verifier clock"), "{text}");
    let (code, text) = env.verify("a.json", &["--now", "99"], &srs);
    assert_eq!(code, 1);
    assert!(text.contains("NOT YET VALID") && text.contains("takes effect only at 100"), "{text}");
    let (code, text) = env.verify("a.json", &["--now", "190", "--max-age", "39"], &srs);
    assert_eq!(code, 1);
    assert!(text.contains("TOO OLD"), "{text}");
    let (code, text) = env.verify("a.json", &["--now", "190", "--max-age", "40"], &srs);
    assert_eq!(code, 0, "an age equal to the largest is accepted: {text}");
    // prove refuses a snapshot in the future.
    let future = (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600).to_string();
    env.write("later.json", &POLICY.replace("\"expires_at\": 200", "\"expires_at\": 99999999999"));
    let out = env.run(&["prove", "--policy", "later.json", "--portfolio", "portfolio.json", "--out", "f.json", "--time", &future]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--time") && stderr(&out).contains("in the future"), "{}", stderr(&out));
    assert!(!env.path("f.json").exists());
}

#[test]
fn open_verifies_the_proof_refuses_loose_openings_and_states_what_it_established() {
    let env = Env::new();
    let srs = env.prove(&["--opening", "o.json"]);
    // The statement, for people and as JSON.
    let out = env.open("o.json", &[], &srs);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let attestation: serde_json::Value = serde_json::from_str(&env.read("a.json")).unwrap();
    for expected in [
        attestation["policy"]["id"].as_str().unwrap(),
        attestation["vk_hash"].as_str().unwrap(),
        attestation["srs"]["identity"].as_str().unwrap(),
        "0x00000000000000000000000000000000000000aa",
        "1970-01-01T00:02:30Z",
        "k = ",
        "BTC-C-25000",
        "margin claim",
    ] {
        assert!(text.contains(expected), "`{expected}` missing from:\n{text}");
    }
    let out = env.open("o.json", &["--json"], &srs);
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(audit["statement"]["snapshot_time_utc"], "1970-01-01T00:02:30Z");
    assert_eq!(audit["holdings"]["positions"]["BTC-C-25000"], "-2");
    // A flipped proof byte: the proof no longer verifies, so the opening establishes nothing.
    let mut tampered = attestation.clone();
    let proof = tampered["proof"].as_str().unwrap().to_string();
    let flipped = if &proof[200..201] == "0" { "1" } else { "0" };
    tampered["proof"] = format!("{}{}{}", &proof[..200], flipped, &proof[201..]).into();
    env.write("a.json", &tampered.to_string());
    let out = env.open("o.json", &["--json"], &srs);
    assert_eq!(out.status.code(), Some(1));
    let audit: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(audit["verdict"], "INVALID");
    assert_eq!(audit["opening_matches"], false);
    env.write("a.json", &attestation.to_string());
    // Duplicate keys and inexact values in the opening are refused (exit 2), in JSON too.
    let opening = env.read("o.json");
    for (edited, reason) in [
        (opening.replace(r#""BTC":"6""#, r#""BTC":"1000","BTC":"6""#), "duplicate key"),
        (opening.replace(r#""BTC":"6""#, r#""BTC":"6.000000009""#), "fractional digits"),
    ] {
        assert_ne!(edited, opening, "the opening's text changed");
        env.write("loose.json", &edited);
        let out = env.open("loose.json", &["--json"], &srs);
        assert_eq!(out.status.code(), Some(2), "{reason}");
        let error: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(error["error"].as_str().unwrap().contains(reason), "{error}");
    }
    // Another holding: DOES NOT MATCH (exit 1).
    let other = opening.replace(r#""BTC":"6""#, r#""BTC":"5""#);
    assert_ne!(other, opening);
    env.write("other.json", &other);
    let out = env.open("other.json", &[], &srs);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("DOES NOT MATCH"), "{}", stdout(&out));
}

#[test]
fn verify_json_is_one_object_errors_included() {
    let env = Env::new();
    let srs = env.prove(&[]);
    let (code, text) = env.verify("a.json", &["--json"], &srs);
    assert_eq!(code, 0);
    let line = text.lines().find(|l| l.starts_with('{')).unwrap();
    let value: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(value["verdict"], "VALID");
    assert_eq!(value["statement"]["account"], "0x00000000000000000000000000000000000000aa");
    env.write("broken.json", "{");
    let out = env.run(&["verify", "--attestation", "broken.json", "--policy", "policy.json", "--json", "--allow-insecure-srs"]);
    assert_eq!(out.status.code(), Some(2));
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(value["error"].as_str().unwrap().contains("broken.json"), "{value}");
}

#[test]
fn outputs_are_checked_before_proving_and_the_opening_is_private() {
    let env = Env::new();
    let started = std::time::Instant::now();
    for (args, reason) in [
        (vec!["--out", "policy.json"], "is an input file"),
        (vec!["--out", "./portfolio.json"], "is an input file"),
        (vec!["--out", "a.json", "--opening", "a.json"], "also the file of --out"),
        (vec!["--out", "missing/a.json"], "does not exist"),
    ] {
        let mut all = vec!["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--time", "150"];
        all.extend(args);
        let out = env.run(&all);
        assert_eq!(out.status.code(), Some(2), "{reason}");
        assert!(stderr(&out).contains(reason), "{}", stderr(&out));
        assert!(!stderr(&out).contains("proving"), "it proved first: {}", stderr(&out));
    }
    assert_eq!(env.read("policy.json"), POLICY, "an input was overwritten");
    assert!(started.elapsed().as_secs() < 30, "the refusals came after slow work");
    let out = env.run(&["prove", "--policy", "policy.json", "--portfolio", "portfolio.json", "--out", "a.json", "--time", "150"]);
    assert!(stderr(&out).contains("warning: no --opening"), "{}", stderr(&out));
    env.prove(&["--opening", "o.json"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.path("o.json")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the opening is readable by others");
    }
}

fn spawn_keygen(env: &Env) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_solvent"))
        .args(["keygen", "--policy", "policy.json"])
        .current_dir(env.dir.path())
        .env("SOLVENT_KEYS", env.path("keys"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn cold_runs_together_generate_keys_once() {
    let env = Env::new();
    let children: Vec<_> = (0..3).map(|_| spawn_keygen(&env)).collect();
    let outputs: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    assert!(outputs.iter().all(|o| o.status.success()));
    let generated = outputs.iter().filter(|o| stderr(o).contains("keys cached in")).count();
    assert_eq!(generated, 1, "keys were generated {generated} times");
}

#[test]
fn killed_runs_leave_no_temporary_files_behind() {
    let env = Env::new();
    for delay_ms in [20u64, 60, 150, 400] {
        let mut child = spawn_keygen(&env);
        std::thread::sleep(std::time::Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
    }
    let out = spawn_keygen(&env).wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let leftovers: Vec<String> = walk(&env.path("keys")).into_iter().filter(|n| n.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

fn walk(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        names.push(entry.file_name().to_string_lossy().to_string());
        if entry.path().is_dir() {
            names.extend(walk(&entry.path()));
        }
    }
    names
}

#[test]
fn a_shape_beyond_the_memory_limit_is_refused_before_the_witness() {
    let env = Env::new();
    let out = env.run(&[
        "prove",
        "--policy",
        "policy.json",
        "--portfolio",
        "portfolio.json",
        "--out",
        "a.json",
        "--time",
        "150",
        "--max-memory",
        "1MiB",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("estimated") && err.contains("--max-memory"), "{err}");
    assert!(!err.contains("witness"), "the witness was built first: {err}");
    let out = env.run(&["keygen", "--policy", "policy.json", "--max-memory", "1MiB"]);
    assert_eq!(out.status.code(), Some(1));
    let out = env.run(&["keygen", "--policy", "policy.json", "--max-memory", "lots"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn odd_inputs_get_short_clear_errors() {
    let env = Env::new();
    let check = |policy: &str| {
        env.write("odd.json", policy);
        let out = env.run(&["check", "--policy", "odd.json", "--portfolio", "portfolio.json"]);
        assert_eq!(out.status.code(), Some(2));
        stderr(&out)
    };
    let long_id = "x".repeat(1 << 20);
    let err = check(&POLICY.replace("\"id\": \"span\"", &format!("\"id\": \"{long_id}\"")));
    assert!(err.len() < 400 && err.contains("(1048576 bytes)"), "{} bytes: {}", err.len(), &err[..err.len().min(400)]);
    let err = check(&format!("\u{feff}{POLICY}"));
    assert!(err.contains("byte order mark"), "{err}");
    let err = check(r#"["solvent/policy/v1", "p", 100, 200, ["s"], [], [], ["1", "1"]]"#);
    assert!(err.contains("is an array"), "{err}");
    let err = check(&POLICY.replace(r#"{"up_to": null, "weight": "1"}"#, r#"{"weight": "1"}"#));
    assert!(err.contains("assets[0].haircut_tiers[0]") && err.contains("up_to"), "{err}");
}
