//! The gate's entry points, natively (cosmwasm-std's mock storage and API), on the checked-in
//! proof fixture (`fixtures/tiny/`, written by `scripts/fixtures.sh`): it registers the fixture's
//! policy and key, accepts the real attestation from its account, answers `is_attested`, and
//! refuses each of SolvencyGate's cases; no proving. The same contract built for wasm32 runs in
//! cosmwasm-vm in `scripts/test-cosmwasm.sh`.

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage};
use cosmwasm_std::{from_json, Addr, Api, Binary, CanonicalAddr, Env, HexBinary, OwnedDeps, Timestamp};
use solvent_gate_cosmwasm::contract::{execute, instantiate, query};
use solvent_gate_cosmwasm::error::ContractError;
use solvent_gate_cosmwasm::msg::{ExecuteMsg, InstantiateMsg, QueryMsg, Shape};
use solvent_statement::{Attestation, Declared, Registration};

type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

/// The largest snapshot age registered (the fixture's window is [100, 200), its snapshot at 150).
const MAX_AGE: u64 = 30;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/../fixtures/tiny/{name}", env!("CARGO_MANIFEST_DIR"))).expect("the checked-in fixture")
}

/// The fixture: what the attestation declares and what `verifier.json` registers.
fn fixture() -> (Declared, Registration) {
    let (_, declared) = Attestation::parse(&read("attestation.json")).unwrap();
    (declared, Registration::parse(&read("verifier.json")).unwrap())
}

fn at(time: u64) -> Env {
    let mut env = mock_env();
    env.block.time = Timestamp::from_seconds(time);
    env
}

/// The fixture's circuit shape.
fn shape(registration: &Registration) -> Shape {
    Shape {
        assets: registration.assets as u32,
        tiers: registration.tiers as u32,
        instruments: registration.instruments as u32,
        scenarios: registration.scenarios as u32,
        limits: registration.limits as u32,
        sources: registration.signed.map_or(0, |signed| signed.sources as u32),
        statement_slots: registration.signed.map_or(0, |signed| signed.statements as u32),
        statement_items: registration.signed.map_or(0, |signed| signed.items as u32),
    }
}

/// `accept_policy` of the fixture's policy registered with `shape`.
fn accept_policy(registration: &Registration, shape: Shape) -> ExecuteMsg {
    let commitment = registration.policy_commitment.iter().map(|p| HexBinary::from_hex(&p[2..]).unwrap()).collect();
    ExecuteMsg::AcceptPolicy { commitment, effective_at: registration.effective_at, expires_at: registration.expires_at, shape }
}

/// A gate with the fixture's policy and key registered by its owner.
fn registered(deps: &mut Deps, registration: &Registration) -> Addr {
    let owner = deps.api.addr_make("owner");
    instantiate(deps.as_mut(), at(1), message_info(&owner, &[]), InstantiateMsg { max_snapshot_age: MAX_AGE }).unwrap();
    let shape = shape(registration);
    let accept = accept_policy(registration, shape);
    execute(deps.as_mut(), at(1), message_info(&owner, &[]), accept).unwrap();
    let key = ExecuteMsg::SetVerifier { shape, key: Binary::from(read("verifier.key")) };
    execute(deps.as_mut(), at(1), message_info(&owner, &[]), key).unwrap();
    owner
}

/// The attestation's account as a chain address.
fn account(deps: &Deps, declared: &Declared) -> Addr {
    deps.api.addr_humanize(&CanonicalAddr::from(declared.account.as_slice())).unwrap()
}

fn attest(deps: &mut Deps, sender: &Addr, time: u64, declared: &Declared) -> Result<(), ContractError> {
    let msg = ExecuteMsg::Attest {
        policy_id: HexBinary::from(declared.policy_id.as_slice()),
        portfolio_commitment: HexBinary::from(declared.portfolio_commitment.as_slice()),
        snapshot_time: declared.snapshot_time,
        proof: Binary::from(declared.proof.clone()),
    };
    execute(deps.as_mut(), at(time), message_info(sender, &[]), msg).map(|_| ())
}

fn is_attested(deps: &Deps, time: u64, account: &Addr, declared: &Declared) -> bool {
    let msg = QueryMsg::IsAttested { account: account.to_string(), policy_id: HexBinary::from(declared.policy_id.as_slice()) };
    from_json(query(deps.as_ref(), at(time), msg).unwrap()).unwrap()
}

#[test]
fn the_gate_accepts_the_fixture_attestation_from_its_account_and_counts_it_while_fresh() {
    let (declared, registration) = fixture();
    let mut deps = mock_dependencies();
    registered(&mut deps, &registration);
    let account = account(&deps, &declared);
    let now = declared.snapshot_time + 10;
    assert!(!is_attested(&deps, now, &account, &declared));
    attest(&mut deps, &account, now, &declared).expect("the real attestation");
    assert!(is_attested(&deps, now, &account, &declared));
    // It counts up to the largest age, and stops once older or once the policy expired.
    assert!(declared.snapshot_time + MAX_AGE + 1 < registration.expires_at);
    assert!(is_attested(&deps, declared.snapshot_time + MAX_AGE, &account, &declared));
    assert!(!is_attested(&deps, declared.snapshot_time + MAX_AGE + 1, &account, &declared));
    assert!(!is_attested(&deps, registration.expires_at, &account, &declared));
}

#[test]
fn the_gate_refuses_each_case_in_solvency_gates_order() {
    let (declared, registration) = fixture();
    let mut deps = mock_dependencies();
    let owner = registered(&mut deps, &registration);
    let account = account(&deps, &declared);
    let now = declared.snapshot_time + 10;
    let name = |r: Result<(), ContractError>| r.expect_err("refused").to_string().split(':').next().unwrap().to_string();

    // Another sender: the proof binds the account; an address of other than 20 bytes can be no
    // attestation's account.
    let other = deps.api.addr_humanize(&CanonicalAddr::from([0x0f; 20].as_slice())).unwrap();
    assert_eq!(name(attest(&mut deps, &other, now, &declared)), "ProofRejected");
    assert_eq!(name(attest(&mut deps, &owner, now, &declared)), "NotTheAccount");
    // Each changed part of the attestation.
    let mut changed = declared.clone();
    changed.proof[100] ^= 1;
    assert_eq!(name(attest(&mut deps, &account, now, &changed)), "ProofRejected");
    let mut changed = declared.clone();
    changed.portfolio_commitment[31] ^= 1;
    assert_eq!(name(attest(&mut deps, &account, now, &changed)), "ProofRejected");
    let mut changed = declared.clone();
    changed.portfolio_commitment = [0xff; 32];
    assert_eq!(name(attest(&mut deps, &account, now, &changed)), "NotAFieldElement");
    let mut changed = declared.clone();
    changed.policy_id[0] ^= 1;
    assert_eq!(name(attest(&mut deps, &account, now, &changed)), "UnknownPolicy");
    // The time rules (solvent-statement's gate_rules).
    assert_eq!(name(attest(&mut deps, &account, registration.expires_at, &declared)), "PolicyExpired");
    assert_eq!(name(attest(&mut deps, &account, declared.snapshot_time - 1, &declared)), "SnapshotInFuture");
    assert_eq!(name(attest(&mut deps, &account, declared.snapshot_time + MAX_AGE + 1, &declared)), "SnapshotTooOld");
    let mut changed = declared.clone();
    changed.snapshot_time = registration.effective_at - 1;
    assert_eq!(name(attest(&mut deps, &account, now, &changed)), "SnapshotOutsideWindow");
    // A snapshot time other than the proof's, inside the window and fresh.
    let mut changed = declared.clone();
    changed.snapshot_time += 1;
    assert_eq!(name(attest(&mut deps, &account, now, &changed)), "ProofRejected");
    assert!(!is_attested(&deps, now, &account, &declared), "nothing was recorded");
    // The policy registered again with signed holdings' slots in its shape: another circuit,
    // whose key was never set.
    let signed = Shape { sources: 2, statement_slots: 3, statement_items: 3, ..shape(&registration) };
    execute(deps.as_mut(), at(now), message_info(&owner, &[]), accept_policy(&registration, signed)).unwrap();
    assert_eq!(name(attest(&mut deps, &account, now, &declared)), "NoVerifier");
    // The owner only changes the registry.
    let key = ExecuteMsg::SetMaxSnapshotAge { seconds: 1 };
    assert_eq!(name(execute(deps.as_mut(), at(now), message_info(&account, &[]), key).map(|_| ())), "NotOwner");
}
