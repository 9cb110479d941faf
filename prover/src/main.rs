//! `solvent`: prove in zero knowledge that a portfolio meets a policy's margin and collateral
//! thresholds; verify and open such attestations.

#[cfg(feature = "cuda")]
mod gpu_check;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use solvent_circuits::{encoding::field_to_hex, AttestationCircuit, Dims, Shape, Witness};
use solvent_model::{evaluate, policy::Policy, portfolio::parse_account, Portfolio};
use solvent_prover::{
    demo,
    error::{read_text, write_file},
    export,
    keys::{default_dir, KeyStore, VerifierKeys},
    opening::Opening,
    prove, report,
    srs::{srs_for, SrsSource},
    CliError,
};
use solvent_verifier::{
    attestation::encode_hex, check_statement, commitment::PolicyCommitment, verify, Attestation, Checks, Trusted, Verdict,
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
        /// The private opening (portfolio and salt) to write, for auditors.
        #[arg(long)]
        opening: Option<PathBuf>,
        /// Snapshot time, unix seconds (default: now).
        #[arg(long)]
        time: Option<u64>,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// Verify an attestation against a policy, under the SRS you trust (exit 0 VALID, 1 INVALID or
    /// EXPIRED, 2 bad input).
    Verify {
        #[arg(long)]
        attestation: PathBuf,
        #[arg(long)]
        policy: PathBuf,
        /// The account the attestation must be bound to.
        #[arg(long)]
        account: Option<String>,
        /// The verifier's clock, unix seconds (default: now).
        #[arg(long)]
        now: Option<u64>,
        /// Accept attestations made with the public development SRS (testing only).
        #[arg(long)]
        allow_insecure_srs: bool,
        #[command(flatten)]
        keys: KeyArgs,
    },
    /// The auditor's check: the opening matches the attestation's commitment; then the figures.
    Open {
        #[arg(long)]
        attestation: PathBuf,
        #[arg(long)]
        opening: PathBuf,
        #[arg(long)]
        policy: PathBuf,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
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
fn step<T>(name: &str, work: impl FnOnce() -> Result<T, CliError>) -> Result<T, CliError> {
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

fn load_policy(path: &Path) -> Result<Policy, CliError> {
    Policy::from_json(&read_text(path)?).map_err(|e| CliError::input(path, e))
}

fn load_portfolio(path: &Path, policy: &Policy) -> Result<Portfolio, CliError> {
    portfolio_from_text(path, &read_text(path)?, policy)
}

fn portfolio_from_text(path: &Path, text: &str, policy: &Policy) -> Result<Portfolio, CliError> {
    let (portfolio, warnings) = Portfolio::from_json(text, policy).map_err(|e| CliError::input(path, e))?;
    for w in warnings {
        eprintln!("warning: {}: {}: {}", path.display(), w.field, w.message);
    }
    Ok(portfolio)
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

fn key_store(args: &KeyArgs) -> KeyStore {
    KeyStore::new(args.keys.clone().unwrap_or_else(default_dir))
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

/// Loads or makes the keys for a circuit; returns them and the SRS.
fn keys_for(circuit: &AttestationCircuit, args: &KeyArgs) -> Result<(solvent_prover::keys::Keys, solvent_params::Srs), CliError> {
    let k = circuit.k();
    let store = key_store(args);
    let source = srs_source(args);
    let srs = step(&format!("SRS (k = {k})"), || srs_for(&source, k, &store.dir))?;
    let (keys, cached) = step("keys", || store.load_or_generate(circuit.shape(), &srs))?;
    if !cached {
        eprintln!("keys cached in {}", store.key_dir(circuit.shape(), k, &keys.srs.identity()).display());
    }
    Ok((keys, srs))
}

fn run(cli: Cli) -> Result<i32, CliError> {
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
        Command::Keygen { policy, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let circuit = AttestationCircuit::for_shape(Shape::of(&p));
            let (k, _) = keys_for(&circuit, &keys)?;
            println!("shape {}  k = {}  rows = {}  lanes = {}", circuit.shape(), k.srs.k, circuit.rows(), k.dims.lanes);
            println!("vk_hash {}", encode_hex(&k.vk_hash()));
            println!("srs     {}{}", encode_hex(&k.srs.identity()), if k.srs.is_dev() { " (INSECURE development SRS)" } else { "" });
            Ok(0)
        }
        Command::Prove { policy, portfolio, out, opening, time, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let w = load_portfolio(&portfolio, &p)?;
            prove_and_write(p, w, time.unwrap_or_else(now), &out, opening.as_deref(), &keys).map(|_| 0)
        }
        Command::Verify { attestation, policy, account, now: clock, allow_insecure_srs, keys } => {
            let a = Attestation::from_json(&read_text(&attestation)?).map_err(|e| CliError::input(&attestation, e))?;
            let p = load_policy(&policy)?;
            let account = match account {
                Some(text) => Some(parse_account("--account", &text).map_err(|e| CliError::input(Path::new("arguments"), e))?),
                None => None,
            };
            let checks = Checks { account, now: clock.unwrap_or_else(now), allow_insecure_srs };
            verify_file(&a, &p, &checks, &keys, None)
        }
        Command::Open { attestation, opening, policy, json } => {
            let a = Attestation::from_json(&read_text(&attestation)?).map_err(|e| CliError::input(&attestation, e))?;
            let o = Opening::from_json(&read_text(&opening)?).map_err(|e| CliError::input(&opening, e))?;
            let p = load_policy(&policy)?;
            open(&a, &o, &p, &opening, json)
        }
        Command::ExportVerifier { policy, out, keys } => {
            set_threads(&keys);
            let p = load_policy(&policy)?;
            let circuit = AttestationCircuit::for_shape(Shape::of(&p));
            let (k, srs) = keys_for(&circuit, &keys)?;
            let commitment = step("policy commitment", || key_store(&keys).commitment(&p, &srs))?;
            let e = step("generate and compile", || export::export_verifier(&k, &p, &commitment, &out))?;
            println!("wrote {} (verifier for shape {}, k = {}, {})", out.display(), circuit.shape(), e.k, lanes_text(e.lanes));
            println!("policy id {}", e.policy_id);
            println!(
                "runtime code: {} {} bytes, SolvencyGate {} bytes; wasm verifier key {} bytes",
                solvent_evm::solidity::CONTRACT, e.verifier_runtime_bytes, e.gate_runtime_bytes, e.wasm_key_bytes
            );
            println!("deploy {} and SolvencyGate(maxSnapshotAge); register with setVerifier and acceptPolicy (verifier.json)", solvent_evm::solidity::CONTRACT);
            if e.srs_insecure {
                eprintln!("warning: made with the INSECURE development SRS: proofs against this verifier prove nothing");
            }
            Ok(0)
        }
        Command::Calldata { attestation, r#for, policy, keys } => {
            let a = Attestation::from_json(&read_text(&attestation)?).map_err(|e| CliError::input(&attestation, e))?;
            let data = match r#for {
                CalldataTarget::Gate => solvent_evm::gate::attest(&a).map_err(|e| CliError::input(&attestation, e))?,
                CalldataTarget::Verifier => {
                    let Some(policy) = policy else {
                        return Err(CliError::Input {
                            file: "arguments".into(),
                            error: solvent_model::InputError::new("--policy", "`--for verifier` needs the policy (its commitment starts the calldata)"),
                        });
                    };
                    let p = load_policy(&policy)?;
                    let srs = trusted_srs(&p, &keys, a.srs.insecure)?;
                    let commitment = key_store(&keys).commitment(&p, &srs)?;
                    let inputs = a.public_inputs().map_err(|e| CliError::input(&attestation, e))?;
                    let proof = a.proof_bytes().map_err(|e| CliError::input(&attestation, e))?;
                    solvent_evm::abi::verifier_calldata(&commitment, &inputs, &proof)
                }
            };
            println!("0x{}", hex::encode(data));
            Ok(0)
        }
        Command::PolicyCommitment { policy, json, keys } => {
            let p = load_policy(&policy)?;
            let srs = trusted_srs(&p, &keys, true)?;
            let commitment = step("policy commitment", || key_store(&keys).commitment(&p, &srs))?;
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
                println!("srs   {}{}", encode_hex(&identity.identity()), if identity.is_dev() { " (INSECURE development SRS)" } else { "" });
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

fn prove_and_write(
    policy: Policy,
    portfolio: Portfolio,
    snapshot_time: u64,
    out: &Path,
    opening: Option<&Path>,
    keys: &KeyArgs,
) -> Result<Attestation, CliError> {
    if snapshot_time < policy.effective_at || snapshot_time >= policy.expires_at {
        return Err(CliError::Input {
            file: "--time".into(),
            error: solvent_model::InputError::new(
                "snapshot_time",
                format!("{snapshot_time} is outside the policy's window [{}, {})", policy.effective_at, policy.expires_at),
            ),
        });
    }
    let figures = evaluate(&policy, &portfolio);
    if !(figures.margin_ok && figures.collateral_ok) {
        eprint!("{}", report::claims(&policy, &figures));
        return Err(CliError::Refused("refusing to prove: a claim fails for this portfolio (no attestation written)".into()));
    }
    let witness = Witness { policy, portfolio, snapshot_time, salt: prove::random_salt() };
    let circuit = step("witness", || Ok(AttestationCircuit::new(&witness)))?;
    eprintln!("circuit {}: {} rows, k = {}, {}", circuit.shape(), circuit.rows(), circuit.k(), lanes_text(circuit.dims().lanes));
    let (keys_, srs) = keys_for(&circuit, keys)?;
    let proof = step("proving", || prove::prove(&keys_, &srs, &circuit, &witness))?;
    let attestation = prove::attestation(&witness, &keys_, &proof);
    step("self-check", || {
        solvent_verifier::verify_proof(&keys_.verifier_key, &proof.policy, &witness.public_inputs(), &proof.bytes)
            .map_err(|e| CliError::Proof(format!("the new proof does not verify ({e:?})")))
    })?;
    if let Some(path) = opening {
        let o = Opening::new(&witness.policy, &witness.portfolio, snapshot_time, &witness.salt, attestation.policy.id.clone());
        write_file(path, o.to_json().as_bytes())?;
        eprintln!("wrote opening {} (PRIVATE: it reveals the portfolio)", path.display());
    }
    write_file(out, attestation.to_json().as_bytes())?;
    eprintln!("wrote attestation {} (policy id {}, proof {} bytes)", out.display(), attestation.policy.id, proof.bytes.len());
    Ok(attestation)
}

/// The SRS the verifier's user trusts, at the policy's circuit's `k`: `--srs FILE`, or the
/// development SRS when insecure proofs are allowed and no file is given.
fn trusted_srs(policy: &Policy, args: &KeyArgs, allow_insecure: bool) -> Result<solvent_params::Srs, CliError> {
    let k = Dims::for_shape(Shape::of(policy)).k;
    let source = match (&args.srs, allow_insecure) {
        (Some(path), _) => SrsSource::File(path.clone()),
        (None, true) => SrsSource::Development,
        (None, false) => {
            return Err(CliError::Input {
                file: "arguments".into(),
                error: solvent_model::InputError::new(
                    "--srs",
                    "name the SRS you trust (the ceremony file the protocol publishes); only --allow-insecure-srs falls back to the development SRS",
                ),
            })
        }
    };
    step(&format!("SRS (k = {k})"), || srs_for(&source, k, &key_store(args).dir))
}

/// Verifies `a` against the policy `p` under the SRS the user trusts; `prepared` skips loading
/// what a caller already holds (the prover's own keys and commitment).
fn verify_file(
    a: &Attestation,
    p: &Policy,
    checks: &Checks,
    args: &KeyArgs,
    prepared: Option<(&VerifierKeys, &PolicyCommitment)>,
) -> Result<i32, CliError> {
    if let Err(verdict) = check_statement(a, p, checks) {
        return Ok(print_verdict(&verdict));
    }
    let owned;
    let (keys, commitment) = match prepared {
        Some(found) => found,
        None => {
            let store = key_store(args);
            let srs = trusted_srs(p, args, checks.allow_insecure_srs)?;
            let keys = match store.load_verifier(Shape::of(p), &solvent_params::VerifierSrs::of(&srs).identity()) {
                Some(keys) => keys,
                None => step("keys", || store.load_or_generate(Shape::of(p), &srs))?.0.verifier(),
            };
            let commitment = step("policy commitment", || store.commitment(p, &srs))?;
            owned = (keys, commitment);
            (&owned.0, &owned.1)
        }
    };
    let trusted = Trusted { policy: p, commitment, key: &keys.key, vk_hash: keys.vk_hash, srs: &keys.srs };
    let verdict = step("verifying", || Ok(verify(a, &trusted, checks)))?;
    Ok(print_verdict(&verdict))
}

fn print_verdict(verdict: &Verdict) -> i32 {
    match verdict {
        Verdict::Valid => {
            println!("VALID");
            0
        }
        Verdict::Invalid(reason) => {
            println!("INVALID: {reason}");
            1
        }
        Verdict::Expired(reason) => {
            println!("EXPIRED: {reason}");
            1
        }
    }
}

fn open(a: &Attestation, o: &Opening, p: &Policy, opening_path: &Path, json: bool) -> Result<i32, CliError> {
    if a.shape() != Shape::of(p) {
        return Err(CliError::Refused(format!("the attestation is for shape {}, not this policy's {}", a.shape(), Shape::of(p))));
    }
    let same_policy = solvent_verifier::attestation::hex32("policy_id", &o.policy_id).ok() == a.policy_id().ok();
    if !same_policy || o.snapshot_time != a.public_inputs.snapshot_time {
        return Err(CliError::Refused("the opening is for another attestation (policy id or snapshot time differ)".into()));
    }
    let portfolio = o.portfolio(p).map_err(|e| CliError::input(opening_path, e))?;
    let salt = o.salt().map_err(|e| CliError::input(opening_path, e))?;
    let committed = solvent_circuits::portfolio_commitment(Shape::of(p), &portfolio, o.snapshot_time, &salt);
    let commitment = field_to_hex(&committed);
    let attested = a.public_inputs().map_err(|e| CliError::input(Path::new("attestation"), e))?;
    if committed != attested.portfolio_commitment {
        println!("DOES NOT MATCH: the opening commits to {commitment}, the attestation to {}", a.public_inputs.portfolio_commitment);
        return Ok(1);
    }
    let figures = evaluate(p, &portfolio);
    if json {
        let mut value = report::json(p, &figures);
        value["opening_matches"] = serde_json::Value::Bool(true);
        println!("{value}");
    } else {
        println!("the opening matches the attestation's portfolio commitment");
        print!("{}", report::human(p, &figures));
    }
    Ok(0)
}

fn srs_command(command: SrsCommand) -> Result<i32, CliError> {
    let srs_error = |file: &Path| {
        let file = file.display().to_string();
        move |error| CliError::Srs { file: file.clone(), error }
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
                return Err(CliError::Input { file: "--k".into(), error: solvent_model::InputError::new("k", format!("{k} is out of range")) });
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

fn run_demo(out: Option<&Path>, keys: &KeyArgs) -> Result<i32, CliError> {
    let total = Instant::now();
    let policy = Policy::from_json(demo::POLICY).map_err(|e| CliError::input(Path::new("demo policy"), e))?;
    let portfolio = portfolio_from_text(Path::new("demo portfolio"), demo::PORTFOLIO, &policy)?;
    println!("== solvent demo: a desk's book under a SPAN-style policy ==");
    print!("{}", report::human(&policy, &evaluate(&policy, &portfolio)));
    let dir = std::env::temp_dir().join(format!("solvent-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|error| CliError::Io { file: dir.display().to_string(), error })?;
    let path = out.map(Path::to_path_buf).unwrap_or_else(|| dir.join("attestation.json"));
    let a = prove_and_write(policy.clone(), portfolio, demo::SNAPSHOT_TIME, &path, None, keys)?;
    let checks = Checks { account: None, now: demo::SNAPSHOT_TIME, allow_insecure_srs: keys.srs.is_none() };
    let code = verify_file(&a, &policy, &checks, keys, None)?;
    println!("proof {} bytes, k = {}; total {:.1} s", a.proof.len() / 2 - 1, a.circuit.k, total.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(code)
}

fn main() {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    };
    std::process::exit(code);
}

/// "1 public lane", "2 public lanes".
fn lanes_text(lanes: usize) -> String {
    format!("{lanes} public lane{}", if lanes == 1 { "" } else { "s" })
}
