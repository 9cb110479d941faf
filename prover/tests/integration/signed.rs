//! Signed holdings proven for real (`docs/design.md` §12): statements signed by solvent's
//! EdDSA-Poseidon signer (equal to `@zk-kit/eddsa-poseidon`'s, `sources/tests/zkkit.rs`) under a
//! policy's sources (and by `@zk-kit/eddsa-poseidon` itself, in Node), summed into the portfolio, proven with the ceremony SRS and checked by
//! solvent's native, wasm and Solidity verifiers (the last through `SolvencyGate`, from
//! `export-verifier`'s files) and halo2's own; a proof of other statements' sums is not accepted.

use crate::common;

use solvent_circuits::{AttestationCircuit, Witness};
use solvent_model::{policy::Policy, SignedHoldings};
use solvent_prover::{keys, prove};
use solvent_sources::key::public_key_hex;
use solvent_sources::portfolio::{portfolio_from_statements, sources_from_json};
use solvent_sources::statement::{Items, SignedStatement, Statement};
use solvent_verifier::verify::public_input_bytes;

fn signed(key: &str, time: u64, items: &str) -> SignedStatement {
    Statement { source: key.into(), holder: [0xaa; 20], time, items: Items::from_json(items).unwrap() }.sign(key.as_bytes())
}

#[test]
fn a_proof_from_signed_statements_verifies_natively_in_wasm_and_in_halo2() {
    let sources = sources_from_json(&format!(
        r#"[{{"id": "custodian-a", "public_key": "{}", "attests": ["balances", "debts"], "max_age": 100}},
            {{"id": "venue-b", "public_key": "{}", "attests": ["positions"], "max_age": 10}}]"#,
        public_key_hex(&solvent_sources::eddsa::public_key(b"custodian-a")),
        public_key_hex(&solvent_sources::eddsa::public_key(b"venue-b"))
    ))
    .unwrap();
    let mut policy = Policy::from_json(include_str!("../../../model/tests/vectors/span-policy.json")).unwrap();
    policy.expires_at = 2000;
    policy.signed = Some(SignedHoldings { sources: sources.clone(), statement_slots: 3, items_per_statement: 3, signed_debts: true });
    let statements = [
        signed("custodian-a", 950, r#"{"balances": {"BTC": "6", "USDC": "50000"}, "debts": {"USDC": "10000"}}"#),
        signed("venue-b", 1000, r#"{"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#),
    ];
    let (portfolio, witnesses) = portfolio_from_statements(&policy, &sources, &statements, 1000).unwrap();
    let witness = Witness { policy, portfolio, snapshot_time: 1000, salt: prove::random_salt(), statements: witnesses };
    let circuit = AttestationCircuit::new(&witness);
    let srs = common::srs(circuit.k());
    let keys = keys::generate(circuit.shape(), &srs).unwrap();
    let proof = prove::prove(&keys, &srs, &circuit, &witness).unwrap();
    let commitment = solvent_verifier::policy_commitment(&srs, &witness.policy).unwrap();
    assert_eq!(commitment, proof.policy, "proved against the policy's commitment (its sources' keys included)");
    let inputs = witness.public_inputs();
    assert!(common::halo2_verifies(&srs, &keys, circuit.public_columns(), &proof.bytes), "halo2 rejects the proof");
    solvent_verifier::verify_proof(&keys.verifier_key, &commitment, &inputs, &proof.bytes).unwrap();
    let key_bytes = keys.verifier_key.to_bytes();
    let input_bytes = public_input_bytes(&inputs);
    assert_eq!(common::WasmVerifier::new().verify(&key_bytes, &commitment.to_bytes(), &input_bytes, &proof.bytes).unwrap().0, 0);
    // The Solidity verifier, deployed under EIP-170, accepts it.
    let mut evm = common::EvmVerifier::new(&keys.verifier_key);
    let (accepted, gas) = evm.verify(solvent_evm::abi::verifier_calldata(&commitment, &inputs, &proof.bytes));
    eprintln!("signed verifier: runtime {} bytes, verification {gas} gas, proof {} bytes", evm.runtime_bytes, proof.bytes.len());
    assert!(accepted, "the Solidity verifier rejects the proof");

    // The same proof under a policy trusting another custodian key: another commitment, refused.
    let mut other = witness.policy.clone();
    let signed_holdings = other.signed.as_mut().unwrap();
    signed_holdings.sources[0].public_key = solvent_sources::eddsa::public_key(b"someone else").pack_bytes();
    let other_commitment = solvent_verifier::policy_commitment(&srs, &other).unwrap();
    assert_ne!(other_commitment, commitment);
    assert!(solvent_verifier::verify_proof(&keys.verifier_key, &other_commitment, &inputs, &proof.bytes).is_err());
    let (accepted, _) = evm.verify(solvent_evm::abi::verifier_calldata(&other_commitment, &inputs, &proof.bytes));
    assert!(!accepted, "the Solidity verifier accepts the proof under another custodian key");
    let wasm = common::WasmVerifier::new().verify(&key_bytes, &other_commitment.to_bytes(), &input_bytes, &proof.bytes).unwrap();
    assert_ne!(wasm.0, 0, "the wasm verifier accepts the proof under another custodian key");
}

/// A policy file with the two sources, a statement file per statement.
struct Files {
    dir: tempfile::TempDir,
}

impl Files {
    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// `prove --policy P --statements ... --time 1000 --out a.json` with the ceremony SRS.
    fn prove(&self, policy: &std::path::Path, statements: Vec<std::path::PathBuf>) -> solvent_prover::commands::ProveOptions {
        solvent_prover::commands::ProveOptions {
            policy: policy.to_path_buf(),
            portfolio: None,
            statements,
            out: self.path("a.json"),
            opening: None,
            time: Some(1000),
            max_memory: None,
            keys: self.keys(),
        }
    }

    fn keys(&self) -> solvent_prover::commands::KeyOptions {
        solvent_prover::commands::KeyOptions { srs: Some(common::cli::real_srs()), keys: Some(self.path("keys")), threads: None }
    }

    /// `verify --attestation a.json --policy P --account 0xaa.. --now 1000` with the ceremony SRS.
    fn verify(&self, policy: &std::path::Path) -> solvent_prover::commands::VerifyOptions {
        use solvent_prover::commands::{TrustOptions, VerifyOptions};
        VerifyOptions {
            attestation: self.path("a.json"),
            policy: policy.to_path_buf(),
            account: Some(format!("0x{}", "aa".repeat(20))),
            json: false,
            trust: TrustOptions {
                srs: Some(common::cli::real_srs()),
                keys: Some(self.path("keys")),
                now: Some(1000),
                ..TrustOptions::default()
            },
        }
    }

    fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        std::fs::write(self.path(name), text).unwrap();
        self.path(name)
    }
}

fn policy_file_text(custodian_key: &str) -> String {
    let span = include_str!("../../../model/tests/vectors/span-policy.json").replace(r#""expires_at": 200"#, r#""expires_at": 2000"#);
    let sources = format!(
        r#", "sources": [{{"id": "custodian-a", "public_key": "{custodian_key}", "attests": ["balances", "debts"], "max_age": 100}},
            {{"id": "venue-b", "public_key": "{}", "attests": ["positions"], "max_age": 10}}],
           "statements": {{"slots": 3, "items": 3, "signed_debts": true}}"#,
        public_key_hex(&solvent_sources::eddsa::public_key(b"venue-b"))
    );
    span.trim_end().strip_suffix('}').unwrap().to_string() + &sources + "}"
}

#[test]
fn prove_takes_the_holdings_from_signed_statements_and_verify_accepts_the_attestation() {
    use solvent_prover::commands::{self, ProveOptions, VerifyOptions};
    let files = Files { dir: tempfile::tempdir().unwrap() };
    let custodian = public_key_hex(&solvent_sources::eddsa::public_key(b"custodian-a"));
    let policy = files.write("policy.json", &policy_file_text(&custodian));
    let custodian_statement = signed("custodian-a", 950, r#"{"balances": {"BTC": "6", "USDC": "50000"}, "debts": {"USDC": "10000"}}"#);
    let venue_statement = signed("venue-b", 1000, r#"{"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}}"#);
    let statements = vec![files.write("c.json", &custodian_statement.to_json()), files.write("v.json", &venue_statement.to_json())];
    let keys = files.keys();
    let prove = ProveOptions { opening: Some(files.path("opening.json")), ..files.prove(&policy, statements.clone()) };
    assert_eq!(commands::prove(&prove, &mut Vec::new()).unwrap(), 0);
    let verify = files.verify(&policy);
    assert_eq!(commands::verify(&verify, &mut Vec::new()).unwrap(), 0);
    let attestation = std::fs::read_to_string(files.path("a.json")).unwrap();
    assert!(attestation.contains(r#""signed""#), "the attestation's circuit names its statement slots");

    // On chain, from export-verifier's files: the gate deploys the verifier for the shape with
    // the statement slots, registers the policy, and records the account's attestation.
    let export = commands::ExportOptions {
        policy: policy.clone(),
        out: files.path("onchain"),
        verifier_address: None,
        max_snapshot_age: 3600,
        allow_insecure_srs: false,
        keys: keys.clone(),
    };
    assert_eq!(commands::export_verifier(&export, &mut Vec::new()).unwrap(), 0);
    let exported: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(files.path("onchain/verifier.json")).unwrap()).unwrap();
    assert_eq!(exported["signed"], serde_json::json!({"sources": 2, "statements": 3, "items": 3}));
    let runtime = exported["verifier_runtime_bytes"].as_u64().unwrap();
    assert!(runtime <= solvent_evm::chain::EIP170_CODE_SIZE_LIMIT as u64, "{runtime}");
    let hex = |text: &str| hex::decode(text.trim().trim_start_matches("0x")).unwrap();
    let field = |name: &str| hex(exported[name].as_str().unwrap());
    let (owner, account) = ([0x0f; 20], [0xaa; 20]);
    let mut chain = solvent_evm::chain::LocalChain::new();
    chain.set_time(1010);
    let gate_code =
        [hex(&std::fs::read_to_string(files.path("onchain/SolvencyGate.bin")).unwrap()), field("gate_constructor_args")].concat();
    let (gate_address, _) = chain.deploy(owner, gate_code).unwrap();
    for call in ["deploy_verifier_calldata", "accept_policy_calldata"] {
        let outcome = chain.call(owner, gate_address, field(call)).unwrap();
        assert!(outcome.success, "{call}: {:?}", solvent_evm::gate::revert_reason(&outcome.output));
    }
    let (attestation, _) = solvent_statement::Attestation::parse(&std::fs::read(files.path("a.json")).unwrap()).unwrap();
    let attested = chain.call(account, gate_address, solvent_evm::gate::attest(&attestation).unwrap()).unwrap();
    assert!(attested.success, "{:?}", solvent_evm::gate::revert_reason(&attested.output));
    let policy_id: [u8; 32] = field("policy_id").try_into().unwrap();
    let is_attested = chain.call(owner, gate_address, solvent_evm::gate::is_attested(&account, &policy_id)).unwrap();
    assert_eq!(is_attested.output.last(), Some(&1), "isAttested");
    eprintln!("signed holdings on chain: verifier runtime {runtime} bytes, attest {} gas", attested.gas_used);

    // A policy trusting another custodian key refuses the attestation (another commitment).
    let stranger = public_key_hex(&solvent_sources::eddsa::public_key(b"someone else"));
    let other = files.write("other.json", &policy_file_text(&stranger));
    assert_ne!(commands::verify(&VerifyOptions { policy: other, ..verify.clone() }, &mut Vec::new()).unwrap(), 0);

    // Refusals, naming the file and field (nothing written).
    let refused = |options: ProveOptions| {
        std::fs::remove_file(files.path("a.json")).ok();
        let error = commands::prove(&options, &mut Vec::new()).unwrap_err().to_string();
        assert!(!files.path("a.json").exists(), "nothing written");
        error
    };
    let error = refused(ProveOptions { statements: vec![], portfolio: Some(files.path("none.json")), ..prove.clone() });
    assert!(error.contains("--statements"), "{error}");
    let four = vec![statements[0].clone(), statements[1].clone(), statements[0].clone(), statements[1].clone()];
    let error = refused(ProveOptions { statements: four, ..prove.clone() });
    assert!(error.contains("--statements") && error.contains("3 statement slots"), "{error}");
    let book = |btc: &str| {
        format!(
            r#"{{"schema": "solvent/portfolio/v1", "account": "0x{}", "balances": {{"USDC": "50000", "BTC": "{btc}"}},
                "debts": {{"USDC": "10000"}}, "positions": {{"BTC-PERP": "1", "BTC-C-25000": "-2"}}}}"#,
            "aa".repeat(20)
        )
    };
    // The statements' own sums, given as the portfolio, prove; one more BTC does not.
    let own = files.write("own.json", &book("6"));
    assert_eq!(commands::prove(&ProveOptions { portfolio: Some(own), ..prove.clone() }, &mut Vec::new()).unwrap(), 0);
    let portfolio = files.write("book.json", &book("7"));
    let error = refused(ProveOptions { portfolio: Some(portfolio), ..prove.clone() });
    assert!(error.contains("book.json") && error.contains("balances.BTC"), "{error}");
    let bad_key = files.write("bad-key.json", &policy_file_text(&format!("0x{}", "00".repeat(32))));
    let error = refused(ProveOptions { policy: bad_key, ..prove.clone() });
    assert!(error.contains("bad-key.json") && error.contains("sources[0].public_key"), "{error}");
    let late = files.write("late.json", &signed("custodian-a", 850, r#"{"balances": {"BTC": "6", "USDC": "50000"}}"#).to_json());
    let error = refused(ProveOptions { statements: vec![late, statements[1].clone()], ..prove.clone() });
    assert!(error.contains("late.json") && error.contains("time"), "{error}");
}

/// Signs a statement with `@zk-kit/eddsa-poseidon` in Node (`sources/signer-js/statement.cjs`,
/// written from the specification alone) and returns the statement file.
fn signed_in_node(key: &str, time: u64, items: serde_json::Value) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../sources/signer-js");
    assert!(folder.join("node_modules/@zk-kit/eddsa-poseidon").exists(), "run `npm ci --prefix sources/signer-js` (scripts/test.sh does)");
    let holder = format!("0x{}", "aa".repeat(20));
    let mut input = items.clone();
    input["key"] = key.into();
    input["holder"] = holder.clone().into();
    input["time"] = time.into();
    let mut child =
        Command::new("node").arg("statement.cjs").current_dir(&folder).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().expect("node");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "statement.cjs failed");
    let theirs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let hex = |field: &str| {
        let decimal = theirs[field].as_str().unwrap();
        solvent_sources::key::hex_32(&num_bigint::BigUint::parse_bytes(decimal.as_bytes(), 10).unwrap())
    };
    let mut file = items;
    file["schema"] = "solvent/statement/v1".into();
    file["source"] = key.into();
    file["holder"] = holder.into();
    file["time"] = time.into();
    file["signature"] = serde_json::json!({"r8": hex("r8"), "s": hex("s")});
    file.to_string()
}

#[test]
fn statements_signed_by_zk_kit_in_node_prove_and_verify() {
    use solvent_prover::commands;
    let files = Files { dir: tempfile::tempdir().unwrap() };
    let custodian = public_key_hex(&solvent_sources::eddsa::public_key(b"custodian-a"));
    let policy = files.write("policy.json", &policy_file_text(&custodian));
    let custodian_items = serde_json::json!({"balances": {"USDC": "50000", "BTC": "6"}, "debts": {"USDC": "10000"}});
    let venue_items = serde_json::json!({"positions": {"BTC-PERP": "1", "BTC-C-25000": "-2"}});
    let statements = vec![
        files.write("c.json", &signed_in_node("custodian-a", 950, custodian_items)),
        files.write("v.json", &signed_in_node("venue-b", 1000, venue_items)),
    ];
    let prove = files.prove(&policy, statements);
    assert_eq!(commands::prove(&prove, &mut Vec::new()).unwrap(), 0);
    let verify = files.verify(&policy);
    assert_eq!(commands::verify(&verify, &mut Vec::new()).unwrap(), 0);
}
