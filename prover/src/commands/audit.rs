//! `solvent audit series`: an auditor's review of a period of attestations (docs/design.md §13).

use super::{emit, key_store, read_kind, TrustOptions};
use crate::audit::backtest::RealizedPrices;
use crate::audit::{review, trust_policies, BacktestInputs, OpeningIndex, ReviewOptions};
use crate::console::step;
use crate::files::{read_text, write_file};
use crate::report::series::{html, series_csv, series_json, series_text};
use crate::Error;
use solvent_model::policy::{Policy, MAX_POLICY_BYTES};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The largest realized-prices file read.
pub const MAX_REALIZED_BYTES: usize = 256 << 20;

/// `solvent audit series`.
#[derive(clap::Args, Clone, Debug)]
pub struct AuditSeriesOptions {
    /// The folder of attestations (every file in it; hidden files skipped).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The folder of the policies you trust (every one an attestation may have been made under).
    #[arg(long, value_name = "PDIR")]
    pub policies: PathBuf,
    /// The folder of the openings the prover gave you (matched by portfolio commitment).
    #[arg(long, value_name = "ODIR")]
    pub openings: Option<PathBuf>,
    /// The largest gap between consecutive snapshots, seconds (default: the gate's largest
    /// snapshot age, 3,600).
    #[arg(long, value_name = "SECONDS", default_value_t = solvent_statement::DEFAULT_MAX_SNAPSHOT_AGE)]
    pub max_gap: u64,
    /// The period's start, unix seconds (earlier snapshots are left out).
    #[arg(long, value_name = "T")]
    pub from: Option<u64>,
    /// The period's end, unix seconds (later snapshots are left out).
    #[arg(long, value_name = "T")]
    pub to: Option<u64>,
    /// Realized prices (`time,id,price` lines) to backtest the margin against (with --openings).
    #[arg(long, value_name = "FILE", requires = "openings")]
    pub realized: Option<PathBuf>,
    /// The backtest's horizon, seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 86_400)]
    pub horizon: u64,
    /// The backtest's coverage for the traffic light (Basel: 0.99).
    #[arg(long, value_name = "P", default_value_t = 0.99)]
    pub coverage: f64,
    /// Write index.html, series.csv and series.json into this folder (created if absent).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print series.json instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// The ceremony SRS file you trust.
    #[arg(long, value_name = "FILE", conflicts_with = "srs_identity")]
    pub srs: Option<PathBuf>,
    /// Instead of the file: the identity of the SRS you trust (keys and commitments cached).
    #[arg(long, value_name = "0xHEX")]
    pub srs_identity: Option<String>,
    /// Accept attestations made with the public development SRS (testing only).
    #[arg(long)]
    pub allow_insecure_srs: bool,
    /// The key cache folder (default: $SOLVENT_KEYS, else ~/.cache/solvent).
    #[arg(long, value_name = "DIR")]
    pub keys: Option<PathBuf>,
}

/// The regular, non-hidden files of a folder, by name.
fn files_of(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let io = |error| Error::Io { file: dir.display().to_string(), error };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .collect();
    files.sort();
    Ok(files)
}

/// Every policy of the folder (any file that is not a valid policy is refused: exit 2).
fn policies_of(dir: &Path) -> Result<Vec<(PathBuf, Policy)>, Error> {
    let files = files_of(dir)?;
    if files.is_empty() {
        return Err(Error::argument("--policies", format!("{} holds no policy", dir.display())));
    }
    files
        .into_iter()
        .map(|path| {
            let text = read_kind(&path, MAX_POLICY_BYTES, "policy", "--policies")?;
            let policy = super::parse_policy(&path, &text)?;
            Ok((path, policy))
        })
        .collect()
}

/// Reviews the series; exit 0 with no finding, 1 with findings, 2 when nothing can be reported.
pub fn audit_series(options: &AuditSeriesOptions, out: &mut dyn Write) -> Result<i32, Error> {
    if !(options.coverage > 0.0 && options.coverage < 1.0) {
        return Err(Error::argument("--coverage", format!("{} is not a probability strictly between 0 and 1", options.coverage)));
    }
    if let (Some(from), Some(to)) = (options.from, options.to) {
        if from > to {
            return Err(Error::argument("--from", format!("{from} is after --to {to}")));
        }
    }
    if let Some(dir) = options.out.as_ref().filter(|d| d.exists() && !d.is_dir()) {
        return Err(Error::argument("--out", format!("{} exists and is not a folder", dir.display())));
    }
    let files = files_of(&options.dir)?;
    if files.is_empty() {
        return Err(Error::argument("DIR", format!("{} holds no file", options.dir.display())));
    }
    let policies = policies_of(&options.policies)?;
    let backtest_file = match &options.realized {
        Some(path) => Some((path, read_text(path, MAX_REALIZED_BYTES)?)),
        None => None,
    };
    let trust = TrustOptions {
        srs: options.srs.clone(),
        srs_identity: options.srs_identity.clone(),
        allow_insecure_srs: options.allow_insecure_srs,
        keys: options.keys.clone(),
        ..TrustOptions::default()
    };
    let srs = super::verifying::trusted_srs(&trust)?;
    let store = key_store(&options.keys);
    let policies = step(&format!("keys of {} policies", policies.len()), || trust_policies(policies, &srs, &store))?;
    let backtest = match backtest_file {
        Some((path, text)) => {
            let known: BTreeSet<String> = policies
                .iter()
                .flat_map(|p| {
                    let policy = &p.policy;
                    let assets = policy.assets.iter().map(|a| a.id.clone());
                    let instruments = policy.instruments.iter().map(|i| i.id.clone());
                    assets.chain(instruments).chain(policy.underlyings.iter().map(|u| u.id.clone())).collect::<Vec<_>>()
                })
                .collect();
            let (prices, rejected) = RealizedPrices::parse(&text, &known).map_err(|e| Error::input(path, e))?;
            let file = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            Some(BacktestInputs { prices, rejected, file, horizon: options.horizon, coverage: options.coverage })
        }
        None => None,
    };
    let (mut openings, opening_findings) = match &options.openings {
        Some(dir) => OpeningIndex::build(&files_of(dir)?, &policies),
        None => (OpeningIndex::default(), Vec::new()),
    };
    let review_options = ReviewOptions {
        max_gap: options.max_gap,
        from: options.from,
        to: options.to,
        allow_insecure_srs: options.allow_insecure_srs,
        expect_openings: options.openings.is_some(),
    };
    let mut series = step(&format!("reviewing {} files", files.len()), || {
        Ok(review(&files, &policies, &mut openings, review_options, backtest.as_ref()))
    })?;
    series.findings.extend(opening_findings);
    let json = series_json(&series, &policies);
    let json_text = serde_json::to_string_pretty(&json).expect("serialisable") + "\n";
    if let Some(dir) = &options.out {
        std::fs::create_dir_all(dir).map_err(|error| Error::Io { file: dir.display().to_string(), error })?;
        write_file(&dir.join("index.html"), html::page(&json).as_bytes())?;
        write_file(&dir.join("series.csv"), series_csv(&json).as_bytes())?;
        write_file(&dir.join("series.json"), json_text.as_bytes())?;
    }
    emit(out, &if options.json { json_text } else { series_text(&json) })?;
    Ok(series.exit_code())
}
