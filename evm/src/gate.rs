//! The `SolvencyGate` contract (`contracts/SolvencyGate.sol`): its source, and calldata for its
//! functions and the names of its errors, both from the contract's own ABI (alloy's `sol!` reads
//! the source at build time, so a signature cannot drift from the contract).

use crate::abi::{commitment_words, encode, encode_call, selector, Token};
use alloy_sol_types::SolCall;
use solvent_circuits::Shape;
use solvent_model::error::InputError;
use solvent_verifier::{attestation::Attestation, commitment::PolicyCommitment, AttestationFile};

/// The contract's source.
pub const SOURCE: &str = include_str!("../../contracts/SolvencyGate.sol");

/// The contract's name.
pub const CONTRACT: &str = "SolvencyGate";

/// The source of its interface, `ISolvencyGate` (for protocols' code to call it).
pub const INTERFACE_SOURCE: &str = include_str!("../../contracts/ISolvencyGate.sol");

/// The interface's name.
pub const INTERFACE: &str = "ISolvencyGate";

/// The contract's source files, as solc is given them (the contract imports its interface).
pub const SOURCES: [(&str, &str); 2] = [("SolvencyGate.sol", SOURCE), ("ISolvencyGate.sol", INTERFACE_SOURCE)];

/// Compiles the contract with its interface.
pub fn compile(solc: &crate::solc::Solc, optimizer: crate::solc::Optimizer) -> Result<crate::solc::Compiled, crate::EvmError> {
    solc.compile(&SOURCES, optimizer)?
        .remove(CONTRACT)
        .ok_or_else(|| crate::EvmError::CompilerOutput(format!("no contract named {CONTRACT}")))
}

/// The contract's ABI: calls, errors and events, generated from its interface's source (which the
/// contract implements; a test checks the two ABIs are equal).
#[allow(missing_docs)]
pub mod contract {
    alloy_sol_types::sol!("../contracts/ISolvencyGate.sol");
}

use contract::ISolvencyGate as SolvencyGate;

/// The signature of `attest`.
pub const ATTEST: &str = SolvencyGate::attestCall::SIGNATURE;
/// The signature of `acceptPolicy`.
pub const ACCEPT_POLICY: &str = SolvencyGate::acceptPolicyCall::SIGNATURE;
/// The signature of `setVerifier`.
pub const SET_VERIFIER: &str = SolvencyGate::setVerifierCall::SIGNATURE;
/// The signature of `deployVerifier`.
pub const DEPLOY_VERIFIER: &str = SolvencyGate::deployVerifierCall::SIGNATURE;
/// The signature of `revokePolicy`.
pub const REVOKE_POLICY: &str = SolvencyGate::revokePolicyCall::SIGNATURE;
/// The signature of `setMaxSnapshotAge`.
pub const SET_MAX_SNAPSHOT_AGE: &str = SolvencyGate::setMaxSnapshotAgeCall::SIGNATURE;
/// The signature of `verifierSrs`.
pub const VERIFIER_SRS: &str = SolvencyGate::verifierSrsCall::SIGNATURE;
/// The signature of `isAttested`.
pub const IS_ATTESTED: &str = SolvencyGate::isAttestedCall::SIGNATURE;

/// The contract's custom errors, by signature (from its ABI).
pub const ERRORS: &[&str] = SolvencyGate::ISolvencyGateErrors::SIGNATURES;

/// Constructor arguments: the largest accepted snapshot age in seconds.
pub fn constructor_args(max_snapshot_age: u64) -> Vec<u8> {
    encode(&[Token::uint(max_snapshot_age)])
}

/// The shape's eight numbers, `ISolvencyGate.CircuitShape`: the counts, `limits` (0 for risk
/// model v1, else 1 + the number of underlyings), and signed holdings' sources, statement slots
/// and items per statement (0 without).
fn shape_numbers(shape: Shape) -> [u32; 8] {
    let signed = shape.signed.map_or([0; 3], |signed| [signed.sources, signed.statements, signed.items]);
    [shape.assets, shape.tiers, shape.instruments, shape.scenarios, shape.limits_number(), signed[0], signed[1], signed[2]]
        .map(|n| n as u32)
}

/// The shape as the tokens of a `CircuitShape` argument (a static tuple: its words in line).
fn shape_tokens(shape: Shape) -> [Token; 8] {
    shape_numbers(shape).map(|n| Token::uint(n.into()))
}

/// `acceptPolicy`: registers a policy commitment with its `[effective_at, expires_at)` window and
/// shape.
pub fn accept_policy(policy: &PolicyCommitment, effective_at: u64, expires_at: u64, shape: Shape) -> Vec<u8> {
    let mut tokens = vec![Token::Words(commitment_words(policy)), Token::uint(effective_at), Token::uint(expires_at)];
    tokens.extend(shape_tokens(shape));
    encode_call(ACCEPT_POLICY, &tokens)
}

/// `revokePolicy`.
pub fn revoke_policy(policy_id: &[u8; 32]) -> Vec<u8> {
    encode_call(REVOKE_POLICY, &[Token::Word(*policy_id)])
}

/// `setVerifier`: the verifier contract for a circuit shape.
pub fn set_verifier(shape: Shape, verifier: &[u8; 20]) -> Vec<u8> {
    let mut tokens = shape_tokens(shape).to_vec();
    tokens.push(Token::address(verifier));
    encode_call(SET_VERIFIER, &tokens)
}

/// `deployVerifier`: deploys the verifier from its creation code (`SolventVerifier.bin`) and
/// sets it for a circuit shape, in one owner transaction whose calldata is known at export.
pub fn deploy_verifier(shape: Shape, creation_code: &[u8]) -> Vec<u8> {
    let mut tokens = shape_tokens(shape).to_vec();
    tokens.push(Token::Bytes(creation_code.to_vec()));
    encode_call(DEPLOY_VERIFIER, &tokens)
}

/// `verifierSrs(shapeKey)`: the SRS identity and insecure flag recorded for a shape's verifier.
pub fn verifier_srs(shape: Shape) -> Vec<u8> {
    encode_call(VERIFIER_SRS, &[Token::Word(shape_key(shape))])
}

/// `shapeKey` of a shape: keccak256 of its eight numbers as 32-bit big-endian integers.
pub fn shape_key(shape: Shape) -> [u8; 32] {
    let packed: Vec<u8> = shape_numbers(shape).iter().flat_map(|n| n.to_be_bytes()).collect();
    crate::abi::keccak256(&packed)
}

/// `shapeKey(shape)`, the contract's own computation of [`shape_key`].
pub fn shape_key_call(shape: Shape) -> Vec<u8> {
    encode_call(SolvencyGate::shapeKeyCall::SIGNATURE, &shape_tokens(shape))
}

/// `setMaxSnapshotAge`.
pub fn set_max_snapshot_age(seconds: u64) -> Vec<u8> {
    encode_call(SET_MAX_SNAPSHOT_AGE, &[Token::uint(seconds)])
}

/// `attest` with an attestation's policy id, public inputs and proof (to be sent by its account).
pub fn attest(attestation: &Attestation) -> Result<Vec<u8>, InputError> {
    let declared = attestation.declared_values()?;
    Ok(encode_call(
        ATTEST,
        &[
            Token::Word(declared.policy_id),
            Token::Word(declared.portfolio_commitment),
            Token::address(&declared.account),
            Token::uint(declared.snapshot_time),
            Token::Bytes(declared.proof),
        ],
    ))
}

/// `isAttested(account, policyId)`.
pub fn is_attested(account: &[u8; 20], policy_id: &[u8; 32]) -> Vec<u8> {
    encode_call(IS_ATTESTED, &[Token::address(account), Token::Word(*policy_id)])
}

/// The signature of the error a revert's output carries (a custom error of the contract, e.g.
/// `ProofRejected()`, or `Error(string)`), if it is one.
pub fn revert_reason(output: &[u8]) -> Option<&'static str> {
    let head: [u8; 4] = output.get(..4)?.try_into().ok()?;
    if head == selector("Error(string)") {
        return Some("Error(string)");
    }
    SolvencyGate::ISolvencyGateErrors::signature_by_selector(head)
}
