//! The documented JSON outputs (`docs/design.md` §3, §7, §11) as typed structures: what
//! `check --json`, `check --json --breakdown`, `open --json`, `shape --json`, `policy-id --json`
//! and every command's error under `--json` print. Decimals are exact strings.

use serde::Serialize;
use std::collections::BTreeMap;

/// `solvent check --json` (and `figures` of `open --json`).
#[derive(Clone, Debug, Serialize)]
pub struct CheckJson {
    /// The policy's name.
    pub policy_id: String,
    /// `C`.
    pub collateral_value: String,
    /// `D`.
    pub debt_value: String,
    /// `E = C - D`.
    pub equity: String,
    /// `L_s` for every scenario.
    pub scenario_losses: Vec<String>,
    /// `SR`.
    pub scanning_risk: String,
    /// The index of the worst scenario.
    pub worst_scenario: usize,
    /// Its name.
    pub worst_scenario_name: String,
    /// `SOM`.
    pub short_option_minimum: String,
    /// The debt margin.
    pub debt_margin: String,
    /// `M`.
    pub margin_requirement: String,
    /// The policy's base margin ratio.
    pub margin_ratio: String,
    /// The policy's collateral ratio.
    pub collateral_ratio: String,
    /// `E - mr' M`.
    pub margin_excess: String,
    /// `C - cr D`.
    pub collateral_excess: String,
    /// The margin claim holds.
    pub margin_ok: bool,
    /// The collateral claim holds.
    pub collateral_ok: bool,
    /// Each failing claim: what it is short of and what would fix it.
    pub shortfalls: Vec<ShortfallJson>,
    /// With the limits of risk model v2.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub limits: Option<LimitsJson>,
    /// With `--breakdown`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<BreakdownJson>,
}

/// The figures of risk model v2's limits.
#[derive(Clone, Debug, Serialize)]
pub struct LimitsJson {
    /// The add-on.
    pub add_on: String,
    /// Started hours since the prices.
    pub latency_hours: u64,
    /// `mr' = mr + buffer x hours`.
    pub effective_margin_ratio: String,
    /// The net delta per underlying id.
    pub net_deltas: BTreeMap<String, String>,
    /// Each limit.
    pub limits: Vec<LimitJson>,
    /// Every limit holds.
    pub limits_ok: bool,
}

/// One limit.
#[derive(Clone, Debug, Serialize)]
pub struct LimitJson {
    /// `concentration`, `position` or `net delta`.
    pub limit: &'static str,
    /// The asset, instrument or underlying.
    pub name: String,
    /// How far inside the limit (negative: over it).
    pub slack: String,
    /// It holds.
    pub ok: bool,
    /// A broken limit's fix, if one trade or deposit makes it hold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<FixJson>,
}

/// A failing claim.
#[derive(Clone, Debug, Serialize)]
pub struct ShortfallJson {
    /// `margin` or `collateral`.
    pub claim: &'static str,
    /// What it is short of, in value units.
    pub short_by: String,
    /// The ratio reached (none when the denominator is 0).
    pub ratio: Option<String>,
    /// The ratio applied.
    pub threshold: String,
    /// The smallest deposit and repayment that make every claim and concentration cap hold
    /// after the limit fixes.
    pub fixes: Vec<FixJson>,
    /// The margin claim's ratio applied in its parts, with an oracle-latency buffer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold_parts: Option<ThresholdPartsJson>,
}

/// `mr' = margin_ratio + buffer_per_hour x latency_hours`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ThresholdPartsJson {
    /// The base ratio.
    pub margin_ratio: String,
    /// The buffer per started hour.
    pub buffer_per_hour: String,
    /// Started hours since the prices.
    pub latency_hours: u64,
}

/// A fix.
#[derive(Clone, Debug, Serialize)]
pub struct FixJson {
    /// `deposit`, `repay`, `reduce position` or `trade`.
    pub action: &'static str,
    /// The asset deposited or repaid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// The instrument reduced or traded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The underlying whose net delta a trade moves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub underlying: Option<String>,
    /// How much (exact, rounded up; a trade's amount is signed: negative sells).
    pub amount: String,
    /// A deposit's or repayment's value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A trade's change of the net delta.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delta: Option<String>,
}

/// `--breakdown`.
#[derive(Clone, Debug, Serialize)]
pub struct BreakdownJson {
    /// Per asset.
    pub assets: Vec<AssetBreakdownJson>,
    /// Per instrument.
    pub instruments: Vec<InstrumentBreakdownJson>,
}

/// An asset's line of the breakdown.
#[derive(Clone, Debug, Serialize)]
pub struct AssetBreakdownJson {
    /// Its id.
    pub asset: String,
    /// The balance.
    pub balance: String,
    /// Balance x price.
    pub market_value: String,
    /// The tier the market value reaches (0-based).
    pub tier: usize,
    /// After the tiers' haircuts.
    pub haircut_value: String,
    /// The debt.
    pub debt: String,
    /// Debt x price.
    pub debt_value: String,
}

/// An instrument's line of the breakdown.
#[derive(Clone, Debug, Serialize)]
pub struct InstrumentBreakdownJson {
    /// Its id.
    pub instrument: String,
    /// The position.
    pub position: String,
    /// Its loss in every scenario.
    pub scenario_losses: Vec<String>,
    /// Its loss in the worst scenario.
    pub worst_scenario_loss: String,
    /// Its underlying, with limits.
    pub underlying: Option<String>,
    /// `q x delta`.
    pub delta: String,
}

/// A `solvent/portfolio/v1` document with exact decimals.
#[derive(Clone, Debug, Serialize)]
pub struct PortfolioDocument {
    /// `solvent/portfolio/v1`.
    pub schema: &'static str,
    /// The account, `0x` and 40 hex digits.
    pub account: String,
    /// Balances by asset id (zeros left out).
    pub balances: BTreeMap<String, String>,
    /// Debts by asset id.
    pub debts: BTreeMap<String, String>,
    /// Positions by instrument id.
    pub positions: BTreeMap<String, String>,
}

/// `solvent open --json`: the verification's outcome, and the opening.
#[derive(Clone, Debug, Serialize)]
pub struct AuditJson<'a> {
    /// As `verify --json`.
    #[serde(flatten)]
    pub outcome: &'a solvent_statement::Outcome,
    /// The opening is of this attestation and opens its commitment.
    pub opening_matches: bool,
    /// Why not.
    pub mismatch: Option<String>,
    /// The opened portfolio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holdings: Option<PortfolioDocument>,
    /// Its figures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figures: Option<CheckJson>,
}

/// `solvent shape --json`.
#[derive(Clone, Debug, Serialize)]
pub struct ShapeJson {
    /// The policy's name.
    pub policy: String,
    /// Its shape.
    pub shape: ShapeCounts,
    /// The circuit's `k`.
    pub k: u32,
    /// Rows used.
    pub rows: usize,
    /// `2^k`.
    pub domain_rows: u64,
    /// Public columns.
    pub lanes: usize,
    /// The smallest SRS that proves it.
    pub srs_min_k: u32,
    /// That SRS file's size.
    pub srs_file_bytes: u64,
    /// Estimated peak memory of proving.
    pub estimated_peak_memory_bytes: u64,
    /// This machine's memory, when known.
    pub machine_memory_bytes: Option<u64>,
    /// The estimate fits it (or it is unknown).
    pub fits_this_machine: bool,
    /// Threads proving would use.
    pub threads: usize,
    /// Estimated prove time.
    pub estimated_prove_seconds: f64,
}

/// A shape's counts.
#[derive(Clone, Debug, Serialize)]
pub struct ShapeCounts {
    /// Assets.
    pub assets: usize,
    /// Tiers per asset.
    pub tiers: usize,
    /// Instruments.
    pub instruments: usize,
    /// Scenarios.
    pub scenarios: usize,
}

/// `solvent policy-id --json`.
#[derive(Clone, Debug, Serialize)]
pub struct PolicyIdJson {
    /// The policy's name.
    pub policy: String,
    /// Its id (Keccak-256 of the commitment).
    pub policy_id: String,
    /// The commitment: one point per lane.
    pub commitment: Vec<String>,
    /// The shape.
    pub shape: String,
    /// The circuit's `k`.
    pub k: u32,
    /// Lanes.
    pub lanes: usize,
    /// The SRS's identity.
    pub srs_identity: String,
    /// It is the development SRS.
    pub srs_insecure: bool,
}

/// A command's error under `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct ErrorJson {
    /// The message.
    pub error: String,
    /// The exit status.
    pub exit_code: i32,
}
