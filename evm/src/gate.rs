//! The `SolvencyGate` contract (`contracts/SolvencyGate.sol`): its source and calldata for its
//! functions.

use crate::abi::{commitment_words, encode, encode_call, selector, Token};
use solvent_circuits::Shape;
use solvent_model::error::InputError;
use solvent_verifier::{attestation::Attestation, commitment::PolicyCommitment};

/// The contract's source.
pub const SOURCE: &str = include_str!("../../contracts/SolvencyGate.sol");

/// The contract's name.
pub const CONTRACT: &str = "SolvencyGate";

/// The signature of `attest`.
pub const ATTEST: &str = "attest(bytes32,uint256,address,uint64,bytes)";

/// The signature of `acceptPolicy`.
pub const ACCEPT_POLICY: &str = "acceptPolicy(uint256[],uint64,uint64,uint32,uint32,uint32,uint32)";

/// The contract's custom errors, by signature.
pub const ERRORS: [&str; 13] = [
    "NotOwner(address)",
    "BadWindow(uint64,uint64)",
    "BadCommitment(uint256)",
    "UnknownPolicy(bytes32)",
    "PolicyExpired(bytes32,uint64)",
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

/// `acceptPolicy`: registers a policy commitment with its `[effective_at, expires_at)` window and
/// shape.
pub fn accept_policy(policy: &PolicyCommitment, effective_at: u64, expires_at: u64, shape: Shape) -> Vec<u8> {
    let mut tokens = vec![Token::Words(commitment_words(policy)), Token::uint(effective_at), Token::uint(expires_at)];
    tokens.extend(shape_tokens(shape));
    encode_call(ACCEPT_POLICY, &tokens)
}

/// `revokePolicy`.
pub fn revoke_policy(policy_id: &[u8; 32]) -> Vec<u8> {
    encode_call("revokePolicy(bytes32)", &[Token::Word(*policy_id)])
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

/// `attest` with an attestation's policy id, public inputs and proof (to be sent by its account).
pub fn attest(attestation: &Attestation) -> Result<Vec<u8>, InputError> {
    let inputs = attestation.public_inputs()?;
    let account = solvent_model::portfolio::parse_account("public_inputs.account", &attestation.public_inputs.account)?;
    Ok(encode_call(
        ATTEST,
        &[
            Token::Word(attestation.policy_id()?),
            Token::field(&inputs.portfolio_commitment),
            Token::address(&account),
            Token::uint(attestation.public_inputs.snapshot_time),
            Token::Bytes(attestation.proof_bytes()?),
        ],
    ))
}

/// `isAttested(account, policyId)`.
pub fn is_attested(account: &[u8; 20], policy_id: &[u8; 32]) -> Vec<u8> {
    encode_call("isAttested(address,bytes32)", &[Token::address(account), Token::Word(*policy_id)])
}

/// The name of the custom error a revert's output carries (e.g. `ProofRejected()`), if it is one
/// of [`ERRORS`].
pub fn revert_reason(output: &[u8]) -> Option<&'static str> {
    let head: [u8; 4] = output.get(..4)?.try_into().ok()?;
    ERRORS.into_iter().find(|signature| selector(signature) == head)
}
