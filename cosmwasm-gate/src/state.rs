//! What the gate stores: its configuration, the registered policies, a verifier key per shape,
//! and the latest attestation per account and policy.

use crate::msg::Shape;
use cosmwasm_std::{from_json, to_json_vec, Addr, StdResult, Storage};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// The owner and the largest accepted snapshot age.
#[derive(Serialize, Deserialize)]
pub struct Config {
    pub owner: Addr,
    pub max_snapshot_age: u64,
}

/// A registered policy.
#[derive(Serialize, Deserialize)]
pub struct Policy {
    pub effective_at: u64,
    pub expires_at: u64,
    pub shape: Shape,
    /// The commitment's points, `x || y` per lane.
    pub commitment: Vec<u8>,
}

/// A recorded attestation.
#[derive(Serialize, Deserialize)]
pub struct Record {
    pub portfolio_commitment: Vec<u8>,
    pub snapshot_time: u64,
}

fn key(prefix: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut out = prefix.to_vec();
    for part in parts {
        out.extend_from_slice(&(part.len() as u16).to_be_bytes());
        out.extend_from_slice(part);
    }
    out
}

fn load<T: DeserializeOwned>(storage: &dyn Storage, key: &[u8]) -> StdResult<Option<T>> {
    storage.get(key).map(|bytes| from_json(&bytes)).transpose()
}

fn save<T: Serialize>(storage: &mut dyn Storage, key: &[u8], value: &T) -> StdResult<()> {
    storage.set(key, &to_json_vec(value)?);
    Ok(())
}

pub fn config(storage: &dyn Storage) -> StdResult<Config> {
    load(storage, b"config")?.ok_or_else(|| cosmwasm_std::StdError::msg("not instantiated"))
}

pub fn save_config(storage: &mut dyn Storage, config: &Config) -> StdResult<()> {
    save(storage, b"config", config)
}

pub fn policy(storage: &dyn Storage, id: &[u8]) -> StdResult<Option<Policy>> {
    load(storage, &key(b"policy", &[id]))
}

pub fn save_policy(storage: &mut dyn Storage, id: &[u8], policy: &Policy) -> StdResult<()> {
    save(storage, &key(b"policy", &[id]), policy)
}

pub fn remove_policy(storage: &mut dyn Storage, id: &[u8]) {
    storage.remove(&key(b"policy", &[id]));
}

/// The shape's eight numbers as 32-bit big-endian integers, in `SolvencyGate.shapeKey`'s order
/// (destructured whole: a field added to `Shape` does not compile here until it is keyed).
fn shape_key(shape: &Shape) -> Vec<u8> {
    let Shape { assets, tiers, instruments, scenarios, limits, sources, statement_slots, statement_items } = *shape;
    [assets, tiers, instruments, scenarios, limits, sources, statement_slots, statement_items]
        .iter()
        .flat_map(|n| n.to_be_bytes())
        .collect()
}

pub fn verifier(storage: &dyn Storage, shape: &Shape) -> Option<Vec<u8>> {
    storage.get(&key(b"verifier", &[&shape_key(shape)]))
}

pub fn save_verifier(storage: &mut dyn Storage, shape: &Shape, verifier_key: &[u8]) {
    storage.set(&key(b"verifier", &[&shape_key(shape)]), verifier_key);
}

pub fn record(storage: &dyn Storage, account: &[u8], id: &[u8]) -> StdResult<Option<Record>> {
    load(storage, &key(b"record", &[account, id]))
}

pub fn save_record(storage: &mut dyn Storage, account: &[u8], id: &[u8], record: &Record) -> StdResult<()> {
    save(storage, &key(b"record", &[account, id]), record)
}
