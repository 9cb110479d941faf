//! The evm crate's own pieces, without a proof: solcjs compiles SolvencyGate, the local chain
//! enforces mainnet's code-size limit, and the gate's registry answers the calldata this crate
//! builds, with the custom errors it names.

use solvent_circuits::Shape;
use solvent_evm::{
    abi::selector,
    chain::{LocalChain, EIP170_CODE_SIZE_LIMIT},
    gate,
    solc::{Compiled, Optimizer, Solc},
};
use std::sync::OnceLock;

use solvent_evm::abi::{encode_call, Token};
use solvent_statement::{gate_rules, Window, RULES};

const OWNER: [u8; 20] = [0x0f; 20];
const STRANGER: [u8; 20] = [0x44; 20];

fn compiled_gate() -> &'static Compiled {
    static GATE: OnceLock<Compiled> = OnceLock::new();
    GATE.get_or_init(|| gate::compile(&Solc::locate().unwrap(), Optimizer::Runs(200)).unwrap())
}

fn deployed() -> (LocalChain, [u8; 20]) {
    let mut chain = LocalChain::new();
    chain.set_time(1_000);
    let (address, _) = chain.deploy(OWNER, [compiled_gate().bytecode.clone(), gate::constructor_args(3_600)].concat()).unwrap();
    (chain, address)
}

fn reason(output: &[u8]) -> &'static str {
    gate::revert_reason(output).unwrap_or("(unnamed revert)")
}

#[test]
fn the_gate_fits_eip170_and_deploys_on_a_mainnet_chain() {
    let gate = compiled_gate();
    assert!(gate.runtime.len() <= EIP170_CODE_SIZE_LIMIT, "gate runtime {} bytes", gate.runtime.len());
    let (mut chain, address) = deployed();
    assert_eq!(chain.code_size(address), gate.runtime.len());
}

#[test]
fn the_mainnet_chain_refuses_code_over_eip170() {
    // 24,577 bytes of STOP as runtime code: PUSH2 len, PUSH1 0, PUSH1 0, CODECOPY (zeros from
    // beyond the code), PUSH2 len, PUSH1 0, RETURN.
    let runtime_len = EIP170_CODE_SIZE_LIMIT + 1;
    let [hi, lo] = (runtime_len as u16).to_be_bytes();
    let init = vec![0x61, hi, lo, 0x60, 0x00, 0x60, 0x00, 0x39, 0x61, hi, lo, 0x60, 0x00, 0xf3];
    assert!(LocalChain::new().deploy(OWNER, init.clone()).is_err());
    assert!(LocalChain::with_code_size_limit(64 * 1024).deploy(OWNER, init).is_ok());
}

#[test]
fn the_abi_lists_every_function_this_crate_calls_and_every_error_it_names() {
    let abi = &compiled_gate().abi;
    // A parameter's canonical type: a tuple is its components' types in parentheses.
    fn canonical(parameter: &serde_json::Value) -> String {
        let kind = parameter["type"].as_str().unwrap();
        match kind.strip_prefix("tuple") {
            Some(suffix) => {
                let components: Vec<String> = parameter["components"].as_array().unwrap().iter().map(canonical).collect();
                format!("({}){suffix}", components.join(","))
            }
            None => kind.to_string(),
        }
    }
    let signature = |entry: &serde_json::Value| {
        let types: Vec<String> = entry["inputs"].as_array().unwrap().iter().map(canonical).collect();
        format!("{}({})", entry["name"].as_str().unwrap(), types.join(","))
    };
    let of_kind = |kind: &str| -> Vec<String> { abi.as_array().unwrap().iter().filter(|e| e["type"] == kind).map(signature).collect() };
    let functions = of_kind("function");
    for called in [
        gate::ATTEST,
        gate::ACCEPT_POLICY,
        gate::SET_VERIFIER,
        gate::DEPLOY_VERIFIER,
        gate::VERIFIER_SRS,
        gate::REVOKE_POLICY,
        gate::SET_MAX_SNAPSHOT_AGE,
        gate::IS_ATTESTED,
    ] {
        assert!(functions.contains(&called.to_string()), "{called} is not in the ABI: {functions:?}");
    }
    let mut errors = of_kind("error");
    errors.sort();
    let mut named: Vec<String> = gate::ERRORS.iter().map(|e| e.to_string()).collect();
    named.sort();
    assert_eq!(named, errors, "gate::ERRORS is the contract's errors");
}

#[test]
fn only_the_owner_changes_the_registry() {
    let (mut chain, address) = deployed();
    let shape = Shape::v1(1, 1, 1, 1);
    // (The zero address removes a shape's verifier; any other must answer srsIdentity().)
    let deploy = gate::deploy_verifier(shape, &[0x60, 0x00, 0x60, 0x00, 0xf3]);
    for data in [gate::revoke_policy(&[7; 32]), gate::set_verifier(shape, &[0; 20]), gate::set_max_snapshot_age(5), deploy] {
        let out = chain.call(STRANGER, address, data.clone()).unwrap();
        assert!(!out.success);
        assert_eq!(reason(&out.output), "NotOwner(address)");
        let by_owner = chain.call(OWNER, address, data).unwrap();
        assert!(by_owner.success || reason(&by_owner.output) == "NotAVerifier(address)", "{}", reason(&by_owner.output));
    }
    let out = chain.call(OWNER, address, gate::set_verifier(shape, &STRANGER)).unwrap();
    assert_eq!(reason(&out.output), "NotAVerifier(address)", "an address without code");
}

#[test]
fn unknown_policies_are_not_attested_and_revert_by_name() {
    let (mut chain, address) = deployed();
    let out = chain.call(STRANGER, address, gate::is_attested(&STRANGER, &[9; 32])).unwrap();
    assert!(out.success);
    assert_eq!(out.output, vec![0; 32], "isAttested is false");
    let unknown = [selector("UnknownPolicy(bytes32)").to_vec(), vec![9; 32]].concat();
    assert_eq!(gate::revert_reason(&unknown), Some("UnknownPolicy(bytes32)"));
    assert_eq!(gate::revert_reason(&[0xde, 0xad, 0xbe, 0xef]), None);
}

/// The name of a custom error signature (`PolicyExpired(bytes32,uint64)` -> `PolicyExpired`).
fn error_name(signature: &str) -> &str {
    signature.split('(').next().unwrap_or(signature)
}

#[test]
fn every_gate_error_of_the_rule_table_is_one_the_contract_names() {
    let named: Vec<&str> = gate::ERRORS.iter().map(|e| error_name(e)).collect();
    for rule in RULES {
        if let Some(error) = rule.gate_error {
            assert!(named.contains(&error), "rule {} names {error}, which SolvencyGate.sol does not have: {named:?}", rule.code);
        }
    }
}

#[test]
fn solvency_gate_applies_the_time_rules_of_the_rule_table() {
    // The second implementation (SolvencyGate.sol) against the first (solvent-statement's
    // gate_rules) on a grid of block times, snapshot times and largest ages: the contract reverts
    // with the error the table names for the reason, or passes the time rules (and stops at the
    // missing verifier) where gate_rules accepts.
    let (mut chain, address) = deployed();
    let window = Window { effective_at: 1_000, expires_at: 2_000 };
    let commitment = solvent_verifier::PolicyCommitment { points: vec![halo2_proofs::halo2curves::bn256::G1Affine::generator()] };
    let out = chain
        .call(OWNER, address, gate::accept_policy(&commitment, window.effective_at, window.expires_at, Shape::v1(1, 1, 1, 1)))
        .unwrap();
    assert!(out.success);
    let id = commitment.id();
    let mut cases = 0;
    for max_age in [0, 100, 3_600] {
        assert!(chain.call(OWNER, address, gate::set_max_snapshot_age(max_age)).unwrap().success);
        for now in [999, 1_000, 1_099, 1_100, 1_500, 1_999, 2_000, 2_500] {
            chain.set_time(now);
            for snapshot in [0, 999, 1_000, 1_001, 1_399, 1_400, 1_499, 1_500, 1_501, 1_999, 2_000] {
                let call = [Token::Word(id), Token::uint(1), Token::address(&STRANGER), Token::uint(snapshot), Token::Bytes(vec![])];
                let out = chain.call(STRANGER, address, encode_call(gate::ATTEST, &call)).unwrap();
                assert!(!out.success);
                let expected = match gate_rules(now, snapshot, window, max_age) {
                    Ok(()) => "NoVerifier",
                    Err(reason) => reason.rule().gate_error.expect("every time rule has a gate error"),
                };
                assert_eq!(error_name(reason(&out.output)), expected, "now {now}, snapshot {snapshot}, max age {max_age}");
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 3 * 8 * 11);
}

#[test]
fn the_interface_is_exactly_the_gates_abi() {
    let solc = Solc::locate().unwrap();
    let interface = solc.compile_contract(gate::INTERFACE_SOURCE, gate::INTERFACE, Optimizer::Runs(200)).unwrap();
    let entries = |abi: &serde_json::Value| -> Vec<String> {
        let mut out: Vec<String> = abi
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["type"] != "constructor")
            .map(|e| {
                // Kind, name, inputs and outputs with their types (and for events, what is indexed).
                let params = |key: &str| -> Vec<String> {
                    e[key]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|p| format!("{}{}", p["type"], if p["indexed"] == true { " indexed" } else { "" }))
                        .collect()
                };
                format!(
                    "{} {}({}) -> ({}) {}",
                    e["type"],
                    e["name"],
                    params("inputs").join(","),
                    params("outputs").join(","),
                    e["stateMutability"]
                )
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(entries(&interface.abi), entries(&compiled_gate().abi));
}
