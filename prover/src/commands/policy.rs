//! `solvent policy build`: a policy from market data (`solvent_model::builder`); `solvent policy
//! diff`: which changes from one policy to another loosen risk and which tighten it
//! (`solvent_model::diff`).

use super::{emit, now, parse_policy, read_kind};
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

/// `solvent policy diff`.
#[derive(clap::Args, Clone, Debug)]
pub struct PolicyDiffOptions {
    /// The policy in force.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The proposed policy.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Print the changes as JSON (`{"changes": [{"field", "effect", "old", "new"}], "loosens",
    /// "tightens"}`).
    #[arg(long)]
    pub json: bool,
}

/// Prints every change from the old policy to the new with its effect (loosens, tightens, mixed,
/// data) and whether the whole loosens (docs/design.md §3.2). Exit 0 whatever the changes are.
pub fn policy_diff(options: &PolicyDiffOptions, out: &mut dyn Write) -> Result<i32, Error> {
    let load = |path: &PathBuf, argument: &str| {
        let text = read_kind(path, solvent_model::policy::MAX_POLICY_BYTES, "policy", argument)?;
        parse_policy(path, &text)
    };
    let (old, new) = (load(&options.old, "OLD")?, load(&options.new, "NEW")?);
    let diff = solvent_model::diff::diff(&old, &new);
    if options.json {
        let json = serde_json::json!({ "changes": diff.changes, "loosens": diff.loosens(), "tightens": diff.tightens() });
        return emit(out, &format!("{json:#}\n")).map(|()| 0);
    }
    let mut text = String::new();
    for change in &diff.changes {
        text += &format!("{:<9}{}: {} -> {}\n", change.effect.to_string(), change.field, change.old, change.new);
    }
    text += &match (diff.changes.is_empty(), diff.loosens(), diff.tightens()) {
        (true, _, _) => "no changes\n".to_string(),
        (false, true, _) => format!("{} change(s); loosens risk: a change that needs the stricter approval\n", diff.changes.len()),
        (false, false, true) => format!("{} change(s); tightens risk only\n", diff.changes.len()),
        (false, false, false) => format!("{} change(s); market data and labels only\n", diff.changes.len()),
    };
    emit(out, &text)?;
    Ok(0)
}
