//! The gate as a chain runs it: the contract built for wasm32 and executed by cosmwasm-vm (the
//! VM of CosmWasm chains, wasmer with metering), verifying a real attestation of the embedded demo
//! with the wasm verifier inside the contract. Each of SolvencyGate's refusals is exercised.

use cosmwasm_std::{Addr, Binary, Env, HexBinary, Timestamp};
use cosmwasm_vm::testing::{
    execute, instantiate, mock_env, mock_info, mock_instance_with_gas_limit, query, MockApi, MockQuerier, MockStorage,
};
use cosmwasm_vm::{BackendApi, Instance};
use solvent_circuits::{AttestationCircuit, Witness};
use solvent_gate_cosmwasm::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, Shape};
use solvent_model::{policy::Policy, Portfolio};
use solvent_prover::{demo, keys, prove};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

const MAX_AGE: u64 = 3_600;
/// Enough CosmWasm gas: an attestation with its verification takes about 57 billion.
const GAS_LIMIT: u64 = 2_000_000_000_000;

type Vm = Instance<MockApi, MockStorage, MockQuerier>;

/// The contract's module as deployed (`scripts/build-cosmwasm.sh`: the size profile, then
/// wasm-opt lowering what CosmWasm's VM refuses).
fn contract() -> &'static [u8] {
    static WASM: OnceLock<Vec<u8>> = OnceLock::new();
    WASM.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let out = root.join("target/cosmwasm/solvent_gate_cosmwasm.wasm");
        let status = Command::new(root.join("scripts/build-cosmwasm.sh")).arg(&out).status().expect("scripts/build-cosmwasm.sh");
        assert!(
            status.success(),
            "building the contract failed (needs the wasm32-unknown-unknown target and `npm ci --prefix verifier-js`)"
        );
        std::fs::read(out).unwrap()
    })
}

/// A real attestation of the demo (under the committed k = 12 ceremony fixture).
struct Proven {
    shape: Shape,
    key: Vec<u8>,
    lanes: Vec<HexBinary>,
    policy_id: Vec<u8>,
    window: (u64, u64),
    account: [u8; 20],
    commitment: HexBinary,
    proof: Vec<u8>,
}

fn proven() -> &'static Proven {
    static PROVEN: OnceLock<Proven> = OnceLock::new();
    PROVEN.get_or_init(|| {
        let policy = Policy::from_json(demo::POLICY).unwrap();
        let portfolio = Portfolio::from_json(demo::PORTFOLIO, &policy).unwrap().0;
        let witness = Witness { policy, portfolio, snapshot_time: demo::SNAPSHOT_TIME, salt: prove::random_salt(), statements: Vec::new() };
        let circuit = AttestationCircuit::new(&witness);
        let ceremony = solvent_params::load(&solvent_params::fixtures::kzg_bn254_12()).expect("the committed ceremony fixture");
        let srs = solvent_params::downsize(&ceremony, circuit.k()).unwrap();
        let keys = keys::generate(circuit.shape(), &srs).unwrap();
        let proof = prove::prove(&keys, &srs, &circuit, &witness).unwrap();
        let s = circuit.shape();
        let commitment = proof.policy.to_bytes();
        let inputs = witness.public_inputs();
        Proven {
            shape: Shape {
                assets: s.assets as u32,
                tiers: s.tiers as u32,
                instruments: s.instruments as u32,
                scenarios: s.scenarios as u32,
                limits: s.limits_number() as u32,
                sources: s.signed.map_or(0, |signed| signed.sources as u32),
                statement_slots: s.signed.map_or(0, |signed| signed.statements as u32),
                statement_items: s.signed.map_or(0, |signed| signed.items as u32),
            },
            key: keys.verifier_key.to_bytes(),
            lanes: commitment.chunks(64).map(HexBinary::from).collect(),
            policy_id: proof.policy.id().to_vec(),
            window: (witness.policy.effective_at, witness.policy.expires_at),
            account: witness.portfolio.account,
            commitment: HexBinary::from_hex(
                solvent_circuits::encoding::field_to_hex(&inputs.portfolio_commitment).trim_start_matches("0x"),
            )
            .unwrap(),
            proof: proof.bytes,
        }
    })
}

/// The bech32 address of 20 canonical bytes.
fn address(canonical: &[u8; 20]) -> Addr {
    Addr::unchecked(MockApi::default().addr_humanize(canonical).0.unwrap())
}

fn at(seconds: u64) -> Env {
    let mut env = mock_env();
    env.block.time = Timestamp::from_seconds(seconds);
    env
}

fn owner() -> Addr {
    address(&[0x0f; 20])
}

/// A gate with the demo's verifier key set and its policy accepted.
fn gate() -> Vm {
    let p = proven();
    let mut vm = mock_instance_with_gas_limit(contract(), GAS_LIMIT);
    let now = at(demo::SNAPSHOT_TIME);
    let info = mock_info(owner().as_str(), &[]);
    let _: cosmwasm_std::Response = instantiate(&mut vm, now.clone(), info.clone(), InstantiateMsg { max_snapshot_age: MAX_AGE }).unwrap();
    let set: cosmwasm_std::Response =
        execute(&mut vm, now.clone(), info.clone(), ExecuteMsg::SetVerifier { shape: p.shape, key: Binary::from(p.key.clone()) }).unwrap();
    assert!(set.attributes.iter().any(|a| a.value == "set_verifier"));
    let accept = ExecuteMsg::AcceptPolicy { commitment: p.lanes.clone(), effective_at: p.window.0, expires_at: p.window.1, shape: p.shape };
    let accepted: cosmwasm_std::Response = execute(&mut vm, now, info, accept).unwrap();
    assert_eq!(accepted.data.unwrap().to_vec(), p.policy_id, "the policy id is SolvencyGate's (Keccak-256 of the words)");
    vm
}

fn attest_msg(proof: Vec<u8>, snapshot_time: u64) -> ExecuteMsg {
    let p = proven();
    ExecuteMsg::Attest {
        policy_id: HexBinary::from(p.policy_id.clone()),
        portfolio_commitment: p.commitment.clone(),
        snapshot_time,
        proof: Binary::from(proof),
    }
}

/// Attests at `now` from `sender`; the error text on refusal.
fn attest(vm: &mut Vm, now: u64, sender: &Addr, msg: ExecuteMsg) -> Result<(), String> {
    execute::<_, _, _, _, cosmwasm_std::Empty>(vm, at(now), mock_info(sender.as_str(), &[]), msg).into_result().map(|_| ())
}

fn is_attested(vm: &mut Vm, now: u64, account: &Addr) -> bool {
    let msg = QueryMsg::IsAttested { account: account.to_string(), policy_id: HexBinary::from(proven().policy_id.clone()) };
    cosmwasm_std::from_json(query(vm, at(now), msg).unwrap()).unwrap()
}

#[test]
fn a_real_attestation_verifies_in_the_vm_and_counts_until_it_is_too_old() {
    let p = proven();
    let mut vm = gate();
    let account = address(&p.account);
    let now = demo::SNAPSHOT_TIME + 60;
    assert!(!is_attested(&mut vm, now, &account));
    let before = vm.get_gas_left();
    attest(&mut vm, now, &account, attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME)).unwrap();
    let used = before - vm.get_gas_left();
    eprintln!("cosmwasm: contract {} bytes; attest used {used} CosmWasm gas ({} SDK gas)", contract().len(), used / 140_000);
    assert!(is_attested(&mut vm, now, &account));
    assert!(is_attested(&mut vm, demo::SNAPSHOT_TIME + MAX_AGE, &account));
    assert!(!is_attested(&mut vm, demo::SNAPSHOT_TIME + MAX_AGE + 1, &account), "too old");
    assert!(!is_attested(&mut vm, now, &address(&[0x44; 20])), "another account");
}

#[test]
fn the_gate_refuses_what_solvency_gate_refuses() {
    let p = proven();
    let account = address(&p.account);
    let now = demo::SNAPSHOT_TIME + 60;
    let refused = |vm: &mut Vm, now: u64, sender: &Addr, msg: ExecuteMsg| attest(vm, now, sender, msg).expect_err("accepted");
    let mut vm = gate();
    let mut flipped = p.proof.clone();
    flipped[100] ^= 1;
    assert!(refused(&mut vm, now, &account, attest_msg(flipped, demo::SNAPSHOT_TIME)).contains("ProofRejected"));
    assert!(
        refused(&mut vm, now, &address(&[0x44; 20]), attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME)).contains("ProofRejected"),
        "the proof is bound to its account"
    );
    assert!(
        refused(&mut vm, now, &account, attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME + 1)).contains("ProofRejected"),
        "and to its time"
    );
    assert!(refused(&mut vm, p.window.1, &account, attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME)).contains("PolicyExpired"));
    assert!(
        refused(&mut vm, demo::SNAPSHOT_TIME - 1, &account, attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME)).contains("SnapshotInFuture")
    );
    assert!(refused(&mut vm, demo::SNAPSHOT_TIME + MAX_AGE + 1, &account, attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME))
        .contains("SnapshotTooOld"));
    assert!(refused(&mut vm, now, &account, attest_msg(p.proof.clone(), p.window.0 - 1)).contains("SnapshotOutsideWindow"));
    let unknown = ExecuteMsg::Attest {
        policy_id: HexBinary::from(vec![7; 32]),
        portfolio_commitment: p.commitment.clone(),
        snapshot_time: demo::SNAPSHOT_TIME,
        proof: Binary::from(p.proof.clone()),
    };
    assert!(refused(&mut vm, now, &account, unknown).contains("UnknownPolicy"));
    let not_a_field_element = ExecuteMsg::Attest {
        policy_id: HexBinary::from(p.policy_id.clone()),
        portfolio_commitment: HexBinary::from(vec![0xff; 32]),
        snapshot_time: demo::SNAPSHOT_TIME,
        proof: Binary::from(p.proof.clone()),
    };
    assert!(refused(&mut vm, now, &account, not_a_field_element).contains("NotAFieldElement"));
    let stranger = address(&[0x44; 20]);
    let revoke = ExecuteMsg::RevokePolicy { policy_id: HexBinary::from(p.policy_id.clone()) };
    let by_stranger = execute::<_, _, _, _, cosmwasm_std::Empty>(&mut vm, at(now), mock_info(stranger.as_str(), &[]), revoke.clone());
    assert!(by_stranger.into_result().unwrap_err().contains("NotOwner"));
    assert!(!is_attested(&mut vm, now, &account), "nothing was recorded");

    // Revoking withdraws a recorded attestation at once.
    attest(&mut vm, now, &account, attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME)).unwrap();
    assert!(is_attested(&mut vm, now, &account));
    let revoked = execute::<_, _, _, _, cosmwasm_std::Empty>(&mut vm, at(now), mock_info(owner().as_str(), &[]), revoke);
    assert!(revoked.into_result().is_ok());
    assert!(!is_attested(&mut vm, now, &account));
}

#[test]
fn a_shape_without_a_verifier_key_is_refused_and_a_bad_key_is_not_stored() {
    let p = proven();
    let mut vm = mock_instance_with_gas_limit(contract(), GAS_LIMIT);
    let now = at(demo::SNAPSHOT_TIME);
    let info = mock_info(owner().as_str(), &[]);
    let _: cosmwasm_std::Response = instantiate(&mut vm, now.clone(), info.clone(), InstantiateMsg { max_snapshot_age: MAX_AGE }).unwrap();
    let bad = ExecuteMsg::SetVerifier { shape: p.shape, key: Binary::from(vec![1, 2, 3]) };
    let refused = execute::<_, _, _, _, cosmwasm_std::Empty>(&mut vm, now.clone(), info.clone(), bad).into_result();
    assert!(refused.unwrap_err().contains("BadVerifierKey"));
    let accept = ExecuteMsg::AcceptPolicy { commitment: p.lanes.clone(), effective_at: p.window.0, expires_at: p.window.1, shape: p.shape };
    let _: cosmwasm_std::Response = execute(&mut vm, now, info, accept).unwrap();
    let refused = attest(&mut vm, demo::SNAPSHOT_TIME + 60, &address(&p.account), attest_msg(p.proof.clone(), demo::SNAPSHOT_TIME));
    assert!(refused.unwrap_err().contains("NoVerifier"));
}
