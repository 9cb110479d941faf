//! On-chain verification end to end: a real attestation of the demo portfolio, the Solidity
//! verifier rendered from its verifier key and `SolvencyGate`, compiled with the pinned solcjs and
//! run in revm under mainnet rules.

use crate::common;
use solvent_verifier::AttestationFile;

use halo2_proofs::halo2curves::bn256::Fr;
use solvent_circuits::encoding::PublicInputs;
use solvent_evm::{
    abi::{encode_call, verifier_calldata},
    chain::{LocalChain, Outcome, EIP170_CODE_SIZE_LIMIT},
    gate,
    solc::{Compiled, Optimizer, Solc},
    solidity::compile_verifier,
};
use solvent_model::policy::Policy;
use solvent_prover::{demo, export::VERIFIER_OPTIMIZER, prove};
use solvent_verifier::{Attestation, PolicyCommitment};
use std::sync::OnceLock;

const OWNER: [u8; 20] = [0x0f; 20];
const MAX_AGE: u64 = 3_600;
/// Ten minutes after the demo's snapshot.
const NOW: u64 = demo::SNAPSHOT_TIME + 600;

struct Fixture {
    policy: Policy,
    account: [u8; 20],
    inputs: PublicInputs,
    commitment: PolicyCommitment,
    attestation: Attestation,
    verifier: Compiled,
    gate: Compiled,
    key: solvent_verifier_wasm::key::VerifierKey,
}

/// Proves the demo once (real ceremony SRS when present) and compiles both contracts.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (witness, keys, _srs, proof) = common::demo_proof();
        let (policy, account) = (witness.policy.clone(), witness.portfolio.account);
        let attestation = prove::attestation(&witness, &keys, &proof);
        let solc = Solc::locate().unwrap();
        let (_, verifier) = compile_verifier(&solc, &keys.verifier_key, VERIFIER_OPTIMIZER).unwrap();
        let gate = gate::compile(&solc, Optimizer::Runs(200)).unwrap();
        let key = keys.verifier_key.clone();
        Fixture { policy, account, inputs: witness.public_inputs(), commitment: proof.policy, attestation, verifier, gate, key }
    })
}

fn policy_id() -> [u8; 32] {
    fixture().commitment.id()
}

/// A mainnet-rules chain at [`NOW`] with the verifier and the gate deployed, the demo policy's
/// commitment accepted and the verifier set for its shape.
struct Deployment {
    chain: LocalChain,
    verifier: [u8; 20],
    gate: [u8; 20],
}

impl Deployment {
    fn new() -> Deployment {
        let f = fixture();
        let mut chain = LocalChain::new();
        chain.set_time(NOW);
        let (verifier, _) = chain.deploy(OWNER, f.verifier.bytecode.clone()).unwrap();
        let (gate, _) = chain.deploy(OWNER, [f.gate.bytecode.clone(), gate::constructor_args(MAX_AGE)].concat()).unwrap();
        let mut deployment = Deployment { chain, verifier, gate };
        let shape = f.policy.shape();
        let accept = gate::accept_policy(&f.commitment, f.policy.effective_at, f.policy.expires_at, shape);
        let out = deployment.owner_call(accept);
        assert!(out.success);
        assert_eq!(out.output, policy_id().to_vec(), "acceptPolicy returns the policy id");
        assert!(deployment.owner_call(gate::set_verifier(shape, &verifier)).success);
        deployment
    }

    fn owner_call(&mut self, data: Vec<u8>) -> Outcome {
        self.chain.call(OWNER, self.gate, data).unwrap()
    }

    fn attest_from(&mut self, sender: [u8; 20], attestation: &Attestation) -> Outcome {
        self.chain.call(sender, self.gate, gate::attest(attestation).unwrap()).unwrap()
    }

    fn is_attested(&mut self, account: &[u8; 20]) -> bool {
        let out = self.chain.call(OWNER, self.gate, gate::is_attested(account, &policy_id())).unwrap();
        assert!(out.success);
        out.output.last() == Some(&1)
    }
}

fn reason(outcome: &Outcome) -> &'static str {
    assert!(!outcome.success, "expected a revert");
    gate::revert_reason(&outcome.output).unwrap_or("(unnamed revert)")
}

fn flip_proof_byte(attestation: &Attestation, index: usize) -> Attestation {
    let mut proof = attestation.proof_bytes().unwrap();
    proof[index] ^= 0x01;
    Attestation { proof: solvent_verifier::attestation::encode_hex(&proof), ..attestation.clone() }
}

#[test]
fn the_verifier_is_one_contract_that_fits_eip170() {
    let f = fixture();
    assert!(f.verifier.runtime.len() <= EIP170_CODE_SIZE_LIMIT, "verifier runtime {} bytes", f.verifier.runtime.len());
}

#[test]
fn generated_verifier_accepts_the_native_proof() {
    let f = fixture();
    let mut d = Deployment::new();
    let runtime = d.chain.code_size(d.verifier);
    let proof = f.attestation.proof_bytes().unwrap();
    let out = d.chain.call(OWNER, d.verifier, verifier_calldata(&f.commitment, &f.inputs, &proof)).unwrap();
    assert!(out.success, "verifier reverted: {out:?}");
    eprintln!("verifier: runtime {runtime} bytes, proof {} bytes, verification transaction {} gas", proof.len(), out.gas_used);
}

#[test]
fn generated_verifier_rejects_each_changed_public_input_and_another_commitment() {
    let f = fixture();
    let mut d = Deployment::new();
    let proof = f.attestation.proof_bytes().unwrap();
    let one = Fr::from(1);
    let changed = [
        PublicInputs { portfolio_commitment: f.inputs.portfolio_commitment + one, ..f.inputs },
        PublicInputs { account: f.inputs.account + one, ..f.inputs },
        PublicInputs { snapshot_time: f.inputs.snapshot_time + one, ..f.inputs },
    ];
    for (i, inputs) in changed.iter().enumerate() {
        let out = d.chain.call(OWNER, d.verifier, verifier_calldata(&f.commitment, inputs, &proof)).unwrap();
        assert!(!out.success, "accepted public input {} changed", i + 1);
    }
    let mut other = f.commitment.clone();
    other.points[0] = -other.points[0];
    let out = d.chain.call(OWNER, d.verifier, verifier_calldata(&other, &f.inputs, &proof)).unwrap();
    assert!(!out.success, "accepted another policy commitment");
}

#[test]
fn gate_records_a_valid_attestation_and_reports_it() {
    let f = fixture();
    let mut d = Deployment::new();
    assert!(!d.is_attested(&f.account));
    let out = d.attest_from(f.account, &f.attestation);
    assert!(out.success, "attest reverted: {:?}", gate::revert_reason(&out.output));
    assert_eq!(out.logs, 1, "one Attested event");
    eprintln!("SolvencyGate.attest: {} gas", out.gas_used);
    assert!(d.is_attested(&f.account));
    assert!(!d.is_attested(&[0x22; 20]), "another account is not attested");
}

#[test]
fn gate_rejects_a_flipped_proof_byte() {
    let f = fixture();
    let mut d = Deployment::new();
    let out = d.attest_from(f.account, &flip_proof_byte(&f.attestation, 100));
    assert_eq!(reason(&out), "ProofRejected()");
    assert!(!d.is_attested(&f.account));
}

#[test]
fn gate_rejects_a_changed_commitment() {
    let f = fixture();
    let mut d = Deployment::new();
    let mut a = f.attestation.clone();
    let changed = f.inputs.portfolio_commitment + Fr::from(1);
    a.public_inputs.portfolio_commitment = solvent_circuits::encoding::field_to_hex(&changed);
    assert_eq!(reason(&d.attest_from(f.account, &a)), "ProofRejected()");
}

#[test]
fn gate_rejects_the_proof_sent_from_another_account() {
    let f = fixture();
    let mut d = Deployment::new();
    let thief = [0x77; 20];
    // As is: the attestation names its own account, not the sender.
    assert_eq!(reason(&d.attest_from(thief, &f.attestation)), "NotTheAccount(address,address)");
    // Claiming it for the sender's account: the proof is bound to the original account.
    let mut a = f.attestation.clone();
    a.public_inputs.account = solvent_model::portfolio::format_account(&thief);
    assert_eq!(reason(&d.attest_from(thief, &a)), "ProofRejected()");
    assert!(!d.is_attested(&thief));
}

#[test]
fn gate_rejects_an_unknown_policy() {
    let f = fixture();
    let mut d = Deployment::new();
    assert!(d.owner_call(gate::revoke_policy(&policy_id())).success);
    assert_eq!(reason(&d.attest_from(f.account, &f.attestation)), "UnknownPolicy(bytes32)");
}

#[test]
fn gate_hands_the_verifier_the_registered_commitment_not_one_of_the_account() {
    // An attestation naming another policy id (another registered commitment) is checked against
    // that policy's commitment, which the proof was not made for.
    let f = fixture();
    let mut d = Deployment::new();
    let mut other = f.commitment.clone();
    other.points[0] = -other.points[0];
    let accept = gate::accept_policy(&other, f.policy.effective_at, f.policy.expires_at, f.policy.shape());
    assert!(d.owner_call(accept).success);
    let mut a = f.attestation.clone();
    a.policy.id = solvent_verifier::attestation::encode_hex(&other.id());
    assert_eq!(reason(&d.attest_from(f.account, &a)), "ProofRejected()");
}

#[test]
fn gate_refuses_a_malformed_commitment() {
    let f = fixture();
    let mut d = Deployment::new();
    let mut data = gate::accept_policy(&f.commitment, f.policy.effective_at, f.policy.expires_at, f.policy.shape());
    // Length 2 -> 3 words (odd): not points. The array's length follows the head's eleven words
    // (its offset, the window, the shape's eight numbers).
    let length_at = 4 + 11 * 32 + 31;
    data[length_at] = 3;
    data.extend([0u8; 32]);
    assert_eq!(reason(&d.owner_call(data)), "BadCommitment(uint256)");
}

#[test]
fn gate_rejects_an_expired_policy() {
    let f = fixture();
    let mut d = Deployment::new();
    // Registered with a window that has ended by now (the snapshot still inside it).
    let accept = gate::accept_policy(&f.commitment, f.policy.effective_at, NOW, f.policy.shape());
    assert!(d.owner_call(accept).success);
    assert_eq!(reason(&d.attest_from(f.account, &f.attestation)), "PolicyExpired(bytes32,uint64)");
}

#[test]
fn gate_rejects_a_snapshot_outside_the_registered_window() {
    let f = fixture();
    let mut d = Deployment::new();
    let accept = gate::accept_policy(&f.commitment, demo::SNAPSHOT_TIME + 1, f.policy.expires_at, f.policy.shape());
    assert!(d.owner_call(accept).success);
    assert_eq!(reason(&d.attest_from(f.account, &f.attestation)), "SnapshotOutsideWindow(uint64,uint64,uint64)");
}

#[test]
fn gate_rejects_a_stale_snapshot_and_stops_counting_old_ones() {
    let f = fixture();
    let mut d = Deployment::new();
    assert!(d.attest_from(f.account, &f.attestation).success);
    d.chain.set_time(demo::SNAPSHOT_TIME + MAX_AGE);
    assert!(d.is_attested(&f.account), "exactly max age old still counts");
    d.chain.set_time(demo::SNAPSHOT_TIME + MAX_AGE + 1);
    assert!(!d.is_attested(&f.account), "older than max age no longer counts");
    assert_eq!(reason(&d.attest_from(f.account, &f.attestation)), "SnapshotTooOld(uint64,uint64)");
}

#[test]
fn gate_rejects_a_snapshot_from_the_future() {
    let f = fixture();
    let mut d = Deployment::new();
    d.chain.set_time(demo::SNAPSHOT_TIME - 1);
    assert_eq!(reason(&d.attest_from(f.account, &f.attestation)), "SnapshotInFuture(uint64)");
}

#[test]
fn gate_revocation_withdraws_recorded_attestations() {
    let f = fixture();
    let mut d = Deployment::new();
    assert!(d.attest_from(f.account, &f.attestation).success);
    assert!(d.owner_call(gate::revoke_policy(&policy_id())).success);
    assert!(!d.is_attested(&f.account));
}

#[test]
fn gate_refuses_a_shape_without_a_deployed_verifier() {
    let f = fixture();
    let mut d = Deployment::new();
    // An address without code would "verify" anything: the gate refuses to set it (it answers
    // no srsIdentity()), and refuses attestations while the shape has no verifier.
    let refused = d.owner_call(gate::set_verifier(f.policy.shape(), &[0x33; 20]));
    assert_eq!(reason(&refused), "NotAVerifier(address)");
    assert!(d.owner_call(gate::set_verifier(f.policy.shape(), &[0; 20])).success, "the zero address removes the verifier");
    assert_eq!(reason(&d.attest_from(f.account, &f.attestation)), "NoVerifier(bytes32)");
}

#[test]
fn gate_registry_is_owner_only() {
    let f = fixture();
    let mut d = Deployment::new();
    let shape = f.policy.shape();
    let stranger = [0x44; 20];
    for data in [
        gate::accept_policy(&f.commitment, 1, 2, shape),
        gate::revoke_policy(&policy_id()),
        gate::set_verifier(shape, &stranger),
        gate::set_max_snapshot_age(u64::MAX),
    ] {
        let out = d.chain.call(stranger, d.gate, data).unwrap();
        assert_eq!(reason(&out), "NotOwner(address)");
    }
    assert!(d.attest_from(f.account, &f.attestation).success, "the registry is unchanged");
}

#[test]
fn gate_refuses_public_inputs_that_are_not_field_elements() {
    let f = fixture();
    let mut d = Deployment::new();
    // commitment + r: the same field element, another number.
    let mut data = gate::attest(&f.attestation).unwrap();
    let modulus = hex_word("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
    add_words(&mut data[4 + 32..4 + 64], &modulus);
    let out = d.chain.call(f.account, d.gate, data).unwrap();
    assert_eq!(reason(&out), "NotAFieldElement(uint256)");
}

fn hex_word(text: &str) -> [u8; 32] {
    hex::decode(text).unwrap().try_into().unwrap()
}

/// `word += other` (big-endian, no overflow expected).
fn add_words(word: &mut [u8], other: &[u8; 32]) {
    let mut carry = 0u16;
    for i in (0..32).rev() {
        let sum = word[i] as u16 + other[i] as u16 + carry;
        word[i] = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
}

#[test]
fn the_verifiers_bind_the_first_lane_only_as_c0_prime_so_the_commitment_must_come_from_the_registry() {
    // docs/design.md §5.3: every verifier checks C_0' = C_0 + x_0 [L_0] + x_1 [L_1], so
    // (C_0 + t [L_0], x_0 - t) verifies too, on the native, wasm and EVM verifiers alike.
    use halo2_proofs::halo2curves::group::{prime::PrimeCurveAffine, Curve};
    let f = fixture();
    let t = Fr::from(123_456_789);
    let words = &f.key.public_points[0];
    let l0 = solvent_verifier::commitment::point_from_bytes(&[words[0], words[1]].concat().try_into().unwrap()).unwrap();
    let mut points = f.commitment.points.clone();
    points[0] = (points[0].to_curve() + l0 * t).to_affine();
    let shifted = PolicyCommitment { points };
    let inputs = PublicInputs { portfolio_commitment: f.inputs.portfolio_commitment - t, ..f.inputs };
    let proof = f.attestation.proof_bytes().unwrap();
    solvent_verifier::verify_proof(&f.key, &shifted, &inputs, &proof).expect("native: the shifted pair verifies");
    let wasm = common::WasmVerifier::new();
    let bytes = solvent_verifier::verify::public_input_bytes(&inputs);
    assert_eq!(wasm.verify(&f.key.to_bytes(), &shifted.to_bytes(), &bytes, &proof).unwrap().0, 0, "wasm: the shifted pair verifies");
    let mut d = Deployment::new();
    assert!(
        d.chain.call(OWNER, d.verifier, verifier_calldata(&shifted, &inputs, &proof)).unwrap().success,
        "EVM: the shifted pair verifies"
    );
    // The other half: a caller that takes the commitment from its own registry refuses it. The
    // gate passes its registered commitment, so the shifted public input fails the proof ...
    let moved = Attestation {
        public_inputs: solvent_verifier::attestation::public_inputs_file(&inputs, &f.account, demo::SNAPSHOT_TIME),
        ..f.attestation.clone()
    };
    assert_eq!(reason(&d.attest_from(f.account, &moved)), "ProofRejected()");
    // ... and the shifted commitment is another policy id, which no registry holds.
    assert_ne!(shifted.id(), policy_id());
    let unknown = Attestation {
        policy: solvent_verifier::attestation::PolicyFile {
            id: solvent_verifier::attestation::encode_hex(&shifted.id()),
            ..f.attestation.policy.clone()
        },
        ..moved
    };
    assert_eq!(reason(&d.attest_from(f.account, &unknown)), "UnknownPolicy(bytes32)");
}

/// An OpenZeppelin ERC-20 that mints `amount` to each of two holders (the pool's asset in the
/// lending tests).
const POOL_TOKEN: &str = r#"// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.19;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
contract PoolToken is ERC20 {
    constructor(address a, address b, uint256 amount) ERC20("Pool", "POOL") {
        _mint(a, amount);
        _mint(b, amount);
    }
}
"#;

/// The gate of [`Deployment`] with an attested-credit pool: `SolventCreditLine` over an
/// OpenZeppelin ERC-20, a credit line of 1,000 beyond collateral, the lender's 1,000,000 supplied
/// and the borrower's (the demo's account) 100 posted.
struct Lending {
    d: Deployment,
    token: [u8; 20],
    pool: [u8; 20],
}

const LENDER: [u8; 20] = [0x1e; 20];

/// The pool token and `SolventCreditLine`, compiled once for the lending tests.
fn lending_code() -> &'static (Compiled, Compiled) {
    static CODE: OnceLock<(Compiled, Compiled)> = OnceLock::new();
    CODE.get_or_init(|| {
        use solvent_evm::lending;
        let solc = Solc::locate().unwrap();
        let token = solvent_evm::openzeppelin::compile_with_openzeppelin(
            &solc,
            &[("PoolToken.sol", POOL_TOKEN)],
            "PoolToken",
            Optimizer::Runs(200),
        )
        .unwrap();
        let pool = lending::compile(&solc, Optimizer::Runs(200)).unwrap();
        assert!(pool.runtime.len() <= EIP170_CODE_SIZE_LIMIT);
        eprintln!("SolventCreditLine: runtime {} bytes", pool.runtime.len());
        (token, pool)
    })
}

impl Lending {
    fn new() -> Lending {
        use solvent_evm::{abi::Token, lending};
        let f = fixture();
        let mut d = Deployment::new();
        let (token_code, pool_code) = lending_code();
        let holders = solvent_evm::abi::encode(&[Token::address(&LENDER), Token::address(&f.account), Token::uint(10_000_000)]);
        let (token, _) = d.chain.deploy(OWNER, [token_code.bytecode.clone(), holders].concat()).unwrap();
        let args = lending::constructor_args(&token, &d.gate, &policy_id(), 1_000);
        let (pool, _) = d.chain.deploy(OWNER, [pool_code.bytecode.clone(), args].concat()).unwrap();
        let mut l = Lending { d, token, pool };
        for (who, amount) in [(LENDER, 1_000_000), (f.account, 100)] {
            let approve = encode_call("approve(address,uint256)", &[Token::address(&pool), Token::uint(u64::MAX)]);
            assert!(l.d.chain.call(who, token, approve).unwrap().success);
            let call = if who == LENDER { "supply(uint256)" } else { "deposit(uint256)" };
            assert!(l.call(who, call, amount).success);
        }
        l
    }

    fn call(&mut self, from: [u8; 20], signature: &str, amount: u64) -> Outcome {
        let data = encode_call(signature, &[solvent_evm::abi::Token::uint(amount)]);
        self.d.chain.call(from, self.pool, data).unwrap()
    }

    fn flag(&mut self, borrower: &[u8; 20]) -> Outcome {
        let data = encode_call("flag(address)", &[solvent_evm::abi::Token::address(borrower)]);
        self.d.chain.call(LENDER, self.pool, data).unwrap()
    }

    fn flagged(&mut self, borrower: &[u8; 20]) -> bool {
        let data = encode_call("flagged(address)", &[solvent_evm::abi::Token::address(borrower)]);
        self.d.chain.call(LENDER, self.pool, data).unwrap().output.last() == Some(&1)
    }

    fn balance(&mut self, holder: &[u8; 20]) -> u64 {
        let data = encode_call("balanceOf(address)", &[solvent_evm::abi::Token::address(holder)]);
        let out = self.d.chain.call(LENDER, self.token, data).unwrap().output;
        u64::from_be_bytes(out[24..32].try_into().unwrap())
    }
}

/// The credit line's custom errors by selector.
fn lending_error(outcome: &Outcome) -> &'static str {
    assert!(!outcome.success, "expected a revert");
    let head = &outcome.output[..4];
    ["OverLimit(uint256,uint256)", "BorrowerFlagged(address)", "NotFlaggable(address)", "TooMuch(uint256,uint256)"]
        .into_iter()
        .find(|e| solvent_evm::abi::selector(e) == head)
        .unwrap_or("(another revert)")
}

#[test]
fn credit_beyond_collateral_while_attested_stops_and_is_flagged_when_the_attestation_goes_stale() {
    let f = fixture();
    let mut l = Lending::new();
    let borrower = f.account;
    // Without an attestation: the collateral only.
    assert_eq!(lending_error(&l.call(borrower, "borrow(uint256)", 101)), "OverLimit(uint256,uint256)");
    assert!(l.call(borrower, "borrow(uint256)", 60).success);
    // Attested: the credit line on top (100 + 1,000).
    assert!(l.d.attest_from(borrower, &f.attestation).success);
    let borrowed = l.call(borrower, "borrow(uint256)", 1_040);
    assert!(borrowed.success);
    eprintln!("borrow beyond collateral while attested: {} gas", borrowed.gas_used);
    assert_eq!(lending_error(&l.call(borrower, "borrow(uint256)", 1)), "OverLimit(uint256,uint256)");
    assert_eq!(l.balance(&borrower), 10_000_000 - 100 + 1_100);
    assert_eq!(lending_error(&l.flag(&borrower)), "NotFlaggable(address)", "attested: not flaggable");
    assert_eq!(lending_error(&l.call(borrower, "withdraw(uint256)", 1)), "OverLimit(uint256,uint256)", "the collateral backs the debt");
    // The snapshot grows older than the gate's largest age: no new credit, and anyone may flag.
    l.d.chain.set_time(demo::SNAPSHOT_TIME + MAX_AGE + 1);
    assert_eq!(lending_error(&l.call(borrower, "borrow(uint256)", 1)), "OverLimit(uint256,uint256)");
    assert!(l.flag(&borrower).success);
    assert!(l.flagged(&borrower));
    assert_eq!(lending_error(&l.flag(&borrower)), "NotFlaggable(address)", "flagged once");
    assert_eq!(lending_error(&l.call(borrower, "borrow(uint256)", 1)), "BorrowerFlagged(address)");
    // Repaid within the collateral: unflagged, and borrowing within the collateral again.
    assert_eq!(lending_error(&l.call(borrower, "repay(uint256)", 1_101)), "TooMuch(uint256,uint256)");
    assert!(l.call(borrower, "repay(uint256)", 1_000).success);
    assert!(!l.flagged(&borrower));
    assert!(l.call(borrower, "borrow(uint256)", 0).success);
    assert_eq!(lending_error(&l.call(borrower, "borrow(uint256)", 1)), "OverLimit(uint256,uint256)");
}

#[test]
fn a_revoked_policy_stops_the_credit_line_at_once() {
    let f = fixture();
    let mut l = Lending::new();
    assert!(l.d.attest_from(f.account, &f.attestation).success);
    assert!(l.call(f.account, "borrow(uint256)", 500).success);
    assert!(l.d.owner_call(gate::revoke_policy(&policy_id())).success);
    assert_eq!(lending_error(&l.call(f.account, "borrow(uint256)", 1)), "OverLimit(uint256,uint256)");
    assert!(l.flag(&f.account).success, "owing 500 over 100 of collateral, no longer attested");
    // Another account never attested: collateral only, nothing to flag.
    assert_eq!(lending_error(&l.call(LENDER, "borrow(uint256)", 1)), "OverLimit(uint256,uint256)");
    assert_eq!(lending_error(&l.flag(&LENDER)), "NotFlaggable(address)");
}

/// OpenZeppelin's `ERC20Votes` on the timestamp clock: the governance token of the governor
/// tests, 60, 15 and 25 votes to three holders.
const VOTE_TOKEN: &str = r#"// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.19;
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
contract VoteToken is ERC20, ERC20Permit, ERC20Votes {
    constructor(address a, address b, address c) ERC20("Votes", "VOTE") ERC20Permit("Votes") {
        _mint(a, 60);
        _mint(b, 15);
        _mint(c, 25);
    }
    function clock() public view override returns (uint48) { return uint48(block.timestamp); }
    function CLOCK_MODE() public pure override returns (string memory) { return "mode=timestamp"; }
    function _afterTokenTransfer(address from, address to, uint256 amount) internal override(ERC20, ERC20Votes) {
        super._afterTokenTransfer(from, to, amount);
    }
    function _mint(address to, uint256 amount) internal override(ERC20, ERC20Votes) { super._mint(to, amount); }
    function _burn(address account, uint256 amount) internal override(ERC20, ERC20Votes) { super._burn(account, amount); }
}
"#;

/// The voters: 60, 15 and 25 votes.
const VOTERS: [[u8; 20]; 3] = [[0xa1; 20], [0xb2; 20], [0xc3; 20]];
/// The timelock's delay, and the governor's for loosening proposals.
const TIMELOCK_DELAY: u64 = 86_400;
const LOOSENING_DELAY: u64 = 7 * 86_400;

/// The gate of [`Deployment`] owned by a `TimelockController` whose proposer is a
/// `SolventRiskGovernor` over [`VOTE_TOKEN`] (voting delay 1 s, period 1 h, quorum 4%).
struct Governed {
    d: Deployment,
    governor: [u8; 20],
    now: u64,
}

impl Governed {
    fn new() -> Governed {
        use solvent_evm::{abi::Token, governance};
        let mut d = Deployment::new();
        let solc = Solc::locate().unwrap();
        let compile = |source: &str, name: &str| {
            solvent_evm::openzeppelin::compile_with_openzeppelin(&solc, &[(&format!("{name}.sol"), source)], name, Optimizer::Runs(200))
                .unwrap()
        };
        let token_code = compile(VOTE_TOKEN, "VoteToken");
        let holders = solvent_evm::abi::encode(&VOTERS.map(|v| Token::address(&v)));
        let (token, _) = d.chain.deploy(OWNER, [token_code.bytecode, holders].concat()).unwrap();
        for voter in VOTERS {
            assert!(d.chain.call(voter, token, encode_call("delegate(address)", &[Token::address(&voter)])).unwrap().success);
        }
        let timelock_source =
            r#"pragma solidity 0.8.19; import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";"#;
        let timelock_code = compile(timelock_source, "TimelockController");
        let word = |address: &[u8; 20]| {
            let mut w = [0u8; 32];
            w[12..].copy_from_slice(address);
            w
        };
        let args = solvent_evm::abi::encode(&[
            Token::uint(TIMELOCK_DELAY),
            Token::Words(vec![]),
            Token::Words(vec![word(&[0; 20])]),
            Token::address(&OWNER),
        ]);
        let (timelock, _) = d.chain.deploy(OWNER, [timelock_code.bytecode, args].concat()).unwrap();
        let governor_code = governance::compile(&solc, Optimizer::Runs(200)).unwrap();
        assert!(governor_code.runtime.len() <= EIP170_CODE_SIZE_LIMIT, "governor {} bytes", governor_code.runtime.len());
        eprintln!("SolventRiskGovernor: runtime {} bytes", governor_code.runtime.len());
        let args = solvent_evm::abi::encode(&[
            Token::address(&token),
            Token::address(&timelock),
            Token::uint(1),
            Token::uint(3_600),
            Token::uint(4),
            Token::uint(LOOSENING_DELAY),
        ]);
        let (governor, _) = d.chain.deploy(OWNER, [governor_code.bytecode, args].concat()).unwrap();
        let proposer = solvent_evm::abi::keccak256(b"PROPOSER_ROLE");
        let grant = encode_call("grantRole(bytes32,address)", &[Token::Word(proposer), Token::address(&governor)]);
        assert!(d.chain.call(OWNER, timelock, grant).unwrap().success);
        assert!(d.owner_call(encode_call("transferOwnership(address)", &[Token::address(&timelock)])).success);
        let now = NOW + 10;
        d.chain.set_time(now);
        Governed { d, governor, now }
    }

    fn at(&mut self, seconds_later: u64) {
        self.now += seconds_later;
        self.d.chain.set_time(self.now);
    }

    fn send(&mut self, from: [u8; 20], data: Vec<u8>) -> Outcome {
        self.d.chain.call(from, self.governor, data).unwrap()
    }

    fn state(&mut self, id: [u8; 32]) -> u8 {
        *self.send(OWNER, solvent_evm::governance::state(id)).output.last().unwrap()
    }

    /// Proposes, lets `for_` vote for and the other voters against, and returns the proposal's
    /// id once voting has ended.
    fn vote(&mut self, proposal: &solvent_evm::governance::Proposal, for_: &[usize]) -> [u8; 32] {
        let proposed = self.send(VOTERS[0], proposal.propose());
        assert!(proposed.success, "propose reverted");
        let id: [u8; 32] = proposed.output[..32].try_into().unwrap();
        self.at(2);
        for (v, voter) in VOTERS.iter().enumerate() {
            let support = u8::from(for_.contains(&v));
            assert!(self.send(*voter, solvent_evm::governance::cast_vote(id, support)).success);
        }
        self.at(3_600);
        id
    }
}

/// OpenZeppelin's `ProposalState`s the tests read.
const DEFEATED: u8 = 3;
const SUCCEEDED: u8 = 4;
const EXECUTED: u8 = 7;

#[test]
fn governance_tightens_by_majority_and_loosens_only_by_two_thirds_after_a_longer_delay() {
    use solvent_evm::governance::{Proposal, LOOSENS};
    let f = fixture();
    let mut g = Governed::new();
    // Owner calls now need the timelock.
    assert_eq!(reason(&g.d.owner_call(gate::set_max_snapshot_age(1_800))), "NotOwner(address)");
    let gate_address = g.d.gate;
    // Tightening (a shorter snapshot age): 60 for, 40 against passes by majority.
    let tighten = Proposal {
        target: gate_address,
        calls: vec![gate::set_max_snapshot_age(1_800)],
        description: "Snapshots at most 30 minutes old".into(),
    };
    let id = g.vote(&tighten, &[0]);
    assert_eq!(g.state(id), SUCCEEDED);
    assert!(g.send(OWNER, tighten.queue()).success);
    g.at(TIMELOCK_DELAY);
    assert!(g.send(OWNER, tighten.execute()).success);
    assert_eq!(g.state(id), EXECUTED);
    let age = g.d.chain.call(OWNER, gate_address, encode_call("maxSnapshotAge()", &[])).unwrap();
    assert_eq!(age.output.last(), Some(&(1_800u64.to_be_bytes()[7])), "the gate's new age");

    // Loosening (a policy registered again with a later expiry, declared so): 60% is not two thirds.
    let accept = gate::accept_policy(&f.commitment, f.policy.effective_at, f.policy.expires_at + 86_400, f.policy.shape());
    let loosen = Proposal { target: gate_address, calls: vec![accept.clone()], description: format!("Extend the policy {LOOSENS}") };
    let id = g.vote(&loosen, &[0]);
    assert_eq!(g.state(id), DEFEATED, "a loosening change passed by a simple majority");
    // 85% passes, then waits the loosening delay, not the timelock's.
    let loosen = Proposal { description: format!("Extend the policy, again {LOOSENS}"), ..loosen };
    let id = g.vote(&loosen, &[0, 2]);
    assert_eq!(g.state(id), SUCCEEDED);
    assert!(g.send(OWNER, loosen.queue()).success);
    g.at(TIMELOCK_DELAY);
    let early = g.send(OWNER, loosen.execute());
    assert!(
        !early.success && early.output[..4] == solvent_evm::governance::loosening_delay_selector(),
        "executed before the loosening delay"
    );
    g.at(LOOSENING_DELAY - TIMELOCK_DELAY);
    assert!(g.send(OWNER, loosen.execute()).success);
    assert_eq!(g.state(id), EXECUTED);
}
