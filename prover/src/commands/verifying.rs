//! `solvent verify` and the auditor's `solvent open`.

use super::{emit, key_store, load_attestation, load_policy, now, report_keys, TrustOptions};
use crate::console::step;
use crate::keys::KeySource;
use crate::opening::{Opening, MAX_OPENING_BYTES};
use crate::report;
use crate::verification::{open_attestation, verify_attestation, TrustedSrs, Verification};
use crate::Error;
use solvent_model::{policy::Policy, portfolio::parse_account};
use solvent_verifier::{attestation::hex32, Attestation, Checks};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `solvent verify`.
#[derive(clap::Args, Clone, Debug)]
pub struct VerifyOptions {
    /// The attestation to verify.
    #[arg(long, value_name = "FILE")]
    pub attestation: PathBuf,
    /// The policy you accept (its commitment under your SRS is what the proof is checked against).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The account the attestation must be bound to (0x and 40 hex digits).
    #[arg(long, value_name = "0xADDRESS")]
    pub account: Option<String>,
    /// Print one JSON object (errors too).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub trust: TrustOptions,
}

/// The SRS the verifier's user trusts (never the attestation's): `--srs FILE`, a pinned
/// `--srs-identity`, or with `--allow-insecure-srs` and neither, the development SRS.
pub(super) fn trusted_srs(trust: &TrustOptions) -> Result<TrustedSrs, Error> {
    match (&trust.srs, &trust.srs_identity, trust.allow_insecure_srs) {
        (Some(path), _, _) => Ok(TrustedSrs::File(path.clone())),
        (None, Some(text), _) => Ok(TrustedSrs::Identity(hex32("--srs-identity", text).map_err(|e| Error::argument("--srs-identity", e.message))?)),
        (None, None, true) => Ok(TrustedSrs::Development),
        (None, None, false) => Err(Error::argument(
            "--srs",
            "name the SRS you trust: --srs FILE (the ceremony file the protocol publishes) or --srs-identity 0x..; only --allow-insecure-srs falls back to the development SRS",
        )),
    }
}

fn checks(trust: &TrustOptions, account: Option<[u8; 20]>) -> Checks {
    let max_age = if trust.any_age { None } else { Some(trust.max_age.unwrap_or(solvent_statement::DEFAULT_MAX_SNAPSHOT_AGE)) };
    Checks { account, now: trust.now.unwrap_or_else(now), allow_insecure_srs: trust.allow_insecure_srs, max_age }
}

/// Verifies an attestation against a policy under the SRS the user trusts; exit 0 VALID, 1
/// INVALID, EXPIRED, NOT YET VALID or TOO OLD. Prints the statement it establishes.
pub fn verify(options: &VerifyOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let attestation = load_attestation(&options.attestation)?;
    let policy = load_policy(&options.policy)?;
    let account = match &options.account {
        Some(text) => Some(parse_account("--account", text).map_err(|e| Error::input(Path::new("arguments"), e))?),
        None => None,
    };
    let checks = checks(&options.trust, account);
    let srs = match trusted_srs(&options.trust) {
        Ok(srs) => srs,
        Err(e) => return refused_statement(&attestation, &policy, &checks, options.json, out)?.ok_or(e),
    };
    let store = key_store(&options.trust.keys);
    let v = step("verifying", || verify_attestation(&attestation, &policy, &checks, &srs, &store))?;
    report_keys(&v.keys, &store.dir);
    emit(out, &if options.json { json_line(&v) } else { verification_text(&v) })?;
    Ok(v.exit_code())
}

/// `solvent open`.
#[derive(clap::Args, Clone, Debug)]
pub struct OpenOptions {
    /// The attestation to audit.
    #[arg(long, value_name = "FILE")]
    pub attestation: PathBuf,
    /// The private opening the prover gave you (portfolio and salt).
    #[arg(long, value_name = "FILE")]
    pub opening: PathBuf,
    /// The policy the attestation claims to meet.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Print one JSON object (errors too).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub trust: TrustOptions,
}

/// The auditor's check: the attestation verifies under the SRS the user trusts, and the opening
/// opens its portfolio commitment exactly; prints the statement, the holdings and the figures.
/// Exit 0 when both hold, 1 when one does not.
pub fn open(options: &OpenOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let attestation = load_attestation(&options.attestation)?;
    let text = super::read_kind(&options.opening, MAX_OPENING_BYTES, "opening", "--opening")?;
    let opening = Opening::from_json(&text).map_err(|e| Error::input(&options.opening, e))?;
    let policy = load_policy(&options.policy)?;
    let checks = checks(&options.trust, None);
    let srs = match trusted_srs(&options.trust) {
        Ok(srs) => srs,
        Err(e) => return refused_statement(&attestation, &policy, &checks, options.json, out)?.ok_or(e),
    };
    let store = key_store(&options.trust.keys);
    let audit =
        step("verifying and opening", || open_attestation(&attestation, &opening, &policy, &checks, &srs, &store, &options.opening))?;
    if options.json {
        emit(out, &format!("{}\n", crate::report::verdict::audit_json(&audit, &policy)))?;
        return Ok(audit.exit_code());
    }
    let mut text = verification_text(&audit.verification);
    match (&audit.opened, &audit.mismatch) {
        (Some((portfolio, figures)), _) => {
            text.push_str("the opening matches the attestation's portfolio commitment; the committed portfolio:\n");
            text.push_str(&crate::report::verdict::holdings(&policy, portfolio));
            text.push_str(&report::human(&policy, portfolio, figures));
        }
        (None, Some(reason)) => text.push_str(&format!("DOES NOT MATCH: {reason}\n")),
        (None, None) => text.push_str("the opening was not checked: the attestation does not verify\n"),
    }
    emit(out, &text)?;
    Ok(audit.exit_code())
}

/// Without a trusted SRS named, an attestation whose statement already fails (for one, made
/// with the development SRS when that is not allowed) still gets its INVALID verdict (exit 1);
/// `None` when the statement holds, so the missing SRS is the error.
fn refused_statement(a: &Attestation, p: &Policy, checks: &Checks, json: bool, out: &mut dyn Write) -> Result<Option<i32>, Error> {
    let Err(reason) = solvent_verifier::check_statement(a, p, checks) else { return Ok(None) };
    let v = Verification { verdict: Err(reason), statement: None, keys: KeySource::Cached };
    emit(out, &if json { json_line(&v) } else { verification_text(&v) })?;
    Ok(Some(v.exit_code()))
}

/// The verdict, its reason, and the statement, in words.
pub(super) fn verification_text(v: &Verification) -> String {
    let mut text = match &v.verdict {
        Ok(()) => format!("{}\n", v.label()),
        Err(reason) => format!("{}: {reason}\n", v.label()),
    };
    if let Some(statement) = &v.statement {
        text.push_str(&crate::report::verdict::statement_text(statement));
    }
    text
}

/// The outcome as one line of JSON (`--json`).
fn json_line(v: &Verification) -> String {
    format!("{}\n", serde_json::to_string(&v.outcome()).expect("serialisable"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_largest_age_is_the_gates_and_any_age_lifts_it() {
        let trust = TrustOptions { now: Some(1), ..TrustOptions::default() };
        assert_eq!(checks(&trust, None).max_age, Some(solvent_statement::DEFAULT_MAX_SNAPSHOT_AGE));
        assert_eq!(checks(&TrustOptions { max_age: Some(10), ..trust.clone() }, None).max_age, Some(10));
        assert_eq!(checks(&TrustOptions { any_age: true, ..trust }, None).max_age, None);
    }
}
