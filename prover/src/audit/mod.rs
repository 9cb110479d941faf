//! An auditor's review of a period of attestations as a series (`docs/design.md` §13): each
//! attestation verified against the trusted policy it names, opened where an opening matches
//! its commitment, the series' gaps, rotations and breaks as findings, and the backtest of the
//! margin against realized prices. Presentation is in [`crate::report::series`].

pub mod backtest;

use crate::error::Error;
use crate::keys::{KeySource, KeyStore, VerifierKeys};
use crate::opening::{Opening, MAX_OPENING_BYTES};
use crate::verification::{trusted_keys, verify_with, TrustedSrs};
use backtest::{exceeds, realized_loss, risk_charge, zone, RealizedLoss, RealizedPrices, Zone};
use solvent_circuits::encoding::field_to_hex;
use solvent_circuits::portfolio_commitment;
use solvent_model::{evaluate, policy::Policy, Decimal, Portfolio, RiskReport};
use solvent_verifier::attestation::{encode_hex, MAX_ATTESTATION_BYTES};
use solvent_verifier::commitment::PolicyCommitment;
use solvent_verifier::{Attestation, AttestationFile, Checks};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A policy the auditor trusts, with its keys and commitment under the trusted SRS.
#[derive(Clone, Debug)]
pub struct TrustedPolicy {
    /// Its file.
    pub path: PathBuf,
    /// The policy.
    pub policy: Policy,
    /// Its id under the trusted SRS (Keccak-256 of the commitment).
    pub id: [u8; 32],
    keys: VerifierKeys,
    commitment: PolicyCommitment,
}

impl TrustedPolicy {
    /// Its id, `0x` and 64 hex digits.
    pub fn id_hex(&self) -> String {
        encode_hex(&self.id)
    }
}

/// The keys and commitment of every policy under the trusted SRS (made and cached where
/// missing); keys are shared between policies of one shape.
pub fn trust_policies(policies: Vec<(PathBuf, Policy)>, srs: &TrustedSrs, store: &KeyStore) -> Result<Vec<TrustedPolicy>, Error> {
    policies
        .into_iter()
        .map(|(path, policy)| {
            let (keys, commitment, _) = trusted_keys(&policy, srs, store)?;
            Ok(TrustedPolicy { id: commitment.id(), path, policy, keys, commitment })
        })
        .collect()
}

/// What a finding is about (its `kind` in the report).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum FindingKind {
    /// A file of the folder is not an attestation.
    #[serde(rename = "unreadable")]
    Unreadable,
    /// An attestation whose verdict is not VALID.
    #[serde(rename = "invalid")]
    Invalid,
    /// An attestation naming a policy id of no trusted policy.
    #[serde(rename = "policy missing")]
    PolicyMissing,
    /// A VALID attestation under a policy that was not the one in force.
    #[serde(rename = "superseded policy")]
    SupersededPolicy,
    /// A VALID attestation without an opening (when openings are given).
    #[serde(rename = "opening missing")]
    OpeningMissing,
    /// An opening whose commitment is no attestation's.
    #[serde(rename = "opening unmatched")]
    OpeningUnmatched,
    /// A file of the openings folder that is not an opening of a trusted policy.
    #[serde(rename = "opening unreadable")]
    OpeningUnreadable,
    /// An opening of an attestation that names another policy id.
    #[serde(rename = "opening mismatch")]
    OpeningMismatch,
    /// Two consecutive snapshots further apart than the largest gap.
    #[serde(rename = "gap")]
    Gap,
    /// The account changes between consecutive attestations.
    #[serde(rename = "account change")]
    AccountChange,
    /// The declared SRS identity changes between consecutive files.
    #[serde(rename = "srs change")]
    SrsChange,
    /// A second attestation of one account and snapshot time.
    #[serde(rename = "duplicate snapshot")]
    DuplicateSnapshot,
    /// In file name order, an account's snapshot time goes back.
    #[serde(rename = "out of order")]
    OutOfOrder,
    /// A row of the realized prices that was not used.
    #[serde(rename = "realized prices")]
    RealizedPrices,
    /// An opened attestation the realized prices cannot backtest.
    #[serde(rename = "backtest uncovered")]
    BacktestUncovered,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// What it is about.
    pub kind: FindingKind,
    /// The file it is about, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The snapshot time it is about, if one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_time: Option<u64>,
    /// What is wrong, in words.
    pub message: String,
}

/// What an attestation declares about itself (read, not trusted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declared {
    /// The policy name.
    pub policy_name: String,
    /// The policy id, hex.
    pub policy_id: String,
    /// The account, hex.
    pub account: String,
    /// The snapshot time.
    pub snapshot_time: u64,
    /// The SRS identity, hex.
    pub srs_identity: String,
    /// The portfolio commitment, hex.
    pub portfolio_commitment: String,
}

/// A backtest observation of an opened attestation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observation {
    /// The horizon's end, `t + h`.
    pub until: u64,
    /// `L`.
    pub realized_loss: Decimal,
    /// `R = H + M`, the policy's risk charge.
    pub risk_charge: Decimal,
    /// `L > R`.
    pub exceeded: bool,
}

/// One file of the series.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The file's name.
    pub file: String,
    /// `VALID`, `INVALID`, ... as `verify` says, or `UNREADABLE`.
    pub verdict: &'static str,
    /// The reason, when not VALID.
    pub reason: Option<String>,
    /// What the file declares, when it is an attestation.
    pub declared: Option<Declared>,
    /// The trusted policy it was checked against (index into the policies).
    pub policy: Option<usize>,
    /// The opened portfolio and its figures, when an opening matches.
    pub opened: Option<(Portfolio, RiskReport)>,
    /// The backtest observation, when covered.
    pub observation: Option<Observation>,
}

impl Entry {
    /// Whether the attestation verified (VALID).
    pub fn is_valid(&self) -> bool {
        self.verdict == "VALID"
    }
}

/// The options of a review.
#[derive(Clone, Debug)]
pub struct ReviewOptions {
    /// The largest gap between consecutive snapshots, seconds.
    pub max_gap: u64,
    /// The period's start (snapshots before it are not reviewed), if given.
    pub from: Option<u64>,
    /// The period's end (snapshots after it are not reviewed), if given.
    pub to: Option<u64>,
    /// Accept the development SRS.
    pub allow_insecure_srs: bool,
    /// The openings folder was given: a VALID attestation without one is a finding.
    pub expect_openings: bool,
}

/// The backtest's inputs.
#[derive(Clone, Debug)]
pub struct BacktestInputs {
    /// The realized prices.
    pub prices: RealizedPrices,
    /// The rows not used.
    pub rejected: Vec<backtest::RejectedRow>,
    /// The realized-prices file's name (for findings).
    pub file: String,
    /// The horizon, seconds.
    pub horizon: u64,
    /// The coverage `p` of the traffic light.
    pub coverage: f64,
}

/// Exceedances of one account or policy.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ZoneCount {
    /// The account (hex) or policy (`name id`).
    pub of: String,
    /// Covered observations `N`.
    pub observations: u64,
    /// Exceedances `X`.
    pub exceedances: u64,
    /// The traffic light.
    pub zone: Zone,
}

/// The backtest's summary.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BacktestSummary {
    /// The horizon, seconds.
    pub horizon: u64,
    /// The coverage `p`.
    pub coverage: f64,
    /// Per account.
    pub per_account: Vec<ZoneCount>,
    /// Per policy.
    pub per_policy: Vec<ZoneCount>,
}

/// The reviewed series.
#[derive(Clone, Debug)]
pub struct Series {
    /// Every file, in snapshot time order (unreadable files last, by name).
    pub entries: Vec<Entry>,
    /// The findings, in snapshot time order where they have one.
    pub findings: Vec<Finding>,
    /// The backtest, when realized prices were given.
    pub backtest: Option<BacktestSummary>,
    /// The options.
    pub options: ReviewOptions,
}

impl Series {
    /// Exit 0 with no finding, 1 with any.
    pub fn exit_code(&self) -> i32 {
        i32::from(!self.findings.is_empty())
    }
}

/// The openings of a folder, by the portfolio commitment each opens to.
#[derive(Clone, Debug, Default)]
pub struct OpeningIndex {
    by_commitment: HashMap<String, PathBuf>,
    unused: BTreeSet<String>,
}

impl OpeningIndex {
    /// Reads every opening once, keeping only its commitment and file; files that are not
    /// openings of a trusted policy are findings.
    pub fn build(files: &[PathBuf], policies: &[TrustedPolicy]) -> (OpeningIndex, Vec<Finding>) {
        let mut index = OpeningIndex::default();
        let mut findings = Vec::new();
        for path in files {
            match read_opening(path, policies) {
                Ok((commitment, _, _)) => {
                    index.unused.insert(commitment.clone());
                    index.by_commitment.entry(commitment).or_insert_with(|| path.clone());
                }
                Err(message) => {
                    findings.push(Finding { kind: FindingKind::OpeningUnreadable, file: Some(name_of(path)), snapshot_time: None, message })
                }
            }
        }
        (index, findings)
    }
}

/// An opening's commitment (hex), the policy it names and its portfolio.
fn read_opening(path: &Path, policies: &[TrustedPolicy]) -> Result<(String, usize, (Opening, Portfolio)), String> {
    let text = crate::files::read_text(path, MAX_OPENING_BYTES).map_err(|e| e.to_string())?;
    let opening = Opening::from_json(&text).map_err(|e| format!("not an opening: {e}"))?;
    let id = solvent_verifier::attestation::hex32("policy_id", &opening.policy_id).map_err(|e| e.to_string())?;
    let p = policies
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| format!("opening of policy id {}, which is none of the policies", opening.policy_id))?;
    let policy = &policies[p].policy;
    let portfolio = opening.portfolio(policy).map_err(|e| e.to_string())?;
    let salt = opening.salt().map_err(|e| e.to_string())?;
    let commitment = field_to_hex(&portfolio_commitment(policy.shape(), &portfolio, opening.snapshot_time, &salt));
    Ok((commitment, p, (opening, portfolio)))
}

fn name_of(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The policy in force at `time`: among those whose window contains it, the latest effective.
pub fn in_force(policies: &[TrustedPolicy], time: u64) -> Option<usize> {
    policies
        .iter()
        .enumerate()
        .filter(|(_, p)| p.policy.effective_at <= time && time < p.policy.expires_at)
        .max_by_key(|(_, p)| p.policy.effective_at)
        .map(|(i, _)| i)
}

/// Reviews the attestation files (read one at a time, in the order given: name order) against
/// the trusted policies (`docs/design.md` §13).
pub fn review(
    files: &[PathBuf],
    policies: &[TrustedPolicy],
    openings: &mut OpeningIndex,
    options: ReviewOptions,
    backtest: Option<&BacktestInputs>,
) -> Series {
    let mut findings = Vec::new();
    let mut entries = Vec::new();
    let mut previous_srs: Option<String> = None;
    let mut latest_of_account: HashMap<String, u64> = HashMap::new();
    for path in files {
        let entry = review_file(path, policies, openings, &options, backtest, &mut findings);
        let Some(declared) = &entry.declared else {
            entries.push(entry);
            continue;
        };
        let t = declared.snapshot_time;
        let in_period = options.from.is_none_or(|from| t >= from) && options.to.is_none_or(|to| t <= to);
        if !in_period {
            continue;
        }
        let finding = |kind, message| Finding { kind, file: Some(entry.file.clone()), snapshot_time: Some(t), message };
        if previous_srs.as_ref().is_some_and(|s| *s != declared.srs_identity) {
            findings.push(finding(
                FindingKind::SrsChange,
                format!("SRS identity {} after {}", declared.srs_identity, previous_srs.clone().unwrap_or_default()),
            ));
        }
        previous_srs = Some(declared.srs_identity.clone());
        if let Some(&latest) = latest_of_account.get(&declared.account) {
            if t < latest {
                findings.push(finding(
                    FindingKind::OutOfOrder,
                    format!(
                        "snapshot {} ({}) after a file of snapshot {} ({}) for account {}",
                        t,
                        utc(t),
                        latest,
                        utc(latest),
                        declared.account
                    ),
                ));
            }
        }
        let latest = latest_of_account.entry(declared.account.clone()).or_insert(t);
        *latest = (*latest).max(t);
        entries.push(entry);
    }
    for commitment in &openings.unused {
        let file = openings.by_commitment.get(commitment).map(|p| name_of(p));
        findings.push(Finding {
            kind: FindingKind::OpeningUnmatched,
            file,
            snapshot_time: None,
            message: format!("opens to portfolio commitment {commitment}, which is no reviewed attestation's"),
        });
    }
    entries.sort_by_key(|e| (e.declared.as_ref().map_or(u64::MAX, |d| d.snapshot_time), e.file.clone()));
    series_findings(&entries, &options, &mut findings);
    if let Some(inputs) = backtest {
        for row in &inputs.rejected {
            findings.push(Finding {
                kind: FindingKind::RealizedPrices,
                file: Some(inputs.file.clone()),
                snapshot_time: None,
                message: format!("line {}: {}", row.line, row.message),
            });
        }
    }
    findings.sort_by_key(|f| (f.snapshot_time.unwrap_or(u64::MAX), f.kind));
    let backtest = backtest.map(|inputs| summarise(&entries, policies, inputs));
    Series { entries, findings, backtest, options }
}

fn utc(t: u64) -> String {
    solvent_statement::utc(t)
}

/// Reads, verifies, opens and backtests one attestation file.
fn review_file(
    path: &Path,
    policies: &[TrustedPolicy],
    openings: &mut OpeningIndex,
    options: &ReviewOptions,
    backtest: Option<&BacktestInputs>,
    findings: &mut Vec<Finding>,
) -> Entry {
    let file = name_of(path);
    let mut entry =
        Entry { file: file.clone(), verdict: "UNREADABLE", reason: None, declared: None, policy: None, opened: None, observation: None };
    let attestation = match read_attestation(path) {
        Ok(a) => a,
        Err(message) => {
            entry.reason = Some(message.clone());
            findings.push(Finding { kind: FindingKind::Unreadable, file: Some(file), snapshot_time: None, message });
            return entry;
        }
    };
    let declared = attestation.declared_values().expect("a parsed attestation decodes");
    let t = declared.snapshot_time;
    entry.declared = Some(Declared {
        policy_name: declared.policy_name.clone(),
        policy_id: encode_hex(&declared.policy_id),
        account: encode_hex(&declared.account),
        snapshot_time: t,
        srs_identity: encode_hex(&declared.srs_identity),
        portfolio_commitment: encode_hex(&declared.portfolio_commitment),
    });
    let in_period = options.from.is_none_or(|from| t >= from) && options.to.is_none_or(|to| t <= to);
    if !in_period {
        return entry;
    }
    let finding = |kind, message| Finding { kind, file: Some(file.clone()), snapshot_time: Some(t), message };
    let Some(p) = policies.iter().position(|p| p.id == declared.policy_id) else {
        entry.verdict = "INVALID";
        let message =
            format!("policy {} with id {} is none of the trusted policies", declared.policy_name, encode_hex(&declared.policy_id));
        entry.reason = Some(message.clone());
        findings.push(finding(FindingKind::PolicyMissing, message));
        return entry;
    };
    entry.policy = Some(p);
    let trusted = &policies[p];
    let checks = Checks { account: None, now: t, allow_insecure_srs: options.allow_insecure_srs, max_age: None };
    let verification = verify_with(&attestation, &trusted.policy, &checks, &trusted.keys, &trusted.commitment, KeySource::Cached);
    entry.verdict = verification.label();
    if let Err(reason) = &verification.verdict {
        entry.reason = Some(reason.to_string());
        findings.push(finding(FindingKind::Invalid, format!("{}: {reason}", verification.label())));
        return entry;
    }
    if let Some(current) = in_force(policies, t).filter(|&c| c != p) {
        let now = &policies[current];
        findings.push(finding(
            FindingKind::SupersededPolicy,
            format!(
                "made under policy {} ({}), but {} ({}, effective {}) was in force",
                trusted.policy.id,
                trusted.id_hex(),
                now.policy.id,
                now.id_hex(),
                utc(now.policy.effective_at)
            ),
        ));
    }
    let commitment = encode_hex(&declared.portfolio_commitment);
    match openings.by_commitment.get(&commitment).cloned() {
        Some(opening_path) => {
            openings.unused.remove(&commitment);
            match read_opening(&opening_path, policies) {
                Ok((_, q, (_, portfolio))) if q == p => {
                    let figures = evaluate(&trusted.policy, &portfolio, t);
                    entry.observation = backtest.and_then(|inputs| observe(trusted, &portfolio, &figures, t, inputs, &file, findings));
                    entry.opened = Some((portfolio, figures));
                }
                Ok((_, q, _)) => findings.push(finding(
                    FindingKind::OpeningMismatch,
                    format!(
                        "{} opens this portfolio commitment under policy id {}, the attestation's is {}",
                        name_of(&opening_path),
                        policies[q].id_hex(),
                        trusted.id_hex()
                    ),
                )),
                Err(message) => findings.push(finding(FindingKind::OpeningUnreadable, message)),
            }
        }
        None if options.expect_openings => {
            findings.push(finding(FindingKind::OpeningMissing, format!("no opening opens to portfolio commitment {commitment}")))
        }
        None => {}
    }
    entry
}

fn read_attestation(path: &Path) -> Result<Attestation, String> {
    let text = crate::files::read_text(path, MAX_ATTESTATION_BYTES).map_err(|e| e.to_string())?;
    Attestation::from_json(&text).map_err(|e| format!("not an attestation: {e}"))
}

fn observe(
    trusted: &TrustedPolicy,
    portfolio: &Portfolio,
    figures: &RiskReport,
    t: u64,
    inputs: &BacktestInputs,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<Observation> {
    match realized_loss(&trusted.policy, portfolio, t, inputs.horizon, &inputs.prices) {
        RealizedLoss::Covered(loss) => {
            let charge = risk_charge(figures);
            let exceeded = exceeds(&loss, &charge);
            Some(Observation { until: t + inputs.horizon, realized_loss: loss, risk_charge: charge, exceeded })
        }
        RealizedLoss::Uncovered(missing) => {
            findings.push(Finding {
                kind: FindingKind::BacktestUncovered,
                file: Some(file.to_string()),
                snapshot_time: Some(t),
                message: format!("no realized price for {}", missing.join(", ")),
            });
            None
        }
    }
}

/// Gaps, account changes and duplicates over the VALID attestations in time order.
fn series_findings(entries: &[Entry], options: &ReviewOptions, findings: &mut Vec<Finding>) {
    let valid: Vec<(&Entry, &Declared)> =
        entries.iter().filter(|e| e.is_valid()).filter_map(|e| e.declared.as_ref().map(|d| (e, d))).collect();
    let gap = |findings: &mut Vec<Finding>, file: Option<&str>, from: u64, to: u64, what: &str| {
        if to.saturating_sub(from) > options.max_gap {
            findings.push(Finding {
                kind: FindingKind::Gap,
                file: file.map(str::to_string),
                snapshot_time: Some(to),
                message: format!(
                    "{} s without a valid attestation {what} ({} to {}; largest gap {} s)",
                    to - from,
                    utc(from),
                    utc(to),
                    options.max_gap
                ),
            });
        }
    };
    match (valid.first(), valid.last()) {
        (Some((first, d0)), Some((_, dn))) => {
            if let Some(from) = options.from {
                gap(findings, Some(&first.file), from, d0.snapshot_time, "from the period's start");
            }
            if let Some(to) = options.to {
                gap(findings, None, dn.snapshot_time, to, "to the period's end");
            }
        }
        _ => {
            if let (Some(from), Some(to)) = (options.from, options.to) {
                gap(findings, None, from, to, "in the whole period");
            }
        }
    }
    let mut seen: BTreeSet<(&str, u64)> = BTreeSet::new();
    for pair in valid.windows(2) {
        let ((_, before), (entry, after)) = (pair[0], pair[1]);
        gap(findings, Some(&entry.file), before.snapshot_time, after.snapshot_time, "between two snapshots");
        if before.account != after.account {
            findings.push(Finding {
                kind: FindingKind::AccountChange,
                file: Some(entry.file.clone()),
                snapshot_time: Some(after.snapshot_time),
                message: format!("account {} after {}", after.account, before.account),
            });
        }
    }
    for (entry, d) in &valid {
        if !seen.insert((&d.account, d.snapshot_time)) {
            findings.push(Finding {
                kind: FindingKind::DuplicateSnapshot,
                file: Some(entry.file.clone()),
                snapshot_time: Some(d.snapshot_time),
                message: format!("a second attestation of account {} at {}", d.account, utc(d.snapshot_time)),
            });
        }
    }
}

fn summarise(entries: &[Entry], policies: &[TrustedPolicy], inputs: &BacktestInputs) -> BacktestSummary {
    let mut per_account: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut per_policy: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in entries {
        let (Some(observation), Some(d), Some(p)) = (&entry.observation, &entry.declared, entry.policy) else { continue };
        for (map, key) in
            [(&mut per_account, d.account.clone()), (&mut per_policy, format!("{} {}", policies[p].policy.id, policies[p].id_hex()))]
        {
            let count = map.entry(key).or_default();
            count.0 += 1;
            count.1 += u64::from(observation.exceeded);
        }
    }
    let zones = |map: BTreeMap<String, (u64, u64)>| {
        map.into_iter()
            .map(|(of, (observations, exceedances))| ZoneCount {
                of,
                observations,
                exceedances,
                zone: zone(observations, exceedances, inputs.coverage),
            })
            .collect()
    };
    BacktestSummary { horizon: inputs.horizon, coverage: inputs.coverage, per_account: zones(per_account), per_policy: zones(per_policy) }
}
