//! `solvent policy build`: a policy from market data (`solvent_model::builder`).

use super::{emit, now};
use crate::console::warn;
use crate::files::{check_outputs, read_text, write_file};
use crate::Error;
use solvent_model::builder::{build, warnings, MAX_SPEC_BYTES};
use std::io::Write;
use std::path::PathBuf;

/// `solvent policy build`.
#[derive(clap::Args, Clone, Debug)]
pub struct PolicyBuildOptions {
    /// The spec (solvent/policy-spec/v1 JSON): assets, interest rate, underlyings with price and
    /// volatility, instruments, scenario grid, limits and thresholds.
    #[arg(value_name = "SPEC")]
    pub spec: PathBuf,
    /// The policy file to write (solvent/policy/v2).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Builds the policy of a spec and writes it; prints what it wrote and the validator's warnings.
pub fn policy_build(options: &PolicyBuildOptions, out: &mut dyn Write) -> Result<i32, Error> {
    check_outputs(&[&options.spec], &[("--out", options.out.as_path())])?;
    let text = read_text(&options.spec, MAX_SPEC_BYTES)?;
    let (file, policy) = build(&text).map_err(|e| Error::input(&options.spec, e))?;
    for w in warnings(&text) {
        warn(format_args!("{}: {}: {}", options.spec.display(), w.field, w.message));
    }
    for w in policy.warnings(now()) {
        warn(format_args!("{}: {}: {}", options.out.display(), w.field, w.message));
    }
    write_file(&options.out, file.as_bytes())?;
    emit(
        out,
        &format!(
            "wrote policy `{}` to {}: {} assets, {} underlyings, {} instruments, {} scenarios\n",
            policy.id,
            options.out.display(),
            policy.assets.len(),
            policy.underlyings.len(),
            policy.instruments.len(),
            policy.scenarios.len()
        ),
    )?;
    Ok(0)
}
