//! The report of `solvent audit series` (`docs/design.md` §13): `series.json` (what `--json`
//! prints), `series.csv`, the summary in words, and `index.html` ([`html`]).

pub mod html;

use super::json::{LimitJson, PortfolioDocument};
use crate::audit::{BacktestSummary, Entry, Finding, Series, TrustedPolicy};
use num_bigint::BigInt;
use serde::Serialize;
use solvent_model::{Decimal, RiskReport};
use solvent_statement::utc;

/// The schema of `series.json`.
pub const SERIES_SCHEMA: &str = "solvent/audit-series/v1";

/// Fractional digits of a ratio in the report.
const RATIO_DIGITS: u32 = 6;

/// `series.json`.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesJson<'a> {
    /// [`SERIES_SCHEMA`].
    pub schema: &'static str,
    /// The period and the largest gap.
    pub period: PeriodJson,
    /// Counts.
    pub summary: SummaryJson,
    /// The findings.
    pub findings: &'a [Finding],
    /// The backtest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backtest: Option<&'a BacktestSummary>,
    /// Every attestation, in snapshot time order.
    pub attestations: Vec<EntryJson>,
}

/// The reviewed period.
#[derive(Clone, Debug, Serialize)]
pub struct PeriodJson {
    /// `--from`.
    pub from: Option<u64>,
    /// `--to`.
    pub to: Option<u64>,
    /// The first valid snapshot.
    pub first: Option<u64>,
    /// The last valid snapshot.
    pub last: Option<u64>,
    /// `--max-gap`.
    pub max_gap: u64,
}

/// Counts of the series.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryJson {
    /// Files reviewed.
    pub files: usize,
    /// VALID attestations.
    pub valid: usize,
    /// Opened (an opening matched).
    pub opened: usize,
    /// Findings.
    pub findings: usize,
    /// Backtest exceedances.
    pub exceedances: usize,
}

/// One attestation of the series.
#[derive(Clone, Debug, Serialize)]
pub struct EntryJson {
    /// The file.
    pub file: String,
    /// `VALID`, `INVALID`, ... or `UNREADABLE`.
    pub verdict: &'static str,
    /// Why not VALID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The policy's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_name: Option<String>,
    /// The policy id (declared; the trusted policy's when VALID).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    /// The account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The snapshot time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_time: Option<u64>,
    /// In UTC.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_time_utc: Option<String>,
    /// The declared SRS identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub srs_identity: Option<String>,
    /// The opened holdings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdings: Option<PortfolioDocument>,
    /// The opened figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<FiguresJson>,
    /// The backtest observation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backtest: Option<ObservationJson>,
}

/// The figures of an opened attestation (exact decimals; ratios to 6 digits, rounded down).
#[derive(Clone, Debug, Serialize)]
pub struct FiguresJson {
    /// `C`.
    pub collateral_value: String,
    /// `D`.
    pub debt_value: String,
    /// `E`.
    pub equity: String,
    /// `M`.
    pub margin_requirement: String,
    /// `E / M` (`null` when `M = 0`).
    pub margin_ratio: Option<String>,
    /// `mr'`, the margin ratio required.
    pub required_margin_ratio: String,
    /// `C / D` (`null` when `D = 0`).
    pub collateral_ratio: Option<String>,
    /// `cr`.
    pub required_collateral_ratio: String,
    /// `E - mr' M`.
    pub margin_excess: String,
    /// `C - cr D`.
    pub collateral_excess: String,
    /// Each limit's slack (v2).
    pub limits: Vec<LimitJson>,
}

/// A backtest observation.
#[derive(Clone, Debug, Serialize)]
pub struct ObservationJson {
    /// `t + h`.
    pub until: u64,
    /// `L`.
    pub realized_loss: String,
    /// `M`.
    pub margin_requirement: String,
    /// `R = H + M`: the haircuts on the collateral and the margin.
    pub risk_charge: String,
    /// `L > R`.
    pub exceeded: bool,
}

/// `num / den` rounded toward minus infinity to [`RATIO_DIGITS`], or `None` when `den <= 0`.
pub fn ratio(num: &Decimal, den: &Decimal) -> Option<Decimal> {
    if den.mantissa <= BigInt::from(0) {
        return None;
    }
    let scale = |d: &Decimal, digits: u32| &d.mantissa * BigInt::from(10).pow(digits);
    let digits = num.digits.max(den.digits);
    let n = scale(num, RATIO_DIGITS + digits - num.digits);
    let d = scale(den, digits - den.digits);
    let floor = num_integer_floor(&n, &d);
    Some(Decimal::new(floor, RATIO_DIGITS))
}

fn num_integer_floor(n: &BigInt, d: &BigInt) -> BigInt {
    let q = n / d;
    if (n % d != BigInt::from(0)) && (n.sign() == num_bigint::Sign::Minus) {
        q - 1
    } else {
        q
    }
}

/// The figures of an opened attestation.
pub fn figures_json(policy: &solvent_model::policy::Policy, report: &RiskReport) -> FiguresJson {
    FiguresJson {
        collateral_value: report.collateral_value.to_string(),
        debt_value: report.debt_value.to_string(),
        equity: report.equity.to_string(),
        margin_requirement: report.margin_requirement.to_string(),
        margin_ratio: ratio(&report.equity, &report.margin_requirement).map(|r| r.to_string()),
        required_margin_ratio: report.effective_margin_ratio.to_string(),
        collateral_ratio: ratio(&report.collateral_value, &report.debt_value).map(|r| r.to_string()),
        required_collateral_ratio: Decimal::new(policy.collateral_ratio, 6).to_string(),
        margin_excess: report.margin_excess.to_string(),
        collateral_excess: report.collateral_excess.to_string(),
        limits: super::limit_lines(policy, report)
            .into_iter()
            .map(|l| LimitJson { limit: l.kind, name: l.name, slack: l.slack.to_string(), ok: l.ok, fix: None })
            .collect(),
    }
}

fn entry_json(entry: &Entry, policies: &[TrustedPolicy]) -> EntryJson {
    let d = entry.declared.as_ref();
    let policy = entry.policy.map(|p| &policies[p].policy);
    let opened = entry.opened.as_ref().zip(policy);
    EntryJson {
        file: entry.file.clone(),
        verdict: entry.verdict,
        reason: entry.reason.clone(),
        policy_name: d.map(|d| d.policy_name.clone()),
        policy_id: d.map(|d| d.policy_id.clone()),
        account: d.map(|d| d.account.clone()),
        snapshot_time: d.map(|d| d.snapshot_time),
        snapshot_time_utc: d.map(|d| utc(d.snapshot_time)),
        srs_identity: d.map(|d| d.srs_identity.clone()),
        holdings: opened.map(|((portfolio, _), policy)| crate::opening::portfolio_document(policy, portfolio)),
        figures: opened.map(|((_, report), policy)| figures_json(policy, report)),
        backtest: entry.observation.as_ref().zip(entry.opened.as_ref()).map(|(o, (_, report))| ObservationJson {
            until: o.until,
            realized_loss: o.realized_loss.to_string(),
            margin_requirement: report.margin_requirement.to_string(),
            risk_charge: o.risk_charge.to_string(),
            exceeded: o.exceeded,
        }),
    }
}

/// `series.json`'s object.
pub fn series_json<'a>(series: &'a Series, policies: &[TrustedPolicy]) -> SeriesJson<'a> {
    let valid: Vec<u64> =
        series.entries.iter().filter(|e| e.is_valid()).filter_map(|e| e.declared.as_ref().map(|d| d.snapshot_time)).collect();
    SeriesJson {
        schema: SERIES_SCHEMA,
        period: PeriodJson {
            from: series.options.from,
            to: series.options.to,
            first: valid.first().copied(),
            last: valid.last().copied(),
            max_gap: series.options.max_gap,
        },
        summary: SummaryJson {
            files: series.entries.len(),
            valid: valid.len(),
            opened: series.entries.iter().filter(|e| e.opened.is_some()).count(),
            findings: series.findings.len(),
            exceedances: series.entries.iter().filter(|e| e.observation.as_ref().is_some_and(|o| o.exceeded)).count(),
        },
        findings: &series.findings,
        backtest: series.backtest.as_ref(),
        attestations: series.entries.iter().map(|e| entry_json(e, policies)).collect(),
    }
}

/// The columns of `series.csv`.
pub const CSV_HEADER: [&str; 20] = [
    "file",
    "verdict",
    "reason",
    "policy",
    "policy_id",
    "account",
    "snapshot_time",
    "snapshot_time_utc",
    "srs_identity",
    "collateral_value",
    "debt_value",
    "equity",
    "margin_requirement",
    "margin_ratio",
    "required_margin_ratio",
    "collateral_ratio",
    "required_collateral_ratio",
    "realized_loss",
    "risk_charge",
    "exceeded",
];

/// `series.csv`: one line per attestation (empty fields where a figure is not known).
pub fn series_csv(json: &SeriesJson) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_HEADER).expect("in memory");
    for e in &json.attestations {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let figure = |f: fn(&FiguresJson) -> Option<String>| e.figures.as_ref().and_then(f).unwrap_or_default();
        let record = [
            e.file.clone(),
            e.verdict.to_string(),
            text(&e.reason),
            text(&e.policy_name),
            text(&e.policy_id),
            text(&e.account),
            e.snapshot_time.map(|t| t.to_string()).unwrap_or_default(),
            text(&e.snapshot_time_utc),
            text(&e.srs_identity),
            figure(|f| Some(f.collateral_value.clone())),
            figure(|f| Some(f.debt_value.clone())),
            figure(|f| Some(f.equity.clone())),
            figure(|f| Some(f.margin_requirement.clone())),
            figure(|f| f.margin_ratio.clone()),
            figure(|f| Some(f.required_margin_ratio.clone())),
            figure(|f| f.collateral_ratio.clone()),
            figure(|f| Some(f.required_collateral_ratio.clone())),
            e.backtest.as_ref().map(|b| b.realized_loss.clone()).unwrap_or_default(),
            e.backtest.as_ref().map(|b| b.risk_charge.clone()).unwrap_or_default(),
            e.backtest.as_ref().map(|b| b.exceeded.to_string()).unwrap_or_default(),
        ];
        writer.write_record(&record).expect("in memory");
    }
    String::from_utf8(writer.into_inner().expect("in memory")).expect("UTF-8")
}

/// The summary in words (what the command prints without `--json`).
pub fn series_text(json: &SeriesJson) -> String {
    let s = &json.summary;
    let mut text = format!(
        "{} files: {} VALID, {} opened; {} finding{}",
        s.files,
        s.valid,
        s.opened,
        s.findings,
        if s.findings == 1 { "" } else { "s" }
    );
    match (json.period.first, json.period.last) {
        (Some(first), Some(last)) => text.push_str(&format!("; snapshots {} to {}\n", utc(first), utc(last))),
        _ => text.push('\n'),
    }
    for f in json.findings {
        let at = f.snapshot_time.map(|t| format!(" {}", utc(t))).unwrap_or_default();
        let file = f.file.as_ref().map(|f| format!(" {f}")).unwrap_or_default();
        text.push_str(&format!("  {}{at}{file}: {}\n", serde_plain(&f.kind), f.message));
    }
    if let Some(b) = json.backtest {
        text.push_str(&format!("backtest over {} s at coverage {}: {} exceedance(s)\n", b.horizon, b.coverage, s.exceedances));
        for z in b.per_account.iter().chain(&b.per_policy) {
            text.push_str(&format!("  {}: {} of {} observations, {}\n", z.of, z.exceedances, z.observations, z.zone.name()));
        }
    }
    text
}

/// A finding's kind as the report writes it.
pub fn serde_plain(kind: &crate::audit::FindingKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
