//! Verifying an attestation against what the verifier's user trusts (the SRS, the policy), and
//! the statement a valid one establishes; the auditor's check of an opening on top.

use crate::error::Error;
use crate::keys::{KeySource, KeyStore, VerifierKeys};
use crate::opening::Opening;
use crate::srs::{srs_for, SrsSource};
use solvent_circuits::{portfolio_commitment, Dims};
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

pub use solvent_verifier::verify::Statement;
use solvent_verifier::verify::{Outcome, Reason};

/// The outcome of verifying an attestation.
#[derive(Clone, Debug)]
pub struct Verification {
    /// The verdict: valid, or the first broken rule.
    pub verdict: Verdict,
    /// What the proof establishes, when it verified (whatever the time rules said).
    pub statement: Option<Statement>,
    /// Whether keys had to be generated (and cached) for the policy's shape.
    pub keys: KeySource,
}

impl Verification {
    /// The exit status: 0 for VALID, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.verdict.is_err())
    }

    /// The outcome as `--json`, the wasm module and the JavaScript package write it.
    pub fn outcome(&self) -> Outcome {
        Outcome::new(&self.verdict, self.statement.clone())
    }

    /// The verdict's word: `VALID`, `INVALID`, `EXPIRED`, `NOT YET VALID` or `TOO OLD`.
    pub fn label(&self) -> &'static str {
        self.verdict.as_ref().err().map_or("VALID", Reason::verdict)
    }
}

/// The trusted SRS as far as it is needed before any key: a pinned identity, or the file (or
/// development SRS) read and checked.
enum LoadedSrs {
    /// An identity whose keys and commitment are cached.
    Pinned([u8; 32]),
    /// The SRS itself, at the policy's `k`.
    Read(Box<solvent_params::Srs>),
}

impl LoadedSrs {
    fn identity(&self) -> [u8; 32] {
        match self {
            LoadedSrs::Pinned(identity) => *identity,
            LoadedSrs::Read(srs) => VerifierSrs::of(srs).identity(),
        }
    }
}

fn load_trusted_srs(policy: &Policy, srs: &TrustedSrs, store: &KeyStore) -> Result<LoadedSrs, Error> {
    let source = match srs {
        TrustedSrs::Identity(identity) => return Ok(LoadedSrs::Pinned(*identity)),
        TrustedSrs::File(path) => SrsSource::File(path.clone()),
        TrustedSrs::Development => SrsSource::Development,
    };
    Ok(LoadedSrs::Read(Box::new(srs_for(&source, Dims::for_shape(policy.shape()).k, &store.dir)?)))
}

/// The verifier's keys and the policy's commitment under the trusted SRS: cached, or made from
/// the SRS file (then cached). Nothing here depends on the attestation.
pub fn trusted_keys(policy: &Policy, srs: &TrustedSrs, store: &KeyStore) -> Result<(VerifierKeys, PolicyCommitment, KeySource), Error> {
    keys_under(policy, &load_trusted_srs(policy, srs, store)?, store)
}

fn keys_under(policy: &Policy, srs: &LoadedSrs, store: &KeyStore) -> Result<(VerifierKeys, PolicyCommitment, KeySource), Error> {
    let shape = policy.shape();
    let srs = match srs {
        LoadedSrs::Pinned(identity) => {
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
        LoadedSrs::Read(srs) => srs,
    };
    let identity = VerifierSrs::of(srs).identity();
    let (keys, made) = match store.load_verifier(shape, &identity) {
        Some(keys) => (keys, KeySource::Cached),
        None => {
            let (keys, made) = store.load_or_generate(shape, srs)?;
            (keys.verifier(), made)
        }
    };
    let commitment = store.commitment(policy, srs)?;
    Ok((keys, commitment, made))
}

/// Verifies `attestation` against `policy` under the trusted SRS: the statement checks first (no
/// SRS is read and no key is made for a shape, `k` or version the policy does not imply), then
/// the SRS it declares against the trusted one (no key is made for another ceremony's file),
/// then the keys and the commitment of the policy, then the proof.
pub fn verify_attestation(
    attestation: &Attestation,
    policy: &Policy,
    checks: &Checks,
    srs: &TrustedSrs,
    store: &KeyStore,
) -> Result<Verification, Error> {
    if let Err(reason) = check_statement(attestation, policy, checks) {
        return Ok(Verification { verdict: Err(reason), statement: None, keys: KeySource::Cached });
    }
    let loaded = load_trusted_srs(policy, srs, store)?;
    let declared = solvent_verifier::AttestationFile::declared_values(attestation)
        .map_err(|e| Error::input(std::path::Path::new("attestation"), e))?
        .srs_identity;
    if declared != loaded.identity() {
        let verdict = Err(Reason::SrsMismatch { declared, trusted: loaded.identity() });
        return Ok(Verification { verdict, statement: None, keys: KeySource::Cached });
    }
    let (keys, commitment, made) = keys_under(policy, &loaded, store)?;
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
    let (verdict, statement) = verify(attestation, &trusted, checks);
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
    let mismatch = if solvent_verifier::attestation::hex32("policy_id", &opening.policy_id).map(|id| encode_hex(&id)).ok().as_ref()
        != Some(&statement.policy.id)
    {
        Some(format!("the opening is for policy id {}, the attestation for {}", opening.policy_id, statement.policy.id))
    } else if opening.snapshot_time != statement.snapshot_time {
        Some(format!("the opening is for snapshot time {}, the attestation for {}", opening.snapshot_time, statement.snapshot_time))
    } else if portfolio.account
        != solvent_model::portfolio::parse_account("account", &statement.account).map_err(|e| Error::input(opening_file, e))?
    {
        Some(format!("the opening's account is not the attested account {}", statement.account))
    } else {
        let committed = portfolio_commitment(policy.shape(), &portfolio, opening.snapshot_time, &salt);
        let attested = solvent_verifier::AttestationFile::public_inputs(attestation)
            .map_err(|e| Error::input(std::path::Path::new("attestation"), e))?;
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
