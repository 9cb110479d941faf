//! The robustness suite: mutated valid files through every parser and through `verify`, and the
//! tamper campaign (every byte of a real proof, every field of a real attestation).
//!
//! The fuzz cases are proptest strategies over the project's valid files: byte edits (replace,
//! delete, insert, duplicate) and JSON edits (a value of another type or size, a removed, added or
//! duplicated key). Nothing may panic, and no mutated attestation may verify VALID unless it says
//! exactly what the original says. CI runs `ROBUSTNESS_CASES` (default 64) cases per file kind;
//! `scripts/fuzz.sh` runs many more.

use crate::common;
use solvent_verifier::AttestationFile;

use proptest::prelude::*;
use solvent_model::{evaluate, policy::Policy, Portfolio};
use solvent_prover::{
    keys::KeyStore,
    opening::Opening,
    verification::{open_attestation, verify_attestation, TrustedSrs},
};
use solvent_verifier::{Attestation, Checks};
use std::sync::OnceLock;

/// A proven attestation of the demo with its opening, and a key cache that holds its keys.
struct Fixture {
    policy: Policy,
    attestation: String,
    opening: String,
    store: KeyStore,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let (witness, keys, _srs, proof) = common::demo_proof_with(solvent_params::dev_srs);
        let attestation = solvent_prover::prove::attestation(&witness, &keys, &proof);
        let opening =
            Opening::new(&witness.policy, &witness.portfolio, witness.snapshot_time, &witness.salt, attestation.policy.id.clone());
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::new(dir.path().to_path_buf());
        let checks = checks();
        let verified = verify_attestation(&attestation, &witness.policy, &checks, &TrustedSrs::Development, &store).unwrap();
        assert_eq!(verified.verdict, Ok(()), "the fixture verifies");
        Fixture { policy: witness.policy, attestation: attestation.to_json(), opening: opening.to_json(), store, _dir: dir }
    })
}

fn checks() -> Checks {
    Checks { account: None, now: solvent_prover::demo::SNAPSHOT_TIME, allow_insecure_srs: true, max_age: None }
}

fn cases() -> u32 {
    std::env::var("ROBUSTNESS_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64)
}

/// An edit of a file's text.
#[derive(Clone, Debug)]
enum Edit {
    /// Replace the byte at a fraction of the length.
    Replace(f64, u8),
    /// Delete `len` bytes from a fraction of the length.
    Delete(f64, usize),
    /// Insert bytes at a fraction of the length.
    Insert(f64, Vec<u8>),
    /// Duplicate `len` bytes at a fraction of the length.
    Duplicate(f64, usize),
    /// Replace the JSON value at the n-th leaf or object (in document order) with another.
    Value(usize, Replacement),
    /// Remove the n-th object key.
    RemoveKey(usize),
    /// Add an unknown key to the n-th object.
    AddKey(usize),
}

#[derive(Clone, Debug)]
enum Replacement {
    Null,
    Bool,
    Number(i64),
    Huge,
    Float,
    Text(String),
    LongText,
    EmptyArray,
    Array,
    Object,
    /// The original string with its case flipped, a character appended, or `0x` prepended.
    Tweak(u8),
}

fn edits() -> impl Strategy<Value = Edit> {
    let replacement = prop_oneof![
        Just(Replacement::Null),
        Just(Replacement::Bool),
        any::<i64>().prop_map(Replacement::Number),
        Just(Replacement::Huge),
        Just(Replacement::Float),
        "[ -~]{0,12}".prop_map(Replacement::Text),
        Just(Replacement::LongText),
        Just(Replacement::EmptyArray),
        Just(Replacement::Array),
        Just(Replacement::Object),
        (0u8..3).prop_map(Replacement::Tweak),
    ];
    prop_oneof![
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        (0.0..1.0f64, 1usize..40).prop_map(|(at, n)| Edit::Delete(at, n)),
        (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..8)).prop_map(|(at, b)| Edit::Insert(at, b)),
        (0.0..1.0f64, 1usize..60).prop_map(|(at, n)| Edit::Duplicate(at, n)),
        (0usize..400, replacement).prop_map(|(n, r)| Edit::Value(n, r)),
        (0usize..100).prop_map(Edit::RemoveKey),
        (0usize..100).prop_map(Edit::AddKey),
    ]
}

fn replacement_value(r: &Replacement, original: &serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    match r {
        Replacement::Null => json!(null),
        Replacement::Bool => json!(true),
        Replacement::Number(n) => json!(n),
        Replacement::Huge => serde_json::from_str("18446744073709551616").unwrap_or(json!(u64::MAX)),
        Replacement::Float => json!(1.5e300),
        Replacement::Text(t) => json!(t),
        Replacement::LongText => json!("9".repeat(100_000)),
        Replacement::EmptyArray => json!([]),
        Replacement::Array => json!([original.clone()]),
        Replacement::Object => json!({ "value": original.clone() }),
        Replacement::Tweak(kind) => match original.as_str() {
            Some(s) => match kind {
                0 if s.chars().any(|c| c.is_ascii_lowercase()) => json!(s.to_uppercase()),
                0 => json!(s.to_lowercase()),
                1 => json!(format!("{s}0")),
                _ => json!(format!("0x{s}")),
            },
            None => original.clone(),
        },
    }
}

/// The n-th node (leaves and containers, document order) of a value, mutably.
fn nth_node(value: &mut serde_json::Value, n: &mut usize, visit: &mut dyn FnMut(&mut serde_json::Value)) -> bool {
    if *n == 0 {
        visit(value);
        return true;
    }
    *n -= 1;
    match value {
        serde_json::Value::Array(items) => items.iter_mut().any(|v| nth_node(v, n, visit)),
        serde_json::Value::Object(map) => map.values_mut().any(|v| nth_node(v, n, visit)),
        _ => false,
    }
}

/// The n-th object (document order), mutably.
fn nth_object(
    value: &mut serde_json::Value,
    n: &mut usize,
    visit: &mut dyn FnMut(&mut serde_json::Map<String, serde_json::Value>),
) -> bool {
    if let serde_json::Value::Object(map) = value {
        if *n == 0 {
            visit(map);
            return true;
        }
        *n -= 1;
    }
    match value {
        serde_json::Value::Array(items) => items.iter_mut().any(|v| nth_object(v, n, visit)),
        serde_json::Value::Object(map) => map.values_mut().any(|v| nth_object(v, n, visit)),
        _ => false,
    }
}

fn apply(text: &str, edit: &Edit) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len.saturating_sub(1));
    match edit {
        Edit::Replace(f, b) => {
            let i = at(*f, bytes.len());
            bytes[i] = *b;
        }
        Edit::Delete(f, n) => {
            let i = at(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Edit::Insert(f, new) => {
            let i = at(*f, bytes.len());
            bytes.splice(i..i, new.iter().copied());
        }
        Edit::Duplicate(f, n) => {
            let i = at(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            let copy = bytes[i..end].to_vec();
            bytes.splice(end..end, copy);
        }
        Edit::Value(n, r) => {
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
            let mut n = *n;
            nth_node(&mut value, &mut n, &mut |v| *v = replacement_value(r, v));
            bytes = value.to_string().into_bytes();
        }
        Edit::RemoveKey(n) => {
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
            let mut n = *n;
            nth_object(&mut value, &mut n, &mut |m| {
                if let Some(key) = m.keys().next().cloned() {
                    m.remove(&key);
                }
            });
            bytes = value.to_string().into_bytes();
        }
        Edit::AddKey(n) => {
            let mut value: serde_json::Value = serde_json::from_str(text).unwrap();
            let mut n = *n;
            nth_object(&mut value, &mut n, &mut |m| {
                m.insert("extra".into(), serde_json::json!("1"));
            });
            bytes = value.to_string().into_bytes();
        }
    }
    bytes
}

/// What an attestation says, with every hex value as a number: equal for two spellings of one
/// attestation.
fn meaning(a: &Attestation) -> Option<String> {
    let inputs = a.public_inputs().ok()?;
    Some(format!(
        "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {}",
        a.schema,
        a.declared_values().ok()?.policy_id,
        inputs.to_array(),
        a.circuit,
        a.declared_values().ok()?.vk_hash,
        a.declared_values().ok()?.srs_identity,
        a.srs.insecure,
        a.proof_bytes().ok()?,
        a.transcript,
        a.policy.name
    ))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_policies_and_portfolios_never_panic(edit in edits(), portfolio_edit in edits()) {
        let f = fixture();
        if let Ok(text) = String::from_utf8(apply(solvent_prover::demo::POLICY, &edit)) {
            if let Ok(policy) = Policy::from_json(&text) {
                if let Ok((portfolio, _)) = Portfolio::from_json(solvent_prover::demo::PORTFOLIO, &policy) {
                    evaluate(&policy, &portfolio, 0);
                }
            }
        }
        if let Ok(text) = String::from_utf8(apply(solvent_prover::demo::PORTFOLIO, &portfolio_edit)) {
            if let Ok((portfolio, _)) = Portfolio::from_json(&text, &f.policy) {
                evaluate(&f.policy, &portfolio, 0);
            }
        }
    }

    #[test]
    fn no_mutated_attestation_verifies_unless_it_says_the_same(edit in edits()) {
        let f = fixture();
        let original = Attestation::from_json(&f.attestation).unwrap();
        let Ok(text) = String::from_utf8(apply(&f.attestation, &edit)) else { return Ok(()) };
        let Ok(mutated) = Attestation::from_json(&text) else { return Ok(()) };
        let verdict = verify_attestation(&mutated, &f.policy, &checks(), &TrustedSrs::Development, &f.store).unwrap().verdict;
        if verdict == Ok(()) {
            prop_assert_eq!(meaning(&mutated), meaning(&original), "a changed attestation verified");
        }
    }

    #[test]
    fn no_mutated_opening_opens_unless_it_says_the_same(edit in edits()) {
        let f = fixture();
        let attestation = Attestation::from_json(&f.attestation).unwrap();
        let original = Opening::from_json(&f.opening).unwrap();
        let Ok(text) = String::from_utf8(apply(&f.opening, &edit)) else { return Ok(()) };
        let Ok(mutated) = Opening::from_json(&text) else { return Ok(()) };
        let file = std::path::Path::new("opening.json");
        if let Ok(audit) = open_attestation(&attestation, &mutated, &f.policy, &checks(), &TrustedSrs::Development, &f.store, file) {
            if audit.opened.is_some() {
                prop_assert_eq!(mutated.portfolio(&f.policy).ok(), original.portfolio(&f.policy).ok());
                prop_assert_eq!(mutated.salt().ok(), original.salt().ok());
            }
        }
    }
}

#[test]
fn every_byte_of_a_real_proof_flipped_is_rejected() {
    let f = fixture();
    let attestation = Attestation::from_json(&f.attestation).unwrap();
    let proof = attestation.proof_bytes().unwrap();
    let (keys, commitment, _) = solvent_prover::verification::trusted_keys(&f.policy, &TrustedSrs::Development, &f.store).unwrap();
    let inputs = attestation.public_inputs().unwrap();
    let mut accepted = Vec::new();
    for i in 0..proof.len() {
        for mask in [0x01u8, 0x80] {
            let mut tampered = proof.clone();
            tampered[i] ^= mask;
            if solvent_verifier::verify_proof(&keys.key, &commitment, &inputs, &tampered).is_ok() {
                accepted.push((i, mask));
            }
        }
    }
    assert!(accepted.is_empty(), "{} of {} flipped proofs verified: {accepted:?}", accepted.len(), 2 * proof.len());
}

#[test]
fn every_field_of_a_real_attestation_changed_is_rejected() {
    let f = fixture();
    let original: serde_json::Value = serde_json::from_str(&f.attestation).unwrap();
    let mut paths = Vec::new();
    collect_leaves(&original, String::new(), &mut paths);
    let mut outcomes = Vec::new();
    for path in &paths {
        let mut edited = original.clone();
        let leaf = edited.pointer_mut(path).unwrap();
        *leaf = match leaf.clone() {
            serde_json::Value::Bool(b) => (!b).into(),
            serde_json::Value::Number(n) => (n.as_u64().unwrap() + 1).into(),
            serde_json::Value::String(s) => {
                // Change one hex digit (or one letter) in the middle.
                let mut chars: Vec<char> = s.chars().collect();
                let i = chars.len() / 2;
                chars[i] = if chars[i] == '1' { '2' } else { '1' };
                chars.into_iter().collect::<String>().into()
            }
            other => other,
        };
        let verdict = match Attestation::from_json(&edited.to_string()) {
            Err(_) => "refused".to_string(),
            Ok(a) => verify_attestation(&a, &f.policy, &checks(), &TrustedSrs::Development, &f.store).unwrap().label().to_string(),
        };
        outcomes.push((path.clone(), verdict));
    }
    let accepted: Vec<_> = outcomes.iter().filter(|(_, v)| v == "VALID").collect();
    assert!(accepted.is_empty(), "changed fields verified: {accepted:?}");
    assert!(outcomes.len() >= 15, "{outcomes:?}");
}

fn collect_leaves(value: &serde_json::Value, path: String, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => map.iter().for_each(|(k, v)| collect_leaves(v, format!("{path}/{k}"), out)),
        serde_json::Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| collect_leaves(v, format!("{path}/{i}"), out)),
        _ => out.push(path),
    }
}
