//! `solvent keygen`, `solvent prove` and `solvent demo`.

use super::{emit, key_store, load_policy, load_portfolio, portfolio_from_text, report_keys, set_threads, srs_source, KeyOptions};
use crate::console::{lanes_text, note, step, warn};
use crate::files::{check_outputs, read_text, write_file, write_private};
use crate::keys::Keys;
use crate::opening::Opening;
use crate::resources::{estimate, parse_bytes};
use crate::verification::{verify_attestation, TrustedSrs};
use crate::{demo as example, prove as proving, report, srs::srs_for, Error};
use solvent_circuits::signed::StatementWitness;
use solvent_circuits::{AttestationCircuit, Shape, Witness};
use solvent_model::{evaluate, policy::Policy, InputError, Portfolio};
use solvent_sources::portfolio::portfolio_from_statements;
use solvent_sources::statement::{SignedStatement, MAX_STATEMENT_BYTES};
use solvent_verifier::{attestation::encode_hex, Attestation, AttestationFile, Checks};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `solvent keygen`.
#[derive(clap::Args, Clone, Debug)]
pub struct KeygenOptions {
    /// The policy whose circuit shape the keys are for.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// Refuse when the estimated peak memory exceeds this (e.g. 16GiB; default: the machine's
    /// memory).
    #[arg(long, value_name = "SIZE")]
    pub max_memory: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyOptions,
}

/// Prints the shape's dimensions and memory estimate; refuses it when the estimate exceeds the
/// limit or the machine.
fn check_resources(shape: Shape, max_memory: Option<&str>) -> Result<(), Error> {
    let limit = max_memory.map(|text| parse_bytes(text).map_err(|m| Error::argument("--max-memory", m))).transpose()?;
    let estimate = estimate(shape);
    note(estimate.summary());
    estimate.check(limit)
}

/// Loads or makes the keys for a circuit; returns them and the SRS.
pub(super) fn keys_for(circuit: &AttestationCircuit, options: &KeyOptions) -> Result<(Keys, solvent_params::Srs), Error> {
    let k = circuit.k();
    let store = key_store(&options.keys);
    let source = srs_source(options);
    let srs = step(&format!("SRS (k = {k})"), || srs_for(&source, k, &store.dir))?;
    let (keys, made) = step("keys", || store.load_or_generate(circuit.shape(), &srs))?;
    report_keys(&made, &store.key_dir(circuit.shape(), k, &keys.srs.identity()));
    Ok((keys, srs))
}

/// Generates (or loads cached) keys for the policy's circuit shape; prints the shape, `k`, the
/// verifying key's hash and the SRS identity.
pub fn keygen(options: &KeygenOptions, out: &mut dyn Write) -> Result<i32, Error> {
    set_threads(&options.keys);
    let policy = load_policy(&options.policy)?;
    check_resources(policy.shape(), options.max_memory.as_deref())?;
    let circuit = AttestationCircuit::for_shape(policy.shape());
    let (keys, _) = keys_for(&circuit, &options.keys)?;
    let insecure = if keys.srs.is_dev() { " (INSECURE development SRS)" } else { "" };
    emit(
        out,
        &format!(
            "shape {}  k = {}  rows = {}  lanes = {}\nvk_hash {}\nsrs     {}{insecure}\n",
            circuit.shape(),
            keys.srs.k,
            circuit.rows(),
            keys.dims.lanes,
            encode_hex(&keys.vk_hash()),
            encode_hex(&keys.srs.identity())
        ),
    )?;
    Ok(0)
}

/// `solvent prove`.
#[derive(clap::Args, Clone, Debug)]
pub struct ProveOptions {
    /// The protocol's risk policy.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The private portfolio. With a policy that lists sources it may be left out: the
    /// portfolio is then the sum of the `--statements`.
    #[arg(long, value_name = "FILE", required_unless_present = "statements")]
    pub portfolio: Option<PathBuf>,
    /// Statements signed by the policy's sources (`solvent/statement/v1`), for a policy that
    /// lists sources: the balances and positions the proof uses are their sums (`docs/design.md`
    /// §12).
    #[arg(long, value_name = "STATEMENT", num_args = 1..)]
    pub statements: Vec<PathBuf>,
    /// The attestation file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// The private opening (portfolio and salt) to write, for auditors; readable by its owner
    /// only. Without it no one can ever open the attestation's commitment.
    #[arg(long, value_name = "FILE")]
    pub opening: Option<PathBuf>,
    /// Snapshot time, unix seconds (default: now; a time in the future is refused).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub time: Option<u64>,
    /// Refuse when the estimated peak memory exceeds this (e.g. 16GiB; default: the machine's
    /// memory).
    #[arg(long, value_name = "SIZE")]
    pub max_memory: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyOptions,
}

/// Proves every claim and writes the attestation (and the opening, when asked); refuses (exit 1)
/// when a claim fails, saying what would fix it.
pub fn prove(options: &ProveOptions, _out: &mut dyn Write) -> Result<i32, Error> {
    set_threads(&options.keys);
    let policy = load_policy(&options.policy)?;
    let mut outputs = vec![("--out", options.out.as_path())];
    outputs.extend(options.opening.as_deref().map(|o| ("--opening", o)));
    let mut inputs: Vec<&Path> = vec![&options.policy];
    inputs.extend(options.portfolio.as_deref());
    inputs.extend(options.statements.iter().map(PathBuf::as_path));
    check_outputs(&inputs, &outputs)?;
    let time = super::requested_time(options.time)?;
    let (portfolio, statements) = holdings(&policy, options, time)?;
    if options.opening.is_none() {
        warn("no --opening: without the opening (the portfolio and salt) no auditor can ever open this attestation's commitment");
    }
    let plan = Plan { out: &options.out, opening: options.opening.as_deref(), max_memory: options.max_memory.as_deref() };
    prove_and_write(policy, portfolio, statements, time, &plan, &options.keys).map(|_| 0)
}

/// The portfolio to prove and, for a policy with sources, the statements it is the sum of: each
/// statement checked as `portfolio from-statements` checks it against the policy's sources, the
/// statements fitting the policy's slots, and a given portfolio's balances and positions equal to
/// the sums and its debts at least the signed ones (equal with `signed_debts`).
fn holdings(policy: &Policy, options: &ProveOptions, time: u64) -> Result<(Portfolio, Vec<StatementWitness>), Error> {
    let Some(signed) = &policy.signed else {
        if !options.statements.is_empty() {
            return Err(Error::argument("--statements", "the policy lists no sources: its portfolio is the prover's own"));
        }
        let path = options.portfolio.as_deref().expect("clap requires --portfolio without --statements");
        return Ok((load_portfolio(path, policy)?, Vec::new()));
    };
    if options.statements.is_empty() {
        return Err(Error::argument("--statements", "the policy lists sources: name the signed statements its holdings come from"));
    }
    if options.statements.len() > signed.statement_slots {
        return Err(Error::argument(
            "--statements",
            format!("{} statements; the policy's circuit has {} statement slots", options.statements.len(), signed.statement_slots),
        ));
    }
    let mut statements = Vec::with_capacity(options.statements.len());
    for path in &options.statements {
        let statement = SignedStatement::from_json(&read_text(path, MAX_STATEMENT_BYTES)?).map_err(|e| Error::input(path, e))?;
        if statement.statement.items.len() > signed.items_per_statement {
            let message = format!(
                "has {} items; the policy's statements hold at most {}",
                statement.statement.items.len(),
                signed.items_per_statement
            );
            return Err(Error::input(path, InputError::new("", message)));
        }
        statements.push(statement);
    }
    let (sums, witnesses) = portfolio_from_statements(policy, &signed.sources, &statements, time)
        .map_err(|refused| Error::input(&options.statements[refused.statement], refused.error))?;
    let Some(path) = options.portfolio.as_deref() else {
        // The sums must be a portfolio the policy accepts (each amount within the model's bounds).
        let text = serde_json::to_string(&crate::opening::portfolio_document(policy, &sums)).expect("serialisable");
        let portfolio = Portfolio::from_json_exact(&text, policy)
            .map_err(|e| Error::argument("--statements", format!("the statements' sums are no portfolio the policy accepts: {e}")))?;
        return Ok((portfolio, witnesses));
    };
    let portfolio = load_portfolio(path, policy)?;
    let differs = |field: String, message: String| Err(Error::input(path, InputError::new(field, message)));
    if portfolio.account != sums.account {
        return differs("account".into(), "is not the statements' holder".into());
    }
    for (a, asset) in policy.assets.iter().enumerate() {
        if portfolio.balances[a] != sums.balances[a] {
            return differs(format!("balances.{}", asset.id), "is not the sum of the statements' balances".into());
        }
        let debt = (portfolio.debts[a], sums.debts[a]);
        if debt.0 < debt.1 || (signed.signed_debts && debt.0 != debt.1) {
            let rule = if signed.signed_debts { "equal to" } else { "at least" };
            return differs(format!("debts.{}", asset.id), format!("must be {rule} the sum of the statements' debts"));
        }
    }
    for (i, instrument) in policy.instruments.iter().enumerate() {
        if portfolio.positions[i] != sums.positions[i] {
            return differs(format!("positions.{}", instrument.id), "is not the sum of the statements' positions".into());
        }
    }
    Ok((portfolio, witnesses))
}

/// Where `prove` writes, and its memory limit.
struct Plan<'a> {
    out: &'a Path,
    opening: Option<&'a Path>,
    max_memory: Option<&'a str>,
}

fn prove_and_write(
    policy: Policy,
    portfolio: Portfolio,
    statements: Vec<StatementWitness>,
    snapshot_time: u64,
    plan: &Plan,
    options: &KeyOptions,
) -> Result<Attestation, Error> {
    super::check_window(&policy, snapshot_time)?;
    let figures = evaluate(&policy, &portfolio, snapshot_time);
    if !figures.all_ok() {
        eprint!("{}", report::claims(&policy, &portfolio, &figures));
        return Err(Error::Refused("refusing to prove: a claim fails for this portfolio (no attestation written)".into()));
    }
    check_resources(policy.shape(), plan.max_memory)?;
    let witness = Witness { policy, portfolio, snapshot_time, salt: proving::random_salt(), statements };
    let circuit = step("witness", || Ok(AttestationCircuit::new(&witness)))?;
    note(format_args!("circuit {}: {} rows, k = {}, {}", circuit.shape(), circuit.rows(), circuit.k(), lanes_text(circuit.dims().lanes)));
    let (keys, srs) = keys_for(&circuit, options)?;
    let proof = step("proving", || proving::prove(&keys, &srs, &circuit, &witness))?;
    let attestation = proving::attestation(&witness, &keys, &proof);
    step("self-check", || {
        solvent_verifier::verify_proof(&keys.verifier_key, &proof.policy, &witness.public_inputs(), &proof.bytes)
            .map_err(|e| Error::Proof(format!("the new proof does not verify ({e:?})")))
    })?;
    // The attestation first: a private opening is never left behind without it.
    write_file(plan.out, attestation.to_json().as_bytes())?;
    note(format_args!("wrote attestation {} (policy id {}, proof {} bytes)", plan.out.display(), attestation.policy.id, proof.bytes.len()));
    if let Some(path) = plan.opening {
        let o = Opening::new(&witness.policy, &witness.portfolio, snapshot_time, &witness.salt, attestation.policy.id.clone());
        if let Err(e) = write_private(path, o.to_json().as_bytes()) {
            let _ = std::fs::remove_file(plan.out);
            return Err(e);
        }
        note(format_args!("wrote opening {} (PRIVATE, readable by you only: it reveals the portfolio)", path.display()));
    }
    Ok(attestation)
}

/// `solvent demo`.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct DemoOptions {
    /// Also write the demo's attestation here.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub keys: KeyOptions,
}

/// The main job on the embedded example: check, keygen, prove, verify, with progress.
pub fn demo(options: &DemoOptions, out: &mut dyn Write) -> Result<i32, Error> {
    set_threads(&options.keys);
    let total = Instant::now();
    let policy = Policy::from_json(example::POLICY).map_err(|e| Error::input(Path::new("demo policy"), e))?;
    let portfolio = portfolio_from_text(Path::new("demo portfolio"), example::PORTFOLIO, &policy)?;
    emit(out, "== solvent demo: a desk's book under a SPAN-style policy ==\n")?;
    emit(out, &report::human(&policy, &portfolio, &evaluate(&policy, &portfolio, super::now())))?;
    let dir = std::env::temp_dir().join(format!("solvent-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| Error::Io { file: dir.display().to_string(), error })?;
    let path = options.out.clone().unwrap_or_else(|| dir.join("attestation.json"));
    let plan = Plan { out: &path, opening: None, max_memory: None };
    let result = prove_and_write(policy.clone(), portfolio, Vec::new(), example::SNAPSHOT_TIME, &plan, &options.keys);
    let attestation = match result {
        Ok(a) => a,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
    };
    let trust = match &options.keys.srs {
        Some(file) => TrustedSrs::File(file.clone()),
        None => TrustedSrs::Development,
    };
    let checks = Checks { account: None, now: example::SNAPSHOT_TIME, allow_insecure_srs: options.keys.srs.is_none(), max_age: None };
    let v = step("verifying", || verify_attestation(&attestation, &policy, &checks, &trust, &key_store(&options.keys.keys)));
    let _ = std::fs::remove_dir_all(&dir);
    let v = v?;
    emit(out, &super::verifying::verification_text(&v))?;
    emit(
        out,
        &format!(
            "proof {} bytes, k = {}; total {:.1} s\n",
            attestation.proof.len() / 2 - 1,
            attestation.circuit.k,
            total.elapsed().as_secs_f64()
        ),
    )?;
    Ok(v.exit_code())
}
