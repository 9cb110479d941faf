//! Verifying an attestation against what the verifier's user trusts (the SRS, the policy), and
//! the statement a valid one establishes; the auditor's check of an opening on top.

use crate::error::Error;
use crate::keys::{KeySource, KeyStore, VerifierKeys};
use crate::opening::{portfolio_document, Opening};
use crate::srs::{srs_for, SrsSource};
use solvent_circuits::{portfolio_commitment, Dims, Shape};
use solvent_model::{evaluate, policy::Policy, risk::RiskReport, Portfolio};
use solvent_params::VerifierSrs;
use solvent_verifier::{
    attestation::encode_hex, check_statement, commitment::PolicyCommitment, verify, Attestation, Checks, Trusted, Verdict,
};
use std::path::PathBuf;

/// The SRS a verifier trusts: chosen by its user, never by the attestation.
#[derive(Clone, Debug)]
pub enum TrustedSrs {
    /// A ceremony file (checked on load).
    File(PathBuf),
    /// An SRS identity the user pins: the keys and the policy commitment must already be cached
    /// under it (made once from the ceremony file of that identity: `keygen` and
    /// `policy-commitment` with `--srs`).
    Identity([u8; 32]),
    /// The public development SRS: insecure, for tests and demos.
    Development,
}

/// What a valid attestation establishes: under the policy (its name, id and commitment), for the
/// account, at the snapshot time, the portfolio committed to meets both claims; checked with the
/// verifying key and SRS named here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The policy's name (its `id` field).
    pub policy_name: String,
    /// The policy id (Keccak-256 of the commitment's points).
    pub policy_id: [u8; 32],
    /// The policy commitment's points, `0x` x then y, per public column.
    pub commitment: Vec<String>,
    /// The portfolio commitment.
    pub portfolio_commitment: String,
    /// The account, `0x` and 40 hex digits.
    pub account: String,
    /// The snapshot time, unix seconds.
    pub snapshot_time: u64,
    /// The circuit's shape.
    pub shape: Shape,
    /// The circuit's dimensions.
    pub dims: Dims,
    /// SHA-256 of the verifying key.
    pub vk_hash: [u8; 32],
    /// The trusted SRS's identity.
    pub srs_identity: [u8; 32],
    /// Whether that is the insecure development SRS.
    pub srs_insecure: bool,
}

/// Unix seconds as an RFC 3339 time in UTC (`2026-11-24T16:00:00Z`).
pub fn utc(seconds: u64) -> String {
    i64::try_from(seconds)
        .ok()
        .and_then(|s| time::OffsetDateTime::from_unix_timestamp(s).ok())
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| "out of range".into())
}

impl Statement {
    /// As one JSON object.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "policy": { "name": self.policy_name, "id": encode_hex(&self.policy_id), "commitment": self.commitment },
            "portfolio_commitment": self.portfolio_commitment,
            "account": self.account,
            "snapshot_time": self.snapshot_time,
            "snapshot_time_utc": utc(self.snapshot_time),
            "circuit": { "shape": self.shape.to_string(), "k": self.dims.k, "lanes": self.dims.lanes },
            "vk_hash": encode_hex(&self.vk_hash),
            "srs": { "identity": encode_hex(&self.srs_identity), "insecure": self.srs_insecure },
        })
    }

    /// In words, one fact per line.
    pub fn human(&self) -> String {
        let insecure = if self.srs_insecure { " (INSECURE development SRS)" } else { "" };
        format!(
            "policy        `{}` id {}\n\
             account       {}\n\
             snapshot      {} ({} unix seconds)\n\
             portfolio     commitment {}\n\
             circuit       {}, k = {}, {}\n\
             vk hash       {}\n\
             srs           {}{insecure}\n",
            self.policy_name,
            encode_hex(&self.policy_id),
            self.account,
            utc(self.snapshot_time),
            self.snapshot_time,
            self.portfolio_commitment,
            self.shape,
            self.dims.k,
            crate::console::lanes_text(self.dims.lanes),
            encode_hex(&self.vk_hash),
            encode_hex(&self.srs_identity),
        )
    }
}

/// The outcome of verifying an attestation.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The verdict.
    pub verdict: Verdict,
    /// What the proof establishes, when it verified (whatever the time rules said).
    pub statement: Option<Statement>,
    /// Whether keys had to be generated (and cached) for the policy's shape.
    pub keys: KeySource,
}

impl Verification {
    /// The exit status: 0 for VALID, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.verdict != Verdict::Valid)
    }

    /// As one JSON object: the verdict, its reason, and the statement.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "verdict": self.verdict.label(),
            "reason": self.verdict.reason(),
            "statement": self.statement.as_ref().map(Statement::to_json),
        })
    }
}

/// The verifier's keys and the policy's commitment under the trusted SRS: cached, or made from
/// the SRS file (then cached). Nothing here depends on the attestation.
pub fn trusted_keys(policy: &Policy, srs: &TrustedSrs, store: &KeyStore) -> Result<(VerifierKeys, PolicyCommitment, KeySource), Error> {
    let shape = Shape::of(policy);
    let k = Dims::for_shape(shape).k;
    let source = match srs {
        TrustedSrs::Identity(identity) => {
            let pinned = |what: &str, command: &str| {
                Error::argument(
                    "--srs-identity",
                    format!(
                        "no intact cached {what} for this policy under SRS {}; run `solvent {command}` once with `--srs` naming the ceremony file of that identity",
                        encode_hex(identity)
                    ),
                )
            };
            let keys = store.load_verifier(shape, identity).ok_or_else(|| pinned("keys", "keygen --policy POLICY"))?;
            let commitment = store.load_commitment(policy, identity).ok_or_else(|| pinned("commitment", "policy-commitment POLICY"))?;
            return Ok((keys, commitment, KeySource::Cached));
        }
        TrustedSrs::File(path) => SrsSource::File(path.clone()),
        TrustedSrs::Development => SrsSource::Development,
    };
    let srs = srs_for(&source, k, &store.dir)?;
    let identity = VerifierSrs::of(&srs).identity();
    let (keys, made) = match store.load_verifier(shape, &identity) {
        Some(keys) => (keys, KeySource::Cached),
        None => {
            let (keys, made) = store.load_or_generate(shape, &srs)?;
            (keys.verifier(), made)
        }
    };
    let commitment = store.commitment(policy, &srs)?;
    Ok((keys, commitment, made))
}

/// Verifies `attestation` against `policy` under the trusted SRS: the statement checks first (no
/// SRS is read and no key is made for a shape, `k` or version the policy does not imply), then
/// the keys and the commitment of the policy, then the proof.
pub fn verify_attestation(
    attestation: &Attestation,
    policy: &Policy,
    checks: &Checks,
    srs: &TrustedSrs,
    store: &KeyStore,
) -> Result<Verification, Error> {
    if let Err(verdict) = check_statement(attestation, policy, checks) {
        return Ok(Verification { verdict, statement: None, keys: KeySource::Cached });
    }
    let (keys, commitment, made) = trusted_keys(policy, srs, store)?;
    Ok(verify_with(attestation, policy, checks, &keys, &commitment, made))
}

/// Verifies `attestation` with keys and a commitment the caller already holds for `policy`.
pub fn verify_with(
    attestation: &Attestation,
    policy: &Policy,
    checks: &Checks,
    keys: &VerifierKeys,
    commitment: &PolicyCommitment,
    made: KeySource,
) -> Verification {
    let trusted = Trusted { policy, commitment, key: &keys.key, vk_hash: keys.vk_hash, srs: &keys.srs };
    let verdict = verify(attestation, &trusted, checks);
    let proven = matches!(verdict, Verdict::Valid | Verdict::Expired(_) | Verdict::NotYetValid(_) | Verdict::TooOld(_));
    let statement = proven.then(|| Statement {
        policy_name: policy.id.clone(),
        policy_id: commitment.id(),
        commitment: commitment.to_hex(),
        portfolio_commitment: attestation.public_inputs.portfolio_commitment.to_lowercase(),
        account: attestation.public_inputs.account.to_lowercase(),
        snapshot_time: attestation.public_inputs.snapshot_time,
        shape: Shape::of(policy),
        dims: keys.dims,
        vk_hash: keys.vk_hash,
        srs_identity: keys.srs.identity(),
        srs_insecure: keys.srs.is_dev(),
    });
    Verification { verdict, statement, keys: made }
}

/// What an auditor establishes from an attestation, its opening and the policy.
#[derive(Clone, Debug)]
pub struct Audit {
    /// The attestation's verification.
    pub verification: Verification,
    /// The opened portfolio, when the proof verified and the opening matches its commitment.
    pub opened: Option<(Portfolio, RiskReport)>,
    /// Why the opening does not match, when the proof verified and it does not.
    pub mismatch: Option<String>,
}

impl Audit {
    /// The exit status: 0 when the attestation is VALID and the opening matches, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.verification.exit_code() != 0 || self.opened.is_none())
    }

    /// As one JSON object: the verification, whether the opening matches, the holdings and the
    /// figures.
    pub fn to_json(&self, policy: &Policy) -> serde_json::Value {
        let mut value = self.verification.to_json();
        value["opening_matches"] = serde_json::Value::Bool(self.opened.is_some());
        value["mismatch"] = self.mismatch.clone().into();
        if let Some((portfolio, figures)) = &self.opened {
            value["holdings"] = portfolio_document(policy, portfolio);
            value["figures"] = crate::report::json(policy, portfolio, figures);
        }
        value
    }
}

/// The auditor's check: the attestation verifies (as [`verify_attestation`]), and the opening is
/// of this attestation (policy id, snapshot time) and opens its portfolio commitment exactly (the
/// opening's portfolio is parsed strictly: duplicate keys and values with more than 8
/// fractional digits are refused, as input errors).
pub fn open_attestation(
    attestation: &Attestation,
    opening: &Opening,
    policy: &Policy,
    checks: &Checks,
    srs: &TrustedSrs,
    store: &KeyStore,
    opening_file: &std::path::Path,
) -> Result<Audit, Error> {
    let portfolio = opening.portfolio(policy).map_err(|e| Error::input(opening_file, e))?;
    let salt = opening.salt().map_err(|e| Error::input(opening_file, e))?;
    let verification = verify_attestation(attestation, policy, checks, srs, store)?;
    let Some(statement) = &verification.statement else {
        return Ok(Audit { verification, opened: None, mismatch: None });
    };
    let mismatch = if solvent_verifier::attestation::hex32("policy_id", &opening.policy_id).ok() != Some(statement.policy_id) {
        Some(format!("the opening is for policy id {}, the attestation for {}", opening.policy_id, encode_hex(&statement.policy_id)))
    } else if opening.snapshot_time != statement.snapshot_time {
        Some(format!("the opening is for snapshot time {}, the attestation for {}", opening.snapshot_time, statement.snapshot_time))
    } else if portfolio.account
        != solvent_model::portfolio::parse_account("account", &statement.account).map_err(|e| Error::input(opening_file, e))?
    {
        Some(format!("the opening's account is not the attested account {}", statement.account))
    } else {
        let committed = portfolio_commitment(Shape::of(policy), &portfolio, opening.snapshot_time, &salt);
        let attested = attestation.public_inputs().map_err(|e| Error::input(std::path::Path::new("attestation"), e))?;
        (committed != attested.portfolio_commitment).then(|| {
            format!(
                "the opening commits to {}, the attestation to {}",
                solvent_circuits::encoding::field_to_hex(&committed),
                statement.portfolio_commitment
            )
        })
    };
    let opened = mismatch.is_none().then(|| {
        let figures = evaluate(policy, &portfolio, opening.snapshot_time);
        (portfolio, figures)
    });
    Ok(Audit { verification, opened, mismatch })
}
