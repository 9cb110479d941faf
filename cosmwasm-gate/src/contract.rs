//! The gate's entry points.

use crate::error::ContractError;
use crate::msg::{ExecuteMsg, InstantiateMsg, QueryMsg};
use crate::state::{self, Config, Policy, Record};
use cosmwasm_std::{entry_point, to_json_binary, Binary, Deps, DepsMut, Env, HexBinary, MessageInfo, Response, StdResult};
use sha3::{Digest, Keccak256};
use solvent_statement::Window;

/// Sets the owner (the sender) and the largest accepted snapshot age.
#[entry_point]
pub fn instantiate(deps: DepsMut, _env: Env, info: MessageInfo, msg: InstantiateMsg) -> Result<Response, ContractError> {
    state::save_config(deps.storage, &Config { owner: info.sender, max_snapshot_age: msg.max_snapshot_age })?;
    Ok(Response::new().add_attribute("max_snapshot_age", msg.max_snapshot_age.to_string()))
}

/// The policy id of a commitment: Keccak-256 of its words (as `SolvencyGate.policyId`).
pub fn policy_id(commitment: &[u8]) -> [u8; 32] {
    Keccak256::digest(commitment).into()
}

/// A commitment's bytes: one 64-byte point per lane, at least one.
fn commitment_bytes(commitment: &[HexBinary]) -> Result<Vec<u8>, ContractError> {
    if commitment.is_empty() || commitment.iter().any(|lane| lane.len() != 64) {
        return Err(ContractError::BadCommitment(format!("{} lanes; each must be 64 bytes (x || y)", commitment.len())));
    }
    Ok(commitment.iter().flat_map(|lane| lane.to_vec()).collect())
}

fn only_owner(deps: &DepsMut, info: &MessageInfo) -> Result<(), ContractError> {
    let config = state::config(deps.storage)?;
    if info.sender != config.owner {
        return Err(ContractError::NotOwner(info.sender.to_string()));
    }
    Ok(())
}

/// The gate's transactions.
#[entry_point]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::AcceptPolicy { commitment, effective_at, expires_at, shape } => {
            only_owner(&deps, &info)?;
            if effective_at == 0 || effective_at >= expires_at {
                return Err(ContractError::BadWindow(effective_at, expires_at));
            }
            let commitment = commitment_bytes(&commitment)?;
            let id = policy_id(&commitment);
            state::save_policy(deps.storage, &id, &Policy { effective_at, expires_at, shape, commitment })?;
            Ok(Response::new()
                .add_attribute("action", "accept_policy")
                .add_attribute("policy_id", HexBinary::from(id.as_slice()).to_hex())
                .set_data(id.as_slice()))
        }
        ExecuteMsg::RevokePolicy { policy_id } => {
            only_owner(&deps, &info)?;
            state::remove_policy(deps.storage, &policy_id);
            Ok(Response::new().add_attribute("action", "revoke_policy"))
        }
        ExecuteMsg::SetVerifier { shape, key } => {
            only_owner(&deps, &info)?;
            solvent_verifier_wasm::key::VerifierKey::from_bytes(&key).map_err(|_| ContractError::BadVerifierKey)?;
            state::save_verifier(deps.storage, &shape, &key);
            Ok(Response::new().add_attribute("action", "set_verifier"))
        }
        ExecuteMsg::SetMaxSnapshotAge { seconds } => {
            only_owner(&deps, &info)?;
            let mut config = state::config(deps.storage)?;
            config.max_snapshot_age = seconds;
            state::save_config(deps.storage, &config)?;
            Ok(Response::new().add_attribute("action", "set_max_snapshot_age"))
        }
        ExecuteMsg::Attest { policy_id, portfolio_commitment, snapshot_time, proof } => {
            attest(deps, env, info, &policy_id, &portfolio_commitment, snapshot_time, &proof)
        }
    }
}

/// `SolvencyGate.attest`'s checks, in its order (the time rules are `solvent-statement`'s
/// `gate_rules`), then the proof against the registered commitment.
fn attest(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    id: &[u8],
    portfolio_commitment: &[u8],
    snapshot_time: u64,
    proof: &Binary,
) -> Result<Response, ContractError> {
    let account = deps.api.addr_canonicalize(info.sender.as_str())?;
    if account.len() != 20 {
        return Err(ContractError::NotTheAccount(account.len()));
    }
    let commitment_word: [u8; 32] = portfolio_commitment.try_into().map_err(|_| ContractError::NotAFieldElement)?;
    if solvent_verifier_wasm::arith::fr_from_be(&commitment_word).is_none() {
        return Err(ContractError::NotAFieldElement);
    }
    let policy = state::policy(deps.storage, id)?.ok_or_else(|| ContractError::UnknownPolicy(HexBinary::from(id).to_hex()))?;
    let max_age = state::config(deps.storage)?.max_snapshot_age;
    let window = Window { effective_at: policy.effective_at, expires_at: policy.expires_at };
    solvent_statement::gate_rules(env.block.time.seconds(), snapshot_time, window, max_age).map_err(ContractError::from)?;
    let key = state::verifier(deps.storage, &policy.shape).ok_or(ContractError::NoVerifier)?;
    // The public inputs: the portfolio commitment, the account, the snapshot time (32-byte words).
    let mut inputs = Vec::with_capacity(96);
    inputs.extend_from_slice(&commitment_word);
    inputs.extend_from_slice(&[0u8; 12]);
    inputs.extend_from_slice(account.as_slice());
    inputs.extend_from_slice(&[0u8; 24]);
    inputs.extend_from_slice(&snapshot_time.to_be_bytes());
    solvent_verifier_wasm::verify_bytes(&key, &policy.commitment, &inputs, proof)
        .map_err(|e| ContractError::ProofRejected(format!("{e:?}")))?;
    state::save_record(deps.storage, account.as_slice(), id, &Record { portfolio_commitment: commitment_word.to_vec(), snapshot_time })?;
    Ok(Response::new().add_attribute("action", "attest").add_attribute("account", info.sender.as_str()))
}

/// The gate's queries.
#[entry_point]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> StdResult<Binary> {
    match msg {
        QueryMsg::IsAttested { account, policy_id } => to_json_binary(&is_attested(deps, &env, &account, &policy_id)?),
        QueryMsg::PolicyId { commitment } => {
            let bytes = commitment_bytes(&commitment).map_err(|e| cosmwasm_std::StdError::msg(e.to_string()))?;
            to_json_binary(&HexBinary::from(policy_id(&bytes).as_slice()))
        }
    }
}

/// As `SolvencyGate.isAttested`: a record exists, the policy is registered, and the record still
/// counts (`solvent-statement`'s `counts_now`: not expired, inside the window, at most the largest
/// age old).
fn is_attested(deps: Deps, env: &Env, account: &str, id: &[u8]) -> StdResult<bool> {
    let account = deps.api.addr_canonicalize(account)?;
    let Some(record) = state::record(deps.storage, account.as_slice(), id)? else { return Ok(false) };
    let Some(policy) = state::policy(deps.storage, id)? else { return Ok(false) };
    let window = Window { effective_at: policy.effective_at, expires_at: policy.expires_at };
    Ok(solvent_statement::counts_now(env.block.time.seconds(), record.snapshot_time, window, state::config(deps.storage)?.max_snapshot_age))
}
