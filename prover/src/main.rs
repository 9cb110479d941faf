//! `solvent`: prove in zero knowledge that a portfolio meets a policy's margin and collateral
//! thresholds; verify and open such attestations.

#[cfg(feature = "cuda")]
mod gpu_check;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use solvent_circuits::{AttestationCircuit, Dims, Shape, Witness};
use solvent_model::{evaluate, policy::Policy, portfolio::parse_account, Portfolio};
use solvent_prover::{
    demo, export,
    files::{check_outputs, read_text, write_file, write_private},
    keys::{default_dir, KeySource, KeyStore},
    opening::{Opening, MAX_OPENING_BYTES},
    prove, report,
    resources::{estimate, parse_bytes},
    srs::{srs_for, SrsSource},
    verification::{open_attestation, utc, verify_attestation, TrustedSrs, Verification},
    Error,
};
use solvent_verifier::{
    attestation::{encode_hex, hex32, MAX_ATTESTATION_BYTES},
    Attestation, Checks,
};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Parser)]
#[command(name = "solvent", version, about = "Zero-knowledge margin and collateral attestations")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct KeyArgs {
    /// A ceremony SRS file (halo2 raw format); without it the INSECURE development SRS is used.
    #[arg(long)]
    srs: Option<PathBuf>,
    /// The key cache folder (default: $SOLVENT_KEYS, else ~/.cache/solvent).
    #[arg(long)]
    keys: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// What a verifier trusts: chosen by its user, never by the attestation.
#[derive(clap::Args, Clone)]
struct TrustArgs {
    /// The ceremony SRS file you trust (halo2 raw format; one for a larger k serves too).
    #[arg(long, conflicts_with = "srs_identity")]
    srs: Option<PathBuf>,
    /// Instead of the file: the identity (0x and 64 hex digits) of the SRS you trust, whose keys
    /// and policy commitment are already cached (made once with `keygen` and
    /// `policy-commitment --srs FILE`).
    #[arg(long)]
    srs_identity: Option<String>,
    /// Accept attestations made with the public development SRS (testing only); without --srs,
    /// verify against it.
    #[arg(long)]
    allow_insecure_srs: bool,
    /// The key cache folder (default: $SOLVENT_KEYS, else ~/.cache/solvent).
    #[arg(long)]
    keys: Option<PathBuf>,
    /// The verifier's clock, unix seconds (default: now).
    #[arg(long)]
    now: Option<u64>,
    /// The largest accepted snapshot age in seconds at the verifier's clock, as
    /// SolvencyGate's maxSnapshotAge (default: any age inside the policy's window).
    #[arg(long)]
    max_age: Option<u64>,
}

#[derive(Subcommand)]
enum Command {
    /// The reference model's figures and both claims (exit 0 both hold, 1 one fails, 2 bad input).
    Check {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        portfolio: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Generate (or load cached) keys for the policy's circuit shape; prints vk_hash.
    Keygen {
        #[arg(long)]
        policy: PathBuf,
        /// Refuse when the estimated peak memory exceeds this (e.g. 16GiB; default: the
        /// machine's memory).
        #[arg(long)]
        max_memory: Option<String>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Prove both claims and write the attestation (and optionally the auditor's opening).
    Prove {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        portfolio: PathBuf,
        /// The attestation file to write.
        #[arg(long)]
        out: PathBuf,
        /// The private opening (portfolio and salt) to write, for auditors; readable by its
        /// owner only. Without it no one can ever open the attestation's commitment.
        #[arg(long)]
        opening: Option<PathBuf>,
        /// Snapshot time, unix seconds (default: now; a time in the future is refused).
        #[arg(long)]
        time: Option<u64>,
        /// Refuse when the estimated peak memory exceeds this (e.g. 16GiB; default: the
        /// machine's memory).
        #[arg(long)]
        max_memory: Option<String>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Verify an attestation against a policy, under the SRS you trust (exit 0 VALID; 1 INVALID,
    /// EXPIRED, NOT YET VALID or TOO OLD; 2 bad input); prints the statement it establishes.
    Verify {
        #[arg(long)]
        attestation: PathBuf,
        #[arg(long)]
        policy: PathBuf,
        /// The account the attestation must be bound to.
        #[arg(long)]
        account: Option<String>,
        /// Print one JSON object (errors too).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// The auditor's check: the attestation verifies under the SRS you trust, and the opening
    /// opens its portfolio commitment exactly; prints the statement, the holdings and the figures
    /// (exit 0 both hold, 1 one does not, 2 bad input).
    Open {
        #[arg(long)]
        attestation: PathBuf,
        #[arg(long)]
        opening: PathBuf,
        #[arg(long)]
        policy: PathBuf,
        /// Print one JSON object (errors too).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Write the Solidity verifier for the policy's circuit shape (source, bytecode, ABI), the
    /// SolvencyGate registry contract, the wasm verifier's key and the policy's commitment with its
    /// registration calldata into a folder (needs Node.js and `npm ci --prefix contracts`).
    ExportVerifier {
        #[arg(long)]
        policy: PathBuf,
        /// The folder to write.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Print the calldata (hex) that submits an attestation on-chain.
    Calldata {
        #[arg(long)]
        attestation: PathBuf,
        /// `gate`: SolvencyGate.attest(...), sent from the attested account; `verifier`: the
        /// verifier contract's raw input (policy commitment, public inputs, proof; needs --policy).
        #[arg(long, value_enum, default_value_t = CalldataTarget::Gate)]
        r#for: CalldataTarget,
        /// The policy (for `--for verifier`: its commitment goes first).
        #[arg(long)]
        policy: Option<PathBuf>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Print a policy's commitment under an SRS (its identity on every verifier) and its id.
    PolicyCommitment {
        /// The policy file (validated first).
        policy: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Structured reference strings.
    Srs {
        #[command(subcommand)]
        command: SrsCommand,
    },
    /// Run the main job on the embedded example: check, keygen, prove, verify.
    Demo {
        /// Also write the demo's attestation here.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        keys: KeyArgs,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CalldataTarget {
    Gate,
    Verifier,
}

#[derive(Subcommand)]
enum SrsCommand {
    /// Check a ceremony file (size, points, generators, powers, Lagrange points).
    Check {
        /// The file.
        file: PathBuf,
    },
    /// Write the deterministic development SRS (INSECURE).
    Dev {
        #[arg(long)]
        k: u32,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a checked ceremony file cut down to 2^k points.
    Downsize {
        /// The file.
        file: PathBuf,
        #[arg(long)]
        k: u32,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Runs `work` behind a spinner; prints the step and its duration when done.
fn step<T>(name: &str, work: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("template"));
    bar.set_message(name.to_string());
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let start = Instant::now();
    let result = work();
    bar.finish_and_clear();
    let mark = if result.is_ok() { "done" } else { "failed" };
    eprintln!("{name:<28} {mark} in {:.2} s", start.elapsed().as_secs_f64());
    result
}

fn load_policy(path: &Path) -> Result<Policy, Error> {
    Policy::from_json(&read_text(path, solvent_model::policy::MAX_POLICY_BYTES)?).map_err(|e| Error::input(path, e))
}

fn load_portfolio(path: &Path, policy: &Policy) -> Result<Portfolio, Error> {
    portfolio_from_text(path, &read_text(path, solvent_model::portfolio::MAX_PORTFOLIO_BYTES)?, policy)
}

fn load_attestation(path: &Path) -> Result<Attestation, Error> {
    Attestation::from_json(&read_text(path, MAX_ATTESTATION_BYTES)?).map_err(|e| Error::input(path, e))
}

fn portfolio_from_text(path: &Path, text: &str, policy: &Policy) -> Result<Portfolio, Error> {
    let (portfolio, warnings) = Portfolio::from_json(text, policy).map_err(|e| Error::input(path, e))?;
    for w in warnings {
        eprintln!("warning: {}: {}: {}", path.display(), w.field, w.message);
    }
    Ok(portfolio)
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn key_store(dir: &Option<PathBuf>) -> KeyStore {
    KeyStore::new(dir.clone().unwrap_or_else(default_dir))
}

fn srs_source(args: &KeyArgs) -> SrsSource {
    match &args.srs {
        Some(path) => SrsSource::File(path.clone()),
        None => {
            eprintln!("warning: no --srs given: using the INSECURE development SRS; attestations made with it prove nothing");
            SrsSource::Development
        }
    }
}

fn set_threads(args: &KeyArgs) {
    if let Some(n) = args.threads {
        let _ = rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global();
    }
}

/// Prints the shape's dimensions and memory estimate; refuses it when the estimate exceeds the
/// limit or the machine.
fn check_resources(shape: Shape, max_memory: Option<&str>) -> Result<(), Error> {
    let limit = max_memory.map(|text| parse_bytes(text).map_err(|m| Error::argument("--max-memory", m))).transpose()?;
    let estimate = estimate(shape);
    eprintln!("{}", estimate.summary());
    estimate.check(limit)
}

fn report_keys(source: &KeySource, dir: &Path) {
    match source {
        KeySource::Cached => {}
        KeySource::Generated => eprintln!("keys cached in {}", dir.display()),
        KeySource::Regenerated(reason) => {
            eprintln!("warning: the cached keys were damaged ({reason}); generated again into {}", dir.display())
        }
    }
}

/// Loads or makes the keys for a circuit; returns them and the SRS.
fn keys_for(circuit: &AttestationCircuit, args: &KeyArgs) -> Result<(solvent_prover::keys::Keys, solvent_params::Srs), Error> {
    let k = circuit.k();
    let store = key_store(&args.keys);
    let source = srs_source(args);
    let srs = step(&format!("SRS (k = {k})"), || srs_for(&source, k, &store.dir))?;
    let (keys, made) = step("keys", || store.load_or_generate(circuit.shape(), &srs))?;
    report_keys(&made, &store.key_dir(circuit.shape(), k, &keys.srs.identity()));
    Ok((keys, srs))
}

/// The SRS the verifier's user trusts (never the attestation's): `--srs FILE`, a pinned
/// `--srs-identity`, or with `--allow-insecure-srs` and neither, the development SRS.
fn trusted_srs(trust: &TrustArgs) -> Result<TrustedSrs, Error> {
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

fn checks(trust: &TrustArgs, account: Option<[u8; 20]>) -> Checks {
    Checks { account, now: trust.now.unwrap_or_else(now), allow_insecure_srs: trust.allow_insecure_srs, max_age: trust.max_age }
}

/// Whether the command prints JSON (then its errors are JSON too).
fn prints_json(command: &Command) -> bool {
    matches!(
        command,
        Command::Check { json: true, .. }
            | Command::Verify { json: true, .. }
            | Command::Open { json: true, .. }
            | Command::PolicyCommitment { json: true, .. }
    )
}

fn run(cli: Cli) -> Result<i32, Error> {
    match cli.command {
        Command::Check { policy, portfolio, json } => {
            let p = load_policy(&policy)?;
            let w = load_portfolio(&portfolio, &p)?;
            let r = evaluate(&p, &w);
            if json {
                println!("{}", report::json(&p, &r));
            } else {
                print!("{}", report::human(&p, &r));
            }
            Ok(if r.margin_ok && r.collateral_ok { 0 } else { 1 })
        }
        Command::Keygen { policy, max_memory, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            check_resources(Shape::of(&p), max_memory.as_deref())?;
            let circuit = AttestationCircuit::for_shape(Shape::of(&p));
            let (k, _) = keys_for(&circuit, &keys)?;
            println!("shape {}  k = {}  rows = {}  lanes = {}", circuit.shape(), k.srs.k, circuit.rows(), k.dims.lanes);
            println!("vk_hash {}", encode_hex(&k.vk_hash()));
            println!("srs     {}{}", encode_hex(&k.srs.identity()), if k.srs.is_dev() { " (INSECURE development SRS)" } else { "" });
            Ok(0)
        }
        Command::Prove { policy, portfolio, out, opening, time, max_memory, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let w = load_portfolio(&portfolio, &p)?;
            let mut outputs = vec![("--out", out.as_path())];
            outputs.extend(opening.as_deref().map(|o| ("--opening", o)));
            check_outputs(&[&policy, &portfolio], &outputs)?;
            if opening.is_none() {
                eprintln!("warning: no --opening: without the opening (the portfolio and salt) no auditor can ever open this attestation's commitment");
            }
            let clock = now();
            let time = match time {
                Some(t) if t > clock => {
                    return Err(Error::argument("--time", format!("{t} ({}) is in the future (now: {clock}, {})", utc(t), utc(clock))));
                }
                Some(t) => t,
                None => clock,
            };
            let plan = Plan { out: &out, opening: opening.as_deref(), max_memory: max_memory.as_deref() };
            prove_and_write(p, w, time, &plan, &keys).map(|_| 0)
        }
        Command::Verify { attestation, policy, account, json, trust } => {
            let a = load_attestation(&attestation)?;
            let p = load_policy(&policy)?;
            let account = match account {
                Some(text) => Some(parse_account("--account", &text).map_err(|e| Error::input(Path::new("arguments"), e))?),
                None => None,
            };
            let checks = checks(&trust, account);
            let srs = match trusted_srs(&trust) {
                Ok(srs) => srs,
                Err(e) => return refused_statement(&a, &p, &checks, json).ok_or(e),
            };
            let store = key_store(&trust.keys);
            let v = step("verifying", || verify_attestation(&a, &p, &checks, &srs, &store))?;
            report_keys(&v.keys, &store.dir);
            if json {
                println!("{}", v.to_json());
            } else {
                print_verification(&v);
            }
            Ok(v.exit_code())
        }
        Command::Open { attestation, opening, policy, json, trust } => {
            let a = load_attestation(&attestation)?;
            let o = Opening::from_json(&read_text(&opening, MAX_OPENING_BYTES)?).map_err(|e| Error::input(&opening, e))?;
            let p = load_policy(&policy)?;
            let checks = checks(&trust, None);
            let srs = match trusted_srs(&trust) {
                Ok(srs) => srs,
                Err(e) => return refused_statement(&a, &p, &checks, json).ok_or(e),
            };
            let store = key_store(&trust.keys);
            let audit = step("verifying and opening", || open_attestation(&a, &o, &p, &checks, &srs, &store, &opening))?;
            if json {
                println!("{}", audit.to_json(&p));
            } else {
                print_verification(&audit.verification);
                match (&audit.opened, &audit.mismatch) {
                    (Some((portfolio, figures)), _) => {
                        println!("the opening matches the attestation's portfolio commitment; the committed portfolio:");
                        print!("{}", holdings(&p, portfolio));
                        print!("{}", report::human(&p, figures));
                    }
                    (None, Some(reason)) => println!("DOES NOT MATCH: {reason}"),
                    (None, None) => println!("the opening was not checked: the attestation does not verify"),
                }
            }
            Ok(audit.exit_code())
        }
        Command::ExportVerifier { policy, out, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let circuit = AttestationCircuit::for_shape(Shape::of(&p));
            let (k, srs) = keys_for(&circuit, &keys)?;
            let commitment = step("policy commitment", || key_store(&keys.keys).commitment(&p, &srs))?;
            let e = step("generate and compile", || export::export_verifier(&k, &p, &commitment, &out))?;
            println!("wrote {} (verifier for shape {}, k = {}, {})", out.display(), circuit.shape(), e.k, lanes_text(e.lanes));
            println!("policy id {}", e.policy_id);
            println!(
                "runtime code: {} {} bytes, SolvencyGate {} bytes; wasm verifier key {} bytes",
                solvent_evm::solidity::CONTRACT,
                e.verifier_runtime_bytes,
                e.gate_runtime_bytes,
                e.wasm_key_bytes
            );
            println!(
                "deploy {} and SolvencyGate(maxSnapshotAge); register with setVerifier and acceptPolicy (verifier.json)",
                solvent_evm::solidity::CONTRACT
            );
            if e.srs_insecure {
                eprintln!("warning: made with the INSECURE development SRS: proofs against this verifier prove nothing");
            }
            Ok(0)
        }
        Command::Calldata { attestation, r#for, policy, keys } => {
            let a = load_attestation(&attestation)?;
            let data = match r#for {
                CalldataTarget::Gate => solvent_evm::gate::attest(&a).map_err(|e| Error::input(&attestation, e))?,
                CalldataTarget::Verifier => {
                    let Some(policy) = policy else {
                        return Err(Error::argument("--policy", "`--for verifier` needs the policy (its commitment starts the calldata)"));
                    };
                    let p = load_policy(&policy)?;
                    let srs = srs_for_policy(&p, &keys, a.srs.insecure)?;
                    let commitment = key_store(&keys.keys).commitment(&p, &srs)?;
                    let inputs = a.public_inputs().map_err(|e| Error::input(&attestation, e))?;
                    let proof = a.proof_bytes().map_err(|e| Error::input(&attestation, e))?;
                    solvent_evm::abi::verifier_calldata(&commitment, &inputs, &proof)
                }
            };
            println!("0x{}", hex::encode(data));
            Ok(0)
        }
        Command::PolicyCommitment { policy, json, keys } => {
            let p = load_policy(&policy)?;
            let srs = srs_for_policy(&p, &keys, true)?;
            let commitment = step("policy commitment", || key_store(&keys.keys).commitment(&p, &srs))?;
            let dims = Dims::for_shape(Shape::of(&p));
            let identity = solvent_params::VerifierSrs::of(&srs);
            if json {
                let value = serde_json::json!({
                    "policy": p.id, "policy_id": encode_hex(&commitment.id()), "commitment": commitment.to_hex(),
                    "shape": Shape::of(&p).to_string(), "k": dims.k, "lanes": dims.lanes,
                    "srs_identity": encode_hex(&identity.identity()), "srs_insecure": identity.is_dev(),
                });
                println!("{value}");
            } else {
                println!("policy id   {}", encode_hex(&commitment.id()));
                for (lane, point) in commitment.to_hex().iter().enumerate() {
                    println!("lane {lane}      {point}");
                }
                println!("shape {}  k = {}  lanes = {}", Shape::of(&p), dims.k, dims.lanes);
                println!(
                    "srs   {}{}",
                    encode_hex(&identity.identity()),
                    if identity.is_dev() { " (INSECURE development SRS)" } else { "" }
                );
            }
            Ok(0)
        }
        Command::Srs { command } => srs_command(command),
        Command::Demo { out, keys } => {
            set_threads(&keys);
            run_demo(out.as_deref(), &keys)
        }
    }
}

/// Where `prove` writes, and its memory limit.
struct Plan<'a> {
    out: &'a Path,
    opening: Option<&'a Path>,
    max_memory: Option<&'a str>,
}

fn prove_and_write(policy: Policy, portfolio: Portfolio, snapshot_time: u64, plan: &Plan, keys: &KeyArgs) -> Result<Attestation, Error> {
    if snapshot_time < policy.effective_at || snapshot_time >= policy.expires_at {
        return Err(Error::input(
            Path::new("--time"),
            solvent_model::InputError::new(
                "snapshot_time",
                format!("{snapshot_time} is outside the policy's window [{}, {})", policy.effective_at, policy.expires_at),
            ),
        ));
    }
    let figures = evaluate(&policy, &portfolio);
    if !(figures.margin_ok && figures.collateral_ok) {
        eprint!("{}", report::claims(&policy, &figures));
        return Err(Error::Refused("refusing to prove: a claim fails for this portfolio (no attestation written)".into()));
    }
    check_resources(Shape::of(&policy), plan.max_memory)?;
    let witness = Witness { policy, portfolio, snapshot_time, salt: prove::random_salt() };
    let circuit = step("witness", || Ok(AttestationCircuit::new(&witness)))?;
    eprintln!("circuit {}: {} rows, k = {}, {}", circuit.shape(), circuit.rows(), circuit.k(), lanes_text(circuit.dims().lanes));
    let (keys_, srs) = keys_for(&circuit, keys)?;
    let proof = step("proving", || prove::prove(&keys_, &srs, &circuit, &witness))?;
    let attestation = prove::attestation(&witness, &keys_, &proof);
    step("self-check", || {
        solvent_verifier::verify_proof(&keys_.verifier_key, &proof.policy, &witness.public_inputs(), &proof.bytes)
            .map_err(|e| Error::Proof(format!("the new proof does not verify ({e:?})")))
    })?;
    // The attestation first: a private opening is never left behind without it.
    write_file(plan.out, attestation.to_json().as_bytes())?;
    eprintln!("wrote attestation {} (policy id {}, proof {} bytes)", plan.out.display(), attestation.policy.id, proof.bytes.len());
    if let Some(path) = plan.opening {
        let o = Opening::new(&witness.policy, &witness.portfolio, snapshot_time, &witness.salt, attestation.policy.id.clone());
        if let Err(e) = write_private(path, o.to_json().as_bytes()) {
            let _ = std::fs::remove_file(plan.out);
            return Err(e);
        }
        eprintln!("wrote opening {} (PRIVATE, readable by you only: it reveals the portfolio)", path.display());
    }
    Ok(attestation)
}

/// The SRS for computing a policy's commitment: `--srs FILE`, or the development SRS when
/// insecure proofs are allowed and no file is given.
fn srs_for_policy(policy: &Policy, args: &KeyArgs, allow_insecure: bool) -> Result<solvent_params::Srs, Error> {
    let k = Dims::for_shape(Shape::of(policy)).k;
    let source = match (&args.srs, allow_insecure) {
        (Some(path), _) => SrsSource::File(path.clone()),
        (None, true) => SrsSource::Development,
        (None, false) => {
            return Err(Error::argument(
                "--srs",
                "name the SRS you trust (the ceremony file the protocol publishes); only an attestation made with the development SRS falls back to it",
            ))
        }
    };
    step(&format!("SRS (k = {k})"), || srs_for(&source, k, &key_store(&args.keys).dir))
}

/// Without a trusted SRS named, an attestation whose statement already fails (for one, made
/// with the development SRS when that is not allowed) still gets its INVALID verdict (exit 1);
/// `None` when the statement holds, so the missing SRS is the error.
fn refused_statement(a: &Attestation, p: &Policy, checks: &Checks, json: bool) -> Option<i32> {
    let verdict = solvent_verifier::check_statement(a, p, checks).err()?;
    let v = Verification { verdict, statement: None, keys: KeySource::Cached };
    if json {
        println!("{}", v.to_json());
    } else {
        print_verification(&v);
    }
    Some(v.exit_code())
}

fn print_verification(v: &Verification) {
    match v.verdict.reason() {
        None => println!("{}", v.verdict.label()),
        Some(reason) => println!("{}: {reason}", v.verdict.label()),
    }
    if let Some(statement) = &v.statement {
        print!("{}", statement.human());
    }
}

/// The committed holdings, one per line.
fn holdings(policy: &Policy, portfolio: &Portfolio) -> String {
    let document = solvent_prover::opening::portfolio_document(policy, portfolio);
    let mut out = String::new();
    for (map, label) in [("balances", "balance"), ("debts", "debt"), ("positions", "position")] {
        for (id, value) in document[map].as_object().into_iter().flatten() {
            out.push_str(&format!("  {label:<9} {id:<24} {}\n", value.as_str().unwrap_or_default()));
        }
    }
    if out.is_empty() {
        out.push_str("  (nothing)\n");
    }
    out
}

fn srs_command(command: SrsCommand) -> Result<i32, Error> {
    let srs_error = |file: &Path| {
        let file = file.display().to_string();
        move |error| Error::Srs { file: file.clone(), error }
    };
    match command {
        SrsCommand::Check { file } => {
            let srs = step("checking", || solvent_params::load(&file).map_err(srs_error(&file)))?;
            let v = solvent_params::VerifierSrs::of(&srs);
            println!("k        {}", v.k);
            println!("identity {}", encode_hex(&v.identity()));
            if v.is_dev() {
                println!("INSECURE: this is the public development SRS");
            }
            println!("all checks passed");
            Ok(0)
        }
        SrsCommand::Dev { k, out } => {
            if k == 0 || k > solvent_params::MAX_K {
                return Err(Error::Input {
                    file: "--k".into(),
                    error: solvent_model::InputError::new("k", format!("{k} is out of range")),
                });
            }
            let srs = step("generating", || Ok(solvent_params::dev_srs(k)))?;
            write_file(&out, &solvent_params::to_bytes(&srs))?;
            eprintln!("wrote the INSECURE development SRS (k = {k}) to {}", out.display());
            Ok(0)
        }
        SrsCommand::Downsize { file, k, out } => {
            let srs = step("checking", || solvent_params::load(&file).map_err(srs_error(&file)))?;
            let small = solvent_params::downsize(&srs, k).map_err(srs_error(&file))?;
            write_file(&out, &solvent_params::to_bytes(&small))?;
            eprintln!("wrote k = {k} to {}", out.display());
            Ok(0)
        }
    }
}

fn run_demo(out: Option<&Path>, keys: &KeyArgs) -> Result<i32, Error> {
    let total = Instant::now();
    let policy = Policy::from_json(demo::POLICY).map_err(|e| Error::input(Path::new("demo policy"), e))?;
    let portfolio = portfolio_from_text(Path::new("demo portfolio"), demo::PORTFOLIO, &policy)?;
    println!("== solvent demo: a desk's book under a SPAN-style policy ==");
    print!("{}", report::human(&policy, &evaluate(&policy, &portfolio)));
    let dir = std::env::temp_dir().join(format!("solvent-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| Error::Io { file: dir.display().to_string(), error })?;
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| dir.join("attestation.json"));
    let plan = Plan { out: &path, opening: None, max_memory: None };
    let a = prove_and_write(policy.clone(), portfolio, demo::SNAPSHOT_TIME, &plan, keys)?;
    let trust = match &keys.srs {
        Some(file) => TrustedSrs::File(file.clone()),
        None => TrustedSrs::Development,
    };
    let checks = Checks { account: None, now: demo::SNAPSHOT_TIME, allow_insecure_srs: keys.srs.is_none(), max_age: None };
    let v = step("verifying", || verify_attestation(&a, &policy, &checks, &trust, &key_store(&keys.keys)))?;
    print_verification(&v);
    let code = v.exit_code();
    println!("proof {} bytes, k = {}; total {:.1} s", a.proof.len() / 2 - 1, a.circuit.k, total.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(code)
}

fn main() {
    let cli = Cli::parse();
    let json = prints_json(&cli.command);
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            if json {
                println!("{}", serde_json::json!({ "error": e.to_string(), "exit_code": e.exit_code() }));
            }
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// "1 public lane", "2 public lanes".
fn lanes_text(lanes: usize) -> String {
    format!("{lanes} public lane{}", if lanes == 1 { "" } else { "s" })
}
