//! The JavaScript package (`verifier-js/`) in Node: a real attestation and changed copies of it,
//! each with the verdict and statement `solvent verify --json` gives; the package, running the
//! shipped wasm module, must give the same on every case.

use crate::common;

use common::cli::{OTHER_ACCOUNT, POLICY, PORTFOLIO};
use serde_json::{json, Value};
use solvent_prover::commands::{self, *};
use std::path::Path;
use std::process::Command;

const ACCOUNT: &str = "0x00000000000000000000000000000000000000aa";

#[test]
fn the_js_package_agrees_with_the_cli_on_every_case() {
    let folder = tempfile::tempdir().unwrap();
    let dir = folder.path();
    std::fs::write(dir.join("policy.json"), POLICY).unwrap();
    std::fs::write(dir.join("portfolio.json"), PORTFOLIO).unwrap();
    let keys = KeyOptions { srs: Some(common::cli::real_srs()), keys: Some(dir.join("keys")), threads: None };
    let insecure = keys.srs.is_none();
    let export = ExportOptions {
        policy: dir.join("policy.json"),
        out: dir.join("export"),
        verifier_address: None,
        max_snapshot_age: 3600,
        allow_insecure_srs: false,
        keys: keys.clone(),
    };
    commands::export_verifier(&export, &mut Vec::new()).unwrap();
    let prove = ProveOptions {
        policy: dir.join("policy.json"),
        portfolio: Some(dir.join("portfolio.json")),
        statements: Vec::new(),
        out: dir.join("a.json"),
        opening: None,
        time: Some(150),
        max_memory: None,
        keys: keys.clone(),
    };
    assert_eq!(commands::prove(&prove, &mut Vec::new()).unwrap(), 0);
    let original: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("a.json")).unwrap()).unwrap();

    let edit = |f: &dyn Fn(&mut Value)| {
        let mut a = original.clone();
        f(&mut a);
        a
    };
    let flip_hex = |text: &str, at: usize| {
        let mut chars: Vec<char> = text.chars().collect();
        chars[at] = if chars[at] == '0' { '1' } else { '0' };
        chars.into_iter().collect::<String>()
    };
    let at = |now: u64| json!({ "now": now });
    let mut cases: Vec<(&str, Value, Value)> = vec![
        ("valid", original.clone(), at(160)),
        ("valid, the account named", original.clone(), json!({ "now": 160, "account": ACCOUNT })),
        ("expired", original.clone(), at(200)),
        ("not yet valid", original.clone(), at(140)),
        ("too old", original.clone(), json!({ "now": 190, "maxAge": 10 })),
        ("another account", original.clone(), json!({ "now": 160, "account": OTHER_ACCOUNT })),
        (
            "upper-case hex",
            edit(&|a| {
                a["public_inputs"]["portfolio_commitment"] =
                    a["public_inputs"]["portfolio_commitment"].as_str().unwrap().to_uppercase().replacen("0X", "0x", 1).into()
            }),
            at(160),
        ),
        ("a proof byte flipped", edit(&|a| a["proof"] = flip_hex(a["proof"].as_str().unwrap(), 300).into()), at(160)),
        (
            "the identity as the first commitment",
            edit(&|a| {
                let p = a["proof"].as_str().unwrap();
                a["proof"] = format!("0x{}{}", "0".repeat(128), &p[130..]).into()
            }),
            at(160),
        ),
        (
            "another portfolio commitment",
            edit(&|a| {
                a["public_inputs"]["portfolio_commitment"] =
                    flip_hex(a["public_inputs"]["portfolio_commitment"].as_str().unwrap(), 40).into()
            }),
            at(160),
        ),
        ("another snapshot time", edit(&|a| a["public_inputs"]["snapshot_time"] = 151.into()), at(160)),
        ("outside the window", edit(&|a| a["public_inputs"]["snapshot_time"] = 99.into()), at(160)),
        ("another policy name", edit(&|a| a["policy"]["name"] = "other".into()), at(160)),
        ("another policy id", edit(&|a| a["policy"]["id"] = flip_hex(a["policy"]["id"].as_str().unwrap(), 10).into()), at(160)),
        ("another k", edit(&|a| a["circuit"]["k"] = (a["circuit"]["k"].as_u64().unwrap() + 1).into()), at(160)),
        ("another encoding", edit(&|a| a["circuit"]["encoding"] = 1.into()), at(160)),
        ("another circuit version", edit(&|a| a["circuit"]["version"] = 2.into()), at(160)),
        ("another vk hash", edit(&|a| a["vk_hash"] = flip_hex(a["vk_hash"].as_str().unwrap(), 5).into()), at(160)),
        ("another SRS", edit(&|a| a["srs"]["identity"] = flip_hex(a["srs"]["identity"].as_str().unwrap(), 5).into()), at(160)),
        ("the insecure flag flipped", edit(&|a| a["srs"]["insecure"] = (!a["srs"]["insecure"].as_bool().unwrap()).into()), at(160)),
        (
            "a truncated proof",
            edit(&|a| {
                let p = a["proof"].as_str().unwrap();
                a["proof"] = p[..p.len() - 64].to_string().into()
            }),
            at(160),
        ),
    ];
    if insecure {
        for case in &mut cases {
            case.2["allowInsecureSrs"] = true.into();
        }
    }

    // The CLI's verdict and statement for each case.
    let fixtures = dir.join("fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    let mut prepared = Vec::new();
    for (name, attestation, options) in cases {
        let path = dir.join("case.json");
        std::fs::write(&path, attestation.to_string()).unwrap();
        let verify = VerifyOptions {
            attestation: path,
            policy: dir.join("policy.json"),
            account: options["account"].as_str().map(str::to_string),
            json: true,
            trust: TrustOptions {
                srs: keys.srs.clone(),
                srs_identity: None,
                allow_insecure_srs: insecure,
                keys: keys.keys.clone(),
                now: options["now"].as_u64(),
                max_age: options["maxAge"].as_u64(),
                any_age: false,
            },
        };
        let mut out = Vec::new();
        commands::verify(&verify, &mut out).unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected: Value = serde_json::from_slice(&out).unwrap();
        prepared.push(json!({ "name": name, "attestation": attestation.to_string(), "options": options, "expected": expected }));
    }
    let verdicts: Vec<&str> = prepared.iter().map(|c| c["expected"]["verdict"].as_str().unwrap()).collect();
    for verdict in ["VALID", "INVALID", "EXPIRED", "NOT YET VALID", "TOO OLD"] {
        assert!(verdicts.contains(&verdict), "no case is {verdict}: {verdicts:?}");
    }
    std::fs::write(fixtures.join("cases.json"), Value::Array(prepared).to_string()).unwrap();
    for file in ["verifier.key", "verifier.json"] {
        std::fs::copy(dir.join("export").join(file), fixtures.join(file)).unwrap();
    }
    std::fs::copy(common::wasm_module(), fixtures.join("solvent_verifier.wasm")).unwrap();

    let package = Path::new(env!("CARGO_MANIFEST_DIR")).join("../verifier-js");
    let out = Command::new("node").arg("--test").arg("test/").current_dir(&package).env("SOLVENT_JS_FIXTURES", &fixtures).output().unwrap();
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{report}");
    assert!(report.contains("# pass 9") && report.contains("# skipped 0"), "{report}");
}
