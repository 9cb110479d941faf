//! `solvent check` (the reference model's figures and claims) and `solvent shape` (what proving
//! a policy will take, before anything is built).

use super::{emit, load_policy, load_portfolio};
use crate::report;
use crate::resources::{bytes_text, estimate, machine_memory, srs_file_bytes};
use crate::Error;
use solvent_circuits::AttestationCircuit;
use solvent_model::evaluate;
use std::io::Write;
use std::path::PathBuf;

/// `solvent check`.
#[derive(clap::Args, Clone, Debug)]
pub struct CheckOptions {
    /// The protocol's risk policy (solvent/policy/v1 JSON).
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The portfolio to check (solvent/portfolio/v1 JSON; private).
    #[arg(long, value_name = "FILE")]
    pub portfolio: PathBuf,
    /// Also list collateral per asset (value, tier, haircut value, debt) and each instrument's
    /// loss in the worst scenario.
    #[arg(long)]
    pub breakdown: bool,
    /// The snapshot time, unix seconds (default: now; as for `prove`, a time in the future or
    /// outside the policy's window is refused); sets a v2 policy's oracle-latency buffer.
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub time: Option<u64>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The reference model's figures and every claim (margin, collateral, the limits of a v2 policy);
/// exit 0 when all hold, 1 when one fails.
pub fn check(options: &CheckOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let policy = load_policy(&options.policy)?;
    let portfolio = load_portfolio(&options.portfolio, &policy)?;
    // The time rules of `prove`: not in the future, inside the window. Before the policy takes
    // effect, a check without --time is made at `effective_at`, the first time it can attest.
    let time = match options.time {
        None if super::now() < policy.effective_at => {
            crate::console::warn(format_args!(
                "the policy takes effect only at {} ({}): checking at that time",
                policy.effective_at,
                solvent_statement::utc(policy.effective_at)
            ));
            policy.effective_at
        }
        time => super::requested_time(time)?,
    };
    super::check_window(&policy, time)?;
    let figures = evaluate(&policy, &portfolio, time);
    if options.json {
        let mut value = report::json(&policy, &portfolio, &figures);
        value.breakdown = options.breakdown.then(|| report::breakdown_json(&policy, &portfolio, &figures));
        emit(out, &format!("{}\n", serde_json::to_string(&value).expect("serialisable")))?;
    } else {
        emit(out, &report::human(&policy, &portfolio, &figures))?;
        if options.breakdown {
            emit(out, &report::breakdown(&policy, &portfolio, &figures))?;
        }
    }
    Ok(if figures.all_ok() { 0 } else { 1 })
}

/// `solvent shape`.
#[derive(clap::Args, Clone, Debug)]
pub struct ShapeOptions {
    /// The policy (validated first).
    #[arg(value_name = "POLICY")]
    pub policy: PathBuf,
    /// The cores to estimate the prove time for (default: this machine's).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// The policy's circuit: shape, `k`, rows, lanes, the SRS size it needs, and estimates of the
/// prove time and peak memory on this machine. Builds no keys and reads no SRS.
pub fn shape(options: &ShapeOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let policy = load_policy(&options.policy)?;
    let shape = policy.shape();
    let circuit = AttestationCircuit::for_shape(shape);
    let e = estimate(shape);
    let threads = options.threads.unwrap_or_else(rayon::current_num_threads).max(1);
    let memory = machine_memory();
    let fits = memory.is_none_or(|m| e.peak_bytes <= m);
    if options.json {
        let value = report::json::ShapeJson {
            policy: policy.id.clone(),
            shape: report::json::ShapeCounts {
                assets: shape.assets,
                tiers: shape.tiers,
                instruments: shape.instruments,
                scenarios: shape.scenarios,
            },
            k: e.dims.k,
            rows: circuit.rows(),
            domain_rows: 1u64 << e.dims.k,
            lanes: e.dims.lanes,
            srs_min_k: e.dims.k,
            srs_file_bytes: srs_file_bytes(e.dims.k),
            estimated_peak_memory_bytes: e.peak_bytes,
            machine_memory_bytes: memory,
            fits_this_machine: fits,
            threads,
            estimated_prove_seconds: (e.prove_seconds(threads) * 10.0).ceil() / 10.0,
        };
        emit(out, &format!("{}\n", serde_json::to_string(&value).expect("serialisable")))?;
        return Ok(0);
    }
    let memory_text = memory.map(|m| format!(" (this machine: {})", bytes_text(m))).unwrap_or_default();
    emit(
        out,
        &format!(
            "policy `{}`: {} assets x {} tiers, {} instruments, {} scenarios (shape {shape})\n\
             circuit     k = {}: {} of {} rows used, {}\n\
             srs         a ceremony file with k >= {} (2^{} points, {} in halo2's raw format; a larger one is cut down:\n\
             \x20           `solvent srs fetch --k {} --out srs-{}` downloads and checks one)\n\
             prove       about {} on {threads} core{}, peak memory about {}{memory_text}{}\n",
            policy.id,
            shape.assets,
            shape.tiers,
            shape.instruments,
            shape.scenarios,
            e.dims.k,
            solvent_model::Decimal::new(circuit.rows() as u64, 0).grouped(),
            solvent_model::Decimal::new(1u64 << e.dims.k, 0).grouped(),
            crate::console::lanes_text(e.dims.lanes),
            e.dims.k,
            e.dims.k,
            bytes_text(srs_file_bytes(e.dims.k)),
            e.dims.k,
            e.dims.k,
            seconds_text(e.prove_seconds(threads)),
            if threads == 1 { "" } else { "s" },
            bytes_text(e.peak_bytes),
            if fits { "" } else { ": TOO LARGE for this machine" },
        ),
    )?;
    Ok(0)
}

/// `0.4 s`, `39 s`, `3.0 min`.
fn seconds_text(seconds: f64) -> String {
    if seconds < 10.0 {
        format!("{seconds:.1} s")
    } else if seconds < 120.0 {
        format!("{seconds:.0} s")
    } else {
        format!("{:.1} min", seconds / 60.0)
    }
}
