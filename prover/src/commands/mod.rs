//! Each `solvent` command as a library function: it takes the command's options, writes its
//! output to `out` (progress and warnings go to standard error) and returns the exit status.
//! The binary only parses arguments (clap) and calls these; tests call them directly.

mod audit;
mod check;
mod onchain;
mod policy;
mod proving;
mod source;
mod srs;
mod verifying;

pub use audit::{audit_series, AuditSeriesOptions, MAX_REALIZED_BYTES};
pub use check::{check, shape, CheckOptions, ShapeOptions};
pub use onchain::{calldata, export_verifier, policy_commitment, CalldataOptions, CalldataTarget, ExportOptions, PolicyCommitmentOptions};
pub use policy::{policy_build, policy_diff, PolicyBuildOptions, PolicyDiffOptions};
pub use proving::{demo, keygen, prove, DemoOptions, KeygenOptions, ProveOptions};
pub use source::{
    portfolio_from_statements, source_keygen, source_sign, source_verify, PortfolioFromStatementsOptions, SourceKeygenOptions,
    SourceSignOptions, SourceVerifyOptions,
};
pub use srs::{srs_check, srs_dev, srs_downsize, srs_fetch, SrsCheckOptions, SrsDevOptions, SrsDownsizeOptions, SrsFetchOptions};
pub use verifying::{open, verify, OpenOptions, VerifyOptions};

use crate::console::{step, warn};
use crate::files::read_text;
use crate::keys::{default_dir, KeySource, KeyStore};
use crate::srs::{srs_for, SrsSource};
use crate::Error;
use solvent_model::{policy::Policy, Portfolio};
use solvent_verifier::{attestation::MAX_ATTESTATION_BYTES, Attestation, AttestationFile};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The SRS, key cache and threads of a command that makes keys or proofs.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct KeyOptions {
    /// A ceremony SRS file (halo2 raw format; one for a larger k serves too); without it the
    /// INSECURE development SRS is used.
    #[arg(long, value_name = "FILE")]
    pub srs: Option<PathBuf>,
    /// The key cache folder (default: $SOLVENT_KEYS, else ~/.cache/solvent).
    #[arg(long, value_name = "DIR")]
    pub keys: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

/// What a verifier trusts: chosen by its user, never by the attestation.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct TrustOptions {
    /// The ceremony SRS file you trust (halo2 raw format; one for a larger k serves too).
    #[arg(long, value_name = "FILE", conflicts_with = "srs_identity")]
    pub srs: Option<PathBuf>,
    /// Instead of the file: the identity (0x and 64 hex digits) of the SRS you trust, whose keys
    /// and policy commitment are already cached (made once with `keygen` and
    /// `policy-commitment --srs FILE`).
    #[arg(long, value_name = "0xHEX")]
    pub srs_identity: Option<String>,
    /// Accept attestations made with the public development SRS (testing only); without --srs,
    /// verify against it.
    #[arg(long)]
    pub allow_insecure_srs: bool,
    /// The key cache folder (default: $SOLVENT_KEYS, else ~/.cache/solvent).
    #[arg(long, value_name = "DIR")]
    pub keys: Option<PathBuf>,
    /// The verifier's clock, unix seconds (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<u64>,
    /// The largest accepted snapshot age in seconds at the verifier's clock, as SolvencyGate's
    /// maxSnapshotAge (default: 3600, the gate's as exported).
    #[arg(long, value_name = "SECONDS", conflicts_with = "any_age")]
    pub max_age: Option<u64>,
    /// Accept a snapshot of any age inside the policy's window (an auditor reviewing the past).
    #[arg(long)]
    pub any_age: bool,
}

/// Writes `text` to the command's output.
fn emit(out: &mut dyn Write, text: &str) -> Result<(), Error> {
    out.write_all(text.as_bytes()).map_err(|error| Error::Io { file: "standard output".into(), error })
}

/// The kind of solvent file `text` is, from its `schema` field, if it is one.
fn kind_of(text: &str) -> Option<&'static str> {
    #[derive(serde::Deserialize)]
    struct Tagged {
        schema: String,
    }
    let schema = serde_json::from_str::<Tagged>(text).ok()?.schema;
    [
        (solvent_model::policy::POLICY_SCHEMA, "policy"),
        (solvent_model::policy::POLICY_SCHEMA_V2, "policy"),
        (solvent_model::builder::SPEC_SCHEMA, "policy spec"),
        (solvent_model::portfolio::PORTFOLIO_SCHEMA, "portfolio"),
        (crate::opening::OPENING_SCHEMA, "opening"),
        (solvent_verifier::attestation::ATTESTATION_SCHEMA, "attestation"),
    ]
    .into_iter()
    .find(|(tag, _)| schema == *tag)
    .map(|(_, kind)| kind)
}

/// Reads a file that should be a `expected` one; one of another kind (say, a portfolio given as
/// `--policy`) is refused saying which kind it is.
fn read_kind(path: &Path, limit: usize, expected: &str, option: &str) -> Result<String, Error> {
    let text = read_text(path, limit)?;
    match kind_of(&text) {
        Some(kind) if kind != expected => {
            let hint = match (kind, expected) {
                ("policy", "portfolio") | ("portfolio", "policy") => "; were --policy and --portfolio swapped?",
                ("attestation", "opening") | ("opening", "attestation") => "; were --attestation and --opening swapped?",
                _ => "",
            };
            Err(Error::input(
                path,
                solvent_model::InputError::new(
                    "schema",
                    format!("given as {option}, but this is {} {kind} file, not {} {expected}{hint}", article(kind), article(expected)),
                ),
            ))
        }
        _ => Ok(text),
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Loads and validates a policy; prints the validator's warnings.
pub(crate) fn load_policy(path: &Path) -> Result<Policy, Error> {
    let text = read_kind(path, solvent_model::policy::MAX_POLICY_BYTES, "policy", "--policy")?;
    let policy = parse_policy(path, &text)?;
    for w in policy.warnings(now()) {
        warn(format_args!("{}: {}: {}", path.display(), w.field, w.message));
    }
    Ok(policy)
}

/// Parses a policy file's text and checks its sources' keys (where the curve is: the model
/// checks only their form), naming the file and field.
pub(crate) fn parse_policy(path: &Path, text: &str) -> Result<Policy, Error> {
    let policy = Policy::from_json(text).map_err(|e| Error::input(path, e))?;
    solvent_circuits::signed::check_policy_keys(&policy).map_err(|e| Error::input(path, e))?;
    Ok(policy)
}

/// Loads a portfolio under `policy`; prints its warnings (rounded values).
fn load_portfolio(path: &Path, policy: &Policy) -> Result<Portfolio, Error> {
    let text = read_kind(path, solvent_model::portfolio::MAX_PORTFOLIO_BYTES, "portfolio", "--portfolio")?;
    portfolio_from_text(path, &text, policy)
}

fn portfolio_from_text(path: &Path, text: &str, policy: &Policy) -> Result<Portfolio, Error> {
    let (portfolio, warnings) = Portfolio::from_json(text, policy).map_err(|e| Error::input(path, e))?;
    for w in warnings {
        warn(format_args!("{}: {}: {}", path.display(), w.field, w.message));
    }
    Ok(portfolio)
}

fn load_attestation(path: &Path) -> Result<Attestation, Error> {
    let text = read_kind(path, MAX_ATTESTATION_BYTES, "attestation", "--attestation")?;
    Attestation::from_json(&text).map_err(|e| Error::input(path, e))
}

/// The snapshot time a command is asked for: `--time` (refused, exit 2, when it is later than
/// the clock: a time in milliseconds, say), else the clock.
pub(crate) fn requested_time(time: Option<u64>) -> Result<u64, Error> {
    let clock = now();
    match time {
        Some(t) if t > clock => Err(Error::argument(
            "--time",
            format!(
                "{t} ({}) is in the future (now: {clock}, {}); times are unix seconds",
                solvent_statement::utc(t),
                solvent_statement::utc(clock)
            ),
        )),
        Some(t) => Ok(t),
        None => Ok(clock),
    }
}

/// Refuses (exit 2) a snapshot time outside the policy's window `[effective_at, expires_at)`:
/// no attestation can be made for it.
pub(crate) fn check_window(policy: &Policy, snapshot_time: u64) -> Result<(), Error> {
    use solvent_statement::utc;
    if snapshot_time >= policy.effective_at && snapshot_time < policy.expires_at {
        return Ok(());
    }
    Err(Error::input(
        Path::new("--time"),
        solvent_model::InputError::new(
            "snapshot_time",
            format!(
                "{snapshot_time} ({}) is outside the policy's window [{} ({}), {} ({}))",
                utc(snapshot_time),
                policy.effective_at,
                utc(policy.effective_at),
                policy.expires_at,
                utc(policy.expires_at)
            ),
        ),
    ))
}

/// The clock, unix seconds.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn key_store(dir: &Option<PathBuf>) -> KeyStore {
    KeyStore::new(dir.clone().unwrap_or_else(default_dir))
}

fn srs_source(options: &KeyOptions) -> SrsSource {
    match &options.srs {
        Some(path) => SrsSource::File(path.clone()),
        None => {
            warn("no --srs given: using the INSECURE development SRS; attestations made with it prove nothing");
            SrsSource::Development
        }
    }
}

fn set_threads(options: &KeyOptions) {
    if let Some(n) = options.threads {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
}

fn report_keys(source: &KeySource, dir: &Path) {
    match source {
        KeySource::Cached => {}
        KeySource::Generated => crate::console::note(format_args!("keys cached in {}", dir.display())),
        KeySource::Regenerated(reason) => {
            warn(format_args!("the cached keys were damaged ({reason}); generated again into {}", dir.display()))
        }
    }
}

/// The SRS for computing a policy's commitment: `--srs FILE`, or the development SRS when
/// insecure proofs are allowed and no file is given.
fn srs_for_policy(policy: &Policy, options: &KeyOptions, allow_insecure: bool) -> Result<solvent_params::Srs, Error> {
    let k = solvent_circuits::Dims::for_shape(policy.shape()).k;
    let source = match (&options.srs, allow_insecure) {
        (Some(path), _) => SrsSource::File(path.clone()),
        (None, true) => SrsSource::Development,
        (None, false) => {
            return Err(Error::argument(
                "--srs",
                "name the SRS you trust (the ceremony file the protocol publishes), or --allow-insecure-srs for the development SRS",
            ))
        }
    };
    step(&format!("SRS (k = {k})"), || srs_for(&source, k, &key_store(&options.keys).dir))
}
