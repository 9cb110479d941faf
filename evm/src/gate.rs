//! The `SolvencyGate` contract (`contracts/SolvencyGate.sol`): its source and calldata for its
//! functions.

use crate::abi::{encode, encode_call, selector, Token};
use halo2_proofs::halo2curves::bn256::Fr;
use solvent_circuits::Shape;
use solvent_model::error::InputError;
use solvent_verifier::attestation::Attestation;

/// The contract's source.
pub const SOURCE: &str = include_str!("../../contracts/SolvencyGate.sol");

/// The contract's name.
pub const CONTRACT: &str = "SolvencyGate";

/// The signature of `attest`.
pub const ATTEST: &str = "attest(uint256,uint256,address,uint64,bytes)";

/// The contract's custom errors, by signature.
pub const ERRORS: [&str; 12] = [
    "NotOwner(address)",
    "BadWindow(uint64,uint64)",
    "UnknownPolicy(uint256)",
    "PolicyExpired(uint256,uint64)",
    "SnapshotOutsideWindow(uint64,uint64,uint64)",
    "SnapshotInFuture(uint64)",
    "SnapshotTooOld(uint64,uint64)",
    "NotTheAccount(address,address)",
    "NoVerifier(bytes32)",
    "NotAFieldElement(uint256)",
    "ProofRejected()",
    "Error(string)",
];

/// Constructor arguments: the largest accepted snapshot age in seconds.
pub fn constructor_args(max_snapshot_age: u64) -> Vec<u8> {
    encode(&[Token::uint(max_snapshot_age)])
}

fn shape_tokens(shape: Shape) -> [Token; 4] {
    [shape.assets, shape.tiers, shape.instruments, shape.scenarios].map(|n| Token::uint(n as u64))
}

/// `acceptPolicy`: registers a policy hash with its `[effective_at, expires_at)` window and shape.
pub fn accept_policy(policy_hash: &Fr, effective_at: u64, expires_at: u64, shape: Shape) -> Vec<u8> {
    let mut tokens = vec![Token::field(policy_hash), Token::uint(effective_at), Token::uint(expires_at)];
    tokens.extend(shape_tokens(shape));
    encode_call("acceptPolicy(uint256,uint64,uint64,uint32,uint32,uint32,uint32)", &tokens)
}

/// `revokePolicy`.
pub fn revoke_policy(policy_hash: &Fr) -> Vec<u8> {
    encode_call("revokePolicy(uint256)", &[Token::field(policy_hash)])
}

/// `setVerifier`: the verifier contract for a circuit shape.
pub fn set_verifier(shape: Shape, verifier: &[u8; 20]) -> Vec<u8> {
    let mut tokens = shape_tokens(shape).to_vec();
    tokens.push(Token::address(verifier));
    encode_call("setVerifier(uint32,uint32,uint32,uint32,address)", &tokens)
}

/// `setMaxSnapshotAge`.
pub fn set_max_snapshot_age(seconds: u64) -> Vec<u8> {
    encode_call("setMaxSnapshotAge(uint64)", &[Token::uint(seconds)])
}

/// `attest` with an attestation's public inputs and proof (to be sent by its account).
pub fn attest(attestation: &Attestation) -> Result<Vec<u8>, InputError> {
    let inputs = attestation.public_inputs()?;
    let account = solvent_model::portfolio::parse_account("public_inputs.account", &attestation.public_inputs.account)?;
    Ok(encode_call(
        ATTEST,
        &[
            Token::field(&inputs.policy_hash),
            Token::field(&inputs.portfolio_commitment),
            Token::address(&account),
            Token::uint(attestation.public_inputs.snapshot_time),
            Token::Bytes(attestation.proof_bytes()?),
        ],
    ))
}

/// `isAttested(account, policyHash)`.
pub fn is_attested(account: &[u8; 20], policy_hash: &Fr) -> Vec<u8> {
    encode_call("isAttested(address,uint256)", &[Token::address(account), Token::field(policy_hash)])
}

/// The name of the custom error a revert's output carries (e.g. `ProofRejected()`), if it is one
/// of [`ERRORS`].
pub fn revert_reason(output: &[u8]) -> Option<&'static str> {
    let head: [u8; 4] = output.get(..4)?.try_into().ok()?;
    ERRORS.into_iter().find(|signature| selector(signature) == head)
}
